"""Persistent settings (QSettings, organisation "ActLab", application "ActLab").

Window geometry and state, the last folder used and the recent labs live here.  Set the
environment variable ``ACTLAB_SETTINGS_DIR`` to keep them in an INI file in that folder
instead of the user's real settings (the tests and benchmarks do).
"""
from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSettings

ORGANIZATION = "ActLab"
APPLICATION = "ActLab"
MAX_RECENT = 8
ENV_DIR = "ACTLAB_SETTINGS_DIR"


def open_settings() -> QSettings:
    """The app's settings store (an INI file in ``$ACTLAB_SETTINGS_DIR`` when set)."""
    folder = os.environ.get(ENV_DIR)
    if folder:
        os.makedirs(folder, exist_ok=True)
        return QSettings(os.path.join(folder, "ActLab.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


def data_folder(settings: QSettings) -> str:
    """Where ActLab keeps its own files (the autosave): ``$ACTLAB_SETTINGS_DIR`` when set,
    else the folder of the settings file, else the platform's app-data folder."""
    folder = os.environ.get(ENV_DIR)
    if folder:
        return folder
    if settings.format() == QSettings.Format.IniFormat or sys.platform != "win32":
        return os.path.dirname(settings.fileName())  # e.g. ~/.config/ActLab
    from PySide6.QtCore import QStandardPaths  # Windows keeps settings in the registry

    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)


def _str_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value if v]


def recent_labs(settings: QSettings) -> list[str]:
    """Recently opened or saved lab files, newest first (at most MAX_RECENT)."""
    return _str_list(settings.value("recent/labs", []))[:MAX_RECENT]


def add_recent_lab(settings: QSettings, path: str) -> list[str]:
    """Put ``path`` first in the recent labs and return the new list."""
    path = os.path.abspath(path)
    labs = [p for p in recent_labs(settings) if os.path.abspath(p) != path]
    labs = [path, *labs][:MAX_RECENT]
    settings.setValue("recent/labs", labs)
    return labs


def remove_recent_lab(settings: QSettings, path: str) -> list[str]:
    labs = [p for p in recent_labs(settings) if p != path]
    settings.setValue("recent/labs", labs)
    return labs


def last_folder(settings: QSettings) -> str:
    """The folder of the last file opened or saved (the home folder at first)."""
    folder = settings.value("files/last_folder", "")
    folder = str(folder) if folder else ""
    return folder if folder and os.path.isdir(folder) else os.path.expanduser("~")


def set_last_folder(settings: QSettings, path: str) -> None:
    folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    settings.setValue("files/last_folder", folder)
