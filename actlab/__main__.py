"""``actlab`` on the command line.

* ``actlab`` opens the window, ``actlab LAB.actlab`` opens that lab in it;
* ``actlab train ...`` (and any other sub-command) runs the headless CLI
  (:mod:`actlab.cli`) without loading Qt;
* ``actlab --version`` and ``actlab --help`` answer at once.
"""
from __future__ import annotations

import os
import sys

USAGE = """usage: actlab [LAB.actlab]
       actlab train LAB.actlab [--epochs N] [--seed S] [--activation NAME]... [--out DIR]
       actlab --self-test | --version | --help

ActLab: see why neural networks need activation functions.

  actlab                 open the lab window
  actlab LAB.actlab      open that lab in the window
  actlab train ...       train a lab without a window (see: actlab train --help)
  actlab --self-test     check that this installation or build is whole
"""


def _is_lab_path(arg: str) -> bool:
    return arg.lower().endswith(".actlab") or os.path.isfile(arg)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("--version", "-V"):
        from actlab import __version__
        print(f"actlab {__version__}")
        return 0
    if argv and argv[0] in ("--help", "-h"):
        print(USAGE, end="")
        return 0
    if argv and argv[0] == "--self-test":
        from actlab.selftest import run_self_test
        return run_self_test()
    if argv and not argv[0].startswith("-") and not _is_lab_path(argv[0]):
        try:  # a sub-command: the CLI, imported only now (it needs no Qt)
            from actlab import cli
        except ImportError as e:
            print(f"actlab: the command line tools are not available ({e})", file=sys.stderr)
            return 2
        return int(cli.main(argv) or 0)
    if argv and argv[0].startswith("-"):
        print(f"actlab: error: unknown option {argv[0]!r}\n\n{USAGE}", file=sys.stderr, end="")
        return 2
    if len(argv) > 1:
        print(f"actlab: error: open one lab at a time, got {len(argv)} arguments",
              file=sys.stderr)
        return 2
    from actlab.gui.app import run_app
    return run_app([sys.argv[0] if sys.argv else "actlab", *argv])


if __name__ == "__main__":
    sys.exit(main())
