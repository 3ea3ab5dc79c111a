"""Hidden checks of assignment 04_training_overfitting: each part's contract, clause by clause.

Every part below is the numbered contract of one function of
source/04_training_overfitting/training_overfitting.ipynb (the same clauses its
docstring states), with the fixed cases that test each clause and the known
mistakes its messages name. The expected values all come from nnfin.reference
(splits, training, early_stopping, trading, multiple_testing); the only literal
numbers are the notebook's worked examples. nnfin/grading/checks/contract.py runs
them and splits each part's points over its clauses by the course's one rubric.

Look-ahead (a shuffled split, training on the test days, a best epoch that was
never run, choosing a strategy by its out-of-sample results) is the lecture's
cardinal sin: each part that can commit it has one rule marked ``whole_part``,
whose breach costs every rule of the part. Rules that would let one mistake spill
over are judged against the student's own answer: a split's block contents from
its own block sizes, a training window from its own test window, the choice of
the best strategy from its own in-sample ratios.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from nnfin.grading.checks.contract import (
    LECTURE,
    MAIN,
    RULE,
    TYPE,
    UNCHANGED,
    Answer,
    Broken,
    Case,
    Check,
    Clause,
    Part,
    Uncomparable,
    agrees,
    like_its_twin,
    pytest_tests,
    same_values,
    type_problem,
)
from nnfin.grading.checks.expect import mistake_label
from nnfin.grading.engine.session import StudentError
from nnfin.reference import backprop, training
from nnfin.reference import early_stopping as ref_es
from nnfin.reference import multiple_testing as ref_mt
from nnfin.reference import splits as ref_splits
from nnfin.reference import trading as ref_trading

ASSIGNMENT = "04_training_overfitting"

# Fixed hidden inputs: drawn once from a constant seed, so every student meets the same cases.
_RNG = np.random.default_rng(20261204)

Mistakes = Callable[..., Iterable[tuple[str, Any]]]
YEAR = 252
ACTS = {"hidden_activation": "tanh", "output_activation": "linear"}


# ------------------------------------------------------------------ shared checks


def _int_problem(got: object, want: object, where: str = "") -> str | None:
    """Why the array ``got`` holds no integer day indices where ``want`` (the reference) does, or None."""
    if want.dtype.kind in "iu" and isinstance(got, np.ndarray) and got.dtype.kind not in "iu":
        return (f"should hold integer day indices{where}, not values of dtype {got.dtype} "
                "(np.arange(n) gives integers; a float array cannot index the data)")
    return None


def _index_problem(got: object, want: object, labels: tuple = (), where: str = "") -> str | None:
    """Why ``got`` lacks the structure of ``want`` with 1-D integer arrays where it has index arrays
    (of any length: how many days a block holds is a value rule's business), or None. ``labels``
    name the items level by level ("train_idx", or "split {}" filled with the item's number)."""
    at = f" ({where})" if where else ""
    if isinstance(want, np.ndarray):
        if not isinstance(got, np.ndarray):
            return type_problem(got, want, at.strip())
        if got.ndim != 1:
            return f"should be a 1-D array of day indices{at}, not of shape {got.shape}"
        return _int_problem(got, want, at)
    if isinstance(want, (tuple, list)):
        if not isinstance(got, type(want)) or len(got) != len(want):
            return type_problem(got, want, at.strip())
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            label = labels[0] if labels else "item {}"
            name = label[i] if isinstance(label, tuple) else label.format(i + 1)
            problem = _index_problem(g, w, labels[1:], f"{name} of {where}" if where else name)
            if problem:
                return problem
        return None
    return type_problem(got, want, at.strip())


def index_type(*labels: object) -> Check:
    """TYPE for index arrays: the reference's structure, 1-D integer arrays (of any length)."""

    def check(answer: Answer) -> None:
        problem = _index_problem(answer.value, answer.want, labels)
        if problem:
            raise Broken(f"its result {problem}.", "wrong return type or shape")

    return check


def _unreadable(answer: Answer, what: str) -> Broken:
    problem = type_problem(answer.value, answer.want) or "is not readable"
    return Broken(f"its result {problem}, so {what} cannot be checked.", "wrong return type or shape")


def _days(value: object) -> np.ndarray:
    """A block of day indices as a 1-D float array (`Uncomparable` when it is not numbers)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Uncomparable from None
    if arr.ndim > 1 or not np.all(np.isfinite(arr)):
        raise Uncomparable
    return arr.ravel()


def _same_days(got: np.ndarray, want: np.ndarray) -> bool:
    return got.shape == np.shape(want) and bool(np.array_equal(got, want))


def _named_or(answer: Answer, mistakes: Mistakes | None, detail: str, label: str | None = None) -> Broken:
    """The one known mistake that explains the answer, else ``detail``."""
    pairs = list(mistakes(*answer.case.args, **answer.case.kwargs)) if mistakes else []
    named = list(dict.fromkeys(m for m, wrong in pairs
                               if not agrees(wrong, answer.want, 0.0) and agrees(answer.value, wrong, 0.0)))
    if len(named) == 1:
        return Broken(named[0], mistake_label(named[0]), named)
    more = " One of these explains it: " + " Or: ".join(named) if named else ""
    return Broken(detail + more, label, named)


# ---------------------------------------------------------------------------
# Part 1: chronological_split
# ---------------------------------------------------------------------------

TRUNCATED = ("It looks like the block sizes are truncated: int(0.6 * n) cuts off the decimals. Use "
             "round(train_frac * n) and round(val_frac * n), as the docstring says.")
SHUFFLED = ("Its days are not in time order: it looks like they were shuffled or the blocks swapped. "
            "With market data the training block is the first days, then validation, then test; a "
            "shuffled split trains on the future, which is look-ahead and costs the whole part.")


def _split_sizes(n: int, train_frac: float = 0.6, val_frac: float = 0.2) -> tuple[int, int, int]:
    return tuple(len(b) for b in ref_splits.chronological_split(n, train_frac, val_frac))


def _size_mistakes(n, train_frac=0.6, val_frac=0.2):
    n_tr, n_va = int(train_frac * n), int(val_frac * n)
    up_tr, up_va = int(np.ceil(train_frac * n)), int(np.ceil(val_frac * n))
    return [(TRUNCATED, (n_tr, n_va, n - n_tr - n_va)),
            ("It looks like the sizes are rounded up (math.ceil): use round(train_frac * n), which "
             "rounds to the nearest whole day.", (up_tr, up_va, n - up_tr - up_va)),
            ("It looks like the test block got round(test_frac * n) days and the training block the "
             "rest: the training and validation blocks are rounded, the test block takes what is left.",
             (n - n_va - round((1 - train_frac - val_frac) * n), n_va,
              round((1 - train_frac - val_frac) * n)))]


def _blocks(answer: Answer) -> list[np.ndarray]:
    value = answer.value
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise _unreadable(answer, "its blocks")
    try:
        return [_days(block) for block in value]
    except Uncomparable:
        raise _unreadable(answer, "its blocks") from None


def block_sizes(answer: Answer) -> None:
    """MAIN: the three block sizes are round(train_frac * n), round(val_frac * n) and the rest."""
    got = tuple(len(b) for b in _blocks(answer))
    want = tuple(len(b) for b in answer.want)
    if got == want:
        return
    wrong = dict(_size_mistakes(*answer.case.args, **answer.case.kwargs))
    named = [message for message, sizes in wrong.items() if sizes == got and sizes != want]
    if named:
        raise Broken(named[0], mistake_label(named[0]), named)
    if sum(got) != want[0] + want[1] + want[2]:
        raise Broken("the three blocks together should hold every day exactly once: their lengths "
                     "must add up to n.")
    raise Broken("its block sizes are not round(train_frac * n), round(val_frac * n) and the rest "
                 "n - n_train - n_val for the test block.")


def consecutive_blocks(answer: Answer) -> None:
    """MAIN, judged from the student's own block sizes: training = days 0 .. n_train - 1, validation
    the next n_val days, test the remaining days up to n - 1."""
    blocks = _blocks(answer)
    n = answer.case.args[0]
    a, b = len(blocks[0]), len(blocks[0]) + len(blocks[1])
    own = [np.arange(0, a), np.arange(a, b), np.arange(b, n)]
    if all(_same_days(g, w) for g, w in zip(blocks, own, strict=True)):
        return
    joined = np.concatenate(blocks)
    if joined.size != np.unique(joined).size:
        raise Broken("some day appears in two blocks: the validation block starts right after the last "
                     "training day and the test block right after the last validation day.")
    raise Broken("its blocks should be consecutive days: training = days 0 .. n_train - 1, validation = "
                 "the next n_val days, test = the remaining days up to n - 1, no day left out.")


def in_time_order(answer: Answer) -> None:
    """RULE (whole part): every day of a later block comes after every day of an earlier one."""
    try:
        blocks = [_days(block) for block in answer.value]
    except (Uncomparable, TypeError):
        return  # unreadable: the type rule's business
    joined = np.concatenate(blocks) if blocks else np.zeros(0)
    if joined.size > 1 and np.any(np.diff(joined) < 0):
        raise Broken(SHUFFLED, "look-ahead: shuffled split")


SPLIT_LECTURE = Case((2520, 0.6, 0.2), when="for the notebook's 2,520 days with 60 % / 20 % / 20 %")
SPLIT_UP = Case((157, 0.7, 0.15), when="where rounding and truncating differ for both blocks")
SPLIT_MIXED = Case((311, 0.72, 0.11), when="for a series of a few hundred days")
SPLIT_SMALL = Case((46, 0.6, 0.2), when="for a short series")
SPLIT_OTHER = Case((83, 0.65, 0.18), when="for other fractions")
SPLIT_MAIN = [SPLIT_UP, SPLIT_MIXED, SPLIT_SMALL, SPLIT_OTHER]
SPLIT_DEFAULTS = [Case((n,), when="when only n is given", twin=Case((n, 0.6, 0.2))) for n in (137, 252)]

CHRONOLOGICAL_SPLIT = Part(1, "chronological_split", points=4, reference=ref_splits.chronological_split,
                           clauses=[
    Clause("C1", TYPE, "returns a tuple (train_idx, val_idx, test_idx) of three 1-D integer numpy arrays",
           [SPLIT_LECTURE, SPLIT_UP], check=index_type(("train_idx", "val_idx", "test_idx"))),
    Clause("C2", LECTURE, "gives the notebook's split of 2,520 days with 60 % / 20 % / 20 %: 1512, 504 and "
                          "504 days", [SPLIT_LECTURE], mistakes=_size_mistakes),
    Clause("C3", MAIN, "has blocks of n_train = round(train_frac * n), n_val = round(val_frac * n) and "
                       "n - n_train - n_val days (Python's round, not int())", SPLIT_MAIN, check=block_sizes),
    Clause("C4", MAIN, "has consecutive blocks: training = days 0 .. n_train - 1, validation = the next "
                       "n_val days, test = the remaining days, every day exactly once", SPLIT_MAIN,
           check=consecutive_blocks),
    Clause("C5", RULE, "uses train_frac = 0.6 and val_frac = 0.2 when they are not given", SPLIT_DEFAULTS,
           check=like_its_twin("the same n with train_frac = 0.6 and val_frac = 0.2 given")),
    Clause("C6", RULE, "keeps time order: every training day comes before every validation day, and every "
                       "validation day before every test day (a shuffled split is look-ahead and costs "
                       "the whole part)", [SPLIT_LECTURE, *SPLIT_MAIN], check=in_time_order, whole_part=True),
])


# ---------------------------------------------------------------------------
# Part 2: walk_forward_splits
# ---------------------------------------------------------------------------


def _walk_forward(n, n_splits, test_size, gap=0, mode="expanding", train_size=None):
    """The reference's splits (which ignore train_size in expanding mode, as the contract says)."""
    return ref_splits.walk_forward_splits(n, n_splits, test_size, gap=gap, mode=mode, train_size=train_size)


def _wf_variant(n, n_splits, test_size, gap=0, mode="expanding", train_size=None, mistake=None):
    """The reference construction with one deliberate mistake."""
    splits = []
    for start in range(n - n_splits * test_size, n, test_size):
        end = {"no_gap": start, "one_too_many": start - gap + 1, "one_too_few": start - gap - 1}.get(
            mistake, start - gap)
        if mistake == "train_size_in_expanding" and train_size is not None:
            begin = max(0, end - train_size)
        elif mode == "rolling" and mistake != "rolling_ignored":
            begin = {"no_max": end - train_size, "window_from_test_start": max(0, start - train_size)}.get(
                mistake, max(0, end - train_size))
        else:
            begin = 0
        splits.append((np.arange(begin, end), np.arange(start, start + test_size)))
    return splits


WF_MISTAKES = {
    "no_gap": "It looks like the gap is not applied: drop the `gap` days just before each test window "
              "from training (training ends at s_k - gap, exclusive).",
    "one_too_many": "It looks like training ends one day too late: it must stop before s_k - gap "
                    "(np.arange(begin, s_k - gap) excludes its end).",
    "one_too_few": "It looks like training ends one day too early: the gap is exactly `gap` days, so "
                   "training covers the days up to s_k - gap - 1 (np.arange(begin, s_k - gap)).",
    "rolling_ignored": "It looks like mode='rolling' trains from day 0 as the expanding mode does: a "
                       "rolling window keeps only the last train_size days before s_k - gap.",
    "no_max": "It looks like the rolling window starts before day 0 when fewer than train_size days "
              "are available: start at max(0, s_k - gap - train_size).",
    "window_from_test_start": "It looks like the rolling window was counted back from the test "
                              "window's start: it holds the train_size days that end at s_k - gap.",
    "train_size_in_expanding": "It looks like train_size shortens the expanding windows: in "
                               "mode='expanding' training always starts at day 0, whatever train_size is.",
}


def _wf_mistakes(n, n_splits, test_size, gap=0, mode="expanding", train_size=None):
    return [(message, _wf_variant(n, n_splits, test_size, gap, mode, train_size, key))
            for key, message in WF_MISTAKES.items()]


def _pairs(value: object) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train_idx, test_idx) pairs of an answer as float arrays (`Uncomparable` otherwise)."""
    if not isinstance(value, (list, tuple)):
        raise Uncomparable
    pairs = []
    for pair in value:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Uncomparable
        pairs.append((_days(pair[0]), _days(pair[1])))
    return pairs


def _answer_pairs(answer: Answer, what: str) -> list[tuple[np.ndarray, np.ndarray]]:
    try:
        got = _pairs(answer.value)
    except Uncomparable:
        raise _unreadable(answer, what) from None
    if len(got) != len(answer.want):
        raise Broken(f"it gives {len(got)} (train_idx, test_idx) pairs: there is one per test window, "
                     "n_splits in all.")
    return got


def windows_of_the_tests(answer: Answer) -> None:
    """MAIN: the test windows are the last K * T days in consecutive blocks of T, oldest first."""
    got = _answer_pairs(answer, "its test windows")
    want = [w[1] for w in answer.want]
    if all(_same_days(g[1], w) for g, w in zip(got, want, strict=True)):
        return
    if all(_same_days(g[1], w) for g, w in zip(got, want[::-1], strict=True)):
        raise Broken("its test windows are in the wrong order: the oldest window comes first, the one "
                     "that ends on the last day comes last.", "newest window first")
    raise Broken("its test windows are wrong. They are the last n_splits * test_size days, cut into "
                 "consecutive blocks of test_size days, oldest first (window k starts at "
                 "s_k = n - (K - k) * T); the gap only shortens the training data.")


def training_windows(rule: str) -> Check:
    """MAIN/RULE: each training window, judged from the student's own test window (so that a wrong
    test window costs the test-window rule alone); ``rule`` says what the window should be."""

    def check(answer: Answer) -> None:
        got = _answer_pairs(answer, "its training windows")
        n, n_splits, test_size = answer.case.args
        kwargs = dict(answer.case.kwargs)
        gap, mode, size = kwargs.get("gap", 0), kwargs.get("mode", "expanding"), kwargs.get("train_size")
        for (g_train, g_test), (w_train, w_test) in zip(got, answer.want, strict=True):
            if _same_days(g_train, w_train):
                continue
            start = int(g_test[0]) if g_test.size else int(w_test[0])
            end = start - gap
            begin = max(0, end - size) if mode == "rolling" else 0
            if _same_days(g_train, np.arange(begin, end)):
                continue
            raise _named_or(answer, _wf_mistakes, f"its training windows are wrong: {rule}.")

    return check


def same_as_without_train_size(answer: Answer) -> None:
    """RULE: train_size changes nothing in expanding mode: the student's own splits without it, or
    the reference's (so that a wrong split costs its own rule, not this one)."""
    try:
        got = _pairs(answer.value)
    except Uncomparable:
        raise _unreadable(answer, "its splits") from None
    if agrees(answer.value, answer.want, 0.0):
        return
    try:
        other = _pairs(answer.ask(answer.case.twin))
        if len(other) == len(got) and all(_same_days(g, o) for gp, op in zip(got, other, strict=True)
                                          for g, o in zip(gp, op, strict=True)):
            return
    except (StudentError, Uncomparable):
        pass
    raise _named_or(answer, _wf_mistakes, "it gives other splits than without train_size: in expanding "
                    "mode training always starts at day 0.")


