"""actlab.spec builds the right app on each desktop.

PyInstaller runs a spec with ``exec``, its build steps (``Analysis``, ``PYZ``, ``EXE``,
``COLLECT``, ``BUNDLE``) and ``SPECPATH``/``workpath`` given as globals.  Here those are
recorders, ``sys.platform`` is set to each desktop's value while the spec runs, and the
tests read what it asked for: no PyInstaller (and no build) needed.
"""
from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "actlab.spec"


def _app_info():
    where = importlib.util.spec_from_file_location("app_info_for_tests",
                                                   ROOT / "packaging" / "app_info.py")
    module = importlib.util.module_from_spec(where)
    where.loader.exec_module(module)
    return module


APP = _app_info()


class Step:
    """One recorded build step: its kind, positional and keyword arguments."""

    def __init__(self, kind, calls, *args, **kwargs):
        self.kind, self.args, self.kwargs = kind, args, kwargs
        calls.append(self)
        if kind == "Analysis":  # what the spec reads and filters afterwards
            self.pure, self.scripts, self.binaries = [], [("launch", "x", "PYSOURCE")], []
            self.datas = [("resources/labs/circle-tanh.actlab", "src", "DATA")]


def evaluate_spec(platform: str, monkeypatch, tmp_path) -> list[Step]:
    """Run actlab.spec as PyInstaller would on ``platform``; return its build steps."""
    calls: list[Step] = []
    names = {kind: (lambda *a, _k=kind, **kw: Step(_k, calls, *a, **kw))
             for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")}
    # the Linux branch asks PyInstaller's bindepend for the libraries binaries link to
    fake = types.ModuleType("PyInstaller.depend.bindepend")
    fake.get_imports = lambda path: []
    for name, module in (("PyInstaller", types.ModuleType("PyInstaller")),
                         ("PyInstaller.depend", types.ModuleType("PyInstaller.depend")),
                         ("PyInstaller.depend.bindepend", fake)):
        monkeypatch.setitem(sys.modules, name, module)
    code = compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
    scope = {"__name__": "__main__", "__file__": str(SPEC), "SPECPATH": str(ROOT),
             "workpath": str(tmp_path / "work"), "DISTPATH": str(tmp_path / "dist"), **names}
    with monkeypatch.context() as m:
        m.setattr(sys, "platform", platform)
        exec(code, scope)
    return calls


def steps(calls, kind):
    return [c for c in calls if c.kind == kind]


def test_linux_is_one_console_exe_in_one_folder_as_before(monkeypatch, tmp_path):
    calls = evaluate_spec("linux", monkeypatch, tmp_path)
    (analysis,) = steps(calls, "Analysis")
    assert analysis.args[0] == [str(ROOT / "packaging" / "launch_actlab.py")]
    assert str(ROOT / "packaging" / "rthook_no_opengl.py") in analysis.kwargs["runtime_hooks"]
    assert "PySide6.QtNetwork" in analysis.kwargs["excludes"]
    (exe,) = steps(calls, "EXE")
    assert exe.kwargs["name"] == "actlab" and exe.kwargs["console"] is True
    assert exe.kwargs["exclude_binaries"] is True and exe.kwargs["icon"] is None
    (coll,) = steps(calls, "COLLECT")
    assert coll.kwargs["name"] == "actlab" and exe in coll.args
    assert steps(calls, "BUNDLE") == []
    # importlib.resources finds the presets through a link in the bundle
    assert ("actlab/resources", "../resources", "SYMLINK") in analysis.datas


def test_windows_has_a_windowed_app_and_a_console_cli_in_one_folder(monkeypatch, tmp_path):
    calls = evaluate_spec("win32", monkeypatch, tmp_path)
    exes = {e.kwargs["name"]: e for e in steps(calls, "EXE")}
    assert set(exes) == {APP.EXE_NAME, APP.CLI_EXE_NAME} == {"actlab", "actlab-cli"}
    assert exes["actlab"].kwargs["console"] is False       # no console beside the window
    assert exes["actlab-cli"].kwargs["console"] is True    # --self-test and train print
    for exe in exes.values():
        assert exe.kwargs["icon"] == str(APP.ICON_ICO) and Path(exe.kwargs["icon"]).is_file()
        assert exe.kwargs["exclude_binaries"] is True
    (coll,) = steps(calls, "COLLECT")  # both share one _internal folder
    assert exes["actlab"] in coll.args and exes["actlab-cli"] in coll.args
    assert coll.kwargs["name"] == "actlab"
    assert steps(calls, "BUNDLE") == []
    (analysis,) = steps(calls, "Analysis")  # a copy of resources/, not a symlink
    assert not any(e[2] == "SYMLINK" for e in analysis.datas)
    assert any(e[0].replace("\\", "/") == "actlab/resources/labs/circle-tanh.actlab"
               for e in analysis.datas)


def test_macos_is_an_app_bundle_that_owns_actlab_files(monkeypatch, tmp_path):
    calls = evaluate_spec("darwin", monkeypatch, tmp_path)
    (exe,) = steps(calls, "EXE")
    assert exe.kwargs["console"] is False and exe.kwargs["argv_emulation"] is False
    assert exe.kwargs["icon"] == str(APP.ICON_ICNS)
    (coll,) = steps(calls, "COLLECT")
    (bundle,) = steps(calls, "BUNDLE")
    assert bundle.args == (coll,)
    assert bundle.kwargs["name"] == "ActLab.app"
    assert bundle.kwargs["bundle_identifier"] == APP.BUNDLE_ID == "org.actlab.ActLab"
    icns = Path(bundle.kwargs["icon"])
    assert icns.is_file() and icns.read_bytes()[:4] == b"icns"
    plist = bundle.kwargs["info_plist"]
    (doc,) = plist["CFBundleDocumentTypes"]
    assert doc["LSItemContentTypes"] == ["org.actlab.lab"] and doc["LSHandlerRank"] == "Owner"
    assert doc["CFBundleTypeIconFile"] == icns.name
    (uti,) = plist["UTExportedTypeDeclarations"]
    assert uti["UTTypeIdentifier"] == "org.actlab.lab"
    assert uti["UTTypeTagSpecification"]["public.filename-extension"] == ["actlab"]
    assert "public.json" in uti["UTTypeConformsTo"]
    import actlab
    assert plist["CFBundleShortVersionString"] == actlab.__version__ == APP.version()
    assert bundle.kwargs["version"] == actlab.__version__


def test_info_plist_is_a_valid_property_list():
    import plistlib

    data = plistlib.dumps(APP.info_plist())
    assert plistlib.loads(data) == APP.info_plist()


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_every_platform_freezes_the_same_entry_point(platform, monkeypatch, tmp_path):
    calls = evaluate_spec(platform, monkeypatch, tmp_path)
    (analysis,) = steps(calls, "Analysis")
    assert "actlab.gui.file_open" in analysis.kwargs["hiddenimports"]
    assert "actlab.__main__" in analysis.kwargs["hiddenimports"]
    assert ("actlab.resources", str(ROOT / "resources" / "__init__.py"), "PYMODULE") \
        in analysis.pure
