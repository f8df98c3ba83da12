"""What every optimizer shares: the interface, inspectable and resettable state, the step count,
changing learning rates, dtypes, and clear errors that leave everything untouched."""
import inspect

import numpy as np
import pytest
from conftest import EVERY_OPTIMIZER, SCALAR_STATE, make

from optcourse import optim

NAMES = list(EVERY_OPTIMIZER)


def snapshot(opt):
    state = [{k: v.copy() for k, v in s.items()} for s in opt._state]
    return [p.copy() for p in opt.params], state, opt.t


def assert_untouched(opt, before):
    params, state, t = before
    for p, q in zip(opt.params, params):
        np.testing.assert_array_equal(p, q)
    for s, r in zip(opt._state, state):
        for k in r:
            np.testing.assert_array_equal(s[k], r[k])
    assert opt.t == t


@pytest.mark.parametrize("name", NAMES)
def test_one_array_or_a_list_updated_in_place(name, rng):
    x = rng.normal(size=5)
    x0 = x.copy()
    make(name, x).step(rng.normal(size=5))
    assert not np.array_equal(x, x0)
    w, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    w0, b0 = w.copy(), b.copy()
    opt = make(name, [w, b])
    opt.step([rng.normal(size=(3, 2)), rng.normal(size=2)])
    assert opt.params[0] is w and opt.params[1] is b
    assert not np.array_equal(w, w0) and not np.array_equal(b, b0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_dtype_is_kept(name, dtype, rng):
    x = rng.normal(size=(4, 3)).astype(dtype)
    opt = make(name, x)
    for _ in range(3):
        opt.step(rng.normal(size=(4, 3)).astype(dtype))
    assert x.dtype == dtype
    assert all(v.dtype == dtype for k, v in opt.state.items() if (name, k) not in SCALAR_STATE)


@pytest.mark.parametrize("name", NAMES)
def test_state_is_inspectable_counts_steps_and_resets(name, rng):
    x = rng.normal(size=3)
    opt = make(name, x)
    assert opt.t == 0
    for _ in range(4):
        opt.step(rng.normal(size=3))
    assert opt.t == 4
    assert set(opt.state) <= set(opt.state_names) and bool(opt.state) == bool(opt.state_names)
    for k, array in opt.state.items():
        assert isinstance(array, np.ndarray)
        assert array.shape == (() if (name, k) in SCALAR_STATE else x.shape)
    if opt.state_names:
        assert any(np.any(v != 0) for v in opt.state.values())
    assert name in repr(opt) and "t=4" in repr(opt)
    opt.reset()
    assert opt.t == 0
    for k, v in opt.state.items():
        np.testing.assert_array_equal(v, opt.initial_state(k, x))
    # after a reset the optimizer behaves as a new one
    y = x.copy()
    fresh = make(name, y)
    g = rng.normal(size=3)
    opt.step(g)
    fresh.step(g)
    np.testing.assert_array_equal(x, y)


def test_state_of_several_parameters_is_a_list_per_name():
    opt = optim.Adam([np.zeros(2), np.zeros((2, 2))])
    assert [m.shape for m in opt.state["m"]] == [(2,), (2, 2)]


def test_learning_rate_can_change_between_steps():
    x = np.array([0.0])
    opt = optim.SGD(x, lr=0.1)
    opt.step(np.array([1.0]))
    opt.lr = 0.5
    opt.step(np.array([1.0]))
    assert x[0] == pytest.approx(-0.6)


def test_schedule_attached_as_lr_is_called_with_the_step_count():
    x = np.array([0.0])
    opt = optim.SGD(x, lr=optim.step_decay(1.0, step_size=2, gamma=0.1))
    rates = []
    for _ in range(5):
        rates.append(opt.current_lr())
        opt.step(np.array([1.0]))
    np.testing.assert_allclose(rates, [1, 1, 0.1, 0.1, 0.01])
    assert x[0] == pytest.approx(-2.21)


def test_a_new_optimizer_is_state_names_and_an_update():
    class Momentum(optim.Optimizer):
        state_names = ("b",)

        def update(self, p, g, *, b, lr, t):
            b *= 0.5; b += g                      # b ← μb + g
            p -= lr * b                           # θ ← θ − ηb

    w, c = np.ones((2, 3)), np.ones(3)
    opt = Momentum([w, c], lr=0.1)
    for _ in range(2):
        opt.step([np.ones((2, 3)), np.ones(3)])
    np.testing.assert_allclose(w, 1 - 0.1 * (1 + 1.5))
    assert opt.state["b"][0].shape == (2, 3) and opt.t == 2


@pytest.mark.parametrize("name", NAMES)
def test_the_callers_gradient_is_never_written(name, rng):
    decay = {"weight_decay": 0.1} if "weight_decay" in inspect.signature(getattr(optim, name)).parameters else {}
    params = [rng.normal(size=(3, 2)), rng.normal(size=3)]
    opt = make(name, params, **decay)
    for _ in range(3):
        grads = [rng.normal(size=(3, 2)), rng.normal(size=3)]
        before = [g.copy() for g in grads]
        opt.step(grads)
        for g, b in zip(grads, before):
            np.testing.assert_array_equal(g, b)


@pytest.mark.parametrize("name", NAMES)
def test_a_gradient_view_in_another_memory_order_gives_the_same_step(name, rng):
    x = rng.normal(size=(2, 3))
    y = x.copy()
    g = np.asfortranarray(rng.normal(size=(2, 3)))
    make(name, x).step(g)
    make(name, y).step(np.ascontiguousarray(g))
    np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("dtype,big", [(np.float16, 300.0), (np.float32, 1e25), (np.float64, 1e200)])
def test_a_large_finite_gradient_steps_without_a_warning(dtype, big, recwarn):
    # Σg² overflows, so the finiteness check has to look closer; that is no reason to warn.
    x = np.zeros(3, dtype)
    optim.SignSGD(x, lr=0.5).step(np.array([big, -big, 0.0], dtype))
    np.testing.assert_array_equal(x, np.array([-0.5, 0.5, 0.0], dtype))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# ---- bad input ---------------------------------------------------------------------------------

BAD_GRADS = [
    ("wrong count", lambda ps: [np.ones_like(ps[0])], TypeError, "expected a list of 2"),
    ("wrong shape", lambda ps: [np.ones((2, 3)), np.ones(4)], ValueError, "shape"),
    ("single for list", lambda ps: np.ones_like(ps[0]), TypeError, "expected a list of 2"),
    ("nan", lambda ps: [np.ones_like(ps[0]), np.array([1.0, np.nan, 0.0])], ValueError, "NaN"),
    ("inf", lambda ps: [np.full_like(ps[0], np.inf), np.ones(3)], ValueError, "inf"),
    ("complex", lambda ps: [np.ones_like(ps[0]) * 1j, np.ones(3)], TypeError, "real"),
]


# Tiger applies its NaN rule instead of raising; that is tested in test_optim_sign.py.
@pytest.mark.parametrize("name,case", [(n, c) for n in NAMES for c in BAD_GRADS
                                       if not (n == "Tiger" and c[0] == "nan")],
                         ids=[f"{n}-{c[0]}" for n in NAMES for c in BAD_GRADS
                              if not (n == "Tiger" and c[0] == "nan")])
def test_bad_gradients_raise_and_change_nothing(name, case, rng):
    label, bad, error, words = case
    params = [rng.normal(size=(3, 2)), rng.normal(size=3)]
    opt = make(name, params)
    opt.step([rng.normal(size=(3, 2)), rng.normal(size=3)])   # some state to protect
    before = snapshot(opt)
    with pytest.raises(error, match=words):
        opt.step(bad(params))
    assert_untouched(opt, before)


def test_a_later_bad_gradient_does_not_leave_earlier_parameters_updated():
    a, b = np.ones(3), np.ones(3)
    opt = optim.Adam([a, b])
    with pytest.raises(ValueError, match=r"grads\[1\] contains NaN"):
        opt.step([np.ones(3), np.array([0.0, np.nan, 0.0])])
    np.testing.assert_array_equal(a, 1.0)


def test_single_parameter_given_a_list_says_so():
    with pytest.raises(TypeError, match="one gradient array"):
        optim.SGD(np.ones(2)).step([np.ones(2)])


def test_integer_and_list_gradients_are_accepted_as_numbers():
    x = np.zeros(2)
    optim.SGD(x, lr=0.5).step([1, 2])
    np.testing.assert_allclose(x, [-0.5, -1.0])


BAD_PARAMS = [
    ("integer", lambda: np.arange(3), TypeError, "floating point"),
    ("list of floats", lambda: [1.0, 2.0], TypeError, "not an ndarray"),
    ("empty list", lambda: [], TypeError, "non-empty"),
    ("not contiguous", lambda: np.ones((4, 4))[:, 1], ValueError, "contiguous"),
    ("read-only", lambda: np.frombuffer(b"\0" * 16), ValueError, "writeable"),
]


@pytest.mark.parametrize("case", BAD_PARAMS, ids=[c[0] for c in BAD_PARAMS])
@pytest.mark.parametrize("name", NAMES)
def test_bad_params_are_refused(name, case):
    label, params, error, words = case
    with pytest.raises(error, match=words):
        make(name, params())


def test_the_same_array_twice_is_refused():
    x = np.ones(2)
    with pytest.raises(ValueError, match="same array"):
        optim.Adam([x, x])


BAD_HYPER = [
    ("SGD", dict(lr=-0.1), "lr must be"),
    ("Adam", dict(lr=-1e-3), "lr must be"),
    ("Lion", dict(lr=float("nan")), "lr must be"),
    ("Adam", dict(betas=(0.9, 1.0)), r"betas\[1\] must lie in \[0, 1\)"),
    ("AdamW", dict(betas=(-0.1, 0.9)), r"betas\[0\]"),
    ("Lion", dict(betas=(0.9, 1.5)), r"betas\[1\]"),
    ("Adam", dict(betas=(0.9,)), "pair"),
    ("Adam", dict(eps=0.0), "eps must be .* > 0"),
    ("Adagrad", dict(eps=-1e-10), "eps"),
    ("RMSprop", dict(eps=0.0), "eps"),
    ("Adadelta", dict(eps=0.0), "eps"),
    ("Adadelta", dict(rho=1.5), "rho"),
    ("RMSprop", dict(alpha=-0.1), "alpha"),
    ("SGD", dict(momentum=-0.9), "momentum"),
    ("SGD", dict(nesterov=True, momentum=0.0), "nesterov"),
    ("SGD", dict(weight_decay=-1.0), "weight_decay"),
    ("Adagrad", dict(lr_decay=-1.0), "lr_decay"),
    ("Signum", dict(momentum=1.0), "momentum"),
    ("Tiger", dict(beta=1.0), "beta"),
    ("Tiger", dict(shrink_ratio=1.5), "shrink_ratio"),
    ("SGD", dict(lr="fast"), "lr must be a number or a schedule"),
]


@pytest.mark.parametrize("name,hyper,words", BAD_HYPER)
def test_bad_hyperparameters_are_refused_with_their_name(name, hyper, words):
    with pytest.raises((ValueError, TypeError), match=words):
        getattr(optim, name)(np.ones(2), **hyper)


def test_negative_lr_set_later_or_from_a_schedule_is_refused_and_changes_nothing():
    x = np.ones(2)
    opt = optim.SGD(x, lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        opt.lr = -0.1
    assert opt.lr == 0.1
    opt.lr = lambda t: 0.1 - 0.2 * t
    opt.step(np.ones(2))
    with pytest.raises(ValueError, match="at step 1"):
        opt.step(np.ones(2))
    np.testing.assert_allclose(x, 0.9)
    assert opt.t == 1
