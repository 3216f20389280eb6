"""What another optimizer changes, in numbers from the runs: each shown loss trained by gradient
descent (the baseline) and by the scenario's optimizer, from the same start with the same η."""

from __future__ import annotations

import pandas as pd

from lossdemo.engine.neurons import get_kind
from lossdemo.language import words
from lossdemo.language.messages import _
from lossdemo.teaching.milestones import Milestones, milestones


def _when(m: Milestones, epochs: int) -> str:
    if m.unstable:
        return _("never for good (it ends unstable)")
    if m.halved is not None:
        return _("at epoch {epoch}").format(epoch=f"{m.halved:,}")
    return _("not within {epochs} epochs").format(epochs=f"{epochs:,}")


def _ratio(found: list[Milestones]) -> float | None:
    """How many times as many epochs the slowest loss needed to halve the error as the fastest,
    if every loss halved it for good; None otherwise."""
    if any(m.halved is None or m.unstable for m in found):
        return None
    halved = [m.halved for m in found]
    return max(halved) / max(min(halved), 1)


def versus(baseline: pd.DataFrame, runs: pd.DataFrame, scenario) -> list[str]:
    """Sentences true of these runs: when each run (a loss, or a series: one loss from a start)
    halved the error for good under each optimizer, the first gradient and the first step of each,
    and whether the gap between the losses closed."""
    kind, name = get_kind(scenario.neuron), words.optimizer_name(scenario.optimizer)
    epochs = int(runs["epoch"].max())
    before = milestones(baseline, kind, scenario.start())
    after = milestones(runs, kind, scenario.start())
    if before[0].start_error == 0:
        return []
    speed = _("; ").join(
        _(
            "{loss} halved the output error for good {when} with {optimizer} ({before} with gradient descent)"
        ).format(loss=_(a.name), when=_when(a, epochs), optimizer=name, before=_when(b, epochs))
        for b, a in zip(before, after)
    )
    gradient = kind.delta
    symbol = f"∂C/∂{gradient.removeprefix('grad_')}"  # ∂C/∂z, or ∂C/∂z_y for the target's logit
    firsts = []
    by = "series" if "series" in runs else "loss"  # one loss from several starts: a run per start
    for (key, old), (_key, new) in zip(
        baseline.groupby(by, sort=False, observed=True), runs.groupby(by, sort=False, observed=True)
    ):
        named = words.loss_name(kind.key, key) if by == "loss" else _(str(key))
        g, gd_step, step = abs(old[gradient].iloc[0]), old["step"].iloc[0], new["step"].iloc[0]
        values = {
            "run": f"{named[0].lower()}{named[1:]}",
            "symbol": symbol,
            "gradient": f"{g:.3g}",
            "before": f"{gd_step:.3g}",
            "step": f"{step:.3g}",
            "optimizer": name,
        }
        if gd_step > 0:
            first = _(
                "{run}: |{symbol}| = {gradient}, a first step ‖Δp‖ of {before} "
                "with gradient descent and {step} with {optimizer}, {times}× as long"
            ).format(times=f"{step / gd_step:,.3g}", **values)
        else:
            first = _(
                "{run}: |{symbol}| = {gradient}, a first step ‖Δp‖ of {before} "
                "with gradient descent and {step} with {optimizer}"
            ).format(**values)
        firsts.append(first)
    sentences = [
        _("{sentence}.").format(sentence=speed),
        _("At the start both optimizers see the same gradient; only the step differs: {firsts}.").format(
            firsts=_("; ").join(firsts)
        ),
    ]
    ratios = _ratio(before), _ratio(after)
    if len(after) > 1 and None not in ratios:
        text = (
            _(
                "The slowest start needed {before}× the epochs of the fastest with gradient descent, "
                "{after}× with {optimizer}."
            )
            if by == "series"
            else _(
                "The slowest loss needed {before}× the epochs of the fastest with gradient descent, "
                "{after}× with {optimizer}."
            )
        )
        sentences.append(text.format(before=f"{ratios[0]:.3g}", after=f"{ratios[1]:.3g}", optimizer=name))
    return sentences
