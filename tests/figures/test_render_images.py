"""The figures of an image run (actlab.render_images), drawn offscreen and read back pixel
by pixel: files are whole, non-blank PNGs; red outlines mark exactly the wrong
predictions; the composite kernel appears only for a linear stack; bad input is refused
with one clear message and leaves no file."""
import math
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from actlab.figures import canvas as fc  # noqa: E402
from actlab.figures import image_run  # noqa: E402
from actlab.figures import images as ri  # noqa: E402
from actlab.engine.analysis import conv as ca  # noqa: E402
from actlab.engine.model import Update  # noqa: E402
from actlab.engine.models.cnn import ConvNetwork, ConvSpec, ImageNetSpec  # noqa: E402
from actlab.engine.optimizers import make_optimizer  # noqa: E402
from actlab.engine.data.images import make_images  # noqa: E402
from actlab.views.export import image_is_blank, qimage_to_array  # noqa: E402
from actlab.views.qt import QtGui  # noqa: E402

MISTAKE_RGB = np.array(fc.colors.hex_to_rgb(fc.MISTAKE))


def _trained(name, acts, padding="same", pools=None, per_class=12, epochs=2):
    data = make_images(name, size=16, per_class=per_class, seed=2)
    pools = pools or ["none"] * len(acts)
    spec = ImageNetSpec(conv=tuple(ConvSpec(4, 3, padding, 1, a, p) for a, p in zip(acts, pools)),
                        n_classes=len(data.class_names))
    net = ConvNetwork(spec, 0)
    step = make_optimizer("sgd", net.n_params, 0.1).ops(net.flat, net.grad_flat)
    epoch = net.epoch_program(data.x_train, data.y_train, 8, True,  # the bare minibatch loop
                              Update([], np.empty(net.n_params), step))
    rng = np.random.default_rng(0)
    acc = []
    for _ in range(epochs):
        epoch.run(rng, None, None)
        assert np.isfinite(net.flat).all()
        acc.append(float(np.mean(net.predict(data.x_test).argmax(1) == data.y_test)))
    return image_run.ImageRunResult(net, spec, data, {"test_accuracy": acc}, "/".join(acts))


@pytest.fixture(scope="module")
def relu_run():
    return _trained("shapes", ["relu", "relu"])


@pytest.fixture(scope="module")
def linear_run():
    return _trained("bars", ["linear", "linear"], padding="valid")


def _pixels(path):
    image = QtGui.QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable PNG"
    return qimage_to_array(image)


def _check_png(path, min_w=400, max_w=4000):
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    a = _pixels(path)
    h, w = a.shape[:2]
    assert min_w <= w <= max_w and 200 <= h <= 6000, (path.name, w, h)
    assert not image_is_blank(path)
    # no leftover temporary files beside it (atomic writes)
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    return a


def test_write_image_figures_writes_five_readable_figures(tmp_path, relu_run):
    paths = image_run.write_image_figures(tmp_path, relu_run)
    # templates.png: a ReLU network is piecewise linear, so each image has its templates
    assert set(paths) == {"samples", "filters", "featuremaps", "confusion", "templates"}
    for name, path in paths.items():
        assert path == tmp_path / f"{name}.png"
        _check_png(path)
    assert _pixels(paths["templates"]).shape[1] >= 1200


def test_a_smooth_network_has_no_templates_figure(tmp_path):
    run = _trained("bars", ["tanh"], epochs=1)
    paths = image_run.write_image_figures(tmp_path, run)
    assert "templates" not in paths and not (tmp_path / "templates.png").exists()
    with pytest.raises(ValueError, match="Tanh, which is not piecewise-linear"):
        image_run.templates_png(tmp_path / "t.png", run)
    assert not (tmp_path / "t.png").exists()


def test_templates_figure_of_a_linear_network_and_of_max_pooling(tmp_path, linear_run):
    a = _check_png(image_run.templates_png(tmp_path / "lin.png", linear_run), min_w=1200)
    pooled = _trained("bars", ["linear", "linear"], pools=["max", "none"], epochs=1)
    b = _check_png(image_run.templates_png(tmp_path / "max.png", pooled), min_w=1200)
    # the linear one shows the image and the shared templates as a second row; max
    # pooling shows two images of different classes: both have two rows of templates,
    # then the colour key — three separate bands of coloured (not grey) pixels
    for pic in (a, b):
        signed = np.any(pic[..., :3] != pic[..., :1], axis=-1)
        rows = np.flatnonzero(signed.any(axis=1))
        assert 1 + np.sum(np.diff(rows) > 20) == 3


