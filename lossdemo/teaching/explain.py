"""Numbers and sentences for the page, computed from the runs: per-loss summaries now, the
chain-rule breakdown and plain-language findings alongside."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.engine.losses import LOSSES
from lossdemo.engine.sweep import first_epoch_within, goal_for


@dataclass(frozen=True)
class LossSummary:
    loss: str
    name: str
    start_cost: float
    final_cost: float
    final_output: float
    halved_at: int | None  # first epoch whose output error is at most half the initial error


def output_column(neuron: str) -> str:
    """The column holding the neuron's output: a, or a_y for the target class of a softmax."""
    return "a" if neuron == "sigmoid" else "a_y"


def summarize(runs: pd.DataFrame, neuron: str) -> list[LossSummary]:
    """One summary per loss in `runs`, in the order the losses appear."""
    halved = {m.loss: m.halved for m in milestones(runs, neuron)}
    return [
        LossSummary(
            loss=loss,
            name=LOSSES[neuron][loss].name,
            start_cost=float(run["cost"].iloc[0]),
            final_cost=float(run["cost"].iloc[-1]),
            final_output=float(run[output_column(neuron)].iloc[-1]),
            halved_at=halved[loss],
        )
        for loss, run in runs.groupby("loss", sort=False)
    ]


def _num(value: float) -> str:
    """A number for LaTeX, 3 significant digits (scientific below 1e-3)."""
    if value != 0 and abs(value) < 1e-3:
        mantissa, exponent = f"{value:.2e}".split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return f"{value:.3g}"


SMALL_SLOPE = 0.05  # a slope below this (max 0.25) is highlighted: it is what slows quadratic cost


def _slope(value: float) -> str:
    shown = _num(value)
    return rf"\colorbox{{#FAD7C3}}{{$\mathbf{{{shown}}}$}}" if value < SMALL_SLOPE else shown


@dataclass(frozen=True)
class Breakdown:
    loss: str
    name: str
    latex: str  # symbolic form = factors with live values = result (∂C/∂w, or ∂C/∂z_y for softmax)
    step: float  # ∂C/∂z (sigmoid) or ∂C/∂z_y (softmax): what every parameter's step is made of


def chain_rule(row: pd.Series, neuron: str, loss: str, x: float, y: float) -> Breakdown:
    """The gradient at one row of a run written as its chain-rule factors with their live values.

    Sigmoid: ∂C/∂w with target output y. Softmax: ∂C/∂z_y (= ∂C/∂b_y) with y the target class."""
    if neuron == "sigmoid":
        a, slope, grad, step = row["a"], row["sigma_prime"], row["grad_w"], row["grad_z"]
        head = r"\frac{\partial C}{\partial w}"
        if LOSSES[neuron][loss].uses_slope:
            symbols = r"(a - y)\,\sigma'(z)\,x"
            values = rf"({_num(a - y)})\cdot{_slope(slope)}\cdot({_num(x)})"
        else:
            symbols = r"(a - y)\,x"
            values = rf"({_num(a - y)})\cdot({_num(x)})"
    else:
        a_y, slope, grad = row["a_y"], row["sigma_prime"], row["grad_z_y"]
        step = grad
        head = r"\frac{\partial C}{\partial z_y}"
        if LOSSES[neuron][loss].uses_slope:
            rivals = sum(row[f"a_{j}"] ** 2 for j in _classes(row) if j != y)
            symbols = r"a_y(1 - a_y)\,(a_y - 1) - a_y \sum_{j \ne y} a_j^2"
            values = rf"{_slope(slope)}\cdot({_num(a_y - 1)}) - ({_num(a_y)})({_num(rivals)})"
        else:
            symbols = r"a_y - 1"
            values = rf"{_num(a_y)} - 1"
    latex = rf"{head} = {symbols} = {values} = \mathbf{{{_num(grad)}}}"
    return Breakdown(loss=loss, name=LOSSES[neuron][loss].name, latex=latex, step=float(step))


def _classes(row: pd.Series) -> list[int]:
    return [int(name[2:]) for name in row.index if name.startswith("a_") and name[2:].isdigit()]


