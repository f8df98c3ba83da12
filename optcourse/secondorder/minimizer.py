r"""``minimize``: steepest descent, Newton, quasi-Newton and conjugate gradient methods.

Every method here is a *line search method* (Nocedal and Wright, *Numerical Optimization*, 2nd ed.,
chapter 3; below N&W). At each iterate :math:`x_k` it

1. picks a descent direction :math:`p_k` (this is where the methods differ),
2. picks a step length :math:`\alpha_k` along it with a line search (:mod:`optcourse.secondorder.linesearch`),
3. moves: :math:`x_{k+1} = x_k + \alpha_k p_k`, and learns from
   :math:`s_k = x_{k+1} - x_k` and :math:`y_k = \nabla f_{k+1} - \nabla f_k`,

until the gradient is small: :math:`\|\nabla f_k\|_\infty \le` ``gtol`` (SciPy's test and default,
``gtol = 1e-5``). The directions:

==========  ================================================================  ===================
method      direction :math:`p_k`                                              N&W
==========  ================================================================  ===================
``gd``      :math:`-\nabla f_k` (steepest descent)                             3.2
``newton``  :math:`-(\nabla^2 f_k + \tau I)^{-1}\nabla f_k`, smallest tried    3.3, 3.4 (Alg. 3.3)
            :math:`\tau \ge 0` that makes the matrix positive definite
``dfp``     :math:`-H_k \nabla f_k`, H updated by the DFP formula              6.15
``bfgs``    :math:`-H_k \nabla f_k`, H updated by the BFGS formula             6.17
``lbfgs``   :math:`-H_k \nabla f_k` from the last m pairs (s, y), two loops    7.2 (Alg. 7.4)
``cg``      :math:`-\nabla f_k + \beta_k p_{k-1}` (FR, PR+ or HS beta)         5.2
==========  ================================================================  ===================

Usage, in the style of :func:`scipy.optimize.minimize`::

    >>> import numpy as np
    >>> from optcourse.landscapes.problems import get_problem
    >>> rosen = get_problem("rosenbrock")
    >>> res = minimize(rosen.fun, rosen.x0, jac=rosen.grad, method="bfgs")
    >>> res.success, np.allclose(res.x, [1.0, 1.0], atol=1e-4), res.path.shape[1]
    (True, True, 2)

The result has SciPy's fields (``x, fun, jac, nit, nfev, njev, nhev, success, status, message``),
and ``path`` (every iterate, for plots) and ``fun_path`` (f along it). ``nfev``, ``njev`` and
``nhev`` count the calls that were really made to ``fun``, ``jac`` and ``hess``.

Two safety nets, counted in ``restarts``: a direction that is not downhill (rounding can do that to
a quasi-Newton matrix) is replaced by :math:`-\nabla f_k`, and when the line search fails along a
direction other than :math:`-\nabla f_k`, the method forgets what it has learned and tries
:math:`-\nabla f_k` once before giving up (as L-BFGS-B does).
"""
from __future__ import annotations

import math
import warnings
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg

from optcourse.secondorder.linesearch import (ALPHA_MAX, LineSearchResult, armijo_backtracking, exact_line_search,
                                              wolfe_line_search)
from optcourse.validation import whole

METHODS = ("gd", "newton", "dfp", "bfgs", "lbfgs", "cg")
CG_BETAS = ("fr", "pr+", "hs")
LINE_SEARCHES = ("wolfe", "armijo", "exact")
EPS = np.finfo(float).eps

# status codes (SciPy uses 0, 1, 2 and 3 the same way)
SUCCESS, MAXITER, LINE_SEARCH_FAILED, NOT_FINITE, CALLBACK_STOP = 0, 1, 2, 3, 4


