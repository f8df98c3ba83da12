"""The widgets without a browser: what they compute, that they redraw what they should, and that
they carry a static figure for places without a widget front end."""
import base64
import io
import itertools
import math

import numpy as np
import pytest
import sympy as sp
from PIL import Image

from optcourse.data import make_regression, minibatches
from optcourse.derivatives import numerical_gradient
from optcourse.runner import run
from optcourse.widgets import (DEFAULT_SELECTION, AdamBiasWidget, BatchNoiseWidget, LionTigerWidget,
                               MomentumWidget, Playground, TaylorWidget, minibatch_noise, momentum_rate,
                               optimal_momentum)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def changed_fraction(a: bytes, b: bytes) -> float:
    return float((pixels(a) != pixels(b)).any(axis=-1).mean())


def visibly_changed_fraction(a: bytes, b: bytes, levels: int = 8) -> float:
    """The share of pixels that differ by more than ``levels`` (of 255) in some channel: a picture
    stacked from saved layers differs from one drawn in one go by rounding where they blend."""
    return float((np.abs(pixels(a) - pixels(b)) > levels).any(axis=-1).mean())


@pytest.fixture(scope="module")
def playground():
    return Playground()


# -- the playground ---------------------------------------------------------------------------------

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


# -- Taylor -------------------------------------------------------------------------------------------

def test_taylor_polynomial_of_a_polynomial_is_exact_from_its_degree_on():
    w = TaylorWidget("x**3*y - 2*x*y**2 + y", order=2, max_order=4)
    x, y = sp.symbols("x y")
    f = x**3 * y - 2 * x * y**2 + y
    assert sp.expand(w.polynomial(4, (sp.Rational(1, 2), -1)) - f) == 0
    assert sp.expand(w.polynomial(3, (2, 3)) - f) != 0                  # degree 4: order 3 misses x³y
    xs = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(w.taylor_values(4, (0.3, -0.7), xs, xs[::-1]),
                               xs**3 * xs[::-1] - 2 * xs * xs[::-1] ** 2 + xs[::-1], rtol=1e-12, atol=1e-12)


def test_first_order_taylor_is_the_tangent_plane():
    w = TaylorWidget()                                     # sin(x) cos(y) + x²/10
    f = lambda p: math.sin(p[0]) * math.cos(p[1]) + p[0] ** 2 / 10   # noqa: E731
    centre = np.array([0.8, 0.4])
    g = numerical_gradient(f, centre)
    for p in ([1.3, -0.2], [-2.0, 1.5]):
        expected = f(centre) + g @ (np.array(p) - centre)
        assert w.taylor_values(1, centre, p[0], p[1]) == pytest.approx(expected, abs=1e-8)


def test_taylor_widget_redraws_one_set_of_contours():
    w = TaylorWidget(order=1)
    w.order_control.value = 3
    w.a_control.value = -1.0
    assert w.t_line.get_label() == "$T_3$ about (-1.00, 0.40)"
    xs = w.t_line.get_xdata()
    np.testing.assert_allclose(w.t_line.get_ydata(), w.taylor_values(3, (-1.0, 0.4), xs, np.full_like(xs, 0.4)))
    dashed = [c for c in w.ax_map.collections if c is w._taylor_contours]
    assert len(dashed) == 1 and len(w.ax_map.collections) == 3      # f filled, f lines, T_k lines
    assert "T_3" in w.formula.value
    with pytest.raises(ValueError, match="only x and y"):
        TaylorWidget("x + z")


# -- momentum ---------------------------------------------------------------------------------------

def test_momentum_rate_closed_forms():
    lr = 0.15
    assert momentum_rate(lr, 0.0, [1.0, 10.0]) == pytest.approx(max(abs(1 - lr), abs(1 - 10 * lr)))
    for kappa in (4.0, 25.0, 400.0):
        best_lr, best_beta = optimal_momentum(kappa)
        assert best_lr == pytest.approx(4 / (1 + math.sqrt(kappa)) ** 2)
        assert momentum_rate(best_lr, best_beta, [1.0, kappa]) == pytest.approx(
            (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1), rel=1e-6)


