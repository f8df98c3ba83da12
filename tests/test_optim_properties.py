"""Invariants that hold for every input, checked with hypothesis."""
import numpy as np
import pytest
from conftest import EVERY_OPTIMIZER, make
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import param_and_grads

from optcourse import optim

names = st.sampled_from(list(EVERY_OPTIMIZER))


@given(names, param_and_grads(), st.sampled_from([np.float32, np.float64]))
def test_shape_dtype_and_finiteness_are_kept(name, case, dtype):
    x, grads = case
    x = x.astype(dtype)
    opt = make(name, x)
    for g in grads:
        opt.step(g.astype(dtype))
    assert x.dtype == dtype and x.shape == grads[0].shape
    assert np.all(np.isfinite(x))


@given(names, param_and_grads())
def test_zero_learning_rate_never_moves_the_parameters(name, case):
    x, grads = case
    x0 = x.copy()
    opt = make(name, x, lr=0.0)
    for g in grads:
        opt.step(g)
    np.testing.assert_array_equal(x, x0)


@given(param_and_grads(), st.floats(1e-4, 1.0))
def test_signsgd_moves_each_coordinate_by_exactly_lr(case, lr):
    x, grads = case
    before = x.copy()
    optim.SignSGD(x, lr=lr).step(grads[0])
    np.testing.assert_allclose(np.abs(x - before), lr * (grads[0] != 0), rtol=1e-9, atol=1e-9 * np.abs(before).max())


@given(param_and_grads(), st.floats(0.0, 0.99), st.floats(1e-4, 0.5))
def test_heavy_ball_is_pytorch_momentum(case, mu, lr):
    x, grads = case
    y = x.copy()
    a, b = optim.SGD(x, lr=lr, momentum=mu), optim.HeavyBall(y, lr=lr, momentum=mu)
    for g in grads:
        a.step(g)
        b.step(g)
    np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-9)


@given(names, param_and_grads(steps=2), st.sampled_from(["shape", "nan", "count"]))
def test_a_refused_step_changes_nothing(name, case, kind):
    assume(not (name == "Tiger" and kind == "nan"))   # Tiger's NaN rule: see test_optim_sign.py
    x, grads = case
    opt = make(name, x)
    opt.step(grads[0])
    before = x.copy(), {k: v.copy() for k, v in opt.state.items()}, opt.t
    bad = {"shape": np.ones(x.size + 1), "count": [grads[1], grads[1]],
           "nan": np.where(np.arange(x.size) == 0, np.nan, grads[1])}[kind]
    try:
        opt.step(bad)
    except (ValueError, TypeError):
        pass
    else:
        raise AssertionError(f"{name} accepted a gradient with bad {kind}")
    np.testing.assert_array_equal(x, before[0])
    for k, v in opt.state.items():
        np.testing.assert_array_equal(v, before[1][k])
    assert opt.t == before[2]


@given(st.floats(1e-4, 1.0), st.integers(1, 500), st.floats(0, 0.5))
def test_cosine_schedule_decreases_from_lr_to_min_lr(lr, total, frac):
    s = optim.cosine(lr, total, min_lr=frac * lr)
    values = [s(t) for t in range(total + 3)]
    assert values[0] == pytest.approx(lr) and values[-1] == frac * lr
    assert all(a >= b - 1e-15 for a, b in zip(values, values[1:]))
