r"""Two-dimensional loss surfaces to optimize and to look at: value, gradient and Hessian.

Every surface takes points as an array whose last axis holds :math:`(x, y)`, so one call evaluates a
single point, an optimizer's path or a whole grid for a contour plot:

    s = get_surface("rosenbrock")
    s.value([1.0, 1.0])                    # 0.0, a float
    s.gradient(np.array([-1.2, 1.0]))      # shape (2,)
    s.hessian(path)                        # path (n, 2) -> (n, 2, 2)
    X, Y, Z = s.grid(200)                  # plt.contour(X, Y, Z, levels=...)

The gradients and Hessians are written out by hand from each formula (the tests compare them with
SymPy). ``s.minima`` lists minimisers, lowest first, polished to machine precision by Newton's method;
``s.bounds`` is a good window to plot and ``s.start`` a starting point the lessons use.

These are the 2-D teaching landscapes. The n-dimensional test problems for Newton and quasi-Newton
methods (Moré, Garbow and Hillstrom 1981) live in :mod:`optcourse.landscapes.problems`.
"""
from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from optcourse.validation import whole


@dataclass(frozen=True, eq=False)
class Surface:
    """A function of two variables with its gradient and Hessian.

    ``f(x, y)``, ``df(x, y) -> (f_x, f_y)`` and ``d2f(x, y) -> (f_xx, f_xy, f_yy)`` work elementwise on
    arrays of x and y; use the methods ``value``, ``gradient`` and ``hessian``, which take points.

    Example:
        >>> s = get_surface("booth")
        >>> s.value([1.0, 3.0]), s.gradient([1.0, 3.0])
        (0.0, array([0., 0.]))
    """

    name: str
    formula: str                              # LaTeX, for titles and the lesson text
    f: Callable
    df: Callable
    d2f: Callable
    bounds: tuple                             # ((x_min, x_max), (y_min, y_max)): a window to plot
    start: np.ndarray                         # a starting point the lessons use
    minima: np.ndarray                        # (k, 2) minimisers, lowest value first (k may be 0)
    fdf: Callable | None = None               # optional: (x, y) -> (f, f_x, f_y) at once, for runners

    def value(self, p):
        """f at points p of shape (..., 2); a float for one point, else an array of shape (...)."""
        x, y = _split(p, self.name)
        v = self.f(x, y)
        return float(v) if np.ndim(v) == 0 else v

    __call__ = value

    def gradient(self, p) -> np.ndarray:
        """∇f at points p of shape (..., 2), shape (..., 2)."""
        x, y = _split(p, self.name)
        fx, fy = np.broadcast_arrays(*self.df(x, y), x)[:2]
        return np.stack([fx, fy], axis=-1)

    def hessian(self, p) -> np.ndarray:
        """∇²f at points p of shape (..., 2), shape (..., 2, 2)."""
        x, y = _split(p, self.name)
        fxx, fxy, fyy = np.broadcast_arrays(*self.d2f(x, y), x)[:3]
        return np.stack([np.stack([fxx, fxy], -1), np.stack([fxy, fyy], -1)], -2)

    def grid(self, n: int = 101, bounds=None):
        """X, Y, Z = f on an n x n grid over ``bounds`` (default ``self.bounds``), for contour plots."""
        n = whole("grid: n", n, 2)
        (x0, x1), (y0, y1) = self.bounds if bounds is None else bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.f(X, Y) + np.zeros_like(X)

    @property
    def min_value(self) -> float:
        """f at the lowest known minimiser (NaN for surfaces without a minimum)."""
        return self.value(self.minima[0]) if len(self.minima) else math.nan

    def __repr__(self) -> str:
        return f"Surface({self.name!r}: {len(self.minima)} known minima, bounds={self.bounds})"


