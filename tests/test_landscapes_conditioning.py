"""Conditioning (lessons 03 and 07): the angle functions against hand-worked values, a surface's own gradient and brute force; matrices of chosen eigenvalues against their eigen-decompositions."""
import math

import numpy as np
import pytest

from optcourse.landscapes.conditioning import (cluster_and_outliers, descent_angle, descent_angles, gradient_turn,
                                               spd_matrix,
                                               worst_descent_angle)
from optcourse.landscapes.surfaces import quadratic


def rotation(degrees):
    t = math.radians(degrees)
    return np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])


def random_spd(rng, n, kappa):
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = np.geomspace(1.0, kappa, n)
    return Q @ np.diag(lam) @ Q.T, lam, Q


def angle_between(u, v):
    return math.degrees(math.acos(np.clip(u @ v / np.linalg.norm(u) / np.linalg.norm(v), -1, 1)))


def test_descent_angle_hand_worked():
    # H = diag(1, 10), x = (1, 1): -∇f = (-1, -10), to the minimum (-1, -1); cos = 11 / sqrt(2 * 101)
    assert descent_angle(np.diag([1.0, 10.0]), [1.0, 1.0]) == pytest.approx(math.degrees(math.acos(11 / math.sqrt(202))))
    # on an eigenvector the gradient points straight at the minimum; round bowls everywhere
    assert descent_angle(np.diag([1.0, 10.0]), [0.0, 3.0]) == pytest.approx(0.0, abs=1e-6)
    assert descent_angle(3.0 * np.eye(4), [1.0, -2.0, 0.5, 7.0]) == pytest.approx(0.0, abs=1e-6)


def test_descent_angle_matches_the_gradient_of_a_rotated_shifted_quadratic():
    centre = np.array([0.7, -1.2])
    surface = quadratic(40.0, 25.0, centre)
    H = rotation(25.0) @ np.diag([1.0, 40.0]) @ rotation(25.0).T
    for x in np.random.default_rng(0).uniform(-3, 3, size=(20, 2)):
        expected = angle_between(-surface.gradient(x), centre - x)
        assert descent_angle(H, x, centre) == pytest.approx(expected, abs=1e-9)


def test_worst_angle_is_the_brute_force_maximum_over_directions():
    phi = np.linspace(0.0, math.pi / 2, 200_001)
    c, s = np.cos(phi), np.sin(phi)
    for kappa in (1.0, 2.0, 10.0, 100.0, 1e4):
        cos = (c**2 + kappa * s**2) / np.sqrt(c**2 + kappa**2 * s**2)     # written out by hand
        assert worst_descent_angle(kappa) == pytest.approx(math.degrees(math.acos(cos.min())), abs=1e-4)
    assert worst_descent_angle(1.0) == 0.0
    assert worst_descent_angle(1e12) == pytest.approx(90.0, abs=0.01)


def test_worst_angle_bounds_every_point_and_is_reached_in_any_dimension():
    rng = np.random.default_rng(1)
    H, lam, Q = random_spd(rng, 6, 50.0)
    worst = worst_descent_angle(50.0)
    angles = [descent_angle(H, x) for x in rng.standard_normal((500, 6))]
    assert max(angles) <= worst + 1e-9
    # Kantorovich's extremal point: d = e_min / sqrt(λ_min) + e_max / sqrt(λ_max)
    d = Q[:, 0] / math.sqrt(lam[0]) + Q[:, -1] / math.sqrt(lam[-1])
    assert descent_angle(H, -d) == pytest.approx(worst, abs=1e-9)


def test_gradient_turn_matches_the_surface_gradient_along_the_walk():
    surface = quadratic(20.0, 40.0)
    H = rotation(40.0) @ np.diag([1.0, 20.0]) @ rotation(40.0).T
    x = np.array([2.0, -0.5])
    g0 = surface.gradient(x)
    u = -g0 / np.linalg.norm(g0)
    t = np.linspace(0.0, 1.0, 11)
    expected = [angle_between(surface.gradient(x + ti * u), g0) for ti in t]
    np.testing.assert_allclose(gradient_turn(H, x, t), expected, atol=1e-7)
    t_star = np.linalg.norm(g0) / (u @ H @ u)          # exact line search: the new gradient ⟂ u
    assert gradient_turn(H, x, [t_star])[0] == pytest.approx(90.0, abs=1e-7)


def test_round_bowl_gradient_never_turns_until_the_minimum():
    turn = gradient_turn(np.eye(2), [1.0, 0.0], [0.0, 0.5, 1.0, 2.0])
    np.testing.assert_allclose(turn[:2], 0.0, atol=1e-7)
    assert math.isnan(turn[2]) and turn[3] == pytest.approx(180.0)


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="square"):
        descent_angle(np.ones((2, 3)), [1.0, 1.0])
    with pytest.raises(ValueError, match="symmetric"):
        descent_angle(np.array([[1.0, 2.0], [0.0, 1.0]]), [1.0, 1.0])
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        descent_angle(np.eye(2), [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="minimum itself"):
        descent_angle(np.eye(2), [1.0, 1.0], x_star=[1.0, 1.0])
    with pytest.raises(ValueError, match=">= 1"):
        worst_descent_angle(0.5)
    with pytest.raises(ValueError, match="gradient is zero"):
        gradient_turn(np.eye(2), [0.0, 0.0], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        gradient_turn(np.eye(2), [1.0, 0.0], [np.nan])


def test_descent_angles_at_once_are_descent_angle_at_each_point():
    rng = np.random.default_rng(7)
    for kappa in (1.0, 10.0, 1e3):
        H, _, _ = random_spd(rng, 2, kappa)
        H = (H + H.T) / 2
        points = rng.normal(size=(50, 2)) * 3
        expected = [descent_angle(H, p) for p in points]
        # equal up to rounding: near 0 degrees, arccos turns one ulp of the cosine into 1e-6 degrees
        np.testing.assert_allclose(descent_angles(H, points), expected, rtol=1e-12, atol=1e-5)


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
