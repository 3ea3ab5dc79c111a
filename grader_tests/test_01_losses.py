"""Hidden checks of assignment 01_losses: each part's contract, clause by clause.

Every part below is the numbered contract of one function of
source/01_losses/losses.ipynb (the same clauses its docstring states), with the
fixed cases that test each clause and the known mistakes its messages name. The
expected values all come from nnfin.reference; the only literal numbers are the
lecture's own tables. nnfin/grading/checks/contract.py runs them and splits
each part's points over its clauses by the course's one rubric.
"""

from __future__ import annotations

import numpy as np

from nnfin.grading.checks.contract import (
    LECTURE,
    MAIN,
    RULE,
    TYPE,
    UNCHANGED,
    Case,
    Clause,
    Part,
    like_its_twin,
    pytest_tests,
)
from nnfin.reference import losses as ref
from nnfin.reference import trading

ASSIGNMENT = "01_losses"

# The lecture's two stock tables, in percentage points.
Y3, YHAT3 = np.array([5.0, -2.0, 8.0]), np.array([3.0, 1.0, 7.0])
Y5, YHAT5 = np.array([2.0, 4.0, 2.0, 4.0, -3.0]), np.array([5.0, 3.0, -1.0, 4.0, 2.0])

# Fixed hidden inputs: drawn once from a constant seed, so every student meets the same cases.
_RNG = np.random.default_rng(20261201)

SUM_NOT_MEAN = "It looks like a sum instead of a mean: divide by the number of examples m."
IN_PERCENT = "Return a fraction between 0 and 1, not a percentage."


def _days(m: int, scale: float = 1.5) -> np.ndarray:
    """Fat-tailed daily returns in percentage points."""
    return scale * _RNG.standard_t(4, size=m)


def _forecast(y: np.ndarray) -> np.ndarray:
    """A noisy forecast of ``y``: errors of both signs, no two of the same size."""
    return 0.3 * y + _RNG.normal(0.0, 1.2, size=y.shape)


def _column(case: Case, when: str) -> Case:
    """The same numbers as (m, 1) columns; its twin is the (m,) case."""
    return Case(tuple(np.reshape(a, (-1, 1)) for a in case.args), case.kwargs, when, twin=case)


def _pair(m: int, when: str, mean_error: float | None = None) -> Case:
    """A batch of days and a forecast of them, shifted so that the mean error y - y_hat is
    ``mean_error`` when one is given (a sign of each in the batches: some mistakes differ only there)."""
    y = _days(m)
    y_hat = _forecast(y)
    if mean_error is not None:
        y_hat += np.mean(y - y_hat) - mean_error
    return Case((y, y_hat), when=when)


TABLE3 = Case((Y3, YHAT3), when="on the lecture's three-stock table")
TABLE5 = Case((Y5, YHAT5), when="on the lecture's five-stock table")
BATCH7 = _pair(7, "on a batch of 7 days", mean_error=0.8)
BATCH12 = _pair(12, "on a batch of 12 days", mean_error=-1.1)
BATCH40 = _pair(40, "on a batch of 40 days")
COLUMN9 = _column(_pair(9, ""), "on (m, 1) columns")

COLUMNS_LIKE_VECTORS = "the same numbers as (m,) vectors"


# ---------------------------------------------------------------------------
# Part 1: mse
# ---------------------------------------------------------------------------


def _mse_mistakes(y, y_hat):
    want = ref.mse(y, y_hat)
    e = np.ravel(y - y_hat)
    m = e.size
    return [
        (SUM_NOT_MEAN, want * m),
        ("It looks like the square root is taken: that is the RMSE, not the MSE.", np.sqrt(want)),
        ("It is half the expected value: the MSE has no factor 1/2 (that convention belongs to the "
         "backpropagation example, not to this loss).", want / 2),
        ("It looks like the absolute errors are averaged (that is the MAE): square each error.",
         ref.mae(y, y_hat)),
        ("It looks like the mean error is squared: square each error first, then average.",
         float(np.mean(e)) ** 2),
        ("It looks like the sum is divided by m - 1: the MSE averages over all m examples.",
         want * m / (m - 1) if m > 1 else np.nan),
        ("It looks like the variance of the errors (np.var): that subtracts the mean error first, "
         "the MSE does not.", float(np.var(e))),
        ("It looks like the median of the squared errors: the MSE is their mean.",
         float(np.median(e**2))),
    ]


