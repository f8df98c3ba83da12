"""Build lesson 01 (gradient descent and its variants) cell by cell, execute it and save it with outputs.

    PYTHONPATH=. python solutions/01-gradient-descent-build.py
    python -m optcourse.course release          # then write the students' copy in lessons/

This script sits next to the lesson folder, not in it: release copies every file of a lesson folder
to the students, and this one holds the solutions and the hidden tests.
"""
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_notebook

NAME = "01-gradient-descent"
HERE = Path(__file__).resolve().parent / NAME           # the lesson folder
sys.path.insert(0, str(HERE.parents[1]))
from optcourse.course.release import notebook_text  # noqa: E402
from optcourse.course.authoring import answer, code, locked, md, tests  # noqa: E402


CELLS = []
add = CELLS.append

# =====================================================================================================
add(md(r"""
# 01. Gradient descent and its variants

Training a model means choosing its parameters so that a **loss**, one number that says how wrong
the model is on the data, becomes small. Gradient descent does it by walking downhill on the loss,
one step at a time. This lesson looks at that walk on losses small enough to draw: how far each step
should go, how much of the data each step should look at, and what goes wrong when either choice
is bad.

**After this lesson you can**

1. write the loss of linear regression (mean squared error) and of logistic regression
   (cross-entropy), derive their gradients, and say why least squares has a closed-form solution
   that needs a matrix inverse while logistic regression has none;
2. run batch, stochastic and minibatch gradient descent, and tell an **iteration** (one update)
   from an **epoch** (one pass over the data);
3. compare them fairly, by the work they do (gradients of single samples computed) and not by the
   number of updates;
4. measure how the noise of a minibatch gradient shrinks with the batch size, and explain why the
   batch size acts on training in a non-linear way;
5. predict from the Hessian which learning rates crawl, oscillate or diverge, and recognise the
   floating-point overflow that follows divergence;
6. explain how the noise of stochastic gradients can carry the parameters out of a shallow minimum.

You need: derivatives and the chain rule, matrix-vector products, eigenvalues of a symmetric matrix,
and NumPy. Run the cells from top to bottom. Exercises are marked **Exercise**; the cell below each
one checks your answer.
"""))

add(locked(r"""
import matplotlib
import numpy as np
import sympy as sp

matplotlib.use("module://matplotlib_inline.backend_inline")   # figures in the notebook, whatever MPLBACKEND says
import matplotlib.pyplot as plt

from optcourse import linear_models as lm
from optcourse.plots import MINIMUM_STYLE, OUTLINE, PALETTE, START_STYLE, draw_landscape
from optcourse.widgets import minibatch_noise
from selfcheck import check

plt.rcParams.update({"figure.dpi": 72, "font.size": 10, "axes.grid": True, "grid.color": "0.9"})
np.set_printoptions(precision=4, suppress=True)
"""))

# =====================================================================================================
add(md(r"""
## 1. A loss is a surface

We start with the simplest model there is. We have $N$ pairs $(x_i, y_i)$ and want the line
$\hat y = w x + b$ that fits them best. Give every input a constant second feature 1, so that
$x_i$ becomes the row $(x_i, 1)$; stack the rows into a matrix $X$ ($N \times 2$) and the two
parameters into $\theta = (w, b)$. Then all predictions at once are $X\theta$, and we measure the
misfit by the **mean squared error (MSE) loss**

$$
L(\theta) \;=\; \frac{1}{2N}\sum_{i=1}^{N} \big(x_i^\top\theta - y_i\big)^2
\;=\; \frac{1}{2N}\,\lVert X\theta - y\rVert^2 .
$$

(The factor $\tfrac12$ is a convention that makes the derivative tidier; it does not move the
minimum.) The data below: $N = 4096$ points around the line $y = 2x - 1$, with inputs centred
at $x = 1.5$. `lm.with_ones` appends the column of ones.
"""))

add(locked(r"""
N = 4096
rng = np.random.default_rng(0)
x = rng.normal(1.5, 1.0, N)                      # inputs centred at 1.5, spread 1
y = 2.0 * x - 1.0 + rng.normal(0.0, 1.0, N)      # the line w = 2, b = -1, plus noise
X = lm.with_ones(x)                              # rows (x_i, 1), so theta = (w, b)
print(X.shape, y.shape)
X[:3]
"""))

add(md(r"""
The loss depends on two numbers, $w$ and $b$, so we can draw it as a landscape over the
$(w, b)$ plane. `lm.mse_surface` packs it as an `optcourse` surface; `theta_star` is the lowest
point (section 7 shows how it is computed), and every run in this lesson starts from `theta0`.
"""))

add(locked(r"""
surface = lm.mse_surface(X, y, span=4.0)
theta_star = surface.minima[0]
theta0 = np.array([-1.0, 1.0])


def gap(thetas):
    "How far above the minimum: L(theta) - L(theta*) for each row of thetas (floored for log plots)."
    return np.maximum(surface.value(thetas) - surface.min_value, 1e-16)


def contours(ax, title=None):
    "The loss landscape over (w, b), with the minimum as a white star."
    draw_landscape(ax, surface, n=100, levels=10)
    ax.set_xlabel("w (slope)")
    ax.set_ylabel("b (intercept)")
    ax.grid(False)
    if title:
        ax.set_title(title, fontsize=10)


print("theta* =", theta_star.round(3), "  L(theta*) =", round(surface.min_value, 4))
print("theta0 =", theta0, "  L(theta0) =", round(surface.value(theta0), 3))
"""))

add(code(r"""
fig, (ax_data, ax_loss) = plt.subplots(1, 2, figsize=(10, 4.2))
shown = rng.choice(N, 300, replace=False)
ax_data.scatter(x[shown], y[shown], s=8, color=PALETTE["cyan"], edgecolor="none", label="300 of the data")
grid = np.linspace(-2, 5, 2)
ax_data.plot(grid, theta0[0] * grid + theta0[1], color="black", ls="--", label=r"the line of $\theta_0$")
ax_data.plot(grid, theta_star[0] * grid + theta_star[1], color=PALETTE["wine"], lw=2, label=r"the line of $\theta^*$")
ax_data.set_xlabel("x")
ax_data.set_ylabel("y")
ax_data.legend(fontsize=8)
ax_data.set_title("the data: each line is one point on the right", fontsize=10)
contours(ax_loss, r"the loss $L(w, b)$")
ax_loss.plot(*theta0, **START_STYLE)
plt.tight_layout()
plt.show()
"""))

add(md(r"""
Each point of the landscape is a whole line through the data. The contours are long, thin
ellipses, tilted: slope and intercept are tangled, because the data sit around $x = 1.5$, not around
0. Tilting the line steeper ($w$ up) can be partly undone by lowering it ($b$ down), so there is a
long valley of almost-as-good lines. Remember that valley: it decides much of what follows.

### The gradient

One sample's loss is $\ell_i = \tfrac12 (w x_i + b - y_i)^2$. SymPy differentiates it for us:
"""))

add(code(r"""
w, b, x_i, y_i = sp.symbols("w b x_i y_i", real=True)
loss_i = (w * x_i + b - y_i) ** 2 / 2
sp.Matrix([sp.diff(loss_i, w), sp.diff(loss_i, b)])
"""))

add(md(r"""
Each sample contributes its **residual** $r_i = x_i^\top\theta - y_i$ times its features
$(x_i, 1)$. The loss is the mean of the $\ell_i$, so its gradient is the mean of these per-sample
gradients, which in matrix form is

$$
\nabla L(\theta) \;=\; \frac1N \sum_{i=1}^N r_i\, x_i \;=\; \frac1N\, X^\top (X\theta - y).
$$

Computing it costs about $2Nd$ multiply-adds for $d$ parameters: one pass over the data.

### Exercise 1 (2 points): the gradient of the MSE loss

Write `mse_gradient(theta, X, y)` for any number of features (`X` is $N\times d$, `theta` has $d$
entries). Use matrix products, no Python loop over samples.
"""))

