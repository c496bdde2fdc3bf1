"""The figures of an image run, as PNG files drawn without a window.

Every function takes plain values (arrays, names, the engine's analysis results), not a
Lab, so the CLI, the window's export and notebooks can all call them:

* :func:`samples_png` — test images with the network's prediction under each; wrong ones
  outlined in red.
* :func:`filters_png` — the first layer's kernels on a blue (+) / orange (−) map; for a
  linear stack the one composite kernel equal to it, for a fully linear network the
  class templates (``score = template · image + c``).
* :func:`featuremaps_png` (in :mod:`.featuremaps`) — one image through every layer, a
  row per stage.
* :func:`confusion_png` — the confusion matrix, rows true class, columns predicted.
* :func:`image_compare_png` (in :mod:`.image_compare`) — test accuracy of several runs
  and each run's first-layer filters.

:func:`.image_run.write_image_figures` draws samples, filters, feature maps and confusion
for one trained run given as an :class:`.image_run.ImageRunResult` — and, for a
piecewise-linear network, ``templates.png`` (:mod:`.local_templates`: each image's own
template per class).

Each writes its file atomically: a figure that cannot be drawn raises ValueError with one
clear sentence and leaves no file behind.  Pictures are drawn ink-black on white; signed
values (weights, feature maps) blue positive, orange negative, white 0, on a range
symmetric about 0 that a colour key states.
"""
from __future__ import annotations

import numpy as np

from actlab.figures import canvas as fc
from actlab.engine.activations.lookup import display_name
from actlab.figures.canvas import (
    MARGIN, MIN_WIDTH, Canvas, draw_grid, fit_width as _fit_width, fmt, grid_boxes,
    header as _header,
    header_height as _header_height, header_width as _header_width, measure, pixel_scale)
from actlab.figures.featuremaps import featuremaps_png
from actlab.figures.image_compare import image_compare_png

__all__ = ["samples_png", "samples_layout", "filters_png", "featuremaps_png", "confusion_png",
           "image_compare_png"]

TILE = 64        # logical px a test image or feature map is drawn at (about)
KERNEL_TILE = 56
MAX_SAMPLES = 100


def _images(images, what: str = "images") -> np.ndarray:
    a = np.asarray(images, dtype=float)
    if a.ndim == 4 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 3 or a.shape[0] < 1 or a.shape[1] < 1 or a.shape[2] < 1:
        raise ValueError(f"{what} must be shaped (n, 1, H, W) or (n, H, W) with n ≥ 1, "
                         f"got {np.shape(images)}")
    return a


def _classes(values, n: int, k: int, what: str) -> np.ndarray:
    v = np.asarray(values).reshape(-1)
    if v.size != n:
        raise ValueError(f"{n} images but {v.size} {what}")
    if v.size and (not np.all(np.equal(np.mod(v, 1), 0)) or v.min() < 0 or v.max() >= k):
        raise ValueError(f"every {what[:-1]} must be a class 0 to {k - 1}")
    return v.astype(np.int64)


# ---------------------------------------------------------------------- samples
def _sample_lines(n_right: int, n: int, which: str = "test") -> list[tuple[str, str]]:
    return [(f"{n_right} of {n} {which} images predicted right ({100.0 * n_right / n:.0f}%); "
             "the name under each is the prediction.", fc.TEXT),
            ("red outline = wrong (the true class is written in red under it)", fc.MISTAKE)]


