"""Every optimizer converges on an ill-conditioned quadratic and on Rosenbrock's valley.

Sign-based methods move every coordinate by lr, so they need a decaying learning rate to settle.
AdaDelta's slow start (its update units come from a running average that starts at 0) leaves it
far along Rosenbrock's valley within the budget, as lesson 05 shows. Tolerances say how close
each gets within the budget; most broken updates miss them by orders of magnitude.
"""
import numpy as np
import pytest

from optcourse import optim
from optcourse.optim import cosine

A = np.array([[1.0, 0.0], [0.0, 10.0]])      # condition number 10
STEPS = 4000


def quadratic_grad(x):
    return A @ x


def rosenbrock_grad(x):
    a, b = x
    return np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])


def decaying(lr):
    return cosine(lr, STEPS, min_lr=lr * 1e-4)


CASES = {   # name: (hyperparameters, quadratic tolerance, Rosenbrock tolerance)
    "SGD": (dict(lr=1e-3, momentum=0.9), 1e-10, 1e-6),
    "SGD-nesterov": (dict(lr=1e-3, momentum=0.9, nesterov=True), 1e-10, 1e-6),
    "Adagrad": (dict(lr=0.3), 1e-10, 0.2),
    "Adadelta": (dict(lr=1.0), 0.05, 0.8),           # slow: still far along the valley
    "RMSprop": (dict(lr=decaying(3e-3)), 1e-6, 0.05),
    "Adam": (dict(lr=decaying(0.05)), 1e-10, 1e-4),
    "AdamW": (dict(lr=decaying(0.05), weight_decay=0.0, amsgrad=True), 1e-10, 0.03),
    "SignSGD": (dict(lr=optim.exponential(0.01, 0.999)), 1e-3, 0.5),   # zig-zags in the valley
    "Signum": (dict(lr=decaying(0.01)), 1e-5, 1e-4),
    "Lion": (dict(lr=decaying(0.01)), 1e-5, 1e-2),
    "Tiger": (dict(lr=decaying(0.01), kinds="plain", weight_decay=0.0), 1e-4, 2e-3),
}


def run(name, hyper, grad, x0):
    x = np.array(x0, dtype=float)
    opt = getattr(optim, name.split("-")[0])(x, **hyper)
    for _ in range(STEPS):
        opt.step(grad(x))
    return x


@pytest.mark.parametrize("name", CASES)
def test_quadratic(name):
    hyper, tol, _ = CASES[name]
    x = run(name, hyper, quadratic_grad, [3.0, 2.0])
    assert np.linalg.norm(x) < tol


@pytest.mark.parametrize("name", CASES)
def test_rosenbrock(name):
    hyper, _, tol = CASES[name]
    x0 = np.array([-1.2, 1.0])
    x = run(name, hyper, rosenbrock_grad, x0)
    assert np.linalg.norm(x - 1.0) < min(tol, 0.5 * np.linalg.norm(x0 - 1.0))
