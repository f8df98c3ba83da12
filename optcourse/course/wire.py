"""What crosses between the grader and a student's kernel, and how.

Frames are length-prefixed byte strings on a pipe, read and written with deadlines. The two
directions differ on purpose:

* grader -> student: pickle. The student may trust the grader; nothing the student sends is unpickled.
* student -> grader: JSON holding plain data only. :func:`decode` builds nothing but ``None``,
  ``bool``, ``int``, ``float``, ``complex``, ``str``, ``bytes``, lists, tuples, dicts, sets, NumPy arrays
  and scalars of numbers or booleans, and SymPy expressions rebuilt from SymPy's own classes. Any other
  object stays in the student's kernel and arrives as a numbered reference (a proxy that can only be
  called or asked for attributes). So no object of the student's, and none of its methods
  (``__eq__``, ``__bool__``, ``__float__``, ``__array__``), ever runs inside the grader's tests.
"""
from __future__ import annotations

import base64
import json
import os
import select
import struct
import sys
import time

import numpy as np

MAX_FRAME = 64 << 20          # bytes; a larger frame from a student is a protocol error
MAX_TEXT = 2000               # characters kept of a student's error message or repr
MAX_NODES = 1_000_000         # values in one decoded reply (a 2.5-million-item list is refused)
MAX_INT_DIGITS = 4300         # digits of one integer (Python's own limit for int(str))
MAX_POW_BITS = 1 << 16        # SymPy powers of numbers rebuilt here are refused beyond this size
HEADER = struct.Struct("!Q")
NUMERIC_KINDS = "biufc"


class Timeout(Exception):
    pass


class ProtocolError(Exception):
    """The other side sent something that is not a valid message (or went away)."""


class BadValue(ValueError):
    """A well-formed message holding a value that is not plain data (refused, the kernel lives on)."""


def _wait(fd: int, write: bool, deadline: float | None) -> None:
    left = None if deadline is None else deadline - time.monotonic()
    if left is not None and left <= 0:
        raise Timeout()
    r, w, _ = select.select([] if write else [fd], [fd] if write else [], [], left)
    if not (r or w):
        raise Timeout()


def send_frame(fd: int, data: bytes, deadline: float | None = None) -> None:
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        _wait(fd, True, deadline)
        try:
            n = os.write(fd, view[:1 << 16])
        except (BrokenPipeError, ConnectionResetError):
            raise ProtocolError("the other side closed the connection") from None
        view = view[n:]


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, left = [], n
    while left:
        _wait(fd, False, deadline)
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise ProtocolError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def recv_frame(fd: int, deadline: float | None = None, limit: int = MAX_FRAME) -> bytes:
    (n,) = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    if n > limit:
        raise ProtocolError(f"a message of {n} bytes is larger than the limit of {limit}")
    return _read_exactly(fd, n, deadline)


# ---- student side: anything -> JSON-able tree ------------------------------------------------------

def encode(x, keep, shared_id=lambda a: None, depth: int = 0):
    """Plain-data tree of x; objects that are not plain data become ``keep(x)`` references."""
    if depth > 50:
        return keep(x)
    t = type(x)
    if x is None or t in (bool, int, str):
        return x
    if t is float:
        return x if np.isfinite(x) else {"t": "float", "v": repr(x)}
    if isinstance(x, np.ndarray) and x.dtype.kind in NUMERIC_KINDS:
        vid = shared_id(x)
        if vid is not None:
            return {"t": "shared", "vid": vid}
        a = np.ascontiguousarray(x)
        return {"t": "nd", "dtype": a.dtype.str, "shape": list(a.shape),
                "b64": base64.b64encode(a.tobytes()).decode()}
    if isinstance(x, np.generic) and x.dtype.kind in NUMERIC_KINDS:
        return {"t": "np", "dtype": x.dtype.str, "b64": base64.b64encode(x.tobytes()).decode()}
    if isinstance(x, (bool, int)) and not isinstance(x, np.generic):
        return bool(x) if isinstance(x, bool) else int(x)
    if isinstance(x, float):
        return encode(float(x), keep)
    if isinstance(x, complex):
        return {"t": "complex", "v": [encode(x.real, keep), encode(x.imag, keep)]}
    if isinstance(x, (list, tuple, set, frozenset)) and type(x) in (list, tuple, set, frozenset):
        return {"t": t.__name__, "v": [encode(v, keep, shared_id, depth + 1) for v in x]}
    if t is dict:
        return {"t": "dict", "k": [encode(k, keep, shared_id, depth + 1) for k in x],
                "v": [encode(v, keep, shared_id, depth + 1) for v in x.values()]}
    if t is bytes:
        return {"t": "bytes", "b64": base64.b64encode(x).decode()}
    sympy = sys.modules.get("sympy")
    if sympy is not None:
        tree = _encode_sympy(x, sympy, keep)
        if tree is not None:
            return tree
    return keep(x)


