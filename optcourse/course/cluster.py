"""Grading on a Dask cluster: ``optcourse grade --scheduler ADDRESS``.

Each submission becomes one task on an existing ``dask.distributed`` cluster (started by hand, or on
Slurm/PBS with dask-jobqueue, or on Kubernetes with dask-kubernetes). A task carries everything it
needs: the verifier's job (the instructor's notebook and the student's answers) and the lesson's
support files as bytes, snapshotted when grading started. On the worker it runs exactly what a local
run does, :func:`optcourse.course.grade._verify`, with the kernel in a bubblewrap jail on that worker;
a worker that cannot build the jail scores the submission 0 and says why, rather than running it
unprotected. Results come back as plain JSON-able dicts, so the gradebook is the one a local run writes.

    pip install "optcourse[grading]"          # dask and distributed
    dask scheduler &  dask worker tcp://HOST:8786 --nthreads 1 --nworkers 2 &
    optcourse grade solutions/01-gd submissions/01-gd --out graded/01-gd --scheduler tcp://HOST:8786
"""
from __future__ import annotations

import copy
import os
import tempfile
from dataclasses import asdict
from pathlib import Path


def verify_on_worker(job: dict, limits: dict, support: dict[str, bytes]) -> dict:
    """On a Dask worker: rebuild the lesson snapshot in a private folder and grade one submission."""
    from . import isolation
    from .grade import Limits, _verify
    from .sandbox import clean_environment

    if job.get("isolation") is not None:
        reason = isolation.unavailable_reason()
        if reason is not None:
            return {"error": f"the Dask worker cannot isolate students' code ({reason}); scored 0"}
    with tempfile.TemporaryDirectory(prefix="optcourse-worker-") as home:
        os.chmod(home, 0o700)
        lesson = Path(home) / "lesson"
        for rel, data in support.items():
            target = lesson / rel
            if ".." in Path(rel).parts or Path(rel).is_absolute():
                raise ValueError(f"a support file outside the lesson: {rel}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        lesson.mkdir(exist_ok=True)
        job = copy.deepcopy(job)
        job["lesson_dir"] = str(lesson)
        if job.get("isolation") is not None:
            job["isolation"] = {"support": str(lesson), "seed": None}
        return _verify(job, Limits(**limits), clean_environment(home))


class Cluster:
    """A connection to a Dask scheduler that verifies submissions on its workers."""

    def __init__(self, address, support: Path, limits):
        try:
            from distributed import Client
        except ImportError:
            raise ValueError("grade --scheduler needs dask.distributed: pip install 'optcourse[grading]'") from None
        self.client = address if hasattr(address, "submit") else Client(address, timeout="30s")
        self.owned = not hasattr(address, "submit")
        self.support = {str(p.relative_to(support)): p.read_bytes() for p in sorted(support.rglob("*")) if p.is_file()}
        self.support_future = self.client.scatter([self.support], broadcast=True)[0]
        self.limits = asdict(limits)

    def slots(self) -> int:
        return sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()) or 1

    def verify(self, job: dict) -> dict:
        future = self.client.submit(verify_on_worker, job, self.limits, self.support_future, pure=False)
        try:
            return future.result()
        except Exception as e:                       # a worker lost or a task failed: that submission only
            return {"error": f"the Dask task failed ({type(e).__name__}); scored 0"}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.owned:
            self.client.close()
