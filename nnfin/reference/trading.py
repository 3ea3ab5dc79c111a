"""Trading metrics, and why a low loss is not the same as a high P&L.

Why this module exists: the lecture calls P&L "the loss function of trading"
but warns that it is a *performance* metric while MSE is an *optimisation*
target, and the two need not agree.  A forecaster can be accurate on average
(low MSE) and still lose money by being wrong on the few big moves, while a
noisy forecaster (high MSE) that is right when it matters makes money.  The
functions below measure the trading side (P&L, hit rate, Sharpe ratio) and
build a small, reproducible example of that tension.

Conventions: ``forecast`` and ``realized`` are returns over the same days, as
1-D arrays (or any matching shape) of equal shape; nothing is broadcast and
inputs are never modified.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnfin.numerics import as_float_array, rng_for

__all__ = [
    "strategy_pnl",
    "total_pnl",
    "hit_rate",
    "sharpe_ratio",
    "two_forecasters_example",
]


def _as_pair(forecast: ArrayLike, realized: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    f = as_float_array(forecast)
    r = as_float_array(realized)
    if f.shape != r.shape:
        raise ValueError(
            f"forecast has shape {f.shape} but realized has shape {r.shape}; "
            "they must describe the same days"
        )
    return f, r


def strategy_pnl(forecast: ArrayLike, realized: ArrayLike) -> np.ndarray:
    """Daily P&L of trading one unit in the forecast's direction.

    Go long one unit when the forecast is positive, short one unit when it is
    negative and stay flat when it is zero, so the day's P&L is
    ``sign(forecast) * realized``.  Only the *sign* of the forecast matters;
    its size (which MSE cares about) does not.  Returns a new array of the
    inputs' shape.
    """
    f, r = _as_pair(forecast, realized)
    return np.sign(f) * r


def total_pnl(forecast: ArrayLike, realized: ArrayLike) -> float:
    """Sum of the daily P&L of :func:`strategy_pnl` over all days."""
    return float(np.sum(strategy_pnl(forecast, realized)))


def hit_rate(forecast: ArrayLike, realized: ArrayLike) -> float:
    """Fraction of days on which the forecast had the right direction.

    Only days with a nonzero forecast *and* a nonzero realised return count:
    a flat position takes no bet and a zero return has no direction, so
    neither can be a hit or a miss.  Among the remaining days we count
    ``sign(forecast) == sign(realized)``.  Returns ``nan`` if no day counts.

    The hit rate ignores how big the moves were, which is exactly why it can
    disagree with P&L: being right on many small days and wrong on a few big
    ones gives a high hit rate and a loss.
    """
    f, r = _as_pair(forecast, realized)
    counted = (f != 0.0) & (r != 0.0)
    n_counted = int(np.count_nonzero(counted))
    if n_counted == 0:
        return float("nan")
    hits = np.count_nonzero(np.sign(f[counted]) == np.sign(r[counted]))
    return hits / n_counted


def sharpe_ratio(daily_returns: ArrayLike, periods_per_year: int = 252) -> float:
    """Annualised Sharpe ratio ``mean / std * sqrt(periods_per_year)``.

    Reward per unit of risk, with a zero risk-free rate.  ``std`` is the
    sample standard deviation (``ddof=1``); 252 trading days make a year.  A
    series whose values are all equal has no risk and no meaningful ratio; we
    return 0.0 for it rather than dividing by zero.
    """
    x = as_float_array(daily_returns).ravel()
    if x.size < 2:
        raise ValueError("the Sharpe ratio needs at least two returns (ddof=1)")
    if periods_per_year <= 0:
        raise ValueError(f"periods_per_year must be positive, got {periods_per_year}")
    std = float(np.std(x, ddof=1))
    # Exactly equal values are zero risk, even if rounding makes std ~1e-18.
    if std == 0.0 or np.ptp(x) == 0.0:
        return 0.0
    return float(np.mean(x) / std * np.sqrt(periods_per_year))


def two_forecasters_example(seed: int | None = None, n_days: int = 250) -> dict:
    """Realised returns and two forecasts where lower MSE means lower P&L.

    Returns (in percent per day) are mostly quiet, ``N(0, 0.5^2)``, except on
    ``n_days // 10`` "big" days with moves of 3% to 6% in a random direction.

    * Forecaster A is cautious: always close to zero.  On quiet days it is a
      shrunk, slightly noisy copy of the truth; on big days it leans the wrong
      way by half a percent.  Its errors are small on most days, so its MSE is
      low, but it loses the big moves and hence money.
    * Forecaster B is bold and noisy: on quiet days it guesses large numbers
      (``N(0, 3^2)``, direction a coin flip); on big days it gets the direction
      right but overshoots by a factor 2.  Its MSE is several times A's, yet it
      collects every big move.

    A even has the higher hit rate (it is right on most quiet days) and still
    loses money: direction on the days that matter beats accuracy on average.

    Deterministic for a given ``seed`` (``None`` means the course seed).
    Returns a dict with float64 arrays of shape ``(n_days,)`` under
    ``"realized"``, ``"forecast_a"``, ``"forecast_b"`` and the boolean mask
    ``"big_day"``.
    """
    if n_days < 20:
        raise ValueError("use at least 20 days so that the example has big days")
    rng = rng_for(seed)
    n_big = n_days // 10

    big_day = np.zeros(n_days, dtype=bool)
    big_day[rng.choice(n_days, size=n_big, replace=False)] = True
    direction = rng.choice([-1.0, 1.0], size=n_days)

    quiet_moves = rng.normal(0.0, 0.5, size=n_days)
    big_moves = direction * rng.uniform(3.0, 6.0, size=n_days)
    realized = np.where(big_day, big_moves, quiet_moves)

    forecast_a = np.where(
        big_day,
        -0.5 * np.sign(realized),
        0.5 * realized + rng.normal(0.0, 0.1, size=n_days),
    )
    forecast_b = np.where(
        big_day,
        2.0 * realized,
        rng.normal(0.0, 3.0, size=n_days),
    )
    return {
        "realized": realized,
        "forecast_a": forecast_a,
        "forecast_b": forecast_b,
        "big_day": big_day,
    }
