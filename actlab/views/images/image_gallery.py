"""The gallery of test images: each thumbnail with the class the network predicts under it,
a wrong prediction outlined in red, the probed image highlighted.  Click one (or move with
the arrow keys, Enter/Space) to probe it.

Painted by hand rather than built from one widget per image: a frame while training is
then one QImage made from a NumPy atlas and 40 ``drawImage`` calls (no widget is created
or laid out again), and the thumbnails wrap to any width.
"""
from __future__ import annotations

import numpy as np

from actlab.views.images.class_names import short_name
from actlab.views.qt import QtCore, QtGui, QtWidgets
from actlab.views.colors import BLUE as ACCENT, MISTAKE

MIN_THUMB, MAX_THUMB = 40, 56  # px a thumbnail is drawn at (pixelated, nearest neighbour)
GAP = 6                        # px between tiles
MARGIN = 4                     # px round the grid
OUTLINE = 3                    # px of the red mistake outline
HIGHLIGHT = "#D6E9F8"          # the probed tile's background (the accent blue, light)


def grey_atlas(images: np.ndarray) -> np.ndarray:
    """(H, n*W) uint8: the ``images`` ((n, H, W) in [0, 1], ink 1) side by side, ink black
    on white paper as the CLI's figures draw them (NaN mid grey)."""
    x = np.nan_to_num(np.asarray(images, dtype=np.float32), nan=0.5, posinf=1.0, neginf=0.0)
    g = np.rint(255.0 * (1.0 - np.clip(x, 0.0, 1.0))).astype(np.uint8)
    n, h, w = g.shape
    return np.ascontiguousarray(g.transpose(1, 0, 2).reshape(h, n * w))


