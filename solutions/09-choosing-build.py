"""Build lesson 09, "Choosing an optimizer": write the notebook cell by cell and execute it.

    PYTHONPATH=. python solutions/09-choosing-build.py      # then: python -m optcourse.course release

The script lives beside the lesson folder, not in it: every file in ``solutions/09-choosing/`` is
copied to the students' ``lessons/``, and this script holds the solutions.
"""
import os
import sys
from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_notebook

NAME = "09-choosing"
ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "solutions" / NAME
sys.path.insert(0, str(ROOT))
from optcourse.course.release import notebook_text  # noqa: E402
from optcourse.course.authoring import answer, code, locked, md, tests  # noqa: E402


CELLS = [
    md(r"""
# 09. Choosing an optimizer

Lessons 01-08 built a dozen optimizers, and each one won the race its lesson set up. This lesson asks
the question a practitioner faces: **which one should I use?** The honest answer needs a fair
experiment, so most of the lesson builds one. It has three rules:

1. **Tune every optimizer the same way.** Each gets its best learning rate from the same grid,
   chosen on *training* surfaces.
2. **Judge on problems the tuning never saw.** The race runs on *held-out* surfaces with the same step
   budget for all.
3. **Count successes, not pretty pictures.** Report how often each optimizer reaches a minimum and
   how many steps it needs, over many random surfaces and starts.

Then every optimizer trains the digits network with the same tuning protocol. The lesson ends with
two arguments that put the choice in proportion: most of deep learning's progress came from
architectures, not optimizers, and the architectures may have evolved to suit Adam.

**Learning goals.** After this lesson you can

- explain why a race on one hand-picked surface with hand-picked learning rates says little, and set up
  a fair comparison: a tuning set, a held-out set, one budget;
- define success and steps-to-threshold for a run, and say why both are needed;
- tune a learning rate on a logarithmic grid and read how *wide* the good range is (robustness);
- read a comparison table without over-reading it, and state the default most practitioners use
  (Adam or AdamW) and when to try something else;
- explain the "architecture over optimizer" view and the argument that networks evolved to suit Adam.

Run the cells from top to bottom. Exercises are marked **Exercise**: write your answer in the cell
that says `YOUR CODE HERE`, then run the cell below it to check.
"""),
    locked(r"""
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")      # figures in the notebook, wherever it runs
import matplotlib.pyplot as plt
import numpy as np

from optcourse import optim
from optcourse.data import load_digits, train_test_split
from optcourse.network import MLP
from optcourse.plots import PALETTE, line_kwargs, plot_contour
from optcourse.surfaces import random_surface
from optcourse.training import train
from optcourse.tuning import evaluate, gap_to_nearest_minimum, random_starts, tolerance, tune_lr
from optcourse.widgets import Playground
from selfcheck import check

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6.4, 3.6), "axes.grid": True, "grid.color": "0.9"})

RACERS = ["SGD", "Momentum", "Adagrad", "RMSprop", "Adam", "Lion"]    # Momentum: SGD with momentum 0.9
GRID = np.logspace(-3, 0.5, 8)                                        # 0.001, 0.0032, ..., 3.16
BUDGET, STARTS = 200, 16                                              # steps per run, starts per surface
"""),
    md(r"""
## 1. The test problems: random smooth surfaces

A race on Rosenbrock's valley rewards whatever handles Rosenbrock's valley. To ask which optimizer is
good *in general*, we need many problems we did not pick. `optcourse.surfaces.random_surface(seed)`
draws a landscape from a seed: a gentle bowl plus eight Gaussian bumps and wells,

$$f(p) = \frac{b}{2}\lVert p\rVert^2 + \sum_{k=1}^{8} a_k \exp\!\left(-\frac{\lVert p - c_k\rVert^2}{2 s_k^2}\right),$$

with random centres $c_k$, widths $s_k$ and heights $a_k$. Each surface has a few local minima (found
for us, lowest first, in `surface.minima`; the lowest value is `surface.min_value`). We take seeds
0-5 as the **training** surfaces, on which learning rates are tuned, and seeds 100-117 as the
**held-out** surfaces, on which the race is judged.
"""),
    code(r"""
train_surfaces = [random_surface(seed) for seed in range(6)]
test_surfaces = [random_surface(seed) for seed in range(100, 118)]

fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4))
for ax, surface in zip(axes, [train_surfaces[0], train_surfaces[1], test_surfaces[0]]):
    plot_contour(surface, ax=ax, n=120, legend=False)
    ax.set_title(f"{surface.name}: {len(surface.minima)} minima", fontsize=9)
plt.show()
print("local minima per held-out surface:", [len(s.minima) for s in test_surfaces])
"""),
    md(r"""
The white stars are the local minima. A gradient method started in one basin ends at that basin's
minimum: which minimum it reaches depends mostly on where it starts, not on how good it is.

## 2. What counts as success

We need a number that says whether a run worked. Three choices, and the reasons for them:

- **Any local minimum counts.** A local method cannot see other basins, so we do not blame it for
  its start. The run's *gap* at step $k$ is $f(x_k) - f(m_k)$, with $m_k$ the known local minimum
  nearest to $x_k$ (`optcourse.tuning.gap_to_nearest_minimum`). We still count separately how many
  runs end at the *global* minimum, but that number mostly measures the starts.
- **A relative threshold.** "Within $10^{-3}$" means nothing until we say of what: surfaces differ
  in scale. The threshold is one thousandth of the surface's height range over its window,
  $\tau = 10^{-3}(\max_W f - \min_W f)$ (`optcourse.tuning.tolerance`).
- **Arriving means staying.** Sign methods and large learning rates hop around a minimum, and a hop
  can touch the threshold by luck. So **steps to threshold** is the first step *from which the gap
  stays within $\tau$ until the end of the budget*. A run **succeeds** when its last gap is within
  $\tau$. A run that diverges fails.

Success rate and steps answer different questions: how often the method gets there, and how fast it
does when it does. A method can be quick and unreliable, or reliable and slow, so we report both.

### Exercise 1 (2 points): steps to threshold

Write `steps_to_threshold(gaps, tol)`: `gaps` is one run's gap at steps $0, 1, \dots, K$ (a NumPy
array; a NaN marks a diverged step and counts as outside). Return the first step $k$ (an `int`) such
that $|\text{gap}_j| \le$ `tol` for every $j \ge k$, or $-1$ if the last gap is outside.
For example, gaps `[1.0, 1e-4, 0.5, 1e-4, 1e-5]` with `tol = 1e-3` give 3, not 1.
"""),
    answer("steps-to-threshold", r"""
def steps_to_threshold(gaps, tol):
    ### BEGIN SOLUTION
    close_enough = np.abs(np.asarray(gaps, dtype=float)) <= tol
    if not close_enough[-1]:
        return -1
    misses_so_far = np.flatnonzero(~close_enough)
    return 0 if misses_so_far.size == 0 else int(misses_so_far.max()) + 1
    ### END SOLUTION
"""),
    tests("steps-to-threshold-tests", 2, r"""
check("steps-to-threshold", steps_to_threshold)
### BEGIN HIDDEN TESTS
assert steps_to_threshold(np.array([0.5, 0.2, 0.05, 0.01]), 0.06) == 2
assert steps_to_threshold(np.array([0.5, 0.01, 0.02, 0.2]), 0.06) == -1
assert steps_to_threshold(np.array([0.03, -0.05, 0.01]), 0.06) == 0
assert steps_to_threshold(np.array([0.01, np.nan, 0.01, 0.0]), 0.06) == 2
assert steps_to_threshold(np.array([0.3, 0.0001]), 0.001) == 1
### END HIDDEN TESTS
"""),
    md(r"""
Here is the measure at work: Adam with learning rate 0.05, from four starts on a training surface (using `optcourse.tuning.steps_to_threshold`, which does what your function does,
so this cell runs even before you solve the exercise). The threshold is the dashed line; a dot marks
each run's steps to threshold.
"""),
    code(r"""
from optcourse import tuning                              # the library's version of your function
from optcourse.runner import run_many

surface = train_surfaces[1]
starts = random_starts(surface, 4, seed=3)
runs = run_many("Adam", surface, starts, steps=BUDGET, lr=0.05)
gaps = gap_to_nearest_minimum(surface, runs.path)            # (steps + 1, starts)
tol = tolerance(surface)

fig, ax = plt.subplots(figsize=(6.4, 3.2))
for j in range(len(starts)):
    k = tuning.steps_to_threshold(gaps[:, j], tol)
    ax.plot(np.abs(gaps[:, j]) + 1e-12, color=plt.cm.viridis(j / 4), lw=1.4)
    if k >= 0:
        ax.plot(k, abs(gaps[k, j]) + 1e-12, "o", color=plt.cm.viridis(j / 4), mec="black")
    print(f"start {j}: steps to threshold = {k}")
ax.axhline(tol, color="black", ls="--", lw=1, label=r"threshold $\tau$")
ax.set(yscale="log", xlabel="step", ylabel="|gap to nearest minimum|", title=f"Adam, lr = 0.05, {surface.name}")
ax.legend()
plt.show()
"""),
    md(r"""
## 3. Tuning the learning rate on a logarithmic grid

The learning rate is the one hyperparameter every optimizer has, and the best value differs between
optimizers by orders of magnitude (lesson 08: Lion needs one 3-10 times smaller than Adam's). So we
search it on a **logarithmic grid**: equally spaced in $\log_{10}\eta$, here eight values from
$10^{-3}$ to $10^{0.5} \approx 3.2$, two per decade. A linear grid from 0.001 to 3 would put almost
all its points above 0.3 and miss the small rates some optimizers need. Other hyperparameters stay at
their usual defaults (momentum 0.9; Adam's $\beta_1 = 0.9, \beta_2 = 0.999$; Lion's
$\beta_1 = 0.9, \beta_2 = 0.99$): tuning more of them would favour the optimizers with more knobs.

Each grid value is scored on the training surfaces (16 starts each, 200 steps). The best value is the
one with the **highest success rate**; among equal success rates, the one with the **fewest mean steps**
to threshold; among those, the **smaller** learning rate (the first in the grid).

### Exercise 2 (2 points): pick the learning rate

Write `pick_learning_rate(lrs, success_rates, mean_steps)`. The three arguments are NumPy arrays of
the same length, `lrs` ascending; `mean_steps` is NaN where no run succeeded. Return the chosen
learning rate as a `float`, following the three rules above.
"""),
    answer("pick-learning-rate", r"""
def pick_learning_rate(lrs, success_rates, mean_steps):
    ### BEGIN SOLUTION
    rates = np.asarray(success_rates, dtype=float)
    tied_best = np.flatnonzero(rates == rates.max())
    cost = np.nan_to_num(np.asarray(mean_steps, dtype=float)[tied_best], nan=np.inf)
    return float(np.asarray(lrs)[tied_best[np.argmin(cost)]])
    ### END SOLUTION
"""),
    tests("pick-learning-rate-tests", 2, r"""
check("pick-learning-rate", pick_learning_rate)
### BEGIN HIDDEN TESTS
lrs_h = np.array([0.01, 0.1, 1.0])
assert pick_learning_rate(lrs_h, np.array([0.2, 0.9, 0.6]), np.array([50.0, 80.0, 5.0])) == 0.1
assert pick_learning_rate(lrs_h, np.array([0.9, 0.9, 0.6]), np.array([50.0, 40.0, 5.0])) == 0.1
assert pick_learning_rate(lrs_h, np.array([0.9, 0.9, 0.9]), np.array([30.0, 30.0, 30.0])) == 0.01
assert pick_learning_rate(lrs_h, np.array([0.0, 0.0, 0.0]), np.array([np.nan, np.nan, np.nan])) == 0.01
assert isinstance(pick_learning_rate(lrs_h, np.array([0.1, 0.5, 0.2]), np.array([9.0, 9.0, 9.0])), float)
### END HIDDEN TESTS
"""),
    md(r"""
`optcourse.tuning.tune_lr` applies the same rule. It tunes every racer on the training surfaces
(8 learning rates × 6 optimizers × 6 surfaces × 16 starts: 4608 runs of 200 steps):
"""),
    code(r"""
tuned, tuning_scores = {}, {}
for name in RACERS:
    tuned[name], tuning_scores[name] = tune_lr(name, train_surfaces, GRID, steps=BUDGET, starts=STARTS)

fig, ax = plt.subplots(figsize=(7, 3.4))
for name in RACERS:
    ax.plot(GRID, [s.success_rate for s in tuning_scores[name]], label=name, **line_kwargs(name, len(GRID), len(GRID)))
ax.set(xscale="log", xlabel="learning rate", ylabel="success rate (training surfaces)",
       title="How wide is the range of learning rates that work?")
ax.legend(fontsize=8, ncol=2)
plt.show()
for name in RACERS:
    print(f"{name:9s} tuned lr = {tuned[name]:.3g}")
"""),
    md(r"""
Two things stand out. First, the tuned learning rates differ by a factor of 30 (from 0.03 for
RMSprop and Lion to 1 for Adagrad): comparing optimizers "at lr = 0.01" would have judged every one
of them at a poor setting. Second, the curves differ in **width**. Momentum and Adam succeed over a
wide range, so a rough guess of their learning rate works; RMSprop and Lion succeed only in a
narrow band. A wide plateau is worth as much as a high peak: on a real network, each tuning run
costs hours.

### Exercise 3 (2 points): how wide is the good range?

**First predict** (not graded, one line in the cell below): on these training surfaces, which
optimizer's good range (success rate at least 0.9) spans the most decades? Then write
`good_range_decades(lrs, success_rates, level)`: the width, in decades, of the range of learning
rates whose success rate is at least `level`, i.e. $\log_{10}(\eta_{\max}/\eta_{\min})$ over those
learning rates (0.0 when only one qualifies, `nan` when none does). Check your prediction with it.
"""),
    answer("range-prediction", r"""
# My prediction, and why:
"""),
    answer("good-range", r"""
def good_range_decades(lrs, success_rates, level):
    ### BEGIN SOLUTION
    good_enough = np.asarray(lrs, dtype=float)[np.asarray(success_rates) >= level]
    if good_enough.size == 0:
        return float("nan")
    return float(np.log10(good_enough.max() / good_enough.min()))
    ### END SOLUTION
"""),
    tests("good-range-tests", 2, r"""
check("good-range", good_range_decades)
for name in RACERS:
    width = good_range_decades(GRID, np.array([s.success_rate for s in tuning_scores[name]]), 0.9)
    print(f"{name:9s} " + ("never succeeds 90% of the time" if np.isnan(width) else
                           f"succeeds at least 90% of the time over {width:.1f} decades of learning rate"))
### BEGIN HIDDEN TESTS
assert good_range_decades(np.array([0.001, 0.01, 0.1, 1.0]), np.array([0.5, 0.95, 0.9, 0.2]), 0.9) == 1.0
assert good_range_decades(np.array([0.001, 0.01, 0.1]), np.array([0.5, 0.95, 0.2]), 0.9) == 0.0
assert np.isnan(good_range_decades(np.array([0.001, 0.01]), np.array([0.5, 0.6]), 0.9))
assert abs(good_range_decades(np.array([0.5, 2.0, 8.0]), np.array([1.0, 0.3, 1.0]), 0.8) - np.log10(16)) < 1e-12
### END HIDDEN TESTS
"""),
    md(r"""
## 4. The race on held-out surfaces

Now each optimizer runs with its tuned learning rate on the 18 held-out surfaces, 16 starts each
(288 runs per optimizer), with the same budget of 200 steps. `optcourse.tuning.evaluate` draws the
same starts for every optimizer.
"""),
    code(r"""
# A run counts as a success when it ends within a threshold of a minimum; runs that end near the
# threshold flip with rounding, so these rates can differ by a run or two from one CPU to another.
scores = {name: evaluate(name, test_surfaces, steps=BUDGET, starts=STARTS, lr=tuned[name]) for name in RACERS}

print(f"{'optimizer':10s} {'lr':>7s} {'success':>8s} {'at global':>10s} {'median steps':>13s}")
for name, s in scores.items():
    print(f"{name:10s} {tuned[name]:7.3g} {s.success_rate:8.0%} {s.global_rate:10.0%} {s.median_steps:13.0f}")

fig, (ax_bar, ax_cdf) = plt.subplots(1, 2, figsize=(11, 3.6))
for i, (name, s) in enumerate(scores.items()):
    colour = line_kwargs(name)["color"]
    ax_bar.bar(i, s.success_rate, color=colour, edgecolor="black")
    ax_bar.bar(i, s.global_rate, color="white", alpha=0.45, hatch="//", edgecolor="black")
    k = np.arange(BUDGET + 1)                     # fraction of all runs that have arrived by step k
    arrived = ((s.steps[None, :] >= 0) & (s.steps[None, :] <= k[:, None])).mean(axis=1)
    ax_cdf.plot(k, arrived, label=name, **line_kwargs(name, len(k)))
ax_bar.set_xticks(range(len(scores)), list(scores), rotation=30)
ax_bar.set(ylim=(0, 1.05), ylabel="fraction of runs", title="success (hatched: at the global minimum)")
ax_cdf.set(xlabel="step budget", ylabel="fraction of runs arrived", title="runs arrived within k steps")
ax_cdf.legend(fontsize=8)
plt.show()
""", tags=["nbval-ignore-output"]),
    md(r"""
How to read this:

- With tuned learning rates, **most optimizers succeed on nearly every run**: these are smooth,
  small problems, and the tuning has done most of the work. The differences in success are a few
  runs out of 288, within the noise of which surfaces and starts we drew.
- The **speed** differs more (the right panel, read at any budget). Adagrad and SGD, whose steps
  shrink with the gradient, settle fastest in these gentle basins. Momentum and Adam carry velocity:
  they overshoot and circle before settling, so they arrive later (50-75 steps), but nearly all of
  them arrive. Half of RMSprop's runs settle fast and the rest hop for a long time. Lion's fixed-size
  sign steps settle within the threshold only when its learning rate is small, so it is the slowest
  to arrive.
- The **global** rate (hatched) lies between about 45% and 60% for every method, far below the
  success rate: which basin a run ends in is set mostly by its start, not by the optimizer.
- The ranking on 2-D surfaces is not the ranking on networks. These surfaces have no noise, no
  millions of coordinates with different scales, and no ill-conditioning to speak of. That is why we
  also train the network next.

The lesson of the race is more about the *protocol* than the winner. With a fair protocol, the
differences between reasonable optimizers shrink; with an unfair one (your favourite tuned, the
others at defaults, one hand-picked surface) you can make almost any of them win.

### Your turn: the Playground on a held-out surface

Pick a held-out surface, enter the tuned learning rates printed above for a few optimizers, and
watch their paths from different starts (change the start with the sliders). Then set one learning
rate ten times larger or smaller than its tuned value: which optimizers tolerate it?
"""),
    code(r"""
Playground("held-out seed 100", ["Momentum", "Adam", "Lion"],
           surfaces={f"held-out seed {seed}": (lambda seed=seed: random_surface(seed)) for seed in (100, 101, 102)})
"""),
    md(r"""
## 5. Every optimizer on the digits network

Same protocol, real model: the network of lesson 08 (64 inputs, 32 ReLU units, 10 classes) on the
8x8 digits. We hold out 20% of the images as the test set, and split the rest again: 75% to train
on, 25% for **validation**. Each optimizer's learning rate is tuned on the validation loss
after 3 epochs, on a grid of nine values from $10^{-4}$ to $1$ (the test set is never used for
tuning). Then each trains for 10 epochs with its tuned rate from the same initial weights.
"""),
    code(r"""
X, y = load_digits()
(X_train, y_train), (X_test, y_test) = train_test_split(X, y, test_fraction=0.2, seed=0)
(X_fit, y_fit), (X_val, y_val) = train_test_split(X_train, y_train, test_fraction=0.25, seed=1)
NETWORK_GRID = np.logspace(-4, 0, 9)
CLASSES = {"SGD": (optim.SGD, {}), "Momentum": (optim.SGD, {"momentum": 0.9}), "Adagrad": (optim.Adagrad, {}),
           "RMSprop": (optim.RMSprop, {}), "Adam": (optim.Adam, {}), "Lion": (optim.Lion, {})}


def fit(name, lr, X_data, y_data, epochs, test=None):
    cls, extra = CLASSES[name]
    net = MLP([64, 32, 10], seed=0)                    # the same initial weights for every run
    history = train(net, X_data, y_data, cls, optimizer_options=dict(lr=lr, **extra), epochs=epochs,
                    batch_size=64, seed=0, test=test)
    return net, history


network_lr = {}
for name in RACERS:
    validation = []
    for lr in NETWORK_GRID:
        net, history = fit(name, lr, X_fit, y_fit, epochs=3)
        loss = net.loss(X_val, y_val)
        validation.append(loss if np.isfinite(loss) else np.inf)
    network_lr[name] = float(NETWORK_GRID[int(np.argmin(validation))])

fig, ax = plt.subplots(figsize=(7, 3.6))
print(f"{'optimizer':10s} {'tuned lr':>9s} {'train loss':>11s} {'test accuracy':>14s}")
for name in RACERS:
    net, history = fit(name, network_lr[name], X_train, y_train, epochs=10, test=(X_test, y_test))
    ax.plot(np.arange(1, 11), history.epoch_loss, label=name, **line_kwargs(name, 10, 10))
    print(f"{name:10s} {network_lr[name]:9.3g} {history.epoch_loss[-1]:11.3f} {history.test_accuracy[-1]:14.1%}")
ax.set(yscale="log", xlabel="epoch", ylabel="training loss", title="the digits network, each optimizer tuned")
ax.legend(fontsize=8, ncol=2)
plt.show()
"""),
    md(r"""
On the network the ranking changes. Adam reaches the lowest training loss and the best test
accuracy; Adagrad and RMSprop, fast on the surfaces, are no better than momentum here; Lion keeps up
once its learning rate is tuned 100 times smaller than SGD's. But all six end within about two
percentage points of test accuracy. On a small, well-behaved problem with a tuned learning rate,
**the choice of optimizer matters less than getting its learning rate right**.

That matches large published comparisons. Schmidt, Schneider and Hennig (2021) benchmarked fifteen
optimizers on eight deep-learning problems with several tuning budgets. They found no optimizer that
wins everywhere, and that tuning any one well often does as much as switching between them. Their
practical advice: pick one established optimizer (Adam is a good default) and spend the budget on
its learning rate and schedule.

## 6. Architecture over optimizer

Where did deep learning's big jumps in trainability come from? Mostly not from new optimizers, but
from **architectures that are easier to optimize**, whose loss surfaces are less hostile to
plain gradient methods:

- **ReLU** activations (Nair & Hinton 2010; Glorot, Bordes & Bengio 2011): unlike sigmoid and tanh
  they do not saturate for positive inputs, so gradients do not vanish layer after layer;
- careful **initialisation** (Glorot & Bengio 2010; He et al. 2015) keeps the signal's scale constant
  through depth at the start of training;
- **normalisation** layers, batch norm (Ioffe & Szegedy 2015) and layer norm (Ba et al. 2016), keep
  each layer's inputs at a fixed scale, which makes the loss better conditioned and tolerates larger
  learning rates;
- **residual connections** (He et al. 2016): $x_{l+1} = x_l + F(x_l)$ gives the gradient a direct path
  through every layer, which made networks with hundreds of layers trainable. Visualised loss
  surfaces of residual networks are far smoother than those without skips (Li et al. 2018);
- **attention** and the Transformer (Vaswani et al. 2017), with its normalisation and residual
  stream, in which the same optimizers train models with billions of parameters.

Each of these changes the *problem* so that a simple optimizer solves it, rather than building an
optimizer for a hard problem. The practical lesson: if training fails, look at the model (its
initialisation, normalisation, skips) before changing the optimizer.

## 7. Did networks evolve to suit Adam?

Since about 2015, Adam has been the default optimizer in most deep-learning work. Zhang (2020), in a
blog post titled *Neural networks (maybe) evolved to make Adam the best optimizer*, turned the usual
question around. Researchers try new architectures and tricks, and they test them **with Adam**. A
change that helps under Adam is kept and published; a change that would only help under SGD, or that
hurts under Adam, is quietly dropped. After years of this selection, the surviving architectures (the
Transformer above all) are the ones Adam trains well. So "Adam is the best optimizer for
Transformers" may say as much about how Transformers were found as about Adam.

Two consequences follow:

- Benchmarks on today's popular models are tilted towards Adam. A new optimizer that matches Adam on
  a Transformer has beaten the home team on its home ground. This is part of why Lion's results
  (lesson 08: found by a program search, beating AdamW on many tasks) drew attention.
- Some differences really are about the problem. Transformers have layers and parameters with very
  different gradient scales, which Adam's per-coordinate scaling absorbs. Convolutional image models
  are still often trained best with SGD and momentum. So the choice is partly a choice of what the
  model's designers tuned for.

**A practical recipe.** Start with the optimizer the model was designed and published with (for most
modern models, AdamW). Tune its learning rate on a log grid, with a warm-up and a decay schedule.
Try a second optimizer (SGD with momentum for convolutional networks, Lion when memory is tight)
only with the same tuning budget. And if training is unstable, look at the architecture first.

## Summary

- A fair comparison tunes every optimizer the same way on **training** problems and judges it on
  **held-out** problems with **one budget**. Without those three rules, almost any optimizer can be
  made to win.
- **Success** means settling within a relative threshold of some local minimum and staying there;
  **steps to threshold** is when that starts. The share of runs at the global minimum is set mainly by
  the starts, not by the optimizer.
- Learning rates belong on a **logarithmic grid**. The best values differ by orders of magnitude
  between optimizers, and the **width** of the range that works (Momentum's and Adam's are wide) is
  worth as much as the best score.
- With tuned learning rates, reasonable optimizers end up close on both the random surfaces and the
  digits network. The tuning matters more than the choice.
- Most progress in training deep networks came from **architectures** (ReLU, initialisation,
  normalisation, residual connections, attention), and those architectures may have **evolved to
  suit Adam**, the optimizer they were developed with.

## References

- R. M. Schmidt, F. Schneider, P. Hennig. *Descending through a crowded valley: benchmarking deep
  learning optimizers.* ICML 2021.
- D. Choi, C. J. Shallue, Z. Nado, J. Lee, C. J. Maddison, G. E. Dahl. *On empirical comparisons of
  optimizers for deep learning.* 2019, arXiv:1910.05446 (rankings change when every hyperparameter
  is tuned).
- A. C. Wilson, R. Roelofs, M. Stern, N. Srebro, B. Recht. *The marginal value of adaptive gradient
  methods in machine learning.* NeurIPS 2017.
- J. Zhang. *Neural networks (maybe) evolved to make Adam the best optimizer.* Blog post, 2020,
  https://parameterfree.com/2020/12/06/neural-network-maybe-evolved-to-make-adam-the-best-optimizer/
- V. Nair, G. E. Hinton. *Rectified linear units improve restricted Boltzmann machines.* ICML 2010.
  X. Glorot, A. Bordes, Y. Bengio. *Deep sparse rectifier neural networks.* AISTATS 2011.
- X. Glorot, Y. Bengio. *Understanding the difficulty of training deep feedforward neural networks.*
  AISTATS 2010. K. He, X. Zhang, S. Ren, J. Sun. *Delving deep into rectifiers.* ICCV 2015.
- S. Ioffe, C. Szegedy. *Batch normalization.* ICML 2015. J. L. Ba, J. R. Kiros, G. E. Hinton. *Layer
  normalization.* 2016.
- K. He, X. Zhang, S. Ren, J. Sun. *Deep residual learning for image recognition.* CVPR 2016.
  H. Li, Z. Xu, G. Taylor, C. Studer, T. Goldstein. *Visualizing the loss landscape of neural nets.*
  NeurIPS 2018.
- A. Vaswani et al. *Attention is all you need.* NeurIPS 2017.
- D. P. Kingma, J. Ba. *Adam: a method for stochastic optimization.* ICLR 2015. X. Chen et al.
  *Symbolic discovery of optimization algorithms.* NeurIPS 2023 (Lion).
"""),
]
def source_notebook():
    nb = new_notebook(cells=CELLS)
    for number, cell in enumerate(nb.cells):   # stable ids, so that rebuilding changes nothing by itself
        cell.id = f"choose-{number:02d}"
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
