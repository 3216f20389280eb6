"""The guided lesson: the source article's argument in short steps. Each step names the whole
scenario it demonstrates (a preset, the losses to show and the view to open),
asks the class to predict before the replay, and says what to look at, with numbers computed from
the step's own runs (never typed into the text). A step's class-poll question (`poll`) takes its
right choice from the same runs, through the helpers that write those numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.engine.milestones import first_epoch_within, settled_within
from lossdemo.language.messages import N_, _
from lossdemo.language.words import loss_words
from lossdemo.teaching.chain_rule import SMALL_SLOPE
from lossdemo.teaching.network import accuracy_sentence, hidden_sentence
from lossdemo.teaching.questions import TOGETHER, Poll, first_to_halve
from lossdemo.teaching.two_classes import two_class_aside


@dataclass(frozen=True)
class Step:
    """One step: its text, the scenario it sets, a prediction to make before the replay, and what
    to look at, computed from what it sets: the runs of its preset with its losses (the `runs`
    frame; with a `baseline` preset, that preset's runs as well), or with `view = "Network"` the
    network's runs at the tab's default settings (loss key →
    `train_network` frame)."""

    title: str
    text: str  # Markdown with LaTeX in $…$
    preset: str | None  # a key of lossdemo.controls.presets.PRESETS; None keeps the scenario
    look: Callable[..., str]
    predict: str  # asked before the replay runs
    losses: tuple[str, ...] | None = None  # the losses to show, if not all of the preset's
    view: str = "Curves"  # the tab the step opens
    baseline: str | None = None  # a preset whose runs `look` compares the preset's runs with
    aside: Callable[..., str] | None = None  # more, from the scenario's fields by name (Markdown)
    poll: Poll | None = None  # the class poll's question, its right choice from the runs `look` reads


def _run(runs: pd.DataFrame, loss: str) -> pd.DataFrame:
    return runs[runs["loss"] == loss]


def _halved(runs: pd.DataFrame, loss: str) -> int | None:
    errors = _run(runs, loss)["error"].to_numpy()
    return settled_within(errors, 0.5 * errors[0])


def _by(value: int | None, within: int) -> str:
    if value is not None:
        return _("by epoch {epoch}").format(epoch=f"{value:,}")
    return _("not within {epochs} epochs").format(epochs=f"{within:,}")


# The epochs a question of "about how many epochs" offers: (first epoch, key, word), then never.
EPOCH_RANGES = (
    (0, "under_20", N_("Fewer than 20")),
    (20, "20_to_99", N_("20 to 99")),
    (100, "100_or_more", N_("100 or more")),
)
NOT_WITHIN = ("not_within", N_("Not within the run"))


def _epoch_range(epoch: int | None) -> str:
    if epoch is None:
        return NOT_WITHIN[0]
    return [key for first, key, _word in EPOCH_RANGES if epoch >= first][-1]


def _look_slightly_wrong(runs: pd.DataFrame) -> str:
    run = _run(runs, "quadratic")
    return _(
        "From this mildly wrong start (a = {a}, target 0) the quadratic cost halves "
        "the output error for good {by}."
    ).format(a=f"{run['a'].iloc[0]:.2f}", by=_by(_halved(runs, "quadratic"), len(run) - 1))


def _starts_halved(runs: pd.DataFrame) -> list[tuple[float, float, int | None]]:
    """The quadratic cost from each start of a comparison of starts: (a₀, its error, the epoch it
    halves that error for good, or None)."""
    quadratic = _run(runs, "quadratic")
    return [
        (r["a"].iloc[0], r["error"].iloc[0], settled_within(r["error"].to_numpy(), 0.5 * r["error"].iloc[0]))
        for _key, r in quadratic.groupby("series", sort=False, observed=True)
    ]


def _faster_start(runs: pd.DataFrame) -> str:
    """Which start halves its error first: the mildly wrong one (the smaller error at the start),
    the badly wrong one, or about the same."""
    mild, bad = (at for _a0, _error, at in sorted(_starts_halved(runs), key=lambda start: start[1]))
    return first_to_halve({"mild": mild, "bad": bad}) or TOGETHER


def _first_loss(*losses: str) -> Callable[[pd.DataFrame], str]:
    """The right choice of "which loss halves its error first": the loss, or about the same."""
    return lambda runs: first_to_halve({loss: _halved(runs, loss) for loss in losses}) or TOGETHER


def _which_halve(runs: pd.DataFrame) -> str:
    """Which of quadratic and cross-entropy halves its error for good within the run."""
    done = {loss for loss in ("quadratic", "cross_entropy") if _halved(runs, loss) is not None}
    return {2: "both", 0: "neither"}.get(len(done)) or done.pop()


def _adam_sooner(runs: pd.DataFrame, baseline: pd.DataFrame) -> str:
    """Does the quadratic cost halve its error sooner with Adam (`runs`) than with gradient
    descent (`baseline`), about as soon, or later?"""
    halved = {"sooner": _halved(runs, "quadratic"), "later": _halved(baseline, "quadratic")}
    return first_to_halve(halved) or TOGETHER


def _first_loss_poll(text: str, neuron: str, losses: tuple[str, str]) -> Poll:
    words = tuple((loss, loss_words(neuron, loss).name) for loss in losses)
    return Poll(text, (*words, (TOGETHER, N_("About the same"))), _first_loss(*losses))


def _look_badly_wrong(runs: pd.DataFrame) -> str:
    """The badly wrong start's slope, and with a comparison of starts (a `series` column) how
    long each start took to halve its error."""
    quadratic = _run(runs, "quadratic")
    by = quadratic.groupby("series", sort=False, observed=True) if "series" in runs else [("", quadratic)]
    each = [(str(key), run) for key, run in by]
    _key, run = max(each, key=lambda pair: pair[1]["error"].iloc[0])  # the worse start
    small = run["sigma_prime"].to_numpy() < SMALL_SLOPE
    until = int(np.argmin(small)) if not small.all() else len(run)
    text = _(
        "Watch σ′(z): from the badly wrong start it starts at {slope} and stays "
        "below {small} (highlighted in Up close) until epoch {until}; the quadratic output "
        "is still {a} there, and its cost curve is nearly flat until then."
    ).format(
        slope=f"{run['sigma_prime'].iloc[0]:.3g}",
        small=f"{SMALL_SLOPE:g}",
        until=f"{until:,}",
        a=f"{run['a'].iloc[until - 1]:.2f}",
    )
    if len(each) > 1:
        epochs = len(run) - 1
        halved = _starts_halved(runs)
        halves = _("; ").join(
            _("from a₀ = {a0} {by}").format(a0=f"{a0:.2f}", by=_by(at, epochs)) for a0, _error, at in halved
        )
        text = _("{text} Each start halves its error for good: {halves}.").format(text=text, halves=halves)
    return text


def _look_cross_entropy(runs: pd.DataFrame) -> str:
    run = _run(runs, "cross_entropy")
    below = first_epoch_within(np.abs(run["a"].to_numpy()), 0.5)
    return _("Same start, same η: the cross-entropy output drops below 0.5 {by}.").format(
        by=_by(below, len(run) - 1)
    )


def _look_softmax(runs: pd.DataFrame) -> str:
    epochs = len(_run(runs, "log_likelihood")) - 1
    return _(
        "Log-likelihood halves the target's error 1 − a_y for good {by}; the quadratic cost "
        "{quadratic}: it waits for a_y(1 − a_y) to grow."
    ).format(
        by=_by(_halved(runs, "log_likelihood"), epochs), quadratic=_by(_halved(runs, "quadratic"), epochs)
    )


def _look_textbook_eta(runs: pd.DataFrame) -> str:
    epochs = len(_run(runs, "cross_entropy")) - 1
    return _(
        "At η = 0.005 cross-entropy halves the error for good {by}; the quadratic cost: {quadratic}."
    ).format(
        by=_by(_halved(runs, "cross_entropy"), epochs), quadratic=_by(_halved(runs, "quadratic"), epochs)
    )


def _look_optimizer(runs: pd.DataFrame, baseline: pd.DataFrame) -> str:
    """The quadratic cost under Adam (`runs`) against gradient descent (`baseline`), same start."""
    adam, gd = _run(runs, "quadratic"), _run(baseline, "quadratic")
    epochs = len(adam) - 1
    first, last = adam.iloc[0], adam.iloc[-1]
    per_gradient = gd["step"].iloc[0] / abs(gd["grad_z"].iloc[0])  # gradient descent's step per |∂C/∂z|
    return _(
        "With Adam the quadratic cost halves the error for good {by} "
        "(gradient descent: {gd}; cross-entropy with Adam: "
        "{cross_entropy}). Its gradient at the start is the same tiny "
        "{gradient}, but Adam's first step is {first}× "
        "gradient descent's. At epoch {epochs} the gradient is {last_gradient} and the step "
        "{last_step}, {times}× what gradient "
        "descent would take from there: set by Adam's memory of earlier gradients, not by how wrong "
        "the neuron is."
    ).format(
        by=_by(_halved(runs, "quadratic"), epochs),
        gd=_by(_halved(baseline, "quadratic"), epochs),
        cross_entropy=_by(_halved(runs, "cross_entropy"), epochs),
        gradient=f"{first['grad_z']:.3g}",
        first=f"{first['step'] / gd['step'].iloc[0]:.3g}",
        epochs=f"{epochs:,}",
        last_gradient=f"{last['grad_z']:.2g}",
        last_step=f"{last['step']:.2g}",
        times=f"{last['step'] / (abs(last['grad_z']) * per_gradient):.3g}",
    )


STEPS = (
    Step(
        N_("The quadratic cost and its gradient"),
        N_(
            "A sigmoid neuron computes $z = wx + b$ and outputs $a = \\sigma(z)$. The quadratic cost "
            "$C = \\tfrac12 (a - y)^2$ measures how far $a$ is from the target $y$. By the chain rule its "
            "gradient is $\\partial C/\\partial w = (a - y)\\,\\sigma'(z)\\,x$: the error, times the slope "
            "of the sigmoid, times the input. Gradient descent moves $w$ and $b$ a step $\\eta$ against it."
        ),
        "slightly_wrong",
        _look_slightly_wrong,
        N_(
            "The neuron's output should be 0 and it starts mildly wrong. Predict the shape of the cost "
            "curve: a steady fall from the first epoch, or a slow start? Then press Play."
        ),
        losses=("quadratic",),
        poll=Poll(
            N_("About how many epochs until the quadratic cost halves the output error for good?"),
            (*((key, word) for _first, key, word in EPOCH_RANGES), NOT_WITHIN),
            lambda runs: _epoch_range(_halved(runs, "quadratic")),
        ),
    ),
    Step(
        N_("Why a badly wrong neuron learns slowly"),
        N_(
            "The slope $\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$ is largest, $0.25$, at $z = 0$ where "
            "$a = \\tfrac12$ (the top of the σ′ curve in this view), and almost $0$ when the output is near "
            "$0$ or $1$. A neuron that is confidently wrong sits exactly there, so the "
            "factor $\\sigma'(z)$ makes its quadratic gradient tiny, and it barely moves at first. (Not "
            '"the worse, the slower" everywhere: for $y = 0$ the quadratic $|\\partial C/\\partial z| = '
            "a^2(1 - a)$ peaks at $a = 2/3$; only beyond that does a worse start learn more slowly.)"
        ),
        "book_two_starts",
        _look_badly_wrong,
        N_(
            "Now the mildly wrong start beside a badly wrong one: nearly 1 where it should be 0. A bigger "
            "error, so a bigger step? Predict whether the badly wrong start learns faster or slower, then "
            "press Play and watch the slope σ′(z) on the sigmoid curve."
        ),
        losses=("quadratic",),
        view="Up close",
        poll=Poll(
            N_("With the quadratic cost, which start halves its error for good first?"),
            (
                ("mild", N_("The mildly wrong start")),
                ("bad", N_("The badly wrong start")),
                (TOGETHER, N_("About the same")),
            ),
            _faster_start,
        ),
    ),
    Step(
        N_("Cross-entropy cancels σ′(z)"),
        N_(
            "The cross-entropy cost $C = -[y \\ln a + (1 - y) \\ln(1 - a)]$ has $\\partial C/\\partial a = "
            "(a - y)/(a(1 - a))$, which cancels the $\\sigma'(z)$ of the chain rule: "
            "$\\partial C/\\partial w = (a - y)\\,x$. For this output neuron on one example the gradient is "
            "simply the error times the input: the larger the error, the larger the step."
        ),
        "badly_wrong",
        _look_cross_entropy,
        N_(
            "Same badly wrong start, same η, and now cross-entropy beside the quadratic cost. Predict "
            "which output falls first, and whether cross-entropy has a flat stretch too. Press Play."
        ),
        poll=_first_loss_poll(
            N_("Which loss halves the output error for good first?"),
            "sigmoid",
            ("quadratic", "cross_entropy"),
        ),
    ),
    Step(
        N_("Softmax with log-likelihood"),
        N_(
            "A softmax layer turns $K$ logits $z$ into probabilities $a_j = e^{z_j}/\\sum_k e^{z_k}$. With "
            "the log-likelihood cost $C = -\\ln a_y$ the gradient is $\\partial C/\\partial z = a - t$ (t is "
            "the one-hot target): again no slope factor. The quadratic cost instead multiplies by the "
            "softmax Jacobian $J = \\mathrm{diag}(a) - a a^{\\top}$, and every entry of the target's row "
            "carries $a_y$: when the layer is confidently wrong ($a_y$ near 0) its whole gradient is small. "
            "With the target's lead $\\ell = z_y - \\ln\\sum_{j \\ne y} e^{z_j}$, $a_y = \\sigma(\\ell)$ and "
            "$a_y(1 - a_y) = \\sigma'(\\ell)$ exactly, for any number of classes: the sigmoid picture "
            "carries over."
        ),
        "confidently_wrong",
        _look_softmax,
        N_(
            "A softmax layer that puts almost no probability on the right class. Predict: does the "
            "quadratic cost stall here too, and does log-likelihood? Press Play."
        ),
        aside=two_class_aside,
        poll=_first_loss_poll(
            N_("Which loss halves the target's error 1 − a_y for good first?"),
            "softmax",
            ("quadratic", "log_likelihood"),
        ),
    ),
    Step(
        N_("A fair comparison"),
        N_(
            "Compare losses at the same learning rate $\\eta$. A famous textbook demo shows cross-entropy "
            "learning fast at $\\eta = 0.005$, but its animation steps by $\\partial C/\\partial a = 1/(1 - "
            "a)$ rather than by the true gradient. With the true gradient, $\\eta = 0.005$ is slow for both "
            "losses. Everything on this page uses the true gradients. Equal $\\eta$ is not neutral either: "
            "the quadratic $\\partial C/\\partial z$ is $\\sigma'(z) \\le 1/4$ times the cross-entropy one, "
            "so from the same state its steps are at least 4× smaller even unsaturated; and at a large "
            "$\\eta$ (try $y = 0.5$, "
            "$\\eta = 5$) cross-entropy oscillates while the quadratic cost settles."
        ),
        "textbook_eta",
        _look_textbook_eta,
        N_(
            "The learning rate of the book's demo, with the true gradients. Predict how far each output "
            "gets within the run, then press Play."
        ),
        poll=Poll(
            N_("At η = 0.005, which loss halves the output error for good within the run?"),
            (
                ("both", N_("Both")),
                ("cross_entropy", N_("Only cross-entropy")),
                ("quadratic", N_("Only the quadratic cost")),
                ("neither", N_("Neither")),
            ),
            _which_halve,
        ),
    ),
    Step(
        N_("Does a better optimizer fix it?"),
        N_(
            "Adam divides each parameter's step by a running root-mean-square of its own past gradients, "
            "so a gradient that is tiny because $\\sigma'(z)$ is tiny still makes a step of about "
            "$\\eta$ at first: the quadratic cost's stall at a badly wrong start largely disappears. What "
            "it does not change: the gradient itself is as small as ever (the loss still hands over "
            "$\\sigma'(z)$, see the gradient panel); the step is set by $\\eta$ and the gradients so far "
            "rather than by how wrong the neuron is; and with several examples a cost that weighs them "
            "wrongly (the quadratic cost counts a confidently wrong example little) stays wrong, because "
            "Adam rescales parameters, not examples. Momentum only adds up past gradients: a tiny "
            "gradient stays a small step."
        ),
        "adam_badly_wrong",
        _look_optimizer,
        N_(
            "The same badly wrong start with the quadratic cost and cross-entropy, now trained with Adam "
            "(dashed in the comparison below the curves) beside gradient descent. Predict: does Adam "
            "remove the stall, and does it make the gradient any larger? Press Play."
        ),
        baseline="badly_wrong",
        poll=Poll(
            N_("With Adam, does the quadratic cost halve its error sooner than with gradient descent?"),
            (
                ("sooner", N_("Sooner")),
                (TOGETHER, N_("About as soon")),
                ("later", N_("Later")),
            ),
            _adam_sooner,
        ),
    ),
    Step(
        N_("Does it matter in a real network?"),
        N_(
            "The argument is about one output neuron. A real network has hidden layers too: here a "
            "64 → 30 → 10 network of sigmoid neurons learns handwritten 8×8 digits from the same start "
            "with each loss. Cross-entropy (or a softmax output with log-likelihood) removes $\\sigma'$ "
            "from the **output** layer's gradient only; the hidden neurons keep theirs (the vanishing "
            "gradients of deeper networks, the book's chapter 5)."
        ),
        None,
        lambda runs: _("{accuracy} {hidden}").format(
            accuracy=accuracy_sentence(runs), hidden=hidden_sentence(runs)
        ),
        N_(
            "Predict: in a network with a hidden layer, does cross-entropy still learn faster than the "
            "quadratic cost, and do the hidden neurons still lose their slope? The tab trains each loss "
            "when it opens."
        ),
        view="Network",
    ),
)
