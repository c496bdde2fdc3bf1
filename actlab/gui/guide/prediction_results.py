"""The "Your predictions" part of the Guide page: each prediction the student made
against the result of the run — the choice ✔/✘, the number against the count, the
sketch drawn over the real boundary or curve with the share where they agree — and the
teacher's explanation.  Shows what it is given; judging is
:func:`actlab.engine.predictions.judge_all`, done by :mod:`.prediction_flow`.
"""
from __future__ import annotations

from PySide6 import QtGui, QtWidgets
from PySide6.QtCore import Qt

from actlab.engine.predictions import PredictionResult, answer_text, result_text
from actlab.gui.guide.guide_panel import _label
from actlab.views.prediction_sketch import SketchData, overlay_caption, overlay_image

PICTURE_PX = 150
MUTED, TEXT = "#5F6368", "#202124"
# badge fill, row background, row border (the outcome rows' colours; ≈ is neutral blue)
STYLE = {"right": ("#00795A", "#EAF6F1", "#A9DCC9"),
         "wrong": ("#C2410C", "#FDF0E9", "#F3C3A8"),
         "share": ("#0B5394", "#EEF4FB", "#BCD3EE"),
         "waiting": ("#9AA0A6", "#F7F7F8", "#E1E3E6")}
WAITING = "The result shows here when the run pauses or stops."


class PredictionCard(QtWidgets.QFrame):
    """One prediction and its result (``result`` None: not judged yet)."""

    def __init__(self, question, prediction, result: PredictionResult | None,
                 data: SketchData | None, parent=None):
        super().__init__(parent)
        self.setObjectName("prediction_card")
        status = "waiting" if result is None or result.status in ("other", "none") \
            else result.status
        fill, background, border = STYLE[status]
        self.status = status
        self.setStyleSheet(f"QFrame#prediction_card {{ background: {background}; "
                           f"border: 1px solid {border}; border-radius: 6px; }}")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 7)
        lay.setSpacing(3)
        head = QtWidgets.QHBoxLayout()
        head.setSpacing(8)
        mark = result.mark if result is not None and status != "waiting" else "…"
        self.mark_label = QtWidgets.QLabel(mark)
        self.mark_label.setObjectName("mark")
        self.mark_label.setFixedSize(22, 22)
        self.mark_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        ink = "#5F6368" if status == "waiting" else "#FFFFFF"
        back = "#FFFFFF" if status == "waiting" else fill
        self.mark_label.setStyleSheet(
            f"QLabel#mark {{ color: {ink}; background: {back}; border: 1.5px solid {fill}; "
            "border-radius: 11px; font-weight: bold; font-size: 10.5pt; }")
        head.addWidget(self.mark_label, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(_label(question.ask, bold=True), 1)
        lay.addLayout(head)
        mine = f"Your prediction: {answer_text(question, prediction)}"
        self.answer_label = _label(mine)
        lay.addWidget(self.answer_label)
        if prediction.why:
            lay.addWidget(_label(f"Why: {prediction.why}", color=MUTED, size=8.5))
        if result is not None and result.status not in ("other", "none"):
            self.result_label = _label(result_text(result), bold=True)
        elif result is not None and result.reason and result.status == "other":
            self.result_label = _label(f"Not judged on this run: {result.reason}",
                                       color=MUTED, size=8.5)
        else:
            self.result_label = _label(WAITING if result is None else
                                       (result.reason or WAITING), color=MUTED, size=8.5)
        self.result_label.setObjectName("prediction_result")
        lay.addWidget(self.result_label)
        self.picture_label = None
        if result is not None and result.picture and data is not None:
            image = overlay_image(result.picture, prediction.answer, data, PICTURE_PX)
            self.picture_label = QtWidgets.QLabel()
            self.picture_label.setObjectName("prediction_picture")
            self.picture_label.setPixmap(QtGui.QPixmap.fromImage(image))
            self.picture_label.setToolTip(overlay_caption(data.target))
            lay.addWidget(self.picture_label, 0, Qt.AlignmentFlag.AlignLeft)
            lay.addWidget(_label(overlay_caption(data.target), color=MUTED, size=8))
        self.explain_label = None
        if question.explain and status != "waiting":
            self.explain_label = _label(question.explain, color="#3C4043", italic=True)
            self.explain_label.setObjectName("prediction_explain")
            lay.addWidget(self.explain_label)


class PredictionResultsBox(QtWidgets.QWidget):
    """The caption and a card per answered question (hidden while there is none)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("prediction_results")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.setSpacing(5)
        self.caption = _label("Your predictions", bold=True, color=MUTED)
        self.caption.setToolTip("What you predicted before the run, against what the run "
                                "did: ✔ right, ✘ not quite, ≈ how much of your sketch "
                                "agrees.")
        lay.addWidget(self.caption)
        self.cards_box = QtWidgets.QVBoxLayout()
        self.cards_box.setSpacing(5)
        lay.addLayout(self.cards_box)
        self.cards: list[PredictionCard] = []
        self.setVisible(False)

    def show_items(self, items) -> None:
        """``items``: (question, prediction, result or None, SketchData or None) each."""
        for card in self.cards:
            self.cards_box.removeWidget(card)
            card.hide()
            card.deleteLater()
        self.cards = [PredictionCard(*item) for item in items]
        for card in self.cards:
            self.cards_box.addWidget(card)
        self.setVisible(bool(self.cards))
