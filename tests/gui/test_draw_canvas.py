"""Drawing an image with the mouse (DrawCanvas) and adding it to a class of an image lab
(DrawImageDialog, draw_and_add): real widgets driven by real mouse events, checked on the
pixels, on what the canvas shows and on the lab that comes out."""
from dataclasses import replace

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from actlab.engine.models.cnn_spec import ConvSpec, ImageNetSpec
from actlab.engine.trainer import Trainer
from actlab.gui.workspaces.images.draw_image_dialog import DrawImageDialog, draw_and_add
from actlab.lab import ImageDataSpec, Lab
from actlab.labfile.format import load_lab, save_lab
from actlab.views.images.draw_canvas import DrawCanvas

LEFT, RIGHT = QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.MouseButton.RightButton


def drag(widget, points, button=LEFT):
    """Press at the first point, move through the others with the button held, release:
    the events a mouse sends (QTest's move carries no button state, so they are sent)."""
    def send(kind, point, buttons):
        pos = QtCore.QPointF(point)
        event = QtGui.QMouseEvent(kind, pos, widget.mapToGlobal(pos),
                                  button if kind != QtCore.QEvent.Type.MouseMove
                                  else QtCore.Qt.MouseButton.NoButton,
                                  buttons, QtCore.Qt.KeyboardModifier.NoModifier)
        QtWidgets.QApplication.sendEvent(widget, event)

    send(QtCore.QEvent.Type.MouseButtonPress, points[0], button)
    for p in points[1:]:
        send(QtCore.QEvent.Type.MouseMove, p, button)
    send(QtCore.QEvent.Type.MouseButtonRelease, points[-1], QtCore.Qt.MouseButton.NoButton)


@pytest.fixture
def canvas(qtbot):
    c = DrawCanvas(16)
    qtbot.addWidget(c)
    c.resize(320, 320)
    c.show()
    qtbot.waitExposed(c)
    return c


def test_left_drag_puts_ink_under_the_mouse_and_nowhere_far(canvas, qtbot):
    assert canvas.cell() >= 12  # drawn large: one pixel is a cell of at least 12 px
    # a fast stroke: only its two ends are mouse events, the middle is filled in
    drag(canvas, [canvas.cell_center(4, 3), canvas.cell_center(4, 12)])
    ink = canvas.pixels()
    assert ink.shape == (16, 16)
    for col in range(3, 13):
        assert ink[4, col] > 0.5, col
    assert ink[15, 15] == 0 and ink[0, 15] == 0 and ink[12, 4] == 0
    assert ink.max() <= 1.0 and ink.min() >= 0.0
    assert np.array_equal(ink, np.rint(ink * 255) / 255)  # whole ink levels, as saved
    # what the student sees: black ink on white paper, cell by cell
    shot = canvas.grab().toImage()
    scale = shot.width() / canvas.width()
    at = lambda p: QtGui.QColor(shot.pixel(int(p.x() * scale), int(p.y() * scale)))  # noqa
    assert at(canvas.cell_center(4, 8)).lightness() < 60
    assert at(canvas.cell_center(14, 14)).lightness() > 240


def test_right_drag_erases(canvas):
    drag(canvas, [canvas.cell_center(8, 2), canvas.cell_center(8, 13)])
    drag(canvas, [canvas.cell_center(2, 8), canvas.cell_center(13, 8)])
    assert canvas.pixels()[8, 8] > 0.5 and canvas.pixels()[8, 3] > 0.5
    drag(canvas, [canvas.cell_center(8, 6), canvas.cell_center(8, 10)], RIGHT)
    ink = canvas.pixels()
    for col in range(6, 11):
        assert ink[8, col] == 0, col
    assert ink[8, 2] > 0.5 and ink[3, 8] > 0.5  # the rest of the cross is still there


def test_clear_and_set_size(canvas):
    drag(canvas, [canvas.cell_center(5, 5), canvas.cell_center(10, 10)])
    canvas.set_size(8)
    assert canvas.pixels().shape == (8, 8)
    assert canvas.pixels()[2:5, 2:5].max() > 0.5  # the stroke is resampled, not lost
    assert canvas.cell() * 8 <= 320 and canvas.cell() >= 12
    canvas.clear()
    assert canvas.is_empty()
    with pytest.raises(ValueError, match="8..32"):
        canvas.set_size(40)


