"""The guided lesson: the source article's argument in five short steps, each with the preset
that demonstrates it and one sentence on what to look at."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    title: str
    text: str  # Markdown with LaTeX in $…$
    preset: str  # a key of lossdemo.controls.scenario.PRESETS
    look: str


STEPS = (
    Step(
        "1. The quadratic cost and its gradient",
        "A sigmoid neuron computes $z = wx + b$ and outputs $a = \\sigma(z)$. The quadratic cost "
        "$C = \\tfrac12 (a - y)^2$ measures how far $a$ is from the target $y$. By the chain rule its "
        "gradient is $\\partial C/\\partial w = (a - y)\\,\\sigma'(z)\\,x$: the error, times the slope of "
        "the sigmoid, times the input. Gradient descent moves $w$ and $b$ a step $\\eta$ against it.",
        "slightly_wrong",
        "From this mildly wrong start (a ≈ 0.82, target 0) the quadratic cost falls steadily.",
    ),
    Step(
        "2. Why a badly wrong neuron learns slowly",
        "The slope $\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$ is at most $0.25$ and almost $0$ when the "
        "output is near $0$ or $1$. A neuron that is confidently wrong sits exactly there, so the "
        "factor $\\sigma'(z)$ makes its quadratic gradient tiny: the worse the start, the slower it learns.",
        "badly_wrong",
        "Watch σ′(z): it stays near 0 for about 150 epochs, and the quadratic cost curve stays flat "
        "all that time.",
    ),
    Step(
        "3. Cross-entropy cancels σ′(z)",
        "The cross-entropy cost $C = -[y \\ln a + (1 - y) \\ln(1 - a)]$ has $\\partial C/\\partial a = "
        "(a - y)/(a(1 - a))$, which cancels the $\\sigma'(z)$ of the chain rule: "
        "$\\partial C/\\partial w = (a - y)\\,x$. The gradient is simply the error times the input, so "
        "the larger the error, the faster the neuron learns.",
        "badly_wrong",
        "Same start, same η: the cross-entropy output drops below 0.5 within about 20 epochs.",
    ),
    Step(
        "4. Softmax with log-likelihood",
        "A softmax layer turns $K$ logits $z$ into probabilities $a_j = e^{z_j}/\\sum_k e^{z_k}$. With the "
        "log-likelihood cost $C = -\\ln a_y$ the gradient is $\\partial C/\\partial z = a - t$ (t is the "
        "one-hot target): again no slope factor. The quadratic cost instead multiplies by the softmax "
        "Jacobian, whose entry for the target is $a_y(1 - a_y)$, small when the layer is confidently wrong.",
        "confidently_wrong",
        "Log-likelihood raises the target's probability a_y at once; quadratic waits for a_y(1 − a_y) "
        "to grow.",
    ),
    Step(
        "5. A fair comparison",
        "Compare losses at the same learning rate $\\eta$. A famous textbook demo shows cross-entropy "
        "learning fast at $\\eta = 0.005$, but its animation steps by $\\partial C/\\partial a = 1/(1 - a)$ "
        "rather than by the true gradient. With the true gradient, $\\eta = 0.005$ is slow for both "
        "losses, and cross-entropy still wins. Everything on this page uses the true gradients.",
        "textbook_eta",
        "At η = 0.005 cross-entropy needs hundreds of epochs to halve the error, and quadratic cost "
        "does not manage it within 1,000.",
    ),
)
