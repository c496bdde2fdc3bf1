"""Class names shortened to fit, the one way every image-lab view does it.

A name that does not fit its room becomes its longest start that fits, with a full stop,
that no other class name shares ("checkerboard" → "checker.", "horizontal" → "horiz.");
only when no such start fits is it elided.  Views keep the whole name in a tooltip."""
from __future__ import annotations

from actlab.views.qt import QtCore, QtGui


def short_name(name: str, others, fm: QtGui.QFontMetrics, room: int) -> str:
    """``name`` whole if it fits ``room`` px, else its unambiguous abbreviation."""
    name = str(name)
    if fm.horizontalAdvance(name) <= room:
        return name
    others = [str(o) for o in others if str(o) != name]
    for k in range(len(name) - 1, 0, -1):
        start = name[:k].rstrip()
        short = start + "."
        if fm.horizontalAdvance(short) <= room and \
                not any(o.startswith(start) for o in others):
            return short
    return fm.elidedText(name, QtCore.Qt.TextElideMode.ElideRight, room)


def abbreviations(name: str, others) -> list[str]:
    """``name``'s unambiguous abbreviations, longest first (for titles that pick the
    longest wording that fits)."""
    name = str(name)
    others = [str(o) for o in others if str(o) != name]
    out = []
    for k in range(len(name) - 1, 0, -1):
        start = name[:k].rstrip()
        if not any(o.startswith(start) for o in others) and start + "." not in out:
            out.append(start + ".")
    return out
