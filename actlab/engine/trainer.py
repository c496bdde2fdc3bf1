"""Training: a Lab in, epochs of minibatch descent, frozen snapshots out.

The GUI runs a :class:`Trainer` on a worker thread and asks for a :class:`Snapshot` when it
wants to draw; the CLI iterates the same object.  Pause, step and stop happen between
epochs, never in the middle of an update.  The same seed gives the same run bit for bit:
initial weights come from ``default_rng([seed, 0])`` and minibatch order from
``default_rng([seed, 1])``, so runs that differ only in activation share both.
"""
from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

from actlab.lab import Lab, TrainingSpec
from actlab.engine.data.dataset import Dataset
from actlab.engine.data.build import build_dataset
from actlab.engine.activations.lookup import canonical_name
from actlab.engine.divergence import VALUE_LIMIT, diagnose, runaway_factor, safe_weight_limit
from actlab.engine.epoch_loop import EpochLoop
from actlab.engine.features import transform
from actlab.engine.history import GradientHistory, History
from actlab.engine.models.mlp import Network, augment, regularization_kind, target_form
from actlab.engine.optimizers import make_optimizer
from actlab.engine.models.mlp_program import Evaluator, epoch_ops
from actlab.engine.regularizers import regularizer_ops
from actlab.engine.pictures.surface import SurfaceGrid
from actlab.engine.snapshot import Snapshot

# The largest |value| a student may type for one weight or bias.  Trained weights of the
# presets stay within ±10; a thousand is far past anything useful, and keeps one edit well
# clear of the "too large to draw" divergence check (which set_parameter also makes).
PARAM_EDIT_LIMIT = 1e3


def output_kind(problem: str, n_classes: int) -> tuple[str, int]:
    """(output head, number of outputs) for a problem."""
    if problem == "regression":
        return "linear", 1
    if n_classes > 2:
        return "softmax", n_classes
    return "sigmoid", 1


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


