"""What ``actlab ARG`` opens, the help texts, and activation names in any case."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from actlab import __main__ as entry
from actlab.cli import main as cli
from actlab.engine.activations.builtin import ACTIVATIONS, NAMES
from actlab.labfile.format import save_lab
from actlab.labfile.presets import load_preset, preset_names

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra):
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), **extra)


def _actlab(*args):
    return subprocess.run([sys.executable, "-m", "actlab", *args], capture_output=True,
                          text=True, env=_env(COLUMNS="80"), cwd=ROOT, timeout=120)


# --------------------------------------------------------------- what ARG opens

def test_preset_names_resolve_in_any_case_with_or_without_suffix():
    for name in preset_names():
        assert cli.resolve_lab(name) == ("preset", name)
        assert cli.resolve_lab(name.upper() + ".actlab") == ("preset", name)


def test_an_existing_file_wins_over_a_preset_of_the_same_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    save_lab(load_preset("one-layer-line"), tmp_path / "circle-tanh")
    assert cli.resolve_lab("circle-tanh") == ("file", "circle-tanh")


@pytest.mark.parametrize("arg", ["no-such-lab", "missing.actlab", "bad\nname\x1b[31m",
                                 "x" * 300 + ".actlab"])
def test_neither_file_nor_preset_is_one_line_listing_every_preset(arg):
    with pytest.raises(cli.CliError) as info:
        cli.resolve_lab(arg)
    message = str(info.value)
    assert "no such file or preset lab" in message or "cannot read" in message
    assert "\n" not in message and "\x1b" not in message
    if "no such file" in message:
        assert all(name in message for name in preset_names())


def test_no_command_is_one_usage_line(capsys):
    assert cli.main([]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "actlab train" in err and "--quiet" in err


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(cli.CliError, match="is a folder"):
        cli.resolve_lab(str(tmp_path))


def test_open_target_for_the_window(tmp_path):
    lab = tmp_path / "mine.actlab"
    save_lab(load_preset("circle-tanh"), lab)
    assert entry.open_target([]) is None
    assert entry.open_target([str(lab)]) == ("file", str(lab))
    assert entry.open_target(["Circle-Tanh"]) == ("preset", "circle-tanh")
    for bad, needle in ((["--bogus"], "unknown option"), (["a", "b"], "one lab at a time"),
                        (["frobnicate"], "commands: train")):
        with pytest.raises(cli.CliError, match=needle):
            entry.open_target(bad)


def test_a_preset_name_goes_to_the_window_as_a_preset(monkeypatch):
    import actlab.gui.app as app

    calls = []
    monkeypatch.setattr(app, "run_app", lambda argv, preset=None: calls.append(
        (argv[1:], preset)) or 0)
    assert entry.main(["circle-tanh"]) == 0
    assert entry.main([]) == 0
    assert calls == [([], "circle-tanh"), ([], None)]


def test_unknown_name_exits_2_before_any_window(monkeypatch, capsys):
    import actlab.gui.app as app

    monkeypatch.setattr(app, "run_app", lambda *a, **k: pytest.fail("window opened"))
    assert entry.main(["circle-tahn"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("actlab: error: circle-tahn")
    assert all(name in err for name in preset_names())


def test_actlab_preset_opens_that_lab_in_the_window(tmp_path):
    """The real window, offscreen: it quits right after showing (ACTLAB_QUIT_AFTER_SHOW)
    and reports which lab it showed and that it is untitled (Save asks where)."""
    probe = (
        "import sys\n"
        "from actlab.gui import main_window as m\n"
        "show = m.MainWindow.show\n"
        "def spy(self):\n"
        "    print('LAB=' + self.lab.name, 'PATH=' + str(self.path), flush=True)\n"
        "    show(self)\n"
        "m.MainWindow.show = spy\n"
        "from actlab.__main__ import main\n"
        "sys.exit(main(['spiral-relu-vs-tanh']))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=ROOT, timeout=120,
                         env=_env(ACTLAB_QUIT_AFTER_SHOW="1",
                                  ACTLAB_SETTINGS_DIR=str(tmp_path / "settings")))
    assert out.returncode == 0, out.stderr
    assert f"LAB={load_preset('spiral-relu-vs-tanh').name} PATH=None" in out.stdout


# --------------------------------------------------------------- help texts

def _assert_complete_plain_help(text: str, options):
    assert "``" not in text and ":func:" not in text
    for name in preset_names():
        assert name in text, name
    for name in NAMES:
        assert re.search(rf"\b{name}\b", text), name
    for flag in options:
        assert flag in text, flag


def _train_flags():
    return [a.option_strings[-1] for a in cli._train_parser()._actions
            if a.option_strings and "--help" not in a.option_strings]


def test_train_help_is_plain_and_lists_options_presets_activations():
    r = _actlab("train", "--help")
    assert r.returncode == 0, r.stderr
    _assert_complete_plain_help(r.stdout, _train_flags())
    assert "without the regularisation penalty" in " ".join(r.stdout.split())
    assert max(len(line) for line in r.stdout.splitlines()) <= 80


def test_top_level_help_names_every_train_option(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps the usage to the terminal
    assert {"--instruments", "--report", "--quiet"} <= set(_train_flags())
    assert entry.main(["--help"]) == 0
    text = capsys.readouterr().out
    _assert_complete_plain_help(text, _train_flags() + ["--self-test", "--version"])
    assert "actlab LAB" in text and "preset" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_readme_preset_list_is_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    marker = readme.index("preset list: tests/cli/test_entry.py")
    block = readme[marker:readme.index("\n\n", marker)]
    assert re.findall(r"`([a-z0-9-]+)`", block) == preset_names()


# --------------------------------------------------------------- activation names

@pytest.mark.parametrize("spelled,name", [("ReLU", "relu"), ("RELU", "relu"),
                                          ("Leaky ReLU", "leaky_relu"),
                                          ("leaky-relu", "leaky_relu"), ("Tanh", "tanh"),
                                          (" GELU ", "gelu")])
def test_activation_in_any_case(spelled, name):
    assert cli.resolve_activation(spelled) == name


def test_every_activation_resolves_by_name_and_by_window_title():
    for name, act in ACTIVATIONS.items():
        assert cli.resolve_activation(name.upper()) == name
        assert cli.resolve_activation(act.title) == name


def test_unknown_activation_lists_the_valid_ones(capsys):
    assert cli.main(["train", "circle-tanh", "--activation", "ReLu6", "--epochs", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'ReLu6'" in err
    assert all(name in err for name in NAMES)


def test_cli_trains_with_the_window_spelling(tmp_path):
    out = tmp_path / "o"
    assert cli.main(["train", "circle-tanh", "--activation", "ReLU", "--activation", "relu",
                     "--activation", "Tanh", "--epochs", "3", "--out", str(out),
                     "--quiet"]) == 0
    doc = json.loads((out / "metrics.json").read_text())
    runs = doc["runs"]
    assert set(runs) == {"relu", "tanh"}  # "ReLU" and "relu" are one run
    assert doc["loss_note"] == runs["relu"]["loss_note"] == cli.LOSS_NOTE
    assert "without the regularisation penalty" in cli.LOSS_NOTE
    assert set(runs["relu"]["activations"]) == {"relu"}
