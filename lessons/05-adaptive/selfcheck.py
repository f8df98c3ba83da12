"""Self-checks of lesson 05, adaptive learning rates.

Each check compares with what optcourse's optimizers actually do (or runs a recursion step by step,
or checks a property); no answer is written out here.
"""
import numpy as np
import sympy as sp

from optcourse import optim
from optcourse.course.checks import SelfChecks, function, satisfies

check = SelfChecks()


# -- 1. AdaGrad's effective learning rates -----------------------------------------------------------------

def _rates_adagrad_used(grads, lr, eps):
    """Run optcourse's Adagrad on the gradients; each step divided by its gradient is the rate it used."""
    x = np.zeros(grads.shape[1])
    opt = optim.Adagrad(x, lr=lr, eps=eps)
    used = np.empty_like(grads)
    for row, g in enumerate(grads):
        previous = x.copy()
        opt.step(g)
        used[row] = (previous - x) / g
    return used


_gen = np.random.default_rng(4)
check.add("adagrad-rates",
          function(inputs=[(np.array([[1.0, -0.5], [2.0, 0.25], [-1.5, 1.0]]), 0.1, 1e-10),
                           (_gen.normal(0.0, [0.01, 1.0, 100.0], size=(25, 3)), 0.5, 1e-4)],
                   reference=_rates_adagrad_used, rtol=1e-8),
          hint=("Row t's rate depends on every gradient up to and including row t, squared; rows are steps, "
               "columns are parameters."))


# -- 2. AdaDelta's first step ------------------------------------------------------------------------------

def _first_move_of_adadelta(g, rho, eps, lr):
    x = np.zeros_like(g)
    optim.Adadelta(x, lr=lr, rho=rho, eps=eps).step(g)
    return x


check.add("adadelta-first-step",
          function(inputs=[(np.array([2.0, -0.1, 0.0]), 0.9, 1e-6, 1.0),
                           (np.array([1e-4, 5.0, -300.0]), 0.5, 1e-3, 0.3)],
                   reference=_first_move_of_adadelta, rtol=1e-8, atol=1e-15),
          hint="At the first step, which of AdaDelta's two running averages has already seen something, "
               "and which is still at its starting value? Follow the update in the order the algorithm "
               "does it.")


# -- 3. the correction for a momentum that changes from step to step ----------------------------------

def _means_of_the_recursion(betas, mean=1.0):
    """E[m_t] for m_t = beta_t m_(t-1) + (1 - beta_t) g_t from m_0 = 0 with E[g_t] = mean, step by step."""
    out, m = [], 0.0
    for beta in betas:
        m = beta * m + (1 - beta) * mean
        out.append(m)
    return np.array(out)


_SCHEDULES = {"a constant momentum 0.9 (5 steps)": np.full(5, 0.9),
              "NAdam's first 200 momenta": 0.9 * (1 - 0.5 * 0.96 ** (0.004 * np.arange(1, 201))),
              "momenta (0.6, 0.95, 0, 0.8, 0.3)": np.array([0.6, 0.95, 0.0, 0.8, 0.3]),
              "8 random momenta in (0.2, 0.99)": np.random.default_rng(50).uniform(0.2, 0.99, size=8)}


def _schedule_right(schedule_correction) -> bool:
    for shown, betas in _SCHEDULES.items():
        given = betas.copy()
        got = schedule_correction(given)
        if not np.array_equal(given, betas):
            raise AssertionError(f"it changed the betas it was given ({shown}); return a new array")
        if not (isinstance(got, np.ndarray) and got.shape == betas.shape and got.dtype.kind == "f"):
            raise AssertionError(f"for {shown} it returned {got!r:.60}; return a float array of the same length")
        want = _means_of_the_recursion(betas)
        off = np.flatnonzero(~np.isclose(got, want, rtol=1e-9, atol=1e-14))
        if off.size:
            t = off[0] + 1
            direction = "too large (m_t / c_t would be biased low)" if got[t - 1] > want[t - 1] else \
                "too small (m_t / c_t would be biased high)"
            raise AssertionError(f"for {shown} the divisor at step t = {t} is {direction}")
    return True


check.add("schedule-correction",
          satisfies(callable, "a function schedule_correction(betas)"),
          satisfies(_schedule_right, "the divisors c_t that make m_t / c_t unbiased for the given momenta, "
                                     "as a new float array (compared with the recursion of the means)"),
          hint="Take the expectation of the recursion: E[m_t] = beta_t E[m_(t-1)] + (1 - beta_t) mu. How does "
               "the missing part, mu - E[m_t], change from one step to the next?")


# -- 4. one Adam step --------------------------------------------------------------------------------------

def _matches_optcourse_adam(adam_step) -> bool:
    """Six steps of adam_step against optcourse's Adam, eps large enough to tell where it sits."""
    generator = np.random.default_rng(12)
    x = generator.normal(size=3)
    state = (x.copy(), np.zeros(3), np.zeros(3))
    reference = optim.Adam(x, lr=0.05, betas=(0.7, 0.9), eps=0.1)
    for step in range(1, 7):
        g = generator.normal(0.0, [0.05, 1.0, 20.0])
        kept = tuple(a.copy() for a in state)
        result = adam_step(*state, g, step, lr=0.05, betas=(0.7, 0.9), eps=0.1)
        if not all(np.array_equal(a, b) for a, b in zip(state, kept)):
            raise AssertionError("adam_step changed the arrays it was given; return new ones instead")
        if not (isinstance(result, tuple) and len(result) == 3):
            raise AssertionError(f"adam_step should return a tuple (theta, m, v), got {type(result).__name__}")
        reference.step(g)
        if not np.allclose(result[0], x, rtol=1e-9, atol=1e-12):
            return False
        state = tuple(np.asarray(a, dtype=float) for a in result)
    return (np.allclose(state[1], reference.state["m"], rtol=1e-9)
            and np.allclose(state[2], reference.state["v"], rtol=1e-9))