def never_trains_on_its_test_window(answer: Answer) -> None:
    """RULE (whole part): no training day is a day of, or after the start of, its own test window."""
    try:
        pairs = _pairs(answer.value)
    except Uncomparable:
        return  # unreadable: the type rule's business
    for train_idx, test_idx in pairs:
        if train_idx.size and test_idx.size and train_idx.max() >= test_idx.min():
            raise Broken("it trains on days of (or after) its own test window. That is look-ahead, which "
                         "costs the whole part: training ends before s_k - gap, and the test days come "
                         "after it.", "look-ahead: trains on the test window")


WF_LECTURE = Case((12, 3, 2), {"gap": 1}, when="for the notebook's worked example (12 days, 3 windows of "
                                               "2 days, gap 1)")
WF_EXPANDING = [Case((57, 4, 6), {"gap": 3}, when="in expanding mode with a gap"),
                Case((40, 3, 5), when="in expanding mode without a gap"),
                Case((95, 5, 11), {"gap": 2, "mode": "expanding"}, when="in expanding mode with a gap")]
WF_ROLLING = [Case((80, 4, 7), {"gap": 2, "mode": "rolling", "train_size": 20},
                   when="in rolling mode with a gap"),
              Case((61, 3, 6), {"mode": "rolling", "train_size": 15}, when="in rolling mode without a gap")]
