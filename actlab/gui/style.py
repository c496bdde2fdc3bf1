"""The app's look in one place: a light style sheet, small label helpers and the
columns' frames."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt

ACCENT = "#0072B2"  # the class-1 blue of the colour maps

STYLE_SHEET = f"""
QMainWindow, QWidget#central {{ background: #F3F4F6; }}
QFrame#column {{ background: #FFFFFF; border: 1px solid #DADDE1; border-radius: 6px; }}
QLabel[role="section"] {{ color: #444; font-weight: bold; letter-spacing: 1px; }}
QLabel[role="caption"] {{ color: #666; }}
QLabel[role="number"] {{ color: #111; font-weight: bold; }}
QLabel[role="warning"] {{ color: #9A3412; background: #FFF1E6; border: 1px solid #F5B27A;
                          border-radius: 4px; padding: 4px; }}
QLabel#epoch {{ color: #111; font-size: 15pt; font-weight: bold; }}
QToolButton#play {{ background: {ACCENT}; color: white; border-radius: 22px;
                    border: none; padding: 4px; }}
QToolButton#play:hover {{ background: #005A8C; }}
QToolButton#play:disabled {{ background: #9BB7CC; }}
QToolButton[role="dataset"] {{ border: 2px solid transparent; border-radius: 4px;
                               padding: 1px; background: transparent; }}
QToolButton[role="dataset"]:checked {{ border: 2px solid #222; }}
QToolButton[role="dataset"]:hover {{ border: 2px solid #999; }}
QToolButton[role="feature"] {{ border: 1px solid #D0D4D8; border-radius: 4px;
                               padding: 2px 4px; background: #F7F7F7; color: #888; }}
QToolButton[role="feature"]:checked {{ border: 2px solid {ACCENT}; background: #FFFFFF;
                                       color: #111; }}
QToolBar {{ spacing: 3px; }}
QLabel#seed_label {{ color: #444; border-left: 1px solid #C8CCD0; padding: 0 6px 0 10px; }}
QTabBar#side_rail::tab {{ padding: 10px 3px; margin: 2px 0; border: 1px solid #D0D4D8;
                          border-right: none; border-top-left-radius: 5px;
                          border-bottom-left-radius: 5px; background: #E6E8EB; color: #333; }}
QTabBar#side_rail::tab:selected {{ background: #FFFFFF; color: #000; font-weight: bold; }}
QTabBar#side_rail::tab:hover {{ background: #F6F7F8; }}
*:focus {{ outline: none; }}
QAbstractButton:focus, QComboBox:focus, QAbstractSpinBox:focus, QLineEdit:focus,
QPlainTextEdit:focus, QTextEdit:focus, QAbstractSlider:focus, QTabBar:focus,
QAbstractScrollArea:focus {{ border: 2px solid {ACCENT}; border-radius: 3px; }}
"""


def section_label(text: str) -> QtWidgets.QLabel:
    """An upper-case column title like the Playground's DATA / FEATURES / OUTPUT."""
    label = QtWidgets.QLabel(text.upper())
    label.setProperty("role", "section")
    return label


def caption(text: str, tip: str | None = None) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text)
    label.setProperty("role", "caption")
    if tip:
        label.setToolTip(tip)
    return label


def column_frame() -> tuple[QtWidgets.QFrame, QtWidgets.QVBoxLayout]:
    """A white rounded panel and its vertical layout."""
    frame = QtWidgets.QFrame()
    frame.setObjectName("column")
    layout = QtWidgets.QVBoxLayout(frame)
    layout.setContentsMargins(10, 8, 10, 8)
    layout.setSpacing(6)
    return frame, layout


def scrolling(widget, name: str, sideways) -> QtWidgets.QScrollArea:
    """``widget`` in a frameless, vertically scrolling area named ``name``; ``sideways``
    the horizontal scroll bar policy."""
    scroll = QtWidgets.QScrollArea()
    scroll.setObjectName(name)
    scroll.setWidget(widget)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(sideways)
    return scroll


def data_column(name: str, panel: QtWidgets.QWidget,
                features_panel: QtWidgets.QWidget) -> QtWidgets.QScrollArea:
    """The DATA column of a kind of lab: ``panel`` under DATA and ``features_panel`` under
    FEATURES in a white frame ``{name}_column``, kept together at the top, in a scroll
    area ``{name}_scroll``."""
    page, lay = column_frame()
    page.setObjectName(f"{name}_column")
    lay.addWidget(section_label("Data"))
    lay.addWidget(panel)
    lay.addSpacing(6)
    lay.addWidget(section_label("Features"))
    lay.addWidget(features_panel)
    lay.addStretch(1)
    # no minimum width: on a small screen the panel may be squeezed (it scrolls
    # sideways then) rather than grow the window past the screen
    return scrolling(page, f"{name}_scroll", Qt.ScrollBarPolicy.ScrollBarAsNeeded)


def silently(widget: QtCore.QObject):
    """``with silently(w): w.setValue(...)`` changes a control without emitting signals."""
    return QtCore.QSignalBlocker(widget)