add(answer("mse-gradient", r'''
def mse_gradient(theta, X, y):
    """The gradient of L(theta) = ||X theta - y||^2 / (2N): an array shaped like theta."""
    ### BEGIN SOLUTION
    residuals = X @ theta - y
    return X.T @ residuals / len(y)
    ### END SOLUTION
'''))

add(tests("mse-gradient-tests", 2, r'''
check("mse-gradient", mse_gradient)
### BEGIN HIDDEN TESTS
Xh = lm.with_ones(np.array([1.0, 2.0]))
yh = np.array([1.0, 4.0])
np.testing.assert_allclose(mse_gradient(np.zeros(2), Xh, yh), [-4.5, -2.5])
np.testing.assert_allclose(mse_gradient(np.array([1.0, 0.0]), Xh, yh), [-2.0, -1.0])
rng_h = np.random.default_rng(123)
Xh = lm.with_ones(rng_h.normal(size=(30, 3)))
yh = rng_h.normal(size=30)
th = rng_h.normal(size=4)
numeric = [(lm.mse_loss(th + e, Xh, yh) - lm.mse_loss(th - e, Xh, yh)) / 2e-6 for e in 1e-6 * np.eye(4)]
np.testing.assert_allclose(mse_gradient(th, Xh, yh), numeric, rtol=1e-6, atol=1e-9)
np.testing.assert_allclose(mse_gradient(theta_star, X, y), 0.0, atol=1e-10)
### END HIDDEN TESTS
'''))

add(md(r"""
From here on the lesson uses the library's `lm.mse_gradient`, the same formula, so every later
cell runs whether or not you have finished an exercise.

## 2. Gradient descent

The gradient points uphill, in the direction in which $L$ grows fastest, and its length says how
steep the slope is. **Gradient descent** (Cauchy 1847) steps the other way:

$$
\theta_{k+1} \;=\; \theta_k - \eta\,\nabla L(\theta_k),
$$

where the **learning rate** $\eta > 0$ scales the step. When every step uses the gradient of the
whole data set, as here, it is called **batch** (or full-batch) gradient descent.
`lm.minibatch_descent` runs the loop and returns every $\theta_k$; with the default
`batch_size=None` each update looks at all $N$ samples, so each update is one **epoch** (a pass over
the data).
"""))

add(code(r"""
run = lm.minibatch_descent(lm.mse_gradient, theta0, X, y, lr=0.2, epochs=60)

fig, (ax_path, ax_gap) = plt.subplots(1, 2, figsize=(10, 4.2))
contours(ax_path, "batch gradient descent, lr = 0.2")
ax_path.plot(run.thetas[:, 0], run.thetas[:, 1], "o-", color="black", ms=3, lw=1.5, path_effects=OUTLINE)
ax_path.plot(*theta0, **START_STYLE)
ax_gap.semilogy(gap(run.thetas), color="black")
ax_gap.set_xlabel("update k")
ax_gap.set_ylabel(r"$L(\theta_k) - L(\theta^*)$")
ax_gap.set_title("distance above the minimum", fontsize=10)
plt.tight_layout()
plt.show()
print("after", run.updates, "updates: theta =", run.thetas[-1].round(3), " gap =", f"{gap(run.thetas)[-1]:.1e}")
"""))

add(md(r"""
The path first drops straight down the steep side of the valley, then turns and creeps along its
flat floor. The loss curve shows the same two speeds: a fast fall, then a slow, steady straight
line on the log scale. Why two speeds, and what decides them, is the subject of the next section.

## 3. The learning rate: crawl, oscillate, diverge

Our loss is quadratic, so it is exactly its own second-order Taylor expansion around the minimum:

$$
L(\theta) = L(\theta^*) + \tfrac12(\theta-\theta^*)^\top H\,(\theta-\theta^*),\qquad
H = \nabla^2 L = \tfrac1N X^\top X,\qquad \nabla L(\theta) = H(\theta - \theta^*).
$$

Write the error as $e_k = \theta_k - \theta^*$. One step of gradient descent gives
$e_{k+1} = e_k - \eta H e_k = (I - \eta H)\,e_k$. Along an eigenvector $v$ of $H$ with eigenvalue
$\lambda$ (the curvature of the loss in that direction), $(I - \eta H)v = (1 - \eta\lambda)v$: each
step multiplies that component of the error by the same number. So everything reduces to a
1-D question: what does one step do on the parabola $f(u) = \tfrac12\lambda u^2$?

### Exercise 2 (2 points): derive the step factor in SymPy

With the symbols below, compute with SymPy (not by hand):

* `step_factor`: the ratio $u_{k+1}/u_k$ after one gradient step $u_{k+1} = u_k - \eta f'(u_k)$,
  simplified (it must not contain `u`);
* `lr_limit`: the learning rate at which `step_factor` equals $-1$, as an expression in
  $\lambda$.
"""))

add(locked(r"""
eta, lam, u = sp.symbols("eta lambda u", positive=True)
f_u = lam * u ** 2 / 2
f_u
"""))

add(answer("step-factor", r"""
### BEGIN SOLUTION
u_next = u - eta * sp.diff(f_u, u)
step_factor = sp.simplify(u_next / u)
lr_limit = sp.solve(sp.Eq(step_factor, -1), eta)[0]
### END SOLUTION
step_factor, lr_limit
"""))

add(tests("step-factor-tests", 2, r'''
check("step-factor", step_factor)
check("lr-limit", lr_limit)
### BEGIN HIDDEN TESTS
named = {s.name: s for s in step_factor.free_symbols | lr_limit.free_symbols}
as_lesson = {named[n]: s for n, s in (("eta", eta), ("lambda", lam)) if n in named}
assert "u" not in named
assert sp.simplify(step_factor.subs(as_lesson) - (1 - eta * lam)) == 0
assert sp.simplify(lr_limit.subs(as_lesson) * lam - 2) == 0
### END HIDDEN TESTS
'''))

add(md(r"""
Read the factor $1 - \eta\lambda$ as a function of $\eta\lambda$:

| $\eta\lambda$ | factor $1-\eta\lambda$ | what the error does in that direction |
|---|---|---|
| close to 0 | just below 1 | shrinks very slowly: gradient descent **crawls** |
| between 0 and 1 | between 0 and 1 | shrinks, keeping its sign: a smooth slide |
| exactly 1 | 0 | vanishes in one step |
| between 1 and 2 | between -1 and 0 | shrinks while flipping sign: it **oscillates** from wall to wall |
| above 2 | below -1 | grows while flipping sign: it **diverges** |

With several directions, every one must be stable, and the steepest decides:
$\eta < 2/\lambda_{\max}$. The flattest direction, meanwhile, shrinks only by
$1 - \eta\lambda_{\min}$ per step; that is the slow valley floor of section 2. Here are the two
eigenvalues of our $H$:
"""))

add(code(r"""
H = lm.mse_hessian(X)                       # X.T X / N
lam_min, lam_max = np.linalg.eigvalsh(H)
print(f"curvatures: lambda_min = {lam_min:.3f}, lambda_max = {lam_max:.3f} (ratio {lam_max / lam_min:.1f})")
print(f"gradient descent diverges above lr = 2 / lambda_max = {2 / lam_max:.3f}")
"""))

add(md(r"""
Four learning rates, 25 updates each, from the same start: one tiny, one comfortable, one past
$1/\lambda_{\max}$ (so the steep direction flips sign at every step) and one past
$2/\lambda_{\max}$.
"""))

