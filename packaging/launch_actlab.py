"""PyInstaller's entry script for the frozen ActLab (see ``actlab.spec``).

It only hands over to :func:`actlab.__main__.main`, the same entry point as
``python -m actlab`` and the ``actlab`` console script, so the build freezes exactly what
users run from source (window, ``train`` command and ``--self-test`` alike).
"""
import sys

from actlab.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
