"""The Landscape tab's data set without Streamlit: its presets (each with the point it teaches),
its compact form in a link (`data=1:1,-1:0`), and the check of what the editor holds.

A data set is a tuple of (x, y) points on the sidebar's grids: x in −3 … 3 in steps of 0.1, y in
0 … 1 in steps of 0.05, 1 to MAX_POINTS of them. On the grids every point has a short exact
spelling, so a link reads back as the very data set it was written from.

Nothing from a URL or an editor cell is echoed except numbers the page formats itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import pandas as pd

from lossdemo.engine.sigmoid import simulate_sigmoid
from lossdemo.language.messages import N_, _, ngettext

Points = tuple[tuple[float, float], ...]

X_RANGE, X_STEP = (-3.0, 3.0), 0.1  # the sidebar's input slider
Y_RANGE, Y_STEP = (0.0, 1.0), 0.05  # the sidebar's target slider
MAX_POINTS = 20
MAX_DATA_LENGTH = MAX_POINTS * len("-2.9:0.85,")  # the longest data set a link needs
COLUMNS = ("x", "y")


@dataclass(frozen=True)
class DataPreset:
    label: str
    teaches: str  # one line: what to look for
    points: Points  # empty: the sidebar's x and y, the single example of the other tabs


DATA_PRESETS: dict[str, DataPreset] = {
    "one": DataPreset(
        N_("One point (the sidebar's x, y)"),
        N_(
            "One example, as on the other tabs: a run depends on w·x + b only, so the cost over (w, b) is a "
            "ridge, the same along every line w·x + b = constant."
        ),
        (),
    ),
    "two": DataPreset(
        N_("Two points"),
        N_("A second example pulls w and b its own way: the ridge becomes a valley with a shape."),
        ((-1.0, 0.0), (2.0, 1.0)),
    ),
    "separable": DataPreset(
        N_("Separable"),
        N_(
            "Every point can be put on its right side: the cost keeps falling as w grows, so there is no "
            "finite minimum and the runs keep walking outwards."
        ),
        ((-2.5, 0.0), (-1.5, 0.0), (-0.5, 0.0), (0.5, 1.0), (1.5, 1.0), (2.5, 1.0)),
    ),
    "overlapping": DataPreset(
        N_("Overlapping"),
        N_(
            "The classes overlap, so no (w, b) gets every point right: cross-entropy's cost has its minimum "
            "at a finite (w, b), a compromise, and the runs settle instead of walking outwards."
        ),
        ((-2.0, 0.0), (-1.0, 0.0), (-0.5, 1.0), (0.0, 0.0), (0.5, 1.0), (1.0, 1.0), (2.0, 1.0)),
    ),
    "outlier": DataPreset(
        N_("An outlier"),
        N_(
            "One point far out on the wrong side: cross-entropy's cost grows with how wrong it is, the "
            "quadratic cost's stops growing at ½ per example, so the two weigh it very differently."
        ),
        ((-2.0, 0.0), (-1.0, 0.0), (-0.5, 0.0), (0.5, 1.0), (1.0, 1.0), (2.0, 1.0), (-3.0, 1.0)),
    ),
    "mislabelled": DataPreset(
        N_("A mislabelled point"),
        N_(
            "One label is wrong, among points of the other class: no (w, b) gets it right without getting "
            "a neighbour wrong."
        ),
        ((-2.0, 0.0), (-1.0, 0.0), (0.5, 1.0), (1.0, 0.0), (1.5, 1.0), (2.0, 1.0)),
    ),
    "plateau": DataPreset(
        N_("The quadratic plateau"),
        N_(
            "x = (1, −1), y = (1, 0), the engine tests' non-convex data set: set w to −8 or below and b to 0 "
            "in the sidebar, both examples start confidently wrong, and the quadratic cost is a plateau just "
            "under ½ where its gradient is tiny, while cross-entropy's is about 1."
        ),
        ((1.0, 1.0), (-1.0, 0.0)),
    ),
}
DEFAULT_DATA_PRESET = "one"


def snap(value: float, bounds: tuple[float, float], step: float) -> float:
    """Clamp to the range and round to its grid, as the sidebar's sliders do."""
    low, high = bounds
    clamped = min(max(value, low), high)
    return round(round((clamped - low) / step) * step + low, 10) + 0.0  # + 0.0: no −0


def snapped(x: float, y: float) -> tuple[float, float]:
    return snap(x, X_RANGE, X_STEP), snap(y, Y_RANGE, Y_STEP)


def data_text(points: Points) -> str:
    """A data set as a link writes it: x:y pairs separated by commas, e.g. "1:1,-1:0"."""
    return ",".join(f"{x:g}:{y:g}" for x, y in points)


