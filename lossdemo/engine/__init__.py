"""The engine: numbers only. The compiled training kernels, activations, the loss, optimizer and
neuron-kind registries, input validation, the sigmoid and softmax training runs (one example or a
data set), milestones, the learning-speed map, the start plane, the cost landscape and the digit
network.

May import numpy, pandas and numba, and nothing else of lossdemo: every other layer builds on this
one. Its registries hold numbers; their words live in `lossdemo.language.words`.
"""
