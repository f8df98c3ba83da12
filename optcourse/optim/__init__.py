"""First-order optimizers in readable NumPy, matching ``torch.optim`` where PyTorch has them.

Every optimizer is ``Opt(params, **hyperparameters)`` with ``params`` one float array or a list of
them, changed in place by ``opt.step(grads)``. See :mod:`optcourse.optim.base` for what they share.
"""
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .base import Optimizer
from .lion import Lion
from .rmsprop import RMSprop
from .schedules import constant, cosine, exponential, linear_warmup, piecewise_linear, step_decay
from .sgd import SGD
from .sign import SignSGD, Signum
from .textbook import HeavyBall, NesterovLookahead, SutskeverMomentum
from .tiger import Tiger

OPTIMIZERS = {cls.__name__: cls for cls in
              (SGD, Adagrad, Adadelta, RMSprop, Adam, AdamW, SignSGD, Signum, Lion, Tiger)}

__all__ = ["Optimizer", "OPTIMIZERS", *OPTIMIZERS, "HeavyBall", "SutskeverMomentum",
           "NesterovLookahead", "constant", "step_decay", "exponential", "cosine", "linear_warmup",
           "piecewise_linear"]
