"""The window does not show image labs yet: opening one (a preset, a file) gives one clear
message naming the command line, changes nothing, and the Labs menu lists point labs only."""
from actlab.labfile import load_preset, preset_names, save_lab


def _labs_menu_titles(window):
    window.menus.labs.aboutToShow.emit()  # the menu fills itself when it is about to show
    return [a.objectName() for a in window.menus.labs.actions()]


def test_labs_menu_lists_point_presets_only(window):
    names = _labs_menu_titles(window)
    assert names == [f"preset_{n}" for n in preset_names()]
    assert preset_names("images"), "there are image presets to hide"
    assert not any(n.removeprefix("preset_") in preset_names("images") for n in names)


def test_opening_an_image_preset_gives_one_clear_message(window):
    before = window.lab
    name = preset_names("images")[0]
    assert window.open_preset(name) is False
    assert len(window.dialog_log["errors"]) == 1
    title, message = window.dialog_log["errors"][0]
    assert "image lab" in message and "later version" in message
    assert f"actlab train {name}" in message.replace('"', "")
    assert window.lab is before  # nothing changed


def test_opening_an_image_lab_file_gives_the_same_message(window, tmp_path):
    path = tmp_path / "my bars.actlab"
    save_lab(load_preset(preset_names("images")[0]), path)
    before = window.lab
    assert window.open_path(str(path), ask=False) is False
    (title, message), = window.dialog_log["errors"]
    assert "later version" in message and f'actlab train "{path}"' in message
    assert window.lab is before
