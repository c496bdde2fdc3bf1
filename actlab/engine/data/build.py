"""One entry to the data of a lab: :func:`build_dataset` takes the lab's data spec and
hands it to the builder of its kind (``BUILDERS``, keyed by the spec's kind) — points,
function samples or images.  :func:`image_data` reads an image lab's images relative to
its lab file."""
from __future__ import annotations

import os

from actlab.engine.data.dataset import Dataset, build_point_dataset
from actlab.engine.data.functions import build_function_dataset
from actlab.engine.data.images import ImageData, make_images, with_added


def image_data(lab, base_dir: str | None = None) -> ImageData:
    """The images of ``lab`` (its ``ImageDataSpec``): drawn in code, or read from the
    ``.npz`` its ``source`` names (a relative path joined to ``base_dir``, the lab file's
    folder, when given).  A folder of pictures needs Qt to decode, which the engine never
    imports: :func:`actlab.kinds.image_sources.load_lab_images` reads those (and npz
    files) in the layer above.  A bad file raises :class:`.images.ImageFileError`.  The
    images the student drew (``data.added``) are appended to the training images."""
    return build_image_data(lab.data, base_dir)


def build_image_data(spec, base_dir: str | None = None) -> ImageData:
    """The images an ``ImageDataSpec`` describes (see :func:`image_data`)."""
    return with_added(_source_data(spec, base_dir), spec.added)


def _source_data(d, base_dir: str | None = None) -> ImageData:
    """The images of data spec ``d`` before the drawn ones are added."""
    if d.source is None:
        return make_images(d.generator, d.size, d.noise, d.per_class, d.train_fraction,
                           d.seed)
    source_type, name = d.source
    if source_type != "npz":
        raise ValueError(f"the images of this lab are a folder of pictures ({name}); read "
                         f"them with actlab.kinds.image_sources.load_lab_images and pass "
                         f"the data to Trainer(lab, data)")
    from actlab.engine.data.image_npz import load_npz

    name = os.path.expanduser(name)
    path = os.path.join(base_dir, name) if base_dir is not None else name
    return load_npz(path, d.size, d.train_fraction, d.seed)


BUILDERS = {"points": build_point_dataset, "functions": build_function_dataset,
            "images": build_image_data}


def build_dataset(spec) -> Dataset | ImageData:
    """The data ``spec`` describes: a ``DataSpec``'s points (a :class:`~.dataset.Dataset`,
    x of shape (n, 2)), generated and split or custom, a ``FunctionDataSpec``'s samples
    (x of shape (n, 1)), or an ``ImageDataSpec``'s images (an :class:`.images.ImageData`;
    a relative ``.npz`` path is read from the working folder).  Raises ValueError for a
    spec that cannot be built."""
    return BUILDERS[spec.kind](spec)
