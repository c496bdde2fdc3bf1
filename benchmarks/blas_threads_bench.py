"""BLAS threads and ActLab's tiny matrices (a benchmark, not a test).

Trains a 10 × 64 ReLU network (circle, 500 points, batch 10) for a few seconds in a fresh
process per setting: ActLab's default (one BLAS thread) against the BLAS's own default
(``ACTLAB_BLAS_THREADS`` set to the core count).  Run it idle and with the cores busy::

    python benchmarks/blas_threads_bench.py [--seconds 3] [--burn 2]

``--burn N`` starts N CPU-burning processes beside the measurement (a classroom laptop's
normal state) and stops them afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

CHILD = r"""
import json, sys, time
import actlab
from actlab.blas_threads import blas_thread_counts
from actlab.engine.trainer import Trainer
from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec
lab = Lab(data=DataSpec(generator="circle", n_points=500, noise=0.0, train_fraction=0.5,
                        seed=1),
          network=NetworkSpec(hidden=(64,) * 10, activations=("relu",) * 10),
          training=TrainingSpec(optimizer="sgd", learning_rate=0.01, batch_size=10,
                                reshuffle=False))
t = Trainer(lab)
t.train(2)
seconds = float(sys.argv[1])
n, t0 = 0, time.perf_counter()
while time.perf_counter() - t0 < seconds:
    n += t.train(1)
print(json.dumps({"eps": n / (time.perf_counter() - t0), "threads": blas_thread_counts()}))
"""


def measure(threads: int, seconds: float) -> dict:
    env = dict(os.environ, ACTLAB_BLAS_THREADS=str(threads))
    out = subprocess.run([sys.executable, "-c", CHILD, str(seconds)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--burn", type=int, default=0, help="CPU-burning processes beside it")
    args = ap.parse_args()
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
               for _ in range(args.burn)]
    try:
        cores = os.cpu_count() or 1
        print(f"10 x 64 relu, batch 10, {args.seconds:g} s each, {args.burn} burner(s), "
              f"{cores} cores")
        for threads in (1, cores):
            r = measure(threads, args.seconds)
            print(f"  BLAS threads {threads}: {r['eps']:8.1f} epochs/s   (threadpoolctl: "
                  f"{r['threads']})")
    finally:
        for p in burners:
            p.kill()


if __name__ == "__main__":
    main()
