"""What the network diagram draws (see :mod:`.view`): colours, thumbnails, the graphics
items and the scene.  Where every node goes is :mod:`.layout`, the tooltips
:mod:`.tooltips`.

Everything is drawn in scene coordinates that equal screen pixels: the view never scales,
it computes the geometry again when its size changes.  Items are created once per
architecture and then only restyled, so a 30 Hz redraw allocates no items.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from actlab.engine.features import FEATURES, FUNCTION_FEATURES
from actlab.views import colors
from actlab.views.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt

NODE_BORDER = QtGui.QColor(150, 156, 162)
HOVER_BORDER = QtGui.QColor(30, 30, 30)
EMPTY_FILL = QtGui.QColor(244, 245, 246)
BACKGROUND = QtGui.QColor(255, 255, 255)
# Links fade from this grey (w = 0) to the full class colour, like TensorFlow Playground's
# links: a near-white zero would vanish on the white background.
LINK_NEUTRAL = np.array((208, 212, 216), dtype=float)


def _argb(rgba: np.ndarray) -> np.ndarray:
    rgb = rgba[:, :3].astype(np.uint32)
    return (0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]).astype(np.uint32)


#: The app's diverging map at full strength (orange < 0 < blue, colour-blind safe) as
#: 0xAARRGGBB, so a thumbnail is one ``take``.
LUT = _argb(colors.POINT_DIVERGING_LUT)


def diverging_color(value: float, alpha: int = 255) -> QtGui.QColor:
    """The colour of ``value`` clamped to [-1, 1]: orange < 0 < blue."""
    v = 0.0 if not np.isfinite(value) else max(-1.0, min(1.0, float(value)))
    argb = int(LUT[int(round((v + 1.0) * 127.5))])
    return QtGui.QColor((argb >> 16) & 255, (argb >> 8) & 255, argb & 255, alpha)


def link_color(value: float, alpha: int = 255) -> QtGui.QColor:
    """Grey for 0, towards full orange (-1) or blue (+1)."""
    v = max(-1.0, min(1.0, float(value)))
    end = np.array(colors.hex_to_rgb(colors.BLUE if v >= 0 else colors.ORANGE), dtype=float)
    r, g, b = np.rint(LINK_NEUTRAL + (end - LINK_NEUTRAL) * abs(v)).astype(int)
    return QtGui.QColor(int(r), int(g), int(b), alpha)


def to_argb(values: np.ndarray, scale: float) -> np.ndarray:
    """Map ``values / scale`` (clamped to [-1, 1], NaN as 0) to a C-contiguous uint32
    array of colours of the same shape."""
    # a runaway run (|v| ~ 1e300) overflows to ±inf here, which clamps like any big value
    with np.errstate(over="ignore", invalid="ignore"):
        idx = np.nan_to_num(values * (127.5 / scale), nan=0.0, posinf=127.5, neginf=-127.5)
    np.add(idx, 127.5, out=idx)
    np.clip(idx, 0.0, 255.0, out=idx)
    return LUT.take(idx.astype(np.intp))


def symmetric_scale(values: np.ndarray) -> float:
    """max(1, max finite |v|): bounded activations keep their natural [-1, 1] colours
    (like TensorFlow Playground), unbounded ones (ReLU) are squeezed so their shape stays
    visible instead of saturating.  NaN and ±inf are left out (an all-NaN picture gets
    1, silently)."""
    values = np.asarray(values, dtype=float)
    if not values.size:
        return 1.0
    m = float(np.max(np.abs(values), initial=0.0, where=np.isfinite(values)))
    return m if m > 1.0 else 1.0


def finite_range(values: np.ndarray) -> tuple[float, float] | None:
    """(min, max) of the finite values, or None when there are none (no warning)."""
    values = np.asarray(values, dtype=float)
    ok = np.isfinite(values)
    if not ok.any():
        return None
    return (float(np.min(values, initial=np.inf, where=ok)),
            float(np.max(values, initial=-np.inf, where=ok)))


def image_from_argb(argb: np.ndarray) -> QtGui.QImage:
    """A QImage viewing a (h, w) C-contiguous uint32 array (the caller keeps it alive)."""
    h, w = argb.shape
    return QtGui.QImage(argb.data, w, h, 4 * w, QtGui.QImage.Format.Format_RGB32)


@lru_cache(maxsize=None)
def feature_thumbnail(name: str, n: int = 48, extent: float = 6.0) -> tuple:
    """(QImage, backing array) of input feature ``name`` over [-extent, extent]², top row
    at the largest x₂ — computed once per feature.  A function lab's feature of x (``x``,
    ``xsq``, ``sinx``) is its area chart over [-extent, extent]."""
    if name in FUNCTION_FEATURES:
        from actlab.engine.pictures.curve_grid import feature_curve
        values = feature_curve(name, n, extent)[::-1]  # row 0 of the chart is the bottom
        argb = np.ascontiguousarray(to_argb(values, 1.0))
        return image_from_argb(argb), argb
    xs = np.linspace(-extent, extent, n)
    g1, g2 = np.meshgrid(xs, xs[::-1])
    values = FEATURES[name].function(np.column_stack([g1.ravel(), g2.ravel()])).reshape(n, n)
    argb = np.ascontiguousarray(to_argb(values, symmetric_scale(values)))
    return image_from_argb(argb), argb


class PenBook:
    """Shared pens and brushes keyed by small integers, so restyling an item is a dict
    look-up and a ``setPen`` only when its key changed."""

    LEVELS = 16  # colour/width steps on each side of zero

    def __init__(self):
        self._pens: dict[tuple, QtGui.QPen] = {}
        self._brushes: dict[int, QtGui.QBrush] = {}

    def link_pen(self, level: int, alpha: int, wmin: float, wmax: float) -> QtGui.QPen:
        """``level`` in [-LEVELS, LEVELS]: sign gives the colour, size the width."""
        key = (level, alpha, wmin, wmax)
        pen = self._pens.get(key)
        if pen is None:
            t = abs(level) / self.LEVELS
            pen = QtGui.QPen(link_color(level / self.LEVELS, alpha), wmin + (wmax - wmin) * t)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            self._pens[key] = pen
        return pen

    def brush(self, level: int) -> QtGui.QBrush:
        brush = self._brushes.get(level)
        if brush is None:
            brush = QtGui.QBrush(diverging_color(level / self.LEVELS))
            self._brushes[level] = brush
        return brush


def levels(values: np.ndarray, full_scale: float) -> np.ndarray:
    """Quantised signed strength of each value: ``round(v / full_scale * LEVELS)``,
    clamped to ±LEVELS (NaN → 0)."""
    with np.errstate(over="ignore", invalid="ignore"):  # ±inf clamps below
        q = np.nan_to_num(values * (PenBook.LEVELS / full_scale), nan=0.0)
    np.clip(q, -PenBook.LEVELS, PenBook.LEVELS, out=q)
    return np.rint(q).astype(np.int16)


_BORDER_PEN = QtGui.QPen(NODE_BORDER, 1.0)
_COMPACT_PEN = QtGui.QPen(NODE_BORDER, 0.6)
_HOVER_PEN = QtGui.QPen(HOVER_BORDER, 2.0)


class NeuronItem(QtWidgets.QGraphicsItem):
    """One node: a square with a thumbnail of the unit's output over the input plane
    (``compact`` nodes are a small filled square instead)."""

    def __init__(self, tip_key: tuple, hover_target=None):
        super().__init__()
        self.tip_key = tip_key
        self._hover_target = hover_target  # object with neuron_hover(item, bool)
        self.setAcceptHoverEvents(hover_target is not None)
        self.setZValue(2)
        self.size = 20.0
        self.compact = False
        self.hovered = False
        self.image: QtGui.QImage | None = None
        self._image_data = None  # keeps the array behind ``image`` alive
        self.fill = EMPTY_FILL
        # A compact node of a column with a CompactColumnItem is painted by that item
        # (one Python paint per column instead of 64); the node still takes hovers.
        self.column_item = None

    def set_geometry(self, x: float, y: float, size: float, compact: bool) -> None:
        if size != self.size or compact != self.compact:
            self.prepareGeometryChange()
            self.size, self.compact = size, compact
            # hidden, not just blank: Qt asks every visible item for its (Python)
            # boundingRect on each paint
            self.setVisible(not (compact and self.column_item is not None))
        self.setPos(x, y)

    def _changed(self) -> None:
        if self.compact and self.column_item is not None:
            self.column_item.update()
        else:
            self.update()

    def set_image(self, image: QtGui.QImage | None, data=None) -> None:
        self.image, self._image_data = image, data
        self._changed()

    def set_fill(self, color: QtGui.QColor) -> None:
        self.fill = color
        self._changed()

    def boundingRect(self) -> QtCore.QRectF:
        h = self.size / 2 + 1.5
        return QtCore.QRectF(-h, -h, 2 * h, 2 * h)

    def paint(self, painter, option, widget=None) -> None:
        s = self.size
        r = QtCore.QRectF(-s / 2, -s / 2, s, s)
        if self.compact:
            painter.setPen(_HOVER_PEN if self.hovered else _COMPACT_PEN)
            painter.setBrush(self.fill)
            painter.drawRect(r)
            return
        if self.image is not None:
            painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(r, self.image)
        else:
            painter.fillRect(r, self.fill)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(_HOVER_PEN if self.hovered else _BORDER_PEN)
        painter.drawRect(r)

    def set_hovered(self, on: bool) -> None:
        if on != self.hovered:
            self.hovered = on
            self._changed()

    def hoverEnterEvent(self, event) -> None:
        if self._hover_target is not None:
            self._hover_target.neuron_hover(self, True)

    def hoverLeaveEvent(self, event) -> None:
        if self._hover_target is not None:
            self._hover_target.neuron_hover(self, False)


class CompactColumnItem(QtWidgets.QGraphicsItem):
    """Paints the compact nodes of one column: squares grouped by fill, one
    ``drawRects`` per colour.  640 NeuronItem paints (Python calls, each waiting for the
    GIL while training runs) took 9-28 ms per frame at 10 × 64."""

    def __init__(self, nodes: list):
        super().__init__()
        self.nodes = nodes
        self.setZValue(2)
        self._rect = QtCore.QRectF()
        self._hovered = None
        for node in nodes:
            node.column_item = self
        self.setAcceptHoverEvents(True)

    def node_at(self, pos: QtCore.QPointF, radius: float = 0.0):
        """The compact node under scene point ``pos`` (within ``radius``), or None."""
        for node in self.nodes:
            h = node.size / 2 + radius
            p = node.pos()
            if node.compact and abs(pos.x() - p.x()) <= h and abs(pos.y() - p.y()) <= h:
                return node
        return None

    def tip_key_at(self, pos: QtCore.QPointF, radius: float):
        node = self.node_at(pos, radius)
        return None if node is None else node.tip_key

    def _hover_to(self, node) -> None:
        if node is self._hovered:
            return
        old, self._hovered = self._hovered, node
        if old is not None and old._hover_target is not None:
            old._hover_target.neuron_hover(old, False)
        if node is not None and node._hover_target is not None:
            node._hover_target.neuron_hover(node, True)

    def hoverMoveEvent(self, event) -> None:
        self._hover_to(self.node_at(event.scenePos(), 1.0))

    def hoverEnterEvent(self, event) -> None:
        self._hover_to(self.node_at(event.scenePos(), 1.0))

    def hoverLeaveEvent(self, event) -> None:
        self._hover_to(None)

    def relayout(self) -> None:
        """Call after the nodes moved: their squares are computed here, not per paint."""
        self.prepareGeometryChange()
        r = QtCore.QRectF()
        self._squares = []
        for node in self.nodes:
            r = r.united(node.sceneBoundingRect())
            h, p = node.size / 2, node.pos()
            self._squares.append(QtCore.QRectF(p.x() - h, p.y() - h, node.size, node.size))
        self._rect = r
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return self._rect

    def paint(self, painter, option, widget=None) -> None:
        groups: dict = {}
        hovered = None
        for node, rect in zip(self.nodes, getattr(self, "_squares", ())):
            if not node.compact:
                continue
            groups.setdefault(node.fill.rgba(), (node.fill, []))[1].append(rect)
            if node.hovered:
                hovered = rect
        painter.setPen(_COMPACT_PEN)
        for color, rects in groups.values():
            painter.setBrush(color)
            painter.drawRects(rects)
        if hovered is not None:
            painter.setPen(_HOVER_PEN)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(hovered)


class BiasItem(QtWidgets.QGraphicsEllipseItem):
    """The small dot at a node's lower-left corner; its colour is the bias."""

    def __init__(self, tip_key: tuple):
        super().__init__()
        self.tip_key = tip_key
        self.level = None
        self.setZValue(3)
        self.setPen(QtGui.QPen(QtGui.QColor(110, 116, 122), 0.8))
        self.setBrush(QtGui.QBrush(EMPTY_FILL))

    def set_geometry(self, x: float, y: float, radius: float) -> None:
        self.setRect(x - radius, y - radius, 2 * radius, 2 * radius)