def shapes_lab() -> Lab:
    net = ImageNetSpec(conv=(ConvSpec(3, 3, "same", 1, "relu", "max"),), n_classes=4,
                       input_size=12)
    return Lab(name="draw", data=ImageDataSpec("shapes", 12, 0.0, 4, 0.5, 3), network=net)


@pytest.fixture
def dialog(qtbot):
    d = DrawImageDialog(None, shapes_lab())
    qtbot.addWidget(d)
    d.resize(420, 560)
    d.show()
    qtbot.waitExposed(d)
    return d


def test_adding_an_empty_canvas_is_refused_with_a_message(dialog, qtbot):
    qtbot.mouseClick(dialog.add_button, LEFT)
    assert dialog.added_images() == ()
    assert "empty" in dialog.status.text() and dialog.status.isVisible()
    drag(dialog.canvas, [dialog.canvas.cell_center(6, 6)])
    assert "empty" not in dialog.status.text()  # drawing answers the refusal


def test_add_to_class_keeps_the_dialog_open_and_counts(dialog, qtbot):
    c = dialog.canvas
    assert [dialog.class_box.itemText(i) for i in range(4)] == [
        "circle", "square", "triangle", "cross"]
    dialog.class_box.setCurrentIndex(0)
    drawn = []
    for k in range(3):
        drag(c, [c.cell_center(3 + k, 2), c.cell_center(8, 9)])
        drawn.append(c.pixels())
        qtbot.mouseClick(dialog.add_button, LEFT)
        assert c.is_empty() and dialog.isVisible()
    assert dialog.status.text().startswith("3 images added to 'circle'")
    dialog.class_box.setCurrentIndex(3)
    drag(c, [c.cell_center(1, 1), c.cell_center(10, 10)])
    drawn.append(c.pixels())
    qtbot.mouseClick(dialog.add_button, LEFT)
    assert dialog.status.text().startswith("1 image added to 'cross' (4 images in all)")
    added = dialog.added_images()
    assert [label for label, _ in added] == [0, 0, 0, 3]
    for (_, pixels), img in zip(added, drawn):
        assert np.array_equal(np.array(pixels).reshape(12, 12), img)


def test_draw_and_add_returns_a_lab_that_trains_saves_and_loads(qtbot, tmp_path):
    lab = shapes_lab()
    seen = {}

    def use_dialog():
        d = QtWidgets.QApplication.activeModalWidget()
        if not isinstance(d, DrawImageDialog):  # not shown yet: look again
            QtCore.QTimer.singleShot(10, use_dialog)
            return
        c = d.canvas
        d.class_box.setCurrentIndex(2)
        drag(c, [c.cell_center(2, 6), c.cell_center(9, 2), c.cell_center(9, 10),
                 c.cell_center(2, 6)])
        seen["drawn"] = c.pixels()
        qtbot.mouseClick(d.add_button, LEFT)
        d.reject()  # Close

    QtCore.QTimer.singleShot(0, use_dialog)
    new = draw_and_add(None, lab)
    assert new is not None and len(new.data.added) == 1
    label, pixels = new.data.added[0]
    assert label == 2 and np.array_equal(np.array(pixels).reshape(12, 12), seen["drawn"])
    t0, t = Trainer(lab), Trainer(new)
    assert t.dataset.n_train == t0.dataset.n_train + 1
    assert any(np.array_equal(x[0], seen["drawn"]) for x in t.dataset.x_train)
    assert t.dataset.n_test == t0.dataset.n_test
    save_lab(new, tmp_path / "drawn.actlab")
    back = load_lab(tmp_path / "drawn.actlab")
    assert back == new
    np.testing.assert_array_equal(Trainer(back).dataset.x_train, t.dataset.x_train)


def test_draw_and_add_without_adding_returns_none(qtbot):
    def close():
        d = QtWidgets.QApplication.activeModalWidget()
        if not isinstance(d, DrawImageDialog):
            QtCore.QTimer.singleShot(10, close)
            return
        drag(d.canvas, [d.canvas.cell_center(3, 3)])  # drawn but never added
        d.reject()

    QtCore.QTimer.singleShot(0, close)
    assert draw_and_add(None, shapes_lab()) is None

