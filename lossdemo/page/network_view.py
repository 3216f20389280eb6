"""The Network tab: does the loss matter in a real network? Its controls, each chosen
loss trained once per setting for every session (with a progress bar for whoever waits), the
charts, the first test digits with each loss's answer, and two sentences from the runs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from lossdemo.charts.network import digits_data, digits_spec, network_data, network_spec
from lossdemo.controls.url import PARAMS
from lossdemo.engine.network import test_images, train_network
from lossdemo.language.messages import N_, _
from lossdemo.page.cache import arrow, one_at_a_time
from lossdemo.page.downloads import figure_downloads
from lossdemo.page.widgets import control, names
from lossdemo.teaching.network import NETWORK_LOSSES, accuracy_sentence, hidden_sentence

SEED = 0  # every loss starts from the same weights and sees the batches in the same order
WAIT_SECONDS = 0.25  # how often a session waiting for another's training redraws its progress


@dataclass
class Training:
    """One loss's run for one setting, trained at most once: the first session to ask trains it,
    and sessions that ask meanwhile wait for it (showing its progress) instead of training again."""

    loss: str
    settings: dict[str, object]
    done: int = 0  # epochs trained so far
    frame: pd.DataFrame | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, progress: Callable[[int], object]) -> pd.DataFrame:
        """The run; `progress(epochs done)` is called while it trains or is waited for."""
        while not self.lock.acquire(timeout=WAIT_SECONDS):
            progress(self.done)
        try:
            if self.frame is None:
                self.done = 0
                with one_at_a_time("network"):  # trainings share the cores: one at a time
                    self.frame = train_network(self.loss, **self.settings, on_epoch=self._epoch(progress))
            return self.frame
        finally:
            self.lock.release()

    def _epoch(self, progress: Callable[[int], object]) -> Callable[[int, int], None]:
        def epoch_done(k: int, _epochs: int) -> None:
            self.done = k
            progress(k)

        return epoch_done


# The cached value is the Training, not its frame: the training runs outside the cached call, so
# its progress bar is drawn in the asking session and never replayed from the cache.
@st.cache_resource(max_entries=360, ttl=3600, show_spinner=False)
def training(loss: str, hidden: int, epochs: int, eta: float, init: str, seed: int) -> Training:
    return Training(loss, {"hidden": hidden, "epochs": epochs, "eta": eta, "init": init, "seed": seed})


def trained(losses: list[str], hidden: int, epochs: int, eta: float, init: str) -> dict[str, pd.DataFrame]:
    """Each loss's run for these settings, from the cache, with a progress bar while any trains."""
    jobs = {loss: training(loss, hidden, epochs, eta, init, SEED) for loss in losses}
    if all(job.frame is not None for job in jobs.values()):
        return {loss: job.frame for loss, job in jobs.items()}
    bar = st.progress(0.0, text=_("Training…"))
    runs = {}
    for index, (loss, job) in enumerate(jobs.items()):

        def progress(k: int, index: int = index, name: str = NETWORK_LOSSES[loss]) -> None:
            text = _("Training with {loss}: epoch {epoch} of {epochs}").format(
                loss=_(name).lower(), epoch=k, epochs=epochs
            )
            bar.progress(min((index + k / epochs) / len(jobs), 1.0), text=text)

        runs[loss] = job.run(progress)
    bar.empty()
    return runs


def network_controls() -> tuple[list[str], float, str, int, int]:
    """The tab's controls, each bound to its URL parameter: losses, η, init, epochs, hidden."""
    losses = control(
        st.pills,
        "net_losses",
        options=list(NETWORK_LOSSES),
        selection_mode="multi",
        default=list(PARAMS["net_losses"].default),
        format_func=names(NETWORK_LOSSES),
    )
    eta_column, init_column, epochs_column, hidden_column = st.columns(4)
    with eta_column:
        eta = control(st.select_slider, "net_eta")
    with init_column:
        init = _choice("net_init", format_func=names(INIT_NAMES))
    with epochs_column:
        epochs = control(st.select_slider, "net_epochs")
    with hidden_column:
        hidden = _choice("net_hidden")
    return losses, eta, init, epochs, hidden


INIT_NAMES = {"book": N_("book"), "large": N_("large")}  # the initialisations' names on the page


def _choice(name: str, **kwargs):
    """A segmented control over the parameter's options (one always selected)."""
    p = PARAMS[name]
    return control(st.segmented_control, name, options=p.options, default=p.default, required=True, **kwargs)


def default_runs() -> dict[str, pd.DataFrame]:
    """Every loss trained at the tab's default settings (what the lesson's last step looks at)."""
    default = {name: PARAMS[name].default for name in ("net_losses", "net_hidden", "net_epochs", "net_eta")}
    return trained(
        list(default["net_losses"]),
        default["net_hidden"],
        default["net_epochs"],
        default["net_eta"],
        PARAMS["net_init"].default,
    )


def network_view(present: bool) -> None:
    """The tab: a 64 → hidden → 10 network learning the 8×8 digits with each chosen loss. On a
    projector its settings wait behind a button, so the charts are on the first screen."""
    about = _(
        "**Does it matter in a real network?** A network of sigmoid neurons (softmax outputs for "
        "log-likelihood) learns to read 8×8 handwritten digits by mini-batch gradient descent, "
        "the experiment of chapter 3 of Nielsen's book at a smaller scale. Every loss starts from "
        "the same weights and sees the digits in the same order."
    )
    with st.popover(_("Network settings"), icon=":material/tune:") if present else st.container():
        st.markdown(about)
        losses, eta, init, epochs, hidden = network_controls()
    if not losses:
        st.info(_("Select at least one loss to train."))
        return
    runs = trained(losses, hidden, epochs, eta, init)
    names = {key: _(NETWORK_LOSSES[key]) for key in losses}
    spec = network_spec(arrow(network_data(runs, names)), tuple(losses), tuple(names.values()))
    st.vega_lite_chart(
        spec=spec,
        theme=None,
    )
    st.markdown(f"{accuracy_sentence(runs)} {hidden_sentence(runs)}")
    figure_downloads("network", spec)
    first = next(iter(runs.values())).attrs
    images = test_images(len(first["labels"]))
    said = {names[key]: run.attrs["predictions"] for key, run in runs.items()}
    spec = digits_spec(arrow(digits_data(images, first["labels"], said)), len(images), epochs)
    st.vega_lite_chart(
        spec=spec,
        theme=None,
    )
    figure_downloads("digits", spec)
