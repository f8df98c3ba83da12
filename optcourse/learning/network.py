r"""A tiny multilayer perceptron in NumPy, and tools to look at its loss landscape.

The network maps inputs :math:`X` (N x d_0) to class scores through layers :math:`l = 1..L`,

.. math::
    a_0 = X, \qquad z_l = a_{l-1} W_l + b_l, \qquad a_l = \mathrm{relu}(z_l) \ (l < L),

and the loss is the mean softmax cross-entropy of the logits :math:`z_L` against labels y,
:math:`\mathcal{L} = \frac1N \sum_n \big(\log\sum_k e^{z_{nk}} - z_{n y_n}\big)`.

The parameters live in one flat vector ``net.flat``; ``net.params`` is the list
``[W_1, b_1, W_2, b_2, ...]`` of views into it. So an optimizer that updates ``net.params`` in
place moves the flat vector too, and ``net.set_flat(theta)`` moves every layer:

    net = MLP([64, 32, 10], seed=0)
    opt = optim.Adam(net.params, lr=1e-2)
    loss, grads = net.loss_and_gradient(X, y)
    opt.step(grads)
    theta = net.get_flat()                        # a copy, for interpolation and curvature work
    Hv = net.hessian_vector_product(X, y, v)      # exact, by Pearlmutter's R-operator
    hessian_extreme_eigenvalues(net, X, y)        # (smallest, largest) by Lanczos
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from optcourse.validation import is_whole, whole


def flatten(arrays) -> np.ndarray:
    """One flat vector from a list of arrays, in order (e.g. the gradients of ``net.params``)."""
    return np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])


def _rebuild_mlp(sizes, flat) -> "MLP":
    net = MLP(sizes)
    net.set_flat(flat)
    return net


class MLP:
    r"""A ReLU network with a softmax cross-entropy loss; explicit forward and backward passes.

    ``sizes`` lists the layer widths from input to output, e.g. ``[64, 32, 10]``: 64 inputs, one
    hidden layer of 32 ReLU units, 10 classes. Weights start as :math:`N(0, 2/d_{l-1})` (He et al.
    2015, which keeps the activations' scale through ReLU layers), biases as zero.

    Example:
        >>> net = MLP([2, 16, 3], seed=0)
        >>> loss, grads = net.loss_and_gradient(X, y)     # grads match net.params' shapes
    """

    def __init__(self, sizes, seed: int = 0):
        sizes = list(sizes) if isinstance(sizes, (list, tuple, np.ndarray)) else None
        if sizes is None or len(sizes) < 2:
            raise ValueError("MLP: sizes must list at least two layer widths, input and output, "
                             "e.g. [64, 32, 10].")
        self.sizes = [whole(f"MLP: sizes[{i}]", s, 1) for i, s in enumerate(sizes)]
        whole("MLP: seed", seed, 0)
        self.shapes = [shape for d_in, d_out in zip(self.sizes, self.sizes[1:])
                       for shape in ((d_in, d_out), (d_out,))]
        self.flat = np.zeros(sum(math.prod(s) for s in self.shapes))
        self.params = self.unflatten(self.flat)
        rng = np.random.default_rng(seed)
        for W in self.params[::2]:
            W[...] = rng.normal(0.0, math.sqrt(2.0 / W.shape[0]), size=W.shape)

    @property
    def n_params(self) -> int:
        return self.flat.size

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    def __repr__(self) -> str:
        return f"MLP(sizes={self.sizes}; {self.n_params} parameters)"

    # -- the flat vector ---------------------------------------------------------------------
    def unflatten(self, vector) -> list[np.ndarray]:
        """Views of a flat vector shaped like ``params`` ([W_1, b_1, ...]); no copy is made."""
        vector = self._check_flat(vector, "unflatten")
        views, start = [], 0
        for shape in self.shapes:
            size = math.prod(shape)
            views.append(vector[start:start + size].reshape(shape))
            start += size
        return views

    def get_flat(self) -> np.ndarray:
        """A copy of all parameters as one vector θ."""
        return self.flat.copy()

    def set_flat(self, theta) -> None:
        """Write θ into the parameters, in place (optimizers holding ``params`` see the change)."""
        self.flat[...] = self._check_flat(theta, "set_flat")

    def copy(self) -> "MLP":
        """An independent network with the same sizes and parameters."""
        other = MLP(self.sizes)
        other.set_flat(self.flat)
        return other

    def __reduce__(self):
        # params are views of flat; pickling them separately would break that link.
        return (_rebuild_mlp, (self.sizes, self.flat))

    def _check_flat(self, theta, who: str) -> np.ndarray:
        theta = np.asarray(theta) if isinstance(theta, np.ndarray) else np.asarray(theta, dtype=float)
        if theta.shape != (self.flat.size,):
            raise ValueError(f"MLP.{who}: expected a flat vector of shape ({self.flat.size},), one entry "
                             f"per parameter, got shape {theta.shape}.")
        if not np.isfinite(theta).all():
            raise ValueError(f"MLP.{who}: the vector contains NaN or inf.")
        return theta

    # -- data --------------------------------------------------------------------------------
    def _check_data(self, X, y=None):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"MLP: X must have shape (n_samples, {self.sizes[0]}), got {X.shape}. "
                             f"Flatten images first, e.g. X.reshape(len(X), -1).")
        if y is None:
            return X
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"MLP: y must have shape ({X.shape[0]},), one label per row of X, got {y.shape}.")
        if y.dtype.kind not in "iu" or (y.size and (y.min() < 0 or y.max() >= self.sizes[-1])):
            raise ValueError(f"MLP: y must hold integer class labels 0..{self.sizes[-1] - 1}.")
        return X, y

    # -- forward and backward ----------------------------------------------------------------
    def _forward(self, X):
        """Pre-activations z_l and activations a_l of every layer (a[0] = X, z[-1] = logits)."""
        a, z = [X], []
        for l, (W, b) in enumerate(zip(self.params[::2], self.params[1::2])):
            z.append(a[-1] @ W + b)                               # z_l = a_{l-1} W_l + b_l
            if l < self.n_layers - 1:
                a.append(np.maximum(z[-1], 0.0))                  # a_l = relu(z_l)
        return z, a

    def forward(self, X) -> np.ndarray:
        """The logits z_L, shape (n_samples, n_classes)."""
        return self._forward(self._check_data(X))[0][-1]

    def predict(self, X) -> np.ndarray:
        """The most likely class of each row of X."""
        return np.argmax(self.forward(X), axis=1)

    def accuracy(self, X, y) -> float:
        """The fraction of rows of X whose predicted class is y."""
        X, y = self._check_data(X, y)
        return float(np.mean(np.argmax(self._forward(X)[0][-1], axis=1) == y))

    def loss(self, X, y) -> float:
        """Mean softmax cross-entropy."""
        X, y = self._check_data(X, y)
        return _cross_entropy(self._forward(X)[0][-1], y)[0]

    def loss_and_gradient(self, X, y):
        r"""The loss and its gradient, a list shaped like ``params``, by backpropagation:

        .. math::
            \delta_L = (\mathrm{softmax}(z_L) - Y)/N, \quad
            \nabla_{W_l} = a_{l-1}^\top \delta_l, \quad \nabla_{b_l} = \textstyle\sum_n \delta_l, \quad
            \delta_{l-1} = (\delta_l W_l^\top) \odot [z_{l-1} > 0].
        """
        X, y = self._check_data(X, y)
        z, a = self._forward(X)
        loss, probs = _cross_entropy(z[-1], y)
        delta = _softmax_minus_onehot(probs, y)
        grads = [None] * len(self.params)
        for l in reversed(range(self.n_layers)):
            W = self.params[2 * l]
            grads[2 * l] = a[l].T @ delta                         # ∇W_l = a_{l-1}ᵀ δ_l
            grads[2 * l + 1] = delta.sum(axis=0)                  # ∇b_l = Σ_n δ_l
            if l > 0:
                delta = (delta @ W.T) * (z[l - 1] > 0)            # δ_{l-1} = (δ_l W_lᵀ) ⊙ relu'(z_{l-1})
        return loss, grads

    def hessian_vector_product(self, X, y, v) -> np.ndarray:
        r"""The exact product :math:`H v` of the loss Hessian with a flat vector v.

        Pearlmutter's R-operator (1994): differentiate the forward and the backward pass along v,
        :math:`R\{\cdot\} = \frac{d}{dt}(\cdot)(\theta + t v)|_{t=0}`. With :math:`V_l, v_{b_l}` the
        parts of v for :math:`W_l, b_l` and :math:`P = \mathrm{softmax}(z_L)`:

        .. math::
            R\{z_l\} &= R\{a_{l-1}\} W_l + a_{l-1} V_l + v_{b_l}, \quad
            R\{a_l\} = [z_l > 0] \odot R\{z_l\}, \quad R\{a_0\} = 0 \\
            R\{\delta_L\} &= \big(P \odot R\{z_L\} - P \odot \textstyle\sum_k P_k R\{z_L\}_k\big)/N \\
            R\{\nabla_{W_l}\} &= R\{a_{l-1}\}^\top \delta_l + a_{l-1}^\top R\{\delta_l\}, \quad
            R\{\nabla_{b_l}\} = \textstyle\sum_n R\{\delta_l\} \\
            R\{\delta_{l-1}\} &= (R\{\delta_l\} W_l^\top + \delta_l V_l^\top) \odot [z_{l-1} > 0]

        and :math:`Hv` is :math:`(R\{\nabla_{W_l}\}, R\{\nabla_{b_l}\})_l`, flattened. ReLU's second
        derivative is zero wherever it exists, so the mask :math:`[z > 0]` has no R-term.

        Why not central differences of the gradient, :math:`(\nabla(\theta + hv) - \nabla(\theta - hv))/2h`?
        They cost the same two passes but carry an :math:`O(h^2)` truncation error, an
        :math:`O(\epsilon/h)` rounding error (about 1e-6 at best), and for a ReLU network a step
        that flips a unit's sign mixes the curvature of two linear pieces. The R-operator is exact
        to rounding, which Lanczos needs to resolve small eigenvalues.
        """
        X, y = self._check_data(X, y)
        V = self.unflatten(self._check_flat(v, "hessian_vector_product"))
        z, a = self._forward(X)
        # Forward pass of the R-operator.
        Rz, Ra = [], [np.zeros_like(X)]
        for l in range(self.n_layers):
            Rz.append(Ra[l] @ self.params[2 * l] + a[l] @ V[2 * l] + V[2 * l + 1])
            if l < self.n_layers - 1:
                Ra.append((z[l] > 0) * Rz[l])
        # Backward pass, carrying δ and R{δ} together.
        _, probs = _cross_entropy(z[-1], y)
        delta = _softmax_minus_onehot(probs, y)
        R_delta = (probs * Rz[-1] - probs * np.sum(probs * Rz[-1], axis=1, keepdims=True)) / len(X)
        Hv = [None] * len(self.params)
        for l in reversed(range(self.n_layers)):
            W, VW = self.params[2 * l], V[2 * l]
            Hv[2 * l] = Ra[l].T @ delta + a[l].T @ R_delta
            Hv[2 * l + 1] = R_delta.sum(axis=0)
            if l > 0:
                mask = z[l - 1] > 0
                delta, R_delta = (delta @ W.T) * mask, (R_delta @ W.T + delta @ VW.T) * mask
        return flatten(Hv)

    def hessian(self, X, y) -> np.ndarray:
        """The full n_params x n_params Hessian, one Hessian-vector product per column (small nets)."""
        if self.n_params > 5000:
            raise ValueError(f"MLP.hessian: {self.n_params} parameters make a "
                             f"{self.n_params}x{self.n_params} matrix; use hessian_vector_product or "
                             f"hessian_extreme_eigenvalues, which never form it.")
        X, y = self._check_data(X, y)
        H = np.column_stack([self.hessian_vector_product(X, y, e) for e in np.eye(self.n_params)])
        return (H + H.T) / 2


def _cross_entropy(logits, y):
    """Mean cross-entropy and the softmax probabilities, computed stably (shift by the max)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=1))
    loss = float(np.mean(log_sum - shifted[np.arange(len(y)), y]))
    return loss, np.exp(shifted - log_sum[:, None])


