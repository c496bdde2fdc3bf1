"""Workers that train on their own QThread (training, comparison), both sides.

A :class:`LoopWorker` lives in the thread: it trains in short chunks driven by a
zero-interval timer, publishes its newest result in one lock-protected slot, and stands
back while the GUI draws a frame.  A :class:`WorkerHandle` is the GUI side: it starts the
thread, forwards commands as queued signals (so they run in the worker thread, in the
order sent), reads the newest publication and shuts the thread down.  Subclasses add their
own commands.
"""
from __future__ import annotations

import atexit
import threading
import time
import weakref

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

GUI_TURN_MAX = 0.020  # the longest the worker stands back while the GUI draws a frame

_LEAKED: list = []  # threads that did not stop in time: never let Python destroy them
_LIVE: "weakref.WeakSet[WorkerHandle]" = weakref.WeakSet()  # handles whose thread started


def _shut_down_live_threads() -> None:
    """At interpreter exit, end every worker thread still running: Python then destroys
    their QThread objects, and Qt aborts the whole process ("QThread: Destroyed while
    thread is still running", exit 134) when one still runs — after a script, a test or
    an error left the window without closing it (the window's close ends them itself)."""
    for handle in list(_LIVE):
        try:
            handle.shutdown()
        except RuntimeError:  # its Qt objects are already gone
            pass


def hand_back_and_quit(worker: QObject) -> None:
    """Worker side of a shutdown: move ``worker`` back to the main thread (so it can be
    destroyed there) and end the event loop of the thread it ran in."""
    thread = worker.thread()
    app = QCoreApplication.instance()
    if app is not None:
        worker.moveToThread(app.thread())
    thread.quit()


class LoopWorker(QObject):
    """The state and commands every training-loop worker shares.  Subclasses implement
    ``_tick`` (one chunk of work), ``_publish`` and ``_has_work``."""

    playingChanged = Signal(bool)
    finished = Signal()
    error = Signal(str)

    def __init__(self, grid: int, chunk_seconds: float, max_per_chunk: int):
        super().__init__()
        self._max_per_chunk = max_per_chunk
        self._grid = grid
        self._chunk_seconds = chunk_seconds
        self._lock = threading.Lock()  # guards the trainers (training, snapshots, reads)
        self._latest_lock = threading.Lock()
        self._latest = None
        self._dataset = None
        self._seq = 0
        self._playing = False
        self._per_chunk = 1
        self._last_publish = 0.0
        self._stop = threading.Event()
        self._gui_turn = threading.Event()  # the GUI is drawing: don't start a chunk
        self._gui_done = threading.Event()
        self._timer = QTimer(self)  # a child, so it moves to the worker thread with us
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)

    # ------------------------------------------------------------ thread-safe
    def latest(self):
        """The newest publication (any thread)."""
        with self._latest_lock:
            return self._latest

    @property
    def playing(self) -> bool:
        return self._playing

    def begin_gui_turn(self) -> None:
        """The GUI starts drawing a frame (any thread): the worker finishes its chunk and
        then waits, releasing the GIL, until :meth:`end_gui_turn` (bounded by the
        subclass).  Both threads need the GIL; without turns every Python call of a frame
        (pyqtgraph paints in Python) waits up to a switch interval for the training
        thread, and a 5 ms frame takes 20-40 ms."""
        self._gui_done.clear()
        self._gui_turn.set()

    def end_gui_turn(self) -> None:
        self._gui_turn.clear()
        self._gui_done.set()

    def stop(self) -> None:
        """Stop playing for good (any thread); the thread can then be quit."""
        self._stop.set()
        self._playing = False
        self.end_gui_turn()

    # ------------------------------------------------------------ commands
    @Slot()
    def pause(self) -> None:
        was = self._end_step() or self._playing
        self._set_playing(False)
        self._timer.stop()
        if was and self._has_work():
            self._publish()

    @Slot()
    def shutdown(self) -> None:
        """Stop and hand this object back to the main thread, then end the thread."""
        self.stop()
        self._timer.stop()
        hand_back_and_quit(self)

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.playingChanged.emit(playing)

    def _train_chunk(self, train, failure: str) -> int | None:
        """One chunk of ``train(n)`` epochs, after the GUI's turn if it is drawing, with
        the next chunk sized to take about ``chunk_seconds``.  Returns the epochs done,
        or None when training raised (an engine bug: reported, playing stops, the thread
        stays alive)."""
        if self._gui_turn.is_set():
            self._gui_done.wait(GUI_TURN_MAX)
        n = self._per_chunk
        t0 = time.perf_counter()
        try:
            with self._lock:
                done = train(n)
        except Exception as e:
            self._set_playing(False)
            self.error.emit(f"{failure}: {e}")
            return None
        dt = time.perf_counter() - t0
        if done:
            # grow at most 2x per chunk so one slow measurement cannot make the next
            # chunk block the thread for long
            target = self._chunk_seconds * done / max(dt, 1e-9)
            self._per_chunk = int(max(1, min(target, 2 * n, self._max_per_chunk)))
        return done

    def _end_step(self) -> bool:
        """Stop a step that goes on over several chunks; True if one was under way
        (pause() then publishes where it stopped).  None here."""
        return False

    def _tick(self) -> None:
        raise NotImplementedError

    def _publish(self) -> None:
        raise NotImplementedError

    def _has_work(self) -> bool:
        raise NotImplementedError


class WorkerHandle(QObject):
    """Owns a worker's QThread; the worker must offer ``play``, ``pause``, ``stop``,
    ``shutdown`` (a slot) and ``latest``."""

    _play = Signal()
    _pause = Signal()
    _shutdown = Signal()

    def __init__(self, worker: QObject, thread_name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName(thread_name)
        worker.moveToThread(self.thread)
        self._play.connect(worker.play)
        self._pause.connect(worker.pause)
        self._shutdown.connect(worker.shutdown)
        self._running = False

    def start(self) -> None:
        from actlab.gui.gui_thread_gc import install
        install()  # cycles of GUI objects must never be collected on the worker thread
        if not _LIVE and not getattr(_shut_down_live_threads, "registered", False):
            # registered after PySide6's own exit handler, so it runs before it
            atexit.register(_shut_down_live_threads)
            _shut_down_live_threads.registered = True
        _LIVE.add(self)
        self.thread.start()
        self._running = True

    def play(self) -> None:
        self._play.emit()

    def pause(self) -> None:
        self._pause.emit()

    def latest(self):
        return self.worker.latest()

    @property
    def running(self) -> bool:
        return self._running and self.thread.isRunning()

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop the worker and end the thread; True when it ended within the timeout."""
        if not self._running:
            return True
        self._running = False
        self.worker.stop()  # a chunk in progress ends, no new one starts
        self._shutdown.emit()
        ok = self.thread.wait(timeout_ms)
        if not ok:  # keep the objects alive rather than destroy a running thread
            _LEAKED.append((self.thread, self.worker))
        return bool(ok)
