"""Build lesson 07, "Conjugate gradient": write the notebook cell by cell and execute it.

    PYTHONPATH=. python solutions/07-conjugate-gradient-build.py     # then: python -m optcourse.course release

writes ``solutions/07-conjugate-gradient/07-conjugate-gradient.ipynb``, executed top to bottom in a
fresh kernel (nbclient, kernel python3) with its outputs stored, as nbval expects.

The script lives beside the lesson folder, not in it: every file in ``solutions/07-conjugate-gradient/``
is copied to the students' ``lessons/``, and this script holds the solutions and the hidden tests.
"""
import os
import sys
from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_notebook

NAME = "07-conjugate-gradient"
ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "solutions" / NAME
sys.path.insert(0, str(ROOT))
from optcourse.course.release import notebook_text  # noqa: E402
from optcourse.course.authoring import answer, code, locked, md, tests  # noqa: E402


CELLS = []
add = CELLS.append

# =================================================================================================
add(md(r"""
# 07. Conjugate gradient

Lesson 03 showed the trouble with gradient descent on an elongated valley: the gradient does not point
at the minimum, and it turns as we move. Lesson 06 cured it with Newton and quasi-Newton methods, which
pay with an $n \times n$ matrix. **Conjugate gradient** (CG) sits in between. Like gradient descent it
needs only gradients and a handful of vectors of memory; yet on a quadratic in $n$ variables it lands
exactly on the minimum in at most $n$ steps. It is the standard method for large symmetric positive
definite linear systems (Hestenes and Stiefel 1952), and, with a line search in place of the exact
step, a method for any smooth function (Fletcher and Reeves 1964).

**Learning goals.** After this lesson you can

1. compute the exact line-search step on a quadratic, and derive why steepest descent with exact steps
   turns through 90 degrees at every step and zig-zags;
2. define *A-conjugate* directions, check them ($d_i^\top A d_j = 0$), and explain why exact line
   searches along $n$ conjugate directions find the minimum of an $n$-dimensional quadratic in $n$
   steps;
3. implement linear CG from its update equations and check what it promises: orthogonal residuals,
   conjugate directions, at most $n$ steps;
4. predict how many iterations CG needs from the eigenvalues of $A$ (distinct eigenvalues, clusters,
   the $\sqrt\kappa$ bound) and explain why rounding can make it need more than $n$;
5. run nonlinear CG (Fletcher-Reeves and Polak-Ribière+) on Rosenbrock's function and compare it with
   BFGS in iterations, function and gradient evaluations, and memory.

**How to work.** Run the cells from top to bottom. Exercises are marked **Exercise**: replace
`raise NotImplementedError()` with your code, then run the check cell below it. A check prints
`✓ ... passed` or says what is still wrong, with a hint. The grader runs further tests on inputs you
have not seen, so write general code, not code that fits the check. The rest of the notebook runs
whether or not you have done the exercises.
"""))

add(locked(r"""
import math

import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")      # figures in the notebook, wherever it runs
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from optcourse.cg_widgets import (CGSpectrumWidget, ZigZagWidget, a_norm_errors, cg_error_bound,
                                  cluster_and_outliers, spd_matrix, steepest_descent_bound)
from optcourse.linear_cg import linear_cg
from optcourse.linesearch import exact_line_search
from optcourse.minimize import minimize
from optcourse.plots import MINIMUM_STYLE, OUTLINE, PALETTE, START_STYLE, draw_landscape, line_kwargs
from optcourse.problems import get_problem
from optcourse.surfaces import get_surface, quadratic
from selfcheck import check

plt.rcParams.update({"figure.dpi": 72, "figure.figsize": (6.4, 3.6), "axes.grid": True, "grid.color": "0.9"})


def draw_run(ax, path, label, style, every=1):
    '''An optimizer's path on a contour plot, in one of the course's styles (optcourse.plots).'''
    kw = {**line_kwargs(style), "markevery": every, "markersize": 5}
    ax.plot(path[:, 0], path[:, 1], label=label, path_effects=OUTLINE, zorder=4, **kw)
"""))

# =================================================================================================
add(md(r"""
## 1. Steepest descent with exact line searches

Everything in the first half of this lesson happens on a **quadratic**

$$f(x) = \tfrac12\, x^\top A x - b^\top x, \qquad \nabla f(x) = Ax - b, \qquad \nabla^2 f = A,$$

with $A$ symmetric positive definite (SPD: all eigenvalues $> 0$). Its minimiser solves $Ax^* = b$.
So *minimising a convex quadratic* and *solving an SPD linear system* are one and the same problem,
and CG has these two faces. In the linear-system language the vector $r = b - Ax = -\nabla f(x)$ is
called the **residual**.

Near a minimum every smooth function looks like such a quadratic (lesson 02), which is why the
quadratic is where optimisation methods are designed and judged.

### The exact step

Stand at $x$ with gradient $g = \nabla f(x)$ and pick a direction $p$. Along the line $x + \alpha p$,

$$\varphi(\alpha) = f(x + \alpha p) = f(x) + \alpha\, g^\top p + \tfrac12 \alpha^2\, p^\top A p,$$

a parabola in $\alpha$ that opens upwards because $p^\top A p > 0$. So on a quadratic we never need
to *search* along the line: the best step has a formula. (On other functions we cannot do that, and
use the line searches of lesson 06.)

### Exercise 1 (1 point): the exact step along a direction

Write `exact_step(A, g, p)`: the $\alpha$ that minimises $\varphi(\alpha)$, as a float, for the
Hessian `A`, the gradient `g` at the current point and a direction `p` (any `p` with $g^\top p < 0$,
not only $-g$).
"""))

add(answer("exact-step", r'''
def exact_step(A, g, p):
    """The step alpha that minimises f(x + alpha p) for a quadratic f with Hessian A and gradient g at x."""
    ### BEGIN SOLUTION
    downhill_rate = float(np.dot(g, p))            # phi'(0) = g'p
    curvature_along = float(p @ (A @ p))           # phi''   = p'Ap
    return -downhill_rate / curvature_along
    ### END SOLUTION
'''))

add(tests("exact-step-tests", 1, r'''
check("exact-step", exact_step)
### BEGIN HIDDEN TESTS
# hand-worked: A = diag(1, 10), x = (1, 1), g = (1, 10), p = -g: alpha = g'g / g'Ag = 101 / 1001
assert abs(exact_step(np.diag([1.0, 10.0]), np.array([1.0, 10.0]), np.array([-1.0, -10.0])) - 101 / 1001) < 1e-12
# a direction that is not -g: A = [[2, 0], [0, 4]], g = (2, -4), p = (-1, 0): alpha = 2 / 2 = 1
assert abs(exact_step(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([2.0, -4.0]), np.array([-1.0, 0.0])) - 1.0) < 1e-12
# scaling p by c divides the step by c, and the new slope along p is zero
rng_hidden = np.random.default_rng(701)
A_h = spd_matrix([0.3, 1.0, 4.0, 20.0], seed=702)
g_h, p_h = rng_hidden.normal(size=4), -rng_hidden.normal(size=4)
p_h = p_h if g_h @ p_h < 0 else -p_h
a_h = exact_step(A_h, g_h, p_h)
assert isinstance(a_h, float) and a_h > 0
assert abs(exact_step(A_h, g_h, 3.0 * p_h) - a_h / 3.0) < 1e-12 * a_h
assert abs((g_h + a_h * A_h @ p_h) @ p_h) < 1e-10 * np.linalg.norm(g_h) * np.linalg.norm(p_h)
### END HIDDEN TESTS
'''))

add(md(r"""
### Steepest descent zig-zags

With $p = -g$ the formula gives $\alpha = g^\top g / g^\top A g$: steepest descent with exact line
searches. Here it is on `quadratic(10, 30)` from `optcourse.surfaces`: eigenvalues 1 and 10, so the
valley is $\sqrt{10} \approx 3.2$ times longer than it is wide, with its long axis at 30 degrees. We
start a little off the long axis, where the zig-zag is at its worst (see below).
`optcourse.minimize` runs it (`method="gd"` with `line_search="exact"`, which needs the constant
Hessian as `hess`).
"""))

