"""What the main window asks of the workspace of a kind of lab.

The window is the frame — toolbar, menus, status bar, instruments, guide, files — and it
shows one workspace at a time: the three centre columns (data, network, output) of the
lab's kind.  It never asks which kind it shows; it asks the active workspace
(:data:`actlab.gui.workspaces.registry.WORKSPACES` makes one per kind, when the first
lab of that kind opens).  napari does the same with its ``layer_to_controls`` table.
"""
from __future__ import annotations

from typing import Any, Protocol

# The network diagram is redrawn every 2nd frame while training (the surface every
# frame, the loss plot about 6 times a second): each frame costs the training thread its
# share of the GIL.
NETWORK_EVERY = 2


def merged_layer_runs(runs, n_hidden: int) -> tuple[tuple[int, int], ...]:
    """The network diagram's runs of layers for the collapse's weight-layer runs.

    A weight-layer run ``(i, j)`` (inclusive) says weight layers i..j compose into one
    map because hidden layers i..j-1 are linear.  A *layer* of the diagram is a weight
    layer with the activation after it: layer k is hidden layer k, and layer ``n_hidden``
    is the output layer.  So the layers that act as one are hidden layers i..j-1 together
    with layer j (the output layer when ``j == n_hidden``): the same numbers, which
    :meth:`NetworkView.set_merged_runs` reads as 0-based hidden layers with ``n_hidden``
    meaning the output.  Runs outside the network are dropped."""
    return tuple((int(i), int(j)) for i, j in runs if 0 <= int(i) < int(j) <= n_hidden)


class Workspace(Protocol):
    """The centre of the window for one kind of lab.

    ``kind``: the ``Lab.kind`` it shows.  ``network_title``: the network column's
    heading.  ``pages``: its (data, network, output) widgets, one in each of the window's
    column stacks.  ``output``: its output panel (takes a warning line).  ``actions``:
    names of the window's kind-only actions it uses (enabled while it is shown; see
    :data:`.registry.KIND_ACTIONS`); ``import_csv_tip``: what File ▸ Import CSV does here.
    ``export_menu``: its File ▸ Export submenu, or None.  ``instruments``: which views
    the instruments show ("dense" or "conv"); ``instruments_off``: the instruments it has
    no use for, each with the reason its disabled menu entry gives.
    """

    kind: str
    network_title: str
    pages: tuple
    output: Any
    actions: frozenset
    import_csv_tip: str
    export_menu: Any
    instruments: str
    instruments_off: dict

    def show_lab(self, lab, dataset) -> None:
        """Show ``lab`` and its data in the columns (emits no edit)."""

    def clear(self, dataset) -> None:
        """A new run starts (another lab, data or network): no pictures, no curves."""

    def clear_history(self) -> None:
        """Reset: the loss curves start again (not the old run's axes)."""

    def opened(self) -> None:
        """Another lab was opened (from a file, a preset or New); every workspace hears
        it, shown or not (``window.lab.kind`` says whose lab it is)."""

    def draw(self, pub, snap, network_due: bool) -> None:
        """Draw a snapshot's pictures (the worker's publication ``pub``); the network
        diagram only when ``network_due`` or paused."""

    def show_history(self, snap) -> None:
        """The loss (and accuracy) curves of ``snap``."""

    def show_numbers(self, snap) -> None:
        """The loss and accuracy numbers of ``snap``."""

    def export_widget(self, what: str):
        """The widget File ▸ Export draws for ``what`` ("surface" is the central
        picture, "loss" the loss plot, or one of the kind's own views)."""

    def export_figure(self, what: str):
        """A writer ``write(path)`` that draws ``what`` as a rendered figure (a title,
        labels, no buttons; :mod:`actlab.figures`) for a PNG export, or None when
        ``what`` is exported as its widget (:meth:`export_widget`)."""

    def pictures(self):
        """The kind's pictures drawn last (None before the first)."""

    def import_csv(self, path: str | None) -> bool:
        """File ▸ Import CSV (and a dropped CSV file): the data from ``path`` (None asks),
        or one clear message and nothing changed; True on success."""

    def lock_widgets(self, group: str) -> list:
        """The widgets of this workspace a teacher's lock of ``group`` disables."""

    def mark_collapse(self, insights) -> None:
        """Mark what collapses into one linear map ("Why non-linearity?" is open)."""

    def clear_collapse_marks(self) -> None:
        """Take those marks away."""

    def neuron_hovered(self, layer: int, index: int) -> None:
        """The pointer is on neuron ``index`` of layer ``layer`` of the diagram."""

    def neuron_unhovered(self) -> None:
        """The pointer left the diagram's neurons."""
