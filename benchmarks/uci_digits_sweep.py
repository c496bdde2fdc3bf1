"""Test accuracy of the two UCI-digits presets over a grid of seeds: the numbers behind
their guided outcomes (``expect`` thresholds in resources/labs/images-uci-digits-*.actlab).

    python benchmarks/uci_digits_sweep.py            # 5 weight seeds x 3 data seeds
    python benchmarks/uci_digits_sweep.py --full     # the test's 10 x 5 grid

For each preset (plain digits, half-inverted digits) trains the preset's network with a
linear and with a ReLU convolution -- and, on the inverted digits, linear with 2x2 max
pooling (a non-linearity of its own) -- for the preset's epochs and training settings,
and prints min / mean / max of the final test accuracy.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout

from actlab.engine.trainer import Trainer  # noqa: E402
from actlab.labfile.presets import load_preset  # noqa: E402


def accuracy(lab, activation: str, pool: str, weight_seed: int, data_seed: int) -> float:
    conv = tuple(replace(c, activation=activation, pool=pool) for c in lab.network.conv)
    case = replace(lab.without_results(), seed=weight_seed,
                   data=replace(lab.data, seed=data_seed),
                   network=replace(lab.network, conv=conv),
                   training=replace(lab.training, stop_after=None))
    t = Trainer(case)
    t.train(lab.training.stop_after)
    return t.history.last()["test_accuracy"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--full", action="store_true", help="10 weight seeds x 5 data seeds")
    args = p.parse_args()
    weights, datas = (range(1, 11), range(1, 6)) if args.full else (range(1, 6), range(1, 4))
    print(f"{len(weights)} weight seeds x {len(datas)} data seeds; final test accuracy")
    print(f"{'preset':30s} {'network':18s} {'min':>6s} {'mean':>6s} {'max':>6s}")
    for name in ("images-uci-digits-templates", "images-uci-digits-inverted"):
        lab = load_preset(name)
        variants = [("linear", "none"), ("relu", "none")]
        if lab.data.generator == "uci_digits_inverted":
            variants.append(("linear", "max"))
        for activation, pool in variants:
            start = time.perf_counter()
            acc = np.array([accuracy(lab, activation, pool, w, d)
                            for w in weights for d in datas])
            per_run = (time.perf_counter() - start) / acc.size
            label = activation + ("" if pool == "none" else f", {pool} pool")
            print(f"{name:30s} {label:18s} {acc.min():6.1%} {acc.mean():6.1%} "
                  f"{acc.max():6.1%}   ({per_run:.2f} s a run)", flush=True)


if __name__ == "__main__":
    main()
