"""GUI speed: the real MainWindow (offscreen) training config B at full speed.

Prints epochs/s in the app against the same lab trained headless, surface redraws per
second, how late a 10 ms QTimer fires while training (the GUI's responsiveness), and
the time from process start to the window shown (in a fresh subprocess).  A benchmark
that prints figures, not a pass/fail test.

    python benchmarks/ui_bench.py [--seconds 5] [--no-startup] [--instruments [NAME]]
                                  [--hidden WIDTHxDEPTH] [--activation NAME] [--lab NAME]

``--hidden 64x10`` trains 10 hidden layers of 64 neurons instead of config B's 8x3 (with
``--activation``, default relu).  It also prints how often the epoch counter and the loss
numbers change on screen, how many fresh surfaces are drawn, and the Pause latency: the
time from pressing Pause to the worker reporting it paused (and to the window knowing).
The last line sums up the run for scripts (more fields may follow these)::

    ui_bench: epochs_ratio=R redraws_per_s=N lateness_p95_ms=P lateness_max_ms=M

``--lab NAME`` trains a preset (or a ``.actlab`` file) instead of config B, e.g.
``--lab images-linear-cnn-counts-ink``: for an image lab "fresh surfaces" are the fresh
pictures of the probed image, gallery and confusion matrix (target >= 5/s), and it also
prints training images/s in the app and headless.

``--images N`` trains the Digits image lab at 28 px with N images (half for training; up
to the 20,000 cap) — an epoch of N = 10,000 is seconds long, so it also prints the Pause
latency over more rounds (p50/p95/max, pressed at different points of the epoch), the
picture updates per second (fresh gallery/maps/confusion drawn), how often the epoch
counter and its progress within the epoch change, and the time from loading the lab to
its first picture.  Targets: Pause <= 100 ms, >= 5 picture updates/s::

    ui_bench: images=N pause_p50_ms=… pause_p95_ms=… pause_max_ms=… pictures_per_s=…

``--instruments`` opens every instrument dock (they share one tabbed area) and brings
NAME to the front (collapse, gradient, hidden, regions or compare; default gradient, the
costliest to draw), so the figures include computing and drawing the live insights.

Targets: app epochs/s >= 50 % of headless, redraws >= 30/s, timer lateness p95 <= 30 ms
and max <= 100 ms, startup <= 1.5 s; at 64x10 lateness p95 <= 50 ms and max <= 150 ms,
Pause within 100 ms, epoch counter and loss numbers >= 10 Hz.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ACTLAB_SETTINGS_DIR", tempfile.mkdtemp(prefix="actlab-bench-"))


HIDDEN = (8, 8, 8)
ACTIVATION = "relu"
LAB = None  # --lab: a preset name or a lab file, else config B
IMAGES = None  # --images N: the Digits image lab at 28 px with N images


def parse_hidden(text: str) -> tuple[int, ...]:
    """``64x10`` -> ten layers of 64 neurons."""
    try:
        width, depth = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxDEPTH such as 64x10, got {text!r}")
    if not (1 <= width <= 64 and 0 <= depth <= 10):
        raise argparse.ArgumentTypeError("WIDTH must be 1..64 and DEPTH 0..10")
    return (width,) * depth


def images_lab(n: int):
    """The Digits preset at 28 px with ``n`` images (10 classes, half for training)."""
    from dataclasses import replace

    from actlab.labfile.presets import load_preset
    lab = load_preset("images-digits")
    return replace(lab, name=f"Digits, {n:,} images of 28 px",
                   data=replace(lab.data, size=28, per_class=max(2, n // 10)),
                   training=replace(lab.training, stop_after=None), guide=None)


def config_b():
    if IMAGES is not None:
        return images_lab(IMAGES)
    if LAB is not None:
        from dataclasses import replace

        from actlab.labfile.format import load_lab
        from actlab.labfile.presets import load_preset
        lab = load_lab(LAB) if LAB.endswith(".actlab") else load_preset(LAB)
        # a benchmark trains for as long as it measures: no "Stop after", and no
        # prediction question stops Play to ask
        guide = {k: v for k, v in (lab.guide or {}).items()
                 if k not in ("predict", "predictions")}
        return replace(lab, training=replace(lab.training, stop_after=None),
                       guide=guide or None)
    from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec
    return Lab(name="Benchmark config B" if HIDDEN == (8, 8, 8) else "Benchmark",
               data=DataSpec(generator="circle", n_points=500, noise=0.0, train_fraction=0.5,
                             seed=1),
               network=NetworkSpec(hidden=HIDDEN, activations=(ACTIVATION,) * len(HIDDEN)),
               training=TrainingSpec(optimizer="sgd", learning_rate=0.03, batch_size=10,
                                     reshuffle=False))


def headless_epochs_per_second(seconds: float) -> float:
    from actlab.engine.trainer import Trainer
    t = Trainer(config_b())
    if IMAGES is not None and hasattr(t, "train_steps"):
        # epochs of seconds: count the part of the epoch done, as the window's figure
        # does (Trainer.progress: the work of the minibatches and the evaluation)
        t.train_steps(t.steps_per_epoch // 10 + 1)
        e0, t0 = t.epoch + t.progress, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            t.train_steps(10)
        return (t.epoch + t.progress - e0) / (time.perf_counter() - t0)
    big = LAB is not None and getattr(t, "kind", "points") == "images" or len(HIDDEN) * max(HIDDEN, default=1) > 64
    t.train(2 if big else 20)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        n += t.train(1 if big else 50)
    return n / (time.perf_counter() - t0)


def percentile(values, q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))]


def app_figures(seconds: float, instruments: str | None = None) -> dict:
    from PySide6 import QtCore, QtWidgets

    from actlab.gui.main_window import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    w = MainWindow(config_b())
    w.resize(1280, 800)
    w.show()

    def run_loop(ms: int) -> None:
        loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(ms, loop.quit)
        loop.exec()

    run_loop(300)  # settle: first layout and paint
    # the first picture: a large image lab takes seconds to build and measure
    t_load = time.perf_counter()
    while w.training_thread.latest() is None and time.perf_counter() - t_load < 120:
        run_loop(20)
    first_picture_s = time.perf_counter() - t_load + 0.3
    if instruments:
        from actlab.gui.instruments.instruments import INSTRUMENTS
        for inst in INSTRUMENTS:
            w.instruments.open(inst.key)
        w.instruments.open(instruments)
        run_loop(300)
    late: list[float] = []
    last = [0.0]
    epoch_texts = [0, None]  # changes seen, last text

    def tick() -> None:
        now = time.perf_counter()
        if last[0]:
            late.append(max(0.0, now - last[0] - 0.010) * 1000)
        last[0] = now
        # an image lab's counter of the epoch under way shows its progress too
        part = getattr(w.workspace.output, "epoch_progress", None)
        text = w.epoch_label.text() + (part.text() if part is not None else "")
        if text != epoch_texts[1]:
            epoch_texts[0] += 1
            epoch_texts[1] = text

    numbers = [0]
    out = w.workspace.output
    show_numbers = out.show_numbers

    def counted_numbers(*args, **kwargs):
        numbers[0] += 1
        return show_numbers(*args, **kwargs)

    out.show_numbers = counted_numbers

    probe = QtCore.QTimer()
    probe.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
    probe.setInterval(10)
    probe.timeout.connect(tick)
    w.play()
    run_loop(500)  # warm up: chunk size adapts
    d0 = w.instruments.draws
    s0, n0 = w.playback.surface_frames, numbers[0]
    e0, r0, t0 = epochs_of(w), w.playback.redraws, time.perf_counter()
    cpu0 = time.thread_time()  # the GUI thread's own CPU time
    probe.start()
    run_loop(int(seconds * 1000))
    probe.stop()
    dt = time.perf_counter() - t0
    gui_busy = (time.thread_time() - cpu0) / dt
    e1, r1 = epochs_of(w), w.playback.redraws
    surfaces = (w.playback.surface_frames - s0) / dt
    numbers_hz = (numbers[0] - n0) / dt
    epoch_hz = epoch_texts[0] / dt
    instrument_draws = (w.instruments.draws - d0) / dt
    pack = w.training_thread.latest().insights
    insight_packs = 0 if pack is None else pack.seq
    worker_ms, window_ms = pause_latencies(w, run_loop, 8 if IMAGES is not None else 3)
    t_close = time.perf_counter()
    w.setWindowModified(False)
    w.close()
    close_s = time.perf_counter() - t_close
    del app
    return {"epochs_per_s": (e1 - e0) / dt, "redraws_per_s": (r1 - r0) / dt,
            "late_p50": statistics.median(late), "late_p95": percentile(late, 95),
            "late_max": max(late), "close_s": close_s, "thread_running": w.training_thread.running,
            "insight_packs": insight_packs, "gui_busy": gui_busy,
            "instrument_draws": instrument_draws, "surfaces_per_s": surfaces,
            "epoch_hz": epoch_hz, "numbers_hz": numbers_hz,
            "pause_worker_ms": worker_ms, "pause_window_ms": window_ms,
            "first_picture_s": first_picture_s}


def epochs_of(w) -> float:
    """Epochs trained so far by the newest snapshot, with the epoch under way's part."""
    snap = w.training_thread.latest().snapshot
    return snap.epoch + getattr(snap, "progress", 0.0)


