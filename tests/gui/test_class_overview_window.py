"""File ▸ Class overview… in the window: choose the students' folder, the page is written
beside it and the window says where; a folder with no lab file gets a clear message."""
from dataclasses import replace

from actlab.engine.run_log import OutcomeResult, RunRecord
from actlab.labfile.format import save_lab
from actlab.labfile.presets import load_preset


def test_the_menu_writes_the_overview_beside_the_folder(window, tmp_path):
    folder = tmp_path / "period-3"
    folder.mkdir()
    lab = load_preset("xor-needs-nonlinearity")
    run = RunRecord(1, "1 hidden layer of 4 Tanh neurons", ("Tanh",), "SGD", 1, 500,
                    {"test_accuracy": 0.93}, (OutcomeResult(0, "pass", 0.93),))
    save_lab(replace(lab, runs=(run,)), folder / "ana.actlab")
    save_lab(lab, folder / "ben.actlab")
    (folder / "readme.txt").write_text("not a lab", encoding="utf-8")
    action = window.guide.class_action
    assert action in window.menus.file.actions()
    window.dialog_log["folder"] = str(folder)
    action.trigger()
    assert window.dialog_log["errors"] == []
    title, said = window.dialog_log["infos"][-1]
    assert title == "Class overview"
    assert "2 student files, 1 skipped" in said
    out = tmp_path / "period-3-overview"
    page = (out / "class-overview.html").read_text(encoding="utf-8")
    assert "1 of 2 reached it" in page and "readme.txt" in page
    assert (out / "class-overview.pdf").read_bytes().startswith(b"%PDF")
    assert "Class overview of “XOR needs a nonlinearity”" in window.statusBar().currentMessage()


def test_a_folder_without_lab_files_says_so(window, tmp_path):
    window.dialog_log["folder"] = str(tmp_path)
    window.guide.class_action.trigger()
    title, message = window.dialog_log["errors"][-1]
    assert title == "Cannot make the class overview" and "no lab file in it" in message
    window.dialog_log["folder"] = ""  # Cancel: nothing happens
    window.guide.class_action.trigger()
    assert len(window.dialog_log["errors"]) == 1
