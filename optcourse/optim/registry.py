r"""Every optimizer the course names, written once.

Each :class:`Entry` says what the runner, the figures, the playground, the tuning and the tests need
to know about one optimizer:

- ``name``: the course's name (``"Adam"``, ``"Momentum"``, ``"lbfgs"``);
- ``optimizer``: its class in :mod:`optcourse.optim`, or ``None`` for a method of
  :func:`optcourse.minimize` (the name is then the method);
- ``variant``: the hyperparameters that make a named variant from its class (``"Momentum"`` is SGD
  with momentum 0.9);
- ``style``: its colour, line style and marker, the same in every figure (Paul Tol's *muted*
  scheme plus black, distinguishable under the three kinds of colour blindness; related optimizers
  share a colour and differ by line style; minimize methods are dash-dot);
- ``tunable``: the hyperparameters the playground offers (``beta1``/``beta2`` for ``betas``);
- ``lr_rule``: the learning rate that makes a readable picture on a surface, from one of two scales:
  ``("curvature", c)``: :math:`\eta = c/L`, for methods that step along the gradient, with
  :math:`L` the largest Hessian eigenvalue (gradient descent is stable below :math:`2/L`);
  ``("width", c)``: :math:`\eta = c\,w`, for methods whose step length does not depend on the
  gradient's size, with :math:`w` the width of the plotting window; ``None`` for minimize methods;
- ``picture``: other hyperparameters for that picture (Tiger on one 2-D point: ``kinds="plain"``);
- ``matrices_only``: the optimizer takes 2-D parameters only (Muon), so it has no picture on a
  surface, whose point is a vector, and the playground does not offer it.

Example:
    >>> lookup("l-bfgs").name, lookup("heavy ball").optimizer.__name__      # case and punctuation ignored
    ('lbfgs', 'HeavyBall')
    >>> REGISTRY["Momentum"].variant, REGISTRY["Adam"].style
    ({'momentum': 0.9}, Style(color='#882255', linestyle='-', marker='X'))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adam_variants import Adamax, NAdam, RAdam
from .lion import Lion
from .muon import Muon
from .rmsprop import RMSprop
from .sgd import SGD
from .sign import SignSGD, Signum
from .textbook import HeavyBall, NesterovLookahead, SutskeverMomentum
from .tiger import Tiger
from .trust_ratio import LAMB, LARS

# Paul Tol's muted qualitative scheme (personal.sron.nl/~pault), with black.
PALETTE = {
    "black": "#000000",
    "rose": "#CC6677",
    "indigo": "#332288",
    "sand": "#DDCC77",
    "green": "#117733",
    "cyan": "#88CCEE",
    "wine": "#882255",
    "teal": "#44AA99",
    "olive": "#999933",
    "purple": "#AA4499",
}


class Style(NamedTuple):
    """How one optimizer is drawn."""
    color: str
    linestyle: str
    marker: str


@dataclass(frozen=True)
class Entry:
    name: str
    optimizer: type | None
    style: Style
    tunable: tuple[str, ...] = ()
    lr_rule: tuple[str, float] | None = None
    variant: dict = field(default_factory=dict)
    picture: dict = field(default_factory=dict)
    matrices_only: bool = False

    @property
    def is_minimize_method(self) -> bool:
        return self.optimizer is None


def _style(colour: str, linestyle: str, marker: str) -> Style:
    return Style(PALETTE[colour], linestyle, marker)


ADAM_TUNABLE = ("lr", "beta1", "beta2", "eps")
ENTRIES = (
    # gradient descent and momentum: steps along the gradient
    Entry("SGD", SGD, _style("black", "-", "o"), ("lr",), ("curvature", 1.0)),
    Entry("Momentum", SGD, _style("rose", "-", "s"), ("lr", "momentum"), ("curvature", 1.0),
          variant={"momentum": 0.9}),
    Entry("Nesterov", SGD, _style("indigo", "-", "^"), ("lr", "momentum"), ("curvature", 1.0),
          variant={"momentum": 0.9, "nesterov": True}),
    Entry("HeavyBall", HeavyBall, _style("rose", "--", "s"), ("lr", "momentum"), ("curvature", 1.0)),
    Entry("SutskeverMomentum", SutskeverMomentum, _style("rose", ":", "s"), ("lr", "momentum"), ("curvature", 1.0)),
    Entry("NesterovLookahead", NesterovLookahead, _style("indigo", "--", "^"), ("lr", "momentum"),
          ("curvature", 1.0)),
    # adaptive learning rates: AdaGrad's steps shrink, AdaDelta's first steps are about lr sqrt(eps)
    Entry("Adagrad", Adagrad, _style("green", "-", "v"), ("lr", "eps"), ("width", 1 / 10)),
    Entry("Adadelta", Adadelta, _style("olive", "-", "D"), ("lr", "rho", "eps"), ("width", 1.0)),
    Entry("RMSprop", RMSprop, _style("teal", "-", "P"), ("lr", "alpha", "eps", "momentum"), ("width", 1 / 50)),
    Entry("Adam", Adam, _style("wine", "-", "X"), ADAM_TUNABLE, ("width", 1 / 50)),
    Entry("AdamW", AdamW, _style("wine", "--", "X"), (*ADAM_TUNABLE, "weight_decay"), ("width", 1 / 50)),
    Entry("AMSGrad", Adam, _style("wine", ":", "X"), ADAM_TUNABLE, ("width", 1 / 50), variant={"amsgrad": True}),
    # Adam's descendants (lesson 11): Nesterov's colour for NAdam; Adafactor's step is relative to |θ|
    Entry("NAdam", NAdam, _style("indigo", ":", "h"), ADAM_TUNABLE, ("width", 1 / 50)),
    # RAdam's first five steps are momentum steps lr·m̂, as long as the gradient: the curvature rule
    Entry("RAdam", RAdam, _style("cyan", "--", "h"), ADAM_TUNABLE, ("curvature", 1.0)),
    Entry("Adamax", Adamax, _style("olive", "--", "d"), ADAM_TUNABLE, ("width", 1 / 50)),
    Entry("Adafactor", Adafactor, _style("teal", "--", "P"), ("lr", "beta2_decay", "d"), ("width", 1 / 50)),
    # layer-wise trust ratios (lesson 11): on one 2-D point a step is lr times |θ| (trust coefficient 1)
    Entry("LARS", LARS, _style("black", ":", "o"), ("lr", "momentum", "trust_coefficient"), ("width", 1 / 500),
          picture={"trust_coefficient": 1.0}),
    Entry("LAMB", LAMB, _style("green", "--", "p"), ADAM_TUNABLE, ("width", 1 / 500)),
    Entry("Muon", Muon, _style("purple", "--", "*"), ("lr", "momentum"), None, matrices_only=True),
    # sign-based: each step moves every coordinate by lr (Signum and Tiger are the same update)
    Entry("SignSGD", SignSGD, _style("cyan", "-", "<"), ("lr",), ("width", 1 / 200)),
    Entry("Signum", Signum, _style("sand", "-", ">"), ("lr", "momentum"), ("width", 1 / 200)),
    Entry("Lion", Lion, _style("purple", "-", "*"), ("lr", "beta1", "beta2", "weight_decay"), ("width", 1 / 200)),
    # on one 2-D point Tiger's lr then means what Lion's does (Tiger with equal betas is Lion)
    Entry("Tiger", Tiger, _style("sand", "--", ">"), ("lr", "beta", "weight_decay"), ("width", 1 / 200),
          picture={"weight_decay": 0.0, "kinds": "plain"}),
    # methods of optcourse.minimize: dash-dot, in the colour of the first-order family nearest them
    Entry("gd", None, _style("black", "--", "o")),
    Entry("newton", None, _style("indigo", "-.", "D")),
    Entry("dfp", None, _style("olive", "-.", "P")),
    Entry("bfgs", None, _style("green", "-.", "v")),
    Entry("lbfgs", None, _style("teal", "-.", "s")),
    Entry("cg", None, _style("rose", "-.", "^")),
)
REGISTRY = {entry.name: entry for entry in ENTRIES}
MINIMIZE_METHODS = tuple(e.name for e in ENTRIES if e.is_minimize_method)
# What the playground offers by default: the torch.optim family and the named variants.
PLAYGROUND_CHOICES = ("SGD", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW",
                      "AMSGrad", "NAdam", "RAdam", "Adamax", "Adafactor", "LARS", "LAMB", "SignSGD", "Signum",
                      "Lion", "Tiger")


def key(name: str) -> str:
    """A name as the course compares names: lower case, letters and digits only ("L-BFGS" -> "lbfgs")."""
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


_BY_KEY = {key(name): entry for name, entry in REGISTRY.items()}


def find(name: str) -> Entry | None:
    """The entry of ``name`` (case, spaces, hyphens and underscores ignored), or None."""
    return _BY_KEY.get(key(name))


def lookup(name: str) -> Entry:
    """The entry of ``name``; a ValueError listing the known names for anything else."""
    entry = find(name) if isinstance(name, str) else None
    if entry is None:
        raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(REGISTRY)} "
                         f"(or an optimizer class from optcourse.optim).")
    return entry


def suggested_lr(entry: Entry, curvature, width: float) -> dict:
    """``lr`` by the entry's rule, plus its ``picture`` hyperparameters; ``curvature`` is called only if needed."""
    if entry.lr_rule is None:
        return {}
    scale, c = entry.lr_rule
    lr = c / max(curvature(), 1e-12) if scale == "curvature" else c * width
    return {"lr": lr, **entry.picture}
