"""Lesson 03's exercises: the wrong answers students write fail both the self-check and the hidden
tests; right answers written another way pass both; messages name the property, never the answer."""
import pytest

from tests.exercises import LessonKernel


@pytest.fixture(scope="module")
def lesson():
    with LessonKernel("03") as kernel:
        yield kernel


PERMUTE = ("def permute_layer(params, layer, perm):\n"
           "    perm = np.asarray(perm)\n    new = [p.copy() for p in params]\n"
           "    i = 2 * layer\n")


def test_permute_layer_wrong_answers(lesson):
    lesson.assert_rejected("permute-layer", {
        "through the library's permute_hidden_units, used above": (
            "def permute_layer(params, layer, perm):\n"
            "    sizes = [params[0].shape[0]] + [W.shape[1] for W in params[::2]]\n"
            "    whole = MLP(sizes)\n    whole.set_flat(flatten(params))\n"
            "    return [p.copy() for p in permute_hidden_units(whole, layer, perm).params]\n"),
        "bias left in place": PERMUTE + (
            "    new[i] = params[i][:, perm]\n    new[i + 2] = params[i + 2][perm, :]\n    return new\n"),
        "outgoing weights left in place": PERMUTE + (
            "    new[i] = params[i][:, perm]\n    new[i + 1] = params[i + 1][perm]\n    return new\n"),
        "the inverse permutation": PERMUTE + (
            "    inv = np.argsort(perm)\n    new[i] = params[i][:, inv]\n    new[i + 1] = params[i + 1][inv]\n"
            "    new[i + 2] = params[i + 2][inv, :]\n    return new\n"),
        "incoming rows, outgoing columns": PERMUTE + (
            "    new[i] = params[i][perm, :] if params[i].shape[0] == len(perm) else params[i]\n"
            "    new[i + 1] = params[i + 1][perm]\n"
            "    new[i + 2] = params[i + 2][:, perm] if params[i + 2].shape[1] == len(perm) else params[i + 2]\n"
            "    return new\n"),
        "the arrays changed in place": (
            "def permute_layer(params, layer, perm):\n    i = 2 * layer\n"
            "    params[i][...] = params[i][:, perm]\n    params[i + 1][...] = params[i + 1][perm]\n"
            "    params[i + 2][...] = params[i + 2][perm, :]\n    return list(params)\n"),
        "params[layer], not params[2 * layer]": (
            "def permute_layer(params, layer, perm):\n    new = [p.copy() for p in params]\n"
            "    new[layer] = params[layer][:, perm] if layer % 2 == 0 else params[layer]\n"
            "    new[layer + 1] = params[layer + 1][perm]\n    new[layer + 2] = params[layer + 2][perm, :]\n"
            "    return new\n"),
    })


def test_permute_layer_right_answers(lesson):
    lesson.assert_accepted("permute-layer", {
        "with a permutation matrix": (
            "def permute_layer(params, layer, perm):\n    P = np.eye(len(perm))[:, perm]\n"
            "    new = [np.array(p, dtype=float) for p in params]\n    i = 2 * layer\n"
            "    new[i] = params[i] @ P\n    new[i + 1] = params[i + 1] @ P\n    new[i + 2] = P.T @ params[i + 2]\n"
            "    return new\n"),
        "np.take": (
            "def permute_layer(params, layer, perm):\n    new = list(params)\n    i = 2 * layer\n"
            "    new[i] = np.take(params[i], perm, axis=1)\n    new[i + 1] = np.take(params[i + 1], perm)\n"
            "    new[i + 2] = np.take(params[i + 2], perm, axis=0)\n    return new\n"),
    })


def test_permute_layer_message_names_the_array(lesson):
    message = lesson.said("permute-layer", PERMUTE + (
        "    new[i] = params[i][:, perm]\n    new[i + 2] = params[i + 2][perm, :]\n    return new\n"))
    assert "b_1 is not reordered" in message and "non-zero biases" in message


COUNT = "def count_equivalent(hidden_widths, odd_activation=False):\n"


