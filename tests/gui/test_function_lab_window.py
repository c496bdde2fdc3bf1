"""Function labs (y = f(x)) in the window: the same frame and trainer loop, the function
lab's data column and curve output swapped in; the collapse line of a linear network
drawn on the curve; drawn and imported curves; compare activations as curves."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6 import QtWidgets

from actlab.engine.analysis.pieces import collapse_line, linear_pieces
from actlab.labfile.format import load_lab
from actlab.labfile.presets import load_preset

ONE_LINE = "functions-linear-draws-one-line"
WAIT = 60_000  # generous: two busy cores


def _open(window, qtbot, lab, epochs: int = 0):
    assert window.open_lab(lab), window.dialog_log["errors"]
    if epochs:
        window.lab = replace(window.lab, training=replace(window.lab.training,
                                                          stop_after=epochs))
        window.training_thread.set_training(window.lab.training)
        window.play()
        qtbot.waitUntil(lambda: window.playback.snapshot is not None and window.playback.snapshot.epoch
                        >= epochs and not window.wants_playing, timeout=WAIT)
        qtbot.waitUntil(lambda: window.workspace.pictures() is not None and
                        window.workspace.pictures().epoch == epochs, timeout=WAIT)


def _relu_lab(hidden=(6,), acts=("relu",)):
    lab = load_preset(ONE_LINE)
    return replace(lab, network=replace(lab.network, hidden=hidden, activations=acts),
                   guide=None)


def test_a_function_preset_opens_with_its_own_columns_and_back(window, qtbot):
    assert window.open_preset(ONE_LINE)
    assert window.lab.kind == "functions" and window.dialog_log["errors"] == []
    assert window.output_stack.currentWidget().widget() is window.workspaces["functions"].output
    assert window.network_stack.currentWidget() is window.network_view
    assert window.data_stack.currentWidget().widget().findChild(
        type(window.workspaces["functions"].data_panel)) is window.workspaces["functions"].data_panel
    # the diagram is fed x: its input is labelled "x"
    assert [b.objectName() for b in window.workspaces["functions"].features_panel.buttons.values()] == [
        "feature_x", "feature_xsq", "feature_sinx"]
    assert window.workspaces["functions"].features_panel.buttons["x"].isChecked()
    # the preset's teacher locks the data; without a guide a curve can be drawn or come
    # from a CSV (every lock path: test_teacher_locks.py)
    assert not window.acts.draw_curve.isEnabled() and not window.acts.import_csv.isEnabled()
    assert not window.controls.problem.isEnabled()
    for key in ("hidden", "regions"):  # no input plane: disabled, and the tip says why
        act = window.instruments.actions[key]
        assert not act.isEnabled() and "function lab" in act.toolTip()
    assert window.open_lab(_relu_lab())
    assert window.acts.import_csv.isEnabled()
    assert window.acts.draw_curve.isEnabled() and not window.acts.draw_image.isEnabled()
    assert "x, y" in window.acts.import_csv.statusTip()
    assert window.open_preset("xor-needs-nonlinearity")
    assert window.output_stack.currentWidget().widget() is window.output
    assert window.instruments.actions["regions"].isEnabled()
    assert not window.acts.draw_curve.isEnabled()


def test_training_draws_the_curve_its_kinks_and_the_pieces_count(window, qtbot):
    _open(window, qtbot, _relu_lab(), epochs=40)
    pic = window.workspace.pictures()
    t_params = window.training_thread.current_lab()[1].params
    # independent truth: the exact count from the trained weights
    expected = linear_pieces(t_params, ["relu"])
    assert pic.n_pieces == expected
    out = window.workspaces["functions"].output
    text = out.pieces_label.text()
    assert text.startswith(f"{expected} linear piece") and "at most 7 for 6 ReLU units" in text
    x, y = out.curve_view.curve.getData()
    assert np.array_equal(x, pic.x) and np.isfinite(y).all()
    kx, _ = out.curve_view.kinks.getData()
    assert len(kx) == expected - 1
    # the numbers table shows R² as 1 - SSE/SST on the test points
    snap = window.playback.snapshot
    r2 = 1 - 2 * snap.test_loss / np.var(pic.test_y)
    assert out.values["test_r2"].text() == f"{r2:.3f}"
    # the network diagram's nodes show each unit's curve (area charts, not blank)
    assert window.network_view.show_snapshot(snap)


def test_linear_network_collapse_line_is_drawn_dashed_when_the_instrument_is_open(window,
                                                                                   qtbot):
    _open(window, qtbot, _relu_lab((4, 3), ("linear", "linear")), epochs=15)
    window.workspaces["functions"].output.show_line.setChecked(False)  # the student had turned it off
    view = window.workspaces["functions"].output.curve_view
    assert not view.line.isVisible()
    window.instruments.open("collapse")
    qtbot.waitUntil(lambda: view.line.isVisible(), timeout=WAIT)
    params = window.training_thread.current_lab()[1].params
    line = collapse_line(params, ["linear", "linear"])
    x, y = view.line.getData()
    np.testing.assert_allclose(y, line.slope * x + line.b, atol=1e-9)
    assert "the network is the line y =" in window.workspaces["functions"].output.pieces_label.text()
    assert window.workspaces["functions"].output.show_line.isChecked()
    # the instrument's panel says the same: one linear layer y = w·x + b
    texts = " ".join(lab.text() for lab in window.instruments.collapse.findChildren(
        QtWidgets.QLabel) if lab.isVisibleTo(window.instruments.collapse))
    assert "This network is one linear layer" in texts and "·x" in texts
    window.instruments.close("collapse")
    window.workspaces["functions"].output.show_line.click()
    assert not view.line.isVisible()


def test_choosing_a_function_data_set_in_the_point_panel_switches_and_undo_is_fresh(
        window, qtbot):
    window.data_panel.function_buttons["abs"].click()
    qtbot.waitUntil(lambda: window.lab.kind == "functions", timeout=WAIT)
    assert window.lab.data.generator == "abs" and window.dataset.X_train.shape[1] == 1
    assert "function lab" in window.statusBar().currentMessage()
    assert window.output_stack.currentWidget().widget() is window.workspaces["functions"].output
    # another curve: a data edit of the same kind, which Undo takes back
    window.workspaces["functions"].data_panel.dataset_buttons["sawtooth"].click()
    assert window.lab.data.generator == "sawtooth"
    window.acts.undo.trigger()
    assert window.lab.data.generator == "abs"
    # and back to the point and image data sets
    window.workspaces["functions"].data_panel.other_button.click()
    assert window.lab.kind == "points"
    assert window.output_stack.currentWidget().widget() is window.output


def test_drawn_curve_becomes_the_data_and_undo_brings_the_old_back(window, qtbot,
                                                                   monkeypatch):
    from actlab.gui.workspaces.functions import draw_curve_dialog
    from actlab.lab import FunctionDataSpec

    _open(window, qtbot, _relu_lab())
    before = window.lab.data
    xs = np.linspace(-5, 5, 40)
    pts = tuple((float(x), float(np.cos(x))) for x in xs)
    drawn = FunctionDataSpec("custom", points=(pts[::2], pts[1::2]))
    monkeypatch.setattr(draw_curve_dialog, "drawn_function_data",
                        lambda parent, lab: replace(lab, data=drawn))
    window.acts.draw_curve.trigger()
    assert window.lab.data == drawn and window.dataset.n_train == 20
    np.testing.assert_allclose(window.dataset.y_train, np.cos(xs[::2]))
    window.acts.undo.trigger()
    assert window.lab.data == before


def test_csv_import_good_and_bad(window, qtbot, tmp_path):
    _open(window, qtbot, _relu_lab())
    good = tmp_path / "curve.csv"
    good.write_text("x,y\n" + "".join(f"{x},{x * x / 10}\n" for x in np.linspace(-6, 6, 30)))
    assert window.files.import_csv(str(good))
    assert window.lab.kind == "functions" and window.lab.data.is_custom
    assert window.dataset.n_train + window.dataset.n_test == 30
    before = window.lab
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\nthree,4\n")
    assert not window.files.import_csv(str(bad))
    assert window.lab is before
    title, message = window.dialog_log["errors"][-1]
    assert "bad.csv" in message and "Nothing was changed" in message


def test_a_function_lab_saves_and_opens_again(window, qtbot, tmp_path):
    _open(window, qtbot, _relu_lab(), epochs=5)
    path = tmp_path / "mine.actlab"
    assert window.files.save_to(str(path))
    saved = load_lab(path)
    assert saved.kind == "functions" and len(saved.history["epoch"]) == 5
    assert window.open_path(str(path))
    assert window.lab.kind == "functions" and window.lab.params is not None


@pytest.mark.parametrize("names", [("linear", "relu", "tanh")])
def test_compare_activations_draws_one_curve_per_run_and_exports_the_cli_figure(
        window, qtbot, tmp_path, names):
    from PySide6.QtGui import QImage

    _open(window, qtbot, replace(_relu_lab(), training=replace(
        _relu_lab().training, stop_after=6)))
    window.instruments.open("compare")
    panel = window.instruments.compare
    for name, box in panel.checks.items():
        box.setChecked(name in names)
    panel.run_button.setChecked(True)
    qtbot.waitUntil(lambda: len(panel.runs()) == 3 and min(s.epoch for _, s in panel.runs())
                    >= 6 and not panel.comparing, timeout=WAIT)
    view = panel.curves_view
    qtbot.waitUntil(lambda: view is not None and len(view.cells) == 3 and all(
        c.pic is not None and c.pic.epoch == 6 for c in view.cells), timeout=WAIT)
    assert panel.stack.currentWidget() is view
    titles = view.titles()
    assert titles[0].startswith("Linear") and titles[0].endswith("one line")
    assert titles[1].startswith("ReLU") and "R²" in titles[1] and "piece" in titles[1]
    assert "piece" not in titles[2]  # tanh is smooth
    # each run's curve is that run's network (the lock-step snapshot's weights)
    for cell, (name, snap) in zip(view.cells, panel.runs()):
        x, y = cell.view.curve.getData()
        assert np.array_equal(x, cell.pic.x)
    target = tmp_path / "compare.png"
    assert panel.export(str(target))
    img = QImage(str(target))
    assert img.width() > 600 and not img.isNull()
    # the same figure as the CLI's compare.png for the same runs, pixel for pixel
    from actlab.cli.main import main
    from actlab.labfile.format import save_lab

    path = tmp_path / "lab.actlab"
    save_lab(window.lab.without_results(), path)
    out = tmp_path / "cli"
    argv = ["train", str(path), "--epochs", "6", "--quiet", "--out", str(out)]
    for name in names:
        argv += ["--activation", name]
    assert main(argv) == 0
    assert img == QImage(str(out / "compare.png"))


def test_hovering_a_last_layer_neuron_draws_its_contribution_bold(window, qtbot):
    _open(window, qtbot, _relu_lab(), epochs=5)
    view = window.workspaces["functions"].output.curve_view
    assert not window.workspaces["functions"].output.show_units.isChecked() and view.visible_unit_lines() == 0
    window.workspace.neuron_hovered(0, 2)
    assert view.highlighted() == 2 and view.visible_unit_lines() == 1
    x, y = view.unit_curves[2].getData()
    pic = window.workspace.pictures()
    lo, hi = view.y_range()
    inside = (pic.parts[:, 2] > lo) & (pic.parts[:, 2] < hi)  # drawn as computed there
    assert inside.any()
    np.testing.assert_allclose(y[inside], pic.parts[inside, 2])
    assert view.unit_curves[2].opts["pen"].widthF() > 3
    assert "drawn bold" in window.statusBar().currentMessage()
    window.workspace.neuron_unhovered()
    assert view.highlighted() is None and view.visible_unit_lines() == 0


def test_the_lab_report_of_a_function_run_has_its_fit_and_numbers(window, qtbot, tmp_path):
    import re

    _open(window, qtbot, load_preset("functions-four-relu-pieces"), epochs=20)
    html = tmp_path / "r.html"
    assert window.guide.write_report_to(str(html)), window.dialog_log["errors"]
    text = html.read_text()
    pic = window.workspace.pictures()
    # the results table names the run's exact pieces and upper bound (4 ReLU: at most 5)
    assert re.search(rf">\s*{pic.n_pieces}\s*<", text) and ">5<" in text.replace(" ", "")
    assert text.count("data:image/png;base64,") >= 2  # the fit and the loss figures
    pdf = tmp_path / "r.pdf"
    assert window.guide.write_report_to(str(pdf)) and pdf.read_bytes().startswith(b"%PDF")


def test_guided_one_kink_lab_a_straight_bend_is_one_line_until_a_point_moves(window, qtbot):
    """The guided lab as a student does it: train the straight "bend" (one line), then
    Edit “bend”… in the layer's menu, move its middle point off the line, train again."""
    from actlab.engine.activations.custom import PiecewiseLinear
    from actlab.views.network.layer_controls import EDIT_ITEM

    assert window.open_preset("functions-one-kink")
    qtbot.waitUntil(lambda: window.playback.snapshot is not None, timeout=WAIT)
    window.play()
    qtbot.waitUntil(lambda: window.playback.snapshot.epoch >= 300 and not window.wants_playing
                    and window.workspace.pictures() is not None
                    and window.workspace.pictures().epoch == 300, timeout=WAIT)
    straight = window.workspace.pictures()
    assert straight.line is not None and straight.n_pieces == 1
    assert "straight line" in window.workspaces["functions"].output.pieces_label.text()
    # both outcomes are predicted to fail while "bend" is straight: ✔ as predicted, met
    panel = window.guide.guide_panel
    rows = panel.outcome_rows
    qtbot.waitUntil(lambda: [r.status for r in rows] == ["as_predicted"] * 2, timeout=WAIT)
    assert [r.mark for r in rows] == ["✔", "✔"]
    assert all(r.tag_label.isVisibleTo(r) for r in rows)
    assert rows[1].detail_label.text().startswith(
        "as predicted: the straight “bend” makes one straight line, which cannot follow |x| "
        "(test R² ")
    assert rows[0].detail_label.text().endswith("(1 linear piece at epoch 300)")
    assert panel.summary_label.text() == "2 of 2 reached"
    # Edit “bend”…: the editor (answered by the dialog_log fixture) moves (0, 0) to (0, 1)
    window.dialog_log["design"] = lambda custom, editing: PiecewiseLinear(
        editing.name, ((-2.0, -2.0), (0.0, 1.0), (2.0, 2.0)))
    combo = window.network_view.layer_controls(0).combo
    combo.setCurrentIndex(combo.findData(EDIT_ITEM))
    assert window.dialog_log["designs_asked"][-1].name == "bend"
    assert window.lab.network.custom[0].points[1] == (0.0, 1.0)
    assert window.lab.network.activations == ("bend",)
    assert window.lab.params is None  # a network edit: the weights start again
    window.play()
    qtbot.waitUntil(lambda: window.playback.snapshot.epoch >= 300 and not window.wants_playing
                    and window.workspace.pictures().epoch == 300, timeout=WAIT)
    bent = window.workspace.pictures()
    assert bent.line is None and bent.n_pieces >= 2
    r2 = lambda snap, pic: 1 - 2 * snap.test_loss / np.var(pic.test_y)  # noqa: E731
    assert r2(window.playback.snapshot, bent) > 0.9
    # the kinked "bend" does what the lab asks: the predicted failures now hold, which
    # reads neutrally (!), never as the student's ✘, and the count keeps the first run
    qtbot.waitUntil(lambda: [r.status for r in rows] == ["unexpected"] * 2, timeout=WAIT)
    assert [r.mark for r in rows] == ["!", "!"]
    assert rows[1].detail_label.text().startswith("held this time (test R² ")
    assert "this lab predicted it would not (the straight “bend” makes one straight line" \
        in rows[1].detail_label.text()
    assert panel.summary_label.text() == "2 of 2 reached"


def test_file_export_of_the_function_views_writes_png_and_svg(window, qtbot, tmp_path):
    from PySide6.QtGui import QImage

    from actlab.views.export import image_is_blank

    _open(window, qtbot, _relu_lab(), epochs=5)
    acts = {a.objectName() for a in window.workspaces["functions"].export_menu.actions()}
    assert {"action_export_curve_png", "action_export_curve_svg",
            "action_export_loss_png", "action_export_loss_svg"} <= acts
    png = tmp_path / "curve.png"
    assert window.export("curve", "png", str(png))
    assert not QImage(str(png)).isNull() and not image_is_blank(png)
    svg = tmp_path / "curve.svg"
    assert window.export("curve", "svg", str(svg))
    assert "<svg" in svg.read_text()
