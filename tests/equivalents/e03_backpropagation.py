"""Right answers for 03_backpropagation in other styles: each must get full marks on every part.

Loops next to vectorised code (plain Python and math, or terse numpy with @ and einsum), other
exact formulas (tanh for the sigmoid), answers that call the student's earlier functions or
their own helpers, answers that write everything out, numpy scalars where a float is asked.
"""

ASSIGNMENT = "03_backpropagation"

EQUIVALENTS = [
    # ---------------------------------------------------------------- sigmoid
    {"cell": "sigmoid", "name": "tanh identity 1/2 (1 + tanh(z/2))", "source": '''
def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))
'''},
    {"cell": "sigmoid", "name": "masks on a new array", "source": '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out
'''},
    {"cell": "sigmoid", "name": "loop with math.exp on each entry", "source": '''
import math

def sigmoid(z):
    out = np.zeros(np.shape(z))
    for index, value in np.ndenumerate(z):
        if value >= 0:
            out[index] = 1.0 / (1.0 + math.exp(-value))
        else:
            e = math.exp(value)
            out[index] = e / (1.0 + e)
    return out
'''},
    {"cell": "sigmoid", "name": "terse: exp(min(z, 0)) / (1 + exp(-|z|))", "source": '''
def sigmoid(z):
    return np.exp(np.minimum(z, 0.0)) / (1.0 + np.exp(-np.abs(z)))
'''},
    # ---------------------------------------------------------- sigmoid_prime
    {"cell": "sigmoid_prime", "name": "self-contained e / (1 + e)^2", "source": '''
def sigmoid_prime(z):
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2
'''},
    {"cell": "sigmoid_prime", "name": "tanh form (1 - tanh(z/2)^2) / 4", "source": '''
def sigmoid_prime(z):
    return 0.25 * (1.0 - np.tanh(0.5 * np.asarray(z, dtype=float)) ** 2)
'''},
    {"cell": "sigmoid_prime", "name": "loop with math.exp on each entry", "source": '''
import math

def sigmoid_prime(z):
    out = np.zeros(np.shape(z))
    for index, value in np.ndenumerate(z):
        e = math.exp(-abs(value))
        out[index] = e / (1.0 + e) ** 2
    return out
'''},
    # --------------------------------------------------- composite_derivative
    {"cell": "composite_derivative", "name": "expanded polynomial 18x + 6", "source": '''
def composite_derivative(x):
    return 18 * x + 6
'''},
    {"cell": "composite_derivative", "name": "numpy float64 for numbers", "source": '''
def composite_derivative(x):
    x = np.asarray(x, dtype=np.float64)
    out = 6.0 * (3.0 * x + 1.0)
    return out if out.ndim else np.float64(out)
'''},
    {"cell": "composite_derivative", "name": "own helpers for f', g and g'", "source": '''
def _g(x):
    return 3 * x + 1


def _f_prime(u):
    return 2 * u


def composite_derivative(x):
    g_prime = 3
    return _f_prime(_g(x)) * g_prime
'''},
    # ----------------------------------------------------------- output_delta
    {"cell": "output_delta", "name": "minus (y - y_hat)", "source": '''
def output_delta(y_hat, y):
    return -(y - y_hat) * (y_hat - y_hat ** 2)
'''},
    {"cell": "output_delta", "name": "loop over the entries", "source": '''
def output_delta(y_hat, y):
    out = np.zeros(y_hat.shape)
    for i in range(y_hat.shape[0]):
        for j in range(y_hat.shape[1]):
            a = y_hat[i, j]
            out[i, j] = (a - y[i, j]) * a * (1 - a)
    return out
'''},
    {"cell": "output_delta", "name": "np.subtract and np.multiply", "source": '''
def output_delta(y_hat, y):
    return np.multiply(np.subtract(y_hat, y), np.multiply(y_hat, np.subtract(1.0, y_hat)))
'''},
    # ----------------------------------------------------------- hidden_delta
    {"cell": "hidden_delta", "name": "self-contained, einsum", "source": '''
def hidden_delta(W_next, delta_next, z):
    e = np.exp(-np.abs(z))
    return np.einsum("kj,km->jm", W_next, delta_next) * e / (1.0 + e) ** 2
'''},
    {"cell": "hidden_delta", "name": "one example at a time", "source": '''
def hidden_delta(W_next, delta_next, z):
    columns = []
    for i in range(z.shape[1]):
        s = sigmoid(z[:, i])
        columns.append(W_next.T.dot(delta_next[:, i]) * s * (1 - s))
    return np.stack(columns, axis=1)
'''},
    {"cell": "hidden_delta", "name": "plain loops with math", "source": '''
import math

def hidden_delta(W_next, delta_next, z):
    n_next, n_here = W_next.shape
    m = delta_next.shape[1]
    out = np.zeros((n_here, m))
    for j in range(n_here):
        for i in range(m):
            blame = sum(W_next[k, j] * delta_next[k, i] for k in range(n_next))
            e = math.exp(-abs(z[j, i]))
            out[j, i] = blame * e / (1.0 + e) ** 2
    return out
'''},
    # ------------------------------------------------------- weight_gradients
    {"cell": "weight_gradients", "name": "sum of outer products", "source": '''
def weight_gradients(delta, a_prev):
    m = delta.shape[1]
    dW = sum(np.outer(delta[:, i], a_prev[:, i]) for i in range(m)) / m
    db = delta.sum(axis=1).reshape(-1, 1) / m
    return dW, db
'''},
    {"cell": "weight_gradients", "name": "einsum, column mean by np.newaxis", "source": '''
def weight_gradients(delta, a_prev):
    m = delta.shape[1]
    return np.einsum("im,jm->ij", delta, a_prev) / m, delta.mean(axis=1)[:, np.newaxis]
'''},
    {"cell": "weight_gradients", "name": "plain Python loops", "source": '''
def weight_gradients(delta, a_prev):
    n_l, m = delta.shape
    n_prev = a_prev.shape[0]
    dW = np.zeros((n_l, n_prev))
    db = np.zeros((n_l, 1))
    for j in range(n_l):
        for i in range(m):
            db[j, 0] += delta[j, i] / m
            for k in range(n_prev):
                dW[j, k] += delta[j, i] * a_prev[k, i] / m
    return dW, db
'''},
    # --------------------------------------------------------- train_step_221
    {"cell": "train_step_221", "name": "self-contained formulas, numpy float64 loss", "source": '''
def train_step_221(W1, b1, W2, b2, x, y, eta):
    m = x.shape[1]
    z1 = W1 @ x + b1
    a1 = 1.0 / (1.0 + np.exp(-z1))
    z2 = W2 @ a1 + b2
    y_hat = 1.0 / (1.0 + np.exp(-z2))
    loss = np.mean((y - y_hat) ** 2) / 2
    delta2 = (y_hat - y) * y_hat * (1 - y_hat)
    delta1 = (W2.T @ delta2) * a1 * (1 - a1)
    dW2, db2 = delta2 @ a1.T / m, delta2.mean(axis=1, keepdims=True)
    dW1, db1 = delta1 @ x.T / m, delta1.mean(axis=1, keepdims=True)
    return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
            "delta1": delta1, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1,
            "W1_new": W1 - eta * dW1, "b1_new": b1 - eta * db1,
            "W2_new": W2 - eta * dW2, "b2_new": b2 - eta * db2, "note": "extra keys are fine"}
'''},
    {"cell": "train_step_221", "name": "copies updated in place, helpers via sigmoid_prime", "source": '''
def train_step_221(W1, b1, W2, b2, x, y, eta):
    m = x.shape[1]
    z1 = W1.dot(x) + b1
    a1 = sigmoid(z1)
    z2 = W2.dot(a1) + b2
    y_hat = sigmoid(z2)
    loss = float(0.5 * np.sum((y - y_hat) ** 2) / m)
    delta2 = (y_hat - y) * sigmoid_prime(z2)
    delta1 = W2.T.dot(delta2) * sigmoid_prime(z1)
    grads = {"dW2": delta2.dot(a1.T) / m, "db2": np.sum(delta2, axis=1, keepdims=True) / m,
             "dW1": delta1.dot(x.T) / m, "db1": np.sum(delta1, axis=1, keepdims=True) / m}
    new = {name: value.copy() for name, value in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2))}
    for name in new:
        new[name] -= eta * grads["d" + name]
    return {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "loss": loss, "delta2": delta2,
            "delta1": delta1, **grads, **{name + "_new": value for name, value in new.items()}}
