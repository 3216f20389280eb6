"""The written-out loops of the sigmoid neuron and of the optimizers (`lossdemo.engine.tracing`):
the same bits as their readable references for every loss and optimizer, the reference's result
where `math` refuses a float, numpy's own ufunc where `math` would give other bits, and a refusal
for any ∂C/∂z they cannot write out."""

from __future__ import annotations

from dataclasses import replace

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossdemo.engine import sigmoid_loop, start_sweep, tracing
from lossdemo.engine import softmax as softmax_run
from lossdemo.engine.activations import sigmoid
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.optimizer_loop import follow_written
from lossdemo.engine.optimizers import OPTIMIZERS, follow
from lossdemo.engine.sigmoid_loop import (
    _descent_loop,
    _examples_loop,
    examples_reference,
    gradient,
    reference_z,
    z_trajectory,
)
from lossdemo.engine.tracing import _TWINS, NAMESPACE, TracingError, compiled_map, scalar_twin

SIGMOID = sorted(LOSSES["sigmoid"])
SOFTMAX = sorted(LOSSES["softmax"])


@settings(max_examples=80, deadline=None)
@given(
    loss=st.sampled_from(SIGMOID),
    z0=st.floats(-60.0, 60.0),
    y=st.sampled_from([0.0, 0.3, 0.5, 1.0]),
    step=st.floats(1e-3, 200.0),
    epochs=st.integers(0, 80),
)
def test_every_sigmoid_loss_follows_the_reference_loop_bit_for_bit(loss, z0, y, step, epochs):
    entry = LOSSES["sigmoid"][loss]
    assert (
        z_trajectory(entry, z0, step, y, epochs).tobytes()
        == reference_z(entry, z0, step, y, epochs).tobytes()
    )


@settings(max_examples=60, deadline=None)
@given(
    loss=st.sampled_from(SIGMOID),
    optimizer=st.sampled_from(sorted(OPTIMIZERS)),
    w=st.floats(-20.0, 20.0),
    b=st.floats(-20.0, 20.0),
    x=st.floats(-5.0, 5.0),
    y=st.sampled_from([0.0, 0.7, 1.0]),
    eta=st.floats(1e-3, 10.0),
    epochs=st.integers(0, 60),
)
def test_every_optimizer_follows_its_reference_on_a_sigmoid_neuron_bit_for_bit(
    loss, optimizer, w, b, x, y, eta, epochs
):
    g, rule = gradient(LOSSES["sigmoid"][loss]), OPTIMIZERS[optimizer]
    rows, steps = follow_written(rule, g, [w, b], (x, y), eta, epochs)
    want_rows, want_steps = follow(rule, [w, b], lambda p: g.on_floats(p, x, y), eta, epochs)
    assert rows.tobytes() == want_rows.tobytes() and steps.tobytes() == want_steps.tobytes()


@pytest.mark.parametrize("loss", SOFTMAX)
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize(("classes", "inputs"), [(2, 1), (3, 2), (5, 1)])
def test_every_optimizer_follows_its_reference_on_a_softmax_layer_bit_for_bit(
    loss, optimizer, classes, inputs
):
    g, rule = softmax_run.gradient(LOSSES["softmax"][loss], classes, inputs), OPTIMIZERS[optimizer]
    rng = np.random.default_rng(classes * 10 + inputs)
    params = rng.uniform(-3.0, 3.0, classes * (inputs + 1)).tolist()
    fixed = (*rng.uniform(-2.0, 2.0, inputs).tolist(), *softmax_run.one_hot(classes, classes - 1))
    rows, steps = follow_written(rule, g, params, fixed, 0.4, 40)
    want_rows, want_steps = follow(rule, params, lambda p: g.on_floats(p, *fixed), 0.4, 40)
    assert rows.tobytes() == want_rows.tobytes() and steps.tobytes() == want_steps.tobytes()


