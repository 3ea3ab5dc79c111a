"""Gradient checking with central differences.

An analytic gradient is trusted only after it agrees with the slope measured
numerically: (f(x + h e_i) - f(x - h e_i)) / 2h for every coordinate i. The
central difference has error O(h^2), so with h = FD_STEP = 1e-6 a correct
float64 gradient agrees to about 1e-7 relative error, well below FD_TOL.
Comparisons use :func:`nnfin.numerics.relative_error`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from nnfin.numerics import FD_STEP, as_float_array, relative_error
from nnfin.reference.backprop import loss_and_gradients, network_loss


def numerical_gradient(
    f: Callable[[np.ndarray], float],
    x: ArrayLike,
    h: float = FD_STEP,
) -> np.ndarray:
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    ``x`` may have any shape; the result has the same shape. ``f`` only ever
    sees private perturbed copies, so ``x`` itself is never modified.
    """
    base = as_float_array(x)
    grad = np.empty_like(base)
    for i in range(base.size):
        plus = base.copy()
        minus = base.copy()
        plus.flat[i] += h
        minus.flat[i] -= h
        grad.flat[i] = (float(f(plus)) - float(f(minus))) / (2.0 * h)
    return grad


def gradient_check(
    f: Callable[[np.ndarray], float],
    grad: Callable[[np.ndarray], ArrayLike] | ArrayLike,
    x: ArrayLike,
    h: float = FD_STEP,
) -> float:
    """Relative error between an analytic gradient and central differences at ``x``.

    ``grad`` is either a function returning the gradient at a point or the
    gradient array already evaluated at ``x``. Below ``FD_TOL`` means they agree.
    """
    point = as_float_array(x)
    analytic = grad(point.copy()) if callable(grad) else grad
    return relative_error(analytic, numerical_gradient(f, point, h))


def network_gradient_check(
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    X: ArrayLike,
    y: ArrayLike,
    hidden_activation: str = "sigmoid",
    output_activation: str = "sigmoid",
    h: float = FD_STEP,
) -> float:
    """Largest relative error between backprop and central differences over all parameters.

    Each parameter array is checked on its own scale, so a wrong gradient in a
    layer with small gradients cannot hide behind a large one elsewhere.
    Keep ReLU pre-activations away from 0 when checking: at the kink the two
    one-sided slopes differ and no finite difference can agree.
    """
    weights = [as_float_array(W) for W in weights]
    biases = [as_float_array(b) for b in biases]
    _, dWs, dbs = loss_and_gradients(weights, biases, X, y, hidden_activation, output_activation)

    def loss_at(ws: list[np.ndarray], bs: list[np.ndarray]) -> float:
        return network_loss(ws, bs, X, y, hidden_activation, output_activation)

    errors: list[float] = []
    for i in range(len(weights)):

        def loss_of_W(W: np.ndarray, i: int = i) -> float:
            return loss_at(weights[:i] + [W] + weights[i + 1 :], biases)

        def loss_of_b(b: np.ndarray, i: int = i) -> float:
            return loss_at(weights, biases[:i] + [b] + biases[i + 1 :])

        errors.append(gradient_check(loss_of_W, dWs[i], weights[i], h))
        errors.append(gradient_check(loss_of_b, dbs[i], biases[i], h))
    return max(errors)
