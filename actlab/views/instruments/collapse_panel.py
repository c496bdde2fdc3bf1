""""Why non-linearity?": the linear collapse of a network, in numbers a student can read.

A dumb view: it draws the :class:`~actlab.engine.analysis.insights.CollapseInfo` inside the
``Insights`` it is handed and never calls the engine.  For a network whose hidden layers are
all linear it shows the single layer the whole network equals (W_eff, b_eff and the
equation ``ŷ = σ(0.42·x₁ − 1.30·x₂ + 0.05)``) and how far the deep and collapsed networks
differ (rounding only); for other networks which layers merge, and always the
non-linearity meter and the note on which coordinates the weights act on.
"""
from __future__ import annotations

import html
import math

import numpy as np

from actlab.views import colors
from actlab.engine.features import FUNCTION_FEATURES
from actlab.engine.features import feature_label as _feature_label
from actlab.views.qt import QtCore, QtGui, QtWidgets

MINUS = "−"  # U+2212: a real minus sign reads better than a hyphen in an equation
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_R, _G, _B = colors.hex_to_rgb(colors.OUTLINE)
MUTED = f"rgba({_R}, {_G}, {_B}, 0.68)"  # secondary text: the outline colour, faded


def format_weight(value: float) -> str:
    """A weight as shown in the grid and the equation: 2 decimals (``-1.30``), 2
    significant digits when smaller than 0.005 (``0.0012``), U+2212 for minus."""
    v = float(value)
    if not math.isfinite(v):
        text = f"{v}"
    elif abs(v) < 1e-9 or abs(v) >= 0.005:  # below 1e-9: rounding noise, shown as 0
        text = f"{0.0 if abs(v) < 1e-9 else v:.2f}"
    else:
        text = f"{v:.2g}"
    return text.replace("-", MINUS)


def feature_label(name: str) -> str:
    """The display label of an input feature (``"x1"`` → ``"x₁"``, ``"xsq"`` → ``"x²"``)."""
    return _feature_label(name)


def linear_expression(weights, bias: float, labels) -> str:
    """``0.42·x₁ − 1.30·x₂ + 0.05`` (plain text) for one output column."""
    parts = []
    for w, label in zip(weights, labels):
        text = format_weight(abs(w)) + "·" + label
        if not parts:
            parts.append((MINUS if w < 0 else "") + text)
        else:
            parts.append((f" {MINUS} " if w < 0 else " + ") + text)
    b = float(bias)
    parts.append((f" {MINUS} " if b < 0 else " + ") + format_weight(abs(b)) if parts
                 else format_weight(b))
    return "".join(parts)


def equations(W_eff: np.ndarray, b_eff: np.ndarray, labels, problem: str) -> list[str]:
    """The collapsed network as plain-text equations: ``ŷ = σ(…)`` for binary
    classification, ``ŷ = …`` for regression, ``zₖ = …`` lines and ``ŷ = softmax(z)``
    for several classes."""
    W = np.asarray(W_eff, dtype=float).reshape(len(labels), -1)
    b = np.asarray(b_eff, dtype=float).reshape(-1)
    if W.shape[1] > 1:
        lines = [f"z{str(k + 1).translate(_SUBSCRIPTS)} = "
                 + linear_expression(W[:, k], b[k], labels) for k in range(W.shape[1])]
        last = str(W.shape[1]).translate(_SUBSCRIPTS)
        return lines + [f"ŷ = softmax(z₁, …, z{last})"]
    body = linear_expression(W[:, 0], b[0], labels)
    return [f"ŷ = {body}" if problem == "regression" else f"ŷ = σ({body})"]


def run_text(run: tuple[int, int], n_weight_layers: int) -> str:
    """``"layers 1–3 act as one linear layer"`` for a run of merging weight layers
    (0-based, inclusive); the last weight layer is called the output layer."""
    first, last = int(run[0]) + 1, int(run[1]) + 1
    if last == n_weight_layers:
        names = (f"layer {first} and the output layer" if last - first == 1
                 else f"layers {first}–{last - 1} and the output layer")
    else:
        names = (f"layers {first} and {last}" if last - first == 1
                 else f"layers {first}–{last}")
    return f"{names} act as one linear layer"


