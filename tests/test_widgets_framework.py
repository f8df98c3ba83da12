"""What every widget shares (optcourse.widgets.framework): a static figure for places without a widget
front end, redrawing from saved layers that looks like a full draw, and only where a change touches."""
import base64

import numpy as np
import pytest
from pictures import changed_fraction, pixels, visibly_changed_fraction

from optcourse.widgets import (AdamBiasWidget, BatchNoiseWidget, LionTigerWidget, MomentumWidget, Playground,
                               TaylorWidget)


@pytest.fixture(scope="module")
def playground():
    return Playground()


# -- the playground ---------------------------------------------------------------------------------


# -- Taylor -------------------------------------------------------------------------------------------


# -- momentum ---------------------------------------------------------------------------------------


# -- batch size and gradient noise ----------------------------------------------------------------------


# -- Adam's bias correction ----------------------------------------------------------------------------


# -- Lion and Tiger ---------------------------------------------------------------------------------


def test_every_widget_has_a_static_figure():
    for widget in (TaylorWidget(), MomentumWidget(), AdamBiasWidget(steps=20), LionTigerWidget(steps=20)):
        png = base64.b64decode(widget._repr_mimebundle_()["image/png"])
        image = pixels(png)
        assert image.shape[0] > 200 and image.std() > 10      # a picture, not a blank canvas


def test_html_and_latex_exports_show_the_still_image(playground):
    nbformat = pytest.importorskip("nbformat", reason="nbformat comes with JupyterLab")
    nbconvert = pytest.importorskip("nbconvert", reason="nbconvert comes with JupyterLab")
    bundle = playground._repr_mimebundle_()
    output = nbformat.v4.new_output("display_data", data=bundle)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("Playground()", outputs=[output])])
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)      # no widget state saved: the PNG
    assert f'src="data:image/png;base64,{bundle["image/png"]}"' in html
    assert playground.model_id not in html
    latex, resources = nbconvert.LatexExporter().from_notebook_node(nb)  # the road to a PDF
    (name, png), = resources["outputs"].items()
    assert name.endswith(".png") and png == playground.live.image.value and name in latex


# -- redrawing from saved layers --------------------------------------------------------------------

def _every_widget():
    """Each widget of the course, small, with controls to move and values to move them to."""
    from optcourse.widgets.annealing import AnnealingWidget
    from optcourse.widgets.conjugate_gradient import CGSpectrumWidget, ZigZagWidget
    from optcourse.widgets.landscape import ConditioningWidget
    from optcourse.widgets.muon import NewtonSchulzWidget
    from optcourse.widgets.newton import LineSearchWidget, NewtonRootWidget
    return {
        "Playground": (lambda: Playground("rosenbrock", ["SGD", "Adam", "Lion"], steps=60, dpi=60),
                       [("x_control", -1.5), ("steps_control", 90), ("surface_control", "himmelblau"),
                        ("log_control", False), ("surface_control", "saddle")]),
        "Taylor": (lambda: TaylorWidget(dpi=60), [("a_control", -1.0), ("b_control", 1.2), ("order_control", 3)]),
        "Momentum": (lambda: MomentumWidget(steps=60, dpi=60),
                     [("momentum_control", 0.5), ("kappa_control", 200.0), ("steps_control", 120)]),
        "BatchNoise": (lambda: BatchNoiseWidget(n_samples=128, steps=30, dpi=60),
                       [("batch_control", 4), ("lr_control", 0.5), ("seed_control", 3)]),
        "AdamBias": (lambda: AdamBiasWidget(steps=60, dpi=60),
                     [("beta1_control", 0.5), ("steps_control", 200), ("std_control", 2.0)]),
        "LionTiger": (lambda: LionTigerWidget(steps=60, dpi=60),
                      [("beta1_control", 0.5), ("surface_control", "himmelblau"), ("steps_control", 120)]),
        "ZigZag": (lambda: ZigZagWidget(dpi=60),
                   [("start_control", 100.0), ("kappa_control", 50.0), ("angle_control", 90.0)]),
        "CGSpectrum": (lambda: CGSpectrumWidget(n=60, dpi=60),
                       [("outliers_control", 10), ("kappa_control", 1e5), ("width_control", 1e-4)]),
        "Annealing": (lambda: AnnealingWidget(steps=300, dpi=60), [("seed_control", 3), ("t0_control", 0.01)]),
        "Conditioning": (lambda: ConditioningWidget(dpi=60),
                         [("position_control", 70.0), ("walk_control", 1.2), ("kappa_control", 100.0)]),
        "NewtonRoot": (lambda: NewtonRootWidget(dpi=60),
                       [("x0_control", 1.35), ("function_control", "x³ − 2x + 2 (a cycle)"), ("steps_control", 3)]),
        "LineSearch": (lambda: LineSearchWidget(dpi=60),
                       [("angle_control", 40.0), ("c2_control", 0.3), ("alpha0_control", 0.2)]),
        "NewtonSchulz": (lambda: NewtonSchulzWidget(np.random.default_rng(0).normal(size=(24, 12)), dpi=60),
                         [("steps_control", 9), ("iteration_control", "cubic Newton-Schulz (1.5, -0.5, 0)"),
                          ("steps_control", 2)]),
    }