def _outlined(a, boxes, scale=2.0):
    """Tiles whose outline band (3 logical px just outside the picture) is red, read on
    the middle of all four sides."""
    out = []
    for x, y, w, h in boxes:
        probes = [(x + w / 2, y - 1.5), (x + w / 2, y + h + 1.5),
                  (x - 1.5, y + h / 2), (x + w + 1.5, y + h / 2)]
        red = [np.all(np.abs(a[int(py * scale), int(px * scale), :3].astype(int) - MISTAKE_RGB)
                      <= 12) for px, py in probes]
        assert all(red) or not any(red), "an outline must go all round its tile"
        out.append(all(red))
    return np.array(out)


def test_red_outlines_mark_exactly_the_wrong_predictions(tmp_path, relu_run):
    data = relu_run.data
    x, y = data.x_test[:24], data.y_test[:24]
    k = len(data.class_names)
    wrong = np.zeros(len(y), bool)
    wrong[[0, 5, 6, 17, 23]] = True
    predicted = np.where(wrong, (y + 1) % k, y)
    path = ri.samples_png(tmp_path / "s.png", x, y, predicted, data.class_names, "Samples")
    a = _check_png(path)
    boxes, width, height = ri.samples_layout(x, data.class_names, "Samples")
    assert a.shape[1] == 2 * math.ceil(width) and a.shape[0] == 2 * math.ceil(height)
    assert np.array_equal(_outlined(a, boxes), wrong)

    # all right: no red pixel anywhere below the header (the legend line is red text)
    path = ri.samples_png(tmp_path / "r.png", x, y, y, data.class_names, "Samples")
    a = _pixels(path)
    grid = a[int(2 * boxes[0][1]) - 10:]
    assert not np.any(np.all(np.abs(grid[..., :3].astype(int) - MISTAKE_RGB) <= 12, axis=-1))


def test_outlines_match_the_trained_networks_mistakes(tmp_path, relu_run):
    data, net = relu_run.data, relu_run.network
    idx = image_run.sample_indices(data.y_test)
    assert set(data.y_test[idx]) == set(range(len(data.class_names)))  # every class shown
    predicted = net.predict(data.x_test).argmax(1)
    paths = image_run.write_image_figures(tmp_path, relu_run)
    boxes, _, _ = ri.samples_layout(data.x_test[idx], data.class_names,
                                    "Test images and predictions — relu/relu")
    outlined = _outlined(_pixels(paths["samples"]), boxes)
    assert outlined.sum() == int(np.sum(predicted[idx] != data.y_test[idx]))
    assert np.array_equal(outlined, predicted[idx] != data.y_test[idx])


def test_composite_kernel_and_templates_only_for_linear_networks(tmp_path, relu_run, linear_run):
    assert image_run.run_analysis(relu_run) == (None, None)
    collapse, tmpl = image_run.run_analysis(linear_run)
    assert collapse is not None and collapse.kernel_size == (5, 5)
    assert collapse.max_difference < 1e-9
    assert tmpl is not None and tmpl.templates.shape == (2, 16, 16)
    mixed = _trained("bars", ["linear", "relu"], padding="valid")  # layers 1-2 still merge
    c, t = image_run.run_analysis(mixed)
    assert c is not None and t is None
    pooled = _trained("bars", ["linear", "linear"], padding="valid", pools=["max", "none"])
    assert image_run.run_analysis(pooled) == (None, None)   # max pooling: nothing merges, not linear

    sizes = {}
    for name, run in (("relu", relu_run), ("linear", linear_run), ("mixed", mixed)):
        path = image_run.write_image_figures(tmp_path / name, run)["filters"]
        sizes[name] = _check_png(path).shape[:2]
    # (all three have 4 first-layer filters of 3×3: only the extra panels change the size)
    assert sizes["mixed"][1] > sizes["relu"][1]          # the composite panel beside them
    assert sizes["linear"][0] > sizes["mixed"][0]        # the templates below
    # the same figure drawn from plain values without the collapse is as wide as the
    # relu one, which is taller by its line saying why nothing merges
    plain = ri.filters_png(tmp_path / "plain.png", linear_run.network.get_params(),
                           linear_run.spec.conv, "First-layer filters — relu/relu")
    h, w = _pixels(plain).shape[:2]
    assert w == sizes["relu"][1] and h < sizes["relu"][0]


def test_featuremaps_one_row_per_stage(tmp_path, relu_run):
    net, data = relu_run.network, relu_run.data
    maps = net.forward_maps(data.x_test[0])
    a = _check_png(ri.featuremaps_png(tmp_path / "f.png", maps, "Maps", data.class_names))
    short = _pixels(ri.featuremaps_png(tmp_path / "g.png", maps[:3], "Maps"))
    assert a.shape[0] > short.shape[0]
    fm = ca.feature_maps(net.get_params(), relu_run.spec.conv, relu_run.spec.head, data.x_test[0])
    _check_png(ri.featuremaps_png(tmp_path / "h.png", fm, "Maps from conv_analysis"))


