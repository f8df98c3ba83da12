"""How fast is one optimizer step, compared with memory bandwidth and with torch.optim?

For each optimizer in optcourse.optim this times ``opt.step(grad)`` on one parameter array of
``--n`` elements and compares the time with two references:

* a bandwidth bound: the bytes the update must move in principle (read the parameter, the
  gradient and every state array; write the parameter and every state array), divided by the copy
  bandwidth ``np.copyto`` reaches on arrays of the same size in this process;
* the same step with ``torch.optim`` (default settings, default thread count), when torch is
  importable. torch has no SignSGD, Signum, Lion or Tiger; those rows show "-".

Run from the repository root:

    python benchmarks/bench_optim.py                         # all optimizers, n = 10_000_000
    python benchmarks/bench_optim.py --optimizers Adam,SGD   # a subset (SGD gives both SGD rows)
    python benchmarks/bench_optim.py --block-sizes 8192,16384,32768,65536,131072

The last form times Adam and SGD with momentum for each value of optcourse.optim.base.BLOCK, the
block length in which the optimizers process each parameter. Nothing is asserted: this measures.
"""
from __future__ import annotations

import argparse
import os
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
from optcourse.optim import base  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

try:
    import resource  # Unix only; used to count page faults
except ImportError:
    resource = None

WARMUP_STEPS = 2
TIGER_COLUMNS = 1000  # Tiger's parameter is a (n // 1000, 1000) matrix, so its matrix rule runs


@dataclass
class Case:
    """One row of the table: how to build our optimizer and torch's, and what the update touches."""

    label: str
    name: str                                   # class name in optcourse.optim.OPTIMIZERS
    make_ours: Callable                         # parameter ndarray -> our optimizer
    arrays_read: int                            # whole arrays read per step, in principle
    arrays_written: int                         # whole arrays written per step, in principle
    make_torch: Callable | None = None          # list of torch parameters -> torch optimizer (None: torch has none)
    matrix: bool = False                        # run on a 2-D parameter

    def bytes_per_element(self, itemsize: int) -> int:
        return (self.arrays_read + self.arrays_written) * itemsize


def all_cases() -> list[Case]:
    """Representative settings; reads and writes count parameter, gradient and state arrays."""
    return [
        # p, g read; p written
        Case("SGD", "SGD", lambda p: optim.SGD(p, lr=1e-3), 2, 1,
             lambda ps: torch.optim.SGD(ps, lr=1e-3)),
        # p, g, b read; p, b written
        Case("SGD momentum=0.9", "SGD", lambda p: optim.SGD(p, lr=1e-3, momentum=0.9), 3, 2,
             lambda ps: torch.optim.SGD(ps, lr=1e-3, momentum=0.9)),
        # p, g, s read; p, s written
        Case("Adagrad", "Adagrad", lambda p: optim.Adagrad(p), 3, 2,
             lambda ps: torch.optim.Adagrad(ps)),
        # p, g, v, u read; p, v, u written
        Case("Adadelta", "Adadelta", lambda p: optim.Adadelta(p), 4, 3,
             lambda ps: torch.optim.Adadelta(ps)),
        # p, g, v read; p, v written
        Case("RMSprop", "RMSprop", lambda p: optim.RMSprop(p), 3, 2,
             lambda ps: torch.optim.RMSprop(ps)),
        # p, g, m, v read; p, m, v written
        Case("Adam", "Adam", lambda p: optim.Adam(p), 4, 3,
             lambda ps: torch.optim.Adam(ps)),
        # as Adam: the decay folds into the write of p
        Case("AdamW", "AdamW", lambda p: optim.AdamW(p), 4, 3,
             lambda ps: torch.optim.AdamW(ps)),
        # p, g read; p written
        Case("SignSGD", "SignSGD", lambda p: optim.SignSGD(p), 2, 1),
        # p, g, m read; p, m written
        Case("Signum", "Signum", lambda p: optim.Signum(p), 3, 2),
        # p, g, m read; p, m written
        Case("Lion", "Lion", lambda p: optim.Lion(p), 3, 2),
        # p, g, m read; p, m written; plus one more read of p for RMS(p)
        Case("Tiger (matrix)", "Tiger", lambda p: optim.Tiger(p), 4, 2, matrix=True),
    ]


def select_cases(names: str | None) -> list[Case]:
    cases = all_cases()
    if not names:
        return cases
    known = {name.lower(): name for name in optim.OPTIMIZERS}
    wanted = set()
    for name in names.split(","):
        name = name.strip()
        if name.lower() not in known:
            sys.exit(f"unknown optimizer {name!r}; choose from {', '.join(optim.OPTIMIZERS)}")
        wanted.add(known[name.lower()])
    return [case for case in cases if case.name in wanted]


