"""A synthetic daily-return series with the three features that make finance hard.

The lecture lists why finance overfits easily: limited data (ten years of
trading days are only 2,520 examples), a low signal-to-noise ratio (an R^2 of
1% is excellent), fat tails, and regimes that change. Real prices cannot be
shipped with the course and would change every time they are downloaded, so
we simulate one asset whose returns have exactly these properties and are the
same for every student with the same seed.

The model, with day ``t`` running from 0 to ``n_days - 1``::

    f[t] = phi * f[t-1] + sqrt(1 - phi^2) * u[t]          u[t] ~ N(0, 1)
    r[t] = mu + beta[k] * f[t-1] + sigma[k] * e[t]       e[t] ~ t(df), var 1

``f`` is an observable factor (think of a sentiment or valuation index
published every evening); its value at the close of day ``t - 1`` is known
before day ``t`` starts, so it may be used to predict ``r[t]``. ``k`` is the
regime: 0 before ``change_day``, 1 from then on. In regime 1 the volatility
doubles and the signal fades to half its size, so a model fitted on the early
years learns a relationship that later becomes much weaker.
"""

from __future__ import annotations

import os

import numpy as np

from nnfin.numerics import DEFAULT_SEED, DTYPE, as_float_array, rng_for

TRADING_DAYS_PER_YEAR = 252
"""Trading days in a year, so 10 years are 2,520 days (the lecture's table)."""

MEAN_RETURN = 0.0003
"""Daily drift mu: about 7.5% a year, small next to the daily noise."""

VOLATILITY = (0.01, 0.02)
"""Daily volatility sigma in regimes 0 and 1: 1% a day, then twice as much."""

SIGNAL = (0.001, 0.0005)
"""beta in regimes 0 and 1: the return, per unit of factor, that is predictable.

In regime 0, R^2 = beta^2 / (beta^2 + sigma^2) = 1e-6 / 1.01e-4, just under
1%, the "excellent" R^2 of the lecture. In regime 1 it falls to about 0.06%.
"""

TAIL_DF = 5
"""Degrees of freedom of the Student-t noise: kurtosis 9 instead of the normal 3."""

FACTOR_PERSISTENCE = 0.9
"""phi: the factor changes slowly, as valuation or sentiment measures do."""

CHANGE_FRACTION = 0.6
"""The regime changes after 60% of the sample."""


def generate_returns(n_days: int = 2520, seed: int | None = None) -> dict:
    """Simulate ``n_days`` daily returns (decimals: 0.01 is 1%) of one asset.

    Returns a dict with

    * ``"returns"``  (n_days,) float64, ``r[t]``;
    * ``"factor"``   (n_days,) float64, ``f[t]``, known at the close of day t,
      so ``factor[t - 1]`` is the predictor of ``returns[t]``;
    * ``"regime"``   (n_days,) int64, 0 before ``change_day`` and 1 from it on;
    * ``"change_day"`` int, first day of regime 1 (60% into the sample);
    * ``"seed"``     int, the seed actually used (``None`` means the course
      default, so the output is always reproducible).
    """
    if isinstance(n_days, bool) or not isinstance(n_days, (int, np.integer)):
        raise TypeError(f"n_days must be an int, got {type(n_days).__name__}")
    if n_days < 2:
        raise ValueError(f"n_days must be at least 2, got {n_days}")
    n_days = int(n_days)
    seed = DEFAULT_SEED if seed is None else int(seed)
    rng = rng_for(seed)

    # The factor: a stationary AR(1) with unit variance. It starts one day
    # early (index 0 of f_ext is "day -1") so that day 0 also has a predictor.
    shocks = rng.standard_normal(n_days + 1)
    f_ext = np.empty(n_days + 1, dtype=DTYPE)
    f_ext[0] = shocks[0]
    scale = np.sqrt(1.0 - FACTOR_PERSISTENCE**2)
    for t in range(1, n_days + 1):
        f_ext[t] = FACTOR_PERSISTENCE * f_ext[t - 1] + scale * shocks[t]
    factor_yesterday = f_ext[:-1]
    factor = f_ext[1:]

    # Fat-tailed noise: Student-t rescaled to variance 1 (var of t(df) = df/(df-2)).
    noise = rng.standard_t(TAIL_DF, size=n_days) * np.sqrt((TAIL_DF - 2) / TAIL_DF)

    change_day = int(round(CHANGE_FRACTION * n_days))
    regime = (np.arange(n_days) >= change_day).astype(np.int64)
    beta = np.asarray(SIGNAL, dtype=DTYPE)[regime]
    sigma = np.asarray(VOLATILITY, dtype=DTYPE)[regime]

    returns = MEAN_RETURN + beta * factor_yesterday + sigma * noise
    return {
        "returns": returns.astype(DTYPE),
        "factor": factor.astype(DTYPE),
        "regime": regime,
        "change_day": change_day,
        "seed": seed,
    }


def make_lagged_features(
    returns: np.ndarray,
    n_lags: int = 5,
    factor: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Turn a return series into a supervised data set without look-ahead.

    Row ``i`` describes day ``t = i + n_lags``. Its target is ``y[i] =
    returns[t]`` and its features are only what was known before day t
    started::

        X[i, j] = returns[t - 1 - j]     for j = 0 .. n_lags - 1 (lag 1 first)
        X[i, n_lags] = factor[t - 1]     if a factor is given

    Shapes: ``returns`` (n,), ``factor`` (n,) or None; returns ``X`` of shape
    (n - n_lags, n_lags) or (n - n_lags, n_lags + 1), and ``y`` (n - n_lags,).
    One example per row, as for every data set in the course.
    """
    r = as_float_array(returns)
    if r.ndim != 1:
        raise ValueError(f"returns must be 1-D, got shape {r.shape}")
    if isinstance(n_lags, bool) or not isinstance(n_lags, (int, np.integer)):
        raise TypeError(f"n_lags must be an int, got {type(n_lags).__name__}")
    if n_lags < 1:
        raise ValueError(f"n_lags must be at least 1, got {n_lags}")
    n = r.shape[0]
    if n <= n_lags:
        raise ValueError(f"need more than n_lags={n_lags} returns, got {n}")

    days = np.arange(n_lags, n)  # the day t that each row predicts
    lags = np.arange(1, n_lags + 1)  # 1, 2, ..., n_lags
    columns = [r[days[:, None] - lags[None, :]]]  # (m, n_lags)
    if factor is not None:
        f = as_float_array(factor)
        if f.shape != r.shape:
            raise ValueError(f"factor must have shape {r.shape}, got {f.shape}")
        columns.append(f[days - 1][:, None])  # (m, 1)
    X = np.concatenate(columns, axis=1)
    y = r[days].copy()
    return X, y


def save_dataset(path: str | os.PathLike, **arrays: object) -> None:
    """Write named arrays to an ``.npz`` file that notebooks can ship.

    Every value is stored as a plain numeric array (no pickled objects), so
    ``load_dataset`` can read it back with ``allow_pickle=False``.
    """
    if not arrays:
        raise ValueError("nothing to save: pass arrays as keyword arguments")
    plain = {}
    for name, value in arrays.items():
        arr = np.asarray(value)
        if arr.dtype == object:
            raise TypeError(f"{name!r} is not numeric and would need pickle")
        plain[name] = arr
    np.savez(path, **plain)


def load_dataset(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read an ``.npz`` written by ``save_dataset`` into a dict of arrays.

    Pickle stays disabled: loading a data file must never run code.
    0-d arrays (such as ``change_day``) come back as 0-d arrays; use
    ``int(d["change_day"])`` to get a Python number.
    """
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}
