"""The learning-speed map, the replay and the presentation mode through AppTest, and the
pure replay and map helpers they use."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_helpers import chart_datasets, charts, cursor_of, epoch_chart, run_app, spec_of
from by_hand import sigmoid_outputs

from lossdemo import simulate_sigmoid
from lossdemo.charts.epochs import PANELS
from lossdemo.controls import replay
from lossdemo.controls.map_settings import AXES, ETA_AXIS, map_sweep
from lossdemo.controls.replay import FRAME_SECONDS, cursor_params, position
from lossdemo.controls.url import PARAMS, parse_value
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.neurons import get_kind
from lossdemo.language.words import loss_words


def map_chart(at):
    found = [el for el in charts(at) if "cells" in chart_datasets(el)]
    assert len(found) == 1, f"expected one map, found {len(found)}"
    return found[0]


def engine_cells(neuron: str, start: dict, goal: str = "half", cap: int = 2000):
    names = {key: loss_words(neuron, key).name for key in LOSSES[neuron]}
    engine = map_sweep(neuron, start, goal, cap)
    return engine.assign(loss=engine["loss"].map(names))


def test_the_map_shows_every_grid_cell_of_the_engines_sweep_for_both_losses():
    at = run_app(view="Speed map")
    cells = chart_datasets(map_chart(at))["cells"]
    expected_cells = len(AXES["z0"]) * len(ETA_AXIS)
    assert expected_cells == 201 * 16
    assert cells.groupby("loss").size().to_dict() == {
        "Quadratic": expected_cells,
        "Cross-entropy": expected_cells,
    }
    merged = cells.merge(engine_cells("sigmoid", {"x": 1.0, "y": 0.0}), on=["loss", "z0", "eta"])
    assert len(merged) == len(cells)
    for column in ("epochs", "learned"):
        assert (merged[f"{column}_x"] == merged[f"{column}_y"]).all()
    unstable = merged["unstable"]
    assert (
        merged["status"]
        == np.where(merged["learned_x"], "learned", np.where(unstable, "unstable", "did not learn"))
    ).all()


def test_the_map_marks_the_current_scenario_and_its_sentence_matches_the_engine():
    at = run_app({"w": "1.5", "b": "-0.5", "eta": "0.5"}, view="Speed map")
    here = chart_datasets(map_chart(at))["here"]
    assert here["z0"].tolist() == [1.5 * 1.0 + -0.5]
    assert here["eta"].tolist() == [0.5]
    frame = map_sweep("sigmoid", {"x": 1.0, "y": 0.0}, "half", 2000)
    quadratic = frame[frame["loss"] == "quadratic"].set_index(["z0", "eta"])
    ce = frame[frame["loss"] == "cross_entropy"].set_index(["z0", "eta"])
    slower = (quadratic["epochs"] > 10 * ce["epochs"]).mean()
    missed = (~quadratic["learned"]).mean()
    sentence = next(m.value for m in at.markdown if "of this map" in m.value)
    assert f"on **{slower:.0%}** of this map" in sentence
    assert f"does not learn within 2,000 epochs on {missed:.0%} of it" in sentence


def test_a_start_off_the_map_is_said_to_be_off_the_map():
    at = run_app({"w": "10", "b": "10", "x": "3"}, view="Speed map")
    assert "starts at z0 = 40, off this map" in " ".join(m.value for m in at.markdown)
    at = run_app({"w": "1", "b": "2"}, view="Speed map")
    assert "off this map" not in " ".join(m.value for m in at.markdown)


def test_goal_and_cap_change_the_map():
    at = run_app(view="Speed map")
    at.select_slider(key="cap").set_value(500).run()
    at.select_slider(key="goal").set_value("0.1").run()
    assert not at.exception
    cells = chart_datasets(map_chart(at))["cells"]
    assert cells["epochs"].max() == 501
    shown = map_sweep("sigmoid", {"x": 1.0, "y": 0.0}, "0.1", 500)
    assert (~cells["learned"]).sum() == (~shown["learned"]).sum() > 0
    assert sorted(cells["epochs"]) == sorted(shown["epochs"])


def test_the_softmax_map_runs_over_the_start_margin():
    at = run_app({"neuron": "softmax", "margin": "6"}, view="Speed map")
    assert not at.exception
    data = chart_datasets(map_chart(at))
    assert set(data["cells"]["margin"]) == set(AXES["margin"])
    assert data["here"]["margin"].tolist() == [6.0]


def test_every_map_cell_loads_exactly_its_start_and_eta_into_the_controls():
    # Clicking a cell sets w = 0, b = z0 (sigmoid) or the margin (softmax), and η: each must be a
    # value the control takes as it is, or the loaded run would not be the cell's run.
    for z0 in AXES["z0"]:
        assert parse_value(PARAMS["b"], str(float(z0))) == (float(z0), None), z0
    for margin in AXES["margin"]:
        assert parse_value(PARAMS["margin"], str(float(margin))) == (float(margin), None), margin
    for eta in ETA_AXIS:
        assert parse_value(PARAMS["eta"], str(float(eta))) == (float(eta), None), eta
    assert get_kind("sigmoid").map_load(1.3, {"w": 2.0, "b": 2.0, "x": 3.0, "y": 0.0}) == {"w": 0.0, "b": 1.3}


@pytest.mark.parametrize(
    ("query", "z0", "eta", "loss"),
    [
        ({"y": "0"}, 3.0, 0.15, "Quadratic"),  # learned late
        ({"y": "0"}, 8.0, 0.01, "Quadratic"),  # not learned within the cap
        ({"y": "0.5"}, 4.0, 5.0, "Cross-entropy"),  # unstable
        ({"y": "0.5"}, 4.0, 5.0, "Quadratic"),
    ],
)
def test_a_map_cell_says_what_the_summary_of_its_loaded_run_says(query, z0, eta, loss):
    start = {"x": 1.0, "y": float(query["y"])}
    cell = engine_cells("sigmoid", start, cap=2000).set_index(["loss", "z0", "eta"]).loc[(loss, z0, eta)]
    at = run_app(query | {"w": "0", "b": f"{z0:g}", "eta": f"{eta:g}", "epochs": "2000"})
    names = [m.value for m in at.metric if m.label == "Final cost"]
    assert len(names) == 2
    shown = [m.value for m in at.metric if m.label == "Halved at epoch"]
    index = 0 if loss == "Quadratic" else 1
    if cell["unstable"]:
        assert shown[index] == "never"
    elif cell["learned"]:
        assert shown[index] == f"{int(cell['epochs']):,}"
    else:
        assert shown[index] == "not yet"


def test_position_moves_by_the_speed_each_whole_frame_and_stops_at_the_last_epoch():
    assert position(0, 4, 0.0, 10) == 0
    assert position(0, 4, 0.099, 10) == 0
    assert position(0, 4, FRAME_SECONDS, 10) == 4
    assert position(0, 1, 0.3, 100) == 3  # 0.3 / 0.1 is 2.999… in floating point: still 3 frames
    assert position(8, 4, 0.1, 10) == 10
    assert position(10, 1, 5.0, 10) == 10
    assert position(5, 16, -1.0, 10) == 5


def test_the_cursor_is_fixed_or_moved_by_a_browser_timer_that_counts_frames_like_position():
    assert cursor_params(7, 4, 300, playing=False) == [{"name": "cursor", "value": 7}]
    start, cursor = cursor_params(7, 4, 300, playing=True)
    assert start == {"name": "cursor_start", "expr": "now()"}
    assert cursor["value"] == 7
    (timer,) = cursor["on"]
    assert timer["events"] == {"type": "timer", "throttle": round(FRAME_SECONDS * 1000)}
    assert timer["update"] == "min(7 + 4 * floor((now() - cursor_start) / 100), 300)"


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    """The replay clock, stopped: tests move it by hand (now[0] += seconds)."""
    now = [1000.0]
    monkeypatch.setattr(replay, "clock", lambda: now[0])
    return now


def shown_epoch(at) -> int:
    """The epoch the live numbers are at: from their caption, or while playing from the progress
    bar that stands in for the epoch slider."""
    texts = [c.value for c in at.caption] + [p.proto.text for p in at.get("progress")]
    (where,) = [text for text in texts if text.startswith("At epoch")]
    return int(where.split()[2].replace(",", ""))


def test_play_moves_with_the_clock_and_stops_at_the_end(clock):
    at = run_app({"epochs": "10", "speed": "4"})
    at.button(key="play").click().run()
    assert at.session_state["playing"] is True
    cursor = cursor_of(epoch_chart(at))
    assert cursor["value"] == 0 and "4 * floor" in cursor["on"][0]["update"], "the browser moves the cursor"
    assert "epoch" not in [slider.key for slider in at.slider], "a progress bar stands in for the slider"
    seen = []
    for _ in range(4):
        clock[0] += FRAME_SECONDS
        at.run()
        seen.append(shown_epoch(at))
    assert seen == [4, 8, 10, 10]
    assert at.session_state["playing"] is False and at.session_state["epoch"] == 10
    assert cursor_of(epoch_chart(at)) == {"name": "cursor", "value": 10}
    assert at.query_params["epoch"] == "10"
    assert not at.exception


def test_pause_holds_the_epoch_in_the_url_and_step_back_and_reset_move_it(clock):
    at = run_app({"epochs": "100", "speed": "16"})
    at.button(key="play").click().run()
    clock[0] += 3.5 * FRAME_SECONDS
    at.button(key="play").click().run()  # pause
    assert at.session_state["epoch"] == 48 and not at.session_state["playing"]
    assert at.query_params["epoch"] == "48"
    assert cursor_of(epoch_chart(at)) == {"name": "cursor", "value": 48}
    clock[0] += 10.0
    at.run()
    assert shown_epoch(at) == 48
    at.button(key="forward").click().run()
    assert at.session_state["epoch"] == 49
    at.button(key="back").click().run()
    assert at.session_state["epoch"] == 48
    at.button(key="reset").click().run()
    assert at.session_state["epoch"] == 0


def test_a_new_speed_goes_on_from_where_the_replay_has_got_to(clock):
    at = run_app({"epochs": "300", "speed": "4"})
    at.button(key="play").click().run()
    clock[0] += 5 * FRAME_SECONDS
    at.segmented_control(key="speed").set_value(16).run()
    assert at.session_state["playing"] is True and at.session_state["epoch"] == 20
    clock[0] += 2 * FRAME_SECONDS
    at.run()
    assert shown_epoch(at) == 52


def test_the_close_up_follows_a_replay_and_its_sigma_chart_marks_that_epoch(clock):
    at = run_app({"epochs": "300", "speed": "16", "view": "Up close"})
    at.button(key="play").click().run()
    clock[0] += 3 * FRAME_SECONDS
    at.run()
    assert shown_epoch(at) == 48
    assert any(m.value.startswith("**The gradient at epoch 48,") for m in at.markdown)
    sigma = next(el for el in charts(at) if "concat" in spec_of(el))
    marks = chart_datasets(sigma)["marks"]
    assert marks.loc[marks["marker"] == "inspected epoch", "epoch"].tolist() == [
        48,
        48,
    ]  # the two default losses


def test_a_link_opens_at_its_epoch_and_the_charts_mark_it():
    at = run_app({"epoch": "123"})
    assert at.slider(key="epoch").value == 123
    assert cursor_of(epoch_chart(at)) == {"name": "cursor", "value": 123}


def test_presentation_mode_shows_four_container_wide_panels_and_large_live_numbers():
    at = run_app({"present": "true", "epoch": "60"})
    assert not at.exception
    panels = [el for el in charts(at) if spec_of(el).get("width") == "container"]
    assert len(panels) == len(PANELS["sigmoid"])
    run = simulate_sigmoid("quadratic", 2.0, 2.0, 1.0, 0.0, 0.15, 300)
    outputs = [m.value for m in at.metric if m.label == "output a"]
    assert outputs[0] == f"{run['a'].iloc[60]:.3g}"  # 3 significant digits, read across a room
    assert not [m for m in at.metric if m.label == "Final cost"], "presentation mode hides the summary"
    assert any("stSidebar" in h.value for h in at.get("html")), "the sidebar is hidden by the page's CSS"


def test_replay_numbers_follow_the_epoch_in_both_modes():
    # From the book's start (w = b = 2, x = 1, y = 0, η = 0.15) cross-entropy's output falls fast:
    # a step from epoch 5 to 6 changes its third significant digit, so the numbers must follow.
    # The table gives 4 significant digits, presentation mode's large numbers 3.
    outputs = sigmoid_outputs("cross_entropy", 2.0, 2.0, 1.0, 0.0, 0.15, 6)
    for query, digits in (({}, 4), ({"present": "true"}, 3)):
        before, after = f"{outputs[5]:.{digits}g}", f"{outputs[6]:.{digits}g}"
        assert before != after
        at = run_app({**query, "epoch": "5"})
        at.button(key="forward").click().run()
        assert not at.exception
        assert at.session_state["epoch"] == 6
        if query:  # presentation mode: one large metric per loss and quantity, quadratic first
            shown = [m.value for m in at.metric if m.label == "output a"]
        else:  # the compact table: one row per loss, the output in its first number column
            table = next(m.value for m in at.markdown if m.value.startswith("| loss | output a |"))
            shown = [line.split("|")[2].strip() for line in table.splitlines()[2:]]
        assert len(shown) == 2, (query, shown)
        assert shown[1] == after, (query, shown, after)
