"""The runner against closed forms, hand-written recurrences, SciPy and PyTorch."""
import math
from types import SimpleNamespace

import numpy as np
import pytest

from optcourse import optim
from optcourse.landscapes.derivatives import numerical_gradient
from optcourse.optim.schedules import cosine
from optcourse.experiments.runner import (NAMES, Run, Runs, curvature, optimizer_name, race, run, run_grid, run_many,
                              suggested_hyperparameters)
from optcourse.landscapes.surfaces import get_surface, quadratic


def quadratic_matrix(kappa, angle_degrees):
    """A = R diag(1, kappa) R^T, written out here rather than taken from the surface."""
    t = math.radians(angle_degrees)
    R = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    return R @ np.diag([1.0, kappa]) @ R.T


def rosenbrock_f(p):
    x, y = p[..., 0], p[..., 1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


# -- first-order optimizers against references ---------------------------------------------------

def test_gradient_descent_on_a_quadratic_is_the_matrix_power():
    s = quadratic(10, 30)
    A = quadratic_matrix(10, 30)
    lr, steps = 0.07, 60
    r = run("SGD", s, steps, lr=lr)
    expected = np.array([np.linalg.matrix_power(np.eye(2) - lr * A, k) @ s.start for k in range(steps + 1)])
    np.testing.assert_allclose(r.path, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r.loss, 0.5 * np.einsum("ki,ij,kj->k", expected, A, expected), rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(r.grad_norm, np.linalg.norm(expected @ A.T, axis=1), rtol=1e-11, atol=1e-15)
    assert r.steps == steps and not r.diverged and r.name == "SGD" and r.label == "SGD"


def test_momentum_is_the_heavy_ball_recurrence():
    s = get_surface("rosenbrock")
    lr, beta, steps = 5e-4, 0.9, 80
    r = run("Momentum", s, steps, lr=lr)            # the variant brings momentum=0.9
    assert r.hyperparameters["momentum"] == beta
    x_prev = x = s.start.copy()
    expected = [x]
    for _ in range(steps):                          # x+ = x - lr grad f(x) + beta (x - x_prev)
        x, x_prev = x - lr * s.gradient(x) + beta * (x - x_prev), x
        expected.append(x)
    np.testing.assert_allclose(r.path, np.array(expected), rtol=1e-10, atol=1e-12)


def test_nesterov_lookahead_takes_its_gradient_at_the_lookahead_point():
    # Sutskever et al.: PyTorch's Nesterov iterate is theta + mu v of the look-ahead form, and
    # theta_k - theta_{k-1} = v_k. Only right if the runner evaluates the gradient at theta + mu v.
    s, mu, lr = get_surface("himmelblau"), 0.9, 0.005
    look = run("NesterovLookahead", s, 60, lr=lr, momentum=mu).path
    torch_form = run("Nesterov", s, 60, lr=lr, momentum=mu).path
    np.testing.assert_allclose(torch_form[1:], look[1:] + mu * (look[1:] - look[:-1]), rtol=1e-10, atol=1e-12)


def test_adam_path_matches_torch():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; the Adam path is compared with "
                                                "torch.optim.Adam when it is (CI installs it)")
    s, steps = get_surface("rosenbrock"), 150
    r = run("Adam", s, steps, lr=0.05, betas=(0.8, 0.99))
    p = torch.tensor(s.start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.05, betas=(0.8, 0.99))
    path = [p.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        ((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2).backward()
        opt.step()
        path.append(p.detach().numpy().copy())
    np.testing.assert_allclose(r.path, np.array(path), rtol=1e-9, atol=1e-11)


def test_loss_and_gradient_norm_are_recorded_at_every_iterate():
    s = get_surface("rosenbrock")
    r = run("RMSprop", s, 40, lr=0.01)
    np.testing.assert_allclose(r.loss, rosenbrock_f(r.path), rtol=1e-13)
    for k in (0, 7, 40):
        g = numerical_gradient(lambda p: float(rosenbrock_f(p)), r.path[k])
        assert r.grad_norm[k] == pytest.approx(np.linalg.norm(g), rel=1e-7)


def test_distance_to_nearest_point():
    s = get_surface("himmelblau")
    r = run("Adam", s, 30, lr=0.1)
    brute = [min(np.hypot(*(p - m)) for m in s.minima) for p in r.path]
    np.testing.assert_allclose(r.distance_to(s.minima), brute, rtol=1e-14)
    with pytest.raises(ValueError, match="no points"):
        r.distance_to(np.zeros((0, 2)))


def test_a_diverging_run_stops_at_its_last_finite_point():
    s = quadratic(10, 0)
    lr = 1.0                                         # |1 - lr * 10| = 9: the error grows 9x per step
    short = run("SGD", s, 10, lr=lr)
    assert not short.diverged and short.steps == 10
    r = run("SGD", s, 1000, lr=lr)
    assert r.diverged
    assert 300 < r.steps < 400                       # 9^k overflows float64 near k = log(1e308)/log(9) = 323
    assert np.isfinite(r.path).all()
    k = np.arange(r.steps + 1)
    np.testing.assert_allclose(r.path[:, 1], s.start[1] * (1 - 10 * lr) ** k, rtol=1e-9)


# -- names and bad input ---------------------------------------------------------------------------

def test_names_ignore_case_and_punctuation():
    assert optimizer_name("l-bfgs") == "lbfgs"
    assert optimizer_name("ADAMW") == "AdamW"
    assert optimizer_name("heavy ball") == "HeavyBall"
    assert optimizer_name(optim.Lion) == "Lion"
    assert run(optim.SGD, "booth", 3, lr=0.01).name == "SGD"
    for name in NAMES:
        assert optimizer_name(name.upper()) == name


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="known: .*Adam.*bfgs"):
        run("Adamm", "rosenbrock")
    with pytest.raises(ValueError, match="steps must be a whole number"):
        run("SGD", "rosenbrock", steps=-1)
    with pytest.raises(ValueError, match="start must be one point"):
        run("SGD", "rosenbrock", start=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="start must be finite"):
        run("SGD", "rosenbrock", start=[np.nan, 0.0])
    with pytest.raises(TypeError, match="surface must be a Surface"):
        run("SGD", 3)
    with pytest.raises(ValueError, match="unknown surface"):
        run("SGD", "rosenbrok")
    with pytest.raises(ValueError, match="lr"):                 # the optimizer's own check
        run("SGD", "booth", lr=-0.1)
    with pytest.raises(ValueError, match="minimizer= only applies"):
        run("SGD", "booth", minimizer=lambda *a, **k: None)


# -- minimize methods --------------------------------------------------------------------------------

def stand_in_minimize(fun, x0, jac=None, hess=None, method="gd", options=None):
    """Fixed-step gradient descent with the interface of optcourse.secondorder.minimizer.minimize."""
    x, path = np.array(x0, dtype=float), [np.array(x0, dtype=float)]
    for _ in range(options["maxiter"]):
        x = x - 0.05 * jac(x)
        path.append(x.copy())
    return SimpleNamespace(path=np.array(path), x=x)


def real_minimize_or_stand_in():
    try:
        from optcourse.secondorder.minimizer import minimize
    except ImportError:
        return None
    return minimize


def test_minimize_methods_run_through_the_runner():
    minimize = real_minimize_or_stand_in()
    s = get_surface("rosenbrock")
    if minimize is None:        # optcourse.secondorder.minimizer not there (yet): the stand-in, passed explicitly
        r = run("gd", "booth", 50, minimizer=stand_in_minimize)
        np.testing.assert_allclose(r.path[-1], [1.0, 3.0], atol=1e-3)
        return
    scipy_optimize = pytest.importorskip("scipy.optimize")
    r = run("bfgs", s, 500)
    reference = scipy_optimize.minimize(lambda p: float(rosenbrock_f(p)), s.start, method="BFGS",
                                        jac=lambda p: s.gradient(p))
    np.testing.assert_array_equal(r.path[0], s.start)
    np.testing.assert_allclose(r.path[-1], reference.x, atol=1e-4)
    np.testing.assert_allclose(r.path[-1], [1.0, 1.0], atol=1e-5)
    np.testing.assert_allclose(r.loss, rosenbrock_f(r.path), rtol=1e-13)
    assert r.steps < 500 and r.name == "bfgs" and not r.diverged
    newton = run("newton", s, 100)                  # gets the Hessian: converges in few steps
    assert newton.steps < 40 and newton.loss[-1] < 1e-12
    capped = run("cg", s, 5)
    assert capped.steps == 5                         # steps is maxiter


def test_any_minimizer_with_a_path_is_accepted():
    calls = {}

    def spy(fun, x0, jac=None, hess=None, method=None, options=None):
        calls.update(method=method, hess=hess, options=options)
        return stand_in_minimize(fun, x0, jac, hess, method, options)

    r = run("lbfgs", "booth", 30, minimizer=spy, gtol=1e-9)
    assert calls["method"] == "lbfgs" and calls["hess"] is None
    assert calls["options"] == {"maxiter": 30, "gtol": 1e-9}
    A, b = np.array([[10.0, 8.0], [8.0, 10.0]]), np.array([34.0, 38.0])  # Booth: grad = A p - b
    x = get_surface("booth").start
    for _ in range(30):
        x = x - 0.05 * (A @ x - b)
    np.testing.assert_allclose(r.path[-1], x, rtol=1e-12)
    run("newton", "booth", 3, minimizer=spy)
    assert calls["hess"] is not None                # only Newton is given the Hessian
    with pytest.raises(TypeError, match="no 'path'"):
        run("bfgs", "booth", minimizer=lambda *a, **k: SimpleNamespace(x=np.zeros(2)))
    with pytest.raises(ValueError, match="shape"):
        run("bfgs", "booth", minimizer=lambda *a, **k: SimpleNamespace(path=np.zeros((3, 3))))


# -- suggested hyperparameters and races ----------------------------------------------------------------

def test_suggested_learning_rate_of_gradient_methods_is_one_over_the_curvature():
    assert curvature(quadratic(40, 20)) == pytest.approx(40.0)
    assert suggested_hyperparameters("SGD", quadratic(40, 20))["lr"] == pytest.approx(1 / 40)
    assert suggested_hyperparameters("Momentum", "booth")["lr"] == pytest.approx(1 / 18)  # eigenvalues 2, 18
    assert suggested_hyperparameters("Lion", "rosenbrock")["lr"] == pytest.approx(4.0 / 200)  # window 4 wide
    assert suggested_hyperparameters("bfgs", "rosenbrock") == {}
    tiger = suggested_hyperparameters("Tiger", "rosenbrock")
    assert tiger["kinds"] == "plain" and tiger["weight_decay"] == 0.0


@pytest.mark.parametrize("surface", ["rosenbrock", "beale", "himmelblau", "booth", "six_hump_camel",
                                     "rastrigin", "double_well"])
def test_suggested_settings_never_diverge_in_200_steps(surface):
    for name in ("SGD", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSprop", "Adam", "Lion", "Tiger"):
        r = race(surface, [name])[name]
        assert not r.diverged, f"{name} diverged on {surface}"
        assert r.loss[-1] < r.loss[0] + 1e-12 or name in ("Lion", "Tiger"), f"{name} went uphill on {surface}"


def test_race_runs_each_from_the_same_start_with_overrides():
    runs = race("rosenbrock", {"SGD": {}, "Adam": {"lr": 0.05},
                               "slow Adam": {"optimizer": "Adam", "lr": 0.005}}, steps=20, start=(-1.0, 2.0))
    assert list(runs) == ["SGD", "Adam", "slow Adam"]
    assert all(np.array_equal(r.path[0], [-1.0, 2.0]) for r in runs.values())
    assert runs["slow Adam"].name == "Adam" and runs["slow Adam"].hyperparameters["lr"] == 0.005
    assert runs["SGD"].hyperparameters["lr"] == pytest.approx(suggested_hyperparameters("SGD", "rosenbrock")["lr"])
    # Adam's first step moves each coordinate by about lr (the ratio m/sqrt(v) is 1 at t = 1).
    assert np.abs(runs["slow Adam"].path[1] - runs["slow Adam"].path[0]) == pytest.approx([0.005, 0.005], rel=1e-4)
    with pytest.raises(ValueError, match="at least one"):
        race("rosenbrock", [])


# -- many starts at once --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, hyper", [("SGD", dict(lr=0.01, momentum=0.5)), ("Adam", dict(lr=0.05)),
                                         ("Lion", dict(lr=0.02, weight_decay=0.1)), ("Tiger", dict(lr=0.02)),
                                         ("Adadelta", dict(lr=3.0)), ("AMSGrad", dict(lr=0.1))])
def test_run_many_gives_the_runs_one_by_one(name, hyper):
    starts = np.random.default_rng(0).uniform(-4, 4, size=(7, 2))
    many = run_many(name, "himmelblau", starts, 50, **hyper)
    assert isinstance(many, Runs) and len(many) == 7 and many.path.shape == (51, 7, 2)
    for i, start in enumerate(starts):
        one = run(name, "himmelblau", 50, start, **hyper)
        np.testing.assert_allclose(many.path[:, i], one.path, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(many.loss[:, i], one.loss, rtol=1e-12, atol=1e-14)
        assert isinstance(many[i], Run)


def test_run_many_freezes_only_the_starts_that_diverge():
    s = get_surface("rosenbrock")
    # lr 1e-3 is stable in Rosenbrock's valley (curvature ~1000) but not at x = 8 (curvature ~77000).
    starts = np.array([[-1.2, 1.0], [8.0, 0.0], [0.5, 0.5], [-8.0, 8.0]])
    many = run_many("SGD", s, starts, 300, lr=1e-3)
    np.testing.assert_array_equal(many.diverged, [False, True, False, True])
    for i in (0, 2):
        np.testing.assert_allclose(many.path[:, i], run("SGD", s, 300, starts[i], lr=1e-3).path, rtol=1e-12)
    for i in (1, 3):
        single = run("SGD", s, 300, starts[i], lr=1e-3)
        assert single.diverged and many[i].steps == single.steps
        np.testing.assert_allclose(many[i].path, single.path, rtol=1e-12)
        assert np.isnan(many.path[-1, i]).all()


def test_run_many_refuses_what_it_cannot_vectorise():
    with pytest.raises(ValueError, match="run\\(\\) once per start"):
        run_many("bfgs", "rosenbrock", np.zeros((3, 2)))
    with pytest.raises(ValueError, match="Nesterov"):
        run_many("NesterovLookahead", "rosenbrock", np.zeros((3, 2)))
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        run_many("SGD", "rosenbrock", np.zeros(4))


@pytest.mark.parametrize("name, extra", [("SGD", {"momentum": 0.9, "nesterov": True}), ("Adagrad", {"lr_decay": 0.01}),
                                         ("Adadelta", {"rho": 0.95}), ("RMSprop", {"centered": True}),
                                         ("Adam", {"amsgrad": True}), ("Lion", {}), ("Signum", {}),
                                         ("AdamW", {}), ("Tiger", {})])
def test_run_grid_matches_one_run_many_per_setting(name, extra):
    # run_grid shares one optimizer between settings that differ only in lr (scaled directions);
    # each setting must still follow its own run_many path, schedules and diverging starts included
    starts = np.array([[1.0, -0.5], [-2.0, 2.5], [0.3, 0.2]])
    settings = [{"lr": 0.01, **extra}, {"lr": cosine(0.3, 40), **extra}, {"lr": 50.0, **extra},
                {"lr": 0.05, **{**extra, "weight_decay": 0.1}}]
    grid = run_grid(name, "himmelblau", starts, settings, steps=40)
    for setting, runs in zip(settings, grid):
        alone = run_many(name, "himmelblau", starts, steps=40, **setting)
        np.testing.assert_allclose(runs.path, alone.path, rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(runs.diverged, alone.diverged)
        assert runs.hyperparameters == alone.hyperparameters


def test_run_grid_records_the_same_loss_with_a_surface_that_computes_f_with_its_gradient():
    from optcourse.landscapes.surfaces import random_surface
    surface = random_surface(5)
    assert surface.fdf is not None
    starts = np.array([[1.0, -0.5], [-2.0, 2.5], [0.3, 0.2]])
    settings = [{"lr": 0.05}, {"lr": 400.0}]                            # the second diverges
    with_fdf = run_grid("Adam", surface, starts, settings, steps=30)
    from optcourse.landscapes.surfaces import Surface
    without = run_grid("Adam", Surface(surface.name, "", surface.f, surface.df, surface.d2f, surface.bounds,
                                       surface.start, surface.minima), starts, settings, steps=30)
    for a, b in zip(with_fdf, without):
        np.testing.assert_allclose(a.loss, b.loss, rtol=1e-12, atol=1e-14, equal_nan=True)
        np.testing.assert_allclose(a.path, b.path, rtol=1e-12, atol=1e-14, equal_nan=True)