add(code(r"""
bowl = quadratic(10, 30)                      # f = ½ xᵀAx, minimum at 0, eigenvalues 1 and 10
A2 = bowl.hessian(bowl.start)                 # the constant Hessian
turn30 = np.array([[math.cos(math.pi / 6), -math.sin(math.pi / 6)], [math.sin(math.pi / 6), math.cos(math.pi / 6)]])
zig_start = turn30 @ np.array([2.8, 0.3])     # 2.8 along the long axis, 0.3 across it
zoom = ((-0.6, 2.8), (-0.6, 2.2))             # the window the figures show
sd = minimize(bowl.value, zig_start, jac=bowl.gradient, hess=lambda x: A2, method="gd",
              options=dict(line_search="exact"))

moves = np.diff(sd.path, axis=0)              # the steps x_{k+1} - x_k
unit = moves / np.linalg.norm(moves, axis=1, keepdims=True)
turns = np.degrees(np.arccos(np.clip(np.sum(unit[1:] * unit[:-1], axis=1), -1, 1)))
print(f"steepest descent: {sd.nit} steps until |∇f| < 1e-5")
print(f"angle between successive steps: from {turns.min():.4f}° to {turns.max():.4f}°")
print(f"the step directions take only two values: every second step is parallel: "
      f"{bool(np.allclose(np.abs(np.sum(unit[2:] * unit[:-2], axis=1)), 1.0))}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.9), layout="constrained")
draw_landscape(left, bowl, n=150, levels=18, bounds=zoom)
draw_run(left, sd.path, "steepest descent, exact steps", "gd")
left.plot(*zig_start, **START_STYLE)
left.set(aspect="equal", title="quadratic(10, 30): 90° turns")
left.legend(loc="lower right", fontsize=8)
ratio = sd.fun_path / sd.fun_path[0]
right.plot(np.arange(len(ratio)), ratio, **line_kwargs("gd", len(ratio)), label="steepest descent")
k = np.arange(len(ratio))
right.plot(k, steepest_descent_bound(10, k) ** 2, color=PALETTE["sand"], linewidth=6, zorder=1,
           label="worst case ((κ−1)/(κ+1))^(2k), κ = 10")
right.set(yscale="log", xlabel="iteration k", ylabel="(f(x_k) − f*) / (f(x_0) − f*)", title="Linear convergence")
right.legend(fontsize=8)
plt.show()
"""))

add(md(r"""
Every step is at a right angle to the one before, so in two dimensions the walk uses only **two
directions**, over and over: each step undoes a little of what the step before achieved along the
other direction. The error falls by the same factor at every step (a straight line on the log
scale), which is called *linear* convergence; from this start, the factor is almost exactly the
worst case (the wide sand-coloured line, explained below).

Why exactly 90 degrees? At the exact step the slope along the line is zero:
$\varphi'(\alpha^*) = \nabla f(x_{k+1})^\top p_k = 0$, so the new gradient is perpendicular to the
direction just searched. With $p_k = -g_k$, the next direction $-g_{k+1}$ is perpendicular to the last
one. You will now derive this symbolically.

### Exercise 2 (2 points): derive it in SymPy

The cell below sets up a general 2-D quadratic with symbols: `A_s`, `b_s`, the point `x_s` and the
gradient `grad_s` $= A x - b$. Using SymPy (not the formula above),

1. write $\varphi(\alpha) = f(x - \alpha\,\nabla f(x))$ by substituting the new point into `f_s`
   (use `.subs({...}, simultaneous=True)` so that `x1` and `x2` are replaced at once),
2. solve $\varphi'(\alpha) = 0$ for `alpha_star`,
3. compute `g_next`, the gradient at $x - \alpha^*\nabla f(x)$ (a 2 x 1 `sp.Matrix`, without `alpha` in it).

The last line of the answer cell prints $\nabla f(x_{k+1})^\top \nabla f(x_k)$, simplified.
"""))

add(locked(r"""
a11, a12, a22 = sp.symbols("a11 a12 a22", real=True)
x1, x2, b1, b2, alpha = sp.symbols("x1 x2 b1 b2 alpha", real=True)
A_s = sp.Matrix([[a11, a12], [a12, a22]])
x_s, b_s = sp.Matrix([x1, x2]), sp.Matrix([b1, b2])
f_s = (x_s.T * A_s * x_s)[0] / 2 - (b_s.T * x_s)[0]
grad_s = sp.Matrix([sp.diff(f_s, v) for v in (x1, x2)])
grad_s
"""))

add(answer("orthogonal-gradients", r'''
### BEGIN SOLUTION
moved_to = {x1: x1 - alpha * grad_s[0], x2: x2 - alpha * grad_s[1]}
phi_of_alpha = f_s.subs(moved_to, simultaneous=True)
alpha_star = sp.solve(sp.diff(phi_of_alpha, alpha), alpha)[0]
g_next = grad_s.subs(moved_to, simultaneous=True).subs(alpha, alpha_star)
### END SOLUTION
sp.simplify(g_next.dot(grad_s))
'''))

add(tests("orthogonal-gradients-tests", 2, r'''
check("orthogonal-gradients", (alpha_star, g_next))
### BEGIN HIDDEN TESTS
g_hidden = A_s * x_s - b_s
assert sp.cancel(alpha_star - g_hidden.dot(g_hidden) / g_hidden.dot(A_s * g_hidden)) == 0
assert alpha not in g_next.free_symbols
assert all(sp.cancel(e) == 0 for e in g_next - (A_s * (x_s - alpha_star * g_hidden) - b_s))
assert sp.cancel(g_next.dot(g_hidden)) == 0
### END HIDDEN TESTS
'''))

add(md(r"""
The product is zero for *every* symmetric $A$, $b$ and $x$: successive gradients of steepest
descent with exact steps are always orthogonal. (Your `alpha_star` is $g^\top g / g^\top A g$ written
out in coordinates.)

### How slow is the zig-zag?

The worst case is a classical result (Kantorovich's inequality; Nocedal and Wright, Theorem 3.3): with
$\kappa = \lambda_{\max}/\lambda_{\min}$,

$$f(x_{k+1}) - f^* \le \Big(\frac{\kappa - 1}{\kappa + 1}\Big)^2 \big(f(x_k) - f^*\big).$$

In two dimensions it is reached exactly when the gradient has equal components along the two
eigenvectors. Start there and count the steps to shrink $f - f^*$ by $10^{10}$:
"""))

add(code(r"""
print(" κ      measured factor per step   ((κ-1)/(κ+1))²   steps to 1e-10   about κ/4 · ln(1e10)")
for kappa in (10, 100, 1000):
    valley = quadratic(kappa, 0)
    H = valley.hessian(valley.start)
    worst_start = 2.5 * np.array([1.0, 1.0 / kappa])          # ∇f = H x has equal components
    run = minimize(valley.value, worst_start, jac=valley.gradient, hess=lambda x, H=H: H, method="gd",
                   options=dict(line_search="exact", gtol=1e-9, maxiter=20_000))
    factor = run.fun_path[1] / run.fun_path[0]
    steps = int(np.argmax(run.fun_path / run.fun_path[0] < 1e-10))
    print(f"{kappa:5d}   {factor:22.6f}   {((kappa - 1) / (kappa + 1)) ** 2:14.6f}   {steps:14d}"
          f"   {kappa / 4 * math.log(1e10):18.0f}")
"""))

add(md(r"""
The measured factor is the bound to six digits, and the number of steps grows in proportion to
$\kappa$: since $\ln\frac{\kappa-1}{\kappa+1} \approx -2/\kappa$, shrinking the error by a factor
$\epsilon$ takes about $\frac{\kappa}{4}\ln\frac1\epsilon$ steps. A valley 30 times longer than wide
($\kappa = 1000$) costs almost 6,000 exact line searches in **two** dimensions. The line search is
not the problem; the *directions* are.

## 2. Conjugate directions

### When exact line searches are enough

Look at three bowls. **(a)** When the valley's axes are the coordinate axes ($A$ diagonal), one exact
line search along $x$ and one along $y$ land on the minimum: minimising along $x$ cannot be spoiled
by the later move along $y$. **(b)** Rotate the valley and the same two directions, repeated, zig-zag
like steepest descent. **(c)** In the rotated valley, a second direction chosen to suit the first one
finishes in two steps again. **(d)** is (c) seen in stretched coordinates, explained below.
"""))

