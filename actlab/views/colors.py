"""Colours: one place for every colour map and palette the views use.

NumPy only (no Qt), so the maps can be tested and reused anywhere.

* Binary probability uses a diverging map, class 0 orange ↔ white ↔ class 1 blue, the
  TensorFlow Playground look.  Orange against blue stays distinct for the common colour
  vision deficiencies (protan, deutan and tritan), unlike red/green, and the two ends also
  differ in lightness so they survive greyscale printing.
* Classes (up to 6) use the Okabe–Ito palette, which was designed to be colour-blind safe;
  its first two entries are the same orange and blue as the binary map.
* Regression values and hidden-neuron outputs (arbitrary reals) use the same diverging map
  centred on 0 with a symmetric range: negative orange, positive blue, like the Playground.
* Non-negative quantities can use a sequential (viridis-like) map.

Surfaces are drawn lighter than the points on top of them (``SURFACE_STRENGTH``) so that
a point is always visible against a region of its own class.
"""
from __future__ import annotations

import numpy as np

#: Okabe–Ito: orange, blue, bluish green, reddish purple, sky blue, vermillion.
CLASS_COLORS: tuple[str, ...] = ("#E69F00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9",
                                 "#D55E00")
ORANGE, BLUE = CLASS_COLORS[0], CLASS_COLORS[1]
NEUTRAL = "#F7F7F7"  # the middle of the diverging map: "not sure" / zero
OUTLINE = "#222222"  # outline of training points, contour lines
BOUNDARY = "#333333"
#: The outline of a wrong prediction (gallery, samples.png): a saturated red, thick, that
#: no greyscale digit, no Okabe–Ito class colour and no frame uses, so a student (and a
#: test) can find it.
MISTAKE = "#E4002B"
#: How far a surface colour goes from white towards the class colour at full certainty.
SURFACE_STRENGTH = 0.6
#: Line colours for curves (loss plots, comparison runs); also Okabe–Ito, darker first.
LINE_COLORS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                "#56B4E9", "#000000")

#: Gradient-flow lines, one per weight layer: the Okabe–Ito colours (yellow left out: too
#: pale on white) plus Paul Tol's wine and olive, with black kept for the output layer.
#: Every pair differs by ΔE*ab ≥ 26 for normal vision and ≥ 13 under simulated protanopia
#: and deuteranopia (tests/gui/test_view_colors.py checks it).  Beyond 8 hidden layers the
#: colours repeat with dashed lines (see :func:`layer_styles`).
LAYER_COLORS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                 "#56B4E9", "#882255", "#999933")
OUTPUT_LAYER_COLOR = "#000000"

_VIRIDIS = ("#440154", "#482878", "#3E4A89", "#31688E", "#26828E", "#1F9E89", "#35B779",
            "#6DCD59", "#B4DE2C", "#FDE725")


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """``"#RRGGBB"`` to an (r, g, b) tuple of ints 0-255."""
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _mix(color: str, strength: float, towards: str = "#FFFFFF") -> np.ndarray:
    """``color`` moved ``1 - strength`` of the way to ``towards`` (float RGB)."""
    c = np.array(hex_to_rgb(color), dtype=float)
    w = np.array(hex_to_rgb(towards), dtype=float)
    return w + (c - w) * strength


def _ramp(anchors: list[np.ndarray], n: int = 256) -> np.ndarray:
    """An (n, 4) uint8 lookup table through evenly spaced RGB ``anchors`` (opaque)."""
    a = np.asarray(anchors, dtype=float)
    t = np.linspace(0.0, len(a) - 1, n)
    lut = np.empty((n, 4), dtype=np.uint8)
    for ch in range(3):
        lut[:, ch] = np.round(np.interp(t, np.arange(len(a)), a[:, ch]))
    lut[:, 3] = 255
    return lut


#: 256 colours for P(class 1): index 0 = surely class 0 (orange), 255 = surely class 1.
DIVERGING_LUT = _ramp([_mix(ORANGE, SURFACE_STRENGTH), _mix(NEUTRAL, 1.0),
                       _mix(BLUE, SURFACE_STRENGTH)])
