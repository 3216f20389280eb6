"""The Network tab at AppTest level: it opens from a link, its charts show exactly the
engine's runs for its settings, its sentences' numbers are the runs', bad link values warn and
fall back, only the open tab trains, and sessions asking at once for the same run train it once."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from apptest_helpers import chart_datasets, charts, markdown_texts, open_view, run_app

from lossdemo.charts.network import DATASET, DIGITS
from lossdemo.controls.url import PARAMS
from lossdemo.engine import network
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.network import COLUMNS, test_images
from lossdemo.page import network_view
from lossdemo.teaching.network import NETWORK_LOSSES

SMALL = {"view": "Network", "net_epochs": "5", "net_hidden": "10"}
ALL = list(NETWORK_LOSSES)


@pytest.fixture(autouse=True)
def calls(monkeypatch) -> list[str]:
    """Every loss the page trains, in order, from a fresh cache (the real engine does the work)."""
    trained: list[str] = []

    def counting(loss, **kwargs):
        trained.append(loss)
        return network.train_network(loss, **kwargs)

    monkeypatch.setattr(network_view, "train_network", counting)
    network_view.training.clear()
    yield trained
    network_view.training.clear()


def engine_runs(losses, hidden=10, epochs=5, eta=0.5, init="book") -> dict[str, pd.DataFrame]:
    """The engine's runs for these settings, called directly (not through the page)."""
    return {
        loss: network.train_network(loss, hidden=hidden, epochs=epochs, eta=eta, init=init, seed=0)
        for loss in losses
    }


def dataset(at, name: str) -> pd.DataFrame:
    found = [chart_datasets(el)[name] for el in charts(at) if name in chart_datasets(el)]
    assert len(found) == 1, f"expected one chart with dataset {name!r}, found {len(found)}"
    return found[0]


def sentences(at) -> str:
    found = [text for text in markdown_texts(at) if text.startswith("After epoch 1")]
    assert len(found) == 1, markdown_texts(at)
    return found[0]


def assert_shows(at, runs: dict[str, pd.DataFrame]) -> None:
    """The 2×2 chart holds each run as the engine computed it; the digits, each loss's answers."""
    assert not at.exception, [e.value for e in at.exception]
    data = dataset(at, DATASET)
    assert list(data["loss"].unique()) == [NETWORK_LOSSES[loss] for loss in runs]
    for loss, run in runs.items():
        shown = data[data["loss"] == NETWORK_LOSSES[loss]].drop(columns="loss").reset_index(drop=True)
        pd.testing.assert_frame_equal(shown, run[COLUMNS], check_exact=True)
    digits = dataset(at, DIGITS)
    np.testing.assert_array_equal(digits["ink"].to_numpy(), test_images(12).ravel())
    first = next(iter(runs.values())).attrs
    captions = digits.groupby("image", sort=True)["caption"].first().tolist()
    for image, caption in enumerate(captions):
        lines = caption.split("|")
        assert lines[0] == f"{image + 1}. a {first['labels'][image]}"
        for line, (loss, run) in zip(lines[1:], runs.items(), strict=True):
            said = run.attrs["predictions"][image]
            mark = "✓" if said == first["labels"][image] else "✗"
            assert line == f"{NETWORK_LOSSES[loss]}: {said} {mark}"


def test_a_link_opens_the_tab_and_its_charts_are_the_engines_runs():
    at = run_app(SMALL)
    assert at.session_state["view"] == "Network"
    assert not at.warning
    assert_shows(at, engine_runs(ALL))


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"net_losses": ["Quadratic"], "net_init": "large"},
        {"net_losses": ["Log-likelihood", "Cross-entropy"], "net_eta": "3.0"},
    ],
    ids=["all", "quadratic-large", "two-eta3"],
)
def test_the_sentences_numbers_are_the_runs(query):
    at = run_app(SMALL | query)
    losses = [next(k for k, v in NETWORK_LOSSES.items() if v == name) for name in query.get("net_losses", [])]
    runs = engine_runs(
        losses or ALL, eta=float(query.get("net_eta", 0.5)), init=query.get("net_init", "book")
    )
    assert_shows(at, runs)
    text = sentences(at)
    found = re.findall(r"(\d+) % with the ([\w-]+) loss", text.split(";")[0])
    early = {name: int(value) for value, name in found}
    assert early == {
        NETWORK_LOSSES[k].lower(): round(r["test_accuracy"].iloc[1] * 100) for k, r in runs.items()
    }
    assert list(early.values()) == sorted(early.values(), reverse=True), "best after epoch 1 first"
    last = re.search(r"after (\d+) epochs ((?:\d+ %(?:, | and )?)+)\.", text)
    assert int(last.group(1)) == 5
    finals = [int(v) for v in re.findall(r"(\d+) %", last.group(2))]
    order = [next(k for k, v in NETWORK_LOSSES.items() if v.lower() == name) for name in early]
    assert finals == [round(runs[k]["test_accuracy"].iloc[-1] * 100) for k in order]
    sigma = pd.concat([r["hidden_sigma_prime"] for r in runs.values()])
    low, high = f"{sigma.min():.2f}", f"{sigma.max():.2f}"
    assert (f"between {low} and {high}" if low != high else f"at {low}") in text
    if len(runs) > 1:
        spread = re.search(
            r"spread between the losses (?:narrows|widens) from (\d+) to (\d+)|stays at (\d+)", text
        )
        assert spread, text
        points = [max(early.values()) - min(early.values()), max(finals) - min(finals)]
        numbers = [int(g) for g in spread.groups() if g is not None]
        assert numbers == (points if points[0] != points[1] else points[:1])
        way = "narrows" if points[1] < points[0] else "widens" if points[1] > points[0] else "stays"
        assert way in spread[0], (points, spread[0])
    cancels = [k for k in runs if not LOSSES[network.OUTPUT_LOSSES[k]][k].carries_slope]
    if cancels:
        assert "from the output layer's gradient only" in text
    else:
        assert "keeps σ′ in every layer's gradient" in text


