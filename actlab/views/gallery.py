"""The activation gallery: one card per activation with its curve, its slope and a short,
student-friendly description; also as a self-contained HTML page for offline help.

The curves come from the pure functions of :mod:`actlab.engine.activations` (no training).
"""
from __future__ import annotations

import base64
import html

import numpy as np

from actlab.views import colors
from actlab.engine.activations.builtin import ACTIVATIONS
from actlab.engine.activations.lookup import get_activation
from actlab.views.qt import QtCore, QtGui, QtWidgets, pg

Z_RANGE = (-5.0, 5.0)
VALUE_COLOR = colors.line_color(0)       # blue: f(z), solid
DERIVATIVE_COLOR = colors.line_color(1)  # vermillion: f'(z), dashed
TWO_COLUMNS_FROM = 600                   # px of width at which the cards go side by side

#: f'(0) as ActLab computes it (tests check it against the registry).
DERIVATIVE_AT_ZERO: dict[str, float] = {
    "linear": 1.0, "relu": 0.0, "leaky_relu": 0.01, "elu": 1.0, "tanh": 1.0,
    "sigmoid": 0.25, "softplus": 0.5, "gelu": 0.5, "silu": 0.5, "sine": 1.0,
}

#: What each activation is, where it saturates (goes flat), and its slope at 0.
DESCRIPTIONS: dict[str, str] = {
    "linear": (
        "f(z) = z: the value passes through unchanged, so the layer adds no bend at all. "
        "Layers with a linear activation merge into one linear layer, however many you "
        "stack. It never saturates: the slope is 1 everywhere, so f′(0) = 1."),
    "relu": (
        "f(z) = max(0, z): off (0) for negative z, unchanged for positive z. The bend at 0 "
        "makes the network piecewise linear — many flat pieces glued together. It is flat "
        "for every z < 0 (output and slope 0); a unit that is off for every point is "
        "'dead' and stops learning. On the right it never saturates. At 0 the slope jumps "
        "from 0 to 1, so f′(0) is undefined; ActLab uses 0."),
    "leaky_relu": (
        "f(z) = z for z > 0 and 0.01·z otherwise: a ReLU whose left side keeps a small "
        "slope. It never goes completely flat, so its units cannot die. The slope is 1 on "
        "the right and 0.01 on the left, so f′(0) is undefined (1 from the right, 0.01 "
        "from the left); ActLab uses 0.01."),
    "elu": (
        "f(z) = z for z > 0 and eᶻ − 1 otherwise: like ReLU on the right, but a smooth "
        "curve on the left that flattens out (saturates) at −1 for very negative z. It "
        "does not saturate on the right. f′(0) = 1: from the right the slope is 1, and "
        "from the left it is e⁰ = 1 too (with α = 1), so the curve has no kink."),
    "tanh": (
        "An S-shaped curve from −1 to 1, centred on 0 (tanh(0) = 0). Near 0 it is almost "
        "a straight line; for |z| > 3 it is nearly flat (slope below 0.01) — saturated — "
        "and hardly passes any gradient back. f′(0) = 1, its steepest point."),
    "sigmoid": (
        "σ(z) = 1 / (1 + e⁻ᶻ): an S-shaped curve from 0 to 1, with σ(0) = 0.5. It "
        "saturates for |z| beyond about 4 (slope below 0.02). f′(0) = 0.25 is its "
        "steepest slope, so every sigmoid layer shrinks the gradient to a quarter or "
        "less on its way back: deep sigmoid networks learn slowly (vanishing gradient)."),
    "softplus": (
        "f(z) = ln(1 + eᶻ): a smooth ReLU. For very negative z it flattens to 0 "
        "(saturates); for large z it grows like z. Its slope is the sigmoid, so it goes "
        "smoothly from 0 to 1 and f′(0) = σ(0) = 0.5."),
    "gelu": (
        "f(z) = z·Φ(z), where Φ(z) is the chance that a standard normal number is below "
        "z (ActLab uses the usual tanh approximation). A smooth ReLU that dips a little "
        "below 0 (lowest ≈ −0.17 at z ≈ −0.75). It flattens to 0 for very negative z and "
        "grows like z for large z. f′(0) = 0.5. Used in transformers such as GPT."),
    "silu": (
        "f(z) = z·σ(z), also called Swish: a smooth ReLU that dips a little below 0 "
        "(lowest ≈ −0.28 at z ≈ −1.28). It flattens to 0 for very negative z and grows "
        "like z for large z. f′(0) = σ(0) = 0.5."),
    "sine": (
        "f(z) = sin z: a wave between −1 and 1 that repeats every 2π. It never saturates "
        "for good, but its slope cos z is 0 at every peak and valley (z = ±π/2, ±3π/2, …). "
        "It folds the plane into waves. f′(0) = cos 0 = 1."),
}


