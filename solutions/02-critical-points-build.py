"""Build lesson 02 (critical points, Taylor expansion and the Hessian) cell by cell, run it, save it.

    PYTHONPATH=. python solutions/02-critical-points-build.py

writes ``solutions/02-critical-points/02-critical-points.ipynb``, executed top to bottom in a fresh
kernel (nbclient, kernel python3) with its outputs stored, as nbval expects. Then run
``python -m optcourse.course release`` to regenerate ``lessons/``.

This script lives beside the lesson folder, not in it: release copies every file of a lesson folder
to the students' lessons/, and this one holds the solutions and the hidden tests.
"""
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_notebook

NAME = "02-critical-points"
ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "solutions" / NAME               # the lesson folder
sys.path.insert(0, str(ROOT))
from optcourse.course.release import notebook_text  # noqa: E402
from optcourse.course.authoring import answer, code, locked, md, tests  # noqa: E402


CELLS = []
add = CELLS.append

# =================================================================================================
add(md(r"""
# 02. Critical points, Taylor expansion and the Hessian

When training stalls, the gradient is (nearly) zero. Gradient descent cannot tell *why*: it may sit in
a minimum, on a saddle, or on top of a hill. This lesson gives you the tool that tells them apart, the
**Hessian**, the matrix of second derivatives, and shows why, in many dimensions, a point where the
gradient vanishes is much more likely to be a saddle than a minimum.

**After this lesson you can**

1. derive the second-order Taylor expansion of a function of several variables (in SymPy), and say
   what the gradient and the Hessian contribute to it;
2. classify a critical point from the signs of the Hessian's eigenvalues: minimum, maximum, saddle,
   or *degenerate* (the test cannot decide);
3. leave a saddle by stepping along an eigenvector of a negative eigenvalue, and explain why plain
   gradient descent can stall there;
4. explain why a point that looks like a minimum in a one- or two-dimensional slice can be a saddle
   in more dimensions;
5. estimate how rare minima are among random critical points as the dimension grows: the
   $3^{-d}$ counting argument (Dauphin et al. 2014) and what random matrices actually do.

**How to work.** Run the cells from top to bottom (*Run → Run All Cells* once, then step through).
Exercises are marked **Exercise**: replace `raise NotImplementedError()` with your code, then run the
check cell below it. A check prints `✓ ... passed` or tells you what is still wrong, with a hint; the
instructor's grader runs further tests on inputs you have not seen, so write general code, not code
that fits the check. The rest of the notebook runs whether or not you have done the exercises.
"""))

add(locked(r'''
import matplotlib
import numpy as np
import sympy as sp

matplotlib.use("module://matplotlib_inline.backend_inline")   # figures in the notebook, whatever MPLBACKEND says
import matplotlib.pyplot as plt
from IPython.display import display

from optcourse.critical import (classify_critical_point, escape_saddle, find_critical_points,
                                fraction_positive_definite)
from optcourse.derivatives import numerical_gradient, numerical_hessian, sympy_functions, taylor_polynomial
from optcourse.optim import SGD
from optcourse.plots import MINIMUM_STYLE, PALETTE, START_STYLE, contour_levels, draw_landscape
from optcourse.surfaces import get_surface
from optcourse.widgets import TaylorWidget
from selfcheck import check

plt.rcParams.update({"figure.dpi": 72, "font.size": 10})
x, y = sp.symbols("x y", real=True)

# How each kind of critical point is marked in the figures of this lesson.
KIND_STYLE = {
    "minimum": dict(marker="o", color=PALETTE["green"]),
    "maximum": dict(marker="^", color=PALETTE["wine"]),
    "saddle": dict(marker="X", color=PALETTE["sand"]),
    "degenerate": dict(marker="s", color=PALETTE["cyan"]),
}


def mark(ax, point, kind, label=True):
    """Draw a critical point in the style of its kind."""
    ax.plot(*point, linestyle="none", markersize=11, markeredgecolor="black", zorder=6,
            label=kind if label else None, **KIND_STYLE[kind])


def draw_contours(ax, value, bounds, n=161, levels=14):
    """Light grey contours of value(points), points of shape (..., 2), over ((x0, x1), (y0, y1))."""
    (x0, x1), (y0, y1) = bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    Z = value(np.stack([X, Y], axis=-1))
    lv = contour_levels(Z, levels)
    ax.contourf(X, Y, Z, levels=lv, cmap="Greys", vmin=lv[0], vmax=lv[-1] + 2.5 * (lv[-1] - lv[0]))
    ax.contour(X, Y, Z, levels=lv, colors="0.45", linewidths=0.5)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_aspect("equal")


def tidy(a, digits=3):
    """Round for printing (and turn -0.0 into 0.0, which would otherwise print as '-0.')."""
    return np.round(np.asarray(a, dtype=float), digits) + 0.0
'''))

# =================================================================================================
add(md(r"""
## 1. Where the gradient vanishes

Gradient descent updates $\theta \leftarrow \theta - \eta\, \nabla f(\theta)$. Where
$\nabla f(\theta) = 0$ the update is zero and the iterates stop. Such a point is a **critical point**
(or stationary point). Training that stalls with a large loss has reached a place where the gradient
is nearly zero. It may be

* a **local minimum**: every small move goes up, and gradient descent alone cannot leave;
* a **saddle point**: some directions go up and some go down, so there *is* a way further down;
* a **local maximum**: every direction goes down (gradient descent almost never stops there).

In one dimension the first derivative is zero at all three kinds, and the second derivative tells
them apart: $f''>0$ a minimum, $f''<0$ a maximum. When $f''=0$ this test cannot decide.
$x^3$ has $f'(0)=f''(0)=0$ and is neither a minimum nor a maximum: the curve flattens and keeps going
up.
"""))

add(code(r'''
s = np.linspace(-1.5, 1.5, 201)
fig, axes = plt.subplots(1, 3, figsize=(10, 2.8), layout="constrained")
for ax, (formula, values, kind) in zip(axes, [("$x^2$", s**2, "a minimum, $f''(0) = 2$"),
                                              ("$-x^2$", -s**2, "a maximum, $f''(0) = -2$"),
                                              ("$x^3$", s**3, "neither, $f''(0) = 0$")]):
    ax.plot(s, values, color=PALETTE["indigo"], linewidth=2)
    ax.axhline(0, color="0.5", linewidth=0.8, linestyle="--")     # the tangent at 0: flat in all three
    ax.plot([0], [0], **START_STYLE)
    ax.set_title(f"{formula}: {kind}")
    ax.set_xlabel("x")
plt.show()
'''))

add(md(r"""
In several dimensions the first derivative becomes the gradient $\nabla f$, and the second derivative
becomes a matrix, the Hessian. To see how they enter, we expand $f$ around a point.
"""))

