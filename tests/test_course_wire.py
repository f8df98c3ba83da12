"""The wire between grader and kernel: frames with limits and deadlines, plain data only, bounded decoding."""
import os
import time

import numpy as np
import pytest
import sympy as sp

from optcourse.course import wire

REF = lambda rid, type_name: ("ref", rid, type_name)   # noqa: E731


def roundtrip(x):
    keep = lambda obj: {"t": "ref", "id": 7, "type": type(obj).__name__}   # noqa: E731
    return wire.decode(wire.loads_json(wire.dumps_json(wire.encode(x, keep))), REF)


def test_plain_data_survives_the_round_trip_with_its_types():
    x = [1, -2.5, float("inf"), 3 - 4j, "é", b"\x00\xff", None, False, (1, (2,)), {1: [2]}, {3}, frozenset({4})]
    back = roundtrip(x)
    assert back == x and [type(v) for v in back] == [type(v) for v in x]
    a = np.arange(6, dtype=np.int16).reshape(2, 3)
    b = roundtrip(a)
    assert b.dtype == np.int16 and b.tolist() == a.tolist() and b.flags.writeable
    assert roundtrip(np.float32(0.1)) == np.float32(0.1) and type(roundtrip(np.float32(0.1))) is np.float32
    y = sp.Symbol("y", real=True)
    assert roundtrip(sp.exp(-y ** 2) / sp.sqrt(sp.pi)) == sp.exp(-y ** 2) / sp.sqrt(sp.pi)


def test_objects_that_are_not_plain_data_become_references():
    class Sneaky(float):
        pass
    assert roundtrip(object())[0] == "ref"
    assert roundtrip(np.array([object()]))[0] == "ref"
    assert roundtrip({"k": lambda: 1})["k"][0] == "ref"
    assert type(roundtrip(Sneaky(2.0))) is float                  # a float subclass arrives as a float
    nested = []
    for _ in range(60):
        nested = [nested]
    assert "ref" in repr(roundtrip(nested))                       # deeper than 50 levels stays in the kernel


def test_frames_round_trip_and_refuse_oversize_and_late_reads():
    r, w = os.pipe()
    try:
        wire.send_frame(w, b"hello", time.monotonic() + 1)
        assert wire.recv_frame(r, time.monotonic() + 1) == b"hello"
        os.write(w, wire.HEADER.pack(100))
        with pytest.raises(wire.ProtocolError, match="larger than the limit"):
            wire.recv_frame(r, time.monotonic() + 1, limit=50)
        with pytest.raises(wire.Timeout):
            wire.recv_frame(r, time.monotonic() + 0.05)
    finally:
        os.close(r)
        os.close(w)
    r, w = os.pipe()
    os.close(w)
    with pytest.raises(wire.ProtocolError, match="closed"):
        wire.recv_frame(r, time.monotonic() + 1)
    os.close(r)


def test_huge_integers_are_refused_while_parsing():
    assert wire.loads_json(b"[" + b"9" * 4300 + b"]")[0] == 10 ** 4300 - 1
    with pytest.raises(wire.ProtocolError):
        wire.loads_json(b"[" + b"9" * 4301 + b"]")
    with pytest.raises(wire.ProtocolError):
        wire.loads_json(b"{not json")


def test_decoding_is_bounded_in_size_and_time():
    long = {"t": "list", "v": list(range(wire.MAX_NODES + 10))}
    start = time.monotonic()
    with pytest.raises(wire.BadValue, match="more than"):
        wire.decode(long, REF)
    assert time.monotonic() - start < 10
    assert len(wire.decode({"t": "list", "v": list(range(1000))}, REF)) == 1000
    with pytest.raises(wire.BadValue, match="ran out of time"):
        wire.decode({"t": "list", "v": list(range(10 ** 5))}, REF, deadline=time.monotonic() - 1)


def test_sympy_trees_that_would_evaluate_something_huge_are_refused():
    power = {"t": "sf", "func": "Pow", "args": [{"t": "sI", "v": 3}, {"t": "sI", "v": 20_000_000}]}
    start = time.monotonic()
    with pytest.raises(wire.BadValue, match="too large"):
        wire.decode(power, REF)
    assert time.monotonic() - start < 1
    small = {"t": "sf", "func": "Pow", "args": [{"t": "sI", "v": 3}, {"t": "sI", "v": 20}]}
    assert wire.decode(small, REF) == 3 ** 20
    with pytest.raises(wire.BadValue):
        wire.decode({"t": "sF", "v": "1.5", "prec": 10 ** 9}, REF)
    for bad in ({"t": "sf", "func": "sympify", "args": []}, {"t": "sA", "name": "__class__"},
                {"t": "sf", "func": "Function", "args": []}):
        with pytest.raises(wire.BadValue):
            wire.decode(bad, REF)