def _split(p, who: str):
    p = np.asarray(p, dtype=float)
    if p.ndim == 0 or p.shape[-1] != 2:
        raise ValueError(f"{who}: points must have shape (2,) or (..., 2) (x and y in the last axis), "
                         f"got shape {p.shape}. For grids X, Y pass np.stack([X, Y], axis=-1).")
    return p[..., 0], p[..., 1]


def newton_on_gradient(surface: Surface, points, steps: int) -> np.ndarray:
    r"""Newton's method on :math:`\nabla f = 0` from every row of ``points`` at once:
    :math:`p \leftarrow p - \nabla^2 f(p)^{+}\,\nabla f(p)`, ``steps`` times.

    It finds critical points of every kind (minima, maxima, saddles alike: each is a zero of the
    gradient) and converges quadratically near a nondegenerate one. The pseudo-inverse keeps singular
    Hessians harmless; a start whose step stops being finite ends as NaN.
    """
    p = np.array(points, dtype=float).reshape(-1, 2)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            H = np.nan_to_num(surface.hessian(p), nan=0.0, posinf=0.0, neginf=0.0)  # SVD needs finite entries
            step = np.einsum("nij,nj->ni", np.linalg.pinv(H), surface.gradient(p))
            p = np.where(np.isfinite(step), p - step, np.nan)
    return p


def _make(name, formula, f, df, d2f, bounds, start, minima=(), fdf=None) -> Surface:
    """A Surface whose minima, given approximately, are polished to rounding error."""
    surface = Surface(name, formula, f, df, d2f, bounds, np.array(start, dtype=float), np.zeros((0, 2)))
    minima = newton_on_gradient(surface, minima, steps=8) if len(minima) else np.zeros((0, 2))
    order = np.argsort([f(*p) for p in minima], kind="stable")
    return Surface(name, formula, f, df, d2f, bounds, surface.start, minima[order], fdf)


# -- the named surfaces -------------------------------------------------------------------------

def quadratic(condition_number: float = 10.0, angle_degrees: float = 0.0, center=(0.0, 0.0)) -> Surface:
    r"""The quadratic bowl :math:`f(p) = \tfrac12 (p-c)^\top A (p-c)` with
    :math:`A = R\,\mathrm{diag}(1, \kappa)\,R^\top`.

    :math:`R` rotates by ``angle_degrees``, so the long axis of the elliptic contours points along
    that angle and the Hessian :math:`A` has eigenvalues 1 and :math:`\kappa` = ``condition_number``.

    Example: ``quadratic(100, 30)`` is the ill-conditioned valley of lesson 03.
    """
    kappa = float(condition_number)
    if not (kappa >= 1 and math.isfinite(kappa)):
        raise ValueError(f"quadratic: condition_number must be a finite number >= 1, got {condition_number!r}.")
    theta = math.radians(float(angle_degrees))
    c, s = math.cos(theta), math.sin(theta)
    R = np.array([[c, -s], [s, c]])
    A = R @ np.diag([1.0, kappa]) @ R.T
    (a, b), (_, d) = A
    cx, cy = np.asarray(center, dtype=float).reshape(2)

    def f(x, y):
        u, v = x - cx, y - cy
        return 0.5 * (a * u * u + 2 * b * u * v + d * v * v)

    def df(x, y):
        u, v = x - cx, y - cy
        return a * u + b * v, b * u + d * v

    def d2f(x, y):
        return a, b, d

    start = np.array([cx, cy]) + R @ [2.5, 1.0]   # off both axes, so the zig-zag shows
    return _make(f"quadratic(condition_number={kappa:g}, angle_degrees={float(angle_degrees):g})",
                 r"\tfrac12 (p-c)^\top R\,\mathrm{diag}(1,\kappa)\,R^\top (p-c)", f, df, d2f,
                 ((float(cx) - 3, float(cx) + 3), (float(cy) - 3, float(cy) + 3)), start, [(cx, cy)])


