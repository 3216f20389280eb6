"""The lecture-hall load test, small and fast: ten students through the protocol client against a
live `streamlit run app.py`. No timing claims here, only that nothing fails and that every change
a student makes ends in a finished run (the full-size run is `python -m tools.loadtest`)."""

import pytest

from lossdemo.controls.replay import NUMBERS_SECONDS
from tools.loadtest.lecture import Options
from tools.loadtest.protocol import Endpoint
from tools.loadtest.report import Report, table
from tools.loadtest.run import run, warm_up
from tools.loadtest.widgets import user_key
from tools.server import streamlit_server


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as (url, pid):
        warm_up(url)
        yield url, pid


def _students(server, **options) -> Report:
    """A small run against the module's server: no warm-up, no settling, short timeouts. Every
    session loads, changes something, and sees every change finish, without errors."""
    url, pid = server
    report = run(url, Options(ramp=0.5, timeout=20, settle=0, warm_up=False, **options), [pid])
    _assert_clean(report, options["sessions"])
    return report


def _assert_clean(report: Report, sessions: int) -> None:
    assert report.error_count == 0, table(report)
    assert report.completed == sessions, table(report)
    for result in report.results:
        assert result.loaded, f"session {result.index} ({result.scenario}) never finished its first load"
        assert result.changes_sent > 0, f"session {result.index} changed nothing"
        assert result.changes_finished == result.changes_sent, table(report)
        assert len(result.latencies) == result.changes_sent


def test_ten_students_change_controls_and_every_change_finishes(server):
    report = _students(server, sessions=10, duration=4, think=(0.3, 1.0))
    changed = {key for result in report.results for key, _, _ in result.changes}
    assert len(changed) > 1, "the students should touch more than one kind of control"
    assert report.sampler is not None and report.sampler.peak_rss_mb[server[1]] > 0


def test_ten_students_follow_the_teacher_at_the_same_instant(server):
    report = _students(server, sessions=10, mode="burst", duration=1)
    assert [len(latencies) for latencies in report.bursts] == [10]
    assert {result.changes[0][:2] for result in report.results} == {("eta", "1.0")}


def test_five_presenters_replay_and_only_the_numbers_rerun_on_the_server(server):
    report = _students(server, sessions=5, mode="replay", duration=2)
    assert len(report.results) == 5
    for result in report.results:
        assert result.frame_interval == pytest.approx(NUMBERS_SECONDS), "the numbers' fragment timer"
        assert result.frames_finished >= 3, f"session {result.index} saw too few frames"
        assert len(result.frame_latencies) >= 3
        assert result.bytes_received > 0


@pytest.mark.parametrize(
    ("widget_id", "key"),
    [("$$ID-0123abcd-eta", "eta"), ("$$ID-0123abcd-my-key", "my-key"), ("$$ID-0123abcd-None", None)],
)
def test_the_user_key_is_read_from_the_widget_id(widget_id, key):
    assert user_key(widget_id) == key


def test_only_loopback_targets_are_accepted():
    assert Endpoint.parse("http://localhost:8501").port == 8501
    assert Endpoint.parse("http://127.0.0.1:80/app/").path == "/app"
    with pytest.raises(ValueError, match="loopback"):
        Endpoint.parse("http://192.0.2.1:8501")
