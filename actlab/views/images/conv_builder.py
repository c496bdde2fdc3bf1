"""The network column of an image lab: the convolutional-network builder.

Left to right: the probed image, then one column per convolution layer — its controls
(filters − n +, kernel size, padding/stride, pooling, activation) over a column of filter
tiles, each the filter's kernel beside its feature map for the probed image (see
:mod:`.filter_tiles`) — and under them the head (:mod:`.conv_builder_head`).  Hovering a
tile opens its large view with the values (:mod:`.filter_popup`) and outlines the tiles of
the layer before by the weight the hovered filter gives each of them: the links of one
filter at a time, never a hairball of all F×F.  A bracket spans merged layers ("these 2
convolutions act as one 5×5"), as the point builder draws it.

The view is dumb: an edit becomes a new :class:`ImageNetSpec`, emitted through
``architectureChanged`` — or, when the engine refuses it (maps below 1 px…), its message
through ``refused`` while the controls go back to the current network.
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np

from actlab.engine.activations.lookup import display_name
from actlab.engine.models.cnn_spec import MAX_CONV_LAYERS, ConvSpec, ImageNetSpec
from actlab.views.network.layer_controls import LOCKED_TIP, small_font, tool_button
from actlab.views.network.items import MergeBracketItem
from actlab.views.qt import QtCore, QtGui, QtWidgets
from actlab.views.images.conv_builder_canvas import BuilderCanvas
from actlab.views.images.conv_builder_head import NEW_ACTIVATION, NEW_UNITS, HeadControls
from actlab.views.network.layer_controls import DESIGN_ITEM, EDIT_ITEM
from actlab.views.images.conv_builder_layer import ConvLayerControls
from actlab.views.images.filter_popup import FilterPopup
from actlab.views.images.filter_tiles import (
    GAP, MAX_SIDE, MIN_SIDE, ROW_GAP, FilterColumn, InputTile)

Qt = QtCore.Qt

MARGIN, COL_GAP = 4, 8
MAX_CONTROLS_WIDTH = 210
MIN_FIT_SIDE = 18  # below this the tiles scroll rather than shrink further


class ConvBuilderView(QtWidgets.QWidget):
    """The image-network builder.  Signals: ``architectureChanged(ImageNetSpec)`` after
    an accepted edit, ``refused(str)`` with the reason an edit was not possible,
    ``designRequested(str where, int index, str name)`` when "Design an activation…"
    (``name`` "") or "Edit “NAME”…" was picked for conv layer (``where`` "conv") or dense
    layer (``"dense"``) ``index``."""

    architectureChanged = QtCore.Signal(object)
    refused = QtCore.Signal(str)
    designRequested = QtCore.Signal(str, int, str)
    #: (layer, filter) clicked, or Enter on it: open it in the filter detail view
    detailRequested = QtCore.Signal(int, int)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._spec = ImageNetSpec()
        self._pics = None
        self._runs: tuple[tuple[int, int], ...] = ()
        self._run_text = ""
        self._hover = (-1, -1)
        self.last_draw_ms = 0.0  # cost of the last show_pictures call
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(MARGIN, 2, MARGIN, 0)
        self.layers_label = QtWidgets.QLabel(self)
        self.layers_label.setFont(small_font(self, 0.95))
        # each map before or after its layer's activation: what the activation does
        self.maps_box = QtWidgets.QComboBox(self)
        self.maps_box.setObjectName("maps_before_after")
        self.maps_box.addItems(["after the activation", "before the activation (z)"])
        self.maps_box.setFont(small_font(self, 0.9))
        self.maps_box.setAccessibleName("Feature maps shown")
        self.maps_box.setToolTip("Show each feature map after its layer's activation (what "
                                 "the next layer reads) or before it (the convolution's own "
                                 "output, z): flip between them to see what the activation "
                                 "does. Click a filter to look inside it.")
        self.maps_box.currentIndexChanged.connect(lambda _i: self.show_pictures(self._pics))
        self.remove_layer_button = tool_button("−", self)
        self.add_layer_button = tool_button("+", self)
        self.remove_layer_button.clicked.connect(self._remove_layer)
        self.add_layer_button.clicked.connect(self._add_layer)
        bar.addWidget(self.layers_label, 1)
        bar.addWidget(self.remove_layer_button)
        bar.addWidget(self.add_layer_button)
        outer.addLayout(bar)
        maps_row = QtWidgets.QHBoxLayout()
        maps_row.setContentsMargins(MARGIN, 0, MARGIN, 0)
        maps_label = QtWidgets.QLabel("&Maps:", self)
        maps_label.setFont(small_font(self, 0.9))
        maps_label.setBuddy(self.maps_box)
        maps_row.addWidget(maps_label)
        maps_row.addWidget(self.maps_box, 1)
        outer.addLayout(maps_row)
        self.scroll = QtWidgets.QScrollArea(self)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.content = BuilderCanvas()
        self.scroll.setWidget(self.content)
        self.scroll.viewport().installEventFilter(self)
        outer.addWidget(self.scroll, 1)
        self.head = HeadControls(self)
        self.head.edited.connect(self._edit_head)
        outer.addWidget(self.head)
        self.input_label = QtWidgets.QLabel("Input", self.content)
        self.input_label.setFont(small_font(self, 0.9))
        self.input_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.input_tile = InputTile(self.content)
        self.controls: list[ConvLayerControls] = []
        self.columns: list[FilterColumn] = []
        self.popup = FilterPopup(self)
        # Showing the popup (its own window) can make Qt forget which tile the mouse is
        # on, so the tile never hears it leave: the mouse entering anything else in the
        # builder, or leaving the builder, closes the popup too.
        for w in (self, self.head, self.content, self.layers_label, self.input_tile):
            w.installEventFilter(self)
        self.set_architecture(self._spec)

    # -- the API -----------------------------------------------------------------------
    def architecture(self) -> ImageNetSpec:
        return self._spec

    def set_architecture(self, spec: ImageNetSpec) -> None:
        """Show network ``spec``: its controls and one tile column per conv layer."""
        changed = spec != self._spec
        self._spec = spec
        n = len(spec.conv)
        while len(self.controls) < n:
            ctrl = ConvLayerControls(self.content)
            ctrl.edited.connect(self._edit_layer)
            ctrl.installEventFilter(self)
            col = FilterColumn(len(self.columns), self.content)
            col.hovered.connect(self._hovered)
            col.clicked.connect(self._clicked)
            ctrl.show()
            col.show()
            self.controls.append(ctrl)
            self.columns.append(col)
        while len(self.controls) > n:  # hidden at once: deleted when the loop gets to it
            for gone in (self.controls.pop(), self.columns.pop()):
                gone.hide()
                gone.deleteLater()
        sizes = spec.map_sizes()
        for i, (ctrl, c) in enumerate(zip(self.controls, spec.conv)):
            ctrl.set_state(i, c, spec.input_size if i == 0 else sizes[i - 1], sizes[i])
        self.layers_label.setText(f"Convolutions: {n}")
        self.layers_label.setToolTip(
            f"{n} convolution layer{'s' if n != 1 else ''} ({spec.input_size}×"
            f"{spec.input_size} px in, {sizes[-1]}×{sizes[-1]} px maps out).")
        self.add_layer_button.setEnabled(n < MAX_CONV_LAYERS)
        self.remove_layer_button.setEnabled(n > 1)
        self.add_layer_button.setToolTip(
            "Add a convolution layer at the end (3×3, same padding, the last layer's "
            "activation)." if n < MAX_CONV_LAYERS else
            f"At most {MAX_CONV_LAYERS} convolution layers.")
        self.remove_layer_button.setToolTip(
            "Remove the last convolution layer." if n > 1 else
            "The network needs at least one convolution layer.")
        last = spec.conv[-1]
        features = last.filters * (1 if spec.head == "gap" else sizes[-1] ** 2)
        self.head.set_state(spec.head, spec.hidden, spec.activations, spec.n_classes,
                            features, spec.custom)
        self._apply_locks()
        self._tab_order()
        if changed:
            self._clear_hover()
        self._layout()
        if changed:
            self.show_pictures(self._pics)  # columns whose shape changed are cleared

    _locks = (False, False)

    def set_edit_locks(self, structure: bool, activations: bool) -> None:
        """Lock the layer, filter, kernel, padding, pooling and head controls
        (``structure``) and the activation menus (``activations``), as a teacher's lab
        asks (the point diagram's :meth:`NetworkView.set_edit_locks`); hovering and
        probing still work."""
        self._locks = (bool(structure), bool(activations))
        self.set_architecture(self._spec)  # re-enables what is allowed, then locks

    def _apply_locks(self) -> None:
        """Disable what the teacher locked.  The +/− buttons were just enabled or not by
        their limits (set_state), so they are only ever disabled here; the menus and
        spin boxes have no limits and follow the lock both ways."""
        structure, activations = self._locks
        head = self.head
        buttons = [self.add_layer_button, self.remove_layer_button, head.remove_dense,
                   head.add_dense]
        menus = [(head.head_combo, structure), *((s, structure) for s in head.units),
                 *((c, activations) for c in head.acts)]
        for ctrl in self.controls:
            buttons += [ctrl.remove_button, ctrl.add_button]
            menus += [(ctrl.kernel_combo, structure), (ctrl.shape_combo, structure),
                      (ctrl.pool_combo, structure), (ctrl.act_combo, activations)]
        for w, locked in [*((b, structure) for b in buttons), *menus]:
            tip = w.toolTip().replace("\n" + LOCKED_TIP, "").replace(LOCKED_TIP, "")
            if locked:
                w.setEnabled(False)
                tip = (tip + "\n" if tip else "") + LOCKED_TIP
            elif (w, locked) in menus:
                w.setEnabled(True)
            w.setToolTip(tip)

    def maps_before(self) -> bool:
        """Whether the tiles show each map before its activation (else after)."""
        return self.maps_box.currentIndex() == 1

    def set_maps_before(self, before: bool) -> None:
        self.maps_box.setCurrentIndex(1 if before else 0)

    def show_pictures(self, pics) -> None:
        """Draw ``pics`` (an ImagePictures, or None to clear): the probed image, each
        filter's kernel and its feature map after the activation (or before it, see
        :meth:`maps_before`).  Updates the cached images in place; cheap enough for
        every frame."""
        t0 = time.perf_counter()
        self._pics = pics
        self.input_tile.set_image(None if pics is None else pics.image)
        before = self.maps_before()
        for i, col in enumerate(self.columns):
            lp = pics.layers[i] if pics is not None and i < len(pics.layers) else None
            ok = lp is not None and lp.kernels.shape[2] == self._spec.conv[i].kernel
            maps = None if not ok else lp.pre if before else lp.post
            col.set_pictures(lp.kernels if ok else None, maps)
        if self.popup.isVisible():
            self._show_popup(*self._hover)
        self.last_draw_ms = (time.perf_counter() - t0) * 1e3

    def set_merged_runs(self, runs, text: str = "") -> None:
        """Brackets over conv layers ``first..last`` (0-based, inclusive) of each run, with
        caption ``text`` (e.g. "these 2 convolutions act as one 5×5"); () removes them."""
        runs = tuple((int(a), int(b)) for a, b in runs)
        if (runs, text) == (self._runs, self._run_text):
            return
        self._runs, self._run_text = runs, text
        self._layout()

    def bracket_captions(self) -> list[str]:
        """The captions of the brackets drawn now (for tests and screen readers)."""
        return [t for _, _, t in self.content.brackets]

    # -- edits -------------------------------------------------------------------------
    def _try(self, **changes) -> None:
        try:
            new = dataclasses.replace(self._spec, **changes)
        except ValueError as e:
            self.set_architecture(self._spec)  # put the combos back
            self.refused.emit(str(e))
            return
        if new == self._spec:
            return
        self.set_architecture(new)
        self.architectureChanged.emit(new)

    def _edit_layer(self, i: int, field: str, value) -> None:
        c = self._spec.conv[i]
        if field == "activation" and value in (DESIGN_ITEM, EDIT_ITEM):
            self.set_architecture(self._spec)  # the box shows the layer's activation again
            self.designRequested.emit("conv", i, c.activation if value == EDIT_ITEM else "")
            return
        if field == "shape":
            changes = {"padding": value[0], "stride": value[1]}
        else:
            changes = {field: value}
        try:
            layer = dataclasses.replace(c, **changes)
        except ValueError as e:
            self.set_architecture(self._spec)
            self.refused.emit(f"conv[{i}].{e}")
            return
        conv = list(self._spec.conv)
        conv[i] = layer
        self._try(conv=tuple(conv))

    def _add_layer(self) -> None:
        last = self._spec.conv[-1]
        # the last layer's activation may be one the student designed: the new layer gets
        # the network's designed activations with it
        self._try(conv=self._spec.conv + (ConvSpec(filters=last.filters, kernel=3,
                                                   padding="same", stride=1,
                                                   activation=last.activation,
                                                   custom=last.custom),))

    def _remove_layer(self) -> None:
        self._try(conv=self._spec.conv[:-1])

    def _edit_head(self, field: str, value) -> None:
        s = self._spec
        if field == "head":
            self._try(head=value)
        elif field == "dense":
            n = int(value)
            if n > len(s.hidden):
                self._try(hidden=s.hidden + (NEW_UNITS,),
                          activations=s.activations + (NEW_ACTIVATION,))
            else:
                self._try(hidden=s.hidden[:n], activations=s.activations[:n])
        elif field == "units":
            i, units = value
            self._try(hidden=s.hidden[:i] + (int(units),) + s.hidden[i + 1:])
        elif field == "activation" and value[1] in (DESIGN_ITEM, EDIT_ITEM):
            i, name = value
            self.set_architecture(self._spec)
            self.designRequested.emit("dense", i, s.activations[i] if name == EDIT_ITEM else "")
        elif field == "activation":
            i, name = value
            self._try(activations=s.activations[:i] + (name,) + s.activations[i + 1:])

    # -- hover -------------------------------------------------------------------------
    def _hovered(self, layer: int, f: int) -> None:
        self._clear_hover()
        if f < 0 or self._pics is None or self.columns[layer].kernels is None:
            return
        self._hover = (layer, f)
        col = self.columns[layer]
        col.hover = f  # _clear_hover forgot it
        col.update()
        if col.hasFocus():  # arrowing down a long column: keep the filter in sight
            c = col.mapTo(self.content, col.tile_rect(f).center())
            self.scroll.ensureVisible(c.x(), c.y(), 10, col.side)
        # the links that help: how strongly hovered filter f reads each map before it
        weights = self._pics.layers[layer].kernels[f].sum(axis=(1, 2))
        end = QtCore.QPointF(col.mapTo(self.content, col.kernel_rect(f).center()
                                       - QtCore.QPoint(col.side // 2, 0)))
        if layer:
            prev = self.columns[layer - 1]
            prev.set_link_weights(weights)
            starts = [QtCore.QPointF(prev.mapTo(self.content, prev.tile_rect(c).center()
                                                + QtCore.QPoint(prev.side + 1, 0)))
                      for c in range(prev.filters)]
        else:
            self.input_tile.set_link_weights(weights)
            r = self.input_tile.geometry()
            starts = [QtCore.QPointF(r.right(), r.center().y())]
        if len(starts) == len(weights):
            self.content.set_links(starts, end, weights)
        self._show_popup(layer, f)

    def _clicked(self, layer: int, f: int) -> None:
        self._clear_hover()
        self.detailRequested.emit(layer, f)

    def _clear_hover(self) -> None:
        self._hover = (-1, -1)
        self.popup.hide()
        self.input_tile.set_link_weights(None)
        self.content.clear_links()
        for col in self.columns:
            col.hover = -1
            col.set_link_weights(None)

    def _show_popup(self, layer: int, f: int) -> None:
        col = self.columns[layer] if 0 <= layer < len(self.columns) else None
        if col is None or col.kernels is None or f >= len(col.kernels):
            self.popup.hide()
            return
        c = self._pics.layers[layer].kernels.shape[1]
        act = display_name(self._spec.conv[layer].activation)
        what = "kernel" if c == 1 else f"kernel summed over its {c} input channels"
        self.popup.show_filter(
            f"Conv {layer + 1}, filter {f + 1}",
            f"{what}\nfeature map {'before' if self.maps_before() else 'after'} {act} for "
            "the probed image\nclick the filter to look inside it",
            col.kernels[f], col.kernel_range, col.maps[f], col.map_range)
        tile = col.tile_rect(f)
        top_right = col.mapToGlobal(tile.topRight()) + QtCore.QPoint(12, 0)
        screen = (self.screen() or QtGui.QGuiApplication.primaryScreen()).availableGeometry()
        x = top_right.x()
        if x + self.popup.width() > screen.right():
            x = col.mapToGlobal(tile.topLeft()).x() - self.popup.width() - 12
        y = min(max(top_right.y(), screen.top()), screen.bottom() - self.popup.height())
        self.popup.move(max(screen.left(), x), y)
        self.popup.show()

    # -- layout ------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        kind = event.type()
        if obj is self.scroll.viewport() and kind == QtCore.QEvent.Type.Resize:
            self._layout()
        elif self._hover[1] >= 0 and (
                kind == QtCore.QEvent.Type.Enter and obj is not self
                or kind == QtCore.QEvent.Type.Leave and obj is self) \
                and not self._cursor_on_hovered_tile():
            self._clear_hover()
        return super().eventFilter(obj, event)

    def hideEvent(self, event) -> None:  # noqa: N802 - the popup is its own window
        self._clear_hover()
        super().hideEvent(event)

    def _cursor_on_hovered_tile(self) -> bool:
        """Whether the mouse is still on the hovered tile (a window shuffle — the popup
        appearing — can re-send Enter events although the mouse did not move)."""
        layer, f = self._hover
        col = self.columns[layer]
        return col.tile_rect(f).contains(col.mapFromGlobal(QtGui.QCursor.pos()))

    def _tab_order(self) -> None:
        chain = [self.remove_layer_button, self.add_layer_button]
        for ctrl, col in zip(self.controls, self.columns):
            chain += ctrl.focus_chain() + [col]
        chain += self.head.focus_chain()
        for a, b in zip(chain, chain[1:]):
            QtWidgets.QWidget.setTabOrder(a, b)

    def _layout(self) -> None:
        vp = self.scroll.viewport()
        width = max(200, vp.width())
        if self.scroll.verticalScrollBar().isVisible():
            width = max(200, self.scroll.width() - self.scroll.verticalScrollBar().width())
        n = len(self.controls)
        in_w = int(min(72, max(36, width * 0.11)))
        col_w = (width - 2 * MARGIN - in_w - n * COL_GAP) // max(n, 1)
        ctrl_h = ConvLayerControls.rows_for(col_w) * 22
        xs = [MARGIN + in_w + COL_GAP + i * (col_w + COL_GAP) for i in range(n)]
        runs = [(a, b) for a, b in self._runs if 0 <= a < b < n]
        fm = QtGui.QFontMetricsF(self.content.font_caption)
        captions = []
        for a, b in runs:
            r = fm.boundingRect(QtCore.QRectF(0, 0, xs[b] + col_w - xs[a], 1000),
                                int(MergeBracketItem.FLAGS), self._run_text)
            captions.append(r.height())
        top = MARGIN + (max(captions) + 6 if captions else 0)
        tiles_top = top + ctrl_h + 4
        most = max(c.filters for c in self._spec.conv)
        side_w = (col_w - 4 - GAP) // 2
        side_h = (vp.height() - tiles_top - 2 * MARGIN - 10) // most - ROW_GAP
        side = int(min(MAX_SIDE, max(MIN_SIDE, min(side_w, max(side_h, MIN_FIT_SIDE)))))
        bottom = tiles_top
        for ctrl, col, x, c in zip(self.controls, self.columns, xs, self._spec.conv):
            cw = min(col_w, MAX_CONTROLS_WIDTH)  # a 300-px combo box only looks lost
            ctrl.setGeometry(x + (col_w - cw) // 2, top, cw, ctrl.arrange(cw))
            col.set_shape(c.filters, side)
            col.move(x + (col_w - col.width()) // 2, tiles_top)
            bottom = max(bottom, tiles_top + col.height())
        self.input_label.setGeometry(MARGIN, top, in_w, 20)
        self.input_tile.setGeometry(MARGIN, tiles_top, in_w, in_w)
        brackets = []
        for (a, b), h in zip(runs, captions):
            left = xs[a] - 4
            band = QtCore.QRectF(left, top - 2, min(xs[b] + col_w + 4, width - 1) - left,
                                 bottom - top + 6)
            text = QtCore.QRectF(xs[a], top - h - 4, xs[b] + col_w - xs[a], h)
            brackets.append((band, text, self._run_text))
        self.content.brackets = brackets
        self.content.setFixedSize(width, int(bottom + MARGIN + 4))
        self.content.update()

    def tile_side(self) -> int:
        return self.columns[0].side if self.columns else 0


def kernel_tile_values(view: ConvBuilderView, layer: int) -> np.ndarray | None:
    """The (F, k, k) kernel values layer ``layer``'s tiles show (None before pictures)."""
    return view.columns[layer].kernels
