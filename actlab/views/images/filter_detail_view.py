"""The filter detail view: one filter of the student's trained CNN opened up (see
:mod:`actlab.engine.analysis.filter_detail` for the numbers it draws).

Top row, left to right as the data flows: the layer's input with the receptive patch of
the chosen pixel outlined (and the zero padding drawn around it), the feature map
**before** the activation (z), the activation's curve with every pixel of that map marked
on it and the chosen one large, and the map **after** the activation (a = f(z)).
Under them, the chosen pixel worked out: patch ⊙ kernel = products, summed, plus the bias,
is z — numbers in every cell for a 3×3 kernel, coloured tiles for larger ones — and the
activation turning z into a.

Dumb: :meth:`FilterDetailView.show_detail` draws a FilterDetail and a PixelSum;
hovering a map pixel emits ``pixelHovered(row, col)`` and the owner answers with the
pixel's PixelSum.
"""
from __future__ import annotations

import html

import numpy as np

from actlab.views import colors
from actlab.views.images.filter_popup import _text_on, fmt
from actlab.views.qt import QtCore, QtGui, QtWidgets, pg, quiet_plot, white_background

Qt = QtCore.Qt

PICTURE_MIN, PICTURE_HINT = 120, 220
PATCH = QtGui.QColor("#111111")
PADDING = QtGui.QColor("#DADADA")
INK = "ink"            # greyscale, black ink on white (the probed image)
DIVERGING = "diverging"


def values_rgba(values: np.ndarray, mode: str, vmax: float) -> np.ndarray:
    if mode == INK:
        return colors.ink_rgba(values)
    return colors.diverging_rgba(values, vmax, lut=colors.POINT_DIVERGING_LUT)


def signed_sum(values) -> str:
    """"−0.78 + 0.00 − 0.08": terms joined by their own signs."""
    out = ""
    for i, v in enumerate(values):
        t = fmt(v)
        if i == 0:
            out = t
        elif t.startswith("−"):
            out += " − " + t[1:]
        else:
            out += " + " + t
    return out


