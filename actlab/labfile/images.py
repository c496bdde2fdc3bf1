"""The image-lab parts of the ``.actlab`` format (version 2): ``data`` with ``"kind":
"images"``, the convolutional ``network``, its ``params`` (``K`` kernels and ``W``
matrices) and the network fields of its expected outcomes.  :mod:`actlab.labfile` calls
these when a file's ``data.kind`` is ``"images"``; point labs never come here.  Every
check names the field path (``network.conv[1].kernel``) through :mod:`actlab.labfile.checks`.
Standard library and NumPy only (no Qt).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from actlab.lab import ImageDataSpec
from actlab.labfile.checks import (
    LabFileError, _at, _choice, _count, _float, _int, _list, _object, _shown, _str, _vector,
    frozen_matching)

IMAGE_DATA_KEYS = ("kind", "generator", "size", "noise", "per_class", "train_fraction", "seed",
                   "source", "added")
#: the fields of one drawn image in ``data.added``
ADDED_KEYS = ("class", "pixels")
#: a drawn image's pixels are written as whole ink levels 0 (background) .. 255 (ink 1), as
#: in an 8-bit greyscale PNG: a 32x32 drawing is about 3.5 KB of text, not 20 KB of floats
INK_LEVELS = 255
#: what ``data.source`` may name: an .npz archive or a folder of one sub-folder per class
SOURCE_KINDS = ("npz", "folder")
SOURCE_KEYS = (*SOURCE_KINDS, "classes")
#: the fields that only describe generated images
GENERATED_ONLY = ("generator", "noise", "per_class")
MAX_PATH_CHARS = 1000
IMAGE_NETWORK_KEYS = ("conv", "head", "hidden", "activations", "init", "leaky_slope",
                      "custom")
CONV_KEYS = ("filters", "kernel", "padding", "stride", "activation", "pool")
#: the version that introduced image labs
IMAGES_VERSION = 2


def _engine():
    from actlab.engine.models import cnn_spec
    from actlab.engine.data import images
    return cnn_spec, images


def n_image_classes(data: ImageDataSpec) -> int:
    """The number of classes of ``data``.  For a file source that has not been read yet
    (``classes`` None) this is 2, a stand-in: the trainer sizes the output layer from the
    file (and :func:`actlab.kinds.image_sources.load_lab_images` records the true count)."""
    _, images = _engine()
    if data.source is not None:
        return data.classes or images.MIN_CLASSES
    return len(images.IMAGE_GENERATORS[data.generator].class_names)


def _read_source(v: Any, path: str, max_classes: int, min_classes: int
                 ) -> tuple[tuple[str, str], int | None]:
    """``data.source``: ``{"npz": PATH}`` or ``{"folder": PATH}``, optionally with
    ``classes``.  Only the text is checked here: the file is read when the lab trains,
    so a lab file loads (and can be fixed) even where its images are missing."""
    obj = _object(v, path, SOURCE_KEYS)
    named = [k for k in SOURCE_KINDS if k in obj]
    if len(named) != 1:
        raise LabFileError(path, "must name exactly one of npz or folder, e.g. "
                                 '{"npz": "my_images.npz"}' if not named else
                                 "name npz or folder, not both")
    kind = named[0]
    at = _at(path, kind)
    name = _str(obj[kind], at)
    if not name.strip():
        raise LabFileError(at, "must not be empty (the path of the file or folder)")
    if len(name) > MAX_PATH_CHARS:
        raise LabFileError(at, f"{len(name)} characters, at most {MAX_PATH_CHARS}")
    if "\0" in name or any(ord(c) < 32 for c in name):
        raise LabFileError(at, "must not hold control characters")
    classes = obj.get("classes")
    if classes is not None:
        classes = _int(classes, _at(path, "classes"), min_classes, max_classes)
    return (kind, name), classes


def _read_pixels(v: Any, path: str) -> tuple[float, ...]:
    """One drawing's ``pixels``: a square list of rows of ink levels 0..255, as the tuple
    of floats ``level / 255`` (row by row) that ``ImageDataSpec.added`` holds."""
    _, images = _engine()
    rows = _list(v, path)
    width = len(_list(rows[0], _at(path, 0))) if rows else 0
    for j, row in enumerate(rows):
        at = _at(path, j)
        if len(_list(row, at)) != width:
            raise LabFileError(at, f"{_count(len(row), 'pixel')}, but row 0 has {width}")
        # whole ints 0..255 (not bools): checked at C speed, element by element if not
        if row and not (set(map(type, row)) == {int}
                        and 0 <= min(row) and max(row) <= INK_LEVELS):
            for i, x in enumerate(row):  # name the first bad pixel
                _int(x, _at(at, i), 0, INK_LEVELS)
    if not images.MIN_SIZE <= width <= images.MAX_SIZE:
        raise LabFileError(path, f"rows of {_count(width, 'pixel')}; a drawing is "
                                 f"{images.MIN_SIZE}..{images.MAX_SIZE} pixels a side")
    if len(rows) != width:
        raise LabFileError(path, f"{_count(len(rows), 'row')}, {width} expected (a drawing "
                                 f"is square: as many rows as pixels in a row)")
    levels = np.array(rows, dtype=np.float64).reshape(-1)
    return tuple((levels / INK_LEVELS).tolist())


def read_added(v: Any, path: str, n_classes: int) -> tuple:
    """``data.added``: the images the student drew, each ``{"class": C, "pixels": ROWS}``,
    as ``ImageDataSpec.added`` pairs.  ``n_classes`` bounds the class indices."""
    _, images = _engine()
    items = _list(v, path)
    if len(items) > images.MAX_ADDED:
        raise LabFileError(path, f"{len(items)} drawn images, at most {images.MAX_ADDED}")
    out = []
    for i, item in enumerate(items):
        at = _at(path, i)
        obj = _object(item, at, ADDED_KEYS)
        for key in ADDED_KEYS:
            if key not in obj:
                raise LabFileError(_at(at, key), "missing")
        label = _int(obj["class"], _at(at, "class"), 0)
        if label >= n_classes:
            raise LabFileError(_at(at, "class"), f"{label} is not a class of this data set "
                                                 f"(0\u2013{n_classes - 1})")
        out.append((label, _read_pixels(obj["pixels"], _at(at, "pixels"))))
    return tuple(out)


# ------------------------------------------------------------------- dict -> values

def read_image_data(obj: dict, path: str, max_seed: int) -> ImageDataSpec:
    """``data`` of an image lab (``obj`` is already known to be an object)."""
    cnn_spec, images = _engine()
    _object(obj, path, IMAGE_DATA_KEYS)
    base = ImageDataSpec()
    get = lambda key: obj.get(key, getattr(base, key))  # noqa: E731
    if obj.get("source") is not None:
        for key in GENERATED_ONLY:
            if key in obj:
                raise LabFileError(_at(path, key), "not used with data.source (the images "
                                                   "come from the file)")
        source, classes = _read_source(obj["source"], _at(path, "source"),
                                       images.MAX_CLASSES, images.MIN_CLASSES)
        size = _int(get("size"), _at(path, "size"), images.MIN_SIZE, images.MAX_SIZE)
        fraction = _float(get("train_fraction"), _at(path, "train_fraction"), 0, 1,
                          lo_open=True)
        seed = _int(get("seed"), _at(path, "seed"), 0, max_seed)
        # a file not read yet may have up to MAX_CLASSES classes: load_lab_images checks
        # the drawings against the file's true count
        added = read_added(obj.get("added", []), _at(path, "added"),
                           classes or images.MAX_CLASSES)
        return ImageDataSpec(size=size, train_fraction=fraction, seed=seed, source=source,
                             classes=classes, added=added)
    generator = _choice(get("generator"), _at(path, "generator"), "image data set",
                        tuple(images.IMAGE_GENERATORS))
    size = _int(get("size"), _at(path, "size"), images.MIN_SIZE, images.MAX_SIZE)
    noise = _float(get("noise"), _at(path, "noise"), 0, images.MAX_NOISE)
    k = len(images.IMAGE_GENERATORS[generator].class_names)
    limit = min(images.MAX_PER_CLASS, images.MAX_IMAGES // k)
    per_class = _int(get("per_class"), _at(path, "per_class"), images.MIN_PER_CLASS, limit)
    fraction = _float(get("train_fraction"), _at(path, "train_fraction"), 0, 1, lo_open=True)
    seed = _int(get("seed"), _at(path, "seed"), 0, max_seed)
    added = read_added(obj.get("added", []), _at(path, "added"), k)
    return ImageDataSpec(generator, size, noise, per_class, fraction, seed, added=added)


def _read_conv(v: Any, path: str, activations: tuple[str, ...], custom: tuple = ()):
    cnn_spec, _ = _engine()
    obj, base = _object(v, path, CONV_KEYS), cnn_spec.ConvSpec()
    get = lambda key: obj.get(key, getattr(base, key))  # noqa: E731

    def one_of(key: str, allowed: tuple):
        value = get(key)
        if isinstance(value, bool) or value not in allowed:
            raise LabFileError(_at(path, key), f"must be one of "
                                               f"{', '.join(map(str, allowed))}, got {_shown(value)}")
        return value

    filters = _int(get("filters"), _at(path, "filters"), 1, cnn_spec.MAX_FILTERS)
    kernel = one_of("kernel", cnn_spec.KERNELS)
    padding = _choice(get("padding"), _at(path, "padding"), "padding", cnn_spec.PADDINGS)
    stride = one_of("stride", cnn_spec.STRIDES)
    act = _choice(get("activation"), _at(path, "activation"), "activation", activations)
    pool = _choice(get("pool"), _at(path, "pool"), "pooling", cnn_spec.POOLS)
    return cnn_spec.ConvSpec(filters, kernel, padding, stride, act, pool, custom=custom)


def read_conv_list(v: Any, path: str, activations: tuple[str, ...], custom: tuple = ()) -> tuple:
    """The conv layers at ``path``; ``activations``: the names a layer may use, among
    them those of the lab's ``custom`` activations (handed to every ConvSpec)."""
    cnn_spec, _ = _engine()
    layers = _list(v, path)
    if not 1 <= len(layers) <= cnn_spec.MAX_CONV_LAYERS:
        raise LabFileError(path, f"{_count(len(layers), 'convolution layer')}, needs 1 to "
                                 f"{cnn_spec.MAX_CONV_LAYERS}")
    return tuple(_read_conv(c, _at(path, i), activations, custom) for i, c in enumerate(layers))


