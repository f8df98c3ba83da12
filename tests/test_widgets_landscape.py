"""Lesson 03's angle functions against hand-worked values, a surface's own gradient and brute force;
the conditioning widget redraws and carries a static figure."""
import base64
import math

import numpy as np
import pytest
from pictures import pixels

from optcourse.landscapes.conditioning import descent_angle, gradient_turn, worst_descent_angle
from optcourse.widgets import ConditioningWidget


def test_widget_reports_the_angles_and_redraws_on_every_control():
    w = ConditioningWidget(condition_number=10, position_degrees=30, walk=0.6)
    H, x0 = np.diag([1.0, 10.0]), 2.5 * np.array([math.cos(math.radians(30)), math.sin(math.radians(30))])
    assert np.allclose(w.start, x0) and np.allclose(w.hessian, H)
    assert f"{descent_angle(H, x0):.1f}°" in w.status.value
    assert f"{worst_descent_angle(w.kappa_control.value):.1f}°" in w.status.value
    assert f"{gradient_turn(H, x0, [0.6 * w.line_search_step()])[0]:.1f}°" in w.status.value
    before = pixels(w.png())
    for control, value in ((w.kappa_control, 100.0), (w.position_control, 70.0), (w.walk_control, 1.2)):
        control.value = value
        after = pixels(w.png())
        assert (after != before).any(axis=-1).mean() > 0.002, control.description
        before = after
    assert f"{worst_descent_angle(w.kappa_control.value):.1f}°" in w.status.value
    curve = w.ax_angle.get_lines()[0].get_ydata()
    assert curve.max() == pytest.approx(worst_descent_angle(w.kappa_control.value), abs=0.5)


def test_widget_carries_a_static_png():
    w = ConditioningWidget()
    bundle = w._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    assert png == w.live.image.value
    image = pixels(png)
    assert image.shape[0] > 200 and image.std() > 10
    assert "application/vnd.jupyter.widget-view+json" in bundle