MSE = Part(1, "mse", points=4, reference=ref.mse, clauses=[
    Clause("C1", TYPE, "returns one float (a Python float or numpy float64), also for (m, 1) columns",
           [TABLE3, BATCH7, COLUMN9]),
    Clause("C2", LECTURE, "gives the lecture's tables: 4.67 for the three stocks and 8.8 for the five",
           [TABLE3, TABLE5], mistakes=_mse_mistakes),
    Clause("C3", MAIN, "is the mean of the squared errors (y_true - y_pred) ** 2 on any batch",
           [BATCH7, BATCH12, BATCH40], mistakes=_mse_mistakes,
           hint="square each error, then take the mean over all m examples"),
    Clause("C4", RULE, "gives (m, 1) columns the same value as the same numbers in (m,) vectors",
           [COLUMN9], check=like_its_twin(COLUMNS_LIKE_VECTORS)),
    Clause("C5", UNCHANGED, "leaves y_true and y_pred unchanged", [BATCH7, COLUMN9]),
])


# ---------------------------------------------------------------------------
# Part 2: rmse
# ---------------------------------------------------------------------------


def _rmse_mistakes(y, y_hat):
    want = ref.rmse(y, y_hat)
    e = np.ravel(y - y_hat)
    m = e.size
    return [
        ("It looks like the MSE: you forgot the square root at the end.", want**2),
        ("It looks like the square root of the sum: average the squared errors (divide by m) "
         "before the square root.", want * np.sqrt(m)),
        ("It looks like the MAE: the square root of each squared error is just |error|. Average "
         "the squares first, take the square root last.", ref.mae(y, y_hat)),
        ("It looks like np.std of the errors: np.std subtracts the mean error, the RMSE does not.",
         float(np.std(e))),
        ("It looks like the sum is divided by m - 1: the RMSE averages over all m examples.",
         want * np.sqrt(m / (m - 1)) if m > 1 else np.nan),
        ("It is half the expected value: the RMSE has no factor 1/2.", want / 2),
    ]


RMSE = Part(2, "rmse", points=3, reference=ref.rmse, helpers={"mse": ref.mse}, clauses=[
    Clause("C1", TYPE, "returns one float (a Python float or numpy float64), also for (m, 1) columns",
           [TABLE3, BATCH7, COLUMN9]),
    Clause("C2", LECTURE, "gives the lecture's tables: 2.16 for the three stocks and 2.97 for the five",
           [TABLE3, TABLE5], mistakes=_rmse_mistakes),
    Clause("C3", MAIN, "is the square root of the mean of the squared errors on any batch",
           [BATCH7, BATCH12, BATCH40], mistakes=_rmse_mistakes,
           hint="the mean of the squared errors first, the square root last"),
    Clause("C4", RULE, "gives (m, 1) columns the same value as the same numbers in (m,) vectors",
           [COLUMN9], check=like_its_twin(COLUMNS_LIKE_VECTORS)),
    Clause("C5", UNCHANGED, "leaves y_true and y_pred unchanged", [BATCH7, COLUMN9]),
])


# ---------------------------------------------------------------------------
# Part 3: mae
# ---------------------------------------------------------------------------


def _mae_mistakes(y, y_hat):
    want = ref.mae(y, y_hat)
    e = np.ravel(y - y_hat)
    m = e.size
    no_abs = ("It looks like the signed errors {} are averaged: take the absolute value of each "
              "error before averaging, so that misses in opposite directions do not cancel.")
    return [
        (SUM_NOT_MEAN, want * m),
        (no_abs.format("y_true - y_pred"), float(np.mean(e))),
        (no_abs.format("y_pred - y_true"), float(np.mean(-e))),
        ("It looks like the absolute value of the mean error: take the absolute value of each "
         "error first, then average.", abs(float(np.mean(e)))),
        ("It looks like the errors are squared (that is the MSE): the MAE averages |error|.",
         ref.mse(y, y_hat)),
        ("It looks like the median of the absolute errors: the MAE is their mean.",
         float(np.median(np.abs(e)))),
        ("It looks like the sum is divided by m - 1: the MAE averages over all m examples.",
         want * m / (m - 1) if m > 1 else np.nan),
    ]


