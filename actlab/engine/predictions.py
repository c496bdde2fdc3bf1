"""Prediction questions of guided labs, the student's answers, and how a run judges them.

A lab's ``guide`` may hold questions written by the teacher (``guide.predict``) and the
student's answers (``guide.predictions``)::

    "predict": [
      {"ask": "Will a linear network separate XOR?", "kind": "choice",
       "choices": ["Yes", "No"], "answer": "No", "activations": ["linear"],
       "explain": "A linear network draws one straight line…", "required": true},
      {"ask": "How many linear pieces will 4 ReLU units make?", "kind": "number",
       "metric": "pieces", "tolerance": 0},
      {"ask": "Draw the boundary a linear network will draw.", "kind": "sketch",
       "target": "boundary", "activations": ["linear"]}
    ],
    "predictions": [{"question": 0, "answer": "No", "why": "…", "run": 3}]

A *choice* is right when the answer is the question's ``answer``; a *number* when it is
within ``tolerance`` of the measured ``metric`` (:data:`METRICS`, the same names as
expected outcomes, measured on the run as it is now); a *sketch* gets the share where
the drawn boundary or curve agrees with the network's (see
:mod:`actlab.engine.analysis.sketch_agreement`).  A question may name the network it is
about with the network fields of an expected outcome (``hidden``, ``activations``,
``conv``, ``features``; :class:`~actlab.engine.outcomes.Expectation`): it is then asked
and judged only for runs of that network.  Lab files are checked by
:mod:`actlab.labfile.predictions`.  NumPy only, no Qt.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from actlab.engine.analysis import sketch_agreement as sketch
from actlab.engine.outcomes import METRICS, NETWORK_FIELDS, Expectation

KINDS = ("choice", "number", "sketch")
SKETCH_TARGETS = ("boundary", "curve")
#: The most points a sketch answer keeps (the canvas thins a stroke to fit).
MAX_SKETCH_POINTS = 400
#: A number answer is right within this of the measured value when the question names
#: no ``tolerance``: exact for a count of pieces, 5 points for an accuracy or R².
DEFAULT_TOLERANCE = {"pieces": 0.0, "train_accuracy": 0.05, "test_accuracy": 0.05,
                     "test_r2": 0.05}
#: … and for a loss: this share of the measured value.
LOSS_TOLERANCE_SHARE = 0.25
GRID = 80  # the grid a boundary sketch is compared on (GRID² points of the surface plane)
CURVE_POINTS = 401


@dataclass(frozen=True)
class Question:
    index: int
    ask: str
    form: str                       # "choice", "number" or "sketch" (the file's "kind")
    choices: tuple[str, ...] = ()
    answer: str | None = None       # a choice question's right answer
    metric: str | None = None       # a number question's measured quantity
    tolerance: float | None = None
    target: str | None = None       # a sketch: "boundary" or "curve"
    explain: str = ""
    required: bool = False
    about: Expectation | None = None  # the network it is about (None: any)

    @classmethod
    def from_dict(cls, d: dict, index: int, custom=()) -> "Question":
        about = None
        if any(k in d for k in NETWORK_FIELDS):
            net = {k: d[k] for k in NETWORK_FIELDS if k in d}
            about = Expectation.from_dict({**net, "metric": "test_loss", "op": "<",
                                           "value": 0.0}, custom)
        tol = d.get("tolerance")
        return cls(index, str(d.get("ask", "")), str(d.get("kind", "")),
                   tuple(str(c) for c in d.get("choices", ())),
                   None if d.get("answer") is None else str(d["answer"]),
                   d.get("metric"), None if tol is None else float(tol), d.get("target"),
                   str(d.get("explain", "")), bool(d.get("required", False)), about)

    def mismatch(self, run) -> str:
        """Why this question is not about ``run`` (a Lab); "" when it is."""
        return "" if self.about is None else self.about.network_mismatch(run)

    def network_words(self) -> str:
        return "" if self.about is None else self.about.network_words()

    def tolerance_for(self, measured: float) -> float:
        if self.tolerance is not None:
            return self.tolerance
        if self.metric in DEFAULT_TOLERANCE:
            return DEFAULT_TOLERANCE[self.metric]
        return LOSS_TOLERANCE_SHARE * abs(measured)


@dataclass(frozen=True)
class Prediction:
    question: int                   # index into guide.predict
    answer: object                  # str (choice), float (number), [[x, y], …] (sketch)
    why: str = ""
    run: int | None = None          # the run (run log number) it was made before

    @classmethod
    def from_dict(cls, d: dict) -> "Prediction":
        run = d.get("run")
        return cls(int(d["question"]), d.get("answer"), str(d.get("why", "")),
                   None if run is None else int(run))

    def to_dict(self) -> dict:
        out = {"question": self.question, "answer": self.answer}
        if self.why:
            out["why"] = self.why
        if self.run is not None:
            out["run"] = self.run
        return out


def questions(guide: dict | None, custom=()) -> list[Question]:
    """The guide's prediction questions (an empty list when it has none)."""
    return [Question.from_dict(d, i, custom)
            for i, d in enumerate((guide or {}).get("predict") or ())]


