"""PyTorch as the gold reference for the optimizers torch.optim has.

Run as a script (with torch installed) to rewrite ``data/torch_trajectories.npz``: seeded random
parameters, gradients and hyperparameters, and the 100-step trajectories torch.optim produces from
them. The committed file lets CI check parity on machines without torch; with torch installed, the
tests also compare against it live on fresh seeds.

    python tests/torch_reference.py
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

TORCH_OPTIMIZERS = ("SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW")
DATA = Path(__file__).parent / "data" / "torch_trajectories.npz"
SHAPES = [(3, 4), (5,)]
STEPS = 100


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
    if name in ("Adam", "AdamW"):
        return dict(lr=lr, betas=(float(rng.uniform(0.5, 0.99)), float(rng.uniform(0.9, 0.9999))),
                    eps=eps, weight_decay=wd, amsgrad=bool(rng.random() < 0.5))
    raise ValueError(f"no torch reference for {name!r}")


def random_problem(rng: np.random.Generator, dtype=np.float64):
    """Initial parameters (a matrix and a vector) and STEPS gradients of varied scale, some zero."""
    params = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    grads = []
    for _ in range(STEPS):
        scale = log_uniform(rng, 1e-3, 10.0)
        step = [(scale * rng.normal(size=s) * (rng.random(s) > 0.05)).astype(dtype) for s in SHAPES]
        grads.append(step)
    return params, grads


def torch_trajectory(name: str, config: dict, params, grads) -> list[np.ndarray]:
    """Run torch.optim; return, per parameter, an array of its STEPS + 1 values."""
    import torch

    tensors = [torch.tensor(p.copy(), requires_grad=True) for p in params]
    opt = getattr(torch.optim, name)(tensors, **config)
    path = [[p.copy()] for p in params]
    for step in grads:
        for t, g in zip(tensors, step):
            t.grad = torch.tensor(g)
        opt.step()
        for record, t in zip(path, tensors):
            record.append(t.detach().numpy().copy())
    return [np.stack(record) for record in path]


def cases():
    """The committed cases: each optimizer's defaults in float64 and float32, and 4 random configs."""
    rng = np.random.default_rng(20261121)
    for name in TORCH_OPTIMIZERS:
        for dtype in (np.float64, np.float32):
            yield name, {}, random_problem(rng, dtype)
        for _ in range(4):
            yield name, random_config(name, rng), random_problem(rng)


def main():
    arrays, meta = {}, []
    for i, (name, config, (params, grads)) in enumerate(cases()):
        meta.append(dict(optimizer=name, config=config, dtype=str(params[0].dtype)))
        for j in range(len(SHAPES)):
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
