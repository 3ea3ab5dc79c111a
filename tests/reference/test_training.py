"""Mini-batch training, early stopping inside the loop, and the overfitting demo."""

from __future__ import annotations

import numpy as np
import pytest

from nnfin.reference import backprop
from nnfin.reference.early_stopping import early_stopping
from nnfin.reference.training import overfitting_demo, train_mlp


def _toy_problem(seed: int = 0, m: int = 120, n: int = 3):
    """A smooth nonlinear target with a little noise, one example per row."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m + 60, n))
    y = np.tanh(X @ np.array([1.0, -0.5, 0.25][:n])) + 0.05 * rng.standard_normal(m + 60)
    return X[:m], y[:m], X[m:], y[m:]


ARGS = dict(layer_sizes=[3, 8, 1], lr=0.1, epochs=30, batch_size=16)


def test_train_loss_decreases_and_curves_have_one_entry_per_epoch():
    Xtr, ytr, Xva, yva = _toy_problem()
    out = train_mlp(Xtr, ytr, Xva, yva, seed=1, **ARGS)
    assert out["train_loss"].shape == out["val_loss"].shape == (31,)
    assert out["stop_epoch"] == 30
    assert out["train_loss"][-1] < 0.3 * out["train_loss"][0]
    assert out["val_loss"][-1] < out["val_loss"][0]
    assert out["best_epoch"] == int(np.argmin(out["val_loss"]))


def test_epoch_zero_is_the_untrained_network():
    Xtr, ytr, Xva, yva = _toy_problem()
    out = train_mlp(Xtr, ytr, Xva, yva, seed=1, **ARGS)
    ws, bs = backprop.init_params([3, 8, 1], seed=1)
    kw = dict(hidden_activation="tanh", output_activation="linear")
    assert out["train_loss"][0] == pytest.approx(
        backprop.network_loss(ws, bs, Xtr.T, ytr[None, :], **kw), rel=1e-12
    )
    assert out["val_loss"][0] == pytest.approx(
        backprop.network_loss(ws, bs, Xva.T, yva[None, :], **kw), rel=1e-12
    )


def test_returned_weights_are_the_best_epochs():
    Xtr, ytr, Xva, yva = _toy_problem()
    out = train_mlp(Xtr, ytr, Xva, yva, seed=1, **ARGS)
    kw = dict(hidden_activation="tanh", output_activation="linear")
    val = backprop.network_loss(out["weights"], out["biases"], Xva.T, yva[None, :], **kw)
    assert val == pytest.approx(out["val_loss"][out["best_epoch"]], rel=1e-12)
    assert val == pytest.approx(out["val_loss"].min(), rel=1e-12)


def test_deterministic_per_seed_and_different_across_seeds():
    Xtr, ytr, Xva, yva = _toy_problem()
    a = train_mlp(Xtr, ytr, Xva, yva, seed=5, **ARGS)
    b = train_mlp(Xtr, ytr, Xva, yva, seed=5, **ARGS)
    c = train_mlp(Xtr, ytr, Xva, yva, seed=6, **ARGS)
    np.testing.assert_array_equal(a["train_loss"], b["train_loss"])
    for W, W2 in zip(a["weights"], b["weights"], strict=True):
        np.testing.assert_array_equal(W, W2)
    assert not np.allclose(a["train_loss"], c["train_loss"])


def test_full_batch_equals_plain_gradient_descent():
    Xtr, ytr, Xva, yva = _toy_problem(m=40)
    out = train_mlp(Xtr, ytr, Xva, yva, [3, 4, 1], lr=0.2, epochs=5, batch_size=1000, seed=2)
    ws, bs = backprop.init_params([3, 4, 1], seed=2)
    kw = dict(hidden_activation="tanh", output_activation="linear")
    for _ in range(5):
        _, dWs, dbs = backprop.loss_and_gradients(ws, bs, Xtr.T, ytr[None, :], **kw)
        ws, bs = backprop.sgd_update(ws, bs, dWs, dbs, 0.2)
    final = backprop.network_loss(ws, bs, Xtr.T, ytr[None, :], **kw)
    assert out["train_loss"][-1] == pytest.approx(final, rel=1e-12)


def test_shuffle_order_is_the_documented_one():
    # epoch e visits the rows in np.random.default_rng([seed, e]).permutation(m)
    Xtr, ytr, Xva, yva = _toy_problem(m=25)
    out = train_mlp(Xtr, ytr, Xva, yva, [3, 4, 1], lr=0.3, epochs=2, batch_size=10, seed=8)
    ws, bs = backprop.init_params([3, 4, 1], seed=8)
    kw = dict(hidden_activation="tanh", output_activation="linear")
    for epoch in (1, 2):
        order = np.random.default_rng([8, epoch]).permutation(25)
        for batch in (order[:10], order[10:20], order[20:]):
            _, dWs, dbs = backprop.loss_and_gradients(
                ws, bs, Xtr[batch].T, ytr[batch][None, :], **kw
            )
            ws, bs = backprop.sgd_update(ws, bs, dWs, dbs, 0.3)
    final = backprop.network_loss(ws, bs, Xtr.T, ytr[None, :], **kw)
    assert out["train_loss"][-1] == pytest.approx(final, rel=1e-12)


def test_patience_stops_early_and_agrees_with_early_stopping():
    # a learning rate this large makes validation loss bounce, so patience bites
    Xtr, ytr, Xva, yva = _toy_problem(m=30)
    out = train_mlp(Xtr, ytr, Xva, yva, [3, 32, 1], lr=0.5, epochs=300, batch_size=2,
                    seed=0, patience=3)
    assert out["stop_epoch"] < 300
    assert len(out["val_loss"]) == out["stop_epoch"] + 1
    assert (out["best_epoch"], out["stop_epoch"]) == early_stopping(out["val_loss"], 3)


def test_inputs_are_not_mutated():
    Xtr, ytr, Xva, yva = _toy_problem()
    copies = [a.copy() for a in (Xtr, ytr, Xva, yva)]
    sizes = [3, 8, 1]
    train_mlp(Xtr, ytr, Xva, yva, sizes, lr=0.1, epochs=3, batch_size=16, seed=0)
    for a, a0 in zip((Xtr, ytr, Xva, yva), copies, strict=True):
        np.testing.assert_array_equal(a, a0)
    assert sizes == [3, 8, 1]


def test_shape_errors_are_explained():
    Xtr, ytr, Xva, yva = _toy_problem()
    with pytest.raises(ValueError, match="y_train"):
        train_mlp(Xtr, ytr[:, None], Xva, yva, seed=0, **ARGS)
    with pytest.raises(ValueError, match="one example per row"):
        train_mlp(Xtr.T, ytr, Xva, yva, seed=0, **ARGS)  # columns instead of rows
    with pytest.raises(ValueError, match="end in 1"):
        train_mlp(Xtr, ytr, Xva, yva, [3, 8, 2], lr=0.1, epochs=1, batch_size=4)


@pytest.fixture(scope="module")
def demo() -> dict:
    return overfitting_demo()


def test_overfitting_demo_memorises_the_training_days(demo):
    train, val = demo["train_loss"], demo["val_loss"]
    assert demo["n_parameters"] == 4609 and demo["n_train"] == 40
    assert train[-1] < 0.01 * train[0]  # the 40 training days are memorised
    assert val[-1] / train[-1] > 3.0  # ... and that knowledge does not transfer
    assert val[-1] > val[0]  # validation got worse than the untrained network
    assert demo["best_epoch"] < 0.2 * len(val)  # the best moment was early


def test_overfitting_demo_is_reproducible(demo):
    again = overfitting_demo()
    np.testing.assert_array_equal(again["val_loss"], demo["val_loss"])


def test_train_epoch_returns_new_arrays_and_is_train_mlps_epoch():
    from nnfin.reference.training import train_epoch

    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(3, 11)), rng.normal(size=(1, 11))
    ws, bs = backprop.init_params([3, 4, 1], seed=9)
    before = [a.copy() for a in ws + bs]
    new_ws, new_bs = train_epoch(ws, bs, X, y, 0.1, 4, 9, 1)
    assert all(np.array_equal(a, b) for a, b in zip(ws + bs, before, strict=True))
    assert not any(np.shares_memory(a, b) for a, b in zip(new_ws + new_bs, ws + bs, strict=True))
    run = train_mlp(X.T, y.ravel(), X.T, y.ravel(), [3, 4, 1], 0.1, 1, 4, seed=9)
    tanh = {"hidden_activation": "tanh", "output_activation": "linear"}
    loss = backprop.network_loss(new_ws, new_bs, X, y, **tanh)
    assert loss == pytest.approx(run["train_loss"][1], rel=1e-12)
