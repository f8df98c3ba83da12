"""Grading on a Dask cluster (a LocalCluster of two worker processes) gives the gradebook of a local run."""
import os
import shutil
from pathlib import Path

import pytest

from optcourse.course import isolation
from optcourse.course.grade import Limits, grade

if os.environ.get("CI"):
    import distributed                              # optcourse[grading] is part of optcourse[test]
else:
    distributed = pytest.importorskip("distributed", reason="dask.distributed is in optcourse[grading]")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "course_fixtures"
LESSON = FIXTURES / "solutions" / "00-sample"
LIMITS = Limits(cell_timeout=8, notebook_timeout=60, memory=1 << 30, output=2 << 20)


def test_a_dask_cluster_writes_the_gradebook_of_a_local_run(tmp_path):
    reason = isolation.unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must grade in the bubblewrap jail, but {reason}")
        pytest.skip(reason)
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("correct", "untouched", "monkeypatch", "crash", "tampered_tests"):
        shutil.copy(FIXTURES / "submissions" / f"{name}.ipynb", subs)
    local = grade(LESSON, subs, tmp_path / "local", workers=2, limits=LIMITS)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = grade(LESSON, subs, tmp_path / "remote", limits=LIMITS, scheduler=cluster.scheduler_address)
    # correct, crash (segfault in momentum), monkeypatch, tampered_tests, untouched: as tests/test_course_grade.py
    assert [(r["student"], r["total"]) for r in remote] == [("correct", 6), ("crash", 2), ("monkeypatch", 0),
                                                            ("tampered_tests", 0), ("untouched", 0)]
    for name in ("gradebook.csv", "results.json"):
        assert (tmp_path / "remote" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    for f in (tmp_path / "local" / "feedback").iterdir():
        assert f.read_bytes() == (tmp_path / "remote" / "feedback" / f.name).read_bytes(), f.name


def test_a_missing_scheduler_is_a_clear_error(tmp_path):
    with pytest.raises((OSError, ValueError, TimeoutError)):
        grade(LESSON, FIXTURES / "submissions", tmp_path, limits=LIMITS, scheduler="tcp://127.0.0.1:1")
