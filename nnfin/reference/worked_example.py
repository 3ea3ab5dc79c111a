"""The lecture's worked example: one training step of a 2-2-1 sigmoid network.

The lecture fixes the input x = (0.5, 0.8)^T, the target y = 1 and the
learning rate eta = 0.1, and reports y_hat = 0.62, L = 0.072 and
delta(2) = -0.089. It does not give the weights ("current weights
(simplified)"), so the course fixes these::

    W(1) = [[0.5, -0.1],      b(1) = [[0.1],      W(2) = [[0.3, 0.6]]
            [0.4,  0.6]]              [0.2]]      b(2) = [[-0.1]]

They give y_hat = 0.6211, L = 1/2 (1 - y_hat)^2 = 0.0718 and
delta(2) = (y_hat - 1) y_hat (1 - y_hat) = -0.0892, i.e. the lecture's
0.62, 0.072 and -0.089 after rounding. (y_hat = 0.6200 exactly would give
delta(2) = -0.0895, which rounds to -0.090; the slide's numbers are
consistent only for y_hat a little above 0.62.)

L here is *half* the squared error: the 1/2 cancels the 2 of the
derivative, so delta(2) has no factor 2. With a single example (m = 1) the
batch mean in the gradients changes nothing.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnfin.numerics import DTYPE
from nnfin.reference.backprop import (
    dense_backward,
    forward,
    hidden_delta,
    network_loss,
    output_delta,
    sgd_update,
)


def _readonly(values: object) -> np.ndarray:
    """A float64 copy that cannot be changed in place, so no caller can corrupt it."""
    arr = np.array(values, dtype=DTYPE, copy=True)
    arr.flags.writeable = False
    return arr


X = _readonly([[0.5], [0.8]])
"""Input x = (0.5, 0.8)^T as one column, shape (2, 1)."""

Y = _readonly([[1.0]])
"""Target y = 1, shape (1, 1)."""

W1 = _readonly([[0.5, -0.1], [0.4, 0.6]])
"""Hidden-layer weights W(1), shape (2, 2); row j feeds hidden unit j."""

B1 = _readonly([[0.1], [0.2]])
"""Hidden-layer biases b(1), shape (2, 1)."""

W2 = _readonly([[0.3, 0.6]])
"""Output weights W(2), shape (1, 2)."""

B2 = _readonly([[-0.1]])
"""Output bias b(2), shape (1, 1)."""

ETA = 0.1
"""Learning rate eta of the update W <- W - eta dL/dW."""


def train_step_221(
    W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, x: ArrayLike, y: ArrayLike,
    eta: float,
) -> dict[str, np.ndarray | float]:
    """Every intermediate quantity of one training step of a 2-2-1 sigmoid network, as fresh arrays.

    ``x``: (2, m) inputs, one example per column, ``y``: (1, m) targets, ``eta`` the learning
    rate. Shapes: z1, a1, delta1 (2, m); z2, y_hat, delta2 (1, m); dW1, W1_new (2, 2); db1,
    b1_new (2, 1); dW2, W2_new (1, 2); db2, b2_new (1, 1). ``loss`` is the float
    1/(2m) sum (y - y_hat)^2. Computed with the functions of :mod:`nnfin.reference.backprop`,
    so the example and the general code can never disagree; the arguments stay unchanged.
    """
    weights = [W1, W2]
    biases = [b1, b2]
    x = np.asarray(x, dtype=DTYPE)
    y = np.asarray(y, dtype=DTYPE)
    y_hat, cache = forward(weights, biases, x, "sigmoid", "sigmoid")
    z1, z2 = cache["z"]
    a1 = cache["a"][1]
    loss = network_loss(weights, biases, x, y, "sigmoid", "sigmoid")

    delta2 = output_delta(y_hat, y, z2, "sigmoid")  # (y_hat - y) sigma'(z2)
    dW2, db2 = dense_backward(delta2, a1)  # delta2 a1^T / m
    delta1 = hidden_delta(W2, delta2, z1, "sigmoid")  # (W2^T delta2) * sigma'(z1), W2 before the update
    dW1, db1 = dense_backward(delta1, x)  # delta1 x^T / m

    (W1_new, W2_new), (b1_new, b2_new) = sgd_update(weights, biases, [dW1, dW2], [db1, db2], eta)
    return {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "y_hat": y_hat,
        "loss": loss,
        "delta2": delta2,
        "delta1": delta1,
        "dW2": dW2,
        "db2": db2,
        "dW1": dW1,
        "db1": db1,
        "W1_new": W1_new,
        "b1_new": b1_new,
        "W2_new": W2_new,
        "b2_new": b2_new,
    }


def worked_example_step() -> dict[str, np.ndarray | float]:
    """Every intermediate quantity of the lecture's step (m = 1), as fresh arrays.

    Shapes (m = 1): z1, a1, delta1, b1_new, db1 (2, 1); z2, y_hat, delta2, db2,
    b2_new (1, 1); dW1, W1_new (2, 2); dW2, W2_new (1, 2). ``loss`` is a float.
    """
    return train_step_221(W1, B1, W2, B2, X, Y, ETA)
