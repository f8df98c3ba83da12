r"""Lesson 07: steepest descent zig-zags, conjugate gradient does not, and the eigenvalues set CG's pace.

Linear conjugate gradient (:func:`optcourse.secondorder.conjugate_gradient.linear_cg`) solves :math:`Ax = b` for a
symmetric positive definite A, which is minimising :math:`f(x) = \tfrac12 x^\top A x - b^\top x`.
How fast it gets there depends only on the eigenvalues of A (and on how much of b lies along each
eigenvector), so the lesson builds matrices from chosen eigenvalues and compares CG's error with
the two classical bounds, measured in the A-norm :math:`\lVert e\rVert_A = \sqrt{e^\top A e}`:

.. math::
    \text{steepest descent (exact steps):}\quad
    \frac{\lVert x_k - x^*\rVert_A}{\lVert x_0 - x^*\rVert_A} \le \Big(\frac{\kappa - 1}{\kappa + 1}\Big)^k,
    \qquad
    \text{CG:}\quad
    \frac{\lVert x_k - x^*\rVert_A}{\lVert x_0 - x^*\rVert_A}
        \le 2\Big(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Big)^k

(Nocedal and Wright, *Numerical Optimization*, 2nd ed., Theorem 3.3 and eq. 5.36; the first is the
square root of their bound on :math:`f(x_k) - f^*`, which is :math:`\tfrac12\lVert x_k - x^*\rVert_A^2`).

The matrices come from :mod:`optcourse.landscapes.conditioning` (``spd_matrix``,
``cluster_and_outliers``), the errors and bounds from :mod:`optcourse.secondorder.conjugate_gradient`
(``a_norm_errors``, ``steepest_descent_bound``, ``cg_error_bound``); this module only draws them:

    ZigZagWidget()                                         # 2-D: steepest descent vs CG, live
    CGSpectrumWidget()                                     # n-D: clusters of eigenvalues vs CG, live

The widgets are :class:`optcourse.widgets.Experiment` objects, so they carry a static PNG of their
figure for places without a widget front end (nbval, nbconvert, a PDF).
"""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from optcourse.landscapes.conditioning import cluster_and_outliers
from optcourse.landscapes.surfaces import quadratic
from optcourse.secondorder.conjugate_gradient import a_norm_errors, cg_error_bound, linear_cg, steepest_descent_bound
from optcourse.secondorder.minimizer import minimize
from optcourse.validation import whole
from optcourse.viz.plots import MINIMUM_STYLE, OUTLINE, PALETTE, START_STYLE, draw_landscape, line_kwargs
from optcourse.widgets.framework import Experiment, clear_plotted, fixed_axes, int_slider, log_slider, slider

# =================================================================================================
# Widget 1: steepest descent with exact steps against conjugate gradient, in 2-D
# =================================================================================================

def _quadratic_runs(kappa: float, angle: float, start: np.ndarray, max_steps: int):
    """(surface, A, steepest descent result, CG result) on quadratic(kappa, angle), both with exact steps."""
    surface = quadratic(kappa, angle)
    A = surface.hessian(surface.start)
    common = dict(jac=surface.gradient, hess=lambda x: A)
    gtol = 1e-10 * max(1e-300, float(np.abs(surface.gradient(start)).max()))
    sd = minimize(surface.value, start, method="gd", options=dict(line_search="exact", gtol=gtol,
                                                                  maxiter=max_steps), **common)
    cg = minimize(surface.value, start, method="cg", options=dict(line_search="exact", beta="fr", gtol=gtol,
                                                                  maxiter=max_steps), **common)
    return surface, A, sd, cg


