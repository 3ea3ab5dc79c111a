"""Turn an exception raised by the student's code into a sentence about that code.

The student's process reports only the exception's type, its first line and the
line of the student's cell. numpy's messages often quote the shapes or values of
the arrays involved, and those arrays are the hidden inputs: such a message is
replaced by a plain explanation of what usually causes it. Messages that can
only speak about the student's own code (a misspelt name, a missing import,
NotImplementedError) are kept, bounded.
"""

from __future__ import annotations

import re

# Messages of these types describe the student's own code, not the data it was given.
_KEEP = {"NameError", "UnboundLocalError", "ImportError", "ModuleNotFoundError", "AttributeError",
         "NotImplementedError", "RecursionError", "MemoryError", "FileNotFoundError",
         "PermissionError", "OSError", "ConnectionRefusedError", "SyntaxError", "IndentationError"}

# (type or "", pattern in the message, explanation): the first match wins.
_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("ValueError", r"could not be broadcast",
     "two arrays whose shapes do not fit together were combined elementwise: check that only "
     "the function's arguments are used (not notebook variables), and look for an (n,) array "
     "meeting an (n, 1) array, a missing .T, or * where a matrix product @ belongs"),
    ("ValueError", r"matmul|not aligned|mismatch in its core dimension",
     "a matrix product whose inner dimensions do not match: check that only the function's "
     "arguments are used (not notebook variables), the order of the factors and a missing or "
     "extra .T"),
    ("ValueError", r"truth value of an array",
     "an array was used where Python needs one True/False (in an if, and/or, or max/min of "
     "arrays): use np.where, np.any or np.all, or the elementwise & and |"),
    ("ValueError", r"too many values to unpack|not enough values to unpack",
     "unpacking into a different number of names than there are values"),
    ("ValueError", r"cannot reshape",
     "a reshape to a size that does not hold the same number of entries"),
    ("ValueError", r"attempt to get arg(max|min) of an empty|zero-size array",
     "a reduction (max, min, argmax, ...) of an empty array"),
    ("IndexError", r"",
     "an index outside the array: does the code assume a fixed size or shape instead of "
     "reading it from its arguments?"),
    ("ZeroDivisionError", r"", "a division by zero"),
    ("FloatingPointError", r"", "a floating-point overflow or invalid operation"),
    ("OverflowError", r"", "a number too large for a float (an overflowing exp or power?)"),
    ("TypeError", r"only (length-1|size-1|0-dimensional) arrays can be converted",
     "a whole array was given to something that takes one number only: math.exp, math.sqrt, "
     "math.log, float(...) and int(...) work on single numbers; use np.exp, np.sqrt, np.log, "
     "which work on whole arrays"),
    ("TypeError", r"unsupported operand|can't multiply|can only concatenate|not supported between",
     "an operation between types that do not go together (a list where a numpy array is "
     "needed, or None where a number is needed?)"),
    ("TypeError", r"not subscriptable|not iterable|not callable|object cannot be interpreted",
     "a value used as something it is not (indexing a number, calling an array, looping over a "
     "float?)"),
    ("TypeError", r"positional argument|keyword argument|takes \d+|missing \d+ required",
     "a function called with other arguments than it takes: keep the signature of the given "
     "stub"),
)

_NUMBERS = re.compile(r"\(\s*-?\d+\s*,[-\d\s,]*\)|\[[-\d\s,.e]*\]|-?\d+\.\d*(e[-+]?\d+)?|\b\d{2,}\b")


def explanation(exc_type: str, message: str) -> str:
    """What the exception means, in words that reveal nothing about the hidden inputs."""
    for kind, pattern, words in _PATTERNS:
        if (not kind or kind == exc_type) and re.search(pattern, message or "", re.IGNORECASE):
            return words
    if exc_type in _KEEP:
        return message[:200]
    return scrub(message)[:200]


def sentence(what: str, exc_type: str, message: str, line: int | None, when: str = "") -> str:
    """``what raised Type when ... (line n of your cell): explanation``, student-safe."""
    exc_type = re.sub(r"[^A-Za-z0-9_.]", "", exc_type)[:60] or "an error"
    when = f" {when.strip()}" if when.strip() else ""
    where = f" (line {line} of your cell)" if type(line) is int and 0 < line < 100_000 else ""
    detail = explanation(exc_type, message)
    return f"{what} raised {exc_type}{when}{where}" + (f": {detail}" if detail else ".")


def scrub(text: str) -> str:
    """Hide shape tuples, lists and numbers in a message that might quote the hidden inputs."""
    return _NUMBERS.sub("...", text or "")
