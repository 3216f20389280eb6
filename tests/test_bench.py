"""The benchmark stays runnable: its smallest section, once, without any claim about time."""

from lossdemo import LOSSES
from tools import bench


def test_short_section_prints_an_aligned_row_per_loss_and_neuron(capsys):
    assert bench.main(["--only", "short", "--repeats", "1"]) == 0
    machine, *lines = capsys.readouterr().out.splitlines()
    assert "cores, Python" in machine
    assert len(lines) == 2 + len(LOSSES["sigmoid"]) + len(LOSSES["softmax"])  # header, rule, losses
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert len({len(line) for line in lines}) == 1


def test_the_plain_page_yardstick_draws_its_four_panels_cards_and_table():
    """tools/plain_page.py, which `python -m tools.idle` times each view against, shows what it
    stands in for: four charts of the engine's runs, four cards and a table, without an error."""
    from streamlit.testing.v1 import AppTest

    from tools.idle import PLAIN

    at = AppTest.from_file(str(PLAIN), default_timeout=60).run()
    assert not at.exception
    assert len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart")) == 4
    assert len(at.metric) == 4 and len(at.dataframe) == 1
    controls = [el for el in at.sidebar if el.type not in ("sidebar", "header", "subheader")]
    assert len(controls) == 20


def test_the_plain_page_runs_as_tools_idle_serves_it():
    """`streamlit run tools/plain_page.py` puts tools/, not the repository, on the path: the
    yardstick once timed a ModuleNotFoundError. One page load over Streamlit's protocol, which
    fails on an error element."""
    from tools.idle import PLAIN
    from tools.loadtest.run import warm_up
    from tools.server import streamlit_server

    with streamlit_server(PLAIN) as (url, _):
        warm_up(url)
