"""Tiger, a tight-fisted optimizer: Lion with one beta, plus its author's training rules (Su 2023)."""
from __future__ import annotations

import math

import numpy as np

from optcourse.validation import in_unit_interval, nonnegative, whole

from .base import Optimizer, check_lr

KINDS = ("elementwise", "matrix", "plain")


class Tiger(Optimizer):
    r"""Tiger (Jianlin Su 2023, github.com/bojone/tiger), following its reference implementation.

    The update is Lion's with :math:`\beta_1 = \beta_2 = \beta`, so it needs only the momentum
    ``"m"``. Gradient accumulation over :math:`k` = ``grad_accum_steps`` calls is folded into the
    momentum: with :math:`t = 0, 1, \dots` counting calls to ``step``,

    .. math::
        m &\leftarrow \beta_t m + \tfrac{1-\beta}{k}\, g,
            \qquad \beta_t = \beta \text{ if } t \bmod k = 0 \text{ else } 1 \\
        \theta &\leftarrow \theta - \eta_t\,(\mathrm{sign}(m) + \lambda\theta),
            \qquad \text{only when } (t+1) \bmod k = 0

    so after :math:`k` calls :math:`m` has moved towards the *mean* of the :math:`k` gradients, as
    one step on the big batch would have done, with no extra buffer.

    Per-parameter learning rates (``kinds``, by default from each array's ``ndim``):

    - ``"elementwise"`` (ndim <= 1: biases, normalisation gains): :math:`\eta_t = \eta/2` and no
      weight decay;
    - ``"matrix"`` (ndim >= 2): :math:`\eta_t = \eta\cdot\mathrm{RMS}(\theta)`, so ``lr`` is a
      *relative* step size, about 1e-3 (the author suggests a peak in [1e-3, 2e-3]);
    - ``"plain"``: :math:`\eta_t = \eta` and decay :math:`\lambda` as given (Tiger is then exactly
      Lion with :math:`\beta_1=\beta_2`).

    NaN rule, for mixed-precision training: when a parameter's gradient contains NaN, that step is
    skipped for it (its momentum is left as it was) and the parameter shrinks towards the centre
    :math:`c` of its initialisation (``centres``, default 0; 1 for a normalisation gain):
    :math:`\theta \leftarrow s(\theta - c) + c` with :math:`s` = ``shrink_ratio``.
    An infinite gradient still raises, as for every other optimizer.

    Defaults are the reference's: ``lr=1e-3, beta=0.965, weight_decay=0.01, shrink_ratio=0.99``
    (0.945 is suggested for vision, the mean of Lion's (0.9, 0.99)). The reference's built-in
    piecewise-linear schedule is :func:`optcourse.optim.piecewise_linear`, passed as ``lr``.
    """

    state_names = ("m",)

    def __init__(self, params, lr=1e-3, beta=0.965, weight_decay=0.01, grad_accum_steps=1,
                 shrink_ratio=0.99, kinds=None, centres=0.0):
        self.beta = in_unit_interval("Tiger: beta", beta)
        self.weight_decay = nonnegative("Tiger: weight_decay", weight_decay)
        self.grad_accum_steps = whole("Tiger: grad_accum_steps", grad_accum_steps, 1)
        self.shrink_ratio = in_unit_interval("Tiger: shrink_ratio", shrink_ratio, closed=True)
        super().__init__(params, check_lr(lr, "Tiger"))
        n = len(self.params)
        if kinds is None:
            kinds = ["matrix" if p.ndim >= 2 else "elementwise" for p in self.params]
        kinds = [kinds] * n if isinstance(kinds, str) else list(kinds)
        if len(kinds) != n or any(k not in KINDS for k in kinds):
            raise ValueError(f"Tiger: kinds must be one of {KINDS} or a list of them, one per "
                             f"parameter ({n}); got {kinds!r}.")
        self.kinds = kinds
        centres = [centres] * n if np.isscalar(centres) else list(centres)
        if len(centres) != n:
            raise ValueError(f"Tiger: centres must be a number or a list of {n} numbers, got {centres!r}.")
        self.centres = [float(c) for c in centres]

    def step(self, grads) -> None:
        """One call: accumulate ``grads`` into the momentum; move the parameters every k-th call."""
        grads = self.check_grads(grads, allow_nan=True)
        k, t = self.grad_accum_steps, self.t
        lr = self.current_lr() if (t + 1) % k == 0 else 0.0   # parameters move once per k calls
        beta = self.beta if t % k == 0 else 1.0                # decay m once per k calls
        for p, g, state, kind, c in zip(self.params, grads, self._state, self.kinds, self.centres):
            if g is None:                                      # g has a NaN: the NaN rule
                p -= c; p *= self.shrink_ratio; p += c         # θ ← s(θ − c) + c
                continue
            lr_p, decay = lr, self.weight_decay
            if kind == "elementwise":
                lr_p, decay = lr / 2, 0.0
            elif kind == "matrix" and lr:
                lr_p = lr * math.sqrt(float(np.vdot(p, p)) / p.size)   # η · RMS(θ)
            self.update(p, g, lr=lr_p, t=t + 1, beta=beta, decay=decay, **state)
        self.t += 1

    def update(self, p, g, *, m, lr, t, beta, decay):
        m *= beta; m += (1 - self.beta) / self.grad_accum_steps * g       # m ← βₜ m + (1−β)/k · g
        if lr and decay:
            p *= 1 - lr * decay                                           # θ ← θ − ηₜλθ
        if lr:
            p -= lr * np.sign(m)                                          # θ ← θ − ηₜ sign(m)
