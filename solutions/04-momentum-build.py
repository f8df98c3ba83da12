"""Build lesson 04, "Momentum and Nesterov": write the notebook cell by cell and execute it.

    PYTHONPATH=. python solutions/04-momentum-build.py      # then: python -m optcourse.course release

The script lives beside the lesson folder, not in it: every file in ``solutions/04-momentum/`` is
copied to the students' ``lessons/``, and this script holds the solutions.
"""
import os
import sys
from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_notebook

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "solutions" / "04-momentum"
sys.path.insert(0, str(ROOT))
from optcourse.course.release import notebook_text  # noqa: E402
from optcourse.course.authoring import answer, code, locked, md, tests  # noqa: E402


CELLS = [
    md(r"""
# 04. Momentum and Nesterov

Lesson 03 ended with a diagnosis: in a long, narrow valley the gradient points mostly *across* the
valley, so gradient descent zig-zags from wall to wall and creeps along the floor. Its learning rate
is capped by the steepest direction, while its progress is set by the flattest one.

This lesson gives gradient descent a memory. Instead of stepping along today's gradient, it keeps
a **velocity**, an average of recent gradients, and steps along that. The components that flip
sign from step to step (across the valley) cancel in the average; the components that keep their
sign (along the floor) add up. The result is called **momentum**, after the physical picture of a
heavy ball rolling downhill.

**Learning goals.** After this lesson you can

- compute an exponentially weighted moving average, say how its parameter $\beta$ trades noise for
  lag, and remove the bias of its first values;
- write heavy-ball momentum in its three common forms (two textbook forms and PyTorch's), show that
  they take the same steps, and say when they stop agreeing;
- derive in SymPy how fast momentum converges on a quadratic, and predict from the condition number
  $\kappa$ how many steps gradient descent and momentum need ($\sim\kappa$ against $\sim\sqrt\kappa$);
- explain why a ball with enough velocity can roll out of a shallow minimum, and why more momentum
  is not always better;
- measure what momentum buys when training a real network, and separate it from a plain increase of
  the learning rate;
- write Nesterov's accelerated gradient with its look-ahead gradient, and show that PyTorch's
  `nesterov=True` computes the same iterates.

You need: lessons 01 and 03 (gradient descent, eigenvalues of the Hessian, the condition number),
NumPy and a little SymPy. Run the cells from top to bottom. Exercises are marked **Exercise**: write
your answer where it says `YOUR CODE HERE`, then run the cell below it to check.
"""),
    locked(r"""
import math

import matplotlib
import numpy as np
import sympy as sp
from scipy.signal import lfilter

matplotlib.use("module://matplotlib_inline.backend_inline")      # figures in the notebook, wherever it runs
import matplotlib.pyplot as plt

from optcourse import optim
from optcourse.data import load_digits, train_test_split
from optcourse.network import MLP
from optcourse.plots import PALETTE, START_STYLE, draw_landscape, line_kwargs
from optcourse.runner import run
from optcourse.surfaces import double_well, get_surface, quadratic
from optcourse.training import train
from optcourse.widgets import MomentumWidget, momentum_rate, optimal_momentum
from selfcheck import check

plt.rcParams.update({"figure.dpi": 72, "font.size": 10, "axes.grid": True, "grid.color": "0.9"})
"""),
    md(r"""
## 1. Averaging a noisy sequence

Momentum is built on one small tool, so we start with that tool on its own.

### 1.1 The exponentially weighted moving average

Given a sequence $x_1, x_2, \dots$, the **exponentially weighted moving average** (EWMA) keeps one
number $s_t$ and updates it with each new value:

$$s_0 = 0, \qquad s_t = \beta\, s_{t-1} + (1 - \beta)\, x_t, \qquad 0 \le \beta < 1.$$

Each step keeps a fraction $\beta$ of the old average and mixes in a fraction $1-\beta$ of the new
value. Unrolling the recursion shows which values it remembers:

$$s_t = (1-\beta)\left(x_t + \beta\, x_{t-1} + \beta^2 x_{t-2} + \dots + \beta^{t-1} x_1\right)
      = (1-\beta)\sum_{i=1}^{t} \beta^{\,t-i}\, x_i .$$

The weights decay geometrically into the past: a value $n$ steps old counts $\beta^n$ times as much as
the newest. They sum to about $1$, and about two thirds of the weight ($1 - \beta^{1/(1-\beta)} \approx 1 - 1/e$)
sits in the last $1/(1-\beta)$ values, the average's *window*: 2 values for $\beta = 0.5$, 10 for $0.9$, 100 for $0.99$. At $\beta = 0$ the
"average" is just the newest value; at $\beta = 1$ it would never change at all.

Let us smooth a random sequence: steps drawn uniformly from $[-10, 10]$, the moves of a particle
on a random walk. (To compute the average we use SciPy's `lfilter`, which evaluates exactly this
recursion: engineers call it a first-order low-pass filter. In Exercise 1 you write it yourself.)
"""),
    code(r"""
rng = np.random.default_rng(0)
steps = rng.uniform(-10, 10, size=20_000)          # the random moves; we plot the first 150
betas = [0.0, 0.5, 0.9, 0.98]
smoothed = {beta: lfilter([1 - beta], [1, -beta], steps) for beta in betas}
colours = dict(zip(betas, [PALETTE["black"], PALETTE["teal"], PALETTE["rose"], PALETTE["indigo"]]))

fig, axes = plt.subplots(2, 2, figsize=(9, 4.2), sharex=True, sharey=True, layout="constrained")
for ax, beta in zip(axes.flat, betas):
    ax.plot(steps[:150], color="0.75", linewidth=0.8, label="random moves")
    ax.plot(smoothed[beta][:150], color=colours[beta], linewidth=1.8, label=f"EWMA, β = {beta}")
    window_size = 1 / (1 - beta)
    ax.set_title(f"β = {beta}: window about {window_size:.0f} value{'s' if window_size > 1 else ''}", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
for ax in axes[1]:
    ax.set_xlabel("step t")
plt.show()
"""),
    md(r"""
As $\beta$ grows toward 1 the average becomes smoother, and slower: with $\beta = 0.98$ it reacts to
a change only after dozens of steps. How much noise survives? If the $x_t$ are independent with
variance $\sigma^2$, the variance of the unrolled sum (once $t$ is large) is

$$\operatorname{Var}(s_t) = (1-\beta)^2\,\sigma^2 \sum_{n=0}^{\infty} \beta^{2n}
  = \frac{(1-\beta)^2}{1-\beta^2}\,\sigma^2 = \frac{1-\beta}{1+\beta}\,\sigma^2 ,$$

so the noise shrinks by the factor $\sqrt{(1-\beta)/(1+\beta)}$: $0.58$ for $\beta = 0.5$, $0.23$ for
$\beta = 0.9$. We check this on all 20,000 moves, leaving out the first 300, where the average is still
warming up:
"""),
    code(r"""
print(" beta   noise left: measured   predicted sqrt((1 - beta) / (1 + beta))")
for beta in betas:
    ratio = smoothed[beta][300:].std() / steps[300:].std()
    print(f"{beta:5}   {ratio:20.3f}   {math.sqrt((1 - beta) / (1 + beta)):9.3f}")
"""),
    md(r"""
Now move the particle by the *averaged* steps instead of the raw ones. Its position is the running
sum of the moves. With averaging, the particle keeps going in one direction for longer and
changes course smoothly: it has inertia.
"""),
    code(r"""
fig, ax = plt.subplots(figsize=(8, 3.2))
for beta in betas:
    ax.plot(np.cumsum(smoothed[beta][:200]), color=colours[beta], linewidth=1.6, label=f"β = {beta}")
ax.set(xlabel="step t", ylabel="position", title="A random walk moved by its averaged steps")
ax.legend(fontsize=8, ncol=4)
plt.show()
"""),
    md(r"""
### 1.2 The early average is biased toward zero

Look at the weights again: they sum to

$$(1-\beta)\left(1 + \beta + \dots + \beta^{t-1}\right) = 1 - \beta^t ,$$

not to 1. The missing weight $\beta^t$ belongs to the starting value $s_0 = 0$. So for the first
$\sim 1/(1-\beta)$ steps the average is pulled toward zero: if every $x_i$ equals $c$, then
$s_t = (1-\beta^t)\,c$, and after one step $s_1 = (1-\beta)c$, only a tenth of $c$ for $\beta = 0.9$.
Dividing by the total weight removes the bias:

$$\hat s_t = \frac{s_t}{1 - \beta^t}.$$

(Starting from $s_0 = x_1$ instead avoids the zero, but then the first value keeps the weight $\beta^{t}$,
so a wild first value lingers for a long time. Dividing by $1-\beta^t$ gives every value its fair
share from the start.)

Below, a noisy signal with mean 3. The plain averages (dashed) start at 0 and climb; the corrected
ones (solid) are on target from the first step. To compute the total weight here we average a
sequence of ones with the same filter, which gives exactly $1-\beta^t$.
"""),
    code(r"""
signal = 3.0 + np.random.default_rng(1).normal(0.0, 2.0, size=120)
fig, ax = plt.subplots(figsize=(8, 3.4))
ax.plot(signal, ".", color="0.65", markersize=4, label="signal (mean 3)")
for beta, colour in ((0.9, PALETTE["rose"]), (0.98, PALETTE["indigo"])):
    plain = lfilter([1 - beta], [1, -beta], signal)
    total_weight = lfilter([1 - beta], [1, -beta], np.ones_like(signal))     # 1 - beta**t
    ax.plot(plain, "--", color=colour, linewidth=1.5, label=f"β = {beta}, from 0")
    ax.plot(plain / total_weight, color=colour, linewidth=2, label=f"β = {beta}, divided by 1 − β^t")
ax.axhline(3.0, color="black", linewidth=0.8)
ax.set(xlabel="step t", ylim=(-1, 8), title="The bias of the early average, and its correction")
ax.legend(fontsize=8, ncol=3, loc="upper center")
plt.show()
"""),
    md(r"""
Plain momentum (section 2) does *not* correct this bias: it starts slowly and gathers speed. Adam
(lesson 05) corrects it for both of its averages, and you will derive that correction there.

### Exercise 1 (2 points): the moving average, with and without correction

Write `ewma(x, beta, debias=False)`: the averages $s_1, \dots, s_T$ of the sequence `x`
(a 1-D array of length $T$), starting from $s_0 = 0$, as a NumPy array of length $T$. With
`debias=True` return $\hat s_t = s_t / (1-\beta^t)$ instead. Use a loop over $t$ (not `lfilter`).
"""),
    answer("ewma", r'''
def ewma(x, beta, debias=False):
    """Exponentially weighted moving averages of x from s_0 = 0, optionally divided by 1 - beta**t."""
    ### BEGIN SOLUTION
    ewma_values = np.empty(len(x))
    running_mean = 0.0
    for t, x_t in enumerate(np.asarray(x, dtype=float), start=1):
        running_mean = beta * running_mean + (1 - beta) * x_t
        ewma_values[t - 1] = running_mean / (1 - beta**t) if debias else running_mean
    return ewma_values
    ### END SOLUTION
'''),
    tests("ewma-tests", 2, r'''
check("ewma", ewma)
### BEGIN HIDDEN TESTS
# worked by hand: x = (2, 0, 4), beta = 1/2 gives s = (1, 1/2, 9/4); the weights sum to (1/2, 3/4, 7/8)
np.testing.assert_allclose(ewma(np.array([2.0, 0.0, 4.0]), 0.5), [1.0, 0.5, 2.25])
np.testing.assert_allclose(ewma(np.array([2.0, 0.0, 4.0]), 0.5, debias=True), [2.0, 2.0 / 3.0, 18.0 / 7.0])
# a constant sequence: corrected averages are exact at once, plain ones are (1 - beta**t) c
np.testing.assert_allclose(ewma(np.full(50, -1.5), 0.97, debias=True), np.full(50, -1.5), rtol=1e-12)
np.testing.assert_allclose(ewma(np.full(4, 2.0), 0.9), 2.0 * (1 - 0.9 ** np.arange(1, 5)), rtol=1e-12)
# beta = 0 returns the sequence itself, corrected or not
seq = np.random.default_rng(41).normal(size=9)
np.testing.assert_allclose(ewma(seq, 0.0), seq)
np.testing.assert_allclose(ewma(seq, 0.0, debias=True), seq)
# against SciPy's filter on a long random sequence
seq = np.random.default_rng(42).normal(size=300)
got = ewma(seq, 0.95)
assert isinstance(got, np.ndarray) and got.shape == (300,)
np.testing.assert_allclose(got, lfilter([0.05], [1.0, -0.95], seq), rtol=1e-9, atol=1e-12)
### END HIDDEN TESTS
'''),
    md(r"""
## 2. Momentum: a heavy ball

### 2.1 From a rolling ball to an update rule

Gradient descent moves like a marble in honey: its velocity is proportional to the force on it,
$-\nabla f$, and it stops the moment the slope vanishes. A heavy ball behaves differently. The
force changes its *velocity*, the velocity changes its position, and friction slowly drains the
velocity. Newton's law for a ball of mass $m$ with friction coefficient $c$ on the landscape $f$ reads

$$m\,\ddot\theta = -\nabla f(\theta) - c\,\dot\theta .$$

Take time steps of length $h$ and replace the derivatives by differences,
$\ddot\theta \approx (\theta_{k+1} - 2\theta_k + \theta_{k-1})/h^2$ and
$\dot\theta \approx (\theta_k - \theta_{k-1})/h$. Solving for $\theta_{k+1}$ gives

$$\theta_{k+1} = \theta_k - \eta\,\nabla f(\theta_k) + \beta\,(\theta_k - \theta_{k-1}),
\qquad \eta = \frac{h^2}{m},\quad \beta = 1 - \frac{c\,h}{m}.$$

This is Polyak's **heavy-ball method** (1964): a gradient step plus a fraction $\beta$ of the previous
step. $\beta = 0$ (friction so strong that no speed survives a step) is gradient descent; $\beta$
close to 1 is a ball on ice. Call $v_k = \theta_{k-1} - \theta_k$ the *velocity*: the step just taken,
with its sign flipped so that it points uphill like the gradient. Then the same rule reads

$$v_{k+1} = \beta\, v_k + \eta\,\nabla f(\theta_k), \qquad \theta_{k+1} = \theta_k - v_{k+1}.$$

Compare with section 1. Unrolled (from $v_0 = 0$), the velocity is

$$v_{k+1} = \eta\sum_{i=0}^{k} \beta^{\,k-i}\,\nabla f(\theta_i) = \frac{\eta}{1-\beta}\, s_{k+1},$$

where $s$ is the exponentially weighted moving average of the gradients seen so far, with the same
$\beta$. Two consequences:

- **Terminal velocity.** On a constant slope $g$ the velocity grows toward $\eta g\,(1 + \beta + \beta^2 + \dots)
  = \eta g / (1-\beta)$. Momentum moves like gradient descent with the *effective learning rate*
  $\eta/(1-\beta)$: ten times $\eta$ for $\beta = 0.9$. It takes about $1/(1-\beta)$ steps to get
  there (the uncorrected bias of section 1.2).
- **Cancellation.** Gradient components that flip sign from step to step (across a valley) largely
  cancel in the average; components that keep their sign (along the valley floor) add up.

### 2.2 Three ways to write the same method

Papers, textbooks and libraries write momentum in different but equivalent ways. `optcourse.optim`
implements all three:

| | velocity update | position update | `optcourse.optim` |
|---|---|---|---|
| most textbooks, e.g. Ruder (2016) | $v \leftarrow \gamma v + \eta\nabla J(\theta)$ | $\theta \leftarrow \theta - v$ | `HeavyBall(x, lr=η, momentum=γ)` |
| Sutskever et al. (2013) | $v \leftarrow \mu v - \varepsilon g$ | $\theta \leftarrow \theta + v$ | `SutskeverMomentum(x, lr=ε, momentum=μ)` |
| PyTorch `torch.optim.SGD` | $b \leftarrow \mu b + g$ | $\theta \leftarrow \theta - \eta\, b$ | `SGD(x, lr=η, momentum=μ)` |

Sutskever's velocity points downhill: it is the textbook velocity with its sign flipped. PyTorch's
buffer $b$ holds no learning rate: multiply its update by $\eta$ and write $v = \eta b$, and you get
the textbook form back. (PyTorch sets $b = g$ on the very first step; from $b = 0$ the update gives
the same thing.) So as long as the learning rate stays fixed, all three take the same steps. We run
them side by side on an ill-conditioned quadratic for 60 steps:
"""),
    code(r"""
bowl = quadratic(condition_number=25, angle_degrees=30)
forms = {"HeavyBall": optim.HeavyBall, "SutskeverMomentum": optim.SutskeverMomentum, "SGD(momentum=0.9)": optim.SGD}


def momentum_paths(lr_at, n_steps=60, momentum=0.9):
    '''The iterates of the three forms on `bowl`, with learning rate lr_at(k) at step k.'''
    paths = {}
    for name, form in forms.items():
        x = bowl.start.copy()
        opt = form(x, lr=lr_at(0), momentum=momentum)
        path = [x.copy()]
        for k in range(n_steps):
            opt.lr = lr_at(k)
            opt.step(bowl.gradient(x))
            path.append(x.copy())
        paths[name] = np.array(path)
    return paths


same_lr = momentum_paths(lambda k: 0.02)
reference_path = same_lr["HeavyBall"]
for name, path in same_lr.items():
    print(f"{name:18s} ends at {np.round(path[-1], 4)}; same path as HeavyBall (to 1e-12): "
          f"{np.allclose(path, reference_path, rtol=0, atol=1e-12)}")
"""),
    md(r"""
### 2.3 When the learning rate changes, they part ways

Learning-rate schedules change $\eta$ during training. Suppose it drops from $\eta$ to $\eta'$ before
step $k$. The textbook forms keep the velocity they have, which was built with the old rate, and
only new gradients enter with $\eta'$:

$$v_{k+1} = \beta v_k + \eta' g_k \qquad\text{(textbook)}.$$

PyTorch multiplies its whole buffer by the new rate, the old gradients included:

$$\eta' b_{k+1} = \eta'(\beta b_k + g_k) = \tfrac{\eta'}{\eta}\,\beta v_k + \eta' g_k \qquad\text{(PyTorch)}.$$

So PyTorch's step shrinks at once, while the textbook ball keeps rolling on its old speed, which
fades over about $1/(1-\beta)$ steps. Neither is wrong; they are different methods once $\eta$
changes, and a schedule tuned for one is not tuned for the other. Here the learning rate drops
tenfold before step 25:
"""),
    code(r"""
drop = momentum_paths(lambda k: 0.02 if k < 25 else 0.002)
print("textbook forms still agree with each other:",
      np.allclose(drop["HeavyBall"], drop["SutskeverMomentum"], rtol=0, atol=1e-12))
print("PyTorch's form still agrees with them:     ",
      np.allclose(drop["HeavyBall"], drop["SGD(momentum=0.9)"], rtol=0, atol=1e-12))

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
draw_landscape(left, bowl, n=120, levels=18, bounds=((-1.5, 2.5), (-1.2, 2.4)))
for name, style, label in (("SGD(momentum=0.9)", "SGD", "PyTorch: SGD(momentum=0.9)"),
                           ("HeavyBall", "HeavyBall", "textbook: HeavyBall, SutskeverMomentum")):
    path = drop[name]
    left.plot(path[:, 0], path[:, 1], label=label, **line_kwargs(style))
    right.semilogy(np.linalg.norm(np.diff(path, axis=0), axis=1), label=label, **line_kwargs(style, 60))
left.plot(*bowl.start, **START_STYLE)
left.set_aspect("equal")
left.set_title("lr 0.02, then 0.002 from step 25", fontsize=10)
left.legend(fontsize=8)
right.axvline(25, color="0.4", linestyle=":", linewidth=1)
right.set(xlabel="step k", ylabel="length of step k", title="Step lengths")
right.legend(fontsize=8)
plt.show()
"""),
    md(r"""
Right after the drop, PyTorch's step is ten times shorter at once; the textbook ball's steps fade
gradually as its old velocity decays. Keep this in mind when you move a schedule from a paper to
PyTorch.

### Exercise 2 (2 points): one step in PyTorch's form

Write `pytorch_momentum_step(theta, buf, grad, lr, momentum)`: one step of SGD with momentum as
PyTorch computes it (third row of the table), given the parameters `theta`, the buffer `buf` (zeros
before the first step), the gradient `grad` at `theta`, and the hyperparameters. Return the new
`(theta, buf)` as a tuple of two new arrays; do not change the arrays you are given.
"""),
    answer("pytorch-step", r'''
def pytorch_momentum_step(theta, buf, grad, lr, momentum):
    """One step of SGD with momentum in PyTorch's form; returns the new (theta, buf)."""
    ### BEGIN SOLUTION
    buffer_after = momentum * buf + grad
    return theta - lr * buffer_after, buffer_after
    ### END SOLUTION
'''),
    tests("pytorch-step-tests", 2, r'''
check("pytorch-step", pytorch_momentum_step)
### BEGIN HIDDEN TESTS
# by hand: from b = 0 the first step is plain gradient descent; the second adds momentum * b
theta_1, buf_1 = pytorch_momentum_step(np.array([1.0, -2.0]), np.zeros(2), np.array([4.0, 2.0]), 0.5, 0.9)
np.testing.assert_allclose(buf_1, [4.0, 2.0])
np.testing.assert_allclose(theta_1, [-1.0, -3.0])
theta_2, buf_2 = pytorch_momentum_step(theta_1, buf_1, np.array([1.0, 0.0]), 0.1, 0.5)
np.testing.assert_allclose(buf_2, [3.0, 1.0])
np.testing.assert_allclose(theta_2, [-1.3, -3.1])
np.testing.assert_allclose(theta_1, [-1.0, -3.0])                    # inputs left unchanged
# against optcourse's SGD over 40 steps on a random quadratic, with the learning rate changing
rng_hidden = np.random.default_rng(44)
A_hidden = rng_hidden.normal(size=(4, 4))
A_hidden = A_hidden @ A_hidden.T / 4 + 0.2 * np.eye(4)
x_ref = rng_hidden.normal(size=4)
opt_ref = optim.SGD(x_ref, lr=0.1, momentum=0.8)
theta_mine, buf_mine = x_ref.copy(), np.zeros(4)
for k in range(40):
    rate = 0.1 if k < 15 else 0.03
    grad_now = A_hidden @ theta_mine
    opt_ref.lr = rate
    opt_ref.step(A_hidden @ x_ref)
    theta_mine, buf_mine = pytorch_momentum_step(theta_mine, buf_mine, grad_now, rate, 0.8)
np.testing.assert_allclose(theta_mine, x_ref, rtol=1e-10, atol=1e-13)
np.testing.assert_allclose(buf_mine, opt_ref.state["b"], rtol=1e-10, atol=1e-13)
### END HIDDEN TESTS
'''),
    md(r"""
## 3. Momentum in an ill-conditioned valley

### 3.1 What it looks like

Back to lesson 03's valley, now with condition number $\kappa = 100$: the Hessian has eigenvalues
$\mu = 1$ and $L = 100$. Gradient descent is stable only for $\eta < 2/L$; its best choice is
$\eta = 2/(L + \mu)$, which balances the slowest directions at both ends of the spectrum. We
race it against heavy-ball momentum with $\beta = 0.9$ and with the best $(\eta, \beta)$ that the
analysis below will give us.
"""),
    code(r"""
valley = quadratic(condition_number=100, angle_degrees=30)
best_lr, best_beta = optimal_momentum(100)
valley_runs = [
    run("SGD", valley, 150, lr=2 / 101, label="gradient descent, lr = 2/(L+μ)"),
    run("HeavyBall", valley, 150, lr=0.01, momentum=0.9, label="heavy ball, lr = 0.01, β = 0.9"),
    run("Momentum", valley, 150, lr=best_lr, momentum=best_beta,
        label=f"heavy ball, best: lr = {best_lr:.3f}, β = {best_beta:.3f}"),
]


def paths_and_losses(surface, runs, titles):
    '''One contour panel per run (its own window), and the loss gaps of all runs side by side.'''
    fig, axes = plt.subplots(1, len(runs) + 1, figsize=(3.1 * len(runs) + 4.2, 3.3), layout="constrained",
                             width_ratios=[1] * len(runs) + [1.5])
    for ax, r, title in zip(axes, runs, titles):
        centre, half = (r.path.max(0) + r.path.min(0)) / 2, (r.path.max(0) - r.path.min(0)).max() / 2 + 0.3
        draw_landscape(ax, surface, n=80, levels=12, bounds=tuple((c - half, c + half) for c in centre))
        ax.plot(r.path[:, 0], r.path[:, 1], color=line_kwargs(r.name)["color"], linewidth=1)
        ax.plot(*r.path[0], **START_STYLE)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=9)
    for r in runs:
        axes[-1].semilogy(r.loss, label=r.label, **line_kwargs(r.name, len(r.loss)))
    axes[-1].set(xlabel="step k", ylabel="f(θ_k) − f*")
    axes[-1].legend(fontsize=7.5, loc="lower left")
    plt.show()


paths_and_losses(valley, valley_runs, ["gradient descent", "heavy ball, β = 0.9", "heavy ball, best"])
for r in valley_runs:
    print(f"{r.label:48s} largest loss {r.loss.max():6.1f}, after 150 steps {r.loss[-1]:.1e}")
"""),
    md(r"""
Gradient descent at its best learning rate bounces from wall to wall: along the steep direction
its factor is $1 - \eta L = 1 - 200/101 \approx -0.98$, so each bounce is only 2% smaller than the last,
and along the floor it creeps with the factor $1 - \eta\mu \approx 0.98$. Both ends of the spectrum
are equally slow, and that is exactly what "best" means for gradient descent: its loss falls by
$0.98^2$ per step. Momentum with $\beta = 0.9$ spirals in, and its loss falls much faster. The tuned
heavy ball is surprising: its loss first
*grows* more than tenfold (its learning rate is above gradient descent's limit $2/L = 0.02$, so the
first steps fly up the steep walls), and then it falls so fast that after 150 steps it is below
$10^{-19}$, while gradient descent's is still above $0.1$. Where do
these rates come from?

### 3.2 The rate of momentum on a quadratic

On a quadratic every eigen-direction of the Hessian behaves on its own (lesson 01), so one
dimension tells the whole story: $f(\theta) = \tfrac12\lambda\theta^2$, with the minimum at 0, so that
$\theta$ is also the error. Gradient descent multiplies the error by $1 - \eta\lambda$ at each step.
Momentum's update involves two consecutive positions, so its error obeys a *second-order*
recurrence. You derive it now.

### Exercise 3 (3 points): derive the recurrence, the characteristic polynomial and the stability edge

Use the symbols below and SymPy, starting from the heavy-ball update of section 2.1 and
$f(\theta) = \tfrac12\lambda\theta^2$:

1. `theta_next`: $\theta_{k+1}$ as an expression in `theta_now` ($\theta_k$) and `theta_prev`
   ($\theta_{k-1}$). (Hint: the velocity that arrived at $\theta_k$ is $v_k = \theta_{k-1} - \theta_k$.)
2. `char_poly`: the recurrence is linear, so try $\theta_k = z^k$: put $z$ in place of `theta_now`
   and $1$ in place of `theta_prev` (that is, divide by $z^{k-1}$), and return the polynomial
   $z^2 - (\dots)$ whose roots are the $z$ that solve it, expanded, with leading term $z^2$.
3. `lr_edge`: the learning rate at which one root of `char_poly` reaches $z = -1$: the edge of
   stability, as an expression in $\beta$ and $\lambda$ (use `sp.solve`).
"""),
    locked(r"""
eta, beta, lam = sp.symbols("eta beta lambda", positive=True)
theta_now, theta_prev, z = sp.symbols("theta_now theta_prev z")
f_1d = lam * theta_now**2 / 2
"""),
    answer("momentum-recurrence", r'''
### BEGIN SOLUTION
arrived_velocity = theta_prev - theta_now
next_velocity = beta * arrived_velocity + eta * sp.diff(f_1d, theta_now)
theta_next = sp.expand(theta_now - next_velocity)
char_poly = sp.expand(z**2 - theta_next.subs({theta_now: z, theta_prev: 1}))
lr_edge = sp.solve(char_poly.subs(z, -1), eta)[0]
### END SOLUTION
theta_next, char_poly, lr_edge
'''),
    tests("momentum-recurrence-tests", 3, r'''
check("theta-next", theta_next)
check("char-poly", char_poly)
check("lr-edge", lr_edge)
### BEGIN HIDDEN TESTS
named = {s.name: s for s in theta_next.free_symbols | char_poly.free_symbols | lr_edge.free_symbols}
as_lesson = {named[n]: s for n, s in (("eta", eta), ("beta", beta), ("lambda", lam), ("z", z),
                                       ("theta_now", theta_now), ("theta_prev", theta_prev)) if n in named}
assert sp.expand(theta_next.subs(as_lesson) - ((1 + beta - eta * lam) * theta_now - beta * theta_prev)) == 0
reference_poly = z**2 - (1 + beta - eta * lam) * z + beta
assert sp.expand(char_poly.subs(as_lesson) - reference_poly) == 0
assert sp.simplify(lr_edge.subs(as_lesson) - 2 * (1 + beta) / lam) == 0
### END HIDDEN TESTS
'''),
    md(r"""
The recurrence is $\theta_{k+1} = (1 + \beta - \eta\lambda)\,\theta_k - \beta\,\theta_{k-1}$. In matrix
form, $(\theta_{k+1}, \theta_k) = T\,(\theta_k, \theta_{k-1})$ with

$$T = \begin{pmatrix} 1 + \beta - \eta\lambda & -\beta \\ 1 & 0 \end{pmatrix},$$

whose characteristic polynomial is your `char_poly`. The error shrinks by the larger $\lvert z\rvert$ of its
two roots per step (the *rate*; the loss shrinks by its square). Three facts follow; SymPy
confirms the last two in the cell below.

- **Stability.** The ball is stable for $0 < \eta\lambda < 2(1+\beta)$. Gradient descent needs
  $\eta\lambda < 2$; momentum with $\beta = 0.9$ tolerates almost twice that learning rate, and
  nineteen times gradient descent's limit for the *effective* rate $\eta/(1-\beta)$.
- **Oscillation.** When $(1+\beta-\eta\lambda)^2 < 4\beta$ the roots are complex: the error
  spirals. Complex roots come in conjugate pairs, and their product is $\det T = \beta$, so
  **both have modulus exactly $\sqrt\beta$**, whatever $\eta$ and $\lambda$ are.
- **The best tuning.** Gradient descent's rate $\lvert 1-\eta\lambda\rvert$ depends on $\lambda$, so the
  directions with small and large curvature cannot both be fast. Momentum can make every
  direction spiral at the same rate $\sqrt\beta$: choose $\eta$ and $\beta$ so that both ends of the
  spectrum, $\lambda = \mu$ and $\lambda = L$, sit exactly at the edge of the complex region. That gives
  Polyak's optimal setting

$$\eta^* = \frac{4}{(\sqrt L + \sqrt\mu)^2}, \qquad \beta^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2,
\qquad \text{rate } \sqrt{\beta^*} = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}
\quad\text{against gradient descent's best } \frac{\kappa - 1}{\kappa + 1}.$$

For large $\kappa$ these rates are about $1 - 2/\sqrt\kappa$ and $1 - 2/\kappa$: to shrink the error by
a fixed factor, gradient descent needs a number of steps proportional to $\kappa$, momentum to
$\sqrt\kappa$. With $\kappa = 10^4$, that is the difference between about 5,000 steps and 50 per
factor $e$ (about 2.7) of error. (`optcourse.widgets.optimal_momentum(κ)` returns $(\eta^*, \beta^*)$ for
$\mu = 1$, and `momentum_rate(lr, β, eigenvalues)` the rate.)
"""),
    code(r"""
T = sp.Matrix([[1 + beta - eta * lam, -beta], [1, 0]])
roots_of_T = list(T.eigenvals())
print("product of the two roots:", sp.simplify(roots_of_T[0] * roots_of_T[1]))
discriminant = sp.discriminant(T.charpoly(z).as_expr(), z)
print("discriminant - ((1 + beta - eta*lambda)**2 - 4*beta):",
      sp.simplify(discriminant - ((1 + beta - eta * lam) ** 2 - 4 * beta)))

# at Polyak's setting, both ends of the spectrum have a double root (discriminant exactly 0)
kappa, mu_min = sp.symbols("kappa mu", positive=True)
L_max = kappa * mu_min
eta_star = 4 / (sp.sqrt(L_max) + sp.sqrt(mu_min)) ** 2
beta_star = ((sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)) ** 2
for curvature in (mu_min, L_max):
    gap_to_real = ((1 + beta - eta * lam) ** 2 - 4 * beta).subs({eta: eta_star, beta: beta_star, lam: curvature})
    print(f"λ = {curvature}: discriminant at (η*, β*) simplifies to", sp.simplify(gap_to_real))
"""),
    md(r"""
The rate as a function of the curvature $\lambda$ shows the idea at a glance: gradient descent's
rate is good only in the middle of the spectrum, momentum's is flat at $\sqrt{\beta^*}$ across the
whole range $[\mu, L]$:
"""),
    code(r"""
curvatures = np.geomspace(1, 100, 200)
fig, ax = plt.subplots(figsize=(7.5, 3.4))
ax.plot(curvatures, np.abs(1 - 2 / 101 * curvatures), color=PALETTE["black"], linewidth=2,
        label="gradient descent, lr = 2/(L+μ)")
ax.plot(curvatures, [momentum_rate(best_lr, best_beta, [c]) for c in curvatures], color=PALETTE["rose"],
        linewidth=2, label=f"heavy ball, best (lr = {best_lr:.3f}, β = {best_beta:.3f})")
ax.plot(curvatures, [momentum_rate(0.01, 0.9, [c]) for c in curvatures], color=PALETTE["rose"], linestyle="--",
        linewidth=1.5, label="heavy ball, lr = 0.01, β = 0.9")
ax.set(xscale="log", xlabel="curvature λ of an eigen-direction (μ = 1 ... L = 100)",
       ylabel="rate |z| per step", ylim=(0, 1.02), title="How fast each direction converges (κ = 100)")
ax.legend(fontsize=8, loc="lower left")
plt.show()
"""),
    md(r"""
With $\beta = 0.9$ and $\eta = 0.01$ the roots are complex across the whole spectrum, so every
direction converges at the same rate $\sqrt{0.9} \approx 0.95$: flat, but higher than the optimum's
$\sqrt{\beta^*} \approx 0.82$. Too much momentum wastes speed on spiralling; too little leaves the flat
directions slow.

### 3.3 Experiment: learning rate and momentum, live

The widget runs gradient descent and heavy-ball momentum (`SGD(lr, momentum)`) with the same
learning rate on a quadratic whose condition number you choose. The right panel shows each loss
gap (solid) and the decay $\rho^{2k}$ that its rate $\rho$ predicts (dotted).

Things to try:

1. Press **optimal lr and momentum**, then raise $\kappa$ from 10 to 1000 and press it again: the
   momentum rate stays $(\sqrt\kappa-1)/(\sqrt\kappa+1)$ while gradient descent's best rate creeps to 1.
2. Keep the optimal learning rate and move the momentum away from $\beta^*$ in both directions.
   Below it the path stops spiralling but the flattest direction slows down; above it the path
   spirals longer.
3. Raise the learning rate past $2/\kappa$: gradient descent diverges. Find where momentum diverges
   and compare it with your `lr_edge`, $2(1+\beta)/\kappa$.
4. Set the momentum to 0: the two runs coincide.
"""),
    code(r"""
MomentumWidget(condition_number=100, lr=0.01, momentum=0.9, steps=150, dpi=72)
"""),
    md(r"""
### Exercise 4 (2 points): predict the steps, then check

The loss gap $f(\theta_k) - f^*$ is a sum of squared errors, so it shrinks by $\rho^2$ per step when
the error shrinks by $\rho$. Write `predicted_steps(kappa, factor)`: according to the rates alone,
how many steps do gradient descent at its best learning rate and heavy-ball momentum at Polyak's
best setting need on a quadratic with condition number `kappa` until the loss gap has shrunk to
`factor` times its starting value (the smallest whole $k$ with $\rho^{2k} \le$ `factor`)? Return a
tuple of two ints, `(gradient_descent_steps, momentum_steps)`.

The check cell also *measures* the steps, by running both methods on the valley of section 3.1
(with $\kappa = 100$ and $1000$). Before you run it, predict in the cell below (not graded): will the
measured counts be smaller than, equal to or larger than your predictions, and why?
"""),
    answer("steps-prediction", r"""
Gradient descent: equal (up to rounding), since at $\eta = 2/(L+\mu)$ both directions shrink by exactly
$\rho$ at every step. Momentum: larger. The rate describes the slope of the loss curve, and the loss
may start that slope from higher up; at Polyak's setting the roots are double, which adds a factor
that grows with $k$.
""", markdown=True),
    answer("predicted-steps", r'''
def predicted_steps(kappa, factor):
    """Steps until the loss gap falls to `factor` of its start, by the rates of gradient descent
    (best lr) and of heavy-ball momentum (best lr and momentum), as a tuple of two ints."""
    ### BEGIN SOLUTION
    root_kappa = math.sqrt(kappa)
    rates_to_use = ((kappa - 1) / (kappa + 1), (root_kappa - 1) / (root_kappa + 1))
    return tuple(math.ceil(math.log(factor) / (2 * math.log(rho))) for rho in rates_to_use)
    ### END SOLUTION
'''),
    tests("predicted-steps-tests", 2, r'''
check("predicted-steps", predicted_steps)

for kappa_value in (100, 1000):
    lr_hb, beta_hb = optimal_momentum(kappa_value)
    surface = quadratic(kappa_value, 30)
    measured = []
    for r in (run("SGD", surface, 6000, lr=2 / (kappa_value + 1)), run("Momentum", surface, 6000, lr=lr_hb, momentum=beta_hb)):
        measured.append(int(np.argmax(r.loss <= 1e-8 * r.loss[0])))
    print(f"kappa = {kappa_value}: predicted {predicted_steps(kappa_value, 1e-8)}, measured {tuple(measured)}")
### BEGIN HIDDEN TESTS
# worked by hand: kappa = 9 gives rates 0.8 and 0.5; 0.64**k <= 0.01 needs k = 11, 0.25**k <= 0.01 needs 4
assert tuple(predicted_steps(9, 0.01)) == (11, 4)
assert all(isinstance(k, (int, np.integer)) for k in predicted_steps(9, 0.01))
# other condition numbers and factors: k is the first whole number with rho**(2k) <= factor
for kappa_hidden, factor_hidden in ((4, 1e-3), (50, 1e-6), (2500, 1e-4)):
    polyak_hidden = optimal_momentum(kappa_hidden)
    rates_hidden = (momentum_rate(2 / (1 + kappa_hidden), 0.0, [1, kappa_hidden]),
                    momentum_rate(*polyak_hidden, [1, kappa_hidden]))
    for k_hidden, rho_hidden in zip(predicted_steps(kappa_hidden, factor_hidden), rates_hidden):
        assert rho_hidden ** (2 * k_hidden) <= factor_hidden * (1 + 1e-6)
        assert rho_hidden ** (2 * (k_hidden - 1)) > factor_hidden * (1 - 1e-6)
### END HIDDEN TESTS
'''),
    md(r"""
Gradient descent matches its prediction to the step: at $\eta = 2/(L+\mu)$ both extreme directions
shrink by exactly $\rho$ per step. Momentum needs noticeably more than predicted, although its loss
falls with exactly the predicted slope: at Polyak's optimum the two extreme directions have a
*double* root (the discriminant is 0, as SymPy showed), and a double root $z$ gives errors like
$(a + b\,k)\,z^k$, not $a\,z^k$. The factor $k$ costs some extra steps, and momentum
still wins by the factor $\sim\sqrt\kappa$ that the rates promise (about 7 times fewer steps at
$\kappa = 100$, 19 at $\kappa = 1000$). The same factor $k$ made the tuned heavy ball's loss grow
before it fell in section 3.1.

A caution: this analysis is exact for quadratics only. On other smooth, strongly convex functions
the heavy ball with these settings can fail to converge at all (Lessard, Recht and Packard 2016
give an example); Nesterov's method of section 6 keeps its guarantee on every such function.

## 4. Rolling over a hill: escaping a shallow minimum

A ball with velocity does not stop at the first dip. The tilted double well
$f(x, y) = (x^2-1)^2 + 0.5\,x + y^2$ (`optcourse.surfaces.double_well`) has a shallow minimum at
$x \approx 0.93$ and a deeper one at $x \approx -1.06$, separated by a ridge at $x \approx 0.13$.
We drop a ball at $x = 1.8$ on the line $y = 0$, high on the outer wall of the shallow well, and let
it roll with learning rate $0.01$ and three amounts of momentum:
"""),
    code(r"""
well = double_well(tilt=0.5)
deep, shallow = well.minima[:, 0]
ridge_x = np.sort(np.roots([4.0, 0.0, -4.0, 0.5]).real)[1]       # the middle root of f'(x) = 0
balls = {beta: run("HeavyBall", well, 300, start=(1.8, 0.0), lr=0.01, momentum=beta) for beta in (0.0, 0.5, 0.9)}
ball_colours = {0.0: PALETTE["black"], 0.5: PALETTE["teal"], 0.9: PALETTE["rose"]}

x_line = np.linspace(-1.7, 1.95, 300)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
left.plot(x_line, well.value(np.stack([x_line, 0 * x_line], axis=-1)), color="0.3", linewidth=1.5)
for beta, r in balls.items():
    left.plot(r.path[::3, 0], r.loss[::3], "o", color=ball_colours[beta], markersize=3.5, alpha=0.7)
    right.plot(r.path[:, 0], color=ball_colours[beta], linewidth=1.8, label=f"β = {beta}")
left.set(xlabel="x", ylabel="f(x, 0)", ylim=(-1, 7.5), title="Where the balls went (every third step)")
right.axhline(ridge_x, color="0.4", linestyle=":", linewidth=1, label="the ridge")
right.set(xlabel="step k", ylabel="x", title="Position against step (lr = 0.01)")
right.legend(fontsize=8)
plt.show()
for beta, r in balls.items():
    ends = "the deep minimum" if abs(r.path[-1, 0] - deep) < 1e-3 else "the shallow minimum"
    print(f"β = {beta}: ends at x = {r.path[-1, 0]:+.3f}, {ends}")
"""),
    md(r"""
Plain gradient descent ($\beta = 0$) slides into the shallow well and stays. With $\beta = 0.5$ the
ball arrives a little faster, but friction still wins. With $\beta = 0.9$ it reaches the bottom of the shallow
well with so much speed that it climbs over the ridge and settles in the deep well.

Think of energy. The ball starts at height $f(1.8, 0) \approx 5.9$, about $4.9$ above the ridge; at every step
friction takes away a part of its kinetic energy (more of it the smaller $\beta$ is). It escapes if it still has enough
when it meets the ridge. A map of where the ball ends, for a grid of learning rates and momenta,
shows the whole picture. We run all 3,600 balls at once, as NumPy arrays, with the heavy-ball update
written out:
"""),
    code(r"""
lrs = np.geomspace(0.002, 0.1, 60)
momenta = np.linspace(0.0, 0.98, 60)
LR, BETA = np.meshgrid(lrs, momenta)
x_ball, v_ball = np.full(LR.shape, 1.8), np.zeros(LR.shape)
with np.errstate(over="ignore", invalid="ignore"):
    for k in range(1500):
        v_ball = BETA * v_ball + LR * well.df(x_ball, 0.0)[0]
        x_ball = x_ball - v_ball
ending = np.full(LR.shape, 3)                                # 3: still moving (or diverged)
ending[np.abs(x_ball - shallow) < 0.05] = 1
ending[np.abs(x_ball - deep) < 0.05] = 0
ending[~np.isfinite(x_ball)] = 2

from matplotlib.colors import ListedColormap
kinds = ["deep minimum", "shallow minimum", "diverged", "still moving"]
cmap = ListedColormap([PALETTE["cyan"], PALETTE["sand"], "0.35", PALETTE["wine"]])
fig, ax = plt.subplots(figsize=(7.5, 3.8))
ax.pcolormesh(LR, BETA, ending, cmap=cmap, vmin=-0.5, vmax=3.5, shading="nearest")
ax.plot([0.01] * 3, [0.0, 0.5, 0.9], "o", markerfacecolor="white", markeredgecolor="black", markersize=7)
ax.set(xscale="log", xlabel="learning rate η", ylabel="momentum β", title="Where a ball dropped at x = 1.8 ends")
ax.grid(False)
handles = [plt.Rectangle((0, 0), 1, 1, color=cmap(i)) for i in range(4)]
ax.legend(handles, kinds, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
plt.show()
for i, kind in enumerate(kinds):
    print(f"{kind:16s} {np.mean(ending == i):6.1%} of the settings")
"""),
    md(r"""
The white dots are the three balls above. Reading the map:

- **Low momentum and small learning rates end in the shallow well** (sand): the ball is too slow
  to climb the ridge.
- **Enough momentum carries it over** (blue). The boundary bends: a larger learning rate needs less
  momentum, and at the largest learning rates even $\beta = 0$ escapes. There it is not velocity but
  the sheer size of the first steps, taken on the steep outer wall ($f''(1.8) \approx 35$), that throws
  the ball across the ridge.
- **More momentum is not simply better.** At high $\beta$ there are sand bands again: balls so fast
  that they cross the ridge and come back. At the top right, with little friction and large steps,
  the ball diverges.

Momentum helps to leave a shallow minimum, but it does not know which minimum is the good one. In
networks with millions of parameters the noise of minibatches (lesson 01) plays a similar role, and
nobody tunes $\beta$ to jump particular ridges; the main benefit of momentum there is speed.

## 5. A network trained with and without momentum

Now a real problem: the digits network of lesson 03 (1,797 handwritten digits of 8x8 pixels, here
one hidden layer of 32 ReLU units), trained with minibatches of 32 and the learning rate 0.01, once
without momentum and once with $\beta = 0.9$. `optcourse.training.train` stops at the first step whose
minibatch loss is at most `target_loss` and records the number of updates that took in
`steps_to_target`.
"""),
    code(r"""
X, y = load_digits()
(X_train, y_train), (X_test, y_test) = train_test_split(X, y, test_fraction=0.2, seed=0)


def steps_to_loss(lr, momentum, target=0.1, max_steps=5000, seed=0):
    '''Train a fresh MLP([64, 32, 10]) with SGD until a minibatch loss <= target; return (History, network).'''
    net = MLP([64, 32, 10], seed=seed)
    history = train(net, X_train, y_train, optim.SGD, optimizer_options=dict(lr=lr, momentum=momentum),
                    epochs=1000, max_steps=max_steps, batch_size=32, seed=seed, target_loss=target)
    return history, net


(plain, _), (heavy, _) = steps_to_loss(0.01, 0.0), steps_to_loss(0.01, 0.9)
print(f"SGD, lr 0.01:                  loss 0.1 after {plain.steps_to_target} steps")
print(f"SGD, lr 0.01, momentum 0.9:    loss 0.1 after {heavy.steps_to_target} steps "
      f"({plain.steps_to_target / heavy.steps_to_target:.1f} times fewer)")

per_epoch = math.ceil(len(X_train) / 32)           # updates per pass over the training set
fig, ax = plt.subplots(figsize=(8, 3.4))
for history, name, label in ((plain, "SGD", "no momentum"), (heavy, "Momentum", "momentum 0.9")):
    colour = line_kwargs(name)["color"]
    ax.plot(history.step_loss, color=colour, alpha=0.3, linewidth=0.6)
    ends = np.minimum(per_epoch * np.arange(1, len(history.epoch_loss) + 1), history.steps)
    ax.plot(ends, history.epoch_loss, "o-", color=colour, markersize=3, linewidth=2,
            label=f"{label}: {history.steps_to_target} steps to a minibatch loss of 0.1")
ax.axhline(0.1, color="0.3", linestyle=":", linewidth=1)
ax.set(yscale="log", xlabel="step (minibatch of 32)", ylabel="loss",
       title="Digits network, lr = 0.01: minibatch losses (thin), training-set loss after each epoch (dots)")
ax.title.set_fontsize(9)
ax.legend(fontsize=8)
plt.show()
"""),
    md(r"""
About seven times fewer steps with momentum (the same experiment on MNIST in Buduma et al.'s
textbook takes about 2,000 steps with momentum and 18,000 without). A word on the measurement:
each minibatch loss (thin lines) is the loss on 32 digits only, so it scatters widely, and the first one to dip below 0.1 does so while the loss on the whole training
set (dots) is still about 0.2. Both runs are measured the same way, so the comparison is fair, but
do not read "0.1" as the training loss.

Part of the speed-up, however, comes from section 2.1's effective learning rate: with
$\beta = 0.9$, momentum moves like gradient descent with $\eta/(1-\beta) = 0.1$. A fair question is whether plain SGD with a ten times larger learning rate would do just as well. So we
compare the two at the same *effective* learning rate, $\eta$ for SGD and $\eta/(1-\beta)$ for
momentum, over a range of values (each run stops after 600 steps if it has not reached the target):
"""),
    code(r"""
effective = [0.1, 0.25, 0.5, 1.0, 2.0, 4.0]
trained = {momentum: [steps_to_loss(rate * (1 - momentum), momentum, max_steps=600) for rate in effective]
         for momentum in (0.0, 0.9)}
sweep = {momentum: [history for history, _ in runs] for momentum, runs in trained.items()}

fig, ax = plt.subplots(figsize=(7.5, 3.4))
for momentum, name in ((0.0, "SGD"), (0.9, "Momentum")):
    reached = [h.steps_to_target if h.steps_to_target is not None else np.nan for h in sweep[momentum]]
    ax.plot(effective, reached, label=f"momentum {momentum}", **line_kwargs(name, len(effective), len(effective)))
ax.set(xscale="log", yscale="log", xlabel="effective learning rate η / (1 − β)", ylabel="steps to loss 0.1",
       title="Same effective learning rate: who gets there first?")
ax.legend(fontsize=8)
plt.show()
print("effective lr     without momentum         with momentum 0.9")
print("                 steps   training loss    steps   training loss    (-: not within 600 steps)")
for i, rate in enumerate(effective):
    cells = [(sweep[m][i].steps_to_target, sweep[m][i].epoch_loss[-1]) for m in (0.0, 0.9)]
    print(f"{rate:12}   " + "".join(f"{'-' if k is None else k:>7} {loss:11.2f}      " for k, loss in cells))

stuck = trained[0.0][effective.index(2.0)][1]                   # plain SGD at effective rate 2
W1, b1 = stuck.params[:2]
alive = (np.maximum(X_train @ W1 + b1, 0) > 0).any(axis=0)
print(f"plain SGD at effective rate 2: {alive.sum()} of {alive.size} hidden units are on for any training digit; "
      f"it predicts {len(np.unique(stuck.predict(X_train)))} distinct digit(s)")
"""),
    md(r"""
Two lessons in one table ("training loss" is the loss on the whole training set when the run
stopped):

- **At small effective learning rates, momentum buys nothing.** The two columns agree: momentum
  accumulates roughly ten small steps into one, so it is SGD with a ten times larger learning rate.
  Much of the speed-up in the first experiment came from that.
- **Momentum tolerates larger effective steps.** At an effective rate of 2, plain SGD is thrown off
  by its first few steps (its loss jumps above 4) and ends with every hidden ReLU unit switched off for
  every digit (the last line above): the output no longer depends on the input, the loss is stuck
  near $\log 10 \approx 2.3$, and no gradient reaches the first layer to repair it.
  Momentum at the same effective rate is the fastest run of all. Two things from this lesson
  protect it: its raw learning rate is ten times smaller and its stability limit for that raw rate is
  $2(1+\beta)/\lambda$ instead of $2/\lambda$ (your `lr_edge`); and its velocity starts at zero and needs
  about $1/(1-\beta)$ steps to build up (the bias of section 1.2), a built-in warm-up that keeps the
  first steps small. At an effective rate of 4, momentum slows down again: the minibatch noise,
  scaled up by the large effective step, now limits it.

So the best momentum run beats the best SGD run, but by less than the first experiment
suggested.

One seed of one small network is a single experiment; with other seeds the numbers change by tens
of percent but the picture stays. Sutskever et al. (2013) showed on much larger networks that
with a good initialisation and a well-chosen momentum schedule, plain SGD with momentum trains deep
and recurrent networks about as well as the second-order methods of the time.

## 6. Nesterov's accelerated gradient

### 6.1 Look before you leap

The heavy ball computes the gradient where it stands, then adds its velocity. But it already knows
that the velocity will carry it to about $\theta + \mu v$ (in Sutskever's signs, where $v$ points
downhill). Nesterov's method takes the gradient *there*, at the look-ahead point:

$$v \leftarrow \mu\, v - \varepsilon\, \nabla J(\theta + \mu v), \qquad \theta \leftarrow \theta + v .$$

If the velocity is about to carry the ball up the far wall of a valley, the gradient at the
look-ahead point already points back, and the correction comes one step earlier. The difference
looks small, but on convex problems it changes what can be guaranteed: Nesterov (1983) proved that
his method reaches error $O(1/k^2)$ after $k$ steps on every smooth convex function (gradient descent:
$O(1/k)$), and $O\big((1 - 1/\sqrt\kappa)^k\big)$ on strongly convex ones, with no assumption that the
function is quadratic.

`optim.NesterovLookahead` implements this form. Because the gradient must be taken at another point
than the parameters, the loop asks the optimizer where: `opt.lookahead()` returns $\theta + \mu v$. The
picture below shows one step of each method from the same state, in a bowl that is steep in one
direction:
"""),
    code(r"""
bowl10 = quadratic(condition_number=10)                       # f = (x**2 + 10 y**2) / 2
theta_demo, v_demo = np.array([1.5, 0.1]), np.array([-0.3, 0.6])   # position, velocity (downhill form)
mu_demo, eps_demo = 0.9, 0.05
peek = theta_demo + mu_demo * v_demo                           # the look-ahead point
push_here = -eps_demo * bowl10.gradient(theta_demo)            # the heavy ball's gradient step
push_there = -eps_demo * bowl10.gradient(peek)                 # Nesterov's gradient step

fig, ax = plt.subplots(figsize=(8.6, 3.9), layout="constrained")
draw_landscape(ax, bowl10, n=120, levels=16, bounds=((0.6, 2.0), (-0.25, 0.9)), minima=False)
arrow = dict(angles="xy", scale_units="xy", scale=1, width=0.006, zorder=5)
ax.quiver(*theta_demo, *(mu_demo * v_demo), color="0.5", **arrow, label="momentum step μv, taken by both")
ax.quiver(*peek, *push_here, color=PALETTE["rose"], **arrow, label="heavy ball: − ε ∇J(θ), computed at θ")
ax.quiver(*peek, *push_there, color=PALETTE["indigo"], **arrow, label="Nesterov: − ε ∇J(θ + μv), computed at the tip")
ax.plot(*(peek + push_here), "s", color=PALETTE["rose"], markersize=9, markeredgecolor="black", zorder=6,
        label="heavy ball lands here")
ax.plot(*(peek + push_there), "^", color=PALETTE["indigo"], markersize=10, markeredgecolor="black", zorder=6,
        label="Nesterov lands here")
ax.plot(*theta_demo, **START_STYLE)
ax.annotate("θ", theta_demo, xytext=(8, -12), textcoords="offset points")
ax.annotate("θ + μv", peek, xytext=(6, 6), textcoords="offset points")
ax.set_aspect("equal")
ax.set_title("One step from θ with the same velocity: where is the gradient taken?", fontsize=10)
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0))
plt.show()
"""),
    md(r"""
The bowl $f = \tfrac12(x^2 + 10y^2)$ is steep in $y$. The ball sits near the floor ($y = 0.1$) and
moves up the steep wall. Both methods take the same momentum step (grey). The heavy ball adds a
gradient step computed at $\theta$, where the slope is gentle (the rose arrow, drawn from the tip of the
momentum step), so it overshoots far up the wall. Nesterov computes the gradient at the tip, where the wall is
already steep; it pushes back hard and lands near the floor. The look-ahead gives momentum a
brake that acts one step earlier.

### Exercise 5 (2 points): the look-ahead step

Write `nesterov_step(theta, v, H, lr, momentum)`: one step of Nesterov's method in the look-ahead
form above, on the quadratic $J(\theta) = \tfrac12\theta^\top H\theta$ (whose gradient is $H\theta$), with
$\varepsilon$ = `lr` and $\mu$ = `momentum`. Return the new `(theta, v)` as new arrays.
"""),
    answer("nesterov-step", r'''
def nesterov_step(theta, v, H, lr, momentum):
    """One look-ahead Nesterov step on J = theta^T H theta / 2; returns the new (theta, v)."""
    ### BEGIN SOLUTION
    where_we_look = theta + momentum * v
    v_after_look = momentum * v - lr * (H @ where_we_look)
    return theta + v_after_look, v_after_look
    ### END SOLUTION
'''),
    tests("nesterov-step-tests", 2, r'''
check("nesterov-step", nesterov_step)
### BEGIN HIDDEN TESTS
# by hand, in one dimension with H = 2: look at 1 + 0.5 * 2 = 2, gradient 4, v = 1 - 0.1 * 4 = 0.6
theta_h, v_h = nesterov_step(np.array([1.0]), np.array([2.0]), np.array([[2.0]]), 0.1, 0.5)
np.testing.assert_allclose(v_h, [0.6])
np.testing.assert_allclose(theta_h, [1.6])
# the look-ahead point theta + momentum * v follows PyTorch's Nesterov form step by step
rng_hidden = np.random.default_rng(45)
B_hidden = rng_hidden.normal(size=(3, 3))
H_hidden = B_hidden @ B_hidden.T + 0.5 * np.eye(3)
theta_mine, v_mine = rng_hidden.normal(size=3), np.zeros(3)
x_torch = theta_mine.copy()
opt_torch = optim.SGD(x_torch, lr=0.05, momentum=0.7, nesterov=True)
for _ in range(30):
    opt_torch.step(H_hidden @ x_torch)
    theta_mine, v_mine = nesterov_step(theta_mine, v_mine, H_hidden, 0.05, 0.7)
np.testing.assert_allclose(theta_mine + 0.7 * v_mine, x_torch, rtol=1e-10, atol=1e-13)
### END HIDDEN TESTS
'''),
    md(r"""
### 6.2 PyTorch's form computes the same iterates

PyTorch (and Keras, and optax) do not take the gradient at a look-ahead point: they take it at the
parameters they store. Their Nesterov update, `SGD(momentum=μ, nesterov=True)`, is

$$b \leftarrow \mu\, b + g, \qquad \phi \leftarrow \phi - \eta\,(g + \mu\, b), \qquad g = \nabla J(\phi).$$

The trick (Bengio, Boulanger-Lewandowski and Pascanu 2013) is that the stored parameters *are* the
look-ahead points: $\phi_k = \theta_k + \mu v_k$. Check it: with $v_{k+1} = \mu v_k - \varepsilon\nabla J(\phi_k)$,

$$\phi_{k+1} = \theta_{k+1} + \mu v_{k+1} = \theta_k + (1+\mu)\,v_{k+1}
            = \phi_k - \mu v_k + (1+\mu)\,v_{k+1} = \phi_k + \mu\, v_{k+1} - \varepsilon\,\nabla J(\phi_k),$$

and with $v = -\eta\, b$, $\varepsilon = \eta$, this is PyTorch's line
$\phi \leftarrow \phi - \eta\,(g + \mu b)$. So the two forms produce the same sequence of look-ahead points,
and the gradient is always evaluated at the point the library stores; no second gradient
evaluation is needed. We verify it on the Rosenbrock function, which is not a quadratic:
"""),
    code(r"""
rosenbrock = get_surface("rosenbrock")
theta = rosenbrock.start.copy()
lookahead_opt = optim.NesterovLookahead(theta, lr=5e-4, momentum=0.9)
phi = rosenbrock.start.copy()
pytorch_opt = optim.SGD(phi, lr=5e-4, momentum=0.9, nesterov=True)

lookahead_points, pytorch_points = [], []
for k in range(300):
    lookahead_opt.step(rosenbrock.gradient(lookahead_opt.lookahead()))     # gradient at θ + μv
    pytorch_opt.step(rosenbrock.gradient(phi))                              # gradient at the stored point
    lookahead_points.append(lookahead_opt.lookahead())
    pytorch_points.append(phi.copy())
lookahead_points, pytorch_points = np.array(lookahead_points), np.array(pytorch_points)
print("θ + μv of the look-ahead form equals PyTorch's parameters at all 300 steps (to 1e-10):",
      np.allclose(lookahead_points, pytorch_points, rtol=0, atol=1e-10))
print(f"after 300 steps: θ = {np.round(theta, 4)}, PyTorch's φ = {np.round(phi, 4)}, minimum at (1, 1)")
"""),
    md(r"""
### 6.3 Nesterov against the heavy ball

Back on the valley of section 3, with the same $\eta = 0.01$ and $\mu = 0.9$ for both methods:
"""),
    code(r"""
race_runs = [run("HeavyBall", valley, 150, lr=0.01, momentum=0.9, label="heavy ball, lr 0.01, β 0.9"),
             run("NesterovLookahead", valley, 150, lr=0.01, momentum=0.9, label="Nesterov, lr 0.01, μ 0.9")]
paths_and_losses(valley, race_runs, ["heavy ball, β = 0.9", "Nesterov, μ = 0.9"])
"""),
    md(r"""
With Nesterov the zig-zag across the valley (the steep direction) dies out within a few steps,
while the heavy ball keeps bouncing from wall to wall for most of the run. Along the flat floor
both spiral at about the same pace, so their losses fall with similar slopes.

Nesterov's rate on a quadratic follows from the same kind of recurrence as in Exercise 3, now
$\theta_{k+1} = (1+\mu)(1-\eta\lambda)\,\theta_k - \mu(1-\eta\lambda)\,\theta_{k-1}$ (the look-ahead points obey
the same recurrence).
With Nesterov's classic setting $\eta = 1/L$, $\mu = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)$ its rate is
$1 - 1/\sqrt\kappa$. All three methods side by side, each at its best textbook setting:
"""),
    code(r"""
def nesterov_rate(lr, momentum, eigenvalues):
    '''The largest |z| over the eigenvalues, z a root of z^2 - (1 + mu)(1 - lr lam) z + mu (1 - lr lam).'''
    return max(np.abs(np.roots([1.0, -(1 + momentum) * (1 - lr * e), momentum * (1 - lr * e)])).max()
               for e in eigenvalues)


print("   kappa   gradient descent   heavy ball (Polyak)   Nesterov (1/L, (√κ-1)/(√κ+1))")
for kappa_value in (10, 100, 1000, 10000):
    lr_hb, beta_hb = optimal_momentum(kappa_value)
    root = math.sqrt(kappa_value)
    rates = (momentum_rate(2 / (kappa_value + 1), 0.0, [1, kappa_value]),
             momentum_rate(lr_hb, beta_hb, [1, kappa_value]),
             nesterov_rate(1 / kappa_value, (root - 1) / (root + 1), [1, kappa_value]))
    print(f"{kappa_value:8d}   " + "   ".join(f"{r:.5f} ({math.log(0.1) / math.log(r):6.0f})" for r in rates))
print("rate per step; in brackets: steps per factor 10 of error")
"""),
    md(r"""
On quadratics the tuned heavy ball is a little faster than Nesterov; both need about $\sqrt\kappa$
times fewer steps than gradient descent. Nesterov's advantage is that its rate is *guaranteed* on
every smooth strongly convex function, and that it tolerates larger values of $\mu$ (Sutskever et al.
2013). In deep
learning, where the loss is neither quadratic nor convex and the gradients are noisy, the two
usually behave alike; `nesterov=True` is a cheap option to try.

## Summary

- **The exponentially weighted moving average** $s_t = \beta s_{t-1} + (1-\beta)x_t$ weights the past
  by $\beta^n$, has a window of about $1/(1-\beta)$ values and shrinks independent noise by
  $\sqrt{(1-\beta)/(1+\beta)}$. Started from 0 it is biased toward 0 by the factor $1 - \beta^t$;
  dividing by that corrects it.
- **Heavy-ball momentum** is a discretised ball with friction: $v \leftarrow \beta v + \eta\nabla f$,
  $\theta \leftarrow \theta - v$. Its velocity is an average of past gradients; on a steady slope it moves
  with the effective learning rate $\eta/(1-\beta)$. Sutskever's form flips the sign of $v$; PyTorch's
  stores $b = v/\eta$. They agree while $\eta$ is constant; when $\eta$ changes, PyTorch rescales the
  whole velocity at once.
- **On a quadratic** momentum's error follows $\theta_{k+1} = (1+\beta-\eta\lambda)\theta_k - \beta\theta_{k-1}$.
  It is stable for $\eta\lambda < 2(1+\beta)$, spirals at the rate $\sqrt\beta$ when the roots are complex,
  and at Polyak's optimum converges at $(\sqrt\kappa-1)/(\sqrt\kappa+1)$ against gradient descent's
  $(\kappa-1)/(\kappa+1)$: $\sim\sqrt\kappa$ steps instead of $\sim\kappa$.
- **Velocity carries a ball over small ridges**, out of shallow minima, but not always into a better
  one, and too much of it oscillates or diverges.
- **On a network**, momentum at the same learning rate is many times faster, mostly through its larger
  effective learning rate; its real gain is that it stays stable at effective rates where plain SGD
  does not.
- **Nesterov's method** takes the gradient at the look-ahead point $\theta + \mu v$. Stored as the
  look-ahead point itself, it becomes PyTorch's `nesterov=True` update, with the same iterates. Its
  acceleration is guaranteed on all smooth convex functions.

Next: lesson 05 keeps the averages and gives every parameter its own learning rate (AdaGrad,
RMSProp, Adam, with the bias correction of section 1.2).

## Papers

- B. T. Polyak. *Some methods of speeding up the convergence of iteration methods.* USSR
  Computational Mathematics and Mathematical Physics 4(5), 1-17 (1964). The heavy-ball method and its
  optimal rate on quadratics.
- Y. Nesterov. *A method of solving a convex programming problem with convergence rate
  $O(1/k^2)$.* Soviet Mathematics Doklady 27(2), 372-376 (1983).
- D. E. Rumelhart, G. E. Hinton, R. J. Williams. *Learning representations by back-propagating
  errors.* Nature 323, 533-536 (1986). Momentum in the training of neural networks.
- N. Qian. *On the momentum term in gradient descent learning algorithms.* Neural Networks 12(1),
  145-151 (1999). The physical analogy and the convergence analysis.
- I. Sutskever, J. Martens, G. Dahl, G. Hinton. *On the importance of initialization and momentum in
  deep learning.* ICML 2013. The $v \leftarrow \mu v - \varepsilon g$ form and Nesterov's method written
  with a look-ahead gradient.
- Y. Bengio, N. Boulanger-Lewandowski, R. Pascanu. *Advances in optimizing recurrent networks.*
  ICASSP 2013. Nesterov's method rewritten in the stored look-ahead variables, the form PyTorch uses.
- L. Lessard, B. Recht, A. Packard. *Analysis and design of optimization algorithms via integral
  quadratic constraints.* SIAM Journal on Optimization 26(1), 57-95 (2016). A smooth strongly convex
  function on which the tuned heavy ball does not converge.
- S. Ruder. *An overview of gradient descent optimization algorithms.* arXiv:1609.04747 (2016). The
  $v \leftarrow \gamma v + \eta\nabla J$ form used by most tutorials.
- G. Goh. *Why momentum really works.* Distill (2017). An interactive tour of the quadratic analysis.
- N. Buduma, N. Buduma, J. Papa. *Fundamentals of Deep Learning*, 2nd ed., O'Reilly (2022), chapter 6.
  The random-walk picture of momentum and the MNIST comparison with and without momentum.
"""),
]


def source_notebook():
    nb = new_notebook(cells=CELLS)
    for number, cell in enumerate(nb.cells):   # stable ids, so that rebuilding changes nothing by itself
        cell.id = f"momentum-{number:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main():
    nb = source_notebook()
    # the kernel runs in the lesson folder: let it find optcourse from there
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    LESSON.mkdir(parents=True, exist_ok=True)
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(LESSON)}}).execute()
    for cell in nb.cells:                       # keep the saved notebook free of run-specific metadata
        cell.metadata.pop("execution", None)
    (LESSON / "04-momentum.ipynb").write_text(notebook_text(nb))


if __name__ == "__main__":
    main()