def samples_layout(images, class_names, title: str = "", which: str = "test"
                   ) -> tuple[list[tuple[float, float, float, float]], float, float]:
    """Where :func:`samples_png` draws each image: ``(x, y, w, h)`` boxes in logical
    pixels (the PNG has 2 pixels per logical pixel), and the figure's width and height."""
    x = _images(images)
    n, H, W = x.shape
    cell = pixel_scale(max(H, W), TILE)
    names = [str(c) for c in class_names]
    col_w = _fit_width(names + ["true: " + c for c in names], lo=W * cell + 14)
    cols = max(1, min(n, int(900 // col_w), 10))
    top = _header_height(2)
    boxes, gw, gh = grid_boxes(n, cols, (W * cell, H * cell), col_w, 2, MARGIN, top)
    width = max(gw + 2 * MARGIN, MIN_WIDTH,
                _header_width(title, [t for t, _ in _sample_lines(n, n, which)]))
    return [(bx, by, W * cell, H * cell) for bx, by in boxes], width, top + gh + MARGIN


def samples_png(path, images, labels, predicted, class_names, title: str,
                scale: float = 2.0, which: str = "test"):
    """Save a grid of ``images`` ((n, 1, H, W) in [0, 1], ink 1) with the ``predicted``
    class name under each; a wrong prediction gets a red outline and its true class in
    red.  ``labels`` are the true classes.  At most 100 images.  ``which`` names them
    ("test", or "training" for a lab that keeps no test images)."""
    x = _images(images)
    n = len(x)
    if n > MAX_SAMPLES:
        raise ValueError(f"samples.png shows at most {MAX_SAMPLES} images, got {n}")
    names = [str(c) for c in class_names]
    y = _classes(labels, n, len(names), "labels")
    p = _classes(predicted, n, len(names), "predictions")
    wrong = p != y
    boxes, width, height = samples_layout(x, names, title, which)
    cell = int(boxes[0][2] // x.shape[2])
    with Canvas(width, height, scale) as cv:
        top = _header(cv, title, _sample_lines(int((~wrong).sum()), n, which))
        captions = [[names[p[i]]] + ([("true: " + names[y[i]], fc.MISTAKE)] if wrong[i] else [])
                    for i in range(n)]
        col_w = (boxes[1][0] - boxes[0][0]) if n > 1 and boxes[1][1] == boxes[0][1] \
            else width - 2 * MARGIN
        cols = sum(1 for b in boxes if b[1] == boxes[0][1])
        draw_grid(cv, MARGIN, top, [fc.grey_rgba(im) for im in x], cell, cols, col_w,
                  captions, outlines=[fc.MISTAKE if w else None for w in wrong])
        return cv.save(path)


# ---------------------------------------------------------------------- filters
def _first_kernels(params) -> np.ndarray:
    try:
        K = np.asarray(params[0][0], dtype=float)
    except (TypeError, IndexError, KeyError):
        raise ValueError("params must be a list of (K, b) pairs, the first convolution's "
                         "first") from None
    if K.ndim != 4:
        raise ValueError(f"the first layer's kernels must be shaped (out, in, k, k), "
                         f"got {K.shape}")
    return K


def _layer_words(layer, K) -> str:
    from actlab.engine.analysis.conv_reference import as_spec

    s = as_spec(layer, 0)
    act = display_name(s.activation, s.custom)
    return (f"Layer 1: {K.shape[0]} filter{'s' if K.shape[0] != 1 else ''} of "
            f"{K.shape[2]}×{K.shape[3]}, {act}, padding {s.padding}")


def _kernel_panel(tiles, captions, vmax, heading, key_label, cols=4, target=KERNEL_TILE):
    """A panel (heading, grid of signed tiles, colour key) as a size and a painter."""
    side = max(max(t.shape) for t in tiles)
    cell = pixel_scale(side, target)
    col_w = _fit_width([c for cs in captions for c in cs], lo=side * cell + 14, hi=130)
    cols = max(1, min(cols, len(tiles)))
    lines = max(len(c) for c in captions)
    _, gw, gh = grid_boxes(len(tiles), cols, (side * cell,) * 2, col_w, lines)
    width = max(gw, 260, measure(heading, fc.FONT_PX, True) + 4)
    height = 22 + gh + 14 + 48

    def paint(cv: Canvas, x: float, y: float) -> None:
        cv.text(x, y, width, 18, heading, fc.FONT_PX, bold=True)
        rgba = [fc.signed_rgba(t, vmax) for t in tiles]
        draw_grid(cv, x + (width - gw) / 2, y + 22, rgba, cell, cols, col_w, captions)
        cv.colour_key(x + 40, y + 22 + gh + 14, width - 80, vmax, key_label)
    return width, height, paint


def _saliency_panel(saliency):
    """(width, height, painter) of a saliency row: each image over its saliency map."""
    heading, images, sal, captions, _ = saliency
    images, sal = np.asarray(images, dtype=float), np.asarray(sal, dtype=float)
    vmax = fc.colors.symmetric_range(sal)
    gap = np.full((1, images.shape[2], 4), (190, 190, 190, 255), np.uint8)
    pics = [np.concatenate([fc.grey_rgba(im), gap, fc.signed_rgba(s_, vmax)])
            for im, s_ in zip(images, sal)]
    cell = pixel_scale(max(images.shape[1:]), TILE)
    col_w = _fit_width(list(captions), lo=images.shape[2] * cell + 16, hi=130)
    _, gw, gh = grid_boxes(len(pics), len(pics), (images.shape[2] * cell,
                                                  pics[0].shape[0] * cell), col_w, 1)
    width = max(gw, measure(heading, fc.FONT_PX, True) + 4, 260)
    height = 22 + gh + 14 + 48

    def paint(cv: Canvas, x: float, y: float) -> None:
        cv.text(x, y, width, 18, heading, fc.FONT_PX, bold=True, align="center")
        draw_grid(cv, x + (width - gw) / 2, y + 22, pics, cell, len(pics), col_w,
                  [[c] for c in captions])
        cv.colour_key(x + width / 2 - 130, y + 22 + gh + 14, 260, vmax,
                      "∂ score / ∂ pixel (image above, its saliency below)")
    return width, height, paint


def filters_png(path, params, conv_layers, title: str, collapse=None, templates=None,
                class_names=None, scale: float = 2.0, which: str = "test",
                leaky_slope: float = 0.01, saliency=None):
    """Save the first conv layer's kernels (blue +, orange −, white 0, one symmetric scale
    stated by a colour key).  With ``collapse`` (a :class:`ConvCollapse`) the composite
    kernel(s) stand beside them with its summary and the measured difference; with
    ``templates`` (a :class:`Templates`) the class templates follow, captioned
    ``score = template · image + c``; with ``saliency`` — ``(heading, images (n, H, W),
    saliencies (n, H, W), captions, sentence)`` — each image over its saliency map, last."""
    K = _first_kernels(params)
    layers = list(conv_layers)
    if not layers:
        raise ValueError("conv_layers is empty: the network has no convolution to show")
    tiles = [K[o, 0] for o in range(K.shape[0])]
    panels = [_kernel_panel(tiles, [[f"filter {o + 1}"] for o in range(len(tiles))],
                            fc.colors.symmetric_range(K), _layer_words(layers[0], K),
                            "weight (shared scale)")]
    notes: list[tuple[str, str]] = []        # under the kernels: the collapse
    after: list[tuple[str, str]] = []        # under the templates
    if collapse is not None:
        Kc = np.asarray(collapse.kernel, dtype=float)
        pairs = [(o, c) for o in range(Kc.shape[0]) for c in range(Kc.shape[1])][:16]
        caps = [[f"out {o + 1}" if Kc.shape[1] == 1 else f"out {o + 1} ← in {c + 1}"]
                for o, c in pairs]
        kh, kw = collapse.kernel_size
        panels.append(_kernel_panel([Kc[o, c] for o, c in pairs], caps,
                                    fc.colors.symmetric_range(Kc),
                                    f"The one {kh}×{kw} convolution equal to layers "
                                    f"{collapse.first + 1}–{collapse.last + 1}",
                                    "composite weight"))
        notes.append((collapse.summary, fc.TEXT))
        notes.append((_difference_words(collapse, which), fc.TEXT))
        if collapse.note:
            notes.append((collapse.note, fc.MUTED))
        if len(pairs) < Kc.shape[0] * Kc.shape[1]:
            notes.append((f"(showing 16 of the {Kc.shape[0] * Kc.shape[1]} composite "
                          "kernels)", fc.MUTED))
    elif len(layers) > 1:
        from actlab.engine.analysis.conv import first_nonlinearity

        why = first_nonlinearity(layers[:-1], leaky_slope=leaky_slope)
        if why:
            notes.append((f"No single convolution equals this stack: {why}, and a "
                          "non-linearity between convolutions keeps them from merging.",
                          fc.TEXT))
    template_panel = None
    if templates is not None:
        T = np.asarray(templates.templates, dtype=float)
        names = [str(c) for c in class_names] if class_names is not None \
            else [f"class {i + 1}" for i in range(len(T))]
        if len(names) != len(T):
            raise ValueError(f"{len(T)} templates but {len(names)} class names")
        caps = [[names[i], f"c = {fmt(templates.constants[i])}"] for i in range(len(T))]
        template_panel = _kernel_panel(list(T), caps, fc.colors.symmetric_range(T),
                                       "The whole network is linear: score = template · "
                                       "image + c", "template weight per pixel",
                                       cols=5, target=TILE)
        if templates.max_difference is not None:
            after.append((f"Network scores vs template scores on the {which} images: largest "
                          f"difference {fmt(templates.max_difference)} (rounding only).",
                          fc.TEXT))
    sal_panel = _saliency_panel(saliency) if saliency is not None else None
    if sal_panel is not None:
        after.append(("", fc.TEXT))  # the saliency row goes here
        after.append((saliency[4], fc.TEXT))
    row_w = sum(p[0] for p in panels) + 32 * (len(panels) - 1)
    width = max(row_w, template_panel[0] if template_panel else 0,
                sal_panel[0] if sal_panel else 0, MIN_WIDTH - 2 * MARGIN,
                _header_width(title, []) - 2 * MARGIN) + 2 * MARGIN
    text_w = width - 2 * MARGIN
    top = _header_height(0)
    row_h = max(p[1] for p in panels)
    t_h = template_panel[1] + 20 if template_panel else 0
    with Canvas(width, 10) as probe:  # measure wrapped notes before sizing the figure
        note_h = [(sal_panel[1] + 10 if not t else probe.wrapped_height(t, text_w) + 6)
                  for t, _ in notes + after]
    height = top + row_h + 16 + t_h + sum(note_h) + MARGIN
    with Canvas(width, height, scale) as cv:
        y = _header(cv, title, [])
        x = MARGIN + (text_w - row_w) / 2
        for w, _, paint in panels:
            paint(cv, x, y)
            x += w + 32
        y += row_h + 16
        heights = iter(note_h)
        for part in (notes, None, after):
            if part is None:
                if template_panel:
                    y += 10
                    template_panel[2](cv, MARGIN + (text_w - template_panel[0]) / 2, y)
                    y += template_panel[1] + 10
                continue
            for text, color in part:
                h = next(heights)
                if text:
                    cv.text(MARGIN, y, text_w, h, text, color=color, wrap=True)
                else:  # the saliency row
                    sal_panel[2](cv, MARGIN + (text_w - sal_panel[0]) / 2, y + 4)
                y += h
        return cv.save(path)


def _difference_words(c, which: str = "test") -> str:
    if c.border_difference is None or c.interior_difference is None:
        return (f"Measured on the {which} images: largest |stack − single convolution| = "
                f"{fmt(c.max_difference)} (relative {fmt(c.relative_difference)}): the same "
                "up to rounding.")
    return (f"Measured on the {which} images: inside the map the largest difference is "
            f"{fmt(c.interior_difference)} (rounding); within {c.padding[0]} px of the "
            f"border, where zero padding acts, it is {fmt(c.border_difference)}.")


# ---------------------------------------------------------------------- confusion
def confusion_png(path, matrix, class_names, title: str, scale: float = 2.0,
                  which: str = "test"):
    """Save the confusion matrix: ``matrix[t, p]`` images of true class t predicted as p
    (rows true, columns predicted) with the count in each cell, shaded by the share of
    its row, and the accuracy it implies."""
    M = np.asarray(matrix)
    names = [str(c) for c in class_names]
    k = len(names)
    if M.shape != (k, k):
        raise ValueError(f"the confusion matrix must be {k}×{k} for {k} classes, got "
                         f"{M.shape}")
    if not np.all(np.isfinite(M)) or np.any(M < 0) or not np.all(np.equal(np.mod(M, 1), 0)):
        raise ValueError("the confusion matrix must hold counts (whole numbers ≥ 0)")
    M = M.astype(np.int64)
    cell = 52.0
    row_lab = _fit_width(names, fc.FONT_PX, lo=40, hi=160)
    tall = max(measure(n, fc.FONT_PX) for n in names) + 10 > cell
    col_lab = (_fit_width(names, fc.FONT_PX, hi=160) if tall else 20.0)
    left = MARGIN + 24 + row_lab
    top = _header_height(2) + 22 + col_lab
    total = int(M.sum())
    right = int(np.trace(M))
    lines = [(f"{right} of {total} {which} images on the diagonal (right): accuracy "
              f"{100.0 * right / max(total, 1):.0f}%.", fc.TEXT),
             ("Rows: the true class; columns: what the network predicted.", fc.MUTED),
             ("The darker a cell, the larger its share of the row.", fc.MUTED)]
    top += 19
    width = max(left + k * cell + MARGIN, MIN_WIDTH, _header_width(title, [t for t, _ in lines]))
    height = top + k * cell + MARGIN
    with Canvas(width, height, scale) as cv:
        y = _header(cv, title, lines)
        head_w = max(k * cell, measure("predicted class", fc.FONT_PX, True) + 12)
        cv.text(left + k * cell / 2 - head_w / 2, y, head_w, 20, "predicted class", bold=True,
                align="center")
        for j, n in enumerate(names):
            if tall:
                cv.vertical_text(left + j * cell, y + 22, cell, col_lab - 4, n, align="left")
            else:
                cv.text(left + j * cell, y + 22, cell, col_lab, n, align="center")
        cv.vertical_text(MARGIN, top, 22, k * cell, "true class", bold=True)
        blue = np.array(fc.colors.hex_to_rgb(fc.colors.BLUE), float)
        for i in range(k):
            cv.text(MARGIN + 24, top + i * cell, row_lab - 8, cell, names[i], align="right")
            share = M[i] / max(int(M[i].sum()), 1)
            for j in range(k):
                rgb = 255.0 + (blue - 255.0) * share[j]
                fill = "#%02X%02X%02X" % tuple(int(round(c)) for c in rgb)
                x, yy = left + j * cell, top + i * cell
                cv.rect(x, yy, cell, cell, fill=fill, outline="#FFFFFF")
                color = "#FFFFFF" if share[j] > 0.55 else (fc.TEXT if M[i, j] else "#9A9A9A")
                cv.text(x, yy, cell, cell, str(M[i, j]), fc.FONT_PX, bold=i == j,
                        color=color, align="center")
        cv.rect(left, top, k * cell, k * cell, outline=fc.FRAME)
        return cv.save(path)
