"""Play and Pause pressed faster than the training thread answers (found by the
random-action test): the window decides by what was last asked, not by the worker's
last report, which is still on its way."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

WAIT = 20_000


def _reports(w) -> list:
    seen: list[bool] = []
    w.training_thread.worker.playingChanged.connect(seen.append)
    return seen


def _stays_paused(qtbot, w) -> None:
    """Two fresh snapshots show the same epoch: nothing trains."""
    for _ in range(2):
        seq = w.training_thread.latest().seq
        w.training_thread.request_snapshot()
        qtbot.waitUntil(lambda: w.training_thread.latest().seq > seq, timeout=WAIT)
    epoch = w.training_thread.latest().snapshot.epoch
    seq = w.training_thread.latest().seq
    w.training_thread.request_snapshot()
    qtbot.waitUntil(lambda: w.training_thread.latest().seq > seq, timeout=WAIT)
    assert w.training_thread.latest().snapshot.epoch == epoch
    assert not w.training_thread.worker.playing and not w._playing


def test_space_twice_quickly_plays_then_pauses(qtbot, window):
    w = window
    seen = _reports(w)
    w.acts.play.trigger()
    w.acts.play.trigger()  # before the worker said "playing"
    # ``seen`` is appended on the training thread the moment the worker reports; the
    # window hears the same reports through its event queue, a little later
    qtbot.waitUntil(lambda: seen == [True, False] and not w._playing, timeout=WAIT)
    _stays_paused(qtbot, w)
    assert w.acts.play.text() == "&Play" and w.statusBar().currentMessage() == "Paused."


def test_pause_then_new_lab_then_play_trains(qtbot, window):
    w = window
    w.play()
    qtbot.waitUntil(lambda: w._playing, timeout=WAIT)
    w.pause()
    w.acts.new.trigger()  # the worker has not answered the pause yet
    w.play()
    qtbot.waitUntil(lambda: w.training_thread.latest().generation == w._generation
                    and w.training_thread.latest().snapshot.epoch >= 3, timeout=WAIT)
    assert w.wants_playing
    w.pause()
    qtbot.waitUntil(lambda: not w._playing, timeout=WAIT)
