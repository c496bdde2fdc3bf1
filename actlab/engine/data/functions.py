"""Function data: points (x, y) of a curve y = f(x) on x ∈ [-6, 6], for 1-D curve fitting.

A function lab is a regression problem with ONE input.  Its :class:`~.dataset.Dataset`
has inputs of shape (n, 1) (the x values) and targets y; the point Trainer fits it with
the 1-D input features (``"x"``, ``"xsq"``, ``"sinx"`` in :mod:`.features`) and its linear
output with half mean squared error, so the network, optimizers and history are the
point labs' own.

Every generator draws x uniformly from [-6, 6] and returns the curve's value plus
Gaussian noise of standard deviation ``noise`` (in units of y; all curves lie within
about [-1, 1], so noise 0.1 is 5 % of the range).  The same arguments give the same bits.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from actlab.engine.data.dataset import Dataset
from actlab.engine.data.points_csv import CsvError, _cells, _number, _read_text
from actlab.engine.data.points import MAX_POINTS, check_n_points, check_noise, check_seed, split

X_MIN, X_MAX = -6.0, 6.0
MAX_FUNCTION_NOISE = 0.5
CUBIC_SCALE = X_MAX ** 3 - X_MAX  # x³ − x is 210 at x = 6: divide to keep it in [-1, 1]
SAWTOOTH_PERIOD = 4.0


@dataclass(frozen=True)
class FunctionInfo:
    """One entry of :data:`FUNCTION_GENERATORS`: ``function`` maps x (n,) to f(x) (n,)."""

    name: str
    title: str
    description: str
    function: Callable[[np.ndarray], np.ndarray]


def _step(x: np.ndarray) -> np.ndarray:
    return np.where(x < 0.0, -1.0, 1.0)


def _sawtooth(x: np.ndarray) -> np.ndarray:
    # rises from -1 to 1 over each period, then drops: three teeth on [-6, 6]
    return 2.0 * np.mod(x / SAWTOOTH_PERIOD + 0.5, 1.0) - 1.0


FUNCTION_GENERATORS: dict[str, FunctionInfo] = {info.name: info for info in (
    FunctionInfo("sine", "Sine", "y = sin x: two smooth waves; no straight line comes close.",
                 np.sin),
    FunctionInfo("abs", "|x|", "y = |x|/3 − 1: one kink at 0, so two ReLU pieces draw it "
                 "exactly.", lambda x: np.abs(x) / 3.0 - 1.0),
    FunctionInfo("step", "Step", "y = −1 left of 0 and +1 from 0 on: a jump that smooth "
                 "units can only approximate.", _step),
    FunctionInfo("cubic", "Cubic", "y = (x³ − x)/210: flat in the middle, steep at the "
                 "ends (scaled to [-1, 1]).", lambda x: (x ** 3 - x) / CUBIC_SCALE),
    FunctionInfo("sawtooth", "Sawtooth", "Three rising teeth of period 4 from −1 to 1: "
                 "straight pieces and jumps.", _sawtooth),
    FunctionInfo("bump", "Bump", "y = exp(−x²/2): one Gaussian bump at 0 on a flat line.",
                 lambda x: np.exp(-0.5 * np.square(x))),
)}


def curve(name: str, x) -> np.ndarray:
    """The noise-free value f(x) of generator ``name`` (ValueError for an unknown name)."""
    return FUNCTION_GENERATORS[_known(name)].function(np.asarray(x, dtype=np.float64))


def _known(name) -> str:
    if not isinstance(name, str) or name not in FUNCTION_GENERATORS:
        raise ValueError(f"Unknown function {name!r}; choose one of: "
                         f"{', '.join(FUNCTION_GENERATORS)}.")
    return name


def generate_function(name: str, n_points: int, noise: float, seed: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """``n_points`` samples (x, y) of curve ``name``: x (n,) uniform in [-6, 6], y (n,)
    the curve plus Gaussian noise of std ``noise`` (0..0.5).  Same arguments, same bits.
    Raises ValueError for an unknown name or an argument out of range."""
    info = FUNCTION_GENERATORS[_known(name)]
    check_n_points(n_points)
    noise = check_noise(noise, MAX_FUNCTION_NOISE)
    check_seed(seed)
    rng = np.random.default_rng([int(seed), 7])  # 7: not the point generators' stream
    x = rng.uniform(X_MIN, X_MAX, int(n_points))
    y = info.function(x)
    if noise > 0:
        y = y + rng.normal(0.0, noise, x.shape)
    return np.ascontiguousarray(x), np.ascontiguousarray(y, dtype=np.float64)


def split_function(x, y, train_fraction: float, seed: int):
    """(x_train, y_train, x_test, y_test) as :func:`actlab.engine.data.split` cuts points
    (same sizes and rule), for 1-D x."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    X = np.column_stack([x, np.zeros_like(x)])
    Xtr, ytr, Xte, yte = split(X, y, train_fraction, seed)
    return Xtr[:, 0].copy(), ytr, Xte[:, 0].copy(), yte


