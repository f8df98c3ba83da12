"""The student's kernel and the wire: limits, clean environment, plain data only, interrupts and kills."""
import os
import resource
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from optcourse.course import sandbox, wire

MEMORY = 1 << 30
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTCOURSE_TEST_SECRET", "hunter2")          # must not reach the student
    workdir = tmp_path / "student"
    workdir.mkdir()
    k = sandbox.start_kernel(str(workdir), str(tmp_path / "kernel.log"), memory=MEMORY, cpu_seconds=60,
                             file_bytes=1 << 20, deadline=time.monotonic() + 60)
    k.cell_deadline = time.monotonic() + 20
    yield k
    k.close()


def test_clean_environment_own_folder_and_limits(kernel, tmp_path):
    reply = kernel.run("import os, resource\nenv = dict(os.environ)\ncwd = os.getcwd()\n"
                       "limits = [resource.getrlimit(r) for r in (resource.RLIMIT_AS, resource.RLIMIT_CPU, "
                       "resource.RLIMIT_FSIZE)]\npgid = os.getpgid(0) == os.getpid()")
    assert reply["ok"], reply
    env = kernel.get("env")
    assert "OPTCOURSE_TEST_SECRET" not in env and "hunter2" not in str(env)
    assert set(env) <= set(sandbox.clean_environment("x")) | {"LC_CTYPE"}
    assert kernel.get("cwd") == str(tmp_path / "student")
    assert kernel.get("limits") == [(MEMORY, MEMORY), (60, 62), (1 << 20, 1 << 20)]
    assert kernel.get("pgid") is True                                   # its own process group


def test_values_come_back_as_plain_copies_and_objects_as_proxies(kernel):
    kernel.run("import numpy as np, sympy as sp\nclass AlwaysEqual:\n    def __eq__(self, o): return True\n"
               "values = [1, 2.5, float('nan'), 1+2j, 'text', b'raw', None, True, (1, [2, {'k': 3}]), {4, 5}, "
               "np.arange(6.0).reshape(2, 3), np.float32(1.5), np.int64(7)]\n"
               "expr = sp.sin(sp.Symbol('x', positive=True)) ** 2 + sp.Rational(1, 3) * sp.pi\n"
               "odd = AlwaysEqual()\nclass F(float):\n    __eq__ = lambda s, o: True\nsub = F(2.0)")
    values = kernel.get("values")
    assert values[:2] == [1, 2.5] and np.isnan(values[2]) and values[3:8] == [1 + 2j, "text", b"raw", None, True]
    assert values[8] == (1, [2, {"k": 3}]) and values[9] == {4, 5}
    assert type(values[10]) is np.ndarray and values[10].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert values[11].dtype == np.float32 and values[12] == 7
    import sympy as sp
    x = sp.Symbol("x", positive=True)
    assert kernel.get("expr") == sp.sin(x) ** 2 + sp.pi / 3
    odd = kernel.get("odd")
    assert isinstance(odd, sandbox.RemoteObject) and odd != 1 and not (odd == "anything")
    kernel.run("import sympy as sp\nodd_expr = sp.Piecewise((1, sp.Symbol('y') > 0), (0, True))\n"
               "bad = np.array([object()])")
    assert isinstance(kernel.get("odd_expr"), sandbox.RemoteObject)     # not rebuildable: stays there
    assert isinstance(kernel.get("bad"), sandbox.RemoteObject)          # object arrays never cross
    sub = kernel.get("sub")
    assert type(sub) is float and sub == 2.0 and sub != 3.0          # a float subclass arrives as a float


def test_calls_share_arrays_and_call_back_into_the_grader(kernel):
    kernel.run("def step(x, v, g):\n    v *= 0.5\n    v += g\n    x -= v\n"
               "class Opt:\n    def __init__(self, p): self.p = p\n    def step(self, g): self.p -= g\n"
               "def apply(f, x): return f(x) + 1\n"
               "def boom(x): raise ValueError(f'bad {x}')")
    x, v = np.ones(2), np.zeros(2)
    assert kernel.get("step")(x, v, np.array([1.0, 2.0])) is None
    assert x.tolist() == [0.0, -1.0] and v.tolist() == [1.0, 2.0]          # changed in place, as in Python
    p = np.zeros(3)
    opt = kernel.get("Opt")(p)
    opt.step(np.ones(3))
    opt.step(np.ones(3))
    assert p.tolist() == [-2.0, -2.0, -2.0] and opt.p is p                # the same array, kept by the object
    assert kernel.get("apply")(lambda y: 10 * y, 4) == 41                 # the lambda ran in the grader
    with pytest.raises(ValueError, match="bad 3") as info:
        kernel.get("boom")(3)
    assert info.value.from_student