add(code(r"""
def line_searches(A, b, x0, directions):
    '''Exact line searches along the given directions in turn (each used with the sign that goes
    downhill); returns the points visited as rows, starting with x0.'''
    points = [np.asarray(x0, dtype=float)]
    for d in directions:
        gradient = A @ points[-1] - b
        slope = gradient @ d
        if abs(slope) <= 1e-15 * np.linalg.norm(gradient) * np.linalg.norm(d):
            points.append(points[-1])                           # already lowest along d
            continue
        d = d if slope < 0 else -d
        points.append(points[-1] + exact_line_search(A, gradient, d) * d)
    return np.array(points)


start = np.array([-1.5, 1.5])
e_x, e_y = np.array([1.0, 0.0]), np.array([0.0, 1.0])
axis_bowl, A_axis = quadratic(10, 0), np.diag([1.0, 10.0])
d0 = e_x
d1 = np.array([-(A2 @ d0)[1], (A2 @ d0)[0]])     # perpendicular to A d0, so d1ᵀ A d0 = 0
panels = [("(a) axes, diagonal A: 2 steps", axis_bowl, A_axis, [e_x, e_y]),
          ("(b) axes, rotated A: zig-zag", bowl, A2, [e_x, e_y] * 20),
          ("(c) d0 = x-axis, d1 conjugate: 2 steps", bowl, A2, [d0, d1])]

eigenvalues2, eigenvectors2 = np.linalg.eigh(A2)
root_A2 = eigenvectors2 @ np.diag(np.sqrt(eigenvalues2)) @ eigenvectors2.T      # A^{1/2}

fig, axes = plt.subplots(1, 4, figsize=(13, 3.6), layout="constrained")
for ax, (title, surface, A, directions) in zip(axes, panels):
    points = line_searches(A, np.zeros(2), start, directions)
    draw_landscape(ax, surface, n=120, levels=14)
    draw_run(ax, points, None, "cg" if "conjugate" in title else "gd")
    ax.plot(*start, **START_STYLE)
    ax.set(aspect="equal", title=title)
    ax.title.set_fontsize(9)
stretched = line_searches(A2, np.zeros(2), start, [d0, d1]) @ root_A2        # y = A^{1/2} x
ax = axes[3]
circle = np.linspace(0, 2 * np.pi, 200)
for radius in np.linspace(0.4, 6.0, 14):
    ax.plot(radius * np.cos(circle), radius * np.sin(circle), color="0.6", linewidth=0.5)
draw_run(ax, stretched, None, "cg")
ax.plot(*stretched[0], **START_STYLE)
ax.plot(0, 0, **MINIMUM_STYLE)
ax.set(aspect="equal", xlim=(-6, 6), ylim=(-6, 6), xlabel="y₁", ylabel="y₂")
ax.set_title("(d) = (c) in $y = A^{1/2}x$: round, steps at 90°", fontsize=9)
plt.show()
conjugacy = d0 @ A2 @ d1          # zero but for rounding, whose last digits differ from CPU to CPU
print(f"|d0ᵀ A d1| < 1e-12: {abs(conjugacy) < 1e-12},  while e_xᵀ A e_y = {e_x @ A2 @ e_y:.3f}")
"""))

add(md(r"""
### A-conjugacy

Two nonzero directions are **conjugate with respect to $A$** (A-conjugate, or A-orthogonal) when

$$d_i^\top A\, d_j = 0 \qquad (i \neq j).$$

Panel (d) shows what it means. Substitute $y = A^{1/2}x$: then $x^\top A x = y^\top y$ and
the elliptic contours become circles. A direction $d$ in $x$ becomes $A^{1/2}d$ in $y$, and

$$(A^{1/2} d_i)^\top (A^{1/2} d_j) = d_i^\top A\, d_j,$$

so A-conjugate directions are simply directions that are **perpendicular after stretching the valley
round**. In a round bowl, exact line searches along perpendicular directions never spoil each other.
In panel (a) the coordinate axes are conjugate because $A$ is diagonal ($e_x^\top A e_y = 0$); in
panel (b) they are not.

### Why n conjugate directions suffice

Let $d_0, \dots, d_{n-1}$ be A-conjugate. They are linearly independent (if
$\sum_j c_j d_j = 0$, multiply by $d_i^\top A$: only $c_i\, d_i^\top A d_i$ survives, so $c_i = 0$),
so the error at the start can be written in them: $x^* - x_0 = \sum_j \sigma_j d_j$. Minimise exactly
along $d_0$, then $d_1$, and so on. When we reach $x_k = x_0 + \sum_{j<k} \alpha_j d_j$, the slope
along $d_k$ is

$$d_k^\top \nabla f(x_k) = d_k^\top A (x_k - x^*) = d_k^\top A \Big(\sum_{j<k} \alpha_j d_j - \sum_{j} \sigma_j d_j\Big)
= -\sigma_k\, d_k^\top A d_k,$$

because conjugacy deletes every other term. The exact step (Exercise 1) is then
$\alpha_k = -d_k^\top\nabla f(x_k) / d_k^\top A d_k = \sigma_k$: **each line search removes exactly
one component of the error and never touches the others.** After $n$ of them nothing is left. This is
the *conjugate direction theorem* (Nocedal and Wright, Theorem 5.1).

Check it in eight dimensions. The eigenvectors of $A$ are one set of conjugate directions
($v_i^\top A v_j = \lambda_j v_i^\top v_j = 0$); the coordinate axes are not. We search along each
set, cycling through it three times, and compare with steepest descent.
"""))

add(code(r"""
n8 = 8
A8 = spd_matrix(np.geomspace(1.0, 50.0, n8), seed=3)
b8 = np.random.default_rng(4).normal(size=n8)
x8_star = np.linalg.solve(A8, b8)
_, V8 = np.linalg.eigh(A8)                         # columns: eigenvectors, A-conjugate
axes8 = np.eye(n8)

def gap(points):
    '''f(x_k) - f* = ½ (x_k - x*)ᵀ A (x_k - x*), for every row.'''
    return 0.5 * a_norm_errors(A8, points, x8_star) ** 2

searches = {
    "eigenvectors (conjugate)": line_searches(A8, b8, np.zeros(n8), list(V8.T) * 3),
    "coordinate axes (not conjugate)": line_searches(A8, b8, np.zeros(n8), list(axes8) * 3),
}
sd8 = minimize(lambda x: 0.5 * x @ A8 @ x - b8 @ x, np.zeros(n8), jac=lambda x: A8 @ x - b8,
               hess=lambda x: A8, method="gd", options=dict(line_search="exact", maxiter=3 * n8, gtol=0.0))
searches["steepest descent"] = sd8.path

def off_diagonal(M):
    return np.abs(M - np.diag(np.diag(M))).max() / np.abs(np.diag(M)).max()

print(f"largest |d_iᵀ A d_j| / max d_iᵀ A d_i, i ≠ j:  eigenvectors below 1e-12: "
      f"{off_diagonal(V8.T @ A8 @ V8) < 1e-12};  coordinate axes: {off_diagonal(A8):.2f}")
fig, ax = plt.subplots(figsize=(6.6, 3.6))
for (label, points), style in zip(searches.items(), ("cg", "newton", "gd")):
    values = np.maximum(gap(points) / gap(points[:1]), 1e-32)
    ax.plot(np.arange(len(values)), values, label=label, **line_kwargs(style, len(values)))
ax.axvline(n8, color="0.5", linestyle=":", linewidth=1)
ax.set(yscale="log", ylim=(1e-32, 3), xlabel="line searches", ylabel="(f − f*) / (f(x_0) − f*)",
       title="Eight dimensions: n = 8 exact line searches")
ax.legend(fontsize=8)
plt.show()
for label, points in searches.items():
    left_over = gap(points[n8:n8 + 1])[0] / gap(points[:1])[0]
    shown = "below 1e-25 (rounding)" if left_over < 1e-25 else f"{left_over:.2f}"
    print(f"{label:32s} relative f - f* after n = 8 line searches: {shown}")
"""))

add(md(r"""
Along the eigenvectors the error is gone after exactly $n = 8$ line searches (the $10^{-32}$ floor is
rounding). Along the axes, after 24 it is still there.

Eigenvectors are expensive to compute, though: finding them is harder than solving $Ax = b$. But
*any* basis can be made conjugate, by Gram-Schmidt in the inner product $\langle u, v\rangle_A =
u^\top A v$ instead of $u^\top v$.

### Exercise 3 (2 points): conjugate Gram-Schmidt

Write `make_conjugate(A, V)`: from the linearly independent columns $v_0, \dots, v_{n-1}$ of `V`,
return the array `D` whose columns are

$$d_0 = v_0, \qquad d_k = v_k - \sum_{j<k} \frac{d_j^\top A v_k}{d_j^\top A d_j}\, d_j .$$

Each subtracted term removes from $v_k$ its "A-shadow" on an earlier direction, so that
$d_j^\top A d_k = 0$ for $j < k$. Do not change `V`.
"""))

add(answer("conjugate-directions", r'''
def make_conjugate(A, V):
    """Columns made A-conjugate by Gram-Schmidt in the A inner product (column k from v_k and the earlier d's)."""
    ### BEGIN SOLUTION
    conj_dirs = np.array(V, dtype=float)           # a copy: column k is overwritten by d_k
    for k_col in range(conj_dirs.shape[1]):
        v_col = np.array(V[:, k_col], dtype=float)
        for j_col in range(k_col):
            d_prev = conj_dirs[:, j_col]
            A_d_prev = A @ d_prev
            v_col -= (A_d_prev @ V[:, k_col]) / (A_d_prev @ d_prev) * d_prev
        conj_dirs[:, k_col] = v_col
    return conj_dirs
    ### END SOLUTION
'''))

