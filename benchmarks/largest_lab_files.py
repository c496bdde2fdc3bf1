"""The largest lab file of each kind: how big it is against the read limit, what
fills it, and how long saving and loading it take.

For each kind of lab it builds the largest lab the app can make by its own means, every
limit read from the code (nothing here is a guess at a limit):

* points: 100,000 custom points (MAX_CUSTOM_POINTS) with coordinates within ±6 and, for
  regression, real-valued targets (the larger file: a class label is one digit); every
  feature; 10 hidden layers (MAX_HIDDEN_LAYERS) of 64 neurons (MAX_NEURONS); 8 custom
  piecewise-linear activations of 16 points (MAX_CUSTOM, custom.MAX_POINTS).  A
  classification row (6 classes, MAX_CLASSES, with class names) is printed too;
* functions: 100,000 custom (x, y) points (functions.MAX_POINTS), x within ±6; all three
  features; the same 10 x 64 network and custom activations;
* images: the "digits" data set (10 classes, the most a generator has) at 32 px
  (MAX_SIZE), 2,000 per class (MAX_IMAGES / 10); 1,000 drawings (MAX_ADDED) of 32 x 32
  px with every ink level 0-255 equally likely (the worst case of a drawing's text);
  4 conv layers (MAX_CONV_LAYERS) of 16 filters (MAX_FILTERS), 7 x 7 kernels, "same"
  padding, stride 1, no pooling (the maps stay 32 x 32), the "flatten" head (16 x 32 x
  32 = 16,384 inputs to the dense layers), 2 dense layers (MAX_DENSE_LAYERS) of 256
  units (MAX_UNITS): about 4.3 million weights, every one a choice the conv builder
  offers; and the same 8 custom activations;

each with trained weights (random full-precision floats of the size He initialisation
gives: a trained weight's repr is as long), a teacher's guide (instructions, question,
notes, six expected outcomes, locked and hidden controls) and the history of a run of
10^7 epochs (MAX_EXPECT_EPOCHS, the longest run a guide speaks of), appended to a
:class:`~actlab.engine.history.History` cheaply (epochs 1..8192, then every 1024th epoch,
then the last epochs one by one until the record is full), so the thinning runs and the
history has exactly MAX_ROWS rows.

It saves each lab with :func:`save_lab` and loads it back with :func:`load_lab` (best of
``--repeat`` runs), checks the round trip (equal lab, equal epochs done), and prints per
kind: the file size, the share of it taken by the history, the trained parameters and the
data (measured by saving the lab without that part: no history, no params, the data cut
to a handful of points or no drawings), save and load seconds, and the headroom under
the limit (MAX_FILE_BYTES) that load_lab reads and save_lab keeps to.  A file over the limit is reported,
not hidden: load_lab refuses it, and the row says so.

    python3 benchmarks/largest_lab_files.py [--repeat N] [--kinds points,functions,images]

Figures, not pass/fail: exit status 0.

What it found first (2026-12-07, this busy 2-core machine, --repeat 1), with the read
limit then at 64 MB: points 7.67 MB, points-cls 6.01, functions 5.69 -- and images
98.00 MB, which save_lab wrote and load_lab refused ("more than 64 MB"): a lab the
student can build in the conv builder, train and save, then never open again.  Its
weights alone are 92.7 MB (16,384 flatten inputs x 256 units = 4.2 million in the first
dense layer, at 22.6 bytes of JSON each), so it was over after one epoch, with no drawings
and no history.  Since then the limit is 160 MB and save_lab refuses anything larger
(never a file ActLab will not open); the same run (load s includes the checks)::

    read limit (MAX_FILE_BYTES): 160 MB; history 8192 rows of a 10,000,000-epoch run
          kind   weights  file MB  history  params   data  build s  save s  load s  headroom MB
        points    38,017     7.67     6.5%   10.2%  83.2%      0.6    1.86    0.91       152.33
    points-cls    38,342     6.01     9.0%   13.1%  77.7%      0.3    0.71    0.32       153.99
     functions    37,761     5.69     8.7%   13.6%  77.5%      0.2    0.80    0.79       154.31
        images 4,301,402    98.00     0.5%   94.6%   4.8%      1.1   11.53    2.23        62.00

    every kind loads back equal (same epochs done); the limit holds about 7.2 million
    weights with the image lab's data, history and guide (4.3 million here, 0.60x)

Point and function labs are far from the limit (6-8 MB: 100,000 points are most of it,
the bounded history about 0.5 MB, 38,000 weights about 0.8 MB).  The history is bounded
as intended: 8,192 rows of a 10^7-epoch run take about 0.5 MB in every kind.
tests/labfile/test_largest_lab_files.py checks that every kind saves under the limit and
loads back equal.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
# the builders of the largest labs are the tests' (tests/labfile/largest_labs.py)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "labfile"))

import numpy as np  # noqa: E402

from actlab.engine.history import MAX_ROWS, epochs_done  # noqa: E402
from actlab.lab import Lab  # noqa: E402
from actlab.labfile.format import (MAX_FILE_BYTES, LabFileError, lab_from_dict,  # noqa: E402
                                   load_lab, save_lab)
from actlab.labfile.guide import MAX_EXPECT_EPOCHS  # noqa: E402

from largest_labs import MB, builders, without_data  # noqa: E402


# ------------------------------------------------------------------- measuring

def timed(fn, repeat: int) -> tuple[float, object]:
    """The shortest wall-clock time of ``repeat`` calls of ``fn`` and its last result
    (or the LabFileError it raised)."""
    best, result = math.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        try:
            result = fn()
        except LabFileError as e:
            result = e
        best = min(best, time.perf_counter() - t)
    return best, result


def measure(label: str, lab: Lab, folder: str, repeat: int) -> dict:
    path = os.path.join(folder, f"{label}.actlab")
    save_s, _ = timed(lambda: save_lab(lab, path), repeat)
    size = os.path.getsize(path)
    load_s, back = timed(lambda: load_lab(path), repeat)
    if isinstance(back, LabFileError):
        # what reading it would cost without the limit (json.loads and validation, as
        # load_lab does after its size check), and whether it would come back equal
        t = time.perf_counter()
        with open(path, encoding="utf-8") as f:
            unlimited = lab_from_dict(json.loads(f.read()))
        verdict = (f"REFUSED by load_lab: {back.reason}; without the limit it would load "
                   f"in {time.perf_counter() - t:.2f} s, "
                   f"{'equal' if unlimited == lab else 'DIFFERENT'}")
        del unlimited
    elif back == lab and epochs_done(back.history) == epochs_done(lab.history):
        verdict = "loads back equal"
    else:
        verdict = "DIFFERS after the round trip"
    del back
    shares = {}
    for part, variant in (("history", replace(lab, history=None)),
                          ("params", replace(lab, params=None)),
                          ("data", without_data(lab))):
        other = os.path.join(folder, f"{label}-no-{part}.actlab")
        save_lab(variant, other)
        shares[part] = (size - os.path.getsize(other)) / size
        os.remove(other)
    os.remove(path)
    n_weights = sum(np.size(w) + np.size(b) for w, b in lab.params)
    return {"label": label, "size": size, "save": save_s, "load": load_s,
            "verdict": verdict, "shares": shares, "weights": n_weights,
            "rows": len(lab.history["epoch"]), "epochs": epochs_done(lab.history)}


def weights_note(r: dict) -> str:
    """How many bytes of the file one trained weight takes, and how many weights a file
    of this kind could hold (the rest of it as it is) before load_lab refuses it."""
    params = r["shares"]["params"] * r["size"]
    per_weight = params / r["weights"]
    fit = (MAX_FILE_BYTES - (r["size"] - params)) / per_weight
    return (f"{r['label']}: {per_weight:.1f} bytes of file per weight; the limit holds "
            f"about {fit:,.0f} weights with this {r['label']} lab's data, history and "
            f"guide ({r['weights']:,} here, {r['weights'] / fit:.2f}x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="best of N saves and loads")
    parser.add_argument("--kinds", default=",".join(builders()),
                        help="comma-separated rows (default: all)")
    args = parser.parse_args()
    build = builders()
    limit = MAX_FILE_BYTES / MB
    print(f"read limit (MAX_FILE_BYTES): {limit:.0f} MB; history {MAX_ROWS} rows of a "
          f"{MAX_EXPECT_EPOCHS:,}-epoch run")
    print(f"{'kind':>10} {'weights':>9} {'file MB':>8} {'history':>8} {'params':>7} "
          f"{'data':>6} {'build s':>8} {'save s':>7} {'load s':>7} {'headroom MB':>12}  "
          f"round trip")
    notes = []
    with tempfile.TemporaryDirectory() as folder:
        for label in args.kinds.split(","):
            t = time.perf_counter()
            lab = build[label]()
            built = time.perf_counter() - t
            r = measure(label, lab, folder, max(1, args.repeat))
            del lab
            s = r["shares"]
            print(f"{label:>10} {r['weights']:>9,} {r['size'] / MB:8.2f} "
                  f"{s['history']:8.1%} {s['params']:7.1%} {s['data']:6.1%} {built:8.1f} "
                  f"{r['save']:7.2f} {r['load']:7.2f} {limit - r['size'] / MB:12.2f}  "
                  f"{r['verdict']}", flush=True)
            notes.append(weights_note(r))
    print()
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
