"""Best-of-N random strategies: in-sample brilliance, out-of-sample nothing."""

from __future__ import annotations

import numpy as np
import pytest

from nnfin.reference.data import generate_returns
from nnfin.reference.multiple_testing import (
    best_of_n,
    expected_max_sharpe_curve,
    random_strategies,
)


@pytest.fixture(scope="module")
def returns() -> np.ndarray:
    return generate_returns()["returns"]


def test_random_strategies_are_seeded_coin_flips():
    pos = random_strategies(200, 500, seed=1)
    assert pos.shape == (200, 500) and pos.dtype == np.float64
    assert set(np.unique(pos)) == {-1.0, 1.0}
    assert abs(pos.mean()) < 0.01
    np.testing.assert_array_equal(pos, random_strategies(200, 500, seed=1))
    assert not np.array_equal(pos, random_strategies(200, 500, seed=2))


def test_best_of_n_shapes_and_best_index(returns):
    out = best_of_n(returns, 50, seed=3)
    assert out["in_sample_sharpe"].shape == out["out_of_sample_sharpe"].shape == (50,)
    assert out["best"] == int(np.argmax(out["in_sample_sharpe"]))
    assert out["split_day"] == 1260
    assert out["best_in_sample_sharpe"] == out["in_sample_sharpe"][out["best"]]


def test_sharpe_agrees_with_the_trading_module(returns):
    trading = pytest.importorskip("nnfin.reference.trading")
    out = best_of_n(returns, 5, split_frac=0.4, seed=4)
    pos = random_strategies(5, returns.size, seed=4)
    split = out["split_day"]
    for i in range(5):
        pnl = pos[i] * returns
        assert out["in_sample_sharpe"][i] == pytest.approx(trading.sharpe_ratio(pnl[:split]))
        assert out["out_of_sample_sharpe"][i] == pytest.approx(trading.sharpe_ratio(pnl[split:]))


def test_noise_strategies_have_sharpe_spread_of_sqrt_252_over_t(returns):
    out = best_of_n(returns, 1000, seed=5)
    expected = np.sqrt(252 / 1260)  # about 0.45 for five years of days
    assert out["in_sample_sharpe"].std() == pytest.approx(expected, rel=0.1)
    assert abs(out["in_sample_sharpe"].mean()) < 0.05


def test_best_of_1000_looks_good_in_sample_only(returns):
    out = best_of_n(returns, 1000)
    is_sr, oos_sr = out["best_in_sample_sharpe"], out["best_out_of_sample_sharpe"]
    assert is_sr > 1.0
    assert oos_sr < is_sr / 2


def test_curve_grows_in_sample_and_stays_flat_out_of_sample(returns):
    curve = expected_max_sharpe_curve(returns, n_values=[1, 10, 100, 1000], n_trials=10)
    is_curve, oos_curve = curve["best_in_sample_sharpe"], curve["best_out_of_sample_sharpe"]
    assert curve["in_sample_trials"].shape == (10, 4)
    assert np.all(np.diff(is_curve) > 0.15)  # each tenfold search adds a lot
    assert is_curve[-1] > 1.0
    assert np.all(np.abs(oos_curve) < 0.45)  # averages of ~N(0, 0.45^2) winners
    assert abs(oos_curve[-1]) < is_curve[-1] / 3


def test_shorter_in_sample_period_reaches_the_lectures_sharpe_of_two(returns):
    # 2.5 years in sample: the luckiest of 1000 coin-flip strategies has Sharpe ~2
    curve = expected_max_sharpe_curve(returns, n_values=[1000], n_trials=10, split_frac=0.25)
    assert 1.6 < curve["best_in_sample_sharpe"][0] < 2.4


def test_curve_trial_zero_is_best_of_n(returns):
    curve = expected_max_sharpe_curve(returns, n_values=[1000], n_trials=1, seed=9)
    out = best_of_n(returns, 1000, seed=9)
    assert curve["in_sample_trials"][0, 0] == out["best_in_sample_sharpe"]
    assert curve["out_of_sample_trials"][0, 0] == out["best_out_of_sample_sharpe"]


def test_inputs_unchanged(returns):
    before = returns.copy()
    best_of_n(returns, 10, seed=0)
    expected_max_sharpe_curve(returns, n_values=[1, 5], n_trials=2, seed=0)
    np.testing.assert_array_equal(returns, before)


@pytest.mark.parametrize(
    "kwargs",
    [{"split_frac": 0.0}, {"split_frac": 1.0}, {"n_strategies": 0}],
)
def test_bad_arguments(returns, kwargs):
    args = {"n_strategies": 10, **kwargs}
    with pytest.raises(ValueError):
        best_of_n(returns, **args)
    with pytest.raises(ValueError):
        best_of_n(np.zeros((2, 10)), 3)


def test_best_of_n_sharpe_agrees_with_best_of_n_and_takes_the_first_of_ties():
    from nnfin.reference.multiple_testing import best_of_n_sharpe

    returns = np.random.default_rng(3).normal(0.0005, 0.01, 300)
    want = best_of_n(returns, 25, 0.4, seed=11)
    positions = random_strategies(25, 300, seed=11)
    best, sr_in, sr_out = best_of_n_sharpe(returns, positions, want["split_day"])
    assert best == want["best"]
    np.testing.assert_array_equal(sr_in, want["in_sample_sharpe"])
    np.testing.assert_array_equal(sr_out, want["out_of_sample_sharpe"])
    tied = np.vstack([-positions[best], positions[best], positions[best]])
    assert best_of_n_sharpe(returns, tied, want["split_day"])[0] == 1
