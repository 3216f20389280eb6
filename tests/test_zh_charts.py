"""The charts in Chinese: every title, axis, legend and tooltip title, description and shown data
value of every chart's Vega-Lite spec is Chinese (or a formula), with every placeholder filled; the
losses' names are the same in the data and in the colour and dash scales; the English specs are
the ones the charts always drew; and the per-process spec cache never hands one language's chart
to the other.

The runs' labels of a comparison of starts or step rules (`controls.scenario.series_label`) are the
controls' words, not the charts': they are left out of the check."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lossdemo.charts import epochs, landscape, loss_shape, network, optimizers, sigma_path, speed_map, style
from lossdemo.controls.map_settings import map_sweep, start_axis
from lossdemo.controls.scenario import Scenario, rows_at, runs
from lossdemo.engine.landscape import landscape as surface_of
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.network import COLUMNS, OUTPUT_LOSSES
from lossdemo.engine.neurons import KINDS
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, OPTIMIZERS
from lossdemo.engine.shape import coordinates, shape_frame, shape_points
from lossdemo.engine.sigmoid import simulate_sigmoid
from lossdemo.engine.start_sweep import sweep_starts
from lossdemo.language import words
from lossdemo.language.messages import _, speaking
from lossdemo.language.words import KINDS as KINDS_WORDS
from lossdemo.language.words import loss_words

ENGLISH = re.compile(r"[A-Za-z]{2,}[\s,.;:'’-]+[A-Za-z]{2,}")
KEYS = sorted({*(key for losses in LOSSES.values() for key in losses), *OPTIMIZERS, *OUTPUT_LOSSES}, key=len)
CODE = re.compile(r"\$[^$]*\$|`[^`]*`|" + "|".join(rf"\b{re.escape(key)}\b" for key in reversed(KEYS)))
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")
SCRIPTS = re.compile(r"[_^]\{[^}]*\}")  # Σ_{j≠y} e^{z_j}: a formula's sub- and superscripts
SHOWN_COLUMNS = {"loss", "optimizer", "status", "marker", "caption", "label"}  # data the charts show as text


def english_left(text: str, labels: tuple[str, ...] = ()) -> list[str]:
    """Runs of English words left in `text` once formulas, code, keys, numbers and the runs' own
    labels (`labels`, the controls') are taken out."""
    for label in sorted(labels, key=len, reverse=True):
        text = text.replace(label, " ")
    return ENGLISH.findall(NUMBER.sub(" ", CODE.sub(" ", text)))


def unfilled(text: str) -> bool:
    return "{" in SCRIPTS.sub("", text) or "}" in SCRIPTS.sub("", text)


def quoted(expression: str) -> list[str]:
    """The string literals of a Vega expression."""
    return [a or b for a, b in re.findall(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", expression)]


def shown_texts(spec: dict) -> list[str]:
    """Every text of a spec a reader sees: titles, subtitles, descriptions, axis, legend and tooltip
    titles, the scales' domains (the legends' labels), the strings of calculated fields, and the
    shown columns of its datasets."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "datasets":
                    continue
                if key in ("title", "subtitle", "text", "description"):
                    found.extend(
                        v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
                    )
                elif key == "domain" and isinstance(value, list):
                    found.extend(v for v in value if isinstance(v, str))
                elif key == "calculate":
                    found.extend(quoted(value))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    for data in spec.get("datasets", {}).values():
        if isinstance(data, pd.DataFrame):
            for column in SHOWN_COLUMNS & set(data.columns):
                found.extend(str(value) for value in pd.unique(data[column]))
    return found


def picked_by_name(spec: dict) -> dict:
    """The spec without the losses' names of its datasets where they only pick each panel's rows
    (the speed map, the landscape): those are as the page gives them, and the charts never show them."""
    datasets = {
        name: data.drop(columns="loss") if isinstance(data, pd.DataFrame) and "loss" in data else data
        for name, data in spec["datasets"].items()
    }
    return {**spec, "datasets": datasets}


def assert_chinese(spec: dict, labels: tuple[str, ...] = ()) -> None:
    texts = shown_texts(spec)
    assert texts
    for text in texts:
        assert not english_left(text, labels), text
        assert not unfilled(text), text
    assert any(re.search(r"[\u4e00-\u9fff]", text) for text in texts)


def domains(spec: dict) -> list[list[str]]:
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("domain"), list) and all(isinstance(v, str) for v in node["domain"]):
                found.append(node["domain"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({key: value for key, value in spec.items() if key != "datasets"})
    return found


def assert_data_in_domains(spec: dict, dataset: str, column: str) -> None:
    """Every value the chart colours or dashes by is in a domain of the spec: data and scales
    name the losses (optimizers, statuses, marks) alike."""
    values = set(map(str, pd.unique(spec["datasets"][dataset][column])))
    assert any(values <= set(domain) for domain in domains(spec)), (values, domains(spec))


# --- scenarios -------------------------------------------------------------------------------


@st.composite
def scenarios(draw) -> Scenario:
    """A short scenario: a neuron, some of its losses, an optimizer, and perhaps starts to compare
    or the book's widget rule."""
    neuron = draw(st.sampled_from(sorted(KINDS)))
    losses = tuple(draw(st.lists(st.sampled_from(list(LOSSES[neuron])), min_size=1, max_size=4, unique=True)))
    optimizer = draw(st.sampled_from(list(OPTIMIZERS)))
    extra = draw(st.sampled_from(["", "starts", "widget"] if neuron == "sigmoid" else ["", "starts"]))
    starts = (
        (((0.6, 0.9), (2.0, 2.0)) if neuron == "sigmoid" else ((2.0,), (5.0,))) if extra == "starts" else ()
    )
    epochs_ = draw(st.sampled_from([10, 20, 50]))
    return Scenario(
        neuron, losses, epochs=epochs_, optimizer=optimizer, starts=starts, widget_rule=extra == "widget"
    )


def labels_of(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(frame["series"].cat.categories) if "series" in frame else ()


def scenario_specs(scenario: Scenario, log_scale: bool, panel: int | None, epoch: int) -> dict[str, dict]:
    """Every chart of the Curves, Up close and Loss shape views (and the optimizer comparison) for a
    scenario, built as the page builds them."""
    neuron, kind = scenario.neuron, scenario.kind
    frame = runs(scenario)
    series = style.series_styles(frame, neuron) if not scenario.plain() else ()
    data = epochs.epoch_chart_data(frame, neuron)
    description = epochs.epoch_chart_description(frame, neuron)
    cursor = [{"name": "cursor", "value": epoch}]
    specs = {
        "epochs": epochs.epoch_chart_spec(data, neuron, log_scale, cursor, 1.0, description, panel, series)
    }
    starts, inspected = rows_at(frame, scenario, 0), rows_at(frame, scenario, epoch)
    names = dict(zip(starts, epochs.run_names(frame, neuron).categories))
    path = sigma_path.sigma_path_data(frame, neuron)
    specs["sigma"] = sigma_path.sigma_path_spec(path, neuron, starts, inspected, names)
    rows = inspected
    if not scenario.plain():
        pairs = {}
        for row, each in zip(rows.values(), scenario.series()):
            pairs.setdefault((each.loss, float(row[kind.curve[0]])), (each.loss, row))
        rows = list(pairs.values())
    points = shape_points(kind, rows, scenario.start())
    losses = tuple(dict.fromkeys(each.loss for each in scenario.series()))
    seen = frame[kind.curve[0]].to_numpy()
    curves = loss_shape.loss_shape_data(
        shape_frame(kind, losses, scenario.start(), coordinates(seen)), neuron
    )
    specs["shape"] = loss_shape.loss_shape_spec(curves, points, neuron, log_scale, scenario.target_output())
    if scenario.optimizer != DEFAULT_OPTIMIZER:
        baseline = runs(replace(scenario, optimizer=DEFAULT_OPTIMIZER, widget_rule=False))
        compared = optimizers.comparison_data(baseline, frame, neuron, scenario.optimizer)
        drawn = tuple(dict.fromkeys(compared["loss"]))
        specs["comparison"] = optimizers.comparison_spec(compared, neuron, scenario.optimizer, drawn, series)
    return specs


PROPERTY = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(scenarios(), st.booleans(), st.sampled_from([None, 0, 1, 2, 3]), st.data())
def test_every_chart_of_a_scenario_speaks_chinese(scenario, log_scale, panel, data):
    epoch = data.draw(st.integers(0, scenario.epochs))
    with speaking("zh"):
        specs = scenario_specs(scenario, log_scale, panel, epoch)
        labels = labels_of(runs(scenario))
    for spec in specs.values():
        assert_chinese(spec, labels)
    assert_data_in_domains(specs["epochs"], epochs.DATASET, "loss")
    assert_data_in_domains(specs["shape"], "curves", "loss")
    assert_data_in_domains(specs["shape"], "points", "loss")
    assert_data_in_domains(specs["sigma"], "marks", "marker")
    if "comparison" in specs:
        assert_data_in_domains(specs["comparison"], optimizers.DATASET, "loss")
        assert_data_in_domains(specs["comparison"], optimizers.DATASET, "optimizer")


@pytest.fixture(scope="module")
def sweeps() -> dict[str, pd.DataFrame]:
    """Each kind's learning-speed map of every loss, coarse (at most 30 epochs)."""
    found = {}
    for neuron, kind in KINDS.items():
        start = {key: getattr(Scenario(neuron), key) for key in kind.map_start}
        found[neuron] = map_sweep(neuron, start, "half", 30, list(LOSSES[neuron]))
    return found


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(KINDS)), st.data())
def test_the_speed_map_speaks_chinese(sweeps, neuron, data):
    losses = tuple(data.draw(st.lists(st.sampled_from(list(LOSSES[neuron])), min_size=1, unique=True)))
    cap = data.draw(st.sampled_from([30, 1000, 20_000]))
    with speaking("zh"):
        frame = sweeps[neuron][sweeps[neuron]["loss"].isin(losses)]
        cells = speed_map.display_cells(frame, neuron)
        spec = speed_map.map_spec(
            cells, neuron, losses, cap, speed_map.axis_domain(start_axis(neuron)), 1.0, 0.15
        )
    assert_chinese(picked_by_name(spec))
    stuck = spec["datasets"]["cells"][~spec["datasets"]["cells"]["learned"]]
    assert set(stuck["status"]) <= {"不稳定", "未学会"}


def network_runs(losses: tuple[str, ...], epochs_: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(len(losses) + epochs_)
    return {
        key: pd.DataFrame(
            {c: np.arange(epochs_ + 1) if c == "epoch" else rng.random(epochs_ + 1) for c in COLUMNS}
        )
        for key in losses
    }


NETWORK_NAMES = {
    "quadratic": "Quadratic",
    "cross_entropy": "Cross-entropy",
    "log_likelihood": "Log-likelihood",
}


@settings(max_examples=6, deadline=None)
@given(
    st.lists(st.sampled_from(list(OUTPUT_LOSSES)), min_size=1, unique=True),
    st.integers(1, 60),
    st.integers(1, 12),
)
def test_the_network_charts_speak_chinese(losses, epochs_, count):
    losses = tuple(losses)
    names = {key: NETWORK_NAMES[key] for key in losses}
    rng = np.random.default_rng(count)
    labels = [int(v) for v in rng.integers(0, 10, count)]
    said = {names[key]: [int(v) for v in rng.integers(0, 10, count)] for key in losses}
    with speaking("zh"):
        data = network.network_data(network_runs(losses, epochs_), names)
        chart = network.network_spec(data, losses, tuple(names.values()))
        digits = network.digits_spec(
            network.digits_data(rng.random((count, 8, 8)), labels, said), count, epochs_
        )
    assert_chinese(chart)
    assert_chinese(digits)
    assert_data_in_domains(chart, network.DATASET, "loss")
    assert all("数字" in caption for caption in digits["datasets"][network.DIGITS]["caption"])


@settings(max_examples=5, deadline=None)
@given(st.lists(st.sampled_from(list(LOSSES["sigmoid"])), min_size=1, max_size=3, unique=True), st.data())
def test_the_landscape_charts_speak_chinese(losses, data):
    losses = tuple(losses)
    xs, ys = [-1.0, 0.5, 2.0], [0.0, 1.0, 1.0]
    cap = data.draw(st.sampled_from([20, 1000]))
    names = {key: loss_words("sigmoid", key).name for key in losses}  # as the page gives them
    run = {key: simulate_sigmoid(key, 2.0, 2.0, xs, ys, 0.15, 30) for key in losses}
    w_axis, b_axis = landscape.window_around(run, 12)
    cursor = [{"name": "cursor", "value": 10}]
    w0 = np.linspace(-3.0, 3.0, 4)
    starts = pd.concat(
        [sweep_starts(key, xs, ys, w0, w0, 0.15, cap=cap) for key in losses], ignore_index=True
    )
    with speaking("zh"):
        surface = surface_of(losses, xs, ys, w_axis, b_axis)
        shown = tuple(names.values())
        datasets = {
            "surface": landscape.surface_data(surface, names),
            "path": landscape.path_data(run, names),
            landscape.IMAGE: landscape.surface_images(surface, names),
        }
        specs = [
            landscape.landscape_spec(datasets, "sigmoid", losses, shown, w_axis, b_axis, cursor, "代价曲面"),
            landscape.outputs_spec(
                landscape.outputs_data(run, names, xs, ys), "sigmoid", losses, shown, cursor, "输出"
            ),
            landscape.starts_spec(
                landscape.starts_data(starts, names),
                "sigmoid",
                losses,
                shown,
                cap,
                w0,
                w0,
                (2.0, 2.0),
                "起点",
            ),
        ]
    for spec in specs:
        assert_chinese(picked_by_name(spec))


def test_the_registries_display_texts_are_in_the_catalogue():
    texts = [rule.name for rule in words.RULES.values()]
    for neuron, losses in LOSSES.items():
        texts += [
            text
            for key in losses
            for text in (words.loss_words(neuron, key).name, words.loss_words(neuron, key).purpose)
        ]
    texts += [
        text
        for key in OPTIMIZERS
        for text in (words.OPTIMIZERS[key].name, words.OPTIMIZERS[key].purpose, words.OPTIMIZERS[key].state)
    ]
    for kind in KINDS.values():
        said = words.KINDS[kind.key]
        texts += [said.name, said.output_label, said.target_label, said.map_axis_title, said.map_load_text]
        texts += [
            text
            for text in (
                KINDS_WORDS[kind.key].gradient_note,
                KINDS_WORDS[kind.key].shape_note,
                *KINDS_WORDS[kind.key].curve_titles,
            )
            if text
        ]
    # An optimizer named as its PyTorch class (Adam) is a name, the same in every language.
    names = {said.name for said in words.OPTIMIZERS.values() if f"torch.optim.{said.name}(" in said.torch}
    with speaking("zh"):
        for text in texts:
            shown = _(text)
            assert not english_left(shown) or text in names, (text, shown)
            assert shown != text or not re.search(r"[A-Za-z]{2,}", CODE.sub("", text)) or text in names, text


def test_the_line_words_are_chinese():
    with speaking("zh"):
        words = {style.line_word(neuron, key) for neuron in LOSSES for key in LOSSES[neuron]}
    assert words <= {"实线", "点线", "虚线"}


# --- English as before, and no language leaking through the cache ----------------------------


def english_scenario_specs() -> dict[str, dict]:
    return scenario_specs(Scenario(losses=("quadratic", "cross_entropy"), epochs=30), False, None, 10)


def test_the_english_charts_keep_their_words():
    specs = english_scenario_specs()
    texts = {name: shown_texts(spec) for name, spec in specs.items()}
    assert "Cost still to lose" in texts["epochs"]
    assert "the factor quadratic cost multiplies in" in texts["epochs"]
    assert "thick |∂C/∂w|, thin |∂C/∂b| (one line when x = ±1)" in texts["epochs"]
    assert "green dashes: the target y" in texts["epochs"]
    assert {"Quadratic", "Cross-entropy"} <= set(texts["epochs"])
    assert specs["epochs"]["description"].startswith(
        "Over 30 epochs, one line per loss: cost still to lose, gradient size, σ′(z), output a. "
        "Quadratic: output a from "
    )
    assert specs["sigma"]["description"] == (
        "σ(z) and σ′(z) against z = w·x + b, one panel per loss (Quadratic, Cross-entropy), with the loss's "
        "path over the epochs drawn on the curve, coloured by epoch; a circle marks the start, a diamond the "
        "inspected epoch."
    )
    assert {"start", "inspected epoch"} <= set(texts["sigma"])
    assert "each loss's own scale: compare shapes, not heights" in texts["shape"]
    tooltips = json.dumps(specs["epochs"]["vconcat"], ensure_ascii=False)
    assert '{"field": "loss", "type": "nominal"}' in tooltips  # the field's own name as its title
    assert '"title": "inspected epoch"' in tooltips


def test_the_english_speed_map_and_network_keep_their_words(sweeps):
    cells = speed_map.display_cells(sweeps["sigmoid"], "sigmoid")
    assert set(cells["status"]) <= {"learned", "unstable", "did not learn"}
    spec = speed_map.map_spec(
        cells,
        "sigmoid",
        tuple(LOSSES["sigmoid"]),
        50,
        speed_map.axis_domain(start_axis("sigmoid")),
        1.0,
        0.15,
    )
    names = ", ".join(words.loss_words("sigmoid", key).name for key in LOSSES["sigmoid"])
    assert spec["description"] == (
        f"One heatmap per loss ({names}): epochs until the output "
        "error reaches the goal, over starting z₀ = w·x + b (output a₀ = σ(z₀)) and the learning rate η; "
        "grey cells did not learn within 50 epochs, pink cells reached the goal but oscillate."
    )
    data = network.network_data(network_runs(("quadratic",), 3), {"quadratic": "Quadratic"})
    chart = network.network_spec(data, ("quadratic",), ("Quadratic",))
    assert chart["description"] == (
        "Over the epochs, one line per loss (Quadratic): accuracy on digits it never trained on, training "
        "cost, outputs stuck at the wrong end, the hidden layer's mean σ′."
    )
    captions = network.digits_data(np.zeros((1, 8, 8)), [3], {"Quadratic": [3]})["caption"]
    assert set(captions) == {"1. a 3|Quadratic: 3 ✓"}


def test_the_spec_cache_keeps_each_language_apart():
    """Built in Chinese, then in English, then in Chinese again: each language gets its own spec,
    the English one as if Chinese had never been asked for."""
    english = english_scenario_specs()
    with speaking("zh"):
        chinese = scenario_specs(Scenario(losses=("quadratic", "cross_entropy"), epochs=30), False, None, 10)
    again = english_scenario_specs()
    with speaking("zh"):
        chinese_again = scenario_specs(
            Scenario(losses=("quadratic", "cross_entropy"), epochs=30), False, None, 10
        )
    for name in english:
        english_text = json.dumps(
            {k: v for k, v in english[name].items() if k != "datasets"}, ensure_ascii=False
        )
        again_text = json.dumps({k: v for k, v in again[name].items() if k != "datasets"}, ensure_ascii=False)
        chinese_text = json.dumps(
            {k: v for k, v in chinese[name].items() if k != "datasets"}, ensure_ascii=False
        )
        zh_again = json.dumps(
            {k: v for k, v in chinese_again[name].items() if k != "datasets"}, ensure_ascii=False
        )
        assert english_text == again_text
        assert chinese_text == zh_again
        assert chinese_text != english_text
        assert not re.search(r"[\u4e00-\u9fff]", english_text)
        assert_chinese(chinese[name])


def test_a_cached_spec_is_built_per_language():
    cached = epochs._cached_spec
    args = ("sigmoid", tuple(LOSSES["sigmoid"]), False, None, ())
    with speaking("zh"):
        chinese = cached(*args)
    english = cached(*args)
    assert chinese != english
    assert "尚待下降的代价" in shown_texts(json.loads(chinese))
    assert "Cost still to lose" in shown_texts(json.loads(english))
    assert "尚待下降的代价" not in shown_texts(json.loads(english))
