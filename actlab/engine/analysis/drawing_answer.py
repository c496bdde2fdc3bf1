"""What the trained network makes of one drawing, in one frozen value.

The "Draw an image…" dialog asks this while the student draws: the class probabilities
(exactly :meth:`~actlab.engine.trainer.Trainer.predict_images`), every convolution's
feature maps after its activation (the network's own layers, as the builder's maps), and
— for a piecewise-linear network — the drawing's own template for the predicted class,
T(x) with ⟨T(x), x⟩ + c(x) = its score (see :mod:`.local_linear`).  For a network with a
smooth activation there is no such template, and :attr:`DrawingAnswer.no_template` says
why.  No Qt here: the dialog only draws the arrays.

Cost, measured on this machine (2 busy cores): 16×16 digits (two 16-filter convolutions,
10 classes) about 3 ms per drawing, 32×32 about 8 ms, so the dialog asks on every
change of the canvas.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.activations.lookup import display_name
from actlab.engine.analysis import local_linear as ll
from actlab.engine.analysis.conv import first_nonlinearity
from actlab.engine.frozen import read_only
from actlab.engine.models.cnn_layers import Act, Conv2D


@dataclass(frozen=True, eq=False)
class DrawingAnswer:
    """The network's answer for one drawing (read-only arrays)."""
    probabilities: np.ndarray   # (classes,) softmax, as predict_images gives it
    logits: np.ndarray          # (classes,) the scores before the softmax
    predicted: int              # the class with the highest score
    maps: tuple                 # per convolution, (filters, h, w) after its activation
    map_titles: tuple           # per convolution: "Convolution 1 · 8 filters · after ReLU"
    template: np.ndarray | None  # (H, W) T(x) of the predicted class; None: see below
    constant: float | None      # c(x) of the predicted class
    dot: float | None           # ⟨T(x), x⟩ of the predicted class
    difference: float | None    # largest |logit − (⟨T(x), x⟩ + c(x))| over the classes
    no_template: str | None = None  # why there is no template (a smooth activation)
    shared_template: bool = False   # a linear network: the same template for every image

    @property
    def score(self) -> float:
        """The predicted class's score (its logit)."""
        return float(self.logits[self.predicted])


def _conv_maps(net, image) -> list[np.ndarray]:
    """Each convolution's maps after its activation (before any pooling), from the
    network's own layers — the maps the builder draws for a probed image."""
    maps, in_conv = [], False
    for layer, (_, value) in zip(net.layers, net.forward_maps(image)[1:]):
        if isinstance(layer, Conv2D):
            maps.append(value)
            in_conv = True
        elif in_conv and isinstance(layer, Act):
            maps[-1] = value
            in_conv = False
        else:  # pooling, the head, dense layers
            in_conv = False
    return maps


class DrawingClassifier:
    """``classifier(pixels) → DrawingAnswer`` for the network of ``trainer`` (an image
    lab's :class:`~actlab.engine.trainer.Trainer`; the classifier keeps it, so give it a
    copy when the original trains on)."""

    def __init__(self, trainer):
        self.trainer = trainer
        net = trainer.network
        spec = net.spec
        self.size = int(spec.input_size)
        self._convs, self._head = spec.conv, spec.head
        self._dense_acts, self._slope = tuple(spec.activations), spec.leaky_slope
        self._params = net.get_params()
        self.no_template = ll.not_piecewise_linear(self._convs, self._dense_acts,
                                                   self._slope)
        self.linear = first_nonlinearity(self._convs, self._dense_acts, self._slope) is None
        self.map_titles = tuple(
            f"Convolution {i + 1} · {c.filters} filter{'s' if c.filters != 1 else ''} · "
            f"after {display_name(c.activation)}" for i, c in enumerate(self._convs))

    def __call__(self, pixels) -> DrawingAnswer:
        x = np.asarray(pixels, dtype=float)
        if x.shape != (self.size, self.size):
            raise ValueError(f"the network reads {self.size}×{self.size} images, the "
                             f"drawing is {'×'.join(map(str, x.shape))}")
        batch = x[None, None]
        with np.errstate(all="ignore"):
            probs = self.trainer.predict_images(batch)[0]
            logits = self.trainer.network.logits(batch)[0]
            maps = _conv_maps(self.trainer.network, x)
            k = int(np.argmax(probs))
            template = constant = dot = diff = None
            if self.no_template is None:
                local = ll.local_affine(self._params, self._convs, self._head, batch,
                                        self._dense_acts, self._slope,
                                        scores=logits[None])
                template = local.templates[0, k]
                constant = float(local.constants[0, k])
                dot = float(np.sum(template * x))
                diff = float(local.max_difference)
        return DrawingAnswer(
            probabilities=read_only(probs), logits=read_only(logits), predicted=k,
            maps=tuple(read_only(m) for m in maps), map_titles=self.map_titles,
            template=None if template is None else read_only(template),
            constant=constant, dot=dot, difference=diff, no_template=self.no_template,
            shared_template=self.linear)
