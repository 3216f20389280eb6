"""The scenario: one training set-up (the neuron, the losses to compare, the start they share and
the optimizer that trains them), its runs as one tidy frame, and its CSV.

Two additions turn the comparison of losses into a comparison of runs, each a *series*: `starts`
(two or three starts for the first selected loss, overlaid) and `widget_rule` (beside the true
gradient runs, the kind's step rules that are not gradient descent). Without them the runs are
exactly the losses' runs from the one start.

A step rule replaces gradient descent's step, so it is shown beside gradient descent only: under
another optimizer `widget_rule` stays set (a link keeps it) but adds no run (`step_rules`), and the
page says so."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from lossdemo.engine.neurons import NeuronKind, get_kind
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER
from lossdemo.engine.step_rules import GRADIENT
from lossdemo.language import words
from lossdemo.language.messages import N_, _

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
    starts: tuple[tuple[float, ...], ...] = ()  # starts to compare: values of the kind's `varied` parameters
    widget_rule: bool = False  # also run the kind's step rules (the book widget's), beside gradient descent

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
        it the largest |∂C/∂z| of the shown losses (those of `series`) at the kind's balance point
        (the quadratic cost of a sigmoid neuron: 4η against cross-entropy)."""
        if not self.balance:
            return self.eta
        losses, start = self.kind.losses, self.start()
        shown = dict.fromkeys(series.loss for series in self.series())
        gradients = {key: self.kind.balance_gradient(losses[key], start) for key in shown}
        return self.eta * max(gradients.values()) / gradients[loss] if gradients[loss] > 0 else self.eta

    def caption(self) -> str:
        """The scenario in one line, for a figure's caption: neuron, runs, start(s), η and epochs."""
        kind, shared = self.kind, self.start()
        names = _(" vs ").join(_(words.loss_words(self.neuron, loss).name).lower() for loss in self.losses)
        values = ", ".join(f"{name} = {value:g}" for name, value in shared.items())
        where = _("start {values}").format(values=values)
        if self.compares_starts():  # one loss from several starts, which set the varied values
            names = _(words.loss_words(self.neuron, self.losses[0]).name).lower()
            shown = [shared | dict(zip(kind.varied, values)) for values in self.starts]
            each = _(" and ").join(f"({start_text(self, start)})" for start in shown)
            rest = "".join(f", {n} = {v:g}" for n, v in shared.items() if n not in kind.varied)
            where = _("starts {starts}").format(starts=f"{each}{rest}")
        names += "".join(
            _(", with the {rule}").format(rule=_(words.RULES[rule.key].name).lower())
            for rule in self.step_rules()
        )
        eta = f"η = {self.eta:g}" + (_(" (equal gradients at a = ½)") if self.balance else "")
        return _("{kind}, {losses}; {start}; {eta}; {epochs} epochs").format(
            kind=_(words.KINDS[kind.key].name), losses=names, start=where, eta=eta, epochs=f"{self.epochs:,}"
        )

    def work(self) -> int:
        """How much computing the runs take, in neuron-updates: epochs × runs × updates per epoch."""
        return self.epochs * len(self.series()) * self.kind.updates_per_epoch(self.start())

    def compares_starts(self) -> bool:
        return len(self.starts) >= 2

    def step_rules(self) -> tuple:
        """The step rules run beside the gradient: the kind's, with `widget_rule` and gradient
        descent only (a step rule stands in for gradient descent's step; beside momentum or Adam
        it would compare two changes at once)."""
        return self.kind.step_rules if self.widget_rule and self.optimizer == DEFAULT_OPTIMIZER else ()

    def rule_ignored(self) -> bool:
        """Is `widget_rule` set but left out because another optimizer trains the runs?"""
        return self.widget_rule and bool(self.kind.step_rules) and not self.step_rules()

    def plain(self) -> bool:
        """One run per loss from one start, all gradient descent: the page's usual comparison."""
        return not (self.compares_starts() or any(series.rule for series in self.series()))

    def series(self) -> tuple[Series, ...]:
        """The runs the scenario asks for: each selected loss from the start, or with `starts` the
        first selected loss from each start; then, with `widget_rule`, each step rule from each start,
        beside the true-gradient run of its loss (added if that loss is not selected)."""
        kind, start = self.kind, self.start()
        starts, losses = [start], self.losses
        if self.compares_starts():
            starts = [start | dict(zip(kind.varied, values)) for values in self.starts]
            losses = self.losses[:1]
        rules = self.step_rules()
        losses = tuple(dict.fromkeys(losses + tuple(rule.loss for rule in rules)))  # each rule's true twin
        found = [Series(loss, "", each) for each in starts for loss in losses]
        return tuple(found + [Series(rule.loss, rule.key, each) for each in starts for rule in rules])


@dataclass(frozen=True)
class Series:
    """One run of a scenario: a loss from a start, by gradient descent or by a step rule (its key)."""

    loss: str
    rule: str  # "" for gradient descent, else a key of the kind's `step_rules`
    start: dict[str, object]


DEFAULT = Scenario()
SCENARIO_FIELDS = tuple(f.name for f in fields(Scenario))


