"""Training several variants of one lab side by side, epoch for epoch (lock step).

The runs of a comparison differ only in their hidden activation.  They share the seed,
the data and the training settings, so by construction (see :mod:`.trainer`) they also
share the initial weights (``default_rng([seed, 0])``) and the order of the minibatches
(``default_rng([seed, 1])``): any difference in the results is the activation's doing.
Image labs too: their variants put the activation in every convolution and dense layer
(``ImageNetSpec.with_activation``), and the :class:`.trainer.Trainer` of an image lab
draws its weights and minibatches from the same two seeded generators.  An image network
with ``init="auto"`` would draw He-normal weights for ReLU-like layers and Xavier-uniform
for the others — same draws, different starting kernels — so its variants all use
Xavier-uniform (:func:`image_variant`): every run starts from the very same kernels.
"""
from __future__ import annotations

from dataclasses import replace

from actlab.lab import Lab
from actlab.engine.activations.lookup import canonical_name


def activation_variants(lab: Lab, names) -> list[tuple[str, Lab]]:
    """``(name, lab)`` for each activation ``name``: ``lab`` without trained results and
    with ``name`` in every hidden layer — for an image lab in every convolution and dense
    layer (names in any case; the canonical spelling is returned).  A name may be one of
    the lab's designed activations (``network.custom``), which every variant keeps.
    Raises ValueError for a point lab without hidden layers (all its variants would be the
    same network) or for an unknown activation name."""
    names = [canonical_name(n, getattr(lab.network, "custom", ())) for n in names]
    if lab.kind == "images":  # every image network has at least one convolution
        base = lab.without_results()
        return [(n, image_variant(base, n)) for n in names]
    if not lab.network.hidden:
        raise ValueError("the network has no hidden layer, so there is no activation to "
                         "compare: add a hidden layer first")
    base = lab.without_results()
    return [(n, replace(base, network=base.network.with_activation(n))) for n in names]


def image_variant(lab: Lab, name: str) -> Lab:
    """Image ``lab`` with activation ``name`` in every convolution and dense layer, its
    ``"auto"`` initialisation pinned to Xavier-uniform so that the variants of one
    comparison start from identical weights (results, if any, are kept)."""
    network = lab.network.with_activation(name)
    if network.init == "auto":
        network = replace(network, init="xavier")
    return replace(lab, network=network)


def train_lock_step(trainers, epochs: int) -> int:
    """Train every trainer ``epochs`` epochs, one after the other, so that all of them
    stand at the same epoch afterwards (a run that diverged or reached ``stop_after``
    stays where it stopped).  Returns the most epochs any trainer did."""
    return max((t.train(epochs) for t in trainers), default=0)
