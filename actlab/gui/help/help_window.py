"""Help ▸ How to use ActLab / Activation gallery / Guided labs: one offline help window.

A contents list on the left picks the topic; a :class:`QTextBrowser` on the right shows it.
Nothing is fetched from the network: the how-to page is ``resources/help/how-to.html``,
the gallery is :func:`actlab.views.gallery.gallery_html` (drawn once, on first use) and
the guided-labs page is written from the preset labs.  Links are handled here:

* ``#name`` scrolls to that anchor of the current page;
* ``help:TOPIC`` or ``help:TOPIC#name`` switches topic (``how-to``, ``gallery``,
  ``labs``);
* ``actlab-lab:NAME`` opens the preset ``NAME`` through the ``open_lab`` callback (the
  links are only shown when there is one);
* anything else (web links) is not opened; the status bar says so.

The gallery also shows the current lab's designed activations (``designed()``, a callback
giving ``network.custom``; the page is drawn again when they change) and, when a
``design`` callback is given, a "Design your own…" button above the page that calls it
(the main window opens the activation editor and adds the result to the lab).
"""
from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

TOPICS: dict[str, str] = {
    "how-to": "How to use ActLab",
    "gallery": "Activation gallery",
    "labs": "Guided labs",
}
HELP_SCHEME = "help"
LAB_SCHEME = "actlab-lab"
MAX_TEXT_WIDTH = 760   # px: longer lines are hard to read
MIN_SIDE_MARGIN = 22   # px between the text and the browser's edges

#: Shared by every page (QTextDocument understands a subset of CSS 2).
BASE_CSS = """
body { font-size: 11pt; color: #222; line-height: 140%; }
h1 { font-size: 20pt; color: #111; margin-bottom: 6px; }
h2 { font-size: 14pt; color: #0B4F7A; margin-top: 20px; margin-bottom: 6px; }
h3 { font-size: 12pt; color: #333; margin-top: 12px; margin-bottom: 4px; }
p, li { margin-top: 4px; margin-bottom: 6px; }
a { color: #0072B2; }
code { font-family: monospace; color: #7A2E0B; }
.muted { color: #666; }
.question { background-color: #FFF7E6; color: #5A3A00; }
.legend { color: #444; font-size: 10pt; }
td.plot { padding-right: 14px; }
p.plot { line-height: 100%; margin-top: 0; margin-bottom: 0; }
.lead { font-size: 12pt; color: #333; }
"""


# ------------------------------------------------------------------------ pages
def how_to_html() -> str:
    """The how-to page (``resources/help/how-to.html``), or a short note if it is
    missing from this installation."""
    from actlab.resources_path import resource_file
    try:
        return resource_file("help", "how-to.html").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return (f"<h1>How to use ActLab</h1><p>The help page could not be read "
                f"({html.escape(str(e))}). Reinstalling ActLab should bring it back.</p>")


_CARD = re.compile(r"<section class='card'( id='\w+')?>\s*(<h2>.*?</h2>)\s*(<img[^>]*>)\s*"
                   r"(.*?)</section>", re.S)


def _anchor(id_attr: str | None) -> str:
    """A card's ``id='NAME'`` as the ``<a name>`` QTextBrowser scrolls to ("" for none)."""
    return f"<a name={id_attr.split('=', 1)[1]}></a>" if id_attr else ""


