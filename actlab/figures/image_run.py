"""All figures of one trained image run (:func:`write_image_figures`), computed from the
network and its data with :mod:`actlab.engine.analysis.conv` and
:mod:`actlab.engine.analysis.local_linear` and drawn by :mod:`.images` and
:mod:`.local_templates`; takes a plain :class:`ImageRunResult`, not a Lab."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from actlab.engine.analysis import conv as ca
from actlab.engine.analysis import local_linear as ll
from actlab.figures import canvas as fc
from actlab.figures import images as ri
from actlab.figures import local_templates as lt

#: how many test images samples.png shows, and how many the collapse is measured on
N_SAMPLES, N_MEASURE = 40, 200


class ImageFigureError(ValueError):
    """Some figures of a run could not be drawn.  ``str(error)`` names each one and why;
    ``written`` maps the names of the figures that were written to their paths."""

    def __init__(self, failures: dict[str, str], written: dict[str, Path]):
        self.failures, self.written = dict(failures), dict(written)
        super().__init__("; ".join(f"{name}: {why}" for name, why in failures.items()))


@dataclass(frozen=True)
class ImageRunResult:
    """One trained image run: its ``network`` (a :class:`ConvNetwork`), ``spec`` (its
    :class:`ImageNetSpec`), ``data`` (:class:`ImageData`), ``history`` (a dict with at
    least ``"test_accuracy"``, one value per epoch) and ``title`` (e.g. the activation's
    display name, put in every figure's title)."""

    network: object
    spec: object
    data: object
    history: dict = field(default_factory=dict)
    title: str = ""


def sample_indices(labels, n: int = N_SAMPLES) -> np.ndarray:
    """Up to ``n`` test images taken class by class in turn (the first of each class, then
    the second, …), so every class appears in samples.png whatever the test set's order."""
    y = np.asarray(labels).reshape(-1)
    queues = [list(np.flatnonzero(y == c)) for c in np.unique(y)]
    out: list[int] = []
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(int(q.pop(0)))
    return np.array(sorted(out), dtype=np.int64)


def _shown_images(data):
    """``(x, y, which)``: the test images the figures show, or the training images (which
    = "training") for a lab that keeps none aside (a train fraction of 1)."""
    if len(data.x_test):
        return data.x_test, data.y_test, "test"
    return data.x_train, data.y_train, "training"


def run_analysis(run: ImageRunResult):
    """``(collapse, templates)`` of the run: the ConvCollapse of its first run of merging
    convolutions (None when no layers merge) and its class Templates (None unless the
    whole network is linear), both measured on up to 200 test images
    (training images when there are none)."""
    spec, params = run.spec, run.network.get_params()
    x = _shown_images(run.data)[0][:N_MEASURE]
    slope = spec.leaky_slope
    runs = ca.conv_runs(spec.conv, slope)
    collapse = ca.collapse_run(params, spec.conv, runs[0], x, slope) \
        if runs and len(x) else None
    tmpl = None
    if ca.first_nonlinearity(spec.conv, spec.activations, slope) is None:
        tmpl = ca.templates(params, spec.conv, spec.head, spec.input_size,
                            x if len(x) else None, spec.activations, leaky_slope=slope)
    return collapse, tmpl


def _network_words(spec) -> str:
    """"ReLU network", "Linear network with max pooling", "ReLU and Leaky ReLU network"."""
    from actlab.engine.activations.lookup import display_name

    custom = tuple(getattr(spec, "custom", ()) or ())
    names = [c.activation for c in spec.conv] + list(spec.activations)
    words = " and ".join(dict.fromkeys(display_name(a, custom) for a in names)) + " network"
    if any(c.pool == "max" for c in spec.conv):
        words += " with max pooling"
    return words


def templates_png(path, run: ImageRunResult, probe: int = 0, scale: float = 2.0):
    """Draw ``templates.png`` of a piecewise-linear run: the ``probe`` test image (and,
    unless the network is linear, the first image of another class) with its own
    templates T(x), the shared templates of a linear network, and the number of activation
    patterns on the test images.  ValueError for a network that is not piecewise linear."""
    spec, net = run.spec, run.network
    slope, names = spec.leaky_slope, list(run.data.class_names)
    why = ll.not_piecewise_linear(spec.conv, spec.activations, slope)
    if why:
        raise ValueError(f"no templates per image: {why}")
    x, y, which = _shown_images(run.data)
    params = net.get_params()
    linear = ca.first_nonlinearity(spec.conv, spec.activations, slope) is None
    others = np.flatnonzero(y != y[probe])
    picked = [probe] if linear or not len(others) else [probe, int(others[0])]
    with np.errstate(all="ignore"):
        scores = net.logits(x)
        local = ll.local_affine(params, spec.conv, spec.head, x[picked], spec.activations,
                                slope, scores=scores[picked])
        check = ll.local_linear_check(params, spec.conv, spec.head, x, spec.activations,
                                      slope, scores=scores)
    rows = []
    for j, i in enumerate(picked):
        guess = names[int(np.argmax(scores[i]))]
        rows.append(lt.TemplateRow(
            f"{which.capitalize()} image {i + 1} and its own template per class, T(x): "
            f"logit = T(x) · x + c(x)", x[i, 0], local.templates[j], local.constants[j],
            (f"true: {names[int(y[i])]}", f"predicted: {guess}")))
    shared = None
    n, p = check.images, check.activation_patterns
    counted = f"{p:,} activation pattern{'s' * (p != 1)} on {n:,} {which} images"
    if linear:
        t = ca.templates(params, spec.conv, spec.head, spec.input_size, None,
                         spec.activations, leaky_slope=slope)
        shared = (t.templates, t.constants)
        gap = float(np.max(np.abs(local.templates[0] - t.templates)))
        caption = [(f"Linear: one template for every image ({counted}); the image's own "
                    f"templates are the shared ones (largest difference {fc.fmt(gap)}).",
                    fc.TEXT)]
    else:
        caption = [(f"A linear network has one template for every image; this "
                    f"{_network_words(spec)} has {counted} — one linear map per pattern.",
                    fc.TEXT)]
    caption.append((f"Largest |logit − (T(x) · x + c(x))| over the {which} images: "
                    f"{fc.fmt(check.max_difference)} (rounding only): on its own pattern "
                    "the network is exactly linear in the image.", fc.TEXT))
    caption.append(("T(x) is the gradient of each logit with the image's activation pattern "
                    "frozen (which piece every unit is on; which input every max pool "
                    "passes); images with the same pattern share their templates.",
                    fc.MUTED))
    return lt.local_templates_png(path, rows, names, "One template per image" + (f" — {run.title}" if run.title else ""),
                                  caption, shared, scale)


def write_image_figures(out_dir, run: ImageRunResult, scale: float = 2.0) -> dict[str, Path]:
    """Write ``samples.png``, ``filters.png``, ``featuremaps.png`` and ``confusion.png``
    of ``run`` into ``out_dir`` — and ``templates.png`` (:func:`templates_png`) when every
    activation of the network is piecewise linear; returns ``{"samples": path, ...}``.  Every figure that can
    be drawn is written (atomically); if any cannot, :class:`ImageFigureError` (a
    ValueError) names them after the others are written."""
    out = Path(out_dir)
    data, net = run.data, run.network
    names = list(data.class_names)
    suffix = f" — {run.title}" if run.title else ""
    written: dict[str, Path] = {}
    failures: dict[str, str] = {}
    x, y, which = _shown_images(data)
    if len(x) == 0:
        raise ImageFigureError({"all figures": "the run has no images to draw"}, {})
    predicted = np.argmax(net.predict(x), axis=1)

    def samples():
        idx = sample_indices(y)
        return ri.samples_png(out / "samples.png", x[idx], y[idx], predicted[idx], names,
                              f"{which.capitalize()} images and predictions" + suffix, scale,
                              which)

    def filters():
        collapse, tmpl = run_analysis(run)
        return ri.filters_png(out / "filters.png", net.get_params(), run.spec.conv,
                              "First-layer filters" + suffix, collapse, tmpl, names, scale,
                              which, run.spec.leaky_slope)

    def featuremaps():
        maps = net.forward_maps(x[0])
        truth = names[int(y[0])]
        return ri.featuremaps_png(out / "featuremaps.png", maps,
                                  f"One {which} image ({truth}) through every layer" + suffix,
                                  names, scale)

    def confusion():
        M = ca.confusion_matrix(y, predicted, len(names))
        return ri.confusion_png(out / "confusion.png", M, names,
                                f"Confusion matrix ({which} images)" + suffix, scale, which)

    def templates():
        return templates_png(out / "templates.png", run, 0, scale)

    figures = [("samples", samples), ("filters", filters), ("featuremaps", featuremaps),
               ("confusion", confusion)]
    if ll.not_piecewise_linear(run.spec.conv, run.spec.activations,
                               run.spec.leaky_slope) is None:
        figures.append(("templates", templates))
    for name, draw in figures:
        try:
            written[name] = draw()
        except ValueError as e:
            failures[f"{name}.png"] = str(e)
    if failures:
        raise ImageFigureError(failures, written)
    return written
