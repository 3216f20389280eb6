"""Tests of the page's teaching layer: the chain-rule breakdown, the step ratio, the
epoch inspector, the findings, the σ path, the lesson buttons and the gradient check.

Numbers are parsed out of what the page renders and compared with the engine's own columns,
rounded the way the page rounds them (`chain_rule.tex_number`: 3 significant digits, scientific
below 1e-3). The findings are checked claim by claim against the runs' `error` column, on every
preset through the page and on random scenarios directly (hypothesis)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from apptest_helpers import (
    chart_datasets,
    cursor_of,
    engine_run,
    epoch_chart,
    epoch_data,
    markdown_texts,
    page_scenario,
    run_app,
    set_scenario,
    sigma_chart,
)
from findings_oracle import check, stacked_runs

from lossdemo import LOSSES
from lossdemo.controls.presets import PRESETS
from lossdemo.controls.scenario import Scenario
from lossdemo.engine.network import train_network
from lossdemo.language.words import loss_words
from lossdemo.teaching.chain_rule import SMALL_SLOPE
from lossdemo.teaching.lesson import STEPS
from lossdemo.teaching.summaries import findings

SOFTMAX = ("quadratic", "log_likelihood")

# ---------------------------------------------------------------------------------------------
# Driving the page


def inspect_epoch(at, epoch: int):
    at.slider(key="epoch").set_value(epoch).run()
    assert not at.exception
    assert at.slider(key="epoch").value == epoch
    return at


def load_preset(at, name: str):
    if PRESETS[name].scenario.neuron != at.segmented_control(key="neuron").value:
        at.segmented_control(key="neuron").set_value(PRESETS[name].scenario.neuron).run()
    at.selectbox(key="preset").set_value(name).run()
    assert not at.exception
    assert page_scenario(at) == PRESETS[name].scenario
    return at


def engine_row(scenario: Scenario, loss: str, epoch: int) -> pd.Series:
    return engine_run(scenario, loss).iloc[epoch]


# ---------------------------------------------------------------------------------------------
# The chain-rule breakdown

NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)(?:\\times 10\^\{(-?\d+)\})?")
HIGHLIGHT = r"\colorbox{#FAD7C3}"


def shown(value: float) -> float:
    """`value` rounded as the page shows it."""
    value = float(value)
    if value != 0 and abs(value) < 1e-3:
        return float(f"{value:.2e}")
    return float(f"{value:.3g}")


def parse_numbers(text: str) -> list[float]:
    return [float(f"{m}e{e}") if e else float(m) for m, e in NUMBER.findall(text.replace(HIGHLIGHT, ""))]


def breakdown_latex(at) -> list[str]:
    return [el.value for el in at.latex if r"\frac{\partial C}" in el.value]


def split_breakdown(latex: str) -> tuple[str, str, str, str]:
    """(head, symbols, live values, result) of `head &= symbols \\ &= values = result`, two lines
    of an aligned environment (one line would be wider than a laptop's page for focal)."""
    body = latex.strip().strip("$").strip()
    assert body.startswith(r"\begin{aligned}") and body.endswith(r"\end{aligned}"), body
    first, second = body.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r" \\ ")
    head, symbols = first.split(" &= ")
    values, result = second.removeprefix("&= ").split(" = ")
    return head, symbols, values, result


def xlnx(p: float) -> float:
    return p * math.log(p) if p > 0 else 0.0


