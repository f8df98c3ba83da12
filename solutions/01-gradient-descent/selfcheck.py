"""Self-checks of lesson 01. References come from optcourse (its gradients, its optimizers, its
minibatch loop) or from a property of the right answer; the answers themselves are not written here."""
import numbers

import numpy as np
import sympy as sp

from optcourse.learning import linear_models as lm
from optcourse.course.checks import Mismatch, SelfChecks, describe, function, own_work, satisfies, value
from optcourse.optim import SGD

check = SelfChecks()


def _regression(n, features, seed):
    draw = np.random.default_rng(seed)
    X = lm.with_ones(draw.normal(1.0, 2.0, (n, features)))
    return X, X @ draw.normal(size=features + 1) + draw.normal(size=n)


# -- exercise 1: the gradient of the MSE loss ---------------------------------------------------------
_X3, _y3 = _regression(7, 2, seed=11)
check.add("mse-gradient",
          function(inputs=[(np.array([0.5, -1.0]), lm.with_ones([1.0, 2.0, -0.5]), np.array([2.0, 0.0, 1.0])),
                           (np.array([0.3, -0.2, 0.9]), _X3, _y3)],
                   reference=lm.mse_gradient),
          own_work(lm.mse_gradient, inputs=[(np.array([0.3, -0.2, 0.9]), _X3, _y3)]),
          hint="The gradient is the mean, over the samples, of each sample's residual times its row of "
               "features; it has one entry per column of X, whatever the number of columns.")


# -- exercise 2: one gradient step on f(u) = lam u^2 / 2 ------------------------------------------------
def _by_name(expr):
    """The expression's symbols by name, so symbols made with other assumptions still match."""
    return {s.name: s for s in expr.free_symbols}


def _sgd_factor(lr, curvature):
    """What one optcourse SGD step from x = 1 on f = curvature x^2 / 2 leaves: x_1 / x_0."""
    x = np.array([1.0])
    SGD(x, lr=lr).step(curvature * x)
    return float(x[0])


_CASES = [(0.1, 2.0), (0.3, 5.0), (0.9, 3.0), (0.05, 40.0)]


def _factor_matches_sgd(expr) -> None:
    """The factor, at several (eta, lambda), equals what one SGD step does; else say where and which way."""
    expected = "an expression in eta and lambda (no u) equal to u_(k+1) / u_k"
    names = _by_name(expr)
    if not set(names) <= {"eta", "lambda"}:
        raise Mismatch(expected, f"{expr}, which contains {', '.join(sorted(set(names) - {'eta', 'lambda'}))}")
    for lr, c in _CASES:
        values = {names[n]: v for n, v in (("eta", lr), ("lambda", c)) if n in names}
        got, want = float(expr.subs(values)), _sgd_factor(lr, c)
        if abs(got - want) > 1e-12:
            raise Mismatch(expected, f"{expr}, which at eta = {lr}, lambda = {c} is "
                                     + ("too large" if got > want else "too small"))


def _limit_is_neutral(expr) -> bool:
    """At the learning rate answered, one step sends x to -x exactly: the boundary of stability."""
    names = _by_name(expr)
    if set(names) != {"lambda"}:
        return False
    return all(abs(_sgd_factor(float(expr.subs(names["lambda"], c)), c) + 1.0) < 1e-12 for c in (0.5, 2.0, 7.0))


_is_expr = satisfies(lambda e: isinstance(e, sp.Basic), "a SymPy expression")
check.add("step-factor", _is_expr, _factor_matches_sgd, answer="step_factor",
          hint="Write the position after one gradient step on the parabola, then divide it by the position "
               "before; on a parabola the position cancels.")
check.add("lr-limit", _is_expr,
          satisfies(_limit_is_neutral, "an expression in lambda: the learning rate at which the factor is -1"),
          answer="lr_limit",
          hint="At the edge of stability one step sends u exactly to -u: an equation in eta.")


# -- exercise 3 (a): the predicted edge on the wide data ------------------------------------------------
def _wide_edge() -> float:
    """The edge of the data the lesson's check of exercise 3 (b) builds, from optcourse's Hessian."""
    X = lm.with_ones(np.random.default_rng(3).normal(0.0, 3.0, 500))
    return 2.0 / float(np.linalg.eigvalsh(lm.mse_hessian(X)).max())


check.add("edge-prediction", value(_wide_edge, rtol=0.2), answer="wide_edge_guess",
          hint="With inputs that average to 0, the off-diagonal entries of H (the mean of x) vanish; the "
               "diagonal holds the mean of x^2 and the mean of 1. Which is the steepest curvature?")


# -- exercise 3 (b): the largest stable learning rate of a weighted MSE loss ---------------------------
def _weighted_descent(X, y, w, lr, steps):
    """Batch gradient descent on L = sum_i w_i (x_i^T theta - y_i)^2 / (2 sum_i w_i), written out."""
    theta = np.zeros(X.shape[1])
    for _ in range(steps):
        theta = theta - lr * X.T @ (w * (X @ theta - y)) / np.sum(w)
    return theta


