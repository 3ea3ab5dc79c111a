"""Hidden checks for assignment 03_backpropagation.

Every expected value comes from nnfin.reference; the "mistakes" are the
reference's values with one classic bug planted, so that feedback can name it.
Inputs are fresh random draws per submission: batches with m > 1, layers of
different sizes (plus square layers where only they reveal a missing
transpose).

A part that may call the student's earlier parts (sigmoid_prime, hidden_delta,
train_step_221, backward) is graded on its own logic: when its values equal
what the student's own helper gives on the same inputs, it keeps its points and
a note says that the helper's part is where the difference comes from.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from nnfin.grading.checks.expect import (
    CheckFailed,
    call_part,
    call_when,
    carried_note,
    close_to,
    differs,
    expect_array,
    expect_close,
    expect_float,
    expect_gradient,
    expect_int,
    expect_named,
    try_helper,
)
from nnfin.reference import activations as act
from nnfin.reference import backprop as bp
from nnfin.reference import chain_rule as cr
from nnfin.reference import vanishing as van
from nnfin.reference import worked_example as we

ASSIGNMENT = "03_backpropagation"

# ------------------------------------------------------------------ messages

FACTOR_2 = ("It looks like there is an extra factor 2: with L = 1/2 (y - y_hat)^2 the 1/2 cancels "
            "the 2 of the derivative, so delta = (y_hat - y) * y_hat * (1 - y_hat).")
SIGN_DELTA = ("It looks like the sign is flipped: the error signal is prediction minus target, "
              "(y_hat - y), not (y - y_hat).")
NO_OUT_PRIME = ("It looks like the sigmoid derivative y_hat * (1 - y_hat) is missing: "
                "delta = (y_hat - y) * sigma'(z) with sigma'(z) = y_hat * (1 - y_hat).")
DELTA_OVER_M = ("It looks like delta was divided by m: the error signal is per example; the 1/m "
                "of the batch mean belongs in the gradients dW and db only.")
SIGMOID_AGAIN = ("It looks like the sigmoid was applied to y_hat again: y_hat is already sigma(z), "
                 "so sigma'(z) = y_hat * (1 - y_hat).")
NO_HIDDEN_PRIME = ("It looks like the factor sigma'(z) is missing: multiply W_next.T @ delta_next "
                   "elementwise by the local slope sigma'(z) = sigma(z) * (1 - sigma(z)).")
Z_NOT_SIGMA = ("It looks like z * (1 - z) was used as the slope: sigma'(z) needs the activation "
               "s = sigmoid(z), i.e. s * (1 - s).")
SIGMA_NOT_PRIME = ("It looks like sigma(z) was used where its derivative sigma'(z) = "
                   "sigma(z) * (1 - sigma(z)) belongs.")
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
GLOBAL_WEIGHTS = ("It looks like the lecture's weights were used instead of the arguments: use the "
                  "parameters W1, b1, W2, b2 passed to the function, never global variables.")
LOSS_SUM = "It looks like the loss is summed over the batch instead of averaged: divide by m."
S_TIMES_ONE_MINUS_Z = ("It looks like s * (1 - z) was used: both factors need the activation "
                       "s = sigmoid(z), i.e. s * (1 - s).")
W2_UPDATED_FIRST = ("It looks like W2 was updated before delta1 was computed: the hidden delta "
                    "uses the weights of the forward pass, W2 before the update.")
NO_OUT_PRIME_BACKWARD = ("It looks like the output delta misses the sigmoid derivative: "
                         "delta(L) = (y_hat - y) * sigma'(z(L)), with sigma'(z(L)) = "
                         "y_hat * (1 - y_hat).")


def _sizes(rng: np.random.Generator, count: int, low: int = 2, high: int = 8) -> list[int]:
    """``count`` distinct layer sizes, so that no weight matrix is square."""
    return [int(n) for n in rng.choice(np.arange(low, high), size=count, replace=False)]


def _params(rng: np.random.Generator, sizes: list[int]) -> tuple[list, list]:
    weights = [rng.normal(0.0, 0.8, size=(n_out, n_in)) for n_in, n_out in pairwise(sizes)]
    biases = [rng.normal(0.0, 0.3, size=(n_out, 1)) for n_out in sizes[1:]]
    return weights, biases


def _pair(value: object, what: str, names: str) -> tuple:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise CheckFailed(f"{what} should return a tuple {names} of two values, but it returned "
                          f"{type(value).__name__}" + (f" of length {len(value)}."
                                                         if isinstance(value, (tuple, list)) else "."))
    return value[0], value[1]


# ------------------------------------------------------------------ part 1

MATH_EXP = ("math.exp (like float(...)) works on single numbers only: use np.exp, which works "
            "on whole arrays.")
SIGMOID_HINTS = {"length-1": MATH_EXP, "size-1": MATH_EXP, "0-dimensional": MATH_EXP}


@pytest.mark.grade("test_sigmoid", points=2)
def test_sigmoid_matches_reference_on_several_shapes(student, rng):
    for shape in [(int(rng.integers(2, 6)), int(rng.integers(3, 9))), (int(rng.integers(4, 10)),)]:
        z = rng.normal(0.0, 3.0, size=shape)
        got = expect_array(call_when(student, "sigmoid", z, when="on an array of pre-activations",
                                     hints=SIGMOID_HINTS), shape, "sigmoid(z)")
        expect_close(got, act.sigmoid(z), "sigmoid(z)", mistakes={
            "It looks like sigma(-z) was computed: check the sign inside exp(-z).": act.sigmoid(-z),
            "It looks like the derivative was returned instead of sigma(z) itself.":
                act.sigmoid_prime(z),
        })


@pytest.mark.grade("test_sigmoid", points=1)
def test_sigmoid_is_stable_for_large_inputs(student, rng):
    big = float(rng.uniform(800.0, 1200.0))
    z = np.array([[-big, -60.0, 0.0], [60.0, big, -big / 2.0]])
    got = expect_array(call_when(student, "sigmoid", z, when="for large |z|", hints=SIGMOID_HINTS),
                       z.shape, "sigmoid(z) for large |z|")
    if not np.all(np.isfinite(got)):
        raise CheckFailed("sigmoid(z) returned NaN or infinity for large |z|: exp overflowed. "
                          "Build it from e = exp(-|z|), which lies in (0, 1]: 1 / (1 + e) for z >= 0 "
                          "and e / (1 + e) for z < 0.")
    expect_close(got, act.sigmoid(z), "sigmoid(z) for large |z|")
    warnings = student.process.call("sigmoid", z).warnings
    if any("overflow" in w for w in warnings):
        raise CheckFailed("sigmoid(z) gives the right values, but numpy warned 'overflow encountered "
                          "in exp' for large |z|. Use e = exp(-|z|) (always in (0, 1]) so nothing "
                          "can overflow.")


SIGMOID_PRIME_MISTAKES = {
    "It looks like sigma(z) itself was returned: the derivative is sigma(z) * (1 - sigma(z)).":
        act.sigmoid,
    Z_NOT_SIGMA: lambda z: z * (1.0 - z),
    "It looks like 1 - sigma(z)^2 was used (that resembles tanh's derivative): the sigmoid's "
    "is sigma(z) * (1 - sigma(z)).": lambda z: 1.0 - act.sigmoid(z) ** 2,
    "It looks like sigma(z) * (1 + sigma(z)) was used: it is sigma(z) * (1 - sigma(z)).":
        lambda z: act.sigmoid(z) * (1.0 + act.sigmoid(z)),
    S_TIMES_ONE_MINUS_Z: lambda z: act.sigmoid(z) * (1.0 - z),
}


def _own_sigmoid_slope(student, z: np.ndarray) -> np.ndarray | None:
    """s * (1 - s) with s from the student's own sigmoid, if it runs and differs from sigma(z)."""
    answer = try_helper(student, "sigmoid", z)
    if answer is None or not differs(answer[0], act.sigmoid(z)):
        return None
    s = np.asarray(answer[0], dtype=float)
    return s * (1.0 - s) if s.shape == z.shape else None


