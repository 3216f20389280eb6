"""Whether the machine has a font for Chinese, decided from fontconfig (`fc-list`, what Chromium finds
fonts with on Linux) before the Chinese page is opened: outside CI the glyph test is skipped with the
package to install, with CI=true it fails. A fake `fc-list` on PATH stands for the machine's fonts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.browser.live import cjk_font_problem

ROOT = Path(__file__).resolve().parents[1]
GLYPH_TEST = "tests/browser/test_language.py::test_the_chinese_page_draws_chinese_glyphs"
INSTALL = "sudo apt-get install fonts-noto-cjk"

# fontconfig on a machine with a Latin font only: any query but one for Chinese lists it.
LATIN_ONLY = """#!/bin/sh
case "$*" in *:lang=zh*) ;; *) echo "DejaVu Sans" ;; esac
"""
# fontconfig on a machine with Debian's fonts-noto-cjk.
WITH_CJK = """#!/bin/sh
echo "Noto Sans CJK SC"
"""


def path_with_fc_list(tmp_path: Path, script: str) -> str:
    """PATH with a directory holding `script` as fc-list in front."""
    fc_list = tmp_path / "fc-list"
    fc_list.write_text(script, encoding="utf-8")
    fc_list.chmod(0o755)
    return f"{tmp_path}{os.pathsep}{os.environ['PATH']}"


def test_no_font_for_chinese_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", path_with_fc_list(tmp_path, LATIN_ONLY))
    assert INSTALL in cjk_font_problem()


def test_a_font_for_chinese_is_no_problem(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", path_with_fc_list(tmp_path, WITH_CJK))
    assert cjk_font_problem() is None


def test_without_fc_list_the_reason_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a directory with no fc-list in it
    problem = cjk_font_problem()
    assert "fc-list" in problem
    assert "sudo apt-get install fontconfig fonts-noto-cjk" in problem


def run_glyph_test(tmp_path: Path, ci: str) -> subprocess.CompletedProcess:
    """The glyph test in a pytest of its own on a machine whose fonts are Latin only (it must decide
    before the page opens, so no browser starts)."""
    env = dict(os.environ, CI=ci, PATH=path_with_fc_list(tmp_path, LATIN_ONLY))
    env.pop("PYTEST_ADDOPTS", None)  # CI's report options would make this run overwrite its report
    command = [sys.executable, "-m", "pytest", GLYPH_TEST, "-q", "-rs", "-n", "0", "-p", "no:cacheprovider"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_outside_ci_the_glyph_test_is_skipped_with_the_package_named(tmp_path):
    run = run_glyph_test(tmp_path, ci="")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout, run.stdout
    assert INSTALL in run.stdout, run.stdout


def test_in_ci_the_glyph_test_fails_naming_the_package(tmp_path):
    run = run_glyph_test(tmp_path, ci="true")
    assert run.returncode == 1, run.stdout + run.stderr  # 1: a test failed (or errored in its set-up)
    assert INSTALL in run.stdout, run.stdout
