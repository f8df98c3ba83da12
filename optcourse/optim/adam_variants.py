"""Three descendants of Adam: NAdam (Nesterov's look-ahead), RAdam (a rectified warm start) and
Adamax (the infinity norm in place of the root mean square)."""
from __future__ import annotations

import math

import numpy as np

from optcourse.validation import in_unit_interval, nonnegative, positive

from .base import Optimizer, check_lr


def _check_betas(who: str, betas) -> tuple[float, float]:
    if len(tuple(betas)) != 2:
        raise ValueError(f"{who}: betas must be a pair (beta1, beta2), got {betas!r}.")
    return (in_unit_interval(f"{who}: betas[0]", betas[0]),
            in_unit_interval(f"{who}: betas[1]", betas[1]))


class NAdam(Optimizer):
    r"""NAdam (Dozat 2016, "Incorporating Nesterov Momentum into Adam"), as ``torch.optim.NAdam``.

    Adam whose step looks ahead, as Nesterov's momentum does: the new momentum :math:`m_t` enters
    with next step's coefficient :math:`\mu_{t+1}`, and the current gradient with this step's
    :math:`1-\mu_t`. The momentum coefficient warms up with the momentum decay :math:`\psi`
    (``momentum_decay``), :math:`\mu_t = \beta_1(1 - \tfrac12\, 0.96^{t\psi})`, and
    :math:`\Pi_t = \mu_1\mu_2\cdots\mu_t` (state ``"mu_product"``, a scalar) corrects its bias:

    .. math::
        g &\leftarrow g + \lambda\theta \quad\text{(or } \theta \leftarrow \theta(1-\eta\lambda)
            \text{ with decoupled\_weight\_decay)} \\
        \Pi_t &= \Pi_{t-1}\,\mu_t \\
        m &\leftarrow \beta_1 m + (1-\beta_1) g \\
        v &\leftarrow \beta_2 v + (1-\beta_2) g^2 \\
        d &= \sqrt{v/(1-\beta_2^t)} + \epsilon \\
        \theta &\leftarrow \theta - \eta\,\frac{1-\mu_t}{1-\Pi_t}\,\frac{g}{d}
            - \eta\,\frac{\mu_{t+1}}{1-\Pi_t\mu_{t+1}}\,\frac{m}{d}

    Note the momentum is averaged with :math:`\beta_1` while the update weighs it with
    :math:`\mu_t` (PyTorch's and Dozat's choice); with :math:`\psi = 0`, :math:`\mu_t = \beta_1/2`.
    :math:`\epsilon` is added after the bias correction, as in Adam. PyTorch keeps
    :math:`\Pi_t` in float32 (its scalar dtype), and so does this class, so that both compute the
    same steps.
    """

    state_names = ("m", "v", "mu_product")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False):
        self.betas = _check_betas("NAdam", betas)
        self.eps = positive("NAdam: eps", eps)
        self.weight_decay = nonnegative("NAdam: weight_decay", weight_decay)
        self.momentum_decay = nonnegative("NAdam: momentum_decay", momentum_decay)
        self.decoupled_weight_decay = bool(decoupled_weight_decay)
        super().__init__(params, check_lr(lr, "NAdam"))

    def initial_state(self, name, p):
        if name == "mu_product":
            return np.ones((), dtype=np.float32)       # Π_0 = 1, a float32 scalar as in PyTorch
        return np.zeros_like(p)


    def update(self, p, g, *, m, v, mu_product, lr, t):
        b1, b2 = self.betas
        if self.weight_decay and self.decoupled_weight_decay:
            p *= 1 - lr * self.weight_decay                          # θ ← θ(1 − ηλ)   (NAdamW)
        elif self.weight_decay:
            g = g + self.weight_decay * p                            # g ← g + λθ
        mu = b1 * (1 - 0.5 * 0.96 ** (t * self.momentum_decay))        # μ_t
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * self.momentum_decay))   # μ_{t+1}
        mu_product *= mu                                             # Π_t = Π_{t−1} μ_t
        m *= b1; m += (1 - b1) * g                                   # m ← β1 m + (1−β1) g
        v *= b2; v += (1 - b2) * g * g                               # v ← β2 v + (1−β2) g²
        denom = np.sqrt(v / (1 - b2**t)) + self.eps                  # d = √(v / (1 − β2ᵗ)) + ε
        prod = float(mu_product)
        p -= lr * (1 - mu) / (1 - prod) * g / denom                  # θ ← θ − η (1−μ_t)/(1−Π_t) · g/d
        p -= lr * mu_next / (1 - prod * mu_next) * m / denom         # θ ← θ − η μ_{t+1}/(1−Π_t μ_{t+1}) · m/d


