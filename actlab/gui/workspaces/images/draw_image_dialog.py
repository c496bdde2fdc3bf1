"""Draw an image with the mouse, ask the trained network about it, and add it to a class
of an image lab's training data.

While the student draws, the network's answer is shown beside the canvas (when the lab
has trained weights): its class scores, the feature maps of every convolution after the
activation, and — for a piecewise-linear network — the drawing's own template for the
predicted class with ⟨T(x), x⟩ + c = its score (see
:class:`~actlab.engine.analysis.drawing_answer.DrawingAnswer`; this dialog only draws
it).  Asking is separate from adding, and changes nothing.  The dialog stays open after
each "Add to class" (the canvas is cleared), so a student can draw several examples, of
one class or of several, and sees how many went where.  The drawings become
``ImageDataSpec.added`` (see :mod:`actlab.lab`): appended to the training images, never
the test set, and saved in the lab file; the window keeps the trained weights when it
takes them.  An empty canvas is refused with a message in the dialog, not added as a
blank picture.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt

from actlab.engine.data.images import IMAGE_GENERATORS, MAX_ADDED
from actlab.lab import Lab
from actlab.views.images.draw_canvas import DrawCanvas
from actlab.views.images.drawing_answer_view import DrawingAnswerView
from actlab.views.images.scores_view import ScoresView

REFUSED_STYLE = "color: #b3261e;"  # the app's error red, readable on the dialog grey
DIALOG_SIZE = QtCore.QSize(1120, 640)


def lab_class_names(lab: Lab) -> tuple[str, ...]:
    """The class names of ``lab``'s images without reading any file: a generator's own
    names, else "class 0", "class 1", ... for the classes the lab knows of."""
    d = lab.data
    if d.source is None and d.generator in IMAGE_GENERATORS:
        return IMAGE_GENERATORS[d.generator].class_names
    k = d.classes or getattr(lab.network, "n_classes", 2)
    return tuple(f"class {i}" for i in range(k))


def _images(n: int) -> str:
    return f"{n} image" + ("" if n == 1 else "s")


class DrawImageDialog(QtWidgets.QDialog):
    """The canvas, a class choice, Clear, "Add to class" and Close."""

    def __init__(self, parent: QtWidgets.QWidget | None, lab: Lab,
                 class_names: tuple[str, ...] | None = None, classify=None,
                 no_adding: str | None = None) -> None:
        """``classify(pixels)`` → the trained network's answer for one drawing (H × W in
        [0, 1]): a :class:`~actlab.engine.analysis.drawing_answer.DrawingAnswer`, or
        just its class probabilities; None when the lab has not trained yet.
        ``no_adding``: why drawings cannot be added (the teacher locked the data); the
        dialog then only asks the network."""
        super().__init__(parent)
        self.setWindowTitle("Draw an image")
        self._classify = classify
        self._names = tuple(class_names) if class_names else lab_class_names(lab)
        self._before = len(lab.data.added)
        self._added: list[tuple[int, tuple[float, ...]]] = []
        self.no_adding = no_adding

        size = lab.data.size
        intro = QtWidgets.QLabel(
            f"Draw a {size}×{size} picture: the left button draws, the right button "
            "erases. Added pictures join the <b>training</b> images (never the test "
            "images) and are saved with the lab." + (
                f" The lab already holds {_images(self._before)} drawn so far."
                if self._before else "") if no_adding is None else
            f"Draw a {size}×{size} picture (the left button draws, the right button "
            f"erases) and see what the trained network makes of it. {no_adding}")
        intro.setWordWrap(True)
        self.canvas = DrawCanvas(size, self)
        self.class_box = QtWidgets.QComboBox()
        self.class_box.addItems(list(self._names))
        self.class_box.setAccessibleName("Class of the drawing")
        label = QtWidgets.QLabel("&Class:")
        label.setBuddy(self.class_box)
        self.clear_button = QtWidgets.QPushButton("C&lear")
        self.add_button = QtWidgets.QPushButton("&Add to class")
        self.add_button.setDefault(True)
        if no_adding is not None:  # asking only: the class is the one to compare with
            self.add_button.setEnabled(False)
            self.add_button.setToolTip(no_adding)
        self.status = QtWidgets.QLabel(" ")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Drawing status")
        close = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)

        row = QtWidgets.QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.class_box, 1)
        row.addWidget(self.clear_button)
        row.addWidget(self.add_button)
        # the network's answer beside the canvas, live as the student draws: its scores,
        # then what it sees inside (maps, the drawing's own template)
        self.answer = QtWidgets.QLabel()
        self.answer.setObjectName("drawing_answer")
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.TextFormat.PlainText)
        self.scores = ScoresView()
        self.scores.setObjectName("drawing_scores")
        self.scores.setMinimumSize(260, 220)
        self.inside = DrawingAnswerView()
        self.inside.setObjectName("drawing_inside")
        self.inside.setVisible(classify is not None)
        side = QtWidgets.QVBoxLayout()
        side.addWidget(self.answer)
        side.addWidget(self.scores, 1)
        middle = QtWidgets.QHBoxLayout()
        middle.addWidget(self.canvas, 3)
        middle.addLayout(side, 2)
        middle.addWidget(self.inside, 0)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(middle, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(close)

        self.clear_button.clicked.connect(self.canvas.clear)
        self.add_button.clicked.connect(self.add_drawing)
        close.rejected.connect(self.reject)
        close.accepted.connect(self.accept)
        self.canvas.changed.connect(self._drawing_changed)
        self.canvas.changed.connect(self.ask_network)
        self.class_box.currentIndexChanged.connect(lambda _i: self.ask_network())
        self._refused = False
        # large enough that the canvas, the scores and the maps read at once, within a
        # 1366×768 screen
        room = self.screen().availableGeometry().size() * 0.95 if self.screen() \
            else DIALOG_SIZE
        self.resize(DIALOG_SIZE.boundedTo(room).expandedTo(self.minimumSizeHint()))
        self.probabilities = None  # the network's class probabilities for the drawing shown
        self.network_answer = None  # its DrawingAnswer (None: none, or probabilities only)
        self.ask_network()

    def added_images(self) -> tuple[tuple[int, tuple[float, ...]], ...]:
        """The drawings added in this dialog, ``(label, pixels)`` as ImageDataSpec.added
        holds them, in the order they were added."""
        return tuple(self._added)

    def _say(self, text: str, refused: bool = False) -> None:
        self._refused = refused
        self.status.setStyleSheet(REFUSED_STYLE if refused else "")
        self.status.setText(text)

    def _no_answer(self, text: str) -> None:
        self.answer.setText(text)
        self.scores.clear()
        self.inside.show_answer(None, self._names)

    def ask_network(self) -> None:
        """Show what the trained network makes of the drawing: its class scores and,
        when ``classify`` gives a DrawingAnswer, its feature maps and own template."""
        self.probabilities = self.network_answer = None
        if self._classify is None:
            self._no_answer("Train the network (Play) to see here what it makes of your "
                            "drawing.")
            return
        if self.canvas.is_empty():
            self._no_answer("Draw a picture: the network's answer appears here as you "
                            "draw.")
            return
        try:
            got = self._classify(self.canvas.pixels())
            full = hasattr(got, "probabilities")
            p = np.asarray(got.probabilities if full else got, dtype=float).ravel()
        except (ValueError, FloatingPointError) as e:  # a network that cannot answer
            self._no_answer(f"The network cannot answer: {e}")
            return
        if len(p) != len(self._names) or not np.all(np.isfinite(p)):
            self._no_answer("The network's answer is not a score per class.")
            return
        self.probabilities = p
        self.network_answer = got if full else None
        best = int(np.argmax(p))
        self.answer.setText(f"The network thinks: {self._names[best]} ({p[best]:.0%}). " + (
            "(Asking changes nothing. “Add to class” makes the drawing a training image; "
            "the network keeps what it has learnt, and further training starts from "
            "there.)" if self.no_adding is None else "(Asking changes nothing.)"))
        self.scores.show_scores(p, self.class_box.currentIndex(), self._names,
                                "your drawing", true_word="to add to"
                                if self.no_adding is None else "you meant")
        self.inside.show_answer(self.network_answer, self._names)

    def _drawing_changed(self) -> None:
        if self._refused and not self.canvas.is_empty():
            self._say(" ")  # the refusal is answered: the student is drawing

    def add_drawing(self) -> bool:
        """Add the canvas to the chosen class and clear it; False (with a message in the
        dialog) when the canvas is empty or the lab is full."""
        if self.no_adding is not None:
            self._say(self.no_adding, refused=True)
            return False
        if self.canvas.is_empty():
            self._say("Nothing to add: the canvas is empty. Draw the picture first (left "
                      "mouse button).", refused=True)
            return False
        if self._before + len(self._added) >= MAX_ADDED:
            self._say(f"The lab already holds {MAX_ADDED} drawn images, the most it can.",
                      refused=True)
            return False
        label = self.class_box.currentIndex()
        self._added.append((label, tuple(self.canvas.pixels().reshape(-1).tolist())))
        self.canvas.clear()
        here = sum(1 for c, _ in self._added if c == label)
        text = f"{_images(here)} added to '{self._names[label]}'"
        if len(self._added) > here:
            text += f" ({_images(len(self._added))} in all)"
        self._say(text + ". Draw another, or Close.")
        return True


def draw_and_add(parent: QtWidgets.QWidget | None, lab: Lab,
                 class_names: tuple[str, ...] | None = None, classify=None,
                 no_adding: str | None = None) -> Lab | None:
    """Run the dialog; ``lab`` with the new drawings appended to ``data.added``, or None
    when nothing was added (always, with ``no_adding``: the dialog only asks).  The
    trained weights and history are left as they are: the window keeps them when it
    takes the drawings (see ``ImageWorkspace.draw_image``)."""
    dialog = DrawImageDialog(parent, lab, class_names, classify, no_adding)
    dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
    dialog.exec()
    new = dialog.added_images()
    if not new:
        return None
    return replace(lab, data=replace(lab.data, added=tuple(lab.data.added) + new))
