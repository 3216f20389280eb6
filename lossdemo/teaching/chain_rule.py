"""The gradient at one epoch written as its chain-rule factors with their live values, and how
the losses' steps compare there. The factors come from each loss's words (`LossWords.chain_tex`,
`LossWords.values_tex`); what is computed (∂C/∂w or ∂C/∂z_y) from the neuron-kind registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from lossdemo.engine.neurons import get_kind
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, OPTIMIZERS, Optimizer
from lossdemo.language import words
from lossdemo.language.messages import _

SMALL_SLOPE = 0.05  # a slope below this (max 0.25) is highlighted: it is what slows quadratic cost


def tex_number(value: float) -> str:
    """A number for LaTeX, 3 significant digits (scientific below 1e-3)."""
    if value != 0 and abs(value) < 1e-3:
        mantissa, exponent = f"{value:.2e}".split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return f"{value:.3g}"


@dataclass(frozen=True)
class LiveValues:
    """One row's values as a loss's `values_tex` writes them (see `words.Live`)."""

    a: float
    y: float
    sigma_prime: float
    rivals: float
    classes: int

    def num(self, value: float) -> str:
        return tex_number(value)

    def slope(self) -> str:
        shown = tex_number(self.sigma_prime)
        return rf"\colorbox{{#FAD7C3}}{{$\mathbf{{{shown}}}$}}" if self.sigma_prime < SMALL_SLOPE else shown


@dataclass(frozen=True)
class Breakdown:
    loss: str
    name: str  # the loss's name in the current language
    # head = symbolic form, then on a second line = factors with live values = result (head: ∂C/∂w,
    # or ∂C/∂z_y for softmax), in an aligned environment
    latex: str
    step: float  # ∂C/∂z (sigmoid) or ∂C/∂z_y (softmax): what every parameter's step is made of
    eta: float = 0.0  # the learning rate the loss trains with (equal gradients give each its own)


def chain_rule(
    row: pd.Series, neuron: str, loss: str, start: Mapping[str, object], eta: float = 0.0
) -> Breakdown:
    """The gradient at one row of a run as its chain-rule factors with their live values, for the
    run's start parameters (`NeuronKind.start`). Sigmoid: ∂C/∂w = ∂C/∂z · x. Softmax: ∂C/∂z_y
    (= ∂C/∂b_y), with y the target class."""
    kind, entry = get_kind(neuron), words.loss_words(neuron, loss)
    outputs = [name for name in row.index if name.startswith("a_") and name[2:].isdigit()]
    output = float(row[kind.output])
    live = LiveValues(
        a=output,
        y=kind.target_output(start),
        sigma_prime=float(row["sigma_prime"]),
        rivals=sum(float(row[name]) ** 2 for name in outputs) - output**2 if outputs else 0.0,
        classes=len(outputs),
    )
    x = float(start["x"])
    symbols, values = entry.chain_tex, entry.values_tex(live)
    result = row[kind.gradient[0]]
    if kind.chain_times_input:
        symbols, values = rf"{symbols}\,x", rf"{values}\cdot({tex_number(x)})"
    # The factors on one line and their values on the next: as one line, a long loss's (focal's)
    # is wider than a laptop's page.
    latex = (
        rf"\begin{{aligned}}{kind.chain_head} &= {symbols} \\ "
        rf"&= {values} = \mathbf{{{tex_number(result)}}}\end{{aligned}}"
    )
    return Breakdown(loss=loss, name=_(entry.name), latex=latex, step=float(row[kind.delta]), eta=eta)


def step_ratio(
    breakdowns: list[Breakdown],
    epoch: int,
    optimizer: Optimizer = OPTIMIZERS[DEFAULT_OPTIMIZER],
    neuron: str = "sigmoid",
    x: float = 1.0,
) -> str | None:
    """How many times larger the biggest ∂C/∂z (softmax: ∂C/∂z_y) is than the smallest, in words,
    and what that says of the steps. Under gradient descent a step is η·∂C/∂p, so the steps' ratio
    is the gradients' times the ratio of the losses' η (each its own with equal gradients), and it
    holds for the parameters the compared number moves: b and w (∂C/∂b = ∂C/∂z, ∂C/∂w = x·∂C/∂z;
    w not at all where x = 0), or the target class's weight and bias of a softmax layer, whose
    other classes move by their own ∂C/∂z_j. Another optimizer does not step in proportion."""
    if len(breakdowns) < 2:
        return None
    later = (
        _(" At this epoch the neurons are in different states: this compares where each has got to.")
        if epoch > 0
        else ""
    )
    symbol = "∂C/∂z_y" if neuron == "softmax" else "∂C/∂z"
    ordered = sorted(breakdowns, key=lambda b: abs(b.step))
    small, large = ordered[0], ordered[-1]
    if abs(large.step) == 0:
        return _("All gradients are zero here: no loss moves the neuron at this epoch.")
    if abs(small.step) == 0:
        return _("{small}'s gradient is exactly zero here, so only {large} still learns.{later}").format(
            small=_(small.name), large=_(large.name), later=later
        )
    ratio = abs(large.step) / abs(small.step)
    if ratio < 1.5 and large.eta == small.eta:
        return _("The gradients are about the same size here ({ratio}×).{later}").format(
            ratio=f"{ratio:.2g}", later=later
        )
    values = {
        "large": _(large.name),
        "small": _(small.name),
        "symbol": symbol,
        "ratio": f"{ratio:,.3g}",
        "steps": f"{ratio * large.eta / small.eta:,.3g}" if small.eta else "",
        "optimizer": words.optimizer_name(optimizer.key),
        "later": later,
    }
    if not optimizer.along_gradient:
        return _(
            "{large}'s {symbol} is {ratio}× {small}'s here; {optimizer} does not step "
            "in proportion to the gradient, so their steps are not in this ratio.{later}"
        ).format(**values)
    if neuron == "softmax" and x == 0:
        held = _(
            "on the target class's bias (with x = 0 its weight does not move; every other class moves by "
            "its own ∂C/∂z_j)"
        )
    elif neuron == "softmax":
        held = _("on the target class's weight and bias (every other class moves by its own ∂C/∂z_j)")
    elif x == 0:
        held = _("on b (∂C/∂b = ∂C/∂z; with x = 0, ∂C/∂w = x·∂C/∂z is 0 and w does not move)")
    else:
        held = _("on w and b (∂C/∂b = ∂C/∂z, ∂C/∂w = x·∂C/∂z)")
    if large.eta == small.eta:
        text = _("{large}'s {symbol} is {ratio}× {small}'s here, and so is its step {held}.{later}")
    else:
        text = _(
            "{large}'s {symbol} is {ratio}× {small}'s here; at its own η its step {held} is {steps}× as "
            "long.{later}"
        )
    return text.format(held=held, **values)
