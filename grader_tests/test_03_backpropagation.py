"""Hidden checks of assignment 03_backpropagation: each part's contract, clause by clause.

Every part below is the numbered contract of one function of
source/03_backpropagation/backpropagation.ipynb (the same clauses its docstring
states), with the fixed cases that test each clause and the known mistakes its
messages name. The expected values all come from nnfin.reference; the only
literal numbers are the lecture's (the 2-2-1 network, the 4-10-5-1 network, the
bound table). nnfin/grading/checks/contract.py runs them and splits each part's
points over its clauses by the course's one rubric.

Two rules of this assignment need checks of their own: the entries of
train_step_221 are each judged from the student's own earlier entries (so that a
mistake costs the clause where it happens, not everything after it), and a
backward pass for one layer is judged against the same layer at the end of a
deeper network (so that only a depth mistake costs that rule).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import Any

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
    Check,
    Clause,
    Part,
    Uncomparable,
    agrees,
    as_like,
    pytest_tests,
    same_values,
    type_problem,
)
from nnfin.grading.checks.expect import mistake_label
from nnfin.grading.engine.session import StudentError
from nnfin.reference import activations as act
from nnfin.reference import backprop as bp
from nnfin.reference import chain_rule as cr
from nnfin.reference import vanishing as van
from nnfin.reference import worked_example as we

ASSIGNMENT = "03_backpropagation"

# Fixed hidden inputs: drawn once from a constant seed, so every student meets the same cases.
_RNG = np.random.default_rng(20261203)

Mistakes = Callable[..., Iterable[tuple[str, Any]]]

# ------------------------------------------------------------------ messages

SIGMA_OF_MINUS_Z = ("It looks like sigma(-z) was computed: check the sign inside exp(-z), and that "
                    "the two np.where branches are not swapped (1 / (1 + e) belongs where z >= 0).")
FACTOR_2 = ("It looks like there is an extra factor 2: with L = 1/2 (y - y_hat)^2 the 1/2 cancels "
            "the 2 of the derivative, so delta = (y_hat - y) * y_hat * (1 - y_hat).")
SIGN_DELTA = ("It looks like the sign is flipped: the error signal is prediction minus target, "
              "(y_hat - y), not (y - y_hat).")
NO_OUT_PRIME = ("It looks like the sigmoid derivative y_hat * (1 - y_hat) is missing: "
                "delta = (y_hat - y) * sigma'(z) with sigma'(z) = y_hat * (1 - y_hat).")
DELTA_OVER_M = ("It looks like delta was divided by m: the error signal is per example; the 1/m "
                "of the batch mean belongs in the gradients dW and db only.")
PRIME_AT_Y_HAT = ("It looks like sigma' was evaluated at y_hat, which is already sigma(z): "
                  "sigmoid_prime(y_hat) is sigma'(sigma(z)). Use y_hat * (1 - y_hat) directly.")
NO_HIDDEN_PRIME = ("It looks like the factor sigma'(z) is missing: multiply W_next.T @ delta_next "
                   "elementwise by the local slope sigma'(z) = sigma(z) * (1 - sigma(z)).")
Z_NOT_SIGMA = ("It looks like z * (1 - z) was used as the slope: sigma'(z) needs the activation "
               "s = sigmoid(z), i.e. s * (1 - s).")
S_TIMES_ONE_MINUS_Z = ("It looks like s * (1 - z) was used: both factors need the activation "
                       "s = sigmoid(z), i.e. s * (1 - s).")
SIGMA_NOT_PRIME = ("It looks like sigma(z) was used where its derivative sigma'(z) = "
                   "sigma(z) * (1 - sigma(z)) belongs.")
PRIME_AT_SIGMA = ("It looks like sigma' was evaluated at sigma(z), the activation: the slope "
                  "belongs to the pre-activation z itself, sigma'(z) = s * (1 - s) with s = sigmoid(z) "
                  "(computed once, not twice).")
TRANSPOSED_W = ("It looks like W_next was used where its transpose W_next.T belongs: the blame "
                "travels backward, so use W.T @ delta (a transposed weight matrix mistake).")
MISSING_1_OVER_M = ("It looks like the 1/m is missing: the loss is a mean over the batch, so divide "
                    "delta @ a_prev.T by the number of examples m (a sum instead of a mean).")
DB_SUM = ("It looks like db is a sum instead of a mean over the batch: use "
          "np.mean(delta, axis=1, keepdims=True).")
UPDATE_SIGN = ("It looks like a sign error in the update: gradient descent goes downhill, "
               "W_new = W - eta * dW (minus, not plus).")
UPDATE_NO_ETA = "It looks like the learning rate is missing in the update: W_new = W - eta * dW."
LOSS_NO_HALF = ("It looks like the 1/2 is missing: this assignment's loss is L = 1/(2m) * sum "
                "(y - y_hat)^2, half the MSE.")
LOSS_SUM = "It looks like the loss is summed over the batch instead of averaged: divide by m."
GLOBAL_WEIGHTS = ("It looks like the lecture's weights were used instead of the arguments: use the "
                  "parameters W1, b1, W2, b2 passed to the function, never global variables.")
W2_UPDATED_FIRST = ("It looks like W2 was updated before delta1 was computed: the hidden delta "
                    "uses the weights of the forward pass, W2 before the update.")
FIXED_DEPTH = ("It looks like backward handles a fixed number of layers: the gradients of the "
               "last layers are right, those of the earlier ones are not. Loop over all of them, "
               "l = L-1, ..., 0, passing delta back one layer at a time, so that it works for any depth.")
REVERSED = ("The lists look reversed: index 0 must belong to the FIRST layer (weights[0]), the "
            "last entry to the output layer (insert at the front, or reverse the lists at the end).")

WRONG_AXIS = ("It looks like the mean was taken over the wrong axis: db averages over the examples "
              "(the columns), np.mean(delta, axis=1, keepdims=True), one entry per unit.")

NUMPY_WARNED = ("numpy warned ({warning}) while computing it: a warning counts as a mistake here. "
                "Build it from e = np.exp(-np.abs(z)), which lies in (0, 1] and cannot overflow")


UNROUNDED = "compute every number from the arguments, with no rounded values from the slides"


def _copy(a: np.ndarray) -> np.ndarray:
    return np.array(a, dtype=float, copy=True)


def _item_of(value: object, index: int, length: int) -> object:
    """Item ``index`` of a tuple or list answer of ``length`` items; `Uncomparable` otherwise."""
    if isinstance(value, (tuple, list)) and len(value) == length:
        return value[index]
    raise Uncomparable


def off_by(got: object, want: object) -> str:
    """How ``got`` misses ``want``, as a verb phrase about "it" (never the hidden values)."""
    try:
        g = np.asarray(as_like(got, want), dtype=float)
    except (Uncomparable, TypeError, ValueError):
        return f"{type_problem(got, want) or 'is not readable as numbers'}, so it cannot be compared"
    w = np.asarray(want, dtype=float)
    if not np.all(np.isfinite(g)):
        return "contains NaN or infinity where a finite number belongs"
    scale = max(1e-8, float(np.max(np.abs(g) + np.abs(w)))) if g.size else 1.0
    return f"is off (relative error {float(np.max(np.abs(g - w), initial=0.0)) / scale:.1e})"


def items(index: int, name: str, mistakes: Mistakes | None = None, hint: str = "",
          structure: Callable[[Answer], str | None] | None = None) -> Check:
    """A MAIN value check of item ``index`` of a tuple answer (dW of (dW, db)) against the same
    item of the reference; ``mistakes`` give whole wrong answers, of which the item counts.
    ``structure`` may name a mistake from the answer's layers when no known value explains it."""

    def item_mistakes(*args, **kwargs):
        return [(message, wrong[index]) for message, wrong in mistakes(*args, **kwargs)] if mistakes else []

    inner = same_values(item_mistakes, hint)

    def check(answer: Answer) -> None:
        try:
            value = _item_of(answer.value, index, len(answer.want))
        except Uncomparable:
            problem = type_problem(answer.value, answer.want) or "is not readable"
            raise Broken(f"its result {problem}, so its {name} cannot be compared.",
                         "wrong return type or shape") from None
        want = answer.want[index]
        try:
            inner(dataclasses.replace(answer, value=value, want=want))
        except Broken as broken:
            if broken.named:
                raise
            named = structure(answer) if structure else None
            if named:
                raise Broken(named, mistake_label(named), [named]) from None
            raise Broken(f"its {_first_miss(name, value, want)}." + (f" Check: {hint}." if hint else ""),
                         broken.mistake) from None

    return check


