#!/usr/bin/env python3
"""Open labs one after the other in ActLab's real window, each with no instrument and then
with every instrument its kind offers, train a little, and measure what a student would see
(issue 19).  The in-suite twin of the hand-run probe ``tools/layout_probe.py``: the same
thresholds and the same measurements, but training is counted in epochs and every wait is on
the window's state (a snapshot drawn, an instrument's picture drawn, the layout at rest),
never on seconds, so a busy machine only makes it slower.

Run as a subprocess on the screen the caller chose (``QT_QPA_PLATFORM``, e.g. Qt's offscreen
platform with a ``configfile=`` naming the screen, and ``QT_SCALE_FACTOR``).  The window is
made the size a maximized window has on that screen: its available geometry (the offscreen
platform has no window manager to do it).  ``LAYOUT_WINDOW=WxH`` sets another size (e.g. a
screen less a title bar and a task bar).

Prints one JSON line per (lab, instrument) — ``{"lab", "instrument" (the probe's shortcut
name, or "none"), "key", "plots", "short": [...]}`` — then a summary line
``{"summary": true, "screen", "window", "cases", "cases_short", "items_short"}``.
Exit status 0 when nothing is short, 1 when something is (or a dialog reported an error),
2 when the state a step waits for never came (the message says which), 3 on a crash.

usage: layout_check.py [PRESET ...]   (default: one lab of each kind)
"""
from __future__ import annotations

import json
import os
import sys
import time

MIN_W, MIN_H = 110, 80   # every visible plot, logical px (as the probe)
MIN_BOX = 60             # the data area of any plot, logical px (as the probe)
VISIBLE = 0.95           # the fraction of a plot's width that must be on screen
LABS = ("circle-tanh", "functions-four-relu-pieces", "images-two-3x3-are-one-5x5")
WAIT_S = float(os.environ.get("LAYOUT_WAIT_S", 60))  # the most any one state may take
# Training per case: enough epochs that the loss plot, the instruments and the compare
# runs have real pictures, few enough for a busy 2-core machine.  Image labs train an epoch
# in tenths of a second and four of them side by side in Compare: a couple of epochs.
EPOCHS = {"points": 200, "functions": 200, "images": 2}
COMPARE_EPOCHS = {"points": 20, "functions": 20, "images": 2}

from PySide6 import QtCore, QtGui, QtWidgets  # noqa: E402  (PySide6 before pyqtgraph)


class NeverCame(Exception):
    """A state the check waits for did not arrive within WAIT_S."""


def pump(app, ms: int = 20) -> None:
    app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, ms)
    time.sleep(0.005)


def wait_for(app, what: str, condition, limit: float = WAIT_S) -> None:
    """Process events until ``condition()`` holds; raise NeverCame naming ``what`` if it
    does not within ``limit`` seconds (a generous ceiling, not a measurement)."""
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            raise NeverCame(f"{what}: not after {limit:.0f} s")
        pump(app)


def layout_state(win, pg) -> tuple:
    """Everything the measurement reads: each visible plot's geometry and visible part, its
    view boxes, and which scroll areas show a horizontal scroll bar."""
    state = []
    for v in win.findChildren(pg.GraphicsView):
        if v.isVisible() and v.window() is win:
            g = v.mapTo(win, QtCore.QPoint(0, 0))
            state.append((g.x(), g.y(), v.width(), v.height(),
                          v.visibleRegion().boundingRect().getRect(),
                          tuple(v.mapFromScene(it.sceneBoundingRect()).boundingRect().getRect()
                                for it in v.scene().items()
                                if isinstance(it, pg.ViewBox) and it.isVisible())))
    for s in win.findChildren(QtWidgets.QAbstractScrollArea):
        if s.isVisible():
            state.append((s.objectName(), s.horizontalScrollBar().isVisible(),
                          s.verticalScrollBar().isVisible()))
    return tuple(state)


def settle(app, win, pg, passes: int = 6) -> None:
    """Process events until the layout is at rest: the same state over ``passes``
    consecutive rounds of event processing (deferred fits run from zero timers and
    resize events, so one round is not enough)."""
    end = time.monotonic() + WAIT_S
    last, same = None, 0
    while same < passes:
        for _ in range(3):
            pump(app)
        now = layout_state(win, pg)
        same = same + 1 if now == last else 0
        last = now
        if time.monotonic() > end:
            raise NeverCame("the layout never came to rest")


