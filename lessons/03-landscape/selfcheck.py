"""Self-checks of lesson 03, the landscape of deep networks.

Each check computes what it compares with from optcourse (or checks a property); no answer is
written out here.
"""
import math

import numpy as np
import sympy as sp

from optcourse.course.checks import SelfChecks, function, satisfies
from optcourse.landscapes.conditioning import descent_angle
from optcourse.learning.network import MLP, loss_along_line, permute_hidden_units

check = SelfChecks()


# -- 1. permuting a hidden layer ------------------------------------------------------------------------

def _same_as_optcourse_permutation(permute_layer) -> bool:
    """On a network with two hidden layers: the same arrays as optcourse's permute_hidden_units,
    the input list left as it was."""
    net = MLP([5, 4, 3, 2], seed=11)
    rng = np.random.default_rng(5)
    for layer in (0, 1):
        perm = rng.permutation(net.sizes[layer + 1])
        before = [p.copy() for p in net.params]
        got = permute_layer(net.params, layer, perm)
        if not all(np.array_equal(p, q) for p, q in zip(net.params, before)):
            raise AssertionError("it changed the arrays it was given; build new ones instead")
        want = permute_hidden_units(net, layer, perm).params
        if not isinstance(got, list) or len(got) != len(want):
            return False
        if not all(np.shape(g) == w.shape and np.allclose(g, w) for g, w in zip(got, want)):
            return False
    return True


check.add("permute-layer",
          satisfies(callable, "a function permute_layer(params, layer, perm)"),
          satisfies(_same_as_optcourse_permutation,
                    "a new list [W_1, b_1, W_2, b_2, ...] whose hidden units in `layer` are reordered, "
                    "the given arrays left unchanged"),
          hint="A hidden unit owns a column of the weights into its layer, an entry of its bias and a row "
               "of the weights out of it: all three must move together, and nothing else. Fancy indexing "
               "(W[:, perm]) makes copies, so the given arrays stay as they were.")


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
          hint="For each alpha: theta = (1 - alpha) * theta_start + alpha * theta_end; put it into an "
               "MLP(sizes) with set_flat and ask for .loss(X, y). Return np.array of the losses.")


# -- 4. predict, then check: the shape of the curve from 0 to 1 ------------------------------------------

def _shape_consistent(answer) -> bool:
    if not (isinstance(answer, tuple) and len(answer) == 3):
        return False
    losses, below, convex = answer
    losses = np.asarray(losses, dtype=float)
    if losses.shape != (21,) or not np.isfinite(losses).all() or (losses <= 0).any():
        raise AssertionError("losses_01 should hold the 21 (positive, finite) training losses at "
                             "alpha = 0, 0.05, ..., 1")
    if not isinstance(below, (bool, np.bool_)) or not isinstance(convex, (bool, np.bool_)):
        raise AssertionError("below_chord and convex_on_segment should be booleans (True or False)")
    chord = (losses[0] + losses[-1]) / 2
    if bool(below) != bool(losses[10] < chord):
        raise AssertionError("below_chord does not agree with your own losses_01: compare the loss at "
                             "alpha = 0.5 (losses_01[10]) with the mean of the two ends")
    if bool(convex) != bool(np.all(np.diff(losses, 2) >= -1e-12)):
        raise AssertionError("convex_on_segment does not agree with your own losses_01: on an evenly "
                             "spaced grid a convex curve has second differences >= 0 everywhere")
    return True


check.add("interpolation-shape",
          satisfies(_shape_consistent, "(losses_01, below_chord, convex_on_segment): 21 losses and two "
                                       "booleans that follow from them"),
          hint="loss_along_line(net, theta_init, theta_star, X_train, y_train, alphas_01) gives the losses; "
               "np.diff(losses, 2) gives the second differences.")


# -- 5. the angle between -gradient and the direction to the minimum -----------------------------------

def _angle_inputs():
    rng = np.random.default_rng(3)
    Q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    H3 = Q @ np.diag([0.5, 2.0, 30.0]) @ Q.T
    return [(np.diag([2.0, 5.0]), np.array([1.0, -1.0]), np.array([0.0, 0.0])),
            (H3, np.array([1.0, 2.0, -0.5]), np.array([0.3, -0.2, 0.1]))]


check.add("descent-angle",
          function(inputs=_angle_inputs(), reference=descent_angle, rtol=1e-6),
          hint="The gradient of f at x is H (x - x_star). The angle between two vectors a and b is "
               "arccos(a·b / (|a| |b|)); np.degrees converts radians to degrees.")


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
          hint="Write cos² in terms of s = tan(phi)**2 (divide the numerator and denominator by cos(phi)**4), "
               "set its derivative in s to zero with sp.solve, put the root back and take the square root.")
