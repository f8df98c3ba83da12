"""Muon: momentum, orthogonalised by a few Newton-Schulz steps, for the weight matrices of a network."""
from __future__ import annotations

import math

import numpy as np

from optcourse.validation import in_unit_interval, nonnegative, positive

from .base import Optimizer, check_lr

MUON_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
"""Keller Jordan's quintic (a, b, c): p(σ) = aσ + bσ³ + cσ⁵ has slope a at 0, so small singular
values grow fast; the price is that the iteration does not converge to 1 but wanders in about
[0.7, 1.2]."""
CUBIC_COEFFICIENTS = (1.5, -0.5, 0.0)
"""Newton-Schulz for the polar factor: p(σ) = (3σ − σ³)/2, which converges to 1 quadratically."""
ADJUST_LR_FNS = (None, "original", "match_rms_adamw")


def newton_schulz(G: np.ndarray, coefficients=MUON_COEFFICIENTS, steps: int = 5, eps: float = 1e-7) -> np.ndarray:
    r"""An approximation of the orthogonal factor :math:`UV^\top` of :math:`G = U\Sigma V^\top`,
    computed in ``G``'s dtype as ``torch.optim.Muon`` computes it (in bfloat16).

    With :math:`X_0 = G/\max(\|G\|_F, \epsilon)` (so every singular value is at most 1) and
    :math:`(a, b, c)` = ``coefficients``, ``steps`` times

    .. math:: A = XX^\top, \qquad X \leftarrow aX + (bA + cA^2)X,

    which applies :math:`p(\sigma) = a\sigma + b\sigma^3 + c\sigma^5` to every singular value and
    leaves the singular vectors alone. A tall matrix is transposed first so that :math:`A` is the
    smaller Gram matrix.
    """
    G = np.asarray(G)
    if G.ndim != 2:
        raise ValueError(f"newton_schulz: G must be a matrix (2-D), got shape {G.shape}.")
    if len(coefficients) != 3:
        raise ValueError(f"newton_schulz: coefficients must be three numbers (a, b, c), got {coefficients!r}.")
    a, b, c = coefficients
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    X = X / max(float(np.linalg.norm(X)), eps)                   # X₀ = G / max(‖G‖_F, ε)
    for _ in range(steps):
        A = X @ X.T                                              # A = X Xᵀ
        X = a * X + (b * A + c * (A @ A)) @ X                    # X ← aX + (bA + cA²) X
    return X.T if tall else X


def polar_factor(G: np.ndarray) -> np.ndarray:
    r""":math:`UV^\top` from the reduced SVD :math:`G = U\Sigma V^\top`: the matrix of spectral norm
    1 closest to :math:`G` and the steepest-descent direction for :math:`G` in the spectral norm
    (:math:`\langle G, UV^\top\rangle = \sum_i \sigma_i`, the most any :math:`\|D\|_2 \le 1` can
    reach). Singular values that are 0 are mapped to 0."""
    U, s, Vt = np.linalg.svd(np.asarray(G), full_matrices=False)
    keep = s > s.max(initial=0.0) * max(G.shape) * np.finfo(s.dtype).eps
    return (U[:, keep] @ Vt[keep]).astype(np.asarray(G).dtype, copy=False)


def newton_schulz_polynomial(sigma, coefficients=MUON_COEFFICIENTS, steps: int = 5) -> np.ndarray:
    """What ``steps`` Newton-Schulz iterations do to a singular value σ (of the normalised matrix):
    p applied ``steps`` times, p(σ) = aσ + bσ³ + cσ⁵."""
    a, b, c = coefficients
    x = np.array(sigma, dtype=float)
    for _ in range(steps):
        x = a * x + b * x**3 + c * x**5
    return x


def adjusted_lr(lr: float, shape: tuple, adjust_lr_fn: str | None = None) -> float:
    """The learning rate Muon uses for an (A, B) matrix: ``lr·√max(1, A/B)`` (``"original"``, the
    default, Keller Jordan's) or ``0.2·lr·√max(A, B)`` (``"match_rms_adamw"``, Moonshot's, which
    gives the update the RMS of a typical AdamW update so AdamW's lr and decay carry over)."""
    A, B = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, A / B))
    return lr * 0.2 * math.sqrt(max(A, B))


