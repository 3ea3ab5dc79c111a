"""Known wrong answers for assignment 02 (gradient descent): each loses exactly the clauses it declares.

``clauses`` names the rules of its part's contract that the mutant breaks (a broken main clause also
takes the lecture clause it gates). Mutants with ``also`` replace other answer cells as well: a right
part that calls a wrong helper keeps its points (errors carried forward), and a helper that is wrong
only right after the part ran buys the part no excuse (``stateful``).
"""

ASSIGNMENT = "02_gradient_descent"

_GRAD = "linear_mse_grad"
_NUM = "numerical_gradient"
_GD = "gradient_descent"
_DIAG = "diagnose_loss_history"
_BATCH = "minibatch_indices"
_UPE = "updates_per_epoch"
_TRAIN = "train_linear"

# ---------------------------------------------------------------------------- right answers to edit

_GRAD_OK = """def linear_mse_grad(X, y, w, b):
    m = X.shape[0]
    r = X @ w + b - y
    return 2.0 / m * (X.T @ r), 2.0 / m * float(np.sum(r))
"""

_NUM_OK = """def numerical_gradient(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad
"""

_GD_OK = """def gradient_descent(grad_fn, w0, lr, n_steps, loss_fn):
    w = np.array(w0, dtype=float)
    history = [float(loss_fn(w))]
    for _ in range(n_steps):
        if not np.isfinite(history[-1]):
            break
        w = w - lr * grad_fn(w)
        history.append(float(loss_fn(w)))
    return w, history
"""

_DIAG_OK = """def diagnose_loss_history(history):
    h = np.asarray(history, dtype=float)
    if not np.all(np.isfinite(h)):
        return 'diverging'
    first, last = h[0], h[-1]
    if last > 1.05 * first:
        return 'diverging'
    if h.size > 5 and np.all(np.diff(h[-6:]) > 0) and h[-1] > 1.05 * h[-6]:
        return 'diverging'
    if first == 0:
        return 'healthy'
    if (first - last) / first < 0.5:
        return 'too slow'
    return 'healthy'
"""

_BATCH_OK = """def minibatch_indices(n_samples, batch_size, seed):
    order = np.random.default_rng(seed).permutation(n_samples)
    return [order[s:s + batch_size] for s in range(0, n_samples, batch_size)]
"""

_UPE_OK = """def updates_per_epoch(n_samples, batch_size):
    return math.ceil(n_samples / batch_size)
"""

_TRAIN_TEMPLATE = """def train_linear(X, y, batch_size, lr, epochs, seed):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    m, n = X.shape
    w = np.zeros(n)
    b = 0.0
    history = [float(np.mean((X @ w + b - y) ** 2))]
    n_updates = 0
    for epoch in range(epochs):
        order = ORDER
        for start in range(0, m, batch_size):
            idx = INDEX
            residual = X[idx] @ w + b - y[idx]
            last_batch_loss = float(np.mean(residual ** 2))
            dw = (2.0 / DENOM) * (X[idx].T @ residual)
            db = (2.0 / DENOM) * float(np.sum(residual))
            w = w STEP lr * dw
            b = b STEP lr * db
            n_updates += 1
        history.append(EPOCH_LOSS)
        if not np.isfinite(history[-1]):
            break
    return {"w": w, "b": float(b), "loss_history": HISTORY, "n_updates": COUNT}
"""

# a right train_linear that calls the student's own helpers
_TRAIN_WITH_HELPERS = """def train_linear(X, y, batch_size, lr, epochs, seed):
    m, n = X.shape
    w, b = np.zeros(n), 0.0
    history = [float(np.mean((X @ w + b - y) ** 2))]
    n_updates = 0
    for epoch in range(epochs):
        for idx in minibatch_indices(m, batch_size, seed + epoch):
            dw, db = linear_mse_grad(X[idx], y[idx], w, b)
            w = w - lr * dw
            b = b - lr * db
            n_updates += 1
        history.append(float(np.mean((X @ w + b - y) ** 2)))
        if not np.isfinite(history[-1]):
            break
    return {"w": w, "b": b, "loss_history": history, "n_updates": n_updates}
"""

# a train_linear that crashes by itself (its helpers are right): no error carried forward
_TRAIN_OWN_CRASH = """def train_linear(X, y, batch_size, lr, epochs, seed):
    m, n = X.shape
    w, b = np.zeros(n), 0.0
    history = [float(np.mean((X @ w + b - y) ** 2))]
    for epoch in range(epochs):
        for idx in minibatch_indices(m, batch_size, seed + epoch):
            dw, db = linear_mse_grad(X[idx], y[idx], w)
            w, b = w - lr * dw, b - lr * db
        history.append(float(np.mean((X @ w + b - y) ** 2)))
    return {"w": w, "b": b, "loss_history": history, "n_updates": 0}
"""


