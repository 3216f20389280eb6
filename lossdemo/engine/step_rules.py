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
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from lossdemo.engine import validation
from lossdemo.engine.losses import Loss, get_loss
from lossdemo.engine.optimizers import get_optimizer
from lossdemo.engine.sigmoid import MAX_EPOCHS, MAX_ETA, checked_example, example_table

GRADIENT = "gradient descent"  # how a run names its rule when it is the true gradient
Z_LIMIT = 100.0  # |z| beyond which the rule is not followed: σ′(z) < e^−100, its step ~e^100


def widget_step(z, a, sp, y):
    """∂C/∂a = (a − y)/(a(1 − a)) of the cross-entropy, from z and without a rounded a:
    (1 − y)/(1 − a) − y/a with 1/(1 − a) = 1 + e^z and 1/a = 1 + e^−z; each term is left out
    when its weight is 0, so the result is finite for every |z| ≤ Z_LIMIT. Beyond Z_LIMIT it is 0:
    the rule is not followed further (its next step could overflow)."""
    if abs(z) > Z_LIMIT:
        return 0.0
    ahead = (1.0 - y) * (1.0 + math.exp(z)) if y < 1.0 else 0.0
    behind = y * (1.0 + math.exp(-z)) if y > 0.0 else 0.0
    return ahead - behind


def simulate_widget_rule(w: float, b: float, x: float, y: float, eta: float, epochs: int) -> pd.DataFrame:
    """A sigmoid neuron stepped by the book widget's rule: the training kernel of every run, with
    the rule in place of a loss's ∂C/∂z and plain steps of η times it. The columns of
    `simulate_sigmoid` for the cross-entropy cost (cost and gradients are the true ones at each row,
    not the steps; `step` is the length of the rule's update from each row). The rule is its own
    update, not an optimizer's: it always steps as the book widget does, whichever optimizer trains
    the other runs. Once a step takes |z| past Z_LIMIT the state stays where it is."""
    entry, gd = get_loss("sigmoid", "cross_entropy"), get_optimizer("gd")
    w, b, x, y = checked_example(w, b, x, y)
    eta = validation.positive("eta", eta, MAX_ETA)
    epochs = validation.integer("epochs", epochs, 0, MAX_EPOCHS)
    rule = Loss("widget", "sigmoid", carries_slope=False, cost=entry.cost, delta=widget_step)
    return example_table(entry, gd, w, b, x, y, eta, epochs, steps_by=rule)


@dataclass(frozen=True)
class StepRule:
    """A rule that steps a neuron by something other than its gradient, shown beside true runs.
    Its words (name, formula) are `lossdemo.language.words.RULES[key]`."""

    key: str
    loss: str  # the loss whose cost and gradients its run reports
    simulate: Callable[..., pd.DataFrame]  # simulate(eta, epochs, **start)


WIDGET_RULE = StepRule(
    key="widget",
    loss="cross_entropy",
    simulate=lambda eta, epochs, *, w, b, x, y: simulate_widget_rule(w, b, x, y, eta, epochs),
)