def build_function_dataset(spec):
    """The :class:`~.dataset.Dataset` of a ``FunctionDataSpec``: inputs (n, 1), targets
    (n,), problem "regression".  With ``spec.points`` set (drawn or imported data) those
    points are used as they are; otherwise the generator's, split with ``seed + 1``."""
    if spec.points is not None:
        train, test = spec.points
        xtr, ytr = _pairs(train, "training")
        xte, yte = _pairs(test, "test")
        if len(xtr) == 0:
            raise ValueError("A function data set needs at least one training point.")
    else:
        x, y = generate_function(spec.generator, spec.n_points, spec.noise, spec.seed)
        xtr, ytr, xte, yte = split_function(x, y, spec.train_fraction, spec.seed + 1)
    return Dataset(xtr.reshape(-1, 1), ytr, xte.reshape(-1, 1), yte, "regression", 0)


def _pairs(points, part: str) -> tuple[np.ndarray, np.ndarray]:
    if not points:
        return np.zeros(0), np.zeros(0)
    arr = np.asarray(points, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"Each {part} point must be (x, y).")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"The {part} points contain a value that is not a finite number.")
    return arr[:, 0].copy(), arr[:, 1].copy()


# ------------------------------------------------------------------ CSV import

def parse_function_csv(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) from CSV text with two columns ``x, y`` (header optional; ``,`` ``;`` or
    tab; blank lines skipped).  Raises :class:`CsvError` naming the line and problem."""
    lines = text.splitlines()
    filled = [s for s in lines if s.strip()]
    delimiter = max((",", ";", "\t"), key=lambda d: sum(1 for s in filled[:50] if d in s))
    xs: list[float] = []
    ys: list[float] = []
    first = True
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        cells = _cells(raw, delimiter, number)
        while len(cells) > 2 and cells[-1] == "":
            cells.pop()
        if len(cells) != 2:
            raise CsvError(f"expected 2 columns (x, y), found {len(cells)}", number)
        header, first = first and not _numeric(cells[0]) and not _numeric(cells[1]), False
        if header:
            continue  # only the first filled line may be a header
        xs.append(_number(cells[0], "x", number))
        ys.append(_number(cells[1], "y", number))
        if len(xs) > MAX_POINTS:
            raise CsvError(f"more than {MAX_POINTS} rows", number)
    if not xs:
        raise CsvError("no data rows (expected two columns x, y)")
    return np.array(xs), np.array(ys)


def _numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def load_function_csv(path: str | Path, train_fraction: float = 0.5, seed: int = 1):
    """A ``FunctionDataSpec`` holding the points of CSV file ``path`` (columns x, y),
    split with ``seed`` by ``train_fraction``.  Raises CsvError whose message starts with
    the file name (and names the line) for a file that cannot be used."""
    from actlab.lab import FunctionDataSpec

    try:
        x, y = parse_function_csv(_read_text(path))
    except CsvError as e:
        raise CsvError(f"{Path(path).name}: {e}") from None
    xtr, ytr, xte, yte = split_function(x, y, train_fraction, seed)
    pts = (tuple(zip(xtr.tolist(), ytr.tolist())), tuple(zip(xte.tolist(), yte.tolist())))
    return FunctionDataSpec(generator="custom", n_points=len(x), noise=0.0,
                            train_fraction=float(train_fraction), seed=int(seed), points=pts)
