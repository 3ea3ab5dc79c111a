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
    {"cell": "mse", "name": "sum instead of mean",
     "source": _fn(MSE, "return float(np.sum((y_true - y_pred) ** 2))"),
     "loses": ["test_mse"], "message": "sum instead of a mean"},
    {"cell": "mse", "name": "square root taken (RMSE)",
     "source": _fn(MSE, "return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))"),
     "loses": ["test_mse"], "message": "square root"},
    {"cell": "mse", "name": "1/2 convention",
     "source": _fn(MSE, "return float(0.5 * np.mean((y_true - y_pred) ** 2))"),
     "loses": ["test_mse"], "message": "factor 1/2"},
    {"cell": "mse", "name": "square of the mean error",
     "source": _fn(MSE, "return float(np.mean(y_true - y_pred) ** 2)"),
     "loses": ["test_mse"], "message": "mean error is squared"},
    {"cell": "mse", "name": "array instead of float (keepdims)",
     "source": _fn(MSE, "return np.mean((y_true - y_pred) ** 2, keepdims=True)"),
     "loses": ["test_mse"], "message": "single number"},
    {"cell": "mse", "name": "in-place subtraction",
     "source": _fn(MSE, "y_pred -= y_true\nreturn float(np.mean(y_pred ** 2))"),
     "loses": ["test_mse"], "message": "changed its input"},
    {"cell": "mse", "name": "reads the global five-stock table",
     "source": _fn(MSE, "return float(np.mean((y_true_5 - y_pred) ** 2))"),
     "loses": ["test_mse"], "message": "raised"},
    # ---------------------------------------------------------------- rmse
    {"cell": "rmse", "name": "forgot the square root",
     "source": _fn(RMSE, "return float(np.mean((y_true - y_pred) ** 2))"),
     "loses": ["test_rmse"], "message": "forgot the square root"},
    {"cell": "rmse", "name": "square root of the sum",
     "source": _fn(RMSE, "return float(np.sqrt(np.sum((y_true - y_pred) ** 2)))"),
     "loses": ["test_rmse"], "message": "square root of the sum"},
    {"cell": "rmse", "name": "root before the mean (MAE)",
     "source": _fn(RMSE, "return float(np.mean(np.sqrt((y_true - y_pred) ** 2)))"),
     "loses": ["test_rmse"], "message": "looks like the MAE"},
    {"cell": "rmse", "name": "np.std of the errors",
     "source": _fn(RMSE, "return float(np.std(y_true - y_pred))"),
     "loses": ["test_rmse"], "message": "np.std"},
    {"cell": "rmse", "name": "divides by m - 1",
     "source": _fn(RMSE, "e = y_true - y_pred\nreturn float(np.sqrt(np.sum(e ** 2) / (e.size - 1)))"),
     "loses": ["test_rmse"], "message": "m - 1"},
    {"cell": "rmse", "name": "reads the global three-stock forecasts",
     "source": _fn(RMSE, "return float(np.sqrt(np.mean((y_true - y_pred_3) ** 2)))"),
     "loses": ["test_rmse"], "message": "raised"},
    # ---------------------------------------------------------------- mae
    {"cell": "mae", "name": "no absolute value",
     "source": _fn(MAE, "return float(np.mean(y_true - y_pred))"),
     "loses": ["test_mae"], "message": "absolute value of each error"},
    {"cell": "mae", "name": "absolute value of the mean",
     "source": _fn(MAE, "return float(abs(np.mean(y_true - y_pred)))"),
     "loses": ["test_mae"], "message": "not of the mean error"},
    {"cell": "mae", "name": "squared errors",
     "source": _fn(MAE, "return float(np.mean((y_true - y_pred) ** 2))"),
     "loses": ["test_mae"], "message": "squared"},
    {"cell": "mae", "name": "sum instead of mean",
     "source": _fn(MAE, "return float(np.sum(np.abs(y_true - y_pred)))"),
     "loses": ["test_mae"], "message": "sum instead of a mean"},
    {"cell": "mae", "name": "median instead of mean",
     "source": _fn(MAE, "return float(np.median(np.abs(y_true - y_pred)))"),
     "loses": ["test_mae"], "message": "median"},
    # ---------------------------------------------------------------- huber
    {"cell": "huber", "name": "no 1/2 in the quadratic piece",
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "return float(np.mean(np.where(a <= delta, r ** 2, delta * (a - 0.5 * delta))))"),
     "loses": ["test_huber"], "message": "1/2 r^2, not r^2"},
    {"cell": "huber", "name": "linear piece without -delta/2",
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "return float(np.mean(np.where(a <= delta, 0.5 * r ** 2, delta * a)))"),
     "loses": ["test_huber"], "message": "-delta/2"},
    {"cell": "huber", "name": "linear piece without the factor delta",
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "return float(np.mean(np.where(a <= delta, 0.5 * r ** 2, a - 0.5 * delta)))"),
     "loses": ["test_huber"], "message": "factor delta"},
    {"cell": "huber", "name": "pieces swapped",
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "out = delta * (a - 0.5 * delta)\n"
                          "return float(np.mean(np.where(a > delta, 0.5 * r ** 2, out)))"),
     "loses": ["test_huber"], "message": "swapped"},
    {"cell": "huber", "name": "delta ignored",
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "return float(np.mean(np.where(a <= 1.0, 0.5 * r ** 2, a - 0.5)))"),
     "loses": ["test_huber"], "message": "delta is ignored"},
    {"cell": "huber", "name": "in-place residual",
     "source": _fn(HUBER, "r = y_pred\nr -= y_true\na = np.abs(r)\n"
                          "out = delta * (a - 0.5 * delta)\n"
                          "return float(np.mean(np.where(a <= delta, 0.5 * r ** 2, out)))"),
     "loses": ["test_huber"], "message": "changed its input"},
    {"cell": "huber", "name": "branches on the signed residual",
     "source": _fn(HUBER, "r = y_pred - y_true\na = np.abs(r)\n"
                          "out = delta * (a - 0.5 * delta)\n"
                          "return float(np.mean(np.where(r <= delta, 0.5 * r ** 2, out)))"),
     "loses": ["test_huber"], "message": "signed residual"},
    # ---------------------------------------------------------------- worst_day_share
    {"cell": "worst_day_share", "name": "percentages instead of fractions",
     "source": _fn(SHARE, "e = np.abs(y_true - y_pred)\n"
                          "share_mse = 100 * np.max(e ** 2) / np.sum(e ** 2)\n"
                          "return float(share_mse), float(100 * e.max() / e.sum())"),
     "loses": ["test_worst_day_share"], "message": "not percentages"},
    {"cell": "worst_day_share", "name": "shares in the wrong order",
     "source": _fn(SHARE, "e = np.abs(y_true - y_pred)\n"
                          "return float(e.max() / e.sum()), float(np.max(e ** 2) / np.sum(e ** 2))"),
     "loses": ["test_worst_day_share"], "message": "wrong order"},
    {"cell": "worst_day_share", "name": "largest signed error",
     "source": _fn(SHARE, "e = y_true - y_pred\n"
                          "return float(np.max(e ** 2) / np.sum(e ** 2)), float(e.max() / np.abs(e).sum())"),
     "loses": ["test_worst_day_share"], "message": "largest ABSOLUTE error"},
    {"cell": "worst_day_share", "name": "divides by the mean",
     "source": _fn(SHARE, "e = np.abs(y_true - y_pred)\n"
                          "return float(np.max(e ** 2) / np.mean(e ** 2)), float(e.max() / e.mean())"),
     "loses": ["test_worst_day_share"], "message": "not by their mean"},
    {"cell": "worst_day_share", "name": "returns an array",
     "source": _fn(SHARE, "e = np.abs(y_true - y_pred)\n"
                          "return np.array([np.max(e ** 2) / np.sum(e ** 2), e.max() / e.sum()])"),
     "loses": ["test_worst_day_share"], "message": "tuple of two floats"},
    # ---------------------------------------------------------------- binary_cross_entropy
    {"cell": "binary_cross_entropy", "name": "no clipping",
     "source": _fn(BCE, "p = y_pred\n"
                        "return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "clip"},
    {"cell": "binary_cross_entropy", "name": "missing minus sign",
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps)\n"
                        "return float(np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "sign is wrong"},
    {"cell": "binary_cross_entropy", "name": "log10",
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps)\n"
                        "return float(-np.mean(y_true * np.log10(p) + (1 - y_true) * np.log10(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "natural logarithm"},
    {"cell": "binary_cross_entropy", "name": "missing (1 - y) term",
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps)\nreturn float(-np.mean(y_true * np.log(p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "(1 - y) ln(1 - p)"},
    {"cell": "binary_cross_entropy", "name": "hard-coded clip 1e-7",
     "source": _fn(BCE, "p = np.clip(y_pred, 1e-7, 1 - 1e-7)\n"
                        "return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "eps argument"},
    {"cell": "binary_cross_entropy", "name": "clips only from below",
     "source": _fn(BCE, "p = np.maximum(y_pred, eps)\n"
                        "return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "clip"},
    {"cell": "binary_cross_entropy", "name": "in-place clip",
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps, out=y_pred)\n"
                        "return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "changed its input"},
    {"cell": "binary_cross_entropy", "name": "sum instead of mean",
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps)\n"
                        "return float(-np.sum(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
     "loses": ["test_binary_cross_entropy"], "message": "sum instead of a mean"},
    # ---------------------------------------------------------------- strategy_pnl
    {"cell": "strategy_pnl", "name": "position sized by the forecast",
     "source": _fn(PNL, "return forecast * realized"),
     "loses": ["test_strategy_pnl"], "message": "only the sign of the forecast"},
    {"cell": "strategy_pnl", "name": "sign error",
     "source": _fn(PNL, "return -np.sign(forecast) * realized"),
     "loses": ["test_strategy_pnl"], "message": "opposite direction"},
    {"cell": "strategy_pnl", "name": "long on a zero forecast",
     "source": _fn(PNL, "return np.where(forecast >= 0, 1.0, -1.0) * realized"),
     "loses": ["test_strategy_pnl"], "message": "no position"},
    {"cell": "strategy_pnl", "name": "total instead of daily P&L",
     "source": _fn(PNL, "return float(np.sum(np.sign(forecast) * realized))"),
     "loses": ["test_strategy_pnl"], "message": "numpy array"},
    {"cell": "strategy_pnl", "name": "flattens the shape",
     "source": _fn(PNL, "return (np.sign(forecast) * realized).ravel()"),
     "loses": ["test_strategy_pnl"], "message": "shape"},
    {"cell": "strategy_pnl", "name": "arguments swapped",
     "source": _fn(PNL, "return np.sign(realized) * forecast"),
     "loses": ["test_strategy_pnl"], "message": "swapped"},
    # ---------------------------------------------------------------- hit_rate
    {"cell": "hit_rate", "name": "percentage",
     "source": _fn(HIT, "ok = (forecast != 0) & (realized != 0)\nif not ok.any():\n    return float('nan')\n"
                        "return float(100 * np.mean(np.sign(forecast[ok]) == np.sign(realized[ok])))"),
     "loses": ["test_hit_rate"], "message": "not a percentage"},
    {"cell": "hit_rate", "name": "count of hits",
     "source": _fn(HIT, "ok = (forecast != 0) & (realized != 0)\nif not ok.any():\n    return float('nan')\n"
                        "return int(np.sum(np.sign(forecast[ok]) == np.sign(realized[ok])))"),
     "loses": ["test_hit_rate"], "message": "not their count"},
    {"cell": "hit_rate", "name": "zero days counted",
     "source": _fn(HIT, "if np.all(forecast == 0):\n    return float('nan')\n"
                        "return float(np.mean(np.sign(forecast) == np.sign(realized)))"),
     "loses": ["test_hit_rate"], "message": "must not be counted"},
    {"cell": "hit_rate", "name": "fraction of misses",
     "source": _fn(HIT, "ok = (forecast != 0) & (realized != 0)\nif not ok.any():\n    return float('nan')\n"
                        "return float(np.mean(np.sign(forecast[ok]) != np.sign(realized[ok])))"),
     "loses": ["test_hit_rate"], "message": "fraction of misses"},
    {"cell": "hit_rate", "name": "no guard for zero counted days",
     "source": _fn(HIT, "ok = (forecast != 0) & (realized != 0)\n"
                        "hits = int(np.sum(np.sign(forecast[ok]) == np.sign(realized[ok])))\n"
                        "return hits / int(np.sum(ok))"),
     "loses": ["test_hit_rate"], "message": "ZeroDivisionError when no day counts"},
    # ---------------------------------------------------------------- errors carried forward
    {"cell": "mse", "name": "sum instead of mean, called by rmse and worst_day_share",
     "source": _fn(MSE, "return float(np.sum((y_true - y_pred) ** 2))"),
     "also": {"rmse": _fn(RMSE, "return float(np.sqrt(mse(y_true, y_pred)))"),
              "worst_day_share": SHARE_VIA_MSE_MAE},
     "loses": ["test_mse"], "message": "sum instead of a mean"},
    {"cell": "mae", "name": "no absolute value, called by worst_day_share",
     "source": _fn(MAE, "return float(np.mean(y_true - y_pred))"),
     "also": {"worst_day_share": SHARE_VIA_MSE_MAE},
     "loses": ["test_mae"], "message": "absolute value"},
    {"cell": "strategy_pnl", "name": "sign error, called by hit_rate",
     "source": _fn(PNL, "return -np.sign(forecast) * realized"),
     "also": {"hit_rate": _fn(HIT, "ok = (forecast != 0) & (realized != 0)\n"
                                   "if not ok.any():\n    return float('nan')\n"
                                   "return float(np.mean(strategy_pnl(forecast, realized)[ok] > 0))")},
     "loses": ["test_strategy_pnl"], "message": "opposite direction"},
]