def _check_sigmoid_prime(student, z: np.ndarray, what: str, when: str) -> None:
    got = call_part(student, "sigmoid_prime", z, when=when,
                    helpers=(("sigmoid", (z,)),), hints=SIGMOID_HINTS)
    got = expect_array(got, z.shape, what)
    want = act.sigmoid_prime(z)
    if close_to(got, want):
        return
    own = _own_sigmoid_slope(student, z)
    if own is not None and close_to(got, own):
        carried_note("sigmoid_prime()", "sigmoid()")
        return
    if np.all(np.isfinite(want)) and not np.all(np.isfinite(got)):
        raise CheckFailed(f"{what} returned NaN or infinity for large |z|: an exp overflowed. "
                          "Compute it from a stable sigmoid (built on exp(-|z|)).")
    expect_named(got, want, what, {msg: wrong(z) for msg, wrong in SIGMOID_PRIME_MISTAKES.items()})


@pytest.mark.grade("test_sigmoid_prime", points=2)
def test_sigmoid_prime_matches_reference(student, rng):
    shape = (int(rng.integers(2, 6)), int(rng.integers(3, 9)))
    z = rng.normal(0.0, 2.5, size=shape)
    _check_sigmoid_prime(student, z, "sigmoid_prime(z)", "on an array of pre-activations")


@pytest.mark.grade("test_sigmoid_prime", points=1)
def test_sigmoid_prime_peak_and_flat_tails(student, rng):
    big = float(rng.uniform(800.0, 1200.0))
    z = np.array([0.0, big, -big, 3.0, -3.0])
    what = "sigmoid_prime(z) at z = 0 (the maximum, 0.25) and for large |z| (about 0)"
    _check_sigmoid_prime(student, z, what, "for large |z|")
    if any("overflow" in w for w in student.process.call("sigmoid_prime", z).warnings):
        if any("overflow" in w for w in student.process.call("sigmoid", z).warnings):
            carried_note("sigmoid_prime()", "sigmoid()", "makes numpy warn about an overflow")
            return
        raise CheckFailed("sigmoid_prime(z) gives the right values, but numpy warned 'overflow "
                          "encountered in exp' for large |z|: it looks like it is built on the naive "
                          "1 / (1 + exp(-z)). Use your stable sigmoid, or e = exp(-|z|), so nothing "
                          "can overflow.")


# ------------------------------------------------------------------ part 2

_CHAIN_MISTAKES = {
    "It looks like the inner slope g'(x) = 3 is missing: multiply f'(g(x)) by g'(x).":
        lambda x: 2.0 * cr.inner(x),
    "It looks like f' was evaluated at x instead of at the inner value g(x) = 3x + 1.":
        lambda x: 6.0 * np.asarray(x, dtype=float),
    "It looks like f(g(x)) itself was returned, not its derivative.": cr.composite,
    "It looks like the two slopes were added: the chain rule multiplies them.":
        lambda x: 2.0 * cr.inner(x) + 3.0,
}


