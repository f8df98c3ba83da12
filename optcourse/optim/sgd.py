"""Stochastic gradient descent, with PyTorch's momentum, dampening, Nesterov and weight decay."""
from __future__ import annotations

from optcourse.validation import nonnegative

from .base import Optimizer, check_lr


class SGD(Optimizer):
    r"""Gradient descent with optional momentum, as ``torch.optim.SGD`` computes it.

    With weight decay :math:`\lambda`, momentum :math:`\mu`, dampening :math:`\tau`, learning rate
    :math:`\eta` and buffer :math:`b` (state ``"b"``, PyTorch's ``momentum_buffer``):

    .. math::
        g &\leftarrow g + \lambda\theta \\
        b &\leftarrow \mu b + (1-\tau) g \quad (b \leftarrow g \text{ on the first step}) \\
        d &= g + \mu b \text{ (Nesterov) or } b \\
        \theta &\leftarrow \theta - \eta d

    Without momentum, :math:`d = g`. The learning rate multiplies the whole buffer at each step, so
    this is the textbook momentum :math:`v = \mu v + \eta g` with :math:`v = \eta b` while
    :math:`\eta` is constant (see :mod:`optcourse.optim.textbook`).
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        self.momentum = nonnegative("SGD: momentum", momentum)
        self.dampening = nonnegative("SGD: dampening", dampening)
        self.weight_decay = nonnegative("SGD: weight_decay", weight_decay)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("SGD: nesterov=True needs momentum > 0 and dampening = 0.")
        self.state_names = ("b",) if self.momentum else ()
        super().__init__(params, check_lr(lr, "SGD"))

    def update(self, p, g, *, b=None, lr, t):
        mu = self.momentum
        if self.weight_decay:
            g = g + self.weight_decay * p                # g ← g + λθ (a new array: g is the caller's)
        if mu:
            if t == 1:
                b[...] = g                               # b ← g on the first step
            else:
                b *= mu; b += (1 - self.dampening) * g   # b ← μb + (1−τ)g
            g = g + mu * b if self.nesterov else b       # d = g + μb  or  d = b
        p -= lr * g                                      # θ ← θ − η d