WF_SHORT = [Case((50, 3, 5), {"gap": 2, "mode": "rolling", "train_size": 45},
                 when="in rolling mode when the first windows have fewer than train_size days before them"),
            Case((30, 2, 4), {"gap": 1, "mode": "rolling", "train_size": 27},
                 when="in rolling mode when fewer than train_size days are available")]
WF_IGNORED = [Case((57, 4, 6), {"gap": 3, "mode": "expanding", "train_size": 10},
                   when="in expanding mode with a train_size given", twin=Case((57, 4, 6), {"gap": 3})),
              Case((40, 3, 5), {"train_size": 4}, when="in expanding mode with a train_size given",
                   twin=Case((40, 3, 5)))]
WF_ALL = [WF_LECTURE, *WF_EXPANDING, *WF_ROLLING, *WF_SHORT]

WALK_FORWARD_SPLITS = Part(2, "walk_forward_splits", points=6, reference=_walk_forward, clauses=[
    Clause("C1", TYPE, "returns a list of n_splits tuples (train_idx, test_idx) of 1-D integer numpy arrays",
           [WF_LECTURE, WF_EXPANDING[0], WF_ROLLING[0]],
           check=index_type("split {}", ("train_idx", "test_idx"))),
    Clause("C2", LECTURE, "gives the notebook's worked example: 12 days, 3 windows of 2 days and a gap of 1 "
                          "train on days 0-4, 0-6 and 0-8", [WF_LECTURE], mistakes=_wf_mistakes),
    Clause("C3", MAIN, "has test windows of test_size days that cut the last n_splits * test_size days into "
                       "consecutive blocks, oldest first: window k starts at s_k = n - (K - k) * T",
           [*WF_EXPANDING, *WF_ROLLING], check=windows_of_the_tests),
    Clause("C4", MAIN, "in expanding mode trains on the days 0 .. s_k - gap - 1 (the gap days before each "
                       "test window dropped)", WF_EXPANDING,
           check=training_windows("expanding windows are the days 0 .. s_k - gap - 1")),
    Clause("C5", MAIN, "in rolling mode trains on the last train_size of those days, "
                       "s_k - gap - train_size .. s_k - gap - 1", WF_ROLLING,
           check=training_windows("rolling windows are the last train_size days before s_k - gap")),
    Clause("C6", RULE, "starts a rolling window at day 0 when fewer than train_size days are available: "
                       "max(0, s_k - gap - train_size)", WF_SHORT,
           check=training_windows("a rolling window starts at max(0, s_k - gap - train_size)")),
    Clause("C7", RULE, "ignores train_size in expanding mode: the same splits as without it", WF_IGNORED,
           check=same_as_without_train_size),
    Clause("C8", RULE, "never trains on a day of its own test window or later (look-ahead costs the whole "
                       "part)", WF_ALL, check=never_trains_on_its_test_window, whole_part=True),
])


