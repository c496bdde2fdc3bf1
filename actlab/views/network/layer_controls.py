"""The controls over one hidden layer of the network diagram: "−"/"+" neuron buttons, a
neuron count the student can type, and the activation box.

A layer column can be 110 px wide on a big screen or ~22 px with ten layers in a 300-px
column, so the controls have two arrangements (``arrange(width)``): *wide* puts
"− [n] +" on one row over the activation box; *compact* stacks half-width "−"/"+",
the count and an activation box showing an abbreviation ("Sig" for Sigmoid) without
its arrow.  The full name is always in the box's tooltip and its drop-down list.
"""
from __future__ import annotations

from actlab.engine.activations.builtin import ACTIVATIONS
from actlab.engine.activations.lookup import display_name
from actlab.lab import MAX_NEURONS
from actlab.views.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt

LOCKED_TIP = "Locked by the teacher for this lab."
SHORT_ROLE = Qt.ItemDataRole.UserRole + 1
ABBREV_ROLE = Qt.ItemDataRole.UserRole + 2
#: Item data of the two entries that open the activation editor (no activation can be
#: called this: check_name refuses "<").
DESIGN_ITEM, EDIT_ITEM = "<design>", "<edit>"
WIDE_MIN = 60      # narrower layer columns get the compact arrangement
WIDE_HEIGHT = 46
COMPACT_HEIGHT = 56

# What a 22-px box can show.  Names not listed get their first four letters.
ABBREVIATIONS = {"linear": "Lin", "relu": "ReLU", "leaky_relu": "LReL", "elu": "ELU",
                 "tanh": "tanh", "sigmoid": "Sig", "softplus": "Soft", "gelu": "GELU",
                 "silu": "SiLU", "sine": "Sin"}


def small_font(widget: QtWidgets.QWidget, factor: float = 0.9) -> QtGui.QFont:
    font = QtGui.QFont(widget.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() * factor))
    return font


def tool_button(text: str, parent: QtWidgets.QWidget, size: int = 22) -> QtWidgets.QToolButton:
    b = QtWidgets.QToolButton(parent)
    b.setText(text)
    b.setFixedSize(size, size)
    font = QtGui.QFont(b.font())
    font.setBold(True)
    b.setFont(font)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


def short_title(title: str) -> str:
    """"Linear (identity)" → "Linear", "SiLU / Swish" → "SiLU": fits a narrow column."""
    return title.split(" (")[0].split(" / ")[0]


def abbreviation(name: str, custom=()) -> str:
    return ABBREVIATIONS.get(name) or short_title(display_name(name, custom))[:4]


