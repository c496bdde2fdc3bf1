"""Expected outcomes of guided labs, and how a run is checked against them.

A lab's ``guide`` (a plain dict in the lab file) may hold::

    "guide": {
      "instructions": "…", "question": "…",
      "expect": [
        {"metric": "test_accuracy", "op": "<", "value": 0.75, "epochs": 300,
         "hidden": [8, 8, 8], "activations": ["linear", "linear", "linear"],
         "features": ["x1", "x2"],
         "text": "With linear activations test accuracy stays below 75 %"}
      ],
      "locked": ["features"], "hidden": ["regularization"]
    }

An expectation is a claim about one network: its hidden layer sizes (``hidden``), their
activations (``activations``, one per layer, or ``activation``, one name for every layer)
and its input ``features``.  It is judged on the history at ``epochs`` of runs of exactly
that network; any other run is "not checked for this network" (mark ``–``) with a reason,
because a claim about four tanh neurons says nothing about four linear ones.

An expectation may say that its claim **should fail** (``"should": "fail"``, with the
lesson in ``because``): the failure is what the lab teaches ("a linear network passes
75 % on XOR" should fail, because three linear layers act as one straight line).  Its
verdict keeps ``status`` (whether the claim held) and adds what that *means*
(:attr:`Verdict.met`, :attr:`Verdict.look`): a claim that should fail and does not hold
is met, "✔ as predicted: <because>"; one that holds anyway is shown neutrally ("!").

It is also a claim about the lab's *data set* (``data``, a
:class:`~actlab.engine.outcome_data.DataClaim`: the generator and noise, or a digest of
the lab's own points; what counts is explained there): a run on other data — the
student's own images, a drawn curve, another noise — is "not checked" (mark ``–``) with
a reason naming both data sets.

In a lab *file* the network fields and ``data`` may be left out: :mod:`actlab.labfile`
fills them in at load from the file's own network, features and data, so a claim stays
about the network and data the teacher wrote even after the student changes theirs and
saves.  A guide built in code that leaves a field out places no condition on it.
Tests train every preset's claims over a grid of seeds, so a lab never teaches
something false.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from actlab.engine.history import epochs_done, row_of_epoch
from actlab.engine.outcome_data import DataClaim
from actlab.lab import FunctionDataSpec

#: "test_r2" (regression: 1 − SS_res/SS_tot on the test points) is not a history column;
#: it is computed from the history's test loss (half the mean squared error) and the
#: variance of the run's test targets.  "pieces" (function labs) is the exact number of
#: linear pieces of the run's curve on [-6, 6], counted from its weights (see
#: :func:`curve_pieces`): the weights a run has *now*, so it is judged on runs that have
#: trained at least ``epochs`` epochs (presets stop there: ``stop_after``).
METRICS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "test_r2", "pieces")
#: The interval the pieces are counted on: the x range of every function lab.
PIECES_INTERVAL = (-6.0, 6.0)
OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
       ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
#: The fields that say which network an expectation is about ("conv": the convolution
#: layers of an image lab, as in its network; "hidden"/"activations" are then its dense
#: layers).
NETWORK_FIELDS = ("conv", "hidden", "activations", "activation", "features")
#: What the lab expects of a claim (``should``): that it holds ("reach", the default) or
#: that it does not ("fail": the failure is the lesson).
SHOULD = ("reach", "fail")


@dataclass(frozen=True)
class Expectation:
    metric: str
    op: str
    value: float
    epochs: int
    activation: str | None = None          # every hidden layer uses it (any sizes)
    text: str = ""
    hidden: tuple[int, ...] | None = None
    activations: tuple[str, ...] | None = None
    features: tuple[str, ...] | None = None
    conv: tuple | None = None               # image labs: the ConvSpec of every layer
    data: DataClaim | None = None           # the data set it is about (None: any)
    should: str = "reach"                   # "fail": the lab expects the claim NOT to hold
    because: str = ""                       # should fail: why, in the lab's words

    @property
    def should_fail(self) -> bool:
        return self.should == "fail"

    @classmethod
    def from_dict(cls, d: dict, custom=()) -> "Expectation":
        metric, op = d.get("metric"), d.get("op")
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
        if op not in OPS:
            raise ValueError(f"op must be one of {', '.join(OPS)}, got {op!r}")
        acts = d.get("activations")
        one = d.get("activation")
        if isinstance(acts, str):  # "activations": "tanh" means every layer, like activation
            one, acts = acts, None
        hidden = _tuple(d.get("hidden"), int)
        if acts is None and one is not None and hidden is not None:
            acts = [one] * len(hidden)
        acts = _tuple(acts, str)
        if hidden is not None and acts is not None and len(hidden) != len(acts):
            raise ValueError(f"{len(acts)} activations for {len(hidden)} hidden layers")
        conv = d.get("conv")
        if conv is not None:
            from actlab.engine.models.cnn_spec import ConvSpec
            # a convolution may name one of the lab's designed activations (``custom``)
            conv = tuple(c if isinstance(c, ConvSpec) else ConvSpec(**c, custom=custom)
                         for c in conv)
        data = d.get("data")
        if data is not None and not isinstance(data, DataClaim):
            data = DataClaim.from_dict(data)
        should = d.get("should", "reach")
        if should not in SHOULD:
            raise ValueError(f"should must be one of {', '.join(SHOULD)}, got {should!r}")
        return cls(metric, op, float(d["value"]), int(d.get("epochs", 300)),
                   None if acts is not None else one, str(d.get("text", "")),
                   hidden, acts, _tuple(d.get("features"), str), conv, data,
                   should, str(d.get("because", "")))

    def describe(self) -> str:
        if self.text:
            return self.text
        value = f"{self.value:.0%}" if "accuracy" in self.metric else f"{self.value:g}"
        about = self.network_words()
        who = f"with {about}: " if about else ""
        metric = {"test_r2": "test R²", "pieces": "linear pieces"}.get(
            self.metric, self.metric.replace("_", " "))
        return (f"{who}{metric} {self.op} {value} "
                f"after {self.epochs} epochs")

    def network_words(self) -> str:
        """The network this claim is about, in words ("" when it is about any)."""
        net, inputs = self._net_words(), self._input_words()
        return f"{net} on {inputs}" if net and inputs else net or inputs

    def _net_words(self) -> str:
        if self.conv is not None:
            return conv_words(self.conv, self.hidden, self.activations)
        if self.hidden is not None or self.activations is not None:
            return network_words(self.hidden, self.activations)
        if self.activation is not None:
            return f"{self.activation} in every hidden layer"
        return ""

    def _input_words(self) -> str:
        return "" if self.features is None else f"inputs {feature_words(self.features)}"

    def mismatch(self, run) -> str:
        """Why this claim is not about ``run`` (anything with ``.network.hidden``,
        ``.network.activations`` and ``.features``, e.g. a Lab); "" when it is.  Other
        data comes first (:meth:`data_mismatch`): on other data, building the network
        the claim names would not make it about the run either."""
        return self.data_mismatch(run) or self.network_mismatch(run)

    def data_mismatch(self, run) -> str:
        """Why ``run``'s data (``run.data``) is not the data set this claim is about, in
        words ("" when it is, or when the claim or the run names no data)."""
        if self.data is None:
            return ""
        return self.data.mismatch(getattr(run, "data", None))

    def network_mismatch(self, run) -> str:
        """Why ``run``'s network or features are not the ones this claim is about."""
        hidden = tuple(run.network.hidden)
        acts = tuple(a.lower() for a in run.network.activations)
        run_conv = tuple(getattr(run.network, "conv", ()))
        if self.conv is not None and _conv_layers(self.conv) != _conv_layers(run_conv):
            yours = conv_words(run_conv, hidden, run.network.activations) if run_conv \
                else network_words(hidden, run.network.activations)
            return f"this outcome is about {self._net_words()}; yours has {yours}"
        net_ok = (self.hidden is None or tuple(self.hidden) == hidden) and (
            self.activations is None or tuple(a.lower() for a in self.activations) == acts
        ) and (self.activation is None or (
            len(acts) > 0 and all(a == self.activation.lower() for a in acts)))
        # the order of the inputs changes nothing a claim is about
        feats_ok = self.features is None or set(self.features) == set(run.features)
        if net_ok and feats_ok:
            return ""
        about, yours = [], []
        if not net_ok:
            about.append(self._net_words())
            yours.append(network_words(hidden, run.network.activations))
        if not feats_ok:
            about.append(self._input_words())
            yours.append(f"inputs {feature_words(run.features)}")
        return f"this outcome is about {' on '.join(about)}; yours has {' on '.join(yours)}"

    def applies_to(self, run) -> bool:
        return not self.mismatch(run)

    def to_dict(self) -> dict:
        d = {"metric": self.metric, "op": self.op, "value": self.value,
             "epochs": self.epochs, "text": self.text}
        if self.activation is not None:
            d["activation"] = self.activation
        for key in ("hidden", "activations", "features"):
            if getattr(self, key) is not None:
                d[key] = list(getattr(self, key))
        if self.conv is not None:
            d["conv"] = [{k: getattr(c, k) for k in ("filters", "kernel", "padding", "stride",
                                                     "activation", "pool")} for c in self.conv]
        if self.data is not None:
            d["data"] = self.data.to_dict()
        if self.should_fail:  # the default ("reach") is not written
            d["should"] = self.should
            if self.because:
                d["because"] = self.because
        return d


