"""Does the loss matter in a real network? A small version of the digit experiment in chapter 3 of
Nielsen's "Neural Networks and Deep Learning", in the spirit of his `network2.py`.

A 64 → hidden → 10 network of sigmoid neurons (a softmax output layer for the log-likelihood)
learns the 8×8 UCI digits by mini-batch SGD. Matrix form: a batch is a (m, n) array, one example
per row; a weight matrix is (n_out, n_in) as in the book, so z = x Wᵀ + b. Only the output layer
depends on the loss: its outputs, cost and ∂C/∂z come from the loss registry (`OUTPUT_LOSSES`
names which entry), as in a single neuron's run. Hidden neurons keep their σ′ factor: that is
backprop as in the book.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from lossdemo.engine import sigmoid, softmax, validation
from lossdemo.engine.activations import sigmoid as sigmoid_of
from lossdemo.engine.losses import Loss, get_loss

DATA = Path(__file__).resolve().parents[1] / "data" / "digits.csv.gz"
N_TRAIN, N_TEST = 1297, 500  # the fixed split: a seeded permutation, first 1,297 train, last 500 test
SPLIT_SEED = 0
SIZES = (64, 10)  # inputs (8×8 pixels), outputs (digits 0..9)
INITS = ("book", "large")
MAX_NETWORK_EPOCHS = 60
COLUMNS = ["epoch", "cost", "train_accuracy", "test_accuracy", "output_saturation", "hidden_sigma_prime"]
# The output layer's losses: each the registry's entry of this key for ten sigmoid neurons (the
# quadratic cost, C = ½‖a − t‖², keeps σ′; cross-entropy cancels it) or for a softmax layer.
OUTPUT_LOSSES: dict[str, str] = {
    "quadratic": "sigmoid",
    "cross_entropy": "sigmoid",
    "log_likelihood": "softmax",
}


def output_layer(entry: Loss, z: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a, ∂C/∂z) of the output layer at its logits z (one row per example) for targets t."""
    if entry.neuron == "softmax":
        return softmax.points(entry, z, t)
    a, _, delta = sigmoid.points(entry, z, t)
    return a, delta


