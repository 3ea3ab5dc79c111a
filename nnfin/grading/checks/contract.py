"""Hidden checks declared as contracts: a part is a numbered list of clauses, run by one loop.

Each graded function's docstring in the source notebook states its contract as
numbered clauses (``C1 returns one float ...``). A checks module declares the
same clauses as data::

    Part(1, "mse", points=4, reference=ref.mse, clauses=[
        Clause("C1", TYPE, "returns one float, also for (m, 1) columns", [LECTURE3, COLUMN]),
        Clause("C3", MAIN, "is the mean of the squared errors on any batch", [BATCH7, BATCH12],
               mistakes=mse_mistakes, hint="square each error, then average over all m"),
        ...
    ])

and ``globals().update(pytest_tests(PARTS))`` turns every clause into one pytest
test marked with the part's grade cell and the clause's points, which the
runner (`direct` or pytest) executes like any other hidden check.

Three rules make the marks fair:

* **Deterministic cases.** Every case is a fixed input chosen to hit its clause;
  nothing depends on the student, the course or a random draw at grading time,
  so the same code gets the same marks whoever submits it.
* **One rubric** (`RUBRIC`): every clause of a kind costs the same share of its
  part in every assignment; the main computation gets what is left, at least
  `MAIN_FLOOR`. A lecture-number clause counts only together with every main
  clause (reproducing the numbers the notebook shows earns nothing by itself).
  A value clause compares values only (an answer of the wrong type or shape but
  right values loses the type clause alone); only the unchanged clause looks
  at mutation. The one exception is a rule marked ``whole_part`` (look-ahead:
  training on the test days, choosing by the future), whose breach costs every
  clause of its part.
* **Errors carried forward by substitution.** A part that calls the student's
  own helpers (``helpers={"mse": ref.mse}``) and fails a clause is checked again
  with a right helper in place of each helper whose own part lost points on its
  own checks; when it then passes, the clause keeps its points and a note names
  the helper to fix. The student's helper is never asked on the part's behalf,
  so nothing the part does beforehand can buy the excuse.
"""

from __future__ import annotations

import inspect
import math
import re
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from nnfin import numerics
from nnfin.grading.checks.expect import CheckFailed, mistake_label, note
from nnfin.grading.engine.session import StudentError
from nnfin.grading.sandbox import wire

# --------------------------------------------------------------------------- the rubric


class Kind(StrEnum):
    """What a clause is about; its kind fixes its share of the part's points."""

    MAIN = "main"            # the computation itself, on inputs the student never saw
    LECTURE = "lecture"      # the lecture's (or the notebook's worked) numbers
    TYPE = "type"            # return type and shape
    RULE = "rule"            # an edge case or a rule: NaN/inf, ties, empty input, a flag, ...
    UNCHANGED = "unchanged"  # the inputs are left as they were


MAIN, LECTURE, TYPE, RULE, UNCHANGED = Kind.MAIN, Kind.LECTURE, Kind.TYPE, Kind.RULE, Kind.UNCHANGED

RUBRIC: Mapping[Kind, float] = {TYPE: 0.1, LECTURE: 0.1, RULE: 0.1, UNCHANGED: 0.1}
"""Share of a part's points that each clause of these kinds carries; MAIN clauses share the rest."""

MAIN_FLOOR = 0.4
"""The main computation always carries at least this share of a part."""

RUBRIC_TEXT = (
    "Every graded function has a contract: the numbered rules C1, C2, ... in its docstring, and the "
    "hidden checks test each rule on inputs chosen to hit it (the same inputs for every student). "
    "A part's points are split over its rules in the same way in every assignment: the return type "
    "and shape, each edge case or extra rule, leaving the inputs unchanged, and reproducing the "
    "lecture's numbers are worth 10 % of the part each; the main computation on new inputs carries "
    "the rest (at least 40 %). The lecture's numbers count only when the main computation is right "
    "too. A part that calls another of your functions is graded on its own logic: if the other "
    "function is wrong, the part is checked again with a right one in its place, and the mistake "
    "costs points only once, in its own part."
)
"""The policy as the notebooks' "How you are graded" section states it (a test keeps them equal)."""


