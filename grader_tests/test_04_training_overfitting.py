"""Hidden checks for assignment 04: honest splits, mini-batch training, early stopping and
the multiple-testing trap.

Every expected value comes from the reference package (splits, training/backprop,
early_stopping, trading, multiple_testing). The usual mistakes are recomputed here by
replaying the reference logic with that one mistake, so the feedback can name it; a
mistake is named only when it alone explains the student's answer. Look-ahead (a
shuffled split, choosing a strategy on out-of-sample results) costs the whole part:
every check of that part tests for it.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnfin.grading.checks.expect import (
    CheckFailed,
    call_when,
    carried_note,
    close_to,
    differs,
    expect_array,
    expect_close,
    expect_float,
    expect_named,
    try_helper,
)
from nnfin.reference import backprop, training
from nnfin.reference import early_stopping as ref_es
from nnfin.reference import multiple_testing as ref_mt
from nnfin.reference import splits as ref_splits
from nnfin.reference import trading as ref_trading

ASSIGNMENT = "04_training_overfitting"

ACTS = {"hidden_activation": "tanh", "output_activation": "linear"}
YEAR = 252


def _type(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    return type(value).__name__


# ------------------------------------------------------------ index arrays (parts 1, 2)


def _expect_index_array(value: object, what: str) -> np.ndarray:
    """A 1-D numpy array of integer day indices."""
    if isinstance(value, (list, tuple)):
        raise CheckFailed(f"{what} is a Python {type(value).__name__}; return a numpy array of "
                          "day indices (np.arange(...) or a slice of it).")
    if not isinstance(value, np.ndarray):
        raise CheckFailed(f"{what} should be a numpy array of day indices, got {_type(value)}.")
    if value.dtype.kind != "i":
        raise CheckFailed(f"{what} has dtype {value.dtype}, but day indices must be integers "
                          "(np.arange(n) gives integers; a float array cannot index the data).")
    if value.ndim != 1:
        raise CheckFailed(f"{what} should be a 1-D array of day indices, got shape {value.shape}.")
    return value


def _draw_split_case(rng: np.random.Generator, force_round_up: bool = False):
    """(n, train_frac, val_frac) away from exact .5 ties (where rounding conventions differ)."""
    while True:
        n = int(rng.integers(20, 400))
        train_frac = float(rng.uniform(0.55, 0.8))
        val_frac = float(rng.uniform(0.08, 0.19))
        parts = [(f * n) % 1.0 for f in (train_frac, val_frac)]
        if any(abs(p - 0.5) < 1e-6 for p in parts):
            continue
        if force_round_up and not all(p > 0.5 for p in parts):
            continue  # round() and int() disagree on both blocks
        if train_frac + val_frac < 0.95:
            return n, train_frac, val_frac


LOOK_AHEAD_SPLIT = ("chronological_split: the days are not in time order. It looks like they were "
                    "shuffled or the blocks swapped: with market data the training block must be "
                    "the first days, then validation, then test (a shuffled split trains on the "
                    "future, which is look-ahead and costs the whole part).")


def _no_look_ahead(blocks: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """Every day of a later block comes after every day of an earlier one, each block in order."""
    joined = np.concatenate(blocks)
    if joined.size > 1 and np.any(np.diff(joined) < 0):
        raise CheckFailed(LOOK_AHEAD_SPLIT)
    return blocks


def _expect_three_blocks(out: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not isinstance(out, tuple) or len(out) != 3:
        raise CheckFailed("chronological_split should return a tuple of three arrays "
                          f"(train_idx, val_idx, test_idx), but it returned {_type(out)}"
                          + (f" of length {len(out)}." if isinstance(out, (list, tuple)) else "."))
    names = ("train_idx", "val_idx", "test_idx")
    return _no_look_ahead(tuple(_expect_index_array(part, f"chronological_split(...): {name}")
                                for part, name in zip(out, names, strict=True)))


@pytest.mark.grade("test_chronological_split", points=1)
def test_chronological_split_returns_three_integer_blocks(student, rng):
    n, train_frac, val_frac = _draw_split_case(rng)
    blocks = _expect_three_blocks(call_when(student, "chronological_split", n, train_frac, val_frac,
                                              when="for a series of several hundred days"))
    if sum(len(b) for b in blocks) != n:
        raise CheckFailed("chronological_split: the three blocks together must contain every day "
                          "exactly once (their lengths must add up to n).")


@pytest.mark.grade("test_chronological_split", points=1)
def test_chronological_split_block_sizes_are_rounded(student, rng):
    for force in (True, False, False):
        n, train_frac, val_frac = _draw_split_case(rng, force_round_up=force)
        blocks = _expect_three_blocks(call_when(student, "chronological_split", n, train_frac, val_frac,
                                              when="for a series of several hundred days"))
        got = [len(b) for b in blocks]
        want = [len(b) for b in ref_splits.chronological_split(n, train_frac, val_frac)]
        if got == want:
            continue
        n_tr, n_va = int(train_frac * n), int(val_frac * n)
        if got == [n_tr, n_va, n - n_tr - n_va]:
            raise CheckFailed("chronological_split: the block sizes are truncated: int(0.6 * n) "
                              "cuts off the decimals. Use round(train_frac * n) and "
                              "round(val_frac * n), as the docstring says.")
        raise CheckFailed("chronological_split: the block sizes are not round(train_frac * n), "
                          "round(val_frac * n) and the rest for the test block.")


@pytest.mark.grade("test_chronological_split", points=2)
def test_chronological_split_keeps_time_order(student, rng):
    for _ in range(3):
        n, train_frac, val_frac = _draw_split_case(rng)
        got = _expect_three_blocks(call_when(student, "chronological_split", n, train_frac, val_frac,
                                              when="for a series of several hundred days"))
        want = ref_splits.chronological_split(n, train_frac, val_frac)
        if all(np.array_equal(g, w) for g, w in zip(got, want, strict=True)):
            continue
        raise CheckFailed("chronological_split: the blocks should be consecutive days: training = "
                          "days 0 .. n_train-1, validation = the next n_val days, test = the rest, "
                          "with no day left out or used twice.")


# -------------------------------------------------------------------- walk-forward


def _wf_variant(n, n_splits, test_size, gap, mode, train_size, mistake):
    """The reference construction with one deliberate mistake."""
    splits = []
    for start in range(n - n_splits * test_size, n, test_size):
        end = start - gap
        if mistake == "no_gap":
            end = start
        elif mistake == "one_too_many":
            end = start - gap + 1
        elif mistake == "one_too_few":
            end = start - gap - 1
        if mode == "rolling" and mistake != "rolling_ignored":
            if mistake == "no_max":
                begin = end - train_size
            elif mistake == "window_from_test_start":
                begin = max(0, start - train_size)
            else:
                begin = max(0, end - train_size)
        else:
            begin = 0
        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))
    return splits


WF_MISTAKES = {
    "no_gap": "The gap is not applied: drop the `gap` days just before each test window from "
              "training (training ends at s_k - gap, exclusive).",
    "one_too_many": "Training ends one day too late: it must stop before s_k - gap "
                    "(np.arange(start, s_k - gap) excludes its end), otherwise the model trains "
                    "on days it should not see.",
    "one_too_few": "Training ends one day too early: the gap is exactly `gap` days, so training "
                   "covers the days up to s_k - gap - 1 (np.arange(begin, s_k - gap)).",
    "rolling_ignored": "In mode='rolling' the training window must keep only the last train_size "
                       "days before s_k - gap; here it still starts at day 0 (expanding).",
    "no_max": "A rolling window cannot start before day 0: when fewer than train_size days are "
              "available, start at max(0, s_k - gap - train_size).",
    "window_from_test_start": "The rolling window holds train_size days ending at s_k - gap; it "
                              "looks like it was counted back from the test window's start.",
}


def _expect_splits(value: object, n_splits: int) -> list[tuple[np.ndarray, np.ndarray]]:
    what = "walk_forward_splits(...)"
    if not isinstance(value, (list, tuple)):
        raise CheckFailed(f"{what} should return a list of (train_idx, test_idx) tuples, "
                          f"got {_type(value)}.")
    if len(value) != n_splits:
        raise CheckFailed(f"{what} should return one (train_idx, test_idx) pair per test window, "
                          "i.e. n_splits pairs; the number of pairs is wrong.")
    pairs = []
    for k, pair in enumerate(value):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise CheckFailed(f"{what}: element {k} should be a tuple (train_idx, test_idx), "
                              f"got {_type(pair)}.")
        pairs.append((_expect_index_array(pair[0], f"{what}: train_idx of split {k}"),
                      _expect_index_array(pair[1], f"{what}: test_idx of split {k}")))
    return pairs


def _same_splits(a, b) -> bool:
    return len(a) == len(b) and all(
        np.array_equal(ta, tb) and np.array_equal(sa, sb) for (ta, sa), (tb, sb) in zip(a, b, strict=True))


LOOK_AHEAD_TRAIN = ("walk_forward_splits trains on days of (or after) its own test window. That "
                    "is look-ahead, which costs the whole part: training must end before "
                    "s_k - gap, and the test days come after it.")


def _no_training_on_the_test(pairs: list[tuple[np.ndarray, np.ndarray]]) -> None:
    for train_idx, test_idx in pairs:
        if len(train_idx) and len(test_idx) and train_idx.max() >= test_idx.min():
            raise CheckFailed(LOOK_AHEAD_TRAIN, "look-ahead: trains on the test window")


def _check_walk_forward(student, n, n_splits, test_size, gap, mode, train_size, mistakes):
    kwargs = {"gap": gap, "mode": mode}
    if mode == "rolling":
        kwargs["train_size"] = train_size
    got = _expect_splits(call_when(student, "walk_forward_splits", n, n_splits, test_size,
                                   when=f"in mode={mode!r}", **kwargs), n_splits)
    _no_training_on_the_test(got)
    want = ref_splits.walk_forward_splits(n, n_splits, test_size, gap=gap, mode=mode,
                                          train_size=train_size)
    if _same_splits(got, want):
        return
    if not all(np.array_equal(g[1], w[1]) for g, w in zip(got, want, strict=True)):
        raise CheckFailed("walk_forward_splits: the test windows are wrong. They should be the "
                          "last n_splits * test_size days, cut into consecutive blocks of "
                          "test_size days, oldest first (window k starts at n - (K - k) * T); "
                          "the gap only shortens the training data.")
    for mistake in mistakes:
        if _same_splits(got, _wf_variant(n, n_splits, test_size, gap, mode, train_size, mistake)):
            raise CheckFailed(f"walk_forward_splits: {WF_MISTAKES[mistake]}")
    raise CheckFailed(f"walk_forward_splits: the training windows are wrong in mode={mode!r}: "
                      "expanding windows are days 0 .. s_k - gap - 1, rolling windows the last "
                      "train_size of those days.")


@pytest.mark.grade("test_walk_forward_splits", points=1)
def test_walk_forward_expanding_without_gap(student, rng):
    n_splits, test_size = int(rng.integers(3, 7)), int(rng.integers(5, 30))
    n = n_splits * test_size + int(rng.integers(10, 80))
    _check_walk_forward(student, n, n_splits, test_size, 0, "expanding", None,
                        ["one_too_many", "one_too_few"])


@pytest.mark.grade("test_walk_forward_splits", points=2)
def test_walk_forward_expanding_with_gap(student, rng):
    for _ in range(2):
        n_splits, test_size, gap = int(rng.integers(2, 6)), int(rng.integers(4, 25)), int(rng.integers(1, 6))
        n = n_splits * test_size + gap + int(rng.integers(10, 60))
        _check_walk_forward(student, n, n_splits, test_size, gap, "expanding", None,
                            ["no_gap", "one_too_many", "one_too_few"])


@pytest.mark.grade("test_walk_forward_splits", points=2)
def test_walk_forward_rolling_windows(student, rng):
    for short_start in (False, True):
        n_splits, test_size, gap = int(rng.integers(3, 6)), int(rng.integers(4, 20)), int(rng.integers(1, 4))
        first_train_end = int(rng.integers(15, 50))
        n = n_splits * test_size + gap + first_train_end
        if short_start:   # the first windows have fewer than train_size days available
            train_size = first_train_end + int(rng.integers(2, test_size + 2))
        else:
            train_size = int(rng.integers(5, first_train_end))
        _check_walk_forward(student, n, n_splits, test_size, gap, "rolling", train_size,
                            ["rolling_ignored", "no_max", "window_from_test_start",
                             "no_gap", "one_too_many", "one_too_few"])


@pytest.mark.grade("test_walk_forward_splits", points=1)
def test_walk_forward_never_trains_on_the_future(student, rng):
    for mode in ("expanding", "rolling"):
        n_splits, test_size, gap = int(rng.integers(2, 6)), int(rng.integers(3, 20)), int(rng.integers(0, 5))
        n = n_splits * test_size + gap + int(rng.integers(20, 60))
        kwargs = {"gap": gap, "mode": mode}
        if mode == "rolling":
            kwargs["train_size"] = int(rng.integers(5, 20))
        pairs = _expect_splits(call_when(student, "walk_forward_splits", n, n_splits, test_size,
                                         when=f"in mode={mode!r}", **kwargs), n_splits)
        _no_training_on_the_test(pairs)
        for train_idx, test_idx in pairs:
            if len(train_idx) == 0 or len(test_idx) == 0:
                raise CheckFailed("walk_forward_splits: every split needs at least one training "
                                  "day and one test day.")
            if train_idx.max() >= test_idx.min() - gap:
                raise CheckFailed("walk_forward_splits: some training day is not at least `gap` "
                                  "days before its test window. That is look-ahead: the model "
                                  "would be trained on (or right next to) the days it is tested on.")


# ------------------------------------------------------------------- train_epoch


def _epoch_case(rng: np.random.Generator, n_hidden_layers: int):
    n_in = int(rng.integers(3, 6))
    hidden = [int(rng.integers(4, 8)) for _ in range(n_hidden_layers)]
    sizes = [n_in, *hidden, 1]
    batch_size = int(rng.integers(4, 9))
    m = int(rng.integers(22, 40))
    if m % batch_size == 0:
        m += 1  # a shorter last batch must be part of the epoch
    weights, _ = backprop.init_params(sizes, seed=int(rng.integers(1 << 30)))
    biases = [rng.normal(0.0, 0.2, size=(k, 1)) for k in sizes[1:]]
    X = rng.normal(size=(n_in, m))
    y = 0.5 * rng.normal(size=(1, m))
    lr = float(rng.uniform(0.05, 0.2))
    seed, epoch = int(rng.integers(1 << 30)), int(rng.integers(1, 30))
    return sizes, weights, biases, X, y, lr, batch_size, seed, epoch


def _ref_epoch(weights, biases, X, y, lr, batch_size, seed, epoch, mistake=None):
    """One epoch of the reference training loop (train_mlp), optionally with one mistake."""
    m = X.shape[1]
    order = np.random.default_rng([seed, epoch]).permutation(m)
    if mistake == "no_shuffle":
        order = np.arange(m)
    elif mistake == "seed_only":
        order = np.random.default_rng(seed).permutation(m)
    elif mistake == "first_epoch_order":
        order = np.random.default_rng([seed, 1]).permutation(m)
    if mistake == "full_batch":
        batch_size = m
    stop = m - m % batch_size if mistake == "drop_last" else m
    ws0, bs0 = weights, biases
    ws, bs = weights, biases
    for start in range(0, stop, batch_size):
        batch = order[start:start + batch_size]
        at_w, at_b = (ws0, bs0) if mistake == "stale" else (ws, bs)
        _, dWs, dbs = backprop.loss_and_gradients(at_w, at_b, X[:, batch], y[:, batch], **ACTS)
        step = -lr if mistake == "sign" else lr
        if mistake == "summed":
            step = lr * len(batch)
        elif mistake == "divided":
            step = lr / len(batch)
        ws, bs = backprop.sgd_update(ws, bs, dWs, dbs, step)
    return ws, bs


EPOCH_MISTAKES = {
    "sign": "The weights move uphill: the update is W <- W - lr * dW (minus, not plus).",
    "no_shuffle": "The examples are visited in their original order: shuffle them with "
                  "order = np.random.default_rng([seed, epoch]).permutation(m).",
    "seed_only": "The shuffle ignores the epoch: use np.random.default_rng([seed, epoch]) so that "
                 "every epoch gets a new order (default_rng(seed) gives the same order every epoch).",
    "drop_last": "The last, shorter batch of the epoch is skipped: loop with "
                 "range(0, m, batch_size) so that every example is used once per epoch.",
    "full_batch": "It looks like one step on the whole training set: an epoch makes one update "
                  "per mini-batch of batch_size examples.",
    "first_epoch_order": "Every epoch reuses one shuffle: the order must be drawn anew for each "
                         "epoch with np.random.default_rng([seed, epoch]).permutation(m).",
    "summed": "The step uses the sum of the batch's gradients: backward() already returns the "
              "batch MEAN, so update with lr * dW, without multiplying by the batch size.",
    "divided": "The step is divided by the batch size: backward() already returns the batch mean, "
               "so update with lr * dW, without dividing again.",
    "stale": "Every batch's gradient is computed at the weights from the start of the epoch: "
             "the next batch must use the weights just updated by the previous batch.",
}


EPOCH_FALLBACK = ("train_epoch's new parameters do not match one epoch of mini-batch gradient "
                  "descent: batches order[0:B], order[B:2B], ... of order = "
                  "np.random.default_rng([seed, epoch]).permutation(m), each updating the weights "
                  "with W - lr * dW before the next batch.")
EPOCH_HINTS = {"is not defined": "It uses a name that a fresh notebook does not define: use the "
                                 "arguments X and y (and forward/backward), not global variables."}


def _call_epoch(student, *args):
    return call_when(student, "train_epoch", *args, when="on an epoch of mini-batches",
                     hints=EPOCH_HINTS)


def _expect_params(out: object, sizes: list[int]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    what = "train_epoch(...)"
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise CheckFailed(f"{what} should return a tuple (new_weights, new_biases), got {_type(out)}.")
    new_ws, new_bs = out
    n_layers = len(sizes) - 1
    for name, value in (("new_weights", new_ws), ("new_biases", new_bs)):
        if not isinstance(value, (list, tuple)) or len(value) != n_layers:
            raise CheckFailed(f"{what}: {name} should be a list with one array per layer "
                              f"(as many as in the input), got {_type(value)}"
                              + (f" of length {len(value)}." if isinstance(value, (list, tuple)) else "."))
    ws = [expect_array(W, (k_out, k_in), f"{what}: new_weights[{i}]")
          for i, (W, k_in, k_out) in enumerate(zip(new_ws, sizes[:-1], sizes[1:], strict=True))]
    bs = [expect_array(b, (k, 1), f"{what}: new_biases[{i}]")
          for i, (b, k) in enumerate(zip(new_bs, sizes[1:], strict=True))]
    return ws, bs


def _flat(ws, bs) -> np.ndarray:
    return np.concatenate([np.ravel(a) for a in [*ws, *bs]])


@pytest.mark.grade("test_train_epoch", points=2)
def test_train_epoch_returns_new_parameter_lists(student, rng):
    sizes, ws, bs, X, y, lr, batch_size, seed, epoch = _epoch_case(rng, 1)
    out = _call_epoch(student, ws, bs, X, y, lr, batch_size, seed, epoch)
    new_ws, new_bs = _expect_params(out, sizes)
    if np.allclose(_flat(new_ws, new_bs), _flat(ws, bs), rtol=0.0, atol=1e-12):
        raise CheckFailed("train_epoch returned the weights unchanged: apply the update "
                          "W <- W - lr * dW for every batch and return the new lists.")
    again = _expect_params(_call_epoch(student, ws, bs, X, y, lr, batch_size, seed, epoch), sizes)
    if not np.array_equal(_flat(*again), _flat(new_ws, new_bs)):
        raise CheckFailed("train_epoch is not deterministic: the same seed and epoch must give "
                          "exactly the same result (use np.random.default_rng([seed, epoch]), "
                          "not np.random.shuffle or the global random state).")


@pytest.mark.grade("test_train_epoch", points=3)
def test_train_epoch_matches_the_reference_epoch(student, rng):
    for n_hidden_layers in (1, 2):
        sizes, ws, bs, X, y, lr, batch_size, seed, epoch = _epoch_case(rng, n_hidden_layers)
        got = _flat(*_expect_params(
            _call_epoch(student, ws, bs, X, y, lr, batch_size, seed, epoch), sizes))
        want = _flat(*_ref_epoch(ws, bs, X, y, lr, batch_size, seed, epoch))
        mistakes = {msg: _flat(*_ref_epoch(ws, bs, X, y, lr, batch_size, seed, epoch, mistake=key))
                    for key, msg in EPOCH_MISTAKES.items()}
        expect_named(got, want, "the new parameters returned by train_epoch", mistakes,
                     fallback=EPOCH_FALLBACK)


@pytest.mark.grade("test_train_epoch", points=3)
def test_train_epoch_reproduces_the_reference_training_curve(student, rng):
    """Epoch after epoch from init_params, the training loss must equal train_mlp's curve."""
    n_in, m = int(rng.integers(3, 6)), int(rng.integers(30, 50))
    sizes = [n_in, int(rng.integers(5, 9)), 1]
    batch_size = int(rng.integers(5, 9))
    lr, seed, n_epochs = float(rng.uniform(0.05, 0.15)), int(rng.integers(1 << 30)), 3
    X_rows = rng.normal(size=(m, n_in))
    y = 0.3 * X_rows[:, 0] + 0.5 * rng.normal(size=m)
    reference = training.train_mlp(X_rows, y, X_rows[:5], y[:5], sizes, lr, n_epochs, batch_size,
                                   seed=seed, patience=None, **ACTS)
    X, Y = X_rows.T.copy(), y.reshape(1, -1)
    ws, bs = backprop.init_params(sizes, seed=seed)
    variants = {key: (ws, bs) for key in EPOCH_MISTAKES}
    got_curve, wrong_curves = [], {key: [] for key in EPOCH_MISTAKES}
    for epoch in range(1, n_epochs + 1):
        ws, bs = _expect_params(
            _call_epoch(student, ws, bs, X, Y, lr, batch_size, seed, epoch), sizes)
        got_curve.append(backprop.network_loss(ws, bs, X, Y, **ACTS))
        for key in EPOCH_MISTAKES:
            variants[key] = _ref_epoch(*variants[key], X, Y, lr, batch_size, seed, epoch, mistake=key)
            wrong_curves[key].append(backprop.network_loss(*variants[key], X, Y, **ACTS))
    expect_named(np.array(got_curve), reference["train_loss"][1:],
                 "the training loss after several epochs of train_epoch",
                 {EPOCH_MISTAKES[k]: v for k, v in wrong_curves.items()},
                 fallback="After several epochs of train_epoch the training loss differs from the "
                          "expected one: " + EPOCH_FALLBACK)


