r"""Lesson 07: steepest descent zig-zags, conjugate gradient does not, and the eigenvalues set CG's pace.

Linear conjugate gradient (:func:`optcourse.linear_cg.linear_cg`) solves :math:`Ax = b` for a
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

    spd_matrix(eigenvalues, seed=0)                       # Q diag(λ) Qᵀ with a random rotation Q
    cluster_and_outliers(n, kappa, outliers, width)       # a cluster at 1 and m large eigenvalues
    a_norm_errors(A, path, x_star)                         # ‖x_k − x*‖_A for every iterate
    steepest_descent_bound(kappa, k), cg_error_bound(kappa, k)
    ZigZagWidget()                                         # 2-D: steepest descent vs CG, live
    CGSpectrumWidget()                                     # n-D: clusters of eigenvalues vs CG, live

The widgets are :class:`optcourse.widgets.Experiment` objects, so they carry a static PNG of their
figure for places without a widget front end (nbval, nbconvert, a PDF).
"""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from .linear_cg import linear_cg
from .minimize import minimize
from .plots import MINIMUM_STYLE, OUTLINE, PALETTE, START_STYLE, draw_landscape, line_kwargs
from .surfaces import quadratic
from .widgets import Experiment, _fixed_axes, _int_slider, _log_slider, _slider, clear_plotted


# =================================================================================================
# Matrices from their eigenvalues, errors and bounds
# =================================================================================================

