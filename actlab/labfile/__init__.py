"""Lab files: the ``.actlab`` format (format), its parts by kind (points, functions, images,
guide), its vocabulary (names), its checks and the bundled presets.

The API of lab files is importable from here (``from actlab.labfile import load_preset``).
"""
from actlab.labfile import format as _format
from actlab.labfile.format import *  # noqa: F401,F403
from actlab.labfile.presets import (  # noqa: F401
    FUNCTION_PRESET_ORDER, IMAGE_PRESET_ORDER, PRESET_ORDER, SUFFIX, load_preset, preset_names)

__all__ = [*_format.__all__, "SUFFIX", "PRESET_ORDER", "IMAGE_PRESET_ORDER",
           "FUNCTION_PRESET_ORDER", "preset_names", "load_preset"]