def _chain_mistakes(x):
    return {message: wrong(x) for message, wrong in _CHAIN_MISTAKES.items()}


@pytest.mark.grade("test_composite_derivative", points=1)
def test_composite_derivative_of_a_number(student, rng):
    for x in (float(rng.uniform(-3.0, 3.0)), int(rng.integers(-5, 6))):
        got = expect_float(call_when(student, "composite_derivative", x, when="for a single number"),
                           "composite_derivative(x)")
        expect_close(got, float(cr.composite_derivative(x)), "composite_derivative(x)",
                     mistakes={k: float(v) for k, v in _chain_mistakes(x).items()})


@pytest.mark.grade("test_composite_derivative", points=1)
def test_composite_derivative_of_an_array(student, rng):
    shape = (int(rng.integers(2, 5)), int(rng.integers(2, 6)))
    x = rng.uniform(-3.0, 3.0, size=shape)
    got = expect_array(call_when(student, "composite_derivative", x, when="for an array"), shape,
                       "composite_derivative(x)")
    expect_close(got, cr.composite_derivative(x), "composite_derivative(x) on an array",
                 mistakes=_chain_mistakes(x))


# ------------------------------------------------------------------ part 3


def _output_delta_case(student, rng, n_out: int) -> None:
    m = int(rng.integers(4, 10))
    z = rng.normal(0.0, 1.5, size=(n_out, m))
    y_hat = act.sigmoid(z)
    y = rng.uniform(0.0, 1.0, size=(n_out, m))
    got = call_when(student, "output_delta", y_hat, y, when="on a batch of several examples")
    got = expect_array(got, (n_out, m), "output_delta(y_hat, y)")
    want = bp.output_delta(y_hat, y, z)
    s_again = act.sigmoid(y_hat)
    expect_named(got, want, "output_delta(y_hat, y)", {
        FACTOR_2: 2.0 * want,
        SIGN_DELTA: -want,
        NO_OUT_PRIME: y_hat - y,
        DELTA_OVER_M: want / m,
        SIGMOID_AGAIN: (y_hat - y) * s_again * (1.0 - s_again),
    })


@pytest.mark.grade("test_output_delta", points=2)
def test_output_delta_one_output_on_a_batch(student, rng):
    _output_delta_case(student, rng, 1)


@pytest.mark.grade("test_output_delta", points=2)
def test_output_delta_several_outputs_on_a_batch(student, rng):
    _output_delta_case(student, rng, int(rng.integers(2, 5)))


# ------------------------------------------------------------------ part 4

PRODUCT_HINT = ("Check the two products: W_next.T @ delta_next is a matrix product (@), and the "
                "factor sigma'(z) is multiplied elementwise (*).")
PRODUCT_HINTS = {"matmul": PRODUCT_HINT, "broadcast": PRODUCT_HINT, "aligned": PRODUCT_HINT}


def _own_hidden_deltas(student, W_next, delta_next, z) -> list[tuple[str, np.ndarray]]:
    """hidden_delta built on the student's own sigmoid_prime or sigmoid, where those differ."""
    back = W_next.T @ delta_next
    out = []
    answer = try_helper(student, "sigmoid_prime", z)
    if answer is not None and differs(answer[0], act.sigmoid_prime(z)):
        slope = np.asarray(answer[0], dtype=float)
        if slope.shape == z.shape:
            out.append(("sigmoid_prime()", back * slope))
    own = _own_sigmoid_slope(student, z)
    if own is not None:
        out.append(("sigmoid()", back * own))
    return out


def _hidden_delta_case(student, rng, n_next: int, n_here: int, when: str) -> None:
    m = int(rng.integers(4, 9))
    W_next = rng.normal(0.0, 1.0, size=(n_next, n_here))
    delta_next = rng.normal(0.0, 0.2, size=(n_next, m))
    z = rng.normal(0.0, 1.5, size=(n_here, m))
    what = "hidden_delta(W_next, delta_next, z)"
    got = call_part(student, "hidden_delta", W_next, delta_next, z, when=when,
                    helpers=(("sigmoid_prime", (z,)), ("sigmoid", (z,))), hints=PRODUCT_HINTS)
    got = expect_array(got, (n_here, m), what)
    want = bp.hidden_delta(W_next, delta_next, z)
    if close_to(got, want):
        return
    for helper, value in _own_hidden_deltas(student, W_next, delta_next, z):
        if close_to(got, value):
            carried_note("hidden_delta()", helper)
            return
    back = W_next.T @ delta_next
    mistakes = {
        NO_HIDDEN_PRIME: back,
        Z_NOT_SIGMA: back * z * (1.0 - z),
        SIGMA_NOT_PRIME: back * act.sigmoid(z),
    }
    if n_next == n_here:
        mistakes[TRANSPOSED_W] = (W_next @ delta_next) * act.sigmoid_prime(z)
    expect_named(got, want, what, mistakes)


@pytest.mark.grade("test_hidden_delta", points=3)
def test_hidden_delta_on_non_square_layers(student, rng):
    n_next, n_here = _sizes(rng, 2, 1, 7)
    _hidden_delta_case(student, rng, n_next, n_here,
                       "when the two layers have different sizes")


@pytest.mark.grade("test_hidden_delta", points=2)
def test_hidden_delta_on_square_layers(student, rng):
    n = int(rng.integers(3, 6))
    _hidden_delta_case(student, rng, n, n, "when the two layers have the same size")


# ------------------------------------------------------------------ part 5

