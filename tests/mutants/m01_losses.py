"""Known wrong answers for 01_losses: each must lose exactly its own part, with the right message."""

ASSIGNMENT = "01_losses"


def _fn(signature: str, body: str) -> str:
    """An answer cell: the def line, a short docstring, and an indented body."""
    lines = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return f'def {signature}:\n    """A student\'s answer."""\n{lines}\n'


MSE = "mse(y_true, y_pred)"
RMSE = "rmse(y_true, y_pred)"
MAE = "mae(y_true, y_pred)"
HUBER = "huber(y_true, y_pred, delta=1.0)"
SHARE = "worst_day_share(y_true, y_pred)"
BCE = "binary_cross_entropy(y_true, y_pred, eps=1e-12)"
PNL = "strategy_pnl(forecast, realized)"
HIT = "hit_rate(forecast, realized)"

# a right worst_day_share that calls the student's mse and mae (errors carried forward)
SHARE_VIA_MSE_MAE = _fn(SHARE, "e = np.abs(y_true - y_pred)\nm = e.size\n"
                               "return (float(e.max() ** 2 / (m * mse(y_true, y_pred))),\n"
                               "        float(e.max() / (m * mae(y_true, y_pred))))")

MUTANTS = [
    # ---------------------------------------------------------------- mse
    {"cell": "mse", "name": "sum instead of mean", "clauses": ["C2", "C3"],
     "source": _fn(MSE, "return float(np.sum((y_true - y_pred) ** 2))"),
     "loses": ["test_mse"], "message": "sum instead of a mean"},
    {"cell": "mse", "name": "square root taken (RMSE)", "clauses": ["C2", "C3"],
     "source": _fn(MSE, "return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))"),
     "loses": ["test_mse"], "message": "square root"},
    {"cell": "mse", "name": "1/2 convention", "clauses": ["C2", "C3"],
     "source": _fn(MSE, "return float(0.5 * np.mean((y_true - y_pred) ** 2))"),
     "loses": ["test_mse"], "message": "factor 1/2"},
    {"cell": "mse", "name": "square of the mean error", "clauses": ["C2", "C3"],
     "source": _fn(MSE, "return float(np.mean(y_true - y_pred) ** 2)"),
     "loses": ["test_mse"], "message": "mean error is squared"},
    {"cell": "mse", "name": "array instead of float (keepdims)", "clauses": ["C1"],
     "source": _fn(MSE, "return np.mean((y_true - y_pred) ** 2, keepdims=True)"),
     "loses": ["test_mse"], "message": "one number"},
    {"cell": "mse", "name": "in-place subtraction", "clauses": ["C5"],
     "source": _fn(MSE, "y_pred -= y_true\nreturn float(np.mean(y_pred ** 2))"),
     "loses": ["test_mse"], "message": "in place"},
    {"cell": "mse", "name": "reads the global five-stock table", "clauses": ["C1", "C2", "C3", "C4", "C5"],
     "source": _fn(MSE, "return float(np.mean((y_true_5 - y_pred) ** 2))"),
     "loses": ["test_mse"], "message": "raised"},
    # ---------------------------------------------------------------- rmse
    {"cell": "rmse", "name": "forgot the square root", "clauses": ["C2", "C3"],
     "source": _fn(RMSE, "return float(np.mean((y_true - y_pred) ** 2))"),
     "loses": ["test_rmse"], "message": "forgot the square root"},
    {"cell": "rmse", "name": "square root of the sum", "clauses": ["C2", "C3"],
     "source": _fn(RMSE, "return float(np.sqrt(np.sum((y_true - y_pred) ** 2)))"),
     "loses": ["test_rmse"], "message": "square root of the sum"},
    {"cell": "rmse", "name": "root before the mean (MAE)", "clauses": ["C2", "C3"],
     "source": _fn(RMSE, "return float(np.mean(np.sqrt((y_true - y_pred) ** 2)))"),
     "loses": ["test_rmse"], "message": "looks like the MAE"},
    {"cell": "rmse", "name": "np.std of the errors", "clauses": ["C2", "C3"],
     "source": _fn(RMSE, "return float(np.std(y_true - y_pred))"),
     "loses": ["test_rmse"], "message": "np.std"},
    {"cell": "rmse", "name": "divides by m - 1", "clauses": ["C2", "C3"],
     "source": _fn(RMSE, "e = y_true - y_pred\nreturn float(np.sqrt(np.sum(e ** 2) / (e.size - 1)))"),
     "loses": ["test_rmse"], "message": "m - 1"},
    {"cell": "rmse", "name": "reads the global three-stock forecasts", "clauses": ["C1", "C2", "C3", "C4", "C5"],
     "source": _fn(RMSE, "return float(np.sqrt(np.mean((y_true - y_pred_3) ** 2)))"),
     "loses": ["test_rmse"], "message": "raised"},
    # ---------------------------------------------------------------- mae
    {"cell": "mae", "name": "no absolute value", "clauses": ["C2", "C3"],
     "source": _fn(MAE, "return float(np.mean(y_true - y_pred))"),
     "loses": ["test_mae"], "message": "absolute value of each error"},
    {"cell": "mae", "name": "absolute value of the mean", "clauses": ["C2", "C3"],
     "source": _fn(MAE, "return float(abs(np.mean(y_true - y_pred)))"),
     "loses": ["test_mae"], "message": "absolute value of the mean error"},
    {"cell": "mae", "name": "squared errors", "clauses": ["C2", "C3"],
     "source": _fn(MAE, "return float(np.mean((y_true - y_pred) ** 2))"),
     "loses": ["test_mae"], "message": "squared"},
    {"cell": "mae", "name": "sum instead of mean", "clauses": ["C2", "C3"],
     "source": _fn(MAE, "return float(np.sum(np.abs(y_true - y_pred)))"),
     "loses": ["test_mae"], "message": "sum instead of a mean"},
    {"cell": "mae", "name": "median instead of mean", "clauses": ["C2", "C3"],
     "source": _fn(MAE, "return float(np.median(np.abs(y_true - y_pred)))"),
     "loses": ["test_mae"], "message": "median"},
    # ---------------------------------------------------------------- huber
    {"cell": "huber", "name": "no 1/2 in the quadratic piece", "clauses": ["C2", "C3"],
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "return float(np.mean(np.where(a <= delta, r ** 2, delta * (a - 0.5 * delta))))"),
     "loses": ["test_huber"], "message": "1/2 r^2, not r^2"},
    {"cell": "huber", "name": "linear piece without -delta/2", "clauses": ["C2", "C3"],
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "return float(np.mean(np.where(a <= delta, 0.5 * r ** 2, delta * a)))"),
     "loses": ["test_huber"], "message": "-delta/2"},
    {"cell": "huber", "name": "linear piece without the factor delta", "clauses": ["C2", "C3"],
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "return float(np.mean(np.where(a <= delta, 0.5 * r ** 2, a - 0.5 * delta)))"),
     "loses": ["test_huber"], "message": "factor delta"},
    {"cell": "huber", "name": "pieces swapped", "clauses": ["C2", "C3"],
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "out = delta * (a - 0.5 * delta)\n"
                          "return float(np.mean(np.where(a > delta, 0.5 * r ** 2, out)))"),
     "loses": ["test_huber"], "message": "swapped"},
    {"cell": "huber", "name": "delta ignored", "clauses": ["C2", "C3"],
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "return float(np.mean(np.where(a <= 1.0, 0.5 * r ** 2, a - 0.5)))"),
     "loses": ["test_huber"], "message": "delta is ignored"},
    {"cell": "huber", "name": "in-place residual", "clauses": ["C6"],
     "source": _fn(HUBER, "r = y_pred\nr -= y_true\na = np.abs(r)\n"
                          "out = delta * (a - 0.5 * delta)\n"
                          "return float(np.mean(np.where(a <= delta, 0.5 * r ** 2, out)))"),
     "loses": ["test_huber"], "message": "in place"},
    {"cell": "huber", "name": "branches on the signed residual", "clauses": ["C2", "C4"],
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "out = delta * (a - 0.5 * delta)\n"
                          "return float(np.mean(np.where(r <= delta, 0.5 * r ** 2, out)))"),
     "loses": ["test_huber"], "message": "signed residual"},
    # ---------------------------------------------------------------- worst_day_share
    {"cell": "worst_day_share", "name": "percentages instead of fractions", "clauses": ["C2", "C3"],
     "source": _fn(SHARE, "e = np.abs(y_true - y_pred)\n"
                          "share_mse = 100 * np.max(e ** 2) / np.sum(e ** 2)\n"
                          "return float(share_mse), float(100 * e.max() / e.sum())"),
     "loses": ["test_worst_day_share"], "message": "not percentages"},
    {"cell": "worst_day_share", "name": "shares in the wrong order", "clauses": ["C2", "C3"],
     "source": _fn(SHARE, "e = np.abs(y_true - y_pred)\n"
                          "return float(e.max() / e.sum()), float(np.max(e ** 2) / np.sum(e ** 2))"),
     "loses": ["test_worst_day_share"], "message": "wrong order"},
    {"cell": "worst_day_share", "name": "largest signed error", "clauses": ["C2", "C3"],
     "source": _fn(SHARE, "e = y_true - y_pred\n"
                          "return float(np.max(e ** 2) / np.sum(e ** 2)), float(e.max() / np.abs(e).sum())"),
     "loses": ["test_worst_day_share"], "message": "largest ABSOLUTE error"},
    {"cell": "worst_day_share", "name": "divides by the mean", "clauses": ["C2", "C3"],
     "source": _fn(SHARE, "e = np.abs(y_true - y_pred)\n"
                          "return float(np.max(e ** 2) / np.mean(e ** 2)), float(e.max() / e.mean())"),
     "loses": ["test_worst_day_share"], "message": "not by their mean"},
    {"cell": "worst_day_share", "name": "returns an array", "clauses": ["C1"],
     "source": _fn(SHARE, "e = np.abs(y_true - y_pred)\n"
                          "return np.array([np.max(e ** 2) / np.sum(e ** 2), e.max() / e.sum()])"),
     "loses": ["test_worst_day_share"], "message": "tuple of 2 items"},
    # ---------------------------------------------------------------- binary_cross_entropy
    {"cell": "binary_cross_entropy", "name": "no clipping", "clauses": ["C4"],
     "source": _fn(BCE, "p = y_pred\n"
                        "return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "clip"},
    {"cell": "binary_cross_entropy", "name": "missing minus sign", "clauses": ["C2", "C3"],
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps)\n"
                        "return float(np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "sign is wrong"},
    {"cell": "binary_cross_entropy", "name": "log10", "clauses": ["C2", "C3"],
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps)\n"
                        "return float(-np.mean(y_true * np.log10(p) + (1 - y_true) * np.log10(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "natural logarithm"},
    {"cell": "binary_cross_entropy", "name": "missing (1 - y) term", "clauses": ["C2", "C3"],
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps)\nreturn float(-np.mean(y_true * np.log(p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "(1 - y) ln(1 - p)"},
    {"cell": "binary_cross_entropy", "name": "hard-coded clip 1e-7", "clauses": ["C4"],
     "source": _fn(BCE, "p = np.clip(y_pred, 1e-7, 1 - 1e-7)\n"
                        "return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "eps argument"},
    {"cell": "binary_cross_entropy", "name": "clips only from below", "clauses": ["C4"],
     "source": _fn(BCE, "p = np.maximum(y_pred, eps)\n"
                        "return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "clip"},
    {"cell": "binary_cross_entropy", "name": "in-place clip", "clauses": ["C6"],
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps, out=y_pred)\n"
                        "return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "in place"},
    {"cell": "binary_cross_entropy", "name": "sum instead of mean", "clauses": ["C2", "C3"],
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps)\n"
                        "return float(-np.sum(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "sum instead of a mean"},
    # ---------------------------------------------------------------- strategy_pnl
    {"cell": "strategy_pnl", "name": "position sized by the forecast", "clauses": ["C2", "C3", "C5"],
     "source": _fn(PNL, "return forecast * realized"),
     "loses": ["test_strategy_pnl"], "message": "only the sign of the forecast"},
    {"cell": "strategy_pnl", "name": "sign error", "clauses": ["C2", "C3"],
     "source": _fn(PNL, "return -np.sign(forecast) * realized"),
     "loses": ["test_strategy_pnl"], "message": "opposite direction"},
    {"cell": "strategy_pnl", "name": "long on a zero forecast", "clauses": ["C4"],
     "source": _fn(PNL, "return np.where(forecast >= 0, 1.0, -1.0) * realized"),
     "loses": ["test_strategy_pnl"], "message": "no position"},
    {"cell": "strategy_pnl", "name": "total instead of daily P&L", "clauses": ["C1", "C2", "C3", "C4", "C5"],
     "source": _fn(PNL, "return float(np.sum(np.sign(forecast) * realized))"),
     "loses": ["test_strategy_pnl"], "message": "numpy array"},
    {"cell": "strategy_pnl", "name": "flattens the shape", "clauses": ["C1"],
     "source": _fn(PNL, "return (np.sign(forecast) * realized).ravel()"),
     "loses": ["test_strategy_pnl"], "message": "shape"},
    {"cell": "strategy_pnl", "name": "arguments swapped", "clauses": ["C2", "C3", "C5"],
     "source": _fn(PNL, "return np.sign(realized) * forecast"),
     "loses": ["test_strategy_pnl"], "message": "swapped"},
    # ---------------------------------------------------------------- hit_rate
    {"cell": "hit_rate", "name": "percentage", "clauses": ["C2", "C3"],
     "source": _fn(HIT, "ok = (forecast != 0) & (realized != 0)\nif not ok.any():\n    return float('nan')\n"
                        "return float(100 * np.mean(np.sign(forecast[ok]) == np.sign(realized[ok])))"),
     "loses": ["test_hit_rate"], "message": "not a percentage"},
    {"cell": "hit_rate", "name": "count of hits", "clauses": ["C2", "C3"],
     "source": _fn(HIT, "ok = (forecast != 0) & (realized != 0)\nif not ok.any():\n    return float('nan')\n"
                        "return int(np.sum(np.sign(forecast[ok]) == np.sign(realized[ok])))"),
     "loses": ["test_hit_rate"], "message": "not their count"},
    {"cell": "hit_rate", "name": "zero days counted", "clauses": ["C4"],
     "source": _fn(HIT, "if np.all(forecast == 0):\n    return float('nan')\n"
                        "return float(np.mean(np.sign(forecast) == np.sign(realized)))"),
     "loses": ["test_hit_rate"], "message": "must not be counted"},
    {"cell": "hit_rate", "name": "fraction of misses", "clauses": ["C2", "C3"],
     "source": _fn(HIT, "ok = (forecast != 0) & (realized != 0)\nif not ok.any():\n    return float('nan')\n"
                        "return float(np.mean(np.sign(forecast[ok]) != np.sign(realized[ok])))"),
     "loses": ["test_hit_rate"], "message": "fraction of misses"},
    {"cell": "hit_rate", "name": "no guard for zero counted days", "clauses": ["C5"],
     "source": _fn(HIT, "ok = (forecast != 0) & (realized != 0)\n"
                        "hits = int(np.sum(np.sign(forecast[ok]) == np.sign(realized[ok])))\n"
                        "return hits / int(np.sum(ok))"),
     "loses": ["test_hit_rate"], "message": "ZeroDivisionError when the forecast is zero every day"},
    # ---------------------------------------------------------------- errors carried forward
    {"cell": "mse", "name": "sum instead of mean, called by rmse and worst_day_share", "clauses": ["C2", "C3"],
     "source": _fn(MSE, "return float(np.sum((y_true - y_pred) ** 2))"),
     "also": {"rmse": _fn(RMSE, "return float(np.sqrt(mse(y_true, y_pred)))"),
              "worst_day_share": SHARE_VIA_MSE_MAE},
     "loses": ["test_mse"], "message": "sum instead of a mean"},
    {"cell": "mae", "name": "no absolute value, called by worst_day_share", "clauses": ["C2", "C3"],
     "source": _fn(MAE, "return float(np.mean(y_true - y_pred))"),
     "also": {"worst_day_share": SHARE_VIA_MSE_MAE},
     "loses": ["test_mae"], "message": "absolute value"},
    {"cell": "strategy_pnl", "name": "sign error, called by hit_rate", "clauses": ["C2", "C3"],
     "source": _fn(PNL, "return -np.sign(forecast) * realized"),
     "also": {"hit_rate": _fn(HIT, "ok = (forecast != 0) & (realized != 0)\n"
                                   "if not ok.any():\n    return float('nan')\n"
                                   "return float(np.mean(strategy_pnl(forecast, realized)[ok] > 0))")},
     "loses": ["test_strategy_pnl"], "message": "opposite direction"},
]

# Mistakes that each break one clause of the contract alone (besides, where the lecture's tables
# exercise the same rule, the lecture clause): together with those above, every clause has one.
MSE_OK = "return float(np.mean((y_true - y_pred) ** 2))"
RMSE_OK = "return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))"
MAE_OK = "return float(np.mean(np.abs(y_true - y_pred)))"
HUBER_OK = ("r = y_pred - y_true\na = np.abs(r)\n"
            "return float(np.mean(np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))))")
SHARE_OK = ("e = np.abs(y_true - y_pred)\n"
            "return float(np.max(e ** 2) / np.sum(e ** 2)), float(e.max() / e.sum())")
BCE_OK = ("p = np.clip(y_pred, eps, 1 - eps)\n"
          "return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))")
HIT_OK = ("ok = (forecast != 0) & (realized != 0)\nif not ok.any():\n    return float('nan')\n"
          "return float(np.mean(np.sign(forecast[ok]) == np.sign(realized[ok])))")


def _hard_coded(size: int, value: str, rest: str) -> str:
    """A student who special-cased the notebook's table with a number of their own."""
    return f"if np.size(y_true) == {size}:\n    return {value}\n{rest}"


MUTANTS += [
    # ---------------------------------------------------------------- mse
    {"cell": "mse", "name": "hard-codes the rounded 4.67", "clauses": ["C2"],
     "source": _fn(MSE, _hard_coded(3, "4.67", MSE_OK)), "message": "4.67"},
    {"cell": "mse", "name": "ravels one argument ((m, 1) columns broadcast)", "clauses": ["C4"],
     "source": _fn(MSE, "return float(np.mean((y_true - np.ravel(y_pred)) ** 2))"),
     "message": "(m,) vectors"},
    # ---------------------------------------------------------------- rmse
    {"cell": "rmse", "name": "array of one number (keepdims)", "clauses": ["C1"],
     "source": _fn(RMSE, "return np.sqrt(np.mean((y_true - y_pred) ** 2, keepdims=True))"),
     "message": "one number"},
    {"cell": "rmse", "name": "hard-codes the rounded 2.16", "clauses": ["C2"],
     "source": _fn(RMSE, _hard_coded(3, "2.16", RMSE_OK)), "message": "2.16"},
    {"cell": "rmse", "name": "ravels one argument ((m, 1) columns broadcast)", "clauses": ["C4"],
     "source": _fn(RMSE, "return float(np.sqrt(np.mean((np.ravel(y_true) - y_pred) ** 2)))"),
     "message": "(m,) vectors"},
    {"cell": "rmse", "name": "in-place subtraction", "clauses": ["C5"],
     "source": _fn(RMSE, "y_pred -= y_true\nreturn float(np.sqrt(np.mean(y_pred ** 2)))"),
     "message": "changed its argument y_pred"},
    # ---------------------------------------------------------------- mae
    {"cell": "mae", "name": "mean along axis 0 (an array for columns)", "clauses": ["C1"],
     "source": _fn(MAE, "return np.mean(np.abs(y_true - y_pred), axis=0)"),
     "message": "one number"},
    {"cell": "mae", "name": "hard-codes a wrong 2.5 for the five stocks", "clauses": ["C2"],
     "source": _fn(MAE, _hard_coded(5, "2.5", MAE_OK)), "message": "2.4 for the five"},
    {"cell": "mae", "name": "ravels one argument ((m, 1) columns broadcast)", "clauses": ["C4"],
     "source": _fn(MAE, "return float(np.mean(np.abs(y_true - np.ravel(y_pred))))"),
     "message": "(m,) vectors"},
    {"cell": "mae", "name": "absolute value in place", "clauses": ["C5"],
     "source": _fn(MAE, "e = y_true\ne -= y_pred\nnp.abs(e, out=e)\nreturn float(np.mean(e))"),
     "message": "changed its argument y_true"},
    # ---------------------------------------------------------------- huber
    {"cell": "huber", "name": "array of one number (keepdims)", "clauses": ["C1"],
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "per = np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))\n"
                          "return np.mean(per, keepdims=True)"),
     "message": "one number"},
    {"cell": "huber", "name": "hard-codes a rounded 3.3 for the five stocks", "clauses": ["C2"],
     "source": _fn(HUBER, _hard_coded(5, "3.25", HUBER_OK)), "message": "3.3 on the five stocks"},
    {"cell": "huber", "name": "band on r^2 <= delta", "clauses": ["C2", "C3"],
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "return float(np.mean(np.where(r ** 2 <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))))"),
     "message": "compares r^2 with delta"},
    {"cell": "huber", "name": "default delta of 2", "clauses": ["C5"],
     "source": _fn("huber(y_true, y_pred, delta=2.0)", HUBER_OK), "message": "delta = 1.0"},
    # ---------------------------------------------------------------- worst_day_share
    {"cell": "worst_day_share", "name": "hard-codes the rounded 0.57 and 0.42", "clauses": ["C2"],
     "source": _fn(SHARE, _hard_coded(5, "0.57, 0.42", SHARE_OK)), "message": "25/44"},
    {"cell": "worst_day_share", "name": "counts every tied day", "clauses": ["C4"],
     "source": _fn(SHARE, "e = np.abs(y_true - y_pred)\nworst = e == e.max()\n"
                          "return float(np.sum(e[worst] ** 2) / np.sum(e ** 2)), float(np.sum(e[worst]) / e.sum())"),
     "message": "count only one of them"},
    {"cell": "worst_day_share", "name": "ravels one argument ((m, 1) columns broadcast)", "clauses": ["C5"],
     "source": _fn(SHARE, "e = np.abs(y_true - np.ravel(y_pred))\n"
                          "return float(np.max(e ** 2) / np.sum(e ** 2)), float(e.max() / e.sum())"),
     "message": "(m,) vectors"},
    {"cell": "worst_day_share", "name": "absolute errors in place", "clauses": ["C6"],
     "source": _fn(SHARE, "e = y_true\ne -= y_pred\nnp.abs(e, out=e)\n"
                          "return float(np.max(e ** 2) / np.sum(e ** 2)), float(e.max() / e.sum())"),
     "message": "changed its argument y_true"},
    # ---------------------------------------------------------------- binary_cross_entropy
    {"cell": "binary_cross_entropy", "name": "a 0-d array", "clauses": ["C1"],
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps)\n"
                        "return -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p), keepdims=True)"),
     "message": "one number"},
    {"cell": "binary_cross_entropy", "name": "hard-codes the rounded 0.5108 for four days", "clauses": ["C2"],
     "source": _fn(BCE, _hard_coded(4, "0.5108", BCE_OK)), "message": "four-day example"},
    {"cell": "binary_cross_entropy", "name": "ravels the labels ((m, 1) columns broadcast)", "clauses": ["C5"],
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps)\ny = np.ravel(y_true)\n"
                        "return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))"),
     "message": "(m,) vectors"},
    # ---------------------------------------------------------------- strategy_pnl
    {"cell": "strategy_pnl", "name": "hard-codes the five stocks' P&L", "clauses": ["C2"],
     "source": _fn(PNL, "if np.size(forecast) == 5:\n    return np.array([2.0, 4.0, -2.0, 4.0, 3.0])\n"
                        "return np.sign(forecast) * realized"), "message": "[2, 4, -2, 4, -3]"},
    {"cell": "strategy_pnl", "name": "rounds the forecast (flat for small forecasts)", "clauses": ["C5"],
     "source": _fn(PNL, "return np.sign(np.round(forecast)) * realized"), "message": "however small"},
    {"cell": "strategy_pnl", "name": "a threshold of 0.01 on the forecast", "clauses": ["C5"],
     "source": _fn(PNL, "return np.where(np.abs(forecast) > 0.01, np.sign(forecast), 0.0) * realized"),
     "message": "however small"},
    {"cell": "strategy_pnl", "name": "sign in place", "clauses": ["C6"],
     "source": _fn(PNL, "np.sign(forecast, out=forecast)\nreturn forecast * realized"),
     "message": "changed its argument forecast"},
    # ---------------------------------------------------------------- hit_rate
    {"cell": "hit_rate", "name": "an array of one number", "clauses": ["C1"],
     "source": _fn(HIT, "ok = (forecast != 0) & (realized != 0)\nif not ok.any():\n    return float('nan')\n"
                        "return np.array([np.mean(np.sign(forecast[ok]) == np.sign(realized[ok]))])"),
     "message": "one number"},
    {"cell": "hit_rate", "name": "hard-codes the five stocks' 0.6 as 3/4", "clauses": ["C2"],
     "source": _fn(HIT, "if np.size(forecast) == 5:\n    return 0.75\n" + HIT_OK), "message": "0.6"},
    {"cell": "hit_rate", "name": "days with a zero return count as misses", "clauses": ["C4"],
     "source": _fn(HIT, "ok = forecast != 0\nif not ok.any():\n    return float('nan')\n"
                        "return float(np.mean(np.sign(forecast[ok]) == np.sign(realized[ok])))"),
     "message": "must not be counted"},
    {"cell": "hit_rate", "name": "a tiny forecast is no position (rounded)", "clauses": ["C4"],
     "source": _fn(HIT, "f = np.round(forecast, 2)\nok = (f != 0) & (realized != 0)\n"
                        "if not ok.any():\n    return float('nan')\n"
                        "return float(np.mean(np.sign(f[ok]) == np.sign(realized[ok])))"),
     "message": "however small"},
    {"cell": "hit_rate", "name": "ravels one argument ((m, 1) columns broadcast)", "clauses": ["C6"],
     "source": _fn(HIT, "r = np.ravel(realized)\nok = (forecast != 0) & (r != 0)\nif not ok.any():\n"
                        "    return float('nan')\n"
                        "return float(np.mean((np.sign(forecast) == np.sign(r))[ok]))"),
     "message": "(m,) vectors"},
    {"cell": "hit_rate", "name": "signs in place", "clauses": ["C7"],
     "source": _fn(HIT, "np.sign(forecast, out=forecast)\nnp.sign(realized, out=realized)\n"
                        "ok = (forecast != 0) & (realized != 0)\nif not ok.any():\n    return float('nan')\n"
                        "return float(np.mean(forecast[ok] == realized[ok]))"),
     "message": "changed its argument forecast"},
    # ---------------------------------------------------------------- errors carried forward, whole
    {"cell": "mse", "name": "in-place helper, called by rmse and worst_day_share", "clauses": ["C5"],
     "source": _fn(MSE, "errors = y_true\nerrors -= y_pred\nreturn float(np.mean(errors ** 2))"),
     "also": {"rmse": _fn(RMSE, "return float(np.sqrt(mse(y_true, y_pred)))"),
              "worst_day_share": SHARE_VIA_MSE_MAE},
     "message": "changed its argument y_true"},
    {"cell": "mse", "name": "an array of one number, called by rmse", "clauses": ["C1"],
     "source": _fn(MSE, "return np.mean((y_true - y_pred) ** 2, keepdims=True)"),
     "also": {"rmse": _fn(RMSE, "return np.sqrt(mse(y_true, y_pred))")},
     "message": "one number"},
    # ---------------------------------------------------------------- excuses that cannot be bought
    {"cell": "rmse", "name": "wrong, beside an mse that is wrong only right after rmse", "stateful": True, "clauses": ["C1", "C2", "C3", "C4", "C5"],
     "source": _fn(RMSE, "_CALLED[0] = 'rmse'\nreturn 1.0"),
     "also": {"mse": "_CALLED = ['']\n\n\n" + _fn(MSE, "if _CALLED[0] == 'rmse':\n    _CALLED[0] = ''\n"
                                                    "    return 1.0\n" + MSE_OK)},
     "message": "whatever its inputs"},
    {"cell": "hit_rate", "name": "wrong, beside a strategy_pnl that is wrong only right after it",
     "stateful": True, "clauses": ["C2", "C3"],
     "source": _fn(HIT, "_CALLED[0] = 'hit_rate'\nok = (forecast != 0) & (realized != 0)\n"
                        "if not ok.any():\n    return float('nan')\n"
                        "return float(np.mean(np.sign(forecast[ok]) != np.sign(realized[ok])))"),
     "also": {"strategy_pnl": "_CALLED = ['']\n\n\n" + _fn(PNL, "if _CALLED[0] == 'hit_rate':\n"
                                                           "    _CALLED[0] = ''\n"
                                                           "    return np.sign(forecast) * realized * -1.0\n"
                                                           "return np.sign(forecast) * realized")},
     "message": "fraction of misses"},
]
