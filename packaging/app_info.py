"""What the builds say about ActLab, in one place: read by ``actlab.spec`` (the Windows
exes, the macOS ``Info.plist``) and by the tests that check the spec, the Inno Setup
script (``packaging/windows/actlab.iss``) and the Linux desktop files agree with it.

Plain Python with no imports from ``actlab`` (the spec loads this file by path, before
anything of the app is importable); the version is read from ``actlab/__init__.py``.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

NAME = "ActLab"                          # the .app, the installer, menus
EXE_NAME = "actlab"                      # the one-folder app: dist/actlab/actlab(.exe)
CLI_EXE_NAME = "actlab-cli"              # Windows only: the console twin of actlab.exe
BUNDLE_ID = "org.actlab.ActLab"          # macOS CFBundleIdentifier
LAB_EXTENSION = "actlab"                 # lab files: *.actlab (UTF-8 JSON)
LAB_TYPE_NAME = "ActLab lab"             # what Finder / Explorer call such a file
LAB_UTI = "org.actlab.lab"               # macOS exported type identifier
LAB_MIME = "application/x-actlab"        # Linux (resources/actlab-mime.xml)
WINDOWS_PROG_ID = "ActLab.Lab"           # Windows registry class of .actlab

ICON_SVG = ROOT / "resources" / "icons" / "actlab.svg"    # the source of every icon
ICON_ICO = ROOT / "resources" / "icons" / "actlab.ico"    # Windows (resources/icons/make_icons.py)
ICON_ICNS = ROOT / "resources" / "icons" / "actlab.icns"  # macOS (idem)


def version() -> str:
    """ActLab's version, as ``actlab/__init__.py`` declares it."""
    text = (ROOT / "actlab" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def info_plist() -> dict:
    """The macOS ``Info.plist`` entries beyond PyInstaller's defaults: ``.actlab`` files
    are ActLab's own document type, declared as an exported UTI that conforms to JSON."""
    return {
        "CFBundleName": NAME,
        "CFBundleDisplayName": NAME,
        "CFBundleShortVersionString": version(),
        "CFBundleVersion": version(),
        "NSHighResolutionCapable": True,
        "NSHumanReadableCopyright": "© 2026 The ActLab developers (MIT licence)",
        "LSApplicationCategoryType": "public.app-category.education",
        "CFBundleDocumentTypes": [{
            "CFBundleTypeName": LAB_TYPE_NAME,
            "CFBundleTypeRole": "Editor",
            "LSHandlerRank": "Owner",
            "CFBundleTypeIconFile": ICON_ICNS.name,
            "LSItemContentTypes": [LAB_UTI],
        }],
        "UTExportedTypeDeclarations": [{
            "UTTypeIdentifier": LAB_UTI,
            "UTTypeDescription": LAB_TYPE_NAME,
            "UTTypeIconFile": ICON_ICNS.name,
            "UTTypeConformsTo": ["public.json", "public.data"],
            "UTTypeTagSpecification": {
                "public.filename-extension": [LAB_EXTENSION],
                "public.mime-type": [LAB_MIME],
            },
        }],
    }
