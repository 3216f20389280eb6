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

Modules: `lecture` (the shared links, the controls, the teacher's announcements, Options),
`widgets` (widget states as the frontend holds them), `protocol` (one student's tab over the
websocket), `sampling` (the server's RSS and CPU from /proc), `run` (the students, the teacher's
plan, the run), `report` (what each session measured, percentiles, the table), `__main__` (the
command line), `poll` and `poll_faults` (a class poll: 150 phones and a projector, and a poll through
restarts; their own command lines). The server itself is started by `tools.server`.
"""
