"""The simulated lecture: the links a teacher hands out, the controls students touch, what the
teacher announces, and the Options of a run."""

from __future__ import annotations

from dataclasses import dataclass

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
