""""Why non-linearity?" for an image lab: which convolutions merge into one, the class
templates of a fully linear network, and how saliency changes (or not) from image to image.

A dumb view: it draws the :class:`~actlab.engine.analysis.image_insights.ImageInsights` it is
handed and never calls the engine.  Kernels, templates and saliency maps are signed
weights drawn on the app's diverging map (blue +, white 0, orange −, see
:mod:`actlab.views.colors`), each picture on its own scale symmetric about 0.
"""
from __future__ import annotations

import numpy as np

from actlab.engine.analysis.image_insights import ImageInsights, difference_words, short_number
from actlab.views import colors
from actlab.views.images.probe_pictures import difference_rgba, merged_px, outlined
from actlab.views.images.wrap_layout import ScaledGrid, WrapLayout
from actlab.views.qt import QtCore, QtGui, QtWidgets

TILE_PX = 6          # screen px per kernel weight (kernels are 3×3 … 9×9)
LAYER_PX = 12        # at most this many px per weight of a merged layer's kernels
LAYER_GRID = 200     # a layer's kernel grid is at most about this wide (px)
MAP_TARGET = 80      # about this many px for a probed map (images are 8…32 px)
IMAGE_PX = 4         # screen px per image pixel (images are 8…32 px)
GAP = 1              # px between the tiles of a kernel grid
GAP_RGBA = (190, 190, 190, 255)  # grey, so white (zero) tiles still show their edges


_number = short_number


def grid_rgba(tiles: np.ndarray, px: int, vmax: float | None = None) -> np.ndarray:
    """Kernels ``(rows, cols, k, k)`` as one RGBA picture: a grid of k×k tiles, ``px``
    screen pixels per weight, GAP white pixels between tiles; one symmetric range."""
    t = np.asarray(tiles, dtype=float)
    rows, cols, kh, kw = t.shape
    vmax = colors.symmetric_range(t) if vmax is None else vmax
    rgba = colors.diverging_rgba(t, vmax)  # (rows, cols, kh, kw, 4)
    big = np.repeat(np.repeat(rgba, px, axis=2), px, axis=3)
    H, W = rows * kh * px + (rows - 1) * GAP, cols * kw * px + (cols - 1) * GAP
    out = np.empty((H, W, 4), dtype=np.uint8)
    out[...] = GAP_RGBA
    for r in range(rows):
        for c in range(cols):
            y, x = r * (kh * px + GAP), c * (kw * px + GAP)
            out[y:y + kh * px, x:x + kw * px] = big[r, c]
    return out


def _pixmap(rgba: np.ndarray) -> QtGui.QPixmap:
    a = np.ascontiguousarray(rgba, dtype=np.uint8)
    img = QtGui.QImage(a.data, a.shape[1], a.shape[0], 4 * a.shape[1],
                       QtGui.QImage.Format.Format_RGBA8888)
    return QtGui.QPixmap.fromImage(img.copy())


def _grey_rgba(image: np.ndarray, px: int) -> np.ndarray:
    v = np.clip(np.asarray(image, dtype=float), 0.0, 1.0)
    g = (255 * (1.0 - v)).astype(np.uint8)  # ink 1 is black on white, as in the gallery
    rgba = np.stack([g, g, g, np.full_like(g, 255)], axis=-1)
    return np.repeat(np.repeat(rgba, px, axis=0), px, axis=1)


def _label(text: str = "", *, bold: bool = False, muted: bool = False,
           size: float | None = None) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
    style = [f"color: {colors.OUTLINE}"]
    if bold:
        style.append("font-weight: bold")
    if muted:
        style.append("color: #666666")
    if size:
        style.append(f"font-size: {size}pt")
    label.setStyleSheet("; ".join(style) + ";")
    return label


