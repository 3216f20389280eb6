"""The teaching modules in Chinese: with `speaking("zh")` every sentence, label and table header they
write (findings, the optimizer comparison, comparisons of starts, the chain-rule ratio, the loss-shape
sentence, the lesson, the two-class aside, the Landscape tab's and the network's sentences) is
Chinese with every placeholder filled, over many scenarios; and the English is unchanged.

"No English sentence" is checked as the translation brief states it: after removing $…$ math,
`code`, loss and optimizer keys and numbers, no run of two ASCII words of two or more letters is
left. Words the teaching modules only pass through are removed too while they are untranslated in
this branch's catalogue: the engine's display names (losses, optimizers, step rules, a neuron kind's
shape note) and the series labels of `controls.scenario` (other parts mark them)."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from findings_oracle import truths
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lossdemo.controls.presets import PRESETS
from lossdemo.controls.scenario import ETA_CHOICES, Scenario, rows_at, runs
from lossdemo.engine.landscape import landscape, window
from lossdemo.engine.losses import LOSSES, NEURONS
from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.engine.shape import shape_points
from lossdemo.engine.sigmoid import simulate_sigmoid
from lossdemo.engine.start_sweep import sweep_starts
from lossdemo.language import words
from lossdemo.language.messages import _, speaking
from lossdemo.language.words import loss_words
from lossdemo.teaching import landscape as landscape_text
from lossdemo.teaching.chain_rule import Breakdown, chain_rule, step_ratio
from lossdemo.teaching.comparison import comparison_findings
from lossdemo.teaching.lesson import STEPS
from lossdemo.teaching.loss_shape import shape_sentence
from lossdemo.teaching.milestones import Milestones
from lossdemo.teaching.network import accuracy_sentence, hidden_sentence
from lossdemo.teaching.optimizers import versus
from lossdemo.teaching.summaries import findings, progress
from lossdemo.teaching.two_classes import two_class_aside

ENGLISH = re.compile(r"[A-Za-z]{2,}[\s,.;:'’-]+[A-Za-z]{2,}")
MATH = re.compile(r"\$[^$]*\$")
CODE = re.compile(r"`[^`]*`")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")
HAN = re.compile(r"[\u4e00-\u9fff]")
KEYS = sorted({*(key for neuron in NEURONS for key in LOSSES[neuron]), *OPTIMIZERS}, key=len, reverse=True)


def passed_through() -> list[str]:
    """The engine's display names the teaching modules translate where they use them, as written
    (also lower-cased) while the catalogue has no Chinese for them."""
    names = {entry.name for entry in words.LOSSES.values()}
    names |= {entry.name for entry in words.OPTIMIZERS.values()}
    names |= {rule.name for rule in words.RULES.values()}
    names |= {kind.shape_note for kind in words.KINDS.values()} - {""}
    with speaking("zh"):
        left = {name for name in names if _(name) == name}
    return sorted(
        {form for name in left for form in (name, name.lower(), name[0].lower() + name[1:])}, key=len
    )[::-1]


PASSED_THROUGH = passed_through()


def assert_chinese(text: str, data: tuple[str, ...] = ()) -> None:
    """`text` is Chinese: no English sentence, no unfilled placeholder. `data`: labels from the runs."""
    assert HAN.search(text), text
    rest = CODE.sub(" ", MATH.sub(" ", text))
    for word in (*sorted(data, key=len, reverse=True), *PASSED_THROUGH):
        rest = rest.replace(word, " ")
    for key in KEYS:
        rest = re.sub(rf"\b{key}\b", " ", rest)
    rest = NUMBER.sub(" ", rest)
    found = ENGLISH.search(rest)
    assert found is None, f"English {found.group()!r} in {text!r}"
    assert "{" not in rest and "}" not in rest, f"unfilled placeholder in {text!r}"


def all_chinese(texts, data: tuple[str, ...] = ()) -> None:
    for text in texts:
        if text:
            assert_chinese(text, data)


grid = lambda low, high, step: st.integers(round(low / step), round(high / step)).map(  # noqa: E731
    lambda k: round(k * step, 10)
)


@st.composite
def scenarios(draw) -> Scenario:
    neuron = draw(st.sampled_from(NEURONS))
    losses = tuple(draw(st.lists(st.sampled_from(list(LOSSES[neuron])), min_size=1, max_size=3, unique=True)))
    common = {
        "losses": losses,
        "eta": draw(st.sampled_from(ETA_CHOICES)),
        "epochs": draw(st.sampled_from([10, 50, 300])),
        "x": draw(grid(-3, 3, 0.1)),
        "balance": draw(st.booleans()),
    }
    if neuron == "sigmoid":
        return Scenario(
            neuron, w=draw(grid(-8, 8, 0.1)), b=draw(grid(-8, 8, 0.1)), y=draw(grid(0, 1, 0.05)), **common
        )
    classes = draw(st.integers(2, 6))
    return Scenario(
        neuron,
        classes=classes,
        target=draw(st.integers(0, classes - 1)),
        margin=draw(grid(-5, 10, 0.5)),
        **common,
    )


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.sampled_from(["momentum", "adam"]), st.integers(0, 300))
@example(Scenario(), "adam", 0)
@example(Scenario(w=10.0, b=10.0, y=1.0), "momentum", 3)  # already at the target
@example(Scenario(y=0.5, eta=5.0), "adam", 40)  # oscillates
@example(Scenario(neuron="softmax", losses=("quadratic", "log_likelihood"), margin=0.0), "adam", 5)
@example(Scenario(neuron="softmax", losses=("quadratic", "log_likelihood"), margin=-1.0), "momentum", 7)
def test_findings_the_optimizer_comparison_and_the_gradient_panel_speak_chinese(scenario, optimizer, epoch):
    frame = runs(scenario)
    other = replace(scenario, optimizer=optimizer)
    rows = rows_at(frame, scenario, min(epoch, scenario.epochs))
    breakdowns = [chain_rule(rows[loss], scenario.neuron, loss, scenario.start()) for loss in scenario.losses]
    with speaking("zh"):
        texts = [
            *findings(frame, scenario.neuron, scenario),
            *versus(frame, runs(other), other),
            *(step_ratio(breakdowns, epoch, entry) for entry in OPTIMIZERS.values()),
            shape_sentence(shape_points(scenario.kind, rows, scenario.start()), scenario.neuron),
        ]
    all_chinese(texts)


@st.composite
def milestones(draw) -> Milestones:
    halved = draw(st.none() | st.integers(0, 900))
    smooth = draw(st.booleans())
    return Milestones(
        loss="quadratic" if smooth else "absolute",
        name="Quadratic" if smooth else "Absolute error",
        carries_slope=True,
        smooth=smooth,
        target=0.3,
        optimum=draw(st.sampled_from([0.3, 0.42])),
        start_error=0.9,
        final_error=draw(st.sampled_from([0.1, 0.0])),
        left_plateau=draw(st.none() | st.integers(0, 900)),
        reached=draw(st.none() | st.integers(0, 900)),
        halved=halved,
        unstable=draw(st.booleans()) and smooth,
        band=0.0 if smooth else draw(st.sampled_from([0.0, 0.01, 0.6])),
        overshot=draw(st.booleans()),
        round_off=1e-15,
    )


@settings(deadline=None)
@given(milestones(), st.integers(1, 5000))
def test_every_kind_of_progress_speaks_chinese(m, epochs):
    with speaking("zh"):
        assert_chinese(progress(m, epochs))


@settings(deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.0, 1e-3, 0.01, 0.5, 0.6, 2.0, -0.3]), min_size=2, max_size=4))
def test_every_step_ratio_speaks_chinese(steps):
    names = ["Quadratic", "Cross-entropy", "Focal", "Absolute error"]
    breakdowns = [Breakdown(f"loss{i}", names[i], "", step) for i, step in enumerate(steps)]
    with speaking("zh"):
        for optimizer in OPTIMIZERS.values():
            for epoch in (0, 12):
                assert_chinese(step_ratio(breakdowns, epoch, optimizer))


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.sampled_from(["quadratic", "cross_entropy"]), min_size=1, max_size=2, unique=True),
    st.lists(st.tuples(grid(-4, 4, 0.1), grid(-4, 4, 0.1)), min_size=2, max_size=3, unique=True),
    st.sampled_from([0.15, 0.5, 2.0]),
    st.sampled_from([20, 300]),
    grid(0, 1, 0.25),
    st.booleans(),
)
@example(["quadratic"], [(0.6, 0.9), (2.0, 2.0)], 0.15, 300, 0.0, True)
def test_comparisons_of_starts_and_the_widget_rule_speak_chinese(losses, starts, eta, epochs, y, widget):
    scenario = Scenario(
        losses=tuple(losses), eta=eta, epochs=epochs, y=y, starts=tuple(starts), widget_rule=widget
    )
    frame = runs(scenario)
    labels = tuple(str(label) for label in frame["series"].unique())
    with speaking("zh"):
        texts = comparison_findings(frame, scenario)
        baseline = runs(replace(scenario, widget_rule=False))
        other = replace(scenario, optimizer="adam", widget_rule=False)
        texts += versus(baseline, runs(other), other)
    all_chinese(texts, labels + tuple(str(start) for start in frame["start"].unique()))


def test_the_lesson_speaks_chinese():
    with speaking("zh"):
        for step in STEPS:
            all_chinese([_(step.title), _(step.text), _(step.predict)])
            if step.preset is None:
                continue
            frame = runs(PRESETS[step.preset].scenario)
            if step.baseline:
                assert_chinese(step.look(frame, runs(PRESETS[step.baseline].scenario)))
            else:
                assert_chinese(step.look(frame))
            if step.aside:
                assert_chinese(step.aside(**vars(PRESETS[step.preset].scenario)))
        comparison = PRESETS["book_two_starts"].scenario
        assert_chinese(STEPS[1].look(runs(comparison)))  # with its comparison of starts


@settings(max_examples=15, deadline=None)
@given(grid(-5, 10, 0.5), grid(-3, 3, 0.1), st.sampled_from([0.05, 0.15, 1.0]), st.sampled_from([0, 3, 40]))
def test_the_two_class_aside_speaks_chinese(margin, x, eta, epochs):
    with speaking("zh"):
        text = two_class_aside(margin=margin, x=x, eta=eta, epochs=epochs)
    assert_chinese(text)
    header = text.split("\n\n")[1].splitlines()[0]
    assert "迭代期" in header and "交叉熵" in header


@settings(max_examples=8, deadline=None)
@given(
    st.lists(st.tuples(grid(-2, 2, 0.25), st.sampled_from([0.0, 1.0])), min_size=1, max_size=5),
    st.lists(st.sampled_from(["quadratic", "cross_entropy"]), min_size=1, max_size=2, unique=True),
    grid(-4, 4, 0.5),
    grid(-4, 4, 0.5),
)
def test_the_landscape_sentences_speak_chinese(points, losses, w, b):
    x, y = [p[0] for p in points], [p[1] for p in points]
    ran = {loss: simulate_sigmoid(loss, w, b, x, y, 0.5, 30, "gd") for loss in losses}
    names = {key: loss_words("sigmoid", key).name for key in losses}
    surface = landscape(losses, x, y, *window(w, b, points=21))
    first = next(iter(ran.values())).iloc[0]
    axis = np.linspace(-4, 4, 4)
    starts = pd.concat(
        [sweep_starts(loss, x, y, axis, axis, 0.5, cap=50) for loss in losses], ignore_index=True
    )
    with speaking("zh"):
        all_chinese(
            [
                landscape_text.flat_sentence(surface, names),
                landscape_text.saturated_sentence(surface),
                landscape_text.start_sentence(first, surface.slope_floor),
                landscape_text.end_sentence(ran, names),
                landscape_text.starts_sentence(starts, names, 50),
                *(landscape_text.share_text(share) for share in (0.001, 0.999)),
            ]
        )


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.sampled_from(["quadratic", "cross_entropy", "log_likelihood"]), min_size=1, max_size=3, unique=True
    ),
    st.integers(1, 30),
    st.data(),
)
def test_the_network_sentences_speak_chinese(losses, epochs, data):
    fraction = st.floats(0, 1)
    ran = {
        loss: pd.DataFrame(
            {
                "epoch": range(epochs + 1),
                "test_accuracy": data.draw(st.lists(fraction, min_size=epochs + 1, max_size=epochs + 1)),
                "hidden_sigma_prime": data.draw(
                    st.lists(st.sampled_from([0.2, 0.21, 0.05]), min_size=epochs + 1, max_size=epochs + 1)
                ),
            }
        )
        for loss in losses
    }
    with speaking("zh"):
        all_chinese([accuracy_sentence(ran), hidden_sentence(ran)])


# English: byte for byte what the page wrote before the messages were marked.

NETWORK = {
    "cross_entropy": pd.DataFrame(
        {"epoch": [0, 1, 2], "test_accuracy": [0.1, 0.742, 0.9], "hidden_sigma_prime": [0.2, 0.19, 0.18]}
    ),
    "quadratic": pd.DataFrame(
        {"epoch": [0, 1, 2], "test_accuracy": [0.1, 0.5, 0.88], "hidden_sigma_prime": [0.2, 0.21, 0.22]}
    ),
}


def test_the_english_is_unchanged():
    badly = PRESETS["badly_wrong"].scenario
    frame = runs(badly)
    adam = replace(badly, optimizer="adam")
    rows = rows_at(frame, badly, 20)
    breakdowns = [chain_rule(rows[loss], badly.neuron, loss, badly.start()) for loss in badly.losses]
    book = PRESETS["book_two_starts"].scenario
    assert findings(frame, badly.neuron, badly) == [
        "From w = 2, b = 2 (output a = 0.982, target y = 0): Quadratic kept the output error above 90% of "
        "its start until epoch 179 and halved it for good at epoch 233; Cross-entropy halved the output "
        "error for good at epoch 17.",
        "Quadratic needed 13.7× as many epochs as Cross-entropy to halve the error for good.",
        "Why: at the start σ′(z) = 0.0177, tiny next to its peak of 0.25, and the quadratic cost's gradient "
        "carries this factor (at the start its ∂C/∂z is 56.6× smaller than the cross-entropy one's); the "
        "cross-entropy gradient does not.",
    ]
    assert versus(frame, runs(adam), adam) == [
        "Quadratic halved the output error for good at epoch 14 with Adam (at epoch 233 with gradient "
        "descent); Cross-entropy halved the output error for good at epoch 14 with Adam (at epoch 17 with "
        "gradient descent).",
        "At the start both optimizers see the same gradient; only the step differs: quadratic: |∂C/∂z| = "
        "0.0173, a first step ‖Δp‖ of 0.00368 with gradient descent and 0.212 with Adam, 57.7× as long; "
        "cross-entropy: |∂C/∂z| = 0.982, a first step ‖Δp‖ of 0.208 with gradient descent and 0.212 with "
        "Adam, 1.02× as long.",
        "The slowest loss needed 13.7× the epochs of the fastest with gradient descent, 1× with Adam.",
    ]
    assert comparison_findings(runs(book), book)[1:] == [
        "With quadratic, the worse start (w = 2, b = 2, error 0.982) took 186 epochs longer (4.96× as many) "
        "than the better one (w = 0.6, b = 0.9, error 0.818) to halve its error for good.",
        "The quadratic gradient carries the factor σ′(z): at the start, from w = 0.6, b = 0.9 σ′(z) = 0.149, "
        "gradient 0.122; from w = 2, b = 2 σ′(z) = 0.0177, gradient 0.0173; the worse start begins with the "
        "smaller gradient, though its error is larger.",
    ]
    assert STEPS[0].look(runs(PRESETS["slightly_wrong"].scenario)) == (
        "From this mildly wrong start (a = 0.82, target 0) the quadratic cost halves the output error for "
        "good by epoch 47."
    )
    assert step_ratio(breakdowns, 20) == (
        "Cross-entropy's ∂C/∂z is 19.6× Quadratic's here, and so is its step on w and b (∂C/∂b = "
        "∂C/∂z, ∂C/∂w = x·∂C/∂z). At this epoch the neurons are in different states: this compares where "
        "each has got to."
    )
    assert shape_sentence(shape_points(badly.kind, rows, badly.start()), badly.neuron) == (
        "At epoch 20, |∂C/∂z| is 0.0192 for quadratic (at a = 0.98) and 0.376 for cross-entropy "
        "(at a = 0.376)."
    )
    assert accuracy_sentence(NETWORK) == (
        "After epoch 1 the test accuracy is 74 % with the cross-entropy loss and 50 % with the quadratic "
        "loss; after 2 epochs 90 % and 88 %. The spread between the losses narrows from 24 to 2 percentage "
        "points."
    )
    assert hidden_sentence(NETWORK) == (
        "The hidden layer's mean σ′ stays between 0.18 and 0.22 with every loss (σ′ is at most 0.25): "
        "cross-entropy removes σ′ from the output layer's gradient only, not from the hidden layer's."
    )
    aside = two_class_aside(margin=5.0, x=1.0, eta=0.15, epochs=30)
    assert aside.startswith(
        "**Aside: two classes.** With $K = 2$ the target's probability is $a_y = \\sigma(z_y - "
        "z_{\\text{other}})$ and $-\\ln a_y$ is the cross-entropy of that output for target 1: a two-class "
        "softmax layer with log-likelihood *is* a sigmoid neuron with cross-entropy. Gradient descent moves "
        "both logits, so their difference moves twice as far: the layer at η runs exactly as the neuron at "
        "2η. This step's start with two classes (margin 5, x = 1) beside a sigmoid neuron from z = -5 with "
        "target 1 at η = 0.3:\n\n| epoch | softmax a_y (K = 2, η = 0.15) | sigmoid a (cross-entropy, η = "
        "0.3) |\n|---:|---:|---:|\n| 0 | 0.006693 | 0.006693 |\n"
    )
    assert aside.endswith(" (rounding).") and "\n\nOver all 30 epochs the outputs differ by at most " in aside


def test_a_chinese_block_leaves_english_behind_it():
    badly = PRESETS["badly_wrong"].scenario
    frame = runs(badly)
    english = findings(frame, badly.neuron, badly)
    with speaking("zh"):
        chinese = findings(frame, badly.neuron, badly)
    assert chinese != english
    assert findings(frame, badly.neuron, badly) == english


# ---------------------------------------------------------------------------------------------
# The Chinese comparison read back by role: who is slower is read from the Chinese sentence as a
# reader reads it (the loss before 把误差稳定地减半所需的迭代期数是 is the slow one, the one after
# it the one it is measured against), and checked against the runs (findings_oracle's `truths`).

SLOWER_ZH = re.compile(r"(?P<slow>.+?)把误差稳定地减半所需的迭代期数是(?P<fast>.+?)的 (?P<ratio>[\d.e+]+)×。")
NEVER_ZH = re.compile(
    r"(?P<fast>.+?)到第 (?P<epoch>[\d,]+) 个迭代期时已把误差减半；(?P<names>.+?)在这次运行中始终没有做到。"
)


def check_chinese_roles(frame: pd.DataFrame, scenario: Scenario) -> int:
    """Assert who each Chinese comparison sentence names as slow and fast; return how many it read."""
    truth = truths(frame, scenario)
    stable = {n: t.settled() for n, t in truth.items() if t.settled() is not None}
    stable = {n: e for n, e in stable.items() if not truth[n].unstable() and not truth[n].hovering()}
    never = {n for n, t in truth.items() if t.settled() is None and not t.unstable() and not t.hovering()}
    with speaking("zh"):
        sentences = findings(frame, scenario.neuron, scenario)
        english = {_(name): name for name in truth}  # the Chinese name → the oracle's name
        joined = _(" and ")
    read = 0
    for sentence in sentences:
        if m := SLOWER_ZH.fullmatch(sentence):
            slow, fast = english[m["slow"]], english[m["fast"]]
            assert slow in stable and fast in stable, sentence
            assert stable[fast] == min(stable.values()), f"{fast} is not the fastest: {sentence}"
            assert stable[slow] >= 1.5 * max(stable[fast], 1), f"{slow} is not the slower: {sentence}"
            assert m["ratio"] == f"{stable[slow] / max(stable[fast], 1):.3g}", sentence
            read += 1
        elif m := NEVER_ZH.fullmatch(sentence):
            fast = english[m["fast"]]
            assert fast in stable and stable[fast] == min(stable.values()), sentence
            assert int(m["epoch"].replace(",", "")) == stable[fast], sentence
            assert {english[name] for name in m["names"].split(joined)} == never, sentence
            read += 1
    return read


@pytest.mark.parametrize(
    "scenario",
    [
        PRESETS["badly_wrong"].scenario,  # quadratic 13.7× cross-entropy
        Scenario(losses=("cross_entropy", "quadratic")),  # the same, the other way round on the page
        Scenario(epochs=100),  # quadratic never halves it in 100 epochs
        Scenario(
            neuron="softmax", losses=("log_likelihood", "quadratic"), classes=10, margin=4.0, epochs=300
        ),
    ],
    ids=["badly-wrong", "reversed", "never", "softmax"],
)
def test_the_chinese_comparison_names_the_slower_loss_as_the_slow_one(scenario):
    assert check_chinese_roles(runs(scenario), scenario) >= 1


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_every_chinese_comparison_names_its_losses_in_their_roles(scenario):
    check_chinese_roles(runs(scenario), scenario)
