"""The teaching instruments in the window's instrument column, and their live updates.

:class:`Instruments` (owned by the MainWindow) makes one page per instrument; an open
instrument is a closable tab of the :class:`~actlab.gui.side_panel.InstrumentArea`, the
window's right-hand column (it appears with the first instrument, see
:mod:`actlab.gui.window_layout`); all are closed at first and the student opens them from
the Instruments menu (Ctrl+1 … Ctrl+5).  It tells the training worker which instruments are on screen, so
the worker computes insights only then (at most ~8 a second, see
:meth:`~actlab.gui.training.worker.TrainingWorker.set_instruments`), and on every display tick it
draws the newest :class:`~actlab.gui.training.worker.InsightsPack` into the visible views.  While
"Why non-linearity?" is open, the collapsed network's decision line is drawn on the output
surface and the merging layers are bracketed in the network diagram.

For an image lab (its workspace's ``instruments`` are "conv") the "Why non-linearity?"
page shows a :class:`~actlab.views.images.conv_collapse_view.ConvCollapseView` and the
gradient page a :class:`~actlab.views.images.conv_gradient_view.ConvGradientView` in place
of the point views (both live in the page; the workspace picks which is shown and drawn),
the merging convolutions are bracketed in the convolution builder (each workspace marks
the collapse its own way: ``mark_collapse``), and "Hidden space" and "Linear regions"
are disabled: they are about the 2-D input plane.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6 import QtWidgets
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence

from actlab.engine.analysis.image_insights import ImageInsights
from actlab.views.instruments.collapse_panel import CollapsePanel
from actlab.views.instruments.gradient_view import GradientFlowView
from actlab.views.points.hidden_space_view import HiddenSpaceView
from actlab.views.images.conv_collapse_view import ConvCollapseView
from actlab.views.images.conv_gradient_view import ConvGradientView
from actlab.views.points.regions_view import RegionsView

from actlab.gui.instruments.compare_panel import ComparePanel
from actlab.gui.style import caption

# The instruments have their own display timer, out of step with the surface's, so a
# frame never paints both (the GUI thread stays free for input every few ms).  Packs
# come at most ~8 a second; while training, a view that takes long to draw and paint is
# drawn less often, so the instruments take at most about 1/(1 + DRAW_BUDGET) of the GUI
# thread: every ms the GUI thread is busy is a ms the training thread waits for the GIL.
# (The gradient flow view, ~15 ms a picture, is redrawn about 4 times a second.)
# A picture that first builds its plots (a new run, another network: the gradient view
# makes a histogram widget per layer, ~0.2 s idle and over 1 s on a busy machine) is not
# the steady cost, so it does not set the pace; and however slow a picture, the
# instruments refresh at least every MAX_DRAW_GAP, or a busy machine would leave a
# live view frozen for 15 × its first picture (the cause of tests timing out at 20 s).
TICK_MS = 45
DRAW_BUDGET = 14.0
MAX_DRAW_GAP = 1.0  # s


@dataclass(frozen=True)
class Instrument:
    key: str
    title: str
    shortcut: str
    tip: str


INSTRUMENTS = (
    Instrument("collapse", "Why non-linearity?", "Ctrl+1",
               "What the network collapses to without activations, and how far it bends."),
    Instrument("gradient", "Gradient flow", "Ctrl+2",
               "How big each layer's gradient is, dead ReLU units and saturation."),
    Instrument("hidden", "Hidden space", "Ctrl+3",
               "Where the input plane lands in two hidden neurons, before and after the "
               "activation."),
    Instrument("regions", "Linear regions", "Ctrl+4",
               "The pieces of the plane on which a ReLU network is exactly linear."),
    Instrument("compare", "Compare activations", "Ctrl+5",
               "Train the lab once per activation, side by side from the same start."),
)
INSIGHT_VIEWS = ("collapse", "gradient", "regions")
#: the instruments about the 2-D input plane: a workspace without one says why it has no
#: use for them (``Workspace.instruments_off``)
PLANE_ONLY = ("hidden", "regions")


class _PageBody(QtWidgets.QWidget):
    """An instrument's content inside its scroll area.  It fills the page and scrolls only
    below its minimum size (wrapped captions counted at this width).  Without this the
    scroll area sizes it by height-for-width at the views' *preferred* heights, and
    scrolls needlessly."""

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        lay = self.layout()
        return lay.totalMinimumHeightForWidth(width) if lay is not None else -1


class Instruments:
    """The instrument pages, their menu, and the live drawing of insights.

    Attributes: ``pages`` and ``views`` (key → page in the instrument area / view
    widget), ``area`` (the :class:`~actlab.gui.side_panel.InstrumentArea`), ``actions``
    (key → checkable QAction), ``menu``, ``compare`` (the :class:`ComparePanel`),
    ``collapse``, ``gradient``, ``hidden``, ``regions`` (the views).
    """

    def __init__(self, window):
        self.w = window
        self.collapse = CollapsePanel()
        self.gradient = GradientFlowView()
        self.hidden = HiddenSpaceView()
        self.regions = RegionsView()
        self.image_collapse = ConvCollapseView()
        self.image_gradient = ConvGradientView()
        self.compare = ComparePanel(window)
        self.views = {"collapse": self.collapse, "gradient": self.gradient,
                      "hidden": self.hidden, "regions": self.regions,
                      "compare": self.compare}
        # key -> the image lab's view on the same page (self.views holds the shown one)
        self._image_views = {"collapse": self.image_collapse,
                             "gradient": self.image_gradient}
        self._point_views = {"collapse": self.collapse, "gradient": self.gradient}
        self.images = False  # the window's lab is an image lab
        self.area = window.layout_.instrument_area
        self.pages: dict[str, QtWidgets.QWidget] = {}
        self.actions: dict[str, QAction] = {}
        self._on_screen = {key: False for key in self.views}
        self._pack = None          # the newest pack drawn or waiting to be drawn
        self._drawn: dict[str, tuple] = {}  # key -> (run, seq) last drawn into the view
        self._wants = None
        self._next_draw = 0.0
        self._built = False  # the last draw was a view's first of its run
        self.draws = 0  # packs drawn (tests and the benchmark read it)
        self._comparing_label = QtWidgets.QLabel("Comparing activations — main training "
                                                 "paused")
        self._comparing_label.setObjectName("comparing")
        self._comparing_label.setProperty("role", "caption")
        self._comparing_label.hide()
        window.statusBar().addPermanentWidget(self._comparing_label)
        for inst in INSTRUMENTS:
            self._make_page(inst)
        self.area.currentChanged.connect(lambda _i: self._update_on_screen())
        self.area.closeRequested.connect(self.close)
        self.menu = self._make_menu()
        self.hidden.selectionChanged.connect(lambda *_: self.update_wants())
        window.training_thread.worker.playingChanged.connect(self.compare.main_playing)
        self._set_kind(window.workspace)
        self.timer = QTimer(window)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    # ------------------------------------------------------------------ building
    def _make_page(self, inst: Instrument) -> None:
        view = self.views[inst.key]
        view.setObjectName(f"{inst.key}_view")
        body = _PageBody()
        body.setObjectName(f"{inst.key}_body")
        # white like the instruments' plots (a style sheet: the window's style sheet
        # overrides palettes), also inside the scrolling collapse panel
        body.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        name = body.objectName()
        body.setStyleSheet(f"QWidget#{name}, QWidget#{name} QScrollArea, "
                           f"QWidget#{name} QScrollArea > QWidget > QWidget "
                           "{ background: white; }")
        lay = QtWidgets.QVBoxLayout(body)
        lay.setContentsMargins(0, 2, 0, 0)
        lay.setSpacing(2)
        if inst.key == "collapse":
            view.heading.hide()  # the tab's title says it already
            self.image_collapse.heading.hide()
        if inst.key != "compare":  # the compare panel has its own row of buttons
            bar = QtWidgets.QHBoxLayout()
            bar.setContentsMargins(6, 0, 6, 0)
            hint = caption(inst.tip)
            hint.setWordWrap(True)
            bar.addWidget(hint, 1)
            button = QtWidgets.QPushButton("Export PNG…")
            button.setObjectName(f"export_{inst.key}")
            button.setToolTip(f"Save “{inst.title}” as a PNG image.")
            button.clicked.connect(lambda _=False, k=inst.key: self.export(k))
            bar.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            lay.addLayout(bar)
        lay.addWidget(view, 1)
        image_view = self._image_views.get(inst.key)
        if image_view is not None:
            image_view.setObjectName(f"image_{inst.key}_view")
            lay.addWidget(image_view, 1)
            image_view.hide()
        # a short column (small screens) scrolls its instrument rather than squeezing it
        scroll = QtWidgets.QScrollArea()
        scroll.setObjectName(f"page_{inst.key}")
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        scroll.hide()
        self.pages[inst.key] = scroll

    def _make_menu(self) -> QtWidgets.QMenu:
        w = self.w
        menu = QtWidgets.QMenu("&Instruments", w)
        menu.setObjectName("menu_instruments")
        menu.setToolTipsVisible(True)
        for inst in INSTRUMENTS:
            act = QAction(inst.title, w)
            act.setObjectName(f"action_{inst.key}")
            act.setCheckable(True)
            act.setShortcut(QKeySequence(inst.shortcut))
            act.setStatusTip(inst.tip)
            act.setToolTip(f"{inst.title} ({inst.shortcut}): {inst.tip}")
            act.triggered.connect(lambda _=False, k=inst.key: self.toggle(k))
            menu.addAction(act)
            self.actions[inst.key] = act
        help_menu = getattr(getattr(w, "menus", None), "help", None)
        bar = w.menuBar()
        if help_menu is not None:
            bar.insertMenu(help_menu.menuAction(), menu)
        else:
            bar.addMenu(menu)
        return menu

    # ------------------------------------------------------------------ opening
    def is_open(self, key: str) -> bool:
        return self.area.indexOf(self.pages[key]) >= 0

    def on_screen(self, key: str) -> bool:
        """True when the instrument can be seen (open and its tab in front)."""
        return self._on_screen[key]

    def open_keys(self) -> list[str]:
        return self.area.open_keys()

    def open(self, key: str) -> None:
        """Show instrument ``key`` and bring its tab to the front."""
        inst = next(i for i in INSTRUMENTS if i.key == key)
        page = self.pages[key]
        self.area.add(key, inst.title, page, f"{inst.title} ({inst.shortcut}): {inst.tip}")
        self.area.setCurrentWidget(page)
        self.actions[key].setChecked(True)
        self.w.layout_.show_instruments(True)
        self._update_on_screen()

    def close(self, key: str) -> None:
        self.area.remove(self.pages[key])
        self.actions[key].setChecked(False)
        if self.area.instrument_count() == 0:
            self.w.layout_.show_instruments(False)
        self._update_on_screen()

    def toggle(self, key: str) -> None:
        """The menu action: open it; raise it when it hides behind another tab; close it
        when it is already in front."""
        if self.is_open(key) and self.on_screen(key):
            self.close(key)
        else:
            self.open(key)

    def _update_on_screen(self) -> None:
        front = self.area.currentWidget() if not self.area.isHidden() else None
        for key, page in self.pages.items():
            on = front is page and self.is_open(key)
            if on != self._on_screen[key] or (key == "collapse" and not self.is_open(key)):
                self._visibility(key, on)

    def _visibility(self, key: str, on: bool) -> None:
        was = self._on_screen[key]
        self._on_screen[key] = bool(on)
        if was == bool(on) and on:
            return
        if key == "compare":
            self.compare.set_visible(on)
        elif on and self._pack is not None:
            self._draw_view(key, self._pack)  # what it missed while hidden
            if key == "collapse" and self._pack.insights is not None:
                self._mark_collapse(self._pack.insights)
        if key == "collapse" and not self.is_open(key):
            self._clear_collapse_marks()
        self.update_wants()

    # ------------------------------------------------------------------ the worker
    def update_wants(self) -> None:
        """Tell the worker which insights the open instruments need (and ask for a
        snapshot while paused, so they appear at once)."""
        insights = any(self.on_screen(k) for k in INSIGHT_VIEWS) or self.is_open("collapse")
        hidden = None
        if self.on_screen("hidden") and not self.images and self.w.lab.network.hidden:
            hidden = self.hidden.selection()
        wants = (insights, hidden)
        if wants == self._wants:
            return
        self._wants = wants
        self.w.training_thread.set_instruments(insights, hidden)
        if (insights or hidden is not None) and not self.w._playing:
            self.w.training_thread.request_snapshot()

    def _set_kind(self, workspace) -> None:
        """Show the views of ``workspace``'s kind of instruments (the convolutional or the
        dense ones), and disable the instruments it has no use for (closing them)."""
        images = self.images = workspace.instruments == "conv"
        for key, point_view in self._point_views.items():
            image_view = self._image_views[key]
            point_view.setVisible(not images)
            image_view.setVisible(images)
            self.views[key] = image_view if images else point_view
        for key in PLANE_ONLY:
            act = self.actions[key]
            why = workspace.instruments_off.get(key)
            inst = next(i for i in INSTRUMENTS if i.key == key)
            if why and self.is_open(key):
                self.close(key)
            act.setEnabled(not why)
            act.setToolTip(why or f"{inst.title} ({inst.shortcut}): {inst.tip}")
            act.setStatusTip(why or inst.tip)

    def lab_changed(self) -> None:
        """The window committed a new lab (network, features or data)."""
        w = self.w
        lab, ds = w.lab, w.dataset
        self._set_kind(w.workspace)
        custom = getattr(lab.network, "custom", ())
        self.gradient.set_custom(custom)  # designed activations: curves and "% flat"
        self.image_gradient.set_custom(custom)
        if not self.images:
            problem = ds.problem if ds is not None else lab.data.problem
            n_classes = ds.n_classes if ds is not None else 2
            self.collapse.set_problem(problem)
            self.hidden.set_problem(problem, n_classes)
            self.hidden.set_layers(lab.network.hidden)
        # the regions are drawn under the lab's own training points
        self.regions.set_points(None if self.images else ds)
        self._pack = None
        self._drawn.clear()
        for key in INSIGHT_VIEWS:
            self.views[key].clear()
        self._clear_collapse_marks()
        self.compare.lab_changed()
        self._wants = None  # the new worker generation needs to hear them again
        self.update_wants()

    # ------------------------------------------------------------------ drawing
    def _tick(self) -> None:
        """The instruments' display timer: draw the newest pack, if it is new."""
        pub = self.w.training_thread.latest()
        pack = None if pub is None else pub.insights
        if pack is None or (self._pack is not None and pack.seq == self._pack.seq):
            return  # nothing new: leave the training thread alone
        now = time.perf_counter()
        if pub.playing and now < self._next_draw:
            return  # the last drawing was slow: give the training thread its share
        trainer = self.w.training_thread
        trainer.begin_gui_turn()  # as the surface's timer does: keep the GIL until painted
        self._built = False
        drawn = self.draw(pub)
        paced = drawn and not self._built

        def painted():
            trainer.end_gui_turn()
            if paced:  # what the picture cost, its painting included
                cost = (1 + DRAW_BUDGET) * (time.perf_counter() - now)
                self._next_draw = now + min(cost, MAX_DRAW_GAP)
            elif drawn:
                self._next_draw = 0.0

        QTimer.singleShot(0, lambda: QTimer.singleShot(0, painted))

    def draw(self, pub) -> bool:
        """Draw the insights that came with the published snapshot ``pub`` into the
        instruments on screen; False when there was nothing new to draw."""
        pack = pub.insights
        if pack is None or pack.generation != self.w._generation:
            return False
        if self._pack is not None and pack.seq == self._pack.seq:
            return False
        self._pack = pack
        self.draws += 1
        for key in ("collapse", "gradient", "regions", "hidden"):
            if self.on_screen(key):
                self._draw_view(key, pack)
        if self.is_open("collapse") and pack.insights is not None:
            self._mark_collapse(pack.insights)
        return True

    def _draw_view(self, key: str, pack) -> None:
        last = self._drawn.get(key)
        if last is not None and last[1] >= pack.seq and last[0] == pack.run:
            return
        force = last is None or last[0] != pack.run  # a Reset: epochs start again
        self._built = self._built or force  # a first picture of a run builds its plots
        if key == "hidden":
            if pack.hidden is None:
                return
            selection, space, labels = pack.hidden
            if selection != self.hidden.selection():
                return
            self.hidden.show_space(space, labels)
        elif pack.insights is None:
            return
        elif isinstance(pack.insights, ImageInsights) != self.images:
            return  # a pack of the other kind of lab, just replaced
        else:
            self.views[key].show_insights(pack.insights, force=force)
        self._drawn[key] = (pack.run, pack.seq)

    def _mark_collapse(self, insights) -> None:
        """While "Why non-linearity?" is open the workspace marks what collapses (the
        decision line on the surface, the merging layers in the diagram)."""
        if isinstance(insights, ImageInsights) == self.images:
            self.w.workspace.mark_collapse(insights)

    def _clear_collapse_marks(self) -> None:
        for ws in self.w.workspaces.values():
            ws.clear_collapse_marks()

    def set_comparing(self, on: bool) -> None:
        self._comparing_label.setVisible(bool(on))

    def export(self, key: str, path: str | None = None) -> bool:
        """Save instrument ``key`` as a PNG (asks for the path unless given)."""
        if key == "compare":
            return self.compare.export(path)
        from actlab.views.export import export_png

        view = self.views[key]
        slug = {"collapse": "why-nonlinearity", "gradient": "gradient-flow",
                "hidden": "hidden-space", "regions": "linear-regions"}[key]
        if key == "collapse" and self.images:
            return self.w.export_with(slug, self._image_collapse_figure(), path)
        return self.w.export_with(slug, lambda target: export_png(view, target), path)

    def _image_collapse_figure(self):
        """"Why non-linearity?" of an image lab as a rendered figure (the CLI's
        filters.png, :func:`actlab.figures.image_views.collapse_png`), drawn from the
        insights and pictures on screen rather than grabbed with its buttons."""
        from actlab.figures.image_views import collapse_png

        pack, lab = self._pack, self.w.lab
        insights = pack.insights if pack is not None and \
            isinstance(pack.insights, ImageInsights) else None
        pics = self.w.workspace.pictures()
        return lambda target: collapse_png(target, insights, pics, lab.network.conv,
                                           lab.network.leaky_slope, lab.name)

    def save(self, settings) -> None:
        """Remember which instruments are open and which is in front."""
        settings.setValue("window/instruments", ",".join(self.open_keys()))
        front = self.area.currentWidget()
        settings.setValue("window/instrument_front",
                          next((k for k, p in self.pages.items() if p is front), ""))

    def restore(self, settings) -> None:
        keys = str(settings.value("window/instruments", "") or "").split(",")
        for key in keys:
            if key in self.pages and self.actions[key].isEnabled():
                self.open(key)
        front = str(settings.value("window/instrument_front", "") or "")
        if front in self.pages and self.is_open(front):
            self.open(front)

    def shutdown(self) -> bool:
        """Stop drawing and the comparison thread (the window is closing)."""
        self.timer.stop()
        return self.compare.shutdown()
