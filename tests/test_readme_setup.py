"""The README's two set-up commands: both install into a virtual environment (a stock
Debian 12 / Ubuntu 23.04+ Python refuses pip outside one), and .ci/run runs the test
command exactly as the README gives it."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = re.search(r"^## Set-up \(two commands\)\n(.*?)(?=^## )", text, re.S | re.M)
    assert setup, 'README.md has no "## Set-up (two commands)" section'
    return re.findall(r"^```\n(.*?)\n```", setup.group(1), re.S | re.M)


def test_both_commands_make_and_use_a_venv():
    app, tests = _commands()[:2]
    for command in (app, tests):
        assert command.startswith("python3 -m venv .venv && .venv/bin/python -m pip install ")
    assert app.endswith("&& .venv/bin/actlab")
    assert tests.endswith("&& .venv/bin/python -m pytest -q")


def test_ci_runs_the_readme_test_command_verbatim():
    tests = _commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()
    # and it runs it on a Python that refuses pip outside a venv
    assert "EXTERNALLY-MANAGED" in ci