def _first_miss(name: str, value: object, want: object) -> str:
    """"dWs[0] is off (...)": the first array of a list that misses, or the whole value."""
    if isinstance(want, list) and isinstance(value, (list, tuple)) and len(value) == len(want):
        for i, (got, wanted) in enumerate(zip(value, want, strict=True)):
            if not agrees(got, wanted):
                return f"{name}[{i}] {off_by(got, wanted)}"
    return f"{name} {off_by(value, want)}"


def every_item(*checks: Check) -> Check:
    """Each check in turn (dW, then db): the first item that is wrong breaks the clause."""

    def check(answer: Answer) -> None:
        for one in checks:
            one(answer)

    return check


def named_items_type(names: tuple[str, ...]) -> Check:
    """TYPE of a tuple answer whose items have names (dW, db), or are lists of arrays named by
    index (dWs[0], ...), so that a message says which array has the wrong type or shape."""

    def check(answer: Answer) -> None:
        value, want = answer.value, answer.want
        if not isinstance(value, tuple) or len(value) != len(want):
            raise Broken(f"its result {type_problem(value, want) or 'is not a tuple'}.",
                         "wrong return type or shape")
        for name, got, wanted in zip(names, value, want, strict=True):
            if isinstance(wanted, list) and isinstance(got, list) and len(got) == len(wanted):
                labelled = [(f"{name}[{i}]", g, w) for i, (g, w) in enumerate(zip(got, wanted, strict=True))]
            else:
                labelled = [(name, got, wanted)]
            for label, g, w in labelled:
                problem = type_problem(g, w)
                if problem:
                    raise Broken(f"its {label} {problem}.", "wrong return type or shape")

    return check


def quiet_for_large_z(nan_words: str) -> Check:
    """RULE for large |z|: the answer is finite and made numpy warn about nothing (its values are the
    main clause's business, so that a wrong formula costs that clause alone)."""

    def check(answer: Answer) -> None:
        try:
            got = np.asarray(as_like(answer.value, answer.want), dtype=float)
        except (Uncomparable, TypeError, ValueError):
            problem = type_problem(answer.value, answer.want) or "is not readable as numbers"
            raise Broken(f"its result {problem}, so it cannot be checked for large |z|.",
                         "wrong return type or shape") from None
        if not np.all(np.isfinite(got)):
            raise Broken(nan_words, "nan or infinity for large |z|")
        warned = [w for w in answer.warnings if "encountered" in w]
        if warned:
            raise Broken(NUMPY_WARNED.format(warning=repr(warned[0][:60])) + ".",
                         "numpy warned about an overflow")

    return check


# ---------------------------------------------------------------------------
# Part 1: sigmoid
# ---------------------------------------------------------------------------


def _sigmoid_mistakes(z):
    z = np.asarray(z, dtype=float)
    return [
        (SIGMA_OF_MINUS_Z, act.sigmoid(-z)),
        ("It looks like the derivative sigma(z) * (1 - sigma(z)) was returned instead of sigma(z) "
         "itself.", act.sigmoid_prime(z)),
        ("It looks like 1 / (1 + exp(-|z|)) is used for every z: that is sigma(z) only for z >= 0; "
         "for z < 0 it is exp(-|z|) / (1 + exp(-|z|)). Choose between the two with "
         "np.where(z >= 0, ...).", act.sigmoid(np.abs(z))),
        ("It looks like exp(-|z|) / (1 + exp(-|z|)) is used for every z: that is sigma(z) only for "
         "z < 0; for z >= 0 it is 1 / (1 + exp(-|z|)). Choose between the two with "
         "np.where(z >= 0, ...).", act.sigmoid(-np.abs(z))),
        ("It looks like exp(-|z|) itself was returned: it is only the building block of "
         "1 / (1 + e) and e / (1 + e).", np.exp(-np.abs(z))),
        ("It looks like tanh(z): the sigmoid is 1 / (1 + exp(-z)), which equals "
         "(1 + tanh(z / 2)) / 2.", np.tanh(z)),
    ]


def _pre_activations(shape: tuple[int, ...], scale: float = 2.5) -> np.ndarray:
    """Pre-activations of both signs, none of them large (|z| < 12)."""
    return np.clip(_RNG.normal(0.0, scale, shape), -11.5, 11.5)


LARGE_Z = np.array([[-1000.0, -745.0, -60.0, 0.0, 2.0], [60.0, 710.0, 1000.0, -400.0, -2.0]])
SIG_BATCH = Case((_pre_activations((4, 6), 3.0),), when="on a batch of pre-activations (n_l, m)")
SIG_VECTOR = Case((_pre_activations((7,)),), when="on a 1-D array")
SIG_ROW = Case((_pre_activations((1, 5), 1.5),), when="on one row of pre-activations")
SIG_LARGE = Case((LARGE_Z.copy(),), when="for large |z| (up to 1000)")

SIGMOID = Part(1, "sigmoid", points=3, reference=act.sigmoid, clauses=[
    Clause("C1", TYPE, "returns a new float numpy array of the shape of z",
           [SIG_BATCH, SIG_VECTOR, SIG_LARGE]),
    Clause("C2", MAIN, "is 1 / (1 + exp(-z)) elementwise, for arrays of any shape",
           [SIG_BATCH, SIG_VECTOR, SIG_ROW], mistakes=_sigmoid_mistakes,
           hint="1 / (1 + exp(-z)) for every entry; with e = np.exp(-np.abs(z)): 1 / (1 + e) where "
                "z >= 0 and e / (1 + e) where z < 0"),
    Clause("C3", RULE, "does not overflow: for |z| up to 1000 it gives finite numbers (0 and 1 at the "
                       "extremes) without NaN, inf or a numpy warning", [SIG_LARGE],
           check=quiet_for_large_z(
               "it gives NaN or infinity for large |z|: an exp overflowed (exp(1000) is inf, and "
               "inf / inf is NaN). Build it from e = np.exp(-np.abs(z)), which lies in (0, 1]: "
               "1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0.")),
    Clause("C4", UNCHANGED, "leaves z unchanged", [SIG_BATCH, SIG_LARGE]),
])


# ---------------------------------------------------------------------------
# Part 2: sigmoid_prime
# ---------------------------------------------------------------------------


def _sigmoid_prime_mistakes(z):
    z = np.asarray(z, dtype=float)
    s = act.sigmoid(z)
    return [
        ("It looks like sigma(z) itself was returned: the derivative is sigma(z) * (1 - sigma(z)).", s),
        (Z_NOT_SIGMA, z * (1.0 - z)),
        (S_TIMES_ONE_MINUS_Z, s * (1.0 - z)),
        ("It looks like 1 - sigma(z)^2 was used (that resembles tanh's derivative): the sigmoid's "
         "is sigma(z) * (1 - sigma(z)).", 1.0 - s**2),
        ("It looks like tanh's derivative 1 - tanh(z)^2: the sigmoid's is sigma(z) * (1 - sigma(z)).",
         1.0 - np.tanh(z) ** 2),
        ("It looks like sigma(z) * (1 + sigma(z)) was used: it is sigma(z) * (1 - sigma(z)).", s * (1.0 + s)),
        ("It looks like 1 - sigma(z) was returned: multiply it by sigma(z), sigma'(z) = "
         "sigma(z) * (1 - sigma(z)).", 1.0 - s),
        (PRIME_AT_SIGMA, act.sigmoid_prime(s)),
    ]


