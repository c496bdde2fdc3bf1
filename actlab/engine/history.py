"""Per-epoch history in append-only storage, so snapshots can share it without copying."""
from __future__ import annotations

import numpy as np

COLUMNS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")


#: A history keeps at most this many rows (a long run keeps a thinned record): the first
#: :data:`HEAD_ROWS` epochs and the latest :data:`RECENT_ROWS` at full resolution, the
#: epochs between evenly spaced — each time the record is full, the spacing doubles
#: (every ``stride``-th epoch kept; the loss plot draws ~2,000 points of any run anyway).  8,192 rows make a lab file's history at most ~0.8 MB, however long
#: the run (unbounded, 10^6 epochs made a 64 MB file ActLab then refused to open).
MAX_ROWS = 8192
HEAD_ROWS = 1024
RECENT_ROWS = 2048


def epochs_done(history: dict | None) -> int:
    """The epochs a history mapping (``Snapshot.history``, a lab file's ``history``)
    covers: its last ``epoch`` — not its number of rows, which a long run thins."""
    if not history:
        return 0
    epochs = history.get("epoch")
    if epochs is not None and len(epochs):
        return int(epochs[-1])
    return len(history.get("train_loss", ()))


def row_of_epoch(history: dict, epoch: int) -> int | None:
    """The row of ``history`` that records ``epoch`` exactly, or None when the record does
    not keep it (a thinned stretch of a long run)."""
    epochs = history.get("epoch")
    if epochs is None:
        n = len(history.get("train_loss", ()))
        return epoch - 1 if 1 <= epoch <= n else None
    epochs = np.asarray(epochs)
    i = int(np.searchsorted(epochs, epoch))
    return i if i < len(epochs) and int(epochs[i]) == epoch else None


def expected_epochs(guide: dict | None) -> list[int]:
    """The epochs at which ``guide``'s claims are judged (whole numbers ≥ 1 only: a
    guide is checked in full elsewhere): the rows a long run's history must keep."""
    out = []
    for d in (guide or {}).get("expect", ()) if isinstance(guide, dict) else ():
        e = d.get("epochs") if isinstance(d, dict) else None
        if isinstance(e, int) and not isinstance(e, bool) and e >= 1:
            out.append(e)
    return out


