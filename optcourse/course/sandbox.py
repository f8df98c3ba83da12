"""The student's kernel: a fresh IPython shell in its own limited process, driven over a pipe.

Grading runs a submission's code here and nowhere else. :func:`start_kernel` launches
``python -m optcourse.course.sandbox`` inside a bubblewrap jail (:mod:`optcourse.course.isolation`:
own namespaces, own uid, read-only system, nothing of the grader's visible) with

* a working directory of its own and a clean environment (no variable of the grader's is inherited:
  only PATH, HOME, locale, PYTHONPATH to this package and single-threaded BLAS);
* resource limits set before the interpreter starts: address space (``RLIMIT_AS``), CPU seconds
  (``RLIMIT_CPU``), file size (``RLIMIT_FSIZE``, which also caps what it can print to its log), no
  core dumps, a bounded number of open files;
* its own session and process group, so that a timeout kills the kernel and everything it started.

Inside, an IPython ``InteractiveShell`` (the shell ipykernel wraps, here on a pipe rather than
ZeroMQ, because the grader must call into the kernel while a test cell runs elsewhere) runs cells and
serves requests: run a cell, give a variable, call an object, read an attribute. Values go back as
plain data (:mod:`optcourse.course.wire`); everything else stays here and is reached through a
numbered reference. NumPy arrays the grader passes in are shared: the kernel sends back their new
contents after every call, so functions that update arrays in place (optimizer steps) are graded as
they behave. Objects of the grader's that cannot be pickled (the test's own lambdas) arrive as
proxies that call back into the grader.

The grader side is :class:`Kernel`: each request has a deadline; when it passes, the kernel gets
SIGINT (KeyboardInterrupt, as Jupyter's interrupt button), and if it does not answer within a grace
period the whole process group is killed. A dead kernel answers every later request with
:class:`KernelStopped`. The kernel's ``sys.stdout`` and ``sys.stderr`` are one object for its whole life
(:class:`_Router`), so a student's thread printing while a request starts cannot crash it.
"""
from __future__ import annotations

import builtins
import io
import os
import pickle
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ..threads import VARIABLES as BLAS_VARIABLES
from . import isolation, wire

PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
GRACE = 2.0                      # seconds a kernel has to answer an interrupt before it is killed
MAX_OUTPUT = 20_000              # characters of a cell's output kept for feedback


class KernelStopped(BaseException):
    """The student's kernel is gone (timeout, crash, exit). A BaseException, so that a test's
    ``except Exception`` cannot swallow it."""


class KernelTimeout(KernelStopped):
    """A request ran past its deadline (the kernel may still be alive after the interrupt)."""


# ===================================================== student side ==================================

