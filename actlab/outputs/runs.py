"""What every kind's ``actlab train`` shares: the one-line error, training several runs in
lock step with progress on stderr, each run's metrics and figure titles, and the gradient
samples of the gradient-flow figure.  Below the CLI (which parses the arguments) and above
the figures and reports it writes."""
from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import replace

import numpy as np

class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


LOSS_NOTE = "data loss, without the regularisation penalty"


def json_text(doc) -> str:
    """``doc`` as JSON text for metrics.json, with every number that is not finite
    (a diverged run's loss, an overflow) written as ``null``: ``NaN`` and ``Infinity``
    are not JSON, and other programs refuse a file that holds them."""
    def clean(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        if isinstance(v, np.generic):
            return clean(v.item())
        return v
    return json.dumps(clean(doc), indent=2, allow_nan=False) + "\n"


def finite(x, digits: int = 6) -> float | None:
    """``x`` rounded for metrics.json, or None when it is absent, NaN or infinite."""
    if x is None:
        return None
    x = float(x)
    return round(x, digits) if math.isfinite(x) else None


def printable_arg(text: str, limit: int = 80) -> str:
    """``text`` safe for one terminal line: control characters escaped, long names cut."""
    from actlab.safe_text import printable
    return printable(text, limit)


def cannot_write(out, error: Exception) -> CliError:
    """The one-line error for results that could not be written to folder ``out``."""
    why = getattr(error, "strerror", None) or str(error)
    return CliError(f"{printable_arg(str(out))}: cannot write the results "
                    f"({printable_arg(why, 200)})")


def activation_trainers(args, lab, activations) -> list:
    """``[(activation or None, Trainer)]``: one run per ``--activation`` (every hidden
    layer), or the lab as it is; a bad lab or name is a CliError naming the lab."""
    from actlab.engine.trainer import Trainer

    if activations and not lab.network.hidden:
        raise CliError("--activation needs a lab with at least one hidden layer")
    variants = ([(a, replace(lab, network=lab.network.with_activation(a)))
                 for a in activations] or [(None, lab)])
    try:
        return [(name, Trainer(v)) for name, v in variants]
    except ValueError as e:
        raise CliError(f"{args.lab}: {e}") from None


def train_in_lock_step(trainers, epochs: int, quiet: bool, after_chunk=None,
                     chunk: int = 50) -> None:
    """Train every run the same number of epochs, ``chunk`` epochs at a time (lock
    step), printing progress on stderr once a run has taken longer than a second.
    ``after_chunk(done)`` is called after every chunk."""
    t0 = last = time.perf_counter()
    done = 0
    size = max(1, chunk)
    while done < epochs:
        chunk = min(epochs - done, size)
        for t in trainers:
            t.train(chunk)
        done += chunk
        if after_chunk is not None:
            after_chunk(done)
        now = time.perf_counter()
        if not quiet and now - t0 > 1.0 and (now - last > 1.0 or done == epochs):
            last = now
            t = trainers[0]
            loss = t.history.last()["train_loss"]
            rate = done * len(trainers) / (now - t0)
            print(f"epoch {done}/{epochs}  train loss {loss:.4f}  {rate:,.0f} epochs/s",
                  file=sys.stderr, flush=True)
        if all(t.diverged for t in trainers):
            break


def run_metrics(t, seconds: float) -> dict:
    last = t.history.last()

    num = finite
    return {"epochs": t.epoch, "seconds": round(seconds, 3),
            "train_loss": num(last["train_loss"]), "test_loss": num(last["test_loss"]),
            "train_accuracy": num(last["train_accuracy"]),
            "test_accuracy": num(last["test_accuracy"]),
            "loss_note": LOSS_NOTE,
            "diverged": t.diverged, "seed": t.lab.seed,
            "activations": list(t.lab.network.activations)}


def figure_titles(lab, epochs: int) -> tuple[str, str]:
    """Titles of surface.png and loss.png: the lab's name and its activations (so
    loss-linear.png and loss-relu.png say which is which), and for the loss the epochs."""
    title = f"{lab.name} — {activations_text(lab)}"
    return title, f"{title} · loss over {epochs:,} epochs"


def activations_text(lab) -> str:
    """``"Tanh"``, ``"ReLU, Sigmoid"`` (each once, in layer order, by its display name)
    or "no hidden layer"."""
    from actlab.engine.activations.lookup import display_name

    names = dict.fromkeys(display_name(a) for a in lab.network.activations)
    return ", ".join(names) or "no hidden layer"


class GradientSampler:
    """Samples each run's per-layer gradient size about 100 times over the training (and
    once before it), for the gradient-flow figure."""

    SAMPLES = 100

    def __init__(self, trainers, epochs: int):
        from actlab.engine.analysis.insights import GradientLog

        self.trainers = trainers
        self.logs = [GradientLog() for _ in trainers]
        self.every = max(1, epochs // self.SAMPLES)
        self.next = 0
        self.sample(0)

    def sample(self, done: int) -> None:
        if done < self.next:
            return
        from actlab.engine.analysis import dense as analysis
        from actlab.engine.features import transform

        for t, log in zip(self.trainers, self.logs):
            X = transform(t.dataset.X_train, t.features)
            with np.errstate(all="ignore"):
                log.add(t.epoch, analysis.gradient_norms(t.network, X, t.dataset.y_train))
        self.next = done + self.every
