"""The optimizer playground: what it computes, that controls move its artists, and its static figure."""
import base64
import io
import math

import numpy as np
import pytest
from pictures import changed_fraction, visibly_changed_fraction
from PIL import Image

from optcourse.widgets import DEFAULT_SELECTION, Playground


@pytest.fixture(scope="module")
def playground():
    return Playground()


def test_playground_starts_with_six_optimizers_on_rosenbrock(playground):
    assert playground.selected == list(DEFAULT_SELECTION)
    assert playground.surface.name == "rosenbrock"
    assert set(playground.runs) == set(DEFAULT_SELECTION)
    for name in DEFAULT_SELECTION:
        r = playground.runs[name]
        assert r.steps == 200 and not r.diverged
        np.testing.assert_array_equal(r.path[0], [-1.2, 1.0])
        line = playground.path_lines[name]
        assert line.get_visible()
        np.testing.assert_array_equal(line.get_xydata(), r.path)
    assert not playground.path_lines["Lion"].get_visible()
    assert "f - f*" in playground.status.value


def test_gradient_descent_in_the_playground_is_the_matrix_power():
    pg = Playground("quadratic, condition 10", ["SGD"], steps=50)
    t = math.radians(30)
    R = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    A = R @ np.diag([1.0, 10.0]) @ R.T
    lr = pg.hyperparameters("SGD")["lr"]
    assert lr == pytest.approx(0.1)                 # suggested: 1 / largest eigenvalue
    x0 = pg.start
    expected = np.array([np.linalg.matrix_power(np.eye(2) - lr * A, k) @ x0 for k in range(51)])
    np.testing.assert_allclose(pg.path_lines["SGD"].get_xydata(), expected, atol=1e-12)
    loss = pg.loss_lines["SGD"].get_ydata()
    gap = 0.5 * np.einsum("ki,ij,kj->k", expected, A, expected)
    np.testing.assert_allclose(loss, np.maximum(gap, np.finfo(float).eps), rtol=1e-9)


def test_controls_move_the_existing_artists_and_change_the_picture():
    pg = Playground()
    lines_before = list(pg.figure.axes[0].get_lines()) + list(pg.figure.axes[1].get_lines())
    adam_line = pg.path_lines["Adam"]
    png_before = pg.png()

    pg.controls["Adam"]["lr"].value = 0.02                 # one optimizer's hyperparameter
    assert pg.runs["Adam"].hyperparameters["lr"] == pytest.approx(0.02, rel=1e-2)
    assert changed_fraction(png_before, pg.png()) > 0.001
    np.testing.assert_array_equal(adam_line.get_xydata(), pg.runs["Adam"].path)

    png_before = pg.png()
    pg.surface_control.value = "himmelblau"                # the dropdown
    assert pg.surface.name == "himmelblau"
    np.testing.assert_array_equal(pg.start, [0.0, 0.0])
    np.testing.assert_array_equal(adam_line.get_xydata()[0], [0.0, 0.0])
    assert changed_fraction(png_before, pg.png()) > 0.05

    pg.toggles["Lion"].value = True                        # a button
    assert pg.path_lines["Lion"].get_visible() and "Lion" in pg.runs
    assert "Lion" in [t.get_text() for t in pg.ax_loss.get_legend().get_texts()]
    pg.toggles["SGD"].value = False
    assert not pg.path_lines["SGD"].get_visible()
    assert "SGD" not in [t.get_text() for t in pg.ax_loss.get_legend().get_texts()]

    pg.steps_control.value = 50                            # a slider
    assert all(pg.runs[n].steps == 50 for n in pg.selected)
    pg.x_control.value = 1.0
    assert all(pg.runs[n].path[0, 0] == 1.0 for n in pg.selected)

    lines_after = list(pg.figure.axes[0].get_lines()) + list(pg.figure.axes[1].get_lines())
    assert all(line in lines_after for line in lines_before)     # artists reused, not rebuilt
    assert pg.path_lines["Adam"] is adam_line and len(pg.figure.axes) == 2


def test_redraw_over_the_saved_background_equals_a_full_draw():
    pg = Playground("rosenbrock", ["SGD", "Adam", "Momentum"])
    for surface in ("beale", "rosenbrock", "six_hump_camel"):      # backgrounds cached per surface
        pg.surface_control.value = surface
        fast, full = pg.png(), pg.live.full_png()
        assert visibly_changed_fraction(fast, full) < 0.002, surface


def test_loss_axis_follows_the_log_box_and_the_surface():
    pg = Playground("booth", ["SGD"])
    assert pg.ax_loss.get_yscale() == "log" and pg.ax_loss.get_ylabel() == "f(x) - f*"
    pg.log_control.value = False
    assert pg.ax_loss.get_yscale() == "linear"
    np.testing.assert_allclose(pg.loss_lines["SGD"].get_ydata(), pg.runs["SGD"].loss, atol=1e-12)
    pg.surface_control.value = "saddle"                   # no minimum: plain f, no log
    assert pg.log_control.disabled and pg.ax_loss.get_ylabel() == "f(x)"


def test_a_bad_setting_is_reported_not_raised():
    pg = Playground("rosenbrock", ["Nesterov", "SGD"])
    pg.controls["Nesterov"]["momentum"].value = 0.0       # SGD: nesterov needs momentum > 0
    assert "nesterov" in pg.status.value.lower() and "momentum" in pg.status.value
    assert not pg.path_lines["Nesterov"].get_visible() and pg.path_lines["SGD"].get_visible()
    pg.controls["Nesterov"]["momentum"].value = 0.5
    assert pg.path_lines["Nesterov"].get_visible() and "nesterov=True" not in pg.status.value
    with pytest.raises(ValueError, match="unknown surface"):
        Playground("nowhere")
    with pytest.raises(ValueError, match="not offered"):
        Playground(optimizers=["Adamm"])


def test_display_carries_a_static_png_for_places_without_widgets(playground):
    bundle = playground._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == playground.model_id and view["version_major"] == 2
    image = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert image.format == "PNG" and image.size == (880, int(4.2 * 88))
    assert base64.b64decode(bundle["image/png"]) == playground.live.image.value
    assert "JupyterLab" in bundle["text/plain"]


def test_the_legend_sits_beside_the_loss_axes_and_inside_the_figure(playground):
    """A legend inside the loss axes covered curves (lessons 05 and 09): it stands on their right."""
    playground.png()
    renderer = playground.figure.canvas.get_renderer()
    legend = playground.ax_loss.get_legend().get_window_extent(renderer)
    axes = playground.ax_loss.get_window_extent(renderer)
    figure = playground.figure.bbox
    assert legend.x0 >= axes.x1                                   # nothing plotted under it
    assert legend.x1 <= figure.x1 and legend.y0 >= figure.y0      # and not cut off
    texts = [t.get_text() for t in playground.ax_loss.get_legend().get_texts()]
    assert set(playground.selected) <= set(texts)
