"""``actlab train IMAGE_LAB``: what the CLI writes for an image lab.

It trains one run per ``--activation`` (each name in every convolution and dense layer;
same seed, images and minibatch order) and writes ``metrics.json`` (per run: losses,
accuracies, epochs, seconds and — when its convolutions collapse — ``conv_collapse``,
measured on the test images; for a network with nothing non-linear anywhere also
``linear_templates``; for a piecewise-linear one ``local_linear``), ``history.csv``, ``loss.png``, the trained lab, and the image
figures through :func:`write_image_figures_hook`: ``samples.png``, ``filters.png``,
``featuremaps.png``, ``confusion.png`` (and ``templates.png`` for a piecewise-linear
network) per run and ``compare.png`` for several runs.
With ``--report`` it adds ``report.html`` and ``report.pdf`` of every run
(:mod:`actlab.report.images`), built from those figures.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from actlab.outputs.runs import (
    LOSS_NOTE, finite, json_text, CliError, cannot_write, printable_arg, train_in_lock_step)


def _tiny(x) -> float | None:
    """Differences of rounding size: keep them in scientific form, not rounded to 0."""
    return None if x is None else float(f"{float(x):.3e}")


def conv_collapse_entries(trainer) -> list[dict]:
    """One entry per run of consecutive convolutions of ``trainer``'s network that merge
    into one (see :func:`actlab.engine.conv_analysis.conv_runs`), measured on the test
    images (the training images when there are none); [] when nothing collapses."""
    from actlab.engine.analysis import conv as conv_analysis

    spec, ds = trainer.network.spec, trainer.dataset
    images = ds.x_test if ds.n_test else ds.x_train
    params = trainer.network.get_params()
    out = []
    for run in conv_analysis.conv_runs(spec.conv, spec.leaky_slope):
        with np.errstate(all="ignore"):
            c = conv_analysis.collapse_run(params, spec.conv, run, images, spec.leaky_slope)
        out.append({
            "layers": list(range(c.first + 1, c.last + 2)), "summary": c.summary,
            "layer_kernel_sizes": [list(k) for k in c.layer_kernel_sizes],
            "kernel_size": list(c.kernel_size), "stride": c.stride,
            "max_difference": _tiny(c.max_difference),
            "relative_difference": _tiny(c.relative_difference),
            "interior_difference": _tiny(c.interior_difference),
            "interior_relative": _tiny(c.interior_relative),
            "border_difference": _tiny(c.border_difference),
            "border_relative": _tiny(c.border_relative),
            "interior_pixels": c.n_interior, "border_pixels": c.n_border,
            "measured_on": f"{len(images)} {'test' if ds.n_test else 'training'} images",
            "note": c.note})
    return out


def linear_templates_entry(trainer) -> dict | None:
    """For a network with no non-linearity anywhere: how far the network is from its
    class templates (``scores = T·x + c``) on the test images; None otherwise."""
    from actlab.engine.analysis import conv as conv_analysis

    spec, ds = trainer.network.spec, trainer.dataset
    if conv_analysis.first_nonlinearity(spec.conv, spec.activations,
                                        spec.leaky_slope) is not None:
        return None
    images = ds.x_test if ds.n_test else ds.x_train
    with np.errstate(all="ignore"):
        t = conv_analysis.templates(trainer.network.get_params(), spec.conv, spec.head,
                                    spec.input_size, images, spec.activations,
                                    leaky_slope=spec.leaky_slope)
    return {"max_difference": _tiny(t.max_difference),
            "relative_difference": _tiny(t.relative_difference),
            "note": "every class score is one template image dotted with the input plus "
                    "a constant"}


def local_linear_entry(trainer) -> dict | None:
    """For a network whose activations are all piecewise linear: how far its logits are
    from each image's own affine map ``⟨T(x), x⟩ + c(x)`` on the test images (the
    training images when there are none) and how many distinct activation patterns —
    local maps — they have (1 for a fully linear network); None for a smooth network."""
    from actlab.engine.analysis import local_linear as ll

    spec, ds = trainer.network.spec, trainer.dataset
    images = ds.x_test if ds.n_test else ds.x_train
    if ll.not_piecewise_linear(spec.conv, spec.activations, spec.leaky_slope) is not None:
        return None
    with np.errstate(all="ignore"):
        c = ll.local_linear_check(trainer.network.get_params(), spec.conv, spec.head,
                                  images, spec.activations, spec.leaky_slope,
                                  scores=trainer.network.logits(images))
    return {"max_difference": _tiny(c.max_difference),
            "relative_difference": _tiny(c.relative_difference),
            "activation_patterns": c.activation_patterns, "images": c.images,
            "measured_on": f"{c.images} {'test' if ds.n_test else 'training'} images",
            "note": "on each image the network is exactly affine: logit = template(x) · x "
                    "+ c(x), one template per activation pattern"}


def image_metrics(trainer, seconds: float, loss_note: str) -> dict:
    last = trainer.history.last() if trainer.epoch else trainer.evaluate()
    doc = {"epochs": trainer.epoch, "seconds": round(seconds, 3),
           "train_loss": finite(last["train_loss"]), "test_loss": finite(last["test_loss"]),
           "train_accuracy": finite(last["train_accuracy"]),
           "test_accuracy": finite(last["test_accuracy"]), "loss_note": loss_note,
           "diverged": trainer.diverged, "seed": trainer.lab.seed,
           "activations": list(trainer.lab.network.activation_names())}
    collapse = conv_collapse_entries(trainer)
    if collapse:
        doc["conv_collapse"] = collapse
    templates = linear_templates_entry(trainer)
    if templates is not None:
        doc["linear_templates"] = templates
    local = local_linear_entry(trainer)
    if local is not None:
        doc["local_linear"] = local
    doc["layers"] = layer_entries(trainer)
    doc.update(confusion_entry(trainer))
    return doc


def layer_entries(trainer, limit: int = 256) -> list[dict]:
    """Per weight layer: its mean |∂L/∂W| on (up to ``limit``) training images, and for a
    convolution its dead filters — silent (exactly 0 after the activation) on every one
    of those images, so they pass no signal and get no gradient (1-based numbers)."""
    import numpy as np

    from actlab.engine.analysis import conv as ca
    from actlab.engine.analysis import conv_reference as ref
    from actlab.engine.activations.lookup import display_name

    net, ds, spec = trainer.network, trainer.dataset, trainer.lab.network
    X, y = ds.x_train[:limit], ds.y_train[:limit]
    params = net.get_params()
    with np.errstate(all="ignore"):
        _, grads = net.loss_and_grads(X, y)
        specs = [ref.as_spec(c, i) for i, c in enumerate(spec.conv)]
        _, trace = ref.forward(params, specs, ref.head_kind(spec.head), X,
                               tuple(spec.activations), spec.leaky_slope, trace=True)
    dead = ca.dead_filters(trace.post)
    out = []
    for i, (K, _) in enumerate(grads):
        entry = {"layer": i + 1, "mean_abs_gradient": _tiny(np.mean(np.abs(K)))}
        if i < len(spec.conv):
            c = spec.conv[i]
            entry.update(kind="conv", filters=c.filters, kernel=c.kernel,
                         activation=display_name(c.activation),
                         dead_filters=[k + 1 for k in dead[i]])
        elif i < len(grads) - 1:
            entry.update(kind="dense",
                         activation=display_name(spec.activations[i - len(spec.conv)]))
        else:
            entry.update(kind="output")
        out.append(entry)
    return out


def confusion_entry(trainer) -> dict:
    """The test images' confusion matrix (rows: true class, columns: predicted)."""
    import numpy as np

    from actlab.engine.analysis.conv import confusion_matrix

    ds = trainer.dataset
    if ds.n_test == 0:
        return {}
    with np.errstate(all="ignore"):
        predicted = np.argmax(trainer.network.predict(ds.x_test), axis=1)
    M = confusion_matrix(ds.y_test, predicted, ds.n_classes)
    return {"class_names": list(ds.class_names), "confusion": M.tolist()}