def _softmax_minus_onehot(probs, y):
    """δ_L = (softmax(z_L) − onehot(y)) / N: the gradient of the mean loss with respect to z_L."""
    delta = probs.copy()
    delta[np.arange(len(y)), y] -= 1.0
    return delta / len(y)


# -- curvature ------------------------------------------------------------------------------------

def lanczos_eigenvalues(matvec: Callable, dim: int, n_iter: int = 40, seed: int = 0) -> np.ndarray:
    r"""Ritz values of a symmetric operator from ``n_iter`` Lanczos steps, ascending.

    Lanczos builds an orthonormal basis :math:`Q = [q_1, \dots, q_m]` of the Krylov space
    :math:`\mathrm{span}\{q_1, A q_1, \dots, A^{m-1} q_1\}` in which :math:`Q^\top A Q = T` is
    tridiagonal (Golub and Van Loan, *Matrix Computations*, algorithm 10.1.1):

    .. math::
        w = A q_j - \beta_{j-1} q_{j-1}, \quad \alpha_j = q_j^\top w, \quad
        w \leftarrow w - \alpha_j q_j, \quad \beta_j = \lVert w\rVert, \quad q_{j+1} = w / \beta_j.

    The eigenvalues of T (Ritz values) approach the extreme eigenvalues of A first, far sooner
    than power iteration, using only products :math:`Av`. Each new vector is orthogonalised again
    against all previous ones, since rounding otherwise makes copies of converged eigenvalues.
    With ``n_iter >= dim`` the Ritz values are all the eigenvalues.

    Example:
        >>> A = np.diag([1.0, 2.0, 10.0])
        >>> lanczos_eigenvalues(lambda v: A @ v, dim=3, n_iter=3)   # [1, 2, 10]
    """
    dim, n_iter = whole("lanczos: dim", dim, 1), whole("lanczos: n_iter", n_iter, 1)
    m = min(n_iter, dim)
    q = np.random.default_rng(whole("lanczos: seed", seed, 0)).standard_normal(dim)
    Q = np.zeros((m, dim))
    Q[0] = q / np.linalg.norm(q)
    alpha, beta = np.zeros(m), np.zeros(m)
    for j in range(m):
        w = np.asarray(matvec(Q[j]), dtype=float)
        if w.shape != (dim,):
            raise ValueError(f"lanczos: matvec returned shape {w.shape}, expected ({dim},).")
        if j > 0:
            w = w - beta[j - 1] * Q[j - 1]                        # w = A q_j − β_{j−1} q_{j−1}
        alpha[j] = Q[j] @ w                                       # α_j = q_jᵀ w
        w = w - alpha[j] * Q[j]                                   # w ← w − α_j q_j
        for _ in range(2):                                        # full reorthogonalisation
            w -= Q[:j + 1].T @ (Q[:j + 1] @ w)
        beta[j] = np.linalg.norm(w)                               # β_j = ‖w‖
        if j + 1 == m or beta[j] <= 1e-12 * max(1.0, np.abs(alpha[:j + 1]).max()):
            m = j + 1                                             # an invariant subspace: T is exact
            break
        Q[j + 1] = w / beta[j]                                    # q_{j+1} = w / β_j
    T = np.diag(alpha[:m]) + np.diag(beta[:m - 1], 1) + np.diag(beta[:m - 1], -1)
    return np.linalg.eigvalsh(T)


