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

from actlab.atomic import write_text_atomic
from actlab.report.points import _data_uri, _esc, _header_row, _num, _pct
from actlab.report.runs import combined_verdicts, read_figures, runs_report_html, write_figures_pdf
from actlab.report.runs import figure_names as _figure_names

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
HEADS = {"gap": "global average pooling", "flatten": "flatten"}
POOLS = {"none": "no pooling", "max": "max pool 2×2", "avg": "average pool 2×2"}


@dataclass
class ImageReportRun:
    """One trained run of the report: its name ("Linear", or the lab's name for a single
    run), the file-name ``suffix`` of its figures ("" or "-linear"), its Trainer and
    its ``metrics`` entry (as written to metrics.json)."""

    label: str
    suffix: str
    trainer: object
    metrics: dict


def _act(name: str) -> str:
    from actlab.engine.activations.lookup import display_name
    return display_name(name)


def _data_rows(lab, dataset) -> list:
    from actlab.engine.data.images import IMAGE_GENERATORS

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
           _header_row(head)]
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


def figure_names(runs) -> list[str]:
    """The file stems of every figure of the report, in page order."""
    return _figure_names(runs, RUN_FIGURES)


def image_report_html(lab, runs, src, have=None, when: _dt.datetime | None = None,
                      browser: bool = True) -> str:
    """The report page of an image lab: ``lab`` the lab as given, ``runs`` its
    :class:`ImageReportRun` list, ``src(name)`` the ``src`` of figure ``name`` (e.g.
    "samples-relu"), ``have`` the figure names that exist (default: all)."""
    return runs_report_html(
        lab, runs, src, have, kind="ActLab image lab report", results=[_results_table(runs)],
        compare_caption="Test accuracy of every run and its first-layer filters.",
        run_figures=RUN_FIGURES, sentences=collapse_sentences,
        data_rows=_data_rows(lab, runs[0].trainer.dataset),
        network_rows=_network_rows(runs[0].trainer.lab),
        same_network="Every run uses this network with its own activation in every layer, "
                     "the same seeds, images and minibatch order.", when=when,
        browser=browser)


def write_image_report(out, lab, runs, path=None) -> Path:
    """Write ``report.html`` (or ``path``) in the results folder ``out``, with every
    figure found there embedded; atomic.  Returns its path."""
    pngs = read_figures(out, figure_names(runs))
    text = image_report_html(lab, runs, lambda n: _data_uri(pngs[n]), have=pngs)
    path = Path(path) if path is not None else Path(out) / "report.html"
    write_text_atomic(path, text)
    return path


def write_image_report_pdf(out, lab, runs, path=None) -> Path:
    """Write the same report as an A4 PDF, ``report.pdf`` (or ``path``) in ``out``,
    through :func:`actlab.views.pdf_pages.write_pdf_pages` (no row split across pages)."""
    pngs = read_figures(out, figure_names(runs))
    path = Path(path) if path is not None else Path(out) / "report.pdf"
    return write_figures_pdf(
        lab, pngs, lambda src: image_report_html(lab, runs, src, have=pngs, browser=False),
        path)
