"""Hidden checks of assignment 01_losses: regression losses, fat tails, BCE, P&L.

Every expected value comes from nnfin.reference (losses, trading); the only literal
numbers are the lecture's own tables. Each test scores one grade cell of
source/01_losses/losses.ipynb; the points of the tests of a cell add up to its points.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnfin.grading.checks.expect import (
    CheckFailed,
    carried_from,
    expect_array,
    expect_close,
    expect_float,
    expect_own_logic,
)
from nnfin.reference import losses as ref
from nnfin.reference import trading

ASSIGNMENT = "01_losses"

# The lecture's two stock tables, in percentage points.
Y3, YHAT3 = np.array([5.0, -2.0, 8.0]), np.array([3.0, 1.0, 7.0])
Y5, YHAT5 = np.array([2.0, 4.0, 2.0, 4.0, -3.0]), np.array([5.0, 3.0, -1.0, 4.0, 2.0])

SUM_NOT_MEAN = "It looks like a sum instead of a mean: divide by the number of examples m."


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _size(rng):
    """A batch size that is never one of the lecture's table sizes (3 or 5)."""
    return int(rng.integers(6, 16))


def _regression_batch(rng, shape):
    """Fat-tailed 'returns' in percentage points and noisy forecasts of them."""
    y = 1.5 * rng.standard_t(4, size=shape)
    y_hat = 0.3 * y + rng.normal(0.0, 1.2, size=shape)
    return y, y_hat


# ---------------------------------------------------------------------------
# Part 1: mse  (4 points)
# ---------------------------------------------------------------------------


def _mse_mistakes(y, y_hat):
    want = ref.mse(y, y_hat)
    r = y - y_hat
    return [
        (SUM_NOT_MEAN, want * r.size),
        ("It looks like the square root is taken: that is the RMSE, not the MSE.", np.sqrt(want)),
        ("It is half the expected value: the MSE has no factor 1/2 (that is the convention "
         "of the backpropagation example, not of this loss).", want / 2),
        ("It looks like the absolute errors are averaged (that is the MAE): square each error.",
         ref.mae(y, y_hat)),
        ("It looks like the mean error is squared: square each error first, then average.",
         float(np.mean(r)) ** 2),
    ]


@pytest.mark.grade("test_mse", points=1)
def test_mse_reproduces_the_lecture_tables(student):
    for y, y_hat, table in ((Y3, YHAT3, "three-stock"), (Y5, YHAT5, "five-stock")):
        what = f"mse() on the lecture's {table} table"
        got = expect_float(student.call("mse", y, y_hat), what)
        expect_close(got, ref.mse(y, y_hat), what, _mse_mistakes(y, y_hat))


@pytest.mark.grade("test_mse", points=2)
def test_mse_on_a_batch(student, rng):
    y, y_hat = _regression_batch(rng, (_size(rng),))
    got = expect_float(student.call("mse", y, y_hat), "mse(y_true, y_pred)")
    expect_close(got, ref.mse(y, y_hat), "mse(y_true, y_pred)", _mse_mistakes(y, y_hat))


@pytest.mark.grade("test_mse", points=1)
def test_mse_on_a_column(student, rng):
    y, y_hat = _regression_batch(rng, (_size(rng), 1))
    what = "mse(y_true, y_pred) for (m, 1) column inputs"
    got = expect_float(student.call("mse", y, y_hat), what)
    expect_close(got, ref.mse(y, y_hat), what, _mse_mistakes(y, y_hat))


# ---------------------------------------------------------------------------
# Part 2: rmse  (3 points)
# ---------------------------------------------------------------------------


def _rmse_mistakes(y, y_hat):
    want = ref.rmse(y, y_hat)
    r = y - y_hat
    m = r.size
    return [
        ("It looks like the MSE: you forgot the square root at the end.", want**2),
        ("It looks like the square root of the sum: average the squared errors (divide by m) "
         "before the square root.", want * np.sqrt(m)),
        ("It looks like the MAE: the square root of each squared error is just |error|. Average "
         "the squares first, take the square root last.", ref.mae(y, y_hat)),
        ("It looks like np.std of the errors: np.std subtracts the mean error, RMSE does not.",
         float(np.std(r))),
        ("It looks like you divided by m - 1: RMSE averages over all m examples.",
         want * np.sqrt(m / (m - 1))),
    ]


