"""How the main window's columns share its width (see :mod:`actlab.gui.side_panel`).

One horizontal splitter holds four columns: the side panel (Data & features / Guide), the
network, the output, and the instrument area (only while an instrument is open).  Each
column has a floor (:data:`FLOORS`); :meth:`WindowLayout.fit` hands out the width:

1. the network and the output never go below their floors;
2. an instrument column gets its remembered width, cut down to what is left but never
   below its floor;
3. when that is still too little, the side panel folds to its rail (and unfolds again
   when the room comes back, if it was folded for room rather than by the student).

The splitter's sizes are saved with the window, so a student's own arrangement comes back.
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt

from .side_panel import InstrumentArea, SidePanel
from .style import column_frame, section_label

SIDE, NETWORK, OUTPUT, INSTRUMENTS = range(4)
# Floors in px at 100 % (the layout scales with the font in presentation mode): a
# network of 6 layers fits 300 px without scrolling sideways, a square surface plus its
# axes 300 px, an instrument's plots 320 px.
FLOORS = {NETWORK: 300, OUTPUT: 300, INSTRUMENTS: 320}
INSTRUMENT_WIDTH = 420  # what a first instrument column asks for
SIDE_WIDTH = 290
HANDLE = 6


class WindowLayout:
    """Builds the columns into ``window`` and keeps their widths sensible.

    Attributes: ``splitter``, ``side`` (:class:`SidePanel`), ``instrument_area``
    (:class:`InstrumentArea`), ``columns`` (the four column widgets in splitter order).
    """

    def __init__(self, window, data_page: QtWidgets.QWidget, network: QtWidgets.QWidget,
                 output: QtWidgets.QWidget):
        self.w = window
        self.side = SidePanel()
        self.side.add_page("data", "Data", data_page,
                           "The data set and the input features.")
        middle, mid_lay = column_frame()
        middle.setObjectName("column")
        mid_lay.addWidget(section_label("Hidden layers"))
        mid_lay.addWidget(network, 1)
        right, right_lay = column_frame()
        right_lay.addWidget(section_label("Output"))
        right_lay.addWidget(output, 1)
        self.instrument_area = InstrumentArea()
        self.splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("columns")
        self.splitter.setHandleWidth(HANDLE)
        self.splitter.setChildrenCollapsible(False)
        self.columns = (self.side, middle, right, self.instrument_area)
        for i, col in enumerate(self.columns):
            self.splitter.addWidget(col)
            self.splitter.setStretchFactor(i, 0 if i in (SIDE, INSTRUMENTS) else 1)
        middle.setMinimumWidth(FLOORS[NETWORK])
        right.setMinimumWidth(FLOORS[OUTPUT])
        self.instrument_area.setMinimumWidth(FLOORS[INSTRUMENTS])
        self.instrument_area.hide()
        self._instrument_width = INSTRUMENT_WIDTH
        self._folded_for_room = False
        self.side.foldedChanged.connect(self._side_folded)

    # ------------------------------------------------------------------ sizes
    def sizes(self) -> list[int]:
        return self.splitter.sizes()

    def available(self) -> int:
        """The width the splitter can share out among its columns."""
        visible = [c for c in self.columns if not c.isHidden()]
        return max(0, self.splitter.width() - HANDLE * (len(visible) - 1))

    def fit(self, grow_instruments: bool = False) -> None:
        """Share the splitter's width out by the rules in the module docstring."""
        total = self.available()
        if total <= 0:
            return
        sizes = self.splitter.sizes()
        instruments = not self.instrument_area.isHidden()
        side_floor = self.side.minimumSizeHint().width()
        side = 0 if self.side.isHidden() else max(sizes[SIDE], side_floor)
        if self.side.folded:
            side = self.side.maximumWidth()
        room = total - side - FLOORS[NETWORK] - FLOORS[OUTPUT]
        inst = 0
        if instruments:
            want = self._instrument_width if grow_instruments or sizes[INSTRUMENTS] <= 0 \
                else sizes[INSTRUMENTS]
            inst = max(FLOORS[INSTRUMENTS], min(want, room))
            if room < FLOORS[INSTRUMENTS] and not self.side.folded:
                self._folded_for_room = True
                self.side.set_folded(True)  # re-enters fit through _side_folded
                return
        elif self._folded_for_room and room >= SIDE_WIDTH:
            self._folded_for_room = False
            self.side.set_folded(False)
            return
        rest = max(0, total - side - inst)
        net = max(FLOORS[NETWORK], rest * 52 // 100)
        out = max(FLOORS[OUTPUT], rest - net)
        self.splitter.setSizes([side, net, out, inst])

    def _side_folded(self, folded: bool) -> None:
        if not folded:
            self._folded_for_room = False
            sizes = self.splitter.sizes()
            sizes[SIDE] = max(SIDE_WIDTH, self.side.minimumSizeHint().width())
            self.splitter.setSizes(sizes)
        QtCore.QTimer.singleShot(0, self.fit)

    def show_instruments(self, on: bool) -> None:
        """Show or hide the instrument column (with its first or last instrument)."""
        area = self.instrument_area
        if on == (not area.isHidden()):
            return
        if not on:
            width = self.splitter.sizes()[INSTRUMENTS]
            if width > 0:
                self._instrument_width = width
        area.setVisible(on)
        self.fit(grow_instruments=on)

    # ------------------------------------------------------------------ settings
    def save(self, settings) -> None:
        if not self.instrument_area.isHidden():
            self._instrument_width = self.splitter.sizes()[INSTRUMENTS]
        settings.setValue("window/columns", self.splitter.saveState())
        settings.setValue("window/instrument_width", int(self._instrument_width))
        settings.setValue("window/side_folded", bool(self.side.folded
                                                     and not self._folded_for_room))

    def restore(self, settings) -> None:
        state = settings.value("window/columns")
        if state is not None:
            self.splitter.restoreState(state)
        else:
            self.splitter.setSizes([SIDE_WIDTH, 560, 450, 0])
        try:
            self._instrument_width = max(FLOORS[INSTRUMENTS],
                                         int(settings.value("window/instrument_width",
                                                            INSTRUMENT_WIDTH)))
        except (TypeError, ValueError):
            self._instrument_width = INSTRUMENT_WIDTH
        if str(settings.value("window/side_folded", False)).lower() == "true":
            self.side.set_folded(True)