def expected_factors(row: pd.Series, scenario: Scenario, loss: str) -> tuple[list[float] | None, float]:
    """The factors the breakdown must show (unrounded, in order) and the gradient they give; no
    factors for a loss this test does not write out (its result is still the engine's gradient)."""
    if scenario.neuron == "sigmoid":
        a, y, x = row["a"], scenario.y, scenario.x
        error = a - y
        tolerance = {"rel": 1e-12, "abs": 1e-300}
        if loss == "quadratic":
            factors = [error, row["sigma_prime"], x]
            combined = error * row["sigma_prime"] * x
        elif loss == "absolute":
            factors = [error, row["sigma_prime"], x]
            combined = np.sign(error) * row["sigma_prime"] * x
        elif loss == "focal":  # y(1 − a)²[2a ln a − (1 − a)] + (1 − y)a²[a − 2(1 − a)ln(1 − a)]
            first, second = 2 * xlnx(a) - (1 - a), a - 2 * xlnx(1 - a)
            factors = [y, (1 - a) ** 2, first, 1 - y, a**2, second, x]
            combined = (y * (1 - a) ** 2 * first + (1 - y) * a**2 * second) * x
            tolerance = {"rel": 1e-9, "abs": 1e-15}  # 1 − a from a, as the page writes it
        elif loss == "cross_entropy":
            factors = [error, x]
            combined = error * x
        else:
            return None, row["grad_w"]
        assert combined == pytest.approx(row["grad_w"], **tolerance)
        return factors, row["grad_w"]
    a_y = row["a_y"]
    tolerance = {"rel": 1e-9, "abs": 1e-15}
    if loss == "quadratic":
        rivals = sum(row[f"a_{j}"] ** 2 for j in range(scenario.classes) if j != scenario.target)
        factors = [row["sigma_prime"], a_y - 1, a_y, rivals]
        combined = row["sigma_prime"] * (a_y - 1) - a_y * rivals
    elif loss == "focal":  # [2(1 − a_y) a_y ln a_y − (1 − a_y)²](1 − a_y)
        factors = [2, 1 - a_y, xlnx(a_y), (1 - a_y) ** 2, 1 - a_y]
        combined = (2 * (1 - a_y) * xlnx(a_y) - (1 - a_y) ** 2) * (1 - a_y)
    elif loss == "label_smoothing":  # a_y − (1 − ε + ε/K), ε = 0.1
        target_share = 0.9 + 0.1 / scenario.classes
        factors = [a_y, target_share]
        combined = a_y - target_share
    elif loss == "log_likelihood":
        factors = [a_y, 1.0]
        combined = a_y - 1
        tolerance = {"rel": 1e-12}
    else:
        return None, row["grad_z_y"]
    assert combined == pytest.approx(row["grad_z_y"], **tolerance)
    return factors, row["grad_z_y"]


def assert_breakdowns_match_engine(at, scenario: Scenario, epoch: int) -> None:
    latex = breakdown_latex(at)
    assert len(latex) == len(scenario.losses)
    heading = f"**The gradient at epoch {epoch:,}, factor by factor**"
    assert any(text.startswith(heading) for text in markdown_texts(at))
    for loss, text in zip(scenario.losses, latex):
        row = engine_row(scenario, loss, epoch)
        _head, symbols, values, result = split_breakdown(text)
        carries_slope = LOSSES[scenario.neuron][loss].carries_slope
        assert (r"\sigma'(z)" in symbols or "a_y(1 - a_y)" in symbols) == carries_slope, (loss, symbols)
        factors, gradient = expected_factors(row, scenario, loss)
        if factors is not None:
            assert parse_numbers(values) == [shown(f) for f in factors], (loss, values)
        assert parse_numbers(result) == [shown(gradient)], (loss, result)
        # The activation's slope is highlighted exactly when it is below 0.05.
        assert (HIGHLIGHT in values) == (carries_slope and row["sigma_prime"] < SMALL_SLOPE), (loss, values)


def ratio_sentences(at) -> list[str]:
    """The bold one-line sentence comparing the losses' steps at the inspected epoch."""
    return [text for text in markdown_texts(at) if text.startswith("**") and text.endswith(".**")]