def _weighted_sets():
    """Data unlike the lesson's: 2 and 4 columns, integer counts, uneven weights, a zero weight."""
    X1, y1 = _regression(40, 1, seed=2)
    counts = np.random.default_rng(12).integers(1, 6, 40)               # duplicated rows, stored once
    X2, y2 = _regression(60, 3, seed=5)
    favoured = np.where(X2[:, 1] > 1.0, 6.0, 0.5)                       # importance weights tied to a feature
    uncoupled = np.vstack([np.repeat(np.diag([0.5, 1.0, 2.0]), 10, axis=0), [[9.0, 9.0, 9.0]]])
    uneven = np.append(np.repeat([3.0, 1.0, 0.25], 10), 0.0)            # the large last row weighs nothing
    return [(X1, y1, counts), (X2, y2, favoured), (uncoupled, np.random.default_rng(8).normal(size=31), uneven)]


def _threshold_right(answer) -> None:
    """600 weighted gradient descent steps at 0.97 x the answer bring theta closer to the minimiser;
    at 1.03 x they carry it a million times further away (the error grows by 1.06 per step)."""
    expected = ("a learning rate just at the edge: gradient descent on the weighted MSE loss converges a "
                "little below it and diverges a little above it")
    for X, y, w in _weighted_sets():
        shape = f"on data X of shape {X.shape} with weights w of dtype {w.dtype}"
        try:
            got = answer(X.copy(), w.copy())
        except NotImplementedError:
            raise Mismatch("a finished function", "it raised NotImplementedError: replace the "
                                                  "`raise NotImplementedError()` line with your code") from None
        except Exception as e:
            raise Mismatch("a function that runs", f"{shape} it raised {type(e).__name__}: {e}") from None
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Real):
            raise Mismatch("a number (a float)", f"{shape} it returned {describe(got)}")
        lr = float(got)
        if not (lr > 0 and np.isfinite(lr)):
            raise Mismatch("a positive, finite learning rate", f"{shape} it returned {lr!r}")
        root_w = np.sqrt(w)
        best = np.linalg.lstsq(root_w[:, None] * X, root_w * y, rcond=None)[0]   # the weighted minimiser
        with np.errstate(over="ignore", invalid="ignore"):
            for factor in (0.97, 1.03):
                end = _weighted_descent(X, y, w, factor * lr, 600)
                ratio = np.linalg.norm(end - best) / np.linalg.norm(best)
                if factor < 1 and not ratio < 1:
                    raise Mismatch(expected, f"{shape} it returned {lr:.4g}, too large: weighted gradient "
                                             f"descent already diverges at 0.97 times it")
                if factor > 1 and not (ratio > 1e6 or np.isnan(ratio)):
                    raise Mismatch(expected, f"{shape} it returned {lr:.4g}, too small: weighted gradient "
                                             f"descent still converges at 1.03 times it")


check.add("largest-stable-lr", satisfies(callable, "a function largest_stable_lr(X, w)"), _threshold_right,
          hint="Divergence starts in the steepest direction of the loss, and exercise 2 gives the edge along "
               "one direction of known curvature. The curvatures are those of the Hessian of the weighted "
               "loss: differentiate it twice, and watch what the weights multiply and what the loss divides by.")


# -- exercise 4: one epoch of minibatch gradient descent ---------------------------------------------
def _library_epoch(theta, X, y, lr, batch_size, order):
    """optcourse's minibatch loop, whose first epoch visits the samples in the order of seed 3."""
    assert np.array_equal(order, np.random.default_rng([3, 0]).permutation(len(y)))
    return lm.minibatch_descent(lm.mse_gradient, theta, X, y, lr=lr, batch_size=batch_size, seed=3).thetas


_X4, _y4 = _regression(10, 1, seed=7)
_order = np.random.default_rng([3, 0]).permutation(10)


def _leaves_theta_alone(answer) -> bool:
    theta = np.array([0.5, -0.5])
    answer(theta, _X4, _y4, 0.1, 4, _order.copy())
    return bool(np.all(theta == np.array([0.5, -0.5])))


check.add("minibatch-epoch",
          function(inputs=[(np.array([0.0, 0.0]), _X4, _y4, 0.1, 4, _order),
                           (np.array([1.0, -1.0]), _X4, _y4, 0.05, 1, _order),
                           (np.array([0.5, 0.5]), _X4, _y4, 0.2, 10, _order)],
                   reference=_library_epoch),
          satisfies(_leaves_theta_alone, "a function that leaves the theta it was given unchanged"),
          hint="The batches are consecutive runs of batch_size entries of order, the last one possibly "
               "shorter; each step starts where the previous one ended and sees only its batch's rows. "
               "Every position you keep must be an array of its own: a change in place would also change "
               "the caller's theta and the positions already stored.")


# -- exercise 5: the gradient of the logistic loss -----------------------------------------------------
_Xl = lm.with_ones(np.random.default_rng(9).normal(size=(8, 2)))
_yl = (np.arange(8) % 3 == 0).astype(float)
check.add("logistic-gradient",
          function(inputs=[(np.zeros(3), _Xl, _yl), (np.array([0.7, -1.5, 0.2]), _Xl, _yl)],
                   reference=lm.logistic_gradient),
          own_work(lm.logistic_gradient, inputs=[(np.zeros(3), _Xl, _yl)]),
          hint="Chain rule: each sample's loss depends on theta only through z_i, and you know the "
               "derivative with respect to z_i; the loss is a mean over the samples.")
