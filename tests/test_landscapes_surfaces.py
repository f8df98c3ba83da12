"""Surfaces: value, gradient and Hessian against SymPy's derivatives of the textbook formulas,
minima against published values, random surfaces against a fine grid and SciPy's finite differences."""
import math

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import approx_fprime

from optcourse import optim
from optcourse.landscapes.surfaces import SURFACES, get_surface, quadratic, random_surface

x, y = sp.symbols("x y")

# The formulas as the literature writes them (Surjanovic and Bingham's Virtual Library of
# Simulation Experiments; Wikipedia's "Test functions for optimization"), typed in again here.
FORMULAS = {
    "rosenbrock": (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "beale": (sp.Rational(3, 2) - x + x * y) ** 2 + (sp.Rational(9, 4) - x + x * y**2) ** 2
    + (sp.Rational(21, 8) - x + x * y**3) ** 2,
    "himmelblau": (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "booth": (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "six_hump_camel": (4 - sp.Rational(21, 10) * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2,
    "rastrigin": 20 + x**2 - 10 * sp.cos(2 * sp.pi * x) + y**2 - 10 * sp.cos(2 * sp.pi * y),
    "saddle": x**2 - y**2,
    "monkey_saddle": x**3 - 3 * x * y**2,
    "double_well": (x**2 - 1) ** 2 + x / 2 + y**2,
}

# Published minimisers (same sources), to about 6 digits.
PUBLISHED_MINIMA = {
    "rosenbrock": [(1, 1)],
    "beale": [(3, 0.5)],
    "himmelblau": [(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
    "booth": [(1, 3)],
    "six_hump_camel": [(0.089842, -0.712656), (-0.089842, 0.712656)],   # the two global ones
    "rastrigin": [(0, 0)],
}


def reference(expr, points):
    """Value, gradient and Hessian of a SymPy formula at points (..., 2), entry by entry."""
    grad = [sp.diff(expr, v) for v in (x, y)]
    hess = sp.hessian(expr, (x, y))
    px, py = points[..., 0], points[..., 1]

    def num(e):
        return np.broadcast_to(sp.lambdify((x, y), e, "numpy")(px, py), px.shape).astype(float)

    return (num(expr), np.stack([num(g) for g in grad], -1),
            np.stack([np.stack([num(hess[i, j]) for j in range(2)], -1) for i in range(2)], -2))


def sample_points(surface, shape, seed=0):
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, shape), rng.uniform(y0, y1, shape)], -1)


@pytest.mark.parametrize("name", FORMULAS)
def test_value_gradient_hessian_match_sympy(name):
    s = get_surface(name)
    points = sample_points(s, (4, 5))        # a small grid-shaped batch
    f, g, H = reference(FORMULAS[name], points)
    scale = 1 + np.abs(f).max()
    np.testing.assert_allclose(s.value(points), f, rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(s.gradient(points), g, rtol=1e-11, atol=1e-11 * scale)
    np.testing.assert_allclose(s.hessian(points), H, rtol=1e-11, atol=1e-11 * scale)
    p = points[0, 0]                         # one point in, one point out
    assert isinstance(s.value(p), float) and s.gradient(p).shape == (2,) and s.hessian(p).shape == (2, 2)


@pytest.mark.parametrize("condition, angle", [(1.0, 0.0), (10.0, 30.0), (250.0, -70.0)])
def test_quadratic_matches_its_definition(condition, angle):
    s = quadratic(condition, angle, center=(0.5, -1.0))
    t = sp.rad(sp.nsimplify(angle))
    R = sp.Matrix([[sp.cos(t), -sp.sin(t)], [sp.sin(t), sp.cos(t)]])
    d = sp.Matrix([x - sp.Rational(1, 2), y + 1])
    expr = (d.T * R * sp.diag(1, sp.nsimplify(condition)) * R.T * d)[0] / 2
    points = sample_points(s, (7,), seed=1)
    for ours, ref in zip((s.value(points), s.gradient(points), s.hessian(points)), reference(expr, points)):
        np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-10 * condition)
    eigenvalues, vectors = np.linalg.eigh(s.hessian([0.0, 0.0]))
    np.testing.assert_allclose(eigenvalues, [1.0, condition])
    if condition > 1:   # the flat direction (eigenvalue 1) points along the angle
        along = np.array([math.cos(math.radians(angle)), math.sin(math.radians(angle))])
        assert abs(vectors[:, 0] @ along) == pytest.approx(1.0)
    np.testing.assert_allclose(s.minima, [[0.5, -1.0]])


@pytest.mark.parametrize("name", PUBLISHED_MINIMA)
def test_minima_match_published_values(name):
    s = get_surface(name)
    published = np.array(PUBLISHED_MINIMA[name], dtype=float)
    for p in published:
        assert np.min(np.linalg.norm(s.minima - p, axis=1)) < 2e-6, f"{name}: {p} not among {s.minima}"
    assert s.min_value == pytest.approx(float(FORMULAS[name].subs({x: published[0][0], y: published[0][1]})),
                                        abs=1e-9)


@pytest.mark.parametrize("name", ["rosenbrock", "beale", "himmelblau", "booth", "six_hump_camel",
                                  "rastrigin", "double_well", "quadratic"])
def test_listed_minima_are_minima_lowest_first(name):
    s = get_surface(name)
    assert len(s.minima) >= 1
    assert np.abs(s.gradient(s.minima)).max() < 1e-9
    assert (np.linalg.eigvalsh(s.hessian(s.minima)) > 0).all()
    values = s.value(s.minima)
    assert np.all(np.diff(values) >= -1e-12)
    X, Y, Z = s.grid(301)
    assert s.min_value <= Z.min() + 1e-12, "the grid found a lower point than the listed minimum"


def test_six_hump_camel_has_its_six_minima():
    s = get_surface("six_hump_camel")
    # Published: global -1.0316 at ±(0.0898, -0.7126); -0.2155 at ±(1.7036, -0.7961); 2.1043 at ±(1.6071, 0.5687).
    np.testing.assert_allclose(np.sort(s.value(s.minima)), [-1.0316, -1.0316, -0.2155, -0.2155, 2.1043, 2.1043],
                               atol=1e-4)


def test_double_well_minima_are_the_roots_of_the_cubic():
    s = get_surface("double_well")
    roots = sorted(float(r) for r in sp.Poly(sp.diff(FORMULAS["double_well"], x), x).nroots() if r.is_real)
    np.testing.assert_allclose(s.minima, [[roots[0], 0.0], [roots[2], 0.0]], atol=1e-12)
    assert s.value(s.minima[0]) < s.value(s.minima[1])       # the deep one first
    assert s.value([roots[1], 0.0]) - s.value(s.minima[1]) == pytest.approx(0.55, abs=0.01)


def test_double_well_momentum_carries_over_the_ridge():
    """Lesson 04: from the same start, plain gradient descent stops in the shallow well."""
    s = get_surface("double_well")
    ends = {}
    for momentum in (0.0, 0.5, 0.9):
        p = s.start.copy()
        opt = optim.SGD(p, lr=0.01, momentum=momentum)
        for _ in range(3000):
            opt.step(s.gradient(p))
        ends[momentum] = p
    np.testing.assert_allclose(ends[0.0], s.minima[1], atol=1e-6)
    np.testing.assert_allclose(ends[0.5], s.minima[1], atol=1e-6)
    np.testing.assert_allclose(ends[0.9], s.minima[0], atol=1e-6)


def test_saddles_have_no_minima_and_the_right_curvature():
    assert len(get_surface("saddle").minima) == 0 and math.isnan(get_surface("saddle").min_value)
    np.testing.assert_array_equal(get_surface("saddle").hessian([0.3, -2.0]), [[2, 0], [0, -2]])
    np.testing.assert_array_equal(get_surface("monkey_saddle").hessian([0.0, 0.0]), np.zeros((2, 2)))


def test_grid_covers_the_bounds():
    s = get_surface("himmelblau")
    X, Y, Z = s.grid(11)
    assert X.shape == Y.shape == Z.shape == (11, 11)
    assert (X.min(), X.max(), Y.min(), Y.max()) == (-5, 5, -5, 5)
    np.testing.assert_allclose(Z, reference(FORMULAS["himmelblau"], np.stack([X, Y], -1))[0])
    X, Y, Z = get_surface("booth").grid(5)                    # constant Hessian, still full grids
    assert Z.shape == (5, 5)


# -- random surfaces ----------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 7])
def test_random_surface_derivatives_match_finite_differences(seed):
    s = random_surface(seed)
    for p in sample_points(s, (6,), seed=seed):
        g = approx_fprime(p, s.value, 1e-7)
        np.testing.assert_allclose(s.gradient(p), g, rtol=1e-5, atol=1e-6)
        H = np.array([approx_fprime(p, lambda q, i=i: s.gradient(q)[i], 1e-7) for i in range(2)])
        np.testing.assert_allclose(s.hessian(p), H, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("seed", [0, 3, 11, 12, 19])
def test_random_surface_minima_are_all_found(seed):
    s = random_surface(seed)
    assert len(s.minima) >= 1
    assert np.abs(s.gradient(s.minima)).max() < 1e-10
    assert (np.linalg.eigvalsh(s.hessian(s.minima)) > 0).all()
    # Every interior point of a fine grid lower than its 8 neighbours lies next to a listed minimum,
    # and no grid point is lower than the global one.
    X, Y, Z = s.grid(401)
    assert s.min_value <= Z.min() + 1e-12
    centre = Z[1:-1, 1:-1]
    lower = np.ones_like(centre, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                lower &= centre < Z[1 + di:Z.shape[0] - 1 + di, 1 + dj:Z.shape[1] - 1 + dj]
    spacing = X[0, 1] - X[0, 0]
    for i, j in zip(*np.nonzero(lower)):
        q = np.array([X[i + 1, j + 1], Y[i + 1, j + 1]])
        assert np.min(np.linalg.norm(s.minima - q, axis=1)) < 2 * spacing, f"grid minimum {q} not listed"


def test_random_surfaces_are_reproducible_and_differ_by_seed():
    a, b, c = random_surface(5), random_surface(5), random_surface(6)
    points = sample_points(a, (10,))
    np.testing.assert_array_equal(a.value(points), b.value(points))
    np.testing.assert_array_equal(a.minima, b.minima)
    assert not np.allclose(a.value(points), c.value(points))
    assert get_surface("random", seed=5).value(points[0]) == a.value(points[0])


# -- bad input --------------------------------------------------------------------------------------

def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError) as error:
        get_surface("rosenbrok")
    for name in SURFACES:
        assert name in str(error.value)
    assert get_surface("Six-Hump Camel").name == "six_hump_camel"


def test_bad_input_gets_clear_errors():
    s = get_surface("rosenbrock")
    with pytest.raises(ValueError, match=r"shape \(2,\) or \(\.\.\., 2\)"):
        s.value([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="shape"):
        s.gradient(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="shape"):
        s.hessian(1.0)
    for seed in (-1, 1.5, True, "3"):
        with pytest.raises(ValueError, match="seed"):
            random_surface(seed)
    with pytest.raises(ValueError, match="n_bumps"):
        random_surface(0, n_bumps=0)
    with pytest.raises(ValueError, match="condition_number"):
        quadratic(0.5)
    with pytest.raises(ValueError, match="tilt"):
        get_surface("double_well", tilt=3.0)
    with pytest.raises(TypeError, match="seed"):             # says which options exist
        get_surface("random", sed=1)
    with pytest.raises(ValueError, match="n must be"):
        s.grid(1)
