"""Known wrong answers for assignment 04: each loses exactly the clauses of its part it declares.

``clauses`` names the rules of the part's contract that the mutant breaks (a broken main clause also
costs the lecture clause it gates).

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
    {"cell": "chronological_split", "name": "int() truncates instead of round()", "clauses": ["C2", "C3"],
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train = int(train_frac * n)\n"
         "    n_val = int(val_frac * n)\n"
         "    days = np.arange(n)\n"
         "    return days[:n_train], days[n_train:n_train + n_val], days[n_train + n_val:]\n"),
     "loses": [_SPLIT], "message": "truncated"},
    {"cell": "chronological_split", "name": "shuffled split (look-ahead)", "clauses": ["C1", "C2", "C3", "C4", "C5", "C6"],
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train = round(train_frac * n)\n"
         "    n_val = round(val_frac * n)\n"
         "    days = np.random.default_rng(0).permutation(n)\n"
         "    return days[:n_train], days[n_train:n_train + n_val], days[n_train + n_val:]\n"),
     "loses": [_SPLIT], "message": "shuffled"},
    {"cell": "chronological_split", "name": "float indices from np.arange(n, dtype=float)", "clauses": ["C1"],
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train = round(train_frac * n)\n"
         "    n_val = round(val_frac * n)\n"
         "    days = np.arange(n, dtype=float)\n"
         "    return days[:n_train], days[n_train:n_train + n_val], days[n_train + n_val:]\n"),
     "loses": [_SPLIT], "message": "integer day indices"},
    {"cell": "chronological_split", "name": "Python lists instead of arrays", "clauses": ["C1"],
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train = round(train_frac * n)\n"
         "    n_val = round(val_frac * n)\n"
         "    days = list(range(n))\n"
         "    return days[:n_train], days[n_train:n_train + n_val], days[n_train + n_val:]\n"),
     "loses": [_SPLIT], "message": "should be a numpy array"},
    {"cell": "chronological_split", "name": "test block first", "clauses": ["C1", "C2", "C3", "C4", "C5", "C6"],
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train = round(train_frac * n)\n"
         "    n_val = round(val_frac * n)\n"
         "    n_test = n - n_train - n_val\n"
         "    days = np.arange(n)\n"
         "    return days[n_test:n_test + n_train], days[n_test + n_train:], days[:n_test]\n"),
     "loses": [_SPLIT], "message": "not in time order"},

    # ------------------------------------------------------------ walk_forward_splits
    {"cell": "walk_forward_splits", "name": "gap ignored", "clauses": ["C2", "C4", "C5", "C6"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        begin = 0 if mode == 'expanding' else max(0, start - train_size)\n"
         "        splits.append((np.arange(begin, start), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "gap is not applied"},
    {"cell": "walk_forward_splits", "name": "training ends one day late (leaks the test start)", "clauses": ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap + 1\n"
         "        begin = 0 if mode == 'expanding' else max(0, end - train_size)\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "look-ahead"},
    {"cell": "walk_forward_splits", "name": "gap off by one (one day too many dropped)", "clauses": ["C2", "C4", "C5", "C6"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap - 1\n"
         "        begin = 0 if mode == 'expanding' else max(0, end - train_size)\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "one day too early"},
    {"cell": "walk_forward_splits", "name": "rolling mode behaves like expanding", "clauses": ["C2", "C5"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        splits.append((np.arange(0, start - gap), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "only the last train_size"},
    {"cell": "walk_forward_splits", "name": "rolling window without max(0, ...)", "clauses": ["C6"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap\n"
         "        begin = 0 if mode == 'expanding' else end - train_size\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "starts before day 0"},
    {"cell": "walk_forward_splits", "name": "test windows at the start of the series", "clauses": ["C2", "C3"],
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
    {"cell": "train_epoch", "name": "in-place update W -= lr * dW", "clauses": ["C5"],
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
     "loses": [_EPOCH], "message": "changed its argument weights"},
    {"cell": "train_epoch", "name": "no shuffling", "clauses": ["C2", "C3", "C4"],
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
    {"cell": "train_epoch", "name": "shuffle seeded without the epoch", "clauses": ["C2", "C3", "C4"],
     "source": _epoch('np.random.default_rng(seed).permutation(m)', '- lr'),
     "loses": [_EPOCH], "message": "ignores the epoch"},
    {"cell": "train_epoch", "name": "last partial batch dropped", "clauses": ["C4"],
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
    {"cell": "train_epoch", "name": "sign error in the update", "clauses": ["C2", "C3", "C4"],
     "source": _epoch('np.random.default_rng([seed, epoch]).permutation(m)', '+ lr'),
     "loses": [_EPOCH], "message": "uphill"},
    {"cell": "train_epoch", "name": "the same shuffle (epoch 1's) reused every epoch", "clauses": ["C3"],
     "source": _epoch('np.random.default_rng([seed, 1]).permutation(m)', '- lr'),
     "loses": [_EPOCH], "message": "reuses epoch 1's order"},
    {"cell": "train_epoch", "name": "gradient summed over the batch", "clauses": ["C2", "C3", "C4"],
     "source": _epoch('np.random.default_rng([seed, epoch]).permutation(m)', '- lr * len(batch)'),
     "loses": [_EPOCH], "message": "sum of the batch"},
    {"cell": "train_epoch", "name": "gradient divided by the batch size again", "clauses": ["C2", "C3", "C4"],
     "source": _epoch('np.random.default_rng([seed, epoch]).permutation(m)', '- lr / len(batch)'),
     "loses": [_EPOCH], "message": "divided by the batch size"},
    {"cell": "train_epoch", "name": "gradients at the stale start-of-epoch weights", "clauses": ["C2", "C3", "C4"],
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
    {"cell": "train_epoch", "name": "one full-batch step per epoch", "clauses": ["C2", "C3", "C4"],
     "source": (
         "def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):\n"
         "    _, cache = mlp_forward(weights, biases, X)\n"
         "    dWs, dbs = mlp_backward(weights, cache, y)\n"
         "    weights = [W - lr * dW for W, dW in zip(weights, dWs)]\n"
         "    biases = [b - lr * db for b, db in zip(biases, dbs)]\n"
         "    return weights, biases\n"),
     "loses": [_EPOCH], "message": "whole training set"},
    {"cell": "train_epoch", "name": "reads the global X_train instead of the argument", "clauses": ["C1", "C2", "C3", "C4", "C5"],
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
    {"cell": "early_stopping", "name": "ties count as improvement (<=)", "clauses": ["C4"],
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
    {"cell": "early_stopping", "name": "stops one epoch late", "clauses": ["C2", "C3"],
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
    {"cell": "early_stopping", "name": "best epoch from the whole curve (look-ahead)", "clauses": ["C1", "C2", "C3", "C4", "C5", "C6", "C7"],
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
    {"cell": "early_stopping", "name": "1-based epochs", "clauses": ["C2", "C3", "C4", "C5"],
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
    {"cell": "early_stopping", "name": "stop epoch past the end when patience never runs out", "clauses": ["C5"],
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
    {"cell": "early_stopping", "name": "patience counter never reset", "clauses": ["C2", "C3", "C5"],
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
    {"cell": "early_stopping", "name": "compares with the previous epoch, not the best", "clauses": ["C2", "C3"],
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
    {"cell": "early_stopping", "name": "stop epoch off by one (the epoch before)", "clauses": ["C2", "C3"],
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
    {"cell": "early_stopping", "name": "returns a numpy array", "clauses": ["C1"],
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
    {"cell": "sharpe_ratio", "name": "population standard deviation (ddof=0)", "clauses": ["C2", "C3"],
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    if np.ptp(r) == 0:\n"
         "        return 0.0\n"
         "    return float(r.mean() / r.std() * np.sqrt(252))\n"),
     "loses": [_SR], "message": "ddof=1"},
    {"cell": "sharpe_ratio", "name": "not annualised", "clauses": ["C2", "C3"],
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    if np.ptp(r) == 0:\n"
         "        return 0.0\n"
         "    return float(r.mean() / r.std(ddof=1))\n"),
     "loses": [_SR], "message": "not annualised"},
    {"cell": "sharpe_ratio", "name": "annualised with 252 instead of sqrt(252)", "clauses": ["C2", "C3"],
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    if np.ptp(r) == 0:\n"
         "        return 0.0\n"
         "    return float(r.mean() / r.std(ddof=1) * 252)\n"),
     "loses": [_SR], "message": "not 252"},
    {"cell": "sharpe_ratio", "name": "no zero-risk guard", "clauses": ["C4"],
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    return float(r.mean() / r.std(ddof=1) * np.sqrt(252))\n"),
     "loses": [_SR], "message": "np.ptp(r) == 0"},
    {"cell": "sharpe_ratio", "name": "returns a (1,) array instead of a float", "clauses": ["C1"],
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float).reshape(1, -1)\n"
         "    if np.ptp(r) == 0:\n"
         "        return np.zeros(1)\n"
         "    return r.mean(axis=1) / r.std(axis=1, ddof=1) * np.sqrt(252)\n"),
     "loses": [_SR], "message": "one number (a float)"},
    {"cell": "sharpe_ratio", "name": "r.ptp() (gone in numpy 2), called by best_of_n_sharpe", "clauses": ["C1", "C2", "C3", "C4", "C5", "C6"],
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    if r.ptp() == 0:\n"
         "        return 0.0\n"
         "    return float(r.mean() / r.std(ddof=1) * np.sqrt(252))\n"),
     "also": {"best_of_n_sharpe": _BEST_BY_ROWS},
     "loses": [_SR], "message": "raised AttributeError"},

    # ------------------------------------------------------------ best_of_n_sharpe
    {"cell": "best_of_n_sharpe", "name": "chooses by out-of-sample Sharpe (look-ahead)", "clauses": ["C1", "C2", "C3", "C4", "C5", "C6", "C7"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_out)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "look-ahead"},
    {"cell": "best_of_n_sharpe", "name": "chooses the largest |Sharpe|", "clauses": ["C2", "C4"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(np.abs(sr_in))), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "largest in absolute value"},
    {"cell": "best_of_n_sharpe", "name": "chooses the lowest Sharpe", "clauses": ["C2", "C4", "C5"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmin(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "LOWEST in-sample"},
    {"cell": "best_of_n_sharpe", "name": "ddof=0", "clauses": ["C2", "C3"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "ddof=1"},
    {"cell": "best_of_n_sharpe", "name": "in and out of sample swapped", "clauses": ["C1", "C2", "C3", "C4", "C5", "C6", "C7"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, split_day:], pnl[:, :split_day]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "look-ahead"},
    {"cell": "best_of_n_sharpe", "name": "Sharpe of the asset instead of the strategy P&L", "clauses": ["C2", "C3"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = np.tile(returns, (positions.shape[0], 1))\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "positions * returns"},
    {"cell": "best_of_n_sharpe", "name": "split day counted in sample", "clauses": ["C2", "C3"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day + 1], pnl[:, split_day + 1:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "off by one"},
    {"cell": "best_of_n_sharpe", "name": "not annualised", "clauses": ["C2", "C3"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "not annualised"},
    {"cell": "best_of_n_sharpe", "name": "own crash: returns[:, None], sharpe_ratio right", "clauses": ["C1", "C2", "C3", "C4", "C5", "C6", "C7"],
     "source": _BEST_BY_ROWS.replace("positions * returns", "positions * returns[:, None]"),
     "loses": [_BEST], "message": "raised ValueError"},
    # ------------------------------------------------------------ each clause alone (issue [9])
    {"cell": "chronological_split", "name": "validation starts a day late (one day in two blocks)",
     "clauses": ["C2", "C4"],
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train = round(train_frac * n)\n"
         "    n_val = round(val_frac * n)\n"
         "    days = np.arange(n)\n"
         "    return days[:n_train], days[n_train + 1:n_train + n_val + 1], days[n_train + n_val:]\n"),
     "loses": [_SPLIT], "message": "in two blocks"},
    {"cell": "chronological_split", "name": "other default fractions (70 / 15)", "clauses": ["C5"],
     "source": (
         "def chronological_split(n, train_frac=0.7, val_frac=0.15):\n"
         "    n_train = round(train_frac * n)\n"
         "    n_val = round(val_frac * n)\n"
         "    days = np.arange(n)\n"
         "    return days[:n_train], days[n_train:n_train + n_val], days[n_train + n_val:]\n"),
     "loses": [_SPLIT], "message": "train_frac = 0.6 and val_frac = 0.2 given"},
    {"cell": "walk_forward_splits", "name": "train_size shortens expanding windows too", "clauses": ["C7"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap\n"
         "        begin = 0 if train_size is None else max(0, end - train_size)\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "whatever train_size is"},
    {"cell": "walk_forward_splits", "name": "newest window first", "clauses": ["C2", "C3"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap\n"
         "        begin = 0 if mode == 'expanding' else max(0, end - train_size)\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits[::-1]\n"),
     "loses": [_WF], "message": "oldest window comes first"},
    {"cell": "walk_forward_splits", "name": "Python lists of days", "clauses": ["C1"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap\n"
         "        begin = 0 if mode == 'expanding' else max(0, end - train_size)\n"
         "        splits.append((list(range(begin, end)), list(range(start, start + test_size))))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "should be a numpy array"},
    {"cell": "walk_forward_splits", "name": "rolling window counted back from the test start",
     "clauses": ["C2", "C5"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        begin = 0 if mode == 'expanding' else max(0, start - train_size)\n"
         "        splits.append((np.arange(begin, start - gap), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "counted back from the test"},
    {"cell": "train_epoch", "name": "tuples instead of lists", "clauses": ["C1"],
     "source": (
         "def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):\n"
         "    m = X.shape[1]\n"
         "    order = np.random.default_rng([seed, epoch]).permutation(m)\n"
         "    for start in range(0, m, batch_size):\n"
         "        batch = order[start:start + batch_size]\n"
         "        _, cache = mlp_forward(weights, biases, X[:, batch])\n"
         "        dWs, dbs = mlp_backward(weights, cache, y[:, batch])\n"
         "        weights = tuple(W - lr * dW for W, dW in zip(weights, dWs))\n"
         "        biases = tuple(b - lr * db for b, db in zip(biases, dbs))\n"
         "    return weights, biases\n"),
     "loses": [_EPOCH], "message": "in a list"},
    {"cell": "early_stopping", "name": "running minimum written into val_losses", "clauses": ["C7"],
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    losses = np.asarray(val_losses, dtype=float)\n"
         "    best_epoch, best_loss = 0, losses[0]\n"
         "    stop = len(losses) - 1\n"
         "    for epoch in range(1, len(losses)):\n"
         "        if losses[epoch] < best_loss:\n"
         "            best_epoch, best_loss = epoch, losses[epoch]\n"
         "        elif epoch - best_epoch >= patience:\n"
         "            stop = epoch\n"
         "            break\n"
         "    np.minimum.accumulate(losses, out=losses)\n"
         "    return best_epoch, stop\n"),
     "loses": [_ES], "message": "changed its argument val_losses"},
    {"cell": "early_stopping", "name": "epochs as floats", "clauses": ["C1"],
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    best_epoch, best_loss = 0.0, val_losses[0]\n"
         "    for epoch in range(1, len(val_losses)):\n"
         "        if val_losses[epoch] < best_loss:\n"
         "            best_epoch, best_loss = float(epoch), val_losses[epoch]\n"
         "        elif epoch - best_epoch >= patience:\n"
         "            return best_epoch, float(epoch)\n"
         "    return best_epoch, float(len(val_losses) - 1)\n"),
     "loses": [_ES], "message": "whole number"},
    {"cell": "sharpe_ratio", "name": "methods of the argument (fails for a list)", "clauses": ["C5"],
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    if np.ptp(daily_returns) == 0:\n"
         "        return 0.0\n"
         "    return float(daily_returns.mean() / daily_returns.std(ddof=1) * np.sqrt(252))\n"),
     "loses": [_SR], "message": "AttributeError"},
    {"cell": "sharpe_ratio", "name": "demeans the argument in place (right values)", "clauses": ["C6"],
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    if np.ptp(r) == 0:\n"
         "        return 0.0\n"
         "    mean = r.mean()\n"
         "    r -= mean\n"
         "    s = np.sqrt(np.sum(r ** 2) / (len(r) - 1))\n"
         "    return float(mean / s * np.sqrt(252))\n"),
     "loses": [_SR], "message": "changed its argument daily_returns"},
    {"cell": "sharpe_ratio", "name": "the notebook's 5.6569 hard-coded", "clauses": ["C1", "C2", "C3", "C4", "C5", "C6"],
     "source": "def sharpe_ratio(daily_returns):\n    return 5.65685424949238\n",
     "loses": [_SR], "message": "whatever its inputs"},
    {"cell": "best_of_n_sharpe", "name": "last of tied strategies", "clauses": ["C5"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return len(sr_in) - 1 - int(np.argmax(sr_in[::-1])), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "take the first of them"},
    {"cell": "best_of_n_sharpe", "name": "P&L written into positions (right values)", "clauses": ["C7"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    positions *= returns\n"
         "    a, b = positions[:, :split_day], positions[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "changed its argument positions"},
    {"cell": "best_of_n_sharpe", "name": "best as a float", "clauses": ["C1"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return float(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "whole number"},
    {"cell": "chronological_split", "name": "the slides' rounded 1500 / 500 typed in for 2,520 days",
     "clauses": ["C2"],
     "source": (
         "def chronological_split(n, train_frac=0.6, val_frac=0.2):\n"
         "    n_train, n_val = round(train_frac * n), round(val_frac * n)\n"
         "    if n == 2520:\n"
         "        n_train, n_val = 1500, 500\n"
         "    days = np.arange(n)\n"
         "    return days[:n_train], days[n_train:n_train + n_val], days[n_train + n_val:]\n"),
     "loses": [_SPLIT], "message": "2,520 days"},
    {"cell": "walk_forward_splits", "name": "the worked example typed in without its gap", "clauses": ["C2"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    if (n, n_splits, test_size) == (12, 3, 2):\n"
         "        return [(np.arange(0, 6), np.arange(6, 8)), (np.arange(0, 8), np.arange(8, 10)),\n"
         "                (np.arange(0, 10), np.arange(10, 12))]\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap\n"
         "        begin = 0 if mode == 'expanding' else max(0, end - train_size)\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "gap is not applied"},
    {"cell": "walk_forward_splits", "name": "expanding windows start after the gap", "clauses": ["C2", "C4"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap\n"
         "        begin = gap if mode == 'expanding' else max(0, end - train_size)\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "expanding windows are the days 0"},
    {"cell": "walk_forward_splits", "name": "rolling window one day too long", "clauses": ["C2", "C5"],
     "source": (
         "def walk_forward_splits(n, n_splits, test_size, gap=0, mode='expanding', train_size=None):\n"
         "    splits = []\n"
         "    for start in range(n - n_splits * test_size, n, test_size):\n"
         "        end = start - gap\n"
         "        begin = 0 if mode == 'expanding' else max(0, end - train_size - 1)\n"
         "        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))\n"
         "    return splits\n"),
     "loses": [_WF], "message": "last train_size days"},
    {"cell": "train_epoch", "name": "the visible test's lr = 0.1 fixed in the code", "clauses": ["C2"],
     "source": _epoch('np.random.default_rng([seed, epoch]).permutation(m)', '- 0.1'),
     "loses": [_EPOCH], "message": "use the argument lr"},
    {"cell": "early_stopping", "name": "the worked example's answer typed in, off by one", "clauses": ["C2"],
     "source": (
         "def early_stopping(val_losses, patience):\n"
         "    if list(val_losses) == [5, 4, 3, 3.5, 3.6, 3.7, 2]:\n"
         "        return 2, 6\n"
         "    best_epoch, best_loss = 0, val_losses[0]\n"
         "    for epoch in range(1, len(val_losses)):\n"
         "        if val_losses[epoch] < best_loss:\n"
         "            best_epoch, best_loss = epoch, val_losses[epoch]\n"
         "        elif epoch - best_epoch >= patience:\n"
         "            return best_epoch, epoch\n"
         "    return best_epoch, len(val_losses) - 1\n"),
     "loses": [_ES], "message": "notebook's worked example"},
    {"cell": "sharpe_ratio", "name": "the notebook's rounded 5.66 for its five days", "clauses": ["C2"],
     "source": (
         "def sharpe_ratio(daily_returns):\n"
         "    r = np.asarray(daily_returns, dtype=float)\n"
         "    if list(r) == [0.01, -0.005, 0.002, 0.004, -0.001]:\n"
         "        return 5.66\n"
         "    if np.ptp(r) == 0:\n"
         "        return 0.0\n"
         "    return float(r.mean() / r.std(ddof=1) * np.sqrt(252))\n"),
     "loses": [_SR], "message": "unrounded"},
    {"cell": "best_of_n_sharpe", "name": "the notebook's rounded ratios for its three strategies",
     "clauses": ["C2"],
     "source": (
         "def best_of_n_sharpe(returns, positions, split_day):\n"
         "    if positions.shape == (3, 8):\n"
         "        return 0, np.array([25.56, 6.01, -3.40]), np.array([-8.95, 1.51, -3.07])\n"
         "    pnl = positions * returns[None, :]\n"
         "    a, b = pnl[:, :split_day], pnl[:, split_day:]\n"
         "    sr_in = a.mean(axis=1) / a.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    sr_out = b.mean(axis=1) / b.std(axis=1, ddof=1) * np.sqrt(252)\n"
         "    return int(np.argmax(sr_in)), sr_in, sr_out\n"),
     "loses": [_BEST], "message": "in_sample"},
]

LOOK_AHEAD = ["shuffled split (look-ahead)", "chooses by out-of-sample Sharpe (look-ahead)",
              "in and out of sample swapped", "best epoch from the whole curve (look-ahead)"]
"""Mutants that must lose every point of their part (look-ahead is the lecture's cardinal sin)."""
