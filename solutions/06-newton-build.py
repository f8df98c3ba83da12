"""Build lesson 06, "Newton and quasi-Newton methods": write the notebook cell by cell and execute it.

    PYTHONPATH=. python solutions/06-newton-build.py      # then: python -m optcourse.course release

The script lives beside the lesson folder, not in it: every file in ``solutions/06-newton/`` is
copied to the students' ``lessons/``, and this script holds the solutions.
"""
import os
import sys
from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_notebook

NAME = "06-newton"
ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "solutions" / NAME
sys.path.insert(0, str(ROOT))
from optcourse.course.release import notebook_text  # noqa: E402
from optcourse.course.authoring import answer, code, locked, md, tests  # noqa: E402


CELLS = [
    md(r"""
# 06. Newton and quasi-Newton methods

Gradient descent uses one piece of information about the landscape: the slope. Lesson 03 showed what
that costs on a long, narrow valley. The step size is capped by the most curved direction, progress is
set by the flattest one, and the number of steps grows with the condition number $\kappa$.

**Newton's method** also uses the curvature. It fits a quadratic to $f$ at the current point and
jumps to the bottom of that quadratic. On a quadratic that is one step, whatever $\kappa$ is, and
near a minimum the number of correct digits doubles at every step. The price: second derivatives,
an $n \times n$ linear system per step, and two new ways to fail.
**Quasi-Newton methods** (DFP, BFGS and L-BFGS) keep most of the speed and pay much less of the
price. They learn the curvature from the changes in the gradient, and L-BFGS does so in memory
proportional to $n$. These are the second-order methods you will meet in practice: BFGS is SciPy's
default minimiser, L-BFGS-B its default when there are bounds, and PyTorch ships `torch.optim.LBFGS`.

**Learning goals.** After this lesson you can

- derive Newton's iteration for a root from the tangent line, and for a minimum from the
  second-order Taylor model, and explain why the two are the same iteration;
- recognise quadratic convergence (digits doubling) in a table of errors, derive its constant, and
  tell it apart from the linear rate of gradient descent and the superlinear rate of BFGS;
- show how pure Newton fails (steps that are too long, saddles and uphill directions where the
  Hessian is indefinite) and apply the two fixes: a line search and a modified Hessian;
- state the Armijo and Wolfe conditions, draw the steps they accept, and implement backtracking;
- state the secant condition, and implement the BFGS update and the L-BFGS two-loop recursion;
- compare Newton, DFP, BFGS and L-BFGS by iterations, evaluations, operations and memory per step.

Run the cells from top to bottom. Exercises are marked **Exercise**: write your answer in the cell
that says `YOUR CODE HERE`, then run the cell below it to check.
"""),
    locked(r"""
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from optcourse.derivatives import sympy_functions
from optcourse.linesearch import armijo_backtracking, wolfe_line_search
from optcourse.minimize import (bfgs_inverse_update, cholesky_with_added_identity, dfp_inverse_update,
                                lbfgs_two_loop, minimize)
from optcourse.newton_widgets import (LineSearchWidget, NewtonRootWidget, draw_step_conditions,
                                      draw_tangent_steps, step_intervals)
from optcourse.plots import PALETTE, contour_levels, draw_landscape, line_kwargs
from optcourse.problems import extended_powell, extended_rosenbrock
from optcourse.roots import newton_root
from optcourse.runner import run
from optcourse.surfaces import get_surface, quadratic
from optcourse.widgets import Playground
from selfcheck import check

matplotlib.use("module://matplotlib_inline.backend_inline")      # figures in the notebook, wherever it runs
plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6.4, 3.6), "axes.grid": True, "grid.color": "0.9"})
"""),
    md(r"""
## 1. Newton's method for a root: follow the tangent

To solve $f(x) = 0$, replace $f$ near the current guess $x_k$ by its tangent line,

$$t(x) = f(x_k) + f'(x_k)\,(x - x_k),$$

and take the point where the *tangent* is zero as the next guess:

$$\boxed{x_{k+1} = x_k - \frac{f(x_k)}{f'(x_k)}}$$

Newton used this idea on the cubic $x^3 - 2x - 5 = 0$ (in *De analysi*, written in 1669), Raphson
wrote it as the iteration we use (1690), and Simpson extended it to systems and to optimisation
(1740). `optcourse.roots.newton_root` runs it and keeps every iterate. We start at $x_0 = 3.5$ and
compare with the root computed by SymPy to 30 digits.
"""),
    code(r"""
def f(x):
    return x**3 - 2 * x - 5


def f_prime(x):
    return 3 * x**2 - 2


cubic_run = newton_root(f, f_prime, 3.5)
z = sp.Symbol("z")
r = float(sp.nsolve(z**3 - 2 * z - 5, z, 2.1, prec=30))        # the root, to more digits than a float holds

print(" k   x_k                   f(x_k)       error |x_k - r|   correct digits")
for k, (x, fx) in enumerate(zip(cubic_run.path, cubic_run.fun_path)):
    error = abs(x - r)
    digits = "all 16" if error < 1e-15 else f"{-math.log10(error / r):6.1f}"
    shown = "  < 1e-15" if error < 1e-15 else f"{error:9.1e}"
    print(f"{k:2d}   {x:.16f}   {fx:10.2e}   {shown:>14}   {digits:>8}")
print(cubic_run.message)
"""),
    md(r"""
Read the last column: 0.6, 1.3, 2.6, 5.0, 10.0, then all 16 digits. Once the iterates are close,
**every step doubles the number of correct digits**. This is *quadratic convergence*. Six steps
reach the 16 digits a float can hold; the seventh step is too small to change $x$, and that is how
`newton_root` knows to stop.

Here are the first three steps, drawn. Each panel zooms in around the root (the white star) so that
$x_k$ and $x_{k+1}$ stay visible; the title says how wide the window is.
"""),
    code(r"""
fig, axes = plt.subplots(1, 3, figsize=(11, 3.3), layout="constrained")
for k, ax in enumerate(axes):
    x_k, x_next = cubic_run.path[k], cubic_run.path[k + 1]
    width = 1.3 * (x_k - r)
    xs = np.linspace(r - 0.3 * width, r + width, 200)
    ax.plot(xs, f(xs), color="black", linewidth=1.8)
    ax.axhline(0.0, color="0.4", linewidth=0.8)
    draw_tangent_steps(ax, f, f_prime, cubic_run.path[k:k + 2], label_points=False)
    ax.annotate(f"$x_{k}$", (x_k, 0.0), textcoords="offset points", xytext=(0, -15), ha="center")
    ax.annotate(f"$x_{k + 1}$", (x_next, 0.0), textcoords="offset points", xytext=(0, 8), ha="center")
    ax.plot([r], [0.0], "*", markersize=13, markerfacecolor="white", markeredgecolor="black", zorder=7)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_title(f"step {k + 1}: window {1.3 * width:.2g} wide", fontsize=10)
    ax.set_xlabel("x")
plt.show()
"""),
    md(r"""
The zoom factor grows from panel to panel, and the curve looks straighter each time. That is the
whole story of quadratic convergence: near the root a smooth $f$ *is* almost its tangent line, and
the tangent's mistake shrinks like the square of the distance.

### Why the digits double (derive)

Let $r$ be a simple root ($f(r) = 0$, $f'(r) \ne 0$) and write the current error as $e = x_k - r$.
Taylor's theorem gives $f(r + e) = a_1 e + a_2 e^2 + a_3 e^3 + \dots$ with $a_j = f^{(j)}(r)/j!$.
The error after one step is $e - f(r+e)/f'(r+e)$. SymPy expands it in powers of $e$:
"""),
    code(r"""
e, a1, a2, a3 = sp.symbols("e a_1 a_2 a_3")
f_near_root = a1 * e + a2 * e**2 + a3 * e**3            # f(r + e) near a simple root: a1 = f'(r) != 0
error_after_step = e - f_near_root / sp.diff(f_near_root, e)
sp.series(error_after_step, e, 0, 3)
"""),
    md(r"""
The term in $e$ cancels: one step turns an error $e_k$ into

$$e_{k+1} \approx \frac{a_2}{a_1}\, e_k^2 = \frac{f''(r)}{2 f'(r)}\, e_k^2 .$$

If $e_k = 10^{-4}$, then $e_{k+1}$ is about $10^{-8}$ (times a constant). Our table agrees: for
$f = x^3 - 2x - 5$ the constant is $6r / (2(3r^2 - 2))$, and the measured ratios $e_{k+1}/e_k^2$
approach it.
"""),
    code(r"""
errors = np.abs(cubic_run.path - r)
C = 6 * r / (2 * (3 * r**2 - 2))
print(f"f''(r) / (2 f'(r)) = {C:.4f}")
for k in range(4):
    print(f"e_{k + 1} / e_{k}^2 = {errors[k + 1] / errors[k] ** 2:.4f}")
"""),
    md(r"""
### Exercise 1 (1 point): a double root

The derivation needed $a_1 = f'(r) \ne 0$. At a **double root** both $f(r) = 0$ and $f'(r) = 0$, so
near it $f(r + e) = a_2 e^2 + a_3 e^3 + \dots$. Repeat the derivation for that case. Set
`double_root_error` to the **leading term** of the error after one step, a SymPy expression in `e`
(and, if they appear, `a2` and `a3`). `sp.series(expr, e, 0, 2).removeO()` keeps the terms up to
$e^1$.
"""),
    answer("double-root", r'''
### BEGIN SOLUTION
f_at_double_root = a2 * e**2 + a3 * e**3
double_root_error = sp.series(e - f_at_double_root / sp.diff(f_at_double_root, e), e, 0, 2).removeO()
### END SOLUTION
double_root_error
'''),
    tests("double-root-tests", 1, r'''
check("double-root", double_root_error)
### BEGIN HIDDEN TESTS
assert isinstance(double_root_error, sp.Expr)
assert sp.simplify(double_root_error - e / 2) == 0
### END HIDDEN TESTS
'''),
    md(r"""
What does your answer predict? Check it on $f(x) = (x - 1)^2 (x + 2)$, which has a double root at
$x = 1$:
"""),
    code(r"""
slow = newton_root(lambda x: (x - 1) ** 2 * (x + 2), lambda x: 3 * (x * x - 1), 2.5, maxiter=12)
slow_errors = np.abs(slow.path - 1.0)
print("error ratios e_(k+1) / e_k:", np.round(slow_errors[1:9] / slow_errors[:8], 3))
"""),
    md(r"""
At a double root the error only shrinks by a constant factor per step: **linear** convergence, one
correct bit per step instead of twice the digits. We will meet the same thing in minimisation:
minimising $f$ means finding a root of $f'$, and a minimum where $f'' = 0$ (such as $x^4$ at 0) is
a double root of $f'$. Newton's step for $x^4$ is $x - 4x^3/(12x^2) = \tfrac23 x$: linear again.
**Quadratic convergence needs a curvature that is not zero at the solution.**

## 2. Newton for minimisation: jump to the bottom of the quadratic model

Lesson 02 wrote the second-order Taylor expansion of $f$ around $x_k$. Call it the **model** of $f$
for a step $p$:

$$m_k(p) = f(x_k) + \nabla f(x_k)^\top p + \tfrac12\, p^\top \nabla^2 f(x_k)\, p .$$

Newton's method takes the step to the model's critical point: $\nabla m_k(p) = \nabla f_k + \nabla^2 f_k\,p = 0$, so

$$\boxed{p_k^N = -\big(\nabla^2 f_k\big)^{-1} \nabla f_k, \qquad x_{k+1} = x_k + p_k^N .}$$

It is a minimum of the model exactly when $\nabla^2 f_k$ is positive definite. Notice that this is
Newton's root iteration applied to the equation $\nabla f(x) = 0$: the "derivative" of $\nabla f$
is the Hessian. SymPy confirms the step for a general model in two dimensions:
"""),
    code(r"""
p1, p2, g1, g2, h11, h12, h22 = sp.symbols("p1 p2 g1 g2 h11 h12 h22")
p = sp.Matrix([p1, p2])
g = sp.Matrix([g1, g2])
H = sp.Matrix([[h11, h12], [h12, h22]])
model = (g.T * p)[0] + (p.T * H * p)[0] / 2            # m(p) - f(x_k)

stationary = sp.solve([sp.diff(model, v) for v in (p1, p2)], [p1, p2], dict=True)[0]
step = sp.Matrix([stationary[p1], stationary[p2]])
print("the stationary point of the model equals -H^(-1) g:", sp.simplify(step + H.inv() * g) == sp.zeros(2, 1))
print("the model's Hessian is H:", sp.hessian(model, (p1, p2)) == H)
step
"""),
    md(r"""
Now the picture on Rosenbrock's function. The grey contours are $f$; the dashed rose contours are the
model $m_k$ built at the white dot, and the rose cross is the model's critical point. On the left,
$\nabla^2 f$ is positive definite: the model is a bowl, and Newton's step (the arrow) lands at its
bottom, in the valley of $f$. On the right,
$\nabla^2 f$ has a negative eigenvalue: the model is a **saddle**, and "jump to its critical point"
means jumping to the saddle point. We will come back to that in section 4.
"""),
    code(r"""
rosen = get_surface("rosenbrock")


def draw_model(ax, surface, x_k, half_width=0.7):
    '''Contours of f (grey) and of its quadratic model at x_k (dashed rose), with Newton's step.'''
    bounds = ((x_k[0] - half_width, x_k[0] + half_width), (x_k[1] - half_width, x_k[1] + half_width))
    draw_landscape(ax, surface, n=100, levels=14, bounds=bounds)
    f_k, g_k, H_k = surface.value(x_k), surface.gradient(x_k), surface.hessian(x_k)
    newton_step = -np.linalg.solve(H_k, g_k)
    model_critical = f_k + 0.5 * g_k @ newton_step          # m(p) at its critical point
    drop = abs(f_k - model_critical)
    X, Y = np.meshgrid(np.linspace(*bounds[0], 100), np.linspace(*bounds[1], 100))
    D = np.stack([X - x_k[0], Y - x_k[1]], axis=-1)
    M = f_k + D @ g_k + 0.5 * np.einsum("...i,ij,...j->...", D, H_k, D)
    if np.linalg.eigvalsh(H_k).min() > 0:
        levels = model_critical + drop * np.array([0.03, 0.2, 0.5, 1.0, 2.0])   # nested ellipses
    else:
        levels = model_critical + drop * np.array([-2.0, -0.7, -0.2, 0.2, 0.7, 2.0])
    ax.contour(X, Y, M, levels=np.sort(levels), colors=PALETTE["rose"], linestyles="--", linewidths=1.2)
    ax.annotate("", x_k + newton_step, x_k, arrowprops=dict(arrowstyle="-|>", color="black", linewidth=1.8))
    ax.plot(*(x_k + newton_step), "X", markersize=9, color=PALETTE["rose"], markeredgecolor="black", zorder=7)
    ax.plot(*x_k, "o", markersize=8, markerfacecolor="white", markeredgecolor="black", zorder=7)
    ax.set(xlim=bounds[0], ylim=bounds[1], aspect="equal")
    ax.grid(False)
    return np.linalg.eigvalsh(H_k), newton_step


fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), layout="constrained", dpi=72)
for ax, point in zip(axes, ([0.5, 0.0], [-0.5, 0.5])):
    eigenvalues, newton_step = draw_model(ax, rosen, np.array(point))
    kind = "a bowl" if eigenvalues.min() > 0 else "a saddle"
    ax.set_title(f"at {tuple(point)}: eigenvalues of ∇²f {eigenvalues[0]:.0f}, {eigenvalues[1]:.0f}\n"
                 f"the model is {kind}", fontsize=10)
    print(f"at {tuple(point)}: f = {rosen.value(point):.3f}, after Newton's step f = "
          f"{rosen.value(np.array(point) + newton_step):.3f}")
plt.show()
"""),
    md(r"""
### One step on a quadratic, whatever its condition number

If $f$ *is* a quadratic, the model is $f$ itself, and one Newton step lands on the minimum. On a
bowl with condition number 1000, gradient descent with the step size lesson 03 recommends,
$\eta = 1/\lambda_{\max}$, crawls along the flat direction; Newton does not notice the
elongation:
"""),
    code(r"""
bowl = quadratic(1000, 30)
one_step = bowl.start - np.linalg.solve(bowl.hessian(bowl.start), bowl.gradient(bowl.start))
gd_bowl = run("SGD", bowl, steps=20000, lr=1e-3)                  # plain gradient descent, η = 1/λmax
gd_distance = np.linalg.norm(gd_bowl.path - bowl.minima[0], axis=1)
print("Newton: 1 step, distance to the minimum below 1e-12:", bool(np.linalg.norm(one_step - bowl.minima[0]) < 1e-12))
print(f"gradient descent: {np.argmax(gd_distance < 1e-5)} steps to get within 1e-5 of the minimum")
"""),
    md(r"""
Newton's method does not care about $\kappa$ because it is **affine invariant**: if you change
variables $x = Az$ (stretch, rotate, shear), Newton's iterates for the new function are exactly the
old ones mapped by $A$. Multiplying by $(\nabla^2 f)^{-1}$ makes every direction equally curved,
turning the elongated valley into a round bowl.

### Pure Newton on Rosenbrock

Take full Newton steps, $\alpha = 1$ every time, from the standard start $(-1.2, 1)$:
"""),
    code(r"""
def pure_newton(gradient, hessian, x, steps):
    '''Newton's method with step length 1 and the true Hessian: no safeguards at all.'''
    path = [np.array(x, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - np.linalg.solve(hessian(path[-1]), gradient(path[-1])))
    return np.array(path)


rosen_pure = pure_newton(rosen.gradient, rosen.hessian, [-1.2, 1.0], 6)
for k, x in enumerate(rosen_pure):
    print(f"k = {k}: x = ({x[0]:+.6f}, {x[1]:+.6f}), f = {rosen.value(x):.3g}")
"""),
    md(r"""
Six steps to the minimum (gradient descent needs thousands here). But look at step 2: $f$ jumped
from 4.7 to about 1400. Pure Newton does not try to go downhill; it looks for a point where
$\nabla f = 0$. That is exactly the weakness section 4 exploits. First, the speed.

## 3. Quadratic convergence, in a table

How fast a method converges near a minimiser $x^*$ is measured by how the error
$e_k = \lVert x_k - x^*\rVert$ shrinks:

| rate | definition | the digits |
|---|---|---|
| linear | $e_{k+1} \le c\,e_k$ with $c < 1$ | gain a fixed number per step |
| superlinear | $e_{k+1}/e_k \to 0$ | gain more and more per step |
| quadratic | $e_{k+1} \le C\,e_k^2$ | double per step |

Gradient descent is linear (with $c$ close to 1 when $\kappa$ is large). Newton's method is quadratic
near a minimiser where $\nabla^2 f$ is positive definite and Lipschitz (Nocedal and Wright,
section 3.3). BFGS, in section 6, is superlinear.

Here are the three, each with its line search, on a smooth convex function from Boyd and
Vandenberghe's *Convex Optimization* (chapter 9),
$f(x) = e^{x_1 + 3x_2 - 0.1} + e^{x_1 - 3x_2 - 0.1} + e^{-x_1 - 0.1}$, whose minimiser is
$x^* = (-\tfrac12\ln 2,\ 0)$. `optcourse.derivatives.sympy_functions` turns the formula into $f$,
$\nabla f$ and $\nabla^2 f$.
"""),
    code(r"""
x1, x2 = sp.symbols("x1 x2")
tenth = sp.Rational(1, 10)
boyd = sympy_functions(sp.exp(x1 + 3 * x2 - tenth) + sp.exp(x1 - 3 * x2 - tenth) + sp.exp(-x1 - tenth), [x1, x2])
x_star = np.array([-math.log(2) / 2, 0.0])
print("gradient at x*:", boyd.gradient(x_star))

start = np.array([-1.5, 0.8])
races = {}
for method in ("gd", "bfgs", "newton"):
    hess = boyd.hessian if method == "newton" else None
    races[method] = minimize(boyd.value, start, jac=boyd.gradient, hess=hess, method=method, options={"gtol": 1e-12})
errors_by_method = {m: np.linalg.norm(res.path - x_star, axis=1) for m, res in races.items()}


def shown(error):
    return "" if error is None else ("< 1e-13" if error < 1e-13 else f"{error:.1e}")


print("\n k   gradient descent        BFGS      Newton")
for k in range(13):
    row = [errors_by_method[m][k] if k < len(errors_by_method[m]) else None for m in ("gd", "bfgs", "newton")]
    print(f"{k:2d}   {shown(row[0]):>16}   {shown(row[1]):>9}   {shown(row[2]):>9}")
"""),
    md(r"""
Gradient descent's error shrinks by about the same factor at every step. BFGS starts like gradient
descent and then accelerates. Newton's exponents go $-1, -2, -3, -6, -12$: once close, the digits
double. On a log scale the difference is between a straight line and a cliff; the ratio of
successive errors tells the three rates apart:
"""),
    code(r"""
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
names = {"gd": "gradient descent", "bfgs": "BFGS", "newton": "Newton"}
for method, errors in errors_by_method.items():
    left.semilogy(np.maximum(errors, 1e-17), label=names[method], **line_kwargs(method, len(errors)))
left.set(xlabel="iteration k", ylabel="‖x_k − x*‖", ylim=(1e-17, 10), title="Error per iteration")
left.legend(fontsize=8)
for method, errors in errors_by_method.items():
    useful = errors[1:] > 1e-13                                   # ratios of rounding errors mean nothing
    ratios = (errors[1:] / errors[:-1])[useful][:20]
    right.plot(ratios, label=names[method], **line_kwargs(method, len(ratios)))
right.set(xlabel="iteration k", ylabel="e_(k+1) / e_k", ylim=(0, 1.1), title="Ratio of successive errors")
right.legend(fontsize=8)
plt.show()
print(f"gradient descent needed {races['gd'].nit} iterations, BFGS {races['bfgs'].nit}, Newton {races['newton'].nit}")
newton_errors = errors_by_method["newton"]
print("Newton's e_(k+1) / e_k²:", np.round(newton_errors[1:6] / newton_errors[:5] ** 2, 2))
"""),
    md(r"""
Gradient descent's ratio settles at a constant, about 0.63: linear convergence, the same factor
every step. BFGS's ratio falls towards 0: superlinear. Newton's falls fastest, and its
$e_{k+1}/e_k^2$ stays bounded (about 1 here): quadratic. A quadratic rate shows only near the
solution; far away, Newton's steps can be poor, or worse, as the next section shows.

## 4. When Newton fails, and the fixes

### 4.1 Steps that are too long

Minimise the convex function $F(x) = x \arctan x - \tfrac12 \ln(1 + x^2)$. Its derivative is
$F'(x) = \arctan x$ and its second derivative $F''(x) = 1/(1 + x^2) > 0$: a single minimum at 0,
positive curvature everywhere, as nice as a function gets. Newton's step for minimising $F$ is
Newton's step for the root of $F' = \arctan$:
"""),
    code(r"""
def F(x):
    return x * np.arctan(x) - 0.5 * np.log1p(x * x)


def F_slope(x):
    return np.arctan(x)


def F_curvature(x):
    return 1.0 / (1.0 + x * x)


for x0 in (1.3, 1.5):
    newton_path = newton_root(F_slope, F_curvature, x0, maxiter=6).path
    print(f"x0 = {x0}: " + ", ".join(f"{x:.4g}" for x in newton_path))
"""),
    md(r"""
From 1.3 Newton converges to 0; from 1.5 each step overshoots further than the last. Far from 0,
$F$ is almost a straight line (slope near $\pm\pi/2$) and its curvature almost 0, so the model
$m(p) = F + F'p + \tfrac12 F''p^2$ is a very wide parabola whose bottom lies far away. The model
was trusted far beyond where it describes $F$.
"""),
    code(r"""
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4), layout="constrained")
xs = np.linspace(-6, 6, 400)
left.plot(xs, F(xs), color="black", linewidth=1.8)
path_15 = newton_root(F_slope, F_curvature, 1.5, maxiter=3).path
left.plot(path_15, F(path_15), "o--", color=PALETTE["rose"], markeredgecolor="black", label="Newton from 1.5")
for k, x in enumerate(path_15):
    left.annotate(f"$x_{k}$", (x, F(x)), textcoords="offset points", xytext=(6, -4), fontsize=9)
left.set(xlabel="x", ylabel="F(x)", title="F(x) = x arctan x − ½ ln(1 + x²)", xlim=(-6, 6), ylim=(-0.3, 8))
left.legend(fontsize=8)
for x0, colour in ((1.3, PALETTE["teal"]), (1.5, PALETTE["rose"])):
    path = newton_root(F_slope, F_curvature, x0, maxiter=6).path
    right.semilogy(np.maximum(np.abs(path), 1e-17), "o-", color=colour, markeredgecolor="black",
                   label=f"x0 = {x0}")
right.set(xlabel="step k", ylabel="|x_k − x*|", title="Distance to the minimum 0")
right.legend(fontsize=8)
plt.show()
"""),
    md(r"""
Try it yourself. The widget runs Newton's method for a **root** (of $\arctan$, and of four other
functions). Move $x_0$ between 1.3 and 1.5 and watch the tangent steps change from converging to
running away. The other functions show the other ways the root iteration can go: Newton's own cubic
(fast), a cubic where the iterates cycle between 0 and 1 forever, a double root (slow, as in
Exercise 1), and the cube root, where every step doubles the distance.
"""),
    code(r"""
NewtonRootWidget("arctan x", x0=1.45, steps=6, dpi=72)
"""),
    md(r"""
### Exercise 2 (2 points): the edge of convergence

Somewhere between 1.3 and 1.5 lies the edge $x_c$. Because $\arctan$ is odd, a start from which
one Newton step lands exactly on $-x_c$ bounces between $x_c$ and $-x_c$ forever; starts closer to 0
converge and starts further out run away.

1. Write the condition "one Newton step from $x$ lands on $-x$" as an equation $g(x) = 0$.
2. Differentiate $g$ by hand.
3. Find $x_c$ with `newton_root` (Newton's method, to find where Newton's method fails) and store it
   in `x_edge` as a float.
"""),
    answer("newton-edge", r'''
### BEGIN SOLUTION
def bounce_gap(x):
    return 2 * x - (1 + x * x) * math.atan(x)      # x - (1 + x^2) atan(x) = -x


def bounce_gap_slope(x):
    return 1 - 2 * x * math.atan(x)


x_edge = newton_root(bounce_gap, bounce_gap_slope, 1.4).root
### END SOLUTION
print(f"x_edge = {x_edge:.10f}")
'''),
    tests("newton-edge-tests", 2, r'''
check("newton-edge", x_edge)
### BEGIN HIDDEN TESTS
assert isinstance(x_edge, float)
assert abs(x_edge - 1.3917452002707349) < 1e-9
### END HIDDEN TESTS
'''),
    md(r"""
**The fix: a step length.** Keep Newton's *direction* $p_k = -F'(x_k)/F''(x_k)$ but choose how far
to go: $x_{k+1} = x_k + \alpha_k p_k$, with $\alpha_k$ shrunk until $F$ decreases enough. This is
*damped* Newton. Section 5 makes "enough" precise (the Armijo condition); here is its simplest form,
`optcourse.linesearch.armijo_backtracking`, which tries $\alpha = 1, \tfrac12, \tfrac14, \dots$ :
"""),
    code(r"""
def damped_newton_1d(x, steps):
    '''Newton's direction for F, with the first of 1, 1/2, 1/4, ... that decreases F enough.'''
    rows = [(x, None)]
    for _ in range(steps):
        slope = np.array([F_slope(x)])
        if slope[0] == 0.0:                    # at the minimum already: no direction to search along
            break
        direction = -slope / F_curvature(x)
        search = armijo_backtracking(lambda z: F(z[0]), np.array([x]), direction, F(x), slope)
        x = x + search.alpha * direction[0]
        rows.append((x, search.alpha))
    return rows


for x0 in (1.5, 10.0):
    print(f"x0 = {x0}:  " + ",  ".join(f"{x:.3g}" + ("" if a is None else f" (α={a:g})")
                                       for x, a in damped_newton_1d(x0, 10)))
"""),
    md(r"""
The first steps are cut back ($\alpha < 1$), and once the iterates are close, $\alpha = 1$ passes the
test and the quadratic rate returns. Damping costs nothing where pure Newton works and saves it
where it does not.

### 4.2 An indefinite Hessian

Newton's step goes to a point where the *model's* gradient is zero, and the model of a saddle is a
saddle. Write the step in the eigenvectors $v_i$ of $\nabla^2 f$ (eigenvalues $\lambda_i$):

$$p^N = -\sum_i \frac{v_i^\top \nabla f}{\lambda_i}\, v_i .$$

Along an eigenvector with $\lambda_i > 0$ the step goes downhill, like gradient descent divided by
the curvature. Along one with $\lambda_i < 0$ the sign flips and the step goes **uphill**, towards
the maximum of the model in that direction. Two things can go wrong: Newton's method converges to
a saddle point (a point where $\nabla f = 0$ is all it wants), and the direction $p^N$ can point
uphill, $\nabla f^\top p^N > 0$, so no step length along it decreases $f$.

The tilted double well $f(x, y) = (x^2 - 1)^2 + x/2 + y^2$ of lesson 04 (where momentum carried a
ball over its ridge) has two minima and a saddle near $x = 0.13$; $\partial^2 f/\partial x^2 = 12x^2 - 4$ is negative in the strip
$|x| < 1/\sqrt3$.
"""),
    code(r"""
well = get_surface("double_well")          # (x² − 1)² + x/2 + y²
start_well = np.array([0.3, 1.0])
well_pure = pure_newton(well.gradient, well.hessian, start_well, 8)
print(f"pure Newton from (0.3, 1) ends at ({well_pure[-1][0]:.4f}, {well_pure[-1][1]:.4f}), "
      f"|∇f| = {np.linalg.norm(well.gradient(well_pure[-1])):.1e}, "
      f"eigenvalues of ∇²f there: {np.round(np.linalg.eigvalsh(well.hessian(well_pure[-1])), 3)}")

x_up = np.array([0.3, 0.1])
g_up, H_up = well.gradient(x_up), well.hessian(x_up)
p_up = -np.linalg.solve(H_up, g_up)
print(f"\nat (0.3, 0.1): eigenvalues {np.linalg.eigvalsh(H_up)}, Newton direction p = {np.round(p_up, 4)}")
print(f"  slope along p: ∇f·p = {g_up @ p_up:+.4f} (> 0: uphill)")
print(f"  f(x) = {well.value(x_up):.4f}, f(x + 0.1 p) = {well.value(x_up + 0.1 * p_up):.4f}")
"""),
    md(r"""
**The fix: modify the Hessian.** Replace $\nabla^2 f_k$ by $\nabla^2 f_k + \tau I$ with $\tau \ge 0$
just large enough to make it positive definite. Adding $\tau I$ adds $\tau$ to every eigenvalue, so
the negative ones become positive, and then

$$p = -(\nabla^2 f_k + \tau I)^{-1}\nabla f_k \quad\text{has}\quad \nabla f_k^\top p =
-\nabla f_k^\top (\nabla^2 f_k + \tau I)^{-1} \nabla f_k < 0:$$

always downhill. A large $\tau$ turns the step into a short gradient-descent step; $\tau = 0$ leaves
Newton's step alone where it is fine. A $\tau$ just past the most negative eigenvalue makes a long
step along that eigenvector, the direction of negative curvature, along which $f$ falls faster and
faster; the line search then decides how far to go. Nocedal and Wright's Algorithm 3.3, in
`optcourse.minimize.cholesky_with_added_identity`, finds $\tau$ by trying a Cholesky factorisation
(which succeeds exactly when the matrix is positive definite) and doubling $\tau$ until it does.
`minimize(method="newton")` uses it together with a line search:
"""),
    code(r"""
L_up, tau_up = cholesky_with_added_identity(H_up)
p_fixed = -np.linalg.solve(H_up + tau_up * np.eye(2), g_up)
unit = p_fixed / np.linalg.norm(p_fixed)
print(f"at (0.3, 0.1): tau = {tau_up:.3f}, eigenvalues of ∇²f + tau I: {np.round(np.linalg.eigvalsh(H_up) + tau_up, 3)}")
print(f"  modified direction, scaled to length 1: ({unit[0]:.4f}, {unit[1]:.4f}), slope ∇f·p/|p| = {g_up @ unit:+.4f} (downhill)")

well_fixed = minimize(well.value, start_well, jac=well.gradient, hess=well.hessian, method="newton")
print(f"modified Newton with a line search from (0.3, 1): ends at ({well_fixed.x[0]:.4f}, "
      f"{well_fixed.x[1]:.4f}), a minimum, after {well_fixed.nit} iterations "
      f"({well_fixed.hessian_shifts} needed tau > 0)")

fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained", dpi=72)
draw_landscape(ax, well, n=120, levels=20)
ax.axvspan(-1 / math.sqrt(3), 1 / math.sqrt(3), color=PALETTE["sand"], alpha=0.35, zorder=1,
           label="∇²f indefinite")
ax.plot(well_pure[:, 0], well_pure[:, 1], label="pure Newton", **line_kwargs("newton"))
ax.plot(well_fixed.path[:, 0], well_fixed.path[:, 1], label="modified Newton + line search", **line_kwargs("bfgs"))
ax.plot(*start_well, "o", markersize=9, markerfacecolor="white", markeredgecolor="black", zorder=7)
ax.plot([well_pure[-1][0]], [0.0], "X", markersize=10, color=PALETTE["wine"], markeredgecolor="black",
        zorder=7, label="the saddle")
ax.legend(fontsize=8, loc="lower left")
ax.grid(False)
ax.set_title("Double well: pure Newton finds the saddle", fontsize=10)
plt.show()
"""),
    md(r"""
(Other repairs change the eigenvalues instead: replacing each $\lambda_i$ by $|\lambda_i|$ turns the
uphill component downhill. This is the *saddle-free Newton* method that Dauphin et al. (2014)
proposed for neural networks, whose Hessians are full of negative eigenvalues, as lesson 02 counted.)

### 4.3 The cost

Even with both fixes, each Newton step needs the Hessian ($n(n+1)/2$ second derivatives) and the
solution of an $n \times n$ linear system: about $n^3/3$ floating-point operations for the Cholesky
factorisation, and $8n^2$ bytes to store the matrix in double precision.
"""),
    code(r"""
def in_bytes(size):
    '''A number of bytes in kB, MB, GB, TB or PB.'''
    for unit, scale in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size:.0f} B"


for n in (1_000, 1_000_000, 100_000_000):
    print(f"n = {n:>11,}: Cholesky ≈ {n**3 / 3:.1e} operations, the Hessian takes {in_bytes(8 * n * n)}")
"""),
    md(r"""
A network with a million weights is small today; its Hessian would take 8 terabytes. Quasi-Newton
methods (section 6) avoid both the second derivatives and the solve. But first, the step length.

## 5. Line searches: how far to go

Every method from now on picks a direction $p_k$ (downhill: $\nabla f_k^\top p_k < 0$) and then a
step length $\alpha_k > 0$ along it. That is a one-dimensional problem in

$$\phi(\alpha) = f(x_k + \alpha p_k), \qquad \phi'(\alpha) = \nabla f(x_k + \alpha p_k)^\top p_k,
\qquad \phi'(0) < 0 .$$

Minimising $\phi$ exactly is wasteful. Instead we ask for two things, with constants
$0 < c_1 < c_2 < 1$:

1. **Sufficient decrease (Armijo 1966).** $\phi(\alpha) \le \phi(0) + c_1\,\alpha\,\phi'(0)$: $f$
   must drop by at least a fraction $c_1$ of what the slope at 0 promises. The right side is a line
   through $\phi(0)$, less steep than the tangent; acceptable steps lie where $\phi$ is below it.
   This rules out steps that are too long, like pure Newton's from $x = 1.5$. Typically $c_1 = 10^{-4}$.
2. **Curvature (Wolfe 1969).** $\phi'(\alpha) \ge c_2\,\phi'(0)$: at the new point the slope must be
   less steep than a fraction $c_2$ of the starting slope. A tiny step satisfies Armijo but not this:
   where $\phi$ still drops steeply, we should have gone further. Typically $c_2 = 0.9$ for Newton and
   quasi-Newton methods, 0.1 for conjugate gradient (lesson 07).

Together they are the **Wolfe conditions**. The **strong Wolfe conditions** replace the second by
$|\phi'(\alpha)| \le c_2|\phi'(0)|$, which also rejects steps that land on a steep uphill slope,
far past the minimum of $\phi$.

Below is a real $\phi$: Rosenbrock's function along the steepest-descent direction from $(-1.2, 1)$
(normalised to length 1). It has a small dip right away, a hump, and a deep valley past
$\alpha = 2.6$. The bands underneath mark where each condition holds, first with the usual
constants, then with $c_1 = 0.1$, $c_2 = 0.2$.
"""),
    code(r"""
x_ls = np.array([-1.2, 1.0])
p_ls = -rosen.gradient(x_ls) / np.linalg.norm(rosen.gradient(x_ls))
alphas = np.linspace(0.005, 3.0, 600)
points = x_ls + alphas[:, None] * p_ls
phi, dphi = rosen.value(points), rosen.gradient(points) @ p_ls
phi0, dphi0 = rosen.value(x_ls), rosen.gradient(x_ls) @ p_ls

fig = plt.figure(figsize=(11, 4.6), layout="constrained")
grid = fig.add_gridspec(2, 2, height_ratios=[4, 1])
for column, (c1, c2) in enumerate([(1e-4, 0.9), (0.1, 0.2)]):
    top = fig.add_subplot(grid[0, column])
    bottom = fig.add_subplot(grid[1, column], sharex=top)
    masks = draw_step_conditions(top, bottom, alphas, phi, dphi, phi0, dphi0, c1, c2, legend=column == 1)
    top.set_title(f"c1 = {c1:g}, c2 = {c2:g}", fontsize=10)
    print(f"c1 = {c1:g}, c2 = {c2:g}")
    for name, mask in masks.items():
        print(f"   {name:>12}: " + ", ".join(f"[{lo:.3f}, {hi:.3f}]" for lo, hi in step_intervals(alphas, mask)))
plt.show()
"""),
    md(r"""
With $c_1 = 10^{-4}$ the Armijo line is almost flat, so nearly every step that lowers $f$ passes,
including the far valley. The curvature condition removes only the tiny steps at the start, where
$\phi$ still plunges. With $c_1 = 0.1$ the Armijo line falls steeply enough to cut off the far
valley; with $c_2 = 0.2$ the curvature condition asks for a slope five times flatter than at the
start, which removes more of the short steps, and the strong condition also rejects the steps on the
rising side of the dip, where the slope is steeply positive.

Two searches from `optcourse.linesearch` with the usual constants, both starting from $\alpha_0 = 1$:
"""),
    code(r"""
f0, g0 = rosen.value(x_ls), rosen.gradient(x_ls)
backtrack = armijo_backtracking(rosen.value, x_ls, p_ls, f0, g0, alpha0=1.0)
wolfe = wolfe_line_search(rosen.value, rosen.gradient, x_ls, p_ls, f0, g0, alpha0=1.0)
print(f"backtracking (α = 1, 1/2, 1/4, ...): α = {backtrack.alpha:.4f} after {backtrack.nfev} evaluations of f")
print(f"strong Wolfe search:               α = {wolfe.alpha:.4f} after {wolfe.nfev} evaluations of f and ∇f")
"""),
    md(r"""
**Backtracking** (Nocedal and Wright, Algorithm 3.1) needs no curvature condition: it starts from a
step that is long enough ($\alpha_0 = 1$ for Newton, the step the model asks for) and shrinks it by a
factor $\rho$ only while sufficient decrease fails, so it never ends up much shorter than it must.
The **Wolfe search** (Algorithms 3.5 and 3.6) can also *extend* a step: it brackets an interval that
must contain an acceptable step, then zooms in by cubic interpolation. Quasi-Newton methods need it,
for a reason given just after the widget below.

### Exercise 3 (2 points): backtracking

Write `armijo_step(f, x, p, fx, gx, alpha0=1.0, c1=1e-4, rho=0.5)`: starting from `alpha0`, multiply
the step by `rho` until the Armijo condition $f(x + \alpha p) \le f_x + c_1\,\alpha\,g_x^\top p$
holds, and return that $\alpha$ (a float). `fx` and `gx` are $f$ and $\nabla f$ at `x`; `p` is a
descent direction.
"""),
    answer("armijo-step", r'''
def armijo_step(f, x, p, fx, gx, alpha0=1.0, c1=1e-4, rho=0.5):
    """The first of alpha0, rho alpha0, rho^2 alpha0, ... with sufficient decrease."""
    ### BEGIN SOLUTION
    promised_rate = float(gx @ p)            # phi'(0) < 0
    candidate = float(alpha0)
    while f(x + candidate * p) > fx + c1 * candidate * promised_rate:
        candidate *= rho
    return candidate
    ### END SOLUTION
'''),
    tests("armijo-step-tests", 2, r'''
check("armijo-step", armijo_step)
### BEGIN HIDDEN TESTS
quartic = lambda z: float(np.sum(z**4))
# by hand: from (1, 1) along -grad = (-4, -4): alpha = 1 gives 162, 1/2 gives 2, 1/4 gives 0
assert armijo_step(quartic, np.array([1.0, 1.0]), np.array([-4.0, -4.0]), 2.0, np.array([4.0, 4.0])) == 0.25
# with rho = 0.3: 1 fails (162), 0.3 gives 2 * (1 - 1.2)**4 = 0.0032, which passes
assert abs(armijo_step(quartic, np.array([1.0, 1.0]), np.array([-4.0, -4.0]), 2.0, np.array([4.0, 4.0]),
                       rho=0.3) - 0.3) < 1e-15
# a step that passes at once is returned unchanged
assert armijo_step(lambda z: float(z @ z), np.array([2.0]), np.array([-2.0]), 4.0, np.array([4.0]), 1.0) == 1.0
# against optcourse on steps it has not seen
hidden_rng = np.random.default_rng(77)
bumpy = lambda z: float(np.sum(np.cos(3 * z) + z**2))
bumpy_grad = lambda z: -3 * np.sin(3 * z) + 2 * z
for _ in range(4):
    z0 = hidden_rng.normal(size=3)
    g_here = bumpy_grad(z0)
    for a0, c_1, r_ho in ((1.0, 1e-4, 0.5), (3.0, 0.4, 0.7)):
        mine = armijo_step(bumpy, z0, -g_here, bumpy(z0), g_here, a0, c_1, r_ho)
        theirs = armijo_backtracking(bumpy, z0, -g_here, bumpy(z0), g_here, alpha0=a0, c1=c_1, rho=r_ho).alpha
        assert abs(mine - theirs) <= 1e-12 * theirs
### END HIDDEN TESTS
'''),
    md(r"""
Now explore. Turn the direction away from $-\nabla f$, change $c_1$ and $c_2$, and move the first
trial step $\alpha_0$. Things to try: with $c_1 = 10^{-4}$, $c_2 = 0.9$ and $\alpha_0 = 1$, the
backtracking search stops at 0.25 in the first dip. Raise $\alpha_0$ to 3 and it lands in the far
valley instead: what backtracking returns depends on where it starts. Then set $c_2$ below $c_1$.
"""),
    code(r"""
LineSearchWidget(angle_degrees=0.0, c1=1e-4, c2=0.9, alpha0=1.0, dpi=72)
"""),
    md(r"""
One more consequence of the curvature condition, and the reason quasi-Newton methods need it. Write
the step as $s_k = x_{k+1} - x_k = \alpha_k p_k$ and the change of gradient as
$y_k = \nabla f_{k+1} - \nabla f_k$. Then

$$y_k^\top s_k = \alpha_k\big(\phi'(\alpha_k) - \phi'(0)\big) \ge \alpha_k (c_2 - 1)\,\phi'(0) > 0,$$

because $\phi'(\alpha_k) \ge c_2\phi'(0)$, $c_2 < 1$ and $\phi'(0) < 0$. **A Wolfe step always has
$y_k^\top s_k > 0$**: along the step, the slope increased, so $f$ curved upwards on average. Keep
this in mind.

## 6. Quasi-Newton: learning the curvature from gradients

### 6.1 The secant condition

The gradient changes along a step by the Hessian averaged along it (the fundamental theorem of
calculus applied to $\nabla f$):

$$y_k = \nabla f(x_k + s_k) - \nabla f(x_k) = \Big(\int_0^1 \nabla^2 f(x_k + t s_k)\,dt\Big)\, s_k \;\approx\; \nabla^2 f(x_k)\,s_k .$$

So every step we take *measures* the curvature along $s_k$, for the price of a gradient we
needed anyway. On Rosenbrock, whose Hessian is a quadratic polynomial along any line, Simpson's rule
computes the average exactly:
"""),
    code(r"""
x_a = np.array([-1.0, 1.2])
s_ab = np.array([0.05, -0.02])
y_ab = rosen.gradient(x_a + s_ab) - rosen.gradient(x_a)
average_hessian = (rosen.hessian(x_a) + 4 * rosen.hessian(x_a + s_ab / 2) + rosen.hessian(x_a + s_ab)) / 6
print("y                          =", np.round(y_ab, 6))
print("∇²f(x_k) s                 =", np.round(rosen.hessian(x_a) @ s_ab, 6))
print("(average of ∇²f on the step) s =", np.round(average_hessian @ s_ab, 6))
"""),
    md(r"""
A quasi-Newton method keeps a matrix $B_k \approx \nabla^2 f_k$ (or $H_k \approx (\nabla^2 f_k)^{-1}$),
moves along $p_k = -B_k^{-1}\nabla f_k = -H_k \nabla f_k$, and after each step demands that the
new matrix reproduce what was just measured, the **secant condition**:

$$B_{k+1}\, s_k = y_k \qquad\Longleftrightarrow\qquad H_{k+1}\, y_k = s_k .$$

In one dimension this fixes $B_{k+1} = (f'(x_{k+1}) - f'(x_k))/(x_{k+1} - x_k)$, the slope of the
secant line through two points of $f'$, hence the name: Newton's method with the derivative replaced
by a difference quotient is the secant method, which converges with order $(1 + \sqrt5)/2 \approx 1.618$.
In $n$ dimensions the secant condition gives $n$ equations for the $n(n+1)/2$ entries of a symmetric
matrix, so there are many solutions. The quasi-Newton methods pick the one **closest to the previous
matrix**, changing it as little as the new information requires. Two additional requirements:
$H_{k+1}$ must stay symmetric and positive definite (so that $p$ is always downhill), which is
possible only if $y_k^\top s_k > 0$ (multiply $H_{k+1}y_k = s_k$ by $y_k^\top$). Section 5 showed that
a Wolfe line search guarantees exactly that.

### 6.2 DFP and BFGS

**DFP** (Davidon 1959, Fletcher and Powell 1963), the first quasi-Newton method, updates the
approximation of the **inverse** Hessian by a rank-two correction:

$$H_{k+1} = H_k - \frac{H_k y_k y_k^\top H_k}{y_k^\top H_k y_k} + \frac{s_k s_k^\top}{y_k^\top s_k}.$$

**BFGS** (Broyden, Fletcher, Goldfarb and Shanno, four papers in 1970) applies the same formula to
the **Hessian** approximation $B$, with the roles of $s$ and $y$ swapped:

$$B_{k+1} = B_k - \frac{B_k s_k s_k^\top B_k}{s_k^\top B_k s_k} + \frac{y_k y_k^\top}{y_k^\top s_k}.$$

Solving with $B_{k+1}$ would cost $O(n^3)$, so in practice BFGS is run on $H = B^{-1}$. Inverting
the update (Sherman-Morrison-Woodbury) gives, with $\rho_k = 1/(y_k^\top s_k)$,

$$\boxed{H_{k+1} = \big(I - \rho_k s_k y_k^\top\big)\, H_k\, \big(I - \rho_k y_k s_k^\top\big) + \rho_k s_k s_k^\top}$$

Multiplied out, it needs only $H_k y_k$ and outer products: $O(n^2)$ operations. Let us check the
claims numerically with `optcourse.minimize`'s updates: both satisfy the secant equation, and the
inverse-form BFGS update is the inverse of the Hessian-form one.
"""),
    code(r"""
rng = np.random.default_rng(0)
M = rng.normal(size=(4, 4))
H_old = M @ M.T + 4 * np.eye(4)                          # symmetric positive definite
s_k = rng.normal(size=4)
y_k = s_k + 0.3 * rng.normal(size=4)
print(f"y's = {y_k @ s_k:.3f} > 0")

B_old = np.linalg.inv(H_old)
Bs = B_old @ s_k
B_new = B_old - np.outer(Bs, Bs) / (s_k @ Bs) + np.outer(y_k, y_k) / (y_k @ s_k)   # BFGS, Hessian form
H_bfgs, H_dfp = bfgs_inverse_update(H_old, s_k, y_k), dfp_inverse_update(H_old, s_k, y_k)

print("BFGS: H_new y = s:", np.allclose(H_bfgs @ y_k, s_k), "| H_new = inverse of B_new:",
      np.allclose(H_bfgs, np.linalg.inv(B_new)), "| positive definite:", bool(np.linalg.eigvalsh(H_bfgs).min() > 0))
print("DFP:  H_new y = s:", np.allclose(H_dfp @ y_k, s_k), "| positive definite:",
      bool(np.linalg.eigvalsh(H_dfp).min() > 0))
print("the two updates differ:", not np.allclose(H_bfgs, H_dfp))
"""),
    md(r"""
Why positive definite? For any $z \ne 0$, put $w = z - \rho_k y_k (s_k^\top z)$; the boxed formula gives
$z^\top H_{k+1} z = w^\top H_k w + \rho_k (s_k^\top z)^2$. Both terms are $\ge 0$ when $H_k$ is positive
definite and $\rho_k > 0$, and they cannot both vanish (if $s_k^\top z = 0$ then $w = z \ne 0$).

### Exercise 4 (3 points): the BFGS update

Write `bfgs_update(H, s, y)` returning $H_{k+1}$ by the boxed formula, as a **new** array (leave `H`
unchanged). Any correct form is accepted; the $O(n^2)$ form is a bonus, not a requirement.
"""),
    answer("bfgs-update", r'''
def bfgs_update(H, s, y):
    """The BFGS update of the inverse Hessian approximation H with the step s and gradient change y."""
    ### BEGIN SOLUTION
    H_times_y = H @ y
    curvature_inverse = 1.0 / float(y @ s)
    symmetric_part = np.outer(s, H_times_y) + np.outer(H_times_y, s)
    scale_ss = curvature_inverse**2 * float(y @ H_times_y) + curvature_inverse
    return H - curvature_inverse * symmetric_part + scale_ss * np.outer(s, s)
    ### END SOLUTION
'''),
    tests("bfgs-update-tests", 3, r'''
check("bfgs-update", bfgs_update)
### BEGIN HIDDEN TESTS
hidden = np.random.default_rng(1234)
for size in (3, 7):
    root_h = hidden.normal(size=(size, size))
    H_in = root_h @ root_h.T + 0.5 * np.eye(size)
    step_s = hidden.normal(size=size)
    change_y = 2.0 * step_s + 0.4 * hidden.normal(size=size)
    assert change_y @ step_s > 0
    kept = H_in.copy()
    H_out = np.asarray(bfgs_update(H_in, step_s, change_y))
    assert np.array_equal(H_in, kept)                                # the input is untouched
    assert H_out.shape == (size, size)
    np.testing.assert_allclose(H_out @ change_y, step_s, rtol=1e-8, atol=1e-10)   # secant equation
    np.testing.assert_allclose(H_out, H_out.T, rtol=1e-10, atol=1e-12)            # symmetric
    assert np.linalg.eigvalsh(H_out).min() > 0                                    # positive definite
    r_k = 1.0 / (change_y @ step_s)
    V = np.eye(size) - r_k * np.outer(change_y, step_s)
    np.testing.assert_allclose(H_out, V.T @ H_in @ V + r_k * np.outer(step_s, step_s), rtol=1e-9, atol=1e-10)
    B_in = np.linalg.inv(H_in)
    B_out = B_in + np.outer(change_y, change_y) * r_k - np.outer(B_in @ step_s, step_s @ B_in) / (step_s @ B_in @ step_s)
    np.testing.assert_allclose(np.linalg.inv(B_out), H_out, rtol=1e-7, atol=1e-9)  # the explicit BFGS matrix
# hand-worked: H = I, s = (1, 0), y = (2, 1): rho = 1/2, V = I - rho y s' = [[0, 0], [-1/2, 1]],
# V'V + rho s s' = [[1/4, -1/2], [-1/2, 1]] + [[1/2, 0], [0, 0]]
np.testing.assert_allclose(bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([2.0, 1.0])),
                           [[0.75, -0.5], [-0.5, 1.0]], atol=1e-14)
### END HIDDEN TESTS
'''),
    md(r"""
### 6.3 BFGS and DFP on Rosenbrock

`minimize(method="bfgs")` and `method="dfp"` run these updates with a strong Wolfe line search
($c_2 = 0.9$), starting from $H_0 = I$ (rescaled to the size of the first measured curvature,
$\frac{y_0^\top s_0}{y_0^\top y_0} I$, before the first update). Newton with the modified Hessian and
a line search is the reference.
"""),
    code(r"""
rosen_problem = extended_rosenbrock(2)
contenders = {
    "Newton": ("newton", {}),
    "BFGS": ("bfgs", {}),
    "DFP": ("dfp", {"maxiter": 2000}),
    "DFP, c2 = 0.1": ("dfp", {"c2": 0.1}),
}
rosen_runs = {}
print(f"{'method':>14}  iterations  f evals  ∇f evals  ∇²f evals   final f")
for label, (method, options) in contenders.items():
    hess = rosen_problem.hess if method == "newton" else None
    res = minimize(rosen_problem.fun, rosen_problem.x0, jac=rosen_problem.grad, hess=hess, method=method,
                   options=options)
    rosen_runs[label] = res
    final = "< 1e-10" if res.fun < 1e-10 else f"{res.fun:.1e}"
    counts = [res.nit, res.nfev, res.njev] if label != "DFP" else ["> 150"] * 3    # see below the table
    print(f"{label:>14}  {counts[0]:>10}  {counts[1]:>7}  {counts[2]:>8}  {res.nhev:9d}   {final}")

# DFP with c2 = 0.9 is chaotic: starts that differ in the 16th digit take very different numbers of
# iterations, and so do different CPUs (their arithmetic rounds differently). What holds is a bound.
nudged = [minimize(rosen_problem.fun, rosen_problem.x0 * (1 + 1e-15 * z), jac=rosen_problem.grad, method="dfp",
                   options={"maxiter": 2000}).nit for z in np.random.default_rng(0).normal(size=(10, 2))]
print(f"DFP from 10 starts within 1e-15 of x0: more than 150 iterations every time: {min(nudged) > 150}; "
      f"the counts spread over a factor of more than 2: {max(nudged) > 2 * min(nudged)}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.0), layout="constrained", dpi=72)
draw_landscape(left, rosen, n=120, levels=20, bounds=((-1.6, 1.6), (-0.8, 1.8)))
for label, method in (("Newton", "newton"), ("BFGS", "bfgs"), ("DFP", "dfp")):
    path = rosen_runs[label].path
    left.plot(path[:, 0], path[:, 1], label=f"{label} ({rosen_runs[label].nit} iterations)", **line_kwargs(method))
left.plot(-1.2, 1.0, "o", markersize=9, markerfacecolor="white", markeredgecolor="black", zorder=7)
left.legend(fontsize=8, loc="lower right")
left.grid(False)
left.set_title("Paths from (−1.2, 1)", fontsize=10)
for label, method in (("Newton", "newton"), ("BFGS", "bfgs"), ("DFP", "dfp"), ("DFP, c2 = 0.1", "dfp")):
    values = rosen_runs[label].fun_path
    style = line_kwargs(method, len(values))
    if label == "DFP, c2 = 0.1":
        style.update(linestyle=":", markerfacecolor="white")
    right.semilogy(np.maximum(values, 1e-20), label=label, **style)
right.set(xscale="log", xlabel="iteration (log scale)", ylabel="f(x_k)", ylim=(1e-20, 1e3),
          title="f along the way")
right.legend(fontsize=8)
plt.show()
"""),
    md(r"""
BFGS needs about twice as many iterations as Newton but never computes a second derivative or
solves a linear system. DFP with the same line search needs hundreds of iterations, sometimes
thousands: how many depends on the last digit of the start, and so differs from one CPU to another
(the last line above: ten starts that agree to 15 digits). Its
$H$ went wrong early: within a few steps its smallest eigenvalue fell about a hundred times below
that of the true inverse Hessian, so its steps in that direction became tiny (the long flat stretch
on the right), and DFP repairs such a matrix only very slowly. With a more exact line search
($c_2 = 0.1$) it recovers, at the price of more evaluations per iteration. BFGS has much
better *self-correcting* properties and works well with inexact line searches (Powell 1986; Nocedal
and Wright section 6.1), which is why BFGS replaced DFP.

What has BFGS learned? At the solution, compare its final $H$ with the true inverse Hessian:
"""),
    code(r"""
true_inverse = np.linalg.inv(rosen_problem.hess(np.ones(2)))
print("BFGS's H at the end:\n", np.round(rosen_runs["BFGS"].hess_inv, 3))
print("(∇²f)⁻¹ at (1, 1):\n", np.round(true_inverse, 3))
relative = np.abs(rosen_runs["BFGS"].hess_inv - true_inverse).max() / np.abs(true_inverse).max()
print(f"largest difference, relative to the largest entry: {relative:.0e}")
"""),
    md(r"""
They agree to about four digits: from gradients alone, BFGS has learned the inverse Hessian at the
solution. It does not always get that far, and it does not need to: BFGS converges superlinearly
as long as $H_k$ is right *along the directions it steps in* (the Dennis-Moré condition, 1974).

### 6.4 L-BFGS: BFGS in $O(mn)$ memory

BFGS stores an $n \times n$ matrix: 8 MB for $n = 1000$, 8 TB for a network with a million weights.
**L-BFGS** (Nocedal 1980; Liu and Nocedal 1989) stores only the last $m$ pairs
$(s_i, y_i)$, typically $m = 5$ to $20$, and builds $H_k$ from them afresh at every step, as if
BFGS had started from $H_k^0 = \gamma_k I$ $m$ steps ago, with $\gamma_k = s_{k-1}^\top y_{k-1} / y_{k-1}^\top y_{k-1}$.
It never forms $H_k$: it only needs the product $H_k \nabla f_k$, and the **two-loop recursion**
(Nocedal and Wright, Algorithm 7.4) computes it with $4mn$ multiplications. With $\rho_i = 1/(y_i^\top s_i)$:

$$
\begin{aligned}
&q \leftarrow g \\
&\text{for } i = k-1, k-2, \dots, k-m \text{ (newest first)}: \quad \alpha_i \leftarrow \rho_i\, s_i^\top q, \quad q \leftarrow q - \alpha_i y_i \\
&r \leftarrow \gamma_k\, q \\
&\text{for } i = k-m, \dots, k-1 \text{ (oldest first)}: \quad \beta \leftarrow \rho_i\, y_i^\top r, \quad r \leftarrow r + (\alpha_i - \beta)\, s_i \\
&\text{return } r = H_k\, g
\end{aligned}
$$

Where does it come from? Write the update as $H_{k+1} = V_k^\top H_k V_k + \rho_k s_k s_k^\top$ with
$V_k = I - \rho_k y_k s_k^\top$ and unroll it $m$ times. The first loop applies the $V_i$ from the
newest to the oldest, the middle line applies $H_k^0 = \gamma_k I$, and the second loop applies the
$V_i^\top$ in the reverse order while adding the $\rho_i s_i s_i^\top$ terms.

### Exercise 5 (3 points): the two-loop recursion

Write `two_loop(g, s_list, y_list, gamma=1.0)` that returns $H g$ for the L-BFGS matrix built from
the pairs (`s_list[0]`, `y_list[0]`) (the oldest) to (`s_list[-1]`, `y_list[-1]`) (the newest) and
$H^0 = \gamma I$. Return a new array and do not change `g` or the pairs. With no pairs, the answer is
$\gamma g$.
"""),
    answer("two-loop", r'''
def two_loop(g, s_list, y_list, gamma=1.0):
    """H g for the L-BFGS matrix from the stored pairs (oldest first) and H0 = gamma I, without forming H."""
    ### BEGIN SOLUTION
    work = np.array(g, dtype=float)
    remembered = []
    for s_old, y_old in zip(reversed(s_list), reversed(y_list)):
        rho_old = 1.0 / float(y_old @ s_old)
        alpha_old = rho_old * float(s_old @ work)
        work = work - alpha_old * y_old
        remembered.append(alpha_old)
    work = gamma * work
    for s_old, y_old, alpha_old in zip(s_list, y_list, reversed(remembered)):
        beta_old = float(y_old @ work) / float(y_old @ s_old)
        work = work + (alpha_old - beta_old) * s_old
    return work
    ### END SOLUTION
'''),
    tests("two-loop-tests", 3, r'''
check("two-loop", two_loop)
### BEGIN HIDDEN TESTS
secret = np.random.default_rng(4321)
dim, pairs_m, gam = 7, 4, 0.6
S_hidden = [secret.normal(size=dim) for _ in range(pairs_m)]
Y_hidden = [s_h * secret.uniform(0.3, 4.0, size=dim) + 0.05 * secret.normal(size=dim) for s_h in S_hidden]
assert all(y_h @ s_h > 0 for s_h, y_h in zip(S_hidden, Y_hidden))
grad_hidden = secret.normal(size=dim)
copies = [a.copy() for a in (grad_hidden, *S_hidden, *Y_hidden)]
out = np.asarray(two_loop(grad_hidden, S_hidden, Y_hidden, gam))
assert out.shape == (dim,)
assert all(np.array_equal(a, b) for a, b in zip((grad_hidden, *S_hidden, *Y_hidden), copies))   # inputs untouched
# the explicit matrix: m BFGS updates of gamma I, oldest pair first, then times g
dense = gam * np.eye(dim)
for s_h, y_h in zip(S_hidden, Y_hidden):
    dense = bfgs_inverse_update(dense, s_h, y_h)
np.testing.assert_allclose(out, dense @ grad_hidden, rtol=1e-9, atol=1e-12)
# the newest pair's secant equation: H y = s
np.testing.assert_allclose(two_loop(Y_hidden[-1], S_hidden, Y_hidden, gam), S_hidden[-1], rtol=1e-9, atol=1e-12)
# no pairs: gamma g
np.testing.assert_allclose(two_loop(grad_hidden, [], [], 2.5), 2.5 * grad_hidden, rtol=1e-15)
### END HIDDEN TESTS
'''),
    md(r"""
With a memory at least as long as the run, L-BFGS *is* BFGS: the same pairs, the same matrix. A
check with the library (`scaling="first"` makes L-BFGS keep the first $\gamma$, as BFGS does):
"""),
    code(r"""
full_memory = minimize(rosen_problem.fun, rosen_problem.x0, jac=rosen_problem.grad, method="lbfgs",
                       options={"memory": 100, "scaling": "first"})
same_length = len(full_memory.path) == len(rosen_runs["BFGS"].path)
print(f"L-BFGS with m = 100: {full_memory.nit} iterations, BFGS: {rosen_runs['BFGS'].nit}; same path:",
      same_length and np.allclose(full_memory.path, rosen_runs["BFGS"].path, atol=1e-8))
"""),
    md(r"""
### Exercise 6 (1 point): predict, then check

On a quadratic $f(x) = \tfrac12 x^\top A x - b^\top x$ with the **exact** line search, something
special happens. Before you run anything, predict: for the 6-dimensional quadratic below (the
eigenvalues of $A$ are 1, 2, 4, ..., 32), how many iterations do gradient descent, DFP, BFGS and
L-BFGS with memory $m = 1$ need to reach $\lVert\nabla f\rVert_\infty \le 10^{-10}$? And how close is
BFGS's final $H$ to $A^{-1}$? Write your prediction and your reasons in the cell below (not graded).
"""),
    locked(r"""
rng6 = np.random.default_rng(6)
Q6, _ = np.linalg.qr(rng6.normal(size=(6, 6)))
A6 = Q6 @ np.diag([1.0, 2.0, 4.0, 8.0, 16.0, 32.0]) @ Q6.T
b6 = rng6.normal(size=6)
"""),
    answer("termination-prediction", r"""
The quasi-Newton methods need exactly n = 6 iterations, and BFGS ends with H = A^-1 up to rounding:
with exact line searches on a quadratic they produce conjugate directions and learn A along each of
them, one per step. Gradient descent zig-zags and needs hundreds (the condition number is 32).
L-BFGS with m = 1 also needs 6: with exact line searches it takes the conjugate gradient directions.
""", markdown=True),
    md(r"""
Now check. Run `minimize` with `hess=lambda z: A6` and `options={"line_search": "exact", "gtol": 1e-10}`
(plus `"memory": 1` for L-BFGS) from `np.zeros(6)`. Store the iteration counts in a dict
`iterations` with the keys `"gd"`, `"dfp"`, `"bfgs"` and `"lbfgs (m = 1)"`, and in `inverse_error`
the largest absolute entry of BFGS's `hess_inv` minus $A^{-1}$ (a float).
"""),
    answer("quadratic-termination", r'''
### BEGIN SOLUTION
def exact_on_six(method, **extra):
    return minimize(lambda z: 0.5 * z @ A6 @ z - b6 @ z, np.zeros(6), jac=lambda z: A6 @ z - b6,
                    hess=lambda z: A6, method=method, options={"line_search": "exact", "gtol": 1e-10, **extra})


iterations = {"gd": exact_on_six("gd").nit, "dfp": exact_on_six("dfp").nit, "bfgs": exact_on_six("bfgs").nit,
              "lbfgs (m = 1)": exact_on_six("lbfgs", memory=1).nit}
inverse_error = float(np.abs(exact_on_six("bfgs").hess_inv - np.linalg.inv(A6)).max())
### END SOLUTION
print(iterations)
print("BFGS's H equals A6⁻¹ to 1e-10:", inverse_error < 1e-10)
'''),
    tests("quadratic-termination-tests", 1, r'''
check("quadratic-termination", (iterations, inverse_error))
### BEGIN HIDDEN TESTS
def hidden_exact(method, **more):
    return minimize(lambda v: 0.5 * v @ A6 @ v - b6 @ v, np.zeros(6), jac=lambda v: A6 @ v - b6,
                    hess=lambda v: A6, method=method, options={"line_search": "exact", "gtol": 1e-10, **more})
assert iterations["bfgs"] == iterations["dfp"] == iterations["lbfgs (m = 1)"] == 6
assert iterations["gd"] == hidden_exact("gd").nit and iterations["gd"] > 100
assert float(inverse_error) < 1e-10
assert abs(float(inverse_error) - float(np.abs(hidden_exact("bfgs").hess_inv - np.linalg.inv(A6)).max())) < 1e-12
### END HIDDEN TESTS
'''),
    md(r"""
This is **quadratic termination**: with exact line searches on a quadratic, DFP and BFGS generate
directions that are *conjugate* with respect to $A$, learn $A$ exactly along each, and finish in at
most $n$ steps with $H_n = A^{-1}$ (Nocedal and Wright, chapter 6). L-BFGS does too, even with
$m = 1$: with exact line searches on a quadratic its directions are those of the conjugate gradient
method, the subject of lesson 07. On
non-quadratic functions and with inexact line searches none of this is exact, but it is why these
methods work so well near a minimum, where every smooth function looks quadratic.

## 7. The bill: iterations, evaluations, operations and memory

What does one step cost, apart from evaluating $f$ and $\nabla f$? Counting floating-point
operations to leading order in $n$ (a multiplication or an addition is one operation), and the memory
each method keeps beyond a few vectors:

| method | direction and update | operations per step | memory |
|---|---|---|---|
| gradient descent | $p = -g$ | $n$ | nothing extra |
| Newton | Cholesky of $\nabla^2 f$ ($n^3/3$) and two triangular solves ($2n^2$); plus computing $\nabla^2 f$ | $n^3/3 + 2n^2$ | $n^2$ numbers |
| DFP, BFGS | $Hg$ ($2n^2$), $Hy$ ($2n^2$), two rank-one updates of $H$ ($4n^2$) | $8n^2$ | $n^2$ numbers |
| L-BFGS | two loops of $m$ dot products and $m$ vector updates | $8mn$ | $2mn$ numbers |

A number takes 8 bytes. We count operations rather than measure seconds: timings change from
machine to machine and from run to run, while for large $n$ the time of a step is proportional to
its operation count (and memory traffic). The next cell turns the table into a function and runs every method on
Rosenbrock's function in 2 dimensions and, extended (`optcourse.problems.extended_rosenbrock`), in
1000:
$f(x) = \sum_{i=1}^{n/2} 100\,(x_{2i} - x_{2i-1}^2)^2 + (1 - x_{2i-1})^2$.
"""),
    code(r"""
def cost_per_step(method, n, m=10):
    '''(operations, bytes) one step of `method` adds to the cost of f and its gradient, to leading order.'''
    if method == "gd":
        return n, 0
    if method == "newton":
        return n**3 / 3 + 2 * n**2, 8 * n**2
    if method in ("dfp", "bfgs"):
        return 8 * n**2, 8 * n**2
    if method == "lbfgs":
        return 8 * m * n, 8 * 2 * m * n
    raise ValueError(f"unknown method {method!r}")


def bill(n, contenders, x0=None):
    problem = extended_rosenbrock(n)
    x0 = problem.x0 if x0 is None else x0
    print(f"n = {n}")
    print(f"{'method':>18}  iterations  f evals  ∇f evals  ∇²f evals  final f    operations/step  memory")
    for label, (method, options) in contenders.items():
        hess = problem.hess if method == "newton" else None
        res = minimize(problem.fun, x0, jac=problem.grad, hess=hess, method=method, options=options)
        operations, memory = cost_per_step(method, n, options.get("memory", 10))
        final = "< 1e-10" if res.fun < 1e-10 else ("> 1e-4" if res.fun > 1e-4 else f"{res.fun:.1e}")
        flag = "" if res.success else " (stopped)"
        # counts that depend on rounding (DFP; gradient descent's 2000 line searches) as bounds
        counts = [res.nit, res.nfev, res.njev]
        if label == "DFP, c2 = 0.9":
            counts = ["> 150"] * 3
        elif method == "dfp" and n > 2:      # 21 to 23 iterations, depending on the CPU
            counts = ["< 30", "< 100", "< 100"]
        elif method == "gd":
            counts = [res.nit, "> 2000", "> 2000"]
        print(f"{label:>18}  {counts[0]:>10}  {counts[1]:>7}  {counts[2]:>8}  {res.nhev:9d}  {final:9}  "
              f"{operations:15.2g}  {in_bytes(memory):>7}{flag}")


table = {
    "gradient descent": ("gd", {"maxiter": 2000}),
    "Newton": ("newton", {}),
    "DFP, c2 = 0.9": ("dfp", {"maxiter": 2000}),
    "DFP, c2 = 0.1": ("dfp", {"c2": 0.1}),
    "BFGS": ("bfgs", {}),
    "L-BFGS, m = 10": ("lbfgs", {}),
}
bill(2, table)
print()
bill(1000, {label: entry for label, entry in table.items() if label != "DFP, c2 = 0.9"})
"""),
    md(r"""
How to read the two tables:

- **From the standard start, the 1000-dimensional problem is 500 copies of the 2-dimensional one**
  (every pair $(x_{2i-1}, x_{2i})$ starts at $(-1.2, 1)$ and the pairs do not interact). So the
  iteration counts barely change with $n$; what changes is the price of each iteration. (DFP with
  $c_2 = 0.9$ is left out at $n = 1000$: its hundreds of iterations of $8 \times 10^6$ operations
  each would take many seconds.)
- **Operations per step** at $n = 1000$: about $3 \times 10^8$ for Newton, $8 \times 10^6$ for BFGS
  and DFP, $8 \times 10^4$ for L-BFGS: a factor of 40 to 100 between neighbours. Evaluating $f$
  and $\nabla f$ here costs about $2 \times 10^4$ operations, so L-BFGS's direction costs a few
  evaluations, BFGS's a few hundred and Newton's (with its Hessian) more than ten thousand.
- **Memory**: 8 MB for Newton's and BFGS's matrices against 160 kB for L-BFGS's ten pairs. At
  $n = 10^6$ the matrices would need 8 TB, the pairs 160 MB.
- **Evaluations**: the quasi-Newton methods need about two iterations for each Newton iteration
  but never a Hessian. Gradient descent is far behind after 2000 iterations.

The symmetric start is a special case. Perturb it a little and the 500 blocks differ: Newton
still knows every block's curvature exactly, while L-BFGS has to learn 500 different valleys from
ten pairs of vectors. Compare the total bill, iterations times operations per step:
"""),
    code(r"""
# L-BFGS's count here depends on rounding: it differs from one CPU to another (see the text below)
big = extended_rosenbrock(1000)
x0_perturbed = big.x0 + 0.01 * np.random.default_rng(0).normal(size=1000)
newton_big = minimize(big.fun, x0_perturbed, jac=big.grad, hess=big.hess, method="newton")
lbfgs_big = minimize(big.fun, x0_perturbed, jac=big.grad, method="lbfgs")
for label, res, method in (("Newton", newton_big, "newton"), ("L-BFGS, m = 10", lbfgs_big, "lbfgs")):
    operations = res.nit * cost_per_step(method, 1000)[0]
    print(f"{label:>15}: {res.nit:4d} iterations, {res.nfev:4d} evaluations of f and ∇f, "
          f"{res.nhev:3d} Hessians, about {operations:.1e} operations for the directions")
""", tags=["nbval-ignore-output"]),
    md(r"""
About ten times the iterations, a few hundred times fewer operations (and no Hessian to compute).
Newton's 22 iterations are the same on every machine; L-BFGS's count depends on rounding, between
about 180 and 310 on different CPUs, which does not change the verdict. This
trade, many cheap steps instead of a few expensive ones, is why L-BFGS is the second-order method
of choice for smooth problems with many variables.

How much memory should L-BFGS get? Here is the extended Powell function (Moré, Garbow and
Hillstrom's problem 22, also in `optcourse.problems`) with $n = 1000$, for several $m$:
"""),
    code(r"""
# with m = 1 the count depends on rounding: it differs from one CPU to another (see the text below)
powell = extended_powell(1000)
print(f"{'memory m':>9}  iterations  evaluations  memory for the pairs")
for m in (1, 3, 5, 10, 20, 30):
    res = minimize(powell.fun, powell.x0, jac=powell.grad, method="lbfgs", options={"memory": m})
    print(f"{m:9d}  {res.nit:10d}  {res.nfev:11d}  {in_bytes(8 * 2 * m * 1000):>10}")
""", tags=["nbval-ignore-output"]),
    md(r"""
More memory helps, with diminishing returns: from $m = 3$ to $m = 10$ the iterations drop by a
third; beyond that, little changes. With $m = 1$ one pair is a poor model of the curvature, and the
count is at the mercy of rounding: between about 60 and 170 iterations on different CPUs, always
more than with $m = 3$. Values between 5 and 20 are the usual choice (SciPy
uses 10, PyTorch 100). One caution: L-BFGS needs accurate gradients. Its pairs assume that $y$
measures curvature, and the noise of a minibatch gradient would swamp that, which is one reason
deep learning sticks to first-order methods (lesson 09).

## 8. Experiment: race them

The playground runs the methods of `optcourse.minimize` next to the first-order optimizers. Switch
surfaces (try Himmelblau's function, the double well, the saddle) and compare the paths of Newton,
BFGS, L-BFGS and gradient descent. On the saddle, Newton with the modified Hessian still escapes.
"""),
    code(r"""
Playground("rosenbrock", ["gd", "newton", "bfgs", "lbfgs"], steps=200, dpi=72)
"""),
    md(r"""
## Summary

- **Newton's method for a root** follows the tangent line to zero: $x_{k+1} = x_k - f(x_k)/f'(x_k)$.
  Near a simple root the error is squared at every step, $e_{k+1} \approx \frac{f''(r)}{2f'(r)}e_k^2$:
  the digits double. At a double root (Exercise 1) it is only linear.
- **Newton for minimisation** jumps to the critical point of the second-order Taylor model:
  $p = -(\nabla^2 f)^{-1}\nabla f$, the root iteration for $\nabla f = 0$. It solves a quadratic in
  one step whatever its condition number (affine invariance) and converges quadratically near a
  minimum with a positive definite Hessian.
- **It fails** when the model is trusted too far (overshooting, as for $x\arctan x - \frac12\ln(1+x^2)$
  from $|x_0| > 1.3917$, Exercise 2) and when the Hessian is indefinite (convergence to saddles, uphill
  directions). **Fixes:** a line search on the step length, and a modified Hessian
  $\nabla^2 f + \tau I$ that is positive definite. **Cost:** $n^3/3$ operations and $n^2$ numbers per step.
- **Line searches** accept a step when it decreases $f$ enough (Armijo) and is not too short
  (curvature; strong Wolfe also rejects steep uphill slopes). Backtracking (Exercise 3) needs only
  the first; quasi-Newton methods need the Wolfe conditions, which guarantee $y^\top s > 0$.
- **Quasi-Newton methods** learn the curvature from gradient changes via the **secant condition**
  $H_{k+1}y_k = s_k$. DFP updates the inverse approximation; BFGS applies the same formula to the
  Hessian approximation, which in inverse form is
  $H_{k+1} = (I - \rho sy^\top)H(I - \rho ys^\top) + \rho ss^\top$ (Exercise 4); BFGS corrects itself
  far better than DFP. **L-BFGS** keeps $m$ pairs and computes $H\nabla f$ by the two-loop recursion
  (Exercise 5) in $O(mn)$ operations and memory. With exact line searches on a quadratic they all
  finish in $n$ steps (Exercise 6).

Next: lesson 07, conjugate gradient, which reaches the same $n$-step termination with no matrix at all.

## Papers

- I. Newton, *De analysi per aequationes numero terminorum infinitas* (written 1669, published 1711);
  J. Raphson, *Analysis aequationum universalis* (1690); T. Simpson, *Essays on several curious and
  useful subjects in speculative and mix'd mathematicks* (1740). For the history:
  T. J. Ypma, *Historical development of the Newton-Raphson method*, SIAM Review 37(4), 1995.
- L. Armijo. *Minimization of functions having Lipschitz continuous first partial derivatives.*
  Pacific Journal of Mathematics 16(1), 1966.
- P. Wolfe. *Convergence conditions for ascent methods.* SIAM Review 11(2), 1969.
- W. C. Davidon. *Variable metric method for minimization.* Argonne National Laboratory report
  ANL-5990, 1959 (reprinted in SIAM Journal on Optimization 1(1), 1991).
- R. Fletcher, M. J. D. Powell. *A rapidly convergent descent method for minimization.* The Computer
  Journal 6(2), 1963.
- C. G. Broyden. *The convergence of a class of double-rank minimization algorithms.* IMA Journal of
  Applied Mathematics 6, 1970. R. Fletcher. *A new approach to variable metric algorithms.* The
  Computer Journal 13(3), 1970. D. Goldfarb. *A family of variable-metric methods derived by
  variational means.* Mathematics of Computation 24, 1970. D. F. Shanno. *Conditioning of
  quasi-Newton methods for function minimization.* Mathematics of Computation 24, 1970.
- J. E. Dennis, J. J. Moré. *A characterization of superlinear convergence and its application to
  quasi-Newton methods.* Mathematics of Computation 28, 1974.
- M. J. D. Powell. *How bad are the BFGS and DFP methods when the objective function is quadratic?*
  Mathematical Programming 34, 1986.
- J. Nocedal. *Updating quasi-Newton matrices with limited storage.* Mathematics of Computation 35,
  1980. D. C. Liu, J. Nocedal. *On the limited memory BFGS method for large scale optimization.*
  Mathematical Programming 45, 1989.
- Y. N. Dauphin, R. Pascanu, C. Gulcehre, K. Cho, S. Ganguli, Y. Bengio. *Identifying and attacking
  the saddle point problem in high-dimensional non-convex optimization.* NeurIPS 2014.
- J. J. Moré, B. S. Garbow, K. E. Hillstrom. *Testing unconstrained optimization software.* ACM
  Transactions on Mathematical Software 7(1), 1981 (the extended Rosenbrock function).
- S. Boyd, L. Vandenberghe. *Convex Optimization.* Cambridge University Press 2004, chapter 9.
- J. Nocedal, S. J. Wright. *Numerical Optimization*, 2nd ed., Springer 2006, chapters 3, 6 and 7.
"""),
]


def source_notebook():
    nb = new_notebook(cells=CELLS)
    for number, cell in enumerate(nb.cells):   # stable ids, so that rebuilding changes nothing by itself
        cell.id = f"newton-{number:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main():
    nb = source_notebook()
    # the kernel runs in the lesson folder: let it find optcourse from there
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    # one BLAS thread, as the test suite runs the notebooks (tests/conftest.py): the same rounding, and no
    # thread contention on a shared machine
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    LESSON.mkdir(parents=True, exist_ok=True)
    NotebookClient(nb, timeout=60, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(LESSON)}}).execute()
    for cell in nb.cells:                       # keep the saved notebook free of run-specific metadata
        cell.metadata.pop("execution", None)
    (LESSON / f"{NAME}.ipynb").write_text(notebook_text(nb))


if __name__ == "__main__":
    main()
