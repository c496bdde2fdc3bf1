"""``featuremaps.png``: one image's path through a convolutional network, a row per stage
(input, conv k, activation k, pool k, ..., output, softmax), each channel a small picture.
Part of :mod:`actlab.figures.images`."""
from __future__ import annotations

import numpy as np

from actlab.figures import canvas as fc
from actlab.engine.activations.builtin import ACTIVATIONS
from actlab.engine.activations.lookup import display_name
from actlab.figures.canvas import (
    MARGIN, MIN_WIDTH, Canvas, fit_width as _fit_width, fmt, header as _header,
    header_height as _header_height, header_width as _header_width, pixel_scale)


LABEL_W = 170.0


def _stage_title(name: str) -> str:
    """``"leaky_relu 2"`` → ``"Leaky ReLU 2"``; other stage names keep their words."""
    head, _, rest = str(name).partition(" ")
    if head in ACTIVATIONS:
        return (display_name(head) + " " + rest).strip()
    return str(name)[:1].upper() + str(name)[1:]


def _stages(maps) -> list[tuple[str, np.ndarray]]:
    """(name, array) rows from ``ConvNetwork.forward_maps`` or ``conv_analysis.feature_maps``."""
    maps = list(maps)
    if maps and hasattr(maps[0], "pre_activation"):
        rows = []
        for m in maps:
            rows.append((f"conv {m.layer + 1}", m.pre_activation))
            rows.append((f"activation {m.layer + 1}", m.post_activation))
            if np.shape(m.pooled) != np.shape(m.post_activation):
                rows.append((f"pool {m.layer + 1}", m.pooled))
        return rows
    try:
        rows = [(str(name), np.asarray(a, dtype=float)) for name, a in maps]
    except (TypeError, ValueError):
        raise ValueError("maps must be (name, array) pairs or FeatureMaps") from None
    if not rows:
        raise ValueError("there are no feature maps to draw")
    for name, a in rows:
        if a.ndim not in (1, 3) or a.size == 0:
            raise ValueError(f"stage {name!r}: expected (channels, h, w) or a vector, got "
                             f"{a.shape}")
    return rows


ROW_MIN = 58.0   # a stage row is at least as tall as its three label lines


def _vector_geometry(a: np.ndarray, names) -> tuple[int, int, bool, float, float]:
    """(cell px, cells per line, values written, column width, line height) for a 1-D
    stage: up to 16 values as labelled squares, more as a strip of small ones."""
    if a.size <= 16:
        texts = [fmt(v) for v in a] + ([str(n) for n in names] if names else [])
        return 30, 16, True, _fit_width(texts, lo=36, hi=90), 30 + 32
    return 12, 64, False, 18.0, 12 + 4


def _row_size(name, a, class_names) -> tuple[float, float]:
    if a.ndim == 3:
        cell = pixel_scale(max(a.shape[1:]), 48)
        return a.shape[0] * (a.shape[2] * cell + 8), max(a.shape[1] * cell + 14, ROW_MIN)
    names = class_names if _named(a, class_names) else None
    _, per, _, col, line_h = _vector_geometry(a, names)
    lines = -(-a.size // per)
    return min(a.size, per) * col, max(lines * line_h + 8, ROW_MIN)


def _named(a, class_names) -> bool:
    return class_names is not None and a.ndim == 1 and a.size == len(class_names)


def featuremaps_png(path, maps, title: str, class_names=None, scale: float = 2.0):
    """Save one image's path through the network: a row per stage (input, conv k,
    activation k, pool k, …, output, softmax), each channel a small picture.  The input is
    drawn ink-black; every other map on the signed map with a range shared by the row (so
    the channels of a stage compare), stated beside it.  Vectors (pooled features, dense
    layers, output) are a strip of cells, their values written when there are few."""
    rows = _stages(maps)
    sizes = [_row_size(n, a, class_names) for n, a in rows]
    width = LABEL_W + max(w for w, _ in sizes) + 2 * MARGIN
    sub = ("Each row is one stage; each square one channel, left to right. "
           "Blue = positive, orange = negative, white = 0.")
    width = max(width, MIN_WIDTH, _header_width(title, [sub]))
    top = _header_height(1)
    height = top + sum(h for _, h in sizes) + MARGIN
    with Canvas(width, height, scale) as cv:
        y = _header(cv, title, [(sub, fc.MUTED)])
        for (name, a), (_, h) in zip(rows, sizes):
            vmax = fc.colors.symmetric_range(a)
            shape = (f"{a.shape[0]} × {a.shape[1]}×{a.shape[2]}" if a.ndim == 3
                     else f"{a.size} values")
            is_input = name == "input"
            cv.text(MARGIN, y, LABEL_W - 8, 18, _stage_title(name), bold=True)
            cv.text(MARGIN, y + 18, LABEL_W - 8, 16, shape, fc.SMALL_PX, color=fc.MUTED)
            if not is_input:
                cv.text(MARGIN, y + 33, LABEL_W - 8, 16,
                        "range ±" + fmt(vmax) if name != "softmax" else "probability",
                        fc.SMALL_PX, color=fc.MUTED)
            x0 = MARGIN + LABEL_W
            if a.ndim == 3:
                cell = pixel_scale(max(a.shape[1:]), 48)
                for c in range(a.shape[0]):
                    rgba = fc.grey_rgba(a[c]) if is_input else fc.signed_rgba(a[c], vmax)
                    cv.picture(x0 + c * (a.shape[2] * cell + 8), y + 2, rgba, cell)
            else:
                _vector_row(cv, x0, y + 2, a, 1.0 if name == "softmax" else vmax,
                            class_names if _named(a, class_names) else None)
            cv.line(MARGIN, y + h - 4, width - MARGIN, y + h - 4, "#E6E6E6")
            y += h
        return cv.save(path)


def _vector_row(cv, x0, y, a, vmax, names) -> None:
    cell, per, values, col, line_h = _vector_geometry(a, names)
    top = int(np.argmax(a)) if names else -1   # the predicted class, written in bold
    for i, v in enumerate(a):
        line, j = divmod(i, per)
        cx = x0 + j * col + (col - cell) / 2
        cy = y + line * line_h
        cv.picture(cx, cy, fc.signed_rgba(np.array([[v]]), vmax), cell)
        if values:
            cv.text(x0 + j * col, cy + cell + 1, col, 14, fmt(v), fc.SMALL_PX, bold=i == top,
                    align="center")
            if names:
                cv.text(x0 + j * col, cy + cell + 15, col, 14, str(names[i]), fc.SMALL_PX,
                        bold=i == top, color=fc.TEXT if i == top else fc.MUTED,
                        align="center")