def _asking_dialog(qtbot, epochs: int, width: int):
    """A trainer of shapes_lab() after ``epochs`` and a shown dialog that asks it."""
    from actlab.engine.trainer import Trainer

    t = Trainer(shapes_lab())
    t.train(epochs)
    d = DrawImageDialog(None, shapes_lab(), classify=lambda px: t.predict_images(
        np.asarray(px, dtype=float)[None, None])[0])
    qtbot.addWidget(d)
    d.resize(width, 520)
    d.show()
    qtbot.waitExposed(d)
    return t, d


def test_the_network_answers_the_drawing_live_as_predict_does(qtbot):
    """Draw an image… asks the trained network about the drawing as it is drawn: the
    shown scores are the engine's predict_images for those pixels, and asking adds
    nothing to the lab."""
    t, d = _asking_dialog(qtbot, epochs=3, width=640)
    assert d.probabilities is None and "Draw a picture" in d.answer.text()
    c = d.canvas
    drag(c, [c.cell_center(2, 2), c.cell_center(9, 9)])
    drag(c, [c.cell_center(2, 9), c.cell_center(9, 2)])
    want = t.predict_images(c.pixels()[None, None])[0]  # independent: the engine itself
    assert np.allclose(d.probabilities, want, atol=0, rtol=0)
    best = int(np.argmax(want))
    names = ("circle", "square", "triangle", "cross")
    assert d.answer.text().startswith(f"The network thinks: {names[best]} ")
    assert np.allclose(d.scores.bar_values(), 100 * want)
    assert d.added_images() == ()  # asking changes nothing
    d.class_box.setCurrentIndex(2)
    assert d.scores.true_bar() == 2  # the class it would be added to is the green bar
    d.canvas.clear()
    assert d.probabilities is None and d.scores.bar_values().size == 0


def test_an_untrained_lab_says_to_train_first(dialog):
    assert dialog.probabilities is None
    assert "Train the network" in dialog.answer.text()


def test_the_scores_title_names_the_class_the_drawing_would_join(qtbot):
    _, d = _asking_dialog(qtbot, epochs=1, width=700)
    c = d.canvas
    drag(c, [c.cell_center(2, 2), c.cell_center(9, 9)])
    d.class_box.setCurrentIndex(1)
    assert d.scores.plot_widget.title_text().endswith("to add to: square")
    d.class_box.setCurrentIndex(3)  # the title follows the class, not only the drawing
    assert d.scores.plot_widget.title_text().endswith("to add to: cross")


def _inside_dialog(qtbot, lab: Lab, epochs: int = 3):
    """A trainer of ``lab`` after ``epochs`` and a shown dialog that asks it as the window
    does (a DrawingClassifier), at the size it opens with on a 1366×768 screen (the
    offscreen screen is 800×800, so the size is set)."""
    from actlab.engine.analysis.drawing_answer import DrawingClassifier

    t = Trainer(lab)
    t.train(epochs)
    d = DrawImageDialog(None, lab, tuple(t.dataset.class_names),
                        classify=DrawingClassifier(t))
    qtbot.addWidget(d)
    d.resize(1120, 640)
    d.show()
    qtbot.waitExposed(d)
    return t, d


