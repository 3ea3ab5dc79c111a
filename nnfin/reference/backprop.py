"""Backpropagation for a fully connected network, in the lecture's notation.

Notation (one example per *column*)::

    a(0) = X                              X      : (n_0, m)
    z(l) = W(l) a(l-1) + b(l)             W(l)   : (n_l, n_{l-1}),  b(l) : (n_l, 1)
    a(l) = act(z(l))                      z, a   : (n_l, m)
    y_hat = a(L)                          y      : (n_L, m)

Parameters travel as two lists, ``weights`` and ``biases``; index 0 is the
first layer, so ``weights[l - 1]`` is the lecture's ``W(l)``. Hidden layers
share one activation, the output layer has its own.

Loss: the half squared error averaged over the batch (the lecture's 2-2-1
convention)::

    L = 1/(2m) * sum_i sum_k (y_ki - y_hat_ki)^2

The 1/2 cancels the 2 of the derivative, so the output error signal is, per
example and *not* divided by m::

    delta(L) = (y_hat - y) * act_out'(z(L))      sigmoid: (y_hat - y) sigma'(z(L))
                                                 linear:  y_hat - y
    delta(l) = (W(l+1)^T delta(l+1)) * act'(z(l))

The 1/m of the batch mean enters once, in the parameter gradients::

    dL/dW(l) = delta(l) a(l-1)^T / m             (n_l, n_{l-1})
    dL/db(l) = mean of delta(l) over the batch   (n_l, 1)

Nothing here mutates its inputs: updates return new lists of new arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from numpy.typing import ArrayLike

from nnfin.numerics import DTYPE, rng_for
from nnfin.reference.activations import get_activation

Params = list[np.ndarray]
Cache = dict[str, list[np.ndarray]]


# ---------------------------------------------------------------- helpers


def _as_matrix(x: ArrayLike, name: str) -> np.ndarray:
    """float64 2-D view of ``x``; a 1-D array here is almost always a bug."""
    arr = np.asarray(x, dtype=DTYPE)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (features, examples), got shape {arr.shape}")
    return arr


def _check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Refuse silent broadcasting, e.g. (m,) against (1, m) turning into (m, m)."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} has shape {a.shape} but {name_b} has {b.shape}")


def _check_layer_sizes(layer_sizes: Sequence[int]) -> list[int]:
    sizes = [int(n) for n in layer_sizes]
    if len(sizes) < 2 or any(n < 1 for n in sizes):
        raise ValueError(
            f"layer_sizes needs at least an input and an output size, all >= 1; got {layer_sizes!r}"
        )
    return sizes


def _check_params(
    weights: Sequence[ArrayLike], biases: Sequence[ArrayLike]
) -> tuple[Params, Params]:
    """float64 views of the parameters, after checking the layer shapes chain up."""
    if len(weights) != len(biases) or len(weights) == 0:
        raise ValueError(
            f"need one bias per weight matrix; got {len(weights)} weights and {len(biases)} biases"
        )
    ws = [_as_matrix(W, f"weights[{i}]") for i, W in enumerate(weights)]
    bs = [_as_matrix(b, f"biases[{i}]") for i, b in enumerate(biases)]
    for i, (W, b) in enumerate(zip(ws, bs, strict=True)):
        if b.shape != (W.shape[0], 1):
            raise ValueError(
                f"biases[{i}] must have shape {(W.shape[0], 1)} to match weights[{i}] "
                f"{W.shape}, got {b.shape}"
            )
        if i > 0 and W.shape[1] != ws[i - 1].shape[0]:
            raise ValueError(
                f"weights[{i}] expects {W.shape[1]} inputs but layer {i - 1} has "
                f"{ws[i - 1].shape[0]} units"
            )
    return ws, bs


# ---------------------------------------------------------- initialisation


def init_params(
    layer_sizes: Sequence[int],
    seed: int | None = None,
    scale: str | float = "xavier",
) -> tuple[Params, Params]:
    """Random weights and zero biases for a network with the given layer sizes.

    ``layer_sizes = [n_0, n_1, ..., n_L]``. Weights are drawn from a normal
    distribution with standard deviation

    * ``"xavier"`` (Glorot): sqrt(2 / (n_{l-1} + n_l)), keeps the signal size
      roughly constant through sigmoid/tanh layers;
    * ``"he"``: sqrt(2 / n_{l-1}), the same idea for ReLU, which zeroes half
      of its inputs;
    * a float: that standard deviation directly.

    Random (not constant) weights break the symmetry between hidden units;
    biases start at zero with shape (n_l, 1). ``seed=None`` uses the course
    default seed, so the result is always reproducible.
    """
    sizes = _check_layer_sizes(layer_sizes)
    rng = rng_for(seed)
    weights: Params = []
    biases: Params = []
    for n_in, n_out in pairwise(sizes):
        if isinstance(scale, str):
            if scale == "xavier":
                std = np.sqrt(2.0 / (n_in + n_out))
            elif scale == "he":
                std = np.sqrt(2.0 / n_in)
            else:
                raise ValueError(f"unknown scale {scale!r}; use 'xavier', 'he' or a float")
        else:
            std = float(scale)
        weights.append(rng.normal(0.0, std, size=(n_out, n_in)).astype(DTYPE))
        biases.append(np.zeros((n_out, 1), dtype=DTYPE))
    return weights, biases


def count_parameters(layer_sizes: Sequence[int]) -> int:
    """Number of weights and biases: sum over layers of n_l * n_{l-1} + n_l.

    The lecture's 4-10-5-1 network has (40 + 10) + (50 + 5) + (5 + 1) = 111.
    """
    sizes = _check_layer_sizes(layer_sizes)
    return sum(n_out * n_in + n_out for n_in, n_out in pairwise(sizes))


# ------------------------------------------------------- one dense layer


def dense_forward(W: ArrayLike, b: ArrayLike, a_prev: ArrayLike) -> np.ndarray:
    """Pre-activation z = W a_prev + b.

    W: (n_l, n_{l-1}), b: (n_l, 1), a_prev: (n_{l-1}, m) -> z: (n_l, m).
    The bias column is broadcast across the m examples, which is why it must
    be (n_l, 1): a flat (n_l,) bias would broadcast along the wrong axis.
    """
    W = _as_matrix(W, "W")
    b = _as_matrix(b, "b")
    a_prev = _as_matrix(a_prev, "a_prev")
    if b.shape != (W.shape[0], 1):
        raise ValueError(f"b must have shape {(W.shape[0], 1)}, got {b.shape}")
    if a_prev.shape[0] != W.shape[1]:
        raise ValueError(f"W is {W.shape} but a_prev has {a_prev.shape[0]} rows")
    return W @ a_prev + b


def dense_backward(delta: ArrayLike, a_prev: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of the batch-mean loss for one layer, given its error signal.

    delta: (n_l, m) holds dL_i/dz(l) per example i (no 1/m in it),
    a_prev: (n_{l-1}, m) is the layer's input. Returns

    * dW = delta a_prev^T / m, shape (n_l, n_{l-1}): the matrix product sums
      "error x input" over the batch, dividing by m turns the sum into the mean;
    * db = mean of delta over the batch axis, shape (n_l, 1).
    """
    delta = _as_matrix(delta, "delta")
    a_prev = _as_matrix(a_prev, "a_prev")
    if delta.shape[1] != a_prev.shape[1]:
        raise ValueError(f"delta has {delta.shape[1]} examples but a_prev has {a_prev.shape[1]}")
    m = delta.shape[1]
    dW = delta @ a_prev.T / m
    db = np.mean(delta, axis=1, keepdims=True)
    return dW, db