# ---------------------------------------------------------------- early stopping


def _es_variant(losses, patience, mistake):
    """Early stopping replayed with one deliberate mistake."""
    losses = np.asarray(losses, dtype=float)
    if mistake == "global_argmin":
        _, stop = ref_es.early_stopping(losses, patience)
        return int(np.argmin(losses)), stop
    if mistake == "one_based":
        best, stop = ref_es.early_stopping(losses, patience)
        return best + 1, stop + 1
    if mistake == "stop_minus_one":
        best, stop = ref_es.early_stopping(losses, patience)
        return best, stop - 1 if stop - best == patience else stop
    if mistake == "no_reset":
        best, best_loss, waited = 0, losses[0], 0
        for epoch in range(1, len(losses)):
            if losses[epoch] < best_loss:
                best, best_loss = epoch, losses[epoch]
            else:
                waited += 1
                if waited >= patience:
                    return best, epoch
        return best, len(losses) - 1
    best, best_loss = 0, losses[0]
    limit = {"late": patience + 1, "early": patience - 1}.get(mistake, patience)
    for epoch in range(1, len(losses)):
        if mistake == "ties":
            improved = losses[epoch] <= best_loss
        elif mistake == "previous":
            improved = losses[epoch] < losses[epoch - 1]
        else:
            improved = losses[epoch] < best_loss
        if improved:
            best, best_loss = epoch, losses[epoch]
        elif epoch - best >= limit:
            return best, epoch
    return best, len(losses) if mistake == "past_end" else len(losses) - 1


