"""The command line explains itself: each message a teacher met that misled, with the exact
line it prints now (exit status 2, one line on stderr, no traceback)."""
import pytest

from actlab.__main__ import main as entry
from actlab.cli.main import build_parser


def _error(capsys, argv) -> str:
    assert entry(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err.strip()


def test_a_slip_of_a_command_suggests_the_command(capsys):
    assert _error(capsys, ["tarin", "circle-tanh"]) == (
        "actlab: error: unknown command 'tarin': did you mean 'actlab train'? "
        "(see: actlab --help)")
    assert _error(capsys, ["tarin"]) == (
        "actlab: error: unknown command or lab 'tarin': did you mean 'actlab train'? "
        "(see: actlab --help)")
    assert _error(capsys, ["clas", "students/"]) == (
        "actlab: error: unknown command 'clas': did you mean 'actlab class'? "
        "(see: actlab --help)")
    assert _error(capsys, ["circle-tanh", "xor-needs-nonlinearity"]) == (
        "actlab: error: open one lab at a time, got 2 arguments (commands: train, class; "
        "see: actlab --help)")


def test_train_alone_points_to_its_help(capsys):
    assert _error(capsys, ["train"]) == (
        "actlab: error: the following arguments are required: LAB (a .actlab file or a "
        "preset name; see: actlab train --help)")


def test_images_on_a_function_lab_says_it_is_a_function_lab(capsys, tmp_path):
    assert _error(capsys, ["train", "functions-one-kink", "--images", str(tmp_path)]) == (
        "actlab: error: --images needs an image lab (this one is a function lab); leave LAB "
        "out to train the images alone")


def test_a_png_is_named_as_typed_and_as_what_it_is(capsys, tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "compare.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    monkeypatch.chdir(tmp_path)
    assert _error(capsys, ["train", "out/compare.png"]) == (
        "actlab: error: out/compare.png: a PNG image, not a lab file (to train on images: "
        "actlab train --images FILE.npz|FOLDER)")


def test_a_folder_suggests_images(capsys, tmp_path, monkeypatch):
    (tmp_path / "myimgs").mkdir()
    monkeypatch.chdir(tmp_path)
    assert _error(capsys, ["train", "myimgs/"]) == (
        "actlab: error: myimgs/: is a folder, not a lab file (to train on the pictures in "
        "it: actlab train --images myimgs/)")


@pytest.mark.parametrize("argv, line", [
    (["train", "circle-tanh", "--epoch", "5"],
     "actlab: error: unrecognized arguments: --epoch 5 (did you mean --epochs?)"),
    (["train", "circle-tanh", "--instrument"],
     "actlab: error: unrecognized arguments: --instrument (did you mean --instruments?)"),
])
def test_no_prefix_matching_and_a_suggestion(capsys, argv, line):
    assert _error(capsys, argv) == line


def test_train_help_describes_every_kinds_outputs():
    train = next(a for a in build_parser()._actions if hasattr(a, "choices")
                 and a.choices).choices["train"]
    text = " ".join(train.format_help().split())
    for words in ("a point lab surface.png", "a function lab fit.png",
                  "an image lab samples.png", "templates.png", "compare.png"):
        assert words in text
    options = {a.dest: a.help for a in train._actions}
    assert "point labs only" not in " ".join(h or "" for h in options.values())


def test_instruments_on_an_image_lab_write_its_collapse_figure(tmp_path, capsys):
    from PySide6 import QtGui

    out = tmp_path / "o"
    assert entry(["train", "images-linear-cnn-counts-ink", "--epochs", "1", "--instruments",
                  "--quiet", "--out", str(out)]) == 0
    assert "point labs only" not in capsys.readouterr().err
    image = QtGui.QImage(str(out / "collapse.png"))
    assert not image.isNull() and image.width() >= 1200
