"""AdaGrad: a per-parameter learning rate that shrinks with the sum of squared gradients."""
from __future__ import annotations

import numpy as np

from optcourse.validation import nonnegative, positive

from .base import Optimizer, check_lr


class Adagrad(Optimizer):
    r"""AdaGrad (Duchi, Hazan and Singer 2011), as ``torch.optim.Adagrad`` computes it.

    State ``"s"`` is the running sum of squared gradients (PyTorch's ``sum``), starting at
    ``initial_accumulator_value``. At step :math:`t`:

    .. math::
        g &\leftarrow g + \lambda\theta \\
        \tilde\eta &= \eta / (1 + (t-1)\,\text{lr\_decay}) \\
        s &\leftarrow s + g^2 \\
        \theta &\leftarrow \theta - \tilde\eta\, g / (\sqrt{s} + \epsilon)

    :math:`\epsilon` is added *outside* the square root, as in PyTorch (optax adds it inside).
    Because :math:`s` only grows, each coordinate's effective rate :math:`\tilde\eta/\sqrt{s}` only
    shrinks: AdaGrad slows down for good.
    """

    state_names = ("s",)

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                 eps=1e-10):
        self.lr_decay = nonnegative("Adagrad: lr_decay", lr_decay)
        self.weight_decay = nonnegative("Adagrad: weight_decay", weight_decay)
        self.initial_accumulator_value = nonnegative("Adagrad: initial_accumulator_value",
                                                           initial_accumulator_value)
        self.eps = positive("Adagrad: eps", eps)
        super().__init__(params, check_lr(lr, "Adagrad"))

    def initial_state(self, name, p):
        return np.full_like(p, self.initial_accumulator_value)

    def update(self, p, g, *, s, lr, t):
        if self.weight_decay:
            g = g + self.weight_decay * p                # g ← g + λθ
        lr = lr / (1 + (t - 1) * self.lr_decay)          # η̃ = η / (1 + (t−1)·lr_decay)
        s += g * g                                       # s ← s + g²
        p -= lr * g / (np.sqrt(s) + self.eps)            # θ ← θ − η̃ g / (√s + ε)