ES_MISTAKES = {
    "global_argmin": "The best epoch is taken from the whole curve, including epochs after the "
                     "stop that were never run: that is look-ahead (it costs the whole part); "
                     "choose the best among the epochs up to the stop.",
    "one_based": "The epochs look 1-based: epoch 0 is the first entry of val_losses.",
    "late": "Training stops one epoch too late: stop at the first epoch that is exactly "
            "`patience` epochs after the best one (epoch - best_epoch >= patience).",
    "ties": "A tie counts as an improvement here: only a loss strictly below the best so far "
            "improves (use <, not <=), so the earliest best epoch is kept.",
    "early": "Training stops one epoch too early: stop at the first epoch that is exactly "
             "`patience` epochs after the best one, not one before.",
    "stop_minus_one": "The stop epoch is off by one: it is best_epoch + patience (the first epoch "
                      "that is `patience` epochs after the best), not the epoch before it.",
    "no_reset": "The patience counter is never reset: after an improvement the count of epochs "
                "without improvement starts again from zero (stop when epoch - best_epoch >= "
                "patience).",
    "previous": "Each epoch is compared with the previous epoch instead of the best loss so far: an "
                "epoch improves only if its loss is below every earlier loss.",
    "past_end": "When the patience never runs out, the stop epoch is the last epoch of the curve, "
                "len(val_losses) - 1 (0-based), not len(val_losses).",
}