def predictions(guide: dict | None) -> list[Prediction]:
    """The student's answers saved in the guide, in question order."""
    out = [Prediction.from_dict(d) for d in (guide or {}).get("predictions") or ()]
    return sorted(out, key=lambda p: p.question)


def open_questions(guide: dict | None, run, skipped=(), custom=()) -> list[Question]:
    """The questions still to ask before ``run`` (a Lab) trains: about its network, not
    answered yet and not in ``skipped`` (indices)."""
    answered = {p.question for p in predictions(guide)}
    return [q for q in questions(guide, custom)
            if q.index not in answered and q.index not in set(skipped)
            and not q.mismatch(run)]


def with_prediction(guide: dict | None, prediction: Prediction) -> dict:
    """A copy of ``guide`` holding ``prediction`` (replacing an earlier answer to the
    same question), the answers kept in question order."""
    out = dict(guide or {})
    kept = [p for p in predictions(out) if p.question != prediction.question]
    out["predictions"] = [p.to_dict() for p in sorted(kept + [prediction],
                                                      key=lambda p: p.question)]
    return out


def thin_sketch(points, limit: int = MAX_SKETCH_POINTS) -> list[list[float]]:
    """At most ``limit`` of ``points`` (evenly chosen, both ends kept), rounded to 4
    decimals for the lab file."""
    pts = np.asarray(points, float).reshape(-1, 2)
    if len(pts) > limit:
        pts = pts[np.unique(np.linspace(0, len(pts) - 1, limit).round().astype(int))]
    return [[round(float(x), 4), round(float(y), 4)] for x, y in pts]


# ---------------------------------------------------------------------- judging

@dataclass(frozen=True)
class PredictionResult:
    question: Question
    prediction: Prediction
    status: str                     # "right", "wrong", "share" (a sketch), "other", "none"
    measured: float | None = None   # a number question's measured value
    share: float | None = None      # a sketch's agreement (0…1)
    mean_gap: float | None = None   # a curve sketch's mean |drawn − network|
    tolerance: float | None = None
    reason: str = ""                # "other"/"none": why it was not judged
    # what an overlay picture draws: "classes" (GRID, GRID) and "extent" for a boundary;
    # "x", "network_y", "drawn", "data_x", "data_y" for a curve
    picture: dict = field(default_factory=dict)

    @property
    def mark(self) -> str:
        return {"right": "✔", "wrong": "✘", "share": "≈"}.get(self.status, "–")


def judge(q: Question, p: Prediction, trainer) -> PredictionResult:
    """Judge the answer ``p`` to ``q`` on the run of ``trainer`` (an engine Trainer
    holding the run's weights and history)."""
    reason = q.mismatch(trainer.lab)
    if reason:
        return PredictionResult(q, p, "other", reason=reason.replace("this outcome",
                                                                     "this question"))
    try:
        if q.form == "choice":
            return PredictionResult(q, p, "right" if p.answer == q.answer else "wrong")
        if _epochs(trainer) == 0:
            return PredictionResult(q, p, "none", reason="not judged yet: train first")
        if q.form == "number":
            return _judge_number(q, p, trainer)
        if q.target == "boundary":
            return _judge_boundary(q, p, trainer)
        return _judge_curve(q, p, trainer)
    except (ValueError, TypeError, ZeroDivisionError, FloatingPointError) as e:
        return PredictionResult(q, p, "none", reason=f"not judged: {e}")


def judge_all(guide: dict | None, trainer) -> list[PredictionResult]:
    """Every answered question of ``guide`` judged on the run of ``trainer``."""
    qs = questions(guide, getattr(trainer.lab.network, "custom", ()))
    return [judge(qs[p.question], p, trainer) for p in predictions(guide)
            if 0 <= p.question < len(qs)]


def _epochs(trainer) -> int:
    from actlab.engine.history import epochs_done
    return epochs_done(trainer.history.view())


def measured_now(metric: str, trainer) -> float:
    """``metric`` of the run as it is now: the last history row, or the pieces counted
    on the current weights."""
    from actlab.engine.outcomes import run_pieces
    if metric == "pieces":
        return float(run_pieces(trainer.lab, trainer.network.get_params()))
    history = trainer.history.view()
    if metric == "test_r2":
        from actlab.engine.analysis.curve_metrics import r2_from_loss
        r2 = r2_from_loss(float(history["test_loss"][-1]), trainer.dataset.y_test)
        return math.nan if r2 is None else float(r2)
    return float(history[metric][-1])


