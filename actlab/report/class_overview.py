"""The class overview: a teacher's one page on a folder of students' lab files.

:func:`read_class` reads every file of a folder (not its sub-folders or hidden files) as a
lab file; a file that is not one, is damaged, or is of another lab is listed as skipped
with the reason — one bad file never stops the rest.  The lab the overview is about is the
one named (``lab_name``), else the one most files are of.  Per student (file) it gathers
the run log (:mod:`actlab.engine.run_log`: an outcome counts as reached when any run of
the network it is about reached it; a file without a log is judged on its saved results),
the prediction answers (:mod:`actlab.engine.predictions`, judged on the student's own
trained weights where the question needs a run) and the notes.  :func:`overview_html`
makes the page: per outcome how many reached it, per question how many predicted what and
the common wrong predictions, and a row per student.  Nothing is sent anywhere: the page
is written to a folder (HTML, and a PDF with Qt's own engine).
"""
from __future__ import annotations

import datetime as _dt
import html
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from actlab import __version__

PASS, FAIL, MUTED, INK = "#00795A", "#C2410C", "#5F6368", "#202124"
NOTES_SHOWN = 160  # characters of a student's notes in the table


@dataclass(frozen=True)
class Skipped:
    file: str
    reason: str


@dataclass
class Answer:
    """One student's answer to one question: ``text`` in words, ``status`` "right",
    "wrong", "share" (a sketch, with ``share``) or "none" (not judged: ``reason``)."""
    text: str
    status: str
    share: float | None = None
    reason: str = ""


@dataclass
class Student:
    file: str
    runs: int                      # runs in the log
    epochs: int                    # of the last run (or the saved history)
    reached: list                  # per outcome: True, False (its network ran, not
                                   # reached) or None (no run of its network)
    answers: list                  # per question: Answer or None (not answered)
    notes: str = ""


@dataclass
class ClassOverview:
    folder: str
    lab_name: str
    outcomes: list                 # the outcome sentences (Expectation.describe())
    questions: list                # the prediction Questions
    students: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    predicted_fail: list = field(default_factory=list)  # per outcome: the lab predicts it
    #                                                     fails (met when a run fails it)


def _lab_files(folder: Path) -> list[Path]:
    return sorted((p for p in folder.iterdir() if not p.name.startswith(".")
                   and p.is_file()), key=lambda p: p.name.lower())


def read_class(folder, lab_name: str | None = None) -> ClassOverview:
    """Read ``folder`` (see the module doc).  Raises ValueError when it is not a folder
    or holds no lab file of the lab asked for."""
    from actlab.labfile.format import LabFileError, load_lab

    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder")
    labs, skipped = [], []
    for path in _lab_files(folder):
        try:
            labs.append((path.name, load_lab(path)))
        except LabFileError as e:
            reason = e.reason if e.path == "" else f"{e.path}: {e.reason}"
            skipped.append(Skipped(path.name, reason))
        except (OSError, ValueError, MemoryError, RecursionError) as e:
            skipped.append(Skipped(path.name, f"could not be read ({e})"))
    if not labs:
        raise ValueError(f"{folder}: no lab file in it" + (
            f" ({len(skipped)} other file{'s' if len(skipped) != 1 else ''} skipped)"
            if skipped else ""))
    names = Counter(lab.name for _, lab in labs)
    if lab_name is None:
        lab_name = sorted(names, key=lambda n: (-names[n], n))[0]
    elif lab_name not in names:
        raise ValueError(f"no lab file of “{lab_name}” in {folder} (the labs there: "
                         + ", ".join(f"“{n}”" for n in sorted(names)) + ")")
    mine = [(f, lab) for f, lab in labs if lab.name == lab_name]
    for f, lab in labs:
        if lab.name != lab_name:
            skipped.append(Skipped(f, f"another lab: “{lab.name}” (this overview is of "
                                      f"“{lab_name}”)"))
    skipped.sort(key=lambda s: s.file.lower())
    first = mine[0][1]
    from actlab.engine.outcomes import expectations
    from actlab.engine.predictions import questions

    custom = getattr(first.network, "custom", ())
    exps = _expectations(first, expectations, custom)
    ov = ClassOverview(str(folder), lab_name, [e.describe() for e in exps],
                       questions(first.guide, custom), skipped=skipped,
                       predicted_fail=[e.should_fail for e in exps])
    for f, lab in mine:
        try:
            ov.students.append(_student(f, lab, len(ov.outcomes), ov.questions))
        except Exception as e:  # noqa: BLE001 - a damaged file never stops the rest
            ov.skipped.append(Skipped(f, f"could not be judged ({e})"))
    return ov


