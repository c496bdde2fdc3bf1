"""The function data sets in the Data panels: the point panel's curve thumbnails switch to a
function lab, every FunctionDataPanel control emits exactly the matching FunctionDataSpec
change, the counts shown are the engine's, and the thumbnails draw the curves."""
from dataclasses import replace

import numpy as np
import pytest
from PySide6 import QtCore

from actlab.engine.data.functions import FUNCTION_GENERATORS, curve
from actlab.engine.trainer import Trainer
from actlab.gui.panels import thumbnails
from actlab.gui.workspaces.points.data_panel import DataPanel
from actlab.gui.workspaces.functions.data_panel import FunctionDataPanel
from actlab.lab import (FunctionDataSpec, NetworkSpec, TrainingSpec, default_function_lab,
                        default_lab)
from actlab.views import colors

LEFT = QtCore.Qt.MouseButton.LeftButton


def _record(panel):
    got = []
    panel.labEdited.connect(lambda lab, kind: got.append((lab, kind)))
    return got


def _lab():
    return replace(default_function_lab(), name="My sine", seed=8,
                   data=FunctionDataSpec("sine", n_points=300, noise=0.1, train_fraction=0.6,
                                         seed=4),
                   network=NetworkSpec(hidden=(5,), activations=("relu",)))


def _custom_lab(test=()):
    pts = (((0.0, 1.0), (1.0, 2.0), (2.5, 1.0)), tuple(test))
    return replace(default_function_lab(),
                   data=FunctionDataSpec("custom", n_points=3 + len(test), points=pts))


@pytest.fixture
def panel(qtbot):
    p = FunctionDataPanel()
    qtbot.addWidget(p)
    p.set_lab(_lab())
    p.resize(300, 520)
    p.show()
    return p


def _only_change(old, new) -> dict:
    return {f: (getattr(old, f), getattr(new, f)) for f in old.__dataclass_fields__
            if getattr(old, f) != getattr(new, f)}


# ------------------------------------------------------------ FunctionDataPanel
def test_set_lab_emits_nothing_and_shows_the_settings(panel):
    got = _record(panel)
    panel.set_lab(_lab())
    assert got == []
    assert (panel.ratio.value(), panel.noise.value(), panel.points.value(),
            panel.seed.value()) == (60, 10, 300, 4)
    assert panel.dataset_buttons["sine"].isChecked()
    assert sum(b.isChecked() for b in panel.dataset_buttons.values()) == 1
    assert "Sine" in panel.title.text()
    assert panel.noise_label.text() == "Noise: 0.10"
    assert not panel.custom_note.isVisible() and not panel.warning.isVisible()
    assert all(b.text() == FUNCTION_GENERATORS[n].title
               for n, b in panel.dataset_buttons.items())


@pytest.mark.parametrize("name", [n for n in FUNCTION_GENERATORS if n != "sine"])
def test_choosing_a_curve_changes_only_the_generator(qtbot, panel, name):
    got = _record(panel)
    qtbot.mouseClick(panel.dataset_buttons[name], LEFT)
    (lab, kind), = got
    assert kind == "data" and lab.kind == "functions"
    assert _only_change(_lab().data, lab.data) == {"generator": ("sine", name)}
    assert lab.network == _lab().network and lab.name == "My sine" and lab.seed == 8


def test_choosing_the_shown_curve_emits_nothing(qtbot, panel):
    got = _record(panel)
    qtbot.mouseClick(panel.dataset_buttons["sine"], LEFT)
    assert got == []


@pytest.mark.parametrize("control, value, field, expected", [
    ("ratio", 80, "train_fraction", 0.8),
    ("noise", 35, "noise", 0.35),
    ("points", 450, "n_points", 450),
    ("seed", 77, "seed", 77),
])
def test_each_setting_emits_its_field(panel, control, value, field, expected):
    got = _record(panel)
    getattr(panel, control).setValue(value)
    (lab, kind), = got
    assert kind == "data"
    old = getattr(_lab().data, field)
    assert _only_change(_lab().data, lab.data) == {field: (old, pytest.approx(expected))}


def test_regenerate_gives_a_new_seed_only(qtbot, panel):
    got = _record(panel)
    for _ in range(3):
        qtbot.mouseClick(panel.regenerate, LEFT)
    seeds = [lab.data.seed for lab, _ in got]
    assert len(seeds) == 3 and 4 not in seeds
    for lab, _ in got:
        assert set(_only_change(_lab().data, lab.data)) == {"seed"}


@pytest.mark.parametrize("fraction, n", [(0.5, 200), (0.6, 301), (0.95, 7), (1.0, 40)])
def test_the_summary_counts_are_the_engines(panel, fraction, n):
    lab = replace(_lab(), data=replace(_lab().data, train_fraction=fraction, n_points=n))
    panel.set_lab(lab)
    data = Trainer(lab).dataset
    assert panel.summary.text().startswith(f"{data.n_train} training / {data.n_test} test")
    assert panel.warning.isVisible() == (data.n_test == 0)


