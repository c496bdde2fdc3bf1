"""Time save_lab and load_lab on large labs: 1,000, 50,000 and 100,000 custom points
(the most a lab may hold), each with the weights of a 3 x 64 network and a 20,000-epoch
history, and a "200k" case of 100,000 points plus a 100,000-epoch history (the same file
size as 200,000 points).  Prints the best of a few runs, wall-clock and CPU time of this
process (steadier on a busy machine), the file size, and checks that the round trip is
exact.

    python3 benchmarks/save_bench.py [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import numpy as np  # noqa: E402

from actlab.lab import DataSpec, Lab, NetworkSpec  # noqa: E402
from actlab.labfile.format import load_lab, save_lab  # noqa: E402


def big_lab(n_points: int, epochs: int) -> Lab:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(n_points, 2)), rng.integers(0, 2, n_points)
    pts = tuple((float(a), float(b), float(c)) for (a, b), c in zip(X.tolist(), y.tolist()))
    cut = n_points // 2
    data = DataSpec(generator="custom", n_points=n_points, problem="classification",
                    train_points=pts[:cut], test_points=pts[cut:])
    sizes = (2, 64, 64, 64, 1)
    params = tuple((rng.normal(size=(a, b)), rng.normal(size=b))
                   for a, b in zip(sizes[:-1], sizes[1:]))
    history = {"epoch": list(range(1, epochs + 1)), "train_loss": rng.random(epochs).tolist(),
               "test_loss": rng.random(epochs).tolist()}
    return Lab(name=f"{n_points} points", data=data,
               network=NetworkSpec((64, 64, 64), ("tanh",) * 3), params=params,
               history=history)


def best_of(fn, repeat: int) -> tuple[float, float]:
    """The shortest wall-clock and CPU times of ``repeat`` calls of ``fn``."""
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cases = [("1k", 1_000, 20_000), ("50k", 50_000, 20_000), ("100k", 100_000, 20_000),
             ("200k", 100_000, 100_000)]
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'case':>6} {'file MB':>8} {'save s':>8} {'cpu s':>6} {'load s':>8} "
              f"{'cpu s':>6}  round trip")
        for label, n, epochs in cases:
            lab, path = big_lab(n, epochs), os.path.join(folder, f"{label}.actlab")
            save = best_of(lambda: save_lab(lab, path), args.repeat)
            load = best_of(lambda: load_lab(path), args.repeat)
            size = os.path.getsize(path) / 2**20
            exact = "exact" if load_lab(path) == lab else "DIFFERS"
            print(f"{label:>6} {size:8.1f} {save[0]:8.3f} {save[1]:6.3f} {load[0]:8.3f} "
                  f"{load[1]:6.3f}  {exact}")


if __name__ == "__main__":
    main()