def test_momentum_widget_runs_decay_at_the_predicted_rate():
    w = MomentumWidget(condition_number=25, steps=300)
    w.use_optimal()
    lr, beta = w.lr_control.value, w.momentum_control.value
    assert (lr, beta) == pytest.approx(optimal_momentum(25), rel=1e-9)
    rho = momentum_rate(lr, beta, [1.0, 25.0])
    path = w.runs["Momentum"].path
    # The error shrinks like k rho^k at the optimum (a double root); over 200 steps the k is small.
    measured = (np.linalg.norm(path[250]) / np.linalg.norm(path[50])) ** (1 / 200)
    assert measured == pytest.approx(rho, rel=0.02)
    gd_rho = momentum_rate(lr, 0.0, [1.0, 25.0])
    assert f"{rho:.4f}" in w.status.value and f"{gd_rho:.4f}" in w.status.value
    w.momentum_control.value = 0.0                      # momentum off: both runs coincide
    np.testing.assert_allclose(w.runs["Momentum"].path, w.runs["SGD"].path, rtol=0, atol=0)


# -- batch size and gradient noise ----------------------------------------------------------------------

def test_minibatch_noise_formula_equals_averaging_over_every_batch():
    G = np.random.default_rng(3).standard_normal((7, 2)) * [1.0, 3.0] + [0.5, -2.0]
    for B in range(1, 8):
        errors = [np.sum((G[list(c)].mean(axis=0) - G.mean(axis=0)) ** 2) for c in itertools.combinations(range(7), B)]
        assert minibatch_noise(G, B) == pytest.approx(math.sqrt(np.mean(errors)), rel=1e-12, abs=1e-15)
    with pytest.raises(ValueError, match="between 1 and"):
        minibatch_noise(G, 8)


def test_batch_noise_widget_measures_what_the_formula_says():
    w = BatchNoiseWidget(batch_size=16, n_samples=256)
    sizes, measured = w.measured_line.get_data()
    for B, value in zip(sizes, measured):
        assert value == pytest.approx(minibatch_noise(w._G, int(B)), rel=0.2), B
    G = w.per_sample_gradients(w.X, w.y, w.surface.start)
    np.testing.assert_allclose(G.mean(axis=0), w.surface.gradient(w.surface.start), rtol=1e-12)


