"""Lesson 02's exercises: the wrong answers students write fail both the self-check and the hidden
tests; right answers written another way pass both; messages name the property, never the answer."""
import pytest

from tests.exercises import LessonKernel


@pytest.fixture(scope="module")
def lesson():
    with LessonKernel("02") as kernel:
        yield kernel


TAYLOR = ("def taylor2(expr, variables, point):\n"
          "    at_a = dict(zip(variables, point))\n"
          "    d = sp.Matrix([v - a for v, a in zip(variables, point)])\n"
          "    g = sp.Matrix([sp.diff(expr, v) for v in variables]).subs(at_a)\n"
          "    H = sp.hessian(expr, variables).subs(at_a)\n")


def test_taylor2_wrong_answers(lesson):
    lesson.assert_rejected("taylor2", {
        "forgot the 1/2": TAYLOR + "    return sp.expand(expr.subs(at_a) + (g.T * d)[0] + (d.T * H * d)[0])\n",
        "Hessian not evaluated at the point": TAYLOR + (
            "    H = sp.hessian(expr, variables)\n"
            "    return sp.expand(expr.subs(at_a) + (g.T * d)[0] + (d.T * H * d)[0] / 2)\n"),
        "d = point - variables": TAYLOR + (
            "    d = -d\n    return sp.expand(expr.subs(at_a) + (g.T * d)[0] + (d.T * H * d)[0] / 2)\n"),
        "first order only": TAYLOR + "    return sp.expand(expr.subs(at_a) + (g.T * d)[0])\n",
        "a 1 x 1 Matrix, not an expression": TAYLOR + (
            "    return sp.Matrix([expr.subs(at_a)]) + g.T * d + d.T * H * d / 2\n"),
        "the diagonal of H only": TAYLOR + (
            "    return sp.expand(expr.subs(at_a) + (g.T * d)[0] + sum(H[i, i] * d[i] ** 2 for i in range(len(d))) / 2)\n"),
        "two variables written out": (
            "def taylor2(expr, variables, point):\n"
            "    a, b = point[0], point[-1]\n    at = {x: a, y: b}\n"
            "    H = sp.hessian(expr, (x, y)).subs(at)\n    dx, dy = x - a, y - b\n"
            "    return sp.expand(expr.subs(at) + sp.diff(expr, x).subs(at) * dx + sp.diff(expr, y).subs(at) * dy\n"
            "                     + (H[0, 0] * dx**2 + 2 * H[0, 1] * dx * dy + H[1, 1] * dy**2) / 2)\n"),
        "the library's taylor_polynomial": ("def taylor2(expr, variables, point):\n"
                                            "    return taylor_polynomial(expr, variables, point, order=2)\n"),
        "the library, imported inside": (
            "def taylor2(expr, variables, point):\n    from optcourse.landscapes import derivatives\n"
            "    return derivatives.taylor_polynomial(expr, variables, point, order=2)\n"),
    })


def test_taylor2_right_answers(lesson):
    lesson.assert_accepted("taylor2", {
        "unexpanded": TAYLOR + "    return expr.subs(at_a) + (g.T * d)[0] + (d.T * H * d)[0] / 2\n",
        "along a line, as a series in t": (
            "def taylor2(expr, variables, point):\n    t = sp.Symbol('t')\n"
            "    along = expr.subs({v: a + t * (v - a) for v, a in zip(variables, point)}, simultaneous=True)\n"
            "    return sp.series(along, t, 0, 3).removeO().subs(t, 1)\n"),
        "sums over indices": (
            "def taylor2(expr, variables, point):\n    at = dict(zip(variables, point))\n"
            "    d = [v - a for v, a in zip(variables, point)]\n    n = len(variables)\n"
            "    return (expr.subs(at) + sum(sp.diff(expr, variables[i]).subs(at) * d[i] for i in range(n))\n"
            "            + sum(sp.diff(expr, variables[i], variables[j]).subs(at) * d[i] * d[j]\n"
            "                  for i in range(n) for j in range(n)) / 2)\n"),
    })


CLASSIFY = "def classify(H, tol=1e-8):\n"


