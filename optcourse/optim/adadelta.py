"""AdaDelta: RMSProp with the step's units fixed by a running average of past updates."""
from __future__ import annotations

import numpy as np

from optcourse.validation import in_unit_interval, nonnegative, positive

from .base import Optimizer, check_lr


class Adadelta(Optimizer):
    r"""AdaDelta (Zeiler 2012), as ``torch.optim.Adadelta`` computes it.

    State ``"v"`` averages squared gradients, state ``"u"`` averages squared updates:

    .. math::
        g &\leftarrow g + \lambda\theta \\
        v &\leftarrow \rho v + (1-\rho) g^2 \\
        \Delta &= \frac{\sqrt{u + \epsilon}}{\sqrt{v + \epsilon}}\, g \\
        u &\leftarrow \rho u + (1-\rho) \Delta^2 \\
        \theta &\leftarrow \theta - \eta \Delta

    The ratio of root-mean-squares gives :math:`\Delta` the units of :math:`\theta` (the paper's
    units argument), so the paper has no learning rate; PyTorch keeps one, default 1.0. Since
    :math:`u` starts at 0, the first steps have size about :math:`\sqrt{\epsilon}`: the slow start.
    """

    state_names = ("v", "u")

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
        self.rho = in_unit_interval("Adadelta: rho", rho, closed=True)
        self.eps = positive("Adadelta: eps", eps)
        self.weight_decay = nonnegative("Adadelta: weight_decay", weight_decay)
        super().__init__(params, check_lr(lr, "Adadelta"))

    def update(self, p, g, *, v, u, lr, t):
        rho, eps = self.rho, self.eps
        if self.weight_decay:
            g = g + self.weight_decay * p                        # g ← g + λθ
        v *= rho; v += (1 - rho) * g * g                         # v ← ρv + (1−ρ)g²
        delta = np.sqrt((u + eps) / (v + eps)) * g               # Δ = √(u+ε)/√(v+ε) · g
        u *= rho; u += (1 - rho) * delta * delta                 # u ← ρu + (1−ρ)Δ²
        p -= lr * delta                                          # θ ← θ − ηΔ
