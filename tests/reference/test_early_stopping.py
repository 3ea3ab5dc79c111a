"""Early stopping on hand-made validation curves."""

from __future__ import annotations

import numpy as np
import pytest

from nnfin.reference.early_stopping import EarlyStopping, early_stopping


@pytest.mark.parametrize(
    "losses, patience, expected",
    [
        ([5, 4, 3, 3.5, 3.6, 3.7, 2], 3, (2, 5)),  # the later 2 is never reached
        ([5, 4, 3, 3.5, 3.6, 3.7, 2], 4, (6, 6)),  # one more epoch of patience finds it
        ([5, 4, 3, 2, 1], 1, (4, 4)),  # always improving: never triggered
        ([1, 2, 3, 4], 1, (0, 1)),  # epoch 0 (untrained) can be the best
        ([1, 2, 3, 4], 2, (0, 2)),
        ([3, 3, 3, 3], 2, (0, 2)),  # ties are no improvement
        ([3, 2, 2, 1], 2, (3, 3)),  # one tie does not use up patience 2
        ([3, 2, 2, 2, 1], 2, (1, 3)),
        ([7.0], 5, (0, 0)),
        ([2, np.nan, np.nan, 1], 2, (0, 2)),  # NaN is never an improvement
    ],
)
def test_early_stopping_on_hand_made_curves(losses, patience, expected):
    assert early_stopping(losses, patience) == expected


def test_returns_python_ints_and_leaves_input_alone():
    losses = np.array([5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 2.0])
    before = losses.copy()
    best, stop = early_stopping(losses, 3)
    assert type(best) is int and type(stop) is int
    np.testing.assert_array_equal(losses, before)


@pytest.mark.parametrize("patience", [0, -1])
def test_patience_must_be_positive(patience):
    with pytest.raises(ValueError):
        early_stopping([1.0, 2.0], patience)


def test_empty_curve_is_an_error():
    with pytest.raises(ValueError):
        early_stopping([], 2)


def test_streaming_class_agrees_with_function():
    rng = np.random.default_rng(3)
    for _ in range(50):
        losses = np.cumsum(rng.normal(-0.05, 0.3, size=30))
        patience = int(rng.integers(1, 6))
        monitor = EarlyStopping(patience)
        for loss in losses:
            if monitor.update(loss):
                break
        expected_stop = monitor.stop_epoch if monitor.stopped else len(losses) - 1
        assert early_stopping(losses, patience) == (monitor.best_epoch, expected_stop)
        assert monitor.best_loss == losses[: expected_stop + 1].min()


def test_streaming_class_stays_stopped():
    monitor = EarlyStopping(1)
    assert monitor.update(1.0) is False
    assert monitor.improved
    assert monitor.update(2.0) is True
    assert monitor.update(0.5) is True  # ignored after the stop
    assert (monitor.best_epoch, monitor.stop_epoch, monitor.best_loss) == (0, 1, 1.0)


def test_no_patience_never_stops_but_tracks_best():
    monitor = EarlyStopping(None)
    for loss in [3.0, 1.0, 2.0, 5.0, 6.0, 7.0]:
        assert monitor.update(loss) is False
    assert monitor.best_epoch == 1 and not monitor.stopped
