"""PyTorch as the gold reference for the optimizers torch.optim has.

Run as a script (with torch installed) to rewrite ``data/torch_trajectories.npz``: seeded random
parameters, gradients and hyperparameters, and the 100-step trajectories torch.optim produces from
them. The committed file lets CI check parity on machines without torch; with torch installed, the
tests also compare against it live on fresh seeds. torch.optim.Muon runs Newton-Schulz in bfloat16;
its committed trajectories are torch's own code run with that cast made a no-op (so in the
parameter's dtype), which our Muon must match to rounding; tests/test_optim_muon.py compares with
bfloat16 torch separately.

    python tests/torch_reference.py
"""
from __future__ import annotations

import json
from contextlib import contextmanager, nullcontext
from pathlib import Path

import numpy as np

TORCH_OPTIMIZERS = ("SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW",
                    "NAdam", "RAdam", "Adamax", "Adafactor", "Muon")
DATA = Path(__file__).parent / "data" / "torch_trajectories.npz"
SHAPES = [(3, 4), (5,)]
STEPS = 100


def shapes_for(name: str) -> list[tuple]:
    """The parameter shapes of a test problem: Muon takes matrices only (a wide and a tall one);
    Adafactor also gets a 3-D array, factored over its last two dimensions."""
    return {"Muon": [(3, 4), (6, 2)], "Adafactor": [(3, 4), (5,), (2, 3, 2)]}.get(name, SHAPES)


def log_uniform(rng, low, high):
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def maybe(rng, value):
    """Half the time 0 (the option off), half the time ``value``."""
    return value if rng.random() < 0.5 else 0.0


def random_config(name: str, rng: np.random.Generator) -> dict:
    """Random valid hyperparameters for one of TORCH_OPTIMIZERS, covering every option."""
    lr = log_uniform(rng, 1e-3, 1e-1)
    wd = maybe(rng, float(rng.uniform(0, 0.1)))
    eps = log_uniform(rng, 1e-10, 1e-3)
    if name == "SGD":
        momentum = maybe(rng, float(rng.uniform(0, 0.99)))
        nesterov = bool(momentum > 0 and rng.random() < 0.5)
        dampening = 0.0 if nesterov else maybe(rng, float(rng.uniform(0, 0.5)))
        return dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=wd, nesterov=nesterov)
    if name == "Adagrad":
        return dict(lr=lr, lr_decay=maybe(rng, float(rng.uniform(0, 0.1))), weight_decay=wd,
                    initial_accumulator_value=maybe(rng, float(rng.uniform(0, 1))), eps=eps)
    if name == "Adadelta":
        return dict(lr=float(rng.uniform(0.1, 1.0)), rho=float(rng.uniform(0.5, 0.99)), eps=eps,
                    weight_decay=wd)
    if name == "RMSprop":
        return dict(lr=lr, alpha=float(rng.uniform(0.5, 0.999)), eps=eps, weight_decay=wd,
                    momentum=maybe(rng, float(rng.uniform(0, 0.95))), centered=bool(rng.random() < 0.5))
    betas = (float(rng.uniform(0.5, 0.99)), float(rng.uniform(0.9, 0.9999)))
    if name in ("Adam", "AdamW"):
        return dict(lr=lr, betas=betas, eps=eps, weight_decay=wd, amsgrad=bool(rng.random() < 0.5))
    if name == "NAdam":
        return dict(lr=lr, betas=betas, eps=eps, weight_decay=wd, momentum_decay=float(rng.uniform(0, 0.01)),
                    decoupled_weight_decay=bool(rng.random() < 0.5))
    if name == "RAdam":   # beta2 from 0.9 (rectified from step 6) to 0.9999 (and before)
        return dict(lr=lr, betas=betas, eps=eps, weight_decay=wd, decoupled_weight_decay=bool(rng.random() < 0.5))
    if name == "Adamax":
        return dict(lr=lr, betas=betas, eps=eps, weight_decay=wd)
    if name == "Adafactor":   # lr above 1/sqrt(t) for some steps; eps1 large enough to bite sometimes
        eps1 = None if rng.random() < 0.5 else log_uniform(rng, 1e-30, 1e-3)
        return dict(lr=log_uniform(rng, 1e-2, 1.0), beta2_decay=float(rng.uniform(-1.0, -0.5)),
                    eps=(eps1, log_uniform(rng, 1e-4, 1e-2)), d=float(rng.uniform(1.0, 3.0)), weight_decay=wd)
    if name == "Muon":
        coefficients = (3.4445, -4.7750, 2.0315) if rng.random() < 0.5 else (1.5, -0.5, 0.0)
        return dict(lr=lr, weight_decay=wd, momentum=float(rng.uniform(0, 0.99)), nesterov=bool(rng.random() < 0.5),
                    ns_coefficients=coefficients, ns_steps=int(rng.integers(1, 8)),
                    adjust_lr_fn=[None, "original", "match_rms_adamw"][int(rng.integers(3))])
    raise ValueError(f"no torch reference for {name!r}")