WRONG_AXIS = ("It looks like the mean was taken over the wrong axis: db averages over the examples "
              "(the columns), np.mean(delta, axis=1, keepdims=True), one entry per unit.")


def _layer_case(rng):
    n_l, n_prev = _sizes(rng, 2, 2, 7)
    m = int(rng.integers(4, 10))
    while m in (n_l, n_prev):
        m += 1
    delta = rng.normal(0.0, 0.3, size=(n_l, m))
    a_prev = rng.uniform(0.0, 1.0, size=(n_prev, m))
    return delta, a_prev, m


def _gradients(student, delta, a_prev):
    value = call_when(student, "weight_gradients", delta, a_prev, when="on a batch of several examples",
                      hints={"matmul": "dW = delta @ a_prev.T / m: check the transpose."})
    return _pair(value, "weight_gradients(delta, a_prev)", "(dW, db)")


@pytest.mark.grade("test_weight_gradients", points=3)
def test_weight_gradients_dW_on_a_batch(student, rng):
    delta, a_prev, m = _layer_case(rng)
    dW, _ = _gradients(student, delta, a_prev)
    want, _ = bp.dense_backward(delta, a_prev)
    got = expect_array(dW, want.shape, "dW of weight_gradients")
    expect_named(got, want, "dW of weight_gradients", {
        MISSING_1_OVER_M: want * m,
        "It looks like dW was divided by the number of units instead of the number of examples m.":
            want * m / delta.shape[0],
        "It looks like dW was divided by the number of inputs instead of the number of examples m.":
            want * m / a_prev.shape[0],
    })


@pytest.mark.grade("test_weight_gradients", points=2)
def test_weight_gradients_db_on_a_batch(student, rng):
    delta, a_prev, m = _layer_case(rng)
    _, db = _gradients(student, delta, a_prev)
    _, want = bp.dense_backward(delta, a_prev)
    if isinstance(db, np.ndarray) and db.shape == (want.shape[0],):
        raise CheckFailed("db has shape (n,) but it must have the shape of the bias, (n, 1): a flat "
                          "(n,) array broadcasts against an (n, 1) bias into an (n, n) matrix in "
                          "b - eta * db. Use np.mean(delta, axis=1, keepdims=True).")
    if isinstance(db, np.ndarray) and db.shape in ((1, m), (m,), (m, 1)):
        raise CheckFailed("db of weight_gradients is not right. " + WRONG_AXIS)
    got = expect_array(db, want.shape, "db of weight_gradients")
    expect_named(got, want, "db of weight_gradients", {DB_SUM: want * m})


# ------------------------------------------------------------------ part 6

STEP_KEYS = ("z1", "a1", "z2", "y_hat", "loss", "delta2", "delta1", "dW2", "db2", "dW1", "db1",
             "W2_new", "b2_new", "W1_new", "b1_new")


def _reference_step(W1, b1, W2, b2, X, Y, eta) -> dict:
    """The forward and backward values of the reference, for probing the student's helpers."""
    y_hat, cache = bp.forward([W1, W2], [b1, b2], X)
    z1 = cache["z"][0]
    delta2 = bp.output_delta(y_hat, Y, cache["z"][1])
    return {"z1": z1, "a1": cache["a"][1], "y_hat": y_hat, "delta2": delta2}


class _Step:
    """One check of train_step_221: each entry is judged from the student's own earlier entries.

    So a mistake costs the entry where it happens and nothing downstream, and an entry that
    equals what the student's own helper (sigmoid, output_delta, ...) gives on the same inputs
    is accepted with a note: the helper's part pays for that helper's mistake.
    """

    def __init__(self, student, got: dict, what: str) -> None:
        self.student, self.got, self.what = student, got, what

    def label(self, key: str) -> str:
        return f'the "{key}" entry of {self.what}'

    def array(self, key: str, shape: tuple[int, ...]) -> np.ndarray:
        value = self.got[key]
        if isinstance(value, np.ndarray) and value.ndim == 1 and value.size == shape[0]:
            raise CheckFailed(f"{self.label(key)} has shape (n,) but must keep the column shape "
                              "(n, 1), e.g. np.mean(..., axis=1, keepdims=True).")
        return expect_array(value, shape, self.label(key))

    def helper(self, name: str, *args: object, index: int | None = None) -> np.ndarray | None:
        answer = try_helper(self.student, name, *args)
        if answer is None:
            return None
        value = answer[0]
        if index is not None:
            if not isinstance(value, (tuple, list)) or len(value) <= index:
                return None
            value = value[index]
        try:
            return np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return None

    def carried_array(self, key: str, shape: tuple[int, ...], helper: str, thunk) -> np.ndarray:
        """An entry of the wrong shape is accepted when the student's helper gives exactly it."""
        value = self.got[key]
        if isinstance(value, np.ndarray) and value.shape != shape and value.dtype.kind in "fi":
            own = thunk()
            if own is not None and own.shape == value.shape and close_to(value, own):
                carried_note("train_step_221()", helper)
                return value.astype(float)
        return self.array(key, shape)

    def mutating(self, name: str, *args: object) -> bool:
        answer = try_helper(self.student, name, *args)
        return answer is not None and answer[1]

    def check(self, key: str, got: object, want: object, rule: str,
              mistakes: dict | None = None, helpers: tuple = ()) -> None:
        """``helpers``: (helper name, thunk giving that helper's version of this entry)."""
        if close_to(got, want):
            return
        for name, thunk in helpers:
            value = thunk()
            if value is not None and differs(value, want) and close_to(got, value):
                carried_note("train_step_221()", name)
                return
        expect_named(got, want, self.label(key), mistakes or {},
                     fallback=f"{self.label(key)} does not match {rule}.")


