"""Self-checks of lesson 08, sign-based optimizers.

Each check compares with optcourse (its optimizers, run on the same input), with NumPy's own float16
rounding, or with a property (for +1/-1 messages from an odd number of workers, the majority is the
median); no answer is written out here.
"""
import numpy as np

from optcourse import optim
from optcourse.course.checks import SelfChecks, function, satisfies
from optcourse.learning.network import MLP

check = SelfChecks()


# -- 1. majority vote ----------------------------------------------------------------------------------

def _votes_like_the_median(vote) -> bool:
    rng = np.random.default_rng(8)
    for workers, coordinates in ((1, 4), (5, 30), (11, 7)):
        messages = rng.choice([-1.0, 1.0], size=(workers, coordinates))
        reply = np.asarray(vote(messages.copy()), dtype=float)
        if reply.shape != (coordinates,) or not np.array_equal(reply, np.median(messages, axis=0)):
            return False
    return True


check.add("majority-vote",
          satisfies(callable, "a function majority_vote(signs)"),
          satisfies(_votes_like_the_median, "an array of shape (d,) with the side most workers voted for, "
                                            "for any odd number of workers"),
          hint="Add the workers' messages coordinate by coordinate (sum over axis 0), then take the sign.")


# -- 2. one Lion step --------------------------------------------------------------------------------

def _steps_like_optcourse_lion(step) -> bool:
    rng = np.random.default_rng(81)
    for lr, b1, b2, wd in ((0.01, 0.9, 0.99, 0.0), (0.3, 0.5, 0.8, 0.2)):
        theta, m = rng.normal(size=6), rng.normal(size=6)
        mine_theta, mine_m = theta.copy(), m.copy()
        reference = optim.Lion(theta, lr=lr, betas=(b1, b2), weight_decay=wd)
        reference.state["m"][...] = m
        for _ in range(3):
            g = rng.normal(size=6)
            reference.step(g.copy())
            step(mine_theta, mine_m, g.copy(), lr, b1, b2, wd)
        if not (np.allclose(mine_theta, theta, atol=1e-12) and np.allclose(mine_m, reference.state["m"])):
            return False
    return True


check.add("lion-step",
          satisfies(callable, "a function lion_step(theta, m, g, lr, beta1, beta2, weight_decay)"),
          satisfies(_steps_like_optcourse_lion, "a function that changes theta and m in place as Lion does, "
                                                "over three steps, with and without weight decay"),
          hint="Compute c from the OLD m; change theta with -lr*(sign(c) + weight_decay*theta); only then "
               "update m. Change the arrays in place (theta -= ..., m[...] = ...), do not rebind the names.")


# -- 3. bytes of optimizer state ------------------------------------------------------------------------

_BUILDERS = {"SGD": lambda ps: optim.SGD(ps, lr=0.1),
             "SGD with momentum": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
             "Adam": optim.Adam, "AdamW": optim.AdamW, "Signum": optim.Signum,
             "Lion": optim.Lion, "Tiger": optim.Tiger}


def _measured_state_bytes(n_hidden, name, itemsize):
    net = MLP([5, n_hidden, 3], seed=0)
    dtype = {2: np.float16, 4: np.float32, 8: np.float64}[itemsize]
    params = [p.astype(dtype) for p in net.params]
    opt = _BUILDERS[name](params)
    return sum(a.nbytes for arrays in opt.state.values() for a in arrays)


def _matches_measured_bytes(predict) -> bool:
    for n_hidden, name, itemsize in ((4, "Adam", 8), (9, "Lion", 4), (3, "SGD", 8), (6, "Tiger", 2),
                                     (2, "SGD with momentum", 4)):
        n_params = MLP([5, n_hidden, 3], seed=0).n_params
        got = predict(n_params, name, itemsize)
        if not isinstance(got, (int, np.integer)) or got != _measured_state_bytes(n_hidden, name, itemsize):
            return False
    return True


check.add("state-bytes",
          satisfies(callable, "a function predicted_state_bytes(n_params, name, itemsize)"),
          satisfies(_matches_measured_bytes, "an int equal to the bytes measured on real optimizers' state, "
                                             "for several networks, optimizers and float sizes"),
          hint="Count the arrays of the parameters' size that each optimizer keeps (look at the table in "
               "section 3 and at the measurement above), then multiply by n_params and itemsize.")


# -- 4. a lost float16 update ----------------------------------------------------------------------------

def _rounded_in_float16(theta, step):
    return bool(np.float16(np.float64(theta) - np.float64(step)) == np.float16(theta))


_FLOAT16_CASES = [(1.0, 2e-4), (1.0, 2.6e-4), (1.0, -4e-4), (1.0, -5.2e-4), (2.0, 4.5e-4),
                  (2.0, 5.2e-4), (-3.0, 1e-3), (-3.0, -1.3e-3), (0.0, 2e-8), (0.0, -4e-8),
                  (100.0, 0.02), (100.0, -0.04)]

check.add("float16-lost",
          satisfies(callable, "a function float16_update_lost(theta, step)"),
          function(inputs=_FLOAT16_CASES, reference=_rounded_in_float16),
          hint="Use np.nextafter(np.float16(theta), direction) with the direction in which theta - step "
               "moves; the update is lost when |step| is less than half that gap. Return a bool.")


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
          hint="Test np.isnan(g).any() first. On NaN, theta[...] = shrink*(theta - centre) + centre and return "
               "without touching m. Otherwise update m in place, then theta -= lr*sign(m).")
