"""What the Landscape tab's surfaces and runs say: sentences whose every number is computed from
the surfaces over the window and from the runs, worded so that they hold for any data set the
editor allows (which loss is flatter is read from the numbers, never assumed)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from lossdemo.engine.dataset import mean_rows
from lossdemo.engine.landscape import FLAT_GRADIENT, Landscape
from lossdemo.engine.milestones import first_epoch_within, goal_for, settled_within
from lossdemo.language.messages import _
from lossdemo.teaching.summaries import SAME_SPEED, number, unit


def share_text(share: float) -> str:
    """A share of the window in whole percent, never rounded to a false 0 % or 100 %."""
    if 0 < share < 0.005:
        return _("under 1 %")
    if 0.995 <= share < 1:
        return _("over 99 %")
    return f"{share * 100:.0f} %"


def flat_sentence(surface: Landscape, names: Mapping[str, str]) -> str:
    """How much of the window each loss's gradient leaves flat (|∇C| < FLAT_GRADIENT): where
    gradient descent at the page's learning rates hardly moves."""
    first, *rest = surface.cost
    others = "".join(
        _("; {name}: {share}").format(name=_(names[key]).lower(), share=share_text(surface.flat_share(key)))
        for key in rest
    )
    return _(
        "{name}: {share} of this window has |∇C| < {flat}, flat ground for gradient descent{others}."
    ).format(
        name=_(names[first]),
        share=share_text(surface.flat_share(first)),
        flat=f"{FLAT_GRADIENT:g}",
        others=others,
    )


def saturated_sentence(surface: Landscape) -> str:
    """How much of the window saturates the neuron on some example (the lighter region)."""
    share = float(surface.saturated.mean())
    return _(
        "On {share} of this window σ′(w·x_i + b) < {floor} for at least "
        "one example (lighter in the charts): there a loss whose gradient carries σ′ hardly learns "
        "from that example."
    ).format(share=share_text(share), floor=f"{surface.slope_floor:g}")


def start_sentence(first: pd.Series, floor: float) -> str:
    """Whether the start (w, b) is in the saturated region: the runs' first row."""
    if first["sigma_prime_min"] < floor:
        text = _(
            "The start (w, b) = ({w}, {b}) is inside it: the smallest σ′ over the examples there is {slope}."
        )
    else:
        text = _(
            "The start (w, b) = ({w}, {b}) is outside it: the smallest σ′ over the examples there is {slope}."
        )
    return text.format(w=f"{first['w']:g}", b=f"{first['b']:g}", slope=f"{first['sigma_prime_min']:.3g}")


def _short(value: float) -> str:
    """A parameter to three significant digits, and 0 when it rounds to 0 at three decimals (a
    bias of 1e-20 is zero for every purpose the sentence has)."""
    return f"{round(value, 3) + 0.0:.3g}" if abs(value) < 1 else f"{value:.3g}"


def end_sentence(runs: Mapping[str, pd.DataFrame], names: Mapping[str, str]) -> str:
    """Where each run ended: its final (w, b), mean error (1/n) Σ |a_i − y_i| and worst example."""
    epochs = int(next(iter(runs.values()))["epoch"].iloc[-1])
    parts = []
    for key, run in runs.items():
        last = run.iloc[-1]
        parts.append(
            _("{name} at (w, b) = ({w}, {b}) with mean error {error} (worst example {worst})").format(
                name=_(names[key]),
                w=_short(last["w"]),
                b=_short(last["b"]),
                error=unit(last["error"]),
                worst=unit(last["error_max"]),
            )
        )
    return _("After {epochs} epochs: {parts}.").format(epochs=f"{epochs:,}", parts=_("; ").join(parts))


