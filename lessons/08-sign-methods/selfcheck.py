"""Self-checks of lesson 08, sign-based optimizers.

Each check compares with optcourse (its optimizers, run on the same input, their state measured),
with a table of every float16 number, or with a count of votes; no answer is written out here. The
inputs include what the examples do not show: ties and zeros in the vote, even numbers of workers,
powers of two and subnormal numbers, NaN gradients, arrays changed in place.
"""
import numpy as np

from optcourse import optim
from optcourse.course.checks import SelfChecks, function, satisfies
from optcourse.learning.network import MLP

check = SelfChecks()


# -- 1. majority vote ----------------------------------------------------------------------------------

def _counted(messages):
    ups, downs = (messages > 0).sum(axis=0), (messages < 0).sum(axis=0)
    return (ups > downs).astype(float) - (downs > ups).astype(float)


def _follows_the_count(cases):
    def test(vote) -> bool:
        for messages in cases:
            reply = np.asarray(vote(messages.copy()), dtype=float)
            if reply.shape != (messages.shape[1],) or not np.array_equal(reply, _counted(messages)):
                return False
        return True
    return test


_rng = np.random.default_rng(8)
_ODD = [_rng.choice([-1.0, 1.0], size=(w, 9)) for w in (1, 5, 11)]
_TIES = [_rng.choice([-1.0, 0.0, 1.0], size=(w, 12)) for w in (2, 4, 6)] + [np.array([[1.0, -1.0], [-1.0, 1.0]])]

check.add("majority-vote",
          satisfies(callable, "a function majority_vote(signs)"),
          satisfies(_follows_the_count(_ODD), "an array of shape (d,) with the side most workers voted for"),
          satisfies(_follows_the_count(_TIES), "0 where the votes tie, with an even number of workers and "
                                               "with workers sending 0 (tried on 2, 4 and 6 workers)"),
          hint="What the server knows in each coordinate is how the +1s and -1s balance out; a tie must "
               "come back as 0, not as a side.")


# -- 2. one Lion step --------------------------------------------------------------------------------

def _steps_like_optcourse_lion(step) -> bool:
    rng = np.random.default_rng(81)
    return all(_matches_lion(step, rng, lr, b1, b2, wd)
               for lr, b1, b2, wd in ((0.01, 0.9, 0.99, 0.0), (0.3, 0.5, 0.8, 0.2)))


def _matches_lion(step, rng, lr, b1, b2, wd) -> bool:
    """Three steps of ``step`` from a random theta and m equal optcourse's Lion's, in place."""
    theta, m = rng.normal(size=6), rng.normal(size=6)
    mine_theta, mine_m = theta.copy(), m.copy()
    reference = optim.Lion(theta, lr=lr, betas=(b1, b2), weight_decay=wd)
    reference.state["m"][...] = m
    for _ in range(3):
        g = rng.normal(size=6)
        reference.step(g.copy())
        step(mine_theta, mine_m, g.copy(), lr, b1, b2, wd)
    return bool(np.allclose(mine_theta, theta, atol=1e-12) and np.allclose(mine_m, reference.state["m"]))


def _lion_case(lr, b1, b2, wd, what):
    def test(step) -> bool:
        return _matches_lion(step, np.random.default_rng(81), lr, b1, b2, wd)
    return satisfies(test, what)


def _changes_in_place(step) -> bool:
    theta, m = np.array([1.0, -2.0]), np.array([0.5, 0.5])
    before = theta.copy(), m.copy()
    step(theta, m, np.array([1.0, -1.0]), 0.1, 0.9, 0.99, 0.0)
    return not np.array_equal(theta, before[0]) and not np.array_equal(m, before[1])


check.add("lion-step",
          satisfies(callable, "a function lion_step(theta, m, g, lr, beta1, beta2, weight_decay)"),
          satisfies(_changes_in_place, "a function that changes the caller's theta and m arrays in place "
                                       "(theta = [1, -2], m = [0.5, 0.5], g = [1, -1]: both must change)"),
          _lion_case(0.01, 0.9, 0.99, 0.0, "Lion's three steps without weight decay (lr 0.01, betas 0.9, 0.99)"),
          _lion_case(0.3, 0.5, 0.8, 0.2, "Lion's three steps with weight decay 0.2 (lr 0.3, betas 0.5, 0.8)"),
          hint="Follow the three lines in their order: which momentum, old or new, does the step use? "
               "In-place means the arrays the caller passed change, not new arrays with the same names.")


# -- 3. bytes of optimizer state ------------------------------------------------------------------------

_BUILDERS = {"SGD": lambda ps: optim.SGD(ps, lr=0.1),
             "SGD with momentum": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
             "Adam": optim.Adam, "AdamW": optim.AdamW, "Signum": optim.Signum,
             "Lion": optim.Lion, "Tiger": optim.Tiger, "Adagrad": optim.Adagrad, "Adadelta": optim.Adadelta,
             "RMSprop": optim.RMSprop, "RMSprop centered": lambda ps: optim.RMSprop(ps, centered=True),
             "RMSprop with momentum": lambda ps: optim.RMSprop(ps, momentum=0.9),
             "Adam with amsgrad": lambda ps: optim.Adam(ps, amsgrad=True)}


