"""What the runs did, in numbers and in words: a summary per loss and the plain-language
findings the page shows beside the charts (and gives screen readers as the charts' text)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lossdemo.engine.neurons import get_kind
from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.language.messages import _
from lossdemo.teaching.chain_rule import SMALL_SLOPE
from lossdemo.teaching.milestones import PLATEAU, Milestones, milestones

SAME_SPEED = 1.5  # halving epochs within this factor count as "about the same speed"


@dataclass(frozen=True)
class LossSummary:
    key: str  # the run's key in `rows_at`: the loss, or the series label
    loss: str
    name: str  # in the current language
    start_cost: float
    final_cost: float
    final_output: float
    halved_at: int | None  # first epoch from which the output error stays at most half its start
    unstable: bool
    band: float | None  # the band it hovers in around its optimum, if its step does not shrink there

    def settled(self) -> tuple[str, str | None]:
        """When the error halved for good, as a card labelled "Halved at epoch" shows it: the
        epoch, "not yet" or "never", and a note under it: why never (unstable), or the band a loss
        whose step does not shrink hovers in."""
        if self.unstable:
            return _("never"), _("unstable: η too large")
        note = _("hovers ±{band}").format(band=f"{self.band:.2g}") if self.band is not None else None
        if self.halved_at is None:
            return (_("never") if self.band is not None else _("not yet")), note
        return f"{self.halved_at:,}", note


def unit(value: float) -> str:
    """A value in [0, 1] to 3 significant digits that never rounds to a false 0 or 1:
    0.99966 is written 1 − 3.4e-04, 2e-09 as 2e-09."""
    if value == 1.0 or value == 0.0:
        return f"{value:g}"
    if 1.0 - value < 5e-4:
        return f"1 − {1.0 - value:.2g}"
    return f"{value:.3g}"


def number(value: float) -> str:
    """A number to 3 significant digits that never passes for an exact one: 0.99952 is written
    1.00 (three digits, not 1), 8.8995e-05 as 8.90e-05; a number that is exactly what the short
    form says (2, 0.5, 0) keeps the short form."""
    short = f"{value:.3g}"
    return short if float(short) == value else f"{value:#.3g}"


def percent_change(start: float, end: float) -> str:
    """The change from `start` to `end` in percent, 3 significant digits (−99.7 %), never a false
    −100 %: a cost that fell by more than 99.95 % but not to 0 reads −(100 − 0.044)%, as `unit`
    writes an output near 1."""
    change = 100.0 * (end / start - 1.0)
    if change == 0:
        return "0%"
    text = f"{change:+.3g}%"
    if text == "-100%" and end != 0:
        return f"-(100 − {100.0 * end / start:.2g})%"
    return text


def at_start(runs: pd.DataFrame, column: str) -> dict[str, float]:
    """Each run's `column` at epoch 0, by loss (runs of `scenario.runs`, one per loss, over the
    same epochs, one after the other)."""
    rows = int(runs["epoch"].iat[-1]) + 1
    return dict(zip(runs["loss"].iloc[::rows], runs[column].to_numpy()[::rows], strict=True))


def run_milestones(runs: pd.DataFrame, scenario) -> list[Milestones]:
    """The milestones of the scenario's runs (`scenario.runs`), which `summarize` and `findings` use."""
    kind = get_kind(scenario.neuron)
    return milestones(runs, kind, scenario.start())


def summarize(runs: pd.DataFrame, scenario, found: list[Milestones] | None = None) -> list[LossSummary]:
    """One summary per run in `runs` (per loss, or per series), in the order the runs appear; `found`:
    the runs' milestones, if they are known already. The runs are those of `scenario.runs`, over the
    same epochs, one after the other."""
    found = run_milestones(runs, scenario) if found is None else found
    rows = int(runs["epoch"].iat[-1]) + 1
    keys = runs["series" if "series" in runs else "loss"].iloc[::rows]  # each run's first row
    costs = runs["cost"].to_numpy().reshape(-1, rows)
    outputs = runs[get_kind(scenario.neuron).output].to_numpy().reshape(-1, rows)
    return [
        LossSummary(
            key=str(key),
            loss=m.loss,
            name=_(m.name),
            start_cost=float(cost[0]),
            final_cost=float(cost[-1]),
            final_output=float(output[-1]),
            halved_at=m.halved,
            unstable=m.unstable,
            band=m.band if m.hovering else None,
        )
        for m, key, cost, output in zip(found, keys, costs, outputs, strict=True)
    ]