add(code(r"""
sweep = {"crawl": 0.01, "smooth": 0.2, "oscillate": 0.45, "diverge": 0.55}
colours = dict(zip(sweep, [PALETTE["teal"], "black", PALETTE["indigo"], PALETTE["rose"]]))
runs = {name: lm.minibatch_descent(lm.mse_gradient, theta0, X, y, lr=lr, epochs=25) for name, lr in sweep.items()}

fig = plt.figure(figsize=(12, 6.4))
for i, (name, r) in enumerate(runs.items()):
    ax = fig.add_axes([0.05 + 0.24 * i, 0.47, 0.2, 0.46])
    contours(ax, f"{name}: lr = {sweep[name]} ($\\eta\\lambda_{{max}}$ = {sweep[name] * lam_max:.2f})")
    ax.plot(r.thetas[:, 0], r.thetas[:, 1], "o-", color=colours[name], ms=3, lw=1.3, path_effects=OUTLINE)
    ax.plot(*theta0, **START_STYLE)
    if i:
        ax.set_ylabel("")
ax = fig.add_axes([0.3, 0.07, 0.45, 0.3])
for name, r in runs.items():
    ax.semilogy(gap(r.thetas), "o-", ms=3, color=colours[name], label=f"{name} (lr = {sweep[name]})")
ax.set_xlabel("update k")
ax.set_ylabel(r"$L(\theta_k) - L(\theta^*)$")
ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
plt.show()
"""))

add(md(r"""
* **crawl** ($\eta\lambda_{\max}\approx 0.04$): every step is safe and tiny; after 25 updates it is
  still far from the valley floor, let alone the minimum.
* **smooth** ($\approx 0.8$): down the wall in a few steps, then along the floor.
* **oscillate** ($\approx 1.8$): the steep component overshoots and changes sign at each step,
  bouncing across the valley while slowly settling; along the floor it is the fastest of the four,
  because the floor's factor $1-\eta\lambda_{\min}$ is the smallest.
* **diverge** ($\approx 2.2$): each bounce is larger than the last; the loss grows geometrically.

So the best learning rate sits just below the edge of divergence, and that edge is set by the
steepest direction, while progress is limited by the flattest one. Their ratio,
$\lambda_{\max}/\lambda_{\min}$, the **condition number**, returns in lesson 03.

### Exercise 3 (2 points): predict the edge, then check it

Write `largest_stable_lr(X)`: the learning rate above which batch gradient descent on the MSE loss
of the data `X` diverges. It needs only `X`.

Before you run the check, predict: the check cell builds a new data set whose inputs are centred at 0
and spread 3 times wider than ours. Is its edge larger or smaller than our 0.51, and roughly by
what factor? The cell then runs gradient descent just below and just above your edge.
"""))

add(answer("largest-stable-lr", r'''
def largest_stable_lr(X):
    """The learning rate above which batch gradient descent on the MSE loss of X diverges."""
    ### BEGIN SOLUTION
    hessian = X.T @ X / len(X)
    return 2.0 / np.linalg.eigvalsh(hessian)[-1]
    ### END SOLUTION
'''))

add(tests("largest-stable-lr-tests", 2, r'''
check("largest-stable-lr", largest_stable_lr)

x_wide = np.random.default_rng(3).normal(0.0, 3.0, 500)     # centred at 0, spread 3
X_wide = lm.with_ones(x_wide)
y_wide = 0.5 * x_wide + 1.0 + np.random.default_rng(4).normal(size=500)
edge = largest_stable_lr(X_wide)
print(f"your edge for the wide data: {edge:.3f}")
start_wide = np.zeros(2)
for factor in (0.95, 1.05):
    r = lm.minibatch_descent(lm.mse_gradient, start_wide, X_wide, y_wide, lr=factor * edge, epochs=300)
    before, after = lm.mse_loss(start_wide, X_wide, y_wide), lm.mse_loss(r.thetas[-1], X_wide, y_wide)
    print(f"  lr = {factor} x edge: loss {before:.2f} -> {after:.3g} after {r.updates} updates")
### BEGIN HIDDEN TESTS
assert abs(largest_stable_lr(np.array([[-3.0, 1.0], [3.0, 1.0]])) - 2.0 / 9.0) < 1e-12
assert abs(largest_stable_lr(np.diag([2.0, 1.0, 0.5])) - 2.0 / (4.0 / 3.0)) < 1e-12
Xh = lm.with_ones(np.random.default_rng(77).normal(2.0, 0.5, (40, 3)))
assert abs(largest_stable_lr(Xh) - 2.0 / np.linalg.eigvalsh(Xh.T @ Xh / 40).max()) < 1e-10
### END HIDDEN TESTS
'''))

add(md(r"""
With inputs centred at 0, $H \approx \mathrm{diag}(\sigma_x^2, 1) = \mathrm{diag}(9, 1)$: the
steepest curvature is about 9, so the edge is about $2/9 \approx 0.22$, less than half of ours.
Spreading the inputs out steepens the loss; this is one reason to standardise features before
training.

### Past the edge: overflow

What happens if a diverging run is not stopped? Take `lr = 1.0` ($\eta\lambda_{\max}\approx 3.9$):
the error along the steep direction is multiplied by about $-2.9$ at every step, and the loss by
about $8.7$. A float64 number cannot exceed about $1.8\times 10^{308}$, so this cannot go on for
long. When it happens, NumPy prints `RuntimeWarning: overflow encountered in matmul` and, a little
later, `invalid value encountered`. We expect both here and test for them ourselves with
`np.isfinite`, so we silence those warnings for this one block with `np.errstate`. (In your own training code, do
the opposite: keep the warnings, and stop as soon as the loss is not finite.)
"""))

add(code(r"""
theta = theta0.copy()
losses, thetas = [], []
with np.errstate(over="ignore", invalid="ignore"):      # overflow is expected here; checked below
    for k in range(700):
        thetas.append(theta)
        losses.append(lm.mse_loss(theta, X, y))
        theta = theta - 1.0 * lm.mse_gradient(theta, X, y)
losses, thetas = np.array(losses), np.array(thetas)


def first(mask):
    return int(np.argmax(mask))


print("update k      loss")
for k in (0, 10, 50, 100):
    print(f"{k:8d}   {losses[k]:9.3g}")
k100, k_inf = first(losses > 1e100), first(np.isinf(losses))
k_theta, k_nan = first(~np.isfinite(thetas).all(axis=1)), first(np.isnan(losses))
print(f"the loss passes 1e100 at update {k100}")
print(f"the loss is inf from update {k_inf}; theta is still finite there, about {np.abs(thetas[k_inf]).max():.1e}")
print(f"theta itself overflows at update {k_theta}: {thetas[k_theta]}")
print(f"one update later everything is nan: loss {losses[k_nan]}, theta {thetas[k_nan]}")

fig, ax = plt.subplots(figsize=(8, 3.2))
ax.plot(np.log10(losses), color=PALETTE["rose"])
for k, text in ((k100, "1e100"), (k_inf, "loss = inf"), (k_theta, "theta = inf, then nan")):
    ax.axvline(k, color="0.5", ls=":")
    ax.text(k + 8, 150, text, fontsize=9, rotation=90, va="center")
ax.set_xlim(0, 700)
ax.set_xlabel("update k")
ax.set_ylabel(r"$\log_{10} L(\theta_k)$")
ax.set_title("lr = 1.0: the loss until it stops being a number", fontsize=10)
plt.show()
"""))

