"""What the curve workspace of a function lab draws, computed once per frame: the curve
on [-6, 6] drawn exactly through its kinks, each unit's share of it, the linear pieces
and, for a network of linear layers, the one line it equals (issue 12).

NumPy only.  :func:`make_curve_picture` reads a point :class:`~.trainer.Trainer` training
a function lab and never raises on a diverged run: its picture then says why in
``reason``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from actlab.engine.analysis import pieces
from actlab.engine.activations.lookup import get_activation
from actlab.engine.activations.designed import find as find_custom, fold_affine
from actlab.engine.features import feature_label
from actlab.engine.frozen import read_only
from actlab.engine.data.functions import X_MAX, X_MIN

GRID_POINTS = 400  # smooth enough for tanh steps at ~600 px; kinks are inserted exactly

NOT_FINITE = ("The weights are not finite numbers (the run diverged), so there is no "
              "curve to take apart. Reset the network or lower the learning rate.")


@dataclass(frozen=True)
class CurvePicture:
    """One frame of the curve workspace.

    ``x`` is an even grid on [-6, 6] with the kink positions inserted (so a polyline
    through ``(x, y)`` is the exact curve of a piecewise-linear network); ``y`` the
    network's output there.  ``parts[:, j]`` is unit j of the last hidden layer times its
    outgoing weight (None without hidden layers): ``parts.sum(1) + bias == y``.
    ``kinks_x``/``kinks_y`` mark where the slope changes; ``n_pieces`` counts the linear
    pieces on [-6, 6] and ``pieces_bound`` is the ceiling for these layer sizes, both
    None when the curve is not piecewise linear — ``reason`` says why in a sentence and
    ``short_reason`` in a few words.  ``line`` (a :class:`~.pieces.CollapseLine`) is set
    when every hidden activation is a straight line and the input is x itself."""

    x: np.ndarray
    y: np.ndarray
    parts: np.ndarray | None
    bias: float
    kinks_x: np.ndarray
    kinks_y: np.ndarray
    n_pieces: int | None
    pieces_bound: int | None
    reason: str | None
    line: pieces.CollapseLine | None
    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    epoch: int
    hidden: tuple[int, ...] = ()
    activation_titles: tuple[str, ...] = ()
    short_reason: str | None = None

    @property
    def n_units(self) -> int:
        return 0 if self.parts is None else int(self.parts.shape[1])


def _is_straight(act) -> bool:
    """A hidden activation the network collapses through (the identity, or a designed
    activation that is one affine piece)."""
    return act.is_linear or (act.piecewise_linear and not act.kinks)


def _short_reason(acts, features) -> str:
    bent = [feature_label(f) for f in features if f not in pieces.AFFINE_FEATURES]
    if bent:
        return f"The input {', '.join(bent)} bends x: no linear pieces to count"
    smooth = [a.title for a in acts if not a.piecewise_linear]
    if smooth:
        return f"{smooth[0]} is smooth: no linear pieces to count"
    return "No linear pieces to count"


def _analysed(net) -> tuple[list, list]:
    """``(params, activations)`` of ``net`` ready for :mod:`.pieces`: a designed
    (custom) activation that is one straight line a·z + c is folded into the layer before
    it and becomes "linear" (``is_linear`` on a custom activation means collinear, not the
    identity, so the collapse must not read it as z); a designed one with kinks is
    marked piecewise linear with its kinks, so its pieces are counted exactly."""
    params, names = fold_affine(net.get_params(), net.activation_names, net.custom,
                                net.leaky_slope)
    acts = []
    for name, act in zip(names, net.acts):
        own = find_custom(name, net.custom)
        if name == "linear":
            act = get_activation("linear")
        elif own is not None and not act.piecewise_linear:
            act = replace(act, piecewise_linear=True, kinks=tuple(own.kinks))
        acts.append(act)
    return params, acts


def _grid(kinks_x: np.ndarray) -> np.ndarray:
    g = np.linspace(X_MIN, X_MAX, GRID_POINTS)
    return np.union1d(g, kinks_x) if kinks_x.size else g


def make_curve_picture(trainer) -> CurvePicture:
    """The curve picture of ``trainer``'s network now (a function lab: inputs x of shape
    (n, 1)).  Activations are the network's own (custom designed ones included)."""
    net, ds = trainer.network, trainer.dataset
    params, acts = _analysed(net)  # the lab's activations: designed ones, leaky slope
    features = tuple(trainer.features)
    hidden = tuple(int(n) for n in net.sizes[1:-1])
    data = dict(train_x=read_only(ds.X_train[:, 0]), train_y=read_only(ds.y_train),
                test_x=read_only(ds.X_test[:, 0]), test_y=read_only(ds.y_test),
                epoch=int(trainer.epoch), hidden=hidden,
                activation_titles=tuple(a.title for a in net.acts))
    finite = all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in params)
    if not finite:
        return _broken(data)

    reason = pieces.not_piecewise_linear_reason(acts, features)
    with np.errstate(all="ignore"):
        try:
            cp = None if reason else pieces.curve_pieces(params, acts, X_MIN, X_MAX, features)
        except ValueError as e:  # features the analysis cannot read as affine
            reason, cp = str(e), None
        kinks_x = cp.kinks.copy() if cp is not None else np.zeros(0)
        x = _grid(kinks_x)
        contrib = pieces.unit_contributions(params, acts, x, features)
    y = contrib.curve
    if not np.isfinite(y).all():  # finite weights whose products overflow
        return _broken(data)
    kinks_y = y[np.searchsorted(x, kinks_x)] if kinks_x.size else np.zeros(0)
    line = None
    # with x² or sin x among the inputs the collapse is not a line in x
    if all(_is_straight(a) for a in acts) and features == ("x",):
        with np.errstate(all="ignore"):
            line = pieces.collapse_line(params, acts, X_MIN, X_MAX, features, n_grid=201)
    return CurvePicture(
        x=read_only(x), y=read_only(y),
        parts=read_only(contrib.parts) if acts else None, bias=contrib.bias,
        kinks_x=read_only(kinks_x), kinks_y=read_only(kinks_y),
        n_pieces=cp.n_pieces if cp is not None else None,
        pieces_bound=pieces.pieces_upper_bound(hidden, acts) if cp is not None else None,
        reason=reason, line=line,
        short_reason=_short_reason(acts, features) if reason and cp is None else None,
        **data)


def _broken(data: dict) -> CurvePicture:
    """A picture with the data and no curve (NaN, which the view leaves out)."""
    x = read_only(np.linspace(X_MIN, X_MAX, GRID_POINTS))
    empty = read_only(np.zeros(0))
    return CurvePicture(x=x, y=read_only(np.full(x.size, np.nan)), parts=None, bias=np.nan,
                        kinks_x=empty, kinks_y=empty, n_pieces=None, pieces_bound=None,
                        reason=NOT_FINITE, line=None,
                        short_reason="The run diverged: no curve to draw", **data)
