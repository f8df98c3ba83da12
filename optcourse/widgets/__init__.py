"""Live experiments for the lessons (ipywidgets 8). Put one as the last line of a cell.

    Playground()            any optimizers racing on any surface                  (playground)
    BatchNoiseWidget()      lesson 01: batch size against gradient noise          (gradient_descent)
    TaylorWidget()          lesson 02: Taylor polynomials about a moving centre   (taylor)
    ConditioningWidget()    lesson 03: the gradient against the way to the minimum (landscape)
    MomentumWidget()        lesson 04: learning rate and momentum on a quadratic  (momentum)
    AdamBiasWidget()        lesson 05: Adam's bias correction                     (adaptive)
    NewtonRootWidget(), LineSearchWidget()   lesson 06                             (newton)
    ZigZagWidget(), CGSpectrumWidget()       lesson 07                             (conjugate_gradient)
    LionTigerWidget()       lesson 08: Lion's two betas against Tiger's one       (sign)
    NewtonSchulzWidget(G)   lesson 11: Newton-Schulz on a gradient's spectrum     (muon)
    AnnealingWidget()       lesson 10: simulated annealing's temperature          (annealing)

Widgets only draw: the maths they show lives in the topic modules (``optcourse.optim.rates``,
``optcourse.landscapes.conditioning``, ...). :mod:`.framework` says how a figure reaches the screen.
"""
from .adaptive import AdamBiasWidget
from .annealing import AnnealingWidget
from .conjugate_gradient import CGSpectrumWidget, ZigZagWidget
from .framework import Experiment, LiveFigure, png_bytes
from .gradient_descent import BatchNoiseWidget
from .landscape import ConditioningWidget
from .momentum import MomentumWidget
from .muon import NewtonSchulzWidget
from .newton import LineSearchWidget, NewtonRootWidget
from .playground import DEFAULT_SELECTION, PLAYGROUND_SURFACES, Playground
from .sign import LionTigerWidget
from .taylor import TaylorWidget

__all__ = ["Playground", "BatchNoiseWidget", "TaylorWidget", "ConditioningWidget", "MomentumWidget", "AdamBiasWidget",
           "NewtonRootWidget", "LineSearchWidget", "ZigZagWidget", "CGSpectrumWidget", "LionTigerWidget",
           "AnnealingWidget", "NewtonSchulzWidget", "Experiment", "LiveFigure", "png_bytes", "DEFAULT_SELECTION", "PLAYGROUND_SURFACES"]