add(md(r"""
The order of events is typical. The loss is a sum of *squares* of residuals, so it overflows
first: once the residuals pass about $10^{154}$ their squares pass $10^{308}$ and the loss
becomes `inf`, while $\theta$ itself is still an ordinary (huge) number. About twice as many
updates later $\theta$ overflows too. Then some residuals are $+\infty$ and others $-\infty$,
and their sum, $\infty - \infty$, is `nan` ("not a number"). From there on every result is
`nan`, and training is silently dead. Training loops therefore check the loss at every step:
`optcourse.training.train` stops and sets `diverged` as soon as it is not finite, as does
`lm.minibatch_descent`.

## 4. Batch, stochastic and minibatch gradient descent

The loss is an average over samples, and so is its gradient:
$\nabla L = \frac1N\sum_i \nabla\ell_i$. Batch gradient descent computes all $N$ per-sample
gradients for every single update. With millions of samples that is slow, and wasteful: the
samples largely agree on which way is downhill, and a few hundred of them already give a good
estimate. So take a random subset $\mathcal B$ of $B$ samples, a **minibatch**, and step along

$$
g_{\mathcal B}(\theta) = \frac1B\sum_{i\in\mathcal B} \nabla\ell_i(\theta),
\qquad \theta \leftarrow \theta - \eta\, g_{\mathcal B}(\theta).
$$

Averaged over the random choice of $\mathcal B$, $g_{\mathcal B}$ is exactly $\nabla L$ (it is
*unbiased*), but any single one misses it by some random amount: **gradient noise**. Three names
for three batch sizes:

| | batch size | updates per epoch | per-sample gradients per update |
|---|---|---|---|
| batch gradient descent | $B = N$ | 1 | $N$ |
| **stochastic** gradient descent, SGD (Robbins and Monro 1951) | $B = 1$ | $N$ | 1 |
| minibatch gradient descent | $1 < B < N$, often 16 to 512 | $\lceil N/B\rceil$ | $B$ |

(In deep learning "SGD" usually means the minibatch version.)

**Iteration and epoch.** An *iteration* (also *step* or *update*) is one change of the
parameters, computed from one batch. An *epoch* is one pass over the whole training set, in which
every sample is used once. The usual recipe, and the one `optcourse.data.minibatches` follows:
at the start of each epoch shuffle the samples, then cut them into consecutive batches of $B$ (the
last one may be smaller). One epoch is then $\lceil N/B\rceil$ iterations, and costs $N$
per-sample gradients whatever $B$ is.
"""))

add(code(r"""
print(f"N = {N}")
print(" batch size B   iterations per epoch   per-sample gradients per iteration")
for B in (1, 16, 64, 512, N):
    print(f"{B:12d}   {-(-N // B):20d}   {B:34d}")
"""))

add(md(r"""
### Exercise 4 (3 points): one epoch of minibatch gradient descent

Write `minibatch_epoch(theta, X, y, lr, batch_size, order)`. `order` is a shuffled list of the
sample indices $0..N-1$ (a permutation). Go through it `batch_size` at a time; for each batch take
one step with `lm.mse_gradient` on that batch's rows. Return all the parameters visited, the start
first: an array of shape (number of updates + 1, $d$). Do not change the `theta` you were given.
"""))

add(answer("minibatch-epoch", r'''
def minibatch_epoch(theta, X, y, lr, batch_size, order):
    """One epoch of minibatch gradient descent on the MSE loss, visiting the samples in `order`.

    Returns the parameters after each update, the start first: shape (updates + 1, len(theta)).
    """
    ### BEGIN SOLUTION
    visited = [np.array(theta, dtype=float)]
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        visited.append(visited[-1] - lr * lm.mse_gradient(visited[-1], X[batch], y[batch]))
    return np.array(visited)
    ### END SOLUTION
'''))

add(tests("minibatch-epoch-tests", 3, r'''
check("minibatch-epoch", minibatch_epoch)
### BEGIN HIDDEN TESTS
Xh = lm.with_ones(np.array([1.0, 2.0, 3.0]))
yh = np.array([1.0, 2.0, 6.0])
start_h = np.array([0.0, 0.0])
path_h = minibatch_epoch(start_h, Xh, yh, 0.1, 2, np.array([2, 0, 1]))
assert path_h.shape == (3, 2) and np.all(start_h == 0.0)
# batch {2, 0}: residuals (-6, -1), gradient ((-18 - 1) / 2, (-6 - 1) / 2) = (-9.5, -3.5)
np.testing.assert_allclose(path_h[1], [0.95, 0.35])
# batch {1} at (0.95, 0.35): residual 2.25 - 2 = 0.25, gradient (0.5, 0.25)
np.testing.assert_allclose(path_h[2], [0.9, 0.325])
full_h = minibatch_epoch(start_h, Xh, yh, 0.1, 10, np.array([1, 2, 0]))
np.testing.assert_allclose(full_h, [[0.0, 0.0], -0.1 * lm.mse_gradient(start_h, Xh, yh)], atol=1e-15)
order_h = np.random.default_rng([5, 0]).permutation(N)
reference_h = lm.minibatch_descent(lm.mse_gradient, theta0, X, y, lr=0.05, batch_size=100, seed=5).thetas
np.testing.assert_allclose(minibatch_epoch(theta0, X, y, 0.05, 100, order_h), reference_h, rtol=1e-12)
### END HIDDEN TESTS
'''))

add(md(r"""
The library's `lm.minibatch_descent` is the same loop, over as many epochs as you ask, reshuffling
at each; it also counts the work done. Here are the three variants with the same learning rate
0.1, compared in two ways: after the **same number of updates** (100), and after the **same
work**, two epochs, i.e. $2N = 8192$ per-sample gradients each.
"""))

add(code(r"""
variants = {"batch (B = N)": (None, "black"), "minibatch (B = 32)": (32, PALETTE["rose"]),
            "stochastic (B = 1)": (1, PALETTE["indigo"])}
same_updates = {name: lm.minibatch_descent(lm.mse_gradient, theta0, X, y, lr=0.1, batch_size=B, epochs=200,
                                           max_updates=100) for name, (B, _) in variants.items()}
same_work = {name: lm.minibatch_descent(lm.mse_gradient, theta0, X, y, lr=0.1, batch_size=B, epochs=2)
             for name, (B, _) in variants.items()}

fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
for ax, runs, title in ((axes[0], same_updates, "100 updates each"), (axes[1], same_work, "2 epochs of work each")):
    contours(ax, title)
    for name, r in runs.items():
        colour = variants[name][1]
        ax.plot(r.thetas[:, 0], r.thetas[:, 1], "-", color=colour, lw=1.0 if "B = 1" in name else 1.6,
                label=f"{name}: {r.updates} updates, {r.samples[-1] / N:.3g} epochs")
        ax.plot(*r.thetas[-1], "o", color=colour, ms=7, mec="black")
    ax.plot(*theta0, **START_STYLE)
    ax.legend(fontsize=7.5, loc="lower left")
plt.tight_layout()
plt.show()
for name in variants:
    print(f"{name:20s} gap after 100 updates {gap(same_updates[name].thetas)[-1]:.1e}, "
          f"after 2 epochs {gap(same_work[name].thetas)[-1]:.1e}")
"""))

add(md(r"""
**Per update** (left) the three paths look alike at first; the smaller the batch, the more each
step wobbles, because it follows a noisy estimate of the gradient. Batch gradient descent needed
100 epochs of work to get there, minibatch less than one, SGD a fortieth of one.

**Per epoch** (right) it is no contest: in the time batch gradient descent takes 2 steps, minibatch
takes 256 and SGD 8192. SGD races to the bottom of the valley and then keeps jumping around in it:
with a fixed learning rate it never settles, because each step follows one sample's opinion.
Batch gradient descent traces a tidy snake; SGD, a knotted rope.

### Cost per update against progress per epoch

The same comparison on the loss, for more batch sizes, 3 epochs or 300 updates each (whichever is
longer). The left panel counts updates, the right panel counts work.
"""))

