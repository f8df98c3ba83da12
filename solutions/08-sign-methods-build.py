"""Build lesson 08, "Sign-based optimizers": write the notebook cell by cell and execute it.

    PYTHONPATH=. python solutions/08-sign-methods-build.py      # then: python -m optcourse.course release

The script lives beside the lesson folder, not in it: every file in ``solutions/08-sign-methods/`` is
copied to the students' ``lessons/``, and this script holds the solutions.
"""
import os
import sys
from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_notebook

NAME = "08-sign-methods"
ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "solutions" / NAME
sys.path.insert(0, str(ROOT))
from optcourse.course.release import notebook_text  # noqa: E402
from optcourse.course.authoring import answer, code, locked, md, tests  # noqa: E402


CELLS = [
    md(r"""
# 08. Sign-based optimizers: signSGD, Signum, Lion and Tiger

Adam (lesson 05) divides each coordinate of the momentum by a running root-mean-square of the
gradient. When the gradient's size hardly changes from step to step, that ratio is close to $\pm 1$:
Adam is then nearly a **sign** method, moving every coordinate by about the learning rate. This lesson
takes the idea literally. It keeps only the sign and asks what that buys and what it costs:

- **signSGD** moves every coordinate by exactly $\eta$ in the direction of $-\mathrm{sign}(g)$. One bit
  per coordinate then describes a gradient, so workers that train one model together can send
  32 times fewer bits, and a **majority vote** combines them;
- **Signum** takes the sign of the momentum instead;
- **Lion**, found by a program search over update rules (Chen et al. 2023), takes the sign of a
  blend of momentum and gradient. It keeps one state array where Adam keeps two, and it needs no
  square root or division;
- **Tiger** (Su 2023) is Lion with a single $\beta$. That small change lets it hide gradient
  accumulation inside the momentum. Tiger also sets a separate learning rate for each kind of
  parameter, and it can train in half precision, where a sign update cannot underflow.

**Learning goals.** After this lesson you can

- write the updates of signSGD, Signum, Lion and Tiger, and say how each relates to the others and to
  AdamW;
- implement majority vote and count the bits it sends against full-precision averaging;
- pick Lion's hyperparameters from AdamW's (learning rate 3-10x smaller, weight decay as many times
  larger) and explain why Lion gains less, relative to AdamW, at small batch sizes;
- measure an optimizer's memory from its state arrays;
- show that Tiger's accumulation inside the momentum equals averaging the gradients of $k$ microbatches,
  and apply its per-parameter learning-rate rule;
- predict when a float16 update is lost, and describe Tiger's NaN rule.

Run the cells from top to bottom. Exercises are marked **Exercise**: write your answer in the cell
that says `YOUR CODE HERE`, then run the cell below it to check.
"""),
    locked(r"""
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")      # figures in the notebook, wherever it runs
import matplotlib.pyplot as plt
import numpy as np

from optcourse import optim
from optcourse.data import load_digits, minibatches, train_test_split
from optcourse.network import MLP
from optcourse.plots import PALETTE, line_kwargs, plot_race
from optcourse.runner import race
from optcourse.surfaces import quadratic
from optcourse.training import train
from optcourse.widgets import LionTigerWidget
from selfcheck import check

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6.4, 3.6), "axes.grid": True, "grid.color": "0.9"})

X, y = load_digits()                                              # 1797 handwritten digits, 8x8 pixels
(X_train, y_train), (X_test, y_test) = train_test_split(X, y, test_fraction=0.2, seed=0)
SIZES = [64, 32, 10]                                              # the network of every experiment below


def fit(optimizer, options, *, batch_size=64, epochs=10, max_steps=None, seed=0):
    # one training run of a fresh network (same initial weights every time); returns (network, history)
    net = MLP(SIZES, seed=0)
    history = train(net, X_train, y_train, optimizer, optimizer_options=options, epochs=epochs,
                    max_steps=max_steps, batch_size=batch_size, test=(X_test, y_test), seed=seed)
    return net, history
"""),
    md(r"""
## 1. signSGD and Signum

**signSGD** (Bernstein et al. 2018) keeps only the sign of each coordinate of the gradient:

$$\theta \leftarrow \theta - \eta\,\mathrm{sign}(g).$$

Every coordinate moves by exactly $\eta$, however large or small its gradient. (A coordinate whose
gradient is exactly 0 does not move.) The step is no longer proportional to the slope, so signSGD
does not slow down near a minimum. With a constant $\eta$ it ends up hopping around the minimum at a
distance of about $\eta$. That is why sign methods are run with small learning rates that decay.

**Signum** (same paper) takes the sign of the momentum, an exponential moving average of gradients:

$$m \leftarrow \beta m + (1-\beta)\,g, \qquad \theta \leftarrow \theta - \eta\,\mathrm{sign}(m).$$

The average cancels much of the noise before the sign is taken. On an elongated quadratic bowl, the
two compare with plain gradient descent as follows (each with the learning rate
`optcourse.runner.suggested_hyperparameters` picks for the surface):
"""),
    code(r"""
bowl = quadratic(10, 30)                       # condition number 10, axes turned by 30 degrees
runs = race(bowl, ["SGD", "SignSGD", "Signum"], steps=150)
plot_race(bowl, runs)
plt.show()
for label, r in runs.items():
    print(f"{label:8s} lr = {r.hyperparameters['lr']:.3g}   loss after 150 steps = {r.loss[-1]:.2e}")
"""),
    md(r"""
Both sign methods move along diagonals: every step is $\eta(\pm 1, \pm 1)$, a vector of length
$\eta\sqrt 2$. They head for the minimum at a steady speed and then hop around it, so their loss stops
falling at a level set by $\eta$. Gradient descent slows down as the slope flattens, but it does not
get stuck at that level. Signum's signs flip only after the *averaged* gradient has changed sign, so
it overshoots the valley further before turning. Its advantage, averaging out noise, shows only when
the gradients are noisy, as on the network below.

The same comparison on the digits network (64 inputs, 32 ReLU units, 10 classes; 2410 parameters),
10 epochs with batches of 64:
"""),
    code(r"""
digit_runs = {
    "SGD": fit(optim.SGD, dict(lr=0.1)),
    "SignSGD": fit(optim.SignSGD, dict(lr=1e-3)),
    "Signum": fit(optim.Signum, dict(lr=1e-3, momentum=0.9)),
}
fig, ax = plt.subplots()
for label, (net, h) in digit_runs.items():
    ax.plot(h.epoch_loss, label=label, **line_kwargs(label))
    print(f"{label:8s} training loss {h.epoch_loss[-1]:.3f}   test accuracy {h.test_accuracy[-1]:.3f}")
ax.set(xlabel="epoch", ylabel="training loss", yscale="log", title="digits network, batch 64")
ax.legend()
plt.show()
"""),
    md(r"""
Look at the learning rates: $10^{-3}$ for the sign methods against $0.1$ for SGD. A sign step moves
each of the 2410 weights by the full $\eta$, so a step has length $\eta\sqrt{2410} \approx 49\eta$.
SGD's step is only as long as the gradient, which is small for most weights. Here Signum matches SGD,
and signSGD lags because each step follows the noise of a single batch.

## 2. Majority vote: one bit per coordinate

In data-parallel training, $M$ workers each compute a gradient on their own batch, and every step the
gradients are combined. With 32-bit floats, each worker sends $32d$ bits for a model of $d$ parameters,
and the averaged gradient comes back as another $32d$. signSGD with **majority vote** (Bernstein et al.
2018, 2019) sends signs only:

1. worker $i$ sends $s_i = \mathrm{sign}(g_i)$, one bit per coordinate;
2. the server adds the signs and sends back the sign of the sum, $\mathrm{sign}\big(\sum_i s_i\big)$:
   in each coordinate, the direction most workers voted for;
3. every worker takes the step $\theta \leftarrow \theta - \eta\,\mathrm{sign}\big(\sum_i s_i\big)$.

A single worker's sign is right in coordinate $j$ with some probability $p_j > 1/2$, provided the
noise is symmetric and centred on the true gradient. The vote is wrong only when more than half the
workers are wrong. By a binomial tail bound, that probability shrinks exponentially in $M$. Let us
simulate it: $d = 2000$ coordinates with true gradients $\sim N(0, 1)$, and each worker sees them
plus Gaussian noise with standard deviation 3, so a single sign is often wrong.
"""),
    code(r"""
rng = np.random.default_rng(0)
d, noise = 2000, 3.0
true_gradient = rng.normal(size=d)
print(" workers   signs right: one worker   majority vote   sign of the full-precision mean")
for M in (1, 3, 9, 27, 81):
    worker_gradients = true_gradient + noise * rng.normal(size=(M, d))
    tally = np.sign(worker_gradients).sum(axis=0)               # the server adds the +1s and -1s
    right_one = np.mean(np.sign(worker_gradients[0]) == np.sign(true_gradient))
    right_vote = np.mean(np.sign(tally) == np.sign(true_gradient))
    right_mean = np.mean(np.sign(worker_gradients.mean(axis=0)) == np.sign(true_gradient))
    print(f"{M:6d}   {right_one:22.3f}   {right_vote:13.3f}   {right_mean:18.3f}")
"""),
    md(r"""
The vote gets almost as many signs right as the sign of the exact full-precision average. It loses a
little, because it throws away how confident each worker was. With 81 workers, 86% of the
coordinates move the right way, against about 60% for one worker. (The coordinates it still gets wrong are
mostly those whose true gradient is close to 0, where a wrong step costs little.)

**Bits per step.** Each of $M$ workers sends $d$ numbers up and receives $d$ back:

| | up (all workers) | down (to each worker) |
|---|---|---|
| full-precision averaging | $32\,M d$ | $32\,d$ |
| majority vote | $M d$ | $d$ |
"""),
    code(r"""
def megabytes(bits):
    return bits / 8 / 1e6


print("   parameters  workers   averaging: up / down (MB)   majority vote: up / down (MB)")
for n, M in ((2410, 8), (125_000_000, 8), (125_000_000, 64)):
    print(f"{n:13,d} {M:7d}   {megabytes(32 * M * n):12.3f} / {megabytes(32 * n):8.3f}   "
          f"{megabytes(M * n):12.3f} / {megabytes(n):8.3f}")
"""),
    md(r"""
The vote cuts the traffic 32-fold in both directions. (Real systems also compress the averaging
with 16-bit floats or by other means, so the gain in practice is smaller, but still large.)

Does a vote train the network? Below, $M = 5$ simulated workers each take their own batch of 16
examples at every step, and the step is signSGD on the voted signs. For comparison, one worker runs
signSGD on one batch of 16. Both take 300 steps at the same $\eta$.
"""),
    code(r"""
def vote_training(workers, steps=300, lr=1e-3, batch_size=16):
    net = MLP(SIZES, seed=0)
    opt = optim.SignSGD(net.params, lr=lr)
    streams = [minibatches(X_train, y_train, batch_size, seed=w + 1, epoch=0) for w in range(workers)]
    losses = []
    for step in range(steps):
        tally = [np.zeros_like(p) for p in net.params]
        for w in range(workers):
            try:
                X_batch, y_batch = next(streams[w])
            except StopIteration:                                # this worker starts a new epoch
                streams[w] = minibatches(X_train, y_train, batch_size, seed=w + 1, epoch=step)
                X_batch, y_batch = next(streams[w])
            _, grads = net.loss_and_gradient(X_batch, y_batch)
            for total, g in zip(tally, grads):
                total += np.sign(g)                              # each worker sends one bit per weight
        opt.step([np.sign(total) for total in tally])            # the server sends back sign(sum)
        losses.append(net.loss(X_train, y_train))
    return losses, net.accuracy(X_test, y_test)


fig, ax = plt.subplots()
for workers, colour in ((1, PALETTE["rose"]), (5, PALETTE["indigo"])):
    losses, accuracy = vote_training(workers)
    ax.plot(losses, color=colour, label=f"{workers} worker(s)")
    print(f"{workers} worker(s): training loss {losses[-1]:.3f}, test accuracy {accuracy:.3f}")
ax.set(xlabel="step", ylabel="training loss", yscale="log", title="signSGD with majority vote, batches of 16")
ax.legend()
plt.show()
"""),
    md(r"""
With five voters, the steps follow the true gradient more often, and the loss falls faster and more
smoothly at the same cost in steps. Each worker still sent only one bit per weight.

### Exercise 1 (2 points): majority vote

Write `majority_vote(signs)`. `signs` is an array of shape `(M, d)` holding the $\pm 1$ messages of
$M$ workers (a worker may also send 0 where its gradient is exactly 0). Return the server's reply, an
array of shape `(d,)`: $+1$ where the sum of the messages is positive, $-1$ where it is negative, and
$0$ on a tie.
"""),
    answer("majority-vote", r"""
def majority_vote(signs):
    ### BEGIN SOLUTION
    ballots = np.asarray(signs, dtype=float)
    return np.sign(ballots.sum(axis=0))
    ### END SOLUTION
"""),
    tests("majority-vote-tests", 2, r"""
check("majority-vote", majority_vote)
### BEGIN HIDDEN TESTS
three_workers = np.array([[1.0, -1.0, 1.0, -1.0], [1.0, 1.0, -1.0, -1.0], [-1.0, 1.0, 1.0, -1.0]])
assert np.array_equal(majority_vote(three_workers), [1.0, 1.0, 1.0, -1.0])
two_workers_tie = np.array([[1.0, -1.0, 0.0], [-1.0, -1.0, 1.0]])
assert np.array_equal(majority_vote(two_workers_tie), [0.0, -1.0, 1.0])
assert majority_vote(np.ones((7, 5))).shape == (5,)
### END HIDDEN TESTS
"""),
    md(r"""
## 3. Lion: the sign of a blend of momentum and gradient

Chen et al. (2023) let a program search over short update rules, scoring them by the networks they
trained, and simplified the winner by hand. The result, **Lion** (*EvoLved Sign Momentum*), is

$$
\begin{aligned}
c &= \beta_1 m + (1-\beta_1)\,g && \text{(the direction: momentum and the fresh gradient, blended)}\\
\theta &\leftarrow \theta - \eta\,\big(\mathrm{sign}(c) + \lambda\theta\big) && \text{(a sign step and decoupled weight decay)}\\
m &\leftarrow \beta_2 m + (1-\beta_2)\,g && \text{(the momentum is updated last, with another } \beta)
\end{aligned}
$$

The defaults are $(\beta_1, \beta_2) = (0.9, 0.99)$, and $(0.95, 0.98)$ for language models. With
$\beta_2 > \beta_1$ the momentum remembers about 100 steps, while the step itself gives the current
gradient 10 times the weight that gradient gets in the momentum.

Side by side with AdamW (lesson 05) and Signum:

| | direction | step | state per parameter |
|---|---|---|---|
| AdamW | $\hat m / (\sqrt{\hat v} + \epsilon)$ with $m, v$ averaged with $\beta_1, \beta_2$ | $\eta\,(\text{direction} + \lambda\theta)$ | 2 arrays ($m$, $v$) |
| Lion | $\mathrm{sign}(\beta_1 m + (1-\beta_1) g)$, $m$ averaged with $\beta_2$ | $\eta\,(\text{direction} + \lambda\theta)$ | 1 array ($m$) |
| Signum | $\mathrm{sign}(m)$, $m$ averaged with $\beta$ | $\eta\,\text{direction}$ | 1 array ($m$) |

Lion needs no square root, no division, no $\epsilon$ and no bias correction. Its step has the same
size in every coordinate, as if Adam's $\hat m/\sqrt{\hat v}$ were always exactly $\pm 1$. Put
$\beta_1 = \beta_2 = \beta$ and $\lambda = 0$, and $c$ becomes the *new* momentum
$\beta m + (1-\beta) g$, whose sign is Signum's step. So **Signum is Lion with equal betas and no weight
decay**. We check it on the network's gradients:
"""),
    code(r"""
net_lion, net_signum = MLP(SIZES, seed=0), MLP(SIZES, seed=0)
lion = optim.Lion(net_lion.params, lr=1e-3, betas=(0.9, 0.9), weight_decay=0.0)
signum = optim.Signum(net_signum.params, lr=1e-3, momentum=0.9)
for step, (X_batch, y_batch) in zip(range(50), minibatches(X_train, y_train, 64, seed=0)):
    lion.step(net_lion.loss_and_gradient(X_batch, y_batch)[1])
    signum.step(net_signum.loss_and_gradient(X_batch, y_batch)[1])
print("after 50 steps, Lion(beta1 = beta2 = 0.9, no decay) and Signum(0.9) agree:",
      np.array_equal(net_lion.get_flat(), net_signum.get_flat()))
"""),
    md(r"""
### Exercise 2 (3 points): one Lion step

Write `lion_step(theta, m, g, lr, beta1, beta2, weight_decay)`. It changes the arrays `theta` and `m`
**in place**, following the three lines above in their order (decay and sign step with the *old*
momentum, then update the momentum), and returns nothing.
"""),
    answer("lion-step", r"""
def lion_step(theta, m, g, lr, beta1, beta2, weight_decay):
    ### BEGIN SOLUTION
    blended = beta1 * m + (1 - beta1) * g
    theta -= lr * (np.sign(blended) + weight_decay * theta)
    m *= beta2
    m += (1 - beta2) * g
    ### END SOLUTION
"""),
    tests("lion-step-tests", 3, r"""
check("lion-step", lion_step)
### BEGIN HIDDEN TESTS
theta_h, m_h = np.array([2.0, -1.0, 0.5]), np.array([0.4, 0.3, -0.2])
lion_step(theta_h, m_h, np.array([-1.0, -10.0, 1.0]), 0.1, 0.5, 0.75, 0.5)
# c = [-0.3, -4.85, 0.4]: steps +0.1, +0.1, -0.1; decay 0.1*0.5*theta = [0.1, -0.05, 0.025]
assert np.allclose(theta_h, [2.0, -0.85, 0.375])
assert np.allclose(m_h, [0.05, -2.275, 0.1])
### END HIDDEN TESTS
"""),
    md(r"""
### Lion against AdamW, with the paper's rules

Since Lion's step has norm $\eta\sqrt d$, usually larger than Adam's, Chen et al. recommend a learning
rate **3-10 times smaller** than AdamW's. Weight decay enters the step as $\eta\lambda\theta$ in both,
so to keep the same decay per step, $\eta\lambda$, they make $\lambda$ **as many times larger**.
Below: AdamW with $\eta = 3\cdot 10^{-2}$, $\lambda = 0.01$; Lion with $\eta = 3\cdot 10^{-3}$, $\lambda = 0.1$
(the same $\eta\lambda = 3\cdot 10^{-4}$); and, to see why the rule matters, Lion with AdamW's own
hyperparameters.
"""),
    code(r"""
lion_runs = {
    "AdamW  lr 3e-2, wd 0.01": fit(optim.AdamW, dict(lr=3e-2, weight_decay=0.01)),
    "Lion   lr 3e-3, wd 0.1": fit(optim.Lion, dict(lr=3e-3, weight_decay=0.1)),
    "Lion   lr 3e-2, wd 0.01 (AdamW's)": fit(optim.Lion, dict(lr=3e-2, weight_decay=0.01)),
}
fig, ax = plt.subplots()
for (label, (net, h)), colour in zip(lion_runs.items(), (PALETTE["indigo"], PALETTE["rose"], PALETTE["sand"])):
    ax.plot(h.epoch_loss, color=colour, label=label)
    print(f"{label:34s} training loss {h.epoch_loss[-1]:.3f}   test accuracy {h.test_accuracy[-1]:.3f}")
ax.set(xlabel="epoch", ylabel="training loss", yscale="log", title="digits network, batch 64, 10 epochs")
ax.legend()
plt.show()
"""),
    md(r"""
With AdamW's learning rate, every weight jumps by $3\cdot 10^{-2}$ at every step, and Lion's loss stalls
more than five times higher. With the 10x smaller learning rate it trains well, though here it still ends
behind AdamW. A batch of 64 counts as small for Lion, as we will see below.

### Memory: the state arrays

An optimizer's memory is its state: arrays of the parameters' shape that it keeps between steps.
`opt.state` holds them (a dict from name to a list of arrays, one per parameter), so summing their
`nbytes` gives the bytes it uses. Our network's parameters are float64 (8 bytes each).
"""),
    code(r"""
net = MLP(SIZES, seed=0)
optimizers = {"SGD": optim.SGD(net.params, lr=0.1),
              "SGD with momentum": optim.SGD(net.params, lr=0.1, momentum=0.9),
              "Adam": optim.Adam(net.params), "AdamW": optim.AdamW(net.params),
              "Lion": optim.Lion(net.params), "Tiger": optim.Tiger(net.params)}
print(f"parameters: {net.n_params} numbers = {net.flat.nbytes} bytes")
for label, opt in optimizers.items():
    state_bytes = sum(a.nbytes for arrays in opt.state.values() for a in arrays)
    print(f"{label:18s} state {state_bytes:6d} bytes = {state_bytes / net.flat.nbytes:.0f} x the parameters")
"""),
    md(r"""
Lion and Tiger need half of Adam's optimizer memory. For a model with a billion parameters stored in
32 bits, that is 4 GB saved on each copy of the model.

### Exercise 3 (2 points): state bytes without building the optimizer

Write `predicted_state_bytes(n_params, name, itemsize)`: the number of bytes of optimizer state for a
model of `n_params` numbers of `itemsize` bytes each. `name` is one of `"SGD"` (no momentum),
`"SGD with momentum"`, `"Adam"`, `"AdamW"`, `"Signum"`, `"Lion"`, `"Tiger"`. Return an `int`.
"""),
    answer("state-bytes", r"""
def predicted_state_bytes(n_params, name, itemsize):
    ### BEGIN SOLUTION
    arrays_kept = {"SGD": 0, "SGD with momentum": 1, "Adam": 2, "AdamW": 2,
                   "Signum": 1, "Lion": 1, "Tiger": 1}[name]
    return int(arrays_kept * n_params * itemsize)
    ### END SOLUTION
"""),
    tests("state-bytes-tests", 2, r"""
check("state-bytes", predicted_state_bytes)
### BEGIN HIDDEN TESTS
assert predicted_state_bytes(1000, "AdamW", 2) == 4000
assert predicted_state_bytes(7, "Tiger", 4) == 28
assert predicted_state_bytes(12345, "SGD", 8) == 0
assert predicted_state_bytes(10, "SGD with momentum", 8) == 80
assert isinstance(predicted_state_bytes(3, "Signum", 4), int)
### END HIDDEN TESTS
"""),
    md(r"""
### Lion at small batch sizes

Chen et al. report that Lion's advantage over AdamW grows with the batch size, and that at small
batches (64 and below in their experiments) AdamW can win. The mechanism is noise. Adam's step
$\hat m/\sqrt{\hat v}$ shrinks on its own where the gradient is mostly noise: $\sqrt{\hat v}$ grows
with the noise while $\hat m$ averages it out. A sign step never shrinks. Each step still moves every
weight by the full $\eta$, even when the sign is close to a coin flip. **The sign turns small, noisy
gradients into full-size steps.** The smaller the batch, the noisier the gradient.

First, the mechanism in isolation. One coordinate has true gradient 1, and a batch of size $B$ sees it
with noise of standard deviation $20/\sqrt B$. We feed 4000 such gradients to Lion and to AdamW at the
same $\eta$ and measure, per step and in units of $\eta$, the average move in the right direction (the
*drift*) and the standard deviation of the moves (the *jitter*):
"""),
    code(r"""
def drift_and_jitter(optimizer, batch_size, steps=4000, seed=0):
    noise_source = np.random.default_rng(seed)
    theta = np.zeros(1)
    opt = optimizer(theta, lr=1e-3)
    moves = []
    for _ in range(steps):
        before = theta[0]
        opt.step(1.0 + 20.0 / np.sqrt(batch_size) * noise_source.normal(size=1))
        moves.append((before - theta[0]) / 1e-3)             # the move downhill, in units of lr
    moves = np.array(moves[500:])                            # after the averages have warmed up
    return moves.mean(), moves.std()


print(" batch   Lion: drift  jitter     AdamW: drift  jitter")
for B in (1, 4, 16, 64, 256, 1024):
    lion_d, lion_j = drift_and_jitter(optim.Lion, B)
    adam_d, adam_j = drift_and_jitter(optim.AdamW, B)
    print(f"{B:6d}   {lion_d:11.2f} {lion_j:7.2f}   {adam_d:12.2f} {adam_j:7.2f}")
"""),
    md(r"""
At large batches Lion moves exactly one $\eta$ downhill at every step, with no jitter. At small batches
AdamW shrinks its own step. Its jitter stays near $0.23\eta$ (the spread of an average over about 10
steps) while its drift falls. Lion's drift is actually *larger* than AdamW's, but its jitter grows to
almost a full $\eta$. Its steps become nearly coin flips of full size, about four times AdamW's
random motion at the same $\eta$. In a network, many of the thousands of coordinates have gradients
that are mostly noise, and that random walk adds loss. Keeping it down takes a smaller $\eta$, which
also slows the drift. The sign has turned noise into full-size steps, and small batches make more noise.

Now the network. For each batch size, each optimizer gets its best learning rate from a small grid,
and both take the same 400 steps (so the small batches see fewer examples):
"""),
    code(r"""
grids = {"AdamW": (optim.AdamW, dict(weight_decay=0.01), (3e-3, 1e-2, 3e-2, 1e-1)),
         "Lion": (optim.Lion, dict(weight_decay=0.1), (3e-4, 1e-3, 3e-3, 1e-2))}
print(" batch   best AdamW: loss (lr)      best Lion: loss (lr)     Lion / AdamW")
for B in (4, 32, 256):
    best = {}
    for label, (cls, options, lrs) in grids.items():
        best[label] = min((fit(cls, dict(options, lr=lr), batch_size=B, epochs=100, max_steps=400)[1].epoch_loss[-1], lr)
                          for lr in lrs)
    (a_loss, a_lr), (l_loss, l_lr) = best["AdamW"], best["Lion"]
    print(f"{B:6d}   {a_loss:10.4f} ({a_lr:.0e})   {l_loss:12.4f} ({l_lr:.0e})   {l_loss / a_loss:10.2f}")
"""),
    md(r"""
Be honest about what this shows. With tuned learning rates, Lion ends 20-30% behind AdamW at *every*
batch size here, and the gap does not grow at the smallest batch. On a network of 2410 parameters
trained for 400 steps, the batch-size effect that Chen et al. measured on large vision and language
models is too weak to see. (Note also how Lion's best $\eta$ falls at batch 4, while AdamW's does
not.) What the experiment above does show is the mechanism that causes the effect at scale: at small
batches, Lion's constant-size sign steps are mostly noise, while AdamW's steps shrink. If you use Lion,
give it large batches, and when the batch must stay small, expect to lower its learning rate.

## 4. Tiger: Lion with one beta

Jianlin Su's **Tiger** (*a Tight-fisted optimizer*, 2023) sets $\beta_1 = \beta_2 = \beta$:

$$m \leftarrow \beta m + (1-\beta)\,g, \qquad \theta \leftarrow \theta - \eta_t\,\big(\mathrm{sign}(m) + \lambda_t\theta\big).$$

Without per-parameter rules and weight decay, this is Signum. Lion with equal betas is exactly this
update. The suggested $\beta$ is the mean of Lion's pair: $0.945$ for vision and $0.965$ for language.
The widget runs Lion with your $(\beta_1, \beta_2)$ and Tiger with your $\beta$ on a 2-D surface. Set
$\beta_1 = \beta_2 = \beta$, and the status line confirms that the two paths coincide.
"""),
    code(r"""
LionTigerWidget("rosenbrock", beta1=0.9, beta2=0.99, beta=0.945, steps=200, dpi=72)
"""),
    md(r"""
Tiger's update reads nothing but $m$ (Lion's also needs the current $g$). This lets Tiger do three
things cheaply.

### Gradient accumulation inside the momentum

When a batch of $kb$ examples does not fit in memory, one usually computes the gradients of $k$
microbatches of $b$, adds them in an extra buffer, and takes one step on their mean. Tiger needs no
buffer. Over the $k$ calls of one step, it decays $m$ once and adds $\frac{1-\beta}{k} g_i$ for each
microbatch, and it moves the parameters only at the $k$-th call:

$$m \leftarrow \beta m + \frac{1-\beta}{k}\sum_{i=1}^k g_i = \beta m + (1-\beta)\,\bar g.$$

This is the same $m$ as one step on the big batch's mean gradient $\bar g$. Let us check with
`Tiger(grad_accum_steps=4)` fed four microbatches of 16 against `Tiger` fed their mean, on the network:
"""),
    code(r"""
k = 4
net_accumulated, net_big_batch = MLP(SIZES, seed=0), MLP(SIZES, seed=0)
tiger_accumulated = optim.Tiger(net_accumulated.params, lr=1e-3, grad_accum_steps=k)
tiger_big_batch = optim.Tiger(net_big_batch.params, lr=1e-3)
micro = minibatches(X_train, y_train, 16, seed=0)
for big_step in range(20):
    mean_gradient = [np.zeros_like(p) for p in net_big_batch.params]
    for _ in range(k):
        X_batch, y_batch = next(micro)
        tiger_accumulated.step(net_accumulated.loss_and_gradient(X_batch, y_batch)[1])
        for total, g in zip(mean_gradient, net_big_batch.loss_and_gradient(X_batch, y_batch)[1]):
            total += g / k
    tiger_big_batch.step(mean_gradient)
difference = np.abs(net_accumulated.get_flat() - net_big_batch.get_flat()).max()
print(f"80 accumulating calls vs 20 steps on the mean gradient: largest difference {difference:.0e}")
print("same parameters up to rounding:", difference < 1e-12)
"""),
    md(r"""
The two agree to rounding error, with no extra array. Lion cannot do this, because its step needs the
momentum *and* the current big-batch gradient, two different arrays. SGD with momentum could, but it
lacks the sign's per-coordinate scaling.

### A learning rate for each kind of parameter

Tiger treats two kinds of parameters differently (its `kinds` argument, chosen by default from
`ndim`). A global, relative learning rate $\alpha_t$ sets both, so that one value suits small and
large models alike:

- **elementwise** parameters (biases, normalisation gains: ndim $\le 1$) step by $\eta_t = \alpha_t/2$,
  without weight decay. Decay is a Gaussian prior, and these parameters are expected to be larger and
  more spread out than the weights of a matrix;
- **matrices** (ndim $\ge 2$) step by $\eta_t = \alpha_t\,\mathrm{RMS}(\theta)$, so each step changes a
  matrix by a fixed *fraction* of its typical entry, whatever its scale. Following LAMB and Amos, the
  author suggests a peak $\alpha_t$ in $[10^{-3}, 2\cdot 10^{-3}]$.

We check the rule on our network: one step of `Tiger(lr=1e-3)` (weight decay off, so the move is the
sign step alone) moves every entry by exactly the predicted amount:
"""),
    code(r"""
net = MLP(SIZES, seed=0)
before = [p.copy() for p in net.params]
tiger = optim.Tiger(net.params, lr=1e-3, weight_decay=0.0)
tiger.step(net.loss_and_gradient(X_train, y_train)[1])
names = ["W1", "b1", "W2", "b2"]
print("array  shape      kind          RMS before   predicted step   measured |moves|")
for name, p, p0, kind in zip(names, net.params, before, tiger.kinds):
    predicted = 1e-3 / 2 if kind == "elementwise" else 1e-3 * np.sqrt(np.mean(p0**2))
    moves = np.abs(p - p0)[np.abs(p - p0) > 0]
    print(f"{name:5s}  {str(p.shape):9s}  {kind:12s}  {np.sqrt(np.mean(p0**2)):10.4f}   {predicted:13.2e}"
          f"   {moves.min():.2e} .. {moves.max():.2e}")
"""),
    md(r"""
The biases start at zero ($\mathrm{RMS} = 0$), which is one reason they cannot use the matrix rule: the
step would be zero. The matrices are moved by $10^{-3}$ of their typical entry. The first layer's
entries are smaller, so its absolute step is smaller.

## 5. Half precision

A float16 number has 1 sign bit, 5 exponent bits and 10 fraction bits. NumPy reports its range:
"""),
    code(r"""
half = np.finfo(np.float16)
print(f"largest:              {float(half.max):.0f}")
print(f"smallest normal:      {float(half.smallest_normal):.3e}")
print(f"smallest subnormal:   {float(half.smallest_subnormal):.3e}")
print(f"spacing just above 1: {float(half.eps):.3e}   (below 1: {float(half.epsneg):.3e})")
with np.errstate(over="ignore"):                                  # 70000 is too large: it becomes inf
    print("2e-8 in float16:", np.float16(2e-8), "   70000 in float16:", np.float16(70000.0))
"""),
    md(r"""
So float16 covers about $6\times 10^{-8}$ to $65504$ with 3 significant digits. Mixed-precision
training computes in float16 but keeps a float32 copy of the weights, because of the update
$\theta - \eta g$. Two things go wrong there in float16:

1. the product $\eta g$ itself may be below $3\times 10^{-8}$ (half the smallest subnormal) and round
   to 0;
2. more often, $\eta g$ is a perfectly good float16 number, but it is smaller than **half the spacing**
   of float16 numbers next to $\theta$. Then $\theta - \eta g$ rounds back to $\theta$, and the
   update is lost. Near $\theta = 1$ the spacing is about $10^{-3}$, so any step below about
   $2.4\times 10^{-4}$ vanishes.

A sign update has size $\eta$, however small the gradient. It is lost only if $\eta$ itself is below
half the spacing, and one chooses $\eta$ (or, in Tiger, a relative step of about $10^{-3}$ per matrix) so
that it is not. Let us take 1000 steps on a weight equal to 1, whose gradient is a steady $0.05$, with
$\eta = 10^{-3}$:
"""),
    code(r"""
eta, gradient, steps = np.float16(1e-3), np.float16(0.05), 1000
theta_sgd_16, theta_sign_16, theta_sgd_64 = np.float16(1.0), np.float16(1.0), 1.0
print("the SGD step eta*g in float16:", eta * gradient)
for _ in range(steps):
    theta_sgd_16 = theta_sgd_16 - eta * gradient                    # float16 arithmetic throughout
    theta_sign_16 = theta_sign_16 - eta * np.sign(gradient)
    theta_sgd_64 = theta_sgd_64 - 1e-3 * 0.05
print(f"SGD in float64:  {theta_sgd_64:.4f}")
print(f"SGD in float16:  {float(theta_sgd_16):.4f}   <- every step was lost")
print(f"sign in float16: {float(theta_sign_16):.4f}   (float64 would give {1 - steps * 1e-3:.4f})")
"""),
    md(r"""
The SGD step $5\times 10^{-5}$ is representable, yet it is below half the spacing near 1, so the
weight never moves. The sign steps all land. The sign path ends at 0.022 rather than 0 because each of
the 1000 results was rounded to the nearest float16 (and $10^{-3}$ itself is not exactly a float16).
Those rounding errors, each at most half a spacing, add up, but no step was lost.
With the sign, the gradient's magnitude never enters the update, so small gradients cannot make it
underflow, and with a loss scaled so that the gradients do not overflow, the momentum (an average of
gradients) does not overflow either. This is Su's argument that Tiger, and Lion, can in principle run
entirely in float16.

### Exercise 4 (2 points): is the update lost?

Write `float16_update_lost(theta, step)`: given a float16 value `theta` (as a Python float) and a
`step`, return `True` if $\theta - \text{step}$, rounded to the nearest float16, equals $\theta$.
Compute it from the spacing: find the neighbouring float16 of $\theta$ **in the direction of the
move** (`np.nextafter` works on `np.float16`) and compare $|\text{step}|$ with half the gap. The
spacing below a power of 2 is half the spacing above it. (Exact ties will not be tested.)
"""),
    answer("float16-lost", r"""
def float16_update_lost(theta, step):
    ### BEGIN SOLUTION
    here = np.float16(theta)
    toward = np.float16(-np.inf) if step > 0 else np.float16(np.inf)
    gap = abs(float(np.nextafter(here, toward)) - float(here))
    return bool(abs(step) < gap / 2)
    ### END SOLUTION
"""),
    tests("float16-lost-tests", 2, r"""
check("float16-lost", float16_update_lost)
### BEGIN HIDDEN TESTS
assert float16_update_lost(1.0, 1e-4) is True
assert float16_update_lost(1.0, 3e-4) is False
assert float16_update_lost(1.0, -3e-4) is True           # upwards the gap near 1 is twice as wide
assert float16_update_lost(1024.0, 0.2) is True
assert float16_update_lost(1024.0, -0.6) is False
assert float16_update_lost(1024.0, -0.4) is True
assert float16_update_lost(0.0, 1e-8) is True
assert float16_update_lost(0.0, 5e-8) is False
### END HIDDEN TESTS
"""),
    md(r"""
### The NaN rule: skip the step, shrink towards the centre

In float16 training, a batch now and then produces a NaN gradient (an overflow in the backward pass),
although the weights and the forward pass are fine. Su's rule for Tiger: when a parameter's
gradient contains NaN, skip that parameter's update (the momentum is left alone), and shrink the
parameter slightly towards the centre $c$ of its initialisation (0 for weights and biases, 1 for a
normalisation gain):

$$\theta \leftarrow s\,(\theta - c) + c, \qquad s = 0.99 \text{ by default.}$$

The shrink nudges the weights back towards the region where training was stable. It is a last resort:
if the run also fails in float32 (say, with too large a learning rate), the rule will not save it.
`optcourse.optim.Tiger` applies it. (Every other optimizer of the course refuses a NaN gradient with an
error.) We train the network with Tiger and inject NaN gradients at steps 150-159:
"""),
    code(r"""
net = MLP(SIZES, seed=0)
tiger = optim.Tiger(net.params, lr=2e-3, beta=0.945)
losses, weight_norms = [], []
batches = (batch for epoch in range(20) for batch in minibatches(X_train, y_train, 64, seed=0, epoch=epoch))
for step in range(400):
    X_batch, y_batch = next(batches)
    loss, grads = net.loss_and_gradient(X_batch, y_batch)
    if 150 <= step < 160:                                  # a burst of overflowing backward passes
        grads = [np.full_like(g, np.nan) for g in grads]
    tiger.step(grads)
    losses.append(net.loss(X_train, y_train))
    weight_norms.append(np.linalg.norm(net.get_flat()))

fig, (ax_loss, ax_norm) = plt.subplots(1, 2, figsize=(10, 3.4))
ax_loss.plot(losses, color=PALETTE["indigo"])
ax_norm.plot(weight_norms, color=PALETTE["teal"])
for ax in (ax_loss, ax_norm):
    ax.axvspan(150, 160, color=PALETTE["rose"], alpha=0.3, label="NaN gradients")
    ax.set_xlabel("step")
ax_loss.set(ylabel="training loss", yscale="log", title="Tiger with a burst of NaN gradients")
ax_norm.set(ylabel="norm of the weights", title="the weights shrink, then grow again")
ax_loss.legend()
plt.show()
print(f"loss before the burst {losses[149]:.3f}, just after {losses[159]:.3f}, at the end {losses[-1]:.3f}")
print(f"weight norm before {weight_norms[149]:.3f}, after ten shrinks {weight_norms[159]:.3f} "
      f"(x {weight_norms[159] / weight_norms[149]:.3f}; 0.99**10 = {0.99**10:.3f})")
"""),
    md(r"""
During the burst the weights shrink by $0.99^{10} \approx 0.90$ and the loss rises a little. Training
then resumes where it left off, and the loss keeps falling. Nothing became NaN.

### Exercise 5 (3 points): Tiger's NaN rule

Write `tiger_step_with_nan_rule(theta, m, g, lr, beta, centre, shrink)` for one parameter array, in
place, without weight decay or per-parameter rules (Tiger's "plain" kind):

- if `g` contains any NaN: leave `m` unchanged and set $\theta \leftarrow s(\theta - c) + c$;
- otherwise: $m \leftarrow \beta m + (1-\beta) g$, then $\theta \leftarrow \theta - \eta\,\mathrm{sign}(m)$.
"""),
    answer("tiger-nan", r"""
def tiger_step_with_nan_rule(theta, m, g, lr, beta, centre, shrink):
    ### BEGIN SOLUTION
    if np.isnan(g).any():
        theta[...] = shrink * (theta - centre) + centre
        return
    m[...] = beta * m + (1 - beta) * g
    theta -= lr * np.sign(m)
    ### END SOLUTION
"""),
    tests("tiger-nan-tests", 3, r"""
check("tiger-nan", tiger_step_with_nan_rule)
### BEGIN HIDDEN TESTS
gain_h, mom_h = np.array([1.5, 0.5, 1.0]), np.array([0.2, -0.1, 0.3])
tiger_step_with_nan_rule(gain_h, mom_h, np.array([0.0, np.nan, 1.0]), 0.1, 0.5, 1.0, 0.8)
assert np.allclose(gain_h, [1.4, 0.6, 1.0]) and np.allclose(mom_h, [0.2, -0.1, 0.3])
tiger_step_with_nan_rule(gain_h, mom_h, np.array([-1.0, -0.1, -0.4]), 0.1, 0.5, 1.0, 0.8)
assert np.allclose(mom_h, [-0.4, -0.1, -0.05]) and np.allclose(gain_h, [1.5, 0.7, 1.1])
### END HIDDEN TESTS
"""),
    md(r"""
## Summary

- **signSGD** steps by $-\eta\,\mathrm{sign}(g)$: every coordinate moves by $\eta$. **Signum** takes
  the sign of the momentum, which averages out noise first. Both need smaller learning rates than
  SGD, and both hop around the minimum at a distance set by $\eta$.
- **Majority vote**: workers send $\mathrm{sign}(g_i)$, the server replies
  $\mathrm{sign}(\sum_i \mathrm{sign}(g_i))$. That is 1 bit per coordinate each way instead of 32, and
  the vote gets nearly as many signs right as the exact average.
- **Lion**: $\theta \leftarrow \theta - \eta(\mathrm{sign}(\beta_1 m + (1-\beta_1) g) + \lambda\theta)$,
  then $m \leftarrow \beta_2 m + (1-\beta_2) g$, with $(\beta_1,\beta_2) = (0.9, 0.99)$ or
  $(0.95, 0.98)$. It keeps one state array instead of AdamW's two and needs no square root or
  division. Use a learning rate 3-10x smaller than AdamW's and a weight decay as many times larger.
  Signum is Lion with $\beta_1 = \beta_2$ and no decay.
- The sign turns noisy gradients into full-size steps, while Adam's steps shrink where the gradient is
  noise. So Lion gains least, and can lose, at small batch sizes (the paper's finding at scale; on
  our tiny network Lion trails AdamW by about the same margin at every batch size).
- **Tiger** is Lion with one $\beta$ (0.945 or 0.965). Because its step reads only $m$, it accumulates
  $k$ microbatches inside the momentum, with exactly the effect of averaging their gradients and no
  extra buffer. Elementwise parameters step by $\alpha/2$ without decay, and matrices by
  $\alpha\,\mathrm{RMS}(\theta)$.
- **Float16** spans about $6\times 10^{-8}$ to $65504$ with 3 digits. An update smaller than half the
  spacing next to $\theta$ is lost, and $\eta g$ often is while $\eta\,\mathrm{sign}(g)$ is not. A NaN
  gradient can be skipped while the weights shrink towards their centre, and training recovers.

## References

- J. Bernstein, Y.-X. Wang, K. Azizzadenesheli, A. Anandkumar. *signSGD: compressed optimisation for
  non-convex problems.* ICML 2018 (signSGD, Signum, majority vote).
- J. Bernstein, J. Zhao, K. Azizzadenesheli, A. Anandkumar. *signSGD with majority vote is
  communication efficient and fault tolerant.* ICLR 2019.
- L. Balles, P. Hennig. *Dissecting Adam: the sign, magnitude and variance of stochastic gradients.*
  ICML 2018 (Adam as a sign method scaled by the signal-to-noise ratio).
- X. Chen, C. Liang, D. Huang, E. Real, K. Wang, Y. Liu, H. Pham, X. Dong, T. Luong, C.-J. Hsieh,
  Y. Lu, Q. V. Le. *Symbolic discovery of optimization algorithms.* NeurIPS 2023 (Lion).
- J. Su. *Tiger: a tight-fisted optimizer.* 2023, https://github.com/bojone/tiger, and the blog
  posts at https://kexue.fm on Tiger and on gradient accumulation hidden in the momentum.
- I. Loshchilov, F. Hutter. *Decoupled weight decay regularization.* ICLR 2019 (AdamW).
- Y. You et al. *Large batch optimization for deep learning: training BERT in 76 minutes.* ICLR 2020
  (LAMB, steps relative to the weights' norm). R. Tian, A. P. Parikh. *Amos: an Adam-style optimizer
  with adaptive weight decay towards model-oriented scale.* 2022.
- P. Micikevicius et al. *Mixed precision training.* ICLR 2018 (float16 with a float32 master copy
  and loss scaling). IEEE 754-2008 (the binary16 format).
"""),
]


def source_notebook():
    nb = new_notebook(cells=CELLS)
    for number, cell in enumerate(nb.cells):   # stable ids, so that rebuilding changes nothing by itself
        cell.id = f"sign-{number:02d}"
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
