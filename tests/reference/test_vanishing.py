"""Vanishing gradients: the 0.25^n bound and what a deep network really does."""

from __future__ import annotations

import numpy as np
import pytest

from nnfin.reference.vanishing import layer_gradient_norms, sigmoid_bound, sigmoid_bound_table


def test_sigmoid_bound_matches_lecture():
    assert sigmoid_bound(0) == 1.0
    assert sigmoid_bound(1) == 0.25
    assert sigmoid_bound(10) == pytest.approx(9.5367e-7, rel=1e-4)  # "about 1e-6"
    with pytest.raises(ValueError):
        sigmoid_bound(-1)


def test_sigmoid_bound_table():
    table = sigmoid_bound_table()
    assert list(table) == [1, 5, 10, 20]
    assert table[1] == 0.25
    assert table[5] == pytest.approx(9.765625e-4, rel=1e-12)
    assert table[10] == pytest.approx(9.5367432e-7, rel=1e-7)
    assert table[20] == pytest.approx(9.094947e-13, rel=1e-6)
    # the lecture's rounded column: 1e-3, 1e-6, 1e-12
    assert [round(float(np.log10(table[n]))) for n in (5, 10, 20)] == [-3, -6, -12]
    assert sigmoid_bound_table((2, 3)) == {2: 0.0625, 3: 0.015625}


def test_norms_shape_and_reproducibility():
    norms = layer_gradient_norms(n_layers=6, width=8, m=16, seed=3)
    assert norms.shape == (6,) and norms.dtype == np.float64
    assert np.all(norms > 0)
    np.testing.assert_array_equal(norms, layer_gradient_norms(n_layers=6, width=8, m=16, seed=3))
    with pytest.raises(ValueError):
        layer_gradient_norms(activation="softplus")


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_sigmoid_gradients_vanish_toward_the_input(seed):
    norms = layer_gradient_norms(n_layers=10, activation="sigmoid", seed=seed)
    # measured first/last ratio: 1e-6 to 2e-5 across these seeds
    assert norms[0] / norms[-1] < 1e-4
    # every layer has a smaller gradient than the one after it ...
    assert np.all(np.diff(norms) > 0)
    # ... typically by about the factor 4 of sigma' <= 0.25
    assert np.median(norms[:-1] / norms[1:]) < 0.35


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_relu_gradients_keep_their_size(seed):
    norms = layer_gradient_norms(n_layers=10, activation="relu", seed=seed)
    # measured max/min: 2.4 to 5 across these seeds
    assert norms.max() / norms.min() < 10
    assert norms[0] / norms[-1] > 0.1
    sigmoid = layer_gradient_norms(n_layers=10, activation="sigmoid", seed=seed)
    assert norms[0] / norms[-1] > 1e3 * sigmoid[0] / sigmoid[-1]