def _expect_rmse(student, got, y, y_hat, what):
    """rmse may call the student's mse: sqrt of a wrong mse is not charged again here."""
    carried = carried_from(lambda: student.call("mse", y, y_hat), ref.mse(y, y_hat),
                           lambda out: math.sqrt(expect_float(out, "mse")), "rmse", "mse")
    expect_own_logic(got, ref.rmse(y, y_hat), what, carried, _rmse_mistakes(y, y_hat))


@pytest.mark.grade("test_rmse", points=1)
def test_rmse_reproduces_the_lecture_tables(student):
    for y, y_hat, table in ((Y3, YHAT3, "three-stock"), (Y5, YHAT5, "five-stock")):
        what = f"rmse() on the lecture's {table} table"
        got = expect_float(student.call("rmse", y, y_hat), what)
        _expect_rmse(student, got, y, y_hat, what)


@pytest.mark.grade("test_rmse", points=1)
def test_rmse_on_a_batch(student, rng):
    y, y_hat = _regression_batch(rng, (_size(rng),))
    got = expect_float(student.call("rmse", y, y_hat), "rmse(y_true, y_pred)")
    _expect_rmse(student, got, y, y_hat, "rmse(y_true, y_pred)")


@pytest.mark.grade("test_rmse", points=1)
def test_rmse_on_a_column(student, rng):
    y, y_hat = _regression_batch(rng, (_size(rng), 1))
    what = "rmse(y_true, y_pred) for (m, 1) column inputs"
    got = expect_float(student.call("rmse", y, y_hat), what)
    _expect_rmse(student, got, y, y_hat, what)


# ---------------------------------------------------------------------------
# Part 3: mae  (3 points)
# ---------------------------------------------------------------------------


def _mae_mistakes(y, y_hat):
    want = ref.mae(y, y_hat)
    r = y - y_hat
    no_abs = ("Take the absolute value of each error before averaging (not of the mean error, "
              "and not never): otherwise misses in opposite directions cancel out.")
    return [
        (SUM_NOT_MEAN, want * r.size),
        (no_abs, float(np.mean(r))),
        (no_abs, float(np.mean(-r))),
        ("It looks like the errors are squared (that is the MSE): MAE uses |error|.",
         ref.mse(y, y_hat)),
        ("It looks like the median of the absolute errors: MAE is their mean.",
         float(np.median(np.abs(r)))),
    ]


@pytest.mark.grade("test_mae", points=1)
def test_mae_on_the_lecture_tables(student):
    for y, y_hat, table in ((Y3, YHAT3, "three-stock"), (Y5, YHAT5, "five-stock")):
        what = f"mae() on the lecture's {table} table"
        got = expect_float(student.call("mae", y, y_hat), what)
        expect_close(got, ref.mae(y, y_hat), what, _mae_mistakes(y, y_hat))


@pytest.mark.grade("test_mae", points=1)
def test_mae_on_a_batch(student, rng):
    y, y_hat = _regression_batch(rng, (_size(rng),))
    got = expect_float(student.call("mae", y, y_hat), "mae(y_true, y_pred)")
    expect_close(got, ref.mae(y, y_hat), "mae(y_true, y_pred)", _mae_mistakes(y, y_hat))


@pytest.mark.grade("test_mae", points=1)
def test_mae_on_a_column(student, rng):
    y, y_hat = _regression_batch(rng, (_size(rng), 1))
    what = "mae(y_true, y_pred) for (m, 1) column inputs"
    got = expect_float(student.call("mae", y, y_hat), what)
    expect_close(got, ref.mae(y, y_hat), what, _mae_mistakes(y, y_hat))


# ---------------------------------------------------------------------------
# Part 4: huber  (6 points)
# ---------------------------------------------------------------------------


def _huber_variant(y, y_hat, delta, quad=0.5, shift=0.5, slope=True, swap=False, signed=0):
    """The Huber loss with one of the usual slips (the defaults give the right loss).

    ``signed``: +1 or -1 branches on the signed residual (y_hat - y or y - y_hat) <= delta."""
    r = y_hat - y
    a = np.abs(r)
    inner = quad * r**2
    outer = (delta if slope else 1.0) * (a - shift * delta)
    small = signed * r <= delta if signed else a <= delta
    per = np.where(small, outer, inner) if swap else np.where(small, inner, outer)
    return float(np.mean(per))


