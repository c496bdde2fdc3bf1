"""The lab report: one self-contained HTML (or PDF) page a student can hand in.

:func:`write_report` writes HTML with every picture embedded as a base64 PNG, so the
single file opens anywhere; :func:`write_report_pdf` prints the same content to a PDF with
Qt's own rich-text engine (``QTextDocument`` + ``QPdfWriter``, no QtPrintSupport).  Both
write atomically.  The HTML keeps to what ``QTextDocument`` understands (simple tables,
images with a width, a few CSS properties), so the PDF looks like the HTML.

The pictures are rendered with :mod:`actlab.figures.render` (the same views the window shows)
into a temporary folder; Qt is imported only when a report is written.
"""
from __future__ import annotations

import base64
import datetime as _dt
import html
import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from actlab import __version__
from actlab.atomic import write_text_atomic
from actlab.engine.outcomes import check
from actlab.report.predictions import predictions_parts
from actlab.report.guide_text import paragraphs_html, verdict_detail
from actlab.report.run_log import run_log_html, run_log_pngs

PASS, FAIL, MUTED, INK = "#00795A", "#C2410C", "#5F6368", "#202124"
#: By Verdict.look: an expected failure that failed is a success ("as_predicted"); one that
#: held anyway is neutral ("unexpected"), never the student's red.
MARK_COLORS = {"pass": PASS, "as_predicted": PASS, "fail": FAIL, "unexpected": "#4A6785",
               "pending": MUTED, "other": "#9AA0A6"}
OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}
REG_NAMES = {"none": "none", "l1": "L1", "l2": "L2"}
OUTPUT_NAMES = {"sigmoid": "1 neuron, sigmoid (probability of class 1)",
                "softmax": "{n} neurons, softmax (one probability per class)",
                "linear": "1 neuron, linear (the predicted value)"}
# Widths in the report, in CSS pixels (QTextDocument lays a PDF page out about 700 wide).
SURFACE_WIDTH, LOSS_WIDTH, COLLAPSE_WIDTH = 320, 350, 340
PAGE_WIDTH = 700  # the PDF lays the page out this many CSS pixels wide

__all__ = ["write_report", "write_report_pdf", "report_html", "report_images",
           "report_document"]


@dataclass
class ReportImages:
    """PNG bytes of the report's pictures (``None`` where there is none)."""

    surface: bytes | None = None
    loss: bytes | None = None
    collapse: bytes | None = None
    sizes: dict = field(default_factory=dict)  # name -> (width, height) in pixels


# ---------------------------------------------------------------------- text helpers

def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _num(v, digits: int = 4) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "–"
    return "–" if not math.isfinite(v) else f"{v:.{digits}f}"


def _pct(v) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "–"
    return "–" if not math.isfinite(v) else f"{100 * v:.1f}&nbsp;%"


def _activation_title(name: str) -> str:
    try:
        from actlab.engine.activations.builtin import ACTIVATIONS
        act = ACTIVATIONS.get(name)
        return act.title if act is not None else name
    except Exception:  # noqa: BLE001 - a name is a fine fallback
        return name


def _generator_title(name: str) -> str:
    try:
        from actlab.engine.data.points import GENERATORS
        info = GENERATORS.get(name)
        return info.title if info is not None else name
    except Exception:  # noqa: BLE001
        return name


def _feature_labels(features) -> str:
    try:
        from actlab.engine.features import FEATURES
        return ", ".join(FEATURES[f].label if f in FEATURES else f for f in features)
    except Exception:  # noqa: BLE001
        return ", ".join(features)


# ---------------------------------------------------------------------- sections

def _rows(pairs) -> str:
    out = []
    for i, (key, value) in enumerate(pairs):
        bg = " bgcolor='#F7F8FA'" if i % 2 == 0 else ""
        out.append(f"<tr{bg}><td class='key' width='34%'>{_esc(key)}</td>"
                   f"<td class='val'>{value}</td></tr>")
    return "".join(out)