add(tests("conjugate-directions-tests", 2, r'''
check("conjugate-directions", make_conjugate)
### BEGIN HIDDEN TESTS
# hand-worked: A = [[2, 1], [1, 2]], V = I: d0 = (1, 0), d1 = (0, 1) - (1/2)(1, 0) = (-1/2, 1)
np.testing.assert_allclose(make_conjugate(np.array([[2.0, 1.0], [1.0, 2.0]]), np.eye(2)), [[1.0, -0.5], [0.0, 1.0]],
                           atol=1e-12)
# unseen 6-D and 10-D problems: conjugate, Gram-Schmidt shaped, V untouched, n exact steps finish
rng_hidden = np.random.default_rng(703)
for n_h, top in ((6, 30.0), (10, 200.0)):
    A_h = spd_matrix(np.geomspace(1.0, top, n_h), seed=704 + n_h)
    V_h = rng_hidden.normal(size=(n_h, n_h))
    V_keep = V_h.copy()
    D_h = make_conjugate(A_h, V_h)
    np.testing.assert_array_equal(V_h, V_keep)
    C_h = D_h.T @ A_h @ D_h
    assert np.abs(C_h - np.diag(np.diag(C_h))).max() <= 1e-8 * np.abs(np.diag(C_h)).max()
    T_h = np.linalg.solve(V_h, D_h)
    np.testing.assert_allclose(np.tril(T_h, -1), 0.0, atol=1e-7)
    np.testing.assert_allclose(np.diag(T_h), 1.0, atol=1e-7)
    b_h = rng_hidden.normal(size=n_h)
    finish = line_searches(A_h, b_h, np.zeros(n_h), list(D_h.T))[-1]
    np.testing.assert_allclose(finish, np.linalg.solve(A_h, b_h), rtol=1e-6, atol=1e-8)
### END HIDDEN TESTS
'''))

add(md(r"""
Gram-Schmidt works, but it keeps every earlier direction and subtracts all of them:
$O(n^2)$ memory and $O(n^3)$ work, no better than solving the system directly. The remarkable
discovery of Hestenes and Stiefel was a choice of $v_k$ for which **all but one** of the subtracted
terms vanish.

## 3. Linear conjugate gradient

Take as $v_k$ the current residual $r_k = b - Ax_k = -\nabla f(x_k)$, the steepest-descent direction.
Then only the last direction needs to be subtracted, and the method becomes (Nocedal and Wright,
Algorithm 5.2): start with $r_0 = b - Ax_0$, $p_0 = r_0$, and repeat

$$
\begin{aligned}
\alpha_k &= \frac{r_k^\top r_k}{p_k^\top A p_k} &&\text{exact step along } p_k\\
x_{k+1} &= x_k + \alpha_k p_k &&\text{move}\\
r_{k+1} &= r_k - \alpha_k A p_k &&\text{new residual, with the product } Ap_k \text{ already computed}\\
\beta_{k+1} &= \frac{r_{k+1}^\top r_{k+1}}{r_k^\top r_k} &&\\
p_{k+1} &= r_{k+1} + \beta_{k+1} p_k &&\text{new direction: steepest descent, corrected to be conjugate}
\end{aligned}
$$

until $\lVert r_k\rVert$ is small. One product $Ap$ per iteration and four vectors of memory ($x, r,
p, Ap$): $A$ itself is never factored, changed, or even needed as a matrix.

**Where the formulas come from.**

- $\alpha_k$ is Exercise 1's step with $g = -r_k$: $\alpha_k = r_k^\top p_k / p_k^\top A p_k$, and
  $r_k^\top p_k = r_k^\top r_k$ because $r_k \perp p_{k-1}$ (the exact step in Exercise 2, again).
- $r_{k+1} = b - A(x_k + \alpha_k p_k) = r_k - \alpha_k A p_k$.
- Requiring $p_{k+1} = r_{k+1} + \beta p_k$ to be conjugate to $p_k$ gives
  $\beta = -r_{k+1}^\top A p_k / p_k^\top A p_k$. Replace $A p_k = (r_k - r_{k+1})/\alpha_k$ and use
  $r_{k+1}^\top r_k = 0$ (below) to get the cheaper ratio of squared residual norms.
- **Why the older directions need no correction**: the residuals of CG are mutually orthogonal
  ($r_i^\top r_j = 0$) and span the same spaces as the directions. Gram-Schmidt would subtract
  $p_i$ from $r_{k+1}$ with the coefficient $\propto r_{k+1}^\top A p_i =
  r_{k+1}^\top (r_i - r_{i+1})/\alpha_i$, which is zero for every $i < k$. Only $i = k$ survives.
  (The full proof, by induction, is Nocedal and Wright's Theorem 5.3.)

So CG is an exact line search along conjugate directions, and finishes in at most $n$ steps; in
two dimensions, in two. Here it is from the same start as steepest descent in section 1. (We call
`optcourse.minimize` with `method="cg"` and exact line searches, which on a quadratic is exactly
the algorithm above.)
"""))

add(code(r"""
cg2 = minimize(bowl.value, zig_start, jac=bowl.gradient, hess=lambda x: A2, method="cg",
               options=dict(line_search="exact", beta="fr"))
p_first, p_second = np.diff(cg2.path, axis=0)
print(f"CG: {cg2.nit} steps; its first step is the steepest-descent step: {bool(np.allclose(cg2.path[1], sd.path[1]))}")
print(f"the two steps are conjugate (p0ᵀ A p1 ≈ 0): {abs(p_first @ A2 @ p_second) < 1e-12}, "
      f"but not perpendicular: angle {np.degrees(np.arccos(p_first @ p_second / np.linalg.norm(p_first) / np.linalg.norm(p_second))):.1f}°")

fig, ax = plt.subplots(figsize=(5.2, 4.2), layout="constrained")
draw_landscape(ax, bowl, n=150, levels=18, bounds=zoom)
draw_run(ax, sd.path, f"steepest descent ({sd.nit} steps)", "gd")
draw_run(ax, cg2.path, f"conjugate gradient ({cg2.nit} steps)", "cg")
ax.plot(*zig_start, **START_STYLE)
ax.set(aspect="equal", title="Same start, same exact line searches")
ax.legend(loc="lower right", fontsize=8)
plt.show()
"""))

add(md(r"""
### Exercise 4 (3 points): implement linear CG

Write `cg_iterates(A, b, x0, tol=1e-10)`: run the algorithm above from `x0` and return **every
iterate** $x_0, x_1, \dots, x_k$ as the rows of a NumPy array of shape $(k + 1, n)$, the last row being
the solution. Stop *before* an iteration when $\lVert r_k\rVert \le \text{tol}\,\lVert b\rVert$, and
in any case after $2n$ iterations (rounding can make CG need more than $n$; see below). Do not
change `x0`. Compute $Ap_k$ once per iteration.

The self-check compares your iterates with `optcourse.linear_cg.linear_cg(A, b, x0=x0, tol=tol).path`.
The grader also checks, on systems you have not seen, that your iterates have CG's properties: the
steps are A-conjugate, the residuals are orthogonal, and the solution arrives within $n$ steps.
"""))

add(answer("linear-cg", r'''
def cg_iterates(A, b, x0, tol=1e-10):
    """Linear conjugate gradient for A x = b from x0: the iterates x_0, ..., x_k as rows of an array."""
    ### BEGIN SOLUTION
    x_here = np.array(x0, dtype=float)
    r_here = b - A @ x_here
    p_here = r_here.copy()
    rr_here = r_here @ r_here
    stop_at = tol * np.linalg.norm(b)
    iterates_so_far = [x_here.copy()]
    for _ in range(2 * len(b)):
        if math.sqrt(rr_here) <= stop_at:
            break
        Ap_here = A @ p_here
        alpha_here = rr_here / (p_here @ Ap_here)
        x_here = x_here + alpha_here * p_here
        r_here = r_here - alpha_here * Ap_here
        rr_next = r_here @ r_here
        p_here = r_here + (rr_next / rr_here) * p_here
        rr_here = rr_next
        iterates_so_far.append(x_here.copy())
    return np.array(iterates_so_far)
    ### END SOLUTION
'''))