class _CappedWriter(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters and drops the rest."""

    def __init__(self, limit):
        self.limit, self.parts, self.size, self.dropped = limit, [], 0, 0

    def writable(self):
        return True

    def write(self, s):
        s = str(s)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(len(s), room)
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def text(self):
        return "".join(self.parts) + (f"\n[... {self.dropped} more characters of output dropped]"
                                      if self.dropped else "")


class _Router(io.TextIOBase):
    """The kernel's one ``sys.stdout``/``sys.stderr`` for its whole life; it forwards to the current target.

    Swapping ``sys.stdout`` itself while a student's thread prints crashes CPython 3.11 (the thread
    holds a borrowed reference to the old stream); changing where this one object writes cannot.
    """

    def __init__(self):
        self.target = _CappedWriter(0)

    def writable(self):
        return True

    def write(self, s):
        return self.target.write(s)

    def flush(self):
        pass


class _GraderObject:
    """In the student's kernel: an object of the grader's (e.g. a test's lambda), reached by calls."""

    def __init__(self, server, cid):
        object.__setattr__(self, "_server", server)
        object.__setattr__(self, "_cid", cid)

    def __call__(self, *args, **kwargs):
        return self._server.callback(self._cid, None, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._server.callback(self._cid, name, (), {})


def grading_shell():
    """IPython's shell as ipykernel runs it, without a GUI: ``%matplotlib inline`` must not fail a cell."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class GradingShell(InteractiveShell):
        def enable_gui(self, gui=None):   # no event loop to start here; figures are never shown
            pass

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    return GradingShell.instance(config=config)


class _Server:
    def __init__(self, rfd, wfd):
        self.shell = grading_shell()
        self.rfd, self.wfd = rfd, wfd
        self.objects, self.ids = {}, {}                  # reference number <-> object (kept alive)
        self.shared, self.shared_ids, self.sent = {}, {}, {}
        self.stream = _Router()
        sys.stdout = sys.stderr = self.stream

    # -- values out
    def keep(self, x):
        rid = self.ids.get(id(x))
        if rid is None or self.objects[rid] is not x:
            rid = len(self.objects) + 1
            self.objects[rid], self.ids[id(x)] = x, rid
        return {"t": "ref", "id": rid, "type": type(x).__name__}

    def encode(self, x):
        return wire.encode(x, self.keep, lambda a: self.shared_ids.get(id(a)))

    def sync(self):
        """New contents of shared arrays the student's code changed since they were last sent."""
        out = {}
        for vid, a in self.shared.items():
            last = self.sent.get(vid)
            if last is None or last.shape != a.shape or not np.array_equal(last, a, equal_nan=True):
                out[str(vid)] = wire.encode(np.array(a), self.keep)
                self.sent[vid] = np.array(a)
        return out

    # -- values in
    def loads(self, data):
        server = self

        class Unpickler(pickle.Unpickler):
            def persistent_load(self, pid):
                kind = pid[0]
                if kind == "arr":
                    _, vid, dtype, shape, raw = pid
                    fresh = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
                    a = server.shared.get(vid)
                    if a is not None and a.shape == fresh.shape and a.dtype == fresh.dtype and a.flags.writeable:
                        a[...] = fresh                   # same object as before: aliasing survives
                    else:
                        a = server.shared[vid] = fresh
                        server.shared_ids[id(a)] = vid
                    server.sent[vid] = np.array(a)
                    return a
                if kind == "ref":
                    return server.objects[pid[1]]
                if kind == "cb":
                    return _GraderObject(server, pid[1])
                raise pickle.UnpicklingError(f"unknown reference {kind!r}")

        return Unpickler(io.BytesIO(data)).load()

    # -- the channel (SIGINT is blocked here and only let through while student code runs)
    def send(self, message):
        wire.send_frame(self.wfd, wire.dumps_json(message))

    def recv(self):
        return self.loads(wire.recv_frame(self.rfd))

    def student(self, fn, *args, capture=None):
        """Run fn(*args) as the student's code: interruptible, with its output captured or dropped."""
        while signal.SIGINT in signal.sigpending():      # an interrupt meant for an earlier request
            signal.sigtimedwait([signal.SIGINT], 0)
        saved = self.stream.target
        self.stream.target = capture if capture is not None else _CappedWriter(0)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
        try:
            return fn(*args)
        finally:
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
            self.stream.target = saved

    def callback(self, cid, attr, args, kwargs):
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
        try:
            self.send({"op": "callback", "id": cid, "attr": attr,
                       "args": self.encode(list(args)), "kwargs": self.encode(dict(kwargs))})
            return self.wait_reply()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])

    def wait_reply(self):
        while True:
            message = self.recv()
            if "op" in message:                          # the grader calls back while we wait
                self.send(self.handle(message))
            elif "error" in message:
                error = message["error"]
                cls = getattr(builtins, error["type"], None)
                if not (isinstance(cls, type) and issubclass(cls, Exception)):
                    cls = RuntimeError
                raise cls(error["message"])
            else:
                return message["reply"]

    # -- requests
    def handle(self, m):
        op = m["op"]
        try:
            if op == "run":
                capture = _CappedWriter(MAX_OUTPUT)
                result = self.student(self.shell.run_cell, m["source"], capture=capture)
                error = result.error_before_exec or result.error_in_exec
                return {"reply": self.encode({
                    "ok": error is None, "output": capture.text(),
                    "error": None if error is None else
                    {**_error(error), "before_exec": result.error_before_exec is not None}})}
            if op == "get":
                if m["name"] not in self.shell.user_ns:
                    raise NameError(f"name {m['name']!r} is not defined")
                return {"reply": self.student(self.encode, self.shell.user_ns[m["name"]])}
            target = self.objects[m["ref"]]
            if op == "call":
                value = self.student(lambda: target(*m["args"], **m["kwargs"]))
            elif op == "attr":
                value = self.student(getattr, target, m["name"])
            elif op == "builtin":
                fn = {"len": len, "bool": bool, "repr": repr, "str": str, "list": list,
                      "getitem": lambda o, k: o[k], "contains": lambda o, k: k in o}[m["fn"]]
                value = self.student(fn, target, *m["args"])
            else:
                raise ValueError(f"unknown request {op!r}")
            return {"reply": self.student(self.encode, value), "sync": self.sync()}
        except BaseException as e:                       # the student's code may raise anything
            return {"error": _error(e), "sync": self.sync()}

    def serve(self):
        while True:
            message = self.recv()
            if message.get("op") == "bye":
                return
            self.send(self.handle(message))


