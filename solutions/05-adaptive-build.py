"""Build lesson 05, "Adaptive learning rates": write the notebook cell by cell and execute it.

    PYTHONPATH=. python solutions/05-adaptive-build.py      # then: python -m optcourse.course release

The script lives beside the lesson folder, not in it: every file in ``solutions/05-adaptive/`` is
copied to the students' ``lessons/``, and this script holds the solutions and the hidden tests.
"""
import os
import sys
from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_notebook

NAME = "05-adaptive"
ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "solutions" / NAME
sys.path.insert(0, str(ROOT))
from optcourse.course.release import notebook_text  # noqa: E402
from optcourse.course.authoring import answer, code, locked, md, tests  # noqa: E402


CELLS = [
    # =============================================================================================
    md(r"""
# 05. Adaptive learning rates

Every method so far moves all parameters with one learning rate $\eta$. Yet the parameters of a
network are not alike: some see large gradients at every step, some small ones, some almost never a
nonzero one. One number cannot suit them all. The largest gradients decide how large $\eta$ may be
before training becomes unstable, and with that $\eta$ the parameters with small gradients crawl.

The methods of this lesson give **each parameter its own learning rate**, computed from the history
of that parameter's own gradients. They form one family, each member fixing a flaw of the one before:

| year | method | keeps per parameter | fixes |
|---|---|---|---|
| 2011 | AdaGrad | the sum of squared gradients | one rate for all parameters |
| 2012 | RMSProp | a moving average of squared gradients | AdaGrad's rate decaying to nothing |
| 2012 | AdaDelta | that, and a moving average of squared steps | the units of the step |
| 2015 | Adam | moving averages of the gradient and of its square | adds momentum; corrects the start |
| 2018 | AMSGrad | the largest second moment so far | Adam's rate growing back |
| 2019 | AdamW | Adam's state; decay applied outside it | L2 regularisation that Adam distorts |

**Learning goals.** After this lesson you can

- write AdaGrad, RMSProp, AdaDelta and Adam as update equations, say what each state variable
  estimates, and implement them;
- explain why AdaGrad's effective learning rate decays to nothing, and how RMSProp's exponential
  window (about $1/(1-\rho)$ steps long) prevents it;
- give AdaDelta's *units* argument and derive from its equations why it starts so slowly;
- derive Adam's bias correction in SymPy, check it by simulation, and say what goes wrong without it;
- explain what AMSGrad changes and reproduce the problem where Adam converges to the worst point;
- tell L2 regularisation from decoupled weight decay (AdamW) and show where they differ;
- read where $\epsilon$ sits in PyTorch, optax and the papers, and what its place changes;
- read the classic picture: every optimizer for 200 steps on one surface.

Throughout, operations on vectors act **element by element**: $g^2$, $\sqrt{v}$ and $g/\sqrt{v}$ are
taken for each parameter separately. Each parameter has its own state and its own rate.

Run the cells from top to bottom. Exercises are marked **Exercise**: write your answer in the cell
that says `YOUR CODE HERE`, then run the cell below it to check.
"""),
    locked(r"""
import math

import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")      # figures in the notebook, whatever MPLBACKEND says
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from optcourse import optim
from optcourse.data import load_digits, train_test_split
from optcourse.network import MLP
from optcourse.plots import PALETTE, optimizer_style, plot_contour, plot_race
from optcourse.runner import race, run, suggested_hyperparameters
from optcourse.surfaces import quadratic, random_surface
from optcourse.training import train
from optcourse.widgets import PLAYGROUND_SURFACES, AdamBiasWidget, Playground
from selfcheck import check

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6.4, 3.6), "axes.grid": True, "grid.color": "0.9"})


def colour(name):
    '''The course's colour for an optimizer, the same in every figure.'''
    return optimizer_style(name).color
"""),
    md(r"""
## 1. One learning rate does not fit all parameters

Take a small network for the handwritten digits of lesson 03 (64 pixels in, one hidden layer of 32 ReLU
units, 10 digits out) at its random start, and look at the size of the gradient of each of its 2,410
parameters on the training set.
"""),
    code(r"""
X, y = load_digits()
(X_train, y_train), (X_test, y_test) = train_test_split(X, y, test_fraction=0.2, seed=0)

net = MLP([64, 32, 10], seed=0)
_, grads = net.loss_and_gradient(X_train, y_train)
layer_names = ["W1: pixels → hidden", "b1", "W2: hidden → digits", "b2"]
layer_colours = [PALETTE["indigo"], PALETTE["teal"], PALETTE["rose"], PALETTE["sand"]]

fig, ax = plt.subplots(figsize=(6.4, 3.2))
bins = np.linspace(-8, 0, 33)
for g, name, c in zip(grads, layer_names, layer_colours):
    size = np.abs(g).ravel()
    ax.hist(np.log10(size[size > 0]), bins=bins, histtype="step", linewidth=1.8, color=c, label=name)
ax.set(xlabel="log10 |∂L/∂θ_i| at the random start", ylabel="parameters",
       title="Gradient sizes of the digits network's parameters")
ax.legend(fontsize=8, loc="upper left")
plt.show()

everything = np.abs(np.concatenate([g.ravel() for g in grads]))
nonzero = everything[everything > 0]
blank_pixels = int(np.sum(np.all(X_train == 0, axis=0)))
silent_units = int(np.sum(np.all(grads[0] == 0, axis=0)))
print(f"{np.sum(everything == 0)} of {everything.size} gradients are exactly 0: {blank_pixels} pixels are blank in "
      f"every training image, {silent_units} hidden units are off on every image, and more pixels are lit only "
      f"where some unit is off")
print(f"the others span {np.log10(nonzero.max() / nonzero.min()):.1f} orders of magnitude "
      f"(middle 90%: {np.log10(np.percentile(nonzero, 95) / np.percentile(nonzero, 5)):.1f})")
"""),
    md(r"""
One step of gradient descent moves parameter $i$ by $\eta\,|g_i|$. With gradients that differ by a
factor of a thousand and more, no single $\eta$ is right: an $\eta$ that keeps the large-gradient parameters
stable leaves the small-gradient ones nearly frozen (lesson 03: the steepest direction caps the step,
the flattest sets the pace). The weights of pixels that are usually dark are the extreme case: their
gradient is nonzero only on the few images where the pixel is lit.

The idea of this lesson: divide each parameter's gradient by a running measure of **that parameter's
own gradient size**,

$$\theta_i \leftarrow \theta_i - \eta\,\frac{g_i}{\text{(typical size of } g_i)},$$

so that every parameter moves by about $\eta$ per step, whatever the scale of its gradient. The
methods below differ in how they measure "typical size".

## 2. AdaGrad: divide by the root of the sum of all squared gradients

AdaGrad (Duchi, Hazan and Singer 2011) keeps, for each parameter, the sum of its squared gradients,
and divides by its square root:

$$s_t = s_{t-1} + g_t^2, \qquad \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{s_t} + \epsilon}\, g_t, \qquad s_0 = 0.$$

The **effective learning rate** of parameter $i$ at step $t$ is $\eta_{t,i} = \eta/(\sqrt{s_{t,i}} + \epsilon)$;
$\epsilon$ (PyTorch: $10^{-10}$) only prevents a division by zero. Three consequences follow from the
equations:

- **The first step is $\eta\,\mathrm{sign}(g_1)$.** With $s_1 = g_1^2$, every parameter moves by
  exactly $\eta$, whatever the size of its gradient.
- **Rescaling a parameter's gradients changes nothing.** If all gradients of parameter $i$ are
  multiplied by $c$, $\sqrt{s}$ is multiplied by $c$ too, and the steps stay the same.
- **The rate only goes down, to nothing.** $s_t$ never decreases. With a constant gradient $g$,
  $s_t = t g^2$ and the step is $\eta/\sqrt{t}$. With noisy gradients of root-mean-square $\sigma$
  (minibatches), $s_t \approx t\sigma^2$ and $\eta_t \approx \eta/(\sigma\sqrt t) \to 0$: the rate keeps
  falling for as long as the gradients do not die out, whether or not the parameter has arrived anywhere.

For convex problems with noisy gradients a rate falling like $1/\sqrt t$ is exactly what the theory asks
for, and AdaGrad was made for them (sparse features in online learning: a rare feature keeps a large
rate until it appears). On a long, non-convex road it is a handicap: the rate is spent early.

The figure runs gradient descent and AdaGrad on two bowls with the same condition number 50, one with
its long axis along a coordinate, one turned by 45 degrees; then it follows AdaGrad's two effective
rates on the first bowl for 5,000 steps, with exact gradients and with noisy ones (normal noise of
standard deviation 4 added to each gradient, as a stand-in for minibatch noise).
"""),
    code(r"""
fig, axes = plt.subplots(1, 3, figsize=(13, 3.9), dpi=72, layout="constrained")
for ax, angle in zip(axes[:2], (0, 45)):
    bowl = quadratic(50, angle)
    runs = [run("SGD", bowl, 60, lr=1.9 / 50), run("Adagrad", bowl, 60, lr=1.0)]
    plot_contour(bowl, runs, ax, levels=20, legend=False)
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(f"long axis at {angle}°: after 60 steps f = {runs[0].loss[-1]:.3f} (SGD), "
                 f"{runs[1].loss[-1]:.3f} (AdaGrad)", fontsize=9)
    ax.set_aspect("equal")


def adagrad_rates_run(noise, steps=5000, seed=0):
    '''AdaGrad on the axis-aligned bowl; the effective rate of each coordinate after every step.'''
    bowl, generator = quadratic(50, 0), np.random.default_rng(seed)
    p = bowl.start.copy()
    opt = optim.Adagrad(p, lr=1.0)
    rates = np.empty((steps, 2))
    for k in range(steps):
        opt.step(bowl.gradient(p) + noise * generator.standard_normal(2))
        rates[k] = opt.lr / (np.sqrt(opt.state["s"]) + opt.eps)
    return rates


t_axis = np.arange(1, 5001)
ax = axes[2]
for noise, style in ((0.0, "-"), (4.0, "--")):
    rates = adagrad_rates_run(noise)
    for i, (name, c) in enumerate((("x (flat, κ = 1)", PALETTE["green"]), ("y (steep, κ = 50)", PALETTE["rose"]))):
        ax.loglog(t_axis, rates[:, i], style, color=c, linewidth=1.6,
                  label=f"{name}, {'exact' if noise == 0 else 'noisy'} gradients")
ax.loglog(t_axis, 0.3 / np.sqrt(t_axis), ":", color="black", linewidth=1, label="∝ 1/√t")
ax.set(xlabel="step t", ylabel="effective rate η / (√s + ε)", title="AdaGrad's rate per coordinate")
ax.legend(fontsize=7, loc="lower left")
plt.show()
"""),
    md(r"""
Three things to read:

- **Left.** When the bowl's axes are the coordinate axes, AdaGrad's per-coordinate scaling is just
  what the bowl needs: the steep coordinate $y$ gets a small rate, the flat $x$ a large one, and the
  path heads straight for the minimum while gradient descent zig-zags across the valley and then
  crawls along it.
- **Middle.** Turn the same bowl by 45 degrees and AdaGrad loses its advantage: it can rescale
  *coordinates*, not arbitrary directions, and here the steep and flat directions mix both
  coordinates. Adaptive methods are diagonal preconditioners; they help as far as the
  ill-conditioning is aligned with the parameters, which in networks it often roughly is.
- **Right.** With exact gradients, both rates level off: the gradients shrink fast once the path
  converges, so the sum $s_t$ converges too. With noisy gradients, as in minibatch training, the
  sum grows like $t$ and both rates fall like $1/\sqrt t$ for ever: **to nothing**. (The steep
  coordinate's rate starts falling later: its large early gradients dominate the sum until the noise
  has added as much.)

### Exercise 1 (2 points): AdaGrad's accumulator and its effective rate

Write `adagrad_rates(grads, lr=0.01, eps=1e-10)`. `grads` is an array of shape `(T, n)`: row `t` holds
the gradients of `n` parameters at step `t + 1`. Return an array of the same shape whose row `t` holds
each parameter's effective rate $\eta/(\sqrt{s} + \epsilon)$ **at that step**, where $s$ is the sum
of the squared gradients up to and including that step. No loop is needed (`np.cumsum` adds along an axis).
"""),
    answer("adagrad-rates", r'''
def adagrad_rates(grads, lr=0.01, eps=1e-10):
    """Effective AdaGrad learning rate of each parameter (columns) at each step (rows)."""
    ### BEGIN SOLUTION
    accumulated = np.cumsum(np.square(np.asarray(grads, dtype=float)), axis=0)
    return lr / (np.sqrt(accumulated) + eps)
    ### END SOLUTION
'''),
    tests("adagrad-rates-tests", 2, r'''
check("adagrad-rates", adagrad_rates)
### BEGIN HIDDEN TESTS
# worked by hand: s = 9, 25 in the first column; 0 (only eps) then 4 in the second
hand = adagrad_rates(np.array([[3.0, 0.0], [4.0, 2.0]]), lr=1.0, eps=1e-10)
np.testing.assert_allclose(hand, [[1 / 3, 1e10], [1 / 5, 1 / 2]], rtol=1e-9)
# a constant gradient g: the rate is lr / (|g| sqrt(t))
steady = adagrad_rates(np.full((400, 1), -2.0), lr=0.5, eps=0.0)
np.testing.assert_allclose(steady[:, 0], 0.5 / (2.0 * np.sqrt(np.arange(1, 401))), rtol=1e-12)
# the rate AdaGrad really used: its step divided by the gradient, from optcourse's Adagrad
hidden_grads = np.random.default_rng(2024).normal(0.0, [0.1, 3.0, 50.0], size=(30, 3))
theta_hidden = np.zeros(3)
adagrad_hidden = optim.Adagrad(theta_hidden, lr=0.3, eps=1e-6)
used = []
for g in hidden_grads:
    before = theta_hidden.copy()
    adagrad_hidden.step(g)
    used.append((before - theta_hidden) / g)
np.testing.assert_allclose(adagrad_rates(hidden_grads, lr=0.3, eps=1e-6), np.array(used), rtol=1e-9)
assert adagrad_rates(hidden_grads).shape == (30, 3)
### END HIDDEN TESTS
'''),
    md(r"""
## 3. RMSProp: forget the distant past

RMSProp (Tieleman and Hinton's lecture 6.5, 2012) replaces AdaGrad's sum by an **exponentially weighted moving
average** of the squared gradients, the moving average of lesson 04 applied to $g^2$:

$$v_t = \rho\, v_{t-1} + (1-\rho)\, g_t^2, \qquad \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{v_t} + \epsilon}\, g_t, \qquad v_0 = 0.$$

Unrolling the recursion shows what $v_t$ remembers:

$$v_t = (1-\rho)\sum_{k=0}^{t-1} \rho^{k}\, g_{t-k}^2 .$$

The gradient from $k$ steps ago counts with weight $(1-\rho)\rho^k$: the weights fall geometrically,
halving every $\ln 2/(-\ln\rho) \approx 0.69/(1-\rho)$ steps, and their mean age is
$\rho/(1-\rho)$. So $v_t$ is an average over a **window of about $1/(1-\rho)$ steps**: 10 steps for
Hinton's $\rho = 0.9$, 100 for PyTorch's default $\rho = 0.99$ (called `alpha` there). AdaGrad is the
other extreme, every past gradient counting fully for ever.

Because $v_t$ is an average, not a sum, it follows the *current* size of the gradients. The right
panel feeds one parameter a gradient of 1 for 200 steps, as on a steep slope, then 0.01 (a plateau),
and shows the size of each step.
"""),
    code(r"""
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.7), layout="constrained")
ages = np.arange(0, 400)
left.plot(ages, np.ones_like(ages, dtype=float), color=colour("Adagrad"), linewidth=2, label="AdaGrad (a sum)")
for rho, style in ((0.9, "-"), (0.99, "--")):
    left.plot(ages, rho ** ages, style, color=colour("RMSprop"), linewidth=2,
              label=f"RMSProp ρ = {rho}: window ≈ {1 / (1 - rho):.0f} steps")
    left.axvline(1 / (1 - rho), color=colour("RMSprop"), linestyle=":", linewidth=1)
left.set(xlabel="age k of the squared gradient (steps ago)", ylabel="weight relative to the newest",
         title="How much a past gradient counts", ylim=(0, 1.1))
left.legend(fontsize=8)

stream = np.where(np.arange(1, 1001) <= 200, 1.0, 0.01)     # a steep slope, then a plateau
contenders = {"AdaGrad": optim.Adagrad, "RMSProp ρ = 0.9": optim.RMSprop, "RMSProp ρ = 0.99": optim.RMSprop}
options = {"AdaGrad": dict(lr=0.1), "RMSProp ρ = 0.9": dict(lr=0.1, alpha=0.9),
           "RMSProp ρ = 0.99": dict(lr=0.1, alpha=0.99)}
styles = {"AdaGrad": (colour("Adagrad"), "-"), "RMSProp ρ = 0.9": (colour("RMSprop"), "-"),
          "RMSProp ρ = 0.99": (colour("RMSprop"), "--")}
step_sizes = {}
for label, cls in contenders.items():
    theta = np.zeros(1)
    opt = cls(theta, **options[label])
    sizes = []
    for g in stream:
        before = theta[0]
        opt.step(np.array([g]))
        sizes.append(abs(theta[0] - before))
    step_sizes[label] = np.array(sizes)
    right.semilogy(np.arange(1, 1001), sizes, styles[label][1], color=styles[label][0], linewidth=1.8, label=label)
right.axvline(200, color="0.4", linestyle=":", linewidth=1)
right.annotate("gradient 1 → 0.01", (200, 1.0), xycoords=("data", "axes fraction"), xytext=(4, -12),
               textcoords="offset points", fontsize=8)
right.set(xlabel="step", ylabel="|step| (η = 0.1)", title="Steps before and after the gradient shrinks")
right.legend(fontsize=8, loc="lower left")
plt.show()
for label, sizes in step_sizes.items():
    print(f"{label:17s} step 1: {sizes[0]:.3f}   step 199: {sizes[198]:.4f}   step 1000: {sizes[-1]:.2g}")
"""),
    md(r"""
After the gradient drops a hundredfold, AdaGrad's steps drop a hundredfold too and stay there: its sum
still holds the 200 large gradients, and it always will. RMSProp's average forgets them, so its steps
climb back to about $\eta$. How fast? After the drop $v$ decays like $\rho^k$, so the step grows like
$\rho^{-k/2} \approx e^{k(1-\rho)/2}$, by a factor $e$ every two windows; to win back the factor 100
takes $2\ln 100 \approx 9$ windows: about 90 steps for $\rho = 0.9$, 900 for $\rho = 0.99$. The price of a
short window is a noisier estimate of the gradient's size.

Look also at **step 1**: $v_1 = (1-\rho)g_1^2$, so the first step is $\eta/\sqrt{1-\rho}$: 3.2 times
$\eta$ for $\rho = 0.9$, 10 times for $\rho = 0.99$. Because $v$ starts at 0, it underestimates the
squared gradient for the first few windows, and RMSProp's first steps are too large. Adam corrects
exactly this (section 5).

PyTorch's `RMSprop` also offers `momentum` and `centered=True` (divide by an estimate of the
gradient's *variance* $v - \bar g^{\,2}$ instead of $v$, Graves 2013); see `optcourse.optim.RMSprop`.

## 4. AdaDelta: get the units right

Zeiler (2012) started from RMSProp's update and asked what **units** it has. Suppose the loss $f$ has no
units and a parameter $\theta$ is measured in metres. Then:

- gradient descent: $\Delta\theta = -\eta\, g$ has the units of $g = \partial f/\partial\theta$, that is
  1/metre, the inverse of the units of $\theta$; only $\eta$ (in metres²) can fix that;
- AdaGrad and RMSProp: $\Delta\theta = -\eta\, g/\sqrt{v}$ has **no** units, since $g/\sqrt{v}$ is a ratio
  of two gradients; so $\eta$ must carry metres;
- Newton's method (lesson 06): $\Delta\theta = -g / f''$ has units
  $(1/\text{m})/(1/\text{m}^2) = \text{m}$: right by construction.

Newton's step tells what the missing factor should be: $1/f'' = \Delta\theta / g$ has the units of
$\theta$ over gradient. AdaDelta estimates the numerator with the root-mean-square of **recent steps**
and the denominator with RMSProp's root-mean-square of recent gradients:

$$v_t = \rho v_{t-1} + (1-\rho) g_t^2, \qquad
\Delta\theta_t = -\frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\; g_t, \qquad
u_t = \rho u_{t-1} + (1-\rho)\, \Delta\theta_t^2, \qquad \theta_t = \theta_{t-1} + \Delta\theta_t,$$

with $u_0 = v_0 = 0$. The step now has the units of $\theta$, and the paper has **no learning rate**
at all. (PyTorch's `Adadelta` keeps one, `lr = 1.0` by default, multiplying $\Delta\theta$; $u$ averages
the unmultiplied $\Delta\theta$. Zeiler used $\rho = 0.95$, $\epsilon = 10^{-6}$; PyTorch's defaults are
$\rho = 0.9$, $\epsilon = 10^{-6}$.) Note that $u_{t-1}$, not $u_t$: the current step is not known yet
when it is needed, so AdaDelta uses the previous ones.

**The catch.** The numerator has to come from somewhere. At the start $u_0 = 0$, and the only
"length" AdaDelta owns is $\sqrt{\epsilon}$, a constant put in to avoid dividing by zero.

### Exercise 2 (1 point): AdaDelta's first step

Derive, from the equations above, the first step $\Delta\theta_1$ (with PyTorch's `lr` multiplying it)
and write `adadelta_first_step(g, rho=0.9, eps=1e-6, lr=1.0)`: the change $\theta_1 - \theta_0$ for a
first gradient `g` (an array; return an array of its shape). Then look at your formula: what does the
first step become when $|g| \gg \sqrt{\epsilon}$, and how does it depend on $g$?
"""),
    answer("adadelta-first-step", r'''
def adadelta_first_step(g, rho=0.9, eps=1e-6, lr=1.0):
    """theta_1 - theta_0: AdaDelta's first move (PyTorch's form, with lr) for a first gradient g."""
    ### BEGIN SOLUTION
    g = np.asarray(g, dtype=float)
    first_second_moment = (1 - rho) * g * g              # v_1, from v_0 = 0
    return -lr * np.sqrt(eps) / np.sqrt(first_second_moment + eps) * g     # u_0 = 0 leaves sqrt(eps) on top
    ### END SOLUTION
'''),
    tests("adadelta-first-step-tests", 1, r'''
check("adadelta-first-step", adadelta_first_step)
### BEGIN HIDDEN TESTS
# worked by hand: rho = 0 and eps = 1 give -lr * g / sqrt(g^2 + 1)
np.testing.assert_allclose(adadelta_first_step(np.array([math.sqrt(3.0), 0.0, -1.0]), rho=0.0, eps=1.0, lr=2.0),
                           [-math.sqrt(3.0), 0.0, 2.0 / math.sqrt(2.0)], rtol=1e-12, atol=1e-15)
# a large gradient: the step is sqrt(eps / (1 - rho)), whatever the gradient's size
big = adadelta_first_step(np.array([1e4, -1e6]), rho=0.95, eps=1e-6, lr=1.0)
np.testing.assert_allclose(np.abs(big), math.sqrt(1e-6 / 0.05), rtol=1e-6)
assert big[0] < 0 < big[1]
# against optcourse's Adadelta on gradients of all sizes
g_hidden = np.random.default_rng(77).normal(0.0, [1e-4, 1e-2, 1.0, 30.0], size=(2, 4)).ravel()
x_hidden = np.zeros(8)
optim.Adadelta(x_hidden, lr=0.7, rho=0.8, eps=1e-5).step(g_hidden)
np.testing.assert_allclose(adadelta_first_step(g_hidden, rho=0.8, eps=1e-5, lr=0.7), x_hidden, rtol=1e-10)
### END HIDDEN TESTS
'''),
    md(r"""
For any gradient much larger than $\sqrt\epsilon = 10^{-3}$, the first step has length
$\sqrt{\epsilon/(1-\rho)} \approx 0.0032$ (PyTorch's defaults), whatever the gradient and whatever the
scale of the problem. It is AdaDelta's only unit, and it is set by $\epsilon$.

**Why it stays slow.** Once $v_t$ has settled at the gradient's square ($v \approx g^2 \gg \epsilon$),
$\Delta\theta_t^2 \approx u_{t-1} + \epsilon$, and the average of squared steps grows by a fixed amount
per step:

$$u_t = \rho u_{t-1} + (1-\rho)(u_{t-1} + \epsilon) = u_{t-1} + (1-\rho)\,\epsilon .$$

So $u$ grows *linearly*, and the step length $\sqrt{u + \epsilon}$ only like $\sqrt{(1-\rho)\,\epsilon\, t}$:
after 200 steps it is still about $0.005$, after 10,000 steps about $0.03$. AdaDelta learns the scale of
its steps from its own past steps, starting from $\sqrt\epsilon$, and that bootstrapping is slow. The
figure shows it with a constant gradient, for three values of $\epsilon$: $\epsilon$ acts as the
learning rate AdaDelta claims not to need.
"""),
    code(r"""
fig, ax = plt.subplots(figsize=(6.4, 3.6))
steps, rho = np.arange(1, 5001), 0.9
for eps_value, style in ((1e-6, "-"), (1e-4, "--"), (1e-2, ":")):
    theta = np.zeros(1)
    opt = optim.Adadelta(theta, lr=1.0, rho=rho, eps=eps_value)
    lengths = []
    for _ in steps:
        before = theta[0]
        opt.step(np.array([5.0]))          # a constant gradient: the slope never changes
        lengths.append(abs(theta[0] - before))
    ax.loglog(steps, lengths, style, color=colour("Adadelta"), linewidth=2, label=f"AdaDelta, ε = {eps_value:g}")
    ax.loglog(steps, np.sqrt((1 - rho) * eps_value * steps), color="0.5", linewidth=0.8)
    print(f"ε = {eps_value:g}: step 1 = {lengths[0]:.4f}, step 200 = {lengths[199]:.4f}, "
          f"distance covered in 200 steps = {sum(lengths[:200]):.3f}")
ax.plot([], [], color="0.5", linewidth=0.8, label="√((1 − ρ) ε t)")
ax.set(xlabel="step t", ylabel="|step| (lr = 1)", title="AdaDelta's slow start, gradient constant")
ax.legend(fontsize=8)
plt.show()
"""),
    md(r"""
With PyTorch's defaults AdaDelta covers less than one unit of distance in 200 steps, however steep
the slope: in the race of section 9 it barely leaves the start. (The steps start flat at
$\sqrt{\epsilon/(1-\rho)}$, your first step, and join the grey $\sqrt t$ law once $(1-\rho)t$ is well
above 10: early on $v$, which starts at 0, underestimates $g^2$ and inflates the steps a little.) The
units argument is sound, and the idea of estimating curvature
from past steps returns in quasi-Newton methods (lesson 06); but a method that must discover its own
scale from nothing starts slowly, which is why AdaDelta is rarely used.

## 5. Adam: RMSProp plus momentum

Adam (Kingma and Ba 2015) keeps two moving averages per parameter: of the gradient, the momentum of
lesson 04 in its averaging form, and of the squared gradient, RMSProp's $v$. Both start at zero
and are **bias-corrected** before use (section 5.1 explains why). At step $t = 1, 2, \dots$:

$$
\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t &&\text{first moment: an estimate of } \mathbb E[g]\\
v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 &&\text{second moment: an estimate of } \mathbb E[g^2]\\
\hat m_t &= m_t/(1-\beta_1^t), \quad \hat v_t = v_t/(1-\beta_2^t) &&\text{bias correction}\\
\theta_t &= \theta_{t-1} - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}
$$

with defaults $\eta = 10^{-3}$, $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$. The momentum
averages the *direction* over about $1/(1-\beta_1) = 10$ steps, damping the zig-zag of lesson 04; the
division by $\sqrt{\hat v}$ sets each parameter's *step size*, over a longer window of about 1,000 steps.
Since $|\hat m| \lesssim \sqrt{\hat v}$ for most gradient streams, each parameter moves by at most about
$\eta$ per step (section 2.1 of the paper gives the exact bounds), so $\eta$ is a length in parameter
units, the units argument of AdaDelta met by choosing $\eta$. And like every method of this family,
Adam ignores the scale of the gradient: multiply the loss by 1,000 and its path stays the same.
"""),
    code(r"""
bowl = quadratic(10, 30)


def path_with_scaled_loss(optimizer, scale, steps=100, **hyper):
    '''The iterates of an optimizer on the bowl whose loss (hence gradient) is multiplied by scale.'''
    point = bowl.start.copy()
    opt = optimizer(point, **hyper)
    trail = [point.copy()]
    for _ in range(steps):
        opt.step(scale * bowl.gradient(point))
        trail.append(point.copy())
    return np.array(trail)


with np.errstate(over="ignore", invalid="ignore"):
    for name, optimizer, hyper in (("Adam", optim.Adam, dict(lr=0.05)), ("SGD", optim.SGD, dict(lr=0.05))):
        a, b = path_with_scaled_loss(optimizer, 1.0, **hyper), path_with_scaled_loss(optimizer, 1000.0, **hyper)
        gap = np.max(np.abs(a - b)) if np.isfinite(b).all() else math.inf
        print(f"{name:4s}: largest difference between the paths on f and on 1000·f: {gap:.1e}")
"""),
    md(r"""
(Adam's paths differ only through $\epsilon$, which is not scaled. Gradient descent on $1000 f$
diverges: its stable learning rates shrink a thousandfold.)

### 5.1 The bias correction, derived

Why divide by $1-\beta_2^t$? Because $v_0 = 0$. Unroll the recursion from $v_0 = 0$:

$$v_t = (1-\beta_2) \sum_{k=1}^{t} \beta_2^{\,t-k}\, g_k^2 .$$

Suppose the gradients are random with a distribution that does not change over time, so that
$\mathbb E[g_k^2] = \mathbb E[g^2]$ for every $k$ (if it changes slowly, the small weights
$\beta_2^{t-k}$ of old gradients make the difference small). Taking expectations,

$$\mathbb E[v_t] = \mathbb E[g^2]\;(1-\beta_2)\sum_{k=1}^{t} \beta_2^{\,t-k}.$$

The sum of weights is not 1, because the missing weights $\beta_2^{t}, \beta_2^{t+1}, \dots$ belonged to
the gradients "before the start", which $v_0 = 0$ counted as zero. SymPy evaluates it:
"""),
    code(r"""
beta2 = sp.Symbol("beta2", positive=True)
t, k = sp.symbols("t k", integer=True, positive=True)
weight_sum = sp.Sum((1 - beta2) * beta2 ** (t - k), (k, 1, t))
display(sp.Eq(weight_sum, sp.simplify(weight_sum.doit())))

# The same, without the closed form: run the recursion for t = 4 with symbols for the squared
# gradients, compare with the sum, then take expectations by replacing every g_k^2 with E[g^2].
g_squared = [sp.Symbol(f"g_{i}^2", positive=True) for i in range(1, 5)]
v = sp.Integer(0)
for g2 in g_squared:
    v = beta2 * v + (1 - beta2) * g2
as_a_sum = sp.Add(*[(1 - beta2) * beta2 ** (4 - i) * g2 for i, g2 in enumerate(g_squared, 1)], evaluate=False)
display(sp.Eq(sp.Symbol("v_4"), as_a_sum))
print("the recursion gives exactly this sum:", sp.expand(v - as_a_sum) == 0)
second_moment = sp.Symbol("E[g^2]", positive=True)
expected_v4 = v.subs({g2: second_moment for g2 in g_squared})
print("E[v_4] / E[g^2] =", sp.factor(expected_v4 / second_moment), "  equal to 1 - beta2**4:",
      sp.simplify(expected_v4 / second_moment - (1 - beta2**4)) == 0)
"""),
    md(r"""
So $\mathbb E[v_t] = (1-\beta_2^t)\,\mathbb E[g^2]$: the raw average is too small by the factor
$1-\beta_2^t$, which is $0.001$ at $t = 1$ for $\beta_2 = 0.999$, $0.63$ at $t = 1000$, and tends to 1.
Dividing by it, $\hat v_t = v_t/(1-\beta_2^t)$, gives an unbiased estimate at every step. (The step
from the sum to $1-\beta_2^t$ is the identity $1 - x^t = (1-x)(1 + x + \dots + x^{t-1})$.)

**A numerical check.** One Adam over an array of 4,000 parameters is 4,000 independent Adams,
one per parameter. Feed each its own stream of random gradients $g \sim N(\mu, \sigma^2)$ with
$\mu = 1$, $\sigma = 2$, with the learning rate 0 so that nothing moves, and average Adam's states
$m_t$ and $v_t$ over the 4,000 streams.
"""),
    code(r"""
streams, horizon, mu, sigma = 4000, 3000, 1.0, 2.0
generator = np.random.default_rng(5)
frozen = np.zeros(streams)
adam_watch = optim.Adam(frozen, lr=0.0)                # betas (0.9, 0.999): the defaults
b1, b2 = adam_watch.betas
mean_m, mean_v = np.empty(horizon), np.empty(horizon)
for step in range(horizon):
    adam_watch.step(mu + sigma * generator.standard_normal(streams))
    mean_m[step], mean_v[step] = adam_watch.state["m"].mean(), adam_watch.state["v"].mean()

steps = np.arange(1, horizon + 1)
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.6), layout="constrained")
for ax, raw, truth, beta, what in ((left, mean_m, mu, b1, "m_t / E[g]"), (right, mean_v, mu**2 + sigma**2, b2, "v_t / E[g²]")):
    ax.semilogx(steps, raw / truth, color=PALETTE["rose"], linewidth=2, label="average of raw " + what.split(" ")[0])
    ax.semilogx(steps, raw / (1 - beta**steps) / truth, color=PALETTE["indigo"], linewidth=2, label="after dividing by 1 − βᵗ")
    ax.semilogx(steps, 1 - beta**steps, ":", color="black", linewidth=1.2, label=f"1 − βᵗ, β = {beta}")
    ax.set(xlabel="step t", ylabel=what, ylim=(0, 1.25), title=f"{what.split(' ')[0]} averaged over {streams} streams")
    ax.legend(fontsize=8, loc="lower right")
plt.show()
mean_square = mu**2 + sigma**2                          # E[g²] = μ² + σ²
corrected_v = mean_v / (1 - b2**steps) / mean_square
print(f"raw v_t / E[g²] at t = 1, 100, 1000: {mean_v[0] / mean_square:.4f}, {mean_v[99] / mean_square:.3f}, "
      f"{mean_v[999] / mean_square:.3f}")
print(f"corrected, over all 3000 steps: between {corrected_v.min():.3f} and {corrected_v.max():.3f}")
"""),
    md(r"""
The raw averages follow $1-\beta^t$ exactly as derived; the corrected ones sit at 1 from the very first
step (within the noise of 4,000 samples). The first moment is only biased for a few dozen steps
($\beta_1 = 0.9$), the second for a few thousand.

### Exercise 3 (2 points): derive the first moment's correction

Do the same derivation for $m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t$, $m_0 = 0$, with gradients whose
mean is $\mathbb E[g_k] = \mu$ at every step. Using the symbols defined below, build in SymPy

- `m_expected`: $\mathbb E[m_t]$ as an expression in `beta1`, `t` and `mu`, in closed form (no `Sum` left);
- `m_correction`: the number that $m_t$ must be divided by to make its expectation $\mu$.

Derive them: write $m_t$ as a sum, take the expectation, and let SymPy evaluate and simplify it.
"""),
    locked(r"""
beta1, mu_symbol = sp.Symbol("beta1", positive=True), sp.Symbol("mu")
t, k = sp.symbols("t k", integer=True, positive=True)
"""),
    answer("first-moment-correction", r'''
### BEGIN SOLUTION
unrolled_first = sp.Sum((1 - beta1) * beta1 ** (t - k) * mu_symbol, (k, 1, t))    # E[m_t], term by term
m_expected = sp.simplify(unrolled_first.doit())
m_correction = sp.simplify(m_expected / mu_symbol)
### END SOLUTION
m_expected, m_correction
'''),
    tests("first-moment-correction-tests", 2, r'''
check("first-moment-correction", (m_expected, m_correction))
### BEGIN HIDDEN TESTS
# symbols matched by name, so that answers built on symbols of one's own are judged on their maths
lesson_symbols_h = {"beta1": beta1, "t": t, "mu": mu_symbol}
expected_h, correction_h = (e.xreplace({s: lesson_symbols_h[s.name] for s in e.free_symbols if s.name in lesson_symbols_h})
                            for e in (m_expected, m_correction))
assert not expected_h.has(sp.Sum) and not correction_h.has(sp.Sum)
assert expected_h.free_symbols <= {beta1, t, mu_symbol} and correction_h.free_symbols <= {beta1, t}
# exact comparison with the recursion m <- beta1 m + (1 - beta1) mu, in rational arithmetic
for beta_h in (sp.Rational(1, 2), sp.Rational(9, 10), sp.Rational(99, 100)):
    mean_h = sp.Integer(0)
    for step_h in range(1, 8):
        mean_h = beta_h * mean_h + (1 - beta_h) * sp.Rational(3, 7)
        at_h = {beta1: beta_h, t: step_h, mu_symbol: sp.Rational(3, 7)}
        assert sp.simplify(expected_h.subs(at_h) - mean_h) == 0
        assert sp.simplify(sp.Rational(3, 7) * correction_h.subs(at_h) - mean_h) == 0
### END HIDDEN TESTS
'''),
    md(r"""
### 5.2 Experiment: watch the bias

The widget feeds Adam a stream of noisy gradients $g_t = \mu + \sigma\xi_t$ and draws, against the step,
the raw and the corrected first moment (left), second moment (middle) and the direction
$m/(\sqrt v + \epsilon)$ that Adam steps along (right). The dotted black lines are the true values.

Things to try:

- Move $\beta_2$ from 0.999 to 0.9999: the raw second moment stays far too small for tens of thousands of
  steps (set steps to 3000 to see the start of its climb).
- Set $\beta_1 = 0$: Adam without momentum, RMSProp with bias correction; the first moment is unbiased.
- Raise the noise $\sigma$: the corrected estimates scatter more, but stay centred on the truth.
- Read the right panel: the **uncorrected** direction is several times too large during the first
  hundreds of steps. Why? The next cell explains.
"""),
    code(r"""
AdamBiasWidget(beta1=0.9, beta2=0.999, steps=300, std=0.5)
"""),
    md(r"""
### 5.3 What goes wrong without the correction

Without correction Adam would step along $m_t/\sqrt{v_t}$ instead of $\hat m_t/\sqrt{\hat v_t}$. The two
differ by a factor that depends only on $t$:

$$\frac{m_t}{\sqrt{v_t}} = \frac{1-\beta_1^t}{\sqrt{1-\beta_2^t}}\;\frac{\hat m_t}{\sqrt{\hat v_t}} .$$

Because $\beta_2$ is closer to 1 than $\beta_1$, the second moment is the more biased one, and the
factor is **larger than 1**: 3.2 at the first step with the defaults, and it peaks around step 12.
Without the correction, Adam's first steps would be several times larger than intended, at the very
moment its estimates are least reliable. Kingma and Ba point out that the larger $\beta_2$ (needed for
rare, sparse gradients), the worse this gets; it is RMSProp's oversized first steps of section 3 again.
"""),
    code(r"""
fig, ax = plt.subplots(figsize=(6.4, 3.4))
steps = np.arange(1, 20001)
for beta_1, beta_2, style in ((0.9, 0.999, "-"), (0.9, 0.9999, "--"), (0.0, 0.999, ":")):
    factor = (1 - beta_1**steps) / np.sqrt(1 - beta_2**steps)
    ax.semilogx(steps, factor, style, color=colour("Adam"), linewidth=2,
                label=f"β1 = {beta_1}, β2 = {beta_2}: peak {factor.max():.1f} at t = {steps[factor.argmax()]}")
ax.axhline(1, color="black", linewidth=0.8)
ax.set(xlabel="step t", ylabel="uncorrected / corrected step", yscale="log",
       title="How much too large Adam's steps would be without the correction")
ax.legend(fontsize=8)
plt.show()
"""),
    md(r"""
### Exercise 4 (3 points): one Adam step, with the correction folded into scalars

Computing $\hat m$ and $\hat v$ costs two extra arrays per parameter. Since $1-\beta_1^t$ and
$1-\beta_2^t$ are the same for every parameter, implementations (PyTorch, `optcourse.optim.Adam`) fold
them into scalars instead:

$$\theta_t = \theta_{t-1} - \underbrace{\frac{\eta}{1-\beta_1^t}}_{\text{a scalar}}\;
\frac{m_t}{\sqrt{v_t}\,/\underbrace{\sqrt{1-\beta_2^t}}_{\text{a scalar}} + \epsilon},$$

which is exactly the update of the paper, $\epsilon$ included: divide the numerator and denominator of
$\hat m_t/(\sqrt{\hat v_t} + \epsilon)$ by the same things and check.

Write `adam_step(theta, m, v, g, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)` for step number `t`
(1 for the first step). It returns the new `(theta, m, v)` as three arrays and **does not change** the
arrays it is given. Use the folded form: no array $\hat m$ or $\hat v$.
"""),
    answer("adam-step", r'''
def adam_step(theta, m, v, g, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    """One Adam step at step number t (1, 2, ...); returns the new (theta, m, v)."""
    ### BEGIN SOLUTION
    decay_of_m, decay_of_v = betas
    m_after = decay_of_m * m + (1 - decay_of_m) * g
    v_after = decay_of_v * v + (1 - decay_of_v) * np.square(g)
    scalar_step = lr / (1 - decay_of_m**t)                        # eta / (1 - beta1^t)
    scalar_root = math.sqrt(1 - decay_of_v**t)                     # sqrt(1 - beta2^t)
    return theta - scalar_step * m_after / (np.sqrt(v_after) / scalar_root + eps), m_after, v_after
    ### END SOLUTION
'''),
    tests("adam-step-tests", 3, r'''
check("adam-step", adam_step)
### BEGIN HIDDEN TESTS
# worked by hand: the first step moves every coordinate by lr * sign(g) (eps aside)
theta_h, m_h, v_h = adam_step(np.array([1.0, -2.0, 0.5]), np.zeros(3), np.zeros(3),
                              np.array([0.5, -4.0, 1e-3]), 1, lr=0.1)
np.testing.assert_allclose(theta_h, [0.9, -1.9, 0.5 - 0.1 / (1 + 1e-5)], rtol=1e-6)   # eps = 1e-5 |g| there
np.testing.assert_allclose(m_h, [0.05, -0.4, 1e-4], rtol=1e-12)
np.testing.assert_allclose(v_h, [0.00025, 0.016, 1e-9], rtol=1e-12)
# eps after the bias correction: t = 1, g = 1, betas (0.5, 0.75), eps = 1 gives lr * 1 / (1 + 1)
theta_e, _, _ = adam_step(np.array([0.0]), np.zeros(1), np.zeros(1), np.array([1.0]), 1, lr=1.0,
                          betas=(0.5, 0.75), eps=1.0)
np.testing.assert_allclose(theta_e, [-0.5], rtol=1e-12)
# eight steps against optcourse's Adam, with an eps large enough to tell its place
rng_h = np.random.default_rng(31)
reference_h = rng_h.normal(size=4)
state_h = (reference_h.copy(), np.zeros(4), np.zeros(4))
adam_h = optim.Adam(reference_h, lr=0.2, betas=(0.8, 0.95), eps=0.3)
for step_h in range(1, 9):
    g_h = rng_h.normal(0.0, [0.01, 0.1, 1.0, 10.0])
    state_h = adam_step(*state_h, g_h, step_h, lr=0.2, betas=(0.8, 0.95), eps=0.3)
    adam_h.step(g_h)
    np.testing.assert_allclose(state_h[0], reference_h, rtol=1e-10, atol=1e-12)
np.testing.assert_allclose(state_h[1], adam_h.state["m"], rtol=1e-10)
np.testing.assert_allclose(state_h[2], adam_h.state["v"], rtol=1e-10)
### END HIDDEN TESTS
'''),
    md(r"""
## 6. AMSGrad: a rate that never grows back

Adam's effective rate $\eta/\sqrt{\hat v_t}$ can **increase**: when a large gradient leaves the window,
$\hat v$ drops and the rate rises again. Reddi, Kale and Kumar (2018) showed that this can make Adam
converge to the *wrong* point, even on a convex problem. Their example is a sequence of linear losses on
$x \in [-1, 1]$, with $C > 2$:

$$f_t(x) = \begin{cases} C x & t = 1, 4, 7, \dots \\ -x & \text{otherwise} \end{cases}$$

Over each cycle of three steps the average gradient is $(C - 2)/3 > 0$, so the best point is $x = -1$.
The informative gradient $C$ comes once per cycle, the misleading $-1$ twice. With a short memory
($\beta_1 = 0$, $\beta_2 = 1/(1 + C^2)$), Adam divides the large gradient by a large $\sqrt{v}$ (it
is large *because* of that gradient) and the small ones by a small $\sqrt v$: its steps against the
big gradient are about as large as its steps with the small ones, and the two small steps win.

AMSGrad keeps the **largest** second moment seen so far and divides by that:

$$v^{\max}_t = \max(v^{\max}_{t-1}, v_t), \qquad \theta_t = \theta_{t-1} - \eta_t\,\frac{\hat m_t}{\sqrt{v^{\max}_t} + \epsilon},$$

so each parameter's effective rate $\eta_t/\sqrt{v^{\max}_t}$ never increases as long as $\eta_t$ does not. In `optcourse` and PyTorch it
is `Adam(..., amsgrad=True)`, which takes the maximum of the raw $v$ and then corrects it; the paper
has no bias correction, and optax corrects before taking the maximum. Below, both run with
$C = 3$, $\eta_t = 0.5/\sqrt{t}$ (the paper's decreasing rate), and every step is followed by clipping
$x$ back into $[-1, 1]$.
"""),
    code(r"""
C = 3.0


def falling_lr(steps_done):
    '''The paper's decreasing rate: 0.5 / sqrt(t) at step t = steps_done + 1.'''
    return 0.5 / math.sqrt(steps_done + 1)


fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.6), layout="constrained")
for name, amsgrad in (("Adam", False), ("AMSGrad", True)):
    x = np.zeros(1)
    opt = optim.Adam(x, lr=falling_lr, betas=(0.0, 1 / (1 + C**2)), amsgrad=amsgrad)
    iterates, rates = [], []
    for step in range(1, 3001):
        gradient = C if step % 3 == 1 else -1.0
        opt.step(np.array([gradient]))
        np.clip(x, -1.0, 1.0, out=x)                       # project back onto [-1, 1]
        iterates.append(x[0])
        scale = opt.state["v_max"] if amsgrad else opt.state["v"]
        rates.append(falling_lr(step - 1) / (np.sqrt(scale[0] / (1 - opt.betas[1] ** step)) + opt.eps))
    left.semilogx(np.arange(1, 3001), iterates, color=colour(name), linestyle=optimizer_style(name).linestyle,
                  linewidth=2, label=name)
    right.plot(np.arange(1, 31), rates[:30], color=colour(name), linestyle=optimizer_style(name).linestyle,
               marker="o", markersize=3, linewidth=1.5, label=name)
    print(f"{name:7s}: x after 3000 steps = {iterates[-1]:+.3f}")
left.axhline(-1, color="black", linestyle=":", linewidth=1)
left.annotate("best point x = −1", (1.2, -0.95), fontsize=8)
left.set(xlabel="step", ylabel="x", title=f"Reddi et al.'s problem, C = {C:g}", ylim=(-1.1, 1.1))
left.legend(fontsize=8)
right.set(xlabel="step", ylabel="effective rate η_t / (√v̂ + ε)", title="The first 30 steps")
right.legend(fontsize=8)
plt.show()
"""),
    md(r"""
Adam's effective rate jumps up after every large gradient, and Adam walks to $x = +1$, the *worst*
point of the interval. AMSGrad's rate never rises; it weighs the rare large gradient properly and
converges to $x = -1$. In practice AMSGrad rarely trains networks better than Adam, but the example
shows that an adaptive rate is a modelling choice with consequences, not a free lunch.

## 7. AdamW: weight decay is not L2 regularisation

The usual way to keep weights small is to add an L2 penalty to the loss, $\tfrac{\lambda}{2}\lVert\theta\rVert^2$,
whose gradient $\lambda\theta$ joins the loss's gradient. For gradient descent that is the same as
**weight decay**, shrinking the weights by a fixed fraction each step:

$$\theta \leftarrow \theta - \eta(g + \lambda\theta) = (1-\eta\lambda)\,\theta - \eta g .$$

For Adam it is not. The penalty's gradient $\lambda\theta$ goes into $m$ and $v$ like any other gradient
and is **divided by $\sqrt{\hat v}$**. Ignoring the averaging in $m$, which merely delays it, the penalty
removes from parameter $i$ the fraction

$$\text{Adam + L2:}\quad \frac{\eta\lambda}{\sqrt{\hat v_i} + \epsilon} \qquad\text{versus}\qquad
\text{AdamW:}\quad \eta\lambda$$

per step. Under Adam + L2, parameters with large gradients (large $\hat v_i$) are hardly regularised and
parameters with small gradients are crushed. Loshchilov and Hutter (2019) **decoupled** the decay from
the gradient: AdamW shrinks the weights directly, $\theta \leftarrow \theta(1-\eta\lambda)$, and then takes the
Adam step of the loss alone, so every parameter decays at the same rate. (PyTorch multiplies $\lambda$ by
the learning rate as written here, `weight_decay=0.01` by default; the paper multiplies it by the
schedule's factor only.)

**On the digits network.** Train it three times with Adam for 10 epochs: without regularisation, with
the L2 penalty (`Adam(weight_decay=0.01)`), and with decoupled decay (`AdamW(weight_decay=1.0)`). Each
input pixel has a row of weights into the hidden layer, and the gradients of that row are proportional to
the pixel's intensity: pixels that are often lit give large gradients, the borders tiny ones or none.
"""),
    code(r"""
trained = {}
for label, optimizer, options in (("no decay", optim.Adam, dict(lr=1e-2)),
                                  ("Adam + L2", optim.Adam, dict(lr=1e-2, weight_decay=1e-2)),
                                  ("AdamW", optim.AdamW, dict(lr=1e-2, weight_decay=1.0))):
    model = MLP([64, 32, 10], seed=0)
    opt = optimizer(model.params, **options)
    history = train(model, X_train, y_train, opt, epochs=10, batch_size=32, seed=0, test=(X_test, y_test))
    trained[label] = (model, opt)
    print(f"{label:9s}: training loss {history.epoch_loss[-1]:.3f}, test accuracy {history.test_accuracy[-1]:.1%}, "
          f"|W1| = {np.linalg.norm(model.params[0]):.2f}")

lit = np.sqrt(np.mean(X_train**2, axis=0))                 # each pixel's RMS intensity
rows_plain = np.linalg.norm(trained["no decay"][0].params[0], axis=1)
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8), layout="constrained")
for label in ("Adam + L2", "AdamW"):
    rows = np.linalg.norm(trained[label][0].params[0], axis=1)
    left.plot(lit, rows / rows_plain, "o", markersize=4, color=colour("Adam" if label == "Adam + L2" else "AdamW"),
              markerfacecolor="white" if label == "AdamW" else None, label=label)
left.set(xlabel="pixel's RMS intensity (sets the size of its weights' gradients)",
         ylabel="|row of W1| relative to no decay", title="How much each pixel's weights were shrunk")
left.legend(fontsize=8)

model_l2, opt_l2 = trained["Adam + L2"]
v_hat = np.concatenate([v.ravel() for v in opt_l2.state["v"][::2]]) / (1 - opt_l2.betas[1] ** opt_l2.t)
per_step = opt_l2.lr * opt_l2.weight_decay / (np.sqrt(v_hat) + opt_l2.eps)
adamw = trained["AdamW"][1]
right.hist(np.log10(np.minimum(per_step, 1.0)), bins=40, color=colour("Adam"), alpha=0.8,
           label="Adam + L2: ηλ / (√v̂ + ε), each weight (≥ 1 drawn at 0)")
right.axvline(np.log10(adamw.lr * adamw.weight_decay), color="black", linestyle="--", linewidth=1.5,
              label="AdamW: ηλ, every weight")
right.set(xlabel="log10 of the fraction of a weight removed per step", ylabel="weights",
          title="Decay per step at the end of training")
right.legend(fontsize=8)
plt.show()
low, middle = np.percentile(per_step, [5, 50])
print(f"Adam + L2, decay per step: 5% of the weights below {low:.1e}, half below {middle:.1e}, "
      f"{np.mean(per_step >= 0.1):.0%} at 0.1 or more; AdamW: {adamw.lr * adamw.weight_decay:.0e} for all")
"""),
    md(r"""
Left: under Adam + L2, how much a pixel's weights shrank depends on how bright the pixel is. Weights of
dim pixels (small gradients) were wiped out, weights of bright pixels kept about half their size. Under
AdamW the shrinkage hardly depends on the pixel. The blank pixels (intensity 0) are a special case in both:
their weights get no gradient at all, so only the decay moves them.

Right: the same at the level of single weights. The L2 penalty's decay per step spreads over
several orders of magnitude, set by each weight's gradient history, not by any choice of ours. Where
the formula gives 0.1 or more, the weight's gradient is mostly the penalty $\lambda\theta$ itself:
Adam normalises it like any gradient and moves the weight by about $\eta$ per step towards zero, which
wipes it out within a few steps (the linear picture "a fraction per step" no longer applies).
(To shrink the bright pixels' weights about as much, AdamW needed $\lambda = 1$ against L2's $0.01$:
under Adam + L2, $\lambda$ is divided by $\sqrt{\hat v}$, which is small here, so the two $\lambda$'s are
not comparable.) Both regularisers cost accuracy on this small problem after 10 epochs; the point is
not which is better here but that they are **different regularisers**. With AdamW, $\lambda$ means the
same for every weight, and it can be tuned separately from $\eta$ (the paper's main practical claim).

### Exercise 5 (2 points): predict, then check

Two parameters both start at $\theta = 1$. The loss gives them pure noise, zero-mean gradients with
root-mean-square 10 for the first and 0.01 for the second, so that only the regulariser moves them on
average. We run 1,000 steps with $\eta = 0.01$, $\lambda = 0.1$.

1. Write `decay_per_step(v_hat, lr, weight_decay, decoupled, eps=1e-8)`: the fraction of each parameter
   that the regulariser removes in one step, for an array `v_hat` of bias-corrected second moments
   (as in the formulas above; `decoupled=True` is AdamW, `False` Adam + L2). Return an array of the
   shape of `v_hat`.
2. **Predict** before you run the check: for the **first** parameter (the large gradients), which
   shrinks it more on average, Adam + L2 or AdamW? Set `shrinks_more` to `"Adam+L2"` or `"AdamW"`.
   (Its $\hat v$ is about $10^2$; work out the decay per step of both.)
"""),
    answer("decay-prediction", r'''
def decay_per_step(v_hat, lr, weight_decay, decoupled, eps=1e-8):
    """Fraction of each weight removed by the regulariser in one step (AdamW or Adam + L2)."""
    ### BEGIN SOLUTION
    v_hat = np.asarray(v_hat, dtype=float)
    if decoupled:
        return np.full_like(v_hat, lr * weight_decay)             # the same for every weight
    return lr * weight_decay / (np.sqrt(v_hat) + eps)              # divided like any gradient
    ### END SOLUTION


# your prediction, "Adam+L2" or "AdamW":
### BEGIN SOLUTION
shrinks_more = "AdamW"
### END SOLUTION
'''),
    tests("decay-prediction-tests", 2, r'''
check("decay-prediction", (decay_per_step, shrinks_more))
### BEGIN HIDDEN TESTS
np.testing.assert_allclose(decay_per_step(np.array([4.0, 0.25, 0.0]), 0.1, 0.5, False, eps=0.5),
                           [0.05 / 2.5, 0.05 / 1.0, 0.05 / 0.5], rtol=1e-12)
np.testing.assert_allclose(decay_per_step(np.array([[4.0, 0.25], [9.0, 0.0]]), 0.1, 0.5, True),
                           np.full((2, 2), 0.05), rtol=1e-12)
assert decay_per_step(np.array([100.0, 1e-4]), 0.01, 0.1, False).shape == (2,)
assert shrinks_more == "AdamW"
### END HIDDEN TESTS
'''),
    md(r"""
The check: 400 independent copies of the two parameters (one optimizer on an array of shape (400, 2)),
1,000 steps of noise, and the average of where they end.
"""),
    code(r"""
noise_scale = np.array([10.0, 0.01])
copies, horizon, eta, lam = 400, 1000, 0.01, 0.1
for name, optimizer in (("Adam + L2", optim.Adam), ("AdamW", optim.AdamW)):
    pair = np.ones((copies, 2))
    opt = optimizer(pair, lr=eta, weight_decay=lam)
    noise = np.random.default_rng(9)
    for _ in range(horizon):
        opt.step(noise_scale * noise.standard_normal((copies, 2)))
    print(f"{name:9s}: average θ after {horizon} steps: large gradients {pair[:, 0].mean():.3f}, "
          f"small gradients {pair[:, 1].mean():+.3f}")
print(f"AdamW's decay alone would leave (1 - ηλ)^{horizon} = {(1 - eta * lam) ** horizon:.3f}; "
      f"Adam + L2's at √v̂ = 10 would leave about exp(-{horizon} ηλ/10) = {math.exp(-horizon * eta * lam / 10):.3f}")
"""),
    md(r"""
AdamW shrinks both parameters by the same factor, $(1-\eta\lambda)^{1000} \approx e^{-1}$, as promised. Adam
+ L2 shrinks the large-gradient parameter ten times more slowly (its decay is divided by
$\sqrt{\hat v} \approx 10$), and drives the small-gradient one to zero within about a hundred steps:
there the penalty's own gradient $\lambda\theta$ dominates $\hat v$, and Adam turns it into steps of
about $\eta$ towards zero.

## 8. Where $\epsilon$ sits

Every method of this lesson divides by a root of a second moment plus a small $\epsilon$. Libraries
agree on the idea and disagree on the details, and the details change what $\epsilon$ means:

| method | library | the denominator | default $\epsilon$ |
|---|---|---|---|
| Adam | paper (Kingma & Ba, Algorithm 1) | $\sqrt{\hat v_t} + \epsilon$: outside the root, after bias correction | $10^{-8}$ |
| Adam | PyTorch `Adam`, `AdamW`; `optcourse` | $\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon$: the same as the paper | $10^{-8}$ |
| Adam | optax `adam` | $\sqrt{\hat v_t + \epsilon_{\text{root}}} + \epsilon$: both, `eps_root` inside | $10^{-8}$, `eps_root` $0$ |
| Adam | TensorFlow / Keras, and the paper's "efficient" form (end of its section 2) | $\sqrt{v_t} + \hat\epsilon$: outside the root, **before** bias correction | $10^{-7}$ (Keras) |
| RMSProp | PyTorch `RMSprop` | $\sqrt{v_t} + \epsilon$ | $10^{-8}$ |
| RMSProp | optax `rmsprop` | $\sqrt{v_t + \epsilon}$: inside | $10^{-8}$ |
| AdaGrad | PyTorch `Adagrad` | $\sqrt{s_t} + \epsilon$ | $10^{-10}$ |
| AdaGrad | optax `adagrad` | $\sqrt{s_t + \epsilon}$, and $s_0 = 0.1$, not 0 | $10^{-7}$ |
| AdaDelta | paper, PyTorch | $\sqrt{v_t + \epsilon}$, and $\sqrt{u_{t-1} + \epsilon}$ on top | $10^{-6}$ |

Inside the root, $\epsilon$ acts like $\sqrt\epsilon$ outside it: $10^{-8}$ becomes $10^{-4}$. Before the
bias correction, it acts like $\hat\epsilon/\sqrt{1-\beta_2^t}$ after it: about $30\hat\epsilon$ at the first
step, shrinking to $\hat\epsilon$ over a few thousand steps. The figure shows Adam's first step, in units
of $\eta$, for gradients of every size (at $t = 1$, $\hat m = g$ and $\hat v = g^2$):
"""),
    code(r"""
gradient_sizes = np.geomspace(1e-12, 1e-1, 300)
eps_value = 1e-8
first_step = np.zeros_like(gradient_sizes)
optim.Adam(first_step, lr=1.0, eps=eps_value).step(gradient_sizes)   # PyTorch's placement, run by optcourse
placements = {
    "paper, PyTorch: g/(|g| + ε)": (np.abs(first_step), "-", eps_value),
    "optax with eps_root = ε: g/√(g² + ε)": (gradient_sizes / np.sqrt(gradient_sizes**2 + eps_value), "--",
                                              math.sqrt(eps_value)),
    "TensorFlow's ε̂, step 1: g/(|g| + ε̂/√(1−β2))": (gradient_sizes / (gradient_sizes + eps_value / math.sqrt(1e-3)), ":",
                                                    eps_value / math.sqrt(1e-3)),
}
fig, ax = plt.subplots(figsize=(9.6, 3.4), layout="constrained")
for (label, (size, style, knee)), c in zip(placements.items(), (colour("Adam"), PALETTE["teal"], PALETTE["indigo"])):
    ax.semilogx(gradient_sizes, size, style, color=c, linewidth=2.2, label=label)
    ax.axvline(knee, color=c, linestyle=style, linewidth=0.8)
    print(f"{label:47s} half a step (0.5 η) at |g| ≈ {knee:.1e}")
ax.set(xlabel="|g| at the first step", ylabel="|first step| / η", title="The same ε = 1e-8, three meanings")
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
plt.show()
"""),
    md(r"""
For gradients far above the knee, all three agree: Adam steps by $\eta$. Below it, the step shrinks in
proportion to the gradient, like plain gradient descent with rate $\eta/\epsilon_{\text{effective}}$.
The knee sits at $10^{-8}$, $10^{-4}$ or $3\cdot 10^{-7}$ depending on where $\epsilon$ is placed. So
$\epsilon$ is not merely "a small number against division by zero": when many gradients are small
(fp16 training, embeddings of rare words, late in training), it decides which parameters Adam treats
adaptively. Hyperparameters copied from a paper must be translated between placements, and large
values of $\epsilon$ (TensorFlow's documentation once suggested 1.0 or 0.1 for an Inception network on
ImageNet) turn Adam partly back into momentum SGD, with learning rate $\eta/\epsilon$.

## 9. The classic picture: every optimizer, 200 steps, one surface

Now the whole family on one smooth random landscape (`random_surface(4)`, a landscape of Gaussian
bumps and wells on a shallow bowl), from the same start far from the minimum, for 200 steps each.
The hyperparameters are common choices, not tuned values: gradient descent and both momentum methods
use $\eta = 1/L$, with $L$ the largest curvature at the start and the minimum (lesson 03), and momentum
0.9 (which makes their steps up to ten times longer, lesson 04); AdaGrad, RMSProp ($\rho = 0.9$), Adam, AMSGrad and AdamW ($\lambda = 0.01$) all use $\eta = 0.1$,
so that they would all move by about 0.1 per step at first; AdaDelta uses PyTorch's default $\eta = 1$.
"""),
    code(r"""
landscape = random_surface(4)
start = np.array([-2.6, -2.6])
lr_sgd = suggested_hyperparameters("SGD", landscape)["lr"]
contestants = {
    "SGD": dict(lr=lr_sgd), "Momentum": dict(lr=lr_sgd), "Nesterov": dict(lr=lr_sgd),
    "Adagrad": dict(lr=0.1), "Adadelta": dict(lr=1.0), "RMSprop": dict(lr=0.1, alpha=0.9),
    "Adam": dict(lr=0.1), "AMSGrad": dict(lr=0.1), "AdamW": dict(lr=0.1, weight_decay=0.01),
}
runs = race(landscape, contestants, steps=200, start=start)
fig = plot_race(landscape, runs, figure=plt.figure(figsize=(12, 5), dpi=72, layout="constrained"))
fig.axes[0].set_title("random_surface(4), 200 steps from (-2.6, -2.6)", fontsize=10)
plt.show()

fig, axes = plt.subplots(1, 2, figsize=(11, 4.0), dpi=72, layout="constrained")
for ax, names in zip(axes, (["SGD", "Momentum", "Nesterov"], ["RMSprop", "Adam", "AdamW"])):
    plot_contour(landscape, [runs[name] for name in names], ax, bounds=((1.0, 2.8), (-0.5, 0.9)), levels=20)
    ax.set_title("near the minimum: " + ", ".join(names), fontsize=10)
plt.show()

print(f"lr for SGD and momentum: 1/L = {lr_sgd:.3f}")
print(f"{'optimizer':10s} {'f - f* after 200':>17s} {'first step with f - f* < 1e-3':>31s}")
for name, r in runs.items():
    gap = r.loss - landscape.min_value
    reached = np.flatnonzero(gap < 1e-3)
    final = f"{gap[-1]:.1e}" if abs(gap[-1]) > 1e-12 else "< 1e-12"     # below that: rounding, no digits
    print(f"{name:10s} {final:>17s} {(str(reached[0]) if reached.size else 'never'):>31s}")
"""),
    md(r"""
How to read it (the second figure zooms in on the last part of six of the paths), optimizer by optimizer:

- **SGD** follows the valley floor; once in the bowl of the minimum it converges fast, because $1/L$ is
  well matched to this smooth surface.
- **Momentum** and **Nesterov** gather speed on the long slope, overshoot and circle the minimum;
  Nesterov's look-ahead damps the circling much sooner (lesson 04).
- **AdaGrad** starts like the other adaptive methods, then its rate decays like $1/\sqrt t$ (section 2)
  and it is still far from the minimum after 200 steps.
- **AdaDelta** has hardly left the start: its first steps are about 0.003 long (section 4).
- **RMSProp** gets to the minimum quickly, then **keeps jumping** around it: its steps are about $\eta$
  whatever the gradient, and without momentum nothing averages the jumps out; its loss stalls.
- **Adam**, **AMSGrad** and **AdamW** (one colour, three line styles) overshoot more than RMSProp on
  arrival, then swing back and forth through the minimum with a slowly shrinking amplitude: the momentum
  turns RMSProp's jumping into a smooth, damped oscillation. On a
  deterministic 2-D surface the three paths are nearly indistinguishable; their differences show on
  noisy, high-dimensional problems. One difference is visible in the loss: AdamW levels off around
  $10^{-5}$, because its decay keeps pulling towards the origin, so it settles slightly off the minimum.
  Weight decay changes the problem being solved.

This ranking belongs to these hyperparameters on this surface. A fair comparison tunes each optimizer
and averages over many surfaces and starts: that is lesson 09.

**Experiment.** The playground below runs the same surface from the same start, but it begins with the
course's *suggested* hyperparameters, which scale each learning rate to the width of the window
(`optcourse.runner.suggested_hyperparameters`): AdaGrad gets $\eta = 0.6$ instead of 0.1, AdaDelta
$\eta = 6$ instead of 1, RMSProp PyTorch's $\rho = 0.99$. Compare with the race above: AdaGrad and AdaDelta
now reach the minimum. Then switch optimizers on and off, pick other surfaces, drag the start, and change
any hyperparameter. Things to try: lower Adam's `lr` and watch its orbit shrink; set RMSProp's `alpha`
back to 0.9; turn on AMSGrad and AdamW and look for any difference from Adam.
"""),
    code(r"""
Playground("random (seed 4)", ["SGD", "Momentum", "Adagrad", "Adadelta", "RMSprop", "Adam"], steps=200,
           start=start, surfaces={"random (seed 4)": lambda: random_surface(4), **PLAYGROUND_SURFACES})
"""),
    md(r"""
## Summary

- **Per-parameter rates.** Gradients of a network's parameters differ by orders of magnitude. Adaptive
  methods divide each parameter's gradient by a running measure of its own size, so every parameter
  moves by about $\eta$ per step and rescaling a gradient changes nothing. They rescale coordinates,
  not directions: a diagonal preconditioner.
- **AdaGrad** divides by $\sqrt{\sum g^2}$. Its rate only falls, like $1/\sqrt t$ under noise: to
  nothing. Good for convex problems with sparse features, short-winded on long non-convex roads.
- **RMSProp** divides by the root of an exponential moving average, a window of about $1/(1-\rho)$ steps,
  so the rate follows the current gradient size. Without correction its first steps are too large.
- **AdaDelta** fixes the units of the step with the RMS of recent steps, $\Delta\theta = -\frac{\mathrm{RMS}[\Delta\theta]_{t-1}}{\mathrm{RMS}[g]_t}\,g$,
  but that scale starts at $\sqrt\epsilon$ and grows only like $\sqrt{(1-\rho)\epsilon t}$: the slow start.
- **Adam** is RMSProp with momentum and bias correction. Since $m_0 = v_0 = 0$,
  $\mathbb E[m_t] = (1-\beta_1^t)\,\mathbb E[g]$ and $\mathbb E[v_t] = (1-\beta_2^t)\,\mathbb E[g^2]$;
  dividing by these factors makes both unbiased. Without it, the early steps would be up to 6.6 times
  too large (defaults). The correction folds into two scalars.
- **AMSGrad** divides by the largest second moment so far, so rates never grow back; this fixes Adam's
  convergence to the wrong point on Reddi et al.'s problem.
- **AdamW** applies weight decay outside the adaptive step. Adam + L2 divides the decay by
  $\sqrt{\hat v}$, crushing parameters with small gradients and sparing those with large ones; AdamW
  decays every parameter by $\eta\lambda$ per step.
- **$\epsilon$** sits outside the root after correction (paper, PyTorch, optax's `eps`), inside the root
  (optax's `eps_root`, RMSProp and AdaGrad in optax, AdaDelta), or before the correction (TensorFlow,
  Keras). Its place decides below which gradient size a parameter stops being treated adaptively.

Next: lesson 06 uses the curvature itself, not a diagonal estimate of the gradient's size: Newton and
quasi-Newton methods.

## Papers

- J. Duchi, E. Hazan, Y. Singer. *Adaptive subgradient methods for online learning and stochastic
  optimization.* Journal of Machine Learning Research 12 (2011), 2121-2159. (AdaGrad)
- T. Tieleman, G. Hinton. *Lecture 6.5, rmsprop: divide the gradient by a running average of its recent
  magnitude.* COURSERA: Neural Networks for Machine Learning (2012). (RMSProp)
- M. D. Zeiler. *ADADELTA: an adaptive learning rate method.* arXiv:1212.5701 (2012).
- A. Graves. *Generating sequences with recurrent neural networks.* arXiv:1308.0850 (2013). (centered RMSProp)
- D. P. Kingma, J. Ba. *Adam: a method for stochastic optimization.* ICLR 2015, arXiv:1412.6980.
  (Algorithm 1, the bias correction in section 3, the step bounds in section 2.1.)
- S. J. Reddi, S. Kale, S. Kumar. *On the convergence of Adam and beyond.* ICLR 2018. (AMSGrad)
- I. Loshchilov, F. Hutter. *Decoupled weight decay regularization.* ICLR 2019, arXiv:1711.05101. (AdamW)
"""),
]


def source_notebook():
    nb = new_notebook(cells=CELLS)
    for number, cell in enumerate(nb.cells):   # stable ids, so that rebuilding changes nothing by itself
        cell.id = f"adaptive-{number:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main():
    nb = source_notebook()
    # the kernel runs in the lesson folder: let it find optcourse from there
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    os.environ.setdefault("MPLBACKEND", "Agg")  # as the test suite runs it; the lesson picks the inline backend
    LESSON.mkdir(parents=True, exist_ok=True)
    # No saved widget state: it would store each widget's picture a second time; without a live kernel,
    # JupyterLab shows the static PNG that every optcourse widget puts in its output.
    NotebookClient(nb, timeout=60, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(LESSON)}}).execute()
    for cell in nb.cells:                       # keep the saved notebook free of run-specific metadata
        cell.metadata.pop("execution", None)
    (LESSON / f"{NAME}.ipynb").write_text(notebook_text(nb))


if __name__ == "__main__":
    main()
