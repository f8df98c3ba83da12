"""Lesson 07's helpers against eigen-decompositions, hand-worked values, a hand-written steepest descent
and the theorems of Nocedal and Wright chapter 5; the two widgets redraw and carry a static figure."""
import base64
import io
import math

import numpy as np
import pytest
from PIL import Image

from optcourse.cg_widgets import (CGSpectrumWidget, ZigZagWidget, a_norm_errors, cg_error_bound,
                                  cluster_and_outliers, spd_matrix, steepest_descent_bound)
from optcourse.linear_cg import linear_cg


def steepest_descent_by_hand(A, b, x, steps):
    """Steepest descent with the exact step g'g / g'Ag, written out independently of optcourse."""
    path = [x.copy()]
    for _ in range(steps):
        g = A @ x - b
        x = x - (g @ g) / (g @ A @ g) * g
        path.append(x.copy())
    return np.array(path)


def test_spd_matrix_has_the_eigenvalues_asked_for():
    lam = np.array([0.5, 1.0, 1.0, 3.0, 40.0])
    A = spd_matrix(lam, seed=5)
    assert np.array_equal(A, A.T)
    np.testing.assert_allclose(np.linalg.eigvalsh(A), np.sort(lam), rtol=1e-12)
    assert np.array_equal(A, spd_matrix(lam, seed=5))                    # seeded
    assert not np.allclose(A, spd_matrix(lam, seed=6))
    assert np.abs(A - np.diag(np.diag(A))).max() > 0.1                   # the eigenvectors are not the axes
    with pytest.raises(ValueError, match="1-D"):
        spd_matrix(np.eye(2))
    with pytest.raises(ValueError, match="finite"):
        spd_matrix([1.0, np.nan])


def test_cluster_and_outliers_spectrum():
    lam = cluster_and_outliers(50, 1e4, outliers=4, width=0.1, seed=3)
    assert lam.shape == (50,) and np.all(np.diff(lam) >= 0)
    assert np.all((lam[:46] >= 1.0) & (lam[:46] <= 1.1))
    np.testing.assert_allclose(lam[46:], [10.0, 100.0, 1000.0, 1e4])
    assert np.array_equal(cluster_and_outliers(5, 10.0, 0), np.ones(5))
    np.testing.assert_allclose(cluster_and_outliers(6, 32.0, 6), np.geomspace(1.0, 32.0, 6))
    for bad, match in (((5, 10.0, 6), "at most"), ((5, 0.5, 1), ">= 1"), ((5, 10.0, -1), ">= 0"),
                       ((5, 10.0, 1, -0.1), "width")):
        with pytest.raises(ValueError, match=match):
            cluster_and_outliers(*bad)


def test_a_norm_errors_against_the_definition_and_f():
    rng = np.random.default_rng(0)
    A = spd_matrix([1.0, 2.0, 7.0], seed=1)
    b = rng.normal(size=3)
    x_star = np.linalg.solve(A, b)
    points = rng.normal(size=(4, 3))
    expected = [math.sqrt((p - x_star) @ A @ (p - x_star)) for p in points]
    np.testing.assert_allclose(a_norm_errors(A, points, x_star), expected, rtol=1e-12)
    # f(x) - f* = ½ ‖x - x*‖²_A for f = ½ xᵀAx - bᵀx
    f = lambda x: 0.5 * x @ A @ x - b @ x
    np.testing.assert_allclose(0.5 * a_norm_errors(A, points, x_star) ** 2,
                               [f(p) - f(x_star) for p in points], rtol=1e-10)
    with pytest.raises(ValueError, match="n x n"):
        a_norm_errors(np.eye(2), points, x_star)


def test_steepest_descent_bound_is_reached_from_the_worst_start_and_holds_elsewhere():
    for kappa in (4.0, 30.0, 500.0):
        A = np.diag([1.0, kappa])
        worst = steepest_descent_by_hand(A, np.zeros(2), np.array([1.0, 1.0 / kappa]), 5)
        errors = a_norm_errors(A, worst, np.zeros(2))
        np.testing.assert_allclose(errors[1:] / errors[:-1], steepest_descent_bound(kappa, 1), rtol=1e-9)
    rng = np.random.default_rng(2)
    A = spd_matrix(np.geomspace(1.0, 50.0, 6), seed=2)
    b = rng.normal(size=6)
    for _ in range(5):
        path = steepest_descent_by_hand(A, b, rng.normal(size=6), 30)
        errors = a_norm_errors(A, path, np.linalg.solve(A, b))
        assert np.all(errors[1:] <= steepest_descent_bound(50.0, 1) * errors[:-1] * (1 + 1e-12))
    np.testing.assert_allclose(steepest_descent_bound(3.0, [0, 1, 2]), [1.0, 0.5, 0.25])


