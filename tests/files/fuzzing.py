"""Shared pieces of the fuzz suite: the hypothesis profile, value strategies, mutations of
valid lab dicts, and the one property every case must have.

The property: a file is either *accepted* -- it loads, saves, loads back equal, and a
Trainer trains one epoch on it -- or refused with *one clear error* (the loader's own
error type, one printable line); never any other exception.
"""
from __future__ import annotations

import json
import math
import os
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis import event as _event
from hypothesis.control import currently_in_test_context

# One fixed, reproducible profile: derandomized (the same examples on every run), no
# deadline (a busy 2-core CI machine is slow, not wrong), no example database on disk.
settings.register_profile(
    "actlab-fuzz", derandomize=True, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
FUZZ = settings.get_profile("actlab-fuzz")

# Work above which an accepted lab is not trained in the fuzz (points x weights): the
# property still holds for it, checking it would only make CI slow.
MAX_TRAIN_WORK = 3_000_000

# ------------------------------------------------------------------ values

# Strings that have broken parsers and terminals before, beside random text.
NASTY_TEXT = ["", " ", "\n", "\x00", "\x1b[31m", "\ud800", "\udfff", "\U0001F600", "\u202e",
              "ReLU", "TANH", "custom", "circle", "relu", "x1", "9" * 50, "null", "NaN",
              "<img src=x width=3000>"]

SCALARS = st.one_of(
    st.none(), st.booleans(),
    st.integers(-3, 12), st.integers(), st.sampled_from([0, 1, 2, -1, 10**6, 2**32, 2**63, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 0.5, 1.0, 1e-300, 1e300, 5e-324, math.inf, -math.inf, math.nan]),
    st.text(max_size=12), st.sampled_from(NASTY_TEXT), st.builds(lambda: "a" * 5000),
)
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                     st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12)


# Names a lab file holds, in the spellings people type.
NAMES = ["linear", "relu", "ReLU", "leaky_relu", "elu", "tanh", "Tanh", "sigmoid", "softplus",
         "gelu", "silu", "sine", "circle", "xor", "gaussian", "spiral", "moons",
         "checkerboard", "spiral3", "blobs3", "plane", "gaussian_mix", "custom",
         "classification", "regression", "x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1",
         "sinx2", "sgd", "momentum", "adam", "none", "l1", "l2", "L2", "xavier", "he",
         "playground", "data", "features", "network", "activation", "learning_rate",
         "train_loss", "test_accuracy", "<", ">=", "=="]


def plausible(original: Any) -> st.SearchStrategy:
    """Values of the same kind as ``original``: edits a person might make by hand."""
    if isinstance(original, bool):
        return st.booleans()
    if isinstance(original, int):
        return st.one_of(st.integers(-2, 70), st.integers(0, 200_000),
                         st.sampled_from([original + 1, original - 1, 2**32, 2**32 - 1]))
    if isinstance(original, float):
        return st.one_of(st.floats(-1, 12), st.floats(0, 1),
                         st.sampled_from([original * 2, -original, 0.0, 1.0, 1e-8]))
    if isinstance(original, str):
        return st.one_of(st.sampled_from(NAMES), st.text(max_size=20))
    if isinstance(original, list):
        return st.one_of(st.just(original[:-1]), st.just(original[1:]), st.just(original * 2),
                         st.lists(st.sampled_from(original), max_size=6) if original
                         else st.just([]))
    return JSON_VALUES


# ------------------------------------------------------------------ mutations

def paths(v: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (a tuple of keys and indexes) into the JSON value ``v``."""
    out = [prefix]
    if isinstance(v, dict):
        for k, x in v.items():
            out += paths(x, prefix + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v[:8]):  # the first rows of points and weights are enough
            out += paths(x, prefix + (i,))
    return out


def _parent(d: Any, path: tuple) -> Any:
    for key in path[:-1]:
        d = d[key]
    return d


@st.composite
def mutated(draw, base: dict, max_mutations: int = 3) -> dict:
    """``base`` (a valid lab dict, not changed) with 1..max_mutations random changes:
    a value replaced by a random JSON value, a field removed, a field added, a list
    element duplicated or dropped."""
    d = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, max_mutations))):
        # format and version: one value each is valid, random JSON covers the rest
        targets = [p for p in paths(d)[1:] if p[:1] not in (("format",), ("version",))]
        if not isinstance(d, dict) or not targets:
            return d
        path = draw(st.sampled_from(targets))
        action = draw(st.sampled_from(["plausible"] * 4 + ["replace", "remove", "add",
                                                           "duplicate"]))
        parent, key = _parent(d, path), path[-1]
        if action == "plausible":
            parent[key] = draw(plausible(parent[key]))
        elif action == "replace":
            parent[key] = draw(JSON_VALUES)
        elif action == "remove":
            del parent[key]
        elif action == "add" and isinstance(parent[key], dict):
            parent[key][draw(st.one_of(st.text(max_size=8), st.sampled_from(NASTY_TEXT)))] = \
                draw(JSON_VALUES)
        elif action == "duplicate" and isinstance(parent[key], list) and parent[key]:
            parent[key].append(parent[key][-1])
        else:
            parent[key] = draw(JSON_VALUES)
    return d


def dump(d: Any) -> str:
    """JSON text of ``d`` as a hand-edited file could hold it (NaN tokens included)."""
    return json.dumps(d, allow_nan=True)


# ------------------------------------------------------------------ the property

def event(text: str) -> None:
    """Count an outcome for ``--hypothesis-show-statistics`` (outside a test: nothing)."""
    if currently_in_test_context():
        _event(text)


def one_clear_line(message: str) -> None:
    assert message, "an empty error message"
    assert message.isprintable(), f"not one printable line: {message!r}"
    assert len(message) < 700, f"{len(message)} characters"


def train_work(lab) -> int:
    from actlab.labfile.format import layer_sizes
    d = lab.data
    n = (len(d.train_points or ()) if d.is_custom else d.n_points)
    sizes = layer_sizes(lab)
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return n * max(weights, 1) * max(1, 50 // max(lab.training.batch_size, 1))


def check_lab_file(path: str | os.PathLike, tmp_dir: str | os.PathLike) -> str:
    """Apply the property to the lab file at ``path``; "accepted" or "refused"."""
    from actlab.engine.trainer import Trainer
    from actlab.labfile.format import LabFileError, load_lab, save_lab
    try:
        lab = load_lab(path)
    except LabFileError as e:
        one_clear_line(str(e))
        event("refused: " + (e.path.split(".")[0].split("[")[0] or e.reason[:30]))
        return "refused"
    again = os.path.join(tmp_dir, "again.actlab")
    save_lab(lab, again)  # whatever loads can be saved: no error allowed here
    back = load_lab(again)
    assert back == lab, "save then load gave another lab"
    if train_work(lab) > MAX_TRAIN_WORK:
        event("accepted, too big to train here")
        return "accepted"
    trainer = Trainer(lab)
    trainer.train(1)
    trainer.snapshot(grid=8, neurons=False)
    if not trainer.diverged:  # as the CLI and the window save a trained lab
        save_lab(trainer.to_lab(), again)
    event("accepted and trained")
    return "accepted"