class History:
    """Train/test loss and accuracy per epoch done, with the epoch each row records.

    A run of up to :data:`MAX_ROWS` epochs keeps every epoch (epoch k is row k-1); a longer
    one keeps a bounded, thinned record (see :data:`MAX_ROWS`), always with its first and
    latest epochs and the ``pinned`` ones (the epochs a lab's guide judges).

    Storage grows by doubling and thinning writes a new buffer; an old buffer is never
    written again once replaced, so the read-only views handed out by :meth:`view` stay
    valid and unchanged.
    """

    def __init__(self, capacity: int = 1024, pinned=(), max_rows: int = MAX_ROWS):
        self.max_rows = max(64, int(max_rows))
        self._head = min(HEAD_ROWS, self.max_rows // 8)
        self._recent = min(RECENT_ROWS, self.max_rows // 4)
        cap = min(max(16, capacity), self.max_rows)
        self._data = np.full((cap, len(COLUMNS)), np.nan)
        self._epochs = np.zeros(cap, dtype=np.int64)
        self._n = 0
        self._done = 0  # epochs done: the epoch of the last row
        self.stride = 1  # the spacing of the thinned stretch
        self._pinned = np.array(sorted({int(e) for e in pinned if int(e) > 0}), dtype=np.int64)

    def __len__(self) -> int:
        """Rows kept (= epochs done until a long run is thinned; see :attr:`epochs_done`)."""
        return self._n

    @property
    def epochs_done(self) -> int:
        return self._done

    def _make_room(self) -> None:
        """Room for one more row: a doubled buffer, or (at ``max_rows``) a thinned copy."""
        n = self._n
        if n < self.max_rows:
            cap = min(2 * n, self.max_rows)
            data = np.full((cap, len(COLUMNS)), np.nan)
            epochs = np.zeros(cap, dtype=np.int64)
            data[:n], epochs[:n] = self._data[:n], self._epochs[:n]
        else:
            # the stretch between the first and the latest epochs keeps every stride-th
            # epoch (and the pinned ones); the stride doubles while that fills more than
            # half the stretch's room, so the next thinning is many epochs away
            middle = np.arange(self._head, n - self._recent)
            kept = self._epochs[middle]
            room = len(middle) // 2
            pinned = np.isin(kept, self._pinned)
            if pinned.sum() > room // 2:  # (a guide of thousands of claims)
                pinned[:] = False
            on_grid = (kept % self.stride == 0) | pinned
            while on_grid.sum() > room:
                self.stride *= 2
                on_grid = (kept % self.stride == 0) | pinned
            keep = np.ones(n, dtype=bool)
            keep[middle] = on_grid
            k = int(keep.sum())
            data = np.full((self.max_rows, len(COLUMNS)), np.nan)
            epochs = np.zeros(self.max_rows, dtype=np.int64)
            data[:k], epochs[:k] = self._data[:n][keep], self._epochs[:n][keep]
            self._n = k
        self._data, self._epochs = data, epochs

    def append(self, train_loss: float, test_loss: float, train_acc: float,
               test_acc: float) -> None:
        self.append_row((train_loss, test_loss, train_acc, test_acc))

    def append_row(self, row, epoch: int | None = None) -> None:
        """Append ``[train_loss, test_loss, train_accuracy, test_accuracy]`` (one call) as
        the next epoch (or as ``epoch``, which must be later than the last)."""
        if self._n == self._data.shape[0]:
            self._make_room()
        self._done = self._done + 1 if epoch is None else int(epoch)
        self._data[self._n] = row
        self._epochs[self._n] = self._done
        self._n += 1

    def column(self, name: str) -> np.ndarray:
        """A read-only view of one column (one value per row kept)."""
        v = self._data[: self._n, COLUMNS.index(name)]
        v.flags.writeable = False
        return v

    def epochs(self) -> np.ndarray:
        """A read-only view of the epoch each row records (increasing)."""
        v = self._epochs[: self._n]
        v.flags.writeable = False
        return v

    def view(self) -> dict[str, np.ndarray]:
        """Read-only views of every column plus ``epoch``."""
        out = {name: self.column(name) for name in COLUMNS}
        out["epoch"] = self.epochs()
        return out

    def last(self) -> dict[str, float]:
        if self._n == 0:
            return {name: float("nan") for name in COLUMNS}
        return {name: float(v) for name, v in zip(COLUMNS, self._data[self._n - 1])}

    def to_dict(self) -> dict[str, list[float]]:
        """Plain lists (for lab files): ``epoch`` and every column."""
        d = {"epoch": [int(e) for e in self._epochs[: self._n]]}
        for i, name in enumerate(COLUMNS):
            d[name] = [float(x) for x in self._data[: self._n, i]]
        return d

    @classmethod
    def from_dict(cls, d: dict | None, pinned=(), max_rows: int = MAX_ROWS) -> "History":
        """The history of a mapping such as :meth:`to_dict` gives (a lab file's); one
        without ``epoch`` numbers, or with numbers that do not increase, counts 1, 2, …;
        more rows than ``max_rows`` are thinned as a run would have been."""
        h = cls(pinned=pinned, max_rows=max_rows)
        if not d:
            return h
        n = len(d.get("train_loss", []))
        cols = [list(d.get(name) or [float("nan")] * n) for name in COLUMNS]
        epochs = list(d.get("epoch") or ())
        if len(epochs) != n or any(b <= a for a, b in zip(epochs, epochs[1:])) or (
                n and epochs[0] < 1):
            epochs = range(1, n + 1)
        for epoch, row in zip(epochs, zip(*cols)):
            h.append_row(row, int(epoch))
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
