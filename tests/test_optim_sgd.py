"""SGD in PyTorch's form (momentum buffer b, dampening, weight decay, Nesterov) against steps worked by hand."""
import numpy as np
import pytest

from optcourse import optim


def test_momentum_dampening_and_weight_decay_two_steps_by_hand():
    x = np.array([1.0, -2.0])
    opt = optim.SGD(x, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)
    opt.step(np.array([0.5, 1.0]))
    g = np.array([0.5, 1.0]) + 0.01 * np.array([1.0, -2.0])    # g + λθ = [0.51, 0.98]
    b = g                                                      # the first buffer is g itself: no dampening
    np.testing.assert_allclose(x, [1.0 - 0.1 * 0.51, -2.0 - 0.1 * 0.98], rtol=1e-15)
    theta1 = x.copy()
    opt.step(np.array([0.2, -0.4]))
    g = np.array([0.2, -0.4]) + 0.01 * theta1
    b = 0.9 * b + (1 - 0.1) * g                                # b = μ b + (1 - dampening) g
    np.testing.assert_allclose(x, theta1 - 0.1 * b, rtol=1e-15)
    np.testing.assert_allclose(x, [0.8842459, -2.1483118], rtol=1e-12)   # the same numbers, with a pencil


def test_nesterov_steps_along_the_gradient_plus_the_new_buffer():
    x = np.array([1.0])
    opt = optim.SGD(x, lr=0.1, momentum=0.9, nesterov=True)
    opt.step(np.array([2.0]))
    assert x[0] == pytest.approx(1.0 - 0.1 * (2.0 + 0.9 * 2.0), rel=1e-15)      # g + μ b with b = g
    opt.step(np.array([1.0]))
    b = 0.9 * 2.0 + 1.0
    assert x[0] == pytest.approx(1.0 - 0.38 - 0.1 * (1.0 + 0.9 * b), rel=1e-15)


def test_plain_sgd_is_gradient_descent_and_nesterov_needs_momentum():
    x = np.array([3.0, -1.0])
    optim.SGD(x, lr=0.25).step(np.array([4.0, -2.0]))
    np.testing.assert_array_equal(x, [2.0, -0.5])
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0 and dampening = 0"):
        optim.SGD(x, lr=0.1, nesterov=True)
