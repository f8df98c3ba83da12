r"""How fast gradient descent and heavy-ball momentum converge on a quadratic (lesson 04).

On :math:`f(x) = \tfrac12 x^\top A x` every method here is linear in the error, so its speed is
the spectral radius of the step's matrix along each eigenvector of A: these functions compute it.
"""
from __future__ import annotations

import math

import numpy as np


def momentum_rate(lr: float, momentum: float, eigenvalues) -> float:
    r"""How fast heavy-ball momentum (``SGD(lr, momentum)``) shrinks the error on a quadratic.

    Along an eigenvector of the Hessian with eigenvalue :math:`\lambda` the error obeys
    :math:`e_{k+1} = (1 + \beta - \eta\lambda)\,e_k - \beta e_{k-1}`, so it shrinks by the spectral
    radius of :math:`\begin{pmatrix} 1+\beta-\eta\lambda & -\beta \\ 1 & 0 \end{pmatrix}` per step:
    the largest :math:`|z|` with :math:`z^2 - (1+\beta-\eta\lambda) z + \beta = 0`. Returns the
    largest over ``eigenvalues`` (below 1: converges; the loss gap shrinks by its square).
    With :math:`\beta = 0` it is :math:`\max|1-\eta\lambda|`, gradient descent's rate.

    Example:
        >>> round(momentum_rate(4 / (1 + 10) ** 2, ((10 - 1) / (10 + 1)) ** 2, [1, 100]), 6)   # 9/11
        0.818182
    """
    rates = [np.abs(np.roots([1.0, -(1.0 + momentum - lr * lam), momentum])).max()
             for lam in np.ravel(eigenvalues)]
    return float(max(rates))


def optimal_momentum(condition_number: float, smallest: float = 1.0) -> tuple[float, float]:
    r"""Polyak's best (lr, momentum) for a quadratic with eigenvalues in :math:`[\mu, L]`,
    :math:`\kappa = L/\mu`: :math:`\eta = 4/(\sqrt L + \sqrt\mu)^2`,
    :math:`\beta = \left((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\right)^2`; the rate is then
    :math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)` against gradient descent's best
    :math:`(\kappa - 1)/(\kappa + 1)`."""
    mu, L = float(smallest), float(smallest) * float(condition_number)
    root = math.sqrt(condition_number)
    return 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2, ((root - 1.0) / (root + 1.0)) ** 2