PRIME_BATCH = Case((_pre_activations((3, 7)),), when="on a batch of pre-activations (n_l, m)")
PRIME_VECTOR = Case((_pre_activations((6,), 1.5),), when="on a 1-D array")
PRIME_ZERO = Case((np.zeros((2, 3)),), when="at z = 0")
PRIME_LARGE = Case((LARGE_Z.copy(),), when="for large |z| (up to 1000)")

SIGMOID_PRIME = Part(2, "sigmoid_prime", points=3, reference=act.sigmoid_prime,
                     helpers={"sigmoid": act.sigmoid}, clauses=[
    Clause("C1", TYPE, "returns a new float numpy array of the shape of z",
           [PRIME_BATCH, PRIME_VECTOR, PRIME_LARGE]),
    Clause("C2", LECTURE, "gives the lecture's largest slope, sigma'(0) = 0.25", [PRIME_ZERO],
           mistakes=_sigmoid_prime_mistakes, hint="at z = 0, s = sigmoid(0) = 0.5 and s * (1 - s) = 0.25"),
    Clause("C3", MAIN, "is sigma(z) * (1 - sigma(z)) elementwise, taking the pre-activation z",
           [PRIME_BATCH, PRIME_VECTOR], mistakes=_sigmoid_prime_mistakes,
           hint="s = sigmoid(z) once, then s * (1 - s)"),
    Clause("C4", RULE, "does not overflow: for |z| up to 1000 it gives finite numbers (about 0 there) "
                       "without NaN, inf or a numpy warning", [PRIME_LARGE],
           check=quiet_for_large_z(
               "it gives NaN or infinity for large |z|: an exp overflowed. Compute it from a stable "
               "sigmoid (built on np.exp(-np.abs(z))), then s * (1 - s).")),
    Clause("C5", UNCHANGED, "leaves z unchanged", [PRIME_BATCH, PRIME_LARGE]),
])


# ---------------------------------------------------------------------------
# Part 3: composite_derivative
# ---------------------------------------------------------------------------


def _chain_mistakes(x):
    x = np.asarray(x, dtype=float)
    u = 3.0 * x + 1.0
    return [
        ("It looks like the inner slope g'(x) = 3 is missing: multiply f'(g(x)) = 2(3x + 1) by "
         "g'(x) = 3.", 2.0 * u),
        ("It looks like f' was evaluated at x instead of at the inner value g(x) = 3x + 1.", 6.0 * x),
        ("It looks like f(g(x)) itself was returned, not its derivative.", u**2),
        ("It looks like the two slopes were added: the chain rule multiplies them.", 2.0 * u + 3.0),
        ("It looks like brackets are missing: 6(3x + 1) = 18x + 6, not 18x + 1.", 18.0 * x + 1.0),
        ("It looks like g(x) = 3x was used: the inner function is g(x) = 3x + 1.", 18.0 * x),
        ("It looks like f'(u) = u was used: the derivative of u^2 is 2u, so f'(g(x)) = 2(3x + 1).", 3.0 * u),
    ]


CD_FLOAT = Case((-1.7,), when="for a float")
CD_OTHER_FLOAT = Case((0.35,), when="for a float")
CD_INT = Case((4,), when="for an int")
CD_ZERO_D = Case((np.array(0.6),), when="for a 0-d numpy array")
CD_ARRAY = Case((_RNG.uniform(-3.0, 3.0, (3, 4)),), when="for a 2-D array")
CD_VECTOR = Case((_RNG.uniform(-2.0, 2.0, 5),), when="for a 1-D array")

COMPOSITE_DERIVATIVE = Part(3, "composite_derivative", points=2, reference=cr.composite_derivative, clauses=[
    Clause("C1", TYPE, "returns a float for a number (a float, an int or a 0-d array) and an array of the "
                       "shape of x for an array", [CD_FLOAT, CD_INT, CD_ZERO_D, CD_ARRAY, CD_VECTOR]),
    Clause("C2", MAIN, "is f'(g(x)) * g'(x) = 2(3x + 1) * 3, for numbers and elementwise for arrays",
           [CD_FLOAT, CD_OTHER_FLOAT, CD_ARRAY, CD_VECTOR], mistakes=_chain_mistakes,
           hint="the outer slope f'(u) = 2u at u = g(x) = 3x + 1, times the inner slope g'(x) = 3"),
    Clause("C3", UNCHANGED, "leaves x unchanged", [CD_ARRAY, CD_VECTOR]),
])


# ---------------------------------------------------------------------------
# Part 4: output_delta
# ---------------------------------------------------------------------------

LECTURE_STEP = we.worked_example_step()


def _output_delta_mistakes(y_hat, y):
    want = bp.sigmoid_output_delta(y_hat, y)
    m = np.shape(y_hat)[1]
    again = act.sigmoid_prime(y_hat)
    return [
        (FACTOR_2, 2.0 * want),
        (SIGN_DELTA, -want),
        (NO_OUT_PRIME, y_hat - y),
        ("It looks like y - y_hat alone: the error signal is (y_hat - y) times the slope "
         "sigma'(z) = y_hat * (1 - y_hat).", y - y_hat),
        (DELTA_OVER_M, want / m),
        (PRIME_AT_Y_HAT, (y_hat - y) * again),
        ("It looks like the slope was taken at the target: sigma'(z(L)) = y_hat * (1 - y_hat), "
         "not y * (1 - y).", (y_hat - y) * y * (1.0 - y)),
        ("It looks like the loss 1/2 (y - y_hat)^2 was returned: the error signal is its "
         "derivative with respect to z, (y_hat - y) * y_hat * (1 - y_hat).", 0.5 * (y - y_hat) ** 2),
        ("It looks like the factor y_hat of the slope is missing: sigma'(z) = y_hat * (1 - y_hat).",
         (y_hat - y) * (1.0 - y_hat)),
        ("It looks like the factor (1 - y_hat) of the slope is missing: sigma'(z) = y_hat * (1 - y_hat).",
         (y_hat - y) * y_hat),
    ]


def _outputs(n_out: int, m: int, labels: bool = False) -> Case:
    y_hat = act.sigmoid(_RNG.normal(0.0, 1.5, (n_out, m)))
    y = (_RNG.uniform(size=(n_out, m)) < 0.5).astype(float) if labels else _RNG.uniform(0.0, 1.0, (n_out, m))
    return y_hat, y


OD_LECTURE = Case((_copy(LECTURE_STEP["y_hat"]), _copy(we.Y)),
                  when="on the lecture's 2-2-1 output (y_hat = 0.62, y = 1)")
OD_BATCH = Case(_outputs(1, 7), when="on a batch of 7 examples with one output")
OD_LABELS = Case(_outputs(1, 6, labels=True), when="on a batch of 6 examples with targets 0 and 1")
OD_OUTPUTS = Case(_outputs(3, 5), when="on a batch of 5 examples with 3 outputs")

OUTPUT_DELTA = Part(4, "output_delta", points=4, reference=bp.sigmoid_output_delta, clauses=[
    Clause("C1", TYPE, "returns a new float numpy array of the shape of y_hat, (n_L, m)",
           [OD_LECTURE, OD_BATCH, OD_OUTPUTS]),
    Clause("C2", LECTURE, "gives the lecture's delta(2) = -0.089 for y_hat = 0.62 and y = 1",
           [OD_LECTURE], mistakes=_output_delta_mistakes,
           hint="(y_hat - y) * y_hat * (1 - y_hat) from the y_hat it is given (0.6211, unrounded)"),
    Clause("C3", MAIN, "is (y_hat - y) * y_hat * (1 - y_hat) for every example of a batch, with no 1/m "
                       "and no factor 2", [OD_BATCH, OD_LABELS, OD_OUTPUTS], mistakes=_output_delta_mistakes,
           hint="(y_hat - y) * y_hat * (1 - y_hat), elementwise, one column per example"),
    Clause("C4", UNCHANGED, "leaves y_hat and y unchanged", [OD_BATCH, OD_OUTPUTS]),
])


