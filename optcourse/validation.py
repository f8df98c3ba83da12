"""The checks public functions run on their arguments, written once.

Each returns the value in the form the caller computes with (an ``int``, a ``float``, a float array)
or raises ValueError (TypeError for the wrong kind of thing) with a message that names the argument,
says what it must be and shows what came: "steps must be a whole number >= 0, got 2.5."
"""
from __future__ import annotations

import math

import numpy as np


def is_whole(value) -> bool:
    """An int or NumPy integer, but not a bool (True is not a step count)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def whole(name: str, value, minimum: int = 0, maximum: int | None = None) -> int:
    """``int(value)`` if it is a whole number in [minimum, maximum]."""
    if not is_whole(value) or value < minimum or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise ValueError(f"{name} must be a whole number {bound}, got {value!r}.")
    return int(value)


def _number(name: str, value) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}.")
    return float(value)


def nonnegative(name: str, value) -> float:
    """``float(value)`` if it is a finite number >= 0 (NaN is refused)."""
    value = _number(name, value)
    if not value >= 0.0 or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    return value


def positive(name: str, value) -> float:
    """``float(value)`` if it is a finite number > 0."""
    value = _number(name, value)
    if not value > 0.0 or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}.")
    return value


def in_unit_interval(name: str, value, *, closed: bool = False) -> float:
    """``float(value)`` if 0 <= value < 1 (<= 1 when ``closed``): a decay rate such as beta."""
    value = _number(name, value)
    ok = 0.0 <= value <= 1.0 if closed else 0.0 <= value < 1.0
    if not ok:
        raise ValueError(f"{name} must lie in {'[0, 1]' if closed else '[0, 1)'}, got {value!r}.")
    return value


def condition_number(value) -> float:
    """A condition number: largest over smallest eigenvalue, finite and >= 1."""
    kappa = _number("the condition number", value)
    if not (kappa >= 1.0 and math.isfinite(kappa)):
        raise ValueError(f"the condition number must be a finite number >= 1 (largest over smallest "
                         f"eigenvalue), got {value!r}.")
    return kappa


def symmetric_matrix(name: str, value) -> np.ndarray:
    """A finite, symmetric n x n float array (a Hessian, an SPD system)."""
    M = np.asarray(value, dtype=float)
    if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] == 0:
        raise ValueError(f"{name} must be a square matrix (n x n), got shape {M.shape}.")
    if not np.isfinite(M).all():
        raise ValueError(f"{name} contains NaN or inf.")
    if not np.allclose(M, M.T, rtol=1e-10, atol=1e-12):
        raise ValueError(f"{name} must be symmetric: a Hessian of a smooth function is. Use ({name} + {name}.T) / 2.")
    return M


def vector(name: str, value, n: int) -> np.ndarray:
    """A finite float vector of shape (n,)."""
    v = np.asarray(value, dtype=float)
    if v.shape != (n,):
        raise ValueError(f"{name} must be a vector of shape ({n},), got shape {v.shape}.")
    if not np.isfinite(v).all():
        raise ValueError(f"{name} contains NaN or inf.")
    return v
