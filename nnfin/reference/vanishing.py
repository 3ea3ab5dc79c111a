"""The vanishing-gradient problem, as a bound and as a measurement.

Backpropagation multiplies the error signal by act'(z) once per layer it
passes, delta(l) = (W(l+1)^T delta(l+1)) * act'(z(l)). For the sigmoid
sigma'(z) <= 0.25, so after n layers the activation factors alone are at most
0.25^n: about 1e-6 after 10 layers (Hochreiter, 1991). ReLU's derivative is
exactly 1 where a unit is active, so with He initialisation the gradient
keeps its size from layer to layer.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from nnfin.numerics import DTYPE, rng_for
from nnfin.reference.backprop import init_params, loss_and_gradients

SIGMOID_PRIME_MAX = 0.25
"""sigma'(0) = sigma(0)(1 - sigma(0)) = 0.5 * 0.5, the largest slope of the sigmoid."""

_INIT_FOR = {"sigmoid": "xavier", "tanh": "xavier", "relu": "he"}
"""Initialisation suited to each hidden activation (Glorot for saturating ones, He for ReLU)."""


def sigmoid_bound(n_layers: int) -> float:
    """Upper bound 0.25^n on the product of n sigmoid derivatives."""
    if n_layers < 0:
        raise ValueError(f"n_layers must be >= 0, got {n_layers}")
    return SIGMOID_PRIME_MAX**n_layers


def sigmoid_bound_table(depths: Iterable[int] = (1, 5, 10, 20)) -> dict[int, float]:
    """The lecture's table: depth -> 0.25^depth (0.25, ~1e-3, ~1e-6, ~1e-12)."""
    return {int(n): sigmoid_bound(int(n)) for n in depths}


def layer_gradient_norms(
    n_layers: int = 10,
    width: int = 32,
    activation: str = "sigmoid",
    m: int = 64,
    seed: int | None = None,
) -> np.ndarray:
    """Frobenius norm of dL/dW(l) for every layer of a freshly initialised deep network.

    The network has ``n_layers`` dense layers: ``n_layers - 1`` hidden layers of
    ``width`` units with ``activation`` and one linear output unit; the input
    also has ``width`` features. Inputs and targets are standard normal
    (X: (width, m), y: (1, m)). Weights use Xavier/Glorot initialisation for
    sigmoid/tanh and He for ReLU, so any decay comes from the activation, not
    from a badly scaled start. Returns shape (n_layers,), index 0 = first
    layer (nearest the input). For sigmoid the norms shrink by roughly a
    factor 4 per layer toward the input; for ReLU they stay of similar size.
    """
    if activation not in _INIT_FOR:
        raise ValueError(f"activation must be one of {sorted(_INIT_FOR)}, got {activation!r}")
    if n_layers < 1 or width < 1 or m < 1:
        raise ValueError("n_layers, width and m must all be >= 1")
    rng = rng_for(seed)
    layer_sizes = [width] * n_layers + [1]
    weights, biases = init_params(
        layer_sizes, seed=int(rng.integers(2**31)), scale=_INIT_FOR[activation]
    )
    X = rng.standard_normal((width, m)).astype(DTYPE)
    y = rng.standard_normal((1, m)).astype(DTYPE)
    _, dWs, _ = loss_and_gradients(weights, biases, X, y, activation, "linear")
    return np.array([np.linalg.norm(dW) for dW in dWs], dtype=DTYPE)
