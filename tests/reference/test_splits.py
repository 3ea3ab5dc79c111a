"""Chronological and walk-forward splits keep the future out of training."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import TimeSeriesSplit

from nnfin.reference.splits import chronological_split, walk_forward_splits


@pytest.mark.parametrize(
    "n, train_frac, val_frac",
    [(2520, 0.6, 0.2), (2520, 0.7, 0.15), (10, 0.6, 0.2), (101, 0.8, 0.1), (3, 0.34, 0.33)],
)
def test_chronological_split_is_ordered_and_complete(n, train_frac, val_frac):
    train, val, test = chronological_split(n, train_frac, val_frac)
    assert min(len(train), len(val), len(test)) >= 1
    assert train.max() < val.min() and val.max() < test.min()
    np.testing.assert_array_equal(np.concatenate([train, val, test]), np.arange(n))
    assert abs(len(train) - train_frac * n) <= 0.5
    assert abs(len(val) - val_frac * n) <= 0.5
    for part in (train, val, test):
        assert np.issubdtype(part.dtype, np.integer)
        np.testing.assert_array_equal(np.diff(part), 1)  # contiguous blocks


def test_chronological_split_default_sizes():
    train, val, test = chronological_split(2520)
    assert (len(train), len(val), len(test)) == (1512, 504, 504)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"train_frac": 0.0},
        {"train_frac": 1.0},
        {"val_frac": 0.0},
        {"val_frac": -0.1},
        {"train_frac": 0.8, "val_frac": 0.2},
        {"train_frac": 0.9, "val_frac": 0.3},
    ],
)
def test_chronological_split_rejects_bad_fractions(kwargs):
    with pytest.raises(ValueError):
        chronological_split(100, **kwargs)


def test_chronological_split_rejects_too_little_data():
    with pytest.raises(ValueError):
        chronological_split(4, 0.6, 0.1)  # validation would be empty
    with pytest.raises(ValueError):
        chronological_split(2)


def _check_walk_forward(splits, n, n_splits, test_size, gap, train_size=None):
    assert len(splits) == n_splits
    tests = np.concatenate([te for _, te in splits])
    np.testing.assert_array_equal(tests, np.arange(n - n_splits * test_size, n))
    for train, test in splits:
        assert len(test) == test_size
        assert len(train) >= 1
        assert train.max() + 1 + gap == test.min()  # exactly `gap` points dropped
        np.testing.assert_array_equal(np.diff(train), 1)
        if train_size is None:
            assert train.min() == 0
        else:
            assert len(train) == min(train_size, test.min() - gap)


COMBOS = [
    (100, 5, 10, 0),
    (100, 5, 10, 3),
    (2520, 10, 126, 0),
    (2520, 4, 252, 21),
    (37, 3, 7, 2),
    (12, 2, 5, 1),  # smallest possible first training set: 1 point
]


@pytest.mark.parametrize("n, n_splits, test_size, gap", COMBOS)
def test_expanding_matches_sklearn(n, n_splits, test_size, gap):
    ours = walk_forward_splits(n, n_splits, test_size, gap=gap, mode="expanding")
    _check_walk_forward(ours, n, n_splits, test_size, gap)
    splitter = TimeSeriesSplit(n_splits=n_splits, test_size=test_size, gap=gap)
    theirs = list(splitter.split(np.zeros(n)))
    for (tr, te), (tr2, te2) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(tr, tr2)
        np.testing.assert_array_equal(te, te2)


@pytest.mark.parametrize("train_size", [1, 5, 30, 500])
@pytest.mark.parametrize("n, n_splits, test_size, gap", COMBOS)
def test_rolling_matches_sklearn(n, n_splits, test_size, gap, train_size):
    ours = walk_forward_splits(
        n, n_splits, test_size, gap=gap, mode="rolling", train_size=train_size
    )
    _check_walk_forward(ours, n, n_splits, test_size, gap, train_size)
    splitter = TimeSeriesSplit(
        n_splits=n_splits, test_size=test_size, gap=gap, max_train_size=train_size
    )
    theirs = list(splitter.split(np.zeros(n)))
    for (tr, te), (tr2, te2) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(tr, tr2)
        np.testing.assert_array_equal(te, te2)


def test_rolling_window_slides():
    splits = walk_forward_splits(100, 3, 10, gap=2, mode="rolling", train_size=20)
    assert [(tr[0], tr[-1], te[0], te[-1]) for tr, te in splits] == [
        (48, 67, 70, 79),
        (58, 77, 80, 89),
        (68, 87, 90, 99),
    ]


def test_single_split_is_allowed():
    [(train, test)] = walk_forward_splits(10, 1, 3)
    np.testing.assert_array_equal(train, np.arange(7))
    np.testing.assert_array_equal(test, [7, 8, 9])


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((10, 2, 5), {}),  # no training data left
        ((11, 2, 5), {"gap": 1}),  # the gap eats the only training point
        ((100, 0, 10), {}),
        ((100, 2, 0), {}),
        ((100, 2, 10), {"gap": -1}),
        ((100, 2, 10), {"mode": "shuffled"}),
        ((100, 2, 10), {"mode": "rolling"}),  # rolling needs train_size
        ((100, 2, 10), {"mode": "rolling", "train_size": 0}),
    ],
)
def test_walk_forward_rejects_bad_arguments(args, kwargs):
    with pytest.raises(ValueError):
        walk_forward_splits(*args, **kwargs)


def test_expanding_windows_ignore_train_size():
    plain = walk_forward_splits(100, 3, 10, gap=2)
    told = walk_forward_splits(100, 3, 10, gap=2, mode="expanding", train_size=5)
    assert [t[0].tolist() for t in told] == [t[0].tolist() for t in plain]
    assert [t[0][0] for t in told] == [0, 0, 0] and len(told[-1][0]) == 100 - 10 - 2


def test_not_enough_data_message_is_clear():
    with pytest.raises(ValueError, match="not enough data"):
        walk_forward_splits(50, 5, 10)
