"""Build lesson 03, "The landscape of deep networks": write the notebook cell by cell and execute it.

    PYTHONPATH=. python solutions/03-landscape-build.py      # then: python -m optcourse.course release

The script lives beside the lesson folder, not in it: every file in ``solutions/03-landscape/`` is
copied to the students' ``lessons/``, and this script holds the solutions.
"""
import os
import sys
from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_notebook

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "solutions" / "03-landscape"
sys.path.insert(0, str(ROOT))
from optcourse.course.release import notebook_text  # noqa: E402
from optcourse.course.authoring import answer, code, locked, md, tests  # noqa: E402


CELLS = [
    md(r"""
# 03. The landscape of deep networks

Gradient descent sees only the ground under its feet: the loss and its slope at one point. Whether
that is enough depends on the shape of the whole landscape, and a deep network's landscape is
not a bowl. This lesson looks at that landscape on a real network trained on real data, and asks
three questions:

1. **Are there many minima?** Yes, infinitely many, but most of them are *the same network* written
   differently. We find two symmetries that produce them and check both numerically.
2. **Do bad minima block the way?** Along the straight line from a random start to a trained solution
   there is no wall of minima to climb (Goodfellow et al. 2014). The difficulty is elsewhere.
3. **Then what makes training hard?** Ill-conditioning: on elongated valleys the gradient does not
   point at the minimum (up to 90 degrees off), and it turns as we step along it. The Hessian measures
   both.

**Learning goals.** After this lesson you can

- explain *model identifiability*: why permuting hidden units ($n!$ ways per layer) and rescaling a
  ReLU unit by $k$ and $1/k$ leave a network's function unchanged, and check it in code;
- tell *equivalent* minima (harmless) from *spurious* ones (worse than the best), and explain why
  equivalent minima alone make the loss non-convex;
- draw and read the loss along the line between an initialisation and a solution;
- compute the angle between $-\nabla f$ and the direction to the minimum of a quadratic, derive its
  worst case in terms of the condition number, and say what the Hessian has to do with it.

Run the cells from top to bottom. Exercises are marked **Exercise**: write your answer in the cell
that says `YOUR CODE HERE`, then run the cell below it to check.
"""),
    locked(r"""
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from optcourse import optim
from optcourse.data import load_digits, train_test_split
from optcourse.landscape_widgets import ConditioningWidget, gradient_turn, worst_descent_angle
from optcourse.network import (MLP, flatten, hessian_extreme_eigenvalues, loss_along_line,
                               permute_hidden_units, rescale_hidden_unit)
from optcourse.plots import PALETTE, draw_landscape, plot_interpolation
from optcourse.surfaces import quadratic
from optcourse.training import train
from selfcheck import check

matplotlib.use("module://matplotlib_inline.backend_inline")      # figures in the notebook, wherever it runs
plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6.4, 3.6), "axes.grid": True, "grid.color": "0.9"})
"""),
    md(r"""
## 1. A small network on real data

Everything in this lesson happens on one network: the 1,797 handwritten digits shipped with
`optcourse` (8x8 pixels, so 64 inputs), two hidden ReLU layers of 32 and 16 units, and 10 outputs,
one per digit. The loss is the softmax cross-entropy. We keep the random starting point
$\theta_0$ (`theta_init`) and train with Adam for ten epochs to get a solution $\theta^*$ (`theta_star`).
"""),
    code(r"""
X, y = load_digits()
(X_train, y_train), (X_test, y_test) = train_test_split(X, y, test_fraction=0.2, seed=0)

net = MLP([64, 32, 16, 10], seed=0)
theta_init = net.get_flat()
initial_loss = net.loss(X_train, y_train)
history = train(net, X_train, y_train, optim.Adam, optimizer_options=dict(lr=1e-2), epochs=10,
                batch_size=32, seed=0, test=(X_test, y_test))
theta_star = net.get_flat()

print(net)
print(f"training loss: {initial_loss:.3f} at the start, {history.epoch_loss[-1]:.3f} after {history.steps} Adam steps")
print(f"test accuracy: {history.test_accuracy[-1]:.1%}")
"""),
    md(r"""
A loss of $\log 10 \approx 2.30$ is what a network that guesses uniformly among the ten digits gets;
the untrained network is about there. After training it recognises about 96% of digits it has
never seen. Now: how many *other* parameter vectors are exactly as good as `theta_star`?

## 2. Many minima, one network: model identifiability

A model is *identifiable* when different parameters always give different functions. Neural
networks are not: many parameter vectors compute exactly the same function, so they have exactly
the same loss on every data set: training, validation and test. Two symmetries cause this.

### 2.1 Reordering hidden units

Write one hidden layer as $a_l = \mathrm{relu}(a_{l-1} W_l + b_l)$, followed by
$z_{l+1} = a_l W_{l+1} + b_{l+1}$. Unit $j$ of layer $l$ owns three things: column $j$ of $W_l$
(its incoming weights), entry $j$ of $b_l$ (its bias) and row $j$ of $W_{l+1}$ (its outgoing
weights). Nothing in the network says which unit is "first". Reorder the units with a permutation
matrix $P$ (a single 1 in every row and column, so $P P^\top = I$):

$$W_l \to W_l P, \qquad b_l \to b_l P, \qquad W_{l+1} \to P^\top W_{l+1}.$$

ReLU acts entry by entry, so it does not care about order: $\mathrm{relu}(zP) = \mathrm{relu}(z)P$.
The layer's output is reordered, $a_l \to a_l P$, and the next layer undoes the reordering:

$$a_l P \, P^\top W_{l+1} = a_l W_{l+1}.$$

`optcourse.network.permute_hidden_units` does this. Let us shuffle the first hidden layer of the
trained network and compare.
"""),
    code(r"""
perm = np.random.default_rng(1).permutation(32)
twin = permute_hidden_units(net, 0, perm)

same_outputs = np.allclose(twin.forward(X), net.forward(X), rtol=0, atol=1e-12)
distance = np.linalg.norm(twin.get_flat() - theta_star)
print("permutation of layer 1:", perm[:8], "...")
print("same outputs on all 1,797 digits:", same_outputs)
print(f"training losses: {net.loss(X_train, y_train):.4f} and {twin.loss(X_train, y_train):.4f}")
print(f"yet the two parameter vectors are {distance:.1f} apart (|theta*| = {np.linalg.norm(theta_star):.1f})")
"""),
    md(r"""
### Exercise 1 (2 points): permute a hidden layer yourself

Write `permute_layer(params, layer, perm)`. `params` is a list `[W_1, b_1, W_2, b_2, ...]` as in
`net.params` (`W_l` has shape `(inputs, units)`, `b_l` shape `(units,)`), `layer` counts hidden layers
from 0, and unit `j` of the new layer must be unit `perm[j]` of the old one. Return a **new** list of
arrays; leave the arrays you were given unchanged.
"""),
    answer("permute-layer", r'''
def permute_layer(params, layer, perm):
    """A new list [W_1, b_1, ...] with the units of hidden layer `layer` reordered by perm."""
    ### BEGIN SOLUTION
    perm = np.asarray(perm)
    new = [p.copy() for p in params]
    W_in, b, W_out = params[2 * layer], params[2 * layer + 1], params[2 * layer + 2]
    new[2 * layer] = W_in[:, perm]            # incoming weights: columns
    new[2 * layer + 1] = b[perm]              # biases
    new[2 * layer + 2] = W_out[perm, :]       # outgoing weights: rows
    return new
    ### END SOLUTION
'''),
    tests("permute-layer-tests", 2, r'''
check("permute-layer", permute_layer)
### BEGIN HIDDEN TESTS
# a hand-worked layer of three units: unit j of the new layer is unit perm[j] of the old one
W1, b1 = np.array([[1.0, 2.0, 3.0]]), np.array([10.0, 20.0, 30.0])
W2, b2 = np.array([[1.0, -1.0], [2.0, -2.0], [3.0, -3.0]]), np.array([0.5, 0.25])
out = permute_layer([W1, b1, W2, b2], 0, np.array([2, 0, 1]))
np.testing.assert_array_equal(out[0], [[3.0, 1.0, 2.0]])
np.testing.assert_array_equal(out[1], [30.0, 10.0, 20.0])
np.testing.assert_array_equal(out[2], [[3.0, -3.0], [1.0, -1.0], [2.0, -2.0]])
np.testing.assert_array_equal(out[3], [0.5, 0.25])
np.testing.assert_array_equal(W1, [[1.0, 2.0, 3.0]])          # the input is untouched
# the function of a three-hidden-layer network is unchanged, for every hidden layer
deep = MLP([6, 5, 4, 3, 2], seed=7)
inputs = np.random.default_rng(8).normal(size=(20, 6))
for hidden in range(3):
    shift = np.roll(np.arange(deep.sizes[hidden + 1]), 1)     # a cyclic shift: never the identity
    moved = deep.copy()
    moved.set_flat(flatten(permute_layer(deep.params, hidden, shift)))
    np.testing.assert_allclose(moved.forward(inputs), deep.forward(inputs), atol=1e-12)
    assert not np.allclose(moved.get_flat(), deep.get_flat())
### END HIDDEN TESTS
'''),
    md(r"""
**How many copies?** A hidden layer of $n$ units can be reordered in $n! = n(n-1)\cdots 1$ ways,
and the layers can be reordered independently. So our trained network is one of a huge number of
parameter vectors with exactly its loss, each a separate minimum of the same depth.

Networks with an *odd* activation, $\sigma(-z) = -\sigma(z)$ such as $\tanh$, have one more discrete
symmetry: flip the signs of a unit's incoming weights, bias and outgoing weights together,
$-w_{\text{out}}\,\tanh(-(a w_{\text{in}} + b)) = w_{\text{out}}\,\tanh(a w_{\text{in}} + b)$.
(ReLU is not odd, so this flip changes a ReLU network.)

### Exercise 2 (1 point): count the equivalent networks

Write `count_equivalent(hidden_widths, odd_activation=False)`: the number of distinct parameter
vectors that these two discrete symmetries produce from one network with hidden layers of the
given widths (assume all units differ, so no two relabellings coincide). Return an exact `int`:
the numbers get large, and `math.factorial` is exact. Then look at the size of
`count_equivalent([32, 16])`, our network.
"""),
    answer("count-equivalent", r'''
def count_equivalent(hidden_widths, odd_activation=False):
    """How many parameter vectors compute the same function (permutations, and sign flips if odd)."""
    ### BEGIN SOLUTION
    total = 1
    for n in hidden_widths:
        total *= math.factorial(n) * (2**n if odd_activation else 1)
    return total
    ### END SOLUTION
'''),
    tests("count-equivalent-tests", 1, r'''
check("count-equivalent", count_equivalent)
### BEGIN HIDDEN TESTS
assert count_equivalent([]) == 1
assert count_equivalent([1]) == 1
assert count_equivalent([5]) == 120
assert count_equivalent([5], odd_activation=True) == 120 * 32
assert count_equivalent([4, 6]) == 24 * 720
assert count_equivalent([32, 16]) == 263130836933693530167218012160000000 * 20922789888000
assert count_equivalent([10, 10, 10], True) == (3628800 * 1024) ** 3
assert isinstance(count_equivalent([3, 3]), int)
### END HIDDEN TESTS
'''),
    md(r"""
### 2.2 Rescaling a ReLU unit

ReLU has a continuous symmetry too. For any $k > 0$,

$$\mathrm{relu}(kz) = \max(0, kz) = k\max(0, z) = k\,\mathrm{relu}(z),$$

so multiplying a unit's incoming weights and bias by $k$ and dividing its outgoing weights by $k$
changes nothing downstream:

$$\tfrac{1}{k}\,w_{\text{out}}\,\mathrm{relu}\big(k(a\,w_{\text{in}} + b)\big) = w_{\text{out}}\,\mathrm{relu}(a\,w_{\text{in}} + b).$$

SymPy confirms the identity, one sign of $z$ at a time, and shows that it fails for $k < 0$:
"""),
    code(r"""
z_pos, z_neg = sp.Symbol("z", positive=True), sp.Symbol("z", negative=True)
k, k_neg = sp.Symbol("k", positive=True), sp.Symbol("k", negative=True)
relu = lambda u: sp.Max(0, u)

for z in (z_pos, z_neg):
    print(f"z {'> 0' if z.is_positive else '< 0'}:  relu(k z) - k relu(z) = {relu(k * z) - k * relu(z)},"
          f"  with k < 0: {relu(k_neg * z) - k_neg * relu(z)}")
"""),
    md(r"""
So every hidden unit carries a whole curve of equivalent parameter vectors, one for each $k > 0$:
our 48 hidden units give a 48-dimensional family of minima with exactly the same loss. Minima of
a ReLU network are never isolated points. Below we scale every unit of the first hidden layer by the
same $k$ and walk along that curve, and compare with walking the same distance in a random
direction.
"""),
    code(r"""
def rescale_layer(network, layer, k):
    '''Every unit of one hidden layer rescaled by k (incoming weights and bias) and 1/k (outgoing).'''
    for unit in range(network.sizes[layer + 1]):
        network = rescale_hidden_unit(network, layer, unit, k)
    return network


ks = np.geomspace(0.25, 4.0, 13)
rescaled = [rescale_layer(net, 0, k) for k in ks]
along_curve = [r.loss(X_train, y_train) for r in rescaled]
distances = np.array([np.linalg.norm(r.get_flat() - theta_star) for r in rescaled])

direction = np.random.default_rng(2).normal(size=net.n_params)
direction /= np.linalg.norm(direction)
_, along_random = loss_along_line(net, theta_star, theta_star + direction, X_train, y_train, distances)

fig, ax = plt.subplots(figsize=(6.4, 3.4))
ax.plot(distances, along_random, "o-", color=PALETTE["rose"], markersize=4, label="a random direction")
ax.plot(distances, along_curve, "s-", color=PALETTE["indigo"], markersize=4,
        label="rescaling layer 1 by k and 1/k (k from 1/4 to 4)")
ax.set(xlabel="distance from θ*", ylabel="training loss", yscale="log",
       title="Two ways to leave the trained network")
ax.legend(fontsize=8)
plt.show()
print("the loss along the rescaling curve changes by less than 1e-12:", bool(np.ptp(along_curve) < 1e-12))
print(f"the farthest rescaled network (k = {ks[np.argmax(distances)]:g}) is {distances.max():.0f} from θ*, "
      f"and |θ*| = {np.linalg.norm(theta_star):.0f}")
"""),
    md(r"""
The rescaled networks lie up to twice $\lvert\theta^*\rvert$ away from $\theta^*$, and their loss does
not move (up to rounding). A random step of the same length makes the network useless. Distance in
parameter space says little about how different two networks are.

### 2.3 Equivalent minima are harmless, but they make the loss non-convex

Equivalent minima are no obstacle: whichever copy training finds, it is the same function, with
the same training, validation and test error. But their mere existence says something about the
landscape. A convex function's minimisers form a convex set: if $\theta^*$ and its permuted twin
$P\theta^*$ were both minima of a convex loss, every point on the segment between them would be a
minimum too. Let us look.
"""),
    code(r"""
alphas_twin = np.linspace(-0.25, 1.25, 31)
_, between_twins = loss_along_line(net, theta_star, twin.get_flat(), X_train, y_train, alphas_twin)

ax = plot_interpolation(alphas_twin, {"training loss": between_twins}, marks={0.0: "θ*", 1.0: "permuted θ*"})
ax.figure.set_size_inches(6.4, 3.2)
ax.set_title("From the trained network to its permuted twin")
plt.show()
print(f"loss at both ends {between_twins[5]:.3f}, halfway {between_twins[15]:.3f}")
"""),
    md(r"""
Halfway between the twins, each unit's weights are averaged with those of the unit it was swapped
with: a different, worse network.
Whenever a landscape has two separate minima of equal depth there must be a hill between them,
so **symmetry alone makes the loss of a neural network non-convex**, before any question of bad
minima arises.

## 3. Spurious minima versus equivalent ones

The minima that *would* hurt are **spurious** local minima: points where every small step raises
the loss, but whose loss is higher than the best achievable. Gradient descent, seeing only local
information, would stop there for good. For years, practitioners blamed failed trainings on them.

How common are they in real networks? This is not fully settled. Small networks can have them
(Safran and Shamir 2018 construct two-layer ReLU networks where they are common), and a ReLU unit
that is off for every input (a "dead" unit) gets no gradient at all. But for large networks the
evidence is that most local minima have a loss close to the global one (Choromanska et al. 2015),
and that most critical points with high loss are saddles, not minima (Dauphin et al. 2014, and the
$3^{-d}$ counting argument of lesson 02).

A cheap experiment in that spirit: train the same network from three different random starts.
"""),
    code(r"""
solutions = {0: net}
for seed in (1, 2):
    other = MLP([64, 32, 16, 10], seed=seed)
    train(other, X_train, y_train, optim.Adam, optimizer_options=dict(lr=1e-2), epochs=10, batch_size=32, seed=seed)
    solutions[seed] = other

print("seed   training loss   test accuracy   distance from the seed-0 solution")
for seed, solution in solutions.items():
    gap = np.linalg.norm(solution.get_flat() - theta_star)
    print(f"{seed:4d}   {solution.loss(X_train, y_train):13.3f}   {solution.accuracy(X_test, y_test):13.1%}"
          f"   {gap:10.1f}")
"""),
    md(r"""
The three solutions are far apart in parameter space (further apart than the size of
$\theta^*$), yet about equally good: none of the three runs got stuck at a poor loss. (The distance
alone cannot tell us whether they are near-copies under a permutation and rescaling; section 2
showed that such copies can be far apart too.) This does not prove that there are no spurious minima; it shows
that on this problem, gradient-based training did not meet any that mattered. So what *does* make
training slow? The next experiment separates two suspects: bad minima, and not knowing which
way to go.

## 4. The straight line from the start to the solution

Goodfellow, Vinyals and Saxe (2014) asked: if we *knew* the direction to a good solution, would
local minima or other obstacles still block the way? They evaluated the loss on the straight line
through the initialisation $\theta_0$ and the solution $\theta^*$,

$$\theta(\alpha) = (1 - \alpha)\,\theta_0 + \alpha\,\theta^*,$$

where $\alpha = 0$ is the random start, $\alpha = 1$ the trained network, and values outside $[0, 1]$
continue the line beyond both ends. A wall of local minima between the two would show up as bumps
on this curve.

### Exercise 3 (2 points): the loss along a line

Write `line_loss(sizes, theta_start, theta_end, X, y, alphas)`: the loss of the network `MLP(sizes)`
at $\theta(\alpha) = (1-\alpha)\,\theta_{\text{start}} + \alpha\,\theta_{\text{end}}$ for each alpha, as
a NumPy array. (`net.set_flat(theta)` puts a flat vector into a network, `net.loss(X, y)` evaluates
it.)
"""),
    answer("line-loss", r'''
def line_loss(sizes, theta_start, theta_end, X, y, alphas):
    """Losses of MLP(sizes) at (1 - alpha) theta_start + alpha theta_end, one per alpha."""
    ### BEGIN SOLUTION
    probe = MLP(sizes)
    losses = []
    for alpha in alphas:
        probe.set_flat((1 - alpha) * theta_start + alpha * theta_end)
        losses.append(probe.loss(X, y))
    return np.array(losses)
    ### END SOLUTION
'''),
    tests("line-loss-tests", 2, r'''
check("line-loss", line_loss)
### BEGIN HIDDEN TESTS
# the ends of the line are the two networks themselves
ends = line_loss(net.sizes, theta_init, theta_star, X_test, y_test, np.array([0.0, 1.0]))
probe_net = MLP(net.sizes, seed=0)
assert abs(ends[0] - probe_net.loss(X_test, y_test)) < 1e-10
probe_net.set_flat(theta_star)
assert abs(ends[1] - probe_net.loss(X_test, y_test)) < 1e-10
# inside and beyond the segment, on a network and data it has not seen
rng = np.random.default_rng(12)
Xs, ys = rng.normal(size=(30, 5)), rng.integers(0, 4, size=30)
a, b = MLP([5, 7, 4], seed=3).get_flat(), MLP([5, 7, 4], seed=4).get_flat()
alphas_hidden = np.array([-1.5, -0.3, 0.25, 0.8, 1.7, 2.0])
got = line_loss([5, 7, 4], a, b, Xs, ys, alphas_hidden)
assert isinstance(got, np.ndarray) and got.shape == (6,)
np.testing.assert_allclose(got, loss_along_line(MLP([5, 7, 4]), a, b, Xs, ys, alphas_hidden)[1], rtol=1e-10)
### END HIDDEN TESTS
'''),
    md(r"""
### Exercise 4 (1 point): predict, then check

Before you compute anything, predict. The loss is about 2.3 at $\alpha = 0$ and about 0.03 at
$\alpha = 1$.

- (a) Is the loss at $\alpha = 0.5$ **below** the *chord*, the straight line between the two ends,
  i.e. below $(L(0) + L(1))/2$?
- (b) Is the curve **convex** on $[0, 1]$ (shaped like a bowl: every chord above the curve)?

Write your predictions and your reasons in the cell below (not graded), then check them.
"""),
    answer("interpolation-prediction", r"""
(a) Below the chord: most of the gain of training is reached well before the end of the line.
(b) Not convex: the loss first stays almost flat near the random start, then drops steeply, then
levels off near the solution, so it bends both ways.
""", markdown=True),
    md(r"""
Now compute `losses_01`, the training loss at the 21 points `alphas_01` (use the library's
`loss_along_line` or your `line_loss`), then `below_chord` and `convex_on_segment` (both `bool`).
On an evenly spaced grid a curve is convex when its second differences
$L_{i+1} - 2L_i + L_{i-1}$ (`np.diff(losses, 2)`) are all $\ge 0$.
"""),
    locked(r"""
alphas_01 = np.linspace(0.0, 1.0, 21)
"""),
    answer("interpolation-shape", r'''
### BEGIN SOLUTION
_, losses_01 = loss_along_line(net, theta_init, theta_star, X_train, y_train, alphas_01)
below_chord = bool(losses_01[10] < (losses_01[0] + losses_01[-1]) / 2)
convex_on_segment = bool(np.all(np.diff(losses_01, 2) >= 0))
### END SOLUTION
'''),
    tests("interpolation-shape-tests", 1, r'''
check("interpolation-shape", (losses_01, below_chord, convex_on_segment))
### BEGIN HIDDEN TESTS
_, truth = loss_along_line(net, theta_init, theta_star, X_train, y_train, np.linspace(0.0, 1.0, 21))
np.testing.assert_allclose(np.asarray(losses_01, dtype=float), truth, rtol=1e-8)
assert bool(below_chord) == bool(truth[10] < (truth[0] + truth[-1]) / 2)
assert bool(convex_on_segment) == bool(np.all(np.diff(truth, 2) >= 0))
### END HIDDEN TESTS
'''),
    md(r"""
Now the whole picture, as Goodfellow et al. drew it: $\alpha$ from $-2$ to $2$, on the training and
the test data, and beside it the slope of the loss *along the line*,
$\frac{dL}{d\alpha} = \nabla L(\theta(\alpha))^\top(\theta^* - \theta_0)$.
"""),
    code(r"""
alphas = np.linspace(-2.0, 2.0, 41)
probe = MLP(net.sizes)                     # a network to evaluate other parameter vectors with
train_line, gradients = [], []
for a in alphas:
    probe.set_flat((1 - a) * theta_init + a * theta_star)
    loss, grads = probe.loss_and_gradient(X_train, y_train)
    train_line.append(loss)
    gradients.append(flatten(grads))
train_line = np.array(train_line)
slopes = np.array(gradients) @ (theta_star - theta_init)          # dL/dα at every α
_, test_line = loss_along_line(net, theta_init, theta_star, X_test, y_test, alphas)
flat = (np.abs(slopes) < 0.25) & (alphas < 0.5)                    # the plateau behind the start

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
plot_interpolation(alphas, {"training loss": train_line, "test loss": test_line}, ax=left, log=True)
left.set_title("Loss along θ(α) = (1 − α) θ₀ + α θ*")
right.plot(alphas, slopes, color=PALETTE["indigo"], linewidth=1.8)
right.axhline(0.0, color="0.4", linewidth=0.8)
right.set(xlabel="α", ylabel="dL/dα", title="Slope along the line")
for ax in (left, right):
    ax.axvspan(alphas[flat].min(), alphas[flat].max(), color=PALETTE["sand"], alpha=0.5, zorder=0)
plt.show()

inside = (alphas >= 0) & (alphas <= 1)
flattest = np.argmin(np.where(flat, np.abs(slopes), np.inf))
print("loss strictly decreasing from α = 0 to α = 1:", bool(np.all(np.diff(train_line[inside]) < 0)))
print(f"flat stretch (sand): α from {alphas[flat].min():.2f} to {alphas[flat].max():.2f}, loss "
      f"{train_line[flat].min():.2f} to {train_line[flat].max():.2f}")
print(f"at its flattest, α = {alphas[flattest]:.2f}: dL/dα = {slopes[flattest]:.3f} but |∇L| = "
      f"{np.linalg.norm(gradients[flattest]):.2f} (at α = 0: {np.linalg.norm(gradients[20]):.2f})")
print(f"lowest training loss on the line at α = {alphas[np.argmin(train_line)]:.2f}")
"""),
    md(r"""
What the figure says:

- **No wall of minima.** From $\alpha = 0$ to $\alpha = 1$ the training loss only goes down. If
  we had known the direction, plain gradient descent along this line would have had nothing to
  climb. Goodfellow et al. found the same for a wide range of networks.
- **A flat region.** Just behind the starting point the curve is almost level (shaded sand), at a
  loss a little above $\log 10$, as bad as guessing. The slope along the line nearly vanishes there,
  though we are nowhere near a minimum, and the full gradient is not zero either: the region is
  flat along this line and tilted in other directions. Regions like it slow gradient descent down
  without trapping it; in many dimensions they are typically the neighbourhoods of saddle points
  (lesson 02), which have a way out.
- **Shape.** The curve is not a bowl: flat, then a steep drop, then a gentle approach, which is
  why it is not convex on $[0, 1]$ even though it lies below the chord.
- **The solution is not the bottom of the line.** The training loss keeps falling a little past
  $\alpha = 1$: ten epochs of Adam stopped before a minimum. The test loss rises sooner: going further
  would overfit.

So if minima are not the problem, what is? Goodfellow et al.'s answer is that the hard part is
finding the right *direction*. That is where conditioning comes in.

## 5. When the gradient points the wrong way: ill-conditioning

Near a minimum $x^*$ every smooth loss looks like a quadratic (lesson 02's Taylor expansion):

$$f(x) \approx f(x^*) + \tfrac12 (x - x^*)^\top H\,(x - x^*), \qquad \nabla f(x) = H\,(x - x^*).$$

The steepest-descent direction is $-\nabla f(x) = H\,(x^* - x)$. The direction we *want* is
$x^* - x$. They agree only when $H$ maps $x^* - x$ to a multiple of itself: always when
$H = cI$ (round contours), and otherwise only along the eigenvectors of $H$. The **condition
number** $\kappa = \lambda_{\max}/\lambda_{\min}$ of $H$ measures how elongated the contours are: the
valley is $\sqrt\kappa$ times longer than it is wide.

Below: $f = \frac12(x^2 + \kappa y^2)$ for $\kappa = 1$ and $\kappa = 10$, with $-\nabla f$ (black)
and the direction to the minimum (green) at eight points. For $\kappa = 1$ the two lie on top of
each other.
"""),
    code(r"""
fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), layout="constrained")
angles = np.radians(np.arange(8) * 45 + 20)
points = 2.2 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
for ax, kappa_value in zip(axes, (1.0, 10.0)):
    H = np.diag([1.0, kappa_value])
    draw_landscape(ax, quadratic(kappa_value, 0), n=120, levels=12)
    down = -points @ H
    down /= np.linalg.norm(down, axis=1, keepdims=True)
    to_min = -points / np.linalg.norm(points, axis=1, keepdims=True)
    ax.quiver(points[:, 0], points[:, 1], to_min[:, 0], to_min[:, 1], angles="xy", scale_units="xy", scale=1,
              color=PALETTE["green"], width=0.012)
    ax.quiver(points[:, 0], points[:, 1], down[:, 0], down[:, 1], angles="xy", scale_units="xy", scale=1,
              color="black", width=0.005)
    ax.set_aspect("equal")
    ax.set_title(f"κ = {kappa_value:.0f}: −∇f (black), towards x* (green)", fontsize=10)
plt.show()
"""),
    md(r"""
### Exercise 5 (2 points): the angle to the minimum

Write `descent_angle(H, x, x_star)`: the angle **in degrees** between $-\nabla f(x)$ and
$x^* - x$ for $f(x) = \frac12 (x - x^*)^\top H (x - x^*)$, in any dimension. The cosine of the angle
between vectors $a$ and $b$ is $a^\top b / (\lVert a\rVert\,\lVert b\rVert)$.
"""),
    answer("descent-angle", r'''
def descent_angle(H, x, x_star):
    """Degrees between -grad f(x) = H (x_star - x) and the direction x_star - x."""
    ### BEGIN SOLUTION
    d = np.asarray(x_star, dtype=float) - np.asarray(x, dtype=float)
    down = np.asarray(H, dtype=float) @ d
    cos = down @ d / (np.linalg.norm(down) * np.linalg.norm(d))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
    ### END SOLUTION
'''),
    tests("descent-angle-tests", 2, r'''
check("descent-angle", descent_angle)
### BEGIN HIDDEN TESTS
# round contours: straight at the minimum, from anywhere, in any dimension
assert abs(descent_angle(4.0 * np.eye(3), np.array([1.0, -2.0, 3.0]), np.zeros(3))) < 1e-6
# on an eigenvector of H: straight at the minimum
assert abs(descent_angle(np.diag([1.0, 100.0]), np.array([0.0, 5.0]), np.zeros(2))) < 1e-6
# hand-worked: H = diag(1, 9), x - x* = (3, 1): -grad = -(3, 9), direction -(3, 1)
# cos = (9 + 9) / (sqrt(90) sqrt(10)) = 18 / 30
assert abs(descent_angle(np.diag([1.0, 9.0]), np.array([4.0, 2.0]), np.array([1.0, 1.0]))
           - math.degrees(math.acos(0.6))) < 1e-9
# the worst point for kappa = 100 (tan^2 phi = 1 / kappa) is 78.58 degrees off
got = descent_angle(np.diag([1.0, 100.0]), np.array([1.0, 0.1]), np.zeros(2))
assert abs(got - math.degrees(math.acos(20 / 101))) < 1e-9
### END HIDDEN TESTS
'''),
    md(r"""
### How bad can it get?

Take $H = \mathrm{diag}(1, \kappa)$ and stand in the direction $\varphi$ from the minimum, so that
$x^* - x \propto d = (\cos\varphi, \sin\varphi)$. SymPy gives the cosine of the angle between
$-\nabla f \propto Hd$ and $d$:
"""),
    code(r"""
kappa, phi = sp.symbols("kappa phi", positive=True)
d = sp.Matrix([sp.cos(phi), sp.sin(phi)])
Hd = sp.diag(1, kappa) * d
cos_angle = sp.simplify(d.dot(Hd) / (sp.sqrt(d.dot(d)) * sp.sqrt(Hd.dot(Hd))))
cos_angle
"""),
    md(r"""
At $\varphi = 0$ and $\varphi = \pi/2$ (the two axes, the eigenvectors) it is 1. In between it dips;
the deepest dip is the worst case.

### Exercise 6 (2 points): derive the worst case

Find, with SymPy, `worst_cosine`: the smallest value of `cos_angle` over $\varphi \in [0, \pi/2]$, as a
simplified expression in `kappa` alone. (Hint: with $s = \tan^2\varphi$, $\cos^2$ of the angle is
a ratio of simple functions of $s$; minimise it in $s$.)
"""),
    answer("worst-cosine", r'''
### BEGIN SOLUTION
s = sp.Symbol("s", positive=True)                 # s = tan(phi)**2
cos_squared = (1 + kappa * s) ** 2 / ((1 + s) * (1 + kappa**2 * s))
s_worst = sp.solve(sp.diff(cos_squared, s), s)[0]
worst_cosine = sp.simplify(sp.sqrt(cos_squared.subs(s, s_worst)))
### END SOLUTION
worst_cosine
'''),
    tests("worst-cosine-tests", 2, r'''
check("worst-cosine", worst_cosine)
### BEGIN HIDDEN TESTS
kappa_hidden = sp.Symbol("kappa", positive=True)
assert worst_cosine.free_symbols == {kappa_hidden}
assert sp.simplify(worst_cosine - 2 * sp.sqrt(kappa_hidden) / (1 + kappa_hidden)) == 0
assert sp.limit(worst_cosine, kappa_hidden, sp.oo) == 0
assert sp.simplify(worst_cosine.subs(kappa_hidden, 1)) == 1
### END HIDDEN TESTS
'''),
    md(r"""
The worst angle, the arccosine of your `worst_cosine`, grows with the condition number and tends to
90 degrees: on a long, narrow valley there are places where $-\nabla f$ points almost straight across
the valley instead of along it. The figure draws it with `optcourse.landscape_widgets.worst_descent_angle`.
The same bound holds in any dimension, with $\kappa = \lambda_{\max}/\lambda_{\min}$ (it is a form of the
Kantorovich inequality).
The grey dots are the angles at 200 random points around a random 10-dimensional quadratic with that
condition number: the worst case is a bound that random points get close to.
"""),
    code(r"""
kappas = np.geomspace(1, 1e4, 60)
worst = [worst_descent_angle(value) for value in kappas]

rng = np.random.default_rng(3)
sampled_kappa, sampled_angle = [], []
for value in np.geomspace(1.5, 1e4, 12):
    Q, _ = np.linalg.qr(rng.normal(size=(10, 10)))
    H = Q @ np.diag(np.geomspace(1.0, value, 10)) @ Q.T
    for x in rng.normal(size=(200, 10)):
        down = -H @ x
        sampled_kappa.append(value)
        sampled_angle.append(np.degrees(np.arccos(down @ -x / np.linalg.norm(down) / np.linalg.norm(x))))

fig, ax = plt.subplots(figsize=(6.4, 3.4))
ax.plot(sampled_kappa, sampled_angle, ".", color="0.6", markersize=3, label="random points, 10-D quadratics")
ax.plot(kappas, worst, color=PALETTE["wine"], linewidth=2, label="worst case (Exercise 6)")
ax.axhline(90, color="0.4", linestyle=":", linewidth=1)
ax.set(xscale="log", xlabel="condition number κ", ylabel="angle between −∇f and x* − x (°)",
       ylim=(0, 95), yticks=[0, 30, 60, 90])
ax.legend(fontsize=8, loc="lower right")
plt.show()
print(", ".join(f"κ = {value:g}: {worst_descent_angle(value):.1f}°" for value in (10, 100, 1000, 10000)))
"""),
    md(r"""
### The gradient turns under our feet

Worse, the direction changes as we move. Walk from $x$ along the first steepest-descent direction
$u = -\nabla f(x)/\lVert\nabla f(x)\rVert$. For the quadratic,

$$\nabla f(x + t u) = \nabla f(x) + t\,H u,$$

so the gradient changes at the rate $Hu$ per unit step, and this is exactly what the Hessian
measures: its entry $H_{ij} = \partial(\partial f/\partial x_j)/\partial x_i$ says how the $j$-th
component of the gradient changes when we move along $x_i$. The part of $Hu$ along $u$ changes the
slope ($u^\top H u$, the curvature along $u$); the part across $u$ *turns* the gradient. For round
contours $Hu \parallel u$ and nothing turns. At the lowest point of the line,
$t^* = \lVert\nabla f\rVert / (u^\top H u)$, the new gradient is perpendicular to $u$: it has turned a
full 90 degrees. Following the gradient step after step therefore zig-zags.
"""),
    code(r"""
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
H10, x_start = np.diag([1.0, 10.0]), np.array([2.2, 1.3])
g_start = H10 @ x_start
u = -g_start / np.linalg.norm(g_start)
t_star = np.linalg.norm(g_start) / (u @ H10 @ u)
ts = np.linspace(0.0, t_star, 6)
walk = x_start + ts[:, None] * u
down = -walk @ H10
down /= np.linalg.norm(down, axis=1, keepdims=True)
draw_landscape(left, quadratic(10, 0), n=120, levels=30, bounds=((0.4, 3.0), (-0.6, 1.6)))
left.plot(walk[:, 0], walk[:, 1], color="0.2", linewidth=1)
left.quiver(walk[:, 0], walk[:, 1], 0.3 * down[:, 0], 0.3 * down[:, 1], angles="xy", scale_units="xy",
            scale=1, color=PALETTE["rose"], width=0.008, zorder=5)
left.plot(*x_start, "o", color="white", markeredgecolor="black", zorder=6)
left.set_aspect("equal")
left.set_title("κ = 10: −∇f along the first steepest-descent line\n(the last arrow is at t*, across the walk)", fontsize=9)

for kappa_value, colour in ((1.0, "black"), (10.0, PALETTE["rose"]), (100.0, PALETTE["indigo"])):
    H = np.diag([1.0, kappa_value])
    turn = gradient_turn(H, x_start, np.linspace(0.0, 1.5, 301))
    right.plot(np.linspace(0.0, 1.5, 301), turn, color=colour, linewidth=1.8, label=f"κ = {kappa_value:g}")
right.axhline(90, color="0.4", linestyle=":", linewidth=1)
right.set(xlabel="distance walked t", ylabel="gradient has turned by (°)", ylim=(0, 180),
          yticks=[0, 45, 90, 135, 180], title="How far the gradient turns")
right.legend(fontsize=8)
plt.show()
"""),
    md(r"""
For $\kappa = 1$ the gradient never turns: the walk heads straight for the minimum. For $\kappa = 10$
it turns gradually; for $\kappa = 100$ it keeps its direction for most of the walk and then swings
through 90 degrees and beyond within a short stretch, where the walk crosses the floor of the narrow
valley. Past $t^*$ the gradient points back up the way we came.

### What the Hessian tells gradient descent

The eigenvalues of $H$ are the curvatures along its eigenvectors. A gradient-descent step
$x \leftarrow x - \eta\nabla f$ multiplies the error along eigenvector $i$ by $1 - \eta\lambda_i$, so:

- it is stable only if $\eta < 2/\lambda_{\max}$ (the most curved direction sets the step size);
- along the flattest direction the error then shrinks by the factor $1 - \eta\lambda_{\min}$ per step,
  which is more than $1 - 2/\kappa$: the number of steps needed grows like $\kappa$.

The curvature we cannot exceed and the curvature we must make progress along differ by the factor
$\kappa$. Lesson 04 (momentum) and lesson 06 (Newton's method, which multiplies by $H^{-1}$ and makes
every direction round) are two answers.

### The network's Hessian

For the network, `net.hessian_vector_product` computes $H v$ exactly (Pearlmutter's trick) without
forming the $2{,}778 \times 2{,}778$ matrix, and Lanczos iteration finds its extreme eigenvalues from
a few dozen such products. First, a check of $\nabla L(\theta + t u) \approx \nabla L(\theta) + t\,Hu$
at the random start, for small and less small $t$:
"""),
    code(r"""
def gradient_at(theta):
    probe.set_flat(theta)
    return flatten(probe.loss_and_gradient(X_train, y_train)[1])


probe.set_flat(theta_init)
g0 = gradient_at(theta_init)
u = -g0 / np.linalg.norm(g0)
Hu = probe.hessian_vector_product(X_train, y_train, u)
for t in (1e-6, 1e-5, 1e-3, 1e-1):
    change = gradient_at(theta_init + t * u) - g0
    error = np.linalg.norm(change - t * Hu) / np.linalg.norm(change)
    print(f"t = {t:.0e}: relative error of the prediction t·Hu = {error:.0e}")
"""),
    md(r"""
For tiny steps the Hessian predicts the change of the gradient to six digits. By $t = 10^{-3}$
it no longer does: as $\theta$ moves, ReLU units switch on or off for some of the 1,437 training
digits, and each switch changes the gradient by a jump that the Hessian (the curvature *between*
such switches) cannot see. The Hessian is a local instrument. Over the distances an optimizer actually
steps, let us measure the turning directly, as we did on the quadratic:
"""),
    code(r"""
walk_lengths = np.linspace(0.0, 1.0, 21)
turn_network = []
for t in walk_lengths:
    g = gradient_at(theta_init + t * u)
    turn_network.append(math.degrees(math.acos(np.clip(g @ g0 / np.linalg.norm(g) / np.linalg.norm(g0), -1, 1))))
curvature = u @ Hu
print(f"|∇L(θ0)| = {np.linalg.norm(g0):.3f}, curvature along -∇L: uᵀHu = {curvature:.3f}")
print(f"the quadratic model's lowest point along that line: t* = |∇L| / uᵀHu = {np.linalg.norm(g0) / curvature:.2f}")

fig, ax = plt.subplots(figsize=(6.4, 3.2))
ax.plot(walk_lengths, turn_network, "o-", color=PALETTE["teal"], markersize=4)
ax.axhline(90, color="0.4", linestyle=":", linewidth=1)
ax.set(xlabel="distance walked along −∇L(θ₀)", ylabel="gradient has turned by (°)", ylim=(0, 120),
       title="The digits network, from its random start")
plt.show()
"""),
    md(r"""
After a walk of length 0.5, a small fraction of $\lvert\theta_0\rvert \approx 11$, the network's
gradient already points more than 90 degrees away from where it pointed at the start: we have passed
the lowest point of that line, and the slope we were following has turned into an uphill slope. The
quadratic model built from the Hessian at $\theta_0$ puts that point at $t^* \approx 1.1$, more than
twice as far: the landscape changes faster than its curvature at one point says.

Last, the extreme eigenvalues of the Hessian at the trained network, and at a rescaled twin that
computes *the same function* (section 2.2):
"""),
    code(r"""
low, high = hessian_extreme_eigenvalues(net, X_train, y_train, n_iter=30)
twin_low, twin_high = hessian_extreme_eigenvalues(rescale_layer(net, 0, 3.0), X_train, y_train, n_iter=30)
print(f"trained network θ*:          λ_min = {low:7.3f}, λ_max = {high:6.2f}")
print(f"layer 1 rescaled by k = 3:   λ_min = {twin_low:7.3f}, λ_max = {twin_high:6.2f}  (same loss, same outputs)")
print(f"largest stable learning rate of gradient descent, 2/λ_max: {2 / high:.2f} versus {2 / twin_high:.2f}")
"""),
    md(r"""
Three things to read here:

- $\lambda_{\min} < 0$: $\theta^*$ is not exactly a minimum. Along some direction the loss still curves
  down (ten epochs of Adam stop short; the curve of section 4 kept falling past $\alpha = 1$).
- The rescaling symmetry means that at an exact minimum $H$ has a zero eigenvalue for every hidden
  unit (moving along its rescaling curve does not change the loss), so $\lambda_{\max}/\lambda_{\min}$
  is unbounded: network Hessians are extremely ill-conditioned.
- The rescaled twin has the same loss and the same predictions but a much larger $\lambda_{\max}$,
  so gradient descent would need a smaller learning rate there. Curvature, and with it the
  difficulty of optimisation, depends on how a function is *parametrised*, not only on the function
  (Dinh et al. 2017 use this to show that "sharp" and "flat" minima can be the same network).

## 6. Experiment: the condition number, live

Move the sliders: the **condition number** $\kappa$, **where you start** (an angle on a circle around
the minimum) and **how far you walk** along the first $-\nabla f$, in units of the exact
line-search step $t^*$. Left: $-\nabla f$ (black), the direction to the minimum (green) and the
gradient along the walk (rose). Middle: the angle for every starting place, and the worst case
from Exercise 6. Right: how far the gradient has turned.

Things to try: set $\kappa = 1$ (both arrows agree everywhere); find the starting angle where the
angle peaks and compare it with $\tan^2\varphi = 1/\kappa$; raise $\kappa$ to 1000 and watch the
gradient keep its direction almost all the way, then flip within a tiny distance of $t^*$.
"""),
    code(r"""
ConditioningWidget(condition_number=10, position_degrees=30, walk=0.6)
"""),
    md(r"""
## Summary

- **Identifiability.** Reordering the units of a hidden layer ($n!$ ways per layer, and more for odd
  activations such as tanh) and rescaling a ReLU unit's incoming weights by $k > 0$ and outgoing
  weights by $1/k$ leave a network's function unchanged. A trained network is one point of a huge
  family of equally good parameter vectors, and its minima are never isolated.
- **Equivalent versus spurious minima.** Equivalent minima are harmless (same function, same error
  on every data set), but they force the loss to be non-convex: there is a hill between twins.
  Spurious minima, worse than the best, do exist in small networks, but independent trainings of
  our network all ended equally good.
- **The straight line** from a random start to a trained solution (Goodfellow et al. 2014) shows no
  wall of minima, only a flat region near the start and a non-convex, monotone descent.
- **Ill-conditioning.** On a quadratic, $-\nabla f = H(x^* - x)$, which points at the minimum only
  when the contours are round. The worst angle (Exercise 6) tends to 90 degrees as the condition
  number $\kappa = \lambda_{\max}/\lambda_{\min}$ grows. The gradient turns as we move, at the rate $Hu$; at
  the best point of a steepest-descent line it is perpendicular to the line. The step size is capped by
  $2/\lambda_{\max}$ while progress is set by $\lambda_{\min}$. Network Hessians have both huge spreads and
  negative eigenvalues, and their curvature depends on the parametrisation.

Next: lesson 04 gives gradient descent a memory (momentum) to damp the zig-zag across the valley.

## Papers

- I. J. Goodfellow, O. Vinyals, A. M. Saxe. *Qualitatively characterizing neural network optimization
  problems.* arXiv:1412.6544 (2014); ICLR 2015.
- Y. N. Dauphin, R. Pascanu, C. Gulcehre, K. Cho, S. Ganguli, Y. Bengio. *Identifying and attacking the
  saddle point problem in high-dimensional non-convex optimization.* NeurIPS 2014.
- A. Choromanska, M. Henaff, M. Mathieu, G. Ben Arous, Y. LeCun. *The loss surfaces of multilayer
  networks.* AISTATS 2015.
- I. Safran, O. Shamir. *Spurious local minima are common in two-layer ReLU neural networks.* ICML 2018.
- L. Dinh, R. Pascanu, S. Bengio, Y. Bengio. *Sharp minima can generalize for deep nets.* ICML 2017.
- B. A. Pearlmutter. *Fast exact multiplication by the Hessian.* Neural Computation 6(1), 1994.
- H. Li, Z. Xu, G. Taylor, C. Studer, T. Goldstein. *Visualizing the loss landscape of neural nets.*
  NeurIPS 2018 (how to draw 2-D slices of the landscape; see `optcourse.network.loss_surface`).
- J. Nocedal, S. J. Wright. *Numerical Optimization*, 2nd ed., Springer 2006, section 3.3 (the
  convergence rate of steepest descent and the condition number).
"""),
]


def source_notebook():
    nb = new_notebook(cells=CELLS)
    for number, cell in enumerate(nb.cells):   # stable ids, so that rebuilding changes nothing by itself
        cell.id = f"landscape-{number:02d}"
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
    (LESSON / "03-landscape.ipynb").write_text(notebook_text(nb))


if __name__ == "__main__":
    main()
