"""The findings' oracle, written from the runs' output columns independently of
`lossdemo.engine.milestones` and `lossdemo.engine.shape`. Each loss is judged against its own
optimum, found here by minimising the loss's cost over the logit (a golden-section search, not the
engine's bisection on ∂C/∂z). "Halved for good at epoch N" means the error to that optimum is at
most half its start from N to the last epoch and above it at N − 1; "unstable" means a smooth loss
got under half its start and did not stay, or that output − optimum keeps crossing zero at the end
without shrinking, by more than round-off; a loss whose step does not shrink (absolute error)
hovers within about one step of its optimum and counts as settled once it stays within that band."""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from lossdemo.controls.scenario import Scenario, simulate
from lossdemo.engine.activations import sigmoid
from lossdemo.engine.losses import LOSSES
from lossdemo.language.words import loss_words
from lossdemo.teaching.summaries import unit

NUMBER = r"[\d,]+"
EPS = np.finfo(float).eps
GOLDEN = (math.sqrt(5) - 1) / 2


def cost_along(neuron: str, loss: str, scenario: Scenario):
    """C as a function of the logit u: z for a sigmoid neuron, the target's lead for a softmax
    layer whose other classes share the rest equally (where every softmax loss here is lowest)."""
    entry = LOSSES[neuron][loss]
    if neuron == "sigmoid":
        return lambda u: float(entry.cost(np.array([u]), sigmoid(np.array([u]))[0], scenario.y)[0])
    classes = scenario.classes

    def cost(u: float) -> float:
        z = np.zeros((1, classes))
        z[0, 0] = u + math.log(classes - 1)
        e = np.exp(z - z.max())
        t = np.zeros((1, classes))
        t[0, 0] = 1.0
        return float(entry.cost(z, e / e.sum(), t)[0])

    return cost


def gradient_along(neuron: str, loss: str, scenario: Scenario):
    """∂C/∂u along the same line, from the registry's delta on one example's floats."""
    entry = LOSSES[neuron][loss]
    if neuron == "sigmoid":

        def gradient(u: float) -> float:
            a = 1 / (1 + math.exp(-u))
            return float(entry.delta(u, a, a * (1 - a), scenario.y))

        return gradient
    classes = scenario.classes

    def gradient(u: float) -> float:
        z = np.zeros(classes)
        z[0] = u + math.log(classes - 1)
        e = np.exp(z - z.max())
        t, out = np.zeros(classes), np.empty(classes)
        t[0] = 1.0
        entry.delta(z, e / e.sum(), t, out)
        return float(out[0])

    return gradient


@functools.lru_cache(maxsize=256)
def _optimum(neuron: str, loss: str, y: float, classes: int) -> tuple[float, float | None]:
    scenario = Scenario(neuron=neuron, y=y, classes=classes)
    cost = cost_along(neuron, loss, scenario)
    grid = np.linspace(-60.0, 60.0, 4801)
    values = [cost(u) for u in grid]
    k = int(np.argmin(values))
    if k in (0, len(grid) - 1):
        return (0.0 if k == 0 else 1.0), None
    low, high = grid[k - 1], grid[k + 1]
    for _ in range(120):  # golden section on the cost: its lowest point to about 1e-8
        left, right = high - GOLDEN * (high - low), low + GOLDEN * (high - low)
        if cost(left) <= cost(right):
            high = right
        else:
            low = left
    rough = 0.5 * (low + high)
    # then to the last bit, where the gradient changes sign (within the golden section's bracket)
    gradient = gradient_along(neuron, loss, scenario)
    low, high = rough - 1e-5, rough + 1e-5
    if gradient(low) * gradient(high) < 0:
        for _ in range(80):
            middle = 0.5 * (low + high)
            if gradient(middle) * gradient(low) > 0:
                low = middle
            else:
                high = middle
    at = 0.5 * (low + high)
    assert abs(at - rough) < 1e-4, (loss, at, rough)
    return 1 / (1 + math.exp(-at)), at


def own_optimum(neuron: str, loss: str, scenario: Scenario) -> tuple[float, float | None]:
    """(the output where the loss's cost is lowest, the logit there or None at an end of (0, 1)):
    a grid over ±60, a golden-section search on the cost around its lowest point, then the sign
    change of the gradient there."""
    return _optimum(neuron, loss, scenario.y if neuron == "sigmoid" else 0.0, scenario.classes)