# =================================================================================================
add(md(r"""
## 2. The second-order Taylor expansion in several variables

### 2.1 Derivation in SymPy

Take a point $p = (x, y)$ and a direction $d = (u, v)$, and look at $f$ along the line through $p$
in direction $d$:

$$g(t) = f(p + t\,d) = f(x + t u,\; y + t v).$$

$g$ is a function of one variable, so its ordinary Taylor expansion applies:
$g(t) \approx g(0) + g'(0)\,t + \tfrac12 g''(0)\,t^2$. By the chain rule, differentiating with
respect to $t$ means applying $u\,\partial_x + v\,\partial_y$ (the *directional derivative*) to $f$.
Let SymPy do it for a function $f$ it knows nothing about:
"""))

add(code(r'''
u, v = sp.symbols("u v", real=True)
f = sp.Function("f")(x, y)           # an unknown smooth function of x and y


def d_dt(expr):
    """d/dt of expr evaluated along (x + t u, y + t v), at t = 0: the chain rule."""
    return u * sp.diff(expr, x) + v * sp.diff(expr, y)


first = d_dt(f)                       # g'(0)
second = sp.expand(d_dt(d_dt(f)))     # g''(0)
first
'''))

add(code(r'''
second
'''))

add(md(r"""
The first derivative is a dot product with the **gradient**, and the second a quadratic form with
the **Hessian**, the symmetric matrix of second partial derivatives (symmetric because the mixed
partials are equal for smooth $f$, Schwarz's theorem; SymPy writes both as one symbol):

$$\nabla f = \begin{pmatrix} f_x \\ f_y \end{pmatrix}, \qquad
\nabla^2 f = H = \begin{pmatrix} f_{xx} & f_{xy} \\ f_{xy} & f_{yy} \end{pmatrix}.$$

Check both claims, $g'(0) = \nabla f^\top d$ and $g''(0) = d^\top H d$:
"""))

add(code(r'''
d = sp.Matrix([u, v])
gradient = sp.Matrix([sp.diff(f, x), sp.diff(f, y)])
H = sp.hessian(f, (x, y))
display(H)
sp.simplify(first - (gradient.T * d)[0]), sp.simplify(second - (d.T * H * d)[0])
'''))

add(md(r"""
Both differences are zero. Setting $t = 1$ gives the **second-order Taylor expansion** of $f$ about
$p$, in any number of dimensions (the same derivation works with $n$ variables):

$$\boxed{\,f(p + d) \approx f(p) + \nabla f(p)^\top d + \tfrac12\, d^\top \nabla^2 f(p)\, d\,}$$

with an error that shrinks like $\lVert d\rVert^3$. The gradient term is the tangent plane (first
order); the Hessian term bends it into a quadratic surface (second order).

### 2.2 Gradient and Hessian of a concrete function

Now a real function, $f(x, y) = \sin x \cos y + x^2/10$. `sympy_functions` differentiates the formula
and gives NumPy functions for the value, gradient and Hessian at any point:
"""))

add(code(r'''
f_demo = sp.sin(x) * sp.cos(y) + x**2 / 10
demo = sympy_functions(f_demo, [x, y])
display(demo.gradient_expression, demo.hessian_expression)
'''))

add(md(r"""
A derivative you derived is worth checking against finite differences, which use nothing but values
of $f$ (lesson 01 explains their step sizes):
"""))

add(code(r'''
centre = np.array([0.8, 0.4])
print("gradient at the centre:", tidy(demo.gradient(centre), 4))
print("Hessian at the centre:\n", tidy(demo.hessian(centre), 4))
print("finite differences agree:",
      np.allclose(demo.gradient(centre), numerical_gradient(demo.value, centre), atol=1e-8),
      np.allclose(demo.hessian(centre), numerical_hessian(demo.value, centre), atol=1e-5))
'''))

add(md(r"""
### 2.3 The Taylor polynomial, two ways

`taylor_polynomial` (in `optcourse.derivatives`) expands along the line, as we did above, to any
order. Built by hand from the gradient and the Hessian, the second-order polynomial must be the same:
"""))

add(code(r'''
a = [sp.Rational(4, 5), sp.Rational(2, 5)]                     # the centre (0.8, 0.4), exactly
at_a = {x: a[0], y: a[1]}
step = sp.Matrix([x - a[0], y - a[1]])                          # d = (x, y) - centre
by_hand = (f_demo.subs(at_a) + (demo.gradient_expression.subs(at_a).T * step)[0]
           + (step.T * demo.hessian_expression.subs(at_a) * step)[0] / 2)
T2 = taylor_polynomial(f_demo, [x, y], a, order=2)
print("same polynomial:", sp.simplify(T2 - by_hand) == 0)
sp.N(T2, 3)
'''))

add(md(r"""
How good is the approximation? Along a line through the centre (left) the tangent line $T_1$ and the
parabola $T_2$ touch $f$ at the centre and part from it further away. On the right, the largest error
over many directions at distance $r$ from the centre, on log-log axes: the error of $T_1$ falls like
$r^2$ and that of $T_2$ like $r^3$. Halve the distance and $T_2$'s error drops eightfold.
"""))

add(code(r'''
T1_num = sp.lambdify((x, y), taylor_polynomial(f_demo, [x, y], a, order=1), "numpy")
T2_num = sp.lambdify((x, y), T2, "numpy")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
direction = np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])
s = np.linspace(-2.5, 2.5, 201)
line = centre + s[:, None] * direction
left.plot(s, demo.value(line), color="black", linewidth=2.2, label="f")
left.plot(s, T1_num(line[:, 0], line[:, 1]), color=PALETTE["teal"], linewidth=1.8, linestyle=":", label="$T_1$")
left.plot(s, T2_num(line[:, 0], line[:, 1]), color=PALETTE["wine"], linewidth=1.8, linestyle="--", label="$T_2$")
left.plot([0], [demo.value(centre)], **START_STYLE)
left.set_ylim(-2, 2)
left.set_xlabel("s (distance from the centre along a line at 30°)")
left.set_title("f and its Taylor polynomials about (0.8, 0.4)")
left.legend()

radii = np.logspace(-3, 0, 25)
angles = np.linspace(0, 2 * np.pi, 64, endpoint=False)
unit = np.stack([np.cos(angles), np.sin(angles)], axis=-1)
for T, colour, style, label in [(T1_num, PALETTE["teal"], ":", "$T_1$"), (T2_num, PALETTE["wine"], "--", "$T_2$")]:
    errors = [np.abs(demo.value(centre + r * unit) - T(*(centre + r * unit).T)).max() for r in radii]
    right.loglog(radii, errors, color=colour, linestyle=style, linewidth=2, marker="o", markersize=3,
                 label=f"largest $|f - {label[1:-1]}|$")
right.loglog(radii, 5 * radii**2, color="0.6", linewidth=1, label="guide of slope 2: $r^2$")
right.loglog(radii, 0.02 * radii**3, color="0.3", linewidth=1, label="guide of slope 3: $r^3$")
right.set_xlabel("distance r from the centre")
right.set_title("error of the expansion")
right.legend(fontsize=8)
plt.show()
'''))

