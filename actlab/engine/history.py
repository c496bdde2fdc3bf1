"""Per-epoch history in append-only storage, so snapshots can share it without copying."""
from __future__ import annotations

import numpy as np

COLUMNS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")


class History:
    """Train/test loss and accuracy for every epoch done (epoch k is row k-1).

    Storage grows by doubling; an old buffer is never written again once replaced, so the
    read-only views handed out by :meth:`view` stay valid and unchanged.
    """

    def __init__(self, capacity: int = 1024):
        self._data = np.full((max(16, capacity), len(COLUMNS)), np.nan)
        self._n = 0
        self._epochs = self._epoch_numbers(self._data.shape[0])

    @staticmethod
    def _epoch_numbers(n: int) -> np.ndarray:
        # 1..n once per storage size: view() hands out slices of it.  (A fresh arange per
        # snapshot, each a little longer than the last, made glibc's heap creep up by ~17
        # bytes an epoch on a 10^6-epoch run: benchmarks/long_run.py.)
        e = np.arange(1, n + 1)
        e.flags.writeable = False
        return e

    def __len__(self) -> int:
        return self._n

    def append(self, train_loss: float, test_loss: float, train_acc: float,
               test_acc: float) -> None:
        if self._n == self._data.shape[0]:
            grown = np.full((2 * self._n, len(COLUMNS)), np.nan)
            grown[: self._n] = self._data
            self._data = grown
            self._epochs = self._epoch_numbers(grown.shape[0])
        self._data[self._n] = (train_loss, test_loss, train_acc, test_acc)
        self._n += 1

    def append_row(self, row: np.ndarray) -> None:
        """Append ``[train_loss, test_loss, train_accuracy, test_accuracy]`` (one call)."""
        if self._n == self._data.shape[0]:
            self.append(*row)
            return
        self._data[self._n] = row
        self._n += 1

    def column(self, name: str) -> np.ndarray:
        """A read-only view of one column (length = epochs done)."""
        v = self._data[: self._n, COLUMNS.index(name)]
        v.flags.writeable = False
        return v

    def view(self) -> dict[str, np.ndarray]:
        """Read-only views of every column plus ``epoch`` (1..n)."""
        out = {name: self.column(name) for name in COLUMNS}
        out["epoch"] = self._epochs[: self._n]
        return out

    def last(self) -> dict[str, float]:
        if self._n == 0:
            return {name: float("nan") for name in COLUMNS}
        return {name: float(v) for name, v in zip(COLUMNS, self._data[self._n - 1])}

    def to_dict(self) -> dict[str, list[float]]:
        """Plain lists (for lab files): ``epoch`` and every column."""
        d = {"epoch": list(range(1, self._n + 1))}
        for i, name in enumerate(COLUMNS):
            d[name] = [float(x) for x in self._data[: self._n, i]]
        return d

    @classmethod
    def from_dict(cls, d: dict | None) -> "History":
        h = cls()
        if not d:
            return h
        n = len(d.get("train_loss", []))
        cols = [list(d.get(name) or [float("nan")] * n) for name in COLUMNS]
        for row in zip(*cols):
            h.append(*row)
        return h


class GradientHistory:
    """Mean |∂L/∂W| per weight layer (biases left out) over a run, from its first epoch.

    The trainer records the gradient of one minibatch per recorded epoch: the first
    minibatch of the run (at the starting weights, "epoch 0") and then the last minibatch
    of an epoch — the gradient the optimizer was about to apply, before regularisation.
    That costs four NumPy calls on the flat gradient buffer, where a full-batch gradient
    would cost another forward and backward pass (as much as an epoch at full batch).

    Storage is bounded: at most ``capacity`` rows.  When it is full every other row is
    dropped and only every ``stride``-th epoch is recorded from then on (the stride
    doubles), so a long run keeps an evenly spaced record back to its start.
    """

    def __init__(self, n_layers: int, capacity: int = 2048):
        self.capacity = max(4, int(capacity)) // 2 * 2
        self._epochs = np.zeros(self.capacity, dtype=np.int64)
        self._norms = np.full((self.capacity, n_layers), np.nan)
        self._n = 0
        self._last = -1  # the newest epoch kept
        self.stride = 1

    def __len__(self) -> int:
        return self._n

    def slot(self, epoch: int) -> np.ndarray | None:
        """The storage row to write ``epoch``'s norms into, or None when the record does
        not keep ``epoch`` (cheap: the trainer asks every epoch).  The row counts only
        after :meth:`commit`, so an epoch that diverges leaves no trace."""
        if epoch % self.stride or epoch <= self._last:
            return None
        if self._n == self.capacity:
            # keep the rows on the doubled stride's grid, so the spacing stays even
            self.stride *= 2
            keep = self._epochs[: self._n] % self.stride == 0
            k = int(keep.sum())
            self._epochs[:k] = self._epochs[: self._n][keep]
            self._norms[:k] = self._norms[: self._n][keep]
            self._n = k
            if epoch % self.stride:
                return None
        self._epochs[self._n] = epoch
        return self._norms[self._n]

    def commit(self, epoch: int) -> None:
        """Keep the row :meth:`slot` handed out for ``epoch``."""
        self._n += 1
        self._last = epoch

    def append(self, epoch: int, norms: np.ndarray) -> None:
        """Record ``norms`` for ``epoch`` if the record keeps it."""
        row = self.slot(epoch)
        if row is not None:
            row[:] = norms
            self.commit(epoch)

    def epochs(self) -> np.ndarray:
        """The recorded epochs (a copy), increasing."""
        return self._epochs[: self._n].copy()

    def norms(self) -> np.ndarray:
        """(recorded epochs, weight layers) mean |∂L/∂W| (a copy)."""
        return self._norms[: self._n].copy()


class LayerGradientSizes:
    """Mean |∂L/∂W| per weight layer of a model's flat gradient buffer, biases left out:
    four or five NumPy calls whatever the depth.  ``weight_layers`` is the model's
    ``(entries, weights)`` per layer (contiguous blocks in layer order, see
    :class:`~actlab.engine.model.Model`), ``weight_mask`` 1 on weights and 0 on biases."""

    def __init__(self, weight_layers, weight_mask: np.ndarray):
        sizes = [entries for entries, _ in weight_layers]
        self.n_layers = len(sizes)
        # where each layer's block starts (one reduceat sums every layer at once) and
        # 1 / its number of weights
        self._starts = np.concatenate([[0], np.cumsum(sizes[:-1])]).astype(np.intp)
        self._inv = np.array([1.0 / weights for _, weights in weight_layers])
        self._mask = weight_mask
        self._abs = np.empty(weight_mask.size)
        self._sum = np.empty(self.n_layers)

    def measure(self, out: np.ndarray, g: np.ndarray, minus: np.ndarray | None = None) -> None:
        """Write the sizes for gradient ``g`` — less ``minus`` (the regulariser's term,
        when it was already added in) — into ``out``."""
        if minus is None:
            np.abs(g, out=self._abs)
        else:
            np.subtract(g, minus, out=self._abs)
            np.abs(self._abs, out=self._abs)
        np.multiply(self._abs, self._mask, out=self._abs)
        np.add.reduceat(self._abs, self._starts, out=self._sum)
        np.multiply(self._sum, self._inv, out=out)
