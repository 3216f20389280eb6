"""The README's promises that code can check: every URL parameter documented with its accepted
values, the two set-up commands, the one line of Debian packages the tests need, and the screenshots it
shows exist, and the numbers of the network section that take a few seconds to measure."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
from postgres import INSTALL as POSTGRES_INSTALL

from lossdemo.controls.presets import PRESETS
from lossdemo.controls.scenario import runs
from lossdemo.controls.url import PARAMS, POLL_PARAMS
from lossdemo.engine.network import train_network
from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.language.words import OPTIMIZERS as OPTIMIZER_WORDS
from lossdemo.language.words import loss_words
from lossdemo.teaching.summaries import summarize
from tests.browser.live import CHROMIUM_PACKAGE, CJK_FONT_PACKAGE

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_ZH = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")


def parameter_rows() -> dict[str, str]:
    """The parameter table's rows by name (lower case: the poll's LOSSDEMO_* settings are not)."""
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z_]+)` \|.*$", README, flags=re.M)}


def test_every_url_parameter_is_documented_and_nothing_else():
    assert set(parameter_rows()) == set(PARAMS) | set(POLL_PARAMS)


def test_documented_choices_are_the_accepted_ones():
    rows = parameter_rows()
    for name, param in PARAMS.items():
        if param.kind == "choice":
            for option in param.options:
                assert f"`{option}`" in rows[name], (name, option)


def test_the_two_setup_commands_are_there_and_ci_runs_the_test_command():
    for readme in (README, README_ZH):
        assert "python3 -m pip install -r requirements.txt && python3 -m streamlit run app.py" in readme
        test_command = "python3 -m pip install -r requirements-dev.txt && python3 -m pytest"
        assert test_command in readme
    assert "python3 -m pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_one_line_installs_every_debian_package_the_tests_need():
    for readme in (README, README_ZH):
        lines = re.findall(r"`sudo apt-get install ([^`]+)`", readme)
        assert len(lines) == 1, lines
        packages = {CHROMIUM_PACKAGE, CJK_FONT_PACKAGE, POSTGRES_INSTALL.split()[-1]}
        assert packages <= set(lines[0].split()), lines[0]


def test_the_images_the_readme_shows_exist():
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README + README_ZH)
    assert images, "the READMEs show no image"
    for path in images:
        assert (ROOT / path).is_file(), path


def test_the_chinese_readmes_links_to_sections_of_the_english_one_exist():
    anchors = re.findall(r"README\.md#([a-z-]+)", README_ZH)
    headings = re.findall(r"^## (.+)$", README, flags=re.M)
    assert "sharing-a-scenario-the-url-parameters" in anchors
    assert set(anchors) <= {re.sub(r"[^a-z -]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_optimizer_has_a_row_in_the_optimizer_table():
    """The table documents the registry, whatever it holds: a row per optimizer, none for another."""
    rows = re.findall(r"^\| [^|]+ \(`(\w+)`\) \| [^|]*p ← ", README, flags=re.M)
    assert sorted(rows) == sorted(OPTIMIZERS)


def test_the_optimizer_table_of_halving_epochs_is_what_the_runs_give():
    """Each column, named by its optimizer's name, holds what that optimizer's runs give."""
    header = re.search(r"^\| start \| loss \| (.+) \|$", README, flags=re.M)
    assert header, "the table of halving epochs"
    by_name = {OPTIMIZER_WORDS[key].name.lower(): key for key in OPTIMIZERS}
    columns = [by_name[cell.strip().lower()] for cell in header[1].split("|")]
    assert len(columns) >= 2 and len(set(columns)) == len(columns), header[0]
    starts = {"sigmoid, badly wrong": "badly_wrong", "softmax, confidently wrong": "confidently_wrong"}
    for start, preset in starts.items():
        base = PRESETS[preset].scenario
        for loss in base.losses:
            name = loss_words(base.neuron, loss).name.lower()
            row = re.search(rf"^\| {start} \| {name} \|((?: \d+ \|)+)$", README, flags=re.M)
            assert row, (start, name)
            shown = [int(cell) for cell in row[1].split("|") if cell.strip()]
            assert len(shown) == len(columns), (start, name)
            for optimizer, epochs in zip(columns, shown, strict=True):
                scenario = replace(base, optimizer=optimizer)
                halved = next(s.halved_at for s in summarize(runs(scenario), scenario) if s.loss == loss)
                assert epochs == halved, (start, name, optimizer)


def epoch_one_accuracy(loss: str, init: str, seed: int) -> float:
    """Test accuracy in % after epoch 1 at the network section's settings (η = 0.5)."""
    return 100 * train_network(loss, epochs=1, eta=0.5, init=init, seed=seed)["test_accuracy"].iloc[1]


def test_the_network_tables_first_epoch_is_the_mean_over_seeds_0_to_9():
    rows = re.findall(r"^\| ([a-z-]+) \| (book|large)[^|]* \| (\d+) % \|", README, flags=re.M)
    assert len(rows) == 4, rows
    for name, init, shown in rows:
        loss = name.replace("-", "_")
        mean = np.mean([epoch_one_accuracy(loss, init, seed) for seed in range(10)])
        assert int(shown) == round(mean), (name, init, mean)


def test_the_network_section_says_what_the_pages_seed_gives_after_epoch_1():
    """The page trains seed 0 only; the README says how far its first epoch is from the mean."""
    text = " ".join(README.split())
    said = re.search(
        r"seed 0's quadratic run is at (\d+) % after epoch 1, below chance \(10 %\), against the (\d+) % "
        r"mean \(the ten seeds give (\d+) % to (\d+) %\); its cross-entropy run is at (\d+) % against "
        r"(\d+) %",
        text,
    )
    assert said, "the network section's sentence on seed 0"
    quadratic = [epoch_one_accuracy("quadratic", "book", seed) for seed in range(10)]
    cross_entropy = [epoch_one_accuracy("cross_entropy", "book", seed) for seed in range(10)]
    assert quadratic[0] < 10  # below chance: ten classes
    measured = (quadratic[0], np.mean(quadratic), min(quadratic), max(quadratic))
    measured += (cross_entropy[0], np.mean(cross_entropy))
    assert [int(n) for n in said.groups()] == [round(x) for x in measured], measured