'''},
    {"cell": "train_step_221", "name": "one example at a time, then the means, einsum", "source": '''
def train_step_221(W1, b1, W2, b2, x, y, eta):
    m = x.shape[1]
    z1 = np.einsum("ij,jm->im", W1, x) + b1
    a1 = sigmoid(z1)
    z2 = np.einsum("ij,jm->im", W2, a1) + b2
    y_hat = sigmoid(z2)
    loss = np.sum((y - y_hat) ** 2) / (2 * m)
    delta2 = np.column_stack([(y_hat[:, i] - y[:, i]) * y_hat[:, i] * (1 - y_hat[:, i]) for i in range(m)])
    delta1 = np.column_stack([W2.T @ delta2[:, i] * a1[:, i] * (1 - a1[:, i]) for i in range(m)])
    dW2 = sum(np.outer(delta2[:, i], a1[:, i]) for i in range(m)) / m
    dW1 = sum(np.outer(delta1[:, i], x[:, i]) for i in range(m)) / m
    db2 = delta2.mean(axis=1)[:, None]
    db1 = delta1.mean(axis=1)[:, None]
    return dict(z1=z1, a1=a1, z2=z2, y_hat=y_hat, loss=loss, delta2=delta2, delta1=delta1,
                dW2=dW2, db2=db2, dW1=dW1, db1=db1, W1_new=W1 - eta * dW1, b1_new=b1 - eta * db1,
                W2_new=W2 - eta * dW2, b2_new=b2 - eta * db2)
