"""Lion (Chen et al. 2023) against a hand-worked step and an element-by-element reference written from the paper."""

import numpy as np
import pytest
from references import lion_reference

from optcourse import optim


def test_lion_first_step_by_hand():
    # c = 0.1 g = (0.05, -0.02) -> sign (1, -1); θ ← θ − 0.1 (sign c + 0.5 θ); m ← 0.01 g
    x = np.array([1.0, -1.0])
    opt = optim.Lion(x, lr=0.1, betas=(0.9, 0.99), weight_decay=0.5)
    opt.step(np.array([0.5, -0.2]))
    np.testing.assert_allclose(x, [0.85, -0.85])
    np.testing.assert_allclose(opt.state["m"], [0.005, -0.002])


def test_lion_update_uses_beta1_but_tracks_beta2():
    # m = 1 from earlier steps; a gradient of -5 flips the update's sign with beta1 = 0.5
    # (c = 0.5 − 2.5 < 0) but barely moves the momentum with beta2 = 0.99.
    x = np.array([0.0])
    opt = optim.Lion(x, lr=1.0, betas=(0.5, 0.99))
    opt.state["m"][...] = 1.0
    opt.step(np.array([-5.0]))
    assert x[0] == 1.0                        # moved up: sign(c) = −1
    assert opt.state["m"][0] == pytest.approx(0.99 - 0.05)


@pytest.mark.parametrize("seed", range(5))
def test_lion_matches_reference(seed):
    rng = np.random.default_rng(seed)
    b1, b2 = rng.uniform(0.5, 0.99, size=2)
    lr, wd = rng.uniform(1e-3, 1e-1), rng.uniform(0, 1)
    x0 = rng.normal(size=7)
    grads = rng.normal(size=(100, 7))
    x = x0.copy()
    opt = optim.Lion(x, lr=lr, betas=(b1, b2), weight_decay=wd)
    for g in grads:
        opt.step(g)
    np.testing.assert_allclose(x, lion_reference(x0, grads, lr, b1, b2, wd), rtol=1e-12, atol=1e-12)
