"""The run log: every run a student makes in a lab, kept with the lab and saved in its file.

A *run* is one training from freshly initialised weights: it starts when the weights are
(re-)initialised — Play after opening the lab, Reset, a new seed, another network — and
its record is brought up to date whenever the training stops (Pause, "Stop after", the
window closing or saving).  Each :class:`RunRecord` keeps what the student needs to tell
runs apart and what a report shows: the network and training settings in words, the seed,
the epochs, the final figures, each guided outcome's verdict for this run, and a small
thumbnail of the surface, curve or filters.

The log is bounded: :data:`MAX_RUNS` records (the oldest go first), a thumbnail at most
:data:`MAX_THUMBNAIL_BYTES` of PNG.  Plain data, no Qt: the window makes the thumbnail and
hands its PNG bytes in.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

MAX_RUNS = 50
MAX_THUMBNAIL_BYTES = 24_000    # a 96-px PNG of a surface is 4-12 KB
THUMBNAIL_PX = 96
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: the final figures a record keeps, in the order a report shows them
FIGURES = ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "test_r2")
# (the history's names; test_r2 for regression and function labs, from the test loss)
STATUSES = ("pass", "fail", "pending", "other")
LOOKS = ("pass", "as_predicted", "fail", "unexpected", "pending", "other")
OPTIMIZER_TITLES = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}


@dataclass(frozen=True)
class OutcomeResult:
    """One guided outcome's verdict for a run: ``status`` and ``look`` as
    :class:`actlab.engine.outcomes.Verdict` gives them (``look`` "as_predicted" is a claim
    the lab predicts to fail that failed: met; "" reads as ``status``), ``measured`` its
    value (None when it was not measured)."""
    index: int
    status: str
    measured: float | None = None
    look: str = ""

    @property
    def shown(self) -> str:
        return self.look or self.status

    @property
    def met(self) -> bool:
        """Did the run do what the lab expects of it (reached, or failed as predicted)?"""
        return self.shown in ("pass", "as_predicted")


@dataclass(frozen=True)
class RunRecord:
    number: int                     # 1, 2, …: counts every run in this lab
    network: str                    # "hidden layers 4, 2 · tanh" (words)
    activations: tuple = ()         # every layer's activation, display names
    training: str = ""              # "SGD · learning rate 0.03 · batch 10"
    seed: int = 1
    epochs: int = 0
    figures: dict = field(default_factory=dict)   # name in FIGURES -> float
    outcomes: tuple = ()            # OutcomeResult per guided outcome
    thumbnail: bytes = b""          # PNG, or empty
    when: str = ""                  # ISO 8601, the local time the run last trained

    def reached(self, index: int) -> bool:
        """Whether this run met outcome ``index`` (reached it, or failed as predicted)."""
        return any(o.index == index and o.met for o in self.outcomes)

    def result(self, index: int) -> OutcomeResult | None:
        return next((o for o in self.outcomes if o.index == index), None)


def final_figures(history: dict | None) -> dict:
    """The last value of each of :data:`FIGURES` in ``history`` (finite ones only)."""
    out = {}
    for key in FIGURES:
        values = (history or {}).get(key)
        if values is not None and len(values):
            v = float(values[-1])
            if math.isfinite(v):
                out[key] = v
    return out


def outcome_results(verdicts) -> tuple:
    """:class:`OutcomeResult` s of ``verdicts`` (Verdicts of :func:`outcomes.check`)."""
    out = []
    for i, v in enumerate(verdicts):
        m = v.measured
        out.append(OutcomeResult(i, v.status, None if m is None or not math.isfinite(m)
                                 else float(m), getattr(v, "look", v.status)))
    return tuple(out)


def add_run(runs: tuple, record: RunRecord) -> tuple:
    """``runs`` with ``record`` in it: replacing the record of the same number (a run
    brought up to date), else appended; the oldest dropped beyond :data:`MAX_RUNS`."""
    runs = tuple(runs)
    if any(r.number == record.number for r in runs):
        runs = tuple(record if r.number == record.number else r for r in runs)
    else:
        runs = runs + (record,)
    return runs[-MAX_RUNS:]


def next_number(runs: tuple) -> int:
    return max((r.number for r in runs), default=0) + 1


def reached_by(runs: tuple, n_outcomes: int) -> dict[int, tuple[int, ...]]:
    """For each outcome index, the numbers of the runs that reached it."""
    return {i: tuple(r.number for r in runs if r.reached(i)) for i in range(n_outcomes)}


def checked_by(runs: tuple, index: int) -> tuple:
    """The runs whose network outcome ``index`` is about (verdict "pass" or "fail")."""
    return tuple(r for r in runs if (o := r.result(index)) is not None
                 and o.status in ("pass", "fail"))



def network_text(lab) -> str:
    """The network of ``lab`` in words: convolutions and dense layers of an image
    network, else the hidden layers and the inputs."""
    from actlab.engine.activations.lookup import display_name
    from actlab.engine.outcomes import conv_words, feature_words, network_words

    net = lab.network
    custom = getattr(net, "custom", ())
    if hasattr(net, "conv"):
        conv = [replace(c, activation=display_name(c.activation, custom)) for c in net.conv]
        return conv_words(conv, net.hidden, [display_name(a, custom) for a in net.activations])
    words = network_words(net.hidden, [display_name(a, custom) for a in net.activations])
    return f"{words} · inputs {feature_words(lab.features)}"


def training_text(training) -> str:
    opt = OPTIMIZER_TITLES.get(training.optimizer, training.optimizer)
    words = f"{opt} · learning rate {training.learning_rate:g} · batch {training.batch_size}"
    if training.regularization != "none" and training.reg_rate:
        words += f" · {training.regularization.upper()} {training.reg_rate:g}"
    return words


def record_of(lab, history, verdicts, number: int, thumbnail: bytes = b"",
              when: str = "", dataset=None) -> RunRecord:
    """The record of run ``number``: ``lab`` (its network, training and seed), its
    ``history`` and the ``verdicts`` of its guided outcomes (:func:`outcomes.check`);
    ``dataset`` (the run's Dataset) gives a regression's test R²."""
    from actlab.engine.activations.lookup import display_name
    from actlab.engine.history import epochs_done

    if thumbnail and (len(thumbnail) > MAX_THUMBNAIL_BYTES
                      or not thumbnail.startswith(PNG_SIGNATURE)):
        thumbnail = b""  # never a record the file would refuse
    custom = getattr(lab.network, "custom", ())
    figures = final_figures(history)
    if lab.problem == "regression" and dataset is not None and "test_loss" in figures \
            and len(dataset.y_test):
        from actlab.engine.analysis.curve_metrics import r2_from_loss

        r2 = r2_from_loss(figures["test_loss"], dataset.y_test)
        if r2 is not None and math.isfinite(r2):
            figures["test_r2"] = float(r2)
    return RunRecord(
        number=int(number), network=network_text(lab)[:400],
        activations=tuple(display_name(a, custom) for a in lab.network.activation_names()),
        training=training_text(lab.training)[:400], seed=int(lab.seed),
        epochs=epochs_done(history), figures=figures,
        outcomes=outcome_results(verdicts), thumbnail=thumbnail, when=when)