def _progress(name: str, run: pd.DataFrame) -> tuple[str, int | None]:
    """One loss's run in words: its mean cost and mean error from start to end, and the first epoch
    the mean error was at most half its start value (whether it stayed there); and that epoch."""
    cost, errors = run["cost"].to_numpy(), run["error"].to_numpy()
    goal = goal_for(float(errors[0]), None)
    first, kept = first_epoch_within(errors, goal), settled_within(errors, goal)
    values = {
        "name": name,
        "cost0": f"{cost[0]:.3g}",
        "cost1": f"{cost[-1]:.3g}",
        "error0": unit(errors[0]),
        "error1": unit(errors[-1]),
        "first": f"{first:,}" if first is not None else "",
        "kept": f"{kept:,}" if kept is not None else "",
        "epochs": f"{errors.size - 1:,}",
    }
    if first is None:
        text = _(
            "{name}: mean cost {cost0} → {cost1}, mean error {error0} → {error1}, never at half its start "
            "value in {epochs} epochs"
        )
    elif kept == first:
        text = _(
            "{name}: mean cost {cost0} → {cost1}, mean error {error0} → {error1}, at half its start value "
            "from epoch {first} on"
        )
    elif kept is not None:
        text = _(
            "{name}: mean cost {cost0} → {cost1}, mean error {error0} → {error1}, first at half its start "
            "value at epoch {first}, for good from epoch {kept}"
        )
    else:
        text = _(
            "{name}: mean cost {cost0} → {cost1}, mean error {error0} → {error1}, at half its start value "
            "at epoch {first} but above it at the end"
        )
    return text.format(**values), first


def learning_sentences(runs: Mapping[str, pd.DataFrame], names: Mapping[str, str]) -> list[str]:
    """How each loss's run on the data set went, epoch by epoch: its mean cost and mean error
    (1/n) Σ |a_i − y_i| from start to end and when the mean error first fell to half its start
    value; then how many times as many epochs a slower loss needed to get there (SAME_SPEED and
    over), or which never did."""
    first_run = next(iter(runs.values()))
    epochs = int(first_run["epoch"].iloc[-1])
    if first_run["error"].iloc[0] == 0:  # the runs share their start: every output is its target
        ends = _("; ").join(
            _("{name} ends at {error}").format(name=_(names[key]), error=unit(run["error"].iloc[-1]))
            for key, run in runs.items()
        )
        return [
            _("Every example's output starts exactly at its target (mean error 0): {ends}.").format(ends=ends)
        ]
    moved = any(np.ptp(run["cost"].to_numpy()) > 0 for run in runs.values())
    if moved and all(
        np.ptp(run["error"].to_numpy()) <= CANCELS * run["error"].iloc[0] for run in runs.values()
    ):
        costs = _("; ").join(
            f"{_(names[key])} {number(run['cost'].iloc[0])} → {number(run['cost'].iloc[-1])}"
            for key, run in runs.items()
        )
        return [
            _(
                "The mean error is {error} at every epoch of every run: with this data set each step that "
                "brings one example's output nearer its target takes the others' as far away in all, so no "
                "loss can lower the mean error. The costs still fall: {costs}."
            ).format(error=unit(first_run["error"].iloc[0]), costs=costs)
        ]
    found = {key: _progress(_(names[key]), run) for key, run in runs.items()}
    sentences = [_("{parts}.").format(parts=_("; ").join(text for text, _first in found.values()))]
    there = sorted((first, key) for key, (_text, first) in found.items() if first is not None)
    if not there or len(runs) < 2:
        return sentences
    fast_epoch, fast = there[0]
    for epoch, key in there[1:]:
        ratio = epoch / fast_epoch
        if ratio >= SAME_SPEED:
            sentences.append(
                _(
                    "{slow} needed {ratio}× as many epochs as {fast} to bring the mean error to half its "
                    "start value."
                ).format(slow=_(names[key]), ratio=f"{ratio:.3g}", fast=_(names[fast]).lower())
            )
    never = [_(names[key]) for key, (_text, first) in found.items() if first is None]
    if never:
        sentences.append(
            _(
                "{fast} brought the mean error to half its start value by epoch {epoch}; {names} did not "
                "in {epochs} epochs."
            ).format(
                fast=_(names[fast]),
                epoch=f"{fast_epoch:,}",
                names=_(" and ").join(n.lower() for n in never),
                epochs=f"{epochs:,}",
            )
        )
    return sentences


