"""Whatever the student's process sends, the grader's decoder answers with a protocol error, never a crash.

A 5,000-digit integer in an output's metadata used to raise ValueError past the decoder:
the submission was never recorded and was graded again on every run. The properties below
generate malformed lines and values (integers of any length, floats too large for a float,
shapes whose product overflows, nesting deeper than Python's stack, wrong types in every
field) and assert that the only exception that ever comes out is the wire's own, which the
session turns into a protocol error for that submission.
"""

from __future__ import annotations

import socket
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnfin.grading.engine.containment import SubmissionLimits
from nnfin.grading.engine.session import Cell, StudentError, StudentSession
from nnfin.grading.engine.warm import ChildHandle
from nnfin.grading.sandbox import wire

BOUNDED = settings(derandomize=True, max_examples=150, deadline=None, database=None)

DIGITS = st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n)
NUMBER = st.one_of(DIGITS, DIGITS.map(lambda d: "-" + d), DIGITS.map(lambda d: d + "e999"),
                   st.sampled_from(["1e400", "-0", "0.5", "NaN", "Infinity", "1" * 4300]))
SCALAR = st.one_of(NUMBER, st.sampled_from(['"nan"', '"inf"', '"x"', "true", "null", '""']))
KEY = st.sampled_from(["t", "v", "dtype", "shape", "b64", "py", "src", "id", "pid", "ok", "op", "value",
                       "outputs", "metadata", "error", "results"])


def _json(children):
    """JSON text: arrays and objects of the children (keys the wire's own field names)."""
    array = st.lists(children, max_size=4).map(lambda xs: "[" + ",".join(xs) + "]")
    members = st.lists(st.tuples(KEY, children), max_size=4)
    obj = members.map(lambda kv: "{" + ",".join(f'"{k}": {v}' for k, v in kv) + "}")
    return st.one_of(array, obj)


JSON_TEXT = st.recursive(SCALAR, _json, max_leaves=20)
DEEP = st.integers(min_value=1, max_value=200_000).map(lambda d: "[" * d + "]" * d)
LINES = st.one_of(JSON_TEXT, DEEP, DEEP.map(lambda t: t[: len(t) // 2]),
                  JSON_TEXT.map(lambda t: '{"id": 1, "ok": true, "value": ' + t + "}"),
                  st.binary(max_size=64).map(lambda b: b.decode("latin-1")))

TAGS = st.sampled_from(["none", "bool", "int", "float", "str", "ndarray", "list", "tuple", "dict",
                        "pyfunc", "unsupported", "other"])
JUNK = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**400), max_value=10**400),
                 st.floats(allow_nan=True), st.text(max_size=8), st.lists(st.integers(), max_size=3))
SHAPE = st.lists(st.one_of(st.integers(min_value=-2, max_value=2**70), JUNK), max_size=10)


def _values(children):
    return st.one_of(
        st.fixed_dictionaries({"t": st.sampled_from(["list", "tuple"]), "v": st.lists(children, max_size=3)}),
        st.fixed_dictionaries({"t": st.just("dict"), "v": st.dictionaries(st.text(max_size=3), children,
                                                                       max_size=3)}),
        st.lists(children, max_size=3))


ARRAY = st.fixed_dictionaries({"t": st.just("ndarray"), "dtype": st.sampled_from(["float64", "int32", "x"]),
                               "shape": SHAPE, "b64": st.sampled_from(["", "AAAA", "!!", "AAAAAAAAAAA="])})
VALUES = st.recursive(st.one_of(JUNK, st.fixed_dictionaries({"t": TAGS, "v": JUNK}), ARRAY),
                      _values, max_leaves=30)


@BOUNDED
@given(LINES)
def test_a_malformed_line_is_a_wire_error_or_a_message(text):
    try:
        message = wire.loads(text.encode("utf-8", "surrogatepass"))
    except wire.WireError:
        return
    assert type(message) is dict


@BOUNDED
@given(VALUES)
def test_a_malformed_value_is_a_wire_error_or_plain_data(value):
    try:
        wire.decode(value)
    except wire.WireError:
        pass


@pytest.mark.parametrize("text", [
    '{"op": "cell", "outputs": [{"metadata": {"width": ' + "9" * 5000 + "}}]}",
    '{"ok": true, "value": ' + "[" * 100_000 + "]" * 100_000 + "}",
])
def test_the_messages_of_the_issue_are_wire_errors(text):
    with pytest.raises(wire.WireError):
        wire.loads(text.encode())


@pytest.mark.parametrize("value", [
    {"t": "float", "v": 10**400},
    {"t": "ndarray", "dtype": "float64", "shape": [2**40, 2**40, 2**40], "b64": ""},
    {"t": "ndarray", "dtype": "float64", "shape": [2**70], "b64": ""},
])
def test_values_no_float_or_array_can_hold_are_wire_errors(value):
    with pytest.raises(wire.WireError):
        wire.decode(value)


class _Worker:
    """What a session needs of its worker when no child runs: finishing one returns no limits."""

    def finish(self, child: ChildHandle) -> list[str]:
        child.sock.close()
        return []


@settings(derandomize=True, max_examples=60, deadline=None, database=None)
@given(LINES)
def test_whatever_line_the_child_sends_the_session_answers_with_data_or_a_protocol_error(text):
    session = StudentSession(_Worker(), [Cell(0, "")], {}, SubmissionLimits())
    ours, theirs = socket.socketpair()
    session.child = ChildHandle(ours, None, None, None)
    line = text.encode("utf-8", "surrogatepass").replace(b"\n", b" ")
    reply = b'{"id": 1, "ok": true, "value": ' + line + b"}\n"
    def write() -> None:
        with theirs:
            theirs.sendall(reply)
            theirs.shutdown(socket.SHUT_WR)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        message = session._read(5)
        session._unwrap(message, "mse()")
    except StudentError as exc:
        assert exc.kind == "protocol", exc
    finally:
        writer.join()
        session.close()


def test_a_message_from_another_process_is_dropped_and_the_childs_own_is_read():
    session = StudentSession(_Worker(), [Cell(0, "")], {}, SubmissionLimits())
    ours, theirs = socket.socketpair()
    session.child = ChildHandle(ours, None, None, inner_pid=7)
    with theirs:
        theirs.sendall(b'{"id": 1, "ok": false, "pid": 8}\n{"id": 1, "ok": true, "pid": 7}\n')
        try:
            assert session._read(5) == {"id": 1, "ok": True, "pid": 7}
        finally:
            session.close()
