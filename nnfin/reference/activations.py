"""Activation functions and their derivatives, one forward/backward pair each.

Every function is elementwise: it accepts an array of any shape (usually a
pre-activation ``z`` of shape ``(n_l, m)``) and returns a *new* float64 array of
the same shape. Inputs are never modified.

The derivative functions take the pre-activation ``z`` (not the activation
``a``), because that is what the lecture's recursion uses:
``delta(l) = (W(l+1)^T delta(l+1)) * sigma'(z(l))``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from nnfin.numerics import DTYPE

Activation = Callable[[ArrayLike], np.ndarray]
"""An elementwise map from an array to a new float64 array of the same shape."""


def _as_array(z: ArrayLike) -> np.ndarray:
    """View ``z`` as float64 without copying when it already is (we never write to it)."""
    return np.asarray(z, dtype=DTYPE)


def sigmoid(z: ArrayLike) -> np.ndarray:
    """Logistic function sigma(z) = 1 / (1 + exp(-z)), any shape.

    Written with ``exp(-|z|)``, which lies in (0, 1], so it never overflows:
    for z >= 0 we use 1 / (1 + e), for z < 0 the equal form e / (1 + e).
    That keeps z = +-1000 finite and warning-free (0 and 1 exactly).
    """
    z = _as_array(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z: ArrayLike) -> np.ndarray:
    """sigma'(z) = sigma(z) (1 - sigma(z)); at most 0.25, reached at z = 0.

    The bound 0.25 is why a gradient shrinks at least fourfold per sigmoid
    layer it flows back through (the vanishing-gradient problem).
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: ArrayLike) -> np.ndarray:
    """Hyperbolic tangent, a zero-centred sigmoid with range (-1, 1)."""
    return np.tanh(_as_array(z))


def tanh_prime(z: ArrayLike) -> np.ndarray:
    """tanh'(z) = 1 - tanh(z)^2; at most 1, reached at z = 0."""
    t = np.tanh(_as_array(z))
    return 1.0 - t * t


def relu(z: ArrayLike) -> np.ndarray:
    """Rectified linear unit max(0, z)."""
    z = _as_array(z)
    return np.where(z > 0, z, 0.0)


def relu_prime(z: ArrayLike) -> np.ndarray:
    """ReLU derivative: 1 for z > 0 and 0 for z <= 0.

    ReLU has a kink at z = 0 where no derivative exists; we choose the value 0
    there (the convention of most frameworks). Any value in [0, 1] is a valid
    subgradient, which is also why gradient checks must avoid z = 0.
    For z > 0 the derivative is exactly 1, so ReLU does not shrink gradients.
    """
    return (_as_array(z) > 0).astype(DTYPE)


def identity(z: ArrayLike) -> np.ndarray:
    """Linear (identity) activation, used for regression outputs; returns a copy."""
    return np.array(z, dtype=DTYPE, copy=True)


def identity_prime(z: ArrayLike) -> np.ndarray:
    """Derivative of the identity: ones of the same shape."""
    return np.ones_like(_as_array(z))


ACTIVATIONS: dict[str, tuple[Activation, Activation]] = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "linear": (identity, identity_prime),
}
"""Name -> (activation, derivative) for every activation the course uses."""


def get_activation(name: str) -> tuple[Activation, Activation]:
    """Look up ``(activation, derivative)`` by name, e.g. ``"sigmoid"``.

    Raises ValueError naming the valid choices, so a typo is reported at once
    instead of failing somewhere deep inside a forward pass.
    """
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; choose one of {valid}") from None
