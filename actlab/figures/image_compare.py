"""``compare.png`` of image runs: the test accuracy of several runs (one per activation,
trained from the same seed and data) on one chart, and under it each run's first-layer
filters — or, for a linear run, its class templates — so a student sees the linear run
stay near chance *and* what its filters became.  Part of :mod:`actlab.figures.images`.

The CLI (``actlab train IMAGE_LAB --activation A --activation B``) and the window's
"Compare activations" instrument both build their runs with :func:`compare_entry` and draw
them with :func:`write_compare_png`, so the two figures cannot differ."""
from __future__ import annotations

import math

import numpy as np

from actlab.figures import canvas as fc
from actlab.figures.canvas import Canvas, fmt, pixel_scale
from actlab.views import colors

MARGIN = 16.0
CHART_W, CHART_H = 620.0, 260.0
LABEL_W = 150.0
MAX_TILES = 16
TITLE = "Test accuracy and first-layer filters"
_CAPTION = {"filters": "first-layer filters", "templates": "class templates (one per class)"}


def compare_entry(label: str, history, tiles) -> tuple:
    """One run of the figure: ``(activation display name, test accuracy per epoch,
    tiles)`` from a run's ``label`` (an activation key or a title), its history mapping
    and its :class:`actlab.engine.image_lockstep.CompareTiles`."""
    from actlab.engine.activations.lookup import display_name

    acc = list((history or {}).get("test_accuracy", ()))
    return (display_name(str(label)), acc, tiles)


def trainer_entry(label: str, trainer) -> tuple:
    """:func:`compare_entry` of an image lab's Trainer as it stands now."""
    from actlab.engine.analysis.compare_tiles import trainer_tiles

    return compare_entry(label, trainer.history.view(), trainer_tiles(trainer))


def write_compare_png(path, entries, scale: float = 2.0):
    """``compare.png`` of ``entries`` (:func:`compare_entry`), titled :data:`TITLE`."""
    return image_compare_png(path, entries, TITLE, scale=scale)


def _nice_step(span: float, ticks: int = 6) -> float:
    raw = span / max(ticks, 1)
    mag = 10 ** math.floor(math.log10(max(raw, 1e-12)))
    return next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)


def _tiles(filters) -> tuple[np.ndarray, str]:
    content = getattr(filters, "content", None)  # a CompareTiles says what its pictures are
    a = np.asarray(getattr(filters, "tiles", filters), dtype=float)
    if a.ndim == 4:
        a = a[:, 0]          # first-layer kernels (out, 1, k, k): one picture per filter
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3 or a.size == 0:
        raise ValueError(f"filters must be kernels (out, in, k, k) or templates (k, H, W), "
                         f"got {a.shape}")
    return a[:MAX_TILES], _CAPTION.get(content, "")


def _chart(cv: Canvas, x: float, y: float, runs) -> None:
    """Test accuracy (0–100%) against epoch, one coloured line per run, legend beside."""
    left, bottom = x + 48, y + CHART_H - 34
    w, h = CHART_W - 48 - 10, CHART_H - 34 - 8
    n = max([len(acc) for _, acc, _ in runs] + [1])
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        ty = bottom - frac * h
        cv.line(left, ty, left + w, ty, "#E3E3E3" if frac else fc.TEXT)
        cv.text(left - 48, ty - 8, 42, 16, f"{frac * 100:.0f}%", fc.SMALL_PX, align="right")
    step = max(1.0, _nice_step(max(n - 1, 1)))  # whole epochs only
    ticks = [1.0] + [t for t in np.arange(step, n + 0.5, step) if t > 1.5]
    for t in ticks:
        tx = left + (t - 1) / max(n - 1, 1) * w
        cv.line(tx, bottom, tx, bottom + 4)
        cv.text(tx - 30, bottom + 5, 60, 14, f"{t:.0f}", fc.SMALL_PX, align="center")
    cv.line(left, bottom - h, left, bottom)
    cv.text(left, bottom + 18, w, 16, "epoch", fc.SMALL_PX, color=fc.MUTED, align="center")
    cv.vertical_text(x - 6, bottom - h, 16, h, "test accuracy", fc.SMALL_PX)
    for i, (name, acc, _) in enumerate(runs):
        a = np.asarray(acc, dtype=float).reshape(-1)
        pts = [(left + j / max(n - 1, 1) * w, bottom - min(max(v, 0.0), 1.0) * h)
               for j, v in enumerate(a) if math.isfinite(v)]
        if pts:
            cv.polyline(pts, colors.line_color(i), 2.0)