# ---------------------------------------------------------------------------
# Part 3: train_epoch
# ---------------------------------------------------------------------------


def _ref_epoch(weights, biases, X, y, lr, batch_size, seed, epoch, mistake=None):
    """One epoch of the reference training loop, optionally with one mistake."""
    m = X.shape[1]
    order = {"no_shuffle": np.arange(m), "seed_only": np.random.default_rng(seed).permutation(m),
             "first_epoch_order": np.random.default_rng([seed, 1]).permutation(m)}.get(
        mistake, np.random.default_rng([seed, epoch]).permutation(m))
    if mistake == "full_batch":
        batch_size = m
    stop = m - m % batch_size if mistake == "drop_last" else m
    ws, bs = list(weights), list(biases)
    for start in range(0, stop, batch_size):
        batch = order[start:start + batch_size]
        at_w, at_b = (weights, biases) if mistake == "stale" else (ws, bs)
        _, dWs, dbs = backprop.loss_and_gradients(at_w, at_b, X[:, batch], y[:, batch], **ACTS)
        step = {"sign": -lr, "summed": lr * len(batch), "divided": lr / len(batch), "fixed_lr": 0.1}.get(
            mistake, lr)
        ws, bs = backprop.sgd_update(ws, bs, dWs, dbs, step)
    return ws, bs


EPOCH_MISTAKES = {
    "sign": "It looks like the weights move uphill: the update is W <- W - lr * dW (minus, not plus).",
    "no_shuffle": "It looks like the examples are visited in their original order: shuffle them with "
                  "order = np.random.default_rng([seed, epoch]).permutation(m).",
    "seed_only": "It looks like the shuffle ignores the epoch: use np.random.default_rng([seed, epoch]), "
                 "so that every epoch gets a new order (default_rng(seed) gives the same order every epoch).",
    "first_epoch_order": "It looks like every epoch reuses epoch 1's order: draw it anew for each epoch "
                         "with np.random.default_rng([seed, epoch]).permutation(m).",
    "drop_last": "It looks like the last, shorter batch of the epoch is skipped: loop with "
                 "range(0, m, batch_size) so that every example is used once per epoch.",
    "full_batch": "It looks like one step on the whole training set: an epoch makes one update per "
                  "mini-batch of batch_size examples.",
    "summed": "It looks like the step uses the sum of the batch's gradients: mlp_backward already returns "
              "the batch MEAN, so update with lr * dW, without multiplying by the batch size.",
    "divided": "It looks like the step is divided by the batch size: mlp_backward already returns the "
               "batch mean, so update with lr * dW, without dividing again.",
    "fixed_lr": "It looks like the visible test's learning rate 0.1 is fixed in the code: use the argument "
                "lr, W <- W - lr * dW.",
    "stale": "It looks like every batch's gradient is computed at the weights from the start of the "
             "epoch: the next batch uses the weights just updated by the previous batch.",
}


def _epoch_mistakes(weights, biases, X, y, lr, batch_size, seed, epoch):
    return [(message, _ref_epoch(weights, biases, X, y, lr, batch_size, seed, epoch, key))
            for key, message in EPOCH_MISTAKES.items()]


def params_type(answer: Answer) -> None:
    """TYPE of (new_weights, new_biases), naming the array whose type or shape is wrong."""
    value, want = answer.value, answer.want
    if not isinstance(value, tuple) or len(value) != 2:
        raise Broken(f"its result {type_problem(value, want) or 'is not a tuple'}.",
                     "wrong return type or shape")
    for name, got, wanted in zip(("new_weights", "new_biases"), value, want, strict=True):
        if not isinstance(got, list) or len(got) != len(wanted):
            problem = type_problem(got, wanted) or "has the wrong length"
            raise Broken(f"its {name} {problem}: one array per layer, in a list.",
                         "wrong return type or shape")
        for i, (g, w) in enumerate(zip(got, wanted, strict=True)):
            problem = type_problem(g, w)
            if problem:
                raise Broken(f"its {name}[{i}] {problem}.", "wrong return type or shape")


