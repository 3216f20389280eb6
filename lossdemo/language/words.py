"""The words of the engine's registries, under the keys of their entries: each loss's name, purpose
and formulas, each optimizer's, each neuron kind's labels and each step rule's name. The engine
holds the numbers only; a new loss is its numbers in one entry of `engine.losses` plus its words
here (and their translation in the catalogue).

Every text is marked with N_ (a constant): translate it with _() where it is shown. Formulas are
LaTeX and the same in every language.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from lossdemo.language.messages import N_, _


class Live(Protocol):
    """The live values a loss writes its chain-rule factors with (see `LossWords.values_tex`)."""

    a: float  # the output: a (sigmoid) or a_y (softmax)
    y: float  # the target output: y, or 1 for the softmax target class
    rivals: float  # softmax: Σ_{j≠y} a_j²
    classes: int  # softmax: the number of classes K (0 for a sigmoid neuron)

    def num(self, value: float) -> str: ...

    def slope(self) -> str: ...  # the slope σ′(z) or a_y(1 − a_y), highlighted where small


@dataclass(frozen=True)
class LossWords:
    name: str
    purpose: str  # one line: what the loss is for and when it slows down
    # "C = …" and "∂C/∂z = …", shown one under the other in half a laptop's page; a formula too
    # wide for that breaks its line with \\ (each line centred).
    cost_tex: str
    delta_tex: str
    chain_tex: str  # ∂C/∂z (sigmoid) or ∂C/∂z_y (softmax) as the product of its factors
    values_tex: Callable[[Live], str]  # the same factors with live values


@dataclass(frozen=True)
class OptimizerWords:
    name: str
    purpose: str  # one line: what it does to the step
    update_tex: str  # the update rule, LaTeX (lines separated by \\)
    state: str  # what it keeps between updates, in words
    torch: str  # the PyTorch optimizer it equals


@dataclass(frozen=True)
class KindWords:
    name: str
    output_label: str
    target_label: str  # what the output should reach, in words
    gradient_note: str  # when the two gradient lines coincide, if they can
    curve_titles: tuple[str, str]  # the σ curve's axes
    shape_note: str  # the logits the loss-shape curves assume ("" if the coordinate fixes them)
    points_note: str  # where a run's own point lies against its curve ("" if always on it)
    map_axis_title: str
    map_load_text: str  # what loading a map cell sets


def _xlnx(p: float) -> float:
    """p ln p, 0 at p = 0 (its limit): for the live values of the focal losses."""
    return p * math.log(p) if p > 0 else 0.0


GAMMA = 2  # the focal losses' γ, as the engine's registry has it

LOSSES: dict[tuple[str, str], LossWords] = {
    ("sigmoid", "quadratic"): LossWords(
        name=N_("Quadratic"),
        purpose=N_(
            "The mean squared error of regression; its gradient carries σ′(z), so it stalls "
            "wherever the sigmoid saturates."
        ),
        cost_tex=r"C = \tfrac{1}{2}(a - y)^2",
        delta_tex=r"\frac{\partial C}{\partial z} = (a - y)\,\sigma'(z)",
        chain_tex=r"(a - y)\,\sigma'(z)",
        values_tex=lambda v: rf"({v.num(v.a - v.y)})\cdot{v.slope()}",
    ),
    ("sigmoid", "cross_entropy"): LossWords(
        name=N_("Cross-entropy"),
        purpose=N_(
            "The loss of logistic regression; σ′(z) cancels, so the gradient is the error "
            "itself and never stalls in saturation."
        ),
        cost_tex=r"C = -\left[y \ln a + (1 - y) \ln(1 - a)\right]",
        delta_tex=r"\frac{\partial C}{\partial z} = a - y",
        chain_tex=r"(a - y)",
        values_tex=lambda v: rf"({v.num(v.a - v.y)})",
    ),
    ("sigmoid", "focal"): LossWords(
        name=N_("Focal"),
        purpose=N_(
            "Cross-entropy with each side weighted by its own error to the power γ = 2 "
            "(Lin et al. 2017, for rare hard examples among many easy ones): a badly wrong neuron "
            "learns as fast as with cross-entropy, but the gradient fades like the error cubed near "
            "the target, so the last stretch is slow."
        ),
        cost_tex=rf"C = -\big[y(1 - a)^{{\gamma}}\ln a \\ {{}} + (1 - y)\,a^{{\gamma}}\ln(1 - a)\big],"
        rf"\ \gamma = {GAMMA}",
        delta_tex=r"\frac{\partial C}{\partial z} = y(1 - a)^{\gamma}\left[\gamma a\ln a - (1 - a)\right]"
        r" \\ {} + (1 - y)\,a^{\gamma}\left[a - \gamma(1 - a)\ln(1 - a)\right]",
        chain_tex=rf"\left(y\,(1 - a)^{{{GAMMA}}}\left[{GAMMA}a\ln a - (1 - a)\right]"
        rf" + (1 - y)\,a^{{{GAMMA}}}\left[a - {GAMMA}(1 - a)\ln(1 - a)\right]\right)",
        values_tex=lambda v: (
            rf"\left({v.num(v.y)}\cdot{v.num((1 - v.a) ** GAMMA)}"
            rf"\left[{v.num(GAMMA * _xlnx(v.a) - (1 - v.a))}\right]"
            rf" + {v.num(1 - v.y)}\cdot{v.num(v.a**GAMMA)}"
            rf"\left[{v.num(v.a - GAMMA * _xlnx(1 - v.a))}\right]\right)"
        ),
    ),
    ("sigmoid", "absolute"): LossWords(
        name=N_("Absolute error"),
        purpose=N_(
            "The mean absolute error of robust regression; its gradient is sign(a − y)·σ′(z): "
            "the size of the error drops out and only σ′(z) is left, so it stalls in saturation like "
            "quadratic and keeps its full step right up to the target."
        ),
        cost_tex=r"C = |a - y|",
        delta_tex=r"\frac{\partial C}{\partial z} = \operatorname{sign}(a - y)\,\sigma'(z)",
        chain_tex=r"\operatorname{sign}(a - y)\,\sigma'(z)",
        values_tex=lambda v: rf"\operatorname{{sign}}({v.num(v.a - v.y)})\cdot{v.slope()}",
    ),
    ("softmax", "quadratic"): LossWords(
        name=N_("Quadratic"),
        purpose=N_(
            "Squared error on the probabilities; the softmax Jacobian multiplies in a_y, so "
            "it stalls when the layer is confidently wrong."
        ),
        cost_tex=r"C = \tfrac{1}{2}\sum_j (a_j - t_j)^2",
        delta_tex=r"\frac{\partial C}{\partial z} = J\,(a - t),\quad J = \mathrm{diag}(a) - a a^{\top}",
        chain_tex=r"a_y(1 - a_y)\,(a_y - 1) - a_y \sum_{j \ne y} a_j^2",
        values_tex=lambda v: rf"{v.slope()}\cdot({v.num(v.a - 1)}) - ({v.num(v.a)})({v.num(v.rivals)})",
    ),
    ("softmax", "log_likelihood"): LossWords(
        name=N_("Log-likelihood"),
        purpose=N_(
            "The loss of multinomial logistic regression; no slope factor, so a confidently "
            "wrong layer learns fastest."
        ),
        cost_tex=r"C = -\ln a_y",
        delta_tex=r"\frac{\partial C}{\partial z} = a - t",
        chain_tex=r"a_y - 1",
        values_tex=lambda v: rf"{v.num(v.a)} - 1",
    ),
    ("softmax", "focal"): LossWords(
        name=N_("Focal"),
        purpose=N_(
            "Log-likelihood weighted by (1 − a_y)^γ, γ = 2 (Lin et al. 2017, to focus on "
            "hard examples): a confidently wrong layer learns as fast as with log-likelihood, but the "
            "gradient fades like (1 − a_y)³ near the target, so the last stretch is slow."
        ),
        cost_tex=rf"C = -(1 - a_y)^{{\gamma}}\ln a_y,\ \gamma = {GAMMA}",
        delta_tex=r"\frac{\partial C}{\partial z} = \left[\gamma(1 - a_y)^{\gamma - 1}a_y\ln a_y"
        r" - (1 - a_y)^{\gamma}\right] \\ {} \times (t - a)",
        chain_tex=rf"\left[{GAMMA}(1 - a_y)\,a_y\ln a_y - (1 - a_y)^{{{GAMMA}}}\right](1 - a_y)",
        values_tex=lambda v: (
            rf"\left[{GAMMA}\cdot{v.num((1 - v.a) ** (GAMMA - 1))}\cdot({v.num(_xlnx(v.a))})"
            rf" - {v.num((1 - v.a) ** GAMMA)}\right]({v.num(1 - v.a)})"
        ),
    ),
    ("softmax", "label_smoothing"): LossWords(
        name=N_("Label smoothing"),
        purpose=N_(
            "Log-likelihood against a softened target (1 − ε)t + ε/K, ε = 0.1 (as PyTorch's "
            "cross_entropy with label_smoothing), against overconfidence: it learns as fast when wrong, "
            "but its optimum is a_y = 1 − ε + ε/K < 1 and its minimum is above 0."
        ),
        cost_tex=r"C = -\sum_j q_j \ln a_j, \\ q = (1 - \varepsilon)\,t + \varepsilon/K,\ \varepsilon = 0.1",
        delta_tex=r"\frac{\partial C}{\partial z} = a - q",
        chain_tex=r"a_y - \left(1 - \varepsilon + \tfrac{\varepsilon}{K}\right)",
        values_tex=lambda v: rf"{v.num(v.a)} - {v.num(0.9 + 0.1 / v.classes)}",
    ),
}

OPTIMIZERS: dict[str, OptimizerWords] = {
    "gd": OptimizerWords(
        name=N_("Gradient descent"),
        purpose=N_("Each step is η times the gradient: a tiny gradient makes a tiny step."),
        update_tex=r"p \leftarrow p - \eta\, g",
        state=N_("nothing"),
        torch="torch.optim.SGD(params, lr=η)",
    ),
    "momentum": OptimizerWords(
        name=N_("Momentum"),
        purpose=N_(
            "Steps along a running sum of the gradients (μ = 0.9): a steady small gradient "
            "builds up to a step up to 10 times as long, but a tiny one stays tiny."
        ),
        update_tex=r"v \leftarrow \mu v + g,\quad p \leftarrow p - \eta\, v,\quad \mu = 0.9",
        state=N_("the velocity v per parameter (the first update sets v = g)"),
        torch="torch.optim.SGD(params, lr=η, momentum=0.9)",
    ),
    "adam": OptimizerWords(
        name="Adam",  # a name, the same in every language: not in the catalogue
        purpose=N_(
            "Divides each parameter's step by a running estimate of its gradient's size: the "
            "step is about η whether the gradient is tiny or not."
        ),
        update_tex=r"m \leftarrow \beta_1 m + (1 - \beta_1) g,"
        r"\quad v \leftarrow \beta_2 v + (1 - \beta_2) g^2"
        r"\\ p \leftarrow p - \eta\,\frac{m / (1 - \beta_1^t)}{\sqrt{v / (1 - \beta_2^t)} + \epsilon}"
        r"\\ \beta_1 = 0.9,\ \beta_2 = 0.999,\ \epsilon = 10^{-8}",
        state=N_("the running means m of g and v of g² per parameter, and the update count t"),
        torch="torch.optim.Adam(params, lr=η, betas=(0.9, 0.999), eps=1e-8)",
    ),
}

KINDS: dict[str, KindWords] = {
    "sigmoid": KindWords(
        name=N_("Sigmoid neuron"),
        output_label=N_("output a"),
        target_label=N_("the target y"),
        gradient_note=N_(" (one line when x = ±1)"),
        curve_titles=("z = w·x + b", N_("output a")),
        shape_note="",
        points_note="",
        map_axis_title=N_("starting z₀ = w·x + b (output a₀ = σ(z₀))"),
        map_load_text=N_("as w = 0, b = z₀"),
    ),
    "softmax": KindWords(
        name=N_("Softmax layer"),
        output_label=N_("target probability a_y"),
        target_label=N_("the target 1"),
        gradient_note="",
        curve_titles=(N_("target's lead ℓ = z_y − ln Σ_{j≠y} e^{z_j}"), "a_y"),
        shape_note=N_("the other classes sharing 1 − a_y equally"),
        points_note=N_(
            "each run's own values; the curves assume the other classes share 1 − a_y equally, so a run "
            "whose rivals do not has a higher cost and, with the quadratic cost, a larger |∂C/∂z_y| than "
            "its curve shows at the same a_y, and its point sits off the curve"
        ),
        map_axis_title=N_("start margin (wrong class's lead)"),
        map_load_text=N_("its margin"),
    ),
}


@dataclass(frozen=True)
class RuleWords:
    name: str  # how the page labels the rule's run
    tex: str  # what it steps by


# The step rules that are not gradient descent (`engine.step_rules`), under their keys.
RULES: dict[str, RuleWords] = {
    "widget": RuleWords(
        name=N_("Cross-entropy, book's widget rule (not the gradient)"),
        tex=r"\text{steps by } \frac{\partial C}{\partial a} = \frac{a - y}{a(1 - a)}"
        r" = \frac{\partial C / \partial z}{\sigma'(z)} \quad \text{(not gradient descent)}",
    )
}


def loss_words(neuron: str, key: str) -> LossWords:
    """The words of a loss, or a ValueError naming the losses that have words."""
    if (neuron, key) not in LOSSES:
        known = ", ".join(k for n, k in LOSSES if n == neuron)
        raise ValueError(f"no words for the {neuron} loss {key!r}; words exist for {known}")
    return LOSSES[neuron, key]


def loss_name(neuron: str, key: str) -> str:
    """A loss's name in the current language."""
    return _(loss_words(neuron, key).name)


def optimizer_name(key: str) -> str:
    """An optimizer's name in the current language."""
    return _(OPTIMIZERS[key].name)
