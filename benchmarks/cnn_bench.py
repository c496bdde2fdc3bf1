"""Convolutional network training speed (a benchmark, not a test).

The default image lab's network: 16×16 grey input, conv 8@3×3 "same" → ReLU → conv 8@3×3
"same" → ReLU → global average pooling → dense → softmax (2 classes), minibatches of 32,
plain SGD, 1,000 training images per epoch, BLAS on one thread (as ActLab runs it).
Prints training images per second and seconds per epoch (median of several epochs),
ActLab's per-layer split of one training step, and with ``--torch`` the same network,
weights and minibatches in PyTorch CPU eager mode with ``torch.set_num_threads(1)`` (in
float32, PyTorch's default, and float64, ActLab's), with the ratio.  Both run on one
thread, so by default the clock is the process's CPU time: on a shared machine the wall
clock mostly measures the neighbours (``--clock wall`` for it)::

    python benchmarks/cnn_bench.py [--epochs 7] [--torch] [--clock cpu|wall]
"""
from __future__ import annotations

import sys
from pathlib import Path

# measure the checkout this script is in, not an installed copy
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import actlab  # noqa: E402,F401  - first: it limits BLAS to one thread before NumPy loads

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from actlab.blas_threads import blas_thread_counts  # noqa: E402
from actlab.engine.model import Update  # noqa: E402
from actlab.engine.models.cnn import ConvNetwork, ConvSpec, ImageNetSpec  # noqa: E402
from actlab.engine.optimizers import make_optimizer  # noqa: E402

N_IMAGES, SIZE, BATCH, LR = 1000, 16, 32, 0.05
clock = time.process_time
SPEC = ImageNetSpec(conv=(ConvSpec(8, 3, "same", 1, "relu"), ConvSpec(8, 3, "same", 1, "relu")),
                    head="gap", n_classes=2, input_size=SIZE)


def data(seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.random((N_IMAGES, 1, SIZE, SIZE)), rng.integers(0, 2, N_IMAGES)


def epoch_orders(epochs: int, seed: int = 1) -> list[np.ndarray]:
    """The minibatch order of every epoch, shared by both engines."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(N_IMAGES) for _ in range(epochs)]


class _Replay:
    """A stand-in rng whose permutation() hands out the shared epoch orders."""

    def __init__(self, orders):
        self._orders = iter(orders)

    def permutation(self, n):
        return next(self._orders)


def actlab_epochs(X, y, orders):
    """Yields the seconds of each timed epoch (after one warm-up epoch): the network's
    epoch program, the minibatch loop the Trainer runs (without its evaluation)."""
    net = ConvNetwork(SPEC, 0)
    step = make_optimizer("sgd", net.n_params, LR).ops(net.flat, net.grad_flat)
    epoch = net.epoch_program(X, y, BATCH, True, Update([], np.empty(net.n_params), step))
    rng = _Replay(orders)
    epoch.run(rng, None, None)                # warm-up: buffers
    for _ in orders[1:]:
        t0 = clock()
        epoch.run(rng, None, None)
        yield clock() - t0


def layer_split(X, y, repeats: int = 100) -> list[tuple[str, float, float]]:
    """Microseconds per forward and backward of every layer in one training step."""
    from actlab.engine.models.cnn_layers import softmax_cross_entropy
    net = ConvNetwork(SPEC, 0)
    x = net._images(X[:BATCH])
    yb = y[:BATCH]
    fwd = [0.0] * len(net.layers)
    bwd = [0.0] * len(net.layers)
    dz = np.empty((SPEC.n_classes, BATCH))
    for r in range(repeats + 1):
        a = x
        for i, layer in enumerate(net.layers):
            t0 = clock()
            a = layer.forward(a)
            fwd[i] += (clock() - t0) * (r > 0)
        softmax_cross_entropy(a, yb, dz)
        g = dz
        for i in range(len(net.layers) - 1, -1, -1):
            t0 = clock()
            g = net.layers[i].backward(g, need_dx=i > 0)
            bwd[i] += (clock() - t0) * (r > 0)
    return [(n, f / repeats * 1e6, b / repeats * 1e6)
            for n, f, b in zip(net.names, fwd, bwd)]


def torch_epochs(X, y, orders, dtype_name: str):
    """Yields the seconds of each timed epoch, as :func:`actlab_epochs`."""
    import torch
    torch.set_num_threads(1)
    dtype = getattr(torch, dtype_name)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                          nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 2)).to(dtype)
    with torch.no_grad():                      # the same starting weights as ActLab's
        params = ConvNetwork(SPEC, 0).get_params()
        for mod, (w, b) in zip([model[0], model[2], model[6]], params):
            mod.weight.copy_(torch.from_numpy(w.T if w.ndim == 2 else w))
            mod.bias.copy_(torch.from_numpy(b))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    Xt = torch.from_numpy(X).to(dtype)
    yt = torch.from_numpy(y)
    loss_fn = nn.CrossEntropyLoss()

    def epoch(order):
        idx = torch.from_numpy(order)
        Xs, ys = Xt[idx], yt[idx]
        for s in range(0, N_IMAGES, BATCH):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xs[s:s + BATCH]), ys[s:s + BATCH])
            loss.backward()
            opt.step()

    epoch(orders[0])
    for order in orders[1:]:
        t0 = clock()
        epoch(order)
        yield clock() - t0


def interleaved(*runs) -> list[list[float]]:
    """The epochs of every run, taken in turn (one of each, then the next of each), so
    a change of load on a shared machine hits every engine alike."""
    return [list(t) for t in zip(*zip(*runs))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=7, help="timed epochs (median reported)")
    ap.add_argument("--torch", action="store_true", help="also time PyTorch, if installed")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="CPU time of this process (default) or wall-clock time")
    args = ap.parse_args()
    global clock
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    X, y = data()
    orders = epoch_orders(args.epochs + 1)
    print(f"conv 8@3x3 same, relu, conv 8@3x3 same, relu, GAP, dense, softmax; "
          f"{N_IMAGES} images {SIZE}x{SIZE}, batch {BATCH}, SGD; BLAS threads "
          f"{blas_thread_counts() or 'unknown'}; {args.clock} clock")
    runs = [("ActLab  float64", actlab_epochs(X, y, orders))]
    if args.torch:
        try:
            import torch  # noqa: F401
            runs += [(f"PyTorch {dt}", torch_epochs(X, y, orders, dt))
                     for dt in ("float32", "float64")]
        except ImportError:
            print("PyTorch: not installed (pip install '.[bench]' to compare)")
    medians = [statistics.median(t) for t in interleaved(*(r for _, r in runs))]
    ours = medians[0]
    print(f"ActLab  float64: {ours:.3f} s/epoch  {N_IMAGES / ours:8.0f} images/s  "
          f"(target <= 0.25 s)")
    for (name, _), theirs in zip(runs[1:], medians[1:]):
        print(f"{name}: {theirs:.3f} s/epoch  {N_IMAGES / theirs:8.0f} images/s  "
              f"ActLab/PyTorch speed ratio {theirs / ours:.2f} (target >= 1.0)")
    split = layer_split(X, y)
    total = sum(f + b for _, f, b in split)
    print(f"  ActLab, one step of {BATCH}: {total / 1000:.2f} ms of layers")
    for name, f, b in split:
        print(f"    {name:22s} forward {f:7.0f} us   backward {b:7.0f} us")


if __name__ == "__main__":
    main()