EPOCH_HINT = ("batches order[0:B], order[B:2B], ... of order = np.random.default_rng([seed, epoch])"
              ".permutation(m), each updating every parameter with W - lr * dW before the next batch")
_EPOCH_SEED = 20261204


def _epoch_case(sizes: list[int], m: int, batch_size: int, epoch: int, lr: float, when: str) -> Case:
    weights, _ = backprop.init_params(sizes, seed=int(_RNG.integers(1 << 30)))
    biases = [_RNG.normal(0.0, 0.2, (k, 1)) for k in sizes[1:]]
    X = _RNG.normal(size=(sizes[0], m))
    y = 0.5 * _RNG.normal(size=(1, m))
    return Case((weights, biases, X, y, lr, batch_size, _EPOCH_SEED + m, epoch), when=when)


EPOCH_MAIN = [_epoch_case([4, 6, 1], 24, 6, 1, 0.25, "on the first epoch of a network with one hidden layer"),
              _epoch_case([3, 5, 4, 1], 20, 5, 1, 0.15, "on the first epoch of a deeper network"),
              _epoch_case([5, 1], 12, 4, 1, 0.2, "on the first epoch of a network without a hidden layer")]
EPOCH_LATER = [_epoch_case([4, 6, 1], 18, 6, 3, 0.1, "on epoch 3"),
               _epoch_case([3, 5, 4, 1], 20, 4, 7, 0.1, "on a later epoch of a deeper network")]
EPOCH_SHORT = [_epoch_case([4, 6, 1], 23, 5, 1, 0.1, "when batch_size does not divide m"),
               _epoch_case([3, 5, 4, 1], 13, 4, 1, 0.1, "when batch_size does not divide m"),
               _epoch_case([2, 4, 1], 5, 8, 1, 0.1, "when batch_size is larger than m (a single batch)")]

TRAIN_EPOCH = Part(3, "train_epoch", points=8, reference=training.train_epoch,
                   params=("weights", "biases", "X", "y", "lr", "batch_size", "seed", "epoch"), clauses=[
    Clause("C1", TYPE, "returns a tuple (new_weights, new_biases) of two lists with one float array per "
                       "layer, each of the shape of the array it replaces", [EPOCH_MAIN[0], EPOCH_MAIN[1]],
           check=params_type),
    Clause("C2", MAIN, "makes one update W <- W - lr * dW, b <- b - lr * db per batch, with mlp_backward's "
                       "batch-mean gradients at the weights the previous batch left, visiting the batches "
                       "order[0:B], order[B:2B], ... of order = np.random.default_rng([seed, epoch])"
                       ".permutation(m), for networks of any depth", EPOCH_MAIN,
           mistakes=_epoch_mistakes, hint=EPOCH_HINT),
    Clause("C3", RULE, "draws a new order for every epoch: epoch e visits "
                       "np.random.default_rng([seed, e]).permutation(m)", EPOCH_LATER,
           mistakes=_epoch_mistakes, hint=EPOCH_HINT),
    Clause("C4", RULE, "uses every example once per epoch: the last batch is shorter when batch_size does "
                       "not divide m (a single batch when batch_size >= m)", EPOCH_SHORT,
           mistakes=_epoch_mistakes, hint=EPOCH_HINT),
    Clause("C5", UNCHANGED, "leaves weights, biases (the lists and their arrays), X and y unchanged",
           [EPOCH_MAIN[0], EPOCH_SHORT[0]]),
])


# ---------------------------------------------------------------------------
# Part 4: early_stopping
# ---------------------------------------------------------------------------


def _es_variant(losses, patience, mistake):
    """Early stopping replayed with one deliberate mistake."""
    losses = np.asarray(losses, dtype=float)
    if mistake == "global_argmin":
        return int(np.argmin(losses)), ref_es.early_stopping(losses, patience)[1]
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
    "one_based": "It looks like the epochs are 1-based: epoch 0 is the first entry of val_losses.",
    "late": "It looks like training stops one epoch too late: stop at the first epoch that is exactly "
            "`patience` epochs after the best one (epoch - best_epoch >= patience).",
    "ties": "It looks like a tie counts as an improvement: only a loss strictly below the best so far "
            "improves (use <, not <=), so the earliest of equal best losses is kept.",
    "early": "It looks like training stops one epoch too early: stop at the first epoch that is exactly "
             "`patience` epochs after the best one, not one before.",
    "stop_minus_one": "It looks like the stop epoch is off by one: it is the first epoch that is "
                      "`patience` epochs after the best, best_epoch + patience, not the epoch before it.",
    "no_reset": "It looks like the count of epochs without improvement is never reset: after an "
                "improvement it starts again from zero (stop when epoch - best_epoch >= patience).",
    "previous": "It looks like each epoch is compared with the previous epoch instead of the best loss so "
                "far: an epoch improves only if its loss is below every earlier loss.",
    "past_end": "It looks like the stop epoch is len(val_losses): when the patience never runs out, "
                "the stop epoch is the last epoch of the curve, len(val_losses) - 1 (0-based).",
    "global_argmin": "It looks like the best epoch is taken from the whole curve, including epochs after "
                     "the stop that were never run: choose the best among the epochs up to the stop.",
}


def _es_mistakes(val_losses, patience):
    return [(message, _es_variant(val_losses, patience, key)) for key, message in ES_MISTAKES.items()]


LOOK_AHEAD_EPOCH = ("it chose a best epoch after its own stop epoch, or a lower loss from epochs after the "
                    "stop. Those epochs were never run: that is look-ahead, which costs the whole part. "
                    "Choose the best among the epochs up to and including the stop.")


def no_epoch_after_the_stop(answer: Answer) -> None:
    """RULE (whole part): the best epoch is never one after the stop (an epoch that was never run)."""
    try:
        best, stop = (float(v) for v in answer.value)
    except (TypeError, ValueError):
        return  # unreadable: the type rule's business
    if best > stop:
        raise Broken(LOOK_AHEAD_EPOCH, "look-ahead: best epoch after the stop")


def _two_epochs(answer: Answer) -> tuple[float, float]:
    try:
        best, stop = (float(v) for v in answer.value)
    except (TypeError, ValueError):
        raise _unreadable(answer, "its epochs") from None
    return best, stop