def hessian_extreme_eigenvalues(net: MLP, X, y, n_iter: int = 40, seed: int = 0) -> tuple[float, float]:
    """(smallest, largest) eigenvalue of the loss Hessian at the current parameters, by Lanczos.

    A negative smallest eigenvalue says the point is not a minimum; largest / |smallest| and the
    largest alone (the learning rate must stay below 2 / λ_max for gradient descent to be stable
    near a minimum) describe the curvature an optimizer faces.

    Example:
        >>> lo, hi = hessian_extreme_eigenvalues(net, X_train, y_train, n_iter=30)
    """
    X, y = net._check_data(X, y)
    ritz = lanczos_eigenvalues(lambda v: net.hessian_vector_product(X, y, v), net.n_params, n_iter, seed)
    return float(ritz[0]), float(ritz[-1])


# -- symmetries -----------------------------------------------------------------------------------

def _hidden_layer(net: MLP, layer, who: str) -> int:
    if not is_whole(layer) or not 0 <= layer < net.n_layers - 1:
        raise ValueError(f"{who}: layer must be a hidden layer index 0..{net.n_layers - 2} (this network has "
                         f"{net.n_layers - 1} hidden layer(s)), got {layer!r}.")
    return int(layer)


def permute_hidden_units(net: MLP, layer: int, permutation) -> MLP:
    r"""A copy of ``net`` whose hidden units in ``layer`` (0 = the first hidden layer) are reordered.

    Unit j of the new network is unit ``permutation[j]`` of the old one: its incoming weights
    (column of :math:`W_l`), its bias and its outgoing weights (row of :math:`W_{l+1}`) move
    together, so the function is unchanged. Each hidden layer of width n has n! such copies.

    Example:
        >>> twin = permute_hidden_units(net, 0, np.random.default_rng(1).permutation(32))
        >>> np.allclose(twin.forward(X), net.forward(X))     # True
    """
    layer = _hidden_layer(net, layer, "permute_hidden_units")
    width = net.sizes[layer + 1]
    perm = np.asarray(permutation)
    if perm.shape != (width,) or perm.dtype.kind not in "iu" or not np.array_equal(np.sort(perm), np.arange(width)):
        raise ValueError(f"permute_hidden_units: permutation must contain each of 0..{width - 1} once "
                         f"(layer {layer} has {width} units), got {permutation!r}.")
    twin = net.copy()
    W_in, b, W_out = twin.params[2 * layer:2 * layer + 3]
    W_in[...], b[...], W_out[...] = W_in[:, perm], b[perm], W_out[perm, :]
    return twin