# ---------------------------------------------------------------------------
# Part 5: hidden_delta
# ---------------------------------------------------------------------------


def _hidden_delta_mistakes(W_next, delta_next, z):
    back = W_next.T @ delta_next
    s = act.sigmoid(z)
    mistakes = [
        (NO_HIDDEN_PRIME, back),
        (Z_NOT_SIGMA, back * z * (1.0 - z)),
        (S_TIMES_ONE_MINUS_Z, back * s * (1.0 - z)),
        (SIGMA_NOT_PRIME, back * s),
        (PRIME_AT_SIGMA, back * act.sigmoid_prime(s)),
        ("It looks like 1 - sigma(z)^2 was used as the slope (that resembles tanh's derivative): "
         "sigma'(z) = sigma(z) * (1 - sigma(z)).", back * (1.0 - s**2)),
        ("It looks like delta was divided by m: the error signal is per example; the 1/m of the batch "
         "mean belongs in the gradients dW and db only.", back * act.sigmoid_prime(z) / z.shape[1]),
    ]
    if W_next.shape[0] == W_next.shape[1]:
        mistakes.append((TRANSPOSED_W, (W_next @ delta_next) * act.sigmoid_prime(z)))
    return mistakes


def _layer_pair(n_next: int, n_here: int, m: int, when: str) -> Case:
    W_next = _RNG.normal(0.0, 1.0, (n_next, n_here))
    delta_next = _RNG.normal(0.0, 0.2, (n_next, m))
    z = _RNG.normal(0.0, 1.5, (n_here, m))
    return Case((W_next, delta_next, z), when=when)


HD_LECTURE = Case((_copy(we.W2), _copy(LECTURE_STEP["delta2"]), _copy(LECTURE_STEP["z1"])),
                  when="on the lecture's 2-2-1 network (delta(1) from W(2), delta(2) and z(1))")
HD_SQUARE = _layer_pair(3, 3, 5, "when the two layers have the same size")
HD_WIDE = _layer_pair(2, 5, 4, "when this layer has more units than the next one")
HD_TALL = _layer_pair(4, 3, 6, "when this layer has fewer units than the next one")

HIDDEN_DELTA = Part(5, "hidden_delta", points=5, reference=bp.hidden_delta,
                    params=("W_next", "delta_next", "z"),
                    helpers={"sigmoid_prime": act.sigmoid_prime, "sigmoid": act.sigmoid}, clauses=[
    Clause("C1", TYPE, "returns a new float numpy array of the shape of z, (n_l, m)",
           [HD_LECTURE, HD_WIDE, HD_TALL]),
    Clause("C2", LECTURE, "gives the lecture's 2-2-1 delta(1) from W(2), delta(2) and z(1)",
           [HD_LECTURE], mistakes=_hidden_delta_mistakes, hint=UNROUNDED),
    Clause("C3", MAIN, "is (W_next.T @ delta_next) * sigma'(z) on a batch, for layers of any sizes "
                       "(the same or different)", [HD_SQUARE, HD_WIDE, HD_TALL],
           mistakes=_hidden_delta_mistakes,
           hint="the matrix product W_next.T @ delta_next, then elementwise * sigma'(z) of this layer's z"),
    Clause("C4", UNCHANGED, "leaves W_next, delta_next and z unchanged", [HD_WIDE, HD_SQUARE]),
])


# ---------------------------------------------------------------------------
# Part 6: weight_gradients
# ---------------------------------------------------------------------------


def _weight_gradient_mistakes(delta, a_prev):
    dW, db = bp.dense_backward(delta, a_prev)
    n_l, m = delta.shape
    n_prev = a_prev.shape[0]
    return [
        (MISSING_1_OVER_M, (m * dW, db)),
        (DB_SUM, (dW, m * db)),
        ("It looks like dW was divided by the number of units instead of the number of examples m.",
         (m * dW / n_l, db)),
        ("It looks like dW was divided by the number of inputs instead of the number of examples m.",
         (m * dW / n_prev, db)),
        ("It looks like dW was divided by m twice: delta @ a_prev.T sums over the examples, one "
         "division by m turns it into the mean.", (dW / m, db)),
        ("dW looks transposed: it has the shape of W, (n_l, n_prev), when written delta @ a_prev.T / m.",
         (dW.T, db)),
        (WRONG_AXIS, (dW, np.mean(delta, axis=0, keepdims=True))),
        (WRONG_AXIS, (dW, np.mean(delta, axis=0))),
        ("It looks like db is the mean of all of delta, one number: db averages each unit's row over "
         "the examples, np.mean(delta, axis=1, keepdims=True), one entry per unit.",
         (dW, float(np.mean(delta)))),
    ]


def _layer_batch(n_l: int, n_prev: int, m: int, when: str) -> Case:
    return Case((_RNG.normal(0.0, 0.3, (n_l, m)), _RNG.uniform(0.0, 1.0, (n_prev, m))), when=when)


WG_LECTURE = Case((_copy(LECTURE_STEP["delta2"]), _copy(LECTURE_STEP["a1"])),
                  when="on the lecture's 2-2-1 output layer (one example)")
WG_BATCH = _layer_batch(3, 4, 6, "on a batch of 6 examples")
WG_WIDE = _layer_batch(2, 5, 7, "on a batch of 7 examples")
WG_ONE_UNIT = _layer_batch(1, 3, 4, "on a batch of 4 examples for a layer of one unit")

WEIGHT_GRADIENTS = Part(6, "weight_gradients", points=5, reference=bp.dense_backward, clauses=[
    Clause("C1", TYPE, "returns a tuple (dW, db) of float arrays with the shapes of W, (n_l, n_prev), "
                       "and of b, (n_l, 1)", [WG_LECTURE, WG_BATCH, WG_WIDE],
           check=named_items_type(("dW", "db"))),
    Clause("C2", LECTURE, "gives the lecture's dW(2) = delta(2) a(1)^T and db(2) = delta(2) for one example",
           [WG_LECTURE], check=every_item(
               items(0, "dW", _weight_gradient_mistakes, "compute it from the arguments, unrounded"),
               items(1, "db", _weight_gradient_mistakes, "compute it from the arguments, unrounded"))),
    Clause("C3", MAIN, "gives dW = delta @ a_prev.T / m on a batch", [WG_BATCH, WG_WIDE, WG_ONE_UNIT],
           check=items(0, "dW", _weight_gradient_mistakes,
                       "delta @ a_prev.T sums error x input over the examples; divide it by m once")),
    Clause("C4", MAIN, "gives db = the mean of delta over the examples (the columns) on a batch",
           [WG_BATCH, WG_WIDE, WG_ONE_UNIT],
           check=items(1, "db", _weight_gradient_mistakes, "np.mean(delta, axis=1, keepdims=True)")),
    Clause("C5", UNCHANGED, "leaves delta and a_prev unchanged", [WG_BATCH, WG_WIDE]),
])


# ---------------------------------------------------------------------------
# Part 7: train_step_221
# ---------------------------------------------------------------------------

STEP_KEYS = ("z1", "a1", "z2", "y_hat", "loss", "delta2", "delta1", "dW2", "db2", "dW1", "db1",
             "W1_new", "b1_new", "W2_new", "b2_new")


