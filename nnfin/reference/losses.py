"""Loss functions and their gradients with respect to the prediction.

Why this module exists: a network learns by making a single number, the loss,
smaller.  The lecture's regression losses (MSE, RMSE, MAE, Huber), the binary
cross-entropy of classification, and the 1/2-scaled squared error of the 2-2-1
backpropagation example all live here, each next to its derivative
``dL/dy_pred`` so that gradient checks and backpropagation share one source.

Conventions
-----------
* Every function takes ``(y_true, y_pred)`` in that order.  Both must have the
  *same* shape, e.g. ``(m,)`` or ``(m, 1)``; nothing is broadcast, because
  ``(m,) - (m, 1)`` silently becomes an ``(m, m)`` matrix and a wrong loss.
* ``m`` is the number of elements; a loss is the mean over all of them,
  ``L = 1/m sum_i l(y_true_i, y_pred_i)``, returned as a Python ``float``.
* A gradient is ``dL/dy_pred``: a new float64 array of ``y_pred``'s shape.
  Because ``L`` is a mean, every gradient carries the factor ``1/m``.
* Inputs are never modified; everything works on float64 copies.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnfin.numerics import as_float_array

__all__ = [
    "mse",
    "mse_grad",
    "rmse",
    "rmse_grad",
    "mae",
    "mae_grad",
    "huber",
    "huber_grad",
    "worst_day_share",
    "binary_cross_entropy",
    "bce_grad",
    "bce_from_logits",
    "bce_from_logits_grad",
    "half_squared_error",
    "half_squared_error_grad",
]


def _as_pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Float64 copies of both arguments, refusing shapes that would broadcast."""
    t = as_float_array(y_true)
    p = as_float_array(y_pred)
    if t.shape != p.shape:
        raise ValueError(
            f"y_true has shape {t.shape} but y_pred has shape {p.shape}; they must "
            "match exactly (reshape one of them, e.g. y.reshape(-1) or "
            "y.reshape(-1, 1), so that (m,) and (m, 1) are not broadcast to (m, m))"
        )
    if t.size == 0:
        raise ValueError("a loss needs at least one example; got empty arrays")
    return t, p


# ---------------------------------------------------------------------------
# Mean squared error and its square root
# ---------------------------------------------------------------------------


def mse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean squared error ``1/m sum (y - y_hat)^2``: the standard regression loss.

    Squaring makes every error positive and punishes large misses heavily.
    """
    t, p = _as_pair(y_true, y_pred)
    return float(np.mean((t - p) ** 2))


def mse_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    """``dMSE/dy_pred = 2/m (y_pred - y_true)``, same shape as ``y_pred``."""
    t, p = _as_pair(y_true, y_pred)
    return 2.0 * (p - t) / p.size


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Root mean squared error ``sqrt(MSE)``: the typical miss, in ``y``'s units."""
    return float(np.sqrt(mse(y_true, y_pred)))


def rmse_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    """``dRMSE/dy_pred = (y_pred - y_true) / (m RMSE)`` by the chain rule.

    ``d sqrt(u) = du / (2 sqrt(u))`` applied to ``u = MSE``.  At a perfect fit
    (RMSE = 0) the square root has no derivative; we return zeros there, the
    natural choice since the loss is already at its minimum.
    """
    t, p = _as_pair(y_true, y_pred)
    root = np.sqrt(np.mean((t - p) ** 2))
    if root == 0.0:
        return np.zeros_like(p)
    return (p - t) / (p.size * root)