'''},
    # --------------------------------------------------------------- backward
    {"cell": "backward", "name": "self-contained, lists built backwards and reversed", "source": '''
def backward(weights, biases, X, y):
    zs, acts = forward_pass(weights, biases, X)
    m = X.shape[1]
    dWs, dbs = [], []
    delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
    for layer in reversed(range(len(weights))):
        dWs.append(delta @ acts[layer].T / m)
        dbs.append(np.mean(delta, axis=1, keepdims=True))
        if layer > 0:
            delta = (weights[layer].T @ delta) * acts[layer] * (1 - acts[layer])
    return dWs[::-1], dbs[::-1]
'''},
    {"cell": "backward", "name": "own forward pass with zs and sigmoid_prime, tuple of lists", "source": '''
def backward(weights, biases, X, y):
    a, acts, zs = X, [X], []
    for W, b in zip(weights, biases):
        zs.append(W @ a + b)
        a = sigmoid(zs[-1])
        acts.append(a)
    m = X.shape[1]
    L = len(weights)
    dWs, dbs = [None] * L, [None] * L
    delta = (a - y) * sigmoid_prime(zs[-1])
    for layer in range(L - 1, -1, -1):
        dWs[layer] = np.einsum("im,jm->ij", delta, acts[layer]) / m
        dbs[layer] = delta.sum(axis=1, keepdims=True) / m
        if layer:
            delta = weights[layer].T @ delta * sigmoid_prime(zs[layer - 1])
    return dWs, dbs
'''},
    {"cell": "backward", "name": "recursion from the output layer, weight_gradients and sigmoid_prime", "source": '''
def _back(weights, zs, activations, delta, layer, dWs, dbs):
    dWs[layer], dbs[layer] = weight_gradients(delta, activations[layer])
    if layer > 0:
        _back(weights, zs, activations, (weights[layer].T @ delta) * sigmoid_prime(zs[layer - 1]),
              layer - 1, dWs, dbs)


def backward(weights, biases, X, y):
    zs, activations = forward_pass(weights, biases, X)
    dWs, dbs = [None] * len(weights), [None] * len(weights)
    delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
    _back(weights, zs, activations, delta, len(weights) - 1, dWs, dbs)
    return dWs, dbs
'''},
    # ------------------------------------------------------- count_parameters
    {"cell": "count_parameters", "name": "explicit loop", "source": '''
def count_parameters(layer_sizes):
    total = 0
    for l in range(1, len(layer_sizes)):
        total += layer_sizes[l] * layer_sizes[l - 1] + layer_sizes[l]
    return total
'''},
    {"cell": "count_parameters", "name": "numpy dot product, then int", "source": '''
def count_parameters(layer_sizes):
    n = np.array(layer_sizes)
    return int(n[1:] @ n[:-1] + n[1:].sum())
'''},
    {"cell": "count_parameters", "name": "numpy shapes of zero arrays, summed as ints", "source": '''
def count_parameters(layer_sizes):
    total = 0
    for n_in, n_out in zip(layer_sizes, layer_sizes[1:]):
        total += np.zeros((n_out, n_in)).size + np.zeros((n_out, 1)).size
    return int(total)
'''},
    # ------------------------------------------------- sigmoid_gradient_bound
    {"cell": "sigmoid_gradient_bound", "name": "math.pow", "source": '''
import math

def sigmoid_gradient_bound(n_layers):
    return math.pow(0.25, n_layers)
'''},
    {"cell": "sigmoid_gradient_bound", "name": "product of sigma'(0) factors, numpy float64", "source": '''
def sigmoid_gradient_bound(n_layers):
    return np.prod(np.full(n_layers, sigmoid_prime(np.zeros(1))[0]))
'''},
    {"cell": "sigmoid_gradient_bound", "name": "a loop multiplying n factors of 0.25", "source": '''
def sigmoid_gradient_bound(n_layers):
    bound = 1.0
    for _ in range(n_layers):
        bound *= 0.25
    return bound
'''},
]