def clause_points(points: float, kinds: Sequence[Kind]) -> list[float]:
    """Split a part's ``points`` over clauses of ``kinds`` by `RUBRIC` (two decimals, exact sum)."""
    small = [round(points * RUBRIC[k], 2) if k != MAIN else None for k in kinds]
    mains = [i for i, k in enumerate(kinds) if k == MAIN]
    if not mains:
        raise ValueError("a part needs at least one MAIN clause")
    rest = round(points - sum(s for s in small if s is not None), 2)
    if rest < MAIN_FLOOR * points - 1e-9:
        raise ValueError(f"the main computation would get {rest} of {points} points, "
                         f"below the floor of {MAIN_FLOOR:.0%}: merge some clauses")
    each = math.floor(rest / len(mains) * 100) / 100
    for i in mains:
        small[i] = each
    small[mains[-1]] = round(rest - each * (len(mains) - 1), 2)
    return [float(s) for s in small]


# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True, eq=False)
class Case:
    """One input of a clause: the arguments, and the words that say which input it was.

    ``when`` completes "Yours breaks this ...": "on a batch of 12 days", "when every
    forecast is 0". It must describe the situation, never the hidden values.
    """

    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    when: str = "on one of the hidden inputs"
    twin: Case | None = None
    """The same question asked another way (the numbers as (m,) vectors, delta given explicitly):
    `like_its_twin` wants the same answer to both."""


@dataclass
class Answer:
    """What the student's function did on one case, with the reference's value for it."""

    part: Part
    clause: Clause
    case: Case
    value: Any
    mutated: list[str]
    want: Any
    run: Run | None = None
    substitute: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    """The warnings the call raised (numpy's "overflow encountered in exp", ...)."""

    def ask(self, case: Case) -> Any:
        """The student's value on another case (asked once per run); raises `StudentError`."""
        return self.run.call(self.part, case, self.substitute)[0]


Check = Callable[[Answer], None]
"""Raises `Broken` when the answer breaks the clause."""


class Broken(Exception):  # noqa: N818 (a verdict, not an error of ours)
    """An answer breaks its clause: ``detail`` says how in the student's terms; ``mistake`` is a label."""

    def __init__(self, detail: str, mistake: str | None = None, named: Sequence[str] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.mistake = mistake
        self.named = list(named)
        """Every known mistake that explains this answer (for naming across a clause's cases)."""


@dataclass(eq=False)
class Clause:
    """One numbered rule of a part's contract, with the cases that test it.

    ``check`` defaults by kind: TYPE `same_type`, UNCHANGED `unchanged`, the others
    `same_values` with ``mistakes`` (``case -> [(message, wrong value), ...]``) and ``hint``.
    """

    id: str
    kind: Kind
    text: str
    cases: Sequence[Case]
    check: Check | None = None
    mistakes: Callable[..., Iterable[tuple[str, Any]]] | None = None
    hint: str = ""
    whole_part: bool = False
    """Breaking this rule costs the whole part (look-ahead: training on, or choosing by, the future)."""
    points: float = 0.0  # set by the part from the rubric

    def __post_init__(self) -> None:
        if not re.fullmatch(r"C\d+", self.id):
            raise ValueError(f"clause ids are C1, C2, ...: {self.id!r}")
        if not self.cases:
            raise ValueError(f"clause {self.id} has no cases")
        if self.check is None:
            self.check = {TYPE: same_type, UNCHANGED: unchanged}.get(self.kind) or same_values(
                self.mistakes, self.hint)


@dataclass(eq=False)
class Part:
    """A graded function and its contract; ``reference(*args, **kwargs)`` gives every expected value.

    ``helpers``: the student's own functions this part may call, each with the reference that
    stands in for it when the student's is wrong (errors carried forward).
    """

    number: int
    name: str
    points: float
    reference: Callable[..., Any]
    clauses: list[Clause]
    helpers: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    grade_id: str = ""
    params: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.grade_id = self.grade_id or f"test_{self.name}"
        ids = [c.id for c in self.clauses]
        if ids != [f"C{i}" for i in range(1, len(ids) + 1)]:
            raise ValueError(f"{self.name}: clauses must be C1, C2, ... in order, got {ids}")
        for clause, pts in zip(self.clauses, clause_points(self.points, [c.kind for c in self.clauses]),
                               strict=True):
            clause.points = pts
        if not self.params:
            self.params = tuple(inspect.signature(self.reference).parameters)

    @property
    def title(self) -> str:
        return f"Part {self.number}: {self.name}"

    def clause(self, clause_id: str) -> Clause:
        return next(c for c in self.clauses if c.id == clause_id)

    def gated(self, clause: Clause) -> list[Clause]:
        """The clauses that count only when ``clause`` holds (a MAIN clause gates the lecture's)."""
        return [c for c in self.clauses if c.kind == LECTURE] if clause.kind == MAIN else []

    def cost(self, clause: Clause) -> float:
        """What breaking ``clause`` alone costs: its points and those of the clauses it gates (all
        of them for a `Clause.whole_part` rule)."""
        if clause.whole_part:
            return float(self.points)
        return round(clause.points + sum(c.points for c in self.gated(clause)), 2)


# --------------------------------------------------------------------------- checks


def _is_float(value: object) -> bool:
    return isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool))


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _type_words(value: object) -> str:
    if isinstance(value, wire.Unsupported):
        return value.type_name
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {_items(len(value))}"
    return type(value).__name__


