"""Right answers for 02_gradient_descent in other styles: each must get full marks on every part."""

ASSIGNMENT = "02_gradient_descent"

_TRAIN_INLINE = """def train_linear(X, y, batch_size, lr, epochs, seed):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    m, n = X.shape
    w, b = np.zeros(n), 0.0
    history = [float(np.mean((X @ w + b - y) ** 2))]
    n_updates = 0
    for epoch in range(epochs):
        order = np.random.default_rng(seed + epoch).permutation(m)
        for start in range(0, m, batch_size):
            idx = order[start:start + batch_size]
            residual = X[idx] @ w + b - y[idx]
            w = w - lr * (2.0 / len(idx)) * (X[idx].T @ residual)
            b = b - lr * 2.0 * float(np.mean(residual))
            n_updates += 1
        history.append(float(np.mean((X @ w + b - y) ** 2)))
        if not np.isfinite(history[-1]):
            break
    return {"w": w, "b": float(b), "loss_history": history, "n_updates": n_updates}
"""

_TRAIN_WHILE = """def train_linear(X, y, batch_size, lr, epochs, seed):
    m, n = np.shape(X)
    w = np.zeros(n)
    b = 0.0
    mse = lambda: np.mean(np.square(X.dot(w) + b - y))
    result = {"loss_history": [mse()], "n_updates": 0}
    epoch = 0
    while epoch < epochs:
        for idx in minibatch_indices(m, batch_size, seed + epoch):
            dw, db = linear_mse_grad(X[idx], y[idx], w, b)
            w, b = w - lr * dw, b - lr * db
            result["n_updates"] += 1
        result["loss_history"].append(mse())
        if not math.isfinite(result["loss_history"][-1]):
            break
        epoch += 1
    result["w"], result["b"] = w, b
    return result
"""

_TRAIN_EINSUM = """def _full_loss(X, y, w, b):
    return np.mean(np.square(np.einsum('ij,j->i', X, w) + b - y))


def train_linear(X, y, batch_size, lr, epochs, seed):
    m, n = X.shape
    w, b = np.zeros(n), np.float64(0.0)
    history, n_updates = [_full_loss(X, y, w, b)], 0
    for epoch in range(epochs):
        order = np.random.default_rng(seed + epoch).permutation(m)
        batches = [order[s:s + batch_size] for s in range(0, m, batch_size)]
        for idx in batches:
            r = np.einsum('ij,j->i', X[idx], w) + b - y[idx]
            w = w - lr * 2 * np.einsum('ij,i->j', X[idx], r) / len(idx)
            b = b - lr * 2 * r.mean()
        n_updates += len(batches)
        history.append(_full_loss(X, y, w, b))
        if not np.isfinite(history[-1]):
            break
    return {"w": w, "b": b, "loss_history": history, "n_updates": n_updates}
"""