class ZigZagWidget(Experiment):
    r"""Steepest descent with exact line searches against conjugate gradient on a 2-D quadratic.

    Sliders: the condition number :math:`\kappa` of :func:`optcourse.landscapes.surfaces.quadratic`, the angle of
    its long axis, and where we start (an angle on a circle of radius 2.5 around the minimum). Left:
    the two paths. Steepest descent turns 90 degrees at every step and zig-zags; CG arrives in two steps
    whatever the settings. Right: :math:`f(x_k) - f^*` relative to the start, with the steepest-descent
    bound :math:`((\kappa-1)/(\kappa+1))^{2k}` (N&W Theorem 3.3).

    Example:
        >>> w = ZigZagWidget(condition_number=50, start_degrees=10)      # show it: put w on a cell's last line
        >>> w.runs()[3].nit                                               # CG's steps
        2
    """

    RADIUS = 2.5
    MAX_STEPS = 3000

    def __init__(self, condition_number: float = 10.0, angle_degrees: float = 30.0, start_degrees: float = 36.0,
                 dpi: int = 88):
        super().__init__((10.0, 4.0), dpi)
        self.kappa_control = log_slider("condition κ", condition_number, 0, 3, ".0f")
        self.angle_control = slider("long axis at (°)", angle_degrees, 0.0, 180.0, 5.0, ".0f")
        self.start_control = slider("start at (°)", start_degrees, 0.0, 360.0, 0.5, ".1f")
        self._watch(self.kappa_control, self.angle_control, self.start_control)
        self.ax_map, self.ax_gap = fixed_axes(self.figure, [(0.06, 0.12, 0.36, 0.8), (0.53, 0.12, 0.44, 0.8)])
        # The map keeps its contours for each (κ, angle) and moves the paths over them; the right-hand
        # panel is replotted on every change, over its kept frame (see LiveFigure).
        self.paths = {}
        for name, label in (("gd", "steepest descent"), ("cg", "conjugate gradient")):
            kw = line_kwargs(name)
            kw["markevery"] = 1
            kw["markersize"] = 4
            (self.paths[name],) = self.ax_map.plot([], [], label=label, path_effects=OUTLINE, zorder=4, **kw)
        (self.minimum_marker,) = self.ax_map.plot([0.0], [0.0], **MINIMUM_STYLE)
        (self.start_marker,) = self.ax_map.plot([], [], **START_STYLE)
        self.ax_map.set_aspect("equal")
        self.ax_map.legend(loc="lower right", fontsize=8, framealpha=0.9)
        self._landscape, self._drawn = [], None
        self.live.dynamic_artists = [*self.paths.values(), self.minimum_marker, self.start_marker]
        self.live.dynamic_data_axes = [self.ax_gap]
        self._assemble([widgets.HBox([self.kappa_control, self.angle_control, self.start_control])])
        self.refresh()

    @property
    def start(self) -> np.ndarray:
        phi = math.radians(self.start_control.value)
        return self.RADIUS * np.array([math.cos(phi), math.sin(phi)])

    def runs(self):
        """(surface, A, steepest descent result, CG result) for the sliders' settings."""
        return _quadratic_runs(float(self.kappa_control.value), float(self.angle_control.value), self.start,
                               self.MAX_STEPS)

    def update(self) -> str:
        kappa = float(self.kappa_control.value)
        surface, A, sd, cg = self.runs()
        drawn = (kappa, float(self.angle_control.value))
        if self._drawn != drawn:                  # new contours only when the quadratic changed
            for a in self._landscape:
                a.remove()
            self._landscape = draw_landscape(self.ax_map, surface, n=120, levels=16, minima=False)
            self._drawn = self.live.layer_keys[self.ax_map] = drawn
        clear_plotted(self.ax_gap)
        for result, name, label in ((sd, "gd", "steepest descent"), (cg, "cg", "conjugate gradient")):
            self.paths[name].set_data(result.path[:, 0], result.path[:, 1])
            gap = np.maximum(result.fun_path / result.fun_path[0], 1e-32)
            self.ax_gap.plot(np.arange(len(gap)), gap, label=label, **line_kwargs(name, len(gap)))
        x0, y0 = self.start
        self.start_marker.set_data([x0], [y0])
        self.ax_map.set_title(f"κ = {kappa:.0f}: exact line searches", fontsize=10)
        shown = min(sd.nit, 60)
        steps = np.arange(shown + 1)
        self.ax_gap.plot(steps, steepest_descent_bound(kappa, steps) ** 2, color=PALETTE["sand"], linewidth=6,
                         zorder=1, label="worst case ((κ−1)/(κ+1))^(2k)")
        self.ax_gap.set(yscale="log", xlim=(0, max(shown, 2)), ylim=(1e-22, 2.0), xlabel="iteration k",
                        ylabel="(f(x_k) − f*) / (f(x_0) − f*)")
        self.ax_gap.grid(True, color="0.9", linewidth=0.6)
        self.ax_gap.legend(loc="upper right", fontsize=8)
        sd_text = (f"needed <b>{sd.nit}</b> step{'' if sd.nit == 1 else 's'}" if sd.success else
                   f"had not arrived after {sd.nit} steps")
        return (f"κ = {kappa:.0f}: steepest descent {sd_text} to shrink the gradient by 10¹⁰; "
                f"conjugate gradient needed <b>{cg.nit}</b>.")


# =================================================================================================
# Widget 2: the eigenvalues decide how fast CG is
# =================================================================================================

