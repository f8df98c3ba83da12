"""Self-checks of lesson 09, choosing an optimizer.

Each check compares with optcourse.experiments.tuning (run on the same inputs) or with a rule written here in
other words; no answer is written out.
"""
import math

import numpy as np

from optcourse.course.checks import SelfChecks, function, satisfies
from optcourse.experiments.tuning import best_index
from optcourse.experiments.tuning import steps_to_threshold as _reference_steps

check = SelfChecks()
_rng = np.random.default_rng(909)


# -- 1. steps to threshold ---------------------------------------------------------------------------

def _gap_runs():
    runs = [np.array([2.0, 3e-4, 0.7, 2e-4, 1e-5]), np.array([5e-4, 5e-4]), np.array([1.0, 2e-4, 0.9])]
    runs += [_rng.choice([1e-5, -3e-4, 0.4, np.nan], size=9) for _ in range(6)]
    return [(g, 1e-3) for g in runs]


def _returns_an_int(steps) -> bool:
    return isinstance(steps(np.array([1.0, 1e-5]), 1e-3), (int, np.integer))


check.add("steps-to-threshold",
          satisfies(callable, "a function steps_to_threshold(gaps, tol)"),
          satisfies(_returns_an_int, "a whole number (int)"),
          function(_gap_runs(), _reference_steps),
          hint="Mark each step as inside (|gap| <= tol; NaN is never inside). If the last step is outside, "
               "the answer is -1. Otherwise the run arrived just after its LAST step outside (or at 0).")


# -- 2. picking the learning rate --------------------------------------------------------------------

def _pick_cases():
    grid = np.logspace(-3, 0, 4)
    return [(grid, np.array([0.1, 0.8, 0.8, 0.3]), np.array([90.0, 60.0, 20.0, 5.0])),
            (grid, np.array([0.5, 0.5, 0.5, 0.5]), np.array([np.nan, 12.0, 12.0, 40.0])),
            (grid, np.zeros(4), np.full(4, np.nan))]


check.add("pick-learning-rate",
          satisfies(callable, "a function pick_learning_rate(lrs, success_rates, mean_steps)"),
          function(_pick_cases(), lambda lrs, rates, steps: float(lrs[best_index(rates, steps)])),
          hint="Keep only the entries with the highest success rate; among them take the fewest mean "
               "steps (treat NaN as worst); np.argmin returns the first of equal values, the smaller lr.")


# -- 3. width of the good range -----------------------------------------------------------------------

def _decades(lrs, rates, level):
    chosen = [lr for lr, rate in zip(lrs, rates) if rate >= level]
    return math.log10(max(chosen)) - math.log10(min(chosen))


def _nan_when_none(width) -> bool:
    return bool(np.isnan(width(np.array([0.01, 0.1]), np.array([0.2, 0.4]), 0.9)))


check.add("good-range",
          satisfies(callable, "a function good_range_decades(lrs, success_rates, level)"),
          function([(np.logspace(-3, 0, 7), np.array([0.1, 0.9, 0.95, 1.0, 0.7, 0.92, 0.0]), 0.9),
                    (np.array([0.2, 0.4, 0.8]), np.array([1.0, 0.5, 0.1]), 0.6)], _decades),
          satisfies(_nan_when_none, "nan when no learning rate reaches the level"),
          hint="Select the learning rates whose success rate is >= level, then take log10 of the ratio of "
               "the largest to the smallest (the selection need not be contiguous).")
