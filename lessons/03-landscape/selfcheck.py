"""Self-checks of lesson 03, the landscape of deep networks.

Each check computes what it compares with from optcourse (or checks a property); no answer is
written out here.
"""
import math

import numpy as np
import sympy as sp

from optcourse.course.checks import Mismatch, SelfChecks, describe, function, own_work, satisfies
from optcourse.landscapes.conditioning import descent_angle
from optcourse.learning.network import MLP, loss_along_line, permute_hidden_units

check = SelfChecks()


# -- 1. permuting a hidden layer ------------------------------------------------------------------------

def _same_as_optcourse_permutation(permute_layer) -> None:
    """On a network with three hidden layers and non-zero biases (a fresh MLP's are zero, which would
    hide a bias left unpermuted): the same arrays as optcourse's permute_hidden_units, the input list
    left as it was."""
    expected = ("a new list [W_1, b_1, W_2, b_2, ...] whose hidden units in `layer` are reordered, "
                "the given arrays left unchanged")
    net = MLP([5, 4, 3, 6, 2], seed=11)
    net.set_flat(np.random.default_rng(4).normal(size=net.n_params))      # biases too
    rng = np.random.default_rng(5)
    names = [f"{kind}_{i // 2 + 1}" for i, kind in zip(range(len(net.params)), ["W", "b"] * len(net.params))]
    for layer in (0, 1, 2):
        perm = rng.permutation(net.sizes[layer + 1])
        before = [p.copy() for p in net.params]
        got = permute_layer(net.params, layer, perm)
        if not all(np.array_equal(p, q) for p, q in zip(net.params, before)):
            raise Mismatch(expected, f"for layer {layer} it changed the arrays it was given; build new ones")
        want = permute_hidden_units(net, layer, perm).params
        if not isinstance(got, list) or len(got) != len(want):
            raise Mismatch(expected, f"for layer {layer} it returned {describe(got)}")
        for name, g, w in zip(names, got, want):
            if np.shape(g) != w.shape:
                raise Mismatch(expected, f"for layer {layer}, {name} has shape {np.shape(g)}, not {w.shape}")
            if not np.allclose(g, w):
                raise Mismatch(expected, f"for layer {layer} (a network of hidden widths 4, 3, 6 with non-zero "
                                         f"biases), {name} is not reordered as it should be")


check.add("permute-layer",
          satisfies(callable, "a function permute_layer(params, layer, perm)"),
          _same_as_optcourse_permutation,
          own_work(permute_hidden_units, inputs=[([np.ones((2, 3)), np.arange(3.0), np.ones((3, 2)), np.zeros(2)],
                                                  0, np.array([2, 0, 1]))]),
          hint="A hidden unit owns a column of the weights into its layer, an entry of its bias and a row "
               "of the weights out of it: all three must move together, and nothing else. Build new arrays: "
               "the caller's network must stay as it was.")


# -- 2. counting equivalent networks ---------------------------------------------------------------------

def _brute_force_count(widths, odd: bool) -> int:
    """Count, by listing them, the distinct relabellings (and sign flips) of tiny layers."""
    import itertools
    total = 1
    for n in widths:
        perms = len(list(itertools.permutations(range(n))))
        flips = len(list(itertools.product((1, -1), repeat=n))) if odd else 1
        total *= perms * flips
    return total


def _counts_match(count) -> bool:
    for widths in ([3], [2, 3], [1, 4, 2]):
        for odd in (False, True):
            got = count(widths, odd)
            if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
                raise AssertionError(f"count_equivalent({widths}, {odd}) returned {got!r}; return a whole "
                                     f"number (an int: math.factorial gives exact ones)")
            if got != _brute_force_count(widths, odd):
                return False
    return True


check.add("count-equivalent",
          satisfies(callable, "a function count_equivalent(hidden_widths, odd_activation=False)"),
          satisfies(_counts_match, "the number of parameter vectors that give the same function, for "
                                   "small layers (checked by listing every relabelling)"),
          hint="The layers can be rearranged independently, so their counts multiply. With an odd "
               "activation, ask what else each unit can do to its own weights without changing the "
               "function, independently of the others.")


# -- 3. the loss along a line ----------------------------------------------------------------------------

def _line_problem(seed):
    generator = np.random.default_rng(seed)
    sizes = [3, 4, 3]
    X, y = generator.normal(size=(12, 3)), generator.integers(0, 3, size=12)
    a, b = MLP(sizes, seed=seed).get_flat(), MLP(sizes, seed=seed + 1).get_flat()
    return sizes, a, b, X, y


def _reference_line(sizes, theta_start, theta_end, X, y, alphas):
    return loss_along_line(MLP(sizes), theta_start, theta_end, X, y, alphas)[1]


check.add("line-loss",
          function(inputs=[(*_line_problem(1), np.array([0.0, 0.5, 1.0])),
                           (*_line_problem(2), np.linspace(-2.0, 2.0, 5))],
                   reference=_reference_line),
          own_work(loss_along_line, inputs=[(*_line_problem(1), np.array([0.0, 1.0]))]),
          hint="Each alpha names one point of the line; the loss there is the loss of a network of the "
               "given sizes holding that point's parameters. One loss per alpha, as an array.")


