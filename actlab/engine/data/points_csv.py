"""Read a student's own points from a CSV file with columns ``x1, x2, label``.

The reader is forgiving about form (optional header, spaces, blank lines, a UTF-8 BOM,
``;`` or tab instead of ``,``, quoted cells) and strict about content: the first bad row
stops it with a :class:`CsvError` that names the line and says what is wrong.

Labels decide the problem unless the caller forces one:

* whole numbers 0..5 -> classification (class indices);
* exactly -1 and 1 (TensorFlow Playground's convention) -> classification, -1 -> 0, 1 -> 1;
* any other numbers -> regression;
* any text -> classification with the sorted distinct texts as class names.

:func:`import_csv` also says in one line what it understood ("300 points, 2 classes (0,
1): classification"), including what may surprise: whole-number labels beyond the class
limit read as regression targets, a single class, a class number with no points, another
separator than the comma.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actlab.atomic import FileTooLarge, NotARegularFile, read_regular_file
from actlab.engine.data.points import MAX_POINTS, split
from actlab.lab import MAX_CLASSES, PROBLEMS, DataSpec
from actlab.safe_text import printable

MAX_ROWS = MAX_POINTS  # the one limit on points (generated, imported, in lab files)
MAX_ABS = 1e6  # the error message below spells it out
MAX_FILE_BYTES = 64 * 1024 * 1024
COLUMNS = ("x1", "x2", "label")
_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tabs"}
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NON_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


class CsvError(ValueError):
    """A CSV file that cannot be used.  ``line`` is the 1-based line number or None."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        self.reason = printable(message, 400)  # it may quote the file: one printable line
        super().__init__(f"line {line}: {self.reason}" if line is not None else self.reason)


def _quoted(cell: str) -> str:
    """A cell for an error message: as repr quotes it, escaped, at most 40 characters."""
    return printable(repr(cell[:160]), 40)


@dataclass(frozen=True)
class CsvImport:
    """What :func:`import_csv` read: the data and a one-line account of it.

    ``summary`` is the line to show the student ("300 points, 2 classes (0, 1):
    classification"); ``warnings`` holds the surprising parts of it, if any (also in the
    summary); ``separator`` is the column separator found.
    """

    data: DataSpec
    summary: str
    warnings: tuple[str, ...] = ()
    separator: str = ","


def _is_number(cell: str) -> bool:
    return bool(_NUMBER.fullmatch(cell)) or cell.lower() in _NON_FINITE


def _number(cell: str, what: str, line: int) -> float:
    """``cell`` as a finite float within ±MAX_ABS, or a CsvError naming ``line``."""
    if cell == "":
        raise CsvError(f"{what} is empty", line)
    if cell.lower() in _NON_FINITE:
        raise CsvError(f"{what} must be a finite number, got {_quoted(cell)}", line)
    if not _NUMBER.fullmatch(cell):
        hint = " (use a dot as the decimal point)" if re.fullmatch(r"[+-]?\d+,\d+", cell) else ""
        raise CsvError(f"{what} is not a number: {_quoted(cell)}{hint}", line)
    value = float(cell)
    if not math.isfinite(value) or abs(value) > MAX_ABS:
        raise CsvError(f"value out of range (|x| must be ≤ 1e6): {_quoted(cell)}", line)
    return value


def _pick_delimiter(lines: list[str]) -> str:
    """The delimiter that gives three cells on the most lines (ties: , then ; then tab)."""
    def three(line: str, d: str) -> bool:
        try:
            return len(_cells(line, d)) == 3
        except CsvError:
            return False

    def score(d: str) -> tuple[int, int]:
        return sum(1 for s in lines if three(s, d)), sum(1 for s in lines if d in s)
    return max(_DELIMITERS, key=lambda d: (score(d), -_DELIMITERS.index(d)))


