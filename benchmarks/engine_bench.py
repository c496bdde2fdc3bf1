"""Engine speed: epochs/second for the reference configurations (a benchmark, not a test).

Circle data, 500 points, 50 % train, SGD lr 0.03, reshuffle off, train and test loss
recorded every epoch (as the app does).  Prints the median of several runs, the surface
evaluation time, and scikit-learn's MLPClassifier.partial_fit on the same minibatches.

    python benchmarks/engine_bench.py [--quick]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace

import numpy as np

from actlab.engine.trainer import Trainer
from actlab.lab import DataSpec, Lab, NetworkSpec, TrainingSpec

CONFIGS = {
    "A": ((4, 2), "tanh", 10, 5000),
    "B": ((8, 8, 8), "relu", 10, 4000),
    "C": ((8,) * 6, "tanh", 10, 2200),
    "D": ((8, 8, 8), "relu", 250, 40000),
}


def make_lab(hidden, act, batch) -> Lab:
    return Lab(
        data=DataSpec(generator="circle", n_points=500, noise=0.0, train_fraction=0.5, seed=1),
        network=NetworkSpec(hidden=hidden, activations=(act,) * len(hidden)),
        training=TrainingSpec(optimizer="sgd", learning_rate=0.03, batch_size=batch,
                              reshuffle=False),
    )


def epochs_per_second(lab: Lab, seconds: float) -> float:
    t = Trainer(lab)
    t.train(20)  # warm up buffers
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        n += t.train(50)
    return n / (time.perf_counter() - t0)


def sklearn_epochs_per_second(lab: Lab, seconds: float) -> float | None:
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    import warnings
    t = Trainer(lab)
    X, y = t.dataset.X_train, t.dataset.y_train.astype(int)
    Xte, yte = t.dataset.X_test, t.dataset.y_test.astype(int)
    net = lab.network
    clf = MLPClassifier(hidden_layer_sizes=net.hidden, activation=net.activations[0],
                        solver="sgd", learning_rate_init=lab.training.learning_rate,
                        momentum=0.0, alpha=0.0, batch_size=lab.training.batch_size)
    bs = lab.training.batch_size
    n, t0 = 0, time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while time.perf_counter() - t0 < seconds:
            for s in range(0, len(X), bs):
                clf.partial_fit(X[s:s + bs], y[s:s + bs], classes=[0, 1])
            # the same per-epoch bookkeeping as the app: train and test loss
            from sklearn.metrics import log_loss
            log_loss(y, clf.predict_proba(X), labels=[0, 1])
            log_loss(yte, clf.predict_proba(Xte), labels=[0, 1])
            n += 1
    return n / (time.perf_counter() - t0)


def surface_ms(lab: Lab, repeats: int = 200) -> float:
    t = Trainer(lab)
    g = t.surface_grid(100)
    g.output(t.network)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        g.output(t.network)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="shorter runs")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    seconds = 0.3 if args.quick else 1.0
    runs = 3 if args.quick else args.runs
    print(f"numpy {np.__version__}; median of {runs} runs of {seconds:g} s each")
    print(f"{'config':<24}{'epochs/s':>10}{'target':>9}{'us/step':>9}{'sklearn':>10}{'ratio':>8}")
    for key, (hidden, act, batch, target) in CONFIGS.items():
        lab = make_lab(hidden, act, batch)
        rates = [epochs_per_second(lab, seconds) for _ in range(runs)]
        med = statistics.median(rates)
        steps = -(-250 // batch)
        sk = sklearn_epochs_per_second(lab, seconds)
        label = f"{key}: {list(hidden)} {act} b{batch}"
        sk_s = f"{sk:10.0f}{med / sk:7.1f}x" if sk else f"{'n/a':>10}{'':>8}"
        ok = "ok" if med >= target else "LOW"
        print(f"{label:<24}{med:10.0f}{target:>7} {ok:<2}{1e6 / med / steps:8.1f}{sk_s}")
    print(f"surface 100x100, config B: {surface_ms(make_lab((8, 8, 8), 'relu', 10)):.3f} ms"
          " (target < 1 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
