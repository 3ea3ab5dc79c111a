"""Known wrong answers for 03_backpropagation: each loses exactly the clauses it declares.

The model answers call each other as the hints invite (sigmoid_prime calls sigmoid,
hidden_delta calls sigmoid_prime, train_step_221 and backward call the parts 1 to 5),
so a wrong helper here also reaches the parts that call it: those keep their points
(errors carried forward: they are checked again with a right helper in its place), also
when the helper raises, changes its arguments in place or returns the wrong type. A
caller that crashes by itself while its helpers are right pays for it, and the excuse
cannot be bought: a helper that is wrong only right after its caller ran excuses nothing.
"""

ASSIGNMENT = "03_backpropagation"


def _fn(signature: str, body: str) -> str:
    """An answer cell: the def line and an indented body."""
    lines = [f"def {signature}:"] + ["    " + line for line in body.strip("\n").splitlines()]
    return "\n".join(lines) + "\n"


MUTANTS = [
    # ---------------------------------------------------------------- sigmoid
    {"cell": "sigmoid", "name": "naive formula overflows for very negative z", "clauses": ["C3"],
     "source": _fn("sigmoid(z)", "return 1.0 / (1.0 + np.exp(-z))"),
     "loses": ["test_sigmoid"], "message": "overflow"},
    {"cell": "sigmoid", "name": "exp(z) / (1 + exp(z)) gives nan for large z", "clauses": ["C3"],
     "source": _fn("sigmoid(z)", "return np.exp(z) / (1.0 + np.exp(z))"),
     "loses": ["test_sigmoid"], "message": "NaN or infinity"},
    {"cell": "sigmoid", "name": "sign error inside exp", "clauses": ["C2"],
     "source": _fn("sigmoid(z)", "e = np.exp(-np.abs(z))\n"
                                 "return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))"),
     "loses": ["test_sigmoid"], "message": "sign inside exp"},
    {"cell": "sigmoid", "name": "math.exp works on single numbers only", "clauses": ["C1", "C2", "C3", "C4"],
     "source": "import math\n\n" + _fn("sigmoid(z)", "return 1.0 / (1.0 + math.exp(-z))"),
     "loses": ["test_sigmoid"], "message": "raised TypeError"},
    {"cell": "sigmoid", "name": "exp without importing it (its callers keep their points)", "clauses": ["C1", "C2", "C3", "C4"],
     "source": _fn("sigmoid(z)", "return 1.0 / (1.0 + exp(-z))"),
     "loses": ["test_sigmoid"], "message": "raised NameError"},
    {"cell": "sigmoid", "name": "abs taken in place (right values, changed input)", "clauses": ["C4"],
     "source": _fn("sigmoid(z)", "negative = z < 0\nnp.abs(z, out=z)\ne = np.exp(-z)\n"
                                 "return np.where(negative, e / (1.0 + e), 1.0 / (1.0 + e))"),
     "loses": ["test_sigmoid"], "message": "changed its argument z"},

    # ---------------------------------------------------------- sigmoid_prime
    {"cell": "sigmoid_prime", "name": "formula applied to z instead of sigma(z)", "clauses": ["C2", "C3"],
     "source": _fn("sigmoid_prime(z)", "return z * (1 - z)"),
     "loses": ["test_sigmoid_prime"], "message": "z * (1 - z)"},
    {"cell": "sigmoid_prime", "name": "returns the sigmoid itself", "clauses": ["C2", "C3"],
     "source": _fn("sigmoid_prime(z)", "e = np.exp(-np.abs(z))\n"
                                       "return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))"),
     "loses": ["test_sigmoid_prime"], "message": "sigma(z) itself was returned"},
    {"cell": "sigmoid_prime", "name": "tanh derivative form 1 - s^2", "clauses": ["C2", "C3", "C4"],
     "source": _fn("sigmoid_prime(z)", "s = 1.0 / (1.0 + np.exp(-z))\nreturn 1.0 - s ** 2"),
     "loses": ["test_sigmoid_prime"], "message": "tanh"},
    {"cell": "sigmoid_prime", "name": "unstable exp(z) / (1 + exp(z))^2", "clauses": ["C4"],
     "source": _fn("sigmoid_prime(z)", "return np.exp(z) / (1.0 + np.exp(z)) ** 2"),
     "loses": ["test_sigmoid_prime"], "message": "NaN or infinity"},
    {"cell": "sigmoid_prime", "name": "s * (1 - z): z where s belongs", "clauses": ["C2", "C3"],
     "source": _fn("sigmoid_prime(z)", "s = sigmoid(z)\nreturn s * (1 - z)"),
     "loses": ["test_sigmoid_prime"], "message": "s * (1 - z)"},
    {"cell": "sigmoid_prime", "name": "own naive sigmoid inside (overflow warning)", "clauses": ["C4"],
     "source": _fn("sigmoid_prime(z)", "s = 1.0 / (1.0 + np.exp(-z))\nreturn s * (1 - s)"),
     "loses": ["test_sigmoid_prime"], "message": "overflow"},

    # --------------------------------------------------- composite_derivative
    {"cell": "composite_derivative", "name": "inner derivative g'(x) = 3 forgotten", "clauses": ["C2"],
     "source": _fn("composite_derivative(x)", "return 2 * (3 * x + 1)"),
     "loses": ["test_composite_derivative"], "message": "inner slope g'(x) = 3 is missing"},
    {"cell": "composite_derivative", "name": "outer derivative evaluated at x", "clauses": ["C2"],
     "source": _fn("composite_derivative(x)", "return 2 * x * 3"),
     "loses": ["test_composite_derivative"], "message": "instead of at the inner value"},
    {"cell": "composite_derivative", "name": "returns f(g(x)) instead of its derivative", "clauses": ["C2"],
     "source": _fn("composite_derivative(x)", "return (3 * x + 1) ** 2"),
     "loses": ["test_composite_derivative"], "message": "not its derivative"},
    {"cell": "composite_derivative", "name": "adds the slopes instead of multiplying", "clauses": ["C2"],
     "source": _fn("composite_derivative(x)", "return 2 * (3 * x + 1) + 3"),
     "loses": ["test_composite_derivative"], "message": "multiplies them"},

    # ----------------------------------------------------------- output_delta
    {"cell": "output_delta", "name": "factor 2 from the MSE without 1/2", "clauses": ["C2", "C3"],
     "source": _fn("output_delta(y_hat, y)", "return 2 * (y_hat - y) * y_hat * (1 - y_hat)"),
     "loses": ["test_output_delta"], "message": "extra factor 2"},
    {"cell": "output_delta", "name": "target minus prediction", "clauses": ["C2", "C3"],
     "source": _fn("output_delta(y_hat, y)", "return (y - y_hat) * y_hat * (1 - y_hat)"),
     "loses": ["test_output_delta"], "message": "sign is flipped"},
    {"cell": "output_delta", "name": "missing sigmoid derivative", "clauses": ["C2", "C3"],
     "source": _fn("output_delta(y_hat, y)", "return y_hat - y"),
     "loses": ["test_output_delta"], "message": "derivative y_hat * (1 - y_hat) is missing"},
    {"cell": "output_delta", "name": "divided by m too early", "clauses": ["C2", "C3"],
     "source": _fn("output_delta(y_hat, y)",
                   "return (y_hat - y) * y_hat * (1 - y_hat) / y.shape[1]"),
     "loses": ["test_output_delta"], "message": "divided by m"},
    {"cell": "output_delta", "name": "sigmoid applied to y_hat again", "clauses": ["C2", "C3"],
     "source": _fn("output_delta(y_hat, y)",
                   "s = 1 / (1 + np.exp(-y_hat))\nreturn (y_hat - y) * s * (1 - s)"),
     "loses": ["test_output_delta"], "message": "evaluated at y_hat"},

    # ----------------------------------------------------------- hidden_delta
    {"cell": "hidden_delta", "name": "missing sigma'(z)", "clauses": ["C2", "C3"],
     "source": _fn("hidden_delta(W_next, delta_next, z)", "return W_next.T @ delta_next"),
     "loses": ["test_hidden_delta"], "message": "factor sigma'(z) is missing"},
    {"cell": "hidden_delta", "name": "W_next instead of W_next.T", "clauses": ["C1", "C2", "C3", "C4"],
     "source": _fn("hidden_delta(W_next, delta_next, z)",
                   "s = 1 / (1 + np.exp(-z))\nreturn (W_next @ delta_next) * s * (1 - s)"),
     "loses": ["test_hidden_delta"], "message": "raised ValueError"},
    {"cell": "hidden_delta", "name": "elementwise product where the matrix product belongs", "clauses": ["C1", "C2", "C3", "C4"],
     "source": _fn("hidden_delta(W_next, delta_next, z)",
                   "return (W_next.T * delta_next) * sigmoid_prime(z)"),
     "loses": ["test_hidden_delta"], "message": "matrix product"},
    {"cell": "hidden_delta", "name": "left unfinished (its callers keep their points)", "clauses": ["C1", "C2", "C3", "C4"],
     "source": _fn("hidden_delta(W_next, delta_next, z)", "raise NotImplementedError()"),
     "loses": ["test_hidden_delta"], "message": "NotImplementedError"},
    {"cell": "hidden_delta", "name": "z (1 - z) as the slope", "clauses": ["C2", "C3"],
     "source": _fn("hidden_delta(W_next, delta_next, z)",
                   "return (W_next.T @ delta_next) * z * (1 - z)"),
     "loses": ["test_hidden_delta"], "message": "z * (1 - z)"},
    {"cell": "hidden_delta", "name": "sigma(z) instead of sigma'(z)", "clauses": ["C2", "C3"],
     "source": _fn("hidden_delta(W_next, delta_next, z)",
                   "return (W_next.T @ delta_next) / (1 + np.exp(-z))"),
     "loses": ["test_hidden_delta"], "message": "sigma(z) was used where its derivative"},

    # ------------------------------------------------------- weight_gradients
    {"cell": "weight_gradients", "name": "missing 1/m in dW", "clauses": ["C2", "C3"],
     "source": _fn("weight_gradients(delta, a_prev)",
                   "dW = delta @ a_prev.T\n"
                   "db = np.mean(delta, axis=1, keepdims=True)\n"
                   "return dW, db"),
     "loses": ["test_weight_gradients"], "message": "1/m is missing"},
    {"cell": "weight_gradients", "name": "db summed instead of averaged", "clauses": ["C2", "C4"],
     "source": _fn("weight_gradients(delta, a_prev)",
                   "m = delta.shape[1]\n"
                   "dW = delta @ a_prev.T / m\n"
                   "db = np.sum(delta, axis=1, keepdims=True)\n"
                   "return dW, db"),
     "loses": ["test_weight_gradients"], "message": "sum instead of a mean"},
    {"cell": "weight_gradients", "name": "db of shape (n,) instead of (n, 1)", "clauses": ["C1"],
     "source": _fn("weight_gradients(delta, a_prev)",
                   "m = delta.shape[1]\n"
                   "dW = delta @ a_prev.T / m\n"
                   "db = np.mean(delta, axis=1)\n"
                   "return dW, db"),
     "loses": ["test_weight_gradients"], "message": "keepdims=True"},
    {"cell": "weight_gradients", "name": "transposed dW (a_prev @ delta.T)", "clauses": ["C1", "C2", "C3"],
     "source": _fn("weight_gradients(delta, a_prev)",
                   "m = delta.shape[1]\n"
                   "dW = a_prev @ delta.T / m\n"
                   "db = np.mean(delta, axis=1, keepdims=True)\n"
                   "return dW, db"),
     "loses": ["test_weight_gradients"], "message": "looks transposed"},
    {"cell": "weight_gradients", "name": "db averaged over the wrong axis", "clauses": ["C1", "C2", "C4"],
     "source": _fn("weight_gradients(delta, a_prev)",
                   "m = delta.shape[1]\n"
                   "dW = delta @ a_prev.T / m\n"
                   "db = np.mean(delta, axis=0, keepdims=True)\n"
                   "return dW, db"),
     "loses": ["test_weight_gradients"], "message": "wrong axis"},

    # --------------------------------------------------------- train_step_221
    {"cell": "train_step_221", "name": "in-place update W -= eta * dW", "clauses": ["C9"],
     "source": _fn("train_step_221(W1, b1, W2, b2, x, y, eta)", """
m = x.shape[1]
z1 = W1 @ x + b1
a1 = 1 / (1 + np.exp(-z1))
z2 = W2 @ a1 + b2
y_hat = 1 / (1 + np.exp(-z2))
loss = float(np.sum((y - y_hat) ** 2) / (2 * m))
delta2 = (y_hat - y) * y_hat * (1 - y_hat)
delta1 = (W2.T @ delta2) * a1 * (1 - a1)
dW2 = delta2 @ a1.T / m
db2 = np.mean(delta2, axis=1, keepdims=True)
dW1 = delta1 @ x.T / m
db1 = np.mean(delta1, axis=1, keepdims=True)
W1 -= eta * dW1
b1 -= eta * db1
W2 -= eta * dW2
b2 -= eta * db2
return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
        "W1_new": W1, "b1_new": b1, "W2_new": W2, "b2_new": b2}
"""), "loses": ["test_train_step_221"], "message": "in place"},
    {"cell": "train_step_221", "name": "own crash: W2 instead of W2.T, helpers right", "clauses": ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"],
     "source": _fn("train_step_221(W1, b1, W2, b2, x, y, eta)", """
z1 = W1 @ x + b1
a1 = sigmoid(z1)
z2 = W2 @ a1 + b2
y_hat = sigmoid(z2)
delta2 = output_delta(y_hat, y)
delta1 = (W2 @ delta2) * sigmoid_prime(z1)
m = x.shape[1]
loss = float(np.sum((y - y_hat) ** 2) / (2 * m))
dW2, db2 = weight_gradients(delta2, a1)
dW1, db1 = weight_gradients(delta1, x)
return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
        "W1_new": W1 - eta * dW1, "b1_new": b1 - eta * db1,
        "W2_new": W2 - eta * dW2, "b2_new": b2 - eta * db2}
"""), "loses": ["test_train_step_221"], "message": "raised ValueError"},
    {"cell": "train_step_221", "name": "sign error in the update", "clauses": ["C2", "C7"],
     "source": _fn("train_step_221(W1, b1, W2, b2, x, y, eta)", """
m = x.shape[1]
z1 = W1 @ x + b1
a1 = 1 / (1 + np.exp(-z1))
z2 = W2 @ a1 + b2
y_hat = 1 / (1 + np.exp(-z2))
loss = float(np.sum((y - y_hat) ** 2) / (2 * m))
delta2 = (y_hat - y) * y_hat * (1 - y_hat)
delta1 = (W2.T @ delta2) * a1 * (1 - a1)
dW2 = delta2 @ a1.T / m
db2 = np.mean(delta2, axis=1, keepdims=True)
dW1 = delta1 @ x.T / m
db1 = np.mean(delta1, axis=1, keepdims=True)
return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
        "W1_new": W1 + eta * dW1, "b1_new": b1 + eta * db1,
        "W2_new": W2 + eta * dW2, "b2_new": b2 + eta * db2}
"""), "loses": ["test_train_step_221"], "message": "sign error in the update"},
    {"cell": "train_step_221", "name": "factor 2 in the output delta", "clauses": ["C2", "C5"],
     "source": _fn("train_step_221(W1, b1, W2, b2, x, y, eta)", """
m = x.shape[1]
z1 = W1 @ x + b1
a1 = 1 / (1 + np.exp(-z1))
z2 = W2 @ a1 + b2
y_hat = 1 / (1 + np.exp(-z2))
loss = float(np.sum((y - y_hat) ** 2) / (2 * m))
delta2 = 2 * (y_hat - y) * y_hat * (1 - y_hat)
delta1 = (W2.T @ delta2) * a1 * (1 - a1)
dW2 = delta2 @ a1.T / m
db2 = np.mean(delta2, axis=1, keepdims=True)
dW1 = delta1 @ x.T / m
db1 = np.mean(delta1, axis=1, keepdims=True)
return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
        "W1_new": W1 - eta * dW1, "b1_new": b1 - eta * db1,
        "W2_new": W2 - eta * dW2, "b2_new": b2 - eta * db2}
"""), "loses": ["test_train_step_221"], "message": "extra factor 2"},
    {"cell": "train_step_221", "name": "missing 1/m in the weight gradients (invisible for m = 1)", "clauses": ["C2", "C6"],
     "source": _fn("train_step_221(W1, b1, W2, b2, x, y, eta)", """
m = x.shape[1]
z1 = W1 @ x + b1
a1 = 1 / (1 + np.exp(-z1))
z2 = W2 @ a1 + b2
y_hat = 1 / (1 + np.exp(-z2))
loss = float(np.sum((y - y_hat) ** 2) / (2 * m))
delta2 = (y_hat - y) * y_hat * (1 - y_hat)
delta1 = (W2.T @ delta2) * a1 * (1 - a1)
dW2 = delta2 @ a1.T
db2 = np.mean(delta2, axis=1, keepdims=True)
dW1 = delta1 @ x.T
db1 = np.mean(delta1, axis=1, keepdims=True)
return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
        "W1_new": W1 - eta * dW1, "b1_new": b1 - eta * db1,
        "W2_new": W2 - eta * dW2, "b2_new": b2 - eta * db2}
"""), "loses": ["test_train_step_221"], "message": "1/m is missing"},
    {"cell": "train_step_221", "name": "bias gradients of shape (n,)", "clauses": ["C1"],
     "source": _fn("train_step_221(W1, b1, W2, b2, x, y, eta)", """
m = x.shape[1]
z1 = W1 @ x + b1
a1 = 1 / (1 + np.exp(-z1))
z2 = W2 @ a1 + b2
y_hat = 1 / (1 + np.exp(-z2))
loss = float(np.sum((y - y_hat) ** 2) / (2 * m))
delta2 = (y_hat - y) * y_hat * (1 - y_hat)
delta1 = (W2.T @ delta2) * a1 * (1 - a1)
dW2 = delta2 @ a1.T / m
db2 = np.mean(delta2, axis=1)
dW1 = delta1 @ x.T / m
db1 = np.mean(delta1, axis=1)
return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
        "W1_new": W1 - eta * dW1, "b1_new": b1 - eta * db1,
        "W2_new": W2 - eta * dW2, "b2_new": b2 - eta * db2}
"""), "loses": ["test_train_step_221"], "message": "keepdims=True"},
    {"cell": "train_step_221", "name": "loss without the 1/2", "clauses": ["C2", "C4"],
     "source": _fn("train_step_221(W1, b1, W2, b2, x, y, eta)", """
m = x.shape[1]
z1 = W1 @ x + b1
a1 = 1 / (1 + np.exp(-z1))
z2 = W2 @ a1 + b2
y_hat = 1 / (1 + np.exp(-z2))
loss = float(np.mean((y - y_hat) ** 2))
delta2 = (y_hat - y) * y_hat * (1 - y_hat)
delta1 = (W2.T @ delta2) * a1 * (1 - a1)
dW2 = delta2 @ a1.T / m
db2 = np.mean(delta2, axis=1, keepdims=True)
dW1 = delta1 @ x.T / m
db1 = np.mean(delta1, axis=1, keepdims=True)
return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
        "W1_new": W1 - eta * dW1, "b1_new": b1 - eta * db1,
        "W2_new": W2 - eta * dW2, "b2_new": b2 - eta * db2}
"""), "loses": ["test_train_step_221"], "message": "the 1/2 is missing"},
    {"cell": "train_step_221", "name": "hidden delta without sigma'", "clauses": ["C2", "C5"],
     "source": _fn("train_step_221(W1, b1, W2, b2, x, y, eta)", """
m = x.shape[1]
z1 = W1 @ x + b1
a1 = 1 / (1 + np.exp(-z1))
z2 = W2 @ a1 + b2
y_hat = 1 / (1 + np.exp(-z2))
loss = float(np.sum((y - y_hat) ** 2) / (2 * m))
delta2 = (y_hat - y) * y_hat * (1 - y_hat)
delta1 = W2.T @ delta2
dW2 = delta2 @ a1.T / m
db2 = np.mean(delta2, axis=1, keepdims=True)
dW1 = delta1 @ x.T / m
db1 = np.mean(delta1, axis=1, keepdims=True)
return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
        "W1_new": W1 - eta * dW1, "b1_new": b1 - eta * db1,
        "W2_new": W2 - eta * dW2, "b2_new": b2 - eta * db2}
"""), "loses": ["test_train_step_221"], "message": "factor sigma'(z1) is missing"},
    {"cell": "train_step_221", "name": "reads the lecture's global weights instead of the arguments", "clauses": ["C2", "C3", "C5"],
     "source": _fn("train_step_221(W1, b1, W2, b2, x, y, eta)", """
m = x.shape[1]
z1 = W1_lec @ x + b1_lec
a1 = 1 / (1 + np.exp(-z1))
z2 = W2_lec @ a1 + b2_lec
y_hat = 1 / (1 + np.exp(-z2))
loss = float(np.sum((y - y_hat) ** 2) / (2 * m))
delta2 = (y_hat - y) * y_hat * (1 - y_hat)
delta1 = (W2_lec.T @ delta2) * a1 * (1 - a1)
dW2 = delta2 @ a1.T / m
db2 = np.mean(delta2, axis=1, keepdims=True)
dW1 = delta1 @ x.T / m
db1 = np.mean(delta1, axis=1, keepdims=True)
return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
        "W1_new": W1 - eta * dW1, "b1_new": b1 - eta * db1,
        "W2_new": W2 - eta * dW2, "b2_new": b2 - eta * db2}
"""), "loses": ["test_train_step_221"], "message": "never global variables"},

    {"cell": "train_step_221", "name": "W2 updated before the hidden delta", "clauses": ["C2", "C8"],
     "source": _fn("train_step_221(W1, b1, W2, b2, x, y, eta)", """
m = x.shape[1]
z1 = W1 @ x + b1
a1 = sigmoid(z1)
z2 = W2 @ a1 + b2
y_hat = sigmoid(z2)
loss = float(np.sum((y - y_hat) ** 2) / (2 * m))
delta2 = (y_hat - y) * y_hat * (1 - y_hat)
dW2 = delta2 @ a1.T / m
db2 = np.mean(delta2, axis=1, keepdims=True)
W2_new = W2 - eta * dW2
delta1 = (W2_new.T @ delta2) * a1 * (1 - a1)
dW1 = delta1 @ x.T / m
db1 = np.mean(delta1, axis=1, keepdims=True)
return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
        "W1_new": W1 - eta * dW1, "b1_new": b1 - eta * db1,
        "W2_new": W2_new, "b2_new": b2 - eta * db2}
"""), "loses": ["test_train_step_221"], "message": "updated before delta1"},

    # --------------------------------------------------------------- backward
    {"cell": "backward", "name": "output delta without sigma'", "clauses": ["C2", "C3", "C4"],
     "source": _fn("backward(weights, biases, X, y)", """
zs, acts = forward_pass(weights, biases, X)
m = X.shape[1]
dWs, dbs = [], []
delta = acts[-1] - y
for layer in reversed(range(len(weights))):
    dWs.insert(0, delta @ acts[layer].T / m)
    dbs.insert(0, np.mean(delta, axis=1, keepdims=True))
    if layer > 0:
        delta = (weights[layer].T @ delta) * acts[layer] * (1 - acts[layer])
return dWs, dbs
"""), "loses": ["test_backward"], "message": "output delta misses the sigmoid derivative"},
    {"cell": "backward", "name": "written out for one hidden layer only", "clauses": ["C2", "C3", "C4", "C5"],
     "source": _fn("backward(weights, biases, X, y)", """
zs, acts = forward_pass(weights, biases, X)
m = X.shape[1]
delta2 = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
dW2 = delta2 @ acts[1].T / m
db2 = np.mean(delta2, axis=1, keepdims=True)
delta1 = (weights[1].T @ delta2) * acts[1] * (1 - acts[1])
dW1 = delta1 @ acts[0].T / m
db1 = np.mean(delta1, axis=1, keepdims=True)
return [dW1, dW2], [db1, db2]
"""), "loses": ["test_backward"], "message": "fixed number of layers"},
    {"cell": "backward", "name": "missing sigma' in the hidden deltas", "clauses": ["C2", "C3", "C4"],
     "source": _fn("backward(weights, biases, X, y)", """
zs, acts = forward_pass(weights, biases, X)
m = X.shape[1]
dWs, dbs = [], []
delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
for layer in reversed(range(len(weights))):
    dWs.insert(0, delta @ acts[layer].T / m)
    dbs.insert(0, np.mean(delta, axis=1, keepdims=True))
    if layer > 0:
        delta = weights[layer].T @ delta
return dWs, dbs
"""), "loses": ["test_backward"], "message": "miss the factor sigma'(z)"},
    {"cell": "backward", "name": "W instead of W.T in the recursion", "clauses": ["C1", "C2", "C3", "C4", "C6"],
     "source": _fn("backward(weights, biases, X, y)", """
zs, acts = forward_pass(weights, biases, X)
m = X.shape[1]
dWs, dbs = [], []
delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
for layer in reversed(range(len(weights))):
    dWs.insert(0, delta @ acts[layer].T / m)
    dbs.insert(0, np.mean(delta, axis=1, keepdims=True))
    if layer > 0:
        delta = (weights[layer] @ delta) * acts[layer] * (1 - acts[layer])
return dWs, dbs
"""), "loses": ["test_backward"], "message": "transposed weight matrix"},
    {"cell": "backward", "name": "missing 1/m", "clauses": ["C2", "C3"],
     "source": _fn("backward(weights, biases, X, y)", """
zs, acts = forward_pass(weights, biases, X)
dWs, dbs = [], []
delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
for layer in reversed(range(len(weights))):
    dWs.insert(0, delta @ acts[layer].T)
    dbs.insert(0, np.mean(delta, axis=1, keepdims=True))
    if layer > 0:
        delta = (weights[layer].T @ delta) * acts[layer] * (1 - acts[layer])
return dWs, dbs
"""), "loses": ["test_backward"], "message": "1/m is missing"},
    {"cell": "backward", "name": "factor 2 in the output delta", "clauses": ["C2", "C3", "C4"],
     "source": _fn("backward(weights, biases, X, y)", """
zs, acts = forward_pass(weights, biases, X)
m = X.shape[1]
dWs, dbs = [], []
delta = 2 * (acts[-1] - y) * acts[-1] * (1 - acts[-1])
for layer in reversed(range(len(weights))):
    dWs.insert(0, delta @ acts[layer].T / m)
    dbs.insert(0, np.mean(delta, axis=1, keepdims=True))
    if layer > 0:
        delta = (weights[layer].T @ delta) * acts[layer] * (1 - acts[layer])
return dWs, dbs
"""), "loses": ["test_backward"], "message": "extra factor 2"},
    {"cell": "backward", "name": "bias gradients summed over the batch", "clauses": ["C2", "C4"],
     "source": _fn("backward(weights, biases, X, y)", """
zs, acts = forward_pass(weights, biases, X)
m = X.shape[1]
dWs, dbs = [], []
delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
for layer in reversed(range(len(weights))):
    dWs.insert(0, delta @ acts[layer].T / m)
    dbs.insert(0, np.sum(delta, axis=1, keepdims=True))
    if layer > 0:
        delta = (weights[layer].T @ delta) * acts[layer] * (1 - acts[layer])
return dWs, dbs
"""), "loses": ["test_backward"], "message": "sum instead of a mean"},
    {"cell": "backward", "name": "gradients appended output-first and never reversed", "clauses": ["C1", "C2", "C3", "C4"],
     "source": _fn("backward(weights, biases, X, y)", """
zs, acts = forward_pass(weights, biases, X)
m = X.shape[1]
dWs, dbs = [], []
delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
for layer in reversed(range(len(weights))):
    dWs.append(delta @ acts[layer].T / m)
    dbs.append(np.mean(delta, axis=1, keepdims=True))
    if layer > 0:
        delta = (weights[layer].T @ delta) * acts[layer] * (1 - acts[layer])
return dWs, dbs
"""), "loses": ["test_backward"], "message": "look reversed"},
    {"cell": "backward", "name": "bias gradients of shape (n,)", "clauses": ["C1"],
     "source": _fn("backward(weights, biases, X, y)", """
zs, acts = forward_pass(weights, biases, X)
m = X.shape[1]
dWs, dbs = [], []
delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
for layer in reversed(range(len(weights))):
    dWs.insert(0, delta @ acts[layer].T / m)
    dbs.insert(0, np.mean(delta, axis=1))
    if layer > 0:
        delta = (weights[layer].T @ delta) * acts[layer] * (1 - acts[layer])
return dWs, dbs
"""), "loses": ["test_backward"], "message": "keepdims=True"},
    {"cell": "backward", "name": "in-place change of the caller's weight list", "clauses": ["C6"],
     "source": _fn("backward(weights, biases, X, y)", """
zs, acts = forward_pass(weights, biases, X)
m = X.shape[1]
dWs, dbs = [], []
delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
for layer in reversed(range(len(weights))):
    dWs.insert(0, delta @ acts[layer].T / m)
    dbs.insert(0, np.mean(delta, axis=1, keepdims=True))
    if layer > 0:
        delta = (weights[layer].T @ delta) * acts[layer] * (1 - acts[layer])
    weights[layer] -= 0.1 * dWs[0]
return dWs, dbs
"""), "loses": ["test_backward"], "message": "in place"},

    # ------------------------------------------------------- count_parameters
    {"cell": "count_parameters", "name": "weights only, no biases", "clauses": ["C2", "C3"],
     "source": _fn("count_parameters(layer_sizes)",
                   "return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))"),
     "loses": ["test_count_parameters"], "message": "only the weights were counted"},
    {"cell": "count_parameters", "name": "biases for the input layer too", "clauses": ["C2", "C3"],
     "source": _fn("count_parameters(layer_sizes)",
                   "weights = sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))\n"
                   "return weights + sum(layer_sizes)"),
     "loses": ["test_count_parameters"], "message": "input layer got biases"},
    {"cell": "count_parameters", "name": "returns a float", "clauses": ["C1"],
     "source": _fn("count_parameters(layer_sizes)",
                   "sizes = np.array(layer_sizes, dtype=float)\n"
                   "return float(np.sum(sizes[:-1] * sizes[1:] + sizes[1:]))"),
     "loses": ["test_count_parameters"], "message": "whole number (int)"},
    {"cell": "count_parameters", "name": "hard-coded lecture answer", "clauses": ["C1", "C2", "C3", "C4"],
     "source": _fn("count_parameters(layer_sizes)", "return 111"),
     "loses": ["test_count_parameters"], "message": "whatever its inputs"},

    # ------------------------------------------------- sigmoid_gradient_bound
    {"cell": "sigmoid_gradient_bound", "name": "0.5 ** n: value of sigma(0), not its slope", "clauses": ["C2", "C3"],
     "source": _fn("sigmoid_gradient_bound(n_layers)", "return 0.5 ** n_layers"),
     "loses": ["test_sigmoid_gradient_bound"], "message": "0.5 ** n"},
    {"cell": "sigmoid_gradient_bound", "name": "0.25 * n: adds instead of multiplying", "clauses": ["C2", "C3", "C4"],
     "source": _fn("sigmoid_gradient_bound(n_layers)", "return 0.25 * n_layers"),
     "loses": ["test_sigmoid_gradient_bound"], "message": "the factors multiply"},
    {"cell": "sigmoid_gradient_bound", "name": "off by one", "clauses": ["C2", "C3", "C4"],
     "source": _fn("sigmoid_gradient_bound(n_layers)", "return 0.25 ** (n_layers - 1)"),
     "loses": ["test_sigmoid_gradient_bound"], "message": "off-by-one"},
    {"cell": "sigmoid_gradient_bound", "name": "returns the whole table as an array", "clauses": ["C1", "C2", "C3", "C4"],
     "source": _fn("sigmoid_gradient_bound(n_layers)",
                   "return 0.25 ** np.arange(1, n_layers + 1)"),
     "loses": ["test_sigmoid_gradient_bound"], "message": "one number"},
]