def rosenbrock() -> Surface:
    r"""Rosenbrock's banana valley :math:`f = (1-x)^2 + 100(y-x^2)^2`; minimum 0 at (1, 1)."""
    def f(x, y):
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    def df(x, y):
        return -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)

    def d2f(x, y):
        return 2 - 400 * y + 1200 * x * x, -400 * x, 200.0

    return _make("rosenbrock", r"(1-x)^2 + 100\,(y-x^2)^2", f, df, d2f,
                 ((-2.0, 2.0), (-1.0, 3.0)), (-1.2, 1.0), [(1.0, 1.0)])


BEALE_C = (1.5, 2.25, 2.625)


def beale() -> Surface:
    r"""Beale's function :math:`f = \sum_{i=1}^3 (c_i - x + x y^i)^2`, :math:`c = (1.5, 2.25, 2.625)`;
    minimum 0 at (3, 0.5), in a flat, curved valley."""
    def f(x, y):
        return sum((c - x + x * y**i) ** 2 for i, c in enumerate(BEALE_C, 1))

    def df(x, y):
        fx = fy = 0.0
        for i, c in enumerate(BEALE_C, 1):
            u = c - x + x * y**i                     # the i-th residual
            fx = fx + 2 * u * (y**i - 1)
            fy = fy + 2 * u * i * x * y ** (i - 1)
        return fx, fy

    def d2f(x, y):
        fxx = fxy = fyy = 0.0
        for i, c in enumerate(BEALE_C, 1):
            u = c - x + x * y**i
            ux, uy = y**i - 1, i * x * y ** (i - 1)  # its partial derivatives
            uxy = i * y ** (i - 1)
            uyy = i * (i - 1) * x * y ** (i - 2) if i > 1 else 0.0
            fxx = fxx + 2 * ux * ux
            fxy = fxy + 2 * (ux * uy + u * uxy)
            fyy = fyy + 2 * (uy * uy + u * uyy)
        return fxx, fxy, fyy

    return _make("beale", r"\sum_{i=1}^{3} (c_i - x + x y^i)^2", f, df, d2f,
                 ((-4.5, 4.5), (-4.5, 4.5)), (1.0, 1.5), [(3.0, 0.5)])


def himmelblau() -> Surface:
    r"""Himmelblau's function :math:`f = (x^2+y-11)^2 + (x+y^2-7)^2`: four minima where f = 0, one
    maximum and four saddles."""
    def f(x, y):
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

    def df(x, y):
        a, b = x * x + y - 11, x + y * y - 7
        return 4 * x * a + 2 * b, 2 * a + 4 * y * b

    def d2f(x, y):
        a, b = x * x + y - 11, x + y * y - 7
        return 4 * a + 8 * x * x + 2, 4 * x + 4 * y, 4 * b + 8 * y * y + 2

    minima = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
    return _make("himmelblau", r"(x^2+y-11)^2 + (x+y^2-7)^2", f, df, d2f,
                 ((-5.0, 5.0), (-5.0, 5.0)), (0.0, 0.0), minima)


def booth() -> Surface:
    r"""Booth's function :math:`f = (x+2y-7)^2 + (2x+y-5)^2`, a quadratic; minimum 0 at (1, 3)."""
    def f(x, y):
        return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2

    def df(x, y):
        return 10 * x + 8 * y - 34, 8 * x + 10 * y - 38

    def d2f(x, y):
        return 10.0, 8.0, 10.0

    return _make("booth", r"(x+2y-7)^2 + (2x+y-5)^2", f, df, d2f,
                 ((-10.0, 10.0), (-10.0, 10.0)), (-8.0, 8.0), [(1.0, 3.0)])


