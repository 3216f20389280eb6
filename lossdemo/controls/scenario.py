"""The scenario: one training set-up (the neuron, the losses to compare, the start they share and
the optimizer that trains them), its runs as one tidy frame, and its CSV."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from lossdemo.engine.losses import LOSSES
from lossdemo.engine.neurons import NeuronKind, get_kind
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER

ETA_CHOICES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
EPOCH_CHOICES = (10, 20, 50, 100, 150, 200, 300, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000)


@dataclass(frozen=True)
class Scenario:
    """One training set-up: the neuron, the losses to compare, the start they share and the optimizer."""

    neuron: str = "sigmoid"
    losses: tuple[str, ...] = ("quadratic", "cross_entropy")
    eta: float = 0.15
    epochs: int = 300
    w: float = 2.0
    b: float = 2.0
    x: float = 1.0
    y: float = 0.0
    classes: int = 3
    target: int = 0
    margin: float = 4.0
    balance: bool = False  # scale each loss's η so that all have the same |∂C/∂z| at the balance point
    optimizer: str = DEFAULT_OPTIMIZER  # a key of `engine.optimizers.OPTIMIZERS`

    @property
    def kind(self) -> NeuronKind:
        return get_kind(self.neuron)

    def start(self) -> dict[str, object]:
        """The start parameters of this scenario's neuron kind, by name."""
        return {name: getattr(self, name) for name in self.kind.start}

    def target_output(self) -> float:
        """The output the neuron should reach: y, or 1 for the softmax target class."""
        return self.kind.target_output(self.start())

    def eta_for(self, loss: str) -> float:
        """The learning rate a loss trains with: η, or with `balance` η times the factor that gives
        it the largest |∂C/∂z| of the shown losses at the kind's balance point (the quadratic cost
        of a sigmoid neuron: 4η against cross-entropy)."""
        if not self.balance:
            return self.eta
        losses, start = self.kind.losses, self.start()
        gradients = {key: self.kind.balance_gradient(losses[key], start) for key in self.losses}
        return self.eta * max(gradients.values()) / gradients[loss] if gradients[loss] > 0 else self.eta

    def caption(self) -> str:
        """The scenario in one line, for a figure's caption: neuron, losses, start, η and epochs."""
        names = " vs ".join(LOSSES[self.neuron][loss].name.lower() for loss in self.losses)
        start = ", ".join(f"{name} = {value:g}" for name, value in self.start().items())
        eta = f"η = {self.eta:g}" + (" (equal gradients at a = ½)" if self.balance else "")
        return f"{self.kind.name}, {names}; start {start}; {eta}; {self.epochs:,} epochs"

    def work(self) -> int:
        """How much computing the runs take, in neuron-updates: epochs × losses × updates per epoch."""
        return self.epochs * len(self.losses) * self.kind.updates_per_epoch(self.start())


DEFAULT = Scenario()
SCENARIO_FIELDS = tuple(f.name for f in fields(Scenario))


def simulate(scenario: Scenario, loss: str) -> pd.DataFrame:
    """The engine's run of one loss under the scenario."""
    eta = scenario.eta_for(loss)
    return scenario.kind.simulate(loss, eta, scenario.epochs, scenario.optimizer, **scenario.start())


def runs(scenario: Scenario) -> pd.DataFrame:
    """Every selected loss's run, stacked in the scenario's order with a `loss` column (tidy: one
    row per loss and epoch; the column is categorical, so grouping and filtering stay cheap), and
    `cost_left` = (C − C_min)/(C₀ − C_min): the cost still above the loss's own floor, as a share of
    where it started (1 at the start, 0 at the floor), so losses with different scales and floors
    compare on one axis."""
    parts = []
    for loss in scenario.losses:
        run = simulate(scenario, loss)
        cost = run["cost"].to_numpy()
        floor = scenario.kind.cost_floor(loss, scenario.start(), cost)
        above = cost[0] - floor
        run["cost_left"] = (cost - floor) / above if above > 0 else np.zeros_like(cost)
        parts.append(run)
    frame = pd.concat(parts, ignore_index=True)
    codes = np.repeat(np.arange(len(scenario.losses)), scenario.epochs + 1)
    frame.insert(0, "loss", pd.Categorical.from_codes(codes, categories=list(scenario.losses)))
    return frame


def rows_at(frame: pd.DataFrame, scenario: Scenario, epoch: int) -> dict[str, pd.Series]:
    """Each loss's row of `runs(scenario)` at one epoch, found by position, not by a scan."""
    return {
        loss: frame.iloc[index * (scenario.epochs + 1) + epoch] for index, loss in enumerate(scenario.losses)
    }


def to_csv(scenario: Scenario) -> str:
    """The runs as CSV, every engine column, with the scenario in `#` comment lines on top.

    The runs are computed afresh (a run is deterministic, so these are the bits the page shows):
    a download registered with only the scenario keeps no run alive while it waits for a click."""
    header = "".join(f"# {f.name} = {getattr(scenario, f.name)}\n" for f in fields(scenario))
    return f"# lossdemo runs: one row per loss and epoch\n{header}{runs(scenario).to_csv(index=False)}"
