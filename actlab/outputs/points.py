"""``actlab train POINT_LAB``: one run per ``--activation`` (every hidden layer; same seed,
data and minibatch order) written as ``metrics.json``, ``history.csv``, ``surface.png``,
``loss.png`` and the trained lab, ``compare.png`` for several runs; ``--instruments`` adds
``collapse.png``, ``gradients.png`` and ``regions.png`` (where defined) per run,
``--report`` the report of the first run."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from actlab.atomic import write_text_atomic
from actlab.engine.analysis.insights import compute_insights
from actlab.figures import render
from actlab.labfile.format import LabFileError, save_lab
from actlab.report.points import write_report, write_report_pdf
from actlab.views.export import export_csv_history
from actlab.outputs.runs import (
    LOSS_NOTE, json_text, GradientSampler, activation_trainers, cannot_write, figure_titles, run_metrics,
    train_in_lock_step)


def train_points(args, lab, stem: str, out: Path, activations: list[str], epochs: int,
                 lab_dir: Path | None = None) -> int:
    """Train and write the runs of point ``lab`` (see the module doc); 0 when done."""
    trainers = activation_trainers(args, lab, activations)
    logs = GradientSampler([t for _, t in trainers], epochs) if args.instruments else None
    t0 = time.perf_counter()
    train_in_lock_step([t for _, t in trainers], epochs, quiet=args.quiet,
                       after_chunk=logs.sample if logs else None,
                       chunk=min(50, logs.every) if logs else 50)
    seconds = time.perf_counter() - t0
    try:
        _write_outputs(out, stem, trainers, seconds)
    except (LabFileError, OSError) as e:
        raise cannot_write(out, e) from None
    if args.instruments or args.report:
        _write_teaching_outputs(out, trainers, logs, instruments=args.instruments,
                                report=args.report)
    if not args.quiet:
        print(f"actlab: wrote results to {out}", file=sys.stderr)
    return 0


def _write_outputs(out: Path, stem: str, trainers, seconds: float) -> None:
    render.ensure_app()
    metrics = {}
    runs = []
    for name, t in trainers:
        suffix = f"-{name}" if name and len(trainers) > 1 else ""
        snap = t.snapshot(grid=100, neurons=False)
        metrics[name or "run"] = run_metrics(t, seconds)
        export_csv_history(snap.history, out / f"history{suffix}.csv")
        title, loss_title = figure_titles(t.lab, t.epoch)
        render.render_surface_png(snap, t.dataset, out / f"surface{suffix}.png", title=title)
        render.render_loss_png(snap.history, out / f"loss{suffix}.png", title=loss_title)
        lab = t.to_lab()  # after a divergence: the last good weights and their history
        save_lab(lab, out / f"{stem}{suffix}-trained.actlab")
        runs.append((name or title, snap, t.dataset))
    if len(trainers) > 1:
        render.render_compare_png(runs, out / "compare.png")
        doc = {"loss_note": LOSS_NOTE, "runs": metrics}
    else:
        doc = next(iter(metrics.values()))
    write_text_atomic(out / "metrics.json", json_text(doc))


def _write_teaching_outputs(out: Path, trainers, sampler, instruments: bool,
                            report: bool) -> None:
    """The instrument figures of every run and the report of the first run."""
    for i, (name, t) in enumerate(trainers):
        suffix = f"-{name}" if name and len(trainers) > 1 else ""
        log = sampler.logs[i] if sampler is not None else None
        with np.errstate(all="ignore"):
            insights = compute_insights(t, log, grid=100)
        if instruments:
            render.render_collapse_png(insights, out / f"collapse{suffix}.png",
                                       problem=t.dataset.problem)
            render.render_gradients_png(insights, out / f"gradients{suffix}.png")
            if insights.regions is not None:
                render.render_regions_png(insights, out / f"regions{suffix}.png")
        if report and i == 0:
            snap = t.snapshot(grid=100, neurons=False)
            for write, filename in ((write_report, "report.html"),
                                    (write_report_pdf, "report.pdf")):
                write(t.lab, snap, t.dataset, out / filename, insights=insights)


def write_run_report(lab, trainer, path, notes: str = "") -> Path:
    """The window's lab report of one point run (``trainer``, a copy of the window's run)
    in ``path`` (HTML, or PDF when it ends in .pdf), with the student's ``notes``."""
    snapshot = trainer.snapshot(grid=100, neurons=False)
    insights = compute_insights(trainer, grid=60)
    writer = write_report_pdf if str(path).lower().endswith(".pdf") else write_report
    return writer(lab, snapshot, trainer.dataset, path, insights=insights, notes=notes)
