"""Until the window has a curve workspace, a function lab (y = f(x)) is refused with one
clear message and the window keeps its lab; the Labs menu does not offer the function
presets (they train with `actlab train`)."""
from actlab.labfile import load_preset, save_lab

PRESET = "functions-linear-draws-one-line"


def test_opening_a_function_lab_file_is_refused_and_changes_nothing(window, tmp_path):
    before = window.lab
    path = tmp_path / "sine.actlab"
    save_lab(load_preset(PRESET), path)
    assert not window.open_path(str(path)) or window.lab is before
    assert window.lab is before
    errors = window.dialog_log["errors"]
    assert len(errors) == 1 and "actlab train" in str(errors[0])


def test_the_labs_menu_leaves_out_function_presets(window):
    window.menus.labs.aboutToShow.emit()
    names = [a.objectName() for a in window.menus.labs.actions() if a.objectName()]
    assert names and f"preset_{PRESET}" not in names
