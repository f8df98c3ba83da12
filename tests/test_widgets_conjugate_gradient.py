"""Lesson 07's helpers against eigen-decompositions, hand-worked values, a hand-written steepest descent
and the theorems of Nocedal and Wright chapter 5; the two widgets redraw and carry a static figure."""
import base64

import numpy as np
from pictures import pixels
from references import steepest_descent_by_hand

from optcourse.widgets import CGSpectrumWidget, ZigZagWidget


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
