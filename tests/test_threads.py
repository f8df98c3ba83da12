"""Importing optcourse sets BLAS to one thread, for NumPy's BLAS and SciPy's, unless the user chose."""
import json
import os
import subprocess
import sys

from optcourse.threads import VARIABLES

PROBE = """
import json, numpy, threadpoolctl
before = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
import optcourse, scipy.linalg
after = {i["filepath"]: i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"}
print(json.dumps({"before": before, "after": after}))
"""


def probe(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    out = subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def test_importing_optcourse_after_numpy_leaves_every_blas_with_one_thread():
    seen = probe()
    assert seen["after"], "no BLAS library found: threadpoolctl cannot see NumPy's BLAS"
    # numpy and scipy each bring their own OpenBLAS; the second is loaded after optcourse
    assert set(seen["after"].values()) == {1}, seen
    if os.cpu_count() > 1:    # otherwise one thread was the default anyway, and the test proves less
        assert max(seen["before"]) > 1, seen


def test_a_thread_count_the_user_set_is_kept():
    seen = probe(OPENBLAS_NUM_THREADS="2")
    assert set(seen["after"].values()) == {2}, seen
