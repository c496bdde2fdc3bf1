"""Find ActLab's resources folder (preset labs, icons) wherever ActLab runs from.

Three layouts are tried, in this order, and the first existing folder wins:

1. an installed wheel: the package ``actlab.resources`` (``pyproject.toml`` maps it to the
   top-level ``resources/`` folder), found with :func:`importlib.resources.files`;
2. a PyInstaller bundle: ``sys._MEIPASS/resources``;
3. a source checkout: ``<repo>/resources``, next to the ``actlab`` package.

Everything that loads a preset or an icon goes through :func:`resource_file` or
:func:`resource_dir`, so there is one place to change when the layout changes.  Standard
library only.
"""
from __future__ import annotations

import importlib.resources
import sys
from collections.abc import Iterator
from pathlib import Path


def _candidates() -> Iterator[Path]:
    try:
        found = importlib.resources.files("actlab.resources")
    except Exception:  # not installed as a package (source checkout, frozen build)
        found = None
    # Only a real folder is usable as a Path (a zipped install would need as_file()).
    if isinstance(found, Path):
        yield found
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        yield Path(meipass) / "resources"
    yield Path(__file__).resolve().parent.parent / "resources"


def resources_root() -> Path:
    """The resources folder itself.  Raises FileNotFoundError when none is found."""
    tried = []
    for candidate in _candidates():
        if candidate.is_dir():
            return candidate
        tried.append(str(candidate))
    raise FileNotFoundError("ActLab's resources folder was not found (looked in: "
                            + ", ".join(tried) + ")")


def resource_dir(*parts: str) -> Path:
    """The folder ``resources/<parts...>``, e.g. ``resource_dir("labs")``.

    Raises FileNotFoundError when it does not exist.
    """
    path = resources_root().joinpath(*parts)
    if not path.is_dir():
        raise FileNotFoundError(f"ActLab resource folder not found: {path}")
    return path


def resource_file(*parts: str) -> Path:
    """The file ``resources/<parts...>``, e.g. ``resource_file("labs", "circle-tanh.actlab")``.

    Raises FileNotFoundError when it does not exist.
    """
    path = resources_root().joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"ActLab resource file not found: {path}")
    return path
