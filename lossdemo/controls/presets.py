"""Ready-made scenarios, each with a teaching point. The two sigmoid starts are the ones of
Nielsen's *Neural Networks and Deep Learning*, chapter 3 (x = 1, y = 0, η = 0.15)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from lossdemo.controls.scenario import DEFAULT, Scenario, starts_text
from lossdemo.engine.losses import DEFAULT_LOSSES
from lossdemo.language.messages import N_
from lossdemo.teaching.lesson import STEPS


def default_losses(neuron: str) -> tuple[str, ...]:
    """What a scenario of this neuron kind compares by default: the source article's two losses."""
    return DEFAULT_LOSSES[neuron]


@dataclass(frozen=True)
class Preset:
    label: str
    scenario: Scenario


PRESETS: dict[str, Preset] = {
    "badly_wrong": Preset(N_("Badly wrong (Nielsen ch. 3: w = 2, b = 2)"), DEFAULT),
    "slightly_wrong": Preset(
        N_("Slightly wrong (Nielsen ch. 3: w = 0.6, b = 0.9)"), replace(DEFAULT, w=0.6, b=0.9)
    ),
    "saturated_low": Preset(N_("Saturated at 0, target 1"), replace(DEFAULT, w=-2.0, b=-2.0, y=1.0)),
    "textbook_eta": Preset(N_("Textbook η = 0.005, true gradient"), replace(DEFAULT, eta=0.005, epochs=1000)),
    "book_two_starts": Preset(
        N_("Quadratic from both book starts (Nielsen ch. 3: a = 0.82 and 0.98)"),
        replace(DEFAULT, losses=("quadratic",), starts=((0.6, 0.9), (2.0, 2.0))),
    ),
    "textbook_widget": Preset(
        N_("The book widget's rule at η = 0.005 (Nielsen ch. 3: w = 2, b = 2)"),
        replace(DEFAULT, eta=0.005, widget_rule=True),
    ),
    "adam_badly_wrong": Preset(N_("Badly wrong, trained with Adam"), replace(DEFAULT, optimizer="adam")),
    "confidently_wrong": Preset(
        N_("Confidently wrong (margin 5)"),
        replace(DEFAULT, neuron="softmax", losses=default_losses("softmax"), margin=5.0),
    ),
    "softmax_close": Preset(
        N_("Target slightly ahead (margin −1)"),
        replace(DEFAULT, neuron="softmax", losses=default_losses("softmax"), margin=-1.0),
    ),
}


def scenario_values(scenario: Scenario) -> dict[str, object]:
    """The control values that show a scenario, keyed by URL parameter name."""
    values = {f.name: getattr(scenario, f.name) for f in fields(scenario)}
    return values | {"losses": list(scenario.losses), "starts": starts_text(scenario.starts)}


def preset_values(name: str) -> dict[str, object]:
    """The control values a preset sets, keyed by URL parameter name."""
    return scenario_values(PRESETS[name].scenario)


def lesson_scenario(number: int) -> Scenario | None:
    """The scenario lesson step `number` (1 … len(STEPS)) shows: its preset with its losses, or
    None for a step that keeps the scenario and only opens a view."""
    step = STEPS[number - 1]
    if step.preset is None:
        return None
    scenario = PRESETS[step.preset].scenario
    return replace(scenario, losses=step.losses) if step.losses else scenario


def lesson_values(number: int) -> dict[str, object]:
    """The control values lesson step `number` sets, keyed by URL parameter name: its scenario (if
    it has one; the preset is named only if the step shows it unchanged), the view it opens, the
    first epoch, and the step itself."""
    step, scenario = STEPS[number - 1], lesson_scenario(number)
    values = {"view": step.view, "epoch": 0, "lesson": number}
    if scenario is not None:
        values |= scenario_values(scenario) | {"preset": None if step.losses else step.preset}
    return values