def simulate(scenario: Scenario, loss: str) -> pd.DataFrame:
    """The engine's run of one loss under the scenario."""
    eta = scenario.eta_for(loss)
    return scenario.kind.simulate(loss, eta, scenario.epochs, scenario.optimizer, **scenario.start())


def simulate_series(scenario: Scenario, series: Series) -> pd.DataFrame:
    """The engine's run of one series: its loss under the scenario's optimizer, or its step rule,
    from its start."""
    kind, eta = scenario.kind, scenario.eta_for(series.loss)
    if not series.rule:
        return kind.simulate(series.loss, eta, scenario.epochs, scenario.optimizer, **series.start)
    rule = next(rule for rule in kind.step_rules if rule.key == series.rule)
    return rule.simulate(eta, scenario.epochs, **series.start)


def starts_text(starts: tuple[tuple[float, ...], ...]) -> str:
    """Starts as the `starts` URL parameter writes them: "0.6:0.9,2:2" (values joined by ":")."""
    return ",".join(":".join(f"{value:g}" for value in start) for start in starts)


# Start parameters the page writes as a word, not a symbol like w and b.
START_WORDS = {"margin": N_("margin"), "classes": N_("classes"), "target": N_("target")}


def start_word(name: str) -> str:
    """A start parameter as a run's name writes it, in the page's language."""
    return _(START_WORDS.get(name, name))


def start_text(scenario: Scenario, start: dict[str, object]) -> str:
    """A start in words, by the parameters a comparison varies: "w = 0.6, b = 0.9"."""
    return ", ".join(f"{start_word(name)} = {start[name]:g}" for name in scenario.kind.varied)


def series_label(scenario: Scenario, series: Series, first: pd.Series) -> str:
    """How the page names a run: the loss (or the step rule), and in a comparison of starts the
    start with its output there, e.g. "Quadratic · start w = 0.6, b = 0.9 (a₀ = 0.82)"."""
    kind = scenario.kind
    name = _(words.RULES[series.rule].name if series.rule else words.loss_words(kind.key, series.loss).name)
    if not scenario.compares_starts():
        return name
    return _("{name} · start {start} ({output}₀ = {value})").format(
        name=name,
        start=start_text(scenario, series.start),
        output=kind.output,
        value=f"{first[kind.output]:.2g}",
    )


def runs(scenario: Scenario) -> pd.DataFrame:
    """Every selected loss's run, stacked in the scenario's order with a `loss` column (tidy: one
    row per loss and epoch; the column is categorical, so grouping and filtering stay cheap), and
    `cost_left` = (C − C_min)/(C₀ − C_min): the cost still above the loss's own floor, as a share of
    where it started (1 at the start, 0 at the floor), so losses with different scales and floors
    compare on one axis.

    Unless the scenario is `plain`, one run per series, led by the categorical `series` (its label),
    `start` (in words) and `rule` (GRADIENT or the step rule's key) columns."""
    parts, labels = [], []
    for series in scenario.series():
        run = simulate_series(scenario, series)
        cost = run["cost"].to_numpy()
        floor = scenario.kind.cost_floor(series.loss, series.start, cost)
        above = cost[0] - floor
        run["cost_left"] = (cost - floor) / above if above > 0 else np.zeros_like(cost)
        parts.append(run)
        labels.append(series_label(scenario, series, run.iloc[0]))
    frame = pd.concat(parts, ignore_index=True)
    series = scenario.series()
    losses = list(dict.fromkeys(s.loss for s in series))
    codes = np.repeat([losses.index(s.loss) for s in series], scenario.epochs + 1)
    frame.insert(0, "loss", pd.Categorical.from_codes(codes, categories=losses))
    if not scenario.plain():
        rows = scenario.epochs + 1
        frame.insert(0, "rule", np.repeat([s.rule or GRADIENT for s in series], rows))
        frame.insert(0, "start", np.repeat([start_text(scenario, s.start) for s in series], rows))
        frame.insert(0, "series", pd.Categorical.from_codes(np.repeat(np.arange(len(series)), rows), labels))
    return frame


def rows_at(frame: pd.DataFrame, scenario: Scenario, epoch: int) -> dict[str, pd.Series]:
    """Each run's row of `runs(scenario)` at one epoch, found by position, not by a scan: keyed
    by loss, or by series label unless the scenario is `plain`."""
    keys = scenario.losses if scenario.plain() else frame["series"].cat.categories
    return {key: frame.iloc[index * (scenario.epochs + 1) + epoch] for index, key in enumerate(keys)}


def to_csv(scenario: Scenario) -> str:
    """The runs as CSV, every engine column, with the scenario in `#` comment lines on top.

    The runs are computed afresh (a run is deterministic, so these are the bits the page shows):
    a download registered with only the scenario keeps no run alive while it waits for a click."""
    header = "".join(f"# {f.name} = {getattr(scenario, f.name)}\n" for f in fields(scenario))
    return f"# lossdemo runs: one row per loss and epoch\n{header}{runs(scenario).to_csv(index=False)}"
