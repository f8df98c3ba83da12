"""The training loop against hand-written loops, and the two results the lessons rely on: Adam reaches
over 95% test accuracy on the digits, and momentum reaches a loss in several times fewer steps."""
import numpy as np
import pytest

from optcourse import optim
from optcourse.learning.data import load_digits, make_regression, minibatches, train_test_split
from optcourse.learning.network import MLP
from optcourse.learning.training import History, train


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    return train_test_split(X, y, test_fraction=0.2, seed=0)


class LinearRegression:
    """The smallest model the loop accepts: params, loss, loss_and_gradient (mean squared error)."""

    def __init__(self, n_features):
        self.params = [np.zeros(n_features), np.zeros(1)]

    def loss(self, X, y):
        w, b = self.params
        return float(np.mean((X @ w + b[0] - y) ** 2))

    def loss_and_gradient(self, X, y):
        w, b = self.params
        r = X @ w + b[0] - y
        return float(np.mean(r**2)), [2 * X.T @ r / len(y), np.array([2 * r.mean()])]


# -- results the lessons rely on -------------------------------------------------------------------------

def test_adam_reaches_95_percent_on_the_digits(digits):
    (X_train, y_train), (X_test, y_test) = digits
    net = MLP([64, 64, 10], seed=0)
    history = train(net, X_train, y_train, optim.Adam, optimizer_options=dict(lr=1e-2), epochs=10,
                    batch_size=32, test=(X_test, y_test))
    print(f"\nAdam on the digits: test accuracy {history.test_accuracy[-1]:.3f} after {history.steps} steps "
          f"in {history.seconds:.2f} s")
    assert history.steps == 10 * 45                      # 1438 training images in batches of 32
    assert history.test_accuracy[-1] > 0.95
    assert history.epoch_loss[-1] < history.epoch_loss[0] / 3


def test_momentum_reaches_a_loss_in_several_times_fewer_steps(digits):
    (X_train, y_train), _ = digits
    X, y = X_train[:500], y_train[:500]
    steps = {}
    for momentum in (0.0, 0.9):
        net = MLP([64, 32, 10], seed=0)
        history = train(net, X, y, optim.SGD, optimizer_options=dict(lr=0.03, momentum=momentum),
                        epochs=5000, target_loss=0.2)                       # full batch: batch loss = training loss
        assert history.steps_to_target is not None, f"momentum={momentum} never reached the loss"
        steps[momentum] = history.steps_to_target
    print(f"\nsteps to training loss 0.2 at lr 0.03: plain SGD {steps[0.0]}, momentum 0.9 {steps[0.9]}")
    assert steps[0.0] > 5 * steps[0.9]


# -- the loop itself -------------------------------------------------------------------------------------

def test_full_batch_training_is_the_hand_written_loop():
    X, y, *_ = make_regression(50, n_features=2, noise=0.1, seed=0)
    model = LinearRegression(2)
    history = train(model, X, y, optim.SGD, optimizer_options=dict(lr=0.1), epochs=20)
    w, b, losses = np.zeros(2), 0.0, []
    for _ in range(20):
        r = X @ w + b - y
        losses.append(np.mean(r**2))
        w, b = w - 0.1 * 2 * X.T @ r / 50, b - 0.1 * 2 * r.mean()
    np.testing.assert_allclose(history.step_loss, losses, rtol=1e-12)
    np.testing.assert_allclose(model.params[0], w, rtol=1e-12)
    assert history.steps == 20 and len(history.epoch_loss) == 20
    np.testing.assert_allclose(history.epoch_loss[:-1], history.step_loss[1:], rtol=1e-12)