def _description(name: str, custom=()) -> str:
    act = get_activation(name, custom=custom)
    return DESCRIPTIONS.get(name, act.summary)


def _slope_text(name: str, custom=()) -> str:
    v = DERIVATIVE_AT_ZERO.get(name)
    if v is None:
        v = float(get_activation(name, custom=custom).derivative(np.zeros(1))[0])
    return f"f′(0) = {v:g}" + (" (ActLab's choice)" if name in ("relu", "leaky_relu") else "")


def make_curve_plot(name: str, parent: QtWidgets.QWidget | None = None,
                    custom=()) -> pg.PlotWidget:
    """A small, non-interactive plot of activation ``name`` (a built-in or one of the
    lab's designed ``custom``) on [-5, 5]: value solid, derivative dashed, axes through 0."""
    act = get_activation(name, custom=custom)
    z = np.linspace(*Z_RANGE, 501)
    value, slope = act.value(z), act.derivative(z)
    w = pg.PlotWidget(parent)
    pi = w.getPlotItem()
    pi.setMenuEnabled(False)
    pi.hideButtons()
    vb = pi.getViewBox()
    vb.setMouseEnabled(False, False)
    vb.setMenuEnabled(False)
    pi.showGrid(x=True, y=True, alpha=0.15)
    axis_pen = pg.mkPen("#999999", width=1)
    pi.addItem(pg.InfiniteLine(pos=0, angle=0, pen=axis_pen))
    pi.addItem(pg.InfiniteLine(pos=0, angle=90, pen=axis_pen))
    pi.plot(z, slope, pen=pg.mkPen(DERIVATIVE_COLOR, width=2,
                                   style=QtCore.Qt.PenStyle.DashLine))
    pi.plot(z, value, pen=pg.mkPen(VALUE_COLOR, width=2.5))
    lo = min(float(value.min()), float(slope.min()), 0.0)
    hi = max(float(value.max()), float(slope.max()), 1.0)
    vb.setRange(xRange=Z_RANGE, yRange=(lo, hi), padding=0.06)
    pi.getAxis("bottom").setTicks([[(v, f"{v:g}") for v in range(-4, 5, 2)]])
    font = QtGui.QFont()
    font.setPointSizeF(8.0)
    for ax in ("left", "bottom"):
        pi.getAxis(ax).setStyle(tickFont=font, tickTextOffset=2)
    w.setMinimumHeight(130)
    w.setToolTip(f"{act.title}: the solid line is the value f(z), the dashed line its "
                 "slope f′(z) — how much a change in z passes through (and how much "
                 "gradient flows back).")
    return w


def legend_html() -> str:
    return (f"<span style='color:{VALUE_COLOR}'>━━</span> f(z) &nbsp;&nbsp;"
            f"<span style='color:{DERIVATIVE_COLOR}'>╍╍</span> slope f′(z)")


def card_title(name: str, custom=()) -> str:
    """A card's title: the built-in's title, or "NAME (designed)" for one of ``custom``."""
    act = get_activation(name, custom=custom)
    return act.title if name in ACTIVATIONS else f"{act.title} (designed)"


class ActivationCard(QtWidgets.QFrame):
    """One activation: title, curve plot, slope at 0 and description.  ``name`` is a
    built-in or one of the lab's designed ``custom`` activations."""

    def __init__(self, name: str, parent: QtWidgets.QWidget | None = None, custom=()):
        super().__init__(parent)
        self.name = name
        self.setObjectName("card")
        self.setStyleSheet("QFrame#card { background: white; border: 1px solid #D0D4D8;"
                           " border-radius: 6px; }"
                           f" QLabel {{ color: {colors.OUTLINE}; background: transparent; }}")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 8)
        lay.setSpacing(4)
        self.title_label = QtWidgets.QLabel(card_title(name, custom))
        self.title_label.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # a student's name
        self.title_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.plot = make_curve_plot(name, self, custom)
        self.legend_label = QtWidgets.QLabel(legend_html() + " &nbsp;&nbsp;<b>"
                                             + html.escape(_slope_text(name, custom))
                                             + "</b>")
        self.legend_label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.legend_label.setWordWrap(True)
        self.legend_label.setStyleSheet("font-size: 9pt;")
        self.text_label = QtWidgets.QLabel(_description(name, custom))
        self.text_label.setWordWrap(True)
        self.text_label.setStyleSheet("font-size: 9pt;")
        for w in (self.title_label, self.plot, self.legend_label, self.text_label):
            lay.addWidget(w)
        lay.addStretch(1)