def test_a_hang_is_interrupted_and_the_kernel_lives_on(kernel):
    kernel.run("def spin():\n    while True:\n        pass")
    kernel.cell_deadline = time.monotonic() + 1
    start = time.monotonic()
    with pytest.raises(sandbox.KernelTimeout, match="interrupted"):
        kernel.get("spin")()
    assert time.monotonic() - start < 1 + sandbox.GRACE
    assert kernel.stopped is None
    kernel.cell_deadline = time.monotonic() + 10
    assert kernel.run("y = 2")["ok"] and kernel.get("y") == 2


def test_ignoring_interrupts_gets_the_whole_process_group_killed(kernel, tmp_path):
    kernel.run("import signal, subprocess, sys\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
               "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']).pid")
    child = kernel.get("child")
    kernel.cell_deadline = time.monotonic() + 0.5
    with pytest.raises(sandbox.KernelTimeout, match="did not stop when interrupted"):
        kernel.run("while True:\n    pass")
    assert kernel.proc.poll() == -signal.SIGKILL
    for _ in range(100):                        # the child was in the kernel's process group
        try:
            os.kill(child, 0)
            if open(f"/proc/{child}/stat").read().split()[2] == "Z":
                break
        except (ProcessLookupError, FileNotFoundError):
            break
        time.sleep(0.05)
    else:
        pytest.fail("the kernel's child survived")
    with pytest.raises(sandbox.KernelStopped):
        kernel.run("1")


def test_memory_limit_raises_memory_error_in_the_student_code(kernel):
    reply = kernel.run("import numpy as np\nhog = np.ones(2 * 2**30 // 8)")
    assert not reply["ok"] and reply["error"]["type"] == "MemoryError"
    assert kernel.run("small = np.ones(10).sum()")["ok"] and kernel.get("small") == 10.0


def test_output_is_capped_and_exit_is_survived_or_reported(kernel):
    reply = kernel.run("for i in range(100_000):\n    print('flood flood flood')\nimport sys\nsys.exit(3)")
    assert len(reply["output"]) < sandbox.MAX_OUTPUT + 200 and "more characters of output dropped" in reply["output"]
    assert reply["error"]["type"] == "SystemExit" and kernel.stopped is None
    with pytest.raises(sandbox.KernelStopped, match="exited with code 0"):
        kernel.run("import os\nos._exit(0)")


def test_decode_refuses_anything_but_plain_data():
    ref = lambda rid, t: ("ref", rid)
    assert wire.decode({"t": "ref", "id": 3, "type": "Evil"}, ref) == ("ref", 3)
    for bad in ({"t": "nd", "dtype": "|O", "shape": [1], "b64": ""},
                {"t": "nd", "dtype": "<f8", "shape": [3], "b64": "AAAAAAAAAAA="},          # 8 bytes for 3 floats
                {"t": "sf", "func": "__import__", "args": []},
                {"t": "sf", "func": "lambdify", "args": []},
                {"t": "sA", "name": "__class__"},
                {"t": "pickle", "v": "gASVAAAAAAAAAAA="},
                [1, 2]):
        with pytest.raises(wire.BadValue):
            wire.decode(bad, ref)
    deep = 1
    for _ in range(5000):
        deep = {"t": "list", "v": [deep]}
    with pytest.raises(wire.BadValue):
        wire.decode(deep, ref)


def test_frames_have_a_size_limit_and_a_deadline():
    r, w = os.pipe()
    try:
        os.write(w, wire.HEADER.pack(wire.MAX_FRAME + 1))
        with pytest.raises(wire.ProtocolError, match="larger than the limit"):
            wire.recv_frame(r, time.monotonic() + 1)
        with pytest.raises(wire.Timeout):
            wire.recv_frame(r, time.monotonic() + 0.05)
    finally:
        os.close(r)
        os.close(w)


