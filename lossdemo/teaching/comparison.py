"""The findings when the runs are series rather than one run per loss: one loss from two or three
starts (Nielsen's criterion: the *shape* of one loss's learning from a mildly and a badly wrong
start), and the book widget's step rule beside the true gradient. Every number comes from the runs
(a frame with the `series`, `start` and `rule` columns of `controls.scenario.runs`)."""

from __future__ import annotations

import pandas as pd

from lossdemo.engine.milestones import Milestones, milestones
from lossdemo.engine.neurons import get_kind
from lossdemo.engine.step_rules import GRADIENT
from lossdemo.teaching.summaries import progress


def comparison_findings(runs: pd.DataFrame, scenario) -> list[str]:
    """Each run's progress, how much longer the worst start took than the best to halve its error
    for good, and what the widget rule did against the true gradient from the same start."""
    kind = get_kind(scenario.neuron)
    found = milestones(runs, scenario.neuron, kind.output, scenario.target_output())
    epochs = int(runs["epoch"].max())
    firsts = runs.groupby("series", sort=False, observed=True).head(1).reset_index(drop=True)
    sentences = ["; ".join(progress(m, epochs) for m in found) + "."]
    gradient = [(m, row) for m, (_, row) in zip(found, firsts.iterrows()) if row["rule"] == GRADIENT]
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
    name = kind.losses[best.loss].name
    sentences = []
    if best.start_error == worst.start_error:
        return []
    if best.halved is not None and worst.halved is not None and not (best.unstable or worst.unstable):
        extra = worst.halved - best.halved
        ratio = f" ({worst.halved / best.halved:.3g}× as many)" if best.halved else ""
        if extra > 0:
            how = f"took {extra:,} epochs longer{ratio} than"
        elif extra < 0:
            how = f"halved its error for good {-extra:,} epochs sooner than"
        else:
            how = "halved its error for good at the same epoch as"
        sentences.append(
            f"With {name.lower()}, the worse start ({worst_row['start']}, error {worst.start_error:.2g}) "
            f"{how} the better one ({best_row['start']}, error {best.start_error:.2g})"
            + (" to halve its error for good." if extra > 0 else ".")
        )
    elif best.halved is not None and worst.halved is None and not best.unstable:
        sentences.append(
            f"With {name.lower()}, the better start ({best_row['start']}) halved its error for good by epoch "
            f"{best.halved:,}; the worse one ({worst_row['start']}) did not within {epochs:,} epochs."
        )
    if kind.losses[best.loss].carries_slope:
        each = "; ".join(
            f"from {r['start']} {kind.slope} = {r['sigma_prime']:.3g}, gradient {abs(r[kind.delta]):.3g}"
            for _, r in ranked
        )
        text = f"The {name.lower()} gradient carries the factor {kind.slope}: at the start, {each}"
        if abs(worst_row[kind.delta]) < abs(best_row[kind.delta]):
            text += "; the worse start begins with the smaller gradient, though its error is larger"
        sentences.append(text + ".")
    return sentences


def _run(runs: pd.DataFrame, label: str) -> pd.DataFrame:
    return runs[runs["series"] == label]


def _rule(row: dict, twin: Milestones, twin_row: pd.Series, runs, scenario, kind) -> str:
    """The widget rule against the true gradient from the same start: its first step as a multiple
    of the gradient's (1/σ′(z₀): it divides by the slope), and where each run ended."""
    rule, true = _run(runs, row["series"]), _run(runs, twin_row["series"])
    output, epochs = kind.output, int(runs["epoch"].max())
    name = kind.losses[twin.loss].name.lower()
    text = (
        f"The book's widget rule is not gradient descent: it steps by ∂C/∂a = (a − y)/(a(1 − a)), the "
        f"gradient ∂C/∂z divided by {kind.slope}, so the more the neuron saturates, the larger its steps."
    )
    steps = [abs(float(r["b"].iloc[1] - r["b"].iloc[0])) for r in (rule, true)] if epochs else [0.0, 0.0]
    if steps[1] > 0:
        text += (
            f" From {row['start']}, where {kind.slope} = {row['sigma_prime']:.3g}, its first step is "
            f"{steps[0] / steps[1]:.3g}× the true gradient's."
        )
    return (
        f"{text} It ends at {output} = {float(rule[output].iloc[-1]):.2g} after {epochs:,} epochs; with the "
        f"true gradient at η = {scenario.eta_for(twin.loss):g}, {name} ends at {output} = "
        f"{float(true[output].iloc[-1]):.2g}."
    )
