"""What one curve picture of a function lab costs (make_curve_picture, issue 12): the
window makes one per frame, so it should stay well under 5 ms.

    PYTHONPATH=. python3 benchmarks/curve_picture_bench.py
"""
from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from actlab.engine.pictures.curve import make_curve_picture
from actlab.engine.trainer import Trainer
from actlab.lab import default_function_lab


def bench(hidden, activation: str, epochs: int = 200, repeats: int = 200) -> None:
    lab = default_function_lab()
    lab = replace(lab, network=replace(lab.network, hidden=hidden,
                                       activations=(activation,) * len(hidden)))
    t = Trainer(lab)
    for _ in range(epochs):  # trained weights: more kinks inside [-6, 6] than at start
        t.train_epoch()
    make_curve_picture(t)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        pic = make_curve_picture(t)
        times.append(time.perf_counter() - t0)
    ms = 1e3 * np.array(times)
    print(f"hidden {'x'.join(map(str, hidden)):>7} {activation:>5}: median "
          f"{np.median(ms):.2f} ms, max {ms.max():.2f} ms ({pic.n_pieces} pieces, "
          f"{pic.x.size} curve points)")


if __name__ == "__main__":
    for hidden in ((8,), (8, 8, 8)):
        for act in ("relu", "tanh"):
            bench(hidden, act)
