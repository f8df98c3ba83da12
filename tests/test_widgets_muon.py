"""The Newton-Schulz widget (lesson 11): its curves and spectra against the SVD and closed forms."""
import numpy as np
import pytest

from optcourse.widgets import NewtonSchulzWidget
from optcourse.widgets.muon import ITERATIONS


def spectrum_with_singular_values(sigma, shape=(12, 6), seed=0):
    rng = np.random.default_rng(seed)
    U, _, Vt = np.linalg.svd(rng.normal(size=shape), full_matrices=False)
    return U @ np.diag(sigma) @ Vt


def test_the_map_is_the_polynomial_iterated_and_the_spectrum_that_of_the_iterate():
    sigma = np.array([3.0, 1.0, 0.5, 0.2, 0.1, 0.05])
    G = spectrum_with_singular_values(sigma)
    w = NewtonSchulzWidget(G, steps=2)
    x = w.lines["cubic"].get_xdata()
    once = 1.5 * x - 0.5 * x**3
    np.testing.assert_allclose(w.lines["cubic"].get_ydata(), 1.5 * once - 0.5 * once**3, rtol=1e-12)
    np.testing.assert_allclose(w.lines["before"].get_ydata(), sigma / np.linalg.norm(sigma), rtol=1e-12)
    s0 = sigma / np.linalg.norm(sigma)
    a, b, c = 3.4445, -4.7750, 2.0315
    p = lambda s: a * s + b * s**3 + c * s**5
    np.testing.assert_allclose(w.lines["after"].get_ydata(), np.sort(p(p(s0)))[::-1], rtol=1e-10)
    w.iteration_control.value = [k for k, v in ITERATIONS.items() if v == (1.5, -0.5, 0.0)][0]
    w.steps_control.value = 40
    np.testing.assert_allclose(w.lines["after"].get_ydata(), 1.0, rtol=1e-10)     # the cubic converges to UVᵀ
    assert "[1.00, 1.00]" in w.status.value and "‖O − UVᵀ‖₂ = 0.00" in w.status.value


def test_zero_singular_values_are_reported_and_stay_zero():
    G = spectrum_with_singular_values(np.array([2.0, 1.0, 0.5, 0.0, 0.0, 0.0]))
    w = NewtonSchulzWidget(G, steps=5)
    assert "the 3 nonzero singular values (3 are 0 and stay 0)" in w.status.value
    np.testing.assert_allclose(w.lines["after"].get_ydata()[3:], 0.0, atol=1e-12)


@pytest.mark.parametrize("G", [np.ones(3), np.zeros((3, 2)), np.full((2, 2), np.nan)])
def test_bad_matrices_are_refused(G):
    with pytest.raises(ValueError, match="finite, non-zero matrix"):
        NewtonSchulzWidget(G)


def test_a_static_png_is_shown_where_widgets_cannot_run():
    w = NewtonSchulzWidget(spectrum_with_singular_values(np.linspace(1, 0.1, 6)))
    bundle = w._repr_mimebundle_()
    assert bundle["image/png"] and "NewtonSchulzWidget" in bundle["text/plain"]
