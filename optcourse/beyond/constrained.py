r"""Constraints and non-smooth terms: projections, projected gradient, soft thresholding, ISTA,
coordinate descent for the Lasso.

The Lasso problem throughout is

.. math:: \min_x \; \tfrac12 \lVert A x - b\rVert^2 + \lambda \lVert x\rVert_1 .

Example:
    >>> import numpy as np
    >>> soft_threshold(np.array([3.0, -0.5, -2.0]), 1.0)
    array([ 2., -0., -1.])
"""
from __future__ import annotations

from typing import Callable

import numpy as np


def project_box(x, lower, upper) -> np.ndarray:
    r"""The closest point of the box :math:`\{l \le x \le u\}`: clip each coordinate."""
    if np.any(np.asarray(lower) > np.asarray(upper)):
        raise ValueError("project_box: every lower bound must be <= its upper bound.")
    return np.clip(np.asarray(x, dtype=float), lower, upper)


def project_ball(x, radius: float = 1.0, center=0.0) -> np.ndarray:
    r"""The closest point of the ball :math:`\{\lVert x - c\rVert \le r\}`: pull x radially onto it."""
    if radius < 0:
        raise ValueError(f"project_ball: radius must be >= 0, got {radius}.")
    offset = np.asarray(x, dtype=float) - center
    norm = np.linalg.norm(offset)
    return center + (offset if norm <= radius else offset * (radius / norm))


def projected_gradient(gradient: Callable, project: Callable, x0, lr: float, steps: int = 100) -> np.ndarray:
    r"""Projected gradient descent, :math:`x \leftarrow P_C(x - \eta \nabla f(x))`; returns the path,
    shape (steps + 1, d). (Nocedal & Wright, ch. 16.7, gradient projection.)"""
    if lr <= 0:
        raise ValueError(f"projected_gradient: lr must be > 0, got {lr}.")
    path = [project(np.asarray(x0, dtype=float))]
    for _ in range(steps):
        path.append(project(path[-1] - lr * gradient(path[-1])))
    return np.array(path)


def soft_threshold(v, t: float) -> np.ndarray:
    r"""The proximal operator of :math:`t\lVert\cdot\rVert_1`:
    :math:`S_t(v) = \mathrm{sign}(v)\max(|v| - t, 0)`, elementwise. Shrinks towards 0 by t and sets
    everything within t of 0 to exactly 0."""
    if t < 0:
        raise ValueError(f"soft_threshold: the threshold t must be >= 0, got {t}.")
    v = np.asarray(v, dtype=float)
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def lasso_objective(A, b, lam: float, x) -> float:
    r""":math:`\tfrac12\lVert Ax - b\rVert^2 + \lambda\lVert x\rVert_1`."""
    r = np.asarray(A) @ x - b
    return float(0.5 * r @ r + lam * np.abs(x).sum())


def _check_lasso(A, b, lam):
    A, b = np.asarray(A, dtype=float), np.asarray(b, dtype=float)
    if A.ndim != 2 or b.shape != (A.shape[0],):
        raise ValueError(f"Lasso: A must be (m, n) and b (m,); got {A.shape} and {b.shape}.")
    if lam < 0:
        raise ValueError(f"Lasso: lam must be >= 0, got {lam}.")
    return A, b


def proximal_gradient(A, b, lam: float, *, steps: int = 500, lr: float | None = None, x0=None,
                      accelerated: bool = False):
    r"""ISTA: a gradient step on the smooth part, then the prox of the L1 part,

    .. math:: x \leftarrow S_{\eta\lambda}\big(x - \eta A^\top(Ax - b)\big), \qquad \eta = 1/L,\;
              L = \lVert A\rVert_2^2 .

    With ``accelerated=True`` this is FISTA: the same step taken from an extrapolated point,

    .. math:: x_k = S_{\eta\lambda}\big(z_k - \eta A^\top(Az_k - b)\big), \quad
              t_{k+1} = \tfrac{1 + \sqrt{1 + 4t_k^2}}{2}, \quad
              z_{k+1} = x_k + \tfrac{t_k - 1}{t_{k+1}}(x_k - x_{k-1}), \qquad t_1 = 1,\; z_1 = x_0,

    whose objective gap falls as :math:`O(1/k^2)` instead of ISTA's :math:`O(1/k)`.

    Returns ``(x, objective)`` with the objective after each step (index 0: the start). Beck &
    Teboulle, *A fast iterative shrinkage-thresholding algorithm*, SIAM J. Imaging Sci. 2009.
    """
    A, b = _check_lasso(A, b, lam)
    lr = 1.0 / np.linalg.norm(A, 2) ** 2 if lr is None else lr
    if lr <= 0:
        raise ValueError(f"proximal_gradient: lr must be > 0, got {lr}.")
    x = np.zeros(A.shape[1]) if x0 is None else np.array(x0, dtype=float)
    objective = [lasso_objective(A, b, lam, x)]
    z, t = x, 1.0
    for _ in range(steps):
        previous = x
        x = soft_threshold(z - lr * A.T @ (A @ z - b), lr * lam)
        if accelerated:
            t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
            z, t = x + (t - 1) / t_next * (x - previous), t_next
        else:
            z = x
        objective.append(lasso_objective(A, b, lam, x))
    return x, np.array(objective)


def coordinate_descent_lasso(A, b, lam: float, *, sweeps: int = 100, tol: float = 0.0, x0=None):
    r"""Cyclic coordinate descent for the Lasso: minimise exactly over one :math:`x_j` at a time,

    .. math:: x_j \leftarrow S_\lambda\big(a_j^\top r_j\big) / \lVert a_j\rVert^2, \qquad
              r_j = b - \sum_{k \ne j} a_k x_k .

    Stops after ``sweeps`` passes or when no coordinate moved more than ``tol`` in a pass. Returns
    ``(x, objective)`` with the objective after each sweep. Friedman, Hastie, Tibshirani, *Regularization
    paths for generalized linear models via coordinate descent*, J. Stat. Softw. 2010.
    """
    A, b = _check_lasso(A, b, lam)
    squares = np.sum(A * A, axis=0)
    if np.any(squares == 0):
        raise ValueError("coordinate_descent_lasso: A has a zero column; drop it first.")
    x = np.zeros(A.shape[1]) if x0 is None else np.array(x0, dtype=float)
    residual = b - A @ x
    objective = [lasso_objective(A, b, lam, x)]
    for _ in range(sweeps):
        largest_move = 0.0
        for j in range(A.shape[1]):
            old = x[j]
            rho = A[:, j] @ residual + squares[j] * old          # a_j^T r_j, with x_j's own part added back
            x[j] = soft_threshold(rho, lam) / squares[j]
            residual -= A[:, j] * (x[j] - old)
            largest_move = max(largest_move, abs(x[j] - old))
        objective.append(lasso_objective(A, b, lam, x))
        if largest_move <= tol:
            break
    return x, np.array(objective)