def test_minibatch_training_follows_the_batches_in_order(digits):
    (X_train, y_train), _ = digits
    X, y = X_train[:100], y_train[:100]
    net, twin = MLP([64, 8, 10], seed=2), MLP([64, 8, 10], seed=2)
    history = train(net, X, y, optim.Adam(net.params, lr=1e-2), epochs=3, batch_size=16, seed=5)
    opt, expected = optim.Adam(twin.params, lr=1e-2), []
    for epoch in range(3):
        for Xb, yb in minibatches(X, y, 16, seed=5, epoch=epoch):
            loss, grads = twin.loss_and_gradient(Xb, yb)
            expected.append(loss)
            opt.step(grads)
    assert history.steps == 3 * 7
    np.testing.assert_allclose(history.step_loss, expected, rtol=1e-12)
    np.testing.assert_allclose(net.flat, twin.flat, rtol=1e-12)
    # The same run with the class and its options instead of an instance.
    other = MLP([64, 8, 10], seed=2)
    again = train(other, X, y, optim.Adam, optimizer_options=dict(lr=1e-2), epochs=3, batch_size=16, seed=5)
    np.testing.assert_array_equal(again.step_loss, history.step_loss)


def test_schedule_sets_each_steps_learning_rate():
    X, y, *_ = make_regression(40, n_features=1, seed=1)
    schedule = optim.step_decay(0.1, step_size=4, gamma=0.5)
    history = train(LinearRegression(1), X, y, optim.SGD, optimizer_options=dict(lr=1.0), epochs=3,
                    batch_size=10, schedule=schedule)
    assert history.learning_rate == [schedule(t) for t in range(12)]


def test_max_steps_and_target_stop_training_and_record_the_final_state(digits):
    (X_train, y_train), (X_test, y_test) = digits
    net = MLP([64, 8, 10], seed=0)
    history = train(net, X_train, y_train, optim.SGD, optimizer_options=dict(lr=0.1), epochs=5, batch_size=100,
                    max_steps=20, test=(X_test, y_test))
    assert history.steps == 20 and len(history.step_loss) == 20
    assert len(history.epoch_loss) == len(history.test_accuracy) == 2           # 15 steps, then 5 more
    assert history.test_accuracy[-1] == net.accuracy(X_test, y_test)
    assert history.epoch_loss[-1] == pytest.approx(net.loss(X_train, y_train))
    X, y, *_ = make_regression(30, n_features=1, seed=2)
    history = train(LinearRegression(1), X, y, optim.SGD, optimizer_options=dict(lr=0.1), epochs=500,
                    target_loss=0.3)
    assert history.steps_to_target > 0
    assert history.step_loss[history.steps_to_target] <= 0.3 < min(history.step_loss[:history.steps_to_target])
    assert history.steps == history.steps_to_target


def test_a_too_large_learning_rate_diverges_and_stops():
    X, y, *_ = make_regression(50, n_features=1, seed=0)
    with np.errstate(over="ignore", invalid="ignore"):
        history = train(LinearRegression(1), X, y, optim.SGD, optimizer_options=dict(lr=5.0), epochs=10_000)
    assert history.diverged and not np.isfinite(history.step_loss[-1])
    assert max(np.array(history.step_loss)[np.isfinite(history.step_loss)]) > 1e100   # lesson 01's overflow
    assert history.steps < 10_000


def test_bad_optimizer_arguments_get_clear_errors(digits):
    (X_train, y_train), _ = digits
    net, other = MLP([64, 4, 10]), MLP([64, 4, 10])
    with pytest.raises(ValueError, match="other arrays"):
        train(net, X_train, y_train, optim.Adam(other.params))
    with pytest.raises(ValueError, match="only apply when optimizer is a class"):
        train(net, X_train, y_train, optim.Adam(net.params), optimizer_options=dict(lr=0.1))
    with pytest.raises(TypeError, match="optim.Adam"):
        train(net, X_train, y_train, "Adam")
    with pytest.raises(ValueError, match="epochs"):
        train(net, X_train, y_train, optim.Adam, epochs=0)
    with pytest.raises(ValueError, match="same number of rows"):
        train(net, X_train, y_train[:-1], optim.Adam)
    with pytest.raises(ValueError, match="lr"):
        train(net, X_train, y_train, optim.SGD, optimizer_options=dict(lr=-1.0))
    assert isinstance(train(net, X_train[:10], y_train[:10], optim.SGD, optimizer_options=dict(lr=0.1)), History)
