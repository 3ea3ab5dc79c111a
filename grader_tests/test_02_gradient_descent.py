"""Hidden checks of assignment 02_gradient_descent: each part's contract, clause by clause.

Every part below is the numbered contract of one function of
source/02_gradient_descent/gradient_descent.ipynb (the same clauses its docstring
states), with the fixed cases that test each clause and the known mistakes its
messages name. Expected values all come from nnfin.reference.gradient_descent;
nnfin/grading/checks/contract.py runs them and splits each part's points over its
clauses by the course's one rubric.

Functions that take functions (numerical_gradient's f, gradient_descent's grad_fn
and loss_fn) receive them as `PyFunc` sources: the student's process evaluates the
source, and the grader evaluates the same source to run the reference.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable

import numpy as np

from nnfin.grading.checks.contract import (
    LECTURE,
    MAIN,
    RULE,
    TYPE,
    UNCHANGED,
    Answer,
    Broken,
    Case,
    Clause,
    Part,
    agrees,
    like_its_twin,
    pytest_tests,
    type_problem,
)
from nnfin.grading.checks.expect import mistake_label
from nnfin.grading.engine.session import StudentError
from nnfin.grading.sandbox.wire import PyFunc
from nnfin.numerics import FD_STEP
from nnfin.reference import gradient_descent as ref

ASSIGNMENT = "02_gradient_descent"

# Fixed hidden inputs: drawn once from a constant seed, so every student meets the same cases.
_RNG = np.random.default_rng(20261202)

SUM_NOT_MEAN = "It looks like a sum instead of a mean: divide by the number of examples m."
NAN, INF = float("nan"), float("inf")


def _notebook_data() -> tuple[np.ndarray, np.ndarray]:
    """The notebook's 400 days (its read-only data cell, which a function must not read)."""
    rng = np.random.default_rng(20251126)
    s1 = rng.normal(size=400)
    s2 = 0.5 * s1 + np.sqrt(0.75) * rng.normal(size=400)
    return np.column_stack([s1, s2]), 0.8 * s1 - 0.4 * s2 + 0.5 * rng.normal(size=400)


X_DAYS, Y_DAYS = _notebook_data()


