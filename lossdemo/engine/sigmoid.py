"""Training runs of one sigmoid neuron: on one example (x, y), or on a data set of n examples
(x_i, y_i), full-batch, under one loss and one optimizer.

The loop is `kernels.sigmoid_train`: each epoch computes every example's z = w·x + b, a = σ(z),
σ′(z) and δ = ∂C/∂z (the loss's `delta`), steps (w, b) along the mean gradient
((1/n) Σ δ_i x_i, (1/n) Σ δ_i) by the optimizer's `update`, and records it all. The costs and the
means are computed afterwards over the whole run with numpy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lossdemo.engine import dataset, kernels, validation
from lossdemo.engine.dataset import mean_rows
from lossdemo.engine.frames import run_table
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


def train(
    entry: Loss, rule: Optimizer, w: float, b: float, xs: np.ndarray, ys: np.ndarray, eta: float, epochs: int
) -> dict[str, np.ndarray]:
    """The arrays of `kernels.sigmoid_train` for a checked run: params (w, b per row), changes
    (Δw, Δb of the update from each row), error (the mean |a − y|) and a, slope, d (one column per
    example); and z (one column per example, w·x + b as the kernel computes it) and step, the
    length of each row's update."""
    rows, n = epochs + 1, xs.size
    out = {"params": np.empty((rows, 2)), "changes": np.empty((rows, 2)), "error": np.empty(rows)}
    out |= {name: np.empty((rows, n)) for name in ("a", "slope", "d")}
    state = np.zeros((2, rule.state_size))
    kernels.sigmoid_train(entry.delta, rule.update, w, b, xs, ys, eta, state, *out.values())
    out["w"], out["b"] = out["params"][:, 0], out["params"][:, 1]
    out["z"] = out["w"][:, None] * xs + out["b"][:, None]
    out["step"] = lengths(out["changes"])
    return out


def lengths(rows: np.ndarray) -> np.ndarray:
    """The length of each row: the square root of its squares where they can neither overflow nor
    underflow, hypot's scaled form elsewhere (to the last bit or so either way)."""
    squares = np.einsum("ij,ij->i", rows, rows)
    out = np.sqrt(squares)
    odd = ~((squares > 1e-290) & (squares < 1e290)) & (squares != 0.0) | ~np.isfinite(squares)
    out[odd] = np.hypot.reduce(np.abs(rows[odd]), axis=1)
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
    run = train(entry, rule, w, b, xs, ys, eta, epochs)
    if several:
        return examples_frame(entry, run, xs, ys)
    return run_frame(entry, run, float(xs[0]), float(ys[0]))


def run_frame(entry: Loss, run: dict[str, np.ndarray], x: float, y: float) -> pd.DataFrame:
    """A one-example run's table from the arrays of `train`."""
    z, a, grad_z = run["z"][:, 0], run["a"][:, 0], run["d"][:, 0]
    return run_table(
        {
            "epoch": np.arange(z.size),
            "w": run["w"],
            "b": run["b"],
            "z": z,
            "a": a,
            "error": run["error"],
            "cost": entry.cost(z, a, y),
            "grad_z": grad_z,
            "grad_w": grad_z * x,
            "grad_b": grad_z,
            "sigma_prime": run["slope"][:, 0],
            "step": run["step"],
        }
    )


def examples_frame(entry: Loss, run: dict[str, np.ndarray], xs: np.ndarray, ys: np.ndarray) -> pd.DataFrame:
    """A data set's table from the arrays of `train`: the aggregates, then each example's own
    columns. Means are sums divided by n (`dataset.mean_rows`), so one example's are its own."""
    z, a, slope, grad_z = run["z"], run["a"], run["slope"], run["d"]
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
    kernels.sigmoid_points(entry.delta, flat, targets.ravel(), a, slope, d)
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
