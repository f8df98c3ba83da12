"""Self-checks of lesson 01. References come from optcourse (its gradients, its optimizers, its
minibatch loop) or from a property of the right answer; the answers themselves are not written here."""
import numpy as np
import sympy as sp

from optcourse.learning import linear_models as lm
from optcourse.course.checks import SelfChecks, function, satisfies
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
          hint="First the residuals, one per sample; then one matrix product combines them with the "
               "features; then divide by the number of samples. The result has the shape of theta.")


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


def _factor_matches_sgd(expr) -> bool:
    names = _by_name(expr)
    if not set(names) <= {"eta", "lambda"}:
        return False
    for lr, c in _CASES:
        values = {names[n]: v for n, v in (("eta", lr), ("lambda", c)) if n in names}
        if abs(float(expr.subs(values)) - _sgd_factor(lr, c)) > 1e-12:
            return False
    return True


def _limit_is_neutral(expr) -> bool:
    """At the learning rate answered, one step sends x to -x exactly: the boundary of stability."""
    names = _by_name(expr)
    if set(names) != {"lambda"}:
        return False
    return all(abs(_sgd_factor(float(expr.subs(names["lambda"], c)), c) + 1.0) < 1e-12 for c in (0.5, 2.0, 7.0))


_is_expr = satisfies(lambda e: isinstance(e, sp.Basic), "a SymPy expression")
check.add("step-factor", _is_expr,
          satisfies(_factor_matches_sgd, "an expression in eta and lambda (no u) equal to u_(k+1) / u_k"),
          hint="One step moves x to x - eta f'(x) (differentiate f with sp.diff). Divide the new x by the old "
               "one and simplify: x cancels.")
check.add("lr-limit", _is_expr,
          satisfies(_limit_is_neutral, "an expression in lambda: the learning rate at which the factor is -1"),
          hint="At the edge of stability the factor is exactly -1: solve that equation for eta with sp.solve.")


# -- exercise 3: the largest stable learning rate ------------------------------------------------------
def _threshold_right(answer) -> bool:
    """600 gradient descent steps at 0.97 x the answer bring theta closer to the minimiser; at
    1.03 x they carry it a million times further away (the error grows by 1.06 per step)."""
    for X, y in (_regression(50, 1, seed=2), _regression(40, 3, seed=5)):
        lr = float(answer(X.copy()))
        if not (lr > 0 and np.isfinite(lr)):
            return False
        best, start = lm.normal_equations(X, y), np.zeros(X.shape[1])
        for factor in (0.97, 1.03):
            end = lm.minibatch_descent(lm.mse_gradient, start, X, y, lr=factor * lr, epochs=600).thetas[-1]
            ratio = np.linalg.norm(end - best) / np.linalg.norm(start - best)
            if (factor < 1 and not ratio < 1) or (factor > 1 and not ratio > 1e6):
                return False
    return True


check.add("largest-stable-lr", satisfies(callable, "a function largest_stable_lr(X)"),
          satisfies(_threshold_right, "a learning rate just at the edge: gradient descent on the MSE loss "
                                      "converges a little below it and diverges a little above it"),
          hint="Build the Hessian of the MSE loss from X alone, take its largest eigenvalue "
               "(np.linalg.eigvalsh), and use the 1-D rule from exercise 2 along that direction.")


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
          hint="Walk through order in slices of batch_size (the last one may be shorter); for each, step "
               "with lm.mse_gradient on X[batch], y[batch], making a new array each time (theta - ..., "
               "not theta -= ...). Return every theta, the start first, as one array.")


# -- exercise 5: the gradient of the logistic loss -----------------------------------------------------
_Xl = lm.with_ones(np.random.default_rng(9).normal(size=(8, 2)))
_yl = (np.arange(8) % 3 == 0).astype(float)
check.add("logistic-gradient",
          function(inputs=[(np.zeros(3), _Xl, _yl), (np.array([0.7, -1.5, 0.2]), _Xl, _yl)],
                   reference=lm.logistic_gradient),
          hint="It is built like the MSE gradient; only the prediction changes: pass X @ theta through "
               "lm.sigmoid before comparing it with the labels.")
