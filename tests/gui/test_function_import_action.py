"""Importing points (x, y) from CSV into a function lab: a good file gives a custom function
lab holding exactly the file's points, split by the lab's fraction and seed; every bad file
gives exactly one message box naming the file and the problem, and None (nothing changes)."""
from dataclasses import replace

import numpy as np
import pytest
from PySide6 import QtWidgets

from actlab.engine.data.functions import split_function
from actlab.engine.trainer import Trainer
from actlab.gui import dialogs
from actlab.gui.workspaces.functions.csv_import_action import ERROR_TITLE, import_function_csv
from actlab.lab import FunctionDataSpec, default_function_lab, default_lab
from actlab.labfile.format import load_lab, save_lab


@pytest.fixture
def boxes(monkeypatch):
    """Every message box shown: (title, text), without blocking."""
    shown = []

    def fake_exec(box):
        shown.append((box.windowTitle(), box.text() + "\n" + box.informativeText()))
        return QtWidgets.QMessageBox.StandardButton.Ok
    monkeypatch.setattr(QtWidgets.QMessageBox, "exec", fake_exec)
    return shown


def _lab():
    return replace(default_function_lab(), seed=3,
                   data=FunctionDataSpec("sine", train_fraction=0.75, seed=21))


def test_a_good_file_gives_its_points_split_by_the_lab(qtbot, boxes, tmp_path):
    x = np.linspace(-3, 5, 40)
    y = x ** 2 / 10 - 1
    path = tmp_path / "parabola.csv"
    path.write_text("x,y\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(x, y)))
    lab = import_function_csv(None, _lab(), str(path))
    assert boxes == []
    assert lab.kind == "functions" and lab.data.is_custom
    assert lab.name == "parabola (function)" and "40 points" in lab.description
    assert lab.network == _lab().network and lab.seed == 3
    xtr, ytr, xte, yte = split_function(x, y, 0.75, 21)  # the engine's own split
    train, test = (np.array(p) for p in lab.data.points)
    np.testing.assert_array_equal(train, np.column_stack([xtr, ytr]))
    np.testing.assert_array_equal(test, np.column_stack([xte, yte]))
    assert len(train) == 30 and len(test) == 10
    Trainer(lab).train_epoch()
    save_lab(lab, tmp_path / "p.actlab")
    assert load_lab(tmp_path / "p.actlab") == lab


def test_from_a_point_lab_the_import_makes_a_function_lab(boxes, tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text("0;1\n1;2\n2;0\n3;1\n")
    lab = import_function_csv(None, replace(default_lab(), seed=9), str(path))
    assert lab.kind == "functions" and lab.features == ("x",) and lab.seed == 9
    assert sorted(p for part in lab.data.points for p in part) == [
        (0.0, 1.0), (1.0, 2.0), (2.0, 0.0), (3.0, 1.0)]


@pytest.mark.parametrize("name, content, problem", [
    ("three.csv", "x,y,z\n1,2,3\n", "expected 2 columns"),
    ("words.csv", "x,y\n1,2\n3,abc\n", "line 3"),
    ("empty.csv", "x,y\n", "no data rows"),
    ("latin1.csv", b"x,y\n1,2\n\xe9,3\n", "not UTF-8"),
    ("missing.csv", None, "not found"),
])
def test_a_bad_file_gives_one_box_naming_file_and_problem(boxes, tmp_path, name, content,
                                                          problem):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert import_function_csv(None, _lab(), str(path)) is None
    (title, text), = boxes
    assert title == ERROR_TITLE
    assert name in text and problem in text and "Nothing was changed" in text


def test_cancelling_the_file_dialog_changes_nothing(boxes, monkeypatch):
    asked = []
    monkeypatch.setattr(dialogs, "open_file_name",
                        lambda parent, caption, folder, filters: asked.append(caption) or "")
    assert import_function_csv(None, _lab()) is None
    assert len(asked) == 1 and boxes == []
