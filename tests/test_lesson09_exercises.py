"""Lesson 09's exercises: the wrong answers students write fail both the self-check and the hidden
tests; right answers written another way pass both (see tests/exercises.py)."""
import pytest

from exercises import LessonKernel

@pytest.fixture(scope="module")
def lesson():
    with LessonKernel("09") as kernel:
        yield kernel


STEPS = "def steps_to_threshold(gaps, tol):\n"


def test_steps_to_threshold_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("steps-to-threshold", {
        "no abs(): a large negative gap counts as inside": STEPS + """
    inside = np.asarray(gaps) <= tol
    if not inside[-1]:
        return -1
    outside = np.flatnonzero(~inside)
    return int(outside[-1] + 1) if len(outside) else 0""",
        "strict <: a gap equal to tol counts as outside": STEPS + """
    inside = np.abs(np.asarray(gaps)) < tol
    if not inside[-1]:
        return -1
    outside = np.flatnonzero(~inside)
    return int(outside[-1] + 1) if len(outside) else 0""",
        "NaN counted as inside (not > tol)": STEPS + """
    outside = np.abs(np.asarray(gaps)) > tol
    if outside[-1]:
        return -1
    where = np.flatnonzero(outside)
    return int(where[-1] + 1) if len(where) else 0""",
        "the first step inside, not the one from which it stays inside": STEPS + """
    inside = np.abs(np.asarray(gaps)) <= tol
    return int(np.argmax(inside)) if inside[-1] else -1""",
        "off by one: the last step outside": STEPS + """
    inside = np.abs(np.asarray(gaps)) <= tol
    if not inside[-1]:
        return -1
    outside = np.flatnonzero(~inside)
    return int(outside[-1]) if len(outside) else 0""",
        "returns len(gaps) instead of -1": STEPS + """
    inside = np.abs(np.asarray(gaps)) <= tol
    if not inside[-1]:
        return len(gaps)
    outside = np.flatnonzero(~inside)
    return int(outside[-1] + 1) if len(outside) else 0""",
    })


def test_steps_to_threshold_accepts_other_right_answers(lesson):
    lesson.assert_accepted("steps-to-threshold", {
        "a loop from the end, returning np.int64": STEPS + """
    k = len(gaps)
    while k > 0 and abs(gaps[k - 1]) <= tol:
        k -= 1
    return np.int64(-1 if k == len(gaps) else k)""",
        "with a NaN-safe comparison and a list": STEPS + """
    ok = [bool(np.isfinite(g) and abs(g) <= tol) for g in list(gaps)]
    if not ok[-1]:
        return -1
    return max([i + 1 for i, good in enumerate(ok) if not good], default=0)""",
    })


PICK = "def pick_learning_rate(lrs, success_rates, mean_steps):\n"


def test_pick_learning_rate_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("pick-learning-rate", {
        "highest success only (ignores the steps)": PICK + "    return float(lrs[np.argmax(success_rates)])",
        "fewest steps only (ignores success)": PICK + "    return float(lrs[np.nanargmin(mean_steps)])",
        "best ratio of success to steps": PICK + """
    return float(lrs[np.nanargmax(success_rates / mean_steps)])""",
        "the larger learning rate on a tie": PICK + """
    best = np.flatnonzero(success_rates == success_rates.max())
    cost = np.nan_to_num(mean_steps[best], nan=np.inf)
    return float(lrs[best[len(cost) - 1 - np.argmin(cost[::-1])]])""",
        "returns the index, not the learning rate": PICK + """
    best = np.flatnonzero(success_rates == success_rates.max())
    return int(best[np.argmin(np.nan_to_num(mean_steps[best], nan=np.inf))])""",
        "returns a one-element array": PICK + """
    best = np.flatnonzero(success_rates == success_rates.max())
    return lrs[best[[np.argmin(np.nan_to_num(mean_steps[best], nan=np.inf))]]]""",
    })


def test_pick_learning_rate_accepts_other_right_answers(lesson):
    lesson.assert_accepted("pick-learning-rate", {
        "a sort on (-success, steps, lr)": PICK + """
    keys = [(-r, s if s == s else float('inf'), lr) for lr, r, s in zip(lrs, success_rates, mean_steps)]
    return float(min(keys)[2])""",
        "np.lexsort, returning np.float64": PICK + """
    steps = np.where(np.isnan(mean_steps), np.inf, mean_steps)
    return np.float64(lrs[np.lexsort((lrs, steps, -success_rates))[0]])""",
    })


RANGE = "def good_range_decades(lrs, success_rates, level):\n"