add(code(r"""
sizes = [1, 16, 256, N]
size_colours = dict(zip(sizes, [PALETTE["indigo"], PALETTE["rose"], PALETTE["teal"], "black"]))
by_size = {B: lm.minibatch_descent(lm.mse_gradient, theta0, X, y, lr=0.1, batch_size=B,
                                   epochs=max(3, 300 * B // N + 1), max_updates=max(300, 3 * N // B))
           for B in sizes}


def smooth(values, window):
    "Geometric mean over a sliding window of updates (so that the noisy curves can be read)."
    window = max(1, int(window))
    return np.exp(np.convolve(np.log(values), np.ones(window) / window, mode="valid"))


fig, (ax_u, ax_e) = plt.subplots(1, 2, figsize=(11, 4))
for B, r in by_size.items():
    label = "B = N (batch)" if B == N else f"B = {B}"
    g = gap(r.thetas)
    ax_u.semilogy(np.arange(len(g)), g, color=size_colours[B], lw=1, label=label)
    window = N // (32 * B)                         # 1/32 of an epoch
    ax_e.semilogy(r.epochs(N)[max(1, window) - 1:], smooth(g, window), color=size_colours[B], lw=1.2, label=label)
ax_u.set_xlim(0, 300)
ax_u.set_xlabel("updates")
ax_e.set_xlim(0, 3)
ax_e.set_xlabel("epochs (per-sample gradients / N)")
for ax in (ax_u, ax_e):
    ax.set_ylabel(r"$L(\theta) - L(\theta^*)$")
    ax.set_ylim(1e-7, 10)
    ax.legend(fontsize=8)
ax_u.set_title("progress per update", fontsize=10)
ax_e.set_title("progress per unit of work (smoothed over 1/32 epoch)", fontsize=10)
plt.tight_layout()
plt.show()

print(" batch size  cost per update  gap after 100 updates  gap after 1 epoch")
for B, r in by_size.items():
    g, one_epoch = gap(r.thetas), int(np.searchsorted(r.epochs(N), 1.0))
    print(f"{B:11d}  {B:15d}  {g[100]:21.1e}  {g[one_epoch]:17.1e}")
"""))

add(md(r"""
Read the two panels together:

* **Per update**, larger batches are better, but with diminishing returns: $B = 256$ tracks the
  full batch closely, at a sixteenth of the cost per update.
* **Per epoch**, small batches win early by a wide margin, because they make many more updates for
  the same work.
* Then each small-batch curve stops falling and flattens into a noisy **floor**. With a fixed
  learning rate the noise never averages out; the floor is higher for smaller $B$ and for larger
  $\eta$. To go below it, one lowers the learning rate over time (a schedule; Robbins and Monro
  showed that $\sum_k\eta_k = \infty$ with $\sum_k\eta_k^2 < \infty$ makes SGD converge) or grows
  the batch.

Neither extreme is best. That trade-off is what the next section measures.

## 5. Batch size and gradient noise

How far is a minibatch gradient from the full one? At a fixed $\theta$, draw many random batches of
size $B$ and measure the root-mean-square (RMS) error $\sqrt{E\,\lVert g_{\mathcal B} - \nabla L\rVert^2}$.
Statistics predicts it: averaging $B$ samples drawn without replacement from $N$ divides the variance of
one sample's gradient by $B$, and by a little more near $B = N$:

$$
E\,\lVert g_{\mathcal B} - \nabla L\rVert^2 = \frac{N-B}{N-1}\,\frac{\operatorname{tr} S}{B},
\qquad S = \frac1N\sum_i (\nabla\ell_i - \nabla L)(\nabla\ell_i - \nabla L)^\top .
$$

`minibatch_noise` from `optcourse.widgets` computes the right side from the per-sample gradients.
"""))

add(code(r"""
G = lm.mse_sample_gradients(theta0, X, y)          # row i: the gradient of sample i's loss, shape (N, 2)
full_gradient = G.mean(axis=0)
batch_sizes = 2 ** np.arange(13)                    # 1, 2, 4, ..., 4096 = N
measured = []
noise_rng = np.random.default_rng(1)
for B in batch_sizes:
    errors = [G[noise_rng.choice(N, B, replace=False)].mean(axis=0) - full_gradient for _ in range(200)]
    measured.append(np.sqrt(np.mean(np.sum(np.square(errors), axis=1))))
predicted = [minibatch_noise(G, int(B)) for B in batch_sizes]

fig, ax = plt.subplots(figsize=(6.5, 4))
ax.loglog(batch_sizes[:-1], measured[:-1], "o", color=PALETTE["indigo"], label="measured, 200 batches per size")
ax.loglog(batch_sizes[:-1], predicted[:-1], "-", color="black", lw=1, label="formula")
ax.axhline(np.linalg.norm(full_gradient), color=PALETTE["rose"], ls="--", label=r"length of $\nabla L$ itself")
ax.set_xscale("log", base=2)
ax.set_xlabel("batch size B")
ax.set_ylabel("RMS error of the minibatch gradient")
ax.legend(fontsize=8)
plt.show()
print(f"B = 1: error {measured[0]:.2f}; B = 4: {measured[2]:.2f}; B = 16: {measured[4]:.2f}; "
      f"B = N: {measured[-1]:.1e} (the full gradient: no noise)")
"""))

add(md(r"""
On log-log axes the noise falls on a line of slope $-\tfrac12$: it shrinks like $1/\sqrt B$.
Halving the noise takes **four times** the batch, and so four times the work per update, while
the reward, a cleaner step, is worth less and less once the noise is small next to the gradient
itself (the dashed line). That is the root of the **non-linear effect of the batch size**. Two
views of it, with the learning rate fixed at 0.1, for $B = 1, 2, 4, \dots, 4096$, each averaged
over 4 shuffles (and over the last few updates, since a single noisy iterate says little):

* at **fixed work** (one epoch), which batch size gets lowest?
* at a **fixed number of updates** (100, then 1000), how much does a bigger batch buy?
"""))

add(code(r"""
sweep_sizes = 2 ** np.arange(13)


def typical_gap(g, k, window):
    "Geometric mean of the gap over the `window` updates ending at update k (one iterate is too noisy)."
    return np.exp(np.log(g[max(0, k - window + 1):k + 1]).mean())


def gaps_after(B, seed):
    "The gap of minibatch descent with batches of B after 1 epoch, ~100 updates and ~1000 updates."
    per_epoch = -(-N // B)
    r = lm.minibatch_descent(lm.mse_gradient, theta0, X, y, lr=0.1, batch_size=B, seed=seed,
                             epochs=max(1, -(-1000 * B // N)), max_updates=max(1000, per_epoch))
    g = gap(r.thetas)
    return typical_gap(g, per_epoch, max(1, per_epoch // 10)), typical_gap(g, 100, 10), typical_gap(g, 1000, 100)


results = np.array([[gaps_after(int(B), seed) for seed in range(4)] for B in sweep_sizes])   # (sizes, seeds, 3)
after_epoch, after_100, after_1000 = np.exp(np.log(results).mean(axis=1)).T                # geometric means

fig, (ax_w, ax_u) = plt.subplots(1, 2, figsize=(11, 3.8))
ax_w.loglog(sweep_sizes, after_epoch, "o-", color=PALETTE["wine"], label="after 1 epoch")
ax_w.set_title("same work: one epoch", fontsize=10)
ax_u.loglog(sweep_sizes, after_100, "s-", color=PALETTE["teal"], label="after 100 updates")
ax_u.loglog(sweep_sizes, after_1000, "D-", color=PALETTE["indigo"], label="after 1000 updates")
ax_u.set_title("same number of steps", fontsize=10)
ax_u.set_ylim(1e-7, 1)                  # B = N after 1000 updates: 1e-16, the minimum to machine precision
for ax in (ax_w, ax_u):
    ax.set_xscale("log", base=2)
    ax.axvspan(16, 512, color=PALETTE["sand"], alpha=0.25, lw=0, label="the usual 16..512")
    ax.set_xlabel("batch size B")
    ax.set_ylabel(r"$L(\theta) - L(\theta^*)$")
    ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
print(f"best batch size for one epoch of work: {sweep_sizes[np.argmin(after_epoch)]}")
print("updates in one epoch: " + ", ".join(f"B={B}: {-(-N // B)}" for B in (16, 64, 256, 512)))
# a gap at the level of rounding (1e-16 relative) has no digits that mean anything: it shows as a bound
shown = lambda g: f"{g:.1e}" if g > 1e-12 else "< 1e-12"
print("after 100 updates:  " + ", ".join(f"B={B}: {shown(g)}" for B, g in zip(sweep_sizes[::2], after_100[::2])))
print("after 1000 updates: " + ", ".join(f"B={B}: {shown(g)}" for B, g in zip(sweep_sizes[::2], after_1000[::2])))
"""))

