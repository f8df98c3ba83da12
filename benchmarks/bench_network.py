"""How fast is the NumPy network, compared with the same network in PyTorch?

Three measurements on the 8x8 digits (1438 training and 359 test images), with an MLP 64-64-10:

* time to train with Adam (lr 1e-2, batches of 32) until the test accuracy, checked after each epoch,
  exceeds 95%: optcourse's ``train`` against a PyTorch loop over the same batches with
  ``torch.optim.Adam``;
* one forward + backward pass (loss and gradient) per batch, for several batch sizes;
* one Hessian-vector product per batch: optcourse's R-operator against PyTorch's double backward.

Both sides compute in float64. PyTorch runs with its default thread count; NumPy with its BLAS's.
Timings are medians of ``--repeats`` runs. Nothing is asserted: this measures.

On full batches (1438 x 64 arrays of 0.7 MB) most of NumPy's extra time is the C library's memory
allocator: each fresh temporary above glibc's mmap threshold is mapped and page-faulted anew, where
PyTorch reuses cached blocks. Raising the thresholds shows it (MALLOC_MMAP_THRESHOLD_=16000000
MALLOC_TRIM_THRESHOLD_=100000000). Run from the repository root:

    python benchmarks/bench_network.py
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_network.py      # one BLAS thread (often faster here)
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# Use the optcourse of this checkout, also when it is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from optcourse import optim  # noqa: E402
from optcourse.learning.data import load_digits, minibatches, train_test_split  # noqa: E402
from optcourse.learning.network import MLP  # noqa: E402
from optcourse.learning.training import train  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

SIZES = [64, 64, 10]
LR, BATCH, TARGET, MAX_EPOCHS = 1e-2, 32, 0.95, 50


def median_seconds(run, repeats: int) -> float:
    run()                                           # warm up (imports, caches, thread pools)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- optcourse ---------------------------------------------------------------------------------------

def ours_train_to_target(data):
    (X_train, y_train), (X_test, y_test) = data
    net = MLP(SIZES, seed=0)
    opt = optim.Adam(net.params, lr=LR)
    for epoch in range(MAX_EPOCHS):
        train(net, X_train, y_train, opt, batch_size=BATCH, seed=epoch)   # one epoch per call
        if net.accuracy(X_test, y_test) > TARGET:
            return epoch + 1
    return None


# -- PyTorch ------------------------------------------------------------------------------------------

def torch_model(net: MLP):
    """The same network in torch, starting from the same parameters (W stored as (in, out))."""
    params = [torch.tensor(p, requires_grad=True) for p in net.params]

    def logits(X):
        a = X
        for l in range(0, len(params), 2):
            a = a @ params[l] + params[l + 1]
            if l + 2 < len(params):
                a = torch.relu(a)
        return a

    return params, logits


def torch_train_to_target(data):
    (X_train, y_train), (X_test, y_test) = data
    params, logits = torch_model(MLP(SIZES, seed=0))
    opt = torch.optim.Adam(params, lr=LR)
    X_test_t, y_test_t = torch.as_tensor(X_test), torch.as_tensor(y_test)
    for epoch in range(MAX_EPOCHS):
        for Xb, yb in minibatches(X_train, y_train, BATCH, seed=epoch, epoch=0):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(logits(torch.as_tensor(Xb)), torch.as_tensor(yb)).backward()
            opt.step()
        with torch.no_grad():
            if (logits(X_test_t).argmax(1) == y_test_t).double().mean().item() > TARGET:
                return epoch + 1
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    X, y = load_digits()
    data = train_test_split(X, y, test_fraction=0.2, seed=0)
    (X_train, y_train), _ = data
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}; {os.cpu_count()} CPUs; "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}; "
          f"torch threads {torch.get_num_threads() if torch else '-'}")
    print(f"MLP {SIZES}, {MLP(SIZES).n_params} parameters, float64\n")

    rows = []
    epochs = ours_train_to_target(data)
    t_ours = median_seconds(lambda: ours_train_to_target(data), max(1, args.repeats // 2))
    t_torch = t_epochs = None
    if torch:
        t_epochs = torch_train_to_target(data)
        t_torch = median_seconds(lambda: torch_train_to_target(data), max(1, args.repeats // 2))
    rows.append((f"train to >{TARGET:.0%} test acc. (Adam, batch {BATCH})", t_ours, t_torch,
                 f"epochs: ours {epochs}, torch {t_epochs if torch else '-'}"))

    net = MLP(SIZES, seed=0)
    v = np.random.default_rng(0).standard_normal(net.n_params)
    for batch in (32, 128, len(X_train)):
        Xb, yb = X_train[:batch], y_train[:batch]
        t_ours = median_seconds(lambda: net.loss_and_gradient(Xb, yb), args.repeats * 20)
        t_torch = None
        if torch:
            params, logits = torch_model(net)
            Xt, yt = torch.as_tensor(Xb), torch.as_tensor(yb)

            def torch_step():
                torch.autograd.grad(torch.nn.functional.cross_entropy(logits(Xt), yt), params)

            t_torch = median_seconds(torch_step, args.repeats * 20)
        rows.append((f"forward + backward, batch {batch}", t_ours, t_torch, ""))

    Xb, yb = X_train[:128], y_train[:128]
    t_ours = median_seconds(lambda: net.hessian_vector_product(Xb, yb, v), args.repeats * 20)
    t_torch = None
    if torch:
        params, logits = torch_model(net)
        Xt, yt = torch.as_tensor(Xb), torch.as_tensor(yb)
        vs = [torch.as_tensor(p) for p in net.unflatten(v)]

        def torch_hvp():
            grads = torch.autograd.grad(torch.nn.functional.cross_entropy(logits(Xt), yt), params, create_graph=True)
            torch.autograd.grad(sum((g * u).sum() for g, u in zip(grads, vs)), params)

        t_torch = median_seconds(torch_hvp, args.repeats * 20)
    rows.append(("Hessian-vector product, batch 128", t_ours, t_torch, "R-operator vs double backward"))

    print(f"{'measurement':<46} {'optcourse':>12} {'torch':>12} {'ours/torch':>11}  note")
    for label, ours, ref, note in rows:
        ref_text = f"{ref * 1e3:9.3f} ms" if ref else f"{'-':>12}"
        ratio = f"{ours / ref:10.2f}x" if ref else f"{'-':>11}"
        print(f"{label:<46} {ours * 1e3:9.3f} ms {ref_text} {ratio}  {note}")


if __name__ == "__main__":
    main()
