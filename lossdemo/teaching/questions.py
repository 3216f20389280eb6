"""Class-poll questions: what the class is asked, the choices it answers with, and the right choice,
computed from runs, never typed in. Each lesson step carries its own (`lesson.Step.poll`), computed by
the helpers that write its sentences; `shown_losses` asks about the page as it is now."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from lossdemo.engine.neurons import NeuronKind
from lossdemo.language.messages import N_
from lossdemo.language.words import loss_words
from lossdemo.teaching.milestones import milestones

SAME = 0.1  # two halvings count as about the same when the later is within 10 % of the earlier's epoch
TOGETHER, NONE = "same", "none"  # choice keys beside the losses'


@dataclass(frozen=True)
class Poll:
    """A question: its text (a catalogue message), its choices as (key, word) pairs in the order
    shown, and `right`, which computes the right choice's key from the runs the question is about."""

    text: str
    choices: tuple[tuple[str, str], ...]
    right: Callable[..., str]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _word in self.choices)


def first_to_halve(halved: Mapping[str, int | None]) -> str | None:
    """The key of the run that halves its error first (`halved`: key → epoch, None for never),
    TOGETHER when the next one halves within SAME of that epoch, None when no run halves."""
    done = sorted((epoch, key) for key, epoch in halved.items() if epoch is not None)
    if not done:
        return None
    if len(done) > 1 and done[1][0] - done[0][0] <= SAME * done[0][0]:
        return TOGETHER
    return done[0][1]


SHOWN_LOSSES = N_("Which of the shown losses halves its error for good first?")
TOGETHER_WORD = N_("Two of them at about the same epoch")
NONE_WORD = N_("None of them within the run")


def shown_losses(neuron: str, losses: tuple[str, ...]) -> Poll:
    """Which of these losses halves its error for good first, each judged against its own optimum
    (`milestones`); `right(runs, kind, start)` reads the page's runs of them."""

    def right(runs: pd.DataFrame, kind: NeuronKind, start: Mapping[str, object]) -> str:
        return first_to_halve({m.loss: m.halved for m in milestones(runs, kind, start)}) or NONE

    words = tuple((key, loss_words(neuron, key).name) for key in losses)
    return Poll(SHOWN_LOSSES, (*words, (TOGETHER, TOGETHER_WORD), (NONE, NONE_WORD)), right)
