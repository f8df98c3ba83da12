"""The textbook momentum forms produce PyTorch's iterates while the learning rate is constant."""
import numpy as np
import pytest
from conftest import torch_or_skip

from optcourse import optim

A = np.array([[10.0, 2.0], [2.0, 1.0]])   # an ill-conditioned quadratic J = ½ θᵀAθ − bᵀθ
B = np.array([1.0, -1.0])


def grad(x):
    return A @ x - B


def run(opt, x, steps=60, at=None):
    path = [x.copy()]
    for _ in range(steps):
        opt.step(grad(at() if at else x))
        path.append(x.copy())
    return np.array(path)


def test_heavy_ball_by_hand():
    x = np.array([1.0])
    opt = optim.HeavyBall(x, lr=0.1, momentum=0.5)
    opt.step(np.array([2.0]))             # v = 0.2, θ = 0.8
    opt.step(np.array([2.0]))             # v = 0.1 + 0.2 = 0.3, θ = 0.5
    assert x[0] == pytest.approx(0.5)
    assert opt.state["v"][0] == pytest.approx(0.3)


@pytest.mark.parametrize("form", ["HeavyBall", "SutskeverMomentum"])
@pytest.mark.parametrize("lr,mu", [(0.05, 0.9), (0.15, 0.5), (0.01, 0.99)])
def test_textbook_forms_equal_the_pytorch_form(form, lr, mu):
    x0 = np.array([2.0, -3.0])
    ours_torch_form = run(optim.SGD(x := x0.copy(), lr=lr, momentum=mu), x)
    textbook = run(getattr(optim, form)(y := x0.copy(), lr=lr, momentum=mu), y)
    np.testing.assert_allclose(textbook, ours_torch_form, rtol=1e-12, atol=1e-12)
    assert np.linalg.norm(textbook[-1] - np.linalg.solve(A, B)) < np.linalg.norm(x0 - np.linalg.solve(A, B))


@pytest.mark.parametrize("lr,mu", [(0.05, 0.9), (0.15, 0.5)])
def test_nesterov_lookahead_iterates_are_pytorch_nesterov_iterates(lr, mu):
    # PyTorch's parameter is the look-ahead point θ + μv of the textbook form.
    x0 = np.array([2.0, -3.0])
    torch_form = run(optim.SGD(x := x0.copy(), lr=lr, momentum=mu, nesterov=True), x)
    theta = x0.copy()
    nag = optim.NesterovLookahead(theta, lr=lr, momentum=mu)
    lookahead = [nag.lookahead()]
    for _ in range(60):
        nag.step(grad(nag.lookahead()))
        lookahead.append(nag.lookahead())
    np.testing.assert_allclose(np.array(lookahead), torch_form, rtol=1e-12, atol=1e-12)


def test_forms_part_ways_when_the_learning_rate_changes():
    x0 = np.array([2.0, -3.0])
    x, y = x0.copy(), x0.copy()
    sgd, heavy = optim.SGD(x, lr=0.1, momentum=0.9), optim.HeavyBall(y, lr=0.1, momentum=0.9)
    for t in range(10):
        if t == 5:
            sgd.lr = heavy.lr = 0.01
        sgd.step(grad(x))
        heavy.step(grad(y))
    assert not np.allclose(x, y)


def test_pytorch_form_is_torch_sgd():
    torch = torch_or_skip()
    x0 = np.array([2.0, -3.0])
    t = torch.tensor(x0.copy(), requires_grad=True)
    opt = torch.optim.SGD([t], lr=0.05, momentum=0.9)
    y = x0.copy()
    heavy = optim.HeavyBall(y, lr=0.05, momentum=0.9)
    for _ in range(60):
        t.grad = torch.tensor(grad(t.detach().numpy()))
        opt.step()
        heavy.step(grad(y))
    np.testing.assert_allclose(y, t.detach().numpy(), rtol=1e-12)