def expected_ratio(scenario: Scenario, epoch: int) -> str:
    """The step-ratio sentence from the engine. A sigmoid neuron's step on (w, b) is along (x, 1)
    times ∂C/∂z, so the losses' steps compare as their |∂C/∂b| = |∂C/∂z|; softmax: |∂C/∂z_y|."""
    column = "grad_b" if scenario.neuron == "sigmoid" else "grad_z_y"
    steps = {
        loss_words(scenario.neuron, loss).name: abs(engine_row(scenario, loss, epoch)[column])
        for loss in scenario.losses
    }
    (small, s), *_, (large, big) = sorted(steps.items(), key=lambda item: item[1])
    assert s > 0, "every scenario used here has nonzero steps"
    ratio = big / s
    later = " At this epoch the neurons are in different states: this compares where each has got to."
    later = later if epoch > 0 else ""
    etas = {loss_words(scenario.neuron, loss).name: scenario.eta_for(loss) for loss in scenario.losses}
    if ratio < 1.5 and etas[large] == etas[small]:
        return f"**The gradients are about the same size here ({ratio:.2g}×).{later}**"
    if scenario.neuron == "sigmoid":
        symbol = "∂C/∂z"
        held = (
            "on b (∂C/∂b = ∂C/∂z; with x = 0, ∂C/∂w = x·∂C/∂z is 0 and w does not move)"
            if scenario.x == 0
            else "on w and b (∂C/∂b = ∂C/∂z, ∂C/∂w = x·∂C/∂z)"
        )
    else:
        symbol = "∂C/∂z_y"
        held = (
            "on the target class's bias (with x = 0 its weight does not move; every other class moves by "
            "its own ∂C/∂z_j)"
            if scenario.x == 0
            else "on the target class's weight and bias (every other class moves by its own ∂C/∂z_j)"
        )
    if etas[large] == etas[small]:
        return f"**{large}'s {symbol} is {ratio:,.3g}× {small}'s here, and so is its step {held}.{later}**"
    steps = ratio * etas[large] / etas[small]
    return (
        f"**{large}'s {symbol} is {ratio:,.3g}× {small}'s here; at its own η its step {held} is "
        f"{steps:,.3g}× as long.{later}**"
    )


BREAKDOWN_CASES = [
    pytest.param(Scenario(), 150, id="sigmoid-book-start"),
    pytest.param(Scenario(w=8.0, b=8.0, x=1.0, y=0.0), 40, id="sigmoid-saturated-scientific"),
    pytest.param(Scenario(w=-1.5, b=0.5, x=-2.0, y=0.65, eta=0.5, epochs=100), 7, id="sigmoid-negative-x"),
    pytest.param(Scenario(losses=tuple(LOSSES["sigmoid"]), y=0.3), 150, id="sigmoid-every-loss"),
    pytest.param(Scenario(neuron="softmax", losses=SOFTMAX), 60, id="softmax-default"),
    pytest.param(Scenario(neuron="softmax", losses=tuple(LOSSES["softmax"])), 60, id="softmax-every-loss"),
    pytest.param(
        Scenario(neuron="softmax", losses=("log_likelihood", "quadratic"), classes=3, target=2, margin=10.0),
        200,
        id="softmax-target-2-scientific",
    ),
]


@pytest.mark.parametrize(("scenario", "epoch"), BREAKDOWN_CASES)
def test_breakdown_numbers_and_ratio_equal_the_engine_and_follow_the_epoch_slider(scenario, epoch):
    at = set_scenario(run_app(view="Up close"), scenario)
    assert_breakdowns_match_engine(at, scenario, 0)
    assert ratio_sentences(at) == [expected_ratio(scenario, 0)]

    at = inspect_epoch(at, epoch)
    assert_breakdowns_match_engine(at, scenario, epoch)
    assert ratio_sentences(at) == [expected_ratio(scenario, epoch)]
    assert cursor_of(epoch_chart(at))["value"] == epoch
    assert_path_markers(at, scenario, epoch)


def test_with_equal_gradients_the_step_ratio_is_the_ratio_of_the_steps_the_runs_take():
    # Each loss trains at its own η (the quadratic cost at 4η): the sentence's step ratio is the
    # ratio of the lengths of the runs' own steps, not of their gradients.
    scenario = Scenario(balance=True, epochs=60)
    at = run_app({"balance": "true", "epochs": "60", "epoch": "50"}, view="Up close")
    (sentence,) = ratio_sentences(at)
    assert sentence == expected_ratio(scenario, 50)
    steps = {loss: engine_row(scenario, loss, 50)["step"] for loss in scenario.losses}
    stated = float(
        re.search(r"its step on w and b \(.*?\) is ([\d.,e+]+)× as long", sentence)[1].replace(",", "")
    )
    assert stated == pytest.approx(max(steps.values()) / min(steps.values()), rel=5e-3)