def _check_step(student, params: dict, X, Y, eta: float, what: str) -> None:
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    ref = _reference_step(W1, b1, W2, b2, X, Y, eta)
    got = call_when(student, "train_step_221", W1, b1, W2, b2, X, Y, eta,
                    when=what.replace("train_step_221 ", ""), hints=PRODUCT_HINTS,
                    helpers=(("sigmoid", (ref["z1"],)), ("output_delta", (ref["y_hat"], Y)),
                             ("hidden_delta", (W2, ref["delta2"], ref["z1"])),
                             ("sigmoid_prime", (ref["z1"],)),
                             ("weight_gradients", (ref["delta2"], ref["a1"]))))
    m = X.shape[1]
    if not isinstance(got, dict):
        raise CheckFailed(f"{what}: train_step_221 should return a dict, but it returned "
                          f"{type(got).__name__}.")
    missing = [k for k in STEP_KEYS if k not in got]
    if missing:
        raise CheckFailed(f"{what}: train_step_221 returned a dict without the key(s) "
                          f"{', '.join(missing)}.")
    step = _Step(student, got, what)
    sig, own = act.sigmoid, step.helper

    z1_want = W1 @ X + b1
    z1 = step.array("z1", (2, m))
    if differs(z1, z1_want) and step.mutating("sigmoid", z1_want):
        carried_note("train_step_221()", "sigmoid()", "changes its input in place")
        z1 = z1_want
    step.check("z1", z1, z1_want, "W1 @ x + b1", {GLOBAL_WEIGHTS: we.W1 @ X + we.B1})
    a1 = step.array("a1", (2, m))
    step.check("a1", a1, sig(z1), "sigmoid(z1)", helpers=(("sigmoid()", lambda: own("sigmoid", z1)),))
    z2_want = W2 @ a1 + b2
    z2 = step.array("z2", (1, m))
    if differs(z2, z2_want) and step.mutating("sigmoid", z2_want):
        carried_note("train_step_221()", "sigmoid()", "changes its input in place")
        z2 = z2_want
    step.check("z2", z2, z2_want, "W2 @ a1 + b2 computed from your a1",
               {GLOBAL_WEIGHTS: we.W2 @ a1 + we.B2})
    y_hat = step.array("y_hat", (1, m))
    step.check("y_hat", y_hat, sig(z2), "sigmoid(z2)",
               helpers=(("sigmoid()", lambda: own("sigmoid", z2)),))
    loss = expect_float(got["loss"], step.label("loss"))
    loss_want = float(np.sum((Y - y_hat) ** 2) / (2 * m))
    step.check("loss", loss, loss_want, "1/(2m) * sum((y - y_hat)^2) computed from your y_hat",
               {LOSS_NO_HALF: 2.0 * loss_want, LOSS_SUM: m * loss_want})

    delta2 = step.array("delta2", (1, m))
    d2_want = (y_hat - Y) * y_hat * (1.0 - y_hat)
    step.check("delta2", delta2, d2_want, "(y_hat - y) * y_hat * (1 - y_hat) computed from your y_hat",
               {FACTOR_2: 2.0 * d2_want, SIGN_DELTA: -d2_want, NO_OUT_PRIME: y_hat - Y,
                DELTA_OVER_M: d2_want / m},
               helpers=(("output_delta()", lambda: own("output_delta", y_hat, Y)),
                        ("sigmoid_prime()", lambda: _times(y_hat - Y, own("sigmoid_prime", z2)))))
    delta1 = step.array("delta1", (2, m))
    back = W2.T @ delta2
    d1_want = back * act.sigmoid_prime(z1)
    dW2_early = delta2 @ a1.T / m
    step.check("delta1", delta1, d1_want, "(W2.T @ delta2) * sigma'(z1) computed from your delta2",
               {NO_HIDDEN_PRIME: back, Z_NOT_SIGMA: back * z1 * (1.0 - z1),
                SIGMA_NOT_PRIME: back * sig(z1),
                W2_UPDATED_FIRST: ((W2 - eta * dW2_early).T @ delta2) * act.sigmoid_prime(z1)},
               helpers=(("sigmoid()", lambda: back * a1 * (1.0 - a1)),
                        ("sigmoid_prime()", lambda: _times(back, own("sigmoid_prime", z1))),
                        ("hidden_delta()", lambda: own("hidden_delta", W2, delta2, z1))))

    grads = {}
    for layer, delta, a_prev in ((2, delta2, a1), (1, delta1, X)):
        n = delta.shape[0]
        own_dW = lambda d=delta, a=a_prev: own("weight_gradients", d, a, index=0)  # noqa: E731
        own_db = lambda d=delta, a=a_prev: own("weight_gradients", d, a, index=1)  # noqa: E731
        dW = step.carried_array(f"dW{layer}", (n, a_prev.shape[0]), "weight_gradients()", own_dW)
        dW_want = delta @ a_prev.T / m
        if dW.shape == dW_want.shape:
            step.check(f"dW{layer}", dW, dW_want, f"delta{layer} @ {'a1' if layer == 2 else 'x'}.T "
                       "/ m computed from your entries", {MISSING_1_OVER_M: m * dW_want},
                       helpers=(("weight_gradients()", own_dW),))
        db = step.carried_array(f"db{layer}", (n, 1), "weight_gradients()", own_db)
        db_want = np.mean(delta, axis=1, keepdims=True)
        if db.shape == db_want.shape:
            step.check(f"db{layer}", db, db_want, f"the mean of your delta{layer} over the examples",
                       {DB_SUM: m * db_want}, helpers=(("weight_gradients()", own_db),))
        grads[f"dW{layer}"], grads[f"db{layer}"] = dW, db

    for name, grad in (("W2", "dW2"), ("b2", "db2"), ("W1", "dW1"), ("b1", "db1")):
        old = params[name]
        want = old - eta * grads[grad]
        new = step.array(name + "_new", want.shape)
        step.check(name + "_new", new, want, f"{name} - eta * {grad} computed from your {grad}",
                   {UPDATE_SIGN: old + eta * grads[grad], UPDATE_NO_ETA: old - grads[grad]})


