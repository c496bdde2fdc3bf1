"""Read a student's own points from a CSV file with columns ``x1, x2, label``.

The reader is forgiving about form (optional header, spaces, blank lines, a UTF-8 BOM,
``;`` or tab instead of ``,``, quoted cells) and strict about content: the first bad row
stops it with a :class:`CsvError` that names the line and says what is wrong.

Labels decide the problem unless the caller forces one:

* whole numbers 0..5 -> classification (class indices);
* exactly -1 and 1 (TensorFlow Playground's convention) -> classification, -1 -> 0, 1 -> 1;
* any other numbers -> regression;
* any text -> classification with the sorted distinct texts as class names.
"""
from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np

from actlab.engine.data import split
from actlab.lab import MAX_CLASSES, PROBLEMS, DataSpec

MAX_ROWS = 100_000
MAX_ABS = 1e6  # the error message below spells it out
MAX_FILE_BYTES = 64 * 1024 * 1024
COLUMNS = ("x1", "x2", "label")
_DELIMITERS = (",", ";", "\t")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NON_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


class CsvError(ValueError):
    """A CSV file that cannot be used.  ``line`` is the 1-based line number or None."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


def _is_number(cell: str) -> bool:
    return bool(_NUMBER.fullmatch(cell)) or cell.lower() in _NON_FINITE


def _number(cell: str, what: str, line: int) -> float:
    """``cell`` as a finite float within ±MAX_ABS, or a CsvError naming ``line``."""
    if cell == "":
        raise CsvError(f"{what} is empty", line)
    if cell.lower() in _NON_FINITE:
        raise CsvError(f"{what} must be a finite number, got {cell!r}", line)
    if not _NUMBER.fullmatch(cell):
        hint = " (use a dot as the decimal point)" if re.fullmatch(r"[+-]?\d+,\d+", cell) else ""
        raise CsvError(f"{what} is not a number: {cell!r}{hint}", line)
    value = float(cell)
    if not math.isfinite(value) or abs(value) > MAX_ABS:
        raise CsvError(f"value out of range (|x| must be ≤ 1e6): {cell!r}", line)
    return value


def _pick_delimiter(lines: list[str]) -> str:
    """The delimiter that gives three cells on the most lines (ties: , then ; then tab)."""
    def score(d: str) -> tuple[int, int]:
        three = sum(1 for s in lines if len(_cells(s, d)) == 3)
        return three, sum(1 for s in lines if d in s)
    return max(_DELIMITERS, key=lambda d: (score(d), -_DELIMITERS.index(d)))


def _cells(line: str, delimiter: str) -> list[str]:
    row = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
    cells = [c.strip() for c in row]
    while len(cells) > 3 and cells[-1] == "":  # tolerate trailing delimiters
        cells.pop()
    return cells


def parse_csv_text(text: str, problem: str | None = None
                   ) -> tuple[np.ndarray, np.ndarray, str, tuple[str, ...] | None]:
    """Parse CSV text into ``(X, y, problem, class_names)``.

    ``X`` is float64 (n, 2); ``y`` float64 (n,) holds class indices or regression
    targets; ``class_names`` is a tuple only when the labels were text.  ``problem``
    ("classification" or "regression") overrides the guess from the labels.  Raises
    :class:`CsvError` for the first problem found.
    """
    if problem is not None and problem not in PROBLEMS:
        raise ValueError(f"problem must be None or one of {PROBLEMS}, got {problem!r}")
    if "\x00" in text:
        raise CsvError("not a text file (it contains NUL bytes)")
    text = text.removeprefix("\ufeff")
    numbered = [(i, s) for i, s in enumerate(re.split(r"\r\n|\r|\n", text), 1) if s.strip()]
    if not numbered:
        raise CsvError("no data rows")
    delimiter = _pick_delimiter([s for _, s in numbered[:200]])

    xs: list[tuple[float, float]] = []
    labels: list[tuple[str, int]] = []  # (label text, line)
    for k, (line, raw) in enumerate(numbered):
        cells = _cells(raw, delimiter)
        if not any(cells):
            continue  # a row of empty cells (",,") is a blank line from a spreadsheet
        if len(cells) != 3:
            raise CsvError(f"expected 3 columns (x1,x2,label), got {len(cells)}", line)
        if k == 0 and not _is_number(cells[0]) and not _is_number(cells[1]):
            continue  # header row
        if len(xs) >= MAX_ROWS:
            raise CsvError(f"too many rows; at most {MAX_ROWS}", line)
        xs.append((_number(cells[0], "x1", line), _number(cells[1], "x2", line)))
        if cells[2] == "":
            raise CsvError("label is empty", line)
        labels.append((cells[2], line))
    if not xs:
        raise CsvError("no data rows")

    X = np.array(xs, dtype=np.float64).reshape(-1, 2)
    y, problem, names = _labels(labels, problem)
    return X, y, problem, names


def _labels(labels: list[tuple[str, int]], problem: str | None
            ) -> tuple[np.ndarray, str, tuple[str, ...] | None]:
    """Decide the problem and turn label texts into y (see the module docstring)."""
    text_label = next(((s, ln) for s, ln in labels if not _is_number(s)), None)
    if text_label is not None:
        if problem == "regression":
            s, ln = text_label
            raise CsvError(f"label is not a number: {s!r} (regression needs numeric labels)", ln)
        names: list[str] = []
        for s, ln in labels:
            if s not in names:
                names.append(s)
                if len(names) > MAX_CLASSES:
                    total = len({t for t, _ in labels})
                    raise CsvError(f"too many classes ({total}); at most {MAX_CLASSES}", ln)
        names.sort()
        index = {s: i for i, s in enumerate(names)}
        return np.array([index[s] for s, _ in labels], dtype=np.float64), "classification", tuple(names)

    values = np.array([_number(s, "label", ln) for s, ln in labels], dtype=np.float64)
    whole = values == np.round(values)
    if problem is None:
        if set(np.unique(values).tolist()) == {-1.0, 1.0}:
            problem = "classification"
        elif whole.all() and values.min() >= 0 and values.max() < MAX_CLASSES:
            problem = "classification"
        else:
            problem = "regression"
    if problem == "regression":
        return values, problem, None
    if set(np.unique(values).tolist()) == {-1.0, 1.0}:
        return (values > 0).astype(np.float64), problem, None
    for (s, ln), v, ok in zip(labels, values, whole):
        if not ok or v < 0:
            raise CsvError(f"class label must be a whole number 0, 1, 2, ..., got {s!r}", ln)
    if values.max() >= MAX_CLASSES:
        first = next(ln for (_, ln), v in zip(labels, values) if v >= MAX_CLASSES)
        raise CsvError(f"too many classes ({int(values.max()) + 1}); at most {MAX_CLASSES}", first)
    return values + 0.0, problem, None


def _read_text(path: str | Path) -> str:
    """The UTF-8 text of ``path`` (BOM removed), or a CsvError saying why not."""
    p = Path(path)
    try:
        if p.is_file() and p.stat().st_size > MAX_FILE_BYTES:
            raise CsvError(f"file is too large (more than {MAX_FILE_BYTES // 2**20} MB): {p}")
        data = p.read_bytes()
    except FileNotFoundError:
        raise CsvError(f"file not found: {p}") from None
    except IsADirectoryError:
        raise CsvError(f"not a file but a folder: {p}") from None
    except OSError as exc:
        raise CsvError(f"cannot read file {p}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CsvError("not UTF-8 text (save the file as CSV UTF-8)", line) from None


def load_csv(path: str | Path, problem: str | None = None, train_fraction: float = 0.5,
             seed: int = 1) -> DataSpec:
    """A ``"custom"`` DataSpec holding the points of CSV file ``path``.

    The points are split into training and test parts with
    :func:`actlab.engine.data.split` (``train_fraction``, ``seed``).  ``problem`` forces
    classification or regression.  Raises :class:`CsvError` when the file is missing,
    unreadable, not UTF-8 text or malformed.
    """
    X, y, problem, names = parse_csv_text(_read_text(path), problem)
    X_train, y_train, X_test, y_test = split(X, y, train_fraction, seed)

    def points(Xp: np.ndarray, yp: np.ndarray):
        return tuple((a, b, c) for (a, b), c in zip(Xp.tolist(), yp.tolist()))

    return DataSpec(generator="custom", n_points=len(y), noise=0.0,
                    train_fraction=float(train_fraction), seed=seed, problem=problem,
                    train_points=points(X_train, y_train), test_points=points(X_test, y_test),
                    class_names=names)
