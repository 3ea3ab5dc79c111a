"""Building blocks of the hidden checks: type, then shape, then value.

Every failure is a `CheckFailed` whose message speaks to the student about
their code (never about the hidden inputs or the check's code). Value checks
can name the usual mistakes: pass ``mistakes={"message": wrong_value, ...}``
(or a list of such pairs) with the values the reference produces when it makes
that mistake, and the message of the first one the student's answer matches is
shown; the failure also carries a short label of the mistake (``.mistake``) so
that the class report can count students per misconception.

Floats: a function that "returns a float" may return a Python float or a numpy
float64 (both arrive as float); `expect_float` also takes ints and 0-d arrays.

Errors carried forward: `expect_own_logic` gives full marks to a part whose
value is what its own logic makes of the student's (wrong) helper, and leaves a
`note` saying so. A part that crashes keeps its points when a helper it calls
raises the same exception on the values the part gives it (`crash_culprits`,
`carry_crash`): the crash travelled up from the helper, whose part pays for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import NoReturn

import numpy as np

from nnfin import numerics
from nnfin.grading.engine.session import StudentError
from nnfin.grading.sandbox import wire
from nnfin.reference.gradcheck import numerical_gradient


class CheckFailed(AssertionError):
    """A failed check; its message is safe to show to the student.

    ``mistake``: a short, stable label of the misconception the message names (no
    numbers), or None when the message names none.
    """

    def __init__(self, message: str, mistake: str | None = None) -> None:
        super().__init__(message)
        self.mistake = mistake


Mistakes = Mapping[str, object] | Iterable[tuple[str, object]] | None

_NOTES: list[str] = []


def note(message: str) -> None:
    """Tell the student something about a check that passed (e.g. an error carried forward)."""
    if message not in _NOTES:
        _NOTES.append(message)


def take_notes() -> list[str]:
    """The notes left since the last call (the pytest plugin collects them after every check)."""
    notes = list(_NOTES)
    _NOTES.clear()
    return notes


_LEAD = re.compile(r"^(it (looks|seems) like|it is|the|a|an|your|you)\s+", re.IGNORECASE)


def mistake_label(message: str) -> str:
    """A short, stable label for a mistake message: its first clause, lower case, no numbers.

    "It looks like a sum instead of a mean: divide by m." -> "sum instead of a mean".
    """
    clause = re.split(r"[:;.(]\s|[:;.]$|\s\(", message.strip(), maxsplit=1)[0]
    for _ in range(3):
        clause = _LEAD.sub("", clause.strip())
    clause = re.sub(r"[-+]?\d+\.\d+(e[-+]?\d+)?|\b\d{3,}\b", "", clause)  # values vary, rules do not
    words = " ".join(clause.lower().split())
    if len(words) > 60:
        words = words[:60].rsplit(" ", 1)[0]
    return words.strip(" ,") or "unnamed mistake"


def _pairs(mistakes: Mistakes) -> list[tuple[str, object]]:
    if mistakes is None:
        return []
    return list(mistakes.items()) if isinstance(mistakes, Mapping) else list(mistakes)


def _type_name(value: object) -> str:
    if isinstance(value, wire.Unsupported):
        return value.type_name
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    return type(value).__name__


def expect_float(value: object, what: str) -> float:
    """A Python or numpy float (ints are accepted); arrays are a classic mistake."""
    if isinstance(value, bool) or value is None:
        raise CheckFailed(f"{what} should return a number (float), but it returned {value!r}.",
                          "returns no number")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, np.ndarray):
        if value.shape == ():
            return float(value)
        raise CheckFailed(
            f"{what} should return a single number (float), but it returned "
            f"{_type_name(value)}. Reduce it to one number, e.g. with float(...) or np.mean(...).",
            "array instead of a number")
    raise CheckFailed(f"{what} should return a float, but it returned {_type_name(value)}.",
                      "wrong return type")


def expect_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            raise CheckFailed(f"{what} should return a whole number (int), not a float: "
                              "use int(...) or integer division //.", "float instead of an int")
        raise CheckFailed(f"{what} should return an int, but it returned {_type_name(value)}.",
                          "wrong return type")
    return value


def expect_str(value: object, what: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise CheckFailed(f"{what} should return a string, but it returned {_type_name(value)}.",
                          "wrong return type")
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise CheckFailed(f"{what} returned {value[:40]!r}; it must be one of {options}.",
                          "answer outside the allowed values")
    return value


def expect_array(value: object, shape: tuple[int, ...], what: str) -> np.ndarray:
    """A float numpy array of exactly ``shape``; names (n,) vs (n,1) confusions."""
    if not isinstance(value, np.ndarray):
        if isinstance(value, (list, tuple)):
            raise CheckFailed(f"{what} returned a Python {type(value).__name__}; "
                              "return a numpy array (np.array(...)).", "list instead of an array")
        raise CheckFailed(f"{what} should return a numpy array, but it returned "
                          f"{_type_name(value)}.", "wrong return type")
    if value.dtype.kind not in "fi":
        raise CheckFailed(f"{what} returned an array of dtype {value.dtype}; "
                          "it should hold floats.", "array of the wrong dtype")
    if value.shape != tuple(shape):
        raise CheckFailed(*_shape_message(value.shape, tuple(shape), what))
    return value.astype(numerics.DTYPE)


def _shape_message(got: tuple[int, ...], want: tuple[int, ...], what: str) -> tuple[str, str]:
    """The message and the mistake's label for an array of the wrong shape."""
    base = f"{what} returned an array of shape {got}, but the expected shape is {want}."
    if len(got) == 2 and len(want) == 2 and got == want[::-1]:
        return (base + " It looks transposed: check the order of a matrix product or a missing .T.",
                "transposed result")
    square = len(got) == 2 and got[0] == got[1]
    if square and want in ((got[0],), (got[0], 1), (1, got[0])):
        return base + (" An (n,) array met an (n, 1) array and numpy broadcast them into an "
                       "(n, n) matrix: make both the same shape (reshape or keepdims=True)."), \
            "(n,) against (n, 1) broadcasting"
    if int(np.prod(got)) == int(np.prod(want)):
        return (base + " Same number of entries, different layout: reshape or keepdims=True.",
                "same entries, other shape")
    return base, "wrong shape"