def _expectations(lab, expectations, custom):
    try:
        return expectations(lab.guide, custom)
    except (KeyError, TypeError, ValueError):
        return []


def _student(file: str, lab, n_outcomes: int, qs) -> Student:
    from actlab.engine.history import epochs_done
    from actlab.engine.outcomes import check
    from actlab.engine.run_log import checked_by

    runs = tuple(lab.runs)
    reached: list = []
    saved = None
    if not runs and lab.history is not None:  # a file without a log: its saved results
        try:
            saved = check(lab.guide, lab, lab.history, lab.params)
        except (KeyError, IndexError, TypeError, ValueError):
            saved = None
    for i in range(n_outcomes):
        if saved is not None:
            v = saved[i] if i < len(saved) else None
            reached.append(None if v is None else v.met)
            continue
        about = checked_by(runs, i)
        reached.append(any(r.reached(i) for r in about) if about else None)
    epochs = runs[-1].epochs if runs else epochs_done(lab.history)
    notes = str((lab.guide or {}).get("notes", "") or "")
    return Student(file, len(runs), epochs, reached, _answers(lab, qs), notes)


def _answers(lab, qs) -> list:
    from actlab.engine.predictions import answer_text, judge, predictions, result_text

    answers: list = [None] * len(qs)
    given = [p for p in predictions(lab.guide) if 0 <= p.question < len(qs)]
    trainer = None
    if lab.params is not None and any(qs[p.question].form != "choice" for p in given):
        from actlab.engine.trainer import Trainer
        try:
            trainer = Trainer(lab)
        except (ValueError, OSError) as e:  # e.g. the lab's own images are not there
            trainer = e
    for p in given:
        q = qs[p.question]
        text = answer_text(q, p)
        if q.form == "choice":
            answers[p.question] = Answer(text, "right" if p.answer == q.answer else "wrong")
        elif trainer is None or isinstance(trainer, Exception):
            why = ("no trained weights in the file" if trainer is None
                   else f"the run could not be rebuilt: {trainer}")
            answers[p.question] = Answer(text, "none", reason=why)
        else:
            r = judge(q, p, trainer)
            status = r.status if r.status in ("right", "wrong", "share") else "none"
            answers[p.question] = Answer(text, status, r.share,
                                         "" if status != "none" else result_text(r))
    return answers


# ---------------------------------------------------------------------- the page

def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _pct(n: int, m: int) -> str:
    return f"{100 * n / m:.0f} %" if m else "–"


def _bar(n: int, m: int, color: str) -> str:
    width = 0 if not m else max(1, round(160 * n / m))
    return (f"<table cellspacing='0' cellpadding='0' border='0'><tr>"
            f"<td width='{width}' bgcolor='{color}' height='10'></td>"
            f"<td width='{160 - width}' bgcolor='#ECEEF1' height='10'></td></tr></table>")


def _outcome_rows(ov: ClassOverview) -> list[str]:
    m = len(ov.students)
    rows = []
    for i, text in enumerate(ov.outcomes):
        marks = [s.reached[i] for s in ov.students]
        yes, no = marks.count(True), marks.count(False)
        never = m - yes - no
        fail = i < len(ov.predicted_fail) and ov.predicted_fail[i]
        detail = f"{yes} of {m} " + ("saw it fail, as predicted" if fail else "reached it") \
            + f" ({_pct(yes, m)})"
        if no:
            detail += (f"; for {no} it held anyway" if fail else
                       f"; {no} ran its network without reaching it")
        if never:
            detail += f"; {never} never ran its network"
        tag = "Predicted to fail: " if fail else ""
        rows.append(f"<tr><td valign='top'>{i + 1}. {tag}{_esc(text)}<br/>"
                    f"<span class='small'>{_esc(detail)}</span></td>"
                    f"<td valign='top' width='170'>{_bar(yes, m, PASS)}</td></tr>")
    return rows


