"""Building blocks of the hidden checks: type, then shape, then value.

Every failure is a `CheckFailed` whose message speaks to the student about
their code (never about the hidden inputs or the check's code). Value checks
can name the usual mistakes: pass ``mistakes={"message": wrong_value, ...}``
with the values the reference produces when it makes that mistake, and the
message of the first one the student's answer matches is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from nnfin import numerics
from nnfin.grading.sandbox import wire
from nnfin.reference.gradcheck import numerical_gradient


class CheckFailed(AssertionError):
    """A failed check; its message is safe to show to the student."""


def _type_name(value: object) -> str:
    if isinstance(value, wire.Unsupported):
        return value.type_name
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    return type(value).__name__


def expect_float(value: object, what: str) -> float:
    """A Python or numpy float (ints are accepted); arrays are a classic mistake."""
    if isinstance(value, bool) or value is None:
        raise CheckFailed(f"{what} should return a number (float), but it returned {value!r}.")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, np.ndarray):
        if value.shape == ():
            return float(value)
        raise CheckFailed(
            f"{what} should return a single number (float), but it returned "
            f"{_type_name(value)}. Reduce it to one number, e.g. with float(...) or np.mean(...)."
        )
    raise CheckFailed(f"{what} should return a float, but it returned {_type_name(value)}.")


def expect_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            raise CheckFailed(f"{what} should return a whole number (int), not a float: "
                              "use int(...) or integer division //.")
        raise CheckFailed(f"{what} should return an int, but it returned {_type_name(value)}.")
    return value


def expect_str(value: object, what: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise CheckFailed(f"{what} should return a string, but it returned {_type_name(value)}.")
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise CheckFailed(f"{what} returned {value[:40]!r}; it must be one of {options}.")
    return value


def expect_array(value: object, shape: tuple[int, ...], what: str) -> np.ndarray:
    """A float numpy array of exactly ``shape``; names (n,) vs (n,1) confusions."""
    if not isinstance(value, np.ndarray):
        if isinstance(value, (list, tuple)):
            raise CheckFailed(f"{what} returned a Python {type(value).__name__}; "
                              "return a numpy array (np.array(...)).")
        raise CheckFailed(f"{what} should return a numpy array, but it returned "
                          f"{_type_name(value)}.")
    if value.dtype.kind not in "fi":
        raise CheckFailed(f"{what} returned an array of dtype {value.dtype}; "
                          "it should hold floats.")
    if value.shape != tuple(shape):
        raise CheckFailed(_shape_message(value.shape, tuple(shape), what))
    return value.astype(numerics.DTYPE)


def _shape_message(got: tuple[int, ...], want: tuple[int, ...], what: str) -> str:
    base = f"{what} returned an array of shape {got}, but the expected shape is {want}."
    if len(got) == 2 and len(want) == 2 and got == want[::-1]:
        return base + " It looks transposed: check the order of a matrix product or a missing .T."
    square = len(got) == 2 and got[0] == got[1]
    if square and want in ((got[0],), (got[0], 1), (1, got[0])):
        return base + (" An (n,) array met an (n, 1) array and numpy broadcast them into an "
                       "(n, n) matrix: make both the same shape (reshape or keepdims=True).")
    if int(np.prod(got)) == int(np.prod(want)):
        return base + " Same number of entries, different layout: reshape or keepdims=True."
    return base


def expect_close(got: object, want: object, what: str,
                 mistakes: Mapping[str, object] | None = None, rtol: float = numerics.RTOL) -> None:
    """Value check with the course's one tolerance policy (relative error, float64)."""
    got_arr = np.asarray(got, dtype=numerics.DTYPE)
    want_arr = np.asarray(want, dtype=numerics.DTYPE)
    if np.all(np.isfinite(want_arr)) and not np.all(np.isfinite(got_arr)):
        raise CheckFailed(f"{what} contains NaN or infinity where a finite number was expected: "
                          "look for a division by zero, log(0) or an overflowing exp.")
    if numerics.relative_error(got_arr, want_arr) <= rtol:
        return
    for message, wrong in (mistakes or {}).items():
        wrong_arr = np.asarray(wrong, dtype=numerics.DTYPE)
        same_shape = wrong_arr.shape == got_arr.shape
        if same_shape and numerics.relative_error(got_arr, wrong_arr) <= rtol:
            raise CheckFailed(f"{what} is not right. {message}")
    raise CheckFailed(f"{what} does not match the expected values "
                      f"(relative error {numerics.relative_error(got_arr, want_arr):.1e}).")


def expect_gradient(got: np.ndarray, f: Callable[[np.ndarray], float], x: np.ndarray,
                    what: str, mistakes: Mapping[str, object] | None = None) -> None:
    """Compare a gradient with central differences of the loss it claims to differentiate."""
    numeric = numerical_gradient(f, x)
    if numerics.relative_error(got, numeric) <= numerics.FD_TOL:
        return
    expect_close(got, numeric, what + " (compared with a numerical gradient check)",
                 mistakes, rtol=numerics.FD_TOL)