def _table(pairs) -> str:
    return ("<table class='kv' width='100%' cellspacing='0' cellpadding='5' border='0'>"
            + _rows(pairs) + "</table>")


def _data_rows(lab, dataset) -> list:
    d = lab.data
    n_train = getattr(dataset, "X_train", ())
    n_test = getattr(dataset, "X_test", ())
    counts = f"{len(n_train):,} training, {len(n_test):,} test"
    if d.is_custom:
        source = "Your own points (imported or placed by clicking)"
        rows = [("Data set", _esc(source)), ("Points", counts)]
        if d.class_names:
            rows.append(("Classes", _esc(", ".join(d.class_names))))
    else:
        rows = [("Data set", _esc(_generator_title(d.generator))),
                ("Points", f"{d.n_points:,} ({counts})"),
                ("Noise", f"{round(100 * d.noise)}&nbsp;%"),
                ("Training share", f"{round(100 * d.train_fraction)}&nbsp;%"),
                ("Data seed", str(d.seed))]
    rows.insert(1, ("Problem", _esc(d.problem)))
    return rows


def _hidden_layer_rows(net, title) -> list:
    """The settings rows of a dense network's hidden layers (or that it has none), each
    activation named by ``title(name)``; shared by point and function lab reports."""
    if not net.hidden:
        return [("Hidden layers", "none: the inputs feed the output directly")]
    rows = []
    for i, (n, act) in enumerate(zip(net.hidden, net.activations), 1):
        slope = f" (slope {net.leaky_slope:g})" if act == "leaky_relu" else ""
        rows.append((f"Hidden layer {i}", f"{n} neuron{'s' if n != 1 else ''}, "
                                          f"{_esc(title(act))}{slope}"))
    return rows


def _network_rows(lab, dataset) -> list:
    from actlab.engine.trainer import output_kind

    net = lab.network
    rows = [("Input features", _esc(_feature_labels(lab.features)))]
    rows += _hidden_layer_rows(net, _activation_title)
    n_classes = getattr(dataset, "n_classes", 2)
    head, n_out = output_kind(lab.data.problem, n_classes)
    rows.append(("Output layer", _esc(OUTPUT_NAMES[head].format(n=n_out))))
    rows.append(("Weight initialisation", _esc(net.init)))
    return rows


def _training_rows(lab) -> list:
    t = lab.training
    rows = [("Optimizer", _esc(OPTIMIZER_NAMES.get(t.optimizer, t.optimizer))
             + (f" (momentum {t.momentum:g})" if t.optimizer == "momentum" else "")),
            ("Learning rate", f"{t.learning_rate:g}"),
            ("Batch size", str(t.batch_size)),
            ("Regularization", _esc(REG_NAMES.get(t.regularization, t.regularization))
             + (f", rate {t.reg_rate:g}" if t.regularization != "none" else ""))]
    if t.stop_after is not None:
        rows.append(("Stop after", f"{t.stop_after:,} epochs"))
    rows.append(("Weights seed", str(lab.seed)))
    return rows


def _header_row(head) -> str:
    """The header row of a metrics table: the first column left, the numbers right."""
    return ("<tr bgcolor='#EEF1F5'>" + "".join(
        f"<th align='{'left' if i == 0 else 'right'}'>{h}</th>" for i, h in enumerate(head))
        + "</tr>")


