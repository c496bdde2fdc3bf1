"""What the teaching instruments draw for an image lab, in one frozen value.

:func:`image_insights` is the image-lab twin of :func:`.insights.compute_insights`: the
worker thread calls it (trainer locked) when an instrument is on screen, never per epoch,
and the views only draw the returned :class:`ImageInsights`.  It answers the two
questions of the instruments for convolutional networks:

* "Why non-linearity?" — which runs of convolutions merge into one (their kernels, the
  composite kernel, the measured difference and the border caveat, and the probed image
  through the stack and through the single convolution), the class templates
  when the whole network is linear, and the saliency of several images (identical for a
  linear network, different with a non-linearity).
* Gradient flow — mean |∂L/∂W| per weight layer over the run (the trainer's
  :class:`.history.GradientHistory`), dead filters per convolution, and a sample of every
  hidden layer's pre-activations for the saturation histograms.

The gradient-flow fields have the names and meaning of :class:`.insights.Insights`
(``grad_epochs``, ``grad_norms``, ``dead_units``, ``layer_sizes``, ``pre_activations``,
``activations``), so the point labs' gradient view draws either; ``layer_names`` and
``unit_names`` say what the columns are ("Convolution 1", …).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actlab.engine.analysis import conv as ca
from actlab.engine.analysis import conv_reference as ref
from actlab.engine.analysis.conv_probe import CollapseMaps, collapse_maps
from actlab.engine.analysis import local_linear as ll
from actlab.engine.activations.lookup import display_name
from actlab.engine.models.cnn_layers import Act, Conv2D, Dense
from actlab.engine.frozen import read_only

N_PATTERNS = 200     # test images the activation patterns are counted on
N_MEASURE = 8        # test images the composite kernel and the templates are checked on
N_DEAD = 200         # training images a filter must be silent on to count as dead
IDENTICAL = 1e-9     # saliencies differing by less (relative) are the same map
N_SALIENCY = 3       # images whose saliency is set beside the probed one's
HIST_VALUES = 2000   # pre-activation values per layer kept for the histograms


@dataclass(frozen=True, eq=False)
class RunCollapse:
    """One run of convolutions that merges, with the kernels it merges."""
    collapse: ca.ConvCollapse   # composite kernel, bias, differences, summary, border note
    kernels: tuple              # the run's own kernels, one (out, in, k, k) per layer
    biases: tuple
    #: the probed image through the stack and through the single convolution (first
    #: filter) and their difference; None when not computed
    maps: CollapseMaps | None = None


@dataclass(frozen=True, eq=False)
class LocalTemplates:
    """The probed image's own affine map in a piecewise-linear network (see
    :mod:`actlab.engine.analysis.local_linear`): logit_k = T_k(x) · x + c_k(x)."""
    templates: np.ndarray       # T(x), (classes, H, W)
    constants: np.ndarray       # c(x), (classes,)
    dots: np.ndarray            # T_k(x) · x, (classes,)
    scores: np.ndarray          # the network's own logits, (classes,)
    max_difference: float       # largest |logit − (T·x + c)| for this image
    patterns: int               # distinct activation patterns on the images measured
    pattern_images: int         # how many images that count is over


@dataclass(frozen=True, eq=False)
class ImageInsights:
    """Everything the image instruments draw at one epoch (read-only arrays)."""
    kind = "images"
    epoch: int
    # ---- why non-linearity
    conv_titles: tuple          # "Convolution 1 · 8 filters 3×3 · Linear", per conv layer
    runs: tuple                 # ((first, last), …) 0-based conv layers that merge
    collapses: tuple            # RunCollapse per run
    breaks: tuple               # per boundary that does not merge: "layer 1 uses ReLU"
    merged_text: str            # one line for the network diagram's bracket ("" if none)
    first_nonlinearity: str | None  # None: the whole network is affine in the image
    templates: ca.Templates | None  # when the whole network is linear
    class_names: tuple
    probe_split: str
    probe: int
    saliency_class: int         # the class every saliency below is taken for
    saliency_indices: tuple     # indices (in probe_split) of the images, the probe first
    saliency_images: np.ndarray  # (n, H, W)
    saliencies: np.ndarray      # (n, H, W) ∂score[saliency_class]/∂pixel
    saliency_difference: float  # largest |saliency_i − saliency_probe|
    saliency_relative: float    # that over the largest |saliency|
    # ---- gradient flow (the names and meaning of insights.Insights)
    layer_names: tuple          # per weight layer: "Convolution 1", …, "Dense 1", "output"
    grad_epochs: np.ndarray
    grad_norms: np.ndarray      # (samples, weight layers) mean |∂L/∂W|
    unit_names: tuple           # per hidden layer (convolutions, then dense hidden layers)
    unit_kinds: tuple           # "filters" or "units" per hidden layer
    dead_units: tuple           # how many are dead, per hidden layer
    dead_lists: tuple           # which (0-based), per hidden layer
    layer_sizes: tuple          # filters / units per hidden layer
    pre_activations: tuple      # per hidden layer, a sample of pre-activation values
    activations: tuple          # per hidden layer, canonical activation name
    dead_sample: int            # training images the dead check looked at
    # ---- one template per image (piecewise-linear networks; None for smooth ones)
    local: LocalTemplates | None = None

    @property
    def saliency_same(self) -> bool:
        """Whether every image's saliency is the probe's (to rounding): a linear network."""
        return self.saliency_relative < IDENTICAL

    def saliency_heading(self) -> str:
        k = self.saliency_class
        name = self.class_names[k] if k < len(self.class_names) else f"class {k + 1}"
        return f"Saliency: how each pixel moves the score of '{name}'"

    def saliency_text(self) -> str:
        """What the saliencies say, in one sentence (the view and the figure write it)."""
        if self.saliency_same:
            return ("Identical for every image (" + difference_words(
                self.saliency_difference, self.saliency_relative) + "): a linear network "
                "looks at every image through the same template.")
        return (f"Different for each image (they differ by up to "
                f"{self.saliency_relative:.0%} of the largest value): the network "
                f"is not linear ({self.first_nonlinearity or 'a non-linearity'}), so "
                "what it looks at depends on the image.")


def short_number(v: float) -> str:
    """``6.7e−16``, ``0.412``: three significant digits, a real minus sign."""
    return f"{v:.1e}".replace("-", "−") if v and (abs(v) < 1e-3 or abs(v) >= 1e4) \
        else f"{v:.3g}".replace("-", "−")


def difference_words(value: float, relative: float | None = None) -> str:
    """``"largest difference 6.7e−16 — rounding error only"`` (or without the remark
    when the difference is real)."""
    if relative is not None and relative < 1e-9 or value < 1e-12:
        return f"largest difference {short_number(value)} — rounding error only"
    rel = f" ({relative:.0%} of the largest value)" if relative is not None else ""
    return f"largest difference {short_number(value)}{rel}"


def _probe_images(ds, split: str):
    if split == "test" and ds.n_test:
        return ds.x_test, ds.y_test, "test"
    return ds.x_train, ds.y_train, "train"


def _hidden_outputs(net, x):
    """Per hidden layer (conv layers, then dense hidden layers): (pre, post) activations of
    images ``x`` (n, 1, H, W), channels first as the engine keeps them ((C, n, h, w) for a
    convolution, (units, n) for a dense layer).  Uses the network's own fast layers."""
    a = net._images(x)
    out, pre = [], None
    for layer in net.layers:
        a = layer.forward(a)
        if isinstance(layer, (Conv2D, Dense)):
            pre = a
        elif isinstance(layer, Act) and pre is not None:
            out.append((pre.copy(), a.copy()))
            pre = None
    return out  # the output layer has no Act after it: not a hidden layer