class ImageGallery(QtWidgets.QWidget):
    """Thumbnails of ``(n, H, W)`` images, wrapped to the width.  ``clicked(index)`` gives
    the index into the split (not the gallery position) of the image clicked or chosen
    with the keyboard."""

    clicked = QtCore.Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        policy = QtWidgets.QSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred,
                                       QtWidgets.QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # a scroll area then sizes it to its wrapped rows
        self.setSizePolicy(policy)
        self._indices = np.zeros(0, dtype=np.int64)
        self._true = self._pred = self._indices
        self._names: tuple = ()
        self._split = "test"
        self._probe: int | None = None
        self._cursor = 0          # gallery position of the keyboard cursor
        self._atlas: np.ndarray | None = None
        self._qimage: QtGui.QImage | None = None
        self._size = (1, 1)       # (H, W) of one image
        small = QtGui.QFont(self.font())
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.85))
        self._label_font = small
        self._label_h = QtGui.QFontMetrics(small).height()
        self.setToolTip("")

    # ------------------------------------------------------------------ data
    def set_images(self, images, true, pred, indices, class_names, probe: int | None = None,
                   split: str = "test") -> None:
        """Draw ``images`` with their ``pred``icted class names; ``true`` marks mistakes;
        ``indices`` are their indices in ``split``; ``probe`` (an index in the split) is
        highlighted when it is in the gallery."""
        images = np.asarray(images)
        if images.ndim != 3 or len(images) == 0:
            self.clear()
            return
        n = len(images)
        same = (self._atlas is not None and len(self._indices) == n
                and self._size == images.shape[1:])
        atlas = grey_atlas(images)
        if not (same and np.array_equal(atlas, self._atlas)):
            # the pictures of the data set rarely change (regenerate, import): the QImage
            # is made again only then, not on every frame
            self._atlas = atlas
            h, w = atlas.shape
            self._qimage = QtGui.QImage(atlas.data, w, h, w,
                                        QtGui.QImage.Format.Format_Grayscale8)
        relayout = len(self._indices) != n or self._size != images.shape[1:]
        self._size = images.shape[1:]
        self._indices = np.asarray(indices, dtype=np.int64)[:n]
        self._true = np.asarray(true, dtype=np.int64)[:n]
        self._pred = np.asarray(pred, dtype=np.int64)[:n]
        self._names = tuple(str(c) for c in class_names)
        self._split = split
        self._probe = None if probe is None else int(probe)
        pos = self.position_of(self._probe)
        if pos is not None and not self.hasFocus():
            self._cursor = pos
        self._cursor = min(self._cursor, n - 1)
        if relayout:
            self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self._indices = self._true = self._pred = np.zeros(0, dtype=np.int64)
        self._atlas = self._qimage = None
        self._probe = None
        self._cursor = 0
        self.updateGeometry()
        self.update()

    def count(self) -> int:
        return len(self._indices)

    def position_of(self, index: int | None) -> int | None:
        """The gallery position showing image ``index`` of the split (None if not shown)."""
        if index is None:
            return None
        hits = np.flatnonzero(self._indices == index)
        return int(hits[0]) if len(hits) else None

    def label_text(self, pos: int) -> str:
        """The caption under thumbnail ``pos``: its predicted class name."""
        p = int(self._pred[pos])
        return self._names[p] if 0 <= p < len(self._names) else "?"

    def caption_lines(self, pos: int, width: int | None = None) -> tuple[str, str]:
        """The two caption lines under thumbnail ``pos``: its true class, then "→ " and the
        class the network picked — each class name shortened to fit ``width`` px (the tile's
        when None), never cut mid-letter: "checkerboard" → "checker." (the tooltip names
        it whole)."""
        if width is None:
            width = self.tile_rect(pos).width()
        fm = QtGui.QFontMetrics(self._label_font)
        arrow = fm.horizontalAdvance("→ ")
        return (self.short_name(int(self._true[pos]), width, fm),
                "→ " + self.short_name(int(self._pred[pos]), width - arrow, fm))

    def short_name(self, c: int, width: int, fm: QtGui.QFontMetrics | None = None) -> str:
        """Class ``c``'s name shortened to ``width`` px (see :mod:`.class_names`)."""
        if not 0 <= c < len(self._names):
            return "?"
        return short_name(self._names[c], self._names,
                          fm or QtGui.QFontMetrics(self._label_font), width)

    def is_mistake(self, pos: int) -> bool:
        return bool(self._pred[pos] != self._true[pos])

    def tip(self, pos: int) -> str:
        """The tooltip of thumbnail ``pos``."""
        name = lambda c: self._names[c] if 0 <= c < len(self._names) else "?"  # noqa: E731
        what = "Test" if self._split == "test" else "Training"
        head = f"{what} image {int(self._indices[pos]) + 1}: predicted {name(self._pred[pos])}"
        if self.is_mistake(pos):
            return f"{head}, but it is a {name(self._true[pos])} (a mistake). Click to probe it."
        return f"{head} (right). Click to probe it."

    # ---------------------------------------------------------------- layout
    def _grid(self, width: int) -> tuple[int, int, int]:
        """(columns, thumbnail size, tile width) for ``width`` px."""
        room = max(1, width - 2 * MARGIN)
        s = max(1, self._size[1])
        # a whole number of screen pixels per image pixel when one fits the size range,
        # so no image row is drawn thicker than another (16 px images at 48 px)
        whole = [m * s for m in range(1, MAX_THUMB // s + 1) if m * s >= MIN_THUMB]
        thumb = whole[0] if whole else MIN_THUMB
        cols = max(1, (room + GAP) // (thumb + GAP))
        if not whole:
            thumb = max(MIN_THUMB, min(MAX_THUMB, (room + GAP) // cols - GAP))
        thumb = min(thumb, room)
        return cols, thumb, max(thumb + GAP, (room + GAP) // cols)

    def _tile_h(self, thumb: int) -> int:
        return thumb + 2 * self._label_h + 2 * OUTLINE + 2  # two caption lines

    def tile_rect(self, pos: int) -> QtCore.QRect:
        """The whole tile of thumbnail ``pos`` (image and caption), widget coordinates."""
        cols, thumb, tile_w = self._grid(self.width())
        r, c = divmod(pos, cols)
        return QtCore.QRect(MARGIN + c * tile_w, MARGIN + r * (self._tile_h(thumb) + GAP),
                            tile_w - GAP, self._tile_h(thumb))

    def image_rect(self, pos: int) -> QtCore.QRect:
        """Where thumbnail ``pos``'s picture is drawn."""
        _, thumb, _ = self._grid(self.width())
        t = self.tile_rect(pos)
        return QtCore.QRect(t.x() + (t.width() - thumb) // 2, t.y() + OUTLINE, thumb, thumb)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        n = max(1, self.count())
        cols, thumb, _ = self._grid(width)
        rows = -(-n // cols)
        return 2 * MARGIN + rows * self._tile_h(thumb) + (rows - 1) * GAP

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(320, self.heightForWidth(320))

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(MIN_THUMB + 2 * MARGIN, 2 * MARGIN + self._tile_h(MIN_THUMB))

    def position_at(self, point: QtCore.QPoint) -> int | None:
        for pos in range(self.count()):
            if self.tile_rect(pos).contains(point):
                return pos
        return None

    # ------------------------------------------------------------------ paint
    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        p = QtGui.QPainter(self)
        p.fillRect(self.rect(), QtGui.QColor("white"))
        if self._qimage is None:
            p.setPen(QtGui.QColor("#666666"))
            p.drawText(self.rect(), QtCore.Qt.AlignmentFlag.AlignCenter
                       | QtCore.Qt.TextFlag.TextWordWrap,
                       "The test images appear here with the network's answers.")
            return
        # nearest neighbour: a 16x16 picture stays crisp squares at 48 px
        p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, False)
        p.setFont(self._label_font)
        h, w = self._size
        red = QtGui.QPen(QtGui.QColor(MISTAKE), OUTLINE)
        red.setJoinStyle(QtCore.Qt.PenJoinStyle.MiterJoin)
        frame = QtGui.QPen(QtGui.QColor("#B0B0B0"), 1)
        clip = event.rect()
        probe_pos = self.position_of(self._probe)
        for pos in range(self.count()):
            tile = self.tile_rect(pos)
            if not tile.intersects(clip):
                continue
            if pos == probe_pos:
                p.fillRect(tile, QtGui.QColor(HIGHLIGHT))
                p.setPen(QtGui.QPen(QtGui.QColor(ACCENT), 2))
                p.drawRect(tile.adjusted(1, 1, -1, -1))
            img = self.image_rect(pos)
            p.drawImage(img, self._qimage, QtCore.QRect(pos * w, 0, w, h))
            mistake = self.is_mistake(pos)
            if mistake:
                p.setPen(red)
                half = OUTLINE / 2
                p.drawRect(QtCore.QRectF(img).adjusted(-half, -half, half, half))
            else:
                p.setPen(frame)
                p.drawRect(img.adjusted(0, 0, -1, -1))
            true, picked = self.caption_lines(pos, tile.width())
            for line, (text, colour) in enumerate(((true, "#555555"),
                                                   (picked, MISTAKE if mistake else "#222222"))):
                p.setPen(QtGui.QColor(colour))
                p.drawText(QtCore.QRect(tile.x(), img.bottom() + OUTLINE + line * self._label_h,
                                        tile.width(), self._label_h),
                           QtCore.Qt.AlignmentFlag.AlignHCenter, text)
        if self.hasFocus() and self.count():
            pen = QtGui.QPen(QtGui.QColor(ACCENT), 1, QtCore.Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            p.drawRect(self.tile_rect(self._cursor).adjusted(-2, -2, 1, 1))

    # ----------------------------------------------------------------- input
    def event(self, e) -> bool:
        if e.type() == QtCore.QEvent.Type.ToolTip:
            pos = self.position_at(e.pos())
            if pos is None:
                QtWidgets.QToolTip.hideText()
                e.ignore()
            else:
                QtWidgets.QToolTip.showText(e.globalPos(), self.tip(pos), self,
                                            self.tile_rect(pos))
            return True
        return super().event(e)

    def mousePressEvent(self, e) -> None:  # noqa: N802 (Qt name)
        pos = self.position_at(e.position().toPoint())
        if pos is not None and e.button() == QtCore.Qt.MouseButton.LeftButton:
            self._cursor = pos
            self.update()
            self.clicked.emit(int(self._indices[pos]))
        super().mousePressEvent(e)

    def keyPressEvent(self, e) -> None:  # noqa: N802 (Qt name)
        n = self.count()
        if not n:
            return super().keyPressEvent(e)
        cols = self._grid(self.width())[0]
        Key = QtCore.Qt.Key
        step = {Key.Key_Left: -1, Key.Key_Right: 1, Key.Key_Up: -cols,
                Key.Key_Down: cols, Key.Key_Home: -n, Key.Key_End: n}.get(e.key())
        if step is not None:
            self._cursor = int(min(max(self._cursor + step, 0), n - 1))
        elif e.key() not in (Key.Key_Return, Key.Key_Enter, Key.Key_Space):
            return super().keyPressEvent(e)
        self.update()
        self._ensure_visible()
        self.clicked.emit(int(self._indices[self._cursor]))

    def _ensure_visible(self) -> None:
        # inside a scroll area, keep the keyboard cursor's tile in view
        parent = self.parentWidget()
        area = parent.parentWidget() if parent is not None else None
        if isinstance(area, QtWidgets.QScrollArea):
            r = self.tile_rect(self._cursor)
            area.ensureVisible(r.center().x(), r.center().y(), r.width(), r.height())

    def focusInEvent(self, e) -> None:  # noqa: N802 (Qt name)
        self.update()
        super().focusInEvent(e)

    def focusOutEvent(self, e) -> None:  # noqa: N802 (Qt name)
        self.update()
        super().focusOutEvent(e)
