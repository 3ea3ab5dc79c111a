"""Mini-batch training of a small network, with validation and early stopping.

Rows versus columns: data sets in this course keep one example per *row*
(``X`` is (m, n_features), ``y`` is (m,)), while the network follows the
lecture's ``z = W a + b`` with one example per *column*. ``train_mlp``
accepts rows, like everything in :mod:`nnfin.reference.data`, and transposes
once on entry: ``X.T`` is (n_features, m) and ``y`` becomes (1, m).

Epoch numbering: epoch 0 is the untrained network, epoch ``e >= 1`` the
network after ``e`` passes over the training data. The loss curves hold one
entry per epoch, so their index is the epoch and early stopping (see
:mod:`nnfin.reference.early_stopping`) can pick epoch 0 if training never
helps on the validation set.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from nnfin.numerics import DEFAULT_SEED, DTYPE
from nnfin.reference import backprop
from nnfin.reference.data import generate_returns, make_lagged_features
from nnfin.reference.early_stopping import EarlyStopping


def _rows_to_columns(X: ArrayLike, y: ArrayLike, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(m, n) rows and (m,) targets -> (n, m) and (1, m) new float64 arrays."""
    X_arr = np.array(X, dtype=DTYPE)
    y_arr = np.array(y, dtype=DTYPE)
    if X_arr.ndim != 2:
        raise ValueError(f"X_{name} must be 2-D (examples, features), got {X_arr.shape}")
    if y_arr.shape != (X_arr.shape[0],):
        hint = ""
        if y_arr.ndim == 1 and X_arr.shape[1] == y_arr.shape[0]:
            hint = " (X looks transposed: pass one example per row)"
        raise ValueError(
            f"y_{name} must have shape ({X_arr.shape[0]},) to match X_{name} "
            f"{X_arr.shape}, got {y_arr.shape}{hint}"
        )
    return X_arr.T.copy(), y_arr.reshape(1, -1)