def rescale_hidden_unit(net: MLP, layer: int, unit: int, k: float) -> MLP:
    r"""A copy of ``net`` with one ReLU unit's incoming weights and bias times k, outgoing ones / k.

    ReLU is positively homogeneous, :math:`\mathrm{relu}(k z) = k\,\mathrm{relu}(z)` for k > 0, so
    :math:`\tfrac1k W_{\text{out}}\,\mathrm{relu}(k(w^\top a + b)) = W_{\text{out}}\,\mathrm{relu}(w^\top a + b)`:
    the function is unchanged while the parameters (and the Hessian) change.

    Example:
        >>> np.allclose(rescale_hidden_unit(net, 0, unit=3, k=10.0).forward(X), net.forward(X))  # True
    """
    layer = _hidden_layer(net, layer, "rescale_hidden_unit")
    width = net.sizes[layer + 1]
    if not is_whole(unit) or not 0 <= unit < width:
        raise ValueError(f"rescale_hidden_unit: unit must be 0..{width - 1} for layer {layer}, got {unit!r}.")
    k = float(k)
    if not (k > 0 and math.isfinite(k)):
        raise ValueError(f"rescale_hidden_unit: k must be a finite number > 0 (relu(kz) = k relu(z) only "
                         f"for k > 0), got {k!r}.")
    twin = net.copy()
    W_in, b, W_out = twin.params[2 * layer:2 * layer + 3]
    W_in[:, unit] *= k
    b[unit] *= k
    W_out[unit, :] /= k
    return twin