def test_custom_data_shows_a_note_and_disables_the_generated_settings(qtbot, panel):
    panel.set_lab(_custom_lab(test=[(-4.0, 0.5)]))
    assert panel.custom_note.isVisible() and "4 points of your own" in panel.custom_note.text()
    assert "Your own curve" in panel.title.text()
    assert panel.summary.text() == "3 training / 1 test points, x in [−4, 2.5]"
    for w in (panel.ratio, panel.noise, panel.points, panel.seed, panel.regenerate):
        assert not w.isEnabled()
    assert not any(b.isChecked() for b in panel.dataset_buttons.values())
    assert not panel.warning.isVisible()
    got = _record(panel)
    qtbot.mouseClick(panel.dataset_buttons["sine"], LEFT)  # back to a generated curve
    (lab, _), = got
    assert lab.data.generator == "sine" and lab.data.points is None
    assert lab.data.n_points == 4


def test_custom_data_without_test_points_warns(panel):
    panel.set_lab(_custom_lab())
    assert panel.warning.isVisible() and "No test points" in panel.warning.text()


def test_import_and_draw_only_ask_the_window(qtbot, panel):
    asked = []
    panel.importRequested.connect(lambda: asked.append("import"))
    panel.drawRequested.connect(lambda: asked.append("draw"))
    got = _record(panel)
    qtbot.mouseClick(panel.import_button, LEFT)
    qtbot.mouseClick(panel.draw_button, LEFT)
    assert asked == ["import", "draw"] and got == []


def test_the_way_back_emits_a_point_lab_with_the_network(qtbot, panel):
    got = _record(panel)
    qtbot.mouseClick(panel.other_button, LEFT)
    (lab, kind), = got
    assert kind == "data" and lab.kind == "points"
    assert lab.network == _lab().network and lab.seed == 8


# ------------------------------------------------------------ point panel -> functions
@pytest.mark.parametrize("name", list(FUNCTION_GENERATORS))
def test_point_panel_curve_thumbnail_switches_to_a_function_lab(qtbot, name):
    panel = DataPanel()
    qtbot.addWidget(panel)
    old = replace(default_lab(), seed=31, training=TrainingSpec(learning_rate=0.3))
    panel.set_lab(old, 2)
    got = _record(panel)
    qtbot.mouseClick(panel.function_buttons[name], LEFT)
    (lab, kind), = got
    assert kind == "data" and lab.kind == "functions" and lab.data.generator == name
    assert lab.features == ("x",) and lab.network == old.network
    assert lab.training == old.training and lab.seed == 31
    Trainer(lab).train_epoch()


def test_point_panel_lists_functions_third_and_checks_a_function_lab(qtbot):
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.set_lab(replace(default_function_lab(),
                          data=FunctionDataSpec("cubic")), 0)  # must not fail
    assert panel.function_buttons["cubic"].isChecked()
    assert not any(b.isChecked() for b in panel.dataset_buttons.values())
    assert not any(b.isChecked() for b in panel.image_buttons.values())
    panel.set_lab(default_lab(), 2)
    assert not any(b.isChecked() for b in panel.function_buttons.values())
    layout = panel.layout()
    assert panel.functions_heading.text() == "Function data sets (y = f(x))"
    assert layout.indexOf(panel.functions_heading) > layout.indexOf(panel.images_heading) > 0


# ------------------------------------------------------------ thumbnails
@pytest.mark.parametrize("name", list(FUNCTION_GENERATORS))
def test_thumbnails_draw_the_curve_where_it_is(name):
    size = 48
    img = thumbnails.function_dataset_rgba(name, size)
    blue = np.all(img[..., :3] == colors.hex_to_rgb(colors.BLUE), axis=-1)
    x = np.linspace(-6, 6, size)
    expected = (1.3 - curve(name, x)) / 2.6 * (size - 1)
    for c in range(2, size - 2):
        rows = np.flatnonzero(blue[:, c])
        assert len(rows), (name, c)
        assert np.min(np.abs(rows - expected[c])) <= 1.0, (name, c)
    # nothing blue far from the curve (beyond the joins to the neighbouring columns)
    far = np.abs(np.arange(size)[:, None] - expected[None, :]) > 1.5 + np.maximum(
        np.abs(np.diff(expected, prepend=expected[0])), np.abs(np.diff(expected, append=expected[-1])))
    assert not np.any(blue & far)
    assert not thumbnails.function_dataset_icon(name).isNull()


def test_a_drawn_curves_odd_ends_are_rounded_in_the_summary(qtbot):
    """x from -5.794331 to 5.8123: the summary reads −5.8 and 5.8 (the long numbers made
    the data column wider than its panel)."""
    from dataclasses import replace

    from actlab.gui.workspaces.functions.data_panel import FunctionDataPanel
    from actlab.lab import FunctionDataSpec, default_function_lab

    pts = ((-5.794331, 0.1), (0.3, 0.2), (5.8123, 0.3))
    lab = replace(default_function_lab(), data=FunctionDataSpec("custom", points=(pts, ())))
    panel = FunctionDataPanel()
    qtbot.addWidget(panel)
    panel.set_lab(lab)
    assert panel.summary.text() == "3 training / 0 test points, x in [−5.8, 5.8]"
