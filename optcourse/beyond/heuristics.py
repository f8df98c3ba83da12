r"""Search without gradients: simulated annealing, a genetic algorithm, particle swarm, ant colony.

Each method only *evaluates* the objective. ``f`` takes a batch of points, an array of shape (n, d),
and returns their values, shape (n,) (``Surface.value`` does this for 2-D surfaces; see
:func:`rastrigin_nd` for any d). Every search is seeded and returns a :class:`SearchResult` with the best
point, its value, the best value after each iteration, and the number of evaluations of ``f``: the
fair currency for comparing these methods with each other and with gradient descent.

Example:
    >>> from optcourse.landscapes.surfaces import rastrigin
    >>> best = particle_swarm(rastrigin().value, [(-5.12, 5.12)] * 2, seed=0)
    >>> round(best.f, 6), best.evaluations
    (0.0, 3030)
"""
from __future__ import annotations

from itertools import pairwise
from typing import Callable, NamedTuple

import numpy as np


class SearchResult(NamedTuple):
    x: np.ndarray             # the best point found
    f: float                  # its value
    history: np.ndarray       # best value so far, after each iteration (index 0: the start)
    evaluations: int          # how many points f was evaluated at


def rastrigin_nd(X) -> np.ndarray:
    r"""Rastrigin's function in d dimensions, :math:`10d + \sum_i (x_i^2 - 10\cos 2\pi x_i)`, on rows of X
    (shape (n, d) or (d,)). Global minimum 0 at the origin, a local minimum near every integer point."""
    X = np.asarray(X, dtype=float)
    return 10 * X.shape[-1] + np.sum(X * X - 10 * np.cos(2 * np.pi * X), axis=-1)


def _bounds(bounds) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(bounds, dtype=float)
    if b.ndim != 2 or b.shape[1] != 2 or not np.all(np.isfinite(b)) or np.any(b[:, 0] >= b[:, 1]):
        raise ValueError(f"bounds must be a list of finite (low, high) pairs with low < high, one per "
                         f"coordinate; got {bounds!r}.")
    return b[:, 0], b[:, 1]


def _evaluate(f: Callable, X: np.ndarray) -> np.ndarray:
    values = np.asarray(f(X), dtype=float).reshape(len(X))
    return np.where(np.isnan(values), np.inf, values)      # a NaN never wins a comparison


def metropolis_accept(delta: float, temperature: float, u: float) -> bool:
    r"""Metropolis's rule: accept a move that changes f by ``delta`` when :math:`\delta \le 0`, or when
    :math:`u < e^{-\delta/T}` for a uniform random ``u`` in [0, 1) (Kirkpatrick et al. 1983)."""
    return bool(delta <= 0 or u < np.exp(-delta / temperature))


def temperatures(t0: float, cooling: float, steps: int) -> np.ndarray:
    r"""Geometric cooling: :math:`T_k = T_0 c^k` for k = 0, ..., steps - 1 (step k judges its proposal
    at :math:`T_k`)."""
    return t0 * cooling ** np.arange(steps)