def _metrics_table(snapshot, problem: str) -> str:
    classify = problem == "classification"
    head = ["", "Loss"] + (["Accuracy"] if classify else [])
    rows = [("Training", _num(snapshot.train_loss), _pct(snapshot.train_accuracy)),
            ("Test", _num(snapshot.test_loss), _pct(snapshot.test_accuracy))]
    out = ["<table class='metrics' cellspacing='0' cellpadding='6' border='0' width='70%'>",
           _header_row(head)]
    for name, loss, acc in rows:
        cells = [f"<td>{name}</td>", f"<td align='right'><b>{loss}</b></td>"]
        if classify:
            cells.append(f"<td align='right'><b>{acc}</b></td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _predicted(e) -> str:
    """"Predicted to fail:" before an outcome the lab expects to fail."""
    return f"<span style='color:{MUTED}'><b>Predicted to fail:</b></span> " \
        if e.should_fail else ""


def _outcomes_table(verdicts) -> str:
    out = ["<table class='outcomes' width='100%' cellspacing='0' cellpadding='5' border='0'>"]
    for v in verdicts:
        color = MARK_COLORS.get(v.look, MUTED)
        out.append(
            "<tr>"
            f"<td width='28' valign='top' align='center'><span style='color:{color}; "
            f"font-size:15pt; font-weight:bold'>{v.mark}</span></td>"
            f"<td valign='top'>{_predicted(v.expectation)}{_esc(v.expectation.describe())}<br/>"
            f"<span class='small' style='color:{color}'>{_esc(verdict_detail(v))}</span></td>"
            "</tr>")
    out.append("</table>")
    return "".join(out)


# ---------------------------------------------------------------------- the page

STYLE = f"""
body {{ font-family: 'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif; color: {INK};
        font-size: 10pt; }}
h1 {{ font-size: 20pt; margin-bottom: 2px; }}
h2 {{ font-size: 13pt; color: #0B4F7A; margin-top: 18px; margin-bottom: 6px; }}
h3 {{ font-size: 10pt; color: {INK}; margin-top: 8px; margin-bottom: 3px; }}
p {{ margin-top: 0px; margin-bottom: 6px; }}
td.key {{ color: {MUTED}; }}
td {{ font-size: 9.5pt; }}
th {{ color: {MUTED}; font-weight: bold; }}
.sub {{ color: {MUTED}; font-size: 9pt; }}
.small {{ font-size: 8.5pt; }}
.caption {{ color: {MUTED}; font-size: 8.5pt; }}
.question {{ background-color: #FFF7E6; color: #5A3A00; }}
.notes {{ background-color: #F7F8FA; }}
.footer {{ color: {MUTED}; font-size: 8pt; }}
"""
# Browsers only (QTextDocument ignores these): a readable column, centred.
BROWSER_STYLE = """
body { max-width: 780px; margin: 24px auto; padding: 0 16px; line-height: 1.35; }
table { border-collapse: collapse; }
img { height: auto; }
"""


def report_head(lab, kind: str, when) -> list[str]:
    """The top of a report page (point or image lab): the lab's name, ``kind`` and the
    date, its description, and the guide's task and question."""
    guide = lab.guide or {}
    date = f"{when.day} {when:%B %Y, %H:%M}"
    parts = [f"<h1>{_esc(lab.name)}</h1>", f"<p class='sub'>{kind} &#183; {date}</p>"]
    if lab.description:
        parts.append(paragraphs_html(lab.description))
    if guide.get("instructions") or guide.get("question"):
        parts.append("<h2>The task</h2>")
        if guide.get("instructions"):
            parts.append(paragraphs_html(guide["instructions"]))
        if guide.get("question"):
            parts.append("<table width='100%' cellspacing='0' cellpadding='8' border='0'>"
                         "<tr><td class='question' bgcolor='#FFF7E6'><b>Question.</b> "
                         f"{_esc(guide['question'])}</td></tr></table>")
    return parts


def report_tail(lab, parts: list[str], left: str, right: str, browser: bool) -> str:
    """The whole page: ``parts`` then the settings in two columns (``left``, ``right``)
    and the footer (shared by point and image reports)."""
    parts = parts + [
        "<table width='100%' cellspacing='0' cellpadding='0' border='0'><tr>"
        f"<td width='49%' valign='top'>{left}</td><td width='2%'></td>"
        f"<td width='49%' valign='top'>{right}</td></tr></table>",
        f"<p class='footer'><br/>Made with ActLab {_esc(__version__)}.</p>"]
    style = STYLE + (BROWSER_STYLE if browser else "")
    return ("<!DOCTYPE html>\n<html><head><meta charset='utf-8'/>"
            f"<title>{_esc(lab.name)} – ActLab lab report</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(parts)
            + "\n</body></html>\n")


def report_html(lab, snapshot, dataset, images: ReportImages, src, notes: str = "",
                verdicts=None, when: _dt.datetime | None = None, browser: bool = True) -> str:
    """The report page.  ``src(name)`` gives the ``src`` of picture ``name`` ("surface",
    "loss", "collapse"): a data URI for the HTML file, a resource name for the PDF."""
    when = when or _dt.datetime.now()
    guide = lab.guide or {}
    problem = lab.data.problem
    if verdicts is None:
        verdicts = check(guide, lab, snapshot.history) \
            if guide.get("expect") else []
    parts = report_head(lab, "ActLab lab report", when)

    acts = ", ".join(dict.fromkeys(map(_activation_title, lab.network.activations))) \
        or "no hidden layer"
    parts.append("<h2>Results</h2>")
    parts.append(f"<p>After <b>{snapshot.epoch:,}</b> epoch{'s' if snapshot.epoch != 1 else ''}"
                 f" ({_esc(acts)}):</p>")
    parts.append(_metrics_table(snapshot, problem))
    if snapshot.diverged:
        parts.append(f"<p style='color:{FAIL}'><b>Training diverged:</b> "
                     f"{_esc(snapshot.diverged)}</p>")
    pics = []
    if images.surface is not None:
        pics.append(("surface", SURFACE_WIDTH, "The decision surface: the network's answer "
                     "over the whole plane; dots are training points, squares test points."))
    if images.loss is not None:
        pics.append(("loss", LOSS_WIDTH, "Training loss (solid) and test loss (dashed) "
                     "after every epoch."))
    if pics:
        cells = "".join(f"<td valign='top' width='{w + 10}'><img src=\"{src(n)}\" "
                        f"width=\"{w}\" alt=\"{n}\"/><br/>"
                        f"<span class='caption'>{_esc(cap)}</span></td>"
                        for n, w, cap in pics)
        parts.append("<table cellspacing='0' cellpadding='4' border='0'><tr>" + cells
                     + "</tr></table>")
    if verdicts:
        parts.append("<h2>Expected outcomes</h2>")
        parts.append(_outcomes_table(verdicts))
    parts += predictions_parts(lab, dataset=dataset)

    notes = notes if notes else str(guide.get("notes", "") or "")
    parts.append("<h2>My notes</h2>")
    if notes.strip():
        parts.append("<table width='100%' cellspacing='0' cellpadding='8' border='0'><tr>"
                     f"<td class='notes' bgcolor='#F7F8FA'>{paragraphs_html(notes)}</td>"
                     "</tr></table>")
    else:
        parts.append("<p class='sub'>(no notes)</p>")

    if images.collapse is not None:
        parts.append("<h2>What the layers add up to</h2>")
        parts.append(f"<p><img src=\"{src('collapse')}\" width=\"{COLLAPSE_WIDTH}\" "
                     "alt=\"collapse\"/></p>")

    parts.append(run_log_html(lab, browser))  # every run the student made ("" if none)
    parts.append("<h2>Settings</h2>")
    left = (f"<h3>Data</h3>{_table(_data_rows(lab, dataset))}"
            f"<h3>Training</h3>{_table(_training_rows(lab))}")
    right = f"<h3>Network</h3>{_table(_network_rows(lab, dataset))}"
    return report_tail(lab, parts, left, right, browser)


def report_images(lab, snapshot, dataset, insights=None) -> ReportImages:
    """Render the report's pictures with :mod:`actlab.figures.render` (into a temporary folder)."""
    from actlab.figures import render

    render.ensure_app()
    images = ReportImages()
    with tempfile.TemporaryDirectory(prefix="actlab-report-") as tmp:
        folder = Path(tmp)
        if snapshot.surface is not None and dataset is not None:
            render.render_surface_png(snapshot, dataset, folder / "surface.png",
                                      size=(380, 380), scale=2.5)
            images.surface = (folder / "surface.png").read_bytes()
        render.render_loss_png(snapshot.history, folder / "loss.png", size=(430, 330),
                               scale=2.5)
        images.loss = (folder / "loss.png").read_bytes()
        if insights is not None:
            render.render_collapse_png(insights, folder / "collapse.png",
                                       problem=lab.data.problem, width=360, scale=2)
            images.collapse = (folder / "collapse.png").read_bytes()
    return images


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def write_report(lab, snapshot, dataset, path, insights=None, notes: str = "",
                 verdicts=None) -> Path:
    """Write the lab report as one self-contained HTML file at ``path`` (pictures
    embedded as base64 PNGs) and return its path.

    ``lab`` is the configuration shown (its guide gives the task and the expected
    outcomes), ``snapshot`` the run to report (a :class:`~actlab.engine.trainer.Snapshot`
    with a surface), ``dataset`` its points, ``insights`` (optional) adds the "Why
    non-linearity?" panel, ``notes`` the student's notes (default: the guide's), and
    ``verdicts`` the outcome marks (default: checked from ``snapshot.history``).
    Written atomically; raises OSError when the file cannot be written.
    """
    images = report_images(lab, snapshot, dataset, insights)
    pngs = {"surface": images.surface, "loss": images.loss, "collapse": images.collapse}
    text = report_html(lab, snapshot, dataset, images, lambda n: _data_uri(pngs[n]),
                       notes, verdicts)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, text)
    return path


