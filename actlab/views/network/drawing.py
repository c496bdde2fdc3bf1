"""How the network diagram draws (the ``drawing`` of a :class:`~.view.NetworkView`):
applying a snapshot's weights and pictures to the items, and placing every item and
layer control for the view's size.  ``view.py`` builds the items and handles the
student's edits; this module only moves and restyles them.
"""
from __future__ import annotations

import numpy as np

from actlab.engine.features import feature_label
from actlab.views.network.layer_controls import WIDE_HEIGHT, small_font
from actlab.views.network.items import (
    EMPTY_FILL, finite_range, image_from_argb, levels, symmetric_scale, to_argb)
from actlab.views.network.layout import BRACKET_SPACE, diagram_geometry
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
    """Snapshot drawing and layout of NetworkView ``net`` (its state is the view's: see
    its attributes there); the view calls :meth:`matches`, the ``apply_*`` methods,
    :meth:`layout`, :meth:`place_controls` and :meth:`refresh_dense`."""

    def __init__(self, net):
        self.net = net

    # ------------------------------------------------------------------ snapshots
    def matches(self, params, neurons) -> bool:
        sizes = self.net._sizes
        if params is None or len(params) != len(sizes) - 1:
            return False
        for l, (W, b) in enumerate(params):
            if np.shape(W) != (sizes[l], sizes[l + 1]) or np.shape(b) != (sizes[l + 1],):
                return False
        if neurons:
            if len(neurons) != len(self.net._hidden):
                return False
            if any(np.shape(a)[0] != n for a, n in zip(neurons, self.net._hidden)):
                return False
        return True

    def apply_params(self, force: bool) -> None:
        """Restyle links and bias dots; only items whose quantised value changed get a
        new pen/brush."""
        book = self.net._book
        for l, (W, b) in enumerate(self.net._params):
            lv = levels(np.asarray(W, dtype=float).ravel(), 1.0)
            prev = self.net._link_levels[l]
            if self.net._dense[l] is not None:
                if force or prev is None or not np.array_equal(lv, prev):
                    self.net._dense_pending.add(l)
            else:
                changed = _changed(lv, prev, force)
                alpha, wmin, wmax = self.net._link_style[l]
                links = self.net._links[l]
                for k in changed:
                    links[k].setPen(book.link_pen(int(lv[k]), alpha, wmin, wmax))
            self.net._link_levels[l] = lv

            bv = levels(np.asarray(b, dtype=float), 1.0)
            prev = self.net._bias_levels[l]
            changed = _changed(bv, prev, force)
            compact = self.net._compact[l + 1]
            for k in changed:
                brush = book.brush(int(bv[k]))
                if compact:
                    self.net._nodes[l + 1][k].set_fill(brush.color())
                else:
                    self.net._biases[l][k].setBrush(brush)
            self.net._bias_levels[l] = bv
        self.refresh_dense(force)

    def refresh_dense(self, everything: bool) -> None:
        """Redraw crowded link layers whose weights moved, round-robin, until about
        DENSE_BUDGET seconds of painting are queued (at least one layer), so a 10 × 64
        network costs each frame a slice instead of all nine layers."""
        pending = self.net._dense_pending
        if not pending:
            return
        n = len(self.net._dense)
        spent = 0.0
        for step in range(n):
            l = (self.net._dense_next + step) % n
            if l not in pending:
                continue
            item = self.net._dense[l]
            if spent and not everything and spent + item.cost > DENSE_BUDGET:
                break
            item.set_levels(self.net._link_levels[l],
                            np.abs(np.asarray(self.net._params[l][0], dtype=float)).ravel())
            pending.discard(l)
            spent += item.cost
            self.net._dense_next = l + 1
        if pending and not self.net._dense_timer.isActive():
            # the rest a moment later, so a single snapshot (paused, after Step) still
            # ends fully drawn; while training the next snapshot usually comes first
            self.net._dense_timer.start()

    def _device_size(self, column: int) -> int:
        return max(8, int(self.net._node_size[column] * self.net.devicePixelRatioF()))

    def apply_neurons(self) -> None:
        for l, arr in enumerate(self.net._neurons):
            column = l + 1
            if self.net._compact[column] or arr.ndim != 3 or arr.shape[0] == 0:
                continue
            step = max(1, arr.shape[-1] // self._device_size(column))
            sub = arr[:, ::-step, ::step]  # flip: row 0 of the snapshot is the bottom
            argb = to_argb(sub, symmetric_scale(sub))
            for k, node in enumerate(self.net._nodes[column]):
                node.set_image(image_from_argb(argb[k]), argb)

    def apply_output(self) -> None:
        surf = np.asarray(self.net._surface)
        column = len(self.net._sizes) - 1
        if surf.ndim == 2:
            surf = surf[:, :, None]
        if surf.ndim != 3 or surf.shape[2] != self.net._n_outputs:
            return
        step = max(1, surf.shape[0] // self._device_size(column))
        sub = np.moveaxis(surf[::-step, ::step, :], 2, 0).astype(float)
        lo, hi = finite_range(sub) or (0.5, 0.5)  # no finite value: the neutral colour
        if 0.0 <= lo and hi <= 1.0:
            # probabilities: 0.5 (undecided) is the neutral colour
            argb = to_argb(sub * 2.0 - 1.0, 1.0)
        else:
            argb = to_argb(sub, symmetric_scale(sub))
        for k, node in enumerate(self.net._nodes[column]):
            node.set_image(image_from_argb(np.ascontiguousarray(argb[k])), argb)

    # ------------------------------------------------------------------ layout
    def layout(self) -> None:
        """Place every item for the view's size (items are moved, never recreated)."""
        if self.net._in_layout or self.net._sizes is None:
            return
        self.net._in_layout = True
        try:
            modes = list(self.net._compact)
            self._layout_for(self._fit_geometry())
        finally:
            self.net._in_layout = False
        if self.net._params is not None:
            self.apply_params(force=True)
        if self.net._neurons is not None and modes != self.net._compact:
            self.apply_neurons()
        self.place_controls()

    def _fit_geometry(self):
        """The geometry for the whole view, minus a scroll bar only where the diagram
        really needs one (columns closer than MIN_PITCH, or 64-neuron columns in a very
        low view).  The bars are switched on and off here rather than left to Qt, which
        keeps a bar that was once needed while the viewport it shrank still fits."""
        full = self.net.view.contentsRect().size()
        # narrow columns: smaller input labels, so the diagram keeps the width
        cramped = full.width() < 110 + 34 * len(self.net._sizes)
        self.net._label_font = small_font(self.net, 0.8 if cramped else 1.0)
        fm = QtGui.QFontMetricsF(self.net._label_font)
        label_w = max(fm.horizontalAdvance(feature_label(f)) for f in self.net._features) + 6
        space = 0.0
        if self.net._brackets:  # room for the longest caption, wrapped to the view's width
            space = BRACKET_SPACE - 16 + max(b.caption_size(full.width() - 4).height()
                                             for b in self.net._brackets)
        bar = self.net.view.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_ScrollBarExtent)
        need_h = need_v = False
        for _ in range(3):
            w = full.width() - (bar if need_v else 0)
            h = full.height() - (bar if need_h else 0)
            geo = diagram_geometry(self.net._sizes, w, h, label_w, space)
            more_h, more_v = geo.width > w + 0.5, geo.height > h + 0.5
            if (more_h, more_v) == (need_h, need_v):
                break
            need_h, need_v = need_h or more_h, need_v or more_v
        policy = QtCore.Qt.ScrollBarPolicy
        self.net.view.setHorizontalScrollBarPolicy(policy.ScrollBarAlwaysOn if need_h
                                               else policy.ScrollBarAlwaysOff)
        self.net.view.setVerticalScrollBarPolicy(policy.ScrollBarAlwaysOn if need_v
                                             else policy.ScrollBarAlwaysOff)
        return geo

    def _layout_for(self, geo) -> None:
        sizes = self.net._sizes
        cols = geo.columns
        self.net._columns_x = [col.x for col in cols]
        self.net._node_size = [col.size for col in cols]
        self.net._compact = [col.compact for col in cols]
        self.net._pitch = geo.pitch
        for c, col in enumerate(cols):
            s, cpt = col.size, col.compact
            for i, y in enumerate(col.ys):
                node = self.net._nodes[c][i]
                node.set_geometry(col.x, y, s, cpt)
                if c > 0:
                    dot = self.net._biases[c - 1][i]
                    dot.setVisible(not cpt)
                    dot.set_geometry(col.x - s / 2, y + s / 2, max(2.5, min(5.0, s * 0.15)))
                    if not cpt:
                        node.set_fill(EMPTY_FILL)
        for column in self.net._columns:
            column.relayout()
        for label, y in zip(self.net._labels, cols[0].ys):
            label.setFont(self.net._label_font)
            r = label.boundingRect()
            label.setPos(cols[0].x - cols[0].size / 2 - 6 - r.width(), y - r.height() / 2)

        self.net._link_style = []
        for l in range(len(sizes) - 1):
            a, b = cols[l], cols[l + 1]
            n_links = sizes[l] * sizes[l + 1]
            # many links: thinner and more transparent, so the crowd stays readable
            alpha = 255 if n_links <= 64 else 190
            wmax = round(max(1.2, min(5.0, min(a.size, b.size) * 0.2)), 1)
            self.net._link_style.append((alpha, 0.4, wmax))
            xa, xb = a.x + a.size / 2, b.x - b.size / 2
            dense = self.net._dense[l]
            if dense is not None:
                # opaque (their colour fades to grey instead) and thin: see dense_links
                dense.set_style(255, 0.5, min(1.6, wmax))
                dense.set_ends(xa, a.ys, xb, b.ys)
                continue
            links, nb = self.net._links[l], sizes[l + 1]
            for i, ya in enumerate(a.ys):
                for j, yb in enumerate(b.ys):
                    links[i * nb + j].set_ends(xa, ya, xb, yb)

        bottom = geo.content_bottom
        for item in self.net._brackets:
            first, last = item.run
            half = max(cols[c].size for c in range(first + 1, last + 2)) / 2
            band = QtCore.QRectF(QtCore.QPointF(cols[first + 1].x - half - 12, 5),
                                 QtCore.QPointF(cols[last + 1].x + half + 12, bottom + 6))
            item.set_geometry(band, bottom + 14, geo.width)
        self.net.scene.setSceneRect(0, 0, geo.width, geo.height)

    def place_controls(self) -> None:
        if not self.net._columns_x:
            return
        strip_w = self.net._strip.width()
        offset = self.net.view.viewport().mapTo(self.net, QtCore.QPoint(0, 0)).x() \
            - self.net._strip.mapTo(self.net, QtCore.QPoint(0, 0)).x()

        def strip_x(scene_x: float) -> float:
            return self.net.view.mapFromScene(QtCore.QPointF(scene_x, 0)).x() + offset

        w = int(max(18, min(110, self.net._pitch - 2)))
        height = WIDE_HEIGHT
        for l, ctrl in enumerate(self.net._controls):
            height = ctrl.arrange(w)
            x = strip_x(self.net._columns_x[l + 1])
            ctrl.setGeometry(int(round(x - w / 2)), 0, w, height)
        if not self.net._controls:
            height = WIDE_HEIGHT
        strip_h = height + TITLE_ROOM
        if strip_h != self.net._strip_height:
            self.net._strip_height = strip_h
            self.net._strip.setFixedHeight(strip_h)  # the view's resize lays out again
        hint = self.net._no_layers_hint
        hint.setVisible(not self.net._controls)
        if not self.net._controls:
            x = (strip_x(self.net._columns_x[0]) + strip_x(self.net._columns_x[-1])) / 2
            hw = hint.sizeHint().width() + 4
            hint.setGeometry(int(round(x - hw / 2)), 0, hw, strip_h - 4)
        # "Features" and "Output" sit under the controls, centred on their columns
        # but inside the strip; narrow columns get "In" / "Out" (full word on hover)
        title_h = QtGui.QFontMetrics(self.net._inputs_title.font()).height() + 2
        for label, column, words in ((self.net._inputs_title, 0, ("Features", "In")),
                                     (self.net._output_title, len(self.net._columns_x) - 1,
                                      ("Output", "Out"))):
            room = max(30.0, 2 * min(self.net._pitch, 110))
            fm = QtGui.QFontMetrics(label.font())
            label.setText(words[0] if fm.horizontalAdvance(words[0]) + 4 <= room
                          else words[1])
            lw = label.sizeHint().width() + 4
            x = strip_x(self.net._columns_x[column]) - lw / 2
            x = max(0.0, min(x, strip_w - lw - 2))
            label.setGeometry(int(round(x)), strip_h - title_h, lw, title_h)
