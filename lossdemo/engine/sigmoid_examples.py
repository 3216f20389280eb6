"""A training run of one sigmoid neuron on a data set of n examples (x_i, y_i): full-batch, so the
cost is the mean C = (1/n) Σ C_i and every update steps along its gradient
∂C/∂w = (1/n) Σ δ_i x_i, ∂C/∂b = (1/n) Σ δ_i, with δ_i = ∂C_i/∂z_i from the loss registry.

Under gradient descent the n logits z_i = w·x_i + b again evolve on their own:
z ← z − M·δ(z) with M = (η/n)(1 + x xᵀ), in a compiled loop (`sigmoid_loop.examples_trajectory`;
`sigmoid_loop.z_trajectory` is the case n = 1, M = η(1 + x²)). Momentum and Adam follow (w, b)
through `optimizers.follow`, whose gradient does about a dozen numpy calls an epoch whatever n is,
so it computes σ and σ′ in the fewest calls that stay finite and accurate (`output_and_slope`);
every column is computed afterwards over the whole run with `activations.sigmoid` and the
registry, at each row's logits.

A data set of one example is today's single-example run (`simulate_sigmoid` with numbers), with
the per-example columns added: the same bits in every column the two share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lossdemo.engine import dataset, validation
from lossdemo.engine.activations import sigmoid
from lossdemo.engine.dataset import mean_rows
from lossdemo.engine.losses import Loss, get_loss
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, follow, get_optimizer
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_EPOCHS, MAX_ETA, PARAM_BOUND, simulate_sigmoid
from lossdemo.engine.sigmoid_loop import examples_trajectory

# The per-example columns `<quantity>_ex<i>` of a run, in the order they appear.
EXAMPLE_QUANTITIES = ("z", "a", "error", "sigma_prime", "cost", "grad_z")


def simulate_sigmoid_examples(
    loss: str,
    w: float,
    b: float,
    x,
    y,
    eta: float,
    epochs: int,
    optimizer: str = DEFAULT_OPTIMIZER,
) -> pd.DataFrame:
    """A full-batch run on the data set (x, y); `simulate_sigmoid` with sequences comes here.

    Columns (row k: the state after k updates): epoch, w, b, step as for one example; cost, grad_w,
    grad_b and grad_z (= grad_b, the mean δ_i) are the data set's mean cost and its true gradient;
    z, a, error and sigma_prime are means over the examples (mean logit, mean output, mean
    |a_i − y_i|, mean σ′(z_i)); error_max is the worst example's |a_i − y_i| and sigma_prime_min
    the most saturated example's σ′(z_i); then `<q>_ex<i>` for q in EXAMPLE_QUANTITIES, example i's
    own z_i, a_i, |a_i − y_i|, σ′(z_i), C_i and δ_i.
    """
    entry = get_loss("sigmoid", loss)
    rule = get_optimizer(optimizer)
    w = validation.number("w", w, -PARAM_BOUND, PARAM_BOUND)
    b = validation.number("b", b, -PARAM_BOUND, PARAM_BOUND)
    xs, ys = dataset.sigmoid_examples(x, y, INPUT_BOUND)
    eta = validation.positive("eta", eta, MAX_ETA)
    epochs = validation.integer("epochs", epochs, 0, MAX_EPOCHS)

    if xs.size == 1:  # one example: the single-example run, bit for bit
        run = simulate_sigmoid(entry.key, w, b, float(xs[0]), float(ys[0]), eta, epochs, rule.key)
        paths = (run["w"].to_numpy(), run["b"].to_numpy(), run["step"].to_numpy())
        return examples_frame(entry, run["z"].to_numpy()[:, None], xs, ys, eta, (w, b), paths)
    if rule.along_gradient:
        z = examples_trajectory(entry, w * xs + b, xs, ys, eta, epochs)
        return examples_frame(entry, z, xs, ys, eta, (w, b))
    delta, scaled = entry.delta, np.vstack([xs, np.ones_like(xs)]) / xs.size

    def gradient(params: list[float]) -> list[float]:
        z = params[0] * xs + params[1]
        a, sp = output_and_slope(z)
        return scaled.dot(delta(z, a, sp, ys)).tolist()

    params, step = follow(rule, [w, b], gradient, eta, epochs)
    w_path, b_path = params[:, 0], params[:, 1]
    z = w_path[:, None] * xs + b_path[:, None]
    return examples_frame(entry, z, xs, ys, eta, (w, b), (w_path, b_path, step))


def examples_at(loss: str, w: float, b: float, x, y) -> pd.DataFrame:
    """Every example's state at one (w, b): one row per example with its x and y and the run's
    per-example quantities there (EXAMPLE_QUANTITIES: z, a, error, sigma_prime, cost, grad_z),
    computed as a run computes its row at these parameters."""
    entry = get_loss("sigmoid", loss)
    w = validation.number("w", w, -PARAM_BOUND, PARAM_BOUND)
    b = validation.number("b", b, -PARAM_BOUND, PARAM_BOUND)
    xs, ys = dataset.sigmoid_examples(x, y, INPUT_BOUND)
    z = w * xs + b
    a, sp = sigmoid(z)
    values = (z, a, np.abs(a - ys), sp, entry.cost(z, a, ys), entry.delta(z, a, sp, ys))
    return pd.DataFrame({"x": xs, "y": ys} | dict(zip(EXAMPLE_QUANTITIES, values)))


def mean_cost(loss: str, w: float, b: float, x, y) -> float:
    """The data set's mean cost (1/n) Σ C_i at (w, b), each C_i as `examples_at` computes it and
    summed as a run sums its cost column."""
    entry = get_loss("sigmoid", loss)
    w = validation.number("w", w, -PARAM_BOUND, PARAM_BOUND)
    b = validation.number("b", b, -PARAM_BOUND, PARAM_BOUND)
    xs, ys = dataset.sigmoid_examples(x, y, INPUT_BOUND)
    z = w * xs + b
    return float(mean_rows(entry.cost(z, sigmoid(z)[0], ys)[None, :])[0])


def output_and_slope(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """σ(z) and σ′(z) in seven numpy calls (`activations.sigmoid` takes ten, with a costly
    `where`): E = e^−z, σ = 1/(1 + E) and σ′ = σ·(E·σ) = E/(1 + E)², both to a few ulps. The
    exponent is capped at 709 so that E stays finite (E·σ would be ∞·0 beyond): below z = −709
    σ and σ′ read ≈ 1.2e-308 instead of less, which no step can show. Above z = 745 E underflows
    to 0, σ = 1 and σ′ = 0."""
    e = np.exp(np.minimum(-z, 709.0))
    a = 1.0 / (1.0 + e)
    return a, a * (e * a)


def examples_frame(
    entry: Loss,
    z: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    eta: float,
    start: tuple[float, float],
    paths: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """A run's columns from its logits z, shape (rows, n), started at (w, b) = `start`. Unless an
    optimizer gave the `paths` (w, b, step), each update stepped by η times the gradient: (w, b)
    follow by cumulative sums from the start, as in `sigmoid.run_frame`. Means are sums divided by
    n (`dataset.mean_rows`), so for n = 1 every aggregate column has the single-example run's bits."""
    a, sp = sigmoid(z)
    grad_z = entry.delta(z, a, sp, ys)
    error = np.abs(a - ys)
    cost = entry.cost(z, a, ys)
    grad_w = mean_rows(grad_z * xs)
    grad_b = mean_rows(grad_z)
    if paths is None:
        w, b = start
        w_path = np.cumsum(np.concatenate(([w], -eta * grad_w[:-1])))
        b_path = np.cumsum(np.concatenate(([b], -eta * grad_b[:-1])))
        paths = (w_path, b_path, eta * np.hypot(grad_w, grad_b))
    w_path, b_path, step = paths
    aggregates = {
        "w": w_path,
        "b": b_path,
        "z": mean_rows(z),
        "a": mean_rows(a),
        "error": mean_rows(error),
        "cost": mean_rows(cost),
        "grad_z": grad_b,
        "grad_w": grad_w,
        "grad_b": grad_b,
        "sigma_prime": mean_rows(sp),
        "step": step,
        "error_max": np.max(error, axis=1),
        "sigma_prime_min": np.min(sp, axis=1),
    }
    per_example = (z, a, error, sp, cost, grad_z)
    block = np.concatenate([np.column_stack(list(aggregates.values())), *per_example], axis=1)
    return dataset.run_frame(block, tuple(aggregates), EXAMPLE_QUANTITIES)
