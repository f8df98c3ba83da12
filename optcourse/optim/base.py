"""What every optimizer shares: parameters, state, the step counter, the learning rate, checks.

An optimizer holds references to the parameter arrays and changes them in place:

    x = np.array([1.0, -2.0])
    opt = Adam(x, lr=0.1)
    opt.step(grad(x))          # x itself has moved

A subclass names its state arrays in ``state_names`` (each parameter gets its own, of its shape)
and writes the update of one parameter, one line per equation, receiving the state by name:

    state_names = ("m",)

    def update(self, p, g, *, m, lr, t):
        m *= 0.9; m += 0.1 * g                    # m ← 0.9 m + 0.1 g
        p -= lr * m                               # θ ← θ − ηm

``p``, ``g`` and the state arrays have the parameter's shape; ``t`` counts steps from 1. ``step``
checks every gradient before anything changes, then calls ``update`` once per parameter. Updates
change ``p`` and the state with in-place operators: ``m *= 0.9; m += 0.1 * g`` computes the same
numbers as ``m[...] = 0.9 * m + 0.1 * g`` with one temporary array instead of three and a copy.
``g`` may be the caller's own array: an update never writes into it.
"""
from __future__ import annotations

import inspect
import math
from typing import Callable

import numpy as np

from optcourse.validation import nonnegative


def check_lr(lr, who: str):
    """A learning rate is a number >= 0 or a schedule: a callable from step count to a number."""
    if callable(lr):
        return lr
    if isinstance(lr, (bool, np.bool_)) or not isinstance(lr, (int, float, np.integer, np.floating)):
        raise TypeError(f"{who}: lr must be a number or a schedule (a function of the step count), "
                        f"got {type(lr).__name__}.")
    return nonnegative(f"{who}: lr", lr)


def _params_as_list(params, who: str) -> list[np.ndarray]:
    arrays = [params] if isinstance(params, np.ndarray) else params
    if not isinstance(arrays, (list, tuple)) or len(arrays) == 0:
        raise TypeError(f"{who}: params must be a float ndarray or a non-empty list of them, "
                        f"got {type(params).__name__}.")
    for i, p in enumerate(arrays):
        where = "params" if isinstance(params, np.ndarray) else f"params[{i}]"
        if not isinstance(p, np.ndarray):
            raise TypeError(f"{who}: {where} is a {type(p).__name__}, not an ndarray. The optimizer "
                            f"changes arrays in place, so pass the array itself, e.g. np.array(..., dtype=float).")
        if p.dtype.kind != "f":
            raise TypeError(f"{who}: {where} has dtype {p.dtype}; parameters must be floating point. "
                            f"Create them as floats, e.g. x = np.asarray(x, dtype=np.float64), and pass that array.")
        if not p.flags.c_contiguous or not p.flags.writeable:
            raise ValueError(f"{who}: {where} must be a writeable C-contiguous array so it can be updated "
                             f"in place; pass x = np.ascontiguousarray(x) and keep using that x.")
        if any(p is q for q in arrays[:i]):
            raise ValueError(f"{who}: {where} is the same array as an earlier parameter; "
                             f"list each parameter once.")
    return list(arrays)