def annealing_chain(f: Callable, x0, *, steps: int = 3000, t0: float = 10.0, cooling: float = 0.998,
                    step_size: float = 0.5, bounds=None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""The states of a simulated-annealing chain and their values: arrays of shape (steps + 1, d) and
    (steps + 1,), the start first.

    At step k: propose :math:`x' = x + \sigma\,\xi`, :math:`\xi \sim N(0, I)` (clipped to ``bounds``);
    move there if Metropolis's rule accepts it at temperature :math:`T_k = T_0 c^k`, else stay. Hot, the
    chain climbs out of local minima; cold, it only descends. ``f`` is evaluated steps + 1 times.
    """
    if not t0 > 0 or not 0 < cooling <= 1 or not step_size > 0 or steps < 1:
        raise ValueError("simulated_annealing: need t0 > 0, 0 < cooling <= 1, step_size > 0 and steps >= 1.")
    rng = np.random.default_rng(seed)
    x = np.array(x0, dtype=float)
    low, high = _bounds(bounds) if bounds is not None else (-np.inf, np.inf)
    fx = _evaluate(f, x[None])[0]
    states, values = [x], [fx]
    for temperature in temperatures(t0, cooling, steps):
        proposal = np.clip(x + step_size * rng.standard_normal(x.shape), low, high)
        f_proposal = _evaluate(f, proposal[None])[0]
        if metropolis_accept(f_proposal - fx, temperature, rng.random()):
            x, fx = proposal, f_proposal
        states.append(x)
        values.append(fx)
    return np.array(states), np.array(values)


def best_of_chain(states, values) -> SearchResult:
    """The best state of a chain (the first, among equals), as a :class:`SearchResult`."""
    i = int(np.argmin(values))
    return SearchResult(np.array(states[i]), float(values[i]), np.minimum.accumulate(values), len(values))


def simulated_annealing(f: Callable, x0, *, steps: int = 3000, t0: float = 10.0, cooling: float = 0.998,
                        step_size: float = 0.5, bounds=None, seed: int = 0) -> SearchResult:
    r"""Simulated annealing with Gaussian proposals and geometric cooling: the best state of
    :func:`annealing_chain`. Kirkpatrick, Gelatt, Vecchi, *Optimization by simulated annealing*,
    Science 1983.

    Example:
        >>> simulated_annealing(rastrigin_nd, [3.2, -2.7], seed=1).evaluations
        3001
    """
    return best_of_chain(*annealing_chain(f, x0, steps=steps, t0=t0, cooling=cooling, step_size=step_size,
                                          bounds=bounds, seed=seed))


def genetic_algorithm(f: Callable, bounds, *, population: int = 40, generations: int = 75,
                      crossover: float = 0.9, mutation: float = 0.2, sigma: float = 0.1, elite: int = 2,
                      seed: int = 0) -> SearchResult:
    r"""A real-coded genetic algorithm: binary tournament selection, blend crossover, Gaussian mutation,
    elitism.

    Children of parents :math:`a, b` are :math:`w a + (1-w) b` with :math:`w \sim U(-0.25, 1.25)` per
    coordinate (with probability ``crossover``; else copies of a); each coordinate is then mutated with
    probability ``mutation`` by :math:`N(0, (\sigma\cdot\text{width})^2)`. The ``elite`` best survive
    unchanged. Holland, *Adaptation in natural and artificial systems*, 1975; blend crossover from
    Eshelman & Schaffer 1993.
    """
    low, high = _bounds(bounds)
    if population < 2 or generations < 1 or not 0 <= elite < population:
        raise ValueError("genetic_algorithm: need population >= 2, generations >= 1, 0 <= elite < population.")
    rng = np.random.default_rng(seed)
    d, width = len(low), high - low
    X = low + width * rng.random((population, d))
    F = _evaluate(f, X)
    history = [F.min()]
    for _ in range(generations):
        duel = rng.integers(population, size=(2, population, 2))           # two binary tournaments per child
        winners = np.where(F[duel[..., 0]] <= F[duel[..., 1]], duel[..., 0], duel[..., 1])
        a, b = X[winners[0]], X[winners[1]]
        w = rng.uniform(-0.25, 1.25, size=(population, d))
        children = np.where(rng.random((population, 1)) < crossover, w * a + (1 - w) * b, a)
        mutate = rng.random((population, d)) < mutation
        children = children + mutate * sigma * width * rng.standard_normal((population, d))
        children = np.clip(children, low, high)
        order = np.argsort(F, kind="stable")
        children[:elite] = X[order[:elite]]
        F_children = _evaluate(f, children[elite:])
        X, F = children, np.concatenate([F[order[:elite]], F_children])
        history.append(F.min())
    i = int(np.argmin(F))
    return SearchResult(X[i].copy(), float(F[i]), np.minimum.accumulate(history),
                        population + generations * (population - elite))


def particle_swarm(f: Callable, bounds, *, particles: int = 30, iterations: int = 100, inertia: float = 0.72,
                   c1: float = 1.49, c2: float = 1.49, seed: int = 0) -> SearchResult:
    r"""Particle swarm optimisation (global-best topology).

    .. math:: v \leftarrow w v + c_1 r_1 (p - x) + c_2 r_2 (g - x), \qquad x \leftarrow x + v

    with :math:`p` each particle's best point, :math:`g` the swarm's, :math:`r_1, r_2 \sim U(0,1)` per
    coordinate. Kennedy & Eberhart, *Particle swarm optimization*, 1995; the constants are Clerc &
    Kennedy's (2002) constriction values.
    """
    low, high = _bounds(bounds)
    if particles < 1 or iterations < 1:
        raise ValueError("particle_swarm: need particles >= 1 and iterations >= 1.")
    rng = np.random.default_rng(seed)
    d, width = len(low), high - low
    x = low + width * rng.random((particles, d))
    v = 0.1 * width * rng.uniform(-1, 1, size=(particles, d))
    fx = _evaluate(f, x)
    p, fp = x.copy(), fx.copy()
    g = p[np.argmin(fp)].copy()
    history = [fp.min()]
    for _ in range(iterations):
        r1, r2 = rng.random((2, particles, d))
        v = inertia * v + c1 * r1 * (p - x) + c2 * r2 * (g - x)
        x = np.clip(x + v, low, high)
        fx = _evaluate(f, x)
        better = fx < fp
        p[better], fp[better] = x[better], fx[better]
        g = p[np.argmin(fp)].copy()
        history.append(fp.min())
    return SearchResult(g, float(fp.min()), np.array(history), particles * (iterations + 1))


def tour_length(distances, tour) -> float:
    """Length of the closed tour (a permutation of the cities) under the distance matrix."""
    D = np.asarray(distances, dtype=float)
    return float(sum(D[a, b] for a, b in pairwise([*tour, tour[0]])))


def ant_colony_tsp(distances, *, ants: int = 20, iterations: int = 60, alpha: float = 1.0, beta: float = 3.0,
                   rho: float = 0.5, seed: int = 0) -> SearchResult:
    r"""Ant system for the travelling-salesman problem (Dorigo, Maniezzo, Colorni 1996).

    Each ant builds a tour city by city, moving from i to an unvisited j with probability proportional
    to :math:`\tau_{ij}^\alpha \eta_{ij}^\beta`, :math:`\eta_{ij} = 1/d_{ij}`. Then pheromone
    evaporates, :math:`\tau \leftarrow (1-\rho)\tau`, and each ant deposits :math:`1/L` on the edges of its
    tour of length L: short tours collect more, and later ants follow them. ``x`` of the result is the
    best tour (city indices starting at 0); ``evaluations`` counts tours built.
    """
    D = np.asarray(distances, dtype=float)
    n = len(D)
    if D.shape != (n, n) or n < 3 or np.any(D[~np.eye(n, dtype=bool)] <= 0):
        raise ValueError("ant_colony_tsp: distances must be an (n, n) matrix, n >= 3, positive off the diagonal.")
    rng = np.random.default_rng(seed)
    eta = 1.0 / np.where(np.eye(n, dtype=bool), 1.0, D)
    tau = np.ones((n, n))
    best_tour, best_length, history = None, np.inf, []
    for _ in range(iterations):
        tours = []
        for _ant in range(ants):
            tour, free = [0], np.ones(n, dtype=bool)
            free[0] = False
            for _step in range(n - 1):
                weights = tau[tour[-1]] ** alpha * eta[tour[-1]] ** beta * free
                tour.append(int(rng.choice(n, p=weights / weights.sum())))
                free[tour[-1]] = False
            tours.append((tour_length(D, tour), tour))
        tau *= 1 - rho
        for length, tour in tours:
            for a, b in pairwise([*tour, tour[0]]):
                tau[a, b] += 1 / length
                tau[b, a] += 1 / length
            if length < best_length:
                best_length, best_tour = length, tour
        history.append(best_length)
    return SearchResult(np.array(best_tour), float(best_length), np.array(history), ants * iterations)