def _read_dense(obj: dict, path: str, base, activations: tuple[str, ...]):
    cnn_spec, _ = _engine()
    at = _at(path, "hidden")
    hidden = _list(obj.get("hidden", list(base.hidden)), at)
    if len(hidden) > cnn_spec.MAX_DENSE_LAYERS:
        raise LabFileError(at, f"{_count(len(hidden), 'dense layer')}, at most "
                               f"{cnn_spec.MAX_DENSE_LAYERS}")
    sizes = tuple(_int(h, _at(at, i), 1, cnn_spec.MAX_UNITS) for i, h in enumerate(hidden))
    at = _at(path, "activations")
    acts = _list(obj.get("activations", ["relu"] * len(sizes)), at)
    if len(acts) != len(sizes):
        raise LabFileError(at, f"{_count(len(acts), 'activation')} for "
                               f"{_count(len(sizes), 'dense layer')}")
    return sizes, tuple(_choice(a, _at(at, i), "activation", activations)
                        for i, a in enumerate(acts))


def read_image_network(v: Any, path: str, data: ImageDataSpec, activations: tuple[str, ...],
                       read_custom=None):
    """``network`` of an image lab: an ``ImageNetSpec`` sized for ``data``.
    ``read_custom(value, path)`` reads ``network.custom`` (the lab's designed activations,
    as for point labs); conv and dense layers may then name them."""
    cnn_spec, _ = _engine()
    obj = _object(v, path, IMAGE_NETWORK_KEYS)
    base = cnn_spec.ImageNetSpec()
    custom = ()
    if "custom" in obj:
        if read_custom is None:
            raise LabFileError(_at(path, "custom"), "custom activations cannot be read here")
        custom = read_custom(obj["custom"], _at(path, "custom"))
        activations = tuple(activations) + tuple(c.name for c in custom)
    conv = read_conv_list(obj.get("conv", [{}, {}]), _at(path, "conv"), activations, custom)
    head = _choice(obj.get("head", base.head), _at(path, "head"), "head", cnn_spec.HEADS)
    sizes, acts = _read_dense(obj, path, base, activations)
    init = _choice(obj.get("init", base.init), _at(path, "init"), "init", cnn_spec.INITS)
    slope = _float(obj.get("leaky_slope", base.leaky_slope), _at(path, "leaky_slope"), 0, 1)
    try:
        return cnn_spec.ImageNetSpec(conv, head, sizes, acts, n_image_classes(data),
                                     data.size, init, slope, custom)
    except ValueError as e:  # the maps shrink below 1 px: the message names the layer
        text = str(e)
        where, _, reason = text.partition(": ")
        if where.startswith("conv["):
            raise LabFileError(_at(path, where), reason) from None
        raise LabFileError(path, text) from None


