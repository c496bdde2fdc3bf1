"""Issue 18 in the window: an image lab whose images are missing still opens (network,
settings, guide, weights; Play off; a note naming where the images were looked for) and
saves back unchanged; File ▸ Import images… finds them again keeping the lab; a source
outside the lab file's folder is read only after the student said Read."""
from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.data.images import make_images
from actlab.engine.models.cnn_spec import ImageNetSpec
from actlab.engine.trainer import Trainer
from actlab.kinds.image_sources import load_lab_images
from actlab.lab import ImageDataSpec, Lab
from actlab.labfile.format import lab_from_dict, lab_to_dict, load_lab, save_lab

WAIT = 60_000


def _npz(path, k=3):
    ds = make_images("shapes", 12, 0.0, 6, 0.5, 2)
    x = np.concatenate([ds.x_train, ds.x_test])[:, 0]
    y = np.concatenate([ds.y_train, ds.y_test])
    np.savez(path, images=x[y < k], labels=y[y < k])
    return path


def _trained_lab_file(folder, source="mine.npz", npz_at=None):
    """A trained image lab with a guide at ``folder``/mine.actlab naming ``source``."""
    folder.mkdir(parents=True, exist_ok=True)
    npz = _npz(npz_at or folder / "mine.npz")
    d = lab_to_dict(Lab(name="Mine", data=ImageDataSpec(size=12, seed=4),
                        network=ImageNetSpec(input_size=12)))
    d["guide"] = {"instructions": "Press Play and watch the filters.", "notes": "my notes"}
    lab = lab_from_dict(d)
    lab = replace(lab, data=replace(lab.data, source=("npz", str(npz))))
    lab, data = load_lab_images(lab, folder)
    t = Trainer(lab, data)
    t.train(1)
    trained = t.to_lab()
    trained = replace(trained, data=replace(trained.data, source=("npz", source)))
    path = folder / "mine.actlab"
    save_lab(trained, path)
    return path, npz


def _note(window):
    out = window.workspace.output
    return out.warning.text() if not out.warning.isHidden() else ""


def test_a_lab_whose_images_are_missing_opens_and_saves_back_unchanged(window, qtbot,
                                                                      tmp_path):
    path, npz = _trained_lab_file(tmp_path / "lab")
    before = load_lab(path)
    npz.unlink()
    assert window.files.open_path(str(path), ask=False)
    log = window.dialog_log
    assert log["errors"] == [] and log["read_outside"] == []
    assert window.lab.kind == "images" and window.lab == before  # nothing changed
    assert window.lab.guide["instructions"].startswith("Press Play")
    assert window.dataset.n_train == 0
    assert not window.acts.play.isEnabled() and not window.acts.step.isEnabled()
    note = _note(window)
    assert note.startswith(f"Images not found at {npz}.") and "File ▸ Import images…" in note
    assert "not read" in window.statusBar().currentMessage()
    # Save writes the lab back as it was: source, weights, history, guide
    assert window.files.save_to(str(path))
    assert load_lab(path) == before
    assert "mine.npz" in path.read_text() and str(npz) not in path.read_text()
    # Save As into another folder: the relative source would name another file from there
    other = tmp_path / "other" / "copy.actlab"
    other.parent.mkdir()
    assert window.files.save_to(str(other))
    moved = load_lab(other)
    assert moved.data.source == ("npz", str(npz)) and moved.params is not None
    assert window.lab.data.source == ("npz", "mine.npz")  # the window's lab is the same


def test_import_images_finds_a_missing_labs_images_keeping_the_lab(window, qtbot, tmp_path):
    path, npz = _trained_lab_file(tmp_path / "lab")
    before = load_lab(path)
    found = tmp_path / "found.npz"
    npz.rename(found)
    assert window.files.open_path(str(path), ask=False)
    assert window.workspace_for("images").import_images(str(found))
    assert window.dialog_log["errors"] == [] and window.dialog_log["read_outside"] == []
    assert window.acts.play.isEnabled() and window.dataset.n_train > 0
    assert _note(window) == ""
    lab = window.lab
    assert lab.data.source == ("npz", str(found))
    assert lab.guide == before.guide and lab.network == before.network
    assert lab_to_dict(lab)["params"] == lab_to_dict(before)["params"]
    assert window.isWindowModified()
    window.edits.undo()  # back to the missing images, without a question
    assert window.lab.data.source == ("npz", "mine.npz") and not window.acts.play.isEnabled()