def test_classify_wrong_answers(lesson):
    lesson.assert_rejected("classify", {
        "the 2 x 2 determinant and trace rule": CLASSIFY + (
            "    det, tr = np.linalg.det(H), np.trace(H)\n"
            "    if det < -tol: return 'saddle'\n    if det > tol: return 'minimum' if tr > 0 else 'maximum'\n"
            "    return 'degenerate'\n"),
        "an absolute tolerance": CLASSIFY + (
            "    ev = np.linalg.eigvalsh(H)\n    pos, neg = ev > tol, ev < -tol\n"
            "    if pos.any() and neg.any(): return 'saddle'\n    if pos.all(): return 'minimum'\n"
            "    if neg.all(): return 'maximum'\n    return 'degenerate'\n"),
        "a zero eigenvalue before a saddle": CLASSIFY + (
            "    ev = np.linalg.eigvalsh(H)\n    zero = tol * max(1.0, np.abs(ev).max())\n"
            "    if (np.abs(ev) <= zero).any(): return 'degenerate'\n"
            "    if (ev > 0).all(): return 'minimum'\n    if (ev < 0).all(): return 'maximum'\n    return 'saddle'\n"),
        "exact zeros": CLASSIFY + (
            "    ev = np.linalg.eigvalsh(H)\n    if (ev > 0).any() and (ev < 0).any(): return 'saddle'\n"
            "    if (ev > 0).all(): return 'minimum'\n    if (ev < 0).all(): return 'maximum'\n    return 'degenerate'\n"),
        "tol ignored": CLASSIFY + (
            "    ev = np.linalg.eigvalsh(H)\n    zero = 1e-8 * max(1.0, np.abs(ev).max())\n"
            "    pos, neg = ev > zero, ev < -zero\n"
            "    if pos.any() and neg.any(): return 'saddle'\n    if pos.all(): return 'minimum'\n"
            "    if neg.all(): return 'maximum'\n    return 'degenerate'\n"),
        "the diagonal entries instead of the eigenvalues": CLASSIFY + (
            "    ev = np.diag(H)\n    zero = tol * max(1.0, np.abs(ev).max())\n    pos, neg = ev > zero, ev < -zero\n"
            "    if pos.any() and neg.any(): return 'saddle'\n    if pos.all(): return 'minimum'\n"
            "    if neg.all(): return 'maximum'\n    return 'degenerate'\n"),
    })


def test_classify_the_library_is_not_an_answer(lesson):
    lesson.assert_rejected("classify", {
        "calls the library": CLASSIFY + "    return classify_critical_point(H, tol)\n",
        "is the library": "classify = classify_critical_point\n",
    })


def test_classify_right_answers(lesson):
    lesson.assert_accepted("classify", {
        "np.linalg.eigvals and counting": CLASSIFY + (
            "    ev = np.real(np.linalg.eigvals(np.array(H, dtype=np.float64)))\n"
            "    zero = tol * max(1, max(abs(ev)))\n    n_pos, n_neg = int(sum(ev > zero)), int(sum(ev < -zero))\n"
            "    if n_pos and n_neg: return 'saddle'\n    if n_pos == len(ev): return 'minimum'\n"
            "    if n_neg == len(ev): return 'maximum'\n    return 'degenerate'\n"),
        "sorted extremes": CLASSIFY + (
            "    lo, hi = np.linalg.eigvalsh(H)[[0, -1]]\n    zero = tol * max(1.0, abs(lo), abs(hi))\n"
            "    if lo < -zero and hi > zero: return 'saddle'\n    if lo > zero: return 'minimum'\n"
            "    if hi < -zero: return 'maximum'\n    return 'degenerate'\n"),
    })


def test_classify_message_shows_the_input(lesson):
    message = lesson.said("classify", CLASSIFY + (
        "    det, tr = np.linalg.det(H), np.trace(H)\n"
        "    if det < -tol: return 'saddle'\n    if det > tol: return 'minimum' if tr > 0 else 'maximum'\n"
        "    return 'degenerate'\n"))
    assert "with (an array of shape (3, 3)" in message or "with (an array of shape (4, 4)" in message


