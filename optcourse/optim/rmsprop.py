"""RMSProp: divide by a moving root-mean-square of recent gradients."""
from __future__ import annotations

import numpy as np

from optcourse.validation import in_unit_interval, nonnegative, positive

from .base import Optimizer, check_lr


class RMSprop(Optimizer):
    r"""RMSProp (Hinton's lecture 6e, 2012), as ``torch.optim.RMSprop`` computes it.

    State ``"v"`` is the moving average of squared gradients (PyTorch's ``square_avg``); with
    ``centered=True`` state ``"g_avg"`` averages the gradients themselves so that the variance, not
    the raw second moment, is divided out; with momentum, ``"b"`` is the momentum buffer.

    .. math::
        g &\leftarrow g + \lambda\theta \\
        v &\leftarrow \alpha v + (1-\alpha) g^2 \\
        \bar g &\leftarrow \alpha \bar g + (1-\alpha) g \quad\text{(centered)} \\
        d &= \sqrt{v - \bar g^2} + \epsilon \quad\text{(centered) or}\quad \sqrt{v} + \epsilon \\
        b &\leftarrow \mu b + g / d, \quad \theta \leftarrow \theta - \eta b \quad\text{(momentum) or}\quad
        \theta \leftarrow \theta - \eta\, g / d

    :math:`\epsilon` sits outside the square root (PyTorch; optax puts it inside), and
    :math:`\alpha` is the decay (Hinton's 0.9; PyTorch's default 0.99).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False):
        self.alpha = in_unit_interval("RMSprop: alpha", alpha, closed=True)
        self.eps = positive("RMSprop: eps", eps)
        self.weight_decay = nonnegative("RMSprop: weight_decay", weight_decay)
        self.momentum = nonnegative("RMSprop: momentum", momentum)
        self.centered = bool(centered)
        self.state_names = ("v",) + ("g_avg",) * self.centered + ("b",) * (self.momentum > 0)
        super().__init__(params, check_lr(lr, "RMSprop"))

    def update(self, p, g, *, v, g_avg=None, b=None, lr, t):
        a = self.alpha
        if self.weight_decay:
            g = g + self.weight_decay * p                        # g ← g + λθ
        v *= a; v += (1 - a) * g * g                             # v ← αv + (1−α)g²
        if self.centered:
            g_avg *= a; g_avg += (1 - a) * g                     # ḡ ← αḡ + (1−α)g
            d = np.sqrt(v - g_avg * g_avg) + self.eps            # d = √(v − ḡ²) + ε
        else:
            d = np.sqrt(v) + self.eps                            # d = √v + ε
        if self.momentum:
            b *= self.momentum; b += g / d                       # b ← μb + g/d
            p -= lr * b                                          # θ ← θ − ηb
        else:
            p -= lr * g / d                                      # θ ← θ − η g/d