def test_ratio_sentence_with_zero_input_compares_the_bias_steps():
    # With x = 0 every ∂C/∂w is 0, but ∂C/∂b is not: the neuron still learns through b, and the
    # losses' steps differ exactly as much as at any other x.
    scenario = Scenario(x=0.0)
    at = set_scenario(run_app(view="Up close"), scenario)
    for loss in scenario.losses:
        assert engine_row(scenario, loss, 0)["grad_b"] != 0
    assert ratio_sentences(at) == [expected_ratio(scenario, 0)]


# ---------------------------------------------------------------------------------------------
# The σ path


def path_columns(neuron: str) -> tuple[str, str]:
    return ("z", "a") if neuron == "sigmoid" else ("lead", "a_y")


def assert_path_markers(at, scenario: Scenario, epoch: int) -> None:
    all_marks = chart_datasets(sigma_chart(at))["marks"]
    z_col, a_col = path_columns(scenario.neuron)
    for loss in scenario.losses:
        run = engine_run(scenario, loss)
        name = loss_words(scenario.neuron, loss).name
        marks = all_marks[all_marks["loss"] == name].set_index("marker")
        expected = {"start": 0, "inspected epoch": epoch}
        assert dict(marks["epoch"]) == expected
        for marker, at_epoch in expected.items():
            assert marks.loc[marker, "z"] == run[z_col].iloc[at_epoch]
            assert marks.loc[marker, "a"] == run[a_col].iloc[at_epoch]


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(epochs=1000, w=-3.0, b=1.0, y=0.9),
        Scenario(neuron="softmax", losses=SOFTMAX, classes=4, margin=6.5, epochs=150),
    ],
    ids=["sigmoid-1000-epochs", "softmax"],
)
def test_sigma_path_points_are_the_runs_z_and_output(scenario):
    at = set_scenario(run_app(view="Up close"), scenario)
    data = chart_datasets(sigma_chart(at))
    path = data["path"]
    z_col, a_col = path_columns(scenario.neuron)
    for loss in scenario.losses:
        run = engine_run(scenario, loss).set_index("epoch")
        trail = path[path["loss"] == loss_words(scenario.neuron, loss).name]
        epochs = trail["epoch"].to_numpy()
        assert epochs[0] == 0 and epochs[-1] == scenario.epochs
        assert len(epochs) <= 400 and np.all(np.diff(epochs) > 0)
        np.testing.assert_array_equal(trail["z"].to_numpy(), run.loc[epochs, z_col].to_numpy())
        np.testing.assert_array_equal(trail["a"].to_numpy(), run.loc[epochs, a_col].to_numpy())
        # On the curve: the output is σ of the horizontal coordinate, for a softmax of any K too.
        on_curve = 1 / (1 + np.exp(-trail["z"].to_numpy()))
        np.testing.assert_allclose(trail["a"].to_numpy(), on_curve, rtol=1e-9, atol=1e-12)
    # The grey curves are σ and σ′ over a z range that covers every point of the path.
    curve = data["curve"]
    for _, part in curve.groupby("curve"):
        assert part["z"].min() <= path["z"].min() and part["z"].max() >= path["z"].max()
    sigma = 1 / (1 + np.exp(-curve["z"].to_numpy()))
    first, second = curve["curve"].unique()
    np.testing.assert_allclose(curve.loc[curve["curve"] == first, "value"], sigma[curve["curve"] == first])
    slope = (sigma * (1 - sigma))[curve["curve"] == second]
    np.testing.assert_allclose(curve.loc[curve["curve"] == second, "value"], slope, atol=1e-15)
    assert_path_markers(at, scenario, 0)


# ---------------------------------------------------------------------------------------------
# Findings: every claimed epoch is the true first epoch that satisfies the claim


# ---------------------------------------------------------------------------------------------
# Every preset through the page: findings and the gradient check at the first and last epoch


