"""Two classes: a softmax layer with the log-likelihood cost is a sigmoid neuron with
cross-entropy. With K = 2 the target's probability is a_y = σ(z_y − z_other) exactly, and
−ln a_y is the cross-entropy of that output for target 1. Gradient descent moves both logits, the
target's up and the other's down by the same amount, so their difference moves twice as far as a
sigmoid neuron's logit at the same η: the layer at η runs as the neuron at 2η."""

from __future__ import annotations

import numpy as np

from lossdemo.engine.sigmoid import simulate_sigmoid
from lossdemo.engine.softmax import simulate_softmax, start_logits
from lossdemo.language.messages import _

SHOWN_EPOCHS = 4  # rows of the side-by-side table, evenly spread over the run


def twin_runs(margin: float, x: float, eta: float, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    """a_y of a two-class softmax layer with log-likelihood (W = 0, the rival ahead by `margin`,
    input x, η) and a of the sigmoid neuron with cross-entropy that runs the same: z₀ = −margin
    (w = 0, b = −margin), target 1, the same input, 2η. Gradient descent, every epoch."""
    layer = simulate_softmax(
        "log_likelihood", np.zeros((2, 1)), start_logits(2, 0, margin), [x], 0, eta, epochs
    )
    neuron = simulate_sigmoid("cross_entropy", 0.0, -margin, x, 1.0, 2 * eta, epochs)
    return layer["a_y"].to_numpy(), neuron["a"].to_numpy()


def two_class_aside(*, margin: float, x: float, eta: float, epochs: int, **_ignored) -> str:
    """The lesson aside for a softmax scenario's margin, input, η and epochs (its other fields are
    ignored): both runs side by side at a few epochs and their largest difference, in Markdown."""
    layer, neuron = twin_runs(margin, x, eta, epochs)
    gap = float(np.max(np.abs(layer - neuron)))
    shown = np.unique(np.linspace(0, epochs, SHOWN_EPOCHS).round().astype(int))
    head = _("| epoch | softmax a_y (K = 2, η = {eta}) | sigmoid a (cross-entropy, η = {eta2}) |").format(
        eta=f"{eta:g}", eta2=f"{2 * eta:g}"
    )
    rows = [f"| {e:,} | {layer[e]:.6f} | {neuron[e]:.6f} |" for e in shown]
    table = "\n".join([head, "|---:|---:|---:|", *rows])
    return _(
        "**Aside: two classes.** With $K = 2$ the target's probability is "
        "$a_y = \\sigma(z_y - z_{{\\text{{other}}}})$ and $-\\ln a_y$ is the cross-entropy of that "
        "output for target 1: a two-class softmax layer with log-likelihood *is* a sigmoid neuron "
        "with cross-entropy. Gradient descent moves both logits, so their difference moves twice as "
        "far: the layer at η runs exactly as the neuron at 2η. This step's start with two classes "
        "(margin {margin}, x = {x}) beside a sigmoid neuron from z = {z} with target 1 "
        "at η = {eta}:\n\n{table}\n\n"
        "Over all {epochs} epochs the outputs differ by at most {gap} (rounding)."
    ).format(
        margin=f"{margin:g}",
        x=f"{x:g}",
        z=f"{0.0 - margin:g}",
        eta=f"{2 * eta:g}",
        table=table,
        epochs=f"{epochs:,}",
        gap=f"{gap:.1e}",
    )
