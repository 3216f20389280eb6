"""What the Landscape tab's surfaces and runs say: sentences whose every number is computed from
the surfaces over the window and from the runs, worded so that they hold for any data set the
editor allows (which loss is flatter is read from the numbers, never assumed)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lossdemo.engine.landscape import FLAT_GRADIENT, Landscape
from lossdemo.teaching.summaries import unit


def share_text(share: float) -> str:
    """A share of the window in whole percent, never rounded to a false 0 % or 100 %."""
    if 0 < share < 0.005:
        return "under 1 %"
    if 0.995 <= share < 1:
        return "over 99 %"
    return f"{share * 100:.0f} %"


def flat_sentence(surface: Landscape, names: Mapping[str, str]) -> str:
    """How much of the window each loss's gradient leaves flat (|∇C| < FLAT_GRADIENT): where
    gradient descent at the page's learning rates hardly moves."""
    first, *rest = surface.cost
    text = (
        f"{names[first]}: {share_text(surface.flat_share(first))} of this window has |∇C| < "
        f"{FLAT_GRADIENT:g}, flat ground for gradient descent"
    )
    return (
        text + "".join(f"; {names[key].lower()}: {share_text(surface.flat_share(key))}" for key in rest) + "."
    )


def saturated_sentence(surface: Landscape) -> str:
    """How much of the window saturates the neuron on some example (the lighter region)."""
    share = float(surface.saturated.mean())
    return (
        f"On {share_text(share)} of this window σ′(w·x_i + b) < {surface.slope_floor:g} for at least "
        "one example (lighter in the charts): there a loss whose gradient carries σ′ hardly learns "
        "from that example."
    )


def start_sentence(first: pd.Series, floor: float) -> str:
    """Whether the start (w, b) is in the saturated region: the runs' first row."""
    where = "inside" if first["sigma_prime_min"] < floor else "outside"
    return (
        f"The start (w, b) = ({first['w']:g}, {first['b']:g}) is {where} it: the smallest σ′ over the "
        f"examples there is {first['sigma_prime_min']:.3g}."
    )


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
            f"{names[key]} at (w, b) = ({_short(last['w'])}, {_short(last['b'])}) with mean error "
            f"{unit(last['error'])} (worst example {unit(last['error_max'])})"
        )
    return f"After {epochs:,} epochs: " + "; ".join(parts) + "."


def starts_sentence(frame: pd.DataFrame, names: Mapping[str, str], cap: int) -> str:
    """From what share of the start plane's starts (`engine.start_sweep.sweep_starts`' frame, one
    block of rows per loss) gradient descent with each loss reaches its goal, half the starting
    mean error, within `cap` epochs. The count of starts is said too: the plane is a coarse grid."""
    learned = frame.groupby("loss", sort=False)["learned"].mean()
    first, *rest = names
    starts = int((frame["loss"] == first).sum())
    text = (
        f"{names[first]} reaches half its starting mean error within {cap:,} epochs from "
        f"{share_text(learned[first])} of these {starts:,} starts (w₀, b₀)"
    )
    return text + "".join(f"; {names[key].lower()} from {share_text(learned[key])}" for key in rest) + "."
