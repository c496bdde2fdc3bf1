"""``actlab train FUNCTION_LAB``: what the CLI writes for a function lab (y = f(x)).

It trains one run per ``--activation`` (each name in every hidden layer; same seed, data
and minibatch order) with the point Trainer and writes ``metrics.json`` (per run: test
R², losses, epochs, seconds and, for a piecewise-linear network — every activation
linear, ReLU or leaky ReLU on the raw input x — ``pieces``, the linear pieces of the
fitted curve on [-6, 6]), ``history.csv``, ``loss.png``, ``fit.png`` (points, curve and
its kinks), the trained lab, and ``compare.png`` for several runs.

``--instruments`` adds, per run, ``gradients.png`` (gradient flow per layer, dead units,
pre-activation histograms, as for point labs) and, for a network with every activation
linear, ``collapse.png``: the one line y = w·x + b it equals, dashed over its curve, with
the measured difference.  ``--report`` adds ``report.html`` and ``report.pdf``
(:mod:`actlab.report.functions`), built from the figures written.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actlab.outputs.runs import (
    LOSS_NOTE, finite, json_text, GradientSampler, activation_trainers, cannot_write, figure_titles,
    train_in_lock_step)

#: counted on this grid over [-6, 6] (see actlab.engine.analysis.curve_metrics)
PIECES_NOTE = ("linear pieces of the fitted curve on [-6, 6], exact: its kinks are found "
               "layer by layer from the weights (actlab.engine.analysis.pieces)")


def _r2(t, part: str) -> float | None:
    from actlab.engine.analysis.curve_metrics import r2_score

    X, y = (t.dataset.X_test, t.dataset.y_test) if part == "test" else \
        (t.dataset.X_train, t.dataset.y_train)
    if len(y) == 0:
        return None
    with np.errstate(all="ignore"):
        return r2_score(y, t.predict_points(X))


def _curve(t):
    """(x, y, kinks) of the run's curve: kinks only for a piecewise-linear network."""
    from actlab.engine.analysis import curve_metrics as fm

    x, y = fm.curve_on_grid(t.network, t.features, fm.GRID_POINTS)
    kinks = None
    if fm.is_piecewise_linear(t.lab.network.activations, t.features, t.network.custom) and \
            np.isfinite(y).all():
        from actlab.engine.analysis.pieces import kinks as exact_kinks
        # exact: the kinks propagated layer by layer from the weights (the grid count
        # misses kinks closer than its spacing); the network's own Activation objects,
        # so a designed activation's kinks are followed too
        kinks = np.asarray(exact_kinks(t.network.get_params(), t.network.acts,
                                       -6.0, 6.0, list(t.features)))
    return x, y, kinks


def _collapse(t):
    """The 1-D collapse of a run whose hidden activations are all linear (a designed one
    that is a line included): :class:`~actlab.engine.analysis.pieces.CollapseLine`, else None."""
    from actlab.engine.analysis.pieces import collapse_line

    if not all(a.is_linear for a in t.network.acts):
        return None
    with np.errstate(all="ignore"):
        return collapse_line(t.network.get_params(), t.network.acts, -6.0, 6.0,
                             list(t.features))


def compare_fit_run(name: str, t, curve=None):
    """The plot of one run in compare.png (the window's comparison exports the same):
    the activation's name and the test R² as its title, the curve and its kinks.
    ``curve`` is the run's ``_curve(t)`` when already computed."""
    from actlab.engine.activations.lookup import display_name
    from actlab.figures.functions import FitRun

    x, y, kinks = curve if curve is not None else _curve(t)
    r2 = _r2(t, "test")
    title = display_name(name, getattr(t.lab.network, "custom", ()))
    return FitRun(title + (f" · R² {r2:.3f}" if r2 is not None else ""), t.dataset, x, y,
                  kinks if kinks is not None else np.zeros(0))


def function_metrics(t, seconds: float, loss_note: str, kinks) -> dict:
    """metrics.json's entry for one run (``kinks`` None: not piecewise linear)."""
    from actlab.engine.analysis.pieces import pieces_upper_bound

    last = t.history.last() if len(t.history) else t.evaluate()
    d = {"epochs": t.epoch, "seconds": round(seconds, 3),
         "test_r2": finite(_r2(t, "test")), "train_r2": finite(_r2(t, "train")),
         "train_loss": finite(last["train_loss"]), "test_loss": finite(last["test_loss"]),
         "loss_note": loss_note, "diverged": t.diverged, "seed": t.lab.seed,
         "activations": list(t.lab.network.activations), "features": list(t.features)}
    if kinks is not None:
        d["pieces"] = int(len(kinks) + 1)
        d["pieces_upper_bound"] = pieces_upper_bound(t.lab.network.hidden, t.network.acts)
        d["pieces_note"] = PIECES_NOTE
    line = _collapse(t)
    if line is not None:
        d["collapse"] = {"w": [finite(v) for v in line.w], "b": finite(line.b),
                         "features": list(t.features),
                         "max_difference": float(f"{line.max_difference:.3g}"),
                         "note": COLLAPSE_NOTE}
    return d


COLLAPSE_NOTE = ("every hidden activation is linear, so the network is one affine map "
                 "y = w·features + b; max_difference is the largest |network − map| on "
                 "2001 x values in [-6, 6] (rounding only)")