MAE = Part(3, "mae", points=3, reference=ref.mae, clauses=[
    Clause("C1", TYPE, "returns one float (a Python float or numpy float64), also for (m, 1) columns",
           [TABLE5, BATCH7, COLUMN9]),
    Clause("C2", LECTURE, "gives the lecture's tables: 2.0 for the three stocks and 2.4 for the five",
           [TABLE3, TABLE5], mistakes=_mae_mistakes),
    Clause("C3", MAIN, "is the mean of the absolute errors |y_true - y_pred| on any batch",
           [BATCH7, BATCH12, BATCH40], mistakes=_mae_mistakes,
           hint="the absolute value of each error, then the mean over all m examples"),
    Clause("C4", RULE, "gives (m, 1) columns the same value as the same numbers in (m,) vectors",
           [COLUMN9], check=like_its_twin(COLUMNS_LIKE_VECTORS)),
    Clause("C5", UNCHANGED, "leaves y_true and y_pred unchanged", [BATCH7, COLUMN9]),
])


# ---------------------------------------------------------------------------
# Part 4: huber
# ---------------------------------------------------------------------------


def _huber_variant(y, y_hat, delta, quad=0.5, shift=0.5, slope=True, swap=False, signed=0,
                   squared_band=False):
    """The Huber loss with one of the usual slips (the defaults give the right loss).

    ``signed``: +1 or -1 branches on the signed residual (y_hat - y or y - y_hat) <= delta."""
    r = np.ravel(y_hat - y)
    a = np.abs(r)
    inner = quad * r**2
    outer = (delta if slope else 1.0) * (a - shift * delta)
    small = signed * r <= delta if signed else (r**2 <= delta if squared_band else a <= delta)
    per = np.where(small, outer, inner) if swap else np.where(small, inner, outer)
    return float(np.mean(per))


