"""Multiple testing: try enough strategies and one of them will look brilliant.

The lecture's trap: try 1000 random strategies, keep the best, and it has a
Sharpe ratio of 2 -- skill or luck? Here every strategy is a coin flip
(long or short each day, independent of everything), so the true Sharpe
ratio of each is exactly zero. Whatever the winner earned in sample is luck,
and the out-of-sample half shows it.

Scale to keep in mind: over T days the annualised Sharpe ratio of a
zero-skill strategy has a standard error of about sqrt(252 / T), so about
0.45 for five years; the best of N such strategies lies a few standard errors
above zero, growing slowly (roughly like sqrt(2 ln N)) with N.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from nnfin.numerics import DTYPE, as_float_array, rng_for

PERIODS_PER_YEAR = 252


def _annualised_sharpe(daily_returns: np.ndarray) -> np.ndarray:
    """mean / std(ddof=1) * sqrt(252) along the last axis, for many series at once.

    The same definition as ``nnfin.reference.trading.sharpe_ratio`` (which
    handles one series); a series with zero spread gets 0.0.
    """
    mean = daily_returns.mean(axis=-1)
    std = daily_returns.std(axis=-1, ddof=1)
    safe_std = np.where(std > 0.0, std, 1.0)
    return np.where(std > 0.0, mean / safe_std * np.sqrt(PERIODS_PER_YEAR), 0.0)


def _draw_positions(rng: np.random.Generator, n_strategies: int, n_days: int) -> np.ndarray:
    """(n_strategies, n_days) array of +1.0 (long) and -1.0 (short), fair coins."""
    return 2.0 * rng.integers(0, 2, size=(n_strategies, n_days)).astype(DTYPE) - 1.0


def _check_inputs(returns: ArrayLike, split_frac: float) -> tuple[np.ndarray, int]:
    """Copy of the 1-D returns and the first out-of-sample day."""
    r = as_float_array(returns)
    if r.ndim != 1:
        raise ValueError(f"returns must be 1-D (n_days,), got shape {r.shape}")
    if not 0.0 < float(split_frac) < 1.0:
        raise ValueError(f"split_frac must be in (0, 1), got {split_frac}")
    split = int(round(float(split_frac) * r.size))
    if split < 2 or r.size - split < 2:
        raise ValueError(
            f"need at least 2 days on each side of the split, got {split} and {r.size - split}"
        )
    return r, split


def random_strategies(n_strategies: int, n_days: int, seed: int | None = None) -> np.ndarray:
    """Positions of ``n_strategies`` zero-skill strategies: (n_strategies, n_days).

    Entry [i, t] is +1.0 (long) or -1.0 (short) for day t, a fair coin flip
    drawn independently of the returns, so no strategy has any true edge.
    """
    for name, value in (("n_strategies", n_strategies), ("n_days", n_days)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    return _draw_positions(rng_for(seed), int(n_strategies), int(n_days))


def _in_and_out_of_sample(
    positions: np.ndarray, returns: np.ndarray, split: int
) -> tuple[np.ndarray, np.ndarray]:
    """Annualised Sharpe of each strategy before and after day ``split``.

    positions (N, n_days), returns (n_days,) -> two arrays of shape (N,).
    The position for day t is known before day t (here: it is a coin flip),
    so its profit is ``positions[:, t] * returns[t]``.
    """
    pnl = positions * returns[None, :]
    return _annualised_sharpe(pnl[:, :split]), _annualised_sharpe(pnl[:, split:])


def best_of_n_sharpe(
    returns: ArrayLike, positions: ArrayLike, split_day: int
) -> tuple[int, np.ndarray, np.ndarray]:
    """The in-sample winner among given strategies: (best, in_sample, out_of_sample).

    ``positions`` (N, n_days) times ``returns`` (n_days,) is each strategy's daily P&L; days
    before ``split_day`` are in sample. ``best`` is the first index of the highest in-sample
    Sharpe ratio (``np.argmax``: the earliest of tied strategies), chosen without looking at
    the out-of-sample days.
    """
    r = as_float_array(returns)
    p = as_float_array(positions)
    is_sharpe, oos_sharpe = _in_and_out_of_sample(p, r, int(split_day))
    return int(np.argmax(is_sharpe)), is_sharpe, oos_sharpe


def best_of_n(
    returns: ArrayLike,
    n_strategies: int,
    split_frac: float = 0.5,
    seed: int | None = None,
) -> dict:
    """Select the best of ``n_strategies`` random strategies in sample, then test it.

    ``returns`` (n_days,) are daily asset returns. The first
    ``round(split_frac * n_days)`` days are in sample (where we "discover"
    the strategy), the rest out of sample. Returns a dict with

    * ``"in_sample_sharpe"``, ``"out_of_sample_sharpe"``: (n_strategies,);
    * ``"best"``: index of the highest in-sample Sharpe ratio;
    * ``"best_in_sample_sharpe"``, ``"best_out_of_sample_sharpe"``: its two ratios;
    * ``"split_day"``: the first out-of-sample day.
    """
    r, split = _check_inputs(returns, split_frac)
    positions = random_strategies(n_strategies, r.size, seed)
    is_sharpe, oos_sharpe = _in_and_out_of_sample(positions, r, split)
    best = int(np.argmax(is_sharpe))
    return {
        "in_sample_sharpe": is_sharpe,
        "out_of_sample_sharpe": oos_sharpe,
        "best": best,
        "best_in_sample_sharpe": float(is_sharpe[best]),
        "best_out_of_sample_sharpe": float(oos_sharpe[best]),
        "split_day": split,
    }


def expected_max_sharpe_curve(
    returns: ArrayLike,
    n_values: Sequence[int] = (1, 10, 100, 1000),
    n_trials: int = 10,
    split_frac: float = 0.5,
    seed: int | None = None,
) -> dict:
    """How the winner's Sharpe ratio grows with the number of strategies tried.

    In each of ``n_trials`` independent trials we draw ``max(n_values)``
    random strategies; for every N in ``n_values`` the winner is the best
    in-sample strategy among the first N (so within one trial a larger
    search can only find a better in-sample winner). Returns a dict with

    * ``"n_values"``: (k,) int array;
    * ``"best_in_sample_sharpe"``, ``"best_out_of_sample_sharpe"``: (k,),
      averages over the trials;
    * ``"in_sample_trials"``, ``"out_of_sample_trials"``: (n_trials, k).

    The in-sample curve rises with N; the out-of-sample curve stays near 0.
    """
    r, split = _check_inputs(returns, split_frac)
    ns = np.asarray(n_values, dtype=np.int64)
    if ns.ndim != 1 or ns.size == 0 or np.any(ns < 1):
        raise ValueError(f"n_values must be positive ints, got {n_values!r}")
    if isinstance(n_trials, bool) or not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValueError(f"n_trials must be a positive int, got {n_trials!r}")
    rng = rng_for(seed)
    n_max = int(ns.max())
    is_trials = np.empty((n_trials, ns.size), dtype=DTYPE)
    oos_trials = np.empty((n_trials, ns.size), dtype=DTYPE)
    for trial in range(n_trials):
        positions = _draw_positions(rng, n_max, r.size)
        is_sharpe, oos_sharpe = _in_and_out_of_sample(positions, r, split)
        for k, n in enumerate(ns):
            best = int(np.argmax(is_sharpe[:n]))
            is_trials[trial, k] = is_sharpe[best]
            oos_trials[trial, k] = oos_sharpe[best]
    return {
        "n_values": ns,
        "best_in_sample_sharpe": is_trials.mean(axis=0),
        "best_out_of_sample_sharpe": oos_trials.mean(axis=0),
        "in_sample_trials": is_trials,
        "out_of_sample_trials": oos_trials,
    }