@pytest.mark.parametrize("name", sorted(_every_widget()))
def test_every_widget_redrawn_from_saved_layers_looks_like_a_full_draw(name):
    make, moves = _every_widget()[name]
    w = make()
    assert visibly_changed_fraction(w.png(), w.live.full_png()) < 0.002
    for attribute, value in moves:
        before = w.png()
        getattr(w, attribute).value = value
        fast = w.png()
        assert changed_fraction(before, fast) > 0, f"{name}: moving {attribute} changed nothing"
        assert visibly_changed_fraction(fast, w.live.full_png()) < 0.002, f"{name}: after moving {attribute}"


def test_live_figure_redraws_only_what_a_change_touches(monkeypatch):
    from matplotlib.legend import Legend

    from optcourse.widgets import LiveFigure
    live = LiveFigure((6.0, 3.0), dpi=50)
    left, right = live.figure.add_axes((0.1, 0.15, 0.35, 0.75)), live.figure.add_axes((0.6, 0.15, 0.35, 0.75))
    (static,) = left.plot([0, 1], [0, 1], label="static")
    (moving,) = right.plot([0, 1], [1, 0], label="moving")
    right.legend(loc="upper right")
    live.dynamic_artists = [moving]
    parts = {"left x": left.xaxis, "left y": left.yaxis, "right x": right.xaxis, "right y": right.yaxis,
             "static line": static}
    drawn = dict.fromkeys([*parts, "legend"], 0)            # how often each part is drawn
    for name, artist in parts.items():
        def counted(renderer, name=name, artist=artist, draw=artist.draw):
            drawn[name] += artist.get_visible()
            return draw(renderer)
        artist.draw = counted
    legend_draw = Legend.draw

    def counted_legend(self, renderer):
        drawn["legend"] += self.get_visible()
        return legend_draw(self, renderer)
    monkeypatch.setattr(Legend, "draw", counted_legend)

    def render() -> set:
        """Render; return the parts drawn, after checking the picture against a full draw."""
        before = dict(drawn)
        png = live.draw()
        done = {name for name in drawn if drawn[name] > before[name]}
        assert visibly_changed_fraction(png, live.full_png()) < 0.002
        return done

    assert render() == set(drawn)                           # the first draw renders everything once
    moving.set_ydata([0.2, 0.9])
    assert render() == set()                                # data moved: only the moving line is drawn
    first_ylim = right.get_ylim()
    right.set_ylim(-1, 2)
    assert render() == {"right y"}                          # new y limits: that axis only
    right.set_xlim(0, 2)
    left.set_xlim(0, 2)
    assert render() == {"right x", "left x", "static line"}  # static data follows its axes' limits
    right.legend(loc="upper right")
    assert render() == set()                                # a new legend, the same: kept
    moving.set_label("renamed")
    right.legend(loc="upper right")
    assert render() == {"legend"}                           # its texts changed: drawn again
    live.layer_keys[left] = "other contours"
    assert render() == {"static line"}                      # the widget says the static data changed
    right.set_ylim(*first_ylim)
    live.layer_keys[left] = None
    assert render() == set()                                # earlier views are still kept


def test_round_limits_contain_the_data_and_end_on_ticks():
    from matplotlib.figure import Figure

    from optcourse.widgets.framework import round_limits
    ax = Figure().add_subplot()
    ax.plot([0, 1, 2], [0.013, 0.77, 1.31])
    round_limits(ax)
    low, high = ax.get_ylim()
    assert low <= 0.013 and high >= 1.31 and ax.get_autoscaley_on()
    assert np.isclose(ax.get_yticks(), low).any() and np.isclose(ax.get_yticks(), high).any()
    ax.set_yscale("log")
    ax.relim()
    ax.autoscale_view()
    round_limits(ax)
    assert ax.get_ylim() == pytest.approx((1e-2, 1e1))      # decades on a log scale
    ax.set_ylim(0.5, 20.0)
    round_limits(ax)
    assert ax.get_ylim() == (0.5, 20.0)                     # not when less than two decades