@dataclass(repr=False)
class MinimizeResult:
    """What :func:`minimize` found, with SciPy's field names.

    x, fun, jac       -- the last iterate, f and the gradient there
    nit               -- iterations (steps taken)
    nfev, njev, nhev  -- calls made to fun, jac and hess (finite differences call fun or jac)
    success, status   -- True and 0 when ||jac||_inf <= gtol; otherwise False and 1 (maxiter),
                         2 (line search failed), 3 (a NaN or infinity appeared), 4 (callback asked to stop)
    message           -- why it stopped, in words
    path, fun_path    -- every iterate x_0 .. x_nit as rows of an array, and f at each
    hess_inv          -- the final inverse Hessian approximation (bfgs, dfp), else None
    skipped_updates   -- quasi-Newton updates skipped because y's <= 0 (curvature condition failed)
    restarts          -- times the direction was reset to -gradient: cg's restarts, and, for every
                         method, a direction that rounding had turned uphill or along which the line
                         search failed (the method then forgets what it learned and tries -gradient)
    hessian_shifts    -- newton: iterations whose Hessian needed tau > 0 to be positive definite
    options           -- the options used, defaults filled in
    """

    x: np.ndarray
    fun: float
    jac: np.ndarray
    nit: int
    nfev: int
    njev: int
    nhev: int
    success: bool
    status: int
    message: str
    method: str
    path: np.ndarray
    fun_path: np.ndarray
    hess_inv: np.ndarray | None = None
    skipped_updates: int = 0
    restarts: int = 0
    hessian_shifts: int = 0
    options: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        shown = ["message", "success", "status", "fun", "x", "nit", "nfev", "njev", "nhev"]
        shown += [k for k in ("skipped_updates", "restarts", "hessian_shifts") if getattr(self, k)]
        width = max(map(len, shown))
        with np.printoptions(threshold=8, precision=6):
            return "\n".join(f"{k.rjust(width)}: {getattr(self, k)}" for k in shown)


# =================================================================================================
# The updates, as plain functions of arrays (lesson 06 and 07 call them directly)
# =================================================================================================

def bfgs_inverse_update(H, s, y):
    r"""The BFGS update of an inverse Hessian approximation (N&W eq. 6.17).

    .. math::
        H_{k+1} = (I - \rho s y^\top) H_k (I - \rho y s^\top) + \rho s s^\top,
        \qquad \rho = \frac{1}{y^\top s}

    computed in :math:`O(n^2)` as
    :math:`H - \rho(s\,(Hy)^\top + (Hy)\,s^\top) + (\rho^2\, y^\top H y + \rho)\, s s^\top`.
    :math:`H_{k+1}` satisfies the secant equation :math:`H_{k+1} y = s` and stays positive
    definite when H is and :math:`y^\top s > 0`.

        >>> import numpy as np
        >>> H = bfgs_inverse_update(np.eye(2), np.array([1.0, 0.0]), np.array([2.0, 1.0]))
        >>> H @ np.array([2.0, 1.0])                       # the secant equation: H y = s
        array([1., 0.])
    """
    rho = 1.0 / (y @ s)
    Hy = H @ y
    return H - rho * (np.outer(s, Hy) + np.outer(Hy, s)) + (rho * rho * (y @ Hy) + rho) * np.outer(s, s)


def dfp_inverse_update(H, s, y):
    r"""The DFP update of an inverse Hessian approximation (N&W eq. 6.15).

    .. math:: H_{k+1} = H_k - \frac{H_k y y^\top H_k}{y^\top H_k y} + \frac{s s^\top}{y^\top s}

        >>> import numpy as np
        >>> H = dfp_inverse_update(np.eye(2), np.array([1.0, 0.0]), np.array([2.0, 1.0]))
        >>> H @ np.array([2.0, 1.0])
        array([1., 0.])
    """
    Hy = H @ y
    return H - np.outer(Hy, Hy) / (y @ Hy) + np.outer(s, s) / (y @ s)


def lbfgs_two_loop(g, s_list, y_list, gamma=1.0):
    r"""L-BFGS two-loop recursion (N&W Algorithm 7.4): :math:`H_k g` from the stored pairs.

    :math:`H_k` is what m BFGS updates with the pairs :math:`(s_i, y_i)` (oldest first) make of
    :math:`H_k^0 = \gamma I`; the product with g costs :math:`O(mn)` and H is never formed.

    .. math::
        &q \leftarrow g; \quad \text{for } i = k-1, \dots, k-m:\
            \alpha_i = \rho_i s_i^\top q,\ q \leftarrow q - \alpha_i y_i \\
        &r \leftarrow \gamma q; \quad \text{for } i = k-m, \dots, k-1:\
            \beta = \rho_i y_i^\top r,\ r \leftarrow r + s_i(\alpha_i - \beta)

        >>> import numpy as np
        >>> lbfgs_two_loop(np.array([2.0, 1.0]), [np.array([1.0, 0.0])], [np.array([2.0, 1.0])])
        array([1., 0.])
    """
    q = np.array(g, dtype=float)
    rhos = [1.0 / (y @ s) for s, y in zip(s_list, y_list)]
    alphas = []
    for s, y, rho in reversed(list(zip(s_list, y_list, rhos))):
        alpha = rho * (s @ q)
        q -= alpha * y
        alphas.append(alpha)
    r = gamma * q
    for s, y, rho, alpha in zip(s_list, y_list, rhos, reversed(alphas)):
        beta = rho * (y @ r)
        r += s * (alpha - beta)
    return r