def matches(got: object, want: object, rtol: float = numerics.RTOL) -> bool:
    """Same shape, all finite where ``want`` is, and within ``rtol`` (the course's one policy)."""
    got_arr = np.asarray(got, dtype=numerics.DTYPE)
    want_arr = np.asarray(want, dtype=numerics.DTYPE)
    if got_arr.shape != want_arr.shape:
        return False
    if np.array_equal(got_arr, want_arr, equal_nan=True):
        return True
    if not (np.all(np.isfinite(got_arr)) and np.all(np.isfinite(want_arr))):
        return False
    return numerics.relative_error(got_arr, want_arr) <= rtol


def expect_close(got: object, want: object, what: str, mistakes: Mistakes = None,
                 rtol: float = numerics.RTOL) -> None:
    """Value check with the course's one tolerance policy (relative error, float64).

    ``mistakes``: (message, wrong value) pairs, tried in order only when ``got`` is wrong; a
    message is shown only when the student's value really is that wrong value.
    """
    got_arr = np.asarray(got, dtype=numerics.DTYPE)
    want_arr = np.asarray(want, dtype=numerics.DTYPE)
    if matches(got_arr, want_arr, rtol):
        return
    named = list(dict.fromkeys(m for m, wrong in _pairs(mistakes) if matches(got_arr, wrong, rtol)))
    if len(named) == 1:  # two mistakes that give the same value here: this input cannot tell which
        raise CheckFailed(f"{what} is not right. {named[0]}", mistake_label(named[0]))
    if got_arr.shape != want_arr.shape:
        raise CheckFailed(f"{what} has shape {got_arr.shape}, but the expected shape is "
                          f"{want_arr.shape}.")
    if np.all(np.isfinite(want_arr)) and not np.all(np.isfinite(got_arr)):
        raise CheckFailed(f"{what} contains NaN or infinity where a finite number was expected: "
                          "look for a division by zero, log(0) or an overflowing exp.",
                          "nan or infinity")
    raise CheckFailed(f"{what} does not match the expected values "
                      f"(relative error {numerics.relative_error(got_arr, want_arr):.1e}).")


