"""The README's promises that code can check: every URL parameter documented with its accepted
values, the two set-up commands, the one line of Debian packages the tests need, and the screenshots it
shows exist."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from postgres import INSTALL as POSTGRES_INSTALL

from lossdemo.controls.presets import PRESETS
from lossdemo.controls.scenario import runs
from lossdemo.controls.url import PARAMS
from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.language.words import loss_words
from lossdemo.teaching.summaries import summarize
from tests.browser.live import CHROMIUM_PACKAGE, CJK_FONT_PACKAGE

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_ZH = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")


def parameter_rows() -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*$", README, flags=re.M)}


def test_every_url_parameter_is_documented_and_nothing_else():
    assert set(parameter_rows()) == set(PARAMS)


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
    for path in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README + README_ZH):
        assert (ROOT / path).is_file(), path


def test_the_chinese_readme_links_to_the_parameter_table_that_exists():
    anchor = re.search(r"README\.md#([a-z-]+)", README_ZH).group(1)
    headings = re.findall(r"^## (.+)$", README, flags=re.M)
    assert anchor in {re.sub(r"[^a-z -]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_optimizer_has_a_row_in_the_optimizer_table():
    rows = re.findall(r"^\| [^|]+ \(`(\w+)`\) \| [^|]*p ← ", README, flags=re.M)
    assert rows == list(OPTIMIZERS)


def test_the_optimizer_table_of_halving_epochs_is_what_the_runs_give():
    starts = {"sigmoid, badly wrong": "badly_wrong", "softmax, confidently wrong": "confidently_wrong"}
    for start, preset in starts.items():
        base = PRESETS[preset].scenario
        for loss in base.losses:
            name = loss_words(base.neuron, loss).name.lower()
            row = re.search(rf"^\| {start} \| {name} \| (\d+) \| (\d+) \| (\d+) \|$", README, flags=re.M)
            assert row, (start, name)
            for optimizer, shown in zip(OPTIMIZERS, row.groups()):
                scenario = replace(base, optimizer=optimizer)
                halved = next(s.halved_at for s in summarize(runs(scenario), scenario) if s.loss == loss)
                assert int(shown) == halved, (start, name, optimizer)