def test_minibatch_path_takes_the_batches_in_order_and_the_full_batch_is_gradient_descent():
    w = BatchNoiseWidget(batch_size=8, lr=0.1, steps=40, n_samples=64)
    X, y, _, _ = make_regression(64, 1, 1.0, 0)
    theta, path = w.surface.start.copy(), [w.surface.start.copy()]
    for epoch in range(5):                                     # 8 steps per epoch
        for Xb, yb in minibatches(X, y, 8, seed=0, epoch=epoch):
            r = theta[0] * Xb[:, 0] + theta[1] - yb
            theta = theta - 0.1 * np.array([np.mean(r * Xb[:, 0]), np.mean(r)])
            path.append(theta)
    np.testing.assert_allclose(w.paths["minibatch"], np.array(path), rtol=1e-10, atol=1e-12)
    w.batch_control.value = 64                                 # the whole set: no noise at all
    np.testing.assert_allclose(w.paths["minibatch"], w.paths["full"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w.paths["full"], run("SGD", w.surface, 40, lr=0.1).path, rtol=1e-12)
    assert "misses the full one" in w.status.value and "by 0" in w.status.value


# -- Adam's bias correction ----------------------------------------------------------------------------

def test_bias_correction_recovers_a_constant_gradient_exactly():
    w = AdamBiasWidget(beta1=0.9, beta2=0.99, steps=50, mean=2.0, std=0.0)
    t = np.arange(1, 51)
    mo = w.moments(0.9, 0.99, np.full(50, 2.0))
    np.testing.assert_allclose(mo["m"], (1 - 0.9**t) * 2.0, rtol=1e-12)
    np.testing.assert_allclose(mo["v"], (1 - 0.99**t) * 4.0, rtol=1e-12)
    np.testing.assert_allclose(mo["m_hat"], 2.0, rtol=1e-12)
    np.testing.assert_allclose(mo["v_hat"], 4.0, rtol=1e-12)
    np.testing.assert_allclose(w.lines["m", "corrected"].get_ydata(), 2.0, rtol=1e-12)
    raw_direction = w.lines["step", "raw"].get_ydata()[0]
    assert raw_direction == pytest.approx(0.1 / math.sqrt(0.01), rel=1e-6)   # (1-β1)/√(1-β2) at t = 1


def test_adam_moments_are_exponential_moving_averages_of_noisy_gradients():
    w = AdamBiasWidget(steps=30, std=1.0, seed=4)
    g = 1.0 + np.random.default_rng(4).standard_normal(30)
    m = v = 0.0
    expected_m, expected_v = [], []
    for gt in g:
        m, v = 0.9 * m + 0.1 * gt, 0.999 * v + 0.001 * gt * gt
        expected_m.append(m)
        expected_v.append(v)
    np.testing.assert_allclose(w.lines["m", "raw"].get_ydata(), expected_m, rtol=1e-12)
    np.testing.assert_allclose(w.lines["v", "raw"].get_ydata(), expected_v, rtol=1e-12)
    w.beta1_control.value = 0.5
    assert w.lines["m", "raw"].get_ydata()[0] == pytest.approx(0.5 * g[0])


# -- Lion and Tiger ---------------------------------------------------------------------------------

def test_tiger_is_lion_with_equal_betas():
    w = LionTigerWidget(beta1=0.9, beta2=0.99, beta=0.95)
    assert np.abs(w.runs["Lion"].path - w.runs["Tiger"].path).max() > 1e-3
    w.match_betas()
    assert w.beta1_control.value == w.beta2_control.value == 0.95
    np.testing.assert_array_equal(w.runs["Lion"].path, w.runs["Tiger"].path)
    assert "the same steps" in w.status.value


def test_sign_updates_move_every_coordinate_by_lr():
    w = LionTigerWidget(surface="himmelblau", lr=0.01)
    for r in w.runs.values():
        steps = np.abs(np.diff(r.path, axis=0))
        assert np.all(np.isclose(steps, 0.01, rtol=1e-9, atol=0) | (steps == 0))
    w.surface_control.value = "quadratic, condition 10"
    assert w.surface.name.startswith("quadratic") and w.lr_control.value == pytest.approx(6 / 200, rel=0.02)


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
    from optcourse.cg_widgets import CGSpectrumWidget, ZigZagWidget
    from optcourse.heuristic_widgets import AnnealingWidget
    from optcourse.landscape_widgets import ConditioningWidget
    from optcourse.newton_widgets import LineSearchWidget, NewtonRootWidget
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

    from optcourse.widgets import _round_limits
    ax = Figure().add_subplot()
    ax.plot([0, 1, 2], [0.013, 0.77, 1.31])
    _round_limits(ax)
    low, high = ax.get_ylim()
    assert low <= 0.013 and high >= 1.31 and ax.get_autoscaley_on()
    assert np.isclose(ax.get_yticks(), low).any() and np.isclose(ax.get_yticks(), high).any()
    ax.set_yscale("log")
    ax.relim()
    ax.autoscale_view()
    _round_limits(ax)
    assert ax.get_ylim() == pytest.approx((1e-2, 1e1))      # decades on a log scale
    ax.set_ylim(0.5, 20.0)
    _round_limits(ax)
    assert ax.get_ylim() == (0.5, 20.0)                     # not when less than two decades