def measure(win, pg, lab: str, inst: str, key: str) -> dict:
    """The probe's measurement (tools/layout_probe.py ``measure``), line for line."""
    bad = []
    plots = [v for v in win.findChildren(pg.GraphicsView) if v.isVisible() and v.window() is win]
    for v in plots:
        r, vis = v.rect(), v.visibleRegion().boundingRect()
        name = v.objectName() or type(v).__name__
        if r.width() < MIN_W or r.height() < MIN_H:
            bad.append(f"{name} {r.width()}x{r.height()} px")
        elif vis.width() < VISIBLE * r.width():
            bad.append(f"{name} shows {vis.width()} of {r.width()} px width")
    for v in plots:
        vp = v.viewport().rect()
        for it in v.scene().items():
            if isinstance(it, pg.ViewBox) and it.isVisible() and it.width() > 0:
                r = v.mapFromScene(it.sceneBoundingRect()).boundingRect()
                shown = r.intersected(vp)
                if r.width() < MIN_BOX or r.height() < MIN_BOX:
                    bad.append(f"a plot area {r.width()}x{r.height()} px")
                elif shown.width() < VISIBLE * r.width():
                    bad.append(f"a plot area shows {shown.width()} of {r.width()} px width")
    for s in win.findChildren(QtWidgets.QAbstractScrollArea):
        if s.isVisible() and s.horizontalScrollBar().isVisible() \
                and not isinstance(s, QtWidgets.QGraphicsView) \
                and not isinstance(s, (QtWidgets.QTextEdit, QtWidgets.QPlainTextEdit,
                                       QtWidgets.QAbstractItemView)):
            bad.append(f"{type(s).__name__} {s.objectName()} scrolls sideways")
    return {"lab": lab, "instrument": inst, "key": key, "plots": len(plots), "short": bad}


# ---------------------------------------------------------------------- training
def train_main(app, win, epochs: int) -> None:
    """Train the window's lab ``epochs`` more epochs (Play, or Step for an image lab, as
    a student would), pause, and wait until the last snapshot and the open instruments'
    pictures of it are drawn."""
    pb, thread = win.playback, win.training_thread
    wait_for(app, "the lab's first snapshot", lambda: pb.snapshot is not None
             and thread.latest() is not None and thread.latest().generation == win._generation)
    start = pb.snapshot.epoch
    if win.lab.kind == "images":
        stop = win.lab.training.stop_after
        for n in range(1, epochs + 1):
            if stop and start + n > stop:
                break  # "Stop after" reached: Step trains no more
            win.step()
            wait_for(app, f"epoch {start + n} (Step)",
                     lambda n=n: pb.snapshot is not None and pb.snapshot.epoch >= start + n)
    else:
        win.play()
        # a lab with "Stop after" stops by itself (and Play then plays no more): trained
        wait_for(app, f"epoch {start + epochs} (Play)",
                 lambda: pb.snapshot is not None and pb.snapshot.epoch >= start + epochs
                 or not win.wants_playing)
        win.pause()
        wait_for(app, "the training to pause", lambda: not win._playing and not win.wants_playing)
    # Pause and Step publish the paused weights, with a fresh pack for the instruments
    # (a lab that reached "Stop after" published its last one when it stopped)
    wait_for(app, "the paused snapshot drawn", lambda: thread.latest() is not None
             and not thread.latest().playing and pb.snapshot is thread.latest().snapshot)
    inst = win.instruments
    if any(inst.on_screen(k) for k in ("collapse", "gradient", "regions", "hidden")):
        def drawn():
            pub = thread.latest()
            pack = getattr(inst, "_pack", None)
            return pub is not None and pub.insights is not None and pack is not None \
                and pack.seq == pub.insights.seq
        wait_for(app, "the instrument's picture of the paused weights", drawn)


def train_compare(app, win, epochs: int) -> None:
    """Press "Train side by side", wait until every run has trained and drawn ``epochs``
    epochs, press it again, and wait until the newest runs are drawn."""
    panel = win.instruments.compare
    button = panel.run_button
    assert button.isEnabled() and button.isCheckable(), "Train side by side is not usable"
    button.click()
    wait_for(app, "the comparison to start", lambda: button.isChecked())

    def trained():
        runs = panel.runs()
        pub = getattr(panel, "_pub", None)
        return bool(runs) and min(s.epoch for _, s in runs) >= epochs \
            and pub is not None and pub.epoch >= epochs
    wait_for(app, f"the compared runs to draw epoch {epochs}", trained)
    button.click()
    wait_for(app, "the comparison to pause", lambda: not button.isChecked())
    latest = panel.thread.latest  # pausing publishes the paused runs once more
    wait_for(app, "the paused runs drawn", lambda: latest() is not None
             and not latest().playing and getattr(panel, "_drawn_seq", None) == latest().seq)


# ---------------------------------------------------------------------- the run
def silence_dialogs() -> list:
    """Modal dialogs would block an offscreen run: errors are recorded (and fail the
    check), unsaved changes are discarded, nothing is recovered, predictions skipped."""
    from actlab.gui import dialogs

    errors: list = []
    dialogs.show_error = lambda parent, title, message: errors.append(f"{title}: {message}")
    dialogs.show_info = lambda *a: None
    dialogs.ask_save_changes = lambda parent, name: "discard"
    dialogs.ask_recover = lambda *a: "discard"
    dialogs.ask_read_outside = lambda *a: False
    # "Predict first" before Play in a guided lab: skipped, as a student may (answered
    # with the first choice when the teacher requires one)
    from actlab.gui.guide import prediction_dialog

    from prediction_answers import answer_prediction  # tests/gui: this script's folder

    prediction_dialog.run_dialog = answer_prediction
    return errors


