"""The lesson's "look at" sentences carry numbers computed from their preset's runs, checked here
against a plain-Python gradient-descent loop written from the book's formulas (Nielsen, Neural
Networks and Deep Learning, ch. 3: x = 1, y = 0, η = 0.15, z = w·x + b, a = σ(z))."""

from __future__ import annotations

import math

from torch_rules import torch_adam

from lossdemo.controls.presets import PRESETS
from lossdemo.controls.scenario import runs
from lossdemo.teaching.lesson import STEPS


def by_hand(loss: str, w: float, b: float, eta: float, epochs: int) -> list[tuple[float, float]]:
    """(a, σ′(z)) at every epoch of gradient descent on one example x = 1, y = 0."""
    rows = []
    for _ in range(epochs + 1):
        a = 1 / (1 + math.exp(-(w + b)))
        slope = a * (1 - a)
        rows.append((a, slope))
        dz = a * slope if loss == "quadratic" else a
        w, b = w - eta * dz, b - eta * dz
    return rows


def look(preset: str) -> str:
    step = next(s for s in STEPS if s.preset == preset and s.look.__name__ != "_look_cross_entropy")
    return step.look(runs(PRESETS[preset].scenario))


def settled(errors: list[float]) -> int:
    k = len(errors)
    while k > 0 and errors[k - 1] <= errors[0] / 2:
        k -= 1
    return k


def test_the_badly_wrong_step_names_the_epoch_where_sigma_prime_leaves_the_highlight():
    """Step 2 shows both book starts (mildly wrong (0.6, 0.9), badly wrong (2, 2)) with the
    quadratic cost: its slope sentence is about the badly wrong one, its halving epochs about each."""
    rows = by_hand("quadratic", 2.0, 2.0, 0.15, 300)
    mild = by_hand("quadratic", 0.6, 0.9, 0.15, 300)
    leaves = next(k for k, (_, slope) in enumerate(rows) if slope >= 0.05)
    text = look("book_two_starts")
    assert f"until epoch {leaves:,}" in text
    assert f"starts at {rows[0][1]:.3g}" in text
    assert f"the quadratic output is still {rows[leaves - 1][0]:.2f} there" in text

    def halved(run):
        k = settled([a for a, _ in run])
        return f"by epoch {k:,}" if k < len(run) else "not within 300 epochs"

    assert f"from a₀ = 0.82 {halved(mild)}; from a₀ = 0.98 {halved(rows)}." in text


def test_the_cross_entropy_step_names_the_epoch_its_output_drops_below_one_half():
    rows = by_hand("cross_entropy", 2.0, 2.0, 0.15, 300)
    below = next(k for k, (a, _) in enumerate(rows) if a <= 0.5)
    text = next(s for s in STEPS if s.look.__name__ == "_look_cross_entropy").look(
        runs(PRESETS["badly_wrong"].scenario)
    )
    assert f"by epoch {below:,}" in text


def test_the_textbook_step_names_when_each_loss_halves_the_error_for_good():
    ce = [a for a, _ in by_hand("cross_entropy", 2.0, 2.0, 0.005, 1000)]
    quadratic = [a for a, _ in by_hand("quadratic", 2.0, 2.0, 0.005, 1000)]
    assert f"cross-entropy halves the error for good by epoch {settled(ce):,}" in look("textbook_eta")
    assert settled(quadratic) == len(quadratic)  # never within 1,000 epochs
    assert "the quadratic cost: not within 1,000 epochs" in look("textbook_eta")


def test_the_slightly_wrong_step_names_the_books_start_and_when_the_quadratic_cost_halves_it():
    rows = [a for a, _ in by_hand("quadratic", 0.6, 0.9, 0.15, 300)]
    text = look("slightly_wrong")
    assert "a = 0.82" in text and f"by epoch {settled(rows):,}" in text


def test_the_optimizer_step_compares_adam_with_gradient_descent_in_the_books_numbers():
    """Adam and gradient descent written out by hand from (w, b) = (2, 2), x = 1, y = 0, η = 0.15."""
    step = next(s for s in STEPS if s.preset == "adam_badly_wrong")
    text = step.look(runs(PRESETS[step.preset].scenario), runs(PRESETS[step.baseline].scenario))

    def quadratic_grad(params):
        a = 1 / (1 + math.exp(-(params[0] + params[1])))
        delta = a * a * (1 - a)
        return [delta, delta]

    adam = torch_adam([2.0, 2.0], quadratic_grad, 0.15, 300)
    outputs = [1 / (1 + math.exp(-(w + b))) for w, b in adam]
    gd = [a for a, _ in by_hand("quadratic", 2.0, 2.0, 0.15, 300)]
    assert f"halves the error for good by epoch {settled(outputs):,}" in text
    assert f"(gradient descent: by epoch {settled(gd):,};" in text
    g0 = quadratic_grad([2.0, 2.0])[0]
    first_adam = math.dist(adam[0], adam[1])
    first_gd = 0.15 * g0 * math.sqrt(2)
    assert f"the same tiny {g0:.3g}" in text
    assert f"first step is {first_adam / first_gd:.3g}× gradient descent's" in text
