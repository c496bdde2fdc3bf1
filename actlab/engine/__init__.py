"""ActLab's training engine: NumPy only, never Qt.

Public API (for notebooks and scripts)::

    from actlab.engine import Trainer
    from actlab.labfile import load_preset
    t = Trainer(load_preset("xor-needs-nonlinearity"))
    t.train(200)
    print(t.history.last())
    params = t.network.get_params()          # [(W, b), ...]
    loss, grads = t.network.loss_and_grads(X, y)
"""
from .activations import ACTIVATIONS, Activation, get_activation
from .network import Network
from .trainer import Snapshot, Trainer

__all__ = ["ACTIVATIONS", "Activation", "get_activation", "Network", "Snapshot", "Trainer"]