def gallery_for_browser(page: str) -> str:
    """:func:`~actlab.views.gallery.gallery_html`'s page, laid out for QTextBrowser,
    which knows neither CSS grids nor ``<section>``: each card becomes its title over a
    two-cell table (plot | slope and description).  Cards that do not match the expected
    shape keep their content, only with the plot in a paragraph of its own."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    page = _CARD.sub(lambda m: (_anchor(m[1]) + f"{m[2]}<table cellspacing='0'><tr>"
                                f"<td class='plot' valign='top'><p class='plot'>{m[3]}</p></td>"
                                f"<td valign='top'>{m[4]}</td></tr></table>"), page)
    page = re.sub(r"(?<!<p class='plot'>)(<img[^>]*>)", r"<p class='plot'>\1</p>", page)
    page = re.sub(r"<section class='card'[^>]*>", "<div>", page)
    return page.replace("</section>", "</div>")


def _esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def _lab_section(name: str, with_links: bool) -> str:
    from actlab.engine.outcomes import expectations
    from actlab.labfile.presets import load_preset

    try:
        lab = load_preset(name)
        expected = expectations(lab.guide, getattr(lab.network, "custom", ()))
    except Exception as e:  # noqa: BLE001 - one broken preset must not hide the others
        return (f"<h2><a name='lab-{_esc(name)}'></a>{_esc(name)}</h2>"
                f"<p class='muted'>This lab could not be read: {_esc(e)}</p>")
    guide = lab.guide or {}
    parts = [f"<h2><a name='lab-{_esc(name)}'></a>{_esc(lab.name)}</h2>"]
    if lab.description:
        parts.append(f"<p>{_esc(lab.description)}</p>")
    if guide.get("instructions"):
        parts.append(f"<p><b>What to do.</b> {_esc(guide['instructions'])}</p>")
    if guide.get("question"):
        parts.append(f"<p class='question'><b>Think about it:</b> "
                     f"{_esc(guide['question'])}</p>")
    if expected:
        items = "".join(f"<li>{'<i>Predicted to fail:</i> ' if e.should_fail else ''}"
                        f"{_esc(e.describe())}</li>" for e in expected)
        parts.append(f"<p><b>What should happen</b></p><ul>{items}</ul>")
    if with_links:
        parts.append(f"<p><a href='{LAB_SCHEME}:{_esc(name)}'>Open this lab</a></p>")
    return "".join(parts)


def labs_html(with_links: bool = False) -> str:
    """One section per preset lab, in teaching order: name, description, instructions,
    question and expected outcomes; with ``with_links`` an "Open this lab" link each."""
    from actlab.labfile.presets import preset_names

    from actlab.gui.files.file_actions import LAB_SECTIONS

    kinds = [(kind, preset_names(kind)) for kind in LAB_SECTIONS]  # as in the Labs menu
    index = "<br>".join(
        f"<b>{_esc(LAB_SECTIONS[kind])}:</b> " + " · ".join(
            f"<a href='#lab-{_esc(n)}'>{_esc(_title(n))}</a>" for n in group)
        for kind, group in kinds if group)
    sections = "".join(
        f"<h1>{_esc(LAB_SECTIONS[kind])}</h1>" + "".join(_lab_section(n, with_links)
                                                        for n in group)
        for kind, group in kinds if group)
    return ("<html><head><meta charset='utf-8'><title>Guided labs</title></head><body>"
            "<h1>Guided labs</h1>"
            "<p class='lead'>Each lab is a ready-made experiment from the Labs menu. It "
            "tells you what to do, asks a question, and lists what should happen. ActLab "
            "checks your run against that list: <b>✔</b> your run shows it, <b>✘</b> it "
            "does not, <b>…</b> it needs more epochs, <b>–</b> it is about another "
            "activation. Some outcomes are <i>predicted to fail</i> (the failure is the "
            "lesson): they get <b>✔</b> when they fail as predicted, with the reason, and "
            "<b>!</b> if they hold anyway.</p>"
            f"<p>{index}</p>" + sections + "</body></html>")


@functools.lru_cache(maxsize=64)
def _title(name: str) -> str:
    """A preset's display name (its file name if it cannot be read)."""
    from actlab.labfile.presets import load_preset
    try:
        return load_preset(name).name
    except Exception:  # noqa: BLE001
        return name