add(md(r"""
### 2.4 Experiment: move the centre, change the order

Before you play with the widget, here are the critical points of this same function in the window
$[-3, 3]^2$. `find_critical_points` runs Newton's method on $\nabla f = 0$ from a grid of starts and
classifies each point it finds (section 3 explains how):
"""))

add(code(r'''
for c in find_critical_points(demo, bounds=((-3, 3), (-3, 3))):
    print(f"{c.kind:8s} at {tidy(c.point)}   f = {tidy(c.value):+.3f}   Hessian eigenvalues {tidy(c.eigenvalues)}")
'''))

add(md(r"""
The widget draws $f$ (grey contours) and its Taylor polynomial $T_k$ of order $k$ (dashed contours,
at the same levels) about a centre you choose, and on the right both along the horizontal line
through the centre. In JupyterLab the sliders are live; elsewhere you see a still picture.

Try this:

1. **Order 0, 1, 2, 3, 4** at the centre (0.8, 0.4). How far from the centre is each polynomial
   useful? Which order first gets the *curvature* of the slice right?
2. **Order 1 at a critical point.** Move the centre to the saddle near $(0, 1.57)$. The tangent
   plane is flat there: a first-order model sees nothing at all.
3. **Order 2 at the saddle.** The dashed contours become a cross of hyperbolas: the quadratic model
   goes up in some directions and down in others. Compare with order 2 at the minimum near
   $(-1.31, 0)$ (ellipses) and the maximum near $(1.98, 0)$.
4. Set the centre far from the origin, e.g. $(-2.5, 2.5)$, with order 2. Newton's method (lesson 06)
   jumps to the critical point of this quadratic model. Would that point be a good guess here?
"""))

add(code(r'''
TaylorWidget("sin(x) * cos(y) + x**2 / 10", order=2, centre=(0.8, 0.4), dpi=72)
'''))

add(md(r"""
### Exercise 1: the second-order Taylor polynomial (derivation, 2 points)

Write `taylor2(expr, variables, point)`, returning the second-order Taylor polynomial of the SymPy
expression `expr` about `point`, built from the boxed formula: the value, the gradient and the
Hessian at the point. It must work for any number of variables. Use `sp.diff`, `sp.hessian` and
`.subs`; do not call `taylor_polynomial` (you may use it to test your function).

For example, `taylor2(sp.exp(x) * sp.sin(y), [x, y], [0, 0])` should be $y + x y$.
"""))

add(answer("taylor2", r'''
def taylor2(expr, variables, point):
    """The second-order Taylor polynomial of `expr` about `point`, as a SymPy expression.

    expr: a SymPy expression; variables: a list of its symbols, such as [x, y]; point: one number per
    variable, such as [0, 1]. With d = variables - point:  f(a) + grad f(a)^T d + d^T H(a) d / 2.
    """
    ### BEGIN SOLUTION
    at_a = dict(zip(variables, point))
    d = sp.Matrix([v - a for v, a in zip(variables, point)])
    g = sp.Matrix([sp.diff(expr, v) for v in variables]).subs(at_a)
    H = sp.hessian(expr, variables).subs(at_a)
    return sp.expand(expr.subs(at_a) + (g.T * d)[0] + (d.T * H * d)[0] / 2)
    ### END SOLUTION
'''))

add(tests("taylor2-tests", 2, r'''
check("taylor2", taylor2)
### BEGIN HIDDEN TESTS
z = sp.Symbol("z", real=True)
assert sp.simplify(taylor2(sp.exp(x) * sp.cos(y), [x, y], [0, 0]) - (1 + x + x**2 / 2 - y**2 / 2)) == 0
quadratic_poly = 3 * x**2 - x * y + 2 * y + 1
assert sp.simplify(taylor2(quadratic_poly, [x, y], [1, -2]) - quadratic_poly) == 0
assert sp.simplify(taylor2(x**3, [x], [1]) - (1 + 3 * (x - 1) + 3 * (x - 1)**2)) == 0
dx, dy, dz = x - 1, y - 1, z - 1
assert sp.simplify(taylor2(x * y * z + x**2, [x, y, z], [1, 1, 1])
                   - (2 + 3 * dx + dy + dz + dx**2 + dx * dy + dx * dz + dy * dz)) == 0
### END HIDDEN TESTS
'''))

# =================================================================================================
add(md(r"""
## 3. At a critical point, the Hessian decides

At a critical point $p^*$ the gradient term of the expansion vanishes, and what is left is

$$f(p^* + d) - f(p^*) \approx \tfrac12\, d^\top H d, \qquad H = \nabla^2 f(p^*).$$

The Hessian is symmetric, so it has real eigenvalues $\lambda_1, \dots, \lambda_n$ and orthonormal
eigenvectors $q_1, \dots, q_n$ (the spectral theorem). Write the step in that basis,
$d = \sum_i c_i q_i$; then

$$\tfrac12\, d^\top H d = \tfrac12 \sum_i \lambda_i c_i^2 .$$

Each eigenvector is a direction in which $f$ curves like $\tfrac12\lambda_i c^2$, a one-dimensional
parabola, and the signs decide (Nocedal and Wright, theorems 2.3 and 2.4):

| eigenvalues of $H$ | $\tfrac12 d^\top H d$ for small $d \ne 0$ | the critical point is |
|---|---|---|
| all $> 0$ ($H$ positive definite) | $> 0$ in every direction | a strict **local minimum** |
| all $< 0$ ($H$ negative definite) | $< 0$ in every direction | a strict **local maximum** |
| some $> 0$, some $< 0$ | up along some directions, down along others | a **saddle point** |
| none $< 0$ but some $= 0$ (or none $> 0$ but some $= 0$) | zero along an eigenvector | **degenerate**: the quadratic term cannot decide |

In the degenerate case the higher-order terms of the expansion decide, as for $x^3$ in one dimension.
Below, four quadratic forms $\tfrac12 d^\top H d$ with their eigenvectors, green for $\lambda > 0$
(uphill), red for $\lambda < 0$ (downhill), blue for $\lambda = 0$ (flat):
"""))

