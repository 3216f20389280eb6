"""The package's layers, as each folder's __init__ docstring states them, held by reading every
module's imports: language ← engine ← teaching, charts ← controls ← page ← app.py, and the poll store
on its own: polls ← page. Every module outside `lossdemo/page/` imports in a Python where
Streamlit cannot be imported at all, and the page imports the poll store (with SQLAlchemy) and segno
only inside the functions of an open poll."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lossdemo"

# What each layer may import from lossdemo, and which third-party packages it may not import.
ALLOWED = {
    "language": {"language"},
    "engine": {"language", "engine"},
    "teaching": {"language", "engine", "teaching"},
    "charts": {"language", "engine", "charts"},
    "controls": {"language", "engine", "teaching", "controls"},
    "polls": {"polls"},
    "page": {"language", "engine", "teaching", "charts", "controls", "polls", "page"},
}
FORBIDDEN = {
    "language": {"altair", "numpy", "pandas", "streamlit", "tools"},
    "engine": {"altair", "streamlit", "tools"},
    "teaching": {"altair", "streamlit", "tools"},
    "charts": {"streamlit", "tools"},
    "controls": {"altair", "streamlit", "tools"},
    "polls": {"altair", "numpy", "pandas", "streamlit", "tools"},
    "page": {"tools"},
}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def imported(path: Path) -> set[str]:
    """Every module name the file imports, at any depth (inside functions too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_every_module_lives_in_a_layer():
    assert {p.parent.name for p in modules()} == set(ALLOWED)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_its_own_layer_and_those_below(path):
    layer = path.parent.name
    names = imported(path)
    reached = {name.split(".")[1] for name in names if name.startswith("lossdemo.") and name.count(".") >= 1}
    reached &= set(ALLOWED)
    assert reached <= ALLOWED[layer], f"{path.name} ({layer}) imports {sorted(reached - ALLOWED[layer])}"
    third_party = {name.split(".")[0] for name in names}
    assert not third_party & FORBIDDEN[layer], (
        f"{path.name} ({layer}) imports {third_party & FORBIDDEN[layer]}"
    )


def test_the_package_root_imports_the_engine_only():
    names = imported(PACKAGE / "__init__.py")
    assert {name.split(".")[1] for name in names if name.startswith("lossdemo.")} <= {"engine"}


def test_app_and_package_never_import_the_developer_tools():
    for path in [ROOT / "app.py", *PACKAGE.rglob("*.py")]:
        assert not {name.split(".")[0] for name in imported(path)} & {"tools", "tests"}, path


def import_without_streamlit(names: list[str]) -> subprocess.CompletedProcess:
    """Import `names` in a fresh Python in which importing Streamlit raises."""
    probe = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'streamlit' or name.startswith('streamlit.'):\n"
        "            raise ImportError('streamlit is blocked in this test')\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for name in {names!r}:\n"
        "    __import__(name)\n"
    )
    return subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)


LAZY = ("lossdemo.polls", "sqlalchemy", "segno")  # a page without a class poll never imports them


def top_level_imports(path: Path) -> set[str]:
    """The module names a file imports when it is imported (not inside its functions)."""
    names = set()
    for node in ast.parse(path.read_text(), str(path)).body:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "path", [ROOT / "app.py", *sorted((PACKAGE / "page").glob("*.py"))], ids=lambda p: p.name
)
def test_the_page_imports_the_poll_store_and_the_qr_code_only_when_a_poll_needs_them(path):
    eager = {name for name in top_level_imports(path) if name.startswith(LAZY)}
    assert not eager, (
        f"{path.name} imports {sorted(eager)} with the page: import them inside the poll's functions"
    )


def test_every_module_outside_the_page_layer_imports_without_streamlit():
    names = ["lossdemo"] + [
        ".".join(p.relative_to(ROOT).with_suffix("").parts) for p in modules() if p.parent.name != "page"
    ]
    result = import_without_streamlit(names)
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_probe_above_would_catch_a_streamlit_import():
    result = import_without_streamlit(["lossdemo.page.cache"])
    assert result.returncode != 0 and "streamlit is blocked" in result.stderr