def cg_beta(kind, g_new, g, p):
    r"""The nonlinear conjugate gradient parameter :math:`\beta_{k+1}` (N&W section 5.2).

    .. math::
        \beta^{FR} = \frac{g_{k+1}^\top g_{k+1}}{g_k^\top g_k} \ (5.41a), \quad
        \beta^{PR+} = \max\Big(0, \frac{g_{k+1}^\top (g_{k+1} - g_k)}{g_k^\top g_k}\Big) \ (5.45), \quad
        \beta^{HS} = \frac{g_{k+1}^\top (g_{k+1} - g_k)}{(g_{k+1} - g_k)^\top p_k} \ (5.46)

        >>> import numpy as np
        >>> cg_beta("fr", np.array([1.0, 0.0]), np.array([0.0, 2.0]), np.array([0.0, -2.0]))
        0.25
    """
    y = g_new - g
    if kind == "fr":
        return float(g_new @ g_new) / float(g @ g)
    if kind == "pr+":
        return max(0.0, float(g_new @ y) / float(g @ g))
    if kind == "hs":
        curvature = float(y @ p)
        return float(g_new @ y) / curvature if curvature != 0 else 0.0
    raise ValueError(f"unknown beta {kind!r}; known: {', '.join(CG_BETAS)}.")


def cholesky_with_added_identity(A, beta=1e-3):
    r"""Cholesky factor L of :math:`A + \tau I` for the smallest :math:`\tau` tried that works (N&W Alg. 3.3).

    .. math::
        \tau_0 = 0 \text{ if } \min_i a_{ii} > 0 \text{ else } \beta - \min_i a_{ii}; \quad
        \text{until } A + \tau_k I = L L^\top \text{ succeeds: } \tau_{k+1} = \max(2\tau_k, \beta)

    Returns ``(L, tau)``; tau = 0 means A was already positive definite. N&W's heuristic value
    :math:`\beta = 10^{-3}` worked better on the test problems than a beta scaled by the size of A,
    which shifts far more than needed and turns Newton into slow steepest descent.
    A Newton step with the shifted matrix, :math:`p = -(A + \tau I)^{-1} g`, is a descent direction.

        >>> import numpy as np
        >>> L, tau = cholesky_with_added_identity(np.diag([1.0, -1.0]))
        >>> tau > 1.0, np.allclose(L @ L.T, np.diag([1.0 + tau, -1.0 + tau]))
        (True, True)
    """
    smallest_diagonal = float(np.min(np.diag(A)))
    tau = 0.0 if smallest_diagonal > 0 else beta - smallest_diagonal
    identity = np.eye(len(A))
    while True:
        try:
            return np.linalg.cholesky(A + tau * identity), tau
        except np.linalg.LinAlgError:
            tau = max(2 * tau, beta)


# =================================================================================================
# The methods: a direction rule, a first trial step, and what to learn from (s, y)
# =================================================================================================

def _first_step(g):
    """Before anything is known about the scale of x, try a step of length at most 1 along -g (as
    SciPy does): alpha = min(1, 1/||g||)."""
    length = scipy.linalg.norm(g)  # BLAS nrm2: no overflow where the sum of squares would overflow
    return min(1.0, 1.0 / length) if 0 < 1.0 / length else np.finfo(float).tiny


def _interpolated_step(f, f_prev, slope):
    r"""N&W eq. 3.60: expect f to drop by as much as it did last time, :math:`f_{k-1} - f_k`. A
    quadratic with :math:`\phi(0) = f_k` and slope :math:`\phi'(0)` drops that much at its minimiser
    :math:`\alpha = 2 (f_k - f_{k-1}) / \phi'(0)`. Take 1.01 times that (so that the search still
    brackets the minimum when the guess is exact), and at most 1, as N&W suggest and SciPy does."""
    alpha = 1.01 * 2 * (f - f_prev) / slope
    return min(1.0, alpha) if alpha > 0 and math.isfinite(alpha) else 1.0