add(code(r'''
forms = [np.diag([2.0, 1.0]), np.diag([-2.0, -1.0]), np.array([[0.5, 1.5], [1.5, 0.5]]),
         np.array([[1.0, 1.0], [1.0, 1.0]])]
fig, axes = plt.subplots(1, 4, figsize=(12, 3.4), layout="constrained")
for ax, Hq in zip(axes, forms):
    draw_contours(ax, lambda d: 0.5 * np.einsum("...i,ij,...j->...", d, Hq, d), ((-2, 2), (-2, 2)), n=121, levels=12)
    eigenvalues, vectors = np.linalg.eigh(Hq)
    for lam, q in zip(eigenvalues, vectors.T):
        colour = PALETTE["green"] if lam > 1e-12 else PALETTE["wine"] if lam < -1e-12 else PALETTE["cyan"]
        for sign in (1, -1):
            ax.annotate("", xy=1.5 * sign * q, xytext=(0, 0),
                        arrowprops=dict(arrowstyle="-|>", color=colour, linewidth=2.5))
    kind = classify_critical_point(Hq)
    mark(ax, (0, 0), kind, label=False)
    ax.set_title(f"{kind}: λ = {', '.join(f'{lam:g}' for lam in tidy(eigenvalues, 1))}", fontsize=10)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
plt.show()
'''))

add(md(r"""
In the saddle (third panel) the form goes up along the diagonal and down along the anti-diagonal,
although neither eigenvector lies along an axis. In the degenerate panel $f$ is flat along the
blue direction: moving along it does not change the quadratic term at all.

### Exercise 2: classify a critical point (implementation, 2 points)

Write `classify(H, tol=1e-8)`, returning `"minimum"`, `"maximum"`, `"saddle"` or `"degenerate"` for
a critical point whose Hessian is the symmetric NumPy array `H` (any size $n \times n$), following the
table. Computed eigenvalues are never exactly zero, so treat an eigenvalue as zero when
$|\lambda| \le \text{tol}\cdot\max(1, \max_i |\lambda_i|)$. Note that eigenvalues of both signs
make a saddle even if another eigenvalue is zero.
"""))

add(answer("classify", r'''
def classify(H, tol=1e-8):
    """'minimum', 'maximum', 'saddle' or 'degenerate' for a critical point whose Hessian is H.

    An eigenvalue counts as zero when |lambda| <= tol * max(1, largest |lambda|).
    """
    ### BEGIN SOLUTION
    eigenvalues = np.linalg.eigvalsh(np.asarray(H, dtype=float))
    zero = tol * max(1.0, np.abs(eigenvalues).max())
    positive, negative = eigenvalues > zero, eigenvalues < -zero
    if positive.any() and negative.any():
        return "saddle"
    if positive.all():
        return "minimum"
    if negative.all():
        return "maximum"
    return "degenerate"
    ### END SOLUTION
'''))

add(tests("classify-tests", 2, r'''
check("classify", classify)
### BEGIN HIDDEN TESTS
assert classify(np.diag([1.0, 2.0])) == "minimum"
assert classify(np.diag([-0.5, -3.0])) == "maximum"
assert classify(np.array([[0.0, 2.0], [2.0, 0.0]])) == "saddle"
assert classify(np.diag([1.0, 0.0])) == "degenerate"
assert classify(np.diag([-1.0, 0.0, 0.0])) == "degenerate"
assert classify(np.diag([1.0, 0.0, -1.0])) == "saddle"
rotation = np.array([[0.6, -0.8, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]])
assert classify(rotation @ np.diag([2.0, 5.0, 0.1]) @ rotation.T) == "minimum"
assert classify(rotation @ np.diag([2.0, -5.0, 0.1]) @ rotation.T) == "saddle"
assert classify(rotation @ np.diag([-2.0, -5.0, -0.1]) @ rotation.T) == "maximum"
assert classify(np.diag([1e6, 1e-5])) == "degenerate"
assert classify(np.diag([1e6, 1e-1])) == "minimum"
assert classify(np.diag([1.0, 1e-6]), tol=1e-3) == "degenerate"
assert classify(np.diag([1.0, 1e-6])) == "minimum"
### END HIDDEN TESTS
'''))

# =================================================================================================
add(md(r"""
## 4. Classifying the critical points of concrete functions

The recipe: solve $\nabla f = 0$, evaluate the Hessian at each solution, look at the signs of its
eigenvalues.

### 4.1 By hand, with SymPy: $f(x, y) = x^4 + y^4 - 4xy$
"""))

add(code(r'''
f_quartic = x**4 + y**4 - 4 * x * y
grad_quartic = [sp.diff(f_quartic, v) for v in (x, y)]
H_quartic = sp.hessian(f_quartic, (x, y))
display(sp.Matrix(grad_quartic), H_quartic)
quartic_points = sp.solve(grad_quartic, [x, y], dict=True)   # x and y are real symbols: real solutions only
for sol in quartic_points:
    H_here = H_quartic.subs(sol)
    kind = classify_critical_point(np.array(H_here, dtype=float))
    print(f"({sol[x]}, {sol[y]}):  H = {H_here.tolist()},  eigenvalues {sorted(H_here.eigenvals())}  ->  {kind}")
'''))

add(md(r"""
At the origin the Hessian has eigenvalues $\pm 4$: a saddle, with eigenvectors along the diagonals.
At $(1, 1)$ and $(-1, -1)$ both eigenvalues are positive: two minima. The picture agrees:
"""))

add(code(r'''
quartic = sympy_functions(f_quartic, [x, y])
fig, ax = plt.subplots(figsize=(4.6, 4.0), layout="constrained")
draw_contours(ax, quartic.value, ((-2, 2), (-2, 2)))
seen = set()
for sol in quartic_points:
    point = (float(sol[x]), float(sol[y]))
    kind = classify_critical_point(quartic.hessian(np.array(point)))
    mark(ax, point, kind, label=kind not in seen)
    seen.add(kind)
ax.set_title("$x^4 + y^4 - 4xy$")
ax.legend(loc="upper left")
plt.show()
'''))

add(md(r"""
### 4.2 When $\nabla f = 0$ has no closed-form solution: Himmelblau's function

$f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2$ leads to a pair of cubic equations. Numerically,
`find_critical_points` finds all nine critical points (Newton's method from a grid of starts, section
2.4) and classifies them by the eigenvalues of their Hessians. Four minima (all with $f = 0$), four
saddles between them, one maximum in the middle:
"""))

add(code(r'''
himmelblau = get_surface("himmelblau")
critical = find_critical_points(himmelblau)
for c in critical:
    print(f"{c.kind:8s} at {tidy(c.point)}   f = {c.value:8.3f}   eigenvalues {tidy(c.eigenvalues, 1)}")

fig, ax = plt.subplots(figsize=(5.0, 4.4), layout="constrained")
draw_landscape(ax, himmelblau, minima=False)
seen = set()
for c in critical:
    mark(ax, c.point, c.kind, label=c.kind not in seen)
    seen.add(c.kind)
ax.set_title("Himmelblau's function: nine critical points")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=8)
plt.show()
'''))

