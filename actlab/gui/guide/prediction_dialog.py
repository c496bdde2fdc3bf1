"""The "Predict first" dialog: before Play in a guided lab, an open prediction question
(:mod:`actlab.engine.predictions`) asks for the student's prediction — a choice (radio
buttons), a number (a spin box) or a sketch (a canvas with the training data to draw
on) — with an optional "why".  Skip is disabled when the teacher requires an answer;
Cancel (or Esc) does not start the run.

:func:`ask_prediction` shows it and returns what the student did.  It runs the dialog
with :func:`run_dialog`, the one modal call, which tests replace to drive the dialog
without blocking (tests/gui/conftest.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtWidgets
from PySide6.QtCore import Qt

from actlab.engine.predictions import (
    Question, is_percent, metric_words, thin_sketch)
from actlab.views.prediction_sketch import SketchCanvas, SketchData

REQUIRED_TIP = "Your teacher asks for a prediction before this run."


@dataclass(frozen=True)
class Asked:
    """What the student did: ``action`` "answer" (with ``answer`` and ``why``), "skip"
    or "cancel"."""
    action: str
    answer: object = None
    why: str = ""


class PredictionDialog(QtWidgets.QDialog):
    """The dialog for ``question``; ``data`` (a SketchData) is what a sketch is drawn
    over.  Public widgets for tests: ``choice_buttons``, ``number_box``, ``canvas``,
    ``why_edit``, ``predict_button``, ``skip_button``, ``cancel_button``."""

    def __init__(self, question: Question, data: SketchData | None = None,
                 network: str = "", parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.question = question
        self.asked = Asked("cancel")
        self.setObjectName("prediction_dialog")
        self.setWindowTitle("Predict first")
        self.choice_buttons: list[QtWidgets.QRadioButton] = []
        self.number_box: QtWidgets.QDoubleSpinBox | None = None
        self.canvas: SketchCanvas | None = None
        lay = QtWidgets.QVBoxLayout(self)
        lay.setSpacing(8)
        lead = QtWidgets.QLabel("Before you press Play: what do you expect? Predicting "
                                "first, then checking, is how you find out what you "
                                "really understood.")
        lead.setWordWrap(True)
        lead.setStyleSheet("color: #5F6368;")
        ask = QtWidgets.QLabel(question.ask)
        ask.setObjectName("prediction_ask")
        ask.setWordWrap(True)
        ask.setStyleSheet("font-size: 12pt; font-weight: bold; color: #202124;")
        lay.addWidget(lead)
        lay.addWidget(ask)
        if network:
            about = QtWidgets.QLabel(f"About the run of {network}.")
            about.setWordWrap(True)
            about.setStyleSheet("color: #5F6368;")
            lay.addWidget(about)
        self._build_answer(lay, question, data)
        why_label = QtWidgets.QLabel("Why do you think so? (optional)")
        self.why_edit = QtWidgets.QPlainTextEdit()
        self.why_edit.setObjectName("prediction_why")
        self.why_edit.setPlaceholderText("A sentence is enough. It is saved with your "
                                         "prediction and goes into the lab report.")
        self.why_edit.setTabChangesFocus(True)
        self.why_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        lay.addWidget(why_label)
        lay.addWidget(self.why_edit)
        buttons = QtWidgets.QDialogButtonBox()
        self.predict_button = buttons.addButton("Save prediction and train",
                                                QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        self.skip_button = buttons.addButton("Skip",
                                             QtWidgets.QDialogButtonBox.ButtonRole.DestructiveRole)
        self.cancel_button = buttons.addButton(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setToolTip("Do not train now.")
        self.predict_button.setDefault(True)
        self.skip_button.setToolTip(REQUIRED_TIP if question.required else
                                    "Train without a prediction (not asked again until "
                                    "you open the lab again).")
        self.skip_button.setEnabled(not question.required)
        self.predict_button.clicked.connect(self._predict)
        self.skip_button.clicked.connect(self._skip)
        self.cancel_button.clicked.connect(self.reject)
        if question.required:
            note = QtWidgets.QLabel(REQUIRED_TIP)
            note.setStyleSheet("color: #8A5A00;")
            lay.addWidget(note)
        lay.addWidget(buttons)
        self._update_buttons()

    def _build_answer(self, lay, q: Question, data: SketchData | None) -> None:
        if q.form == "choice":
            box = QtWidgets.QVBoxLayout()
            box.setSpacing(4)
            group = QtWidgets.QButtonGroup(self)
            for i, text in enumerate(q.choices):
                b = QtWidgets.QRadioButton(text)
                b.setObjectName(f"prediction_choice_{i}")
                group.addButton(b)
                box.addWidget(b)
                self.choice_buttons.append(b)
                b.toggled.connect(self._update_buttons)
            lay.addLayout(box)
        elif q.form == "number":
            row = QtWidgets.QHBoxLayout()
            label = QtWidgets.QLabel(f"Your prediction ({metric_words(q.metric)}):")
            spin = self.number_box = QtWidgets.QDoubleSpinBox()
            spin.setObjectName("prediction_number")
            if q.metric == "pieces":
                spin.setDecimals(0)
                spin.setRange(1, 10_000)
                spin.setValue(1)
            elif is_percent(q.metric):
                spin.setDecimals(1)
                spin.setRange(0, 100)
                spin.setSuffix(" %")
                spin.setValue(50)
            else:
                spin.setDecimals(3)
                spin.setRange(-1e6, 1e6)
            label.setBuddy(spin)
            row.addWidget(label)
            row.addWidget(spin)
            row.addStretch(1)
            lay.addLayout(row)
        else:
            what = "decision boundary" if q.target == "boundary" else "curve"
            hint = QtWidgets.QLabel(f"Draw the {what} you expect the network to learn, "
                                    "with the mouse. Drawing again replaces it.")
            hint.setWordWrap(True)
            self.canvas = SketchCanvas(data)
            self.canvas.changed.connect(self._update_buttons)
            clear = QtWidgets.QPushButton("Clear")
            clear.setObjectName("prediction_clear")
            clear.clicked.connect(self.canvas.clear)
            row = QtWidgets.QHBoxLayout()
            row.addWidget(hint, 1)
            row.addWidget(clear, 0, Qt.AlignmentFlag.AlignTop)
            lay.addLayout(row)
            lay.addWidget(self.canvas, 1)

    def answer(self):
        """The answer as the lab file holds it; None while there is none."""
        q = self.question
        if q.form == "choice":
            return next((b.text() for b in self.choice_buttons if b.isChecked()), None)
        if q.form == "number":
            v = self.number_box.value()
            return round(v / 100, 6) if is_percent(q.metric) else v
        pts = self.canvas.points()
        distinct = {(round(x, 6), round(y, 6)) for x, y in pts}
        return thin_sketch(pts) if len(distinct) >= 2 else None

    def _update_buttons(self) -> None:
        ok = self.answer() is not None
        self.predict_button.setEnabled(ok)
        self.predict_button.setToolTip("" if ok else "Choose or draw your prediction first.")

    def _predict(self) -> None:
        answer = self.answer()
        if answer is None:
            return
        self.asked = Asked("answer", answer, self.why_edit.toPlainText().strip())
        self.accept()

    def _skip(self) -> None:
        if self.question.required:
            return
        self.asked = Asked("skip")
        self.accept()

    def reject(self) -> None:
        self.asked = Asked("cancel")
        super().reject()


def run_dialog(dialog: PredictionDialog) -> None:
    """Show ``dialog`` modally (the one blocking call; tests drive the dialog instead)."""
    dialog.exec()


def ask_prediction(parent, question: Question, data: SketchData | None = None,
                   network: str = "") -> Asked:
    """Ask ``question``; returns what the student did (see :class:`Asked`)."""
    dialog = PredictionDialog(question, data, network, parent)
    if question.form == "sketch":
        dialog.resize(540, 640)  # fits a 1366 × 768 laptop screen with its title bar
    else:
        dialog.resize(480, dialog.sizeHint().height())
    try:
        run_dialog(dialog)
        return dialog.asked
    finally:
        dialog.deleteLater()
