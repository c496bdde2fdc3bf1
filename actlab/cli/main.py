"""Headless command line: ``actlab train LAB [options]`` trains a lab without a window and
writes its metrics, history and figures (see :func:`build_parser` for the options; the help
text is generated from the preset and activation registries, so it never goes stale).
Bad input exits with status 2 and one clear line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
import textwrap
from dataclasses import replace
from pathlib import Path

from actlab.outputs.runs import LOSS_NOTE, CliError, printable_arg

EXIT_USAGE = 2

TRAIN_DESCRIPTION = (
    "Train a lab without a window and write to DIR: metrics.json (final losses and "
    "accuracies), history.csv (one row per epoch), loss.png (loss curves) and the trained "
    "lab, and per kind of lab: a point lab surface.png (the decision surface with the "
    "training and test points); a function lab fit.png (the curve against the data, its "
    "kinks marked and its linear pieces counted); an image lab samples.png (test images, "
    "mistakes outlined), filters.png, featuremaps.png, confusion.png and, for a "
    "piecewise-linear network, templates.png. Several --activation options train one run "
    "per activation from the same seed, data and minibatch order, and also write "
    "compare.png.")


CLASS_DESCRIPTION = (
    "Read every lab file in FOLDER (the students' saved labs) and write DIR/"
    "class-overview.html and .pdf: per expected outcome how many students reached it, per "
    "prediction question how many predicted what and the common wrong predictions, and a "
    "row per student (file name, runs, outcomes, predictions, notes). Files that are not "
    "lab files, are damaged or are of another lab are listed as skipped with the reason. "
    "Offline: nothing leaves the computer.")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse prints usage + exits 2; keep it to one clear line
        if message.startswith("unrecognized arguments:"):
            options = _option_strings(self)
            for token in message.split(":", 1)[1].split():
                close = difflib.get_close_matches(token.split("=")[0], options, n=1) \
                    if token.startswith("--") else []
                if close:
                    message += f" (did you mean {close[0]}?)"
                    break
        raise CliError(message)


def _option_strings(parser) -> list[str]:
    """Every long option of ``parser`` and its sub-commands."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out += _option_strings(sub)
        out += [o for o in action.option_strings if o.startswith("--")]
    return sorted(set(out))


def _wrapped(label: str, names) -> str:
    """``label: a, b, c`` wrapped to the terminal-friendly 79 columns, indented."""
    return textwrap.fill(", ".join(names), width=79, initial_indent=f"{label}: ",
                         subsequent_indent="  ", break_on_hyphens=False)