def type_problem(got: object, want: object, where: str = "") -> str | None:
    """Why ``got`` does not have the type and shape of ``want`` (the reference's value), or None."""
    at = f" {where}" if where else ""
    if isinstance(want, bool):
        if isinstance(got, (bool, np.bool_)):
            return None
        return f"should be True or False{at}, not {_type_words(got)}"
    if isinstance(want, float):
        if _is_float(got):
            return None
        if isinstance(got, np.ndarray) and got.size == 1:
            return (f"should be one number (a float){at}, not {_type_words(got)}: "
                    "use float(...) to turn it into a plain number")
        return f"should be a float{at}, not {_type_words(got)}"
    if isinstance(want, int):
        if isinstance(got, int) and not isinstance(got, bool):
            return None
        if isinstance(got, float) and got.is_integer():
            return f"should be a whole number (int){at}, not a float: use int(...) or //"
        return f"should be an int{at}, not {_type_words(got)}"
    if isinstance(want, str):
        return None if isinstance(got, str) else f"should be a string{at}, not {_type_words(got)}"
    if want is None:
        return None if got is None else f"should be None{at}, not {_type_words(got)}"
    if isinstance(want, np.ndarray):
        if not isinstance(got, np.ndarray):
            return f"should be a numpy array{at}, not {_type_words(got)}"
        if got.dtype.kind not in "fiub" or (want.dtype.kind == "f" and got.dtype.kind == "b"):
            return f"should hold numbers{at}, not values of dtype {got.dtype}"
        if got.shape != want.shape:
            return _shape_words(got.shape, want.shape, at)
        return None
    if isinstance(want, (tuple, list)):
        if not isinstance(got, type(want)):
            return f"should be a {type(want).__name__} of {_items(len(want))}{at}, not {_type_words(got)}"
        if len(got) != len(want):
            return f"should have {_items(len(want))}{at}, not {len(got)}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            problem = type_problem(g, w, f"(item {i + 1}{', ' + where if where else ''})")
            if problem:
                return problem
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"should be a dict{at}, not {_type_words(got)}"
        missing = [k for k in want if k not in got]
        if missing:
            return f"is missing the key{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}{at}"
        for key in want:
            problem = type_problem(got[key], want[key], f"(key {key!r}{', ' + where if where else ''})")
            if problem:
                return problem
        return None
    raise TypeError(f"no type rule for a reference value of type {type(want).__name__}")


