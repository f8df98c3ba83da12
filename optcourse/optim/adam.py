"""Adam and AdamW: momentum on the gradient, RMSProp on its square, both bias-corrected."""
from __future__ import annotations

import math

import numpy as np

from optcourse.validation import in_unit_interval, nonnegative, positive

from .base import Optimizer, check_lr


class Adam(Optimizer):
    r"""Adam (Kingma and Ba 2015), as ``torch.optim.Adam`` computes it; AMSGrad with ``amsgrad=True``.

    State ``"m"`` and ``"v"`` are the moving averages of the gradient and of its square (PyTorch's
    ``exp_avg`` and ``exp_avg_sq``); with AMSGrad, ``"v_max"`` is the running maximum of ``v``.
    At step :math:`t = 1, 2, \dots`:

    .. math::
        g &\leftarrow g + \lambda\theta \quad\text{(L2 penalty, Adam only)} \\
        m &\leftarrow \beta_1 m + (1-\beta_1) g \\
        v &\leftarrow \beta_2 v + (1-\beta_2) g^2 \\
        \hat v &= \max(\hat v, v) \text{ (AMSGrad) or } v \\
        \theta &\leftarrow \theta - \frac{\eta}{1-\beta_1^t}\,
            \frac{m}{\sqrt{\hat v}/\sqrt{1-\beta_2^t} + \epsilon}

    The bias corrections :math:`1-\beta_1^t` and :math:`\sqrt{1-\beta_2^t}` are folded into scalars,
    and :math:`\epsilon` is added after the second moment has been bias-corrected, as in PyTorch and
    optax (the paper's Algorithm 1 writes the same thing as :math:`\hat m/(\sqrt{\hat v}+\epsilon)`).
    """

    state_names = ("m", "v")
    decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        who = self.__class__.__name__
        if len(tuple(betas)) != 2:
            raise ValueError(f"{who}: betas must be a pair (beta1, beta2), got {betas!r}.")
        self.betas = (in_unit_interval(f"{who}: betas[0]", betas[0]),
                      in_unit_interval(f"{who}: betas[1]", betas[1]))
        self.eps = positive(f"{who}: eps", eps)
        self.weight_decay = nonnegative(f"{who}: weight_decay", weight_decay)
        self.amsgrad = bool(amsgrad)
        if self.amsgrad:
            self.state_names = ("m", "v", "v_max")
        super().__init__(params, check_lr(lr, who))

    def update(self, p, g, *, m, v, v_max=None, lr, t):
        b1, b2 = self.betas
        if self.weight_decay and self.decoupled_weight_decay:
            p *= 1 - lr * self.weight_decay                      # θ ← θ(1 − ηλ)      (AdamW)
        elif self.weight_decay:
            g = g + self.weight_decay * p                        # g ← g + λθ         (Adam)
        m *= b1; m += (1 - b1) * g                               # m ← β1 m + (1−β1) g
        v *= b2; v += (1 - b2) * g * g                           # v ← β2 v + (1−β2) g²
        if self.amsgrad:
            v = np.maximum(v_max, v, out=v_max)                  # v̂ ← max(v̂, v)
        step_size = lr / (1 - b1**t)                             # η / (1 − β1ᵗ)
        denom = np.sqrt(v) / math.sqrt(1 - b2**t) + self.eps     # √v̂ / √(1 − β2ᵗ) + ε
        p -= step_size * m / denom                               # θ ← θ − step · m / denom


class AdamW(Adam):
    r"""AdamW (Loshchilov and Hutter 2019): Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    Instead of adding :math:`\lambda\theta` to the gradient (where Adam's division by
    :math:`\sqrt{v}` would rescale it), the parameters shrink directly before the Adam step:

    .. math:: \theta \leftarrow \theta(1 - \eta\lambda), \quad\text{then the Adam update without L2.}

    Note PyTorch multiplies :math:`\lambda` by the learning rate :math:`\eta`; the paper multiplies
    it by the schedule multiplier only. Default ``weight_decay=1e-2``, as in PyTorch.
    """

    decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