def _u_curve(rng: np.random.Generator, length: int) -> np.ndarray:
    e = np.arange(length)
    bottom = float(rng.uniform(0.3, 0.6)) * length
    curve = 1.0 + 0.002 * (e - bottom) ** 2 / length + 0.01 * rng.normal(size=length)
    return np.round(curve, 3)


def _expect_two_ints(out: object) -> np.ndarray:
    if isinstance(out, np.ndarray):
        raise CheckFailed("early_stopping should return a tuple of two ints (best_epoch, "
                          "stop_epoch), not a numpy array: return best_epoch, stop_epoch.")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise CheckFailed("early_stopping should return a tuple (best_epoch, stop_epoch), "
                          f"got {_type(out)}.")
    for name, value in zip(("best_epoch", "stop_epoch"), out, strict=True):
        if isinstance(value, bool) or not isinstance(value, int):
            raise CheckFailed(f"early_stopping: {name} should be an int (an epoch index), got "
                              f"{_type(value)}: use int(...).")
    return np.array(out, dtype=float)


def _check_early_stopping(student, losses, patience):
    got = _expect_two_ints(call_when(student, "early_stopping", losses, patience,
                                     when="on a validation curve of several epochs"))
    want = np.array(ref_es.early_stopping(losses, patience), dtype=float)
    mistakes = {msg: np.array(_es_variant(losses, patience, key), dtype=float)
                for key, msg in ES_MISTAKES.items()}
    wrong = [name for name, g, w in zip(("best_epoch", "stop_epoch"), got, want, strict=True) if g != w]
    expect_named(got, want, "early_stopping(val_losses, patience)", mistakes, rtol=0.0,
                 fallback=f"early_stopping(val_losses, patience): {' and '.join(wrong)} "
                          f"{'is' if len(wrong) == 1 else 'are'} not right (best epoch = the "
                          "earliest lowest loss up to the stop; stop = the first epoch `patience` "
                          "epochs after the best, or the last epoch).")


