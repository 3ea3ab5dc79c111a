"""Plain-data wire format between the trusted grader and the student's process.

Only JSON crosses the process boundary, never pickle. Arrays travel as raw
bytes with an explicit dtype and shape. Every value is tagged with the *exact*
type it had, so an ndarray subclass or an object with a rigged ``__eq__``
arrives as ``unsupported`` and can never pass a check.

This file is copied into the sandbox next to the worker, so it imports nothing
but the standard library and numpy.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

import numpy as np

ALLOWED_DTYPES = ("float64", "float32", "int64", "int32", "bool")
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 8

_FLOAT_SCALARS = (np.float64, np.float32, np.float16)
_INT_SCALARS = (np.int64, np.int32, np.int16, np.int8, np.uint8, np.uint16, np.uint32, np.uint64)


class WireError(ValueError):
    """A message that does not follow the wire format."""


class Unsupported:
    """What the grader sees when the student returned something that is not plain data."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<unsupported {self.type_name}>"


class PyFunc:
    """A small function the grader sends as source (for arguments that are callables)."""

    def __init__(self, source: str) -> None:
        self.source = source


def type_name(value: object) -> str:
    cls = type(value)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _encode_float(x: float) -> object:
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def _decode_float(v: object) -> float:
    if isinstance(v, str):
        if v not in ("nan", "inf", "-inf"):
            raise WireError("bad float")
        return float(v)
    if type(v) not in (int, float):
        raise WireError("bad float")
    return float(v)


def encode(value: Any, depth: int = 0) -> dict:
    """Tag ``value`` with its exact type; anything else becomes ``unsupported``."""
    if depth > MAX_DEPTH:
        return {"t": "unsupported", "py": "too deeply nested"}
    t = type(value)
    if value is None:
        return {"t": "none"}
    if t is bool or t is np.bool_:
        return {"t": "bool", "v": bool(value), "py": type_name(value)}
    if t is int or t in _INT_SCALARS:
        return {"t": "int", "v": int(value), "py": type_name(value)}
    if t is float or t in _FLOAT_SCALARS:
        return {"t": "float", "v": _encode_float(float(value)), "py": type_name(value)}
    if t is str:
        return {"t": "str", "v": value[:10000]}
    if t is np.ndarray:
        dtype = value.dtype.name
        if dtype not in ALLOWED_DTYPES:
            return {"t": "unsupported", "py": f"numpy.ndarray of dtype {dtype}"}
        data = np.ascontiguousarray(value).tobytes()
        return {
            "t": "ndarray",
            "dtype": dtype,
            "shape": [int(n) for n in value.shape],
            "b64": base64.b64encode(data).decode("ascii"),
        }
    if t is list or t is tuple:
        return {"t": t.__name__, "v": [encode(v, depth + 1) for v in value]}
    if t is dict and all(type(k) is str for k in value):
        return {"t": "dict", "v": {k: encode(v, depth + 1) for k, v in value.items()}}
    if t is PyFunc:
        return {"t": "pyfunc", "src": value.source}
    return {"t": "unsupported", "py": type_name(value)}


def decode(obj: Any) -> Any:
    """Rebuild exact, plain Python and numpy values; anything malformed is a `WireError`.

    Whatever the other side sent (a number too large for a float, a shape whose product
    overflows, nesting deeper than Python's stack), nothing but `WireError` comes out.
    """
    try:
        return _decode(obj, 0)
    except WireError:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as exc:
        raise WireError(f"malformed value ({type(exc).__name__})") from None


def _decode(obj: Any, depth: int) -> Any:
    if depth > MAX_DEPTH or type(obj) is not dict:
        raise WireError("malformed value")
    tag = obj.get("t")
    if tag == "none":
        return None
    if tag == "bool":
        if type(obj.get("v")) is not bool:
            raise WireError("bad bool")
        return obj["v"]
    if tag == "int":
        if type(obj.get("v")) is not int:
            raise WireError("bad int")
        return obj["v"]
    if tag == "float":
        return _decode_float(obj.get("v"))
    if tag == "str":
        if type(obj.get("v")) is not str:
            raise WireError("bad str")
        return obj["v"]
    if tag == "ndarray":
        return _decode_array(obj)
    if tag in ("list", "tuple"):
        items = obj.get("v")
        if type(items) is not list:
            raise WireError("bad sequence")
        decoded = [_decode(v, depth + 1) for v in items]
        return decoded if tag == "list" else tuple(decoded)
    if tag == "dict":
        items = obj.get("v")
        if type(items) is not dict:
            raise WireError("bad dict")
        return {str(k): _decode(v, depth + 1) for k, v in items.items()}
    if tag == "pyfunc":
        if type(obj.get("src")) is not str:
            raise WireError("bad pyfunc")
        return PyFunc(obj["src"])
    if tag == "unsupported":
        return Unsupported(str(obj.get("py", "?"))[:200])
    raise WireError(f"unknown tag {tag!r}")


def _decode_array(obj: dict) -> np.ndarray:
    dtype, shape, b64 = obj.get("dtype"), obj.get("shape"), obj.get("b64")
    if dtype not in ALLOWED_DTYPES or type(shape) is not list or type(b64) is not str:
        raise WireError("bad array header")
    if any(type(n) is not int or n < 0 for n in shape) or len(shape) > 8:
        raise WireError("bad array shape")
    raw = base64.b64decode(b64.encode("ascii"), validate=True)
    expected = math.prod(shape) * np.dtype(dtype).itemsize  # Python ints: no overflow
    if len(raw) != expected:
        raise WireError("array size does not match its shape")
    return np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()


def dumps(message: dict) -> bytes:
    return (json.dumps(message, allow_nan=False) + "\n").encode("utf-8")


def loads(line: bytes) -> dict:
    """One message; anything that is not a JSON object within bounds is a `WireError`
    (an integer of more digits than Python converts, nesting deeper than its stack)."""
    if len(line) > MAX_MESSAGE_BYTES:
        raise WireError("message too large")
    try:
        message = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError, MemoryError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise WireError(f"not JSON: {type(exc).__name__}") from None
    if type(message) is not dict:
        raise WireError("message is not an object")
    return message