add(tests("linear-cg-tests", 3, r'''
check("linear-cg", cg_iterates)
### BEGIN HIDDEN TESTS
# hand-worked 2-D system: A = [[4, 1], [1, 3]], b = (1, 2), x0 = (2, 1)
# r0 = (-8, -3), p0'Ap0 = 331, alpha0 = 73/331, x1 = (78, 112)/331, x2 = A^-1 b = (1, 7)/11
x0_h = np.array([2.0, 1.0])
path_h = cg_iterates(np.array([[4.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0]), x0_h)
assert isinstance(path_h, np.ndarray) and path_h.shape == (3, 2)
np.testing.assert_allclose(path_h, [[2.0, 1.0], [78 / 331, 112 / 331], [1 / 11, 7 / 11]], rtol=1e-10, atol=1e-12)
np.testing.assert_array_equal(x0_h, [2.0, 1.0])
# a 1 x 1 system, and a start that is already the solution
np.testing.assert_allclose(cg_iterates(np.array([[4.0]]), np.array([2.0]), np.zeros(1)), [[0.0], [0.5]])
A_h = spd_matrix(np.linspace(1.0, 5.0, 6), seed=705)
b_h = np.random.default_rng(706).normal(size=6)
assert cg_iterates(A_h, b_h, np.linalg.solve(A_h, b_h)).shape == (1, 6)
# unseen systems: at most n steps, the right answer, conjugate steps, orthogonal residuals
rng_hidden = np.random.default_rng(707)
for n_h, top in ((5, 4.0), (9, 12.0), (14, 6.0)):
    A_h = spd_matrix(np.geomspace(1.0, top, n_h), seed=708 + n_h)
    b_h, x0_h = rng_hidden.normal(size=n_h), rng_hidden.normal(size=n_h)
    P_h = cg_iterates(A_h, b_h, x0_h, tol=1e-9)
    assert P_h.shape[1] == n_h and 2 <= len(P_h) <= n_h + 1
    np.testing.assert_allclose(P_h[0], x0_h)
    np.testing.assert_allclose(P_h[-1], np.linalg.solve(A_h, b_h), rtol=1e-7, atol=1e-8)
    S_h = np.diff(P_h, axis=0)
    C_h = S_h @ A_h @ S_h.T
    assert np.abs(C_h - np.diag(np.diag(C_h))).max() <= 1e-7 * np.abs(np.diag(C_h)).max()
    R_h = b_h - P_h[:-1] @ A_h
    G_h = R_h @ R_h.T
    assert np.abs(G_h - np.diag(np.diag(G_h))).max() <= 1e-7 * np.abs(np.diag(G_h)).max()
# three distinct eigenvalues: exactly three steps
A_h = spd_matrix(np.repeat([1.0, 3.0, 7.0], [5, 4, 6]), seed=709)
assert len(cg_iterates(A_h, rng_hidden.normal(size=15), np.zeros(15), tol=1e-10)) == 4
### END HIDDEN TESTS
'''))

add(md(r"""
### CG on a 100 x 100 system

Now a real system: $n = 100$, $A = Q\,\mathrm{diag}(\lambda)\,Q^\top$ with a random rotation $Q$
(`optcourse.cg_widgets.spd_matrix`) and eigenvalues spread geometrically from 1 to $\kappa$, for three
condition numbers. We record the relative residual $\lVert r_k\rVert / \lVert b\rVert$ at every
iteration (`linear_cg` keeps them in `residual_norms`) and let CG run up to $5n$ iterations.
"""))

add(code(r"""
n = 100
b100 = np.random.default_rng(7).normal(size=n)
systems = {kappa: spd_matrix(np.geomspace(1.0, kappa, n), seed=1) for kappa in (10.0, 100.0, 1e4)}
results = {kappa: linear_cg(A, b100, tol=1e-12, maxiter=5 * n) for kappa, A in systems.items()}

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.9), layout="constrained")
for (kappa, res), colour in zip(results.items(), (PALETTE["green"], PALETTE["indigo"], PALETTE["rose"])):
    left.plot(res.residual_norms / np.linalg.norm(b100), color=colour, linewidth=1.8, label=f"κ = {kappa:g}")
    at_n = res.residual_norms[min(n, res.nit)] / np.linalg.norm(b100)
    # once conjugacy is lost, the count and the residual depend on rounding: shown as bounds
    iterations = f"{res.nit:3d}" if res.nit <= 4 * n else f"more than 4n = {4 * n}"
    residual = "< 1e-10" if at_n < 1e-10 else ("> 1e-2" if at_n > 1e-2 else f"= {at_n:.0e}")
    print(f"κ = {kappa:>7g}: {iterations} iterations to ||r|| < 1e-12 ||b||; after n = {n}: ||r|| / ||b|| {residual}")
    # how conjugate is each step to the earlier ones? |cos| in the A inner product, worst over earlier steps
    steps = np.diff(res.path, axis=0)
    C = steps @ systems[kappa] @ steps.T
    scale = np.sqrt(np.diag(C))
    cosines = np.abs(C / np.outer(scale, scale))
    worst = [cosines[k, :k].max() for k in range(1, len(steps))]
    right.plot(np.arange(1, len(steps)), np.maximum(worst, 1e-17), color=colour, linewidth=1.5, label=f"κ = {kappa:g}")
for ax in (left, right):
    ax.axvline(n, color="0.4", linestyle=":", linewidth=1)
left.text(n + 4, 1e-9, "n = 100", fontsize=8)
left.set(yscale="log", xlabel="iteration k", ylabel="‖r_k‖ / ‖b‖", title="Residual per iteration, n = 100")
left.legend(fontsize=8)
right.set(yscale="log", ylim=(1e-17, 2), xlabel="iteration k",
          ylabel="max over i < k of |cos_A(p_k, p_i)|", title="Conjugacy to all earlier steps")
right.legend(fontsize=8)
plt.show()
"""))

add(md(r"""
Three lessons in one figure.

- **At most n steps, in exact arithmetic.** For $\kappa = 10$ and $100$ the residual is down to
  rounding level ($10^{-12}$) by iteration $n = 100$, as the theory says. (For $\kappa = 100$ the
  last few factors of ten take a few more iterations: in floating point "$n$ steps" is never quite
  exact.)
- **Much sooner, often.** With $\kappa = 10$ CG needs about 40 iterations: long before step $n$ it
  has made the error tiny. For large systems this is what matters, not the $n$-step guarantee. The
  next section says how fast.
- **Rounding.** With $\kappa = 10^4$ CG is far from done after $n$ iterations and takes more than
  $4n$. The right panel shows why: each new direction starts out conjugate to all earlier ones to
  about $10^{-16}$, but the rounding errors in $r_{k+1} = r_k - \alpha_k Ap_k$ grow, and after a few
  dozen steps the directions are no longer conjugate to the early ones, so CG searches some directions
  again. The larger $\kappa$, the sooner. CG still converges, because conjugacy to the *last* direction
  is kept (Greenbaum 1997 explains how), but no longer within $n$ steps.

### The eigenvalues decide

Why did $\kappa = 10$ need only 40 steps? Unroll the recursion: every iterate is
$x_k \in x_0 + \mathrm{span}\{r_0, Ar_0, \dots, A^{k-1}r_0\}$ (a *Krylov subspace*), and CG picks the
best one in the A-norm (Nocedal and Wright, Theorems 5.2 and 5.3). Written in the eigenvectors of $A$, the error
becomes

$$x_k - x^* = P_k(A)\,(x_0 - x^*), \qquad
\lVert x_k - x^*\rVert_A^2 = \min_{P_k} \sum_i \sigma_i^2\, \lambda_i\, P_k(\lambda_i)^2$$

over all polynomials $P_k$ of degree $k$ with $P_k(0) = 1$, where $\sigma_i$ is the component of
$x_0 - x^*$ along eigenvector $i$. CG finds the polynomial that is small **at the eigenvalues of A**.
Three consequences:

1. **Distinct eigenvalues** (Theorem 5.4). If $A$ has only $m$ distinct eigenvalues
   $\mu_1, \dots, \mu_m$, the polynomial $P(\lambda) = \prod_j (1 - \lambda/\mu_j)$ has degree $m$,
   $P(0) = 1$ and is zero at every eigenvalue: CG finishes in $m$ steps. (Likewise when $x_0 - x^*$
   has components along the eigenvectors of only $m$ distinct eigenvalues.)
2. **Clusters** (Theorem 5.5). If all eigenvalues but $m$ large ones lie in $[1, 1 + w]$, then after
   $m + 1$ steps $\lVert x_{m+1} - x^*\rVert_A \le \frac{w}{2 + w}\lVert x_0 - x^*\rVert_A$.
3. **Spread eigenvalues** (eq. 5.36). Chebyshev polynomials give, for any spectrum with condition
   number $\kappa$,
   $$\frac{\lVert x_k - x^*\rVert_A}{\lVert x_0 - x^*\rVert_A} \le
     2\Big(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Big)^k,$$
   against steepest descent's $\big(\frac{\kappa - 1}{\kappa + 1}\big)^k$ in the same norm. CG needs
   about $\frac{\sqrt\kappa}{2}\ln\frac2\epsilon$ iterations, steepest descent about
   $\frac{\kappa}{2}\ln\frac1\epsilon$: for $\kappa = 10^4$, a hundred times fewer iterations.

All three, on 100 x 100 systems with $\kappa = 1000$:
"""))

