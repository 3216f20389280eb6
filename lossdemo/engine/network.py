"""Does the loss matter in a real network? A small version of the digit experiment in chapter 3 of
Nielsen's "Neural Networks and Deep Learning", in the spirit of his `network2.py`.

A 64 → hidden → 10 network of sigmoid neurons (softmax outputs for the log-likelihood) learns the
8×8 UCI digits by mini-batch SGD. Matrix form: a batch is a (m, n) array, one example per row;
a weight matrix is (n_out, n_in) as in the book, so z = x Wᵀ + b. Only the output layer's
∂C/∂z depends on the loss; it comes from the table `OUTPUT_LOSSES`, so the training code has no
if-chain on the loss. Hidden neurons keep their σ′ factor: that is backprop as in the book.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lossdemo.engine import validation

DATA = Path(__file__).resolve().parents[1] / "data" / "digits.csv.gz"
N_TRAIN, N_TEST = 1297, 500  # the fixed split: a seeded permutation, first 1,297 train, last 500 test
SPLIT_SEED = 0
SIZES = (64, 10)  # inputs (8×8 pixels), outputs (digits 0..9)
INITS = ("book", "large")
MAX_NETWORK_EPOCHS = 60
COLUMNS = ["epoch", "cost", "train_accuracy", "test_accuracy", "output_saturation", "hidden_sigma_prime"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1 + e^−z). Below z = −700 the exponent is held at 700 so e^−z cannot overflow
    (σ is under 1e−304 there either way). ½(1 + tanh(z/2)) cannot overflow either, but numpy's
    tanh is several times slower than its exp."""
    out = np.negative(z)
    np.minimum(out, 700.0, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)  # in place: the mini-batches are small, allocation costs


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax along each row, the row's maximum subtracted first so exp cannot overflow."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _logsumexp(z: np.ndarray) -> np.ndarray:
    m = z.max(axis=1)
    return m + np.log(np.exp(z - m[:, None]).sum(axis=1))


@dataclass(frozen=True)
class OutputLoss:
    """One output-layer loss: its activation, its cost per example (summed over the outputs) and
    its δ = ∂C/∂z, all written from z where that keeps them finite."""

    key: str
    activation: Callable[[np.ndarray], np.ndarray]  # z → a
    cost: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (z, t) → C per row
    delta: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # (z, a, t) → ∂C/∂z


OUTPUT_LOSSES = {
    loss.key: loss
    for loss in (
        # C = ½‖a − t‖²: δ = (a − t)σ′(z) keeps σ′, so a saturated wrong output learns slowly.
        OutputLoss(
            "quadratic",
            sigmoid,
            lambda z, t: 0.5 * ((sigmoid(z) - t) ** 2).sum(axis=1),
            lambda z, a, t: (a - t) * a * (1.0 - a),
        ),
        # C = −Σ[t ln a + (1−t) ln(1−a)] = Σ[softplus(z) − t z]: δ = a − t, σ′ cancels.
        OutputLoss(
            "cross_entropy",
            sigmoid,
            lambda z, t: (np.logaddexp(0.0, z) - t * z).sum(axis=1),
            lambda z, a, t: a - t,
        ),
        # C = −ln a_y = logsumexp(z) − z_y (t one-hot): δ = a − t, the softmax slope cancels.
        OutputLoss(
            "log_likelihood",
            softmax,
            lambda z, t: _logsumexp(z) - (t * z).sum(axis=1),
            lambda z, a, t: a - t,
        ),
    )
}


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


def _backprop(params: dict, x: np.ndarray, t: np.ndarray, loss: OutputLoss, scale: float) -> dict:
    """scale · Σ_x ∂C_x/∂p for every parameter p, the rows of x being the examples x."""
    h = sigmoid(x @ params["W1"].T + params["b1"])
    z2 = h @ params["W2"].T + params["b2"]
    d2 = loss.delta(z2, loss.activation(z2), t) * scale  # output δ from the loss table
    d1 = (d2 @ params["W2"]) * (h * (1.0 - h))  # hidden neurons keep σ′(z) = a(1 − a)
    return {"W1": d1.T @ x, "b1": d1.sum(axis=0), "W2": d2.T @ h, "b2": d2.sum(axis=0)}


def gradients(params: dict, x: np.ndarray, t: np.ndarray, loss: str) -> dict[str, np.ndarray]:
    """∂C/∂W and ∂C/∂b of both layers (keys W1, b1, W2, b2), C the mean cost over the rows of x,
    t the targets (one-hot rows), loss a key of OUTPUT_LOSSES."""
    return _backprop(params, x, t, OUTPUT_LOSSES[loss], 1.0 / len(x))


def sgd_step(params: dict, x: np.ndarray, t: np.ndarray, loss: str, eta: float) -> None:
    """One mini-batch step, in place: p ← p − (η/m)·Σ_x ∂C_x/∂p, m = len(x)."""
    for name, step in _backprop(params, x, t, OUTPUT_LOSSES[loss], eta / len(x)).items():
        params[name] -= step


def _statistics(params: dict, x: np.ndarray, y: np.ndarray, n_train: int, loss: OutputLoss) -> tuple:
    """One forward pass over train and test stacked: (cost, train accuracy, test accuracy,
    output saturation, hidden σ′, test predictions). Saturated: slope a(1 − a) < 0.05 while the
    error |a − t| > 0.5, i.e. an output stuck at the wrong end."""
    h = sigmoid(x @ params["W1"].T + params["b1"])
    z = h @ params["W2"].T + params["b2"]
    a, t = loss.activation(z[:n_train]), one_hot(y[:n_train])
    right = z.argmax(axis=1) == y
    stuck = (a * (1.0 - a) < 0.05) & (np.abs(a - t) > 0.5)
    sigma_prime = h[:n_train] * (1.0 - h[:n_train])
    return (
        float(loss.cost(z[:n_train], t).mean()),
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
    validation.choice("loss", loss, OUTPUT_LOSSES)
    hidden = validation.integer("hidden", hidden, 1, 100)
    epochs = validation.integer("epochs", epochs, 0, MAX_NETWORK_EPOCHS)
    eta = validation.positive("eta", eta, 100.0)
    batch_size = validation.integer("batch_size", batch_size, 1, N_TRAIN)
    validation.choice("init", init, INITS)
    seed = validation.integer("seed", seed, 0, 2**32 - 1)
    if on_epoch is not None and not callable(on_epoch):
        raise ValueError(f"on_epoch must be None or a callable (k, epochs); got {on_epoch!r}")

    output = OUTPUT_LOSSES[loss]
    x_train, y_train, x_test, y_test = split()
    x_all, y_all = np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])
    t_train = one_hot(y_train)
    rng = np.random.default_rng(int(seed))
    params = init_params(int(hidden), init, rng)
    eta, batch_size = float(eta), int(batch_size)

    rows, stats = [], _statistics(params, x_all, y_all, N_TRAIN, output)
    rows.append((0, *stats[:5]))
    for k in range(1, epochs + 1):
        order = rng.permutation(N_TRAIN)
        x, t = x_train[order], t_train[order]
        for start in range(0, N_TRAIN, batch_size):
            sgd_step(params, x[start : start + batch_size], t[start : start + batch_size], loss, eta)
        stats = _statistics(params, x_all, y_all, N_TRAIN, output)
        rows.append((k, *stats[:5]))
        if on_epoch is not None:
            on_epoch(k, epochs)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs["predictions"] = [int(p) for p in stats[5][:12]]
    frame.attrs["labels"] = [int(y) for y in y_test[:12]]
    return frame