class Method:
    """What a method decides: the direction, the first trial step, what it learns from each step
    (s, y), and how it starts over. The defaults suit steepest descent."""

    restarts = 0  # times the direction was reset to -gradient after the first iteration

    def __init__(self, n, options):
        pass

    def direction(self, x, g, objective):
        return -g

    def initial_step(self, k, f, f_prev, g, p):
        return _first_step(g) if k == 0 else _interpolated_step(f, f_prev, g @ p)

    def update(self, s, y):
        pass

    def reset(self):
        """Forget what was learned."""

    def restart(self, g):
        """Forget what was learned and go straight downhill: used when rounding has turned the
        direction uphill, and when the line search fails along it."""
        self.reset()
        self.restarts += 1
        return -g


class SteepestDescent(Method):
    r""":math:`p_k = -\nabla f_k`; first trial step from N&W eq. 3.60."""


class Newton(Method):
    r"""Newton's direction with a modified Hessian: solve :math:`(\nabla^2 f_k + \tau I) p = -\nabla f_k`
    with :math:`\tau` from :func:`cholesky_with_added_identity`; first trial step 1."""

    def __init__(self, n, options):
        self.shifts = 0

    def direction(self, x, g, objective):
        H = objective.hess(x, g)
        L, tau = cholesky_with_added_identity(H)
        self.shifts += int(tau > 0)
        return -scipy.linalg.cho_solve((L, True), g)

    def initial_step(self, k, f, f_prev, g, p):
        return 1.0


class InverseQuasiNewton(Method):
    r""":math:`p_k = -H_k \nabla f_k` with H updated by ``formula`` (BFGS or DFP) after each step.

    :math:`H_0 = I` for the first step; just before the first update it is rescaled to
    :math:`\frac{y^\top s}{y^\top y} I` (N&W eq. 6.20), which gives it the size of the inverse
    Hessian along the step (``scaling="first"``, the default; ``scaling=None`` keeps :math:`H_0 = I`,
    as SciPy's BFGS does). An update is skipped (and counted) when :math:`y^\top s \le 0`: the
    curvature condition fails and the update would not be positive definite. The first trial step
    is 1, except before any update (where H = I carries no scale): there it is :math:`\min(1, 1/\|g\|_2)`.
    """

    def __init__(self, n, options, formula):
        self.n, self.formula = n, formula
        self.scale = options["scaling"] == "first"
        self.skipped = 0
        self.reset()

    def reset(self):
        self.H = np.eye(self.n)
        self.updates = 0  # so the next update scales H0 again

    def direction(self, x, g, objective):
        return -self.H @ g

    def initial_step(self, k, f, f_prev, g, p):
        return _first_step(g) if self.updates == 0 else 1.0

    def update(self, s, y):
        ys = y @ s
        if not ys > EPS * np.linalg.norm(y) * np.linalg.norm(s):  # y's <= 0, up to rounding
            self.skipped += 1
            return
        if self.updates == 0 and self.scale:
            self.H = (ys / (y @ y)) * np.eye(len(s))  # N&W 6.20
        self.H = self.formula(self.H, s, y)
        self.updates += 1


class LBFGS(Method):
    r"""Limited-memory BFGS: :math:`p_k = -H_k \nabla f_k` by :func:`lbfgs_two_loop` over the last
    ``memory`` pairs, with :math:`H_k^0 = \gamma_k I`.

    ``scaling="latest"`` (default) uses :math:`\gamma_k = s_{k-1}^\top y_{k-1} / y_{k-1}^\top y_{k-1}`
    (N&W eq. 7.20), refreshed at every step; ``scaling="first"`` keeps the first pair's
    :math:`\gamma`, which is what ``"bfgs"`` does, so with memory >= iterations the two coincide.
    Pairs with :math:`y^\top s \le 0` are skipped and counted.
    """

    def __init__(self, n, options):
        self.memory = options["memory"]
        self.latest = options["scaling"] == "latest"
        self.skipped = 0
        self.reset()

    def reset(self):
        self.s, self.y = deque(maxlen=self.memory), deque(maxlen=self.memory)
        self.gamma = 1.0
        self.updates = 0

    def direction(self, x, g, objective):
        return -lbfgs_two_loop(g, self.s, self.y, self.gamma)

    def initial_step(self, k, f, f_prev, g, p):
        return _first_step(g) if self.updates == 0 else 1.0

    def update(self, s, y):
        ys = y @ s
        if not ys > EPS * np.linalg.norm(y) * np.linalg.norm(s):
            self.skipped += 1
            return
        if self.latest or self.updates == 0:
            self.gamma = ys / (y @ y)  # N&W 7.20
        self.s.append(s)
        self.y.append(y)
        self.updates += 1


