"""The page's controls as URL parameters: names, ranges, defaults, help texts, and a parser that
turns any query string into valid values plus plain-text notes on what it ignored or corrected.

Nothing from a URL is echoed except a short, sanitised snippet (letters, digits, . + -)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lossdemo.controls.data_sets import (
    DATA_PRESETS,
    DEFAULT_DATA_PRESET,
    data_text,
    parse_data,
)
from lossdemo.controls.map_settings import CAPS, GOALS
from lossdemo.controls.presets import PRESETS, lesson_values, preset_values
from lossdemo.controls.replay import SPEEDS
from lossdemo.controls.scenario import DEFAULT, EPOCH_CHOICES, ETA_CHOICES, starts_text
from lossdemo.engine.losses import DEFAULT_LOSSES, LOSSES, NEURONS
from lossdemo.engine.network import INITS
from lossdemo.engine.neurons import get_kind
from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.language import words
from lossdemo.language.messages import DEFAULT as DEFAULT_LANGUAGE
from lossdemo.language.messages import LANGUAGES, N_, _
from lossdemo.teaching.lesson import STEPS
from lossdemo.teaching.network import NETWORK_LOSSES

MAX_VALUE_LENGTH = 40
MAX_STARTS = 3
VIEWS = ("Curves", "Up close", "Loss shape", "Speed map", "Landscape", "Network")
# The sidebar's controls, in its order: what an exercise link may hide or lock (`hide`, `lock`).
EXERCISE_CONTROLS = (
    "neuron",
    "preset",
    "losses",
    "eta",
    "balance",
    "optimizer",
    "epochs",
    "starts",
    "w",
    "b",
    "x",
    "y",
    "classes",
    "target",
    "margin",
    "widget_rule",
    "log",
)

# The class poll's parameters (read by the poll page, lossdemo/page/poll_view.py): no control has
# them and no share link writes them. `room` alone opens a student's page; with `teacher`, the
# teacher's controls of that room; `student` keeps a student's place in it across reloads.
POLL_PARAMS = ("room", "teacher", "student")


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    help: str
    default: object
    # "float", "int", "choice", "multi", "bool", "starts" (see `parse_starts`), "controls" or "data"
    # (see `data_sets.parse_data`)
    kind: str
    low: float = 0.0
    high: float = 0.0
    step: float = 0.0
    options: tuple = ()
    below: str | None = None  # an int parameter whose value this one must stay below (target < classes)


PARAMS: dict[str, Param] = {
    p.name: p
    for p in (
        Param(
            "lang",
            "Language · 语言",  # in both languages, so that a reader of either finds it
            N_("English or Simplified Chinese (中文). Without it the browser's language decides."),
            DEFAULT_LANGUAGE,
            "choice",
            options=tuple(LANGUAGES),
        ),
        Param(
            "neuron",
            N_("Neuron"),
            N_("A single sigmoid neuron, or a softmax layer over K classes."),
            DEFAULT.neuron,
            "choice",
            options=NEURONS,
        ),
        Param(
            "preset",
            N_("Preset scenario"),
            N_("Load a ready-made start; every control stays adjustable."),
            None,
            "choice",
            options=tuple(PRESETS),
        ),
        Param(
            "losses",
            N_("Losses to compare"),
            N_("Each selected loss trains its own copy of the same neuron."),
            None,
            "multi",
        ),
        Param(
            "eta",
            N_("Learning rate η"),
            N_("Step size of gradient descent, the same for every loss (fair)."),
            DEFAULT.eta,
            "choice",
            options=ETA_CHOICES,
        ),
        Param(
            "optimizer",
            N_("Optimizer"),
            N_(
                "How each gradient becomes a step: plain gradient descent (the step is η times the "
                "gradient), momentum (a running sum of the gradients), or Adam (each step divided by the "
                "gradient's running size). Any other than gradient descent is also compared with it."
            ),
            DEFAULT.optimizer,
            "choice",
            options=tuple(OPTIMIZERS),
        ),
        Param(
            "epochs",
            N_("Epochs"),
            N_("Number of gradient-descent updates on the single training example."),
            DEFAULT.epochs,
            "choice",
            options=EPOCH_CHOICES,
        ),
        Param(
            "w",
            N_("Initial weight w"),
            N_("Starting weight. Large |w·x + b| saturates the sigmoid."),
            DEFAULT.w,
            "float",
            -10.0,
            10.0,
            0.1,
        ),
        Param("b", N_("Initial bias b"), N_("Starting bias."), DEFAULT.b, "float", -10.0, 10.0, 0.1),
        Param(
            "x",
            N_("Input x"),
            N_("The training input. The step on z scales with 1 + x²."),
            DEFAULT.x,
            "float",
            -3.0,
            3.0,
            0.1,
        ),
        Param(
            "y",
            N_("Target y"),
            N_("The desired output, between 0 and 1."),
            DEFAULT.y,
            "float",
            0.0,
            1.0,
            0.05,
        ),
        Param("classes", N_("Classes K"), N_("Number of softmax outputs."), DEFAULT.classes, "int", 2, 10, 1),
        Param(
            "target",
            N_("Target class"),
            N_(
                "The class the layer should predict (0 … K − 1). The start is built around it, so the runs "
                "look the same for every target: it only names which class a_y is."
            ),
            DEFAULT.target,
            "int",
            0,
            9,
            1,
            below="classes",
        ),
        Param(
            "margin",
            N_("Start margin"),
            N_(
                "How far the strongest wrong class's logit leads the target's "
                "at the start. Larger = more confidently wrong."
            ),
            DEFAULT.margin,
            "float",
            -5.0,
            10.0,
            0.5,
        ),
        Param(
            "balance",
            N_("Equal gradients at a = ½"),
            N_(
                "Scale each loss's η so that every loss has the same |∂C/∂z| where the sigmoid is steepest "
                "(a = ½): a sigmoid neuron's quadratic cost then runs at 4η. What is left of its slowness "
                "is saturation alone."
            ),
            False,
            "bool",
        ),
        Param(
            "starts",
            N_("Compare starts"),
            N_(
                "Two or three starts for the first selected loss, overlaid in the charts, separated by "
                "commas; each start gives the start values that differ (sigmoid w:b, e.g. 0.6:0.9,2:2; "
                "softmax the margin, e.g. 1,5), the others are the sidebar's. Empty: compare the losses."
            ),
            "",
            "starts",
        ),
        Param(
            "widget_rule",
            N_("The book's widget rule"),
            N_(
                "Also step the cross-entropy neuron by ∂C/∂a = (a − y)/(a(1 − a)) in place of ∂C/∂z, as the "
                "interactive widget of Nielsen's chapter 3 does: not gradient descent."
            ),
            False,
            "bool",
        ),
        Param(
            "hide",
            N_("Hidden controls"),
            N_(
                "For an exercise: sidebar controls the page does not show, separated by commas (e.g. "
                "eta,epochs). Their values still come from the link."
            ),
            (),
            "controls",
            options=EXERCISE_CONTROLS,
        ),
        Param(
            "lock",
            N_("Locked controls"),
            N_(
                "For an exercise: sidebar controls the page shows but does not let anyone change, separated "
                "by commas (e.g. losses)."
            ),
            (),
            "controls",
            options=EXERCISE_CONTROLS,
        ),
        Param("log", N_("Log scale"), N_("Show cost and gradient on a logarithmic axis."), False, "bool"),
        Param(
            "view",
            N_("View"),
            N_(
                "Which part of the page is open: the curves over the epochs, one epoch up close, each "
                "loss's cost and gradient against the output, the learning-speed map, the cost over (w, b) "
                "for a data set, or a real network learning digits."
            ),
            VIEWS[0],
            "choice",
            options=VIEWS,
        ),
        Param(
            "lesson",
            N_("Lesson step"),
            N_(
                "The lesson step on show (0: no lesson). Each step sets up the scenario and view it talks "
                "about; a link with lesson=3 opens step 3."
            ),
            0,
            "int",
            0,
            len(STEPS),
            1,
        ),
        Param(
            "present",
            N_("Presentation mode"),
            N_("Hide the sidebar and show large numbers and charts for a projector."),
            False,
            "bool",
        ),
        Param(
            "speed",
            N_("Speed (epochs per frame)"),
            N_("Epochs per frame while replaying (about 10 frames a second)."),
            SPEEDS[0],
            "choice",
            options=SPEEDS,
        ),
        Param(
            "goal",
            N_("Learned when the error reaches"),
            N_(
                "A cell counts as learned at the first epoch whose output error is at most this: "
                "half the starting error, or an absolute tolerance."
            ),
            "half",
            "choice",
            options=GOALS,
        ),
        Param(
            "cap",
            N_("Give up after (epochs)"),
            N_("Epochs each cell may take; beyond this the cell shows as 'did not learn' (grey)."),
            2000,
            "choice",
            options=CAPS,
        ),
        Param(
            "epoch",
            N_("Epoch to inspect"),
            N_("The epoch whose numbers the explanation shows."),
            0,
            "int",
            0,
            EPOCH_CHOICES[-1],
            1,
        ),
        Param(
            "data_preset",
            N_("Data set"),
            N_(
                "A ready-made data set for the Landscape tab, each with what it shows. One point is the "
                "sidebar's x and y, the single example of the other tabs."
            ),
            DEFAULT_DATA_PRESET,
            "choice",
            options=tuple(DATA_PRESETS),
        ),
        Param(
            "data",
            N_("Data set points"),
            # A constant for the catalogue, so MAX_POINTS (20) is written out; a test checks it.
            N_(
                "The Landscape tab's own data set, as x:y pairs separated by commas (e.g. 1:1,-1:0): 1 to "
                "20 points, x from −3 to 3 in steps of 0.1, y from 0 to 1 in steps of 0.05. "
                "Empty: the chosen data set."
            ),
            "",
            "data",
        ),
        Param(
            "net_losses",
            N_("Losses to compare"),
            N_("Each selected loss trains its own copy of the same network, from the same start."),
            tuple(NETWORK_LOSSES),
            "multi",
            options=tuple(NETWORK_LOSSES),
        ),
        Param(
            "net_eta",
            N_("Learning rate η"),
            N_("Step size of mini-batch gradient descent (10 digits a batch), the same for every loss."),
            0.5,
            "choice",
            options=(0.1, 0.5, 1.0, 3.0),
        ),
        Param(
            "net_init",
            N_("Initial weights"),
            N_(
                "book: weights N(0, 1/n_in), so z starts of order 1; large: weights N(0, 1), the book's "
                "first choice, which saturates many neurons from the start."
            ),
            INITS[0],
            "choice",
            options=INITS,
        ),
        Param(
            "net_epochs",
            N_("Epochs"),
            N_("Passes over the 1,297 training digits."),
            30,
            "choice",
            options=(5, 10, 20, 30, 60),
        ),
        Param(
            "net_hidden",
            N_("Hidden neurons"),
            N_("Sigmoid neurons in the hidden layer (64 inputs, 10 outputs)."),
            30,
            "choice",
            options=(10, 30, 100),
        ),
    )
}


def _snippet(raw: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9.+\-]", "", raw)[:12]
    return f"“{cleaned}”" if cleaned else _("that value")


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


def parse_controls(param: Param, raw: str) -> tuple[tuple[str, ...], str | None]:
    """The controls a `hide` or `lock` value names (comma-separated, in the sidebar's order, each
    once), and a note naming the words that are not such a control."""
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if not names:
        return (), _("{name}: names no control; ignored").format(name=param.name)
    unknown = list(dict.fromkeys(name for name in names if name not in param.options))
    chosen = tuple(option for option in param.options if option in names)
    if not unknown:
        return chosen, None
    # A word whose sanitised snippet reads as a control's name (e.g. "<b>") is not quoted as that name.
    shown = [_snippet(name) if _snippet(name)[1:-1] not in param.options else _("a name") for name in unknown]
    some = _(", ").join(shown[:3]) + (" …" if len(unknown) > 3 else "")
    return chosen, _("{name}: {words} not among the sidebar's controls; ignored").format(
        name=param.name, words=some
    )


def parse_value(param: Param, raw: str) -> tuple[object, str | None]:
    """(value, note): the value to use for one URL value, and why it differs, if it does."""
    # A list of controls may name each of them twice, with spaces; no longer.
    longest = 2 * len(", ".join(param.options)) if param.kind == "controls" else MAX_VALUE_LENGTH
    if param.kind == "data":  # checks its own length: a data set of 20 points is longer
        if not raw:  # a link never writes it empty: the default (the preset's data set) says so
            return param.default, _("{name}: empty; using the preset's data set").format(name=param.name)
        points, note = parse_data(raw)
        return data_text(points), note
    if len(raw) > longest:
        return param.default, _("{name}: longer than {length} characters; ignored").format(
            name=param.name, length=longest
        )
    if param.kind == "controls":
        return parse_controls(param, raw)
    if param.kind == "bool":
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true", None
        return param.default, _("{name}: {value} is not true or false; ignored").format(
            name=param.name, value=_snippet(raw)
        )
    if param.kind == "choice" and isinstance(param.options[0], str):
        if raw in param.options:
            return raw, None
        return (
            param.default,
            _("{name}: {value} is not one of {options}; ignored").format(
                name=param.name, value=_snippet(raw), options=_(", ").join(param.options)
            ),
        )
    number = _number(raw)
    if number is None:
        return param.default, _("{name}: {value} is not a finite number; ignored").format(
            name=param.name, value=_snippet(raw)
        )
    if param.kind == "choice":
        value = type(param.options[0])(_nearest(param.options, number))
        note = None
        if value != number:
            note = _("{name}: {value} is not offered; using {used}").format(
                name=param.name, value=_snippet(raw), used=f"{value:g}"
            )
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
            _("{name}: {value} is outside {low} … {high} or off the grid; using {used}").format(
                name=param.name, value=_snippet(raw), low=f"{low:g}", high=f"{high:g}", used=f"{value:g}"
            ),
        )
    return value, None


def base_values(values: Mapping[str, object]) -> dict[str, object]:
    """What the parameters a link leaves out stand for, beyond their defaults: the values of its
    preset if that suits the link's neuron, else those of its lesson step if that does (but not the
    step's preset: only a link that names a preset shows it as chosen; the step itself is always
    in the link)."""
    neuron = values.get("neuron")
    step = lesson_values(values["lesson"]) if values.get("lesson") else None
    sources = (
        preset_values(values["preset"]) if values.get("preset") else None,
        step and {key: value for key, value in step.items() if key not in ("preset", "lesson")},
    )
    for source in sources:
        if (source is not None and source.get("neuron", neuron) == neuron) or (neuron is None and source):
            return source
    return {}


def share_query(values: Mapping[str, object]) -> dict[str, str | list[str]]:
    """The query parameters of a link to these control values, leaving out what the link's base
    (`base_values`, else each parameter's default) already says."""
    query: dict[str, str | list[str]] = {}
    base = base_values(values)
    # A link without `neuron` opens the neuron its preset or lesson step implies, whichever it is.
    base["neuron"] = base_values(values | {"neuron": None}).get("neuron", DEFAULT.neuron)
    neuron = values.get("neuron", base["neuron"])
    for name, value in values.items():
        param = PARAMS[name]
        if value is None or value == base.get(name, param.default):
            continue
        if param.kind == "multi":  # the losses' names, as the pills show them in English
            names = multi_options(name, neuron)
            if list(value) != base.get(name, default_selection(name, neuron)):
                query[name] = [names[key] for key in value]
            continue
        if param.kind == "bool":
            query[name] = str(value).lower()
        elif param.kind == "controls":
            query[name] = ",".join(value)
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
        if key in POLL_PARAMS:
            continue  # the poll page's own (the poll store checks them)
        if param is None:
            if _snippet(key) != _("that value"):
                notes.append(
                    _("unknown parameter {name} is not a parameter of this page; ignored").format(
                        name=_snippet(key)
                    )
                )
            else:
                notes.append(_("a parameter is not a parameter of this page; ignored"))
        elif param.kind not in ("multi", "starts"):
            if len(raws) != 1:
                notes.append(
                    _("{name}: given {times} times; used the last").format(name=key, times=len(raws))
                )
            value, note = parse_value(param, raws[-1] if raws else "")
            notes.extend([note] if note else [])
            if value is not None:
                values[key] = value
    preset = PRESETS[values["preset"]].scenario.neuron if "preset" in values else None
    if preset is not None and values.get("neuron", preset) != preset:
        notes.append(
            _("preset: {preset} is a {neuron} preset, not a {other} one; ignored").format(
                preset=values.pop("preset"), neuron=preset, other=values["neuron"]
            )
        )
    base = {name: p.default for name, p in PARAMS.items()} | base_values(values)
    neuron = values.get("neuron", base["neuron"])
    for name in ("losses", "net_losses"):
        if name in query:
            _parse_losses(name, query[name], neuron, values, notes)
    if "starts" in query:
        raws = query["starts"]
        if len(raws) != 1:
            notes.append(
                _("{name}: given {times} times; used the last").format(name="starts", times=len(raws))
            )
        raw = raws[-1] if raws else ""
        # Empty turns off the comparison of starts its base (preset or lesson step) makes: the share
        # link writes it so. With nothing to turn off, it is a malformed value like any other.
        starts, starts_notes = parse_starts(raw, neuron) if raw or not base["starts"] else ((), [])
        values["starts"], notes = starts_text(starts), notes + starts_notes
    classes = values.get("classes", base["classes"])
    if values.get("target", base["target"]) > classes - 1:
        notes.append(
            _("target: class {target} does not exist with {classes} classes; using {last}").format(
                target=values["target"], classes=classes, last=classes - 1
            )
        )
        values["target"] = classes - 1
    epochs = values.get("epochs", base["epochs"])
    if values.get("epoch", 0) > epochs:
        notes.append(
            _("epoch: {epoch} is past the run's last epoch; using {last}").format(
                epoch=values["epoch"], last=epochs
            )
        )
        values["epoch"] = epochs
    return values, notes


def multi_options(name: str, neuron: str) -> dict[str, str]:
    """The losses a list parameter offers, key → name: the neuron's (`losses`) or the network's
    (`net_losses`)."""
    if name == "losses":
        return {key: words.loss_words(neuron, key).name for key in LOSSES[neuron]}
    return dict(NETWORK_LOSSES)


def default_selection(name: str, neuron: str) -> list[str]:
    """What a list parameter selects when the link does not say: the neuron's default comparison
    (`losses`), or every loss of the network (`net_losses`)."""
    return list(DEFAULT_LOSSES[neuron]) if name == "losses" else list(NETWORK_LOSSES)


def _parse_losses(
    name: str, raws: Sequence[str], neuron: str, values: dict[str, object], notes: list[str]
) -> None:
    """The losses named in the link (by key or by name, any case), for the link's neuron."""
    options = multi_options(name, neuron)
    known = {key.lower(): key for key in options} | {loss.lower(): key for key, loss in options.items()}
    chosen = [known[raw.lower()] for raw in raws if raw.lower() in known]
    if len(chosen) < len(raws) or not chosen:
        names = _(", ").join(options.values())  # the losses' names: a link may write them
        if name == "losses":
            note = _("{name}: a {neuron} neuron has {losses}; ignored the rest")
        else:
            note = _("{name}: the network has {losses}; ignored the rest")
        notes.append(note.format(name=name, neuron=neuron, losses=names))
    if chosen:
        values[name] = list(dict.fromkeys(chosen))


def parse_starts(raw: str, neuron: str) -> tuple[tuple[tuple[float, ...], ...], list[str]]:
    """The starts a `starts` value compares, and notes on what was dropped or corrected.

    Starts are separated by commas, and each gives the values of the neuron kind's `varied`
    parameters joined by ":" (sigmoid w:b, softmax the margin). A value off its control's range or
    grid is clamped or snapped as the control would; a start that is not so many numbers, or a
    repeated one, is dropped; past MAX_STARTS the rest are dropped. Fewer than two starts left
    compare nothing: then no starts at all."""
    names = get_kind(neuron).varied
    spelled = ":".join(names)
    if len(raw) > MAX_VALUE_LENGTH:
        return (), [
            _("{name}: longer than {length} characters; ignored").format(
                name="starts", length=MAX_VALUE_LENGTH
            )
        ]
    starts: list[tuple[float, ...]] = []
    notes: list[str] = []
    for number, piece in enumerate(raw.split(","), start=1):
        parts = piece.split(":")
        numbers = [_number(part) for part in parts]
        if len(parts) != len(names) or None in numbers:
            notes.append(
                _("starts: start {number} is not written as {spelled} in numbers; dropped").format(
                    number=number, spelled=spelled
                )
            )
            continue
        start = tuple(float(parse_value(PARAMS[name], part)[0]) for name, part in zip(names, parts))
        if start != tuple(numbers):
            fixed = starts_text((start,))
            notes.append(
                _("starts: start {number} is off the controls' range or grid; using {start}").format(
                    number=number, start=fixed
                )
            )
        if start in starts:
            notes.append(_("starts: {start} is given twice; dropped").format(start=starts_text((start,))))
        elif len(starts) == MAX_STARTS:
            notes.append(
                _("starts: at most {most} starts; dropped {start}").format(
                    most=MAX_STARTS, start=starts_text((start,))
                )
            )
        else:
            starts.append(start)
    if len(starts) < 2:
        notes.append(_("starts: a comparison needs two or three starts; showing the losses from one start"))
        return (), notes
    return tuple(starts), notes