def format_meter(value: float) -> str:
    """The meter's read-out: 2 decimals, ``"0.00"`` when linear to rounding error."""
    v = float(value)
    if not math.isfinite(v):
        return "–"
    if v < 1e-9:
        return "0.00"
    return "<0.01" if v < 0.005 else f"{v:.2f}"


class MeterBar(QtWidgets.QWidget):
    """A horizontal bar filled from 0 to ``value`` on a 0…1 scale."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._value = 0.0
        self.setMinimumSize(80, 16)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                           QtWidgets.QSizePolicy.Policy.Fixed)

    @property
    def value(self) -> float:
        return self._value

    def set_value(self, value: float) -> None:
        v = float(value) if math.isfinite(float(value)) else 0.0
        # below the read-out's resolution the bar stays empty, as "0.00" says
        self._value = 0.0 if v < 0.005 else min(v, 1.0)
        self.update()

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(200, 16)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        r = QtCore.QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QtGui.QPen(QtGui.QColor(colors.BOUNDARY), 1))
        p.setBrush(QtGui.QColor(colors.NEUTRAL))
        p.drawRoundedRect(r, 3, 3)
        if self._value > 0:
            fill = QtCore.QRectF(r.left(), r.top(), max(r.width() * self._value, 2.0),
                                 r.height())
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.setBrush(QtGui.QColor(colors.BLUE))
            p.drawRoundedRect(fill, 3, 3)
        p.end()


def _label(text: str = "", *, size: float | None = None, bold: bool = False,
           muted: bool = False, rich: bool = False) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(QtCore.Qt.TextFormat.RichText if rich else QtCore.Qt.TextFormat.PlainText)
    style = []
    if size:
        style.append(f"font-size: {size}pt;")
    if bold:
        style.append("font-weight: bold;")
    style.append(f"color: {MUTED};" if muted else f"color: {colors.OUTLINE};")
    label.setStyleSheet("QLabel { " + " ".join(style) + " }")
    label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CollapsePanel(QtWidgets.QWidget):
    """"Why non-linearity?" — fits a 320 px wide dock.

    Public labels (for tests and the window): ``title_label``, ``sentence_label``,
    ``equation_label``, ``difference_label``, ``runs_label``, ``meter_label``,
    ``note_label``, and ``weight_cells`` (the grid's texts, row by row).
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._insights = None
        self._problem = "classification"
        self._epoch: int | None = None
        self.weight_cells: list[list[str]] = []
        self.setMinimumWidth(240)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor("white"))
        self.setPalette(pal)

        # the content scrolls when a short dock cannot show it all (many features/classes)
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QtWidgets.QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = self._body = QtWidgets.QWidget()
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll)
        lay = QtWidgets.QVBoxLayout(body)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(6)
        self.heading = _label("Why non-linearity?", size=9, bold=True, muted=True)
        self.title_label = _label("Train the network to see how it combines its layers.",
                                  size=13, bold=True)
        self.sentence_label = _label("", muted=False)
        for w in (self.heading, self.title_label, self.sentence_label):
            lay.addWidget(w)

        # --- all-linear block: W_eff, b_eff, equation, difference -------------------
        self.linear_box = QtWidgets.QWidget(self)
        lb = QtWidgets.QVBoxLayout(self.linear_box)
        lb.setContentsMargins(0, 2, 0, 0)
        lb.setSpacing(4)
        self.grid_caption = _label("The single layer it equals:", bold=True)
        self.grid_caption.setToolTip(
            "Multiply the weight matrices of all the layers together and you get these "
            "numbers: one weight per input feature (W_eff) and one bias (b_eff).")
        self.weights_host = QtWidgets.QFrame(self.linear_box)
        self.weights_host.setStyleSheet(
            f"QFrame {{ background: {colors.NEUTRAL}; border-radius: 4px; }}")
        self.weights_grid = QtWidgets.QGridLayout(self.weights_host)
        self.weights_grid.setContentsMargins(8, 4, 8, 4)
        self.weights_grid.setHorizontalSpacing(14)
        self.weights_grid.setVerticalSpacing(1)
        self.equation_label = _label("", size=12, rich=True)
        self.difference_label = _label("", muted=True)
        self.difference_label.setToolTip(
            "The largest gap between the deep network's output and this single layer's, "
            "over the whole plane. Numbers like 1e-16 are just computer rounding: the "
            "two are the same function.")
        for w in (self.grid_caption, self.weights_host, self.equation_label,
                  self.difference_label):
            lb.addWidget(w)
        lay.addWidget(self.linear_box)

        # --- mixed network: which layers merge ------------------------------------
        self.runs_label = _label("", rich=True)
        self.runs_label.setToolTip(
            "Layers joined by a linear activation (no bend) multiply into one matrix: "
            "they count as a single layer, however many there are.")
        lay.addWidget(self.runs_label)

        # --- meter (always) -------------------------------------------------------
        meter_tip = ("How far the whole network is from a straight (linear) function of "
                     "its input features. 0: it is linear — a single layer would do the "
                     "same. It grows as the activations bend the network's output.")
        row = QtWidgets.QHBoxLayout()
        row.setSpacing(6)
        self.meter_caption = _label("Non-linearity", bold=True)
        self.meter_caption.setWordWrap(False)
        self.meter_bar = MeterBar(self)
        self.meter_label = _label("–", bold=True)
        self.meter_label.setWordWrap(False)
        self.meter_label.setMinimumWidth(self.meter_label.fontMetrics()
                                         .horizontalAdvance("<0.00") + 4)
        self.meter_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight
                                      | QtCore.Qt.AlignmentFlag.AlignVCenter)
        for w in (self.meter_caption, self.meter_bar, self.meter_label):
            w.setToolTip(meter_tip)
        row.addWidget(self.meter_caption)
        row.addWidget(self.meter_bar, 1)
        row.addWidget(self.meter_label)
        lay.addLayout(row)
        self.meter_hint = _label("0 = the network is linear in its features; "
                                 "it grows as the network bends.", size=8, muted=True)
        self.meter_hint.setToolTip(meter_tip)
        lay.addWidget(self.meter_hint)

        self.note_label = _label("", size=8, muted=True)
        self.note_label.setToolTip("Which numbers the weights multiply: the raw point "
                                   "(x₁, x₂) or extra input features computed from it.")
        lay.addWidget(self.note_label)
        lay.addStretch(1)
        self.linear_box.hide()
        self.runs_label.hide()

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(320, 420)

    # ----------------------------------------------------------------- data
    def set_problem(self, problem: str) -> None:
        """``"classification"`` or ``"regression"``: decides σ (binary classification)
        or no squashing (regression) in the equation.  Several outputs mean softmax."""
        self._problem = str(problem)
        if self._insights is not None:
            self._draw(self._insights)

    def show_insights(self, insights, force: bool = False) -> bool:
        """Draw ``insights.collapse`` (and the layer names from ``insights``).  Insights
        older (by epoch) than the last drawn are dropped unless ``force`` (use it after a
        reset).  Returns True if drawn."""
        if insights is None:
            return False
        if not force and self._epoch is not None and insights.epoch < self._epoch:
            return False
        self._epoch = insights.epoch
        self._insights = insights
        self._draw(insights)
        return True

    def clear(self) -> None:
        """Forget the last insights (e.g. after Reset)."""
        self._insights, self._epoch = None, None

    # ----------------------------------------------------------------- drawing
    def _draw(self, insights) -> None:
        c = insights.collapse
        labels = [feature_label(f) for f in c.feature_names]
        self.meter_bar.set_value(c.meter)
        self.meter_label.setText(format_meter(c.meter))
        self.note_label.setText(c.note or "")
        if c.all_linear and c.W_eff is not None:
            self._draw_linear(c, labels)
        else:
            self._draw_mixed(insights)
        # lay out now (not at the next event loop), so a grab right after drawing, as an
        # export does, sees the new sizes
        for _ in range(3):  # wrapped labels settle in passes: width first, then height
            QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.LayoutRequest)

    def _draw_linear(self, c, labels) -> None:
        W = np.asarray(c.W_eff, dtype=float).reshape(len(labels), -1)
        b = np.asarray(c.b_eff, dtype=float).reshape(-1)
        self.title_label.setText("This network is one linear layer")
        self.sentence_label.setText(
            "Without activations each layer only multiplies and adds, and multiplications "
            "in a row are one multiplication. However deep, this network computes exactly "
            "what this single layer computes:")
        self._fill_grid(W, b, labels)
        lines = equations(W, b, labels, self._problem)
        self.equation_label.setStyleSheet(
            f"QLabel {{ color: {colors.OUTLINE}; font-size: {12 if len(lines) == 1 else 10}pt; }}")
        self.equation_label.setText("<br>".join(html.escape(s, quote=False) for s in lines))
        self.equation_label.setToolTip(
            "Everything the deep network computes, written as one formula. " + (
                "It predicts the value directly (regression: no squashing)."
                if W.shape[1] == 1 and self._problem == "regression" else
                "Softmax turns the class scores z into probabilities that add up to 1."
                if W.shape[1] > 1 else
                "σ squashes the sum into a probability between 0 and 1."))
        self.difference_label.setText(
            f"deep vs collapsed: {c.max_difference:.1e}  (rounding error only)")
        self.linear_box.show()
        self.runs_label.hide()

    def _fill_grid(self, W: np.ndarray, b: np.ndarray, labels) -> None:
        grid = self.weights_grid
        while grid.count():
            cell = grid.takeAt(0).widget()
            if cell is not None:  # off the panel now, not at the next event loop
                cell.hide()
                cell.setParent(None)
                cell.deleteLater()
        k = W.shape[1]
        head = ["", "W_eff"] if k == 1 else [""] + [
            f"→ z{str(j + 1).translate(_SUBSCRIPTS)}" for j in range(k)]
        rows = [head]
        rows += [[lab] + [format_weight(v) for v in W[i]] for i, lab in enumerate(labels)]
        rows.append(["b_eff"] + [format_weight(v) for v in b])
        self.weight_cells = rows
        mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        for r, row in enumerate(rows):
            for col, text in enumerate(row):
                cell = QtWidgets.QLabel(text, self.weights_host)
                cell.setTextFormat(QtCore.Qt.TextFormat.PlainText)
                header = r == 0 or col == 0
                cell.setStyleSheet(f"color: {MUTED if header else colors.OUTLINE};"
                                   " background: transparent;")
                if col > 0 and r > 0:
                    cell.setFont(mono)
                    cell.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
                elif col > 0:
                    cell.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
                if r == len(rows) - 1 and col == 0:
                    cell.setToolTip("The bias: the value of the sum when every feature is 0.")
                grid.addWidget(cell, r, col)
                cell.show()  # now: the layout would only show it at the next event loop
        for col in range(grid.columnCount()):
            grid.setColumnStretch(col, 0)
        grid.setColumnStretch(k + 1, 1)  # numbers stay next to their labels

    def _draw_mixed(self, insights) -> None:
        c = insights.collapse
        n_weight = len(insights.activations) + 1
        if c.runs:
            self.title_label.setText("Some layers merge into one")
            names = sorted({a for a in insights.activations if a != "linear"})
            self.sentence_label.setText(
                "A linear activation adds no bend, so the layers around it multiply into "
                "a single layer:")
            items = "".join(f"• {html.escape(run_text(r, n_weight))}<br>" for r in c.runs)
            diff = (f"<span style='color:{MUTED}'>deep vs merged: "
                    f"{c.max_difference:.1e} (rounding error only)</span><br>")
            rest = html.escape(f"The other activations ({', '.join(names)}) still bend "
                               "the network, so it is not one linear layer.")
            self.runs_label.setText(items + diff + rest)
            self.runs_label.show()
        else:
            self.title_label.setText("This network bends")
            names = sorted({a for a in insights.activations if a != "linear"})
            # a function lab (fed features of x) bends its curve, a point lab its boundary
            curve = bool(c.feature_names) and all(f in FUNCTION_FEATURES
                                                  for f in c.feature_names)
            self.sentence_label.setText(
                "Every hidden layer has a non-linear activation ("
                + ", ".join(names) + "), so no two layers merge into one: the network can "
                + ("bend its curve where a single linear layer draws a straight line."
                   if curve else
                   "draw curved boundaries that a single linear layer cannot."))
            self.runs_label.hide()
        self.linear_box.hide()
