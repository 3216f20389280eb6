"""The README's promises that code can check: every URL parameter documented with its accepted
values, the two set-up commands, and the screenshots it shows exist."""

from __future__ import annotations

import re
from pathlib import Path

from lossdemo.controls.url import PARAMS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


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
    assert "python3 -m pip install -r requirements.txt && python3 -m streamlit run app.py" in README
    test_command = "python3 -m pip install -r requirements-dev.txt && python3 -m pytest"
    assert test_command in README
    assert "python3 -m pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_images_the_readme_shows_exist():
    for path in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / path).is_file(), path
