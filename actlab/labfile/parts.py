"""Each kind's part of a lab file, by ``Lab.kind``: ``PARTS[kind]`` writes and reads the
fields that differ between kinds (data, features, network, params); :mod:`.format` does
the head, training, results and guide that every kind shares, and asks the part for the
rest.  A fourth kind of lab adds one :class:`LabFilePart` here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from actlab.lab import Lab
from actlab.labfile import functions as functions_format
from actlab.labfile import images as images_format
from actlab.labfile import points as points_format
from actlab.labfile.checks import LabFileError
from actlab.labfile.names import known_names, layer_sizes
from actlab.labfile.points import MAX_SEED, plain


@dataclass(frozen=True)
class LabFilePart:
    """``version``: the format version a lab of this kind is written as, and the oldest
    that may hold one.  ``write(lab)``: its data, features (if it has any) and network as
    JSON values, in file order; ``write_params(lab)``: its trained parameters.
    ``read(d, data, base)``: ``(data, features, network)`` from file dict ``d`` (``data``
    is ``d["data"]``, ``base`` a default Lab), raising LabFileError naming the field;
    ``read_params(v, lab)`` the parameters ``v`` for ``lab``'s network."""

    version: int
    write: Callable[[Lab], dict]
    write_params: Callable[[Lab], Any]
    read: Callable[[dict, Any, Lab], tuple]
    read_params: Callable[[Any, Lab], tuple]


def _dense_params(lab: Lab):
    return points_format.dense_params_to_list(lab.params)


def _read_dense_params(v, lab: Lab) -> tuple:
    return points_format.read_params(v, "params", layer_sizes(lab))


def _write_points(lab: Lab) -> dict:
    return {"data": points_format.point_data_to_dict(lab.data),
            "features": plain(lab.features),
            "network": points_format.network_to_dict(lab.network)}


def _read_points(d: dict, data, base: Lab) -> tuple:
    data = {k: x for k, x in data.items() if k != "kind"} if isinstance(data, dict) else data
    return (points_format.read_point_data(data, "data"),
            points_format.read_features(d.get("features", list(base.features)), "features"),
            points_format.read_network(d.get("network", {}), "network"))


def _write_functions(lab: Lab) -> dict:
    return {"data": plain(functions_format.function_data_to_dict(lab.data)),
            "features": plain(lab.features),
            "network": points_format.network_to_dict(lab.network)}


def _read_functions(d: dict, data, base: Lab) -> tuple:
    return (functions_format.read_function_data(data, "data", MAX_SEED),
            functions_format.read_function_features(d.get("features"), "features"),
            points_format.read_network(d.get("network", {}), "network"))


def _write_images(lab: Lab) -> dict:
    return {"data": plain(images_format.image_data_to_dict(lab.data)),
            "network": plain(images_format.image_network_to_dict(lab.network))}


def _read_images(d: dict, data, base: Lab) -> tuple:
    if "features" in d:
        raise LabFileError("features", "only for point labs (an image lab's input is the "
                                       "image)")
    data = images_format.read_image_data(data, "data", MAX_SEED)
    network = images_format.read_image_network(d.get("network", {}), "network", data,
                                               known_names("activation"),
                                               points_format.read_custom)
    return data, base.features, network


PARTS: dict[str, LabFilePart] = {
    # point labs stay version 1, so older ActLabs open them
    "points": LabFilePart(1, _write_points, _dense_params, _read_points, _read_dense_params),
    "functions": LabFilePart(images_format.IMAGES_VERSION, _write_functions, _dense_params,
                             _read_functions, _read_dense_params),
    "images": LabFilePart(
        images_format.IMAGES_VERSION, _write_images,
        lambda lab: images_format.image_params_to_list(lab.params, lab.network),
        _read_images,
        lambda v, lab: images_format.read_image_params(v, "params", lab.network)),
}
