"""GUI tests run without a display: pick Qt's offscreen platform before Qt is imported."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# --- main window fixtures (tests/gui/test_main_window.py) -------------------------------
import pytest  # noqa: E402
from PySide6 import QtCore  # noqa: E402

from prediction_answers import answer_prediction  # noqa: E402 - tests/gui is on the path


@pytest.fixture
def settings_dir(tmp_path, monkeypatch):
    """A throw-away QSettings location (ActLab honours ACTLAB_SETTINGS_DIR)."""
    folder = tmp_path / "settings"
    monkeypatch.setenv("ACTLAB_SETTINGS_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _predictions_never_block(monkeypatch):
    """Pressing Play in a guided lab with prediction questions never opens a modal
    dialog in a test (dialog_log records and answers them: log["predict"])."""
    from actlab.gui.guide import prediction_dialog

    monkeypatch.setattr(prediction_dialog, "run_dialog", answer_prediction)


@pytest.fixture
def dialog_log(monkeypatch):
    """Make every dialog non-blocking: errors are recorded, unsaved changes discarded."""
    from actlab.gui import dialogs

    log = {"errors": [], "infos": [], "asked": [], "recover": [], "recover_answer": "discard"}
    monkeypatch.setattr(dialogs, "show_error",
                        lambda parent, title, message: log["errors"].append((title, message)))
    monkeypatch.setattr(dialogs, "show_info",
                        lambda parent, title, message: log["infos"].append((title, message)))

    def ask(parent, name):
        log["asked"].append(name)
        return "discard"

    monkeypatch.setattr(dialogs, "ask_save_changes", ask)

    def ask_recover(parent, name, when):
        log["recover"].append(name)
        return log["recover_answer"]

    monkeypatch.setattr(dialogs, "ask_recover", ask_recover)

    # "Read images from outside the lab?": answered with log["read_outside_answer"]
    log["read_outside"], log["read_outside_answer"] = [], False

    def ask_read_outside(parent, name, path, what):
        log["read_outside"].append((name, path, what))
        return log["read_outside_answer"]

    monkeypatch.setattr(dialogs, "ask_read_outside", ask_read_outside)

    # the activation editor is modal too: answer with log["design"] (None = Cancel, or a
    # designed activation, or a callable of (custom, editing) returning one)
    from actlab.gui.activations import activation_editor

    log["design"], log["designs_asked"] = None, []

    def design(parent, custom=(), editing=None):
        log["designs_asked"].append(editing)
        answer = log["design"]
        return answer(custom, editing) if callable(answer) else answer

    monkeypatch.setattr(activation_editor, "design_activation", design)
    # "Predict first": recorded in log["predicted"], answered by log["predict"]
    from actlab.gui.guide import prediction_dialog

    log["predicted"], log["predict"] = [], None
    monkeypatch.setattr(prediction_dialog, "run_dialog",
                        lambda dialog: answer_prediction(dialog, log))

    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: "")
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: "")
    log["folder"] = ""  # the folder "chosen" in a folder dialog ("" = Cancel)
    monkeypatch.setattr(dialogs, "folder_name", lambda *a: log["folder"])
    return log


@pytest.fixture
def window(qtbot, settings_dir, dialog_log):
    """A shown MainWindow with the default lab, temporary settings and silent dialogs."""
    from actlab.gui.main_window import MainWindow

    w = MainWindow()
    w.dialog_log = dialog_log
    qtbot.addWidget(w)
    # the offscreen screen (800 x 800) is smaller than the preferred size, so the window
    # would open maximized; the tests want a known 1280 x 800 window
    w.setWindowState(QtCore.Qt.WindowState.WindowNoState)
    # column floors as on a laptop screen, not the offscreen 800 x 800 one
    w.layout_.apply_floors(QtCore.QSize(1366, 768))
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.playback.redraws > 0, timeout=5000)
    yield w
    w.close()
    assert not w.training_thread.thread.isRunning()
