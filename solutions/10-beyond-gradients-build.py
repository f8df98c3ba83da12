"""Build lesson 10, "Beyond gradient methods": write the notebook cell by cell and execute it.

    PYTHONPATH=. python solutions/10-beyond-gradients-build.py      # then: python -m optcourse.course release

The script lives beside the lesson folder, not in it: every file in ``solutions/10-beyond-gradients/`` is
copied to the students' ``lessons/``, and this script holds the solutions.
"""
import os
import sys
from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_notebook

NAME = "10-beyond-gradients"
ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "solutions" / NAME
sys.path.insert(0, str(ROOT))
from optcourse.course.release import notebook_text  # noqa: E402
from optcourse.course.authoring import answer, code, locked, md, tests  # noqa: E402


CELLS = [
    md(r"""
# 10. Beyond gradient methods

Every method so far followed the gradient downhill. This lesson looks at problems where that is not
enough, or not possible:

- **many local minima**: gradient descent stops in the first valley it meets. Searches that only
  *evaluate* $f$ (simulated annealing, a genetic algorithm, particle swarm, ant colonies) trade many
  evaluations for a look at the whole landscape;
- **constraints**: the answer must lie on a curve or in a set. Lagrange multipliers turn the problem
  into a system of equations; projected gradient steps back into the set after each step;
- **non-smooth terms** such as the $L_1$ penalty of the Lasso: the proximal gradient method handles the
  kink exactly with *soft thresholding*, and coordinate descent solves one variable at a time;
- **several objectives at once**: there is no single best point, only a *Pareto front* of best
  trade-offs, which an evolutionary search (NSGA-II) can map.

**Learning goals.** After this lesson you can

- explain Metropolis's acceptance rule and the role of the temperature, and run simulated annealing,
  a genetic algorithm and particle swarm, comparing them with gradient descent by success rate and by
  evaluations of $f$;
- describe how ant colony optimisation builds solutions from pheromone trails;
- write the Lagrange conditions of an equality-constrained problem, solve them in SymPy, and read the
  multiplier as the sensitivity of the optimum to the constraint;
- take projected and proximal gradient steps, implement soft thresholding, and solve the Lasso by
  ISTA and by coordinate descent;
- decide Pareto dominance, find the non-dominated points of a set, and explain how NSGA-II keeps its
  population spread along the front.

Run the cells from top to bottom. Exercises are marked **Exercise**: write your answer in the cell
that says `YOUR CODE HERE`, then run the cell below it to check.
"""),
    locked(r"""
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")      # figures in the notebook, wherever it runs
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp
from scipy.optimize import minimize

from optcourse.constrained import (coordinate_descent_lasso, lasso_objective, project_ball, projected_gradient,
                                   proximal_gradient, soft_threshold)
from optcourse.heuristic_widgets import AnnealingWidget
from optcourse.heuristics import (ant_colony_tsp, genetic_algorithm, particle_swarm, simulated_annealing,
                                  tour_length)
from optcourse.multiobjective import crowding_distance, non_dominated_sort, nsga2
from optcourse.plots import PALETTE, draw_landscape
from optcourse.surfaces import rastrigin
from selfcheck import check

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6.4, 3.6), "axes.grid": True, "grid.color": "0.9"})
"""),
    md(r"""
## 1. A landscape full of traps

Rastrigin's function puts a cosine ripple on a bowl:

$$f(x, y) = 20 + x^2 - 10\cos 2\pi x + y^2 - 10\cos 2\pi y .$$

Near every point with integer coordinates there is a local minimum; the global one is $f(0,0) = 0$.
Inside the box $[-5.12, 5.12]^2$ there are about a hundred local minima. Gradient descent from a random
start slides into the nearest one. Let us check, from 20 random starts, with 500 steps each. The largest
curvature is $2 + 40\pi^2 \approx 397$, so the learning rate must stay below $2/397$.

We count a run as a **success** when its best point lies in the global minimum's basin,
$\lVert x\rVert < 0.5$: from there a few gradient steps finish the job.
"""),
    code(r"""
surface = rastrigin()
BOX = [(-5.12, 5.12), (-5.12, 5.12)]
STARTS = np.random.default_rng(10).uniform(-5.12, 5.12, size=(20, 2))     # the same starts for every method


def gradient_descent(starts, lr=0.002, steps=500):
    # all starts at once: rows of X are independent runs
    X = np.array(starts, dtype=float)
    for _ in range(steps):
        X = X - lr * surface.gradient(X)
    return X


def in_global_basin(points):
    return np.linalg.norm(np.atleast_2d(points), axis=1) < 0.5


gd_ends = gradient_descent(STARTS)
print(f"gradient descent: {in_global_basin(gd_ends).sum()} of {len(STARTS)} starts reach the global basin")
print("values reached:", np.round(np.sort(surface.value(gd_ends)), 2)[:8], "...")
"""),
    md(r"""
Every run stopped at a local minimum close to where it started. Gradient descent is a *local*
method: it uses only what it sees at the current point. To find the global minimum we must sometimes
accept worse points, or look at many places at once.

## 2. Simulated annealing

Annealing a metal means heating it and cooling it slowly, so its atoms settle into a low-energy
crystal instead of a glassy jumble. Kirkpatrick, Gelatt and Vecchi (1983) turned this into a search.
From the current point $x$, propose a random neighbour $x' = x + \sigma\xi$ with $\xi \sim N(0, I)$, and
with $\Delta = f(x') - f(x)$:

$$\text{accept } x' \text{ when } \Delta \le 0, \text{ or with probability } e^{-\Delta/T} \text{ when } \Delta > 0 .$$

This is **Metropolis's rule** (1953). At a high temperature $T$ almost every move is accepted, and the
chain wanders over the whole landscape. As $T \to 0$, uphill moves become rare and the search turns
into a random descent. A schedule such as $T_k = T_0 c^k$ with $c$ slightly below 1 goes from the first
regime to the second. (With a slow enough, logarithmic schedule, annealing reaches the global minimum
with probability 1; in practice geometric cooling is the usual compromise.)

To decide "with probability $p$", draw $u$ uniform in $[0, 1)$ and accept when $u < p$.

### Exercise 1 (1 point): the acceptance rule

Write `accept(delta, temperature, u)`, which returns `True` when a move that changes $f$ by `delta` is
accepted at `temperature`, given the uniform random number `u`, and `False` otherwise.
"""),
    answer("sa-accept", r"""
def accept(delta, temperature, u):
    ### BEGIN SOLUTION
    if delta <= 0:
        return True
    return bool(u < np.exp(-delta / temperature))
    ### END SOLUTION
"""),
    tests("sa-accept-tests", 1, r"""
check("sa-accept", accept)
### BEGIN HIDDEN TESTS
assert accept(-3.0, 1e-9, 0.9999)
assert accept(0.0, 0.5, 0.99)
assert accept(0.5, 2.0, 0.77)          # exp(-0.25) = 0.7788
assert not accept(0.5, 2.0, 0.78)
assert not accept(10.0, 0.1, 1e-30)    # exp(-100) = 3.7e-44
### END HIDDEN TESTS
"""),
    md(r"""
`optcourse.heuristics.simulated_annealing` uses this rule. Try it in the widget: start hot
($T_0 = 10$) and cool slowly, then start cold ($T_0 = 0.001$), and change the step and the seed. Cold,
the chain only accepts improvements and gets caught, like gradient descent but slower. Hot and slowly
cooled, it crosses many ridges before it settles. Cooled too fast ($c = 0.98$), it freezes early.
"""),
    code(r"""
AnnealingWidget(t0=10.0, cooling=0.998, step_size=0.5, seed=0, dpi=72)
"""),
    md(r"""
## 3. Populations: a genetic algorithm and particle swarm

Annealing follows one point. The next two methods move a whole **population**, which shares what it
learns.

A **genetic algorithm** (Holland 1975) imitates natural selection. Each generation:

1. *selection*: pick parents by small tournaments, where the fitter of two random members wins;
2. *crossover*: mix two parents, here by a random blend $w a + (1-w) b$ for each coordinate, with
   $w \sim U(-0.25, 1.25)$, so a child may land a little outside the segment between its parents;
3. *mutation*: add small Gaussian noise to a few coordinates, which keeps the population diverse;
4. *elitism*: the best members survive unchanged, so the best value never gets worse.

**Particle swarm optimisation** (Kennedy and Eberhart 1995) imitates a flock. Particle $i$ has a
position $x_i$, a velocity $v_i$ and remembers its own best point $p_i$; the swarm remembers its best
point $g$. Each step, with fresh uniform $r_1, r_2$ for each coordinate,

$$v_i \leftarrow w v_i + c_1 r_1 (p_i - x_i) + c_2 r_2 (g - x_i), \qquad x_i \leftarrow x_i + v_i .$$

The inertia $w < 1$ damps the flight, and the two pulls send each particle back towards its own
memory and the swarm's. With $w = 0.72$ and $c_1 = c_2 = 1.49$ (Clerc and Kennedy 2002) the swarm
converges without exploding.

Now the comparison. Each heuristic gets about 3000 evaluations of $f$. Annealing starts from the same
20 points as gradient descent. The two population methods have no single start: each of their 20 runs
scatters a population at random with its own seed. Gradient descent costs one gradient evaluation per
step, so with the same budget it can afford 6 **restarts** of 500 steps. We give it that too.
"""),
    code(r"""
runs = {
    "simulated annealing": [simulated_annealing(surface.value, s, bounds=BOX, seed=i) for i, s in enumerate(STARTS)],
    "genetic algorithm": [genetic_algorithm(surface.value, BOX, seed=i) for i in range(20)],
    "particle swarm": [particle_swarm(surface.value, BOX, seed=i) for i in range(20)],
}
restarts = np.random.default_rng(11).uniform(-5.12, 5.12, size=(20, 5, 2))    # 5 more starts for each run
gd_restart_ends = gradient_descent(np.concatenate([STARTS[:, None], restarts], axis=1).reshape(-1, 2))
gd_restart_success = in_global_basin(gd_restart_ends).reshape(20, 6).any(axis=1)

print(f"{'method':<30}{'successes':>10}{'evaluations':>13}{'median best f':>15}")
print(f"{'gradient descent, 1 start':<30}{in_global_basin(gd_ends).sum():>7}/20{500:>13}"
      f"{np.median(surface.value(gd_ends)):>15.3f}")
print(f"{'gradient descent, 6 restarts':<30}{gd_restart_success.sum():>7}/20{3000:>13}"
      f"{np.median(surface.value(gd_restart_ends).reshape(20, 6).min(axis=1)):>15.3f}")
for name, results in runs.items():
    successes = sum(in_global_basin(r.x)[0] for r in results)
    print(f"{name:<30}{successes:>7}/20{results[0].evaluations:>13}{np.median([r.f for r in results]):>15.3f}")
"""),
    md(r"""
(Gradient evaluations and function evaluations do not cost the same, but here both are a handful of
arithmetic operations per point.) The picture: where each method's 20 runs ended, and how fast the
best value fell as evaluations were spent (the median over the 20 runs).
"""),
    code(r"""
colours = {"simulated annealing": PALETTE["rose"], "genetic algorithm": PALETTE["green"],
           "particle swarm": PALETTE["indigo"]}
fig, (ax_map, ax_curve) = plt.subplots(1, 2, figsize=(10, 4.2))
draw_landscape(ax_map, surface, n=150, levels=20)
ax_map.plot(gd_ends[:, 0], gd_ends[:, 1], "o", color=PALETTE["sand"], mec="k", ms=6, label="gradient descent")
for name, results in runs.items():
    ends = np.array([r.x for r in results])
    ax_map.plot(ends[:, 0], ends[:, 1], "x", color=colours[name], ms=7, mew=2, label=name)
ax_map.set_title("where the 20 runs ended", fontsize=10)
ax_map.legend(fontsize=7, loc="lower left")
for name, results in runs.items():
    evaluations = np.linspace(1, results[0].evaluations, len(results[0].history))
    ax_curve.plot(evaluations, np.maximum(np.median([r.history for r in results], axis=0), 1e-12), color=colours[name],
                  label=name)
ax_curve.set(xlabel="evaluations of f", ylabel="best f so far (median of 20)", yscale="log")
ax_curve.legend(fontsize=8)
fig.tight_layout()
"""),
    md(r"""
The crosses of all 60 heuristic runs sit on the star at the origin. All three heuristics land in the global basin far more often than gradient descent, even when
gradient descent restarts. They pay for it in evaluations: thousands where a good start needs tens of
gradient steps. Note also that annealing finds the right *basin* but polishes slowly (its best value
stays around $10^{-2}$). A gradient method is the best tool to finish the job. In deep learning,
where a network has millions of parameters and each evaluation is a pass over data, this price is too
high. There, heuristics choose the hyperparameters and architectures, not the weights.

## 4. Ant colony optimisation, briefly

Ants find short paths to food by leaving pheromone: shorter paths are walked more often per unit time,
so they collect more pheromone and attract more ants. Dorigo's **ant system** (1992, 1996) uses this
for combinatorial problems such as the travelling salesman, who must visit $n$ cities once and return.
Each ant builds a tour city by city, going from $i$ to an unvisited $j$ with probability proportional to
$\tau_{ij}^\alpha\,(1/d_{ij})^\beta$: pheromone $\tau$ times closeness. After all ants have moved,
pheromone evaporates, $\tau \leftarrow (1-\rho)\tau$, and each ant adds $1/L$ to the edges of its tour of
length $L$. With 8 cities we can check against all $7! = 5040$ tours that start at city 0:
"""),
    code(r"""
from itertools import permutations

cities = np.random.default_rng(4).random((8, 2))
distances = np.linalg.norm(cities[:, None] - cities[None], axis=2)
shortest = min(tour_length(distances, (0, *p)) for p in permutations(range(1, 8)))
colonies = [ant_colony_tsp(distances, ants=20, iterations=30, seed=s) for s in range(5)]
print(f"five colonies of 20 ants, {colonies[0].evaluations} tours each; shortest of all 5040 tours: {shortest:.4f}")
print("each colony's best tour / shortest:", [round(c.f / shortest, 3) for c in colonies])
colony = min(colonies, key=lambda c: c.f)

fig, ax = plt.subplots(figsize=(3.4, 3.2))
loop = cities[[*colony.x, colony.x[0]]]
ax.plot(loop[:, 0], loop[:, 1], "-", color=PALETTE["teal"])
ax.plot(cities[:, 0], cities[:, 1], "o", color=PALETTE["wine"])
ax.set_title("best tour of the colony", fontsize=10)
ax.set_aspect("equal")
"""),
    md(r"""
Some colonies find the shortest tour and others settle within a few per cent of it, on a tour that
their own pheromone keeps reinforcing. This is typical of heuristics: good solutions quickly, with no
guarantee of the best one. Practical variants (max-min ant system, ant colony system) bound the
pheromone to keep exploring, and add a local search.

## 5. Constraints and Lagrange multipliers

Minimise $f(x, y)$ subject to one equality $g(x, y) = 0$. At a constrained minimum, moving along the
curve $g = 0$ cannot decrease $f$ to first order, so $\nabla f$ has no component along the curve: it is
perpendicular to the curve, like $\nabla g$. Hence, for some number $\lambda$,

$$\nabla f = \lambda \nabla g, \qquad g = 0 .$$

Equivalently, the **Lagrangian** $\mathcal L(x, y, \lambda) = f(x, y) - \lambda\, g(x, y)$ is stationary
in all three variables. So $n$ variables and $k$ constraints become $n + k$ equations in $n + k$ unknowns
(Lagrange 1788). Example: minimise $f = x^2 + 2y^2$ on the line $x + y = 1$.
"""),
    code(r"""
x, y, lam = sp.symbols("x y lambda", real=True)
f_example = x**2 + 2 * y**2
g_example = x + y - 1
L = f_example - lam * g_example
conditions = [sp.Eq(sp.diff(L, v), 0) for v in (x, y, lam)]
display(*conditions)
solution = sp.solve(conditions, [x, y, lam], dict=True)
solution
"""),
    md(r"""
So $x^* = 2/3$, $y^* = 1/3$ and $\lambda^* = 4/3$. A numerical check with SciPy's SLSQP, which handles
constraints directly:
"""),
    code(r"""
numeric = minimize(lambda p: p[0] ** 2 + 2 * p[1] ** 2, x0=[0.0, 0.0], method="SLSQP", tol=1e-12,
                   constraints=[{"type": "eq", "fun": lambda p: p[0] + p[1] - 1}])
print("SLSQP:", np.round(numeric.x, 6), " SymPy:", [solution[0][x], solution[0][y]])
"""),
    md(r"""
**What $\lambda$ means.** Move the constraint to $x + y = c$. The optimal value $f^*(c)$ changes at the
rate $\frac{d f^*}{dc} = \lambda^*$: the multiplier is the *price* of the constraint, how much the best
value would improve per unit of relaxation. SymPy confirms it:
"""),
    code(r"""
c = sp.symbols("c", real=True)
moved = sp.solve([sp.diff(f_example - lam * (x + y - c), v) for v in (x, y, lam)], [x, y, lam], dict=True)[0]
f_star = sp.simplify(f_example.subs(moved))
print(f"f*(c) = {f_star},   df*/dc at c = 1: {sp.diff(f_star, c).subs(c, 1)},   lambda* = {solution[0][lam]}")
"""),
    md(r"""
Inequality constraints $h(x) \le 0$ add the Karush-Kuhn-Tucker conditions: a multiplier $\mu \ge 0$ that
is zero unless the constraint is active (Nocedal and Wright, ch. 12).

### Exercise 2 (2 points): derive the Lagrange conditions

Minimise $f = x^2 + 3y^2$ subject to $x + y = 4$. With $\mathcal L = f - \lambda(x + y - 4)$, set up the
three stationarity conditions in SymPy, solve them, and store the solution as
`lagrange_point = (x_star, y_star, lam_star)`: three SymPy numbers (exact, not floats).
"""),
    answer("lagrange-point", r"""
### BEGIN SOLUTION
lagr_ex = x**2 + 3 * y**2 - lam * (x + y - 4)
sol_ex = sp.solve([sp.diff(lagr_ex, v) for v in (x, y, lam)], [x, y, lam], dict=True)[0]
lagrange_point = (sol_ex[x], sol_ex[y], sol_ex[lam])
### END SOLUTION
lagrange_point
"""),
    tests("lagrange-point-tests", 2, r"""
check("lagrange-point", lagrange_point)
### BEGIN HIDDEN TESTS
assert len(lagrange_point) == 3
assert sp.simplify(lagrange_point[0] - 3) == 0
assert sp.simplify(lagrange_point[1] - 1) == 0
assert sp.simplify(lagrange_point[2] - 6) == 0
### END HIDDEN TESTS
"""),
    md(r"""
## 6. Projected gradient

When the feasible set $C$ is simple (a box, a ball) and its closest point is easy to compute, there is
a cheaper approach than Lagrange's: take a gradient step and then project back,

$$x \leftarrow P_C\big(x - \eta \nabla f(x)\big), \qquad P_C(z) = \arg\min_{u \in C} \lVert u - z\rVert .$$

For the box $[l, u]$ the projection clips each coordinate. For the ball $\lVert x\rVert \le r$ it scales
$z$ back to radius $r$ when it lies outside. Below, a quadratic whose unconstrained minimum $(2, 1)$ lies
outside the unit disc. Projected gradient stops at the boundary point where $-\nabla f$ points straight
out of the disc, just as the Lagrange condition predicts (here with a multiplier for $\lVert x\rVert^2 \le 1$).
"""),
    code(r"""
Q, target = np.array([[3.0, 0.5], [0.5, 1.0]]), np.array([2.0, 1.0])
grad_q = lambda p: Q @ (p - target)
path = projected_gradient(grad_q, lambda z: project_ball(z, 1.0), [-0.5, -0.8], lr=0.25, steps=60)
reference = minimize(lambda p: 0.5 * (p - target) @ Q @ (p - target), [0.0, 0.0], method="SLSQP", tol=1e-12,
                     constraints=[{"type": "ineq", "fun": lambda p: 1 - p @ p}])
print("projected gradient:", np.round(path[-1], 5), "  SLSQP:", np.round(reference.x, 5))
end, push = path[-1], -grad_q(path[-1])
print("-gradient parallel to x at the end (cross product):", round(float(end[0] * push[1] - end[1] * push[0]), 6) + 0.0)

fig, ax = plt.subplots(figsize=(4, 3.6))
u = np.linspace(-1.6, 2.6, 200)
U, V = np.meshgrid(u, u)
Z = 0.5 * (Q[0, 0] * (U - 2) ** 2 + 2 * Q[0, 1] * (U - 2) * (V - 1) + Q[1, 1] * (V - 1) ** 2)
ax.contour(U, V, Z, levels=15, colors="0.7", linewidths=0.7)
ax.add_patch(plt.Circle((0, 0), 1.0, fill=False, color=PALETTE["indigo"], lw=1.5))
ax.plot(path[:, 0], path[:, 1], ".-", color=PALETTE["rose"], label="projected gradient")
ax.plot(*target, "*", color=PALETTE["sand"], mec="k", ms=12, label="unconstrained minimum")
ax.set_aspect("equal")
_ = ax.legend(fontsize=7, loc="lower right")
"""),
    md(r"""
## 7. Proximal gradient and the Lasso

The **Lasso** (Tibshirani 1996) fits a linear model with an $L_1$ penalty,

$$\min_x\; F(x) = \tfrac12\lVert Ax - b\rVert^2 + \lambda\lVert x\rVert_1 .$$

The penalty sets many weights to exactly zero, which selects features. But $|x_j|$ has a kink at 0,
where there is no gradient. The **proximal gradient** method splits $F$ into its smooth part and the
penalty. It takes a gradient step on the smooth part, then solves the penalty's small problem exactly:

$$x \leftarrow \operatorname{prox}_{\eta\lambda\lVert\cdot\rVert_1}\big(x - \eta A^\top(Ax - b)\big), \qquad
\operatorname{prox}_{t\lVert\cdot\rVert_1}(v) = \arg\min_u\; \tfrac12\lVert u - v\rVert^2 + t\lVert u\rVert_1 .$$

The prox problem splits by coordinate. For one coordinate, when $u > 0$ the derivative
$u - v + t = 0$ gives $u = v - t$, valid if $v > t$. Likewise $u = v + t$ when $v < -t$. Otherwise $u = 0$.
This is **soft thresholding**,

$$S_t(v) = \mathrm{sign}(v)\,\max(|v| - t,\; 0),$$

which shrinks everything towards zero by $t$ and sets to exactly zero whatever lies within $t$ of it.
With step $\eta = 1/L$, $L = \lVert A\rVert_2^2$, this is **ISTA** (Daubechies, Defrise, De Mol 2004;
Beck and Teboulle 2009). It converges like gradient descent, at rate $O(1/k)$, even though $F$ is not
differentiable.

### Exercise 3 (2 points): soft thresholding

Write `shrink(v, t)`: soft thresholding of the array `v` (elementwise) by the threshold `t >= 0`,
returning a float array of the same shape. Use NumPy, no loop.
"""),
    answer("soft-threshold", r"""
def shrink(v, t):
    v = np.asarray(v, dtype=float)
    ### BEGIN SOLUTION
    magnitude_left = np.clip(np.abs(v) - t, 0.0, None)
    return np.copysign(magnitude_left, v) * (magnitude_left > 0)
    ### END SOLUTION
"""),
    tests("soft-threshold-tests", 2, r"""
check("soft-threshold", shrink)
### BEGIN HIDDEN TESTS
np.testing.assert_allclose(shrink(np.array([4.0, -4.0, 0.3, -0.3, 1.5]), 1.5), [2.5, -2.5, 0.0, 0.0, 0.0])
np.testing.assert_allclose(shrink(np.array([[2.0, -7.0], [0.0, 1.0]]), 0.0), [[2.0, -7.0], [0.0, 1.0]])
assert shrink(np.array([[1.0, 2.0, 3.0]]), 0.5).shape == (1, 3)
np.testing.assert_allclose(shrink(np.array([-0.25, 10.0]), 100.0), [0.0, 0.0])
### END HIDDEN TESTS
"""),
    md(r"""
**A check with a closed form.** When the columns of $A$ are orthonormal, $A^\top A = I$ and
$F(x) = \tfrac12\lVert x - A^\top b\rVert^2 + \lambda\lVert x\rVert_1 + \text{const}$, so the Lasso solution
is exactly $S_\lambda(A^\top b)$, and ISTA (with $\eta = 1$) reaches it in one step:
"""),
    code(r"""
rng = np.random.default_rng(7)
A_orth, _ = np.linalg.qr(rng.normal(size=(30, 6)))
b_orth = rng.normal(size=30) * 2
x_ista, _ = proximal_gradient(A_orth, b_orth, 1.0, steps=20)
print("ISTA:       ", np.round(x_ista, 6) + 0.0)                 # + 0.0 turns -0.0 into 0.0
print("closed form:", np.round(soft_threshold(A_orth.T @ b_orth, 1.0), 6) + 0.0)
"""),
    md(r"""
### Coordinate descent

Another way around the kink: minimise $F$ over **one coordinate at a time**, exactly, holding the others
fixed. Over $x_j$ alone, $F$ is a one-dimensional quadratic plus $\lambda|x_j|$. With $a_j$ the $j$-th
column and $r_j = b - \sum_{k\ne j} a_k x_k$ the residual without $x_j$, the minimiser is again a soft
threshold:

$$x_j \leftarrow \frac{S_\lambda\!\left(a_j^\top r_j\right)}{\lVert a_j\rVert^2} .$$

Sweeping over $j = 1, \dots, n$ repeatedly never increases $F$. For the Lasso it converges to the
minimum because the non-smooth part is a sum of one-coordinate terms (Tseng 2001). It is the method
behind glmnet and scikit-learn's `Lasso` (Friedman, Hastie and Tibshirani 2010). On a correlated
design, compare both, and a high-accuracy reference from SciPy's L-BFGS-B on the smooth split
$x = u - v$, $u, v \ge 0$:
"""),
    code(r"""
rng = np.random.default_rng(8)
A = rng.normal(size=(60, 15)) + 0.8 * rng.normal(size=(60, 1))           # a shared factor: correlated columns
x_true = np.zeros(15)
x_true[[1, 4, 9]] = [3.0, -2.0, 1.5]
b = A @ x_true + 0.5 * rng.normal(size=60)
lam_lasso = 20.0

x_prox, objective_prox = proximal_gradient(A, b, lam_lasso, steps=300)
x_cd, objective_cd = coordinate_descent_lasso(A, b, lam_lasso, sweeps=300, tol=1e-12)


def smooth_split(z):
    r = A @ (z[:15] - z[15:]) - b
    g = A.T @ r
    return 0.5 * r @ r + lam_lasso * z.sum(), np.concatenate([g + lam_lasso, lam_lasso - g])


z = minimize(smooth_split, np.zeros(30), jac=True, method="L-BFGS-B", bounds=[(0, None)] * 30,
             options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 10000}).x
x_ref = z[:15] - z[15:]
F_ref = lasso_objective(A, b, lam_lasso, x_ref)
print("nonzero weights (coordinate descent):", np.flatnonzero(x_cd).tolist(), " true:", [1, 4, 9])
print("coordinate descent and ISTA agree with the reference to 1e-8:",
      bool(np.abs(x_cd - x_ref).max() < 1e-8 and np.abs(x_prox - x_ref).max() < 1e-8))

fig, ax = plt.subplots(figsize=(5.6, 3.4))
ax.semilogy(np.maximum(objective_prox - F_ref, 1e-14), color=PALETTE["rose"], label="ISTA (one step)")
ax.semilogy(np.maximum(objective_cd - F_ref, 1e-14), color=PALETTE["indigo"], label="coordinate descent (one sweep)")
ax.set(xlabel="iteration (one sweep costs about one ISTA step)", ylabel="F(x) - F*", xlim=(0, 300))
_ = ax.legend(fontsize=8)
"""),
    md(r"""
Coordinate descent reaches machine precision in about 15 sweeps. ISTA gets there too, but needs ten
times as many steps, because the shared factor makes $A^\top A$ ill-conditioned and its step $1/L$ is set
by the largest eigenvalue (lesson 04's story again). Both find the same sparse solution: exactly the
three true features, with the other twelve weights exactly zero.

## 8. Several objectives: the Pareto front

Often we want two things that conflict: accuracy and model size, speed and quality. Take two
objectives on the plane,

$$f_1(x) = \lVert x\rVert^2, \qquad f_2(x) = \lVert x - (1, 1)\rVert^2 .$$

Point $a$ **dominates** $b$ when $a$ is no worse in every objective and strictly better in at least one.
The **Pareto set** is the set of points no other point dominates; its image is the **Pareto front**.
Here, moving off the segment from $(0,0)$ to $(1,1)$ makes both distances worse. So the Pareto set is
$x = (t, t)$, $t \in [0, 1]$, and the front is $f_1 = 2t^2$, $f_2 = 2(1-t)^2$, or

$$f_2 = \big(\sqrt2 - \sqrt{f_1}\big)^2, \qquad 0 \le f_1 \le 2 .$$

Picking one point of the front needs a preference, for example weights. An algorithm's job is to
offer the whole front.

### Exercise 4 (2 points): the non-dominated points

Write `pareto_mask(F)`. `F` has one row per point and one column per objective (all minimised). Return a
boolean array with one entry per row: `True` when no other row dominates that row. Equal rows do not
dominate each other.
"""),
    answer("pareto-mask", r"""
def pareto_mask(F):
    F = np.asarray(F, dtype=float)
    ### BEGIN SOLUTION
    weakly_better = (F[:, None, :] <= F[None, :, :]).all(axis=2)
    somewhere_strict = (F[:, None, :] < F[None, :, :]).any(axis=2)
    beaten = (weakly_better & somewhere_strict).any(axis=0)
    return ~beaten
    ### END SOLUTION
"""),
    tests("pareto-mask-tests", 2, r"""
check("pareto-mask", pareto_mask)
### BEGIN HIDDEN TESTS
hidden_F = np.array([[1.0, 5.0], [2.0, 2.0], [2.0, 2.0], [3.0, 2.0], [5.0, 1.0], [4.0, 4.0]])
np.testing.assert_array_equal(pareto_mask(hidden_F), [True, True, True, False, True, False])
np.testing.assert_array_equal(pareto_mask(np.array([[0.0, 0.0, 0.0]])), [True])
three_obj = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 4.0], [0.0, 9.0, 9.0]])
np.testing.assert_array_equal(pareto_mask(three_obj), [True, False, True])
### END HIDDEN TESTS
"""),
    md(r"""
### NSGA-II

A genetic algorithm can chase the whole front at once if selection ranks points by dominance instead
of by one value. **NSGA-II** (Deb, Pratap, Agarwal, Meyarivan 2002) does it with two ideas:

- **non-dominated sorting**: front 0 is the non-dominated points, front 1 those dominated only by
  front 0, and so on. A lower front is better;
- **crowding distance**, inside a front: for each objective, sort the front and add the gap between a
  point's two neighbours, divided by that objective's range. The two ends get infinity. A larger
  distance means a more isolated point, and it is preferred. This keeps the population spread along
  the front instead of bunched in one place.

Each generation makes as many children as parents, by tournaments on (front, crowding), crossover
and mutation. It pools parents and children, and keeps the best half by front and then by crowding.
Elitism is built in. On our problem, 60 points over 60 generations:
"""),
    code(r"""
def two_objectives(X):
    return np.c_[np.sum(X**2, axis=1), np.sum((X - 1) ** 2, axis=1)]


pareto = nsga2(two_objectives, [(-2.0, 3.0), (-2.0, 3.0)], population=60, generations=60, seed=0)
F_front = pareto.F[pareto.front]
t = np.linspace(0, 1, 2001)
analytic = np.c_[2 * t**2, 2 * (1 - t) ** 2]
gap = np.linalg.norm(F_front[:, None] - analytic[None], axis=2).min(axis=1)
print(f"{len(pareto.front)} of 60 points non-dominated after {pareto.evaluations} evaluations; "
      f"distance to the analytic front: mean {gap.mean():.4f}, largest {gap.max():.3f}")

start = np.random.default_rng(0).uniform(-2, 3, size=(60, 2))            # a random population, for contrast
fig, (ax_f, ax_x) = plt.subplots(1, 2, figsize=(9, 3.6))
F_start = two_objectives(start)
first = non_dominated_sort(F_start)[0]
ax_f.plot(F_start[:, 0], F_start[:, 1], ".", color="0.7", label="random population")
ax_f.plot(F_start[first, 0], F_start[first, 1], "o", mfc="none", color=PALETTE["olive"], label="its front 0")
ax_f.plot(analytic[:, 0], analytic[:, 1], "-", color=PALETTE["indigo"], label="analytic front")
ax_f.plot(F_front[:, 0], F_front[:, 1], "x", color=PALETTE["rose"], label="NSGA-II, generation 60")
ax_f.set(xlabel="$f_1$", ylabel="$f_2$", xlim=(0, 6), ylim=(0, 6))
ax_f.legend(fontsize=7)
ax_x.plot([0, 1], [0, 1], "-", color=PALETTE["indigo"], label="Pareto set")
ax_x.plot(pareto.X[:, 0], pareto.X[:, 1], "x", color=PALETTE["rose"], label="NSGA-II population")
ax_x.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
ax_x.legend(fontsize=7)
fig.tight_layout()
crowd = crowding_distance(F_front)
print("crowding distances of the two end points:", crowd[np.argsort(F_front[:, 0])[[0, -1]]].tolist())
"""),
    md(r"""
The population has moved close to the segment (within about 0.1 of it) and spread along the whole
front, ends included. Near the Pareto set both objectives are flat across the segment, so these points
are within about 0.01 of the analytic front in objective space. The two
end points carry infinite crowding distance, so they are never dropped.

## Summary

- **Gradient descent is local.** On Rastrigin it stops in the valley of its start. Simulated
  annealing, genetic algorithms and particle swarms only evaluate $f$, and they reach the global basin
  far more often, at the price of thousands of evaluations. Compare them by evaluations, not steps.
- **Simulated annealing** accepts an uphill move $\Delta > 0$ with probability $e^{-\Delta/T}$ and
  lowers $T$ slowly: hot it explores, cold it descends.
- **Genetic algorithms** select, cross and mutate a population. **Particle swarms** pull each
  particle towards its own best point and the swarm's. **Ant colonies** build solutions along pheromone
  trails that short solutions reinforce.
- **Lagrange multipliers**: at a constrained optimum $\nabla f = \lambda\nabla g$. Solve the $n + k$
  stationarity equations of $\mathcal L = f - \lambda g$. The multiplier is the rate at which the
  optimum changes as the constraint is relaxed.
- **Projected gradient** steps, then returns to the feasible set. **Proximal gradient** steps on the
  smooth part, then applies the prox of the rest. For $L_1$ that prox is **soft thresholding**
  $S_t(v) = \mathrm{sign}(v)\max(|v| - t, 0)$, which makes Lasso solutions sparse. **Coordinate descent**
  minimises one variable exactly at a time and is very fast for the Lasso.
- **Several objectives** have a Pareto front of non-dominated trade-offs. NSGA-II approximates it
  with non-dominated sorting and crowding distance.

## References

- N. Metropolis, A. W. Rosenbluth, M. N. Rosenbluth, A. H. Teller, E. Teller. *Equation of state
  calculations by fast computing machines.* J. Chem. Phys. 21, 1953.
- S. Kirkpatrick, C. D. Gelatt, M. P. Vecchi. *Optimization by simulated annealing.* Science 220, 1983.
- J. H. Holland. *Adaptation in natural and artificial systems.* University of Michigan Press, 1975.
  L. J. Eshelman, J. D. Schaffer. *Real-coded genetic algorithms and interval-schemata.* FOGA 2, 1993
  (blend crossover).
- J. Kennedy, R. Eberhart. *Particle swarm optimization.* Proc. ICNN 1995. M. Clerc, J. Kennedy.
  *The particle swarm: explosion, stability, and convergence in a multidimensional complex space.*
  IEEE Trans. Evol. Comput. 6, 2002.
- M. Dorigo, V. Maniezzo, A. Colorni. *Ant system: optimization by a colony of cooperating agents.*
  IEEE Trans. Syst. Man Cybern. B 26, 1996.
- J.-L. Lagrange. *Mécanique analytique.* 1788. J. Nocedal, S. J. Wright. *Numerical optimization*,
  2nd ed., Springer 2006 (ch. 12, KKT conditions; ch. 16.7, gradient projection).
- R. Tibshirani. *Regression shrinkage and selection via the lasso.* J. R. Stat. Soc. B 58, 1996.
- I. Daubechies, M. Defrise, C. De Mol. *An iterative thresholding algorithm for linear inverse
  problems with a sparsity constraint.* Comm. Pure Appl. Math. 57, 2004. A. Beck, M. Teboulle.
  *A fast iterative shrinkage-thresholding algorithm for linear inverse problems.* SIAM J. Imaging
  Sci. 2, 2009.
- P. Tseng. *Convergence of a block coordinate descent method for nondifferentiable minimization.*
  J. Optim. Theory Appl. 109, 2001. J. Friedman, T. Hastie, R. Tibshirani. *Regularization paths for
  generalized linear models via coordinate descent.* J. Stat. Softw. 33, 2010.
- K. Deb, A. Pratap, S. Agarwal, T. Meyarivan. *A fast and elitist multiobjective genetic algorithm:
  NSGA-II.* IEEE Trans. Evol. Comput. 6, 2002.
"""),
]


def source_notebook():
    nb = new_notebook(cells=CELLS)
    for number, cell in enumerate(nb.cells):   # stable ids, so that rebuilding changes nothing by itself
        cell.id = f"beyond-{number:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main():
    nb = source_notebook()
    # the kernel runs in the lesson folder: let it find optcourse from there
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    # one BLAS thread, as the test suite runs the notebooks (tests/conftest.py): the same rounding, and no
    # thread contention on a shared machine
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    LESSON.mkdir(parents=True, exist_ok=True)
    NotebookClient(nb, timeout=60, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(LESSON)}}).execute()
    for cell in nb.cells:                       # keep the saved notebook free of run-specific metadata
        cell.metadata.pop("execution", None)
    (LESSON / f"{NAME}.ipynb").write_text(notebook_text(nb))


if __name__ == "__main__":
    main()