def test_the_dialog_shows_the_drawings_maps_and_its_own_template(qtbot):
    """As the student draws: the scores are predict_images', each convolution's maps
    are the engine's feature maps of the drawing, and the template drawn gives the
    predicted class's logit: ⟨T, x⟩ + c = score to 1e-9."""
    from actlab.engine.analysis.conv import feature_maps

    t, d = _inside_dialog(qtbot, shapes_lab())
    assert all(tiles.values is None for tiles in d.inside.map_tiles)
    c = d.canvas
    drag(c, [c.cell_center(2, 2), c.cell_center(2, 9), c.cell_center(9, 9)])
    x = c.pixels()
    want = t.predict_images(x[None, None])[0]
    assert np.array_equal(d.probabilities, want)  # the engine itself, bit for bit
    spec = t.network.spec
    ref = feature_maps(t.network.get_params(), spec.conv, spec.head, x,
                       tuple(spec.activations), spec.leaky_slope)
    shown = [tiles for tiles in d.inside.map_tiles if tiles.isVisible()]
    assert len(shown) == len(ref) == 1
    np.testing.assert_allclose(shown[0].values, ref[0].post_activation, rtol=0, atol=1e-10)
    # the template drawn is the drawing's own: with c it makes the score
    k = int(np.argmax(want))
    T = d.inside.template.values[0]
    logit = t.network.logits(x[None, None])[0, k]
    a = d.network_answer
    assert abs(float(np.sum(T * x)) + a.constant - logit) <= 1e-9
    assert d.inside.template.isVisible()
    names = ("circle", "square", "triangle", "cross")
    assert d.inside.template_title.text() == f"Its own template for '{names[k]}'"
    caption = d.inside.caption.text()
    assert caption.startswith("T(x) · x + c = ") and f"its score for '{names[k]}'" in caption
    # another stroke: the pictures follow the drawing
    drag(c, [c.cell_center(10, 1), c.cell_center(10, 10)])
    ref = feature_maps(t.network.get_params(), spec.conv, spec.head, c.pixels(),
                       tuple(spec.activations), spec.leaky_slope)
    np.testing.assert_allclose(shown[0].values, ref[0].post_activation, rtol=0, atol=1e-10)
    d.canvas.clear()
    assert d.network_answer is None and shown[0].values is None
    assert d.inside.template.values is None


def test_a_smooth_network_says_it_has_no_template(qtbot):
    lab = shapes_lab()
    lab = replace(lab, network=replace(lab.network, conv=(
        replace(lab.network.conv[0], activation="tanh"),)))
    _, d = _inside_dialog(qtbot, lab, epochs=1)
    c = d.canvas
    drag(c, [c.cell_center(2, 2), c.cell_center(9, 9)])
    assert d.probabilities is not None and not d.inside.template.isVisible()
    assert d.inside.template_title.text() == "No template of its own"
    assert "Tanh, which is not piecewise-linear" in d.inside.caption.text()
    assert d.inside.map_tiles[0].values is not None  # the maps are there all the same


def test_the_dialog_fits_a_laptop_screen_without_clipping(qtbot):
    """At the size it opens with on a 1366×768 screen every label has the room its text
    needs (a clipped one is shorter than its size hint or wraps past its height)."""
    _, d = _inside_dialog(qtbot, shapes_lab())
    c = d.canvas
    drag(c, [c.cell_center(2, 2), c.cell_center(9, 9)])
    QtWidgets.QApplication.processEvents()
    assert d.width() <= 1300 and d.height() <= 700
    for label in d.findChildren(QtWidgets.QLabel):
        if not label.isVisible() or not label.text().strip():
            continue
        need = label.heightForWidth(label.width()) if label.wordWrap() \
            else label.sizeHint().height()
        assert label.height() >= need, label.text()
        if not label.wordWrap():
            assert label.width() >= label.sizeHint().width(), label.text()
        inside = QtCore.QRect(label.mapTo(d, QtCore.QPoint(0, 0)), label.size())
        assert d.rect().contains(inside), label.text()


def test_with_the_data_locked_the_dialog_only_asks(qtbot):
    """The teacher locked the data: the network still answers, "Add to class" is off
    and says why, and nothing is added."""
    t = Trainer(shapes_lab())
    t.train(1)
    why = "Add to class: the data of this lab is locked by the teacher, so nothing was changed."
    d = DrawImageDialog(None, shapes_lab(), classify=lambda px: t.predict_images(
        np.asarray(px, dtype=float)[None, None])[0], no_adding=why)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    assert not d.add_button.isEnabled() and d.add_button.toolTip() == why
    c = d.canvas
    drag(c, [c.cell_center(2, 2), c.cell_center(9, 9)])
    assert np.array_equal(d.probabilities, t.predict_images(c.pixels()[None, None])[0])
    assert d.answer.text().endswith("(Asking changes nothing.)")
    assert d.add_drawing() is False and d.added_images() == ()
    assert d.status.text() == why and not c.is_empty()