check.add("adam-step",
          satisfies(callable, "a function adam_step(theta, m, v, g, t, lr, betas, eps)"),
          satisfies(_matches_optcourse_adam, "a function whose (theta, m, v) match optcourse's Adam step after "
                                             "step (checked with eps = 0.1, so its place matters)"),
          hint=("Update both moments first; the two bias corrections then only rescale the step and the "
               "denominator. Where does eps sit in the text's formula?"))


# -- 5. decay per step, and the prediction ----------------------------------------------------------------

def _fraction_removed(v_hat, lr, weight_decay, decoupled, eps=1e-8):
    """Measured with optcourse: one step with a zero data gradient and Adam's state set to v_hat."""
    theta = np.full(v_hat.shape, 1e-9)           # tiny, so the penalty barely changes v itself
    if not decoupled:
        # beta1 = 0: m is the gradient itself; beta2 = 0.5 at t = 1: v-hat = v_0 + g^2
        adam = optim.Adam(theta, lr=lr, betas=(0.0, 0.5), weight_decay=weight_decay, eps=eps)
        adam.state["v"][...] = v_hat
        adam.step(np.zeros_like(theta))
    else:
        optim.AdamW(theta, lr=lr, weight_decay=weight_decay, eps=eps).step(np.zeros_like(theta))
    return (1e-9 - theta) / 1e-9


def _describe_direction(got, want):
    side = "too large" if np.max(got - want) > 0 else "too small"
    return f"{side} somewhere"


def _decay_right(decay) -> bool:
    if not callable(decay):
        raise AssertionError("decay_per_step should be a function")
    v_hat = np.array([[0.0, 1e-6, 0.04], [1.0, 250.0, 9.0]])
    for lr, weight_decay, decoupled, eps in ((0.01, 0.1, False, 0.5), (0.003, 2.0, False, 0.2),
                                             (0.01, 0.1, True, 0.5), (0.02, 0.3, True, 1e-8)):
        got = decay(v_hat.copy(), lr, weight_decay, decoupled, eps)
        if not isinstance(got, np.ndarray) or got.shape != v_hat.shape:
            raise AssertionError(f"decay_per_step(v_hat of shape {v_hat.shape}, ..., decoupled={decoupled}) "
                                 f"returned {type(got).__name__} {getattr(got, 'shape', '')}; return an array "
                                 "of v_hat's shape")
        want = _fraction_removed(v_hat, lr, weight_decay, decoupled, eps)
        if not np.allclose(got, want, rtol=1e-5):
            raise AssertionError(f"with decoupled={decoupled}, eps={eps}: {_describe_direction(got, want)} "
                                 f"(v_hat from 0 to 250)")
    v_small = np.array([1e-12, 4.0])                 # the default eps = 1e-8 matters at sqrt(v_hat) = 1e-6
    got = decay(v_small.copy(), 0.01, 0.1, False)
    want = _fraction_removed(v_small, 0.01, 0.1, False)
    if not isinstance(got, np.ndarray) or got.shape != (2,) or not np.allclose(got, want, rtol=1e-5):
        raise AssertionError("called without eps (the default 1e-8) on v_hat = [1e-12, 4]: "
                             + (_describe_direction(got, want) if isinstance(got, np.ndarray) and got.shape == (2,)
                                else f"returned {type(got).__name__}"))
    return True


def _prediction_right(value) -> bool:
    if not isinstance(value, float) or isinstance(value, bool):
        raise AssertionError(f"l2_first_after should be a float, got {type(value).__name__}")
    adam_l2_after = (1 - _fraction_removed(np.array([100.0]), 0.01, 0.1, False)[0]) ** 1000
    if abs(value - adam_l2_after) > 0.02 * adam_l2_after:
        raise AssertionError(f"l2_first_after = {value:.4g} is {'too large' if value > adam_l2_after else 'too small'}"
                             " (compound the decay per step over 1,000 steps)")
    return True


check.add("decay-prediction",
          satisfies(lambda answer: isinstance(answer, tuple) and len(answer) == 2,
                    "the pair (decay_per_step, l2_first_after)"),
          satisfies(lambda answer: _decay_right(answer[0]),
                    "decay_per_step matching the fraction optcourse's Adam (L2) and AdamW remove in one step, "
                    "eps given or not"),
          satisfies(lambda answer: _prediction_right(answer[1]),
                    "l2_first_after within 2% of what the decay per step predicts after 1,000 steps"),
          answer=("decay_per_step", "l2_first_after"),
          hint="AdamW removes the same fraction from every weight. Adam + L2 treats the penalty's gradient "
               "like any other gradient, so the fraction depends on v_hat and on where eps sits. For the "
               "prediction: what fraction is left after one step, and after 1,000 of them?")
