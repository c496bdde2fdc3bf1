"""Train and test accuracy of every expected outcome of 'Two 3×3 convolutions are one
5×5' over a grid of seeds: the numbers behind its guide (issue 20, item 7).

    python benchmarks/two_3x3_sweep.py            # 5 weight seeds x 3 data seeds
    python benchmarks/two_3x3_sweep.py --full     # the preset test's 5 x 5 grid

For each outcome in ``guide.expect`` (two linear 3×3, with ReLU, one linear 5×5) trains
the network it names with the preset's training settings for its epochs and prints min /
mean / max of the final training accuracy, test accuracy and train-test gap, and how
many cases meet the outcome.  An honest failure has a small gap: the linear network does
no better on its training images than on the test images.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout

from actlab.engine.outcomes import expectations, network_for  # noqa: E402
from actlab.engine.trainer import Trainer  # noqa: E402
from actlab.labfile.presets import load_preset  # noqa: E402

NAME = "images-two-3x3-are-one-5x5"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="5 weight x 5 data seeds")
    args = ap.parse_args()
    lab = load_preset(NAME)
    grid = [(ws, ds) for ws in range(1, 6) for ds in range(1, 6 if args.full else 4)]
    print(f"{NAME}: {len(grid)} seed pairs")
    print(f"{'outcome':58s} {'':5s} {'min':>6s} {'mean':>6s} {'max':>6s}")
    for e in expectations(lab.guide):
        t0, rows = time.perf_counter(), []
        for ws, ds in grid:
            t = Trainer(network_for(replace(lab, seed=ws, data=replace(lab.data, seed=ds)), e))
            t.train(e.epochs)
            last = t.history.last()
            rows.append((last["train_accuracy"], last["test_accuracy"]))
        a = np.array(rows) * 100
        met = sum(1 for _, te in rows if (te < e.value if e.op in "<=" else te > e.value))
        for i, (what, col) in enumerate((("train", a[:, 0]), ("test", a[:, 1]),
                                         ("gap", a[:, 0] - a[:, 1]))):
            head = e.text[:58] if i == 0 else (
                f"  {met}/{len(rows)} meet it, {time.perf_counter() - t0:.1f} s" if i == 1
                else "")
            print(f"{head:58s} {what:5s} {col.min():6.1f} {col.mean():6.1f} {col.max():6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
