"""What the window draws for an image lab at one moment of training, as plain read-only
arrays (the views are dumb: they draw these values and compute nothing).

:func:`make_pictures` is called on the training thread next to ``trainer.snapshot()``; it
costs one forward pass of one image (the probed one) plus copies, because the predicted
classes of the whole test set come from the trainer's last evaluation
(:meth:`~actlab.engine.trainer.Trainer.predictions`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.activations.lookup import display_name
from actlab.engine.models.cnn_layers import Act, Conv2D, Pool2x2
from actlab.engine.analysis.conv import confusion_matrix
from actlab.engine.frozen import read_only

GALLERY = 40  # test images in the gallery


@dataclass(frozen=True, eq=False)
class LayerPictures:
    """One convolution layer: its filters and what they make of the probed image."""

    index: int              # 0-based conv layer
    title: str              # "Convolution 1 · 8 filters 3×3 · ReLU · max pool"
    activation: str         # canonical activation name
    kernels: np.ndarray     # (filters, in_channels, k, k), the layer's weights
    bias: np.ndarray        # (filters,)
    pre: np.ndarray         # (filters, h, w): the convolution's output for the probe
    post: np.ndarray        # (filters, h, w): after the activation
    pooled: np.ndarray      # (filters, h', w'): after the pooling (= post without one)


@dataclass(frozen=True, eq=False)
class ImagePictures:
    """The probed image through the network, the gallery and the confusion matrix."""

    split: str                      # "test", or "train" when there are no test images
    probe: int                      # index of the probed image in that split
    image: np.ndarray               # (H, W) in [0, 1]
    label: int                      # its true class
    scores: np.ndarray              # (n_classes,) class probabilities for it
    layers: tuple                   # LayerPictures per conv layer
    gallery: np.ndarray             # (n,) indices into the split
    gallery_images: np.ndarray      # (n, H, W)
    gallery_true: np.ndarray        # (n,) int
    gallery_pred: np.ndarray        # (n,) int
    confusion: np.ndarray           # (n_classes, n_classes) counts, rows = truth
    class_names: tuple
    # the images of the split the confusion matrix counts while an epoch is under way
    # (the trainer's fixed subsample, see Trainer.sample_evaluation); None: all of them
    counted: int | None = None


def gallery_indices(labels: np.ndarray, n: int = GALLERY) -> np.ndarray:
    """Up to ``n`` indices taking the classes in turn (the first image of each class,
    then the second, …), so every class shows however the images are ordered."""
    labels = np.asarray(labels)
    per_class = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    out: list[int] = []
    rank = 0
    while len(out) < n and any(rank < len(p) for p in per_class):
        out.extend(int(p[rank]) for p in per_class if rank < len(p))
        rank += 1
    return np.array(sorted(out[:n]), dtype=np.int64)


def display_sample(labels: np.ndarray, n: int, gallery: bool = True) -> np.ndarray:
    """The sorted indices of a fixed subsample of about ``n`` of ``labels`` (all of them
    when there are few more): ``n`` evenly spaced ones, so the classes keep their shares
    however the images are ordered, and with ``gallery`` the gallery's images
    (:func:`gallery_indices`), so the gallery can show their answers."""
    k = len(labels)
    if k <= n + GALLERY:
        return read_only(np.arange(k, dtype=np.int64), np.int64)
    even = np.linspace(0, k - 1, n).round().astype(np.int64)
    return read_only(np.union1d(even, gallery_indices(labels)) if gallery else even,
                     np.int64)


def layer_title(i: int, conv) -> str:
    """"Convolution 1 · 8 filters 3×3 · ReLU · max pool" for ConvSpec ``conv``."""
    parts = [f"Convolution {i + 1}",
             f"{conv.filters} filter{'s' if conv.filters != 1 else ''} "
             f"{conv.kernel}×{conv.kernel}", display_name(conv.activation)]
    if conv.stride != 1:
        parts.append(f"stride {conv.stride}")
    if conv.pool != "none":
        parts.append(f"{conv.pool} pool")
    return " · ".join(parts)


def make_pictures(trainer, probe: int = 0, split: str = "test",
                  gallery: int = GALLERY) -> ImagePictures:
    """The pictures of ``trainer`` (the Trainer of an image lab) with image ``probe`` of ``split``
    ("test" or "train"; "test" falls back to "train" when there are no test images).
    An out-of-range ``probe`` is clamped (the data set may have shrunk)."""
    ds = trainer.dataset
    if split not in ("test", "train"):
        raise ValueError(f"split must be 'test' or 'train', got {split!r}")
    if split == "test" and ds.n_test == 0:
        split = "train"
    x = ds.x_test if split == "test" else ds.x_train
    y = ds.y_test if split == "test" else ds.y_train
    # every image's answer between epochs; in an epoch under way those of the fixed
    # subsample (which holds the gallery's images)
    shown_train, shown_test = trainer.shown_predictions()
    shown, pred = shown_test if split == "test" else shown_train
    y_shown = y if shown is None else y[shown]
    probe = int(min(max(probe, 0), len(y) - 1))
    net = trainer.network
    maps = net.forward_maps(x[probe])[1:]  # aligned with net.layers
    layers: list[dict] = []  # one per conv layer: its maps, filled in layer order
    in_conv = False          # between a convolution and the next non-conv-block layer
    for layer, (_, value) in zip(net.layers, maps):
        if isinstance(layer, Conv2D):
            layers.append({"pre": value, "post": value, "pooled": value})
            in_conv = True
        elif in_conv and isinstance(layer, Act):
            layers[-1]["post"] = layers[-1]["pooled"] = value
        elif in_conv and isinstance(layer, Pool2x2):
            layers[-1]["pooled"] = value
        else:
            in_conv = False  # the head and the dense layers
    params = net.get_params()
    out = []
    for i, d in enumerate(layers):
        spec, (K, b) = net.spec.conv[i], params[i]
        out.append(LayerPictures(i, layer_title(i, spec), spec.activation, read_only(K), read_only(b),
                                 read_only(d["pre"]), read_only(d["post"]), read_only(d["pooled"])))
    idx = gallery_indices(y, gallery)
    at = idx if shown is None else np.minimum(np.searchsorted(shown, idx), len(shown) - 1)
    if shown is not None and not (len(pred) == len(shown) and np.array_equal(shown[at], idx)):
        at = None  # not a gallery of the subsample (a custom size): no answers to show
    scores = trainer.predict_images(x[probe:probe + 1])[0]
    return ImagePictures(
        split=split, probe=probe, image=read_only(x[probe, 0]), label=int(y[probe]),
        scores=read_only(scores), layers=tuple(out), gallery=read_only(idx, np.int64),
        gallery_images=read_only(x[idx, 0]), gallery_true=read_only(y[idx], np.int64),
        gallery_pred=read_only(pred[at] if len(pred) and at is not None
                               else np.zeros(len(idx)), np.int64),
        confusion=read_only(confusion_matrix(y_shown, pred, ds.n_classes)
                            if len(pred) == len(y_shown) else np.zeros((ds.n_classes,) * 2),
                            np.int64),
        class_names=tuple(ds.class_names),
        counted=None if shown is None else len(shown))
