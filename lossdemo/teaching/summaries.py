"""What the runs did, in numbers and in words: a summary per loss and the plain-language
findings the page shows beside the charts (and gives screen readers as the charts' text)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lossdemo.engine.losses import LOSSES
from lossdemo.engine.milestones import PLATEAU, Milestones, milestones
from lossdemo.engine.neurons import get_kind
from lossdemo.teaching.chain_rule import SMALL_SLOPE

SAME_SPEED = 1.5  # halving epochs within this factor count as "about the same speed"


@dataclass(frozen=True)
class LossSummary:
    loss: str
    name: str
    start_cost: float
    final_cost: float
    final_output: float
    halved_at: int | None  # first epoch whose output error is at most half the initial error


def summarize(runs: pd.DataFrame, neuron: str) -> list[LossSummary]:
    """One summary per loss in `runs`, in the order the losses appear."""
    halved = {m.loss: m.halved for m in milestones(runs, neuron)}
    return [
        LossSummary(
            loss=loss,
            name=LOSSES[neuron][loss].name,
            start_cost=float(run["cost"].iloc[0]),
            final_cost=float(run["cost"].iloc[-1]),
            final_output=float(run[get_kind(neuron).output].iloc[-1]),
            halved_at=halved[loss],
        )
        for loss, run in runs.groupby("loss", sort=False)
    ]


def _sigmoid_start(first: pd.Series, scenario) -> str:
    output = f"output a = {first['a']:.3g}, target y = {scenario.y:g}"
    return f"From w = {scenario.w:g}, b = {scenario.b:g} ({output})"


def _softmax_start(first: pd.Series, scenario) -> str:
    lead = (
        f"a wrong class leads the target by {scenario.margin:g}"
        if scenario.margin >= 0
        else f"the target leads every other class by {-scenario.margin:g}"
    )
    return f"From a start where {lead} (target probability a_y = {first['a_y']:.3g})"


START_SENTENCES = {"sigmoid": _sigmoid_start, "softmax": _softmax_start}  # per neuron kind


def _halved(m: Milestones, epochs: int, what: str) -> str:
    return (
        f"halved {what} at epoch {m.halved:,}"
        if m.halved is not None
        else f"did not halve {what} in {epochs:,} epochs"
    )


def _progress(m: Milestones, epochs: int) -> str:
    if m.left_plateau is None:
        return f"{m.name} kept the output error above {PLATEAU:.0%} of its start for all {epochs:,} epochs"
    if m.left_plateau >= 10:
        plateau = f"kept the output error above {PLATEAU:.0%} of its start until epoch {m.left_plateau:,}"
        return f"{m.name} {plateau} and {_halved(m, epochs, 'it')}"
    return f"{m.name} {_halved(m, epochs, 'the output error')}"


def findings(runs: pd.DataFrame, neuron: str, scenario) -> list[str]:
    """Two to four sentences that are true of these runs, for the page and for screen readers."""
    found = milestones(runs, neuron)
    epochs = int(runs["epoch"].max())
    if found[0].start_error == 0:
        return [
            "The neuron starts exactly at its target, so there is nothing to learn: every gradient is zero."
        ]
    sentences = [
        f"{START_SENTENCES[neuron](runs.iloc[0], scenario)}: "
        + "; ".join(_progress(m, epochs) for m in found)
        + "."
    ]
    if len(found) < 2:
        return sentences
    done = sorted((m for m in found if m.halved is not None), key=lambda m: m.halved)
    stuck = [m for m in found if m.halved is None]
    if not done:
        advice = (
            "the error rose at some epochs, a sign that η is too large: try a smaller learning rate"
            if any(m.overshot for m in found)
            else "try more epochs or a larger learning rate η"
        )
        sentences.append(f"No loss halved the error within {epochs:,} epochs: {advice}.")
    elif stuck:
        names = " and ".join(m.name for m in stuck)
        sentences.append(
            f"{done[0].name} halved the error by epoch {done[0].halved:,}; {names} never did in this run."
        )
    else:
        fast = done[0]
        slower = [(m, m.halved / max(fast.halved, 1)) for m in done[1:]]
        slower = [(m, ratio) for m, ratio in slower if ratio >= SAME_SPEED]
        if not slower:
            both = "Both losses learn" if len(done) == 2 else "All losses learn"
            sentences.append(f"{both} at about the same speed here.")
        for slow, ratio in slower:
            sentences.append(
                f"{slow.name} needed {ratio:.3g}× as many epochs as {fast.name} to halve the error."
            )
    ranked = sorted(found, key=Milestones.lag)
    fastest, slowest = ranked[0], ranked[-1]
    if slowest.halved is not None:
        slower = slowest.halved / max(fastest.halved, 1) >= SAME_SPEED
    elif fastest.halved is not None:
        slower = True
    else:  # nobody halved: compare how much of the error each removed
        slower = fastest.start_error - fastest.final_error >= SAME_SPEED * (
            slowest.start_error - slowest.final_error
        )
    slope = runs["sigma_prime"].iloc[0]
    if slowest.carries_slope and not fastest.carries_slope and slower and slope < SMALL_SLOPE:
        symbol = get_kind(neuron).slope
        sentences.append(
            f"Why: at the start {symbol} = {slope:.3g}, tiny next to its peak of 0.25, and the "
            f"{slowest.name.lower()} cost's gradient carries this factor; the other loss's gradient does not."
        )
    return sentences
