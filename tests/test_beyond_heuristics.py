"""optcourse.beyond.heuristics: against closed forms, brute force, and properties any correct search has."""
from itertools import permutations

import numpy as np
import pytest

from optcourse.beyond.heuristics import (annealing_chain, ant_colony_tsp, best_of_chain, genetic_algorithm,
                                         metropolis_accept, particle_swarm, rastrigin_nd, simulated_annealing,
                                         temperatures, tour_length)
from optcourse.landscapes.surfaces import rastrigin

BOX = [(-5.12, 5.12)] * 2


def test_rastrigin_nd_matches_the_surface_and_closed_form():
    rng = np.random.default_rng(0)
    P = rng.uniform(-5, 5, size=(50, 2))
    np.testing.assert_allclose(rastrigin_nd(P), rastrigin().value(P), rtol=1e-12)
    assert rastrigin_nd(np.zeros(5)) == 0.0
    assert rastrigin_nd(np.ones(3)) == pytest.approx(3.0)     # 10*3 + 3*(1 - 10)


def test_metropolis_rule_by_hand():
    assert metropolis_accept(-1.0, 0.1, 0.999)                 # downhill: always
    assert metropolis_accept(1.0, 1.0, 0.36)                   # e^-1 = 0.3679 > 0.36
    assert not metropolis_accept(1.0, 1.0, 0.37)
    assert not metropolis_accept(2.0, 0.5, 0.02)               # e^-4 = 0.0183


@pytest.mark.parametrize("method", ["sa", "ga", "pso"])
def test_searches_find_rastrigins_global_basin_and_count_evaluations(method):
    calls = []

    def f(X):
        calls.append(len(X))
        return rastrigin_nd(X)

    if method == "sa":
        result = simulated_annealing(f, [3.2, -2.7], bounds=BOX, seed=3)
    elif method == "ga":
        result = genetic_algorithm(f, BOX, seed=3)
    else:
        result = particle_swarm(f, BOX, seed=3)
    assert result.evaluations == sum(calls)
    assert np.linalg.norm(result.x) < 0.5                       # in the global minimum's basin
    assert result.f == pytest.approx(rastrigin_nd(result.x))
    assert result.f == pytest.approx(result.history[-1])
    assert np.all(np.diff(result.history) <= 0)                 # best so far never gets worse


def test_searches_are_seeded_and_stay_in_the_box():
    a = particle_swarm(rastrigin_nd, [(1.0, 2.0), (-3.0, -2.5)], seed=5)
    b = particle_swarm(rastrigin_nd, [(1.0, 2.0), (-3.0, -2.5)], seed=5)
    np.testing.assert_array_equal(a.x, b.x)
    assert 1.0 <= a.x[0] <= 2.0 and -3.0 <= a.x[1] <= -2.5
    g = genetic_algorithm(rastrigin_nd, [(1.0, 2.0), (-3.0, -2.5)], seed=5)
    assert 1.0 <= g.x[0] <= 2.0 and -3.0 <= g.x[1] <= -2.5


def test_zero_temperature_annealing_only_descends():
    result = simulated_annealing(rastrigin_nd, [0.9, 0.1], t0=1e-12, steps=500, step_size=0.05, seed=0)
    assert np.linalg.norm(result.x - [0.99496, 0.0]) < 0.05    # stuck in the local minimum it started in


def test_geometric_schedule_closed_form():
    np.testing.assert_allclose(temperatures(10.0, 0.9, 4), [10.0, 9.0, 8.1, 7.29], rtol=1e-14)
    np.testing.assert_array_equal(temperatures(2.0, 1.0, 3), [2.0, 2.0, 2.0])   # c = 1: no cooling


def test_annealing_chain_moves_only_by_metropolis_and_its_best_is_the_search_result():
    states, values = annealing_chain(rastrigin_nd, [3.2, -2.7], steps=400, t0=5.0, cooling=0.99,
                                     step_size=0.3, bounds=BOX, seed=4)
    assert states.shape == (401, 2) and values.shape == (401,)
    np.testing.assert_allclose(values, rastrigin_nd(states), rtol=1e-12)
    np.testing.assert_array_equal(states[0], [3.2, -2.7])
    moved = np.any(states[1:] != states[:-1], axis=1)
    assert moved.any() and not moved.all()                    # some proposals rejected, some accepted
    assert np.any(np.diff(values)[moved] > 0)                 # warm: it did climb at least once
    result = simulated_annealing(rastrigin_nd, [3.2, -2.7], steps=400, t0=5.0, cooling=0.99, step_size=0.3,
                                 bounds=BOX, seed=4)
    i = int(np.argmin(values))
    np.testing.assert_array_equal(result.x, states[i])
    assert result.f == values.min() and result.evaluations == 401
    np.testing.assert_array_equal(result.history, np.minimum.accumulate(values))


def test_cold_chain_never_climbs_and_best_of_chain_takes_the_first_of_equal_values():
    _, values = annealing_chain(rastrigin_nd, [3.2, -2.7], steps=300, t0=1e-9, step_size=0.3, seed=1)
    assert np.all(np.diff(values) <= 0)
    best = best_of_chain(np.array([[0.0, 1.0], [2.0, 2.0], [3.0, 3.0]]), np.array([5.0, 1.0, 1.0]))
    np.testing.assert_array_equal(best.x, [2.0, 2.0])
    np.testing.assert_array_equal(best.history, [5.0, 1.0, 1.0])


def test_ant_colony_finds_the_brute_force_tour():
    pts = np.random.default_rng(2).random((7, 2))
    D = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    best = min(tour_length(D, (0, *p)) for p in permutations(range(1, 7)))
    result = ant_colony_tsp(D, seed=0)
    assert result.f == pytest.approx(best)
    assert sorted(result.x) == list(range(7))
    assert tour_length(D, result.x) == pytest.approx(result.f)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="bounds"):
        particle_swarm(rastrigin_nd, [(1.0, 0.0)])
    with pytest.raises(ValueError, match="t0"):
        simulated_annealing(rastrigin_nd, [0.0, 0.0], t0=-1)
    with pytest.raises(ValueError, match="distances"):
        ant_colony_tsp(np.zeros((4, 4)))
