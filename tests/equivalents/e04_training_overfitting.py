"""Right answers for 04_training_overfitting in other styles: each must get full marks on every part.

Lists turned into arrays, np.split, explicit window formulas, while loops, numpy running
minima, the statistics module, and an answer that calls the student's own sharpe_ratio.
"""

ASSIGNMENT = "04_training_overfitting"

EQUIVALENTS = [
    # ------------------------------------------------------------ chronological_split
    {"cell": "chronological_split", "name": "np.split at the two borders", "source": '''
def chronological_split(n, train_frac=0.6, val_frac=0.2):
    n_train, n_val = round(train_frac * n), round(val_frac * n)
    train, val, test = np.split(np.arange(n), [n_train, n_train + n_val])
    return train, val, test
'''},
    {"cell": "chronological_split", "name": "Python ranges turned into int arrays", "source": '''
def chronological_split(n, train_frac=0.6, val_frac=0.2):
    n_train = int(round(n * train_frac))
    n_val = int(round(n * val_frac))
    blocks = (range(0, n_train), range(n_train, n_train + n_val), range(n_train + n_val, n))
    return tuple(np.array(list(block), dtype=int) for block in blocks)
'''},
    # ------------------------------------------------------------ walk_forward_splits
    {"cell": "walk_forward_splits", "name": "window formula s_k = n - (K - k) T", "source": '''
def walk_forward_splits(n, n_splits, test_size, gap=0, mode="expanding", train_size=None):
    if mode not in ("expanding", "rolling"):
        raise ValueError("unknown mode")
    out = []
    for k in range(n_splits):
        s = n - (n_splits - k) * test_size
        end = s - gap
        begin = max(0, end - train_size) if mode == "rolling" else 0
        out.append((np.arange(begin, end), np.arange(s, s + test_size)))
    return out
'''},
    {"cell": "walk_forward_splits", "name": "list comprehension over np.arange(n)", "source": '''
def walk_forward_splits(n, n_splits, test_size, gap=0, mode="expanding", train_size=None):
    days = np.arange(n)
    starts = [n - (n_splits - k) * test_size for k in range(n_splits)]

    def train(s):
        first = 0 if mode == "expanding" else max(0, s - gap - train_size)
        return days[first:s - gap]

    return [(train(s), days[s:s + test_size]) for s in starts]
'''},
    # ------------------------------------------------------------ train_epoch
    {"cell": "train_epoch", "name": "while loop with an explicit end", "source": '''
def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):
    m = X.shape[1]
    order = np.random.default_rng([seed, epoch]).permutation(m)
    new_ws, new_bs = list(weights), list(biases)
    start = 0
    while start < m:
        batch = order[start:min(start + batch_size, m)]
        _, cache = mlp_forward(new_ws, new_bs, X[:, batch])
        dWs, dbs = mlp_backward(new_ws, cache, y[:, batch])
        for l in range(len(new_ws)):
            new_ws[l] = new_ws[l] - lr * dWs[l]
            new_bs[l] = new_bs[l] - lr * dbs[l]
        start += batch_size
    return new_ws, new_bs
'''},
    {"cell": "train_epoch", "name": "batches from np.array_split at multiples of B, tuples", "source": '''
def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):
    m = X.shape[1]
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(m)
    batches = np.split(order, np.arange(batch_size, m, batch_size))
    ws, bs = tuple(weights), tuple(biases)
    for batch in batches:
        _, cache = mlp_forward(list(ws), list(bs), X[:, batch])
        dWs, dbs = mlp_backward(list(ws), cache, y[:, batch])
        ws = tuple(W - lr * dW for W, dW in zip(ws, dWs))
        bs = tuple(b - lr * db for b, db in zip(bs, dbs))
    return list(ws), list(bs)
'''},
    # ------------------------------------------------------------ early_stopping
    {"cell": "early_stopping", "name": "numpy running minimum", "source": '''
def early_stopping(val_losses, patience):
    losses = np.asarray(val_losses, dtype=float)
    earlier_best = np.concatenate([[np.inf], np.minimum.accumulate(losses)[:-1]])
    improved = np.flatnonzero(losses < earlier_best)          # epoch 0 always improves
    best = 0
    for epoch in range(len(losses)):
        if epoch in improved:
            best = epoch
        elif epoch - best >= patience:
            return int(best), int(epoch)
    return int(best), len(losses) - 1
'''},
    {"cell": "early_stopping", "name": "counter that resets, plain lists", "source": '''
def early_stopping(val_losses, patience):
    best_epoch, best_loss, waited = 0, val_losses[0], 0
    for epoch, loss in enumerate(val_losses):
        if epoch == 0:
            continue
        if loss < best_loss:
            best_epoch, best_loss, waited = epoch, loss, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1
'''},
    # ------------------------------------------------------------ sharpe_ratio
    {"cell": "sharpe_ratio", "name": "statistics module", "source": '''
import statistics

def sharpe_ratio(daily_returns):
    r = [float(v) for v in daily_returns]
    if max(r) == min(r):
        return 0.0
    return statistics.mean(r) / statistics.stdev(r) * math.sqrt(TRADING_DAYS)
'''},
    {"cell": "sharpe_ratio", "name": "sums written out, numpy float64", "source": '''
def sharpe_ratio(daily_returns):
    r = np.asarray(daily_returns, dtype=float)
    T = r.size
    mean = r.sum() / T
    var = ((r - mean) ** 2).sum() / (T - 1)
    if np.all(r == r[0]):
        return np.float64(0.0)
    return mean / np.sqrt(var) * np.sqrt(252.0)
'''},
    # ------------------------------------------------------------ best_of_n_sharpe
    {"cell": "best_of_n_sharpe", "name": "calls the student's sharpe_ratio row by row", "source": '''
def best_of_n_sharpe(returns, positions, split_day):
    pnl = positions * returns
    in_sample = np.array([sharpe_ratio(row[:split_day]) for row in pnl])
    out_of_sample = np.array([sharpe_ratio(row[split_day:]) for row in pnl])
    return int(np.argmax(in_sample)), in_sample, out_of_sample
'''},
    {"cell": "best_of_n_sharpe", "name": "loops with math, first of the ties", "source": '''
def best_of_n_sharpe(returns, positions, split_day):
    def sr(values):
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
        return mean / sd * math.sqrt(252)

    n_strategies, n_days = positions.shape
    sr_in, sr_out = np.zeros(n_strategies), np.zeros(n_strategies)
    for j in range(n_strategies):
        pnl = [positions[j, t] * returns[t] for t in range(n_days)]
        sr_in[j], sr_out[j] = sr(pnl[:split_day]), sr(pnl[split_day:])
    best = 0
    for j in range(1, n_strategies):
        if sr_in[j] > sr_in[best]:
            best = j
    return best, sr_in, sr_out
'''},
    # ------------------------------------------------------------ more styles (issue [9])
    {"cell": "chronological_split", "name": "np.rint and numpy int sizes", "source": '''
def chronological_split(n, train_frac=0.6, val_frac=0.2):
    n_train = np.rint(train_frac * n).astype(np.int64)
    n_val = np.rint(val_frac * n).astype(np.int64)
    idx = np.arange(n, dtype=np.int64)
    return idx[:n_train], idx[n_train:n_train + n_val], idx[n_train + n_val:]
'''},
    {"cell": "walk_forward_splits", "name": "while loop, train_size dropped explicitly in expanding mode", "source": '''
def walk_forward_splits(n, n_splits, test_size, gap=0, mode="expanding", train_size=None):
    if mode == "expanding":
        train_size = None
    elif mode != "rolling" or train_size is None:
        raise ValueError("rolling mode needs a train_size")
    splits, start = [], n - n_splits * test_size
    while start < n:
        stop = start - gap
        first = 0 if train_size is None else max(0, stop - train_size)
        splits.append((np.array(list(range(first, stop)), dtype=int),
                       np.array(list(range(start, start + test_size)), dtype=int)))
        start += test_size
    return splits
'''},
    {"cell": "train_epoch", "name": "own step helper and np.take for the batch columns", "source": '''
def _step(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads)]


def train_epoch(weights, biases, X, y, lr, batch_size, seed, epoch):
    m = X.shape[1]
    order = np.random.default_rng([seed, epoch]).permutation(m)
    ws, bs = [W.copy() for W in weights], [b.copy() for b in biases]
    n_batches = -(-m // batch_size)
    for k in range(n_batches):
        batch = order[k * batch_size:(k + 1) * batch_size]
        _, cache = mlp_forward(ws, bs, np.take(X, batch, axis=1))
        dWs, dbs = mlp_backward(ws, cache, np.take(y, batch, axis=1))
        ws, bs = _step(ws, dWs, lr), _step(bs, dbs, lr)
    return ws, bs
'''},
    {"cell": "early_stopping", "name": "stop first, then np.argmin of the epochs up to it (numpy ints)", "source": '''
def early_stopping(val_losses, patience):
    losses = np.array(val_losses, dtype=float)
    stop, best_loss, best = len(losses) - 1, np.inf, 0
    for epoch, loss in enumerate(losses):
        if loss < best_loss:
            best_loss, best = loss, epoch
        if epoch - best >= patience:
            stop = epoch
            break
    return np.argmin(losses[:stop + 1]), np.int64(stop)
'''},
    {"cell": "sharpe_ratio", "name": "np.mean / np.std on whatever it is given, tolerance guard", "source": '''
def sharpe_ratio(daily_returns):
    sd = np.std(daily_returns, ddof=1)
    if np.ptp(daily_returns) == 0 or sd < 1e-15:
        return 0.0
    return np.mean(daily_returns) / sd * np.sqrt(TRADING_DAYS)
'''},
    {"cell": "best_of_n_sharpe", "name": "einsum P&L and max(range, key=...) for the first of the ties", "source": '''
def best_of_n_sharpe(returns, positions, split_day):
    pnl = np.einsum("jt,t->jt", positions, returns)
    def ratios(block):
        return block.mean(axis=1) / block.std(axis=1, ddof=1) * math.sqrt(252)
    in_sample, out_of_sample = ratios(pnl[:, :split_day]), ratios(pnl[:, split_day:])
    best = max(range(len(in_sample)), key=lambda j: in_sample[j])
    return best, in_sample, out_of_sample
'''},
]