def _whole(name: str, value, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ValueError(f"{name} must be a whole number >= {least}, got {value!r}.")
    return int(value)


def _kappa(condition_number) -> float:
    kappa = float(condition_number)
    if not (kappa >= 1.0 and math.isfinite(kappa)):
        raise ValueError(f"the condition number must be a finite number >= 1 (largest over smallest "
                         f"eigenvalue), got {condition_number!r}.")
    return kappa


def spd_matrix(eigenvalues, seed: int = 0) -> np.ndarray:
    r"""The symmetric matrix :math:`A = Q\,\mathrm{diag}(\lambda)\,Q^\top` with the given eigenvalues
    and a random orthogonal Q (the Q factor of a seeded Gaussian matrix, so its eigenvectors point
    nowhere in particular). Positive eigenvalues make it symmetric positive definite.

        >>> A = spd_matrix([1.0, 2.0, 5.0], seed=1)
        >>> np.round(np.linalg.eigvalsh(A), 10)
        array([1., 2., 5.])
    """
    lam = np.asarray(eigenvalues, dtype=float)
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(f"eigenvalues must be a non-empty 1-D array, got shape {lam.shape}.")
    if not np.isfinite(lam).all():
        raise ValueError("eigenvalues must be finite (found NaN or infinity).")
    rng = np.random.default_rng(seed)
    Q, R = np.linalg.qr(rng.normal(size=(lam.size, lam.size)))
    Q = Q * np.sign(np.diag(R))                 # a uniformly random rotation (Mezzadri 2007)
    A = (Q * lam) @ Q.T
    return (A + A.T) / 2                        # symmetric to the last bit


def cluster_and_outliers(n: int, condition_number: float, outliers: int, width: float = 0.0,
                         seed: int = 0) -> np.ndarray:
    r"""n eigenvalues, ascending: :math:`n - m` of them in a cluster :math:`[1, 1 + w]` (w = ``width``,
    spaced at random; all equal to 1 when w = 0) and :math:`m` = ``outliers`` large ones spaced evenly
    on a log scale up to :math:`\kappa` = ``condition_number``:
    :math:`\kappa^{1/m}, \kappa^{2/m}, \dots, \kappa`.

    By N&W Theorem 5.5, after m + 1 iterations CG's A-norm error has shrunk by at least the factor
    :math:`w / (2 + w)`, whatever κ is. ``outliers = n`` spreads every
    eigenvalue out, geometrically, which is the case the :math:`\sqrt\kappa` bound describes.

        >>> cluster_and_outliers(6, 100.0, 2)
        array([  1.,   1.,   1.,   1.,  10., 100.])
    """
    n = _whole("n", n, 1)
    kappa = _kappa(condition_number)
    m = _whole("outliers", outliers, 0)
    if m > n:
        raise ValueError(f"outliers must be at most n = {n}, got {m}.")
    width = float(width)
    if not (0.0 <= width and math.isfinite(width)):
        raise ValueError(f"width must be a finite number >= 0 (the cluster is [1, 1 + width]), got {width!r}.")
    cluster = 1.0 + width * np.random.default_rng(seed).uniform(0.0, 1.0, n - m)
    large = kappa ** (np.arange(1, m + 1) / m) if m < n else np.geomspace(1.0, kappa, n)
    return np.sort(np.concatenate([cluster, large]))


def a_norm_errors(A, path, x_star) -> np.ndarray:
    r""":math:`\lVert x_k - x^*\rVert_A = \sqrt{(x_k - x^*)^\top A (x_k - x^*)}` for every row :math:`x_k`
    of ``path`` (shape (k + 1, n)); the error CG minimises, and the one its bound is about.

        >>> a_norm_errors(np.diag([1.0, 4.0]), np.array([[1.0, 1.0], [0.0, 0.0]]), np.zeros(2))
        array([2.23606798, 0.        ])
    """
    A = np.asarray(A, dtype=float)
    E = np.atleast_2d(np.asarray(path, dtype=float)) - np.asarray(x_star, dtype=float)
    if A.ndim != 2 or A.shape != (E.shape[1], E.shape[1]):
        raise ValueError(f"A must be n x n with n = {E.shape[1]} (the length of each iterate), got {A.shape}.")
    return np.sqrt(np.maximum(np.einsum("ij,ij->i", E @ A, E), 0.0))


def steepest_descent_bound(condition_number: float, iterations) -> np.ndarray:
    r""":math:`\big((\kappa - 1)/(\kappa + 1)\big)^k`: the most steepest descent with exact line searches can
    leave of the A-norm error after k steps (N&W Theorem 3.3), for each k in ``iterations``.

        >>> steepest_descent_bound(3.0, [0, 1, 2])
        array([1.  , 0.5 , 0.25])
    """
    kappa = _kappa(condition_number)
    return ((kappa - 1.0) / (kappa + 1.0)) ** np.asarray(iterations, dtype=float)


def cg_error_bound(condition_number: float, iterations) -> np.ndarray:
    r""":math:`2\big((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\big)^k`: the bound on CG's relative A-norm error
    after k steps (N&W eq. 5.36), for each k in ``iterations``; capped at 1, which CG never exceeds.

        >>> cg_error_bound(9.0, [0, 1, 2, 3])
        array([1.  , 1.  , 0.5 , 0.25])
    """
    kappa = _kappa(condition_number)
    root = math.sqrt(kappa)
    return np.minimum(1.0, 2.0 * ((root - 1.0) / (root + 1.0)) ** np.asarray(iterations, dtype=float))


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

    Sliders: the condition number :math:`\kappa` of :func:`optcourse.surfaces.quadratic`, the angle of
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
        self.kappa_control = _log_slider("condition κ", condition_number, 0, 3, ".0f")
        self.angle_control = _slider("long axis at (°)", angle_degrees, 0.0, 180.0, 5.0, ".0f")
        self.start_control = _slider("start at (°)", start_degrees, 0.0, 360.0, 0.5, ".1f")
        self._watch(self.kappa_control, self.angle_control, self.start_control)
        self.ax_map, self.ax_gap = _fixed_axes(self.figure, [(0.06, 0.12, 0.36, 0.8), (0.53, 0.12, 0.44, 0.8)])
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
        self.n = _whole("n", n, 2)
        rng = np.random.default_rng(seed)
        Q, R = np.linalg.qr(rng.normal(size=(self.n, self.n)))
        self.Q = Q * np.sign(np.diag(R))
        self.b = rng.normal(size=self.n)
        self.seed = seed
        self.kappa_control = _log_slider("condition κ", condition_number, 1, 6, ".0e")
        self.outliers_control = _int_slider("outliers m", outliers, 0, self.n)
        self.width_control = _log_slider("cluster width w", max(width, 1e-8), -8, 0, ".0e")
        self._watch(self.kappa_control, self.outliers_control, self.width_control)
        self.ax_spectrum, self.ax_error = _fixed_axes(self.figure, [(0.07, 0.13, 0.33, 0.77),
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
        self.ax_error.axhline(self.TARGET, color=PALETTE["green"], linewidth=0.8, linestyle="-.")
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