# ------------------------------------------------------------------------ widgets
class HelpBrowser(QtWidgets.QTextBrowser):
    """A text browser that keeps its text in a centred column at most
    :data:`MAX_TEXT_WIDTH` wide, and opens no link by itself."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)          # HelpWindow decides what a link does
        self.setOpenExternalLinks(False)  # never the network
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        font = QtGui.QFont(self.font())
        font.setPointSizeF(11.0)
        self.document().setDefaultFont(font)
        self.document().setDefaultStyleSheet(BASE_CSS)
        self.setStyleSheet("QTextBrowser { background: #FFFFFF; }")

    def show_html(self, text: str) -> None:
        self.setHtml(text)
        self._fit_column()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_column()

    def _fit_column(self) -> None:
        side = max(MIN_SIDE_MARGIN, (self.viewport().width() - MAX_TEXT_WIDTH) // 2)
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        if fmt.leftMargin() != side or fmt.topMargin() != 16:
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            fmt.setTopMargin(16)
            fmt.setBottomMargin(24)
            root.setFrameFormat(fmt)


class HelpWindow(QtWidgets.QMainWindow):
    """The help window.  ``open_lab(name)``, if given, opens a preset lab from the
    "Open this lab" links of the guided-labs page.

    Attributes: ``contents`` (the topic list), ``browser`` (:class:`HelpBrowser`),
    ``topic`` (the topic shown).
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None,
                 open_lab: Callable[[str], object] | None = None,
                 designed: Callable[[], tuple] | None = None,
                 design: Callable[[], object] | None = None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)  # never keeps the app
        self.setWindowTitle("ActLab Help")
        self._open_lab = open_lab
        self._designed, self._design = designed, design
        self._gallery_custom: tuple = ()  # the designed activations the gallery page shows
        self._pages: dict[str, str] = {}
        self.topic = ""
        self.contents = QtWidgets.QListWidget()
        self.contents.setObjectName("help_contents")
        self.contents.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.contents.setStyleSheet(
            "QListWidget { background: #F3F4F6; border-right: 1px solid #DADDE1; outline: 0;"
            " padding-top: 10px; font-size: 11pt; }"
            " QListWidget::item { padding: 7px 12px; color: #222; }"
            " QListWidget::item:selected { background: #FFFFFF; color: #0B4F7A;"
            " border-left: 3px solid #0072B2; font-weight: bold; }")
        for key, title in TOPICS.items():
            item = QtWidgets.QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.contents.addItem(item)
        self.contents.setFixedWidth(self.contents.sizeHintForColumn(0) + 48)
        self.contents.currentRowChanged.connect(self._row_changed)
        self.browser = HelpBrowser()
        self.browser.setObjectName("help_browser")
        self.browser.anchorClicked.connect(self.follow_link)
        self.browser.highlighted.connect(self._hovered_link)
        self.design_button = QtWidgets.QPushButton("Design your own…")
        self.design_button.setObjectName("design_button")
        self.design_button.setToolTip("Open the activation editor: draw a function by its "
                                      "points or tweak a built-in; the current lab gets it "
                                      "in every hidden layer (Undo takes it back).")
        self.design_button.clicked.connect(self._design_clicked)
        self.design_bar = QtWidgets.QWidget()
        self.design_bar.setObjectName("design_bar")
        self.design_bar.setStyleSheet("QWidget#design_bar { background: #FFFFFF; }")
        bar = QtWidgets.QHBoxLayout(self.design_bar)
        bar.setContentsMargins(MIN_SIDE_MARGIN, 8, MIN_SIDE_MARGIN, 0)
        self.designed_label = QtWidgets.QLabel()
        self.designed_label.setObjectName("designed_label")
        self.designed_label.linkActivated.connect(
            lambda _link: self.browser.scrollToAnchor("designed"))
        bar.addWidget(self.designed_label, 1)
        bar.addWidget(self.design_button)
        page = QtWidgets.QVBoxLayout()
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.design_bar)
        page.addWidget(self.browser, 1)
        central = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.contents)
        row.addLayout(page, 1)
        self.setCentralWidget(central)
        close = QtGui.QAction("Close", self)
        close.setShortcuts([QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Close),
                            QtGui.QKeySequence("Esc")])
        close.triggered.connect(self.close)
        self.addAction(close)
        from actlab.gui.screen_fit import HELP_WINDOW_SIZE, fit_to_screen
        fit_to_screen(self, HELP_WINDOW_SIZE)
        self.show_topic("how-to")

    # ------------------------------------------------------------------ topics
    def page_html(self, topic: str) -> str:
        """The HTML of ``topic``, made on first use and kept."""
        if topic not in TOPICS:
            raise KeyError(f"no help topic {topic!r} (choose from {', '.join(TOPICS)})")
        if topic == "gallery" and self.designed() != self._gallery_custom:
            self._pages.pop(topic, None)  # the lab's designed activations changed
        if topic not in self._pages:
            if topic == "how-to":
                self._pages[topic] = how_to_html()
            elif topic == "labs":
                self._pages[topic] = labs_html(with_links=self._open_lab is not None)
            else:
                self._gallery_custom = self.designed()
                self._pages[topic] = self._gallery_html(self._gallery_custom)
        return self._pages[topic]

    def designed(self) -> tuple:
        """The current lab's designed activations (none without a ``designed`` callback)."""
        return tuple(self._designed() or ()) if self._designed is not None else ()

    def set_lab_callbacks(self, designed: Callable[[], tuple] | None,
                          design: Callable[[], object] | None) -> None:
        """Set (or drop) where the gallery's designed activations come from and what
        "Design your own…" calls; the gallery follows at once."""
        self._designed, self._design = designed, design
        self.refresh_gallery()

    def _show_design_bar(self) -> None:
        """The "Design your own…" bar: on the gallery, when there is a design callback."""
        self.design_bar.setVisible(self.topic == "gallery" and self._design is not None)
        n = len(self._gallery_custom)
        self.designed_label.setText(
            f"<a href='#designed'>This lab's {n} designed activation{'s' * (n != 1)}</a> "
            f"{'are' if n != 1 else 'is'} at the end of the gallery." if n else
            "This lab has no designed activations yet: design one, and it joins the "
            "gallery and the lab.")

    def refresh_gallery(self) -> None:
        """Draw the gallery again if the lab's designed activations changed."""
        self._show_design_bar()
        if self.topic == "gallery" and self.designed() != self._gallery_custom:
            bar = self.browser.verticalScrollBar().value()
            self.topic = ""
            self.show_topic("gallery")
            self.browser.verticalScrollBar().setValue(bar)

    def _design_clicked(self) -> None:
        if self._design is not None:
            self._design()
            self.refresh_gallery()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        # back from the main window (where a layer menu may have designed one)
        if event.type() == QtCore.QEvent.Type.ActivationChange and self.isActiveWindow():
            self.refresh_gallery()
        super().changeEvent(event)

    def _gallery_html(self, custom=()) -> str:
        from actlab.views.gallery import gallery_html
        QtWidgets.QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return gallery_for_browser(gallery_html(custom))
        finally:
            QtWidgets.QApplication.restoreOverrideCursor()

    def show_topic(self, topic: str, anchor: str = "") -> None:
        """Show ``topic`` ("how-to", "gallery" or "labs"), scrolled to ``anchor``."""
        text = self.page_html(topic)
        if topic != self.topic:
            self.topic = topic
            self.browser.show_html(text)
            row = list(TOPICS).index(topic)
            if self.contents.currentRow() != row:
                with QtCore.QSignalBlocker(self.contents):
                    self.contents.setCurrentRow(row)
        self._show_design_bar()
        if anchor:
            self.browser.scrollToAnchor(anchor)
        else:
            self.browser.verticalScrollBar().setValue(0)

    def set_lab_opener(self, open_lab: Callable[[str], object] | None) -> None:
        """Set (or drop) what "Open this lab" calls; the links follow."""
        if (open_lab is None) != (self._open_lab is None):
            self._pages.pop("labs", None)
            if self.topic == "labs":
                self.topic = ""
                self._open_lab = open_lab
                self.show_topic("labs")
        self._open_lab = open_lab

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(TOPICS):
            self.show_topic(list(TOPICS)[row])

    # ------------------------------------------------------------------ links
    def follow_link(self, url: QtCore.QUrl) -> None:
        """What a click on ``url`` does (see the module docstring)."""
        scheme = url.scheme()
        if not scheme and not url.path():
            self.browser.scrollToAnchor(url.fragment())
        elif scheme == HELP_SCHEME and url.path() in TOPICS:
            self.show_topic(url.path(), url.fragment())
        elif scheme == LAB_SCHEME and self._open_lab is not None:
            self._open_lab(url.path())
            owner = self.parentWidget()
            if owner is not None:
                owner.activateWindow()
                owner.raise_()
        else:
            self.statusBar().showMessage(
                f"ActLab's help does not open web links or files: {url.toString()}", 6000)

    def _hovered_link(self, url: QtCore.QUrl) -> None:
        if url.scheme() == LAB_SCHEME:
            self.statusBar().showMessage(f"Open the lab “{_title(url.path())}”.")
        elif url.isEmpty():
            self.statusBar().clearMessage()