def write_image_figures_hook(out: Path, runs) -> list[Path]:
    """Write each run's figures (samples, filters, featuremaps, confusion; with the
    run's suffix when there are several) and, for several runs, ``compare.png`` —
    ``runs`` a list of ``(label, suffix, trainer)``: the run's name (its activation, or
    the lab's name), the file-name suffix ("" or "-relu") and its Trainer.
    Returns the paths written.  A figure that cannot be drawn raises a ValueError that
    names it, after the others are written."""
    import shutil
    import tempfile

    from actlab.figures.image_compare import trainer_entry, write_compare_png
    from actlab.figures.image_run import ImageRunResult, write_image_figures

    from actlab.engine.activations.lookup import display_name

    written: list[Path] = []
    compare = []
    for label, suffix, t in runs:
        label = display_name(label)  # "relu" -> "ReLU"; a lab's own title stays as it is
        history = t.snapshot().history
        run = ImageRunResult(network=t.network, spec=t.lab.network, data=t.dataset,
                             history=history, title=str(label))
        if not suffix:
            written += list(write_image_figures(out, run).values())
        else:  # the figures have fixed names: draw them aside, then add the suffix
            with tempfile.TemporaryDirectory(dir=out) as tmp:
                for key, path in write_image_figures(tmp, run).items():
                    target = out / f"{key}{suffix}.png"
                    shutil.move(str(path), target)  # same folder: an atomic rename
                    written.append(target)
        compare.append(trainer_entry(str(label), t))  # the window's compare draws the same
    if len(runs) > 1:
        written.append(write_compare_png(out / "compare.png", compare))
    return written


