"""Full-batch training on a data set written out in plain Python, one float at a time, as an oracle
independent of the engine's numpy code. Not a test module.

Per example (z = w·x + b, a = σ(z), σ′ = a(1 − a)), from the formulas, not from the registry:
quadratic C = ½(a − y)², δ = (a − y)σ′; cross-entropy C = −[y ln a + (1 − y) ln(1 − a)] (written
with ln(1 + e^−|z|) so that it stays finite), δ = a − y; absolute error C = |a − y|,
δ = sign(a − y)σ′; focal (γ = 2) C = −[y(1 − a)² ln a + (1 − y)a² ln(1 − a)], δ by the product
rule. The data set's cost is the mean of the C_i and its gradient the mean of (δ_i x_i, δ_i).
Softmax layer per example: log-likelihood C = −ln a_y, ∂C/∂z = a − t; quadratic
C = ½ Σ (a_j − t_j)², ∂C/∂z_j = a_j (r_j − Σ_k a_k r_k) with r = a − t.
"""

from __future__ import annotations

import math

GAMMA = 2
# What this module writes out by hand: tests that use it as their oracle draw from these (and check
# that each is registered); a loss or optimizer added to a registry is held by the tests of what
# every entry must satisfy instead (test_gradients, test_losses, test_stability, …).
SIGMOID_LOSSES = ("quadratic", "cross_entropy", "absolute", "focal")
SOFTMAX_LOSSES = ("log_likelihood", "quadratic")
OPTIMIZERS = ("gd", "momentum", "adam")


def log_sigmoid(z: float) -> float:
    """ln σ(z) = −ln(1 + e^−z), finite for any z."""
    return -(max(-z, 0.0) + math.log1p(math.exp(-abs(z))))


def output(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def terms(loss: str, z: float, y: float) -> tuple[float, float]:
    """(C, ∂C/∂z) of one example at the logit z."""
    a = output(z)
    slope = a * (1.0 - a)
    log_a, log_b = log_sigmoid(z), log_sigmoid(-z)  # ln a, ln(1 − a)
    if loss == "quadratic":
        return 0.5 * (a - y) ** 2, (a - y) * slope
    if loss == "cross_entropy":
        return -(y * log_a + (1.0 - y) * log_b), a - y
    if loss == "absolute":
        return abs(a - y), math.copysign(slope, a - y) if a != y else 0.0
    if loss == "focal":
        b = 1.0 - a
        cost = -(y * b**GAMMA * log_a + (1.0 - y) * a**GAMMA * log_b)
        # d/dz of b^γ ln a = −γ b^(γ−1)·ab·ln a + b^γ·b; of a^γ ln b = γ a^(γ−1)·ab·ln b − a^γ·a
        d_first = -GAMMA * b ** (GAMMA - 1) * a * b * log_a + b**GAMMA * b
        d_second = GAMMA * a ** (GAMMA - 1) * a * b * log_b - a**GAMMA * a
        return cost, -(y * d_first + (1.0 - y) * d_second)
    raise KeyError(loss)


def cost(loss: str, w: float, b: float, xs: list[float], ys: list[float]) -> float:
    return sum(terms(loss, w * x + b, y)[0] for x, y in zip(xs, ys)) / len(xs)


def gradient(loss: str, w: float, b: float, xs: list[float], ys: list[float]) -> tuple[float, float]:
    deltas = [terms(loss, w * x + b, y)[1] for x, y in zip(xs, ys)]
    return sum(d * x for d, x in zip(deltas, xs)) / len(xs), sum(deltas) / len(xs)


def train(
    loss: str, optimizer: str, w: float, b: float, xs: list[float], ys: list[float], eta: float, epochs: int
) -> list[tuple[float, float]]:
    """(w, b) after 0 … epochs updates of torch.optim.SGD (plain or with momentum 0.9, whose
    buffer starts as the first gradient) or torch.optim.Adam (betas 0.9, 0.999, eps 1e-8)."""
    params, path = [w, b], [(w, b)]
    velocity, m, v = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    for t in range(1, epochs + 1):
        g = gradient(loss, *params, xs, ys)
        for i in range(2):
            if optimizer == "gd":
                change = eta * g[i]
            elif optimizer == "momentum":
                velocity[i] = g[i] if t == 1 else 0.9 * velocity[i] + g[i]
                change = eta * velocity[i]
            elif optimizer == "adam":
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                m_hat, v_hat = m[i] / (1 - 0.9**t), v[i] / (1 - 0.999**t)
                change = eta * m_hat / (math.sqrt(v_hat) + 1e-8)
            else:
                raise KeyError(optimizer)
            params[i] -= change
        path.append((params[0], params[1]))
    return path


def softmax_terms(loss: str, z: list[float], label: int) -> tuple[float, list[float]]:
    """(C, ∂C/∂z) of one softmax example with logits z and class `label`."""
    top = max(z)
    exps = [math.exp(v - top) for v in z]
    total = sum(exps)
    a = [e / total for e in exps]
    r = [aj - (1.0 if j == label else 0.0) for j, aj in enumerate(a)]
    if loss == "log_likelihood":
        return math.log(total) - (z[label] - top), r
    if loss == "quadratic":
        s = sum(aj * rj for aj, rj in zip(a, r))
        return 0.5 * sum(rj * rj for rj in r), [aj * (rj - s) for aj, rj in zip(a, r)]
    raise KeyError(loss)


def softmax_cost_and_gradient(loss: str, W: list[list[float]], b: list[float], X, labels):
    """The data set's mean cost, ∂C/∂W (K×d) and ∂C/∂b (K)."""
    n, classes, inputs = len(labels), len(b), len(X[0])
    total, gW, gb = 0.0, [[0.0] * inputs for _ in range(classes)], [0.0] * classes
    for x, label in zip(X, labels):
        z = [b[j] + sum(W[j][k] * x[k] for k in range(inputs)) for j in range(classes)]
        c, d = softmax_terms(loss, z, label)
        total += c / n
        for j in range(classes):
            gb[j] += d[j] / n
            for k in range(inputs):
                gW[j][k] += d[j] * x[k] / n
    return total, gW, gb
