"""The engine: numbers only. Activations, the loss and optimizer registries, the neuron-kind
registry, input validation, the sigmoid and softmax training runs, milestones and the vectorised
sweep.

May import numpy and pandas, and nothing else of lossdemo: every other layer builds on this one.
"""
