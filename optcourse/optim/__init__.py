"""First-order optimizers in readable NumPy, matching ``torch.optim`` where PyTorch has them.

Every optimizer is ``Opt(params, **hyperparameters)`` with ``params`` one float array or a list of
them, changed in place by ``opt.step(grads)``. See :mod:`optcourse.optim.base` for what they share.
"""
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adam_variants import Adamax, NAdam, RAdam
from .base import Optimizer
from .lion import Lion
from .muon import Muon
from .rmsprop import RMSprop
from .schedules import (constant, cosine, exponential, linear_warmup, piecewise_linear, step_decay,
                        warmup_stable_decay)
from .sgd import SGD
from .sign import SignSGD, Signum
from .textbook import HeavyBall, NesterovLookahead, SutskeverMomentum
from .tiger import Tiger
from .trust_ratio import LAMB, LARS

OPTIMIZERS = {cls.__name__: cls for cls in
              (SGD, Adagrad, Adadelta, RMSprop, Adam, AdamW, SignSGD, Signum, Lion, Tiger,
               NAdam, RAdam, Adamax, Adafactor, LARS, LAMB, Muon)}

__all__ = ["Optimizer", "OPTIMIZERS", *OPTIMIZERS, "HeavyBall", "SutskeverMomentum",
           "NesterovLookahead", "constant", "step_decay", "exponential", "cosine", "linear_warmup",
           "piecewise_linear", "warmup_stable_decay"]
