"""optcourse.beyond.multiobjective: against brute-force dominance, hand-worked crowding, the analytic front."""
import numpy as np
import pytest

from optcourse.beyond.multiobjective import crowding_distance, dominates, non_dominated_sort, nsga2


def _brute_force_fronts(F):
    left, fronts = list(range(len(F))), []
    while left:
        front = [i for i in left if not any(np.all(F[j] <= F[i]) and np.any(F[j] < F[i]) for j in left)]
        fronts.append(sorted(front))
        left = [i for i in left if i not in front]
    return fronts


def test_dominance_by_hand():
    assert dominates([1, 2], [1, 3]) and not dominates([1, 3], [1, 2])
    assert not dominates([1, 2], [1, 2])                 # equal: neither dominates
    assert not dominates([1, 3], [2, 1]) and not dominates([2, 1], [1, 3])


@pytest.mark.parametrize("seed", range(4))
def test_non_dominated_sort_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    F = rng.integers(0, 6, size=(40, 2 + seed % 2)).astype(float)       # many ties and duplicates
    assert [sorted(f.tolist()) for f in non_dominated_sort(F)] == _brute_force_fronts(F)


def test_crowding_distance_by_hand():
    F = np.array([[0.0, 4.0], [1.0, 2.0], [3.0, 1.0], [4.0, 0.0]])
    d = crowding_distance(F)
    assert np.isinf(d[0]) and np.isinf(d[3])
    # point 1: (3 - 0)/4 + (4 - 1)/4 = 1.5; point 2: (4 - 1)/4 + (2 - 0)/4 = 1.25
    np.testing.assert_allclose(d[1:3], [1.5, 1.25])


def test_nsga2_finds_the_analytic_front():
    # f1 = |x|^2, f2 = |x - 1|^2: Pareto set x = (t, t), t in [0, 1]; front f2 = (sqrt(2) - sqrt(f1))^2
    def objectives(X):
        return np.c_[np.sum(X**2, axis=1), np.sum((X - 1) ** 2, axis=1)]
    result = nsga2(objectives, [(-2.0, 3.0)] * 2, seed=0)
    F = result.F[result.front]
    assert len(result.front) == len(result.X)                           # all survivors non-dominated
    t = np.linspace(0, 1, 20001)
    curve = np.c_[2 * t * t, 2 * (1 - t) ** 2]
    distance = np.linalg.norm(F[:, None] - curve[None], axis=2).min(axis=1)
    assert distance.mean() < 0.005 and distance.max() < 0.05             # close to the analytic front
    assert F[:, 0].min() < 0.02 and F[:, 1].min() < 0.02                 # reaches both ends
    gaps = np.diff(np.sort(F[:, 0]))
    assert gaps.max() < 0.25                                             # spread along it
    assert result.evaluations == 60 * 61


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="shape"):
        non_dominated_sort(np.ones(3))
    with pytest.raises(ValueError, match="bounds"):
        nsga2(lambda X: X, [(1.0, 0.0)])
