"""The lab report of an image lab: one HTML (or PDF) page from ``actlab train --report``.

It reuses the page style, tables and outcome marks of :mod:`actlab.report` (so both kinds
of report look alike) but shows what an image run has: the data generator, the
convolution layers and head, one results table per run, the conv-collapse sentences of
``metrics.json`` and the figures the CLI has already drawn (``samples.png``,
``filters.png``, ``featuremaps.png``, ``confusion.png``, ``loss.png``; ``compare.png``
for several runs).  The figures are read back from the output folder rather than drawn
again, so the report shows exactly the files beside it.  HTML embeds them as base64 PNGs;
the PDF adds them as QTextDocument resources.  Qt is imported only for the PDF.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .atomic import write_text_atomic
from .engine.outcomes import check
from .guide import paragraphs_html
from .report import (FAIL, PAGE_WIDTH, _data_uri, _esc, _num,
                     _outcomes_table, _pct, _table, _training_rows, report_head,
                     report_tail)

__all__ = ["ImageReportRun", "image_report_html", "write_image_report",
           "write_image_report_pdf", "combined_verdicts"]

#: The per-run figures in report order, with their captions and widths (CSS pixels).
RUN_FIGURES = (
    ("loss", 340, "Training loss (solid) and test loss (dashed) after every epoch."),
    ("confusion", 300, "Test images: true class (rows) against predicted class (columns)."),
    ("samples", 640, "Test images with the predicted class; mistakes are marked."),
    ("filters", 640, "First-layer filters; for a linear network also the composite "
                     "kernel and the class templates it collapses to."),
    ("featuremaps", 640, "One test image through every layer of the network."),
)
COMPARE_WIDTH = 640
HEADS = {"gap": "global average pooling", "flatten": "flatten"}
POOLS = {"none": "no pooling", "max": "max pool 2×2", "avg": "average pool 2×2"}


@dataclass
class ImageReportRun:
    """One trained run of the report: its name ("Linear", or the lab's name for a single
    run), the file-name ``suffix`` of its figures ("" or "-linear"), its ImageTrainer and
    its ``metrics`` entry (as written to metrics.json)."""

    label: str
    suffix: str
    trainer: object
    metrics: dict


def _act(name: str) -> str:
    from .engine.activations import display_name
    return display_name(name)


def _data_rows(lab, dataset) -> list:
    from .engine.images import IMAGE_GENERATORS

    d = lab.data
    info = IMAGE_GENERATORS.get(d.generator)
    rows = [("Data generator", _esc(info.title if info else d.generator)),
            ("Image size", f"{d.size}×{d.size} px, grey"),
            ("Images per class", f"{d.per_class:,} (in all {dataset.n_train:,} training, "
                                 f"{dataset.n_test:,} test)"),
            ("Classes", _esc(", ".join(dataset.class_names))),
            ("Noise", f"{round(100 * d.noise)}&nbsp;%"),
            ("Training share", f"{round(100 * d.train_fraction)}&nbsp;%"),
            ("Data seed", str(d.seed))]
    return rows


def _network_rows(lab) -> list:
    net = lab.network
    rows = []
    for i, c in enumerate(net.conv, 1):
        rows.append((f"Convolution {i}",
                     f"{c.filters} filter{'s' if c.filters != 1 else ''} "
                     f"{c.kernel}×{c.kernel}, {c.padding} padding, stride {c.stride}, "
                     f"{_esc(_act(c.activation))}, {POOLS.get(c.pool, c.pool)}"))
    rows.append(("Head", _esc(HEADS.get(net.head, net.head))))
    if not net.hidden:
        rows.append(("Dense layers", "none: the head feeds the output directly"))
    for i, (n, a) in enumerate(zip(net.hidden, net.activations), 1):
        rows.append((f"Dense layer {i}", f"{n} unit{'s' if n != 1 else ''}, "
                                         f"{_esc(_act(a))}"))
    rows.append(("Output layer", f"{net.n_classes} neurons, softmax"))
    slope = f" (leaky slope {net.leaky_slope:g})" if any(
        a == "leaky_relu" for a in tuple(c.activation for c in net.conv)
        + tuple(net.activations)) else ""
    rows.append(("Weight initialisation", _esc(net.init) + slope))
    return rows


def _results_table(runs) -> str:
    head = ["Run", "Epochs", "Train loss", "Test loss", "Train accuracy", "Test accuracy"]
    out = ["<table class='metrics' cellspacing='0' cellpadding='6' border='0' width='100%'>",
           "<tr bgcolor='#EEF1F5'>" + "".join(
               f"<th align='{'left' if i == 0 else 'right'}'>{h}</th>"
               for i, h in enumerate(head)) + "</tr>"]
    for r in runs:
        m = r.metrics
        cells = [f"<td>{_esc(r.label)}</td>", f"<td align='right'>{m['epochs']:,}</td>"]
        cells += [f"<td align='right'><b>{_num(m[k])}</b></td>"
                  for k in ("train_loss", "test_loss")]
        cells += [f"<td align='right'><b>{_pct(m[k])}</b></td>"
                  for k in ("train_accuracy", "test_accuracy")]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _g(x) -> str:
    return "–" if x is None else f"{x:.3g}"


def collapse_sentences(metrics: dict) -> list[str]:
    """The plain sentences of a run's ``conv_collapse`` and ``linear_templates``
    entries: which layers merge and how closely, and the whole-network templates."""
    out = []
    for c in metrics.get("conv_collapse", []):
        diff = (f"Largest difference between the layers and the one merged convolution on "
                f"{c['measured_on']}: {_g(c['max_difference'])}")
        if c.get("border_pixels"):
            diff += (f" (inside {_g(c['interior_difference'])}, on the border "
                     f"{_g(c['border_difference'])})")
        s = f"{c['summary']} {diff}."
        if c.get("note"):
            s += f" {c['note']}"
        out.append(s)
    t = metrics.get("linear_templates")
    if t:
        out.append(f"Nothing in this network is non-linear, so {t['note']}: the network "
                   f"and its templates differ by at most {_g(t['max_difference'])} on the "
                   "test images (rounding only).")
    return out


def combined_verdicts(guide, runs) -> list:
    """Each expected outcome judged on the first run it is about (a claim about ReLU
    convolutions is checked on the ReLU run); when no run is, the first run's verdict
    says why it was not checked."""
    per_run = [check(guide, r.trainer.lab, r.trainer.snapshot().history) for r in runs]
    if not per_run or not per_run[0]:
        return []
    return [next((v for v in column if v.status != "other"), column[0])
            for column in zip(*per_run)]


def _figure(src, name: str, width: int, caption: str) -> str:
    return (f"<table cellspacing='0' cellpadding='4' border='0'><tr><td>"
            f"<img src=\"{src(name)}\" width=\"{width}\" alt=\"{name}\"/><br/>"
            f"<span class='caption'>{_esc(caption)}</span></td></tr></table>")


def figure_names(runs) -> list[str]:
    """The file stems of every figure of the report, in page order."""
    names = [f"{key}{r.suffix}" for r in runs for key, _, _ in RUN_FIGURES]
    return names + (["compare"] if len(runs) > 1 else [])


def image_report_html(lab, runs, src, have=None, when: _dt.datetime | None = None,
                      browser: bool = True) -> str:
    """The report page of an image lab: ``lab`` the lab as given, ``runs`` its
    :class:`ImageReportRun` list, ``src(name)`` the ``src`` of figure ``name`` (e.g.
    "samples-relu"), ``have`` the figure names that exist (default: all)."""
    when = when or _dt.datetime.now()
    have = set(figure_names(runs) if have is None else have)
    guide = lab.guide or {}
    first = runs[0].trainer
    parts = report_head(lab, "ActLab image lab report", when)
    parts.append("<h2>Results</h2>")
    parts.append(_results_table(runs))
    for r in runs:
        if r.metrics.get("diverged"):
            parts.append(f"<p style='color:{FAIL}'><b>{_esc(r.label)} diverged:</b> "
                         f"{_esc(r.metrics['diverged'])}</p>")
    verdicts = combined_verdicts(guide, runs) if guide.get("expect") else []
    if verdicts:
        parts.append("<h2>Expected outcomes</h2>")
        parts.append(_outcomes_table(verdicts))
    if "compare" in have:
        parts.append("<h2>The runs side by side</h2>")
        parts.append(_figure(src, "compare", COMPARE_WIDTH, "Test accuracy of every run "
                             "and its first-layer filters."))
    for r in runs:
        parts.append(f"<h2>{_esc(r.label)}</h2>" if len(runs) > 1 else "<h2>The run</h2>")
        sentences = collapse_sentences(r.metrics)
        if sentences:
            parts.append("<h3>What the layers add up to</h3>")
            parts += [f"<p>{_esc(s)}</p>" for s in sentences]
        for key, width, caption in RUN_FIGURES:
            if f"{key}{r.suffix}" in have:
                parts.append(_figure(src, f"{key}{r.suffix}", width, caption))
    notes = str(guide.get("notes", "") or "")
    if notes.strip():
        parts.append("<h2>My notes</h2>")
        parts.append("<table width='100%' cellspacing='0' cellpadding='8' border='0'><tr>"
                     f"<td class='notes' bgcolor='#F7F8FA'>{paragraphs_html(notes)}</td>"
                     "</tr></table>")
    parts.append("<h2>Settings</h2>")
    left = (f"<h3>Data</h3>{_table(_data_rows(lab, first.dataset))}"
            f"<h3>Training</h3>{_table(_training_rows(lab))}")
    right = f"<h3>Network</h3>{_table(_network_rows(first.lab))}"
    if len(runs) > 1:
        right += ("<p class='small'>Every run uses this network with its own activation in "
                  "every layer, the same seeds, images and minibatch order.</p>")
    return report_tail(lab, parts, left, right, browser)


def _read_figures(out: Path, runs) -> dict[str, bytes]:
    """The PNG bytes of every report figure present in ``out`` (missing ones skipped)."""
    pngs = {}
    for name in figure_names(runs):
        path = Path(out) / f"{name}.png"
        if path.is_file():
            pngs[name] = path.read_bytes()
    return pngs


def write_image_report(out, lab, runs, path=None) -> Path:
    """Write ``report.html`` (or ``path``) in the results folder ``out``, with every
    figure found there embedded; atomic.  Returns its path."""
    pngs = _read_figures(Path(out), runs)
    text = image_report_html(lab, runs, lambda n: _data_uri(pngs[n]), have=pngs)
    path = Path(path) if path is not None else Path(out) / "report.html"
    write_text_atomic(path, text)
    return path


def write_image_report_pdf(out, lab, runs, path=None) -> Path:
    """Write the same report as an A4 PDF, ``report.pdf`` (or ``path``) in ``out``,
    through :func:`actlab.views.pdf_pages.write_pdf_pages` (no row split across pages)."""
    pngs = _read_figures(Path(out), runs)
    path = Path(path) if path is not None else Path(out) / "report.pdf"
    return write_figures_pdf(
        lab, pngs, lambda src: image_report_html(lab, runs, src, have=pngs, browser=False),
        path)


def write_figures_pdf(lab, pngs: dict, page_html, path) -> Path:
    """An A4 PDF at ``path`` of the page ``page_html(src)`` (``src(name)`` the resource of
    figure ``name``) with the PNG bytes ``pngs`` added as QTextDocument resources; shared
    by the image and the function lab reports."""
    from PySide6 import QtCore, QtGui

    from .views.pdf_pages import write_pdf_pages

    doc = QtGui.QTextDocument()
    doc.setDocumentMargin(0)
    font = QtGui.QFont(doc.defaultFont())
    font.setPointSizeF(10)
    doc.setDefaultFont(font)
    for name, png in pngs.items():
        doc.addResource(QtGui.QTextDocument.ResourceType.ImageResource,
                        QtCore.QUrl(f"actlab-report:{name}.png"),
                        QtGui.QImage.fromData(png, "PNG"))
    doc.setHtml(page_html(lambda n: f"actlab-report:{n}.png"))
    return write_pdf_pages(doc, path, PAGE_WIDTH, title=f"{lab.name} – ActLab lab report",
                           creator=f"ActLab {__version__}",
                           footer=f"{lab.name} – ActLab lab report")
