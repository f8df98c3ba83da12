"""Muon: against a float64 re-implementation of torch.optim.Muon's code (exactly), against torch
itself (bfloat16 Newton-Schulz, within bfloat16's accuracy), the SVD, and the shared rules."""
import numpy as np
import pytest

from optcourse import optim
from optcourse.optim.muon import CUBIC_COEFFICIENTS, MUON_COEFFICIENTS, newton_schulz
from conftest import torch_or_skip


# ---- torch's algorithm, transcribed from torch/optim/_muon.py (2.13) into float64 NumPy ----------

def torch_lerp(start, end, weight):
    """torch.lerp's formula (ATen's lerp kernel): exact at both ends."""
    return start + weight * (end - start) if weight < 0.5 else end - (end - start) * (1 - weight)


def torch_zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps):
    a, b, c = ns_coefficients
    ortho_grad = grad.astype(np.float64)                     # torch: grad.bfloat16()
    if grad.shape[0] > grad.shape[1]:
        ortho_grad = ortho_grad.T
    ortho_grad = ortho_grad / max(np.linalg.norm(ortho_grad), eps)
    for _ in range(ns_steps):
        gram_matrix = ortho_grad @ ortho_grad.T
        gram_update = b * gram_matrix + c * (gram_matrix @ gram_matrix)    # addmm(beta=b, alpha=c)
        ortho_grad = a * ortho_grad + gram_update @ ortho_grad               # addmm(beta=a)
    if grad.shape[0] > grad.shape[1]:
        ortho_grad = ortho_grad.T
    return ortho_grad


def torch_adjust_lr(lr, adjust_lr_fn, shape):
    A, B = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * np.sqrt(max(1, A / B))
    return lr * 0.2 * np.sqrt(max(A, B))


def torch_muon_path(param, grads, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                    ns_coefficients=MUON_COEFFICIENTS, eps=1e-7, ns_steps=5, adjust_lr_fn=None):
    param, buf, path = param.copy(), np.zeros_like(param), [param.copy()]
    for grad in grads:
        buf = torch_lerp(buf, grad, 1 - momentum)
        update = torch_lerp(grad, buf, momentum) if nesterov else buf
        update = torch_zeropower_via_newtonschulz(update, ns_coefficients, ns_steps, eps)
        adjusted_lr = torch_adjust_lr(lr, adjust_lr_fn, param.shape)
        param = param * (1 - lr * weight_decay)
        param = param - adjusted_lr * update
        path.append(param.copy())
    return np.stack(path)


def our_path(param, grads, **config):
    param = param.copy()
    opt = optim.Muon(param, **config)
    path = [param.copy()]
    for g in grads:
        opt.step(g)
        path.append(param.copy())
    return np.stack(path)


CONFIGS = [
    dict(),
    dict(lr=0.02, nesterov=False, weight_decay=0.0),
    dict(lr=0.05, momentum=0.5, ns_coefficients=CUBIC_COEFFICIENTS, ns_steps=12),
    dict(lr=0.01, adjust_lr_fn="match_rms_adamw", weight_decay=0.01),
    dict(lr=0.01, momentum=0.0, ns_steps=1, adjust_lr_fn="original"),
]


@pytest.mark.parametrize("shape", [(4, 6), (7, 3), (5, 5)])
@pytest.mark.parametrize("config", CONFIGS, ids=range(len(CONFIGS)))
def test_matches_torchs_algorithm_in_float64(config, shape):
    rng = np.random.default_rng(len(shape) + shape[0])
    theta = rng.normal(size=shape)
    grads = [np.exp(rng.uniform(-5, 2)) * rng.normal(size=shape) for _ in range(40)]
    ours, reference = our_path(theta, grads, **config), torch_muon_path(theta, grads, **config)
    assert np.abs(reference[-1] - reference[0]).max() > 1e-3          # the reference moves
    np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=1e-13)


def per_step_updates_against_torch(config, seed, nesterov_ours=None):
    """Relative Frobenius error of our step from torch's, both taken from torch's current point."""
    torch = torch_or_skip()
    rng = np.random.default_rng(seed)
    shape = [(16, 8), (8, 16), (12, 12)][seed % 3]
    w = torch.tensor(rng.normal(size=shape), requires_grad=True)
    theirs = torch.optim.Muon([w], **config)
    ours_param = w.detach().numpy().copy()
    ours = optim.Muon(ours_param, **{**config, **({} if nesterov_ours is None else {"nesterov": nesterov_ours})})
    errors = []
    for _ in range(20):
        g = rng.normal(size=shape)
        before = w.detach().numpy().copy()
        ours_param[...] = before
        ours.step(g)
        w.grad = torch.tensor(g)
        theirs.step()
        step_theirs, step_ours = w.detach().numpy() - before, ours_param - before
        errors.append(np.linalg.norm(step_ours - step_theirs) / np.linalg.norm(step_ours))
    return max(errors)


