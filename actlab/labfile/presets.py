"""The preset labs bundled in ``resources/labs``: :func:`preset_names` lists them by kind
in teaching order, :func:`load_preset` reads one (through :func:`.format.load_lab`,
so a preset is checked like any lab file).  Loaded by name with
:mod:`actlab.resources_path`, so they work from a source checkout, a wheel and the
PyInstaller build alike.  Standard library only (no Qt).
"""
from __future__ import annotations

import json

from actlab.lab import DATA_KINDS, Lab
from actlab.labfile.checks import LabFileError, _name
from actlab.labfile.format import load_lab
from actlab.resources_path import resource_dir, resource_file

SUFFIX = ".actlab"  # of every lab file, not only presets
# Teaching order for menus; other files in resources/labs follow alphabetically.
# circle-tanh is the plain default lab's guided twin; the rest form the curriculum in
# teaching order.
PRESET_ORDER = ("circle-tanh", "one-layer-line", "linear-collapse-xor", "xor-needs-nonlinearity",
                "circle-features-vs-layers", "spiral-relu-vs-tanh", "deep-sigmoid-vanishes")
IMAGE_PRESET_ORDER = ("images-linear-cnn-counts-ink", "images-two-3x3-are-one-5x5",
                      "images-shapes-need-nonlinearity", "images-digits",
                      "images-max-pooling-is-nonlinear", "images-uci-digits-templates",
                      "images-uci-digits-inverted")
#: The lab the app opens on when started without a LAB: a guided lab whose guide says
#: what to do first *and* what to try next (Play; then linear in the same layer, Reset,
#: Play: the point of activation functions in one minute), with both outcomes judged
#: live, and a "Stop after" at its judging epoch so the first run ends by itself.
STARTING_PRESET = "xor-needs-nonlinearity"
FUNCTION_PRESET_ORDER = ("functions-linear-draws-one-line", "functions-four-relu-pieces",
                         "functions-deeper-more-pieces", "functions-one-kink")


def _preset_kind(path) -> str:
    """The data kind a preset file declares ("points" when it names none or cannot be
    read: load_preset then reports the problem)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8")).get("data", {})
        kind = data.get("kind", "points") if isinstance(data, dict) else "points"
    except (OSError, ValueError, AttributeError):
        return "points"
    return kind if kind in DATA_KINDS else "points"


def preset_names(kind: str = "points") -> list[str]:
    """Names (file stems) of the bundled preset labs of ``kind`` ("points", "images",
    "functions" or "all"), in teaching order.  The default is the point labs: the window opens those;
    image labs are trained with ``actlab train`` for now."""
    if kind not in (*DATA_KINDS, "all"):
        raise ValueError(f"kind must be one of {', '.join((*DATA_KINDS, 'all'))}, got {kind!r}")
    paths = {p.name[: -len(SUFFIX)]: p for p in resource_dir("labs").glob("*" + SUFFIX)}
    found = sorted(n for n, p in paths.items() if kind == "all" or _preset_kind(p) == kind)
    order = PRESET_ORDER + IMAGE_PRESET_ORDER + FUNCTION_PRESET_ORDER
    ordered = [n for n in order if n in found]
    return ordered + [n for n in found if n not in ordered]


def load_preset(name: str) -> Lab:
    """The bundled preset ``name`` (as listed by :func:`preset_names`)."""
    name = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
    names = preset_names("all")
    if name not in names:
        raise LabFileError("", f"no preset named {_name(name)} (choose from {', '.join(names)})")
    return load_lab(resource_file("labs", name + SUFFIX))


def starting_lab() -> Lab:
    """The lab the app opens on when started without a LAB (:data:`STARTING_PRESET`)."""
    return load_preset(STARTING_PRESET)
