"""A layout that sets its items side by side and wraps them onto more lines when the
column is narrow (the Qt "flow layout" example), so a picture row never makes its page
scroll sideways; and a kernel grid picture that scales to the width it is given."""
from __future__ import annotations

import numpy as np

from actlab.views.qt import QtCore, QtGui, QtWidgets


class WrapLayout(QtWidgets.QLayout):
    """Items left to right, wrapping; height for width, so the page grows downwards."""

    def __init__(self, parent=None, spacing: int = 6, balanced: bool = False):
        super().__init__(parent)
        self._balanced = balanced  # equal lines (2 + 2, not 3 + 1) for alike items
        self._items: list[QtWidgets.QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item):  # noqa: N802 (Qt names)
        self._items.append(item)

    def count(self):
        return len(self._items)

    def itemAt(self, i):  # noqa: N802
        return self._items[i] if 0 <= i < len(self._items) else None

    def takeAt(self, i):  # noqa: N802
        return self._items.pop(i) if 0 <= i < len(self._items) else None

    def expandingDirections(self):  # noqa: N802
        return QtCore.Qt.Orientation(0)

    def hasHeightForWidth(self):  # noqa: N802
        return True

    def heightForWidth(self, width):  # noqa: N802
        return self._place(QtCore.QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect):  # noqa: N802
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self):  # noqa: N802
        return self.minimumSize()

    def minimumSize(self):  # noqa: N802
        size = QtCore.QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect, move: bool) -> int:
        items = [i for i in self._items if i.widget() is None or not i.widget().isHidden()]
        per_line = len(items)
        if self._balanced and items:
            w = max(i.sizeHint().width() for i in items)
            fit = max(1, (rect.width() + self._gap) // (w + self._gap))
            lines = -(-len(items) // fit)
            per_line = -(-len(items) // lines)
        x, y, line = rect.x(), rect.y(), 0
        for n, item in enumerate(items):
            hint = item.sizeHint()
            if item.hasHeightForWidth():
                hint.setWidth(min(hint.width(), rect.width()))
                hint.setHeight(item.heightForWidth(hint.width()))
            if x > rect.x() and (x + hint.width() > rect.right() + 1 or n % per_line == 0):
                x, y, line = rect.x(), y + line + self._gap, 0
            if move:
                item.setGeometry(QtCore.QRect(QtCore.QPoint(x, y), hint))
            x += hint.width() + self._gap
            line = max(line, hint.height())
        return y + line - rect.y()


class ScaledGrid(QtWidgets.QWidget):
    """A picture of whole screen pixels per weight: as many (up to ``max_px``, at least
    ``min_px``) as the width allows.  ``render(px)`` gives the RGBA picture at ``px``; the
    grid is ``units`` weights (with ``gaps`` pixels between tiles) wide and high."""

    def __init__(self, render, units: tuple[int, int], gaps: tuple[int, int],
                 max_px: int, min_px: int = 3):
        super().__init__()
        self._render, self._units, self._gaps = render, units, gaps
        self._max, self._min = max_px, min_px
        self._cache: dict[int, QtGui.QPixmap] = {}
        policy = QtWidgets.QSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred,
                                       QtWidgets.QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def px_for(self, width: int) -> int:
        """Screen pixels per weight at ``width``."""
        fit = (width - 2 - self._gaps[1]) // max(self._units[1], 1)
        return int(max(self._min, min(self._max, fit)))

    def _size(self, px: int) -> QtCore.QSize:
        return QtCore.QSize(self._units[1] * px + self._gaps[1] + 2,
                            self._units[0] * px + self._gaps[0] + 2)

    def sizeHint(self):  # noqa: N802
        return self._size(self._max)

    def minimumSizeHint(self):  # noqa: N802
        return self._size(self._min)

    def hasHeightForWidth(self):  # noqa: N802
        return True

    def heightForWidth(self, width):  # noqa: N802
        return self._size(self.px_for(width)).height()

    def pixmap(self) -> QtGui.QPixmap:
        """The picture as drawn now."""
        px = self.px_for(self.width())
        if px not in self._cache:
            a = np.ascontiguousarray(self._render(px), dtype=np.uint8)
            img = QtGui.QImage(a.data, a.shape[1], a.shape[0], 4 * a.shape[1],
                               QtGui.QImage.Format.Format_RGBA8888)
            self._cache[px] = QtGui.QPixmap.fromImage(img.copy())
        return self._cache[px]

    def paintEvent(self, _event):  # noqa: N802
        pm = self.pixmap()
        p = QtGui.QPainter(self)
        p.drawPixmap(1, 1, pm)
        p.setPen(QtGui.QColor("#BEBEBE"))
        p.drawRect(0, 0, pm.width() + 1, pm.height() + 1)
        p.end()