class RAdam(Optimizer):
    r"""RAdam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond"), as
    ``torch.optim.RAdam``.

    Early on, :math:`v` averages only a few squared gradients, so :math:`1/\sqrt{v}` has a large
    variance. RAdam approximates the exponential average by a simple moving average of length
    :math:`\rho_t` and, while :math:`\rho_t \le 5`, steps with momentum alone (SGD with
    momentum); after that it multiplies Adam's adaptive step by the rectification :math:`r_t`,
    which makes the variance of the adaptive rate that of its limit:

    .. math::
        g &\leftarrow g + \lambda\theta \quad\text{(or } \theta \leftarrow \theta(1-\eta\lambda)
            \text{ with decoupled\_weight\_decay)} \\
        m &\leftarrow \beta_1 m + (1-\beta_1) g, \qquad \hat m = m / (1-\beta_1^t) \\
        v &\leftarrow \beta_2 v + (1-\beta_2) g^2 \\
        \rho_\infty &= \frac{2}{1-\beta_2} - 1, \qquad
            \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t} \\
        \theta &\leftarrow \theta - \eta\,\hat m\, r_t\,\frac{\sqrt{1-\beta_2^t}}{\sqrt{v} + \epsilon},
            \quad r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}
            \quad\text{if } \rho_t > 5 \\
        \theta &\leftarrow \theta - \eta\,\hat m \quad\text{otherwise}

    Here :math:`\epsilon` is added to :math:`\sqrt{v}` *before* the bias correction (PyTorch's
    choice; Adam adds it after). With the default :math:`\beta_2 = 0.999` the first five steps are
    momentum steps.
    """

    state_names = ("m", "v")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False):
        self.betas = _check_betas("RAdam", betas)
        self.eps = positive("RAdam: eps", eps)
        self.weight_decay = nonnegative("RAdam: weight_decay", weight_decay)
        self.decoupled_weight_decay = bool(decoupled_weight_decay)
        super().__init__(params, check_lr(lr, "RAdam"))


    def rectification(self, t: int) -> float | None:
        """:math:`r_t`, or None while :math:`\\rho_t \\le 5` (the steps taken without :math:`v`)."""
        b2 = self.betas[1]
        rho_inf = 2 / (1 - b2) - 1                                   # ρ∞ = 2/(1−β2) − 1
        rho = rho_inf - 2 * t * b2**t / (1 - b2**t)                  # ρ_t
        if rho <= 5:
            return None
        return math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))

    def update(self, p, g, *, m, v, lr, t):
        b1, b2 = self.betas
        if self.weight_decay and self.decoupled_weight_decay:
            p *= 1 - lr * self.weight_decay                          # θ ← θ(1 − ηλ)
        elif self.weight_decay:
            g = g + self.weight_decay * p                            # g ← g + λθ
        m *= b1; m += (1 - b1) * g                                   # m ← β1 m + (1−β1) g
        v *= b2; v += (1 - b2) * g * g                               # v ← β2 v + (1−β2) g²
        m_hat = m / (1 - b1**t)                                      # m̂ = m / (1 − β1ᵗ)
        r = self.rectification(t)                                    # r_t (None while ρ_t ≤ 5)
        if r is None:
            p -= lr * m_hat                                          # θ ← θ − η m̂
        else:
            adaptive = math.sqrt(1 - b2**t) / (np.sqrt(v) + self.eps)   # √(1−β2ᵗ) / (√v + ε)
            p -= m_hat * lr * adaptive * r                               # θ ← θ − η m̂ · adaptive · r_t


class Adamax(Optimizer):
    r"""Adamax (Kingma and Ba 2015, section 7.1), as ``torch.optim.Adamax``.

    Adam with the :math:`\ell_2` average of past gradients replaced by an :math:`\ell_\infty` one:
    state ``"u"`` (PyTorch's ``exp_inf``) is a decaying running maximum of :math:`|g|`, which needs
    no bias correction:

    .. math::
        g &\leftarrow g + \lambda\theta \\
        m &\leftarrow \beta_1 m + (1-\beta_1) g \\
        u &\leftarrow \max(\beta_2 u,\ |g| + \epsilon) \\
        \theta &\leftarrow \theta - \frac{\eta}{1-\beta_1^t}\,\frac{m}{u}

    :math:`\epsilon` sits inside the maximum (PyTorch's choice; the paper has no :math:`\epsilon`),
    so :math:`u \ge \epsilon` and the division is always defined.
    """

    state_names = ("m", "u")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        self.betas = _check_betas("Adamax", betas)
        self.eps = positive("Adamax: eps", eps)
        self.weight_decay = nonnegative("Adamax: weight_decay", weight_decay)
        super().__init__(params, check_lr(lr, "Adamax"))


    def update(self, p, g, *, m, u, lr, t):
        b1, b2 = self.betas
        if self.weight_decay:
            g = g + self.weight_decay * p                            # g ← g + λθ
        m *= b1; m += (1 - b1) * g                                   # m ← β1 m + (1−β1) g
        u *= b2; np.maximum(u, np.abs(g) + self.eps, out=u)          # u ← max(β2 u, |g| + ε)
        p -= lr / (1 - b1**t) * m / u                                # θ ← θ − η/(1−β1ᵗ) · m/u