# -- timing -----------------------------------------------------------------------------------

def page_faults() -> int:
    """Minor page faults of this process so far (0 where the resource module is missing)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource else 0


def timed(step: Callable[[int], None], repeats: int) -> tuple[float, float]:
    """Call step(0), step(1) to warm up, then time the next `repeats` calls.

    Returns the median time in seconds and the page faults per timed call.
    """
    for i in range(WARMUP_STEPS):
        step(i)
    times = []
    faults_before = page_faults()
    for i in range(WARMUP_STEPS, WARMUP_STEPS + repeats):
        start = time.perf_counter()
        step(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times), (page_faults() - faults_before) / repeats


def median_seconds(step: Callable[[int], None], repeats: int) -> float:
    return timed(step, repeats)[0]


def copy_bandwidth(n: int, dtype: np.dtype, repeats: int) -> float:
    """Bytes per second that np.copyto reads plus writes, on two arrays of n elements."""
    src = np.ones(n, dtype=dtype)
    dst = np.zeros(n, dtype=dtype)
    seconds = median_seconds(lambda i: np.copyto(dst, src), repeats)
    return 2 * src.nbytes / seconds


def torch_copy_bandwidth(n: int, dtype: np.dtype, repeats: int) -> float:
    """The same for torch's Tensor.copy_, which may use several threads."""
    src = torch.ones(n, dtype=torch_dtype(dtype))
    dst = torch.zeros(n, dtype=torch_dtype(dtype))
    seconds = median_seconds(lambda i: dst.copy_(src), repeats)
    return 2 * src.numel() * src.element_size() / seconds


def torch_dtype(dtype: np.dtype):
    return {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}[dtype]


