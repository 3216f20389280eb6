"""`lossdemo` is usable without Streamlit: every module but the page benchmark imports with
Streamlit blocked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STREAMLIT_MODULES = {"pagebench", "loadtest"}  # they measure the page, so they need Streamlit


def test_the_package_imports_without_streamlit():
    modules = sorted(
        f"lossdemo.{path.stem}"
        for path in (ROOT / "lossdemo").glob("*.py")
        if path.stem not in STREAMLIT_MODULES | {"__init__", "__main__"}
    )
    code = "import sys; sys.modules['streamlit'] = None\n" + "\n".join(f"import {m}" for m in modules)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
