"""Asking the teacher's locks before a change that no locked widget stands in front of.

:mod:`.teacher_mode` disables the widgets and actions of a locked group; this module is
for the other ways in -- files dropped on the window, the workspaces' ``import_csv``,
``import_images``, ``draw_image`` and ``draw_curve`` (whoever calls them), and the
window's ``apply_edit`` -- which refuse with one status line saying why, and change
nothing.
"""
from __future__ import annotations

import functools

from actlab.gui.guide.teacher_mode import GROUP_TITLES, applied_mode

__all__ = ["is_locked", "locked_message", "refuse_if_locked", "respects_lock"]


def is_locked(window, group: str) -> bool:
    """Whether the teacher's locks applied to ``window`` lock ``group`` (a hidden group
    is locked too)."""
    return group in applied_mode(window).locked


def locked_message(group: str, what: str | None = None) -> str:
    """The status line that says why ``what`` (e.g. "Import images") changed nothing."""
    title = GROUP_TITLES.get(group, group).lower()
    reason = (f"the {title} of this lab {'are' if title.endswith('s') else 'is'} locked "
              "by the teacher")
    if what:
        return f"{what}: {reason}, so nothing was changed."
    return f"{reason[0].upper()}{reason[1:]}: nothing was changed."


def refuse_if_locked(window, group: str, what: str | None = None) -> bool:
    """True, and the status bar says why, when ``group`` is locked in ``window``: the
    caller then changes nothing.  False (and no message) otherwise."""
    if not is_locked(window, group):
        return False
    window.status(locked_message(group, what))
    return True


def respects_lock(group: str, what: str):
    """Decorate a workspace method (its window is ``self.w``) so that, while the teacher
    locks ``group``, it only says why and returns False -- whoever calls it: a menu, a
    shortcut, a panel button, a dropped file, a script.  ``@respects_lock("data",
    "Import CSV")``."""
    def wrap(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            if refuse_if_locked(self.w, group, what):
                return False
            return method(self, *args, **kwargs)
        return guarded
    return wrap
