"""The README's "Image labs" example runs as written, and its preset list is the registry."""
import re
import runpy
from pathlib import Path

import actlab.engine  # noqa: F401  imported before any chdir, so from this checkout
from actlab.labfile.presets import preset_names

README = Path(__file__).resolve().parents[1] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(r"^## Image labs[^\n]*\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m, 'README.md has no "## Image labs" section'
    return m.group(1)


def test_image_labs_example_runs(tmp_path, monkeypatch):
    code = re.search(r"```python\n(.*?)^```", _section(), re.S | re.M).group(1)
    script = tmp_path / "image_example.py"
    script.write_text(code, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    names = runpy.run_path(str(script), run_name="__main__")
    assert names["probs"].shape == (len(names["y"]), 3)
    assert names["params"][0][0].shape == (4, 1, 3, 3)
    assert [g[0].shape for g in names["grads"]] == [p[0].shape for p in names["params"]]
    assert names["merged"].relative_difference < 1e-12


def test_image_preset_list_is_the_registry():
    block = _section().split("<!-- image preset list -->")[1].split("\n\n")[0]
    assert re.findall(r"`([a-z0-9-]+)`", block) == preset_names("images")