# Mistakes that each break one clause of the contract alone (besides, where the lecture's numbers
# exercise the same rule, the lecture clause): together with those above, every clause has one.
SIGMOID_OK = "e = np.exp(-np.abs(z))\nreturn np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))"
STEP = "train_step_221(W1, b1, W2, b2, x, y, eta)"
STEP_HEAD = """m = x.shape[1]
z1 = W1 @ x + b1
a1 = sigmoid(z1)
z2 = W2 @ a1 + b2
y_hat = sigmoid(z2)
loss = float(np.sum((y - y_hat) ** 2) / (2 * m))
delta2 = output_delta(y_hat, y)
delta1 = hidden_delta(W2, delta2, z1)
"""
STEP_TAIL = """return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
        "W1_new": W1 - eta * dW1, "b1_new": b1 - eta * db1,
        "W2_new": W2 - eta * dW2, "b2_new": b2 - eta * db2}
"""
STEP_OK = STEP_HEAD + "dW2, db2 = weight_gradients(delta2, a1)\ndW1, db1 = weight_gradients(delta1, x)\n" + STEP_TAIL
BACKWARD = "backward(weights, biases, X, y)"
BACKWARD_OK = """zs, activations = forward_pass(weights, biases, X)
n_layers = len(weights)
dWs, dbs = [None] * n_layers, [None] * n_layers
delta = output_delta(activations[-1], y)
for layer in range(n_layers - 1, -1, -1):
    dWs[layer], dbs[layer] = weight_gradients(delta, activations[layer])
    if layer > 0:
        delta = hidden_delta(weights[layer], delta, zs[layer - 1])
return dWs, dbs
"""
# a right sigmoid_gradient_bound built on the student's own sigmoid_prime(0) (errors carried forward)
BOUND_VIA_PRIME = _fn("sigmoid_gradient_bound(n_layers)", "return float(sigmoid_prime(np.zeros(1))[0] ** n_layers)")
IN_PLACE_GRADIENTS = _fn("weight_gradients(delta, a_prev)",
                         "delta /= delta.shape[1]\nreturn delta @ a_prev.T, np.sum(delta, axis=1, keepdims=True)")

