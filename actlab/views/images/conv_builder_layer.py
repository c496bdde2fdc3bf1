"""The controls over one convolution layer's column in the image-network builder: its name,
"−"/"+" filters with the count, the kernel size, padding and stride, pooling and the
activation — one compact row each, so four layers fit side by side in a 330-px column.

Each control reports a *wish* (``edited(layer, field, value)``); the builder turns it into a
new ImageNetSpec, and puts the controls back if the network would be impossible."""
from __future__ import annotations

from actlab.engine.activations.lookup import display_name
from actlab.engine.models.cnn_spec import KERNELS, MAX_FILTERS, ConvSpec
from actlab.views.network.layer_controls import ActivationCombo, small_font, tool_button
from actlab.views.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt

ROW = 20
#: (padding, stride) choices of the one "shape" box, with what the closed box shows
SHAPES = (("same", 1, "same"), ("valid", 1, "valid"), ("same", 2, "same/2"),
          ("valid", 2, "valid/2"))
POOLS = (("none", "no pool", "none"), ("max", "max pool", "max"),
         ("avg", "avg pool", "avg"))


class _Combo(QtWidgets.QComboBox):
    """A small combo box that ignores the mouse wheel (scrolling the builder must not
    change the network) and emits ``picked(index)`` only for the user's choices."""

    picked = QtCore.Signal(int)

    def __init__(self, parent):
        super().__init__(parent)
        self.setFont(small_font(self, 0.85))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(1)
        self.setMinimumWidth(1)
        self.view().setMinimumWidth(110)
        self.activated.connect(self.picked)

    compact = False  # a framed text without the arrow: a 60-px box has no room for one

    def wheelEvent(self, event) -> None:  # noqa: N802
        event.ignore()

    def paintEvent(self, event) -> None:  # noqa: N802
        if not self.compact:
            super().paintEvent(event)
            return
        p = QtWidgets.QStylePainter(self)
        pal = self.palette()
        p.setPen(pal.color(QtGui.QPalette.ColorRole.Mid))
        p.setBrush(pal.brush(QtGui.QPalette.ColorRole.Button))
        p.drawRoundedRect(QtCore.QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        p.setPen(pal.color(QtGui.QPalette.ColorGroup.Active if self.isEnabled() else
                           QtGui.QPalette.ColorGroup.Disabled,
                           QtGui.QPalette.ColorRole.ButtonText))
        text = QtGui.QFontMetrics(self.font()).elidedText(
            self.currentText(), Qt.TextElideMode.ElideRight, self.width() - 4)
        p.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), text)
        if self.hasFocus():
            p.setPen(QtGui.QPen(pal.color(QtGui.QPalette.ColorRole.Highlight), 1.5))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(QtCore.QRectF(self.rect()).adjusted(1, 1, -1, -1), 3, 3)

    def show_index(self, i: int) -> None:
        self.blockSignals(True)
        self.setCurrentIndex(i)
        self.blockSignals(False)


