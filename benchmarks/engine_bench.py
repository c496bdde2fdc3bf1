"""Engine speed: epochs/second for the reference configurations (a benchmark, not a test).

Circle data, 500 points, 50 % train, SGD lr 0.03, reshuffle off, train and test loss
recorded every epoch (as the app does).  Prints the median of several runs, the surface
evaluation time, and scikit-learn's MLPClassifier.partial_fit on the same minibatches.

    python benchmarks/engine_bench.py [--quick]
    python benchmarks/engine_bench.py --reference [--rounds N] [--seconds S]
    ACTLAB_SOURCE=/path/to/other/checkout python benchmarks/engine_bench.py --reference

``--reference`` runs configs A-D beside a straight-line NumPy reference of the same
training loop (:mod:`engine_reference`: same rows, starting weights and minibatches,
preallocated buffers, minibatch SGD, no evaluation) in interleaved rounds in one process,
and prints per config ``ratio_vs_reference=R`` (ActLab's epochs/s over the reference's,
each the fastest of many ~2 ms chunks, median over rounds: the Trainer as the window drives it with the gradient view closed),
the same with the gradient record on, and ``calls_only`` (the compiled epoch program
alone, without any per-epoch bookkeeping).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

# this checkout, not an installed ActLab — or the checkout ACTLAB_SOURCE names (to measure
# another branch with the same benchmark)
sys.path.insert(0, os.environ.get("ACTLAB_SOURCE") or str(Path(__file__).resolve().parent.parent))

from actlab.engine.trainer import Trainer  # noqa: E402

try:  # noqa: E402
    from engine_reference import ReferenceLoop
except ImportError:  # run as a module from the repository root
    from benchmarks.engine_reference import ReferenceLoop
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


def _reference_loop(lab: Lab) -> ReferenceLoop:
    t = Trainer(lab)
    X, y = t.train_rows()
    return ReferenceLoop(t.network.get_params(), lab.network.activations[0], X, y,
                         lab.training.batch_size, lab.training.learning_rate)


def _check_reference(lab: Lab) -> float:
    """The largest difference between ActLab's and the reference's weights after three
    epochs from the same start (rounding only: the two must train the same network)."""
    t, ref = Trainer(lab), _reference_loop(lab)
    t.train(3)
    for _ in range(3):
        ref.epoch()
    return max(float(np.max(np.abs(a - b)))
               for (Wa, ba), (Wb, bb) in zip(t.network.get_params(), ref.params())
               for a, b in ((Wa, Wb), (ba, bb)))


def _rate(step, seconds: float, chunk: int) -> float:
    """Epochs/s of ``step(chunk)`` (which trains ``chunk`` epochs, ~2 ms): the fastest
    chunk within ``seconds`` — on a busy machine a chunk the scheduler interrupted says
    nothing about the code, and the best of many short chunks is steady where a mean over
    the whole time is not."""
    best, t0 = 0.0, time.perf_counter()
    while True:
        t = time.perf_counter()
        step(chunk)
        now = time.perf_counter()
        best = max(best, chunk / (now - t))
        if now - t0 >= seconds:
            return best


def _trainer(lab: Lab, gradients: bool) -> Trainer:
    t = Trainer(lab)
    if hasattr(t, "record_gradients"):  # (older trees always record)
        t.record_gradients = gradients
    t.train(20)
    return t


def reference_main(rounds: int, seconds: float) -> int:
    import actlab
    print(f"actlab from {Path(actlab.__file__).parent.parent}")
    print(f"numpy {np.__version__}; {rounds} interleaved rounds of {seconds:g} s per "
          f"measurement; load {os.getloadavg()[0]:.2f}")
    cases = {}
    for key, (hidden, act, batch, _) in CONFIGS.items():
        lab = make_lab(hidden, act, batch)
        print(f"{key}: reference agrees with ActLab to {_check_reference(lab):.1e} after 3 "
              "epochs")
        quiet, recording, calls = _trainer(lab, False), _trainer(lab, True), Trainer(lab)
        ref = _reference_loop(lab)
        rng = calls._shuffle_rng
        program = calls._program

        def calls_only(k, program=program, rng=rng):
            for _ in range(k):
                program.run(rng, None, None)

        def reference(k, ref=ref):
            for _ in range(k):
                ref.epoch()

        cases[key] = {"app": quiet.train, "gradients_on": recording.train,
                      "calls_only": calls_only, "reference": reference,
                      "chunk": 40 if batch >= 100 else 8}
    ratios = {key: {k: [] for k in ("app", "gradients_on", "calls_only")} for key in cases}
    refs = {key: [] for key in cases}
    for _ in range(rounds):
        for key, c in cases.items():
            r = {}
            for name in ("reference", "app", "gradients_on", "calls_only"):
                r[name] = _rate(c[name], seconds, c["chunk"])
            refs[key].append(r["reference"])
            for name in ratios[key]:
                ratios[key][name].append(r[name] / r["reference"])
    for key, (hidden, act, batch, _) in CONFIGS.items():
        med = {k: statistics.median(v) for k, v in ratios[key].items()}
        spread = max(ratios[key]["app"]) - min(ratios[key]["app"])
        print(f"{key}: {list(hidden)} {act} b{batch}: reference "
              f"{statistics.median(refs[key]):.0f} epochs/s  "
              f"ratio_vs_reference={med['app']:.2f} (spread {spread:.2f})  "
              f"gradients_on={med['gradients_on']:.2f}  calls_only={med['calls_only']:.2f}")
    print(f"load {os.getloadavg()[0]:.2f}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="shorter runs")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--reference", action="store_true",
                    help="configs A-D beside a straight-line NumPy reference")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seconds", type=float, default=0.25)
    args = ap.parse_args(argv)
    if args.reference:
        return reference_main(args.rounds, args.seconds)
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