#: The same map at full strength, for points coloured by a value.
POINT_DIVERGING_LUT = _ramp([_mix(ORANGE, 1.0), _mix(NEUTRAL, 1.0), _mix(BLUE, 1.0)])
SEQUENTIAL_LUT = _ramp([np.array(hex_to_rgb(c), float) for c in _VIRIDIS])


def class_color(k: int) -> str:
    """The colour of class ``k`` (wraps after 6 classes)."""
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def line_color(i: int) -> str:
    """The colour of the ``i``-th curve in a plot with several runs."""
    return LINE_COLORS[int(i) % len(LINE_COLORS)]


def layer_styles(n: int) -> list[tuple[str, bool]]:
    """``(colour, dashed)`` for ``n`` weight layers, the last being the output: the output
    is black, hidden layers take :data:`LAYER_COLORS` in order and, past its end (9 or 10
    hidden layers), the same colours again as dashed lines."""
    out = []
    for i in range(max(n - 1, 0)):
        out.append((LAYER_COLORS[i % len(LAYER_COLORS)], i >= len(LAYER_COLORS)))
    if n:
        out.append((OUTPUT_LAYER_COLOR, False))
    return out


def _srgb_to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def cielab(color) -> np.ndarray:
    """CIE L*a*b* (D65) of ``"#RRGGBB"`` or of an sRGB triple in [0, 1]."""
    c = np.array(hex_to_rgb(color), float) / 255.0 if isinstance(color, str) \
        else np.asarray(color, float)
    lin = _srgb_to_linear(c)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                  [0.0193, 0.1192, 0.9505]])
    xyz = m @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(c1, c2) -> float:
    """CIE76 colour difference ΔE*ab (about 2.3 is just noticeable; 20+ is clearly
    another colour)."""
    return float(np.linalg.norm(cielab(c1) - cielab(c2)))


def as_float32(values) -> np.ndarray:
    """``values`` as float32 without an overflow warning: beyond float32's range is ±inf
    (a runaway run's surface can hold 1e300)."""
    v = np.asarray(values)
    if v.dtype == np.float32:
        return v
    v = np.asarray(v, dtype=np.float64)
    big = np.abs(v) > np.finfo(np.float32).max  # NaN compares False
    if big.any():
        v = np.where(big, np.copysign(np.inf, v), v)
    return v.astype(np.float32)


def _lut_index(t: np.ndarray, n: int = 256) -> np.ndarray:
    """Map ``t`` in [0, 1] (NaN → middle) to LUT indices."""
    t = np.nan_to_num(as_float32(t), nan=0.5, posinf=1.0, neginf=0.0)
    np.clip(t, 0.0, 1.0, out=t)  # before scaling: 3e38 * 255 overflows float32
    return np.rint(t * (n - 1)).astype(np.intp)


def binary_rgba(prob: np.ndarray, discretize: bool = False) -> np.ndarray:
    """RGBA uint8 image (…, 4) for P(class 1) in [0, 1].

    ``discretize`` paints every pixel in its predicted class's colour (no shading by
    certainty), which shows the decision regions alone.
    """
    p = as_float32(prob)
    if discretize:
        p = np.where(np.isnan(p), 0.5, (p >= 0.5).astype(np.float32))
    return DIVERGING_LUT[_lut_index(p)]


def multiclass_rgba(probs: np.ndarray, discretize: bool = False) -> np.ndarray:
    """RGBA uint8 image (N, M, 4) for class probabilities of shape (N, M, k).

    Each pixel takes the colour of its most likely class, blended toward white as the
    network gets less sure: fully white when the top probability is ``1/k`` (no better
    than a guess), full surface colour when it is 1.  ``discretize`` skips the blending.
    """
    p = np.nan_to_num(as_float32(probs), nan=0.0)
    k = p.shape[-1]
    top = p.argmax(axis=-1)
    palette = np.array([_mix(class_color(i), SURFACE_STRENGTH) for i in range(k)])
    rgb = palette[top]
    if not discretize:
        chance = 1.0 / max(k, 1)
        sure = np.clip((p.max(axis=-1) - chance) / max(1.0 - chance, 1e-9), 0.0, 1.0)
        white = np.array(hex_to_rgb(NEUTRAL), dtype=float)
        rgb = white + (rgb - white) * sure[..., None]
    out = np.empty(p.shape[:-1] + (4,), dtype=np.uint8)
    out[..., :3] = np.clip(np.rint(rgb), 0, 255)
    out[..., 3] = 255
    return out