def _question_block(ov: ClassOverview, j: int) -> str:
    from actlab.engine.predictions import metric_words

    q = ov.questions[j]
    answers = [s.answers[j] for s in ov.students if s.answers[j] is not None]
    m, n = len(ov.students), len(answers)
    parts = [f"<h3>{j + 1}. {_esc(q.ask)}</h3>"]
    if not n:
        parts.append(f"<p class='sub'>No prediction yet (0 of {m} answered).</p>")
        return "".join(parts)
    parts.append(f"<p class='sub'>{n} of {m} answered"
                 + (f", {m - n} skipped or not asked yet" if m > n else "") + ".</p>")
    if q.form in ("choice", "number"):
        counts = Counter(a.text for a in answers)
        right = {a.text for a in answers if a.status == "right"}
        order = list(q.choices) if q.form == "choice" else sorted(counts, key=_number_key)
        rows = []
        for text in order + [t for t in counts if t not in order]:
            c = counts.get(text, 0)
            mark = " ✔" if text in right or (q.form == "choice" and text == q.answer) else ""
            rows.append(f"<tr><td valign='top'>{_esc(text)}{mark}</td>"
                        f"<td align='right' valign='top' width='40'>{c}</td>"
                        f"<td valign='top' width='170'>{_bar(c, n, PASS if mark else FAIL)}"
                        "</td></tr>")
        parts.append("<table cellspacing='0' cellpadding='3' border='0'>" + "".join(rows)
                     + "</table>")
        n_right = sum(a.status == "right" for a in answers)
        judged = sum(a.status in ("right", "wrong") for a in answers)
        what = "the right answer" if q.form == "choice" else \
            f"within the tolerance of their own run's {metric_words(q.metric)}"
        parts.append(f"<p>{n_right} of {judged} judged predictions were {_esc(what)}.</p>")
        wrong = Counter(a.text for a in answers if a.status == "wrong").most_common(3)
        if wrong:
            parts.append("<p><b>Common wrong predictions:</b> " + "; ".join(
                f"{_esc(t)} ({c} student{'s' if c != 1 else ''})" for t, c in wrong) + "</p>")
    else:
        shares = [a.share for a in answers if a.share is not None and math.isfinite(a.share)]
        if shares:
            parts.append(f"<p>Drawn {q.target}s agree with the student's own network on "
                         f"{100 * sum(shares) / len(shares):.0f} % on average (from "
                         f"{100 * min(shares):.0f} % to {100 * max(shares):.0f} %; "
                         f"{len(shares)} judged).</p>")
        low = sum(s < 0.6 for s in shares)
        if low:
            parts.append(f"<p><b>Common wrong predictions:</b> {low} sketch"
                         f"{'es' if low != 1 else ''} agree on less than 60 %.</p>")
    unjudged = [a for a in answers if a.status == "none"]
    if unjudged:
        parts.append(f"<p class='sub'>{len(unjudged)} not judged: "
                     f"{_esc(unjudged[0].reason)}.</p>")
    return "".join(parts)


def _number_key(text: str):
    try:
        return (0, float(text.replace("\u00a0%", "").replace(",", "")), text)
    except ValueError:
        return (1, 0.0, text)


def _answer_cell(a: Answer | None) -> str:
    if a is None:
        return "<span style='color:#9AA0A6'>–</span>"
    if a.status == "share":
        return f"{100 * a.share:.0f} %"
    mark, color = {"right": ("✔", PASS), "wrong": ("✘", FAIL)}.get(a.status, ("?", MUTED))
    return f"{_esc(a.text)} <span style='color:{color}'><b>{mark}</b></span>"


def _student_rows(ov: ClassOverview) -> list[str]:
    rows = []
    for s in ov.students:
        marks = " ".join(
            {True: f"<span style='color:{PASS}'><b>✔</b></span>",
             False: f"<span style='color:{FAIL}'><b>✘</b></span>",
             None: "<span style='color:#9AA0A6'>–</span>"}[r] for r in s.reached)
        answers = "<br/>".join(f"{j + 1}: {_answer_cell(a)}" for j, a in enumerate(s.answers))
        notes = s.notes.strip().replace("\n", " ")
        if len(notes) > NOTES_SHOWN:
            notes = notes[:NOTES_SHOWN - 1] + "…"
        rows.append(f"<tr><td valign='top'>{_esc(s.file)}</td>"
                    f"<td valign='top' align='right'>{s.runs}</td>"
                    f"<td valign='top' align='right'>{s.epochs:,}</td>"
                    f"<td valign='top'>{marks}</td><td valign='top' class='small'>{answers}</td>"
                    f"<td valign='top' class='small'>{_esc(notes)}</td></tr>")
    return rows


