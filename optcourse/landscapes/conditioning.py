r"""Conditioning: how far the gradient is from pointing at the minimum, and matrices of chosen
eigenvalues to study it (lessons 03 and 07).

On a quadratic bowl :math:`f(x) = \tfrac12 (x - x^*)^\top H (x - x^*)` the gradient is
:math:`\nabla f(x) = H (x - x^*)`, so the steepest-descent direction :math:`-\nabla f` and the direction
to the minimum :math:`x^* - x` are the same only when H is a multiple of the identity (round contours).

    descent_angle(H, x)                 # degrees between -∇f(x) and x* - x
    worst_descent_angle(kappa)          # the largest such angle for condition number kappa
    gradient_turn(H, x, distances)      # how far ∇f turns as we walk along the first -∇f
    spd_matrix(eigenvalues, seed=0)                   # Q diag(λ) Qᵀ with a random rotation Q
    cluster_and_outliers(n, kappa, outliers, width)   # a cluster at 1 and m large eigenvalues
"""
from __future__ import annotations

import math

import numpy as np

from optcourse.validation import condition_number as valid_condition_number
from optcourse.validation import symmetric_matrix, vector, whole


def _angle(u, v) -> float:
    """The angle between two vectors in degrees (clipped so rounding cannot leave [0, 180])."""
    cos = float(u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return math.degrees(math.acos(min(1.0, max(-1.0, cos))))


def descent_angle(H, x, x_star=None) -> float:
    r"""The angle, in degrees, between the steepest-descent direction and the direction to the minimum
    of :math:`f(x) = \tfrac12 (x - x^*)^\top H (x - x^*)`:

    .. math:: \cos\theta = \frac{-\nabla f(x)^\top (x^* - x)}{\lVert\nabla f(x)\rVert\,\lVert x^* - x\rVert}
              = \frac{d^\top H d}{\lVert H d\rVert\,\lVert d\rVert}, \qquad d = x^* - x.

    0 for round contours (H = cI), up to almost 90 for elongated ones. ``x_star`` defaults to 0.
    For positive definite H the angle is below 90 degrees: -∇f still goes downhill.

    Example:
        >>> round(descent_angle(np.diag([1.0, 10.0]), [1.0, 1.0]), 1)
        39.3
    """
    H = symmetric_matrix("H", H)
    x = vector("x", x, len(H))
    x_star = np.zeros(len(H)) if x_star is None else vector("x_star", x_star, len(H))
    d = x_star - x
    if not np.any(d):
        raise ValueError("x is the minimum itself: there is no direction to it.")
    minus_gradient = H @ d                                     # -∇f(x) = H (x* - x)
    if not np.any(minus_gradient):
        raise ValueError("the gradient is zero at x (H is singular along x* - x): no descent direction.")
    return _angle(minus_gradient, d)


def worst_descent_angle(condition_number: float) -> float:
    r"""The largest angle, in degrees, between :math:`-\nabla f` and the direction to the minimum over
    all points x, for a positive definite quadratic whose Hessian has condition number
    :math:`\kappa = \lambda_{\max}/\lambda_{\min}`:

    .. math:: \cos\theta_{\text{worst}} = \frac{2\sqrt\kappa}{1 + \kappa}

    (the Kantorovich inequality; reached on the plane of the two extreme eigenvectors where
    :math:`\tan^2\varphi = 1/\kappa`). It tends to 90 degrees as :math:`\kappa \to \infty`.

    Example:
        >>> round(worst_descent_angle(100.0), 1)
        78.6
    """
    kappa = valid_condition_number(condition_number)
    return math.degrees(math.acos(min(1.0, 2.0 * math.sqrt(kappa) / (1.0 + kappa))))


def gradient_turn(H, x, distances, x_star=None) -> np.ndarray:
    r"""How many degrees the gradient has turned after walking ``distances`` along the first
    steepest-descent direction :math:`u = -\nabla f(x)/\lVert\nabla f(x)\rVert`:

    .. math:: \nabla f(x + t u) = \nabla f(x) + t\,H u,

    so the gradient changes at the rate :math:`Hu` per unit step: its part along u changes the slope,
    its part across u turns the gradient. For H = cI, :math:`Hu \parallel u` and nothing turns. At the
    exact line-search step :math:`t^* = \lVert\nabla f\rVert / (u^\top H u)` the new gradient is
    perpendicular to u: it has turned 90 degrees. Returns an array like ``distances``; NaN where the
    gradient is zero (at the minimum).

    Example:
        >>> gradient_turn(np.diag([1.0, 10.0]), [2.0, 1.0], [0.0, 0.1, 0.2]).round(2)
        array([0.  , 1.07, 2.4 ])
    """
    H = symmetric_matrix("H", H)
    x = vector("x", x, len(H))
    x_star = np.zeros(len(H)) if x_star is None else vector("x_star", x_star, len(H))
    t = np.asarray(distances, dtype=float)
    if not np.isfinite(t).all():
        raise ValueError("distances contain NaN or inf.")
    g0 = H @ (x - x_star)                                      # ∇f(x)
    norm = np.linalg.norm(g0)
    if norm == 0:
        raise ValueError("the gradient is zero at x: there is no steepest-descent direction to walk along.")
    u = -g0 / norm
    G = g0 + t[..., None] * (H @ u)                            # ∇f(x + t u) = ∇f(x) + t H u
    size = np.linalg.norm(G, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.clip((G @ g0) / (size * norm), -1.0, 1.0)
        angles = np.degrees(np.arccos(cos))
    return np.where(size > 1e-12 * norm, angles, np.nan)


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
    n = whole("n", n, 1)
    kappa = valid_condition_number(condition_number)
    m = whole("outliers", outliers, 0)
    if m > n:
        raise ValueError(f"outliers must be at most n = {n}, got {m}.")
    width = float(width)
    if not (0.0 <= width and math.isfinite(width)):
        raise ValueError(f"width must be a finite number >= 0 (the cluster is [1, 1 + width]), got {width!r}.")
    cluster = 1.0 + width * np.random.default_rng(seed).uniform(0.0, 1.0, n - m)
    large = kappa ** (np.arange(1, m + 1) / m) if m < n else np.geomspace(1.0, kappa, n)
    return np.sort(np.concatenate([cluster, large]))


def descent_angles(H, points) -> np.ndarray:
    """:func:`descent_angle` at every row of ``points`` (minimum at 0), at once and without the checks:
    for the widget, which needs a whole circle of them on every change of κ."""
    d = -np.asarray(points, dtype=float)
    minus_gradient = d @ H.T
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.einsum("ij,ij->i", minus_gradient, d) / (np.linalg.norm(minus_gradient, axis=1)
                                                          * np.linalg.norm(d, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
