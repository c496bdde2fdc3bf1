"""Headless command line: ``actlab train LAB [options]`` trains a lab without a window and
writes its metrics, history and figures (see :func:`build_parser` for the options; the help
text is generated from the preset and activation registries, so it never goes stale).
Bad input exits with status 2 and one clear line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

EXIT_USAGE = 2


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


LOSS_NOTE = "data loss, without the regularisation penalty"

TRAIN_DESCRIPTION = (
    "Train a lab without a window and write to DIR: metrics.json (final losses and "
    "accuracies), history.csv (one row per epoch), surface.png (decision surface with the "
    "training and test points), loss.png (loss curves) and the trained lab. Several "
    "--activation options train one run per activation from the same seed, data and "
    "minibatch order, and also write compare.png.")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse prints usage + exits 2; keep it to one clear line
        raise CliError(message)


def _wrapped(label: str, names) -> str:
    """``label: a, b, c`` wrapped to the terminal-friendly 79 columns, indented."""
    return textwrap.fill(", ".join(names), width=79, initial_indent=f"{label}: ",
                         subsequent_indent="  ", break_on_hyphens=False)


def names_epilog() -> str:
    """The preset and activation lists shown by ``--help`` (read from the registries)."""
    from actlab.engine.activations.builtin import NAMES
    from actlab.labfile.format import preset_names

    return "\n".join([_wrapped("preset labs", preset_names()),
                      _wrapped("image preset labs", preset_names("images")),
                      _wrapped("function preset labs", preset_names("functions")),
                      _wrapped("activations (any case; 'Leaky ReLU' also works)", NAMES)])


def _train_epilog() -> str:
    notes = ("train_loss and test_loss (in metrics.json and history.csv) are the "
             f"{LOSS_NOTE}; metrics.json says so in its \"loss_note\". Bad arguments or "
             "lab files exit with status 2 and one line on stderr.")
    return names_epilog() + "\n\n" + textwrap.fill(notes, width=79, break_on_hyphens=False)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="actlab", description="ActLab: see why neural networks need "
                "activation functions.")
    sub = p.add_subparsers(dest="command")
    t = sub.add_parser("train", help="train a lab without a window and write figures",
                       description=textwrap.fill(TRAIN_DESCRIPTION, width=79),
                       epilog=_train_epilog(),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("lab", metavar="LAB", nargs="?",
                   help="a .actlab file, or the name of a preset lab (may be left out "
                        "with --images)")
    t.add_argument("--epochs", type=int, default=None, metavar="N",
                   help="epochs to train (default: the lab's stop_after, else 500)")
    t.add_argument("--seed", type=int, default=None, metavar="S",
                   help="override the lab's seed")
    t.add_argument("--activation", action="append", default=[], metavar="NAME",
                   help="use NAME in every hidden layer; repeat to compare activations")
    t.add_argument("--out", default=None, metavar="DIR",
                   help="output folder (default: ./actlab-out/<lab name>)")
    t.add_argument("--instruments", action="store_true",
                   help="also write collapse.png, gradients.png and regions.png (where "
                        "defined) for every run")
    t.add_argument("--report", action="store_true",
                   help="also write the lab report of the (first) run as report.html and "
                        "report.pdf")
    t.add_argument("--images", default=None, metavar="PATH",
                   help="train an image lab (LAB, else a default image network) on "
                        "these images: an .npz file or a folder with one sub-folder of "
                        "pictures per class")
    t.add_argument("--size", type=int, default=None, metavar="PX",
                   help="image side in pixels, 8..32, for an image lab")
    t.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


def _train_parser() -> argparse.ArgumentParser:
    sub = next(a for a in build_parser()._actions
               if isinstance(a, argparse._SubParsersAction))
    return sub.choices["train"]


def train_usage() -> str:
    """The usage paragraph of ``actlab train`` as argparse writes it."""
    return _train_parser().format_usage().strip()


def train_options() -> list[tuple[str, str]]:
    """``(flag with metavar, help)`` for every ``actlab train`` option but --help."""
    rows = []
    for action in _train_parser()._actions:
        if not action.option_strings or "--help" in action.option_strings:
            continue
        flag = action.option_strings[-1]
        if action.nargs != 0:
            flag += f" {action.metavar or action.dest.upper()}"
        rows.append((flag, action.help or ""))
    return rows


def activation_trainers(args, lab, activations) -> list:
    """``[(activation or None, Trainer)]``: one run per ``--activation`` (every hidden
    layer), or the lab as it is; a bad lab or name is a CliError naming the lab."""
    from actlab.engine.trainer import Trainer

    if activations and not lab.network.hidden:
        raise CliError("--activation needs a lab with at least one hidden layer")
    variants = ([(a, replace(lab, network=lab.network.with_activation(a)))
                 for a in activations] or [(None, lab)])
    try:
        return [(name, Trainer(v)) for name, v in variants]
    except ValueError as e:
        raise CliError(f"{args.lab}: {e}") from None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        if args.command != "train":
            raise CliError(" ".join(train_usage().split()))  # one line, as every error
        return train_command(args)
    except CliError as e:
        print(f"actlab: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("actlab: interrupted", file=sys.stderr)
        return 130


def _preset_key(name: str) -> str:
    name = name.strip().lower()
    return name[: -len(".actlab")] if name.endswith(".actlab") else name


def resolve_lab(arg: str) -> tuple[str, str]:
    """What a LAB argument names: ``("file", path)`` for an existing file,
    ``("preset", name)`` for a bundled preset (any case, ``.actlab`` optional; a file of
    that name in the current folder wins).  Raises :class:`CliError` with one line (listing
    the presets) for a folder or for anything that is neither."""
    from actlab.labfile.format import preset_names

    path = Path(arg)
    try:
        if path.is_dir():
            raise CliError(f"{arg}: is a folder, not a lab file")
        if path.exists():
            return "file", arg
    except OSError as e:  # e.g. a name too long for the file system
        raise CliError(f"{_printable(arg)}: cannot read it ({e.strerror or e})") from None
    presets = {n.lower(): n for n in preset_names("all")}
    if _preset_key(arg) in presets:
        return "preset", presets[_preset_key(arg)]
    raise CliError(f"{_printable(arg)}: no such file or preset lab "
                   f"(presets: {', '.join(preset_names('all'))})")


def _printable(text: str, limit: int = 80) -> str:
    """``text`` safe for one terminal line: control characters escaped, long names cut."""
    from actlab.safe_text import printable
    return printable(text, limit)


def _load(lab_arg: str):
    from actlab.labfile.format import LabFileError, load_lab, load_preset

    kind, name = resolve_lab(lab_arg)
    try:
        if kind == "preset":
            return load_preset(name), name
        return load_lab(Path(name)), Path(name).stem
    except LabFileError as e:
        raise CliError(str(e)) from None


def resolve_activation(name: str, custom=()) -> str:
    """The registry name for ``name`` in any case, also as the window spells it
    ("ReLU", "Leaky ReLU", "leaky-relu"), or the name of one of the lab's ``custom``
    activations.  Raises :class:`CliError` listing the valid names otherwise."""
    from actlab.engine.activations.builtin import ACTIVATIONS, NAMES
    from actlab.engine.activations.custom import find

    own = find(name, custom)
    if own is not None:
        return own.name

    def key(s: str) -> str:
        return "_".join(s.strip().lower().replace("-", " ").replace("_", " ").split())

    table = {key(n): n for n in NAMES}
    table.update({key(a.title): n for n, a in ACTIVATIONS.items()})
    if key(name) in table:
        return table[key(name)]
    raise CliError(f"--activation: unknown activation {_printable(name)!r} "
                   f"(choose from {', '.join(NAMES + tuple(c.name for c in custom))})")


def _with_images(args, lab, stem):
    """``--images`` / ``--size``: the image lab to train, and its output name."""
    from actlab.kinds.image_sources import lab_with_images, resized

    try:
        if args.images is None:  # --size alone: the lab's own images at another size
            return resized(lab, args.size), stem
        images = lab_with_images(lab, args.images, args.size)
    except ValueError as e:
        raise CliError(_printable(str(e), 200)) from None
    return images, stem or Path(args.images).stem or "images"


def train_command(args) -> int:
    if args.lab is None and args.images is None:
        raise CliError("the following arguments are required: LAB")
    lab, stem = _load(args.lab) if args.lab is not None else (None, None)
    if args.images is not None or args.size is not None:
        lab, stem = _with_images(args, lab, stem)
    if args.epochs is not None and not 1 <= args.epochs <= 10_000_000:
        raise CliError(f"--epochs must be 1..10000000, got {args.epochs}")
    if args.seed is not None:
        if not 0 <= args.seed < 2 ** 32:
            raise CliError(f"--seed must be 0..4294967295, got {args.seed}")
        lab = replace(lab, seed=args.seed)
    # canonical names, each once: "ReLU" and "relu" are the same run
    activations = list(dict.fromkeys(resolve_activation(a, getattr(lab.network, "custom", ()))
                                       for a in args.activation))
    epochs = args.epochs or lab.training.stop_after or 500
    lab = replace(lab.without_results(), training=replace(lab.training, stop_after=None))
    out = Path(args.out) if args.out else Path("actlab-out") / stem
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".actlab-probe", delete=True)
        probe.close()
    except OSError as e:
        raise CliError(f"{out}: cannot write there ({e.strerror or e})") from None

    if lab.kind == "images":  # convolutional: its own runs, metrics and figures
        from actlab.outputs.images import train_images
        return train_images(args, lab, stem, out, activations, epochs)
    if lab.kind == "functions":  # y = f(x): fit.png and the curve's pieces
        from actlab.outputs.functions import train_functions
        return train_functions(args, lab, stem, out, activations, epochs)
    trainers = activation_trainers(args, lab, activations)
    logs = _GradientSampler([t for _, t in trainers], epochs) if args.instruments else None
    t0 = time.perf_counter()
    _train_lock_step([t for _, t in trainers], epochs, quiet=args.quiet,
                     after_chunk=logs.sample if logs else None,
                     chunk=min(50, logs.every) if logs else 50)
    seconds = time.perf_counter() - t0
    from actlab.labfile.format import LabFileError
    try:
        _write_outputs(out, stem, trainers, seconds)
    except (LabFileError, OSError) as e:
        raise CliError(f"{_printable(str(out))}: cannot write the results "
                       f"({_printable(getattr(e, 'strerror', None) or str(e), 200)})") from None
    if args.instruments or args.report:
        _write_teaching_outputs(out, trainers, logs, instruments=args.instruments,
                                report=args.report)
    if not args.quiet:
        print(f"actlab: wrote results to {out}", file=sys.stderr)
    return 0


def _train_lock_step(trainers, epochs: int, quiet: bool, after_chunk=None,
                     chunk: int = 50) -> None:
    """Train every run the same number of epochs, ``chunk`` epochs at a time (lock
    step), printing progress on stderr once a run has taken longer than a second.
    ``after_chunk(done)`` is called after every chunk."""
    t0 = last = time.perf_counter()
    done = 0
    size = max(1, chunk)
    while done < epochs:
        chunk = min(epochs - done, size)
        for t in trainers:
            t.train(chunk)
        done += chunk
        if after_chunk is not None:
            after_chunk(done)
        now = time.perf_counter()
        if not quiet and now - t0 > 1.0 and (now - last > 1.0 or done == epochs):
            last = now
            t = trainers[0]
            loss = t.history.last()["train_loss"]
            rate = done * len(trainers) / (now - t0)
            print(f"epoch {done}/{epochs}  train loss {loss:.4f}  {rate:,.0f} epochs/s",
                  file=sys.stderr, flush=True)
        if all(t.diverged for t in trainers):
            break


def _metrics(t, seconds: float) -> dict:
    last = t.history.last()

    def num(x):
        return None if x != x else round(float(x), 6)

    return {"epochs": t.epoch, "seconds": round(seconds, 3),
            "train_loss": num(last["train_loss"]), "test_loss": num(last["test_loss"]),
            "train_accuracy": num(last["train_accuracy"]),
            "test_accuracy": num(last["test_accuracy"]),
            "loss_note": LOSS_NOTE,
            "diverged": t.diverged, "seed": t.lab.seed,
            "activations": list(t.lab.network.activations)}


def figure_titles(lab, epochs: int) -> tuple[str, str]:
    """Titles of surface.png and loss.png: the lab's name and its activations (so
    loss-linear.png and loss-relu.png say which is which), and for the loss the epochs."""
    title = f"{lab.name} — {_activations_text(lab)}"
    return title, f"{title} · loss over {epochs:,} epochs"


def _activations_text(lab) -> str:
    """``"Tanh"``, ``"ReLU, Sigmoid"`` (each once, in layer order, by its display name)
    or "no hidden layer"."""
    from actlab.engine.activations.builtin import display_name

    names = dict.fromkeys(display_name(a) for a in lab.network.activations)
    return ", ".join(names) or "no hidden layer"


def _write_outputs(out: Path, stem: str, trainers, seconds: float) -> None:
    from actlab.figures import render
    from actlab.labfile.format import save_lab
    from actlab.atomic import write_text_atomic
    from actlab.views.export import export_csv_history

    render.ensure_app()
    metrics = {}
    runs = []
    for name, t in trainers:
        suffix = f"-{name}" if name and len(trainers) > 1 else ""
        snap = t.snapshot(grid=100, neurons=False)
        metrics[name or "run"] = _metrics(t, seconds)
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
    write_text_atomic(out / "metrics.json", json.dumps(doc, indent=2) + "\n")


class _GradientSampler:
    """Samples each run's per-layer gradient size about 100 times over the training (and
    once before it), for the gradient-flow figure."""

    SAMPLES = 100

    def __init__(self, trainers, epochs: int):
        from actlab.engine.analysis.insights import GradientLog

        self.trainers = trainers
        self.logs = [GradientLog() for _ in trainers]
        self.every = max(1, epochs // self.SAMPLES)
        self.next = 0
        self.sample(0)

    def sample(self, done: int) -> None:
        if done < self.next:
            return
        from actlab.engine.analysis import dense as analysis
        from actlab.engine.features import transform

        for t, log in zip(self.trainers, self.logs):
            X = transform(t.dataset.X_train, t.features)
            with np.errstate(all="ignore"):
                log.add(t.epoch, analysis.gradient_norms(t.network, X, t.dataset.y_train))
        self.next = done + self.every


def _write_teaching_outputs(out: Path, trainers, sampler, instruments: bool,
                            report: bool) -> None:
    """The instrument figures of every run and the report of the first run."""
    from actlab.figures import render
    from actlab.engine.analysis.insights import compute_insights

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
            from actlab.report.points import write_report, write_report_pdf

            snap = t.snapshot(grid=100, neurons=False)
            for write, filename in ((write_report, "report.html"),
                                    (write_report_pdf, "report.pdf")):
                write(t.lab, snap, t.dataset, out / filename, insights=insights)


if __name__ == "__main__":
    sys.exit(main())