@pytest.mark.grade("test_early_stopping", points=1)
def test_early_stopping_returns_two_ints(student, rng):
    curve = [float(v) for v in _u_curve(rng, int(rng.integers(25, 45)))]
    curve[-1] = min(curve) - 0.05   # a later, lower loss that early stopping never reaches
    patience = int(rng.integers(2, 6))
    best, stop = _expect_two_ints(call_when(student, "early_stopping", curve, patience,
                                            when="on a validation curve given as a list"))
    if best > stop:   # a best epoch after its own stop: one that was never run, the future
        raise CheckFailed("early_stopping(val_losses, patience) is not right. "
                          + ES_MISTAKES["global_argmin"], "look-ahead: best epoch after the stop")


@pytest.mark.grade("test_early_stopping", points=2)
def test_early_stopping_on_noisy_validation_curves(student, rng):
    # hand-made curves on which each usual mistake gives its own answer
    _check_early_stopping(student, [3.0, 2.5, 2.6, 2.7, 2.0, 2.1, 2.2, 1.0], 3)
    _check_early_stopping(student, [3.0, 2.0, 2.5, 2.6, 1.0, 1.5, 1.6, 1.7, 1.8], 3)
    _check_early_stopping(student, [3.0, 2.0, 2.5, 2.2, 2.4, 2.3, 2.6, 2.7], 3)
    for _ in range(4):
        length = int(rng.integers(30, 60))
        curve = _u_curve(rng, length)
        curve[-1] = curve.min() - 0.05   # a later, lower loss that early stopping never reaches
        patience = int(rng.integers(2, 7))
        _check_early_stopping(student, curve, patience)


