"""Importing a CSV says what was understood (the import's own summary) in the status bar,
and a surprise (one class only, labels read as numbers) also in a message the student
must close; Ctrl+Z brings the old points back."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import


def test_the_status_bar_says_problem_and_classes(qtbot, window, tmp_path):
    w = window
    csv = tmp_path / "three.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i % 5},{i % 7},{i % 3}\n" for i in range(30)))
    assert w.files.import_csv(str(csv))
    message = w.statusBar().currentMessage()
    assert "three.csv" in message and "30 points" in message
    assert "3 classes (0, 1, 2)" in message and "classification" in message
    assert w.dialog_log["infos"] == []  # nothing surprising: no dialog


def test_labels_0_to_199_are_said_to_be_read_as_numbers(qtbot, window, tmp_path):
    w = window
    csv = tmp_path / "many.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i / 50},{-i / 50},{i}\n" for i in range(200)))
    assert w.files.import_csv(str(csv))
    assert w.lab.data.is_custom and w.lab.data.problem == "regression"
    message = w.statusBar().currentMessage()
    assert "200 points" in message and "regression" in message and "0..199" in message
    ((title, text),) = w.dialog_log["infos"]
    assert "warning" in title.lower() and "regression" in text and "Undo" in text


def test_a_single_class_file_is_said_to_have_one_class(qtbot, window, tmp_path):
    w = window
    csv = tmp_path / "one.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i / 10},{i / 20},1\n" for i in range(40)))
    assert w.files.import_csv(str(csv))
    ((_, text),) = w.dialog_log["infos"]
    assert "one class" in text


def test_a_semicolon_file_is_read_by_its_separator(qtbot, window, tmp_path):
    w = window
    csv = tmp_path / "semi.csv"
    csv.write_text("a;b;c\n" + "".join(f"{i / 10};{-i / 10};{i % 2}\n" for i in range(60)))
    assert w.files.import_csv(str(csv))
    n = len(w.lab.data.train_points) + len(w.lab.data.test_points)
    assert n == 60 and "';'" in w.statusBar().currentMessage()