def expect_own_logic(got: object, want: object, what: str,
                     carried: Iterable[tuple[str, object]] = (), mistakes: Mistakes = None,
                     rtol: float = numerics.RTOL) -> None:
    """Full marks for the right value, or for what this part's own logic makes of a wrong helper.

    ``carried``: (note, value) pairs, each value the expectation computed in the grader from
    the outputs of one of the student's own helpers (called in the sandbox with the same
    inputs), the note saying which helper made the difference ("your train_linear follows the
    rules, but your minibatch_indices is wrong, see that part"). A helper that is right gives
    ``want`` again, so only a wrong helper can excuse a difference. Otherwise as `expect_close`.
    """
    if matches(got, want, rtol):
        return
    for message, own in carried:
        if matches(got, own, rtol):
            note(message)
            return
    expect_close(got, want, what, mistakes, rtol)


def helper_note(part: str, helpers: str) -> str:
    """The note of an error carried forward: the part keeps its points, the helper is to blame."""
    verb = "are" if " and " in helpers else "is"
    return (f"{part} keeps its points: its own logic is right, and its result differs only "
            f"because your {helpers} {verb} wrong (see that part).")


def carried_from(call: Callable[[], object], right: object, compute: Callable[[object], object],
                 part: str, helper: str) -> Iterator[tuple[str, object]]:
    """The expectation a part with right logic gets from the student's own helper, if that is wrong.

    ``call`` asks the student's helper (in the sandbox, with the part's inputs); ``right`` is
    what a right helper returns; ``compute`` turns the helper's output into the part's
    expected value, on the grader's side. A generator, for `expect_own_logic`: the helper is
    only asked when the part's answer is wrong, and a helper that is right, raises or returns
    something unusable yields nothing.
    """
    try:
        out = call()
        if matches(out, right):
            return
        value = compute(out)
    except (CheckFailed, StudentError, TypeError, ValueError, IndexError):
        return
    yield helper_note(part, helper), value


# --- crashes carried forward (02, 03, 04)
#
# A helper of the student's that raises takes every part that calls it down with it: the caller
# cannot run at all. Such a caller keeps its points when the helper, asked on its own with the
# values the caller gives it, raises the same exception (or, where a check says so, is wrong
# without raising), so the crash is charged once, to the helper's part. Never for
# NotImplementedError or NameError: an unfinished part or a misspelt name in the caller itself
# raises those too, and a caller that crashes by itself (its helpers run) always pays.

OWN_CRASHES = frozenset({"NotImplementedError", "NameError"})


class CrashCarried(Exception):  # noqa: N818 (not an error: it ends a check that passed)
    """Ends a check with its points: the part crashed only because the student's helper does.

    Raised by `carry_crash` after it left the `note`; the pytest plugin counts the check as passed.
    """


def helper_verdict(call: Callable[[], object],
                   is_right: Callable[[object], bool] | None = None) -> str:
    """How the student's helper fares: "right", "wrong", "ran" (no ``is_right``) or the type of
    the exception it raised ("wrong" when it failed in another way, e.g. hung or crashed)."""
    try:
        value = call()
    except StudentError as exc:
        return exc.exception[1] if exc.kind == "exception" and exc.exception else "wrong"
    except CheckFailed:
        return "wrong"
    if is_right is None:
        return "ran"
    try:
        return "right" if is_right(value) else "wrong"
    except (CheckFailed, TypeError, ValueError, IndexError):
        return "wrong"


def raised_type(error: StudentError) -> str:
    """The type of the student's exception ("" when the code did not raise, e.g. it hung)."""
    return str(error.exception[1]) if error.kind == "exception" and error.exception else ""


def crash_culprits(error: StudentError, verdicts: Mapping[str, str],
                   wrong_counts: bool = False) -> dict[str, str]:
    """The helpers (name -> verdict) that explain the part's crash ``error``: those that raise
    the same exception, and with ``wrong_counts`` those that are wrong without raising.
    Empty for NotImplementedError, NameError and anything that is not an exception."""
    raised = raised_type(error)
    if not raised or raised in OWN_CRASHES:
        return {}
    return {name: verdict for name, verdict in verdicts.items()
            if verdict == raised or (wrong_counts and verdict == "wrong")}


