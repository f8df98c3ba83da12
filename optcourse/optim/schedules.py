"""Learning-rate schedules: functions from the step count t = 0, 1, ... to a learning rate.

Pass one as ``lr`` (``Adam(x, lr=cosine(1e-2, 500))``) or assign it later (``opt.lr = ...``); the
optimizer calls it with the number of steps taken so far, so ``schedule(0)`` is the first step's
rate. They are plain callables, so a lambda works too.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from optcourse.validation import whole


def _rate(name: str, value) -> float:
    value = float(value)
    if not (value >= 0 and math.isfinite(value)):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    return value


@dataclass(frozen=True)
class constant:
    """η_t = lr."""
    lr: float

    def __post_init__(self):
        _rate("constant: lr", self.lr)

    def __call__(self, t: int) -> float:
        return self.lr


@dataclass(frozen=True)
class step_decay:
    """η_t = lr · gamma^⌊t / step_size⌋ (PyTorch's StepLR)."""
    lr: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self):
        _rate("step_decay: lr", self.lr)
        whole("step_decay: step_size", self.step_size, 1)
        _rate("step_decay: gamma", self.gamma)

    def __call__(self, t: int) -> float:
        return self.lr * self.gamma ** (t // self.step_size)


@dataclass(frozen=True)
class exponential:
    """η_t = lr · gamma^t (PyTorch's ExponentialLR)."""
    lr: float
    gamma: float

    def __post_init__(self):
        _rate("exponential: lr", self.lr)
        _rate("exponential: gamma", self.gamma)

    def __call__(self, t: int) -> float:
        return self.lr * self.gamma**t


@dataclass(frozen=True)
class cosine:
    """η_t = min_lr + (lr − min_lr)(1 + cos(π t / total_steps)) / 2, then min_lr once t ≥ total_steps.

    PyTorch's CosineAnnealingLR with T_max = total_steps, eta_min = min_lr (without restarts).
    """
    lr: float
    total_steps: int
    min_lr: float = 0.0

    def __post_init__(self):
        _rate("cosine: lr", self.lr)
        whole("cosine: total_steps", self.total_steps, 1)
        _rate("cosine: min_lr", self.min_lr)

    def __call__(self, t: int) -> float:
        if t >= self.total_steps:
            return self.min_lr
        return self.min_lr + (self.lr - self.min_lr) * (1 + math.cos(math.pi * t / self.total_steps)) / 2


@dataclass(frozen=True)
class linear_warmup:
    """η_t = lr · (t + 1) / warmup_steps for the first warmup_steps steps, then ``after(t − warmup_steps)``.

    ``after`` defaults to the constant ``lr``; pass another schedule to decay after warming up.
    """
    lr: float
    warmup_steps: int
    after: object = None

    def __post_init__(self):
        _rate("linear_warmup: lr", self.lr)
        whole("linear_warmup: warmup_steps", self.warmup_steps, 1)
        if self.after is not None and not callable(self.after):
            raise TypeError("linear_warmup: after must be a schedule (a function of t) or None.")

    def __call__(self, t: int) -> float:
        if t < self.warmup_steps:
            return self.lr * (t + 1) / self.warmup_steps
        return self.lr if self.after is None else self.after(t - self.warmup_steps)


@dataclass(frozen=True)
class piecewise_linear:
    """Straight lines through the points {t: η}; flat before the first point and after the last.

    Tiger's reference schedule {1000: 1, 2000: 0.1} starts from zero: write it as
    ``piecewise_linear({0: 0, 1000: lr, 2000: 0.1 * lr})``.
    """
    points: dict = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.points, dict) or not self.points:
            raise ValueError("piecewise_linear: points must be a non-empty dict {step: learning rate}.")
        for t, lr in self.points.items():
            whole("piecewise_linear: a step", t, 0)
            _rate(f"piecewise_linear: the rate at step {t}", lr)

    def __call__(self, t: int) -> float:
        ts, lrs = zip(*sorted(self.points.items()))
        return float(np.interp(t, ts, lrs))


DECAY_SHAPES = ("linear", "cosine", "1-sqrt")


@dataclass(frozen=True)
class warmup_stable_decay:
    """Warmup-stable-decay (WSD; Hu et al. 2024, MiniCPM): a linear warmup, a long flat stretch at
    ``lr``, then a short decay to ``min_lr``, after which it stays at ``min_lr``.

    With W, S, D = warmup_steps, stable_steps, decay_steps and x = (t − W − S) / D:

        η_t = lr · (t + 1) / W                          for t < W (as :class:`linear_warmup`)
        η_t = lr                                        for W ≤ t < W + S
        η_t = min_lr + (lr − min_lr) · f(x)             for W + S ≤ t < W + S + D
        η_t = min_lr                                    afterwards

    with f(x) = 1 − x (``"linear"``), (1 + cos πx)/2 (``"cosine"``) or 1 − √x (``"1-sqrt"``, Hägele
    et al. 2024). Unlike cosine, the stable phase does not need the length of the run in advance:
    a run can be continued from any point of it, and decayed when a checkpoint is wanted.
    """
    lr: float
    warmup_steps: int
    stable_steps: int
    decay_steps: int
    min_lr: float = 0.0
    shape: str = "linear"

    def __post_init__(self):
        _rate("warmup_stable_decay: lr", self.lr)
        whole("warmup_stable_decay: warmup_steps", self.warmup_steps, 0)
        whole("warmup_stable_decay: stable_steps", self.stable_steps, 0)
        whole("warmup_stable_decay: decay_steps", self.decay_steps, 1)
        _rate("warmup_stable_decay: min_lr", self.min_lr)
        if self.shape not in DECAY_SHAPES:
            raise ValueError(f"warmup_stable_decay: shape must be one of {DECAY_SHAPES}, got {self.shape!r}.")

    def __call__(self, t: int) -> float:
        if t < self.warmup_steps:
            return self.lr * (t + 1) / self.warmup_steps
        x = (t - self.warmup_steps - self.stable_steps) / self.decay_steps
        if x < 0:
            return self.lr
        if x >= 1:
            return self.min_lr
        f = {"linear": 1 - x, "cosine": (1 + math.cos(math.pi * x)) / 2, "1-sqrt": 1 - math.sqrt(x)}[self.shape]
        return self.min_lr + (self.lr - self.min_lr) * f
