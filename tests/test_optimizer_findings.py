"""Under momentum and Adam the findings stay true of the runs, and the comparison with gradient
descent says in numbers what both runs did, over the whole range of the controls. The expected
phrases are computed here from the runs' columns (the oracle of findings_oracle), not by
`lossdemo.engine.milestones`."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
from apptest_helpers import scenario_of
from findings_oracle import aim, check, status
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import defaults, valid_states

from lossdemo.controls.scenario import Scenario, runs
from lossdemo.language.words import OPTIMIZERS as OPTIMIZER_WORDS
from lossdemo.language.words import loss_words
from lossdemo.teaching.optimizers import versus
from lossdemo.teaching.summaries import findings


def when(signed: np.ndarray, floor: float, smooth: bool) -> tuple[str, bool]:
    """How the comparison says when a run halved its error (to the loss's own optimum) for good,
    and whether it did (stably), by the map's rule (`status`)."""
    learned, epochs, unstable = status(signed, 0.5 * abs(signed[0]), len(signed) - 1, floor, smooth)
    if unstable:
        return "never for good (it ends unstable)", False
    if not learned:
        return f"not within {len(signed) - 1:,} epochs", False
    return f"at epoch {epochs:,}", True


def epochs_to_halve(frame, scenario: Scenario, loss: str) -> int:
    """The epoch from which a loss's run stays within half its start error (to its own optimum)."""
    output = "a" if scenario.neuron == "sigmoid" else "a_y"
    optimum, floor, smooth = aim(scenario.neuron, loss, scenario.y, scenario.classes)
    signed = frame.loc[frame["loss"] == loss, output].to_numpy() - optimum
    learned, epochs, _unstable = status(signed, 0.5 * abs(signed[0]), len(signed) - 1, floor, smooth)
    assert learned
    return epochs


def check_versus(sentences: list[str], baseline, frame, scenario: Scenario) -> None:
    name = OPTIMIZER_WORDS[scenario.optimizer].name
    output, target = ("a", scenario.y) if scenario.neuron == "sigmoid" else ("a_y", 1.0)
    delta, symbol = ("grad_z", "∂C/∂z") if scenario.neuron == "sigmoid" else ("grad_z_y", "∂C/∂z_y")
    if frame[output].iloc[0] == target:
        assert sentences == []
        return
    text = " ".join(sentences)
    halved = {}
    for loss in scenario.losses:
        entry = loss_words(scenario.neuron, loss)
        old, new = baseline[baseline["loss"] == loss], frame[frame["loss"] == loss]
        said = {}
        optimum, floor, smooth = aim(scenario.neuron, loss, scenario.y, scenario.classes)
        for key, run in (("gd", old), (scenario.optimizer, new)):
            said[key], halved[key, loss] = when(run[output].to_numpy() - optimum, floor, smooth)
        assert (
            f"{entry.name} halved the output error for good {said[scenario.optimizer]} with {name} " in text
        )
        assert f"({said['gd']} with gradient descent)" in text
        g0, gd_step, step = abs(old[delta].iloc[0]), old["step"].iloc[0], new["step"].iloc[0]
        assert g0 == abs(new[delta].iloc[0]), "one start, one first gradient"
        first = (
            f"{entry.name.lower()}: |{symbol}| = {g0:.3g}, a first step ‖Δp‖ of {gd_step:.3g} with "
            f"gradient descent and {step:.3g} with {name}"
        )
        assert first in text
        # How many times as long the optimizer's first step is, recomputed from the two runs' steps.
        times = re.search(rf"{re.escape(first)}, ([\d,.e+-]+)× as long", text)
        assert (times is not None) == (gd_step > 0), text
        if times:
            assert times[1] == f"{step / gd_step:,.3g}", (times[0], step, gd_step)
    every = all(halved.values()) and len(scenario.losses) > 1
    assert ("The slowest loss needed" in text) == every, text
    if every:  # the slowest loss's epochs over the fastest's, for each optimizer, from the runs
        ratios = []
        for run in (baseline, frame):
            epochs = [epochs_to_halve(run, scenario, loss) for loss in scenario.losses]
            ratios.append(f"{max(epochs) / max(min(epochs), 1):.3g}")
        said = re.search(
            r"The slowest loss needed ([\d.e+]+)× the epochs of the fastest with gradient descent, "
            rf"([\d.e+]+)× with {re.escape(name)}\.",
            text,
        )
        assert said and [said[1], said[2]] == ratios, (ratios, text)


@settings(max_examples=60, deadline=None)
@given(valid_states(presets=False, max_epochs=1000), st.sampled_from(["momentum", "adam"]))
@example({**defaults("sigmoid"), "epoch": 0}, "adam")
@example({**defaults("softmax"), "epoch": 0}, "momentum")
@example({**defaults("sigmoid"), "w": 10.0, "b": 10.0, "y": 1.0, "epoch": 0}, "adam")
def test_the_findings_and_the_comparison_are_true_of_the_runs(state, optimizer):
    # One run per loss, as this oracle reads the sentences: compared starts and the widget rule (the
    # page's series) are left out here.
    scenario = replace(scenario_of(state), optimizer=optimizer, starts=(), widget_rule=False)
    frame = runs(scenario)
    baseline = runs(replace(scenario, optimizer="gd"))
    check(findings(frame, scenario.neuron, scenario), frame, scenario)
    check_versus(versus(baseline, frame, scenario), baseline, frame, scenario)


def test_adam_closes_the_gap_from_the_books_badly_wrong_start():
    """The point of the comparison, from Nielsen's start (w = b = 2, x = 1, y = 0, η = 0.15)."""
    scenario = Scenario(optimizer="adam")
    text = " ".join(versus(runs(replace(scenario, optimizer="gd")), runs(scenario), scenario))
    assert (
        "Quadratic halved the output error for good at epoch 14 with Adam (at epoch 233 with gradient" in text
    )
    assert (
        "The slowest loss needed 13.7× the epochs of the fastest with gradient descent, 1× with Adam." in text
    )