def limit(neuron: str, loss: str, scenario: Scenario) -> float | None:
    """The largest η at which gradient descent settles at the optimum: η(1 + x²)·C″(z*) < 2, with
    C″ a second difference of the cost."""
    at = own_optimum(neuron, loss, scenario)[1]
    if neuron != "sigmoid" or at is None or not LOSSES[neuron][loss].smooth:
        return None
    cost, h = cost_along(neuron, loss, scenario), 1e-3
    second = (cost(at + h) - 2 * cost(at) + cost(at - h)) / (h * h)
    return 2.0 / ((1.0 + scenario.x**2) * second)


def cycles(signed: np.ndarray, floor: float) -> bool:
    """Output − optimum crosses zero in at least 10 of the last 20 steps, and the last 11 values
    reach at least 90 % of the largest of the 10 before and more than round-off: a cycle, not a
    damped approach, and not rounding."""
    tail = signed[-21:]
    if len(tail) < 21:
        return False
    crossings = sum(1 for u, v in itertools.pairwise(tail) if u * v < 0)
    early, late = max(abs(tail[:10])), max(abs(tail[10:]))
    return crossings >= 10 and late > floor and late >= 0.9 * early


def band_of(signed: np.ndarray, smooth: bool) -> float:
    """A loss whose step does not shrink: its largest step over the last 20 epochs, if it crossed its
    optimum there (0 otherwise, and for a smooth loss)."""
    tail = signed[-21:]
    crossed = bool((tail[1:] * tail[:-1] < 0).any())
    return float(np.abs(np.diff(tail)).max(initial=0.0)) if crossed and not smooth else 0.0


def status(
    signed: np.ndarray, goal: float, cap: int, floor: float = 0.0, smooth: bool = True
) -> tuple[bool, int, bool]:
    """(learned, epochs, unstable) of one run as the learning-speed map classifies it, from its
    output − optimum: learned at the first epoch from which the error stays within the goal (for a
    loss whose step does not shrink, within its last step where that is narrower than its start)
    to the cap; a smooth loss is unstable if it got within and left, or if it `cycles`."""
    errors = np.abs(signed)
    band = band_of(signed, smooth)
    if band < errors[0]:
        goal = max(goal, band)
    k = len(errors)
    while k > 0 and errors[k - 1] <= goal:
        k -= 1
    settled = None if k == len(errors) else k
    unstable = smooth and ((bool((errors <= goal).any()) and settled is None) or cycles(signed, floor))
    learned = settled is not None and not unstable
    return learned, settled if learned else cap + 1, unstable


def aim(neuron: str, loss: str, y: float = 0.0, classes: int = 3) -> tuple[float, float, bool]:
    """(the loss's optimum, its round-off, whether the loss is smooth) for this target."""
    optimum = own_optimum(neuron, loss, Scenario(neuron=neuron, y=y, classes=classes))[0]
    target = y if neuron == "sigmoid" else 1.0
    optimum = target if abs(optimum - target) < 1e-9 else optimum
    return optimum, 16 * EPS * max(optimum, 1 - optimum), LOSSES[neuron][loss].smooth


@dataclass
class Truth:
    name: str
    carries_slope: bool
    smooth: bool
    target: float
    optimum: float
    errors: np.ndarray  # to the optimum
    signed: np.ndarray
    slope0: float
    delta0: float
    limit: float | None

    @property
    def floor(self) -> float:
        return 16 * EPS * max(self.optimum, 1 - self.optimum)

    @property
    def band(self) -> float:
        return band_of(self.signed, self.smooth)

    @property
    def half(self) -> float:
        half = 0.5 * self.errors[0]
        return max(half, self.band) if self.band < self.errors[0] else half

    def hovering(self) -> bool:
        return not self.smooth and self.band > self.floor and self.errors[-1] > self.floor

    def aims_elsewhere(self) -> bool:
        return abs(self.optimum - self.target) > self.floor

    def settled(self) -> int | None:
        """First epoch from which the error stays at most half its start, by a backwards walk."""
        k = len(self.errors)
        while k > 0 and self.errors[k - 1] <= self.half:
            k -= 1
        return None if k == len(self.errors) else k

    def reached(self) -> int | None:
        for k, e in enumerate(self.errors):
            if e <= self.half:
                return k
        return None

    def cycling(self) -> bool:
        return cycles(self.signed, self.floor)

    def unstable(self) -> bool:
        if not self.smooth:
            return False
        return (self.reached() is not None and self.settled() is None) or self.cycling()