# -- landscape probes -----------------------------------------------------------------------------

def loss_along_line(net: MLP, theta_start, theta_end, X, y, alphas=None) -> tuple[np.ndarray, np.ndarray]:
    r"""The loss at :math:`\theta(\alpha) = (1-\alpha)\,\theta_0 + \alpha\,\theta_1` for each alpha.

    Goodfellow, Vinyals and Saxe (2015, "Qualitatively characterizing neural network optimization
    problems") draw this from an initialisation :math:`\theta_0` to a trained :math:`\theta_1`, for
    alpha from -2 to 2 (the default grid, 81 points). ``net``'s own parameters are left as they were.

    Example:
        >>> alphas, losses = loss_along_line(net, theta_init, net.get_flat(), X, y)
    """
    theta_start = net._check_flat(theta_start, "loss_along_line (theta_start)")
    theta_end = net._check_flat(theta_end, "loss_along_line (theta_end)")
    alphas = np.linspace(-2.0, 2.0, 81) if alphas is None else np.asarray(alphas, dtype=float).ravel()
    return alphas, _losses_at(net, X, y, [(1 - a) * theta_start + a * theta_end for a in alphas])


def filter_normalized_direction(net: MLP, theta=None, seed: int = 0) -> np.ndarray:
    r"""A random direction d scaled filter by filter to the size of the parameters (Li et al. 2018).

    Draw :math:`d \sim N(0, I)`, then for each unit j of each layer (its incoming weights, the column
    :math:`W_{l,:j}`, is what Li et al. call a filter) rescale

    .. math:: d_{l,:j} \leftarrow \frac{d_{l,:j}}{\lVert d_{l,:j}\rVert}\,\lVert \theta_{l,:j}\rVert,

    and set the bias directions to zero, as Li et al. do. A step along d then changes every unit by
    the same relative amount, so plots of different networks (or of a network and its rescaled
    twin, see :func:`rescale_hidden_unit`) can be compared.
    """
    theta = net.get_flat() if theta is None else net._check_flat(theta, "filter_normalized_direction")
    rng = np.random.default_rng(whole("filter_normalized_direction: seed", seed, 0))
    d = rng.standard_normal(net.n_params)
    for i, (D, P) in enumerate(zip(net.unflatten(d), net.unflatten(theta))):
        if i % 2:                                     # a bias
            D[...] = 0.0
        else:                                         # a weight matrix: one filter per column
            D *= np.linalg.norm(P, axis=0) / np.maximum(np.linalg.norm(D, axis=0), 1e-300)
    return d