def _shape_words(got: tuple, want: tuple, at: str) -> str:
    base = f"should have shape {want}{at}, not {got}"
    if len(got) == 2 and got == tuple(reversed(want)) and got != want:
        return base + ": it looks transposed (the order of a matrix product, or a missing .T)"
    if len(got) == 2 and got[0] == got[1] and want in ((got[0],), (got[0], 1), (1, got[0])):
        return base + (": an (n,) array met an (n, 1) array and numpy broadcast them into an (n, n) "
                       "matrix; give both the same shape (reshape or keepdims=True)")
    if int(np.prod(got)) == int(np.prod(want)):
        return base + ": the same numbers in another layout (reshape, or keepdims=True)"
    return base


class Uncomparable(Exception):  # noqa: N818
    """The answer cannot be read as a value of the reference's structure."""


def as_like(got: object, want: object) -> object:
    """``got`` in the structure of ``want``, forgiving type and layout (values are what count here)."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or any(k not in got for k in want):
            raise Uncomparable
        return {k: as_like(got[k], w) for k, w in want.items()}
    if isinstance(want, (tuple, list)):
        if isinstance(got, np.ndarray) and got.ndim >= 1 and len(got) == len(want):
            got = list(got)
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            raise Uncomparable
        return type(want)(as_like(g, w) for g, w in zip(got, want, strict=True))
    if want is None or isinstance(want, str):
        return got
    if isinstance(got, (wire.Unsupported, dict, str)) or got is None:
        raise Uncomparable
    try:
        arr = np.asarray(got, dtype=numerics.DTYPE)
    except (TypeError, ValueError):
        raise Uncomparable from None
    want_arr = np.asarray(want)
    if arr.size != want_arr.size:
        raise Uncomparable
    return arr.reshape(want_arr.shape)


def agrees(got: object, want: object, rtol: float = numerics.RTOL) -> bool:
    """Same values (after `as_like`): within ``rtol``, NaN where the reference has NaN, exact for ints."""
    try:
        got = as_like(got, want)
    except Uncomparable:
        return False
    if isinstance(want, dict):
        return all(agrees(got[k], w, rtol) for k, w in want.items())
    if isinstance(want, (tuple, list)):
        return all(agrees(g, w, rtol) for g, w in zip(got, want, strict=True))
    if want is None or isinstance(want, str):
        return got == want
    g = np.asarray(got, dtype=numerics.DTYPE)
    w = np.asarray(want, dtype=numerics.DTYPE)
    if g.size == 0:
        return True
    nan_g, nan_w = np.isnan(g), np.isnan(w)
    if not np.array_equal(nan_g, nan_w):
        return False
    g, w = g[~nan_w], w[~nan_w]
    if not np.array_equal(np.isinf(g), np.isinf(w)) or not np.array_equal(g[np.isinf(g)], w[np.isinf(w)]):
        return False
    finite = np.isfinite(w)
    return g.size == 0 or numerics.relative_error(g[finite], w[finite]) <= rtol


def _off_by(got: object, want: object) -> str:
    try:
        g = np.asarray(as_like(got, want), dtype=numerics.DTYPE)
        w = np.asarray(want, dtype=numerics.DTYPE)
    except (Uncomparable, TypeError, ValueError):
        return _part_off(got, want)
    if g.shape != w.shape:
        return _part_off(got, want)
    if not np.array_equal(np.isnan(g), np.isnan(w)):
        return ("it has a number where the answer is NaN (float('nan')), or NaN where the answer is a "
                "number" if np.any(np.isnan(w)) else
                "it contains NaN where a number belongs: look for 0 / 0, log of a negative number or "
                "an operation on NaN")
    if np.all(np.isfinite(w)) and not np.all(np.isfinite(g)):
        return ("it contains NaN or infinity where a finite number belongs: look for a division by "
                "zero, log(0) or an overflowing exp")
    if np.all(np.isfinite(g)) and g.size:
        return f"its value is off (relative error {numerics.relative_error(g, w):.1e})"
    return "its value is off"


def _part_off(got: object, want: object) -> str:
    """For a dict or a tuple of unlike parts (dw and db, w and the history): which part is off."""
    if not isinstance(want, (dict, tuple, list)):
        return ""
    try:
        got = as_like(got, want)
    except Uncomparable:
        return ""
    for key, part in (want.items() if isinstance(want, dict) else enumerate(want)):
        if not agrees(got[key], part):
            name = repr(key) if isinstance(want, dict) else f"item {key + 1}"
            detail = _off_by(got[key], part)
            if detail.startswith("its value"):
                return detail.replace("its value", f"its {name}", 1)
            return f"its {name} is off" + (f": {detail}" if detail else "")
    return ""


def same_type(answer: Answer) -> None:
    """TYPE: the answer has the reference's type and shape (Python or numpy floats alike)."""
    problem = type_problem(answer.value, answer.want)
    if problem:
        raise Broken(f"its result {problem}.", "wrong return type or shape")