def param_shapes(net) -> list[tuple[str, tuple, tuple]]:
    """``(weight key, weight shape, bias shape)`` of every layer of ``net`` (an
    ImageNetSpec), in the order of ``ConvNetwork.get_params``."""
    shapes, channels = [], 1
    for c in net.conv:
        shapes.append(("K", (c.filters, channels, c.kernel, c.kernel), (c.filters,)))
        channels = c.filters
    side = net.map_sizes()[-1]
    width = channels if net.head == "gap" else channels * side * side
    for h in (*net.hidden, net.n_classes):
        shapes.append(("W", (width, h), (h,)))
        width = h
    return shapes


def _tensor(v: Any, path: str, ndim: int) -> np.ndarray:
    if ndim == 1:
        return _vector(v, path)
    parts = [_tensor(x, _at(path, i), ndim - 1) for i, x in enumerate(_list(v, path))]
    for i, p in enumerate(parts):
        if p.shape != parts[0].shape:
            raise LabFileError(_at(path, i), f"shape {p.shape}, but {_at(path, 0)} has "
                                             f"{parts[0].shape}")
    if not parts:
        return np.zeros((0,) * ndim)
    return np.stack(parts)


def read_image_params(v: Any, path: str, net) -> tuple:
    shapes = param_shapes(net)
    if len(_list(v, path)) != len(shapes):
        n_conv = len(net.conv)
        raise LabFileError(path, f"{_count(len(v), 'layer')} of weights for a network with "
                                 f"{_count(len(shapes), 'layer')} ({n_conv} convolution + "
                                 f"{len(shapes) - n_conv} dense)")
    out = []
    for i, (layer, (key, wshape, bshape)) in enumerate(zip(v, shapes)):
        at = _at(path, i)
        _object(layer, at, (key, "b"))
        for name in (key, "b"):
            if name not in layer:
                raise LabFileError(_at(at, name), "missing" + (
                    f" (layer {i} is a convolution: its weights are 'K')" if key == "K"
                    else f" (layer {i} is dense: its weights are 'W')"))
        w, b = _tensor(layer[key], _at(at, key), len(wshape)), _vector(layer["b"], _at(at, "b"))
        out.append(frozen_matching(at, ((key, w, wshape), ("b", b, bshape))))
    return tuple(out)


