"""LARS and LAMB against steps worked by hand from the papers' algorithms (You et al. 2017, 2020)."""
import math

import numpy as np
import pytest

from optcourse import optim
from optcourse.optim.trust_ratio import trust_ratio


def test_lars_two_steps_by_hand():
    # Algorithm 1 of You, Gitman and Ginsburg (2017): λ = η‖w‖/(‖g‖ + β‖w‖), v ← mv + γλ(g + βw), w ← w − v.
    w = np.array([3.0, 4.0])                                    # ‖w‖ = 5
    opt = optim.LARS(w, lr=2.0, momentum=0.9, weight_decay=0.1, trust_coefficient=0.001)
    opt.step(np.array([-0.3, 0.4]))                             # ‖g‖ = 0.5
    # λ = 0.001·5/(0.5 + 0.5) = 0.005;  g + βw = (0, 0.8);  v = 2·0.005·(0, 0.8) = (0, 0.008)
    np.testing.assert_allclose(opt.state["v"], [0.0, 0.008], rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(w, [3.0, 3.992], rtol=1e-14)
    opt.step(np.array([0.3, 0.0]))                              # ‖g‖ = 0.3
    norm_w = math.sqrt(3.0**2 + 3.992**2)
    lam = 0.001 * norm_w / (0.3 + 0.1 * norm_w)
    v = 0.9 * np.array([0.0, 0.008]) + 2.0 * lam * np.array([0.3 + 0.3, 0.3992])
    np.testing.assert_allclose(opt.state["v"], v, rtol=1e-14)
    np.testing.assert_allclose(w, np.array([3.0, 3.992]) - v, rtol=1e-14)


def test_lars_gives_each_layer_its_own_rate():
    big, small = np.full(4, 10.0), np.full(4, 0.01)            # norms 20 and 0.02
    g = np.full(4, 0.5)                                         # the same gradient, norm 1
    opt = optim.LARS([big, small], lr=1.0, momentum=0.0, trust_coefficient=0.01)
    opt.step([g, g])
    # λ = 0.01·‖w‖/‖g‖: 0.2 for the big layer, 0.0002 for the small one; each moves by 1% of its norm
    np.testing.assert_allclose(big, 10.0 - 0.2 * 0.5)
    np.testing.assert_allclose(small, 0.01 - 0.0002 * 0.5)


def test_a_layer_at_zero_or_a_zero_gradient_gets_ratio_one():
    assert trust_ratio(0.0, 3.0, 0.001) == 1.0 and trust_ratio(2.0, 0.0, 0.001) == 1.0
    assert trust_ratio(2.0, 4.0, 0.001) == pytest.approx(0.0005)
    b = np.zeros(3)
    optim.LARS(b, lr=0.1, momentum=0.0).step(np.array([1.0, 0.0, -2.0]))
    np.testing.assert_allclose(b, [-0.1, 0.0, 0.2])              # plain SGD step: λ = 1


def test_lamb_two_steps_by_hand():
    # Algorithm 2 of You et al. (2020), φ(z) = z: r = m̂/(√v̂ + ε) + λw, w ← w − η ‖w‖/‖r‖ · r.
    b1, b2, eps, lam, lr = 0.9, 0.999, 1e-6, 0.01, 0.1
    w = np.array([3.0, 4.0])
    opt = optim.LAMB(w, lr=lr, betas=(b1, b2), eps=eps, weight_decay=lam)
    g1, g2 = np.array([0.5, -2.0]), np.array([1.0, 1.0])
    opt.step(g1)
    # step 1: m̂ = g, v̂ = g², so r = g/(|g| + ε) + λw
    r = np.array([0.5 / (0.5 + eps) + 0.03, -2.0 / (2.0 + eps) + 0.04])
    w1 = np.array([3.0, 4.0]) - lr * 5.0 / np.linalg.norm(r) * r
    np.testing.assert_allclose(w, w1, rtol=1e-14)
    opt.step(g2)
    m = (b1 * (1 - b1) * g1 + (1 - b1) * g2) / (1 - b1**2)
    v = (b2 * (1 - b2) * g1**2 + (1 - b2) * g2**2) / (1 - b2**2)
    r = m / (np.sqrt(v) + eps) + lam * w1
    np.testing.assert_allclose(w, w1 - lr * np.linalg.norm(w1) / np.linalg.norm(r) * r, rtol=1e-13)


def test_lamb_moves_every_layer_by_lr_times_its_norm():
    rng = np.random.default_rng(0)
    layers = [rng.normal(size=(5, 3)) * 100, rng.normal(size=3) * 1e-3]
    opt = optim.LAMB(layers, lr=0.01, weight_decay=0.01)
    for _ in range(5):
        before = [p.copy() for p in layers]
        opt.step([rng.normal(size=(5, 3)), rng.normal(size=3)])
        for p, q in zip(layers, before):
            assert np.linalg.norm(p - q) == pytest.approx(0.01 * np.linalg.norm(q), rel=1e-12)


@pytest.mark.parametrize("name,hyper,words", [
    ("LARS", dict(trust_coefficient=0.0), "trust_coefficient"), ("LARS", dict(momentum=1.0), "momentum"),
    ("LARS", dict(weight_decay=-1.0), "weight_decay"), ("LAMB", dict(betas=(0.9, 1.0)), r"betas\[1\]"),
    ("LAMB", dict(eps=0.0), "eps"), ("LAMB", dict(lr=-0.1), "lr"),
])
def test_bad_hyperparameters_are_refused_with_their_name(name, hyper, words):
    with pytest.raises(ValueError, match=words):
        getattr(optim, name)(np.ones(2), **hyper)