def _huber_mistakes(y, y_hat, delta):
    want = ref.huber(y, y_hat, delta)
    signed = ("The branch tests the signed residual: choose the quadratic piece when "
              "|r| <= delta (np.abs), so that a large miss in either direction is linear.")
    mistakes = [
        (signed, _huber_variant(y, y_hat, delta, signed=1)),
        (signed, _huber_variant(y, y_hat, delta, signed=-1)),
        ("The quadratic piece must be 1/2 r^2, not r^2.",
         _huber_variant(y, y_hat, delta, quad=1.0)),
        ("The linear piece misses the -delta/2: use delta * (|r| - delta/2) so that the two "
         "pieces meet at |r| = delta.", _huber_variant(y, y_hat, delta, shift=0.0)),
        ("The linear piece misses the factor delta: it is delta * (|r| - delta/2).",
         _huber_variant(y, y_hat, delta, slope=False)),
        ("The two pieces are swapped: quadratic for |r| <= delta (small misses), linear beyond.",
         _huber_variant(y, y_hat, delta, swap=True)),
        ("It is twice the expected value: the quadratic piece is 1/2 r^2 and the linear piece "
         "delta * (|r| - delta/2).", 2 * want),
        (SUM_NOT_MEAN, want * np.size(y)),
    ]
    if delta != 1.0:
        mistakes.append(("It looks like delta is ignored (always 1.0): use the delta argument.",
                         ref.huber(y, y_hat, 1.0)))
    return mistakes


def _huber_batch(rng, shape, delta):
    """Errors on both sides of the band, never on its edge |r| = delta."""
    n = int(np.prod(shape))
    size = np.where(np.arange(n) % 2 == 0, rng.uniform(0.1, 0.85, n), rng.uniform(1.25, 4.0, n))
    r = rng.permutation(size * rng.choice([-1.0, 1.0], n) * delta)
    y = rng.normal(0.0, 1.5, n)
    return y.reshape(shape), (y + r).reshape(shape)


@pytest.mark.grade("test_huber", points=1)
def test_huber_on_the_five_stocks(student):
    what = "huber() on the lecture's five stocks with delta = 2"
    got = expect_float(student.call("huber", Y5, YHAT5, delta=2.0), what)
    expect_close(got, ref.huber(Y5, YHAT5, 2.0), what, _huber_mistakes(Y5, YHAT5, 2.0))


@pytest.mark.grade("test_huber", points=2)
def test_huber_with_the_default_delta(student, rng):
    y, y_hat = _huber_batch(rng, (_size(rng),), 1.0)
    what = "huber(y_true, y_pred) with the default delta"
    got = expect_float(student.call("huber", y, y_hat), what)
    expect_close(got, ref.huber(y, y_hat), what, _huber_mistakes(y, y_hat, 1.0))


@pytest.mark.grade("test_huber", points=2)
def test_huber_with_other_deltas(student, rng):
    for delta in (float(rng.uniform(0.3, 0.7)), float(rng.uniform(1.5, 3.0))):
        y, y_hat = _huber_batch(rng, (_size(rng),), delta)
        what = "huber(y_true, y_pred, delta) with a delta other than 1"
        got = expect_float(student.call("huber", y, y_hat, delta=delta), what)
        expect_close(got, ref.huber(y, y_hat, delta), what, _huber_mistakes(y, y_hat, delta))


@pytest.mark.grade("test_huber", points=1)
def test_huber_on_a_column(student, rng):
    delta = 1.5
    y, y_hat = _huber_batch(rng, (_size(rng), 1), delta)
    what = "huber(y_true, y_pred, delta) for (m, 1) column inputs"
    got = expect_float(student.call("huber", y, y_hat, delta=delta), what)
    expect_close(got, ref.huber(y, y_hat, delta), what, _huber_mistakes(y, y_hat, delta))


# ---------------------------------------------------------------------------
# Part 5: worst_day_share  (4 points)
# ---------------------------------------------------------------------------


def _expect_pair(value, what):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        got = f"a {type(value).__name__}" if not hasattr(value, "shape") else f"an array {value.shape}"
        raise CheckFailed(f"{what} should return a tuple of two floats (share_mse, share_mae), "
                          f"but it returned {got}.",
                          "not a pair of shares")
    return tuple(expect_float(v, what + " (each share)") for v in value)


def _share_want(y, y_hat):
    """Shares computed from the reference losses: worst day's contribution / the mean loss."""
    a = np.abs(y - y_hat)
    m = a.size
    return (float(a.max() ** 2 / m / ref.mse(y, y_hat)), float(a.max() / m / ref.mae(y, y_hat)))


