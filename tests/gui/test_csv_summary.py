"""Importing a CSV says in the status bar what was understood."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from dataclasses import dataclass

from actlab.engine import csv_import
from actlab.lab import DataSpec


def test_the_status_bar_says_problem_and_classes(qtbot, window, tmp_path):
    w = window
    csv = tmp_path / "three.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i % 5},{i % 7},{i % 3}\n" for i in range(30)))
    assert w.import_csv(str(csv))
    message = w.statusBar().currentMessage()
    assert "three.csv" in message and "30 points" in message
    assert "classification, 3 classes (0, 1, 2)" in message
    assert f"{w.dataset.n_train} training, {w.dataset.n_test} test" in message


def test_a_summary_from_the_import_is_shown_as_it_is(qtbot, window, tmp_path, monkeypatch):
    @dataclass(frozen=True)
    class Imported:
        data: DataSpec
        summary: str

    real = csv_import.load_csv

    def with_summary(*args, **kwargs):
        return Imported(real(*args, **kwargs), "labels 0..199 were read as numbers: "
                        "regression")

    monkeypatch.setattr(csv_import, "load_csv", with_summary)
    csv = tmp_path / "many.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i},{-i},{i}\n" for i in range(200)))
    assert w_import(window, csv)
    message = window.statusBar().currentMessage()
    assert "labels 0..199 were read as numbers: regression." in message
    assert window.lab.data.is_custom and window.lab.data.problem == "regression"


def w_import(w, path) -> bool:
    return w.import_csv(str(path))