def _times(a: np.ndarray, b: np.ndarray | None) -> np.ndarray | None:
    return None if b is None or b.shape != a.shape else a * b


@pytest.mark.grade("test_train_step_221", points=3)
def test_train_step_221_reproduces_the_lecture(student):
    params = {"W1": we.W1, "b1": we.B1, "W2": we.W2, "b2": we.B2}
    _check_step(student, params, we.X, we.Y, we.ETA,
                "train_step_221 on the lecture's network")


@pytest.mark.grade("test_train_step_221", points=5)
def test_train_step_221_on_a_batch(student, rng):
    m = int(rng.integers(4, 9))
    params = {"W1": rng.normal(0.0, 0.8, size=(2, 2)), "b1": rng.normal(0.0, 0.3, size=(2, 1)),
              "W2": rng.normal(0.0, 0.8, size=(1, 2)), "b2": rng.normal(0.0, 0.3, size=(1, 1))}
    X = rng.normal(0.0, 1.0, size=(2, m))
    Y = rng.uniform(0.0, 1.0, size=(1, m))
    eta = float(rng.uniform(0.05, 0.5))
    _check_step(student, params, X, Y, eta,
                "train_step_221 on a batch of several examples")


# ------------------------------------------------------------------ part 7


def _variant_backward(weights, biases, X, Y, *, out_factor=1.0, hidden_prime=True,
                      transpose=False, per_m=True, db_mean=True, out_prime=True):
    """Backpropagation with one planted mistake (all flags at defaults = correct)."""
    _, cache = bp.forward(weights, biases, X)
    zs, acts = cache["z"], cache["a"]
    m = X.shape[1]
    scale = 1.0 / m if per_m else 1.0
    y_hat = acts[-1]
    delta = out_factor * (y_hat - Y) * (act.sigmoid_prime(zs[-1]) if out_prime else 1.0)
    dWs, dbs = [None] * len(weights), [None] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        dWs[layer] = delta @ acts[layer].T * scale
        dbs[layer] = delta.mean(axis=1, keepdims=True) if db_mean else delta.sum(axis=1, keepdims=True)
        if layer > 0:
            W = weights[layer]
            back = (W @ delta) if transpose else (W.T @ delta)
            delta = back * act.sigmoid_prime(zs[layer - 1]) if hidden_prime else back
    return dWs, dbs


_BACKWARD_VARIANTS = {
    NO_HIDDEN_PRIME: {"hidden_prime": False},
    NO_OUT_PRIME_BACKWARD: {"out_prime": False},
    FACTOR_2: {"out_factor": 2.0},
    SIGN_DELTA: {"out_factor": -1.0},
    MISSING_1_OVER_M: {"per_m": False},
    DB_SUM: {"db_mean": False},
}

FIXED_DEPTH = ("It looks like backward handles a fixed number of layers: loop over all of them, "
               "for l = L-1, ..., 0, so that it works for any depth.")
BACKWARD_HINTS = {
    "matmul": "Check the shapes in your matrix products (W.T @ delta passes the blame back, delta @ "
              "a_prev.T gives dW). " + FIXED_DEPTH,
    "index out of range": FIXED_DEPTH,
    "broadcast": "Check which products are elementwise (*) and which are matrix products (@).",
}


def _gradient_lists(value, weights, biases) -> tuple[list, list]:
    dWs, dbs = _pair(value, "backward(weights, biases, X, y)", "(dWs, dbs)")
    n_layers = len(weights)
    for name, got, params in (("dWs", dWs, weights), ("dbs", dbs, biases)):
        if not isinstance(got, (list, tuple)):
            raise CheckFailed(f"{name} should be a list with one array per layer, but it is "
                              f"{type(got).__name__}.")
        if len(got) != n_layers:
            raise CheckFailed(f"{name} does not have one entry per layer of the network. "
                              + FIXED_DEPTH)
        shapes = [g.shape if isinstance(g, np.ndarray) else None for g in got]
        want_shapes = [p.shape for p in params]
        if shapes != want_shapes and shapes == want_shapes[::-1]:
            raise CheckFailed(f"{name} looks reversed: index 0 must belong to the FIRST layer "
                              "(weights[0]), the last entry to the output layer.")
    return list(dWs), list(dbs)


