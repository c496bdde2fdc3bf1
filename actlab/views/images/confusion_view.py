"""The confusion matrix: rows the true class, columns the predicted one, the count in each
cell, the accuracy in the title.  A cell is shaded by the share of its row, so a class the
network gets wrong shows as a dark cell off the diagonal however many images it has."""
from __future__ import annotations

import numpy as np

from actlab.views import colors
from actlab.views.images.class_names import short_name
from actlab.views.fitted_title import (LABEL_PADDING, TITLE_MARGIN, FittedPlot,
                                       _set_fitted_title, axis_width)
from actlab.views.qt import QtCore, QtGui, QtWidgets, cache_axes, pg, plain_numbers

#: white -> the accent blue, for "share of the true class's images"
_LUT = np.array([[255 + (c - 255) * t for c in colors.hex_to_rgb(colors.BLUE)] + [255]
                 for t in np.linspace(0.0, 1.0, 256)], dtype=np.uint8)
MIN_TEXT_CELL = 16  # px: smaller cells drop their count (it would not fit)


def accuracy_titles(confusion: np.ndarray) -> tuple[str, ...]:
    """Titles for a count matrix (rows = truth), longest first, for the plot to pick the
    longest that fits: "Confusion · accuracy 75.0 % (60 of 80)" … "75.0 % right"."""
    total = int(confusion.sum())
    if total == 0:
        return ("Confusion matrix", "Confusion")
    right = int(np.trace(confusion))
    acc = f"{100 * right / total:.1f} %"
    return (f"Confusion · accuracy {acc} ({right} of {total})",
            f"Confusion · accuracy {acc}", f"Accuracy {acc}", f"{acc} right", acc)


class CellTexts(pg.GraphicsObject):
    """The counts of a k×k grid, painted in one go at cell centres in screen pixels
    (TextItems cost ~0.5 ms each to change; a 10×10 matrix changed every frame)."""

    def __init__(self):
        super().__init__()
        self.values = np.zeros((0, 0), dtype=np.int64)
        self.light = np.zeros((0, 0), dtype=bool)  # cells drawn in white (dark fill)
        self.font = QtGui.QFont()
        self.font.setPointSizeF(8.5)

    def set_values(self, values: np.ndarray, light: np.ndarray) -> None:
        self.prepareGeometryChange()
        self.values, self.light = values, light
        self.update()

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt name)
        k = self.values.shape[0]
        return QtCore.QRectF(-0.5, -0.5, k, k)

    def paint(self, p, *args) -> None:
        k = self.values.shape[0]
        if not k:
            return
        tr = p.transform()
        cell = min(abs(tr.m11()), abs(tr.m22()))  # px per cell
        if cell < MIN_TEXT_CELL:
            return  # the counts would not fit: the hover tooltip and colours tell
        p.save()
        p.resetTransform()
        p.setFont(self.font)
        colors_ = (QtGui.QColor("#222222"), QtGui.QColor("white"))
        align = QtCore.Qt.AlignmentFlag.AlignCenter
        for r in range(k):
            for c in range(k):
                centre = tr.map(QtCore.QPointF(c, r))
                p.setPen(colors_[bool(self.light[r, c])])
                p.drawText(QtCore.QRectF(centre.x() - cell / 2, centre.y() - cell / 2,
                                         cell, cell), align, str(int(self.values[r, c])))
        p.restore()


class SmallPlot(FittedPlot):
    """A FittedPlot whose title also leaves room for the plot's right margin and the
    title label's own padding (~12 px), so a short title never makes the plot wider than
    its widget in a narrow column."""

    def _fit(self) -> None:
        texts = getattr(self, "_titles", None)
        if texts:
            pi = self.getPlotItem()
            axis = pi.getAxis("left")
            right = pi.getContentsMargins()[2]
            # the title sits over the plot area only and needs its text's width plus its
            # label's padding (a further 12 px here chose "true: squ." where "square"
            # fitted); _set_fitted_title takes TITLE_MARGIN off what it is given
            room = self.width() - (axis_width(axis) if axis.isVisible() else 0) - right
            _set_fitted_title(pi, texts, room - LABEL_PADDING + TITLE_MARGIN, self.title_size)


class _NameAxis(pg.AxisItem):
    """Class names at whole positions, shortened to fit the cell they label."""

    def __init__(self, orientation: str):
        super().__init__(orientation)
        self.names: tuple = ()
        self.name_room: int | None = None  # px for a name on a narrowed left axis
        plain_numbers(self)
        self.setStyle(tickLength=0)  # names label cells, not points: no tick marks

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph name)
        return [(1.0, [float(i) for i in range(len(self.names))])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph name)
        fm = QtGui.QFontMetrics(self.font())
        room = None
        if self.orientation in ("top", "bottom") and self.names:
            room = max(8, int(self.geometry().width() / max(1, len(self.names))) - 4)
        elif self.names and self.name_room:  # a name column narrowed to its plot
            room = self.name_room
        out = []
        for v in values:
            i = int(round(v))
            name = self.names[i] if 0 <= i < len(self.names) else ""
            out.append(name if room is None else short_name(name, self.names, fm, room))
        return out