class ConjugateGradient(Method):
    r"""Nonlinear conjugate gradient: :math:`p_{k+1} = -\nabla f_{k+1} + \beta_{k+1} p_k` (N&W Alg. 5.4).

    ``beta`` is ``"fr"``, ``"pr+"`` or ``"hs"`` (:func:`cg_beta`). The direction restarts as
    :math:`-\nabla f` (:math:`\beta = 0`)

    * every ``restart_every`` iterations, if that option is set (N&W section 5.2),
    * when successive gradients are far from orthogonal,
      :math:`|g_{k+1}^\top g_k| \ge \nu\, g_{k+1}^\top g_{k+1}` with :math:`\nu` =
      ``restart_threshold`` (Powell's test, N&W eq. 5.52; default 0.1; None turns it off. FR
      needs it; it also helped PR+ and HS on the test problems),
    * whenever :math:`p_{k+1}` is not a descent direction.

    The first trial step of each line search is N&W eq. 3.60.
    """

    def __init__(self, n, options):
        self.beta = options["beta"]
        self.restart_every = options["restart_every"]
        self.nu = options["restart_threshold"]
        self.p = self.g = None
        self.since_restart = 0
        self.restarts = 0

    def restart(self, g):
        self.restarts += 1
        self.p, self.g, self.since_restart = -g, g, 0
        return self.p

    def direction(self, x, g, objective):
        if self.p is None:
            p, self.since_restart = -g, 0
        else:
            self.since_restart += 1
            p = -g + cg_beta(self.beta, g, self.g, self.p) * self.p
            scheduled = self.restart_every is not None and self.since_restart >= self.restart_every
            powell = self.nu is not None and abs(g @ self.g) >= self.nu * (g @ g)
            if scheduled or powell or not g @ p < 0:
                p, self.since_restart = -g, 0
                self.restarts += 1
        self.p, self.g = p, g
        return p


# =================================================================================================
# Calling the user's functions: counting, checking, finite differences
# =================================================================================================

class _NotFinite(Exception):
    pass


class Objective:
    """f, its gradient and Hessian as the user gave them, with call counters and output checks.

    ``jac=None`` means forward differences of f (n + 1 calls of fun per gradient, counted in nfev);
    ``hess=None`` means forward differences of jac (n calls per Hessian, counted in njev).
    """

    def __init__(self, fun, jac, hess, n):
        self._fun, self._jac, self._hess, self.n = fun, jac, hess, n
        self.nfev = self.njev = self.nhev = 0

    def fun(self, x):
        self.nfev += 1
        value = np.asarray(self._fun(x.copy()))
        if value.dtype.kind not in "fiu":
            raise TypeError(f"fun must return a real number, got {value!r} of dtype {value.dtype}.")
        if value.size != 1:
            raise ValueError(f"fun must return a scalar, got an array of shape {value.shape}. If it "
                             f"returns (f, grad), pass jac=<the gradient function> instead.")
        return float(value.reshape(()))

    def jac(self, x):
        if self._jac is None:
            return self._forward_difference_gradient(x)
        self.njev += 1
        g = self._check_array(self._jac(x.copy()), (self.n,), "jac", "a gradient has the shape of x")
        return g

    def hess(self, x, g):
        if self._hess is None:
            H = self._forward_difference_hessian(x, g)
        else:
            self.nhev += 1
            H = self._check_array(self._hess(x.copy()), (self.n, self.n), "hess", "a Hessian is n by n")
        if not np.isfinite(H).all():
            raise _NotFinite("the Hessian at x contains NaN or infinity")
        return H

    def _check_array(self, value, shape, who, why):
        value = np.asarray(value)
        if value.dtype.kind not in "fiu":
            raise TypeError(f"{who} must return real numbers, got dtype {value.dtype}.")
        if value.shape != shape:
            raise ValueError(f"{who} returned an array of shape {value.shape}, but x0 has {self.n} entries "
                             f"so it must have shape {shape} ({why}). Check for a stray column vector: "
                             f"return np.ravel(...) or reshape.")
        return value.astype(float)

    def _forward_difference_gradient(self, x):
        f0 = self.fun(x)
        g = np.empty(self.n)
        for i in range(self.n):
            h = math.sqrt(EPS) * max(1.0, abs(x[i]))
            e = np.zeros(self.n)
            e[i] = h
            g[i] = (self.fun(x + e) - f0) / h
        return g

    def _forward_difference_hessian(self, x, g):
        H = np.empty((self.n, self.n))
        for j in range(self.n):
            h = math.sqrt(EPS) * max(1.0, abs(x[j]))
            e = np.zeros(self.n)
            e[j] = h
            H[:, j] = (self.jac(x + e) - g) / h
        return (H + H.T) / 2


