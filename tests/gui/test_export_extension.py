"""The typed extension decides an export's format: "surface.svg" typed in the PNG dialog
is an SVG (it used to be saved as surface.svg.png); no extension gets the chosen one."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest
from PySide6 import QtWidgets

from actlab.gui import dialogs


@pytest.mark.parametrize("kind, typed, saved, svg", [
    ("png", "surface.svg", "surface.svg", True),
    ("png", "surface.SVG", "surface.SVG", True),
    ("png", "surface", "surface.png", False),
    ("svg", "surface.png", "surface.png", False),
    ("svg", "surface", "surface.svg", True),
])
def test_the_typed_extension_decides(qtbot, window, tmp_path, monkeypatch, kind, typed,
                                     saved, svg):
    asked = []

    def save_file_name(parent, title, start, filters):
        asked.append(filters)
        return str(tmp_path / typed)

    monkeypatch.setattr(dialogs, "save_file_name", save_file_name)
    assert window.export("surface", kind)
    out = tmp_path / saved
    assert out.exists()
    if "." in typed:  # a typed extension is kept, nothing is appended to it
        assert not (tmp_path / (typed + "." + kind)).exists()
    head = out.read_bytes()[:64]
    assert head.lstrip().startswith(b"<?xml") == svg
    assert head.startswith(b"\x89PNG") == (not svg)
    assert "PNG images (*.png)" in asked[0] and "SVG drawings (*.svg)" in asked[0]


def test_history_stays_csv(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(tmp_path / "h"))
    assert window.export("history", "csv")
    assert (tmp_path / "h.csv").read_text().startswith("epoch")


def test_whole_window_png_shows_the_toolbar(qtbot, window, tmp_path):
    from PySide6 import QtGui

    w = window
    path = tmp_path / "figure.png"
    assert w.export("figure", "png", str(path))
    image = QtGui.QImage(str(path))
    ratio = w.devicePixelRatioF()
    # the picture is the whole window: as tall as it, toolbar and status bar included
    assert abs(image.height() - w.height() * ratio) <= 2 * ratio
    toolbar = w.findChild(QtWidgets.QToolBar)
    assert toolbar is not None and toolbar.isVisible()