_window: HelpWindow | None = None


def show_help(parent: QtWidgets.QWidget | None = None, topic: str = "how-to",
              open_lab: Callable[[str], object] | None = None,
              designed: Callable[[], tuple] | None = None,
              design: Callable[[], object] | None = None) -> HelpWindow:
    """Open the one shared help window at ``topic`` (raising it if it is open already) and
    return it.  ``parent`` owns the window (it closes with it); ``open_lab(name)``, if
    given, opens a preset from the guided-labs page; ``designed()`` gives the lab's
    designed activations for the gallery and ``design()`` is the gallery's "Design your
    own…" button (see :class:`HelpWindow`)."""
    global _window
    import shiboken6

    if _window is None or not shiboken6.isValid(_window):
        _window = HelpWindow(parent, open_lab, designed, design)
        if parent is not None:  # beside the main window, not on top of its centre
            from actlab.gui.screen_fit import FRAME_ALLOWANCE, available_geometry
            geo, room = parent.frameGeometry(), available_geometry(parent)
            spot = geo.topLeft() + QtCore.QPoint(60, 40)
            # but whole on the screen: a help window sized to a small screen (1366x768,
            # or 200 %) and moved down and right ran off its bottom and right edges
            frame = _window.size() + FRAME_ALLOWANCE
            _window.move(max(room.left(), min(spot.x(), room.right() + 1 - frame.width())),
                         max(room.top(), min(spot.y(), room.bottom() + 1 - frame.height())))
    else:
        if open_lab is not None:
            _window.set_lab_opener(open_lab)
        if designed is not None or design is not None:
            _window.set_lab_callbacks(designed, design)
    _window.show_topic(topic)
    _window.show()
    if _window.isMinimized():
        _window.showNormal()
    _window.raise_()
    _window.activateWindow()
    return _window
