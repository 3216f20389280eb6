"""The neuron-kind registry: what the page needs to know about a kind of neuron, so that no view
has to ask which kind it is showing.

Each kind names its run's columns (the output, the slope factor, the gradients, the σ-curve
coordinates), the symbols the page writes them with, the start parameters it takes, how to run
it from those, which of them a comparison of starts varies, the axis of its learning-speed map, and
the step rules other than gradient descent it can also be run with. A kind's losses are `LOSSES[kind.key]`.
Its words (name, labels, notes, titles) live under its key in `lossdemo.language.words`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.engine import sigmoid, softmax
from lossdemo.engine.losses import LOSSES, Loss
from lossdemo.engine.shape import Shape, curvature, optimum, sigmoid_shape, softmax_shape
from lossdemo.engine.step_rules import WIDGET_RULE, StepRule
from lossdemo.engine.sweep import sweep_sigmoid, sweep_softmax


@dataclass(frozen=True)
class NeuronKind:
    key: str
    start: tuple[str, ...]  # the start parameters a run takes (besides loss, η and epochs)
    varied: tuple[str, ...]  # what makes one start differ from another, for comparing starts
    starts_example: str  # two starts written as a link's `starts` value writes them
    output: str  # column of the output the target is about
    slope: str  # column name is always sigma_prime; this is its symbol
    gradient: tuple[str, str]  # (column, symbol) of the gradient the page reports
    second_gradient: tuple[str, str]  # (column, label of its size) of the gradient drawn beside it
    delta: str  # column of ∂C/∂z (sigmoid) or ∂C/∂z_y (softmax): what every step is made of
    delta_symbol: str  # its symbol
    chain_head: str  # LaTeX of what the chain-rule breakdown computes
    chain_times_input: bool  # is that ∂C/∂z times the input x (sigmoid: ∂C/∂w = ∂C/∂z · x)?
    curve: tuple[str, str]  # (x, y) columns of the run drawn on the σ curve: (z, a) or (lead, a_y)
    curve_names: tuple[str, str]  # the σ curve and its slope, in this kind's symbols
    shape: Callable[[Loss, np.ndarray, Mapping[str, object]], Shape]  # output, C, ∂C/∂z at curve[0] values
    map_axis: str  # the learning-speed map's start axis, a column of its sweep
    simulate: Callable[..., pd.DataFrame]  # simulate(loss, eta, epochs, optimizer, **start)
    sweep: Callable[..., pd.DataFrame]  # sweep(losses, starts, etas, tolerance, cap, optimizer, **map_start)
    map_start: tuple[str, ...]  # the start parameters the map depends on (the rest is its axis)
    map_position: Callable[[Mapping[str, object]], float]  # the start's value on the map's axis
    map_load: Callable[[float, Mapping[str, object]], dict[str, float]]  # (axis value, start) -> new start
    updates_per_epoch: Callable[[Mapping[str, object]], int]  # neuron-updates one epoch costs
    cost_curve: Callable[[Loss, Mapping[str, object]], np.ndarray]  # a loss's cost over a wide logit grid
    balance_point: str  # where `balance_gradient` is taken, in words
    balance_gradient: Callable[[Loss, Mapping[str, object]], float]  # |∂C/∂z| there (the target's)
    step_rules: tuple[StepRule, ...] = ()  # rules other than gradient descent that can run beside it

    @property
    def losses(self) -> dict:
        return LOSSES[self.key]

    def cost_floor(self, loss: str, start: Mapping[str, object], seen: np.ndarray) -> float:
        """The lowest cost the loss can reach from this start, to the grid's resolution: the
        minimum over logits from −50 to 50 and over the costs a run has `seen`. Cross-entropy's
        floor is the entropy H(y) > 0 for 0 < y < 1, so its curve levels off above 0 when done."""
        target = tuple(self._target(start).items())
        return min(_grid_floor(self.cost_curve, LOSSES[self.key][loss], target), float(np.min(seen)))

    def target_output(self, start: Mapping[str, object]) -> float:
        """The output value the run should reach: y for a sigmoid, 1 for the softmax target class."""
        return float(start["y"]) if "y" in self.start else 1.0

    def optimum(self, loss: str, start: Mapping[str, object]) -> float:
        """The output the loss aims at from this start: its own optimum for the target, y (or 1)
        but for a loss that aims elsewhere on purpose (focal with a soft target, label smoothing)."""
        return optimum(self.shape, LOSSES[self.key][loss], self._target(start), self.target_output(start))[0]

    def stability_limit(self, loss: str, start: Mapping[str, object]) -> float | None:
        """The largest η at which gradient descent on one example still settles at the loss's
        optimum: a step moves the logit by −η(1 + x²)·∂C/∂z, so the optimum is stable while
        η(1 + x²)·d(∂C/∂z)/dz < 2 there. None where no such limit exists: an optimum at an end of
        (0, 1), a loss whose step does not shrink, or a kind whose other logits move too."""
        if self.key != "sigmoid":
            return None
        slope = curvature(self.shape, LOSSES[self.key][loss], self._target(start))
        return None if not slope else 2.0 / ((1.0 + float(start["x"]) ** 2) * slope)

    def _target(self, start: Mapping[str, object]) -> dict[str, object]:
        """What of the start decides a loss's optimum: y, or the number of classes and the target."""
        return {name: start[name] for name in self.start if name in ("y", "classes", "target")}


LOGIT_GRID = np.linspace(-50.0, 50.0, 20_001)