def six_hump_camel() -> Surface:
    r"""The six-hump camel :math:`f = (4 - 2.1x^2 + x^4/3)\,x^2 + xy + (4y^2 - 4)\,y^2`: six local
    minima, two of them global (f ≈ -1.0316 at ±(0.0898, -0.7126))."""
    def f(x, y):
        return (4 - 2.1 * x * x + x**4 / 3) * x * x + x * y + (4 * y * y - 4) * y * y

    def df(x, y):
        return 8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3

    def d2f(x, y):
        return 8 - 25.2 * x * x + 10 * x**4, 1.0, -8 + 48 * y * y

    minima = [(0.0898, -0.7126), (-0.0898, 0.7126), (-1.7036, 0.7961), (1.7036, -0.7961),
              (1.6071, 0.5687), (-1.6071, -0.5687)]
    return _make("six_hump_camel", r"(4 - 2.1x^2 + x^4/3)\,x^2 + xy + (4y^2-4)\,y^2", f, df, d2f,
                 ((-2.0, 2.0), (-1.2, 1.2)), (-1.5, -1.0), minima)


def rastrigin() -> Surface:
    r"""Rastrigin's function :math:`f = 20 + \sum_{u \in \{x, y\}} \left(u^2 - 10\cos 2\pi u\right)`: a
    bowl covered in local minima near the integer points; global minimum 0 at the origin (the
    only one listed in ``minima``)."""
    w = 2 * math.pi

    def f(x, y):
        return 20 + x * x - 10 * np.cos(w * x) + y * y - 10 * np.cos(w * y)

    def df(x, y):
        return 2 * x + 10 * w * np.sin(w * x), 2 * y + 10 * w * np.sin(w * y)

    def d2f(x, y):
        return 2 + 10 * w * w * np.cos(w * x), 0.0, 2 + 10 * w * w * np.cos(w * y)

    return _make("rastrigin", r"20 + x^2 - 10\cos 2\pi x + y^2 - 10\cos 2\pi y", f, df, d2f,
                 ((-5.12, 5.12), (-5.12, 5.12)), (3.2, -2.7), [(0.0, 0.0)])


def saddle() -> Surface:
    r"""The saddle :math:`f = x^2 - y^2`: a critical point at the origin, a minimum along x and a
    maximum along y. No minimum."""
    return _make("saddle", "x^2 - y^2", lambda x, y: x * x - y * y, lambda x, y: (2 * x, -2 * y),
                 lambda x, y: (2.0, 0.0, -2.0), ((-2.0, 2.0), (-2.0, 2.0)), (-1.5, 1e-3))


def monkey_saddle() -> Surface:
    r"""The monkey saddle :math:`f = x^3 - 3xy^2`: three valleys (two for the legs, one for the tail)
    meet at the origin, where the Hessian is zero, so its eigenvalues cannot classify the point."""
    return _make("monkey_saddle", "x^3 - 3xy^2", lambda x, y: x**3 - 3 * x * y * y,
                 lambda x, y: (3 * x * x - 3 * y * y, -6 * x * y),
                 lambda x, y: (6 * x, -6 * y, -6 * x), ((-1.5, 1.5), (-1.5, 1.5)), (0.5, 0.3))


def double_well(tilt: float = 0.5) -> Surface:
    r"""A tilted double well :math:`f = (x^2-1)^2 + t\,x + y^2` with a deep minimum near x = -1 and a
    shallow one near x = +1 (for t > 0), separated by a ridge near x = 0.

    Gradient descent started on the right settles in the shallow well; enough momentum carries it
    over the ridge into the deep one (lesson 04). For t = 0.5 the shallow well is about 0.55 deep
    and the deep one about 1.55. The minima are the outer real roots of :math:`4x^3 - 4x + t = 0`.
    """
    t = float(tilt)
    if not (0 < abs(t) < 8 / (3 * math.sqrt(3)) and math.isfinite(t)):
        # Beyond |t| = 8/(3√3) the cubic has one real root and one of the wells disappears.
        raise ValueError(f"double_well: tilt must satisfy 0 < |tilt| < {8 / (3 * math.sqrt(3)):.4f} "
                         f"for two minima, got {tilt!r}.")

    def f(x, y):
        return (x * x - 1) ** 2 + t * x + y * y

    def df(x, y):
        return 4 * x**3 - 4 * x + t, 2 * y

    def d2f(x, y):
        return 12 * x * x - 4, 0.0, 2.0

    roots = np.sort(np.roots([4.0, 0.0, -4.0, t]).real)
    return _make(f"double_well(tilt={t:g})", r"(x^2-1)^2 + t\,x + y^2", f, df, d2f,
                 ((-2.0, 2.0), (-1.5, 1.5)), (1.8, 1.0), [(roots[0], 0.0), (roots[2], 0.0)])


