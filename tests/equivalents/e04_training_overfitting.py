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
]
