"""Tests of optcourse.experiments.tuning against hand-worked cases, brute force and closed forms."""
import math

import numpy as np
import pytest

from optcourse.landscapes.surfaces import double_well, quadratic, random_surface
from optcourse.experiments.tuning import (best_index, evaluate, gap_to_nearest_minimum, random_starts, steps_to_threshold,
                              tolerance, tune_lr)


def brute_steps(gaps, tol):
    # the smallest k whose whole tail lies within tol, by trying every k
    for k in range(len(gaps)):
        if all(abs(g) <= tol for g in gaps[k:]):
            return k
    return -1


def test_steps_to_threshold_hand_worked():
    assert steps_to_threshold([1.0, 1e-4, 0.5, 1e-4, 1e-5], 1e-3) == 3      # the first visit does not count
    assert steps_to_threshold([1e-4, 1e-4], 1e-3) == 0
    assert steps_to_threshold([1.0, 1e-4, 0.5], 1e-3) == -1                  # left again before the end
    assert steps_to_threshold([1.0, -1e-4], 1e-3) == 1                       # a gap below the minimum's value
    assert steps_to_threshold([1.0, 1e-4, np.nan, 1e-4], 1e-3) == 3          # NaN is a miss


def test_steps_to_threshold_matches_brute_force():
    rng = np.random.default_rng(9)
    for _ in range(200):
        gaps = rng.choice([1e-5, 2e-4, 0.3, -1e-4, -0.2], size=rng.integers(1, 12))
        assert steps_to_threshold(gaps, 1e-3) == brute_steps(gaps, 1e-3)


def test_steps_to_threshold_rejects_bad_input():
    with pytest.raises(ValueError, match="tol"):
        steps_to_threshold([1.0], 0.0)
    with pytest.raises(ValueError, match="1-D"):
        steps_to_threshold([], 1e-3)


def test_gap_picks_the_nearest_minimum():
    well = double_well(0.5)
    rng = np.random.default_rng(3)
    points = rng.uniform(-2, 2, size=(50, 2))
    gaps = gap_to_nearest_minimum(well, points)
    for p, gap in zip(points, gaps):
        d = [np.hypot(*(p - m)) for m in well.minima]
        m = well.minima[int(np.argmin(d))]
        assert gap == pytest.approx(well.value(p) - well.value(m), abs=1e-12)


def test_tolerance_of_the_round_bowl():
    # f = |p|^2 / 2 on [-3, 3]^2: heights from 0 (centre) to 9 (corners), both on the 41 x 41 grid
    assert tolerance(quadratic(1), 1e-3) == pytest.approx(9e-3)


def test_evaluate_sgd_on_the_round_bowl_matches_the_closed_form():
    # SGD with step lr on f = |p|^2/2: p_k = (1-lr)^k p_0, gap_k = (1-lr)^(2k) |p_0|^2 / 2, decreasing in k
    bowl, lr, steps = quadratic(1), 0.3, 40
    score = evaluate("SGD", [bowl], steps=steps, starts=12, seed=5, lr=lr)
    tol = 9e-3
    expected = []
    for p0 in random_starts(bowl, 12, seed=5):
        r2 = float(p0 @ p0)
        k = 0 if 0.5 * r2 <= tol else math.ceil(math.log(2 * tol / r2) / (2 * math.log(1 - lr)))
        expected.append(k if k <= steps else -1)
    assert score.steps.tolist() == expected
    assert score.success_rate == 1.0 and score.global_rate == 1.0


def test_evaluate_counts_divergence_as_failure():
    score = evaluate("SGD", [quadratic(1)], steps=30, starts=5, lr=2.5)        # |1 - lr| > 1
    assert score.success_rate == 0.0 and math.isnan(score.median_steps)


def test_random_starts_lie_in_the_inner_window():
    starts = random_starts(quadratic(1, center=(1.0, -2.0)), 500, seed=0)
    assert starts.shape == (500, 2)
    assert (np.abs(starts - [1.0, -2.0]) <= 2.4).all() and (np.abs(starts - [1.0, -2.0]) > 2.0).any()


