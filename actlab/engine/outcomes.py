"""Expected outcomes of guided labs, and how a run is checked against them.

A lab's ``guide`` (a plain dict in the lab file) may hold::

    "guide": {
      "instructions": "…", "question": "…",
      "expect": [
        {"activation": "linear", "metric": "test_accuracy", "op": "<", "value": 0.75,
         "epochs": 300, "text": "With linear activations test accuracy stays below 75 %"},
        {"activation": "tanh", "metric": "test_accuracy", "op": ">", "value": 0.95,
         "epochs": 300, "text": "Switch to tanh and it passes 95 %"}
      ],
      "locked": ["features"], "hidden": ["regularization"]
    }

Each expectation applies to runs whose hidden layers all use ``activation`` (any run when
it is absent) and is judged on the history at ``epochs``.  Tests train every preset and
check that its expectations hold on the engine, so a lab never teaches something false.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

METRICS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
       ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


@dataclass(frozen=True)
class Expectation:
    metric: str
    op: str
    value: float
    epochs: int
    activation: str | None = None
    text: str = ""

    @classmethod
    def from_dict(cls, d: dict) -> "Expectation":
        metric, op = d.get("metric"), d.get("op")
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
        if op not in OPS:
            raise ValueError(f"op must be one of {', '.join(OPS)}, got {op!r}")
        return cls(metric, op, float(d["value"]), int(d.get("epochs", 300)),
                   d.get("activation"), str(d.get("text", "")))

    def describe(self) -> str:
        if self.text:
            return self.text
        value = f"{self.value:.0%}" if "accuracy" in self.metric else f"{self.value:g}"
        who = f"with {self.activation} " if self.activation else ""
        return (f"{who}{self.metric.replace('_', ' ')} {self.op} {value} "
                f"after {self.epochs} epochs")

    def applies_to(self, activations) -> bool:
        return self.activation is None or (
            len(activations) > 0 and all(a == self.activation for a in activations))


@dataclass(frozen=True)
class Verdict:
    expectation: Expectation
    status: str            # "pass", "fail", "pending" (not enough epochs), "other" (n/a)
    measured: float | None = None

    @property
    def mark(self) -> str:
        return {"pass": "✔", "fail": "✘", "pending": "…", "other": "–"}[self.status]


def expectations(guide: dict | None) -> list[Expectation]:
    """The lab's expectations (an empty list when it has none)."""
    if not guide:
        return []
    return [Expectation.from_dict(d) for d in guide.get("expect", [])]


def check(guide: dict | None, activations, history: dict | None) -> list[Verdict]:
    """Judge a run (its hidden ``activations`` and ``history`` dict of columns) against
    every expectation of ``guide``."""
    out = []
    n = len(history["train_loss"]) if history else 0
    for e in expectations(guide):
        if not e.applies_to(tuple(activations)):
            out.append(Verdict(e, "other"))
        elif n < e.epochs:
            out.append(Verdict(e, "pending"))
        else:
            v = float(history[e.metric][e.epochs - 1])
            ok = not math.isnan(v) and OPS[e.op](v, e.value)
            out.append(Verdict(e, "pass" if ok else "fail", v))
    return out


def verify_lab(lab) -> list[Verdict]:
    """Train the lab once per activation its expectations name (same seed) and judge
    each expectation: the engine-side proof that a guided lab's claims are true."""
    from .trainer import Trainer

    verdicts = []
    for e in expectations(lab.guide):
        variant = lab.without_results()
        if e.activation is not None:
            variant = replace(variant, network=variant.network.with_activation(e.activation))
        variant = replace(variant, training=replace(variant.training, stop_after=None))
        t = Trainer(variant)
        t.train(e.epochs)
        verdicts += [v for v in check({"expect": [_as_dict(e)]},
                                      variant.network.activations, t.history.view())]
    return verdicts


def _as_dict(e: Expectation) -> dict:
    return {"metric": e.metric, "op": e.op, "value": e.value, "epochs": e.epochs,
            "activation": e.activation, "text": e.text}