class ConvLayerControls(QtWidgets.QWidget):
    """The controls of convolution layer ``index``.  ``edited(index, field, value)`` with
    field one of "filters", "kernel", "shape" (value (padding, stride)), "pool",
    "activation"."""

    edited = QtCore.Signal(int, str, object)
    WIDE = 120  # columns this wide put two boxes on a row

    @classmethod
    def rows_for(cls, width: int) -> int:
        return 4 if width >= cls.WIDE else 6

    def __init__(self, parent: QtWidgets.QWidget):
        super().__init__(parent)
        self.index = 0
        self.spec = ConvSpec()
        self.title = QtWidgets.QLabel(self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = small_font(self, 0.9)
        font.setBold(True)
        self.title.setFont(font)
        self.remove_button = tool_button("−", self, ROW)
        self.add_button = tool_button("+", self, ROW)
        self.count = QtWidgets.QLabel(self)
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.count.setFont(small_font(self, 0.9))
        self.kernel_combo = _Combo(self)
        for k in KERNELS:
            self.kernel_combo.addItem(f"{k}×{k}", k)
        self.shape_combo = _Combo(self)
        for pad, stride, text in SHAPES:
            self.shape_combo.addItem(text, (pad, stride))
            self.shape_combo.setItemData(
                self.shape_combo.count() - 1,
                f"padding {pad!r}, stride {stride}", Qt.ItemDataRole.ToolTipRole)
        self.pool_combo = _Combo(self)
        for pool, text, _ in POOLS:
            self.pool_combo.addItem(text, pool)
        self.act_combo = ActivationCombo(self)
        self.act_combo.setFont(small_font(self, 0.85))
        self.act_combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.act_combo.setMinimumWidth(1)
        self.act_combo.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.act_combo.setMinimumContentsLength(1)
        self.act_combo.view().setMinimumWidth(150)
        self.act_combo.wheelEvent = lambda e: e.ignore()
        self.remove_button.clicked.connect(
            lambda: self.edited.emit(self.index, "filters", self.spec.filters - 1))
        self.add_button.clicked.connect(
            lambda: self.edited.emit(self.index, "filters", self.spec.filters + 1))
        self.kernel_combo.picked.connect(
            lambda i: self.edited.emit(self.index, "kernel", self.kernel_combo.itemData(i)))
        self.shape_combo.picked.connect(
            lambda i: self.edited.emit(self.index, "shape", self.shape_combo.itemData(i)))
        self.pool_combo.picked.connect(
            lambda i: self.edited.emit(self.index, "pool", self.pool_combo.itemData(i)))
        self.act_combo.activated.connect(
            lambda i: self.edited.emit(self.index, "activation", self.act_combo.itemData(i)))

    def focus_chain(self) -> list[QtWidgets.QWidget]:
        return [self.remove_button, self.add_button, self.kernel_combo, self.shape_combo,
                self.pool_combo, self.act_combo]

    def arrange(self, width: int) -> int:
        """Lay the rows out ``width`` px wide; returns the height."""
        y = 0
        self.title.setGeometry(0, y, width, ROW)
        y += ROW + 2
        b = min(ROW, max(12, width // 4))
        self.remove_button.setFixedSize(b, ROW)
        self.add_button.setFixedSize(b, ROW)
        self.remove_button.move(0, y)
        self.add_button.move(width - b, y)
        self.count.setGeometry(b, y, width - 2 * b, ROW)
        y += ROW + 2
        combos = (self.kernel_combo, self.shape_combo, self.pool_combo, self.act_combo)
        wide = width >= self.WIDE
        half = (width - 2) // 2
        for i, combo in enumerate(combos):
            if wide:
                combo.setGeometry(0 if i % 2 == 0 else width - half, y, half, ROW)
                y += (ROW + 2) * (i % 2)
            else:
                combo.setGeometry(0, y, width, ROW)
                y += ROW + 2
            combo.compact = width < 80
            combo.update()
        for (pool, wide_text, narrow_text), i in zip(POOLS, range(3)):
            self.pool_combo.setItemText(i, wide_text if width >= 80 else narrow_text)
        return y

    def set_state(self, index: int, spec: ConvSpec, map_in: int, map_out: int) -> None:
        """Show layer ``index`` = ``spec``, which turns ``map_in``² px maps into
        ``map_out``² px maps."""
        self.index, self.spec = index, spec
        n = index + 1
        self.title.setText(f"Conv {n}")
        self.title.setToolTip(f"Convolution layer {n}: {spec.filters} filter"
                              f"{'s' if spec.filters != 1 else ''} of {spec.kernel}×"
                              f"{spec.kernel}; its {map_in}×{map_in} px input maps become "
                              f"{map_out}×{map_out} px maps.")
        self.count.setText(str(spec.filters))
        self.count.setToolTip(f"Convolution layer {n} has {spec.filters} filter"
                              f"{'s' if spec.filters != 1 else ''} (1 to {MAX_FILTERS}).")
        self.add_button.setEnabled(spec.filters < MAX_FILTERS)
        self.remove_button.setEnabled(spec.filters > 1)
        self.add_button.setToolTip(f"Add a filter to convolution layer {n}." if
                                   spec.filters < MAX_FILTERS else
                                   f"A layer can have at most {MAX_FILTERS} filters.")
        self.remove_button.setToolTip(f"Remove the last filter of convolution layer {n}."
                                      if spec.filters > 1 else
                                      "A layer needs at least one filter; remove the layer "
                                      "with the \"−\" next to \"convolutions\".")
        self.kernel_combo.show_index(KERNELS.index(spec.kernel))
        self.kernel_combo.setToolTip(
            f"Kernel size of layer {n} (now {spec.kernel}×{spec.kernel}): how many pixels "
            "each filter looks at in each direction.")
        self.shape_combo.show_index(
            [(p, s) for p, s, _ in SHAPES].index((spec.padding, spec.stride)))
        self.shape_combo.setToolTip(
            f"Padding and stride of layer {n} (now {spec.padding!r}, stride {spec.stride}). "
            "'same' pads the border so the map keeps its size; 'valid' only slides where "
            "the kernel fits, so the map shrinks by kernel − 1; '/2' (stride 2) takes every "
            "second position and halves the map.")
        self.pool_combo.show_index([p[0] for p in POOLS].index(spec.pool))
        self.pool_combo.setToolTip(
            f"Pooling after layer {n} (now {spec.pool}): 2×2 max or average "
            "pooling halves the map. Max pooling is not linear; average pooling is.")
        self.act_combo.set_designed(spec.custom, spec.activation)
        title = display_name(spec.activation, spec.custom)
        self.act_combo.setToolTip(
            f"The activation of convolution layer {n} (now {title}), applied to every "
            "pixel of every feature map. With \"Linear\", stacked convolutions act like a "
            "single larger one.")