add(md(r"""
Each saddle sits on the ridge between two neighbouring minima: walking from one valley to the next
along the easiest path, you go up to the saddle and down again. That is the typical picture of a
saddle in a loss landscape: a pass between basins.

### 4.3 Degenerate critical points: the test says "don't know"

When an eigenvalue is zero, the quadratic model is flat in that direction and the higher-order terms
decide. The three functions below have the *same* Hessian at the origin, $\operatorname{diag}(2, 0)$,
so the eigenvalue test cannot tell them apart, yet the origin is a minimum of the first, a saddle of
the second, and neither of the third (along $y$ it behaves like $y^3$).
"""))

add(code(r'''
degenerate_examples = [(x**2 + y**4, "a minimum"), (x**2 - y**4, "a saddle"), (x**2 + y**3, "neither")]
fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), layout="constrained")
for ax, (expr, truth) in zip(axes, degenerate_examples):
    fns = sympy_functions(expr, [x, y])
    H0 = fns.hessian(np.zeros(2))
    draw_contours(ax, fns.value, ((-1.2, 1.2), (-1.2, 1.2)))
    mark(ax, (0, 0), classify_critical_point(H0), label=False)
    ax.set_title(f"${sp.latex(expr)}$: H = diag({H0[0, 0] + 0.0:g}, {H0[1, 1] + 0.0:g})\n"
                 f"eigenvalue test: {classify_critical_point(H0)}; in truth {truth}", fontsize=9)
plt.show()
'''))

add(md(r"""
The monkey saddle $x^3 - 3xy^2$ (in `optcourse.surfaces`) is even more degenerate: its Hessian at the
origin is the zero matrix. Degenerate points are not a curiosity in deep learning: the Hessians of
trained networks have many eigenvalues at or near zero, some of them created by continuous symmetries
such as rescaling a ReLU neuron (lesson 03), along which the loss is exactly flat. There the
eigenvalue test is only a first look.

### Exercise 3: classify three kinds at once (derivation, prediction then check, 1 point)

The function $f(x, y) = x^3 - 3x + y^3 - 3y$ has critical points at $(\pm 1, \pm 1)$. First *predict*
the kind of each point on paper: the Hessian here is diagonal. Then compute the Hessian with SymPy,
evaluate it at each point, and classify it (`classify_critical_point` from `optcourse.critical`, or
your `classify`). Store the answer as a list `kinds` of four strings, in the order of `points`.
"""))

add(locked(r'''
f3 = x**3 - 3 * x + y**3 - 3 * y
points = [(1, 1), (1, -1), (-1, 1), (-1, -1)]
'''))

add(answer("kinds", r'''
### BEGIN SOLUTION
kinds = [classify_critical_point(np.array(sp.hessian(f3, (x, y)).subs({x: px, y: py}), dtype=float))
         for px, py in points]
### END SOLUTION
kinds
'''))

add(tests("kinds-tests", 1, r'''
check("kinds", kinds)
### BEGIN HIDDEN TESTS
assert kinds == ["minimum", "saddle", "saddle", "maximum"]
### END HIDDEN TESTS
'''))

# =================================================================================================
add(md(r"""
## 5. Escaping a saddle

At a saddle the gradient is zero, so it points nowhere, but the Hessian still knows the way down.
Let $u$ be a unit eigenvector of $H$ with eigenvalue $\lambda < 0$. The expansion gives

$$f(p^* + s\,u) \approx f(p^*) + \tfrac12 \lambda s^2 < f(p^*) \qquad (s \ne 0),$$

so a step of length $s$ along $u$ (or $-u$) goes downhill, by about $\tfrac12|\lambda| s^2$. The most
negative eigenvalue gives the largest decrease for a given step length. This is
`optcourse.critical.escape_saddle`.

Gradient descent has no such information. Consider

$$f(x, y) = x^2 + \tfrac14 (y^2 - 1)^2,$$

with a saddle at the origin ($H = \operatorname{diag}(2, -1)$, $f = 1/4$) and minima at
$(0, \pm 1)$ ($f = 0$):
"""))

add(code(r'''
f_escape = x**2 + (y**2 - 1)**2 / 4
esc = sympy_functions(f_escape, [x, y])
origin = np.zeros(2)
print("gradient at the origin:", tidy(esc.gradient(origin)))
print("Hessian at the origin:", tidy(esc.hessian(origin)).tolist(), "->", classify_critical_point(esc.hessian(origin)))
out = escape_saddle(origin, esc.hessian, step=0.1)
print(f"escape step: along {tidy(out.direction)}, λ = {out.eigenvalue:.1f}, to {tidy(out.point)}; "
      f"predicted change ½λs² = {out.predicted_change:.4f}, actual {esc.value(out.point) - esc.value(origin):.4f}")
'''))

add(md(r"""
Now gradient descent (optcourse's `SGD`, no momentum, learning rate 0.1) in three situations:

* **started at the saddle**: the gradient is exactly zero, and it never moves;
* **started at $(1.5, 0)$**: on the line $y = 0$ the gradient has no $y$ component, so the iterates slide
  along the $x$ axis straight into the saddle and stop there, although a minimum is right next door;
* **started at $(1.5, 10^{-6})$**: a tiny offset from that line. Near the saddle
  $y_{k+1} \approx (1 + \eta|\lambda|)\, y_k = 1.1\, y_k$, so $y$ grows, but from $10^{-6}$ to order 1
  takes about $\ln(10^6)/\ln 1.1 \approx 145$ steps spent on a plateau.

The last variant adds one rule to gradient descent: when the gradient is (nearly) zero and the Hessian
says "saddle", take one `escape_saddle` step instead of a gradient step.
"""))

add(code(r'''
def descend(start, steps=250, lr=0.1, escape=False):
    """Gradient descent on f_escape from start; with escape=True, one step along the most negative
    eigenvector whenever it stalls at a saddle. Returns the path, shape (steps + 1, 2)."""
    p = np.array(start, dtype=float)
    opt = SGD(p, lr=lr)                      # the optimizer holds p and moves it in place
    path = [p.copy()]
    for _ in range(steps):
        g = esc.gradient(p)
        if escape and np.linalg.norm(g) < 1e-6 and classify_critical_point(esc.hessian(p)) == "saddle":
            p[...] = escape_saddle(p, esc.hessian, step=0.1).point
        else:
            opt.step(g)
        path.append(p.copy())
    return np.array(path)


runs = {   # label: (path, colour, line style, line width)
    "GD from the saddle": (descend([0.0, 0.0]), PALETTE["rose"], "-", 6),
    "GD from (1.5, 0)": (descend([1.5, 0.0]), PALETTE["indigo"], "-", 3.5),
    "GD from (1.5, 1e-6)": (descend([1.5, 1e-6]), PALETTE["olive"], "--", 2),
    "GD from the saddle + escape": (descend([0.0, 0.0], escape=True), PALETTE["teal"], ":", 2.5),
    "GD from (1.5, 0) + escape": (descend([1.5, 0.0], escape=True), PALETTE["green"], "-.", 2),
}
for label, (path, *_) in runs.items():
    loss = esc.value(path)
    reached = np.flatnonzero(loss < 1e-3)
    when = f"below 0.001 from step {reached[0]}" if len(reached) else "never below 0.001"
    print(f"{label:28s} ends at {tidy(path[-1])}, f = {tidy(loss[-1], 4):.4f}; f is {when}")
'''))

