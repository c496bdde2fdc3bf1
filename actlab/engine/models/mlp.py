"""A fully connected network with its parameters in one flat buffer.

Layer ``l`` maps ``n_l`` inputs to ``n_{l+1}`` outputs with an *augmented* weight matrix
``Wa`` of shape ``(n_l + 1, n_{l+1})``: its first ``n_l`` rows are ``W`` and its last row is
the bias ``b``.  Every ``Wa`` is a view into one flat parameter vector, so an optimizer
update is a single NumPy call, and feeding each layer an input with a trailing column of
ones makes ``x @ Wa`` compute ``x @ W + b`` in one call (and ``x.T @ dZ`` both gradients).
Tiny networks are bound by per-call overhead, not arithmetic; the training step below is
written to make as few NumPy calls as possible into preallocated buffers.

Output heads: ``"sigmoid"`` (binary, cross-entropy), ``"softmax"`` (multi-class,
cross-entropy) and ``"linear"`` (regression, half the mean squared error).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.activations.base import Activation
from actlab.engine.activations.lookup import canonical_name, get_activation
from actlab.engine.divergence import safe_weight_limit
from actlab.engine.model import Update
from actlab.engine.models.mlp_program import DenseEpoch, Evaluator, _softmax_grad
from actlab.engine.regularizers import add_weight_penalty, regularization_kind, weight_penalty

OUTPUTS = ("sigmoid", "softmax", "linear")


def output_kind(problem: str, n_classes: int) -> tuple[str, int]:
    """(output head, number of outputs) for a problem."""
    if problem == "regression":
        return "linear", 1
    if n_classes > 2:
        return "softmax", n_classes
    return "sigmoid", 1


def augment(X: np.ndarray) -> np.ndarray:
    """``X`` with a trailing column of ones, C-contiguous float64."""
    X = np.asarray(X, dtype=float)
    out = np.empty((X.shape[0], X.shape[1] + 1))
    out[:, :-1] = X
    out[:, -1] = 1.0
    return out


@dataclass
class _Workspace:
    """Preallocated buffers for one batch size, *feature-major*: one row per unit, one
    column per sample.  Then every unit's activations are a contiguous row block, and
    the ones row that carries the bias sits below them (elementwise NumPy calls on a
    strided view cost 3x as much as on a contiguous one at batch 10, measured)."""

    Z: list          # pre-activations per layer (size, n)
    Aaug: list       # hidden outputs with a ones row (size + 1, n)
    A: list          # views Aaug[:-1], contiguous
    dA: list         # gradient w.r.t. hidden outputs (size, n)
    dZ: list         # gradient w.r.t. pre-activations (incl. output)
    tmp: list


class Network:
    """Weights, a forward pass and a backward pass.  No training loop here."""

    def __init__(self, n_inputs: int, hidden: tuple[int, ...] | list[int],
                 activations: tuple[str, ...] | list[str], n_outputs: int = 1,
                 output: str = "sigmoid", init: str = "xavier",
                 rng: np.random.Generator | int | None = 0, leaky_slope: float = 0.01,
                 custom=()):
        # custom: the lab's own activations (NetworkSpec.custom), found by name like
        # built-ins (see actlab.engine.custom_activation)
        if len(activations) != len(hidden):
            raise ValueError(f"{len(activations)} activations for {len(hidden)} hidden layers")
        if output not in OUTPUTS:
            raise ValueError(f"unknown output {output!r}")
        self.sizes = [int(n_inputs), *map(int, hidden), int(n_outputs)]
        self.leaky_slope = leaky_slope
        self.custom = tuple(custom)
        self.activation_names = tuple(canonical_name(a, self.custom) for a in activations)
        self.acts: list[Activation] = [get_activation(a, leaky_slope, self.custom)
                                       for a in self.activation_names]
        self.output = output
        self.n_layers = len(self.sizes) - 1
        shapes = [(self.sizes[i] + 1, self.sizes[i + 1]) for i in range(self.n_layers)]
        self.n_params = sum(r * c for r, c in shapes)
        self.flat = np.zeros(self.n_params)
        self.grad_flat = np.zeros(self.n_params)
        self.Wa, self.Ga = [], []
        off = 0
        for r, c in shapes:
            self.Wa.append(self.flat[off:off + r * c].reshape(r, c))
            self.Ga.append(self.grad_flat[off:off + r * c].reshape(r, c))
            off += r * c
        # 1 where the entry is a weight, 0 for a bias: regularisation touches weights only.
        self.weight_mask = np.ones(self.n_params)
        for Wa in self.Wa:
            self.weight_mask[_offset(self.flat, Wa) + Wa.size - Wa.shape[1]:
                             _offset(self.flat, Wa) + Wa.size] = 0.0
        self._ws: dict[int, _Workspace] = {}
        self.initialize(init, rng)

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    # ------------------------------------------------------------------ parameters
    def initialize(self, init: str = "xavier", rng: np.random.Generator | int | None = 0) -> None:
        """Seeded initial weights: Glorot/Xavier uniform, He normal, or TensorFlow
        Playground's uniform(-0.5, 0.5) with biases 0.1.  Biases are 0 otherwise."""
        rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        for Wa in self.Wa:
            fan_in, fan_out = Wa.shape[0] - 1, Wa.shape[1]
            if init == "xavier":
                lim = np.sqrt(6.0 / (fan_in + fan_out))
                Wa[:-1] = rng.uniform(-lim, lim, size=(fan_in, fan_out))
                Wa[-1] = 0.0
            elif init == "he":
                Wa[:-1] = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
                Wa[-1] = 0.0
            elif init == "playground":
                Wa[:-1] = rng.uniform(-0.5, 0.5, size=(fan_in, fan_out))
                Wa[-1] = 0.1
            else:
                raise ValueError(f"unknown initialisation {init!r}")

    def get_params(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of the parameters as ``[(W, b), ...]``, W of shape (fan_in, fan_out)."""
        return [(Wa[:-1].copy(), Wa[-1].copy()) for Wa in self.Wa]

    def set_params(self, params) -> None:
        """Load ``[(W, b), ...]``; shapes must match the architecture."""
        params = list(params)
        if len(params) != self.n_layers:
            raise ValueError(f"expected {self.n_layers} (W, b) pairs, got {len(params)}")
        for i, ((W, b), Wa) in enumerate(zip(params, self.Wa)):
            W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float).reshape(-1)
            if W.shape != Wa[:-1].shape or b.shape != (Wa.shape[1],):
                raise ValueError(f"layer {i}: W {W.shape}, b {b.shape} do not match "
                                 f"{Wa[:-1].shape}, ({Wa.shape[1]},)")
            Wa[:-1] = W
            Wa[-1] = b

    def set_entry(self, layer: int, row: int, col: int, value: float) -> float:
        """Set one parameter in place and return the value it had: ``W[row, col]`` of
        weight layer ``layer`` (0 = inputs -> first layer), or the bias ``b[col]`` when
        ``row`` equals the layer's fan-in (the bias row of the augmented matrix).

        Writes through the view into the flat buffer, so the optimizer, the compiled
        epoch and the evaluator (which all hold views of it) see the new value."""
        if not 0 <= layer < self.n_layers:
            raise IndexError(f"weight layer {layer} outside 0..{self.n_layers - 1}")
        Wa = self.Wa[layer]
        if not (0 <= row < Wa.shape[0] and 0 <= col < Wa.shape[1]):
            raise IndexError(f"entry ({row}, {col}) outside layer {layer}'s "
                             f"{Wa.shape[0] - 1} inputs (+ bias) x {Wa.shape[1]} outputs")
        old = float(Wa[row, col])
        Wa[row, col] = value
        return old

    # ------------------------------------------------------------------ buffers
    def workspace(self, n: int) -> _Workspace:
        ws = self._ws.get(n)
        if ws is None:
            hid = self.sizes[1:-1]
            Aaug = [np.ones((s + 1, n)) for s in hid]
            ws = _Workspace(
                Z=[np.empty((s, n)) for s in self.sizes[1:]],
                Aaug=Aaug, A=[a[:-1] for a in Aaug],
                dA=[np.empty((s, n)) for s in hid],
                dZ=[np.empty((s, n)) for s in self.sizes[1:]],
                tmp=[np.empty((s, n)) for s in self.sizes[1:]],
            )
            if len(self._ws) > 8:  # batch sizes change rarely; keep memory bounded
                self._ws.clear()
            self._ws[n] = ws
        return ws

    # ------------------------------------------------------------------ forward
    def forward_logits(self, Xa: np.ndarray) -> np.ndarray:
        """Output pre-activations, shape (n, n_outputs), for augmented input rows ``Xa``
        (a transposed view of a workspace buffer: copy it if you keep it)."""
        ws = self.workspace(Xa.shape[0])
        inp = Xa.T
        for l, act in enumerate(self.acts):
            self.Wa[l].T.dot(inp, out=ws.Z[l])
            act.forward(ws.Z[l], ws.A[l])
            inp = ws.Aaug[l]
        self.Wa[-1].T.dot(inp, out=ws.Z[-1])
        return ws.Z[-1].T

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Network output for raw feature rows ``X`` (n, n_inputs): probabilities of class 1
        (shape (n,)) for sigmoid, class probabilities (n, k) for softmax, values (n,) for
        regression."""
        z = self.forward_logits(augment(X))
        return output_from_logits(z, self.output)

    def hidden_outputs(self, X: np.ndarray, before_activation: bool = False) -> list[np.ndarray]:
        """Each hidden layer's outputs (or pre-activations) for rows ``X`` (copies)."""
        ws = self.workspace(X.shape[0])
        self.forward_logits(augment(X))
        src = ws.Z[:-1] if before_activation else ws.A
        return [a.T.copy() for a in src]

    # ------------------------------------------------------------------ training step
    def train_gradients(self, Xa: np.ndarray, yc: np.ndarray) -> None:
        """Write the data-loss gradient for one minibatch into ``grad_flat``.

        ``Xa`` are augmented input rows (n, n_inputs + 1); ``yc`` is the target as
        :func:`target_form` gives it (one row per output, one column per sample).  The
        compiled epoch in ``plan.py`` replays exactly these calls.
        """
        n = Xa.shape[0]
        ws = self.workspace(n)
        Wa, Ga, acts = self.Wa, self.Ga, self.acts
        inp = Xa.T
        L = len(acts)
        for l in range(L):                        # forward: Z = Wa^T [A; 1]
            Wa[l].T.dot(inp, out=ws.Z[l])
            acts[l].forward(ws.Z[l], ws.A[l])
            inp = ws.Aaug[l]
        z, dz, t = ws.Z[L], ws.dZ[L], ws.tmp[L]
        Wa[L].T.dot(inp, out=z)
        if self.output == "sigmoid":
            # dL/dz = (sigmoid(z) - y) / n = 0.5 tanh(z/2) / n + (0.5 - y) / n
            np.multiply(z, 0.5, out=t)
            np.tanh(t, out=t)
            np.multiply(t, 0.5 / n, out=dz)
            np.add(dz, yc, out=dz)
        elif self.output == "softmax":
            _softmax_grad(z, t, n, yc, dz)
        else:
            # half mean squared error (as TensorFlow Playground): dL/dz = (z - y) / n
            np.subtract(z, yc, out=dz)
            np.multiply(dz, 1.0 / n, out=dz)
        for l in range(L, 0, -1):                 # backward, the mirror image
            ws.Aaug[l - 1].dot(ws.dZ[l].T, out=Ga[l])
            Wa[l][:-1].dot(ws.dZ[l], out=ws.dA[l - 1])
            acts[l - 1].backward(ws.Z[l - 1], ws.A[l - 1], ws.dA[l - 1], ws.dZ[l - 1],
                                 ws.tmp[l - 1])
        Xa.T.dot(ws.dZ[0].T, out=Ga[0])

    # ------------------------------------------------------------------ public API
    def data_loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """The data loss alone on feature rows ``X`` with targets ``y``: mean cross-entropy
        (classification) or half the mean squared error (regression).  This is what the
        history's ``train_loss``/``test_loss`` record (as TensorFlow Playground shows it):
        no regularisation penalty."""
        y = np.asarray(y, dtype=float).reshape(-1)
        return data_loss(self.forward_logits(augment(X)), y, self.output)

    def penalty(self, regularization: str = "none", reg_rate: float = 0.0) -> float:
        """The regularisation penalty of the current weights (biases are never penalised):
        L2 ``reg_rate * sum(w**2) / 2``, L1 ``reg_rate * sum(|w|)``, 0 for ``"none"``."""
        return weight_penalty(self.flat, self.weight_mask, regularization, reg_rate)

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray, regularization: str = "none",
                       reg_rate: float = 0.0) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
        """The training objective on feature rows ``X`` with targets ``y``, and its gradient
        as ``[(dW, db), ...]``.

        The objective is ``data_loss(X, y) + penalty(regularization, reg_rate)``: the data
        loss (what the history's ``train_loss`` records) *plus* the penalty, L2
        ``reg_rate * sum(w**2) / 2`` or L1 ``reg_rate * sum(|w|)`` over weights only (not
        biases) — the function whose gradient the optimizer follows.  With
        ``regularization="none"`` (or a rate of 0) it equals the history's loss.
        ``regularization`` is ``"none"``, ``"l1"`` or ``"l2"`` in any case; other names
        raise ValueError.  ``X`` are rows in feature space (``Trainer.train_rows()`` gives
        them for a lab)."""
        kind = regularization_kind(regularization)
        Xa = augment(X)
        y = np.asarray(y, dtype=float).reshape(-1)
        n = Xa.shape[0]
        self.train_gradients(Xa, target_form(y, self.output, self.sizes[-1], n))
        loss = data_loss(self.forward_logits(Xa), y, self.output)
        loss += add_weight_penalty(self.flat, self.weight_mask, self.grad_flat, kind,
                                   reg_rate)
        return loss, [(G[:-1].copy(), G[-1].copy()) for G in self.Ga]


    # ------------------------------------------------------------------ training (Model)
    def largest_value(self, X: np.ndarray) -> float:
        """The largest |pre-activation| of any layer (the output's included) on feature
        rows ``X`` (NaN if one is NaN; 0 for no rows)."""
        if len(X) == 0:
            return 0.0
        self.forward_logits(augment(X))
        ws = self.workspace(len(X))
        return float(np.max([v for Z in ws.Z for v in (Z.max(), -Z.min())]))

    def weight_layers(self) -> list[tuple[int, int]]:
        """``(entries, weights)`` per layer: each augmented matrix is one block of the
        flat buffer, its last row the bias."""
        return [(G.size, G.size - G.shape[1]) for G in self.Ga]

    def weight_limit(self, x_max: float) -> float:
        """:func:`.divergence.safe_weight_limit` for this network: every activation keeps
        |f(z)| <= gain |z| + 1, the gain 1 but for a leaky ReLU steeper than 1 or a
        designed activation (its steepest piece and its offset at 0)."""
        gain = max(1.0, float(self.leaky_slope)) if "leaky_relu" in self.activation_names \
            else 1.0
        for c in self.custom:
            if c.name in self.activation_names:  # (|f(z)| <= gain |z| for |z| >= 1)
                gain = max(gain, c.max_slope + abs(float(c.value(0.0))))
        return safe_weight_limit(self.sizes, x_max, gain)

    def evaluation(self, X_train, y_train, X_test, y_test) -> Evaluator:
        """The compiled :class:`.mlp_program.Evaluator` on feature rows (train and test
        rows in one block, so every loss and accuracy takes one pass)."""
        return Evaluator(self, augment(np.vstack([X_train, X_test])), y_train, y_test)

    def epoch_program(self, X, y, batch_size: int, reshuffle: bool,
                      update: Update) -> DenseEpoch:
        """The compiled epoch (:class:`.mlp_program.DenseEpoch`) over feature rows ``X``
        with targets ``y`` in minibatches of ``batch_size`` (at most the number of rows)."""
        Xa = augment(X)
        n = Xa.shape[0]
        bs = max(1, min(int(batch_size), n))
        # each row's target is divided by the size of the minibatch its *position* is in
        sizes = np.full(n, float(bs))
        if n % bs:
            sizes[n - n % bs:] = n % bs
        base = target_form(y, self.output, self.n_outputs, 1.0)
        scale = None if self.output == "linear" else (1.0 / sizes).reshape(1, -1)
        return DenseEpoch(self, Xa, base, scale, bs, reshuffle, update)


