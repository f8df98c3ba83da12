"""signSGD and Signum: move every coordinate by the same amount, in the direction of a sign."""
from __future__ import annotations

import numpy as np

from optcourse.validation import in_unit_interval, nonnegative

from .base import Optimizer, check_lr


class SignSGD(Optimizer):
    r"""signSGD (Bernstein et al. 2018): only the sign of the gradient is used.

    .. math:: \theta \leftarrow \theta - \eta\,\mathrm{sign}(g)

    Every coordinate moves by exactly :math:`\eta` (or not at all where :math:`g = 0`), so one bit
    per coordinate is enough to communicate a gradient between workers.
    """

    def __init__(self, params, lr=1e-3):
        super().__init__(params, check_lr(lr, "SignSGD"))

    def update(self, p, g, *, lr, t):
        p -= lr * np.sign(g)                                     # θ ← θ − η sign(g)


class Signum(Optimizer):
    r"""Signum (Bernstein et al. 2018, "signSGD: compressed optimisation for non-convex problems"): the sign of the momentum.

    .. math::
        m &\leftarrow \beta m + (1-\beta) g \\
        \theta &\leftarrow \theta(1 - \eta\lambda) - \eta\,\mathrm{sign}(m)

    The paper's momentum constant is called ``momentum`` here (default 0.9); ``weight_decay`` is
    decoupled as in Lion (default 0, the paper's algorithm). Signum is Lion with
    :math:`\beta_1 = \beta_2 = \beta`.
    """

    state_names = ("m",)

    def __init__(self, params, lr=1e-3, momentum=0.9, weight_decay=0.0):
        self.momentum = in_unit_interval("Signum: momentum", momentum)
        self.weight_decay = nonnegative("Signum: weight_decay", weight_decay)
        super().__init__(params, check_lr(lr, "Signum"))

    def update(self, p, g, *, m, lr, t):
        beta = self.momentum
        m *= beta; m += (1 - beta) * g                           # m ← βm + (1−β)g
        if self.weight_decay:
            p *= 1 - lr * self.weight_decay                      # θ ← θ(1 − ηλ)
        p -= lr * np.sign(m)                                     # θ ← θ − η sign(m)