def _names(helpers: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return " and ".join([", ".join(helpers[:-1]), helpers[-1]] if len(helpers) > 2 else helpers)


def crash_note(part: str, raised: str, culprits: Mapping[str, str]) -> str:
    """The note of a crash carried forward: which helper the crash comes from, and to fix it first."""
    raising = [name for name, verdict in culprits.items() if verdict != "wrong"]
    wrong = [name for name, verdict in culprits.items() if verdict == "wrong"]
    reasons = []
    if raising:
        verb = "raise" if len(raising) > 1 else "raises"
        reasons.append(f"your {_names(raising)} {verb} the same {raised} on the values "
                       f"{part} gives {'them' if len(raising) > 1 else 'it'}")
    if wrong:
        reasons.append(f"your {_names(wrong)} {'are' if len(wrong) > 1 else 'is'} wrong")
    where = "those parts" if len(culprits) > 1 else "that part"
    return (f"{part} keeps its points: it raised {raised}, but {' and '.join(reasons)}, so the "
            f"crash comes from {_names(list(culprits))}: fix {where} first.")


def carry_crash(part: str, error: StudentError, culprits: Mapping[str, str]) -> NoReturn:
    """Leave the `crash_note` and end the check with its points (`CrashCarried`)."""
    note(crash_note(part, raised_type(error), culprits))
    raise CrashCarried(part)


def expect_gradient(got: np.ndarray, f: Callable[[np.ndarray], float], x: np.ndarray,
                    what: str, mistakes: Mistakes = None) -> None:
    """Compare a gradient with central differences of the loss it claims to differentiate."""
    numeric = numerical_gradient(f, x)
    if numerics.relative_error(got, numeric) <= numerics.FD_TOL:
        return
    expect_close(got, numeric, what + " (compared with a numerical gradient check)",
                 mistakes, rtol=numerics.FD_TOL)


# --- helpers for 03/04 (issue 6b)
#
# Three jobs the hidden checks of 03 and 04 share: an exception in the student's code becomes
# one sentence about that code (never the hidden inputs); a wrong value is matched against
# named mistakes, and a name is given only when exactly one mistake explains the value; and a
# part that calls another of the student's parts is graded on its own logic (error carried
# forward): the check asks the student's helper for its values and accepts the part when the
# part is right given those values, leaving a note that says where the difference comes from.

def exception_sentence(error: StudentError, when: str,
                       hints: Mapping[str, str] | None = None) -> str:
    """The shared sentence for the student's exception, saying ``when``, plus a hint of ours.

    ``hints`` maps a fragment of the raw error text (e.g. ``"matmul"``) to advice for this part;
    the raw text itself may quote hidden shapes or values and is never shown.
    """
    sentence = str(error.when(when))
    raw = str(error.exception[2]) if error.exception else ""
    for fragment, advice in (hints or {}).items():
        if fragment in raw:
            return f"{sentence.rstrip('.')}. {advice}"
    return sentence


def call_when(student, name: str, *args: object, when: str,
              hints: Mapping[str, str] | None = None,
              helpers: tuple[tuple[str, tuple], ...] = (), **kwargs: object) -> object:
    """``student.call`` whose exceptions become ``exception_sentence`` failures.

    ``helpers``: the student's own functions this part may call, with the inputs they would get;
    when one of them raises the same exception, the crash is carried forward to it
    (`carry_crash`); when it raises another one, the sentence says so.
    """
    try:
        return student.call(name, *args, **kwargs)
    except StudentError as exc:
        if exc.kind != "exception":
            raise
        _crashed(student, name, exc, when, hints, helpers)


def _crashed(student, name: str, error: StudentError, when: str,
             hints: Mapping[str, str] | None, helpers: tuple[tuple[str, tuple], ...]) -> NoReturn:
    """The part ``name`` raised: carry the crash forward to a helper that raises the same, or
    fail with the exception's sentence (naming a helper that raises something else too)."""
    verdicts = {f"{helper}()": helper_verdict(lambda h=helper, a=helper_args: student.process.call(h, *a))
                for helper, helper_args in helpers}
    culprits = crash_culprits(error, verdicts)
    if culprits:
        carry_crash(f"{name}()", error, culprits)
    sentence = exception_sentence(error, when, hints).rstrip(".") + "."
    raising = [helper for helper, verdict in verdicts.items() if verdict not in ("ran", "wrong")]
    if raising:
        sentence += (f" Your {raising[0]} raises an error on the values of this computation too: "
                     "fix it first (see its part).")
    raise CheckFailed(sentence) from None


def try_helper(student, name: str, *args: object) -> tuple[object, bool] | None:
    """The student's helper on grader-chosen inputs: (value, mutated its input), or None if it fails."""
    try:
        result = student.process.call(name, *args)
    except StudentError:
        return None
    return result.value, bool(result.mutated)


def differs(value: object, reference: object, rtol: float = numerics.RTOL) -> bool:
    """True when ``value`` is not an array/number of the reference's shape close to it."""
    try:
        got = np.asarray(value, dtype=numerics.DTYPE)
    except (TypeError, ValueError):
        return True
    want = np.asarray(reference, dtype=numerics.DTYPE)
    return got.shape != want.shape or not numerics.relative_error(got, want) <= rtol


def close_to(value: object, candidate: object, rtol: float = numerics.RTOL) -> bool:
    """True when ``value`` equals ``candidate`` (same shape, within tolerance, NaN where it has NaN)."""
    try:
        got = np.asarray(value, dtype=numerics.DTYPE)
        other = np.asarray(candidate, dtype=numerics.DTYPE)
    except (TypeError, ValueError):
        return False
    if got.shape != other.shape:
        return False
    nan = np.isnan(got)
    if not np.array_equal(nan, np.isnan(other)):
        return False
    return bool(nan.all()) or numerics.relative_error(got[~nan], other[~nan]) <= rtol


def carried_note(part: str, helper: str, why: str = "") -> str:
    """Tell the student that ``part`` is right given their own (wrong) ``helper`` (a `note`)."""
    why = why or ("are not right" if " and " in helper else "is not right")
    text = (f"Your {part} follows the right rule; the difference comes only from your {helper}, "
            f"which {why} (see that part), so {part} keeps its points.")
    note(text)
    return text


def expect_named(got: object, want: object, what: str,
                 mistakes: Mapping[str, object], rtol: float = numerics.RTOL,
                 fallback: str | None = None) -> None:
    """Like ``expect_close``, but a mistake is named only if it alone explains ``got``.

    When two mistakes give the same wrong value on this input both are named; when none does,
    ``fallback`` (or a plain "does not match" without numbers) is the message.
    """
    got_arr = np.asarray(got, dtype=numerics.DTYPE)
    if not differs(got_arr, want, rtol):
        return
    named = [message for message, wrong in mistakes.items()
             if differs(wrong, want, rtol) and close_to(got_arr, wrong, rtol)]
    if len(named) == 1:
        raise CheckFailed(f"{what} is not right. {named[0]}", mistake_label(named[0]))
    if named:
        raise CheckFailed(f"{what} is not right. One of these explains it: " + " Or: ".join(named))
    raise CheckFailed(fallback or f"{what} does not match the expected values.")


def call_part(student, name: str, *args: object, when: str,
              helpers: tuple[tuple[str, tuple], ...] = (),
              hints: Mapping[str, str] | None = None) -> object:
    """Call a part that may use the student's ``helpers`` ((name, args) on the same inputs).

    A part that changed its input in place loses its points, unless one of its helpers changes
    that same input by itself: then the helper's part pays for it and this part keeps a note.
    """
    try:
        result = student.process.call(name, *args)
    except StudentError as exc:
        if exc.kind != "exception":
            raise
        _crashed(student, name, exc, when, hints, helpers)
    if result.mutated:
        for helper, helper_args in helpers:
            answer = try_helper(student, helper, *helper_args)
            if answer is not None and answer[1]:
                carried_note(f"{name}()", f"{helper}()", "changes its input in place")
                return result.value
        raise CheckFailed(f"{name}() changed its input in place. A function must leave its inputs "
                          "alone: build a new array (W = W - lr * dW) instead of W -= lr * dW, and "
                          "copy before you modify.", "changes its input in place")
    return result.value