def _offset(base: np.ndarray, view: np.ndarray) -> int:
    return (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // 8


def target_form(y: np.ndarray, output: str, n_out: int, n_norm) -> np.ndarray:
    """Targets rearranged for ``Network.train_gradients``, shape (outputs, n):
    ``(0.5 - y) / n`` for sigmoid, ``onehot / n`` for softmax, ``y`` for regression.
    ``n_norm`` is the batch size (a number, or an array with one entry per sample)."""
    y = np.asarray(y, dtype=float).reshape(-1)
    norm = np.asarray(n_norm, dtype=float).reshape(1, -1) if np.ndim(n_norm) else float(n_norm)
    if output == "sigmoid":
        return np.ascontiguousarray((0.5 - y.reshape(1, -1)) / norm)
    if output == "softmax":
        onehot = np.zeros((n_out, y.size))
        onehot[y.astype(int), np.arange(y.size)] = 1.0
        return onehot / norm
    return np.ascontiguousarray(y.reshape(1, -1))


def output_from_logits(z: np.ndarray, output: str) -> np.ndarray:
    """Probabilities (sigmoid/softmax) or values (linear) from output pre-activations."""
    if output == "sigmoid":
        return 0.5 * np.tanh(0.5 * z[:, 0]) + 0.5
    if output == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return z[:, 0].copy()


def data_loss(z: np.ndarray, y: np.ndarray, output: str) -> float:
    """Mean cross-entropy (classification) or half the mean squared error (regression,
    as TensorFlow Playground reports it)."""
    if y.size == 0:
        return float("nan")
    if output == "sigmoid":
        zz = z[:, 0]
        return float(np.mean(np.logaddexp(0.0, zz) - y * zz))
    if output == "softmax":
        m = z.max(axis=1)
        lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
        return float(np.mean(lse - z[np.arange(y.size), y.astype(int)]))
    return float(0.5 * np.mean((z[:, 0] - y) ** 2))