def output_cost(entry: Loss, z: np.ndarray, a: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Each example's cost, summed over the outputs of a layer of sigmoid neurons."""
    cost = entry.cost(z, a, t)
    return cost if entry.neuron == "softmax" else cost.sum(axis=1)


@functools.cache
def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """(images, labels): 1,797 rows of 64 pixels scaled from 0..16 to [0, 1], and the digits.

    Cached, so the arrays are shared: they are read-only."""
    raw = np.loadtxt(DATA, delimiter=",", dtype=np.int64)
    images, labels = raw[:, :64] / 16.0, raw[:, 64].copy()
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


@functools.cache
def split_indices() -> tuple[np.ndarray, np.ndarray]:
    """(train, test) row numbers: numpy's default_rng(0) permutes the 1,797 rows; the first 1,297
    train, the last 500 test."""
    order = np.random.default_rng(SPLIT_SEED).permutation(len(load_digits()[1]))
    order.flags.writeable = False
    return order[:N_TRAIN], order[N_TRAIN:]


def split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x_train, y_train, x_test, y_test of the fixed split."""
    (images, labels), (train, test) = load_digits(), split_indices()
    return images[train], labels[train], images[test], labels[test]


def test_images(count: int = 12) -> np.ndarray:
    """The first `count` test images as (count, 8, 8) arrays in [0, 1], for the page to draw;
    `train_network` reports its predictions for the first 12 of them."""
    count = validation.integer("count", count, 1, N_TEST)
    return split()[2][:count].reshape(count, 8, 8)


test_images.__test__ = False  # not a pytest test, though its name starts with "test"


def _output_loss(key: str) -> Loss:
    """The registry's entry for the output layer's loss `key` (a key of OUTPUT_LOSSES)."""
    return get_loss(OUTPUT_LOSSES[validation.choice("loss", key, tuple(OUTPUT_LOSSES))], key)


def one_hot(labels: np.ndarray, classes: int = SIZES[1]) -> np.ndarray:
    """Targets t: row i is 1 at labels[i], 0 elsewhere."""
    return np.eye(classes)[labels]


def init_params(hidden: int, init: str, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Weights (n_out, n_in) and biases of both layers, drawn from rng. With init "book", weights
    N(0, 1/n_in) and biases N(0, 1): z starts of order 1, so σ′ is not small. With "large",
    everything N(0, 1), the book's first initialiser: hidden z of order √n_in, often saturated."""
    params = {}
    for layer, (n_in, n_out) in enumerate([(SIZES[0], hidden), (hidden, SIZES[1])], start=1):
        scale = 1.0 / math.sqrt(n_in) if init == "book" else 1.0
        params[f"W{layer}"] = rng.standard_normal((n_out, n_in)) * scale
        params[f"b{layer}"] = rng.standard_normal(n_out)
    return params


def _fold(params: dict) -> list[np.ndarray]:
    """The parameters as [W1 | b1], W2, b2: the hidden layer's biases as a last column of its
    weights, so that with a 1 appended to every input (once, for the whole data set: `_with_ones`)
    one matrix product computes W1 x + b1, and one gives the gradient of both W1 and b1. The
    output layer's input is the hidden layer's output, new every mini-batch: appending a 1 to it
    would cost more than the addition it saves."""
    return [np.column_stack([params["W1"], params["b1"]]), params["W2"].copy(), params["b2"].copy()]


def _unfold(parts: list[np.ndarray]) -> dict[str, np.ndarray]:
    hidden, W2, b2 = parts
    return {"W1": hidden[:, :-1], "b1": hidden[:, -1], "W2": W2, "b2": b2}


def _with_ones(x: np.ndarray) -> np.ndarray:
    """The rows of x, each with a 1 appended (the input of the folded hidden layer)."""
    return np.column_stack([x, np.ones(len(x))])


def _backprop(parts: list[np.ndarray], xa: np.ndarray, t: np.ndarray, loss: Loss, scale: float) -> list:
    """scale · Σ_x ∂C_x/∂p for p = [W1 | b1], W2, b2, the rows of xa = [x, 1] being the examples."""
    hidden, W2, b2 = parts
    h = sigmoid_of(xa @ hidden.T)[0]
    z2 = h @ W2.T
    z2 += b2
    d2 = output_layer(loss, z2, t)[1]  # the output layer's δ, from the loss registry
    d2 *= scale
    d1 = d2 @ W2
    d1 *= h * (1.0 - h)  # hidden neurons keep σ′(z) = a(1 − a)
    return [d1.T @ xa, d2.T @ h, d2.sum(axis=0)]


def gradients(params: dict, x: np.ndarray, t: np.ndarray, loss: str) -> dict[str, np.ndarray]:
    """∂C/∂W and ∂C/∂b of both layers (keys W1, b1, W2, b2), C the mean cost over the rows of x,
    t the targets (one-hot rows), loss a key of OUTPUT_LOSSES."""
    return _unfold(_backprop(_fold(params), _with_ones(x), t, _output_loss(loss), 1.0 / len(x)))


def sgd_step(params: dict, x: np.ndarray, t: np.ndarray, loss: str, eta: float) -> None:
    """One mini-batch step, in place: p ← p − (η/m)·Σ_x ∂C_x/∂p, m = len(x)."""
    parts = _fold(params)
    _descend(parts, _with_ones(x), t, _output_loss(loss), eta)
    for name, value in _unfold(parts).items():
        params[name][...] = value


def _descend(parts: list[np.ndarray], xa: np.ndarray, t: np.ndarray, loss: Loss, eta: float) -> None:
    """One mini-batch step on the folded parameters, in place."""
    for part, step in zip(parts, _backprop(parts, xa, t, loss, eta / len(xa))):
        part -= step


# Rows per block of the statistics' forward pass: each product then stays under 2^18 multiply-adds,
# below which OpenBLAS runs it on the calling thread. A second BLAS thread made a training 2–3×
# slower whenever the other core was busy (this machine has two, shared).
BLOCK_WORK = 2**18


def _forward_all(parts: list[np.ndarray], xa: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hidden outputs, output logits) for every row of xa, in blocks of rows (see BLOCK_WORK)."""
    hidden, W2, b2 = parts
    rows = max(1, BLOCK_WORK // (xa.shape[1] * len(hidden)))
    h = np.empty((len(xa), len(hidden)))
    for start in range(0, len(xa), rows):
        block = slice(start, start + rows)
        h[block] = sigmoid_of(xa[block] @ hidden.T)[0]
    z = np.empty((len(xa), len(W2)))
    rows = max(1, BLOCK_WORK // (len(hidden) * len(W2)))
    for start in range(0, len(xa), rows):
        block = slice(start, start + rows)
        np.matmul(h[block], W2.T, out=z[block])
    z += b2
    return h, z


def _statistics(parts: list[np.ndarray], xa: np.ndarray, y: np.ndarray, t: np.ndarray, loss: Loss) -> tuple:
    """One forward pass over train and test stacked (t: one-hot targets of the first len(t) rows,
    the training set): (cost, train accuracy, test accuracy, output saturation, hidden σ′, test
    predictions). Saturated: slope a(1 − a) < 0.05 while the error |a − t| > 0.5, i.e. an output
    stuck at the wrong end."""
    n_train = len(t)
    h, z = _forward_all(parts, xa)
    a = output_layer(loss, z[:n_train], t)[0]
    right = z.argmax(axis=1) == y
    stuck = (a * (1.0 - a) < 0.05) & (np.abs(a - t) > 0.5)
    sigma_prime = h[:n_train] * (1.0 - h[:n_train])
    return (
        float(output_cost(loss, z[:n_train], a, t).mean()),
        float(right[:n_train].mean()),
        float(right[n_train:].mean()),
        float(stuck.mean()),
        float(sigma_prime.mean()),
        z[n_train:].argmax(axis=1),
    )


def train_network(
    loss: str,
    *,
    hidden: int = 30,
    epochs: int = 30,
    eta: float,
    batch_size: int = 10,
    init: str = "book",
    seed: int = 0,
    on_epoch: Callable[[int, int], object] | None = None,
) -> pd.DataFrame:
    """Train on the 1,297 training digits; one row per epoch 0 … epochs (row 0: before training).

    Columns: epoch, cost (mean training cost per example), train_accuracy, test_accuracy,
    output_saturation (fraction of training (example, output) pairs stuck at the wrong end),
    hidden_sigma_prime (mean σ′ of the hidden neurons over the training set). attrs: the
    predictions for the first 12 test images after the last epoch, and their labels.
    `on_epoch(k, epochs)` is called after epoch k. Same arguments → the same frame: the generator
    default_rng(seed) draws the initial parameters (`init_params`), then each epoch's shuffle."""
    output = _output_loss(loss)
    hidden = validation.integer("hidden", hidden, 1, 100)
    epochs = validation.integer("epochs", epochs, 0, MAX_NETWORK_EPOCHS)
    eta = validation.positive("eta", eta, 100.0)
    batch_size = validation.integer("batch_size", batch_size, 1, N_TRAIN)
    validation.choice("init", init, INITS)
    seed = validation.integer("seed", seed, 0, 2**32 - 1)
    if on_epoch is not None and not callable(on_epoch):
        raise ValueError(f"on_epoch must be None or a callable (k, epochs); got {on_epoch!r}")

    x_train, y_train, x_test, y_test = split()
    xa_all, y_all = _with_ones(np.concatenate([x_train, x_test])), np.concatenate([y_train, y_test])
    xa_train, t_train = xa_all[:N_TRAIN], one_hot(y_train)
    rng = np.random.default_rng(int(seed))
    parts = _fold(init_params(int(hidden), init, rng))
    eta, batch_size = float(eta), int(batch_size)

    rows, stats = [], _statistics(parts, xa_all, y_all, t_train, output)
    rows.append((0, *stats[:5]))
    for k in range(1, epochs + 1):
        order = rng.permutation(N_TRAIN)
        xa, t = xa_train[order], t_train[order]
        for start in range(0, N_TRAIN, batch_size):
            _descend(parts, xa[start : start + batch_size], t[start : start + batch_size], output, eta)
        stats = _statistics(parts, xa_all, y_all, t_train, output)
        rows.append((k, *stats[:5]))
        if on_epoch is not None:
            on_epoch(k, epochs)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs["predictions"] = [int(p) for p in stats[5][:12]]
    frame.attrs["labels"] = [int(y) for y in y_test[:12]]
    return frame
