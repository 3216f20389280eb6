"""One student's browser tab over Streamlit's websocket protocol: the HTTP requests that set the
cookies, the websocket, the rerun messages, the ForwardMsg cache and the fragment timers."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import ipaddress
import random
import time
import urllib.parse
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from tools.loadtest.lecture import THINK_CONTROLS
from tools.loadtest.report import SessionResult
from tools.loadtest.widgets import Widget, changed_state, initial_state, is_default, user_key, widget_kind

SUCCESS = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
FRAGMENT_SUCCESS = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
STATUS_NAMES = {value: name for name, value in ForwardMsg.ScriptFinishedStatus.items()}


class SessionFailed(Exception):
    """The session cannot go on (websocket closed, timeout); the reason is already recorded."""


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
        widget = Widget(key or widget_id, widget_id, widget_kind(element_type, proto), proto)
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
        if not is_default(widget, state):
            pairs.append((param, url_value))
        self.query_string = urllib.parse.urlencode(pairs)