def unchanged(answer: Answer) -> None:
    """UNCHANGED: no argument was changed in place."""
    if answer.mutated:
        names = ", ".join(_arg_name(answer.part, m) for m in answer.mutated)
        raise Broken(f"it changed {names} in place. Build new arrays (e = y - y_hat, W = W - lr * dW) "
                     "instead of -=, +=, *=, out= or item assignment on an argument, and copy an "
                     "argument before you modify it.", "changes its input in place")


def _arg_name(part: Part, mutated: str) -> str:
    if mutated.isdigit() and int(mutated) < len(part.params):
        return f"its argument {part.params[int(mutated)]}"
    return f"its argument {mutated}" if not mutated.isdigit() else f"argument {int(mutated) + 1}"


def like_its_twin(words: str, mistakes: Callable[..., Iterable[tuple[str, Any]]] | None = None,
                  rtol: float = numerics.RTOL) -> Check:
    """A RULE checked against the student's own answer to ``case.twin``, the same question asked
    another way (the numbers as (m,) vectors, delta given explicitly, the zero days left out):
    the two answers must agree (or the answer must be the reference's). A computation that is
    wrong the same way both times passes here, so only its main clause pays for it.

    ``words`` completes "it gives another result than for ...". ``mistakes`` (as for
    `same_values`) names a known mistake when one explains the answer.
    """

    def check(answer: Answer) -> None:
        if agrees(answer.value, answer.want, rtol):
            return
        try:
            other = answer.ask(answer.case.twin)
            if agrees(answer.value, as_like(other, answer.want), rtol):
                return
        except (StudentError, Uncomparable):
            pass
        named = _named(answer, mistakes, rtol)
        if len(named) == 1:
            raise Broken(named[0], mistake_label(named[0]), named)
        raise Broken(f"it gives another result than for {words}.", f"differs from {words}", named)

    return check


def _named(answer: Answer, mistakes, rtol: float) -> list[str]:
    """The known mistakes whose wrong value the answer has (and the reference has not)."""
    pairs = list(mistakes(*answer.case.args, **answer.case.kwargs)) if mistakes else []
    return list(dict.fromkeys(message for message, wrong in pairs
                              if not agrees(wrong, answer.want, rtol) and agrees(answer.value, wrong, rtol)))


def same_values(mistakes: Callable[..., Iterable[tuple[str, Any]]] | None = None, hint: str = "",
                rtol: float = numerics.RTOL) -> Check:
    """A value check against the reference, naming a known mistake only when it alone explains it."""

    def check(answer: Answer) -> None:
        if agrees(answer.value, answer.want, rtol):
            return
        named = _named(answer, mistakes, rtol)
        if len(named) == 1:
            raise Broken(named[0], mistake_label(named[0]), named)
        if named:
            raise Broken("one of these explains it: " + " Or: ".join(named), None, named)
        try:
            as_like(answer.value, answer.want)
        except Uncomparable:
            problem = type_problem(answer.value, answer.want) or "is not readable as a value"
            raise Broken(f"its result {problem}, so its values cannot be compared.",
                         "wrong return type or shape") from None
        detail = _off_by(answer.value, answer.want)
        raise Broken(f"{detail[:1].upper()}{detail[1:]}." + (f" Check: {hint}." if hint else ""))

    return check


