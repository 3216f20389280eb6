"""lossdemo: why the choice of loss decides how fast a neuron learns.

Importable without Streamlit: the engine (training runs, the learning-speed map, the digit
network), the loss registry, and the chart builders used by the dashboard.
"""

from lossdemo.engine.losses import LOSSES, NEURONS, Loss, get_loss
from lossdemo.engine.network import train_network
from lossdemo.engine.sigmoid import MAX_EPOCHS, simulate_sigmoid
from lossdemo.engine.softmax import MAX_CLASSES, simulate_softmax, start_logits

__all__ = [
    "LOSSES",
    "MAX_CLASSES",
    "MAX_EPOCHS",
    "NEURONS",
    "Loss",
    "get_loss",
    "simulate_sigmoid",
    "simulate_softmax",
    "start_logits",
    "train_network",
]