def train_images(args, lab, stem: str, out: Path, activations: list[str], epochs: int,
                 lab_dir: Path | None = None) -> int:
    """Train and write the runs of image ``lab`` (see the module doc); 0 when done.
    ``lab_dir``: the lab file's folder, which a relative ``data.source`` is read from."""
    from actlab.engine.lockstep import image_variant
    from actlab.engine.trainer import Trainer
    from actlab.labfile.format import LabFileError
    from actlab.kinds.image_sources import load_lab_images, source_outside

    images = getattr(args, "images", None)
    base = where = None
    if images is not None:  # --images: an absolute source already
        where = "--images"
    else:
        base = lab_dir
        where = f"{printable_arg(str(args.lab), 200)}: data.source"
        outside = source_outside(lab, base)
        if outside is not None:  # read (the lab was named on purpose), but say where from
            print(f"actlab: note: {where}: reading images from outside the lab's folder: "
                  f"{printable_arg(str(outside), 300)}", file=sys.stderr)
    try:  # read once, shared by every run (a folder is decoded here, outside the engine)
        lab, data = load_lab_images(lab, base)
    except ValueError as e:  # ImageFileError: "<file>: <problem>", one line
        raise CliError(f"{where}: {e}") from None
    # lock step: the variants start from the same kernels (see engine.lockstep)
    variants = [(a, image_variant(lab, a)) for a in activations] or [(None, lab)]
    try:
        trainers = [(name, Trainer(v, data)) for name, v in variants]
    except ValueError as e:
        raise CliError(f"{args.lab or images}: {e}") from None
    t0 = time.perf_counter()
    train_in_lock_step([t for _, t in trainers], epochs, quiet=args.quiet, chunk=5)
    seconds = time.perf_counter() - t0
    try:
        written = _write(out, stem, trainers, seconds, LOSS_NOTE)
        if args.instruments:
            _write_instruments(out, written)
        if args.report:
            _write_report(out, lab, written)
    except (LabFileError, OSError, ValueError) as e:  # ValueError: a figure refused
        raise cannot_write(out, e) from None
    if not args.quiet:
        print(f"actlab: wrote results to {out}", file=sys.stderr)
    return 0