add(code(r'''
fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 3.9), layout="constrained",
                                  gridspec_kw={"width_ratios": [1, 1.3]})
draw_contours(left, esc.value, ((-1.7, 1.7), (-1.5, 1.5)))
for label, (path, colour, style, width) in runs.items():
    if "from the saddle" not in label:         # those start at the saddle: no path to see before the escape
        left.plot(path[:, 0], path[:, 1], color=colour, linestyle=style, linewidth=width, label=label)
    right.semilogy(np.maximum(esc.value(path), 1e-12), color=colour, linestyle=style, linewidth=width, label=label)
mark(left, (0, 0), "saddle")
for m in ([0, 1], [0, -1]):
    left.plot(*m, **MINIMUM_STYLE)
left.set_title(r"$x^2 + (y^2-1)^2/4$: paths")
left.legend(loc="lower left", fontsize=7)
right.set_xlabel("step")
right.set_ylabel("f (log scale, floored at 1e-12)")
right.set_title("the saddle's plateau at f = 1/4")
right.legend(fontsize=8)
plt.show()
'''))

add(md(r"""
Three lessons from this picture:

1. Gradient descent can converge *to* a saddle: from every start on the line $y = 0$ it does. Such
   starts are rare (Lee et al. 2016 prove that from a random start gradient descent almost surely
   avoids saddles like this one, whose Hessian has a negative eigenvalue) but the nearby starts are
   the problem: they pass close to the saddle and linger on its plateau, and the closer they come,
   the longer they stay (Du et al. 2017 build functions where this takes exponentially long).
2. On the plateau the loss curve looks exactly like convergence to a minimum with $f = 1/4$. The
   gradient norm is tiny in both cases; only second-order information (or patience) tells them
   apart.
3. One step along the negative-curvature direction is enough to leave. Computing the whole Hessian
   is too expensive for a network with millions of parameters, but its most negative eigenvalue can
   be found from Hessian-vector products alone (the Lanczos iteration,
   `optcourse.network.lanczos_eigenvalues`), and simply adding noise to the gradient also escapes
   (Ge et al. 2015, Jin et al. 2017): one reason the noise of SGD is welcome.

### Exercise 4: the escape step (implementation, 2 points)

Write `escape_step(point, H, step)`: return the point `point + step * u`, where `u` is a unit
eigenvector of the **most negative** eigenvalue of the symmetric matrix `H` (either sign of `u` is
fine: both go downhill). Return a new array and leave `point` unchanged. If `H` has no negative
eigenvalue there is no direction of negative curvature: raise a `ValueError` saying so.
"""))

add(answer("escape", r'''
def escape_step(point, H, step):
    """One step of length `step` from `point` along the eigenvector of H's most negative eigenvalue.

    Returns a new array (point itself is not changed). Raises ValueError when H has no negative
    eigenvalue.
    """
    ### BEGIN SOLUTION
    eigenvalues, vectors = np.linalg.eigh(np.asarray(H, dtype=float))
    if eigenvalues[0] >= 0:
        raise ValueError(f"H has no negative eigenvalue (the smallest is {eigenvalues[0]:.3g}): "
                         f"this is not a saddle, there is no direction of negative curvature.")
    return np.asarray(point, dtype=float) + step * vectors[:, 0]
    ### END SOLUTION
'''))

add(tests("escape-tests", 2, r'''
check("escape", escape_step)
### BEGIN HIDDEN TESTS
out = np.asarray(escape_step(np.array([0.0, 0.0]), np.diag([2.0, -1.0]), 0.5), dtype=float)
assert np.allclose(np.abs(out), [0.0, 0.5])
c, s_ = np.cos(0.3), np.sin(0.3)
Q = np.array([[c, -s_, 0.0], [s_, c, 0.0], [0.0, 0.0, 1.0]])
H_test = Q @ np.diag([1.0, -3.0, -0.5]) @ Q.T
start = np.array([1.0, 2.0, -1.0])
start_copy = start.copy()
out = np.asarray(escape_step(start, H_test, 0.2), dtype=float)
assert np.array_equal(start, start_copy)
delta = out - start_copy
assert np.isclose(np.linalg.norm(delta), 0.2)
assert np.isclose(abs(delta @ Q[:, 1]), 0.2)
assert 0.5 * delta @ H_test @ delta < 0
for bad in (np.diag([1.0, 2.0]), np.diag([0.5, 0.0, 3.0])):
    try:
        escape_step(np.zeros(len(bad)), bad, 0.1)
    except ValueError:
        pass
    else:
        raise AssertionError("no ValueError")
### END HIDDEN TESTS
'''))

# =================================================================================================
add(md(r"""
## 6. A minimum in a slice can be a saddle in more dimensions

We can only look at a loss function through low-dimensional slices: a line, or a plane, through
parameter space (lesson 03 draws such slices for a real network). What such a slice shows can be
misleading. Take

$$f(x, y) = x^2 + y^2 - 3xy .$$

Along the $x$ axis it is $x^2$: a perfect minimum at 0. Along the $y$ axis it is $y^2$: a minimum
again. Yet along the diagonal $y = x$ it is $-x^2$. The Hessian settles it:
"""))

add(code(r'''
f_slice = x**2 + y**2 - 3 * x * y
sl = sympy_functions(f_slice, [x, y])
H_slice = sl.hessian(np.zeros(2))
slice_eigenvalues, slice_vectors = np.linalg.eigh(H_slice)
print("Hessian at the origin:", H_slice.tolist())
print("eigenvalues:", tidy(slice_eigenvalues), "->", classify_critical_point(H_slice))
downhill = slice_vectors[:, 0] * np.sign(slice_vectors[0, 0])     # an eigenvector's sign is arbitrary: fix one
print("downhill eigenvector:", tidy(downhill))

s = np.linspace(-1.5, 1.5, 201)
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), layout="constrained")
axes[0].plot(s, s**2, color=PALETTE["indigo"], linewidth=2)
axes[0].plot([0], [0], **START_STYLE)
axes[0].set_title("one parameter, x (y = 0): a minimum?")
axes[0].set_xlabel("x")
lines = [("x axis", np.array([1.0, 0.0]), PALETTE["indigo"], "-"),
         ("y axis", np.array([0.0, 1.0]), PALETTE["teal"], "--"),
         ("diagonal y = x", np.array([1.0, 1.0]) / np.sqrt(2), PALETTE["wine"], ":")]
draw_contours(axes[1], sl.value, ((-1.5, 1.5), (-1.5, 1.5)))
mark(axes[1], (0, 0), "saddle", label=False)
for label, direction, colour, style in lines:
    axes[1].plot(*(s[:, None] * direction).T, color=colour, linestyle=style, linewidth=2.2)
    axes[2].plot(s, sl.value(s[:, None] * direction), color=colour, linestyle=style, linewidth=2.2, label=label)
axes[1].set_title("two parameters: a saddle")
axes[2].set_title("f along the three lines")
axes[2].set_xlabel("distance from the origin")
axes[2].legend()
plt.show()
'''))

