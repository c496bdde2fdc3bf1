"""Training: a Lab in, epochs of minibatch descent, frozen snapshots out.

The GUI runs a :class:`Trainer` on a worker thread and asks for a :class:`Snapshot` when it
wants to draw; the CLI iterates the same object.  Pause, step and stop happen between
epochs — or, for an image lab whose epoch may take seconds, between the steps of one
(:meth:`Trainer.train_steps`: a minibatch, or a piece of the epoch's closing evaluation) —
never in the middle of an update.  The same seed gives the same run bit for bit, in whole
epochs or in steps:
initial weights come from ``default_rng([seed, 0])`` and minibatch order from
``default_rng([seed, 1])``, so runs that differ only in activation share both.

One Trainer serves every kind of lab.  It drives a :class:`~.model.Model` — the dense
network of point and function labs, the convolutional network of image labs — through
the model's epoch program and evaluation; the optimizer, the regulariser, the history,
divergence handling and the gradient record are this module's, once, on the model's flat
buffers.  What differs by kind (data, model, rows, pictures) is looked up in
:data:`.training_kinds.TRAINING_KINDS`.
"""
from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

from actlab.lab import Lab, TrainingSpec
from actlab.engine.activations.lookup import canonical_name
from actlab.engine.data.build import build_dataset
from actlab.engine.display_sample import DisplaySample
from actlab.engine.epoch_steps import EpochSteps
from actlab.engine.divergence import VALUE_LIMIT, runaway_factor
from actlab.engine.history import (COLUMNS, GradientHistory, History, LayerGradientSizes,
                                   expected_epochs)
from actlab.engine.model import EditableModel, Update
from actlab.engine.models.mlp import output_kind
from actlab.engine.optimizers import make_optimizer
from actlab.engine.pictures.surface import EXTENT
from actlab.engine.regularizers import regularization_kind, regularizer_ops
from actlab.engine.snapshot import Snapshot
from actlab.engine.training_kinds import TRAINING_KINDS

__all__ = ["PARAM_EDIT_LIMIT", "Trainer", "normalized", "output_kind"]

# The largest |value| a student may type for one weight or bias.  Trained weights of the
# presets stay within ±10; a thousand is far past anything useful, and keeps one edit well
# clear of the "too large to draw" divergence check (which set_parameter also makes).
PARAM_EDIT_LIMIT = 1e3


def normalized(lab: Lab) -> Lab:
    """``lab`` with activation, regularisation and optimizer names in their canonical
    lower-case spelling (``"ReLU"`` -> ``"relu"``, ``"L2"`` -> ``"l2"``); ValueError
    listing the valid names for an unknown one."""
    net, tr = lab.network, lab.training
    acts = tuple(canonical_name(a, getattr(net, "custom", ())) for a in net.activations)
    reg = regularization_kind(tr.regularization)
    opt = str(tr.optimizer).strip().lower()
    if (acts, reg, opt) == (tuple(net.activations), tr.regularization, tr.optimizer):
        return lab
    return replace(lab, network=replace(net, activations=acts),
                   training=replace(tr, regularization=reg, optimizer=opt))


