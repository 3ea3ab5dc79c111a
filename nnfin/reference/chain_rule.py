"""The lecture's chain-rule example: f(x) = x^2 and g(x) = 3x + 1.

d/dx f(g(x)) = f'(g(x)) * g'(x) = 2(3x + 1) * 3 = 6(3x + 1).
Backpropagation is this rule applied layer after layer.
All functions are elementwise and work on scalars or arrays of any shape.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnfin.numerics import DTYPE


def inner(x: ArrayLike) -> np.ndarray:
    """g(x) = 3x + 1, the inner function."""
    return 3.0 * np.asarray(x, dtype=DTYPE) + 1.0


def outer(u: ArrayLike) -> np.ndarray:
    """f(u) = u^2, the outer function."""
    u = np.asarray(u, dtype=DTYPE)
    return u * u


def composite(x: ArrayLike) -> np.ndarray:
    """f(g(x)) = (3x + 1)^2."""
    return outer(inner(x))


def composite_derivative(x: ArrayLike) -> np.ndarray:
    """d/dx f(g(x)) = f'(g(x)) g'(x) = 2(3x + 1) * 3 = 6(3x + 1)."""
    outer_slope = 2.0 * inner(x)  # f'(u) = 2u, evaluated at u = g(x)
    inner_slope = 3.0  # g'(x) = 3
    return outer_slope * inner_slope