# =================================================================================================
# Options and input checks
# =================================================================================================

def _default_options(method, n):
    # c2: N&W suggest 0.9 for Newton and quasi-Newton methods and 0.1 for CG (which needs c2 < 1/2
    # for FR to be sure of descent). For CG, 0.2 needed fewer evaluations than 0.1 (more
    # iterations, each cheaper) both on the MGH problems and from random starts near them; see
    # benchmarks/README.md.
    options = dict(gtol=1e-5, norm=np.inf, maxiter=200 * n, line_search="wolfe", c1=1e-4,
                   c2=0.2 if method == "cg" else 0.9, line_search_maxiter=40)
    if method == "lbfgs":
        options.update(memory=10, scaling="latest")
    if method in ("bfgs", "dfp"):
        options.update(scaling="first")
    if method == "cg":
        options.update(beta="pr+", restart_every=None, restart_threshold=0.1)
    return options


def _check_options(method, n, options, tol):
    known = _default_options(method, n)
    options = {} if options is None else dict(options)
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ValueError(f"unknown option(s) {unknown} for method {method!r}; its options are "
                         f"{', '.join(sorted(known))}.")
    if tol is not None:
        options.setdefault("gtol", tol)  # like SciPy: tol is gtol unless the options say otherwise
    merged = {**known, **options}
    gtol = float(merged["gtol"])
    if not (gtol >= 0 and math.isfinite(gtol)):
        raise ValueError(f"gtol (or tol) must be a finite number >= 0, got {merged['gtol']!r}.")
    merged["gtol"] = gtol
    for name in ("maxiter", "memory", "restart_every", "line_search_maxiter"):
        if name not in merged or (name == "restart_every" and merged[name] is None):
            continue
        value, least = merged[name], 0 if name == "maxiter" else 1
        whole(f"option {name}", value, least)
    if merged["line_search"] not in LINE_SEARCHES:
        raise ValueError(f"unknown line_search {merged['line_search']!r}; known: {', '.join(LINE_SEARCHES)}.")
    c1, c2 = float(merged["c1"]), float(merged["c2"])
    if not 0 < c1 < c2 < 1:
        raise ValueError(f"the line search needs 0 < c1 < c2 < 1, got c1={c1!r}, c2={c2!r}.")
    if method == "cg" and merged["beta"] not in CG_BETAS:
        raise ValueError(f"unknown beta {merged['beta']!r} for cg; known: {', '.join(CG_BETAS)}.")
    if method == "lbfgs" and merged["scaling"] not in ("latest", "first"):
        raise ValueError(f"scaling must be 'latest' (N&W 7.20) or 'first', got {merged['scaling']!r}.")
    if method in ("bfgs", "dfp") and merged["scaling"] not in ("first", None):
        raise ValueError(f"scaling must be 'first' (N&W 6.20) or None (H0 = I), got {merged['scaling']!r}.")
    if method == "cg" and merged["restart_threshold"] is not None and not float(merged["restart_threshold"]) > 0:
        raise ValueError(f"restart_threshold must be a number > 0 (0.1 is usual) or None, "
                         f"got {merged['restart_threshold']!r}.")
    return merged


def _check_x0(x0):
    x = np.asarray(x0)
    if x.dtype.kind not in "fiu":
        raise TypeError(f"x0 must be an array of real numbers, got dtype {x.dtype}. "
                        f"Use e.g. x0 = np.array([1.0, 2.0]).")
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x0 must be a non-empty 1-D array (one entry per variable), got shape {x.shape}. "
                         f"Flatten it with np.ravel(x0) and reshape inside fun if you need a matrix.")
    x = x.astype(float)  # a copy: the caller's array is never changed
    if not np.isfinite(x).all():
        raise ValueError(f"x0 must be finite, but entries {np.flatnonzero(~np.isfinite(x)).tolist()} "
                         f"are NaN or infinite.")
    return x


def _check_method(method):
    name = method.lower() if isinstance(method, str) else method
    if name not in METHODS:
        raise ValueError(f"unknown method {method!r}; known methods: {', '.join(METHODS)}.")
    return name


# =================================================================================================
# The driver
# =================================================================================================

