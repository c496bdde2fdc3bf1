"""The Guide page (left side panel): what a guided lab asks the student to do, what should happen, whether
it did, and the student's own notes.

The panel shows a Lab's ``guide`` (instructions, question, expected outcomes, locked
controls) and never changes the Lab: notes typed by the student leave as
``notesChanged(text)`` (debounced), and the window stores them with :func:`lab_with_notes`.
:meth:`GuidePanel.show_progress` judges the running network's history against the
expectations with :func:`actlab.engine.outcomes.check` and marks every line
✔ (reached), ✘ (missed), … (needs more epochs) or – (not checked: the outcome is about
another data set, network or inputs, and the line says which).  An outcome the lab says
should fail (its failure is the lesson) is ✔ in the success colours when it fails, "as
predicted: <the lab's reason>", and ! in neutral colours when it holds — never the
student's ✘.  "N of M reached" counts the outcomes that any run shown since the lab was
opened met (an expected failure that failed is met).
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt, Signal

from actlab.engine.history import epochs_done
from actlab.engine.outcomes import Verdict, check, expectations
from actlab.engine.run_log import reached_by
from actlab.report.guide_text import (
    NBSP, format_measured, has_guide, lab_with_notes, mark_of, paragraphs_html, teaching_part,
    verdict_detail)
from actlab.lab import Lab

from actlab.gui.guide.run_list import RunList
from actlab.gui.guide.teacher_mode import GROUP_TITLES, teacher_groups

__all__ = ["GuidePanel", "OutcomeRow", "lab_with_notes", "has_guide", "NO_GUIDE_TEXT"]

NO_GUIDE_TEXT = ("This lab has no guide. Open a guided lab from the Labs menu (for example "
                 "“Linear collapse on XOR”).")
NOTES_PLACEHOLDER = ("Write down what you saw, and your answer to the question. Your notes "
                     "are saved with the lab and go into the lab report.")
NOTES_DEBOUNCE_MS = 500

# Okabe–Ito green and vermillion, darkened for text on white; the marks differ in shape
# too (✔ / ✘), so they stay apart for colour-blind students and in greyscale print.
STATUS_STYLE = {  # badge text, badge fill, badge border, row background, row border
    "pass": ("#FFFFFF", "#00795A", "#00795A", "#EAF6F1", "#A9DCC9"),
    "as_predicted": ("#FFFFFF", "#00795A", "#00795A", "#EAF6F1", "#A9DCC9"),
    "fail": ("#FFFFFF", "#C2410C", "#C2410C", "#FDF0E9", "#F3C3A8"),
    # held though the lab predicted it would fail: neither the student's success nor
    # their mistake, so a quiet slate blue
    "unexpected": ("#FFFFFF", "#4A6785", "#4A6785", "#EEF2F6", "#C5D0DC"),
    "pending": ("#5F6368", "#FFFFFF", "#9AA0A6", "#F7F7F8", "#E1E3E6"),
    "other": ("#9AA0A6", "#FFFFFF", "#D0D4D8", "#FFFFFF", "#ECEDEF"),
}
PREDICTED_TO_FAIL = "PREDICTED TO FAIL"  # above an outcome the lab expects to fail
BADGE = 22  # px: the round mark at the start of an outcome line
PARAGRAPH = "margin: 0 0 6px 0"
TEXT = "#202124"
MUTED = "#5F6368"


def _label(text: str = "", *, rich: bool = False, size: float | None = None,
           bold: bool = False, color: str = TEXT, selectable: bool = True,
           italic: bool = False) -> QtWidgets.QLabel:
    """A word-wrapped label of the Guide (the prediction cards use it too)."""
    label = QtWidgets.QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    style = [f"color: {color};", "background: transparent;"]
    if size:
        style.append(f"font-size: {size}pt;")
    if bold:
        style.append("font-weight: bold;")
    if italic:
        style.append("font-style: italic;")
    label.setStyleSheet("QLabel { " + " ".join(style) + " }")
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class OutcomeRow(QtWidgets.QFrame):
    """One expected outcome: a mark, the sentence, and a small detail line; an outcome
    the lab predicts will fail (``should_fail``) says so above its sentence, so the
    student reads "the linear network reaches 75 %" as the prediction it is."""

    def __init__(self, text: str, parent: QtWidgets.QWidget | None = None,
                 should_fail: bool = False):
        super().__init__(parent)
        self.setObjectName("outcome")
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(8)
        self.mark_label = _label("…", bold=True, selectable=False)
        self.mark_label.setObjectName("mark")
        self.mark_label.setWordWrap(False)
        self.mark_label.setFixedSize(BADGE, BADGE)
        self.mark_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col = QtWidgets.QVBoxLayout()
        col.setSpacing(1)
        self.text_label = _label(text.replace(" %", NBSP + "%"))
        self.detail_label = _label("", size=8.5, color=MUTED)
        self.tag_label = _label(PREDICTED_TO_FAIL, size=8, bold=True, color=MUTED,
                                selectable=False)
        self.tag_label.setObjectName("predicted_to_fail")
        self.tag_label.setToolTip("This lab predicts that this does not happen: the "
                                  "failure is the lesson. When it fails, it gets ✔.")
        col.addWidget(self.tag_label)
        col.addWidget(self.text_label)
        col.addWidget(self.detail_label)
        lay.addWidget(self.mark_label, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(col, 1)
        self.tag_label.setVisible(should_fail)  # once in the row (a parentless label would
        #                                         open as a window of its own)
        self.status = ""
        self.set_status("pending", "")

    def set_status(self, status: str, detail: str, tip: str = "") -> None:
        """Show ``status``: a verdict's look (:attr:`Verdict.look`: "pass",
        "as_predicted", "fail", "unexpected", "pending" or "other")."""
        ink, fill, ring, background, border = STATUS_STYLE[status]
        self.status = status
        self.mark_label.setText(mark_of(status))
        self.mark_label.setStyleSheet(
            f"QLabel#mark {{ color: {ink}; background: {fill}; border: 1.5px solid {ring}; "
            f"border-radius: {BADGE // 2}px; font-size: 10.5pt; font-weight: bold; }}")
        self.setStyleSheet(f"QFrame#outcome {{ background: {background}; "
                           f"border: 1px solid {border}; border-radius: 6px; }}")
        self.text_label.setStyleSheet(
            f"QLabel {{ color: {MUTED if status == 'other' else TEXT}; "
            "background: transparent; }")
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))
        self.setToolTip(tip)

    @property
    def mark(self) -> str:
        return self.mark_label.text()


_STATUS_TIPS = {
    "pass": "Reached: the run did what this lab says it should.",
    "as_predicted": "As predicted: this lab expects this to fail, and it did. The failure "
                    "is the lesson: the line below says why.",
    "unexpected": "This held, though the lab predicted it would not (for the reason "
                  "below). Look at what is different in your run.",
    "fail": "Not reached: the run did not do what this lab expects. Check the settings "
            "the instructions ask for, press Reset and train again.",
    "pending": "Not judged yet: train for more epochs.",
    "other": "Not checked for this network: this outcome is about the network named "
             "below. Build that network, press Reset and train to check it.",
}
#: The tip of an outcome not checked because the run's data is another data set.
OTHER_DATA_TIP = ("Not checked on this data: this outcome is about the lab's own data set, "
                  "named below. Open the lab again (or choose that data set) and train to "
                  "check it.")


class GuidePanel(QtWidgets.QWidget):
    """The Guide page's content (fits 320–400 px wide).

    Signals: ``notesChanged(str)`` — the notes, half a second after the student stops
    typing (and at once on :meth:`flush_notes` or when the notes lose focus);
    ``reportRequested()`` — the "Write lab report…" button.

    Public widgets (for tests and the window): ``name_label``, ``instructions_label``,
    ``question_label``, ``outcome_rows`` (list of :class:`OutcomeRow`), ``hint_label``,
    ``locks_label``, ``notes_edit``, ``report_button``.
    """

    notesChanged = Signal(str)
    reportRequested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("guide_panel")
        self._lab: Lab | None = None
        self._verdicts: list[Verdict] = []
        self._shown: tuple | None = None
        self._remembered: dict[int, Verdict] = {}
        self._met: set[int] = set()  # the outcomes some run shown since opening met
        self._met_by: dict[int, tuple] = {}  # outcome -> the run log's runs that met it
        self._emitted = ""
        self.outcome_rows: list[OutcomeRow] = []
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(NOTES_DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush_notes)
        self._build()
        self.set_lab(None)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.setAutoFillBackground(True)
        self.setStyleSheet("QWidget#guide_body, QWidget#guide_panel { background: white; }")

        self.scroll = QtWidgets.QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QtWidgets.QWidget()
        body.setObjectName("guide_body")
        self.scroll.setWidget(body)
        lay = QtWidgets.QVBoxLayout(body)
        lay.setContentsMargins(12, 10, 12, 8)
        lay.setSpacing(6)

        self.kicker_label = _label("GUIDED LAB", size=8, bold=True, color=MUTED,
                                   selectable=False)
        self.name_label = _label("", size=13.5, bold=True)
        self.name_label.setObjectName("guide_name")
        self.hint_label = _label(NO_GUIDE_TEXT, color=MUTED)
        self.hint_label.setObjectName("guide_hint")
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.hint_label.setStyleSheet(
            f"QLabel {{ color: {MUTED}; background: #F7F7F8; border: 1px dashed #C8CBD0;"
            " border-radius: 6px; padding: 10px; }")
        self.hint_label.setToolTip("Guided labs tell you what to try, ask a question and "
                                   "check what happens while you train.")

        self.todo_caption = _label("What to do", bold=True, color=MUTED, selectable=False)
        self.instructions_label = _label("", rich=True)
        self.instructions_label.setObjectName("guide_instructions")

        self.question_box = QtWidgets.QFrame()
        self.question_box.setObjectName("question_box")
        self.question_box.setStyleSheet("QFrame#question_box { background: #FFF7E6; "
                                        "border: 1px solid #F5D9A6; border-radius: 6px; }")
        qlay = QtWidgets.QVBoxLayout(self.question_box)
        qlay.setContentsMargins(10, 7, 10, 7)
        qlay.setSpacing(2)
        self.question_caption = _label("Think about it", bold=True, color="#8A5A00",
                                       selectable=False)
        self.question_label = _label("", rich=True, color="#5A3A00")
        self.question_label.setObjectName("guide_question")
        qlay.addWidget(self.question_caption)
        qlay.addWidget(self.question_label)

        self.outcomes_caption = _label("What should happen", bold=True, color=MUTED,
                                       selectable=False)
        self.outcomes_caption.setToolTip(
            "ActLab checks these while you train: ✔ reached (or, for an outcome the lab "
            "predicts will fail, failed as predicted), ✘ not reached, ! held though the "
            "lab predicted it would fail, … needs more epochs, – not checked (it is about "
            "another network or data set).")
        self.summary_label = _label("", size=8.5, color=MUTED, selectable=False)
        self.outcomes_box = QtWidgets.QVBoxLayout()
        self.outcomes_box.setSpacing(5)
        self.locks_label = _label("", size=8.5, color=MUTED)
        self.locks_label.setObjectName("guide_locks")

        for w in (self.kicker_label, self.name_label, self.hint_label):
            lay.addWidget(w)
        lay.addSpacing(2)
        for w in (self.todo_caption, self.instructions_label, self.question_box):
            lay.addWidget(w)
        lay.addSpacing(4)
        head = QtWidgets.QHBoxLayout()
        head.addWidget(self.outcomes_caption)
        head.addStretch(1)
        head.addWidget(self.summary_label)
        lay.addLayout(head)
        lay.addLayout(self.outcomes_box)
        # other parts of the guide add their widgets here (the predictions, prediction_flow)
        self.extras_box = QtWidgets.QVBoxLayout()
        lay.addLayout(self.extras_box)
        self.run_list = RunList()  # "Your runs": filled by GuideActions from the run log
        lay.addWidget(self.run_list)
        lay.addWidget(self.locks_label)
        lay.addStretch(1)

        notes = QtWidgets.QWidget()
        notes.setObjectName("guide_notes")
        notes.setStyleSheet("QWidget#guide_notes { background: #F7F8FA; "
                            "border-top: 1px solid #E1E3E6; }")
        nlay = QtWidgets.QVBoxLayout(notes)
        nlay.setContentsMargins(12, 8, 12, 10)
        nlay.setSpacing(5)
        self.notes_caption = _label("Your notes", bold=True, color=MUTED, selectable=False)
        self.notes_edit = QtWidgets.QPlainTextEdit()
        self.notes_edit.setObjectName("notes")
        self.notes_edit.setPlaceholderText(NOTES_PLACEHOLDER)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMinimumHeight(64)
        self.notes_edit.setStyleSheet("QPlainTextEdit { background: white; color: #202124; "
                                      "border: 1px solid #D0D4D8; border-radius: 5px; "
                                      "padding: 3px; }"
                                      "QPlainTextEdit:focus { border: 1px solid #0072B2; }")
        self.notes_edit.setToolTip("Your observations and answers. They are saved in the lab "
                                   "file and printed in the lab report.")
        self.notes_edit.textChanged.connect(self._notes_edited)
        self.notes_edit.installEventFilter(self)
        self.report_button = QtWidgets.QPushButton("Write lab report…")
        self.report_button.setObjectName("write_report")
        self.report_button.setToolTip("Save a report of this lab (settings, results, pictures, "
                                      "outcomes and your notes) as HTML or PDF.")
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.report_button)
        self.report_button.clicked.connect(self.reportRequested)
        nlay.addWidget(self.notes_caption)
        nlay.addWidget(self.notes_edit, 1)
        nlay.addLayout(row)
        # the student drags the line between guide and notes to give either more room
        self.splitter = QtWidgets.QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("guide_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(5)
        self.splitter.addWidget(self.scroll)
        self.splitter.addWidget(notes)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([480, 130])  # the outcomes need the room more than the notes
        outer.addWidget(self.splitter)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(360, 600)

    # ------------------------------------------------------------------ the lab
    def set_lab(self, lab: Lab | None) -> None:
        """Show ``lab``'s guide and notes (emits nothing).  Showing the same guide again
        (e.g. after the window stored new notes) keeps the marks remembered from earlier
        runs and leaves the notes being typed alone."""
        guide = lab.guide if lab is not None else None
        old = self._lab
        same = old is not None and lab is not None and old.name == lab.name and \
            teaching_part(old.guide) == teaching_part(guide)
        self._lab = lab
        if not same:
            self._remembered = {}
            self._met = set()
            self._met_by = {}
            self._verdicts = []
            self._shown = None
        notes = str((guide or {}).get("notes", "") or "")
        if notes != self.notes_edit.toPlainText():
            self._timer.stop()
            self.notes_edit.blockSignals(True)
            self.notes_edit.setPlainText(notes)
            self.notes_edit.blockSignals(False)
        self._emitted = notes
        if same:
            return
        self._show_guide(lab)

    def _show_guide(self, lab: Lab | None) -> None:
        guide = (lab.guide if lab is not None else None) or {}
        guided = has_guide(guide)
        self.name_label.setText(lab.name if lab is not None else "")
        self.kicker_label.setText("GUIDED LAB" if guided else "LAB")
        self.hint_label.setVisible(not guided)
        instructions = guide.get("instructions") or (lab.description if lab and guided else "")
        self.instructions_label.setText(paragraphs_html(instructions, PARAGRAPH)
                                        if instructions else "")
        for w in (self.todo_caption, self.instructions_label):
            w.setVisible(bool(instructions))
        question = guide.get("question") or ""
        self.question_label.setText(paragraphs_html(question, PARAGRAPH))
        self.question_box.setVisible(bool(question))
        for row in self.outcome_rows:
            self.outcomes_box.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.outcome_rows = []
        try:
            exps = expectations(guide, getattr(lab.network, "custom", ()) if lab else ())
        except (ValueError, KeyError, TypeError):  # a hand-made guide that does not check
            exps = []
        for e in exps:
            row = OutcomeRow(e.describe(), should_fail=e.should_fail)
            self.outcomes_box.addWidget(row)
            self.outcome_rows.append(row)
        for w in (self.outcomes_caption, self.summary_label):
            w.setVisible(bool(exps))
        mode = teacher_groups(guide)
        parts = []
        if mode.locked:
            parts.append("Locked by the teacher for this lab: "
                         + ", ".join(GROUP_TITLES[g] for g in mode.locked) + ".")
        if mode.hidden:
            parts.append("Hidden: " + ", ".join(GROUP_TITLES[g] for g in mode.hidden) + ".")
        self.locks_label.setText(" ".join(parts))
        self.locks_label.setVisible(bool(parts))
        if lab is not None:
            self.show_progress(lab, lab.history)

    # ------------------------------------------------------------------ progress
    def show_progress(self, run: Lab, history: dict | None,
                      params=None) -> list[Verdict]:
        """Judge a run (``run`` the Lab being trained — its network and features decide
        which outcomes are about it —, ``history`` dict of per-epoch columns such as
        ``Snapshot.history``, ``params`` the run's weights now such as
        ``Snapshot.params``, which a function lab's "pieces" outcome counts; None: the
        lab's own) against the shown lab's expectations and update the marks.
        Cheap when nothing changed; call it a few times a second at most."""
        guide = self._lab.guide if self._lab is not None else None
        if not self.outcome_rows:
            self._verdicts = []
            return []
        try:
            verdicts = check(guide, run, history, params)
        except (KeyError, IndexError, TypeError, ValueError):
            return self._verdicts
        epochs = epochs_done(history)
        for i, v in enumerate(verdicts):
            if v.status in ("pass", "fail"):
                self._remembered[i] = v
                if v.met:
                    self._met.add(i)
        key = tuple((v.status, v.measured) for v in verdicts) + (
            epochs if any(v.status == "pending" for v in verdicts) else -1,
            tuple(sorted((i, r.status) for i, r in self._remembered.items())),
            tuple(sorted(self._met)))
        self._verdicts = verdicts
        if key == self._shown:
            return verdicts
        self._shown = key
        for i, (row, v) in enumerate(zip(self.outcome_rows, verdicts)):
            detail = verdict_detail(v, epochs)
            earlier = self._remembered.get(i)
            if v.met is not True and self._met_by.get(i):  # the run log knows which
                runs = self._met_by[i]
                detail += f" · run{'s' if len(runs) > 1 else ''} " \
                          f"{', '.join(map(str, runs))} met it"
            elif v.status in ("pending", "other") and earlier is not None:
                e = earlier.expectation
                which = "on the lab's data" if v.other_data else "of that network"
                detail += (f" · your last run {which}: {earlier.mark}{NBSP}"
                           f"{format_measured(e.metric, earlier.measured)}")
            elif v.met is False and i in self._met:
                detail += " · an earlier run met it"
            row.set_status(v.look, detail,
                           OTHER_DATA_TIP if v.other_data else _STATUS_TIPS[v.look])
        # the summary counts what any run of the network an outcome is about met
        done = sum(v.status in ("pass", "fail") or i in self._remembered
                   for i, v in enumerate(verdicts))
        passed = len(self._met)
        self.summary_label.setText(f"{passed} of {len(verdicts)} reached" if done else
                                   f"{len(verdicts)} to check")
        return verdicts

    def set_runs(self, runs) -> None:
        """The run log (RunRecords): an outcome any run met counts as reached, and the
        row of one this run misses says which run met it.  Lists the runs too."""
        n = len(self.outcome_rows)
        self._met_by = {i: r for i, r in reached_by(tuple(runs), n).items() if r}
        self._met |= set(self._met_by)
        self._shown = None  # the summary and the rows say it at the next progress
        self.run_list.show_runs(runs, self._lab.problem if self._lab is not None
                                else "classification")

    def verdicts(self) -> list[Verdict]:
        """The verdicts last shown (for the lab report)."""
        return list(self._verdicts)

    # ------------------------------------------------------------------ notes
    def notes(self) -> str:
        return self.notes_edit.toPlainText()

    def _notes_edited(self) -> None:
        self._timer.start()

    def flush_notes(self) -> None:
        """Emit ``notesChanged`` now if the notes changed since the last emission (call
        it before saving or writing a report, so the last keystrokes are not lost)."""
        self._timer.stop()
        text = self.notes()
        if text != self._emitted:
            self._emitted = text
            self.notesChanged.emit(text)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if obj is self.notes_edit and event.type() == QtCore.QEvent.Type.FocusOut:
            self.flush_notes()
        return False

