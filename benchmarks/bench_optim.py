"""How long does one optimizer step take, next to the same equations in bare NumPy and in torch.optim?

For each optimizer, parameter size n and dtype this times three ways of taking a step on one
parameter array of n elements:

* ours:  ``opt.step(g)`` with an optimizer from ``optcourse.optim``, its gradient checks included;
* NumPy: the same equations written out below as a bare function of the arrays: in-place NumPy, no
  checks, no classes. Before timing, the script checks that it computes the very same bits as ours;
* torch: ``torch.optim`` on one thread (its default implementation on CPU), where torch has the
  optimizer.

The three are timed in turns, round after round, in the same process; each round times a batch of
steps of each, about half a millisecond long, so that the three see the machine in the same state.
The table gives median times per step and the medians over the rounds of ours / NumPy and
ours / torch within a round, so that a slow moment of the machine (other processes) weighs on both
sides of a ratio. Nothing is asserted: this measures.

Run from the repository root:

    python benchmarks/bench_optim.py                             # n = 2, 2000, 100000; float64, float32
    python benchmarks/bench_optim.py --optimizers Adam,Tiger --sizes 100000 --dtypes float32
    python benchmarks/bench_optim.py --sizes 10000000 --rounds 7  # arrays far larger than the caches
"""
from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

# Use the optcourse of this checkout, also when it is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import optcourse.optim as optim  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

try:
    import resource  # Unix only; used to count page faults
except ImportError:
    resource = None

GRADIENTS = 8          # a pool of different random gradients, used in turn
TIGER_COLUMNS = 1000   # Tiger's parameter is a matrix (n // 1000 rows) so that its matrix rule runs


# -- the same equations in bare NumPy ------------------------------------------------------------
# Hyperparameters are the optimizers' defaults (SGD: lr 1e-3, momentum 0.9); the bit-for-bit check
# against our optimizers before timing makes sure they say the same thing.

def sgd(p, g, t):
    p -= 1e-3 * g


def sgd_momentum(p, g, t, b, lr=1e-3, mu=0.9, dampening=0.0):
    if t == 1:
        b[...] = g
    else:
        b *= mu; b += (1 - dampening) * g
    p -= lr * b


def adagrad(p, g, t, s, lr=1e-2, eps=1e-10):
    s += g * g
    p -= lr * g / (np.sqrt(s) + eps)


def adadelta(p, g, t, v, u, lr=1.0, rho=0.9, eps=1e-6):
    v *= rho; v += (1 - rho) * g * g
    delta = np.sqrt((u + eps) / (v + eps)) * g
    u *= rho; u += (1 - rho) * delta * delta
    p -= lr * delta


def rmsprop(p, g, t, v, lr=1e-2, alpha=0.99, eps=1e-8):
    v *= alpha; v += (1 - alpha) * g * g
    p -= lr * g / (np.sqrt(v) + eps)


