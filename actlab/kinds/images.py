"""The image labs: the lab the window switches to when the student picks an image data set
(:func:`image_lab_for`), the image network kept consistent with its images
(:func:`fitted_network`), and a lab's images read for training (:func:`lab_data`).

Pure Python (no Qt), so the CLI and tests can use the same defaults as the Data panel.
"""
from __future__ import annotations

import os
import re
from dataclasses import replace

from actlab.engine.models.cnn_spec import ImageNetSpec
from actlab.engine.data.images import (
    DEFAULT_SIZE, IMAGE_GENERATORS, MAX_SIZE, MIN_SIZE, per_class_limit)
from actlab.kinds.image_defaults import (  # noqa: F401  (both: this module's API too)
    DEFAULT_PER_CLASS, IMAGE_TRAINING)
from actlab.kinds.image_sources import load_lab_images
from actlab.lab import ImageDataSpec, Lab



def short_title(generator: str) -> str:
    """The data set's title without its explanation: "Bars: horizontal or vertical" ->
    "Bars", "Same or different (XOR)" -> "Same or different"."""
    title = IMAGE_GENERATORS[generator].title.split(":")[0]
    return re.sub(r"\s*\([^)]*\)\s*$", "", title).strip()


def n_classes_of(data: ImageDataSpec) -> int | None:
    """How many classes ``data`` has: the generator's, or the file's once known (None
    for a file not read yet)."""
    if data.source is not None:
        return data.classes
    return len(IMAGE_GENERATORS[data.generator].class_names)


def fitted_network(network: ImageNetSpec, data: ImageDataSpec) -> ImageNetSpec:
    """``network`` with ``input_size`` and ``n_classes`` following ``data`` (the class
    count kept when a file's is not known yet).  ValueError when the network's layers
    cannot slide over images of ``data.size`` px."""
    k = n_classes_of(data) or network.n_classes
    if network.input_size == data.size and network.n_classes == k:
        return network
    return replace(network, input_size=data.size, n_classes=k)


def smallest_fitting_size(network: ImageNetSpec) -> int:
    """The smallest image size (8..32) ``network``'s layers fit (32 if none does)."""
    for size in range(MIN_SIZE, MAX_SIZE + 1):
        try:
            replace(network, input_size=size)
        except ValueError:
            continue
        return size
    return MAX_SIZE


def image_lab_for(generator: str, old_lab: Lab) -> Lab:
    """A new image lab on the data set ``generator`` (a key of ``IMAGE_GENERATORS``).

    From a point lab it gets the default image network (two 8-filter 3×3 ReLU
    convolutions, global average pooling) and :data:`IMAGE_TRAINING`; from an image lab it
    keeps that lab's network and training (sized for the new data) and image settings.
    Either way it keeps ``old_lab.seed``, and drops results and the guide (they belong to
    the old data)."""
    info = IMAGE_GENERATORS[generator]
    old = old_lab.data if old_lab.kind == "images" else None
    if old is not None:
        data = ImageDataSpec(generator=generator, size=old.size, noise=old.noise,
                             per_class=min(old.per_class, per_class_limit(generator)),
                             train_fraction=old.train_fraction,
                             seed=old.seed)
        network, training = old_lab.network, old_lab.training
    else:
        data = ImageDataSpec(generator=generator, size=info.native_size or DEFAULT_SIZE,
                             per_class=min(DEFAULT_PER_CLASS, per_class_limit(generator)),
                             train_fraction=old_lab.data.train_fraction, seed=old_lab.data.seed)
        network, training = ImageNetSpec(), IMAGE_TRAINING
    try:
        network = fitted_network(network, data)
    except ValueError:  # the kept network cannot take these images: start afresh
        network = fitted_network(ImageNetSpec(), data)
    return Lab(name=f"{short_title(generator)} (images)", description=info.description,
               data=data, network=network, training=training, seed=old_lab.seed)


def lab_data(lab: Lab, path: str | None = None):
    """``(lab, images)`` for an image lab opened from ``path`` (its relative image source
    is found beside the file; see :func:`.image_sources.load_lab_images`).  Raises
    ImageFileError/ValueError with a message for the user."""
    base = os.path.dirname(os.path.abspath(path)) if path else None
    return load_lab_images(lab, base)