def _sigmoid_start(first: pd.Series, scenario) -> str:
    return _("From w = {w}, b = {b} (output a = {a}, target y = {y})").format(
        w=f"{scenario.w:g}", b=f"{scenario.b:g}", a=unit(first["a"]), y=f"{scenario.y:g}"
    )


def _softmax_start(first: pd.Series, scenario) -> str:
    if scenario.margin > 0:
        lead = _("a wrong class's logit leads the target's by {margin}").format(margin=f"{scenario.margin:g}")
    elif scenario.margin == 0:
        lead = _("a wrong class's logit ties with the target's")
    else:
        lead = _("the target's logit leads every other class's by {margin}").format(
            margin=f"{-scenario.margin:g}"
        )
    return _("From a start where {lead} (target probability a_y = {a_y})").format(
        lead=lead, a_y=unit(first["a_y"])
    )


START_SENTENCES = {"sigmoid": _sigmoid_start, "softmax": _softmax_start}  # per neuron kind


def aim(m: Milestones) -> str:
    """Where the run's output is headed, in words: the target, or the loss's own optimum."""
    return _("its optimum") if m.aims_elsewhere else _("the target")


def progress(m: Milestones, epochs: int) -> str:
    values = {
        "name": _(m.name),
        "halved": f"{m.halved:,}" if m.halved is not None else "",
        "reached": f"{m.reached:,}" if m.reached is not None else "",
        "epochs": f"{epochs:,}",
        "plateau": f"{PLATEAU:.0%}",
        "left": f"{m.left_plateau:,}" if m.left_plateau is not None else "",
        "aim": aim(m),
        "band": f"{m.band:.2g}",
    }
    if m.hovering and m.halved is not None and m.band > 0.5 * m.start_error:
        text = _("{name} hovers within ±{band} of {aim} from epoch {halved}, one step's width")
    elif m.hovering and m.halved is None:
        text = _("{name} hovers around {aim}, one step (±{band}) at a time, no nearer than where it started")
    elif m.left_plateau is None:
        text = _("{name} kept the output error above {plateau} of its start for all {epochs} epochs")
    elif m.left_plateau >= 10:  # the plateau, then what followed
        if m.halved is not None and m.unstable:
            text = _(
                "{name} kept the output error above {plateau} of its start until epoch {left} and halved it "
                "by epoch {halved} but keeps jumping across {aim}"
            )
        elif m.halved is not None:
            text = _(
                "{name} kept the output error above {plateau} of its start until epoch {left} and halved it "
                "for good at epoch {halved}"
            )
        elif m.reached is not None:
            text = _(
                "{name} kept the output error above {plateau} of its start until epoch {left} and brought it "
                "under half its start at epoch {reached} but did not stay there"
            )
        else:
            text = _(
                "{name} kept the output error above {plateau} of its start until epoch {left} and did not "
                "halve it in {epochs} epochs"
            )
    elif m.halved is not None and m.unstable:
        text = _("{name} halved the output error by epoch {halved} but keeps jumping across {aim}")
    elif m.halved is not None:
        text = _("{name} halved the output error for good at epoch {halved}")
    elif m.reached is not None:
        text = _(
            "{name} brought the output error under half its start at epoch {reached} but did not stay there"
        )
    else:
        text = _("{name} did not halve the output error in {epochs} epochs")
    return text.format(**values)


def aims_elsewhere(found: list[Milestones], kind) -> list[str]:
    """A sentence for each loss whose optimum is not the target: where it aims, and that its error
    is measured from there."""
    return [
        _(
            "{name}'s cost is lowest at {output} = {optimum}, not at the target {target}: it aims there on "
            "purpose, so its output error is its distance from {optimum}."
        ).format(name=_(m.name), output=kind.output, optimum=unit(m.optimum), target=unit(m.target))
        for m in found
        if m.aims_elsewhere
    ]


ALREADY_THERE = 1e-3  # a start error below this leaves almost nothing to learn


