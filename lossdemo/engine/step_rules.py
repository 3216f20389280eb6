"""Step rules that are not gradient descent, kept apart from the loss registry (whose every entry
is a true gradient): the rule of the interactive cross-entropy widget in Nielsen's *Neural
Networks and Deep Learning*, chapter 3.

That widget says it trains with η = 0.005, but it steps a sigmoid neuron by ∂C/∂a of the
cross-entropy, (a − y)/(a(1 − a)), in place of ∂C/∂z = a − y: w ← w − η·(∂C/∂a)·x and
b ← b − η·∂C/∂a. Its step is the true gradient divided by σ′(z), so it grows without bound as
the neuron saturates: it learns fast where the gradient would be slow, and it is not gradient
descent on any cost.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.engine.losses import get_loss
from lossdemo.engine.sigmoid import checked_run, run_frame
from lossdemo.language.messages import N_

GRADIENT = "gradient descent"  # how a run names its rule when it is the true gradient
Z_LIMIT = 100.0  # |z| beyond which the rule is not followed: σ′(z) < e^−100, its step ~e^100


def widget_step(z: float, y: float) -> float:
    """∂C/∂a = (a − y)/(a(1 − a)) of the cross-entropy, from z and without a rounded a:
    (1 − y)/(1 − a) − y/a with 1/(1 − a) = 1 + e^z and 1/a = 1 + e^−z; each term is left out
    when its weight is 0, so the result is finite for every |z| ≤ Z_LIMIT."""
    ahead = (1.0 - y) * (1.0 + math.exp(z)) if y < 1.0 else 0.0
    behind = y * (1.0 + math.exp(-z)) if y > 0.0 else 0.0
    return ahead - behind


def simulate_widget_rule(w: float, b: float, x: float, y: float, eta: float, epochs: int) -> pd.DataFrame:
    """A sigmoid neuron stepped by the book widget's rule; the columns of `simulate_sigmoid` for
    the cross-entropy cost (cost and gradients are the true ones at each row, not the steps; `step`
    is the length of the rule's update from each row). The rule is its own update, not an
    optimizer's: it always steps as the book widget does, whichever optimizer trains the other runs.

    Each update moves (w, b) along (x, 1), so z ← z − η(1 + x²)·∂C/∂a. Once a step takes |z| past
    Z_LIMIT the rule is not followed further (its next step could overflow): the remaining rows
    hold that state, every column finite."""
    entry = get_loss("sigmoid", "cross_entropy")
    w, b, x, y, eta, epochs = checked_run(w, b, x, y, eta, epochs)

    stretch, z = eta * (1.0 + x * x), w * x + b
    zs, steps = array("d", [z]), array("d")
    for _ in range(epochs):
        step = widget_step(z, y) if abs(z) <= Z_LIMIT else 0.0
        z = z - stretch * step
        steps.append(step)
        zs.append(z)
    steps.append(widget_step(z, y) if abs(z) <= Z_LIMIT else 0.0)  # the last row's: the next step
    return run_frame(entry, np.frombuffer(zs), w, b, x, y, eta, np.frombuffer(steps))


@dataclass(frozen=True)
class StepRule:
    """A rule that steps a neuron by something other than its gradient, shown beside true runs."""

    key: str
    name: str  # how the page labels its run (marked with N_: translate with _() where shown)
    loss: str  # the loss whose cost and gradients its run reports
    tex: str  # what it steps by, in LaTeX
    simulate: Callable[..., pd.DataFrame]  # simulate(eta, epochs, **start)


WIDGET_RULE = StepRule(
    key="widget",
    name=N_("Cross-entropy, book's widget rule (not the gradient)"),
    loss="cross_entropy",
    tex=r"\text{steps by } \frac{\partial C}{\partial a} = \frac{a - y}{a(1 - a)}"
    r" = \frac{\partial C / \partial z}{\sigma'(z)} \quad \text{(not gradient descent)}",
    simulate=lambda eta, epochs, *, w, b, x, y: simulate_widget_rule(w, b, x, y, eta, epochs),
)