def _regression(m: int, n: int, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """m examples of n signals and a noisy linear target with a bias."""
    X = scale * _RNG.normal(size=(m, n))
    y = X @ _RNG.normal(size=n) + _RNG.normal() + 0.3 * _RNG.normal(size=m)
    return X, y


def _lit(a) -> str:
    """An exact Python literal of a 1-D float array (repr of floats round-trips)."""
    return "np.array(" + repr([float(v) for v in np.ravel(a)]) + ")"


_FUNCS: dict[str, Callable] = {}
_WANTS: dict[tuple, object] = {}


def _once(reference: Callable) -> Callable:
    """The reference, computed once per case: the cases are fixed objects of this module (kept alive
    by it, so their ids stay theirs), and every clause that shares a case shares its answer."""

    def want(*args, **kwargs):
        key = (reference.__name__, *(a if isinstance(a, (int, float, str)) else id(a) for a in args),
               *sorted((k, v if isinstance(v, (int, float, str)) else id(v)) for k, v in kwargs.items()))
        if key not in _WANTS:
            _WANTS[key] = reference(*args, **kwargs)
        return _WANTS[key]

    want.__name__ = want.__qualname__ = reference.__name__
    want.__signature__ = inspect.signature(reference)
    return want


def _callable(f):
    """The grader's own copy of a function sent to the student as source."""
    if isinstance(f, PyFunc):
        if f.source not in _FUNCS:
            _FUNCS[f.source] = eval(f.source, {"np": np})  # noqa: S307 - our own literal source
        return _FUNCS[f.source]
    return f


def _words(value: object) -> str:
    """A student's value in a message: short strings quoted, anything else by its type."""
    if isinstance(value, str):
        return repr(value if len(value) <= 30 else value[:27] + "...")
    return f"a {type(value).__name__}"


def _floats(value: object) -> list[float] | None:
    """A loss history as floats, or None when it is not a sequence of numbers."""
    try:
        out = [float(v) for v in value]
    except (TypeError, ValueError):
        return None
    return out


def _list_of_floats_like(got: object, want: list) -> list:
    """``want`` (a list of floats) stretched to the length of ``got``: the type clause looks at the
    kind of each entry, the value clauses at how many there are."""
    n = len(got) if isinstance(got, (list, tuple)) else len(want)
    return [float(want[0]) if want else 0.0] * n


def _dict_keys_problem(got: object, keys: tuple[str, ...]) -> str | None:
    if not isinstance(got, dict):
        return f"should be a dict with the keys {', '.join(map(repr, keys))}, not {_words(got)}"
    missing = [k for k in keys if k not in got]
    return f"is missing the key{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}" \
        if missing else None


# ---------------------------------------------------------------------------
# Part 1: linear_mse_grad
# ---------------------------------------------------------------------------


def _grad_case(m: int, n: int, when: str) -> Case:
    X, y = _regression(m, n)
    return Case((X, y, _RNG.normal(size=n), float(_RNG.normal())), when=when)


def _grad_mistakes(X, y, w, b):
    dw, db = ref.linear_mse_grad(X, y, w, b)
    m, n = X.shape
    scaled = [
        (SUM_NOT_MEAN, "like a sum instead of a mean: divide by m", m),
        ("It looks like the factor 2 from the square is missing (d/dr r^2 = 2r): dw = 2/m X.T @ r, "
         "db = 2/m sum(r).", "as if it misses the factor 2 from the square", 0.5),
        ("The sign is flipped: use r = X @ w + b - y (prediction minus truth), so that the gradient "
         "points uphill.", "as if its sign is flipped: r = X @ w + b - y is prediction minus truth", -1.0),
        ("It looks like the sum is divided by m - 1: the MSE averages over all m examples.",
         "as if it is divided by m - 1 instead of m", m / (m - 1) if m > 1 else NAN),
        ("It looks like the sum is divided by the number of features n: divide by the number of "
         "examples m = X.shape[0].", "as if it is divided by n = X.shape[1] instead of m = X.shape[0]",
         m / n if n != m else NAN),
    ]
    out = []
    for both, one, factor in scaled:
        out += [(both, (dw * factor, db * factor)),
                (f"dw looks {one}.", (dw * factor, db)), (f"db looks {one}.", (dw, db * factor))]
    zero = "It looks like 2 // m: integer division gives 0 for m > 2, so write 2 / m."
    out += [(zero, (0.0 * dw, 0.0)), (zero, (0.0 * dw, db)), (zero, (dw, 0.0)),
            ("It looks like b is left out of the residual: r = X @ w + b - y.",
             ref.linear_mse_grad(X, y, w, 0.0))]
    if n == X_DAYS.shape[1]:
        out.append(("It looks like the function uses the notebook's X and y instead of its arguments: "
                    "use only the X, y, w and b it is given.", ref.linear_mse_grad(X_DAYS, Y_DAYS, w, b)))
    return out


def _one_example(n: int, when: str) -> Case:
    """One example (m = 1, as SGD passes it); the twin is the same example given twice."""
    x, w = _RNG.normal(size=(1, n)), _RNG.normal(size=n)
    y, b = np.array([float(_RNG.normal())]), float(_RNG.normal())
    return Case((x, y, w, b), when=when, twin=Case((np.vstack([x, x]), np.concatenate([y, y]), w, b)))


GRAD_TABLE = Case((np.array([[3.0], [1.0], [7.0]]), np.array([5.0, -2.0, 8.0]), np.array([1.0]), 0.0),
                  when="on the lecture's three-stock table")
GRAD_HAND = Case((np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([3.0, 3.0]), np.array([0.5, 1.0]), 1.0),
                 when="on the notebook's worked example of two days")
GRAD_BATCHES = [_grad_case(7, 2, "on a batch of 7 days and 2 signals"),
                _grad_case(12, 3, "on a batch of 12 days and 3 signals"),
                _grad_case(9, 4, "on a batch of 9 days and 4 signals")]
GRAD_ONE = [_one_example(1, "on a batch of one example (m = 1)"),
            _one_example(1, "on a batch of one example (m = 1)")]

LINEAR_MSE_GRAD = Part(1, "linear_mse_grad", points=6, reference=_once(ref.linear_mse_grad), clauses=[
    Clause("C1", TYPE, "returns a tuple (dw, db): dw a numpy array of shape (n,), db one float",
           [GRAD_TABLE, GRAD_BATCHES[0], GRAD_BATCHES[1]]),
    Clause("C2", LECTURE, "gives dw = [-20/3] and db = 0 on the three-stock table, and dw = [-4, 2.5], "
                          "db = -1 on the notebook's two days", [GRAD_TABLE, GRAD_HAND],
           mistakes=_grad_mistakes),
    Clause("C3", MAIN, "is dw = 2/m X.T @ r and db = 2/m sum(r) with r = X @ w + b - y, on any batch of "
                       "m days and n signals", GRAD_BATCHES, mistakes=_grad_mistakes,
           hint="r = X @ w + b - y (prediction minus truth), then dw = 2 / m * X.T @ r and "
                "db = 2 / m * sum(r) with m = X.shape[0]"),
    Clause("C4", RULE, "works for a batch of one example (m = 1): the same gradient as for that "
                       "example given twice", GRAD_ONE,
           check=like_its_twin("the same example given twice", _grad_mistakes)),
    Clause("C5", UNCHANGED, "leaves X, y and w unchanged", [GRAD_BATCHES[0], GRAD_BATCHES[1]]),
])


# ---------------------------------------------------------------------------
# Part 2: numerical_gradient
# ---------------------------------------------------------------------------


def _numerical_gradient(f, x, h=FD_STEP):
    """The reference, on the grader's copy of the student's f."""
    return ref.numerical_gradient(_callable(f), x, h=h)


def _differences(f, x, h, kind):
    """A slip on the central difference: one-sided, backward, or every coordinate shifted at once."""
    f = _callable(f)
    base = np.array(x, dtype=float)
    out = np.empty_like(base)
    for i in range(base.size):
        e = np.zeros_like(base)
        e.flat[i] = h
        if kind == "forward":
            out.flat[i] = (float(f(base + e)) - float(f(base))) / h
        elif kind == "backward":
            out.flat[i] = (float(f(base)) - float(f(base - e))) / h
        else:
            out.flat[i] = (float(f(base + h)) - float(f(base - h))) / (2 * h)
    return out


def _numgrad_mistakes(f, x, h=FD_STEP):
    want = _numerical_gradient(f, x, h)
    mistakes = [
        ("It looks like a one-sided difference (f(x + h e_i) - f(x)) / h: use the central difference "
         "(f(x + h e_i) - f(x - h e_i)) / (2h).", _differences(f, x, h, "forward")),
        ("It looks like a backward difference (f(x) - f(x - h e_i)) / h: use the central difference "
         "(f(x + h e_i) - f(x - h e_i)) / (2h).", _differences(f, x, h, "backward")),
        ("It looks like the difference is divided by h instead of 2h.", 2 * want),
        ("It looks like the difference is divided by 2 and then multiplied by h: / 2 * h is "
         "(.../ 2) * h in Python, write / (2 * h).", want * h * h),
        ("The sign is flipped: it is f(x + h e_i) - f(x - h e_i), plus step minus minus step.", -want),
        ("It looks like every coordinate is shifted at once (x + h): shift only coordinate i, "
         "by h times the unit vector e_i.", _differences(f, x, h, "all")),
    ]
    for other in (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-3):
        if other != h:
            mistakes.append(("It looks like the step h you were given is ignored: use the argument h, "
                             "not a fixed number.", _numerical_gradient(f, x, other)))
    return mistakes


def _default_step_mistakes(f, x, h=FD_STEP):
    return [("The default step should be h = 1e-6: def numerical_gradient(f, x, h=1e-6).",
             _numerical_gradient(f, x, other)) for other in (1e-4, 1e-5, 1e-7, 1e-8, 1e-3, 1e-2)]


def _smooth(n: int, h: float | None, when: str) -> Case:
    """A smooth, non-quadratic function of n weights (one term per weight: exp and cube)."""
    a, k, c = _RNG.uniform(0.5, 1.5, n), _RNG.uniform(1.0, 2.0, n), _RNG.normal(size=n)
    f = PyFunc(f"lambda w: float(np.sum({_lit(a)} * np.exp({_lit(k)} * w)) + np.sum({_lit(c)} * w ** 3))")
    x = _RNG.normal(scale=0.7, size=n)
    return Case((f, x) if h is None else (f, x, h), when=when)


def _wiggly(n: int, when: str) -> Case:
    """A function that wiggles on the scale of 1e-6, so that the step shows in the result; the
    twin passes h = 1e-6 explicitly."""
    k = _RNG.uniform(1.5e5, 2.5e5, n)
    f = PyFunc(f"lambda w: float(np.sum(np.sin({_lit(k)} * w)))")
    x = _RNG.uniform(-1.0, 1.0, n)
    return Case((f, x), when=when, twin=Case((f, x, 1e-6)))


NUMGRAD_WORKED = Case((PyFunc("lambda w: float((w[0] - 3.0) ** 2)"), np.array([1.0]), 0.1),
                      when="on the notebook's worked example, (w - 3)^2 at w = 1 with h = 0.1")
NUMGRAD_CASES = [_smooth(4, 1e-2, "on a smooth function of 4 weights with h = 0.01"),
                 _smooth(3, 0.05, "on a smooth function of 3 weights with h = 0.05"),
                 _smooth(6, 2e-3, "on a smooth function of 6 weights with h = 0.002")]
NUMGRAD_DEFAULT = [_wiggly(3, "without an h argument, on a function where the step size shows")]

NUMERICAL_GRADIENT = Part(2, "numerical_gradient", points=4, reference=_once(_numerical_gradient), clauses=[
    Clause("C1", TYPE, "returns a numpy array of floats of x's shape",
           [NUMGRAD_WORKED, NUMGRAD_CASES[0]]),
    Clause("C2", LECTURE, "gives -4 for (w - 3)^2 at w = 1 with h = 0.1 (the worked example)",
           [NUMGRAD_WORKED], mistakes=_numgrad_mistakes),
    Clause("C3", MAIN, "is (f(x + h e_i) - f(x - h e_i)) / (2h) in entry i, with the h it is given, "
                       "on any smooth f", NUMGRAD_CASES, mistakes=_numgrad_mistakes,
           hint="for each i: copy x, add h to entry i for the plus point and subtract it for the minus "
                "point, then (f(plus) - f(minus)) / (2 * h)"),
    Clause("C4", RULE, "uses h = 1e-6 when no h is given", NUMGRAD_DEFAULT,
           check=like_its_twin("h = 1e-6 given explicitly", _default_step_mistakes)),
    Clause("C5", UNCHANGED, "leaves x unchanged", [NUMGRAD_CASES[0], NUMGRAD_WORKED]),
])


# ---------------------------------------------------------------------------
# Part 3: gradient_descent
# ---------------------------------------------------------------------------


def _gradient_descent(grad_fn, w0, lr, n_steps, loss_fn):
    """The reference, on the grader's copies of the student's grad_fn and loss_fn."""
    return ref.gradient_descent(_callable(grad_fn), w0, lr, n_steps, _callable(loss_fn))


def _descent(grad_fn, w0, lr, n_steps, loss_fn, sign=-1.0, decay=False, frozen=False, restart=False):
    """The descent loop with one of the usual slips (the defaults give the right loop)."""
    grad, loss = _callable(grad_fn), _callable(loss_fn)
    start = np.array(w0, dtype=float)
    w = start.copy()
    history = [float(loss(w))]
    g0 = np.asarray(grad(w), dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(n_steps):
            if not math.isfinite(history[-1]):
                break
            g = g0 if frozen else np.asarray(grad(w), dtype=float)
            w = (start if restart else w) + sign * (lr / (1 + t) if decay else lr) * g
            history.append(float(loss(w)))
    return w, history


def _descent_mistakes(grad_fn, w0, lr, n_steps, loss_fn):
    w, history = _gradient_descent(grad_fn, w0, lr, n_steps, loss_fn)
    same_lr = ("take every step with the same lr, w = w - lr * grad_fn(w), from the w of the step "
               "before")
    out = [
        ("The loss goes up: step AGAINST the gradient, w = w - lr * grad_fn(w) (sign error).",
         _descent(grad_fn, w0, lr, n_steps, loss_fn, sign=1.0)),
        ("loss_history misses the starting loss: it needs n_steps + 1 entries, loss_fn(w0) first, then "
         "the loss after every step.", (w, history[1:])),
        ("loss_history misses the loss after the last step: record loss_fn(w) after each update, "
         "n_steps + 1 entries in all.", (w, history[:-1])),
        ("The returned w is still w0: return the updated weights.", (np.array(w0, dtype=float), history)),
        (f"The learning rate shrinks from step to step: {same_lr} (no decay).",
         _descent(grad_fn, w0, lr, n_steps, loss_fn, decay=True)),
        ("The gradient seems to be taken only once, at w0: call grad_fn(w) at the current w in "
         "every step.", _descent(grad_fn, w0, lr, n_steps, loss_fn, frozen=True)),
        ("Every step seems to start again from w0: update the current w, w = w - lr * grad_fn(w).",
         _descent(grad_fn, w0, lr, n_steps, loss_fn, restart=True)),
        ("It takes one step too many: exactly n_steps updates.",
         _descent(grad_fn, w0, lr, n_steps + 1, loss_fn)),
    ]
    if n_steps >= 1:
        out.append(("It takes one step too few: exactly n_steps updates, for _ in range(n_steps).",
                    _descent(grad_fn, w0, lr, n_steps - 1, loss_fn)))
        out.append(("The returned w is the one before the last step: return the w whose loss ends "
                    "the history.", (_descent(grad_fn, w0, lr, n_steps - 1, loss_fn)[0], history)))
    return out


def _bowl(n: int, lo: float = 0.5, hi: float = 2.0, edge: float | None = None,
          beyond: str = "nan") -> tuple[PyFunc, PyFunc, np.ndarray]:
    """A bowl sum(a (w - c)^2), its gradient and its centre c. With ``edge`` the loss is NaN (or
    inf) wherever some |w_i| >= edge, while the gradient stays finite."""
    a, c = _RNG.uniform(lo, hi, n), _RNG.normal(size=n)
    body = f"float(np.sum({_lit(a)} * (np.asarray(w) - {_lit(c)}) ** 2))"
    if edge is not None:
        body = f"({body} if np.max(np.abs(w)) < {edge!r} else float({beyond!r}))"
    return (PyFunc(f"lambda w: 2.0 * {_lit(a)} * (np.asarray(w) - {_lit(c)})"),
            PyFunc(f"lambda w: {body}"), c)


def _descent_case(n: int, lr: float, n_steps: int, when: str) -> Case:
    grad, loss, _ = _bowl(n)
    return Case((grad, _RNG.normal(scale=2.0, size=n), lr, n_steps, loss), when=when)


def _no_steps(n: int, when: str) -> Case:
    """n_steps = 0; the twin takes one step with lr = 0, the same start recorded the same way."""
    grad, loss, _ = _bowl(n)
    w0 = _RNG.normal(scale=2.0, size=n)
    return Case((grad, w0, 0.1, 0, loss), when=when, twin=Case((grad, w0, 0.0, 1, loss)))


def _blow_up(n: int, lr: float, when: str, edge: float | None = None, beyond: str = "nan",
             start_outside: bool = False) -> Case:
    """A run whose loss turns NaN or inf: overflow with a far too large lr, or (with ``edge``) a loss
    that is NaN/inf once the weights leave a box; ``start_outside`` starts outside the box, where a
    first step would lead back in."""
    grad, loss, c = _bowl(n, 0.8, 1.5, edge=edge, beyond=beyond)
    if start_outside:
        w0 = np.sign(_RNG.normal(size=n)) * (edge + 0.2 * edge * _RNG.uniform(size=n))
    else:  # near the centre inside a box; far out (the overflow then comes within a few dozen steps)
        w0 = c + _RNG.normal(scale=0.5 if edge is not None else 1e130, size=n)
    return Case((grad, w0, lr, 100, loss), when=when)


def _descent_type(answer: Answer) -> None:
    got, want = answer.value, answer.want
    if isinstance(got, tuple) and len(got) == 2:
        problem = type_problem(got[0], want[0], "(the weights w)") or type_problem(
            got[1], _list_of_floats_like(got[1], want[1]), "(the loss history)")
    else:
        problem = type_problem(got, want)
    if problem:
        raise Broken(f"its result {problem}.", "wrong return type or shape")


def _read_descent(value: object) -> tuple[object, list[float]]:
    if not isinstance(value, (tuple, list)) or len(value) != 2 or _floats(value[1]) is None:
        raise Broken("its result is not a pair (w, loss_history), so this rule cannot be checked "
                     "(see rule C1).", "wrong return type or shape")
    return value[0], _floats(value[1])


def _takes_no_step(answer: Answer) -> None:
    """RULE n_steps = 0: w comes back with w0's values, and the history is what the student's own
    loop records before its first step (its answer for one step of lr = 0, without that step)."""
    if agrees(answer.value, answer.want):
        return
    w, history = _read_descent(answer.value)
    try:
        history_once = _read_descent(answer.ask(answer.case.twin))[1]
    except StudentError:
        history_once = [*answer.want[1], 0.0]
    if not agrees(w, np.asarray(answer.case.args[1], dtype=float)):
        raise Broken("it changed w although n_steps is 0: with no step to take, return w0's values "
                     "(in a new array).", "steps although n_steps is 0")
    if not agrees(history, history_once[:-1]):
        raise Broken("with n_steps = 0 the history should hold just the starting loss, "
                     "[loss_fn(w0)].", "history wrong for n_steps = 0")


def _stops_at_the_first_non_finite_loss(answer: Answer) -> None:
    """RULE: judged on the student's own run, whatever its update rule: no step after a NaN/inf loss,
    that loss recorded as the last entry, and the w returned the one that gave it."""
    if agrees(answer.value, answer.want):
        return
    w, history = _read_descent(answer.value)
    finite = [math.isfinite(v) for v in history]
    if not all(finite[:-1]):
        raise Broken("it kept stepping after the loss became NaN or inf: check every loss, also "
                     "loss_fn(w0), with np.isfinite and stop as soon as one is not finite (if "
                     "loss_fn(w0) is not finite, take no step at all).",
                     "kept stepping after a non-finite loss")
    if history and not finite[-1]:
        with np.errstate(all="ignore"):
            try:
                last = float(_callable(answer.case.args[4])(np.asarray(w, dtype=float)))
            except (TypeError, ValueError):
                last = NAN
        if math.isfinite(last):
            raise Broken("the returned w is not the one that gave the last, non-finite loss: return "
                         "the w of the last step taken.", "returns the w before the last step")
        return
    if len(history) < answer.case.args[3]:
        raise Broken("it stopped early although no loss in its history is NaN or inf: append the "
                     "non-finite loss to the history, then stop.", "non-finite loss not recorded")


GD_WORKED = Case((PyFunc("lambda w: 2.0 * (w - 3.0)"), np.array([0.0]), 0.1, 3,
                  PyFunc("lambda w: float(np.sum((w - 3.0) ** 2))")),
                 when="on the notebook's worked example, (w - 3)^2 from w0 = 0 with lr = 0.1")
GD_RUNS = [_descent_case(3, 0.12, 12, "on a bowl of 3 weights, 12 steps"),
           _descent_case(2, 0.3, 8, "on a bowl of 2 weights, 8 steps"),
           _descent_case(5, 0.05, 20, "on a bowl of 5 weights, 20 steps")]
GD_NO_STEPS = [_no_steps(3, "when n_steps is 0")]
GD_BLOW_UPS = [
    _blow_up(3, 4.0, "when a far too large lr makes the loss overflow to inf"),
    _blow_up(2, 1.3, "when the loss turns NaN in the middle of the run", edge=40.0),
    _blow_up(2, 1.3, "when the loss turns inf in the middle of the run", edge=40.0, beyond="inf"),
    _blow_up(3, 0.1, "when loss_fn(w0) is already NaN", edge=30.0, start_outside=True),
    _blow_up(2, 0.1, "when loss_fn(w0) is already inf", edge=30.0, beyond="inf", start_outside=True),
]

GRADIENT_DESCENT = Part(3, "gradient_descent", points=6, reference=_once(_gradient_descent), clauses=[
    Clause("C1", TYPE, "returns a tuple (w, loss_history): w a numpy array of w0's shape, loss_history "
                       "a list of floats", [GD_WORKED, GD_RUNS[0]], check=_descent_type),
    Clause("C2", LECTURE, "gives the worked example: losses 9, 5.76, 3.6864, 2.359296 and w = 1.464 "
                          "after 3 steps", [GD_WORKED], mistakes=_descent_mistakes),
    Clause("C3", MAIN, "takes n_steps steps w = w - lr * grad_fn(w) with the same lr and returns the "
                       "last w and [loss_fn(w0), loss after step 1, ..., after step n_steps]",
           GD_RUNS, mistakes=_descent_mistakes,
           hint="record loss_fn(w0), then n_steps times: w = w - lr * grad_fn(w) and append loss_fn(w)"),
    Clause("C4", RULE, "takes no step when n_steps is 0: w0's values and [loss_fn(w0)]", GD_NO_STEPS,
           check=_takes_no_step),
    Clause("C5", RULE, "stops at the first NaN or inf loss, also loss_fn(w0): the history ends with "
                       "it, and w is the one that gave it (w0, with no step, if loss_fn(w0) is not "
                       "finite)", GD_BLOW_UPS, check=_stops_at_the_first_non_finite_loss),
    Clause("C6", UNCHANGED, "leaves w0 unchanged", [GD_RUNS[0], GD_BLOW_UPS[1]]),
])


# ---------------------------------------------------------------------------
# Part 4: diagnose_loss_history
# ---------------------------------------------------------------------------

DIVERGING, TOO_SLOW, HEALTHY = "diverging", "too slow", "healthy"
LABELS = (DIVERGING, TOO_SLOW, HEALTHY)


def _label(value: object) -> object:
    """A label as the student meant it ('Too_Slow' is 'too slow'): its spelling is rule C1's business."""
    return " ".join(value.lower().replace("_", " ").replace("-", " ").split()) \
        if isinstance(value, str) else value


def _diagnosis(h, finite="all", rise="relative", tail="last 6", zero=True, slow="relative") -> str:
    """The diagnosis with one of the usual slips (the defaults give the right rules 1-4)."""
    h = np.asarray(h, dtype=float)
    bad = {"all": ~np.isfinite(h), "last": ~np.isfinite(h[-1:]), "nan": np.isnan(h), "inf": np.isinf(h)}
    if finite and np.any(bad[finite]):
        return DIVERGING
    first, last = h[0], h[-1]
    with np.errstate(all="ignore"):
        rises = {"relative": last > 1.05 * first, "absolute": last > first + 0.05, "any": last > first,
                 "half": last > 1.5 * first, "step": h.size > 1 and last > 1.05 * h[-2], None: False}
        if rises[rise]:
            return DIVERGING
        if tail:
            k = {"last 6": 6, "last 5": 5, "last 7": 7, "flat ok": 6, "no total": 6}[tail]
            window = h[-k:]
            steps = np.diff(window)
            up = np.all(steps >= 0) if tail == "flat ok" else np.all(steps > 0)
            total = True if tail == "no total" else window[-1] > 1.05 * window[0]
            if h.size >= k and h.size > 5 and up and total:
                return DIVERGING
        if zero and first == 0:
            return HEALTHY
        drop = {"relative": (first - last) / first, "absolute": first - last,
                "of last": (first - last) / last}
        if slow == "swapped":
            return HEALTHY if drop["relative"] < 0.5 else TOO_SLOW
        if slow == "five":
            return TOO_SLOW if drop["relative"] < 0.05 else HEALTHY
        return TOO_SLOW if drop[slow] < 0.5 else HEALTHY


_DIAGNOSIS_MISTAKES = [
    ("Rule 1: a NaN or inf ANYWHERE in the history means 'diverging', not only in the last entry: "
     "check every entry (np.all(np.isfinite(h))).", {"finite": "last"}),
    ("Rule 1: an infinite loss (inf) means 'diverging' too, not only NaN: np.isfinite catches both.",
     {"finite": "nan"}),
    ("Rule 1: a NaN loss means 'diverging' too, not only inf: np.isfinite catches both.",
     {"finite": "inf"}),
    ("Rule 1: the rise is relative, more than 5 % of the first loss (L_last > 1.05 * L0), not "
     "L_last > L0 + 0.05.", {"rise": "absolute"}),
    ("Rule 1: only a rise of MORE than 5 % above the first loss counts (L_last > 1.05 * L0); a "
     "smaller one is noise, not divergence.", {"rise": "any"}),
    ("Rule 1: the rise that counts is more than 5 % (1.05 * L0), not 50 %.", {"rise": "half"}),
    ("Rule 1: compare the last loss with the FIRST one, L0, not with the loss just before it.",
     {"rise": "step"}),
    ("Rule 1: a loss that ends more than 5 % above its first value (L_last > 1.05 * L0) is "
     "'diverging'.", {"rise": None}),
    ("Rule 1 has three signs of divergence, not only NaN or inf: also a last loss more than 5 % above "
     "the first (L_last > 1.05 * L0), and a runaway tail of 5 rising steps that add up to more than "
     "5 %.", {"rise": None, "tail": None}),
    ("Rule 1: when each of the last 5 steps raised the loss, by more than 5 % in total, the loss is "
     "running away: 'diverging', even if it fell a lot earlier.", {"tail": None}),
    ("Rule 1: the runaway rule looks at the last 5 STEPS, i.e. the last 6 values h[-6:], all rising; "
     "not at the last 5 values (only 4 steps).", {"tail": "last 5"}),
    ("Rule 1: the runaway rule looks at the last 5 steps, the last 6 values h[-6:], not at 7.",
     {"tail": "last 7"}),
    ("Rule 1: each of the last 5 steps must raise the loss strictly (np.diff(h[-6:]) > 0): a flat "
     "step breaks the run.", {"tail": "flat ok"}),
    ("Rule 1: 5 rising steps count only when they add up to more than 5 % (h[-1] > 1.05 * h[-6]); "
     "smaller rises are noise.", {"tail": "no total"}),
    ("Rule 2: a history that starts at 0 is a perfect fit, 'healthy': apply rule 2 before dividing "
     "by L0.", {"zero": False}),
    ("Rule 3 is relative: 'too slow' when the loss fell by less than half of its first value, "
     "(L0 - L_last) / L0 < 0.5, not when L0 - L_last < 0.5.", {"slow": "absolute"}),
    ("Rule 3 divides the drop by the FIRST loss L0, not by the last one.", {"slow": "of last"}),
    ("'too slow' and 'healthy' are swapped: a loss that fell by less than half of its first value, "
     "(L0 - L_last) / L0 < 0.5, is 'too slow' (rule 3 looks at the fraction REMOVED, not at the "
     "fraction L_last / L0 that remains).", {"slow": "swapped"}),
    ("Rule 3's threshold is half of the first loss, 0.5, not 5 %.", {"slow": "five"}),
]


def _diagnosis_mistakes(history):
    return [(message, _diagnosis(history, **slip)) for message, slip in _DIAGNOSIS_MISTAKES]


def _label_type(answer: Answer) -> None:
    """TYPE: exactly one of the three labels."""
    if isinstance(answer.value, str) and answer.value in LABELS:
        return
    if _label(answer.value) in LABELS:
        raise Broken(f"it returns {_words(answer.value)}: the labels are exactly 'diverging', 'too slow' "
                     "and 'healthy' (lower case, a space in 'too slow').", "label misspelt")
    raise Broken(f"its result should be one of the strings 'diverging', 'too slow', 'healthy', not "
                 f"{_words(answer.value)}.", "not one of the three labels")


def _named_labels(answer: Answer, key: Callable[[object], object]) -> list[str]:
    """The known slips of rules 1-4 that give this wrong answer AND the student's answers on every
    other case of the clause (as far as ``key`` tells labels apart): a slip that would have failed
    where the student passed does not explain the student."""
    got, want = key(_label(answer.value)), key(answer.want)
    others = []
    for case in answer.clause.cases:
        if case is not answer.case:
            try:
                others.append((case, key(_label(answer.ask(case)))))
            except StudentError:
                pass
    named = []
    for message, slip in _DIAGNOSIS_MISTAKES:
        mine = key(_diagnosis(*answer.case.args, **slip))
        if mine != want and mine == got and all(key(_diagnosis(*case.args, **slip)) == theirs
                                                 for case, theirs in others):
            named.append(message)
    return list(dict.fromkeys(named))


def _named_or(named: list[str], otherwise: str) -> Broken:
    if len(named) == 1:
        return Broken(named[0], mistake_label(named[0]), named)
    if named:
        return Broken("one of these explains it: " + " Or: ".join(named), None, named)
    return Broken(otherwise, None, named)


def _right_label(hint: str) -> Callable[[Answer], None]:
    """A label check (spelling forgiven), naming the one known slip of rules 1-4 that explains it."""

    def check(answer: Answer) -> None:
        got = _label(answer.value)
        if got == answer.want:
            return
        raise _named_or(_named_labels(answer, lambda label: label),
                        f"it returns {_words(answer.value)} where the answer is {answer.want!r}. {hint}")

    return check


def _says_diverging(hint: str) -> Callable[[Answer], None]:
    """A diverging rule judged on that decision alone: 'diverging' or not, whichever of the other
    two labels the student's rules 2-4 would give."""

    def check(answer: Answer) -> None:
        got = _label(answer.value) == DIVERGING
        if got == (answer.want == DIVERGING):
            return
        said = ("it does not say 'diverging' here" if answer.want == DIVERGING else
                "it says 'diverging' although none of the three diverging rules holds here")
        raise _named_or(_named_labels(answer, lambda label: label == DIVERGING), f"{said}. {hint}")

    return check


def _decay(start: float, drop: float, k: int, power: float = 0.7) -> list[float]:
    """k + 1 losses falling smoothly from ``start`` by the fraction ``drop`` in total."""
    t = np.linspace(0.0, 1.0, k + 1) ** power
    return [float(v) for v in start * (1.0 - drop * t)]


def _history(values, when: str, as_array: bool = False) -> Case:
    return Case((np.array(values, dtype=float) if as_array else list(values),), when=when)


CURVES = [_history([10.0, 6.0, 3.5, 2.0, 1.2, 0.9], "on the notebook's curve A"),
          _history([10.0, 9.6, 9.2, 8.9, 8.5, 8.2], "on the notebook's curve B"),
          _history([10.0, 4.0, 2.0, 2.1, 2.3, 2.6, 3.0, 3.5], "on the notebook's curve C")]
MAIN_CURVES = [
    _history(_decay(4.2, 0.85, 14), "on a loss that fell by most of its first value"),
    _history(_decay(0.35, 0.2, 10), "on a small loss that fell by a fifth"),
    _history(_decay(60.0, 0.45, 20), "on a large loss that fell by a bit less than half"),
    _history(_decay(0.8, 0.6, 8), "on a small loss that fell by a bit more than half"),
    _history(_decay(7.0, 0.48, 12), "on a loss that fell by just under half"),
    _history(_decay(2.5, 0.52, 9), "on a loss that fell by just over half"),
    _history([3.1] * 5, "on a loss that did not move"),
    _history([1.3, 1.1, 1.7, 3.9, 12.0, 80.0, 950.0, INF], "on a loss that blew up"),
]
NON_FINITE = [
    _history(_decay(2.0, 0.8, 6) + [NAN], "when the last loss is NaN"),
    _history(_decay(5.0, 0.7, 7) + [INF], "when the last loss is inf"),
    _history(_decay(3.0, 0.9, 9)[:4] + [NAN] + _decay(3.0, 0.9, 9)[4:], "when a NaN sits in the middle"),
    _history(_decay(0.6, 0.3, 8)[:3] + [INF] + _decay(0.6, 0.3, 8)[3:], "when an inf sits in the middle"),
]
RISES = [
    _history([0.2, 0.15, 0.12, 0.18, 0.24], "when a small loss ends more than 5 % above its first value"),
    _history([50.0, 30.0, 45.0, 53.5], "when a large loss ends more than 5 % above its first value"),
    _history([1.0, 0.6, 0.9, 1.3, 1.2], "when the loss ends more than 5 % above its first value, "
                                        "after a last step down"),
    _history([3.0, 2.2, 2.6, 5.7], "when the loss ends far above its first value"),
    _history([40.0, 30.0, 35.0, 41.2], "when the loss ends less than 5 % above its first value"),
    _history([2.0, 1.5, 1.8, 2.08], "when the loss ends less than 5 % above its first value"),
]
TAILS = [
    _history([8.0, 3.0, 1.5, 1.0, 1.08, 1.2, 1.35, 1.5, 1.7], "when each of the last 5 steps rose, "
                                                                 "by far more than 5 % in all"),
    _history([6.0, 5.0, 1.2, 1.26, 1.3, 1.35, 1.4, 1.45], "when exactly the last 5 steps rose, by more "
                                                          "than 5 % in all"),
    _history(_decay(9.0, 0.9, 23) + [0.99, 1.02, 1.06, 1.11, 1.17], "when each of the last 5 steps "
                                                                    "of a long run rose"),
    _history([9.0, 2.0, 2.1, 2.2, 2.35, 2.5, 2.7, 2.9], "when each of the last 6 steps rose"),
    _history(_decay(6.0, 0.8, 8) + [1.2 * (1 + 0.008 * i) for i in range(1, 6)],
             "when the last 5 steps rose by less than 5 % in all"),
    _history([9.0, 5.0, 3.0, 3.3, 3.7, 4.1, 4.6], "when only the last 4 steps rose"),
    _history([9.0, 5.0, 3.0, 3.3, 3.7, 4.1, 4.2], "when only the last 4 steps rose"),
    _history([9.0, 4.0, 2.0, 2.2, 2.2, 2.5, 2.8, 3.2], "when one of the last 5 steps was flat"),
    _history([9.0, 4.0, 2.0, 2.2, 2.2, 2.5, 2.8, 2.85], "when one of the last 5 steps was flat"),
    _history([v * (1.03 if i % 2 else 1.0) for i, v in enumerate(_decay(5.0, 0.8, 12))],
             "when the loss wiggles up and down on its way down"),
]
FIRST_ZERO = [_history([0.0, 0.0, 0.0], "when the first loss is 0"),
              _history([0.0, 0.3, 0.1, 0.0], "when the first loss is 0"),
              _history([0.0, 0.0], "when the first loss is 0")]
ARRAYS = [_history(_decay(1.5, 0.9, 6), "when the history is a numpy array", as_array=True),
          _history(_decay(8.0, 0.1, 6), "when the history is a numpy array", as_array=True),
          _history(_decay(2.0, 0.5, 5)[:3] + [NAN], "when the history is a numpy array", as_array=True)]

RULE_1 = "Rule 1 comes first: NaN/inf anywhere, a rise of more than 5 % above L0, or a runaway tail."

DIAGNOSE_LOSS_HISTORY = Part(4, "diagnose_loss_history", points=6, reference=_once(ref.diagnose_loss_history),
                             params=("history",), clauses=[
    Clause("C1", TYPE, "returns exactly one of 'diverging', 'too slow', 'healthy', for a list or a 1-D "
                       "numpy array alike", [MAIN_CURVES[0], *ARRAYS], check=_label_type),
    Clause("C2", LECTURE, "calls the notebook's curves A, B and C healthy, too slow and diverging", CURVES,
           check=_right_label(RULE_1)),
    Clause("C3", MAIN, "says 'diverging' for a loss that blows up; otherwise 'too slow' when the loss fell "
                       "by less than half of its first value, (L0 - L_last) / L0 < 0.5, else 'healthy'",
           MAIN_CURVES, check=_right_label("Rule 3: (L0 - L_last) / L0 < 0.5 is 'too slow', otherwise "
                                           "'healthy'.")),
    Clause("C4", RULE, "says 'diverging' when any entry, not only the last, is NaN or inf", NON_FINITE,
           check=_says_diverging("Check every entry with np.isfinite.")),
    Clause("C5", RULE, "says 'diverging' when the last loss is more than 5 % above the first, "
                       "L_last > 1.05 * L0, and not for a smaller rise", RISES,
           check=_says_diverging("Rule 1: L_last > 1.05 * L0.")),
    Clause("C6", RULE, "says 'diverging' when each of the last 5 steps rose, by more than 5 % in all "
                       "(h[-1] > 1.05 * h[-6]), and not for fewer, flat or smaller rises", TAILS,
           check=_says_diverging("Rule 1: the last 6 values strictly rising and h[-1] > 1.05 * h[-6].")),
    Clause("C7", RULE, "says 'healthy' for a history that starts at 0, without dividing by it", FIRST_ZERO,
           check=_right_label("Rule 2: a first loss of 0 is a perfect fit, 'healthy'.")),
])


# ---------------------------------------------------------------------------
# Part 5: minibatch_indices
# ---------------------------------------------------------------------------


def _minibatch_mistakes(n_samples, batch_size, seed):
    want = ref.minibatch_indices(n_samples, batch_size, seed)
    order = np.concatenate(want)
    k = len(want)

    def cut(o):
        return [o[s:s + batch_size] for s in range(0, n_samples, batch_size)]

    return [
        ("The indices are not shuffled: shuffle first with np.random.default_rng(seed)"
         ".permutation(n_samples).", cut(np.arange(n_samples))),
        ("The order is not the expected shuffle: np.random.seed and np.random.permutation use another "
         "generator; use exactly np.random.default_rng(seed).permutation(n_samples).",
         cut(np.random.RandomState(seed).permutation(n_samples))),
        ("The order is not the expected shuffle: rng.choice draws in another order; use exactly "
         "np.random.default_rng(seed).permutation(n_samples).",
         cut(np.random.default_rng(seed).choice(n_samples, n_samples, replace=False))),
        ("An empty batch comes at the end: there are exactly ceil(n_samples / batch_size) batches, "
         "none of them empty.", [*want, np.array([], dtype=np.int64)]),
        ("The last, smaller batch with the remaining indices is missing: never drop it.",
         want[:-1] if len(want[-1]) < batch_size else want),
        ("The remainder is spread over all batches (as np.array_split does): all batches hold "
         "batch_size indices except the last, which holds the rest.", np.array_split(order, k)),
        ("Each batch seems sorted: keep the shuffled order inside every batch.",
         [np.sort(b) for b in want]),
        ("The batches look dealt out like cards (order[i::k]): cut the shuffled order into "
         "consecutive pieces, order[start:start + batch_size].", [order[i::k] for i in range(k)]),
    ]


def _batches_type(answer: Answer) -> None:
    got = answer.value
    if not isinstance(got, list):
        raise Broken(f"its result should be a Python list of index arrays, not {_words(got)}"
                     + (" of shape " + str(got.shape) if isinstance(got, np.ndarray) else "")
                     + ": collect the batches in a list (the last one may be shorter).",
                     "batches not a list of arrays")
    for i, batch in enumerate(got):
        if not isinstance(batch, np.ndarray) or batch.ndim != 1:
            what = f"of {batch.ndim} dimensions" if isinstance(batch, np.ndarray) else _words(batch)
            raise Broken(f"batch {i + 1} should be a 1-D numpy array of indices, not {what}.",
                         "batches not a list of arrays")
        if batch.dtype.kind not in "iu":
            raise Broken(f"batch {i + 1} holds values of dtype {batch.dtype}: indices are integers "
                         "(slice the integer permutation, do not convert it).", "indices not integers")


def _sizes(value: object) -> list[int] | None:
    try:
        return [len(b) for b in value] if isinstance(value, (list, tuple)) else None
    except TypeError:
        return None


def _remainder_sizes(answer: Answer) -> None:
    """RULE: the batch sizes [B, ..., B, r], whatever order the student's shuffle gives."""
    n_samples, batch_size, _ = answer.case.args
    full, rest = divmod(n_samples, batch_size)
    sizes = _sizes(answer.value)
    if sizes == [batch_size] * full + [rest]:
        return
    if sizes is None:
        raise Broken("its result is not a list of batches, so the batch sizes cannot be checked (see "
                     "rule C1).", "batches not a list of arrays")
    if sizes == [batch_size] * full:
        raise Broken("the last, smaller batch with the remaining indices is missing: never drop it.",
                     "last batch dropped")
    if len(sizes) == full + 1 and max(sizes) - min(sizes) <= 1:
        raise Broken("the remainder is spread over all batches (as np.array_split does): all batches "
                     "hold batch_size indices except the last, which holds the rest.",
                     "remainder spread over the batches")
    if sizes == [batch_size] * (full - 1) + [batch_size + rest]:
        raise Broken("the remainder is added to the batch before it: it forms its own, last batch.",
                     "remainder merged into the last batch")
    raise Broken("the batch sizes are wrong: all batches hold batch_size indices except the last, which "
                 "holds the remaining n_samples % batch_size.", "batch sizes wrong")


def _one_batch_mistakes(n_samples, batch_size, seed):
    want = ref.minibatch_indices(n_samples, batch_size, seed)
    return [("It returns no batch: a batch_size of n_samples or more gives one batch holding every "
             "index.", []),
            ("The one batch is not shuffled: also a single batch holds the order "
             "np.random.default_rng(seed).permutation(n_samples).", [np.arange(n_samples)]),
            ("An empty batch comes after the one full batch: a batch_size of n_samples or more gives "
             "exactly one batch.", [*want, np.array([], dtype=np.int64)])]


def _all_in_one(n_samples: int, batch_size: int, seed: int, when: str) -> Case:
    """batch_size > n_samples; the twin asks for batches of exactly n_samples."""
    return Case((n_samples, batch_size, seed), when=when, twin=Case((n_samples, n_samples, seed)))


BATCHES_WORKED = Case((10, 4, 0), when="on the notebook's worked example, 10 examples in batches of 4")
BATCHES_EVEN = [Case((12, 4, 3), when="when batch_size divides n_samples"),
                Case((30, 6, 17), when="when batch_size divides n_samples"),
                Case((20, 1, 5), when="when batch_size is 1"),
                Case((9, 3, 41), when="when batch_size divides n_samples")]
BATCHES_REST = [Case((23, 5, 2), when="when batch_size does not divide n_samples"),
                Case((10, 4, 9), when="when batch_size does not divide n_samples"),
                Case((26, 7, 30), when="when batch_size does not divide n_samples")]
BATCHES_ONE = [_all_in_one(5, 10, 13, "when batch_size is larger than n_samples"),
               _all_in_one(13, 100, 4, "when batch_size is larger than n_samples")]

MINIBATCH_INDICES = Part(5, "minibatch_indices", points=4, reference=_once(ref.minibatch_indices), clauses=[
    Clause("C1", TYPE, "returns a list of 1-D integer numpy arrays",
           [BATCHES_WORKED, BATCHES_EVEN[0], BATCHES_REST[0]], check=_batches_type),
    Clause("C2", LECTURE, "gives the worked example: np.random.default_rng(0).permutation(10) cut into "
                          "4, 4 and 2 indices", [BATCHES_WORKED], mistakes=_minibatch_mistakes),
    Clause("C3", MAIN, "cuts np.random.default_rng(seed).permutation(n_samples) into consecutive "
                       "batches of batch_size: every index once, in the seed's order", BATCHES_EVEN,
           mistakes=_minibatch_mistakes,
           hint="order = np.random.default_rng(seed).permutation(n_samples), then "
                "order[start:start + batch_size] for start = 0, batch_size, 2 * batch_size, ..."),
    Clause("C4", RULE, "puts the remainder in one last, smaller batch when batch_size does not divide "
                       "n_samples (never dropped, never spread)", BATCHES_REST, check=_remainder_sizes),
    Clause("C5", RULE, "gives one batch holding every index when batch_size >= n_samples", BATCHES_ONE,
           check=like_its_twin("the same examples with batch_size = n_samples",
                               _one_batch_mistakes)),
])


# ---------------------------------------------------------------------------
# Part 6: updates_per_epoch
# ---------------------------------------------------------------------------


def _updates_mistakes(n_samples, batch_size):
    rounded = ("It looks like the count is rounded down or to the nearest whole number: a remainder "
               "always makes one more, smaller batch, so round UP (math.ceil).")
    return [
        (rounded, n_samples // batch_size),
        (rounded, round(n_samples / batch_size)),
        ("It adds one batch too many when batch_size divides n_samples: ceil(n_samples / batch_size), "
         "not n_samples // batch_size + 1.", n_samples // batch_size + 1),
        ("It looks like n_samples / batch_size without rounding: the count of batches is a whole "
         "number, ceil(n_samples / batch_size).", n_samples / batch_size),
    ]


def _no_samples_mistakes(n_samples, batch_size):
    return [("No samples make no batch, so 0 updates (ceil(0 / batch_size) = 0): do not count at "
             "least one.", value) for value in (1, 1.0)]


UPDATES_LECTURE = Case((10_000, 100), when="on the lecture's 10,000 samples in batches of 100")
UPDATES_CASES = [Case(args, when=when) for args, when in [
    ((23, 5), "when batch_size does not divide n_samples"), ((10, 4), "when batch_size does not divide "
                                                                      "n_samples"),
    ((400, 32), "when batch_size does not divide n_samples"),
    ((101, 10), "when a small remainder is left"), ((1001, 1000), "when a small remainder is left"),
    ((64, 8), "when batch_size divides n_samples"), ((5, 10), "when batch_size is larger than n_samples"),
    ((1, 1), "for one sample in batches of 1")]]
UPDATES_ZERO = [Case((0, 5), when="when there are no samples"), Case((0, 1), when="when there are no "
                                                                                   "samples")]

UPDATES_PER_EPOCH = Part(6, "updates_per_epoch", points=2, reference=_once(ref.updates_per_epoch), clauses=[
    Clause("C1", TYPE, "returns an int", [UPDATES_LECTURE, UPDATES_CASES[0]]),
    Clause("C2", LECTURE, "gives 100 for the lecture's 10,000 samples in batches of 100", [UPDATES_LECTURE],
           mistakes=_updates_mistakes),
    Clause("C3", MAIN, "is ceil(n_samples / batch_size): the remainder makes one more, smaller batch",
           UPDATES_CASES, mistakes=_updates_mistakes,
           hint="math.ceil(n_samples / batch_size), or (n_samples + batch_size - 1) // batch_size"),
    Clause("C4", RULE, "is 0 when there are no samples", UPDATES_ZERO, mistakes=_no_samples_mistakes),
])


# ---------------------------------------------------------------------------
# Part 7: train_linear
# ---------------------------------------------------------------------------

RUN_KEYS = ("w", "b", "loss_history", "n_updates")


def _training(X, y, batch_size, lr, epochs, seed, *, reseed=True, shuffle=True, twice=False,
              per_batch_size=False, record="full", start=True, count="made", update_b=True, stop=True):
    """The training loop of the rules with one of the usual slips (the defaults give the right run)."""
    m, n = X.shape
    w, b = np.zeros(n), 0.0
    history = [ref.linear_mse(X, y, w, b)]
    n_updates = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            if shuffle:
                batches = ref.minibatch_indices(m, batch_size, seed + epoch if reseed else seed)
            else:
                batches = [np.arange(m)[s:s + batch_size] for s in range(0, m, batch_size)]
            perm = np.random.default_rng(seed + epoch).permutation(m)
            losses = []
            for idx in batches:
                idx = perm[idx] if twice else idx
                losses.append(ref.linear_mse(X[idx], y[idx], w, b))
                dw, db = ref.linear_mse_grad(X[idx], y[idx], w, b)
                if per_batch_size:
                    dw, db = dw * len(idx) / batch_size, db * len(idx) / batch_size
                w = w - lr * dw
                b = b - lr * db if update_b else b
                n_updates += 1
            history.append({"full": ref.linear_mse(X, y, w, b), "last batch": losses[-1],
                            "batch mean": float(np.mean(losses))}[record])
            if stop and not math.isfinite(history[-1]):
                break
    if count == "epochs":
        n_updates = epochs
    elif count == "planned":
        n_updates = epochs * ref.updates_per_epoch(m, batch_size)
    return {"w": w, "b": float(b), "loss_history": history if start else history[1:],
            "n_updates": n_updates}


def _training_mistakes(X, y, batch_size, lr, epochs, seed):
    args = (X, y, batch_size, lr, epochs, seed)
    return [
        ("The batches look the same in every epoch: epoch e uses minibatch_indices(m, batch_size, "
         "seed + e).", _training(*args, reseed=False)),
        ("The examples look unshuffled: epoch e uses the batches minibatch_indices(m, batch_size, "
         "seed + e).", _training(*args, shuffle=False)),
        ("The rows seem to be shuffled twice: the batches already hold shuffled row numbers, so index "
         "the ORIGINAL X and y with them (X[idx], y[idx]).", _training(*args, twice=True)),
        ("The last, smaller batch seems to be averaged over batch_size rows: average over the rows it "
         "really holds (len(idx)).", _training(*args, per_batch_size=True)),
        ("The loss goes up: step against the gradient, w = w - lr * dw and b = b - lr * db (sign "
         "error).", _training(X, y, batch_size, -lr, epochs, seed)),
        ("The loss_history entries look like the loss of the last batch of each epoch: record the MSE "
         "on the FULL data after every epoch.", _training(*args, record="last batch")),
        ("The loss_history entries look like the mean of each epoch's batch losses: record the MSE on "
         "the FULL data after every epoch, with the weights at its end.",
         _training(*args, record="batch mean")),
        ("loss_history misses the starting loss: record the full-data MSE at w = 0, b = 0 before "
         "training, then after every epoch (epochs + 1 entries).", _training(*args, start=False)),
        ("It looks like epochs were counted, not updates: add 1 to n_updates for every batch.",
         _training(*args, count="epochs")),
        ("The bias b is never updated: b = b - lr * db after every batch too.",
         _training(*args, update_b=False)),
    ]


def _run_type(answer: Answer) -> None:
    got, want = answer.value, answer.want
    problem = _dict_keys_problem(got, RUN_KEYS)
    if not problem:
        problem = type_problem({k: got[k] for k in RUN_KEYS},
                               {**want, "loss_history": _list_of_floats_like(got["loss_history"],
                                                                             want["loss_history"])})
    if problem:
        raise Broken(f"its result {problem}.", "wrong return type or shape")


def _read_run(value: object) -> dict:
    if _dict_keys_problem(value, RUN_KEYS) or _floats(value["loss_history"]) is None:
        raise Broken("its result is not a dict with w, b, loss_history and n_updates, so this rule "
                     "cannot be checked (see rule C1).", "wrong return type or shape")
    return {**value, "loss_history": _floats(value["loss_history"])}


def _stops_after_the_non_finite_epoch(answer: Answer) -> None:
    """RULE: judged on the student's own run: no epoch after a NaN/inf loss, that loss recorded as the
    last entry, w and b the ones that gave it, and n_updates the updates actually made (the same as
    the same run told to train for exactly as many epochs)."""
    if agrees(answer.value, answer.want):
        return
    run = _read_run(answer.value)
    history = run["loss_history"]
    finite = [math.isfinite(v) for v in history]
    if not all(finite[:-1]):
        raise Broken("it kept training after the full-data loss became NaN or inf: stop after the "
                     "epoch whose loss is not finite.", "kept training after a non-finite loss")
    X, y, epochs = answer.case.args[0], answer.case.args[1], answer.case.args[4]
    if history and finite[-1]:
        if len(history) < epochs:
            raise Broken("it stopped early although no loss in its history is NaN or inf: append the "
                         "non-finite loss, then stop.", "non-finite loss not recorded")
        return
    with np.errstate(all="ignore"):
        try:
            last = float(np.mean((X @ np.asarray(run["w"], dtype=float) + float(run["b"]) - y) ** 2))
        except (TypeError, ValueError):
            last = NAN
    if math.isfinite(last):
        raise Broken("the returned w and b are not the ones that gave the last, non-finite loss: "
                     "return the weights after the last epoch.", "returns the weights before the last epoch")
    try:
        again = _read_run(answer.ask(_EXACT_EPOCHS[id(answer.case)]))
    except (StudentError, Broken):
        return
    if not math.isfinite(again["loss_history"][-1] if again["loss_history"] else 0.0) and \
            run["n_updates"] != again["n_updates"]:
        raise Broken("n_updates should count the updates actually made: after a stop, fewer than "
                     "epochs * updates_per_epoch(m, batch_size).", "n_updates counts updates not made")


def _trains_nothing(answer: Answer) -> None:
    """RULE epochs = 0: the starting weights, what the student's own loop records before training
    (its answer for one epoch with lr = 0, without that epoch) and no update."""
    if agrees(answer.value, answer.want):
        return
    run = _read_run(answer.value)
    try:
        once = _read_run(answer.ask(answer.case.twin))
    except (StudentError, Broken):
        once = {**answer.want, "loss_history": [*answer.want["loss_history"], 0.0]}
    if not agrees((run["w"], run["b"]), (np.asarray(once["w"], dtype=float), float(once["b"]))):
        raise Broken("it changed w or b although epochs is 0: with no epoch to run, return the starting "
                     "weights np.zeros(n) and 0.0.", "trains although epochs is 0")
    if not agrees(run["loss_history"], once["loss_history"][:-1]):
        raise Broken("with epochs = 0 the history should hold just the starting full-data MSE.",
                     "history wrong for epochs = 0")
    if run["n_updates"] != 0:
        raise Broken("with epochs = 0 no update is made: n_updates is 0.", "n_updates wrong for epochs = 0")


def _train_case(m: int, n: int, batch_size: int, lr: float, epochs: int, seed: int, when: str,
                scale: float = 1.0, twin_epochs: int | None = None) -> Case:
    X, y = _regression(m, n, scale)
    twin = None
    if twin_epochs is not None:
        twin = Case((X, y, batch_size, lr, twin_epochs, seed))
    return Case((X, y, batch_size, lr, epochs, seed), when=when, twin=twin)


def _blow_up_run(m: int, n: int, batch_size: int, lr: float, seed: int, when: str) -> Case:
    """A run whose full-data loss overflows to inf; the twin trains for exactly the epochs it runs.

    lr is raised until some residual itself overflows when squared in the last epoch, so that every
    way of writing the MSE (mean of squares, sum of squares / m, ...) turns inf in the same epoch."""
    X, y = _regression(m, n, 3.0)
    while True:
        with np.errstate(over="ignore", invalid="ignore"):
            run = ref.train_linear(X, y, batch_size, lr, 30, seed)
            residual = X @ run["w"] + run["b"] - y
        if np.max(np.abs(residual)) > 1e156 and len(run["loss_history"]) < 30:
            break
        lr *= 1.25
    case = Case((X, y, batch_size, lr, 30, seed), when=when)
    _EXACT_EPOCHS[id(case)] = Case((X, y, batch_size, lr, len(run["loss_history"]) - 1, seed), when=when)
    return case


_EXACT_EPOCHS: dict[int, Case] = {}
"""Per blow-up case, the same run told to train for exactly the epochs it runs: asked only when the
answer is wrong (not with the part's other cases), and kept here so that its id stays its own."""


def _no_epochs(when: str) -> Case:
    X, y = _regression(9, 2)
    return Case((X, y, 4, 0.1, 0, 5), when=when, twin=Case((X, y, 4, 0.0, 1, 5)))


TRAIN_WORKED = Case((X_DAYS, Y_DAYS, 400, 0.05, 1, 0),
                    when="on the notebook's worked example, one full-batch epoch on the 400 days")
TRAIN_RUNS = [_train_case(23, 3, 5, 0.05, 3, 7, "with mini-batches and a remainder"),
              _train_case(24, 2, 6, 0.05, 3, 19, "with mini-batches that divide the data"),
              _train_case(16, 2, 16, 0.1, 4, 11, "with the full batch"),
              _train_case(12, 3, 1, 0.02, 2, 3, "with batches of one example (SGD)"),
              _train_case(10, 2, 32, 0.1, 3, 23, "with a batch_size larger than the data")]
TRAIN_BLOW_UPS = [_blow_up_run(18, 2, 4, 60.0, 4, "when a far too large lr makes the loss overflow"),
                  _blow_up_run(10, 2, 1, 8.0, 8, "when a far too large lr makes the loss of SGD overflow")]
TRAIN_NO_EPOCHS = [_no_epochs("when epochs is 0")]

TRAIN_LINEAR = Part(7, "train_linear", points=6, reference=_once(ref.train_linear),
                    helpers={"linear_mse_grad": ref.linear_mse_grad,
                             "minibatch_indices": ref.minibatch_indices,
                             "updates_per_epoch": ref.updates_per_epoch},
                    params=("X", "y", "batch_size", "lr", "epochs", "seed"), clauses=[
    Clause("C1", TYPE, "returns a dict: 'w' an (n,) numpy array, 'b' a float, 'loss_history' a list of "
                       "floats, 'n_updates' an int", [TRAIN_WORKED, TRAIN_RUNS[0]], check=_run_type),
    Clause("C2", LECTURE, "gives the worked example: one full-batch epoch from zero is one gradient step",
           [TRAIN_WORKED], mistakes=_training_mistakes),
    Clause("C3", MAIN, "trains from w = 0, b = 0 on the batches minibatch_indices(m, batch_size, seed + e) "
                       "of epoch e, one update w = w - lr * dw, b = b - lr * db per batch, and records the "
                       "full-data MSE before training and after every epoch", TRAIN_RUNS,
           mistakes=_training_mistakes,
           hint="for each epoch e: for idx in minibatch_indices(m, batch_size, seed + e): dw, db = "
                "linear_mse_grad(X[idx], y[idx], w, b); w = w - lr * dw; b = b - lr * db; n_updates += 1; "
                "then append the MSE on all of X and y"),
    Clause("C4", RULE, "stops after the epoch whose full-data loss is NaN or inf: the history ends with "
                       "it and n_updates counts the updates actually made", TRAIN_BLOW_UPS,
           check=_stops_after_the_non_finite_epoch),
    Clause("C5", RULE, "trains nothing when epochs is 0: w = 0, b = 0, the starting loss alone and "
                       "n_updates = 0", TRAIN_NO_EPOCHS, check=_trains_nothing),
    Clause("C6", UNCHANGED, "leaves X and y unchanged", [TRAIN_RUNS[0], TRAIN_BLOW_UPS[0]]),
])


PARTS = [LINEAR_MSE_GRAD, NUMERICAL_GRADIENT, GRADIENT_DESCENT, DIAGNOSE_LOSS_HISTORY, MINIBATCH_INDICES,
         UPDATES_PER_EPOCH, TRAIN_LINEAR]
globals().update(pytest_tests(PARTS))
