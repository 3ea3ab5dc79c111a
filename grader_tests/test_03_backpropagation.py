"""Hidden checks for assignment 03_backpropagation.

Every expected value comes from nnfin.reference; the "mistakes" are the
reference's values with one classic bug planted, so that feedback can name it.
Inputs are fresh random draws per submission: batches with m > 1, layers of
different sizes (plus square layers where only they reveal a missing
transpose).
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from nnfin.grading.checks.expect import (
    CheckFailed,
    expect_array,
    expect_close,
    expect_float,
    expect_gradient,
    expect_int,
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


@pytest.mark.grade("test_sigmoid", points=2)
def test_sigmoid_matches_reference_on_several_shapes(student, rng):
    for shape in [(int(rng.integers(2, 6)), int(rng.integers(3, 9))), (int(rng.integers(4, 10)),)]:
        z = rng.normal(0.0, 3.0, size=shape)
        got = expect_array(student.call("sigmoid", z), shape, "sigmoid(z)")
        expect_close(got, act.sigmoid(z), "sigmoid(z)", mistakes={
            "It looks like sigma(-z) was computed: check the sign inside exp(-z).": act.sigmoid(-z),
            "It looks like the derivative was returned instead of sigma(z) itself.":
                act.sigmoid_prime(z),
        })


@pytest.mark.grade("test_sigmoid", points=1)
def test_sigmoid_is_stable_for_large_inputs(student, rng):
    big = float(rng.uniform(800.0, 1200.0))
    z = np.array([[-big, -60.0, 0.0], [60.0, big, -big / 2.0]])
    got = expect_array(student.call("sigmoid", z), z.shape, "sigmoid(z) for large |z|")
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


@pytest.mark.grade("test_sigmoid_prime", points=2)
def test_sigmoid_prime_matches_reference(student, rng):
    shape = (int(rng.integers(2, 6)), int(rng.integers(3, 9)))
    z = rng.normal(0.0, 2.5, size=shape)
    s = act.sigmoid(z)
    got = expect_array(student.call("sigmoid_prime", z), shape, "sigmoid_prime(z)")
    expect_close(got, act.sigmoid_prime(z), "sigmoid_prime(z)", mistakes={
        "It looks like sigma(z) itself was returned: the derivative is sigma(z) * (1 - sigma(z)).": s,
        Z_NOT_SIGMA: z * (1.0 - z),
        "It looks like 1 - sigma(z)^2 was used (that resembles tanh's derivative): the sigmoid's "
        "is sigma(z) * (1 - sigma(z)).": 1.0 - s**2,
        "It looks like sigma(z) * (1 + sigma(z)) was used: it is sigma(z) * (1 - sigma(z)).":
            s * (1.0 + s),
    })


@pytest.mark.grade("test_sigmoid_prime", points=1)
def test_sigmoid_prime_peak_and_flat_tails(student, rng):
    big = float(rng.uniform(800.0, 1200.0))
    z = np.array([0.0, big, -big, 3.0, -3.0])
    got = expect_array(student.call("sigmoid_prime", z), z.shape, "sigmoid_prime(z)")
    if not np.all(np.isfinite(got)):
        raise CheckFailed("sigmoid_prime(z) returned NaN or infinity for large |z|: an exp overflowed. "
                          "Compute it from a stable sigmoid (built on exp(-|z|)).")
    expect_close(got, act.sigmoid_prime(z),
                 "sigmoid_prime(z) at z = 0 (the maximum, 0.25) and for large |z| (about 0)",
                 mistakes={Z_NOT_SIGMA: z * (1.0 - z)})


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
    x = float(rng.uniform(-3.0, 3.0))
    got = expect_float(student.call("composite_derivative", x), "composite_derivative(x)")
    expect_close(got, float(cr.composite_derivative(x)), "composite_derivative(x)",
                 mistakes={k: float(v) for k, v in _chain_mistakes(x).items()})


@pytest.mark.grade("test_composite_derivative", points=1)
def test_composite_derivative_of_an_array(student, rng):
    shape = (int(rng.integers(2, 5)), int(rng.integers(2, 6)))
    x = rng.uniform(-3.0, 3.0, size=shape)
    got = expect_array(student.call("composite_derivative", x), shape, "composite_derivative(x)")
    expect_close(got, cr.composite_derivative(x), "composite_derivative(x) on an array",
                 mistakes=_chain_mistakes(x))


# ------------------------------------------------------------------ part 3


def _output_delta_case(student, rng, n_out: int) -> None:
    m = int(rng.integers(4, 10))
    z = rng.normal(0.0, 1.5, size=(n_out, m))
    y_hat = act.sigmoid(z)
    y = rng.uniform(0.0, 1.0, size=(n_out, m))
    got = expect_array(student.call("output_delta", y_hat, y), (n_out, m), "output_delta(y_hat, y)")
    want = bp.output_delta(y_hat, y, z)
    s_again = act.sigmoid(y_hat)
    expect_close(got, want, "output_delta(y_hat, y)", mistakes={
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


def _hidden_delta_case(student, rng, n_next: int, n_here: int) -> None:
    m = int(rng.integers(4, 9))
    W_next = rng.normal(0.0, 1.0, size=(n_next, n_here))
    delta_next = rng.normal(0.0, 0.2, size=(n_next, m))
    z = rng.normal(0.0, 1.5, size=(n_here, m))
    got = expect_array(student.call("hidden_delta", W_next, delta_next, z), (n_here, m),
                       "hidden_delta(W_next, delta_next, z)")
    want = bp.hidden_delta(W_next, delta_next, z)
    back = W_next.T @ delta_next
    mistakes = {
        NO_HIDDEN_PRIME: back,
        Z_NOT_SIGMA: back * z * (1.0 - z),
        SIGMA_NOT_PRIME: back * act.sigmoid(z),
    }
    if n_next == n_here:
        mistakes[TRANSPOSED_W] = (W_next @ delta_next) * act.sigmoid_prime(z)
    expect_close(got, want, "hidden_delta(W_next, delta_next, z)", mistakes=mistakes)


@pytest.mark.grade("test_hidden_delta", points=3)
def test_hidden_delta_on_non_square_layers(student, rng):
    n_next, n_here = _sizes(rng, 2, 1, 7)
    _hidden_delta_case(student, rng, n_next, n_here)


@pytest.mark.grade("test_hidden_delta", points=2)
def test_hidden_delta_on_square_layers(student, rng):
    n = int(rng.integers(3, 6))
    _hidden_delta_case(student, rng, n, n)


# ------------------------------------------------------------------ part 5


def _layer_case(rng):
    n_l, n_prev = _sizes(rng, 2, 2, 7)
    m = int(rng.integers(4, 10))
    delta = rng.normal(0.0, 0.3, size=(n_l, m))
    a_prev = rng.uniform(0.0, 1.0, size=(n_prev, m))
    return delta, a_prev, m


@pytest.mark.grade("test_weight_gradients", points=3)
def test_weight_gradients_dW_on_a_batch(student, rng):
    delta, a_prev, m = _layer_case(rng)
    dW, _ = _pair(student.call("weight_gradients", delta, a_prev), "weight_gradients(delta, a_prev)",
                  "(dW, db)")
    want, _ = bp.dense_backward(delta, a_prev)
    got = expect_array(dW, want.shape, "dW of weight_gradients")
    expect_close(got, want, "dW of weight_gradients", mistakes={
        MISSING_1_OVER_M: want * m,
        "It looks like dW was divided by the number of units instead of the number of examples m.":
            want * m / delta.shape[0],
    })


@pytest.mark.grade("test_weight_gradients", points=2)
def test_weight_gradients_db_on_a_batch(student, rng):
    delta, a_prev, m = _layer_case(rng)
    _, db = _pair(student.call("weight_gradients", delta, a_prev), "weight_gradients(delta, a_prev)",
                  "(dW, db)")
    _, want = bp.dense_backward(delta, a_prev)
    if isinstance(db, np.ndarray) and db.shape == (want.shape[0],):
        raise CheckFailed("db has shape (n,) but it must have the shape of the bias, (n, 1): a flat "
                          "(n,) array broadcasts against an (n, 1) bias into an (n, n) matrix in "
                          "b - eta * db. Use np.mean(delta, axis=1, keepdims=True).")
    got = expect_array(db, want.shape, "db of weight_gradients")
    expect_close(got, want, "db of weight_gradients", mistakes={DB_SUM: want * m})


# ------------------------------------------------------------------ part 6

STEP_KEYS = ("z1", "a1", "z2", "y_hat", "loss", "delta2", "delta1", "dW2", "db2", "dW1", "db1",
             "W2_new", "b2_new", "W1_new", "b1_new")


def _reference_step(W1, b1, W2, b2, X, Y, eta) -> dict:
    """The reference's training step, written like worked_example_step but for any batch."""
    weights, biases = [W1, W2], [b1, b2]
    y_hat, cache = bp.forward(weights, biases, X)
    z1, z2 = cache["z"]
    a1 = cache["a"][1]
    delta2 = bp.output_delta(y_hat, Y, z2)
    dW2, db2 = bp.dense_backward(delta2, a1)
    delta1 = bp.hidden_delta(W2, delta2, z1)
    dW1, db1 = bp.dense_backward(delta1, X)
    (W1_new, W2_new), (b1_new, b2_new) = bp.sgd_update(weights, biases, [dW1, dW2], [db1, db2], eta)
    return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat,
            "loss": bp.network_loss(weights, biases, X, Y),
            "delta2": delta2, "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
            "W1_new": W1_new, "b1_new": b1_new, "W2_new": W2_new, "b2_new": b2_new}