# --------------------------------------------------------------------------- the loop


HUNG_KINDS = ("timeout", "crash", "limit")
MAX_HANGS = 2  # after this many calls of one function that hung or crashed, it is not asked again


@dataclass
class _Verdict:
    passed: bool
    message: str = ""
    mistake: str | None = None
    notes: list[str] = field(default_factory=list)
    crashed: bool = False
    """It failed because the student's function raised or hung, not because an answer broke it."""


class Run:
    """One grading run of a module's parts against one student: calls and verdicts, each made once."""

    def __init__(self, student: Any, parts: Sequence[Part]) -> None:
        self.student = student
        self.parts = {p.name: p for p in parts}
        self.calls: dict[tuple, tuple[Any, list[str], tuple[str, ...]] | StudentError] = {}
        self.verdicts: dict[tuple, _Verdict] = {}
        self.hangs: dict[str, int] = {}

    # -- calls ----------------------------------------------------------------
    def call(self, part: Part, case: Case,
             substitute: tuple[str, ...] = ()) -> tuple[Any, list[str], tuple[str, ...]]:
        key = (part.name, id(case), substitute)
        if key not in self.calls:
            self._ask_all(part, substitute)
        if key not in self.calls:
            self._ask(part, [case], substitute)
        result = self.calls[key]
        if isinstance(result, StudentError):
            raise result
        return result

    def _ask_all(self, part: Part, substitute: tuple[str, ...]) -> None:
        """Every case of the part (and their twins) in one round trip, the first time it is asked."""
        cases = list({id(c): c for clause in part.clauses for case in clause.cases
                      for c in (case, case.twin) if c is not None}.values())
        self._ask(part, [c for c in cases if (part.name, id(c), substitute) not in self.calls], substitute)

    def _ask(self, part: Part, cases: list[Case], substitute: tuple[str, ...]) -> None:
        if not cases:
            return
        if self.hangs.get(part.name, 0) >= MAX_HANGS:
            for case in cases:
                self.calls[(part.name, id(case), substitute)] = StudentError(
                    "timeout", f"{part.name}() was not asked again: it did not finish (or crashed) "
                               "on earlier inputs")
            return
        helpers = {name: part.helpers[name] for name in substitute}
        results = self.student.process.call_many(part.name, [(c.args, dict(c.kwargs)) for c in cases],
                                                 helpers)
        for case, result in zip(cases, results, strict=True):
            if isinstance(result, StudentError):
                if result.kind in HUNG_KINDS:
                    self.hangs[part.name] = self.hangs.get(part.name, 0) + 1
                result = result.when(case.when) if result.kind == "exception" else result
            else:
                result = (result.value, list(result.mutated), tuple(result.warnings))
            self.calls[(part.name, id(case), substitute)] = result

    # -- verdicts -------------------------------------------------------------
    def verdict(self, part: Part, clause: Clause) -> _Verdict:
        key = (part.name, clause.id)
        if key not in self.verdicts:
            self.verdicts[key] = self._decide(part, clause)
        return self.verdicts[key]

    def ignores_its_inputs(self, part: Part) -> bool:
        """The student's answers to the main cases are all the same, where the reference's differ (a
        hard-coded answer), or none is plain data (a rigged object): such a part earns nothing, not
        even its type or its unchanged inputs."""
        key = (part.name, "responds")
        if key not in self.verdicts:
            cases = [case for c in part.clauses if c.kind == MAIN for case in c.cases]
            answers, wants = [], []
            for case in cases:
                try:
                    answers.append(self.call(part, case)[0])
                except StudentError:
                    break
                wants.append(part.reference(*case.args, **dict(case.kwargs)))
            complete = len(answers) == len(cases) > 0
            if complete and all(isinstance(a, wire.Unsupported) for a in answers):
                why = (f"Your {part.name}() never returns plain data (a number, an array, a tuple...), "
                       f"only {answers[0].type_name}: no rule of this part counts until it does.")
            elif (complete and len(cases) >= 2 and all(_same_answer(a, answers[0]) for a in answers[1:])
                  and not all(_same_answer(w, wants[0]) for w in wants[1:])):
                why = (f"Your {part.name}() gives the same answer whatever its inputs, so it computes "
                       "nothing yet: no rule of this part counts until it does.")
            else:
                why = ""
            self.verdicts[key] = _Verdict(not why, why)
        return not self.verdicts[key].passed

    def part_lost_points(self, name: str) -> bool:
        part = self.parts.get(name)
        return part is not None and any(not self.verdict(part, c).passed for c in part.clauses)

    def _decide(self, part: Part, clause: Clause) -> _Verdict:
        if self.ignores_its_inputs(part):
            return _Verdict(False, _message(part, clause, self.verdicts[(part.name, "responds")].message),
                            "ignores its inputs")
        for rule in part.clauses:
            if rule.whole_part and rule is not clause:
                broken = self._own(part, rule)
                if not broken.passed and not broken.crashed:  # a crash is no breach of the rule
                    return _Verdict(False, _message(part, clause, (
                        f"Yours breaks rule {rule.id}, and breaking that rule costs every rule of this "
                        f"part (see rule {rule.id}).")), broken.mistake)
        return self._own(part, clause)

    def _own(self, part: Part, clause: Clause) -> _Verdict:
        """The clause judged on its own cases (a whole-part rule of the same part aside)."""
        key = (part.name, clause.id, "own")
        if key not in self.verdicts:
            self.verdicts[key] = self._decide_own(part, clause)
        return self.verdicts[key]

    def _decide_own(self, part: Part, clause: Clause) -> _Verdict:
        verdict = self._judge(part, clause, ())
        if verdict.passed:
            if clause.kind == LECTURE:
                broken = [c.id for c in part.clauses if c.kind == MAIN and not self.verdict(part, c).passed]
                if broken:
                    return _Verdict(False, _message(part, clause, (
                        f"Your {part.name}() reproduces these numbers, but this rule counts only when "
                        f"the main computation ({', '.join(broken)}) is right on new inputs too.")),
                        "lecture numbers without the computation")
            return verdict
        wrong = tuple(name for name in part.helpers if self.part_lost_points(name))
        if not wrong:
            return verdict
        again = self._judge(part, clause, wrong)
        right = " and ".join(f"{h}()" for h in wrong)
        where = ", ".join(self.parts[h].title for h in wrong if h in self.parts)
        if again.passed:
            return _Verdict(True, notes=[
                f"{part.name}() keeps the points of rule {clause.id}: with a right {right} in place of "
                f"yours it is right, so the difference comes from your {right} ({where}). "
                "Fix that part first."])
        again.message += (f" (This was checked with a right {right} in place of yours, "
                          f"since yours is wrong too: see {where}.)")
        return again

    def _judge(self, part: Part, clause: Clause, substitute: tuple[str, ...]) -> _Verdict:
        """The clause on each of its cases; a failure names the one known mistake that explains
        every failing case, when there is one."""
        first: _Verdict | None = None
        explains: set[str] | None = None
        for case in clause.cases:
            try:
                value, mutated, warned = self.call(part, case, substitute)
            except StudentError as exc:
                if first is not None:
                    break
                mistake = f"raises {exc.exception[1]}" if exc.exception else None
                return _Verdict(False, _message(part, clause, str(exc)), mistake, crashed=True)
            try:
                want = part.reference(*case.args, **dict(case.kwargs))
            except Exception as exc:  # noqa: BLE001 - a broken case is ours, never the student's fault
                raise RuntimeError(f"reference {part.name} failed on a case of {clause.id}: {exc}") from exc
            try:
                clause.check(Answer(part, clause, case, value, mutated, want, self, substitute, warned))
            except Broken as broken:
                explains = set(broken.named) if explains is None else explains & set(broken.named)
                if first is None:
                    first = _Verdict(False, _message(part, clause, f"Yours breaks it {case.when}. "
                                                                   f"{_sentence(broken.detail)}"),
                                     broken.mistake or f"breaks: {clause.text}")
                    first_when = case.when
        if first is None:
            return _Verdict(True)
        if explains and len(explains) == 1:
            named = explains.pop()
            first.message = _message(part, clause, f"Yours breaks it {first_when}. {named}")
            first.mistake = mistake_label(named)
        return first


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _same_answer(a: object, b: object) -> bool:
    try:
        return agrees(a, b, 0.0) and agrees(b, a, 0.0)
    except (TypeError, ValueError, RuntimeError):
        return False


