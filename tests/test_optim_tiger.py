"""Tiger (Su 2023) against hand-worked steps and a reference written from its author's implementation: the matrix rule, gradient accumulation, the NaN rule."""

import numpy as np
import pytest
from references import tiger_reference

from optcourse import optim
from optcourse.optim import piecewise_linear


def test_tiger_matrix_rule_by_hand():
    # one step from m = 0: θ ← θ − lr·RMS(θ)·(sign(g) + λθ); the vector gets lr/2 and no decay
    w = np.array([[3.0, -4.0], [0.0, 0.0]])   # RMS = sqrt(25/4) = 2.5
    b = np.array([1.0, 1.0])
    opt = optim.Tiger([w, b], lr=0.1, beta=0.9, weight_decay=0.2)
    opt.step([np.array([[1.0, 1.0], [-1.0, 0.0]]), np.array([-2.0, 3.0])])
    np.testing.assert_allclose(w, [[3 - 0.25 * 1.6, -4 - 0.25 * 0.2], [0.25, 0.0]])
    np.testing.assert_allclose(b, [1.05, 0.95])


@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("seed", range(4))
def test_tiger_matches_reference(seed, k):
    rng = np.random.default_rng(seed)
    shapes = [(4, 3), (3,), (5,)]
    kinds = ["matrix", "elementwise", "plain"]
    centres = [0.0, 1.0, 0.0]
    lr, beta, wd = rng.uniform(1e-3, 1e-1), rng.uniform(0.5, 0.99), rng.uniform(0, 0.5)
    params = [rng.normal(size=s) for s in shapes]
    grads = [[rng.normal(size=s) for s in shapes] for _ in range(60)]
    for t in (7, 20, 21):                     # NaN in some gradients, mid-window and at a window's end
        grads[t][t % 3].flat[1] = np.nan
    schedule = piecewise_linear({0: 0.0, 10: 1.0, 50: 0.2})
    ours = [p.copy() for p in params]
    opt = optim.Tiger(ours, lr=lambda t: lr * schedule(t), beta=beta, weight_decay=wd,
                      grad_accum_steps=k, kinds=kinds, centres=centres)
    for step in grads:
        opt.step(step)
    expected = tiger_reference([p.ravel() for p in params], [[g.ravel() for g in s] for s in grads],
                               lr, beta, wd, k, 0.99, kinds, centres, schedule)
    for p, e in zip(ours, expected):
        np.testing.assert_allclose(p.ravel(), e, rtol=1e-12, atol=1e-12)
    assert opt.t == 60


def test_tiger_accumulation_equals_one_step_on_the_mean_gradient():
    rng = np.random.default_rng(1)
    k = 4
    x0 = rng.normal(size=(6, 5))
    micro = rng.normal(size=(20 * k, 6, 5))
    accumulated, big_batch = x0.copy(), x0.copy()
    a = optim.Tiger(accumulated, lr=0.01, grad_accum_steps=k)
    b = optim.Tiger(big_batch, lr=0.01)
    for window in micro.reshape(20, k, 6, 5):
        before = accumulated.copy()
        for g in window[:-1]:
            a.step(g)
            np.testing.assert_array_equal(accumulated, before)   # no move inside a window
        a.step(window[-1])
        b.step(window.mean(axis=0))
        np.testing.assert_allclose(a.state["m"], b.state["m"], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(accumulated, big_batch, rtol=1e-12)
    assert not np.allclose(accumulated, x0)


def test_tiger_nan_rule_skips_and_shrinks_towards_centre():
    w, gain = np.full((2, 2), 3.0), np.array([2.0, 0.0])
    opt = optim.Tiger([w, gain], lr=0.1, centres=[0.0, 1.0])
    opt.step([np.ones((2, 2)), np.ones(2)])
    m_before = [m.copy() for m in opt.state["m"]]
    w_before, gain_before = w.copy(), gain.copy()
    opt.step([np.ones((2, 2)), np.array([np.nan, 1.0])])
    np.testing.assert_allclose(gain, 0.99 * (gain_before - 1.0) + 1.0)   # θ ← s(θ − c) + c
    np.testing.assert_array_equal(opt.state["m"][1], m_before[1])        # momentum kept
    assert np.all(w < w_before)                                          # the other parameter moved
    assert opt.t == 2


def test_tiger_raises_on_inf_and_changes_nothing():
    x = np.ones((2, 2))
    opt = optim.Tiger(x)
    with pytest.raises(ValueError, match="inf"):
        opt.step(np.array([[1.0, np.inf], [np.nan, 0.0]]))
    np.testing.assert_array_equal(x, 1.0)
    assert opt.t == 0


def test_tiger_default_kinds_follow_ndim_and_bad_kinds_are_named():
    opt = optim.Tiger([np.ones((2, 3)), np.ones(3), np.ones(())])
    assert opt.kinds == ["matrix", "elementwise", "elementwise"]
    with pytest.raises(ValueError, match="kinds must be one of"):
        optim.Tiger([np.ones(2)], kinds=["bias"])
    with pytest.raises(ValueError, match="grad_accum_steps"):
        optim.Tiger(np.ones(2), grad_accum_steps=0)
