"""``actlab train FUNCTION_LAB``: the function-lab half of :mod:`actlab.cli` (y = f(x)).

It trains one run per ``--activation`` (each name in every hidden layer; same seed, data
and minibatch order) with the point Trainer and writes ``metrics.json`` (per run: test
R², losses, epochs, seconds and, for a piecewise-linear network — every activation
linear, ReLU or leaky ReLU on the raw input x — ``pieces``, the linear pieces of the
fitted curve on [-6, 6]), ``history.csv``, ``loss.png``, ``fit.png`` (points, curve and
its kinks), the trained lab, and ``compare.png`` for several runs.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

#: counted on this grid over [-6, 6] (see actlab.engine.function_metrics)
PIECES_NOTE = ("linear pieces of the fitted curve on [-6, 6], exact: its kinks are found "
               "layer by layer from the weights (actlab.engine.pieces)")


def _num(x) -> float | None:
    return None if x is None or x != x else round(float(x), 6)


def _r2(t, part: str) -> float | None:
    from .engine.function_metrics import r2_score

    X, y = (t.dataset.X_test, t.dataset.y_test) if part == "test" else \
        (t.dataset.X_train, t.dataset.y_train)
    if len(y) == 0:
        return None
    with np.errstate(all="ignore"):
        return r2_score(y, t.predict_points(X))


def _curve(t):
    """(x, y, kinks) of the run's curve: kinks only for a piecewise-linear network."""
    from .engine import function_metrics as fm

    from .engine.activations import get_activation
    from .engine.pieces import kinks as exact_kinks
    from .engine.pieces import not_piecewise_linear_reason

    x, y = fm.curve_on_grid(t.network, t.features, fm.GRID_POINTS)
    net = t.lab.network
    # the lab's own (custom) activations too: a designed one is piecewise linear
    acts = [get_activation(a, net.leaky_slope, net.custom) for a in net.activations]
    kinks = None
    if not_piecewise_linear_reason(acts, list(t.features)) is None and np.isfinite(y).all():
        # exact: the kinks propagated layer by layer from the weights (the grid count
        # misses kinks closer than its spacing)
        kinks = np.asarray(exact_kinks(t.network.get_params(), acts, -6.0, 6.0,
                                       list(t.features), leaky_slope=net.leaky_slope))
    return x, y, kinks


def compare_fit_run(name: str, t, curve=None):
    """The plot of one run in compare.png (the window's comparison exports the same):
    the activation's name and the test R² as its title, the curve and its kinks.
    ``curve`` is the run's ``_curve(t)`` when already computed."""
    from .engine.activations import display_name
    from .render_functions import FitRun

    x, y, kinks = curve if curve is not None else _curve(t)
    r2 = _r2(t, "test")
    title = display_name(name, getattr(t.lab.network, "custom", ()))
    return FitRun(title + (f" · R² {r2:.3f}" if r2 is not None else ""), t.dataset, x, y,
                  kinks if kinks is not None else np.zeros(0))


def function_metrics(t, seconds: float, loss_note: str, kinks) -> dict:
    """metrics.json's entry for one run (``kinks`` None: not piecewise linear)."""

    last = t.history.last() if len(t.history) else t.evaluate()
    d = {"epochs": t.epoch, "seconds": round(seconds, 3),
         "test_r2": _num(_r2(t, "test")), "train_r2": _num(_r2(t, "train")),
         "train_loss": _num(last["train_loss"]), "test_loss": _num(last["test_loss"]),
         "loss_note": loss_note, "diverged": t.diverged, "seed": t.lab.seed,
         "activations": list(t.lab.network.activations), "features": list(t.features)}
    if kinks is not None:
        d["pieces"] = int(len(kinks) + 1)
        d["pieces_note"] = PIECES_NOTE
    return d


def train_functions(args, lab, stem: str, out: Path, activations: list[str],
                    epochs: int) -> int:
    from .cli import (LOSS_NOTE, CliError, _printable, _train_lock_step, activation_trainers,
                      figure_titles)
    from .labfile import LabFileError

    trainers = activation_trainers(args, lab, activations)
    if (args.instruments or args.report) and not args.quiet:
        print("actlab: --instruments and --report cover point and image labs only for "
              "now; skipped for this function lab", file=sys.stderr)
    t0 = time.perf_counter()
    _train_lock_step([t for _, t in trainers], epochs, quiet=args.quiet)
    seconds = time.perf_counter() - t0
    try:
        _write(out, stem, trainers, seconds, LOSS_NOTE, figure_titles)
    except (LabFileError, OSError) as e:
        raise CliError(f"{_printable(str(out))}: cannot write the results "
                       f"({_printable(getattr(e, 'strerror', None) or str(e), 200)})") from None
    if not args.quiet:
        print(f"actlab: wrote results to {out}", file=sys.stderr)
    return 0


def _write(out: Path, stem: str, trainers, seconds: float, loss_note: str,
           figure_titles) -> None:
    from . import render
    from .atomic import write_text_atomic
    from .labfile import save_lab
    from .render_functions import FitRun, render_fit_png, render_function_compare_png
    from .views.export import export_csv_history

    render.ensure_app()
    metrics, runs = {}, []
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
            label += f" · {len(kinks) + 1} pieces"
        run = FitRun(label, t.dataset, x, y, kinks if kinks is not None else np.zeros(0))
        render_fit_png(run, out / f"fit{suffix}.png")
        save_lab(t.to_lab(), out / f"{stem}{suffix}-trained.actlab")
        runs.append(compare_fit_run(name, t, (x, y, kinks)) if name else
                    FitRun(title + (f" · R² {r2:.3f}" if r2 is not None else ""),
                           t.dataset, x, y, run.kinks))
    if len(trainers) > 1:
        render_function_compare_png(runs, out / "compare.png")
        doc = {"loss_note": loss_note, "runs": metrics}
    else:
        doc = next(iter(metrics.values()))
    write_text_atomic(out / "metrics.json", json.dumps(doc, indent=2) + "\n")