def minimize(fun, x0, jac=None, hess=None, method="bfgs", tol=None, callback=None, options=None):
    r"""Minimise ``fun`` from ``x0`` with a line search method; the interface of ``scipy.optimize.minimize``.

    Arguments:
        fun      -- f(x) -> float, for x a 1-D array of length n
        x0       -- the starting point, a finite 1-D array of real numbers (copied, never changed)
        jac      -- the gradient, jac(x) -> array of shape (n,). None: forward differences of fun
                    (n + 1 extra calls of fun per gradient; slower and less accurate)
        hess     -- the Hessian, hess(x) -> (n, n) array; used by ``"newton"`` and by
                    ``line_search="exact"``. For ``"newton"`` without hess, the Hessian is
                    approximated by forward differences of jac (n extra calls of jac per iteration)
                    and the result's message says so.
        method   -- one of ``"gd", "newton", "dfp", "bfgs", "lbfgs", "cg"`` (see the module docstring)
        tol      -- shorthand for ``options["gtol"]``
        callback -- called as ``callback(x)`` after each iteration; return True to stop
        options  -- a dict; every method takes
                    ``gtol`` (1e-5): stop when the ``norm`` (default inf) of the gradient is <= gtol;
                    ``maxiter`` (200 n); ``line_search``: ``"wolfe"`` (default), ``"armijo"`` or
                    ``"exact"`` (only for a quadratic f, whose constant Hessian ``hess`` gives);
                    ``c1`` (1e-4) and ``c2`` (0.9; 0.2 for cg) for the line search;
                    ``line_search_maxiter`` (40 trials). ``"bfgs"`` and ``"dfp"`` also take
                    ``scaling`` ("first" or None); ``"lbfgs"`` takes ``memory`` (10)
                    and ``scaling`` ("latest" or "first"); ``"cg"`` takes ``beta`` ("pr+", "fr" or
                    "hs"), ``restart_every`` (None: no scheduled restarts) and
                    ``restart_threshold`` (0.1, Powell's test; None: off).

    Returns a :class:`MinimizeResult`. ``success`` is True only when the gradient test passed;
    otherwise ``status`` and ``message`` say why it stopped.

        >>> import numpy as np
        >>> A = np.array([[3.0, 1.0], [1.0, 2.0]]); b = np.array([1.0, 1.0])
        >>> res = minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.zeros(2), jac=lambda x: A @ x - b,
        ...                method="cg")
        >>> res.success, np.allclose(res.x, np.linalg.solve(A, b), atol=1e-5)
        (True, True)
    """
    method = _check_method(method)
    x = _check_x0(x0)
    n = x.size
    opts = _check_options(method, n, options, tol)
    if not callable(fun):
        raise TypeError(f"fun must be callable, got {type(fun).__name__}.")
    for name, value in (("jac", jac), ("hess", hess), ("callback", callback)):
        if value is not None and not callable(value):
            raise TypeError(f"{name} must be a function or None, got {type(value).__name__}.")
    if method == "newton" and jac is None and hess is None:
        raise ValueError("method 'newton' needs at least jac (its Hessian can then be approximated by "
                         "finite differences of jac); pass jac=<gradient function>, and hess if you have it.")
    if opts["line_search"] == "exact" and hess is None:
        raise ValueError("line_search='exact' needs hess: on a quadratic 0.5 x'Ax - b'x pass hess=lambda x: A.")
    if hess is not None and method != "newton" and opts["line_search"] != "exact":
        warnings.warn(f"method {method!r} does not use hess; it is ignored.", RuntimeWarning, stacklevel=2)

    objective = Objective(fun, jac, hess, n)
    rule = _make_rule(method, n, opts)
    status, message, extra = _iterate(objective, rule, x, opts, callback)
    x, f, g, nit, path, fun_path = extra

    notes = []
    if jac is None:
        notes.append("the gradient was approximated by forward differences of fun")
    if method == "newton" and hess is None:
        notes.append("the Hessian was approximated by forward differences of jac "
                     f"({n} extra gradient evaluations per iteration)")
    if notes:
        message += " Note: " + "; ".join(notes) + "."
    return MinimizeResult(
        x=x, fun=f, jac=g, nit=nit, nfev=objective.nfev, njev=objective.njev, nhev=objective.nhev,
        success=status == SUCCESS, status=status, message=message, method=method,
        path=np.array(path), fun_path=np.array(fun_path),
        hess_inv=rule.H.copy() if isinstance(rule, InverseQuasiNewton) else None,
        skipped_updates=getattr(rule, "skipped", 0), restarts=getattr(rule, "restarts", 0),
        hessian_shifts=getattr(rule, "shifts", 0), options=opts)


