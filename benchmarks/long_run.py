"""Long run: train one lab headless for a million epochs and watch memory and speed.

The history is the only thing that should grow: four float64 columns per epoch, in
storage that doubles (so up to twice the rows done are allocated, and every allocated
page is touched because new rows are filled with NaN).  Everything else -- the network,
optimizer state, preallocated buffers, the snapshots the window takes while it trains --
must stay the same size, and the speed must not sink as the run gets long.

Every ``--every`` epochs it prints epochs/s over that stretch, the resident memory (from
/proc/self/statm), the history length and the history's expected bytes.  At the end it
says whether memory beyond the history stayed flat and whether epochs/s in the last
tenth of the run matched the first tenth.  Like the window, it takes a snapshot (surface
and neuron images) every ``--snapshot-every`` epochs and drops the previous one, so a
leak on that path shows up here too.

    python3 benchmarks/long_run.py                  # 10^6 epochs, circle-tanh
    python3 benchmarks/long_run.py --epochs 100000 --lab spiral-relu-vs-tanh

Figures, not pass/fail: exit status 0 unless the lab cannot be loaded or trained.
Linux only (it reads /proc/self/statm).

What it found (10^6 epochs, circle-tanh, snapshot every 2000 epochs, a busy 2-core
machine): speed steady (about 1,400-2,300 epochs/s, last tenth no slower than the first)
and no Python-level leak (tracemalloc's live bytes are the history's), but RSS beyond the
history climbed about 17 bytes per epoch, to +14 MB at 900,000 epochs, before glibc gave
11 MB back.  Without snapshots it is flat.  The cause is ``History.view()``: every call
(every snapshot; the window takes 20-60 a second) allocates a new
``np.arange(1, n + 1)`` for ``epoch``, each a little larger than the last.  glibc raises
its mmap threshold once the first big one is freed, so later ones come from the heap,
where each new, larger block cannot reuse the hole the previous one left.  With
``MALLOC_MMAP_THRESHOLD_=131072`` (a fixed threshold) the same run stays flat (+0.1 MB
at 10^5 epochs, against +1.4 MB by default), which confirmed it.  Fixed in the engine:
the views now share one epoch column that grows by doubling like the others, so
``view()`` allocates nothing; memory is then flat between doublings of the storage and
steps up by about the previous storage's size at each (see expected_history_bytes).
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import numpy as np  # noqa: E402

from actlab.engine.history import COLUMNS, MAX_ROWS  # noqa: E402
from actlab.engine.trainer import Trainer  # noqa: E402
from actlab.labfile.format import load_lab
from actlab.labfile.presets import load_preset, preset_names  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
MB = 1024 * 1024
FIRST_CAPACITY = 1024  # History() default rows; it doubles from there


def rss_bytes() -> int:
    """Resident set size of this process (second field of /proc/self/statm, in pages)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def expected_history_bytes(rows: int, snapshot_held: bool = False) -> int:
    """Bytes the history may hold after ``rows`` epochs: storage whose capacity doubles
    from 1024 rows, one float64 per column per row, plus the shared int64 ``epoch`` column
    of the same capacity; and the storage of the size before, which the last snapshot
    may still reference and which glibc keeps for reuse once freed (RSS steps up by about
    that much at each doubling and stays flat in between).  Worked out here from the
    storage rule, independently of the engine's own arrays.  (``snapshot_held`` is kept
    for the call sites: views no longer allocate.)"""
    capacity = FIRST_CAPACITY
    while capacity < rows:
        capacity *= 2
    capacity = min(capacity, MAX_ROWS)  # a long run's record is thinned, never longer
    row_bytes = (len(COLUMNS) + 1) * 8
    previous = capacity // 2 if capacity > FIRST_CAPACITY else 0
    return (capacity + previous) * row_bytes


def load(arg: str):
    if arg in preset_names("all"):
        return load_preset(arg)
    return load_lab(arg)


