"""The file-association data of each desktop names the same things as
packaging/app_info.py (and so as actlab.spec): the Windows installer script, the Linux
desktop entry and MIME type."""
from __future__ import annotations

import configparser
import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_where = importlib.util.spec_from_file_location("app_info_files",
                                                ROOT / "packaging" / "app_info.py")
APP = importlib.util.module_from_spec(_where)
_where.loader.exec_module(APP)


def _iss():
    text = (ROOT / "packaging" / "windows" / "actlab.iss").read_text(encoding="utf-8")
    sections, current = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return text, sections


def test_the_installer_installs_the_folder_and_owns_actlab_files():
    text, sections = _iss()
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    assert setup["AppName"] == APP.NAME and setup["ChangesAssociations"] == "yes"
    assert setup["PrivilegesRequired"] == "lowest"  # no administrator in a classroom
    icon = (ROOT / "packaging" / "windows" / setup["SetupIconFile"].replace("\\", "/"))
    assert icon.resolve() == APP.ICON_ICO and APP.ICON_ICO.is_file()
    assert any('Source: "..\\..\\dist\\actlab\\*"' in line and "recursesubdirs" in line
               for line in sections["Files"])
    registry = "\n".join(sections["Registry"])
    ext, prog = "." + APP.LAB_EXTENSION, APP.WINDOWS_PROG_ID
    assert f'Subkey: "Software\\Classes\\{ext}"; ValueType: string; ValueName: ""; ' \
           f'ValueData: "{prog}"' in registry
    assert f'Subkey: "Software\\Classes\\{prog}\\DefaultIcon"' in registry
    assert f'ValueData: "{{app}}\\{APP.EXE_NAME}.exe,0"' in registry
    # the double-click starts the windowed exe, never the console twin
    assert f'ValueData: """{{app}}\\{APP.EXE_NAME}.exe"" ""%1"""' in registry
    assert APP.CLI_EXE_NAME not in registry
    assert all(line.startswith("Root: HKA;") for line in sections["Registry"])


def test_the_linux_desktop_entry_and_mime_type_still_match():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "resources" / "actlab.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == f"{APP.EXE_NAME} %f" and desktop["TryExec"] == APP.EXE_NAME
    assert desktop["MimeType"] == APP.LAB_MIME + ";"
    assert desktop["Icon"] == "actlab" and desktop["Name"] == APP.NAME
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(ROOT / "resources" / "actlab-mime.xml").getroot()
    (kind,) = mime.findall("m:mime-type", ns)
    assert kind.get("type") == APP.LAB_MIME
    assert [g.get("pattern") for g in kind.findall("m:glob", ns)] == ["*." + APP.LAB_EXTENSION]
    for size in (16, 32, 48, 64, 128, 256):  # what docs/packaging.md installs
        assert (ROOT / "resources" / "icons" / f"actlab-{size}.png").is_file()


def test_the_app_the_qt_side_names_is_the_one_the_builds_name():
    import actlab

    assert actlab.APP_NAME == APP.NAME and actlab.__version__ == APP.version()
    from actlab.gui.dialogs import LAB_FILTER

    assert f"(*.{APP.LAB_EXTENSION})" in LAB_FILTER


def test_the_docs_name_what_the_builds_make():
    import yaml

    doc = (ROOT / "docs" / "packaging.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in (f"{APP.CLI_EXE_NAME}.exe", f"{APP.NAME}.app", APP.BUNDLE_ID, APP.LAB_UTI,
                 "packaging/windows/actlab.iss", ".github/workflows/build.yml"):
        assert name in doc, name
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "build.yml").read_text())
    for entry in workflow["jobs"]["build"]["strategy"]["matrix"]["include"]:
        assert entry["archive"] in readme, entry["archive"]  # where a teacher finds it