def findings(runs: pd.DataFrame, neuron: str, scenario, found: list[Milestones] | None = None) -> list[str]:
    """Sentences that are true of these runs, for the page and for screen readers: how each loss
    did, how their speeds compare, which were unstable, and why the slowest was slow. `found`: the
    runs' milestones, if they are known already."""
    kind = get_kind(neuron)
    found = run_milestones(runs, scenario) if found is None else found
    epochs = int(runs["epoch"].max())
    if all(m.start_error == 0 for m in found):
        return [
            _(
                "The neuron starts exactly where every loss aims, so there is nothing to learn: "
                "every gradient is zero."
            )
        ]
    start = START_SENTENCES[neuron](runs.iloc[0], scenario)
    if all(m.start_error < ALREADY_THERE for m in found):
        firsts = at_start(runs, kind.delta)
        each = _(", ").join(
            _("{value} for {name}").format(value=number(abs(firsts[m.loss])), name=_(m.name).lower())
            for m in found
        )
        return [
            _(
                "{start}: the output starts within {error} of where each loss aims, so there is little "
                "left to learn; at the start |{symbol}| is {each}."
            ).format(
                start=start,
                error=f"{max(m.start_error for m in found):.2g}",
                symbol=kind.delta_symbol,
                each=each,
            )
        ]
    each = _("; ").join(progress(m, epochs) for m in found)
    sentences = [_("{start}: {progress}.").format(start=start, progress=each), *aims_elsewhere(found, kind)]
    scaled = [(m.name, scenario.eta_for(m.loss)) for m in found if scenario.eta_for(m.loss) != scenario.eta]
    if scaled:
        rates = _(", ").join(
            _("{name} with η = {eta} ({times}× η)").format(
                name=_(name), eta=f"{eta:.3g}", times=f"{eta / scenario.eta:.3g}"
            )
            for name, eta in scaled
        )
        sentences.append(
            _(
                "Gradients equalised at {point}: {rates}. What is left of a slope-carrying loss's "
                "slowness comes from saturation."
            ).format(point=kind.balance_point, rates=rates)
        )
    if len(found) > 1:
        sentences += _comparison(found, epochs)
    sentences += _instability(found, scenario, kind)
    if len(found) > 1 and OPTIMIZERS[scenario.optimizer].along_gradient:
        # Why a slope-carrying loss is slow, in its gradient: under gradient descent the steps
        # follow the gradient; other optimizers rescale them (`teaching.optimizers` compares).
        target = scenario.target_output()
        sentences += _why(found, runs, kind, max(target, 1.0 - target))
    return sentences


def _comparison(found: list[Milestones], epochs: int) -> list[str]:
    done = sorted(
        (m for m in found if m.halved is not None and not m.unstable and not m.hovering),
        key=lambda m: m.halved,
    )
    stuck = [m for m in found if m.halved is None and not m.unstable and not m.hovering]
    if not done:
        if any(m.unstable for m in found) or not stuck:
            return []
        advice = (
            _("an output crossed its optimum and came back, a sign that η is large for it: try a smaller one")
            if any(m.overshot and m.smooth for m in stuck)
            else _("try more epochs or a larger learning rate η")
        )
        return [
            _("No loss halved the error within {epochs} epochs: {advice}.").format(
                epochs=f"{epochs:,}", advice=advice
            )
        ]
    fast = done[0]
    sentences = []
    slower = [(m, m.halved / max(fast.halved, 1)) for m in done[1:]]
    slower = [(m, ratio) for m, ratio in slower if ratio >= SAME_SPEED]
    if len(done) > 1 and not slower:
        sentences.append(
            _("Both losses learn at about the same speed here.")
            if len(done) == 2
            else _("The {n} losses that halved the error learn at about the same speed here.").format(
                n=len(done)
            )
        )
    sentences += [
        _("{slow} needed {ratio}× as many epochs as {fast} to halve the error for good.").format(
            slow=_(slow.name), ratio=f"{ratio:.3g}", fast=_(fast.name)
        )
        for slow, ratio in slower
    ]
    if stuck:
        names = _(" and ").join(_(m.name) for m in stuck)
        sentences.append(
            _("{fast} halved the error by epoch {epoch}; {names} never did in this run.").format(
                fast=_(fast.name), epoch=f"{fast.halved:,}", names=names
            )
        )
    return sentences


