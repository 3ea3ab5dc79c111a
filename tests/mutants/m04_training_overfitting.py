"""Known wrong answers for assignment 04 and the part each of them must lose.

Look-ahead (a shuffled split, choosing a strategy on out-of-sample results) must cost the
whole part: tests/grading/test_fair_03_04.py checks that for the mutants in LOOK_AHEAD.
"""

ASSIGNMENT = "04_training_overfitting"

_SPLIT = "test_chronological_split"
_WF = "test_walk_forward_splits"
_EPOCH = "test_train_epoch"
_ES = "test_early_stopping"
_SR = "test_sharpe_ratio"
_BEST = "test_best_of_n_sharpe"

# best_of_n_sharpe on top of the student's own sharpe_ratio (a style the hints allow)
_BEST_BY_ROWS = (
    "def best_of_n_sharpe(returns, positions, split_day):\n"
    "    pnl = positions * returns\n"
    "    in_sample = np.array([sharpe_ratio(row[:split_day]) for row in pnl])\n"
    "    out_of_sample = np.array([sharpe_ratio(row[split_day:]) for row in pnl])\n"
    "    return int(np.argmax(in_sample)), in_sample, out_of_sample\n")


def _epoch(order: str, step: str) -> str:
    """A train_epoch that visits the batches of ``order`` and updates with ``W {step} * dW``."""
    return ("def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):\n"
            "    m = X.shape[1]\n"
            f"    order = {order}\n"
            "    for start in range(0, m, batch_size):\n"
            "        batch = order[start:start + batch_size]\n"
            "        _, cache = mlp_forward(weights, biases, X[:, batch])\n"
            "        dWs, dbs = mlp_backward(weights, cache, y[:, batch])\n"
            f"        weights = [W {step} * dW for W, dW in zip(weights, dWs)]\n"
            f"        biases = [b {step} * db for b, db in zip(biases, dbs)]\n"
            "    return weights, biases\n")