@pytest.mark.grade("test_early_stopping", points=2)
def test_early_stopping_ties_and_curves_that_never_stop(student, rng):
    # plateaus: exact ties with the best loss so far
    length = int(rng.integers(12, 25))
    k = int(rng.integers(2, 5))
    plateau = np.concatenate([np.linspace(2.0, 1.0, k), np.full(length - k, 1.0)])
    _check_early_stopping(student, [float(v) for v in plateau], int(rng.integers(2, 5)))
    tie_then_fall = np.array([3.0, 2.0, 2.5, 2.0, 2.0, 1.0, 1.5, 1.6, 1.7, 1.8])
    _check_early_stopping(student, tie_then_fall, 3)
    # a curve that improves every epoch never stops
    falling = np.cumsum(-rng.uniform(0.01, 0.1, size=int(rng.integers(8, 20)))) + 2.0
    _check_early_stopping(student, falling, int(rng.integers(2, 5)))
    # a curve whose last improvement comes just before the end
    late = np.concatenate([_u_curve(rng, 12)[:6], [0.5, 0.6, 0.7]])
    _check_early_stopping(student, late, 5)


# ------------------------------------------------------------------ Sharpe ratio


def _daily_returns(rng: np.random.Generator, size) -> np.ndarray:
    return float(rng.uniform(-0.001, 0.002)) + 0.01 * rng.standard_t(5, size=size)