def _own_backward(student, weights, biases, X, Y, inline_prime: bool):
    """backward() replayed on the grader's side from the student's own helpers (None if one fails)."""
    _, cache = bp.forward(weights, biases, X)
    zs, acts = cache["z"], cache["a"]

    def own(name, *args):
        answer = try_helper(student, name, *args)
        if answer is None:
            raise LookupError(name)
        return np.asarray(answer[0], dtype=float)

    try:
        delta = own("output_delta", acts[-1], Y)
        dWs, dbs = [None] * len(weights), [None] * len(weights)
        for layer in range(len(weights) - 1, -1, -1):
            pair = try_helper(student, "weight_gradients", delta, acts[layer])
            if pair is None:
                return None
            dWs[layer], dbs[layer] = (np.asarray(g, dtype=float) for g in pair[0])
            if layer > 0:
                if inline_prime:
                    delta = (weights[layer].T @ delta) * own("sigmoid_prime", zs[layer - 1])
                else:
                    delta = own("hidden_delta", weights[layer], delta, zs[layer - 1])
    except (LookupError, TypeError, ValueError, IndexError, KeyError):
        return None
    return dWs, dbs


def _backward_probes(weights, biases, X, Y) -> tuple:
    """The student's helpers with the inputs backward would give them (to explain a crash)."""
    y_hat, cache = bp.forward(weights, biases, X)
    delta = bp.output_delta(y_hat, Y, cache["z"][-1])
    return (("output_delta", (y_hat, Y)), ("weight_gradients", (delta, cache["a"][-2])),
            ("hidden_delta", (weights[-1], delta, cache["z"][-2])))


def _backward_helpers(weights, biases, X, Y) -> tuple:
    """The helpers whose crash explains a crash of backward: those of `_backward_probes`, and
    sigmoid_prime for a backward that writes the hidden delta out itself."""
    _, cache = bp.forward(weights, biases, X)
    return (*_backward_probes(weights, biases, X, Y), ("sigmoid_prime", (cache["z"][-2],)))


def _all_close(got_lists, want_lists) -> bool:
    return all(close_to(g, w) for got, want in zip(got_lists, want_lists, strict=True)
               for g, w in zip(got, want, strict=True))


def _carried_backward(student, weights, biases, X, Y, dWs, dbs, want) -> bool:
    """True (with a note) when backward is right given the student's own wrong helpers."""
    for inline_prime in (False, True):
        own = _own_backward(student, weights, biases, X, Y, inline_prime)
        if own is not None and not _all_close(own, want) and _all_close((dWs, dbs), own):
            carried_note("backward()", " and ".join(_wrong_helpers(student, weights, biases, X, Y))
                         or "helper functions from Parts 1 to 5")
            return True
    return False


def _wrong_helpers(student, weights, biases, X, Y) -> list[str]:
    """Which of the student's helpers give other values than the reference on backward's inputs."""
    y_hat, cache = bp.forward(weights, biases, X)
    z_hidden = cache["z"][-2]
    delta = bp.output_delta(y_hat, Y, cache["z"][-1])
    right = {"output_delta": bp.output_delta(y_hat, Y, cache["z"][-1]),
             "weight_gradients": bp.dense_backward(delta, cache["a"][-2]),
             "hidden_delta": bp.hidden_delta(weights[-1], delta, z_hidden),
             "sigmoid_prime": act.sigmoid_prime(z_hidden)}
    wrong = []
    for (name, args), want in zip((*_backward_probes(weights, biases, X, Y),
                                   ("sigmoid_prime", (z_hidden,))), right.values(), strict=True):
        answer = try_helper(student, name, *args)
        if answer is not None and not all(close_to(g, w) for g, w in
                                          zip(_as_tuple(answer[0]), _as_tuple(want), strict=False)):
            wrong.append(f"{name}()")
    return wrong


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _check_backward(student, weights, biases, X, Y, when: str,
                    square: bool = False) -> tuple[list, list]:
    got = call_when(student, "backward", weights, biases, X, Y, when=when, hints=BACKWARD_HINTS,
                    helpers=_backward_helpers(weights, biases, X, Y))
    dWs, dbs = _gradient_lists(got, weights, biases)
    _, want_dWs, want_dbs = bp.loss_and_gradients(weights, biases, X, Y)
    if _carried_backward(student, weights, biases, X, Y, dWs, dbs, (want_dWs, want_dbs)):
        return dWs, dbs
    variants = dict(_BACKWARD_VARIANTS)
    if square:
        variants[TRANSPOSED_W] = {"transpose": True}
    wrong = {message: _variant_backward(weights, biases, X, Y, **flags)
             for message, flags in variants.items()}
    for layer in range(len(weights) - 1, -1, -1):  # output layer first, like the backward pass
        for name, got_list, want_list, index in (("dWs", dWs, want_dWs, 0),
                                                 ("dbs", dbs, want_dbs, 1)):
            label = f"{name}[{layer}] of backward"
            if name == "dbs" and isinstance(got_list[layer], np.ndarray) \
                    and got_list[layer].shape == (want_list[layer].shape[0],):
                raise CheckFailed(f"{label} has shape (n,) but must have the bias shape (n, 1): "
                                  "use np.mean(delta, axis=1, keepdims=True).")
            value = expect_array(got_list[layer], want_list[layer].shape, label)
            expect_named(value, want_list[layer], label,
                         {msg: w[index][layer] for msg, w in wrong.items()})
    return dWs, dbs


@pytest.mark.grade("test_backward", points=4)
def test_backward_matches_reference_on_a_batch(student, rng):
    sizes = _sizes(rng, 4, 2, 8)
    weights, biases = _params(rng, sizes)
    m = int(rng.integers(4, 9))
    X = rng.normal(0.0, 1.0, size=(sizes[0], m))
    Y = rng.uniform(0.0, 1.0, size=(sizes[-1], m))
    _check_backward(student, weights, biases, X, Y,
                    "on a batch in a network of three layers")


