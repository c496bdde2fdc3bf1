"""The workspace of each kind of lab, by ``Lab.kind`` (see :mod:`.base`).  A fourth kind
adds its workspace here."""
from __future__ import annotations

from actlab.gui.workspaces.functions.workspace import FunctionWorkspace
from actlab.gui.workspaces.images.workspace import ImageWorkspace
from actlab.gui.workspaces.points.workspace import PointWorkspace

WORKSPACES = {"points": PointWorkspace, "functions": FunctionWorkspace,
              "images": ImageWorkspace}
#: the window's actions that only some kinds use: enabled while one of those is shown
KIND_ACTIONS = frozenset().union(*(w.actions for w in WORKSPACES.values()))