def earliest_of_ties(answer: Answer) -> None:
    """RULE: the best epoch is the earliest lowest loss up to the student's own stop epoch (when to
    stop is the main rule's business, so a stop one epoch late costs that rule alone)."""
    if agrees(answer.value, answer.want, 0.0):
        return
    best, stop = _two_epochs(answer)
    losses = np.asarray(answer.case.args[0], dtype=float)
    if stop.is_integer() and 0 <= stop < losses.size and best == int(np.argmin(losses[:int(stop) + 1])):
        return
    raise _named_or(answer, _es_mistakes, "its best epoch is not the earliest of the lowest losses up to "
                    "the stop: a loss equal to the best so far is no improvement (use <, not <=).")


def last_epoch_when_it_never_stops(answer: Answer) -> None:
    """RULE: the stop epoch is len(val_losses) - 1 when the patience never runs out (which epoch is
    the best is the main rule's business)."""
    if agrees(answer.value, answer.want, 0.0):
        return
    _, stop = _two_epochs(answer)
    if stop == answer.want[1]:
        return
    raise _named_or(answer, _es_mistakes, "its stop epoch should be the last epoch of the curve, "
                    "len(val_losses) - 1 (0-based), since the patience never runs out.")


def _u_curve(length: int, patience: int) -> list[float]:
    """A noisy U-shaped validation curve (no ties) on which early stopping stops before the end,
    with a later, lower loss that it never reaches."""
    while True:
        e = np.arange(length)
        bottom = _RNG.uniform(0.3, 0.5) * length
        curve = 1.0 + 0.002 * (e - bottom) ** 2 / length + 0.01 * _RNG.normal(size=length)
        curve[-1] = curve.min() - 0.05
        best, stop = ref_es.early_stopping(curve, patience)
        if stop < length - 2 and len(np.unique(curve)) == length:
            return [float(v) for v in curve]


ES_LECTURE = Case(([5, 4, 3, 3.5, 3.6, 3.7, 2], 3), when="on the notebook's worked example")
ES_MAIN = [Case(([3.0, 2.5, 2.6, 2.7, 2.0, 2.1, 2.2, 2.3, 1.0], 3), when="on a curve that improves twice"),
           Case(([3.0, 2.0, 2.5, 2.2, 2.4, 2.3, 2.6, 2.7], 3),
                when="on a curve that goes up and down after its best epoch"),
           Case((np.array(_u_curve(40, 4)), 4), when="on a noisy validation curve"),
           Case((_u_curve(60, 6), 6), when="on a longer noisy validation curve")]
ES_TIES = [Case(([2.0, 1.5, 1.5, 1.5, 1.5, 0.9], 3), when="when later losses tie with the best so far"),
           Case((np.array([3.0, 2.0, 2.5, 2.0, 2.0, 1.0, 1.5, 1.6, 1.7, 1.8]), 3),
                when="when later losses tie with the best so far"),
           Case(([1.0, 1.0, 1.0, 1.0, 1.0], 2), when="on a flat curve")]
ES_END = [Case(([3.0, 2.5, 2.6, 2.7, 2.0, 2.1, 2.2, 1.0], 3), when="when the patience never runs out"),
          Case((np.linspace(2.0, 1.1, 10), 2), when="on a curve that improves every epoch"),
          Case(([1.0, 2.0, 1.5], 3), when="when the patience is longer than the curve"),
          Case(([2.0], 1), when="on a curve of one entry")]
ES_AHEAD = [Case(([4.0, 3.0, 3.5, 3.6, 1.0], 2), when="when a lower loss comes after the stop"),
            ES_MAIN[0], ES_MAIN[2], ES_MAIN[3]]

EARLY_STOPPING = Part(4, "early_stopping", points=5, reference=ref_es.early_stopping, clauses=[
    Clause("C1", TYPE, "returns a tuple of two ints (best_epoch, stop_epoch)",
           [ES_LECTURE, ES_MAIN[2], ES_END[3]]),
    Clause("C2", LECTURE, "gives (2, 5) for the notebook's curve [5, 4, 3, 3.5, 3.6, 3.7, 2] with patience 3",
           [ES_LECTURE], mistakes=_es_mistakes),
    Clause("C3", MAIN, "gives the best epoch (the lowest loss up to the stop) and the stop epoch (the first "
                       "epoch that is patience epochs after the best epoch so far), 0-based", ES_MAIN,
           mistakes=_es_mistakes, hint="walk through the epochs once, remembering the best loss and its "
                                       "epoch; stop when epoch - best_epoch >= patience"),
    Clause("C4", RULE, "counts only a strict improvement: a loss equal to the best so far is no improvement, "
                       "so the earliest of equal best losses is kept", ES_TIES, check=earliest_of_ties),
    Clause("C5", RULE, "stops at the last epoch, len(val_losses) - 1, when the patience never runs out (a "
                       "curve of one entry gives (0, 0))", ES_END, check=last_epoch_when_it_never_stops),
    Clause("C6", RULE, "never chooses a best epoch after the stop: those epochs were never run (look-ahead "
                       "costs the whole part)", ES_AHEAD, check=no_epoch_after_the_stop, whole_part=True),
    Clause("C7", UNCHANGED, "leaves val_losses unchanged", [ES_MAIN[2], ES_TIES[1]]),
])


# ---------------------------------------------------------------------------
# Part 6: sharpe_ratio
# ---------------------------------------------------------------------------


def _sharpe_mistakes(daily_returns):
    r = np.asarray(daily_returns, dtype=float)
    mean, s1, s0 = r.mean(), r.std(ddof=1), r.std(ddof=0)
    if s1 == 0.0 or np.ptp(r) == 0.0:
        return []
    return [
        ("It looks like the population standard deviation: the Sharpe ratio uses the sample one, "
         "np.std(r, ddof=1) (divide by T - 1).", mean / s0 * np.sqrt(YEAR)),
        ("It looks like the ratio is not annualised: multiply the daily mean / std by sqrt(252).", mean / s1),
        ("It looks like it was annualised with 252: use sqrt(252), not 252 (the mean grows like T, the "
         "standard deviation like sqrt(T)).", mean / s1 * YEAR),
        ("It looks like the mean is divided by the variance: divide by the standard deviation.",
         mean / s1**2 * np.sqrt(YEAR)),
    ]


def _daily_returns(size: int, drift: float) -> np.ndarray:
    return drift + 0.01 * _RNG.standard_t(5, size=size)