def test_bad_link_values_warn_and_fall_back_to_the_defaults():
    at = run_app(
        SMALL | {"net_losses": ["bogus"], "net_eta": "abc", "net_init": "<b>huge</b>", "net_hidden": "1e309"}
    )
    assert not at.exception
    assert len(at.warning) == 1
    notes = at.warning[0].value
    for name in ("net_losses", "net_eta", "net_init", "net_hidden"):
        assert f"- {name}:" in notes, notes
        expected = PARAMS[name].default
        assert at.session_state[name] == (list(expected) if name == "net_losses" else expected)
    assert "<b>" not in notes
    assert_shows(at, engine_runs(ALL, hidden=30))


def test_only_the_open_tab_trains_and_a_second_session_reuses_the_runs(calls):
    at = run_app({key: value for key, value in SMALL.items() if key != "view"})
    assert at.session_state["view"] == "Curves"
    assert calls == [], "the Curves view trained the network"
    open_view(at, "Network")
    assert sorted(calls) == sorted(ALL)
    assert_shows(at, engine_runs(ALL))
    run_app(SMALL)
    assert sorted(calls) == sorted(ALL), "a second session with the same settings trained again"


def test_no_loss_selected_trains_nothing_and_says_so(calls):
    at = run_app(SMALL)
    at.pills(key="net_losses").set_value([]).run()
    assert not at.exception
    assert any("Select at least one loss" in info.value for info in at.info)


def test_twenty_sessions_asking_at_once_train_each_loss_once(calls, monkeypatch):
    """Under load, training is not repeated per session: 20 sessions ask for the same runs at once,
    each loss trains once, every session gets the same run, and while one session trains a loss the
    19 others wait for it and are shown its progress. Each training is held back until the other 19
    sessions are waiting for it (a state, not a time), so the race is forced on every run."""
    sessions = 20
    train = network_view.train_network
    waiting: dict[str, set[int]] = {loss: set() for loss in ALL}
    all_waiting = {loss: threading.Event() for loss in ALL}
    guard = threading.Lock()

    def once_all_wait(loss, **kwargs):
        # Without the shared cache no session would wait: all give up at one deadline, and the
        # count of trainings below fails.
        all_waiting[loss].wait(timeout=max(0.0, deadline - time.monotonic()))
        return train(loss, **kwargs)

    def progress(session: int, loss: str, _epochs_done: int) -> None:
        with guard:
            if calls.count(loss) == 0:  # before the training: this session waits for another's
                waiting[loss].add(session)
                if len(waiting[loss]) == sessions - 1:
                    all_waiting[loss].set()

    monkeypatch.setattr(network_view, "train_network", once_all_wait)
    start = threading.Barrier(sessions)
    deadline = time.monotonic() + 60

    def session(number: int) -> list[int]:
        start.wait()
        jobs = [network_view.training(loss, 10, 5, 0.5, "book", 0) for loss in ALL]
        return [id(job.run(lambda k, job=job: progress(number, job.loss, k))) for job in jobs]

    with ThreadPoolExecutor(sessions) as pool:
        frames = list(pool.map(session, range(sessions)))
    assert sorted(calls) == sorted(ALL)
    assert all(ids == frames[0] for ids in frames), "every session gets the one cached run"
    assert all(len(waiting[loss]) == sessions - 1 for loss in ALL), "19 sessions waited, shown progress"
