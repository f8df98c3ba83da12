r"""Linear conjugate gradient: solve :math:`Ax = b` for a symmetric positive definite A.

Solving :math:`Ax = b` is minimising :math:`\phi(x) = \tfrac12 x^\top A x - b^\top x`, whose
gradient is the residual with a sign, :math:`\nabla\phi(x) = Ax - b = -r`. Conjugate gradient
(Nocedal and Wright, *Numerical Optimization*, 2nd ed., Algorithm 5.2) minimises :math:`\phi`
exactly along directions :math:`p_0, p_1, \dots` that are *conjugate*, :math:`p_i^\top A p_j = 0`
for :math:`i \ne j`, each built from the new residual and the previous direction alone:

.. math::
    \alpha_k &= \frac{r_k^\top r_k}{p_k^\top A p_k}, &
    x_{k+1} &= x_k + \alpha_k p_k, &
    r_{k+1} &= r_k - \alpha_k A p_k, \\
    \beta_{k+1} &= \frac{r_{k+1}^\top r_{k+1}}{r_k^\top r_k}, &
    p_{k+1} &= r_{k+1} + \beta_{k+1} p_k, & p_0 &= r_0 = b - A x_0.

In exact arithmetic it finds x in at most n steps (N&W Theorem 5.1), and in at most r steps when A
has r distinct eigenvalues (Theorem 5.4).

**Preconditioned CG** (N&W Algorithm 5.3) is CG on :math:`C^{-\top} A C^{-1}` for a symmetric positive
definite :math:`M = C^\top C`, written back in the original variables so that only
:math:`z = M^{-1} r` is ever needed: :math:`z_k = M^{-1} r_k`, :math:`r_k^\top r_k` becomes
:math:`r_k^\top z_k` in :math:`\alpha_k` and :math:`\beta_{k+1}`, and :math:`p_{k+1} = z_{k+1} + \beta_{k+1} p_k`.
It converges as fast as the spectrum of :math:`M^{-1}A` allows; :math:`M = I` is plain CG.

    >>> import numpy as np
    >>> A = np.array([[4.0, 1.0], [1.0, 3.0]]); b = np.array([1.0, 2.0])
    >>> res = linear_cg(A, b)
    >>> res.nit, np.allclose(res.x, np.linalg.solve(A, b))
    (2, True)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optcourse.validation import condition_number as valid_condition_number


@dataclass(repr=False)
class LinearCGResult:
    """x: the solution found; path: x_0 .. x_nit as rows; residual_norms: ||b - A x_k|| for each;
    nit: iterations; success: whether ||r|| <= tol ||b|| was reached; message: why it stopped."""

    x: np.ndarray
    path: np.ndarray
    residual_norms: np.ndarray
    nit: int
    success: bool
    message: str

    def __repr__(self) -> str:
        return (f"LinearCGResult(success={self.success}, nit={self.nit}, "
                f"residual={self.residual_norms[-1]:.3g}, message={self.message!r})")


def linear_cg(A, b, x0=None, tol=1e-10, maxiter=None, preconditioner=None) -> LinearCGResult:
    r"""Conjugate gradient for :math:`Ax = b`, A symmetric positive definite (N&W Algorithm 5.2; with a
    preconditioner, Algorithm 5.3).

    Arguments:
        A       -- an (n, n) symmetric positive definite array
        b       -- the right-hand side, shape (n,)
        x0      -- the starting point (default zeros)
        tol     -- stop when :math:`\|r_k\| \le \text{tol}\,\|b\|`
        maxiter -- at most this many iterations (default 2n: n in exact arithmetic, and room for
                   rounding on ill-conditioned systems)
        preconditioner -- a function r -> M^{-1} r for a symmetric positive definite M (default: none,
                   M = I); e.g. ``lambda r: r / np.diag(A)`` (Jacobi)

    Returns a :class:`LinearCGResult` with every iterate in ``path``. Raises ValueError if A is not
    symmetric, or if a direction with :math:`p^\top A p \le 0` shows that A is not positive definite.

        >>> import numpy as np
        >>> linear_cg(np.diag([1.0, 2.0, 3.0]), np.ones(3)).x
        array([1.        , 0.5       , 0.33333333])
    """
    A, b, x = _check(A, b, x0)
    n = b.size
    maxiter = 2 * n if maxiter is None else int(maxiter)
    if maxiter < 0:
        raise ValueError(f"maxiter must be >= 0, got {maxiter}.")
    if preconditioner is not None and not callable(preconditioner):
        raise TypeError("linear_cg: preconditioner must be a function r -> M^-1 r (or None), got "
                        f"{type(preconditioner).__name__}.")
    solve_m = (lambda v: v) if preconditioner is None else _checked(preconditioner, n)
    threshold = tol * np.linalg.norm(b)
    r = b - A @ x
    z = solve_m(r)                             # z_k = M^{-1} r_k (z = r without a preconditioner)
    p = z.copy()
    rz = r @ z
    path, norms = [x.copy()], [np.linalg.norm(r)]
    k = 0
    while norms[-1] > threshold:
        if k >= maxiter:
            return _result(path, norms, False, f"reached maxiter = {maxiter} with ||r|| = {norms[-1]:.3g} "
                                                 f"> tol ||b|| = {threshold:.3g}")
        Ap = A @ p
        curvature = p @ Ap
        if not curvature > 0:
            raise ValueError(f"A is not positive definite: along the CG direction at iteration {k}, "
                             f"p'Ap = {curvature:.3g} <= 0. Linear CG needs a symmetric positive definite A.")
        alpha = rz / curvature                 # α_k = r'z / p'Ap
        x = x + alpha * p                      # x_{k+1} = x_k + α_k p_k
        r = r - alpha * Ap                     # r_{k+1} = r_k - α_k A p_k
        z = solve_m(r)                         # z_{k+1} = M^{-1} r_{k+1}
        rz_new = r @ z
        beta = rz_new / rz                     # β_{k+1} = r_{k+1}'z_{k+1} / r_k'z_k
        p = z + beta * p                       # p_{k+1} = z_{k+1} + β_{k+1} p_k
        rz = rz_new
        k += 1
        path.append(x.copy())
        norms.append(np.linalg.norm(r))
    return _result(path, norms, True, f"converged: ||r|| = {norms[-1]:.3g} <= tol ||b|| after {k} iterations")


def _checked(preconditioner, n):
    """The preconditioner, with its output checked: an array of shape (n,), finite."""
    def solve_m(r):
        z = np.asarray(preconditioner(r.copy()), dtype=float)
        if z.shape != (n,) or not np.isfinite(z).all():
            raise ValueError(f"linear_cg: preconditioner(r) must return a finite array of shape ({n},), got "
                             f"shape {z.shape}.")
        return z
    return solve_m


def _result(path, norms, success, message):
    path = np.array(path)
    return LinearCGResult(path[-1].copy(), path, np.array(norms), len(path) - 1, success, message)


def _check(A, b, x0):
    A = np.asarray(A)
    b = np.asarray(b)
    for name, value in (("A", A), ("b", b)):
        if value.dtype.kind not in "fiu":
            raise TypeError(f"linear_cg: {name} must hold real numbers, got dtype {value.dtype}.")
    A, b = A.astype(float), b.astype(float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"linear_cg: A must be a square matrix, got shape {A.shape}.")
    if b.shape != (A.shape[0],):
        raise ValueError(f"linear_cg: b must have shape ({A.shape[0]},) to match A {A.shape}, got {b.shape}.")
    if not (np.isfinite(A).all() and np.isfinite(b).all()):
        raise ValueError("linear_cg: A and b must be finite (found NaN or infinity).")
    if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * np.abs(A).max()):
        raise ValueError("linear_cg: A must be symmetric (A == A.T); for a general square A, solve the "
                         "normal equations A.T A x = A.T b or use GMRES.")
    if x0 is None:
        x = np.zeros_like(b)
    else:
        x = np.array(x0, dtype=float)
        if x.shape != b.shape or not np.isfinite(x).all():
            raise ValueError(f"linear_cg: x0 must be a finite array of shape {b.shape}, got shape {x.shape}.")
    return A, b, x


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
    kappa = valid_condition_number(condition_number)
    return ((kappa - 1.0) / (kappa + 1.0)) ** np.asarray(iterations, dtype=float)


def cg_error_bound(condition_number: float, iterations) -> np.ndarray:
    r""":math:`2\big((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\big)^k`: the bound on CG's relative A-norm error
    after k steps (N&W eq. 5.36), for each k in ``iterations``; capped at 1, which CG never exceeds.

        >>> cg_error_bound(9.0, [0, 1, 2, 3])
        array([1.  , 1.  , 0.5 , 0.25])
    """
    kappa = valid_condition_number(condition_number)
    root = math.sqrt(kappa)
    return np.minimum(1.0, 2.0 * ((root - 1.0) / (root + 1.0)) ** np.asarray(iterations, dtype=float))