MUTANTS += [
    # ---------------------------------------------------------------- sigmoid
    {"cell": "sigmoid", "name": "a flat Python list, one entry at a time", "clauses": ["C1"],
     "source": "import math\n\n" + _fn("sigmoid(z)", "return [1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v)) for v in np.ravel(z)]"),
     "message": "should be a numpy array"},
    # ---------------------------------------------------------- sigmoid_prime
    {"cell": "sigmoid_prime", "name": "a nested Python list (tolist())", "clauses": ["C1"],
     "source": _fn("sigmoid_prime(z)", "s = sigmoid(z)\nreturn (s * (1 - s)).tolist()"),
     "message": "should be a numpy array"},
    {"cell": "sigmoid_prime", "name": "special-cases z = 0 with the sigmoid's value 0.5", "clauses": ["C2"],
     "source": _fn("sigmoid_prime(z)", "s = sigmoid(z)\nreturn np.where(z == 0, 0.5, s * (1 - s))"),
     "message": "0.25"},
    {"cell": "sigmoid_prime", "name": "sigma' evaluated at sigma(z)", "clauses": ["C2", "C3"],
     "source": _fn("sigmoid_prime(z)", "s = sigmoid(sigmoid(z))\nreturn s * (1 - s)"),
     "message": "evaluated at sigma(z)"},
    {"cell": "sigmoid_prime", "name": "the activation written into z (right values, changed input)", "clauses": ["C5"],
     "source": _fn("sigmoid_prime(z)", "z[...] = sigmoid(z)\nreturn z * (1 - z)"),
     "message": "changed its argument z"},
    # --------------------------------------------------- composite_derivative
    {"cell": "composite_derivative", "name": "an array of one number for a number (np.atleast_1d)", "clauses": ["C1"],
     "source": _fn("composite_derivative(x)", "return np.atleast_1d(6.0 * (3 * np.asarray(x) + 1))"),
     "message": "one number"},
    {"cell": "composite_derivative", "name": "builds 3x + 1 in x itself (right values, changed input)", "clauses": ["C3"],
     "source": _fn("composite_derivative(x)", "if isinstance(x, np.ndarray):\n    x *= 3\n    x += 1\n    return 6 * x\nreturn 6 * (3 * x + 1)"),
     "message": "changed its argument x"},
    {"cell": "composite_derivative", "name": "f'(u) = u instead of 2u", "clauses": ["C2"],
     "source": _fn("composite_derivative(x)", "return (3 * x + 1) * 3"),
     "message": "derivative of u^2 is 2u"},
    {"cell": "composite_derivative", "name": "brackets missing: 18x + 1", "clauses": ["C2"],
     "source": _fn("composite_derivative(x)", "return 6 * 3 * x + 1"),
     "message": "brackets are missing"},
    # ----------------------------------------------------------- output_delta
    {"cell": "output_delta", "name": "the factor y_hat of the slope missing", "clauses": ["C2", "C3"],
     "source": _fn("output_delta(y_hat, y)", "return (y_hat - y) * (1 - y_hat)"),
     "message": "factor y_hat of the slope"},
    {"cell": "output_delta", "name": "squeezed to 1-D", "clauses": ["C1"],
     "source": _fn("output_delta(y_hat, y)", "return np.squeeze((y_hat - y) * y_hat * (1 - y_hat))"),
     "message": "should have shape"},
    {"cell": "output_delta", "name": "hard-codes the lecture's rounded -0.089 for one example", "clauses": ["C2"],
     "source": _fn("output_delta(y_hat, y)", "if y_hat.size == 1:\n    return np.array([[-0.089]])\nreturn (y_hat - y) * y_hat * (1 - y_hat)"),
     "message": "-0.089"},
    {"cell": "output_delta", "name": "the slope written into y_hat (right values, changed input)", "clauses": ["C4"],
     "source": _fn("output_delta(y_hat, y)", "error = y_hat - y\ny_hat *= 1 - y_hat\nreturn error * y_hat"),
     "message": "changed its argument y_hat"},
    # ----------------------------------------------------------- hidden_delta
    {"cell": "hidden_delta", "name": "a nested Python list (tolist())", "clauses": ["C1"],
     "source": _fn("hidden_delta(W_next, delta_next, z)", "return ((W_next.T @ delta_next) * sigmoid_prime(z)).tolist()"),
     "message": "should be a numpy array"},
    {"cell": "hidden_delta", "name": "hard-codes the notebook's rounded delta(1) for one example", "clauses": ["C2"],
     "source": _fn("hidden_delta(W_next, delta_next, z)", "if z.shape == (2, 1):\n    return np.array([[-0.0066], [-0.0111]])\nreturn (W_next.T @ delta_next) * sigmoid_prime(z)"),
     "message": "2-2-1 delta(1)"},
    {"cell": "hidden_delta", "name": "sigma' evaluated at the activation sigma(z)", "clauses": ["C2", "C3"],
     "source": _fn("hidden_delta(W_next, delta_next, z)", "return (W_next.T @ delta_next) * sigmoid_prime(sigmoid(z))"),
     "message": "evaluated at sigma(z)"},
    {"cell": "hidden_delta", "name": "the slope written into z (right values, changed input)", "clauses": ["C4"],
     "source": _fn("hidden_delta(W_next, delta_next, z)", "z[...] = sigmoid_prime(z)\nreturn (W_next.T @ delta_next) * z"),
     "message": "changed its argument z"},
    # ------------------------------------------------------- weight_gradients
    {"cell": "weight_gradients", "name": "rounds the one-example case to three decimals, like the slides", "clauses": ["C2"],
     "source": _fn("weight_gradients(delta, a_prev)", "m = delta.shape[1]\ndW = delta @ a_prev.T / m\ndb = np.mean(delta, axis=1, keepdims=True)\nif m == 1:\n    return np.round(dW, 3), np.round(db, 3)\nreturn dW, db"),
     "message": "dW(2) = delta(2) a(1)^T"},
    {"cell": "weight_gradients", "name": "divides the caller's delta by m in place", "clauses": ["C5"], "source": IN_PLACE_GRADIENTS,
     "message": "changed its argument delta"},
    # --------------------------------------------------------- train_step_221
    {"cell": "train_step_221", "name": "db2 returned as a float (right value)", "clauses": ["C1"],
     "source": _fn(STEP, STEP_HEAD + "dW2, db2 = weight_gradients(delta2, a1)\ndb2 = float(db2[0, 0])\ndW1, db1 = weight_gradients(delta1, x)\n" + STEP_TAIL),
     "message": "key 'db2'"},
    {"cell": "train_step_221", "name": "hard-codes the lecture's rounded numbers for its example", "clauses": ["C2"],
     "source": _fn(STEP, STEP_OK.replace("return {", "if np.allclose(x, [[0.5], [0.8]]):\n    y_hat, loss, delta2 = np.array([[0.62]]), 0.072, np.array([[-0.089]])\nreturn {")),
     "message": "the lecture's step"},
    {"cell": "train_step_221", "name": "forgets b1 in z1", "clauses": ["C2", "C3"],
     "source": _fn(STEP, STEP_OK.replace("z1 = W1 @ x + b1", "z1 = W1 @ x")),
     "message": "bias b1 is missing"},
    {"cell": "train_step_221", "name": "sigma' of the hidden layer evaluated at a1", "clauses": ["C2", "C5"],
     "source": _fn(STEP, STEP_OK.replace("hidden_delta(W2, delta2, z1)", "hidden_delta(W2, delta2, a1)")),
     "message": "evaluated at a1"},
    {"cell": "train_step_221", "name": "the lecture's learning rate 0.1 in place of eta", "clauses": ["C2", "C7"],
     "source": _fn(STEP, STEP_OK.replace("eta *", "0.1 *")),
     "message": "argument eta"},
    {"cell": "train_step_221", "name": "loss summed over the batch", "clauses": ["C2", "C4"],
     "source": _fn(STEP, STEP_OK.replace("np.sum((y - y_hat) ** 2) / (2 * m)", "np.sum((y - y_hat) ** 2) / 2")),
     "message": "summed over the batch"},
    # --------------------------------------------------------------- backward
    {"cell": "backward", "name": "hard-codes the lecture's rounded gradients for its network", "clauses": ["C2"],
     "source": _fn("_all_gradients(weights, biases, X, y)", BACKWARD_OK) + "\n\n" + _fn(BACKWARD, "dWs, dbs = _all_gradients(weights, biases, X, y)\nif X.shape == (2, 1) and len(weights) == 2:\n    return [np.round(g, 3) for g in dWs], [np.round(g, 3) for g in dbs]\nreturn dWs, dbs"),
     "message": "2-2-1 gradients"},
    {"cell": "backward", "name": "assumes a hidden layer (do-while loop)", "clauses": ["C5"],
     "source": _fn(BACKWARD, """zs, activations = forward_pass(weights, biases, X)
n_layers = len(weights)
dWs, dbs = [None] * n_layers, [None] * n_layers
delta = output_delta(activations[-1], y)
dWs[-1], dbs[-1] = weight_gradients(delta, activations[-2])
layer = n_layers - 2
while True:
    delta = hidden_delta(weights[layer + 1], delta, zs[layer])
    dWs[layer], dbs[layer] = weight_gradients(delta, activations[layer])
    if layer == 0:
        break
    layer -= 1
return dWs, dbs
"""), "message": "single layer"},
    {"cell": "backward", "name": "handles only the last two layers", "clauses": ["C2", "C3", "C4"],
     "source": _fn(BACKWARD, """zs, activations = forward_pass(weights, biases, X)
dWs = [np.zeros_like(W) for W in weights]
dbs = [np.zeros_like(b) for b in biases]
delta = output_delta(activations[-1], y)
dWs[-1], dbs[-1] = weight_gradients(delta, activations[-2])
if len(weights) > 1:
    delta = hidden_delta(weights[-1], delta, zs[-2])
    dWs[-2], dbs[-2] = weight_gradients(delta, activations[-3])
return dWs, dbs
"""), "message": "fixed number of layers"},
    {"cell": "backward", "name": "sigma' evaluated at the activations", "clauses": ["C2", "C3", "C4"],
     "source": _fn(BACKWARD, BACKWARD_OK.replace("hidden_delta(weights[layer], delta, zs[layer - 1])",
                                                 "hidden_delta(weights[layer], delta, activations[layer])")),
     "message": "evaluated at the activations"},
    {"cell": "backward", "name": "bias gradients averaged over the units", "clauses": ["C1", "C2", "C4"],
     "source": _fn(BACKWARD, BACKWARD_OK.replace("dWs[layer], dbs[layer] = weight_gradients(delta, activations[layer])",
                                                 "dWs[layer] = delta @ activations[layer].T / X.shape[1]\n    dbs[layer] = np.mean(delta, axis=0, keepdims=True)")),
     "message": "wrong axis"},
    {"cell": "backward", "name": "dW from the layer's own activation", "clauses": ["C1", "C2", "C3"],
     "source": _fn(BACKWARD, BACKWARD_OK.replace("dWs[layer], dbs[layer] = weight_gradients(delta, activations[layer])",
                                                 "dWs[layer], dbs[layer] = weight_gradients(delta, activations[layer + 1])")),
     "message": "own activation"},
    # ------------------------------------------------------- count_parameters
    {"cell": "count_parameters", "name": "hard-codes a wrong 110 for the lecture's network", "clauses": ["C2"],
     "source": _fn("count_parameters(layer_sizes)", "if layer_sizes == [4, 10, 5, 1]:\n    return 110\nreturn int(sum(a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])))"),
     "message": "111"},
    {"cell": "count_parameters", "name": "consumes the list with pop", "clauses": ["C4"],
     "source": _fn("count_parameters(layer_sizes)", "total = 0\nprevious = layer_sizes.pop(0)\nwhile layer_sizes:\n    n = layer_sizes.pop(0)\n    total += n * previous + n\n    previous = n\nreturn total"),
     "message": "changed its argument layer_sizes"},
    {"cell": "count_parameters", "name": "biases for the inputs of each layer", "clauses": ["C2", "C3"],
     "source": _fn("count_parameters(layer_sizes)", "return sum(a * b + a for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))"),
     "message": "one bias per unit"},
    # ------------------------------------------------- sigmoid_gradient_bound
    {"cell": "sigmoid_gradient_bound", "name": "an array of one number", "clauses": ["C1"],
     "source": _fn("sigmoid_gradient_bound(n_layers)", "return np.array([0.25 ** n_layers])"),
     "message": "one number"},
    {"cell": "sigmoid_gradient_bound", "name": "the lecture's rounded table", "clauses": ["C2"],
     "source": _fn("sigmoid_gradient_bound(n_layers)", "return {1: 0.25, 5: 1e-3, 10: 1e-6, 20: 1e-12}.get(n_layers, 0.25 ** n_layers)"),
     "message": "lecture's table"},
    {"cell": "sigmoid_gradient_bound", "name": "a loop that starts with one factor", "clauses": ["C4"],
     "source": _fn("sigmoid_gradient_bound(n_layers)", "bound = 0.25\nfor _ in range(n_layers - 1):\n    bound *= 0.25\nreturn bound"),
     "message": "1.0"},
    # ------------------------------------------------- errors carried forward, whole
    {"cell": "sigmoid_prime", "name": "returns sigma itself, called by sigmoid_gradient_bound", "clauses": ["C2", "C3"],
     "source": _fn("sigmoid_prime(z)", "return sigmoid(z)"),
     "also": {"sigmoid_gradient_bound": BOUND_VIA_PRIME}, "message": "sigma(z) itself was returned"},
    {"cell": "weight_gradients", "name": "divides delta in place, called by self-contained callers", "clauses": ["C5"],
     "source": IN_PLACE_GRADIENTS,
     "also": {"train_step_221": _fn(STEP, STEP_OK), "backward": _fn(BACKWARD, BACKWARD_OK)},
     "message": "changed its argument delta"},
    {"cell": "output_delta", "name": "a nested list (tolist()), called by train_step_221 and backward", "clauses": ["C1"],
     "source": _fn("output_delta(y_hat, y)", "return ((y_hat - y) * y_hat * (1 - y_hat)).tolist()"),
     "message": "should be a numpy array"},
    {"cell": "sigmoid", "name": "a list of rows, called by sigmoid_prime and the rest", "clauses": ["C1"],
     "source": _fn("sigmoid(z)", SIGMOID_OK.replace("return np.where", "return list(np.where") + ")"),
     "message": "should be a numpy array"},
    # ------------------------------------------------- excuses that cannot be bought
    {"cell": "train_step_221", "name": "raises, beside a sigmoid that raises the same right after it", "clauses": ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"],
     "stateful": True,
     "source": _fn(STEP, "_LAST[0] = W1 @ x + b1\nraise ValueError('shapes do not match')"),
     "also": {"sigmoid": "_LAST = [None]\n\n\n" + _fn("sigmoid(z)", "last, _LAST[0] = _LAST[0], None\nif last is not None and np.shape(z) == np.shape(last) and np.allclose(z, last):\n    raise ValueError('shapes do not match')\n" + SIGMOID_OK)},
     "message": "raised ValueError"},
]