class ActivationCombo(QtWidgets.QComboBox):
    """A combo box listing full activation titles but showing, when closed, the short
    title if it fits, else an abbreviation (elided as a last resort).  ``compact``
    drops the arrow so the name gets the whole box."""

    def __init__(self, parent: QtWidgets.QWidget):
        super().__init__(parent)
        self.compact = False
        self._designed: tuple = ()
        self._editable = False
        for name, act in ACTIVATIONS.items():
            self._add(name, act.title, act.summary)

    def _add(self, name: str, title: str, summary: str) -> None:
        self.addItem(title, name)
        i = self.count() - 1
        self.setItemData(i, f"{title}: {summary}", Qt.ItemDataRole.ToolTipRole)
        self.setItemData(i, short_title(title), SHORT_ROLE)
        self.setItemData(i, abbreviation(name, self._designed), ABBREV_ROLE)

    def set_designed(self, custom, current: str, editable: bool = True) -> None:
        """List the lab's designed activations ``custom`` after the built-ins, then (when
        ``editable``) "Design an activation…" and, if ``current`` is one of them,
        "Edit “NAME”…"; select ``current``.  No signal."""
        custom = tuple(custom or ())
        key = (custom, current if custom else None, editable)
        if key != (self._designed, getattr(self, "_current_designed", None), self._editable):
            self.blockSignals(True)
            while self.count() > len(ACTIVATIONS):
                self.removeItem(self.count() - 1)
            self._designed, self._editable = custom, editable
            self._current_designed = key[1]
            if custom or editable:
                self.insertSeparator(self.count())
            for c in custom:
                self._add(c.name, c.name, c.activation().summary)
            if editable:
                self.addItem("Design an activation…", DESIGN_ITEM)
                self.setItemData(self.count() - 1, "Draw your own piecewise-linear "
                                 "activation and use it in this layer.",
                                 Qt.ItemDataRole.ToolTipRole)
                own = [c for c in custom if c.name == current]
                if own:
                    self.addItem(f"Edit “{own[0].name}”…", EDIT_ITEM)
            self.blockSignals(False)
        self.blockSignals(True)
        self.setCurrentIndex(self.findData(current))
        self.blockSignals(False)

    def shown_text(self) -> str:
        """The text the closed box shows now (for tests and screenshots)."""
        opt = QtWidgets.QStyleOptionComboBox()
        self.initStyleOption(opt)
        return self._fit(opt)[1]

    def shown_font(self) -> QtGui.QFont:
        """The font of :meth:`shown_text` (smaller only when nothing else fits)."""
        opt = QtWidgets.QStyleOptionComboBox()
        self.initStyleOption(opt)
        return self._fit(opt)[2]

    def _fit(self, opt) -> tuple[QtCore.QRect, str, QtGui.QFont]:
        """Where the closed box's text goes, the text and its font: the short title,
        else the abbreviation, in the box's font; then the abbreviation in a smaller
        one; elided only as a last resort."""
        if self.compact:
            field = self.rect().adjusted(1, 0, -1, 0)
        else:
            field = self.style().subControlRect(
                QtWidgets.QStyle.ComplexControl.CC_ComboBox, opt,
                QtWidgets.QStyle.SubControl.SC_ComboBoxEditField, self)
        small = QtGui.QFont(self.font())
        small.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.85))
        text = opt.currentText
        for role, font in ((SHORT_ROLE, self.font()), (ABBREV_ROLE, self.font()),
                           (ABBREV_ROLE, small)):
            text = self.currentData(role) or opt.currentText
            if QtGui.QFontMetrics(font).horizontalAdvance(text) <= field.width():
                return field, text, font
        fm = QtGui.QFontMetrics(small)
        return field, fm.elidedText(text, Qt.TextElideMode.ElideRight, field.width()), small

    def paintEvent(self, event) -> None:
        painter = QtWidgets.QStylePainter(self)
        opt = QtWidgets.QStyleOptionComboBox()
        self.initStyleOption(opt)
        field, text, font = self._fit(opt)
        painter.setFont(font)
        if self.compact:
            # a framed name without the arrow: 22 px leave no room for one
            painter.setPen(self.palette().color(QtGui.QPalette.ColorRole.Mid))
            painter.setBrush(self.palette().brush(QtGui.QPalette.ColorRole.Button))
            painter.drawRoundedRect(QtCore.QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5),
                                    3, 3)
            painter.setPen(self.palette().color(
                QtGui.QPalette.ColorGroup.Active if self.isEnabled()
                else QtGui.QPalette.ColorGroup.Disabled, QtGui.QPalette.ColorRole.ButtonText))
            painter.drawText(field, Qt.AlignmentFlag.AlignCenter, text)
            return
        painter.drawComplexControl(QtWidgets.QStyle.ComplexControl.CC_ComboBox, opt)
        opt.currentText = text
        painter.drawControl(QtWidgets.QStyle.ControlElement.CE_ComboBoxLabel, opt)