def test_good_range_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("good-range", {
        "all good values, not a contiguous stretch": RANGE + """
    good = np.asarray(lrs)[np.asarray(success_rates) >= level]
    return float(np.log10(good.max() / good.min())) if good.size else float('nan')""",
        "the first stretch, not the widest": RANGE + """
    good = np.asarray(success_rates) >= level
    if not good.any():
        return float('nan')
    first = int(np.argmax(good))
    last = first
    while last + 1 < len(good) and good[last + 1]:
        last += 1
    return float(np.log10(lrs[last] / lrs[first]))""",
        "strict >: a rate equal to the level does not count": RANGE + """
    best, start = float('nan'), None
    for i, ok in enumerate(np.asarray(success_rates) > level):
        start = (i if start is None else start) if ok else None
        if ok:
            w = np.log10(lrs[i] / lrs[start]); best = w if best != best else max(best, w)
    return float(best)""",
        "counts grid points instead of decades": RANGE + """
    best, run = float('nan'), 0
    for ok in np.asarray(success_rates) >= level:
        run = run + 1 if ok else 0
        if ok:
            best = run - 1 if best != best else max(best, run - 1)
    return float(best) / 2""",
        "natural log": RANGE + """
    best, start = float('nan'), None
    for i, ok in enumerate(np.asarray(success_rates) >= level):
        start = (i if start is None else start) if ok else None
        if ok:
            w = np.log(lrs[i] / lrs[start]); best = w if best != best else max(best, w)
    return float(best)""",
        "None instead of nan when nothing qualifies": RANGE + """
    best, start = None, None
    for i, ok in enumerate(np.asarray(success_rates) >= level):
        start = (i if start is None else start) if ok else None
        if ok:
            w = float(np.log10(lrs[i] / lrs[start])); best = w if best is None else max(best, w)
    return best""",
    })


def test_good_range_accepts_other_right_answers(lesson):
    lesson.assert_accepted("good-range", {
        "split the grid at the failures": RANGE + """
    good = np.asarray(success_rates) >= level
    widths = []
    for stretch in np.split(np.arange(len(lrs)), np.flatnonzero(~good)):
        stretch = [i for i in stretch if good[i]]
        if stretch:
            widths.append(np.log10(lrs[stretch[-1]]) - np.log10(lrs[stretch[0]]))
    return float(max(widths)) if widths else np.nan""",
    })


DIFF = "def difference_interval(a, b):\n"


def test_difference_interval_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("difference-interval", {
        "unpaired: the standard errors of a and b added": DIFF + """
    n = len(a)
    half = 1.96 * np.sqrt(np.var(a, ddof=1) / n + np.var(b, ddof=1) / n)
    return float(np.mean(a) - np.mean(b) - half), float(np.mean(a) - np.mean(b) + half)""",
        "np.std's default ddof=0": DIFF + """
    d = np.asarray(a) - np.asarray(b)
    half = 1.96 * np.std(d) / np.sqrt(len(d))
    return float(d.mean() - half), float(d.mean() + half)""",
        "forgot the square root of n": DIFF + """
    d = np.asarray(a) - np.asarray(b)
    half = 1.96 * np.std(d, ddof=1)
    return float(d.mean() - half), float(d.mean() + half)""",
        "b - a: the sign flipped": DIFF + """
    d = np.asarray(b) - np.asarray(a)
    half = 1.96 * np.std(d, ddof=1) / np.sqrt(len(d))
    return float(d.mean() - half), float(d.mean() + half)""",
        "returns (mean, half-width)": DIFF + """
    d = np.asarray(a) - np.asarray(b)
    return float(d.mean()), float(1.96 * np.std(d, ddof=1) / np.sqrt(len(d)))""",
        "one-sided 1.645 instead of 1.96": DIFF + """
    d = np.asarray(a) - np.asarray(b)
    half = 1.645 * np.std(d, ddof=1) / np.sqrt(len(d))
    return float(d.mean() - half), float(d.mean() + half)""",
    })


def test_difference_interval_accepts_other_right_answers(lesson):
    lesson.assert_accepted("difference-interval", {
        "variance by hand, a list of np.float64": DIFF + """
    d = [x - y for x, y in zip(a, b)]
    n = len(d); mean = sum(d) / n
    s = (sum((x - mean) ** 2 for x in d) / (n - 1)) ** 0.5
    return [mean - 1.96 * s / n ** 0.5, mean + 1.96 * s / n ** 0.5]""",
    })


def test_failing_checks_name_the_property_and_input_not_the_answer(lesson):
    message = lesson.message("steps-to-threshold", STEPS + """
    inside = np.asarray(gaps) <= tol
    if not inside[-1]:
        return -1
    outside = np.flatnonzero(~inside)
    return int(outside[-1] + 1) if len(outside) else 0""")
    assert "not yet" in message and "-1.e-02" in message and "too small" in message   # the input, the direction
    message = lesson.message("difference-interval", DIFF + "    return (0.0, 0.0)")
    assert "not yet" in message and "item" in message