class ConfusionView(QtWidgets.QWidget):
    """``show_confusion(matrix, class_names)``: counts, rows truth, columns predicted."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._left, self._bottom = _NameAxis("left"), _NameAxis("bottom")
        self.plot_widget = SmallPlot(parent=self, axisItems={"left": self._left,
                                                              "bottom": self._bottom})
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        pi = self.plot_item = self.plot_widget.getPlotItem()
        pi.setMenuEnabled(False)
        pi.setContentsMargins(0, 2, 10, 0)  # the last tick label is not cut at the edge
        pi.hideButtons()
        pi.setLabel("left", "true class")
        pi.setLabel("bottom", "predicted class")
        vb = self.view_box = pi.getViewBox()
        vb.setMouseEnabled(False, False)
        vb.setMenuEnabled(False)
        vb.invertY(True)  # the first class's row on top, as a table is read
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(_LUT)
        pi.addItem(self.image)
        self.texts = CellTexts()
        self.texts.setZValue(10)
        pi.addItem(self.texts)
        self._values = np.zeros((0, 0), dtype=np.int64)
        self._names: tuple = ()
        self.plot_widget.set_titles(accuracy_titles(self._values))
        cache_axes(pi)
        self.plot_widget.scene().sigMouseMoved.connect(self._hover)
        self.setToolTip("How the test images were classified: each row is a true class, "
                        "each column the class the network picked; the diagonal is right.")

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(260, 240)

    def show_confusion(self, confusion, class_names) -> None:
        m = np.asarray(confusion, dtype=np.int64)
        names = tuple(str(c) for c in class_names)
        k = m.shape[0] if m.ndim == 2 and m.shape[0] == m.shape[1] == len(names) else 0
        if k == 0:
            self.clear()
            return
        if names != self._names:
            self._set_names(names)
        if np.array_equal(m, self._values):
            return  # a paused lab redraws the same frame
        self._values = m.copy()
        rows = m.sum(axis=1, keepdims=True)
        share = np.divide(m, rows, out=np.zeros(m.shape), where=rows > 0)
        self.image.setImage(share.astype(np.float32), autoLevels=False, levels=(0.0, 1.0),
                            rect=QtCore.QRectF(-0.5, -0.5, k, k))
        self.texts.set_values(self._values, share > 0.55)
        self.plot_widget.set_titles(accuracy_titles(m))

    def _set_names(self, names: tuple) -> None:
        self._names = names
        k = len(names)
        self._left.names = self._bottom.names = names
        fm = QtGui.QFontMetrics(self._left.font())
        # a fixed width from the longest name: the axis never overlaps its label, and
        # never changes width (a relayout) while training
        self._left.setWidth(max(fm.horizontalAdvance(n) for n in names) + 28)
        self._values = np.zeros((0, 0), dtype=np.int64)
        self.view_box.setRange(xRange=(-0.5, k - 0.5), yRange=(-0.5, k - 0.5), padding=0)
        for axis in (self._left, self._bottom):
            axis.picture = None  # the names changed: redraw the ticks
            axis.update()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._bottom.picture = None  # the names are shortened to the new cell width

    def cell_texts(self) -> np.ndarray:
        """The counts written in the cells, a (k, k) array of strings (what is drawn)."""
        v = self.texts.values
        return np.array([[str(int(x)) for x in row] for row in v], dtype=object) \
            .reshape(v.shape)

    def cell_at(self, scene_pos) -> tuple[int, int] | None:
        """(true, predicted) class of the cell under a scene position, None outside."""
        k = len(self._names)
        if not k or not self.view_box.sceneBoundingRect().contains(scene_pos):
            return None
        p = self.view_box.mapSceneToView(scene_pos)
        r, c = int(round(p.y())), int(round(p.x()))
        return (r, c) if 0 <= r < k and 0 <= c < k else None

    def _hover(self, scene_pos) -> None:
        cell = self.cell_at(scene_pos)
        if cell is None or cell[0] >= len(self._values):
            self.plot_widget.setToolTip(self.toolTip())
            return
        r, c = cell
        n = int(self._values[r, c])
        self.plot_widget.setToolTip(
            f"{n} {self._names[r]} image{'s' if n != 1 else ''} classified as "
            f"{self._names[c]}" + (" (right)" if r == c else " (mistakes)"))

    def clear(self) -> None:
        self._names = ()
        self._left.names = self._bottom.names = ()
        self._values = np.zeros((0, 0), dtype=np.int64)
        self.texts.set_values(self._values, self._values.astype(bool))
        self.image.clear()
        self.plot_widget.set_titles(accuracy_titles(self._values))
