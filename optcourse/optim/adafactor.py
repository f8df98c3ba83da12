"""Adafactor: Adam's second moment stored as a row and a column, steps relative to the weights."""
from __future__ import annotations

import math

import numpy as np

from optcourse.validation import nonnegative

from .base import Optimizer, check_lr


def rms(x: np.ndarray) -> float:
    """Root mean square of the entries, ‖x‖ / √n."""
    return math.sqrt(float(np.vdot(x, x)) / max(x.size, 1))


def factored_second_moment(row: np.ndarray, col: np.ndarray, eps1: float = 0.0) -> np.ndarray:
    r"""The rank-1 estimate :math:`\hat V = R C / \max(\mathrm{mean}(R), \epsilon_1)` from the row
    means ``row`` (shape ``(..., n, 1)``) and column means ``col`` (shape ``(..., 1, m)``) of a
    nonnegative matrix. It is exact when the matrix is itself rank one, and it keeps every row and
    column mean (Shazeer and Stern 2018, who show it minimises the I-divergence among rank-1 fits).
    """
    return row @ col / np.maximum(row.mean(axis=-2, keepdims=True), eps1)


class Adafactor(Optimizer):
    r"""Adafactor (Shazeer and Stern 2018), as ``torch.optim.Adafactor`` computes it.

    For a parameter with two or more dimensions, only the row means ``"row_var"`` (shape
    ``(..., n, 1)``) and column means ``"col_var"`` (shape ``(..., 1, m)``) of the running second
    moment of the last two dimensions are kept, :math:`n + m` numbers instead of :math:`nm`; a
    vector or scalar keeps its full second moment ``"variance"``. No first moment. At step :math:`t`,
    with :math:`\tau` = ``beta2_decay``, ``eps = (`` :math:`\epsilon_1, \epsilon_2` ``)`` and clipping
    threshold :math:`d`:

    .. math::
        1-\hat\beta_{2,t} &= t^{\tau} \\
        \rho_t &= \min(\eta, 1/\sqrt{t}) \\
        \alpha_t &= \max(\epsilon_2, \mathrm{RMS}(\theta))\,\rho_t \\
        \theta &\leftarrow \theta(1 - \eta\lambda) \\
        R &\leftarrow \hat\beta_{2,t} R + (1-\hat\beta_{2,t})\,\mathrm{mean}_{\text{row}}(g^2),
            \quad C \leftarrow \hat\beta_{2,t} C + (1-\hat\beta_{2,t})\,\mathrm{mean}_{\text{col}}(g^2) \\
        \hat V &= R\,C / \max(\mathrm{mean}(R), \epsilon_1)
            \quad (\text{a vector: } \hat V \leftarrow \hat\beta_{2,t}\hat V + (1-\hat\beta_{2,t})g^2) \\
        U &= g / \max(\sqrt{\hat V}, \epsilon_1) \\
        \theta &\leftarrow \theta - \frac{\alpha_t}{\max(1, \mathrm{RMS}(U)/d)}\, U

    So the step is *relative*: about :math:`\rho_t` times the parameter's RMS, and
    :math:`\hat\beta_{2,t} = 1 - t^{-0.8}` starts at 0 and tends to 1, which needs no bias
    correction. :math:`\epsilon_1` defaults to the machine epsilon of the parameter's dtype.

    Where the conventions sit (all PyTorch's): the paper has no learning rate and uses
    :math:`\rho_t = \min(10^{-2}, 1/\sqrt t)`; PyTorch's ``lr`` replaces that :math:`10^{-2}` and
    also scales the decoupled weight decay. The paper adds :math:`\epsilon_1` to :math:`g^2` before
    averaging; PyTorch (and this class) averages :math:`g^2` itself and applies :math:`\epsilon_1` as
    floors on :math:`\mathrm{mean}(R)` and :math:`\sqrt{\hat V}`. Means, not sums, of rows and
    columns: the same :math:`\hat V`, with smaller numbers. :math:`\mathrm{RMS}(\theta)` is taken
    before the weight decay.
    """

    state_names = ("row_var", "col_var", "variance")

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0):
        beta2_decay = float(beta2_decay)
        if not (beta2_decay <= 0 and math.isfinite(beta2_decay)):
            raise ValueError(f"Adafactor: beta2_decay must be a finite number <= 0 (1 − β2 = t^beta2_decay "
                             f"decays with t), got {beta2_decay!r}.")
        self.beta2_decay = beta2_decay
        if not isinstance(eps, (tuple, list)) or len(eps) != 2:
            raise ValueError(f"Adafactor: eps must be a pair (eps1, eps2), eps1 may be None; got {eps!r}.")
        eps1 = None if eps[0] is None else nonnegative("Adafactor: eps[0]", eps[0])
        self.eps = (eps1, nonnegative("Adafactor: eps[1]", eps[1]))
        d = float(d)
        if not (d >= 1 and math.isfinite(d)):
            raise ValueError(f"Adafactor: d (the clipping threshold) must be a finite number >= 1, got {d!r}.")
        self.d = d
        self.weight_decay = nonnegative("Adafactor: weight_decay", weight_decay)
        super().__init__(params, check_lr(lr, "Adafactor"))

    def initial_state(self, name, p):
        factored = p.ndim >= 2
        if name == "row_var" and factored:
            return np.zeros(p.shape[:-1] + (1,), dtype=p.dtype)              # R: one number per row
        if name == "col_var" and factored:
            return np.zeros(p.shape[:-2] + (1, p.shape[-1]), dtype=p.dtype)  # C: one per column
        if name == "variance" and not factored:
            return np.zeros_like(p)
        return None                                                          # not kept for this shape


    def update(self, p, g, *, row_var=None, col_var=None, variance=None, lr, t):
        eps1 = np.finfo(p.dtype).eps if self.eps[0] is None else self.eps[0]
        eps2 = self.eps[1]
        w = t**self.beta2_decay                                          # 1 − β̂2 = t^τ
        rho = min(lr, 1 / math.sqrt(t))                                  # ρ_t = min(η, 1/√t)
        alpha = max(eps2, rms(p)) * rho                                  # α_t = max(ε2, RMS(θ)) ρ_t
        if self.weight_decay:
            p *= 1 - lr * self.weight_decay                              # θ ← θ(1 − ηλ)
        g2 = g * g
        if variance is None:
            row_var += w * (g2.mean(axis=-1, keepdims=True) - row_var)   # R ← β̂2 R + (1−β̂2) mean_row(g²)
            col_var += w * (g2.mean(axis=-2, keepdims=True) - col_var)   # C ← β̂2 C + (1−β̂2) mean_col(g²)
            v_hat = factored_second_moment(row_var, col_var, eps1)       # V̂ = R C / max(mean R, ε1)
        else:
            variance += w * (g2 - variance)                              # V̂ ← β̂2 V̂ + (1−β̂2) g²
            v_hat = variance
        u = g / np.sqrt(np.maximum(v_hat, eps1 * eps1))                  # U = g / max(√V̂, ε1)
        p -= alpha / max(1.0, rms(u) / self.d) * u                       # θ ← θ − α_t / max(1, RMS(U)/d) · U