def _cells(line: str, delimiter: str, number: int | None = None) -> list[str]:
    try:
        row = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
    except csv.Error as exc:  # e.g. a cell longer than the csv module's field limit
        raise CsvError(f"cannot read this line as CSV: {exc}", number) from None
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
    X, y, problem, names, _, _ = _parse(text, problem)
    return X, y, problem, names


def _column_error(cells: list[str], raw: str, delimiter: str, line: int) -> CsvError:
    """"Expected 3 columns", naming the separator when it is not the comma and saying so
    when this line looks separated by another one (files that mix separators)."""
    where = "" if delimiter == "," else f" separated by {_DELIMITER_NAMES[delimiter]}"
    other = next((d for d in _DELIMITERS if d != delimiter and len(_cells(raw, d, line)) == 3),
                 None)
    hint = (f" (this line looks separated by {_DELIMITER_NAMES[other]}, the file by "
            f"{_DELIMITER_NAMES[delimiter]})" if other else "")
    return CsvError(f"expected 3 columns (x1,x2,label){where}, got {len(cells)}{hint}", line)


def _parse(text: str, problem: str | None):
    """parse_csv_text, and the separator found."""
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
        cells = _cells(raw, delimiter, line)
        if not any(cells):
            continue  # a row of empty cells (",,") is a blank line from a spreadsheet
        if len(cells) != 3:
            raise _column_error(cells, raw, delimiter, line)
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
    y, problem, names, raw = _labels(labels, problem)
    return X, y, problem, names, delimiter, raw


def _labels(labels: list[tuple[str, int]], problem: str | None
            ) -> tuple[np.ndarray, str, tuple[str, ...] | None, np.ndarray | None]:
    """Decide the problem and turn label texts into y (see the module docstring); also
    the labels as numbers written in the file (None for text labels)."""
    text_label = next(((s, ln) for s, ln in labels if not _is_number(s)), None)
    if text_label is not None:
        if problem == "regression":
            s, ln = text_label
            raise CsvError(f"label is not a number: {_quoted(s)} (regression needs numeric "
                           f"labels)", ln)
        names: list[str] = []
        for s, ln in labels:
            if s not in names:
                names.append(s)
                if len(names) > MAX_CLASSES:
                    total = len({t for t, _ in labels})
                    raise CsvError(f"too many classes ({total}); at most {MAX_CLASSES}", ln)
        names.sort()
        index = {s: i for i, s in enumerate(names)}
        y = np.array([index[s] for s, _ in labels], dtype=np.float64)
        return y, "classification", tuple(names), None

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
        return values, problem, None, values
    if set(np.unique(values).tolist()) == {-1.0, 1.0}:
        return (values > 0).astype(np.float64), problem, None, values
    for (s, ln), v, ok in zip(labels, values, whole):
        if not ok or v < 0:
            raise CsvError(f"class label must be a whole number 0, 1, 2, ..., got {_quoted(s)}",
                           ln)
    if values.max() >= MAX_CLASSES:
        first = next(ln for (_, ln), v in zip(labels, values) if v >= MAX_CLASSES)
        raise CsvError(f"too many classes ({int(values.max()) + 1}); at most {MAX_CLASSES}", first)
    return values + 0.0, problem, None, values


