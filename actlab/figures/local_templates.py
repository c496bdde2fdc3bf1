"""``templates.png``: one template per image.

A piecewise-linear network is exactly affine on each image's activation pattern, so every
image has its own template per class, T(x), with logit = T(x) · x + c(x).  The figure
shows, for one or two images, the image and its templates (blue +, orange −, white 0 on
one symmetric scale for the whole figure, as the filter pictures) with the sum written
out under each; for a fully linear network also the one shared template per class that
every image has; and a caption counting the distinct activation patterns on the test
images ("this ReLU network: 80 patterns on 80 test images").

Takes plain values (arrays, words) so the CLI, the window's export and notebooks can call
it; :func:`actlab.figures.image_run.write_image_figures` computes them with
:mod:`actlab.engine.analysis.local_linear`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.figures import canvas as fc
from actlab.figures.canvas import (
    MARGIN, Canvas, draw_grid, fit_width, fmt, grid_boxes, header, header_height,
    header_width, pixel_scale)

TILE = 72          # logical px an image or template is drawn at (about)
MIN_WIDTH = 640    # logical px: 1280 px at the default scale of 2


@dataclass(frozen=True)
class TemplateRow:
    """One image and its own affine map: ``heading`` above the row, ``image`` (H, W) with
    ink in [0, 1], ``templates`` T(x) (n_classes, H, W), ``constants`` c(x) (n_classes,),
    ``image_caption`` lines under the image."""
    heading: str
    image: np.ndarray
    templates: np.ndarray
    constants: np.ndarray
    image_caption: tuple = ()


def _row(row: TemplateRow, names, cell, col_w):
    """(width, height, painter(cv, x, y, vmax)) of one row."""
    T = np.asarray(row.templates, dtype=float)
    x = np.asarray(row.image, dtype=float)
    c = np.asarray(row.constants, dtype=float).reshape(-1)
    if T.ndim != 3 or T.shape[1:] != x.shape or len(c) != len(T) or len(names) != len(T):
        raise ValueError(f"a row needs one (H, W) template and constant per class for an "
                         f"(H, W) image: got templates {T.shape}, image {x.shape}, "
                         f"{len(c)} constants, {len(names)} class names")
    dots = np.tensordot(T, x, axes=([1, 2], [0, 1]))
    caps = [[names[k], f"T·x = {fmt(dots[k], 3)}", f"+ c = {fmt(c[k], 3)}",
             f"logit {fmt(dots[k] + c[k], 3)}"] for k in range(len(T))]
    side = x.shape[1] * cell
    _, gw, gh = grid_boxes(len(T), len(T), (side, x.shape[0] * cell), col_w, 4)
    img_w = max(side + 20, fit_width(list(row.image_caption), lo=side + 20, hi=160))
    width = max(img_w + 24 + gw, fc.measure(row.heading, fc.FONT_PX, True) + 4)
    left = (width - (img_w + 24 + gw)) / 2  # the pictures centred under a longer heading
    height = 22 + max(gh, x.shape[0] * cell + 4 + 15 * len(row.image_caption))

    def paint(cv: Canvas, x0: float, y0: float, vmax: float) -> None:
        cv.text(x0, y0, width, 18, row.heading, fc.FONT_PX, bold=True, align="center")
        y, x0 = y0 + 22, x0 + left
        draw_grid(cv, x0, y, [fc.grey_rgba(x)], cell, 1, img_w, [list(row.image_caption)])
        cv.line(x0 + img_w + 12, y, x0 + img_w + 12, y + height - 26, color=fc.FRAME)
        draw_grid(cv, x0 + img_w + 24, y, [fc.signed_rgba(t, vmax) for t in T], cell,
                  len(T), col_w, caps)
    return width, height, paint


def local_templates_png(path, rows, class_names, title: str, caption=(), shared=None,
                        scale: float = 2.0):
    """Save the figure (see the module doc).  ``rows``: :class:`TemplateRow` s; ``shared``:
    ``(templates, constants)`` of a fully linear network (drawn as a last row: the one
    template per class every image has), or None; ``caption``: ``(text, colour)`` lines
    under the pictures (wrapped).  Raises ValueError for mismatched shapes."""
    rows = list(rows)
    if not rows:
        raise ValueError("no image to show templates for")
    names = [str(n) for n in class_names]
    if shared is not None:
        T, c = (np.asarray(a, dtype=float) for a in shared)
        rows.append(TemplateRow("The linear network's one template per class — the same for "
                                "every image", rows[0].image, T, c,
                                ("shared by all images", "(first image shown)")))
    side = max(max(np.shape(r.image)) for r in rows)
    cell = pixel_scale(side, TILE)
    col_w = fit_width([n for n in names] + ["T·x = −0.000123", "logit −0.000123"],
                      lo=side * cell + 16, hi=130)
    painted = [_row(r, names, cell, col_w) for r in rows]
    vmax = fc.colors.symmetric_range(np.concatenate(
        [np.asarray(r.templates, dtype=float).ravel() for r in rows]))
    width = max(max(p[0] for p in painted), MIN_WIDTH, header_width(title, []) - 2 * MARGIN) \
        + 2 * MARGIN
    text_w = width - 2 * MARGIN
    caption = list(caption)
    with Canvas(width, 10) as probe:  # measure the wrapped caption before sizing
        cap_h = [probe.wrapped_height(t, text_w) + 6 for t, _ in caption]
    height = header_height(0) + sum(p[1] + 18 for p in painted) + 56 + sum(cap_h) + MARGIN
    with Canvas(width, height, scale) as cv:
        y = header(cv, title, [])
        for w, h, paint in painted:
            paint(cv, MARGIN + (text_w - w) / 2, y, vmax)
            y += h + 18
        cv.colour_key(MARGIN + text_w / 2 - 160, y, 320, vmax,
                      "template weight per pixel (one scale for the whole figure)")
        y += 56
        for (text, color), h in zip(caption, cap_h):
            cv.text(MARGIN, y, text_w, h, text, color=color, wrap=True)
            y += h
        return cv.save(path)