def _instability(found: list[Milestones], scenario, kind) -> list[str]:
    """Which losses oscillate at this η, what η each tolerates where the optimum's curvature says
    (gradient descent on one example), and which hover because their step does not shrink."""
    descent = OPTIMIZERS[scenario.optimizer].along_gradient
    limits = {m.loss: kind.stability_limit(m.loss, scenario.start()) if descent else None for m in found}
    sentences = []
    for m in found:
        if not m.unstable:
            continue
        eta, limit = scenario.eta_for(m.loss), limits[m.loss]
        if limit is not None and eta >= limit:
            text = _(
                "η = {eta} is too large for {name}: its output keeps jumping across {aim} instead of "
                "settling, so it never counts as learned; it settles for η below {limit} here."
            )
        else:
            text = _(
                "η = {eta} is too large for {name}: its output keeps jumping across {aim} instead of "
                "settling, so it never counts as learned; a smaller η settles."
            )
        sentences.append(
            text.format(eta=f"{eta:g}", name=_(m.name), aim=aim(m), limit=f"{limit:.3g}" if limit else "")
        )
    calm = [m for m in found if m.carries_slope and not m.unstable and m.halved is not None and m.smooth]
    jumpy = [m for m in found if m.unstable and not m.carries_slope and limits[m.loss] is not None]
    if calm and jumpy and limits[calm[0].loss] is not None and limits[calm[0].loss] > limits[jumpy[0].loss]:
        sentences.append(
            _(
                "{name} settles at this η: the factor {slope} ≤ ¼ that slows it also keeps its steps small, "
                "so it tolerates a larger η before it oscillates (up to {calm_limit} here, against "
                "{jumpy_limit} for {jumpy})."
            ).format(
                name=_(calm[0].name),
                slope=kind.slope,
                calm_limit=f"{limits[calm[0].loss]:.3g}",
                jumpy_limit=f"{limits[jumpy[0].loss]:.3g}",
                jumpy=_(jumpy[0].name).lower(),
            )
        )
    sentences += [
        _(
            "{name}'s step does not shrink near {aim} (its ∂C/∂z keeps the size of {slope} whatever the "
            "error), so its output hovers around it, one step (±{band}) at a time; a smaller η narrows the "
            "band, and no constant η settles it exactly."
        ).format(name=_(m.name), aim=aim(m), slope=kind.slope, band=f"{m.band:.2g}")
        for m in found
        if m.hovering
    ]
    return sentences


def _why(found: list[Milestones], runs: pd.DataFrame, kind, worst_error: float) -> list[str]:
    """Why the slowest loss was slow, when it carries the slope factor and the fastest does not."""
    stable = [m for m in found if not m.unstable and not m.hovering]
    if len(stable) < 2:
        return []
    ranked = sorted(stable, key=Milestones.lag)
    fastest, slowest = ranked[0], ranked[-1]
    if not (slowest.carries_slope and not fastest.carries_slope):
        return []
    if slowest.halved is not None:
        slower = slowest.halved / max(fastest.halved, 1) >= SAME_SPEED
    elif fastest.halved is not None:
        slower = True
    else:  # nobody halved: compare how much of the error each removed
        removed = [m.start_error - m.final_error for m in (fastest, slowest)]
        slower = removed[0] >= SAME_SPEED * removed[1]
    if not slower:
        return []
    slopes, deltas = at_start(runs, "sigma_prime"), at_start(runs, kind.delta)
    slope = float(slopes[slowest.loss])
    ratio = abs(deltas[slowest.loss]) / abs(deltas[fastest.loss])
    slow, fast = _(slowest.name).lower(), _(fastest.name).lower()
    steps = _("at the start its {symbol} is {times}× smaller than the {fast} one's").format(
        symbol=kind.delta_symbol, times=f"{1 / ratio:.3g}", fast=fast
    )
    badly_wrong = slowest.start_error >= 0.5 * worst_error
    values = {"symbol": kind.slope, "slope": f"{slope:.3g}", "slow": slow, "fast": fast, "steps": steps}
    if slope < SMALL_SLOPE and badly_wrong:
        return [
            _(
                "Why: at the start {symbol} = {slope}, tiny next to its peak of 0.25, and the {slow} "
                "cost's gradient carries this factor ({steps}); the {fast} gradient does not."
            ).format(**values)
        ]
    if slope < SMALL_SLOPE:
        return [
            _(
                "Why: the output starts nearer its target than halfway but where the sigmoid is flat "
                "({symbol} = {slope}); the {slow} cost's gradient carries this factor ({steps}), so its "
                "last stretch to the target is slow: a slow finish, not a stall at a wrong start."
            ).format(**values)
        ]
    return [
        _(
            "Why: the {slow} cost's gradient carries the factor {symbol} ≤ ¼ (here {slope}; {steps}), "
            "so at the same η it learns more slowly even where nothing saturates."
        ).format(**values)
    ]