add(md(r"""
* **Same work** (left): a U shape. Too small a batch and the steps are mostly noise; too large and
  one epoch holds too few steps ($B = N$ makes one). The sweet spot here lies in the usual range of
  tens of samples.
* **Same number of steps** (right): after 100 updates a bigger batch helps while its noise is
  large, then stops helping beyond about 16 samples: the error left is the slow
  valley floor of section 3, which no amount of averaging shortens. Doubling the batch there only
  doubles the cost of each step. After 1000 updates the valley has been crossed, the only error
  left is the noise, and each doubling of $B$ still halves it. So the batch size beyond which more
  samples stop paying off, often called the *critical batch size* (McCandlish et al. 2018), is not a
  constant: it grows as training nears the minimum, where the gradient shrinks but its noise does
  not.

That is why the effect of the batch size is not linear, and why practitioners pick batch sizes of
16 to 512 rather than 1 or $N$. (Hardware matters too: a GPU computes 256 gradients almost as fast
as 1. And when the batch grows it is common to raise the learning rate with it, the "linear
scaling rule" of Goyal et al. 2017; the noise floor of section 4 depends on both.)

### Experiment: batch size against noise

The widget runs minibatch gradient descent on another least-squares problem (512 samples). Move
the **batch size** and watch the path (left), the loss (middle) and the noise at the start
(right). Things to try:

1. batch size 1, then 512, at the same learning rate: compare the paths and the floor in the middle
   panel;
2. at batch size 4, lower the learning rate: the floor drops, and the path needs more steps;
3. at batch size 512 (the full batch), raise the learning rate past 1: the path starts to
   zig-zag, as section 3 predicts (both curvatures of this loss are close to 1, so it would diverge
   just past 2, the end of the slider).
"""))

add(code(r"""
from optcourse.widgets import BatchNoiseWidget

BatchNoiseWidget(batch_size=16, lr=0.3, dpi=72)
"""))

add(md(r"""
## 6. Why SGD's noise can leave shallow minima

Linear regression has a single minimum. The losses of neural networks have many, and gradient
descent stops at whichever one it reaches first: at a minimum the gradient is zero, so batch
gradient descent never moves again. Stochastic gradients are zero there only *on average*. Each
sample's loss surface is a little different, so a step from one sample or a few pushes the
parameters somewhere else, and a small enough basin can be left behind.

A one-parameter toy shows it. Every sample $i$ has the loss
$\ell_i(\theta) = c\,(\theta - y_i)^2 - a\,e^{-(\theta+1)^2/(2s^2)}$: a wide bowl centred at its own
$y_i$ (scattered around 2), minus a narrow dip at $\theta = -1$ shared by all. The average has a
deep, wide minimum near 2 and a shallow, narrow one near $-0.83$. We start 200 runs in the shallow
one and let each take 300 steps with batches of $B$ samples drawn at random.
"""))

add(code(r"""
c, a, s = 0.15, 0.4, 0.25                          # bowl curvature, dip depth, dip width
toy_y = 2.0 + 4.0 * np.random.default_rng(3).standard_normal(1000)   # each sample's bowl centre
toy_y = 2.0 + 4.0 * (toy_y - toy_y.mean()) / toy_y.std()             # mean 2 and spread 4 exactly


def dip(t):
    return a * np.exp(-(t + 1) ** 2 / (2 * s * s))


def toy_loss(t):
    "The average of the per-sample losses (the bowls' average is c (t - 2)^2 + c 4^2)."
    return c * ((t - 2.0) ** 2 + 16.0) - dip(t)


def toy_batch_gradient(t, batches):
    "Gradient of the mean loss over each run's batch: t (runs,), batches (runs, B) of sample indices."
    return 2 * c * (t - toy_y[batches].mean(axis=1)) + dip(t) * (t + 1) / (s * s)


t_grid = np.linspace(-3, 5, 4001)
L_grid = toy_loss(t_grid)
inner = (L_grid[1:-1] < L_grid[:-2]) & (L_grid[1:-1] < L_grid[2:])
shallow, deep = t_grid[1:-1][inner]
barrier = t_grid[np.argmax(np.where((t_grid > shallow) & (t_grid < deep), L_grid, -np.inf))]
print(f"shallow minimum at {shallow:.2f}, barrier at {barrier:.2f} only {toy_loss(barrier) - toy_loss(shallow):.3f} "
      f"higher; deep minimum at {deep:.2f}, {toy_loss(shallow) - toy_loss(deep):.2f} lower")

escaped = {}
walk_rng = np.random.default_rng(4)
for B in (1, 4, 8, 32, 1000):
    t = np.full(200, shallow)
    fraction = []
    for k in range(300):
        batches = (walk_rng.integers(0, 1000, size=(200, B)) if B < 1000
                   else np.broadcast_to(np.arange(1000), (200, 1000)))   # B = 1000: the full batch
        t = t - 0.1 * toy_batch_gradient(t, batches)
        fraction.append(np.mean(t > barrier))
    escaped[B] = np.array(fraction)

fig, (ax_l, ax_f) = plt.subplots(1, 2, figsize=(11, 3.8))
ax_l.plot(t_grid, L_grid, color="black")
ax_l.plot([shallow], [toy_loss(shallow)], "o", color=PALETTE["rose"], ms=8, label="shallow minimum (start)")
ax_l.plot([deep], [toy_loss(deep)], **{**MINIMUM_STYLE, "label": "deep minimum"})
ax_l.set_xlabel(r"$\theta$")
ax_l.set_ylabel("average loss")
ax_l.legend(fontsize=8)
for B, colour in zip(escaped, [PALETTE["indigo"], PALETTE["teal"], PALETTE["olive"], PALETTE["rose"], "black"]):
    ax_f.plot(escaped[B], color=colour, label="full batch" if B == 1000 else f"B = {B}")
ax_f.set_xlabel("update")
ax_f.set_ylabel("fraction of the 200 runs past the barrier")
ax_f.legend(fontsize=8)
plt.tight_layout()
plt.show()
print("after 300 updates: " + ", ".join(f"B={B}: {escaped[B][-1]:.0%}" for B in escaped))
"""))

add(md(r"""
With $B = 1$ every run escapes within a couple of hundred steps; with $B = 4$ and $8$ most do;
with 32 samples per batch the noise is too weak to climb even this tiny barrier, and the full batch
stays put forever. Once over the barrier, the runs stay in the wide basin: climbing back would mean
going uphill by almost 0.9, far beyond what the noise can do.

Keep two cautions in mind. The noise does not know which minimum is *better*: it escapes basins
that are narrow or shallow compared with its own size, and is held by wide, deep ones. And the
same noise is what keeps SGD from settling at the very bottom (the floor of section 4). Whether the
minima that small batches prefer also make better predictions on new data is an active question;
Keskar et al. (2017) found large batches drawn to sharp minima that generalise worse. Momentum
(lesson 04) is another way past small bumps.

## 7. Closed form or iteration? Least squares and logistic regression

### Least squares has a closed form

At the minimum of the MSE loss the gradient is zero:
$\frac1N X^\top(X\theta - y) = 0$, the **normal equations**

$$
X^\top X\,\theta^* = X^\top y \qquad\Longrightarrow\qquad \theta^* = (X^\top X)^{-1} X^\top y .
$$

`lm.normal_equations` solves them (with `np.linalg.solve`, which factorises the matrix rather than
inverting it, but still needs all of it). Gradient descent reaches the same point without ever
forming or inverting $X^\top X$: with the best fixed learning rate $\eta = 2/(\lambda_{\min} +
\lambda_{\max})$ the error shrinks at least by the factor
$(\lambda_{\max} - \lambda_{\min})/(\lambda_{\max} + \lambda_{\min})$ per step.
"""))