class Trainer(EpochSteps):
    """Owns one model, its data, an optimizer and the history of one run.

    ``Trainer(lab)`` builds the lab's data; ``Trainer(lab, dataset)`` trains on data
    already built (an image lab's folder of pictures, read in the layer above).  A point
    lab's dataset has inputs (x1, x2), a function lab's (y = f(x)) x alone; both train a
    dense :class:`.models.mlp.Network` on the lab's input features.  An image lab trains a
    :class:`.models.cnn.ConvNetwork` on its images.  ``kind`` is the lab's kind."""

    def __init__(self, lab: Lab, dataset=None):
        lab = normalized(lab)
        self.kind = lab.kind
        self._kind = kind = TRAINING_KINDS[lab.kind]
        self.dataset = dataset if dataset is not None else build_dataset(lab.data)
        self.lab = lab = kind.fit(lab, self.dataset)
        self.features = tuple(lab.features)
        self._rows = kind.rows(lab, self.dataset)
        if len(self._rows[1]) == 0:
            raise ValueError(f"the lab has no training {kind.noun}")
        self.network = net = kind.model(lab, self.dataset)
        if lab.params is not None:
            net.set_params(lab.params)
        self.output, self.n_out = net.output, net.n_outputs
        # the epochs the guide judges stay in the record however long the run
        self.history = History.from_dict(lab.history, pinned=expected_epochs(lab.guide))
        self._shuffle_rng = np.random.default_rng([lab.seed, 1])
        self._good = net.flat.copy()
        self._tmp = np.empty(net.n_params)
        # gradients: mean |∂L/∂W| per weight layer from epoch 0 on — the first minibatch's
        # data gradient at the starting weights, then each epoch's last minibatch's
        self._gradient_sizes = LayerGradientSizes(net.weight_layers(), net.weight_mask)
        self.gradients = GradientHistory(self._gradient_sizes.n_layers)
        #: Keep :attr:`gradients` up to date (see :meth:`train_epoch`).  On by default, so
        #: the CLI, the analyses and the lab outputs find the run's whole record; the
        #: window's worker turns it off while no view shows gradients (the record is then
        #: not extended; it changes no bit of training either way).
        self.record_gradients = True
        self._reg_scale = np.zeros(net.n_params)
        self._reg = "none"
        self._evaluation = net.evaluation(*self._rows)
        self._version = 0             # counts weight changes (predictions() keys on it)
        self._evaluated_at = -1       # the version the evaluation last ran at
        self.diverged: str | None = None
        self._edited = False  # a parameter was set by hand since the last epoch
        # The scale for "runaway": the first loss this run has — its history's, or that of
        # the weights it starts training from (measured then: see _start_loss).
        losses = self.history.column("train_loss")
        self._loss_start: float | None = float(losses[0]) if losses.size else None
        self._weight_limit = net.weight_limit(self._evaluation.x_max)
        self._weight_limit2 = self._weight_limit * self._weight_limit
        self._runaway = runaway_factor(net.output)
        self._has_test = len(self._rows[3]) > 0
        self._grid = None
        self._rate = 0.0
        self._rate_t0 = (time.perf_counter(), self.epoch)
        # the epoch under way when training goes step by step (train_steps): its
        # generator, the work done and to do (for ``progress``), whether its training
        # pass has begun (the parameters are then no longer those the history ends with)
        # and is under way (a setting that needs a new program waits in _pending)
        self._work = None
        self._work_done = self._work_total = 0
        self._started = self._in_pass = False
        self._pending: TrainingSpec | None = None
        self._sample = DisplaySample(self.network, self._rows)  # see sample_evaluation
        self.training: TrainingSpec | None = None
        self.optimizer = None
        self.set_training(lab.training)

    # ------------------------------------------------------------------ settings
    @property
    def epoch(self) -> int:
        return self.history.epochs_done

    @property
    def n_train(self) -> int:
        return len(self._rows[1])

    def set_training(self, spec: TrainingSpec) -> None:
        """Change learning rate, batch size, regularisation or optimizer between epochs
        without touching the weights (a new optimizer kind starts with fresh state)."""
        spec = normalized(replace(self.lab, training=spec)).training
        old = self.training
        if self._in_pass and (self._pending is not None or self._recompiles(old, spec)):
            # the epoch's minibatches are bound to the old program: a new batch size,
            # optimizer or regulariser starts with the next epoch, as between epochs
            self._pending = spec
            return
        self.training = spec
        net = self.network
        recompile = (old is None or old.batch_size != spec.batch_size
                     or old.reshuffle != spec.reshuffle)
        if old is None or old.optimizer != spec.optimizer or old.momentum != spec.momentum:
            self.optimizer = make_optimizer(spec.optimizer, net.n_params, spec.learning_rate,
                                            spec.momentum)
            recompile = True
        self.optimizer.lr = float(spec.learning_rate)
        reg = regularization_kind(spec.regularization) if spec.reg_rate > 0 else "none"
        if old is None or reg != self._reg:
            self._reg = reg
            recompile = True
        # the regulariser's calls read the rate from this buffer: a new rate needs no new
        # program
        np.multiply(net.weight_mask, float(spec.reg_rate), out=self._reg_scale)
        if recompile:
            self._compile()
        self.lab = replace(self.lab, training=spec)

    def _recompiles(self, old: TrainingSpec | None, spec: TrainingSpec) -> bool:
        """Whether :meth:`set_training` from ``old`` to ``spec`` needs a new program."""
        reg = regularization_kind(spec.regularization) if spec.reg_rate > 0 else "none"
        return (old is None or old.batch_size != spec.batch_size
                or old.reshuffle != spec.reshuffle or old.optimizer != spec.optimizer
                or old.momentum != spec.momentum or reg != self._reg)

    def _compile(self) -> None:
        """A new epoch program: the model's, bound to the rows, the batch size, the
        regulariser and the optimizer's step."""
        net = self.network
        reg_ops = regularizer_ops(self._reg, net.flat, net.grad_flat, self._reg_scale, self._tmp)
        update = Update(reg_ops, self._tmp, self.optimizer.ops(net.flat, net.grad_flat))
        X, y = self._rows[0], self._rows[1]
        self._program = net.epoch_program(X, y, self.training.batch_size,
                                          self.training.reshuffle, update)

    def set_parameter(self, layer: int, i: int | None, j: int, value) -> float:
        """Set weight ``W[i, j]`` of weight layer ``layer`` (0 = inputs -> first layer),
        or the bias ``b[j]`` when ``i`` is None, between epochs — a student's hand edit
        (dense networks: point and function labs).  Returns the value it replaced.

        Raises ValueError and changes nothing for a value that is not a finite number
        within ±PARAM_EDIT_LIMIT, or one that makes values inside the network too large to
        draw (the divergence check's limit).  Training goes on from the edited weights
        with the same optimizer; the next snapshot reports the loss and accuracy *of the
        edited weights* (the history keeps what each epoch ended with)."""
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not a number") from None
        if not math.isfinite(v):
            raise ValueError(f"{v} is not a finite number")
        if abs(v) > PARAM_EDIT_LIMIT:
            raise ValueError(f"{v:g} is too large: a weight or bias must lie between "
                             f"{-PARAM_EDIT_LIMIT:g} and {PARAM_EDIT_LIMIT:g}")
        net = self.network
        if not isinstance(net, EditableModel):
            raise TypeError(f"the weights of {self.kind} labs cannot be set one by one")
        if not 0 <= layer < net.n_layers:
            raise IndexError(f"weight layer {layer} outside 0..{net.n_layers - 1}")
        fan_in = net.sizes[layer]
        if i is not None and not 0 <= int(i) < fan_in:
            raise IndexError(f"input {i} outside 0..{fan_in - 1} of weight layer {layer}")
        start_loss = self._start_loss()  # of the weights before the edit
        row = fan_in if i is None else int(i)  # the bias is the augmented matrix's last row
        old = net.set_entry(layer, row, int(j), v)
        self._version += 1
        with np.errstate(all="ignore"):
            loss = float(self._evaluate_row()[0])
            big = self._evaluation.largest_value()
        if not (math.isfinite(loss) and big <= VALUE_LIMIT):
            net.set_entry(layer, row, int(j), old)
            self._version += 1
            raise ValueError(f"with {v:g} the values inside the network grow too large "
                             "to draw")
        self._edited = True
        # The runaway check compares the loss with where the run started; a hand-set
        # weight is a new start, so a deliberately bad one is not later called divergence.
        if not math.isfinite(start_loss) or loss > start_loss:
            self._loss_start = loss
        return old

    # ------------------------------------------------------------------ gradient record
    def _record_start(self, g: np.ndarray, minus=None) -> None:
        """Epoch 0: the gradient at the starting weights (kept when finite)."""
        row = self.gradients.slot(0)
        self._gradient_sizes.measure(row, g, minus)
        if np.all(np.isfinite(row)):
            self.gradients.commit(0)

    def _record_end(self, g: np.ndarray, minus=None) -> None:
        """The epoch's last minibatch, if the record keeps this epoch (committed once
        the epoch proves good)."""
        row = self._end_row = self.gradients.slot(self.epoch + 1)
        if row is not None:
            self._gradient_sizes.measure(row, g, minus)

    # ------------------------------------------------------------------ evaluation
    def _evaluate_row(self) -> np.ndarray:
        with np.errstate(all="ignore"):
            row = self._evaluation.run()
        self._evaluated_at = self._version
        return row

    def evaluate(self) -> dict[str, float]:
        """Current train/test loss (data loss) and accuracy, without training."""
        return {name: float(v) for name, v in zip(COLUMNS, self._evaluate_row())}

    def predictions(self) -> tuple[np.ndarray, np.ndarray]:
        """(train, test) predicted classes of the current weights, read-only, for models
        whose evaluation keeps them (image labs: the window's gallery and confusion matrix
        read them instead of running the test set again); computed by the last evaluation
        when the weights have not changed since."""
        if self._evaluated_at != self._version or self._evaluation.predicted is None:
            self._evaluate_row()
        if self._evaluation.predicted is None:
            raise TypeError(f"the evaluation of {self.kind} labs keeps no predicted classes")
        return self._evaluation.predicted

    def sample_evaluation(self) -> tuple[np.ndarray, tuple, tuple]:
        """The current weights measured on a fixed subsample — what a window shows while
        an epoch is under way, when a whole evaluation would cost as much as the epoch:
        ``(row, (train_index, train_predicted), (test_index, test_predicted))`` (see
        :class:`.display_sample.DisplaySample`), the row as :meth:`evaluate`'s values on
        the subsample.  Computed once per weight change."""
        return self._sample.measure(self._version)

    @property
    def on_sample(self) -> bool:
        """Whether a snapshot measures the weights on the fixed subsample of
        :meth:`sample_evaluation`: while an epoch is under way, and before the first
        epoch of a lab that trains in steps (its whole evaluation is part of that epoch's
        steps, so a large lab shows its first picture without waiting for it)."""
        return bool(self.progress) or (self._program.n_steps > 1 and not len(self.history))

    def shown_predictions(self) -> tuple[tuple, tuple]:
        """``((train_index, train_predicted), (test_index, test_predicted))`` for a
        window to draw: between epochs every image's class (index None: all of them, from
        :meth:`predictions`), while :attr:`on_sample` those of the fixed subsample of
        :meth:`sample_evaluation`."""
        if self.on_sample:
            shown = self.sample_evaluation()[1:]
            # a subsample that is the whole split (a small lab) is every image
            return tuple((None if len(i) == len(y) else i, p)
                         for (i, p), y in zip(shown, (self._rows[1], self._rows[3])))
        tp, vp = self.predictions()
        return (None, tp), (None, vp)

    def epochs_per_second(self) -> float:
        """Training speed over the last half second or so."""
        now = time.perf_counter()
        t0, e0 = self._rate_t0
        if now - t0 >= 0.5:
            done = self.epoch + self.progress  # an image lab's epoch under way counts
            self._rate = (done - e0) / (now - t0)
            self._rate_t0 = (now, done)
        return self._rate

    # ------------------------------------------------------------------ reading out
    def surface_grid(self, n: int = 100):
        """The grid the snapshot pictures are computed on: the input plane of a point
        lab (a :class:`.surface.SurfaceGrid`), or for a function lab the x axis (a
        :class:`.curve_grid.CurveGrid`, whose pictures are area charts of each unit's
        curve).  TypeError for a kind without one (image labs)."""
        if self._grid is None or self._grid.n != n:
            if self._kind.grid is None:
                raise TypeError(f"{self.kind} labs have no surface grid")
            self._grid = self._kind.grid(self.features, n)
        return self._grid

    def snapshot(self, grid: int | None = 100, neurons: bool = True) -> Snapshot:
        """A frozen picture of the run now: metrics, history, parameters (read-only
        copies) and, for a kind with a surface, the surface on a ``grid``×``grid`` grid
        (or none) with every hidden neuron's picture when ``neurons``."""
        # after a hand edit the last history row describes the weights before it; in
        # an epoch under way the weights are measured on the display's subsample
        fresh = len(self.history) == 0 or self._edited
        progress, sample = self.progress, None
        if self.on_sample:
            row, (itr, _), (ite, _) = self.sample_evaluation()
            metrics = dict(zip(COLUMNS, (float(v) for v in row)))
            if (len(itr), len(ite)) != (len(self._rows[1]), len(self._rows[3])):
                sample = (len(itr), len(ite))
        else:
            metrics = self.evaluate() if fresh else self.history.last()
        surface, neuron_imgs = None, ()
        extent = EXTENT if self._kind.grid is not None else 0.0
        if grid and self._kind.grid is not None:
            g = self.surface_grid(grid)
            extent = g.extent
            with np.errstate(all="ignore"):
                surface, hidden = g.evaluate(self.network, neurons)
            surface.setflags(write=False)
            neuron_imgs = tuple(hidden)
        params = tuple(self.network.get_params())  # copies
        for W, b in params:
            W.flags.writeable = b.flags.writeable = False
        return Snapshot(epoch=self.epoch, history=self.history.view(), params=params,
                        surface=surface, neurons=neuron_imgs, extent=extent,
                        diverged=self.diverged, epochs_per_second=self.epochs_per_second(),
                        stopped=self.finished, progress=progress, sample=sample, **metrics)

    # ------------------------------------------------------------------ rows and points
    def train_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """``(X, y)``: the training rows as the network takes them — for a point or
        function lab the lab's input features applied to the points, shape (n,
        n_features); for an image lab the images (n, 1, H, W) — and their targets, ready
        for ``network.predict``, ``network.data_loss`` and ``network.loss_and_grads``."""
        return self._rows[0].copy(), self._rows[1].copy()

    def test_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """``(X, y)`` for the test rows, as :meth:`train_rows` (may have 0 rows)."""
        return self._rows[2].copy(), self._rows[3].copy()

    def predict_points(self, points) -> np.ndarray:
        """Network output for raw 2-D points ``(x1, x2)`` (shape (n, 2), or one point):
        the lab's input features are computed first (a function lab takes x values, shape
        (n,) or (n, 1), and returns y (n,)).  P(class 1) (n,) for two classes,
        class probabilities (n, k) for more, values (n,) for regression."""
        return self._predict(points, "points")

    def predict_images(self, X) -> np.ndarray:
        """Class probabilities (n, n_classes) for images ``X`` (n, 1, H, W)."""
        return self._predict(X, "images")

    def _predict(self, raw, takes: str) -> np.ndarray:
        if self._kind.takes != takes:
            raise TypeError(f"{self.kind} labs predict from {self._kind.takes}: use "
                            f"predict_{self._kind.takes}")
        return self.network.predict(self._kind.inputs(raw, self.features))

    def to_lab(self) -> Lab:
        """The lab with the current trained parameters and history (after a divergence:
        the last good parameters, which are finite).  While an epoch is under way (see
        :meth:`train_steps`) the parameters are those its history ends with — the ones
        the epoch started from — so a saved lab's weights and numbers always agree."""
        return replace(self.lab, params=tuple(self._epoch_params()),
                       history=self.history.to_dict())

    def _epoch_params(self) -> list:
        """Copies of the parameters the history ends with (see :meth:`to_lab`)."""
        net = self.network
        if not self._started:
            return net.get_params()
        now = net.flat.copy()
        np.copyto(net.flat, self._good)  # every W, b is a view of flat
        try:
            return net.get_params()
        finally:
            np.copyto(net.flat, now)
