"""The seam between the Trainer and a network: what a model offers to be trained.

:class:`~actlab.engine.trainer.Trainer` drives any :class:`Model` — the dense network of
point and function labs (:class:`.models.mlp.Network`) and the convolutional network of
image labs (:class:`.models.cnn.ConvNetwork`).  What the trainer does once for every model
works on the model's flat buffers: the optimizer updates ``flat`` from ``grad_flat`` in
one call, the regulariser reads ``weight_mask``, divergence is judged on ``flat``, the
gradient record reduces ``grad_flat`` per weight layer.  What differs between models is
theirs to say: what one epoch does (:class:`EpochProgram` — the MLP's compiled list of
NumPy calls, the CNN's minibatch loop) and how its loss and accuracy are measured
(:class:`Evaluation`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Protocol, runtime_checkable

import numpy as np

#: Called by an epoch program where a minibatch's data-loss gradient is complete, as
#: ``hook(g, minus)``: the gradient is ``g`` (the model's ``grad_flat``), or ``g - minus``
#: when the regulariser's term ``minus`` has already been added into it.
GradientHook = Callable[[np.ndarray, Optional[np.ndarray]], None]


@dataclass(frozen=True)
class Update:
    """What follows every minibatch's data gradient, bound to the model's flat buffers:
    the regulariser's calls (empty for none; they add their term to ``grad_flat`` and
    leave it in ``reg_term``), then the optimizer's step calls."""

    reg_ops: list
    reg_term: np.ndarray
    step_ops: list


@runtime_checkable
class Evaluation(Protocol):
    """A model's loss and accuracy on fixed training and test rows."""

    #: the largest |input| on the rows :meth:`largest_value` looks at (the scale of
    #: :meth:`Model.weight_limit`)
    x_max: float
    #: ``(train, test)`` predicted classes of the last :meth:`run` (read-only), when the
    #: evaluation keeps them (an image lab's gallery reads them); else None
    predicted: tuple | None

    def run(self) -> np.ndarray:
        """``[train_loss, test_loss, train_accuracy, test_accuracy]`` of the current
        weights — data loss, no penalty; NaN where undefined (no test rows, accuracy of a
        regression).  The array may be reused by the next call."""

    def largest_value(self) -> float:
        """The largest |value| inside the network on the rows checked (NaN if one is
        NaN): divergence check 4.  Call right after :meth:`run`."""

    #: how many steps :meth:`steps` takes (1: it cannot be split)
    n_steps: int

    def steps(self):
        """:meth:`run` as a generator that yields between ``n_steps`` steps and returns
        the row, bit for bit that of :meth:`run` (the parameters must not change
        meanwhile): a long evaluation split so a window can answer between the steps."""


@runtime_checkable
class EpochProgram(Protocol):
    """One epoch of one model, bound once to its training rows, batch size and
    :class:`Update` (the trainer builds a new program when one of those changes)."""

    def run(self, rng: np.random.Generator, start: GradientHook | None,
            end: GradientHook | None) -> float | None:
        """Train one epoch over the rows, minibatch by minibatch (in an order drawn from
        ``rng`` when the program shuffles).  Calls ``start`` (if given) with the data
        gradient at the starting weights and ``end`` (if given) with that of the epoch's
        last minibatch.  Returns the epoch's mean minibatch loss when the program measures
        it on the way — the trainer then judges divergence on it before it evaluates the
        weights — or None: the trainer judges the epoch by its evaluation."""

    #: how many steps :meth:`steps` takes for one epoch (1: the epoch cannot be split)
    n_steps: int

    def steps(self, rng: np.random.Generator, start: GradientHook | None,
              end: GradientHook | None):
        """:meth:`run` as a generator that yields between ``n_steps`` steps (minibatches)
        and returns what :meth:`run` returns, bit for bit the same epoch when nothing in
        between touches the parameters, the optimizer or ``rng``."""


@runtime_checkable
class Model(Protocol):
    """A network the Trainer can train: parameters in one flat buffer, each weight and
    bias a view into it, and the gradient the same way."""

    flat: np.ndarray          # every parameter, layer by layer (weights, then the bias)
    grad_flat: np.ndarray     # the gradient of the last backward pass, same layout
    weight_mask: np.ndarray   # 1.0 on weights, 0.0 on biases (never penalised)
    n_params: int
    output: str               # "sigmoid", "softmax" or "linear": the loss and its scale

    @property
    def n_outputs(self) -> int:
        """Outputs of the last layer (classes of a softmax, 1 otherwise)."""

    def get_params(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of the parameters, ``[(weights, bias), ...]`` layer by layer."""

    def set_params(self, params) -> None:
        """Load parameters in the layout of :meth:`get_params` (all or nothing)."""

    def predict(self, X) -> np.ndarray:
        """The network's output for input rows ``X`` (the model's own input space)."""

    def data_loss(self, X, y) -> float:
        """The data loss on rows ``X`` with targets ``y`` (no penalty)."""

    def largest_value(self, X) -> float:
        """The largest |value| of any weighted layer's output on rows ``X``."""

    def weight_layers(self) -> list[tuple[int, int]]:
        """Per weight layer, in flat-buffer order: ``(entries, weights)`` — the length of
        its contiguous block (weights and bias) and how many of those are weights."""

    def weight_limit(self, x_max: float) -> float:
        """The largest |parameter| below which no value inside the network can reach
        :data:`.divergence.VALUE_LIMIT` on inputs up to ``x_max``."""

    def evaluation(self, X_train, y_train, X_test, y_test) -> Evaluation:
        """The :class:`Evaluation` of this model on these rows."""

    def epoch_program(self, X, y, batch_size: int, reshuffle: bool,
                      update: Update) -> EpochProgram:
        """The :class:`EpochProgram` of this model on training rows ``X``, ``y``."""


@runtime_checkable
class EditableModel(Model, Protocol):
    """A model whose single weights a student may set by hand (the dense network)."""

    sizes: list[int]          # units per layer, inputs first
    n_layers: int

    def set_entry(self, layer: int, row: int, col: int, value: float) -> float:
        """Set ``W[row, col]`` of weight layer ``layer`` (``row == fan-in``: the bias)
        in place; return the value it had."""
