"""What the real network's runs say: two sentences whose every number comes from the
runs, worded so that they hold for any setting (which loss is ahead is read from the numbers)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lossdemo.engine.losses import LOSSES
from lossdemo.engine.network import OUTPUT_LOSSES
from lossdemo.language import words
from lossdemo.language.messages import _, ngettext

# The network's output losses by key, each with its name (marked for the catalogue).
NETWORK_LOSSES: dict[str, str] = {
    key: words.loss_words(kind, key).name for key, kind in OUTPUT_LOSSES.items()
}


def network_loss_name(key: str) -> str:
    """The name of the network's output loss `key` in the current language."""
    return _(NETWORK_LOSSES[key])


def percent(fraction: float) -> str:
    """An accuracy as the page writes it: 0.742 → "74 %"."""
    return f"{fraction * 100:.0f} %"


def listing(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(parts) == 1:
        return parts[0]
    return _("{items} and {last}").format(items=_(", ").join(parts[:-1]), last=parts[-1])


def _loss(key: str) -> str:
    return _("the {name} loss").format(name=network_loss_name(key).lower())


def accuracy_sentence(runs: Mapping[str, pd.DataFrame]) -> str:
    """Test accuracy after epoch 1 and after the last epoch, best after epoch 1 first; with several
    losses, how the spread between them changes."""
    early = {key: float(run["test_accuracy"].iloc[1]) for key, run in runs.items()}
    final = {key: float(run["test_accuracy"].iloc[-1]) for key, run in runs.items()}
    last = int(next(iter(runs.values()))["epoch"].iloc[-1])
    order = sorted(runs, key=lambda key: -early[key])
    first = listing(
        [_("{accuracy} with {loss}").format(accuracy=percent(early[key]), loss=_loss(key)) for key in order]
    )
    then = listing([percent(final[key]) for key in order])
    text = _("After epoch 1 the test accuracy is {first}; after {last} epochs {then}.").format(
        first=first, last=last, then=then
    )
    if len(runs) < 2:
        return text
    spread = [
        max(round(a * 100) for a in accuracy.values()) - min(round(a * 100) for a in accuracy.values())
        for accuracy in (early, final)
    ]
    if spread[0] == spread[1]:
        change = _("{text} The spread between the losses stays at {before} percentage points.")
    elif spread[1] < spread[0]:
        change = _("{text} The spread between the losses narrows from {before} to {after} percentage points.")
    else:
        change = _("{text} The spread between the losses widens from {before} to {after} percentage points.")
    return change.format(text=text, before=spread[0], after=spread[1])


def hidden_sentence(runs: Mapping[str, pd.DataFrame]) -> str:
    """The range of the hidden layer's mean σ′ over every epoch of every run, and why the loss
    cannot change it: only the output layer's ∂C/∂z depends on the loss."""
    values = pd.concat([run["hidden_sigma_prime"] for run in runs.values()])
    low, high = f"{values.min():.2f}", f"{values.max():.2f}"
    where = (
        _("at {low}").format(low=low)
        if low == high
        else _("between {low} and {high}").format(low=low, high=high)
    )
    if len(runs) > 1:
        text = _("The hidden layer's mean σ′ stays {where} with every loss (σ′ is at most 0.25)")
    else:
        text = _("The hidden layer's mean σ′ stays {where} with {loss} (σ′ is at most 0.25)")
    text = text.format(where=where, loss=_loss(next(iter(runs))))
    cancel = [
        network_loss_name(key).lower() for key in runs if not LOSSES[OUTPUT_LOSSES[key]][key].carries_slope
    ]
    if not cancel:
        return _("{text}: this loss keeps σ′ in every layer's gradient, the output layer's included.").format(
            text=text
        )
    return ngettext(
        "{text}: {names} removes σ′ from the output layer's gradient only, not from the hidden layer's.",
        "{text}: {names} remove σ′ from the output layer's gradient only, not from the hidden layer's.",
        len(cancel),
    ).format(text=text, names=listing(cancel))