def _tuple(v, kind) -> tuple | None:
    if v is None:
        return None
    if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
        raise ValueError(f"must be a list, got {v!r}")
    return tuple(kind(x) for x in v)


def network_words(hidden, activations) -> str:
    """"1 hidden layer of 4 tanh neurons", "no hidden layer", "hidden layers of 4 tanh,
    2 relu neurons" (``hidden`` or ``activations`` may be None: not stated)."""
    if hidden is None:
        names = ", ".join(activations)
        return f"hidden activations {names}" if activations else "no hidden layer"
    hidden = tuple(hidden)
    if not hidden:
        return "no hidden layer"
    acts = tuple(activations) if activations is not None else ("",) * len(hidden)
    layers = f"{len(hidden)} hidden layer{'s' if len(hidden) > 1 else ''}"
    if len(set(hidden)) == 1 and len(set(acts)) == 1:
        kind = f"{acts[0]} " if acts[0] else ""
        n = hidden[0]
        return f"{layers} of {n} {kind}neuron{'s' if n > 1 else ''}"
    parts = ", ".join(f"{n} {a}".rstrip() for n, a in zip(hidden, acts))
    return f"{layers} ({parts} neurons)"


def conv_words(conv, hidden=None, activations=None) -> str:
    """"convolutions 8 linear, 8 linear (max pool) and no dense layer" for an image
    network: filters, activation and pooling per convolution, then the dense layers."""
    layers = ", ".join(f"{c.filters} {c.activation}" + (f" ({c.pool} pool)" if c.pool != "none"
                                                        else "") for c in conv)
    dense = ("no dense layer" if not hidden else
             "dense " + ", ".join(f"{n} {a}" for n, a in zip(hidden, activations or
                                                           ("",) * len(hidden))))
    return f"convolutions {layers} and {dense}"