# bfloat16 keeps 8 significant bits (relative rounding 2^-9 = 0.2%); Muon's quintic multiplies
# errors in small singular values by up to a = 3.4 per step, and its output wanders by design, so
# after 5 steps torch's result differs from the float64 one by up to ~7% (Frobenius, measured on
# 6000 random matrices); the cubic contracts errors and stays within ~1%.
BF16_TOLERANCE = {MUON_COEFFICIENTS: 0.15, CUBIC_COEFFICIENTS: 0.03}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("coefficients", [MUON_COEFFICIENTS, CUBIC_COEFFICIENTS], ids=["quintic", "cubic"])
def test_matches_torch_bfloat16_within_its_accuracy(coefficients, seed):
    config = dict(lr=0.02, weight_decay=0.0, ns_coefficients=coefficients)
    assert per_step_updates_against_torch(config, seed) < BF16_TOLERANCE[coefficients]


def test_the_bfloat16_tolerance_still_tells_a_wrong_update_apart():
    config = dict(lr=0.02, weight_decay=0.0, momentum=0.95)
    assert per_step_updates_against_torch(config, 0, nesterov_ours=False) > 3 * BF16_TOLERANCE[MUON_COEFFICIENTS]


# ---- Newton-Schulz against the SVD ------------------------------------------------------------

@pytest.mark.parametrize("shape", [(5, 8), (9, 4), (6, 6)])
def test_cubic_newton_schulz_converges_to_the_polar_factor(shape):
    rng = np.random.default_rng(1)
    U, _, Vt = np.linalg.svd(rng.normal(size=shape), full_matrices=False)
    sigma = np.geomspace(1.0, 0.05, min(shape))           # condition number 20
    G = 3.0 * U @ np.diag(sigma) @ Vt
    np.testing.assert_allclose(newton_schulz(G, CUBIC_COEFFICIENTS, steps=40), U @ Vt, atol=1e-12)


def test_muons_quintic_keeps_singular_vectors_and_lands_singular_values_near_one():
    rng = np.random.default_rng(2)
    U, _, Vt = np.linalg.svd(rng.normal(size=(32, 64)), full_matrices=False)
    sigma = np.geomspace(1.0, 1e-2, 32)                  # condition number 100
    O = newton_schulz(U @ np.diag(sigma) @ Vt, MUON_COEFFICIENTS, steps=5)
    core = U.T @ O @ Vt.T                                  # diagonal if the singular vectors are kept
    np.testing.assert_allclose(core - np.diag(np.diag(core)), 0, atol=1e-10)
    s = np.diag(core)
    assert s.min() > 0.5 and s.max() < 1.3                # not 1: the quintic trades accuracy for speed
    assert np.abs(s - 1).max() > 0.1


def test_a_zero_gradient_gives_a_zero_update():
    np.testing.assert_array_equal(newton_schulz(np.zeros((3, 4))), np.zeros((3, 4)))


# ---- the rules every optimizer follows, on matrices ---------------------------------------------

@pytest.mark.parametrize("shape", [(3,), (2, 3, 4), ()])
def test_only_matrices_are_accepted_and_the_error_says_what_to_do(shape):
    with pytest.raises(ValueError, match=r"matrices \(2-D parameters\) only.*AdamW"):
        optim.Muon(np.ones(shape))
    with pytest.raises(ValueError, match=r"params\[1\]"):
        optim.Muon([np.ones((2, 2)), np.ones(shape)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_and_caller_gradient_are_kept(dtype):
    rng = np.random.default_rng(0)
    w = rng.normal(size=(4, 3)).astype(dtype)
    opt = optim.Muon(w, lr=0.02)
    g = rng.normal(size=(4, 3)).astype(dtype)
    g0 = g.copy()
    opt.step(g)
    assert w.dtype == dtype and opt.state["b"].dtype == dtype
    np.testing.assert_array_equal(g, g0)


def test_zero_lr_never_moves_and_a_refused_step_changes_nothing():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 5))
    w0 = w.copy()
    opt = optim.Muon(w, lr=0.0)
    opt.step(rng.normal(size=(3, 5)))
    np.testing.assert_array_equal(w, w0)
    opt.lr = 0.1
    b = opt.state["b"].copy()
    with pytest.raises(ValueError, match="NaN"):
        opt.step(np.full((3, 5), np.nan))
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(opt.state["b"], b)
    assert opt.t == 1


@pytest.mark.parametrize("hyper,words", [
    (dict(lr=-1.0), "lr"), (dict(momentum=1.5), "momentum"), (dict(weight_decay=-0.1), "weight_decay"),
    (dict(ns_steps=100), "ns_steps"), (dict(ns_steps=2.5), "ns_steps"), (dict(ns_coefficients=(1.0, 2.0)), "three"),
    (dict(adjust_lr_fn="rms"), "adjust_lr_fn"), (dict(eps=0.0), "eps"),
])
def test_bad_hyperparameters_are_refused_with_their_name(hyper, words):
    with pytest.raises(ValueError, match=words):
        optim.Muon(np.ones((2, 2)), **hyper)