def _error(e) -> dict:
    try:
        message = str(e)
    except BaseException:
        message = "(the exception could not be printed)"
    return {"type": type(e).__name__[:100], "message": message[:wire.MAX_TEXT]}


def main(argv):
    rfd, wfd = int(argv[0]), int(argv[1])
    seed, mpl = Path(isolation.SEED_MOUNT), os.environ.get("MPLCONFIGDIR")
    if mpl and seed.is_dir():                             # the warm font cache, into the jail's own home
        import shutil
        shutil.copytree(seed, mpl, dirs_exist_ok=True)
    sys.path.insert(0, os.getcwd())                       # as in Jupyter: the lesson's selfcheck.py imports
    signal.signal(signal.SIGINT, signal.default_int_handler)   # even if the grader was started ignoring it
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
    _Server(rfd, wfd).serve()
    os._exit(0)


# ===================================================== grader side ===================================

def clean_environment(workdir: str, tmp: str | None = None, package_root: str = PACKAGE_ROOT) -> dict:
    """The whole environment of a student's kernel: nothing inherited from the grader."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir, "TMPDIR": tmp or workdir, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "PYTHONPATH": package_root, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1", "MPLBACKEND": "Agg", "MPLCONFIGDIR": os.path.join(workdir, ".matplotlib"),
        "IPYTHONDIR": os.path.join(workdir, ".ipython"),
        **{name: "1" for name in BLAS_VARIABLES},
    }


def _limits(memory: int, cpu_seconds: int, file_bytes: int, processes: int | None = None):
    def apply():                                          # runs in the child, before exec
        if processes is not None:                         # counted per uid: the jail's own uid
            resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 2))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)     # a full log makes writes fail, not the kernel die
        try:                                              # die with the grader (PR_SET_PDEATHSIG)
            import ctypes
            ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    return apply


def start_kernel(workdir: str, log_path: str, *, memory: int, cpu_seconds: int, file_bytes: int,
                 deadline: float, jail: "isolation.Jail | None" = None) -> "Kernel":
    """Launch a student's kernel with the given limits; ``deadline`` is time.monotonic() by which the
    whole notebook must be done. With a ``jail`` it runs in bubblewrap (:mod:`.isolation`) and
    ``workdir`` is not used; without one, in ``workdir`` as the grader's own user (unsafe)."""
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    argv = [sys.executable, "-s", "-P", "-m", "optcourse.course.sandbox", str(to_child_r), str(from_child_w)]
    if jail is not None:
        argv = isolation.command(jail, argv)
        env = clean_environment(isolation.HOME, "/tmp", isolation.PACKAGE_MOUNT)
        processes = jail.processes if jail.uid is not None else None
    else:
        env, processes = clean_environment(workdir), None
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            pass_fds=(to_child_r, from_child_w), start_new_session=True,
            preexec_fn=_limits(memory, cpu_seconds, file_bytes, processes))
    os.close(to_child_r)
    os.close(from_child_w)
    return Kernel(proc, to_child_w, from_child_r, deadline, jailed=jail is not None)


class RemoteObject:
    """In the grader: an object that lives in the student's kernel. It can be called and asked for
    attributes, items, its length or truth; its answers arrive as plain data. Equality and hashing
    are the grader's own (identity): the student's ``__eq__`` never runs here."""

    __slots__ = ("_kernel", "_id", "_type", "__weakref__")

    def __init__(self, kernel, rid, type_name):
        object.__setattr__(self, "_kernel", kernel)
        object.__setattr__(self, "_id", rid)
        object.__setattr__(self, "_type", type_name)

    def __call__(self, *args, **kwargs):
        return self._kernel.request({"op": "call", "ref": self._id, "args": args, "kwargs": kwargs})

    def __getattr__(self, name):
        if name.startswith(("__", "_repr_", "_ipython_", "_render_traceback_")):
            raise AttributeError(name)
        return self._kernel.request({"op": "attr", "ref": self._id, "name": name})

    def __setattr__(self, name, value):
        raise TypeError("objects from the student's kernel are read-only in the grader")

    def _builtin(self, fn, *args):
        return self._kernel.request({"op": "builtin", "fn": fn, "ref": self._id, "args": args})

    def __len__(self):
        n = self._builtin("len")
        if type(n) is not int:
            raise TypeError("len() of a student's object did not return an int")
        return n

    def __bool__(self):
        return self._builtin("bool") is True

    def __getitem__(self, key):
        return self._builtin("getitem", key)

    def __contains__(self, key):
        return self._builtin("contains", key) is True

    def __iter__(self):
        items = self._builtin("list")
        if type(items) is not list:
            raise TypeError("iterating a student's object did not give a list")
        return iter(items)

    def __repr__(self):
        return f"<{self._type} from the student's kernel>"