def _step_mistakes(want: dict, params: dict, X, Y, eta: float, m: int) -> dict:
    """For each key, the values the classic mistakes would produce."""
    y_hat, a1, z1, delta2 = want["y_hat"], want["a1"], want["z1"], want["delta2"]
    back = params["W2"].T @ delta2
    z1_global = we.W1 @ X + we.B1
    out = {
        "z1": {GLOBAL_WEIGHTS: z1_global} if z1_global.shape == want["z1"].shape else {},
        "loss": {LOSS_NO_HALF: 2.0 * want["loss"], LOSS_SUM: m * want["loss"]},
        "delta2": {FACTOR_2: 2.0 * delta2, SIGN_DELTA: -delta2, NO_OUT_PRIME: y_hat - Y,
                   DELTA_OVER_M: delta2 / m},
        "delta1": {NO_HIDDEN_PRIME: back, Z_NOT_SIGMA: back * z1 * (1.0 - z1),
                   SIGMA_NOT_PRIME: back * a1},
    }
    for key in ("dW1", "dW2"):
        out[key] = {MISSING_1_OVER_M: m * want[key]}
    for key in ("db1", "db2"):
        out[key] = {DB_SUM: m * want[key]}
    for name, grad in (("W1", "dW1"), ("b1", "db1"), ("W2", "dW2"), ("b2", "db2")):
        old = params[name]
        out[name + "_new"] = {UPDATE_SIGN: old + eta * want[grad], UPDATE_NO_ETA: old - want[grad]}
    return out