def kinds(value: str) -> str:
    return f"kinds = {value}\n"


def test_kinds_wrong_answers(lesson):
    lesson.assert_rejected("kinds", {
        "reversed order": kinds("['maximum', 'saddle', 'saddle', 'minimum']"),
        "all saddles": kinds("['saddle'] * 4"),
        "degenerate mixed ones": kinds("['minimum', 'degenerate', 'degenerate', 'maximum']"),
        "one string": kinds("'minimum, saddle, saddle, maximum'"),
        "three labels": kinds("['minimum', 'saddle', 'maximum']"),
        "an array of strings": kinds("np.array(['minimum', 'saddle', 'saddle', 'maximum'])"),
    })


def test_kinds_right_answers(lesson):
    lesson.assert_accepted("kinds", {
        "a tuple": kinds("('minimum', 'saddle', 'saddle', 'maximum')"),
        "computed with the library": kinds(
            "[classify_critical_point(np.diag([6.0 * px, 6.0 * py])) for px, py in points]"),
    })


def test_kinds_message_does_not_name_the_wrong_item(lesson):
    message = lesson.said("kinds", kinds("['minimum', 'saddle', 'maximum', 'maximum']"))
    assert "not all four are right" in message
    assert "item" not in message and "entry 2" not in message


ESCAPE = "def escape_step(point, H, step):\n"


def test_escape_wrong_answers(lesson):
    lesson.assert_rejected("escape", {
        "raises only when every eigenvalue is positive": ESCAPE + (
            "    ev, V = np.linalg.eigh(H)\n    if (ev > 0).all(): raise ValueError('no negative eigenvalue')\n"
            "    return np.asarray(point, dtype=float) + step * V[:, 0]\n"),
        "eig's unsorted first column": ESCAPE + (
            "    ev, V = np.linalg.eig(H)\n    if ev.real.min() >= -1e-8: raise ValueError('no negative eigenvalue')\n"
            "    return np.asarray(point, dtype=float) + step * V[:, 0].real\n"),
        "the least negative eigenvalue": ESCAPE + (
            "    ev, V = np.linalg.eigh(H)\n    neg = np.flatnonzero(ev < -1e-8)\n"
            "    if not len(neg): raise ValueError('no negative eigenvalue')\n"
            "    return np.asarray(point, dtype=float) + step * V[:, neg[-1]]\n"),
        "moves point in place": ESCAPE + (
            "    ev, V = np.linalg.eigh(H)\n    if ev[0] >= -1e-8: raise ValueError('no negative eigenvalue')\n"
            "    point += step * V[:, 0]\n    return point\n"),
        "a row, not a column, of the eigenvectors": ESCAPE + (
            "    ev, V = np.linalg.eigh(H)\n    if ev[0] >= -1e-8: raise ValueError('no negative eigenvalue')\n"
            "    return np.asarray(point, dtype=float) + step * V[0]\n"),
        "the step scaled by the eigenvalue": ESCAPE + (
            "    ev, V = np.linalg.eigh(H)\n    if ev[0] >= -1e-8: raise ValueError('no negative eigenvalue')\n"
            "    return np.asarray(point, dtype=float) + step * abs(ev[0]) * V[:, 0]\n"),
        "returns the error instead of raising it": ESCAPE + (
            "    ev, V = np.linalg.eigh(H)\n    if ev[0] >= -1e-8: return ValueError('no negative eigenvalue')\n"
            "    return np.asarray(point, dtype=float) + step * V[:, 0]\n"),
        "calls the library's escape_saddle": ESCAPE + (
            "    return escape_saddle(np.asarray(point, dtype=float), lambda p: H, step).point\n"),
    })


def test_escape_right_answers(lesson):
    lesson.assert_accepted("escape", {
        "eig, argmin and the other sign": ESCAPE + (
            "    ev, V = np.linalg.eig(np.asarray(H, dtype=float))\n    i = int(np.argmin(ev.real))\n"
            "    if ev.real[i] >= -1e-8 * max(1.0, np.abs(ev).max()):\n"
            "        raise ValueError('H has no negative eigenvalue: not a saddle')\n"
            "    u = V[:, i].real / np.linalg.norm(V[:, i].real)\n"
            "    return np.array(point, dtype=float) - step * u\n"),
    })