def test_a_float_math_refuses_gives_the_reference_loop_s_result():
    """log1p(−1): numpy returns −inf with a warning, `math` raises and the compiled loop goes on
    with −inf: the run is then the reference loop's."""
    entry = replace(
        LOSSES["sigmoid"]["cross_entropy"], key="reaches_minus_one", delta=lambda z, a, sp, y: np.log1p(-a)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        got = z_trajectory(entry, 40.0, 0.5, 0.0, 6)  # a = σ(40) rounds to 1: log1p(−1)
        want = reference_z(entry, 40.0, 0.5, 0.0, 6)
    assert got.tobytes() == want.tobytes() and np.isinf(got[1])


def test_a_ufunc_without_a_math_twin_is_called_from_numpy_in_the_interpreter():
    entry = replace(
        LOSSES["sigmoid"]["quadratic"], key="arctan", delta=lambda z, a, sp, y: np.arctan(a - y) * sp
    )
    assert scalar_twin("arctan") is None
    assert not isinstance(_descent_loop(entry), numba.core.dispatcher.Dispatcher)
    got = z_trajectory(entry, 3.0, 2.0, 0.2, 50)
    assert got.tobytes() == reference_z(entry, 3.0, 2.0, 0.2, 50).tobytes()


@pytest.mark.parametrize("loss", SIGMOID)
def test_every_sigmoid_loss_runs_compiled_where_it_can_and_stays_on_the_reference_for_30000_epochs(loss):
    """Compiled exactly where every ufunc the loop calls has a `math` twin on this processor (numpy
    has its own AVX-512 code for float64 exp, log, log1p, …: with it the loop stays in the
    interpreter, calling numpy), and with the reference's bits over a whole run either way: from a
    saturated wrong start, where the steps are tiny and any other rounding would add up, at y = ½
    and at a large step."""
    entry = LOSSES["sigmoid"][loss]
    loop = _descent_loop(entry)
    calls = {name for name in getattr(loop, "py_func", loop).__code__.co_names if name in _TWINS}
    assert "exp" in calls  # σ's
    twinned = all(scalar_twin(name) is not None for name in calls)
    assert isinstance(loop, numba.core.dispatcher.Dispatcher) == twinned
    for z0, step, y in ((9.0, 0.3, 0.0), (-3.0, 0.05, 0.5), (0.4, 40.0, 1.0)):
        got = z_trajectory(entry, z0, step, y, 30_000)
        assert got.tobytes() == reference_z(entry, z0, step, y, 30_000).tobytes()


@pytest.mark.parametrize("name", sorted(_TWINS))
def test_every_twin_in_use_gives_numpy_s_bits_on_fresh_arguments(name):
    template = scalar_twin(name)
    if template is None:
        pytest.skip(f"numpy's {name} has its own code here: the loops call it")
    ufunc = getattr(np, name)
    x = np.random.default_rng(7).uniform(-40.0, 40.0, 4000)
    with np.errstate(all="ignore"):
        want = ufunc(x)
    keep = np.isfinite(want)
    twin = eval(f"lambda v: {template.format('v')}", dict(NAMESPACE))
    got = np.array([twin(v) for v in x[keep].tolist()])
    compiled = np.empty_like(x)
    compiled_map(template)(x, compiled)
    assert got.tobytes() == want[keep].tobytes()
    assert compiled[keep].tobytes() == want[keep].tobytes()


def branches_on_the_output(z, a, sp, y):
    return (a - y) * sp if a > 0.5 else a - y


@pytest.mark.parametrize(
    "delta", [branches_on_the_output, lambda z, a, sp, y: float(a) - y, lambda z, a, sp, y: max(a, y)]
)
def test_a_sigmoid_delta_the_loop_cannot_write_out_is_refused(delta):
    entry = replace(LOSSES["sigmoid"]["quadratic"], key=f"bad_{id(delta)}", delta=delta)
    with pytest.raises(TracingError, match="delta"):
        z_trajectory(entry, 0.5, 0.1, 0.0, 3)


def test_a_loop_s_file_holds_its_source_and_is_written_again_if_it_holds_anything_else(tmp_path, monkeypatch):
    """numba finds a loop's machine code again by the file beside it: the file must hold exactly
    the loop that runs (a stale or altered file would be run in its place)."""
    monkeypatch.setattr(tracing, "LOOP_FILES", tmp_path / "loops")
    halving = ("test halving", ["z", "out"], [], "for i in range(out.size):", ["z = z / 2.0", "out[i] = z"])
    loop = tracing.compile_loop(*halving)
    (path,) = (tmp_path / "loops").glob("loop_*.py")
    assert "z = z / 2.0" in path.read_text()
    out = np.empty(3)
    loop(8.0, out)
    assert out.tolist() == [4.0, 2.0, 1.0]
    path.write_text(path.read_text().replace("/ 2.0", "/ 4.0"))
    again = tracing.compile_loop(*halving)
    again(8.0, out)
    assert out.tolist() == [4.0, 2.0, 1.0] and "/ 4.0" not in path.read_text()


def test_a_loop_is_compiled_without_a_cache_where_its_file_cannot_be_written(tmp_path, monkeypatch):
    blocked = tmp_path / "a file, not a directory"
    blocked.write_text("")
    monkeypatch.setattr(tracing, "LOOP_FILES", blocked / "loops")
    doubling = ("test doubling", ["z", "out"], [], "for i in range(out.size):", ["z = z * 2.0", "out[i] = z"])
    loop = tracing.compile_loop(*doubling)
    assert isinstance(loop, numba.core.dispatcher.Dispatcher)
    out = np.empty(3)
    loop(1.0, out)
    assert out.tolist() == [2.0, 4.0, 8.0]


# The array forms the start plane and a data set's logits run where their loop is not compiled
# (numpy's own ufunc code on this processor: interpreted, the loop would step one float at a time).
_CELL = st.floats(-12.0, 12.0)


@settings(max_examples=40, deadline=None)
@given(
    loss=st.sampled_from(SIGMOID),
    ws=st.lists(_CELL, min_size=1, max_size=6),
    examples=st.lists(
        st.tuples(st.floats(-3.0, 3.0), st.sampled_from([0.0, 0.5, 1.0, 0.2])), min_size=1, max_size=4
    ),
    eta=st.floats(1e-2, 20.0),
    goal=st.floats(0.0, 0.6),
    cap=st.integers(0, 60),
    data=st.data(),
)
def test_the_start_plane_s_array_form_counts_the_loop_s_epochs(loss, ws, examples, eta, goal, cap, data):
    w = np.array(ws)
    b = np.array(data.draw(st.lists(_CELL, min_size=w.size, max_size=w.size)))
    xs, ys = (np.array(column) for column in zip(*examples, strict=True))
    # Every other cell's goal is its start's own mean error, to the bit: the goal's boundary, epoch 0.
    at_start = [
        sum(abs(float(a) - y) for a, y in zip(sigmoid(xs * wc + bc)[0], ys)) / ys.size for wc, bc in zip(w, b)
    ]
    goals = np.where(np.arange(w.size) % 2 == 1, at_start, goal)
    rate = eta / ys.size
    entry = LOSSES["sigmoid"][loss]
    want = np.empty(w.size, dtype=np.int64)
    start_sweep._plane_loop(entry)(w, b, xs, ys, rate, goals, cap, want)
    assert start_sweep.plane_reference(entry, w, b, xs, ys, rate, goals, cap).tolist() == want.tolist()


@settings(max_examples=40, deadline=None)
@given(
    loss=st.sampled_from(SIGMOID),
    examples=st.lists(
        st.tuples(st.floats(-3.0, 3.0), st.sampled_from([0.0, 0.5, 1.0, 0.2]), st.floats(-30.0, 30.0)),
        min_size=1,
        max_size=12,
    ),
    eta=st.floats(1e-2, 20.0),
    epochs=st.integers(0, 40),
)
def test_a_data_set_s_array_form_gives_the_loop_s_logits_bit_for_bit(loss, examples, eta, epochs):
    xs, ys, z0 = (np.array(column) for column in zip(*examples, strict=True))
    move = (eta / xs.size) * (1.0 + np.multiply.outer(xs, xs))
    entry = LOSSES["sigmoid"][loss]
    want, got = np.empty((epochs + 1, xs.size)), np.empty((epochs + 1, xs.size))
    want[0] = got[0] = z0
    _examples_loop(entry)(ys, move, epochs, want, np.empty(xs.size))
    examples_reference(entry, ys, move, got)
    assert got.tobytes() == want.tobytes()


TRAP_X, TRAP_Y = np.array([1.0, -1.0]), np.array([1.0, 0.0])  # two examples, one of each class


def _refuse_to_run(*args):
    raise AssertionError("this path should not run")


def test_a_loop_left_in_the_interpreter_hands_the_plane_and_the_data_set_to_their_array_forms(monkeypatch):
    monkeypatch.setattr(start_sweep, "_plane_loop", lambda loss: _refuse_to_run)
    monkeypatch.setattr(sigmoid_loop, "_examples_loop", lambda loss: _refuse_to_run)
    entry = LOSSES["sigmoid"]["cross_entropy"]
    frame = start_sweep.sweep_starts([entry.key], TRAP_X, TRAP_Y, [-2.0, 3.0], [-1.0, 0.5], 1.0, cap=50)
    w, b, goals = frame["w0"].to_numpy(), frame["b0"].to_numpy(), frame["goal"].to_numpy()
    want = start_sweep.plane_reference(entry, w, b, TRAP_X, TRAP_Y, 0.5, goals, 50)
    assert frame["epochs"].tolist() == want.tolist()
    rows = sigmoid_loop.examples_trajectory(entry, np.array([0.2, -0.4]), TRAP_X, TRAP_Y, 1.0, 5)
    assert rows.shape == (6, 2) and np.isfinite(rows).all()


def test_a_compiled_loop_runs_the_plane_and_the_data_set_itself(monkeypatch):
    """The array forms give the same numbers slower: with a compiled loop they must not run."""
    monkeypatch.setattr(start_sweep, "plane_reference", _refuse_to_run)
    monkeypatch.setattr(sigmoid_loop, "examples_reference", _refuse_to_run)
    plane, examples = numba.njit(_sevens_plane), numba.njit(_sevens_examples)
    monkeypatch.setattr(start_sweep, "_plane_loop", lambda loss: plane)
    monkeypatch.setattr(sigmoid_loop, "_examples_loop", lambda loss: examples)
    frame = start_sweep.sweep_starts(["quadratic"], TRAP_X, TRAP_Y, [0.0, 1.0], [0.0, 1.0], 1.0, cap=5)
    assert frame["epochs"].tolist() == [7] * 4
    entry = LOSSES["sigmoid"]["quadratic"]
    assert (sigmoid_loop.examples_trajectory(entry, np.zeros(2), TRAP_X, TRAP_Y, 1.0, 2)[1:] == 7.0).all()


def _sevens_plane(ws, bs, xs, ys, rate, goal, cap, epochs):
    for c in range(ws.size):
        epochs[c] = 7


def _sevens_examples(ys, move, epochs, rows, deltas):
    for k in range(1, epochs + 1):
        for i in range(ys.size):
            rows[k, i] = 7.0