MUTANTS = [
    # ------------------------------------------------------------ chronological_split
    {"cell": "chronological_split", "name": "int() truncates instead of round()",
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train = int(train_frac * n)\n"
         "    n_val = int(val_frac * n)\n"
         "    days = np.arange(n)\n"
         "    return days[:n_train], days[n_train:n_train + n_val], days[n_train + n_val:]\n"),
     "loses": [_SPLIT], "message": "truncated"},
    {"cell": "chronological_split", "name": "shuffled split (look-ahead)",
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train = round(train_frac * n)\n"
         "    n_val = round(val_frac * n)\n"
         "    days = np.random.default_rng(0).permutation(n)\n"
         "    return days[:n_train], days[n_train:n_train + n_val], days[n_train + n_val:]\n"),
     "loses": [_SPLIT], "message": "shuffled"},
    {"cell": "chronological_split", "name": "float indices from np.arange(n, dtype=float)",
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train = round(train_frac * n)\n"
         "    n_val = round(val_frac * n)\n"
         "    days = np.arange(n, dtype=float)\n"
         "    return days[:n_train], days[n_train:n_train + n_val], days[n_train + n_val:]\n"),
     "loses": [_SPLIT], "message": "must be integers"},
    {"cell": "chronological_split", "name": "Python lists instead of arrays",
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train = round(train_frac * n)\n"
         "    n_val = round(val_frac * n)\n"
         "    days = list(range(n))\n"
         "    return days[:n_train], days[n_train:n_train + n_val], days[n_train + n_val:]\n"),
     "loses": [_SPLIT], "message": "return a numpy array"},
    {"cell": "chronological_split", "name": "test block first",
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train = round(train_frac * n)\n"
         "    n_val = round(val_frac * n)\n"
         "    n_test = n - n_train - n_val\n"
         "    days = np.arange(n)\n"
         "    return days[n_test:n_test + n_train], days[n_test + n_train:], days[:n_test]\n"),
     "loses": [_SPLIT], "message": "not in time order"},

    # ------------------------------------------------------------ walk_forward_splits
    {"cell": "walk_forward_splits", "name": "gap ignored",
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        begin = 0 if mode == 'expanding' else max(0, start - train_size)\n"
         "        splits.append((np.arange(begin, start), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "gap is not applied"},
    {"cell": "walk_forward_splits", "name": "training ends one day late (leaks the test start)",
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap + 1\n"
         "        begin = 0 if mode == 'expanding' else max(0, end - train_size)\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "one day too late"},
    {"cell": "walk_forward_splits", "name": "gap off by one (one day too many dropped)",
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap - 1\n"
         "        begin = 0 if mode == 'expanding' else max(0, end - train_size)\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "one day too early"},
    {"cell": "walk_forward_splits", "name": "rolling mode behaves like expanding",
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        splits.append((np.arange(0, start - gap), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "only the last train_size"},
    {"cell": "walk_forward_splits", "name": "rolling window without max(0, ...)",
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap\n"
         "        begin = 0 if mode == 'expanding' else end - train_size\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "cannot start before day 0"},
    {"cell": "walk_forward_splits", "name": "test windows at the start of the series",
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    first = n - n_splits * test_size\n"
         "    for k in range(n_splits):\n"
         "        start = first - (n_splits - 1 - k) * test_size\n"
         "        end = start - gap\n"
         "        begin = 0 if mode == 'expanding' else max(0, end - train_size)\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "test windows are wrong"},

    # ------------------------------------------------------------ train_epoch
    {"cell": "train_epoch", "name": "in-place update W -= lr * dW",
     "source": (
         "def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):\n"
         "    m = X.shape[1]\n"
         "    order = np.random.default_rng([seed, epoch]).permutation(m)\n"
         "    for start in range(0, m, batch_size):\n"
         "        batch = order[start:start + batch_size]\n"
         "        _, cache = mlp_forward(weights, biases, X[:, batch])\n"
         "        dWs, dbs = mlp_backward(weights, cache, y[:, batch])\n"
         "        for W, dW, b, db in zip(weights, dWs, biases, dbs):\n"
         "            W -= lr * dW\n"
         "            b -= lr * db\n"
         "    return weights, biases\n"),
     "loses": [_EPOCH], "message": "changed its input"},
    {"cell": "train_epoch", "name": "no shuffling",
     "source": (
         "def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):\n"
         "    m = X.shape[1]\n"
         "    for start in range(0, m, batch_size):\n"
         "        batch = np.arange(start, min(start + batch_size, m))\n"
         "        _, cache = mlp_forward(weights, biases, X[:, batch])\n"
         "        dWs, dbs = mlp_backward(weights, cache, y[:, batch])\n"
         "        weights = [W - lr * dW for W, dW in zip(weights, dWs)]\n"
         "        biases = [b - lr * db for b, db in zip(biases, dbs)]\n"
         "    return weights, biases\n"),
     "loses": [_EPOCH], "message": "original order"},
    {"cell": "train_epoch", "name": "shuffle seeded without the epoch",
     "source": _epoch('np.random.default_rng(seed).permutation(m)', '- lr'),
     "loses": [_EPOCH], "message": "ignores the epoch"},
    {"cell": "train_epoch", "name": "last partial batch dropped",
     "source": (
         "def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):\n"
         "    m = X.shape[1]\n"
         "    order = np.random.default_rng([seed, epoch]).permutation(m)\n"
         "    for k in range(m // batch_size):\n"
         "        batch = order[k * batch_size:(k + 1) * batch_size]\n"
         "        _, cache = mlp_forward(weights, biases, X[:, batch])\n"
         "        dWs, dbs = mlp_backward(weights, cache, y[:, batch])\n"
         "        weights = [W - lr * dW for W, dW in zip(weights, dWs)]\n"
         "        biases = [b - lr * db for b, db in zip(biases, dbs)]\n"
         "    return weights, biases\n"),
     "loses": [_EPOCH], "message": "last, shorter batch"},
    {"cell": "train_epoch", "name": "sign error in the update",
     "source": _epoch('np.random.default_rng([seed, epoch]).permutation(m)', '+ lr'),
     "loses": [_EPOCH], "message": "uphill"},
    {"cell": "train_epoch", "name": "the same shuffle (epoch 1's) reused every epoch",
     "source": _epoch('np.random.default_rng([seed, 1]).permutation(m)', '- lr'),
     "loses": [_EPOCH], "message": "reuses one shuffle"},
    {"cell": "train_epoch", "name": "gradient summed over the batch",
     "source": _epoch('np.random.default_rng([seed, epoch]).permutation(m)', '- lr * len(batch)'),
     "loses": [_EPOCH], "message": "sum of the batch"},
    {"cell": "train_epoch", "name": "gradient divided by the batch size again",
     "source": _epoch('np.random.default_rng([seed, epoch]).permutation(m)', '- lr / len(batch)'),
     "loses": [_EPOCH], "message": "divided by the batch size"},
    {"cell": "train_epoch", "name": "gradients at the stale start-of-epoch weights",
     "source": (
         "def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):\n"
         "    m = X.shape[1]\n"
         "    order = np.random.default_rng([seed, epoch]).permutation(m)\n"
         "    new_ws, new_bs = list(weights), list(biases)\n"
         "    for start in range(0, m, batch_size):\n"
         "        batch = order[start:start + batch_size]\n"
         "        _, cache = mlp_forward(weights, biases, X[:, batch])\n"
         "        dWs, dbs = mlp_backward(weights, cache, y[:, batch])\n"
         "        new_ws = [W - lr * dW for W, dW in zip(new_ws, dWs)]\n"
         "        new_bs = [b - lr * db for b, db in zip(new_bs, dbs)]\n"
         "    return new_ws, new_bs\n"),
     "loses": [_EPOCH], "message": "start of the epoch"},
    {"cell": "train_epoch", "name": "one full-batch step per epoch",
     "source": (
         "def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):\n"
         "    _, cache = mlp_forward(weights, biases, X)\n"
         "    dWs, dbs = mlp_backward(weights, cache, y)\n"
         "    weights = [W - lr * dW for W, dW in zip(weights, dWs)]\n"
         "    biases = [b - lr * db for b, db in zip(biases, dbs)]\n"
         "    return weights, biases\n"),
     "loses": [_EPOCH], "message": "whole training set"},
    {"cell": "train_epoch", "name": "reads the global X_train instead of the argument",
     "source": (
         "def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):\n"
         "    m = X_train.shape[1]\n"
         "    order = np.random.default_rng([seed, epoch]).permutation(m)\n"
         "    for start in range(0, m, batch_size):\n"
         "        batch = order[start:start + batch_size]\n"
         "        _, cache = mlp_forward(weights, biases, X_train[:, batch])\n"
         "        dWs, dbs = mlp_backward(weights, cache, y_train[:, batch])\n"
         "        weights = [W - lr * dW for W, dW in zip(weights, dWs)]\n"
         "        biases = [b - lr * db for b, db in zip(biases, dbs)]\n"
         "    return weights, biases\n"),
     "loses": [_EPOCH], "message": "not notebook variables"},

    # ------------------------------------------------------------ early_stopping
    {"cell": "early_stopping", "name": "ties count as improvement (<=)",
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    losses = np.asarray(val_losses, dtype=float)\n"
         "    best_epoch, best_loss = 0, losses[0]\n"
         "    for epoch in range(1, len(losses)):\n"
         "        if losses[epoch] <= best_loss:\n"
         "            best_epoch, best_loss = epoch, losses[epoch]\n"
         "        elif epoch - best_epoch >= patience:\n"
         "            return best_epoch, epoch\n"
         "    return best_epoch, len(losses) - 1\n"),
     "loses": [_ES], "message": "tie counts as an improvement"},
    {"cell": "early_stopping", "name": "stops one epoch late",
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    losses = np.asarray(val_losses, dtype=float)\n"
         "    best_epoch, best_loss = 0, losses[0]\n"
         "    for epoch in range(1, len(losses)):\n"
         "        if losses[epoch] < best_loss:\n"
         "            best_epoch, best_loss = epoch, losses[epoch]\n"
         "        elif epoch - best_epoch > patience:\n"
         "            return best_epoch, epoch\n"
         "    return best_epoch, len(losses) - 1\n"),
     "loses": [_ES], "message": "one epoch too late"},
    {"cell": "early_stopping", "name": "best epoch from the whole curve (look-ahead)",
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    losses = np.asarray(val_losses, dtype=float)\n"
         "    best_epoch = int(np.argmin(losses))\n"
         "    running, stop = 0, len(losses) - 1\n"
         "    for epoch in range(1, len(losses)):\n"
         "        if losses[epoch] < losses[running]:\n"
         "            running = epoch\n"
         "        elif epoch - running >= patience:\n"
         "            stop = epoch\n"
         "            break\n"
         "    return best_epoch, stop\n"),
     "loses": [_ES], "message": "never run"},
    {"cell": "early_stopping", "name": "1-based epochs",
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    losses = list(val_losses)\n"
         "    best_epoch, best_loss = 1, losses[0]\n"
         "    for epoch in range(2, len(losses) + 1):\n"
         "        if losses[epoch - 1] < best_loss:\n"
         "            best_epoch, best_loss = epoch, losses[epoch - 1]\n"
         "        elif epoch - best_epoch >= patience:\n"
         "            return best_epoch, epoch\n"
         "    return best_epoch, len(losses)\n"),
     "loses": [_ES], "message": "1-based"},
    {"cell": "early_stopping", "name": "stop epoch past the end when patience never runs out",
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    losses = np.asarray(val_losses, dtype=float)\n"
         "    best_epoch, best_loss = 0, losses[0]\n"
         "    for epoch in range(1, len(losses)):\n"
         "        if losses[epoch] < best_loss:\n"
         "            best_epoch, best_loss = epoch, losses[epoch]\n"
         "        elif epoch - best_epoch >= patience:\n"
         "            return best_epoch, epoch\n"
         "    return best_epoch, len(losses)\n"),
     "loses": [_ES], "message": "len(val_losses) - 1"},
    {"cell": "early_stopping", "name": "patience counter never reset",
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    best_epoch, best_loss, waited = 0, val_losses[0], 0\n"
         "    for epoch in range(1, len(val_losses)):\n"
         "        if val_losses[epoch] < best_loss:\n"
         "            best_epoch, best_loss = epoch, val_losses[epoch]\n"
         "        else:\n"
         "            waited += 1\n"
         "            if waited >= patience:\n"
         "                return best_epoch, epoch\n"
         "    return best_epoch, len(val_losses) - 1\n"),
     "loses": [_ES], "message": "never reset"},
    {"cell": "early_stopping", "name": "compares with the previous epoch, not the best",
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    best_epoch = 0\n"
         "    for epoch in range(1, len(val_losses)):\n"
         "        if val_losses[epoch] < val_losses[epoch - 1]:\n"
         "            best_epoch = epoch\n"
         "        elif epoch - best_epoch >= patience:\n"
         "            return best_epoch, epoch\n"
         "    return best_epoch, len(val_losses) - 1\n"),
     "loses": [_ES], "message": "previous epoch instead of the best"},
    {"cell": "early_stopping", "name": "stop epoch off by one (the epoch before)",
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    best_epoch, best_loss = 0, val_losses[0]\n"
         "    for epoch in range(1, len(val_losses)):\n"
         "        if val_losses[epoch] < best_loss:\n"
         "            best_epoch, best_loss = epoch, val_losses[epoch]\n"
         "        elif epoch - best_epoch >= patience:\n"
         "            return best_epoch, epoch - 1\n"
         "    return best_epoch, len(val_losses) - 1\n"),
     "loses": [_ES], "message": "stop epoch is off by one"},
    {"cell": "early_stopping", "name": "returns a numpy array",
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    losses = np.asarray(val_losses, dtype=float)\n"
         "    best_epoch, best_loss = 0, losses[0]\n"
         "    for epoch in range(1, len(losses)):\n"
         "        if losses[epoch] < best_loss:\n"
         "            best_epoch, best_loss = epoch, losses[epoch]\n"
         "        elif epoch - best_epoch >= patience:\n"
         "            return np.array([best_epoch, epoch])\n"
         "    return np.array([best_epoch, len(losses) - 1])\n"),
     "loses": [_ES], "message": "not a numpy array"},

    # ------------------------------------------------------------ sharpe_ratio
    {"cell": "sharpe_ratio", "name": "population standard deviation (ddof=0)",
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    if np.ptp(r) == 0:\n"
         "        return 0.0\n"
         "    return float(r.mean() / r.std() * np.sqrt(252))\n"),
     "loses": [_SR], "message": "ddof=1"},
    {"cell": "sharpe_ratio", "name": "not annualised",
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    if np.ptp(r) == 0:\n"
         "        return 0.0\n"
         "    return float(r.mean() / r.std(ddof=1))\n"),
     "loses": [_SR], "message": "not annualised"},
    {"cell": "sharpe_ratio", "name": "annualised with 252 instead of sqrt(252)",
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    if np.ptp(r) == 0:\n"
         "        return 0.0\n"
         "    return float(r.mean() / r.std(ddof=1) * 252)\n"),
     "loses": [_SR], "message": "not 252"},
    {"cell": "sharpe_ratio", "name": "no zero-risk guard",
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    return float(r.mean() / r.std(ddof=1) * np.sqrt(252))\n"),
     "loses": [_SR], "message": "values are all equal"},
    {"cell": "sharpe_ratio", "name": "returns a (1,) array instead of a float",
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float).reshape(1, -1)\n"
         "    if np.ptp(r) == 0:\n"
         "        return np.zeros(1)\n"
         "    return r.mean(axis=1) / r.std(axis=1, ddof=1) * np.sqrt(252)\n"),
     "loses": [_SR], "message": "single number"},
    {"cell": "sharpe_ratio", "name": "r.ptp() (gone in numpy 2), called by best_of_n_sharpe",
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    if r.ptp() == 0:\n"
         "        return 0.0\n"
         "    return float(r.mean() / r.std(ddof=1) * np.sqrt(252))\n"),
     "also": {"best_of_n_sharpe": _BEST_BY_ROWS},
     "loses": [_SR], "message": "raised AttributeError"},

    # ------------------------------------------------------------ best_of_n_sharpe
    {"cell": "best_of_n_sharpe", "name": "chooses by out-of-sample Sharpe (look-ahead)",
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_out)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "look-ahead"},
    {"cell": "best_of_n_sharpe", "name": "chooses the largest |Sharpe|",
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(np.abs(sr_in))), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "largest in absolute value"},
    {"cell": "best_of_n_sharpe", "name": "chooses the lowest Sharpe",
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmin(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "LOWEST in-sample"},
    {"cell": "best_of_n_sharpe", "name": "ddof=0",
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "ddof=1"},
    {"cell": "best_of_n_sharpe", "name": "in and out of sample swapped",
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, split_day:], pnl[:, :split_day]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "swapped"},
    {"cell": "best_of_n_sharpe", "name": "Sharpe of the asset instead of the strategy P&L",
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = np.tile(returns, (positions.shape[0], 1))\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "positions * returns"},
    {"cell": "best_of_n_sharpe", "name": "split day counted in sample",
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day + 1], pnl[:, split_day + 1:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "off by one"},
    {"cell": "best_of_n_sharpe", "name": "not annualised",
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "not annualised"},
    {"cell": "best_of_n_sharpe", "name": "own crash: returns[:, None], sharpe_ratio right",
     "source": _BEST_BY_ROWS.replace("positions * returns", "positions * returns[:, None]"),
     "loses": [_BEST], "message": "raised ValueError"},
]

LOOK_AHEAD = ["shuffled split (look-ahead)", "chooses by out-of-sample Sharpe (look-ahead)",
              "in and out of sample swapped", "best epoch from the whole curve (look-ahead)"]
"""Mutants that must lose every point of their part (look-ahead is the lecture's cardinal sin)."""
