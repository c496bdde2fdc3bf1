"""The main window: DATA and FEATURES | the network | OUTPUT, under a training bar.

The whole state of the experiment is one frozen :class:`~actlab.lab.Lab` (``self.lab``).
Panels emit a *new* Lab when the user edits something; :meth:`MainWindow.apply_edit`
decides what that means (training settings go to the running worker without a reset; a
new network, new features or new data re-initialise the weights) and says so in the
status bar.  Training runs on a :class:`~actlab.gui.training.training_thread.TrainingThread`; a display
timer draws the newest snapshot at a fixed rate.  Building a lab's data, reading and saving
lab files run on worker threads too (``jobs``, :mod:`actlab.gui.files.background`): the
window stays responsive, and a newer change supersedes a pending build.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt, QTimer

from actlab import __version__
from actlab.engine.data.dataset import Dataset
from actlab.lab import Lab, default_lab
from actlab.views.network.view import NetworkView

from actlab.gui import dialogs
from actlab.gui.actions import build_menus, create_actions, dice_icon
from actlab.gui.files.autosave import Autosaver
from actlab.gui.files.background import BackgroundJobs, Superseded
from actlab.gui.panels.controls_panel import ControlsPanel
from actlab.gui.files.undo import DataEdits
from actlab.gui.status_bar import StatusBar
from actlab.gui.activations.designed_activations import design_for_all, design_for_layer
from actlab.gui.files.file_actions import FileActions
from actlab.gui.files.image_source_gate import ImageSourceGate
from actlab.gui.guide.guide_actions import GuideActions
from actlab.gui.guide.lock_checks import refuse_if_locked
from actlab.kinds.registry import kind_of, lab_data, trainable_lab_data
from actlab.gui.instruments.instruments import Instruments
from actlab.gui.playback import DRAW_INTERVAL_MS, Playback
from actlab.gui.workspaces.registry import KIND_ACTIONS, WORKSPACES
from actlab.gui.presentation import Presentation
from actlab.gui.screen_fit import MAIN_WINDOW_SIZE, fit_to_screen, restore_or_fit
from actlab.gui.settings import open_settings
from actlab.gui.style import STYLE_SHEET, caption
from actlab.gui.training.training_thread import TrainingThread
from actlab.gui.panels.weight_edit import WeightEditor
from actlab.gui.window_layout import WindowLayout, set_visual_tab_order
from actlab.gui.arrow_keys import ArrowKeysToInputs

RESET_MESSAGES = {
    "network": "Network changed: weights re-initialised.",
    "features": "Input features changed: weights re-initialised.",
    "data": "Data changed: weights re-initialised.",
}
TRAINING_NAMES = {"learning_rate": "Learning rate", "batch_size": "Batch size",
                  "optimizer": "Optimizer", "regularization": "Regularization",
                  "reg_rate": "Regularization rate", "stop_after": "Stop after"}


class MainWindow(QtWidgets.QMainWindow):
    """ActLab's window.  ``lab`` (default: the plain default lab; the app passes the
    guided starting lab, :func:`actlab.gui.app.first_lab`) and its file ``path``.

    The window is the frame: toolbar, menus, status bar, the side panel (data, guide),
    the instruments, files.  The three centre columns belong to the workspace of the
    lab's kind (``workspace``; one per kind in ``workspaces``, made when the first lab
    of that kind opens)."""

    def __init__(self, lab: Lab | None = None, path: str | None = None,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.settings = open_settings()
        self.lab: Lab = default_lab()
        self.dataset: Dataset | None = None
        self.path: str | None = None
        self._generation = 0  # of the lab last sent to the worker
        self.modifications = 0  # counts changes, so a save knows if one came during it
        self._playing = False  # what the worker reported
        self.wants_playing = False  # what was last asked for (see Playback)
        self.training_thread = TrainingThread(self)
        try:
            self._build()
        except BaseException:
            self.training_thread.shutdown()  # never leave a running thread behind a failed window
            raise
        ready = "Ready: press Play (Space) to train."
        if not self.open_lab(lab or default_lab(), path, ready):
            self.open_lab(default_lab(), None, ready)
        self._constructed = True  # from now on slow work runs off the GUI thread
        self.autosaver.offer_recovery()  # the last run crashed with unsaved changes

    def _build(self) -> None:
        """Create the window in small named steps."""
        self.setStatusBar(StatusBar())  # before anything asks for statusBar()
        self._create_widgets()
        self.acts = create_actions(self)
        self.acts.new_seed.setIcon(dice_icon())
        self.menus = build_menus(self, self.acts)
        self.edits = DataEdits(self)  # Undo and Redo of data edits
        self.workspaces: dict = {}
        self.workspace = None
        self.workspace_for("points")  # the default lab's, and the layout's plot floors
        self._create_toolbar()
        self._create_layout()
        self.show_workspace("points")  # until the first lab opens
        self._create_status_bar()
        self.jobs = BackgroundJobs(self)  # slow builds, loads and saves off this thread
        self.instruments = Instruments(self)
        self.guide = GuideActions(self)  # the Guide page, teacher mode, the report
        self.presentation = Presentation(self)
        self.menus.view.addAction(self.presentation.action)
        self._connect()
        self.playback = Playback(self)
        self.autosaver = Autosaver(self)
        self._restore_settings()
        self.setAcceptDrops(True)
        # on the application, so widgets made later (the builder's combo boxes) are covered
        self._arrow_keys = ArrowKeysToInputs(self)
        QtWidgets.QApplication.instance().installEventFilter(self._arrow_keys)
        self.setStyleSheet(STYLE_SHEET)
        set_visual_tab_order(self)
        self.draw_timer = QTimer(self)
        self.draw_timer.setInterval(DRAW_INTERVAL_MS)
        self.draw_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.draw_timer.timeout.connect(self.playback.draw_tick)
        self.draw_timer.start()
        app = QtWidgets.QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.training_thread.shutdown)

    # ------------------------------------------------------------------ building
    def _create_widgets(self) -> None:
        self.controls = ControlsPanel()
        # the diagram of a multilayer perceptron: the point and the function workspaces'
        self.network_view = NetworkView()
        self.network_view.setObjectName("network_view")
        # one stack per centre column: each workspace's page in each (see workspace_for)
        self.data_stack = QtWidgets.QStackedWidget()
        self.data_stack.setObjectName("data_stack")
        self.network_stack = QtWidgets.QStackedWidget()
        self.network_stack.setObjectName("network_stack")
        self.output_stack = QtWidgets.QStackedWidget()
        self.output_stack.setObjectName("output_stack")

    def _create_toolbar(self) -> None:
        bar = QtWidgets.QToolBar("Training")
        bar.setObjectName("training_toolbar")
        bar.setMovable(False)
        bar.setIconSize(QtCore.QSize(22, 22))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        bar.addAction(self.acts.reset)
        self.play_button = QtWidgets.QToolButton()
        self.play_button.setObjectName("play")
        self.play_button.setDefaultAction(self.acts.play)
        self.play_button.setIconSize(QtCore.QSize(26, 26))
        self.play_button.setFixedSize(44, 44)
        bar.addWidget(self.play_button)
        bar.addAction(self.acts.step)
        bar.addAction(self.acts.new_seed)
        bar.widgetForAction(self.acts.step).setObjectName("step")
        bar.widgetForAction(self.acts.reset).setObjectName("reset")
        bar.widgetForAction(self.acts.new_seed).setObjectName("new_seed")
        epoch_box = QtWidgets.QWidget()
        col = QtWidgets.QVBoxLayout(epoch_box)
        col.setContentsMargins(6, 0, 4, 0)
        col.setSpacing(0)
        col.addWidget(caption("Epoch"))
        self.epoch_label = QtWidgets.QLabel("000,000")
        self.epoch_label.setObjectName("epoch")
        self.epoch_label.setToolTip("How many times the network has gone through all of "
                                    "its training points.")
        col.addWidget(self.epoch_label)
        self.speed_label = caption("")
        self.speed_label.setObjectName("speed")
        self.speed_label.setToolTip("How many epochs are trained per second right now.")
        col.addWidget(self.speed_label)
        bar.addWidget(epoch_box)
        # "Stop after" beside the epoch counter: last, a 960-px window hid it behind "»"
        cells = sorted(self.controls.cells, key=lambda c: c.objectName() != "cell_stop")
        bar.addWidget(cells[0])
        bar.addSeparator()
        for cell in cells[1:]:  # one by one: a narrow window folds only the last
            bar.addWidget(cell)
        self.controls.setParent(self)  # keeps the logic; its cells live on the toolbar
        self.controls.hide()
        self.addToolBar(bar)
        self.toolbar = bar

    def _create_layout(self) -> None:
        self.layout_ = WindowLayout(self, self.data_stack, self.network_stack,
                                    self.output_stack, plots=self.workspaces["points"].output)
        self.side_panel = self.layout_.side
        self.splitter = self.layout_.splitter
        central = QtWidgets.QWidget()
        central.setObjectName("central")
        lay = QtWidgets.QVBoxLayout(central)
        lay.setContentsMargins(4, 4, 6, 4)
        lay.addWidget(self.splitter)
        self.setCentralWidget(central)
        fit_to_screen(self, MAIN_WINDOW_SIZE)

    def _create_status_bar(self) -> None:
        self.seed_label = QtWidgets.QLabel()
        self.seed_label.setToolTip("The seed of the random starting weights: the same "
                                   "seed always gives the same run.")
        # a rule and a gap between it and a long message, which Qt clips at its edge
        self.seed_label.setObjectName("seed_label")
        self.statusBar().addPermanentWidget(self.seed_label)

    def _connect(self) -> None:
        a = self.acts
        a.about.triggered.connect(self._about)
        a.help.triggered.connect(lambda: self.show_help("how-to"))
        a.gallery.triggered.connect(lambda: self.show_help("gallery"))
        a.guided_labs.triggered.connect(lambda: self.show_help("labs"))
        a.quit.triggered.connect(self.close)
        self.files = FileActions(self)  # open, save, import, export, drag and drop
        self.image_sources = ImageSourceGate(self)  # what an image lab may read
        a.import_images.triggered.connect(
            lambda: self.workspace_for("images").import_images(None))
        a.draw_image.triggered.connect(lambda: self.workspace_for("images").draw_image())
        a.draw_curve.triggered.connect(lambda: self.workspace_for("functions").draw_curve())
        self.controls.labEdited.connect(self.apply_edit)
        self.network_view.architectureChanged.connect(self._architecture_changed)
        self.network_view.designRequested.connect(
            lambda layer, name: design_for_layer(self, "dense", layer, name))
        self.network_view.neuronHovered.connect(
            lambda layer, index: self.workspace.neuron_hovered(layer, index))
        self.network_view.neuronUnhovered.connect(lambda: self.workspace.neuron_unhovered())
        self.weight_editor = WeightEditor(self)  # click a link to type its weight

    # ------------------------------------------------------------------ the Lab flow
    def build_lab(self, make, what: str):
        """``(lab, dataset)`` from ``make()`` -- reading, drawing or loading the data, the
        slow part -- run off the GUI thread while the window stays responsive (see
        :mod:`~actlab.gui.files.background`); raises Superseded when a newer change,
        Cancel or closing came first, and whatever ``make`` raises."""
        if not getattr(self, "_constructed", False):
            return make()  # the first lab, before the window is shown
        return self.jobs.build(make, what)

    def reader(self, what: str, check: bool = False):
        """``read(lab, path)`` -> ``(lab, dataset)`` built off the GUI thread (``check``:
        with every engine check), for the image-source gate, which asks its questions
        here on the GUI thread first."""
        make = trainable_lab_data if check else lab_data
        return lambda lab, path: self.build_lab(lambda: make(lab, path), what)

    def open_lab(self, lab: Lab, path: str | None = None, message: str | None = None) -> bool:
        """Show ``lab`` (from a file, a preset or New), paused, unmodified.  A lab that
        cannot be used shows an error and changes nothing; returns False then, and when
        a newer change or Cancel came first while its data was being built."""
        try:  # an image source outside the lab's folder is read only if the student agrees
            lab, dataset, note = self.image_sources.lab_data(
                lab, path, ask=True, read=self.reader(f"Opening “{lab.name}”…", check=True))
        except Superseded:
            return False
        except Exception as e:  # noqa: BLE001 - any bad lab is the user's, not a crash
            name = path or lab.name
            dialogs.show_error(self, "Cannot open the lab", f"{name}: {e}")
            return False
        self.request_pause()
        self.path = path
        self._commit(lab, dataset, note=note)
        self.edits.forget_data_edits()  # another lab: Undo starts from here
        self.autosaver.discard()  # the previous lab was saved or thrown away
        self.guide.show_guide_for_lab()
        for ws in self.workspaces.values(): ws.opened()  # noqa: E701 - all follow or close
        self.setWindowModified(False)
        self._update_title()
        self.status((message or f"Opened “{lab.name}”.") + (
            " Its images were not read: see the note under the plots." if note else ""))
        return True

    def apply_edit(self, new_lab: Lab, part: str, undo_text: str | None = None) -> None:
        """A panel's edit of ``part`` of the lab ("training", "network", "features" or
        "data"): training settings apply without reset, the rest reset.  A change of the
        data can be undone (``undo_text`` names it in the Edit menu).  Data or features
        the teacher locked are refused, whatever asked (the status bar says why)."""
        if part in ("data", "features") and refuse_if_locked(self, part):
            self._sync_panels()  # a control that moved shows the lab as it is again
            return
        if part == "training":
            old = self.lab.training
            self.lab = replace(self.lab, training=new_lab.training)
            self.training_thread.set_training(self.lab.training)
            self.controls.set_lab(self.lab)
            changed = [k for k in TRAINING_NAMES if getattr(old, k) != getattr(new_lab.training, k)]
            what = ", ".join(TRAINING_NAMES[k] for k in changed) or "Training settings"
            self.status(f"{what} changed: training goes on with the same weights.")
            self._mark_modified()
            return
        try:
            if new_lab.data == self.lab.data and new_lab.kind == self.lab.kind:
                dataset, note = self.dataset, self.image_sources.note
            else:
                new_lab, dataset, note = self.image_sources.lab_data(
                    new_lab, self.path, read=self.reader("Building the data…"))
        except Superseded:  # a newer change (or Cancel) came first: show the lab as it is
            self._sync_panels()
            return
        except ValueError as e:  # an ImageFileError is one too
            dialogs.show_error(self, "Cannot use these settings", str(e))
            self._sync_panels()
            return
        before, switched = self.lab.data, new_lab.kind != self.lab.kind
        self._commit(new_lab.without_results(), dataset, note=note)
        if switched:  # Undo brings back data of the same kind only: start afresh
            self.edits.forget_data_edits()
            what = kind_of(new_lab).title.lower()
            self.status(f"Switched to {'an' if what[0] in 'aeiou' else 'a'} {what}: "
                        f"“{new_lab.name}”. Weights initialised; press Play.")
            self._mark_modified()
            return
        self.edits.record_data_edit(before, undo_text)
        self._mark_modified()
        self.status(RESET_MESSAGES.get(part, "Settings changed: weights re-initialised."))

    def _commit(self, lab: Lab, dataset: Dataset, keep_weights: bool = False,
                note: str | None = None) -> None:
        """Show ``lab`` with ``dataset``; ``note`` says why an image lab has no images."""
        if hasattr(self, "jobs"):
            self.jobs.supersede()  # this lab is the newest: no pending build lands over it
        self.lab, self.dataset = lab, dataset
        self.show_workspace(lab.kind)
        self._sync_panels()
        self.workspace.output.set_warning(None)
        self.workspace.clear(dataset)
        trainable = dataset.n_train > 0
        self._generation = self.training_thread.load(lab if trainable else None,
                                             dataset if trainable else None, keep_weights)
        for act in (self.acts.play, self.acts.step, self.acts.reset, self.acts.new_seed):
            act.setEnabled(trainable)
        self.image_sources.show(note)
        self.instruments.lab_changed()

    def _sync_panels(self) -> None:
        """Show ``self.lab`` in the workspace and the toolbar (emits no edit)."""
        self.workspace.show_lab(self.lab, self.dataset)
        self.controls.set_lab(self.lab)
        self.seed_label.setText(f"Weights seed {self.lab.seed}")
        self._update_title()

    # ------------------------------------------------------------------ workspaces
    def workspace_for(self, kind: str):
        """The workspace of ``kind`` (made, and its pages put in the column stacks, the
        first time it is asked for)."""
        ws = self.workspaces.get(kind)
        if ws is None:
            ws = self.workspaces[kind] = WORKSPACES[kind](self)
            for stack, page in zip(self._stacks(), ws.pages):
                if stack.indexOf(page) < 0:
                    stack.addWidget(page)
            if hasattr(self, "layout_"):
                set_visual_tab_order(self)  # the new columns read left to right too
        return ws

    def show_workspace(self, kind: str) -> None:
        """Show the columns of ``kind``'s workspace (no-op when shown)."""
        ws = self.workspace_for(kind)
        if ws is self.workspace:
            return
        self.workspace = ws
        for stack, page in zip(self._stacks(), ws.pages):
            stack.setCurrentWidget(page)
        self.layout_.set_network_title(ws.network_title)
        for name in KIND_ACTIONS:
            getattr(self.acts, name).setEnabled(name in ws.actions)
        self.acts.import_csv.setStatusTip(ws.import_csv_tip)
        for other in self.workspaces.values():
            if other.export_menu is not None:
                other.export_menu.setEnabled(other is ws)
        if hasattr(self, "presentation"):  # (not yet while the window is being made)
            self.presentation.refresh()  # a workspace shown in presentation mode

    def _stacks(self) -> tuple:
        return self.data_stack, self.network_stack, self.output_stack

    # the point workspace is made with the window: its panels by their short names
    output = property(lambda self: self.workspaces["points"].output)
    data_panel = property(lambda self: self.workspaces["points"].data_panel)
    features_panel = property(lambda self: self.workspaces["points"].features_panel)

    def _architecture_changed(self, hidden: tuple, activations: tuple) -> None:
        net = replace(self.lab.network, hidden=tuple(hidden), activations=tuple(activations))
        self.apply_edit(replace(self.lab, network=net), "network")

    # ------------------------------------------------------------------ the frame's API
    # (what the app, the help window, the desktop probe and scripts ask of a window)
    def open_preset(self, name: str) -> bool:
        return self.files.open_preset(name)

    def open_path(self, path: str, ask: bool = True) -> bool:
        return self.files.open_path(path, ask)

    def lab_from_dialog(self, ask):
        return self.files.lab_from_dialog(ask)

    def hold_training(self) -> bool:
        return self.files.hold_training()

    def export(self, what: str, fmt: str, path: str | None = None) -> bool:
        return self.files.export(what, fmt, path)

    def export_with(self, what: str, write, path: str | None = None, fmt: str = "png"):
        return self.files.export_with(what, write, path, fmt)

    def import_csv_dialog(self) -> None:
        self.files.import_csv_dialog()

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.files.drag_enter(event)

    def dragMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.files.drag_enter(event)

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.files.drop(event)

    def play(self) -> None:
        self.playback.play()

    def pause(self) -> None:
        self.playback.pause()

    def step(self) -> None:
        self.playback.step()

    def reset(self) -> None:
        self.playback.reset()

    def request_pause(self) -> None:
        self.playback.request_pause()

    def _mark_modified(self) -> None:
        self.modifications += 1
        self.setWindowModified(True)

    def _update_title(self) -> None:
        # Qt adds " — ActLab" (the application display name) on X11 and Windows itself
        self.setWindowTitle(f"{self.lab.name}[*]")

    def status(self, message: str) -> None:
        """Say in the status bar what just happened."""
        self.statusBar().showMessage(message)

    # ------------------------------------------------------------------ settings, closing
    def _restore_settings(self) -> None:
        s = self.settings
        # saved geometry only while it fits (a laptop after a projector, a 2x scale)
        if not restore_or_fit(self, s.value("window/geometry"), MAIN_WINDOW_SIZE) \
                and self.size() != MAIN_WINDOW_SIZE:
            # a laptop or projector smaller than the preferred size: use all of it (a
            # window a little smaller than the screen only wastes a strip of it)
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        self.layout_.restore(s)
        self.instruments.restore(s)

    def _save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        self.layout_.save(s)
        self.instruments.save(s)
        s.sync()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.jobs.saving:  # finish the save first, then close (the student's work)
            event.ignore()
            self.status("Closing once the lab is saved…")
            self.jobs.after_saves(lambda: self.isVisible() and self.close())
            return
        if not self.files.maybe_save():
            event.ignore()
            return
        self.jobs.supersede()  # no pending build lands in a closed window
        self._save_settings()
        self.autosaver.close()  # a clean close leaves no autosave to recover
        self.draw_timer.stop()
        self.guide.guide_timer.stop()
        self.instruments.shutdown()
        self.training_thread.shutdown()
        event.accept()

    def show_help(self, topic: str) -> None:
        """The help window at ``topic`` ("how-to", "gallery" or "labs")."""
        try:
            from actlab.gui.help.help_window import show_help
        except ImportError as e:  # a trimmed build without the help pages
            dialogs.show_error(self, "Help is not available", str(e))
            return
        show_help(self, topic, self.open_preset, designed=lambda: self.lab.network.custom,
                  design=lambda: design_for_all(self))

    def _about(self) -> None:
        try:
            from actlab.gui.help.about import show_about
        except ImportError:
            dialogs.show_info(self, "About ActLab", f"ActLab {__version__}: see why neural "
                              "networks need activation functions.")
            return
        show_about(self)
