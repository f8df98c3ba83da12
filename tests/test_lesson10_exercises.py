"""Lesson 10's exercises: the wrong answers students write fail both the self-check and the hidden
tests; right answers written another way pass both (see tests/exercises.py)."""
import pytest

from exercises import LessonKernel


@pytest.fixture(scope="module")
def lesson():
    with LessonKernel("10") as kernel:
        yield kernel


ACCEPT = "def accept(delta, temperature, u):\n"


def test_accept_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("sa-accept", {
        "exp(+delta/T)": ACCEPT + "    return bool(delta <= 0 or u < np.exp(delta / temperature))",
        "exp(-delta*T)": ACCEPT + "    return bool(delta <= 0 or u < np.exp(-delta * temperature))",
        "strict: a flat move is not always accepted": ACCEPT + "    return bool(delta < 0 or u < np.exp(-delta / temperature) and delta > 0)",
        "u > p": ACCEPT + "    return bool(delta <= 0 or u > np.exp(-delta / temperature))",
        "temperature ignored": ACCEPT + "    return bool(delta <= 0 or u < np.exp(-delta))",
        "uphill always accepted": ACCEPT + "    return True",
    })


def test_accept_accepts_other_right_answers(lesson):
    lesson.assert_accepted("sa-accept", {
        "min(1, p), returning np.bool_": ACCEPT + "    return np.bool_(u < min(1.0, np.exp(-max(delta, 0.0) / temperature)) or delta <= 0)",
    })


POINT = 'a, c = sp.symbols("a c", positive=True)\n'


def test_lagrange_point_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("lagrange-point", {
        "numbers typed for one a and c": POINT + "lagrange_point = (sp.Integer(3), sp.Integer(1), sp.Integer(6))",
        "the other sign convention (L = f + lambda g)": POINT + "lagrange_point = (a * c / (1 + a), c / (1 + a), -2 * a * c / (1 + a))",
        "x and y swapped": POINT + "lagrange_point = (c / (1 + a), a * c / (1 + a), 2 * a * c / (1 + a))",
        "the factor 2 forgotten in lambda": POINT + "lagrange_point = (a * c / (1 + a), c / (1 + a), a * c / (1 + a))",
        "floats": POINT + "lagrange_point = (a * c / (1.0 + a), c / (1.0 + a), 2.0 * a * c / (1 + a))",
        "the unconstrained minimum": POINT + "lagrange_point = (sp.Integer(0), sp.Integer(0), sp.Integer(0))",
    })


def test_lagrange_point_accepts_other_right_answers(lesson):
    lesson.assert_accepted("lagrange-point", {
        "unsimplified, as a list": POINT + "lagrange_point = [c - c / (1 + a), c / (1 + a), 2 * a * (c / (1 + a))]",
    })


PROX = "def prox_elastic_net(v, t, l1, l2):\n    v = np.asarray(v, dtype=float)\n"


def test_prox_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("soft-threshold", {
        "soft thresholding only (ridge ignored)": PROX + "    return soft_threshold(v, t * l1)",
        "divided before thresholding": PROX + "    return soft_threshold(v / (1 + t * l2), t * l1)",
        "t forgotten in the ridge factor": PROX + "    return soft_threshold(v, t * l1) / (1 + l2)",
        "threshold l1, not t*l1": PROX + "    return soft_threshold(v, l1) / (1 + t * l2)",
        "hard thresholding": PROX + "    return np.where(np.abs(v) > t * l1, v, 0.0) / (1 + t * l2)",
        "multiplied by the ridge factor": PROX + "    return soft_threshold(v, t * l1) * (1 + t * l2)",
    })


def test_prox_accepts_other_right_answers(lesson):
    lesson.assert_accepted("soft-threshold", {
        "np.maximum and np.sign, float32 input kept as float64": PROX + """
    return np.sign(v) * np.maximum(np.abs(v) - t * l1, 0) / (1 + t * l2)""",
        "piecewise with np.select": PROX + """
    return np.select([v > t * l1, v < -t * l1], [v - t * l1, v + t * l1], 0.0) / (1 + t * l2)""",
    })


MASK = "def pareto_mask(F):\n    F = np.asarray(F, dtype=float)\n"


def test_pareto_mask_rejects_the_usual_mistakes(lesson):
    lesson.assert_rejected("pareto-mask", {
        "weak dominance: equal rows knock each other out": MASK + """
    return ~((F[:, None, :] <= F[None, :, :]).all(axis=2) & ~np.eye(len(F), dtype=bool)).any(axis=0)""",
        "strict in every objective": MASK + "    return ~(F[:, None, :] < F[None, :, :]).all(axis=2).any(axis=0)",
        "the axes swapped (dominates instead of dominated)": MASK + """
    better = (F[:, None, :] <= F[None, :, :]).all(axis=2) & (F[:, None, :] < F[None, :, :]).any(axis=2)
    return ~better.any(axis=1)""",
        "returns 0/1 integers": MASK + """
    better = (F[:, None, :] <= F[None, :, :]).all(axis=2) & (F[:, None, :] < F[None, :, :]).any(axis=2)
    return (~better.any(axis=0)).astype(int)""",
        "lowest sum of objectives only": MASK + "    return F.sum(axis=1) == F.sum(axis=1).min()",
        "the first objective only": MASK + "    return F[:, 0] == F[:, 0].min()",
    })


def test_pareto_mask_accepts_other_right_answers(lesson):
    lesson.assert_accepted("pareto-mask", {
        "a double loop": MASK + """
    keep = np.ones(len(F), dtype=bool)
    for j in range(len(F)):
        for i in range(len(F)):
            if np.all(F[i] <= F[j]) and np.any(F[i] < F[j]):
                keep[j] = False
    return keep""",
    })


def test_failing_checks_show_the_case(lesson):
    message = " ".join(lesson.message("pareto-mask", MASK + """
    return ~((F[:, None, :] <= F[None, :, :]).all(axis=2) & ~np.eye(len(F), dtype=bool)).any(axis=0)""").split())
    assert "not yet" in message and "with (an array of shape (3, 2)" in message     # the equal rows, shown
    message = " ".join(lesson.message("lagrange-point", POINT + "lagrange_point = (a * c / (1 + a), c / (1 + a), -2 * a * c / (1 + a))").split())
    assert "dL/dx = 0" in message
