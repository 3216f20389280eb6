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
