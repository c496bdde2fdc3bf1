"""The teaching side of a lab (``Lab.guide``) in words: notes, paragraphs and the sentence
under each expected outcome.  Shared by the Guide page and the lab report; no Qt.
"""
from __future__ import annotations

import html
import math
from dataclasses import replace

from actlab.engine.outcomes import MARKS, Verdict
from actlab.lab import Lab

NBSP = "\u00a0"  # keeps "95" and "%" on one line
TEACHING_KEYS = ("instructions", "question", "expect", "predict")
#: What the student writes into the guide (the rest stays the same while they work).
STUDENT_KEYS = ("notes", "predictions")


def lab_with_notes(lab: Lab, text: str) -> Lab:
    """``lab`` with ``text`` as its guide's notes (a new Lab).  Empty notes remove the
    field, and a guide left empty becomes None, so an untouched lab stays unchanged."""
    guide = dict(lab.guide or {})
    if text.strip():
        guide["notes"] = text
    else:
        guide.pop("notes", None)
    return replace(lab, guide=guide or None)


def has_guide(guide: dict | None) -> bool:
    """True when ``guide`` holds something to teach (instructions, a question or
    expected outcomes), not only the student's notes."""
    return bool(guide) and any(guide.get(k) for k in TEACHING_KEYS)


def teaching_part(guide: dict | None) -> dict:
    """The guide without the student's notes and answers: what stays the same while
    they work."""
    return {k: v for k, v in (guide or {}).items() if k not in STUDENT_KEYS}


def paragraphs_html(text: str, p_style: str = "") -> str:
    """Plain guide text as safe HTML: a blank line starts a new ``<p>``, a single line
    break stays a ``<br/>``."""
    style = f" style='{p_style}'" if p_style else ""
    paras = [p.strip() for p in str(text).replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p{style}>{html.escape(p, quote=False).replace(chr(10), '<br/>')}</p>"
                   for p in paras)


def format_measured(metric: str, value: float | None) -> str:
    """``98.0 %`` for accuracies, ``0.412`` for losses, ``–`` when unknown."""
    if value is None or not math.isfinite(value):
        return "–"
    if metric == "pieces":
        return f"{value:.0f}"
    return f"{100 * value:.1f}{NBSP}%" if "accuracy" in metric else f"{value:.3g}"


def mark_of(look: str) -> str:
    """The mark of a verdict's look (:attr:`Verdict.look`, or its status): ✔ reached or
    failed as predicted, ✘ missed, ! held though the lab predicted it would fail,
    … pending, – not checked for this network or this data ("other")."""
    return MARKS[look]


def verdict_detail(v: Verdict, epochs_done: int = 0) -> str:
    """The small line under an outcome: what was measured, or why there is no mark yet
    (``epochs_done``, when given, says how far a pending run is).  A claim the lab says
    should fail reads "as predicted: <why>" when it fails, and says neutrally that it
    held when it does."""
    e = v.expectation
    if e.should_fail and v.look in ("as_predicted", "unexpected"):
        return _should_fail_detail(v)
    if e.metric == "pieces" and v.status in ("pass", "fail"):
        return _pieces_detail(v)
    name = "test R²" if e.metric == "test_r2" else e.metric.replace("_", " ")  # as shown elsewhere
    measured = f"{name} {format_measured(e.metric, v.measured)}"
    if v.status == "pass":
        return f"reached: {measured} at epoch {e.epochs:,}"
    if v.status == "fail":
        return f"not reached: {measured} at epoch {e.epochs:,}"
    if v.status == "pending":
        now = f" (now {epochs_done:,})" if epochs_done else ""
        return f"needs {e.epochs:,} epochs{now}"
    if v.other_data:  # the run's data is another data set than the claim's
        return f"not checked: {v.reason}"
    return f"not checked for this network: {v.reason}" if v.reason else \
        "not checked for this network"


def _measured_words(v: Verdict) -> str:
    """"test R² 0.02 at epoch 300", "1 linear piece at epoch 300"."""
    e = v.expectation
    if e.metric == "pieces":
        n = int(v.measured)
        at = v.at_epoch or e.epochs
        return f"{n} linear piece{'s' * (n != 1)} at epoch {at:,}"
    name = "test R²" if e.metric == "test_r2" else e.metric.replace("_", " ")
    return f"{name} {format_measured(e.metric, v.measured)} at epoch {e.epochs:,}"


def _should_fail_detail(v: Verdict) -> str:
    """A claim that should fail: "as predicted: <because> (test R² 0.02 at epoch 300)",
    or, when it held, a neutral "held (…): this lab predicted it would not — <because>"."""
    e, measured = v.expectation, _measured_words(v)
    if v.look == "as_predicted":
        return (f"as predicted: {e.because} ({measured})" if e.because else
                f"as predicted: it does not hold ({measured})")
    why = f" ({e.because})" if e.because else ""
    return f"held this time ({measured}): this lab predicted it would not{why}"


def _pieces_detail(v: Verdict) -> str:
    """``reached: 4 linear pieces at epoch 300`` (the weights counted are the run's
    weights at ``at_epoch``), or why the pieces could not be counted."""
    at = f" at epoch {v.at_epoch:,}" if v.at_epoch else ""
    if v.measured is None:
        return f"not reached: {v.reason}" if v.reason else "not reached"
    n = int(v.measured)
    counted = f"{n} linear piece{'s' * (n != 1)}{at}"
    return f"reached: {counted}" if v.status == "pass" else f"not reached: {counted}"