def _message(part: Part, clause: Clause, detail: str) -> str:
    return f"Rule {clause.id} of {part.name}(): it {clause.text}. {detail}"


_RUNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _run_for(student: Any, parts: Sequence[Part]) -> Run:
    """The run of ``student`` (a new `Student` wrapper per grading run, so runs never share verdicts)."""
    runs = _RUNS.setdefault(student, {})
    key = tuple(p.name for p in parts)
    if key not in runs:
        runs[key] = Run(student, parts)
    return runs[key]


def pytest_tests(parts: Sequence[Part]) -> dict[str, Callable[..., None]]:
    """One pytest test per clause, marked with its part's grade cell and the clause's points."""
    import pytest

    seen: set[str] = set()
    for part in parts:
        for name in part.helpers:
            if name not in seen and name in {p.name for p in parts}:
                raise ValueError(f"{part.name}: its helper {name} must be declared before it")
        seen.add(part.name)

    tests: dict[str, Callable[..., None]] = {}
    for part in parts:
        for clause in part.clauses:
            tests[test_name(part, clause)] = pytest.mark.grade(part.grade_id, points=clause.points)(
                _clause_test(parts, part, clause))
    return tests


def test_name(part: Part, clause: Clause) -> str:
    return f"test_{part.name}__{clause.id}"


