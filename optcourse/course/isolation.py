"""Where a student's kernel runs: a bubblewrap jail, one per submission.

A kernel is started through Debian's ``bwrap`` (bubblewrap, no daemon) in new PID, network, IPC, UTS
and mount namespaces, dying with its parent. Its filesystem is built from nothing:

* read-only: ``/usr`` (and its ``/bin``, ``/lib`` links), ``/etc``, the Python installation and its
  environment (``sys.base_prefix``, ``sys.prefix``), the ``optcourse`` package alone (at
  ``/opt/optcourse``: never the repository, which holds the solutions), and the lesson's support files
  (``selfcheck.py``, data; never its notebook) from the grader's snapshot;
* writable: a size-limited ``/tmp`` and home (``/home/student``, tmpfs), both gone when it ends;
* ``/proc`` of its own PID namespace (it sees only its own processes) and a minimal ``/dev``.

As root, the grader runs ``bwrap`` itself (no user namespace, so no mapping back to root) and the
kernel drops to a **per-submission unprivileged uid** with ``setpriv`` (no capabilities, no new
privileges): ``RLIMIT_NPROC`` then bounds a fork bomb, and no process of that uid can signal or read
another grader process. Not as root, ``bwrap`` makes a user namespace and the kernel keeps the grader's
uid outside it (the namespaces still hide everything else; RLIMIT_NPROC then counts all of that
user's processes and is left unset).

The kernel's environment is the one :func:`optcourse.course.sandbox.clean_environment` gives bwrap.
cgroup v2 limits on the whole tree (memory, pids, CPU) are not applied yet: :func:`cgroup_root` finds a
writable cgroup v2 folder with those controllers where one is delegated, and the machines this was
built on have none (a hybrid v1 hierarchy), so the per-process rlimits and the per-uid RLIMIT_NPROC
are the bounds.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HOME = "/home/student"                       # the kernel's working directory inside the jail
PACKAGE_MOUNT = "/opt/optcourse"             # PYTHONPATH inside the jail
SEED_MOUNT = "/opt/optcourse-seed"           # the warm matplotlib cache, copied into HOME at start
UID_BASE, UID_COUNT = 1_960_000_000, 10_000  # per-submission uids, far from any real account
UID_LOCKS = Path(tempfile.gettempdir()) / "optcourse-grading-uids"


class IsolationUnavailable(ValueError):
    """No sandbox can be built here; the message says why and what to do."""


@dataclass(frozen=True)
class Jail:
    """How to wall in one kernel: its support files, its uid (as root) and its tmpfs sizes in bytes."""
    support: str | None = None               # folder of lesson files bound read-only into HOME
    seed: str | None = None                  # folder copied into HOME/.matplotlib at start
    uid: int | None = None
    tmp_bytes: int = 64 << 20
    home_bytes: int = 64 << 20
    processes: int = 64                      # RLIMIT_NPROC for the per-submission uid


def unavailable_reason() -> str | None:
    """Why kernels cannot be isolated on this machine, or None if they can."""
    if not sys.platform.startswith("linux"):
        return f"this is {sys.platform}, and bubblewrap (the sandbox) needs Linux"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    probe = subprocess.run(command(Jail(), ["/bin/true"]), capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        return f"bubblewrap cannot create namespaces here ({probe.stderr.strip()[:200] or probe.returncode})"
    return None


def _read_only_roots() -> list[str]:
    """The Python installation and environment, outside /usr (which is bound whole)."""
    roots = []
    for p in (sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix,
              os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))):
        p = os.path.realpath(p)
        if p != "/" and not p.startswith("/usr/") and p != "/usr" and p not in roots:
            roots.append(p)
    return [p for p in roots if not any(p.startswith(q + "/") for q in roots if q != p)]


def command(jail: Jail, argv: list[str]) -> list[str]:
    """The bwrap command line that runs ``argv`` inside ``jail``."""
    args = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = os.readlink(f"/{link}") if os.path.islink(f"/{link}") else None
        if target:
            args += ["--symlink", target, f"/{link}"]
        elif os.path.isdir(f"/{link}"):
            args += ["--ro-bind", f"/{link}", f"/{link}"]
    if os.getuid() != 0:
        args += ["--unshare-user", "--uid", "1000", "--gid", "1000"]
    made = {"/", "/usr", "/etc", "/tmp", "/proc", "/dev"}

    def parents(path):
        out = []
        for parent in reversed(Path(path).parents):
            if str(parent) not in made:
                made.add(str(parent))
                out += ["--perms", "0755", "--dir", str(parent)]
        return out

    for root in _read_only_roots():
        args += parents(root) + ["--ro-bind", root, root]
        made.add(root)
    package = str(Path(__file__).resolve().parents[1])          # optcourse/, not the repository
    args += parents(f"{PACKAGE_MOUNT}/optcourse") + ["--ro-bind", package, f"{PACKAGE_MOUNT}/optcourse"]
    args += ["--dev", "/dev", "--proc", "/proc",
             "--size", str(jail.tmp_bytes), "--perms", "1777", "--tmpfs", "/tmp"]
    args += parents(HOME) + ["--size", str(jail.home_bytes), "--perms", "0777", "--tmpfs", HOME]
    if jail.support:
        for entry in sorted(os.listdir(jail.support)):
            args += ["--ro-bind", os.path.join(jail.support, entry), f"{HOME}/{entry}"]
    if jail.seed:
        args += parents(SEED_MOUNT) + ["--ro-bind", jail.seed, SEED_MOUNT]
    args += ["--chdir", HOME, "--"]
    if jail.uid is not None:
        args += ["setpriv", "--reuid", str(jail.uid), "--regid", str(jail.uid), "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    return args + argv


class UidLease:
    """A per-submission uid, held (by a lock file) while one verifier uses it. Only as root."""

    def __init__(self):
        UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        start = (os.getpid() * 7919) % UID_COUNT             # spread concurrent graders over the range
        for k in range(UID_COUNT):
            uid = UID_BASE + (start + k) % UID_COUNT
            fd = os.open(UID_LOCKS / str(uid), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.uid, self.fd = uid, fd
            kill_uid(uid)                                     # anything left by an earlier holder
            return
        raise RuntimeError("no free grading uid")

    def release(self):
        kill_uid(self.uid)
        os.close(self.fd)


def processes_of(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as f:
                    for line in f:
                        if line.startswith("Uid:"):
                            if int(line.split()[1]) == uid:
                                pids.append(int(entry))
                            break
            except OSError:
                pass
    return pids


def kill_uid(uid: int) -> None:
    """SIGKILL every process whose real uid is ``uid`` until none is left (a fork bomb races us)."""
    for _ in range(200):
        pids = processes_of(uid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.01)


def cgroup_root() -> Path | None:
    """A writable cgroup v2 folder with the memory and pids controllers enabled for children, or None."""
    try:
        own = Path("/proc/self/cgroup").read_text().splitlines()
        path = next(line[3:] for line in own if line.startswith("0::"))
    except (OSError, StopIteration):
        return None
    for base in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
        folder = base / path.lstrip("/")
        try:
            enabled = (folder / "cgroup.subtree_control").read_text().split()
        except OSError:
            continue
        if {"memory", "pids"} <= set(enabled) and os.access(folder, os.W_OK):
            return folder
    return None