def _sharpe_mistakes(r: np.ndarray) -> dict[str, float]:
    mean, s1, s0 = r.mean(), r.std(ddof=1), r.std(ddof=0)
    return {
        "The standard deviation should be the sample one, np.std(r, ddof=1) (divide by T - 1).":
            mean / s0 * np.sqrt(YEAR),
        "The ratio is not annualised: multiply the daily mean / std by sqrt(252).": mean / s1,
        "Annualise with sqrt(252), not 252: the mean grows like T, the standard deviation like "
        "sqrt(T).": mean / s1 * YEAR,
        "It looks like the mean is divided by the variance; divide by the standard deviation.":
            mean / s1**2 * np.sqrt(YEAR),
    }


@pytest.mark.grade("test_sharpe_ratio", points=1)
def test_sharpe_ratio_returns_a_float(student, rng):
    r = _daily_returns(rng, int(rng.integers(30, 300)))
    expect_float(student.call("sharpe_ratio", r), "sharpe_ratio(daily_returns)")


@pytest.mark.grade("test_sharpe_ratio", points=2)
def test_sharpe_ratio_matches_reference(student, rng):
    for _ in range(3):
        r = _daily_returns(rng, int(rng.integers(20, 500)))
        got = expect_float(student.call("sharpe_ratio", r), "sharpe_ratio(daily_returns)")
        expect_close(got, ref_trading.sharpe_ratio(r), "sharpe_ratio(daily_returns)",
                     mistakes=_sharpe_mistakes(r))


@pytest.mark.grade("test_sharpe_ratio", points=1)
def test_sharpe_ratio_of_a_riskless_series_is_zero(student, rng):
    for value in (float(rng.uniform(0.0001, 0.003)), 0.1, 0.0):
        r = np.full(int(rng.integers(5, 60)), value)
        got = expect_float(student.call("sharpe_ratio", r), "sharpe_ratio(daily_returns)")
        if got != ref_trading.sharpe_ratio(r):
            raise CheckFailed("sharpe_ratio: a series whose values are all equal has no risk; "
                              "return 0.0 for it (test np.ptp(r) == 0 before dividing: rounding "
                              "can make np.std a tiny non-zero number).")


# ------------------------------------------------------------- best of N strategies


def _best_of_n_case(rng: np.random.Generator):
    n_days = int(rng.integers(200, 600))
    n_strategies = int(rng.integers(20, 80))
    split_frac = float(rng.uniform(0.3, 0.7))
    seed = int(rng.integers(1 << 30))
    returns = _daily_returns(rng, n_days)
    positions = ref_mt.random_strategies(n_strategies, n_days, seed)
    want = ref_mt.best_of_n(returns, n_strategies, split_frac, seed)
    return returns, positions, want


def _carried_sharpe(student, returns, positions, split, sr_in, sr_out, want) -> bool:
    """True (with a note) when both arrays are the student's own sharpe_ratio of each row."""
    if not (differs(sr_in, want["in_sample_sharpe"]) or differs(sr_out, want["out_of_sample_sharpe"])):
        return False
    pnl = positions * returns[None, :]
    for got, block in ((sr_in, pnl[:, :split]), (sr_out, pnl[:, split:])):
        for value, row in zip(got, block, strict=True):   # stops at the first row that differs
            answer = try_helper(student, "sharpe_ratio", row)
            own = answer[0] if answer is not None else None
            if isinstance(own, np.ndarray) and own.size == 1:
                own = own.reshape(())
            if isinstance(own, bool) or not isinstance(own, (int, float, np.ndarray)) \
                    or not close_to(value, own):
                return False
    carried_note("best_of_n_sharpe()", "sharpe_ratio()")
    return True


def _sr_rows(pnl: np.ndarray, ddof: int = 1, scale: float = np.sqrt(YEAR)) -> np.ndarray:
    return pnl.mean(axis=1) / pnl.std(axis=1, ddof=ddof) * scale


def _best_of_n_mistakes(returns, positions, split, which):
    pnl = positions * returns[None, :]
    good = {"in": _sr_rows(pnl[:, :split]), "out": _sr_rows(pnl[:, split:])}
    other = "out" if which == "in" else "in"
    asset = np.tile(returns[None, :], (positions.shape[0], 1))
    shifted = {"in": _sr_rows(pnl[:, :split + 1]), "out": _sr_rows(pnl[:, split + 1:])}
    pick = (slice(None, split), slice(split, None))[which == "out"]
    return {
        "The daily P&L of a strategy is positions * returns (position of the day times the "
        "asset's return); it looks like the asset's own returns were used.":
            _sr_rows(asset[:, pick]),
        "The standard deviation should be the sample one (ddof=1).":
            _sr_rows(pnl[:, pick], ddof=0),
        "The Sharpe ratios are not annualised: multiply by sqrt(252).":
            _sr_rows(pnl[:, pick], scale=1.0),
        "Annualise with sqrt(252), not 252.": _sr_rows(pnl[:, pick], scale=YEAR),
        "In sample and out of sample are swapped: in sample = days before split_day.":
            good[other],
        "The split is off by one day: in sample = days 0 .. split_day-1 (pnl[:, :split_day]), "
        "out of sample = days split_day .. end.": shifted[which],
    }


