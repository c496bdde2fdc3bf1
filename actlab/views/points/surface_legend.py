"""The colour key of the decision surface: what blue and orange mean, and the scale.

Two classes: a bar from "class 0" (orange) through "unsure (50 %)" (white) to "class 1"
(blue), the same ramp the surface is painted with.  More classes: one swatch each, and
"white = no better than a guess".  Regression: the bar from -v through 0 to +v, the
value range the surface uses.  A dumb view: it draws the key it is given.
"""
from __future__ import annotations

from actlab.views import colors
from actlab.views.qt import QtCore, QtGui, QtWidgets


def _qcolor(rgb) -> QtGui.QColor:
    r, g, b = (int(round(float(v))) for v in rgb[:3])
    return QtGui.QColor(r, g, b)


def _short(value: float) -> str:
    return f"{value:.3g}"


class SurfaceLegend(QtWidgets.QWidget):
    """A one-line key under the decision surface."""

    BAR_HEIGHT = 10

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("surface_legend")
        self._key = ("classification", 2, None)
        self._labels: list[str] = []
        self._swatches: list[tuple[str, str]] = []
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                           QtWidgets.QSizePolicy.Policy.Fixed)
        self.set_key("classification", 2)

    # ----------------------------------------------------------------- data
    def set_key(self, problem: str, n_classes: int = 2, value_range: float | None = None,
                class_names: tuple[str, ...] | None = None) -> None:
        """Show the key for ``problem`` with ``n_classes`` (classification) or the value
        range ±``value_range`` (regression)."""
        n = max(2, int(n_classes))
        names = tuple(class_names or ())
        name = (lambda k: names[k] if k < len(names) and names[k] else f"class {k}")
        self._key = (problem, n, value_range)
        self._swatches = []
        if problem == "regression":
            v = float(value_range) if value_range else 1.0
            self._labels = [_short(-v), "0", _short(v)]
            tip = ("Colour: the network's output, orange for low values, blue for high, "
                   "white near 0.")
        elif n == 2:
            self._labels = [f"{name(0)} (orange)", "unsure (50 %)", f"{name(1)} (blue)"]
            tip = ("Colour: how sure the network is of each class; the black line is where "
                   "it is 50 % sure (the decision boundary).")
        else:
            self._labels = [name(k) for k in range(n)]
            self._swatches = [(name(k), colors.class_color(k)) for k in range(n)]
            tip = ("Colour: the class the network picks; paler means less sure, white no "
                   "better than a guess.")
        self.setToolTip(tip)
        self.setMinimumHeight(self.sizeHint().height())
        self.update()

    def labels(self) -> list[str]:
        """The texts of the key, left to right (tests read them)."""
        return list(self._labels)

    def key(self) -> tuple:
        return self._key

    def _fitting_labels(self, fm, width: float) -> tuple[str, str, str]:
        """The three labels, shortened until they fit ``width`` with room between them
        (a narrow panel drops "(orange)"/"(blue)", then the middle label)."""
        left, middle, right = self._labels
        tries = [(left, middle, right),
                 (left.split(" (")[0], middle.split(" (")[0], right.split(" (")[0]),
                 (left.split(" (")[0], "", right.split(" (")[0])]
        gap = fm.horizontalAdvance("   ")
        for a, b, c in tries:  # the middle label is centred: each half must hold its side
            half = fm.horizontalAdvance(b) / 2 + gap
            if max(fm.horizontalAdvance(a), fm.horizontalAdvance(c)) + half <= width / 2:
                return a, b, c
        return tries[-1]

    # ----------------------------------------------------------------- drawing
    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        fm = self.fontMetrics()
        return QtCore.QSize(240, self.BAR_HEIGHT + fm.height() + 6)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        r = self.rect().adjusted(2, 1, -2, -1)
        text_color = self.palette().color(QtGui.QPalette.ColorRole.WindowText)
        if self._swatches:
            x = r.left()
            for label, color in self._swatches:
                p.setPen(QtCore.Qt.PenStyle.NoPen)
                p.setBrush(QtGui.QColor(color))
                size = fm.height() - 4
                p.drawRoundedRect(QtCore.QRectF(x, r.top() + 3, size, size), 2, 2)
                p.setPen(text_color)
                x += size + 4
                p.drawText(QtCore.QPointF(x, r.top() + fm.ascent() + 1), label)
                x += fm.horizontalAdvance(label) + 12
                if x > r.right():
                    break
            p.end()
            return
        bar = QtCore.QRectF(r.left(), r.top(), r.width(), self.BAR_HEIGHT)
        gradient = QtGui.QLinearGradient(bar.topLeft(), bar.topRight())
        lut = colors.DIVERGING_LUT
        for stop in (0.0, 0.25, 0.5, 0.75, 1.0):
            gradient.setColorAt(stop, _qcolor(lut[min(len(lut) - 1, int(stop * (len(lut) - 1)))]))
        p.setPen(QtGui.QPen(QtGui.QColor(colors.OUTLINE), 0.6))
        p.setBrush(QtGui.QBrush(gradient))
        p.drawRect(bar)
        p.setPen(text_color)
        y = bar.bottom() + fm.ascent() + 2
        left, middle, right = self._fitting_labels(fm, bar.width())
        p.drawText(QtCore.QPointF(bar.left(), y), left)
        p.drawText(QtCore.QPointF(bar.center().x() - fm.horizontalAdvance(middle) / 2, y),
                   middle)
        p.drawText(QtCore.QPointF(bar.right() - fm.horizontalAdvance(right), y), right)
        p.end()
