""""Inside a filter": the window a click on a filter tile (or Enter on it) opens.

It stays open beside the main window while the network trains and follows it: every new
picture of the probed image redraws it.  The student picks the layer and the filter (and,
for a layer that reads several maps, which input channel's patch is drawn), hovers a pixel
of either map — or moves it with the arrow keys — and sees the sum behind it.  The numbers
come from :mod:`actlab.engine.analysis.filter_detail`; :class:`FilterDetailView` draws them.
"""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from actlab.engine.activations.lookup import display_name
from actlab.engine.analysis.filter_detail import filter_detail, pixel_sum, strongest_pixel
from actlab.views.images.filter_detail_view import FilterDetailView

HINT = ("Hover a pixel of either map, or move it with the arrow keys: the patch it reads is "
        "outlined on the input, and its sum is worked out below. The view follows the "
        "network as it trains.")


class FilterDetailDialog(QtWidgets.QDialog):
    """One filter opened up.  :meth:`show_filter` picks it, :meth:`set_pictures` follows
    the training; ``detail`` and ``sum`` are what is drawn (None without pictures)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Inside a filter")
        self.setObjectName("filter_detail")
        self.pics = self.spec = None
        self.detail = self.sum = None
        self.layer = self.filter = 0
        self.pixel: tuple[int, int] | None = None   # None: the strongest one
        self.layer_box = QtWidgets.QComboBox()
        self.layer_box.setAccessibleName("Convolution layer")
        self.filter_box = QtWidgets.QSpinBox()
        self.filter_box.setAccessibleName("Filter")
        self.channel_box = QtWidgets.QSpinBox()
        self.channel_box.setAccessibleName("Input channel whose patch is shown")
        self.channel_label = QtWidgets.QLabel("Input &channel:")
        self.channel_label.setBuddy(self.channel_box)
        self.title = QtWidgets.QLabel()
        self.title.setObjectName("filter_detail_title")
        bold = QtGui.QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        layer_label = QtWidgets.QLabel("Con&volution:")
        layer_label.setBuddy(self.layer_box)
        filter_label = QtWidgets.QLabel("&Filter:")
        filter_label.setBuddy(self.filter_box)
        bar = QtWidgets.QHBoxLayout()
        for w in (layer_label, self.layer_box, filter_label, self.filter_box,
                  self.channel_label, self.channel_box):
            bar.addWidget(w)
        bar.addSpacing(12)
        bar.addWidget(self.title, 1)
        self.view = FilterDetailView()
        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("filter_detail_message")
        hint = QtWidgets.QLabel(HINT)
        hint.setWordWrap(True)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.layer_box.currentIndexChanged.connect(self._pick_layer)
        self.filter_box.valueChanged.connect(lambda v: self._pick(self.layer, v - 1))
        self.channel_box.valueChanged.connect(lambda _v: self._redraw())
        self.view.pixelHovered.connect(self.choose_pixel)
        self.view.setFocus()  # the arrow keys move the pixel from the start
        self._fit_screen()

    def _fit_screen(self) -> None:
        screen = (self.parent().screen() if self.parent() is not None else None) \
            or QtGui.QGuiApplication.primaryScreen()
        avail = screen.availableGeometry()
        self.resize(min(1120, int(avail.width() * 0.92)), min(660, int(avail.height() * 0.9)))

    # ------------------------------------------------------------------ the API
    def show_filter(self, pics, spec, layer: int, filt: int) -> None:
        """Open filter ``filt`` of conv layer ``layer`` (0-based) of network ``spec``
        with ``pics`` (ImagePictures, or None before training); starts on its strongest
        pixel."""
        self.layer, self.filter, self.pixel = int(layer), int(filt), None
        self.set_pictures(pics, spec)

    def set_pictures(self, pics, spec) -> None:
        """The network has new pictures (or another architecture): redraw."""
        self.pics, self.spec = pics, spec
        n = len(spec.conv)
        self.layer = min(self.layer, n - 1)
        self.filter = min(self.filter, spec.conv[self.layer].filters - 1)
        with QtCore.QSignalBlocker(self.layer_box), QtCore.QSignalBlocker(self.filter_box):
            if self.layer_box.count() != n:
                self.layer_box.clear()
                self.layer_box.addItems([str(i + 1) for i in range(n)])
            self.layer_box.setCurrentIndex(self.layer)
            self.filter_box.setRange(1, spec.conv[self.layer].filters)
            self.filter_box.setSuffix(f" of {spec.conv[self.layer].filters}")
            self.filter_box.setValue(self.filter + 1)
        self._redraw()

    def choose_pixel(self, row: int, col: int) -> None:
        """Work out output pixel (``row``, ``col``) of the shown maps."""
        self.pixel = (int(row), int(col))
        self._redraw()

    # ------------------------------------------------------------------ inside
    def _pick_layer(self, i: int) -> None:
        if i >= 0:
            self._pick(i, self.filter)

    def _pick(self, layer: int, filt: int) -> None:
        if (layer, filt) != (self.layer, self.filter):
            self.layer, self.filter = layer, filt
            self.set_pictures(self.pics, self.spec)

    def _redraw(self) -> None:
        self.detail = self.sum = None
        c = self.spec.conv[self.layer]
        self.title.setText(f"Convolution {self.layer + 1} · filter {self.filter + 1} · "
                           f"{c.kernel}×{c.kernel} · {display_name(c.activation, self.spec.custom)}")
        try:
            detail = None if self.pics is None else filter_detail(
                self.pics, self.spec, self.layer, self.filter)
        except ValueError:  # pictures of the network before an edit: the next ones fit
            detail = None
        channels = 1 if detail is None else detail.channels
        self.channel_label.setVisible(channels > 1)
        self.channel_box.setVisible(channels > 1)
        with QtCore.QSignalBlocker(self.channel_box):
            self.channel_box.setRange(1, channels)
            self.channel_box.setSuffix(f" of {channels}")
        if detail is None:
            self.view.setVisible(False)
            self.message.setText("Press Play (or Step): this filter's maps for the probed "
                                 "image appear here once the network has run on it.")
            self.message.setVisible(True)
            return
        h, w = detail.pre.shape
        if self.pixel is None or not (0 <= self.pixel[0] < h and 0 <= self.pixel[1] < w):
            self.pixel = strongest_pixel(detail)
        self.detail, self.sum = detail, pixel_sum(detail, *self.pixel)
        self.message.setVisible(False)
        self.view.setVisible(True)
        self.view.show_detail(detail, self.sum, self.channel_box.value() - 1)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        moves = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1),
                 Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0)}
        key = getattr(event.key(), "value", event.key())  # an int in some PySide6 releases
        step = next((v for k, v in moves.items() if k.value == key), None)
        if step is not None and self.detail is not None and self.focusWidget() in (
                None, self.view):
            h, w = self.detail.pre.shape
            r, c = self.pixel
            self.choose_pixel(min(max(r + step[0], 0), h - 1), min(max(c + step[1], 0), w - 1))
            return
        super().keyPressEvent(event)
