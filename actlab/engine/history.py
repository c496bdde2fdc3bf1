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
