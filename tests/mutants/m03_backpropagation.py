"""Known wrong answers for 03_backpropagation: each must lose exactly its part, with a named mistake.

The model answers call each other as the hints invite (sigmoid_prime calls sigmoid,
hidden_delta calls sigmoid_prime, train_step_221 and backward call the parts 1 to 5),
so a wrong helper here also reaches the parts that call it: those must keep their
points (error carried forward). So must a caller that crashes only because its
helper raises the same exception (the crash is charged to the helper), except for
NotImplementedError and NameError: such mutants list every part they cost, and a
caller that crashes by itself while its helpers run pays for it.
"""

ASSIGNMENT = "03_backpropagation"


def _fn(signature: str, body: str) -> str:
    """An answer cell: the def line and an indented body."""
    lines = [f"def {signature}:"] + ["    " + line for line in body.strip("\n").splitlines()]
    return "\n".join(lines) + "\n"


MUTANTS = [
    # ---------------------------------------------------------------- sigmoid
    {"cell": "sigmoid", "name": "naive formula overflows for very negative z",
     "source": _fn("sigmoid(z)", "return 1.0 / (1.0 + np.exp(-z))"),
     "loses": ["test_sigmoid"], "message": "overflow"},
    {"cell": "sigmoid", "name": "exp(z) / (1 + exp(z)) gives nan for large z",
     "source": _fn("sigmoid(z)", "return np.exp(z) / (1.0 + np.exp(z))"),
     "loses": ["test_sigmoid"], "message": "NaN or infinity"},
    {"cell": "sigmoid", "name": "sign error inside exp",
     "source": _fn("sigmoid(z)", "e = np.exp(-np.abs(z))\n"
                                 "return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))"),
     "loses": ["test_sigmoid"], "message": "sign inside exp"},
    {"cell": "sigmoid", "name": "math.exp works on single numbers only",
     "source": "import math\n\n" + _fn("sigmoid(z)", "return 1.0 / (1.0 + math.exp(-z))"),
     "loses": ["test_sigmoid"], "message": "raised TypeError"},
    {"cell": "sigmoid", "name": "exp without importing it (NameError is never carried forward)",
     "source": _fn("sigmoid(z)", "return 1.0 / (1.0 + exp(-z))"),
     "loses": ["test_sigmoid", "test_sigmoid_prime", "test_hidden_delta", "test_train_step_221",
               "test_backward"], "message": "raised NameError"},
    {"cell": "sigmoid", "name": "abs taken in place (right values, changed input)",
     "source": _fn("sigmoid(z)", "negative = z < 0\nnp.abs(z, out=z)\ne = np.exp(-z)\n"
                                 "return np.where(negative, e / (1.0 + e), 1.0 / (1.0 + e))"),
     "loses": ["test_sigmoid"], "message": "changed its input"},

    # ---------------------------------------------------------- sigmoid_prime
    {"cell": "sigmoid_prime", "name": "formula applied to z instead of sigma(z)",
     "source": _fn("sigmoid_prime(z)", "return z * (1 - z)"),
     "loses": ["test_sigmoid_prime"], "message": "z * (1 - z)"},
    {"cell": "sigmoid_prime", "name": "returns the sigmoid itself",
     "source": _fn("sigmoid_prime(z)", "e = np.exp(-np.abs(z))\n"
                                       "return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))"),
     "loses": ["test_sigmoid_prime"], "message": "sigma(z) itself was returned"},
    {"cell": "sigmoid_prime", "name": "tanh derivative form 1 - s^2",
     "source": _fn("sigmoid_prime(z)", "s = 1.0 / (1.0 + np.exp(-z))\nreturn 1.0 - s ** 2"),
     "loses": ["test_sigmoid_prime"], "message": "tanh"},
    {"cell": "sigmoid_prime", "name": "unstable exp(z) / (1 + exp(z))^2",
     "source": _fn("sigmoid_prime(z)", "return np.exp(z) / (1.0 + np.exp(z)) ** 2"),
     "loses": ["test_sigmoid_prime"], "message": "NaN or infinity"},
    {"cell": "sigmoid_prime", "name": "s * (1 - z): z where s belongs",
     "source": _fn("sigmoid_prime(z)", "s = sigmoid(z)\nreturn s * (1 - z)"),
     "loses": ["test_sigmoid_prime"], "message": "s * (1 - z)"},
    {"cell": "sigmoid_prime", "name": "own naive sigmoid inside (overflow warning)",
     "source": _fn("sigmoid_prime(z)", "s = 1.0 / (1.0 + np.exp(-z))\nreturn s * (1 - s)"),
     "loses": ["test_sigmoid_prime"], "message": "overflow"},

    # --------------------------------------------------- composite_derivative
    {"cell": "composite_derivative", "name": "inner derivative g'(x) = 3 forgotten",
     "source": _fn("composite_derivative(x)", "return 2 * (3 * x + 1)"),
     "loses": ["test_composite_derivative"], "message": "inner slope g'(x) = 3 is missing"},
    {"cell": "composite_derivative", "name": "outer derivative evaluated at x",
     "source": _fn("composite_derivative(x)", "return 2 * x * 3"),
     "loses": ["test_composite_derivative"], "message": "instead of at the inner value"},
    {"cell": "composite_derivative", "name": "returns f(g(x)) instead of its derivative",
     "source": _fn("composite_derivative(x)", "return (3 * x + 1) ** 2"),
     "loses": ["test_composite_derivative"], "message": "not its derivative"},
    {"cell": "composite_derivative", "name": "adds the slopes instead of multiplying",
     "source": _fn("composite_derivative(x)", "return 2 * (3 * x + 1) + 3"),
     "loses": ["test_composite_derivative"], "message": "multiplies them"},

    # ----------------------------------------------------------- output_delta
    {"cell": "output_delta", "name": "factor 2 from the MSE without 1/2",
     "source": _fn("output_delta(y_hat, y)", "return 2 * (y_hat - y) * y_hat * (1 - y_hat)"),
     "loses": ["test_output_delta"], "message": "extra factor 2"},
    {"cell": "output_delta", "name": "target minus prediction",
     "source": _fn("output_delta(y_hat, y)", "return (y - y_hat) * y_hat * (1 - y_hat)"),
     "loses": ["test_output_delta"], "message": "sign is flipped"},
    {"cell": "output_delta", "name": "missing sigmoid derivative",
     "source": _fn("output_delta(y_hat, y)", "return y_hat - y"),
     "loses": ["test_output_delta"], "message": "derivative y_hat * (1 - y_hat) is missing"},
    {"cell": "output_delta", "name": "divided by m too early",
     "source": _fn("output_delta(y_hat, y)",
                   "return (y_hat - y) * y_hat * (1 - y_hat) / y.shape[1]"),
     "loses": ["test_output_delta"], "message": "divided by m"},
    {"cell": "output_delta", "name": "sigmoid applied to y_hat again",
     "source": _fn("output_delta(y_hat, y)",
                   "s = 1 / (1 + np.exp(-y_hat))\nreturn (y_hat - y) * s * (1 - s)"),
     "loses": ["test_output_delta"], "message": "applied to y_hat again"},

    # ----------------------------------------------------------- hidden_delta
    {"cell": "hidden_delta", "name": "missing sigma'(z)",
     "source": _fn("hidden_delta(W_next, delta_next, z)", "return W_next.T @ delta_next"),
     "loses": ["test_hidden_delta"], "message": "factor sigma'(z) is missing"},
    {"cell": "hidden_delta", "name": "W_next instead of W_next.T",
     "source": _fn("hidden_delta(W_next, delta_next, z)",
                   "s = 1 / (1 + np.exp(-z))\nreturn (W_next @ delta_next) * s * (1 - s)"),
     "loses": ["test_hidden_delta"], "message": "raised ValueError"},
    {"cell": "hidden_delta", "name": "elementwise product where the matrix product belongs",
     "source": _fn("hidden_delta(W_next, delta_next, z)",
                   "return (W_next.T * delta_next) * sigmoid_prime(z)"),
     "loses": ["test_hidden_delta"], "message": "matrix product"},
    {"cell": "hidden_delta", "name": "left unfinished (NotImplementedError is never carried forward)",
     "source": _fn("hidden_delta(W_next, delta_next, z)", "raise NotImplementedError()"),
     "loses": ["test_hidden_delta", "test_train_step_221", "test_backward"],
     "message": "NotImplementedError"},
    {"cell": "hidden_delta", "name": "z (1 - z) as the slope",
     "source": _fn("hidden_delta(W_next, delta_next, z)",
                   "return (W_next.T @ delta_next) * z * (1 - z)"),
     "loses": ["test_hidden_delta"], "message": "z * (1 - z)"},
    {"cell": "hidden_delta", "name": "sigma(z) instead of sigma'(z)",
     "source": _fn("hidden_delta(W_next, delta_next, z)",
                   "return (W_next.T @ delta_next) / (1 + np.exp(-z))"),
     "loses": ["test_hidden_delta"], "message": "sigma(z) was used where its derivative"},

    # ------------------------------------------------------- weight_gradients
    {"cell": "weight_gradients", "name": "missing 1/m in dW",
     "source": _fn("weight_gradients(delta, a_prev)",
                   "dW = delta @ a_prev.T\n"
                   "db = np.mean(delta, axis=1, keepdims=True)\n"
                   "return dW, db"),
     "loses": ["test_weight_gradients"], "message": "1/m is missing"},
    {"cell": "weight_gradients", "name": "db summed instead of averaged",
     "source": _fn("weight_gradients(delta, a_prev)",
                   "m = delta.shape[1]\n"
                   "dW = delta @ a_prev.T / m\n"
                   "db = np.sum(delta, axis=1, keepdims=True)\n"
                   "return dW, db"),
     "loses": ["test_weight_gradients"], "message": "sum instead of a mean"},
    {"cell": "weight_gradients", "name": "db of shape (n,) instead of (n, 1)",
     "source": _fn("weight_gradients(delta, a_prev)",
                   "m = delta.shape[1]\n"
                   "dW = delta @ a_prev.T / m\n"
                   "db = np.mean(delta, axis=1)\n"
                   "return dW, db"),
     "loses": ["test_weight_gradients"], "message": "keepdims=True"},
    {"cell": "weight_gradients", "name": "transposed dW (a_prev @ delta.T)",
     "source": _fn("weight_gradients(delta, a_prev)",
                   "m = delta.shape[1]\n"
                   "dW = a_prev @ delta.T / m\n"
                   "db = np.mean(delta, axis=1, keepdims=True)\n"
                   "return dW, db"),
     "loses": ["test_weight_gradients"], "message": "looks transposed"},
    {"cell": "weight_gradients", "name": "db averaged over the wrong axis",
     "source": _fn("weight_gradients(delta, a_prev)",
                   "m = delta.shape[1]\n"
                   "dW = delta @ a_prev.T / m\n"
                   "db = np.mean(delta, axis=0, keepdims=True)\n"
                   "return dW, db"),
     "loses": ["test_weight_gradients"], "message": "wrong axis"},

    # --------------------------------------------------------- train_step_221
    {"cell": "train_step_221", "name": "in-place update W -= eta * dW",
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
    {"cell": "train_step_221", "name": "own crash: W2 instead of W2.T, helpers right",
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
    {"cell": "train_step_221", "name": "sign error in the update",
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
    {"cell": "train_step_221", "name": "factor 2 in the output delta",
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
    {"cell": "train_step_221", "name": "missing 1/m in the weight gradients (invisible for m = 1)",
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
    {"cell": "train_step_221", "name": "bias gradients of shape (n,)",
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
    {"cell": "train_step_221", "name": "loss without the 1/2",
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
    {"cell": "train_step_221", "name": "hidden delta without sigma'",
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
"""), "loses": ["test_train_step_221"], "message": "factor sigma'(z) is missing"},
    {"cell": "train_step_221", "name": "reads the lecture's global weights instead of the arguments",
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

    {"cell": "train_step_221", "name": "W2 updated before the hidden delta",
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
    {"cell": "backward", "name": "output delta without sigma'",
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
    {"cell": "backward", "name": "written out for one hidden layer only",
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
    {"cell": "backward", "name": "missing sigma' in the hidden deltas",
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
"""), "loses": ["test_backward"], "message": "factor sigma'(z) is missing"},
    {"cell": "backward", "name": "W instead of W.T in the recursion",
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
    {"cell": "backward", "name": "missing 1/m",
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
    {"cell": "backward", "name": "factor 2 in the output delta",
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
    {"cell": "backward", "name": "bias gradients summed over the batch",
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
    {"cell": "backward", "name": "gradients appended output-first and never reversed",
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
"""), "loses": ["test_backward"], "message": "looks reversed"},
    {"cell": "backward", "name": "bias gradients of shape (n,)",
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
    {"cell": "backward", "name": "in-place change of the caller's weight list",
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
    {"cell": "count_parameters", "name": "weights only, no biases",
     "source": _fn("count_parameters(layer_sizes)",
                   "return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))"),
     "loses": ["test_count_parameters"], "message": "only the weights were counted"},
    {"cell": "count_parameters", "name": "biases for the input layer too",
     "source": _fn("count_parameters(layer_sizes)",
                   "weights = sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))\n"
                   "return weights + sum(layer_sizes)"),
     "loses": ["test_count_parameters"], "message": "input layer got biases"},
    {"cell": "count_parameters", "name": "returns a float",
     "source": _fn("count_parameters(layer_sizes)",
                   "sizes = np.array(layer_sizes, dtype=float)\n"
                   "return float(np.sum(sizes[:-1] * sizes[1:] + sizes[1:]))"),
     "loses": ["test_count_parameters"], "message": "whole number (int)"},
    {"cell": "count_parameters", "name": "hard-coded lecture answer",
     "source": _fn("count_parameters(layer_sizes)", "return 111"),
     "loses": ["test_count_parameters"], "message": "hard-coded"},

    # ------------------------------------------------- sigmoid_gradient_bound
    {"cell": "sigmoid_gradient_bound", "name": "0.5 ** n: value of sigma(0), not its slope",
     "source": _fn("sigmoid_gradient_bound(n_layers)", "return 0.5 ** n_layers"),
     "loses": ["test_sigmoid_gradient_bound"], "message": "0.5 ** n"},
    {"cell": "sigmoid_gradient_bound", "name": "0.25 * n: adds instead of multiplying",
     "source": _fn("sigmoid_gradient_bound(n_layers)", "return 0.25 * n_layers"),
     "loses": ["test_sigmoid_gradient_bound"], "message": "the factors multiply"},
    {"cell": "sigmoid_gradient_bound", "name": "off by one",
     "source": _fn("sigmoid_gradient_bound(n_layers)", "return 0.25 ** (n_layers - 1)"),
     "loses": ["test_sigmoid_gradient_bound"], "message": "off-by-one"},
    {"cell": "sigmoid_gradient_bound", "name": "returns the whole table as an array",
     "source": _fn("sigmoid_gradient_bound(n_layers)",
                   "return 0.25 ** np.arange(1, n_layers + 1)"),
     "loses": ["test_sigmoid_gradient_bound"], "message": "single number"},
]