CLAUSE_OF_TEST = re.compile(r"^test_(?P<part>\w+?)__(?P<clause>C\d+)$")


def _clause_test(parts: Sequence[Part], part: Part, clause: Clause) -> Callable[..., None]:
    def test(student) -> None:
        verdict = _run_for(student, parts).verdict(part, clause)
        for text in verdict.notes:
            note(text)
        if not verdict.passed:
            raise CheckFailed(verdict.message, verdict.mistake)

    test.__name__ = test.__qualname__ = test_name(part, clause)
    test.__doc__ = f"{part.title}, rule {clause.id} ({clause.kind}, {clause.points} points): {clause.text}"
    return test


# --------------------------------------------------------------------------- docstrings


_CLAUSE_LINE = re.compile(r"^(C\d+)\s{2,}(\S.*)$")


def docstring_clauses(docstring: str) -> dict[str, str]:
    """The numbered clauses of a docstring's "Contract" section: id -> text (continuation lines joined).

    The section is a line "Contract", an underline, then lines "C1  text" (two spaces after the
    id), each continued on indented lines; a blank line ends it.
    """
    lines = inspect.cleandoc(docstring or "").splitlines()
    clauses: dict[str, str] = {}
    starts = [i for i, line in enumerate(lines) if line.strip() == "Contract"]
    if not starts:
        return clauses
    current = None
    for line in lines[starts[0] + 1:]:
        if not line.strip():
            if clauses:
                break
            continue
        if set(line.strip()) <= {"-"}:
            continue
        match = _CLAUSE_LINE.match(line)
        if match:
            current = match.group(1)
            clauses[current] = match.group(2).strip()
        elif current and line[:1].isspace():
            clauses[current] += " " + line.strip()
        else:
            break
    return clauses