add(md(r"""
Looking along every coordinate axis is not enough: the diagonal entries of $H$ (here 2 and 2) are
the curvatures along the axes, and all of them can be positive while an eigenvalue is negative.
The same happens one dimension up. In

$$f(x, y, z) = \tfrac12(x^2 + y^2 + z^2) - \tfrac35(xy + yz + zx)$$

every *plane* through two of the coordinate axes shows a minimum, and only all three coordinates
together reveal the saddle:
"""))

add(code(r'''
z = sp.Symbol("z", real=True)
f_3d = (x**2 + y**2 + z**2) / 2 - sp.Rational(3, 5) * (x * y + y * z + z * x)
H_3d = np.array(sp.hessian(f_3d, (x, y, z)), dtype=float)
for i, j in [(0, 1), (0, 2), (1, 2)]:
    block = H_3d[np.ix_([i, j], [i, j])]
    print(f"the plane of ({'xyz'[i]}, {'xyz'[j]}): eigenvalues {tidy(np.linalg.eigvalsh(block), 2)} -> "
          f"{classify_critical_point(block)}")
print(f"all of (x, y, z):       eigenvalues {tidy(np.linalg.eigvalsh(H_3d), 2)} -> {classify_critical_point(H_3d)}")
'''))

add(md(r"""
The downhill direction is $(1, 1, 1)/\sqrt3$, which no coordinate plane contains. In a network with
a million parameters, any picture we can draw shows a vanishing fraction of the directions, so "it
looks like a basin" proves little. The next section asks how often a critical point is a minimum
at all.
"""))

# =================================================================================================
add(md(r"""
## 7. How often is a critical point a minimum?

### 7.1 The counting argument

A heuristic from textbooks (Buduma et al., who point to Dauphin et al. 2014 for the careful
treatment): in one dimension a critical point is a minimum, a maximum or a flat inflection; say each
with probability $1/3$. A critical point in $d$
dimensions is a minimum only if it curves upwards along *every one* of the $d$ eigenvector directions.
If the $d$ directions behaved **independently**, each like a one-dimensional critical point, then

$$P(\text{minimum}) = \left(\tfrac13\right)^d = 3^{-d},$$

which is already $1.7\times10^{-5}$ for $d = 10$ and astronomically small for a network. Almost every
critical point would be a saddle. We call this the *independent-signs model*. Before you trust it,
compute what it predicts, and simulate it.

### Exercise 5a: predict (1 point)

Under the independent-signs model, what is the probability that a critical point in $d = 3$
dimensions is a minimum? Store it as a float `predicted_p3` (a number, not a formula in SymPy).
"""))

add(answer("predict-p3", r'''
### BEGIN SOLUTION
predicted_p3 = (1 / 3) ** 3
### END SOLUTION
predicted_p3
'''))

add(tests("predict-p3-tests", 1, r'''
check("predict-p3", predicted_p3)
### BEGIN HIDDEN TESTS
assert abs(predicted_p3 - 1 / 27) < 5e-4
### END HIDDEN TESTS
'''))

add(md(r"""
### Exercise 5b: simulate the model (implementation, 2 points)

Write `independent_signs_fraction(d, n_samples, seed)`: draw `n_samples` random critical points of
the model, each as `d` independent signs $-1, 0, +1$ with probability $1/3$ each (one sign per
eigenvalue), using `np.random.default_rng(seed)`, and return the fraction (a float) of those whose
signs are all $+1$. Check your prediction with it: `independent_signs_fraction(3, 100_000, 0)`
should be close to it.
"""))

add(answer("independent-signs", r'''
def independent_signs_fraction(d, n_samples, seed):
    """The share of n_samples critical points of the independent-signs model in d dimensions that
    are minima (all d signs +1), as a float."""
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    signs = rng.integers(-1, 2, size=(n_samples, d))
    return float(np.mean(np.all(signs == 1, axis=1)))
    ### END SOLUTION
'''))

add(tests("independent-signs-tests", 2, r'''
check("independent-signs", independent_signs_fraction)
### BEGIN HIDDEN TESTS
for d_test, n_test in [(1, 30_000), (3, 200_000), (4, 400_000)]:
    p_test = 3.0 ** -d_test
    got = independent_signs_fraction(d_test, n_test, 7)
    assert isinstance(got, float) and abs(got - p_test) < 5 * np.sqrt(p_test * (1 - p_test) / n_test)
assert independent_signs_fraction(2, 5000, 3) == independent_signs_fraction(2, 5000, 3)
### END HIDDEN TESTS
'''))

add(md(r"""
### 7.2 What random matrices do

The model is a heuristic. To test it, take the Hessian at a "random" critical point to be a random
symmetric matrix and count how often all its eigenvalues are positive.
`fraction_positive_definite` draws matrices $A = (G + G^\top)/\sqrt2$ with independent standard
normal entries $G_{ij}$ (the *Gaussian orthogonal ensemble*, GOE) and measures that fraction for each
$d$, with its standard error:
"""))

add(code(r'''
dims = np.arange(1, 6)
goe = fraction_positive_definite(dims, n_samples=200_000, seed=0)
print(" d   measured (GOE)   ± std. error   3^-d (independent signs)")
for d_, p_, se_, model_ in zip(goe.dims, goe.fraction, goe.standard_error, goe.three_to_minus_d):
    print(f"{d_:2d}   {p_:12.2e}     {se_:9.1e}     {model_:10.2e}")
'''))

add(md(r"""
Two differences stand out.

* At $d = 1$ the fraction is $1/2$, not $1/3$: a random number is positive or negative, and exactly
  zero with probability 0. The "flat" third of the heuristic has no counterpart here.
* From $d = 3$ on, the measured fraction is *below* $3^{-d}$, and the gap widens with $d$.

The eigenvalues of a random symmetric matrix are not independent: they repel each other and spread
around zero like a semicircle (Wigner). For all of them to be positive, the whole spectrum has to
shift to one side, and that becomes very unlikely very fast. Dean and Majumdar (2006) computed the
rate for large $d$:

$$P(\text{all } d \text{ eigenvalues} > 0) \approx e^{-\theta d^2}, \qquad \theta = \frac{\ln 3}{4} \approx 0.275,$$

which falls like $e^{-d^2}$, faster than any $3^{-d}$. A plot of $-\ln P / d$ separates the two
laws: the independent-signs model gives the constant $\ln 3$, and $e^{-\theta d^2}$ gives a straight
line of slope $\theta$.
"""))