@functools.lru_cache(maxsize=256)
def _grid_floor(cost_curve: Callable, entry: Loss, target: tuple) -> float:
    """The lowest cost of the loss over LOGIT_GRID for this target (`NeuronKind._target`'s items):
    the same for every run toward it, so computed once, not for every new start or η."""
    return float(cost_curve(entry, dict(target)).min())


def _sigmoid_costs(entry: Loss, start: Mapping[str, object]) -> np.ndarray:
    y = float(start["y"])
    return entry.cost(LOGIT_GRID, sigmoid.points(entry, LOGIT_GRID, y)[0], y)


def _softmax_costs(entry: Loss, start: Mapping[str, object]) -> np.ndarray:
    """Costs with the target's logit at each grid value and every other logit at 0: by symmetry the
    best a softmax loss can do has all wrong classes equal."""
    classes, target = int(start["classes"]), int(start["target"])
    z = np.zeros((LOGIT_GRID.size, classes))
    z[:, target] = LOGIT_GRID
    t = softmax.one_hot(classes, [target])
    return entry.cost(z, softmax.points(entry, z, t)[0], t)


def _sigmoid_balance(entry: Loss, start: Mapping[str, object]) -> float:
    """|∂C/∂z| at a = ½ (z = 0) for the target 0."""
    return abs(float(sigmoid.points(entry, 0.0, 0.0)[2]))


def _softmax_balance(entry: Loss, start: Mapping[str, object]) -> float:
    """|∂C/∂z_y| at a_y = ½ (lead ℓ = 0), the other classes sharing the rest equally."""
    classes, target = int(start["classes"]), int(start["target"])
    z = np.zeros((1, classes))
    z[0, target] = math.log(classes - 1)
    return abs(float(softmax.points(entry, z, softmax.one_hot(classes, [target]))[1][0, target]))


def _sigmoid_run(loss: str, eta: float, epochs: int, optimizer: str, *, w, b, x, y) -> pd.DataFrame:
    return sigmoid.simulate_sigmoid(loss, w, b, x, y, eta, epochs, optimizer)


def _softmax_run(
    loss: str, eta: float, epochs: int, optimizer: str, *, classes, target, x, margin
) -> pd.DataFrame:
    """A softmax layer on one input x with W = 0 and the biases of `start_logits`."""
    logits = softmax.start_logits(classes, target, margin)
    return softmax.simulate_softmax(loss, np.zeros((classes, 1)), logits, [x], target, eta, epochs, optimizer)


KINDS: dict[str, NeuronKind] = {
    kind.key: kind
    for kind in (
        NeuronKind(
            key="sigmoid",
            start=("w", "b", "x", "y"),
            varied=("w", "b"),
            starts_example="0.6:0.9,2:2",
            output="a",
            slope="σ′(z)",
            gradient=("grad_w", "∂C/∂w"),
            second_gradient=("grad_b", "|∂C/∂b|"),
            delta="grad_z",
            delta_symbol="∂C/∂z",
            chain_head=r"\frac{\partial C}{\partial w}",
            chain_times_input=True,
            curve=("z", "a"),
            curve_names=("σ(z)", "σ′(z)"),
            shape=sigmoid_shape,
            map_axis="z0",
            simulate=_sigmoid_run,
            sweep=lambda losses, starts, etas, tolerance, cap, optimizer, *, x, y: sweep_sigmoid(
                losses, x, y, starts, etas, tolerance, cap, optimizer
            ),
            map_start=("x", "y"),
            map_position=lambda start: float(start["w"]) * float(start["x"]) + float(start["b"]),
            map_load=lambda z0, start: {"w": 0.0, "b": z0},
            updates_per_epoch=lambda start: 1,
            cost_curve=_sigmoid_costs,
            balance_point="a = ½",
            balance_gradient=_sigmoid_balance,
            step_rules=(WIDGET_RULE,),
        ),
        NeuronKind(
            key="softmax",
            start=("classes", "target", "x", "margin"),
            varied=("margin",),
            starts_example="1,5",
            output="a_y",
            slope="a_y(1 − a_y)",
            gradient=("grad_b_y", "∂C/∂b_y"),
            second_gradient=("grad_norm", "‖∇C‖"),
            delta="grad_z_y",
            delta_symbol="∂C/∂z_y",
            chain_head=r"\frac{\partial C}{\partial z_y}",
            chain_times_input=False,
            curve=("lead", "a_y"),
            curve_names=("a_y = σ(ℓ)", "a_y(1 − a_y) = σ′(ℓ)"),
            shape=softmax_shape,
            map_axis="margin",
            simulate=_softmax_run,
            sweep=lambda losses, starts, etas, tolerance, cap, optimizer, *, classes, target, x: (
                sweep_softmax(losses, classes, target, x, starts, etas, tolerance, cap, optimizer)
            ),
            map_start=("classes", "target", "x"),
            map_position=lambda start: float(start["margin"]),
            map_load=lambda margin, start: {"margin": margin},
            updates_per_epoch=lambda start: int(start["classes"]),
            cost_curve=_softmax_costs,
            balance_point="a_y = ½",
            balance_gradient=_softmax_balance,
        ),
    )
}


def get_kind(neuron: str) -> NeuronKind:
    """The registry entry of a neuron kind, or a ValueError saying which exist."""
    if not isinstance(neuron, str) or neuron not in KINDS:
        raise ValueError(f"neuron must be one of {', '.join(KINDS)}; got {neuron!r}")
    return KINDS[neuron]
