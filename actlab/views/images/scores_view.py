"""Class-score bars for the probed image: one horizontal bar per class, its probability in
%, the true class in green and named in the title (the others blue)."""
from __future__ import annotations

import numpy as np

from actlab.views.qt import QtCore, QtGui, QtWidgets, cache_axes, pg
from actlab.views.images.class_names import abbreviations
from actlab.views.images.confusion_view import SmallPlot, _NameAxis

TRUE_COLOR = "#009E73"    # Okabe–Ito bluish green: the true class
OTHER_COLOR = "#8FB8D8"   # the accent blue, lighter: every other class
X_MAX = 100.0             # the bars' axis; their labels go inside a long bar


class BarTexts(pg.GraphicsObject):
    """The bars' "25.3 %" labels, painted in one go in screen pixels (a TextItem costs
    ~0.5 ms to change, every bar every frame)."""

    def __init__(self):
        super().__init__()
        self.values = np.zeros(0)
        self.texts: list[str] = []
        self.font = QtGui.QFont()
        self.font.setPointSizeF(8.5)

    def set_texts(self, values: np.ndarray, texts: list[str]) -> None:
        self.prepareGeometryChange()
        self.values, self.texts = values, texts
        self.update()

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt name)
        return QtCore.QRectF(0, -0.5, X_MAX, max(len(self.values), 1))

    def paint(self, p, *args) -> None:
        tr = p.transform()
        p.save()
        p.resetTransform()
        p.setFont(self.font)
        fm = QtGui.QFontMetricsF(self.font)
        right = tr.map(QtCore.QPointF(X_MAX, 0)).x()
        for i, (v, text) in enumerate(zip(self.values, self.texts)):
            end = tr.map(QtCore.QPointF(v, i))
            w = fm.horizontalAdvance(text)
            left = tr.map(QtCore.QPointF(0, 0)).x()
            if end.x() + 4 + w > right and end.x() - left >= w + 8:
                x, color = end.x() - 4 - w, "white"   # inside a long bar
            else:
                x, color = end.x() + 4, "#222222"     # after the bar
            p.setPen(QtGui.QColor(color))
            p.drawText(QtCore.QPointF(x, end.y() + fm.ascent() / 2 - 1), text)
        p.restore()


class ScoresView(QtWidgets.QWidget):
    """``show_scores(scores, true_class, class_names, what)``; scores are probabilities."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._left = _NameAxis("left")
        self.plot_widget = SmallPlot(parent=self, axisItems={"left": self._left})
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        pi = self.plot_item = self.plot_widget.getPlotItem()
        pi.setMenuEnabled(False)
        pi.setContentsMargins(0, 2, 14, 0)  # the last tick label ("100") is not cut at the edge
        pi.hideButtons()
        pi.setLabel("bottom", "probability (%)")
        vb = self.view_box = pi.getViewBox()
        vb.setMouseEnabled(False, False)
        vb.setMenuEnabled(False)
        vb.invertY(True)  # the first class on top, as in the confusion matrix
        pi.getAxis("bottom").setTicks([[(v, str(v)) for v in (0, 50, 100)]])
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        pi.addItem(self.bars)
        self.texts = BarTexts()
        self.texts.setZValue(10)
        pi.addItem(self.texts)
        self._names: tuple = ()
        self._scores = np.zeros(0)
        self._true = -1
        self._what = None
        self.plot_widget.set_titles(("Class scores of the probed image", "Class scores"))
        cache_axes(pi)
        self.setToolTip("How sure the network is of each class for the probed image "
                        "(softmax probabilities); the true class is green.")

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(260, 200)

    def _fit_names(self) -> None:
        """The name column as wide as the longest class name, but at most 45 % of the
        view: past that the names shorten ("checker.") rather than push the bars out of
        the widget (a 210-px view drew a 242-px plot, its right end cut off)."""
        if not self._names:
            return
        fm = QtGui.QFontMetrics(self._left.font())
        widest = max(fm.horizontalAdvance(n) for n in self._names) + 12
        width = min(widest, max(40, int(self.width() * 0.45)))
        if int(self._left.width()) != width:
            self._left.setWidth(width)
            self._left.name_room = width - 12 if width < widest else None
            self._left.picture = None
            self._left.update()
            self.plot_widget._refit()  # the title's room changed with the names' column

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_names()
        # the axis title sets the plot's least width: "probability (%)" pushed a 210-px
        # view's bars out of it; the bars' own "77.2 %" say what they are
        wide = event.size().width() >= 260
        self.plot_item.setLabel("bottom", "probability (%)" if wide else "%")

    def show_scores(self, scores, true_class: int, class_names, what: str = "",
                    true_word: str = "true") -> None:
        """Bars of ``scores`` (probabilities) per class, ``true_class`` green and named in
        the title as "{true_word}: name" (a drawing's is the class it would join)."""
        s = np.nan_to_num(np.asarray(scores, dtype=np.float64).ravel(), nan=0.0)
        names = tuple(str(c) for c in class_names)
        k = len(s)
        if k == 0 or k != len(names):
            self.clear()
            return
        if names != self._names:
            self._build(names)
        pct = 100.0 * np.clip(s, 0.0, 1.0)
        true_class = int(true_class)
        titled = (what, true_word, true_class)
        if np.array_equal(pct, self._scores) and titled == self._what:
            return  # a paused lab redraws the same frame: nothing to do
        if true_class != self._true or len(pct) != len(self._scores):
            self._brushes = [pg.mkBrush(TRUE_COLOR if i == true_class else OTHER_COLOR)
                             for i in range(k)]
        self._scores, self._true = pct, true_class
        self.bars.setOpts(x0=np.zeros(k), y=np.arange(k), width=pct, height=0.7,
                          brushes=self._brushes, pens=[pg.mkPen(None)] * k)
        self.texts.set_texts(pct, [f"{v:.1f} %" for v in pct])
        if titled != self._what:
            self._what = titled
            true_name = names[true_class] if 0 <= true_class < k else "?"
            t = true_word
            self.plot_widget.set_titles(
                (f"Class scores · {what} · {t}: {true_name}" if what else "",
                 f"Class scores · {t}: {true_name}", f"{t}: {true_name}",
                 *(f"{t}: {a}" for a in abbreviations(true_name, names)))[0 if what else 1:])

    def _build(self, names: tuple) -> None:
        self._names = names
        self._left.names = names
        self._fit_names()
        k = len(names)
        self.view_box.setRange(xRange=(0, X_MAX), yRange=(-0.5, k - 0.5), padding=0.02)
        self._left.picture = None
        self._left.update()
        self._scores, self._true, self._what = np.zeros(0), -1, None

    def bar_values(self) -> np.ndarray:
        """The bar lengths drawn, in %."""
        w = self.bars.opts.get("width")
        return np.zeros(0) if w is None else np.asarray(w, dtype=float)

    def bar_labels(self) -> list[str]:
        """The texts written at the bars."""
        return list(self.texts.texts)

    def true_bar(self) -> int:
        """The bar drawn in the true-class colour (-1 when none)."""
        brushes = self.bars.opts.get("brushes") or []
        hits = [i for i, b in enumerate(brushes) if b.color() == QtGui.QColor(TRUE_COLOR)]
        return hits[0] if hits else -1

    def clear(self) -> None:
        self._names = ()
        self._left.names = ()
        self._scores, self._true, self._what = np.zeros(0), -1, None
        self.bars.setOpts(x0=[], y=[], width=[], height=0.7, brushes=None, pens=None)
        self.texts.set_texts(np.zeros(0), [])
        self.plot_widget.set_titles(("Class scores of the probed image", "Class scores"))