def _make_rule(method, n, opts):
    if method == "bfgs":
        return InverseQuasiNewton(n, opts, bfgs_inverse_update)
    if method == "dfp":
        return InverseQuasiNewton(n, opts, dfp_inverse_update)
    return {"gd": SteepestDescent, "newton": Newton, "lbfgs": LBFGS, "cg": ConjugateGradient}[method](n, opts)


def _iterate(objective, rule, x, opts, callback):
    """The line search loop shared by every method. Returns (status, message, final state)."""
    gtol, norm = opts["gtol"], opts["norm"]
    f, g = objective.fun(x), objective.jac(x)
    if not (math.isfinite(f) and np.isfinite(g).all()):
        raise ValueError(f"f or its gradient is not finite at x0 (f = {f}); start from a point where both are.")
    path, fun_path = [x.copy()], [f]
    f_prev = None
    k = 0
    while True:
        gnorm = np.linalg.norm(g, ord=norm)
        if gnorm <= gtol:
            status, message = SUCCESS, (f"Optimization terminated successfully: the gradient norm "
                                        f"{gnorm:.3g} <= gtol = {gtol:g}.")
            break
        if k >= opts["maxiter"]:
            status, message = MAXITER, (f"Stopped: reached maxiter = {opts['maxiter']} iterations with gradient "
                                        f"norm {gnorm:.3g} > gtol = {gtol:g}. Raise maxiter or loosen gtol.")
            break
        try:
            p = rule.direction(x, g, objective)
        except _NotFinite as error:
            status, message = NOT_FINITE, f"Stopped at iteration {k}: {error}."
            break
        if not g @ p < 0:  # rounding can spoil a quasi-Newton matrix; start over from -gradient
            p = rule.restart(g)
        step = _line_search(objective, x, f, g, p, rule.initial_step(k, f, f_prev, g, p), opts)
        if (step.alpha == 0 or step.alpha >= ALPHA_MAX) and not np.array_equal(p, -g):
            # Before giving up, forget what was learned and try steepest descent once, as L-BFGS-B
            # does: a matrix learned far away can make a useless direction (the step along it is
            # too small to change x, say), and a Newton direction can run into a kink of f.
            p = rule.restart(g)
            step = _line_search(objective, x, f, g, p, rule.initial_step(k, f, f_prev, g, p), opts)
        if step.alpha >= ALPHA_MAX:
            status, message = LINE_SEARCH_FAILED, (
                f"Stopped at iteration {k}: f kept decreasing along the search direction up to a step of "
                f"{ALPHA_MAX:g} (f = {step.fun:.6g}); f appears to be unbounded below.")
            break
        if step.alpha == 0:
            status, message = LINE_SEARCH_FAILED, (
                f"Stopped at iteration {k}: the line search failed ({step.message}). The gradient norm "
                f"{gnorm:.3g} is above gtol = {gtol:g}; if f cannot be decreased any further at this "
                f"precision, loosen gtol.")
            break
        s = step.alpha * p
        x_new = x + s
        g_new = step.jac if step.jac is not None else objective.jac(x_new)
        if not (math.isfinite(step.fun) and np.isfinite(g_new).all()):
            status, message = NOT_FINITE, (f"Stopped at iteration {k}: f or its gradient is NaN or infinite "
                                           f"at the new point (f = {step.fun}).")
            break
        rule.update(s, g_new - g)
        x, f_prev, f, g = x_new, f, step.fun, g_new
        k += 1
        path.append(x.copy())
        fun_path.append(f)
        if callback is not None and callback(x.copy()) is True:
            status, message = CALLBACK_STOP, f"Stopped by the callback after iteration {k}."
            break
    return status, message, (x, f, g, k, path, fun_path)


def _line_search(objective, x, f, g, p, alpha0, opts):
    kind = opts["line_search"]
    if kind == "wolfe":
        return wolfe_line_search(objective.fun, objective.jac, x, p, f, g, alpha0=alpha0, c1=opts["c1"],
                                 c2=opts["c2"], maxiter=opts["line_search_maxiter"])
    if kind == "armijo":
        return armijo_backtracking(objective.fun, x, p, f, g, alpha0=alpha0, c1=opts["c1"],
                                   maxiter=opts["line_search_maxiter"])
    alpha = exact_line_search(objective.hess(x, g), g, p)
    return LineSearchResult(alpha, objective.fun(x + alpha * p), None, 1, 0, True, "exact minimiser on a quadratic")
