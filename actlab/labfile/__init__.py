"""Lab files: the ``.actlab`` format (format), its parts by kind (points, functions, images,
guide), its vocabulary (names), its checks and the bundled presets.

The API of lab files is importable from here (``from actlab.labfile import load_preset``).
"""
from actlab.labfile.format import *  # noqa: F401,F403
from actlab.labfile.format import __all__  # noqa: F401