add(code(r"""
spectra = {
    "5 distinct eigenvalues": np.repeat(np.geomspace(1.0, 1000.0, 5), 20),
    "cluster [1, 1.01] + 5 outliers": cluster_and_outliers(n, 1000.0, outliers=5, width=0.01),
    "spread from 1 to 1000": np.geomspace(1.0, 1000.0, n),
}
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
for (label, lam), colour in zip(spectra.items(), (PALETTE["green"], PALETTE["indigo"], PALETTE["rose"])):
    A = spd_matrix(lam, seed=2)
    x_star = np.linalg.solve(A, b100)
    res = linear_cg(A, b100, tol=1e-13)
    errors = a_norm_errors(A, res.path, x_star)
    right.plot(errors / errors[0], color=colour, linewidth=2, marker="o", markersize=3, label=label)
    left.plot(np.sort(lam), ".", color=colour, markersize=4, label=label)
    below = int(np.argmax(errors / errors[0] < 1e-8))
    # past about 100 iterations rounding moves the count by one or two: shown as a bound
    print(f"{label:31s} error below 1e-8 after {below if below < 100 else f'more than {below // 50 * 50}':>3} iterations")
k = np.arange(0, 80)
right.plot(k, cg_error_bound(1000.0, k), "--", color="0.3", label="CG bound, κ = 1000")
right.plot(k, steepest_descent_bound(1000.0, k), ":", color="0.5", label="steepest descent bound")
right.plot([6], [0.01 / 2.01], "D", color=PALETTE["sand"], markeredgecolor="black", markersize=8,
           label="w / (2 + w) after m + 1 = 6 steps")
right.set(yscale="log", ylim=(1e-14, 3), xlim=(0, 80), xlabel="iteration k", ylabel="‖x_k − x*‖_A / ‖x_0 − x*‖_A")
right.legend(fontsize=8)
left.set(yscale="log", xlabel="index i", ylabel="eigenvalue λ_i", title="The spectra (n = 100)")
left.legend(fontsize=8)
plt.show()
print(f"the √κ bound promises 1e-8 after {math.ceil(math.log(0.5e-8) / math.log((math.sqrt(1000) - 1) / (math.sqrt(1000) + 1)))} "
      f"iterations; steepest descent's after {math.ceil(math.log(1e-8) / math.log(999 / 1001))}")
"""))

add(md(r"""
Same condition number, very different work: what counts is how the eigenvalues are *arranged*, not
only their extremes. This is why CG is almost always used with a **preconditioner**: a matrix $M
\approx A$, cheap to invert, such that $M^{-1}A$ has clustered eigenvalues. (Lesson 06's quasi-Newton
matrices are one kind of preconditioner; in deep learning, Adam's diagonal scaling is a crude one.)

### Exercise 5 (2 points): predict CG's iteration count

First predict, without running anything, how many iterations `linear_cg` needs (from $x_0 = 0$,
`tol=1e-10`) for each of these three systems of size 100. Write your three numbers down.

1. `A1 = I + U Uᵀ`, where `U` is a random 100 x 3 matrix. (What are the eigenvalues of $I + UU^\top$?
   Think of vectors perpendicular to the columns of $U$.)
2. `A2` has the 100 distinct eigenvalues $1, 1.1, \dots, 10.9$, and `b2` is a combination of just
   four of its eigenvectors.
3. `A3 = 2I + W Wᵀ`, where `W` has 10 orthonormal columns.

Then write `predicted_cg_steps(eigenvalues, weights)`: the number of iterations CG needs in exact
arithmetic from $x_0 = 0$, for a matrix with these eigenvalues and a right-hand side $b$ whose
component along eigenvector $i$ is `weights[i]`. Treat eigenvalues within a relative $10^{-8}$ of each
other as equal, and weights with $\lvert w\rvert \le 10^{-12}\max\lvert w\rvert$ as zero (assume not all
weights are zero). Return an `int`.
"""))

add(answer("cg-steps", r'''
def predicted_cg_steps(eigenvalues, weights):
    """CG's iteration count, in exact arithmetic from x0 = 0, from the spectrum and b's eigen-components."""
    ### BEGIN SOLUTION
    w_abs = np.abs(np.asarray(weights, dtype=float))
    touched = np.sort(np.asarray(eigenvalues, dtype=float)[w_abs > 1e-12 * w_abs.max()])
    new_value_starts = np.diff(touched) > 1e-8 * np.abs(touched[1:])
    return int(1 + np.count_nonzero(new_value_starts))
    ### END SOLUTION
'''))

add(tests("cg-steps-tests", 2, r'''
check("cg-steps", predicted_cg_steps)
### BEGIN HIDDEN TESTS
assert predicted_cg_steps(np.array([5.0] * 10), np.ones(10)) == 1
assert predicted_cg_steps(np.array([1.0, 1.0, 2.0, 2.0, 3.0]), np.ones(5)) == 3
assert predicted_cg_steps(np.array([1.0, 1.0, 2.0, 2.0, 3.0]), np.array([1.0, 1.0, 0.0, 0.0, 2.0])) == 2
assert predicted_cg_steps(np.array([3.0, 1.0, 3.0 * (1 + 1e-12), 1.0]), np.ones(4)) == 2
assert isinstance(predicted_cg_steps(np.arange(1.0, 11.0), np.ones(10)), int)
# against optcourse's CG on unseen spectra and right-hand sides
rng_hidden = np.random.default_rng(710)
for values_h, counts_h in (([1.0, 2.0, 4.0, 8.0], [5, 3, 2, 6]), ([0.5, 1.5, 2.5, 3.5, 4.5, 5.5], [2, 2, 2, 2, 2, 2])):
    lam_h = rng_hidden.permutation(np.repeat(values_h, counts_h))
    w_h = rng_hidden.normal(size=lam_h.size)
    w_h[rng_hidden.random(lam_h.size) < 0.3] = 0.0
    Q_h, _ = np.linalg.qr(rng_hidden.normal(size=(lam_h.size, lam_h.size)))
    A_h = (Q_h * lam_h) @ Q_h.T
    measured_h = linear_cg((A_h + A_h.T) / 2, Q_h @ w_h, tol=1e-10).nit
    assert predicted_cg_steps(lam_h, w_h) == measured_h
### END HIDDEN TESTS
'''))

add(md(r"""
Now check your three predictions against `linear_cg` (this cell uses the library, not your function):
"""))

add(code(r"""
rng = np.random.default_rng(11)
U = rng.normal(size=(n, 3))
A1 = np.eye(n) + U @ U.T
Q2, _ = np.linalg.qr(rng.normal(size=(n, n)))
A2_big = (Q2 * np.arange(1.0, 11.0, 0.1)) @ Q2.T
A2_big = (A2_big + A2_big.T) / 2
b2 = Q2[:, [3, 17, 42, 80]] @ np.array([1.0, -2.0, 0.5, 1.0])
W, _ = np.linalg.qr(rng.normal(size=(n, 10)))
A3 = 2 * np.eye(n) + W @ W.T
for label, A, rhs in (("A1 = I + UUᵀ", A1, b100), ("A2 with b2", A2_big, b2), ("A3 = 2I + WWᵀ", A3, b100)):
    print(f"{label:15s} CG iterations: {linear_cg(A, rhs, tol=1e-10).nit}")
"""))

add(md(r"""
($A_1$: every vector perpendicular to the three columns of $U$ is an eigenvector with eigenvalue 1,
so there are at most 4 distinct eigenvalues. $A_2$: only four eigen-components of $b$. $A_3$:
eigenvalues 3 on the span of $W$ and 2 on its complement.)

### A system with 1,024 unknowns

Where do large SPD systems come from? A classic source is physics: the steady temperature $u$ of a
square plate heated evenly, $-\Delta u = 1$, with the edges held at 0. On a $32 \times 32$ grid of
interior points this becomes $Au = h^2\mathbf{1}$ with the 5-point Laplacian $A$ ($4$ on the diagonal,
$-1$ for each neighbour): $n = 1024$ unknowns, SPD, $\kappa \approx 440$. (We build $A$ as a dense
array for simplicity; CG only ever multiplies by it, so a real solver would apply the stencil without
storing $A$ at all.)
"""))

add(code(r"""
m = 32
T = 2 * np.eye(m) - np.eye(m, k=1) - np.eye(m, k=-1)        # the 1-D second difference
laplacian = np.kron(T, np.eye(m)) + np.kron(np.eye(m), T)    # 1024 x 1024, 5 nonzeros per row
rhs = np.full(m * m, 1.0 / (m + 1) ** 2)
plate = linear_cg(laplacian, rhs, tol=1e-10)
kappa_plate = (1 / math.tan(math.pi / (2 * (m + 1)))) ** 2   # λ_max / λ_min, in closed form
q = (math.sqrt(kappa_plate) - 1) / (math.sqrt(kappa_plate) + 1)
print(f"n = {m * m}, κ = {kappa_plate:.1f}: CG needed {plate.nit} iterations "
      f"(one product with A each) to ||r|| < 1e-10 ||b||")
print(f"the √κ bound promises 1e-10 after {math.ceil(math.log(0.5e-10) / math.log(q))}; "
      f"steepest descent's bound after {math.ceil(math.log(1e-10) / math.log((kappa_plate - 1) / (kappa_plate + 1)))}")
print(f"largest temperature {plate.x.max():.4f} (the exact continuous value is about 0.0737)")

fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 3.6), layout="constrained")
image = left.imshow(plate.x.reshape(m, m), cmap="magma", origin="lower", extent=(0, 1, 0, 1))
fig.colorbar(image, ax=left, label="u")
left.set(title="The solution: temperature of the plate", xlabel="x", ylabel="y")
left.grid(False)
right.plot(plate.residual_norms / np.linalg.norm(rhs), color=PALETTE["rose"], linewidth=2)
right.set(yscale="log", xlabel="iteration k", ylabel="‖r_k‖ / ‖b‖", title=f"CG on n = {m * m}")
plt.show()
"""))