def _check_step(student, params: dict, X, Y, eta: float, what: str) -> None:
    args = (params["W1"], params["b1"], params["W2"], params["b2"], X, Y, eta)
    got = student.call("train_step_221", *args)
    want = _reference_step(*args)
    m = X.shape[1]
    if not isinstance(got, dict):
        raise CheckFailed(f"{what} should return a dict, but it returned {type(got).__name__}.")
    missing = [k for k in STEP_KEYS if k not in got]
    if missing:
        raise CheckFailed(f"{what} returned a dict without the key(s) {', '.join(missing)}.")
    mistakes = _step_mistakes(want, params, X, Y, eta, m)
    for key in STEP_KEYS:
        label = f'{what}["{key}"]'
        if key == "loss":
            value = expect_float(got[key], label)
        else:
            value = got[key]
            if isinstance(value, np.ndarray) and value.ndim == 1 and value.size == want[key].shape[0]:
                raise CheckFailed(f"{label} has shape (n,) but must be {want[key].shape}: keep the "
                                  "column shape (n, 1), e.g. np.mean(..., axis=1, keepdims=True).")
            value = expect_array(value, want[key].shape, label)
        expect_close(value, want[key], label, mistakes=mistakes.get(key))


@pytest.mark.grade("test_train_step_221", points=3)
def test_train_step_221_reproduces_the_lecture(student):
    params = {"W1": we.W1, "b1": we.B1, "W2": we.W2, "b2": we.B2}
    _check_step(student, params, we.X, we.Y, we.ETA, "train_step_221 on the lecture's network")


