"""The synthetic return series has the properties the lecture talks about."""

from __future__ import annotations

import numpy as np
import pytest

from nnfin.numerics import DEFAULT_SEED
from nnfin.reference.data import (
    FACTOR_PERSISTENCE,
    generate_returns,
    load_dataset,
    make_lagged_features,
    save_dataset,
)


def kurtosis(x: np.ndarray) -> float:
    """Pearson kurtosis E[(x - mean)^4] / var^2; 3 for a normal distribution."""
    z = x - x.mean()
    return float(np.mean(z**4) / np.mean(z**2) ** 2)


@pytest.fixture(scope="module")
def course_data() -> dict:
    return generate_returns()


def test_shapes_and_keys(course_data):
    d = course_data
    assert d["returns"].shape == d["factor"].shape == d["regime"].shape == (2520,)
    assert d["returns"].dtype == np.float64 and d["factor"].dtype == np.float64
    assert set(np.unique(d["regime"])) == {0, 1}
    assert d["seed"] == DEFAULT_SEED
    c = d["change_day"]
    assert isinstance(c, int) and 0.5 * 2520 < c < 0.7 * 2520
    assert np.all(d["regime"][:c] == 0) and np.all(d["regime"][c:] == 1)


def test_deterministic_per_seed_and_different_across_seeds():
    a, b = generate_returns(seed=7), generate_returns(seed=7)
    np.testing.assert_array_equal(a["returns"], b["returns"])
    np.testing.assert_array_equal(a["factor"], b["factor"])
    c = generate_returns(seed=8)
    assert not np.allclose(a["returns"], c["returns"])
    np.testing.assert_array_equal(generate_returns(seed=None)["returns"],
                                  generate_returns(seed=DEFAULT_SEED)["returns"])


def test_custom_length():
    d = generate_returns(n_days=500, seed=1)
    assert d["returns"].shape == (500,)
    assert d["change_day"] == 300
    with pytest.raises(ValueError):
        generate_returns(n_days=1)


def test_daily_scale_is_about_one_percent(course_data):
    r = course_data["returns"][: course_data["change_day"]]
    assert 0.008 < r.std() < 0.012  # decimals, not percent
    assert abs(r.mean()) < 0.002


def test_fat_tails(course_data):
    d = course_data
    assert kurtosis(d["returns"]) > 3.5
    c = d["change_day"]
    # within each regime as well, so it is not only the volatility change
    assert kurtosis(d["returns"][:c]) > 3.5
    assert kurtosis(d["returns"][c:]) > 3.5


def test_volatility_doubles_after_the_change(course_data):
    r, c = course_data["returns"], course_data["change_day"]
    ratio = r[c:].std() / r[:c].std()
    assert 1.6 < ratio < 2.5


@pytest.mark.parametrize("seed", [None, 0, 1, 2, 3])
def test_weak_positive_signal_from_yesterdays_factor(seed):
    d = generate_returns(seed=seed)
    r, f, c = d["returns"], d["factor"], d["change_day"]
    corr = np.corrcoef(f[:-1], r[1:])[0, 1]  # factor at t-1 against return at t
    assert 0.0 < corr < 0.2
    corr_regime0 = np.corrcoef(f[: c - 1], r[1:c])[0, 1]
    assert 0.02 < corr_regime0 < 0.2  # R^2 around 1%: real but tiny


def test_long_sample_recovers_the_design():
    # 2,520 days are far too few to pin the model down (that is the lecture's
    # point), so check the design on 200,000 days: regress r[t] on f[t-1] and
    # on the factor's news of day t, f[t] - phi f[t-1]. Only yesterday's factor
    # may matter (today's news is published after today's return), and its
    # slope halves after the regime change.
    d = generate_returns(n_days=200_000, seed=1)
    r, f, c = d["returns"], d["factor"], d["change_day"]
    yesterday, news, y = f[:-1], f[1:] - FACTOR_PERSISTENCE * f[:-1], r[1:]
    slopes = []
    for part in (slice(0, c - 1), slice(c - 1, None)):
        A = np.column_stack([np.ones(y[part].size), yesterday[part], news[part]])
        coef, *_ = np.linalg.lstsq(A, y[part], rcond=None)
        slopes.append(coef)
    (mu0, beta0, news0), (mu1, beta1, news1) = slopes
    assert 0.0008 < beta0 < 0.0012 and 0.0003 < beta1 < 0.0007
    assert abs(news0) < 0.0003 and abs(news1) < 0.0005
    assert 0.0001 < mu0 < 0.0005


def test_lagged_features_layout():
    r = np.arange(10.0)
    f = 100.0 + np.arange(10.0)
    X, y = make_lagged_features(r, n_lags=3, factor=f)
    assert X.shape == (7, 4) and y.shape == (7,)
    # row 0 predicts day 3: lags 1, 2, 3 are days 2, 1, 0, factor from day 2
    np.testing.assert_array_equal(X[0], [2.0, 1.0, 0.0, 102.0])
    np.testing.assert_array_equal(y, r[3:])
    X2, _ = make_lagged_features(r, n_lags=3)
    np.testing.assert_array_equal(X2, X[:, :3])


def test_no_look_ahead():
    rng = np.random.default_rng(0)
    r = rng.standard_normal(50)
    f = rng.standard_normal(50)
    n_lags = 4
    X, y = make_lagged_features(r, n_lags=n_lags, factor=f)
    days = np.arange(n_lags, 50)
    for s in range(50):
        r2, f2 = r.copy(), f.copy()
        r2[s:] += 1000.0  # change the future from day s on
        f2[s:] += 1000.0
        X2, y2 = make_lagged_features(r2, n_lags=n_lags, factor=f2)
        known = days <= s  # rows whose day t has not yet seen day s
        np.testing.assert_array_equal(X2[known], X[known])
        # and the target really is the day-t return
        np.testing.assert_array_equal(y2[days >= s], r2[days[days >= s]])


def test_features_do_not_mutate_inputs():
    r = np.linspace(-0.01, 0.01, 20)
    f = np.linspace(1.0, 2.0, 20)
    r0, f0 = r.copy(), f.copy()
    X, y = make_lagged_features(r, 3, factor=f)
    X[:] = 0.0
    y[:] = 0.0
    np.testing.assert_array_equal(r, r0)
    np.testing.assert_array_equal(f, f0)


def test_feature_errors():
    with pytest.raises(ValueError):
        make_lagged_features(np.zeros((5, 2)))
    with pytest.raises(ValueError):
        make_lagged_features(np.zeros(5), n_lags=5)
    with pytest.raises(ValueError):
        make_lagged_features(np.zeros(10), n_lags=0)
    with pytest.raises(ValueError):
        make_lagged_features(np.zeros(10), n_lags=2, factor=np.zeros(9))


def test_save_and_load_round_trip(tmp_path, course_data):
    path = tmp_path / "returns.npz"
    save_dataset(path, returns=course_data["returns"], factor=course_data["factor"],
                 regime=course_data["regime"], change_day=course_data["change_day"])
    loaded = load_dataset(path)
    assert set(loaded) == {"returns", "factor", "regime", "change_day"}
    np.testing.assert_array_equal(loaded["returns"], course_data["returns"])
    np.testing.assert_array_equal(loaded["regime"], course_data["regime"])
    assert int(loaded["change_day"]) == course_data["change_day"]


def test_save_refuses_objects(tmp_path):
    with pytest.raises(TypeError):
        save_dataset(tmp_path / "bad.npz", stuff=np.array([{"a": 1}], dtype=object))
