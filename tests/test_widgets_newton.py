"""Lesson 06's step-length conditions against hand-worked intervals on a parabola and against the line
searches of optcourse.secondorder.linesearch; Newton's tangent lines against hand-computed iterates; both widgets
report what they draw, redraw on every control and carry a static figure."""
import base64
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from pictures import pixels

from optcourse.landscapes.surfaces import get_surface
from optcourse.secondorder.linesearch import acceptable_steps, step_intervals
from optcourse.widgets.newton import (  # noqa: E402
    ROOT_PROBLEMS,
    LineSearchWidget,
    NewtonRootWidget,
    describe_newton_run,
    draw_step_conditions,
    draw_tangent_steps,
)


def parabola(alphas):
    """phi(alpha) = (alpha - 1)^2 - 1: phi(0) = 0, phi'(0) = -2, minimum at alpha = 1."""
    alphas = np.asarray(alphas, dtype=float)
    return (alphas - 1) ** 2 - 1, 2 * (alphas - 1)


# ---------------------------------------------------------------------------- the conditions


def test_bad_input_is_explained():
    values, slopes = parabola([0.5, 1.0])
    with pytest.raises(ValueError, match="c1 < c2"):
        acceptable_steps([0.5, 1.0], values, slopes, 0.0, -2.0, c1=0.5, c2=0.4)
    with pytest.raises(ValueError, match="descent direction"):
        acceptable_steps([0.5, 1.0], values, slopes, 0.0, 2.0)
    with pytest.raises(ValueError, match="same length"):
        acceptable_steps([0.5, 1.0, 1.5], values, slopes, 0.0, -2.0)
    with pytest.raises(ValueError, match="same length"):
        step_intervals([0.0, 1.0], [True])
    with pytest.raises(ValueError, match="1-D array"):
        draw_tangent_steps(plt.figure().add_subplot(), np.sin, np.cos, np.zeros((2, 2)))
    plt.close("all")


def test_drawn_bands_are_the_intervals():
    alphas = np.linspace(0.01, 2.5, 250)
    values, slopes = parabola(alphas)
    fig, (top, bottom) = plt.subplots(2, 1)
    masks = draw_step_conditions(top, bottom, alphas, values, slopes, 0.0, -2.0, 0.1, 0.5,
                                 marks={"a step": 1.0})
    assert {k: m.tolist() for k, m in masks.items()} == \
        {k: m.tolist() for k, m in acceptable_steps(alphas, values, slopes, 0.0, -2.0, 0.1, 0.5).items()}
    # one shaded band per interval; on a parabola every condition holds on one interval
    assert len(bottom.collections) == 3
    labels = [t.get_text() for t in bottom.get_yticklabels()]
    assert labels == ["armijo", "wolfe", "strong wolfe"]
    plt.close(fig)


# ---------------------------------------------------------------------------- tangent lines

def test_tangent_segments_run_from_the_curve_to_the_next_iterate():
    f, fp = (lambda x: x * x - 2), (lambda x: 2 * x)
    path = np.array([3.0, 11 / 6, 193 / 132])             # Newton for sqrt(2) from 3, by hand
    fig, ax = plt.subplots()
    draw_tangent_steps(ax, f, fp, path)
    tangents = [line for line in ax.get_lines() if line.get_linestyle() == "-" and len(line.get_xdata()) == 2]
    assert len(tangents) == 2
    for line, x, x_next in zip(tangents, path[:-1], path[1:]):
        (xa, xb), (ya, yb) = line.get_xdata(), line.get_ydata()
        assert (xa, ya, yb) == pytest.approx((x, f(x), 0.0)) and xb == pytest.approx(x_next)
        assert (yb - ya) / (xb - xa) == pytest.approx(fp(x))    # the slope of the tangent is f'(x_k)
    plt.close(fig)