def test_locating_images_of_another_class_count_changes_nothing(window, tmp_path):
    path, npz = _trained_lab_file(tmp_path / "lab")
    npz.unlink()
    two = _npz(tmp_path / "two.npz", k=2)
    assert window.files.open_path(str(path), ask=False)
    lab = window.lab
    assert not window.workspace_for("images").import_images(str(two))
    (title, message), = window.dialog_log["errors"]
    assert title == "Cannot use these images"
    assert "2 classes, but the lab's weights are for 3" in message
    assert window.lab == lab and not window.acts.play.isEnabled()


def test_a_source_outside_the_lab_folder_is_read_only_after_read(window, qtbot, tmp_path,
                                                                 opened):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path, npz = _trained_lab_file(tmp_path / "lab", "../elsewhere/x.npz",
                                  npz_at=elsewhere / "x.npz")
    log = window.dialog_log
    opened.clear()
    assert window.files.open_path(str(path), ask=False)  # answered Don't read
    assert log["read_outside"] == [("mine.actlab", os.path.realpath(npz), "file")]
    assert str(npz) not in opened and os.path.realpath(npz) not in opened
    assert window.dataset.n_train == 0 and not window.acts.play.isEnabled()
    assert _note(window).startswith(f"Images not read: they are outside the lab's folder, "
                                    f"at {os.path.realpath(npz)}.")
    # a change of the data settings does not read it either, nor ask again
    new = replace(window.lab, data=replace(window.lab.data, size=10),
                  network=replace(window.lab.network, input_size=10))
    window.apply_edit(new, "data")
    assert window.lab.data.size == 10 and window.dataset.n_train == 0
    assert not any(p.endswith("x.npz") for p in opened) and len(log["read_outside"]) == 1
    assert log["errors"] == []
    # opened again and answered Read: the images are read
    log["read_outside_answer"] = True
    assert window.files.open_path(str(path), ask=False)
    assert len(log["read_outside"]) == 2 and window.dataset.n_train > 0
    assert window.acts.play.isEnabled() and _note(window) == ""


def test_a_source_inside_the_lab_folder_is_read_without_a_question(window, tmp_path):
    path, _ = _trained_lab_file(tmp_path / "lab")
    assert window.files.open_path(str(path), ask=False)
    assert window.dialog_log["read_outside"] == [] and window.dataset.n_train > 0


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_source_is_refused_before_it_is_opened(window, tmp_path, opened):
    window.dialog_log["read_outside_answer"] = True  # even when the student says Read
    path, npz = _trained_lab_file(tmp_path / "lab", "/dev/zero")
    lab = window.lab
    assert not window.files.open_path(str(path), ask=False)
    (title, message), = window.dialog_log["errors"]
    assert title == "Cannot open the lab" and "zero: not a regular file" in message
    assert "/dev/zero" not in opened and window.lab == lab


def test_the_real_read_outside_question(qtbot, monkeypatch):
    """dialogs.ask_read_outside: plain text naming the resolved path; Don't read is the
    default (and Escape); Read reads."""
    from PySide6 import QtWidgets
    from PySide6.QtCore import Qt

    from actlab.gui import dialogs

    seen, press = [], {"text": None}

    def fake_exec(box):
        seen.append(box)
        button = box.defaultButton() if press["text"] is None else next(
            b for b in box.buttons() if b.text() == press["text"])
        button.click()
        return 0

    monkeypatch.setattr(QtWidgets.QMessageBox, "exec", fake_exec)
    assert dialogs.ask_read_outside(None, "mine.actlab", "/etc/shadow", "file") is False
    box = seen[0]
    assert box.windowTitle() == "Read images from outside the lab?"
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "/etc/shadow" in box.text() and "“mine.actlab”" in box.text()
    assert box.defaultButton().text() == "Don't read"
    assert box.escapeButton() is box.defaultButton()
    press["text"] = "Read"
    assert dialogs.ask_read_outside(None, "mine.actlab", "/data/pics", "folder") is True


def test_training_does_not_run_on_behind_the_question(window, qtbot, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path, _ = _trained_lab_file(tmp_path / "lab", "../elsewhere/x.npz",
                                npz_at=elsewhere / "x.npz")
    window.play()
    qtbot.waitUntil(lambda: window.training_thread.latest().snapshot.epoch >= 1, timeout=WAIT)
    playing = []

    def ask(parent, name, where, what):
        playing.append(window.wants_playing)
        return True
    from actlab.gui import dialogs
    monkeypatch.setattr(dialogs, "ask_read_outside", ask)
    assert window.files.open_path(str(path), ask=False)
    assert playing == [False]