# -- 4. predict, then check: the shape of the curve from 0 to 1 ------------------------------------------

def _training_line(sizes, theta_init, theta_star, X_train, y_train):
    """The training losses at alpha = 0, 0.05, ..., 1 from theta_init to theta_star, by optcourse."""
    return loss_along_line(MLP(sizes), theta_init, theta_star, X_train, y_train, np.linspace(0.0, 1.0, 21))[1]


def _shape_right(answer) -> None:
    """The student's three values against the lesson's line, computed again by optcourse; the lesson's
    network and data come along with the answer (see `answer=` below)."""
    losses, below, convex, sizes, theta_init, theta_star, X_train, y_train = answer
    got = np.asarray(losses, dtype=float) if isinstance(losses, (np.ndarray, list, tuple)) else None
    if got is None or got.shape != (21,):
        raise Mismatch("losses_01: an array of the 21 training losses at alpha = 0, 0.05, ..., 1",
                       f"losses_01 is {describe(losses)}")
    truth = _training_line(sizes, theta_init, theta_star, X_train, y_train)
    if not np.allclose(got, truth, rtol=1e-8):
        if np.allclose(got, truth[::-1], rtol=1e-8):
            detail = "the line runs the wrong way (alpha = 0 is the random start)"
        else:
            detail = "they are not the training losses along the line from theta_init to theta_star"
        raise Mismatch("losses_01: the 21 training losses at alpha = 0, 0.05, ..., 1", detail)
    for name, value, right in (("below_chord", below, truth[10] < (truth[0] + truth[-1]) / 2),
                               ("convex_on_segment", convex, np.all(np.diff(truth, 2) >= 0))):
        if not isinstance(value, (bool, np.bool_)):
            raise Mismatch(f"{name}: a boolean (True or False)", f"{name} is {describe(value)}")
        if bool(value) != bool(right):
            raise Mismatch(f"{name}: what the losses along the line say", f"{name} = {value}, which they contradict")


check.add("interpolation-shape", _shape_right,
          answer=("losses_01", "below_chord", "convex_on_segment", "sizes_01",
                  "theta_init", "theta_star", "X_train", "y_train"),
          hint="The losses are those of the training data at the points of alphas_01, from the random start "
               "(alpha = 0) to the trained network (alpha = 1). The chord at alpha = 0.5 is the mean of the two "
               "ends; on an evenly spaced grid a convex curve has no negative second difference.")


# -- 5. the angle between -gradient and the direction to the minimum -----------------------------------

def _angle_inputs():
    rng = np.random.default_rng(3)
    Q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    H3 = Q @ np.diag([0.5, 2.0, 30.0]) @ Q.T
    return [(np.diag([2.0, 5.0]), np.array([1.0, -1.0]), np.array([0.0, 0.0])),
            (H3, np.array([1.0, 2.0, -0.5]), np.array([0.3, -0.2, 0.1]))]


check.add("descent-angle",
          function(inputs=_angle_inputs(), reference=descent_angle, rtol=1e-6),
          own_work(descent_angle, inputs=_angle_inputs()[:1]),
          hint="First the two directions, -grad f(x) and x_star - x (for this f the gradient is the Hessian "
               "times the offset from the minimum); then the angle between them from their cosine, in "
               "degrees, in any dimension.")


# -- 6. the worst angle, in closed form -------------------------------------------------------------------

def _smallest_cosine_numerically(kappa_value: float) -> float:
    phi = np.linspace(0.0, math.pi / 2, 400_001)
    d = np.stack([np.cos(phi), np.sin(phi)])
    Hd = np.array([[1.0], [kappa_value]]) * d
    return float(np.min((d * Hd).sum(0) / np.linalg.norm(Hd, axis=0)))


def _worst_cosine_right(expr) -> bool:
    if not isinstance(expr, sp.Basic):
        raise AssertionError("worst_cosine should be a SymPy expression in kappa")
    names = {s.name for s in expr.free_symbols}
    if names - {"kappa"}:
        raise AssertionError(f"worst_cosine should depend on kappa only, but it contains {sorted(names - {'kappa'})}")
    kappa = next(iter(expr.free_symbols), sp.Symbol("kappa", positive=True))
    for value in (3.0, 40.0, 900.0):
        got = complex(sp.N(expr.subs(kappa, value)))
        if abs(got.imag) > 1e-9 or abs(got.real - _smallest_cosine_numerically(value)) > 1e-6:
            return False
    return True


check.add("worst-cosine",
          satisfies(_worst_cosine_right, "a SymPy expression in kappa equal to the smallest cosine over "
                                         "all directions (compared numerically for a few kappa)"),
          hint="The smallest cosine sits where its derivative vanishes inside the interval. Its square is "
               "easier to differentiate, has its smallest value at the same place, and in terms of "
               "s = tan(phi)**2 it is a ratio of polynomials.")