def truths(frame: pd.DataFrame, scenario: Scenario) -> dict[str, Truth]:
    output, target = ("a", scenario.y) if scenario.neuron == "sigmoid" else ("a_y", 1.0)
    delta = "grad_b" if scenario.neuron == "sigmoid" else f"grad_z_{scenario.target}"
    found = {}
    for loss in scenario.losses:
        run = frame[frame["loss"] == loss]
        entry, name = LOSSES[scenario.neuron][loss], loss_words(scenario.neuron, loss).name
        optimum = own_optimum(scenario.neuron, loss, scenario)[0]
        if abs(optimum - target) < 1e-9:  # the search's own precision: the target itself
            optimum = target
        found[name] = Truth(
            name=name,
            carries_slope=entry.carries_slope,
            smooth=entry.smooth,
            target=target,
            optimum=optimum,
            errors=np.abs(run[output].to_numpy() - optimum),
            signed=run[output].to_numpy() - optimum,
            slope0=float(run["sigma_prime"].iloc[0]),
            delta0=float(run[delta].iloc[0]),
            limit=limit(scenario.neuron, loss, scenario) if scenario.optimizer == "gd" else None,
        )
    return found


def check(sentences: list[str], frame: pd.DataFrame, scenario: Scenario) -> None:
    """Assert every claim the sentences make against the oracle."""
    truth = truths(frame, scenario)
    first = next(iter(truth.values()))
    if all(t.errors[0] == 0 for t in truth.values()):
        assert len(sentences) == 1 and "nothing to learn" in sentences[0]
        return
    if all(t.errors[0] < 1e-3 for t in truth.values()):
        assert len(sentences) == 1 and "little left to learn" in sentences[0]
        shown = {n: float(v) for v, n in re.findall(r"([\d.e+-]+) for ([^,.;]+?)(?=, |\.$)", sentences[0])}
        for t in truth.values():  # each loss's own gradient, not "every gradient is tiny"
            assert shown[t.name.lower()] == pytest.approx(abs(t.delta0), rel=5e-3, abs=1e-300), sentences[0]
        return
    text = " ".join(sentences)
    target0 = first.target
    # No rounding makes an output that is not exactly 0 or 1 look like it.
    for shown in re.findall(r"(?:output a|a_y) = ([^,)]+)", sentences[0]):
        # (unless the output is that float exactly: σ(z) rounds to 1.0 for z above about 36.7)
        assert shown not in ("0", "1", "0.0", "1.0") or first.signed[0] + first.optimum in (0.0, 1.0), shown
    assert target0 in (0.0, 1.0) or scenario.neuron == "sigmoid"

    # Each loss's progress clause.
    body = sentences[0].split("): ", 1)[1][:-1]
    for part in body.split("; "):
        name = next(n for n in truth if part.startswith(n + " "))
        t = truth[name]
        if m := re.search(
            rf"hovers within ±([\d.e+-]+) of (?:the target|its optimum) from epoch ({NUMBER})", part
        ):
            assert t.hovering() and t.settled() == int(m[2].replace(",", "")), part
            assert m[1] == f"{t.band:.2g}", part
        elif re.search(r"hovers around (?:the target|its optimum), one step", part):
            assert t.hovering() and t.settled() is None, part
        elif m := re.search(rf"halved (?:it|the output error) for good at epoch ({NUMBER})", part):
            assert t.settled() == int(m[1].replace(",", "")) and not t.unstable(), part
        elif m := re.search(rf"halved (?:it|the output error) by epoch ({NUMBER}) but keeps jumping", part):
            assert t.settled() == int(m[1].replace(",", "")) and t.cycling(), part
        elif m := re.search(rf"under half its start at epoch ({NUMBER}) but did not stay there", part):
            assert t.reached() == int(m[1].replace(",", "")) and t.settled() is None, part
        else:
            assert re.search(rf"did not halve (?:it|the output error) in {NUMBER} epochs", part) or (
                "for all" in part
            ), part
            assert t.settled() is None and t.reached() is None, part
        if "jumping across its optimum" in part or ("hovers within" in part and "its optimum" in part):
            assert t.aims_elsewhere(), part
        if m := re.search(rf"above 90% of its start until epoch ({NUMBER})", part):
            k = int(m[1].replace(",", ""))
            assert k >= 10 and (t.errors[:k] > 0.9 * t.errors[0]).all() and t.errors[k] <= 0.9 * t.errors[0]
        if "above 90% of its start for all" in part:
            assert (t.errors > 0.9 * t.errors[0]).all(), part
        if "hover" not in part:  # the plateau clause is there exactly when the error stayed above 90 %
            below = np.flatnonzero(t.errors <= 0.9 * t.errors[0])  # for 10 epochs or more
            long_plateau = not below.size or below[0] >= 10
            assert ("above 90% of its start" in part) == long_plateau, part

    # Where a loss aims elsewhere than the target, a sentence says where, exactly for those losses.
    elsewhere = set(
        re.findall(r"(?:^|\. )([^.;]+?)'s cost is lowest at (?:a|a_y) = ([^,]+), not at the target", text)
    )
    assert {n for n, _at in elsewhere} == {n for n, t in truth.items() if t.aims_elsewhere()}, (
        elsewhere,
        text,
    )
    for name, at in elsewhere:
        assert at == unit(truth[name].optimum) or abs(float(at) - truth[name].optimum) < 5e-3, (name, at)

    # A ratio is stated only between two losses that both halved the error for good and stably,
    # and always against the fastest of them.
    stable = {
        n: t.settled()
        for n, t in truth.items()
        if t.settled() is not None and not t.unstable() and not t.hovering()
    }
    for m in re.finditer(r"(\S[^.]*?) needed ([\d.e+]+)× as many epochs as (.+?) to halve", text):
        slow, ratio, fast = m[1].split(". ")[-1], m[2], m[3]
        assert slow in stable and fast in stable, m[0]
        assert stable[fast] == min(stable.values())
        assert ratio == f"{stable[slow] / max(stable[fast], 1):.3g}" and float(ratio) >= 1.5
    # "About the same speed" exactly when every stable loss halved it within 1.5× the fastest's epochs.
    if len(stable) > 1:
        fastest = max(min(stable.values()), 1)
        same = all(epochs / fastest < 1.5 for epochs in stable.values())
        assert ("about the same speed" in text) == same, (stable, text)
    # "η too large" is said of exactly the unstable losses, whichever did better; a stated limit is
    # the optimum's own (η(1 + x²)·C″(z*) < 2), and η is above it.
    said = set(re.findall(r"η = [\d.]+ is too large for (.+?):", text))
    assert said == {n for n, t in truth.items() if t.unstable()}, (said, text)
    for name, stated in re.findall(r"too large for (.+?):[^.]*it settles for η below ([\d.e+]+) here", text):
        oracle = truth[name].limit
        assert oracle is not None and abs(float(stated) - oracle) <= 0.01 * oracle, (name, stated, oracle)
        assert scenario.eta >= 0.99 * oracle
    for calm, up, down, jumpy in re.findall(
        r"(?:^|\. )([^.]+?) settles at this η: .*?\(up to ([\d.e+]+) here, against ([\d.e+]+) for (.+?)\)",
        text,
    ):
        assert not truth[calm].unstable() and abs(float(up) - truth[calm].limit) <= 0.01 * truth[calm].limit
        jumpy_truth = next(t for n, t in truth.items() if n.lower() == jumpy)
        assert jumpy_truth.unstable() and abs(float(down) - jumpy_truth.limit) <= 0.01 * jumpy_truth.limit
    # Hovering is said of exactly the losses whose step does not shrink and that end a step away.
    hovers = set(re.findall(r"(?:^|\. )([^.]+?)'s step does not shrink near", text))
    assert hovers == {n for n, t in truth.items() if t.hovering()}, (hovers, text)
    # "Why" names the slope factor only when the slowest stable loss carries it and the fastest
    # does not, with the start's own numbers.
    why = [s for s in sentences if s.startswith("Why")]
    assert len(why) <= 1
    if why:
        steady = [t for t in truth.values() if not t.unstable() and not t.hovering()]
        carriers = [t for t in steady if t.carries_slope]
        free = [t for t in steady if not t.carries_slope]
        assert carriers and free, why
        slope = first.slope0
        assert f"= {slope:.3g}" in why[0] or f"here {slope:.3g}" in why[0], why
        far = 0.5 * max(target0, 1 - target0)  # half the largest error an output can have
        slow = next(t for t in carriers if t.name.lower() in why[0])
        if "tiny next to its peak" in why[0]:
            assert slope < 0.05 and slow.errors[0] >= far
        elif "slow finish" in why[0]:
            assert slope < 0.05 and slow.errors[0] < far
        else:
            assert slope >= 0.05
        m = re.search(r"its ∂C/∂z(?:_y)? is ([\d.e+]+)× smaller than", why[0])
        fast = next(t for t in free if f"the {t.name.lower()} one's" in why[0])
        assert m[1] == f"{abs(fast.delta0) / abs(slow.delta0):.3g}"


def stacked_runs(scenario: Scenario) -> pd.DataFrame:
    return pd.concat(
        [simulate(scenario, loss).assign(loss=loss) for loss in scenario.losses], ignore_index=True
    )
