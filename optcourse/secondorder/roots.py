r"""Newton's method for a root of a scalar function: follow the tangent line to zero.

At :math:`x_k` the tangent line :math:`t(x) = f(x_k) + f'(x_k)(x - x_k)` crosses zero at

.. math:: x_{k+1} = x_k - \frac{f(x_k)}{f'(x_k)}.

Near a simple root :math:`x^*` (:math:`f'(x^*) \ne 0`) the error squares at every step,
:math:`e_{k+1} \approx \frac{f''(x^*)}{2 f'(x^*)}\, e_k^2` (quadratic convergence); at a double root
it only halves. Minimising f with Newton's method is this iteration applied to :math:`f'`.

    >>> res = newton_root(lambda x: x * x - 2, lambda x: 2 * x, 1.0)
    >>> res.path[:4]                       # 1, 3/2, 17/12, 577/408
    array([1.        , 1.5       , 1.41666667, 1.41421569])
    >>> res.converged, abs(res.root - 2 ** 0.5) < 1e-15
    (True, True)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(repr=False)
class RootResult:
    """root: the last iterate; path: x_0, x_1, ... (for plotting tangent lines); fun_path: f at each;
    nit: Newton steps taken; converged: whether a stopping test passed; message: why it stopped."""

    root: float
    path: np.ndarray
    fun_path: np.ndarray
    nit: int
    converged: bool
    message: str

    def __repr__(self) -> str:
        return f"RootResult(root={self.root!r}, converged={self.converged}, nit={self.nit}, message={self.message!r})"


def newton_root(f, fprime, x0, xtol=1e-12, ftol=0.0, maxiter=50) -> RootResult:
    r"""Find x with f(x) = 0 by Newton's method, :math:`x_{k+1} = x_k - f(x_k)/f'(x_k)`.

    Stops (converged) when :math:`f(x_k) = 0`, when :math:`|f(x_k)| \le` ``ftol``, or when a step is
    tiny, :math:`|x_{k+1} - x_k| \le \text{xtol}\,(1 + |x_{k+1}|)`; stops (not converged) when
    :math:`f'(x_k) = 0` (the tangent is flat and never crosses zero), when a value is NaN or
    infinite, or after ``maxiter`` steps.

        >>> import math
        >>> res = newton_root(math.cos, lambda x: -math.sin(x), 1.0)
        >>> round(res.root, 12), res.nit <= 6
        (1.570796326795, True)
    """
    if not (callable(f) and callable(fprime)):
        raise TypeError("newton_root: f and fprime must be functions of one number.")
    x = float(x0)
    if not math.isfinite(x):
        raise ValueError(f"newton_root: x0 must be a finite number, got {x0!r}.")
    if not (xtol >= 0 and ftol >= 0 and int(maxiter) >= 0):
        raise ValueError("newton_root: xtol and ftol must be >= 0 and maxiter a whole number >= 0.")
    fx = float(f(x))
    path, values = [x], [fx]

    def done(converged, message):
        return RootResult(x, np.array(path), np.array(values), len(path) - 1, converged, message)

    for _ in range(int(maxiter)):
        if not math.isfinite(fx):
            return done(False, f"f({x!r}) = {fx}: not a finite number")
        if abs(fx) <= ftol:
            return done(True, f"|f(x)| = {abs(fx):.3g} <= ftol")
        slope = float(fprime(x))
        if slope == 0 or not math.isfinite(slope):
            return done(False, f"f'({x!r}) = {slope}: the tangent line does not cross zero; "
                               f"try another starting point")
        step = fx / slope
        x = x - step                            # x_{k+1} = x_k - f(x_k) / f'(x_k)
        fx = float(f(x))
        path.append(x)
        values.append(fx)
        if abs(step) <= xtol * (1 + abs(x)):
            return done(math.isfinite(fx), f"the step {abs(step):.3g} is below xtol (1 + |x|)")
    if abs(fx) <= ftol:
        return done(True, f"|f(x)| = {abs(fx):.3g} <= ftol")
    return done(False, f"reached maxiter = {maxiter} steps without converging")
