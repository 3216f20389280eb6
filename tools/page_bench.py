"""Server-side script times of the page, measured with Streamlit's AppTest (one process, no
browser): the benchmark section `page` of `python -m tools.bench`. Streamlit is imported here
only, so `import lossdemo` stays free of it."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def _timed(at, change) -> float:
    change(at)
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise AssertionError(f"the page raised: {at.exception[0].message}")
    return 1e3 * elapsed


def page_times(repeats: int) -> list[tuple[str, float, float | None]]:
    """(case, median ms, target ms) for reruns after typical changes, caches warm as in class."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120).run()
    etas = [0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 0.15]
    cases = {
        "rerun after changing η (new runs, cached map)": (
            lambda i: lambda at: at.select_slider(key="eta").set_value(etas[i % len(etas)]),
            150.0,
        ),
        "rerun after moving the epoch slider": (
            lambda i: lambda at: at.slider(key="epoch").set_value(10 + i),
            150.0,
        ),
        "rerun of a 100,000-epoch run after changing η": (
            lambda i: (
                lambda at: (
                    at.select_slider(key="epochs").set_value(100_000),
                    at.select_slider(key="eta").set_value(etas[i % len(etas)]),
                )
            ),
            1000.0,
        ),
    }
    results = []
    for case, (change, target) in cases.items():
        _timed(at, change(repeats))  # warm the caches this case relies on
        times = [_timed(at, change(i)) for i in range(repeats)]
        results.append((case, statistics.median(times), target))
    at.select_slider(key="epochs").set_value(300).run()
    results.append(
        (
            "a new scenario prepared: runs, chart data, words (mean over the epoch choices)",
            prepared_ms(repeats),
            None,
        )
    )
    return results


def prepared_ms(repeats: int) -> float:
    """What a new scenario costs the server before the page draws it (`cache.prepare`: the runs,
    the charts' data as Arrow, the findings and summaries), the mean over the epoch slider's
    choices of the median of `repeats` new scenarios each: a class's changes are spread over them."""
    from lossdemo.controls.scenario import EPOCH_CHOICES, Scenario
    from lossdemo.page.cache import prepare

    medians = []
    for epochs in EPOCH_CHOICES:
        times = []
        for i in range(repeats + 1):  # the first warms
            scenario = Scenario(eta=0.1 + 0.001 * i, epochs=epochs)
            start = time.perf_counter()
            prepare(scenario)
            times.append(1e3 * (time.perf_counter() - start))
        medians.append(statistics.median(times[1:]))
    return statistics.mean(medians)
