r"""Linear and logistic regression: the losses of lesson 01, their gradients, and minibatch descent.

    X = with_ones(x)                           # a last column of ones carries the bias b
    theta_star = normal_equations(X, y)        # least squares in closed form
    run = minibatch_descent(mse_gradient, np.zeros(2), X, y, lr=0.1, batch_size=32, epochs=3)
    mse_loss(run.thetas[-1], X, y), run.samples[-1]      # the loss at the end, the work it took

Both models predict from :math:`x_i^\top\theta`, where a row :math:`x_i` of ``X`` ends with a 1 so
that the last entry of :math:`\theta` is the bias. For least squares we use half the mean squared
error (the ½ cancels the 2 of the derivative; the minimiser is the same):

.. math::
    L(\theta) = \frac{1}{2N}\lVert X\theta - y\rVert^2, \qquad
    \nabla L = \frac1N X^\top (X\theta - y), \qquad
    \nabla^2 L = \frac1N X^\top X .

Setting the gradient to zero gives the normal equations :math:`X^\top X\,\theta = X^\top y`
(Legendre 1805, Gauss 1809): a closed form, bought with a :math:`d\times d` solve. Logistic regression
(Cox 1958) models :math:`P(y_i = 1) = \sigma(x_i^\top\theta)` and minimises the mean cross-entropy

.. math::
    \ell(\theta) = \frac1N\sum_i \Big[\log\big(1 + e^{z_i}\big) - y_i z_i\Big], \quad z_i = x_i^\top\theta,
    \qquad \nabla\ell = \frac1N X^\top\big(\sigma(X\theta) - y\big),

whose zero has no closed form: it is found by iterating, e.g. by gradient descent.

Every loss and gradient takes ``(theta, X, y)`` in that order, so ``minibatch_descent`` can run any
of them on the batches of :func:`optcourse.learning.data.minibatches`.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from optcourse.landscapes.surfaces import Surface
from optcourse.learning.data import minibatches
from optcourse.validation import whole

# -- checking what came in ------------------------------------------------------------------------

def _data(X, y, who: str) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y) or len(X) == 0:
        raise ValueError(f"{who}: X must be a 2-D array (samples x features) and y a 1-D array with one "
                         f"entry per row of X; got shapes {X.shape} and {y.shape}. Add the column of ones "
                         f"with with_ones(x).")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError(f"{who}: X and y must be finite; they contain NaN or inf.")
    return X, y


def _theta(theta, X: np.ndarray, who: str) -> np.ndarray:
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (X.shape[1],):
        raise ValueError(f"{who}: theta must have one entry per column of X, shape ({X.shape[1]},); got shape "
                         f"{theta.shape}.")
    return theta


def _labels01(y: np.ndarray, who: str) -> np.ndarray:
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{who}: the labels y must be 0 or 1; map other labels first, e.g. y = (labels == 3).")
    return y


# -- features ---------------------------------------------------------------------------------------

def with_ones(x) -> np.ndarray:
    """The design matrix: ``x`` (shape (N,) or (N, d)) with a last column of ones, shape (N, d + 1).

    Example:
        >>> with_ones(np.array([2.0, 3.0]))
        array([[2., 1.],
               [3., 1.]])
    """
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"with_ones: x must be a non-empty 1-D or 2-D array (samples first), got shape {x.shape}.")
    return np.hstack([x, np.ones((len(x), 1))])


# -- least squares ----------------------------------------------------------------------------------

def mse_loss(theta, X, y) -> float:
    r"""Half the mean squared error :math:`\frac{1}{2N}\lVert X\theta - y\rVert^2`.

    Example:
        >>> mse_loss(np.array([1.0, 0.0]), with_ones([1.0, 2.0]), np.array([1.0, 4.0]))   # ½ mean(0, 4)
        1.0
    """
    X, y = _data(X, y, "mse_loss")
    r = X @ _theta(theta, X, "mse_loss") - y
    return float(r @ r / (2 * len(y)))


def mse_gradient(theta, X, y) -> np.ndarray:
    r""":math:`\nabla L(\theta) = \frac1N X^\top (X\theta - y)`, shape like theta.

    Example:
        >>> mse_gradient(np.zeros(2), with_ones([1.0, 2.0]), np.array([1.0, 4.0]))
        array([-4.5, -2.5])
    """
    X, y = _data(X, y, "mse_gradient")
    r = X @ _theta(theta, X, "mse_gradient") - y
    return X.T @ r / len(y)


def mse_sample_gradients(theta, X, y) -> np.ndarray:
    r"""The gradient of each sample's loss :math:`\tfrac12(x_i^\top\theta - y_i)^2`, as rows: shape (N, d).

    Their mean is :func:`mse_gradient`; their spread is the noise of stochastic gradients.
    """
    X, y = _data(X, y, "mse_sample_gradients")
    r = X @ _theta(theta, X, "mse_sample_gradients") - y
    return r[:, None] * X


def mse_hessian(X) -> np.ndarray:
    r""":math:`\nabla^2 L = \frac1N X^\top X`, the same at every theta (the loss is quadratic).

    Gradient descent with a fixed learning rate converges on this loss exactly when
    :math:`0 < \eta < 2/\lambda_{\max}` of this matrix.
    """
    X = np.asarray(X, dtype=float)
    X, _ = _data(X, np.zeros(len(X) if X.ndim == 2 else 0), "mse_hessian")
    return X.T @ X / len(X)


def normal_equations(X, y) -> np.ndarray:
    r"""The least-squares minimiser in closed form: solve :math:`X^\top X\,\theta = X^\top y`.

    Forming :math:`X^\top X` costs about :math:`N d^2` multiply-adds and solving it :math:`d^3/3`;
    a gradient step costs about :math:`2Nd`. (``np.linalg.solve`` factorises instead of inverting,
    which is cheaper and more accurate, but it still needs the whole :math:`d\times d` matrix.)

    Example:
        >>> normal_equations(with_ones([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]))   # y = 2x + 1
        array([2., 1.])
    """
    X, y = _data(X, y, "normal_equations")
    A = X.T @ X
    if np.linalg.matrix_rank(A) < A.shape[0]:
        raise ValueError(f"normal_equations: X^T X is singular (rank {np.linalg.matrix_rank(A)} < {A.shape[0]}): "
                         f"some columns of X are linear combinations of others, so the minimiser is not unique. "
                         f"Remove the redundant columns, or use np.linalg.lstsq for the smallest-norm minimiser.")
    return np.linalg.solve(A, X.T @ y)


def mse_surface(X, y, span: float = 4.0, start=None) -> Surface:
    r"""The least-squares loss of a two-parameter model (X has 2 columns, e.g. ``with_ones(x)``) as a
    :class:`optcourse.landscapes.surfaces.Surface` over :math:`\theta = (w, b)`, for contour plots.

    The loss is expanded into the data's moments, so evaluating a whole grid costs nothing per sample.
    ``bounds`` is the minimiser ± ``span``; ``start`` defaults to minimiser + (-0.75, 0.6) * span.

    Example:
        >>> s = mse_surface(with_ones(x), y)
        >>> plot_contour(s)
    """
    X, y = _data(X, y, "mse_surface")
    if X.shape[1] != 2:
        raise ValueError(f"mse_surface: X must have exactly 2 columns (one feature and the ones), got {X.shape[1]}.")
    H, c, yy = X.T @ X / len(y), X.T @ y / len(y), float(y @ y) / len(y)
    (a, m), (_, d) = H

    def f(w, b):       # ½ θᵀHθ - cᵀθ + ½ mean(y²)
        return 0.5 * (a * w * w + 2 * m * w * b + d * b * b) - c[0] * w - c[1] * b + 0.5 * yy

    def df(w, b):
        return a * w + m * b - c[0], m * w + d * b - c[1]

    def d2f(w, b):
        return a, m, d

    best = normal_equations(X, y)
    start = best + np.array([-0.75, 0.6]) * span if start is None else np.asarray(start, dtype=float)
    bounds = ((best[0] - span, best[0] + span), (best[1] - span, best[1] + span))
    return Surface("least squares", r"\frac{1}{2N}\sum_i (w x_i + b - y_i)^2", f, df, d2f, bounds, start,
                   best.reshape(1, 2))


# -- logistic regression ----------------------------------------------------------------------------

def sigmoid(z):
    r""":math:`\sigma(z) = 1/(1 + e^{-z})`, computed without overflow for any z (scipy's ``expit``)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))                     # <= 1: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def logistic_loss(theta, X, y) -> float:
    r"""The mean cross-entropy :math:`\frac1N\sum_i [\log(1 + e^{z_i}) - y_i z_i]`, :math:`z = X\theta`,
    labels 0 or 1; ``np.logaddexp(0, z)`` keeps it finite for large :math:`|z|`.

    Example:
        >>> logistic_loss(np.zeros(2), with_ones([1.0, -1.0]), np.array([1.0, 0.0]))   # log 2
        0.6931471805599453
    """
    X, y = _data(X, y, "logistic_loss")
    z = X @ _theta(theta, X, "logistic_loss")
    return float(np.mean(np.logaddexp(0.0, z) - _labels01(y, "logistic_loss") * z))


def logistic_gradient(theta, X, y) -> np.ndarray:
    r""":math:`\nabla\ell = \frac1N X^\top(\sigma(X\theta) - y)`: the same shape as least squares'
    gradient, with the prediction passed through the sigmoid."""
    X, y = _data(X, y, "logistic_gradient")
    p = sigmoid(X @ _theta(theta, X, "logistic_gradient"))
    return X.T @ (p - _labels01(y, "logistic_gradient")) / len(y)


# -- minibatch gradient descent ---------------------------------------------------------------------

class Descent(NamedTuple):
    """What :func:`minibatch_descent` did.

    thetas   -- (k+1, d): the start and the parameters after each of the k updates
    samples  -- (k+1,): how many per-sample gradients had been computed by then (the work done)
    diverged -- True if the parameters stopped being finite (the run stopped there)
    """
    thetas: np.ndarray
    samples: np.ndarray
    diverged: bool

    @property
    def updates(self) -> int:
        return len(self.thetas) - 1

    def epochs(self, n_samples: int) -> np.ndarray:
        """The work as epochs (passes over the data) after each update: samples / N."""
        return self.samples / n_samples


def minibatch_descent(gradient: Callable, theta0, X, y, lr: float, *, batch_size: int | None = None,
                      epochs: int = 1, max_updates: int | None = None, seed: int = 0) -> Descent:
    r"""Minibatch gradient descent :math:`\theta \leftarrow \theta - \eta\,\nabla L_B(\theta)`, where
    :math:`L_B` is the loss on the next batch of :func:`optcourse.learning.data.minibatches` (every sample once
    per epoch, a new random order each epoch from ``seed``).

    ``batch_size=None`` is batch gradient descent (one update per epoch), ``batch_size=1``
    stochastic gradient descent (N updates per epoch). ``gradient(theta, X_batch, y_batch)`` is e.g.
    :func:`mse_gradient` or :func:`logistic_gradient`. Stops after ``epochs`` epochs or
    ``max_updates`` updates, or when the parameters overflow (``diverged``). ``theta0`` is not changed.

    Example:
        >>> run = minibatch_descent(mse_gradient, [0.0, 0.0], X, y, lr=0.1, batch_size=1, epochs=1)
        >>> run.updates == len(y), run.samples[-1] == len(y)
    """
    X, y = _data(X, y, "minibatch_descent")
    theta = _theta(theta0, X, "minibatch_descent").copy()
    if not np.isfinite(theta).all():
        raise ValueError("minibatch_descent: theta0 must be finite.")
    if not (lr >= 0 and math.isfinite(lr)):
        raise ValueError(f"minibatch_descent: lr must be a finite number >= 0, got {lr!r}.")
    epochs = whole("minibatch_descent: epochs", epochs, 1)
    max_updates = math.inf if max_updates is None else whole("minibatch_descent: max_updates", max_updates, 1)
    thetas, samples, seen, diverged = [theta.copy()], [0], 0, False
    with np.errstate(over="ignore", invalid="ignore"):     # a diverging run overflows; we stop on it below
        for epoch in range(epochs):
            for X_batch, y_batch in minibatches(X, y, batch_size, seed=seed, epoch=epoch):
                theta = theta - lr * gradient(theta, X_batch, y_batch)
                seen += len(y_batch)
                if not np.isfinite(theta).all():
                    diverged = True
                    break
                thetas.append(theta)
                samples.append(seen)
                if len(thetas) - 1 >= max_updates:
                    break
            if diverged or len(thetas) - 1 >= max_updates:
                break
    return Descent(np.array(thetas), np.array(samples), diverged)


def minibatch_noise(per_sample_gradients, batch_size: int) -> float:
    r"""The root-mean-square error of a minibatch gradient drawn without replacement:

    .. math:: \sqrt{E\lVert \hat g_B - \bar g\rVert^2}
              = \sqrt{\frac{N - B}{N - 1}\,\frac{\operatorname{tr} S}{B}},
              \qquad S = \frac1N \sum_i (g_i - \bar g)(g_i - \bar g)^\top

    for N per-sample gradients :math:`g_i` (rows of ``per_sample_gradients``) and batches of B:
    the variance of a mean of B draws, shrunk by the finite-population factor (N - B)/(N - 1),
    which makes it 0 for the full batch. Halving the noise takes four times the batch.
    """
    G = np.asarray(per_sample_gradients, dtype=float)
    N = len(G)
    if not 1 <= batch_size <= N:
        raise ValueError(f"batch_size must be between 1 and the {N} samples, got {batch_size}.")
    trace = float(((G - G.mean(axis=0)) ** 2).sum(axis=1).mean())
    factor = (N - batch_size) / (N - 1) if N > 1 else 0.0
    return math.sqrt(factor * trace / batch_size)
