r"""Critical points: where the gradient vanishes, what the Hessian says about them, how to leave.

Near a critical point :math:`p^*` (:math:`\nabla f(p^*) = 0`) the second-order Taylor expansion is

.. math:: f(p^* + d) \approx f(p^*) + \tfrac12 d^\top H d, \qquad H = \nabla^2 f(p^*),

so the signs of the eigenvalues of :math:`H` decide: all positive, a minimum; all negative, a
maximum; both signs, a saddle; a zero eigenvalue (and no sign change), the quadratic term cannot
decide and the point is degenerate (Nocedal and Wright, theorems 2.3 and 2.4).

    classify_critical_point(s.hessian(p))             # "minimum", "maximum", "saddle", "degenerate"
    find_critical_points(get_surface("himmelblau"))    # all nine, classified
    escape_saddle([0.0, 0.0], s.hessian, step=0.1)     # a step along negative curvature
    fraction_positive_definite([1, 2, 3, 4, 5])        # random critical points are rarely minima
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from optcourse.landscapes.surfaces import newton_on_gradient
from optcourse.validation import whole

KINDS = ("minimum", "maximum", "saddle", "degenerate")


def _symmetric_matrix(H, who: str) -> np.ndarray:
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError(f"{who}: the Hessian must be a square matrix of shape (n, n), got shape {H.shape}.")
    if not np.isfinite(H).all():
        raise ValueError(f"{who}: the Hessian contains NaN or inf.")
    if not np.allclose(H, H.T, rtol=1e-8, atol=1e-10 * max(1.0, np.abs(H).max())):
        raise ValueError(f"{who}: the Hessian is not symmetric (largest |H - H^T| = "
                         f"{np.abs(H - H.T).max():.3g}); a Hessian of a twice continuously "
                         f"differentiable function is. Symmetrise a numerical one with (H + H.T) / 2.")
    return (H + H.T) / 2


def classify_critical_point(hessian, tol: float = 1e-8) -> str:
    r"""Classify a critical point from its Hessian: "minimum", "maximum", "saddle" or "degenerate".

    An eigenvalue counts as zero when :math:`|\lambda| \le \text{tol}\cdot\max(1, \max_i|\lambda_i|)`.
    Eigenvalues of both signs make a saddle even if another is zero; otherwise a zero eigenvalue
    makes the point degenerate (higher-order terms decide, as for :math:`x^3` or the monkey saddle).

    Example:
        >>> classify_critical_point([[2.0, 0.0], [0.0, -2.0]])     # x² - y² at the origin
        'saddle'
    """
    H = _symmetric_matrix(hessian, "classify_critical_point")
    if not (tol >= 0 and math.isfinite(tol)):
        raise ValueError(f"classify_critical_point: tol must be a finite number >= 0, got {tol!r}.")
    eigenvalues = np.linalg.eigvalsh(H)
    zero = tol * max(1.0, np.abs(eigenvalues).max())
    positive, negative = eigenvalues > zero, eigenvalues < -zero
    if positive.any() and negative.any():
        return "saddle"
    if positive.all():
        return "minimum"
    if negative.all():
        return "maximum"
    return "degenerate"


class CriticalPoint(NamedTuple):
    point: np.ndarray            # (x, y)
    value: float                 # f there
    kind: str                    # one of KINDS
    eigenvalues: np.ndarray      # of the Hessian, ascending


def find_critical_points(surface, bounds=None, per_axis: int = 20, iterations: int = 100,
                         tol: float = 1e-8) -> list[CriticalPoint]:
    r"""Critical points of a 2-D function inside ``bounds``, found by Newton's method from a grid.

    ``surface`` is anything with ``value``, ``gradient`` and ``hessian`` methods taking points of
    shape (..., 2): a :class:`~optcourse.landscapes.surfaces.Surface` or what
    :func:`~optcourse.landscapes.derivatives.sympy_functions` returns. From each of ``per_axis``² starts,

    .. math:: p \leftarrow p - \nabla^2 f(p)^{+}\, \nabla f(p)

    (the pseudo-inverse keeps singular Hessians harmless). Newton's method solves
    :math:`\nabla f = 0` and is attracted by minima, maxima and saddles alike, which is what we want
    here (and what makes it dangerous for minimisation, lesson 06). Points where the gradient
    norm ends below ``tol`` are kept once each, classified, and returned lowest value first.
    More starts find more points; a point with a tiny basin of attraction can be missed.

    Example:
        >>> for c in find_critical_points(get_surface("himmelblau")):
        ...     print(c.kind, c.point.round(4), round(c.value, 4))
    """
    per_axis = whole("find_critical_points: per_axis", per_axis, 1)
    if bounds is None:
        bounds = getattr(surface, "bounds", None)
        if bounds is None:
            raise ValueError("find_critical_points: pass bounds=((x_min, x_max), (y_min, y_max)).")
    (x0, x1), (y0, y1) = np.asarray(bounds, dtype=float)
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"find_critical_points: bounds must be ((x_min, x_max), (y_min, y_max)) with "
                         f"min < max, got {bounds!r}.")
    X, Y = np.meshgrid(np.linspace(x0, x1, per_axis), np.linspace(y0, y1, per_axis))
    p = np.stack([X.ravel(), Y.ravel()], axis=-1)
    p = newton_on_gradient(surface, p, iterations)
    with np.errstate(all="ignore"):  # starts that ran off to infinity are dropped below
        grad_norm = np.linalg.norm(surface.gradient(p), axis=-1)
    inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    found: list[np.ndarray] = []
    same = 1e-6 * max(x1 - x0, y1 - y0)
    for q in p[inside & (grad_norm < tol)]:
        if all(np.linalg.norm(q - r) > same for r in found):
            found.append(q)
    points = []
    for q in found:
        H = surface.hessian(q)
        points.append(CriticalPoint(q, float(surface.value(q)), classify_critical_point(H),
                                    np.linalg.eigvalsh((H + H.T) / 2)))
    return sorted(points, key=lambda c: c.value)


class SaddleEscape(NamedTuple):
    point: np.ndarray             # the point after the step
    direction: np.ndarray         # unit eigenvector of the most negative eigenvalue
    eigenvalue: float             # that eigenvalue, < 0
    predicted_change: float       # ½ λ step², the second-order change of f


def escape_saddle(point, hessian, step: float = 0.1, tol: float = 1e-8) -> SaddleEscape:
    r"""Step from a saddle point along the eigenvector of the most negative Hessian eigenvalue.

    At a critical point the gradient is zero and gives no direction, but with
    :math:`H u = \lambda u`, :math:`\lambda < 0`, :math:`\lVert u\rVert = 1`, the Taylor expansion gives

    .. math:: f(p + s u) \approx f(p) + \tfrac12 \lambda s^2 < f(p),

    so the step :math:`p \leftarrow p + s u` goes downhill (so does :math:`-u`; the sign of u is
    chosen so that its largest component is positive). ``hessian`` is the matrix at ``point`` or a
    function returning it, such as ``surface.hessian``.

    Example:
        >>> s = get_surface("saddle")
        >>> escape_saddle([0.0, 0.0], s.hessian, step=0.1).point     # [0, 0.1]: along y
    """
    point = np.asarray(point, dtype=float)
    H = _symmetric_matrix(hessian(point) if callable(hessian) else hessian, "escape_saddle")
    if point.shape != (H.shape[0],):
        raise ValueError(f"escape_saddle: point has shape {point.shape} but the Hessian is "
                         f"{H.shape[0]} x {H.shape[0]}; pass a point of shape ({H.shape[0]},).")
    if not (step > 0 and math.isfinite(step)):
        raise ValueError(f"escape_saddle: step must be a finite number > 0, got {step!r}.")
    eigenvalues, vectors = np.linalg.eigh(H)
    lam, u = eigenvalues[0], vectors[:, 0]
    if lam >= -tol * max(1.0, np.abs(eigenvalues).max()):
        raise ValueError(f"escape_saddle: the smallest Hessian eigenvalue is {lam:.3g}, not negative, so "
                         f"there is no direction of negative curvature to follow: the point is not a saddle "
                         f"(classify_critical_point says {classify_critical_point(H, tol)!r}).")
    u = u if u[np.argmax(np.abs(u))] > 0 else -u
    return SaddleEscape(point + step * u, u, float(lam), 0.5 * float(lam) * step**2)


class PositiveDefiniteFraction(NamedTuple):
    dims: np.ndarray              # the dimensions d
    fraction: np.ndarray          # share of samples with every eigenvalue > 0
    standard_error: np.ndarray    # of that share, sqrt(p (1 - p) / n)
    three_to_minus_d: np.ndarray  # the counting argument's 3^-d, for comparison


def fraction_positive_definite(dims, n_samples: int = 20_000, seed: int = 0) -> PositiveDefiniteFraction:
    r"""How often a random symmetric d x d matrix has only positive eigenvalues, beside :math:`3^{-d}`.

    Think of the Hessian at a random critical point as a random symmetric matrix. The matrices are
    drawn from the Gaussian orthogonal ensemble, :math:`A = (G + G^\top)/\sqrt2` with
    :math:`G_{ij} \sim N(0, 1)`. If each eigenvalue were independently positive, negative or (almost)
    zero with equal chance, a critical point would be a minimum with probability :math:`3^{-d}`
    (the counting argument behind Dauphin et al. 2014). Eigenvalues of random matrices repel each
    other, and the true fraction falls even faster, like :math:`e^{-\theta d^2}`,
    :math:`\theta = \ln 3 / 4` (Dean and Majumdar 2006): in high dimensions almost every critical point
    is a saddle. With ``n_samples`` draws, fractions below about ``1 / n_samples`` read as 0.

    Example:
        >>> r = fraction_positive_definite([1, 2, 3, 4, 5])
        >>> r.fraction, r.three_to_minus_d       # ~[0.5, 0.15, 0.03, ...] vs [0.33, 0.11, 0.04, ...]
    """
    dims = np.atleast_1d(np.asarray(dims))
    if dims.ndim != 1 or dims.dtype.kind not in "iu" or (dims < 1).any():
        raise ValueError(f"fraction_positive_definite: dims must be whole numbers >= 1, got {dims!r}.")
    n_samples = whole("fraction_positive_definite: n_samples", n_samples, 1)
    seed = whole("fraction_positive_definite: seed", seed, 0)
    rng = np.random.default_rng(seed)
    fraction = np.empty(len(dims))
    for k, d in enumerate(dims):
        positive, chunk = 0, max(1, 2**20 // int(d) ** 2)   # about 8 MB of matrices at a time
        for start in range(0, n_samples, chunk):
            G = rng.standard_normal((min(chunk, n_samples - start), d, d))
            A = (G + np.swapaxes(G, 1, 2)) / math.sqrt(2)
            positive += np.count_nonzero(np.linalg.eigvalsh(A)[:, 0] > 0)
        fraction[k] = positive / n_samples
    return PositiveDefiniteFraction(dims, fraction, np.sqrt(fraction * (1 - fraction) / n_samples),
                                    3.0 ** -dims.astype(float))