def test_describe_newton_run_names_the_four_endings():
    arctan = ROOT_PROBLEMS["arctan x"]
    window = arctan[2]

    def newton_path(f, fp, x, steps):
        path = [x]
        for _ in range(steps):
            x = x - f(x) / fp(x)
            path.append(x)
        return np.array(path), f(np.array(path))

    assert describe_newton_run(*newton_path(arctan[0], arctan[1], 1.3, 8), window).startswith("at a root")
    assert describe_newton_run(*newton_path(arctan[0], arctan[1], 1.5, 6), window).startswith("moving away")
    cubic = ROOT_PROBLEMS["x³ − 2x + 2 (a cycle)"]
    assert describe_newton_run(*newton_path(cubic[0], cubic[1], 0.0, 6), cubic[2]).startswith("caught in a cycle")
    double = ROOT_PROBLEMS["(x − 1)²(x + 2) (a double root at 1)"]
    assert describe_newton_run(*newton_path(double[0], double[1], 2.5, 6), double[2]).startswith("on its way")


# ---------------------------------------------------------------------------- widgets


def test_root_widget_runs_newton_and_redraws_on_every_control():
    w = NewtonRootWidget("arctan x", x0=1.3, steps=8, dpi=60)
    assert w.result.path[1] == pytest.approx(1.3 - math.atan(1.3) * (1 + 1.3**2))
    assert "at a root" in w.status.value
    before = pixels(w.png())
    w.x0_control.value = 1.5
    assert "moving away" in w.status.value
    after = pixels(w.png())
    assert (after != before).any(axis=-1).mean() > 0.01
    w.steps_control.value = 3
    assert len(w.result.path) == 4
    w.function_control.value = "x³ − 2x + 2 (a cycle)"     # the start goes back to that function's default
    assert w.x0_control.value == ROOT_PROBLEMS["x³ − 2x + 2 (a cycle)"][4]
    assert (w.x0_control.min, w.x0_control.max) == ROOT_PROBLEMS["x³ − 2x + 2 (a cycle)"][3]
    w.steps_control.value = 6
    assert "cycle" in w.status.value
    with pytest.raises(ValueError, match="unknown function"):
        NewtonRootWidget("tan x")


def test_line_search_widget_reports_intervals_and_the_chosen_steps():
    w = LineSearchWidget(dpi=60)
    rosen = get_surface("rosenbrock")
    x = np.array([-1.2, 1.0])
    p = -rosen.gradient(x) / np.linalg.norm(rosen.gradient(x))
    assert np.allclose(w.direction, p)
    # backtracking by hand: 1, 1/2, 1/4, ... until Armijo holds
    alpha = 1.0
    while rosen.value(x + alpha * p) > rosen.value(x) + 1e-4 * alpha * (rosen.gradient(x) @ p):
        alpha /= 2
    assert w.chosen["backtracking"].alpha == alpha
    assert f"α = {alpha:.3g}" in w.status.value
    assert "armijo: [" in w.status.value and "strong wolfe: [" in w.status.value
    before = pixels(w.png())
    for control, value in ((w.c1_control, 0.1), (w.c2_control, 0.2), (w.angle_control, 30.0)):
        control.value = value
        after = pixels(w.png())
        assert (after != before).any(axis=-1).mean() > 0.002, control.description
        before = after
    chosen = w.chosen["backtracking"].alpha
    w.alpha0_control.value = 0.3                                # only the marked steps move
    assert w.chosen["backtracking"].alpha != chosen and (pixels(w.png()) != before).any()
    downhill = -rosen.gradient(x) / np.linalg.norm(rosen.gradient(x))
    assert w.direction @ downhill == pytest.approx(math.cos(math.radians(30)))
    w.c1_control.value = 0.4
    w.c2_control.value = 0.3
    assert "must be smaller" in w.status.value                  # shown, not raised


@pytest.mark.parametrize("make", [lambda: NewtonRootWidget(dpi=60), lambda: LineSearchWidget(dpi=60)])
def test_widgets_carry_a_static_png(make):
    w = make()
    bundle = w._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    assert png == w.live.image.value
    assert pixels(png).std() > 10
    assert "application/vnd.jupyter.widget-view+json" in bundle
