"""The README's "Python API" example runs exactly as written (in a fresh folder)."""
import re
import runpy
from pathlib import Path

import pytest

import actlab.engine  # noqa: F401  imported before any chdir, so from this checkout

README = Path(__file__).resolve().parents[1] / "README.md"


def python_api_block() -> str:
    """The first ```python block under the "## Python API" heading (up to the next ##)."""
    text = README.read_text(encoding="utf-8")
    m = re.search(r"^## Python API[^\n]*\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m, 'README.md has no "## Python API" section'
    code = re.search(r"```python\n(.*?)^```", m.group(1), re.S | re.M)
    assert code, 'the "## Python API" section has no ```python block'
    return code.group(1)


def test_python_api_example_runs(tmp_path, monkeypatch):
    code = python_api_block()
    script = tmp_path / "readme_example.py"
    script.write_text(code, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    names = runpy.run_path(str(script), run_name="__main__")
    # what the example promises: a trained lab saved next to it, predictions, a loss
    assert (tmp_path / "trained.actlab").is_file()
    assert names["probs"].shape == (len(names["y"]),)
    assert names["loss"] > 0 and len(names["grads"]) == len(names["params"])


def test_the_extractor_finds_the_block_and_would_see_a_break(tmp_path, monkeypatch):
    """Guard the guard: a broken example makes the runner fail."""
    code = python_api_block()
    assert "Trainer(" in code and "save_lab" in code
    broken = tmp_path / "broken.py"
    broken.write_text(code + "\nprobs = t.network.predict(undefined_X)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NameError):
        runpy.run_path(str(broken))