class Optimizer:
    """Base class. Subclasses set ``state_names`` and implement ``update``.

    Attributes a student can look at:
        params  -- the list of parameter arrays (the very arrays that were passed in)
        state   -- dict: state name -> array (one parameter) or list of arrays (several)
        t       -- how many steps have been taken
        lr      -- the learning rate: a number, or a schedule ``lr(t)``; may be changed between steps
    """

    state_names: tuple[str, ...] = ()

    def __init__(self, params, lr):
        self.name = type(self).__name__
        self._single = isinstance(params, np.ndarray)
        self.params = _params_as_list(params, self.name)
        self.lr = lr
        self.reset()

    # -- learning rate ------------------------------------------------------------------------
    @property
    def lr(self):
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = check_lr(value, self.name)

    def current_lr(self) -> float:
        """The learning rate the next step will use (the schedule evaluated at ``t``)."""
        if not callable(self._lr):
            return self._lr                       # a number, checked when it was set
        return nonnegative(f"{self.name}: lr at step {self.t} (from the schedule)", self._lr(self.t))

    # -- state --------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything learned: zero the state and the step count (parameters stay)."""
        self.t = 0
        self._state = [{name: s for name in self.state_names
                        if (s := self.initial_state(name, p)) is not None} for p in self.params]

    def initial_state(self, name: str, p: np.ndarray) -> np.ndarray | None:
        """The state array ``name`` of parameter ``p`` before the first step (zeros of its shape);
        None when a parameter of this shape keeps no such state (Adafactor's factors)."""
        return np.zeros_like(p)

    @property
    def state(self) -> dict:
        """State arrays by name, shaped like ``params`` (an array, or a list of arrays, with None
        for a parameter that keeps no state of that name)."""
        if self._single:
            return dict(self._state[0])
        return {name: [s.get(name) for s in self._state] for name in self.state_names}

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{self.name}({hyper}; {len(self.params)} parameter array(s), t={self.t})"

    def hyperparameters(self) -> dict:
        """The constructor's arguments but ``params``, as this optimizer holds them (one attribute each)."""
        names = [n for n in inspect.signature(type(self).__init__).parameters if n not in ("self", "params")]
        return {n: getattr(self, n) for n in names}

    # -- the step -----------------------------------------------------------------------------
    def step(self, grads) -> None:
        """Update the parameters in place from ``grads`` (same structure and shapes as params)."""
        grads = self.check_grads(grads)
        lr, t = self.current_lr(), self.t + 1
        for p, g, state in zip(self.params, grads, self._state):
            self.update(p, g, lr=lr, t=t, **state)
        self.t = t

    def update(self, p, g, *, lr: float, t: int, **state) -> None:
        """Change ``p`` and this parameter's state arrays in place; ``t`` is the step number, from 1."""
        raise NotImplementedError

    def check_grads(self, grads, allow_nan: bool = False) -> list:
        """Return grads as a list of arrays matching params, or raise before anything changes.

        With ``allow_nan`` a gradient that contains NaN (and no inf) comes back as None.
        """
        if self._single:
            # A list is fine if it is the gradient written out ([1.0, 2.0]), not a list of arrays.
            if isinstance(grads, (list, tuple)) and np.shape(grads) != self.params[0].shape:
                raise TypeError(f"{self.name}.step: the optimizer was given one parameter array, so pass "
                                f"one gradient array, not a {type(grads).__name__}.")
            grads = [grads]
        elif not isinstance(grads, (list, tuple)) or len(grads) != len(self.params):
            got = f"a list of {len(grads)}" if isinstance(grads, (list, tuple)) else f"a {type(grads).__name__}"
            raise TypeError(f"{self.name}.step: expected a list of {len(self.params)} gradient arrays, one "
                            f"per parameter, in the same order; got {got}.")
        checked = []
        for i, (p, g) in enumerate(zip(self.params, grads)):
            g = np.asarray(g)
            if g.dtype.kind != "f":
                if g.dtype.kind not in "iub":
                    raise TypeError(f"{self._where(i)} has dtype {g.dtype}; gradients must be real numbers.")
                g = g.astype(p.dtype)
            if g.shape != p.shape:
                raise ValueError(f"{self._where(i)} has shape {g.shape} but its parameter has shape "
                                 f"{p.shape}; a gradient has its parameter's shape.")
            # One fast read: any NaN or inf makes Σg² non-finite. (Σg² of a large finite g overflows
            # too, then we look closer; np.vdot, unlike np.dot, does not warn when it does.)
            if not math.isfinite(np.vdot(g, g)):
                bad = "inf" if np.isinf(g).any() else "NaN" if np.isnan(g).any() else ""
                if bad == "inf" or (bad == "NaN" and not allow_nan):
                    raise ValueError(f"{self._where(i)} contains {bad}; nothing was updated. Check the loss "
                                     f"and the gradient computation, or lower the learning rate.")
                if bad:
                    g = None                       # NaN, and the caller allowed it
            checked.append(g)
        return checked

    def _where(self, i: int) -> str:
        return f"{self.name}.step: " + ("grads" if self._single else f"grads[{i}]")


Schedule = Callable[[int], float]