def feature_words(features) -> str:
    from actlab.engine.features import FEATURES
    return ", ".join(FEATURES[f].label if f in FEATURES else str(f) for f in features)


@dataclass(frozen=True)
class Verdict:
    expectation: Expectation
    status: str            # "pass", "fail", "pending" (not enough epochs), "other" (n/a)
    measured: float | None = None
    reason: str = ""       # "other": why the claim is not about this run; "fail": why it
    #                        could not be measured, when it could not (e.g. not piecewise linear)
    at_epoch: int | None = None   # "pieces": the epoch of the weights counted
    other_data: bool = False      # "other" because the run's data is another data set

    @property
    def measured_ok(self) -> bool:
        """The claim was measured (a number, not NaN: not diverged, countable pieces)."""
        return self.measured is not None and math.isfinite(self.measured)

    @property
    def met(self) -> bool | None:
        """Did the run do what the lab expects?  A claim that should hold: it held.  A
        claim that should fail: it was measured and did not hold (a run that diverged or
        could not be measured proves no lesson).  None while not judged ("pending",
        "other")."""
        if self.status not in ("pass", "fail"):
            return None
        if self.expectation is not None and self.expectation.should_fail:
            return self.status == "fail" and self.measured_ok
        return self.status == "pass"

    @property
    def look(self) -> str:
        """How the verdict is shown: "pass" (reached), "as_predicted" (a claim that should
        fail did: success), "fail" (missed: the student's ✘), "unexpected" (a claim that
        should fail held: neutral), "pending" or "other"."""
        e = self.expectation
        if self.status not in ("pass", "fail") or e is None or not e.should_fail:
            return self.status
        if self.status == "pass":
            return "unexpected"
        return "as_predicted" if self.measured_ok else "fail"

    @property
    def mark(self) -> str:
        return MARKS[self.look]