add(code(r'''
theta = np.log(3) / 4
fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 3.8), layout="constrained")
left.errorbar(goe.dims, goe.fraction, yerr=2 * goe.standard_error, color=PALETTE["indigo"], marker="o",
              linewidth=2, capsize=3, label="random symmetric matrices (GOE), ± 2 s.e.")
left.semilogy(goe.dims, goe.three_to_minus_d, color=PALETTE["wine"], linestyle="--", marker="s",
              label="independent signs: $3^{-d}$")
left.semilogy(goe.dims, 2.0 ** -goe.dims, color="0.55", linestyle=":", label="independent, no zeros: $2^{-d}$")
left.set_xlabel("dimension d")
left.set_ylabel("fraction of minima")
left.set_xticks(goe.dims)
left.legend(fontsize=8)
left.set_title("a random critical point is a minimum with probability ...")

rate = -np.log(goe.fraction) / goe.dims
right.plot(goe.dims, rate, color=PALETTE["indigo"], marker="o", linewidth=2, label="GOE: $-\\ln P\\,/\\,d$")
right.axhline(np.log(3), color=PALETTE["wine"], linestyle="--", label="$3^{-d}$: constant $\\ln 3$")
offset = np.mean(rate - theta * goe.dims)            # the slope comes from theory, only the offset is fitted
right.plot(goe.dims, offset + theta * goe.dims, color="0.4", linestyle="-.",
           label="slope $\\theta = \\ln 3/4$ (Dean & Majumdar)")
right.set_xlabel("dimension d")
right.set_xticks(goe.dims)
right.legend(fontsize=8)
right.set_title("$-\\ln P / d$: flat for $3^{-d}$, rising for $e^{-\\theta d^2}$")
plt.show()
print(f"increase of -ln(P)/d per dimension, measured: {tidy(np.diff(rate), 2)}, theory for large d: {theta:.2f}")
'''))

add(md(r"""
So $3^{-d}$ is best read as an *order-of-magnitude argument*: "minima are exponentially rare among
critical points". For random symmetric matrices the truth is rarer still. Both say the same thing in
the end: in high dimensions, almost every critical point is a saddle.

Two cautions about carrying this over to real networks. A network's Hessian is not a GOE matrix (it
has many near-zero eigenvalues and a few large ones; lesson 03 computes some). And critical points
are not all alike: Bray and Dean (2007), and Dauphin et al. (2014) for small networks, found that the
fraction of negative eigenvalues falls as the loss at the critical point falls. Critical points with
a high loss are saddles with many downhill directions; the minima have losses near the bottom of
the range. That is why getting stuck at a *saddle* (a plateau in training) is a
bigger practical worry than getting stuck in a bad *minimum*, and why Dauphin et al. designed an
optimizer that is repelled by saddles (saddle-free Newton).
"""))

# =================================================================================================
add(md(r"""
## Summary

* Expanding $f$ along a line and applying the chain rule gives the **second-order Taylor expansion**
  $f(p + d) \approx f(p) + \nabla f(p)^\top d + \tfrac12 d^\top \nabla^2 f(p)\, d$, with an error of
  order $\lVert d\rVert^3$. The Hessian $\nabla^2 f$ is symmetric.
* At a **critical point** ($\nabla f = 0$) only the quadratic term is left. The eigenvalues of the
  Hessian decide: all positive, a minimum; all negative, a maximum; both signs, a **saddle**; a zero
  eigenvalue without both signs, **degenerate** (higher-order terms decide).
* Gradient descent can stall at a saddle (exactly, from special starts) or linger near it for a long
  time (from nearby starts). A step along an eigenvector of a **negative eigenvalue** goes downhill by
  about $\tfrac12|\lambda|s^2$ and escapes.
* A critical point that looks like a minimum along every axis, or in every coordinate plane, can be a
  saddle: only the full Hessian knows.
* Counting argument: if each of $d$ directions were independently up, down or flat, a critical point
  would be a minimum with probability $3^{-d}$. Random symmetric matrices make minima rarer still,
  $\approx e^{-(\ln 3/4)\, d^2}$. In high dimensions almost all critical points are saddles.

Next, lesson 03 looks at the landscape of a real network: symmetries, slices from initialisation to
solution, and ill-conditioning, where the Hessian's eigenvalues explain why gradient descent zig-zags.

## References

* N. Buduma, N. Buduma, J. Papa. *Fundamentals of Deep Learning*, 2nd ed., O'Reilly 2022, chapter
  "Beyond Gradient Descent" (the counting argument).
* Y. N. Dauphin, R. Pascanu, C. Gulcehre, K. Cho, S. Ganguli, Y. Bengio. *Identifying and attacking
  the saddle point problem in high-dimensional non-convex optimization.* NeurIPS 2014.
* A. J. Bray, D. S. Dean. *Statistics of critical points of Gaussian fields on large-dimensional
  spaces.* Physical Review Letters 98, 150201 (2007).
* D. S. Dean, S. N. Majumdar. *Large deviations of extreme eigenvalues of random matrices.* Physical
  Review Letters 97, 160201 (2006).
* J. Nocedal, S. J. Wright. *Numerical Optimization*, 2nd ed., Springer 2006, section 2.1
  (theorems 2.3 and 2.4: second-order conditions).
* I. Goodfellow, Y. Bengio, A. Courville. *Deep Learning*, MIT Press 2016, sections 4.3.1 (the
  Hessian and the second-derivative test) and 8.2.3 (plateaus and saddle points).
* R. Ge, F. Huang, C. Jin, Y. Yuan. *Escaping from saddle points: online stochastic gradient for
  tensor decomposition.* COLT 2015.
* J. D. Lee, M. Simchowitz, M. I. Jordan, B. Recht. *Gradient descent only converges to minimizers.*
  COLT 2016.
* C. Jin, R. Ge, P. Netrapalli, S. M. Kakade, M. I. Jordan. *How to escape saddle points
  efficiently.* ICML 2017.
* S. S. Du, C. Jin, J. D. Lee, M. I. Jordan, B. Poczos, A. Singh. *Gradient descent can take
  exponential time to escape saddle points.* NeurIPS 2017.
"""))


def notebook():
    nb = new_notebook(cells=CELLS)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main():
    nb = notebook()
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in [str(ROOT), os.environ.get("PYTHONPATH", "")] if p)
    os.environ["MPLBACKEND"] = "Agg"            # as the test suite runs it; the lesson selects inline itself
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
    for cell in nb.cells:                       # keep the saved notebook free of run-specific metadata
        cell.metadata.pop("execution", None)
    (HERE / f"{NAME}.ipynb").write_text(notebook_text(nb))


if __name__ == "__main__":
    main()
