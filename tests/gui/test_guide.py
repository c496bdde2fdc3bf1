"""Guided labs in the window: the Guide panel and its live outcome marks, teacher mode on a
real MainWindow, and the lab report (pytest-qt)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from dataclasses import replace

import numpy as np
from PySide6 import QtCore
import pytest

from actlab import __version__
from actlab.engine.analysis.insights import compute_insights
from actlab.engine.outcomes import check
from actlab.engine.trainer import Trainer
from actlab.gui.guide.guide_panel import NO_GUIDE_TEXT, GuidePanel, lab_with_notes
from actlab.gui.guide.teacher_mode import (
    CONTROL_GROUPS, LOCKED_TIP, apply_teacher_mode, group_widgets, teacher_groups)
from actlab.lab import CONTROL_GROUPS as LAB_GROUPS
from actlab.lab import default_lab
from actlab.labfile.presets import load_preset
from actlab.engine.activations.builtin import ACTIVATIONS


def _history(n: int, test_accuracy: float, loss: float = 0.3) -> dict:
    return {"epoch": np.arange(1, n + 1), "train_loss": np.full(n, loss),
            "test_loss": np.full(n, loss), "train_accuracy": np.full(n, test_accuracy),
            "test_accuracy": np.full(n, test_accuracy)}


def _with(lab, activation: str, hidden=None):
    """``lab`` as the student changed it: ``activation`` in every hidden layer."""
    net = lab.network if hidden is None else replace(lab.network, hidden=tuple(hidden))
    return replace(lab, network=net.with_activation(activation))


@pytest.fixture
def panel(qtbot):
    p = GuidePanel()
    qtbot.addWidget(p)
    p.resize(360, 600)
    p.show()
    return p


# ---------------------------------------------------------------------- the panel

def test_panel_shows_the_guide_and_one_line_per_outcome(panel):
    lab = load_preset("linear-collapse-xor")
    panel.set_lab(lab)
    assert panel.name_label.text() == lab.name
    assert "however long it trains" in panel.instructions_label.text()
    assert lab.guide["question"] in panel.question_label.text()
    texts = [row.text_label.text().replace("\u00a0", " ") for row in panel.outcome_rows]
    assert texts == [e["text"] for e in lab.guide["expect"]]
    assert not panel.hint_label.isVisibleTo(panel)
    assert "Data, Features" in panel.locks_label.text()


def test_marks_follow_the_run(panel):
    lab = load_preset("linear-collapse-xor")  # linear < 75 %, tanh > 95 % at epoch 300
    panel.set_lab(lab)
    linear, tanh = panel.outcome_rows

    panel.show_progress(lab, _history(120, 0.5))
    assert linear.mark == "…" and "needs 300 epochs" in linear.detail_label.text()
    assert tanh.mark == "–" and tanh.detail_label.text() == (
        "not checked for this network: this outcome is about 3 hidden layers of 8 tanh "
        "neurons; yours has 3 hidden layers of 8 linear neurons")

    panel.show_progress(lab, _history(300, 0.5))  # "reaches 75 %" fails, as predicted
    assert linear.mark == "✔" and linear.status == "as_predicted"
    assert "50.0" in linear.detail_label.text()
    assert linear.detail_label.text().startswith("as predicted: three linear layers act as "
                                                 "one, and one straight line cannot split XOR")

    panel.show_progress(_with(lab, "tanh"), _history(300, 0.6))  # fails "above 95 %"
    assert tanh.mark == "✘" and tanh.status == "fail"
    assert linear.mark == "–" and "your last run of that network: ✔" in \
        linear.detail_label.text()

    # the same activations in a network of another shape: neither claim is about it
    panel.show_progress(_with(lab, "tanh", hidden=[8, 8]), _history(300, 0.99))
    assert [r.mark for r in panel.outcome_rows] == ["–", "–"]
    assert "yours has 2 hidden layers of 8 tanh neurons" in tanh.detail_label.text()

    panel.show_progress(_with(lab, "tanh"), _history(300, 0.99))
    assert tanh.mark == "✔"
    assert [v.status for v in panel.verdicts()] == ["other", "pass"]
    assert "2 of 2" in panel.summary_label.text()


def test_marks_match_the_engine_check(panel):
    lab = load_preset("deep-sigmoid-vanishes")
    panel.set_lab(lab)
    h = _history(200, 0.5, loss=0.69)
    panel.show_progress(lab, h)
    assert [r.mark for r in panel.outcome_rows] == \
        [v.mark for v in check(lab.guide, lab, h)] == ["✔", "–"]


def test_a_lab_without_guide_shows_a_hint(panel):
    panel.set_lab(load_preset("linear-collapse-xor"))
    panel.set_lab(default_lab())
    assert panel.hint_label.isVisibleTo(panel) and panel.hint_label.text() == NO_GUIDE_TEXT
    assert panel.outcome_rows == []
    assert not panel.question_box.isVisibleTo(panel)
    assert panel.show_progress(default_lab(), _history(10, 0.5)) == []


def test_notes_are_loaded_and_edits_are_emitted_once_debounced(panel, qtbot):
    lab = lab_with_notes(load_preset("xor-needs-nonlinearity"), "first idea")
    panel.set_lab(lab)
    assert panel.notes_edit.toPlainText() == "first idea"
    seen = []
    panel.notesChanged.connect(seen.append)
    panel.notes_edit.selectAll()
    with qtbot.waitSignal(panel.notesChanged, timeout=3000) as blocker:
        qtbot.keyClicks(panel.notes_edit, "four lines")
    assert blocker.args == ["four lines"]
    assert seen == ["four lines"]  # one emission for the whole burst of typing
    # the window stores the notes and shows the lab again: nothing is emitted, text stays
    panel.set_lab(lab_with_notes(lab, "four lines"))
    assert panel.notes_edit.toPlainText() == "four lines" and seen == ["four lines"]


def test_flush_emits_pending_notes_at_once(panel, qtbot):
    panel.set_lab(load_preset("xor-needs-nonlinearity"))
    panel.notes_edit.setPlainText("typed just now")
    with qtbot.waitSignal(panel.notesChanged, timeout=100) as blocker:
        panel.flush_notes()
    assert blocker.args == ["typed just now"]
    with qtbot.assertNotEmitted(panel.notesChanged):
        panel.flush_notes()  # nothing new


def test_report_button_emits(panel, qtbot):
    with qtbot.waitSignal(panel.reportRequested, timeout=1000):
        panel.report_button.click()


def test_lab_with_notes():
    lab = default_lab()
    noted = lab_with_notes(lab, "hello")
    assert noted.guide == {"notes": "hello"} and lab.guide is None
    assert lab_with_notes(noted, "  ").guide is None
    guided = load_preset("circle-tanh")
    assert lab_with_notes(lab_with_notes(guided, "x"), "").guide == guided.guide


def test_panel_renders(panel, tmp_path):
    from actlab.views.export import export_png, image_is_blank

    panel.set_lab(load_preset("linear-collapse-xor"))
    panel.show_progress(load_preset("linear-collapse-xor"), _history(300, 0.5))
    assert not image_is_blank(export_png(panel, tmp_path / "guide.png"))


# ---------------------------------------------------------------------- teacher mode

def test_control_groups_are_one_list():
    assert CONTROL_GROUPS == LAB_GROUPS
    assert teacher_groups({"locked": ["data", "bogus"], "hidden": ["seed"]}).locked == \
        ("data", "seed")


def _enabled(w) -> bool:
    return w.isEnabled()


def test_teacher_mode_locks_hides_and_restores(window):
    w = window
    c = w.controls
    assert w.open_lab(load_preset("linear-collapse-xor"))
    mode = apply_teacher_mode(w, w.lab.guide)
    assert mode.locked == ("data", "features")
    assert not w.data_panel.isEnabled() and not w.features_panel.isEnabled()
    assert not w.acts.import_csv.isEnabled() and not c.problem.isEnabled()
    assert not w.output.surface_view.is_clickable()
    assert LOCKED_TIP in w.data_panel.dataset_buttons["xor"].toolTip()
    assert LOCKED_TIP in w.features_panel.buttons["x1"].toolTip()
    assert c.learning_rate.isEnabled() and c.activation.isEnabled()
    assert w.network_view.edit_locks() == (False, False)

    guide = {"locked": ["activation", "regularization", "netwrk"],
             "hidden": ["learning_rate", "network", "seed"]}
    apply_teacher_mode(w, guide)
    assert w.data_panel.isEnabled() and w.acts.import_csv.isEnabled()  # previous lab's locks gone
    assert w.output.surface_view.is_clickable()
    assert not c.activation.isEnabled() and not c.regularization.isEnabled()
    assert LOCKED_TIP in c.activation.toolTip()
    assert not w.network_view.layer_controls(0).combo.isEnabled()
    assert not c.learning_rate.isVisibleTo(w)
    captions = [lab for lab in w.toolbar.findChildren(type(w.epoch_label))
                if lab.text() == "Learning rate"]
    assert captions and not any(lab.isVisibleTo(w) for lab in captions)
    assert not w.network_view.add_layer_button().isVisibleTo(w)
    assert not w.acts.new_seed.isVisible() and not w.acts.new_seed.isEnabled()
    assert not w.data_panel.seed.isVisibleTo(w)
    # a panel switching a locked control on does not unlock it
    w.apply_edit(replace(w.lab, training=replace(w.lab.training, regularization="l2",
                                                 reg_rate=0.01)), "training")
    assert not c.reg_rate.isEnabled()
    w.apply_edit(replace(w.lab, data=replace(w.lab.data, noise=0.1)), "data")
    assert not w.acts.new_seed.isEnabled() and not c.activation.isEnabled()

    apply_teacher_mode(w, None)  # a lab without guide: everything back
    w.side_panel.show_page("data")  # the Data page, not the Guide, in the side panel
    for group in CONTROL_GROUPS:
        for widget in group_widgets(w, group):
            assert widget.isVisibleTo(w), (group, widget.objectName())
            assert LOCKED_TIP not in widget.toolTip(), group
    assert c.activation.isEnabled() and c.regularization.isEnabled() and c.learning_rate.isEnabled()
    assert c.reg_rate.isEnabled()  # L2 is on: its panel enables the rate again
    assert w.acts.new_seed.isVisible() and w.acts.new_seed.isEnabled()
    assert w.network_view.add_layer_button().isVisibleTo(w)
    assert w.network_view.layer_controls(0).combo.isEnabled()
    assert any(lab.isVisibleTo(w) for lab in captions)


def test_hiding_data_and_features_hides_the_column(window):
    from PySide6 import QtWidgets

    column = window.data_panel.parentWidget()
    while not isinstance(column, QtWidgets.QScrollArea):
        column = column.parentWidget()
    apply_teacher_mode(window, {"hidden": ["data", "features"]})
    assert not column.isVisibleTo(window)
    apply_teacher_mode(window, {})
    assert column.isVisibleTo(window) and window.data_panel.isVisibleTo(window)


def test_locked_data_ignores_clicks_on_the_surface(window, qtbot):
    from PySide6 import QtCore

    view = window.output.surface_view
    qtbot.waitUntil(lambda: view.map_to_viewport(0, 0).x() > 0, timeout=5000)
    pos = view.map_to_viewport(5.5, -5.5)
    apply_teacher_mode(window, {"locked": ["data"]})
    before = window.lab.data
    with qtbot.assertNotEmitted(view.clicked):
        qtbot.mouseClick(view.plot_widget.viewport(), QtCore.Qt.MouseButton.LeftButton,
                         pos=pos)
    assert window.lab.data == before
    assert "locked by the teacher" in view.toolTip()
    apply_teacher_mode(window, None)
    with qtbot.waitSignal(view.clicked, timeout=5000):  # unlocked: the same click adds
        qtbot.mouseClick(view.plot_widget.viewport(), QtCore.Qt.MouseButton.LeftButton,
                         pos=pos)
    assert window.lab.data.is_custom and "locked" not in view.toolTip()


# ---------------------------------------------------------------------- the report

@pytest.fixture(scope="module")
def trained():
    lab = load_preset("linear-collapse-xor")
    t = Trainer(lab)
    t.train(300)
    return lab, t, t.snapshot(grid=60, neurons=False), compute_insights(t, grid=40)


def test_write_report_html(trained, tmp_path, qapp):
    from actlab.report.points import write_report

    lab, t, snap, insights = trained
    path = write_report(lab, snap, t.dataset, tmp_path / "r" / "report.html",
                        insights=insights, notes="Three linear layers are one <layer>.")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert lab.name in text and "Hidden layer 3" in text
    assert ACTIVATIONS["linear"].title in text and "(linear)" not in text  # display name
    assert f"{snap.epoch:,}" in text and f"{snap.test_loss:.4f}" in text
    assert f"{100 * snap.test_accuracy:.1f}&nbsp;%" in text
    assert text.count('<img src="data:image/png;base64,') == 3  # surface, loss, collapse
    assert "one &lt;layer&gt;." in text  # notes are escaped
    assert "✔" in text and "not checked for this network: this outcome is about 3 hidden " \
        "layers of 8 tanh neurons; yours has 3 hidden layers of 8 linear neurons" in text
    assert f"Made with ActLab {__version__}" in text
    assert os.listdir(path.parent) == ["report.html"]  # no temporary files left


def test_write_report_takes_notes_from_the_guide(trained, tmp_path, qapp):
    from actlab.report.points import write_report

    lab, t, snap, _ = trained
    path = write_report(lab_with_notes(lab, "from the guide"), snap, t.dataset,
                        tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    assert "from the guide" in text and text.count("data:image/png;base64,") == 2


def test_write_report_pdf(trained, tmp_path, qapp):
    from actlab.report.points import write_report_pdf

    lab, t, snap, insights = trained
    path = write_report_pdf(lab, snap, t.dataset, tmp_path / "report.pdf", insights=insights,
                            notes="my notes")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 20_000  # the pictures are in it
    assert os.listdir(tmp_path) == ["report.pdf"]


def test_locked_data_turns_away_dropped_csv_files(window, tmp_path):
    from PySide6 import QtCore, QtGui, QtWidgets

    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2,label\n0,0,0\n1,1,1\n")

    def drag_enter_accepted() -> bool:
        mime = QtCore.QMimeData()
        mime.setUrls([QtCore.QUrl.fromLocalFile(str(csv))])
        ev = QtGui.QDragEnterEvent(QtCore.QPoint(50, 50), QtCore.Qt.DropAction.CopyAction,
                                   mime, QtCore.Qt.MouseButton.LeftButton,
                                   QtCore.Qt.KeyboardModifier.NoModifier)
        QtWidgets.QApplication.sendEvent(window, ev)
        return ev.isAccepted()

    assert drag_enter_accepted()
    apply_teacher_mode(window, {"locked": ["data"]})
    assert not drag_enter_accepted()
    apply_teacher_mode(window, {"locked": ["features"]})
    assert drag_enter_accepted()


# ---------------------------------------------------------------------- wired into a window

@pytest.fixture
def guided(qtbot, settings_dir, dialog_log):
    """A MainWindow (its guide is part of it: the Guide page, teacher mode, the report)."""
    from actlab.gui.main_window import MainWindow

    w = MainWindow()
    w.dialog_log = dialog_log
    qtbot.addWidget(w)
    w.resize(1500, 850)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def test_window_shows_the_guide_locks_and_live_marks(guided, qtbot):
    w = guided
    # the default lab has no guide: its page waits behind a hidden tab, with the hint
    assert not w.guide.guide_shown() and not w.side_panel.is_available("guide")
    assert w.guide.guide_panel.hint_label.isVisibleTo(w.guide.guide_panel)
    assert w.open_preset("linear-collapse-xor")
    assert w.guide.guide_shown() and not w.guide.guide_panel.hint_label.isVisibleTo(w)
    assert not w.data_panel.isEnabled()
    rows = w.guide.guide_panel.outcome_rows
    qtbot.waitUntil(lambda: "needs 300 epochs" in rows[0].detail_label.text(), timeout=10000)
    assert rows[0].mark == "…"
    w.play()
    qtbot.waitUntil(lambda: rows[0].mark == "✔", timeout=30000)  # linear fails, as predicted
    assert rows[0].status == "as_predicted"
    w.pause()
    assert rows[1].mark == "–"
    w.open_lab(load_preset("circle-tanh").without_results())
    assert w.data_panel.isEnabled()  # this lab locks nothing


def test_window_stores_notes_and_saves_them(guided, qtbot, tmp_path):
    from actlab.labfile.format import load_lab

    w = guided
    assert w.open_preset("xor-needs-nonlinearity")
    assert not w.isWindowModified()
    w.guide.guide_panel.notes_edit.setPlainText("four soft lines")
    w.guide.guide_panel.flush_notes()
    assert w.lab.guide["notes"] == "four soft lines" and w.isWindowModified()
    # an edit from a panel keeps the notes (the panels were shown the new lab)
    w.controls.batch_size.setValue(20)
    w.data_panel.noise.setValue(10)
    assert w.lab.guide["notes"] == "four soft lines" and w.lab.data.noise == 0.1
    w.guide.guide_panel.notes_edit.setPlainText("typed just before saving")
    assert w.files.save_to(str(tmp_path / "mine.actlab"))
    assert load_lab(tmp_path / "mine.actlab").guide["notes"] == "typed just before saving"


def test_window_writes_the_report(guided, qtbot, tmp_path):
    w = guided
    assert w.open_preset("linear-collapse-xor")
    w.step()
    qtbot.waitUntil(lambda: w.files.results_lab().history is not None, timeout=10000)
    w.guide.guide_panel.notes_edit.setPlainText("straight line")
    assert w.guide.write_report_to(str(tmp_path / "r.html"))
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    # the surface, the loss and the collapse; then the run log: the one run's thumbnail
    page, runs = text.split("<h2>Your runs (1)</h2>")
    assert "straight line" in page and page.count("data:image/png;base64,") == 3
    assert runs.count("data:image/png;base64,") == 1
    assert w.guide.write_report_to(str(tmp_path / "r.pdf"))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert not w.dialog_log["errors"]


def test_switching_xor_to_linear_leaves_the_tanh_outcome_unchecked(guided, qtbot):
    """The lab invites the student to try linear: the claim about four tanh neurons is
    then "not checked for this network", never ✘, and the linear claim is judged."""
    w = guided
    assert w.open_preset("xor-needs-nonlinearity")
    tanh, linear = w.guide.guide_panel.outcome_rows
    combo = w.controls.activation
    combo.setCurrentIndex(combo.findData("linear"))
    assert w.lab.network.activations == ("linear",)
    qtbot.waitUntil(lambda: "not checked" in tanh.detail_label.text(), timeout=10000)
    assert tanh.detail_label.text() == (
        "not checked for this network: this outcome is about 1 hidden layer of 4 tanh "
        "neurons; yours has 1 hidden layer of 4 linear neurons")
    w.play()
    qtbot.waitUntil(lambda: linear.mark in ("✔", "✘"), timeout=60000)
    w.pause()
    assert linear.mark == "✔"  # a linear layer fails to reach 75 %, as predicted
    assert tanh.mark == "–" and tanh.status == "other"
    assert "1 of 2 reached" in w.guide.guide_panel.summary_label.text()


def test_adding_a_layer_to_one_layer_line_leaves_its_outcome_unchecked(guided, qtbot):
    w = guided
    assert w.open_preset("one-layer-line")
    (row,) = w.guide.guide_panel.outcome_rows
    qtbot.mouseClick(w.network_view.add_layer_button(), QtCore.Qt.MouseButton.LeftButton)
    assert len(w.lab.network.hidden) == 1
    qtbot.waitUntil(lambda: row.mark == "–", timeout=10000)
    assert row.detail_label.text().startswith(
        "not checked for this network: this outcome is about no hidden layer; yours has "
        "1 hidden layer of ")
    w.play()
    qtbot.waitUntil(lambda: w.training_thread.latest() is not None and
                    w.training_thread.latest().snapshot.epoch >= 200, timeout=60000)
    w.pause()
    assert row.mark == "–"  # a tanh layer bends the line: the claim is not about it


# ---------------------------------------------------------------------- predicted to fail

def _predicted_lab():
    lab = load_preset("linear-collapse-xor")
    guide = dict(lab.guide)
    guide["expect"] = [lab.guide["expect"][0]]  # the linear claim, predicted to fail
    return replace(lab, guide=guide)


def test_an_outcome_predicted_to_fail_reads_as_predicted_and_counts_reached(panel):
    from actlab.gui.guide.guide_panel import PREDICTED_TO_FAIL, STATUS_STYLE

    lab = _predicted_lab()
    panel.set_lab(lab)
    (row,) = panel.outcome_rows
    assert row.tag_label.isVisibleTo(row) and row.tag_label.text() == PREDICTED_TO_FAIL
    assert row.text_label.text() == "With linear activations test accuracy reaches 75\u00a0%"
    assert panel.summary_label.text() == "1 to check"
    panel.show_progress(lab, _history(300, 0.5))
    assert row.mark == "✔" and row.status == "as_predicted"
    assert row.detail_label.text() == (
        "as predicted: three linear layers act as one, and one straight line cannot split "
        "XOR (test accuracy 50.0\u00a0% at epoch 300)")
    assert STATUS_STYLE["as_predicted"] == STATUS_STYLE["pass"]  # the success colours
    assert STATUS_STYLE["pass"][1] in row.mark_label.styleSheet()
    assert panel.summary_label.text() == "1 of 1 reached"
    # it held this time (say, a lucky run): neutral, not red, and the count keeps the
    # earlier run that met it
    panel.show_progress(lab, _history(300, 0.9))
    assert row.mark == "!" and row.status == "unexpected"
    assert STATUS_STYLE["fail"][1] not in row.mark_label.styleSheet()
    assert row.detail_label.text().startswith("held this time (test accuracy 90.0\u00a0% at "
                                              "epoch 300): this lab predicted it would not")
    assert "an earlier run met it" in row.detail_label.text()
    assert panel.summary_label.text() == "1 of 1 reached"


def test_a_plain_outcome_shows_no_prediction_tag(panel):
    panel.set_lab(load_preset("circle-tanh"))
    row = panel.outcome_rows[0]
    assert not row.tag_label.isVisibleTo(row)


def test_the_report_writes_an_outcome_predicted_to_fail_as_predicted():
    from actlab.report.points import MARK_COLORS, PASS, FAIL, _outcomes_table

    lab = _predicted_lab()
    (met,) = check(lab.guide, lab, _history(300, 0.5))
    text = _outcomes_table([met])
    assert "Predicted to fail:" in text and f"color:{PASS}" in text and FAIL not in text
    assert ">✔</span>" in text
    assert ("as predicted: three linear layers act as one, and one straight line cannot "
            "split XOR (test accuracy 50.0\u00a0% at epoch 300)") in text
    (held,) = check(lab.guide, lab, _history(300, 0.9))
    text = _outcomes_table([held])
    assert ">!</span>" in text and f"color:{MARK_COLORS['unexpected']}" in text
    assert FAIL not in text and "held this time" in text