def train_epoch(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    lr: float,
    batch_size: int,
    seed: int,
    epoch: int,
    hidden_activation: str = "tanh",
    output_activation: str = "linear",
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """One epoch of mini-batch gradient descent on columns ``X`` (n, m) and ``y`` (1, m).

    The examples are visited in the order ``np.random.default_rng([seed, epoch]).permutation(m)``,
    cut into batches of ``batch_size`` (the last may be smaller); each batch updates every
    parameter by ``- lr`` times its batch-mean gradient before the next batch is computed.
    Returns new lists of new arrays (new_weights, new_biases); the inputs stay unchanged.
    """
    acts = {"hidden_activation": hidden_activation, "output_activation": output_activation}
    weights, biases = list(weights), list(biases)
    m = np.shape(X)[1]
    order = np.random.default_rng([seed, epoch]).permutation(m)
    for start in range(0, m, int(batch_size)):
        batch = order[start : start + int(batch_size)]
        _, dWs, dbs = backprop.loss_and_gradients(weights, biases, X[:, batch], y[:, batch], **acts)
        weights, biases = backprop.sgd_update(weights, biases, dWs, dbs, lr)
    return [np.array(W, dtype=DTYPE) for W in weights], [np.array(b, dtype=DTYPE) for b in biases]


def train_mlp(
    X_train: ArrayLike,
    y_train: ArrayLike,
    X_val: ArrayLike,
    y_val: ArrayLike,
    layer_sizes: Sequence[int],
    lr: float,
    epochs: int,
    batch_size: int,
    seed: int | None = None,
    patience: int | None = None,
    hidden_activation: str = "tanh",
    output_activation: str = "linear",
) -> dict:
    """Train a fully connected network by mini-batch gradient descent.

    Shapes: ``X_train`` (m, n) and ``X_val`` (m_val, n) with one example per
    row, ``y_train`` (m,) and ``y_val`` (m_val,); ``layer_sizes`` starts
    with n and ends with 1. The loss is the half squared error of
    :mod:`nnfin.reference.backprop`, 1/(2m) sum (y - y_hat)^2.

    Randomness, all derived from ``seed`` (``None`` = course default):
    the initial weights come from ``backprop.init_params(layer_sizes, seed)``
    and epoch ``e`` visits the examples in the order
    ``np.random.default_rng([seed, e]).permutation(m)``, cut into batches of
    ``batch_size`` (the last one may be smaller). Same seed, same result.

    After every epoch the full training and validation losses are recorded.
    With ``patience`` set, training stops once the validation loss has not
    improved for ``patience`` epochs; either way the returned parameters are
    those of the best validation epoch. Returns a dict with

    * ``"train_loss"``, ``"val_loss"``: (stop_epoch + 1,) float64, index = epoch,
      index 0 before any update;
    * ``"best_epoch"``, ``"stop_epoch"``: ints (0-based, as above);
    * ``"weights"``, ``"biases"``: lists of arrays from the best epoch;
    * ``"seed"``: the seed used.
    """
    Xt, yt = _rows_to_columns(X_train, y_train, "train")
    Xv, yv = _rows_to_columns(X_val, y_val, "val")
    sizes = [int(s) for s in layer_sizes]
    if sizes[0] != Xt.shape[0] or Xv.shape[0] != Xt.shape[0]:
        raise ValueError(
            f"layer_sizes[0]={sizes[0]} must equal the number of features: "
            f"X_train has {Xt.shape[0]}, X_val has {Xv.shape[0]}"
        )
    if sizes[-1] != 1:
        raise ValueError(f"y is one number per example, so layer_sizes must end in 1, got {sizes}")
    if int(epochs) < 0 or int(batch_size) < 1:
        raise ValueError(f"need epochs >= 0 and batch_size >= 1, got {epochs} and {batch_size}")
    seed = DEFAULT_SEED if seed is None else int(seed)
    acts = {"hidden_activation": hidden_activation, "output_activation": output_activation}

    def losses(ws: list[np.ndarray], bs: list[np.ndarray]) -> tuple[float, float]:
        return (
            backprop.network_loss(ws, bs, Xt, yt, **acts),
            backprop.network_loss(ws, bs, Xv, yv, **acts),
        )

    weights, biases = backprop.init_params(sizes, seed=seed)
    monitor = EarlyStopping(patience)
    train_curve, val_curve = [], []
    best = (weights, biases)
    for epoch in range(int(epochs) + 1):
        if epoch > 0:
            weights, biases = train_epoch(weights, biases, Xt, yt, lr, int(batch_size), seed, epoch, **acts)
        train_loss, val_loss = losses(weights, biases)
        train_curve.append(train_loss)
        val_curve.append(val_loss)
        stop = monitor.update(val_loss)
        if monitor.improved:
            best = (weights, biases)  # sgd_update builds new arrays: no copy needed
        if stop:
            break

    return {
        "train_loss": np.asarray(train_curve, dtype=DTYPE),
        "val_loss": np.asarray(val_curve, dtype=DTYPE),
        "best_epoch": max(monitor.best_epoch, 0),
        "stop_epoch": monitor.epoch,
        "weights": [W.copy() for W in best[0]],
        "biases": [b.copy() for b in best[1]],
        "seed": seed,
    }


def overfitting_demo(seed: int | None = None) -> dict:
    """Thousands of parameters, forty data points: watch the network memorise.

    A [5, 64, 64, 1] tanh network (4,609 parameters) learns next-day returns
    from the five previous returns, with only the first 40 trading days of
    :func:`nnfin.reference.data.generate_returns` for training and the next
    200 days for validation. Features and targets are standardised with the
    *training* mean and standard deviation only (using validation statistics
    would be look-ahead). After enough epochs the training loss is close to
    zero while the validation loss is larger than at the start: the noise
    has been learned as if it were signal.

    Returns the dict of :func:`train_mlp` (without early stopping, so the
    full curves are there) plus ``"layer_sizes"``, ``"n_train"``, ``"n_val"``
    and ``"n_parameters"``.
    """
    layer_sizes = [5, 64, 64, 1]
    n_train, n_val = 40, 200
    data = generate_returns(seed=seed)
    X, y = make_lagged_features(data["returns"], n_lags=5)
    X_train, y_train = X[:n_train], y[:n_train]
    X_val, y_val = X[n_train : n_train + n_val], y[n_train : n_train + n_val]

    mu_x, sd_x = X_train.mean(axis=0), X_train.std(axis=0)
    mu_y, sd_y = y_train.mean(), y_train.std()
    result = train_mlp(
        (X_train - mu_x) / sd_x,
        (y_train - mu_y) / sd_y,
        (X_val - mu_x) / sd_x,
        (y_val - mu_y) / sd_y,
        layer_sizes=layer_sizes,
        lr=0.05,
        epochs=1000,
        batch_size=10,
        seed=data["seed"],
        patience=None,
    )
    result.update(
        layer_sizes=layer_sizes,
        n_train=n_train,
        n_val=n_val,
        n_parameters=backprop.count_parameters(layer_sizes),
    )
    return result