def _judge_number(q: Question, p: Prediction, trainer) -> PredictionResult:
    measured = measured_now(q.metric, trainer)
    if not math.isfinite(measured):
        return PredictionResult(q, p, "none", reason="not judged: the run has no finite "
                                                     f"{metric_words(q.metric)}")
    tol = q.tolerance_for(measured)
    ok = abs(float(p.answer) - measured) <= tol + 1e-9
    return PredictionResult(q, p, "right" if ok else "wrong", measured=measured,
                            tolerance=tol)


def network_classes(trainer, n: int = GRID) -> tuple[np.ndarray, np.ndarray, float]:
    """The grid points (n², 2) of the surface plane, the network's class at each and the
    plane's extent (a point lab's classifier)."""
    grid = trainer.surface_grid(n)
    out = grid.output(trainer.network)
    classes = (out > 0.5).astype(int) if out.ndim == 2 else np.argmax(out, axis=-1)
    return grid.points, classes.ravel(), grid.extent


def _judge_boundary(q: Question, p: Prediction, trainer) -> PredictionResult:
    if trainer.lab.data.problem != "classification":
        raise ValueError("a boundary is drawn in classification labs")
    points, classes, extent = network_classes(trainer)
    n_classes = max(2, int(getattr(trainer, "n_out", 2)))
    agree = sketch.boundary_agreement(p.answer, points, classes, extent, n_classes)
    n = int(round(math.sqrt(len(classes))))
    return PredictionResult(q, p, "share", share=agree.share, picture={
        "classes": classes.reshape(n, n), "extent": extent})


def network_curve(trainer, n: int = CURVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced x on the function lab's interval and the network's y there."""
    from actlab.engine.features import transform
    from actlab.engine.models.mlp import augment, output_from_logits
    from actlab.engine.pictures.curve_grid import EXTENT
    xs = np.linspace(-EXTENT, EXTENT, n)
    net = trainer.network
    z = net.forward_logits(augment(transform(xs.reshape(-1, 1), trainer.features)))
    return xs, np.asarray(output_from_logits(z, net.output), float).ravel()


def _judge_curve(q: Question, p: Prediction, trainer) -> PredictionResult:
    if trainer.kind != "functions":
        raise ValueError("a curve is drawn in function labs")
    xs, ny = network_curve(trainer)
    if not np.isfinite(ny).all():
        raise ValueError("the network's curve is not finite (the run diverged)")
    ds = trainer.dataset
    ys = np.concatenate([np.ravel(ds.y_train), np.ravel(ds.y_test)])
    y_range = float(ys.max() - ys.min()) if ys.size else 1.0
    agree = sketch.curve_agreement(p.answer, xs, ny, y_range)
    return PredictionResult(q, p, "share", share=agree.share, mean_gap=agree.mean_gap,
                            tolerance=agree.tolerance, picture={
                                "x": xs, "network_y": ny, "drawn": agree.drawn,
                                "data_x": np.ravel(ds.X_train[:, 0]),
                                "data_y": np.ravel(ds.y_train)})


# ---------------------------------------------------------------------- words

def metric_words(metric: str | None) -> str:
    return {"pieces": "number of linear pieces", "test_r2": "test R²"}.get(
        metric or "", (metric or "").replace("_", " "))


def is_percent(metric: str | None) -> bool:
    """Accuracies are asked and shown in percent (the file holds fractions, as outcomes)."""
    return bool(metric) and "accuracy" in metric


def number_text(metric: str | None, v: float) -> str:
    if is_percent(metric):
        return f"{100 * v:.1f}\u00a0%"
    return f"{v:.0f}" if metric == "pieces" else f"{v:.3g}"


def answer_text(q: Question, p: Prediction) -> str:
    """The student's answer in words."""
    if q.form == "choice":
        return str(p.answer)
    if q.form == "number":
        return number_text(q.metric, float(p.answer))
    return "the dashed " + ("boundary" if q.target == "boundary" else "curve") + \
        " you drew"


def result_text(r: PredictionResult) -> str:
    """One sentence on the result of a prediction."""
    q = r.question
    if r.status in ("other", "none"):
        return r.reason or "not judged"
    if q.form == "choice":
        return "Right." if r.status == "right" else f"Not quite: the answer is {q.answer}."
    if q.form == "number":
        got = number_text(q.metric, r.measured)
        verdict = "Right" if r.status == "right" else "Not quite"
        if q.metric == "pieces":
            n = int(round(r.measured))
            return f"{verdict}: the trained curve has {n} linear piece{'s' * (n != 1)}."
        return f"{verdict}: the run's {metric_words(q.metric)} is {got}."
    pct = f"{100 * r.share:.0f}\u00a0%"
    if q.target == "boundary":
        return f"Your boundary agrees with the network's on {pct} of the plane."
    return (f"Your curve is within {r.tolerance:.2g} of the network's on {pct} of x "
            f"(mean gap {r.mean_gap:.2g}).")