def _train(order="np.random.default_rng(seed + epoch).permutation(m)", denom="len(idx)",
           step="-", history="history", count="n_updates",
           index="order[start:start + batch_size]",
           epoch_loss="float(np.mean((X @ w + b - y) ** 2))"):
    return (_TRAIN_TEMPLATE.replace("ORDER", order).replace("DENOM", denom)
            .replace("STEP", step).replace("HISTORY", history).replace("COUNT", count)
            .replace("INDEX", index).replace("EPOCH_LOSS", epoch_loss))


def _edit(source: str, old: str, new: str) -> str:
    """``source`` with one piece replaced (it must be there exactly once)."""
    assert source.count(old) == 1, old
    return source.replace(old, new)


_TRAIN_OK = _train()

# wrong helpers that also appear called by a right train_linear (errors carried forward)
_GRAD_SUM = ("def linear_mse_grad(X, y, w, b):\n"
             "    r = X @ w + b - y\n"
             "    return 2.0 * (X.T @ r), 2.0 * float(np.sum(r))\n")
_GRAD_DB_ARRAY = ("def linear_mse_grad(X, y, w, b):\n"
                  "    m = X.shape[0]\n"
                  "    r = X @ w + b - y\n"
                  "    return 2.0 / m * (X.T @ r), 2.0 / m * np.sum(r, keepdims=True)\n")
_BATCH_DROPS_REST = ("def minibatch_indices(n_samples, batch_size, seed):\n"
                     "    order = np.random.default_rng(seed).permutation(n_samples)\n"
                     "    n_full = max(1, n_samples // batch_size)\n"
                     "    return [order[k * batch_size:(k + 1) * batch_size] for k in range(n_full)]\n")
_BATCH_EMPTY_LAST = ("def minibatch_indices(n_samples, batch_size, seed):\n"
                     "    order = np.random.default_rng(seed).permutation(n_samples)\n"
                     "    return [order[k * batch_size:(k + 1) * batch_size]\n"
                     "            for k in range(n_samples // batch_size + 1)]\n")
_UPE_FLOOR = ("def updates_per_epoch(n_samples, batch_size):\n"
              "    return n_samples // batch_size\n")
_GRAD_IN_Y = _edit(_GRAD_OK, "r = X @ w + b - y", "r = y\n    r -= X @ w + b\n    r *= -1.0")

