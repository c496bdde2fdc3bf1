"""Predict, then observe: before Play a guided lab's open question asks for a prediction
(driven here without blocking: conftest's dialog_log answers with log["predict"]); Skip
works unless the teacher requires an answer; after the run the Guide shows the result;
the answers are saved with the lab and come back when it is opened again."""
from dataclasses import replace

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from actlab.labfile.format import load_lab
from actlab.labfile.presets import load_preset

CHOICE = {"ask": "Will a network with a linear hidden layer separate XOR?", "kind": "choice",
          "choices": ["Yes", "No"], "answer": "No", "activations": ["linear"],
          "explain": "Linear layers add up to one straight line."}
SKETCH = {"ask": "Draw the boundary you expect.", "kind": "sketch", "target": "boundary",
          "activations": ["linear"]}


def _lab(*questions, stop_after=40):
    """The XOR lab with a linear hidden layer and ``questions``; "Stop after" short."""
    lab = load_preset("xor-needs-nonlinearity").without_results()
    guide = {"instructions": "Predict, then press Play.", "predict": list(questions)}
    lab = replace(lab, guide=guide,
                  network=replace(lab.network, activations=("linear",)),
                  training=replace(lab.training, stop_after=stop_after))
    from actlab.labfile.format import lab_from_dict, lab_to_dict
    return lab_from_dict(lab_to_dict(lab))  # as a file holds it: the questions pinned


def _answer_no(dialog):
    dialog.choice_buttons[1].setChecked(True)
    dialog.why_edit.setPlainText("it is one straight line")
    dialog.predict_button.click()


def _cards(w):
    return w.guide.predictions.box.cards


def _wait_stopped(w, qtbot, stop):
    qtbot.waitUntil(lambda: not w._playing and w.training_thread.latest() is not None
                    and w.training_thread.latest().snapshot.epoch >= stop, timeout=60000)


def test_a_choice_is_asked_before_play_and_judged_after_the_run(window, qtbot, tmp_path):
    w, log = window, window.dialog_log
    assert w.open_lab(_lab(CHOICE))
    assert not w.isWindowModified()
    log["predict"] = _answer_no
    w.play()
    assert [q.ask for q in log["predicted"]] == [CHOICE["ask"]]
    # saved with the run it came before (run 1 of the run log)
    assert w.lab.guide["predictions"] == [
        {"question": 0, "answer": "No", "why": "it is one straight line", "run": 1}]
    assert w.isWindowModified()
    # before the run has paused the Guide shows the prediction, waiting for the result
    assert _cards(w) and _cards(w)[0].status == "waiting"
    _wait_stopped(w, qtbot, 40)
    qtbot.waitUntil(lambda: _cards(w)[0].status == "right", timeout=10000)
    card = _cards(w)[0]
    assert card.mark_label.text() == "✔" and "Right" in card.result_label.text()
    assert card.explain_label is not None and "straight line" in card.explain_label.text()
    assert w.guide.predictions.box.isVisibleTo(w.guide.guide_panel)
    # Play again: the answered question is not asked again
    w.reset()
    w.play()
    w.pause()
    assert len(log["predicted"]) == 1
    # saved with the lab, and shown again when it is opened
    path = tmp_path / "predicted.actlab"
    assert w.files.save_to(str(path))
    assert load_lab(path).guide["predictions"][0]["answer"] == "No"
    assert w.open_lab(load_preset("circle-tanh"))
    assert not _cards(w)
    assert w.open_lab(load_lab(path), str(path))
    qtbot.waitUntil(lambda: bool(_cards(w)), timeout=10000)
    assert "No" in _cards(w)[0].answer_label.text()
    assert not log["errors"]


def test_skip_works_unless_the_teacher_requires_an_answer(window, qtbot):
    w, log = window, window.dialog_log
    required = dict(CHOICE, required=True)
    assert w.open_lab(_lab(required))
    seen = []

    def try_to_skip(dialog):
        seen.append(dialog.skip_button.isEnabled())
        dialog.skip_button.click()   # disabled: nothing happens
        if dialog.isVisible() or dialog.asked.action == "cancel":
            dialog.cancel_button.click()

    log["predict"] = try_to_skip
    w.play()
    assert seen == [False] and not w.wants_playing  # cancelled: Play did not start
    assert "predictions" not in (w.lab.guide or {})
    # a question that is not required: Skip trains without a prediction
    assert w.open_lab(_lab(CHOICE))
    seen.clear()
    log["predict"] = lambda d: (seen.append(d.skip_button.isEnabled()), d.skip_button.click())
    w.play()
    assert seen == [True] and w.wants_playing
    assert "predictions" not in w.lab.guide and not _cards(w)
    w.pause()
    w.play()   # skipped once: not asked again while the lab is open
    assert seen == [True]
    w.pause()


def test_a_question_about_another_network_is_not_asked(window):
    w, log = window, window.dialog_log
    lab = _lab(CHOICE)
    assert w.open_lab(replace(lab, network=replace(lab.network, activations=("tanh",))))
    w.play()
    assert log["predicted"] == [] and w.wants_playing
    w.pause()


def test_a_sketch_is_drawn_and_shown_over_the_real_boundary(window, qtbot):
    w, log = window, window.dialog_log
    assert w.open_lab(_lab(SKETCH, stop_after=20))

    def draw(dialog):
        canvas = dialog.canvas
        assert canvas is not None and not dialog.predict_button.isEnabled()
        canvas.resize(300, 300)
        _stroke(canvas, [(40, 150), (150, 140), (260, 150)])
        assert len(canvas.points()) >= 2 and dialog.predict_button.isEnabled()
        dialog.predict_button.click()

    log["predict"] = draw
    w.play()
    answer = w.lab.guide["predictions"][0]["answer"]
    assert len(answer) >= 2 and all(-6 <= v <= 6 for p in answer for v in p)
    _wait_stopped(w, qtbot, 20)
    qtbot.waitUntil(lambda: _cards(w) and _cards(w)[0].status == "share", timeout=10000)
    card = _cards(w)[0]
    assert card.picture_label is not None and not card.picture_label.pixmap().isNull()
    assert "of the plane" in card.result_label.text()


def _stroke(widget, points):
    """Press, drag through ``points`` and release the left button on ``widget``."""
    def send(kind, x, y, buttons):
        pos = QtCore.QPointF(x, y)
        event = QtGui.QMouseEvent(kind, pos, widget.mapToGlobal(pos),
                                  QtCore.Qt.MouseButton.LeftButton, buttons,
                                  QtCore.Qt.KeyboardModifier.NoModifier)
        QtWidgets.QApplication.sendEvent(widget, event)

    left = QtCore.Qt.MouseButton.LeftButton
    (x0, y0), *rest = points
    send(QtCore.QEvent.Type.MouseButtonPress, x0, y0, left)
    for x, y in rest:
        send(QtCore.QEvent.Type.MouseMove, x, y, left)
    send(QtCore.QEvent.Type.MouseButtonRelease, *points[-1], QtCore.Qt.MouseButton.NoButton)
