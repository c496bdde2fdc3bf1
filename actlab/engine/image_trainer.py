"""Training an image lab: the same public shape as the point :class:`~.trainer.Trainer`
(``Trainer(lab)`` returns one of these for a lab whose data kind is ``"images"``).

``train(epochs)`` / ``train_epoch()`` run minibatch epochs of :class:`.cnn.ConvTrainer`;
after each the whole training and test sets are evaluated, so ``history`` holds the
train/test loss (data loss, no penalty) and accuracy of the weights each epoch ended with,
like the point trainer.  Initial weights come from ``default_rng([seed, 0])`` and the
minibatch order from ``default_rng([seed, 1])``: the same seed gives the same bits, and
runs that differ only in activation share both.  Minibatches are always reshuffled.
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import replace

import numpy as np

from actlab.lab import Lab, TrainingSpec
from actlab.engine.models.cnn import ConvNetwork, ConvTrainer
from actlab.engine.models.cnn_layers import softmax_cross_entropy
from actlab.engine.epoch_loop import EpochLoop
from actlab.engine.history import GradientHistory, History
from actlab.engine.snapshot import Snapshot
from actlab.engine.data.images import ImageData, make_images, with_added


def image_data(lab: Lab, base_dir: str | None = None) -> ImageData:
    """The images of ``lab`` (its ``ImageDataSpec``): drawn in code, or read from the
    ``.npz`` its ``source`` names (a relative path joined to ``base_dir``, the lab file's
    folder, when given).  A folder of pictures needs Qt to decode, which the engine never
    imports: :func:`actlab.image_sources.load_lab_images` reads those (and npz files) in
    the layer above.  A bad file raises :class:`.images.ImageFileError`.  The images the
    student drew (``data.added``) are appended to the training images."""
    return with_added(_source_data(lab, base_dir), lab.data.added)


def _source_data(lab: Lab, base_dir: str | None = None) -> ImageData:
    """The images of ``lab`` before the drawn ones are added."""
    d = lab.data
    if d.source is None:
        return make_images(d.generator, d.size, d.noise, d.per_class, d.train_fraction,
                           d.seed)
    kind, name = d.source
    if kind != "npz":
        raise ValueError(f"the images of this lab are a folder of pictures ({name}); read "
                         f"them with actlab.image_sources.load_lab_images and pass the "
                         f"data to Trainer(lab, data)")
    from actlab.engine.data.image_npz import load_npz

    name = os.path.expanduser(name)
    path = os.path.join(base_dir, name) if base_dir is not None else name
    return load_npz(path, d.size, d.train_fraction, d.seed)


def with_activation(network, name: str):
    """``network`` (an ImageNetSpec) with ``name`` in every convolution and dense layer."""
    return network.with_activation(name)


def activation_names(network) -> tuple[str, ...]:
    """Every activation of an image network in layer order: convolutions, then dense."""
    return network.activation_names()


class ImageTrainer(EpochLoop):
    """Owns one :class:`.cnn.ConvNetwork`, its images, an optimizer and the history."""

    kind = "images"

    def __init__(self, lab: Lab, dataset: ImageData | None = None):
        self.lab = lab
        self.dataset = dataset if dataset is not None else image_data(lab)
        ds = self.dataset
        if ds.n_train == 0:
            raise ValueError("the lab has no training images")
        spec = lab.network
        if spec.input_size != ds.size or spec.n_classes != ds.n_classes:
            spec = replace(spec, input_size=ds.size, n_classes=ds.n_classes)
            self.lab = lab = replace(lab, network=spec)
        self.network = ConvNetwork(spec, np.random.default_rng([lab.seed, 0]))
        if lab.params is not None:
            self.network.set_params(lab.params)
        self.history = History.from_dict(lab.history)
        self._shuffle_rng = np.random.default_rng([lab.seed, 1])
        self.diverged: str | None = None
        self._params_version = 0  # counts weight changes (the predictions cache keys on it)
        self.training: TrainingSpec | None = None
        self._rate, self._rate_t0 = 0.0, (time.perf_counter(), self.epoch)
        self.set_training(lab.training)
        self._init_gradient_record()

    @property
    def epoch(self) -> int:
        return len(self.history)

    @property
    def n_train(self) -> int:
        return self.dataset.n_train

    def set_training(self, spec: TrainingSpec) -> None:
        """New training settings between epochs; the weights stay (the optimizer starts
        fresh, as the point trainer's does for a new optimizer kind)."""
        self.training = spec
        self._trainer = ConvTrainer(self.network, spec.optimizer, spec.learning_rate,
                                    spec.momentum, spec.regularization, spec.reg_rate)
        self.lab = replace(self.lab, training=spec)

    # ------------------------------------------------------------------ training
    def _measure(self, X, y) -> tuple[float, float, np.ndarray]:
        if len(y) == 0:
            return math.nan, math.nan, np.zeros(0, dtype=np.int64)
        z = self.network.logits(X)
        loss = softmax_cross_entropy(z.T, np.asarray(y, dtype=np.int64))
        pred = np.argmax(z, axis=1)
        return float(loss), float(np.mean(pred == y)), pred

    def evaluate(self) -> dict[str, float]:
        """Current train/test loss (data loss) and accuracy, without training.  The
        predicted classes are kept (:meth:`predictions`): the window's gallery and
        confusion matrix read them instead of running the test set again."""
        ds = self.dataset
        with np.errstate(all="ignore"):
            tl, ta, tp = self._measure(ds.x_train, ds.y_train)
            vl, va, vp = self._measure(ds.x_test, ds.y_test)
        for p in (tp, vp):
            p.flags.writeable = False
        self._predicted = (self._params_version, tp, vp)
        return {"train_loss": tl, "test_loss": vl, "train_accuracy": ta, "test_accuracy": va}

    def predictions(self) -> tuple[np.ndarray, np.ndarray]:
        """(train, test) predicted classes of the current weights, read-only; computed
        by the last evaluation when the weights have not changed since."""
        cached = getattr(self, "_predicted", None)
        if cached is None or cached[0] != self._params_version:
            self.evaluate()
            cached = self._predicted
        return cached[1], cached[2]

    def train_epoch(self) -> bool:
        """One pass over the training images; False (and ``diverged`` set to a sentence,
        the last good weights kept) when the run diverged."""
        if self.diverged:
            return False
        ds, spec = self.dataset, self.training
        self._params_version += 1
        if self.epoch == 0 and not len(self.gradients):  # the starting weights
            self._record_start(spec.batch_size)
        ok = self._trainer.train_epoch(ds.x_train, ds.y_train, spec.batch_size,
                                       self._shuffle_rng)
        if ok:
            m = self.evaluate()
            if not (math.isfinite(m["train_loss"]) and
                    (ds.n_test == 0 or math.isfinite(m["test_loss"]))):
                ok = False  # the engine's own checks passed but a whole-set loss did not
                self._trainer.diverged = (
                    f"Training diverged at epoch {self.epoch + 1}: the loss is no longer "
                    f"a finite number. The learning rate ({spec.learning_rate:g}) is "
                    f"probably too high — lower it and press Reset.")
        if not ok:
            self.diverged = self._trainer.diverged
            return False
        self.history.append(m["train_loss"], m["test_loss"], m["train_accuracy"],
                            m["test_accuracy"])
        row = self.gradients.slot(self.epoch)
        if row is not None:
            self._layer_gradient_sizes(row, self._trainer)
            self.gradients.commit(self.epoch)
        return True

    # ------------------------------------------------------------------ gradient record
    def _init_gradient_record(self) -> None:
        """``gradients``: mean |∂L/∂W| per weight layer (convolutions, dense layers, the
        output; biases left out) from epoch 0 on, the point trainer's
        :class:`.history.GradientHistory`, so the gradient-flow view reads either."""
        net = self.network
        layers = net._linear
        self.gradients = GradientHistory(len(layers))
        sizes = [l.n_weights + l.n_bias for l in layers]
        # each layer's weights and bias are one contiguous block of the flat buffer, in
        # layer order (see ConvNetwork): one reduceat sums every layer at once
        self._g_starts = np.concatenate([[0], np.cumsum(sizes[:-1])]).astype(np.intp)
        self._g_inv = np.array([1.0 / l.n_weights for l in layers])
        self._g_abs = np.empty(net.n_params)
        self._g_sum = np.empty(len(layers))

    def _layer_gradient_sizes(self, out: np.ndarray, trainer=None) -> None:
        """Mean |∂L/∂W| per layer of the data-loss gradient in ``grad_flat`` into ``out``.

        After an epoch ``grad_flat`` holds the last minibatch's gradient *plus* the
        regulariser's term (the conv trainer adds it in place); the regulariser's ops
        leave that term in their scratch buffer, so it is taken off again here — the
        record is the data-loss gradient, as the point trainer's is."""
        g = self.network.grad_flat
        reg = getattr(trainer, "_reg", None) if trainer is not None else None
        if reg:
            np.subtract(g, reg[-1][1][1], out=self._g_abs)  # the last op is G += term
            np.abs(self._g_abs, out=self._g_abs)
        else:
            np.abs(g, out=self._g_abs)
        np.multiply(self._g_abs, self.network.weight_mask, out=self._g_abs)
        np.add.reduceat(self._g_abs, self._g_starts, out=self._g_sum)
        np.multiply(self._g_sum, self._g_inv, out=out)

    def _record_start(self, batch_size: int) -> None:
        """Epoch 0: the gradient at the starting weights on the first minibatch's worth
        of training images (in file order: the shuffle's random numbers are left to the
        epoch, so recording changes no bit of training)."""
        net, ds = self.network, self.dataset
        m = max(1, min(int(batch_size), ds.n_train))
        with np.errstate(all="ignore"):
            net._gradients(net._images(ds.x_train[:m]),
                           net._labels(ds.y_train[:m], m))
            row = self.gradients.slot(0)
            if row is not None:
                self._layer_gradient_sizes(row)
                if np.all(np.isfinite(row)):
                    self.gradients.commit(0)

    # ------------------------------------------------------------------ reading out
    def predict_images(self, X) -> np.ndarray:
        """Class probabilities (n, n_classes) for images ``X`` (n, 1, H, W)."""
        return self.network.predict(X)

    def snapshot(self, grid=None, neurons: bool = False):
        """A frozen picture of the run: metrics, history and parameters (no surface —
        an image lab has none)."""

        metrics = self.evaluate() if len(self.history) == 0 else self.history.last()
        params = tuple((w.copy(), b.copy()) for w, b in self.network.get_params())
        for w, b in params:
            w.flags.writeable = b.flags.writeable = False
        return Snapshot(epoch=self.epoch, history=self.history.view(), params=params,
                        surface=None, neurons=(), extent=0.0, diverged=self.diverged,
                        epochs_per_second=self.epochs_per_second(), stopped=self.finished,
                        **metrics)

    def to_lab(self) -> Lab:
        """The lab with the current parameters and history (after a divergence: the last
        good ones)."""
        params = tuple(self.network.get_params())
        return replace(self.lab, params=params, history=self.history.to_dict())