def _picture(rgba: np.ndarray, caption: str, tip: str = "") -> QtWidgets.QWidget:
    box = QtWidgets.QWidget()
    lay = QtWidgets.QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(1)
    pic = QtWidgets.QLabel()
    pic.setPixmap(_pixmap(rgba))
    pic.setStyleSheet("border: 1px solid #BEBEBE;")  # white pixels need an edge
    pic.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter)
    lay.addWidget(pic, 0, QtCore.Qt.AlignmentFlag.AlignHCenter | QtCore.Qt.AlignmentFlag.AlignTop)
    cap = QtWidgets.QLabel(caption)
    cap.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter)
    cap.setStyleSheet("color: #444444; font-size: 8pt;")
    lay.addWidget(cap)
    lay.addStretch(1)
    if tip:
        box.setToolTip(tip)
    return box


def _kernel_grid(K: np.ndarray, px: int, caption: str, tip: str) -> QtWidgets.QWidget:
    """A layer's kernels (out, in, k, k) as a grid scaled to the column, at most ``px``
    screen px per weight and about LAYER_GRID px wide; a one-channel layer as one row
    of tiles."""
    K = np.asarray(K, dtype=float)
    if K.shape[1] == 1:
        K = K.transpose(1, 0, 2, 3)  # one row: a tile per filter
    rows, cols, kh, kw = K.shape
    vmax = colors.symmetric_range(K)
    px = int(max(3, min(px, LAYER_GRID // (cols * kw))))
    grid = ScaledGrid(lambda p: grid_rgba(K, p, vmax), (rows * kh, cols * kw),
                      ((rows - 1) * GAP, (cols - 1) * GAP), px, min_px=2)
    box = QtWidgets.QWidget()
    lay = QtWidgets.QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(1)
    lay.addWidget(grid)
    cap = QtWidgets.QLabel(caption)
    cap.setStyleSheet("color: #444444; font-size: 8pt;")
    lay.addWidget(cap)
    box.setToolTip(tip)
    return box


class _Wrap(QtWidgets.QWidget):
    """Pictures side by side, wrapping onto more lines in a narrow column (never wider
    than the column)."""

    def __init__(self, widgets, gap_texts=(), balanced: bool = False):
        super().__init__()
        lay = WrapLayout(self, balanced=balanced)
        for i, w in enumerate(widgets):
            lay.addWidget(w)
            if i < len(gap_texts) and gap_texts[i]:
                sign = QtWidgets.QLabel(gap_texts[i])
                sign.setStyleSheet(f"color: {colors.OUTLINE}; font-size: 14pt;")
                lay.addWidget(sign)


class ConvCollapseView(QtWidgets.QWidget):
    """The collapse of an image network, in pictures and plain sentences.

    Attributes for tests and the window: ``heading``, ``shown_composites`` (the composite
    kernels drawn, one array per run), ``shown_templates``, ``shown_saliencies``; and
    :meth:`texts` (every sentence on screen)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor("white"))
        self.setPalette(pal)
        self._epoch: int | None = None
        self.shown_composites: list[np.ndarray] = []
        self.shown_maps: list = []          # CollapseMaps drawn, one per run
        self.composite_tiles: list = []     # the QLabel of each merged kernel tile
        self.maps_note = None
        self.shown_templates: np.ndarray | None = None
        self.shown_local: np.ndarray | None = None  # the probed image's own T(x)
        self.shown_saliencies: np.ndarray | None = None
        lay = self._lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(6)
        self.heading = _label("Why non-linearity?", bold=True, muted=True, size=9)
        lay.addWidget(self.heading)
        self.placeholder = _label("Train or step the network to see which of its "
                                  "convolutions merge.", muted=True)
        lay.addWidget(self.placeholder)
        self._body = QtWidgets.QWidget()
        self._body_lay = QtWidgets.QVBoxLayout(self._body)
        self._body_lay.setContentsMargins(0, 0, 0, 0)
        self._body_lay.setSpacing(6)
        lay.addWidget(self._body)
        lay.addStretch(1)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(340, 700)

    # ------------------------------------------------------------------ API
    def show_insights(self, ins, force: bool = False) -> bool:
        """Draw ``ins`` (an ImageInsights); an older epoch than the last drawn is dropped
        unless ``force``.  Returns True if drawn."""
        if not isinstance(ins, ImageInsights):
            return False
        if not force and self._epoch is not None and ins.epoch < self._epoch:
            return False
        self._epoch = ins.epoch
        self._rebuild(ins)
        return True

    def clear(self) -> None:
        """Forget the last epoch drawn (a Reset or a new lab)."""
        self._epoch = None

    def texts(self) -> list[str]:
        """Every sentence the view shows now, in order (for tests and accessibility)."""
        return [w.text() for w in self._body.findChildren(QtWidgets.QLabel)
                if w.text() and w.pixmap().isNull()]

    # ------------------------------------------------------------------ drawing
    def _rebuild(self, ins) -> None:
        # a new body each time: packs come at most ~8 a second and the pictures change
        # with every epoch anyway; rebuilding keeps the layout exactly what ins says
        self.setUpdatesEnabled(False)
        old = self._body
        self._body = QtWidgets.QWidget()
        self._body_lay = QtWidgets.QVBoxLayout(self._body)
        self._body_lay.setContentsMargins(0, 0, 0, 0)
        self._body_lay.setSpacing(6)
        self._lay.replaceWidget(old, self._body)
        old.deleteLater()
        self.placeholder.hide()
        self._runs(ins)
        self._templates(ins)
        self._local(ins)
        self._saliency(ins)
        self.setUpdatesEnabled(True)

    def _add(self, widget) -> None:
        self._body_lay.addWidget(widget)

    def _runs(self, ins) -> None:
        self.shown_composites = []
        self.shown_maps = []
        self.composite_tiles = []
        n_conv = len(ins.conv_titles)
        for rc in ins.collapses:
            c = rc.collapse
            n = c.last - c.first + 1
            kh, kw = c.kernel_size
            self._add(_label(f"Layers {c.first + 1}–{c.last + 1}: these {n} convolutions "
                             f"act as this one {kh}×{kw}", bold=True))
            Kc = np.asarray(c.kernel)
            self.shown_composites.append(Kc)
            px = merged_px(Kc.shape[2:])
            pics, signs = [], []
            for j, K in enumerate(rc.kernels):
                K = np.asarray(K)
                ins_ = f" × {K.shape[1]} in" if K.shape[1] > 1 else ""
                pics.append(_kernel_grid(
                    K, LAYER_PX, f"layer {c.first + j + 1}: {K.shape[0]} filters{ins_}\n"
                    f"scale ±{_number(colors.symmetric_range(K))}",
                    f"Layer {c.first + j + 1}'s kernels: "
                    + ("a tile per filter." if K.shape[1] == 1 else
                       "a row per filter, a column per input channel.")))
                signs.append("→" if j < len(rc.kernels) - 1 else "")
            self._add(_Wrap(pics, signs))
            vmax = colors.symmetric_range(Kc)
            self._add(_label(f"= one {kh}×{kw} convolution, a kernel per filter (each "
                             f"{kh * px} px here):", muted=True))
            tiles = []
            for o in range(Kc.shape[0]):
                for ch in range(Kc.shape[1]):
                    name = f"filter {o + 1}" + (f" · in {ch + 1}" if Kc.shape[1] > 1 else "")
                    tile = _picture(grid_rgba(Kc[o:o + 1, ch:ch + 1], px, vmax), name,
                                    "One filter of the single convolution equal to the "
                                    "layers above (kernel and bias composed from theirs).")
                    tiles.append(tile)
                    self.composite_tiles.append(tile.findChild(QtWidgets.QLabel))
            self._add(_Wrap(tiles, balanced=True))
            self._add(_label(
                "Colour: blue +, orange −, white 0. Each layer's kernels share one scale "
                f"(± under the layer); all the {kh}×{kw} kernels share one "
                f"(±{_number(vmax)}), so their shades compare with each other.",
                muted=True, size=8))
            self._add(_label(self._difference_sentence(c)))
            if rc.maps is not None:
                self._probe_maps(ins, c, rc.maps)
            if c.note and c.border_agrees is not False:  # padding, and no difference
                self._add(_label(c.note, muted=True))
            elif c.note:
                self._add(_label(
                    "Why the border differs: with 'same' padding every layer pads its own "
                    "input with zeros, but the single convolution pads only the image. "
                    "Near the border the second layer reads those zeros where the single "
                    "convolution reads real values, so only there do the two disagree.",
                    muted=True))
        if not ins.collapses:
            if n_conv < 2:
                self._add(_label("One convolution layer: there is nothing to merge it "
                                 "with.", bold=True))
            else:
                why = "; ".join(ins.breaks) if ins.breaks else "no layers merge"
                self._add(_label(f"No convolutions merge here: {why}.", bold=True))
                self._add(_label("A non-linearity (or pooling, or a stride) between two "
                                 "convolutions keeps them from acting as one.", muted=True))
        elif ins.breaks:
            self._add(_label("Not merged: " + "; ".join(ins.breaks) + ".", muted=True))

    def _probe_maps(self, ins, c, m) -> None:
        """The probed image, the stack's and the single convolution's map of one filter,
        and their difference with the border band outlined."""
        self.shown_maps.append(m)
        kh, kw = c.kernel_size
        before = f" (after layers 1–{c.first})" if c.first > 1 else \
            (" (after layer 1)" if c.first == 1 else "")
        self._add(_label(f"The probed image{before} through both, filter {m.filter + 1}:",
                         bold=True))
        h, w = m.stack.shape
        px = max(2, MAP_TARGET // max(h, w, 1))
        band = None if m.border_max is None else m.interior
        # a real difference on its own scale (it may be a few % of the maps); rounding on
        # the maps' scale, where it stays white rather than showing amplified noise
        real = m.border_agrees is False
        dscale = m.border_max if real else m.scale
        stack_s = "→".join(f"layer {c.first + j + 1}" for j in range(c.last - c.first + 1))
        pics = [_picture(_grey_rgba(m.image, px), f"{ins.probe_split} #{ins.probe + 1}",
                         "The image the student probed in the gallery."),
                _picture(grid_rgba(m.stack[None, None], px, m.scale), f"stack\n{stack_s}",
                         "The run's layers applied one after another."),
                _picture(grid_rgba(m.single[None, None], px, m.scale), f"one {kh}×{kw}",
                         "The single merged convolution applied once."),
                _picture(outlined(difference_rgba(m.difference, dscale, px), band, px),
                         "|difference|", "|stack − one convolution| (white: equal).")]
        self._add(_Wrap(pics))
        if band is None:
            where = (f"Difference everywhere: largest {_number(m.interior_max)} — rounding "
                     "only (no padding: every output pixel reads real pixels of the image).")
        else:
            agree = ("also rounding only (only the first layer pads, as the single "
                     "convolution does)" if m.border_agrees else
                     f"{m.border_max / m.scale:.0%} of the largest value: where zero "
                     "padding breaks the equality")
            where = (f"Inside the dashed box: largest {_number(m.interior_max)} — rounding "
                     f"only. Border band (outside it, reached by zero padding): largest "
                     f"{_number(m.border_max)}, {agree}.")
        self.maps_note = _label(where)
        self._add(self.maps_note)
        diff_scale = (f"the difference on its own, dark red = {_number(dscale)}" if real
                      else "the difference on it too, so rounding stays white")
        self._add(_label(f"Stack and single maps share one scale (±{_number(m.scale)}); "
                         f"{diff_scale}.", muted=True, size=8))

    @staticmethod
    def _difference_sentence(c) -> str:
        images = "on the test images"
        if c.border_difference is None or c.interior_difference is None:
            return (f"Stack against the single convolution {images}: "
                    f"{difference_words(c.max_difference, c.relative_difference)}.")
        return (f"Stack against the single convolution {images}: away from the border "
                f"{difference_words(c.interior_difference, c.interior_relative)}; at the "
                f"border {difference_words(c.border_difference, c.border_relative)}.")

    def _templates(self, ins) -> None:
        T = ins.templates
        self.shown_templates = None
        if T is None:
            if ins.first_nonlinearity:
                self._add(_label(f"The whole network is not linear ({ins.first_nonlinearity})"
                                 ", so no single template per class describes it.",
                                 bold=True))
            return
        tmpl = np.asarray(T.templates)
        self.shown_templates = tmpl
        self._add(_label("The whole network is: score = template · image + c", bold=True))
        vmax = colors.symmetric_range(tmpl)
        pics = []
        for k, t in enumerate(tmpl):
            rgba = grid_rgba(t[None, None], IMAGE_PX, vmax)
            name = ins.class_names[k] if k < len(ins.class_names) else f"class {k + 1}"
            pics.append(_picture(rgba, f"{name}\nc = {_number(float(T.constants[k]))}",
                                 f"The template of '{name}': its score is the sum of "
                                 "template × pixel over the image, plus c."))
        self._add(_Wrap(pics))
        if T.max_difference is not None:
            self._add(_label("Network scores against template · image + c on the test "
                             "images: "
                             f"{difference_words(T.max_difference, T.relative_difference)}."))

    def _local(self, ins) -> None:
        """One template per image: the probed image's own T(x) per class in a
        piecewise-linear network (a linear one has one template for every image)."""
        L = getattr(ins, "local", None)
        self.shown_local = None
        if L is None:
            return
        count = (f"{L.patterns} activation pattern{'s' if L.patterns != 1 else ''} on "
                 f"{L.pattern_images} {ins.probe_split} images")
        if ins.templates is not None:  # linear: the shared templates above are T(x)
            self._add(_label(f"Linear: one template for every image ({count})."))
            return
        tmpl = np.asarray(L.templates)
        self.shown_local = tmpl
        self._add(_label("This image's own templates: score = T(x) · image + c(x)",
                         bold=True))
        vmax = colors.symmetric_range(tmpl)
        image = ins.saliency_images[0] if len(ins.saliency_images) else None
        pics = [] if image is None else [_picture(
            _grey_rgba(image, IMAGE_PX), f"{ins.probe_split} #{ins.probe + 1}",
            "The probed image (click another in the gallery).")]
        for k, t in enumerate(tmpl):
            name = ins.class_names[k] if k < len(ins.class_names) else f"class {k + 1}"
            pics.append(_picture(
                grid_rgba(t[None, None], IMAGE_PX, vmax),
                f"{name}\nT·x {_number(float(L.dots[k]))}\n+ c {_number(float(L.constants[k]))}",
                f"'{name}' for this image: its score {_number(float(L.scores[k]))} is the "
                "sum of template × pixel, plus c. Another image on another activation "
                "pattern has another template."))
        self._add(_Wrap(pics))
        self._add(_label(
            "Each ReLU (or max pool) decides which piece it is on; with those choices "
            "fixed the network is linear, so every image gets its own template. This "
            f"network: {count}. Score against T(x) · image + c(x) for this image: "
            f"{difference_words(L.max_difference)}."))

    def _saliency(self, ins) -> None:
        sal = np.asarray(ins.saliencies)
        self.shown_saliencies = sal
        if not len(sal):
            return
        self._add(_label(ins.saliency_heading(), bold=True))
        vmax = colors.symmetric_range(sal)
        pics = []
        for j, (i, im, s) in enumerate(zip(ins.saliency_indices, ins.saliency_images, sal)):
            both = np.concatenate([_grey_rgba(im, IMAGE_PX),
                                   np.full((1, im.shape[1] * IMAGE_PX, 4), GAP_RGBA,
                                           np.uint8),
                                   grid_rgba(s[None, None], IMAGE_PX, vmax)], axis=0)
            cap = ("probed" if j == 0 else f"{ins.probe_split} #{i + 1}")
            pics.append(_picture(both, cap, "The image (top) and its saliency (bottom)."))
        self._add(_Wrap(pics))
        same, text = ins.saliency_same, ins.saliency_text()
        self.saliency_same = same
        self._add(_label(text))
