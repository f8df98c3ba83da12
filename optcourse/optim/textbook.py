"""The textbook ways of writing momentum, for comparing with PyTorch's form (lesson 04).

All three produce the same iterates as ``SGD(momentum=mu)`` / ``SGD(momentum=mu, nesterov=True)``
while the learning rate stays constant; they differ once it changes, because PyTorch applies the
current learning rate to the whole buffer while these forms bake old learning rates into ``v``.
"""
from __future__ import annotations

from optcourse.validation import in_unit_interval

from .base import Optimizer, check_lr


class _Momentum(Optimizer):
    state_names = ("v",)

    def __init__(self, params, lr=1e-3, momentum=0.9):
        self.momentum = in_unit_interval(f"{type(self).__name__}: momentum", momentum)
        super().__init__(params, check_lr(lr, type(self).__name__))



class HeavyBall(_Momentum):
    r"""Polyak's heavy ball as most textbooks write it: the velocity carries the learning rate.

    .. math::
        v &\leftarrow \gamma v + \eta \nabla J(\theta) \\
        \theta &\leftarrow \theta - v

    PyTorch's buffer is :math:`b = v/\eta`.
    """

    def update(self, p, g, *, v, lr, t):
        v *= self.momentum; v += lr * g                          # v ← γv + η∇J
        p -= v                                                   # θ ← θ − v


class SutskeverMomentum(_Momentum):
    r"""Momentum as Sutskever et al. (2013) write it: a velocity pointing downhill.

    .. math::
        v &\leftarrow \mu v - \varepsilon g \\
        \theta &\leftarrow \theta + v

    This is :class:`HeavyBall` with :math:`v` negated.
    """

    def update(self, p, g, *, v, lr, t):
        v *= self.momentum; v -= lr * g                          # v ← μv − εg
        p += v                                                   # θ ← θ + v


class NesterovLookahead(_Momentum):
    r"""Nesterov's accelerated gradient in its look-ahead form (Sutskever et al. 2013).

    .. math::
        v &\leftarrow \mu v - \varepsilon \nabla J(\theta + \mu v) \\
        \theta &\leftarrow \theta + v

    The gradient is taken where the momentum is about to carry us: call :meth:`lookahead` for
    that point, evaluate the gradient there, and pass it to ``step``. PyTorch's Nesterov form keeps
    the look-ahead point itself as its parameter: ``SGD(nesterov=True)``'s iterates equal
    :math:`\theta + \mu v` here.
    """

    def lookahead(self):
        """The point θ + μv where the next gradient must be evaluated (new arrays)."""
        points = [p + self.momentum * s["v"] for p, s in zip(self.params, self._state)]
        return points[0] if self._single else points

    def update(self, p, g, *, v, lr, t):
        v *= self.momentum; v -= lr * g                          # v ← μv − ε∇J(θ + μv)
        p += v                                                   # θ ← θ + v