def _share_mistakes(y, y_hat):
    share_mse, share_mae = _share_want(y, y_hat)
    e = (y - y_hat).ravel()
    m = e.size
    return [
        ("The shares should be fractions between 0 and 1, not percentages.",
         (100 * share_mse, 100 * share_mae)),
        ("The two shares are in the wrong order: return (share_mse, share_mae).",
         (share_mae, share_mse)),
        ("Divide by the sum of all days' errors, not by their mean: a share lies between 0 and 1.",
         (m * share_mse, m * share_mae)),
        ("The worst day is the one with the largest ABSOLUTE error; a big negative miss "
         "counts as much as a big positive one.",
         (share_mse, float(e.max() / np.abs(e).sum()))),
        ("The worst day is the one with the largest ABSOLUTE error; a big negative miss "
         "counts as much as a big positive one.",
         (float(e.max() ** 2 / np.sum(e**2)), float(e.max() / np.abs(e).sum()))),
    ]


def _crash_batch(rng, shape):
    """Quiet days plus one crash that the forecast missed badly (a large negative error)."""
    n = int(np.prod(shape))
    y = rng.normal(0.0, 1.0, n)
    y_hat = 0.2 * y + rng.normal(0.0, 0.3, n)
    crash = int(rng.integers(n))
    y[crash] = -float(rng.uniform(7.0, 10.0))
    y_hat[crash] = float(rng.uniform(0.0, 0.5))
    return y.reshape(shape), y_hat.reshape(shape)


def _expect_share(student, got, y, y_hat, what):
    """worst_day_share may call the student's mse and mae: their mistakes are not charged here."""
    a = np.abs(y - y_hat)
    m = a.size

    def shares(mse_value, mae_value):
        return (float(a.max() ** 2 / m / mse_value), float(a.max() / m / mae_value))

    def both(out):
        return shares(expect_float(out[0], "mse"), expect_float(out[1], "mae"))

    carried = carried_from(lambda: (student.call("mse", y, y_hat), student.call("mae", y, y_hat)),
                           (ref.mse(y, y_hat), ref.mae(y, y_hat)), both, "worst_day_share",
                           "mse or mae")
    expect_own_logic(got, _share_want(y, y_hat), what, carried, _share_mistakes(y, y_hat))


@pytest.mark.grade("test_worst_day_share", points=2)
def test_worst_day_share_with_a_crash(student, rng):
    y, y_hat = _crash_batch(rng, (int(rng.integers(40, 80)),))
    what = "worst_day_share(y_true, y_pred)"
    got = _expect_pair(student.call("worst_day_share", y, y_hat), what)
    _expect_share(student, got, y, y_hat, what)


@pytest.mark.grade("test_worst_day_share", points=2)
def test_worst_day_share_on_columns(student, rng):
    what = "worst_day_share(y_true, y_pred) for (m, 1) column inputs"
    for flip in (1.0, -1.0):
        y, y_hat = _crash_batch(rng, (_size(rng), 1))
        y, y_hat = flip * y, flip * y_hat
        got = _expect_pair(student.call("worst_day_share", y, y_hat), what)
        _expect_share(student, got, y, y_hat, what)


# ---------------------------------------------------------------------------
# Part 7: binary_cross_entropy  (6 points)
# ---------------------------------------------------------------------------


def _bce_mistakes(y, p, eps=1e-12):
    want = ref.binary_cross_entropy(y, p, eps)
    q = np.clip(p, eps, 1 - eps)
    mistakes = [
        (SUM_NOT_MEAN, want * np.size(y)),
        ("The sign is wrong: the loss is MINUS the mean of y ln p + (1 - y) ln(1 - p).", -want),
        ("Use the natural logarithm np.log, not log10 or log2.", want / np.log(10)),
        ("Use the natural logarithm np.log, not log10 or log2.", want / np.log(2)),
        ("Only the y ln(p) term is there: add the (1 - y) ln(1 - p) term for the down days.",
         float(-np.mean(y * np.log(q)))),
        ("p and 1 - p are swapped: an up day (y = 1) costs -ln(p).",
         ref.binary_cross_entropy(y, 1 - p, eps)),
    ]
    for other in (1e-7, 1e-8, 1e-10, 1e-15, 1e-16):
        if other != eps:
            mistakes.append(("Clip with the eps argument, not with a different constant.",
                             ref.binary_cross_entropy(y, p, other)))
    return mistakes


def _labels(rng, shape):
    n = int(np.prod(shape))
    y = rng.permutation(np.arange(n) % 2).astype(float)  # both classes present
    return y.reshape(shape)