def names_epilog() -> str:
    """The preset and activation lists shown by ``--help`` (read from the registries)."""
    from actlab.engine.activations.builtin import NAMES
    from actlab.labfile.presets import preset_names

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
    # allow_abbrev=False: "--epoch 5" is an unknown option, not silently --epochs
    p = _Parser(prog="actlab", description="ActLab: see why neural networks need "
                "activation functions.", allow_abbrev=False)
    sub = p.add_subparsers(dest="command")
    t = sub.add_parser("train", help="train a lab without a window and write figures",
                       description=textwrap.fill(TRAIN_DESCRIPTION, width=79),
                       epilog=_train_epilog(), allow_abbrev=False,
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
                   help="also write the instruments' figures for every run: collapse.png "
                        "(what the layers add up to: all kinds where defined), "
                        "gradients.png (point and function labs) and regions.png (point "
                        "labs with ReLU)")
    t.add_argument("--report", action="store_true",
                   help="also write the lab report of the (first) run as report.html and "
                        "report.pdf")
    t.add_argument("--images", default=None, metavar="PATH",
                   help="train an image lab on these images: an .npz file or a folder "
                        "with one sub-folder of pictures per class. Without LAB it trains "
                        "like the image presets: two 16-filter 3x3 ReLU convolutions (2x2 "
                        "max pooling after the first), global average pooling, Adam at "
                        "0.01 in minibatches of 16, 30 epochs, on an .npz at its own size "
                        "when that is 8..32 px (else the nearer of 8 and 32; a folder at "
                        "16 px)")
    t.add_argument("--size", type=int, default=None, metavar="PX",
                   help="image side in pixels, 8..32, for an image lab (default: the "
                        "lab's; with --images and no LAB see there)")
    t.add_argument("--quiet", action="store_true", help="no progress on stderr")
    c = sub.add_parser("class", help="one page on a folder of students' lab files",
                       description=textwrap.fill(CLASS_DESCRIPTION, width=79),
                       allow_abbrev=False,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("folder", metavar="FOLDER", help="the folder of the students' lab files")
    c.add_argument("--out", default=None, metavar="DIR",
                   help="output folder (default: ./actlab-out/class-<folder name>)")
    c.add_argument("--lab", default=None, metavar="NAME",
                   help="the lab the overview is about, by its name (default: the lab most "
                        "files are of; files of other labs are listed as skipped)")
    c.add_argument("--no-pdf", action="store_true", help="write the HTML page only")
    return p


def _train_parser() -> argparse.ArgumentParser:
    sub = next(a for a in build_parser()._actions
               if isinstance(a, argparse._SubParsersAction))
    return sub.choices["train"]


def class_usage() -> str:
    """The usage line of ``actlab class`` as argparse writes it (one line)."""
    sub = next(a for a in build_parser()._actions
               if isinstance(a, argparse._SubParsersAction))
    return " ".join(sub.choices["class"].format_usage().split())


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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        if args.command == "class":
            return class_command(args)
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
    from actlab.labfile.presets import preset_names

    path = Path(arg)
    try:
        if path.is_dir():
            raise CliError(f"{printable_arg(arg)}: is a folder, not a lab file (to train on "
                           f"the pictures in it: actlab train --images {printable_arg(arg)})")
        if path.exists():
            return "file", arg
    except OSError as e:  # e.g. a name too long for the file system
        raise CliError(f"{printable_arg(arg)}: cannot read it ({e.strerror or e})") from None
    presets = {n.lower(): n for n in preset_names("all")}
    if _preset_key(arg) in presets:
        return "preset", presets[_preset_key(arg)]
    raise CliError(f"{printable_arg(arg)}: no such file or preset lab "
                   f"(presets: {', '.join(preset_names('all'))})")


def _load(lab_arg: str):
    """``(lab, stem, folder)``: the lab LAB names, its output name and, for a file, the
    folder a relative ``data.source`` is read from (None for a preset)."""
    from actlab.labfile.format import LabFileError, load_lab
    from actlab.labfile.presets import load_preset

    source, name = resolve_lab(lab_arg)
    try:
        if source == "preset":
            return load_preset(name), name, None
        return load_lab(Path(name)), Path(name).stem, Path(name).parent
    except LabFileError as e:  # the path as typed, then what is wrong
        where = f"{e.path}: " if e.path else ""
        hint = (f" (to train on images: actlab train --images FILE.npz|FOLDER)"
                if "image" in e.reason or "zip" in e.reason else "")
        raise CliError(f"{printable_arg(lab_arg)}: {where}{e.reason}{hint}") from None


def resolve_activation(name: str, custom=()) -> str:
    """The registry name for ``name`` in any case, also as the window spells it
    ("ReLU", "Leaky ReLU", "leaky-relu"), or the name of one of the lab's ``custom``
    activations.  Raises :class:`CliError` listing the valid names otherwise."""
    from actlab.engine.activations.builtin import ACTIVATIONS, NAMES
    from actlab.engine.activations.designed import find

    own = find(name, custom)
    if own is not None:
        return own.name

    def key(s: str) -> str:
        return "_".join(s.strip().lower().replace("-", " ").replace("_", " ").split())

    table = {key(n): n for n in NAMES}
    table.update({key(a.title): n for n, a in ACTIVATIONS.items()})
    if key(name) in table:
        return table[key(name)]
    raise CliError(f"--activation: unknown activation {printable_arg(name)!r} "
                   f"(choose from {', '.join(NAMES + tuple(c.name for c in custom))})")


def _with_images(args, lab, stem):
    """``--images`` / ``--size``: the image lab to train, and its output name."""
    from actlab.kinds.image_sources import lab_with_images, resized

    try:
        if args.images is None:  # --size alone: the lab's own images at another size
            return resized(lab, args.size), stem
        images = lab_with_images(lab, args.images, args.size)
    except ValueError as e:
        raise CliError(printable_arg(str(e), 200)) from None
    return images, stem or Path(args.images).stem or "images"


def train_command(args) -> int:
    if args.lab is None and args.images is None:
        raise CliError("the following arguments are required: LAB (a .actlab file or a "
                       "preset name; see: actlab train --help)")
    lab, stem, lab_dir = _load(args.lab) if args.lab is not None else (None, None, None)
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

    from actlab.outputs.registry import OUTPUTS  # lazy: --help and errors load no figures

    return OUTPUTS[lab.kind](args, lab, stem, out, activations, epochs, lab_dir)


def class_command(args) -> int:
    """``actlab class FOLDER``: read the folder, write the page, say where."""
    from actlab.report.class_overview import read_class, write_overview

    try:
        ov = read_class(Path(args.folder), args.lab)
    except ValueError as e:
        raise CliError(printable_arg(str(e), 300)) from None
    except OSError as e:
        raise CliError(f"{printable_arg(args.folder)}: cannot read it ({e.strerror or e})") \
            from None
    name = Path(args.folder).resolve().name or "class"
    out = Path(args.out) if args.out else Path("actlab-out") / f"class-{name}"
    try:
        written = write_overview(ov, out, pdf=not args.no_pdf)
    except OSError as e:
        raise CliError(f"{out}: cannot write there ({e.strerror or e})") from None
    n = len(ov.students)
    print(f"Class overview of “{ov.lab_name}”: {n} student file{'s' if n != 1 else ''}"
          + (f", {len(ov.skipped)} skipped (listed on the page)" if ov.skipped else ""))
    for path in written:
        print(f"  wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