def random_surface(seed: int, n_bumps: int = 8, bowl: float = 0.05) -> Surface:
    r"""A random smooth landscape from a seed: Gaussian bumps and wells on a gentle bowl,

    .. math:: f(p) = \frac{b}{2}\lVert p\rVert^2 + \sum_{k=1}^{K} a_k
              \exp\!\left(-\frac{\lVert p - c_k\rVert^2}{2 s_k^2}\right),

    with centres :math:`c_k` uniform in :math:`[-2.5, 2.5]^2`, widths :math:`s_k` in [0.4, 1.2] and
    heights :math:`a_k` in [-1.5, 1] (mostly wells). The bowl keeps every minimum near the window
    :math:`[-3, 3]^2`. ``minima`` holds the local minima, lowest first, reached from a 30 x 30 grid of
    starts by gradient steps and then Newton's method (lesson 09 races optimizers to the first one).

    Example:
        >>> s = random_surface(seed=3)
        >>> s.minima[0], s.min_value      # the global minimiser and its value
    """
    seed = whole("random_surface: seed", seed, 0)
    n_bumps = whole("random_surface: n_bumps", n_bumps, 1, 100)
    if not (bowl > 0 and math.isfinite(bowl)):
        raise ValueError(f"random_surface: bowl must be a finite number > 0, got {bowl!r}.")
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-2.5, 2.5, size=(n_bumps, 2))
    widths = rng.uniform(0.4, 1.2, size=n_bumps)
    heights = rng.uniform(-1.5, 1.0, size=n_bumps)

    def bumps(x, y):
        """Each bump's offsets u, v from its centre and its value g, with a trailing bump axis."""
        u = np.asarray(x)[..., None] - centres[:, 0]
        v = np.asarray(y)[..., None] - centres[:, 1]
        g = heights * np.exp(-(u * u + v * v) / (2 * widths**2))
        return u, v, g

    def f(x, y):
        return 0.5 * bowl * (x * x + y * y) + bumps(x, y)[2] @ ones

    ones, inverse_s2 = np.ones(n_bumps), 1.0 / widths**2

    def fdf(x, y):
        # ∇g = -g (p - c) / s²; with w = g / s², Σ w u = x Σ w - w·c_x (sums over bumps as products)
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        u = x[..., None] - centres[:, 0]
        v = y[..., None] - centres[:, 1]
        g = np.exp(-0.5 * (u * u + v * v) * inverse_s2)
        value = 0.5 * bowl * (x * x + y * y) + g @ heights
        w = g * (heights * inverse_s2)
        total = w @ ones
        return value, bowl * x - (x * total - w @ centres[:, 0]), bowl * y - (y * total - w @ centres[:, 1])

    def df(x, y):
        return fdf(x, y)[1:]

    def d2f(x, y):
        u, v, g = bumps(x, y)
        s2 = widths**2                                   # ∇²g = g [(p-c)(p-c)ᵀ/s⁴ - I/s²]
        return (bowl + (g * (u * u / s2 - 1) / s2).sum(-1), (g * u * v / s2**2).sum(-1),
                bowl + (g * (v * v / s2 - 1) / s2).sum(-1))

    bounds = ((-3.0, 3.0), (-3.0, 3.0))
    lipschitz = bowl + np.sum(np.abs(heights) / widths**2)   # bounds every Hessian eigenvalue
    minima = _local_minima((f, df, d2f), bounds, 1 / lipschitz)
    start = rng.uniform(-2.5, 2.5, size=2)
    return _make(f"random_surface(seed={int(seed)})", r"\tfrac{b}{2}\lVert p\rVert^2 + \sum_k a_k "
                 r"e^{-\lVert p-c_k\rVert^2/2s_k^2}", f, df, d2f, bounds, start, minima, fdf)