def test_count_equivalent_wrong_answers(lesson):
    lesson.assert_rejected("count-equivalent", {
        "a sum, not a product": COUNT + (
            "    return sum(math.factorial(n) * (2**n if odd_activation else 1) for n in hidden_widths) or 1\n"),
        "a float": COUNT + (
            "    total = 1.0\n    for n in hidden_widths:\n"
            "        total *= math.factorial(n) * (2**n if odd_activation else 1)\n    return total\n"),
        "sign flips always": COUNT + (
            "    total = 1\n    for n in hidden_widths:\n        total *= math.factorial(n) * 2**n\n    return total\n"),
        "sign flips never": COUNT + (
            "    total = 1\n    for n in hidden_widths:\n        total *= math.factorial(n)\n    return total\n"),
        "one flip per layer": COUNT + (
            "    total = 1\n    for n in hidden_widths:\n"
            "        total *= math.factorial(n) * (2 if odd_activation else 1)\n    return total\n"),
        "n ** n": COUNT + (
            "    total = 1\n    for n in hidden_widths:\n"
            "        total *= n**n * (2**n if odd_activation else 1)\n    return total\n"),
    })


def test_count_equivalent_right_answers(lesson):
    lesson.assert_accepted("count-equivalent", {
        "math.prod": COUNT + (
            "    return math.prod(math.factorial(n) * 2 ** (n * bool(odd_activation)) for n in hidden_widths)\n"),
    })


LINE = "def line_loss(sizes, theta_start, theta_end, X, y, alphas):\n    probe = MLP(sizes)\n"


def test_line_loss_wrong_answers(lesson):
    lesson.assert_rejected("line-loss", {
        "the library, which the lesson uses above": (
            "def line_loss(sizes, theta_start, theta_end, X, y, alphas):\n"
            "    return loss_along_line(MLP(sizes), theta_start, theta_end, X, y, alphas)[1]\n"),
        "alpha the wrong way round": LINE + (
            "    out = []\n    for a in alphas:\n        probe.set_flat(a * theta_start + (1 - a) * theta_end)\n"
            "        out.append(probe.loss(X, y))\n    return np.array(out)\n"),
        "a list": LINE + (
            "    out = []\n    for a in alphas:\n        probe.set_flat((1 - a) * theta_start + a * theta_end)\n"
            "        out.append(probe.loss(X, y))\n    return out\n"),
        "the losses at the ends, interpolated": LINE + (
            "    probe.set_flat(theta_start)\n    start = probe.loss(X, y)\n    probe.set_flat(theta_end)\n"
            "    end = probe.loss(X, y)\n    return np.array([(1 - a) * start + a * end for a in alphas])\n"),
        "forgot set_flat": LINE + "    return np.array([probe.loss(X, y) for a in alphas])\n",
        "the lesson's training data": LINE + (
            "    out = []\n    for a in alphas:\n        probe.set_flat((1 - a) * theta_start + a * theta_end)\n"
            "        out.append(probe.loss(X_train, y_train))\n    return np.array(out)\n"),
        "the lesson's network sizes": (
            "def line_loss(sizes, theta_start, theta_end, X, y, alphas):\n    probe = MLP(net.sizes)\n"
            "    out = []\n    for a in alphas:\n        probe.set_flat((1 - a) * theta_start + a * theta_end)\n"
            "        out.append(probe.loss(X, y))\n    return np.array(out)\n"),
    })


def test_line_loss_right_answers(lesson):
    lesson.assert_accepted("line-loss", {
        "start plus alpha times the difference": LINE + (
            "    losses = np.empty(len(alphas))\n    for i, a in enumerate(alphas):\n"
            "        probe.set_flat(theta_start + a * (theta_end - theta_start))\n        losses[i] = probe.loss(X, y)\n"
            "    return losses\n"),
    })


def shape(losses: str, below: str, convex: str) -> str:
    return f"_, losses_01 = {losses}\nbelow_chord = {below}\nconvex_on_segment = {convex}\n"


TRAIN = "loss_along_line(net, theta_init, theta_star, X_train, y_train, alphas_01)"


def test_interpolation_shape_wrong_answers(lesson):
    lesson.assert_rejected("interpolation-shape", {
        "test-set losses": shape("loss_along_line(net, theta_init, theta_star, X_test, y_test, alphas_01)",
                                 "True", "False"),
        "the line reversed": shape("loss_along_line(net, theta_star, theta_init, X_train, y_train, alphas_01)",
                                   "True", "False"),
        "convex as predicted, not computed": shape(TRAIN, "True", "True"),
        "above the chord": shape(TRAIN, "False", "False"),
        "booleans as strings": shape(TRAIN, "'True'", "'False'"),
        "11 points": shape("loss_along_line(net, theta_init, theta_star, X_train, y_train, alphas_01[::2])",
                           "True", "False"),
    })


