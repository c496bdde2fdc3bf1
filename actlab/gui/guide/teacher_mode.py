"""Teacher mode: a lab's guide can lock (disable) or hide groups of the window's controls.

A guide lists group names from :data:`CONTROL_GROUPS` in ``"locked"`` (shown but
disabled, with the tooltip "Locked by the teacher for this lab.") and ``"hidden"`` (not
shown at all; a hidden group is locked too, so its shortcuts and menu items do nothing
either).  :func:`apply_teacher_mode` finds the window's widgets for each group, applies
the guide's locks and undoes those of the previous lab, so a lab without locks gets every
control back.  Unknown names are ignored here; :mod:`actlab.labfile` rejects them when a
lab file is read.

A lock covers every way to its controls: the widgets (:func:`group_widgets`, from the
window's top bar and each workspace's ``lock_widgets``), the window's actions with their
menu entries, toolbar buttons and shortcuts (:data:`ACTION_GROUPS`, one table), and the
ways in that are no widget -- files dropped on the window, the workspaces' ``import_csv``,
``import_images``, ``draw_image`` and ``draw_curve`` and the window's ``apply_edit`` --
which ask :mod:`.lock_checks` (``refuse_if_locked``, ``@respects_lock``) and say in the
status bar why nothing happened.  Opening another lab is no edit and stays allowed, and
so does asking: Draw an image… opens under the data lock to ask the trained network about
a drawing, with its "Add to class" off (:data:`ASKING_ACTIONS`).

Panels switch some of their own controls on and off as the lab changes (the regularisation
rate only with L1/L2, the data seed only for generated data); a small event filter keeps a
locked control disabled whatever its panel does, and lifting the locks asks the window to
show its lab again so each panel restores its own states.  Teacher mode guides a lesson;
it is not a security feature (a student can always open another lab).
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6 import QtCore, QtGui, QtWidgets

from actlab.lab import CONTROL_GROUPS
from actlab.views.network.view import LOCKED_TIP  # one wording for every locked control
GROUP_TITLES = {
    "data": "Data", "features": "Features", "network": "Network layers",
    "activation": "Activation", "learning_rate": "Learning rate", "batch_size": "Batch size",
    "optimizer": "Optimizer", "regularization": "Regularization", "problem": "Problem type",
    "stop_after": "Stop after", "seed": "Seeds",
}
#: the window's actions (``window.acts``) each group locks: their menu entries, toolbar
#: buttons and shortcuts go with them.  The data: everything that replaces or extends it.
ACTION_GROUPS = {"data": ("import_csv", "import_images", "draw_curve"),
                 "seed": ("new_seed",)}
#: data actions that stay on under the data lock because they also only *ask*: Draw an
#: image… asks the trained network about a drawing, which changes nothing; with the data
#: locked its dialog opens without "Add to class" (see ``ImageWorkspace.draw_image``)
ASKING_ACTIONS = {"data": ("draw_image",)}
_TIP_PROPERTY = "teacher_original_tip"
_GUARD_NAME = "teacher_mode_guard"

__all__ = ["ACTION_GROUPS", "ASKING_ACTIONS", "CONTROL_GROUPS", "GROUP_TITLES", "LOCKED_TIP", "TeacherMode",
           "applied_mode", "apply_teacher_mode", "group_widgets", "group_actions",
           "teacher_groups"]


@dataclass(frozen=True)
class TeacherMode:
    """The groups teacher mode applied (known names only, in CONTROL_GROUPS order)."""

    locked: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.locked or self.hidden)


def teacher_groups(guide: dict | None) -> TeacherMode:
    """The known groups ``guide`` locks and hides; a hidden group counts as locked too."""
    guide = guide if isinstance(guide, dict) else {}

    def names(key: str) -> set[str]:
        value = guide.get(key)
        return {n for n in value if isinstance(n, str)} if isinstance(value, list) else set()

    hidden = names("hidden")
    locked = names("locked") | hidden
    return TeacherMode(tuple(g for g in CONTROL_GROUPS if g in locked),
                       tuple(g for g in CONTROL_GROUPS if g in hidden))


# ---------------------------------------------------------------------- finding widgets

def group_widgets(window, group: str) -> list[QtWidgets.QWidget]:
    """The widgets a lock of ``group`` disables (empty for an unknown group).  The
    network diagram is locked through :meth:`NetworkView.set_edit_locks` instead."""
    c = window.controls
    table = {
        "network": [],
        "activation": [c.activation],
        "learning_rate": [c.learning_rate],
        "batch_size": [c.batch_size],
        "optimizer": [c.optimizer],
        "regularization": [c.regularization, c.reg_rate],
        "problem": [c.problem],
        "stop_after": [c.stop_check, c.stop_epochs],
    }
    found = list(table.get(group, []))
    for ws in window.workspaces.values():  # those made so far (the others: when made)
        found += ws.lock_widgets(group)
    return found


def group_actions(window, group: str) -> list[QtGui.QAction]:
    """The window actions (menu items, toolbar buttons, shortcuts) of ``group``."""
    return [getattr(window.acts, name) for name in ACTION_GROUPS.get(group, ())]


def applied_mode(window) -> TeacherMode:
    """The locks and hides applied to ``window`` now (none before the first lab)."""
    guard = window.findChild(_Guard, _GUARD_NAME)
    return guard.mode if guard is not None else TeacherMode()


def _hide_targets(window, group: str) -> list[QtWidgets.QWidget]:
    """What hiding ``group`` hides: its widgets with their captions and section titles."""
    out: list[QtWidgets.QWidget] = []
    for w in group_widgets(window, group):
        out.append(w)
        out += _captions_of(w)
        if group in ("data", "features"):
            label = _section_label_of(w)
            if label is not None:
                out.append(label)
    return out


def _is_caption(w) -> bool:
    return isinstance(w, QtWidgets.QLabel) and w.property("role") in ("caption", "section")


def _parent_layout(layout: QtWidgets.QLayout, widget: QtWidgets.QWidget):
    """The innermost layout under ``layout`` that holds ``widget`` directly, and the chain
    of layouts from ``layout`` down to it."""
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is widget:
            return [layout]
        child = item.layout()
        if child is not None:
            chain = _parent_layout(child, widget)
            if chain:
                return [layout] + chain
    return []


def _captions_of(widget: QtWidgets.QWidget) -> list[QtWidgets.QLabel]:
    """The caption labels that belong to ``widget``: its row in a grid, or the small
    caption-over-control cell (the top bar's "Learning rate" over its box)."""
    parent = widget.parentWidget()
    top = parent.layout() if parent is not None else None
    chain = _parent_layout(top, widget) if top is not None else []
    if not chain:
        return []
    inner = chain[-1]
    if isinstance(inner, QtWidgets.QGridLayout):
        index = inner.indexOf(widget)
        row = inner.getItemPosition(index)[0]
        labels = []
        for i in range(inner.count()):
            w = inner.itemAt(i).widget()
            if w is not None and w is not widget and inner.getItemPosition(i)[0] == row \
                    and _is_caption(w):
                labels.append(w)
        return labels
    # never a panel's own top layout, except the top bar's one-setting cells
    # (ControlsPanel.cells), whose whole layout is the caption over the control
    own_cell = parent.objectName().startswith("cell_")
    for layout in reversed(chain if own_cell else chain[1:]):
        labels = [layout.itemAt(i).widget() for i in range(layout.count())]
        labels = [w for w in labels if _is_caption(w)]
        if labels:
            return labels
    return []


def _section_label_of(panel: QtWidgets.QWidget) -> QtWidgets.QLabel | None:
    """The column title (DATA, FEATURES) just above ``panel`` in its column."""
    parent = panel.parentWidget()
    layout = parent.layout() if parent is not None else None
    if layout is None:
        return None
    index = layout.indexOf(panel)
    for i in range(index - 1, -1, -1):
        w = layout.itemAt(i).widget()
        if w is not None:
            return w if _is_caption(w) and w.property("role") == "section" else None
    return None


def _left_column(window) -> QtWidgets.QWidget | None:
    """The scroll area that holds the DATA and FEATURES column."""
    w = window.data_panel.parentWidget()
    while w is not None and w is not window:
        if isinstance(w, QtWidgets.QScrollArea):
            return w
        w = w.parentWidget()
    return None


# ---------------------------------------------------------------------- the guard

class _Guard(QtCore.QObject):
    """Keeps locked widgets and actions disabled while their panels come and go, and
    remembers the locks applied (``mode``)."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName(_GUARD_NAME)
        self.window = window
        self.widgets: list[QtWidgets.QWidget] = []
        self.actions: list[QtGui.QAction] = []
        self.hidden: list[QtWidgets.QWidget] = []
        self.hidden_actions: list[QtGui.QAction] = []
        self.tipped: list[QtWidgets.QWidget] = []
        self.mode = TeacherMode()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QtCore.QEvent.Type.EnabledChange:
            if obj.isWidgetType() and obj.isEnabled() and any(obj is w for w in self.widgets):
                obj.setEnabled(False)  # its panel switched it on: the lock wins
        return False

    def keep_disabled(self, *_args) -> None:
        for a in self.actions:
            if a.isEnabled():
                a.setEnabled(False)


def _guard(window) -> _Guard:
    guard = window.findChild(_Guard, _GUARD_NAME)
    return guard if guard is not None else _Guard(window)


def _locked_tip(original: str) -> str:
    if not original:
        return LOCKED_TIP
    body = original if QtGui.Qt.mightBeRichText(original) else html.escape(original).replace(
        "\n", "<br>")
    return f"<b>{LOCKED_TIP}</b><br>{body}"


def _mark_tip(guard: _Guard, w: QtWidgets.QWidget, text: str | None = None) -> None:
    """Give ``w`` the locked tooltip (or ``text``), remembering its own for later."""
    if any(w is t for t in guard.tipped):
        return
    w.setProperty(_TIP_PROPERTY, w.toolTip())
    w.setToolTip(_locked_tip(w.toolTip()) if text is None else text)
    guard.tipped.append(w)


def _tip_targets(w: QtWidgets.QWidget) -> list[QtWidgets.QWidget]:
    """``w`` and, for a whole panel, every control in it that has a tooltip."""
    kids = [k for k in w.findChildren(QtWidgets.QWidget)
            if k.toolTip() and isinstance(k, (QtWidgets.QAbstractButton,
                                               QtWidgets.QAbstractSlider,
                                               QtWidgets.QAbstractSpinBox,
                                               QtWidgets.QComboBox))]
    return [w] + kids


def _lock_action(guard: _Guard, a: QtGui.QAction) -> None:
    """Disable ``a`` for good (its shortcut too) and say why on hover: the toolbar
    button's tooltip and the menu entry's status tip name the lock."""
    a.setEnabled(False)
    a.enabledChanged.connect(guard.keep_disabled)
    guard.actions.append(a)
    tip, status = a.toolTip(), a.statusTip()
    a.setProperty(_TIP_PROPERTY, (tip, status))
    a.setToolTip(_locked_tip(tip))
    a.setStatusTip(f"{LOCKED_TIP} {status}".strip())


def _unlock_action(guard: _Guard, a: QtGui.QAction) -> None:
    """Undo :func:`_lock_action`; a tip the window changed meanwhile (another workspace
    says what Import CSV reads) stays."""
    a.enabledChanged.disconnect(guard.keep_disabled)
    tip, status = a.property(_TIP_PROPERTY) or ("", "")
    if a.toolTip() == _locked_tip(tip):
        a.setToolTip(tip)
    if a.statusTip() == f"{LOCKED_TIP} {status}".strip():
        a.setStatusTip(status)
    a.setProperty(_TIP_PROPERTY, None)


def _own_action_state(window, name: str) -> bool:
    """Whether action ``name`` is on without locks: New seed while there is something to
    train (like Play), the others while the workspace shown uses them."""
    if name == "new_seed":
        return window.acts.play.isEnabled()
    return name in getattr(window.workspace, "actions", ())


# ---------------------------------------------------------------------- applying

def _release(window, guard: _Guard) -> bool:
    """Undo every lock and hide; True when something had been changed."""
    changed = bool(guard.widgets or guard.actions or guard.hidden or guard.hidden_actions
                   or guard.mode.active)
    widgets, guard.widgets = guard.widgets, []
    for w in widgets:
        w.removeEventFilter(guard)
        w.setEnabled(True)
    for w in guard.tipped:
        w.setToolTip(w.property(_TIP_PROPERTY) or "")
        w.setProperty(_TIP_PROPERTY, None)
    guard.tipped = []
    for w in guard.hidden:
        w.setVisible(True)
    guard.hidden = []
    for a in guard.actions:
        _unlock_action(guard, a)
    guard.actions = []
    for a in guard.hidden_actions:
        a.setVisible(True)
    guard.hidden_actions = []
    window.output.surface_view.set_clickable(True)
    window.network_view.set_edit_locks(False, False)
    window.network_view.set_edit_controls_visible(True, True)
    builder = getattr(window.workspaces.get("images"), "network_view", None)
    if builder is not None:  # made with the first image lab
        builder.set_edit_locks(False, False)
    return changed


def _restore_app_states(window) -> None:
    """Let the panels and actions show their own enabled states again."""
    sync = getattr(window, "_sync_panels", None)
    if callable(sync):
        sync()
    for names in ACTION_GROUPS.values():
        for name in names:
            getattr(window.acts, name).setEnabled(_own_action_state(window, name))


def apply_teacher_mode(window, guide: dict | None) -> TeacherMode:
    """Lock and hide ``window``'s controls as ``guide`` says (``guide["locked"]``,
    ``guide["hidden"]``), after undoing the locks of the lab shown before.  ``guide`` may
    be None (no guide: everything is shown and enabled).  Returns what was applied."""
    guard = _guard(window)
    if _release(window, guard):
        _restore_app_states(window)
    mode = teacher_groups(guide)
    guard.mode = mode
    for group in mode.locked:
        for w in group_widgets(window, group):
            w.setEnabled(False)
            w.installEventFilter(guard)
            guard.widgets.append(w)
            for t in _tip_targets(w):
                _mark_tip(guard, t)
        for a in group_actions(window, group):
            _lock_action(guard, a)
    for group in mode.hidden:
        for w in _hide_targets(window, group):
            w.setVisible(False)
            guard.hidden.append(w)
        for a in group_actions(window, group):
            a.setVisible(False)
            guard.hidden_actions.append(a)
    if "data" in mode.locked:  # dropped files: FileActions asks is_locked
        surface = window.output.surface_view
        surface.set_clickable(False)
        own = surface.toolTip()
        _mark_tip(guard, surface, (html.escape(own) + "<br>" if own else "") +
                  "<b>Adding and removing points is locked by the teacher for this lab.</b>")
    window.network_view.set_edit_locks("network" in mode.locked, "activation" in mode.locked)
    builder = getattr(window.workspaces.get("images"), "network_view", None)
    if builder is not None:  # an image lab's builder locks the same way
        builder.set_edit_locks("network" in mode.locked, "activation" in mode.locked)
    window.network_view.set_edit_controls_visible("network" not in mode.hidden,
                                                  "activation" not in mode.hidden)
    column = _left_column(window)
    if column is not None and {"data", "features"} <= set(mode.hidden):
        column.setVisible(False)  # nothing left to show in the DATA/FEATURES column
        guard.hidden.append(column)
    return mode
