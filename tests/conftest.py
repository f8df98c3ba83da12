import numpy as np
import pytest

from optcourse import optim   # importing optcourse limits BLAS to one thread (optcourse/threads.py)


def torch_or_skip():
    """Import torch, or skip with a message that says how to run the live comparison."""
    return pytest.importorskip("torch", reason="PyTorch is not installed; `pip install torch==2.13.0` "
                                               "to compare against torch.optim live (CI does)")


# One sensible configuration per optimizer, for tests that run every optimizer.
EVERY_OPTIMIZER = {
    "SGD": dict(lr=0.01, momentum=0.9, nesterov=True),
    "Adagrad": dict(lr=0.1),
    "Adadelta": dict(lr=1.0),
    "RMSprop": dict(lr=0.01, momentum=0.5, centered=True),
    "Adam": dict(lr=0.01, amsgrad=True),
    "AdamW": dict(lr=0.01),
    "SignSGD": dict(lr=0.01),
    "Signum": dict(lr=0.01),
    "Lion": dict(lr=0.01, weight_decay=0.1),
    "Tiger": dict(lr=0.01),
    "HeavyBall": dict(lr=0.01),
    "SutskeverMomentum": dict(lr=0.01),
    "NesterovLookahead": dict(lr=0.01),
    "NAdam": dict(lr=0.01, weight_decay=0.01, decoupled_weight_decay=True),
    "RAdam": dict(lr=0.01),
    "Adamax": dict(lr=0.01),
    "Adafactor": dict(lr=0.01, weight_decay=0.01),
    "LARS": dict(lr=1.0, weight_decay=1e-4),
    "LAMB": dict(lr=0.01, weight_decay=0.01),
}
# Muon takes matrices only, so the tests above, written on vectors, cannot run it; it has its own
# versions of them in test_optim_muon.py.

# State that is not an array of the parameter's shape and dtype: NAdam's running product of
# momentum coefficients is a float32 scalar, as in PyTorch.
SCALAR_STATE = {("NAdam", "mu_product")}


def make(name, params, **overrides):
    return getattr(optim, name)(params, **{**EVERY_OPTIMIZER[name], **overrides})


class Counted:
    """Counts the calls of a function, independently of the library's own counters."""

    def __init__(self, fn):
        self.fn, self.calls = fn, 0

    def __call__(self, x):
        self.calls += 1
        return self.fn(x)


@pytest.fixture
def rng():
    return np.random.default_rng(0)
