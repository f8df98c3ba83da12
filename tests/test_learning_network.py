"""The NumPy network against PyTorch autograd and finite differences; Lanczos against NumPy's eigvalsh;
symmetries and landscape probes against direct evaluation."""
import numpy as np
import pytest

from optcourse import optim
from optcourse.landscapes.derivatives import numerical_gradient
from optcourse.learning.network import (MLP, filter_normalized_direction, flatten, hessian_extreme_eigenvalues,
                                        lanczos_eigenvalues, loss_along_line,
                                        loss_surface, permute_hidden_units,
                                        rescale_hidden_unit)

SIZES = [5, 7, 6, 3]


def torch_or_skip():
    return pytest.importorskip("torch", reason="PyTorch is not installed; `pip install torch` to compare the "
                                               "network's gradients and Hessian-vector products with autograd")


@pytest.fixture
def problem():
    """A small network away from its initialisation (nonzero biases) and random data."""
    rng = np.random.default_rng(0)
    net = MLP(SIZES, seed=1)
    net.set_flat(net.get_flat() + 0.2 * rng.standard_normal(net.n_params))
    X = rng.standard_normal((40, SIZES[0]))
    y = rng.integers(0, SIZES[-1], size=40)
    return net, X, y


def torch_loss(torch, theta, sizes, X, y):
    """The same network written with torch: z = a W + b, ReLU between layers, mean cross-entropy."""
    a, start = torch.as_tensor(X), 0
    for layer, (d_in, d_out) in enumerate(zip(sizes, sizes[1:])):
        W = theta[start:start + d_in * d_out].reshape(d_in, d_out)
        b = theta[start + d_in * d_out:start + d_in * d_out + d_out]
        start += d_in * d_out + d_out
        a = a @ W + b
        if layer < len(sizes) - 2:
            a = torch.relu(a)
    return torch.nn.functional.cross_entropy(a, torch.as_tensor(y))


def loss_of_flat(net, X, y):
    def f(theta):
        twin = net.copy()
        twin.set_flat(theta)
        return twin.loss(X, y)
    return f


# -- gradients and Hessian-vector products ------------------------------------------------------------

def test_loss_and_gradient_match_torch_autograd(problem):
    torch = torch_or_skip()
    net, X, y = problem
    theta = torch.tensor(net.get_flat(), requires_grad=True)
    loss = torch_loss(torch, theta, SIZES, X, y)
    (grad,) = torch.autograd.grad(loss, theta)
    ours, grads = net.loss_and_gradient(X, y)
    assert ours == pytest.approx(loss.item(), rel=1e-13)
    assert [g.shape for g in grads] == [p.shape for p in net.params]
    np.testing.assert_allclose(flatten(grads), grad.numpy(), rtol=1e-11, atol=1e-14)


def test_gradient_matches_finite_differences(problem):
    net, X, y = problem
    numeric = numerical_gradient(loss_of_flat(net, X, y), net.get_flat())
    np.testing.assert_allclose(flatten(net.loss_and_gradient(X, y)[1]), numeric, rtol=1e-6, atol=1e-9)


def test_hessian_vector_product_matches_torch_double_backward(problem):
    torch = torch_or_skip()
    net, X, y = problem
    theta = torch.tensor(net.get_flat(), requires_grad=True)
    (grad,) = torch.autograd.grad(torch_loss(torch, theta, SIZES, X, y), theta, create_graph=True)
    rng = np.random.default_rng(2)
    for _ in range(3):
        v = rng.standard_normal(net.n_params)
        (Hv,) = torch.autograd.grad(grad @ torch.as_tensor(v), theta, retain_graph=True)
        np.testing.assert_allclose(net.hessian_vector_product(X, y, v), Hv.numpy(), rtol=1e-10, atol=1e-13)


def test_hessian_vector_product_matches_differences_of_the_gradient(problem):
    net, X, y = problem
    v = np.random.default_rng(3).standard_normal(net.n_params)
    h = 1e-6

    def grad_at(theta):
        twin = net.copy()
        twin.set_flat(theta)
        return flatten(twin.loss_and_gradient(X, y)[1])

    theta = net.get_flat()
    numeric = (grad_at(theta + h * v) - grad_at(theta - h * v)) / (2 * h)
    np.testing.assert_allclose(net.hessian_vector_product(X, y, v), numeric, rtol=1e-5, atol=1e-8)


def test_explicit_hessian_matches_torch(problem):
    torch = torch_or_skip()
    net, X, y = problem
    H = torch.autograd.functional.hessian(lambda t: torch_loss(torch, t, SIZES, X, y),
                                          torch.tensor(net.get_flat())).numpy()
    np.testing.assert_allclose(net.hessian(X, y), H, rtol=1e-9, atol=1e-12)