add(code(r"""
closed_form = lm.normal_equations(X, y)
lr_best = 2 / (lam_min + lam_max)
rate = (lam_max - lam_min) / (lam_max + lam_min)
r = lm.minibatch_descent(lm.mse_gradient, theta0, X, y, lr=lr_best, epochs=250)
distance = np.linalg.norm(r.thetas - closed_form, axis=1)

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.semilogy(distance, color="black", label="batch gradient descent")
ax.semilogy(distance[0] * rate ** np.arange(len(distance)), ":", color=PALETTE["rose"], label=f"bound: {rate:.3f}$^k$")
ax.set_xlabel("update k")
ax.set_ylabel(r"$\|\theta_k - \theta^*\|$")
ax.set_title(f"lr = $2/(\\lambda_{{min}} + \\lambda_{{max}})$ = {lr_best:.3f}", fontsize=10)
ax.legend(fontsize=8)
plt.show()
print("normal equations:", closed_form.round(6), "  gradient descent, 250 updates:", r.thetas[-1].round(6))
"""))

add(md(r"""
The curve lies exactly on the bound: at this learning rate both directions shrink by the same
factor, the steep one while flipping sign. For two parameters the closed form is obviously the better
deal. The balance changes with the
number of parameters $d$. Forming $X^\top X$ costs about $N d^2$ multiply-adds and storing it
$8d^2$ bytes; factorising it, about $d^3/3$ more. One gradient step costs about $2Nd$ and stores
nothing beyond $\theta$. Counting operations (not timing them):
"""))

add(code(r"""
def megabytes(n_bytes):
    return f"{n_bytes / 1e6:,.0f} MB" if n_bytes >= 1e6 else f"{n_bytes:,.0f} bytes"


print("        N         d  | normal equations: multiply-adds, memory | one gradient step | steps for the same cost")
for n_samples, d in ((4096, 2), (100_000, 1_000), (1_000_000, 100_000)):
    direct = n_samples * d ** 2 + d ** 3 / 3
    step = 2 * n_samples * d
    print(f"{n_samples:>9,d} {d:>9,d}  |  {direct:16.1e}, {megabytes(8 * d * d):>15s}  |  {step:15.1e}  |  "
          f"{direct / step:10,.0f}")
"""))

add(md(r"""
With a hundred thousand features, the matrix alone would not fit in memory, while a thousand
gradient steps cost a fiftieth of the direct solve. And for most models there is no closed form to
choose in the first place. Logistic regression is the simplest example.

### Logistic regression has none

For labels $y_i \in \{0, 1\}$, logistic regression (Cox 1958) predicts the probability
$p_i = \sigma(z_i)$ that $y_i = 1$, with $z_i = x_i^\top\theta$ and the sigmoid
$\sigma(z) = 1/(1 + e^{-z})$, and it minimises the **cross-entropy**

$$
\ell(\theta) = \frac1N\sum_i \Big[-y_i\log p_i - (1-y_i)\log(1 - p_i)\Big]
= \frac1N\sum_i \Big[\log\big(1 + e^{z_i}\big) - y_i z_i\Big].
$$

Derive the derivative of one sample's loss with respect to $z$:
"""))

add(code(r"""
z_s, y_s = sp.symbols("z y", real=True)
sigma = 1 / (1 + sp.exp(-z_s))
loss_z = -y_s * sp.log(sigma) - (1 - y_s) * sp.log(1 - sigma)
dloss_dz = sp.simplify(sp.diff(loss_z, z_s))
print("d loss / dz =", dloss_dz)
print("equal to sigma(z) - y:", sp.simplify(dloss_dz - (sigma - y_s)) == 0)
"""))

add(md(r"""
So $\partial\ell_i/\partial z_i = \sigma(z_i) - y_i$, prediction minus label, and by the chain rule
($\partial z_i/\partial\theta = x_i$)

$$
\nabla\ell(\theta) = \frac1N X^\top\big(\sigma(X\theta) - y\big),
$$

the least-squares gradient with the prediction passed through the sigmoid. Setting it to zero gives
$X^\top\sigma(X\theta) = X^\top y$: now $\theta$ sits *inside* a non-linear function, and no
algebra isolates it. We must iterate.

### Exercise 5 (2 points): the gradient of the logistic loss

Write `logistic_gradient(theta, X, y)` for labels 0 and 1. `lm.sigmoid` computes $\sigma$ without
overflow.
"""))

add(answer("logistic-gradient", r'''
def logistic_gradient(theta, X, y):
    """The gradient of the mean cross-entropy of logistic regression at theta."""
    ### BEGIN SOLUTION
    probabilities = lm.sigmoid(X @ theta)
    return X.T @ (probabilities - y) / len(y)
    ### END SOLUTION
'''))

add(tests("logistic-gradient-tests", 2, r'''
check("logistic-gradient", logistic_gradient)
### BEGIN HIDDEN TESTS
Xh = lm.with_ones(np.array([1.0, -1.0]))
np.testing.assert_allclose(logistic_gradient(np.zeros(2), Xh, np.array([1.0, 0.0])), [-0.5, 0.0])
Xh = lm.with_ones(np.array([1.0, 1.0]))
np.testing.assert_allclose(logistic_gradient(np.array([1000.0, 0.0]), Xh, np.array([1.0, 0.0])), [0.5, 0.5])
rng_h = np.random.default_rng(321)
Xh = lm.with_ones(rng_h.normal(size=(25, 3)))
yh = (rng_h.random(25) < 0.4).astype(float)
th = rng_h.normal(size=4)
numeric = [(lm.logistic_loss(th + e, Xh, yh) - lm.logistic_loss(th - e, Xh, yh)) / 2e-6 for e in 1e-6 * np.eye(4)]
np.testing.assert_allclose(logistic_gradient(th, Xh, yh), numeric, rtol=1e-6, atol=1e-9)
### END HIDDEN TESTS
'''))

add(md(r"""
### Least squares against logistic regression on a classification task

Two clouds of points, labels 0 and 1, plus a group of label-0 points far to the right: easy cases,
far from any doubt. Least squares can classify too: fit the labels 0/1 as numbers with the closed
form and predict 1 where $x^\top\theta > \tfrac12$. Logistic regression is trained by batch
gradient descent. Its Hessian, $\frac1N X^\top \mathrm{diag}\big(p_i(1-p_i)\big) X$, is never
steeper than $\frac14\cdot\frac1N X^\top X$ (because $p(1-p) \le \frac14$), so section 3 gives a safe
learning rate, $\eta < 8/\lambda_{\max}(\frac1N X^\top X)$; we take half of that.
"""))