def findings_on_page(at) -> list[str]:
    texts = [text for text in markdown_texts(at) if text.startswith("From ") or text.startswith("The neuron")]
    assert len(texts) == 1, texts
    return texts[0].split("\n\n")


def gradient_check_rows(at) -> list[list[str]]:
    tables = [text for text in markdown_texts(at) if text.startswith("| loss | gradient | analytic")]
    assert len(tables) == 1
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in tables[0].splitlines()[2:]]


def independent_gradients(scenario: Scenario, loss: str, epoch: int) -> dict[str, float]:
    """The gradients the check should show, by hand from the run's logits (Nielsen ch. 3 for the
    sigmoid's quadratic and cross-entropy; focal (γ = 2): y(1 − a)²[2a ln a − (1 − a)]
    + (1 − y)a²[a − 2(1 − a)ln(1 − a)]; absolute error: sign(a − y)σ′(z). For softmax
    ∂C/∂z = a − t (log-likelihood), J(a − t) with J = diag(a) − a aᵀ (quadratic),
    [2(1 − a_y)a_y ln a_y − (1 − a_y)²](t − a) (focal, γ = 2) or a − q with
    q = 0.9 t + 0.1/K (label smoothing))."""
    row = engine_row(scenario, loss, epoch)
    if scenario.neuron == "sigmoid":
        z = row["w"] * scenario.x + row["b"]
        a, b, y = 1 / (1 + math.exp(-z)), 1 / (1 + math.exp(z)), scenario.y
        dz = {
            "quadratic": lambda: (a - y) * a * b,
            "cross_entropy": lambda: a - y,
            "focal": lambda: (
                y * b * b * (2 * a * math.log(a) - b) + (1 - y) * a * a * (a - 2 * b * math.log(b))
            ),
            "absolute": lambda: math.copysign(a * b, a - y) if a != y else 0.0,
        }[loss]()
        return {"∂C/∂w": dz * scenario.x, "∂C/∂b": dz}
    z = np.array([row[f"z_{j}"] for j in range(scenario.classes)])
    a = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    t = np.eye(scenario.classes)[scenario.target]
    y = scenario.target
    dz = {
        "log_likelihood": lambda: a - t,
        "quadratic": lambda: (np.diag(a) - np.outer(a, a)) @ (a - t),
        "focal": lambda: (2 * (1 - a[y]) * a[y] * math.log(a[y]) - (1 - a[y]) ** 2) * (t - a),
        "label_smoothing": lambda: a - (0.9 * t + 0.1 / scenario.classes),
    }[loss]()
    rival = max((j for j in range(scenario.classes) if j != scenario.target), key=lambda j: z[j])
    return {"∂C/∂b_y": dz[y], "∂C/∂W_y": dz[y] * scenario.x, f"∂C/∂b_{rival}": dz[rival]}


def assert_gradient_check_agrees(at, scenario: Scenario, epoch: int) -> None:
    assert any(text.startswith(f"**Gradient check at epoch {epoch:,}**") for text in markdown_texts(at))
    rows = gradient_check_rows(at)
    expected = {
        (loss_words(scenario.neuron, loss).name, name): value
        for loss in scenario.losses
        for name, value in independent_gradients(scenario, loss, epoch).items()
    }
    assert [(row[0], row[1]) for row in rows] == list(expected)
    for row, value in zip(rows, expected.values()):
        assert float(row[2]) == pytest.approx(value, rel=1e-7, abs=1e-15), row
        # The engine is right, so the check never disagrees. Costs here are at most a few units and
        # carry a few ulps of round-off, which moves a central difference with h ≥ 1e-5 by under
        # 1e-9: a gradient of 1e-3 or more is resolved to better than 1e-6.
        assert row[5] in (":green[**✓ yes**]", "—"), row
        if abs(value) >= 1e-3:
            assert float(row[4]) < 1e-6 and row[5] == ":green[**✓ yes**]", row
        if row[5] == "—":
            assert row[4] == "too small to resolve" and abs(value) < 1e-9, row