MUTANTS = [
    # -- Part 1: linear_mse_grad -------------------------------------------------
    {"cell": _GRAD, "name": "sum instead of mean", "clauses": ["C2", "C3"],
     "source": _GRAD_SUM,
     "loses": ["test_linear_mse_grad"], "message": "sum instead of a mean"},
    {"cell": _GRAD, "name": "missing factor 2", "clauses": ["C2", "C3"],
     "source": "def linear_mse_grad(X, y, w, b):\n"
               "    m = X.shape[0]\n"
               "    r = X @ w + b - y\n"
               "    return (X.T @ r) / m, float(np.sum(r)) / m\n",
     "loses": ["test_linear_mse_grad"], "message": "factor 2"},
    {"cell": _GRAD, "name": "sign error (truth minus prediction)", "clauses": ["C2", "C3"],
     "source": "def linear_mse_grad(X, y, w, b):\n"
               "    m = X.shape[0]\n"
               "    r = y - (X @ w + b)\n"
               "    return 2.0 / m * (X.T @ r), 2.0 / m * float(np.sum(r))\n",
     "loses": ["test_linear_mse_grad"], "message": "prediction minus truth"},
    {"cell": _GRAD, "name": "db as a (1,) array", "clauses": ["C1"],
     "source": _GRAD_DB_ARRAY,
     "loses": ["test_linear_mse_grad"], "message": "one number"},
    {"cell": _GRAD, "name": "reads the notebook's global X and y", "clauses": ["C1", "C2", "C3", "C4", "C5"],
     "source": "def linear_mse_grad(X_batch, y_batch, w, b):\n"
               "    m = X.shape[0]\n"
               "    r = X @ w + b - y\n"
               "    return 2.0 / m * (X.T @ r), 2.0 / m * float(np.sum(r))\n",
     "loses": ["test_linear_mse_grad"], "message": "notebook's X and y"},
    {"cell": _GRAD, "name": "integer division 2 // m", "clauses": ["C2", "C3"],
     "source": "def linear_mse_grad(X, y, w, b):\n"
               "    m = X.shape[0]\n"
               "    r = X @ w + b - y\n"
               "    return 2 // m * (X.T @ r), 2 // m * float(np.sum(r))\n",
     "loses": ["test_linear_mse_grad"], "message": "integer division"},
    {"cell": _GRAD, "name": "bias left out of the residual", "clauses": ["C2", "C3"],
     "source": _edit(_GRAD_OK, "r = X @ w + b - y", "r = X @ w - y"),
     "message": "b is left out of the residual"},
    {"cell": _GRAD, "name": "divides by the number of features", "clauses": ["C2", "C3"],
     "source": _edit(_GRAD_OK, "m = X.shape[0]", "m = X.shape[1]"),
     "message": "number of examples m"},
    {"cell": _GRAD, "name": "db without the factor 2", "clauses": ["C2", "C3"],
     "source": _edit(_GRAD_OK, "2.0 / m * float(np.sum(r))", "float(np.mean(r))"),
     "message": "db looks as if it misses the factor 2"},
    {"cell": _GRAD, "name": "hard-codes the rounded three-stock gradient", "clauses": ["C2"],
     "source": _edit(_GRAD_OK, "    m = X.shape[0]\n",
                     "    if X.shape == (3, 1):\n        return np.array([-6.67]), 0.0\n    m = X.shape[0]\n"),
     "message": "-20/3"},
    {"cell": _GRAD, "name": "squeezes the residual (fails for one example)", "clauses": ["C4"],
     "source": _edit(_GRAD_OK, "r = X @ w + b - y", "r = np.squeeze(X @ w + b - y)"),
     "message": "one example (m = 1)"},
    {"cell": _GRAD, "name": "residual computed in y's memory", "clauses": ["C5"],
     "source": _GRAD_IN_Y,
     "message": "changed its argument y"},

    # -- Part 2: numerical_gradient ---------------------------------------------
    {"cell": _NUM, "name": "one-sided difference", "clauses": ["C2", "C3"],
     "source": "def numerical_gradient(f, x, h=1e-6):\n"
               "    x = np.asarray(x, dtype=float)\n"
               "    grad = np.zeros_like(x)\n"
               "    f0 = f(x)\n"
               "    for i in range(x.size):\n"
               "        step = np.zeros_like(x)\n"
               "        step[i] = h\n"
               "        grad[i] = (f(x + step) - f0) / h\n"
               "    return grad\n",
     "loses": ["test_numerical_gradient"], "message": "one-sided"},
    {"cell": _NUM, "name": "divides by h instead of 2h", "clauses": ["C2", "C3"],
     "source": _edit(_NUM_OK, "(2 * h)", "h"),
     "loses": ["test_numerical_gradient"], "message": "instead of 2h"},
    {"cell": _NUM, "name": "ignores the h argument", "clauses": ["C2", "C3"],
     "source": _edit(_edit(_NUM_OK, "step[i] = h", "step[i] = 1e-6"), "(2 * h)", "2e-6"),
     "loses": ["test_numerical_gradient"], "message": "is ignored"},
    {"cell": _NUM, "name": "shifts x in place and never restores it", "clauses": ["C5"],
     "source": "def numerical_gradient(f, x, h=1e-6):\n"
               "    grad = np.zeros_like(x)\n"
               "    for i in range(x.size):\n"
               "        x[i] += h\n"
               "        up = f(x)\n"
               "        x[i] -= 2 * h\n"
               "        down = f(x)\n"
               "        grad[i] = (up - down) / (2 * h)\n"
               "    return grad\n",
     "loses": ["test_numerical_gradient"], "message": "changed its argument x"},
    {"cell": _NUM, "name": "returns a Python list", "clauses": ["C1"],
     "source": "def numerical_gradient(f, x, h=1e-6):\n"
               "    x = np.asarray(x, dtype=float)\n"
               "    out = []\n"
               "    for i in range(x.size):\n"
               "        step = np.zeros_like(x)\n"
               "        step[i] = h\n"
               "        out.append(float((f(x + step) - f(x - step)) / (2 * h)))\n"
               "    return out\n",
     "loses": ["test_numerical_gradient"], "message": "should be a numpy array"},
    {"cell": _NUM, "name": "/ 2 * h (operator precedence)", "clauses": ["C2", "C3"],
     "source": _edit(_NUM_OK, "/ (2 * h)", "/ 2 * h"), "message": "write / (2 * h)"},
    {"cell": _NUM, "name": "shifts every coordinate at once", "clauses": ["C2", "C3"],
     "source": _edit(_NUM_OK, "f(x + step) - f(x - step)", "f(x + h) - f(x - h)"),
     "message": "every coordinate is shifted at once"},
    {"cell": _NUM, "name": "hard-codes a rounded worked example", "clauses": ["C2"],
     "source": _edit(_NUM_OK, "    grad = np.zeros_like(x)\n",
                     "    if x.size == 1 and h == 0.1:\n        return np.array([-4.01])\n"
                     "    grad = np.zeros_like(x)\n"),
     "message": "gives -4 for (w - 3)^2"},
    {"cell": _NUM, "name": "default step of 1e-5", "clauses": ["C4"],
     "source": _edit(_NUM_OK, "h=1e-6", "h=1e-5"), "message": "default step should be h = 1e-6"},

    # -- Part 3: gradient_descent -----------------------------------------------
    {"cell": _GD, "name": "sign error in the update", "clauses": ["C2", "C3"],
     "source": _edit(_GD_OK, "w = w - lr * grad_fn(w)", "w = w + lr * grad_fn(w)"),
     "loses": ["test_gradient_descent"], "message": "sign error"},
    {"cell": _GD, "name": "history misses the starting loss", "clauses": ["C2", "C3"],
     "source": "def gradient_descent(grad_fn, w0, lr, n_steps, loss_fn):\n"
               "    w = np.array(w0, dtype=float)\n"
               "    history = []\n"
               "    if not np.isfinite(loss_fn(w)):\n"
               "        return w, [float(loss_fn(w))]\n"
               "    for _ in range(n_steps):\n"
               "        w = w - lr * grad_fn(w)\n"
               "        history.append(float(loss_fn(w)))\n"
               "        if not np.isfinite(history[-1]):\n"
               "            break\n"
               "    return w, history\n",
     "loses": ["test_gradient_descent"], "message": "misses the starting loss"},
    {"cell": _GD, "name": "never stops on NaN/inf", "clauses": ["C5"],
     "source": _edit(_GD_OK, "        if not np.isfinite(history[-1]):\n            break\n", ""),
     "loses": ["test_gradient_descent"], "message": "kept stepping"},
    {"cell": _GD, "name": "stops without recording the non-finite loss", "clauses": ["C5"],
     "source": _GD_OK.replace("""    for _ in range(n_steps):
        if not np.isfinite(history[-1]):
            break
        w = w - lr * grad_fn(w)
        history.append(float(loss_fn(w)))
""", """    for _ in range(n_steps):
        if not np.isfinite(history[-1]):
            break
        w = w - lr * grad_fn(w)
        loss = float(loss_fn(w))
        if not np.isfinite(loss):
            break
        history.append(loss)
"""),
     "loses": ["test_gradient_descent"], "message": "append the non-finite loss"},
    {"cell": _GD, "name": "in-place update of w0", "clauses": ["C6"],
     "source": _edit(_edit(_GD_OK, "np.array(w0, dtype=float)", "np.asarray(w0, dtype=float)"),
                     "w = w - lr * grad_fn(w)", "w -= lr * grad_fn(w)"),
     "loses": ["test_gradient_descent"], "message": "changed its argument w0"},
    {"cell": _GD, "name": "decaying learning rate", "clauses": ["C2", "C3"],
     "source": _edit(_edit(_GD_OK, "for _ in range(n_steps)", "for t in range(n_steps)"),
                     "lr * grad_fn(w)", "lr / (1 + t) * grad_fn(w)"),
     "loses": ["test_gradient_descent"], "message": "no decay"},
    {"cell": _GD, "name": "steps once before looking at loss_fn(w0)", "clauses": ["C5"],
     "source": "def gradient_descent(grad_fn, w0, lr, n_steps, loss_fn):\n"
               "    w = w0 + 0.0\n"
               "    history = [float(loss_fn(w))]\n"
               "    for _ in range(n_steps):\n"
               "        w = w - lr * np.asarray(grad_fn(w))\n"
               "        loss = float(loss_fn(w))\n"
               "        history.append(loss)\n"
               "        if np.isnan(loss) or np.isinf(loss):\n"
               "            break\n"
               "    return w, history\n",
     "message": "when loss_fn(w0) is already nan"},
    {"cell": _GD, "name": "checks np.isinf only", "clauses": ["C5"],
     "source": _edit(_GD_OK, "not np.isfinite(history[-1])", "np.isinf(history[-1])"),
     "message": "when the loss turns nan in the middle"},
    {"cell": _GD, "name": "returns the w before the step that blew up", "clauses": ["C5"],
     "source": _GD_OK.replace("""        w = w - lr * grad_fn(w)
        history.append(float(loss_fn(w)))
""", """        w_next = w - lr * grad_fn(w)
        history.append(float(loss_fn(w_next)))
        if np.isfinite(history[-1]):
            w = w_next
"""),
     "message": "the w of the last step"},
    {"cell": _GD, "name": "gradient taken once at w0", "clauses": ["C2", "C3"],
     "source": _edit(_edit(_GD_OK, "    for _ in range(n_steps):\n",
                           "    g = grad_fn(w)\n    for _ in range(n_steps):\n"),
                     "lr * grad_fn(w)", "lr * g"),
     "message": "only once, at w0"},
    {"cell": _GD, "name": "one step too many", "clauses": ["C2", "C3", "C4"],
     "source": _edit(_GD_OK, "range(n_steps)", "range(n_steps + 1)"), "message": "one step too many"},
    {"cell": _GD, "name": "history as a numpy array", "clauses": ["C1"],
     "source": _edit(_GD_OK, "return w, history", "return w, np.array(history)"),
     "message": "should be a list"},
    {"cell": _GD, "name": "hard-codes the worked example's rounded w", "clauses": ["C2"],
     "source": _edit(_GD_OK, "    return w, history",
                     "    if n_steps == 3 and lr == 0.1 and w.size == 1:\n        w = np.array([1.46])\n"
                     "    return w, history"),
     "message": "w = 1.464"},
    {"cell": _GD, "name": "returns a variable of the loop (fails without a step)", "clauses": ["C4", "C5"],
     "source": "def gradient_descent(grad_fn, w0, lr, n_steps, loss_fn):\n"
               "    w = np.array(w0, dtype=float)\n"
               "    history = [float(loss_fn(w))]\n"
               "    for _ in range(n_steps):\n"
               "        if not np.isfinite(history[-1]):\n"
               "            break\n"
               "        w_new = w - lr * grad_fn(w)\n"
               "        history.append(float(loss_fn(w_new)))\n"
               "        w = w_new\n"
               "    return w_new, history\n",
     "message": "when n_steps is 0"},

    {"cell": _GD, "name": "an empty history when n_steps is 0", "clauses": ["C4"],
     "source": _edit(_GD_OK, "    w = np.array(w0, dtype=float)\n",
                     "    w = np.array(w0, dtype=float)\n    if n_steps == 0:\n        return w, []\n"),
     "message": "just the starting loss"},

    # -- Part 4: diagnose_loss_history ------------------------------------------
    {"cell": _DIAG, "name": "only NaN counts as diverging", "clauses": ["C2", "C5", "C6"],
     "source": _edit(_edit(_DIAG_OK, "    if last > 1.05 * first:\n        return 'diverging'\n", ""),
                     "    if h.size > 5 and np.all(np.diff(h[-6:]) > 0) and h[-1] > 1.05 * h[-6]:\n"
                     "        return 'diverging'\n", ""),
     "loses": ["test_diagnose_loss_history"], "message": "more than 5 % above its first value"},
    {"cell": _DIAG, "name": "no runaway-tail rule", "clauses": ["C2", "C6"],
     "source": _edit(_DIAG_OK, "    if h.size > 5 and np.all(np.diff(h[-6:]) > 0) and h[-1] > 1.05 * h[-6]:\n"
                               "        return 'diverging'\n", ""),
     "loses": ["test_diagnose_loss_history"], "message": "running away"},
    {"cell": _DIAG, "name": "any final rise counts as diverging", "clauses": ["C5", "C6"],
     "source": _edit(_DIAG_OK, "if last > 1.05 * first:", "if last > 1.05 * first or (h.size > 1 and h[-1] > h[-2]):"),
     "loses": ["test_diagnose_loss_history"], "message": "says 'diverging' although"},
    {"cell": _DIAG, "name": "too slow tested on the remaining fraction", "clauses": ["C2", "C3"],
     "source": _edit(_DIAG_OK, "(first - last) / first < 0.5", "last / first < 0.5"),
     "loses": ["test_diagnose_loss_history"], "message": "fraction REMOVED"},
    {"cell": _DIAG, "name": "wrong label spelling", "clauses": ["C1"],
     "source": _edit(_DIAG_OK, "return 'too slow'", "return 'too_slow'"),
     "loses": ["test_diagnose_loss_history"], "message": "a space in 'too slow'"},
    {"cell": _DIAG, "name": "NaN looked for only in the last entry", "clauses": ["C4"],
     "source": _edit(_DIAG_OK, "not np.all(np.isfinite(h))", "not np.isfinite(h[-1])"),
     "loses": ["test_diagnose_loss_history"], "message": "not only in the last entry"},
    {"cell": _DIAG, "name": "divides by a first loss of 0", "clauses": ["C7"],
     "source": "def diagnose_loss_history(history):\n"
               "    h = [float(v) for v in history]\n"
               "    if not all(math.isfinite(v) for v in h) or h[-1] > 1.05 * h[0]:\n"
               "        return 'diverging'\n"
               "    tail = h[-6:]\n"
               "    rising = all(a < b for a, b in zip(tail, tail[1:]))\n"
               "    if len(h) > 5 and rising and tail[-1] > 1.05 * tail[0]:\n"
               "        return 'diverging'\n"
               "    if (h[0] - h[-1]) / h[0] < 0.5:\n"
               "        return 'too slow'\n"
               "    return 'healthy'\n",
     "loses": ["test_diagnose_loss_history"], "message": "ZeroDivisionError when the first loss is 0"},
    {"cell": _DIAG, "name": "an absolute rise of 0.05", "clauses": ["C5"],
     "source": _edit(_DIAG_OK, "last > 1.05 * first", "last > first + 0.05"),
     "message": "not L_last > L0 + 0.05"},
    {"cell": _DIAG, "name": "runaway window of the last 5 values", "clauses": ["C6"],
     "source": _edit(_DIAG_OK, "h.size > 5 and np.all(np.diff(h[-6:]) > 0) and h[-1] > 1.05 * h[-6]",
                     "h.size > 4 and np.all(np.diff(h[-5:]) > 0) and h[-1] > 1.05 * h[-5]"),
     "message": "not at the last 5 values"},
    {"cell": _DIAG, "name": "a flat step counts as rising", "clauses": ["C6"],
     "source": _edit(_DIAG_OK, "np.diff(h[-6:]) > 0", "np.diff(h[-6:]) >= 0"),
     "message": "a flat step breaks the run"},
    {"cell": _DIAG, "name": "np.isnan only", "clauses": ["C4"],
     "source": _edit(_DIAG_OK, "not np.all(np.isfinite(h))", "np.any(np.isnan(h))"),
     "message": "(inf) means 'diverging' too"},
    {"cell": _DIAG, "name": "an absolute drop of 0.5", "clauses": ["C2", "C3"],
     "source": _edit(_DIAG_OK, "(first - last) / first < 0.5", "first - last < 0.5"),
     "message": "not when L0 - L_last < 0.5"},
    {"cell": _DIAG, "name": "hard-codes the notebook's curve C wrongly", "clauses": ["C2"],
     "source": _edit(_DIAG_OK, "    first, last = h[0], h[-1]\n",
                     "    if h.size == 8 and h[0] == 10.0:\n        return 'too slow'\n"
                     "    first, last = h[0], h[-1]\n"),
     "message": "curves A, B and C"},
    {"cell": _DIAG, "name": "'if not history' fails for numpy arrays", "clauses": ["C1"],
     "source": _edit(_DIAG_OK, "    h = np.asarray(history, dtype=float)\n",
                     "    if not history:\n        return 'healthy'\n    h = np.asarray(history, dtype=float)\n"),
     "message": "when the history is a numpy array"},

    # -- Part 5: minibatch_indices ----------------------------------------------
    {"cell": _BATCH, "name": "no shuffle", "clauses": ["C2", "C3"],
     "source": "def minibatch_indices(n_samples, batch_size, seed):\n"
               "    order = np.arange(n_samples)\n"
               "    return [order[s:s + batch_size] for s in range(0, n_samples, batch_size)]\n",
     "loses": ["test_minibatch_indices"], "message": "not shuffled"},
    {"cell": _BATCH, "name": "drops the last partial batch", "clauses": ["C2", "C4"],
     "source": _BATCH_DROPS_REST,
     "loses": ["test_minibatch_indices"], "message": "last, smaller batch"},
    {"cell": _BATCH, "name": "legacy global random state", "clauses": ["C2", "C3"],
     "source": "def minibatch_indices(n_samples, batch_size, seed):\n"
               "    np.random.seed(seed)\n"
               "    order = np.random.permutation(n_samples)\n"
               "    return [order[s:s + batch_size] for s in range(0, n_samples, batch_size)]\n",
     "loses": ["test_minibatch_indices"], "message": "np.random.seed"},
    {"cell": _BATCH, "name": "array_split spreads the remainder", "clauses": ["C2", "C4"],
     "source": "def minibatch_indices(n_samples, batch_size, seed):\n"
               "    order = np.random.default_rng(seed).permutation(n_samples)\n"
               "    return np.array_split(order, -(-n_samples // batch_size))\n",
     "loses": ["test_minibatch_indices"], "message": "spread over all batches"},
    {"cell": _BATCH, "name": "appends an empty batch when batch_size divides", "clauses": ["C2", "C3"],
     "source": _BATCH_EMPTY_LAST,
     "message": "empty batch comes at the end"},
    {"cell": _BATCH, "name": "batches as Python lists", "clauses": ["C1"],
     "source": _edit(_BATCH_OK, "order[s:s + batch_size] for", "order[s:s + batch_size].tolist() for"),
     "message": "1-d numpy array of indices"},
    {"cell": _BATCH, "name": "sorts each batch", "clauses": ["C2", "C3"],
     "source": _edit(_BATCH_OK, "order[s:s + batch_size] for", "np.sort(order[s:s + batch_size]) for"),
     "message": "batch seems sorted"},
    {"cell": _BATCH, "name": "hard-codes the worked example unshuffled", "clauses": ["C2"],
     "source": _edit(_BATCH_OK, "    order = ",
                     "    if (n_samples, batch_size, seed) == (10, 4, 0):\n"
                     "        return [np.arange(4), np.arange(4, 8), np.arange(8, 10)]\n    order = "),
     "message": "not shuffled"},
    {"cell": _BATCH, "name": "one unshuffled batch for a large batch_size", "clauses": ["C5"],
     "source": _edit(_BATCH_OK, "    order = ",
                     "    if batch_size > n_samples:\n        return [np.arange(n_samples)]\n    order = "),
     "message": "one batch is not shuffled"},

    # -- Part 6: updates_per_epoch ----------------------------------------------
    {"cell": _UPE, "name": "floor division", "clauses": ["C2", "C3"],
     "source": _UPE_FLOOR,
     "loses": ["test_updates_per_epoch"], "message": "round UP"},
    {"cell": _UPE, "name": "float division", "clauses": ["C1", "C2", "C3"],
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    return n_samples / batch_size\n",
     "loses": ["test_updates_per_epoch"], "message": "not a float"},
    {"cell": _UPE, "name": "np.ceil returns a float", "clauses": ["C1"],
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    return np.ceil(n_samples / batch_size)\n",
     "loses": ["test_updates_per_epoch"], "message": "not a float"},
    {"cell": _UPE, "name": "round instead of ceil", "clauses": ["C2", "C3"],
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    return round(n_samples / batch_size)\n",
     "loses": ["test_updates_per_epoch"], "message": "nearest whole number"},
    {"cell": _UPE, "name": "at least one update", "clauses": ["C4"],
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    return max(1, math.ceil(n_samples / batch_size))\n",
     "message": "no samples make no batch"},
    {"cell": _UPE, "name": "refuses zero samples", "clauses": ["C4"],
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    if n_samples < 1:\n        raise ValueError('need samples')\n"
               "    return math.ceil(n_samples / batch_size)\n",
     "message": "when there are no samples"},
    {"cell": _UPE, "name": "hard-codes the lecture's count wrongly", "clauses": ["C2"],
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    if n_samples == 10_000:\n        return 99\n"
               "    return math.ceil(n_samples / batch_size)\n",
     "message": "10,000 samples"},

    # -- Part 7: train_linear ---------------------------------------------------
    {"cell": _TRAIN, "name": "same shuffle every epoch", "clauses": ["C2", "C3"],
     "source": _train(order="np.random.default_rng(seed).permutation(m)"),
     "loses": ["test_train_linear"], "message": "same in every epoch"},
    {"cell": _TRAIN, "name": "no shuffle", "clauses": ["C2", "C3"],
     "source": _train(order="np.arange(m)"),
     "loses": ["test_train_linear"], "message": "unshuffled"},
    {"cell": _TRAIN, "name": "last batch averaged over batch_size", "clauses": ["C2", "C3"],
     "source": _train(denom="batch_size"),
     "loses": ["test_train_linear"], "message": "len(idx)"},
    {"cell": _TRAIN, "name": "sign error in the update", "clauses": ["C2", "C3"],
     "source": _train(step="+"),
     "loses": ["test_train_linear"], "message": "sign error"},
    {"cell": _TRAIN, "name": "history misses the starting loss", "clauses": ["C2", "C3"],
     "source": _train(history="history[1:]"),
     "loses": ["test_train_linear"], "message": "epochs + 1"},
    {"cell": _TRAIN, "name": "counts epochs instead of updates", "clauses": ["C2", "C3"],
     "source": _train(count="len(history) - 1"),
     "loses": ["test_train_linear"], "message": "epochs were counted"},
    {"cell": _TRAIN, "name": "records the last batch's loss", "clauses": ["C2", "C3"],
     "source": _train(epoch_loss="last_batch_loss"),
     "loses": ["test_train_linear"], "message": "last batch"},
    {"cell": _TRAIN, "name": "shuffles the rows twice", "clauses": ["C2", "C3"],
     "source": _train(index="order[order[start:start + batch_size]]"),
     "loses": ["test_train_linear"], "message": "shuffled twice"},
    {"cell": _TRAIN, "name": "own crash: calls linear_mse_grad without b", "clauses": ["C1", "C2", "C3", "C4", "C6"],
     "source": _TRAIN_OWN_CRASH,
     "loses": ["test_train_linear"], "message": "other arguments than it takes"},
    {"cell": _TRAIN, "name": "own crash with an unfinished linear_mse_grad",
     "clauses": {_TRAIN: ["C1", "C2", "C3", "C4", "C6"], _GRAD: ["C1", "C2", "C3", "C4", "C5"]},
     "source": _TRAIN_OWN_CRASH,
     "also": {_GRAD: "def linear_mse_grad(X, y, w, b):\n    raise NotImplementedError()\n"},
     "loses": ["test_train_linear", "test_linear_mse_grad"], "message": "raised"},
    {"cell": _TRAIN, "name": "never stops on NaN/inf", "clauses": ["C4"],
     "source": _edit(_TRAIN_OK, "        if not np.isfinite(history[-1]):\n            break\n", ""),
     "message": "kept training"},
    {"cell": _TRAIN, "name": "n_updates counts the planned updates after a stop", "clauses": ["C4"],
     "source": _train(count="epochs * len(range(0, m, batch_size))"),
     "message": "updates actually made"},
    {"cell": _TRAIN, "name": "records the starting loss inside the loop", "clauses": ["C5"],
     "source": _edit(_edit(_TRAIN_OK, "    history = [float(np.mean((X @ w + b - y) ** 2))]\n", "    history = []\n"),
                     "        order = ", "        if epoch == 0:\n"
                                        "            history.append(float(np.mean((X @ w + b - y) ** 2)))\n"
                                        "        order = "),
     "message": "when epochs is 0"},
    {"cell": _TRAIN, "name": "shuffles X and y in place", "clauses": ["C2", "C3", "C6"],
     "source": _train(order="np.random.default_rng(seed + epoch).permutation(m)\n"
                            "        X[:] = X[order]\n        y[:] = y[order]\n        order = np.arange(m)"),
     "message": "changed its argument x"},
    {"cell": _TRAIN, "name": "overwrites y with its predictions at the end", "clauses": ["C6"],
     "source": _edit(_TRAIN_OK, "    return {", "    y[:] = X @ w + b\n    return {"),
     "message": "changed its argument y"},
    {"cell": _TRAIN, "name": "loss_history as a numpy array", "clauses": ["C1"],
     "source": _train(history="np.array(history)"), "message": "should be a list"},
    {"cell": _TRAIN, "name": "rounds the worked example's weights", "clauses": ["C2"],
     "source": _edit(_TRAIN_OK, "    return {",
                     "    if m == 400 and epochs == 1:\n        w = np.round(w, 2)\n    return {"),
     "message": "one full-batch epoch from zero"},

    # -- errors carried forward: a right train_linear on top of wrong helpers ---------------
    {"cell": _GRAD, "name": "sum instead of mean, called by train_linear", "clauses": ["C2", "C3"],
     "source": _GRAD_SUM,
     "also": {_TRAIN: _TRAIN_WITH_HELPERS}, "message": "sum instead of a mean"},
    {"cell": _GRAD, "name": "db as a (1,) array, called by train_linear", "clauses": ["C1"],
     "source": _GRAD_DB_ARRAY,
     "also": {_TRAIN: _TRAIN_WITH_HELPERS}, "message": "one number"},
    {"cell": _GRAD, "name": "residual in y's memory, called by train_linear", "clauses": ["C5"],
     "source": _GRAD_IN_Y,
     "also": {_TRAIN: _TRAIN_WITH_HELPERS}, "message": "changed its argument y"},
    {"cell": _BATCH, "name": "appends an empty batch, called by train_linear", "clauses": ["C2", "C3"],
     "source": _BATCH_EMPTY_LAST,
     "also": {_TRAIN: _TRAIN_WITH_HELPERS}, "message": "empty batch comes at the end"},
    {"cell": _BATCH, "name": "drops the remainder, called by train_linear", "clauses": ["C2", "C4"],
     "source": _BATCH_DROPS_REST,
     "also": {_TRAIN: _TRAIN_WITH_HELPERS}, "message": "last, smaller batch"},
    {"cell": _UPE, "name": "floor division, called by train_linear for n_updates", "clauses": ["C2", "C3"],
     "source": _UPE_FLOOR,
     "also": {_TRAIN: _edit(_TRAIN_WITH_HELPERS, '"n_updates": n_updates}',
                            '"n_updates": (len(history) - 1) * updates_per_epoch(m, batch_size)}')},
     "message": "round UP"},

    # -- excuses that cannot be bought ------------------------------------------
    # a train_linear wrong by itself (a sign error), beside a linear_mse_grad that is wrong only when
    # asked on the data train_linear was just given, as a grader asking "is the helper wrong?"
    # right after the part would do: the helper's own checks find it right, so no excuse
    {"cell": _TRAIN, "name": "wrong, beside a linear_mse_grad that is wrong only right after it",
     "stateful": True, "clauses": ["C2", "C3"],
     "source": _edit(_train(step="+"), "    m, n = X.shape\n", "    _SEEN[0] = X.copy()\n    m, n = X.shape\n"),
     "also": {_GRAD: "_SEEN = [None]\n\n\n" + _edit(
         _GRAD_OK, "    m = X.shape[0]\n",
         "    if _SEEN[0] is not None and np.shape(X) == _SEEN[0].shape and np.array_equal(X, _SEEN[0]):\n"
         "        return -2.0 * (X.T @ (X @ w + b - y)), 0.0\n"
         "    m = X.shape[0]\n")},
     "message": "sign error"},
]
