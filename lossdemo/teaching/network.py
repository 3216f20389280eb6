"""What the real network's runs say: two sentences whose every number comes from the
runs, worded so that they hold for any setting (which loss is ahead is read from the numbers)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lossdemo.engine.losses import LOSSES, NEURONS, Loss
from lossdemo.engine.network import OUTPUT_LOSSES

# The network's output losses, each with its registry entry (name, does ∂C/∂z carry the slope?).
NETWORK_LOSSES: dict[str, Loss] = {
    key: next(LOSSES[neuron][key] for neuron in NEURONS if key in LOSSES[neuron]) for key in OUTPUT_LOSSES
}


def percent(fraction: float) -> str:
    """An accuracy as the page writes it: 0.742 → "74 %"."""
    return f"{fraction * 100:.0f} %"


def listing(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _loss(key: str) -> str:
    return f"the {NETWORK_LOSSES[key].name.lower()} loss"


def accuracy_sentence(runs: Mapping[str, pd.DataFrame]) -> str:
    """Test accuracy after epoch 1 and after the last epoch, best after epoch 1 first; with several
    losses, how the spread between them changes."""
    early = {key: float(run["test_accuracy"].iloc[1]) for key, run in runs.items()}
    final = {key: float(run["test_accuracy"].iloc[-1]) for key, run in runs.items()}
    last = int(next(iter(runs.values()))["epoch"].iloc[-1])
    order = sorted(runs, key=lambda key: -early[key])
    first = listing([f"{percent(early[key])} with {_loss(key)}" for key in order])
    then = listing([percent(final[key]) for key in order])
    text = f"After epoch 1 the test accuracy is {first}; after {last} epochs {then}."
    if len(runs) < 2:
        return text
    spread = [
        max(round(a * 100) for a in accuracy.values()) - min(round(a * 100) for a in accuracy.values())
        for accuracy in (early, final)
    ]
    if spread[0] == spread[1]:
        change = f"stays at {spread[0]}"
    else:
        change = f"{'narrows' if spread[1] < spread[0] else 'widens'} from {spread[0]} to {spread[1]}"
    return f"{text} The spread between the losses {change} percentage points."


def hidden_sentence(runs: Mapping[str, pd.DataFrame]) -> str:
    """The range of the hidden layer's mean σ′ over every epoch of every run, and why the loss
    cannot change it: only the output layer's ∂C/∂z depends on the loss."""
    values = pd.concat([run["hidden_sigma_prime"] for run in runs.values()])
    low, high = f"{values.min():.2f}", f"{values.max():.2f}"
    where = f"at {low}" if low == high else f"between {low} and {high}"
    who = "with every loss" if len(runs) > 1 else f"with {_loss(next(iter(runs)))}"
    text = f"The hidden layer's mean σ′ stays {where} {who} (σ′ is at most 0.25)"
    cancel = [NETWORK_LOSSES[key].name.lower() for key in runs if not NETWORK_LOSSES[key].carries_slope]
    if not cancel:
        return text + ": this loss keeps σ′ in every layer's gradient, the output layer's included."
    verb = "removes" if len(cancel) == 1 else "remove"
    where = "from the output layer's gradient only, not from the hidden layer's"
    return f"{text}: {listing(cancel)} {verb} σ′ {where}."
