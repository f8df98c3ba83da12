"""A training loop that works with every optimizer in :mod:`optcourse.optim` and records what happened.

    net = MLP([64, 64, 10], seed=0)
    history = train(net, X_train, y_train, optim.Adam, optimizer_options=dict(lr=1e-2),
                    epochs=10, batch_size=32, test=(X_test, y_test))
    history.step_loss, history.epoch_loss, history.test_accuracy[-1]

Each step: take the next minibatch, compute the loss and its gradient, let the optimizer move the
parameters. ``batch_size=None`` trains on the whole set at every step (batch gradient descent),
``batch_size=1`` on one sample (SGD).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from optcourse import optim
from optcourse.learning.data import minibatches
from optcourse.validation import whole


@dataclass
class History:
    """What ``train`` recorded.

    step_loss       -- the loss of each step's batch, measured before that step's update
    learning_rate   -- the learning rate each step used (it changes under a schedule)
    epoch_loss      -- the loss on the whole training set after each epoch
    test_loss, test_accuracy -- on the test set after each epoch (empty without test data)
    steps           -- how many updates were made
    steps_to_target -- updates made before a batch loss first reached target_loss (None: never)
    diverged        -- the loss became NaN or inf, and training stopped
    seconds         -- wall-clock time of the whole run
    """
    step_loss: list = field(default_factory=list)
    learning_rate: list = field(default_factory=list)
    epoch_loss: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
    steps: int = 0
    steps_to_target: int | None = None
    diverged: bool = False
    seconds: float = 0.0


def make_optimizer(model, optimizer, optimizer_options=None) -> optim.Optimizer:
    """An optimizer over ``model.params``: ``optimizer`` itself if it is an instance built on them,
    or ``optimizer(model.params, **optimizer_options)`` if it is an optimizer class."""
    options = dict(optimizer_options or {})
    if isinstance(optimizer, type) and issubclass(optimizer, optim.Optimizer):
        return optimizer(model.params, **options)
    if isinstance(optimizer, optim.Optimizer):
        if options:
            raise ValueError("train: optimizer_options only apply when optimizer is a class; the instance "
                             "given already has its hyperparameters.")
        same = len(optimizer.params) == len(model.params) and all(
            p is q for p, q in zip(optimizer.params, model.params))
        if not same:
            raise ValueError("train: the optimizer was built on other arrays than model.params, so its steps "
                             "would not move the model. Build it as Opt(model.params, ...) or pass the class.")
        return optimizer
    raise TypeError(f"train: optimizer must be an optcourse.optim optimizer or optimizer class (e.g. optim.Adam), "
                    f"got {optimizer!r}.")


def train(model, X, y, optimizer, *, optimizer_options=None, epochs: int = 1, max_steps: int | None = None,
          batch_size: int | None = None, shuffle: bool = True, drop_last: bool = False, seed: int = 0,
          schedule=None, test=None, target_loss: float | None = None) -> History:
    """Train ``model`` on (X, y) and return the :class:`History`.

    model     -- anything with ``params`` (a list of arrays) and ``loss_and_gradient(X, y)`` returning
                 (loss, list of gradients), such as :class:`optcourse.learning.network.MLP`; ``loss(X, y)`` for the
                 per-epoch losses and ``accuracy(X, y)`` for the test accuracy
    optimizer -- an instance built on ``model.params`` or a class such as ``optim.SGD``, with
                 ``optimizer_options`` (a dict of hyperparameters: ``dict(lr=0.1, momentum=0.9)``)
    schedule  -- a learning-rate schedule t -> lr (see :mod:`optcourse.optim.schedules`), assigned to the
                 optimizer's ``lr`` before training
    epochs, max_steps -- stop after this many passes over the data or updates, whichever comes first
    batch_size, shuffle, drop_last, seed -- how each epoch is cut into batches (see ``data.minibatches``)
    test      -- optional (X_test, y_test), evaluated after each epoch
    target_loss -- stop at the first step whose batch loss is <= this (with ``batch_size=None``, the
                 training loss); ``steps_to_target`` records how many updates that took

    After an early stop the per-epoch lists get one last entry for the partial epoch, so their
    last values always describe the final parameters.

    Example:
        >>> h = train(net, X, y, optim.SGD, optimizer_options=dict(lr=0.1, momentum=0.9),
        ...           epochs=100, target_loss=0.2)
        >>> h.steps_to_target
    """
    opt = make_optimizer(model, optimizer, optimizer_options)
    if schedule is not None:
        opt.lr = schedule
    epochs = whole("train: epochs", epochs, 1)
    max_steps = math.inf if max_steps is None else whole("train: max_steps", max_steps, 1)
    if target_loss is not None and not math.isfinite(target_loss):
        raise ValueError(f"train: target_loss must be a finite number, got {target_loss!r}.")
    if test is not None and len(test) != 2:
        raise ValueError("train: test must be a pair (X_test, y_test).")
    history, started, stop = History(), time.perf_counter(), False
    for epoch in range(epochs):
        for X_batch, y_batch in minibatches(X, y, batch_size, shuffle=shuffle, seed=seed, epoch=epoch,
                                            drop_last=drop_last):
            loss, grads = model.loss_and_gradient(X_batch, y_batch)
            history.step_loss.append(loss)
            if not math.isfinite(loss):
                history.diverged = stop = True
                break
            if target_loss is not None and loss <= target_loss:
                history.steps_to_target, stop = history.steps, True
                break
            history.learning_rate.append(opt.current_lr())
            opt.step(grads)
            history.steps += 1
            if history.steps >= max_steps:
                stop = True
                break
        _evaluate(model, X, y, test, history)
        if stop:
            break
    history.seconds = time.perf_counter() - started
    return history


def _evaluate(model, X, y, test, history: History) -> None:
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged model gives inf or NaN, recorded as such
        history.epoch_loss.append(model.loss(X, y))
        if test is not None:
            history.test_loss.append(model.loss(*test))
            history.test_accuracy.append(model.accuracy(*test))
