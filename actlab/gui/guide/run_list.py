""""Your runs" in the Guide: the run log (see :mod:`actlab.engine.run_log`), newest first —
a thumbnail, the network, the epochs, the final test figure and each guided outcome's
mark for that run.  The last few are shown; "Show all" lists every one."""
from __future__ import annotations

from PySide6 import QtGui, QtWidgets
from PySide6.QtCore import Qt

from actlab.engine.outcomes import MARKS  # ✔ ✘ ! … – by Verdict.look

SHOWN = 5        # runs listed before "Show all"
THUMB = 44       # px of a row's thumbnail
MUTED = "#5F6368"


def figure_words(record, problem: str) -> str:
    """"test accuracy 93.6 %" / "test R² 0.97" / "test loss 0.041"."""
    f = record.figures
    if problem == "regression" and "test_r2" in f:
        return f"test R² {f['test_r2']:.2f}"
    if "test_accuracy" in f:
        return f"test accuracy {100 * f['test_accuracy']:.1f} %"
    if "test_loss" in f:
        return f"test loss {f['test_loss']:.3g}"
    if "train_accuracy" in f:
        return f"training accuracy {100 * f['train_accuracy']:.1f} %"
    return ""


def outcome_marks(record, marks=None) -> str:
    """"outcomes: 1 ✔ · 2 –" (``marks(index, look)`` may word a mark its own way)."""
    parts = []
    for o in record.outcomes:
        mark = marks(o.index, o.shown) if marks is not None else MARKS.get(o.shown, "?")
        parts.append(f"{o.index + 1}\N{NO-BREAK SPACE}{mark}")
    return ("outcomes: " + " · ".join(parts)) if parts else ""


def run_text(record, problem: str, marks=None) -> str:
    acts = ", ".join(dict.fromkeys(record.activations)) or "—"
    lines = [f"Run {record.number} · {acts} · {record.epochs:,} epoch"
             f"{'s' if record.epochs != 1 else ''}"]
    rest = " · ".join(t for t in (figure_words(record, problem),
                                  outcome_marks(record, marks)) if t)
    if rest:
        lines.append(rest)
    return "\n".join(lines)


class RunRow(QtWidgets.QWidget):
    def __init__(self, record, problem: str, marks=None,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.record = record
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 2, 0, 2)
        lay.setSpacing(8)
        self.thumb = QtWidgets.QLabel()
        self.thumb.setFixedSize(THUMB, THUMB)
        self.thumb.setStyleSheet("QLabel { border: 1px solid #D0D3D8; background: #F7F8FA; }")
        pix = QtGui.QPixmap()
        if record.thumbnail and pix.loadFromData(record.thumbnail, "PNG"):
            self.thumb.setPixmap(pix.scaled(THUMB - 2, THUMB - 2,
                                            Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
            self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QtWidgets.QLabel(run_text(record, problem, marks))
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setToolTip(f"Run {record.number}: {record.network}\n{record.training} · weights "
                        f"seed {record.seed}" + (f"\nlast trained {record.when.replace('T', ' ')}"
                                                 if record.when else ""))
        lay.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.text, 1)


class RunList(QtWidgets.QWidget):
    """The caption, the newest :data:`SHOWN` runs and "Show all N runs"."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("run_list")
        self.runs: tuple = ()
        self.problem = "classification"
        self.marks = None
        self.show_all = False
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 6, 0, 0)
        lay.setSpacing(2)
        head = QtWidgets.QHBoxLayout()
        self.caption = QtWidgets.QLabel("Your runs")
        font = self.caption.font()
        font.setBold(True)
        self.caption.setFont(font)
        self.caption.setStyleSheet(f"color: {MUTED};")
        self.caption.setToolTip("Every run you made in this lab, newest first: saved with "
                                "the lab and in the lab report.")
        self.more = QtWidgets.QToolButton()
        self.more.setObjectName("run_list_more")
        self.more.setAutoRaise(True)
        self.more.clicked.connect(self._toggle)
        head.addWidget(self.caption)
        head.addStretch(1)
        head.addWidget(self.more)
        lay.addLayout(head)
        self.rows_box = QtWidgets.QVBoxLayout()
        self.rows_box.setSpacing(0)
        lay.addLayout(self.rows_box)
        self.rows: list[RunRow] = []
        self.setVisible(False)

    def show_runs(self, runs, problem: str = "classification", marks=None) -> None:
        """List ``runs`` (RunRecords, oldest first); ``marks(index, status)`` words an
        outcome's mark (None: ✔ ✘ … –)."""
        self.runs, self.problem, self.marks = tuple(runs), problem, marks
        self._fill()

    def _toggle(self) -> None:
        self.show_all = not self.show_all
        self._fill()

    def _fill(self) -> None:
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        newest = list(reversed(self.runs))
        shown = newest if self.show_all else newest[:SHOWN]
        self.rows = [RunRow(r, self.problem, self.marks, self) for r in shown]
        for row in self.rows:
            self.rows_box.addWidget(row)
        extra = len(newest) - SHOWN
        self.more.setVisible(extra > 0)
        self.more.setText(f"Show the {extra} earlier" if not self.show_all else "Show fewer")
        self.caption.setText(f"Your runs ({len(newest)})" if newest else "Your runs")
        self.setVisible(bool(newest))

    def texts(self) -> list[str]:
        """The rows' texts, newest first (for tests and screen readers)."""
        return [row.text.text() for row in self.rows]


__all__ = ["RunList", "run_text", "figure_words", "outcome_marks"]
