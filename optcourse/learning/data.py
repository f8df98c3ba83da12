r"""Data for the lessons: real handwritten digits shipped in the package, synthetic sets, minibatches.

    X, y = load_digits()                                   # (1797, 64) in [0, 1], labels 0..9
    (X_train, y_train), (X_test, y_test) = train_test_split(X, y, test_fraction=0.2, seed=0)
    for X_batch, y_batch in minibatches(X_train, y_train, batch_size=32, seed=0, epoch=e): ...

``minibatches`` expresses the three ways of training with one call: ``batch_size=None`` (the
whole set: batch gradient descent), ``batch_size=1`` (stochastic gradient descent) and anything
between (minibatch). The digits come from the UCI "Optical Recognition of Handwritten Digits" data
set (Alpaydin and Kaynak 1998, CC BY 4.0); ``optcourse/learning/datasets/README.md`` says where the file came from.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Iterator, NamedTuple

import numpy as np

from optcourse.validation import whole

DIGITS_FILE = Path(__file__).with_name("datasets") / "digits.npz"


def load_digits(flatten: bool = True):
    """The 1,797 8x8 handwritten digits: X scaled to [0, 1] (pixel counts 0..16 divided by 16), y.

    X has shape (1797, 64) with ``flatten=True`` (rows of pixels one after another), else
    (1797, 8, 8) for ``plt.imshow(X[i])``; y holds the digits 0..9 (int64). Read from the
    package, never from the network.

    Example:
        >>> X, y = load_digits()
        >>> X.shape, np.bincount(y)           # (1797, 64), about 180 images of each digit
    """
    with np.load(DIGITS_FILE) as archive:
        images, labels = archive["images"], archive["labels"]
    X = images.astype(np.float64) / 16.0
    return (X.reshape(len(X), -1) if flatten else X), labels.astype(np.int64)


def _pair(X, y, who: str):
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(f"{who}: X and y must have the same number of rows (samples); got shapes "
                         f"{X.shape} and {y.shape}.")
    if len(X) == 0:
        raise ValueError(f"{who}: there are no samples.")
    return X, y


def train_test_split(X, y, test_fraction: float = 0.2, seed: int = 0):
    """Shuffle the rows with ``seed`` and hold out ``test_fraction`` of them for testing.

    Returns ``(X_train, y_train), (X_test, y_test)``.

    Example:
        >>> (X_train, y_train), (X_test, y_test) = train_test_split(*load_digits(), 0.2, seed=0)
    """
    X, y = _pair(X, y, "train_test_split")
    if not 0 < test_fraction < 1:
        raise ValueError(f"train_test_split: test_fraction must lie strictly between 0 and 1, got {test_fraction!r}.")
    order = np.random.default_rng(whole("train_test_split: seed", seed, 0)).permutation(len(X))
    n_test = int(round(test_fraction * len(X)))
    if not 0 < n_test < len(X):
        raise ValueError(f"train_test_split: {len(X)} samples are too few to hold out {test_fraction!r} of them.")
    test, train = order[:n_test], order[n_test:]
    return (X[train], y[train]), (X[test], y[test])


class Regression(NamedTuple):
    X: np.ndarray          # (n_samples, n_features)
    y: np.ndarray          # (n_samples,)
    weights: np.ndarray    # the true w
    bias: float            # the true b


def make_regression(n_samples: int = 100, n_features: int = 1, noise: float = 0.5,
                    seed: int = 0) -> Regression:
    r"""A linear regression problem :math:`y = X w + b + \varepsilon`, :math:`\varepsilon \sim N(0, \text{noise}^2)`.

    Inputs :math:`X_{ij} \sim N(0, 1)`, true weights :math:`w_j \sim N(0, 2^2)` and bias
    :math:`b \sim N(0, 1)`, all from ``seed``. Least squares recovers w and b up to the noise.

    Example:
        >>> X, y, w, b = make_regression(200, n_features=1, noise=0.3, seed=0)
    """
    n_samples = whole("make_regression: n_samples", n_samples, 1)
    n_features = whole("make_regression: n_features", n_features, 1)
    if not (noise >= 0 and math.isfinite(noise)):
        raise ValueError(f"make_regression: noise must be a finite number >= 0, got {noise!r}.")
    rng = np.random.default_rng(whole("make_regression: seed", seed, 0))
    weights, bias = rng.normal(0.0, 2.0, n_features), float(rng.normal())
    X = rng.standard_normal((n_samples, n_features))
    y = X @ weights + bias + noise * rng.standard_normal(n_samples)
    return Regression(X, y, weights, bias)


def make_classification(n_samples: int = 200, n_classes: int = 2, n_features: int = 2,
                        separation: float = 2.0, seed: int = 0):
    """Gaussian blobs: ``n_classes`` clouds of unit spread, X (n_samples, n_features), y (n_samples,).

    The class centres sit ``separation`` from the origin, evenly spaced on a circle in the first two
    features (on a line for one feature); further features are pure noise. Classes are as equal in
    size as ``n_samples`` allows. Smaller separation, more overlap.

    Example:
        >>> X, y = make_classification(300, n_classes=3, separation=3.0, seed=1)
    """
    n_samples = whole("make_classification: n_samples", n_samples, 1)
    n_classes = whole("make_classification: n_classes", n_classes, 2)
    n_features = whole("make_classification: n_features", n_features, 1)
    if not (separation >= 0 and math.isfinite(separation)):
        raise ValueError(f"make_classification: separation must be a finite number >= 0, got {separation!r}.")
    rng = np.random.default_rng(whole("make_classification: seed", seed, 0))
    centres = np.zeros((n_classes, n_features))
    if n_features == 1:
        centres[:, 0] = separation * np.linspace(-1.0, 1.0, n_classes)
    else:
        angles = 2 * np.pi * np.arange(n_classes) / n_classes
        centres[:, 0], centres[:, 1] = separation * np.cos(angles), separation * np.sin(angles)
    y = rng.permutation(np.arange(n_samples) % n_classes)
    X = centres[y] + rng.standard_normal((n_samples, n_features))
    return X, y


def n_batches(n_samples: int, batch_size: int | None = None, drop_last: bool = False) -> int:
    """How many batches one epoch has: ceil(n / batch_size), or floor(...) with ``drop_last``."""
    n_samples = whole("n_batches: n_samples", n_samples, 1)
    size = n_samples if batch_size is None else whole("batch_size", batch_size, 1)
    return n_samples // size if drop_last else -(-n_samples // size)


def minibatches(X, y, batch_size: int | None = None, *, shuffle: bool = True, seed: int = 0,
                epoch: int = 0, drop_last: bool = False) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield the (X_batch, y_batch) pairs of one epoch: every sample once, in batches.

    - ``batch_size=None``: one batch of everything (batch gradient descent);
      ``batch_size=1``: one sample at a time (stochastic gradient descent); else minibatches.
    - ``shuffle``: visit the samples in a random order drawn from ``(seed, epoch)``, so each epoch
      has its own order and rerunning gives the same one. ``shuffle=False`` keeps the data order.
    - ``drop_last``: leave out a last batch smaller than ``batch_size`` (so all steps average the
      same number of samples).

    Example:
        >>> for epoch in range(3):
        ...     for X_batch, y_batch in minibatches(X, y, batch_size=32, seed=0, epoch=epoch):
        ...         loss, grads = net.loss_and_gradient(X_batch, y_batch)
    """
    X, y = _pair(X, y, "minibatches")
    n = len(X)
    size = n if batch_size is None else whole("minibatches: batch_size", batch_size, 1)
    whole("minibatches: seed", seed, 0)
    whole("minibatches: epoch", epoch, 0)
    if drop_last and size > n:
        raise ValueError(f"minibatches: batch_size={size} is larger than the {n} samples, so drop_last=True "
                         f"would leave no batch; use a smaller batch_size or drop_last=False.")
    order = np.random.default_rng([seed, epoch]).permutation(n) if shuffle else np.arange(n)
    starts = range(0, n_batches(n, size, drop_last) * size, size)
    # A generator expression, so that bad arguments raise here, at the call, not at the first batch.
    return ((X[order[start:start + size]], y[order[start:start + size]]) for start in starts)
