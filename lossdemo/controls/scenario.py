"""What the page controls: every URL parameter, its range and default, the presets, and the
scenario they describe. The page, the URL parser, the README table and the tests read this."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from lossdemo.engine.losses import LOSSES
from lossdemo.engine.sigmoid import simulate_sigmoid
from lossdemo.engine.softmax import simulate_softmax, start_logits

ETA_CHOICES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
EPOCH_CHOICES = (10, 20, 50, 100, 150, 200, 300, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000)


@dataclass(frozen=True)
class Scenario:
    """One training set-up: the neuron, the losses to compare and the start they share."""

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

    def target_output(self) -> float:
        """The output the neuron should reach: y, or 1 for the softmax target class."""
        return self.y if self.neuron == "sigmoid" else 1.0

    def work(self) -> int:
        """How much computing the runs take, in neuron-updates: epochs × losses (× classes)."""
        return self.epochs * len(self.losses) * (self.classes if self.neuron == "softmax" else 1)


DEFAULT = Scenario()


def default_losses(neuron: str) -> tuple[str, ...]:
    return tuple(LOSSES[neuron])


@dataclass(frozen=True)
class Preset:
    label: str
    scenario: Scenario


PRESETS: dict[str, Preset] = {
    "badly_wrong": Preset("Badly wrong (book: w = 2, b = 2)", DEFAULT),
    "slightly_wrong": Preset("Slightly wrong (book: w = 0.6, b = 0.9)", replace(DEFAULT, w=0.6, b=0.9)),
    "saturated_low": Preset("Saturated at 0, target 1", replace(DEFAULT, w=-2.0, b=-2.0, y=1.0)),
    "textbook_eta": Preset("Textbook η = 0.005, true gradient", replace(DEFAULT, eta=0.005, epochs=1000)),
    "confidently_wrong": Preset(
        "Confidently wrong (margin 5)",
        replace(DEFAULT, neuron="softmax", losses=default_losses("softmax"), margin=5.0),
    ),
    "softmax_close": Preset(
        "Nearly right (margin −1)",
        replace(DEFAULT, neuron="softmax", losses=default_losses("softmax"), margin=-1.0),
    ),
}


def preset_values(name: str) -> dict[str, object]:
    """The control values a preset sets, keyed by URL parameter name."""
    scenario = PRESETS[name].scenario
    values = {f.name: getattr(scenario, f.name) for f in fields(scenario)}
    return values | {"losses": list(scenario.losses)}


def simulate(scenario: Scenario, loss: str) -> pd.DataFrame:
    """The engine's run of one loss under the scenario."""
    s = scenario
    if s.neuron == "sigmoid":
        return simulate_sigmoid(loss, s.w, s.b, s.x, s.y, s.eta, s.epochs)
    logits = start_logits(s.classes, s.target, s.margin)
    return simulate_softmax(loss, np.zeros((s.classes, 1)), logits, [s.x], s.target, s.eta, s.epochs)


def runs(scenario: Scenario) -> pd.DataFrame:
    """Every selected loss's run, stacked in the scenario's order with a `loss` column (tidy: one
    row per loss and epoch; the column is categorical, so grouping and filtering stay cheap)."""
    frame = pd.concat([simulate(scenario, loss) for loss in scenario.losses], ignore_index=True)
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
