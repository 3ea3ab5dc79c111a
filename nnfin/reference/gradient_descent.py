"""Gradient descent on a linear model: the learning loop without a network.

Why this module exists: before backpropagation, the lecture's update rule
``W <- W - eta * grad L`` can be seen working (and failing) on the simplest
model there is, ``y_hat = X w + b`` with the MSE loss.  Its gradient is known
in closed form, its minimum is the least-squares solution, and its loss
surface over two weights is a bowl we can draw.  Here live the loss and its
gradient, a central-difference check, the generic descent loop, a diagnosis
of learning-rate trouble (diverging / too slow / healthy), and mini-batch
training with epochs.

Shapes: examples are *rows*.  ``X`` is ``(m, n)`` (m examples, n features),
``y`` is ``(m,)``, ``w`` is ``(n,)`` and ``b`` is a float.  No function
modifies its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from nnfin.numerics import as_float_array
from nnfin.reference.gradcheck import numerical_gradient  # noqa: F401  (re-exported)

__all__ = [
    "linear_predict",
    "linear_mse",
    "linear_mse_grad",
    "numerical_gradient",
    "gradient_descent",
    "is_diverging",
    "diagnose_loss_history",
    "minibatch_indices",
    "updates_per_epoch",
    "train_linear",
    "loss_grid",
]


# ---------------------------------------------------------------------------
# The model, its loss and its gradient
# ---------------------------------------------------------------------------


def _check_model(X: ArrayLike, w: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    X = as_float_array(X)
    w = as_float_array(w)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (m examples, n features), got shape {X.shape}")
    if w.shape != (X.shape[1],):
        raise ValueError(
            f"w must have shape ({X.shape[1]},) to match X of shape {X.shape}, got {w.shape}"
        )
    return X, w


def _check_targets(X: np.ndarray, y: ArrayLike) -> np.ndarray:
    y = as_float_array(y)
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"y must have shape ({X.shape[0]},), one target per row of X, got {y.shape}"
        )
    if y.size == 0:
        raise ValueError("need at least one example")
    return y


def linear_predict(X: ArrayLike, w: ArrayLike, b: float) -> np.ndarray:
    """Predictions ``y_hat = X w + b``: shape ``(m,)`` for ``X`` ``(m, n)``, ``w`` ``(n,)``."""
    X, w = _check_model(X, w)
    return X @ w + float(b)


def linear_mse(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float) -> float:
    """``L(w, b) = 1/m sum (x_i . w + b - y_i)^2``, the loss gradient descent minimises."""
    X, w = _check_model(X, w)
    y = _check_targets(X, y)
    residual = X @ w + float(b) - y
    return float(np.mean(residual**2))


def linear_mse_grad(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float) -> tuple[np.ndarray, float]:
    """Analytic gradient ``(dL/dw, dL/db)`` of :func:`linear_mse`.

    With the residual ``r = X w + b - y`` (shape ``(m,)``) the chain rule gives
    ``dL/dw = 2/m X^T r`` (shape ``(n,)``) and ``dL/db = 2/m sum r`` (a float):
    each example pulls the weights along its own features, in proportion to
    how wrong it was.
    """
    X, w = _check_model(X, w)
    y = _check_targets(X, y)
    m = X.shape[0]
    residual = X @ w + float(b) - y
    dw = (2.0 / m) * (X.T @ residual)
    db = (2.0 / m) * float(np.sum(residual))
    return dw, db


# ---------------------------------------------------------------------------
# The descent loop and what its loss curve tells us
# ---------------------------------------------------------------------------


def gradient_descent(
    grad_fn: Callable[[np.ndarray], np.ndarray],
    w0: ArrayLike,
    lr: float,
    n_steps: int,
    loss_fn: Callable[[np.ndarray], float],
) -> tuple[np.ndarray, list[float]]:
    """Repeat ``w <- w - lr * grad_fn(w)`` for ``n_steps`` steps.

    Returns the final parameters (a new array of ``w0``'s shape) and the loss
    history ``[L(w0), L(w1), ..., L(w_n_steps)]`` of length ``n_steps + 1``.
    If the loss becomes NaN or infinite (the learning rate was too large and
    the weights exploded) the loop stops there and returns the history so
    far, ending with that non-finite value: further steps could only produce
    more NaNs.  Each update builds a new array; ``w0`` is left untouched.
    """
    if n_steps < 0:
        raise ValueError(f"n_steps must be non-negative, got {n_steps}")
    w = as_float_array(w0)
    with np.errstate(over="ignore", invalid="ignore"):
        history = [float(loss_fn(w.copy()))]
        for _ in range(n_steps):
            if not math.isfinite(history[-1]):
                break
            w = w - lr * as_float_array(grad_fn(w.copy()))
            history.append(float(loss_fn(w.copy())))
    return w, history


DIVERGE_RISE = 0.05
"""Relative rise that counts as a clear increase of the loss."""

DIVERGE_WINDOW = 5
"""Number of consecutive rising steps that signal a run-away loss."""

SLOW_TOL = 0.5
"""A finite, non-diverging run that removed less than this fraction of its
starting loss is called "too slow"."""


def is_diverging(
    history: Sequence[float],
    rise: float = DIVERGE_RISE,
    window: int = DIVERGE_WINDOW,
) -> bool:
    """True if a loss history shows the symptoms of a too-large learning rate.

    The lecture's symptoms: the loss becomes NaN (or infinite), or it goes up
    instead of down.  Concretely, any of

    * a non-finite value anywhere in the history;
    * the last loss exceeds the first by more than ``rise`` (5%) relative;
    * the last ``window`` (5) steps all increased the loss, by more than
      ``rise`` in total: the loss is running away even if it first dropped.

    Small wiggles (mini-batch noise) trigger none of these.
    """
    h = np.asarray(history, dtype=np.float64).ravel()
    if h.size == 0:
        return False
    if not np.all(np.isfinite(h)):
        return True
    if h[-1] > (1.0 + rise) * h[0] and h[-1] > h[0]:
        return True
    if h.size > window:
        tail = h[-(window + 1) :]
        if np.all(np.diff(tail) > 0.0) and tail[-1] > (1.0 + rise) * tail[0]:
            return True
    return False


def diagnose_loss_history(history: Sequence[float], slow_tol: float = SLOW_TOL) -> str:
    """Name what a training curve says about the learning rate.

    Returns exactly one of

    * ``"diverging"`` if :func:`is_diverging` (learning rate too large:
      halve it);
    * ``"too slow"`` if the loss stayed finite but fell by less than
      ``slow_tol`` (default 50%) of its starting value,
      ``(L_first - L_last) / L_first < slow_tol`` (learning rate too small,
      or too few steps);
    * ``"healthy"`` otherwise.

    The 50% threshold assumes the run starts well above the best achievable
    loss, as it does from zero or random weights on a problem with a clear
    signal; a run that starts at the minimum already (``L_first == 0``) is
    healthy.
    """
    h = np.asarray(history, dtype=np.float64).ravel()
    if h.size == 0:
        raise ValueError("cannot diagnose an empty loss history")
    if is_diverging(h):
        return "diverging"
    first, last = float(h[0]), float(h[-1])
    if first == 0.0:
        return "healthy"
    relative_drop = (first - last) / abs(first)
    if relative_drop < slow_tol:
        return "too slow"
    return "healthy"


# ---------------------------------------------------------------------------
# Mini-batches and epochs
# ---------------------------------------------------------------------------


def minibatch_indices(n_samples: int, batch_size: int, seed: int) -> list[np.ndarray]:
    """Shuffle ``0 .. n_samples-1`` with ``seed`` and cut into consecutive batches.

    Every index appears in exactly one batch; all batches have ``batch_size``
    indices except possibly the last, which holds the remainder.  So
    ``batch_size = 1`` is stochastic gradient descent, ``batch_size =
    n_samples`` (or more) is full-batch gradient descent, and the number of
    batches is :func:`updates_per_epoch`.  The shuffle is
    ``np.random.default_rng(seed).permutation(n_samples)``: the same seed
    gives the same batches.
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be positive, got {n_samples}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    order = np.random.default_rng(seed).permutation(n_samples)
    return [order[start : start + batch_size].copy() for start in range(0, n_samples, batch_size)]


def updates_per_epoch(n_samples: int, batch_size: int) -> int:
    """Weight updates in one pass over the data: ``ceil(n_samples / batch_size)``.

    The lecture's example: 10,000 samples in batches of 100 give 100 updates.
    No samples make no batch, so ``updates_per_epoch(0, batch_size) == 0``.
    """
    if n_samples < 0 or batch_size < 1:
        raise ValueError("n_samples must be non-negative and batch_size positive")
    return -(-n_samples // batch_size)


def train_linear(
    X: ArrayLike,
    y: ArrayLike,
    batch_size: int,
    lr: float,
    epochs: int,
    seed: int,
    w0: ArrayLike | None = None,
    b0: float = 0.0,
) -> dict:
    """Mini-batch gradient descent on the linear model with MSE loss.

    Each epoch shuffles the examples afresh with seed ``seed + epoch``
    (epoch = 0, 1, ...) via :func:`minibatch_indices`, so runs are
    reproducible yet every epoch sees a different order.  Each batch makes one
    update with the batch's own gradient, ``linear_mse_grad`` on those rows:
    ``w <- w - lr dw``, ``b <- b - lr db``.  Weights start at ``w0`` (zeros if
    ``None``) and ``b0``.

    Returns a dict with

    * ``"w"``: final weights, shape ``(n,)``; ``"b"``: final bias, a float;
    * ``"loss_history"``: full-data MSE before training and after each epoch,
      a list of ``epochs + 1`` floats (shorter if the loss became NaN/inf, in
      which case training stops after that epoch);
    * ``"n_updates"``: how many updates were made,
      ``epochs * updates_per_epoch(m, batch_size)`` for a complete run.
    """
    X_arr = as_float_array(X)
    if X_arr.ndim != 2:
        raise ValueError(f"X must be 2-D (m examples, n features), got shape {X_arr.shape}")
    y_arr = _check_targets(X_arr, y)
    m, n = X_arr.shape
    w = np.zeros(n) if w0 is None else as_float_array(w0)
    if w.shape != (n,):
        raise ValueError(f"w0 must have shape ({n},), got {w.shape}")
    b = float(b0)
    if epochs < 0:
        raise ValueError(f"epochs must be non-negative, got {epochs}")

    n_updates = 0
    with np.errstate(over="ignore", invalid="ignore"):
        history = [linear_mse(X_arr, y_arr, w, b)]
        for epoch in range(epochs):
            for idx in minibatch_indices(m, batch_size, seed + epoch):
                dw, db = linear_mse_grad(X_arr[idx], y_arr[idx], w, b)
                w = w - lr * dw
                b = b - lr * db
                n_updates += 1
            history.append(linear_mse(X_arr, y_arr, w, b))
            if not math.isfinite(history[-1]):
                break
    return {"w": w, "b": float(b), "loss_history": history, "n_updates": n_updates}


def loss_grid(
    X: ArrayLike,
    y: ArrayLike,
    w0_values: ArrayLike,
    w1_values: ArrayLike,
    b: float = 0.0,
) -> np.ndarray:
    """MSE of a 2-feature linear model at every point of a weight grid.

    ``X`` is ``(m, 2)``, ``w0_values`` has length ``k0`` and ``w1_values``
    length ``k1``.  Returns ``Z`` of shape ``(k1, k0)`` with
    ``Z[i, j] = linear_mse(X, y, [w0_values[j], w1_values[i]], b)``, the
    layout of ``np.meshgrid(w0_values, w1_values)``, so
    ``plt.contour(w0_values, w1_values, Z)`` draws the loss surface of the
    lecture directly.  Vectorised by broadcasting the residuals to
    ``(k1, k0, m)``; keep grids modest for large ``m``.
    """
    X_arr = as_float_array(X)
    if X_arr.ndim != 2 or X_arr.shape[1] != 2:
        raise ValueError(f"X must have shape (m, 2) for a 2-weight grid, got {X_arr.shape}")
    y_arr = _check_targets(X_arr, y)
    a = as_float_array(w0_values).ravel()
    c = as_float_array(w1_values).ravel()
    residual = (
        a[None, :, None] * X_arr[None, None, :, 0]
        + c[:, None, None] * X_arr[None, None, :, 1]
        + float(b)
        - y_arr[None, None, :]
    )
    return np.mean(residual**2, axis=-1)
