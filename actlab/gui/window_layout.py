"""How the main window's columns share its width (see :mod:`actlab.gui.side_panel`).

One horizontal splitter holds four columns: the side panel (Data & features / Guide), the
network, the output, and the instrument area (only while an instrument is open).  Each
column has a floor (:data:`FLOORS`); :meth:`WindowLayout.fit` hands out the width:

1. the network and the output never go below their floors;
2. an instrument column gets its remembered width, cut down to what is left but never
   below its floor;
3. when that is still too little, the side panel folds to its rail (and unfolds again
   when the room comes back, if it was folded for room rather than by the student);
4. when even that is too little (a 1920 x 1080 projector at 200 % offers 960 x 540), the
   network moves into the instrument column as its first tab, so the output and the
   instrument keep readable plots; it comes back to its own column when the room does
   (the instrument closes, the window grows).  One click on its tab shows it.

The splitter's sizes are saved with the window, so a student's own arrangement comes back.
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from actlab.gui.side_panel import InstrumentArea, SidePanel
from actlab.gui.style import column_frame, section_label

SIDE, NETWORK, OUTPUT, INSTRUMENTS = range(4)
# Floors in px at 100 % (the layout scales with the font in presentation mode): a
# network of 6 layers fits 300 px without scrolling sideways, a square surface plus its
# axes 300 px, an instrument's plots 320 px.
FLOORS = {NETWORK: 310, OUTPUT: 300, INSTRUMENTS: 320}
# On a screen smaller than a 1366 x 768 laptop (a 1920 x 1080 screen at 200 % offers
# 960 x 540) the floors shrink with it, down to SMALLEST of their size: three columns
# and a rail must fit 944 px, and the output column 400 px of height.
FULL_SIZE_SCREEN = QtCore.QSize(1366, 768)
SMALLEST = 0.68
# px of height (the surface: at full size).  The loss plot's legend row, ticks and axis
# title take ~78 px (~95 when the legend wraps to two rows): 160 leaves its curves 60 px
PLOT_FLOORS = {"loss": 160, "surface": 200}
INSTRUMENT_WIDTH = 420  # what a first instrument column asks for
SIDE_WIDTH = 290
HANDLE = 6
# the network comes back from the instrument column only with this much room to spare,
# so a window near the threshold does not move it to and fro
UNSHARE_MARGIN = 40
# px the output column wants beside an open instrument before the network gives way
# (rule 4): at 960 x 540 its floor left the decision surface ~75 px and the loss plot's
# legend in two rows, while the network kept a third of the width
OUTPUT_BESIDE = 400
# ... and what it keeps when the network has given way and the instrument would like more
# (on a short screen its surface is as tall as the column allows, not as wide)
OUTPUT_BESIDE_SHARED = 300


class _ScreenWatch(QtCore.QObject):
    """Re-applies the floors when the window moves to another screen (a laptop plugged
    into a projector); the window handle exists only once the window is shown."""

    def __init__(self, layout: "WindowLayout"):
        super().__init__(layout.w)
        self.layout = layout
        self.hooked = False
        layout.w.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QtCore.QEvent.Type.Show and not self.hooked:
            handle = obj.windowHandle()
            if handle is not None:
                self.hooked = True
                handle.screenChanged.connect(lambda _s: self.layout.refit_screen())
        return False


class _NeedWatch(QtCore.QObject):
    """Fits the columns again when the instrument in front comes to need another width
    (Compare activations grows its grid of runs once they start), once per burst of
    layout requests."""

    def __init__(self, layout: "WindowLayout"):
        super().__init__(layout.w)
        self.layout = layout
        self.watched: set[int] = set()
        self.last: tuple = ()
        self.pending = False

    def watch(self, body: QtWidgets.QWidget) -> None:
        if id(body) not in self.watched:
            self.watched.add(id(body))
            body.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QtCore.QEvent.Type.LayoutRequest and not self.pending:
            self.pending = True
            QtCore.QTimer.singleShot(0, self, self._check)
        return False

    def _check(self) -> None:
        self.pending = False
        lay = self.layout
        if lay.instrument_area.isHidden():
            return
        need = (lay.instrument_need(), lay.network_shared and lay.instrument_want())
        if need != self.last:
            # a need that grew (Why non-linearity? once its 32-px pictures arrive) makes
            # room as opening the instrument does: the side panel folds, the network
            # gives way, rather than the page scrolling sideways
            grew = bool(self.last) and need[0] > self.last[0]
            self.last = need
            lay.fit(grow_instruments=grew)


class WindowLayout:
    """Builds the columns into ``window`` and keeps their widths sensible.

    Attributes: ``splitter``, ``side`` (:class:`SidePanel`), ``instrument_area``
    (:class:`InstrumentArea`), ``columns`` (the four column widgets in splitter order).
    """

    # % of the network's and the output's width the network gets (presentation mode gives
    # the output, the picture a class looks at, the larger part)
    network_share = 52

    def __init__(self, window, data_page: QtWidgets.QWidget, network: QtWidgets.QWidget,
                 output: QtWidgets.QWidget, plots=None):
        self.w = window
        self.side = SidePanel()
        self.side.add_page("data", "Data", data_page,
                           "The data set and the input features.")
        middle, mid_lay = column_frame()
        middle.setObjectName("column")
        self.network_label = section_label("Hidden layers")  # renamed for image labs
        mid_lay.addWidget(self.network_label)
        mid_lay.addWidget(network, 1)
        self.network, self._mid_lay = network, mid_lay
        self.network_title = "Hidden layers"
        # the network's tab in the instrument column on a small screen (rule 4)
        self.network_tab = QtWidgets.QWidget()
        self.network_tab.setObjectName("network_tab")
        self._tab_lay = QtWidgets.QVBoxLayout(self.network_tab)
        self._tab_lay.setContentsMargins(6, 6, 6, 6)
        self.network_shared = False
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
        # the point labs' OutputPanel, whose plots get floors (``output`` may be a stack of
        # it and the image labs' panel)
        self.output = plots if plots is not None else output
        self.instrument_area.hide()
        self.floors = dict(FLOORS)
        self.apply_floors()
        self._watch = _ScreenWatch(self)
        act = self.side_action = QAction("&Side panel (Data, Guide)", window)
        act.setObjectName("action_side_panel")
        act.setCheckable(True)
        act.setChecked(True)
        act.setShortcut(QKeySequence("Ctrl+B"))
        act.setStatusTip("Show the Data and Guide panel, or fold it to its tabs to give "
                         "the network and the plots its width.")
        act.triggered.connect(lambda on: self.side.set_folded(not on))
        self.side.foldedChanged.connect(lambda folded: act.setChecked(not folded))
        menus = getattr(window, "menus", None)
        if menus is not None:
            menus.view.addSeparator()
            menus.view.addAction(act)
        self._instrument_width = INSTRUMENT_WIDTH
        self._folded_for_room = False
        self._needs = _NeedWatch(self)
        self._side_squeezed_from = 0  # the side's width before fit squeezed it (0: not)
        self.side.foldedChanged.connect(self._side_folded)
        # a width the student drags the side panel to is theirs: fit gives nothing back
        self.splitter.splitterMoved.connect(lambda *_: setattr(self, "_side_squeezed_from", 0))

    # ------------------------------------------------------------------ sizes
    def apply_floors(self, available: QtCore.QSize | None = None) -> None:
        """Set the columns' and plots' minimum sizes for the screen the window is on."""
        if available is None:
            from actlab.gui.screen_fit import available_geometry
            available = available_geometry(self.w).size()
        wide = min(1.0, max(SMALLEST, available.width() / FULL_SIZE_SCREEN.width()))
        tall = min(1.0, max(SMALLEST, available.height() / FULL_SIZE_SCREEN.height()))
        self.floors = {k: int(v * wide) for k, v in FLOORS.items()}
        self.columns[NETWORK].setMinimumWidth(self.floors[NETWORK])
        self.columns[OUTPUT].setMinimumWidth(self.floors[OUTPUT])
        self.instrument_area.setMinimumWidth(self.floors[INSTRUMENTS])
        loss, surface = self.output.loss_view, self.output.surface_view
        # the loss plot's floor does not shrink: its legend row and axis labels take the
        # same room on any screen (at 960 x 540 a shrunken one overlapped its ticks)
        loss.setMinimumHeight(PLOT_FLOORS["loss"])
        surface.setMinimumSize(int(PLOT_FLOORS["surface"] * min(wide, tall)),
                               int(PLOT_FLOORS["surface"] * tall))

    def refit_screen(self) -> None:
        self.apply_floors()
        QtCore.QTimer.singleShot(0, self.fit)

    def sizes(self) -> list[int]:
        return self.splitter.sizes()

    def available(self) -> int:
        """The width the splitter can share out among its columns."""
        visible = [c for c in self.columns if not c.isHidden()]
        return max(0, self.splitter.width() - HANDLE * (len(visible) - 1))

    def set_network_title(self, title: str) -> None:
        """The network column's heading ("Hidden layers", "Convolutions and head"), also
        on its tab when it shares the instrument column."""
        self.network_title = title
        self.network_label.setText(title.upper())  # as section_label
        i = self.instrument_area.indexOf(self.network_tab)
        if i >= 0:
            self.instrument_area.setTabText(i, title)

    def share_network(self, on: bool) -> None:
        """Move the network into the instrument column's first tab, or back (rule 4)."""
        if on == self.network_shared:
            return
        self.network_shared = on
        middle, area = self.columns[NETWORK], self.instrument_area
        if on:
            self._mid_lay.removeWidget(self.network)
            self._tab_lay.addWidget(self.network, 1)
            middle.hide()
            area.add_guest(self.network_tab, self.network_title,
                           "The network, here while an instrument is open: the window "
                           "is too narrow for both columns.")
        else:
            i = area.indexOf(self.network_tab)
            if i >= 0:
                area.removeTab(i)
            self.network_tab.hide()
            self._tab_lay.removeWidget(self.network)
            self._mid_lay.addWidget(self.network, 1)
            middle.show()
        self.network.show()

    def fit(self, grow_instruments: bool = False) -> None:
        """Share the splitter's width out by the rules in the module docstring."""
        total = self.available()
        if total <= 0:
            return
        sizes = self.splitter.sizes()
        floors = self.floors[NETWORK] + self.floors[OUTPUT]
        if self.network_shared:  # its column's handle comes back with it
            total -= HANDLE
        side_min = self.side.minimumSizeHint().width()
        if self.side.folded:
            side = self.side.maximumWidth()
        else:
            side = max(sizes[SIDE], side_min) if sizes[SIDE] > 0 else self.side_width()
        inst = 0
        if not self.instrument_area.isHidden():
            need = max(self.floors[INSTRUMENTS], self.instrument_need())
            want = self._instrument_width if grow_instruments or sizes[INSTRUMENTS] <= 0 \
                else sizes[INSTRUMENTS]
            want = max(want, need)
            room = total - side - floors
            if room < need and grow_instruments and not self.side.folded:
                self._folded_for_room = True  # opening an instrument makes room for it
                self.side.set_folded(True)  # re-enters fit through _side_folded
                return
            # the output (the decision surface, the curve) beside an instrument wants more
            # than its floor, and the instrument what it would like up to a first
            # column's width: when three columns cannot give both, the network gives way
            three = total - side - self.floors[NETWORK] - OUTPUT_BESIDE
            wanted = max(need, min(self.instrument_want(), INSTRUMENT_WIDTH))
            short = three < wanted + (UNSHARE_MARGIN if self.network_shared else 0)
            self.share_network(short and self.side.folded)
            if self.network_shared:
                total += HANDLE
                floors = self.floors[OUTPUT]
                room = total - side - floors
                # output and instrument alike, or what the instrument would like (one
                # row of Compare's runs) while the output keeps OUTPUT_BESIDE_SHARED
                like = min(self.instrument_want(), total - side - OUTPUT_BESIDE_SHARED)
                want = max(want, (total - side) * 45 // 100, like)
            inst = max(self.floors[INSTRUMENTS], min(want, room))
            if room < inst:  # the student unfolded the panel: it gets what is left
                self._side_squeezed_from = max(self._side_squeezed_from, side)
                side = max(side_min, total - inst - floors)
        else:
            self.share_network(False)
            if self._folded_for_room and total - floors >= self.side_width() + 100:
                self._folded_for_room = False
                self.side.set_folded(False)
                return
        if self._side_squeezed_from and not self.side.folded:
            # squeezed for an instrument, not by the student: it takes its width back as
            # the room comes back (it kept 145 px, the Guide one word a line, after the
            # instruments closed)
            side = max(side, min(self._side_squeezed_from, total - inst - floors))
            if side >= self._side_squeezed_from:
                self._side_squeezed_from = 0
        rest = max(0, total - side - inst)
        if self.network_shared:
            net, out = 0, max(self.floors[OUTPUT], rest)
        else:
            share = rest * self.network_share // 100
            if inst:  # beside an instrument the output keeps OUTPUT_BESIDE if it can
                share = min(share, rest - OUTPUT_BESIDE)
            net = max(self.floors[NETWORK], share)
            out = max(self.floors[OUTPUT], rest - net)
        self.splitter.setSizes([side, net, out, inst])

    def fold_for_room(self) -> None:
        """Fold the side panel to its rail as opening an instrument does (rule 3): it
        unfolds again when the room comes back, unless the student unfolds it first."""
        if not self.side.folded:
            self._folded_for_room = True
            self.side.set_folded(True)  # re-enters fit through _side_folded

    def side_width(self) -> int:
        """What the unfolded side panel asks for (its pages without scrolling sideways)."""
        return max(SIDE_WIDTH, self.side.preferred_width())

    def instrument_need(self) -> int:
        """The width the instrument in front needs to show without scrolling sideways."""
        page = self.instrument_area.currentWidget()
        if page is self.network_tab:
            return 0
        body = page.widget() if isinstance(page, QtWidgets.QScrollArea) else page
        if body is None:
            return 0
        self._needs.watch(body)
        bar = page.verticalScrollBar().sizeHint().width() if body is not page else 0
        return body.minimumSizeHint().width() + bar + 4

    def instrument_want(self) -> int:
        """The width the instrument in front would like (its size hint: Compare
        activations' runs in one row), at least what it needs."""
        page = self.instrument_area.currentWidget()
        body = page.widget() if isinstance(page, QtWidgets.QScrollArea) else None
        if body is None:
            return self.instrument_need()
        bar = page.verticalScrollBar().sizeHint().width()
        return max(self.instrument_need(), body.sizeHint().width() + bar + 4)

    def _side_folded(self, folded: bool) -> None:
        if not folded:
            self._folded_for_room = False  # unfolded by the student: it stays so
            sizes = self.splitter.sizes()
            sizes[SIDE] = max(self.side_width(), self.side.minimumSizeHint().width())
            # what the splitter cannot give it now (an instrument is open), fit gives back
            # when the room comes back
            self._side_squeezed_from = sizes[SIDE]
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
        if not on:
            self.share_network(False)
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
            # the state keeps which columns were hidden: a window closed with the network
            # in the instrument column must not open without it
            self.columns[NETWORK].setVisible(not self.network_shared)
            self.instrument_area.setVisible(self.instrument_area.instrument_count() > 0)
        else:
            self.splitter.setSizes([self.side_width(), 560, 450, 0])
        try:
            self._instrument_width = max(self.floors[INSTRUMENTS],
                                         int(settings.value("window/instrument_width",
                                                            INSTRUMENT_WIDTH)))
        except (TypeError, ValueError):
            self._instrument_width = INSTRUMENT_WIDTH
        if str(settings.value("window/side_folded", False)).lower() == "true":
            self.side.set_folded(True)


def set_visual_tab_order(window) -> None:
    """Tab moves through the window as it reads, left to right: the top bar, the side
    panel (Data, then the Guide), the network, the output, the instruments.  Qt's default
    is the order widgets were made in, which jumped from the output to the Guide's notes
    (made last) and back to the builder."""
    # the stacks hold the point and the image labs' columns (hidden ones are skipped)
    containers = [window.toolbar, window.side_panel,
                  getattr(window, "network_stack", window.network_view),
                  getattr(window, "output_stack", window.output),
                  window.layout_.instrument_area]
    chain: list[QtWidgets.QWidget] = []
    for box in containers:
        for child in [box, *box.findChildren(QtWidgets.QWidget)]:
            if (child.focusPolicy() & Qt.FocusPolicy.TabFocus and child not in chain
                    and child.window() is window):  # not a combo box's popup list
                chain.append(child)
    for a, b in zip(chain, chain[1:]):
        QtWidgets.QWidget.setTabOrder(a, b)
