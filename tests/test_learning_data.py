"""The shipped digits against their documented provenance; generators against least squares and their
own definitions; minibatches against the rules of an epoch."""
import hashlib
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optcourse.learning.data import (DIGITS_FILE, load_digits, make_classification, make_regression, minibatches,
                                     n_batches, train_test_split)

README = DIGITS_FILE.with_name("README.md")


def test_digits_match_the_documented_data_set():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64 and y.dtype == np.int64
    # UCI's documentation of optdigits.tes: images per digit 0..9.
    np.testing.assert_array_equal(np.bincount(y), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    counts = X * 16
    np.testing.assert_array_equal(counts, np.round(counts))          # pixel counts 0..16, scaled
    assert counts.min() == 0 and counts.max() == 16
    images, labels = load_digits(flatten=False)
    assert images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(images.reshape(1797, 64), X)
    np.testing.assert_array_equal(labels, y)


def test_digits_file_is_the_one_the_readme_describes():
    text = README.read_text()
    digest = re.search(r"SHA-256 of `digits.npz`: `([0-9a-f]{64})`", text).group(1)
    assert hashlib.sha256(DIGITS_FILE.read_bytes()).hexdigest() == digest
    for required in ("CC BY 4.0", "Alpaydin", "Kaynak", "Optical Recognition of Handwritten Digits"):
        assert required in text
    X, y = load_digits()
    assert f"Pixel sum {int(np.round(X * 16).sum())}, label sum {y.sum()}" in text


def test_digits_are_images_of_their_labels():
    """A nearest-class-mean classifier does well: labels and images belong together."""
    X, y = load_digits()
    (X_train, y_train), (X_test, y_test) = train_test_split(X, y, 0.3, seed=0)
    means = np.stack([X_train[y_train == k].mean(axis=0) for k in range(10)])
    predicted = np.argmin(((X_test[:, None, :] - means) ** 2).sum(axis=2), axis=1)
    assert np.mean(predicted == y_test) > 0.85


def test_train_test_split_partitions_the_rows():
    X = np.arange(100).reshape(50, 2)
    y = np.arange(50)
    (X_train, y_train), (X_test, y_test) = train_test_split(X, y, 0.2, seed=3)
    assert len(y_test) == 10 and len(y_train) == 40
    assert sorted(np.concatenate([y_train, y_test])) == list(range(50))
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)          # rows stay together
    again = train_test_split(X, y, 0.2, seed=3)
    np.testing.assert_array_equal(again[1][1], y_test)
    assert not np.array_equal(train_test_split(X, y, 0.2, seed=4)[1][1], y_test)


def test_make_regression_is_recovered_by_least_squares():
    X, y, w, b = make_regression(2000, n_features=3, noise=0.1, seed=0)
    A = np.column_stack([X, np.ones(len(X))])
    solution, *_ = np.linalg.lstsq(A, y, rcond=None)
    np.testing.assert_allclose(solution, np.append(w, b), atol=0.01)
    residual = y - A @ solution
    assert np.std(residual) == pytest.approx(0.1, rel=0.05)
    X, y, w, b = make_regression(10, n_features=2, noise=0.0, seed=1)
    np.testing.assert_allclose(y, X @ w + b)


def test_make_classification_makes_balanced_separated_blobs():
    X, y = make_classification(3000, n_classes=3, n_features=4, separation=3.0, seed=0)
    assert X.shape == (3000, 4)
    np.testing.assert_array_equal(np.bincount(y), [1000, 1000, 1000])
    means = np.stack([X[y == k].mean(axis=0) for k in range(3)])
    angles = 2 * np.pi * np.arange(3) / 3
    np.testing.assert_allclose(means[:, :2], 3 * np.column_stack([np.cos(angles), np.sin(angles)]), atol=0.1)
    np.testing.assert_allclose(means[:, 2:], 0, atol=0.1)
    np.testing.assert_allclose(np.std(X[y == 0] - means[0], axis=0), 1, atol=0.05)
    X1, y1 = make_classification(100, n_features=1, separation=2.0, seed=0)
    assert X1.shape == (100, 1) and set(y1) == {0, 1}


# -- minibatches --------------------------------------------------------------------------------------

def batches_of(n, batch_size, **options):
    X = np.arange(n)[:, None] * np.ones((1, 2))
    y = np.arange(n)
    out = list(minibatches(X, y, batch_size, **options))
    for Xb, yb in out:
        np.testing.assert_array_equal(Xb[:, 0], yb)        # rows stay paired with their labels
    return [yb for _, yb in out]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 60), batch_size=st.integers(1, 70), seed=st.integers(0, 2**31), epoch=st.integers(0, 9))
def test_an_epoch_visits_every_sample_once(n, batch_size, seed, epoch):
    batches = batches_of(n, batch_size, seed=seed, epoch=epoch)
    assert sorted(np.concatenate(batches)) == list(range(n))
    assert [len(b) for b in batches[:-1]] == [batch_size] * (len(batches) - 1)
    assert len(batches) == n_batches(n, batch_size) == -(-n // batch_size)
    if batch_size <= n:
        kept = batches_of(n, batch_size, seed=seed, epoch=epoch, drop_last=True)
        assert len(kept) == n // batch_size == n_batches(n, batch_size, drop_last=True)
        assert all(len(b) == batch_size for b in kept)


def test_full_batch_single_sample_and_minibatch_are_one_call():
    assert [len(b) for b in batches_of(10, None)] == [10]                   # batch gradient descent
    assert [len(b) for b in batches_of(10, 1)] == [1] * 10                  # stochastic gradient descent
    assert [len(b) for b in batches_of(10, 4)] == [4, 4, 2]                 # minibatches
    assert [len(b) for b in batches_of(10, 4, drop_last=True)] == [4, 4]


def test_shuffling_is_seeded_per_epoch():
    first = np.concatenate(batches_of(30, 7, seed=1, epoch=0))
    np.testing.assert_array_equal(first, np.concatenate(batches_of(30, 7, seed=1, epoch=0)))
    assert not np.array_equal(first, np.concatenate(batches_of(30, 7, seed=1, epoch=1)))
    assert not np.array_equal(first, np.concatenate(batches_of(30, 7, seed=2, epoch=0)))
    np.testing.assert_array_equal(np.concatenate(batches_of(30, 7, shuffle=False)), np.arange(30))


def test_bad_input_gets_clear_errors_at_the_call():
    X, y = np.zeros((10, 2)), np.zeros(10)
    with pytest.raises(ValueError, match="same number of rows"):
        minibatches(X, y[:9], 2)
    with pytest.raises(ValueError, match="batch_size"):
        minibatches(X, y, 0)
    with pytest.raises(ValueError, match="batch_size"):
        minibatches(X, y, 2.5)
    with pytest.raises(ValueError, match="no batch"):
        minibatches(X, y, 11, drop_last=True)
    with pytest.raises(ValueError, match="seed"):
        minibatches(X, y, 2, seed=-1)
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(X, y, 1.5)
    with pytest.raises(ValueError, match="too few"):
        train_test_split(X[:2], y[:2], 0.1)
    with pytest.raises(ValueError, match="n_samples"):
        make_regression(0)
    with pytest.raises(ValueError, match="noise"):
        make_regression(10, noise=-1)
    with pytest.raises(ValueError, match="n_classes"):
        make_classification(10, n_classes=1)
    with pytest.raises(ValueError, match="seed"):
        make_classification(10, seed=1.5)