def read_image_expectation_network(obj: dict, path: str, network,
                                   activations: tuple[str, ...]) -> dict:
    """The network fields of one expected outcome of an image lab, pinned to the file's
    ``network`` where left out: ``conv`` (layer objects), ``hidden`` and ``activations``
    (the dense layers).  ``activation`` names one activation for every conv and dense
    layer.  ``features`` belongs to point labs."""
    if "features" in obj:
        raise LabFileError(_at(path, "features"), "only for point labs (an image lab's "
                                                  "input is the image)")
    custom = tuple(getattr(network, "custom", ()))  # the lab's own names are known too
    activations = tuple(activations) + tuple(c.name for c in custom)
    one = obj.get("activation")
    if isinstance(obj.get("activations"), str):
        raise LabFileError(_at(path, "activations"), "must list one activation per dense "
                                                     "layer (use activation for every layer)")
    if one is not None:
        one = _choice(one, _at(path, "activation"), "activation", activations)
        if "activations" in obj:
            raise LabFileError(_at(path, "activations"), "give activation or activations, "
                                                         "not both")
    conv = (read_conv_list(obj["conv"], _at(path, "conv"), activations, custom)
            if "conv" in obj else network.conv)
    dense = {"hidden": obj.get("hidden", list(network.hidden))}
    if "activations" in obj:
        dense["activations"] = obj["activations"]
    elif "hidden" not in obj or len(_list(dense["hidden"], _at(path, "hidden"))) == len(
            network.hidden):
        dense["activations"] = list(network.activations)
    if one is not None:
        from dataclasses import replace
        conv = tuple(replace(c, activation=one) for c in conv)
        dense["activations"] = [one] * len(_list(dense["hidden"], _at(path, "hidden")))
    sizes, acts = _read_dense(dense, path, network, activations)
    return {"conv": [conv_to_dict(c) for c in conv], "hidden": list(sizes),
            "activations": list(acts)}