def _read_text(path: str | Path) -> str:
    """The UTF-8 text of ``path`` (BOM removed), or a CsvError saying why not."""
    p = Path(path)
    try:
        data = read_regular_file(p, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise CsvError(f"file not found: {p}") from None
    except IsADirectoryError:
        raise CsvError(f"not a file but a folder: {p}") from None
    except NotARegularFile:
        raise CsvError(f"not a regular file (a device, pipe or socket?): {p}") from None
    except FileTooLarge:
        raise CsvError(f"file is too large (more than {MAX_FILE_BYTES // 2**20} MB): {p}") from None
    except OSError as exc:
        raise CsvError(f"cannot read file {p}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CsvError("not UTF-8 text (save the file as CSV UTF-8)", line) from None


def describe(y: np.ndarray, problem: str, class_names: tuple[str, ...] | None,
             raw_labels: np.ndarray | None = None) -> tuple[str, tuple[str, ...]]:
    """One line saying what the labels ``y`` were understood as, and the surprising parts.

    ``raw_labels`` are the labels as numbers written in the file (before -1/1 became
    0/1), None for text labels.  Returns ``(summary, warnings)``; every warning is also
    in the summary.
    """
    n = len(y)
    parts: list[str] = []  # what was understood, then what may surprise
    warnings: list[str] = []
    raw = y if raw_labels is None else raw_labels
    if problem == "regression":
        lo, hi = float(raw.min()), float(raw.max())
        if class_names is None and bool(np.all(raw == np.round(raw))) and lo >= 0 \
                and hi >= MAX_CLASSES:
            warnings.append(f"labels look like whole numbers {lo:g}..{hi:g}, more than "
                            f"{MAX_CLASSES} classes: treated as regression targets")
        else:
            parts.append(f"targets {lo:g} to {hi:g}: regression")
        if lo == hi:
            warnings.append(f"every target is {lo:g}: nothing to learn")
    else:
        present = sorted({int(v) for v in y.tolist()})
        names = tuple(printable(c, 20) for c in class_names) if class_names else \
            tuple(str(i) for i in range(max(present) + 1))
        if len(present) == 1:
            warnings.append(f"{'all with label' if n > 1 else 'label'} {names[present[0]]}: "
                            f"one class only, a classifier needs two")
        elif raw_labels is not None and set(np.unique(raw_labels).tolist()) == {-1.0, 1.0}:
            parts.append("labels -1 and 1 read as classes 0 and 1: classification")
        else:
            parts.append(f"{len(names)} classes ({', '.join(names)}): classification")
        missing = [names[i] for i in range(len(names)) if i not in present]
        if missing and len(present) > 1:
            warnings.append("no points of class " + ", ".join(missing))
    if n < 2:
        warnings.append("too few points to train and test on")
    summary = f"{n:,} point{'' if n == 1 else 's'}, " + "; ".join(parts + warnings)
    return summary, tuple(warnings)


def import_csv(path: str | Path, problem: str | None = None, train_fraction: float = 0.5,
               seed: int = 1) -> CsvImport:
    """Read CSV file ``path`` into a ``"custom"`` DataSpec and say what was understood.

    The points are split into training and test parts with
    :func:`actlab.engine.data.split` (``train_fraction``, ``seed``).  ``problem`` forces
    classification or regression.  Raises :class:`CsvError` when the file is missing,
    unreadable, not UTF-8 text or malformed; what is merely surprising (one class only,
    whole-number labels read as regression) is in the result's ``warnings``.
    """
    X, y, problem, names, delimiter, raw = _parse(_read_text(path), problem)
    X_train, y_train, X_test, y_test = split(X, y, train_fraction, seed)

    def points(Xp: np.ndarray, yp: np.ndarray):
        return tuple((a, b, c) for (a, b), c in zip(Xp.tolist(), yp.tolist()))

    data = DataSpec(generator="custom", n_points=len(y), noise=0.0,
                    train_fraction=float(train_fraction), seed=seed, problem=problem,
                    train_points=points(X_train, y_train), test_points=points(X_test, y_test),
                    class_names=names)
    summary, warnings = describe(y, problem, names, raw)
    if delimiter != ",":
        summary += f" (columns separated by {_DELIMITER_NAMES[delimiter]})"
    return CsvImport(data, summary, warnings, delimiter)


def load_csv(path: str | Path, problem: str | None = None, train_fraction: float = 0.5,
             seed: int = 1) -> DataSpec:
    """The DataSpec of :func:`import_csv` (for callers that need no summary)."""
    return import_csv(path, problem, train_fraction, seed).data
