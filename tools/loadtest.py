"""Load test for a lecture hall: many students on the same dashboard at once.

    python -m tools.loadtest [--url URL | --app APP] [--sessions 100] [--duration 60]
                                [--mode think|burst|replay] [--seed N] [--pid PID ...]

Without --url it starts its own `streamlit run app.py` on a free loopback port and samples it.
Each simulated student is a protocol client, not a browser: it speaks Streamlit's own websocket
protocol the way the frontend does, so a hundred of them fit on two cores beside the server.

How a session works (the same steps as the browser frontend):
  1. GET / (the page) and /_stcore/health (which sets the `_streamlit_xsrf` cookie), keeping
     cookies like a browser.
  2. Open ws://…/_stcore/stream with the subprotocols ["streamlit", <xsrf token>], the cookies and
     an Origin header.
  3. Send a BackMsg `rerun_script` whose ClientState carries the shared link's query string, the
     page script hash ("" on first load), the widget states (none on first load) and the hashes
     of the big messages it holds (the browser's ForwardMsg cache).
  4. Read ForwardMsgs: new_session, deltas, page_info_changed, … until script_finished. Every
     widget delta carries its id ("$$ID-<hash>-<key>"), so the client learns key → id and each
     widget's current value, exactly the values a browser would hold. An auto_rerun message (a
     fragment's run_every timer) makes it send fragment reruns on that timer, like the browser.
  5. Act, and time each action until script_finished:
     think  — every 5–15 s (seeded) change one control: all widget states, one of them changed;
     burst  — every student sets η at the same instant ("now set η to 1"), every 15 s;
     replay — every student clicks Play at the same instant and watches the replay.

Errors: Exception elements in the deltas, websocket or HTTP failures, script_finished with a status
other than FINISHED_SUCCESSFULLY (a run cut short by st.rerun is followed by another and is not an
error), and timeouts. The exit code is 1 if there was any error.

The server's resident memory (VmRSS from /proc/<pid>/status) and CPU time (/proc/<pid>/stat) are
sampled every 0.2 s, children included. Only loopback targets are accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import ipaddress
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

REPO_ROOT = Path(__file__).resolve().parent.parent
APP = REPO_ROOT / "app.py"

# Shared links a teacher might hand out; session i opens links[i % len(links)] (--link overrides).
SCENARIOS = (
    "neuron=sigmoid&w=2&b=2&eta=0.15",
    "neuron=sigmoid&w=0.6&b=0.9",
    "neuron=sigmoid&w=-2&b=-2&y=1",
    "neuron=sigmoid&eta=0.005&epochs=1000",
    "neuron=softmax&classes=4&margin=3",
    "neuron=sigmoid&w=2&b=2&log=true",
)
# Controls a student may touch in think mode (those the current page shows are used).
THINK_CONTROLS = ("eta", "epochs", "w", "b", "x", "y", "margin", "log")
# What the teacher announces in burst mode, one per burst, in turn.
BURST_CHANGES = (("eta", "1.0"), ("eta", "0.1"), ("eta", "2.0"), ("eta", "0.5"))
# Replay mode: every student clicks this button at once and watches the replay it starts.
REPLAY_BUTTON = "play"

SUCCESS = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
FRAGMENT_SUCCESS = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
STATUS_NAMES = {value: name for name, value in ForwardMsg.ScriptFinishedStatus.items()}

TARGET_SESSIONS = 100
TARGET_REPLAY_SESSIONS = 30  # presenters replaying at once
TARGET_FRAME_P95_S = 0.25
TARGET_THINK_P95_S = 1.0
TARGET_BURST_MAX_S = 10.0
TARGET_PEAK_RSS_MB = 600.0


class SessionFailed(Exception):
    """The session cannot go on (websocket closed, timeout); the reason is already recorded."""


# --------------------------------------------------------------------------------------------
# Widgets as the frontend holds them


@dataclass
class Widget:
    key: str
    id: str
    kind: str  # "slider", "select_slider", "button_group", "selectbox", "checkbox", or other
    proto: object


def user_key(widget_id: str) -> str | None:
    """The user key embedded in a widget id: "$$ID-<hash>-<key>" → "<key>"."""
    if not widget_id.startswith("$$ID-"):
        return None
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else None


def _kind(element_type: str, proto) -> str:
    if element_type == "slider" and proto.type == proto.SELECT_SLIDER:
        return "select_slider"
    return element_type


def initial_state(widget: Widget) -> WidgetState | None:
    """The value the frontend reports for a freshly drawn widget (None: it reports nothing)."""
    p = widget.proto
    state = WidgetState(id=widget.id)
    if widget.kind == "select_slider":
        if p.set_value and p.raw_value:
            values = list(p.raw_value)
        else:
            values = [p.options[int(i)] for i in (p.value if p.set_value else p.default)]
        state.string_array_value.data.extend(values)
    elif widget.kind == "slider":
        state.double_array_value.data.extend(p.value if p.set_value else p.default)
    elif widget.kind == "button_group":
        values = list(p.raw_values) if p.set_value else [p.options[i].content for i in p.default]
        state.string_array_value.data.extend(values)
    elif widget.kind == "selectbox":
        if p.set_value and p.HasField("raw_value"):
            state.string_value = p.raw_value
        elif not p.set_value and p.HasField("default"):
            state.string_value = p.options[p.default]
        else:
            return None
    elif widget.kind == "checkbox":
        state.bool_value = p.value if p.set_value else p.default
    else:
        return None
    return state


def _slider_grid(p) -> list[float]:
    steps = round((p.max - p.min) / p.step)
    return [round(p.min + k * p.step, 10) for k in range(steps + 1)]


def _option_matching(options: Sequence[str], wanted: str) -> str:
    if wanted in options:
        return wanted
    with contextlib.suppress(ValueError):
        number = float(wanted)
        for option in options:
            with contextlib.suppress(ValueError):
                if math.isclose(float(option.replace(",", "")), number):
                    return option
    raise ValueError(f"{wanted!r} is not one of the options {list(options)}")


def changed_state(
    widget: Widget, current: WidgetState | None, rng: random.Random, wanted: str | None = None
) -> tuple[WidgetState, str]:
    """A new value for `widget`: `wanted` if given, else a random one that differs from `current`.

    Returns the state to send and the value as a URL parameter would spell it."""
    p = widget.proto
    state = WidgetState(id=widget.id)
    if widget.kind == "select_slider":
        options = list(p.options)
        now = list(current.string_array_value.data) if current is not None else []
        if wanted is not None:
            value = _option_matching(options, wanted)
        else:
            value = rng.choice([o for o in options if [o] != now] or options)
        state.string_array_value.data.append(value)
        return state, value
    if widget.kind == "slider":
        grid = _slider_grid(p)
        now = list(current.double_array_value.data) if current is not None else []
        if wanted is not None:
            value = min(grid, key=lambda g: abs(g - float(wanted)))
        else:
            value = rng.choice([g for g in grid if [g] != now] or grid)
        state.double_array_value.data.append(value)
        return state, f"{value:g}"
    if widget.kind == "checkbox":
        now = current.bool_value if current is not None else p.default
        value = (wanted.lower() == "true") if wanted is not None else not now
        state.bool_value = value
        return state, str(value).lower()
    raise ValueError(f"the load test cannot change a {widget.kind} widget ({widget.key})")


def _is_default(widget: Widget, state: WidgetState) -> bool:
    p = widget.proto
    fresh = Widget(widget.key, widget.id, widget.kind, p)
    if hasattr(p, "set_value"):
        copy = type(p)()
        copy.CopyFrom(p)
        copy.set_value = False
        fresh.proto = copy
    default = initial_state(fresh)
    return default is not None and default.SerializeToString() == state.SerializeToString()


# --------------------------------------------------------------------------------------------
# One simulated student


@dataclass
class SessionResult:
    index: int
    scenario: str
    loaded: bool = False
    completed: bool = False
    load_s: float | None = None
    changes_sent: int = 0
    changes_finished: int = 0
    latencies: list[float] = field(default_factory=list)
    changes: list[tuple[str, str, float]] = field(default_factory=list)  # (key, value, seconds)
    reruns: int = 0  # page updates the server finished: the first load and every change
    early_for_rerun: int = 0  # runs that ended early because another run followed (st.rerun)
    frames_requested: int = 0  # fragment auto-reruns sent (a run_every timer, e.g. replay)
    frames_finished: int = 0
    frame_latencies: list[float] = field(default_factory=list)  # frame request → fragment run finished
    watch_s: float = 0.0  # replay mode: seconds spent watching the replay
    frame_interval: float = 0.0  # the fragment timer's interval the server asked for
    bytes_received: int = 0
    errors: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str = "") -> None:
        self.errors[kind] += 1
        if detail and len(self.error_samples) < 3:
            self.error_samples.append(f"{kind}: {detail}")


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    path: str  # base path, "" or "/something"

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"expected an http:// URL, got {url!r}")
        if not _is_loopback(parts.hostname):
            raise ValueError(f"only loopback targets are allowed, got {parts.hostname!r}")
        return cls(parts.hostname, parts.port or 80, parts.path.rstrip("/"))

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def source_address(index: int, spread: int) -> str | None:
    """A loopback source address for session `index`, or None to let the kernel choose.

    nginx's `ip_hash` keys on the first three octets of an IPv4 client address, so sessions are
    spread over 127.0.<k>.1 to look like students on different networks."""
    if spread <= 1:
        return None
    return f"127.0.{1 + index % min(spread, 254)}.1"


def _cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}


def _http_get(
    endpoint: Endpoint, path: str, source: str | None, timeout: float, cookies: dict[str, str]
) -> int:
    """The status of one GET on a fresh connection; cookies are sent, and updated from the reply."""
    conn = http.client.HTTPConnection(
        endpoint.host, endpoint.port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        headers = {"Accept-Encoding": "gzip", **_cookie_header(cookies)}
        conn.request("GET", endpoint.path + path, headers=headers)
        response = conn.getresponse()
        response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and "=" in value:
                name, _, rest = value.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status
    finally:
        conn.close()


class Session:
    """One student's browser tab, reduced to the websocket protocol."""

    def __init__(
        self,
        endpoint: Endpoint,
        result: SessionResult,
        rng: random.Random,
        timeout: float,
        source: str | None,
    ) -> None:
        self.endpoint = endpoint
        self.result = result
        self.rng = rng
        self.timeout = timeout
        self.source = source
        self.ws: ClientConnection | None = None
        self.query_string = result.scenario
        self.page_script_hash = ""
        self.widgets: dict[str, Widget] = {}  # user key → widget, from the latest run
        self.states: dict[str, WidgetState] = {}  # widget id → value the "browser" holds
        self._seen_ids: set[str] = set()
        self._finished: asyncio.Future[int] | None = None
        self._reader: asyncio.Task | None = None
        # The browser's ForwardMsg cache: hash → [message, run count when last used, fragment id].
        # Big elements the browser already holds come back as a reference to their hash.
        self._cache: dict[str, list] = {}
        self._runs = 0
        self._max_cache_age = 2  # runs; the server says how many in new_session
        self._closing = False
        self.lost: tuple[str, str] | None = None
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}  # fragment id → (interval, task)
        self._frames_sent: deque[float] = deque()  # when each unanswered frame request was sent

    async def open(self) -> None:
        cookies: dict[str, str] = {}  # the browser's cookie jar for this site
        for path in ("/", "/_stcore/health"):
            try:
                status = await asyncio.to_thread(
                    _http_get, self.endpoint, path, self.source, self.timeout, cookies
                )
            except OSError as error:
                self.result.error("http", f"GET {path}: {error!r}")
                raise SessionFailed from error
            if status != 200:
                self.result.error("http", f"GET {path}: status {status}")
                raise SessionFailed
        xsrf = cookies.get("_streamlit_xsrf")
        ws_url = f"ws://{self.endpoint.host}:{self.endpoint.port}{self.endpoint.path}/_stcore/stream"
        headers = _cookie_header(cookies)
        try:
            self.ws = await connect(
                ws_url,
                subprotocols=["streamlit", xsrf or "PLACEHOLDER_AUTH_TOKEN"],
                origin=self.endpoint.origin,
                additional_headers=headers,
                proxy=None,
                max_size=None,
                open_timeout=self.timeout,
                ping_interval=None,  # browsers never ping; they only answer the server's pings
                local_addr=(self.source, 0) if self.source else None,
            )
        except (TimeoutError, OSError, WebSocketException) as error:
            self.result.error("websocket", f"connect: {error!r}")
            raise SessionFailed from error
        if self.ws.subprotocol != "streamlit":
            self.result.error("websocket", f"subprotocol {self.ws.subprotocol!r}")
            raise SessionFailed
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        self._closing = True
        self._stop_timers(list(self._timers))
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for data in self.ws:
                self.result.bytes_received += len(data)
                self._handle(ForwardMsg.FromString(data))
        except WebSocketException as error:
            self._fail("websocket", f"receive: {error!r}")
            return
        except Exception as error:  # a bug here must not hang the session
            self._fail("client", repr(error))
            return
        self._fail("websocket", f"closed by server (code {self.ws.close_code})")

    def _fail(self, kind: str, detail: str) -> None:
        if self._closing:
            return
        if self._finished is not None and not self._finished.done():
            self.result.error(kind, detail)
            self._finished.set_exception(SessionFailed(detail))
        else:
            self.lost = (kind, detail)  # reported when the student next acts

    def check_alive(self) -> None:
        """Record and raise if the connection was lost while the student was thinking."""
        if self.lost is not None:
            self.result.error(*self.lost)
            self.lost = None
            raise SessionFailed
        if self.ws is None or self._reader is None or self._reader.done():
            self.result.error("websocket", "not connected")
            raise SessionFailed

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                self.result.error("protocol", f"unknown cached message {msg.ref_hash}")
                return
            cached[1] = self._runs
            original = ForwardMsg.FromString(cached[0])
            original.metadata.CopyFrom(msg.metadata)
            msg, kind = original, original.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = [msg.SerializeToString(), self._runs, msg.delta.fragment_id]
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
            if msg.new_session.config.max_cached_message_age > 0:
                self._max_cache_age = msg.new_session.config.max_cached_message_age
            if not msg.metadata.run.fragment_ids:
                # A full run starts: the browser drops its auto-rerun timers and redraws everything.
                self._stop_timers(list(self._timers))
                self._frames_sent.clear()
                self._seen_ids = set()
        elif kind == "auto_rerun":
            self.result.frame_interval = msg.auto_rerun.interval
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._stop_timers(list(msg.stop_auto_rerun.fragment_ids))
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element)
        elif kind == "script_finished":
            self._script_finished(msg.script_finished, list(msg.metadata.run.fragment_ids))

    def _element(self, element) -> None:
        element_type = element.WhichOneof("type")
        if element_type == "exception":
            message = element.exception.message.splitlines()[0] if element.exception.message else ""
            self.result.error("exception", f"{element.exception.type}: {message}")
            return
        proto = getattr(element, element_type)
        widget_id = getattr(proto, "id", "") if hasattr(proto, "id") else ""
        if not isinstance(widget_id, str) or not widget_id:
            return
        self._seen_ids.add(widget_id)
        key = user_key(widget_id)
        widget = Widget(key or widget_id, widget_id, _kind(element_type, proto), proto)
        if key is not None:
            self.widgets[key] = widget
        if getattr(proto, "set_value", False) or widget_id not in self.states:
            state = initial_state(widget)
            if state is None:
                self.states.pop(widget_id, None)
            else:
                self.states[widget_id] = state

    def _script_finished(self, status: int, fragment_ids: list[str]) -> None:
        if status in (SUCCESS, FRAGMENT_SUCCESS):
            self._age_cache(fragment_ids)
        if fragment_ids or status == FRAGMENT_SUCCESS:
            self.result.frames_finished += 1
            if self._frames_sent:
                self.result.frame_latencies.append(time.perf_counter() - self._frames_sent.popleft())
            return
        if status == EARLY_FOR_RERUN:
            # The script asked for another run (st.rerun): the change is done when that one is.
            self.result.early_for_rerun += 1
            return
        if status == SUCCESS:
            # A full run ended: the browser forgets widgets that were not drawn this time.
            for widget_id in set(self.states) - self._seen_ids:
                del self.states[widget_id]
            self.widgets = {k: w for k, w in self.widgets.items() if w.id in self._seen_ids}
        if self._finished is not None and not self._finished.done():
            self._finished.set_result(status)

    def _age_cache(self, fragment_ids: list[str]) -> None:
        """After a run, forget cached messages unused for more than the allowed number of runs
        (after a fragment run, only that fragment's messages), as the browser does."""
        self._runs += 1
        for key, (_, used, fragment_id) in list(self._cache.items()):
            if fragment_ids and fragment_id not in fragment_ids:
                continue
            if self._runs - used > self._max_cache_age:
                del self._cache[key]

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        """Like the browser: rerun the fragment every `interval` s, whether or not the last one ended."""
        if not fragment_id or interval <= 0:
            return
        if fragment_id in self._timers and self._timers[fragment_id][0] == interval:
            return
        self._stop_timers([fragment_id])
        self._timers[fragment_id] = (interval, asyncio.create_task(self._tick(fragment_id, interval)))

    def _stop_timers(self, fragment_ids: Sequence[str]) -> None:
        for fragment_id in fragment_ids:
            timer = self._timers.pop(fragment_id, None)
            if timer is not None:
                timer[1].cancel()

    async def _tick(self, fragment_id: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            if self.ws is None or self._closing:
                return
            try:
                await self.ws.send(self._rerun_message(fragment_id).SerializeToString())
            except WebSocketException:
                return  # the reader reports the lost connection
            self.result.frames_requested += 1
            self._frames_sent.append(time.perf_counter())

    def _rerun_message(self, fragment_id: str = "", extra: Sequence[WidgetState] = ()) -> BackMsg:
        back = BackMsg()
        client_state = back.rerun_script
        client_state.query_string = self.query_string
        client_state.page_script_hash = self.page_script_hash
        client_state.widget_states.widgets.extend(self.states.values())
        client_state.widget_states.widgets.extend(extra)
        client_state.cached_message_hashes.extend(self._cache)
        if fragment_id:
            client_state.fragment_id = fragment_id
            client_state.is_auto_rerun = True
        info = client_state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url = f"{self.endpoint.origin}{self.endpoint.path}/?{self.query_string}"
        info.is_embedded, info.color_scheme = False, "light"
        return back

    async def rerun(self, extra: Sequence[WidgetState] = ()) -> float:
        """Send the current widget states (and `extra`, e.g. a button's trigger); return the
        seconds until the full run finished."""
        self.check_alive()
        assert self.ws is not None
        back = self._rerun_message(extra=extra)
        loop = asyncio.get_running_loop()
        self._finished = loop.create_future()
        started = time.perf_counter()
        try:
            await self.ws.send(back.SerializeToString())
        except WebSocketException as error:
            self._finished = None
            self.result.error("websocket", f"send: {error!r}")
            raise SessionFailed from error
        try:
            status = await asyncio.wait_for(self._finished, self.timeout)
        except TimeoutError as error:
            self.result.error("timeout", f"no script_finished within {self.timeout:g} s")
            raise SessionFailed from error
        finally:
            self._finished = None
        elapsed = time.perf_counter() - started
        self.result.reruns += 1
        if status != SUCCESS:
            self.result.error("status", STATUS_NAMES.get(status, str(status)))
        return elapsed

    async def change(self, key: str | None = None, value: str | None = None) -> None:
        """Change one control (a random one if `key` is None) and time the rerun."""
        if key is None:
            keys = [k for k in THINK_CONTROLS if k in self.widgets]
            if not keys:
                self.result.error("client", "no control to change")
                raise SessionFailed
            key = self.rng.choice(keys)
        widget = self.widgets.get(key)
        if widget is None:
            self.result.error("client", f"no widget with key {key!r} on the page")
            raise SessionFailed
        state, url_value = changed_state(widget, self.states.get(widget.id), self.rng, value)
        self.states[widget.id] = state
        self._update_url(widget, state, url_value)
        self.result.changes_sent += 1
        elapsed = await self.rerun()
        self.result.changes_finished += 1
        self.result.latencies.append(elapsed)
        self.result.changes.append((key, url_value, elapsed))

    async def press(self, key: str) -> float:
        """Click the button with this key (a one-shot trigger, as the browser sends it)."""
        widget = self.widgets.get(key)
        if widget is None or widget.kind != "button":
            self.result.error("client", f"no button with key {key!r} on the page")
            raise SessionFailed
        return await self.rerun([WidgetState(id=widget.id, trigger_value=True)])

    def _update_url(self, widget: Widget, state: WidgetState, url_value: str) -> None:
        """A bound widget writes its value into the URL (a default value leaves it)."""
        param = getattr(widget.proto, "query_param_key", "")
        if not param:
            return
        pairs = [(k, v) for k, v in urllib.parse.parse_qsl(self.query_string, keep_blank_values=True)]
        pairs = [(k, v) for k, v in pairs if k != param]
        if not _is_default(widget, state):
            pairs.append((param, url_value))
        self.query_string = urllib.parse.urlencode(pairs)


# --------------------------------------------------------------------------------------------
# Process sampling


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            todo.extend(int(child) for child in children)
    return found


def _rss_kb_and_ticks(pid: int) -> tuple[int, int]:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0, 0
    rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    fields = stat.rsplit(")", 1)[1].split()
    return rss, int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


@dataclass
class Usage:
    rss_mb: float
    ticks: int


def usage(pid: int) -> Usage:
    rss = ticks = 0
    for member in _descendants(pid):
        r, t = _rss_kb_and_ticks(member)
        rss, ticks = rss + r, ticks + t
    return Usage(rss / 1024, ticks)


class Sampler:
    """Samples RSS and CPU of some process trees every `interval` seconds in a thread."""

    def __init__(self, pids: Sequence[int], interval: float = 0.2) -> None:
        self.pids = list(pids)
        self.interval = interval
        self.hz = os.sysconf("SC_CLK_TCK")
        self.peak_rss_mb = dict.fromkeys(self.pids, 0.0)
        self.peak_total_rss_mb = 0.0
        self.peak_cpu = dict.fromkeys(self.pids, 0.0)  # percent of one core, per 1 s window
        self.cpu_seconds = dict.fromkeys(self.pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.started = self.stopped = 0.0

    def __enter__(self) -> Sampler:
        self.started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.stopped = time.monotonic()

    def _run(self) -> None:
        window: dict[int, list[tuple[float, int]]] = {pid: [] for pid in self.pids}
        previous: dict[int, int] = {}
        while True:
            now = time.monotonic()
            total = 0.0
            for pid in self.pids:
                u = usage(pid)
                total += u.rss_mb
                self.peak_rss_mb[pid] = max(self.peak_rss_mb[pid], u.rss_mb)
                if pid in previous:
                    self.cpu_seconds[pid] += max(0, u.ticks - previous[pid]) / self.hz
                previous[pid] = u.ticks
                samples = window[pid]
                samples.append((now, u.ticks))
                while samples and now - samples[0][0] > 1.0 + self.interval / 2:
                    samples.pop(0)
                if len(samples) >= 2 and now - samples[0][0] >= 0.9:
                    span = now - samples[0][0]
                    cpu = max(0, samples[-1][1] - samples[0][1]) / self.hz / span * 100
                    self.peak_cpu[pid] = max(self.peak_cpu[pid], cpu)
            self.peak_total_rss_mb = max(self.peak_total_rss_mb, total)
            if self._stop.wait(self.interval):
                return

    def mean_cpu(self, pid: int) -> float:
        span = (self.stopped or time.monotonic()) - self.started
        return self.cpu_seconds[pid] / span * 100 if span > 0 else 0.0


# --------------------------------------------------------------------------------------------
# A server of our own


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def streamlit_command(port: int, app: Path = APP) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip


def wait_healthy(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    endpoint = Endpoint.parse(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before it was healthy")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=2)
            try:
                conn.request("GET", endpoint.path + "/_stcore/health")
                response = conn.getresponse()
                if response.status == 200 and response.read().strip() == b"ok":
                    return
            finally:
                conn.close()
        time.sleep(0.2)
    raise RuntimeError(f"{url} was not healthy within {timeout:g} s")


@contextlib.contextmanager
def own_server(app: Path = APP, start_timeout: float = 60.0) -> Iterator[tuple[str, int]]:
    """Start `streamlit run app.py` on a free loopback port; yield (url, pid); stop it.

    The server runs in the app's folder, so it reads that folder's .streamlit/config.toml."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            env.pop(proxy, None)
        process = subprocess.Popen(
            streamlit_command(port, app), cwd=app.parent, stdout=log, stderr=subprocess.STDOUT, env=env
        )
        try:
            try:
                wait_healthy(url, start_timeout, process)
            except RuntimeError:
                log.seek(0)
                sys.stderr.write(log.read().decode(errors="replace")[-4000:])
                raise
            yield url, process.pid
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --------------------------------------------------------------------------------------------
# The run


@dataclass
class Options:
    sessions: int = 100
    duration: float = 60.0
    mode: str = "think"
    seed: int = 0
    think: tuple[float, float] = (5.0, 15.0)
    ramp: float = 10.0  # students open the link over this many seconds
    burst_interval: float = 15.0
    timeout: float = 30.0
    settle: float = 5.0
    spread_ips: int = 1
    links: tuple[str, ...] = SCENARIOS
    warm_up: bool = True  # load the page once before measuring, as the teacher did before class


@dataclass
class Report:
    options: Options
    results: list[SessionResult]
    bursts: list[list[float]]  # per burst: every session's latency
    rss_before_mb: dict[int, float]
    rss_after_mb: dict[int, float]
    sampler: Sampler | None
    wall_s: float
    warm_up_s: float | None = None
    client_cpu_s: float = 0.0  # this load generator's own CPU time: it shares the machine
    load_average: tuple[float, float] = (math.nan, math.nan)  # 1-minute, at the start and the end

    @property
    def errors(self) -> Counter:
        total: Counter = Counter()
        for r in self.results:
            total.update(r.errors)
        return total

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def completed(self) -> int:
        return sum(r.completed for r in self.results)

    @property
    def latencies(self) -> list[float]:
        return sorted(x for r in self.results for x in r.latencies)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted `values` (nan if empty)."""
    if not values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(values)))
    return values[rank - 1]


class BurstPlan:
    """The teacher's announcements: the first comes a second after every student has loaded the
    page (or failed), then one every `interval` seconds while `duration` lasts."""

    def __init__(self, sessions: int, interval: float, duration: float) -> None:
        self.waiting = sessions
        self.interval = interval
        self.duration = duration
        self.times: list[float] = []
        self.end = 0.0
        self.ready = asyncio.Event()

    def arrived(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            first = asyncio.get_running_loop().time() + 1.0
            self.end = first + self.duration
            self.times = [first]
            while self.times[-1] + self.interval < self.end:
                self.times.append(self.times[-1] + self.interval)
            self.ready.set()


async def _student(
    index: int, endpoint: Endpoint, options: Options, start: float, plan: BurstPlan | None
) -> SessionResult:
    rng = random.Random(f"{options.seed}-{index}")
    result = SessionResult(index, options.links[index % len(options.links)])
    session = Session(endpoint, result, rng, options.timeout, source_address(index, options.spread_ips))
    loop = asyncio.get_running_loop()
    waiting_for_plan = plan is not None
    try:
        await asyncio.sleep(max(0.0, start - loop.time()))
        await session.open()
        result.load_s = await session.rerun()
        result.loaded = True
        if plan is None:
            end = loop.time() + options.duration
            while True:
                at = loop.time() + rng.uniform(*options.think)
                if at >= end:
                    await asyncio.sleep(max(0.0, end - loop.time()))
                    break
                await asyncio.sleep(at - loop.time())
                await session.change()
        else:
            waiting_for_plan = False
            plan.arrived()
            await plan.ready.wait()
            if options.mode == "replay":
                # "Everybody press Play": one click each, then the page's frame timer drives it.
                await asyncio.sleep(max(0.0, plan.times[0] - loop.time()))
                result.changes_sent += 1
                elapsed = await session.press(REPLAY_BUTTON)
                result.changes_finished += 1
                result.latencies.append(elapsed)
                result.changes.append((REPLAY_BUTTON, "click", elapsed))
                watch_from = loop.time()
                await asyncio.sleep(options.duration)  # watching, while the frame timer runs
                result.watch_s = loop.time() - watch_from
            else:
                for number, at in enumerate(plan.times):
                    await asyncio.sleep(max(0.0, at - loop.time()))
                    key, value = BURST_CHANGES[number % len(BURST_CHANGES)]
                    await session.change(key, value)
                await asyncio.sleep(max(0.0, plan.end - loop.time()))
        session.check_alive()
        result.completed = True
    except SessionFailed:
        pass
    except ValueError as error:  # a change the page does not offer
        result.error("client", str(error))
    finally:
        if waiting_for_plan and plan is not None:
            plan.arrived()
        await session.close()
    return result


async def _drive(endpoint: Endpoint, options: Options) -> tuple[list[SessionResult], list[list[float]]]:
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.5
    rng = random.Random(options.seed)
    starts = sorted(t0 + rng.uniform(0, options.ramp) for _ in range(options.sessions))
    interval = math.inf if options.mode == "replay" else options.burst_interval
    plan = BurstPlan(options.sessions, interval, options.duration) if options.mode != "think" else None
    results = await asyncio.gather(
        *(_student(i, endpoint, options, starts[i], plan) for i in range(options.sessions))
    )
    per_burst: list[list[float]] = [[] for _ in (plan.times if plan else ())]
    for r in results:
        for number, latency in enumerate(r.latencies[: len(per_burst)]):
            per_burst[number].append(latency)
    return list(results), per_burst


def _load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return math.nan


async def _warm_up(endpoint: Endpoint, timeout: float) -> SessionResult:
    result = SessionResult(-1, SCENARIOS[0])
    session = Session(endpoint, result, random.Random(0), timeout, None)
    try:
        await session.open()
        result.load_s = await session.rerun()
    except SessionFailed:
        pass
    finally:
        await session.close()
    return result


def warm_up(url: str, timeout: float = 60.0) -> float:
    """Load the page once (imports, first cached runs), as the teacher did before class; seconds."""
    warm = asyncio.run(_warm_up(Endpoint.parse(url), timeout))
    if warm.errors or warm.load_s is None:
        raise RuntimeError(f"the warm-up page load failed: {'; '.join(warm.error_samples)}")
    return warm.load_s


def run(url: str, options: Options, pids: Sequence[int] = ()) -> Report:
    """Drive `options.sessions` students against `url`; sample `pids` (with their children)."""
    endpoint = Endpoint.parse(url)
    wait_healthy(url, 30)
    warm_up_s = None
    if options.warm_up:
        warm_up_s = warm_up(url, max(options.timeout, 60.0))
    before = {pid: usage(pid).rss_mb for pid in pids}
    load_before = _load_average()
    started, cpu_started = time.monotonic(), time.process_time()
    sampler = Sampler(pids) if pids else None
    with sampler or contextlib.nullcontext():
        results, bursts = asyncio.run(_drive(endpoint, options))
    wall, client_cpu = time.monotonic() - started, time.process_time() - cpu_started
    load_after = _load_average()
    time.sleep(options.settle)
    after = {pid: usage(pid).rss_mb for pid in pids}
    if sampler is not None:  # the peak covers the settling time too
        for pid in pids:
            sampler.peak_rss_mb[pid] = max(sampler.peak_rss_mb[pid], after[pid])
        sampler.peak_total_rss_mb = max(sampler.peak_total_rss_mb, sum(after.values()))
    return Report(
        options,
        results,
        bursts,
        before,
        after,
        sampler,
        wall,
        warm_up_s,
        client_cpu,
        (load_before, load_after),
    )


# --------------------------------------------------------------------------------------------
# Printing


def _ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:,.0f} ms"


def table(report: Report) -> str:
    o = report.options
    target_sessions = TARGET_REPLAY_SESSIONS if o.mode == "replay" else TARGET_SESSIONS
    lat = report.latencies
    p50, p95, p99 = (percentile(lat, q) for q in (50, 95, 99))
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        rows.append((name, value, target, "" if ok is None else ("ok" if ok else "MISSED")))

    row(
        "sessions completed",
        f"{report.completed} / {o.sessions}",
        f"{target_sessions} sessions",
        report.completed == o.sessions and o.sessions >= target_sessions,
    )
    errors = report.errors
    detail = ", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none"
    row("errors", f"{report.error_count} ({detail})", "0", report.error_count == 0)
    if report.warm_up_s is not None:
        row("warm-up: one page load before the test", _ms(report.warm_up_s))
    loads = sorted(r.load_s for r in report.results if r.load_s is not None)
    row("first load → finished p50 / p95", f"{_ms(percentile(loads, 50))} / {_ms(percentile(loads, 95))}")
    sent = sum(r.changes_sent for r in report.results)
    done = sum(r.changes_finished for r in report.results)
    row("changes finished / sent", f"{done} / {sent}", "all", done == sent and sent > 0)
    what = "click Play → finished" if o.mode == "replay" else "change → finished"
    row(f"{what} p50", _ms(p50))
    if o.mode == "think":
        row(f"{what} p95", _ms(p95), "< 1 s", p95 < TARGET_THINK_P95_S)
    else:
        row(f"{what} p95", _ms(p95))
    row(f"{what} p99", _ms(p99))
    requested = sum(r.frames_requested for r in report.results)
    finished = sum(r.frames_finished for r in report.results)
    if requested or finished:
        row("fragment auto-reruns finished / sent", f"{finished:,} / {requested:,}")
    watching = [r for r in report.results if r.watch_s > 0]
    if watching:
        rates = sorted(r.frames_finished / r.watch_s for r in watching)
        intervals = [r.frame_interval for r in watching if r.frame_interval > 0]
        row(
            "replay frames per student per s: mean / min",
            f"{sum(rates) / len(rates):.1f} / {rates[0]:.1f}",
            f"{1 / min(intervals):g} (the page's timer)" if intervals else "no timer started",
        )
        frames = sorted(t for r in watching for t in r.frame_latencies)
        frame_p95 = percentile(frames, 95)
        row(
            "replay frame → finished p50 / p95",
            f"{_ms(percentile(frames, 50))} / {_ms(frame_p95)}",
            f"p95 < {TARGET_FRAME_P95_S * 1000:g} ms",
            frame_p95 < TARGET_FRAME_P95_S,
        )
    early = sum(r.early_for_rerun for r in report.results)
    if early:
        row("runs ended early for a rerun (st.rerun)", f"{early:,}")
    if o.mode == "burst":
        for number, values in enumerate(report.bursts):
            worst = max(values) if values else math.nan
            key, value = BURST_CHANGES[number % len(BURST_CHANGES)]
            row(
                f"burst {number + 1} ({key} = {value}): finished / max",
                f"{len(values)} / {o.sessions}, {_ms(worst)}",
                "all within 10 s",
                len(values) == o.sessions and worst < TARGET_BURST_MAX_S,
            )
    s = report.sampler
    if s is None:
        row("server RSS / CPU", "not sampled (give --pid)")
    else:
        many = len(s.pids) > 1
        for pid in s.pids:
            name = f"pid {pid}" if many else "server"
            row(
                f"{name} RSS before load",
                f"{report.rss_before_mb[pid]:,.0f} MB",
            )
            peak = s.peak_rss_mb[pid]
            row(
                f"{name} peak RSS",
                f"{peak:,.0f} MB",
                f"< {TARGET_PEAK_RSS_MB:g} MB",
                peak < TARGET_PEAK_RSS_MB,
            )
            row(
                f"{name} RSS {o.settle:g} s after close",
                f"{report.rss_after_mb[pid]:,.0f} MB "
                f"({report.rss_after_mb[pid] - report.rss_before_mb[pid]:+,.0f} MB vs before)",
            )
            row(
                f"{name} CPU peak (1 s) / mean",
                f"{s.peak_cpu[pid]:,.0f} % / {s.mean_cpu(pid):,.0f} % of one core",
            )
        if many:
            row("all replicas peak RSS (sum)", f"{s.peak_total_rss_mb:,.0f} MB")
    updates = sum(r.reruns + r.frames_finished for r in report.results)
    if updates:
        received = sum(r.bytes_received for r in report.results)
        what = "page updates (runs + replay frames)" if finished else "page updates"
        row(f"{what} finished; data per update", f"{updates:,}; {received / updates / 1024:,.0f} KiB")
        if s is not None:
            cpu = sum(s.cpu_seconds.values())
            row("server CPU per page update", f"{cpu / updates * 1000:,.0f} ms")
    row(
        "load generator CPU (same machine)", f"{report.client_cpu_s / report.wall_s * 100:,.0f} % of one core"
    )
    row(
        "machine load average at start / end",
        f"{report.load_average[0]:.1f} / {report.load_average[1]:.1f} ({os.cpu_count()} CPUs)",
    )
    row("wall time", f"{report.wall_s:,.1f} s")

    head = (f"load test: {o.mode} mode, {o.sessions} sessions, {o.duration:g} s, seed {o.seed}", "", "", "")
    widths = [max(len(r[i]) for r in [*rows, ("metric", "measured", "target", "")]) for i in range(4)]
    lines = [head[0], ""]
    header = ("metric", "measured", "target", "")
    for r in [header, tuple("-" * w for w in widths), *rows]:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    slowest = sorted((c for r in report.results for c in r.changes), key=lambda c: -c[2])[:5]
    if slowest:
        lines += ["", "slowest changes: " + ", ".join(f"{k}={v} {_ms(t)}" for k, v, t in slowest)]
    samples = [s for r in report.results for s in r.error_samples]
    if samples:
        lines += ["", "first errors:"] + [f"  - {s}" for s in samples[:8]]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Command line


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running app (loopback only); default: start our own server")
    parser.add_argument(
        "--app", type=Path, default=APP, help="the app our own server runs (default: this repo's app.py)"
    )
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument(
        "--duration", type=_positive, default=60.0, help="seconds each student uses the page after loading it"
    )
    parser.add_argument(
        "--mode",
        choices=("think", "burst", "replay"),
        default="think",
        help="think: each student changes a control every 5-15 s; burst: all change eta at the same "
        "instant, every --burst-interval s; replay: all click Play at once, then watch for --duration s",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--think", type=_positive, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"), help="think time, s"
    )
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which sessions join")
    parser.add_argument("--burst-interval", type=_positive, default=15.0)
    parser.add_argument("--timeout", type=_positive, default=30.0, help="seconds per load or change")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait before RSS after close")
    parser.add_argument("--no-warm-up", action="store_true", help="skip the one page load before measuring")
    parser.add_argument(
        "--link",
        action="append",
        default=[],
        metavar="QUERY",
        help="a shared link's query string, e.g. 'eta=1.0&w=2' (repeatable; default: six built-in links)",
    )
    parser.add_argument(
        "--pid", type=int, action="append", default=[], help="server process to sample (repeatable)"
    )
    parser.add_argument(
        "--spread-ips",
        type=int,
        default=1,
        metavar="N",
        help="use N loopback source networks 127.0.<k>.1 (so nginx ip_hash spreads sessions)",
    )
    args = parser.parse_args(argv)
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    if args.think[0] > args.think[1]:
        parser.error("--think MIN must not exceed MAX")
    if args.url:
        try:
            Endpoint.parse(args.url)
        except ValueError as error:
            parser.error(str(error))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    options = Options(
        sessions=args.sessions,
        duration=args.duration,
        mode=args.mode,
        seed=args.seed,
        think=tuple(args.think),
        ramp=max(0.0, args.ramp),
        burst_interval=args.burst_interval,
        timeout=args.timeout,
        settle=max(0.0, args.settle),
        spread_ips=args.spread_ips,
        links=tuple(link.lstrip("?") for link in args.link) or SCENARIOS,
        warm_up=not args.no_warm_up,
    )
    if args.url:
        report = run(args.url, options, args.pid)
    else:
        app = args.app.resolve()
        with own_server(app) as (url, pid):
            command = " ".join(streamlit_command(Endpoint.parse(url).port, app)[1:])
            print(f"started {command} (pid {pid}) in {app.parent}", flush=True)
            report = run(url, options, [pid, *args.pid])
    print(table(report))
    return 1 if report.error_count else 0


if __name__ == "__main__":
    sys.exit(main())