WORKED_PNL = [0.01, -0.005, 0.002, 0.004, -0.001]
SR_LECTURE = Case((np.array(WORKED_PNL),), when="on the notebook's five days")
SR_MAIN = [Case((_daily_returns(121, 0.0008),), when="on half a year of daily returns"),
           Case((_daily_returns(400, -0.0005),), when="on a losing strategy"),
           Case((_daily_returns(30, 0.002),), when="on a short series")]
SR_FLAT = [Case((np.full(17, 0.1),), when="when all the values are equal"),
           Case((np.zeros(9),), when="when every return is 0"),
           Case((np.full(40, 0.0013),), when="when all the values are equal")]
_LISTED = _daily_returns(60, 0.001)
SR_LIST = [Case(([float(v) for v in _LISTED],), when="for a list of returns", twin=Case((_LISTED.copy(),)))]

SHARPE_RATIO = Part(6, "sharpe_ratio", points=4, reference=ref_trading.sharpe_ratio,
                    params=("daily_returns",), clauses=[
    Clause("C1", TYPE, "returns a float (a Python float or numpy float64)",
           [SR_LECTURE, SR_MAIN[0], SR_FLAT[0]]),
    Clause("C2", LECTURE, "gives the notebook's 5.6569 for the five days 0.01, -0.005, 0.002, 0.004, -0.001",
           [SR_LECTURE], mistakes=_sharpe_mistakes, hint="mean / std(ddof=1) * sqrt(252), unrounded"),
    Clause("C3", MAIN, "is mean(r) / std(r, ddof=1) * sqrt(252) on any series of daily returns", SR_MAIN,
           mistakes=_sharpe_mistakes, hint="np.mean(r) / np.std(r, ddof=1) * np.sqrt(252)"),
    Clause("C4", RULE, "is 0.0 when all the values are equal (no risk), also where rounding makes np.std a "
                       "tiny non-zero number", SR_FLAT,
           hint="test np.ptp(r) == 0 before dividing, and return 0.0 then"),
    Clause("C5", RULE, "accepts a list as well as a numpy array: the same ratio for both", SR_LIST,
           check=like_its_twin("the same returns as a numpy array")),
    Clause("C6", UNCHANGED, "leaves daily_returns unchanged", [SR_MAIN[0], SR_FLAT[0]]),
])


# ---------------------------------------------------------------------------
# Part 7: best_of_n_sharpe
# ---------------------------------------------------------------------------


def _sr_rows(pnl: np.ndarray, ddof: int = 1, scale: float = np.sqrt(YEAR)) -> np.ndarray:
    return pnl.mean(axis=1) / pnl.std(axis=1, ddof=ddof) * scale


def _best_of_n_mistakes(returns, positions, split_day):
    """Whole wrong answers (best, in_sample, out_of_sample), each with its message."""
    pnl = positions * returns[None, :]
    split = split_day
    asset = np.tile(returns[None, :], (positions.shape[0], 1))

    def answer(a, b):
        return int(np.argmax(a)), a, b

    return [
        ("It looks like the asset's own returns were used: the daily P&L of a strategy is "
         "positions * returns (the position of the day times the asset's return).",
         answer(_sr_rows(asset[:, :split]), _sr_rows(asset[:, split:]))),
        ("It looks like the population standard deviation: use the sample one, ddof=1.",
         answer(_sr_rows(pnl[:, :split], ddof=0), _sr_rows(pnl[:, split:], ddof=0))),
        ("It looks like the Sharpe ratios are not annualised: multiply by sqrt(252).",
         answer(_sr_rows(pnl[:, :split], scale=1.0), _sr_rows(pnl[:, split:], scale=1.0))),
        ("It looks like they were annualised with 252: use sqrt(252), not 252.",
         answer(_sr_rows(pnl[:, :split], scale=YEAR), _sr_rows(pnl[:, split:], scale=YEAR))),
        ("It looks like the split is off by one day: in sample = days 0 .. split_day - 1 "
         "(pnl[:, :split_day]), out of sample = days split_day .. the end.",
         answer(_sr_rows(pnl[:, :split + 1]), _sr_rows(pnl[:, split + 1:]))),
    ]


def _ratio_mistakes(index: int) -> Mistakes:
    def mistakes(returns, positions, split_day):
        return [(message, wrong[index])
                for message, wrong in _best_of_n_mistakes(returns, positions, split_day)]

    return mistakes


def ratios(answer: Answer) -> None:
    """MAIN: both arrays of Sharpe ratios (in sample first, then out of sample)."""
    value = answer.value
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise _unreadable(answer, "its Sharpe ratios")
    for index, name in ((1, "in_sample"), (2, "out_of_sample")):
        want = answer.want[index]
        if agrees(value[index], want):
            continue
        returns, positions, split = answer.case.args
        pnl = positions * returns[None, :]
        other = _sr_rows(pnl[:, split:] if index == 1 else pnl[:, :split])
        if agrees(value[index], other):
            raise Broken("It looks like in sample and out of sample are swapped: in sample = the days "
                         "before split_day.", "in and out of sample swapped")
        try:
            same_values(_ratio_mistakes(index), "positions * returns, then mean / std(ddof=1) * sqrt(252) "
                                                 "of each row")(
                Answer(answer.part, answer.clause, answer.case, value[index], [], want))
        except Broken as broken:
            raise Broken(f"its {name}: {broken.detail[:1].lower()}{broken.detail[1:]}", broken.mistake,
                         broken.named) from None


def _own_in_sample(answer: Answer) -> np.ndarray | None:
    value = answer.value
    try:
        own = np.asarray(value[1], dtype=float).ravel()
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    return own if own.shape == answer.want[1].shape and np.all(np.isfinite(own)) else None


def _best(answer: Answer) -> int | None:
    value = answer.value
    if not isinstance(value, (tuple, list)) or not value:
        return None
    best = value[0]
    if isinstance(best, bool):
        return None
    if isinstance(best, (int, float)) and float(best).is_integer():
        return int(best)
    if isinstance(best, np.ndarray) and best.size == 1 and float(best.ravel()[0]).is_integer():
        return int(best.ravel()[0])
    return None


