"""Learning-rate schedules against their closed forms (and torch.optim.lr_scheduler when installed)."""
import math

import numpy as np
import pytest
from conftest import torch_or_skip

from optcourse import optim
from optcourse.optim import constant, cosine, exponential, linear_warmup, piecewise_linear, step_decay


def test_closed_forms():
    assert [constant(0.3)(t) for t in (0, 99)] == [0.3, 0.3]
    assert [step_decay(1.0, 3, 0.5)(t) for t in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    assert exponential(2.0, 0.9)(3) == pytest.approx(2 * 0.729)
    c = cosine(1.0, total_steps=10, min_lr=0.1)
    assert c(0) == 1.0 and c(5) == pytest.approx(0.55) and c(10) == 0.1 and c(50) == 0.1
    w = linear_warmup(0.4, warmup_steps=4)
    assert [w(t) for t in range(6)] == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.4, 0.4])
    wc = linear_warmup(1.0, 2, after=cosine(1.0, 4))
    assert [wc(t) for t in range(7)] == pytest.approx([0.5, 1.0, 1.0, (1 + math.cos(math.pi / 4)) / 2,
                                                       0.5, (1 + math.cos(3 * math.pi / 4)) / 2, 0.0])
    p = piecewise_linear({0: 0.0, 10: 1.0, 30: 0.5})
    assert [p(t) for t in (0, 5, 10, 20, 30, 1000)] == pytest.approx([0, 0.5, 1.0, 0.75, 0.5, 0.5])


def test_bad_schedules_are_refused():
    with pytest.raises(ValueError, match="total_steps"):
        cosine(0.1, total_steps=0)
    with pytest.raises(ValueError, match="lr"):
        exponential(-0.1, 0.9)
    with pytest.raises(ValueError, match="non-empty"):
        piecewise_linear({})
    with pytest.raises(ValueError, match="step_size"):
        step_decay(0.1, 2.5)


@pytest.mark.parametrize("name", ["StepLR", "ExponentialLR", "CosineAnnealingLR"])
def test_schedules_match_torch_lr_schedulers(name):
    torch = torch_or_skip()
    ours, kwargs = {
        "StepLR": (step_decay(0.1, 7, 0.5), dict(step_size=7, gamma=0.5)),
        "ExponentialLR": (exponential(0.1, 0.95), dict(gamma=0.95)),
        "CosineAnnealingLR": (cosine(0.1, 40, min_lr=0.01), dict(T_max=40, eta_min=0.01)),
    }[name]
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = getattr(torch.optim.lr_scheduler, name)(opt, **kwargs)
    theirs = []
    for _ in range(40):
        theirs.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    np.testing.assert_allclose([ours(t) for t in range(40)], theirs, rtol=1e-12)


def test_a_schedule_drives_an_optimizer():
    x = np.array([0.0])
    opt = optim.SGD(x, lr=piecewise_linear({0: 0.0, 4: 1.0}))
    for _ in range(6):
        opt.step(np.array([1.0]))
    assert x[0] == pytest.approx(-(0 + 0.25 + 0.5 + 0.75 + 1 + 1))


def test_warmup_stable_decay_closed_form():
    s = optim.warmup_stable_decay(1.0, warmup_steps=4, stable_steps=3, decay_steps=4, min_lr=0.2)
    assert [s(t) for t in range(13)] == pytest.approx(
        [0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.6, 0.4, 0.2, 0.2])
    c = optim.warmup_stable_decay(1.0, 0, 2, 4, shape="cosine")
    assert [c(t) for t in range(7)] == pytest.approx([1, 1, 1, (1 + math.cos(math.pi / 4)) / 2, 0.5,
                                                      (1 + math.cos(3 * math.pi / 4)) / 2, 0])
    r = optim.warmup_stable_decay(2.0, 1, 0, 4, shape="1-sqrt")
    assert [r(t) for t in range(6)] == pytest.approx([2.0, 2.0, 1.0, 2 * (1 - math.sqrt(0.5)),
                                                      2 * (1 - math.sqrt(0.75)), 0])


@pytest.mark.parametrize("kwargs,words", [
    (dict(decay_steps=0), "decay_steps"), (dict(warmup_steps=-1), "warmup_steps"),
    (dict(stable_steps=1.5), "stable_steps"), (dict(shape="exp"), "shape"), (dict(min_lr=-1.0), "min_lr"),
])
def test_bad_warmup_stable_decay_is_refused(kwargs, words):
    args = dict(lr=0.1, warmup_steps=2, stable_steps=3, decay_steps=4)
    with pytest.raises(ValueError, match=words):
        optim.warmup_stable_decay(**{**args, **kwargs})