LOOK_AHEAD_CHOICE = ("best_of_n_sharpe chose the strategy with the best OUT-OF-SAMPLE Sharpe ratio. "
                     "That is look-ahead: when you pick a strategy you only know the in-sample "
                     "period, so choose by in-sample Sharpe (look-ahead costs the whole part).")


def _check_choice(best: int, want: dict) -> None:
    """The index must be the in-sample winner; each wrong choice is named only where it is unique."""
    sr_in, sr_out = want["in_sample_sharpe"], want["out_of_sample_sharpe"]
    if best == want["best"]:
        return
    if best == int(np.argmax(sr_out)):
        raise CheckFailed(LOOK_AHEAD_CHOICE)
    if best == int(np.argmin(sr_in)):
        if int(np.argmax(np.abs(sr_in))) == best:
            raise CheckFailed("best_of_n_sharpe chose the strategy whose in-sample Sharpe ratio is "
                              "the most negative, i.e. the largest in absolute value: a negative "
                              "Sharpe ratio is a losing strategy. Choose the highest Sharpe "
                              "ratio, int(np.argmax(in_sample)), not the largest |Sharpe| or the "
                              "lowest one.")
        raise CheckFailed("best_of_n_sharpe chose the strategy with the LOWEST in-sample Sharpe "
                          "ratio: use np.argmax.")
    raise CheckFailed("best_of_n_sharpe: best should be the index of the highest in-sample "
                      "Sharpe ratio (int(np.argmax(in_sample))).")


def _expect_best_of_n(out: object, n_strategies: int):
    what = "best_of_n_sharpe(...)"
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise CheckFailed(f"{what} should return a tuple (best, in_sample, out_of_sample), "
                          f"got {_type(out)}.")
    best, sr_in, sr_out = out
    if isinstance(best, bool) or not isinstance(best, int):
        raise CheckFailed(f"{what}: best should be an int index, got {_type(best)}: "
                          "use int(np.argmax(...)).")
    sr_in = expect_array(sr_in, (n_strategies,), f"{what}: in_sample")
    sr_out = expect_array(sr_out, (n_strategies,), f"{what}: out_of_sample")
    return best, sr_in, sr_out


def _call_best(student, returns, positions, split):
    """The student's answer; a crash is carried forward to a sharpe_ratio that raises the same."""
    first_in_sample = positions[0, :split] * returns[:split]
    return _expect_best_of_n(call_when(student, "best_of_n_sharpe", returns, positions, split,
                                       when="for several strategies on a few hundred days",
                                       helpers=(("sharpe_ratio", (first_in_sample,)),)),
                             positions.shape[0])


def _look_ahead_case(rng: np.random.Generator):
    """A case where the in-sample and the out-of-sample winner are different strategies."""
    while True:
        returns, positions, want = _best_of_n_case(rng)
        if int(np.argmax(want["out_of_sample_sharpe"])) != want["best"]:
            return returns, positions, want


@pytest.mark.grade("test_best_of_n_sharpe", points=1)
def test_best_of_n_sharpe_return_types(student, rng):
    returns, positions, want = _look_ahead_case(rng)
    best, _, _ = _call_best(student, returns, positions, want["split_day"])
    if best == int(np.argmax(want["out_of_sample_sharpe"])):
        raise CheckFailed(LOOK_AHEAD_CHOICE)


@pytest.mark.grade("test_best_of_n_sharpe", points=2)
def test_best_of_n_sharpe_ratios_match_reference(student, rng):
    for _ in range(2):
        returns, positions, want = _best_of_n_case(rng)
        split = want["split_day"]
        best, sr_in, sr_out = _call_best(student, returns, positions, split)
        if not _carried_sharpe(student, returns, positions, split, sr_in, sr_out, want):
            expect_named(sr_in, want["in_sample_sharpe"], "best_of_n_sharpe(...): in_sample",
                         _best_of_n_mistakes(returns, positions, split, "in"))
            expect_named(sr_out, want["out_of_sample_sharpe"], "best_of_n_sharpe(...): out_of_sample",
                         _best_of_n_mistakes(returns, positions, split, "out"))
        if best == int(np.argmax(want["out_of_sample_sharpe"])) != want["best"]:
            raise CheckFailed(LOOK_AHEAD_CHOICE)


@pytest.mark.grade("test_best_of_n_sharpe", points=2)
def test_best_of_n_sharpe_picks_the_in_sample_winner(student, rng):
    # first the highest Sharpe ratio larger than the most negative one in absolute value, then
    # the other way round: lowest, largest |Sharpe| and look-ahead each pick their own index
    for largest_positive in (True, False, True):
        while True:
            returns, positions, want = _look_ahead_case(rng)
            sr_in = want["in_sample_sharpe"]
            if (sr_in.max() > -sr_in.min()) == largest_positive \
                    and int(np.argmin(sr_in)) != int(np.argmax(want["out_of_sample_sharpe"])):
                break
        best, _, _ = _call_best(student, returns, positions, want["split_day"])
        _check_choice(best, want)
