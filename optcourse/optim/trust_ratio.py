"""LARS and LAMB: one step size per layer, proportional to the layer's weight norm (You et al.).

With a large batch a single learning rate fits no layer: the ratio of the update's norm to the
weight's norm differs by orders of magnitude between layers, so a rate that moves one layer by 0.1%
moves another by 100%. Both optimizers rescale each parameter array's update by a trust ratio
``‖θ‖ / ‖update‖``, so every layer moves by the same *relative* amount. Each parameter array is
one layer here: pass weights and biases as separate arrays.
"""
from __future__ import annotations

import math

import numpy as np

from optcourse.validation import in_unit_interval, nonnegative, positive

from .adam_variants import _check_betas
from .base import Optimizer, check_lr


def norm(x: np.ndarray) -> float:
    """The Euclidean (Frobenius) norm of all the entries."""
    return math.sqrt(float(np.vdot(x, x)))


def trust_ratio(weight_norm: float, update_norm: float, coefficient: float = 1.0) -> float:
    """``coefficient · weight_norm / update_norm``, or 1 when either norm is 0 (a layer at zero, or
    a zero update: the ratio would be 0 or undefined, and the layer could never move)."""
    if weight_norm == 0 or update_norm == 0:
        return 1.0
    return coefficient * weight_norm / update_norm


class LARS(Optimizer):
    r"""LARS, layer-wise adaptive rate scaling (You, Gitman and Ginsburg 2017, Algorithm 1).

    For each parameter array (layer) :math:`\theta` with gradient :math:`g`, trust coefficient
    :math:`\eta_{\text{trust}}` (``trust_coefficient``), weight decay :math:`\beta`, momentum
    :math:`\mu` and global learning rate :math:`\eta` (state ``"v"``, the velocity):

    .. math::
        \lambda &= \eta_{\text{trust}}\,\frac{\|\theta\|}{\|g\| + \beta\|\theta\|} \\
        v &\leftarrow \mu v + \eta\lambda\,(g + \beta\theta) \\
        \theta &\leftarrow \theta - v

    :math:`\lambda = 1` when :math:`\|\theta\| = 0` or :math:`\|g\| + \beta\|\theta\| = 0` (as in
    NVIDIA's LARC and optax). Conventions: as in the paper, the learning rate and the trust ratio
    sit *inside* the velocity (the textbook momentum of lesson 04), and the denominator is
    :math:`\|g\| + \beta\|\theta\|`; optax divides by :math:`\|g + \beta\theta\|` instead and keeps
    :math:`\eta` outside the momentum. No :math:`\epsilon`. The paper's experiments use
    :math:`\eta_{\text{trust}} = 0.001` with large global rates and a polynomial decay
    (pass ``lr`` a schedule).
    """

    state_names = ("v",)

    def __init__(self, params, lr=1.0, momentum=0.9, weight_decay=0.0, trust_coefficient=0.001):
        self.momentum = in_unit_interval("LARS: momentum", momentum)
        self.weight_decay = nonnegative("LARS: weight_decay", weight_decay)
        self.trust_coefficient = positive("LARS: trust_coefficient", trust_coefficient)
        super().__init__(params, check_lr(lr, "LARS"))


    def local_lr(self, p: np.ndarray, g: np.ndarray) -> float:
        """λ = η_trust ‖θ‖ / (‖g‖ + β‖θ‖), the layer's own rate."""
        w = norm(p)
        return trust_ratio(w, norm(g) + self.weight_decay * w, self.trust_coefficient)

    def update(self, p, g, *, v, lr, t):
        local = self.local_lr(p, g)                                    # λ = η_trust ‖θ‖/(‖g‖ + β‖θ‖)
        v *= self.momentum; v += lr * local * (g + self.weight_decay * p)   # v ← μv + ηλ(g + βθ)
        p -= v                                                         # θ ← θ − v


class LAMB(Optimizer):
    r"""LAMB, layer-wise adaptive moments (You et al. 2020, "Large Batch Optimization for Deep
    Learning: Training BERT in 76 Minutes", Algorithm 2, with :math:`\phi(z) = z`).

    Adam's bias-corrected direction plus decoupled weight decay, rescaled per layer to the layer's
    norm (state ``"m"``, ``"v"`` as in Adam):

    .. math::
        m &\leftarrow \beta_1 m + (1-\beta_1) g \\
        v &\leftarrow \beta_2 v + (1-\beta_2) g^2 \\
        r &= \frac{m/(1-\beta_1^t)}{\sqrt{v/(1-\beta_2^t)} + \epsilon} + \lambda\theta \\
        \theta &\leftarrow \theta - \eta\,\frac{\|\theta\|}{\|r\|}\, r

    so every layer moves by :math:`\eta` times its own norm. The ratio is 1 when :math:`\|\theta\|`
    or :math:`\|r\|` is 0 (as in optax). :math:`\epsilon` is added after the bias correction (as in
    Adam and the paper); the paper's defaults are :math:`\epsilon = 10^{-6}`, :math:`\beta = (0.9,
    0.999)`; its BERT runs use :math:`\lambda = 0.01`.
    """

    state_names = ("m", "v")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.0):
        self.betas = _check_betas("LAMB", betas)
        self.eps = positive("LAMB: eps", eps)
        self.weight_decay = nonnegative("LAMB: weight_decay", weight_decay)
        super().__init__(params, check_lr(lr, "LAMB"))


    def update(self, p, g, *, m, v, lr, t):
        b1, b2 = self.betas
        m *= b1; m += (1 - b1) * g                                         # m ← β1 m + (1−β1) g
        v *= b2; v += (1 - b2) * g * g                                     # v ← β2 v + (1−β2) g²
        r = m / (1 - b1**t) / (np.sqrt(v / (1 - b2**t)) + self.eps)       # r = m̂ / (√v̂ + ε)
        if self.weight_decay:
            r += self.weight_decay * p                                     # r ← r + λθ
        p -= lr * trust_ratio(norm(p), norm(r)) * r                        # θ ← θ − η ‖θ‖/‖r‖ · r
