"""The lab report of a function lab (y = f(x)): one HTML (or PDF) page from
``actlab train FUNCTION_LAB --report``.

Like the image report (:mod:`actlab.report.images`) it reuses the page style, tables and
outcome marks of :mod:`actlab.report` and reads the figures the CLI has just written
back from the output folder, so the report shows exactly the files beside it: per run
``fit.png`` (points, curve, kinks) and ``loss.png``, with ``--instruments`` also
``collapse.png`` (the one line of an all-linear network) and ``gradients.png``; and
``compare.png`` for several runs.  The results table gives each run's test and training
R², losses and, for a piecewise-linear network, its linear pieces on [-6, 6] beside the
upper bound for its architecture.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from actlab.atomic import write_text_atomic
from actlab.report.points import _data_uri, _esc, _header_row, _hidden_layer_rows, _num
from actlab.report.runs import read_figures, runs_report_html, write_figures_pdf
from actlab.report.runs import figure_names as _figure_names

__all__ = ["function_report_html", "write_function_report", "write_function_report_pdf"]

#: The per-run figures in report order, with their widths (CSS pixels) and captions.
RUN_FIGURES = (
    ("fit", 480, "Training points (dots), test points (squares) and the network's curve; "
                 "for a piecewise-linear network its kinks are marked (diamonds)."),
    ("loss", 340, "Training loss (solid) and test loss (dashed) after every epoch."),
    ("collapse", 480, "Every activation is linear: the network is the one dashed line "
                      "y = w·x + b, drawn over its curve."),
    ("gradients", 480, "Gradient size per layer during training, dead units and the "
                       "pre-activations of each hidden layer."),
)


def figure_names(runs) -> list[str]:
    """The file stems of every figure the report may show, in page order."""
    return _figure_names(runs, RUN_FIGURES)


def _pieces(m: dict) -> tuple[str, str]:
    if "pieces" not in m:
        return "–", "–"
    return f"{m['pieces']:,}", f"{m['pieces_upper_bound']:,}"


def _results_table(runs) -> str:
    head = ["Run", "Epochs", "Test R²", "Train R²", "Test loss", "Train loss",
            "Linear pieces", "Upper bound"]
    out = ["<table class='metrics' cellspacing='0' cellpadding='5' border='0' width='100%'>",
           _header_row(head)]
    for r in runs:
        m = r.metrics
        cells = [f"<td>{_esc(r.label)}</td>", f"<td align='right'>{m['epochs']:,}</td>"]
        cells += [f"<td align='right'><b>{_num(m[k], 3)}</b></td>"
                  for k in ("test_r2", "train_r2")]
        cells += [f"<td align='right'>{_num(m[k])}</td>" for k in ("test_loss", "train_loss")]
        cells += [f"<td align='right'><b>{v}</b></td>" for v in _pieces(m)]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _notes_on_pieces(runs) -> str:
    if not any("pieces" in r.metrics for r in runs):
        return ""
    return ("<p class='small'>Linear pieces: the fitted curve on [-6, 6] is straight between "
            "its kinks, counted exactly from the weights. The upper bound is the most "
            "pieces this architecture can make (one layer of N ReLU units: N + 1). "
            "'–': a smooth network (or features x², sin x) has no pieces to count.</p>")


def collapse_sentence(metrics: dict) -> str | None:
    """The plain sentence of a run's ``collapse`` entry (an all-linear network), or None."""
    c = metrics.get("collapse")
    if not c:
        return None
    if c["features"] == ["x"]:
        w, b = c["w"][0], c["b"]
        line = f"y = {w:.4g}·x {'+' if b >= 0 else '−'} {abs(b):.4g}"
    else:
        line = "one affine map of its input features (" + ", ".join(c["features"]) + ")"
    return (f"Every hidden activation is linear, so however many layers and neurons it "
            f"has, the network is the single line {line}: network and line differ by at "
            f"most {c['max_difference']:.3g} on [-6, 6] (rounding only).")


def _collapse_sentences(metrics: dict) -> list[str]:
    sentence = collapse_sentence(metrics)
    return [sentence] if sentence else []


def _data_rows(lab, dataset) -> list:
    from actlab.engine.data.functions import FUNCTION_GENERATORS

    d = lab.data
    counts = f"{len(dataset.X_train):,} training, {len(dataset.X_test):,} test"
    if d.points is not None:
        return [("Data set", "Your own points (drawn or imported)"), ("Points", counts)]
    info = FUNCTION_GENERATORS.get(d.generator)
    return [("Data set", _esc(info.title if info else d.generator)),
            ("Problem", "regression: fit y = f(x) on [-6, 6]"),
            ("Points", f"{d.n_points:,} ({counts})"),
            ("Noise", f"{round(100 * d.noise)}&nbsp;%"),
            ("Training share", f"{round(100 * d.train_fraction)}&nbsp;%"),
            ("Data seed", str(d.seed))]


def _network_rows(lab) -> list:
    from actlab.engine.activations.lookup import display_name
    from actlab.engine.features import feature_label

    net = lab.network
    rows = [("Input features", _esc(", ".join(feature_label(f) for f in lab.features)))]
    rows += _hidden_layer_rows(net, lambda act: display_name(act, net.custom))
    rows.append(("Output layer", "1 neuron, linear (the predicted y), squared error"))
    for c in net.custom:  # the student's designed activations, by value
        what = c.describe() if hasattr(c, "describe") else \
            "piecewise linear through " + ", ".join(f"({x:g}, {y:g})" for x, y in c.points)
        rows.append((f"Designed activation {c.name}", _esc(what)))
    rows.append(("Weight initialisation", _esc(net.init)))
    return rows


def function_report_html(lab, runs, src, have=None, when: _dt.datetime | None = None,
                         browser: bool = True) -> str:
    """The report page of a function lab: ``lab`` the lab as given, ``runs`` its
    :class:`~actlab.outputs.functions.FunctionRun` list, ``src(name)`` the ``src`` of figure
    ``name`` (e.g. "fit-relu"), ``have`` the figure names that exist (default: all)."""
    return runs_report_html(
        lab, runs, src, have, kind="ActLab function lab report",
        results=[_results_table(runs), _notes_on_pieces(runs)],
        compare_caption="The curve of every run on the same axes, with its test R².",
        run_figures=RUN_FIGURES, sentences=_collapse_sentences,
        data_rows=_data_rows(lab, runs[0].trainer.dataset),
        network_rows=_network_rows(runs[0].trainer.lab),
        same_network="Every run uses this network with its own activation in every hidden "
                     "layer, the same seeds, points and minibatch order.", when=when,
        browser=browser)


def write_function_report(out, lab, runs, path=None) -> Path:
    """Write ``report.html`` (or ``path``) in the results folder ``out``, with every
    figure found there embedded; atomic.  Returns its path."""
    pngs = read_figures(out, figure_names(runs))
    text = function_report_html(lab, runs, lambda n: _data_uri(pngs[n]), have=pngs)
    path = Path(path) if path is not None else Path(out) / "report.html"
    write_text_atomic(path, text)
    return path


def write_function_report_pdf(out, lab, runs, path=None) -> Path:
    """Write the same report as an A4 PDF, ``report.pdf`` (or ``path``) in ``out``."""
    pngs = read_figures(out, figure_names(runs))
    path = Path(path) if path is not None else Path(out) / "report.pdf"
    return write_figures_pdf(
        lab, pngs, lambda src: function_report_html(lab, runs, src, have=pngs,
                                                    browser=False), path)