@pytest.mark.grade("test_train_step_221", points=5)
def test_train_step_221_on_a_batch(student, rng):
    m = int(rng.integers(4, 9))
    params = {"W1": rng.normal(0.0, 0.8, size=(2, 2)), "b1": rng.normal(0.0, 0.3, size=(2, 1)),
              "W2": rng.normal(0.0, 0.8, size=(1, 2)), "b2": rng.normal(0.0, 0.3, size=(1, 1))}
    X = rng.normal(0.0, 1.0, size=(2, m))
    Y = rng.uniform(0.0, 1.0, size=(1, m))
    eta = float(rng.uniform(0.05, 0.5))
    _check_step(student, params, X, Y, eta, "train_step_221 on a batch")


# ------------------------------------------------------------------ part 7


def _variant_backward(weights, biases, X, Y, *, out_factor=1.0, hidden_prime=True,
                      transpose=False, per_m=True, db_mean=True):
    """Backpropagation with one planted mistake (all flags at defaults = correct)."""
    _, cache = bp.forward(weights, biases, X)
    zs, acts = cache["z"], cache["a"]
    m = X.shape[1]
    scale = 1.0 / m if per_m else 1.0
    y_hat = acts[-1]
    delta = out_factor * (y_hat - Y) * act.sigmoid_prime(zs[-1])
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
    FACTOR_2: {"out_factor": 2.0},
    SIGN_DELTA: {"out_factor": -1.0},
    MISSING_1_OVER_M: {"per_m": False},
    DB_SUM: {"db_mean": False},
}


def _gradient_lists(value, weights, biases) -> tuple[list, list]:
    dWs, dbs = _pair(value, "backward(weights, biases, X, y)", "(dWs, dbs)")
    n_layers = len(weights)
    for name, got, params in (("dWs", dWs, weights), ("dbs", dbs, biases)):
        if not isinstance(got, (list, tuple)):
            raise CheckFailed(f"{name} should be a list with one array per layer, but it is "
                              f"{type(got).__name__}.")
        if len(got) != n_layers:
            raise CheckFailed(f"{name} has {len(got)} entries but the network has {n_layers} layers: "
                              "return one gradient per layer.")
        shapes = [g.shape if isinstance(g, np.ndarray) else None for g in got]
        want_shapes = [p.shape for p in params]
        if shapes != want_shapes and shapes == want_shapes[::-1]:
            raise CheckFailed(f"{name} looks reversed: index 0 must belong to the FIRST layer "
                              "(weights[0]), the last entry to the output layer.")
    return list(dWs), list(dbs)


def _check_backward(student, weights, biases, X, Y, square: bool = False) -> tuple[list, list]:
    got = student.call("backward", weights, biases, X, Y)
    dWs, dbs = _gradient_lists(got, weights, biases)
    _, want_dWs, want_dbs = bp.loss_and_gradients(weights, biases, X, Y)
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
            expect_close(value, want_list[layer], label,
                         mistakes={msg: w[index][layer] for msg, w in wrong.items()})
    return dWs, dbs


@pytest.mark.grade("test_backward", points=4)
def test_backward_matches_reference_on_a_batch(student, rng):
    sizes = _sizes(rng, 4, 2, 8)
    weights, biases = _params(rng, sizes)
    m = int(rng.integers(4, 9))
    X = rng.normal(0.0, 1.0, size=(sizes[0], m))
    Y = rng.uniform(0.0, 1.0, size=(sizes[-1], m))
    _check_backward(student, weights, biases, X, Y)


@pytest.mark.grade("test_backward", points=4)
def test_backward_passes_a_numerical_gradient_check(student, rng):
    sizes = _sizes(rng, 3, 2, 7)
    weights, biases = _params(rng, sizes)
    m = int(rng.integers(3, 8))
    X = rng.normal(0.0, 1.0, size=(sizes[0], m))
    Y = rng.uniform(0.0, 1.0, size=(sizes[-1], m))
    dWs, dbs = _gradient_lists(student.call("backward", weights, biases, X, Y), weights, biases)
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
    _check_backward(student, weights, biases, X, Y, square=True)


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
