"""What a real browser receives for one slider move: Debian's Chromium opens the page on a fresh
`streamlit run` (tools/server.py, tests/browser/live.py, as the browser tests do), then moves the
learning-rate slider one step up at a time with the keyboard (each move a new value), as a student
does, and counts the bytes of the websocket frames the server sends from each key press until the
page is idle again.

    python3 -m tools.wire [--moves 8] [--back-and-forth] [--app PATH] [--query QUERY]

`--app /path/to/other/checkout/app.py` measures another version the same way (its own folder's
.streamlit/config.toml applies), so two versions can be compared in the same hour. Prints each
move's kilobytes and the median, twice: the messages' payloads as Chromium hands them to the page
(binary frames arrive base64-encoded; the decoded bytes are counted), and the bytes that crossed
the socket, counted by a relay between Chromium and the server (`Relay`): less than the payloads
where the websocket compresses its messages (`server.enableWebsocketCompression`).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.browser import live
from tools.server import APP, streamlit_server

SLIDER = "Learning rate η"


class Relay:
    """A TCP relay on a free loopback port in front of the server at `url`, counting the bytes the
    server sends through it (`received`): what a browser connected to `url` instead receives."""

    def __init__(self, url: str) -> None:
        target = urlsplit(url)
        self.target = (target.hostname, target.port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.received = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            server = socket.create_connection(self.target)
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, counted: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if counted:
                    with self.lock:
                        self.received += len(chunk)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()


def frame_bytes(payload: str, opcode: int) -> int:
    """A websocket frame's size: binary frames (opcode 2) arrive base64-encoded."""
    return len(payload) * 3 // 4 - payload.count("=") if opcode == 2 else len(payload.encode())


def moves(url: str, count: int, query: str, back_and_forth: bool = False) -> list[tuple[int, int]]:
    """(payload bytes, socket bytes) received for each of `count` one-step moves of the η slider:
    each one step up, or (`back_and_forth`) up and down again in turn, so that every move after the
    first two returns to a page the browser has seen."""
    received = [0]
    relay = Relay(url)
    with live.chromium() as browser:
        context = browser.new_context(base_url=relay.url, viewport=live.VIEWPORT)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")

        def on_frame(event: dict) -> None:
            response = event["response"]
            received[0] += frame_bytes(response["payloadData"], response["opcode"])

        cdp.on("Network.webSocketFrameReceived", on_frame)
        live.open_app(page, query)
        page.wait_for_function(live.ALL_CHARTS_DRAWN_JS, timeout=live.APP_TIMEOUT_MS)
        slider = page.get_by_test_id("stSidebar").get_by_role("slider", name=SLIDER)
        sizes = []
        for index in range(count):
            slider.focus()
            received[0], before = 0, relay.received
            page.keyboard.press("ArrowLeft" if back_and_forth and index % 2 else "ArrowRight")
            time.sleep(0.3)  # the rerun starts after the key's debounce
            live.wait_for_idle(page)
            page.wait_for_function(live.ALL_CHARTS_DRAWN_JS, timeout=live.APP_TIMEOUT_MS)
            sizes.append((received[0], relay.received - before))
        context.close()
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tools.wire", description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=8)
    parser.add_argument("--app", type=Path, default=APP, help="the app to serve (default: this checkout's)")
    parser.add_argument("--query", default="", help='query string without "?", e.g. "neuron=softmax"')
    parser.add_argument(
        "--back-and-forth",
        action="store_true",
        help="move up and down in turn (default: always up, to new values)",
    )
    args = parser.parse_args(argv)
    problem = live.environment_problem()
    if problem:
        print(f"wire: {problem}", file=sys.stderr)
        return 2
    with streamlit_server(args.app) as (url, _pid):
        sizes = moves(url, args.moves, args.query, args.back_and_forth)
    for index, what in enumerate(("messages", "socket")):
        each = [size[index] for size in sizes]
        print(f"{args.app}, {what}: " + ", ".join(f"{size / 1000:.1f}" for size in each) + " kB per move")
        print(f"median {statistics.median(each) / 1000:.1f} kB per move over {len(each)} moves ({what})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