#: The mark of each :attr:`Verdict.look`: ✔ a claim reached or failing as predicted, ✘
#: missed, ! a claim that should fail held, … needs more epochs, – not checked.
MARKS = {"pass": "✔", "as_predicted": "✔", "fail": "✘", "unexpected": "!",
         "pending": "…", "other": "–"}


def _conv_layers(conv) -> tuple:
    """What a claim about convolutions compares: each layer's settings (not the designed
    activations the layer carries for looking its activation up)."""
    return tuple((c.filters, c.kernel, c.padding, c.stride, c.activation, c.pool)
                 for c in conv)


def expectations(guide: dict | None, custom=()) -> list[Expectation]:
    """The lab's expectations (an empty list when it has none); ``custom``: the lab's
    designed activations, which its claims may name."""
    if not guide:
        return []
    return [Expectation.from_dict(d, custom) for d in guide.get("expect", [])]


def check(guide: dict | None, run, history: dict | None, params=None) -> list[Verdict]:
    """Judge a run — ``run`` is its Lab (or anything with ``.network`` and ``.features``),
    ``history`` its dict of per-epoch columns — against every expectation of ``guide``.
    ``params``: the run's weights now (``Snapshot.params``, ``[(W, b), ...]``), which the
    "pieces" metric counts; None takes ``run.params`` (a saved lab's trained weights)."""
    if params is None:
        params = getattr(run, "params", None)
    custom = getattr(getattr(run, "network", None), "custom", ())
    return [_judge(e, run, history, params) for e in expectations(guide, custom)]


def _judge(e: Expectation, run, history: dict | None, params=None) -> Verdict:
    reason = e.data_mismatch(run)
    if reason:
        return Verdict(e, "other", reason=reason, other_data=True)
    reason = e.network_mismatch(run)
    if reason:
        return Verdict(e, "other", reason=reason)
    n = epochs_done(history)
    if n < e.epochs:
        return Verdict(e, "pending")
    if e.metric == "pieces":
        return _judge_pieces(e, run, params, n)
    v = _measured(e, run, history)
    ok = not math.isnan(v) and OPS[e.op](v, e.value)
    return Verdict(e, "pass" if ok else "fail", v)


def _judge_pieces(e: Expectation, run, params, epoch: int) -> Verdict:
    """The "pieces" claim on the run's weights (trained ``epoch`` epochs)."""
    if params is None:
        return Verdict(e, "pending", reason="the run's weights are not known yet")
    try:
        n = run_pieces(run, params)
    except ValueError as err:  # not piecewise linear (a smooth activation, x², sin x)
        return Verdict(e, "fail", reason=str(err), at_epoch=epoch)
    return Verdict(e, "pass" if OPS[e.op](n, e.value) else "fail", float(n), at_epoch=epoch)


