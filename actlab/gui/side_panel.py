"""The window's two side columns: the left panel (Data, Guide) and the instrument area.

Why not dock widgets: docks take their width from the central area only, so on a
1366×768 laptop the Guide plus one instrument left the network scrolling sideways and the
loss plot a 20-px strip.  Here every area is a column of one splitter (the window
remembers its sizes), each with a floor it never goes below:

- :class:`SidePanel` holds the Data & features page and the Guide page behind a rail of
  vertical tabs.  Clicking the tab in front *folds* the page away and leaves the rail (26
  px), so a small screen gives the width to the network and the plots; clicking any tab
  unfolds it.  A guided lab brings its Guide to the front; Data is one click away.
- :class:`InstrumentArea` is a tab widget with one closable tab per open instrument; the
  column appears with the first instrument and goes away with the last.

The views stay dumb: these widgets only arrange them.
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt, Signal

QWIDGETSIZE_MAX = (1 << 24) - 1


class SidePanel(QtWidgets.QWidget):
    """A rail of vertical tabs and the page in front; ``pages`` maps key → widget."""

    foldedChanged = Signal(bool)
    pageChanged = Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("side_panel")
        self.bar = QtWidgets.QTabBar()
        self.bar.setObjectName("side_rail")
        self.bar.setShape(QtWidgets.QTabBar.Shape.RoundedWest)
        self.bar.setExpanding(False)
        self.bar.setDrawBase(False)
        self.bar.setUsesScrollButtons(False)
        self.bar.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.stack = QtWidgets.QStackedWidget()
        self.stack.setObjectName("side_pages")
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.stack, 1)
        self.pages: dict[str, QtWidgets.QWidget] = {}
        self._keys: list[str] = []
        self._folded = False
        self.bar.tabBarClicked.connect(self._clicked)
        self.bar.currentChanged.connect(self._current_changed)

    # ------------------------------------------------------------------ pages
    def add_page(self, key: str, title: str, widget: QtWidgets.QWidget, tip: str) -> None:
        self.pages[key] = widget
        self._keys.append(key)
        i = self.bar.addTab(title)
        self.bar.setTabToolTip(i, tip)
        self.bar.setFixedHeight(self.bar.sizeHint().height())
        self.stack.addWidget(widget)

    def set_page_available(self, key: str, on: bool) -> None:
        """Show or hide ``key``'s tab (the Guide tab only for labs that have a guide, or
        when asked for from the View menu)."""
        i = self._keys.index(key)
        self.bar.setTabVisible(i, on)
        # a tab bar does not grow by itself when a hidden tab comes back: it would scroll
        # the first tab out of sight
        self.bar.setFixedHeight(self.bar.sizeHint().height())
        if not on and self.current() == key:
            first = next((k for k in self._keys if self.is_available(k)), None)
            if first is not None:
                self.show_page(first, unfold=False)

    def is_available(self, key: str) -> bool:
        return self.bar.isTabVisible(self._keys.index(key))

    def current(self) -> str:
        return self._keys[self.bar.currentIndex()] if self._keys else ""

    def show_page(self, key: str, unfold: bool = True) -> None:
        """Bring ``key``'s page to the front (and unfold the panel unless told not to)."""
        if not self.is_available(key):
            self.set_page_available(key, True)
        self.bar.setCurrentIndex(self._keys.index(key))
        if unfold:
            self.set_folded(False)

    def page_on_screen(self, key: str) -> bool:
        return not self._folded and self.current() == key and self.isVisible()

    # ------------------------------------------------------------------ folding
    @property
    def folded(self) -> bool:
        return self._folded

    def set_folded(self, folded: bool) -> None:
        folded = bool(folded)
        if folded == self._folded:
            return
        self._folded = folded
        self.stack.setVisible(not folded)
        rail = self.bar.sizeHint().width()
        self.setMaximumWidth(rail if folded else QWIDGETSIZE_MAX)
        self.setMinimumWidth(rail if folded else 0)
        self.foldedChanged.emit(folded)

    def _clicked(self, index: int) -> None:
        if index < 0:
            return
        if index == self.bar.currentIndex():
            self.set_folded(not self._folded)  # the tab in front: fold or unfold
        else:
            self.set_folded(False)  # another tab: show its page (currentChanged follows)

    def _current_changed(self, index: int) -> None:
        if 0 <= index < len(self._keys):
            self.stack.setCurrentIndex(index)
            self.pageChanged.emit(self._keys[index])

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        # presentation mode's larger font: the rail's tabs grow, so must the rail
        if event.type() in (QtCore.QEvent.Type.StyleChange, QtCore.QEvent.Type.FontChange):
            QtCore.QTimer.singleShot(0, self._refit_rail)
        super().changeEvent(event)

    def _refit_rail(self) -> None:
        self.bar.setFixedHeight(self.bar.sizeHint().height())
        if self._folded:
            rail = self.bar.sizeHint().width()
            self.setMinimumWidth(rail)
            self.setMaximumWidth(rail)

    def preferred_width(self) -> int:
        """Rail plus the first page's content (the Data page: its controls do not wrap;
        the Guide's text does) with room for a vertical scroll bar."""
        page = self.pages[self._keys[0]] if self._keys else None
        body = page.widget() if isinstance(page, QtWidgets.QScrollArea) else page
        width = body.sizeHint().width() if body is not None else 0
        return self.bar.sizeHint().width() + width + 16

    def minimumSizeHint(self):  # noqa: N802 (Qt name)
        rail = self.bar.sizeHint().width()
        if self._folded:
            return QtCore.QSize(rail, 0)
        page = self.stack.currentWidget()
        width = page.minimumSizeHint().width() if page is not None else 0
        return QtCore.QSize(rail + width, 0)


