"""Parity with torch.optim: committed trajectories (always) and live torch (when installed)."""
import json

import numpy as np
import pytest
from conftest import torch_or_skip
from torch_reference import DATA, TORCH_OPTIMIZERS, random_config, random_problem, shapes_for, torch_trajectory

from optcourse import optim

REFERENCE = np.load(DATA)
META = json.loads(str(REFERENCE["meta"]))


def our_trajectory(name, config, params, grads):
    params = [p.copy() for p in params]
    opt = getattr(optim, name)(params, **config)
    path = [[p.copy()] for p in params]
    for step in grads:
        opt.step(step)
        for record, p in zip(path, params):
            record.append(p.copy())
    return [np.stack(record) for record in path]


def tolerances(dtype):
    # float64 differs from torch by rounding only; float32 rounding accumulates over 100 steps.
    return dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=2e-5, atol=2e-6)


def test_reference_file_covers_every_torch_optimizer_and_option():
    names = {c["optimizer"] for c in META["cases"]}
    assert names == set(TORCH_OPTIMIZERS)
    configs = [c["config"] for c in META["cases"]]
    for flag in ("nesterov", "centered", "amsgrad", "decoupled_weight_decay"):
        assert any(c.get(flag) for c in configs), f"no committed case turns {flag} on"
    muon = [c["config"] for c in META["cases"] if c["optimizer"] == "Muon"]
    assert {c.get("adjust_lr_fn", "default") for c in muon} >= {"default", "match_rms_adamw"}
    adafactor = [c["config"] for c in META["cases"] if c["optimizer"] == "Adafactor" and c["config"]]
    assert {c["eps"][0] is None for c in adafactor} == {True, False}, "eps1 both given and left to the dtype"
    assert {c["dtype"] for c in META["cases"]} == {"float32", "float64"}


@pytest.mark.parametrize("i", range(len(META["cases"])),
                         ids=[f"{c['optimizer']}-{k}" for k, c in enumerate(META["cases"])])
def test_matches_committed_torch_trajectory(i):
    case = META["cases"][i]
    config = {k: tuple(v) if isinstance(v, list) else v for k, v in case["config"].items()}
    n = case["n_params"]
    params = [REFERENCE[f"{i}/params{j}"] for j in range(n)]
    grads = list(zip(*[REFERENCE[f"{i}/grads{j}"] for j in range(n)]))
    ours = our_trajectory(case["optimizer"], config, params, grads)
    for j, path in enumerate(ours):
        expected = REFERENCE[f"{i}/path{j}"]
        assert path.dtype == expected.dtype  # float32 stays float32
        assert not np.array_equal(expected[0], expected[-1]), "reference trajectory does not move"
        np.testing.assert_allclose(path, expected, **tolerances(path.dtype))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("name", TORCH_OPTIMIZERS)
def test_matches_torch_live(name, seed):
    torch_or_skip()
    rng = np.random.default_rng([seed, TORCH_OPTIMIZERS.index(name)])
    config = random_config(name, rng)
    params, grads = random_problem(rng, shapes=shapes_for(name))
    expected = torch_trajectory(name, config, params, grads)   # Muon: Newton-Schulz in float64
    for ours, theirs in zip(our_trajectory(name, config, params, grads), expected):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", TORCH_OPTIMIZERS)
def test_defaults_are_torch_defaults(name):
    torch = torch_or_skip()
    import inspect

    ours = inspect.signature(getattr(optim, name)).parameters
    theirs = inspect.signature(getattr(torch.optim, name)).parameters
    for key, p in ours.items():
        if key != "params":
            assert key in theirs, f"{name}: {key} is not a torch.optim.{name} argument"
            assert p.default == theirs[key].default, f"{name}: default {key}"
