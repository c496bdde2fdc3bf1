"""Import a student's own points (x, y) into a function lab from a CSV file with two
columns ``x, y`` (chosen in a file dialog, or given: a file dropped on the window).

:func:`import_function_csv` reads and checks the whole file *before* anything changes: a
bad file gives one dialog naming the file and the problem (``dialogs.show_error``) and
returns None; a good one returns the new function Lab, which the window commits like any
other data edit.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from PySide6 import QtWidgets

from actlab.engine.data.functions import load_function_csv
from actlab.kinds.functions import as_function_lab
from actlab.lab import Lab
from actlab.safe_text import printable

from actlab.gui import dialogs

ERROR_TITLE = "Cannot import the points"
DIALOG_TITLE = "Import points (x, y) from CSV"


def import_function_csv(parent: QtWidgets.QWidget | None, lab: Lab, path: str | None = None,
                        folder: str = "") -> Lab | None:
    """Ask for (``path`` None; the dialog opens in ``folder``) and read a CSV file of
    points (x, y); return ``lab`` (a function lab, or the one
    :func:`actlab.kinds.functions.as_function_lab` makes of a point or image lab) with
    those points as its custom data, split by its train fraction with its data seed, and
    named after the file.  None when the student cancels or the file is bad — then after
    ONE dialog naming the file and the problem, and nothing changed."""
    if path is None:
        path = dialogs.open_file_name(parent, DIALOG_TITLE, folder, dialogs.CSV_FILTER)
        if not path:
            return None
    base = as_function_lab(lab)
    d = base.data
    name = printable(os.path.basename(os.fspath(path)) or os.fspath(path), 120)
    try:
        data = load_function_csv(path, d.train_fraction, d.seed)
    except ValueError as e:  # a CsvError is one; its message starts with the file name
        text = str(e) if str(e).startswith(f"{Path(path).name}:") else f"{name}: {e}"
        dialogs.show_error(parent, ERROR_TITLE, f"{text.rstrip('.')}.\n\nNothing was changed.")
        return None
    except (OSError, MemoryError) as e:  # anything else still gets one message
        dialogs.show_error(parent, ERROR_TITLE, f"{name}: {e}\n\nNothing was changed.")
        return None
    n = len(data.points[0]) + len(data.points[1])
    stem = printable(Path(path).stem or name, 60)
    return replace(base, name=f"{stem} (function)",
                   description=f"{n} points (x, y) imported from {name}.", data=data)
