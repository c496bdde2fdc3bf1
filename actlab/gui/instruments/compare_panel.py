"""The "Compare activations" instrument: the current lab trained once per chosen activation,
side by side and in lock step, on its own worker thread.

Every run starts from the same weights and sees the same points in the same order
(:mod:`actlab.engine.lockstep`), so the pictures differ only by the activation.  While it
trains, the main training is paused (one thing at a time on the student's computer), and
pressing Play in the main window pauses the comparison.

For an image lab the same buttons train one Trainer per
activation (the activation in every convolution and dense layer) and an
:class:`~actlab.views.images.compare_images_view.ImageCompareView` takes the place of the
small decision surfaces: accuracy and loss curves, and each run's first-layer filters or
class templates.  Its export is the CLI's image ``compare.png``.  A function lab's runs
are drawn as curves side by side (:class:`~actlab.views.functions.compare_curves.
CompareCurvesView`: points, curve, kinks, pieces), exported as the CLI's function
``compare.png``.
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QCoreApplication, Qt, QTimer

from actlab.engine.activations.builtin import NAMES
from actlab.engine.activations.lookup import display_name
from actlab.kinds.registry import kind_of
from actlab.views.points.compare_view import CompareView
from actlab.views.images.compare_images_view import ImageCompareView

from actlab.gui.training.compare_worker import CompareThread

DEFAULT_CHECKED = ("linear", "relu", "tanh", "sigmoid")
#: the sentence under the buttons, by the lab's kind
HINTS = {"points": "Same starting weights, same points, same order: only the activation "
                   "differs.",
         "functions": "Same starting weights, same points, same order: only the activation "
                      "differs.",
         "images": "Same starting weights, same images, same minibatches: only the "
                   "activation differs."}
DRAW_INTERVAL_MS = 66  # the worker publishes ~15 pictures a second
CHECK_COLUMNS = 3  # fits a ~330 px wide instrument column


def short_title(name: str) -> str:
    """The activation's one display name (``"ReLU"`` for ``"relu"``): checkbox labels
    and run titles (see :func:`actlab.engine.activations.display_name`)."""
    return display_name(name)



def finished_message(runs) -> str:
    """What the status bar says when every run of a comparison stopped: which diverged
    (by name), and that the others reached "Stop after" — not "diverged or reached" when
    nothing diverged."""
    from actlab.engine.activations.lookup import display_name

    diverged = [display_name(name) for name, snap in runs if getattr(snap, "diverged", None)]
    epoch = max((snap.epoch for _, snap in runs), default=0)
    if not diverged:
        return f"Comparison finished: every run reached “Stop after” ({epoch:,} epochs)."
    if len(diverged) == len(runs):
        return "Comparison stopped: every run diverged (see each title)."
    names = ", ".join(diverged[:-1]) + (" and " if len(diverged) > 1 else "") + diverged[-1]
    return (f"Comparison stopped: {names} diverged; the other runs reached “Stop after” "
            f"({epoch:,} epochs).")

class ComparePanel(QtWidgets.QWidget):
    """Activation checkboxes, Train side by side / Reset / Export, and a CompareView.

    ``window`` is the MainWindow: the panel reads its ``lab`` and ``dataset``, pauses
    its training and reports in its status bar.  Public parts (for tests): ``checks``
    (name → QCheckBox), ``run_button``, ``reset_button``, ``export_button``,
    ``view`` (point labs), ``image_view`` (image labs), ``epoch_label``, ``thread``
    (the :class:`CompareThread`).
    """

    def __init__(self, window, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.window_ = window
        self.thread = CompareThread(self)
        self._token = 0
        self._loaded_key = None
        self._loaded_kind = "points"  # the kind of lab the runs in the worker belong to
        self._drawn_seq = 0
        self._pub = None
        self._dataset = None
        self._visible = False
        self._build()
        w = self.thread.worker
        w.finished.connect(self._finished)
        w.error.connect(self._error)
        self.timer = QTimer(self)
        self.timer.setInterval(DRAW_INTERVAL_MS)
        self.timer.timeout.connect(self._draw_tick)
        self.timer.start()
        app = QCoreApplication.instance()
        if app is not None:  # quitting without closing the window still ends the thread
            app.aboutToQuit.connect(self.thread.shutdown)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setSizeConstraint(QtWidgets.QLayout.SizeConstraint.SetNoConstraint)  # see below
        lay.setContentsMargins(4, 4, 2, 4)
        lay.setSpacing(4)
        boxes = self._boxes = QtWidgets.QGridLayout()
        boxes.setHorizontalSpacing(10)
        boxes.setVerticalSpacing(0)
        self.checks: dict[str, QtWidgets.QCheckBox] = {}
        for name in NAMES:
            self._add_check(name, short_title(name), name in DEFAULT_CHECKED)
        self._designed: tuple = ()  # the lab's designed activations the boxes show
        self._columns = 0
        self._place_checks(CHECK_COLUMNS)
        lay.addLayout(boxes)
        self._show_designed()

        row = QtWidgets.QHBoxLayout()
        row.setSpacing(6)
        self.run_button = QtWidgets.QPushButton("Train side by side")
        self.run_button.setObjectName("compare_run")
        self.run_button.setCheckable(True)
        self.run_button.setToolTip(
            "Train the current lab once per ticked activation, all from the same starting "
            "weights, on the same points in the same order, epoch by epoch. The main "
            "training pauses meanwhile.")
        self.run_button.toggled.connect(self._run_toggled)
        self.reset_button = QtWidgets.QPushButton("Reset")
        self.reset_button.setObjectName("compare_reset")
        self.reset_button.setToolTip("Start the comparison again from epoch 0 with the "
                                     "current lab.")
        self.reset_button.clicked.connect(self.reset)
        self.export_button = QtWidgets.QPushButton("Export PNG…")
        self.export_button.setObjectName("compare_export")
        self.export_button.clicked.connect(lambda: self.export())
        self.export_button.setToolTip("Save the whole comparison as one PNG (the same "
                                      "figure as 'actlab train --activation …').")
        self.epoch_label = QtWidgets.QLabel("")
        self.epoch_label.setObjectName("compare_epoch")
        self.epoch_label.setProperty("role", "caption")
        for w in (self.run_button, self.reset_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.export_button)
        lay.addLayout(row)

        info = QtWidgets.QHBoxLayout()
        info.setSpacing(8)
        self.hint = QtWidgets.QLabel(
            "Same starting weights, same points, same order: only the activation differs.")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)  # may show an error's text
        self.hint.setProperty("role", "caption")
        self.epoch_label.setStyleSheet("font-weight: bold;")
        info.addWidget(self.epoch_label, 0, Qt.AlignmentFlag.AlignTop)
        info.addWidget(self.hint, 1)
        lay.addLayout(info)
        self.view = CompareView(self, auto_columns=True)
        self.view.setObjectName("compare_view")
        self.image_view = ImageCompareView(self)
        self.image_view.setObjectName("compare_image_view")
        self.stack = QtWidgets.QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.image_view)
        self.curves_view = None  # function labs: made when the first one is compared
        lay.addWidget(self.stack, 1)
        self._show_kind()

    def _add_check(self, name: str, title: str, checked: bool) -> QtWidgets.QCheckBox:
        box = QtWidgets.QCheckBox(title)
        box.setObjectName(f"compare_{name}")
        box.setChecked(checked)
        box.setToolTip(f"Train one copy of the network with {title} in every hidden "
                       "layer.")
        box.toggled.connect(self._checks_changed)
        self.checks[name] = box
        return box

    def _show_designed(self) -> None:
        """One checkbox per designed activation of the window's lab, after the built-ins
        (a box keeps its tick while the lab keeps an activation of that name)."""
        lab = getattr(self.window_, "lab", None)
        custom = tuple(getattr(getattr(lab, "network", None), "custom", ()) or ())
        if custom == self._designed:
            return
        self._designed = custom
        ticked = {n for n in self.checks if n not in NAMES and self.checks[n].isChecked()}
        for name in [n for n in self.checks if n not in NAMES]:
            box = self.checks.pop(name)
            self._boxes.removeWidget(box)
            box.deleteLater()
        for c in custom:
            box = self._add_check(c.name, c.name, c.name in ticked)
            box.setToolTip(f"Train one copy of the network with your designed activation "
                           f"“{c.name}” in every hidden layer. {c.activation().summary}")
        columns, self._columns = self._columns or CHECK_COLUMNS, 0
        self._place_checks(columns)  # lay all boxes out again, the new ones included

    def _place_checks(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for box in self.checks.values():
            self._boxes.removeWidget(box)
        for k, box in enumerate(self.checks.values()):
            self._boxes.addWidget(box, k // columns, k % columns)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        widest = max(b.sizeHint().width() for b in self.checks.values()) + 10
        self._place_checks(max(2, min(CHECK_COLUMNS, (event.size().width() - 12) // widest)))
        super().resizeEvent(event)

    def minimumSizeHint(self):  # noqa: N802 (Qt name)
        hint = super().minimumSizeHint()
        widest = max(b.sizeHint().width() for b in self.checks.values()) + 10
        buttons = sum(b.sizeHint().width() for b in (self.run_button, self.reset_button,
                                                      self.export_button)) + 24
        # the runs' grid too (two cells side by side): the column gives the page this
        # width, or it would scroll sideways with the cells cut off
        grid = self.stack.currentWidget().minimumSizeHint().width() + 6
        hint.setWidth(max(2 * widest + 12, buttons, grid))
        return hint

    # ------------------------------------------------------------------ state
    def _lab_kind(self) -> str:
        return self.window_.lab.kind

    def _show_kind(self) -> None:
        """The view of the window's lab kind on top (the others keep their last runs)."""
        kind = self._lab_kind()
        self.stack.setCurrentWidget(self._kind_view(kind))
        self._hint_text = HINTS[kind]

    def _kind_view(self, kind: str):
        """The view that draws runs of ``kind`` ("points", "functions", "images")."""
        return {"points": lambda: self.view, "functions": self._curves_view,
                "images": lambda: self.image_view}[kind]()

    def _curves_view(self):
        """Function labs' curves side by side (made when the first one is compared)."""
        if self.curves_view is None:
            from actlab.views.functions.compare_curves import CompareCurvesView
            self.curves_view = CompareCurvesView(self)
            self.curves_view.setObjectName("compare_curves_view")
            self.stack.addWidget(self.curves_view)
        return self.curves_view

    def names(self) -> tuple[str, ...]:
        """The ticked activations: built-ins in registry order, then designed ones."""
        return tuple(n for n, box in self.checks.items() if box.isChecked())

    @property
    def comparing(self) -> bool:
        return self.run_button.isChecked()

    def set_visible(self, visible: bool) -> None:
        """The instrument is (not) on screen: draw only then."""
        self._visible = bool(visible)
        if visible:
            self._drawn_seq = 0  # draw the newest at once

    def _key(self):
        w = self.window_
        return (w._generation, w.lab.without_results(), self.names())

    def _load(self) -> bool:
        """Queue fresh runs of the current lab; False (with a message) if impossible."""
        w, names = self.window_, self.names()
        self._show_kind()
        if not names:
            self.hint.setText("Tick at least one activation to compare.")
            return False
        # an image network always has convolutions, each with an activation
        if not w.lab.network.activation_names():
            self.hint.setText("This network has no hidden layer, so there is no activation "
                              "to compare: add a hidden layer first.")
            return False
        # without a dataset the worker reads the lab's data itself, off this thread
        dataset = getattr(w, "dataset", None)
        if dataset is not None and dataset.n_train == 0:
            self.hint.setText(f"The lab has no training {kind_of(w.lab).data_noun} yet.")
            return False
        self._token = self.thread.load(w.lab.without_results(), dataset, names)
        self._dataset = dataset
        self._loaded_key = self._key()
        self._loaded_kind = w.lab.kind
        self._drawn_seq = 0
        self.hint.setText(self._hint_text)
        return True

    # ------------------------------------------------------------------ commands
    def _run_toggled(self, on: bool) -> None:
        w = self.window_
        if not on:
            self.thread.pause()
            self._show_comparing(False)
            w.status("Comparison paused.")
            return
        if self._loaded_key != self._key() and not self._load():
            with QtCore.QSignalBlocker(self.run_button):
                self.run_button.setChecked(False)
            w.status(self.hint.text())
            return
        if w._playing or w.wants_playing:  # also a Play the worker has not answered yet
            w.request_pause()
        self.thread.play()
        self._show_comparing(True)
        names = ", ".join(map(short_title, self.names()))
        w.status(f"Comparing {names} side by side: the main training is paused.")

    def reset(self) -> None:
        """Epoch 0 again for the current lab and the ticked activations."""
        playing = self.comparing
        if self._load():
            self._kind_view(self._lab_kind()).show_runs([])
            if playing:
                self.thread.play()
            self.window_.status("Comparison reset to epoch 0.")

    def stop(self) -> None:
        """Pause the comparison (the button goes up)."""
        if self.comparing:
            self.run_button.setChecked(False)

    def _checks_changed(self) -> None:
        if self._loaded_key is not None:  # other runs now: start again at epoch 0
            self.reset()

    def lab_changed(self) -> None:
        """The main window has a new lab, network or data: the runs no longer match."""
        self._show_designed()  # (new boxes are made unticked or as before: no signal)
        if self._loaded_key is None:
            self._show_kind()
        elif self._loaded_key != self._key():
            self.stop()
            self._loaded_key = None
            self._token = -1  # a late publication of the old runs is not drawn either
            self._show_kind()
            # the old lab's curves, surfaces or filters must not stand under the new lab
            self._kind_view(self._lab_kind()).show_runs([])
            self.epoch_label.setText("")
            self.hint.setText("The lab changed: press “Train side by side” to compare "
                              "the new one.")

    def main_playing(self, playing: bool) -> None:
        """The main training started: one run at a time, so the comparison pauses."""
        if playing and self.comparing:
            self.stop()
            self.window_.status("Comparison paused: the main training runs.")

    def shutdown(self) -> bool:
        self.timer.stop()
        self._show_comparing(False)
        return self.thread.shutdown()

    # ------------------------------------------------------------------ worker signals
    def _finished(self) -> None:
        with QtCore.QSignalBlocker(self.run_button):
            self.run_button.setChecked(False)
        self._show_comparing(False)
        self.window_.status(finished_message(self.runs()))

    def _error(self, message: str) -> None:
        with QtCore.QSignalBlocker(self.run_button):
            self.run_button.setChecked(False)
        self._show_comparing(False)
        self.hint.setText(message)
        self.window_.status(message)

    def _show_comparing(self, on: bool) -> None:
        self.run_button.setText("Pause" if on else "Train side by side")
        self.window_.instruments.set_comparing(on)

    # ------------------------------------------------------------------ drawing
    def _draw_tick(self) -> None:
        pub = self.thread.latest()
        if pub is None or pub.token != self._token or pub.seq == self._drawn_seq:
            return
        if not self._visible:
            return
        worker = self.thread.worker
        worker.begin_gui_turn()
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, worker.end_gui_turn))
        force = self._drawn_seq == 0
        self._drawn_seq = pub.seq
        self._pub = pub
        # the runs' own kind's view: after the window switched to another kind of lab the
        # old runs must not be drawn by (or as) the new kind's view
        view = self._kind_view(self._loaded_kind)
        if view is self.curves_view:  # curves side by side
            view.show_runs(
                [(name, snap, pic) for (name, snap), pic in zip(pub.runs, pub.pictures)],
                force=force, custom=getattr(self.window_.lab.network, "custom", ()))
        elif view is self.image_view:  # an image comparison: curves and filters
            view.show_runs([(name, snap, tiles) for (name, snap), tiles
                            in zip(pub.runs, pub.pictures)], force=force)
        else:  # decision surfaces
            view.show_runs([(name, snap, self._dataset) for name, snap in pub.runs],
                           force=force)
        self.epoch_label.setText(f"epoch {pub.epoch:,}")

    def runs(self) -> list[tuple[str, object]]:
        """The newest published ``(name, snapshot)`` pairs (for tests)."""
        pub = self.thread.latest()
        return [] if pub is None or pub.token != self._token else list(pub.runs)

    def export(self, path: str | None = None) -> bool:
        """Save the comparison as one PNG, drawn like the CLI's compare.png."""
        pub = self.thread.latest()
        # a publication of an earlier load (the newest one failed) is not these runs
        if pub is None or self._loaded_key is None or pub.token != self._token:
            self.window_.status("Train side by side first: there is nothing to export yet.")
            return False
        from actlab.figures.functions import render_function_compare_png
        from actlab.figures.image_compare import write_compare_png
        from actlab.figures.render import render_compare_png

        worker = self.thread.worker
        write = {"points": lambda target: render_compare_png(worker.snapshots(100), target),
                 "functions": lambda target: render_function_compare_png(
                     worker.function_fit_runs(), target),
                 "images": lambda target: write_compare_png(target, worker.image_entries())
                 }[self._loaded_kind]  # each drawn as the CLI draws its compare.png
        return self.window_.export_with("compare", write, path)