class LayerControls(QtWidgets.QWidget):
    """The "−"/"+" neuron buttons, the typeable neuron count and the activation box of
    one layer.  ``countEntered(int)`` fires when the student typed a new count and
    pressed Enter or left the box."""

    countEntered = QtCore.Signal(int)

    def __init__(self, parent: QtWidgets.QWidget):
        super().__init__(parent)
        self.index = 0
        self.neurons = 1
        self.compact = False
        self.remove_button = tool_button("−", self, 20)
        self.add_button = tool_button("+", self, 20)
        self.count_spin = QtWidgets.QSpinBox(self)
        self.count_spin.setRange(1, MAX_NEURONS)
        self.count_spin.setButtonSymbols(QtWidgets.QAbstractSpinBox.ButtonSymbols.NoButtons)
        self.count_spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.count_spin.setKeyboardTracking(False)
        self.count_spin.setFont(small_font(self))
        # a wheel over the diagram must not rebuild the network by accident
        self.count_spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.count_spin.editingFinished.connect(self._count_edited)
        # The count as words ("4 neurons"): read by screen readers and tests; the
        # spin box shows the number.
        self.count_label = QtWidgets.QLabel(self)
        self.count_label.hide()
        self.combo = ActivationCombo(self)
        self.combo.setFont(small_font(self))
        self.combo.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(1)
        self.combo.setMinimumWidth(1)
        self.combo.view().setMinimumWidth(150)
        self.arrange(80)

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt name
        event.ignore()

    def _count_edited(self) -> None:
        n = self.count_spin.value()
        if n != self.neurons and self.count_spin.isEnabled():
            self.countEntered.emit(n)

    def arrange(self, width: int) -> int:
        """Lay the controls out for a column ``width`` px wide; returns the height."""
        self.compact = width < WIDE_MIN
        self.combo.compact = self.compact
        # condensed letters in a narrow box: "ReLU" needs 17 px instead of 23
        font = small_font(self, 0.9)
        font.setStretch(QtGui.QFont.Stretch.Condensed if self.compact
                        else QtGui.QFont.Stretch.Unstretched)
        self.combo.setFont(font)
        self.count_spin.setFont(small_font(self, 1.0))  # digits are narrow: full size
        self.count_spin.setFrame(not self.compact)  # "64" needs the frame's pixels
        if self.compact:
            half = max(10, (width - 1) // 2)
            self.remove_button.setFixedSize(half, 16)
            self.add_button.setFixedSize(half, 16)
            self.remove_button.move(0, 0)
            self.add_button.move(width - half, 0)
            self.count_spin.setGeometry(0, 18, width, 18)
            self.combo.setGeometry(0, 38, width, 18)
            height = COMPACT_HEIGHT
        else:
            self.remove_button.setFixedSize(20, 20)
            self.add_button.setFixedSize(20, 20)
            spin_w = min(40, width - 46)
            x = (width - (40 + spin_w + 6)) // 2
            self.remove_button.move(x, 1)
            self.count_spin.setGeometry(x + 23, 0, spin_w, 22)
            self.add_button.move(x + 26 + spin_w, 1)
            self.combo.setGeometry(0, 24, width, 22)
            height = WIDE_HEIGHT
        self.combo.update()
        return height

    def set_state(self, index: int, neurons: int, activation: str, locked: bool,
                  activation_locked: bool | None = None, custom=()) -> None:
        """Show layer ``index``; ``locked`` disables the neuron buttons and count and
        ``activation_locked`` (default: ``locked``) the activation box."""
        if activation_locked is None:
            activation_locked = locked
        self.index, self.neurons = index, neurons
        layer = index + 1
        self.count_label.setText(f"{neurons} neuron" + ("" if neurons == 1 else "s"))
        self.count_spin.blockSignals(True)
        self.count_spin.setValue(neurons)
        self.count_spin.blockSignals(False)
        self.count_spin.setEnabled(not locked)
        self.count_spin.setToolTip(
            LOCKED_TIP if locked else
            f"Hidden layer {layer} has {neurons} neuron" + ("" if neurons == 1 else "s")
            + f". Type a number from 1 to {MAX_NEURONS} and press Enter to change it.")
        self.add_button.setEnabled(not locked and neurons < MAX_NEURONS)
        self.remove_button.setEnabled(not locked and neurons > 1)
        if locked:
            self.add_button.setToolTip(LOCKED_TIP)
            self.remove_button.setToolTip(LOCKED_TIP)
        else:
            self.add_button.setToolTip(
                f"Add a neuron to hidden layer {layer}." if neurons < MAX_NEURONS else
                f"A layer can have at most {MAX_NEURONS} neurons.")
            self.remove_button.setToolTip(
                f"Remove a neuron from hidden layer {layer}." if neurons > 1 else
                "A layer needs at least one neuron; remove the whole layer with the "
                "\"−\" next to \"hidden layers\" instead.")
        self.combo.set_designed(custom, activation, editable=not activation_locked)
        self.combo.setEnabled(not activation_locked)
        title = display_name(activation, custom)
        self.combo.setToolTip(
            f"{title} — {LOCKED_TIP}" if activation_locked else
            f"The activation of hidden layer {layer} (now {title}): how each of its neurons "
            "bends its input. With \"Linear\" nothing bends, and stacked linear layers act "
            "like a single one.")

    def set_parts_visible(self, structure: bool, activations: bool) -> None:
        for w in (self.add_button, self.remove_button, self.count_spin):
            w.setVisible(structure)
        self.combo.setVisible(activations)
