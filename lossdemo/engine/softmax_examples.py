"""A training run of one softmax layer (K classes, d inputs) on a data set of n examples: rows x_i
of an n×d table and class labels y_i. Full-batch, as for the sigmoid neuron: the cost is the mean
of the per-example costs and every update steps along its gradient, ∂C/∂W = (1/n) Σ δ_i x_iᵀ and
∂C/∂b = (1/n) Σ δ_i with δ_i = ∂C_i/∂z_i (K components) from the loss registry.

Under gradient descent the n×K logits evolve on their own: Z ← Z − M·Δ(Z) with
M = (η/n)(1 + X Xᵀ) (the single-example run is n = 1, M = η(‖x‖² + 1)). Momentum and Adam follow
W and b through `optimizers.follow`. Every column is computed afterwards over the whole run.

A data set of one example is today's single-example run (`simulate_softmax` with one label), with
the per-example columns added: the same bits in every column the two share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lossdemo.engine import dataset, validation
from lossdemo.engine.activations import softmax
from lossdemo.engine.dataset import mean_rows
from lossdemo.engine.losses import SoftmaxLoss, get_loss
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, follow, get_optimizer
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_EPOCHS, MAX_ETA
from lossdemo.engine.softmax import checked_layer, simulate_softmax

# The per-example columns `<quantity>_ex<i>` of a run, in the order they appear.
EXAMPLE_QUANTITIES = ("z_y", "lead", "a_y", "error", "sigma_prime", "cost", "grad_z_y")


def simulate_softmax_examples(
    loss: str, W, b, x, y, eta: float, epochs: int, optimizer: str = DEFAULT_OPTIMIZER
) -> pd.DataFrame:
    """A full-batch run on the data set (x, y); `simulate_softmax` with a sequence of labels y
    comes here. W is K×d, b has K entries, x is n×d, y holds n labels.

    Columns (row k: the state after k updates): epoch and step as for one example; cost is the
    data set's mean cost and grad_norm the length of its true gradient over all of W and b;
    grad_z_j (j < K) is ∂C/∂b_j, the mean of the examples' ∂C_i/∂z_ij; a_j and z_j are the means
    over the examples of class j's output and logit. Each example's own label y_i gives z_y, lead,
    a_y, error (1 − a_y), sigma_prime (a_y(1 − a_y)) and grad_z_y (∂C_i/∂z_{i,y_i}): their columns
    are the means over the examples, and grad_b_y equals grad_z_y (it is ∂C/∂b_y when every label
    is y). error_max is the worst example's error and sigma_prime_min the smallest slope; then
    `<q>_ex<i>` for q in EXAMPLE_QUANTITIES, example i's own values.
    """
    entry = get_loss("softmax", loss)
    rule = get_optimizer(optimizer)
    W, b = checked_layer(W, b)
    classes, inputs = W.shape
    X, labels = dataset.softmax_examples(x, y, inputs, classes, INPUT_BOUND)
    eta = validation.positive("eta", eta, MAX_ETA)
    epochs = validation.integer("epochs", epochs, 0, MAX_EPOCHS)

    if labels.size == 1:  # one example: the single-example run, bit for bit
        run = simulate_softmax(entry.key, W, b, X[0], int(labels[0]), eta, epochs, rule.key)
        z = run[[f"z_{j}" for j in range(classes)]].to_numpy()[:, None, :]
        return examples_frame(entry, z, X, labels, eta, run["step"].to_numpy(), run["grad_norm"].to_numpy())
    targets = [(labels == j).astype(float) for j in range(classes)]  # one-hot, one array per class
    delta, n = entry.delta, labels.size
    if rule.along_gradient:
        step = (eta / n) * (X @ X.T + 1.0)
        rows = np.empty((epochs + 1, n, classes))
        rows[0] = z = X @ W.T + b
        for k in range(1, epochs + 1):
            columns = list(z.T)
            z = z - step @ np.column_stack(delta(columns, softmax(columns), targets))
            rows[k] = z
        return examples_frame(entry, rows, X, labels, eta)
    weights = classes * inputs

    def gradient(params: list[float]) -> list[float]:
        p = np.array(params)
        columns = list((X @ p[:weights].reshape(classes, inputs).T + p[weights:]).T)
        g = np.column_stack(delta(columns, softmax(columns), targets))
        return [*((g.T @ X) / n).ravel().tolist(), *(mean_rows(g.T)).tolist()]

    params, step = follow(rule, [*W.ravel().tolist(), *b.tolist()], gradient, eta, epochs)
    z = (
        np.einsum("rkd,nd->rnk", params[:, :weights].reshape(-1, classes, inputs), X)
        + params[:, None, weights:]
    )
    return examples_frame(entry, z, X, labels, eta, step)


def examples_frame(
    entry: SoftmaxLoss,
    z: np.ndarray,
    X: np.ndarray,
    labels: np.ndarray,
    eta: float,
    step: np.ndarray | None = None,
    grad_norm: np.ndarray | None = None,
) -> pd.DataFrame:
    """A run's columns from its logits z, shape (rows, n, K). Every per-example quantity is
    computed as `softmax.simulate_softmax` computes it, one group of examples per label, so that
    one example gets that run's bits; `grad_norm` and `step` are the run's own when given, else
    the norm of the true gradient and gradient descent's step η‖∇C‖."""
    rows, n, classes = z.shape
    a = np.stack(softmax([z[:, :, j] for j in range(classes)]), axis=2)
    targets = [(labels == j).astype(float) for j in range(classes)]
    grad = np.stack(
        entry.delta([z[:, :, j] for j in range(classes)], list(np.moveaxis(a, 2, 0)), targets), axis=2
    )
    own = {q: np.empty((rows, n)) for q in ("z_y", "lead", "a_y", "cost", "grad_z_y")}
    for label in np.unique(labels):
        members = labels == label
        zl, al = z[:, members, :].reshape(-1, classes), a[:, members, :].reshape(-1, classes)
        others = np.delete(zl, label, axis=1)
        top = others.max(axis=1)
        lead = zl[:, label] - top - np.log(np.exp(others - top[:, None]).sum(axis=1))
        shape = (rows, int(members.sum()))
        own["z_y"][:, members] = zl[:, label].reshape(shape)
        own["lead"][:, members] = lead.reshape(shape)
        own["a_y"][:, members] = al[:, label].reshape(shape)
        own["cost"][:, members] = entry.cost(zl, al, int(label)).reshape(shape)
        own["grad_z_y"][:, members] = grad[:, members, label]
    error = 1.0 - own["a_y"]
    slope = own["a_y"] * (1.0 - own["a_y"])
    if grad_norm is None:
        grad_norm = _gradient_norm(grad, X)
    aggregates = {
        "z_y": mean_rows(own["z_y"]),
        "lead": mean_rows(own["lead"]),
        "a_y": mean_rows(own["a_y"]),
        "error": mean_rows(error),
        "cost": mean_rows(own["cost"]),
        "grad_z_y": mean_rows(own["grad_z_y"]),
        "grad_b_y": mean_rows(own["grad_z_y"]),
        "grad_norm": grad_norm,
        "sigma_prime": mean_rows(slope),
        "step": eta * grad_norm if step is None else step,
        **{f"a_{j}": mean_rows(a[:, :, j]) for j in range(classes)},
        **{f"z_{j}": mean_rows(z[:, :, j]) for j in range(classes)},
        **{f"grad_z_{j}": mean_rows(grad[:, :, j]) for j in range(classes)},
        "error_max": np.max(error, axis=1),
        "sigma_prime_min": np.min(slope, axis=1),
    }
    per_example = {
        "z_y": own["z_y"],
        "lead": own["lead"],
        "a_y": own["a_y"],
        "error": error,
        "sigma_prime": slope,
        "cost": own["cost"],
        "grad_z_y": own["grad_z_y"],
    }
    blocks = [np.column_stack(list(aggregates.values())), *(per_example[q] for q in EXAMPLE_QUANTITIES)]
    return dataset.run_frame(np.concatenate(blocks, axis=1), tuple(aggregates), EXAMPLE_QUANTITIES)


def _gradient_norm(grad: np.ndarray, X: np.ndarray) -> np.ndarray:
    """‖∇C‖ over all of W and b at every row, from the per-example ∂C_i/∂z_i (rows, n, K): class by
    class, so that memory stays rows × d."""
    n = X.shape[0]
    total = np.zeros(grad.shape[0])
    for j in range(grad.shape[2]):
        total += ((grad[:, :, j] @ X / n) ** 2).sum(axis=1) + mean_rows(grad[:, :, j]) ** 2
    return np.sqrt(total)