def choice(words: str) -> Check:
    """MAIN/RULE: the chosen index is the first of the highest in-sample Sharpe ratios, judged from
    the student's own in_sample (so that wrong ratios cost the ratio rule alone)."""

    def check(answer: Answer) -> None:
        best = _best(answer)
        if best is None:
            raise _unreadable(answer, "its choice")
        want = answer.want[0]
        own = _own_in_sample(answer)
        if best == want or (own is not None and best == int(np.argmax(own))):
            return
        sr_in = answer.want[1] if own is None else own
        top = np.flatnonzero(sr_in == sr_in.max())
        if best in top:
            raise Broken("it chose another of the strategies that tie for the highest in-sample Sharpe "
                         "ratio: take the first of them (np.argmax does).",
                         "not the first of tied strategies")
        if best == int(np.argmin(sr_in)):
            if best == int(np.argmax(np.abs(sr_in))):
                raise Broken("It looks like the largest Sharpe ratio in absolute value was chosen: a "
                             "negative Sharpe ratio is a losing strategy. Choose the highest, "
                             "int(np.argmax(in_sample)).", "largest |Sharpe|")
            raise Broken("It looks like the LOWEST in-sample Sharpe ratio was chosen: use np.argmax.",
                         "lowest Sharpe")
        if best == int(np.argmax(np.abs(sr_in))):
            raise Broken("It looks like the largest Sharpe ratio in absolute value was chosen: choose the "
                         "highest, int(np.argmax(in_sample)).", "largest |Sharpe|")
        raise Broken(f"its best is not {words}.")

    return check


LOOK_AHEAD_CHOICE = ("it chose the strategy with the best OUT-OF-SAMPLE Sharpe ratio. That is look-ahead, "
                     "which costs the whole part: when you pick a strategy you only know the in-sample "
                     "period, so choose by the in-sample Sharpe ratio.")


def not_by_the_future(answer: Answer) -> None:
    """RULE (whole part): the choice is not the out-of-sample winner (where that is another strategy)."""
    best = _best(answer)
    want_best, _, want_out = answer.want
    if best is not None and best != want_best and best == int(np.argmax(want_out)):
        raise Broken(LOOK_AHEAD_CHOICE, "look-ahead: chooses by out-of-sample Sharpe")


R8 = [0.010, -0.004, 0.006, -0.002, 0.003, -0.007, 0.001, 0.005]
POS8 = [[+1, -1, +1, -1, +1, +1, -1, -1], [+1, +1, +1, +1, +1, +1, +1, +1], [-1, +1, +1, -1, -1, +1, +1, +1]]
BEST_LECTURE = Case((np.array(R8), np.array(POS8, dtype=float), 4),
                    when="on the notebook's three strategies over eight days")


def _strategies(n_days: int, n: int, split: int, wanted: Callable[[int, np.ndarray, np.ndarray], bool],
                when: str) -> Case:
    """Returns and coin-flip positions drawn until ``wanted(best, in_sample, out_of_sample)`` holds."""
    while True:
        returns = 0.0005 + 0.01 * _RNG.standard_t(5, size=n_days)
        positions = ref_mt.random_strategies(n, n_days, int(_RNG.integers(1 << 30)))
        best, sr_in, sr_out = ref_mt.best_of_n_sharpe(returns, positions, split)
        if len(np.unique(sr_in)) == n and wanted(best, sr_in, sr_out):
            return Case((returns, positions, split), when=when)


def _ahead(best, sr_in, sr_out) -> bool:
    return int(np.argmax(sr_out)) != best and int(np.argmin(sr_in)) != int(np.argmax(sr_out))


BEST_MAIN = [
    _strategies(300, 20, 120, lambda b, i, o: _ahead(b, i, o) and i.max() > -i.min(),
                when="for several strategies on a few hundred days"),
    _strategies(500, 40, 260, lambda b, i, o: _ahead(b, i, o) and -i.min() > i.max(),
                when="when the most negative in-sample ratio is larger in absolute value than the highest"),
    _strategies(160, 7, 100, _ahead, when="for a few strategies"),
]


def _tied(case: Case, before: bool) -> Case:
    """The case with the winning strategy copied to another row: after it, or before it."""
    returns, positions, split = case.args
    best = ref_mt.best_of_n_sharpe(returns, positions, split)[0]
    rows = list(positions)
    if before:
        rows.insert(0, positions[best].copy())
    else:
        rows.append(positions[best].copy())
    return Case((returns.copy(), np.array(rows), split),
                when="when two strategies tie for the best in-sample Sharpe ratio")


BEST_TIES = [_tied(BEST_MAIN[0], before=False), _tied(BEST_MAIN[2], before=True)]

BEST_OF_N_SHARPE = Part(7, "best_of_n_sharpe", points=5, reference=ref_mt.best_of_n_sharpe,
                        helpers={"sharpe_ratio": ref_trading.sharpe_ratio}, clauses=[
    Clause("C1", TYPE, "returns a tuple (best, in_sample, out_of_sample): an int and two (N,) float arrays",
           [BEST_LECTURE, BEST_MAIN[0]]),
    Clause("C2", LECTURE, "gives the notebook's example: in-sample Sharpe ratios 25.56, 6.01 and -3.40, "
                          "out-of-sample -8.95, 1.51 and -3.07, best = 0", [BEST_LECTURE],
           check=lambda answer: (ratios(answer), choice("strategy 0, the highest in-sample ratio")(answer))),
    Clause("C3", MAIN, "gives in_sample and out_of_sample: the annualised Sharpe ratio mean / std(ddof=1) "
                       "* sqrt(252) of each strategy's daily P&L positions * returns, before split_day and "
                       "from split_day on", BEST_MAIN, check=ratios),
    Clause("C4", MAIN, "gives best, the index of the highest in-sample Sharpe ratio (the highest, not the "
                       "largest in absolute value)", BEST_MAIN,
           check=choice("the index of the highest in-sample Sharpe ratio, int(np.argmax(in_sample))")),
    Clause("C5", RULE, "takes the first of several strategies that tie for the highest in-sample Sharpe "
                       "ratio (np.argmax does)", BEST_TIES,
           check=choice("the first of the tied strategies")),
    Clause("C6", RULE, "chooses by the in-sample ratios only: choosing by the out-of-sample ones is "
                       "look-ahead and costs the whole part", [BEST_LECTURE, *BEST_MAIN],
           check=not_by_the_future, whole_part=True),
    Clause("C7", UNCHANGED, "leaves returns and positions unchanged", [BEST_MAIN[0], BEST_TIES[1]]),
])


PARTS = [CHRONOLOGICAL_SPLIT, WALK_FORWARD_SPLITS, TRAIN_EPOCH, EARLY_STOPPING, SHARPE_RATIO,
         BEST_OF_N_SHARPE]
globals().update(pytest_tests(PARTS))
