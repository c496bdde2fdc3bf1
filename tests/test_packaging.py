"""The wheel must hold every package of the source tree.

pyproject.toml lists the packages by hand; a sub-package missing from that list works from
a checkout (the tests run there) but is absent from `pip install .` and the window fails to
start.  Compare the list with the folders that hold an __init__.py.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_source_package_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "actlab").rglob("__init__.py")}
    assert on_disk, "no packages found under actlab/"
    assert on_disk - listed == set(), f"missing from pyproject packages: {on_disk - listed}"