def _encode_sympy(x, sympy, keep):
    """A tree for a SymPy object, a reference if SymPy's namespace cannot rebuild it, None if not SymPy."""
    if not isinstance(x, (sympy.Basic, sympy.MatrixBase)):
        return None
    tree = _sympy_tree(x, sympy)
    return tree if tree is not None else keep(x)


def _sympy_tree(x, sympy):
    if isinstance(x, sympy.MatrixBase):
        items = [_sympy_tree(e, sympy) for e in x]
        return None if None in items else {"t": "sM", "rows": x.rows, "cols": x.cols, "v": items}
    if not isinstance(x, sympy.Basic):
        return None
    if type(x) is sympy.Symbol:
        return {"t": "sS", "name": x.name, "assumptions": {k: v for k, v in x.assumptions0.items()
                                                          if isinstance(v, bool)}}
    if isinstance(x, sympy.Integer):
        return {"t": "sI", "v": int(x)}
    if isinstance(x, sympy.Rational):
        return {"t": "sQ", "p": int(x.p), "q": int(x.q)}
    if isinstance(x, sympy.Float):
        return {"t": "sF", "v": str(x), "prec": x._prec}
    if not x.args and getattr(sympy.S, type(x).__name__, None) is x:           # pi, E, I, oo, nan, ...
        return {"t": "sA", "name": type(x).__name__}
    args = [_sympy_tree(a, sympy) for a in x.args]
    if None in args:
        return None
    if isinstance(x, sympy.core.function.AppliedUndef):
        return {"t": "sU", "name": x.func.__name__, "args": args}
    if getattr(sympy, x.func.__name__, None) is not x.func:
        return None
    return {"t": "sf", "func": x.func.__name__, "args": args}


# ---- grader side: JSON tree -> plain objects only --------------------------------------------------

class _Budget:
    """Decoding a reply stops after MAX_NODES values or at the deadline, whichever comes first."""

    def __init__(self, deadline):
        self.left, self.deadline = MAX_NODES, deadline

    def spend(self):
        self.left -= 1
        if self.left < 0:
            raise ProtocolError(f"a reply of more than {MAX_NODES} values")
        if self.deadline is not None and self.left % 4096 == 0 and time.monotonic() > self.deadline:
            raise ProtocolError("decoding a reply ran out of time")


def decode(tree, ref, shared=lambda vid: None, deadline: float | None = None):
    """Rebuild plain data from a student's tree; ``ref(id, type)`` makes a proxy for a reference.

    At most MAX_NODES values are built, and none after ``deadline`` (time.monotonic()).
    """
    budget = _Budget(deadline)
    try:
        return _decode(tree, ref, shared, budget)
    except BadValue:
        raise
    except (ProtocolError, RecursionError, ValueError, TypeError, KeyError, AttributeError, OverflowError) as e:
        raise BadValue(f"a value from the student's kernel was refused ({type(e).__name__}: {e})"[:300]) from None


def _array(node, kind_ok=NUMERIC_KINDS):
    dtype = np.dtype(str(node["dtype"]))
    if dtype.kind not in kind_ok or dtype.fields is not None or dtype.subdtype is not None:
        raise ProtocolError(f"arrays of dtype {dtype} are not accepted")
    return dtype, base64.b64decode(node["b64"], validate=True)