class Kernel:
    """The grader's handle on a student's kernel. Requests raise :class:`KernelStopped` once it died."""

    def __init__(self, proc, wfd, rfd, deadline, jailed=False):
        self.proc, self.wfd, self.rfd, self.jailed = proc, wfd, rfd, jailed
        self.notebook_deadline = deadline
        self.cell_deadline = deadline
        self.stopped = None                       # why the kernel is gone, once it is
        self.timed_out = False                    # set when a request ran out of time
        self.grader_objects, self.grader_ids = {}, {}
        self.shared, self.shared_ids = {}, {}
        self.proxies = {}

    # -- pickling what the tests pass in
    def _dumps(self, message) -> bytes:
        kernel = self

        class Pickler(pickle.Pickler):
            def persistent_id(self, obj):
                if isinstance(obj, RemoteObject):
                    return ("ref", obj._id)
                if type(obj) is np.ndarray and obj.dtype.kind in wire.NUMERIC_KINDS:
                    vid = kernel.shared_ids.get(id(obj))
                    if vid is None or kernel.shared[vid] is not obj:
                        vid = len(kernel.shared) + 1
                        kernel.shared[vid], kernel.shared_ids[id(obj)] = obj, vid
                    a = np.ascontiguousarray(obj)
                    return ("arr", vid, a.dtype.str, a.shape, a.tobytes())
                if _local_to_grader(obj):
                    cid = kernel.grader_ids.get(id(obj))
                    if cid is None or kernel.grader_objects[cid] is not obj:
                        cid = len(kernel.grader_objects) + 1
                        kernel.grader_objects[cid], kernel.grader_ids[id(obj)] = obj, cid
                    return ("cb", cid)
                return None

        buffer = io.BytesIO()
        Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(message)
        return buffer.getvalue()

    # -- reading what the student sends back
    def _ref(self, rid, type_name):
        proxy = self.proxies.get(rid)
        if proxy is None:
            proxy = self.proxies[rid] = RemoteObject(self, rid, type_name)
        return proxy

    def _decode(self, tree, deadline=None):
        """Plain data from the kernel's tree, decoding for at most GRACE seconds past ``deadline``."""
        return wire.decode(tree, self._ref, lambda vid: self.shared[vid],
                           None if deadline is None else deadline + GRACE)

    def _apply_sync(self, sync, deadline=None):
        if not isinstance(sync, dict):
            return
        for vid, tree in sync.items():
            target = self.shared.get(int(vid))
            new = self._decode(tree, deadline)
            if target is not None and isinstance(new, np.ndarray) and new.shape == target.shape \
                    and target.flags.writeable:
                target[...] = new

    # -- requests
    def request(self, message):
        if self.stopped:
            raise KernelStopped(self.stopped)
        now = time.monotonic()
        deadline = min(self.cell_deadline, self.notebook_deadline)
        if message["op"] == "get":                       # reading a variable gets its own short time
            deadline = min(now + GRACE, self.notebook_deadline)
        if deadline <= now:                              # the cell's time is already used up
            raise KernelTimeout("the cell ran out of time")
        try:
            wire.send_frame(self.wfd, self._dumps(message), deadline)
            return self._wait(deadline)
        except wire.Timeout:
            return self._interrupt()
        except wire.ProtocolError as e:
            self.kill(f"the student's kernel stopped ({self._exit_reason() or e})")
            raise KernelStopped(self.stopped) from None

    def _wait(self, deadline):
        while True:
            reply = wire.loads_json(wire.recv_frame(self.rfd, deadline))
            if not isinstance(reply, dict):
                raise wire.ProtocolError("a message that is not an object")
            if reply.get("op") == "callback":
                self._serve_callback(reply, deadline)
                continue
            self._apply_sync(reply.get("sync"), deadline)
            if "error" in reply:
                raise _student_exception(reply["error"] if isinstance(reply["error"], dict) else {})
            return self._decode(reply["reply"], deadline)

    def _serve_callback(self, m, deadline):
        try:
            target = self.grader_objects[int(m["id"])]
            args, kwargs = self._decode(m["args"], deadline), self._decode(m["kwargs"], deadline)
            if m.get("attr") is not None:
                answer = {"reply": getattr(target, str(m["attr"]))}
            else:
                answer = {"reply": target(*args, **{str(k): v for k, v in kwargs.items()})}
        except KernelStopped:
            raise
        except Exception as e:
            answer = {"error": {"type": type(e).__name__, "message": str(e)[:wire.MAX_TEXT]}}
        wire.send_frame(self.wfd, self._dumps(answer), deadline)

    def _interrupt(self):
        """The deadline passed: SIGINT, a grace period for the reply, then kill."""
        self.timed_out = True
        which = "cell" if self.cell_deadline <= self.notebook_deadline else "notebook"
        if self.proc.poll() is None:
            try:
                os.kill(self._kernel_pid(), signal.SIGINT)
            except ProcessLookupError:
                pass
            grace = time.monotonic() + GRACE
            try:
                while True:
                    reply = wire.loads_json(wire.recv_frame(self.rfd, grace))
                    if isinstance(reply, dict) and reply.get("op") == "callback":
                        wire.send_frame(self.wfd, self._dumps(
                            {"error": {"type": "KeyboardInterrupt", "message": "time is up"}}), grace)
                        continue
                    break
            except (wire.Timeout, wire.ProtocolError):
                self.kill(f"the {which} ran out of time and the kernel did not stop when interrupted; "
                          f"it was killed")
                raise KernelTimeout(self.stopped) from None
        if which == "notebook" or self.proc.poll() is not None:
            self.kill("the notebook ran out of time" if which == "notebook" else "the kernel stopped")
            raise KernelTimeout(self.stopped)
        raise KernelTimeout(f"the {which} ran out of time and was interrupted")

    def _kernel_pid(self) -> int:
        """The kernel's own process: in a jail, the first one below bwrap that runs this module."""
        if not self.jailed:
            return self.proc.pid
        if getattr(self, "_pid", None) is None:
            queue = [self.proc.pid]
            while queue:
                pid = queue.pop(0)
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                if cmdline[0] == os.fsencode(sys.executable) and b"optcourse.course.sandbox" in cmdline:
                    self._pid = pid
                    break
                queue += child_pids(pid)
            else:
                return self.proc.pid
        return self._pid

    def _exit_reason(self):
        try:
            code = self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return None
        if self.jailed and code > 128:                   # bwrap reports its child's signal as 128 + n
            code = 128 - code
        if code < 0:
            name = signal.Signals(-code).name
            return {"SIGXCPU": "it used up its CPU time", "SIGKILL": "it was killed"}.get(name, f"signal {name}")
        return f"it exited with code {code}"

    # -- the grader's verbs
    def run(self, source):
        return self.request({"op": "run", "source": source})

    def get(self, name):
        return self.request({"op": "get", "name": name})

    def kill(self, why):
        if not self.stopped:
            self.stopped = why
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self.wfd, self.rfd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.wfd = self.rfd = -1

    def close(self):
        if not self.stopped:
            try:
                wire.send_frame(self.wfd, self._dumps({"op": "bye"}), time.monotonic() + 1)
            except (wire.Timeout, wire.ProtocolError, OSError):
                pass
            self.kill("closed")


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc; none once it has gone)."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _local_to_grader(obj) -> bool:
    """Objects the student's kernel could not unpickle: things defined in the grader's notebook."""
    if isinstance(obj, type):
        return obj.__module__ == "__main__"
    if callable(obj) and hasattr(obj, "__qualname__") and hasattr(obj, "__module__"):
        return obj.__module__ in (None, "__main__") or "<" in obj.__qualname__
    return type(obj).__module__ == "__main__"


def _student_exception(error):
    """The student's exception as one of Python's own classes (so tests can catch ValueError)."""
    name, message = str(error.get("type", "Exception"))[:100], str(error.get("message", ""))[:wire.MAX_TEXT]
    cls = getattr(builtins, name, None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = RuntimeError
        message = f"{name}: {message}"
    e = cls(message)
    e.from_student = True
    return e


if __name__ == "__main__":
    main(sys.argv[1:])
