"""Run `streamlit run app.py` on a free loopback port for as long as a `with` block lasts.

Shared by the load test (`python -m tools.loadtest`), the browser tests (tests/browser/conftest.py)
and the screenshot tool (`python -m tools.screenshots`):

    with streamlit_server() as (url, pid):  # url: "http://127.0.0.1:<port>"
        ...
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, NamedTuple

REPO_ROOT = Path(__file__).resolve().parent.parent
APP = REPO_ROOT / "app.py"
START_TIMEOUT_S = 60.0
PORT_ATTEMPTS = 3  # another process may take the free port between our probe and the server's bind
OUTPUT_TAIL_CHARS = 6000
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


class Server(NamedTuple):
    url: str  # "http://127.0.0.1:<port>"
    pid: int


class _PortTaken(RuntimeError):
    pass


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(port: int, app: Path = APP) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip


def _health(url: str) -> str | None:
    """What `url`/_stcore/health answers with status 200 (Streamlit says "ok"), or None.

    A direct connection: proxy settings in the environment never apply."""
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"expected an http:// URL, got {url!r}")
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=2)
    try:
        conn.request("GET", parts.path.rstrip("/") + "/_stcore/health")
        response = conn.getresponse()
        body = response.read().decode(errors="replace").strip()
        return body if response.status == 200 else None
    except OSError:
        return None
    finally:
        conn.close()


def wait_healthy(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Poll `url`/_stcore/health until it answers "ok"; raise RuntimeError if `process` exits first
    or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while _health(url) != "ok":
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before it was healthy")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer 'ok' on /_stcore/health within {timeout:g} s")
        time.sleep(0.1)


def _stop(process: subprocess.Popen) -> None:
    """Terminate, and kill if it is still running 10 s later."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def streamlit_server(
    app: Path = APP, timeout: float = START_TIMEOUT_S, env: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """Run `streamlit run app` on a free loopback port; yield its (url, pid) once /_stcore/health
    answers "ok"; stop it on exit.

    The server runs in the app's folder, so it reads that folder's .streamlit/config.toml, with the
    proxy variables removed from the environment, the repository first on PYTHONPATH (so that a
    page outside the repository's root, such as tools/plain_page.py, imports lossdemo as app.py
    does) and `env` (e.g. {"MALLOC_ARENA_MAX": "2"}) added.
    Raises RuntimeError with the tail of the server's output if it exits or is not healthy within
    `timeout` seconds (retrying on another port if its port was taken in the meantime)."""
    app = Path(app).resolve()
    environment = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    path = os.pathsep.join(filter(None, (str(REPO_ROOT), environment.get("PYTHONPATH"))))
    environment |= {"PYTHONUNBUFFERED": "1", "PYTHONPATH": path, **(env or {})}
    with tempfile.TemporaryFile(mode="w+", prefix="streamlit-", suffix=".log") as log:
        for attempt in range(1, PORT_ATTEMPTS + 1):
            try:
                process, url = _start(app, timeout, environment, log)
                break
            except _PortTaken:
                if attempt == PORT_ATTEMPTS:
                    raise
        try:
            yield Server(url, process.pid)
        finally:
            _stop(process)


def _start(app: Path, timeout: float, env: dict[str, str], log: IO[str]) -> tuple[subprocess.Popen, str]:
    """One attempt: the healthy server and its URL; the server is stopped if the attempt fails."""
    log.seek(0)
    log.truncate()
    port = free_port()
    command = streamlit_command(port, app)
    process = subprocess.Popen(
        command, cwd=app.parent, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
    )
    url = f"http://127.0.0.1:{port}"
    healthy = False
    try:
        wait_healthy(url, timeout, process)
        healthy = True
    except RuntimeError as error:
        log.flush()
        log.seek(0)
        output = log.read()[-OUTPUT_TAIL_CHARS:] or "(no output)"
        taken = any(f"Port {port} is {why}" in output for why in ("not available", "already in"))
        raise (_PortTaken if taken else RuntimeError)(
            f"`streamlit run {app.name}`: {error}.\nCommand: {' '.join(command)}\nOutput:\n{output}"
        ) from None
    finally:
        if not healthy:
            _stop(process)
    return process, url