@pytest.mark.grade("test_binary_cross_entropy", points=2)
def test_bce_on_a_batch(student, rng):
    shape = (_size(rng),)
    y, p = _labels(rng, shape), rng.uniform(0.03, 0.97, shape)
    what = "binary_cross_entropy(y_true, y_pred)"
    got = expect_float(student.call("binary_cross_entropy", y, p), what)
    expect_close(got, ref.binary_cross_entropy(y, p), what, _bce_mistakes(y, p))


@pytest.mark.grade("test_binary_cross_entropy", points=2)
def test_bce_with_predictions_of_exactly_0_and_1(student, rng):
    shape = (_size(rng),)
    y = _labels(rng, shape)
    p = rng.uniform(0.05, 0.95, shape)
    p[:4] = [1.0, 0.0, 0.0, 1.0]       # certain and right, or certain and wrong
    y[:4] = [1.0, 0.0, 1.0, 0.0]
    order = rng.permutation(shape[0])
    y, p = y[order], p[order]
    what = "binary_cross_entropy(y_true, y_pred) with predictions of exactly 0 and 1"
    got = expect_float(student.call("binary_cross_entropy", y, p,
                                    when="when some predictions are exactly 0 or 1"), what)
    if not math.isfinite(got):
        raise CheckFailed(f"{what} returned {got}: a prediction of exactly 0 or 1 makes log(0). "
                          "Clip y_pred to [eps, 1 - eps] before taking logs.",
                          "no clipping")
    expect_close(got, ref.binary_cross_entropy(y, p), what, _bce_mistakes(y, p))


@pytest.mark.grade("test_binary_cross_entropy", points=1)
def test_bce_uses_the_eps_argument(student, rng):
    shape = (_size(rng),)
    y = _labels(rng, shape)
    p = rng.uniform(0.05, 0.95, shape)
    p[0], y[0] = 0.0, 1.0
    p[1], y[1] = 1.0, 0.0
    eps = 1e-4
    what = "binary_cross_entropy(y_true, y_pred, eps) with eps = 1e-4"
    got = expect_float(student.call("binary_cross_entropy", y, p, eps=eps), what)
    mistakes = [("It looks like the eps argument is ignored: clip with eps, the function's "
                 "argument.", ref.binary_cross_entropy(y, p))] + _bce_mistakes(y, p, eps)
    if not math.isfinite(got):
        raise CheckFailed(f"{what} returned {got}: clip y_pred to [eps, 1 - eps] before the logs.",
                          "no clipping")
    expect_close(got, ref.binary_cross_entropy(y, p, eps), what, mistakes)


@pytest.mark.grade("test_binary_cross_entropy", points=1)
def test_bce_on_a_column(student, rng):
    shape = (_size(rng), 1)
    y, p = _labels(rng, shape), rng.uniform(0.03, 0.97, shape)
    what = "binary_cross_entropy(y_true, y_pred) for (m, 1) column inputs"
    got = expect_float(student.call("binary_cross_entropy", y, p), what)
    expect_close(got, ref.binary_cross_entropy(y, p), what, _bce_mistakes(y, p))


# ---------------------------------------------------------------------------
# Part 8: strategy_pnl  (4 points)
# ---------------------------------------------------------------------------


def _pnl_mistakes(f, r):
    return [
        ("Only the sign of the forecast matters: trade one unit (np.sign(forecast)), "
         "not forecast-sized positions.", f * r),
        ("The position goes in the opposite direction: long (+1) when the forecast is "
         "positive, short (-1) when it is negative.", -np.sign(f) * r),
        ("A zero forecast means no position (flat, P&L 0), not a long or short one.",
         np.where(f >= 0, 1.0, -1.0) * r),
        ("A zero forecast means no position (flat, P&L 0), not a long or short one.",
         np.where(f > 0, 1.0, -1.0) * r),
        ("The arguments seem swapped: the position comes from the forecast (first argument), "
         "the P&L from the realized return (second).", np.sign(r) * f),
    ]


def _pnl_batch(rng, shape):
    n = int(np.prod(shape))
    f = rng.normal(0.0, 1.0, n)
    f[rng.choice(n, size=2, replace=False)] = 0.0      # two days without a position
    r = 1.5 * rng.standard_t(4, n)
    return f.reshape(shape), r.reshape(shape)


@pytest.mark.grade("test_strategy_pnl", points=1)
def test_strategy_pnl_on_the_five_stocks(student):
    what = "strategy_pnl() on the lecture's five stocks"
    got = expect_array(student.call("strategy_pnl", YHAT5, Y5), (5,), what)
    expect_close(got, trading.strategy_pnl(YHAT5, Y5), what, _pnl_mistakes(YHAT5, Y5))


