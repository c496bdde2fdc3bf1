"""An image lab's exports from the window are rendered figures, not grabs of the widgets:
File ▸ Export's gallery, confusion matrix, class scores and filters-with-feature-maps, and
"Why non-linearity?"'s Export PNG… are at least 1200 px wide, white to the edges (no
buttons, combo boxes or the window's grey), titled — and the very image the figure
function draws from the pictures and insights on screen."""
import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from actlab.figures import image_views as iv
from actlab.views.export import export_png, image_is_blank, qimage_to_array

WAIT = 60_000  # ms: generous, for a busy machine; every wait is on state, never a sleep
DRAW = {"gallery": iv.gallery_png, "surface": iv.gallery_png,
        "confusion": iv.confusion_figure_png, "scores": iv.scores_png,
        "filters": iv.filters_maps_png}


def _pixels(path) -> np.ndarray:
    image = QtGui.QImage(str(path))
    assert not image.isNull(), path
    return qimage_to_array(image)


def _assert_figure(path, grab_size) -> np.ndarray:
    a = _pixels(path)
    assert a.shape[1] >= 1200 and not image_is_blank(path), a.shape
    assert (a.shape[1], a.shape[0]) != grab_size
    for edge in (a[:8], a[-8:], a[:, :8], a[:, -8:]):  # a figure's white margin
        assert np.all(edge[..., :3] == 255), path
    assert np.any(a[32:80, :, :3] < 128)  # the title's ink
    return a


def _trained_image_lab(window, qtbot, name):
    assert window.open_preset(name)
    qtbot.waitUntil(lambda: (p := window.training_thread.latest()) is not None
                    and p.generation == window._generation
                    and window.workspace.pictures() is not None, timeout=WAIT)
    window.step()
    qtbot.waitUntil(lambda: not window._playing and window.training_thread.latest()
                    .snapshot.epoch >= 1 and window.workspace.pictures() is not None,
                    timeout=WAIT)
    qtbot.waitUntil(lambda: window.workspace.pictures() is window.training_thread.latest()
                    .snapshot.pictures, timeout=WAIT)


@pytest.mark.parametrize("what", sorted(DRAW))
def test_file_export_of_an_image_view_is_its_figure(window, qtbot, tmp_path, what):
    w = window
    _trained_image_lab(w, qtbot, "images-shapes-need-nonlinearity")
    ws = w.workspace
    widget = ws.export_widget(what)
    grab = export_png(widget, tmp_path / "grab.png")  # what the export used to write
    grab_img = QtGui.QImage(str(grab))
    grab_size = (grab_img.width(), grab_img.height())
    if what == "filters":  # the builder's own controls were in that picture
        assert widget.findChildren(QtWidgets.QPushButton) \
            or widget.findChildren(QtWidgets.QToolButton)
        assert widget.findChildren(QtWidgets.QComboBox)
    target = tmp_path / f"{what}.png"
    assert w.export(what, "png", str(target))
    a = _assert_figure(target, grab_size)
    assert a.shape[1] > grab_size[0]
    expected = DRAW[what](tmp_path / "expected.png", ws.pictures(), w.lab.name)
    np.testing.assert_array_equal(a, _pixels(expected))
    assert w.dialog_log["errors"] == []


def test_svg_export_of_an_image_plot_is_still_the_plot(window, qtbot, tmp_path):
    _trained_image_lab(window, qtbot, "images-shapes-need-nonlinearity")
    target = tmp_path / "confusion.svg"
    assert window.export("confusion", "svg", str(target))
    assert target.read_bytes().lstrip().startswith((b"<?xml", b"<svg"))


def test_why_nonlinearity_export_of_an_image_lab_is_its_figure(window, qtbot, tmp_path,
                                                               monkeypatch):
    from actlab.gui import dialogs

    w = window
    _trained_image_lab(w, qtbot, "images-linear-cnn-counts-ink")
    w.instruments.actions["collapse"].trigger()
    qtbot.waitUntil(lambda: w.instruments._drawn.get("collapse") is not None, timeout=WAIT)
    view = w.instruments.views["collapse"]
    grab = QtGui.QImage(str(export_png(view, tmp_path / "grab.png")))
    target = tmp_path / "why.png"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(target))
    w.instruments.pages["collapse"].findChild(QtCore.QObject, "export_collapse").click()
    a = _assert_figure(target, (grab.width(), grab.height()))
    ins, lab = w.instruments._pack.insights, w.lab
    assert ins.templates is not None  # a linear CNN: the figure carries its templates
    expected = iv.collapse_png(tmp_path / "expected.png", ins, w.workspace.pictures(),
                               lab.network.conv, lab.network.leaky_slope, lab.name)
    np.testing.assert_array_equal(a, _pixels(expected))
    assert w.dialog_log["errors"] == []
