"""Answer a student's part that asks for a right helper: the grader's side of errors carried forward.

When a part is checked with a right helper in place of the student's (see
`nnfin.grading.checks.contract`), the student's process sends every call of that
helper to the grader as ``{"op": "helper", "name", "args", "kwargs"}`` and waits.
The grader runs its trusted function on those arguments and answers with the value.

The arguments come from the student's code, so they are bounded before a
trusted function sees them: plain wire data only, no number above `MAX_INT` in
size, no array beyond `MAX_ELEMENTS`, and an answer of at most `MAX_ANSWER_BYTES`.
Anything else is answered with a refusal, which the student's process raises as
a ValueError inside the part.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from nnfin.grading.sandbox import wire

MAX_INT = 100_000
MAX_ELEMENTS = 1_000_000
MAX_ANSWER_BYTES = 8 * 1024 * 1024


class Refused(ValueError):
    """Arguments a trusted helper must not be run on."""


def _bounded(value: Any, depth: int = 0) -> Any:
    if depth > wire.MAX_DEPTH:
        raise Refused("arguments nested too deeply")
    if isinstance(value, wire.Unsupported | wire.PyFunc):
        raise Refused("an argument that is not a number, an array or a list of them")
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_INT:
            raise Refused("a number far larger than this function is ever given")
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, np.ndarray):
        if value.size > MAX_ELEMENTS:
            raise Refused("an array far larger than this function is ever given")
        return value
    if isinstance(value, list | tuple):
        if len(value) > MAX_ELEMENTS:
            raise Refused("a list far longer than this function is ever given")
        return type(value)(_bounded(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: _bounded(v, depth + 1) for k, v in value.items()}
    raise Refused("an argument of a type this function does not take")


def answer(helpers: Mapping[str, Callable[..., Any]], request: dict, rid: int) -> dict:
    """The reply to one ``helper`` request: the trusted function's value, or a refusal."""
    name = request.get("name")
    reply: dict = {"op": "helper_reply", "id": rid, "ok": False}
    func = helpers.get(name) if isinstance(name, str) else None
    if func is None:
        reply["message"] = "this function is not stood in for here"
        return reply
    try:
        args = request.get("args")
        kwargs = request.get("kwargs")
        if type(args) is not list or type(kwargs) is not dict:
            raise Refused("malformed call")
        args = [_bounded(wire.decode(a)) for a in args]
        kwargs = {str(k): _bounded(wire.decode(v)) for k, v in kwargs.items()}
    except (Refused, wire.WireError, RecursionError) as exc:
        reply["message"] = f"{name}() was called with {exc}" if isinstance(exc, Refused) else \
            f"{name}() was called with arguments that could not be read"
        return reply
    try:
        value = func(*args, **kwargs)
    except Exception:  # noqa: BLE001 - a wrong call of the right helper is the part's mistake
        reply["message"] = f"{name}() was called with arguments it does not take (see its contract)"
        return reply
    encoded = wire.encode(value)
    if len(wire.dumps(encoded)) > MAX_ANSWER_BYTES:
        reply["message"] = f"{name}() was called on inputs far larger than this function is ever given"
        return reply
    reply.update(ok=True, value=encoded)
    return reply