def _local_minima(parts, bounds, step: float, per_axis: int = 30, iterations: int = 300) -> np.ndarray:
    """Every local minimum reached from a per_axis x per_axis grid of starts.

    All starts move at once: a Newton step where the Hessian is positive definite (at most 0.5
    long, so it cannot leap across the landscape), a gradient step of length ``step`` (1/L, which
    always descends) elsewhere. Gradient steps leave maxima and saddles behind; Newton's steps then
    converge to machine precision. Points that end without a positive definite Hessian are dropped.
    """
    f, df, d2f = parts
    (x0, x1), (y0, y1) = bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, per_axis), np.linspace(y0, y1, per_axis))
    p = np.stack([X.ravel(), Y.ravel()], -1)
    active = np.arange(len(p))          # starts still moving; one at a minimum to machine precision stops
    for _ in range(iterations):
        q = p[active]
        g = np.stack(df(q[:, 0], q[:, 1]), -1)
        hxx, hxy, hyy = d2f(q[:, 0], q[:, 1])
        det = hxx * hyy - hxy * hxy
        convex = (hxx > 0) & (det > 0)
        det = np.where(convex, det, 1.0)
        newton = np.stack([hyy * g[:, 0] - hxy * g[:, 1], hxx * g[:, 1] - hxy * g[:, 0]], -1) / det[:, None]
        newton *= np.minimum(1.0, 0.5 / np.maximum(np.linalg.norm(newton, axis=1), 1e-300))[:, None]
        move = np.where(convex[:, None], newton, step * g)
        p[active] = q - move
        done = convex & (np.abs(move).max(axis=1) <= 1e-16 * (1 + np.abs(q).max(axis=1)))
        active = active[~done]
        if not active.size:
            break
    g = np.stack(df(p[:, 0], p[:, 1]), -1)
    hxx, hxy, hyy = d2f(p[:, 0], p[:, 1])
    keep = (np.linalg.norm(g, axis=1) < 1e-10) & (hxx > 0) & (hxx * hyy - hxy * hxy > 0)
    found = []
    for q in p[keep]:
        if all(np.linalg.norm(q - r) > 1e-6 for r in found):
            found.append(q)
    return np.array(found).reshape(-1, 2)


SURFACES = {
    "quadratic": quadratic,
    "rosenbrock": rosenbrock,
    "beale": beale,
    "himmelblau": himmelblau,
    "booth": booth,
    "six_hump_camel": six_hump_camel,
    "rastrigin": rastrigin,
    "saddle": saddle,
    "monkey_saddle": monkey_saddle,
    "double_well": double_well,
    "random": random_surface,
}


def get_surface(name: str, **options) -> Surface:
    """The surface called ``name`` (see ``SURFACES``), built with ``options``.

    Case, spaces and hyphens in the name do not matter.

    Example:
        >>> get_surface("Six-hump camel").minima[0]
        >>> get_surface("quadratic", condition_number=50, angle_degrees=30)
        >>> get_surface("random", seed=7)
    """
    if not isinstance(name, str):
        raise TypeError(f"get_surface: name must be a string, got {type(name).__name__}.")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in SURFACES:
        raise ValueError(f"get_surface: unknown surface {name!r}; known surfaces: {', '.join(SURFACES)}.")
    try:
        return SURFACES[key](**options)
    except TypeError as error:  # a misspelt option: say which ones this surface takes
        takes = ", ".join(inspect.signature(SURFACES[key]).parameters) or "no options"
        raise TypeError(f"get_surface({name!r}): {error}; this surface takes: {takes}.") from None