def make_gradients(n: int, dtype: np.dtype, count: int, seed: int = 0) -> list[np.ndarray]:
    """`count` different random gradients, one per step, made before any timing."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(n, dtype=np.float32).astype(dtype, copy=False) for _ in range(count)]


def parameter_shape(case: Case, n: int) -> tuple[int, ...]:
    """(n,), or for a matrix case (n // 1000, 1000), which drops the remainder of n."""
    if not case.matrix:
        return (n,)
    columns = min(n, TIGER_COLUMNS)
    return (n // columns, columns)


def time_ours(case: Case, shape, grads, dtype, repeats: int) -> tuple[float, float]:
    """Median seconds of our step, and page faults per step."""
    size = int(np.prod(shape))
    p = np.random.default_rng(1).standard_normal(size, dtype=np.float32).astype(dtype).reshape(shape)
    opt = case.make_ours(p)
    step_grads = [g[:size].reshape(shape) for g in grads]
    return timed(lambda i: opt.step(step_grads[i]), repeats)


def time_torch(case: Case, shape, grads, dtype, repeats: int) -> float:
    size = int(np.prod(shape))
    p0 = np.random.default_rng(1).standard_normal(size, dtype=np.float32).astype(dtype).reshape(shape)
    p = torch.nn.Parameter(torch.from_numpy(p0))
    opt = case.make_torch([p])
    step_grads = [torch.from_numpy(g[:size].reshape(shape)) for g in grads]  # no copies

    def step(i):
        p.grad = step_grads[i]
        opt.step()

    return median_seconds(step, repeats)


# -- reports ----------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}"


# A step that page-faults this often is timing the kernel handing memory back, not the update.
FAULTS_WORTH_A_NOTE = 100


def print_fault_notes(faults: dict[str, float]) -> None:
    noisy = {label: f for label, f in faults.items() if f >= FAULTS_WORTH_A_NOTE}
    if noisy:
        print()
        for label, f in noisy.items():
            print(f"note: {label} took {f:.0f} page faults per step (freed temporaries went back to the "
                  f"OS and were faulted in again; see benchmarks/README.md)")


def cpu_stall_microseconds() -> int | None:
    """Total time some task waited for a CPU (Linux pressure stall information), else None."""
    try:
        with open("/proc/pressure/cpu") as f:
            some = f.readline().split()          # some avg10=... avg60=... avg300=... total=...
        return int(some[-1].split("=")[1])
    except (OSError, IndexError, ValueError):
        return None


def print_contention_note(stall_before: int | None, start: float) -> None:
    """Warn when other processes competed for the CPU while we measured."""
    stall_after = cpu_stall_microseconds()
    if stall_before is None or stall_after is None:
        return
    share = (stall_after - stall_before) / 1e6 / (time.perf_counter() - start)
    if share > 0.05:
        print(f"\nnote: tasks waited for a CPU {share:.0%} of the time during this run: something else "
              f"was running, so the times are not reliable; rerun on an idle machine")


def print_header(args, dtype, bandwidth: float) -> None:
    print(f"n = {args.n:_}, dtype = {dtype}, repeats = {args.repeats} (median), warm-up steps = {WARMUP_STEPS}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          + (f"torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "torch not installed")
          + f", {os.cpu_count()} CPUs, optcourse.optim.base.BLOCK = {base.BLOCK}")
    print(f"copy bandwidth (np.copyto, bytes read + written): {bandwidth / 1e9:.1f} GB/s")
    if torch is not None:
        tb = torch_copy_bandwidth(args.n, dtype, args.repeats)
        print(f"copy bandwidth (torch Tensor.copy_, for reference): {tb / 1e9:.1f} GB/s")
    print()


def run_table(args, dtype: np.dtype) -> None:
    cases = select_cases(args.optimizers)
    bandwidth = copy_bandwidth(args.n, dtype, args.repeats)
    print_header(args, dtype, bandwidth)
    grads = make_gradients(args.n, dtype, WARMUP_STEPS + args.repeats)

    print("| optimizer | bytes/elem | ours ms | bound ms | ours/bound | torch ms | ours/torch |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    faults = {}
    for case in cases:
        shape = parameter_shape(case, args.n)
        size = int(np.prod(shape))
        per_element = case.bytes_per_element(dtype.itemsize)
        bound = per_element * size / bandwidth
        ours, faults[case.label] = time_ours(case, shape, grads, dtype, args.repeats)
        if torch is not None and case.make_torch is not None:
            theirs = time_torch(case, shape, grads, dtype, args.repeats)
            torch_ms, ratio = ms(theirs), f"{ours / theirs:.2f}"
        else:
            torch_ms, ratio = "-", "-"
        print(f"| {case.label} | {per_element} | {ms(ours)} | {ms(bound)} | {ours / bound:.2f} "
              f"| {torch_ms} | {ratio} |", flush=True)
    print_fault_notes(faults)


def run_block_sweep(args, dtype: np.dtype) -> None:
    """Time Adam and SGD with momentum for each block length, to choose base.BLOCK."""
    sizes = [int(s) for s in args.block_sizes.split(",")]
    by_label = {case.label: case for case in all_cases()}
    cases = [by_label["Adam"], by_label["SGD momentum=0.9"]]
    bandwidth = copy_bandwidth(args.n, dtype, args.repeats)
    print_header(args, dtype, bandwidth)
    grads = make_gradients(args.n, dtype, WARMUP_STEPS + args.repeats)

    print("| BLOCK | KiB per block array | " + " | ".join(f"{c.label} ms | {c.label} /bound" for c in cases) + " |")
    print("|---:|---:|" + "---:|---:|" * len(cases))
    default = base.BLOCK
    faults = {}
    try:
        for block in sizes:
            base.BLOCK = block
            cells = []
            for case in cases:
                bound = case.bytes_per_element(dtype.itemsize) * args.n / bandwidth
                seconds, faults[f"{case.label} at BLOCK={block}"] = time_ours(case, (args.n,), grads, dtype,
                                                                             args.repeats)
                cells += [ms(seconds), f"{seconds / bound:.2f}"]
            mark = " (default)" if block == default else ""
            print(f"| {block}{mark} | {block * dtype.itemsize / 1024:g} | " + " | ".join(cells) + " |",
                  flush=True)
    finally:
        base.BLOCK = default
    print_fault_notes(faults)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000_000, help="elements in the parameter (default 10_000_000)")
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--repeats", type=int, default=7, help="timed steps per optimizer; the median is shown")
    parser.add_argument("--optimizers", default=None,
                        help=f"comma-separated subset of {','.join(optim.OPTIMIZERS)} (default: all)")
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="call torch.set_num_threads with this first (default: leave torch's default)")
    parser.add_argument("--block-sizes", default=None,
                        help="comma-separated BLOCK values: time Adam and SGD momentum for each instead")
    args = parser.parse_args(argv)
    if args.n < 1 or args.repeats < 1:
        parser.error("--n and --repeats must be at least 1")
    dtype = np.dtype(args.dtype)
    if torch is not None and args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    stall_before, start = cpu_stall_microseconds(), time.perf_counter()
    if args.block_sizes:
        run_block_sweep(args, dtype)
    else:
        run_table(args, dtype)
    print_contention_note(stall_before, start)


if __name__ == "__main__":
    main()
