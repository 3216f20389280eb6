"""The findings' oracle, written from the runs' `error` and output columns independently of
`lossdemo.engine.milestones`: "halved for good at epoch N" means the error is at most half its
start from N to the last epoch and above it at N − 1; "unstable" means it got under half its start
and did not stay, or that output − target keeps crossing zero at the end without shrinking."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.controls.scenario import Scenario, simulate
from lossdemo.engine.losses import LOSSES
from lossdemo.language.words import loss_words

NUMBER = r"[\d,]+"


def cycles(signed: np.ndarray) -> bool:
    """Output − target crosses zero in at least 10 of the last 20 steps, and the last 11 values
    reach at least 90 % of the largest of the 10 before: a cycle, not a damped approach."""
    tail = signed[-21:]
    if len(tail) < 21:
        return False
    crossings = sum(1 for u, v in itertools.pairwise(tail) if u * v < 0)
    early, late = max(abs(tail[:10])), max(abs(tail[10:]))
    return crossings >= 10 and late > 0 and late >= 0.9 * early


def status(signed: np.ndarray, goal: float, cap: int) -> tuple[bool, int, bool]:
    """(learned, epochs, unstable) of one run as the learning-speed map classifies it: learned at
    the first epoch from which |output − target| stays within the goal to the cap; unstable if it
    got within and left, or if it `cycles`."""
    errors = np.abs(signed)
    k = len(errors)
    while k > 0 and errors[k - 1] <= goal:
        k -= 1
    settled = None if k == len(errors) else k
    unstable = (bool((errors <= goal).any()) and settled is None) or cycles(signed)
    learned = settled is not None and not unstable
    return learned, settled if learned else cap + 1, unstable


@dataclass
class Truth:
    name: str
    carries_slope: bool
    errors: np.ndarray
    signed: np.ndarray
    slope0: float
    delta0: float

    @property
    def half(self) -> float:
        return 0.5 * self.errors[0]

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
        return cycles(self.signed)

    def unstable(self) -> bool:
        return (self.reached() is not None and self.settled() is None) or self.cycling()


def truths(frame: pd.DataFrame, scenario: Scenario) -> dict[str, Truth]:
    output, target = ("a", scenario.y) if scenario.neuron == "sigmoid" else ("a_y", 1.0)
    delta = "grad_b" if scenario.neuron == "sigmoid" else f"grad_z_{scenario.target}"
    found = {}
    for loss in scenario.losses:
        run = frame[frame["loss"] == loss]
        entry, name = LOSSES[scenario.neuron][loss], loss_words(scenario.neuron, loss).name
        found[name] = Truth(
            name=name,
            carries_slope=entry.carries_slope,
            errors=np.abs(run[output].to_numpy() - target),
            signed=run[output].to_numpy() - target,
            slope0=float(run["sigma_prime"].iloc[0]),
            delta0=float(run[delta].iloc[0]),
        )
    return found


def check(sentences: list[str], frame: pd.DataFrame, scenario: Scenario) -> None:
    """Assert every claim the sentences make against the oracle."""
    truth = truths(frame, scenario)
    first = next(iter(truth.values()))
    assert all(t.errors[0] == first.errors[0] for t in truth.values()), "one start for every loss"
    if first.errors[0] == 0:
        assert len(sentences) == 1 and "nothing to learn" in sentences[0]
        return
    if first.errors[0] < 1e-3:
        assert len(sentences) == 1 and "almost nothing left to learn" in sentences[0]
        return
    text = " ".join(sentences)
    target0 = scenario.y if scenario.neuron == "sigmoid" else 1.0
    # No rounding makes an output that is not exactly 0 or 1 look like it.
    for shown in re.findall(r"(?:output a|a_y) = ([^,)]+)", sentences[0]):
        # (unless the output is that float exactly: σ(z) rounds to 1.0 for z above about 36.7)
        assert shown not in ("0", "1", "0.0", "1.0") or first.signed[0] + target0 in (0.0, 1.0), shown

    # Each loss's progress clause.
    body = sentences[0].split("): ", 1)[1][:-1]
    for part in body.split("; "):
        name = next(n for n in truth if part.startswith(n + " "))
        t = truth[name]
        if m := re.search(rf"halved (?:it|the output error) for good at epoch ({NUMBER})", part):
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
        if m := re.search(rf"above 90% of its start until epoch ({NUMBER})", part):
            k = int(m[1].replace(",", ""))
            assert k >= 10 and (t.errors[:k] > 0.9 * t.errors[0]).all() and t.errors[k] <= 0.9 * t.errors[0]
        if "above 90% of its start for all" in part:
            assert (t.errors > 0.9 * t.errors[0]).all(), part
        # The plateau clause is there exactly when the error stayed above 90 % for 10 epochs or more.
        below = np.flatnonzero(t.errors <= 0.9 * t.errors[0])
        long_plateau = not below.size or below[0] >= 10
        assert ("above 90% of its start" in part) == long_plateau, part

    # A ratio is stated only between two losses that both halved the error for good and stably,
    # and always against the fastest of them.
    stable = {n: t.settled() for n, t in truth.items() if t.settled() is not None and not t.unstable()}
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
    # "η too large" is said of exactly the unstable losses, whichever did better.
    said = set(re.findall(r"η = [\d.]+ is too large for (.+?):", text))
    assert said == {n for n, t in truth.items() if t.unstable()}, (said, text)
    # "Why" names the slope factor only when the slowest stable loss carries it and the fastest
    # does not, with the start's own numbers.
    why = [s for s in sentences if s.startswith("Why")]
    assert len(why) <= 1
    if why:
        steady = [t for t in truth.values() if not t.unstable()]
        carriers = [t for t in steady if t.carries_slope]
        free = [t for t in steady if not t.carries_slope]
        assert carriers and free, why
        slope = first.slope0
        assert f"= {slope:.3g}" in why[0] or f"here {slope:.3g}" in why[0], why
        target = scenario.y if scenario.neuron == "sigmoid" else 1.0
        far = 0.5 * max(target, 1 - target)  # half the largest error an output can have
        if "tiny next to its peak" in why[0]:
            assert slope < 0.05 and first.errors[0] >= far
        elif "slow finish" in why[0]:
            assert slope < 0.05 and first.errors[0] < far
        else:
            assert slope >= 0.05
        m = re.search(r"gradient is ([\d.e+]+)× smaller than", why[0])
        slow = next(t for t in carriers if t.name.lower() in why[0])
        fast = next(t for t in free if f"the {t.name.lower()} one's" in why[0])
        assert m[1] == f"{abs(fast.delta0) / abs(slow.delta0):.3g}"


def stacked_runs(scenario: Scenario) -> pd.DataFrame:
    return pd.concat(
        [simulate(scenario, loss).assign(loss=loss) for loss in scenario.losses], ignore_index=True
    )
