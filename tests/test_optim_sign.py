"""signSGD, Signum, Lion and Tiger against hand-worked steps and element-by-element references
written from their papers (and, for Tiger, its author's reference implementation)."""

import numpy as np
import pytest
from references import signum_reference

from optcourse import optim

# ---- hand-worked single steps --------------------------------------------------------------------

def test_signsgd_moves_each_coordinate_by_lr():
    x = np.array([1.0, -1.0, 0.5])
    optim.SignSGD(x, lr=0.1).step(np.array([3.0, -1e-6, 0.0]))
    np.testing.assert_allclose(x, [0.9, -0.9, 0.5])


def test_signum_by_hand():
    x = np.array([2.0])
    opt = optim.Signum(x, lr=0.5, momentum=0.9)
    opt.step(np.array([1.0]))                 # m = 0.1 > 0
    assert opt.state["m"][0] == pytest.approx(0.1)
    opt.step(np.array([-0.5]))                # m = 0.09 − 0.05 = 0.04 > 0: still moves down
    assert x[0] == pytest.approx(1.0)
    assert opt.state["m"][0] == pytest.approx(0.04)
    opt.step(np.array([-1.0]))                # m = 0.036 − 0.1 < 0: moves up
    assert x[0] == pytest.approx(1.5)


# ---- element-by-element references over many steps -----------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_signum_and_signsgd_match_reference(seed):
    rng = np.random.default_rng(seed)
    beta, lr = rng.uniform(0.5, 0.99), rng.uniform(1e-3, 1e-1)
    x0 = rng.normal(size=7)
    grads = rng.normal(size=(100, 7))
    x, y = x0.copy(), x0.copy()
    signum, signsgd = optim.Signum(x, lr=lr, momentum=beta), optim.SignSGD(y, lr=lr)
    for g in grads:
        signum.step(g)
        signsgd.step(g)
    np.testing.assert_allclose(x, signum_reference(x0, grads, lr, beta), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y, signum_reference(x0, grads, lr, 0.0), rtol=1e-12, atol=1e-12)


# ---- the relations the lesson states -------------------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_signum_is_lion_with_equal_betas_is_plain_tiger(seed):
    rng = np.random.default_rng(seed)
    beta, lr, wd = rng.uniform(0.5, 0.99), 0.05, 0.1
    x0 = rng.normal(size=6)
    xs = [x0.copy() for _ in range(3)]
    opts = [optim.Signum(xs[0], lr=lr, momentum=beta, weight_decay=wd),
            optim.Lion(xs[1], lr=lr, betas=(beta, beta), weight_decay=wd),
            optim.Tiger(xs[2], lr=lr, beta=beta, weight_decay=wd, kinds="plain")]
    for g in rng.normal(size=(50, 6)):
        for opt in opts:
            opt.step(g)
    np.testing.assert_allclose(xs[0], xs[1], rtol=1e-13)
    np.testing.assert_allclose(xs[0], xs[2], rtol=1e-13)


def test_sign_updates_do_not_underflow_in_float16_where_plain_sgd_does():
    # The lesson's point: lr·g underflows below float16's smallest subnormal (~6e-8); lr·sign(g) does not.
    x_sgd, x_sign = np.ones(4, np.float16), np.ones(4, np.float16)
    g = np.full(4, 1e-4, np.float16)
    optim.SGD(x_sgd, lr=1e-4).step(g)
    optim.SignSGD(x_sign, lr=1e-3).step(g)
    assert x_sgd.dtype == x_sign.dtype == np.float16
    np.testing.assert_array_equal(x_sgd, 1.0)                 # 1e-8 update lost
    assert np.all(x_sign < 1.0)
