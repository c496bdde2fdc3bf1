"""Every table keyed by the lab's kind knows every kind.

A kind of lab is a plug-in: its parts are entries in these tables (the engine's data
builders and training parts, the Qt-free kinds, the lab-file parts, the CLI's outputs and
reports, the window's workspaces, the comparison's pictures and hints).  A kind missing
from one of them would fail only when a student opens such a lab; this test fails first.
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest

from actlab.lab import DATA_KINDS


def _tables() -> dict[str, dict]:
    from actlab.engine.data.build import BUILDERS
    from actlab.engine.training_kinds import TRAINING_KINDS
    from actlab.gui.instruments.compare_panel import HINTS
    from actlab.gui.training.compare_worker import RUN_PICTURES
    from actlab.gui.workspaces.registry import WORKSPACES
    from actlab.kinds.registry import KINDS
    from actlab.labfile.parts import PARTS
    from actlab.outputs.registry import OUTPUTS, RUN_REPORTS

    return {"engine.data.build.BUILDERS": BUILDERS,
            "engine.training_kinds.TRAINING_KINDS": TRAINING_KINDS,
            "kinds.registry.KINDS": KINDS, "labfile.parts.PARTS": PARTS,
            "outputs.registry.OUTPUTS": OUTPUTS, "outputs.registry.RUN_REPORTS": RUN_REPORTS,
            "gui.workspaces.registry.WORKSPACES": WORKSPACES,
            "gui.training.compare_worker.RUN_PICTURES": RUN_PICTURES,
            "gui.instruments.compare_panel.HINTS": HINTS}


@pytest.mark.parametrize("name", sorted(_tables()))
def test_the_table_has_exactly_the_lab_kinds(name):
    assert set(_tables()[name]) == set(DATA_KINDS)


def test_each_kind_record_names_its_own_kind():
    from actlab.gui.workspaces.registry import WORKSPACES
    from actlab.kinds.registry import KINDS

    assert all(k == record.name for k, record in KINDS.items())
    assert all(k == workspace.kind for k, workspace in WORKSPACES.items())
