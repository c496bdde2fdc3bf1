"""Make Qt's SVG output draw the same in librsvg, Inkscape and browsers.

Qt's ``QSvgGenerator`` (and pyqtgraph's exporter, which falls back to it) draws every
plot item inside a group whose ``transform`` maps *data* coordinates to the page, and
marks cosmetic pens (all of pyqtgraph's pens) with ``vector-effect="non-scaling-stroke"``.
librsvg — GNOME's viewer, ImageMagick, many slide tools — ignores that property, so
each stroke is scaled by the data transform: a scatter symbol (a unit shape scaled 6×
with a 1-px outline) becomes a solid dark disc, and a loss curve whose y axis is scaled
~300× becomes a band as tall as the plot.  Chromium meanwhile does not know Qt's family
alias "Sans Serif" and draws the labels in its serif default.

:func:`make_portable` rewrites the document so nothing depends on those features: the
coordinates of every non-scaling-stroke shape are multiplied out by its group's matrix
(the shape then lives in page units, where a 1-px stroke is 1 px in every renderer), and
every ``font-family`` gets an explicit sans-serif fallback list.  Pure XML, no Qt.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: Said after the app's own font, so every viewer finds a sans-serif face.
FONT_FALLBACKS = ("DejaVu Sans", "Arial", "Helvetica", "sans-serif")
#: Qt's and the platforms' names for "the default sans face", which no browser knows.
_GENERIC_SANS = {"sans serif", "sans", "sans-serif", "ms shell dlg", "ms shell dlg 2",
                 ".applesystemuifont", "system-ui"}

_MATRIX = re.compile(r"^\s*matrix\(([^)]*)\)\s*$")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
#: Absolute path commands whose arguments are all (x, y) pairs: these bake exactly.
_PAIR_COMMANDS = set("MLCQST")
_NON_SCALING = "non-scaling-stroke"

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def _tag(el: ET.Element) -> str:
    return el.tag.rsplit("}", 1)[-1]


def _matrix(text: str | None):
    """(a, b, c, d, e, f) of a ``matrix(...)`` transform; None for anything else."""
    m = _MATRIX.match(text or "")
    if not m:
        return None
    values = [float(v) for v in _NUMBER.findall(m.group(1))]
    return tuple(values) if len(values) == 6 else None


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def _apply(m, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _bake_pairs(m, numbers: list[str]) -> str | None:
    if len(numbers) % 2:
        return None
    out = []
    for i in range(0, len(numbers), 2):
        x, y = _apply(m, float(numbers[i]), float(numbers[i + 1]))
        out.append(f"{_fmt(x)},{_fmt(y)}")
    return " ".join(out)


def _bake_path(m, d: str) -> str | None:
    """``d`` with every point mapped by ``m``; None when it holds a command that does not
    map point by point (arcs, H/V, relative commands)."""
    parts, command, args = [], None, []

    def flush() -> bool:
        if command is None:
            return True
        if command == "Z":
            parts.append("Z")
            return not args
        baked = _bake_pairs(m, args) if args else ""
        if baked is None:
            return False
        parts.append(f"{command}{baked}")
        return True

    for token in _PATH_TOKEN.findall(d):
        if token.isalpha():
            if not flush():
                return None
            command, args = token.upper(), []
            if token not in _PAIR_COMMANDS and token not in "Zz":
                return None  # arcs, H, V or a relative command: leave the shape alone
        else:
            args.append(token)
    return " ".join(parts) if flush() else None


def _bake(el: ET.Element, m) -> bool:
    """Map ``el``'s geometry by ``m`` in place; False (``el`` untouched) when its shape
    cannot be expressed in the new coordinates."""
    tag = _tag(el)
    if tag == "path":
        d = _bake_path(m, el.get("d", ""))
        if d is None:
            return False
        el.set("d", d)
    elif tag in ("polyline", "polygon"):
        points = _bake_pairs(m, _NUMBER.findall(el.get("points", "")))
        if points is None:
            return False
        el.set("points", points)
    elif tag == "line":
        x1, y1 = _apply(m, float(el.get("x1", 0)), float(el.get("y1", 0)))
        x2, y2 = _apply(m, float(el.get("x2", 0)), float(el.get("y2", 0)))
        for k, v in (("x1", x1), ("y1", y1), ("x2", x2), ("y2", y2)):
            el.set(k, _fmt(v))
    elif tag == "rect" and not (el.get("rx") or el.get("ry")):
        x, y = float(el.get("x", 0)), float(el.get("y", 0))
        w, h = float(el.get("width", 0)), float(el.get("height", 0))
        corners = [_apply(m, px, py) for px, py in ((x, y), (x + w, y), (x + w, y + h),
                                                    (x, y + h))]
        # a rotated or skewed rect is no longer a rect: draw it as the closed path it is
        for k in ("x", "y", "width", "height"):
            el.attrib.pop(k, None)
        el.tag = f"{{{SVG_NS}}}path"
        el.set("d", "M" + " L".join(f"{_fmt(px)},{_fmt(py)}" for px, py in corners) + " Z")
    else:
        return False
    return True


def _scale_stroke(el: ET.Element, m, inherited: float) -> None:
    """For a shape that cannot be baked: divide its stroke width by the transform's
    scale, so renderers without vector-effect still draw it about as thin (exact for
    uniform scaling)."""
    a, b, c, d, _, _ = m
    scale = abs(a * d - b * c) ** 0.5
    if scale > 0:
        el.set("stroke-width", _fmt(float(el.get("stroke-width", inherited)) / scale))


def _stroke_width(el: ET.Element, inherited: float) -> float:
    try:
        return float(el.get("stroke-width", inherited))
    except ValueError:
        return inherited


def _flatten_group(group: ET.Element, m, stroke: float) -> None:
    """Bake ``group``'s non-scaling-stroke children into page units and drop its
    transform; every other child (text, images, shapes that cannot be baked) keeps the
    transform in a wrapper of its own, so the drawing order stays as it was."""
    transform = group.attrib.pop("transform")
    children = list(group)
    for child in children:
        group.remove(child)
    wrapper = None
    for child in children:
        if child.get("vector-effect") == _NON_SCALING and _bake(child, m):
            del child.attrib["vector-effect"]
            group.append(child)
            wrapper = None
            continue
        if child.get("vector-effect") == _NON_SCALING:
            _scale_stroke(child, m, stroke)
            del child.attrib["vector-effect"]
        if wrapper is None:
            wrapper = ET.SubElement(group, f"{{{SVG_NS}}}g", {"transform": transform})
        wrapper.append(child)


def _walk(el: ET.Element, transformed_above: bool, stroke: float) -> None:
    """Flatten the outermost transformed groups (Qt writes one flat level of them).  A
    group inside another transform is left as it is: its shapes' page scale depends on
    every ancestor, and renderers that know vector-effect still draw it right."""
    stroke = _stroke_width(el, stroke)
    own = el.get("transform")
    m = _matrix(own) if _tag(el) == "g" else None
    if m is not None and not transformed_above:
        _flatten_group(el, m, stroke)
        return
    for child in list(el):
        _walk(child, transformed_above or own is not None, stroke)


def font_family_list(family: str) -> str:
    """``family`` followed by :data:`FONT_FALLBACKS`, quoted for CSS (Qt's generic
    aliases such as "Sans Serif" are dropped: browsers read them as an unknown face)."""
    names = [n.strip().strip("'\"") for n in family.split(",")]
    names = [n for n in names if n and n.lower() not in _GENERIC_SANS]
    for fallback in FONT_FALLBACKS:
        if fallback.lower() not in (n.lower() for n in names):
            names.append(fallback)
    return ", ".join(f"'{n}'" if " " in n else n for n in names)


def make_portable(svg: bytes) -> bytes:
    """The SVG document ``svg`` rewritten without non-scaling strokes and with explicit
    sans-serif font fallbacks (see the module docstring).  Raises ValueError when
    ``svg`` is not well-formed XML."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise ValueError(f"not a well-formed SVG document: {exc}") from None
    _walk(root, False, 1.0)
    for el in root.iter():
        family = el.get("font-family")
        if family is not None:
            el.set("font-family", font_family_list(family))
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + body).encode("utf-8")


__all__ = ["make_portable", "font_family_list", "FONT_FALLBACKS"]