def _measured_state_bytes(n_hidden, name, itemsize):
    net = MLP([5, n_hidden, 3], seed=0)
    dtype = {2: np.float16, 4: np.float32, 8: np.float64}[itemsize]
    params = [p.astype(dtype) for p in net.params]
    opt = _BUILDERS[name](params)
    return sum(a.nbytes for arrays in opt.state.values() for a in arrays)


def _matches_measured_bytes(cases):
    def test(predict) -> bool:
        for n_hidden, name, itemsize in cases:
            n_params = MLP([5, n_hidden, 3], seed=0).n_params
            if predict(n_params, name, itemsize) != _measured_state_bytes(n_hidden, name, itemsize):
                return False
        return True
    return test


def _a_python_int(predict) -> bool:
    return type(predict(10, "Adam", 4)) is int and type(predict(np.int64(10), "Lion", 4)) is int


check.add("state-bytes",
          satisfies(callable, "a function predicted_state_bytes(n_params, name, itemsize)"),
          satisfies(_a_python_int, "a Python int (not a NumPy integer), also when n_params is a NumPy integer"),
          satisfies(_matches_measured_bytes([(4, "Adam", 8), (9, "Lion", 4), (3, "SGD", 8), (6, "Tiger", 2),
                                             (2, "SGD with momentum", 4), (3, "Signum", 4)]),
                    "the bytes measured on the optimizers of this lesson, for several networks and float sizes"),
          satisfies(_matches_measured_bytes([(5, "Adagrad", 4), (4, "Adadelta", 2), (3, "RMSprop", 8),
                                             (7, "RMSprop centered", 4), (2, "RMSprop with momentum", 2),
                                             (6, "Adam with amsgrad", 8)]),
                    "the bytes measured on lesson 05's optimizers (Adagrad, Adadelta, RMSprop and its "
                    "variants, Adam with amsgrad)"),
          hint="State is what an update must remember between steps: one array per running average or "
               "maximum in its equations. Count them for each rule of lesson 05.")


# -- 4. a lost float16 update ----------------------------------------------------------------------------

_EVERY_FLOAT16 = np.sort(np.arange(2**15, dtype=np.uint16).view(np.float16).astype(float))   # 0 and the positives
_EVERY_FLOAT16 = _EVERY_FLOAT16[np.isfinite(_EVERY_FLOAT16)]


def _half_gap_from_the_table(theta):
    below = _EVERY_FLOAT16[_EVERY_FLOAT16 < theta].max()
    return (theta - below) / 2


def _a_python_float(lost) -> bool:
    return type(lost(0.75)) is float


check.add("float16-lost",
          satisfies(callable, "a function lost_below(theta)"),
          satisfies(_a_python_float, "a Python float (not a NumPy number)"),
          function(inputs=[(0.75,), (5.0,), (300.0,)], reference=_half_gap_from_the_table, atol=0.0),
          function(inputs=[(1.0,), (2.0,), (0.25,), (4096.0,)], reference=_half_gap_from_the_table, atol=0.0),
          function(inputs=[(2.0**-14,), (5 * 2.0**-22,), (2.0**-24,)], reference=_half_gap_from_the_table,
                   atol=0.0),
          hint="Within one binade [2^e, 2^(e+1)) float16 numbers are evenly spaced, 10 fraction bits apart. "
               "Ask which binade the next number below theta lies in when theta is a power of two, and "
               "what the spacing is below 2^-14.")


# -- 5. Tiger's NaN rule -----------------------------------------------------------------------------------

def _steps_like_optcourse_tiger(step) -> bool:
    rng = np.random.default_rng(808)
    for centre, shrink in ((0.0, 0.99), (1.0, 0.5)):
        theta = rng.normal(size=5) + centre
        mine_theta, mine_m = theta.copy(), np.zeros(5)
        reference = optim.Tiger(theta, lr=0.05, beta=0.9, weight_decay=0.0, kinds="plain",
                                shrink_ratio=shrink, centres=centre)
        for t in range(4):
            g = rng.normal(size=5)
            if t == 2:
                g[3] = np.nan
            reference.step(g.copy())
            step(mine_theta, mine_m, g.copy(), 0.05, 0.9, centre, shrink)
            if not (np.allclose(mine_theta, theta) and np.allclose(mine_m, reference.state["m"])):
                return False
    return True


check.add("tiger-nan",
          satisfies(callable, "a function tiger_step_with_nan_rule(theta, m, g, lr, beta, centre, shrink)"),
          satisfies(_steps_like_optcourse_tiger, "a function that changes theta and m in place as "
                                                 "optcourse's Tiger (plain kind, no decay) does, NaN steps included"),
          hint="A NaN anywhere in g means this step's gradient cannot be trusted: which state may still "
               "change, and which must stay as it was? Both arrays are the caller's, so change them in place.")