class LossSurface(NamedTuple):
    alphas: np.ndarray            # coordinates along the first direction
    betas: np.ndarray             # along the second
    losses: np.ndarray            # losses[i, j] at theta + alphas[j] d1 + betas[i] d2
    directions: tuple             # (d1, d2), the flat directions used


def loss_surface(net: MLP, X, y, theta=None, directions=None, span: float = 1.0, n: int = 21,
                 seed: int = 0) -> LossSurface:
    r"""The loss on the plane :math:`\theta + \alpha d_1 + \beta d_2` for
    :math:`\alpha, \beta \in [-\text{span}, \text{span}]`.

    By default :math:`d_1, d_2` are two filter-normalised random directions (seeds ``seed`` and
    ``seed + 1``), as in Li, Xu, Taylor, Studer and Goldstein (2018, "Visualizing the loss landscape
    of neural nets"). ``losses[i, j]`` is at :math:`\alpha` = ``alphas[j]``, :math:`\beta` = ``betas[i]``,
    so ``plt.contour(alphas, betas, losses)`` draws it. Costs n² loss evaluations.

    Example:
        >>> s = loss_surface(net, X, y, span=1.0, n=21)
        >>> plt.contour(s.alphas, s.betas, s.losses, levels=30)
    """
    theta = net.get_flat() if theta is None else net._check_flat(theta, "loss_surface (theta)")
    n = whole("loss_surface: n", n, 2)
    if not (span > 0 and math.isfinite(span)):
        raise ValueError(f"loss_surface: span must be a finite number > 0, got {span!r}.")
    if directions is None:
        directions = (filter_normalized_direction(net, theta, seed),
                      filter_normalized_direction(net, theta, seed + 1))
    if len(directions) != 2:
        raise ValueError("loss_surface: directions must be a pair (d1, d2) of flat vectors.")
    d1, d2 = (net._check_flat(d, "loss_surface (directions)") for d in directions)
    grid = np.linspace(-span, span, n)
    thetas = [theta + a * d1 + b * d2 for b in grid for a in grid]
    return LossSurface(grid, grid.copy(), _losses_at(net, X, y, thetas).reshape(n, n), (d1, d2))


def _losses_at(net: MLP, X, y, thetas) -> np.ndarray:
    """net.loss at each flat vector, restoring the network's parameters afterwards."""
    X, y = net._check_data(X, y)
    saved = net.get_flat()
    try:
        losses = []
        for theta in thetas:
            net.flat[...] = theta
            losses.append(net.loss(X, y))
        return np.array(losses)
    finally:
        net.flat[...] = saved