# ------------------------------------------------------------------- values -> dict

def conv_to_dict(c) -> dict:
    return {k: getattr(c, k) for k in CONV_KEYS}


def added_to_list(added) -> list:
    """``data.added`` for the file: pixels as rows of ink levels 0..255 (rounded: a value
    that is not a multiple of 1/255 is saved as the nearest level; the canvas draws only
    levels, so what a student drew round-trips bit for bit)."""
    _, images = _engine()
    out = []
    for i, (label, pixels) in enumerate(added):
        img = images.added_image(pixels, f"drawn image {i + 1}")
        out.append({"class": int(label),
                    "pixels": np.rint(img * INK_LEVELS).astype(int).tolist()})
    return out


def image_data_to_dict(data: ImageDataSpec) -> dict:
    if data.source is not None:
        kind, name = data.source
        source = {kind: name, **({"classes": data.classes} if data.classes else {})}
        d = {"kind": "images", "source": source, "size": data.size,
             "train_fraction": data.train_fraction, "seed": data.seed}
    else:
        d = {"kind": "images", **{k: getattr(data, k) for k in IMAGE_DATA_KEYS[1:7]}}
    if data.added:  # left out when empty: such a file reads in an ActLab without drawings
        d["added"] = added_to_list(data.added)
    return d


def image_network_to_dict(net) -> dict:
    d = {"conv": [conv_to_dict(c) for c in net.conv], "head": net.head,
         "hidden": list(net.hidden), "activations": list(net.activations),
         "init": net.init, "leaky_slope": net.leaky_slope}
    if getattr(net, "custom", ()):  # written only when there are some: old files unchanged
        from actlab.engine.activations.designed import to_dict
        d["custom"] = [to_dict(c) for c in net.custom]
    return d


def image_params_to_list(params, net) -> list:
    return [{key: np.asarray(w).tolist(), "b": np.asarray(b).tolist()}
            for (key, _, _), (w, b) in zip(param_shapes(net), params)]
