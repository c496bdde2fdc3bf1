"""The image data sets in the Data panels: the point panel's image thumbnails switch to an
image lab, every ImageDataPanel control emits the matching ImageDataSpec change, and every
emitted Lab is one the engine trains as it is (the Trainer would silently resize a network
that does not fit its images) and the lab file round-trips."""
from dataclasses import replace

import numpy as np
import pytest
from PySide6 import QtCore

from actlab.engine.models.cnn_spec import ConvSpec, ImageNetSpec
from actlab.engine.data.images import IMAGE_GENERATORS, make_images
from actlab.engine.trainer import Trainer
from actlab.gui.panels import thumbnails
from actlab.gui.workspaces.points.data_panel import DataPanel
from actlab.gui.workspaces.images.data_panel import ImageDataPanel, image_lab_for, point_lab_for
from actlab.lab import ImageDataSpec, default_lab
from actlab.labfile.format import load_lab, save_lab
from actlab.labfile.presets import load_preset

LEFT = QtCore.Qt.MouseButton.LeftButton


def _record(panel):
    got = []
    panel.labEdited.connect(lambda lab, kind: got.append((lab, kind)))
    return got


def _assert_trainable(lab, tmp_path=None):
    trainer = Trainer(lab)
    # the Trainer replaces a network that does not fit its images; this one must fit
    assert trainer.lab.network == lab.network
    data = trainer.dataset
    assert lab.network.n_classes == data.n_classes
    assert lab.network.input_size == data.size == lab.data.size
    if tmp_path is not None:
        save_lab(lab, tmp_path / "lab.actlab")
        assert load_lab(tmp_path / "lab.actlab") == lab


@pytest.fixture
def image_panel(qtbot):
    panel = ImageDataPanel()
    qtbot.addWidget(panel)
    panel.set_lab(load_preset("images-shapes-need-nonlinearity"))
    panel.resize(300, 600)
    panel.show()
    return panel


# ------------------------------------------------------------ point panel -> images
@pytest.mark.parametrize("name", list(IMAGE_GENERATORS))
def test_point_panel_image_thumbnail_switches_to_an_image_lab(qtbot, name, tmp_path):
    panel = DataPanel()
    qtbot.addWidget(panel)
    old = replace(default_lab(), seed=77)
    panel.set_lab(old, 2)
    got = _record(panel)
    qtbot.mouseClick(panel.image_buttons[name], LEFT)
    (lab, kind), = got
    assert kind == "data" and lab.kind == "images"
    assert isinstance(lab.data, ImageDataSpec) and lab.data.generator == name
    assert lab.data.source is None
    assert isinstance(lab.network, ImageNetSpec)
    assert lab.network.n_classes == len(IMAGE_GENERATORS[name].class_names)
    assert lab.seed == 77
    assert (lab.training.optimizer, lab.training.learning_rate, lab.training.batch_size) == (
        "adam", 0.01, 16)  # what the image presets train with
    assert "(images)" in lab.name
    _assert_trainable(lab, tmp_path)


def test_point_panel_lists_images_after_points_and_checks_the_image_lab(qtbot):
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.set_lab(load_preset("images-digits"), 10)  # must not fail on an image lab
    assert panel.image_buttons["digits"].isChecked()
    assert not any(b.isChecked() for b in panel.dataset_buttons.values())
    panel.set_lab(default_lab(), 2)
    assert not any(b.isChecked() for b in panel.image_buttons.values())
    assert "Images" in panel.images_heading.text()
    layout = panel.layout()
    assert layout.indexOf(panel.images_heading) > 0


def test_image_lab_for_an_image_lab_keeps_its_network_and_training():
    old = load_preset("images-linear-cnn-counts-ink")  # linear convs, 2 classes
    lab = image_lab_for("digits", old)
    assert [c.activation for c in lab.network.conv] == ["linear", "linear"]
    assert lab.network.n_classes == 10 and lab.training == old.training
    assert lab.params is None and lab.guide is None


def test_point_lab_for_gives_the_default_point_lab_with_the_seed():
    old = replace(load_preset("images-digits"), seed=123)
    lab = point_lab_for(old)
    assert lab.kind == "points" and lab.seed == 123
    assert lab.config_equal(replace(default_lab(), seed=123))


# ------------------------------------------------------------ ImageDataPanel controls
def test_set_lab_emits_nothing_and_shows_the_settings(qtbot, image_panel):
    got = _record(image_panel)
    lab = load_preset("images-digits")
    image_panel.set_lab(lab)
    assert got == []
    p = image_panel
    assert (p.size.value(), p.per_class.value(), p.seed.value()) == (16, 30, 1)
    assert p.ratio.value() == 50 and p.noise.value() == 0
    assert p.dataset_buttons["digits"].isChecked()
    assert "Digits" in p.title.text()


def _only_change(old: ImageDataSpec, new: ImageDataSpec) -> dict:
    return {f: (getattr(old, f), getattr(new, f)) for f in old.__dataclass_fields__
            if getattr(old, f) != getattr(new, f)}


@pytest.mark.parametrize("control, value, field, expected", [
    ("size", 24, "size", 24),
    ("noise", 35, "noise", 0.35),
    ("per_class", 70, "per_class", 70),
    ("ratio", 80, "train_fraction", 0.8),
    ("seed", 9, "seed", 9),
])
def test_each_control_emits_its_own_change(qtbot, image_panel, control, value, field,
                                           expected, tmp_path):
    before = image_panel._lab
    got = _record(image_panel)
    getattr(image_panel, control).setValue(value)
    (lab, kind), = got
    assert kind == "data"
    change = _only_change(before.data, lab.data)
    assert list(change) == [field]
    assert change[field][1] == pytest.approx(expected)
    assert lab.network.conv == before.network.conv
    _assert_trainable(lab, tmp_path)