def _write(out: Path, stem: str, trainers, seconds: float, loss_note: str) -> list:
    """Write every output but the report; returns ``(name, suffix, trainer, metrics)``
    per run for it."""
    from actlab.figures import render
    from actlab.atomic import write_text_atomic
    from actlab.labfile.format import save_lab
    from actlab.views.export import export_csv_history

    render.ensure_app()
    metrics, runs = {}, []
    for name, t in trainers:
        suffix = f"-{name}" if name and len(trainers) > 1 else ""
        snap = t.snapshot()
        metrics[name or "run"] = image_metrics(t, seconds, loss_note)
        export_csv_history(snap.history, out / f"history{suffix}.csv")
        acts = ", ".join(dict.fromkeys(t.lab.network.activation_names()))
        title = f"{t.lab.name} — {acts}"
        render.render_loss_png(snap.history, out / f"loss{suffix}.png",
                               title=f"{title} · loss over {t.epoch:,} epochs")
        save_lab(t.to_lab(), out / f"{stem}{suffix}-trained.actlab")
        runs.append((name or title, suffix, t))
    write_image_figures_hook(out, runs)
    doc = ({"loss_note": loss_note, "runs": metrics} if len(trainers) > 1
           else next(iter(metrics.values())))
    write_text_atomic(out / "metrics.json", json_text(doc))
    return [(name, suffix, t, metrics[name or "run"])
            for (name, t), (_, suffix, _) in zip(trainers, runs)]


def _write_instruments(out: Path, written) -> None:
    """collapse.png of every run: the "Why non-linearity?" instrument as a figure (what
    its convolutions merge into, the templates, the saliency of a few test images)."""
    from actlab.engine.analysis.image_insights import image_insights
    from actlab.engine.pictures.images import make_pictures
    from actlab.figures import image_views as iv

    for name, suffix, t, _ in written:
        spec = t.lab.network
        iv.collapse_png(out / f"collapse{suffix}.png", image_insights(t), make_pictures(t),
                        spec.conv, spec.leaky_slope, t.lab.name + (f" — {name}" if suffix
                                                                    else ""))


def _write_report(out: Path, lab, written) -> None:
    """report.html and report.pdf of every run, from the figures just written."""
    from actlab.engine.activations.lookup import display_name
    from actlab.report.images import ImageReportRun, write_image_report, write_image_report_pdf

    runs = [ImageReportRun(display_name(name) if name else ", ".join(
        dict.fromkeys(map(display_name, t.lab.network.activation_names()))), suffix, t, m)
        for name, suffix, t, m in written]
    write_image_report(out, lab, runs)
    write_image_report_pdf(out, lab, runs)


def write_run_report(lab, trainer, path, notes: str = "") -> Path:
    """The window's lab report of one image run (``trainer``, a copy of the window's
    run): its figures are drawn into a temporary folder exactly as ``actlab train
    --report`` draws them, then embedded in ``path`` (HTML, or PDF when it ends in .pdf).
    The report reads the student's notes from the lab's guide (``notes`` is the same text
    as the window typed it, taken for the point report's signature)."""
    import tempfile

    from actlab.engine.activations.lookup import display_name
    from actlab.report.images import ImageReportRun, write_image_report, write_image_report_pdf

    with tempfile.TemporaryDirectory(prefix="actlab-report-") as tmp:
        written = _write(Path(tmp), "lab", [("", trainer)], 0.0, LOSS_NOTE)
        runs = [ImageReportRun(", ".join(dict.fromkeys(map(
            display_name, t.lab.network.activation_names()))), suffix, t, m)
            for _name, suffix, t, m in written]
        writer = write_image_report_pdf if str(path).lower().endswith(".pdf") \
            else write_image_report
        return writer(tmp, lab, runs, path)