def pause_latencies(w, run_loop, rounds: int = 3) -> tuple[list, list]:
    """Press Pause ``rounds`` times while training; for each, ms until the worker
    reported paused (its signal, timed on the worker thread) and until the window's
    play state followed.  Ends paused."""
    from PySide6 import QtCore
    worker_ms, window_ms = [], []
    stamp: list[float] = []
    # a direct connection: the time is taken on the worker thread as it reports
    conn = w.training_thread.worker.playingChanged.connect(
        lambda playing: stamp.append(time.perf_counter()) if not playing else None,
        QtCore.Qt.ConnectionType.DirectConnection)
    for i in range(rounds):
        w.play()
        run_loop(600 + 137 * i)  # at different points of a long epoch
        stamp.clear()
        t0 = time.perf_counter()
        w.pause()
        while w._playing and time.perf_counter() - t0 < 60:
            QtCore.QCoreApplication.processEvents(
                QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 1)
        window_ms.append((time.perf_counter() - t0) * 1000)
        if stamp:
            worker_ms.append((stamp[0] - t0) * 1000)
    QtCore.QObject.disconnect(conn)
    return worker_ms, window_ms


def startup_seconds() -> float | None:
    """Launch a fresh interpreter that opens the window and quits at the first show."""
    env = dict(os.environ, ACTLAB_QUIT_AFTER_SHOW="1", ACTLAB_START_TIME=repr(time.time()),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    code = "import sys; from actlab.gui.app import run_app; sys.exit(run_app(['actlab']))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=60)
    for line in out.stdout.splitlines():
        if line.startswith("startup_seconds="):
            return float(line.split("=", 1)[1])
    print(out.stdout, out.stderr, file=sys.stderr)
    return None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--no-startup", action="store_true")
    p.add_argument("--instruments", nargs="?", const="gradient", default=None,
                   choices=("collapse", "gradient", "hidden", "regions", "compare"),
                   help="open every instrument dock, NAME in front (default gradient)")
    p.add_argument("--hidden", type=parse_hidden, default=None, metavar="WIDTHxDEPTH",
                   help="hidden layers, e.g. 64x10 (default: config B, 8x3)")
    p.add_argument("--activation", default="relu", metavar="NAME",
                   help="activation of every hidden layer (default relu)")
    p.add_argument("--lab", default=None, metavar="NAME",
                   help="a preset name or .actlab file to train instead of config B")
    p.add_argument("--images", type=int, default=None, metavar="N",
                   help="train the Digits image lab at 28 px with N images (up to 20000)")
    args = p.parse_args()
    global HIDDEN, ACTIVATION, LAB, IMAGES
    LAB = args.lab
    IMAGES = args.images
    if args.hidden is not None:
        HIDDEN = args.hidden
    ACTIVATION = args.activation.lower()
    headless = headless_epochs_per_second(min(args.seconds, 3.0))
    app = app_figures(args.seconds, args.instruments)
    ratio = app["epochs_per_s"] / headless
    name = "config B" if HIDDEN == (8, 8, 8) and ACTIVATION == "relu" else "network"
    lab = config_b()
    what = (f"lab “{lab.name}” ({lab.kind})" if LAB is not None or IMAGES else
            f"{name} ({list(HIDDEN)} {ACTIVATION}, batch 10, circle 500, SGD 0.03, "
            f"reshuffle off)")
    print(f"{what}, {args.seconds:g} s offscreen at 1280x800"
          + (f", instrument docks open ({args.instruments} in front)" if args.instruments
             else ""))
    digits = 2 if headless < 10 else 0  # an image lab's epochs take seconds
    print(f"headless epochs/s        {headless:8.{digits}f}")
    print(f"app epochs/s             {app['epochs_per_s']:8.{digits}f}   {100 * ratio:.0f} % of "
          f"headless (target >= 50 %){'' if ratio >= 0.5 else '  LOW'}")
    if lab.kind == "images":
        from actlab.engine.trainer import Trainer
        n = Trainer(lab).n_train
        print(f"training images/s        app {app['epochs_per_s'] * n:8.0f}   headless "
              f"{headless * n:.0f}   ({n} training images an epoch)")
    print(f"surface redraws/s        {app['redraws_per_s']:8.1f}   (target >= 30)"
          f"{'' if app['redraws_per_s'] >= 30 else '  LOW'}")
    print(f"10 ms timer lateness ms  p50 {app['late_p50']:.1f}  p95 {app['late_p95']:.1f}  "
          f"max {app['late_max']:.1f}   (targets p95 <= 30, max <= 100)"
          f"{'' if app['late_p95'] <= 30 and app['late_max'] <= 100 else '  HIGH'}")
    print(f"GUI thread busy          {100 * app['gui_busy']:8.0f} % of the time")
    print(f"epoch counter changes/s  {app['epoch_hz']:8.1f}   loss numbers/s "
          f"{app['numbers_hz']:.1f}   fresh surfaces/s {app['surfaces_per_s']:.1f}   "
          f"(targets >= 10)")
    pause_w = max(app["pause_worker_ms"], default=float("nan"))
    pause_g = max(app["pause_window_ms"], default=float("nan"))
    print(f"Pause latency ms         worker {pause_w:.1f}  window {pause_g:.1f}   (worst of "
          f"{len(app['pause_window_ms'])}; target <= 100)")
    if lab.kind == "images":
        pw = app["pause_worker_ms"] or [float("nan")]
        pictures = app["surfaces_per_s"]
        print(f"Pause latency ms (worker) p50 {statistics.median(pw):.1f}  p95 "
              f"{percentile(pw, 95):.1f}  max {max(pw):.1f}   ({len(pw)} presses; "
              f"target <= 100)")
        print(f"picture updates/s        {pictures:8.1f}   (gallery, maps, confusion; "
              f"target >= 5){'' if pictures >= 5 else '  LOW'}")
        print(f"first picture after load {app['first_picture_s']:8.2f} s")
    if args.instruments:
        print(f"instruments drawn/s      {app['instrument_draws']:8.1f}   (insight packs "
              f"computed: {app['insight_packs']}, ~8/s while an instrument is on screen)")
    print(f"close while training     {app['close_s']:8.3f} s (thread still running: "
          f"{app['thread_running']})")
    if not args.no_startup:
        s = startup_seconds()
        print("startup to window shown  " + ("failed" if s is None else
              f"{s:8.2f} s (target <= 1.5){'' if s <= 1.5 else '  SLOW'}"))
    print(f"ui_bench: epochs_ratio={ratio:.2f} redraws_per_s={app['redraws_per_s']:.1f} "
          f"lateness_p95_ms={app['late_p95']:.1f} lateness_max_ms={app['late_max']:.1f} "
          f"pause_ms={pause_w:.1f} epoch_hz={app['epoch_hz']:.1f} "
          f"loss_hz={app['numbers_hz']:.1f}")
    if IMAGES is not None:
        pw = app["pause_worker_ms"] or [float("nan")]
        print(f"ui_bench: images={IMAGES} pause_p50_ms={statistics.median(pw):.1f} "
              f"pause_p95_ms={percentile(pw, 95):.1f} pause_max_ms={max(pw):.1f} "
              f"pictures_per_s={app['surfaces_per_s']:.1f} "
              f"epoch_hz={app['epoch_hz']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