def random_problem(rng: np.random.Generator, dtype=np.float64, shapes=SHAPES):
    """Initial parameters (by default a matrix and a vector) and STEPS gradients of varied scale, some zero."""
    params = [rng.normal(size=s).astype(dtype) for s in shapes]
    grads = []
    for _ in range(STEPS):
        scale = log_uniform(rng, 1e-3, 10.0)
        step = [(scale * rng.normal(size=s) * (rng.random(s) > 0.05)).astype(dtype) for s in shapes]
        grads.append(step)
    return params, grads


@contextmanager
def newton_schulz_in_param_dtype():
    """Inside this block torch.optim.Muon runs its own Newton-Schulz code in the parameter's dtype:
    the one cast to bfloat16 it makes (``grad.bfloat16()``) returns a copy in the same dtype."""
    import torch

    assert "bfloat16" not in torch.Tensor.__dict__
    torch.Tensor.bfloat16 = lambda self, *args, **kwargs: self.clone()
    try:
        yield
    finally:
        del torch.Tensor.bfloat16


def torch_trajectory(name: str, config: dict, params, grads, bfloat16: bool = False) -> list[np.ndarray]:
    """Run torch.optim; return, per parameter, an array of its STEPS + 1 values.

    Muon's Newton-Schulz runs in the parameter's dtype unless ``bfloat16`` (torch's own choice).
    """
    import torch

    tensors = [torch.tensor(p.copy(), requires_grad=True) for p in params]
    opt = getattr(torch.optim, name)(tensors, **config)
    path = [[p.copy()] for p in params]
    exact = name == "Muon" and not bfloat16
    with newton_schulz_in_param_dtype() if exact else nullcontext():
        for step in grads:
            for t, g in zip(tensors, step):
                t.grad = torch.tensor(g)
            opt.step()
            for record, t in zip(path, tensors):
                record.append(t.detach().numpy().copy())
    return [np.stack(record) for record in path]


# Options that four random configurations might miss, forced on in the k-th committed case.
COVER = {
    "Muon": {0: dict(nesterov=True, adjust_lr_fn="match_rms_adamw", weight_decay=0.05),
             1: dict(nesterov=True, ns_coefficients=(3.4445, -4.7750, 2.0315), ns_steps=5)},
    "Adafactor": {1: dict(weight_decay=0.05)},
}


def cases():
    """The committed cases: each optimizer's defaults in float64 and float32, and 4 random configs."""
    rng = np.random.default_rng(20261121)
    for name in TORCH_OPTIMIZERS:
        shapes = shapes_for(name)
        for dtype in (np.float64, np.float32):
            yield name, {}, random_problem(rng, dtype, shapes)
        for k in range(4):
            config = {**random_config(name, rng), **COVER.get(name, {}).get(k, {})}
            yield name, config, random_problem(rng, shapes=shapes)


def main():
    arrays, meta = {}, []
    for i, (name, config, (params, grads)) in enumerate(cases()):
        meta.append(dict(optimizer=name, config=config, dtype=str(params[0].dtype), n_params=len(params)))
        for j in range(len(params)):
            arrays[f"{i}/params{j}"] = params[j]
            arrays[f"{i}/grads{j}"] = np.stack([step[j] for step in grads])
        for j, path in enumerate(torch_trajectory(name, config, params, grads)):
            arrays[f"{i}/path{j}"] = path
    import torch

    arrays["meta"] = np.array(json.dumps(dict(torch=torch.__version__, cases=meta)))
    DATA.parent.mkdir(exist_ok=True)
    np.savez_compressed(DATA, **arrays)
    print(f"wrote {len(meta)} cases to {DATA} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
