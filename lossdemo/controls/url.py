"""The page's controls as URL parameters: names, ranges, defaults, help texts, and a parser that
turns any query string into valid values plus plain-text notes on what it ignored or corrected.

Nothing from a URL is echoed except a short, sanitised snippet (letters, digits, . + -)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lossdemo.controls.map_settings import CAPS, GOALS
from lossdemo.controls.presets import PRESETS
from lossdemo.controls.replay import SPEEDS
from lossdemo.controls.scenario import DEFAULT, EPOCH_CHOICES, ETA_CHOICES
from lossdemo.engine.losses import LOSSES, NEURONS

MAX_VALUE_LENGTH = 40
VIEWS = ("Curves", "Up close", "Speed map")


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    help: str
    default: object
    kind: str  # "float", "int", "choice", "multi" or "bool"
    low: float = 0.0
    high: float = 0.0
    step: float = 0.0
    options: tuple = ()
    below: str | None = None  # an int parameter whose value this one must stay below (target < classes)


PARAMS: dict[str, Param] = {
    p.name: p
    for p in (
        Param(
            "neuron",
            "Neuron",
            "A single sigmoid neuron, or a softmax layer over K classes.",
            DEFAULT.neuron,
            "choice",
            options=NEURONS,
        ),
        Param(
            "preset",
            "Preset scenario",
            "Load a ready-made start; every control stays adjustable.",
            None,
            "choice",
            options=tuple(PRESETS),
        ),
        Param(
            "losses",
            "Losses to compare",
            "Each selected loss trains its own copy of the same neuron.",
            None,
            "multi",
        ),
        Param(
            "eta",
            "Learning rate η",
            "Step size of gradient descent, the same for every loss (fair).",
            DEFAULT.eta,
            "choice",
            options=ETA_CHOICES,
        ),
        Param(
            "epochs",
            "Epochs",
            "Number of gradient-descent updates on the single training example.",
            DEFAULT.epochs,
            "choice",
            options=EPOCH_CHOICES,
        ),
        Param(
            "w",
            "Initial weight w",
            "Starting weight. Large |w·x + b| saturates the sigmoid.",
            DEFAULT.w,
            "float",
            -10.0,
            10.0,
            0.1,
        ),
        Param("b", "Initial bias b", "Starting bias.", DEFAULT.b, "float", -10.0, 10.0, 0.1),
        Param(
            "x",
            "Input x",
            "The training input. The step on z scales with 1 + x².",
            DEFAULT.x,
            "float",
            -3.0,
            3.0,
            0.1,
        ),
        Param("y", "Target y", "The desired output, between 0 and 1.", DEFAULT.y, "float", 0.0, 1.0, 0.05),
        Param("classes", "Classes K", "Number of softmax outputs.", DEFAULT.classes, "int", 2, 10, 1),
        Param(
            "target",
            "Target class",
            "The class the layer should predict (0 … K − 1). The start is built around it, so the runs "
            "look the same for every target: it only names which class a_y is.",
            DEFAULT.target,
            "int",
            0,
            9,
            1,
            below="classes",
        ),
        Param(
            "margin",
            "Start margin",
            "How far the strongest wrong class's logit leads the target's "
            "at the start. Larger = more confidently wrong.",
            DEFAULT.margin,
            "float",
            -5.0,
            10.0,
            0.5,
        ),
        Param(
            "balance",
            "Equal gradients at a = ½",
            "Scale each loss's η so that every loss has the same |∂C/∂z| where the sigmoid is steepest "
            "(a = ½): a sigmoid neuron's quadratic cost then runs at 4η. What is left of its slowness "
            "is saturation alone.",
            False,
            "bool",
        ),
        Param("log", "Log scale", "Show cost and gradient on a logarithmic axis.", False, "bool"),
        Param(
            "view",
            "View",
            "Which part of the page is open: the curves over the epochs, one epoch up close, or the "
            "learning-speed map.",
            VIEWS[0],
            "choice",
            options=VIEWS,
        ),
        Param(
            "present",
            "Presentation mode",
            "Hide the sidebar and show large numbers and charts for a projector.",
            False,
            "bool",
        ),
        Param(
            "speed",
            "Speed (epochs per frame)",
            "Epochs per frame while replaying (about 10 frames a second).",
            SPEEDS[0],
            "choice",
            options=SPEEDS,
        ),
        Param(
            "goal",
            "Learned when the error reaches",
            "A cell counts as learned at the first epoch whose output error is at most this: "
            "half the starting error, or an absolute tolerance.",
            "half",
            "choice",
            options=GOALS,
        ),
        Param(
            "cap",
            "Give up after (epochs)",
            "Epochs each cell may take; beyond this the cell shows as 'did not learn' (grey).",
            2000,
            "choice",
            options=CAPS,
        ),
        Param(
            "epoch",
            "Epoch to inspect",
            "The epoch whose numbers the explanation shows.",
            0,
            "int",
            0,
            EPOCH_CHOICES[-1],
            1,
        ),
    )
}


def _snippet(raw: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9.+\-]", "", raw)[:12]
    return f"“{cleaned}”" if cleaned else "that value"


def _number(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _nearest(options: Sequence[float], value: float) -> float:
    if min(options) > 0 < value:
        return min(options, key=lambda o: abs(math.log(o) - math.log(value)))
    return min(options, key=lambda o: abs(o - value))


def parse_value(param: Param, raw: str) -> tuple[object, str | None]:
    """(value, note): the value to use for one URL value, and why it differs, if it does."""
    if len(raw) > MAX_VALUE_LENGTH:
        return param.default, f"{param.name}: longer than {MAX_VALUE_LENGTH} characters; ignored"
    if param.kind == "bool":
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true", None
        return param.default, f"{param.name}: {_snippet(raw)} is not true or false; ignored"
    if param.kind == "choice" and isinstance(param.options[0], str):
        if raw in param.options:
            return raw, None
        return (
            param.default,
            f"{param.name}: {_snippet(raw)} is not one of {', '.join(param.options)}; ignored",
        )
    number = _number(raw)
    if number is None:
        return param.default, f"{param.name}: {_snippet(raw)} is not a finite number; ignored"
    if param.kind == "choice":
        value = type(param.options[0])(_nearest(param.options, number))
        note = None if value == number else f"{param.name}: {_snippet(raw)} is not offered; using {value:g}"
        return value, note
    low, high = param.low, param.high
    value = min(max(number, low), high)
    if param.kind == "int":
        value = round(value)
    else:
        value = round(round((value - low) / param.step) * param.step + low, 10)
    if value != number:
        return (
            value,
            f"{param.name}: {_snippet(raw)} is outside {low:g} … {high:g} or off the grid; using {value:g}",
        )
    return value, None


def share_query(values: Mapping[str, object]) -> dict[str, str | list[str]]:
    """The query parameters of a link to these control values, leaving out defaults."""
    query: dict[str, str | list[str]] = {}
    neuron = values.get("neuron", DEFAULT.neuron)
    for name, value in values.items():
        param = PARAMS[name]
        if value is None or value == param.default:
            continue
        if name == "losses":  # the pills show, and so write to the URL, the losses' names
            if list(value) != list(LOSSES[neuron]):
                query[name] = [LOSSES[neuron][key].name for key in value]
            continue
        if param.kind == "bool":
            query[name] = str(value).lower()
        elif param.kind == "float" and float(value).is_integer():
            query[name] = str(int(value))  # as a bound slider writes it: 2.0 -> "2"
        else:
            query[name] = str(value)  # a choice as its option reads, e.g. eta "1.0"
    return query


def parse_query(query: Mapping[str, Sequence[str]]) -> tuple[dict[str, object], list[str]]:
    """Values for the parameters present in `query` (every key → all its values), plus notes on
    what was ignored or corrected, including combinations that cannot go together."""
    values: dict[str, object] = {}
    notes: list[str] = []
    for key, raws in query.items():
        param = PARAMS.get(key)
        if param is None:
            named = f"unknown parameter {_snippet(key)}" if _snippet(key) != "that value" else "a parameter"
            notes.append(f"{named} is not a parameter of this page; ignored")
        elif param.kind != "multi":
            if len(raws) != 1:
                notes.append(f"{key}: given {len(raws)} times; used the last")
            value, note = parse_value(param, raws[-1] if raws else "")
            notes.extend([note] if note else [])
            if value is not None:
                values[key] = value
    base = _preset_base(values, notes)
    neuron = values.get("neuron", base.neuron)
    if "losses" in query:
        _parse_losses(query["losses"], neuron, values, notes)
    classes = values.get("classes", base.classes)
    if values.get("target", base.target) > classes - 1:
        notes.append(
            f"target: class {values['target']} does not exist with {classes} classes; using {classes - 1}"
        )
        values["target"] = classes - 1
    epochs = values.get("epochs", base.epochs)
    if values.get("epoch", 0) > epochs:
        notes.append(f"epoch: {values['epoch']} is past the run's last epoch; using {epochs}")
        values["epoch"] = epochs
    return values, notes


def _preset_base(values: dict[str, object], notes: list[str]):
    """The scenario the link starts from: its preset if that suits the link's neuron, else the default."""
    preset = values.get("preset")
    if preset is None:
        return DEFAULT
    scenario = PRESETS[preset].scenario
    if values.get("neuron", scenario.neuron) != scenario.neuron:
        notes.append(f"preset: {preset} is a {scenario.neuron} preset, not a {values['neuron']} one; ignored")
        del values["preset"]
        return DEFAULT
    return scenario


def _parse_losses(raws: Sequence[str], neuron: str, values: dict[str, object], notes: list[str]) -> None:
    """The losses named in the link (by key or by name), for the link's neuron."""
    known = {key: key for key in LOSSES[neuron]} | {
        loss.name.lower(): key for key, loss in LOSSES[neuron].items()
    }
    chosen = [known[raw.lower()] for raw in raws if raw.lower() in known]
    if len(chosen) < len(raws) or not chosen:
        names = ", ".join(loss.name for loss in LOSSES[neuron].values())
        notes.append(f"losses: a {neuron} neuron has {names}; ignored the rest")
    if chosen:
        values["losses"] = list(dict.fromkeys(chosen))