def test_escape_message_says_which_direction_was_wrong(lesson):
    message = lesson.said("escape", ESCAPE + (
        "    ev, V = np.linalg.eigh(H)\n    neg = np.flatnonzero(ev < -1e-8)\n"
        "    if not len(neg): raise ValueError('no negative eigenvalue')\n"
        "    return np.asarray(point, dtype=float) + step * V[:, neg[-1]]\n"))
    assert "not the most negative one" in message and "eigenvalues" in message


def goe(p1: str, fewer: str) -> str:
    return f"p1_goe = {p1}\nfewer_than_model = {fewer}\n"


def test_predict_goe_wrong_answers(lesson):
    lesson.assert_rejected("predict-goe", {
        "the model's one third": goe("1 / 3", "True"),
        "more often than the model": goe("0.5", "False"),
        "both from the model": goe("1 / 3", "False"),
        "a percentage": goe("50", "True"),
        "a string": goe("'0.5'", "True"),
        "1 for True": goe("0.5", "1"),
        "the word True": goe("0.5", "'True'"),
    })


def test_predict_goe_right_answers(lesson):
    lesson.assert_accepted("predict-goe", {
        "exact half in SymPy": goe("sp.Rational(1, 2)", "True"),
        "NumPy types": goe("np.float64(0.5)", "np.bool_(True)"),
        "a close estimate": goe("0.505", "True"),
    })


def test_predict_goe_not_yet(lesson):
    message = lesson.said("predict-goe", "del p1_goe, fewer_than_model")
    assert "nothing yet" in message and "NameError" not in message


SIGNS = "def independent_signs_fraction(d, n_samples, seed):\n"


def test_independent_signs_wrong_answers(lesson):
    lesson.assert_rejected("independent-signs", {
        "the formula, no simulation": SIGNS + "    return float(3.0 ** -d)\n",
        "the formula rounded to whole samples": SIGNS + "    return round(3.0 ** -d * n_samples) / n_samples\n",
        "signs without zero": SIGNS + (
            "    rng = np.random.default_rng(seed)\n"
            "    return float(np.mean(np.all(rng.choice([-1, 1], size=(n_samples, d)) == 1, axis=1)))\n"),
        "integers(-1, 1) never draws +1": SIGNS + (
            "    rng = np.random.default_rng(seed)\n"
            "    return float(np.mean(np.all(rng.integers(-1, 1, size=(n_samples, d)) == 1, axis=1)))\n"),
        "the seed ignored": SIGNS + (
            "    rng = np.random.default_rng()\n"
            "    return float(np.mean(np.all(rng.integers(-1, 2, size=(n_samples, d)) == 1, axis=1)))\n"),
        "a count, not a fraction": SIGNS + (
            "    rng = np.random.default_rng(seed)\n"
            "    return float(np.sum(np.all(rng.integers(-1, 2, size=(n_samples, d)) == 1, axis=1)))\n"),
        "any sign +1, not all": SIGNS + (
            "    rng = np.random.default_rng(seed)\n"
            "    return float(np.mean(np.any(rng.integers(-1, 2, size=(n_samples, d)) == 1, axis=1)))\n"),
    })


def test_independent_signs_right_answers(lesson):
    lesson.assert_accepted("independent-signs", {
        "choice and a NumPy float": SIGNS + (
            "    rng = np.random.default_rng(seed)\n"
            "    signs = rng.choice([-1, 0, 1], size=(n_samples, d))\n"
            "    return np.mean((signs == 1).all(axis=1))\n"),
        "a loop, uniform numbers": SIGNS + (
            "    rng = np.random.default_rng(seed)\n    hits = 0\n"
            "    for _ in range(n_samples):\n        hits += bool(np.all(rng.random(d) < 1 / 3))\n"
            "    return hits / n_samples\n"),
    })
