"""A small QPainter canvas for the figures of image runs (:mod:`actlab.figures.images`).

The image figures are grids of tiny pictures with words around them, so they are painted
directly on a QImage rather than laid out as widgets: every position is computed, which
makes the figures the same on every machine and lets tests find a tile's pixels.  All
coordinates are logical pixels; the image holds ``scale`` pixels per logical pixel (2 by
default, sharp on HiDPI screens and in print, as the other exports).

Pictures are drawn pixel for pixel (nearest neighbour, no smoothing) at a whole number of
logical pixels per image pixel, so a 16×16 kernel never looks blurred or uneven.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from actlab.atomic import write_bytes_atomic
from actlab.views import colors

FONT_PX = 13          # body text: the size of the window's labels
SMALL_PX = 11         # tick labels and tile captions
TITLE_PX = 16
TEXT = "#222222"
MUTED = "#555555"
FRAME = "#B0B0B0"     # the thin frame around a picture
#: The outline of a wrong prediction (views/colors.py, shared with the window's gallery).
MISTAKE = colors.MISTAKE
MARGIN = 16.0        # white border round every figure
#: The narrowest figure, in logical px: 1200 px at the default scale of 2 (readable on a
#: slide or a page; the window's exports and the CLI's share it).
MIN_WIDTH = 600.0


def _qt():
    from actlab.figures.render import ensure_app

    ensure_app()
    from actlab.views.qt import QtCore, QtGui
    return QtCore, QtGui


grey_rgba = colors.ink_rgba  # ink black on white paper, as the window draws images


def signed_rgba(values: np.ndarray, vmax: float) -> np.ndarray:
    """RGBA uint8 for signed values on the full-strength diverging map: blue positive,
    orange negative, white 0, symmetric range ±``vmax``."""
    return colors.diverging_rgba(values, vmax, lut=colors.POINT_DIVERGING_LUT)


def fmt(value: float, digits: int = 2) -> str:
    """A short number for a caption: 0.83, 1.2e-16, −0.5 (a real minus sign)."""
    v = float(value)
    if not math.isfinite(v):
        return "not a number" if math.isnan(v) else ("∞" if v > 0 else "−∞")
    if v == 0:
        return "0"
    text = f"{v:.{digits}g}" if 1e-3 <= abs(v) < 1e4 else f"{v:.{max(digits - 1, 1)}e}"
    return text.replace("-", "−")


def measure(text: str, px: int = FONT_PX, bold: bool = False) -> float:
    """The width of ``text`` in logical pixels (for layouts computed before painting)."""
    _, QtGui = _qt()
    f = QtGui.QFont()
    f.setPixelSize(int(px))
    f.setBold(bold)
    return QtGui.QFontMetricsF(f).horizontalAdvance(text)


def pixel_scale(side: int, target: int) -> int:
    """Whole logical pixels per image pixel so a picture of ``side`` pixels is about
    ``target`` logical pixels wide (at least 1)."""
    return max(1, int(round(target / max(int(side), 1))))


class Canvas:
    """A white QImage of ``width`` × ``height`` logical pixels and a painter on it; use as
    a context manager, then :meth:`save`."""

    def __init__(self, width: float, height: float, scale: float = 2.0):
        QtCore, QtGui = _qt()
        self.QtCore, self.QtGui = QtCore, QtGui
        self.width, self.height = int(math.ceil(width)), int(math.ceil(height))
        if self.width < 1 or self.height < 1:
            raise ValueError("the figure would be empty")
        if self.width * self.height * scale * scale > 12e6 * 4:
            raise ValueError(f"the figure would be {self.width}×{self.height} px, too large "
                             "to draw; show fewer images or channels")
        self.scale = float(scale)
        self.image = QtGui.QImage(int(round(self.width * scale)),
                                  int(round(self.height * scale)),
                                  QtGui.QImage.Format.Format_ARGB32)
        self.image.fill(QtGui.QColor("white"))
        self.painter = QtGui.QPainter(self.image)
        self.painter.scale(self.scale, self.scale)
        self.painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        self._pictures: list = []   # QImages must outlive the painter's use of them

    def __enter__(self) -> "Canvas":
        return self

    def __exit__(self, *exc) -> None:
        if self.painter.isActive():
            self.painter.end()

    # ------------------------------------------------------------------ text
    def font(self, px: int = FONT_PX, bold: bool = False):
        f = self.QtGui.QFont()
        f.setPixelSize(int(px))
        f.setBold(bold)
        return f

    def text(self, x: float, y: float, w: float, h: float, text: str, px: int = FONT_PX,
             bold: bool = False, color: str = TEXT, align: str = "left",
             wrap: bool = False) -> None:
        """``text`` in the box (x, y, w, h): ``align`` left, center or right, vertically
        centred; ``wrap`` breaks it at word boundaries."""
        Qt = self.QtCore.Qt
        flags = {"left": Qt.AlignmentFlag.AlignLeft, "center": Qt.AlignmentFlag.AlignHCenter,
                 "right": Qt.AlignmentFlag.AlignRight}[align] | Qt.AlignmentFlag.AlignVCenter
        font = self.font(px, bold)
        if wrap:
            flags |= Qt.TextFlag.TextWordWrap
        else:  # a name too long for its box ends in "…" rather than being cut mid-letter
            text = self.QtGui.QFontMetricsF(font).elidedText(
                text, Qt.TextElideMode.ElideRight, max(w, 1.0))
        self.painter.setFont(font)
        self.painter.setPen(self.QtGui.QColor(color))
        self.painter.drawText(self.QtCore.QRectF(x, y, w, h), flags, text)

    def wrapped_height(self, text: str, width: float, px: int = FONT_PX) -> float:
        """How tall ``text`` is when wrapped at ``width``."""
        Qt = self.QtCore.Qt
        rect = self.QtGui.QFontMetricsF(self.font(px)).boundingRect(
            self.QtCore.QRectF(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text)
        return rect.height()

    def vertical_text(self, x: float, y: float, w: float, h: float, text: str,
                      px: int = FONT_PX, bold: bool = False, align: str = "center") -> None:
        """``text`` read bottom to top in the box (x, y, w, h): ``align`` "left" starts
        it at the bottom, "center" centres it."""
        p = self.painter
        p.save()
        p.translate(x, y + h)
        p.rotate(-90)
        self.text(0, 0, h, w, text, px, bold, align=align)
        p.restore()

    # ------------------------------------------------------------------ shapes
    def rect(self, x, y, w, h, fill: str | None = None, outline: str | None = None,
             width: float = 1.0) -> None:
        """A rectangle; the outline is drawn *outside* the box so it never covers the
        picture inside it."""
        QtGui, QtCore = self.QtGui, self.QtCore
        if fill is not None:
            self.painter.fillRect(QtCore.QRectF(x, y, w, h), QtGui.QColor(fill))
        if outline is not None:
            c = QtGui.QColor(outline)
            for bx, by, bw, bh in ((x - width, y - width, w + 2 * width, width),
                                   (x - width, y + h, w + 2 * width, width),
                                   (x - width, y, width, h), (x + w, y, width, h)):
                self.painter.fillRect(QtCore.QRectF(bx, by, bw, bh), c)

    def line(self, x1, y1, x2, y2, color: str = TEXT, width: float = 1.0,
             dashed: bool = False) -> None:
        pen = self.QtGui.QPen(self.QtGui.QColor(color))
        pen.setWidthF(width)
        if dashed:
            pen.setStyle(self.QtCore.Qt.PenStyle.DashLine)
        self.painter.setPen(pen)
        self.painter.drawLine(self.QtCore.QPointF(x1, y1), self.QtCore.QPointF(x2, y2))

    def polyline(self, points, color: str, width: float = 2.0) -> None:
        QtCore, QtGui = self.QtCore, self.QtGui
        pen = QtGui.QPen(QtGui.QColor(color))
        pen.setWidthF(width)
        self.painter.save()
        self.painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        self.painter.setPen(pen)
        pts = [QtCore.QPointF(float(x), float(y)) for x, y in points]
        if len(pts) == 1:
            self.painter.setBrush(QtGui.QColor(color))
            self.painter.drawEllipse(pts[0], 3.0, 3.0)
        else:
            self.painter.drawPolyline(pts)
        self.painter.restore()

    def picture(self, x: float, y: float, rgba: np.ndarray, cell: int,
                frame: str | None = FRAME) -> tuple[float, float]:
        """Draw an (h, w, 4) uint8 picture at (x, y), ``cell`` logical pixels per picture
        pixel, pixels kept square and sharp; returns its (width, height)."""
        QtCore, QtGui = self.QtCore, self.QtGui
        a = np.ascontiguousarray(rgba, dtype=np.uint8)
        h, w = a.shape[:2]
        img = QtGui.QImage(a.data, w, h, 4 * w, QtGui.QImage.Format.Format_RGBA8888).copy()
        self._pictures.append(img)
        self.painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, False)
        self.painter.drawImage(QtCore.QRectF(x, y, w * cell, h * cell), img)
        if frame is not None:
            self.rect(x, y, w * cell, h * cell, outline=frame)
        return w * cell, h * cell

    def colour_key(self, x: float, y: float, width: float, vmax: float, label: str) -> float:
        """A horizontal key of the diverging map from −vmax (orange) through 0 (white) to
        +vmax (blue) with its three values and ``label``; returns its height."""
        bar = np.linspace(-1.0, 1.0, 128)[None, :]
        rgba = signed_rgba(bar, 1.0)
        QtCore, QtGui = self.QtCore, self.QtGui
        img = QtGui.QImage(np.ascontiguousarray(rgba).data, 128, 1, 4 * 128,
                           QtGui.QImage.Format.Format_RGBA8888).copy()
        self._pictures.append(img)
        self.painter.drawImage(QtCore.QRectF(x, y, width, 12), img)
        self.rect(x, y, width, 12, outline=FRAME)
        self.text(x - 40, y + 14, 80, 16, "−" + fmt(vmax).lstrip("−"), SMALL_PX, align="center")
        self.text(x + width / 2 - 40, y + 14, 80, 16, "0", SMALL_PX, align="center")
        self.text(x + width - 40, y + 14, 80, 16, "+" + fmt(vmax).lstrip("−"), SMALL_PX,
                  align="center")
        self.text(x - 40, y + 30, width + 80, 16, label, SMALL_PX, color=MUTED,
                  align="center")
        return 48.0

    # ------------------------------------------------------------------ output
    def save(self, path) -> Path:
        """End painting and write the PNG atomically (a failure leaves no file)."""
        QtCore = self.QtCore
        if self.painter.isActive():
            self.painter.end()
        data = QtCore.QByteArray()
        buffer = QtCore.QBuffer(data)
        buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
        ok = self.image.save(buffer, "PNG")
        buffer.close()
        if not ok:
            raise OSError(f"Could not encode the image for {path}.")
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(target, bytes(data.data()))
        return target


CAPTION_LINE = 15.0   # height of one caption line under a tile
GRID_GAP = 10.0       # space between rows of tiles


def grid_boxes(n: int, cols: int, tile: tuple[float, float], col_w: float, lines: int,
               x: float = 0.0, y: float = 0.0) -> tuple[list[tuple[float, float]], float, float]:
    """Where ``n`` tiles of size ``tile`` go in ``cols`` columns ``col_w`` wide, each with
    ``lines`` caption lines under it: the top-left corner of every tile, and the grid's
    width and height."""
    cols = max(1, min(int(cols), max(n, 1)))
    rows = math.ceil(n / cols) if n else 0
    row_h = tile[1] + 4 + lines * CAPTION_LINE + GRID_GAP
    boxes = [(x + (i % cols) * col_w + (col_w - tile[0]) / 2, y + (i // cols) * row_h)
             for i in range(n)]
    return boxes, cols * col_w, rows * row_h - (GRID_GAP if rows else 0)


def draw_grid(cv: Canvas, x: float, y: float, pictures, cell: int, cols: int, col_w: float,
              captions, outlines=None) -> tuple[float, float]:
    """Paint ``pictures`` (RGBA arrays of one size) in a grid with caption lines under
    each (a line is a string or a ``(string, colour)`` pair); ``outlines`` gives a tile an
    outline colour (3 px, drawn outside the picture) instead of the thin frame."""
    n = len(pictures)
    if not n:
        return 0.0, 0.0
    h, w = pictures[0].shape[:2]
    lines = max((len(c) for c in captions), default=0)
    boxes, gw, gh = grid_boxes(n, cols, (w * cell, h * cell), col_w, lines, x, y)
    for i, ((tx, ty), rgba) in enumerate(zip(boxes, pictures)):
        outline = outlines[i] if outlines is not None else None
        cv.picture(tx, ty, rgba, cell, frame=None if outline else FRAME)
        if outline:
            cv.rect(tx, ty, w * cell, h * cell, outline=outline, width=3.0)
        cx = tx + w * cell / 2 - col_w / 2
        for j, line in enumerate(captions[i]):
            text, color = (line, TEXT) if isinstance(line, str) else line
            cv.text(cx + 2, ty + h * cell + 4 + j * CAPTION_LINE, col_w - 4, CAPTION_LINE,
                    text, SMALL_PX, color=color, align="center")
    return gw, gh


def header(cv: Canvas, title: str, lines: list[tuple[str, str]]) -> float:
    """The title and explanatory lines at the top; returns where the content starts."""
    cv.text(MARGIN, MARGIN, cv.width - 2 * MARGIN, 22, title, TITLE_PX, bold=True)
    y = MARGIN + 26
    for text, color in lines:
        cv.text(MARGIN, y, cv.width - 2 * MARGIN, 18, text, FONT_PX, color=color)
        y += 19
    return y + 8


def header_height(n_lines: int) -> float:
    return MARGIN + 26 + 19 * n_lines + 8


def header_width(title: str, lines) -> float:
    """The figure width the title and header lines need, so none is cut off."""
    # (capped: a very long lab title is elided rather than making a 5,000 px figure)
    return min(2 * MARGIN + 8 + max([measure(title, TITLE_PX, True)]
                                    + [measure(t, FONT_PX) for t in lines]), 1200.0)


def fit_width(texts, px: int = SMALL_PX, lo: float = 0, hi: float = 150) -> float:
    return min(hi, max([lo] + [measure(t, px) + 10 for t in texts]))
