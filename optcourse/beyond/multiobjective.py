r"""Several objectives at once: Pareto dominance, non-dominated sorting, crowding distance, NSGA-II.

All objectives are minimised. Point a **dominates** b when it is no worse in every objective and
strictly better in one; the **Pareto front** is the set of points no other point dominates.

Example:
    >>> import numpy as np
    >>> F = np.array([[1.0, 4.0], [2.0, 2.0], [3.0, 3.0], [4.0, 1.0]])
    >>> [front.tolist() for front in non_dominated_sort(F)]
    [[0, 1, 3], [2]]
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np


def dominates(a, b) -> bool:
    """True when objective vector a Pareto-dominates b (minimisation)."""
    a, b = np.asarray(a), np.asarray(b)
    return bool(np.all(a <= b) and np.any(a < b))


def non_dominated_sort(F) -> list[np.ndarray]:
    """Split the rows of F (n points, k objectives) into fronts: front 0 is dominated by no point, front 1
    only by points of front 0, and so on. Returns a list of index arrays (Deb et al. 2002's fast sort)."""
    F = np.asarray(F, dtype=float)
    if F.ndim != 2:
        raise ValueError(f"non_dominated_sort: F must have shape (n, k), got {F.shape}.")
    no_worse = np.all(F[:, None, :] <= F[None, :, :], axis=2)
    better = np.any(F[:, None, :] < F[None, :, :], axis=2)
    dom = no_worse & better                          # dom[i, j]: i dominates j
    count = dom.sum(axis=0)                          # how many points dominate j
    fronts, current = [], np.flatnonzero(count == 0)
    while current.size:
        fronts.append(current)
        count = count - dom[current].sum(axis=0)
        count[current] = -1                          # placed: never again
        current = np.flatnonzero(count == 0)
    return fronts


def crowding_distance(F) -> np.ndarray:
    r"""Crowding distance of the points of one front (rows of F): for each objective, sort, give the two
    ends infinity, and add to each inner point the gap between its neighbours divided by the
    objective's range. Large means isolated; NSGA-II keeps those to spread the front."""
    F = np.asarray(F, dtype=float)
    n, k = F.shape
    distance = np.zeros(n)
    if n <= 2:
        return np.full(n, np.inf)
    for m in range(k):
        order = np.argsort(F[:, m], kind="stable")
        values = F[order, m]
        span = values[-1] - values[0]
        distance[order[[0, -1]]] = np.inf
        if span > 0:
            distance[order[1:-1]] += (values[2:] - values[:-2]) / span
    return distance


class ParetoResult(NamedTuple):
    X: np.ndarray             # the final population, (population, d)
    F: np.ndarray             # its objective values, (population, k)
    front: np.ndarray         # indices of its non-dominated points
    evaluations: int


def _survivors(F, size):
    """Indices of the ``size`` best rows of F by (front, then larger crowding distance)."""
    chosen = []
    for front in non_dominated_sort(F):
        if len(chosen) + len(front) <= size:
            chosen.extend(front)
        else:
            crowd = crowding_distance(F[front])
            chosen.extend(front[np.argsort(-crowd, kind="stable")[:size - len(chosen)]])
            break
    return np.array(chosen)


def nsga2(objectives: Callable, bounds, *, population: int = 60, generations: int = 60, sigma: float = 0.02,
          seed: int = 0) -> ParetoResult:
    r"""A small NSGA-II (Deb, Pratap, Agarwal, Meyarivan, IEEE Trans. Evol. Comput. 2002).

    ``objectives`` maps points (n, d) to values (n, k). Each generation: binary tournaments on
    (front rank, crowding distance) pick parents; blend crossover and Gaussian mutation (of one
    coordinate in d on average, by ``sigma`` times the box width) make as many children; parents and children are pooled and the best ``population``
    by non-dominated sorting, ties broken by crowding distance, survive.
    """
    b = np.asarray(bounds, dtype=float)
    if b.ndim != 2 or b.shape[1] != 2 or np.any(b[:, 0] >= b[:, 1]):
        raise ValueError("nsga2: bounds must be a list of (low, high) pairs with low < high.")
    if population < 4 or generations < 1:
        raise ValueError("nsga2: need population >= 4 and generations >= 1.")
    low, high = b[:, 0], b[:, 1]
    rng = np.random.default_rng(seed)
    d = len(low)
    X = low + (high - low) * rng.random((population, d))
    F = np.asarray(objectives(X), dtype=float)
    for _ in range(generations):
        rank = np.empty(population, dtype=int)
        crowd = np.empty(population)
        for r, front in enumerate(non_dominated_sort(F)):
            rank[front], crowd[front] = r, crowding_distance(F[front])
        i, j = rng.integers(population, size=(2, 2 * population))
        i_wins = (rank[i] < rank[j]) | ((rank[i] == rank[j]) & (crowd[i] >= crowd[j]))
        parents = np.where(i_wins, i, j).reshape(2, population)
        w = rng.uniform(-0.25, 1.25, size=(population, d))
        children = w * X[parents[0]] + (1 - w) * X[parents[1]]
        mutate = rng.random((population, d)) < 1 / d          # on average one coordinate per child
        children += mutate * sigma * (high - low) * rng.standard_normal((population, d))
        children = np.clip(children, low, high)
        pool_X = np.vstack([X, children])
        pool_F = np.vstack([F, np.asarray(objectives(children), dtype=float)])
        keep = _survivors(pool_F, population)
        X, F = pool_X[keep], pool_F[keep]
    return ParetoResult(X, F, non_dominated_sort(F)[0], population * (generations + 1))