def step_ratio(breakdowns: list[Breakdown]) -> str | None:
    """How many times larger the biggest step is than the smallest, in words. Steps are compared
    through ∂C/∂z, which every parameter's gradient is a multiple of (∂C/∂w = x·∂C/∂z)."""
    if len(breakdowns) < 2:
        return None
    ordered = sorted(breakdowns, key=lambda b: abs(b.step))
    small, large = ordered[0], ordered[-1]
    if abs(large.step) == 0:
        return "All gradients are zero here: no loss moves the neuron at this epoch."
    if abs(small.step) == 0:
        return f"{small.name}'s gradient is exactly zero here, so only {large.name} still learns."
    ratio = abs(large.step) / abs(small.step)
    if ratio < 1.5:
        return f"The gradients are about the same size here ({ratio:.2g}×)."
    return f"{large.name}'s step is {ratio:,.3g}× larger than {small.name}'s here."


PLATEAU = 0.9  # "still stuck": the error is above this fraction of where it started
SAME_SPEED = 1.5  # halving epochs within this factor count as "about the same speed"


@dataclass(frozen=True)
class Milestones:
    """When one loss's run first brought the output error to 90 % and 50 % of its start."""

    loss: str
    name: str
    uses_slope: bool
    start_error: float
    final_error: float
    left_plateau: int | None
    halved: int | None
    overshot: bool  # the error rose at some epoch: a sign of too large a learning rate

    def lag(self) -> tuple[float, float]:
        """Sorts the slowest learner last: later halving, then less of the error removed."""
        halved = float("inf") if self.halved is None else self.halved
        return halved, self.final_error / self.start_error if self.start_error else 0.0


def milestones(runs: pd.DataFrame, neuron: str) -> list[Milestones]:
    found = []
    for loss, run in runs.groupby("loss", sort=False):
        errors = run["error"].to_numpy()
        entry = LOSSES[neuron][loss]
        found.append(
            Milestones(
                loss=loss,
                name=entry.name,
                uses_slope=entry.uses_slope,
                start_error=float(errors[0]),
                final_error=float(errors[-1]),
                left_plateau=first_epoch_within(errors, PLATEAU * errors[0]),
                halved=first_epoch_within(errors, goal_for(errors[0], None)),
                overshot=bool(np.any(np.diff(errors) > 0)),
            )
        )
    return found


def _start(runs: pd.DataFrame, neuron: str, scenario) -> str:
    first = runs.iloc[0]
    if neuron == "sigmoid":
        return (
            f"From w = {scenario.w:g}, b = {scenario.b:g} (output a = {first['a']:.3g}, "
            f"target y = {scenario.y:g})"
        )
    lead = (
        f"a wrong class leads the target by {scenario.margin:g}"
        if scenario.margin >= 0
        else f"the target leads every other class by {-scenario.margin:g}"
    )
    return f"From a start where {lead} (target probability a_y = {first['a_y']:.3g})"


def _progress(m: Milestones, epochs: int) -> str:
    halved = (
        f"halved it at epoch {m.halved:,}"
        if m.halved is not None
        else f"did not halve it in {epochs:,} epochs"
    )
    if m.left_plateau is None:
        return f"{m.name} kept the output error above {PLATEAU:.0%} of its start for all {epochs:,} epochs"
    if m.left_plateau >= 10:
        plateau = f"kept the output error above {PLATEAU:.0%} of its start until epoch {m.left_plateau:,}"
        return f"{m.name} {plateau} and {halved}"
    return f"{m.name} {halved.replace('it', 'the output error', 1)}"


def findings(runs: pd.DataFrame, neuron: str, scenario) -> list[str]:
    """Two to four sentences that are true of these runs, for the page and for screen readers."""
    found = milestones(runs, neuron)
    epochs = int(runs["epoch"].max())
    if found[0].start_error == 0:
        return [
            "The neuron starts exactly at its target, so there is nothing to learn: every gradient is zero."
        ]
    sentences = [f"{_start(runs, neuron, scenario)}: " + "; ".join(_progress(m, epochs) for m in found) + "."]
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
        fast, slow = done[0], done[-1]
        ratio = slow.halved / max(fast.halved, 1)
        if ratio < SAME_SPEED:
            sentences.append("Both losses learn at about the same speed here.")
        else:
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
    if slowest.uses_slope and not fastest.uses_slope and slower and slope < SMALL_SLOPE:
        symbol = "σ′(z)" if neuron == "sigmoid" else "a_y(1 − a_y)"
        sentences.append(
            f"Why: at the start {symbol} = {slope:.3g}, tiny next to its peak of 0.25, and the "
            f"{slowest.name.lower()} cost's gradient carries this factor; the other loss's gradient does not."
        )
    return sentences
