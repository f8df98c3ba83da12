"""Lion: the sign of an interpolation between momentum and gradient (Chen et al. 2023)."""
from __future__ import annotations

import numpy as np

from optcourse.validation import in_unit_interval, nonnegative

from .base import Optimizer, check_lr


class Lion(Optimizer):
    r"""Lion, EvoLved Sign Momentum (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms").

    One state array ``"m"``; no square root, no division, no :math:`\epsilon`:

    .. math::
        c &= \beta_1 m + (1-\beta_1) g \\
        \theta &\leftarrow \theta - \eta\,(\mathrm{sign}(c) + \lambda\theta) \\
        m &\leftarrow \beta_2 m + (1-\beta_2) g

    The update uses :math:`\beta_1` and the momentum is tracked with :math:`\beta_2`: the update
    leans more on the current gradient than the momentum does. Paper defaults
    :math:`\beta = (0.9, 0.99)` ((0.95, 0.98) for language models). Every coordinate moves by
    :math:`\eta`, so take :math:`\eta` 3-10x smaller than AdamW's and :math:`\lambda` as many times
    larger, keeping :math:`\eta\lambda` the same.
    """

    state_names = ("m",)

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        if len(tuple(betas)) != 2:
            raise ValueError(f"Lion: betas must be a pair (beta1, beta2), got {betas!r}.")
        self.betas = (in_unit_interval("Lion: betas[0]", betas[0]),
                      in_unit_interval("Lion: betas[1]", betas[1]))
        self.weight_decay = nonnegative("Lion: weight_decay", weight_decay)
        super().__init__(params, check_lr(lr, "Lion"))

    def update(self, p, g, *, m, lr, t):
        b1, b2 = self.betas
        c = b1 * m + (1 - b1) * g                                # c = β1 m + (1−β1) g
        if self.weight_decay:
            p *= 1 - lr * self.weight_decay                      # θ ← θ − ηλθ
        p -= lr * np.sign(c)                                     # θ ← θ − η sign(c)
        m *= b2; m += (1 - b2) * g                               # m ← β2 m + (1−β2) g
