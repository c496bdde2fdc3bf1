"""The README's "Start here" path names preset labs, in an order a class can follow: the
lab the app opens on first, then point, function and image labs."""
from __future__ import annotations

import re
from pathlib import Path

from actlab.labfile.presets import STARTING_PRESET, load_preset, preset_names

README = Path(__file__).resolve().parents[1] / "README.md"


def start_here() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Start here", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\d+\. `([\w-]+)`", section, flags=re.M)


def test_the_path_names_presets_once_each_starting_where_the_app_opens():
    names = start_here()
    assert 6 <= len(names) <= 12 and len(set(names)) == len(names)
    assert set(names) <= set(preset_names("all"))
    assert names[0] == STARTING_PRESET


def test_the_path_goes_from_points_to_functions_to_images():
    kinds = [load_preset(name).kind for name in start_here()]
    order = ["points", "functions", "images"]
    assert kinds == sorted(kinds, key=order.index) and set(kinds) == set(order)