def image_compare_png(path, runs, title: str, scale: float = 2.0):
    """Save the comparison of image runs ``[(activation display name, test accuracy per
    epoch (0–1), first-layer kernels (out, 1, k, k), templates (k, H, W) or a
    CompareTiles), ...]``: the
    accuracy curves on one chart with a legend giving each run's final accuracy, then a
    row per run with its filters (each row on its own symmetric blue/orange scale)."""
    runs = [(str(name), np.asarray(acc, dtype=float).reshape(-1), *_tiles(f))
            for name, acc, f in runs]
    captions = [c for *_, c in runs]
    runs = [r[:3] for r in runs]
    if not runs:
        raise ValueError("there are no runs to compare")
    tile_rows = []
    for _, _, t in runs:
        cell = pixel_scale(max(t.shape[1:]), 40)
        tile_rows.append((cell, t.shape[2] * cell, t.shape[1] * cell))
    row_w = max(len(t) * (tw + 8) for (_, _, t), (_, tw, _) in zip(runs, tile_rows))
    legend_w = 190.0
    width = max(CHART_W + legend_w, LABEL_W + row_w) + 2 * MARGIN
    top = MARGIN + 26 + 19 + 8
    rows_h = sum(th + 30 for _, _, th in tile_rows)
    height = top + CHART_H + 24 + 22 + rows_h + MARGIN
    with Canvas(width, height, scale) as cv:
        cv.text(MARGIN, MARGIN, width - 2 * MARGIN, 22, title, fc.TITLE_PX, bold=True)
        cv.text(MARGIN, MARGIN + 26, width - 2 * MARGIN, 18,
                "Same seed, data and minibatches for every run; only the activation differs.",
                color=fc.MUTED)
        _chart(cv, MARGIN + 14, top, runs)
        ly = top + 6
        for i, (name, acc, _) in enumerate(runs):
            last = acc[np.isfinite(acc)]
            lx = MARGIN + CHART_W + 24
            cv.line(lx, ly + 9, lx + 24, ly + 9, colors.line_color(i), 3.0)
            final = f"{last[-1] * 100:.0f}%" if last.size else "no result"
            cv.text(lx + 30, ly, legend_w - 36, 18, f"{name}: {final}")
            ly += 22
        y = top + CHART_H + 24
        cv.text(MARGIN, y, width - 2 * MARGIN, 18,
                "First-layer filters of each run (templates for a fully linear run): "
                "blue +, orange −, white 0", bold=True)
        y += 26
        for i, ((name, _, t), (cell, tw, th)) in enumerate(zip(runs, tile_rows)):
            cv.line(MARGIN, y + th / 2, MARGIN + 16, y + th / 2, colors.line_color(i), 3.0)
            cv.text(MARGIN + 22, y, LABEL_W - 26, th, name, bold=True)
            vmax = colors.symmetric_range(t)
            for j, tile in enumerate(t):
                cv.picture(MARGIN + LABEL_W + j * (tw + 8), y, fc.signed_rgba(tile, vmax), cell)
            what = f"{captions[i]} · " if captions[i] else ""
            cv.text(MARGIN + LABEL_W, y + th + 2, row_w, 16, f"{what}scale ±{fmt(vmax)}",
                    fc.SMALL_PX, color=fc.MUTED)
            y += th + 30
        return cv.save(path)