class Trainer(EpochLoop):
    """Owns one network, its data, an optimizer and the history of one run.

    ``Trainer(lab)`` for an image lab (``lab.kind == "images"``) returns an
    :class:`.image_trainer.ImageTrainer`, which has the same public shape.  A function lab
    (``"functions"``, y = f(x)) is trained by this class itself: its dataset's inputs are x
    of shape (n, 1), its features the 1-D ones, its output linear (regression)."""

    def __new__(cls, lab: Lab, dataset=None):
        if getattr(lab, "kind", "points") == "images":
            from actlab.engine.image_trainer import ImageTrainer
            return ImageTrainer(lab, dataset)
        return super().__new__(cls)

    def __init__(self, lab: Lab, dataset: Dataset | None = None):
        lab = normalized(lab)
        self.lab = lab
        self.dataset = dataset if dataset is not None else build_dataset(lab.data)
        ds = self.dataset
        self.output, self.n_out = output_kind(ds.problem, ds.n_classes)
        self.features = tuple(lab.features)
        Xtr = transform(ds.X_train, self.features)
        Xte = transform(ds.X_test, self.features)
        self.n_train = Xtr.shape[0]
        if self.n_train == 0:
            raise ValueError("the lab has no training points")
        self._Xtr_a = augment(Xtr)
        self._Xall_a = augment(np.vstack([Xtr, Xte]))
        self._ytr = np.asarray(ds.y_train, dtype=float)
        self._yte = np.asarray(ds.y_test, dtype=float)
        net = lab.network
        self.network = Network(len(self.features), net.hidden, net.activations, self.n_out,
                               self.output, net.init, np.random.default_rng([lab.seed, 0]),
                               net.leaky_slope, getattr(net, "custom", ()))
        if lab.params is not None:
            self.network.set_params(lab.params)
        self.history = History.from_dict(lab.history)
        self._shuffle_rng = np.random.default_rng([lab.seed, 1])
        self._good = self.network.flat.copy()
        self._tmp = np.empty(self.network.n_params)
        self._init_gradient_record()
        self._reg_scale = np.zeros(self.network.n_params)
        self._reg = "none"
        self._evaluator = Evaluator(self.network, self._Xall_a, self._ytr, self._yte)
        self.diverged: str | None = None
        self._edited = False  # a parameter was set by hand since the last epoch
        # the scale for "runaway": the first loss this run has (its history's, or now)
        losses = self.history.column("train_loss")
        self._loss_start = float(losses[0] if losses.size else self._evaluate()[0])
        x_max = float(np.abs(self._Xall_a).max())
        leaky = "leaky_relu" in self.network.activation_names
        gain = max(1.0, float(net.leaky_slope)) if leaky else 1.0
        for c in self.network.custom:  # a custom activation's steepest piece and offset
            if c.name in self.network.activation_names:  # (|f(z)| <= gain |z| for |z| >= 1)
                gain = max(gain, c.max_slope + abs(float(c.value(0.0))))
        self._weight_limit = safe_weight_limit(self.network.sizes, x_max, gain)
        self._runaway = runaway_factor(self.output)
        self._has_test = self._yte.size > 0
        self._grid: SurfaceGrid | None = None
        self._rate = 0.0
        self._rate_t0 = (time.perf_counter(), self.epoch)
        self.training = None
        self.optimizer = None
        self.set_training(lab.training)

    # ------------------------------------------------------------------ settings
    @property
    def epoch(self) -> int:
        return len(self.history)

    def set_training(self, spec: TrainingSpec) -> None:
        """Change learning rate, batch size, regularisation or optimizer between epochs
        without touching the weights (a new optimizer kind starts with fresh state)."""
        spec = normalized(replace(self.lab, training=spec)).training
        old = self.training
        self.training = spec
        net = self.network
        recompile = old is None or old.batch_size != spec.batch_size
        if old is None or old.optimizer != spec.optimizer or old.momentum != spec.momentum:
            self.optimizer = make_optimizer(spec.optimizer, net.n_params, spec.learning_rate,
                                            spec.momentum)
            recompile = True
        self.optimizer.lr = float(spec.learning_rate)
        reg = regularization_kind(spec.regularization) if spec.reg_rate > 0 else "none"
        if old is None or reg != self._reg:
            self._reg = reg
            recompile = True
        np.multiply(net.weight_mask, float(spec.reg_rate), out=self._reg_scale)
        if recompile:
            self._compile()
        self.lab = replace(self.lab, training=spec)

    def _compile(self) -> None:
        """Bind every buffer of one epoch into a list of NumPy calls (see plan.py)."""
        net = self.network
        bs = max(1, min(int(self.training.batch_size), self.n_train))
        n = self.n_train
        # each row's target is divided by the size of the minibatch its *position* is in
        sizes = np.full(n, float(bs))
        if n % bs:
            sizes[n - n % bs:] = n % bs
        base = target_form(self._ytr, self.output, self.n_out, 1.0)
        self._yc_base = base
        self._scale = None if self.output == "linear" else (1.0 / sizes).reshape(1, -1)
        if self.training.reshuffle:
            self._Xbuf = np.empty_like(self._Xtr_a)
            self._ybuf = np.empty_like(base)
        else:
            self._Xbuf = self._Xtr_a
            self._ybuf = base if self._scale is None else base * self._scale
        reg_ops = regularizer_ops(self._reg, net.flat, net.grad_flat, self._reg_scale, self._tmp)
        step_ops = self.optimizer.ops(net.flat, net.grad_flat)
        ops = self._ops = epoch_ops(net, self._Xbuf, self._ybuf, bs, reg_ops, step_ops)
        # Split where a minibatch's data gradient is complete (before the regulariser and
        # the step) so the gradient record can read it: after the first minibatch (for
        # "epoch 0", the starting weights) and after the last.  Same calls, same order.
        n_batches = -(-n // bs)
        grad_len = len(ops) // n_batches - len(reg_ops) - len(step_ops)
        last = len(ops) - len(reg_ops) - len(step_ops)
        self._ops_first, self._ops_rest = ops[:grad_len], ops[grad_len:last]
        self._ops_tail = ops[last:]

    # ------------------------------------------------------------------ training
    def train_epoch(self) -> bool:
        """One pass over the training points.  Returns False (and sets ``diverged`` to a
        sentence saying what happened) when the run diverged — a parameter or a loss stopped
        being finite, the loss ran away, or values grew too large to draw (see
        :mod:`.divergence`).  The parameters are then put back to
        those of the last good epoch (finite, with finite predictions), so a snapshot still
        draws and ``to_lab()`` saves them."""
        if self.diverged:
            return False
        P = self.network.flat
        np.copyto(self._good, P)
        if self.training.reshuffle:
            perm = self._shuffle_rng.permutation(self.n_train)
            np.take(self._Xtr_a, perm, axis=0, out=self._Xbuf)
            np.take(self._yc_base, perm, axis=1, out=self._ybuf)
            if self._scale is not None:
                np.multiply(self._ybuf, self._scale, out=self._ybuf)
        with np.errstate(all="ignore"):
            for f, args in self._ops_first:
                f(*args)
            if self.epoch == 0 and not len(self.gradients):  # the starting weights
                self._layer_gradient_sizes(self.gradients.slot(0))
                self.gradients.commit(0)
            for f, args in self._ops_rest:
                f(*args)
            grad_row = self.gradients.slot(self.epoch + 1)
            if grad_row is not None:
                self._layer_gradient_sizes(grad_row)
            for f, args in self._ops_tail:
                f(*args)
            row = self._evaluator.run()
            what = diagnose(P, row, self._has_test, self._loss_start, self._runaway,
                            self._weight_limit, self._evaluator.largest_value)
        if what:
            np.copyto(P, self._good)
            self.optimizer = None
            self.training, spec = None, self.training
            self.set_training(spec)  # a fresh optimizer: its state saw the blow-up
            kept = (f"the weights of epoch {self.epoch} are kept" if self.epoch
                    else "the starting weights are kept")
            self.diverged = (
                f"Training diverged at epoch {self.epoch + 1}: {what}. The learning rate "
                f"({spec.learning_rate:g}) is probably too high — lower it and press "
                f"Reset; {kept}.")
            return False
        self.history.append_row(row)
        self._edited = False
        if grad_row is not None:
            self.gradients.commit(self.epoch)
        return True

    def set_parameter(self, layer: int, i: int | None, j: int, value) -> float:
        """Set weight ``W[i, j]`` of weight layer ``layer`` (0 = inputs -> first layer),
        or the bias ``b[j]`` when ``i`` is None, between epochs — a student's hand edit.
        Returns the value it replaced.

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
        if not 0 <= layer < net.n_layers:
            raise IndexError(f"weight layer {layer} outside 0..{net.n_layers - 1}")
        fan_in = net.sizes[layer]
        if i is not None and not 0 <= int(i) < fan_in:
            raise IndexError(f"input {i} outside 0..{fan_in - 1} of weight layer {layer}")
        row = fan_in if i is None else int(i)  # the bias is the augmented matrix's last row
        old = net.set_entry(layer, row, int(j), v)
        with np.errstate(all="ignore"):
            loss = float(self._evaluator.run()[0])
            big = self._evaluator.largest_value()
        if not (math.isfinite(loss) and big <= VALUE_LIMIT):
            net.set_entry(layer, row, int(j), old)
            raise ValueError(f"with {v:g} the values inside the network grow too large "
                             "to draw")
        self._edited = True
        # The runaway check compares the loss with where the run started; a hand-set
        # weight is a new start, so a deliberately bad one is not later called divergence.
        if not math.isfinite(self._loss_start) or loss > self._loss_start:
            self._loss_start = loss
        return old

    def _init_gradient_record(self) -> None:
        net = self.network
        self.gradients = GradientHistory(len(net.Wa))
        # per layer: where its block starts in the flat buffer (blocks are contiguous, in
        # layer order: see Network) and 1 / its number of weights
        sizes = [G.size for G in net.Ga]
        self._g_starts = np.concatenate([[0], np.cumsum(sizes[:-1])]).astype(np.intp)
        self._g_inv = np.array([1.0 / (G.size - G.shape[1]) for G in net.Ga])
        self._g_abs = np.empty(net.n_params)
        self._g_sum = np.empty(len(net.Ga))

    def _layer_gradient_sizes(self, out: np.ndarray) -> None:
        """Write mean |∂L/∂W| per weight layer of the gradient now in ``grad_flat``
        (biases masked out) into ``out``: four NumPy calls whatever the depth."""
        np.abs(self.network.grad_flat, out=self._g_abs)
        np.multiply(self._g_abs, self.network.weight_mask, out=self._g_abs)
        np.add.reduceat(self._g_abs, self._g_starts, out=self._g_sum)
        np.multiply(self._g_sum, self._g_inv, out=out)

    def _evaluate(self) -> tuple[float, float, float, float]:
        with np.errstate(all="ignore"):
            r = self._evaluator.run()
        return float(r[0]), float(r[1]), float(r[2]), float(r[3])

    def evaluate(self) -> dict[str, float]:
        """Current train/test loss and accuracy (without training)."""
        tl, vl, ta, va = self._evaluate()
        return {"train_loss": tl, "test_loss": vl, "train_accuracy": ta, "test_accuracy": va}

    # ------------------------------------------------------------------ reading out
    def surface_grid(self, n: int = 100) -> SurfaceGrid:
        """The grid the snapshot pictures are computed on: the input plane of a point
        lab, or for a function lab the x axis (a :class:`.curve_grid.CurveGrid`, whose
        pictures are area charts of each unit's curve)."""
        if self._grid is None or self._grid.n != n:
            if self.dataset.X_train.shape[1] == 1:
                from actlab.engine.pictures.curve_grid import CurveGrid
                self._grid = CurveGrid(self.features, n)
            else:
                self._grid = SurfaceGrid(self.features, n)
        return self._grid

    def snapshot(self, grid: int | None = 100, neurons: bool = True) -> Snapshot:
        """A frozen picture of the run now (surface on a ``grid``×``grid`` grid, or none)."""
        # after a hand edit the last history row describes the weights before it
        fresh = len(self.history) == 0 or self._edited
        metrics = self.evaluate() if fresh else self.history.last()
        surface, neuron_imgs = None, ()
        extent = 6.0
        if grid:  # a function lab's "surface" is the area chart of its curve
            g = self.surface_grid(grid)
            extent = g.extent
            with np.errstate(all="ignore"):
                surface, hidden = g.evaluate(self.network, neurons)
            surface.setflags(write=False)
            neuron_imgs = tuple(hidden)
        params = tuple((W.copy(), b.copy()) for W, b in self.network.get_params())
        return Snapshot(epoch=self.epoch, history=self.history.view(), params=params,
                        surface=surface, neurons=neuron_imgs, extent=extent,
                        diverged=self.diverged, epochs_per_second=self.epochs_per_second(),
                        stopped=self.finished, **metrics)

    # ------------------------------------------------------------------ rows and points
    def train_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """``(X, y)``: the training rows in feature space (the lab's input features
        applied to the points, shape (n, n_features)) and their targets — ready for
        ``network.predict``, ``network.data_loss`` and ``network.loss_and_grads``."""
        return self._Xtr_a[:, :-1].copy(), self._ytr.copy()

    def test_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """``(X, y)`` for the test points, as :meth:`train_rows` (may have 0 rows)."""
        return self._Xall_a[self.n_train:, :-1].copy(), self._yte.copy()

    def predict_points(self, points) -> np.ndarray:
        """Network output for raw 2-D points ``(x1, x2)`` (shape (n, 2), or one point):
        the lab's input features are computed first (a function lab takes x values, shape
        (n,) or (n, 1), and returns y (n,)).  P(class 1) (n,) for two classes,
        class probabilities (n, k) for more, values (n,) for regression."""
        P = np.asarray(points, dtype=float)
        if self.dataset.X_train.shape[1] == 1:  # a function lab: x values, any shape
            return self.network.predict(transform(P.reshape(-1, 1), self.features))
        if P.ndim == 1:
            P = P.reshape(1, -1)
        if P.ndim != 2 or P.shape[1] != 2:
            raise ValueError(f"points must be rows of (x1, x2), shape (n, 2); got shape "
                             f"{np.shape(points)}")
        return self.network.predict(transform(P, self.features))

    def to_lab(self) -> Lab:
        """The lab with the current trained parameters and history (after a divergence:
        the last good parameters, which are finite)."""
        params = tuple((W, b) for W, b in self.network.get_params())
        return replace(self.lab, params=params, history=self.history.to_dict())