class CGSpectrumWidget(Experiment):
    r"""Linear CG on an n x n system with a cluster of eigenvalues in :math:`[1, 1 + w]` and m large
    outliers up to :math:`\kappa` (:func:`cluster_and_outliers`).

    Sliders: the condition number :math:`\kappa`, the number m of outliers and the width w of the
    cluster. Left: the eigenvalues in ascending order. Right: CG's relative error in the A-norm per
    iteration, with the bound :math:`2((\sqrt\kappa-1)/(\sqrt\kappa+1))^k`, steepest descent's
    :math:`((\kappa-1)/(\kappa+1))^k`, and a mark at m + 1 iterations, after which the error is below
    :math:`w/(2+w)` (N&W Theorem 5.5). With m = n every eigenvalue is spread out, CG follows the
    :math:`\sqrt\kappa` bound, and rounding can make it need more than n iterations.

    Example:
        >>> w = CGSpectrumWidget(condition_number=1e4, outliers=5, width=1e-3)
        >>> w.solve()[2].nit < 20                     # CG's iterations: nowhere near n = 200
        True
    """

    TARGET = 1e-10

    def __init__(self, condition_number: float = 1e4, outliers: int = 5, width: float = 0.01, n: int = 200,
                 seed: int = 0, dpi: int = 88):
        super().__init__((10.0, 3.9), dpi)
        self.n = whole("n", n, 2)
        rng = np.random.default_rng(seed)
        Q, R = np.linalg.qr(rng.normal(size=(self.n, self.n)))
        self.Q = Q * np.sign(np.diag(R))
        self.b = rng.normal(size=self.n)
        self.seed = seed
        self.kappa_control = log_slider("condition κ", condition_number, 1, 6, ".0e")
        self.outliers_control = int_slider("outliers m", outliers, 0, self.n)
        self.width_control = log_slider("cluster width w", max(width, 1e-8), -8, 0, ".0e")
        self._watch(self.kappa_control, self.outliers_control, self.width_control)
        self.ax_spectrum, self.ax_error = fixed_axes(self.figure, [(0.07, 0.13, 0.33, 0.77),
                                                                    (0.50, 0.13, 0.47, 0.77)])
        # Both panels are replotted on every change, over frames kept while their limits stay.
        self.live.dynamic_data_axes = [self.ax_spectrum, self.ax_error]
        self._assemble([widgets.HBox([self.kappa_control, self.outliers_control, self.width_control])])
        self.refresh()

    def eigenvalues(self) -> np.ndarray:
        return cluster_and_outliers(self.n, float(self.kappa_control.value), int(self.outliers_control.value),
                                    float(self.width_control.value), seed=self.seed)

    def solve(self):
        """(eigenvalues, relative A-norm errors of CG's iterates, the LinearCGResult)."""
        lam = self.eigenvalues()
        A = (self.Q * lam) @ self.Q.T
        A = (A + A.T) / 2
        x_star = self.Q @ ((self.Q.T @ self.b) / lam)
        result = linear_cg(A, self.b, tol=1e-14, maxiter=2 * self.n)
        errors = a_norm_errors(A, result.path, x_star)
        return lam, errors / errors[0], result

    def update(self) -> str:
        m, width = int(self.outliers_control.value), float(self.width_control.value)
        lam, errors, result = self.solve()
        kappa = lam[-1] / lam[0]
        for ax in (self.ax_spectrum, self.ax_error):
            clear_plotted(ax)
        self.ax_spectrum.plot(np.arange(1, self.n + 1), lam, ".", color=PALETTE["indigo"], markersize=3)
        self.ax_spectrum.set(yscale="log", xlabel="index i", ylabel="eigenvalue λ_i",
                             title=f"{self.n} eigenvalues, κ = {kappa:.3g}")
        self.ax_spectrum.grid(True, color="0.9", linewidth=0.6)
        k = np.arange(len(errors))
        kw = line_kwargs("cg", len(errors))
        self.ax_error.plot(k, np.maximum(errors, 1e-17), label="CG", **kw)
        ks = np.arange(max(len(errors), m + 4))
        self.ax_error.plot(ks, cg_error_bound(kappa, ks), color="0.3", linestyle="--", linewidth=1.3,
                           label="CG bound 2((√κ−1)/(√κ+1))^k")
        self.ax_error.plot(ks, steepest_descent_bound(kappa, ks), color="0.55", linestyle=":", linewidth=1.3,
                           label="steepest descent bound")
        if m < self.n:
            self.ax_error.plot([m + 1], [width / (2 + width)], marker="D", color=PALETTE["sand"], markersize=8,
                               markeredgecolor="black", linestyle="none", zorder=5, label="w / (2 + w) at m + 1")
        self.ax_error.axhline(self.TARGET, color=PALETTE["green"], linewidth=0.8, linestyle="-.",
                              label="target 10⁻¹⁰ (the counts below)")
        if ks[-1] >= self.n:
            self.ax_error.axvline(self.n, color="0.4", linestyle=":", linewidth=1.0)
            self.ax_error.text(self.n, 1e-15, " n", fontsize=8, color="0.3")
        self.ax_error.set(yscale="log", ylim=(1e-16, 3.0), xlim=(0, ks[-1]), xlabel="iteration k",
                          ylabel="‖x_k − x*‖_A / ‖x_0 − x*‖_A")
        self.ax_error.grid(True, color="0.9", linewidth=0.6)
        self.ax_error.legend(loc="upper right", fontsize=7.5, framealpha=0.9)
        reached = np.flatnonzero(errors <= self.TARGET)
        root = math.sqrt(kappa)
        promised = math.ceil(math.log(self.TARGET / 2) / math.log((root - 1) / (root + 1))) if root > 1 else 1
        cg_text = (f"CG brought the error below 10⁻¹⁰ after <b>{reached[0]}</b> iterations"
                   if len(reached) else f"CG had not brought the error below 10⁻¹⁰ after {len(errors) - 1} iterations")
        return f"n = {self.n}, m = {m} outlier{'' if m == 1 else 's'}. {cg_text}; the √κ bound promises it after {promised}."
