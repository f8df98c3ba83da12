"""Run code on this machine as if on another CPU: other OpenBLAS kernels, other NumPy SIMD loops.

Students' laptops differ from the machine that wrote the saved notebook outputs: another x86 CPU,
Apple silicon, Windows. Their BLAS kernels and NumPy's SIMD loops add in other orders, so the last bits
of a result differ. Two switches make this machine take other code paths:

* ``OPENBLAS_CORETYPE`` picks the OpenBLAS kernels of another core (only one this CPU can run);
* ``NPY_DISABLE_CPU_FEATURES`` turns off NumPy's dispatched SIMD loops (AVX2, AVX-512...) down to its
  baseline.

``foreign_configurations()`` names the ones that make sense on this machine. From the shell,
``python tests/portability.py [pytest arguments]`` runs the test suite under each of them (the
notebook comparison under one of them is part of the ordinary suite).
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

CPU_PROBE = """
import json, numpy, threadpoolctl
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
print(json.dumps({"dispatch": [f for f in __cpu_dispatch__ if __cpu_features__.get(f)],
                  "blas": sorted({i.get("architecture") or "?" for i in threadpoolctl.threadpool_info()
                                  if i["user_api"] == "blas"})}))
"""


def code_paths(env: dict | None = None) -> dict:
    """The NumPy SIMD targets in use and the OpenBLAS kernels chosen, in a fresh Python under ``env``."""
    import scipy  # noqa: F401  (only checks that SciPy is there; the probe loads NumPy's BLAS)
    out = subprocess.run([sys.executable, "-c", CPU_PROBE], env={**os.environ, **(env or {})},
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def foreign_configurations() -> list[tuple[str, dict]]:
    """(name, environment) pairs that run other BLAS kernels and NumPy loops than this machine does."""
    native = code_paths()
    numpy_baseline = {"NPY_DISABLE_CPU_FEATURES": " ".join(native["dispatch"])} if native["dispatch"] else {}
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        flags = open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else ""
        cores = [c for c, needs in (("SkylakeX", "avx512f"), ("Haswell", "avx2"), ("Sandybridge", " avx "),
                                    ("Nehalem", "sse4_2")) if needs in flags]
    elif machine in ("aarch64", "arm64"):
        cores = ["NeoverseN1", "ARMV8"]
    else:
        cores = []
    cores = [c for c in cores if c not in native["blas"]]
    configs = []
    if cores:   # old kernels (no FMA where Sandybridge runs) with NumPy at its baseline: a laptop of 2012
        old = "Sandybridge" if "Sandybridge" in cores else cores[-1]
        configs.append((f"{old} BLAS, NumPy baseline SIMD", {"OPENBLAS_CORETYPE": old, **numpy_baseline}))
    if len(cores) > 1:   # the newest other kernels with NumPy's full dispatch
        configs.append((f"{cores[0]} BLAS, NumPy full SIMD", {"OPENBLAS_CORETYPE": cores[0]}))
    if not configs and numpy_baseline:
        configs.append(("NumPy baseline SIMD", numpy_baseline))
    return configs


def main(argv: list[str]) -> int:
    native = code_paths()
    print(f"native: OpenBLAS {native['blas']}, NumPy SIMD {native['dispatch']}")
    worst = 0
    for name, env in foreign_configurations():
        seen = code_paths(env)
        print(f"\n=== {name}: {env} -> OpenBLAS {seen['blas']}, NumPy SIMD {seen['dispatch']}", flush=True)
        worst = max(worst, subprocess.call([sys.executable, "-m", "pytest", *argv], env={**os.environ, **env}))
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
