"""The report page of a lab trained in one or more runs, shared by the image and the
function lab reports (:mod:`actlab.report.images`, :mod:`actlab.report.functions`).

Both pages have the same sections in the same order: the head, the results, a line for
every run that diverged, the expected outcomes, the runs side by side, one section per run
(what its layers add up to, then its figures), the notes and the settings.  Each kind of
lab says only what differs: its results table, its figures and their captions, its
collapse sentences and its settings rows.  The figures are read back from the output
folder, so the report shows exactly the files beside it.  Qt is imported only for the PDF.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from actlab import __version__
from actlab.engine.outcomes import check
from actlab.report.guide_text import paragraphs_html
from actlab.report.predictions import predictions_parts
from actlab.report.run_log import run_log_html, run_log_pngs
from actlab.report.points import (
    FAIL, PAGE_WIDTH, _esc, _outcomes_table, _table, _training_rows, report_head, report_tail)

__all__ = ["runs_report_html", "figure_names", "read_figures", "combined_verdicts",
           "write_figures_pdf"]

COMPARE_WIDTH = 640


def figure_names(runs, run_figures) -> list[str]:
    """The file stems of every figure of the report, in page order: each run's
    ``run_figures`` (key, width, caption) with its suffix, then "compare" for several."""
    names = [f"{key}{r.suffix}" for r in runs for key, _, _ in run_figures]
    return names + (["compare"] if len(runs) > 1 else [])


def read_figures(out, names) -> dict[str, bytes]:
    """The PNG bytes of every figure of ``names`` present in ``out`` (missing ones
    skipped)."""
    return {name: (Path(out) / f"{name}.png").read_bytes() for name in names
            if (Path(out) / f"{name}.png").is_file()}


def combined_verdicts(guide, runs) -> list:
    """Each expected outcome judged on the first run it is about (a claim about ReLU
    convolutions is checked on the ReLU run); when no run is, the first run's verdict
    says why it was not checked.  Each run is judged with its weights now, which a
    function lab's "pieces" outcome counts (without them it stayed "needs N epochs")."""
    per_run = [check(guide, r.trainer.lab, r.trainer.snapshot().history,
                     r.trainer.network.get_params()) for r in runs]
    if not per_run or not per_run[0]:
        return []
    return [next((v for v in column if v.status != "other"), column[0])
            for column in zip(*per_run)]


def _figure(src, name: str, width: int, caption: str) -> str:
    return (f"<table cellspacing='0' cellpadding='4' border='0'><tr><td>"
            f"<img src=\"{src(name)}\" width=\"{width}\" alt=\"{name}\"/><br/>"
            f"<span class='caption'>{_esc(caption)}</span></td></tr></table>")


def runs_report_html(lab, runs, src, have, *, kind: str, results: list[str],
                     compare_caption: str, run_figures, sentences, data_rows: list,
                     network_rows: list, same_network: str,
                     when: _dt.datetime | None = None, browser: bool = True) -> str:
    """The report page of ``lab`` trained in ``runs`` (each with ``label``, ``suffix``,
    ``trainer`` and ``metrics``).  ``src(name)`` is the ``src`` of figure ``name``,
    ``have`` the figure names that exist (None: all).  ``kind`` heads the page,
    ``results`` the parts of the results section, ``compare_caption`` the caption of the compare
    figure, ``run_figures`` each run's (key, width, caption) in page order,
    ``sentences(metrics)`` the plain sentences of what a run's layers add up to,
    ``data_rows`` and ``network_rows`` the settings tables and ``same_network`` the
    sentence under the network of several runs."""
    when = when or _dt.datetime.now()
    have = set(figure_names(runs, run_figures) if have is None else have)
    guide = lab.guide or {}
    parts = report_head(lab, kind, when)
    parts.append("<h2>Results</h2>")
    parts += results
    for r in runs:
        if r.metrics.get("diverged"):
            parts.append(f"<p style='color:{FAIL}'><b>{_esc(r.label)} diverged:</b> "
                         f"{_esc(r.metrics['diverged'])}</p>")
    verdicts = combined_verdicts(guide, runs) if guide.get("expect") else []
    if verdicts:
        parts.append("<h2>Expected outcomes</h2>")
        parts.append(_outcomes_table(verdicts))
    parts += predictions_parts(lab, trainers=[r.trainer for r in runs])
    if "compare" in have:
        parts.append("<h2>The runs side by side</h2>")
        parts.append(_figure(src, "compare", COMPARE_WIDTH, compare_caption))
    for r in runs:
        parts.append(f"<h2>{_esc(r.label)}</h2>" if len(runs) > 1 else "<h2>The run</h2>")
        said = sentences(r.metrics)
        if said:
            parts.append("<h3>What the layers add up to</h3>")
            parts += [f"<p>{_esc(s)}</p>" for s in said]
        for key, width, caption in run_figures:
            if f"{key}{r.suffix}" in have:
                parts.append(_figure(src, f"{key}{r.suffix}", width, caption))
    notes = str(guide.get("notes", "") or "")
    if notes.strip():
        parts.append("<h2>My notes</h2>")
        parts.append("<table width='100%' cellspacing='0' cellpadding='8' border='0'><tr>"
                     f"<td class='notes' bgcolor='#F7F8FA'>{paragraphs_html(notes)}</td>"
                     "</tr></table>")
    parts.append(run_log_html(lab, browser))  # every run the student made ("" if none)
    parts.append("<h2>Settings</h2>")
    left = (f"<h3>Data</h3>{_table(data_rows)}"
            f"<h3>Training</h3>{_table(_training_rows(lab))}")
    right = f"<h3>Network</h3>{_table(network_rows)}"
    if len(runs) > 1:
        right += f"<p class='small'>{same_network}</p>"
    return report_tail(lab, parts, left, right, browser)


def write_figures_pdf(lab, pngs: dict, page_html, path) -> Path:
    """An A4 PDF at ``path`` of the page ``page_html(src)`` (``src(name)`` the resource of
    figure ``name``) with the PNG bytes ``pngs`` added as QTextDocument resources; shared
    by the image and the function lab reports."""
    from PySide6 import QtCore, QtGui

    from actlab.views.pdf_pages import write_pdf_pages

    doc = QtGui.QTextDocument()
    doc.setDocumentMargin(0)
    font = QtGui.QFont(doc.defaultFont())
    font.setPointSizeF(10)
    doc.setDefaultFont(font)
    for name, png in {**pngs, **run_log_pngs(lab)}.items():
        doc.addResource(QtGui.QTextDocument.ResourceType.ImageResource,
                        QtCore.QUrl(f"actlab-report:{name}.png"),
                        QtGui.QImage.fromData(png, "PNG"))
    doc.setHtml(page_html(lambda n: f"actlab-report:{n}.png"))
    return write_pdf_pages(doc, path, PAGE_WIDTH, title=f"{lab.name} – ActLab lab report",
                           creator=f"ActLab {__version__}",
                           footer=f"{lab.name} – ActLab lab report")