# ---------------------------------------------------------------------------
# Robust alternatives: MAE and Huber
# ---------------------------------------------------------------------------


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error ``1/m sum |y - y_hat|``: less sensitive to outliers."""
    t, p = _as_pair(y_true, y_pred)
    return float(np.mean(np.abs(t - p)))


def mae_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    """``dMAE/dy_pred = sign(y_pred - y_true) / m``.

    ``|r|`` has a kink at ``r = 0``; there we use the subgradient 0 (which is
    what ``np.sign`` gives), so a perfectly predicted example pulls nowhere.
    """
    t, p = _as_pair(y_true, y_pred)
    return np.sign(p - t) / p.size


def _check_delta(delta: float) -> float:
    delta = float(delta)
    if not delta > 0.0:
        raise ValueError(f"Huber delta must be positive, got {delta}")
    return delta


def huber(y_true: ArrayLike, y_pred: ArrayLike, delta: float = 1.0) -> float:
    """Huber loss: quadratic for small errors, linear for large ones.

    With ``r = y_pred - y_true`` each example contributes ``1/2 r^2`` when
    ``|r| <= delta`` and ``delta (|r| - delta/2)`` otherwise; the two pieces meet
    with equal value and slope at ``|r| = delta``.  It behaves like MSE near the
    target and like MAE on outliers, which is why practitioners in finance like
    it.  Returns the mean over all elements.
    """
    delta = _check_delta(delta)
    t, p = _as_pair(y_true, y_pred)
    r = p - t
    a = np.abs(r)
    per_example = np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta))
    return float(np.mean(per_example))


def huber_grad(y_true: ArrayLike, y_pred: ArrayLike, delta: float = 1.0) -> np.ndarray:
    """``dHuber/dy_pred = clip(y_pred - y_true, -delta, delta) / m``.

    Inside the band the slope is the residual ``r`` (as for ``1/2 r^2``),
    outside it is capped at ``delta sign(r)``: an outlier can push only so hard.
    """
    delta = _check_delta(delta)
    t, p = _as_pair(y_true, y_pred)
    return np.clip(p - t, -delta, delta) / p.size


# ---------------------------------------------------------------------------
# Binary cross-entropy
# ---------------------------------------------------------------------------


def worst_day_share(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[float, float]:
    """How much of the MSE and of the MAE the single worst day carries: ``(share_mse, share_mae)``.

    The worst day is the one with the largest absolute error; its share of a mean loss is its
    term over the sum of all terms (``e_max^2 / sum e^2`` and ``|e|_max / sum |e|``), so both
    lie in ``(0, 1]``, and ``1/m`` means every day weighs the same. Ties count one day. Fat
    tails show up as a share of the MSE far above ``1/m``.
    """
    t, p = _as_pair(y_true, y_pred)
    a = np.abs(t - p)
    if not np.any(a):
        raise ValueError("worst_day_share needs at least one nonzero error")
    return float(a.max() ** 2 / np.sum(a**2)), float(a.max() / np.sum(a))


def _check_labels(t: np.ndarray) -> None:
    if not np.all((t >= 0.0) & (t <= 1.0)):
        raise ValueError("y_true must hold labels (or probabilities) in [0, 1]")


def _check_eps(eps: float) -> float:
    eps = float(eps)
    if not 0.0 < eps < 0.5:
        raise ValueError(f"eps must lie in (0, 0.5), got {eps}")
    return eps


def binary_cross_entropy(y_true: ArrayLike, p: ArrayLike, eps: float = 1e-12) -> float:
    """Binary cross-entropy ``-1/m sum [y log p + (1 - y) log(1 - p)]``.

    The loss of buy/sell (yes/no) classification with predicted probability
    ``p``.  A confident wrong answer (``p`` = 0 for ``y`` = 1) would cost
    ``-log 0 = inf``; clipping ``p`` to ``[eps, 1 - eps]`` keeps the loss finite
    (at most ``-log eps``, about 27.6 for the default ``eps``).
    """
    t, q = _as_pair(y_true, p)
    _check_labels(t)
    eps = _check_eps(eps)
    q = np.clip(q, eps, 1.0 - eps)
    return float(-np.mean(t * np.log(q) + (1.0 - t) * np.log1p(-q)))


def bce_grad(y_true: ArrayLike, p: ArrayLike, eps: float = 1e-12) -> np.ndarray:
    """``dBCE/dp = (p - y) / (p (1 - p)) / m``, with ``p`` clipped as in the loss.

    For ``p`` strictly inside ``(eps, 1 - eps)`` this is the exact derivative;
    at the clipped ends it is the derivative evaluated at the clip point, which
    stays finite and still points the right way.
    """
    t, q = _as_pair(y_true, p)
    _check_labels(t)
    eps = _check_eps(eps)
    q = np.clip(q, eps, 1.0 - eps)
    return (q - t) / (q * (1.0 - q)) / q.size


def bce_from_logits(y_true: ArrayLike, z: ArrayLike) -> float:
    """Binary cross-entropy of ``p = sigmoid(z)``, computed from the logit ``z``.

    Per example ``-[y log s(z) + (1 - y) log(1 - s(z))] = log(1 + e^z) - y z``,
    and ``log(1 + e^z) = logaddexp(0, z)`` never overflows, so no clipping is
    needed: this is how libraries compute it in practice.
    """
    t, zz = _as_pair(y_true, z)
    _check_labels(t)
    return float(np.mean(np.logaddexp(0.0, zz) - t * zz))


def bce_from_logits_grad(y_true: ArrayLike, z: ArrayLike) -> np.ndarray:
    """``d/dz = (sigmoid(z) - y) / m``: the famous 'prediction minus target'."""
    t, zz = _as_pair(y_true, z)
    _check_labels(t)
    sigmoid = np.exp(-np.logaddexp(0.0, -zz))  # 1 / (1 + e^-z) without overflow
    return (sigmoid - t) / zz.size


# ---------------------------------------------------------------------------
# The 1/2 convention of the backpropagation example
# ---------------------------------------------------------------------------


def half_squared_error(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean of ``1/2 (y - y_hat)^2``, the loss of the lecture's 2-2-1 example.

    For one example this is ``L = 1/2 (y - y_hat)^2``; the lecture's
    ``y = 1, y_hat = 0.62`` gives ``1/2 * 0.38^2 = 0.0722``.

    Why the 1/2: it cancels the 2 that differentiation brings down, so
    ``dL/dy_hat = y_hat - y`` without a stray factor.  It is exactly half the
    MSE of the loss-function slides, ``half_squared_error = MSE / 2``, and hence
    its gradient is half of ``mse_grad``.  Both have the same minimiser; only
    the effective learning rate differs by a factor 2.  Mixing the two
    conventions is a classic source of gradients that are off by exactly 2.
    """
    t, p = _as_pair(y_true, y_pred)
    return float(np.mean(0.5 * (t - p) ** 2))


def half_squared_error_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    """``dL/dy_pred = (y_pred - y_true) / m``: ``mse_grad`` without the 2."""
    t, p = _as_pair(y_true, y_pred)
    return (p - t) / p.size