class MapPicture(QtWidgets.QWidget):
    """A square picture of a (h, w) array, nearest-neighbour, with ``pad`` cells of zero
    padding drawn grey around it, a patch (rows, cols, may reach into the padding) and
    one pixel outlined.  ``hovered(row, col)`` as the mouse moves over a pixel."""

    hovered = QtCore.Signal(int, int)

    def __init__(self, name: str, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(name)
        self.values = np.zeros((1, 1))
        self.pad = 0
        self.patch: tuple[int, int, int] | None = None   # top, left, size
        self.pixel: tuple[int, int] | None = None
        self._buf = self._img = None
        self.setMouseTracking(True)
        self.setMinimumSize(PICTURE_MIN, PICTURE_MIN)
        sp = QtWidgets.QSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                                   QtWidgets.QSizePolicy.Policy.Expanding)
        sp.setHeightForWidth(True)
        self.setSizePolicy(sp)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802
        return QtCore.QSize(PICTURE_HINT, PICTURE_HINT)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, w: int) -> int:  # noqa: N802
        return w

    def set_values(self, values: np.ndarray, mode: str, vmax: float = 1.0, pad: int = 0) -> None:
        self.values = np.asarray(values, dtype=np.float64)
        self.pad = int(pad)
        self._buf = np.ascontiguousarray(values_rgba(self.values, mode, vmax))
        h, w = self.values.shape
        self._img = QtGui.QImage(self._buf.data, w, h, 4 * w,
                                 QtGui.QImage.Format.Format_RGBA8888).convertToFormat(
            QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        self.update()

    def mark(self, patch: tuple[int, int, int] | None, pixel: tuple[int, int] | None) -> None:
        self.patch, self.pixel = patch, pixel
        self.update()

    def cell(self) -> float:
        h, w = self.values.shape
        n = max(h, w) + 2 * self.pad
        return max(1.0, (min(self.width(), self.height()) - 4) / n)

    def origin(self) -> QtCore.QPointF:
        """Where pixel (0, 0) of the values starts (inside the padding)."""
        h, w = self.values.shape
        c = self.cell()
        x0 = (self.width() - (w + 2 * self.pad) * c) / 2 + self.pad * c
        y0 = (self.height() - (h + 2 * self.pad) * c) / 2 + self.pad * c
        return QtCore.QPointF(x0, y0)

    def pixel_at(self, pos: QtCore.QPointF) -> tuple[int, int] | None:
        o, c = self.origin(), self.cell()
        col, row = int((pos.x() - o.x()) // c), int((pos.y() - o.y()) // c)
        h, w = self.values.shape
        return (row, col) if 0 <= row < h and 0 <= col < w else None

    def pixel_rect(self, row: int, col: int, size: int = 1) -> QtCore.QRectF:
        o, c = self.origin(), self.cell()
        return QtCore.QRectF(o.x() + col * c, o.y() + row * c, size * c, size * c)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        hit = self.pixel_at(event.position())
        if hit is not None and hit != self.pixel:
            self.hovered.emit(*hit)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        hit = self.pixel_at(event.position())
        if hit is not None:
            self.hovered.emit(*hit)

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, False)
        h, w = self.values.shape
        if self.pad:
            p.fillRect(self.pixel_rect(-self.pad, -self.pad, 1).united(
                self.pixel_rect(h + self.pad - 1, w + self.pad - 1)), PADDING)
        if self._img is not None:
            p.drawImage(self.pixel_rect(0, 0).united(self.pixel_rect(h - 1, w - 1)), self._img)
        p.setPen(QtGui.QPen(QtGui.QColor("#9A9A9A"), 1))
        p.drawRect(self.pixel_rect(0, 0).united(self.pixel_rect(h - 1, w - 1)))
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        if self.patch is not None:
            top, left, k = self.patch
            r = self.pixel_rect(top, left, k)
            p.setPen(QtGui.QPen(QtGui.QColor("white"), 4))
            p.drawRect(r)
            p.setPen(QtGui.QPen(PATCH, 2))
            p.drawRect(r)
        if self.pixel is not None:
            r = self.pixel_rect(*self.pixel)
            p.setPen(QtGui.QPen(QtGui.QColor("white"), 4))
            p.drawRect(r)
            p.setPen(QtGui.QPen(PATCH, 2))
            p.drawRect(r)
        p.end()


class SumView(QtWidgets.QWidget):
    """The chosen pixel worked out: patch ⊙ kernel = products (one input channel), the
    sum per channel, + bias = z, and f(z) = a."""

    CELL = 40

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("How the chosen pixel is computed")
        self.detail = self.sum = None
        self.channel = 0
        self.patch_mode = INK
        self.small = QtGui.QFont(self.font())
        self.small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))

    def show_sum(self, detail, psum, channel: int) -> None:
        self.detail, self.sum, self.channel = detail, psum, int(channel)
        self.patch_mode = INK if detail.layer == 0 else DIVERGING
        self.setFixedSize(self._width(), self._height())
        self.update()

    def cell(self) -> int:
        k = self.detail.k if self.detail is not None else 3
        cell = self.CELL if k <= 3 else max(14, (3 * self.CELL) // k)
        fm = QtGui.QFontMetrics(self.small)
        return max(cell, fm.horizontalAdvance("−0.00") + 6) if k <= 3 else cell

    def _width(self) -> int:
        fm = QtGui.QFontMetrics(self.font())
        d = self.detail
        head = fm.horizontalAdvance(f"patch (input channel {d.channels} of {d.channels})"
                                    if d.channels > 1 else "products")
        side = d.k * self.cell()
        return 8 + max(side, head) + 2 * (side + 8 + 32) + 8

    def _height(self) -> int:
        fm = QtGui.QFontMetrics(self.font())
        k = self.detail.k if self.detail is not None else 3
        return fm.height() * 4 + k * self.cell() + 16

    def lines(self) -> list[str]:
        """What the view says, in words (screen readers and tests)."""
        d, s = self.detail, self.sum
        if d is None or s is None:
            return []
        act = d.activation
        out = [f"pixel (row {s.row + 1}, column {s.col + 1}) of the {d.pre.shape[0]}×"
               f"{d.pre.shape[1]} map"]
        if d.channels > 1:
            out.append(f"sum over the {d.channels} input channels: "
                       f"{signed_sum(s.channel_sums)} = {fmt(s.total)}")
        else:
            out.append(f"sum of the {d.k * d.k} products = {fmt(s.total)}")
        out.append(f"{fmt(s.total)} + bias {fmt(s.bias)} = z = {fmt(s.z)}")
        out.append(f"a = z = {fmt(s.a)} (a linear layer: nothing bends)" if d.linear
                   else f"{act}(z) = a = {fmt(s.a)}")
        return out

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QtGui.QPainter(self)
        p.fillRect(self.rect(), QtGui.QColor("white"))
        d, s = self.detail, self.sum
        if d is None or s is None:
            p.end()
            return
        fm = QtGui.QFontMetrics(self.font())
        k, cell = d.k, self.cell()
        numbers = k <= 3
        ch = min(self.channel, d.channels - 1)
        patch, kernel, prod = s.patch[ch], d.kernel[ch], s.products[ch]
        x, top = 8, fm.height() + 6
        bold = QtGui.QFont(self.font())
        bold.setBold(True)
        ch_text = f" (input channel {ch + 1} of {d.channels})" if d.channels > 1 else ""
        heads = [f"patch{ch_text}", "kernel", "products"]
        grids = [(patch, self.patch_mode, 1.0 if self.patch_mode == INK
                  else colors.symmetric_range(d.inputs)),
                 (kernel, DIVERGING, colors.symmetric_range(d.kernel)),
                 (prod, DIVERGING, colors.symmetric_range(prod))]
        side = k * cell
        for i, ((vals, mode, vmax), head) in enumerate(zip(grids, heads)):
            p.setFont(self.font())
            p.setPen(QtGui.QColor("#333333"))
            p.drawText(x, fm.ascent() + 2, head)
            self._grid(p, vals, mode, vmax, QtCore.QRect(x, top, side, side), numbers,
                       s.inside if i != 1 else None)
            x += max(side, fm.horizontalAdvance(head)) + 8
            if i < 2:
                p.setFont(bold)
                p.drawText(QtCore.QRect(x, top, 24, side), int(Qt.AlignmentFlag.AlignCenter),
                           "⊙" if i == 0 else "=")
                x += 32
        p.setFont(self.small)
        p.setPen(QtGui.QColor("#555555"))
        note = ("grey cells: zero padding (outside the input)" if not s.inside.all()
                else "") + ("" if numbers else "   (a kernel larger than 3×3: tiles)")
        p.drawText(8, top + side + fm.height() + 2, note.strip())
        p.end()

    def _grid(self, p, values, mode, vmax, rect: QtCore.QRect, numbers: bool, inside) -> None:
        rgba = values_rgba(values, mode, vmax)
        k = values.shape[0]
        c = rect.width() / k
        p.setFont(self.small)
        for i in range(k):
            for j in range(values.shape[1]):
                cell = QtCore.QRectF(rect.x() + j * c, rect.y() + i * c, c, c)
                out = inside is not None and not inside[i, j]
                rgb = (218, 218, 218) if out else tuple(int(v) for v in rgba[i, j, :3])
                p.fillRect(cell, QtGui.QColor(*rgb))
                if numbers:
                    p.setPen(_text_on(rgb))
                    p.drawText(cell, int(Qt.AlignmentFlag.AlignCenter), fmt(values[i, j]))
        p.setPen(QtGui.QPen(QtGui.QColor("#666666"), 1))
        p.drawRect(rect.adjusted(0, 0, -1, -1))


class CurveView(pg.PlotWidget):
    """The activation's curve, every pixel of the map on it (grey), the chosen one large."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("The activation's curve with this map's values on it")
        item = self.getPlotItem()
        quiet_plot(item, "z (before)", "a (after)")
        item.getViewBox().setMouseEnabled(False, False)
        item.getViewBox().setMenuEnabled(False)
        self.curve = item.plot(pen=pg.mkPen("#222222", width=2))
        self.all = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(0, 114, 178, 70))
        self.chosen = pg.ScatterPlotItem(size=13, pen=pg.mkPen("#111111", width=2),
                                         brush=pg.mkBrush(colors.MISTAKE))
        self.vline = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888888", style=Qt.PenStyle.DashLine))
        self.hline = pg.InfiniteLine(angle=0, pen=pg.mkPen("#888888", style=Qt.PenStyle.DashLine))
        for it in (self.all, self.vline, self.hline, self.chosen):
            item.addItem(it)
        self.setMinimumSize(PICTURE_MIN + 40, PICTURE_MIN)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802
        return QtCore.QSize(PICTURE_HINT + 40, PICTURE_HINT)

    def show_curve(self, detail, psum) -> None:
        self.getPlotItem().setTitle(detail.activation, size="10pt")
        self.curve.setData(detail.curve_z, detail.curve_a)
        z, a = detail.pre.ravel(), detail.post.ravel()
        ok = np.isfinite(z) & np.isfinite(a)
        self.all.setData(z[ok], a[ok])
        if psum is not None and np.isfinite(psum.z) and np.isfinite(psum.a):
            self.chosen.setData([psum.z], [psum.a])
            self.vline.setValue(psum.z)
            self.hline.setValue(psum.a)
        else:
            self.chosen.setData([], [])


class FilterDetailView(QtWidgets.QWidget):
    """Input | before | curve | after over the pixel's arithmetic.  ``pixelHovered(row,
    col)`` when the mouse moves over a pixel of either map."""

    pixelHovered = QtCore.Signal(int, int)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        white_background(self)
        # focusable: the arrow keys move the chosen pixel (the owner handles them)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Inside the filter")
        self.input = MapPicture("The layer's input with the patch outlined")
        self.before = MapPicture("Feature map before the activation (z)")
        self.curve = CurveView()
        self.after = MapPicture("Feature map after the activation (a)")
        self.sums = SumView()
        self.heads = [QtWidgets.QLabel() for _ in range(4)]
        grid = QtWidgets.QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.setHorizontalSpacing(10)
        for i, (head, w) in enumerate(zip(self.heads, (self.input, self.before, self.curve,
                                                       self.after))):
            head.setWordWrap(True)
            head.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
            grid.addWidget(head, 0, i)
            grid.addWidget(w, 1, i)
            grid.setColumnStretch(i, 1)
        self.sum_text = QtWidgets.QLabel()
        self.sum_text.setObjectName("filter_detail_sum")
        self.sum_text.setWordWrap(True)
        self.sum_text.setTextFormat(Qt.TextFormat.RichText)
        self.sum_text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        below = QtWidgets.QHBoxLayout()
        below.addWidget(self.sums)
        below.addWidget(self.sum_text, 1)
        grid.addLayout(below, 2, 0, 1, 4)
        grid.setRowStretch(1, 1)
        for m in (self.before, self.after):
            m.hovered.connect(self.pixelHovered)
        self.detail = self.sum = None
        self.channel = 0

    def event(self, event) -> bool:
        # the arrow keys move the pixel here; → must not step the training
        if (event.type() == QtCore.QEvent.Type.ShortcutOverride
                and event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up,
                                    Qt.Key.Key_Down)):
            event.accept()
            return True
        return super().event(event)

    def show_detail(self, detail, psum, channel: int = 0) -> None:
        """Draw ``detail`` (a FilterDetail) with pixel ``psum`` (its PixelSum) chosen;
        ``channel`` is the input channel whose patch is drawn."""
        self.detail, self.sum, self.channel = detail, psum, int(channel)
        ch = min(int(channel), detail.channels - 1)
        h, w = detail.pre.shape
        H, W = detail.inputs.shape[1:]
        act = detail.activation
        if detail.layer == 0:
            self.input.set_values(detail.inputs[0], INK, pad=detail.padding)
            self.heads[0].setText(f"Input: the probed image, {H}×{W}")
        else:
            self.input.set_values(detail.inputs[ch], DIVERGING,
                                  colors.symmetric_range(detail.inputs), pad=detail.padding)
            self.heads[0].setText(f"Input: map {ch + 1} of convolution {detail.layer}, {H}×{W}")
        if detail.padding:
            self.heads[0].setText(self.heads[0].text() + " (grey: zero padding)")
        vmax = colors.symmetric_range(np.concatenate([detail.pre.ravel(), detail.post.ravel()]))
        self.before.set_values(detail.pre, DIVERGING, vmax)
        self.after.set_values(detail.post, DIVERGING, vmax)
        self.heads[1].setText(f"Before {act}: z, {h}×{w}")
        self.heads[2].setText(f"{act}: a = {act}(z)")
        self.heads[3].setText(f"After {act}: a, {h}×{w}")
        patch = None if psum is None else (psum.top, psum.left, detail.k)
        pixel = None if psum is None else (psum.row, psum.col)
        self.input.mark(patch, None)
        self.before.mark(None, pixel)
        self.after.mark(None, pixel)
        self.curve.show_curve(detail, psum)
        if psum is not None:
            self.sums.show_sum(detail, psum, ch)
            lines = [html.escape(t) for t in self.sums.lines()]
            lines[-2] = f"<b>{lines[-2]}</b>"
            self.sum_text.setText("<br>".join(lines))
        if detail.linear:
            self.heads[2].setText(f"{act}: a = z (no activation)")
        if not np.any(detail.post):
            self.heads[3].setText(self.heads[3].text() + ": all 0 for this image")

    def description(self) -> str:
        """Everything the view says, in words."""
        return "\n".join([h.text() for h in self.heads] + self.sums.lines())