def _finite(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_data(raw: str) -> tuple[Points, str | None]:
    """The data set a `data` value spells, and a note if it was not taken as written.

    Empty: no data set of its own (the chosen preset's). Too long, too many points, or a point that
    is not two numbers joined by ":": the whole value is ignored (the preset's data set), with a
    note. Points off the range or the grid are snapped to it, with a note naming them."""
    if not raw:
        return (), None
    if len(raw) > MAX_DATA_LENGTH:
        return (), _("{name}: longer than {length} characters; ignored").format(
            name="data", length=MAX_DATA_LENGTH
        )
    pieces = raw.split(",")
    if len(pieces) > MAX_POINTS:
        return (), _("data: more than {most} points; ignored").format(most=MAX_POINTS)
    points, moved = [], []
    for number, piece in enumerate(pieces, start=1):
        values = [_finite(part) for part in piece.split(":")]
        if len(values) != 2 or None in values:
            return (), _("data: point {number} is not written as x:y in numbers; ignored").format(
                number=number
            )
        point = snapped(*values)
        if point != tuple(values):
            moved.append(str(number))
        points.append(point)
    if not moved:
        return tuple(points), None
    which = _(", ").join(moved[:3]) + (" …" if len(moved) > 3 else "")
    note = ngettext(
        "data: point {points} off the range or grid of x or y; snapped",
        "data: points {points} off the range or grid of x or y; snapped",
        len(moved),
    )
    return tuple(points), note.format(points=which)


def data_points(preset: str, text: str, x: float, y: float) -> Points:
    """The data set the tab trains on: the link's or editor's own (`text`), else the preset's,
    where the preset "one" is the sidebar's single example (x, y)."""
    own = parse_data(text)[0] if text else ()
    return own or DATA_PRESETS[preset].points or (snapped(x, y),)


def checked_rows(table: pd.DataFrame) -> tuple[Points | None, str | None]:
    """The editor's rows as a data set (snapped to the grids), or None and a note naming the first
    bad row (counting from 1, as the table shows them) and its value."""
    if len(table) == 0:
        return None, _("The data set needs at least one point.")
    if len(table) > MAX_POINTS:
        return None, _("The data set holds at most {most} points; this edit made {count}.").format(
            most=MAX_POINTS, count=len(table)
        )
    if any(column not in table for column in COLUMNS):
        return None, _("The data set needs the columns x and y.")
    bounds = {"x": X_RANGE, "y": Y_RANGE}
    for row, values in enumerate(table[list(COLUMNS)].itertuples(index=False), start=1):
        for column, value in zip(COLUMNS, values):
            low, high = bounds[column]
            if pd.api.types.is_scalar(value) and pd.isna(value):  # None, NaN, pd.NA
                return None, _("Row {row}: {column} is empty.").format(row=row, column=column)
            if not isinstance(value, Real) or isinstance(value, bool):  # never quoted: it may be markup
                return None, _("Row {row}: {column} is not a number.").format(row=row, column=column)
            if not math.isfinite(value):
                return None, _("Row {row}: {column} = {value} is not a finite number.").format(
                    row=row, column=column, value=f"{float(value):g}"
                )
            if not low <= value <= high:
                return None, _("Row {row}: {column} = {value} is outside {low} … {high}.").format(
                    row=row, column=column, value=f"{float(value):g}", low=f"{low:g}", high=f"{high:g}"
                )
    return tuple(snapped(float(x), float(y)) for x, y in table[list(COLUMNS)].itertuples(index=False)), None


def same_rows(table: pd.DataFrame, points: Points) -> bool:
    """Does the editor hold exactly these points (no edit made)?"""
    if list(table.columns[: len(COLUMNS)]) != list(COLUMNS) or len(table) != len(points):
        return False
    return list(table[list(COLUMNS)].itertuples(index=False, name=None)) == list(points)


CSV_VALUES = 3_000_000  # numbers a data set's CSV holds at most: beyond, it keeps every k-th epoch


@dataclass(frozen=True)
class DataRuns:
    """The shown losses trained on a data set: the Landscape tab's runs, one per loss from (w, b),
    each at its own η (`etas`, in the order of `losses`)."""

    points: Points
    losses: tuple[str, ...]
    w: float
    b: float
    etas: tuple[float, ...]
    epochs: int
    optimizer: str

    def simulate(self) -> dict[str, pd.DataFrame]:
        """Each loss's run, by loss."""
        x, y = [p[0] for p in self.points], [p[1] for p in self.points]
        return {
            loss: simulate_sigmoid(loss, self.w, self.b, x, y, eta, self.epochs, self.optimizer)
            for loss, eta in zip(self.losses, self.etas)
        }

    def csv(self) -> str:
        """The data set's runs as CSV: one row per loss and epoch, every engine column (the means, then
        `<quantity>_ex<i>` for example i, counting from 0 in the order of the `data` line), with the
        settings in `#` comment lines on top. A run too long for CSV_VALUES numbers keeps every k-th
        epoch and its last one, and says so. Computed afresh, like the page's own CSV."""
        runs = list(self.simulate().values())
        losses, epochs = self.losses, self.epochs
        every = max(1, math.ceil(len(losses) * runs[0].size / CSV_VALUES))
        kept = sorted({*range(0, epochs + 1, every), epochs})
        frame = pd.concat([run.iloc[kept] for run in runs], ignore_index=True)
        frame.insert(0, "loss", [loss for loss in losses for _ in kept])
        settings = {
            "data": data_text(self.points),
            "losses": ",".join(losses),
            "w": f"{self.w:g}",
            "b": f"{self.b:g}",
            "eta": ",".join(f"{eta:g}" for eta in self.etas),
            "epochs": f"{epochs}",
            "optimizer": self.optimizer,
        }
        header = (
            "# lossdemo data-set runs: one row per loss and epoch; <quantity>_ex<i>: example i (from 0)\n"
        )
        header += "".join(f"# {name} = {value}\n" for name, value in settings.items())
        if every > 1:
            rows = f"{len(kept):,} of {epochs + 1:,} rows per loss"
            header += f"# one row every {every} epochs and the last: {rows}\n"
        return header + frame.to_csv(index=False)
