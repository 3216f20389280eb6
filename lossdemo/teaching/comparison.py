"""The findings when the runs are series rather than one run per loss: one loss from two or three
starts (Nielsen's criterion: the *shape* of one loss's learning from a mildly and a badly wrong
start), and the book widget's step rule beside the true gradient. Every number comes from the runs
(a frame with the `series`, `start` and `rule` columns of `controls.scenario.runs`)."""

from __future__ import annotations

import pandas as pd

from lossdemo.engine.neurons import get_kind
from lossdemo.engine.step_rules import GRADIENT
from lossdemo.language import words
from lossdemo.language.messages import _
from lossdemo.teaching.milestones import Milestones, milestones
from lossdemo.teaching.summaries import progress, unit


def comparison_findings(runs: pd.DataFrame, scenario, found: list[Milestones] | None = None) -> list[str]:
    """Each run's progress, how much longer the worst start took than the best to halve its error
    for good, and what the widget rule did against the true gradient from the same start. `found`:
    the runs' milestones, if they are known already."""
    kind = get_kind(scenario.neuron)
    found = milestones(runs, kind, scenario.start()) if found is None else found
    epochs = int(runs["epoch"].max())
    firsts = runs.groupby("series", sort=False, observed=True).head(1).reset_index(drop=True)
    sentences = [_("{sentence}.").format(sentence=_("; ").join(progress(m, epochs) for m in found))]
    gradient = [(m, row) for m, (_index, row) in zip(found, firsts.iterrows()) if row["rule"] == GRADIENT]
    by_loss: dict[str, list[tuple[Milestones, pd.Series]]] = {}
    for m, row in gradient:
        by_loss.setdefault(m.loss, []).append((m, row))
    for runs_of_loss in by_loss.values():
        if len(runs_of_loss) > 1:
            sentences += _starts(runs_of_loss, kind, epochs)
    for m, row in zip(found, firsts.to_dict("records")):
        if row["rule"] != GRADIENT:
            twin = next((g, r) for g, r in gradient if g.loss == m.loss and r["start"] == row["start"])
            sentences.append(_rule(row, *twin, runs, scenario, kind))
    return sentences


def _starts(runs_of_loss: list[tuple[Milestones, pd.Series]], kind, epochs: int) -> list[str]:
    """The worst start (largest starting error) against the best, and why, from the slope at each."""
    ranked = sorted(runs_of_loss, key=lambda pair: pair[0].start_error)
    (best, best_row), (worst, worst_row) = ranked[0], ranked[-1]
    name = words.loss_name(kind.key, best.loss)
    sentences = []
    if best.start_error == worst.start_error:
        return []
    if best.halved is not None and worst.halved is not None and not (best.unstable or worst.unstable):
        extra = worst.halved - best.halved
        values = {
            "name": name.lower(),
            "worse": worst_row["start"],
            "worse_error": unit(worst.start_error),
            "better": best_row["start"],
            "better_error": unit(best.start_error),
            "extra": f"{abs(extra):,}",
            "times": f"{worst.halved / best.halved:.3g}" if best.halved else "",
        }
        if extra > 0 and best.halved:
            text = _(
                "With {name}, the worse start ({worse}, error {worse_error}) took {extra} epochs longer "
                "({times}× as many) than the better one ({better}, error {better_error}) to halve its error "
                "for good."
            )
        elif extra > 0:
            text = _(
                "With {name}, the worse start ({worse}, error {worse_error}) took {extra} epochs longer than "
                "the better one ({better}, error {better_error}) to halve its error for good."
            )
        elif extra < 0:
            text = _(
                "With {name}, the worse start ({worse}, error {worse_error}) halved its error for good "
                "{extra} epochs sooner than the better one ({better}, error {better_error})."
            )
        else:
            text = _(
                "With {name}, the worse start ({worse}, error {worse_error}) halved its error for good at "
                "the same epoch as the better one ({better}, error {better_error})."
            )
        sentences.append(text.format(**values))
    elif best.halved is not None and worst.halved is None and not best.unstable:
        sentences.append(
            _(
                "With {name}, the better start ({better}) halved its error for good by epoch "
                "{epoch}; the worse one ({worse}) did not within {epochs} epochs."
            ).format(
                name=name.lower(),
                better=best_row["start"],
                epoch=f"{best.halved:,}",
                worse=worst_row["start"],
                epochs=f"{epochs:,}",
            )
        )
    if kind.losses[best.loss].carries_slope:
        each = _("; ").join(
            _("from {start} {symbol} = {slope}, gradient {gradient}").format(
                start=r["start"],
                symbol=kind.slope,
                slope=f"{r['sigma_prime']:.3g}",
                gradient=f"{abs(r[kind.delta]):.3g}",
            )
            for _pair, r in ranked
        )
        if abs(worst_row[kind.delta]) < abs(best_row[kind.delta]):
            text = _(
                "The {name} gradient carries the factor {symbol}: at the start, {each}; the worse start "
                "begins with the smaller gradient, though its error is larger."
            )
        else:
            text = _("The {name} gradient carries the factor {symbol}: at the start, {each}.")
        sentences.append(text.format(name=name.lower(), symbol=kind.slope, each=each))
    return sentences


def _run(runs: pd.DataFrame, label: str) -> pd.DataFrame:
    return runs[runs["series"] == label]


def _rule(row: dict, twin: Milestones, twin_row: pd.Series, runs, scenario, kind) -> str:
    """The widget rule against the true gradient from the same start: its first step as a multiple
    of the gradient's (1/σ′(z₀): it divides by the slope), and where each run ended."""
    rule, true = _run(runs, row["series"]), _run(runs, twin_row["series"])
    output, epochs = kind.output, int(runs["epoch"].max())
    name = words.loss_name(kind.key, twin.loss).lower()
    text = _(
        "The book's widget rule is not gradient descent: it steps by ∂C/∂a = (a − y)/(a(1 − a)), the "
        "gradient ∂C/∂z divided by {symbol}, so the more the neuron saturates, the larger its steps."
    ).format(symbol=kind.slope)
    steps = [abs(float(r["b"].iloc[1] - r["b"].iloc[0])) for r in (rule, true)] if epochs else [0.0, 0.0]
    if steps[1] > 0:
        text += _(
            " From {start}, where {symbol} = {slope}, its first step is {times}× the true gradient's."
        ).format(
            start=row["start"],
            symbol=kind.slope,
            slope=f"{row['sigma_prime']:.3g}",
            times=f"{steps[0] / steps[1]:.3g}",
        )
    return _(
        "{text} It ends at {output} = {end} after {epochs} epochs; with the "
        "true gradient at η = {eta}, {name} ends at {output} = {true_end}."
    ).format(
        text=text,
        output=output,
        end=unit(float(rule[output].iloc[-1])),
        epochs=f"{epochs:,}",
        eta=f"{scenario.eta_for(twin.loss):g}",
        name=name,
        true_end=unit(float(true[output].iloc[-1])),
    )
