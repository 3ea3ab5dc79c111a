"""Right answers for 01_losses in other styles: each must get full marks on every part."""

from tests.mutants.m01_losses import BCE, HIT, HUBER, MAE, MSE, PNL, RMSE, SHARE, _fn

ASSIGNMENT = "01_losses"


EQUIVALENTS = [
    # ---------------------------------------------------------------- mse
    {"cell": "mse", "name": "loop over Python lists with math",
     "source": _fn(MSE, "ys = [float(v) for v in np.ravel(y_true)]\n"
                        "ps = [float(v) for v in np.ravel(y_pred)]\n"
                        "total = 0.0\nfor a, b in zip(ys, ps):\n    total += (a - b) ** 2\n"
                        "return total / len(ys)")},
    {"cell": "mse", "name": "np.square and np.average, a numpy float64",
     "source": _fn(MSE, "return np.average(np.square(np.subtract(y_true, y_pred)))")},
    {"cell": "mse", "name": "float32 arithmetic",
     "source": _fn(MSE, "e = np.asarray(y_true, dtype=np.float32) - np.asarray(y_pred, dtype=np.float32)\n"
                        "return float(np.mean(e.astype(np.float64) ** 2))")},
    # ---------------------------------------------------------------- rmse
    {"cell": "rmse", "name": "math.sqrt of the student's own mse",
     "source": _fn(RMSE, "return math.sqrt(mse(y_true, y_pred))")},
    {"cell": "rmse", "name": "norm of the errors over sqrt(m)",
     "source": _fn(RMSE, "e = np.ravel(y_true) - np.ravel(y_pred)\n"
                         "return np.linalg.norm(e) / np.sqrt(e.size)")},
    # ---------------------------------------------------------------- mae
    {"cell": "mae", "name": "loop with abs()",
     "source": _fn(MAE, "pairs = list(zip(np.ravel(y_true).tolist(), np.ravel(y_pred).tolist()))\n"
                        "return sum(abs(a - b) for a, b in pairs) / len(pairs)")},
    {"cell": "mae", "name": "sum over size, a numpy float64",
     "source": _fn(MAE, "e = np.abs(y_true - y_pred)\nreturn e.sum() / e.size")},
    # ---------------------------------------------------------------- huber
    {"cell": "huber", "name": "loop with if / else",
     "source": _fn(HUBER, "total = 0.0\nm = 0\n"
                          "for t, p in zip(np.ravel(y_true), np.ravel(y_pred)):\n"
                          "    r = float(p - t)\n"
                          "    if abs(r) <= delta:\n        total += 0.5 * r * r\n"
                          "    else:\n        total += delta * (abs(r) - delta / 2)\n"
                          "    m += 1\nreturn total / m")},
    {"cell": "huber", "name": "clipped residual (no branch)",
     "source": _fn(HUBER, "a = np.abs(y_true - y_pred)\nc = np.minimum(a, delta)\n"
                          "return float(np.mean(0.5 * c ** 2 + delta * (a - c)))")},
    # ---------------------------------------------------------------- worst_day_share
    {"cell": "worst_day_share", "name": "calls the student's own mse and mae",
     "source": _fn(SHARE, "e = np.abs(y_true - y_pred)\nm = e.size\n"
                          "return (float(e.max() ** 2 / (m * mse(y_true, y_pred))),\n"
                          "        float(e.max() / (m * mae(y_true, y_pred))))")},
    {"cell": "worst_day_share", "name": "sorted Python list",
     "source": _fn(SHARE, "errs = sorted(abs(float(a) - float(b)) for a, b in\n"
                          "              zip(np.ravel(y_true), np.ravel(y_pred)))\n"
                          "worst = errs[-1]\n"
                          "return worst ** 2 / sum(v * v for v in errs), worst / sum(errs)")},
    # ---------------------------------------------------------------- binary_cross_entropy
    {"cell": "binary_cross_entropy", "name": "loop with math.log and min / max",
     "source": _fn(BCE, "total, m = 0.0, 0\n"
                        "for y, p in zip(np.ravel(y_true).tolist(), np.ravel(y_pred).tolist()):\n"
                        "    p = min(max(p, eps), 1 - eps)\n"
                        "    total -= y * math.log(p) + (1 - y) * math.log(1 - p)\n"
                        "    m += 1\nreturn total / m")},
    {"cell": "binary_cross_entropy", "name": "np.where on the labels",
     "source": _fn(BCE, "p = np.clip(y_pred, eps, 1 - eps)\n"
                        "return np.mean(np.where(y_true == 1, -np.log(p), -np.log(1 - p)))")},
    # ---------------------------------------------------------------- strategy_pnl
    {"cell": "strategy_pnl", "name": "nested np.where",
     "source": _fn(PNL, "position = np.where(forecast > 0, 1.0, np.where(forecast < 0, -1.0, 0.0))\n"
                        "return position * realized")},
    {"cell": "strategy_pnl", "name": "loop over np.ndindex",
     "source": _fn(PNL, "out = np.zeros(np.shape(forecast))\n"
                        "for i in np.ndindex(out.shape):\n"
                        "    f = forecast[i]\n"
                        "    out[i] = realized[i] if f > 0 else (-realized[i] if f < 0 else 0.0)\n"
                        "return out")},
    # ---------------------------------------------------------------- hit_rate
    {"cell": "hit_rate", "name": "through the student's own strategy_pnl",
     "source": _fn(HIT, "counted = (forecast != 0) & (realized != 0)\n"
                        "if not counted.any():\n    return float('nan')\n"
                        "return float(np.mean(strategy_pnl(forecast, realized)[counted] > 0))")},
    {"cell": "hit_rate", "name": "loop counting hits",
     "source": _fn(HIT, "hits = days = 0\n"
                        "for f, r in zip(np.ravel(forecast).tolist(), np.ravel(realized).tolist()):\n"
                        "    if f != 0 and r != 0:\n"
                        "        days += 1\n        hits += (f > 0) == (r > 0)\n"
                        "return hits / days if days else math.nan")},
]