def test_confusion_counts(tmp_path, relu_run):
    data, net = relu_run.data, relu_run.network
    M = ca.confusion_matrix(data.y_test, net.predict(data.x_test).argmax(1), len(data.class_names))
    assert M.sum() == len(data.y_test)
    _check_png(ri.confusion_png(tmp_path / "c.png", M, data.class_names, "Confusion"))
    many = np.arange(100).reshape(10, 10)
    _check_png(ri.confusion_png(tmp_path / "d.png", many, [f"digit {i}" for i in range(10)], "Ten"))


def test_compare_draws_every_runs_curve(tmp_path, relu_run, linear_run):
    runs = [("ReLU", [0.3, 0.5, 0.9], relu_run.network.get_params()[0][0]),
            ("Linear", [0.5, 0.5, 0.52], linear_run.network.get_params()[0][0]),
            ("Templates", [0.4, 0.6], image_run.run_analysis(linear_run)[1].templates)]
    a = _check_png(ri.image_compare_png(tmp_path / "compare.png", runs, "Compare"))
    for i in range(3):
        rgb = np.array(fc.colors.hex_to_rgb(fc.colors.line_color(i)))
        assert np.sum(np.all(a[..., :3].astype(int) == rgb, axis=-1)) > 100


@pytest.mark.parametrize("call, message", [
    (lambda p, d: ri.samples_png(p, d.x_test[:4], d.y_test[:3], d.y_test[:4], d.class_names, "t"),
     "4 images but 3 labels"),
    (lambda p, d: ri.samples_png(p, d.x_test[:4], d.y_test[:4], d.y_test[:4] + 9, d.class_names,
                                 "t"), "must be a class"),
    (lambda p, d: ri.samples_png(p, np.zeros((2, 3)), [0, 0], [0, 0], d.class_names, "t"),
     "shaped"),
    (lambda p, d: ri.confusion_png(p, np.ones((2, 3)), d.class_names, "t"), "must be"),
    (lambda p, d: ri.confusion_png(p, -np.eye(len(d.class_names)), d.class_names, "t"), "counts"),
    (lambda p, d: ri.featuremaps_png(p, [], "t"), "no feature maps"),
    (lambda p, d: ri.filters_png(p, [(np.ones(3), np.ones(1))], [ConvSpec()], "t"), "shaped"),
    (lambda p, d: ri.image_compare_png(p, [], "t"), "no runs"),
])
def test_bad_input_is_one_clear_error_and_no_file(tmp_path, relu_run, call, message):
    path = tmp_path / "x.png"
    with pytest.raises(ValueError, match=message):
        call(path, relu_run.data)
    assert list(tmp_path.iterdir()) == []


class _BrokenMaps:
    """A network whose feature maps cannot be computed."""

    def __init__(self, net):
        self._net = net

    def __getattr__(self, name):
        return getattr(self._net, name)

    def forward_maps(self, x):
        raise ValueError("maps unavailable")


def test_one_failing_figure_leaves_the_others(tmp_path, relu_run):
    run = image_run.ImageRunResult(_BrokenMaps(relu_run.network), relu_run.spec, relu_run.data,
                            relu_run.history, "broken")
    with pytest.raises(image_run.ImageFigureError, match="featuremaps.png: maps unavailable") as e:
        image_run.write_image_figures(tmp_path, run)
    assert set(e.value.written) == {"samples", "filters", "confusion", "templates"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["confusion.png", "filters.png",
                                                           "samples.png", "templates.png"]


def test_a_diverged_network_still_draws(tmp_path, linear_run):
    """NaN weights (a run that blew up): every figure is drawn, NaN shown as the middle
    colour, and the captions say "not a number" instead of failing."""
    net = ConvNetwork(linear_run.spec, 0)
    net.set_params([(np.full_like(w, np.nan), b) for w, b in net.get_params()])
    run = image_run.ImageRunResult(net, linear_run.spec, linear_run.data, {}, "Linear")
    for path in image_run.write_image_figures(tmp_path, run).values():
        _check_png(path)


def test_long_names_and_titles_stay_inside_a_sensible_figure(tmp_path, relu_run):
    data = relu_run.data
    names = [f"a very long class name number {i} from an imported folder" for i in range(4)]
    title = "A title " * 60
    for path in (ri.samples_png(tmp_path / "s.png", data.x_test[:8], data.y_test[:8],
                                data.y_test[:8], names, title),
                 ri.confusion_png(tmp_path / "c.png", np.eye(4, dtype=int), names, title)):
        _check_png(path, max_w=2 * 1300)
