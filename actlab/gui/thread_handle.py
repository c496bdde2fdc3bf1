"""The GUI side of a worker that lives on its own QThread (training, comparison).

A :class:`WorkerHandle` starts the thread, forwards commands as queued signals (so they
run in the worker thread, in the order sent), reads the worker's newest publication and
shuts the thread down.  Subclasses add their own command signals and connect them before
calling :meth:`start`.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

_LEAKED: list = []  # threads that did not stop in time: never let Python destroy them


def hand_back_and_quit(worker: QObject) -> None:
    """Worker side of a shutdown: move ``worker`` back to the main thread (so it can be
    destroyed there) and end the event loop of the thread it ran in."""
    thread = worker.thread()
    app = QCoreApplication.instance()
    if app is not None:
        worker.moveToThread(app.thread())
    thread.quit()


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