@pytest.mark.grade("test_backward", points=4)
def test_backward_passes_a_numerical_gradient_check(student, rng):
    sizes = _sizes(rng, 3, 2, 7)
    weights, biases = _params(rng, sizes)
    m = int(rng.integers(3, 8))
    X = rng.normal(0.0, 1.0, size=(sizes[0], m))
    Y = rng.uniform(0.0, 1.0, size=(sizes[-1], m))
    got = call_when(student, "backward", weights, biases, X, Y,
                    when="on a batch in a network of two layers", hints=BACKWARD_HINTS,
                    helpers=_backward_helpers(weights, biases, X, Y))
    dWs, dbs = _gradient_lists(got, weights, biases)
    _, want_dWs, want_dbs = bp.loss_and_gradients(weights, biases, X, Y)
    if _carried_backward(student, weights, biases, X, Y, dWs, dbs,
                         (want_dWs, want_dbs)):
        return
    wrong = {message: _variant_backward(weights, biases, X, Y, **flags)
             for message, flags in _BACKWARD_VARIANTS.items()}
    for layer in range(len(weights)):
        def loss_of_W(W, layer=layer):
            return bp.network_loss(weights[:layer] + [W] + weights[layer + 1:], biases, X, Y)

        def loss_of_b(b, layer=layer):
            return bp.network_loss(weights, biases[:layer] + [b] + biases[layer + 1:], X, Y)

        dW = expect_array(dWs[layer], weights[layer].shape, f"dWs[{layer}] of backward")
        expect_gradient(dW, loss_of_W, weights[layer], f"dWs[{layer}] of backward",
                        mistakes={msg: w[0][layer] for msg, w in wrong.items()})
        db = expect_array(dbs[layer], biases[layer].shape, f"dbs[{layer}] of backward")
        expect_gradient(db, loss_of_b, biases[layer], f"dbs[{layer}] of backward",
                        mistakes={msg: w[1][layer] for msg, w in wrong.items()})


@pytest.mark.grade("test_backward", points=2)
def test_backward_on_square_layers_of_another_depth(student, rng):
    n = int(rng.integers(3, 6))
    depth = int(rng.integers(4, 6))
    weights, biases = _params(rng, [n] * (depth + 1))
    m = int(rng.integers(4, 9))
    X = rng.normal(0.0, 1.0, size=(n, m))
    Y = rng.uniform(0.0, 1.0, size=(n, m))
    _check_backward(student, weights, biases, X, Y,
                    "on a deeper network whose layers all have the same size", square=True)


# ------------------------------------------------------------------ part 8


def _count_mistakes(sizes: list[int]) -> dict:
    weights_only = sum(a * b for a, b in pairwise(sizes))
    return {
        "It looks like only the weights were counted: every unit after the input also has a bias.":
            weights_only,
        "It looks like the input layer got biases too: only layers 1..L have biases.":
            bp.count_parameters(sizes) + sizes[0],
        "It looks like the biases were counted but not the weights (n_l * n_{l-1} per layer).":
            sum(sizes[1:]),
        "It looks like the lecture's answer is hard-coded: count the parameters of the network "
        "described by layer_sizes.": 111,
    }


def _check_count(student, sizes: list[int]) -> None:
    got = expect_int(student.call("count_parameters", sizes), "count_parameters(layer_sizes)")
    expect_close(got, bp.count_parameters(sizes), "count_parameters(layer_sizes)",
                 mistakes=_count_mistakes(sizes))


@pytest.mark.grade("test_count_parameters", points=1)
def test_count_parameters_lecture_network(student):
    _check_count(student, [4, 10, 5, 1])


@pytest.mark.grade("test_count_parameters", points=1)
def test_count_parameters_random_networks(student, rng):
    for _ in range(2):
        depth = int(rng.integers(2, 7))
        _check_count(student, [int(n) for n in rng.integers(1, 40, size=depth)])


# ------------------------------------------------------------------ part 9


def _check_bound(student, n_layers: int) -> None:
    got = expect_float(student.call("sigmoid_gradient_bound", n_layers),
                       "sigmoid_gradient_bound(n_layers)")
    want = van.sigmoid_bound(n_layers)
    if got <= 0.0:
        raise CheckFailed("sigmoid_gradient_bound(n_layers) must be positive: it is 0.25 ** n_layers.")
    # compare ratios, so that 0.25 ** 20 ~ 1e-12 is judged as strictly as 0.25
    expect_close(got / want, 1.0, "sigmoid_gradient_bound(n_layers)", mistakes={
        "It looks like 0.5 ** n was used: 0.5 = sigma(0) is the sigmoid's value at 0, its largest "
        "slope is sigma'(0) = 0.25.": 0.5**n_layers / want,
        "It looks like 0.25 * n was used: the factors multiply, so the bound is 0.25 ** n.":
            0.25 * n_layers / want,
        "It looks like an off-by-one: n layers give n factors, 0.25 ** n.":
            0.25 ** (n_layers - 1) / want,
        "It looks like an off-by-one: n layers give n factors, 0.25 ** n (not n + 1).":
            0.25 ** (n_layers + 1) / want,
    })


@pytest.mark.grade("test_sigmoid_gradient_bound", points=1)
def test_sigmoid_gradient_bound_lecture_table(student):
    for n_layers in (1, 5, 10, 20):
        _check_bound(student, n_layers)


@pytest.mark.grade("test_sigmoid_gradient_bound", points=1)
def test_sigmoid_gradient_bound_other_depths(student, rng):
    for n_layers in (0, int(rng.integers(2, 40))):
        _check_bound(student, n_layers)
