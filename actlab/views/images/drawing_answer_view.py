"""Inside the network, for one drawing: each convolution's feature maps after its
activation and the drawing's own template for the predicted class, with the numbers that
make its score (T(x) · x + c = score).  Draws a
:class:`~actlab.engine.analysis.drawing_answer.DrawingAnswer` and computes nothing.
"""
from __future__ import annotations

import numpy as np

from actlab.views.images.map_tiles import GAP, MapTiles
from actlab.views.qt import QtCore, QtWidgets

Qt = QtCore.Qt
MAPS_WIDTH = 340              # px the maps of one layer may take
MIN_TILE, MAX_TILE = 22, 48   # a map tile's side
MAX_COLUMNS = 8
CAPTION_WIDTH = 240           # px of the template's caption, beside it


def _signed(v: float) -> str:
    return f"{v:.4g}".replace("-", "−")


def template_caption(answer, name: str) -> str:
    """"T(x) · x + c = 2.1 + (−0.4) = 1.7 = its score for 'seven'", how closely they
    agree and what the colours mean (plain text)."""
    c = answer.constant
    text = (f"T(x) · x + c = {_signed(answer.dot)} + "
            f"{'(' + _signed(c) + ')' if c < 0 else _signed(c)}\n"
            f"= {_signed(answer.dot + c)}: its score for '{name}' (they agree to "
            f"{max(answer.difference, 1e-16):.0e}).\n"
            "Blue pixels: ink there raises the score; orange: lowers it.")
    if answer.shared_template:
        return text + "\nA linear network: the same template for every image."
    return text + "\nA drawing that switches other units on or off has its own template."


class DrawingAnswerView(QtWidgets.QWidget):
    """The maps of every convolution and the template, for the drawing shown."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QtWidgets.QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        heading = QtWidgets.QLabel("<b>Inside the network</b>")
        self.layout_.addWidget(heading)
        self.maps_box = QtWidgets.QVBoxLayout()
        self.maps_box.setSpacing(2)
        self.layout_.addLayout(self.maps_box)
        self.map_titles: list[QtWidgets.QLabel] = []
        self.map_tiles: list[MapTiles] = []
        self.template_title = QtWidgets.QLabel()
        self.template_title.setObjectName("drawing_template_title")
        self.template_title.setWordWrap(True)
        self.template = MapTiles(1, 1, 128)
        self.template.setObjectName("drawing_template")
        self.template.setToolTip("The drawing's own template T(x) for the predicted class: "
                                 "the network's score is T(x) · x + c exactly, for this "
                                 "drawing and every drawing with the same units on.")
        self.caption = QtWidgets.QLabel()
        self.caption.setObjectName("drawing_template_caption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.caption.setMaximumWidth(CAPTION_WIDTH)  # wraps beside the template
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.template, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.caption, 0, Qt.AlignmentFlag.AlignTop)
        row.addStretch(1)  # the caption starts at the left, with or without a template
        self.layout_.addSpacing(6)
        self.layout_.addWidget(self.template_title)
        self.layout_.addLayout(row)
        self.layout_.addStretch(1)
        self.answer = None
        self.show_answer(None)

    def _layers(self, n: int) -> None:
        while len(self.map_tiles) < n:
            title = QtWidgets.QLabel()
            tiles = MapTiles()
            tiles.setObjectName(f"drawing_maps_{len(self.map_tiles)}")
            self.maps_box.addWidget(title)
            self.maps_box.addWidget(tiles)
            self.map_titles.append(title)
            self.map_tiles.append(tiles)
        for i, (title, tiles) in enumerate(zip(self.map_titles, self.map_tiles)):
            title.setVisible(i < n)
            tiles.setVisible(i < n)

    def show_answer(self, answer, class_names=(), message: str = "") -> None:
        """Draw ``answer`` (None: empty tiles and ``message``)."""
        self.answer = answer
        if answer is None:
            for tiles in self.map_tiles:
                tiles.set_values(None)
            self.template.set_values(None)
            self.template.setVisible(bool(self.map_tiles))
            self.template_title.setText("Its own template" if self.map_tiles else "")
            self.caption.setText(message)
            return
        self._layers(len(answer.maps))
        for title, tiles, name, maps in zip(self.map_titles, self.map_tiles,
                                            answer.map_titles, answer.maps):
            f, h, _ = np.shape(maps)
            cols = min(f, MAX_COLUMNS)
            side = (MAPS_WIDTH - GAP * (cols + 1)) // cols
            side = int(min(MAX_TILE, max(MIN_TILE, side, h)))
            if (tiles.count, tiles.columns, tiles.side) != (f, cols, side):
                tiles.set_shape(f, cols, side)
            tiles.set_values(maps)
            title.setText(f"Feature maps of your drawing: {name}")
        name = class_names[answer.predicted] if answer.predicted < len(class_names) \
            else f"class {answer.predicted}"
        if answer.template is None:
            self.template.set_values(None)
            self.template.setVisible(False)
            self.template_title.setText("No template of its own")
            self.caption.setText(
                f"The network has none: {answer.no_template}, so no one linear map "
                "gives its scores near the drawing.")
            return
        h = answer.template.shape[0]
        side = int(min(192, max(144, 6 * h)))
        if self.template.side != side:
            self.template.set_shape(1, 1, side)
        self.template.setVisible(True)
        self.template.set_values(answer.template)
        self.template_title.setText(f"Its own template for '{name}'")
        self.caption.setText(template_caption(answer, name))