class ActivationGallery(QtWidgets.QWidget):
    """Every activation of ``ACTIVATIONS`` as a card, then the lab's designed ``custom``
    ones, in a scroll area; two columns when the widget is at least
    :data:`TWO_COLUMNS_FROM` pixels wide.

    Attributes: ``cards`` (name → :class:`ActivationCard`), ``scroll``.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None, custom=()):
        super().__init__(parent)
        self.custom = tuple(custom)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.scroll = QtWidgets.QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        host = QtWidgets.QWidget()
        host.setObjectName("galleryHost")
        host.setStyleSheet("QWidget#galleryHost { background: #F3F4F6; }")
        self._grid = QtWidgets.QGridLayout(host)
        self._grid.setContentsMargins(8, 8, 8, 8)
        self._grid.setSpacing(8)
        self.scroll.setWidget(host)
        lay.addWidget(self.scroll)
        self.cards: dict[str, ActivationCard] = {
            n: ActivationCard(n, host, self.custom)
            for n in list(ACTIVATIONS) + [c.name for c in self.custom]}
        self._columns = 0
        self._arrange(1)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(700, 600)

    @property
    def columns(self) -> int:
        """How many columns of cards are shown (1 or 2)."""
        return self._columns

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.cards.values():
            self._grid.removeWidget(card)
        for i, card in enumerate(self.cards.values()):
            self._grid.addWidget(card, i // columns, i % columns)
        for c in range(2):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._arrange(2 if event.size().width() >= TWO_COLUMNS_FROM else 1)
        super().resizeEvent(event)

    def gallery_html(self) -> str:
        """The gallery as one self-contained HTML page (see :func:`gallery_html`)."""
        return gallery_html(self.custom)


def _plot_png(name: str, size: tuple[int, int] = (320, 190), custom=()) -> bytes:
    w = make_curve_plot(name, custom=custom)
    try:
        w.resize(*size)
        image = QtGui.QImage(w.size() * 2, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(2.0)  # sharp on HiDPI screens and in print
        image.fill(QtGui.QColor("white"))
        painter = QtGui.QPainter(image)
        try:
            painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
            # QWidget.render, not pyqtgraph's GraphicsView.render (which draws the scene
            # stretched over the whole device, ignoring the device-pixel ratio)
            QtWidgets.QWidget.render(w, painter, QtCore.QPoint(0, 0))
        finally:
            painter.end()
    finally:
        w.deleteLater()
    data = QtCore.QByteArray()
    buf = QtCore.QBuffer(data)
    buf.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def gallery_html(custom=()) -> str:
    """Every activation's title, plot (embedded as a base64 PNG), slope at 0 and
    description as one self-contained HTML page for offline help; then the lab's designed
    activations ``custom`` (titled "NAME (designed)"; the first card has the
    id ``designed``).  Needs a running QApplication
    (plots are drawn with Qt)."""
    if QtWidgets.QApplication.instance() is None:
        raise RuntimeError("gallery_html() needs a QApplication (the plots are drawn "
                           "with Qt); create one first, e.g. offscreen.")
    cards = []
    own = [(c.name, c.activation()) for c in custom]
    for name, act in list(ACTIVATIONS.items()) + own:
        png = base64.b64encode(_plot_png(name, custom=custom)).decode("ascii")
        title = card_title(name, custom)
        # the first designed card is where "your lab's designed activations" links to
        anchor = " id='designed'" if name == (own[0][0] if own else None) else ""
        cards.append(
            f"<section class='card'{anchor}>"
            f"<h2>{html.escape(title)}</h2>"
            f"<img alt='{html.escape(act.title)}: value and slope on [-5, 5]' "
            f"width='320' height='190' src='data:image/png;base64,{png}'>"
            f"<p class='legend'>{legend_html()} &nbsp; <b>"
            f"{html.escape(_slope_text(name, custom))}</b></p>"
            f"<p>{html.escape(_description(name, custom))}</p></section>")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<title>ActLab — activation functions</title><style>"
        "body{font-family:system-ui,sans-serif;background:#F3F4F6;color:#222;margin:1.5em;}"
        ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));"
        "gap:12px;}"
        ".card{background:#fff;border:1px solid #D0D4D8;border-radius:6px;padding:8px 12px;}"
        "h2{margin:.2em 0;font-size:1.15em;} img{max-width:100%;height:auto;}"
        "p{line-height:1.4;font-size:.92em;} .legend{margin:.2em 0;}"
        "</style></head><body><h1>Activation functions</h1>"
        "<p>Each plot shows the activation f(z) (solid) and its slope f′(z) (dashed) for "
        "z from −5 to 5. Where the slope is close to 0 the activation is flat "
        "(saturated): a change in z hardly changes the output, and almost no gradient "
        "flows back through it.</p><div class='grid'>" + "".join(cards)
        + "</div></body></html>\n")
