"""The image lab's views as figures: what File ▸ Export and the instruments' "Export
PNG…" write for an image lab, in place of a grab of the widgets (which carried the −/+
buttons and combo boxes and was a few hundred pixels wide).

Each function draws from the values the window already shows — a snapshot's
:class:`~actlab.engine.pictures.images.ImagePictures` and the instruments'
:class:`~actlab.engine.analysis.image_insights.ImageInsights` — with the CLI's own figure
functions where the CLI draws the same thing, so the window and ``actlab train`` write the
same picture for the same run and title:

* :func:`gallery_png` — the gallery: :func:`.images.samples_png` (the CLI's samples.png).
* :func:`confusion_figure_png` — :func:`.images.confusion_png` (confusion.png).
* :func:`collapse_png` — "Why non-linearity?": :func:`.images.filters_png` (filters.png:
  the first layer's filters, the one convolution a linear stack equals, the class
  templates of a linear network).
* :func:`filters_maps_png` — the convolution builder: each convolution's filters above
  what they make of the probed image, drawn by :func:`.featuremaps.featuremaps_png`.
* :func:`scores_png` — the probed image and its class probabilities as bars.

Every figure is at least :data:`~.canvas.MIN_WIDTH` logical pixels wide (1200 px at the
default scale of 2) with a title; a ``label`` (the lab's name) ends the title as the
CLI's run title does.
"""
from __future__ import annotations

import numpy as np

from actlab.figures import canvas as fc
from actlab.figures import images as ri
from actlab.figures.canvas import (
    MARGIN, MIN_WIDTH, Canvas, header, header_height, header_width, measure, pixel_scale)
from actlab.figures.featuremaps import featuremaps_png

__all__ = ["gallery_png", "confusion_figure_png", "collapse_png", "filters_maps_png",
           "scores_png", "gallery_title", "confusion_title", "scores_title",
           "filters_maps_title", "COLLAPSE_TITLE"]

COLLAPSE_TITLE = "Why non-linearity? What the convolutions collapse to"


def _which(pics) -> str:
    """"test", or "training" for a lab that keeps no test images (the CLI's word)."""
    return "test" if pics.split == "test" else "training"


def _suffix(label: str) -> str:
    return f" — {label}" if label else ""


def _needs(pics) -> None:
    if pics is None:
        raise ValueError("nothing to draw yet: the lab has not shown its first pictures")


# ---------------------------------------------------------------------- gallery
def gallery_title(pics, label: str = "") -> str:
    return f"{_which(pics).capitalize()} images and predictions" + _suffix(label)


def gallery_png(path, pics, label: str = "", scale: float = 2.0):
    """The gallery of ``pics`` (its images, true and predicted classes) as the CLI's
    samples.png."""
    _needs(pics)
    return ri.samples_png(path, pics.gallery_images, pics.gallery_true, pics.gallery_pred,
                          pics.class_names, gallery_title(pics, label), scale, _which(pics))


# ---------------------------------------------------------------------- confusion
def confusion_title(pics, label: str = "") -> str:
    return f"Confusion matrix ({_which(pics)} images)" + _suffix(label)


def confusion_figure_png(path, pics, label: str = "", scale: float = 2.0):
    """The confusion matrix of ``pics`` as the CLI's confusion.png."""
    _needs(pics)
    return ri.confusion_png(path, pics.confusion, pics.class_names,
                            confusion_title(pics, label), scale, _which(pics))


# ---------------------------------------------------------------------- collapse
def collapse_png(path, insights, pics, conv_layers, leaky_slope: float = 0.01,
                 label: str = "", scale: float = 2.0):
    """"Why non-linearity?" of an image lab as the CLI's filters.png: the first layer's
    filters (from ``pics``), the composite kernel of the first run of merging convolutions
    and the class templates (from ``insights``), ``conv_layers`` the lab's ConvSpecs."""
    _needs(pics)
    if insights is None:
        raise ValueError("nothing to draw yet: the instrument has not measured the network")
    if not pics.layers:
        raise ValueError("the network has no convolution to show")
    first = pics.layers[0]
    collapse = insights.collapses[0].collapse if insights.collapses else None
    which = "test" if insights.probe_split == "test" else "training"
    saliency = None
    if len(insights.saliencies):
        split = insights.probe_split
        caps = ["probed"] + [f"{split} #{i + 1}" for i in insights.saliency_indices[1:]]
        saliency = (insights.saliency_heading(), insights.saliency_images,
                    insights.saliencies, caps, insights.saliency_text())
    return ri.filters_png(path, [(first.kernels, first.bias)], conv_layers,
                          COLLAPSE_TITLE + _suffix(label), collapse, insights.templates,
                          insights.class_names, scale, which, leaky_slope, saliency)


# ---------------------------------------------------------------------- filters and maps
def _truth(pics) -> str:
    return str(pics.class_names[pics.label])


def filters_maps_title(pics, label: str = "") -> str:
    return (f"{_which(pics).capitalize()} image {pics.probe + 1} ({_truth(pics)}) through "
            "the convolutions, each beneath its filters" + _suffix(label))


