"""ActLab's training engine: NumPy only, never Qt.

Public API (for notebooks and scripts)::

    from actlab.engine import Trainer
    from actlab.labfile import load_preset
    t = Trainer(load_preset("xor-needs-nonlinearity"))
    t.train(200)
    print(t.history.last())
    params = t.network.get_params()          # [(W, b), ...]
    probs = t.predict_points([[1.0, 1.0]])   # raw (x1, x2) points; the lab's features applied
    X, y = t.train_rows()                    # training rows in feature space
    loss, grads = t.network.loss_and_grads(X, y)   # data loss (+ penalty if asked), grads
"""
from actlab.engine.activations.builtin import ACTIVATIONS, Activation, get_activation
from actlab.engine.models.mlp import Network
from actlab.engine.trainer import Snapshot, Trainer

__all__ = ["ACTIVATIONS", "Activation", "get_activation", "Network", "Snapshot", "Trainer"]
