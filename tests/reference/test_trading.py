"""Checks of the trading metrics and of the low-MSE / low-P&L example."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnfin.reference import trading
from nnfin.reference.losses import mse

# Five days, by hand:
#   forecast  +1.0  -0.5   0.0  +2.0  -1.0
#   realized  +2.0  +1.0  -3.0  -0.5   0.0
#   position   +1    -1     0    +1    -1
#   P&L       +2.0  -1.0   0.0  -0.5   0.0   -> total +0.5
# Hit rate counts days 1, 2, 4 (day 3 is flat, day 5 has no move):
#   hit, miss, miss -> 1/3
FORECAST = [1.0, -0.5, 0.0, 2.0, -1.0]
REALIZED = [2.0, 1.0, -3.0, -0.5, 0.0]


def test_strategy_pnl_by_hand():
    pnl = trading.strategy_pnl(FORECAST, REALIZED)
    assert pnl.dtype == np.float64
    np.testing.assert_array_equal(pnl, [2.0, -1.0, 0.0, -0.5, 0.0])


def test_total_pnl_by_hand():
    value = trading.total_pnl(FORECAST, REALIZED)
    assert type(value) is float
    assert value == pytest.approx(0.5)


def test_hit_rate_by_hand():
    assert trading.hit_rate(FORECAST, REALIZED) == pytest.approx(1.0 / 3.0)


def test_hit_rate_without_any_bet_is_nan():
    assert math.isnan(trading.hit_rate([0.0, 0.0], [1.0, -1.0]))


def test_only_the_sign_of_the_forecast_matters():
    scaled = 10.0 * np.asarray(FORECAST)
    assert trading.total_pnl(scaled, REALIZED) == trading.total_pnl(FORECAST, REALIZED)


def test_sharpe_known_value():
    returns = [0.01, 0.02, -0.01, 0.03]
    # mean 0.0125, sample std sqrt(0.000875 / 3)
    expected = 0.0125 / math.sqrt(0.000875 / 3) * math.sqrt(252)
    assert trading.sharpe_ratio(returns) == pytest.approx(expected, rel=1e-12)
    assert trading.sharpe_ratio(returns, periods_per_year=1) == pytest.approx(
        0.0125 / math.sqrt(0.000875 / 3), rel=1e-12
    )


def test_sharpe_of_constant_returns_is_zero():
    assert trading.sharpe_ratio([0.1, 0.1, 0.1]) == 0.0


def test_shape_mismatch_raises():
    with pytest.raises(ValueError):
        trading.strategy_pnl(np.ones(3), np.ones((3, 1)))


def test_inputs_unchanged():
    f = np.array(FORECAST)
    r = np.array(REALIZED)
    f_copy, r_copy = f.copy(), r.copy()
    for fn in (trading.strategy_pnl, trading.total_pnl, trading.hit_rate):
        fn(f, r)
    trading.sharpe_ratio(r)
    np.testing.assert_array_equal(f, f_copy)
    np.testing.assert_array_equal(r, r_copy)


@pytest.mark.parametrize("seed", [None, 0, 1, 7, 123, 2025])
def test_lower_mse_but_lower_pnl(seed):
    ex = trading.two_forecasters_example(seed)
    r, a, b = ex["realized"], ex["forecast_a"], ex["forecast_b"]
    assert r.shape == a.shape == b.shape == (250,)
    assert mse(r, a) < mse(r, b)
    assert trading.total_pnl(a, r) < trading.total_pnl(b, r)
    # A even loses money while being right on most days
    assert trading.total_pnl(a, r) < 0.0
    assert trading.hit_rate(a, r) > trading.hit_rate(b, r)


def test_two_forecasters_is_deterministic():
    first = trading.two_forecasters_example(5)
    second = trading.two_forecasters_example(5)
    other = trading.two_forecasters_example(6)
    for key in ("realized", "forecast_a", "forecast_b", "big_day"):
        np.testing.assert_array_equal(first[key], second[key])
    assert not np.array_equal(first["realized"], other["realized"])