@dataclass
class FunctionRun:
    """One written run: its name ("Linear", or the lab's title for a single run), the
    file-name ``suffix`` of its figures ("" or "-linear"), its Trainer, its metrics.json
    entry and what its fit figure shows."""

    label: str
    suffix: str
    trainer: object
    metrics: dict
    fit: object  # render_functions.FitRun


def train_functions(args, lab, stem: str, out: Path, activations: list[str],
                    epochs: int, lab_dir: Path | None = None) -> int:
    """Train and write the runs of function ``lab`` (see the module doc); 0 when done."""
    from actlab.labfile.format import LabFileError

    trainers = activation_trainers(args, lab, activations)
    runs = [t for _, t in trainers]
    logs = GradientSampler(runs, epochs) if args.instruments else None
    t0 = time.perf_counter()
    train_in_lock_step(runs, epochs, quiet=args.quiet,
                       after_chunk=logs.sample if logs else None,
                       chunk=min(50, logs.every) if logs else 50)
    seconds = time.perf_counter() - t0
    try:
        written = _write(out, stem, trainers, seconds, LOSS_NOTE, figure_titles)
        if args.instruments:
            _write_instruments(out, written, logs)
        if args.report:
            from actlab.report.functions import write_function_report, write_function_report_pdf
            write_function_report(out, lab, written)
            write_function_report_pdf(out, lab, written)
    except (LabFileError, OSError) as e:
        raise cannot_write(out, e) from None
    if not args.quiet:
        print(f"actlab: wrote results to {out}", file=sys.stderr)
    return 0


def write_run_report(lab, trainer, path, notes: str = "") -> Path:
    """The window's lab report of one function run (``trainer``, a copy of the window's
    run): its figures are drawn into a temporary folder exactly as ``actlab train
    --report`` draws them, then embedded in ``path`` (HTML, or PDF when it ends in .pdf).
    The report reads the student's notes from the lab's guide (``notes`` is the same text
    as the window typed it, taken for the point report's signature)."""
    import tempfile

    from actlab.report.functions import write_function_report, write_function_report_pdf

    with tempfile.TemporaryDirectory(prefix="actlab-report-") as tmp:
        written = _write(Path(tmp), "lab", [("", trainer)], 0.0, LOSS_NOTE, figure_titles)
        writer = write_function_report_pdf if str(path).lower().endswith(".pdf") \
            else write_function_report
        return writer(tmp, lab, written, path)


def _write_instruments(out: Path, written, sampler) -> None:
    """gradients.png of every run and, for an all-linear one fed x alone, collapse.png."""
    from dataclasses import replace

    from actlab.figures import render
    from actlab.engine.analysis.insights import compute_insights

    for i, r in enumerate(written):
        with np.errstate(all="ignore"):
            insights = compute_insights(r.trainer, sampler.logs[i], grid=40)
        render.render_gradients_png(insights, out / f"gradients{r.suffix}.png")
        c = r.metrics.get("collapse")
        if c is not None and c["features"] == ["x"]:
            from actlab.figures.functions import render_fit_png
            diff = c["max_difference"]
            # a short title: a long one widens the plot beyond the figure and crops it
            fit = replace(r.fit, line=(c["w"][0], c["b"]),
                          title=f"{r.label}: one line · max |network − line| {diff:.2g}")
            render_fit_png(fit, out / f"collapse{r.suffix}.png")


def _write(out: Path, stem: str, trainers, seconds: float, loss_note: str,
           figure_titles) -> list[FunctionRun]:
    """Every output but the instruments and the report; the runs as written."""
    from actlab.figures import render
    from actlab.atomic import write_text_atomic
    from actlab.engine.activations.lookup import display_name
    from actlab.labfile.format import save_lab
    from actlab.figures.functions import FitRun, render_fit_png, render_function_compare_png
    from actlab.views.export import export_csv_history

    render.ensure_app()
    metrics, runs, written = {}, [], []
    for name, t in trainers:
        suffix = f"-{name}" if name and len(trainers) > 1 else ""
        snap = t.snapshot(grid=None, neurons=False)
        x, y, kinks = _curve(t)
        metrics[name or "run"] = function_metrics(t, seconds, loss_note, kinks)
        export_csv_history(snap.history, out / f"history{suffix}.csv")
        title, loss_title = figure_titles(t.lab, t.epoch)
        render.render_loss_png(snap.history, out / f"loss{suffix}.png", title=loss_title)
        r2 = metrics[name or "run"]["test_r2"]
        label = f"{title} · test R² {r2:.3f}" if r2 is not None else title
        if kinks is not None:
            label += f" · {len(kinks) + 1} piece{'s' * (len(kinks) > 0)}"
        run = FitRun(label, t.dataset, x, y, kinks if kinks is not None else np.zeros(0))
        render_fit_png(run, out / f"fit{suffix}.png")
        save_lab(t.to_lab(), out / f"{stem}{suffix}-trained.actlab")
        runs.append(compare_fit_run(name, t, (x, y, kinks)) if name else
                    FitRun(title + (f" · R² {r2:.3f}" if r2 is not None else ""),
                           t.dataset, x, y, run.kinks))
        written.append(FunctionRun(display_name(name, t.network.custom) if name else title,
                                   suffix, t, metrics[name or "run"], run))
    if len(trainers) > 1:
        render_function_compare_png(runs, out / "compare.png")
        doc = {"loss_note": loss_note, "runs": metrics}
    else:
        doc = next(iter(metrics.values()))
    write_text_atomic(out / "metrics.json", json_text(doc))
    return written