def _sample(values: np.ndarray, n: int) -> np.ndarray:
    v = values.ravel()
    if v.size > n:  # evenly spaced, so the same weights give the same sample
        v = v[np.linspace(0, v.size - 1, n).astype(np.intp)]
    return read_only(v)


def _layer_gradient_norms(net, x, y) -> np.ndarray:
    """Mean |∂L/∂W| per weight layer on images ``x`` now (for a trainer without a record)."""
    _, grads = net.loss_and_grads(x, y)
    return np.array([float(np.mean(np.abs(g))) for g, _ in grads])


def _templates(params, specs, head, n_classes, size, x, dense_acts,
               slope: float = 0.01) -> ca.Templates:
    """The class templates of a fully linear network, as :func:`.conv_analysis.templates`
    gives them, computed as input gradients: for an affine network ∂score_k/∂image is the
    same for every image and *is* template k, so one backward pass of ``n_classes`` blank
    images replaces H·W + 1 forward passes (5× less time on a 16×16 lab, which kept the
    instruments' picture of a linear lab near 40 ms).  The difference to the network is
    measured on ``x`` as there."""
    kind = ref.head_kind(head)
    blank = np.zeros((n_classes, 1, size, size))
    T = ref.input_gradient(params, specs, kind, blank, np.eye(n_classes), dense_acts,
                           slope)[:, 0]
    c = ref.forward(params, specs, kind, blank[:1], dense_acts, slope)[0]
    scores = ref.forward(params, specs, kind, x, dense_acts, slope)
    diff = float(np.max(np.abs(scores - (x.reshape(len(x), -1) @ T.reshape(n_classes, -1).T
                                         + c)))) if len(x) else 0.0
    top = float(np.max(np.abs(scores))) if len(x) else 0.0
    return ca.Templates(read_only(T), read_only(c), diff, diff / max(top, np.finfo(float).tiny))