def filter_stages(pics) -> list[tuple[str, np.ndarray]]:
    """The rows of :func:`filters_maps_png`: the input; per convolution its filters (a
    grey input's own kernels; for several input channels their sum over the channels, as
    the builder shows them), its output, after the activation, after the pooling; the
    class probabilities."""
    rows = [("input", np.asarray(pics.image, dtype=float)[None])]
    for lp in pics.layers:
        i = lp.index + 1
        K = np.asarray(lp.kernels, dtype=float)
        if K.shape[1] == 1:
            rows.append((f"filters {i}", K[:, 0]))
        else:
            rows.append((f"filters {i} (Σ {K.shape[1]} inputs)", K.sum(axis=1)))
        rows.append((f"conv {i}", np.asarray(lp.pre, dtype=float)))
        rows.append((f"{lp.activation} {i}", np.asarray(lp.post, dtype=float)))
        if np.shape(lp.pooled) != np.shape(lp.post):
            rows.append((f"pool {i}", np.asarray(lp.pooled, dtype=float)))
    rows.append(("softmax", np.asarray(pics.scores, dtype=float)))
    return rows


def filters_maps_png(path, pics, label: str = "", scale: float = 2.0):
    """The convolution builder's picture: the probed image, each convolution's filters
    and the maps they make of it, and its class probabilities (a row per stage)."""
    _needs(pics)
    return featuremaps_png(path, filter_stages(pics), filters_maps_title(pics, label),
                           list(pics.class_names), scale)


# ---------------------------------------------------------------------- scores
def scores_title(pics, label: str = "") -> str:
    return (f"Class scores of {_which(pics)} image {pics.probe + 1} ({_truth(pics)})"
            + _suffix(label))


BAR_W = 360.0
BAR_H = 22.0
IMAGE_TILE = 128


def scores_png(path, pics, label: str = "", scale: float = 2.0):
    """The probed image beside its class probabilities as horizontal bars (0–100 %),
    the predicted class in bold and blue, the true class named."""
    _needs(pics)
    names = [str(c) for c in pics.class_names]
    p = np.asarray(pics.scores, dtype=float)
    if p.shape != (len(names),):
        raise ValueError(f"{len(names)} classes but {p.size} scores")
    guess, truth = int(np.argmax(p)), int(pics.label)
    title = scores_title(pics, label)
    right = "right" if guess == truth else "wrong"
    lines = [(f"Predicted: {names[guess]} ({100 * p[guess]:.0f}%); true class: "
              f"{names[truth]} — {right}.", fc.TEXT if guess == truth else fc.MISTAKE),
             ("Each bar is the network's probability (softmax) for one class; they add up "
              "to 100%.", fc.MUTED)]
    image = np.asarray(pics.image, dtype=float)
    cell = pixel_scale(max(image.shape), IMAGE_TILE)
    img_w, img_h = image.shape[1] * cell, image.shape[0] * cell
    name_w = max(measure(n + " (true)", fc.FONT_PX, True) for n in names) + 16
    name_w = min(max(name_w, 60.0), 240.0)
    left = MARGIN + img_w + 32
    top = header_height(len(lines))
    width = max(left + name_w + BAR_W + 60 + MARGIN, MIN_WIDTH,
                header_width(title, [t for t, _ in lines]))
    bars_h = len(names) * (BAR_H + 6) + 22
    height = top + max(img_h + 20, bars_h) + MARGIN
    blue = fc.colors.BLUE
    with Canvas(width, height, scale) as cv:
        y = header(cv, title, lines)
        cv.picture(MARGIN, y, fc.grey_rgba(image), cell)
        cv.text(MARGIN, y + img_h + 2, img_w, 18, f"true: {names[truth]}", fc.SMALL_PX,
                color=fc.MUTED, align="center")
        x0 = left + name_w
        for i, name in enumerate(names):
            yy = y + i * (BAR_H + 6)
            top_class = i == guess
            cv.text(left, yy, name_w - 8, BAR_H, name + (" (true)" if i == truth else ""),
                    bold=top_class, align="right")
            cv.rect(x0, yy, BAR_W, BAR_H, fill="#F2F2F2")
            if p[i] > 0:
                cv.rect(x0, yy, max(BAR_W * float(p[i]), 1.0), BAR_H,
                        fill=blue if top_class else "#9DB8D9")
            cv.text(x0 + BAR_W + 6, yy, 54, BAR_H, f"{100 * p[i]:.0f}%", bold=top_class)
        ty = y + len(names) * (BAR_H + 6)
        for frac in (0.0, 0.5, 1.0):
            cv.line(x0 + BAR_W * frac, ty, x0 + BAR_W * frac, ty + 4, fc.FRAME)
            cv.text(x0 + BAR_W * frac - 30, ty + 4, 60, 16, f"{100 * frac:.0f}%",
                    fc.SMALL_PX, color=fc.MUTED, align="center")
        return cv.save(path)
