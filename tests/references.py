"""Gold references written out by hand, independently of optcourse: the sign-based optimizers element by
element from their papers (Tiger from its author's reference implementation), steepest descent with exact
steps on a quadratic."""
import math

import numpy as np


def sign(x):
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


def lion_reference(theta, grads, lr, b1, b2, wd):
    """Lion, Algorithm 2 of Chen et al. (2023), one float at a time."""
    theta, m = list(theta), [0.0] * len(theta)
    for g in grads:
        for i, gi in enumerate(g):
            c = b1 * m[i] + (1 - b1) * gi
            theta[i] = theta[i] - lr * (sign(c) + wd * theta[i])
            m[i] = b2 * m[i] + (1 - b2) * gi
    return theta


def signum_reference(theta, grads, lr, beta):
    """Signum, Bernstein et al. (2018), one float at a time."""
    theta, m = list(theta), [0.0] * len(theta)
    for g in grads:
        for i, gi in enumerate(g):
            m[i] = (1 - beta) * gi + beta * m[i]
            theta[i] = theta[i] - lr * sign(m[i])
    return theta


def tiger_reference(params, grads, lr, beta, wd, k, shrink, kinds, centres, schedule=None):
    """Tiger as its reference implementation computes it, one parameter and one float at a time.

    ``t`` counts iterations from 0; the momentum is decayed only at the start of an accumulation
    window, the parameters move only at its end; a parameter whose gradient has a NaN keeps its
    momentum and shrinks towards its centre.
    """
    params = [list(p) for p in params]
    m = [[0.0] * len(p) for p in params]
    for t, step in enumerate(grads):
        b1 = beta if t % k == 0 else 1.0
        b2 = (1 - beta) / k
        rate = lr * (schedule(t) if schedule else 1.0)
        rate = rate if (t + 1) % k == 0 else 0.0
        for j, g in enumerate(step):
            theta = params[j]
            is_nan = any(math.isnan(x) for x in g)
            lr_j, d = rate, wd
            if kinds[j] == "elementwise":
                lr_j, d = rate * 0.5, 0.0
            elif kinds[j] == "matrix":
                lr_j = rate * math.sqrt(sum(x * x for x in theta) / len(theta))
            for i in range(len(theta)):
                gi = 0.0 if is_nan else g[i]
                m[j][i] = (1.0 if is_nan else b1) * m[j][i] + b2 * gi
                u = (sign(m[j][i]) + d * theta[i]) * lr_j
                theta[i] = (theta[i] - centres[j]) * shrink + centres[j] if is_nan else theta[i] - u
    return params


def steepest_descent_by_hand(A, b, x, steps):
    """Steepest descent with the exact step g'g / g'Ag, written out independently of optcourse."""
    path = [x.copy()]
    for _ in range(steps):
        g = A @ x - b
        x = x - (g @ g) / (g @ A @ g) * g
        path.append(x.copy())
    return np.array(path)