def _decode(t, ref, shared, budget):
    budget.spend()
    if t is None or type(t) in (bool, int, float, str):
        return t
    if type(t) is not dict:
        raise ProtocolError("malformed value")
    tag = t["t"]
    d = lambda v: _decode(v, ref, shared, budget)
    if tag == "float":
        return float({"nan": "nan", "inf": "inf", "-inf": "-inf"}[t["v"]])
    if tag == "nd":
        dtype, raw = _array(t)
        shape = tuple(int(n) for n in t["shape"])
        if any(n < 0 for n in shape) or int(np.prod(shape, dtype=np.int64)) * dtype.itemsize != len(raw):
            raise ProtocolError("array data does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if tag == "np":
        dtype, raw = _array(t)
        if len(raw) != dtype.itemsize:
            raise ProtocolError("scalar data does not match its dtype")
        return np.frombuffer(raw, dtype=dtype)[0]
    if tag == "shared":
        return shared(int(t["vid"]))
    if tag == "complex":
        return complex(float(d(t["v"][0])), float(d(t["v"][1])))
    if tag in ("list", "tuple", "set", "frozenset"):
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag](d(v) for v in t["v"])
    if tag == "dict":
        return {d(k): d(v) for k, v in zip(t["k"], t["v"], strict=True)}
    if tag == "bytes":
        return base64.b64decode(t["b64"], validate=True)
    if tag == "ref":
        return ref(int(t["id"]), str(t.get("type", "object"))[:200])
    if tag.startswith("s"):
        return _decode_sympy(t, budget)
    raise ProtocolError(f"unknown tag {tag!r}")


def _check_pow(cls, args, sympy):
    """Refuse a power of numbers whose value would be huge (3**20000000 is evaluated as it is built)."""
    if cls is sympy.Pow and len(args) == 2 and isinstance(args[0], sympy.Rational) \
            and isinstance(args[1], sympy.Number):
        size = max(abs(int(args[0].p)), abs(int(args[0].q)), 2).bit_length()
        if abs(float(args[1])) * size > MAX_POW_BITS:
            raise ProtocolError("a SymPy power too large to rebuild")


def _decode_sympy(t, budget):
    import sympy
    budget.spend()
    tag = t["t"]
    if tag == "sS":
        assumptions = {str(k): bool(v) for k, v in dict(t["assumptions"]).items()}
        return sympy.Symbol(str(t["name"]), **assumptions)
    if tag == "sA":
        name = str(t["name"])
        atom = getattr(sympy.S, name, None) if name.isalpha() else None
        if not isinstance(atom, sympy.Basic):
            raise ProtocolError(f"unknown SymPy constant {name!r}")
        return atom
    if tag == "sI":
        return sympy.Integer(int(t["v"]))
    if tag == "sQ":
        return sympy.Rational(int(t["p"]), int(t["q"]))
    if tag == "sF":
        if not 0 < int(t["prec"]) <= 10_000 or len(str(t["v"])) > MAX_INT_DIGITS:
            raise ProtocolError("a SymPy Float of unreasonable precision")
        return sympy.Float(str(t["v"]), precision=int(t["prec"]))
    if tag == "sU":
        return sympy.Function(str(t["name"]))(*[_decode_sympy(a, budget) for a in t["args"]])
    if tag == "sM":
        return sympy.Matrix(int(t["rows"]), int(t["cols"]), [_decode_sympy(a, budget) for a in t["v"]])
    if tag == "sf":
        cls = getattr(sympy, str(t["func"]), None)
        if not (isinstance(cls, type) and issubclass(cls, sympy.Basic)) and \
                not isinstance(cls, sympy.core.function.FunctionClass):
            raise ProtocolError(f"unknown SymPy class {t['func']!r}")
        args = [_decode_sympy(a, budget) for a in t["args"]]
        _check_pow(cls, args, sympy)
        return cls(*args) if args else cls()
    raise ProtocolError(f"unknown tag {tag!r}")


def dumps_json(obj) -> bytes:
    return json.dumps(obj, allow_nan=True, separators=(",", ":")).encode()


def _parse_int(text: str) -> int:
    if len(text) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits")
    return int(text)


def loads_json(data: bytes):
    try:
        return json.loads(data, parse_int=_parse_int)
    except (ValueError, RecursionError) as e:
        raise ProtocolError(f"not a JSON message ({type(e).__name__})") from None