# -- Lanczos --------------------------------------------------------------------------------------------

def test_lanczos_with_full_dimension_gives_every_eigenvalue():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 30))
    A = A + A.T
    np.testing.assert_allclose(lanczos_eigenvalues(lambda v: A @ v, 30, n_iter=30), np.linalg.eigvalsh(A),
                               atol=1e-10)
    D = np.diag([1.0, 2.0, 10.0])   # stops early once the Krylov space is invariant
    np.testing.assert_allclose(lanczos_eigenvalues(lambda v: D @ v, 3, n_iter=50), [1.0, 2.0, 10.0])


def test_hessian_extremes_by_lanczos_match_eigvalsh(problem):
    net, X, y = problem
    exact = np.linalg.eigvalsh(net.hessian(X, y))
    assert exact[0] < 0 < exact[-1]            # this point is a saddle of the loss
    lo, hi = hessian_extreme_eigenvalues(net, X, y, n_iter=40)     # 40 products for 111 parameters
    assert net.n_params > 100
    assert lo == pytest.approx(exact[0], rel=1e-6)
    assert hi == pytest.approx(exact[-1], rel=1e-8)


# -- parameters: list and flat vector -------------------------------------------------------------------

def test_params_are_views_of_one_flat_vector(problem):
    net, X, y = problem
    assert [p.shape for p in net.params] == [(5, 7), (7,), (7, 6), (6,), (6, 3), (3,)]
    assert net.n_params == 5 * 7 + 7 + 7 * 6 + 6 + 6 * 3 + 3
    before = net.get_flat()
    loss, grads = net.loss_and_gradient(X, y)
    optim.SGD(net.params, lr=0.1).step(grads)       # moves the arrays in place ...
    np.testing.assert_allclose(net.get_flat(), before - 0.1 * flatten(grads))   # ... and so the flat vector
    theta = net.get_flat()
    theta[0] = 123.0                                 # get_flat is a copy
    assert net.params[0][0, 0] != 123.0
    net.set_flat(theta)                              # set_flat writes through to the arrays
    assert net.params[0][0, 0] == 123.0
    assert net.loss(X, y) != loss


def test_initialisation_is_he_normal_and_seeded():
    net = MLP([400, 300, 10], seed=0)
    assert np.std(net.params[0]) == pytest.approx(np.sqrt(2 / 400), rel=0.01)
    assert np.std(net.params[2]) == pytest.approx(np.sqrt(2 / 300), rel=0.05)
    assert not net.params[1].any() and not net.params[3].any()
    np.testing.assert_array_equal(MLP([4, 3, 2], seed=5).flat, MLP([4, 3, 2], seed=5).flat)
    assert not np.array_equal(MLP([4, 3, 2], seed=5).flat, MLP([4, 3, 2], seed=6).flat)


def test_predictions_and_accuracy(problem):
    net, X, y = problem
    logits = net.forward(X)
    assert logits.shape == (40, 3)
    np.testing.assert_array_equal(net.predict(X), np.argmax(logits, axis=1))
    assert net.accuracy(X, np.argmax(logits, axis=1)) == 1.0
    # cross-entropy from the logits, by hand
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    assert net.loss(X, y) == pytest.approx(-np.mean(log_p[np.arange(40), y]), rel=1e-13)


# -- symmetries -----------------------------------------------------------------------------------------