STYLE = f"""
body {{ font-family: 'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif; color: {INK};
        font-size: 10pt; }}
h1 {{ font-size: 19pt; margin-bottom: 2px; }}
h2 {{ font-size: 13pt; color: #0B4F7A; margin-top: 18px; margin-bottom: 6px; }}
h3 {{ font-size: 10.5pt; margin-top: 10px; margin-bottom: 3px; }}
p {{ margin-top: 0px; margin-bottom: 6px; }}
th {{ color: {MUTED}; font-weight: bold; text-align: left; }}
td {{ font-size: 9.5pt; }}
.sub {{ color: {MUTED}; font-size: 9pt; }}
.small {{ font-size: 8.5pt; }}
.footer {{ color: {MUTED}; font-size: 8pt; }}
"""
BROWSER_STYLE = """
body { max-width: 900px; margin: 24px auto; padding: 0 16px; line-height: 1.35; }
table { border-collapse: collapse; }
"""


def overview_html(ov: ClassOverview, when: _dt.datetime | None = None,
                  browser: bool = True) -> str:
    when = when or _dt.datetime.now()
    m = len(ov.students)
    parts = [f"<h1>Class overview: {_esc(ov.lab_name)}</h1>",
             f"<p class='sub'>{m} student file{'s' if m != 1 else ''} from "
             f"{_esc(os.path.basename(os.path.normpath(ov.folder)) or ov.folder)} &#183; "
             f"{when.day} {when:%B %Y, %H:%M} &#183; made offline: nothing left this "
             "computer</p>"]
    if ov.outcomes:
        parts.append("<h2>What should happen: how many reached it</h2>"
                     "<table width='100%' cellspacing='0' cellpadding='4' border='0'>"
                     + "".join(_outcome_rows(ov)) + "</table>")
    if ov.questions:
        parts.append("<h2>Predictions</h2>")
        parts += [_question_block(ov, j) for j in range(len(ov.questions))]
    parts.append("<h2>Students</h2>"
                 "<table width='100%' cellspacing='0' cellpadding='4' border='0'>"
                 "<tr><th>file</th><th align='right'>runs</th><th align='right'>epochs</th>"
                 "<th>outcomes</th><th>predictions</th><th>notes</th></tr>"
                 + "".join(_student_rows(ov)) + "</table>")
    if ov.skipped:
        parts.append(f"<h2>Skipped ({len(ov.skipped)})</h2>"
                     "<table width='100%' cellspacing='0' cellpadding='3' border='0'>"
                     + "".join(f"<tr><td valign='top' width='30%'>{_esc(s.file)}</td>"
                               f"<td valign='top' class='small'>{_esc(s.reason)}</td></tr>"
                               for s in ov.skipped) + "</table>")
    parts.append(f"<p class='footer'><br/>Made with ActLab {_esc(__version__)}.</p>")
    style = STYLE + (BROWSER_STYLE if browser else "")
    return ("<!DOCTYPE html>\n<html><head><meta charset='utf-8'/>"
            f"<title>Class overview – {_esc(ov.lab_name)}</title><style>{style}</style>"
            "</head><body>\n" + "\n".join(parts) + "\n</body></html>\n")


def write_overview(ov: ClassOverview, out_dir, pdf: bool = True) -> list[Path]:
    """Write ``class-overview.html`` (and ``.pdf``) into ``out_dir``; their paths."""
    from actlab.atomic import write_text_atomic

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    when = _dt.datetime.now()
    page = out / "class-overview.html"
    write_text_atomic(page, overview_html(ov, when))
    written = [page]
    if pdf:
        from actlab.figures.render import ensure_app

        ensure_app()  # a QGuiApplication (offscreen without a display) for the fonts
        from PySide6 import QtGui

        from actlab.views.pdf_pages import write_pdf_pages

        doc = QtGui.QTextDocument()
        doc.setDocumentMargin(0)
        doc.setHtml(overview_html(ov, when, browser=False))
        written.append(write_pdf_pages(doc, out / "class-overview.pdf", 700,
                                       title=f"Class overview – {ov.lab_name}",
                                       creator=f"ActLab {__version__}",
                                       footer=f"Class overview – {ov.lab_name}"))
    return written