class Muon(Optimizer):
    r"""Muon (Keller Jordan et al. 2024), as ``torch.optim.Muon`` computes it, for matrices only.

    State ``"b"`` is the momentum buffer (PyTorch's ``momentum_buffer``). With momentum :math:`\mu`:

    .. math::
        B &\leftarrow \mu B + (1-\mu) g \\
        \tilde B &= (1-\mu) g + \mu B \text{ (Nesterov) or } B \\
        O &= \mathrm{NS}_k^{(a,b,c)}(\tilde B) \approx UV^\top \text{ where } \tilde B = U\Sigma V^\top \\
        \theta &\leftarrow \theta(1 - \eta\lambda) \\
        \theta &\leftarrow \theta - \eta_{\text{adj}}\,O, \quad \eta_{\text{adj}} = \eta\sqrt{\max(1, A/B)}

    :math:`O` is the steepest-descent direction in the spectral norm: every singular value of the
    momentum is replaced by (about) 1, so directions the gradient barely uses move as far as the
    dominant one. :func:`newton_schulz` computes :math:`O` without an SVD.

    Conventions: the momentum is an exponential moving average (PyTorch's code uses ``lerp``;
    its docstring writes :math:`B \leftarrow \mu B + g`, 1/(1−μ) times larger, which the
    normalisation inside Newton-Schulz makes no difference to). The weight decay
    :math:`\lambda` is decoupled and multiplied by the unadjusted :math:`\eta`. PyTorch runs
    Newton-Schulz in bfloat16, this class in the parameter's dtype, so the two agree to bfloat16
    precision (about 1%) and ours is the exact result of the same algorithm.

    Only 2-D parameters (the weight matrices of hidden layers): a parameter of any other shape is
    refused with a ValueError when the optimizer is made, as PyTorch does. Optimise biases, gains,
    and (by Muon's authors' advice) embeddings and the output layer with AdamW in a second optimizer.
    """

    state_names = ("b",)

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=MUON_COEFFICIENTS, eps=1e-7, ns_steps=5, adjust_lr_fn=None):
        self.weight_decay = nonnegative("Muon: weight_decay", weight_decay)
        self.momentum = in_unit_interval("Muon: momentum", momentum, closed=True)
        self.nesterov = bool(nesterov)
        if len(tuple(ns_coefficients)) != 3:
            raise ValueError(f"Muon: ns_coefficients must be three numbers (a, b, c), got {ns_coefficients!r}.")
        self.ns_coefficients = tuple(float(c) for c in ns_coefficients)
        self.eps = positive("Muon: eps", eps)
        if isinstance(ns_steps, bool) or not isinstance(ns_steps, (int, np.integer)) or not 0 <= ns_steps < 100:
            raise ValueError(f"Muon: ns_steps must be a whole number in [0, 100), got {ns_steps!r}.")
        self.ns_steps = int(ns_steps)
        if adjust_lr_fn not in ADJUST_LR_FNS:
            raise ValueError(f"Muon: adjust_lr_fn must be one of {ADJUST_LR_FNS}, got {adjust_lr_fn!r}.")
        self.adjust_lr_fn = adjust_lr_fn
        super().__init__(params, check_lr(lr, "Muon"))
        for i, p in enumerate(self.params):
            if p.ndim != 2:
                where = "params" if self._single else f"params[{i}]"
                raise ValueError(f"Muon: {where} has shape {p.shape}; Muon updates matrices (2-D parameters) "
                                 f"only. Give biases, gains and other non-matrix parameters to a second "
                                 f"optimizer, e.g. AdamW([b1, b2, ...]).")


    def update(self, p, g, *, b, lr, t):
        mu = self.momentum
        b *= mu; b += (1 - mu) * g                                           # B ← μB + (1−μ)g
        direction = (1 - mu) * g + mu * b if self.nesterov else b            # B̃ = (1−μ)g + μB  or  B
        o = newton_schulz(direction, self.ns_coefficients, self.ns_steps, self.eps)   # O ≈ U Vᵀ
        p *= 1 - lr * self.weight_decay                                      # θ ← θ(1 − ηλ)
        p -= adjusted_lr(lr, p.shape, self.adjust_lr_fn) * o                 # θ ← θ − η_adj O