def test_cg_error_bound_hand_values_and_cg_obeys_it():
    # kappa = 9: (3 - 1)/(3 + 1) = 1/2, so 2 (1/2)^k, capped at 1
    np.testing.assert_allclose(cg_error_bound(9.0, [0, 1, 2, 5]), [1.0, 1.0, 0.5, 2 / 32])
    rng = np.random.default_rng(4)
    for kappa in (10.0, 1e3):
        A = spd_matrix(np.geomspace(1.0, kappa, 60), seed=int(kappa))
        b = rng.normal(size=60)
        res = linear_cg(A, b, tol=1e-10)
        errors = a_norm_errors(A, res.path, np.linalg.solve(A, b))
        k = np.arange(len(errors))
        assert np.all(errors / errors[0] <= cg_error_bound(kappa, k) * (1 + 1e-8) + 1e-12)
        assert np.all(np.diff(errors) <= 1e-12 * errors[0])          # CG's A-norm error never grows
    with pytest.raises(ValueError, match=">= 1"):
        cg_error_bound(0.9, 3)


def test_a_cluster_with_outliers_obeys_nocedal_wright_theorem_5_5():
    rng = np.random.default_rng(5)
    for m, width in ((0, 0.05), (3, 0.01), (6, 0.2)):
        lam = cluster_and_outliers(80, 1e4, m, width, seed=m)
        A = spd_matrix(lam, seed=10 + m)
        b = rng.normal(size=80)
        res = linear_cg(A, b, tol=1e-14)
        errors = a_norm_errors(A, res.path, np.linalg.solve(A, b))
        assert errors[m + 1] / errors[0] <= width / (2 + width) * (1 + 1e-6)


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def test_zigzag_widget_counts_the_steps_and_redraws():
    w = ZigZagWidget(condition_number=10, angle_degrees=30, start_degrees=36)
    surface, A, sd, cg = w.runs()
    assert cg.nit == 2 and np.allclose(cg.path[-1], 0.0, atol=1e-10)
    # the same steepest descent, written out by hand
    np.testing.assert_allclose(sd.path[:10], steepest_descent_by_hand(A, np.zeros(2), w.start, 9), atol=1e-12)
    assert f"<b>{sd.nit}</b> steps" in w.status.value and "needed <b>2</b>" in w.status.value
    before = pixels(w.png())
    for control, value in ((w.kappa_control, 100.0), (w.angle_control, 120.0), (w.start_control, 200.0)):
        control.value = value
        after = pixels(w.png())
        assert (after != before).any(axis=-1).mean() > 0.002, control.description
        before = after
    # starting on an axis of the valley, steepest descent needs one step
    with w.quiet():
        w.angle_control.value, w.start_control.value = 30.0, 30.0
    w.refresh()
    assert w.runs()[2].nit == 1


def test_spectrum_widget_reports_what_cg_did():
    w = CGSpectrumWidget(condition_number=1e4, outliers=5, width=1e-6, n=120)
    lam, errors, res = w.solve()
    assert lam.shape == (120,) and errors[0] == 1.0
    np.testing.assert_allclose(lam[-5:], 1e4 ** (np.arange(1, 6) / 5))
    reached = int(np.flatnonzero(errors <= w.TARGET)[0])
    assert reached <= 12 and f"<b>{reached}</b> iterations" in w.status.value
    before = pixels(w.png())
    w.outliers_control.value = 120                       # every eigenvalue spread out
    assert "had not brought" in w.status.value or int(w.status.value.split("<b>")[1].split("<")[0]) > 100
    assert (pixels(w.png()) != before).any(axis=-1).mean() > 0.01


def test_widgets_carry_a_static_png():
    for w in (ZigZagWidget(), CGSpectrumWidget(n=60)):
        bundle = w._repr_mimebundle_()
        png = base64.b64decode(bundle["image/png"])
        assert png == w.live.image.value
        image = pixels(png)
        assert image.shape[0] > 200 and image.std() > 10
        assert "application/vnd.jupyter.widget-view+json" in bundle


def test_docstring_examples_run():
    import doctest

    import optcourse.cg_widgets as module
    failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 8 and failures == 0