def adam(p, g, t, m, v, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    m *= b1; m += (1 - b1) * g
    v *= b2; v += (1 - b2) * g * g
    denom = np.sqrt(v) / math.sqrt(1 - b2**t) + eps
    p -= lr / (1 - b1**t) * m / denom


def adamw(p, g, t, m, v, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=1e-2):
    p *= 1 - lr * weight_decay
    m *= b1; m += (1 - b1) * g
    v *= b2; v += (1 - b2) * g * g
    denom = np.sqrt(v) / math.sqrt(1 - b2**t) + eps
    p -= lr / (1 - b1**t) * m / denom


def signsgd(p, g, t, lr=1e-3):
    p -= lr * np.sign(g)


def signum(p, g, t, m, lr=1e-3, beta=0.9):
    m *= beta; m += (1 - beta) * g
    p -= lr * np.sign(m)


def lion(p, g, t, m, lr=1e-4, b1=0.9, b2=0.99):
    c = b1 * m + (1 - b1) * g
    p -= lr * np.sign(c)
    m *= b2; m += (1 - b2) * g


def tiger(p, g, t, m, lr=1e-3, beta=0.965, weight_decay=0.01):
    m *= beta; m += (1 - beta) * g
    lr = lr * math.sqrt(float(np.vdot(p, p)) / p.size)   # the matrix rule: lr · RMS(p)
    p *= 1 - lr * weight_decay
    p -= lr * np.sign(m)


@dataclass
class Case:
    """One row of the table: our optimizer, the bare NumPy step, torch's optimizer if it has one."""

    label: str
    name: str                          # class name in optcourse.optim.OPTIMIZERS
    ours: Callable                     # parameter ndarray -> our optimizer
    numpy: Callable                    # numpy(p, g, t, *state arrays)
    torch: Callable | None = None      # list of torch parameters -> torch optimizer
    matrix: bool = False               # run on a 2-D parameter


def all_cases() -> list[Case]:
    return [
        Case("SGD", "SGD", lambda p: optim.SGD(p, lr=1e-3), sgd,
             lambda ps: torch.optim.SGD(ps, lr=1e-3)),
        Case("SGD momentum=0.9", "SGD", lambda p: optim.SGD(p, lr=1e-3, momentum=0.9), sgd_momentum,
             lambda ps: torch.optim.SGD(ps, lr=1e-3, momentum=0.9)),
        Case("Adagrad", "Adagrad", optim.Adagrad, adagrad, lambda ps: torch.optim.Adagrad(ps)),
        Case("Adadelta", "Adadelta", optim.Adadelta, adadelta, lambda ps: torch.optim.Adadelta(ps)),
        Case("RMSprop", "RMSprop", optim.RMSprop, rmsprop, lambda ps: torch.optim.RMSprop(ps)),
        Case("Adam", "Adam", optim.Adam, adam, lambda ps: torch.optim.Adam(ps)),
        Case("AdamW", "AdamW", optim.AdamW, adamw, lambda ps: torch.optim.AdamW(ps)),
        Case("SignSGD", "SignSGD", optim.SignSGD, signsgd),
        Case("Signum", "Signum", optim.Signum, signum),
        Case("Lion", "Lion", optim.Lion, lion),
        Case("Tiger (matrix)", "Tiger", optim.Tiger, tiger, matrix=True),
    ]


def select_cases(names: str | None) -> list[Case]:
    cases = all_cases()
    if not names:
        return cases
    known = {name.lower(): name for name in optim.OPTIMIZERS}
    wanted = set()
    for name in names.split(","):
        if name.strip().lower() not in known:
            sys.exit(f"unknown optimizer {name.strip()!r}; choose from {', '.join(optim.OPTIMIZERS)}")
        wanted.add(known[name.strip().lower()])
    return [case for case in cases if case.name in wanted]


# -- the three contenders ------------------------------------------------------------------------

def shape_of(case: Case, n: int) -> tuple[int, ...]:
    """(n,), or for a matrix case (n // 1000, 1000), which drops the remainder of n."""
    columns = min(n, TIGER_COLUMNS)
    return (n // columns, columns) if case.matrix else (n,)


def problem(shape, dtype, seed=0):
    """A starting parameter and a pool of gradients, made before any timing."""
    rng = np.random.default_rng(seed)
    p = rng.standard_normal(shape).astype(dtype)
    return p, [rng.standard_normal(shape).astype(dtype) for _ in range(GRADIENTS)]


def ours_stepper(case, p, grads):
    opt = case.ours(p)

    def steps(k):
        for i in range(k):
            opt.step(grads[i % GRADIENTS])
    return steps


def numpy_stepper(case, p, grads):
    state = [np.zeros_like(p) for _ in case.ours(p.copy()).state_names]
    count = [0]

    def steps(k):
        t0 = count[0]
        for i in range(k):
            case.numpy(p, grads[i % GRADIENTS], t0 + i + 1, *state)
        count[0] = t0 + k
    return steps


def torch_stepper(case, p, grads):
    param = torch.nn.Parameter(torch.from_numpy(p))
    opt = case.torch([param])
    tensors = [torch.from_numpy(g) for g in grads]   # no copies

    def steps(k):
        for i in range(k):
            param.grad = tensors[i % GRADIENTS]
            opt.step()
    return steps


def check_same_bits(case, shape, dtype) -> None:
    """Five steps of ours and of the bare NumPy function must give identical parameters."""
    p, grads = problem(shape, dtype)
    q = p.copy()
    ours_stepper(case, p, grads)(5)
    numpy_stepper(case, q, grads)(5)
    if not np.array_equal(p, q):
        sys.exit(f"{case.label}: the bare NumPy step in this file no longer computes what "
                 f"optcourse.optim.{case.name} computes; fix the one that changed")


def page_faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource else 0


def batch_size(steps, seconds: float) -> int:
    """How many steps take about `seconds` (after a first call that warms up)."""
    k = 1
    steps(k)
    while True:
        start = time.perf_counter()
        steps(k)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds / 4 or k >= 1 << 20:
            return max(1, round(k * seconds / elapsed))
        k *= 4


def measure(steppers: dict, rounds: int, seconds: float) -> dict:
    """Time batches of each stepper in turn, `rounds` times, rotating who goes first.

    Returns, per stepper, the list of seconds per step in each round and the page faults per step.
    """
    sizes = {name: batch_size(steps, seconds) for name, steps in steppers.items()}
    times = {name: [] for name in steppers}
    faults = dict.fromkeys(steppers, 0)
    names = list(steppers)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            before = page_faults()
            start = time.perf_counter()
            steppers[name](sizes[name])
            times[name].append((time.perf_counter() - start) / sizes[name])
            faults[name] += page_faults() - before
    return {name: (times[name], faults[name] / (rounds * sizes[name])) for name in steppers}


# -- the report ----------------------------------------------------------------------------------

def cpu_pressure() -> tuple[float, int] | None:
    """(avg10 %, total µs) of /proc/pressure/cpu "some": how much tasks wait for a CPU (Linux)."""
    try:
        with open("/proc/pressure/cpu") as f:
            fields = dict(item.split("=") for item in f.readline().split()[1:])
        return float(fields["avg10"]), int(fields["total"])
    except (OSError, KeyError, ValueError):
        return None


def microseconds(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:.1f}" if us < 1000 else f"{us:,.0f}"


def ratio_cell(ours: list[float], other: list[float]) -> str:
    return f"{statistics.median(a / b for a, b in zip(ours, other)):.2f}"


def run_row(case: Case, n: int, dtype, args) -> str:
    shape = shape_of(case, n)
    check_same_bits(case, shape, dtype)
    steppers = {}
    for name, make in (("ours", ours_stepper), ("numpy", numpy_stepper),
                       ("torch", torch_stepper if torch is not None and case.torch else None)):
        if make is not None:
            p, grads = problem(shape, dtype)
            steppers[name] = make(case, p, grads)
    result = measure(steppers, args.rounds, args.batch_ms / 1e3)
    ours, numpy_ = result["ours"][0], result["numpy"][0]
    cells = [case.label, f"{math.prod(shape):,}", microseconds(statistics.median(ours)),
             microseconds(statistics.median(numpy_))]
    if "torch" in result:
        theirs = result["torch"][0]
        cells += [microseconds(statistics.median(theirs)), ratio_cell(ours, numpy_), ratio_cell(ours, theirs)]
    else:
        cells += ["-", ratio_cell(ours, numpy_), "-"]
    cells.append(f"{result['ours'][1]:.0f} / {result['numpy'][1]:.0f}")
    return "| " + " | ".join(cells) + " |"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--optimizers", default=None,
                        help=f"comma-separated subset of {','.join(optim.OPTIMIZERS)} (default: all)")
    parser.add_argument("--sizes", default="2,2000,100000", help="parameter sizes n (default 2,2000,100000)")
    parser.add_argument("--dtypes", default="float64,float32", help="default float64,float32")
    parser.add_argument("--rounds", type=int, default=101, help="rounds of timing; medians over them (default 101)")
    parser.add_argument("--batch-ms", type=float, default=0.5,
                        help="milliseconds each batch of steps should take (default 0.5)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    dtypes = [np.dtype(d) for d in args.dtypes.split(",")]
    if args.rounds < 1 or min(sizes) < 1 or args.batch_ms <= 0:
        parser.error("--rounds, --sizes and --batch-ms must be positive")
    cases = select_cases(args.optimizers)
    if torch is not None:
        torch.set_num_threads(1)   # like NumPy's elementwise operations

    pressure = cpu_pressure()
    start = time.perf_counter()
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          + (f"torch {torch.__version__} (1 thread)" if torch else "torch not installed")
          + f"; {args.rounds} rounds of ~{args.batch_ms:g} ms batches"
          + (f"; CPU pressure avg10 {pressure[0]:.0f}% at the start" if pressure else ""))
    for dtype in dtypes:
        print(f"\n{dtype}\n")
        print("| optimizer | n | ours µs | NumPy µs | torch µs | ours/NumPy | ours/torch | page faults/step ours / NumPy |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for case in cases:
            for n in sizes:
                print(run_row(case, n, dtype, args), flush=True)
    after = cpu_pressure()
    if pressure and after:
        waited = (after[1] - pressure[1]) / 1e6 / (time.perf_counter() - start)
        print(f"\nCPU pressure: some task waited for a CPU {waited:.0%} of the run "
              f"(avg10 {after[0]:.0f}% at the end); above ~10% the times are noisy, the ratios less so")


if __name__ == "__main__":
    main()