@pytest.mark.grade("test_strategy_pnl", points=2)
def test_strategy_pnl_on_a_batch(student, rng):
    f, r = _pnl_batch(rng, (_size(rng),))
    what = "strategy_pnl(forecast, realized)"
    got = expect_array(student.call("strategy_pnl", f, r), f.shape, what)
    expect_close(got, trading.strategy_pnl(f, r), what, _pnl_mistakes(f, r))


@pytest.mark.grade("test_strategy_pnl", points=1)
def test_strategy_pnl_keeps_the_shape(student, rng):
    f, r = _pnl_batch(rng, (_size(rng), 1))
    what = "strategy_pnl(forecast, realized) for (m, 1) column inputs"
    got = expect_array(student.call("strategy_pnl", f, r), f.shape, what)
    expect_close(got, trading.strategy_pnl(f, r), what, _pnl_mistakes(f, r))


# ---------------------------------------------------------------------------
# Part 9: hit_rate  (4 points)
# ---------------------------------------------------------------------------


def _hit_mistakes(f, r):
    want = trading.hit_rate(f, r)
    counted = (f != 0) & (r != 0)
    n = int(np.count_nonzero(counted))
    hits = want * n
    not_counted = ("Days with a zero forecast (no position) or a zero return (no direction) "
                   "must not be counted at all, neither as hits nor as misses.")
    return [
        ("Return a fraction between 0 and 1, not a percentage.", 100 * want),
        ("Return the fraction of hits, not their count.", hits),
        ("It looks like the fraction of misses: a hit is sign(forecast) == sign(realized).",
         1 - want),
        (not_counted, float(np.mean(np.sign(f) == np.sign(r)))),
        (not_counted, hits / f.size),
        (not_counted, float(np.mean(np.sign(f[f != 0]) == np.sign(r[f != 0])))),
    ]


def _expect_hit(student, got, f, r, what):
    """hit_rate may call the student's strategy_pnl (a hit is a day with P&L > 0)."""
    counted = (f != 0) & (r != 0)

    def from_pnl(pnl):
        pnl = expect_array(pnl, f.shape, "strategy_pnl")
        return float(np.mean(pnl[counted] > 0))

    carried = carried_from(lambda: student.call("strategy_pnl", f, r), trading.strategy_pnl(f, r),
                           from_pnl, "hit_rate", "strategy_pnl")
    expect_own_logic(got, trading.hit_rate(f, r), what, carried, _hit_mistakes(f, r))


@pytest.mark.grade("test_hit_rate", points=2)
def test_hit_rate_on_a_batch(student, rng):
    n = int(rng.integers(20, 40))
    r = rng.normal(0.0, 1.0, n)
    f = np.where(rng.uniform(size=n) < 0.65, r, -r) * rng.uniform(0.2, 2.0, n)
    what = "hit_rate(forecast, realized)"
    got = expect_float(student.call("hit_rate", f, r), what)
    _expect_hit(student, got, f, r, what)


@pytest.mark.grade("test_hit_rate", points=1)
def test_hit_rate_skips_days_without_a_bet(student, rng):
    n = int(rng.integers(20, 40))
    r = rng.normal(0.0, 1.0, n)
    f = np.where(rng.uniform(size=n) < 0.6, r, -r) * rng.uniform(0.2, 2.0, n)
    days = rng.choice(n, size=6, replace=False)
    f[days[:3]] = 0.0                       # no position taken
    r[days[3:]] = 0.0                       # no move
    f[days[5]] = 0.0                        # neither
    f, r = f.reshape(n, 1), r.reshape(n, 1)
    what = "hit_rate(forecast, realized) with days of zero forecast or zero return"
    got = expect_float(student.call("hit_rate", f, r), what)
    _expect_hit(student, got, f, r, what)


@pytest.mark.grade("test_hit_rate", points=1)
def test_hit_rate_without_any_bet_is_nan(student, rng):
    n = _size(rng)
    f, r = np.zeros(n), rng.normal(0.0, 1.0, n)
    what = "hit_rate(forecast, realized) when the forecast is zero every day"
    got = expect_float(student.call("hit_rate", f, r, when="when no day counts (a zero forecast "
                                    "every day)"), what)
    if not math.isnan(got):
        raise CheckFailed(f"{what} should be float('nan'): a forecaster that never takes a "
                          "position has no hit rate, since no day counts.",
                          "no nan when no day counts")
