"""The Qt-free layers stay Qt-free: every module of the engine, the lab, the lab files and
the kinds imports without loading Qt, pyqtgraph or SciPy (checked in a fresh interpreter,
so nothing this test run already imported hides a leak).  The CLI trains without a
display through these layers, and the GUI's worker thread relies on them holding no Qt
object."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QT_FREE = ("actlab/engine", "actlab/kinds", "actlab/labfile", "actlab/lab.py")
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "shiboken6", "qtpy", "scipy")


def qt_free_modules() -> list[str]:
    mods = []
    for part in QT_FREE:
        path = ROOT / part
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for p in files:
            rel = p.relative_to(ROOT).with_suffix("")
            mods.append(".".join(rel.parts).removesuffix(".__init__"))
    return mods


def test_the_qt_free_layers_exist():
    mods = qt_free_modules()
    assert "actlab.engine.trainer" in mods and "actlab.labfile.format" in mods
    assert len(mods) > 60


def test_importing_every_engine_lab_file_and_kind_module_loads_no_qt():
    mods = qt_free_modules()
    code = (f"import importlib, sys\nfor m in {mods!r}:\n    importlib.import_module(m)\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=300)
    assert out.stdout.strip() == "[]", out.stdout