class LinkItem(QtWidgets.QGraphicsPathItem):
    """A curved link between two nodes; pen width and colour show the weight."""

    def __init__(self, tip_key: tuple):
        super().__init__()
        self.tip_key = tip_key
        self.setZValue(1)

    def set_ends(self, x0: float, y0: float, x1: float, y1: float) -> None:
        path = QtGui.QPainterPath(QtCore.QPointF(x0, y0))
        xm = (x0 + x1) / 2
        path.cubicTo(xm, y0, xm, y1, x1, y1)
        self.setPath(path)


class MergeBracketItem(QtWidgets.QGraphicsItem):
    """A translucent band over consecutive layers with a caption underneath, e.g.
    "3 hidden layers + output: one linear map".  The caption wraps onto a second line
    rather than being cut when the diagram is narrow."""

    FILL = QtGui.QColor(123, 97, 255, 34)
    EDGE = QtGui.QColor(123, 97, 255, 150)
    TEXT = QtGui.QColor(80, 60, 190)

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.setZValue(0)
        self._band = QtCore.QRectF()
        self._text_rect = QtCore.QRectF()
        self.font = QtGui.QFont()
        self.font.setPointSizeF(max(7.5, self.font.pointSizeF() * 0.9))
        self.font.setBold(True)

    FLAGS = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap

    def caption_size(self, max_width: float) -> QtCore.QSizeF:
        """The caption's size when it may be at most ``max_width`` wide."""
        fm = QtGui.QFontMetricsF(self.font)
        r = fm.boundingRect(QtCore.QRectF(0, 0, max(40.0, max_width - 8), 1000),
                            int(self.FLAGS), self.text)
        return QtCore.QSizeF(r.width() + 8, r.height() + 2)

    def set_geometry(self, band: QtCore.QRectF, text_y: float, scene_width: float) -> None:
        self.prepareGeometryChange()
        self._band = QtCore.QRectF(band)
        size = self.caption_size(scene_width - 4)
        w, h = size.width(), size.height()
        x = min(max(2.0, band.center().x() - w / 2), max(2.0, scene_width - w - 2))
        self._text_rect = QtCore.QRectF(x, text_y, w, h)

    def boundingRect(self) -> QtCore.QRectF:
        return self._band.united(self._text_rect).adjusted(-2, -2, 2, 2)

    def paint(self, painter, option, widget=None) -> None:
        painter.setPen(QtGui.QPen(self.EDGE, 1.2, Qt.PenStyle.DashLine))
        painter.setBrush(self.FILL)
        painter.drawRoundedRect(self._band, 8, 8)
        # a brace under the band pointing at the caption
        b, y = self._band, self._band.bottom()
        brace = QtGui.QPainterPath(QtCore.QPointF(b.left() + 4, y - 4))
        brace.quadTo(b.left() + 4, y + 3, b.left() + 14, y + 3)
        brace.lineTo(b.center().x() - 6, y + 3)
        brace.lineTo(b.center().x(), y + 8)
        brace.lineTo(b.center().x() + 6, y + 3)
        brace.lineTo(b.right() - 14, y + 3)
        brace.quadTo(b.right() - 4, y + 3, b.right() - 4, y - 4)
        painter.setPen(QtGui.QPen(self.EDGE, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(brace)
        painter.setFont(self.font)
        painter.setPen(self.TEXT)
        painter.drawText(self._text_rect, int(self.FLAGS), self.text)


class DiagramScene(QtWidgets.QGraphicsScene):
    """A scene whose tooltips are written when asked for: items carry a ``tip_key`` and
    ``describe(tip_key)`` turns it into text with the current value, so a snapshot
    never has to touch hundreds of tooltip strings."""

    def __init__(self, describe, parent=None):
        super().__init__(parent)
        self._describe = describe
        self.setItemIndexMethod(QtWidgets.QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setBackgroundBrush(BACKGROUND)

    HIT_RADIUS = 3.5  # thin links are hard to point at exactly: accept a near miss
    #: called with the tip key ("link", layer, i, j) or ("bias", column, index) under a
    #: left click (the view sets it)
    click_handler = None

    def key_near(self, pos: QtCore.QPointF):
        """The ``tip_key`` of the topmost item under scene point ``pos``, else of the
        topmost one within a few pixels (links can be thinner than a pixel; a near-miss
        rectangle is cheaper than a wide Python ``shape()`` on hundreds of links); or None.
        A crowded layer's links and a compact column are one item each, which names the
        link or node at ``pos`` through ``tip_key_at``."""
        r = self.HIT_RADIUS
        for items in (self.items(pos),
                      self.items(QtCore.QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r))):
            for item in items:
                if not item.isVisible():
                    continue
                key = getattr(item, "tip_key", None)
                key_at = getattr(item, "tip_key_at", None)
                if key is None and key_at is not None:
                    key = key_at(pos, r)
                if key is not None:
                    return key
        return None

    def tooltip_at(self, pos: QtCore.QPointF) -> str | None:
        """The tooltip for scene point ``pos`` (of :meth:`key_near`), or None."""
        key = self.key_near(pos)
        return None if key is None else self._describe(key)

    def mousePressEvent(self, event) -> None:
        # Clicks are hit-tested here, with the tooltips' near miss, rather than in
        # LinkItem: a link's own shape is its pen, often under a pixel wide.
        if event.button() == Qt.MouseButton.LeftButton and self.click_handler is not None:
            key = self.key_near(event.scenePos())
            if key is not None and key[0] in ("link", "bias"):
                event.accept()
                self.click_handler(key)
                return
        super().mousePressEvent(event)

    def helpEvent(self, event) -> None:
        text = self.tooltip_at(event.scenePos())
        if text:
            QtWidgets.QToolTip.showText(event.screenPos(), text, event.widget())
            event.setAccepted(True)
        else:
            QtWidgets.QToolTip.hideText()
            event.ignore()
