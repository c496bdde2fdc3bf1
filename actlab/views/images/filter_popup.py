"""The large view of one filter shown while the mouse rests on its tile: the kernel as a
grid of coloured cells with each weight written in it, the feature map enlarged (with its
values written in when the map is small enough to read, else its range), and a line saying
what is drawn.  It is a frameless tool-tip-like window that never takes the focus."""
from __future__ import annotations

import numpy as np

from actlab.views import colors
from actlab.views.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt

CELL = 34         # px per kernel weight: "−0.12" fits in a small font
MAP_SIDE = 200    # px of the enlarged feature map
NUMBERED_MAP = 8  # maps up to 8×8 get their values written in
PAD = 8


def fmt(v: float) -> str:
    """A weight in four characters or so, with a real minus sign."""
    if not np.isfinite(v):
        return "nan" if np.isnan(v) else ("∞" if v > 0 else "−∞")
    if abs(v) < 0.005:  # "−0.00" reads as a number below zero
        v = 0.0
    s = f"{v:.2f}" if abs(v) < 9.995 else f"{v:.0f}" if abs(v) < 999.5 else f"{v:.0e}"
    return s.replace("-", "−")


def _text_on(rgb: tuple[int, int, int]) -> QtGui.QColor:
    lum = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    return QtGui.QColor("#000000" if lum > 140 else "#FFFFFF")


class FilterPopup(QtWidgets.QFrame):
    """Shows :meth:`show_filter`'s kernel and map; :meth:`values_text` is what it says."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        # a view, not a target: the mouse stays with the tiles under it
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFrameShape(QtWidgets.QFrame.Shape.Box)
        self.setStyleSheet("FilterPopup { background: #FFFFFF; border: 1px solid #666; }")
        self.kernel = np.zeros((1, 1))
        self.map = np.zeros((1, 1))
        self.kernel_range = self.map_range = 1.0
        self.title = ""
        self.caption = ""
        self.font_small = QtGui.QFont(self.font())
        self.font_small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.8))

    def show_filter(self, title: str, caption: str, kernel: np.ndarray, kernel_range: float,
                    fmap: np.ndarray, map_range: float) -> None:
        """Set what is drawn (and resize); the caller places and shows the popup."""
        self.title, self.caption = title, caption
        self.kernel = np.asarray(kernel, dtype=np.float64)
        self.map = np.asarray(fmap, dtype=np.float64)
        self.kernel_range, self.map_range = float(kernel_range), float(map_range)
        fm = QtGui.QFontMetrics(self.font())
        k = self.kernel.shape[0]
        sm = QtGui.QFontMetrics(self.font_small)
        body = max(k * CELL, 120) + PAD + MAP_SIDE
        lines = self.caption.split("\n")
        map_line = (f"map {self.map.shape[0]}×{self.map.shape[1]}: min "
                    f"{fmt(self.map.min())}, max {fmt(self.map.max())}, "
                    f"mean {fmt(self.map.mean())}")
        body = max([body, fm.horizontalAdvance(self.title),
                    sm.horizontalAdvance(self.scale_text()),
                    max(k * CELL, 120) + PAD + sm.horizontalAdvance(map_line)]
                   + [sm.horizontalAdvance(line) for line in lines])
        self._text_h = fm.height() + sm.height() * len(lines) + 6
        self.setFixedSize(body + 2 * PAD, self._text_h + max(k * CELL, MAP_SIDE) + 3 * PAD
                          + sm.height() * 2)
        self.update()

    def scale_text(self) -> str:
        return (f"colours: orange −, white 0, blue +; kernels ±{fmt(self.kernel_range)}, "
                f"maps ±{fmt(self.map_range)} for the whole layer")

    def values_text(self) -> str:
        """The numbers the popup writes, row by row (for screen readers and tests)."""
        rows = [" ".join(fmt(v) for v in row) for row in self.kernel]
        return (f"{self.title}\nkernel:\n" + "\n".join(rows) +
                f"\nfeature map {self.map.shape[0]}×{self.map.shape[1]}: "
                f"min {fmt(self.map.min())}, max {fmt(self.map.max())}, "
                f"mean {fmt(self.map.mean())}")

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        p = QtGui.QPainter(self)
        fm = QtGui.QFontMetrics(self.font())
        p.setPen(QtGui.QColor("#111111"))
        title_font = QtGui.QFont(self.font())
        title_font.setBold(True)
        p.setFont(title_font)
        p.drawText(PAD, PAD + fm.ascent(), self.title)
        p.setFont(self.font_small)
        sm = QtGui.QFontMetrics(self.font_small)
        for i, line in enumerate(self.caption.split("\n")):
            p.drawText(PAD, PAD + fm.height() + 4 + i * sm.height() + sm.ascent(), line)
        top = PAD + self._text_h
        k = self.kernel.shape[0]
        self._cells(p, self.kernel, self.kernel_range, QtCore.QRect(PAD, top, k * CELL, k * CELL),
                    numbers=True)
        x_map = PAD + max(k * CELL, 120) + PAD
        h, w = self.map.shape
        self._cells(p, self.map, self.map_range, QtCore.QRect(x_map, top, MAP_SIDE, MAP_SIDE),
                    numbers=max(h, w) <= NUMBERED_MAP)
        y = top + max(k * CELL, MAP_SIDE) + PAD + sm.ascent()
        p.setPen(QtGui.QColor("#333333"))
        p.drawText(PAD, y, f"kernel {k}×{k}")
        p.drawText(x_map, y, f"map {h}×{w}: min {fmt(self.map.min())}, "
                             f"max {fmt(self.map.max())}, mean {fmt(self.map.mean())}")
        p.drawText(PAD, y + sm.height(), self.scale_text())
        p.end()

    def _cells(self, p, values, vmax, rect: QtCore.QRect, numbers: bool) -> None:
        rgba = colors.diverging_rgba(values, vmax, lut=colors.POINT_DIVERGING_LUT)
        h, w = values.shape
        cw, ch = rect.width() / w, rect.height() / h
        p.setFont(self.font_small)
        for i in range(h):
            for j in range(w):
                cell = QtCore.QRectF(rect.x() + j * cw, rect.y() + i * ch, cw, ch)
                rgb = tuple(int(c) for c in rgba[i, j, :3])
                p.fillRect(cell, QtGui.QColor(*rgb))
                if numbers:
                    p.setPen(_text_on(rgb))
                    p.drawText(cell, int(Qt.AlignmentFlag.AlignCenter), fmt(values[i, j]))
        p.setPen(QtGui.QPen(QtGui.QColor("#666666"), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect.adjusted(0, 0, -1, -1))
