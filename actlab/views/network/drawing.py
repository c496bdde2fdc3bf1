"""How the network diagram draws (a mixin of :class:`~.network_view.NetworkView`):
applying a snapshot's weights and pictures to the items, and placing every item and
layer control for the view's size.  ``network_view.py`` builds the items and handles the
student's edits; this module only moves and restyles them.
"""
from __future__ import annotations

import numpy as np

from actlab.engine.features import feature_label
from actlab.views.network.layer_controls import WIDE_HEIGHT, small_font
from actlab.views.network.items import (
    BRACKET_SPACE, EMPTY_FILL, diagram_geometry, finite_range, image_from_argb, levels,
    symmetric_scale, to_argb)
from actlab.views.qt import QtCore, QtGui, QtWidgets

# Seconds of crowded-link painting one snapshot may queue (the network is drawn at
# ~17 Hz, so this keeps it under ~15 % of the GUI thread at 10 × 64).
DENSE_BUDGET = 0.008
TITLE_ROOM = 16  # "Features" / "Output" under the controls


def _changed(new: np.ndarray, old, force: bool):
    """Indices where the quantised levels differ (all of them when forced or new)."""
    if force or old is None:
        return range(new.size)
    return np.flatnonzero(new != old).tolist()


class DiagramDrawing:
    """Snapshot drawing and layout for NetworkView (see its attributes there)."""

    # ------------------------------------------------------------------ snapshots
    def _matches(self, params, neurons) -> bool:
        sizes = self._sizes
        if params is None or len(params) != len(sizes) - 1:
            return False
        for l, (W, b) in enumerate(params):
            if np.shape(W) != (sizes[l], sizes[l + 1]) or np.shape(b) != (sizes[l + 1],):
                return False
        if neurons:
            if len(neurons) != len(self._hidden):
                return False
            if any(np.shape(a)[0] != n for a, n in zip(neurons, self._hidden)):
                return False
        return True

    def _apply_params(self, force: bool) -> None:
        """Restyle links and bias dots; only items whose quantised value changed get a
        new pen/brush."""
        book = self._book
        for l, (W, b) in enumerate(self._params):
            lv = levels(np.asarray(W, dtype=float).ravel(), 1.0)
            prev = self._link_levels[l]
            if self._dense[l] is not None:
                if force or prev is None or not np.array_equal(lv, prev):
                    self._dense_pending.add(l)
            else:
                changed = _changed(lv, prev, force)
                alpha, wmin, wmax = self._link_style[l]
                links = self._links[l]
                for k in changed:
                    links[k].setPen(book.link_pen(int(lv[k]), alpha, wmin, wmax))
            self._link_levels[l] = lv

            bv = levels(np.asarray(b, dtype=float), 1.0)
            prev = self._bias_levels[l]
            changed = _changed(bv, prev, force)
            compact = self._compact[l + 1]
            for k in changed:
                brush = book.brush(int(bv[k]))
                if compact:
                    self._nodes[l + 1][k].set_fill(brush.color())
                else:
                    self._biases[l][k].setBrush(brush)
            self._bias_levels[l] = bv
        self._refresh_dense(force)

    def _refresh_dense(self, everything: bool) -> None:
        """Redraw crowded link layers whose weights moved, round-robin, until about
        DENSE_BUDGET seconds of painting are queued (at least one layer), so a 10 × 64
        network costs each frame a slice instead of all nine layers."""
        pending = self._dense_pending
        if not pending:
            return
        n = len(self._dense)
        spent = 0.0
        for step in range(n):
            l = (self._dense_next + step) % n
            if l not in pending:
                continue
            item = self._dense[l]
            if spent and not everything and spent + item.cost > DENSE_BUDGET:
                break
            item.set_levels(self._link_levels[l],
                            np.abs(np.asarray(self._params[l][0], dtype=float)).ravel())
            pending.discard(l)
            spent += item.cost
            self._dense_next = l + 1
        if pending and not self._dense_timer.isActive():
            # the rest a moment later, so a single snapshot (paused, after Step) still
            # ends fully drawn; while training the next snapshot usually comes first
            self._dense_timer.start()

    def _device_size(self, column: int) -> int:
        return max(8, int(self._node_size[column] * self.devicePixelRatioF()))

    def _apply_neurons(self) -> None:
        for l, arr in enumerate(self._neurons):
            column = l + 1
            if self._compact[column] or arr.ndim != 3 or arr.shape[0] == 0:
                continue
            step = max(1, arr.shape[-1] // self._device_size(column))
            sub = arr[:, ::-step, ::step]  # flip: row 0 of the snapshot is the bottom
            argb = to_argb(sub, symmetric_scale(sub))
            for k, node in enumerate(self._nodes[column]):
                node.set_image(image_from_argb(argb[k]), argb)

    def _apply_output(self) -> None:
        surf = np.asarray(self._surface)
        column = len(self._sizes) - 1
        if surf.ndim == 2:
            surf = surf[:, :, None]
        if surf.ndim != 3 or surf.shape[2] != self._n_outputs:
            return
        step = max(1, surf.shape[0] // self._device_size(column))
        sub = np.moveaxis(surf[::-step, ::step, :], 2, 0).astype(float)
        lo, hi = finite_range(sub) or (0.5, 0.5)  # no finite value: the neutral colour
        if 0.0 <= lo and hi <= 1.0:
            # probabilities: 0.5 (undecided) is the neutral colour
            argb = to_argb(sub * 2.0 - 1.0, 1.0)
        else:
            argb = to_argb(sub, symmetric_scale(sub))
        for k, node in enumerate(self._nodes[column]):
            node.set_image(image_from_argb(np.ascontiguousarray(argb[k])), argb)

    # ------------------------------------------------------------------ layout
    def _layout(self) -> None:
        """Place every item for the view's size (items are moved, never recreated)."""
        if self._in_layout or self._sizes is None:
            return
        self._in_layout = True
        try:
            modes = list(self._compact)
            self._layout_for(self._fit_geometry())
        finally:
            self._in_layout = False
        if self._params is not None:
            self._apply_params(force=True)
        if self._neurons is not None and modes != self._compact:
            self._apply_neurons()
        self._place_controls()

    def _fit_geometry(self):
        """The geometry for the whole view, minus a scroll bar only where the diagram
        really needs one (columns closer than MIN_PITCH, or 64-neuron columns in a very
        low view).  The bars are switched on and off here rather than left to Qt, which
        keeps a bar that was once needed while the viewport it shrank still fits."""
        full = self.view.contentsRect().size()
        # narrow columns: smaller input labels, so the diagram keeps the width
        cramped = full.width() < 110 + 34 * len(self._sizes)
        self._label_font = small_font(self, 0.8 if cramped else 1.0)
        fm = QtGui.QFontMetricsF(self._label_font)
        label_w = max(fm.horizontalAdvance(feature_label(f)) for f in self._features) + 6
        space = 0.0
        if self._brackets:  # room for the longest caption, wrapped to the view's width
            space = BRACKET_SPACE - 16 + max(b.caption_size(full.width() - 4).height()
                                             for b in self._brackets)
        bar = self.view.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_ScrollBarExtent)
        need_h = need_v = False
        for _ in range(3):
            w = full.width() - (bar if need_v else 0)
            h = full.height() - (bar if need_h else 0)
            geo = diagram_geometry(self._sizes, w, h, label_w, space)
            more_h, more_v = geo.width > w + 0.5, geo.height > h + 0.5
            if (more_h, more_v) == (need_h, need_v):
                break
            need_h, need_v = need_h or more_h, need_v or more_v
        policy = QtCore.Qt.ScrollBarPolicy
        self.view.setHorizontalScrollBarPolicy(policy.ScrollBarAlwaysOn if need_h
                                               else policy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(policy.ScrollBarAlwaysOn if need_v
                                             else policy.ScrollBarAlwaysOff)
        return geo

    def _layout_for(self, geo) -> None:
        sizes = self._sizes
        cols = geo.columns
        self._columns_x = [col.x for col in cols]
        self._node_size = [col.size for col in cols]
        self._compact = [col.compact for col in cols]
        self._pitch = geo.pitch
        for c, col in enumerate(cols):
            s, cpt = col.size, col.compact
            for i, y in enumerate(col.ys):
                node = self._nodes[c][i]
                node.set_geometry(col.x, y, s, cpt)
                if c > 0:
                    dot = self._biases[c - 1][i]
                    dot.setVisible(not cpt)
                    dot.set_geometry(col.x - s / 2, y + s / 2, max(2.5, min(5.0, s * 0.15)))
                    if not cpt:
                        node.set_fill(EMPTY_FILL)
        for column in self._columns:
            column.relayout()
        for label, y in zip(self._labels, cols[0].ys):
            label.setFont(self._label_font)
            r = label.boundingRect()
            label.setPos(cols[0].x - cols[0].size / 2 - 6 - r.width(), y - r.height() / 2)

        self._link_style = []
        for l in range(len(sizes) - 1):
            a, b = cols[l], cols[l + 1]
            n_links = sizes[l] * sizes[l + 1]
            # many links: thinner and more transparent, so the crowd stays readable
            alpha = 255 if n_links <= 64 else 190
            wmax = round(max(1.2, min(5.0, min(a.size, b.size) * 0.2)), 1)
            self._link_style.append((alpha, 0.4, wmax))
            xa, xb = a.x + a.size / 2, b.x - b.size / 2
            dense = self._dense[l]
            if dense is not None:
                # opaque (their colour fades to grey instead) and thin: see dense_links
                dense.set_style(255, 0.5, min(1.6, wmax))
                dense.set_ends(xa, a.ys, xb, b.ys)
                continue
            links, nb = self._links[l], sizes[l + 1]
            for i, ya in enumerate(a.ys):
                for j, yb in enumerate(b.ys):
                    links[i * nb + j].set_ends(xa, ya, xb, yb)

        bottom = geo.content_bottom
        for item in self._brackets:
            first, last = item.run
            half = max(cols[c].size for c in range(first + 1, last + 2)) / 2
            band = QtCore.QRectF(QtCore.QPointF(cols[first + 1].x - half - 12, 5),
                                 QtCore.QPointF(cols[last + 1].x + half + 12, bottom + 6))
            item.set_geometry(band, bottom + 14, geo.width)
        self.scene.setSceneRect(0, 0, geo.width, geo.height)

    def _place_controls(self) -> None:
        if not self._columns_x:
            return
        strip_w = self._strip.width()
        offset = self.view.viewport().mapTo(self, QtCore.QPoint(0, 0)).x() \
            - self._strip.mapTo(self, QtCore.QPoint(0, 0)).x()

        def strip_x(scene_x: float) -> float:
            return self.view.mapFromScene(QtCore.QPointF(scene_x, 0)).x() + offset

        w = int(max(18, min(110, self._pitch - 2)))
        height = WIDE_HEIGHT
        for l, ctrl in enumerate(self._controls):
            height = ctrl.arrange(w)
            x = strip_x(self._columns_x[l + 1])
            ctrl.setGeometry(int(round(x - w / 2)), 0, w, height)
        if not self._controls:
            height = WIDE_HEIGHT
        strip_h = height + TITLE_ROOM
        if strip_h != self._strip_height:
            self._strip_height = strip_h
            self._strip.setFixedHeight(strip_h)  # the view's resize lays out again
        hint = self._no_layers_hint
        hint.setVisible(not self._controls)
        if not self._controls:
            x = (strip_x(self._columns_x[0]) + strip_x(self._columns_x[-1])) / 2
            hw = hint.sizeHint().width() + 4
            hint.setGeometry(int(round(x - hw / 2)), 0, hw, strip_h - 4)
        # "Features" and "Output" sit under the controls, centred on their columns
        # but inside the strip; narrow columns get "In" / "Out" (full word on hover)
        title_h = QtGui.QFontMetrics(self._inputs_title.font()).height() + 2
        for label, column, words in ((self._inputs_title, 0, ("Features", "In")),
                                     (self._output_title, len(self._columns_x) - 1,
                                      ("Output", "Out"))):
            room = max(30.0, 2 * min(self._pitch, 110))
            fm = QtGui.QFontMetrics(label.font())
            label.setText(words[0] if fm.horizontalAdvance(words[0]) + 4 <= room
                          else words[1])
            lw = label.sizeHint().width() + 4
            x = strip_x(self._columns_x[column]) - lw / 2
            x = max(0.0, min(x, strip_w - lw - 2))
            label.setGeometry(int(round(x)), strip_h - title_h, lw, title_h)
