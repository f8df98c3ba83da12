"""Figures and animations: what is drawn is the data, the styles are readable by everyone."""
import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from optcourse import optim  # noqa: E402
from optcourse.experiments.runner import race  # noqa: E402
from optcourse.landscapes.surfaces import get_surface  # noqa: E402
from optcourse.viz.plots import (  # noqa: E402
    PALETTE,
    STYLES,
    contour_levels,
    optimizer_style,
    plot_contour,
    plot_distance,
    plot_gradient_norm,
    plot_interpolation,
    plot_loss,
    plot_race,
    plot_schedules,
    plot_spectrum,
    plot_surface_3d,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def runs():
    return race("himmelblau", ["SGD", "Momentum", "Adam"], steps=60)


# -- colours and styles -----------------------------------------------------------------------------

# Machado, Oliveira and Fernandes (2009), severity 1, on linear sRGB.
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def lab(hex_colour, vision):
    """CIE L*a*b* (D65) of a colour as seen with the given vision."""
    srgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(CVD[vision] @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", list(CVD))
def test_palette_colours_stay_apart_for_colour_blind_readers(vision):
    # CIE76 distance 15 is a clearly visible difference; greys and near-duplicates fall far below.
    for (a, ca), (b, cb) in itertools.combinations(PALETTE.items(), 2):
        distance = np.linalg.norm(lab(ca, vision) - lab(cb, vision))
        assert distance > 15, f"{a} and {b} are only {distance:.1f} apart under {vision}"


def test_every_optimizer_has_its_own_look_even_in_grey():
    looks = [(s.linestyle, s.marker) for s in STYLES.values()]
    assert len(set(looks)) == len(looks), "two optimizers share line style and marker: a grey print mixes them"
    colour_dash = [(s.color, s.linestyle) for s in STYLES.values()]
    assert len(set(colour_dash)) == len(colour_dash)
    assert set(s.color for s in STYLES.values()) <= set(PALETTE.values())
    for name in ("SGD", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "AMSGrad",
                 "SignSGD", "Signum", "Lion", "Tiger", "gd", "newton", "dfp", "bfgs", "lbfgs", "cg"):
        assert name in STYLES


def test_style_lookup_is_forgiving_and_stable():
    assert optimizer_style("adam") == optimizer_style("Adam") == STYLES["Adam"]
    assert optimizer_style("L-BFGS") == STYLES["lbfgs"]
    odd = optimizer_style("my optimizer")
    assert odd == optimizer_style("My Optimizer") and odd.linestyle == ":" and odd.color in PALETTE.values()


def test_an_optimizer_looks_the_same_in_every_figure(runs):
    ax1 = plot_contour("himmelblau", runs)
    ax2 = plot_loss(runs, minimum=0.0)
    ax3 = plot_distance(runs, get_surface("himmelblau").minima)
    for ax in (ax1, ax2, ax3):
        line = next(l for l in ax.get_lines() if l.get_label() == "Adam")
        assert matplotlib.colors.to_hex(line.get_color()) == STYLES["Adam"].color.lower()
        assert line.get_linestyle() == STYLES["Adam"].linestyle and line.get_marker() == STYLES["Adam"].marker


# -- what is drawn -------------------------------------------------------------------------------

def test_contour_plot_draws_paths_start_end_and_minima(runs):
    s = get_surface("himmelblau")
    ax = plot_contour(s, runs)
    lines = {l.get_label(): l for l in ax.get_lines()}
    for label, r in runs.items():
        np.testing.assert_array_equal(lines[label].get_xydata(), r.path)
    ends = [l for l in ax.get_lines() if l.get_label().startswith("_") and len(l.get_xdata()) == 1]
    assert sorted(map(tuple, (e.get_xydata()[0] for e in ends))) == sorted(tuple(r.path[-1]) for r in runs.values())
    np.testing.assert_array_equal(lines["start"].get_xydata(), [s.start])
    np.testing.assert_allclose(lines["minimum"].get_xydata(), s.minima)
    assert ax.get_xlim() == s.bounds[0] and ax.get_ylim() == s.bounds[1]
    assert {t.get_text() for t in ax.get_legend().get_texts()} >= {"SGD", "Momentum", "Adam", "start", "minimum"}


def test_contour_levels_split_the_window_into_equal_shares():
    X, Y, Z = get_surface("rosenbrock").grid(200)
    levels = contour_levels(Z, 11)
    counts = np.histogram(Z, bins=levels)[0]
    assert counts.min() > 0.9 * Z.size / 10 and counts.max() < 1.1 * Z.size / 10
    assert len(contour_levels(np.ones((5, 5)))) == 2                # a flat f still gets levels


def test_loss_plot_draws_the_gap_on_a_log_scale(runs):
    ax = plot_loss(runs, minimum=0.0)
    assert ax.get_yscale() == "log"
    for line in ax.get_lines():
        r = runs[line.get_label()]
        expected = np.maximum(r.loss, np.finfo(float).eps)
        np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-15)
        np.testing.assert_array_equal(line.get_xdata(), np.arange(r.steps + 1))
    camel = race("six_hump_camel", ["SGD"], steps=20, start=(0.1, -0.6))  # f < 0 near its minima
    with pytest.raises(ValueError, match="minimum="):
        plot_loss(camel)
    ax = plot_loss(camel, log=False)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), camel["SGD"].loss)


