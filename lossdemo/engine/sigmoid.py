"""Training runs of one sigmoid neuron: on one example (x, y), or on a data set of n examples
(x_i, y_i), full-batch, under one loss and one optimizer.

The loop is `kernels.sigmoid_kernels(delta, update).train`: each epoch computes every example's
z = w·x + b, a = σ(z), σ′(z) and δ = ∂C/∂z (the loss's `delta`), steps (w, b) along the mean gradient
((1/n) Σ δ_i x_i, (1/n) Σ δ_i) by the optimizer's `update`, and records it all. The costs and the
means are computed afterwards over the whole run with numpy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lossdemo.engine import dataset, kernels, validation
from lossdemo.engine.dataset import mean_rows
from lossdemo.engine.frames import block_table
from lossdemo.engine.losses import Loss, get_loss
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, Optimizer, get_optimizer

MAX_EPOCHS = 100_000
PARAM_BOUND = 1e6  # |w|, |b|
INPUT_BOUND = 1e3  # |x|
MAX_ETA = 1e3
# The per-example columns `<quantity>_ex<i>` of a run on a data set, in the order they appear.
EXAMPLE_QUANTITIES = ("z", "a", "error", "sigma_prime", "cost", "grad_z")


def checked_start(w: float, b: float) -> tuple[float, float]:
    """(w, b), each checked (ValueError naming it otherwise)."""
    return validation.number("w", w, -PARAM_BOUND, PARAM_BOUND), validation.number(
        "b", b, -PARAM_BOUND, PARAM_BOUND
    )


def checked_example(w: float, b: float, x: float, y: float) -> tuple[float, float, float, float]:
    """(w, b, x, y) of one neuron and one example, each checked."""
    return (
        *checked_start(w, b),
        validation.number("x", x, -INPUT_BOUND, INPUT_BOUND),
        validation.number("y", y, 0.0, 1.0),
    )


def checked_data(w: float, b: float, x, y) -> tuple[float, float, np.ndarray, np.ndarray]:
    """(w, b, xs, ys): one example's numbers as arrays of one, or a data set's sequences."""
    if dataset.several(x, y):
        return (*checked_start(w, b), *dataset.sigmoid_examples(x, y, INPUT_BOUND))
    w, b, x, y = checked_example(w, b, x, y)
    return w, b, np.array([x]), np.array([y])


TRAINED = ("w", "b", "step", "error", "a", "slope", "d")  # what the kernel records, in its order


def train(
    entry: Loss,
    rule: Optimizer,
    w: float,
    b: float,
    xs: np.ndarray,
    ys: np.ndarray,
    eta: float,
    epochs: int,
    out: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """The arrays of `kernels.sigmoid_kernels(…).train` for a checked run (`TRAINED`): w, b, step
    (the length of each row's update), error (the mean |a − y|) and a, slope, d (one column per
    example). Into `out` if given (views of a table's columns), else new arrays."""
    rows, n = epochs + 1, xs.size
    if out is None:
        out = {name: np.empty(rows) for name in TRAINED[:4]} | {
            name: np.empty((rows, n)) for name in TRAINED[4:]
        }
    state = np.zeros((2, rule.state_size))
    kernels.sigmoid_kernels(entry.delta, rule.update).train(
        w, b, xs, ys, eta, state, *(out[k] for k in TRAINED)
    )
    return out


def simulate_sigmoid(
    loss: str,
    w: float,
    b: float,
    x,
    y,
    eta: float,
    epochs: int,
    optimizer: str = DEFAULT_OPTIMIZER,
) -> pd.DataFrame:
    """A full-batch training run; row k is the state after k updates (epochs + 1 rows), with the
    cost and gradients at that row's parameters and `step`, the length ‖(Δw, Δb)‖ of the update
    the optimizer makes from that row (for the last row, the one it would make next).

    With numbers x and y, one example: columns epoch, w, b, z, a, error (|a − y|), cost, grad_z,
    grad_w, grad_b, sigma_prime and step.

    With sequences x and y of 1 to 100 examples, a data set: cost, grad_w, grad_b and grad_z
    (= grad_b, the mean δ_i) are the data set's mean cost and its true gradient; z, a, error and
    sigma_prime are means over the examples; error_max is the worst example's |a_i − y_i| and
    sigma_prime_min the most saturated example's σ′(z_i); then `<q>_ex<i>` for q in
    EXAMPLE_QUANTITIES, example i's own z_i, a_i, |a_i − y_i|, σ′(z_i), C_i and δ_i. A data set of
    one example has the single example's columns, the same numbers, and its own.
    """
    entry, rule = get_loss("sigmoid", loss), get_optimizer(optimizer)
    several = dataset.several(x, y)
    w, b, xs, ys = checked_data(w, b, x, y)
    eta = validation.positive("eta", eta, MAX_ETA)
    epochs = validation.integer("epochs", epochs, 0, MAX_EPOCHS)
    if several:
        return examples_frame(entry, train(entry, rule, w, b, xs, ys, eta, epochs), xs, ys)
    return example_table(entry, rule, w, b, float(xs[0]), float(ys[0]), eta, epochs)


EXAMPLE_COLUMNS = ("w", "b", "z", "a", "error", "cost", "grad_z", "grad_w", "grad_b", "sigma_prime", "step")


def example_table(
    entry: Loss,
    rule: Optimizer,
    w: float,
    b: float,
    x: float,
    y: float,
    eta: float,
    epochs: int,
    steps_by: Loss | None = None,
) -> pd.DataFrame:
    """A one-example run's table (after the integer epoch, `EXAMPLE_COLUMNS`), filled in place:
    the kernel writes its records straight into the table's columns and numpy the rest, so a
    100,000-epoch run allocates one block. `steps_by`: a rule whose ∂C/∂z steps the run in place
    of the loss's (the widget's); the table still shows the loss's cost and gradients."""
    block = np.empty((len(EXAMPLE_COLUMNS), epochs + 1))
    column = dict(zip(EXAMPLE_COLUMNS, block, strict=True))
    per_example = {"a": "a", "slope": "sigma_prime", "d": "grad_z"}
    out = {k: column[k] for k in TRAINED[:4]} | {k: column[name][:, None] for k, name in per_example.items()}
    train(steps_by or entry, rule, w, b, np.array([x]), np.array([y]), eta, epochs, out)
    z, a, grad_z = column["z"], column["a"], column["grad_z"]
    np.multiply(column["w"], x, out=z)
    z += column["b"]
    if steps_by is not None:
        grad_z[:] = points(entry, z, y)[2]  # the true gradient, not the step
    column["cost"][:] = entry.cost(z, a, y)
    np.multiply(grad_z, x, out=column["grad_w"])
    column["grad_b"][:] = grad_z
    return block_table(block, EXAMPLE_COLUMNS)


def examples_frame(entry: Loss, run: dict[str, np.ndarray], xs: np.ndarray, ys: np.ndarray) -> pd.DataFrame:
    """A data set's table from the arrays of `train`: the aggregates, then each example's own
    columns. Means are sums divided by n (`dataset.mean_rows`), so one example's are its own."""
    a, slope, grad_z = run["a"], run["slope"], run["d"]
    z = run["w"][:, None] * xs + run["b"][:, None]  # as the kernel computes it
    error = np.abs(a - ys)
    cost = entry.cost(z, a, ys)
    grad_w, grad_b = mean_rows(grad_z * xs), mean_rows(grad_z)
    aggregates = {
        "w": run["w"],
        "b": run["b"],
        "z": mean_rows(z),
        "a": mean_rows(a),
        "error": run["error"],
        "cost": mean_rows(cost),
        "grad_z": grad_b,
        "grad_w": grad_w,
        "grad_b": grad_b,
        "sigma_prime": mean_rows(slope),
        "step": run["step"],
        "error_max": np.max(error, axis=1),
        "sigma_prime_min": np.min(slope, axis=1),
    }
    per_example = (z, a, error, slope, cost, grad_z)
    block = np.concatenate([np.column_stack(list(aggregates.values())), *per_example], axis=1)
    return dataset.run_frame(block, tuple(aggregates), EXAMPLE_QUANTITIES)


def points(entry: Loss, z, y) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, σ′(z), ∂C/∂z) at each logit z for the target(s) y, of any shape, as a run computes them."""
    z = np.asarray(z, dtype=float)
    shape, flat = z.shape, np.ascontiguousarray(z.ravel())
    targets = np.empty(shape)
    targets[...] = y
    a, slope, d = np.empty((3, flat.size))
    kernels.sigmoid_points(entry.delta)(flat, targets.ravel(), a, slope, d)
    return a.reshape(shape), slope.reshape(shape), d.reshape(shape)


def examples_at(loss: str, w: float, b: float, x, y) -> pd.DataFrame:
    """Every example's state at one (w, b): one row per example with its x and y and the run's
    per-example quantities there (EXAMPLE_QUANTITIES), computed as a run computes its row."""
    entry = get_loss("sigmoid", loss)
    w, b = checked_start(w, b)
    xs, ys = dataset.sigmoid_examples(x, y, INPUT_BOUND)
    z = w * xs + b
    a, slope, d = points(entry, z, ys)
    values = (z, a, np.abs(a - ys), slope, entry.cost(z, a, ys), d)
    return pd.DataFrame({"x": xs, "y": ys} | dict(zip(EXAMPLE_QUANTITIES, values)))


def sigmoid_cost(loss: str, w: float, b: float, x, y) -> float:
    """The cost at (w, b) of one example (x, y), as a run's cost column; with sequences x and y,
    the data set's mean cost (1/n) Σ C_i, summed as a run sums its cost column."""
    entry = get_loss("sigmoid", loss)
    w, b, xs, ys = checked_data(w, b, x, y)
    z = w * xs + b
    return float(mean_rows(entry.cost(z, points(entry, z, ys)[0], ys)[None, :])[0])
