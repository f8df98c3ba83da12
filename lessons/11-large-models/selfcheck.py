"""Self-checks of lesson 11, optimizers for large models.

Each check compares with optcourse (the state Adafactor really keeps, LARS's own local rate, the
Newton-Schulz polynomial) or with a property (the l1 steepest direction reaches the dual norm);
no answer is written out here. A failing check names the property, the input and the direction
of the error.
"""
import numpy as np

from optcourse import optim
from optcourse.course.checks import Mismatch, SelfChecks, describe, satisfies
from optcourse.optim.muon import CUBIC_COEFFICIENTS, MUON_COEFFICIENTS, newton_schulz_polynomial

check = SelfChecks()


def _whole_number(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _direction(got, want) -> str:
    return "too many" if got > want else "too few"


# -- 1. the numbers Adafactor keeps ---------------------------------------------------------------------

_SHAPES = [(64, 32), (7,), (), (2, 3, 4), (1, 5), (6, 1), (3, 2, 2, 5)]


def _counts_like_adafactor(count) -> None:
    for shape in _SHAPES:
        kept = optim.Adafactor(np.zeros(shape)).state
        want = sum(a.size for a in kept.values())
        got = count(shape)
        if not _whole_number(got):
            raise Mismatch("an int", f"for shape {shape} a {type(got).__name__}")
        if got != want:
            raise Mismatch("the number of second-moment entries optim.Adafactor keeps for each shape",
                           f"for shape {shape}: {_direction(got, want)}")


check.add("adafactor-numbers",
          satisfies(callable, "a function adafactor_state_numbers(shape)"),
          _counts_like_adafactor,
          hint="A parameter with two or more dimensions keeps one number per row and one per column of "
               "each of its matrices (the last two dimensions); anything else keeps its full second moment.")


# -- 2. LARS's local learning rates -------------------------------------------------------------------------

def _lars_cases():
    rng = np.random.default_rng(11)
    W, b, V = rng.normal(size=(5, 3)), np.zeros(3), rng.normal(size=(2, 3, 2)) * 10
    return [
        ("a matrix and a zero bias", [W, b], [rng.normal(size=(5, 3)), rng.normal(size=3)], 0.001, 0.0),
        ("weight decay 0.01", [W, V], [rng.normal(size=(5, 3)) * 1e-3, rng.normal(size=(2, 3, 2))], 0.02, 0.01),
        ("a zero gradient", [W, rng.normal(size=4)], [np.zeros((5, 3)), rng.normal(size=4)], 0.001, 0.0),
    ]


def _rates_like_lars(rates) -> None:
    for label, params, grads, eta, beta in _lars_cases():
        got = rates([p.copy() for p in params], [g.copy() for g in grads], eta, beta)
        if not isinstance(got, list) or len(got) != len(params):
            raise Mismatch(f"a list of {len(params)} numbers, one per layer", f"for {label}: {describe(got)}")
        lars = optim.LARS(np.zeros(1), trust_coefficient=eta, weight_decay=beta)
        for i, (p, g, r) in enumerate(zip(params, grads, got)):
            if not isinstance(r, float):
                raise Mismatch("each rate a float", f"for {label}, layer {i}: a {type(r).__name__}")
            want = lars.local_lr(p, g)
            if not np.isclose(r, want, rtol=1e-9, atol=0.0):
                raise Mismatch("λ = trust_coefficient·‖w‖/(‖g‖ + weight_decay·‖w‖) per layer (1 where a norm is 0)",
                               f"for {label}, layer {i} (shape {p.shape}): {'too large' if r > want else 'too small'}")


check.add("lars-rates",
          satisfies(callable, "a function lars_local_rates(params, grads, trust_coefficient, weight_decay)"),
          _rates_like_lars,
          hint="One number per parameter array, from the norms of the whole array (all its entries). Think "
               "about what the ratio should be when a layer is all zeros, as a bias starts.")


# -- 3. steepest descent in the l1 norm -----------------------------------------------------------------------

def _l1_cases():
    rng = np.random.default_rng(3)
    return [rng.normal(size=6), rng.normal(size=(4, 5)), np.array([0.5, -3.0, 2.0]),
            rng.normal(size=(3, 2)) * 1e-6, np.zeros(4)]


def _steepest_in_l1(direction) -> None:
    for g in _l1_cases():
        d = np.asarray(direction(g.copy()), dtype=float)
        shown = f"g of shape {g.shape}" + (" (all zeros)" if not g.any() else "")
        if d.shape != g.shape:
            raise Mismatch("an array of g's shape", f"for {shown}: shape {d.shape}")
        size = np.abs(d).sum()
        if size > 1 + 1e-9:
            raise Mismatch("‖d‖₁ ≤ 1", f"for {shown}: ‖d‖₁ = {size:.3g}, too long")
        slope, best = float(np.vdot(g, d)), -float(np.abs(g).max())
        if slope > best + 1e-9 * max(1.0, abs(best)):
            raise Mismatch("the smallest ⟨g, d⟩ any d with ‖d‖₁ ≤ 1 can reach",
                           f"for {shown}: ⟨g, d⟩ is larger than that (the step goes downhill too slowly"
                           f"{', or uphill' if slope > 0 else ''})")


check.add("l1-direction",
          satisfies(callable, "a function l1_steepest_direction(g)"),
          _steepest_in_l1,
          hint="⟨g, d⟩ is a weighted sum of the entries of d with weights g. With a fixed budget Σ|dᵢ| ≤ 1 to "
               "spend, where does one unit of budget lower the sum most?")


# -- 4. Newton-Schulz steps --------------------------------------------------------------------------------

_NS_CASES = [(1e-3, CUBIC_COEFFICIENTS, 0.5), (1e-3, MUON_COEFFICIENTS, 0.5), (0.3, CUBIC_COEFFICIENTS, 0.99),
             (0.05, MUON_COEFFICIENTS, 0.7), (0.8, MUON_COEFFICIENTS, 0.5), (0.25, (2.0, -1.5, 0.5), 0.9),
             (0.6, CUBIC_COEFFICIENTS, 0.6)]


def _counts_like_the_polynomial(steps) -> None:
    for sigma, coefficients, target in _NS_CASES:
        got = steps(sigma, coefficients, target)
        shown = f"sigma = {sigma}, coefficients = {coefficients}, target = {target}"
        if not _whole_number(got):
            raise Mismatch("an int", f"for {shown}: a {type(got).__name__}")
        reached = newton_schulz_polynomial(sigma, coefficients, int(got)) >= target
        earlier = got > 0 and newton_schulz_polynomial(sigma, coefficients, int(got) - 1) >= target
        if not reached or earlier or got < 0:
            raise Mismatch("the smallest k ≥ 0 with p applied k times to sigma ≥ target",
                           f"for {shown}: {got}, {'too few' if not reached or got < 0 else 'too many'}")


check.add("ns-steps",
          satisfies(callable, "a function newton_schulz_steps(sigma, coefficients, target)"),
          _counts_like_the_polynomial,
          hint="Apply p(x) = a x + b x³ + c x⁵ to sigma again and again and count; zero applications are "
               "allowed when sigma already reaches the target.")
