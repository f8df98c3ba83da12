"""Lesson 02: Taylor polynomials of order k about a centre you move."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import sympy as sp

from optcourse.landscapes.derivatives import taylor_polynomial
from optcourse.validation import whole
from optcourse.viz.plots import PALETTE, START_STYLE
from optcourse.widgets.framework import Experiment, fixed_axes, int_slider, slider

X_SYM, Y_SYM = sp.symbols("x y")
_A_SYM, _B_SYM = sp.symbols("a b")

class TaylorWidget(Experiment):
    r"""The Taylor polynomial :math:`T_k` of f about a centre :math:`(a, b)`, against f itself.

    Left: contours of f (grey) and of :math:`T_k` (dashed, at the same levels), which agree near the
    centre and part further away. Right: both along the horizontal line through the centre.
    ``order`` 0 is the constant f(a, b), 1 the tangent plane, 2 the quadratic model of Newton's
    method. The polynomial is derived once per order by SymPy with a symbolic centre
    (:func:`optcourse.landscapes.derivatives.taylor_polynomial`), so moving the centre only re-evaluates it.

    Example:
        >>> TaylorWidget("exp(-(x**2 + y**2) / 4) * cos(x) + y / 5", order=2, centre=(0.5, -0.5))
    """

    def __init__(self, expr: str = "sin(x) * cos(y) + x**2 / 10", order: int = 2, centre=(0.8, 0.4),
                 max_order: int = 4, bounds=((-3.0, 3.0), (-3.0, 3.0)), dpi: int = 88):
        super().__init__((10.0, 4.2), dpi)
        try:
            self.expr = sp.sympify(expr)
        except (sp.SympifyError, TypeError) as error:
            raise ValueError(f"TaylorWidget: could not read {expr!r} as a formula in x and y ({error}).") from None
        extra = self.expr.free_symbols - {X_SYM, Y_SYM}
        if extra:
            raise ValueError(f"TaylorWidget: the formula may use only x and y, not {sorted(map(str, extra))}.")
        max_order = whole("TaylorWidget: max_order", max_order, 0, 8)
        (x0, x1), (y0, y1) = bounds
        self.bounds = ((float(x0), float(x1)), (float(y0), float(y1)))
        f = sp.lambdify((X_SYM, Y_SYM), self.expr, "numpy")
        self.f = lambda x, y: np.asarray(f(x, y), dtype=float) + np.zeros(np.broadcast(x, y).shape)
        self._polynomials: dict = {}

        self.order_control = int_slider("order k", order, 0, max_order)
        self.a_control = slider("centre x", centre[0], x0, x1, (x1 - x0) / 200, ".2f")
        self.b_control = slider("centre y", centre[1], y0, y1, (y1 - y0) / 200, ".2f")
        self.formula = widgets.HTMLMath()
        self._watch(self.order_control, self.a_control, self.b_control)

        self.ax_map, self.ax_line = fixed_axes(self.figure, [(0.06, 0.12, 0.38, 0.8), (0.55, 0.12, 0.42, 0.8)])
        n = 121
        self._X, self._Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        Z = self.f(self._X, self._Y)
        self.levels = np.linspace(np.nanmin(Z), np.nanmax(Z), 16)
        top = self.levels[-1] + 2.5 * (self.levels[-1] - self.levels[0])       # only the light greys
        self.ax_map.contourf(self._X, self._Y, Z, levels=self.levels, cmap="Greys", vmin=self.levels[0], vmax=top)
        self.ax_map.contour(self._X, self._Y, Z, levels=self.levels, colors="0.3", linewidths=0.6)
        self.ax_map.set_xlabel("x")
        self.ax_map.set_ylabel("y")
        self._taylor_contours = None
        (self.centre_marker,) = self.ax_map.plot([], [], **START_STYLE)
        self._xs = np.linspace(x0, x1, 300)
        (self.f_line,) = self.ax_line.plot([], [], color="black", linewidth=2.0, label="f")
        (self.t_line,) = self.ax_line.plot([], [], color=PALETTE["wine"], linewidth=2.0, linestyle="--")
        (self.centre_point,) = self.ax_line.plot([], [], **START_STYLE)
        self.ax_line.set_xlabel("x (y fixed at the centre's y)")
        self.ax_line.grid(True, color="0.88", linewidth=0.6)
        self._assemble([widgets.HBox([self.order_control, self.a_control, self.b_control]), self.formula])
        self.refresh()

    def polynomial(self, order: int, centre=None) -> sp.Expr:
        """:math:`T_k` as a SymPy expression in x and y; about ``centre`` (numbers), or about the
        symbols a, b when ``centre`` is None."""
        if order not in self._polynomials:
            T = taylor_polynomial(self.expr, [X_SYM, Y_SYM], point=[_A_SYM, _B_SYM], order=order)
            self._polynomials[order] = (T, sp.lambdify((X_SYM, Y_SYM, _A_SYM, _B_SYM), T, "numpy"))
        T = self._polynomials[order][0]
        return T if centre is None else T.subs({_A_SYM: centre[0], _B_SYM: centre[1]})

    def taylor_values(self, order: int, centre, x, y) -> np.ndarray:
        """:math:`T_k(x, y)` about ``centre``, for arrays x and y."""
        self.polynomial(order)
        values = self._polynomials[order][1](x, y, float(centre[0]), float(centre[1]))
        return np.asarray(values, dtype=float) + np.zeros(np.broadcast(x, y).shape)

    def update(self) -> str:
        k, a, b = self.order_control.value, self.a_control.value, self.b_control.value
        T = self.taylor_values(k, (a, b), self._X, self._Y)
        if self._taylor_contours is not None:
            self._taylor_contours.remove()
        self._taylor_contours = self.ax_map.contour(self._X, self._Y, T, levels=self.levels,
                                                    colors=PALETTE["wine"], linewidths=1.1, linestyles="--")
        # f's contours and the frames are kept; T_k's contours and the curves are drawn over them.
        self.live.dynamic_artists = [self._taylor_contours, self.centre_marker, self.f_line, self.t_line,
                                     self.centre_point]
        self.centre_marker.set_data([a], [b])
        self.ax_map.set_title(f"f (grey) and its Taylor polynomial of order {k} (dashed)", fontsize=10)
        xs = self._xs
        f_slice = self.f(xs, np.full_like(xs, b))
        self.f_line.set_data(xs, f_slice)
        self.t_line.set_data(xs, self.taylor_values(k, (a, b), xs, np.full_like(xs, b)))
        self.t_line.set_label(f"$T_{k}$ about ({a:.2f}, {b:.2f})")
        self.centre_point.set_data([a], [float(self.f(a, b))])
        spread = np.ptp(f_slice) or 1.0
        self.ax_line.set_xlim(xs[0], xs[-1])
        self.ax_line.set_ylim(f_slice.min() - 0.5 * spread, f_slice.max() + 0.5 * spread)
        self._legend(self.ax_line, loc="upper right", fontsize=8)
        numeric = sp.expand(self.polynomial(k, (sp.Float(a, 4), sp.Float(b, 4))))
        self.formula.value = rf"$T_{k}(x, y) \approx {sp.latex(sp.N(numeric, 3))}$"
        return ""