def run(args) -> int:
    lab = load(args.lab)
    lab = replace(lab.without_results(), training=replace(lab.training, stop_after=None))
    trainer = Trainer(lab)
    epochs, every, chunk = args.epochs, args.every or max(args.epochs // 20, 1), args.chunk
    print(f"lab {args.lab}: hidden {list(lab.network.hidden)} "
          f"{'/'.join(dict.fromkeys(lab.network.activations)) or 'none'}, "
          f"batch {lab.training.batch_size}, {lab.training.optimizer}; {epochs:,} epochs; "
          f"snapshot every {args.snapshot_every:,}; OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}", flush=True)
    print(f"{'epoch':>10} {'epochs/s':>9} {'RSS MB':>8} {'history':>10} {'hist MB':>8} "
          f"{'RSS-hist MB':>11}", flush=True)

    marks = [(0, time.perf_counter())]  # (epoch, time) after every chunk
    samples = []  # (epoch, rss, expected history bytes)
    snapshot = None
    next_report, next_snap = every, args.snapshot_every
    last_epoch, last_time = 0, marks[0][1]
    while trainer.epoch < epochs:
        done = trainer.train(min(chunk, epochs - trainer.epoch))
        marks.append((trainer.epoch, time.perf_counter()))
        if done == 0 or trainer.diverged:
            print(f"stopped at epoch {trainer.epoch}: {trainer.diverged or 'no progress'}")
            break
        if args.snapshot_every and trainer.epoch >= next_snap:
            snapshot = trainer.snapshot(grid=args.grid)  # the previous one is dropped
            next_snap += args.snapshot_every
        if trainer.epoch >= next_report or trainer.epoch == epochs:
            now = time.perf_counter()
            rate = (trainer.epoch - last_epoch) / max(now - last_time, 1e-9)
            last_epoch, last_time = trainer.epoch, now
            gc.collect()  # count only memory that is really still held
            rss = rss_bytes()
            hist = expected_history_bytes(len(trainer.history), snapshot is not None)
            samples.append((trainer.epoch, rss, hist))
            print(f"{trainer.epoch:>10,} {rate:>9,.0f} {rss / MB:>8.1f} "
                  f"{len(trainer.history):>10,} {hist / MB:>8.1f} {(rss - hist) / MB:>11.1f}",
                  flush=True)
            next_report += every
    del snapshot
    return summarize(marks, samples, args)


def decile_rate(marks, lo: float, hi: float) -> float:
    """Epochs/s over the chunks whose end falls in [lo, hi) of the epochs done."""
    total = marks[-1][0]
    pts = [(e, t) for e, t in marks if lo * total <= e <= hi * total]
    if len(pts) < 2:
        return float("nan")
    (e0, t0), (e1, t1) = pts[0], pts[-1]
    return (e1 - e0) / max(t1 - t0, 1e-9)


def summarize(marks, samples, args) -> int:
    if len(samples) < 2:
        print("too few reports to judge (use more epochs or a smaller --every)")
        return 0
    total = marks[-1][0]
    seconds = marks[-1][1] - marks[0][1]
    # the baseline is the first report: imports, the first snapshot and buffers are in
    base_epoch, base_rss, base_hist = samples[0]
    end_epoch, end_rss, end_hist = samples[-1]
    beyond = (end_rss - end_hist) - (base_rss - base_hist)
    peak_beyond = max((r - h) - (base_rss - base_hist) for _, r, h in samples)
    allowance = max(args.tolerance_mb * MB, 0.05 * base_rss)
    # the trend, so a shortened run still shows a slow climb: least-squares slope of the
    # memory beyond the history, in bytes per epoch, extrapolated to 10^6 epochs; over
    # the second half of the reports, past the start-up allocations
    late = samples[len(samples) // 2:]
    xs = np.array([e for e, _, _ in late], dtype=float)
    ys = np.array([r - h for _, r, h in late], dtype=float)
    slope = float(np.polyfit(xs, ys, 1)[0]) if len(late) >= 3 else 0.0
    flat = peak_beyond <= allowance and slope * 1e6 <= allowance
    first, last = decile_rate(marks, 0.0, 0.1), decile_rate(marks, 0.9, 1.0)
    ratio = last / first if first > 0 else float("nan")
    steady = ratio >= args.steady_ratio
    print()
    print(f"trained {total:,} epochs in {seconds:,.1f} s ({total / max(seconds, 1e-9):,.0f} "
          "epochs/s overall)")
    print(f"memory: RSS {base_rss / MB:.1f} MB at epoch {base_epoch:,} -> {end_rss / MB:.1f} "
          f"MB at {end_epoch:,}; history expected {base_hist / MB:.1f} -> "
          f"{end_hist / MB:.1f} MB")
    print(f"memory beyond the history: {beyond / MB:+.1f} MB at the end, peak "
          f"{peak_beyond / MB:+.1f} MB, trend {slope:+.1f} bytes/epoch "
          f"({slope * 1e6 / MB:+.1f} MB per 10^6 epochs); allowance {allowance / MB:.1f} "
          f"MB -> {'FLAT' if flat else 'GROWING'}")
    print(f"speed: first tenth {first:,.0f} epochs/s, last tenth {last:,.0f} epochs/s, "
          f"ratio {ratio:.2f} -> {'STEADY' if steady else 'SLOWER'} "
          f"(steady means ratio >= {args.steady_ratio}; a busy machine adds noise)")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=1_000_000, help="epochs (default 10^6)")
    p.add_argument("--lab", default="circle-tanh", help="preset name or .actlab file "
                   "(default circle-tanh)")
    p.add_argument("--every", type=int, default=0, help="report every N epochs "
                   "(default: epochs / 20)")
    p.add_argument("--chunk", type=int, default=100, help="epochs per train() call, as the "
                   "window's worker trains in chunks (default 100)")
    p.add_argument("--snapshot-every", type=int, default=2000, help="take a snapshot every "
                   "N epochs, as the window does while drawing; 0: never (default 2000)")
    p.add_argument("--grid", type=int, default=100, help="snapshot surface grid (100)")
    p.add_argument("--tolerance-mb", type=float, default=8.0, help="memory beyond the "
                   "history allowed before calling it growth (default 8 MB or 5 %% of RSS)")
    p.add_argument("--steady-ratio", type=float, default=0.8, help="last/first tenth "
                   "epochs/s at or above which speed counts as steady (default 0.8)")
    args = p.parse_args(argv)
    if args.epochs < 1 or args.chunk < 1:
        p.error("--epochs and --chunk must be at least 1")
    try:
        return run(args)
    except (OSError, ValueError) as e:
        print(f"long_run: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
