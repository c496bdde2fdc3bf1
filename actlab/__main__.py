"""``actlab`` on the command line.

* ``actlab`` opens the window on the guided starting lab; ``actlab LAB`` opens that
  lab in it, where LAB is a ``.actlab`` file or the name of a preset lab
  (``actlab circle-tanh``);
* ``actlab train ...`` (and any other sub-command) runs the headless CLI
  (:mod:`actlab.cli`) without loading Qt;
* ``actlab --version`` and ``actlab --help`` answer at once.

A LAB that is neither a file nor a preset is refused here, with one line and exit
status 2, before any window opens.
"""
from __future__ import annotations

import sys
import textwrap

COMMANDS = ("train", "class")

_SUMMARY = """\
ActLab: see why neural networks need activation functions.

  actlab                 open the window on a guided first lab: press Play, and
                         its guide says what to try next
  actlab LAB             open LAB (a .actlab file or a preset name) in a window
  actlab train LAB ...   train a lab without a window; write metrics, figures
                         (details: actlab train --help)
  actlab class FOLDER    one page on a folder of students' lab files: who
                         reached each outcome, who predicted what
                         (details: actlab class --help)
  actlab --self-test     check that this installation or build is whole
  actlab --version       print the version
"""


def usage() -> str:
    """The ``actlab --help`` text: the train usage comes from the CLI's own parser and the
    names from the preset and activation registries, so the text cannot fall behind."""
    from actlab.cli import main as cli

    train = cli.train_usage().replace("usage: ", "", 1)
    lines = ["usage: actlab [LAB]", *("       " + ln.strip() if i == 0 else
                                      "                    " + ln.strip()
                                      for i, ln in enumerate(train.splitlines())),
             "       " + cli.class_usage().replace("usage: ", "", 1),
             "       actlab --self-test | --version | --help", "", _SUMMARY,
             "options of actlab train:"]
    for flag, text in cli.train_options():
        lines.append(textwrap.fill(text, width=79, initial_indent=f"  {flag:<21}",
                                   subsequent_indent=" " * 23))
    lines += ["", cli.names_epilog(), ""]
    return "\n".join(lines)


def _fail(message: str) -> int:
    print(f"actlab: error: {message}", file=sys.stderr)
    return 2


def open_target(argv: list[str]) -> tuple[str, str] | None:
    """What the window should open for ``argv`` (no sub-command): ``None`` for the
    starting lab (:func:`actlab.gui.app.first_lab`), ``("file", path)`` or ``("preset", name)``.  Raises ``cli.CliError``
    (one line) for an unknown option, several labs, or a LAB that is neither a file nor
    a preset."""
    from actlab.cli import main as cli

    if not argv:
        return None
    if argv[0].startswith("-"):
        raise cli.CliError(f"unknown option {argv[0]!r} (see: actlab --help)")
    command = _close_command(argv[0])
    if len(argv) > 1:
        if command:
            raise cli.CliError(f"unknown command {argv[0]!r}: did you mean 'actlab "
                               f"{command}'? (see: actlab --help)")
        raise cli.CliError(f"open one lab at a time, got {len(argv)} arguments "
                           f"(commands: {', '.join(COMMANDS)}; see: actlab --help)")
    try:
        return cli.resolve_lab(argv[0])
    except cli.CliError as e:
        if command:
            raise cli.CliError(f"unknown command or lab {argv[0]!r}: did you mean 'actlab "
                               f"{command}'? (see: actlab --help)") from None
        raise cli.CliError(f"{e}; commands: {', '.join(COMMANDS)}") from None


def _close_command(word: str) -> str | None:
    """The command ``word`` is a slip of ("tarin" → "train"), unless it names a file."""
    import difflib
    import os

    if os.path.exists(word):
        return None
    close = difflib.get_close_matches(word.strip().lower(), COMMANDS, n=1, cutoff=0.6)
    return close[0] if close else None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("--version", "-V"):
        from actlab import __version__
        print(f"actlab {__version__}")
        return 0
    if argv and argv[0] == "--self-test":
        from actlab.cli.selftest import run_self_test
        return run_self_test()
    try:  # the CLI needs no Qt, so help, errors and sub-commands stay fast
        from actlab.cli import main as cli
    except ImportError as e:
        return _fail(f"the command line tools are not available ({e})")
    if argv and argv[0] in ("--help", "-h"):
        print(usage(), end="")
        return 0
    if argv and argv[0] in COMMANDS:
        return int(cli.main(argv) or 0)
    try:
        target = open_target(argv)
    except cli.CliError as e:
        return _fail(str(e))
    from actlab.gui.app import run_app
    program = sys.argv[0] if sys.argv else "actlab"
    if target is not None and target[0] == "preset":
        return run_app([program], preset=target[1])
    return run_app([program, *([target[1]] if target else [])])


if __name__ == "__main__":
    sys.exit(main())