add(md(r"""
About 70 iterations for 1,024 unknowns, each costing one (sparse) matrix-vector product: this is why
CG and its preconditioned variants solve the large linear systems of engineering and science. The
same idea reaches deep learning through *Hessian-free optimisation* (Martens 2010): there, CG solves
$H p = -\nabla L$ for a Newton-like step using only Hessian-vector products (lesson 03's Pearlmutter
trick), never forming $H$.

## 4. Nonlinear conjugate gradient

For a function that is not quadratic there is no $A$, but CG only ever used it in two places, and
both can be replaced (Fletcher and Reeves 1964):

- the residual $r_k$ becomes $-\nabla f(x_k)$;
- the exact step $\alpha_k$ becomes a **line search** (strong Wolfe conditions, lesson 06).

Then $p_{k+1} = -\nabla f_{k+1} + \beta_{k+1}\,p_k$, and on a quadratic with exact steps the following
choices of $\beta$ are all the same number, because $\nabla f_{k+1}^\top\nabla f_k = 0$ there. On
other functions they differ (Nocedal and Wright, section 5.2):

$$\beta^{FR}_{k+1} = \frac{\nabla f_{k+1}^\top \nabla f_{k+1}}{\nabla f_k^\top \nabla f_k}
\quad\text{(Fletcher-Reeves)}, \qquad
\beta^{PR+}_{k+1} = \max\Big(0,\ \frac{\nabla f_{k+1}^\top (\nabla f_{k+1} - \nabla f_k)}{\nabla f_k^\top \nabla f_k}\Big)
\quad\text{(Polak-Ribière+)}.$$

`optcourse.minimize(method="cg", options={"beta": "fr"})` or `"pr+"` runs them. First, a check that
on a quadratic with exact steps both are linear CG (on the 100 x 100 system with $\kappa = 100$):
"""))

add(code(r"""
A100 = systems[100.0]
quad_fun, quad_jac = (lambda x: 0.5 * x @ A100 @ x - b100 @ x), (lambda x: A100 @ x - b100)
linear = linear_cg(A100, b100, tol=1e-12)
for beta in ("fr", "pr+"):
    nonlinear = minimize(quad_fun, np.zeros(n), jac=quad_jac, hess=lambda x: A100, method="cg",
                         options=dict(beta=beta, line_search="exact", maxiter=15))
    same = np.allclose(nonlinear.path, linear.path[:16], rtol=1e-6, atol=1e-8)
    print(f"beta = {beta:3s}: the first 15 iterates equal linear CG's: {same}")
"""))

add(md(r"""
### Rosenbrock's function: CG against BFGS

Now a real nonlinear problem: $f(x, y) = (1 - x)^2 + 100(y - x^2)^2$ from the standard start
$(-1.2, 1)$, with the curved valley of lesson 06. We run Fletcher-Reeves, Polak-Ribière+, BFGS
(lesson 06) and, for scale, steepest descent, all with the same Wolfe line search code and the same
stopping test ($\lVert\nabla f\rVert_\infty \le 10^{-5}$), and count what each one costs.
"""))

add(code(r"""
rosen = get_problem("rosenbrock")


def counted_run(method, options):
    '''minimize on Rosenbrock, recording (gradient evaluations so far, f) after every iteration.'''
    calls = [0]

    def counted_gradient(x):
        calls[0] += 1
        return rosen.grad(x)

    trace = [(1, rosen.fun(rosen.x0))]             # the gradient at x0 is the first evaluation
    res = minimize(rosen.fun, rosen.x0, jac=counted_gradient, method=method, options=options,
                   callback=lambda x: trace.append((calls[0], rosen.fun(x))))
    return res, np.array(trace)


methods = {"CG, Fletcher-Reeves": ("cg", dict(beta="fr")),
           "CG, Polak-Ribière+": ("cg", dict(beta="pr+")),
           "BFGS": ("bfgs", {}),
           "steepest descent": ("gd", dict(maxiter=2000))}
finished = {label: counted_run(method, options) for label, (method, options) in methods.items()}
print(f"{'method':22s} {'converged':>9s} {'iterations':>10s} {'f evals':>8s} {'∇f evals':>9s} {'restarts':>8s}   f at the end")
for label, (res, _) in finished.items():
    # steepest descent's 2000 line searches and a converged f depend on rounding: shown as bounds
    evals = ("> 2000", "> 2000") if res.nit >= 2000 else (res.nfev, res.njev)
    final = "< 1e-10" if res.fun < 1e-10 else ("> 1e-4" if res.fun > 1e-4 else f"{res.fun:.1e}")
    print(f"{label:22s} {str(res.success):>9s} {res.nit:10d} {evals[0]:>8} {evals[1]:>9} {res.restarts:8d}   {final}")
"""))

add(code(r"""
styles = {"CG, Fletcher-Reeves": {**line_kwargs("cg"), "color": PALETTE["purple"], "linestyle": ":", "marker": "v"},
          "CG, Polak-Ribière+": line_kwargs("cg"), "BFGS": line_kwargs("bfgs")}
fig, axes = plt.subplots(1, 4, figsize=(13, 3.3), layout="constrained")
for ax, (label, style) in zip(axes, styles.items()):
    res, trace = finished[label]
    draw_landscape(ax, get_surface("rosenbrock"), n=120, levels=15, bounds=((-1.5, 1.3), (-0.5, 1.5)))
    ax.plot(res.path[:, 0], res.path[:, 1], path_effects=OUTLINE, zorder=4, **{**style, "markevery": 1, "markersize": 4})
    ax.plot(*rosen.x0, **START_STYLE)
    ax.set_title(f"{label}: {res.nit} iterations", fontsize=9)
    axes[3].plot(trace[:, 0], np.maximum(trace[:, 1], 1e-20), label=label, **{**style, "markevery": 3, "markersize": 4})
axes[3].set(yscale="log", xlabel="gradient evaluations", ylabel="f(x) − f*", title="Progress per evaluation")
axes[3].title.set_fontsize(9)
axes[3].legend(fontsize=7)
plt.show()
"""))

add(md(r"""
Reading the table and the figure:

- **Both CG variants beat steepest descent by far** (which has not converged after 2,000 iterations
  on this valley). They take fewer iterations than BFGS but more gradient evaluations: CG's line
  search must be more careful (the strong Wolfe conditions with $c_2 = 0.2$ instead of BFGS's 0.9;
  Fletcher-Reeves is only sure to produce a downhill direction for $c_2 < 1/2$), while BFGS's unit
  step is usually accepted at the first try.
- **All three follow the valley.** In two dimensions two conjugate directions already span the whole
  space, so near the minimum CG behaves almost like Newton's method, and all three finish fast; the
  $n = 500$ comparison below says more about the difference.
- **Restarts.** Both CG runs reset their direction to $-\nabla f$ several times (the `restarts`
  column). `optcourse.minimize` does so when successive gradients are far from orthogonal,
  $\lvert\nabla f_{k+1}^\top\nabla f_k\rvert \ge 0.1\,\lVert\nabla f_{k+1}\rVert^2$ (Powell's test):
  on a quadratic they would be orthogonal, so a large overlap says the quadratic model has gone stale.

Switch Powell's test off and the two formulas behave very differently:
"""))

add(code(r"""
print(f"{'without restarts':22s} {'iterations':>10s} {'∇f evals':>9s} {'restarts':>8s}")
for beta, label in (("fr", "Fletcher-Reeves"), ("pr+", "Polak-Ribière+")):
    res = minimize(rosen.fun, rosen.x0, jac=rosen.grad, method="cg", options=dict(beta=beta, restart_threshold=None))
    print(f"{label:22s} {res.nit:10d} {res.njev:9d} {res.restarts:8d}")
"""))

add(md(r"""
Fletcher-Reeves without restarts needs more than three times as many iterations. Its known weakness
(Powell 1977; Nocedal and Wright, section 5.2): when a step is tiny,
$\nabla f_{k+1} \approx \nabla f_k$, so $\beta^{FR} \approx 1$ and the next direction is almost the
previous one, which was just shown to be bad: FR can creep along for many iterations. Polak-Ribière's
numerator $\nabla f_{k+1}^\top(\nabla f_{k+1} - \nabla f_k)$ is then $\approx 0$, so
$\beta^{PR} \approx 0$ and the method **restarts itself** with steepest descent. Plain PR has a
weakness of its own: Powell (1984) found functions on which it cycles forever without converging.
Taking $\max(0, \beta^{PR})$, the "+" (Powell 1986), removes it: Gilbert and Nocedal (1992) proved
that PR+ converges with a suitable Wolfe line search. That is why PR+ is the usual default, as in
`optcourse.minimize`.

### Memory: why CG is still used when n is large

Rosenbrock's function in two variables does not show CG's real advantage: it stores only a few
vectors, while BFGS stores an $n \times n$ matrix and does $O(n^2)$ work per iteration. Here is the
extended Rosenbrock function (250 independent Rosenbrock valleys, $n = 500$), with L-BFGS (lesson 06,
memory $m = 10$ pairs) for good measure. We count evaluations and the numbers each method keeps between
iterations; we do not time anything.
"""))