@dataclasses.dataclass(frozen=True)
class _Args:
    """The arguments of one train_step_221 case, by name."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    x: np.ndarray
    y: np.ndarray
    eta: float

    @property
    def m(self) -> int:
        return self.x.shape[1]


@dataclasses.dataclass(frozen=True)
class _Entry:
    """One entry of the step's dict: what it must be, given the student's own earlier entries.

    ``also``: other values accepted here (what the entry's formula makes of an earlier entry in
    another layout, which the type clause charges); ``ruled``: values accepted here because
    another clause judges them (not on the lecture's exact step); ``mistakes``: known wrong
    values, each with the message that names it."""

    key: str
    rule: str
    want: Callable[[dict, _Args], Any]
    mistakes: Callable[[dict, _Args], list] = lambda own, p: []
    also: Callable[[dict, _Args], list] = lambda own, p: []
    ruled: Callable[[dict, _Args], list] = lambda own, p: []


def _own_entries(answer: Answer) -> dict:
    """The student's entries in the reference's layout; a missing or unreadable one is replaced by
    the reference's, so that it is charged once, where it is, and not to every entry after it.
    ``own["as returned"]`` holds the dict itself."""
    got = answer.value if isinstance(answer.value, dict) else {}
    own: dict = {"as returned": got}
    for key, want in answer.want.items():
        try:
            value = np.asarray(as_like(got[key], want), dtype=float)
            own[key] = float(value) if key == "loss" else value
        except (KeyError, Uncomparable, TypeError, ValueError):
            own[key] = want
    return own


def step_entries(entries: list[_Entry], strict: bool = False) -> Check:
    """The entries of the step's dict, each judged from the student's own earlier entries: the first
    one that is wrong breaks the clause, named by its known mistake when one explains it.
    ``strict``: accept no alternative (the lecture's numbers are one exact step)."""

    def check(answer: Answer) -> None:
        if not isinstance(answer.value, dict):
            kind = getattr(answer.value, "type_name", type(answer.value).__name__)
            raise Broken(f"its result should be a dict with the keys {', '.join(STEP_KEYS)}, not {kind}.",
                         "wrong return type or shape")
        own, args = _own_entries(answer), _Args(*answer.case.args)
        for entry in entries:
            got = answer.value.get(entry.key)
            want = entry.want(own, args)
            alternatives = entry.also(own, args) + ([] if strict else entry.ruled(own, args))
            if agrees(got, want) or any(agrees(got, alt) for alt in alternatives):
                continue
            if entry.key not in answer.value:
                raise Broken(f'its dict has no "{entry.key}" entry.', "missing key")
            named = list(dict.fromkeys(message for message, wrong in entry.mistakes(own, args)
                                       if not agrees(wrong, want) and agrees(got, wrong)))
            if len(named) == 1:
                raise Broken(named[0], mistake_label(named[0]), named)
            raise Broken(f'its "{entry.key}" entry should be {entry.rule}, but it {off_by(got, want)}.'
                         + (f" Check: {UNROUNDED}." if strict and not named else "")
                         + (" One of these explains it: " + " Or: ".join(named) if named else ""),
                         None, named)

    return check


def _forward(W1, b1, W2, b2, x):
    a1 = act.sigmoid(W1 @ x + b1)
    return act.sigmoid(W2 @ a1 + b2)


def _half_mse(y, y_hat) -> float:
    return float(np.sum((y - y_hat) ** 2) / (2 * y.shape[1]))


FORWARD = [
    _Entry("z1", "W1 @ x + b1", lambda o, p: p.W1 @ p.x + p.b1, lambda o, p: [
        (GLOBAL_WEIGHTS, we.W1 @ p.x + we.B1),
        ("It looks like W1.T was used: z1 = W1 @ x + b1, each row of W1 feeds one hidden unit.",
         p.W1.T @ p.x + p.b1),
        ("It looks like the bias b1 is missing: z1 = W1 @ x + b1.", p.W1 @ p.x)]),
    _Entry("a1", "sigmoid(z1) of your z1", lambda o, p: act.sigmoid(o["z1"]), lambda o, p: [
        ("It looks like a1 is z1 itself: the activation is a1 = sigmoid(z1).", o["z1"]),
        (SIGMA_OF_MINUS_Z, act.sigmoid(-o["z1"])),
        ("It looks like the slope sigma'(z1) was used where the activation belongs: a1 = sigmoid(z1).",
         act.sigmoid_prime(o["z1"]))]),
    _Entry("z2", "W2 @ a1 + b2 of your a1", lambda o, p: p.W2 @ o["a1"] + p.b2, lambda o, p: [
        (GLOBAL_WEIGHTS, we.W2 @ o["a1"] + we.B2),
        ("It looks like z1 was used where a1 belongs: z2 = W2 @ a1 + b2, the output layer's input is "
         "the hidden activation.", p.W2 @ o["z1"] + p.b2),
        ("It looks like the bias b2 is missing: z2 = W2 @ a1 + b2.", p.W2 @ o["a1"])]),
    _Entry("y_hat", "sigmoid(z2) of your z2", lambda o, p: act.sigmoid(o["z2"]), lambda o, p: [
        ("It looks like y_hat is z2 itself: the output unit is a sigmoid too, y_hat = sigmoid(z2).", o["z2"]),
        (SIGMA_OF_MINUS_Z, act.sigmoid(-o["z2"]))]),
]

LOSS = [
    _Entry("loss", "1/(2m) * sum((y - y_hat)^2) of your y_hat", lambda o, p: _half_mse(p.y, o["y_hat"]),
           lambda o, p: [
        (LOSS_NO_HALF, 2.0 * _half_mse(p.y, o["y_hat"])),
        (LOSS_SUM, p.m * _half_mse(p.y, o["y_hat"])),
        ("It looks like the sum of the squared errors, without the 1/2 and without dividing by m: "
         "L = 1/(2m) * sum (y - y_hat)^2.", 2.0 * p.m * _half_mse(p.y, o["y_hat"])),
        ("It looks like the mean error is squared: square each error y - y_hat first, then average "
         "(and halve).", 0.5 * float(np.mean(p.y - o["y_hat"])) ** 2),
        ("It looks like the loss was computed after the update: L belongs to the weights the step "
         "starts from, so compute it from the forward pass before the update.",
         _half_mse(p.y, _forward(o["W1_new"], o["b1_new"], o["W2_new"], o["b2_new"], p.x)))]),
]


def _delta1(W2: np.ndarray, own: dict) -> np.ndarray:
    return (W2.T @ own["delta2"]) * act.sigmoid_prime(own["z1"])


def _w2_after_update(own: dict, p: _Args) -> list[np.ndarray]:
    """delta1 from W2 after its update (the student's W2_new, or W2 - eta * their dW2)."""
    return [_delta1(own["W2_new"], own), _delta1(p.W2 - p.eta * own["dW2"], own)]


def _delta1_mistakes(o: dict, p: _Args) -> list:
    back = p.W2.T @ o["delta2"]
    return [("It looks like the factor sigma'(z1) is missing: delta1 = (W2.T @ delta2) * sigma'(z1), with "
             "sigma'(z1) = a1 * (1 - a1).", back),
            ("It looks like z1 * (1 - z1) was used as the slope: sigma'(z1) needs the activation, "
             "a1 * (1 - a1).", back * o["z1"] * (1.0 - o["z1"])),
            ("It looks like a1 = sigma(z1) was used where its derivative a1 * (1 - a1) belongs.",
             back * o["a1"]),
            ("It looks like sigma' was evaluated at a1 = sigma(z1): pass the pre-activation, "
             "hidden_delta(W2, delta2, z1), or use a1 * (1 - a1) written with the activation.",
             back * act.sigmoid_prime(o["a1"])),
            (GLOBAL_WEIGHTS, _delta1(we.W2, o)),
            *[(W2_UPDATED_FIRST, wrong) for wrong in _w2_after_update(o, p)]]


BACKWARD_PASS = [
    _Entry("delta2", "(y_hat - y) * y_hat * (1 - y_hat) of your y_hat",
           lambda o, p: bp.sigmoid_output_delta(o["y_hat"], p.y),
           lambda o, p: [(message, wrong) for message, wrong in _output_delta_mistakes(o["y_hat"], p.y)]),
    _Entry("delta1", "(W2.T @ delta2) * sigma'(z1) of your delta2 and z1", lambda o, p: _delta1(p.W2, o),
           _delta1_mistakes, ruled=_w2_after_update),
]


def _gradient_entries() -> list[_Entry]:
    def dW(d, a):
        return lambda o, p: o[d] @ (o[a] if a != "x" else p.x).T / p.m

    def db(d):
        return lambda o, p: np.mean(o[d], axis=1, keepdims=True)

    entries = []
    for layer, a_prev, other in ((2, "a1", "x"), (1, "x", "a1")):
        d = f"delta{layer}"
        entries += [
            _Entry(f"dW{layer}", f"{d} @ {a_prev}.T / m of your {d}", dW(d, a_prev),
                   lambda o, p, d=d, a=a_prev, b=other: [
                (MISSING_1_OVER_M, p.m * dW(d, a)(o, p)),
                (f"It looks like {b} was used where {a} belongs: dW{d[-1]} = {d} @ {a}.T / m, the input "
                 f"of layer {d[-1]} is {a}.", dW(d, b)(o, p)),
                (f"dW{d[-1]} looks transposed: {d} @ {a}.T / m has the shape of W{d[-1]}.",
                 dW(d, a)(o, p).T)]),
            _Entry(f"db{layer}", f"the mean of your {d} over the examples", db(d),
                   lambda o, p, d=d: [(DB_SUM, p.m * db(d)(o, p))]),
        ]
    return entries


GRADIENTS = _gradient_entries()


def _as_returned(own: dict, key: str) -> list[np.ndarray]:
    """The student's entry exactly as returned, when it is an array of numbers ([] otherwise)."""
    value = own["as returned"].get(key)
    return [value] if isinstance(value, np.ndarray) and value.dtype.kind in "fi" else []


def _update_entry(name: str) -> _Entry:
    grad = "d" + name

    def broadcast(o, p):  # an (n,) gradient makes an (n, n) parameter: the type clause's business
        with np.errstate(all="ignore"):
            try:
                return [getattr(p, name) - p.eta * g for g in _as_returned(o, grad)]
            except ValueError:
                return []

    return _Entry(f"{name}_new", f"{name} - eta * {grad} of your {grad}",
                  lambda o, p: getattr(p, name) - p.eta * o[grad], lambda o, p: [
                      (UPDATE_SIGN, getattr(p, name) + p.eta * o[grad]),
                      (UPDATE_NO_ETA, getattr(p, name) - o[grad]),
                      ("It looks like the learning rate 0.1 of the lecture is fixed in the code: use the "
                       "argument eta, W_new = W - eta * dW.", getattr(p, name) - 0.1 * o[grad])],
                  also=broadcast)


UPDATE = [_update_entry(name) for name in ("W2", "b2", "W1", "b1")]


def _w2_before_update(answer: Answer) -> None:
    """RULE: delta1 is not the one of W2 after its update (any other slip is the backward clause's)."""
    if not isinstance(answer.value, dict):
        raise Broken("its result is not a dict, so its delta1 cannot be checked.",
                     "wrong return type or shape")
    own, args = _own_entries(answer), _Args(*answer.case.args)
    got = answer.value.get("delta1")
    if agrees(got, _delta1(args.W2, own)):
        return
    if any(agrees(got, wrong) for wrong in _w2_after_update(own, args)):
        raise Broken(W2_UPDATED_FIRST, mistake_label(W2_UPDATED_FIRST), [W2_UPDATED_FIRST])


def _step_case(m: int, eta: float, when: str) -> Case:
    params = (_RNG.normal(0.0, 0.8, (2, 2)), _RNG.normal(0.0, 0.3, (2, 1)),
              _RNG.normal(0.0, 0.8, (1, 2)), _RNG.normal(0.0, 0.3, (1, 1)))
    return Case((*params, _RNG.normal(0.0, 1.0, (2, m)), _RNG.uniform(0.0, 1.0, (1, m)), eta), when=when)


TS_LECTURE = Case((*(_copy(a) for a in (we.W1, we.B1, we.W2, we.B2, we.X, we.Y)), we.ETA),
                  when="on the lecture's network (x = (0.5, 0.8), y = 1, eta = 0.1)")
TS_BATCH = _step_case(5, 0.3, "on a batch of 5 examples")
TS_SMALL = _step_case(3, 0.05, "on a batch of 3 examples")
TS_ONE = _step_case(1, 0.5, "on one example with other weights")
TS_MAIN = [TS_BATCH, TS_SMALL, TS_ONE]

TRAIN_STEP_221 = Part(7, "train_step_221", points=8, reference=we.train_step_221, helpers={
    "sigmoid": act.sigmoid, "sigmoid_prime": act.sigmoid_prime, "output_delta": bp.sigmoid_output_delta,
    "hidden_delta": bp.hidden_delta, "weight_gradients": bp.dense_backward}, clauses=[
    Clause("C1", TYPE, "returns a dict with all 15 keys: loss a float, every other entry a float array "
                       "of the shape in the table", [TS_LECTURE, TS_BATCH]),
    Clause("C2", LECTURE, "reproduces the lecture's step: y_hat = 0.62, L = 0.072, delta(2) = -0.089 and "
                          "the updated weights with eta = 0.1", [TS_LECTURE],
           check=step_entries(FORWARD + LOSS + BACKWARD_PASS + GRADIENTS + UPDATE, strict=True)),
    Clause("C3", MAIN, "computes the forward pass z1 = W1 @ x + b1, a1 = sigmoid(z1), "
                       "z2 = W2 @ a1 + b2, y_hat = sigmoid(z2) on a batch", TS_MAIN,
           check=step_entries(FORWARD)),
    Clause("C4", MAIN, "computes the loss L = 1/(2m) * sum((y - y_hat)^2) of its y_hat", TS_MAIN,
           check=step_entries(LOSS)),
    Clause("C5", MAIN, "computes delta2 = (y_hat - y) * y_hat * (1 - y_hat) and "
                       "delta1 = (W2.T @ delta2) * sigma'(z1) from its own y_hat, delta2 and z1", TS_MAIN,
           check=step_entries(BACKWARD_PASS)),
    Clause("C6", MAIN, "computes dW = delta @ a_prev.T / m and db = the mean of delta over the examples "
                       "for both layers (a_prev is a1 for layer 2 and x for layer 1)", TS_MAIN,
           check=step_entries(GRADIENTS)),
    Clause("C7", MAIN, "updates every parameter as W_new = W - eta * dW with its own gradients", TS_MAIN,
           check=step_entries(UPDATE)),
    Clause("C8", RULE, "computes delta1 with W2 as it was in the forward pass (before the update)",
           [TS_BATCH, TS_SMALL], check=_w2_before_update),
    Clause("C9", UNCHANGED, "leaves W1, b1, W2, b2, x and y unchanged", [TS_LECTURE, TS_BATCH]),
])


# ---------------------------------------------------------------------------
# Part 8: backward
# ---------------------------------------------------------------------------


def _variant_backward(weights, biases, X, Y, *, out_factor=1.0, hidden_prime="z", transpose=False,
                      per_m=True, db_mean=True, out_prime=True, db_axis=1, dW_input=0):
    """Backpropagation with one planted mistake (all flags at their defaults: the right one).

    ``hidden_prime``: "z" sigma'(z(l)), None no slope, "a" sigma' of the activation a(l),
    "next" sigma' of the layer after (z(l + 1), for layers of one size). ``db_axis`` 0: the mean
    over the units; ``dW_input`` 1: the layer's own activation a(l + 1) in place of its input a(l)."""
    _, cache = bp.forward(weights, biases, X)
    zs, acts = cache["z"], cache["a"]
    scale = 1.0 / X.shape[1] if per_m else 1.0
    y_hat = acts[-1]
    delta = out_factor * (y_hat - Y) * (act.sigmoid_prime(zs[-1]) if out_prime else 1.0)
    dWs, dbs = [None] * len(weights), [None] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        dWs[layer] = delta @ acts[layer + dW_input].T * scale
        dbs[layer] = (delta.mean(axis=db_axis, keepdims=True) if db_mean
                      else delta.sum(axis=db_axis, keepdims=True))
        if layer > 0:
            W = weights[layer]
            back = (W @ delta) if transpose else (W.T @ delta)
            at = {"z": zs[layer - 1], "a": acts[layer], "next": zs[layer]}.get(hidden_prime)
            delta = back if at is None else back * act.sigmoid_prime(at)
    return dWs, dbs


NO_OUT_PRIME_BACKWARD = ("It looks like the output delta misses the sigmoid derivative: "
                         "delta(L) = (y_hat - y) * sigma'(z(L)), with sigma'(z(L)) = y_hat * (1 - y_hat).")
PRIME_AT_ACTIVATIONS = ("It looks like sigma' was evaluated at the activations a(l) = sigma(z(l)): the "
                        "hidden delta needs sigma'(z(l)) of the pre-activations zs[l - 1], or "
                        "a(l) * (1 - a(l)) written with the activations.")
NO_HIDDEN_PRIME_BACKWARD = ("It looks like the hidden deltas miss the factor sigma'(z): each time delta is "
                            "passed back a layer, delta = (weights[l].T @ delta) * sigma'(zs[l - 1]).")
TRANSPOSED_BACKWARD = ("It looks like weights[l] was used where its transpose belongs when delta is passed "
                       "back (a transposed weight matrix mistake): delta = (weights[l].T @ delta) * "
                       "sigma'(zs[l - 1]).")
OWN_ACTIVATION = ("It looks like dW uses the layer's own activation: the input of layer l is activations[l], "
                  "so dWs[l] = delta @ activations[l].T / m.")
PRIME_OF_NEXT_LAYER = ("It looks like the slope of the wrong layer was used: passing delta back through "
                       "weights[l] needs sigma'(zs[l - 1]), the pre-activation of the layer below it.")


def _backward_mistakes(weights, biases, X, Y):
    square = all(W.shape[0] == W.shape[1] for W in weights[1:])
    variants = {NO_HIDDEN_PRIME_BACKWARD: {"hidden_prime": None}, NO_OUT_PRIME_BACKWARD: {"out_prime": False},
                FACTOR_2: {"out_factor": 2.0}, SIGN_DELTA: {"out_factor": -1.0},
                MISSING_1_OVER_M: {"per_m": False}, DB_SUM: {"db_mean": False},
                PRIME_AT_ACTIVATIONS: {"hidden_prime": "a"}, WRONG_AXIS: {"db_axis": 0}}
    if all(W.shape[0] == W.shape[1] for W in weights):
        variants[OWN_ACTIVATION] = {"dW_input": 1}
    if square:
        variants[TRANSPOSED_BACKWARD] = {"transpose": True}
        variants[PRIME_OF_NEXT_LAYER] = {"hidden_prime": "next"}
    mistakes = [(message, _variant_backward(weights, biases, X, Y, **flags))
                for message, flags in variants.items()]
    dWs, dbs = bp.network_gradients(weights, biases, X, Y)
    return [*mistakes, (REVERSED, (dWs[::-1], dbs[::-1]))]


def _depth_mistake(answer: Answer) -> str | None:
    """A depth mistake told from the answer's layers: the right number of them, the last ones right."""
    weights = answer.case.args[0]
    n_layers = len(weights)
    try:
        dWs = list(_item_of(answer.value, 0, 2))
    except (Uncomparable, TypeError):
        return None
    want = answer.want[0]
    if len(dWs) != n_layers:
        if n_layers > 1 and len(dWs) == n_layers - 1:
            return ("dWs has one entry less than the network has layers: the loop must run down to the "
                    "first layer, l = L-1, ..., 0 (range(L - 1, -1, -1)).")
        return FIXED_DEPTH if len(dWs) < n_layers else None
    right = [agrees(got, w) for got, w in zip(dWs, want, strict=True)]
    if n_layers >= 3 and right[-1] and right[-2] and not all(right):
        return FIXED_DEPTH
    return None


def _network(sizes: list[int], m: int, when: str) -> Case:
    weights = [_RNG.normal(0.0, 0.8, (n_out, n_in)) for n_in, n_out in pairwise(sizes)]
    biases = [_RNG.normal(0.0, 0.3, (n_out, 1)) for n_out in sizes[1:]]
    return Case((weights, biases, _RNG.normal(0.0, 1.0, (sizes[0], m)),
                 _RNG.uniform(0.0, 1.0, (sizes[-1], m))), when=when)


def _one_layer(n_in: int, n_out: int, m: int) -> Case:
    """A network of a single layer; its twin puts that layer at the end of a two-layer network whose
    first layer hands it exactly the same inputs (identity weights on the inputs' logits)."""
    W, b = _RNG.normal(0.0, 0.8, (n_out, n_in)), _RNG.normal(0.0, 0.3, (n_out, 1))
    X = _RNG.uniform(0.05, 0.95, (n_in, m))
    Y = _RNG.uniform(0.0, 1.0, (n_out, m))
    twin = Case(([np.eye(n_in), W], [np.zeros((n_in, 1)), b], np.log(X / (1.0 - X)), Y))
    return Case(([W], [b], X, Y), when="on a network of a single layer (L = 1, no hidden layer)", twin=twin)


ONE_LAYER = ("it gives another result for a network of one layer than for the same layer at the end of "
             "a deeper network. With L = 1 there is no hidden layer: the gradients are the output "
             "layer's alone, so pass delta back only while l > 0.")


def like_the_last_layer_of_a_deeper_network(answer: Answer) -> None:
    """RULE for L = 1: the student's answer equals the reference's, or the last layer of their own
    answer for the twin (so a mistake of the main computation costs only the main clauses)."""
    if agrees(answer.value, answer.want):
        return
    try:
        other = answer.ask(answer.case.twin)
        last = ([other[0][-1]], [other[1][-1]])
        if agrees(answer.value, last):  # in the twin's own layout: shapes are the type clause's business
            return
    except (StudentError, Uncomparable, TypeError, IndexError, KeyError, ValueError):
        pass
    raise Broken(ONE_LAYER, "breaks for a single layer")


BW_LECTURE = Case(([_copy(we.W1), _copy(we.W2)], [_copy(we.B1), _copy(we.B2)], _copy(we.X), _copy(we.Y)),
                  when="on the lecture's 2-2-1 network")
BW_TWO = _network([3, 5, 2], 6, "on a batch in a network of two layers")
BW_THREE = _network([4, 6, 3, 2], 5, "on a batch in a network of three layers")
BW_SQUARE = _network([3, 3, 3, 3, 3], 4, "on a deeper network whose layers all have the same size")
BW_ONE = _one_layer(4, 3, 5)
BW_MAIN = [BW_SQUARE, BW_THREE, BW_TWO]

BACKWARD = Part(8, "backward", points=10, reference=bp.network_gradients,
                params=("weights", "biases", "X", "y"),
                helpers={"output_delta": bp.sigmoid_output_delta, "hidden_delta": bp.hidden_delta,
                         "weight_gradients": bp.dense_backward, "sigmoid_prime": act.sigmoid_prime,
                         "sigmoid": act.sigmoid}, clauses=[
    Clause("C1", TYPE, "returns a tuple (dWs, dbs) of two lists of L float arrays, dWs[l] of the shape of "
                       "weights[l] and dbs[l] of the shape of biases[l]", [BW_LECTURE, BW_TWO],
           check=named_items_type(("dWs", "dbs"))),
    Clause("C2", LECTURE, "gives the lecture's 2-2-1 gradients dW(1), db(1), dW(2) and db(2)", [BW_LECTURE],
           check=every_item(items(0, "dWs", _backward_mistakes, UNROUNDED),
                            items(1, "dbs", _backward_mistakes, UNROUNDED))),
    Clause("C3", MAIN, "gives dWs, the gradients of the batch-mean loss with respect to every weights[l], "
                       "in networks of any depth and layer sizes", BW_MAIN,
           check=items(0, "dWs", _backward_mistakes, "delta(L) = (y_hat - y) * sigma'(z(L)), then for each "
                       "layer dW = delta @ a_prev.T / m and delta = (W.T @ delta) * sigma'(z) of the layer "
                       "below", structure=_depth_mistake)),
    Clause("C4", MAIN, "gives dbs, the gradients with respect to every biases[l] (the mean of each delta "
                       "over the examples)", BW_MAIN,
           check=items(1, "dbs", _backward_mistakes, "db = np.mean(delta, axis=1, keepdims=True) for "
                       "every layer", structure=_depth_mistake)),
    Clause("C5", RULE, "works for a network of a single layer too (L = 1)", [BW_ONE],
           check=like_the_last_layer_of_a_deeper_network),
    Clause("C6", UNCHANGED, "leaves weights, biases, X and y (the lists and their arrays) unchanged",
           [BW_LECTURE, BW_TWO]),
])


# ---------------------------------------------------------------------------
# Part 9: count_parameters
# ---------------------------------------------------------------------------


def _count_mistakes(sizes):
    weights = sum(a * b for a, b in pairwise(sizes))
    return [
        ("It looks like only the weights were counted: every unit after the input also has a bias.",
         weights),
        ("It looks like the input layer got biases too: only the layers 1..L have biases.",
         bp.count_parameters(sizes) + sizes[0]),
        ("It looks like the biases were counted but not the weights (n_l * n_{l-1} per layer).",
         sum(sizes[1:])),
        ("It looks like each layer got biases for its inputs: a layer has one bias per unit, n_l, "
         "not n_{l-1}.", weights + sum(sizes[:-1])),
        ("It looks like one bias per layer was counted: every unit has its own bias, n_l per layer.",
         weights + len(sizes) - 1),
        ("It looks like the lecture's answer is hard-coded: count the parameters of the network "
         "described by layer_sizes.", 111),
    ]


CP_LECTURE = Case(([4, 10, 5, 1],), when="for the lecture's 4-10-5-1 network")
CP_SMALL = Case(([3, 7, 2],), when="for a network of two layers")
CP_DEEP = Case(([12, 9, 9, 4, 3, 1],), when="for a deeper network")
CP_ONE = Case(([6, 2],), when="for a network of a single layer")

COUNT_PARAMETERS = Part(9, "count_parameters", points=2, reference=bp.count_parameters, clauses=[
    Clause("C1", TYPE, "returns a Python int", [CP_LECTURE, CP_SMALL]),
    Clause("C2", LECTURE, "gives the lecture's 111 for the 4-10-5-1 network", [CP_LECTURE],
           mistakes=_count_mistakes, hint="(4 * 10 + 10) + (10 * 5 + 5) + (5 * 1 + 1) = 111"),
    Clause("C3", MAIN, "is the sum over the layers of n_l * n_{l-1} weights and n_l biases, for any "
                       "layer sizes", [CP_SMALL, CP_DEEP, CP_ONE], mistakes=_count_mistakes,
           hint="for each pair (n_in, n_out) of consecutive sizes: n_out * n_in weights plus n_out biases"),
    Clause("C4", UNCHANGED, "leaves layer_sizes unchanged", [CP_SMALL, CP_DEEP]),
])


# ---------------------------------------------------------------------------
# Part 10: sigmoid_gradient_bound
# ---------------------------------------------------------------------------


def _bound_mistakes(n_layers):
    return [
        ("It looks like 0.5 ** n was used: 0.5 = sigma(0) is the sigmoid's value at 0, its largest "
         "slope is sigma'(0) = 0.25.", 0.5**n_layers),
        ("It looks like 0.25 * n was used: the factors multiply, so the bound is 0.25 ** n.",
         0.25 * n_layers),
        ("It looks like an off-by-one: n layers give n factors, 0.25 ** n (not n - 1).",
         0.25 ** (n_layers - 1)),
        ("It looks like an off-by-one: n layers give n factors, 0.25 ** n (not n + 1).",
         0.25 ** (n_layers + 1)),
        ("It looks like 4 ** n: each factor is at most 0.25, so the bound 0.25 ** n shrinks with depth.",
         4.0**n_layers),
        ("It looks like an empty product was taken to be 0: zero layers multiply no factors, and the "
         "empty product is 1.0.", 0.0),
        ("It looks like zero layers gave one factor 0.25: the empty product is 1.0.", 0.25),
    ]


def relative_to_the_bound(mistakes: Mistakes, hint: str = "") -> Check:
    """Values judged as ratios to the right bound, so that 0.25 ** 33 ~ 1e-20 is held to the same
    relative tolerance as 0.25."""

    def ratio_mistakes(n_layers):
        want = van.sigmoid_bound(n_layers)
        return [(message, wrong / want) for message, wrong in mistakes(n_layers)]

    inner = same_values(ratio_mistakes, hint)

    def check(answer: Answer) -> None:
        try:
            got = float(np.asarray(as_like(answer.value, answer.want), dtype=float))
        except (Uncomparable, TypeError, ValueError):
            same_values(mistakes, hint)(answer)
            return
        inner(dataclasses.replace(answer, value=got / answer.want, want=1.0))

    return check


SGB_TABLE = [Case((n,), when="for the lecture's table (1, 5, 10 and 20 layers)") for n in (1, 5, 10, 20)]
SGB_DEPTHS = [Case((n,), when="for other depths") for n in (2, 3, 7, 33)]
SGB_ZERO = Case((0,), when="for n_layers = 0")

SIGMOID_GRADIENT_BOUND = Part(10, "sigmoid_gradient_bound", points=2, reference=van.sigmoid_bound,
                              params=("n_layers",),
                              helpers={"sigmoid_prime": act.sigmoid_prime, "sigmoid": act.sigmoid}, clauses=[
    Clause("C1", TYPE, "returns a float (a Python float or numpy float64)",
           [SGB_TABLE[0], SGB_DEPTHS[2], SGB_ZERO]),
    Clause("C2", LECTURE, "gives the lecture's table: 0.25, about 1e-3, 1e-6 and 1e-12 for 1, 5, 10 and 20 "
                          "layers", SGB_TABLE, check=relative_to_the_bound(
               _bound_mistakes, "exactly 0.25 ** n_layers: the table's 1e-3, 1e-6 and 1e-12 are rounded")),
    Clause("C3", MAIN, "is sigma'(0) ** n_layers = 0.25 ** n_layers, the largest product of n_layers "
                       "sigmoid slopes", SGB_DEPTHS,
           check=relative_to_the_bound(_bound_mistakes,
                                       "each of the n factors is at most 0.25, so 0.25 ** n")),
    Clause("C4", RULE, "gives 1.0 for n_layers = 0 (an empty product)", [SGB_ZERO], mistakes=_bound_mistakes),
])


PARTS = [SIGMOID, SIGMOID_PRIME, COMPOSITE_DERIVATIVE, OUTPUT_DELTA, HIDDEN_DELTA, WEIGHT_GRADIENTS,
         TRAIN_STEP_221, BACKWARD, COUNT_PARAMETERS, SIGMOID_GRADIENT_BOUND]
globals().update(pytest_tests(PARTS))