# Presets that compare starts or run the widget rule have findings of their own (test_compare_starts).
@pytest.mark.parametrize("name", [name for name, preset in PRESETS.items() if preset.scenario.plain()])
def test_every_preset_has_true_findings_and_an_agreeing_gradient_check_at_first_and_last_epoch(name):
    scenario = PRESETS[name].scenario
    at = load_preset(run_app(view="Up close"), name)
    check(findings_on_page(at), stacked_runs(scenario), scenario)
    assert_gradient_check_agrees(at, scenario, 0)
    at = inspect_epoch(at, scenario.epochs)
    assert_gradient_check_agrees(at, scenario, scenario.epochs)
    assert_breakdowns_match_engine(at, scenario, scenario.epochs)


# ---------------------------------------------------------------------------------------------
# The lesson


# What each step must show, written from the lesson's argument rather than read from its table:
# the quadratic cost alone until cross-entropy is introduced (step 3), then the softmax layer, the
# textbook learning rate, Adam, and the real network, each on the view its text talks about.
LESSON = {
    1: ("slightly_wrong", ("quadratic",), "Curves"),
    2: ("book_two_starts", ("quadratic",), "Up close"),
    3: ("badly_wrong", ("quadratic", "cross_entropy"), "Curves"),
    4: ("confidently_wrong", ("quadratic", "log_likelihood"), "Curves"),
    5: ("textbook_eta", ("quadratic", "cross_entropy"), "Curves"),
    6: ("adam_badly_wrong", ("quadratic", "cross_entropy"), "Curves"),
    7: (None, None, "Network"),
}


def test_the_lesson_has_the_steps_these_tests_describe():
    assert len(STEPS) == len(LESSON)


def assert_shows_step(at, number: int, before: Scenario | None = None) -> None:
    """The page shows lesson step `number`: its title, its scenario, its view, epoch 0, in the URL."""
    preset, losses, view = LESSON[number]
    assert not at.exception
    assert at.session_state["lesson"] == number
    assert at.query_params["lesson"] in (str(number), [str(number)])  # as the link gave it, or as set
    assert any(
        f"step {number} of {len(STEPS)}: {STEPS[number - 1].title}" in p.proto.text
        for p in at.get("progress")
    )
    assert at.session_state["view"] == view
    if preset is None:  # the network step keeps the scenario it found
        assert before is None or page_scenario(at) == before
        return
    expected = PRESETS[preset].scenario
    assert page_scenario(at) == Scenario(**{**expected.__dict__, "losses": losses})
    assert at.slider(key="epoch").value == 0
    if view == "Curves":
        runs = epoch_data(at)
        assert set(runs["loss"]) == {loss_words(expected.neuron, loss).name for loss in losses}
        assert runs["epoch"].max() == expected.epochs


def test_a_link_opens_its_lesson_step_with_the_steps_scenario_and_view():
    for number in LESSON:
        at = run_app({"lesson": str(number)})
        assert_shows_step(at, number)


def test_a_link_to_a_step_opens_it_in_presentation_mode_too():
    at = run_app({"lesson": "2", "present": "true"})
    assert_shows_step(at, 2)
    assert at.session_state["present"] is True
    assert at.button(key="lesson_next")  # the way on is there without the sidebar


def test_the_link_overrides_the_steps_own_values():
    at = run_app({"lesson": "3", "eta": "0.5"})
    assert at.session_state["eta"] == 0.5
    assert at.session_state["w"] == 2.0 and at.session_state["losses"] == ["quadratic", "cross_entropy"]


def test_next_and_previous_walk_the_lesson_and_each_step_resets_what_the_last_one_changed():
    at = run_app(view="Speed map")
    at.button(key="lesson_start").click().run()
    assert_shows_step(at, 1)
    assert at.button(key="lesson_previous").disabled
    for number in range(2, len(STEPS) + 1):
        before = page_scenario(at)
        if number < len(STEPS):
            inspect_epoch(at, 7)  # a step starts at epoch 0 whatever was inspected before
        at.button(key="lesson_next").click().run()
        assert_shows_step(at, number, before)
    assert at.button(key="lesson_next").disabled
    at.button(key="lesson_previous").click().run()
    assert_shows_step(at, len(STEPS) - 1)
    at.button(key="lesson_leave").click().run()
    assert not at.exception
    assert "lesson" not in at.query_params
    assert at.button(key="lesson_start")