def _saliencies(params, specs, head, images, dense_acts, slope):
    """∂score/∂pixel of every image for the first image's predicted class, in one batched
    backward pass (each image's gradient depends on that image alone): the class and the
    maps of :func:`.conv_analysis.saliency` called per image."""
    kind = ref.head_kind(head)
    x = ref.as_images(images)
    k = int(np.argmax(ref.forward(params, specs, kind, x[:1], dense_acts, slope)[0]))
    g = np.zeros((len(x), len(params[-1][1])))
    g[:, k] = 1.0
    return k, ref.input_gradient(params, specs, kind, x, g, dense_acts, slope)[:, 0]


def _merged_text(collapses) -> str:
    parts = [f"Layers {c.collapse.first + 1}–{c.collapse.last + 1} act as one "
             f"{c.collapse.kernel_size[0]}×{c.collapse.kernel_size[1]} convolution"
             for c in collapses]
    return "; ".join(parts)


def image_insights(trainer, probe_split: str = "test", probe: int = 0) -> ImageInsights:
    """The :class:`ImageInsights` of an image lab's :class:`~actlab.engine.trainer.Trainer`
    now, with the saliency of image ``probe`` of ``probe_split`` ("test", or "train"; the
    test split falls back to training images when there are none) beside those of a few
    others.
    An index outside the split probes image 0."""
    net, ds, spec = trainer.network, trainer.dataset, trainer.network.spec
    params = net.get_params()
    convs, dense_acts = spec.conv, tuple(spec.activations)
    names = tuple(str(c) for c in ds.class_names)
    x_split, _, split = _probe_images(ds, probe_split)
    probe = int(probe) if 0 <= int(probe) < len(x_split) else 0
    x_measure = (ds.x_test if ds.n_test else ds.x_train)[:N_MEASURE]

    with np.errstate(all="ignore"):
        # --- the collapse of each mergeable run of convolutions
        slope = spec.leaky_slope
        runs = tuple(ca.conv_runs(convs, slope))
        collapses = []
        for first, last in runs:
            c = ca.collapse_run(params, convs, (first, last), x_measure, slope)
            maps = collapse_maps(params, convs, (first, last), x_split[probe], 0, slope)
            collapses.append(RunCollapse(c, tuple(read_only(params[i][0]) for i in
                                                  range(first, last + 1)),
                                         tuple(read_only(params[i][1]) for i in
                                               range(first, last + 1)), maps))
        breaks = tuple(f"layer {i + 1} {why}" for i in range(len(convs) - 1)
                       if (why := ca._break_reason(ref.as_spec(convs[i], i), slope)))
        why = ca.first_nonlinearity(convs, dense_acts, slope)
        tmpl = None
        if why is None:
            specs = [ref.as_spec(c, i) for i, c in enumerate(convs)]
            tmpl = _templates(params, specs, spec.head, spec.n_classes, spec.input_size,
                              x_measure, dense_acts, slope)
        local = _local_templates(net, params, convs, spec, x_split[probe],
                                 (ds.x_test if ds.n_test else ds.x_train)[:N_PATTERNS],
                                 dense_acts, slope)

        # --- saliency of the probe and a few others, all for the probe's class
        others = [i for i in np.linspace(0, len(x_split) - 1, N_SALIENCY + 1).astype(int)
                  if i != probe][:N_SALIENCY]
        idx = (probe, *others)
        specs = [ref.as_spec(c, i) for i, c in enumerate(convs)]
        cls, sal = _saliencies(params, specs, spec.head, x_split[list(idx)], dense_acts,
                               spec.leaky_slope)
        sdiff = float(np.max(np.abs(sal - sal[0]))) if len(sal) > 1 else 0.0
        srel = sdiff / max(float(np.max(np.abs(sal))), np.finfo(float).tiny)

        # --- dead filters / units and pre-activations on a sample of training images
        x_dead = ds.x_train[:N_DEAD]
        hidden = _hidden_outputs(net, x_dead)
        record = getattr(trainer, "gradients", None)
        if record is not None and len(record):
            g_epochs, g_norms = record.epochs(), record.norms()
        else:  # a lab loaded with weights but not trained since: sample the norms now
            g_epochs = np.array([trainer.epoch])
            g_norms = _layer_gradient_norms(net, x_dead, ds.y_train[:N_DEAD])[None, :]

    acts = tuple(c.activation for c in convs) + dense_acts
    dead_lists = tuple(tuple(int(k) for k in np.flatnonzero(
        np.all(post.reshape(post.shape[0], -1) == 0.0, axis=1))) for _, post in hidden)
    n_conv, n_dense = len(convs), len(spec.hidden)
    unit_names = tuple(f"Convolution {i + 1}" for i in range(n_conv)) + \
        tuple(f"Dense {i + 1}" for i in range(n_dense))
    titles = tuple(f"Convolution {i + 1} · {c.filters} filters {c.kernel}×{c.kernel} · "
                   f"{display_name(c.activation)}" for i, c in enumerate(convs))
    return ImageInsights(
        epoch=trainer.epoch, conv_titles=titles, runs=runs, collapses=tuple(collapses),
        breaks=breaks, merged_text=_merged_text(collapses), first_nonlinearity=why,
        templates=tmpl, class_names=names, probe_split=split, probe=probe,
        saliency_class=int(cls), saliency_indices=tuple(int(i) for i in idx),
        saliency_images=read_only(x_split[list(idx), 0]), saliencies=read_only(sal),
        saliency_difference=sdiff, saliency_relative=srel,
        layer_names=unit_names + ("output",), grad_epochs=read_only(g_epochs, np.int64),
        grad_norms=read_only(g_norms), unit_names=unit_names,
        unit_kinds=("filters",) * n_conv + ("units",) * n_dense,
        dead_units=tuple(len(d) for d in dead_lists), dead_lists=dead_lists,
        layer_sizes=tuple(post.shape[0] for _, post in hidden),
        pre_activations=tuple(_sample(pre, HIST_VALUES) for pre, _ in hidden),
        activations=acts, dead_sample=int(len(x_dead)), local=local)


def _local_templates(net, params, convs, spec, image, x_patterns, dense_acts, slope):
    """The probed image's own templates and the pattern count, or None for a network
    with a smooth activation."""
    if ll.not_piecewise_linear(convs, dense_acts, slope) is not None:
        return None
    x = np.asarray(image, dtype=float)[None]
    local = ll.local_affine(params, convs, spec.head, x, dense_acts, slope,
                            scores=net.logits(x))
    T = local.templates[0]
    n = ll.activation_patterns(params, convs, spec.head, x_patterns, dense_acts, slope)
    return LocalTemplates(
        templates=read_only(T), constants=read_only(local.constants[0]),
        dots=read_only(np.einsum("khw,hw->k", T, x[0, 0])),
        scores=read_only(local.scores[0]), max_difference=float(local.max_difference),
        patterns=int(n), pattern_images=int(len(x_patterns)))
