"""A teacher's lock covers every way to what it locks (issue 19), in point, function and
image labs: the menu actions and their shortcuts, the data panels' own buttons, files
dropped on the window, and the workspaces' entry points the window calls.  Locked, each
is disabled with the lock's tooltip, or refuses with a status line saying why, and the
lab stays as it was; the same lab without the lock gets every one of them back."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from actlab.labfile.format import save_lab
from actlab.labfile.presets import load_preset

from actlab.gui import dialogs
from actlab.gui.guide.teacher_mode import (
    ACTION_GROUPS, ASKING_ACTIONS, CONTROL_GROUPS, LOCKED_TIP, apply_teacher_mode,
    group_actions, group_widgets)

#: a preset of each kind whose guide locks the data
LOCKED_PRESETS = {"points": "linear-collapse-xor", "functions": "functions-one-kink",
                  "images": "images-linear-cnn-counts-ink"}
#: the data actions each kind of lab offers without locks (the others are another kind's)
OWN_DATA_ACTIONS = {"points": {"import_csv"}, "functions": {"import_csv", "draw_curve"},
                    "images": {"import_images", "draw_image"}}
SHORTCUTS = {"import_csv": (Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier),
             "import_images": (Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier
                               | Qt.KeyboardModifier.ShiftModifier),
             "draw_image": (Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier),
             "draw_curve": (Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier
                            | Qt.KeyboardModifier.ShiftModifier)}
KINDS = tuple(LOCKED_PRESETS)


# ---------------------------------------------------------------------- helpers

def _locked_lab(kind: str):
    lab = load_preset(LOCKED_PRESETS[kind])
    assert "data" in lab.guide["locked"]
    return lab


def _unlocked_lab(kind: str):
    lab = _locked_lab(kind)
    return replace(lab, guide=dict(lab.guide, locked=[]))


def _open(window, lab) -> None:
    assert window.open_lab(lab), window.dialog_log["errors"]
    assert window.lab.kind == lab.kind


@pytest.fixture
def asked(window, monkeypatch):
    """Every way a data action asks the student something (a file dialog, the import,
    draw-an-image and draw-a-curve dialogs), recorded and answered with Cancel: a locked
    action must never get that far."""
    log = []

    def file_dialog(*args):
        log.append("file dialog")
        return ""

    def lab_dialog(ask):
        log.append("lab dialog")
        return None

    monkeypatch.setattr(dialogs, "open_file_name", file_dialog)
    monkeypatch.setattr(window, "lab_from_dialog", lab_dialog)
    return log


def _data_files(tmp_path) -> dict:
    """A file of each kind of data the window takes: points, a curve, images, pictures."""
    points = tmp_path / "points.csv"
    points.write_text("x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n")
    curve = tmp_path / "curve.csv"
    curve.write_text("x,y\n" + "".join(f"{x},{x * x}\n" for x in range(-5, 6)))
    rng = np.random.default_rng(0)
    npz = tmp_path / "mine.npz"
    np.savez(npz, images=rng.random((12, 12, 12)), labels=np.repeat(np.arange(2), 6))
    folder = tmp_path / "pictures"
    for cls, row in (("top", 2), ("bottom", 9)):
        for i in range(3):
            img = QtGui.QImage(12, 12, QtGui.QImage.Format.Format_RGB32)
            img.fill(QtGui.QColor("white"))
            for c in range(12):
                img.setPixelColor(c, row + i % 2, QtGui.QColor("black"))
            (folder / cls).mkdir(parents=True, exist_ok=True)
            assert img.save(str(folder / cls / f"{i}.png"))
    return {"points csv": str(points), "curve csv": str(curve), "npz": str(npz),
            "picture folder": str(folder)}


def _mime(path: str) -> QtCore.QMimeData:
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(path)])
    return mime


def _drag_enter(window, path: str) -> bool:
    """Drag ``path`` over the window: True when the window would take it."""
    mime = _mime(path)  # kept alive: the event does not own it
    ev = QtGui.QDragEnterEvent(QtCore.QPoint(60, 60), Qt.DropAction.CopyAction, mime,
                               Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(window, ev)
    return ev.isAccepted()


def _drop(window, path: str) -> bool:
    """Drop ``path`` on the window; True if taken.  Qt delivers a drop only after an
    accepted drag, so the handler is called as Qt would call it (test_main_window too)."""
    mime = _mime(path)
    ev = QtGui.QDropEvent(QtCore.QPointF(60, 60), Qt.DropAction.CopyAction, mime,
                          Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    ev.ignore()
    window.dropEvent(ev)
    return ev.isAccepted()


def _message(window) -> str:
    return window.statusBar().currentMessage()


def _data_panel_buttons(window):
    panel = window.workspace.data_panel
    buttons = panel.findChildren(QtWidgets.QAbstractButton)
    assert len(buttons) >= 4
    return panel, buttons


def _press_shortcut(window, qtbot, name: str) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    key, modifiers = SHORTCUTS[name]
    qtbot.keyClick(window, key, modifiers)


# ---------------------------------------------------------------------- the audit

def test_every_lock_group_locks_something_in_every_kind_of_lab(window):
    """The table of what each group locks: widgets or actions (the network's structure
    is the diagram's own lock), in each kind that has such a control."""
    for kind in KINDS:
        window.workspace_for(kind)
    for group in CONTROL_GROUPS:
        if group == "network":
            continue  # NetworkView/ConvBuilderView.set_edit_locks (test_guide, image lab)
        assert group_widgets(window, group) or group_actions(window, group), group
    for kind in KINDS:
        ws = window.workspaces[kind]
        assert ws.data_panel in ws.lock_widgets("data"), kind
        assert {ws.data_panel.seed, ws.data_panel.regenerate} <= set(ws.lock_widgets("seed"))
        if kind != "images":  # an image lab has no features to choose
            assert ws.features_panel in ws.lock_widgets("features"), kind
    # every action that changes the data is in the data lock's table: each kind's own
    # (a new kind's "import_…" or "draw_…" action must join it), or in the table of
    # those that only ask while the data is locked (Draw an image…)
    from actlab.gui.workspaces.registry import WORKSPACES
    data_actions = {name for ws in WORKSPACES.values() for name in ws.actions
                    if name.startswith(("import_", "draw_"))}
    assert not set(ACTION_GROUPS["data"]) & set(ASKING_ACTIONS["data"])
    assert set(ACTION_GROUPS["data"]) | set(ASKING_ACTIONS["data"]) == data_actions \
        == set().union(*OWN_DATA_ACTIONS.values())


# ---------------------------------------------------------------------- menu actions

@pytest.mark.parametrize("kind", KINDS)
def test_locked_data_actions_are_disabled_say_why_and_do_nothing(window, qtbot, asked, kind):
    _open(window, _locked_lab(kind))
    before = window.lab
    for name in ACTION_GROUPS["data"]:
        act = getattr(window.acts, name)
        assert not act.isEnabled(), name
        assert LOCKED_TIP in act.toolTip() and LOCKED_TIP in act.statusTip(), name
        assert act in window.menus.file.actions()  # still shown, greyed, in File
        act.trigger()  # a click on the greyed entry
        _press_shortcut(window, qtbot, name)  # and its shortcut
    qtbot.wait(20)
    assert asked == [] and window.lab is before and window.dialog_log["errors"] == []


@pytest.mark.parametrize("kind", KINDS)
def test_without_the_lock_the_same_actions_and_shortcuts_work(window, qtbot, asked, kind):
    _open(window, _locked_lab(kind))
    _open(window, _unlocked_lab(kind))  # the locks of the lab before are lifted
    for name in ACTION_GROUPS["data"]:
        act = getattr(window.acts, name)
        assert act.isEnabled() == (name in OWN_DATA_ACTIONS[kind]), name
        assert LOCKED_TIP not in act.toolTip() and LOCKED_TIP not in act.statusTip(), name
    for name in sorted(OWN_DATA_ACTIONS[kind]):
        asked.clear()
        getattr(window.acts, name).trigger()
        assert asked, name  # it asks (and the student cancels)
        asked.clear()
        _press_shortcut(window, qtbot, name)
        qtbot.waitUntil(lambda: bool(asked), timeout=5000)


def test_the_import_csv_tip_follows_the_kind_after_a_lock(window):
    """A lock's tips go when it is lifted, but not a tip the window set meanwhile (each
    kind's workspace says what Import CSV reads)."""
    _open(window, _locked_lab("functions"))
    _open(window, _unlocked_lab("points"))
    tip = window.acts.import_csv.statusTip()
    assert "x1, x2, label" in tip and LOCKED_TIP not in tip
    _open(window, _locked_lab("functions"))
    assert "x, y" in window.acts.import_csv.statusTip()
    _open(window, _unlocked_lab("images"))
    assert not window.acts.import_csv.isEnabled()  # an image lab imports images, not CSV


def test_hidden_data_takes_its_menu_entries_away_too(window):
    apply_teacher_mode(window, {"hidden": ["data"]})
    for name in ACTION_GROUPS["data"]:
        act = getattr(window.acts, name)
        assert not act.isVisible() and not act.isEnabled(), name
    apply_teacher_mode(window, None)
    assert all(getattr(window.acts, n).isVisible() for n in ACTION_GROUPS["data"])
    assert window.acts.import_csv.isEnabled()  # a point lab: Import CSV is its own


# ---------------------------------------------------------------------- the data panels

@pytest.mark.parametrize("kind", KINDS)
def test_the_data_panels_own_buttons_are_locked(window, qtbot, asked, kind):
    _open(window, _locked_lab(kind))
    before = window.lab
    panel, buttons = _data_panel_buttons(window)
    named = {"points": ("import_csv", "clear_points", "regenerate"),
             "functions": ("import_button", "draw_button", "other_button", "regenerate"),
             "images": ("import_button", "points_button", "regenerate")}[kind]
    for name in named:
        button = getattr(panel, name)
        assert not button.isEnabled(), name
        assert LOCKED_TIP in button.toolTip(), name
    for button in buttons:
        assert not button.isEnabled(), button.objectName()
        if button.isVisibleTo(window):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.wait(20)
    assert asked == [] and window.lab is before
    _open(window, _unlocked_lab(kind))
    panel, _ = _data_panel_buttons(window)
    for name in named:
        assert LOCKED_TIP not in getattr(panel, name).toolTip(), name
    assert panel.isEnabled() and panel.import_csv.isEnabled() if kind == "points" else \
        panel.import_button.isEnabled()


def test_an_image_labs_seed_lock_takes_its_data_seed_and_regenerate(window):
    lab = _unlocked_lab("images")
    _open(window, replace(lab, guide=dict(lab.guide, locked=["seed"])))
    panel = window.workspace.data_panel
    assert panel.isEnabled() and panel.import_button.isEnabled()
    assert not panel.seed.isEnabled() and not panel.regenerate.isEnabled()
    assert not window.acts.new_seed.isEnabled()
    assert LOCKED_TIP in panel.regenerate.toolTip()
    toolbar_button = window.toolbar.widgetForAction(window.acts.new_seed)
    assert not toolbar_button.isEnabled() and LOCKED_TIP in toolbar_button.toolTip()
    before = window.lab
    window.acts.new_seed.trigger()  # the toolbar's die, and Shift+R
    assert window.lab is before
    _open(window, lab)  # without the lock: the die is back, with its own tip
    assert window.acts.new_seed.isEnabled() and LOCKED_TIP not in toolbar_button.toolTip()


def test_designing_an_activation_respects_the_activation_lock(window, monkeypatch):
    from actlab.gui.activations import designed_activations as designed
    lab = _unlocked_lab("points")
    _open(window, replace(lab, guide=dict(lab.guide, locked=["activation"])))
    opened = []
    monkeypatch.setattr(designed.activation_editor, "design_activation",
                        lambda *a, **k: opened.append(a))
    before = window.lab
    assert designed.design_for_layer(window, "dense", 0) is False  # its menu entry is
    assert designed.design_for_all(window) is False  # locked; the gallery's button asks
    assert opened == [] and window.lab is before
    assert "activation of this lab is locked by the teacher" in _message(window)


# ---------------------------------------------------------------------- drag and drop

@pytest.mark.parametrize("kind", KINDS)
def test_data_dropped_on_a_locked_lab_is_turned_away_with_a_reason(window, qtbot, tmp_path,
                                                                   kind):
    files = _data_files(tmp_path)
    _open(window, _locked_lab(kind))
    before = window.lab
    for what, path in files.items():
        window.status("")
        assert not _drag_enter(window, path), what
        assert "locked by the teacher" in _message(window), what
        window.status("")
        assert not _drop(window, path), what
        message = _message(window)
        assert "locked by the teacher" in message and "nothing was changed" in message, what
        assert path.rsplit("/", 1)[-1] in message, what  # it names what was dropped
        assert window.files.open_dropped(path) is False, what
    qtbot.wait(50)  # a drop opens its file a moment later: nothing may come
    assert window.lab is before and window.dialog_log["errors"] == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_lab_file_dropped_on_a_locked_lab_still_opens_and_lifts_the_lock(window, tmp_path,
                                                                           kind):
    files = _data_files(tmp_path)
    other = tmp_path / "other.actlab"
    save_lab(_unlocked_lab(kind), other)
    _open(window, _locked_lab(kind))
    assert _drag_enter(window, str(other))  # opening another lab is no data edit
    assert window.files.open_dropped(str(other))
    assert window.path == str(other) and not window.lab.guide["locked"]
    for what in ("points csv", "npz", "picture folder"):
        assert _drag_enter(window, files[what]), what  # without the lock: taken


def test_dropped_data_without_the_lock_still_imports(window, qtbot, tmp_path):
    files = _data_files(tmp_path)
    _open(window, _unlocked_lab("points"))
    assert _drag_enter(window, files["points csv"]) and _drop(window, files["points csv"])
    qtbot.waitUntil(lambda: window.lab.data.is_custom, timeout=10_000)
    assert "Imported points.csv" in _message(window)
    assert window.lab.data.is_custom and len(window.lab.data.train_points or ()) + len(
        window.lab.data.test_points or ()) == 4


# ---------------------------------------------------------------------- entry points

@pytest.mark.parametrize("kind", KINDS)
def test_the_workspaces_entry_points_refuse_while_the_data_is_locked(window, asked, tmp_path,
                                                                     kind):
    files = _data_files(tmp_path)
    _open(window, _locked_lab(kind))
    before = window.lab
    calls = {
        "points import_csv": lambda: window.workspace_for("points").import_csv(
            files["points csv"]),
        "functions import_csv": lambda: window.workspace_for("functions").import_csv(
            files["curve csv"]),
        "draw_curve": lambda: window.workspace_for("functions").draw_curve(),
        "import_images npz": lambda: window.workspace_for("images").import_images(
            files["npz"]),
        "import_images folder": lambda: window.workspace_for("images").import_images(
            files["picture folder"]),
        "window import": lambda: window.files.import_csv(files["points csv"]),
        "shown workspace, asking": lambda: window.workspace.import_csv(None),
    }
    for what, call in calls.items():
        window.status("")
        assert call() is False, what
        assert "locked by the teacher" in _message(window), what
        assert window.lab is before, what
    assert asked == [] and window.dialog_log["errors"] == []


def test_locked_data_still_lets_the_student_ask_about_a_drawing(window, monkeypatch):
    """Asking the network changes nothing: under the data lock Draw an image… opens,
    with "Add to class" off and saying why, and a drawing that came back anyway is
    refused with the lock's status line."""
    from actlab.gui.workspaces.images import draw_image_dialog

    _open(window, _locked_lab("images"))
    before = window.lab
    assert window.acts.draw_image.isEnabled()
    assert LOCKED_TIP not in window.acts.draw_image.toolTip()
    seen = []

    def fake_draw(parent, lab, class_names=None, classify=None, no_adding=None):
        seen.append(no_adding)
        return replace(lab, data=replace(lab.data, added=(
            (0, (1.0,) * (lab.data.size ** 2)),)))  # a dialog that added all the same

    monkeypatch.setattr(draw_image_dialog, "draw_and_add", fake_draw)
    window.acts.draw_image.trigger()
    assert seen and "locked by the teacher" in seen[0]
    assert window.lab is before and window.lab.data.added == ()
    assert "locked by the teacher" in _message(window)


@pytest.mark.parametrize("kind", ("points", "functions"))
def test_apply_edit_refuses_locked_data_and_features(window, kind):
    _open(window, _locked_lab(kind))  # both presets lock the data and the features
    before = window.lab
    window.apply_edit(replace(before, data=replace(before.data, noise=0.25)), "data")
    assert window.lab is before and "data of this lab is locked" in _message(window)
    features = ("x1",) if kind == "points" else ("x", "xsq")
    assert features != before.features
    window.apply_edit(replace(before, features=features), "features")
    assert window.lab is before and "features of this lab are locked" in _message(window)
    window.apply_edit(replace(before, training=replace(before.training,
                                                       learning_rate=0.3)), "training")
    assert window.lab.training.learning_rate == 0.3  # what is not locked still changes