def test_a_slider_being_dragged_emits_once_on_release(qtbot, image_panel):
    got = _record(image_panel)
    image_panel.noise.setSliderDown(True)
    for v in (10, 20, 30):
        image_panel.noise.setValue(v)
    assert got == [] and image_panel.noise_label.text() == "Noise: 0.30"
    image_panel.noise.setSliderDown(False)  # emits sliderReleased
    (lab, _), = got
    assert lab.data.noise == pytest.approx(0.3)


def test_picking_another_generator_sizes_the_output_layer(qtbot, image_panel):
    got = _record(image_panel)
    qtbot.mouseClick(image_panel.dataset_buttons["digits"], LEFT)
    (lab, _), = got
    assert lab.data.generator == "digits" and lab.network.n_classes == 10
    qtbot.mouseClick(image_panel.dataset_buttons["shapes"], LEFT)  # the one shown: no edit
    assert len(got) == 1


def test_regenerate_draws_other_images(qtbot, image_panel):
    before = image_panel._lab
    got = _record(image_panel)
    qtbot.mouseClick(image_panel.regenerate, LEFT)
    (lab, _), = got
    assert list(_only_change(before.data, lab.data)) == ["seed"]
    a, b = Trainer(before).dataset, Trainer(lab).dataset
    assert not np.array_equal(a.x_train, b.x_train)


def test_summary_counts_are_the_engines(qtbot, image_panel):
    for per_class, ratio in ((30, 50), (7, 80), (11, 35)):
        lab = load_preset("images-digits")
        lab = replace(lab, data=replace(lab.data, per_class=per_class,
                                        train_fraction=ratio / 100))
        image_panel.set_lab(lab)
        d = make_images("digits", 16, 0.0, per_class, ratio / 100, 1)
        assert f"{d.n_train} training / {d.n_test} test" in image_panel.summary.text()
        assert image_panel.summary.text().startswith("10 classes")


def test_size_below_what_the_network_fits_is_refused(qtbot, image_panel):
    net = ImageNetSpec(conv=(ConvSpec(kernel=7, padding="valid"),) * 2, input_size=16)
    lab = replace(load_preset("images-digits"), network=replace(net, n_classes=10))
    image_panel.set_lab(lab)
    assert image_panel.size.minimum() == 13  # 13 -> 7 -> 1 px
    got = _record(image_panel)
    image_panel.size.setValue(8)
    (emitted, _), = got
    assert emitted.data.size == 13
    _assert_trainable(emitted)


def test_a_file_source_shows_the_file_and_disables_the_generator(qtbot, image_panel):
    lab = load_preset("images-digits")
    lab = replace(lab, data=replace(lab.data, source=("npz", "/some <i>where/my <b>digits.npz"),
                                    classes=10))
    image_panel.set_lab(lab)
    p = image_panel
    assert not p.source_box.isHidden()
    assert "my <b>digits.npz" in p.source_label.text() and "10 classes" in p.source_label.text()
    # a tooltip is rich text: the path must be shown as written, not as HTML
    assert "&lt;i&gt;" in p.source_label.toolTip()
    assert not any(b.isEnabled() for b in p.dataset_buttons.values())
    assert not any(b.isChecked() for b in p.dataset_buttons.values())
    assert not p.noise.isEnabled() and not p.per_class.isEnabled()
    assert p.size.isEnabled() and p.ratio.isEnabled() and p.regenerate.isEnabled()
    got = _record(p)
    qtbot.mouseClick(p.use_generated, LEFT)
    (new, _), = got
    assert new.data.source is None and new.data.classes is None
    assert new.data.generator == "digits"


def test_generated_images_hide_the_source_note(qtbot, image_panel):
    assert image_panel.source_box.isHidden()


def test_point_data_sets_button_goes_back_to_points(qtbot, image_panel):
    got = _record(image_panel)
    qtbot.mouseClick(image_panel.points_button, LEFT)
    (lab, kind), = got
    assert kind == "data" and lab.kind == "points" and lab.seed == image_panel._lab.seed


def test_import_button_asks_the_window(qtbot, image_panel):
    with qtbot.waitSignal(image_panel.importRequested, timeout=1000):
        qtbot.mouseClick(image_panel.import_button, LEFT)


# ------------------------------------------------------------ thumbnails
def test_thumbnails_show_every_class_and_differ():
    pics = {n: thumbnails.image_dataset_rgba(n, 48) for n in IMAGE_GENERATORS}
    for name, rgba in pics.items():
        assert rgba.shape == (48, 48, 4)
        dark = (rgba[..., :3].mean(axis=-1) < 128).mean()
        assert 0.01 < dark < 0.6, name  # ink on paper, not blank and not black
    names = list(pics)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not np.array_equal(pics[a], pics[b])
    icon = thumbnails.image_dataset_icon("bars")
    assert icon is thumbnails.image_dataset_icon("bars")  # cached
    assert {s.width() for s in icon.availableSizes()} == {48, 96}  # sharp on HiDPI too


def test_screenshot(qtbot, image_panel, tmp_path):
    image_panel.resize(300, 600)
    pix = image_panel.grab()
    assert pix.width() >= 300
    assert not pix.isNull()
