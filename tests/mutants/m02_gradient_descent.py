"""Known wrong answers for assignment 02 (gradient descent): each must lose exactly its part."""

ASSIGNMENT = "02_gradient_descent"

_GRAD = "linear_mse_grad"
_NUM = "numerical_gradient"
_GD = "gradient_descent"
_DIAG = "diagnose_loss_history"
_BATCH = "minibatch_indices"
_UPE = "updates_per_epoch"
_TRAIN = "train_linear"

_GD_OK_HEAD = """def gradient_descent(grad_fn, w0, lr, n_steps, loss_fn):
    w = np.array(w0, dtype=float)
    history = [float(loss_fn(w))]
"""

_DIAG_TAIL = """    if first == 0:
        return "healthy"
    if (first - last) / first < 0.5:
        return "too slow"
    return "healthy"
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
    return {"w": w, "b": float(b), "loss_history": HISTORY, "n_updates": COUNT}
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


MUTANTS = [
    # -- Part 1: linear_mse_grad -------------------------------------------------
    {"cell": _GRAD, "name": "sum instead of mean",
     "source": "def linear_mse_grad(X, y, w, b):\n"
               "    r = X @ w + b - y\n"
               "    return 2.0 * (X.T @ r), 2.0 * float(np.sum(r))\n",
     "loses": ["test_linear_mse_grad"], "message": "sum instead of a mean"},
    {"cell": _GRAD, "name": "missing factor 2",
     "source": "def linear_mse_grad(X, y, w, b):\n"
               "    m = X.shape[0]\n"
               "    r = X @ w + b - y\n"
               "    return (X.T @ r) / m, float(np.sum(r)) / m\n",
     "loses": ["test_linear_mse_grad"], "message": "factor 2"},
    {"cell": _GRAD, "name": "sign error (truth minus prediction)",
     "source": "def linear_mse_grad(X, y, w, b):\n"
               "    m = X.shape[0]\n"
               "    r = y - (X @ w + b)\n"
               "    return 2.0 / m * (X.T @ r), 2.0 / m * float(np.sum(r))\n",
     "loses": ["test_linear_mse_grad"], "message": "prediction minus truth"},
    {"cell": _GRAD, "name": "db as a (1,) array",
     "source": "def linear_mse_grad(X, y, w, b):\n"
               "    m = X.shape[0]\n"
               "    r = X @ w + b - y\n"
               "    return 2.0 / m * (X.T @ r), 2.0 / m * np.sum(r, keepdims=True)\n",
     "loses": ["test_linear_mse_grad"], "message": "single number"},
    {"cell": _GRAD, "name": "reads the notebook's global X and y",
     "source": "def linear_mse_grad(X_batch, y_batch, w, b):\n"
               "    m = X.shape[0]\n"
               "    r = X @ w + b - y\n"
               "    return 2.0 / m * (X.T @ r), 2.0 / m * float(np.sum(r))\n",
     "loses": ["test_linear_mse_grad"], "message": "notebook's X and y"},

    {"cell": _GRAD, "name": "integer division 2 // m",
     "source": "def linear_mse_grad(X, y, w, b):\n"
               "    m = X.shape[0]\n"
               "    r = X @ w + b - y\n"
               "    return 2 // m * (X.T @ r), 2 // m * float(np.sum(r))\n",
     "loses": ["test_linear_mse_grad"], "message": "integer division"},

    # -- Part 2: numerical_gradient ---------------------------------------------
    {"cell": _NUM, "name": "one-sided difference",
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
    {"cell": _NUM, "name": "divides by h instead of 2h",
     "source": "def numerical_gradient(f, x, h=1e-6):\n"
               "    x = np.asarray(x, dtype=float)\n"
               "    grad = np.zeros_like(x)\n"
               "    for i in range(x.size):\n"
               "        step = np.zeros_like(x)\n"
               "        step[i] = h\n"
               "        grad[i] = (f(x + step) - f(x - step)) / h\n"
               "    return grad\n",
     "loses": ["test_numerical_gradient"], "message": "instead of 2h"},
    {"cell": _NUM, "name": "ignores the h argument",
     "source": "def numerical_gradient(f, x, h=1e-6):\n"
               "    x = np.asarray(x, dtype=float)\n"
               "    grad = np.zeros_like(x)\n"
               "    for i in range(x.size):\n"
               "        step = np.zeros_like(x)\n"
               "        step[i] = 1e-6\n"
               "        grad[i] = (f(x + step) - f(x - step)) / 2e-6\n"
               "    return grad\n",
     "loses": ["test_numerical_gradient"], "message": "is ignored"},
    {"cell": _NUM, "name": "shifts x in place and never restores it",
     "source": "def numerical_gradient(f, x, h=1e-6):\n"
               "    grad = np.zeros_like(x)\n"
               "    for i in range(x.size):\n"
               "        x[i] += h\n"
               "        up = f(x)\n"
               "        x[i] -= 2 * h\n"
               "        down = f(x)\n"
               "        grad[i] = (up - down) / (2 * h)\n"
               "    return grad\n",
     "loses": ["test_numerical_gradient"], "message": "changed its input"},
    {"cell": _NUM, "name": "returns a Python list",
     "source": "def numerical_gradient(f, x, h=1e-6):\n"
               "    x = np.asarray(x, dtype=float)\n"
               "    out = []\n"
               "    for i in range(x.size):\n"
               "        step = np.zeros_like(x)\n"
               "        step[i] = h\n"
               "        out.append(float((f(x + step) - f(x - step)) / (2 * h)))\n"
               "    return out\n",
     "loses": ["test_numerical_gradient"], "message": "Python list"},

    # -- Part 3: gradient_descent -----------------------------------------------
    {"cell": _GD, "name": "sign error in the update",
     "source": _GD_OK_HEAD
               + "    for _ in range(n_steps):\n"
                 "        w = w + lr * grad_fn(w)\n"
                 "        history.append(float(loss_fn(w)))\n"
                 "        if not np.isfinite(history[-1]):\n"
                 "            break\n"
                 "    return w, history\n",
     "loses": ["test_gradient_descent"], "message": "sign error"},
    {"cell": _GD, "name": "history misses the starting loss",
     "source": "def gradient_descent(grad_fn, w0, lr, n_steps, loss_fn):\n"
               "    w = np.array(w0, dtype=float)\n"
               "    history = []\n"
               "    for _ in range(n_steps):\n"
               "        w = w - lr * grad_fn(w)\n"
               "        history.append(float(loss_fn(w)))\n"
               "        if not np.isfinite(history[-1]):\n"
               "            break\n"
               "    return w, history\n",
     "loses": ["test_gradient_descent"], "message": "n_steps + 1"},
    {"cell": _GD, "name": "never stops on NaN/inf",
     "source": _GD_OK_HEAD
               + "    for _ in range(n_steps):\n"
                 "        w = w - lr * grad_fn(w)\n"
                 "        history.append(float(loss_fn(w)))\n"
                 "    return w, history\n",
     "loses": ["test_gradient_descent"], "message": "kept stepping"},
    {"cell": _GD, "name": "stops without recording the non-finite loss",
     "source": _GD_OK_HEAD
               + "    for _ in range(n_steps):\n"
                 "        w = w - lr * grad_fn(w)\n"
                 "        loss = float(loss_fn(w))\n"
                 "        if not np.isfinite(loss):\n"
                 "            break\n"
                 "        history.append(loss)\n"
                 "    return w, history\n",
     "loses": ["test_gradient_descent"], "message": "first non-finite loss"},
    {"cell": _GD, "name": "in-place update of w0",
     "source": "def gradient_descent(grad_fn, w0, lr, n_steps, loss_fn):\n"
               "    w = np.asarray(w0, dtype=float)\n"
               "    history = [float(loss_fn(w))]\n"
               "    for _ in range(n_steps):\n"
               "        w -= lr * grad_fn(w)\n"
               "        history.append(float(loss_fn(w)))\n"
               "        if not np.isfinite(history[-1]):\n"
               "            break\n"
               "    return w, history\n",
     "loses": ["test_gradient_descent"], "message": "changed its input"},

    {"cell": _GD, "name": "decaying learning rate",
     "source": _GD_OK_HEAD
               + "    for t in range(n_steps):\n"
                 "        w = w - lr / (1 + t) * grad_fn(w)\n"
                 "        history.append(float(loss_fn(w)))\n"
                 "        if not np.isfinite(history[-1]):\n"
                 "            break\n"
                 "    return w, history\n",
     "loses": ["test_gradient_descent"], "message": "no decay"},

    # -- Part 4: diagnose_loss_history ------------------------------------------
    {"cell": _DIAG, "name": "only NaN counts as diverging",
     "source": "def diagnose_loss_history(history):\n"
               "    h = np.asarray(history, dtype=float)\n"
               "    if not np.all(np.isfinite(h)):\n"
               "        return 'diverging'\n"
               "    first, last = h[0], h[-1]\n" + _DIAG_TAIL,
     "loses": ["test_diagnose_loss_history"], "message": "more than 5% above its start"},
    {"cell": _DIAG, "name": "no runaway-tail rule",
     "source": "def diagnose_loss_history(history):\n"
               "    h = np.asarray(history, dtype=float)\n"
               "    if not np.all(np.isfinite(h)):\n"
               "        return 'diverging'\n"
               "    first, last = h[0], h[-1]\n"
               "    if last > 1.05 * first:\n"
               "        return 'diverging'\n" + _DIAG_TAIL,
     "loses": ["test_diagnose_loss_history"], "message": "running away"},
    {"cell": _DIAG, "name": "any final rise counts as diverging",
     "source": "def diagnose_loss_history(history):\n"
               "    h = np.asarray(history, dtype=float)\n"
               "    if not np.all(np.isfinite(h)):\n"
               "        return 'diverging'\n"
               "    first, last = h[0], h[-1]\n"
               "    if last > 1.05 * first or (h.size > 1 and h[-1] > h[-2]):\n"
               "        return 'diverging'\n" + _DIAG_TAIL,
     "loses": ["test_diagnose_loss_history"], "message": "mini-batch noise"},
    {"cell": _DIAG, "name": "too slow tested on the remaining fraction",
     "source": "def diagnose_loss_history(history):\n"
               "    h = np.asarray(history, dtype=float)\n"
               "    if not np.all(np.isfinite(h)):\n"
               "        return 'diverging'\n"
               "    first, last = h[0], h[-1]\n"
               "    if last > 1.05 * first:\n"
               "        return 'diverging'\n"
               "    if h.size > 5:\n"
               "        tail = h[-6:]\n"
               "        if np.all(np.diff(tail) > 0) and tail[-1] > 1.05 * tail[0]:\n"
               "            return 'diverging'\n"
               "    if first == 0:\n"
               "        return 'healthy'\n"
               "    if last / first < 0.5:\n"
               "        return 'too slow'\n"
               "    return 'healthy'\n",
     "loses": ["test_diagnose_loss_history"], "message": "fell by less than half"},
    {"cell": _DIAG, "name": "wrong label spelling",
     "source": "def diagnose_loss_history(history):\n"
               "    h = np.asarray(history, dtype=float)\n"
               "    if not np.all(np.isfinite(h)) or h[-1] > 1.05 * h[0]:\n"
               "        return 'diverging'\n"
               "    if h.size > 5 and np.all(np.diff(h[-6:]) > 0) and h[-1] > 1.05 * h[-6]:\n"
               "        return 'diverging'\n"
               "    if h[0] != 0 and (h[0] - h[-1]) / h[0] < 0.5:\n"
               "        return 'too_slow'\n"
               "    return 'healthy'\n",
     "loses": ["test_diagnose_loss_history"], "message": "must be one of"},

    {"cell": _DIAG, "name": "NaN looked for only in the last entry",
     "source": "def diagnose_loss_history(history):\n"
               "    h = np.asarray(history, dtype=float)\n"
               "    if not np.isfinite(h[-1]):\n"
               "        return 'diverging'\n"
               "    first, last = h[0], h[-1]\n"
               "    if last > 1.05 * first:\n"
               "        return 'diverging'\n"
               "    if h.size > 5 and np.all(np.diff(h[-6:]) > 0) and h[-1] > 1.05 * h[-6]:\n"
               "        return 'diverging'\n" + _DIAG_TAIL,
     "loses": ["test_diagnose_loss_history"], "message": "in the MIDDLE"},
    {"cell": _DIAG, "name": "divides by a first loss of 0",
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

    # -- Part 5: minibatch_indices ----------------------------------------------
    {"cell": _BATCH, "name": "no shuffle",
     "source": "def minibatch_indices(n_samples, batch_size, seed):\n"
               "    order = np.arange(n_samples)\n"
               "    return [order[s:s + batch_size] for s in range(0, n_samples, batch_size)]\n",
     "loses": ["test_minibatch_indices"], "message": "not shuffled"},
    {"cell": _BATCH, "name": "drops the last partial batch",
     "source": "def minibatch_indices(n_samples, batch_size, seed):\n"
               "    order = np.random.default_rng(seed).permutation(n_samples)\n"
               "    n_full = max(1, n_samples // batch_size)\n"
               "    return [order[k * batch_size:(k + 1) * batch_size] for k in range(n_full)]\n",
     "loses": ["test_minibatch_indices"], "message": "last, smaller batch"},
    {"cell": _BATCH, "name": "legacy global random state",
     "source": "def minibatch_indices(n_samples, batch_size, seed):\n"
               "    np.random.seed(seed)\n"
               "    order = np.random.permutation(n_samples)\n"
               "    return [order[s:s + batch_size] for s in range(0, n_samples, batch_size)]\n",
     "loses": ["test_minibatch_indices"], "message": "not the expected shuffle"},
    {"cell": _BATCH, "name": "array_split spreads the remainder",
     "source": "def minibatch_indices(n_samples, batch_size, seed):\n"
               "    order = np.random.default_rng(seed).permutation(n_samples)\n"
               "    return np.array_split(order, -(-n_samples // batch_size))\n",
     "loses": ["test_minibatch_indices"], "message": "batch sizes are wrong"},

    # -- Part 6: updates_per_epoch ----------------------------------------------
    {"cell": _UPE, "name": "floor division",
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    return n_samples // batch_size\n",
     "loses": ["test_updates_per_epoch"], "message": "round up"},
    {"cell": _UPE, "name": "float division",
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    return n_samples / batch_size\n",
     "loses": ["test_updates_per_epoch"], "message": "not a float"},
    {"cell": _UPE, "name": "np.ceil returns a float",
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    return np.ceil(n_samples / batch_size)\n",
     "loses": ["test_updates_per_epoch"], "message": "not a float"},
    {"cell": _UPE, "name": "round instead of ceil",
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    return round(n_samples / batch_size)\n",
     "loses": ["test_updates_per_epoch"], "message": "ceil"},

    # -- Part 7: train_linear ---------------------------------------------------
    {"cell": _TRAIN, "name": "same shuffle every epoch",
     "source": _train(order="np.random.default_rng(seed).permutation(m)"),
     "loses": ["test_train_linear"], "message": "same in every epoch"},
    {"cell": _TRAIN, "name": "no shuffle",
     "source": _train(order="np.arange(m)"),
     "loses": ["test_train_linear"], "message": "unshuffled"},
    {"cell": _TRAIN, "name": "last batch averaged over batch_size",
     "source": _train(denom="batch_size"),
     "loses": ["test_train_linear"], "message": "len(idx)"},
    {"cell": _TRAIN, "name": "sign error in the update",
     "source": _train(step="+"),
     "loses": ["test_train_linear"], "message": "sign error"},
    {"cell": _TRAIN, "name": "history misses the starting loss",
     "source": _train(history="history[1:]"),
     "loses": ["test_train_linear"], "message": "epochs + 1"},
    {"cell": _TRAIN, "name": "counts epochs instead of updates",
     "source": _train(count="epochs"),
     "loses": ["test_train_linear"], "message": "epochs were counted"},
    {"cell": _TRAIN, "name": "records the last batch's loss",
     "source": _train(epoch_loss="last_batch_loss"),
     "loses": ["test_train_linear"], "message": "last batch"},
    {"cell": _TRAIN, "name": "shuffles the rows twice",
     "source": _train(index="order[order[start:start + batch_size]]"),
     "loses": ["test_train_linear"], "message": "shuffled twice"},
    {"cell": _TRAIN, "name": "own crash: calls linear_mse_grad without b",
     "source": _TRAIN_OWN_CRASH,
     "loses": ["test_train_linear"], "message": "other arguments than it takes"},
    {"cell": _TRAIN, "name": "own crash with an unfinished linear_mse_grad",
     "source": _TRAIN_OWN_CRASH,
     "also": {_GRAD: "def linear_mse_grad(X, y, w, b):\n    raise NotImplementedError()\n"},
     "loses": ["test_train_linear", "test_linear_mse_grad"], "message": "raised"},
]