def test_permuting_hidden_units_leaves_the_function_unchanged(problem):
    net, X, _ = problem
    rng = np.random.default_rng(4)
    for layer, width in ((0, 7), (1, 6)):
        perm = rng.permutation(width)
        twin = permute_hidden_units(net, layer, perm)
        np.testing.assert_allclose(twin.forward(X), net.forward(X), rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(twin.params[2 * layer], net.params[2 * layer][:, perm])
        assert not np.array_equal(twin.flat, net.flat)


def test_rescaling_a_relu_unit_leaves_the_function_unchanged_but_not_the_curvature(problem):
    net, X, y = problem
    twin = rescale_hidden_unit(net, layer=0, unit=2, k=10.0)
    np.testing.assert_allclose(twin.forward(X), net.forward(X), rtol=1e-12, atol=1e-12)
    assert twin.params[0][:, 2] == pytest.approx(10 * net.params[0][:, 2])
    assert twin.params[2][2] == pytest.approx(net.params[2][2] / 10)
    # Same function, different parameters: the Hessian's spectrum is not an invariant of the function.
    assert not np.allclose(np.linalg.eigvalsh(twin.hessian(X, y))[-1], np.linalg.eigvalsh(net.hessian(X, y))[-1])
    # A negative k is not a symmetry: relu(-z) is not -relu(z).
    with pytest.raises(ValueError, match="k must be"):
        rescale_hidden_unit(net, 0, 2, -1.0)


# -- landscape probes -------------------------------------------------------------------------------------

def test_loss_along_line_evaluates_the_interpolation(problem):
    net, X, y = problem
    start, end = MLP(SIZES, seed=9).get_flat(), net.get_flat()
    saved = net.get_flat()
    alphas, losses = loss_along_line(net, start, end, X, y)
    np.testing.assert_allclose(alphas, np.linspace(-2, 2, 81))
    f = loss_of_flat(net, X, y)
    for i in (0, 40, 60, 80):       # alpha = -2, 0, 1, 2
        assert losses[i] == pytest.approx(f((1 - alphas[i]) * start + alphas[i] * end), rel=1e-13)
    assert losses[40] == pytest.approx(f(start)) and losses[60] == pytest.approx(f(end))
    np.testing.assert_array_equal(net.get_flat(), saved)        # the network is left as it was


def test_filter_normalised_direction_matches_each_units_norm(problem):
    net, _, _ = problem
    d = filter_normalized_direction(net, seed=3)
    for i, (D, P) in enumerate(zip(net.unflatten(d), net.params)):
        if i % 2:
            assert not D.any()                                   # biases are not perturbed
        else:
            np.testing.assert_allclose(np.linalg.norm(D, axis=0), np.linalg.norm(P, axis=0), rtol=1e-12)
    assert not np.allclose(d, filter_normalized_direction(net, seed=4))
    np.testing.assert_array_equal(d, filter_normalized_direction(net, seed=3))


def test_loss_surface_grid_orientation(problem):
    net, X, y = problem
    s = loss_surface(net, X, y, span=0.5, n=5, seed=0)
    assert s.losses.shape == (5, 5)
    f = loss_of_flat(net, X, y)
    theta, (d1, d2) = net.get_flat(), s.directions
    assert s.losses[2, 2] == pytest.approx(f(theta))
    assert s.losses[0, 4] == pytest.approx(f(theta + s.alphas[4] * d1 + s.betas[0] * d2))
    np.testing.assert_array_equal(net.get_flat(), theta)


# -- bad input --------------------------------------------------------------------------------------------

def test_bad_input_gets_clear_errors(problem):
    net, X, y = problem
    with pytest.raises(ValueError, match=r"X must have shape \(n_samples, 5\)"):
        net.loss(X[:, :4], y)
    with pytest.raises(ValueError, match="one label per row"):
        net.loss(X, y[:-1])
    with pytest.raises(ValueError, match="labels 0..2"):
        net.loss(X, np.full(40, 3))
    with pytest.raises(ValueError, match="labels"):
        net.loss(X, y.astype(float))
    with pytest.raises(ValueError, match=r"shape \(111,\)"):
        net.set_flat(np.zeros(110))
    with pytest.raises(ValueError, match="NaN or inf"):
        net.set_flat(np.full(111, np.nan))
    with pytest.raises(ValueError, match=r"shape \(111,\)"):
        net.hessian_vector_product(X, y, np.zeros(3))
    with pytest.raises(ValueError, match="at least two"):
        MLP([5])
    with pytest.raises(ValueError, match="sizes"):
        MLP([5, 0, 3])
    with pytest.raises(ValueError, match="seed"):
        MLP([5, 3], seed=-1)
    with pytest.raises(ValueError, match="hidden layer"):
        permute_hidden_units(net, 2, np.arange(3))
    with pytest.raises(ValueError, match="each of 0..6 once"):
        permute_hidden_units(net, 0, [0, 0, 1, 2, 3, 4, 5])
    with pytest.raises(ValueError, match="unit"):
        rescale_hidden_unit(net, 0, 7, 2.0)
    with pytest.raises(ValueError, match="span"):
        loss_surface(net, X, y, span=0)
    with pytest.raises(ValueError, match="matvec returned"):
        lanczos_eigenvalues(lambda v: v[:2], 3)


def test_a_pickled_network_keeps_its_parameters_as_views_of_the_flat_vector():
    import pickle

    net = MLP([3, 4, 2], seed=1)
    clone = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(clone.flat, net.flat)
    clone.set_flat(np.zeros(clone.n_params))
    assert all(np.all(p == 0) for p in clone.params)       # params still follow the flat vector
    assert not np.all(net.flat == 0)