# ------------------------------------------------------ the whole network


def forward(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    hidden_activation: str = "sigmoid",
    output_activation: str = "sigmoid",
) -> tuple[np.ndarray, Cache]:
    """Forward pass, keeping what the backward pass needs.

    X: (n_0, m). Returns ``y_hat`` of shape (n_L, m) and the cache
    ``{"z": [z(1), ..., z(L)], "a": [X, a(1), ..., a(L)]}`` (so ``a[l]`` is
    the lecture's a(l) and ``z[l - 1]`` its z(l)).
    """
    ws, bs = _check_params(weights, biases)
    a = _as_matrix(X, "X")
    if a.shape[0] != ws[0].shape[1]:
        raise ValueError(f"X has {a.shape[0]} features but weights[0] expects {ws[0].shape[1]}")
    act_hidden, _ = get_activation(hidden_activation)
    act_out, _ = get_activation(output_activation)
    zs: list[np.ndarray] = []
    activations: list[np.ndarray] = [a.copy()]
    n_layers = len(ws)
    for layer, (W, b) in enumerate(zip(ws, bs, strict=True)):
        z = dense_forward(W, b, a)
        act = act_out if layer == n_layers - 1 else act_hidden
        a = act(z)
        zs.append(z)
        activations.append(a)
    return a, {"z": zs, "a": activations}