def make_window(app, first: str):
    """The app's window as ``run_app(argv, preset=first)`` makes it, shown the size a
    maximized window has on this screen."""
    import actlab
    from actlab.gui.app import app_icon
    from actlab.gui.main_window import MainWindow

    QtCore.QCoreApplication.setOrganizationName("ActLab")
    QtCore.QCoreApplication.setApplicationName(actlab.APP_NAME)
    app.setApplicationDisplayName(actlab.APP_NAME)
    app.setWindowIcon(app_icon())
    win = MainWindow(None)
    assert open_lab(win, first), f"could not open {first}"
    win.show()
    avail = win.screen().availableGeometry()
    size = avail.size()
    wanted = os.environ.get("LAYOUT_WINDOW")
    if wanted:
        w, h = (int(n) for n in wanted.lower().split("x"))
        size = QtCore.QSize(w, h)
    if QtGui.QGuiApplication.platformName() == "offscreen" or wanted:
        # no window manager: place it as one places a maximized window
        win.setWindowState(QtCore.Qt.WindowState.WindowNoState)
        win.setGeometry(QtCore.QRect(avail.topLeft(), size))
    wait_for(app, "the window shown", lambda: win.isVisible() and win.windowHandle() is not None
             and win.windowHandle().isExposed())
    return win


def open_lab(win, lab: str) -> bool:
    """A preset by its name, or a lab file by its path (``….actlab``)."""
    return win.open_path(lab, ask=False) if lab.endswith(".actlab") else win.open_preset(lab)


def run(labs) -> int:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    import pyqtgraph as pg
    from actlab.gui.instruments.instruments import INSTRUMENTS

    errors = silence_dialogs()
    results = []
    win = make_window(app, labs[0])
    screen = win.screen()
    geo = screen.geometry()
    try:
        for i, lab in enumerate(labs):
            if i:  # "after switching labs": the same window, the next lab
                win.setWindowModified(False)
                assert open_lab(win, lab), f"could not open {lab}: {errors}"
            wait_for(app, f"{lab} open", lambda: win.lab.name and win.playback.snapshot is not None
                     and win.training_thread.latest() is not None
                     and win.training_thread.latest().generation == win._generation
                     and win.playback.snapshot is win.training_thread.latest().snapshot)
            kind = win.lab.kind
            settle(app, win, pg)
            results.append(measure(win, pg, lab, "none", "none"))
            print(json.dumps(results[-1]), flush=True)
            for inst in INSTRUMENTS:
                action = win.instruments.actions[inst.key]
                if not action.isEnabled():
                    continue  # not an instrument of this kind of lab
                win.instruments.open(inst.key)
                settle(app, win, pg)
                if inst.key == "compare":
                    train_compare(app, win, COMPARE_EPOCHS[kind])
                else:
                    train_main(app, win, EPOCHS[kind])
                settle(app, win, pg)
                results.append(measure(win, pg, lab, inst.shortcut, inst.key))
                results[-1]["epoch"] = win.playback.snapshot.epoch  # what was trained
                if inst.key == "compare":
                    results[-1]["compare_epoch"] = win.instruments.compare._pub.epoch
                print(json.dumps(results[-1]), flush=True)
                win.instruments.close(inst.key)
                settle(app, win, pg)
            win.setWindowModified(False)
    except NeverCame as e:
        print(json.dumps({"error": str(e), "lab": win.lab.name}), flush=True)
        return 2
    finally:
        win.setWindowModified(False)
        if errors:
            print(json.dumps({"dialog_errors": errors}), flush=True)
    short = [r for r in results if r["short"]]
    print(json.dumps({"summary": True,
                      "screen": f"{geo.width()}x{geo.height()}@{screen.devicePixelRatio():g}",
                      "window": f"{win.width()}x{win.height()}",
                      "cases": len(results), "cases_short": len(short),
                      "items_short": sum(len(r["short"]) for r in short)}), flush=True)
    return 1 if short or errors else 0


def main() -> None:
    try:
        code = run(sys.argv[1:] or LABS)
    except Exception:  # noqa: BLE001 - a broken check is not a short layout (exit 1)
        import traceback

        traceback.print_exc()
        print(json.dumps({"error": traceback.format_exc(limit=3)}), flush=True)
        code = 3
    # like the probe: leave at once, without the window's closing (its threads are idle,
    # and its settings would only go to the throw-away ACTLAB_SETTINGS_DIR)
    sys.stdout.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