def test_the_steps_look_at_sentence_comes_from_the_steps_own_runs():
    # Step 2 talks about the quadratic cost from the book's badly wrong start: σ′ at the start is
    # σ′(4) (z = 2·1 + 2), to 3 significant digits, computed here with the standard library.
    at = run_app({"lesson": "2"})
    look = next(text for text in markdown_texts(at) if text.startswith("**Look at**"))
    sigma = 1 / (1 + math.exp(-4.0))
    assert f"starts at {sigma * (1 - sigma):.3g}" in look, look


def test_steps_before_cross_entropy_never_compare_losses():
    # Before step 3 introduces cross-entropy, nothing on the page may name it.
    for number in (1, 2):
        at = run_app({"lesson": str(number)})
        assert not [t for t in markdown_texts(at) if "ross-entropy" in t and "Look at" not in t], number


def test_why_sentence_does_not_depend_on_the_order_the_losses_were_selected():
    # From the book's badly wrong start at a tiny η neither loss halves the error in 50 epochs;
    # quadratic, held back by σ′(z) = 0.0177, moves least. The explanation of that must not
    # appear or vanish with the order in which the losses were clicked.
    explained = []
    for losses in (("quadratic", "cross_entropy"), ("cross_entropy", "quadratic")):
        scenario = Scenario(losses=losses, eta=0.001, epochs=50)
        frame = stacked_runs(scenario)
        sentences = findings(frame, "sigmoid", scenario)
        check(sentences, frame, scenario)
        explained.append([s for s in sentences if s.startswith("Why:")])
    assert explained[0] == explained[1]


def test_why_sentence_blames_the_loss_that_made_the_least_progress_when_none_halved():
    # η = 2 with x = 2.1 makes cross-entropy overshoot and bounce (error 0.371 → 0.222 → 0.270 …
    # 0.329), while quadratic creeps down to 0.217: neither halves the error in 10 epochs, but it is
    # cross-entropy that is stuck. A sentence explaining why *quadratic* is slow is false here.
    scenario = Scenario(eta=2.0, epochs=10, w=-1.2, b=-1.0, x=2.1, y=0.4)
    frame = stacked_runs(scenario)
    final = frame.groupby("loss")["error"].last()
    assert final["quadratic"] < final["cross_entropy"]
    sentences = findings(frame, "sigmoid", scenario)
    assert not [s for s in sentences if s.startswith("Why") and "quadratic cost's gradient carries" in s]
    check(sentences, frame, scenario)


def test_the_pages_tables_are_well_formed_markdown_tables():
    # A malformed separator row makes Markdown show the table as one line of pipes.
    at = run_app(view="Up close")
    tables = [m.value for m in at.markdown if m.value.startswith("| loss |")]
    assert len(tables) == 2, "the live numbers and the gradient check"
    for table in tables:
        header, separator, *rows = table.split("\n")
        columns = header.count("|") - 1
        assert re.fullmatch(r"\|(---\|)+", separator) and separator.count("---") == columns, table
        assert rows and all(row.count("|") - 1 == columns for row in rows), table


def test_the_last_lesson_step_opens_the_network_tab_and_its_numbers_are_the_networks():
    number = next(n for n, step in enumerate(STEPS, start=1) if step.view == "Network")
    at = run_app({"lesson": str(number)})
    assert not at.exception
    assert at.session_state["view"] == "Network"
    look = next(
        m.value for m in at.markdown if m.value.startswith("**Look at** (after the replay): After epoch 1")
    )
    runs = {loss: train_network(loss, eta=0.5) for loss in ("quadratic", "cross_entropy", "log_likelihood")}
    for loss, run in runs.items():
        # Each loss's test accuracy after epoch 1, as the page rounds it (whole percent).
        assert f"{run['test_accuracy'].iloc[1] * 100:.0f} %" in look, loss