def test_interpolation_shape_right_answers(lesson):
    lesson.assert_accepted("interpolation-shape", {
        "with line_loss, numpy booleans": (
            "losses_01 = list(line_loss(net.sizes, theta_init, theta_star, X_train, y_train, alphas_01))\n"
            "below_chord = np.bool_(losses_01[10] < (losses_01[0] + losses_01[-1]) / 2)\n"
            "convex_on_segment = np.all(np.diff(losses_01, 2) >= 0)\n"),
    })


def test_interpolation_shape_message_says_what_is_wrong(lesson):
    message = lesson.said("interpolation-shape",
                   shape("loss_along_line(net, theta_star, theta_init, X_train, y_train, alphas_01)", "True", "False"))
    assert "wrong way" in message
    message = lesson.said("interpolation-shape", shape(TRAIN, "True", "True"))
    assert "convex_on_segment" in message and "contradict" in message


ANGLE = ("def descent_angle(H, x, x_star):\n"
         "    d = np.asarray(x_star, dtype=float) - np.asarray(x, dtype=float)\n"
         "    down = np.asarray(H, dtype=float) @ d\n")


def test_descent_angle_wrong_answers(lesson):
    lesson.assert_rejected("descent-angle", {
        "optcourse's own, imported": "from optcourse.landscapes.conditioning import descent_angle\n",
        "optcourse's own, called": ANGLE + (
            "    from optcourse.landscapes import conditioning\n"
            "    return conditioning.descent_angle(H, x, x_star)\n"),
        "radians": ANGLE + "    return float(np.arccos(down @ d / np.linalg.norm(down) / np.linalg.norm(d)))\n",
        "the gradient, not minus the gradient": ANGLE + (
            "    return float(np.degrees(np.arccos(-down @ d / np.linalg.norm(down) / np.linalg.norm(d))))\n"),
        "the cosine": ANGLE + "    return float(down @ d / np.linalg.norm(down) / np.linalg.norm(d))\n",
        "the minimum taken at 0": (
            "def descent_angle(H, x, x_star):\n    x = np.asarray(x, dtype=float)\n    down = -H @ x\n"
            "    return float(np.degrees(np.arccos(down @ -x / np.linalg.norm(down) / np.linalg.norm(x))))\n"),
        "two dimensions only (atan2)": ANGLE + (
            "    return float(abs(np.degrees(np.arctan2(down[1], down[0]) - np.arctan2(d[1], d[0]))))\n"),
        "no normalisation": ANGLE + "    return float(np.degrees(np.arccos(np.clip(down @ d, -1, 1))))\n",
    })


def test_descent_angle_right_answers(lesson):
    lesson.assert_accepted("descent-angle", {
        "atan2 of the cross and dot norms": ANGLE + (
            "    a, b = down / np.linalg.norm(down), d / np.linalg.norm(d)\n"
            "    return float(np.degrees(2 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b))))\n"),
        "math module": ANGLE + (
            "    c = float(down @ d) / (math.sqrt(down @ down) * math.sqrt(d @ d))\n"
            "    return math.degrees(math.acos(max(-1.0, min(1.0, c))))\n"),
    })


def worst(expr: str) -> str:
    return f"worst_cosine = {expr}\n"


def test_worst_cosine_wrong_answers(lesson):
    lesson.assert_rejected("worst-cosine", {
        "the square of the cosine": worst("4 * kappa / (1 + kappa) ** 2"),
        "the angle, not its cosine": worst("sp.acos(2 * sp.sqrt(kappa) / (1 + kappa))"),
        "the convergence factor": worst("(kappa - 1) / (kappa + 1)"),
        "one over root kappa": worst("1 / sp.sqrt(kappa)"),
        "still in s": worst("sp.sqrt((1 + kappa * s) ** 2 / ((1 + s) * (1 + kappa**2 * s)))"),
        "a float for kappa = 10": worst("0.5750"),
    })


def test_worst_cosine_right_answers(lesson):
    lesson.assert_accepted("worst-cosine", {
        "unsimplified": worst("sp.sqrt(4 * kappa) / (kappa + 1)"),
        "kappa made afresh, no assumptions": worst("2 * sp.sqrt(sp.Symbol('kappa')) / (1 + sp.Symbol('kappa'))"),
    })