def test_best_index_rules():
    assert best_index([0.5, 0.9, 0.9], [10.0, 30.0, 20.0]) == 2               # success first, then steps
    assert best_index([0.9, 0.9], [20.0, 20.0]) == 0                           # ties: the first
    assert best_index([0.0, 0.0], [np.nan, np.nan]) == 0
    with pytest.raises(ValueError):
        best_index([0.1], [1.0, 2.0])


def test_tune_lr_finds_the_one_step_rate_of_the_round_bowl():
    # on |p|^2/2, SGD with lr = 1 lands on the minimum in one step; lr = 2.5 diverges
    lr, scores = tune_lr("SGD", [quadratic(1)], [2.5, 0.1, 1.0, 0.5], steps=50, starts=6)
    assert lr == 1.0
    assert [s.hyperparameters["lr"] for s in scores] == [0.1, 0.5, 1.0, 2.5]
    assert scores[-1].success_rate == 0.0
    with pytest.raises(ValueError, match="grid"):
        tune_lr("SGD", [quadratic(1)], [0.1, -1.0])


def test_evaluate_grid_gives_what_separate_evaluations_give():
    from optcourse.optim.schedules import cosine
    from optcourse.experiments.tuning import evaluate_grid
    surfaces = [random_surface(s) for s in (1, 2, 3)]
    settings = [{"lr": 0.01}, {"lr": 0.3}, {"lr": 0.3, "betas": (0.5, 0.999)}]
    together = evaluate_grid("Adam", surfaces, settings, steps=60, starts=5, schedule=lambda lr: cosine(lr, 60))
    for setting, score in zip(settings, together):
        alone = evaluate("Adam", surfaces, steps=60, starts=5, **{**setting, "lr": cosine(setting["lr"], 60)})
        np.testing.assert_array_equal(score.steps, alone.steps)
        np.testing.assert_array_equal(score.at_global, alone.at_global)
        assert score.surfaces == 3 and score.surface_success.shape == (3,)


def test_tune_searches_every_combination_and_breaks_ties_by_grid_order():
    from optcourse.experiments.tuning import best_index, tune
    surfaces = [random_surface(s) for s in (1, 2)]
    best, scores = tune("SGD", surfaces, {"momentum": [0.0, 0.9], "lr": [0.01, 0.1, 1.0]}, steps=50, starts=4)
    assert len(scores) == 6 and [s.hyperparameters["momentum"] for s in scores] == [0.0] * 3 + [0.9] * 3
    chosen = best_index([s.success_rate for s in scores], [s.mean_steps for s in scores])
    assert best == {"momentum": [0.0, 0.9][chosen // 3], "lr": [0.01, 0.1, 1.0][chosen % 3]}


def test_paired_interval_and_success_interval_by_hand():
    from optcourse.experiments.tuning import Score, paired_interval
    d = np.array([0.5, 0.0, 0.5, 0.25])                  # mean 0.3125, sample sd 0.2394
    low, high = paired_interval(d + 0.25, np.full(4, 0.25))
    assert np.isclose(low, 0.3125 - 1.96 * 0.23935677693908453 / 2) and np.isclose(high, 0.3125 + 1.96 * 0.23935677693908453 / 2)
    score = Score("x", {}, np.array([3, -1, 5, 7, -1, -1]), np.zeros(6, bool), surfaces=3)   # rates 0.5, 1, 0
    np.testing.assert_allclose(score.surface_success, [0.5, 1.0, 0.0])
    assert np.allclose(score.success_interval(), (0.5 - 1.96 * 0.5 / np.sqrt(3), 0.5 + 1.96 * 0.5 / np.sqrt(3)))


def test_good_range_is_the_widest_contiguous_stretch():
    from optcourse.experiments.tuning import good_range_decades
    assert good_range_decades([0.01, 0.1, 1.0, 10.0], [0.95, 0.9, 0.2, 1.0], 0.9) == 1.0
    assert np.isclose(good_range_decades([0.001, 0.003, 0.1, 0.2, 5.0], [0.95, 0.95, 0.5, 0.91, 0.99], 0.9), np.log10(25))
    assert good_range_decades([0.5, 2.0], [1.0, 0.1], 0.5) == 0.0 and np.isnan(good_range_decades([0.5, 2.0], [0, 0], 0.5))
    with pytest.raises(ValueError, match="ascending"):
        good_range_decades([1.0, 0.1], [1, 1], 0.5)