def output_delta(
    y_hat: ArrayLike,
    y: ArrayLike,
    z_out: ArrayLike,
    activation: str = "sigmoid",
) -> np.ndarray:
    """Output error signal delta(L) = (y_hat - y) * act'(z(L)), per example.

    All arguments are (n_L, m). For a sigmoid output this is the lecture's
    (y_hat - y) sigma'(z(L)); for a linear output it is simply y_hat - y.
    It is the derivative of the per-example loss 1/2 ||y - y_hat||^2 with
    respect to z(L): the 1/2 cancels the 2, and there is no 1/m here
    (that comes in :func:`dense_backward`).
    """
    y_hat = np.asarray(y_hat, dtype=DTYPE)
    y = np.asarray(y, dtype=DTYPE)
    z_out = np.asarray(z_out, dtype=DTYPE)
    _check_same_shape(y_hat, y, "y_hat", "y")
    _check_same_shape(z_out, y, "z_out", "y")
    _, act_prime = get_activation(activation)
    return (y_hat - y) * act_prime(z_out)


def sigmoid_output_delta(y_hat: ArrayLike, y: ArrayLike) -> np.ndarray:
    """delta(L) of a sigmoid output from its activations alone: (y_hat - y) y_hat (1 - y_hat).

    The same as :func:`output_delta` with ``z_out``: since y_hat = sigma(z(L)) already,
    sigma'(z(L)) = y_hat (1 - y_hat), so z(L) is not needed. Per example, no 1/m.
    """
    y_hat = np.asarray(y_hat, dtype=DTYPE)
    y = np.asarray(y, dtype=DTYPE)
    _check_same_shape(y_hat, y, "y_hat", "y")
    return (y_hat - y) * y_hat * (1.0 - y_hat)


def hidden_delta(
    W_next: ArrayLike,
    delta_next: ArrayLike,
    z: ArrayLike,
    activation: str = "sigmoid",
) -> np.ndarray:
    """Hidden error signal delta(l) = (W(l+1)^T delta(l+1)) * act'(z(l)).

    W_next: (n_{l+1}, n_l), delta_next: (n_{l+1}, m), z: (n_l, m) -> (n_l, m).
    The transpose sends each downstream error back along the weights it came
    through (blame assignment); act'(z(l)) scales it by the local slope.
    """
    W_next = _as_matrix(W_next, "W_next")
    delta_next = _as_matrix(delta_next, "delta_next")
    z = _as_matrix(z, "z")
    if W_next.shape[0] != delta_next.shape[0]:
        raise ValueError(f"W_next is {W_next.shape} but delta_next is {delta_next.shape}")
    _, act_prime = get_activation(activation)
    back = W_next.T @ delta_next
    _check_same_shape(back, z, "W_next.T @ delta_next", "z")
    return back * act_prime(z)


def backward(
    weights: Sequence[ArrayLike],
    cache: Cache,
    y: ArrayLike,
    hidden_activation: str = "sigmoid",
    output_activation: str = "sigmoid",
) -> tuple[Params, Params]:
    """Backward pass: gradients of the batch-mean half squared error.

    ``cache`` comes from :func:`forward` with the same parameters and
    activations; y: (n_L, m). Returns ``(dWs, dbs)`` shaped like
    ``weights`` and ``biases`` (index 0 = first layer). The biases themselves
    are not needed: they only shift z, which the cache already holds.
    """
    ws = [_as_matrix(W, f"weights[{i}]") for i, W in enumerate(weights)]
    zs, acts = cache["z"], cache["a"]
    if not (len(ws) == len(zs) == len(acts) - 1):
        raise ValueError("cache does not match the number of layers in weights")
    y = _as_matrix(y, "y")
    dWs: Params = []
    dbs: Params = []
    delta = output_delta(acts[-1], y, zs[-1], output_activation)
    for layer in reversed(range(len(ws))):  # output layer first
        dW, db = dense_backward(delta, acts[layer])
        dWs.insert(0, dW)
        dbs.insert(0, db)
        if layer > 0:
            delta = hidden_delta(ws[layer], delta, zs[layer - 1], hidden_activation)
    return dWs, dbs


