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
from actlab.engine.activations.builtin import ACTIVATIONS
from actlab.engine.activations.base import Activation
from actlab.engine.activations.lookup import get_activation
from actlab.engine.models.mlp import Network
from actlab.engine.trainer import Trainer
from actlab.engine.snapshot import Snapshot

__all__ = ["ACTIVATIONS", "Activation", "get_activation", "Network", "Snapshot", "Trainer"]


def __getattr__(name: str):
    # ``from actlab.engine import conv_analysis`` (the README's image-lab API) without
    # loading the conv analysis for every user of the engine
    if name == "conv_analysis":
        from actlab.engine.analysis import conv
        return conv
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