def starts_sentence(frame: pd.DataFrame, names: Mapping[str, str], cap: int) -> str:
    """From what share of the start plane's starts (`engine.start_sweep.sweep_starts`' frame, one
    block of rows per loss) gradient descent with each loss reaches its goal, half the starting
    mean error, within `cap` epochs. The count of starts is said too: the plane is a coarse grid."""
    learned = frame.groupby("loss", sort=False)["learned"].mean()
    first, *rest = names
    starts = int((frame["loss"] == first).sum())
    others = "".join(
        _("; {name} from {share}").format(name=_(names[key]).lower(), share=share_text(learned[key]))
        for key in rest
    )
    return _(
        "{name} reaches half its starting mean error within {cap} epochs from "
        "{share} of these {starts} starts (w₀, b₀){others}."
    ).format(
        name=_(names[first]),
        cap=f"{cap:,}",
        share=share_text(learned[first]),
        starts=f"{starts:,}",
        others=others,
    )


def gradient_at(at: pd.DataFrame) -> tuple[float, float]:
    """(∂C/∂w, ∂C/∂b) from every example's δᵢ = ∂Cᵢ/∂z (rows of `examples_at`): the engine's means
    of δᵢ·xᵢ and of δᵢ."""
    delta, x = at["grad_z"].to_numpy(), at["x"].to_numpy()
    grad_w, grad_b = mean_rows(np.vstack([delta * x, delta]))
    return float(grad_w), float(grad_b)


TIED = 1e-9  # |δᵢ| within this share of the largest: pulling as hard (a symmetric data set's ties)
CANCELS = 8 * np.finfo(float).eps  # a mean this small against its terms' size is their round-off


def mean_text(mean: float, terms: np.ndarray) -> str:
    """A mean of terms as the page writes it: "0 (to round-off)" where the terms cancel to within
    the rounding of their sum (a symmetric data set's ∂C/∂b reads 5.55e-17, not 0), else 3
    significant digits."""
    if mean != 0 and abs(mean) <= CANCELS * np.abs(terms).mean():
        return _("0 (to round-off)")
    return number(mean)


def pull_sentence(at: pd.DataFrame) -> str:
    """The gradient at one (w, b) from every example's δᵢ = ∂Cᵢ/∂z (rows of `examples_at`), as the
    engine's means, and the example(s) that pull hardest: a saturated example whose δ the loss
    multiplies by σ′ hardly pulls at all."""
    delta, x = at["grad_z"].to_numpy(), at["x"].to_numpy()
    grad_w, grad_b = gradient_at(at)
    size = np.abs(delta)
    gradient = _(
        "Gradient: ∂C/∂w = {grad_w}, ∂C/∂b = {grad_b}, the means of δᵢ·xᵢ and of δᵢ = ∂Cᵢ/∂z."
    ).format(grad_w=mean_text(grad_w, delta * x), grad_b=mean_text(grad_b, delta))
    if size.max() == 0:
        none = _("No example pulls: every δᵢ is 0.")
        return f"{gradient} {none}"
    hardest = np.flatnonzero(size >= size.max() * (1 - TIED))
    if hardest.size == 1:
        k = int(hardest[0])
        pull = _("Example {example} pulls hardest (δ = {delta}).").format(
            example=k + 1, delta=f"{delta[k]:.3g}"
        )
    else:
        pull = _("Examples {examples} pull equally hardest (|δ| = {size}).").format(
            examples=_(", ").join(str(k + 1) for k in hardest), size=f"{size.max():.3g}"
        )
    return f"{gradient} {pull}"
