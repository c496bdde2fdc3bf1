"""What an image network is made of: :class:`ConvSpec` per convolution layer and
:class:`ImageNetSpec` for the whole network — frozen values, every field checked with a
message that names the field and the allowed values (``conv[1].kernel: 4 is not
allowed (choose from 3, 5, 7)``), and a stack that would shrink the image below one pixel
refused naming the layer.  Pure Python; the network itself is :mod:`.cnn`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from actlab.engine.activations.lookup import canonical_name
from actlab.engine.activations.designed import check_unique

KERNELS = (3, 5, 7)
PADDINGS = ("valid", "same")
STRIDES = (1, 2)
POOLS = ("none", "max", "avg")
HEADS = ("gap", "flatten")
INITS = ("auto", "he", "xavier")
MAX_FILTERS, MAX_CONV_LAYERS, MAX_DENSE_LAYERS, MAX_UNITS = 16, 4, 2, 256
MIN_SIZE, MAX_SIZE, MIN_CLASSES, MAX_CLASSES = 8, 32, 2, 10
#: activations whose layers get He initialisation under init="auto" (they keep half of
#: a symmetric input, so the variance-preserving gain is 2); the rest get Xavier
RELU_LIKE = ("relu", "leaky_relu", "elu", "gelu", "silu")


def _int_in(prefix: str, field: str, value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
            or not lo <= value <= hi:
        raise ValueError(f"{prefix}{field}: {value!r} is not allowed (a whole number "
                         f"from {lo} to {hi})")
    return int(value)


def _one_of(prefix: str, field: str, value, allowed: tuple):
    if value not in allowed or isinstance(value, bool):
        raise ValueError(f"{prefix}{field}: {value!r} is not allowed (choose from "
                         f"{', '.join(map(str, allowed))})")
    return value


def _activation(prefix: str, name: str, value, custom=()) -> str:
    try:
        return canonical_name(value, custom)
    except ValueError as e:
        raise ValueError(f"{prefix}{name}: {e}") from None


@dataclass(frozen=True)
class ConvSpec:
    """One convolution layer: ``filters`` (1–16) kernels of ``kernel``×``kernel`` (3, 5
    or 7), ``padding`` ``"valid"`` or ``"same"``, ``stride`` 1 or 2, an ``activation``
    from the registry (any case), then ``pool`` ``"none"``, ``"max"`` or ``"avg"`` (2×2,
    stride 2)."""

    filters: int = 8
    kernel: int = 3
    padding: str = "same"
    stride: int = 1
    activation: str = "relu"
    pool: str = "none"
    #: the network's custom activations (``ImageNetSpec.custom``, which hands them to
    #: every layer), so a layer can name one; empty otherwise
    custom: tuple = field(default=(), repr=False)

    def __post_init__(self):
        self.check("")

    def check(self, prefix: str) -> None:
        """Raise ValueError naming ``prefix + field`` and the allowed values."""
        _int_in(prefix, "filters", self.filters, 1, MAX_FILTERS)
        _one_of(prefix, "kernel", self.kernel, KERNELS)
        _one_of(prefix, "padding", self.padding, PADDINGS)
        _one_of(prefix, "stride", self.stride, STRIDES)
        _one_of(prefix, "pool", self.pool, POOLS)
        object.__setattr__(self, "activation",
                           _activation(prefix, "activation", self.activation, self.custom))


@dataclass(frozen=True)
class ImageNetSpec:
    """A whole image network: 1 grey channel of ``input_size``² pixels (8–32) in;
    1–4 ``conv`` layers; ``head`` ``"gap"`` (global average pooling) or ``"flatten"``;
    0–2 dense ``hidden`` layers (1–256 units) with their ``activations``; a softmax over
    ``n_classes`` (2–10).  ``init`` ``"auto"`` gives He-normal weights to layers followed
    by a ReLU-like activation and Xavier-uniform to the rest (as ``network.py`` draws
    them); ``"he"`` or ``"xavier"`` force one.  Biases start at 0."""

    conv: tuple[ConvSpec, ...] = (ConvSpec(), ConvSpec())
    head: str = "gap"
    hidden: tuple[int, ...] = ()
    activations: tuple[str, ...] = ()
    n_classes: int = 2
    input_size: int = 16
    init: str = "auto"
    leaky_slope: float = 0.01
    #: the lab's own designed activations
    #: (:class:`~actlab.engine.custom_activation.PiecewiseLinear`,
    #: :class:`~actlab.engine.tweaked_activation.Tweaked`); conv and dense layers
    #: name them like built-ins.  Every ConvSpec gets this same tuple.
    custom: tuple = ()

    def __post_init__(self):
        try:
            custom = check_unique(self.custom if isinstance(self.custom, (list, tuple))
                                  else (self.custom,))
        except ValueError as e:  # a CustomActivationError: field "[i].name" or ""
            raise ValueError(f"custom{e.field}: {e.reason}") from None
        object.__setattr__(self, "custom", custom)
        conv = tuple(self.conv) if isinstance(self.conv, (list, tuple)) else None
        if conv is None or not 1 <= len(conv) <= MAX_CONV_LAYERS:
            raise ValueError(f"conv: {self.conv!r} is not allowed (1 to {MAX_CONV_LAYERS} "
                             f"convolution layers)")
        for i, c in enumerate(conv):
            if not isinstance(c, ConvSpec):
                raise ValueError(f"conv[{i}]: {c!r} is not a ConvSpec")
        if any(c.custom != custom for c in conv):
            conv = tuple(self._with_custom(i, c, custom) for i, c in enumerate(conv))
        for i, c in enumerate(conv):
            c.check(f"conv[{i}].")
        object.__setattr__(self, "conv", conv)
        _one_of("", "head", self.head, HEADS)
        hidden = tuple(self.hidden) if isinstance(self.hidden, (list, tuple)) else None
        if hidden is None or len(hidden) > MAX_DENSE_LAYERS:
            raise ValueError(f"hidden: {self.hidden!r} is not allowed (0 to "
                             f"{MAX_DENSE_LAYERS} dense layer sizes)")
        hidden = tuple(_int_in("", f"hidden[{i}]", h, 1, MAX_UNITS)
                       for i, h in enumerate(hidden))
        acts = tuple(self.activations) if isinstance(self.activations, (list, tuple)) \
            else None
        if acts is None or len(acts) != len(hidden):
            raise ValueError(f"activations: {self.activations!r} does not match hidden "
                             f"(one activation per dense layer, {len(hidden)} here)")
        acts = tuple(_activation("", f"activations[{i}]", a, custom)
                     for i, a in enumerate(acts))
        object.__setattr__(self, "hidden", hidden)
        object.__setattr__(self, "activations", acts)
        _int_in("", "n_classes", self.n_classes, MIN_CLASSES, MAX_CLASSES)
        _int_in("", "input_size", self.input_size, MIN_SIZE, MAX_SIZE)
        _one_of("", "init", self.init, INITS)
        slope = self.leaky_slope
        if isinstance(slope, bool) or not isinstance(slope, (int, float)) \
                or not 0 <= slope <= 1:
            raise ValueError(f"leaky_slope: {slope!r} is not allowed (a number from 0 to 1)")
        self.map_sizes()

    def with_activation(self, name: str) -> "ImageNetSpec":
        """The same architecture with ``name`` in every convolution and dense layer
        (``NetworkSpec.with_activation`` sets every hidden layer the same way)."""
        conv = tuple(replace(c, activation=name) for c in self.conv)
        return replace(self, conv=conv, activations=(name,) * len(self.hidden))

    def activation_names(self) -> tuple[str, ...]:
        """Every activation in layer order: the convolutions', then the dense layers'."""
        return tuple(c.activation for c in self.conv) + tuple(self.activations)

    @staticmethod
    def _with_custom(i: int, c: ConvSpec, custom: tuple) -> ConvSpec:
        try:
            return replace(c, custom=custom)
        except ValueError as e:
            raise ValueError(f"conv[{i}].{e}") from None

    def map_sizes(self) -> list[int]:
        """The side of the feature maps after each convolution layer (and its pooling);
        ValueError naming the layer that would shrink the image below 1 px."""
        size, out = self.input_size, []
        for i, c in enumerate(self.conv):
            pad = (c.kernel - 1) // 2 if c.padding == "same" else 0
            after = (size + 2 * pad - c.kernel) // c.stride + 1
            if after < 1:
                raise ValueError(
                    f"conv[{i}]: a {c.kernel}×{c.kernel} kernel with padding "
                    f"{c.padding!r} cannot slide over the {size}×{size} px maps it gets: "
                    f"the image would shrink below 1 px (use 'same' padding, a smaller "
                    f"kernel, fewer layers or a larger input)")
            if c.pool != "none":
                if after < 2:
                    raise ValueError(
                        f"conv[{i}].pool: 2×2 pooling of the {after}×{after} px maps "
                        f"would shrink the image below 1 px (use pool 'none')")
                after //= 2
            size = after
            out.append(size)
        return out