add(code(r"""
from optcourse.data import make_classification

points, labels = make_classification(400, n_classes=2, n_features=2, separation=2.0, seed=0)
far = np.random.default_rng(3).normal([12.0, 3.0], [1.5, 1.0], size=(100, 2))   # easy label-0 points
points = np.vstack([points, far])
labels = np.concatenate([labels, np.zeros(100)]).astype(float)
Xc = lm.with_ones(points)

theta_ls = lm.normal_equations(Xc, labels)                           # one linear solve
lr_logistic = 4 / np.linalg.eigvalsh(lm.mse_hessian(Xc)).max()
fit = lm.minibatch_descent(lm.logistic_gradient, np.zeros(3), Xc, labels, lr=lr_logistic, epochs=1500)
theta_lr = fit.thetas[-1]

accuracy_ls = np.mean((Xc @ theta_ls > 0.5) == (labels == 1))
accuracy_lr = np.mean((Xc @ theta_lr > 0.0) == (labels == 1))
print(f"least squares (closed form):          accuracy {accuracy_ls:.1%}")
print(f"logistic regression (1500 GD steps):  accuracy {accuracy_lr:.1%}, "
      f"gradient norm {np.linalg.norm(lm.logistic_gradient(theta_lr, Xc, labels)):.0e}")

fig, (ax_b, ax_c) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1.6, 1]})
for label, colour, marker in ((0, PALETTE["cyan"], "o"), (1, PALETTE["sand"], "s")):
    chosen = labels == label
    ax_b.scatter(points[chosen, 0], points[chosen, 1], s=12, color=colour, marker=marker, edgecolor="0.3",
                 linewidth=0.3, label=f"label {label}")
x1 = np.linspace(-6, 16, 2)
for theta_c, level, colour, name in ((theta_ls, 0.5, "black", "least squares"),
                                     (theta_lr, 0.0, PALETTE["wine"], "logistic regression")):
    ax_b.plot(x1, (level - theta_c[2] - theta_c[0] * x1) / theta_c[1], color=colour, lw=2, label=name)
ax_b.set_xlim(-6, 16)
ax_b.set_ylim(-5, 7)
ax_b.set_xlabel("feature 1")
ax_b.set_ylabel("feature 2")
ax_b.legend(fontsize=8, loc="upper left")
ax_b.set_title("decision boundaries", fontsize=10)
ax_c.semilogy([np.linalg.norm(lm.logistic_gradient(t, Xc, labels)) for t in fit.thetas], color=PALETTE["wine"])
ax_c.set_xlabel("update (= epoch: full batch)")
ax_c.set_ylabel(r"$\|\nabla\ell(\theta_k)\|$")
ax_c.set_title("logistic regression by gradient descent", fontsize=10)
plt.tight_layout()
plt.show()
"""))

add(md(r"""
Two things to notice. First, the gradient of the logistic loss shrinks slowly near the end: once
most points are classified with confidence, $p_i(1-p_i)$ is tiny for them, the loss becomes very
flat in some directions, and flat directions are slow (section 3). Newton's method (lesson 06)
uses the curvature to fix exactly that.

Second, and more important: a closed form is no reason to prefer a loss. Least squares punishes
the far-right points for being *too* right. A boundary steep enough to split the two clouds cleanly
would give those points predictions far below 0, and the squared error charges for that exactly as
for a mistake. So the least-squares fit flattens and tilts to keep their predictions near 0, and
misclassifies points in the middle instead. The cross-entropy of a confident, correct prediction is
almost zero and so is its gradient, so logistic regression leaves those points alone. Choose the
loss that describes the task; gradient descent does not care whether it has a closed form.

## Summary

* A loss is a surface over the parameters; for linear regression with the MSE loss it is a
  quadratic bowl, $L = \frac1{2N}\lVert X\theta - y\rVert^2$, with gradient
  $\frac1N X^\top(X\theta - y)$ and Hessian $H = \frac1N X^\top X$.
* Gradient descent steps $\theta \leftarrow \theta - \eta\nabla L$. On a quadratic, each eigen-direction
  of $H$ shrinks by $1 - \eta\lambda$ per step: crawling for small $\eta\lambda$, oscillating for
  $1 < \eta\lambda < 2$, diverging above 2. So $\eta < 2/\lambda_{\max}$, and progress is limited
  by $\lambda_{\min}$.
* A diverging run overflows: the loss reaches $10^{100}$, then `inf`, then the parameters become
  `inf` and `nan`. Check the loss at every step; `np.errstate` silences the warnings only where
  you handle the overflow yourself.
* Batch ($B = N$), stochastic ($B = 1$) and minibatch gradient descent differ in how many samples
  estimate each gradient. An iteration is one update; an epoch is one pass over the data,
  $\lceil N/B \rceil$ iterations. Compare them by work, not by updates.
* Minibatch gradient noise shrinks like $1/\sqrt B$. Small batches make more progress per epoch
  but stall on a noise floor; big batches make better steps at a higher price, with diminishing
  returns. The best batch size for a given budget lies in between (typically 16 to 512).
* The same noise can carry SGD out of shallow, narrow minima where full-batch descent stays stuck.
* Least squares has a closed form, $\theta^* = (X^\top X)^{-1}X^\top y$, whose cost grows like $Nd^2 +
  d^3$; logistic regression has none, and gradient descent, at about $2Nd$ per step, solves both.

**Next:** lesson 02 looks at the points where the gradient vanishes (minima, maxima, saddles) and
at the Hessian that tells them apart.

## References

* A. Cauchy (1847). Méthode générale pour la résolution des systèmes d'équations simultanées.
  *Comptes rendus de l'Académie des sciences* 25, 536-538. (Gradient descent.)
* H. Robbins and S. Monro (1951). A stochastic approximation method. *Annals of Mathematical
  Statistics* 22(3), 400-407. (Stochastic gradients and the conditions on the step sizes.)
* D. R. Cox (1958). The regression analysis of binary sequences. *Journal of the Royal Statistical
  Society B* 20(2), 215-242. (Logistic regression.)
* L. Bottou (2010). Large-scale machine learning with stochastic gradient descent. *COMPSTAT 2010*,
  177-186. (Why SGD wins per unit of work on large data.)
* L. Bottou, F. E. Curtis and J. Nocedal (2018). Optimization methods for large-scale machine
  learning. *SIAM Review* 60(2), 223-311. (Minibatch noise, step sizes, convergence.)
* N. S. Keskar, D. Mudigere, J. Nocedal, M. Smelyanskiy and P. T. P. Tang (2017). On large-batch
  training for deep learning: generalization gap and sharp minima. *ICLR 2017*.
* P. Goyal et al. (2017). Accurate, large minibatch SGD: training ImageNet in 1 hour.
  arXiv:1706.02677. (The linear scaling rule.)
* S. McCandlish, J. Kaplan, D. Amodei and the OpenAI Dota Team (2018). An empirical model of
  large-batch training. arXiv:1812.06162. (The gradient noise scale and the critical batch size.)
* I. Goodfellow, Y. Bengio and A. Courville (2016). *Deep Learning*, MIT Press, sections 4.3 and
  8.1.3. J. Nocedal and S. J. Wright (2006). *Numerical Optimization*, 2nd ed., Springer,
  chapter 3.
"""))


def build() -> nbformat.NotebookNode:
    nb = new_notebook(cells=CELLS)
    for i, cell in enumerate(nb.cells):         # stable ids, so a rebuild changes only what changed
        cell.id = f"lesson01-{i:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main():
    nb = build()
    root = str(HERE.parents[1])                 # the kernel imports optcourse from this repository
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    os.environ.setdefault("MPLBACKEND", "Agg")  # as the test suite runs it; the lesson picks the inline backend
    # No saved widget state: it would store the widget's picture a second time. Without a live kernel,
    # JupyterLab shows the static PNG that every optcourse widget puts in its output.
    NotebookClient(nb, timeout=60, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(HERE)}}).execute()
    for cell in nb.cells:                       # keep the saved notebook free of run-specific metadata
        cell.metadata.pop("execution", None)
    (HERE / f"{NAME}.ipynb").write_text(notebook_text(nb))


if __name__ == "__main__":
    main()
