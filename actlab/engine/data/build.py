"""One entry to the data of a point or function lab: :func:`build_dataset` takes the lab's
data spec and hands it to the builder of its kind (``BUILDERS``, keyed by the spec's kind).
Image labs read their images with :func:`actlab.engine.image_trainer.image_data`."""
from __future__ import annotations

from actlab.engine.data.dataset import Dataset, build_point_dataset
from actlab.engine.data.functions import build_function_dataset

BUILDERS = {"points": build_point_dataset, "functions": build_function_dataset}


def build_dataset(spec) -> Dataset:
    """The :class:`~.dataset.Dataset` ``spec`` describes: a ``DataSpec``'s points (x of
    shape (n, 2)), generated and split or custom, or a ``FunctionDataSpec``'s samples
    (x of shape (n, 1)).  Raises ValueError for a spec that cannot be built."""
    return BUILDERS[spec.kind](spec)