add(code(r"""
big = get_problem("extended_rosenbrock_500")
n_big = big.n
kept = {"CG, Fletcher-Reeves": 4 * n_big,                 # x, ∇f, the previous ∇f, p
        "CG, Polak-Ribière+": 4 * n_big,
        "L-BFGS (m = 10)": (2 * 10 + 3) * n_big,          # x, ∇f, p and 10 pairs (s, y)
        "BFGS": n_big * n_big + 3 * n_big}                # the n x n inverse Hessian, x, ∇f, p
runs_big = {"CG, Fletcher-Reeves": ("cg", dict(beta="fr")), "CG, Polak-Ribière+": ("cg", dict(beta="pr+")),
            "L-BFGS (m = 10)": ("lbfgs", {}), "BFGS": ("bfgs", {})}
print(f"n = {n_big}")
print(f"{'method':20s} {'iterations':>10s} {'f evals':>8s} {'∇f evals':>9s} {'numbers kept':>13s} {'work per iteration':>19s}")
for (label, (method, options)), work in zip(runs_big.items(), ("O(n)", "O(n)", "O(m n)", "O(n²)")):
    res = minimize(big.fun, big.x0, jac=big.grad, method=method, options=options)
    assert res.success
    print(f"{label:20s} {res.nit:10d} {res.nfev:8d} {res.njev:9d} {kept[label]:13,d} {work:>19s}")
"""))

add(md(r"""
All four need a similar number of gradient evaluations here (within a factor of two), but BFGS keeps
a quarter of a million numbers and updates all of them at every iteration; at $n = 10^6$ (a small
neural network) its matrix would need 8 terabytes. CG keeps four vectors. L-BFGS sits in between and
is usually the better method when a few dozen vectors fit in memory, which is why it, rather than CG,
became the default of most libraries for smooth deterministic problems (for example
`torch.optim.LBFGS`). CG remains the method of choice for
the linear systems inside other methods (Newton-CG, Hessian-free optimisation, trust-region solvers).

Why not train networks with CG? Both CG and L-BFGS rely on line searches and on gradients that are
exact: the relations between successive gradients that make the directions conjugate break down when
every gradient comes from a different random minibatch. That is the setting of the first-order
methods of lessons 04, 05 and 08.

## 5. Experiments

**Zig-zag versus CG.** Change the condition number, the direction of the valley and where you start.
CG always needs 2 steps. Steepest descent's count depends on where you start: find the slowest start
for $\kappa = 100$ (the gradient's two eigen-components equal, i.e. close to the long axis,
at an angle of about $\arctan(1/\kappa)$ from it, about half a degree) and compare with
$\frac{\kappa}{4}\ln 10^{20} \approx 1150$ (the widget shrinks the gradient by $10^{10}$, which is
$f - f^*$ by about $10^{20}$). Then start exactly on an axis of the valley: why does steepest
descent need one step there?
"""))

add(code(r"""
ZigZagWidget(condition_number=10, angle_degrees=30, start_degrees=36, dpi=72)
"""))

add(md(r"""
**Eigenvalues versus CG.** A 200 x 200 system with a cluster of eigenvalues in $[1, 1 + w]$ and $m$
large outliers up to $\kappa$. Things to try: with $w$ tiny, count CG's steps as you add outliers
(about $m + 1$); widen the cluster and watch the diamond ($w/(2+w)$ after $m + 1$ steps, Theorem 5.5)
bound the error; set $m = 200$ (all spread out) and watch CG follow the $\sqrt\kappa$ bound, then raise
$\kappa$ to $10^6$ and see rounding push it past $n$ iterations.
"""))

add(code(r"""
CGSpectrumWidget(condition_number=1e4, outliers=5, width=0.01, dpi=72)
"""))

add(md(r"""
## Summary

- **Exact line searches are not enough.** On a quadratic $f = \frac12 x^\top Ax - b^\top x$ the exact
  step along $p$ is $\alpha = -g^\top p / p^\top A p$. With it, each new gradient is perpendicular to
  the direction just searched, so steepest descent turns 90 degrees at every step and zig-zags,
  needing about $\frac{\kappa}{4}\ln\frac1\epsilon$ steps.
- **Conjugate directions** ($d_i^\top A d_j = 0$) are directions that are perpendicular once the
  valley is stretched round. Exact line searches along $n$ of them remove one component of the error
  each and finish in $n$ steps. Gram-Schmidt in the A inner product makes any basis conjugate, at
  $O(n^2)$ memory.
- **Linear CG** builds each conjugate direction from the current residual and the previous
  direction alone: one product $Ap$ and four vectors per iteration, residuals mutually orthogonal,
  directions conjugate, at most $n$ steps in exact arithmetic. Rounding erodes conjugacy when
  $\kappa$ is large, and CG then needs more than $n$ steps, but still converges.
- **The spectrum sets the pace.** $m$ distinct eigenvalues: $m$ steps. A tight cluster plus $m$
  outliers: about $m + 1$. Spread out: the error shrinks like $2\big(\frac{\sqrt\kappa-1}{\sqrt\kappa+1}\big)^k$,
  $\sqrt\kappa$ where steepest descent has $\kappa$. Preconditioning makes clusters.
- **Nonlinear CG** replaces the residual with $-\nabla f$ and the exact step with a Wolfe line search.
  Fletcher-Reeves needs restarts; Polak-Ribière+ restarts itself. On Rosenbrock both need fewer
  iterations than BFGS and somewhat more gradient evaluations, while storing a few vectors instead of
  an $n \times n$ matrix; L-BFGS is the usual compromise. None of them suits noisy minibatch gradients, which is where the rest of this course lives.

## Papers

- M. R. Hestenes, E. Stiefel. *Methods of conjugate gradients for solving linear systems.* Journal of
  Research of the National Bureau of Standards 49(6), 409-436 (1952).
- R. Fletcher, C. M. Reeves. *Function minimization by conjugate gradients.* The Computer Journal
  7(2), 149-154 (1964).
- E. Polak, G. Ribière. *Note sur la convergence de méthodes de directions conjuguées.* Revue
  française d'informatique et de recherche opérationnelle 3(16), 35-43 (1969); B. T. Polyak, *The
  conjugate gradient method in extremal problems*, USSR Computational Mathematics and Mathematical
  Physics 9(4), 94-112 (1969).
- M. J. D. Powell. *Restart procedures for the conjugate gradient method.* Mathematical Programming
  12, 241-254 (1977); *Nonconvex minimization calculations and the conjugate gradient method*, Lecture
  Notes in Mathematics 1066, 122-141 (1984); *Convergence properties of algorithms for nonlinear
  optimization*, SIAM Review 28(4), 487-500 (1986).
- J. C. Gilbert, J. Nocedal. *Global convergence properties of conjugate gradient methods for
  optimization.* SIAM Journal on Optimization 2(1), 21-42 (1992).
- L. V. Kantorovich. *Functional analysis and applied mathematics.* Uspekhi Matematicheskikh Nauk
  3(6), 89-185 (1948) (the inequality behind steepest descent's rate).
- A. Greenbaum. *Iterative Methods for Solving Linear Systems.* SIAM 1997 (CG in floating point).
- J. R. Shewchuk. *An introduction to the conjugate gradient method without the agonizing pain.*
  Carnegie Mellon University, 1994 (the stretched-space picture of section 2, at length).
- M. F. Møller. *A scaled conjugate gradient algorithm for fast supervised learning.* Neural Networks
  6(4), 525-533 (1993).
- J. Martens. *Deep learning via Hessian-free optimization.* ICML 2010.
- J. Nocedal, S. J. Wright. *Numerical Optimization*, 2nd ed., Springer 2006: chapter 5 (Theorems 5.1
  to 5.5, Algorithms 5.2 and 5.4, eq. 5.36) and Theorem 3.3.
"""))


def source_notebook():
    nb = new_notebook(cells=CELLS)
    for number, cell in enumerate(nb.cells):   # stable ids, so that rebuilding changes nothing by itself
        cell.id = f"cg-{number:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main():
    nb = source_notebook()
    # the kernel runs in the lesson folder: let it find optcourse from there
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    os.environ["MPLBACKEND"] = "Agg"            # as the test suite runs it; the lesson selects inline itself
    LESSON.mkdir(parents=True, exist_ok=True)
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(LESSON)}}).execute()
    for cell in nb.cells:                       # keep the saved notebook free of run-specific metadata
        cell.metadata.pop("execution", None)
    (LESSON / f"{NAME}.ipynb").write_text(notebook_text(nb))


if __name__ == "__main__":
    main()