class InstrumentArea(QtWidgets.QTabWidget):
    """One closable tab per open instrument.  Tabs keep their whole titles (they scroll
    when many are open) rather than reading "Gradient fl…"."""

    closeRequested = Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("instrument_area")
        self.setTabsClosable(True)
        self.setMovable(True)
        self.setDocumentMode(True)
        self.setElideMode(Qt.TextElideMode.ElideNone)
        self.setUsesScrollButtons(True)
        self.tabCloseRequested.connect(self._close_requested)
        self._keys: dict[QtWidgets.QWidget, str] = {}

    def add(self, key: str, title: str, page: QtWidgets.QWidget, tip: str) -> None:
        if self.indexOf(page) >= 0:
            return
        self._keys[page] = key
        i = self.addTab(page, title)
        self.setTabToolTip(i, tip)

    def add_guest(self, page: QtWidgets.QWidget, title: str, tip: str) -> None:
        """Put ``page`` (not an instrument: the network, on a small screen) in the first
        tab, without a close button; the tab in front stays in front."""
        if self.indexOf(page) >= 0:
            return
        front = self.currentWidget()
        i = self.insertTab(0, page, title)
        self.setTabToolTip(i, tip)
        for side in (QtWidgets.QTabBar.ButtonPosition.RightSide,
                     QtWidgets.QTabBar.ButtonPosition.LeftSide):
            self.tabBar().setTabButton(i, side, None)
        if front is not None:
            self.setCurrentWidget(front)

    def instrument_count(self) -> int:
        """The open instruments (a guest tab is not one)."""
        return len(self.open_keys())

    def remove(self, page: QtWidgets.QWidget) -> None:
        i = self.indexOf(page)
        if i >= 0:
            self.removeTab(i)
            page.hide()

    def key_at(self, index: int) -> str | None:
        page = self.widget(index)
        return self._keys.get(page) if page is not None else None

    def open_keys(self) -> list[str]:
        return [self._keys[self.widget(i)] for i in range(self.count())
                if self.widget(i) in self._keys]

    def _close_requested(self, index: int) -> None:
        key = self.key_at(index)
        if key is not None:
            self.closeRequested.emit(key)
