"""The epoch chart as Vega draws it (vl-convert's scene graph, no browser): the panels that can
take a log scale plot magnitudes, the others the values themselves, and the target output's rule
stands where a line at that output is drawn. The page sends each number once with its sign and
the chart computes what it plots, so these are checked on the drawing, not on the data."""

from __future__ import annotations

from drawn import marks, scene

from lossdemo.charts.epochs import PANELS, epoch_chart_data, epoch_chart_spec
from lossdemo.controls.replay import cursor_params
from lossdemo.controls.scenario import Scenario, runs


def line_points(spec: dict) -> list[tuple[float, float]]:
    return [(item["x"], item["y"]) for line in marks(scene(spec), "line") for item in line]


def panel_spec(data, panel: int, target: float = 0.5) -> dict:
    return epoch_chart_spec(data, "sigmoid", False, cursor_params(0, 1, 10, False), target, "", panel=panel)


def panel_index(column: str) -> int:
    return next(i for i, panel in enumerate(PANELS["sigmoid"]) if panel.fields[0][0] == column)


# Target y = 1: a > y never holds, so every gradient is negative.
DATA = epoch_chart_data(runs(Scenario("sigmoid", ("quadratic",), 0.5, 40, w=-2.0, b=-1.0, y=1.0)), "sigmoid")


def flipped(data):
    """The same runs with every sign turned round."""
    return data.assign(signed=-data["signed"])


def test_the_gradient_panel_plots_magnitudes():
    gradient = panel_index(PANELS["sigmoid"][1].fields[0][0])
    assert (DATA.loc[DATA["panel"] == gradient, "signed"] < 0).all()
    drawn = line_points(panel_spec(DATA, gradient))
    assert len(drawn) == 2 * 41  # ∂C/∂w and ∂C/∂b, epochs 0 … 40
    assert drawn == line_points(panel_spec(flipped(DATA), gradient)), "a sign changes nothing drawn"


def test_the_output_panel_plots_the_values_and_the_target_rule_stands_at_the_target():
    output = panel_index("a")
    last = float(DATA.loc[DATA["panel"] == output, "signed"].iloc[-1])
    assert line_points(panel_spec(DATA, output)) != line_points(panel_spec(flipped(DATA), output))
    spec = panel_spec(DATA, output, target=last)  # the rule at the last epoch's output
    level = [item for rule in marks(scene(spec), "rule") for item in rule if item.get("x2") is not None]
    assert [round(item["y"], 6) for item in level] == [round(line_points(spec)[-1][1], 6)]