def report_document(lab, snapshot, dataset, insights=None, notes: str = "",
                    verdicts=None, images: ReportImages | None = None):
    """The report as a QTextDocument (pictures added as resources), ready to print;
    ``images`` defaults to :func:`report_images`."""
    from PySide6 import QtCore, QtGui

    if images is None:
        images = report_images(lab, snapshot, dataset, insights)
    doc = QtGui.QTextDocument()
    doc.setDocumentMargin(0)
    font = QtGui.QFont(doc.defaultFont())
    font.setPointSizeF(10)
    doc.setDefaultFont(font)
    pngs = {name: getattr(images, name) for name in ("surface", "loss", "collapse")}
    for name, png in {**pngs, **run_log_pngs(lab)}.items():
        if png is not None:
            image = QtGui.QImage.fromData(png, "PNG")
            doc.addResource(QtGui.QTextDocument.ResourceType.ImageResource,
                            QtCore.QUrl(f"actlab-report:{name}.png"), image)
    doc.setHtml(report_html(lab, snapshot, dataset, images,
                            lambda n: f"actlab-report:{n}.png", notes, verdicts,
                            browser=False))
    return doc


def write_report_pdf(lab, snapshot, dataset, path, insights=None, notes: str = "",
                     verdicts=None) -> Path:
    """Write the same report as :func:`write_report` as an A4 PDF at ``path`` (Qt's
    QTextDocument printed with QPdfWriter) and return its path.  The PDF goes to a
    temporary file beside ``path`` first and is renamed over it when complete; no table
    row is split across two pages (:func:`actlab.views.pdf_pages.page_breaks`)."""
    from actlab.views.pdf_pages import write_pdf_pages

    doc = report_document(lab, snapshot, dataset, insights, notes, verdicts)
    return write_pdf_pages(doc, path, PAGE_WIDTH, title=f"{lab.name} – ActLab lab report",
                           creator=f"ActLab {__version__}",
                           footer=f"{lab.name} – ActLab lab report")