def test_matplotlib_inline_magic_works_in_the_student_kernel(kernel):
    # Students (and lessons) write `%matplotlib inline`; a plain IPython shell would raise in that cell.
    reply = kernel.run("%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()\n"
                       "import matplotlib\nbackend = matplotlib.get_backend()")
    assert reply["ok"], reply
    assert kernel.get("backend") == "inline"


# ---- the jail (bubblewrap) ------------------------------------------------------------------------------

@pytest.fixture
def jailed_kernel(tmp_path):
    from optcourse.course import isolation
    reason = isolation.unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the isolation tests, but {reason}")
        pytest.skip(reason)
    support = tmp_path / "lesson"
    support.mkdir()
    (support / "selfcheck.py").write_text("LESSON = 'sample'\n")
    lease = isolation.UidLease() if os.getuid() == 0 else None
    jail = isolation.Jail(support=str(support), uid=lease.uid if lease else None, tmp_bytes=8 << 20,
                          home_bytes=8 << 20, processes=16)
    k = sandbox.start_kernel(str(tmp_path), str(tmp_path / "kernel.log"), memory=MEMORY, cpu_seconds=60,
                             file_bytes=64 << 20, deadline=time.monotonic() + 60, jail=jail)
    k.cell_deadline = time.monotonic() + 30
    yield k, lease
    k.close()
    if lease:
        lease.release()


def test_the_jail_hides_everything_but_the_kernel_itself(jailed_kernel, tmp_path):
    kernel, lease = jailed_kernel
    reply = kernel.run(
        "import os, socket, resource\n"
        "from selfcheck import LESSON\n"
        "uid, pids, top = os.getuid(), sorted(int(p) for p in os.listdir('/proc') if p.isdigit()), sorted(os.listdir('/'))\n"
        "def attempt(f):\n    try:\n        f()\n        return 'ok'\n    except OSError as e:\n        return type(e).__name__\n"
        "net = attempt(lambda: socket.create_connection(('127.0.0.1', 22), timeout=1))\n"
        "etc = attempt(lambda: open('/etc/optcourse-test', 'w'))\n"
        "lesson = attempt(lambda: open('selfcheck.py', 'a'))\n"
        "home = attempt(lambda: open('notes.txt', 'w').write('mine'))\n"
        "host = [os.path.exists(p) for p in " + repr([str(tmp_path), str(ROOT / "solutions")]) + "]\n"
        # The package is mounted where it is installed; if that is inside the repository, only it shows.
        "repository = sorted(os.listdir(" + repr(str(ROOT)) + ")) if os.path.exists(" + repr(str(ROOT)) + ") else []\n"
        "nproc = resource.getrlimit(resource.RLIMIT_NPROC)[0]\n"
        "def fill():\n    with open('/tmp/big', 'wb') as f:\n        for _ in range(32):\n            f.write(b'x' * (1 << 20))\n"
        "tmp = attempt(fill)\n")
    assert reply["ok"], reply
    assert kernel.get("LESSON") == "sample"                       # the lesson's support files are there
    assert max(kernel.get("pids")) < 50                           # its own PID namespace
    assert not {"mnt", "srv", "var", "media"} & set(kernel.get("top"))
    assert kernel.get("host") == [False, False]                   # the grader's folders and the solutions
    assert set(kernel.get("repository")) <= {"optcourse", ".venv"}  # nothing of the repository but Python and the package
    refused = ("OSError", "PermissionError")                       # read-only mount, or not its file
    assert kernel.get("net") in ("OSError", "ConnectionRefusedError") and kernel.get("etc") in refused
    assert kernel.get("lesson") in refused and kernel.get("home") == "ok"
    assert kernel.get("tmp") == "OSError"                         # ENOSPC: /tmp holds 8 MB
    if lease:
        assert kernel.get("uid") == lease.uid and kernel.get("nproc") == 16


def test_a_jailed_kernel_is_interrupted_and_killed_like_any_other(jailed_kernel):
    kernel, lease = jailed_kernel
    kernel.run("def spin():\n    while True:\n        pass")
    kernel.cell_deadline = time.monotonic() + 1
    with pytest.raises(sandbox.KernelTimeout, match="interrupted"):
        kernel.get("spin")()
    kernel.cell_deadline = time.monotonic() + 10
    assert kernel.run("y = 3")["ok"] and kernel.get("y") == 3
    with pytest.raises(sandbox.KernelStopped, match="SIGSEGV"):
        kernel.run("import ctypes\nctypes.string_at(0)")
