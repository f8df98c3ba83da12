"""Self-checks of lesson 09, choosing an optimizer.

Each check compares with optcourse.experiments.tuning (the library's versions, run on the same inputs); no answer
is written out here. The inputs include the cases the exercises' examples do not show: negative gaps,
gaps equal to the tolerance, NaN; ties; good learning rates with a failing one between them.
"""
import numpy as np

from optcourse.course.checks import SelfChecks, function, satisfies
from optcourse.experiments.tuning import best_index, good_range_decades, paired_interval
from optcourse.experiments.tuning import steps_to_threshold as _reference_steps

check = SelfChecks()


# -- 1. steps to threshold ---------------------------------------------------------------------------

_GAP_RUNS = [(np.array([2.0, 3e-4, 0.7, 2e-4, 1e-5]), 1e-3),
             (np.array([0.5, -0.01, 2e-4, -5e-4]), 1e-3),        # a negative gap beyond tol is outside
             (np.array([1.0, 0.125, 0.125]), 0.125),             # a gap equal to tol is inside
             (np.array([1e-4, np.nan, 1e-4, 0.0]), 1e-3),        # NaN: a diverged step, outside
             (np.array([5e-4, 5e-4]), 1e-3),
             (np.array([1.0, 2e-4, 0.9]), 1e-3)]


def _returns_an_int(steps) -> bool:
    return isinstance(steps(np.array([1.0, 1e-5]), 1e-3), (int, np.integer))


check.add("steps-to-threshold",
          satisfies(callable, "a function steps_to_threshold(gaps, tol)"),
          satisfies(_returns_an_int, "a whole number (int)"),
          function(_GAP_RUNS, _reference_steps),
          hint="A step is inside only when the size of its gap is at most tol; think about what counts as "
               "the size of a negative gap and what a comparison with NaN gives. The run arrived just after "
               "its last step outside.")


# -- 2. picking the learning rate --------------------------------------------------------------------

def _pick_cases():
    grid = np.logspace(-3, 0, 4)
    return [(grid, np.array([0.1, 0.8, 0.8, 0.3]), np.array([90.0, 60.0, 20.0, 5.0])),
            (grid, np.array([0.5, 0.5, 0.5, 0.5]), np.array([30.0, 12.0, 12.0, 40.0])),
            (grid, np.array([0.9, 0.2, 0.9, 0.9]), np.array([30.0, 1.0, 30.0, 30.0])),
            (grid, np.zeros(4), np.full(4, np.nan))]


def _returns_a_float(pick) -> bool:
    return isinstance(pick(np.array([0.1, 1.0]), np.array([0.5, 0.9]), np.array([3.0, 4.0])), float)


check.add("pick-learning-rate",
          satisfies(callable, "a function pick_learning_rate(lrs, success_rates, mean_steps)"),
          satisfies(_returns_a_float, "a learning rate as a float"),
          function(_pick_cases(), lambda lrs, rates, steps: float(lrs[best_index(rates, steps)])),
          hint="Apply the three rules in order: only the entries with the highest success rate compete; "
               "among them the fewest mean steps win, and a NaN mean (no success) can never win; then the "
               "smaller learning rate.")


# -- 3. width of the good range -----------------------------------------------------------------------

def _nan_when_none(width) -> bool:
    got = width(np.array([0.01, 0.02, 1.0]), np.array([0.3, 0.3, 0.3]), 0.9)
    return isinstance(got, float) and np.isnan(got)


def _float_result(width) -> bool:
    return isinstance(width(np.array([0.1, 1.0]), np.array([1.0, 1.0]), 0.5), float)


check.add("good-range",
          satisfies(callable, "a function good_range_decades(lrs, success_rates, level)"),
          satisfies(_float_result, "a width in decades as a float"),
          function([(np.logspace(-3, 0, 7), np.array([0.1, 0.9, 0.95, 1.0, 0.7, 0.92, 0.0]), 0.9),
                    (np.array([0.2, 0.4, 0.8, 3.2]), np.array([1.0, 0.5, 0.7, 0.65]), 0.6),
                    (np.array([0.05, 0.5]), np.array([0.8, 0.3]), 0.8)], good_range_decades, atol=0.0),
          satisfies(_nan_when_none, "nan when no learning rate of the grid reaches the level"),
          hint="Walk along the grid and keep track of the current stretch of good values; a value below "
               "level ends it. Widths are in decades: a ratio of learning rates under log10.")


# -- 4. do two optimizers differ? -----------------------------------------------------------------

check.add("difference-interval",
          satisfies(callable, "a function difference_interval(a, b)"),
          function([(np.array([1.0, 0.75, 0.5, 1.0, 0.875]), np.array([0.5, 0.75, 0.25, 0.625, 0.875])),
                    (np.array([0.25, 1.0, 1.0]), np.array([0.5, 0.875, 0.75]))], paired_interval),
          hint="Pair the surfaces: work with the differences a - b, surface by surface. Their spread is the "
               "sample standard deviation (divide by n - 1), and the mean of n values varies by that spread "
               "divided by the square root of n.")
