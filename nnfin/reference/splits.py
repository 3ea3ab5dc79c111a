"""Chronological splits: the past trains, the future judges.

Shuffled K-fold cross-validation lets a model train on 2019 and be tested on
2018, which is look-ahead bias in disguise. With time series the only honest
splits keep time order: training data always comes before the data it is
judged on. All functions here return integer index arrays into a series of
length ``n``, so they work for returns, feature matrices and targets alike.
"""

from __future__ import annotations

import numpy as np


def _check_count(name: str, value: object, minimum: int) -> int:
    """An int of at least ``minimum``; bools and floats are refused."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def chronological_split(
    n: int, train_frac: float = 0.6, val_frac: float = 0.2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split ``0 .. n-1`` into train, validation and test blocks, in that order.

    The lecture's recipe: training 60-80% (fit the weights), validation
    10-20% (tune and watch for overfitting), test the remainder (touch once).
    Block sizes are ``round(train_frac * n)`` and ``round(val_frac * n)``;
    the test block takes what is left, so every index appears exactly once.

    Returns three int arrays of shapes (n_train,), (n_val,), (n_test,) with
    ``max(train) < min(val)`` and ``max(val) < min(test)``.
    """
    n = _check_count("n", n, 3)
    train_frac = float(train_frac)
    val_frac = float(val_frac)
    if not 0.0 < train_frac < 1.0:
        raise ValueError(f"train_frac must be in (0, 1), got {train_frac}")
    if not 0.0 < val_frac < 1.0:
        raise ValueError(f"val_frac must be in (0, 1), got {val_frac}")
    if train_frac + val_frac >= 1.0:
        raise ValueError(
            f"train_frac + val_frac = {train_frac + val_frac} leaves no test "
            "data; it must be below 1"
        )
    n_train = int(round(train_frac * n))
    n_val = int(round(val_frac * n))
    n_test = n - n_train - n_val
    if min(n_train, n_val, n_test) < 1:
        raise ValueError(
            f"n={n} is too small for these fractions: train={n_train}, "
            f"val={n_val}, test={n_test} points"
        )
    idx = np.arange(n)
    return idx[:n_train], idx[n_train : n_train + n_val], idx[n_train + n_val :]


def walk_forward_splits(
    n: int,
    n_splits: int,
    test_size: int,
    gap: int = 0,
    mode: str = "expanding",
    train_size: int | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Walk-forward validation: train on the past, test on the next block.

    The test windows are the last ``n_splits * test_size`` points, cut into
    ``n_splits`` consecutive, non-overlapping blocks of ``test_size``. For the
    window starting at ``s`` the training data ends at ``s - gap`` (exclusive):
    the ``gap`` points in between are dropped, so features or labels that
    span several days cannot leak from the test window into training.

    * ``mode="expanding"``: train on everything from 0 up to ``s - gap``
      (``train_size`` is ignored, as the notebook's contract says).
    * ``mode="rolling"``: train on the last ``train_size`` of those points
      only (fewer for the first windows if not that many exist yet), which
      forgets old regimes.

    The result equals ``sklearn.model_selection.TimeSeriesSplit(n_splits,
    test_size=test_size, gap=gap, max_train_size=None or train_size)``.
    Returns a list of ``n_splits`` pairs (train_idx, test_idx) of int arrays.
    """
    n = _check_count("n", n, 1)
    n_splits = _check_count("n_splits", n_splits, 1)
    test_size = _check_count("test_size", test_size, 1)
    gap = _check_count("gap", gap, 0)
    if mode == "expanding":
        train_size = None  # an expanding window always starts at 0, whatever train_size says
    elif mode == "rolling":
        if train_size is None:
            raise ValueError("mode='rolling' needs a train_size")
        train_size = _check_count("train_size", train_size, 1)
    else:
        raise ValueError(f"mode must be 'expanding' or 'rolling', got {mode!r}")

    first_test = n - n_splits * test_size
    if first_test - gap < 1:
        raise ValueError(
            f"not enough data: n={n} points cannot hold {n_splits} test "
            f"windows of {test_size} plus a gap of {gap} and at least one "
            f"training point (need n >= {n_splits * test_size + gap + 1})"
        )

    splits = []
    for s in range(first_test, n, test_size):
        train_end = s - gap
        train_start = 0 if mode == "expanding" else max(0, train_end - train_size)
        splits.append((np.arange(train_start, train_end), np.arange(s, s + test_size)))
    return splits