def _huber_mistakes(y, y_hat, delta=1.0):
    want = ref.huber(y, y_hat, delta)
    signed = ("The branch tests the signed residual: choose the quadratic piece when |r| <= delta "
              "(np.abs), so that a large miss in either direction is on the linear piece.")
    mistakes = [
        (signed, _huber_variant(y, y_hat, delta, signed=1)),
        (signed, _huber_variant(y, y_hat, delta, signed=-1)),
        ("The band compares r^2 with delta: choose the quadratic piece when |r| <= delta.",
         _huber_variant(y, y_hat, delta, squared_band=True)),
        ("The quadratic piece must be 1/2 r^2, not r^2.", _huber_variant(y, y_hat, delta, quad=1.0)),
        ("The linear piece misses the -delta/2: use delta * (|r| - delta/2), so that the two pieces "
         "meet at |r| = delta.", _huber_variant(y, y_hat, delta, shift=0.0)),
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


def _huber_case(m: int, delta: float, when: str, both_signs: bool = False) -> Case:
    """Misses inside and outside the band, one just inside (0.9 delta) and one just outside (1.1 delta),
    never on its edge, so that a band drawn elsewhere (r^2 <= delta, |r| < 2 delta) shows. The large
    misses all lie above the
    truth (y_pred > y_true + delta), or with ``both_signs`` on both sides of it; the twin of a
    ``both_signs`` case swaps y_true and y_pred, which flips every residual's sign."""
    small = np.concatenate([[0.9], _RNG.uniform(0.1, 0.85, m // 2 - 1)]) * _RNG.choice([-1.0, 1.0], m // 2)
    large = np.concatenate([[1.1], _RNG.uniform(1.25, 4.0, m - m // 2 - 1)])
    if both_signs:
        large *= np.where(np.arange(large.size) % 2 == 0, -1.0, 1.0)
    r = _RNG.permutation(np.concatenate([small, large])) * delta
    y = _RNG.normal(0.0, 1.5, m)
    twin = Case((y + r, y), {"delta": delta}) if both_signs else None
    return Case((y, y + r), {"delta": delta}, when, twin=twin)


HUBER_FIVE = Case((Y5, YHAT5), {"delta": 2.0}, "on the notebook's five stocks with delta = 2")
HUBER_BATCHES = [_huber_case(10, 1.0, "on a batch with delta = 1"),
                 _huber_case(13, 0.5, "on a batch with delta = 0.5"),
                 _huber_case(8, 2.5, "on a batch with delta = 2.5")]
HUBER_SIGNS = [_huber_case(9, 1.0, "when y_pred lies far below y_true on some days", both_signs=True),
               _huber_case(12, 1.5, "when y_pred lies far below y_true on some days", both_signs=True)]
_default = _huber_case(11, 1.0, "")
HUBER_DEFAULT = Case(_default.args, {}, "without a delta argument", twin=_default)
HUBER_COLUMN = _column(_huber_case(9, 1.5, ""), "on (m, 1) columns")

HUBER = Part(4, "huber", points=6, reference=ref.huber, clauses=[
    Clause("C1", TYPE, "returns one float (a Python float or numpy float64), also for (m, 1) columns",
           [HUBER_FIVE, HUBER_BATCHES[0], HUBER_COLUMN]),
    Clause("C2", LECTURE, "gives 3.3 on the five stocks with delta = 2", [HUBER_FIVE],
           mistakes=_huber_mistakes),
    Clause("C3", MAIN, "is the mean of 1/2 r^2 where |r| <= delta and delta * (|r| - delta/2) "
                       "where |r| > delta, with r = y_pred - y_true, for any delta > 0",
           HUBER_BATCHES, mistakes=_huber_mistakes,
           hint="compute both pieces for every example, choose with np.where(np.abs(r) <= delta, ...), "
                "then average"),
    Clause("C4", RULE, "puts a large miss of either sign on the linear piece: the band is about |r|",
           HUBER_SIGNS, check=like_its_twin("the same misses with the opposite sign", _huber_mistakes)),
    Clause("C5", RULE, "uses delta = 1.0 when no delta is given", [HUBER_DEFAULT],
           check=like_its_twin("delta = 1.0 given explicitly")),
    Clause("C6", UNCHANGED, "leaves y_true and y_pred unchanged", [HUBER_BATCHES[0], HUBER_COLUMN]),
])


# ---------------------------------------------------------------------------
# Part 5: worst_day_share
# ---------------------------------------------------------------------------


def _share_mistakes(y, y_hat):
    share_mse, share_mae = ref.worst_day_share(y, y_hat)
    e = np.ravel(y - y_hat)
    a = np.abs(e)
    m = e.size
    positive = ("The worst day is the one with the largest ABSOLUTE error: a big negative miss (a "
                "crash the forecast missed) counts as much as a big positive one.")
    ties = ("When several days share the largest |error|, count only one of them: the share is one "
            "day's term over the sum of all terms.")
    tied = np.count_nonzero(a == a.max())
    return [
        ("The shares should be fractions between 0 and 1, not percentages.",
         (100 * share_mse, 100 * share_mae)),
        ("The two shares are in the wrong order: return (share_mse, share_mae).",
         (share_mae, share_mse)),
        ("Divide by the sum of all days' terms, not by their mean: a share lies between 0 and 1.",
         (m * share_mse, m * share_mae)),
        (positive, (float(e.max() ** 2 / np.sum(e**2)), float(e.max() / a.sum()))),
        (positive, (share_mse, float(e.max() / a.sum()))),
        ("Both shares come from the same worst day: the share of the MAE uses |error|, not the "
         "squared error.", (share_mse, share_mse)),
        (ties, (tied * share_mse, tied * share_mae)),
    ]


def _crash(m: int, when: str, up: bool = False) -> Case:
    """Quiet days plus one day the forecast missed badly: a crash (or, with ``up``, a spike)."""
    y = _RNG.normal(0.0, 1.0, m)
    y_hat = 0.2 * y + _RNG.normal(0.0, 0.3, m)
    day = int(_RNG.integers(m))
    y[day] = (1.0 if up else -1.0) * float(_RNG.uniform(7.0, 10.0))
    y_hat[day] = float(_RNG.uniform(0.0, 0.5)) * (-1.0 if up else 1.0)
    return Case((y, y_hat), when=when)


def _tie(m: int) -> Case:
    """Two days (one crash, one spike) whose misses have the same size, the largest of all; its
    twin is the same with the spike a hair smaller, so that one day is the worst."""
    y = _RNG.normal(0.0, 1.0, m)
    y_hat = np.zeros(m)
    days = _RNG.choice(m, size=2, replace=False)
    y[days] = [-6.0, 6.0]
    nudged = y.copy()
    nudged[days[1]] = 6.0 * (1 - 1e-12)
    return Case((y, y_hat), when="when two days share the largest |error|", twin=Case((nudged, y_hat)))


TABLE5_SHARE = Case((Y5, YHAT5), when="on the lecture's five stocks")
CRASHES = [_crash(60, "on 60 days with one crash"), _crash(25, "on 25 days with one spike", up=True),
           _crash(9, "on 9 days with one crash")]
SHARE_COLUMN = _column(_crash(14, ""), "on (m, 1) columns")

WORST_DAY_SHARE = Part(5, "worst_day_share", points=4, reference=ref.worst_day_share,
                       helpers={"mse": ref.mse, "mae": ref.mae}, clauses=[
    Clause("C1", TYPE, "returns a tuple (share_mse, share_mae) of two floats", [TABLE5_SHARE, CRASHES[0]]),
    Clause("C2", LECTURE, "gives 25/44 and 5/12 on the five stocks", [TABLE5_SHARE],
           mistakes=_share_mistakes),
    Clause("C3", MAIN, "gives the worst day's share of the squared errors and of the absolute errors: "
                       "its term over the sum of all terms, the worst day being the largest |error|",
           CRASHES, mistakes=_share_mistakes,
           hint="find the day with the largest |error|; divide its squared error by the sum of all "
                "squared errors, and its |error| by the sum of all |errors|"),
    Clause("C4", RULE, "counts one day when several share the largest |error|", [_tie(12), _tie(7)],
           check=like_its_twin("the same days with one of them a hair smaller", _share_mistakes)),
    Clause("C5", RULE, "gives (m, 1) columns the same shares as the same numbers in (m,) vectors",
           [SHARE_COLUMN], check=like_its_twin(COLUMNS_LIKE_VECTORS)),
    Clause("C6", UNCHANGED, "leaves y_true and y_pred unchanged", [CRASHES[0], SHARE_COLUMN]),
])


# ---------------------------------------------------------------------------
# Part 7: binary_cross_entropy
# ---------------------------------------------------------------------------


def _bce_mistakes(y, p, eps=1e-12):
    want = ref.binary_cross_entropy(y, p, eps)
    q = np.clip(p, eps, 1 - eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        added = float(-np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)))
        unclipped = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    mistakes = [
        (SUM_NOT_MEAN, want * np.size(y)),
        ("The sign is wrong: the loss is MINUS the mean of y ln p + (1 - y) ln(1 - p).", -want),
        ("Use the natural logarithm np.log, not log10.", want / np.log(10)),
        ("Use the natural logarithm np.log, not log2.", want / np.log(2)),
        ("Only the y ln(p) term is there: add the (1 - y) ln(1 - p) term for the down days.",
         float(-np.mean(y * np.log(q)))),
        ("Only the (1 - y) ln(1 - p) term is there: add the y ln(p) term for the up days.",
         float(-np.mean((1 - y) * np.log(1 - q)))),
        ("p and 1 - p are swapped: an up day (y = 1) costs -ln(p).",
         ref.binary_cross_entropy(y, 1 - p, eps)),
        ("eps is added inside the logs instead of clipping: clip y_pred to [eps, 1 - eps] with "
         "np.clip, then take the logs.", added),
    ]
    if not np.isfinite(unclipped):
        mistakes.append(("A prediction of exactly 0 or 1 makes log(0): clip y_pred to "
                         "[eps, 1 - eps] before taking logs.", unclipped))
    for other in (1e-7, 1e-8, 1e-10, 1e-15, 1e-16):
        if other != eps:
            mistakes.append(("Clip with the eps argument, not with a constant of your own.",
                             ref.binary_cross_entropy(y, p, other)))
    return mistakes


def _labels(m: int) -> np.ndarray:
    return _RNG.permutation(np.arange(m) % 2).astype(float)  # both classes present


def _bce_case(m: int, when: str, certain: bool = False, eps: float | None = None) -> Case:
    """Labels of both kinds and probabilities inside (0, 1); with ``certain`` also predictions of
    exactly 0 and 1 (certain and right, certain and wrong). The twin of a ``certain`` case holds
    those already clipped, and with ``eps`` it is the same question asked with the default eps."""
    y = _labels(m)
    p = _RNG.uniform(0.03, 0.97, m)
    if eps is not None:  # two predictions closer to 0 and to 1 than eps, on days of each kind
        y[:2], p[:2] = [0.0, 1.0], [eps / 5, 1 - eps / 5]
    if certain:
        y[:4], p[:4] = [1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0]
        order = _RNG.permutation(m)
        y, p = y[order], p[order]
    kwargs = {} if eps is None else {"eps": eps}
    clip = 1e-12 if eps is None else eps
    twin = Case((y, np.clip(p, clip, 1 - clip))) if certain or eps else None
    return Case((y, p), kwargs, when, twin=twin)


BCE_FOUR = Case((np.array([1.0, 0.0, 1.0, 1.0]), np.array([0.9, 0.2, 0.6, 0.3])),
                when="on the notebook's four days")
BCE_BATCHES = [_bce_case(9, "on a batch of 9 days"), _bce_case(14, "on a batch of 14 days")]
BCE_CERTAIN = [_bce_case(10, "when some predictions are exactly 0 or 1", certain=True),
               _bce_case(7, "when some predictions are exactly 0 or 1", certain=True)]
BCE_EPS = [_bce_case(8, "with eps = 1e-4 and predictions of exactly 0 and 1", certain=True, eps=1e-4),
           _bce_case(11, "with eps = 0.05 and predictions closer to 0 or 1 than eps", eps=0.05)]
BCE_COLUMN = _column(_bce_case(8, ""), "on (m, 1) columns")

BINARY_CROSS_ENTROPY = Part(7, "binary_cross_entropy", points=6, reference=ref.binary_cross_entropy,
                            params=("y_true", "y_pred", "eps"), clauses=[
    Clause("C1", TYPE, "returns one float (a Python float or numpy float64), also for (m, 1) columns",
           [BCE_FOUR, BCE_BATCHES[0], BCE_COLUMN]),
    Clause("C2", LECTURE, "gives the notebook's four-day example, -(ln 0.9 + ln 0.8 + ln 0.6 + ln 0.3) / 4",
           [BCE_FOUR], mistakes=_bce_mistakes),
    Clause("C3", MAIN, "is -mean(y ln p + (1 - y) ln(1 - p)) on any batch, with the natural log",
           BCE_BATCHES, mistakes=_bce_mistakes,
           hint="both terms for every day, the natural log np.log, the minus sign, the mean over days"),
    Clause("C4", RULE, "clips y_pred to [eps, 1 - eps] with its eps argument before the logs, so that "
                       "predictions of exactly 0 and 1 give a finite loss", BCE_CERTAIN + BCE_EPS,
           check=like_its_twin("the same predictions clipped to [eps, 1 - eps] beforehand", _bce_mistakes)),
    Clause("C5", RULE, "gives (m, 1) columns the same value as the same numbers in (m,) vectors",
           [BCE_COLUMN], check=like_its_twin(COLUMNS_LIKE_VECTORS)),
    Clause("C6", UNCHANGED, "leaves y_true and y_pred unchanged", [BCE_CERTAIN[0], BCE_COLUMN]),
])


# ---------------------------------------------------------------------------
# Part 8: strategy_pnl
# ---------------------------------------------------------------------------


def _pnl_mistakes(f, r):
    flat = "A zero forecast means no position (flat, P&L 0 that day), not a long or a short one."
    sized = ("Only the sign of the forecast counts, however small the forecast is: trade one full "
             "unit (np.sign(forecast)), never a rounded, thresholded or forecast-sized position.")
    return [
        ("Only the sign of the forecast matters: trade one unit (np.sign(forecast)), "
         "not forecast-sized positions.", f * r),
        ("The position goes in the opposite direction: long (+1) when the forecast is positive, "
         "short (-1) when it is negative.", -np.sign(f) * r),
        (flat, np.where(f >= 0, 1.0, -1.0) * r),
        (flat, np.where(f > 0, 1.0, -1.0) * r),
        (sized, np.sign(np.round(f)) * r),
        (sized, np.sign(np.trunc(f)) * r),
        ("The arguments seem swapped: the position comes from the forecast (first argument), the "
         "P&L from the realized return (second).", np.sign(r) * f),
        ("It looks like the P&L of the day before: the position taken from today's forecast earns "
         "today's realized return (no shift).", np.concatenate([[0.0], (np.sign(f) * r).ravel()[:-1]])
         .reshape(np.shape(r))),
        ("It looks like the cumulative P&L: return each day's P&L, not the running total.",
         np.cumsum(np.sign(f) * r).reshape(np.shape(r))),
    ]


def _pnl_case(m: int, when: str, zeros: int = 0, tiny: bool = False) -> Case:
    """Forecasts of both signs, each at least 0.6 in size; with ``zeros`` some forecasts are 0 (the
    twin: those days left out), with ``tiny`` some are far below any threshold (the twin: the same
    days with forecasts of size 1)."""
    f = _RNG.uniform(0.6, 3.0, m) * _RNG.choice([-1.0, 1.0], m)
    r = 1.5 * _RNG.standard_t(4, m)
    if tiny:
        small = _RNG.choice(m, size=m // 2, replace=False)
        unit = f.copy()
        unit[small] = np.sign(f[small])
        f[small] = np.sign(f[small]) * _RNG.uniform(1e-9, 1e-3, small.size)
        return Case((f, r), when=when, twin=Case((unit, r)))
    if zeros:
        f[_RNG.choice(m, size=zeros, replace=False)] = 0.0
        return Case((f, r), when=when, twin=Case((f, np.where(f == 0, 0.0, r))))
    return Case((f, r), when=when)


PNL_FIVE = Case((YHAT5, Y5), when="on the lecture's five stocks")
PNL_BATCHES = [_pnl_case(8, "on 8 days"), _pnl_case(15, "on 15 days")]
PNL_ZEROS = [_pnl_case(10, "on days with a zero forecast", zeros=3)]
PNL_TINY = [_pnl_case(12, "when some forecasts are tiny (far below 0.5 or 0.01)", tiny=True)]
PNL_COLUMN = _column(_pnl_case(9, ""), "on (m, 1) columns")
PNL_INTS = Case((np.array([2, -1, 1, 3, -4, 1]), np.array([1.5, 2.0, -3.0, -0.5, -1.0, 0.7])),
                when="when the forecasts are ints")

STRATEGY_PNL = Part(8, "strategy_pnl", points=4, reference=trading.strategy_pnl, clauses=[
    Clause("C1", TYPE, "returns a numpy array of the inputs' shape, (m,) or (m, 1) alike",
           [PNL_FIVE, PNL_COLUMN, PNL_INTS]),
    Clause("C2", LECTURE, "gives [2, 4, -2, 4, -3] on the lecture's five stocks", [PNL_FIVE],
           mistakes=_pnl_mistakes),
    Clause("C3", MAIN, "is sign(forecast) * realized on every day: long one unit for a positive "
                       "forecast, short one unit for a negative one", PNL_BATCHES + [PNL_INTS, PNL_COLUMN],
           mistakes=_pnl_mistakes, hint="np.sign(forecast) * realized"),
    Clause("C4", RULE, "is 0 on a day with a zero forecast (no position)", PNL_ZEROS,
           check=like_its_twin("the same days with a realized return of 0 where the forecast is 0",
                               _pnl_mistakes)),
    Clause("C5", RULE, "trades a full unit on any nonzero forecast, however small", PNL_TINY,
           check=like_its_twin("the same days with forecasts of +1 and -1 in place of the tiny ones",
                               _pnl_mistakes)),
    Clause("C6", UNCHANGED, "leaves forecast and realized unchanged", [PNL_BATCHES[0], PNL_COLUMN]),
])


# ---------------------------------------------------------------------------
# Part 9: hit_rate
# ---------------------------------------------------------------------------


def _hit_mistakes(f, r):
    want = trading.hit_rate(f, r)
    counted = (f != 0) & (r != 0)
    n = int(np.count_nonzero(counted))
    hits = want * n if n else np.nan
    not_counted = ("Days with a zero forecast (no position) or a zero return (no direction) must not "
                   "be counted at all, neither as hits nor as misses.")
    tiny = ("A nonzero forecast is a position however small it is: count the day by the sign "
            "of the forecast.")
    mistakes = [
        (IN_PERCENT, 100 * want),
        ("Return the fraction of hits, not their count.", hits),
        ("It looks like the fraction of misses: a hit is sign(forecast) == sign(realized).", 1 - want),
        (not_counted, float(np.mean(np.sign(f) == np.sign(r)))),
        (not_counted, hits / f.size),
        (not_counted, float(np.mean(np.sign(f[f != 0]) == np.sign(r[f != 0]))) if np.any(f != 0) else 0.0),
        (not_counted, float(np.mean(np.sign(f[r != 0]) == np.sign(r[r != 0]))) if np.any(r != 0) else 0.0),
    ]
    rounded = np.round(f)
    kept = (rounded != 0) & (r != 0)
    if np.any(kept):
        mistakes.append((tiny, float(np.mean(np.sign(rounded[kept]) == np.sign(r[kept])))))
    return mistakes


def _hit_case(m: int, when: str, zeros: bool = False, tiny: bool = False) -> Case:
    """Forecasts right on about two days in three, none of them tiny. With ``zeros`` some days
    have a zero forecast or a zero return (the twin leaves those days out); with ``tiny`` a third
    of the forecasts are far below any threshold (the twin: the same days with forecasts of +-1)."""
    r = _RNG.normal(0.0, 1.0, m)
    r[np.abs(r) < 0.05] = 0.3
    f = np.where(_RNG.uniform(size=m) < 0.65, np.sign(r), -np.sign(r)) * _RNG.uniform(0.6, 2.0, m)
    if tiny:  # the tiny forecasts are all wrong, so leaving their days out would raise the rate
        f[: m // 3] = -np.sign(r[: m // 3]) * _RNG.uniform(1e-9, 1e-4, m // 3)
        unit = f.copy()
        unit[: m // 3] = np.sign(f[: m // 3])
        return Case((f, r), when=when, twin=Case((unit, r)))
    if zeros:
        days = _RNG.choice(m, size=6, replace=False)
        f[days[:3]] = 0.0   # no position taken
        r[days[3:]] = 0.0   # no move
        f[days[5]] = 0.0    # neither
        keep = (f != 0) & (r != 0)
        return Case((f, r), when=when, twin=Case((f[keep], r[keep])))
    return Case((f, r), when=when)


HIT_FIVE = Case((YHAT5, Y5), when="on the lecture's five stocks")
HIT_BATCHES = [_hit_case(21, "on 21 days"), _hit_case(33, "on 33 days")]
HIT_ZEROS = [_hit_case(24, "on days with zero forecasts and zero returns", zeros=True),
             _hit_case(30, "when some forecasts are tiny but not zero", tiny=True)]
HIT_NONE = [Case((np.zeros(8), _RNG.normal(0.0, 1.0, 8)), when="when the forecast is zero every day"),
            Case((np.zeros((6, 1)), np.zeros((6, 1))), when="when forecasts and returns are all zero")]
HIT_COLUMN = _column(_hit_case(18, ""), "on (m, 1) columns")

HIT_RATE = Part(9, "hit_rate", points=4, reference=trading.hit_rate,
                helpers={"strategy_pnl": trading.strategy_pnl}, clauses=[
    Clause("C1", TYPE, "returns one float (a Python float or numpy float64)",
           [HIT_FIVE, HIT_BATCHES[0], HIT_COLUMN]),
    Clause("C2", LECTURE, "gives 0.6 on the lecture's five stocks (3 of 5 directions right)", [HIT_FIVE],
           mistakes=_hit_mistakes),
    Clause("C3", MAIN, "is the fraction of days on which sign(forecast) == sign(realized)",
           HIT_BATCHES, mistakes=_hit_mistakes,
           hint="count the days with the right direction and divide by the number of counted days"),
    Clause("C4", RULE, "counts only days with forecast != 0 and realized != 0, however small",
           HIT_ZEROS, check=like_its_twin("the days that count alone", _hit_mistakes)),
    Clause("C5", RULE, "is float('nan') when no day counts", HIT_NONE),
    Clause("C6", RULE, "gives (m, 1) columns the same value as the same numbers in (m,) vectors",
           [HIT_COLUMN], check=like_its_twin(COLUMNS_LIKE_VECTORS)),
    Clause("C7", UNCHANGED, "leaves forecast and realized unchanged", [HIT_BATCHES[0], HIT_COLUMN]),
])


PARTS = [MSE, RMSE, MAE, HUBER, WORST_DAY_SHARE, BINARY_CROSS_ENTROPY, STRATEGY_PNL, HIT_RATE]
globals().update(pytest_tests(PARTS))