def run_pieces(run, params) -> int:
    """The exact number of linear pieces on [-6, 6] of the curve of a function-lab run
    (``run`` its Lab, ``params`` its weights ``[(W, b), ...]``), its own custom activations
    included.  ValueError, saying why in words, when the curve is not piecewise linear in x
    (a smooth activation, the features x² or sin x) or the run is not a function lab."""
    from actlab.engine.activations.lookup import get_activation
    from actlab.engine.analysis.pieces import linear_pieces

    data = getattr(run, "data", None)
    if data is not None and not isinstance(data, FunctionDataSpec):
        raise ValueError("Linear pieces are counted for function labs (y = f(x)) only.")
    net = run.network
    acts = [get_activation(a, net.leaky_slope, getattr(net, "custom", ()))
            for a in net.activations]
    return linear_pieces(params, acts, *PIECES_INTERVAL, features=list(run.features),
                         leaky_slope=net.leaky_slope)


def _measured(e: Expectation, run, history: dict) -> float:
    row = row_of_epoch(history, e.epochs)
    if row is None:  # not kept by a thinned history (a run's pins keep every claim's)
        return math.nan
    if e.metric != "test_r2":
        return float(history[e.metric][row])
    data = getattr(run, "data", None)
    if data is None or data.problem != "regression":
        return math.nan
    from actlab.engine.data.build import build_dataset
    from actlab.engine.analysis.curve_metrics import r2_from_loss
    r2 = r2_from_loss(float(history["test_loss"][row]), build_dataset(data).y_test)
    return math.nan if r2 is None else r2


def network_for(lab, e: Expectation):
    """``lab`` (without results, no early stop) changed to the network and features
    ``e`` is about: the run that proves or disproves the claim."""
    net = lab.network
    if e.conv is not None:
        net = replace(net, conv=tuple(e.conv))
    if e.hidden is not None:
        acts = e.activations if e.activations is not None else \
            (net.activations if len(net.activations) == len(e.hidden) else None)
        if acts is None:
            raise ValueError(f"'{e.describe()}' gives hidden sizes but no activations")
        net = replace(net, hidden=tuple(e.hidden), activations=tuple(acts))
    elif e.activations is not None:
        if len(e.activations) != len(net.hidden):
            raise ValueError(f"'{e.describe()}' gives {len(e.activations)} activations for "
                             f"{len(net.hidden)} hidden layers")
        net = replace(net, activations=tuple(e.activations))
    elif e.activation is not None:
        net = net.with_activation(e.activation)
    variant = replace(lab.without_results(), network=net)
    if e.features is not None:
        variant = replace(variant, features=tuple(e.features))
    return replace(variant, training=replace(variant.training, stop_after=None))


def verify_lab(lab) -> list[Verdict]:
    """Train the network each expectation is about (the lab's seeds and training) and
    judge it: the engine-side proof that a guided lab's claims are true.  Claims about
    the same network share one run, trained to the longest of their epochs."""
    from actlab.engine.trainer import Trainer

    exps = expectations(lab.guide, getattr(lab.network, "custom", ()))
    variants = [network_for(lab, e) for e in exps]
    runs: dict = {}
    for e, variant in zip(exps, variants):
        key = (variant.network, variant.features)
        runs[key] = max(runs.get(key, 0), e.epochs)
    histories = {}
    for (network, features), epochs in runs.items():
        t = Trainer(replace(lab.without_results(), network=network, features=features,
                            training=replace(lab.training, stop_after=None)))
        t.train(epochs)
        histories[(network, features)] = (t.history.view(), t.network.get_params())
    out = []
    for e, v in zip(exps, variants):
        history, params = histories[(v.network, v.features)]
        if e.metric == "pieces" and epochs_done(history) > e.epochs:
            # the weights at exactly e.epochs: a shorter run of the same network
            t = Trainer(replace(lab.without_results(), network=v.network, features=v.features,
                                training=replace(lab.training, stop_after=None)))
            t.train(e.epochs)
            history, params = t.history.view(), t.network.get_params()
        out.append(_judge(e, v, history, params))
    return out
