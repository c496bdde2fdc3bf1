"""Inside one filter of a trained CNN, for the probed image: what the filter detail view
draws (CNN Explainer's "look inside a neuron", on the student's own network).

A convolution output pixel is one dot product: the k×k patch of the layer's input under
the kernel (zeros where the patch hangs over a ``"same"``-padded border), multiplied
weight by weight and summed over the input channels, plus the filter's bias:

    z[r, c] = Σ_ch Σ_i Σ_j  x_pad[ch, r·s + i, c·s + j] · K[ch, i, j]  +  b

and the activation makes ``a = f(z)`` of it.  :func:`filter_detail` gathers one filter's
numbers from an :class:`~actlab.engine.pictures.images.ImagePictures` (so the view shows
exactly the maps the network column shows), :func:`pixel_sum` works one pixel out — the
test suite checks that its ``z`` is the engine's own pre-activation value at that pixel.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.activations.lookup import display_name, get_activation
from actlab.engine.frozen import read_only

CURVE_POINTS = 161


@dataclass(frozen=True, eq=False)
class FilterDetail:
    """One filter of one conv layer, for the probed image."""

    layer: int               # 0-based conv layer
    filter: int              # 0-based filter of that layer
    filters: int             # how many the layer has
    kernel: np.ndarray       # (C, k, k): the filter's weights for each input channel
    bias: float
    inputs: np.ndarray       # (C, H, W): what the layer reads (the probed image, or the
                             # previous layer's maps after its activation and pooling)
    pre: np.ndarray          # (h, w): z, the convolution's output ("before")
    post: np.ndarray         # (h, w): a = f(z) ("after")
    padding: int             # zeros added on every side
    stride: int
    activation: str          # as shown ("ReLU", a designed activation's own name)
    curve_z: np.ndarray      # the activation's curve over the map's range of z …
    curve_a: np.ndarray      # … and its values there
    linear: bool = False     # the activation is the identity (a = z)

    @property
    def k(self) -> int:
        return int(self.kernel.shape[-1])

    @property
    def channels(self) -> int:
        return int(self.kernel.shape[0])


@dataclass(frozen=True, eq=False)
class PixelSum:
    """The arithmetic behind output pixel (row, col) of a :class:`FilterDetail`."""

    row: int
    col: int
    top: int                 # the patch's top-left corner in input coordinates (may be
    left: int                # negative: the patch hangs over the padding)
    patch: np.ndarray        # (C, k, k) input values under the kernel (0 on the padding)
    inside: np.ndarray       # (k, k) bool: True where the patch lies on the input
    products: np.ndarray     # (C, k, k) patch · kernel, weight by weight
    channel_sums: np.ndarray  # (C,) the products summed per input channel
    total: float             # Σ products
    bias: float
    z: float                 # total + bias
    a: float                 # f(z)


def layer_inputs(pictures, layer: int) -> np.ndarray:
    """(C, H, W): what conv layer ``layer`` of ``pictures`` reads."""
    if layer == 0:
        return np.asarray(pictures.image, dtype=np.float64)[None]
    return np.asarray(pictures.layers[layer - 1].pooled, dtype=np.float64)


def filter_detail(pictures, spec, layer: int, filt: int,
                  points: int = CURVE_POINTS) -> FilterDetail:
    """Filter ``filt`` of conv layer ``layer`` (0-based) of network ``spec`` (an
    ImageNetSpec) in ``pictures`` (an ImagePictures of that network).  Raises ValueError
    when they do not belong together (the network changed under the pictures)."""
    if not 0 <= layer < len(pictures.layers) or layer >= len(spec.conv):
        raise ValueError(f"there is no convolution layer {layer + 1}")
    lp, conv = pictures.layers[layer], spec.conv[layer]
    if not 0 <= filt < len(lp.kernels):
        raise ValueError(f"convolution {layer + 1} has no filter {filt + 1}")
    kernel = np.asarray(lp.kernels[filt], dtype=np.float64)
    inputs = layer_inputs(pictures, layer)
    if kernel.shape[-1] != conv.kernel or kernel.shape[0] != inputs.shape[0]:
        raise ValueError("the pictures are of another network")
    act = get_activation(conv.activation, spec.leaky_slope, spec.custom)
    pre = np.asarray(lp.pre[filt], dtype=np.float64)
    lo, hi = _curve_range(pre)
    z = np.linspace(lo, hi, int(points))
    return FilterDetail(
        layer=int(layer), filter=int(filt), filters=int(len(lp.kernels)),
        kernel=read_only(kernel), bias=float(lp.bias[filt]), inputs=read_only(inputs),
        pre=read_only(pre), post=read_only(lp.post[filt]),
        padding=(conv.kernel - 1) // 2 if conv.padding == "same" else 0,
        stride=int(conv.stride), activation=display_name(conv.activation, spec.custom),
        curve_z=read_only(z), curve_a=read_only(act.value(z)), linear=bool(act.is_linear))


def _curve_range(values: np.ndarray) -> tuple[float, float]:
    """A z range that holds the map's values and 0 (where most activations bend), with a
    margin, and never empty."""
    v = values[np.isfinite(values)]
    lo = min(float(v.min()) if v.size else -1.0, 0.0)
    hi = max(float(v.max()) if v.size else 1.0, 0.0)
    span = max(hi - lo, 1e-3)
    return lo - 0.1 * span, hi + 0.1 * span


def pixel_sum(detail: FilterDetail, row: int, col: int) -> PixelSum:
    """Output pixel (``row``, ``col``) of ``detail`` worked out: its patch, the products,
    their sum, the bias, z and a (read from the "after" map: what the network computed)."""
    h, w = detail.pre.shape
    if not (0 <= row < h and 0 <= col < w):
        raise ValueError(f"pixel ({row}, {col}) is outside the {h}×{w} map")
    k, s, p = detail.k, detail.stride, detail.padding
    C, H, W = detail.inputs.shape
    top, left = row * s - p, col * s - p
    patch = np.zeros((C, k, k))
    inside = np.zeros((k, k), dtype=bool)
    r0, r1 = max(top, 0), min(top + k, H)
    c0, c1 = max(left, 0), min(left + k, W)
    if r1 > r0 and c1 > c0:
        patch[:, r0 - top:r1 - top, c0 - left:c1 - left] = detail.inputs[:, r0:r1, c0:c1]
        inside[r0 - top:r1 - top, c0 - left:c1 - left] = True
    products = patch * detail.kernel
    sums = products.sum(axis=(1, 2))
    total = float(sums.sum())
    return PixelSum(row=int(row), col=int(col), top=int(top), left=int(left),
                    patch=read_only(patch), inside=read_only(inside, bool),
                    products=read_only(products), channel_sums=read_only(sums),
                    total=total, bias=detail.bias, z=total + detail.bias,
                    a=float(detail.post[row, col]))


def strongest_pixel(detail: FilterDetail) -> tuple[int, int]:
    """The pixel where the filter answers most (largest z): where to start looking."""
    pre = np.where(np.isfinite(detail.pre), detail.pre, -np.inf)
    r, c = np.unravel_index(int(np.argmax(pre)), pre.shape)
    return int(r), int(c)