def network_loss(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    y: ArrayLike,
    hidden_activation: str = "sigmoid",
    output_activation: str = "sigmoid",
) -> float:
    """L = 1/(2m) sum (y - y_hat)^2 as a Python float.

    Squared errors are summed over the n_L outputs and averaged over the m
    examples (columns); for one output and one example this is the lecture's
    L = 1/2 (y - y_hat)^2. Note the 1/2: this is half the MSE of the
    loss-function slides, chosen so that the derivative has no factor 2.
    """
    y_hat, _ = forward(weights, biases, X, hidden_activation, output_activation)
    return _half_squared_error(y_hat, _as_matrix(y, "y"))


def _half_squared_error(y_hat: np.ndarray, y: np.ndarray) -> float:
    _check_same_shape(y_hat, y, "y_hat", "y")
    m = y.shape[1]
    return float(np.sum((y - y_hat) ** 2) / (2.0 * m))


def loss_and_gradients(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    y: ArrayLike,
    hidden_activation: str = "sigmoid",
    output_activation: str = "sigmoid",
) -> tuple[float, Params, Params]:
    """Loss and all gradients from one forward and one backward pass.

    Returns ``(L, dWs, dbs)``: the float of :func:`network_loss` and the
    gradient lists of :func:`backward`.
    """
    y_hat, cache = forward(weights, biases, X, hidden_activation, output_activation)
    y = _as_matrix(y, "y")
    loss = _half_squared_error(y_hat, y)
    dWs, dbs = backward(weights, cache, y, hidden_activation, output_activation)
    return loss, dWs, dbs


def network_gradients(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    y: ArrayLike,
    hidden_activation: str = "sigmoid",
    output_activation: str = "sigmoid",
) -> tuple[Params, Params]:
    """``(dWs, dbs)`` of the batch-mean half squared error: one forward and one backward pass.

    The gradients of :func:`loss_and_gradients` without the loss, as the tuple of two lists
    (index 0 = first layer) that a backward pass over a network's parameters returns.
    """
    _, dWs, dbs = loss_and_gradients(weights, biases, X, y, hidden_activation, output_activation)
    return dWs, dbs


# ---------------------------------------------------------------- updates


def sgd_update(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    dWs: Sequence[ArrayLike],
    dbs: Sequence[ArrayLike],
    lr: float,
) -> tuple[Params, Params]:
    """One gradient-descent step W <- W - lr dW, b <- b - lr db.

    Returns *new* lists of new arrays; the arguments are left untouched, so
    the caller can still compare the parameters before and after the step.
    """
    ws, bs = _check_params(weights, biases)
    if len(dWs) != len(ws) or len(dbs) != len(bs):
        raise ValueError("need exactly one gradient per parameter array")
    new_weights: Params = []
    new_biases: Params = []
    for i, (W, b, dW, db) in enumerate(zip(ws, bs, dWs, dbs, strict=True)):
        dW = np.asarray(dW, dtype=DTYPE)
        db = np.asarray(db, dtype=DTYPE)
        _check_same_shape(dW, W, f"dWs[{i}]", f"weights[{i}]")
        _check_same_shape(db, b, f"dbs[{i}]", f"biases[{i}]")
        new_weights.append(W - lr * dW)
        new_biases.append(b - lr * db)
    return new_weights, new_biases


def train_step(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    y: ArrayLike,
    lr: float,
    hidden_activation: str = "sigmoid",
    output_activation: str = "sigmoid",
) -> tuple[Params, Params, float]:
    """Forward, loss, backward, update: the lecture's one training step.

    Returns ``(new_weights, new_biases, loss_before)`` where ``loss_before``
    is the loss at the *old* parameters (the one the gradients belong to).
    """
    loss, dWs, dbs = loss_and_gradients(weights, biases, X, y, hidden_activation, output_activation)
    new_weights, new_biases = sgd_update(weights, biases, dWs, dbs, lr)
    return new_weights, new_biases, loss