def test_distance_and_gradient_norm_curves(runs):
    target = np.array([3.0, 2.0])
    ax = plot_distance(runs, target, log=False)
    for line in ax.get_lines():
        np.testing.assert_allclose(line.get_ydata(), np.hypot(*(runs[line.get_label()].path - target).T))
    ax = plot_gradient_norm(runs)
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 3


def test_schedules_are_drawn_as_their_values():
    ax = plot_schedules({"cosine": optim.cosine(0.1, 50), "step": optim.step_decay(0.1, 20, 0.5)}, steps=60)
    cosine_line, step_line = ax.get_lines()
    t = np.arange(60)
    np.testing.assert_allclose(cosine_line.get_ydata(), np.where(t < 50, 0.05 * (1 + np.cos(np.pi * t / 50)), 0.0),
                               atol=1e-15)
    np.testing.assert_allclose(step_line.get_ydata(), 0.1 * 0.5 ** (t // 20))
    with pytest.raises(TypeError, match="not a schedule"):
        plot_schedules({"x": 0.1})


def test_spectrum_counts_signs_and_condition_number():
    ax = plot_spectrum([4.0, 1.0, 2.0])
    assert ax.get_title() == "3 positive, 0 negative; condition number 4"
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), [1.0, 2.0, 4.0])   # sorted
    ax = plot_spectrum(np.array([-3.0, 1.0, -1.0, 2.0]))
    assert ax.get_title() == "2 positive, 2 negative"
    rng = np.random.default_rng(0)
    ax = plot_spectrum({"d = 10": rng.standard_normal(500), "d = 50": rng.standard_normal(500)})
    assert len(ax.patches) == 2                                                     # two step histograms
    with pytest.raises(ValueError, match="finite"):
        plot_spectrum([1.0, np.nan])


def test_interpolation_curve_and_marks():
    alphas = np.linspace(-1, 2, 31)
    ax = plot_interpolation(alphas, {"train": (alphas - 1) ** 2, "test": (alphas - 1) ** 2 + 0.2})
    train = ax.get_lines()[0]
    np.testing.assert_array_equal(train.get_ydata(), (alphas - 1) ** 2)
    assert [t.get_text() for t in ax.texts] == ["initial", "trained"]
    with pytest.raises(ValueError, match="one loss per alpha"):
        plot_interpolation(alphas, alphas[:-1])


def test_surface_3d_and_race_figures(runs):
    ax = plot_surface_3d("himmelblau", runs, log=True)
    assert ax.name == "3d" and len(ax.get_lines()) == 3
    fig = plot_race("himmelblau", runs)
    left, right = fig.axes
    assert right.get_yscale() == "log" and right.get_ylabel() == "f(x) - f*"
    saddle = plot_race("saddle", race("saddle", ["SGD"], steps=10))
    assert saddle.axes[1].get_yscale() == "linear"                   # no minimum: f itself


# -- animations ----------------------------------------------------------------------------------


