"""Lesson 01: batch size against gradient noise in minibatch SGD on least squares (the noise formula
is :func:`optcourse.learning.linear_models.minibatch_noise`)."""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from optcourse import optim
from optcourse.experiments.runner import run
from optcourse.landscapes.surfaces import Surface
from optcourse.learning.data import make_regression, minibatches
from optcourse.learning.linear_models import minibatch_noise
from optcourse.viz.plots import OUTLINE, PALETTE, START_STYLE, draw_landscape
from optcourse.widgets.framework import Experiment, fixed_axes, gap_for_log, int_slider, log_slider, round_limits


class BatchNoiseWidget(Experiment):
    r"""Minibatch SGD on least squares :math:`L(w, b) = \frac{1}{2N}\sum_i (w x_i + b - y_i)^2`.

    Left: contours of the full-batch loss with the minibatch path (batches of B, reshuffled every
    epoch) and full-batch gradient descent, same learning rate. Middle: the full-batch loss along
    both. Right: the noise of a minibatch gradient at the start against B, measured from 200
    random batches per size and as the formula of :func:`minibatch_noise`; the chosen B is marked.

    Example:
        >>> BatchNoiseWidget(batch_size=4, lr=0.2)
    """

    BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)

    def __init__(self, batch_size: int = 16, lr: float = 0.1, steps: int = 80, n_samples: int = 512,
                 noise: float = 1.0, seed: int = 0, dpi: int = 80):
        super().__init__((12.0, 3.9), dpi)
        sizes = [b for b in self.BATCH_SIZES if b < n_samples] + [n_samples]
        self.n_samples, self.noise, self.sizes = n_samples, noise, sizes
        self.batch_control = widgets.SelectionSlider(
            options=sizes, value=min(sizes, key=lambda b: abs(b - batch_size)), description="batch size",
            continuous_update=False)
        self.lr_control = log_slider("lr", lr, -3, 0.3, ".3g")
        self.steps_control = int_slider("steps", steps, 5, 400)
        self.seed_control = int_slider("data seed", seed, 0, 20)
        self._watch(self.batch_control, self.lr_control, self.steps_control, self.seed_control)
        fig = self.figure
        self.ax_path, self.ax_loss, self.ax_noise = fixed_axes(
            fig, [(0.05, 0.14, 0.26, 0.76), (0.39, 0.14, 0.26, 0.76), (0.72, 0.14, 0.26, 0.76)])
        self._landscape, self._seed_drawn = [], None
        self.lines = {}
        looks = {"minibatch": dict(color=PALETTE["rose"], linestyle="-", marker="s"),
                 "full": dict(color="black", linestyle="--", marker="o")}
        for name, look in looks.items():
            kw = dict(markersize=5, linewidth=1.6, markeredgecolor="black", markeredgewidth=0.6, **look)
            (path,) = self.ax_path.plot([], [], path_effects=OUTLINE, zorder=4, markevery=0.15, **kw)
            (loss,) = self.ax_loss.plot([], [], markevery=10, **kw)
            self.lines[name] = (path, loss)
        (self.start_marker,) = self.ax_path.plot([], [], **START_STYLE)
        (self.measured_line,) = self.ax_noise.plot([], [], "o", color=PALETTE["indigo"], label="measured (200 batches)")
        (self.formula_line,) = self.ax_noise.plot([], [], "-", color="black", linewidth=1.2, label="formula")
        (self.current_point,) = self.ax_noise.plot([], [], "s", markersize=11, markerfacecolor="none",
                                                   markeredgecolor=PALETTE["wine"], markeredgewidth=2, label="chosen B")
        for ax, title in ((self.ax_loss, "full-batch loss"), (self.ax_noise, "gradient noise at the start")):
            ax.set_title(title, fontsize=10)
            ax.grid(True, color="0.88", linewidth=0.6)
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_yscale("log")
        self.ax_noise.set_xscale("log", base=2)
        self.ax_noise.set_yscale("log")
        self.ax_noise.set_xlabel("batch size B")
        self.ax_noise.set_ylabel("RMS of minibatch - full gradient")
        self._assemble([widgets.HBox([self.batch_control, self.lr_control]),
                        widgets.HBox([self.steps_control, self.seed_control])])
        self.refresh()

    def problem(self, seed: int):
        """(X, y, the full-batch loss as a Surface) for the data of ``seed``."""
        X, y, _, _ = make_regression(self.n_samples, 1, self.noise, seed)
        x = X[:, 0]
        mx, mxx, my, mxy, myy = x.mean(), (x * x).mean(), y.mean(), (x * y).mean(), (y * y).mean()

        def f(w, b):    # ½ mean((w x + b - y)²), expanded into the data's moments
            return 0.5 * (w * w * mxx + 2 * w * b * mx + b * b - 2 * w * mxy - 2 * b * my + myy)

        def df(w, b):
            return w * mxx + b * mx - mxy, w * mx + b - my

        def d2f(w, b):
            return mxx, mx, 1.0

        best = np.linalg.solve([[mxx, mx], [mx, 1.0]], [mxy, my])
        bounds = ((best[0] - 4.0, best[0] + 4.0), (best[1] - 4.0, best[1] + 4.0))
        surface = Surface("least squares", r"\frac{1}{2N}\sum_i (w x_i + b - y_i)^2", f, df, d2f, bounds,
                          best + np.array([-3.0, 2.5]), best.reshape(1, 2))
        return X, y, surface

    @staticmethod
    def per_sample_gradients(X, y, theta) -> np.ndarray:
        """Row i: the gradient of ½(w x_i + b - y_i)² at theta = (w, b)."""
        residual = theta[0] * X[:, 0] + theta[1] - y
        return np.stack([residual * X[:, 0], residual], axis=1)

    def sgd_path(self, X, y, theta0, batch_size: int, lr: float, steps: int, seed: int) -> np.ndarray:
        """Minibatch SGD: the next batch of :func:`optcourse.learning.data.minibatches` (a new order every epoch)."""
        theta = np.array(theta0, dtype=float)
        opt = optim.SGD(theta, lr=lr)
        path = [theta.copy()]
        epoch = 0
        while len(path) <= steps:
            for Xb, yb in minibatches(X, y, batch_size, seed=seed, epoch=epoch):
                opt.step(self.per_sample_gradients(Xb, yb, theta).mean(axis=0))
                path.append(theta.copy())
                if len(path) > steps:
                    break
            epoch += 1
        return np.array(path)

    def update(self) -> str:
        B, lr, steps, seed = (self.batch_control.value, self.lr_control.value, self.steps_control.value,
                              self.seed_control.value)
        if self._seed_drawn != seed:
            self.X, self.y, self.surface = self.problem(seed)
            for a in self._landscape:
                a.remove()
            self._landscape = draw_landscape(self.ax_path, self.surface, n=120, levels=16)
            self.ax_path.set_xlabel("w")
            self.ax_path.set_ylabel("b")
            G = self.per_sample_gradients(self.X, self.y, self.surface.start)
            sizes = np.array(self.sizes)
            rng = np.random.default_rng(seed)
            measured = []
            for size in sizes:      # 200 batches without replacement, as the minibatches are drawn
                # A batch: the samples with the `size` smallest of N uniform numbers (a random subset;
                # argpartition finds the same subset as a full argsort would, in linear time).
                keys = rng.random((200, len(G)))
                picks = keys.argpartition(size - 1, axis=1)[:, :size] if size < len(G) else np.arange(len(G))[None]
                deviation = G[picks].mean(axis=1) - G.mean(axis=0)
                measured.append(math.sqrt((deviation ** 2).sum(axis=1).mean()))
            self.measured_line.set_data(sizes[:-1], measured[:-1])       # the full batch has no noise
            fine = np.unique(np.geomspace(1, len(G) - 1, 60).astype(int))
            self.formula_line.set_data(fine, [minibatch_noise(G, int(b)) for b in fine])
            self._noise = dict(zip(sizes.tolist(), measured))
            self._G = G
            self.ax_noise.relim()
            self.ax_noise.autoscale_view()
            self._seed_drawn = seed
            # The contours and the noise curves of this data set are kept; only the runs move.
            self.live.layer_keys[self.ax_path] = self.live.layer_keys[self.ax_noise] = seed
            self.live.dynamic_artists = [self.start_marker, self.current_point,
                                         *(a for lines in self.lines.values() for a in lines), *self._landscape[2:]]
        start = self.surface.start
        paths = {"minibatch": self.sgd_path(self.X, self.y, start, B, lr, steps, seed),
                 "full": run("SGD", self.surface, steps, start, lr=lr).path}
        labels = {"minibatch": f"minibatch B = {B}", "full": "full batch"}
        for name, (path_line, loss_line) in self.lines.items():
            p = paths[name]
            path_line.set_data(p[:, 0], p[:, 1])
            path_line.set_label(labels[name])
            gap = gap_for_log(self.surface.value(p), self.surface.min_value)
            loss_line.set_data(np.arange(len(gap)), gap)
            loss_line.set_label(labels[name])
        self.paths = paths
        self.start_marker.set_data([start[0]], [start[1]])
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        round_limits(self.ax_loss)
        self._legend(self.ax_loss, fontsize=8, loc="upper right")
        self._legend(self.ax_noise, fontsize=8, loc="lower left")
        noise = minibatch_noise(self._G, B) if B < len(self._G) else 0.0
        self.current_point.set_data([B] if B < len(self._G) else [], [noise] if B < len(self._G) else [])
        self.ax_path.set_title(f"least squares, {self.n_samples} samples", fontsize=10)
        full = np.linalg.norm(self._G.mean(axis=0))
        return (f"B = {B}: the minibatch gradient misses the full one (length {full:.3g}) by {noise:.3g} on "
                f"average (RMS); {len(self._G) // B} steps make one epoch.")