def symmetric_range(values: np.ndarray, floor: float = 1e-9) -> float:
    """The largest finite ``|value|`` (at least ``floor``): the half-width of a range
    centred on 0."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    return max(float(np.abs(v).max()) if v.size else 1.0, floor)


def diverging_rgba(values: np.ndarray, vmax: float | None = None,
                   discretize: bool = False, lut: np.ndarray | None = None) -> np.ndarray:
    """RGBA uint8 for real values on a diverging map centred on 0.

    ``-vmax`` and below are orange, 0 is white, ``+vmax`` and above blue; ``vmax``
    defaults to the largest ``|value|``.  ``discretize`` keeps only the sign.
    """
    v = as_float32(values)
    if discretize:
        t = np.where(np.isnan(v), 0.5, (v >= 0).astype(np.float32))
    else:
        half = symmetric_range(v) if vmax is None else max(float(vmax), 1e-12)
        with np.errstate(over="ignore", invalid="ignore"):  # ±inf: the map's ends
            t = 0.5 + 0.5 * v / half
    return (DIVERGING_LUT if lut is None else lut)[_lut_index(t)]


def regression_rgba(values: np.ndarray, vmax: float | None = None,
                    discretize: bool = False) -> np.ndarray:
    """RGBA uint8 image for regression outputs: :func:`diverging_rgba` centred on 0."""
    return diverging_rgba(values, vmax, discretize)


def surface_rgba(surface: np.ndarray, problem: str = "classification",
                 discretize: bool = False, vmax: float | None = None) -> np.ndarray:
    """RGBA uint8 image for a Snapshot's ``surface``, whatever the problem.

    (N, N, k) → :func:`multiclass_rgba`; (N, N) classification → :func:`binary_rgba`;
    regression → :func:`regression_rgba` with range ``vmax`` (default: the data's).
    """
    s = np.asarray(surface)
    if s.ndim == 3:
        return multiclass_rgba(s, discretize)
    if problem == "regression":
        return regression_rgba(s, vmax, discretize)
    return binary_rgba(s, discretize)


def point_rgba(y: np.ndarray, problem: str = "classification", n_classes: int = 2,
               vmax: float | None = None) -> np.ndarray:
    """(n, 4) uint8 fill colours for points with labels ``y``.

    Classes get :data:`CLASS_COLORS` at full strength (stronger than the surface, so a
    point stands out on its own region); regression targets the full-strength diverging
    map centred on 0 with half-range ``vmax`` (default: the largest ``|y|``).
    """
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if problem == "regression":
        return diverging_rgba(y, vmax, lut=POINT_DIVERGING_LUT)
    palette = np.array([hex_to_rgb(class_color(i)) + (255,)
                        for i in range(max(n_classes, 2))], dtype=np.uint8)
    idx = np.clip(np.nan_to_num(y, nan=0.0).astype(np.intp), 0, len(palette) - 1)
    return palette[idx]


def ink_rgba(image: np.ndarray) -> np.ndarray:
    """RGBA uint8 for a greyscale picture in [0, 1] with ink 1: ink is drawn black on white
    paper, as a digit is written (NaN is drawn mid grey)."""
    v = np.nan_to_num(as_float32(image), nan=0.5, posinf=1.0, neginf=0.0)
    g = np.rint(255.0 * (1.0 - np.clip(v, 0.0, 1.0))).astype(np.uint8)
    out = np.empty(g.shape + (4,), dtype=np.uint8)
    out[..., 0] = out[..., 1] = out[..., 2] = g
    out[..., 3] = 255
    return out