EQUIVALENTS = [
    # -- Part 1: linear_mse_grad -------------------------------------------------
    {"cell": "linear_mse_grad", "name": "loops over examples and features",
     "source": "def linear_mse_grad(X, y, w, b):\n"
               "    m, n = len(X), len(w)\n"
               "    dw = np.zeros(n)\n"
               "    db = 0.0\n"
               "    for i in range(m):\n"
               "        r = sum(X[i][j] * w[j] for j in range(n)) + b - y[i]\n"
               "        for j in range(n):\n"
               "            dw[j] += 2 * r * X[i][j] / m\n"
               "        db += 2 * r / m\n"
               "    return dw, db\n"},
    {"cell": "linear_mse_grad", "name": "broadcast mean, db a numpy float64",
     "source": "def linear_mse_grad(X, y, w, b):\n"
               "    r = X.dot(w) + b - y\n"
               "    return 2 * np.mean(r[:, None] * X, axis=0), 2 * np.mean(r)\n"},
    {"cell": "linear_mse_grad", "name": "einsum",
     "source": "def linear_mse_grad(X, y, w, b):\n"
               "    r = np.einsum('ij,j->i', X, w) + b - y\n"
               "    m = len(y)\n"
               "    return 2 / m * np.einsum('ij,i->j', X, r), float(2 / m * r.sum())\n"},
    {"cell": "linear_mse_grad", "name": "own residual helper, plain math",
     "source": "def _residuals(X, y, w, b):\n"
               "    return [sum(x * v for x, v in zip(row, w)) + b - t for row, t in zip(X, y)]\n"
               "\n"
               "\n"
               "def linear_mse_grad(X, y, w, b):\n"
               "    r = _residuals(X, y, w, b)\n"
               "    m = len(r)\n"
               "    dw = [2 * math.fsum(r[i] * X[i][j] for i in range(m)) / m for j in range(len(w))]\n"
               "    return np.array(dw), 2 * math.fsum(r) / m\n"},
    # -- Part 2: numerical_gradient ---------------------------------------------
    {"cell": "numerical_gradient", "name": "copies of x in a loop",
     "source": "def numerical_gradient(f, x, h=1e-6):\n"
               "    x = np.array(x, dtype=float)\n"
               "    grad = []\n"
               "    for i in range(len(x)):\n"
               "        up, down = x.copy(), x.copy()\n"
               "        up[i] += h\n"
               "        down[i] -= h\n"
               "        grad.append((f(up) - f(down)) / (2 * h))\n"
               "    return np.array(grad)\n"},
    {"cell": "numerical_gradient", "name": "rows of h * identity",
     "source": "def numerical_gradient(f, x, h=1e-6):\n"
               "    x = np.asarray(x, dtype=float)\n"
               "    steps = h * np.eye(x.size)\n"
               "    return np.array([f(x + e) - f(x - e) for e in steps]) / (2 * h)\n"},
    {"cell": "numerical_gradient", "name": "own unit-vector helper, np.float64 entries",
     "source": "def _unit(n, i):\n"
               "    e = np.zeros(n)\n"
               "    e[i] = 1.0\n"
               "    return e\n"
               "\n"
               "\n"
               "def numerical_gradient(f, x, h=1e-6):\n"
               "    x = np.array(x, dtype=float)\n"
               "    return np.array([np.float64(f(x + h * _unit(x.size, i)) - f(x - h * _unit(x.size, i)))\n"
               "                     / (2 * h) for i in range(x.size)])\n"},
    # -- Part 3: gradient_descent -----------------------------------------------
    {"cell": "gradient_descent", "name": "while loop with math.isfinite",
     "source": "def gradient_descent(grad_fn, w0, lr, n_steps, loss_fn):\n"
               "    w = np.copy(w0).astype(float)\n"
               "    history = [loss_fn(w)]\n"
               "    step = 0\n"
               "    while step < n_steps and math.isfinite(history[-1]):\n"
               "        w = w - lr * grad_fn(w)\n"
               "        history.append(loss_fn(w))\n"
               "        step += 1\n"
               "    return w, history\n"},
    {"cell": "gradient_descent", "name": "records the loss at the top of the loop",
     "source": "def gradient_descent(grad_fn, w0, lr, n_steps, loss_fn):\n"
               "    w = np.array(w0, dtype=float)\n"
               "    history = []\n"
               "    for step in range(n_steps + 1):\n"
               "        loss = loss_fn(w)\n"
               "        history.append(float(loss))\n"
               "        if not math.isfinite(loss) or step == n_steps:\n"
               "            break\n"
               "        w = w - lr * np.asarray(grad_fn(w))\n"
               "    return w, history\n"},
    {"cell": "gradient_descent", "name": "numpy scalars in the history, own step helper",
     "source": "def _step(w, g, lr):\n"
               "    return w - lr * g\n"
               "\n"
               "\n"
               "def gradient_descent(grad_fn, w0, lr, n_steps, loss_fn):\n"
               "    w = np.copy(w0)\n"
               "    history = [np.float64(loss_fn(w))]\n"
               "    for _ in range(n_steps):\n"
               "        if not np.isfinite(history[-1]):\n"
               "            break\n"
               "        w = _step(w, grad_fn(w), lr)\n"
               "        history.append(np.float64(loss_fn(w)))\n"
               "    return w, history\n"},
    # -- Part 4: diagnose_loss_history ------------------------------------------
    {"cell": "diagnose_loss_history", "name": "plain Python lists",
     "source": "def diagnose_loss_history(history):\n"
               "    h = [float(v) for v in history]\n"
               "    if any(not math.isfinite(v) for v in h) or h[-1] > 1.05 * h[0]:\n"
               "        return 'diverging'\n"
               "    tail = h[-6:]\n"
               "    rising = all(a < b for a, b in zip(tail, tail[1:]))\n"
               "    if len(h) > 5 and rising and tail[-1] > 1.05 * tail[0]:\n"
               "        return 'diverging'\n"
               "    if h[0] == 0 or (h[0] - h[-1]) / h[0] >= 0.5:\n"
               "        return 'healthy'\n"
               "    return 'too slow'\n"},
    {"cell": "diagnose_loss_history", "name": "numpy, remaining fraction",
     "source": "def diagnose_loss_history(history):\n"
               "    h = np.array(history, dtype=float)\n"
               "    if np.isnan(h).any() or np.isinf(h).any():\n"
               "        return 'diverging'\n"
               "    runaway = (len(h) >= 6 and (np.diff(h[-6:]) > 0).all()\n"
               "               and h[-1] > 1.05 * h[-6])\n"
               "    if h[-1] > 1.05 * h[0] or runaway:\n"
               "        return 'diverging'\n"
               "    if h[0] != 0 and h[-1] / h[0] > 0.5:\n"
               "        return 'too slow'\n"
               "    return 'healthy'\n"},
    {"cell": "diagnose_loss_history", "name": "terse numpy, labels from a table",
     "source": "def diagnose_loss_history(history):\n"
               "    h = np.asarray(history, float)\n"
               "    t = h[-6:]\n"
               "    runaway = h.size > 5 and (np.diff(t) > 0).all() and t[-1] > 1.05 * t[0]\n"
               "    if not np.isfinite(h).all() or h[-1] > 1.05 * h[0] or runaway:\n"
               "        return 'diverging'\n"
               "    slow = h[0] != 0 and (h[0] - h[-1]) / h[0] < 0.5\n"
               "    return {True: 'too slow', False: 'healthy'}[bool(slow)]\n"},
    # -- Part 5: minibatch_indices ----------------------------------------------
    {"cell": "minibatch_indices", "name": "np.split at multiples of batch_size",
     "source": "def minibatch_indices(n_samples, batch_size, seed):\n"
               "    order = np.random.default_rng(seed).permutation(n_samples)\n"
               "    return np.split(order, np.arange(batch_size, n_samples, batch_size))\n"},
    {"cell": "minibatch_indices", "name": "while loop",
     "source": "def minibatch_indices(n_samples, batch_size, seed):\n"
               "    rng = np.random.default_rng(seed)\n"
               "    order = rng.permutation(n_samples)\n"
               "    batches, start = [], 0\n"
               "    while start < n_samples:\n"
               "        batches.append(order[start:start + batch_size])\n"
               "        start += batch_size\n"
               "    return batches\n"},
    {"cell": "minibatch_indices", "name": "rng.shuffle of arange, math.ceil batches",
     "source": "def minibatch_indices(n_samples, batch_size, seed):\n"
               "    order = np.arange(n_samples)\n"
               "    np.random.default_rng(seed).shuffle(order)\n"
               "    return [order[k * batch_size:(k + 1) * batch_size]\n"
               "            for k in range(math.ceil(n_samples / batch_size))]\n"},
    # -- Part 6: updates_per_epoch ----------------------------------------------
    {"cell": "updates_per_epoch", "name": "integer arithmetic",
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    return (n_samples + batch_size - 1) // batch_size\n"},
    {"cell": "updates_per_epoch", "name": "negative floor division",
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    return -(-n_samples // batch_size)\n"},
    {"cell": "updates_per_epoch", "name": "int(np.ceil(...))",
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    return int(np.ceil(n_samples / batch_size))\n"},
    {"cell": "updates_per_epoch", "name": "divmod",
     "source": "def updates_per_epoch(n_samples, batch_size):\n"
               "    full, rest = divmod(n_samples, batch_size)\n"
               "    return full + (1 if rest else 0)\n"},
    # -- Part 7: train_linear ---------------------------------------------------
    {"cell": "train_linear", "name": "everything inline", "source": _TRAIN_INLINE},
    {"cell": "train_linear", "name": "while loop over epochs with the student's helpers",
     "source": _TRAIN_WHILE},
    {"cell": "train_linear", "name": "einsum, own loss helper, numpy scalars", "source": _TRAIN_EINSUM},
]
