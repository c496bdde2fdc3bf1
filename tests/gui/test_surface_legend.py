"""The decision surface has a colour key that follows the data: two classes, several
classes, or a regression value range (pytest-qt, offscreen)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from actlab.views.export import image_is_blank


def test_two_classes_say_orange_unsure_blue(qtbot, window):
    legend = window.output.surface_legend
    assert legend.isVisible()
    assert legend.labels() == ["class 0 (orange)", "unsure (50 %)", "class 1 (blue)"]
    assert "50 %" in legend.toolTip()


def test_the_key_follows_the_data_set(qtbot, window, tmp_path):
    w = window
    legend = w.output.surface_legend
    w.data_panel.dataset_buttons["spiral3"].click()
    assert legend.labels() == ["class 0", "class 1", "class 2"]
    w.data_panel.dataset_buttons["plane"].click()
    assert w.lab.data.problem == "regression"
    low, zero, high = legend.labels()
    assert zero == "0" and float(low) == -float(high) and float(high) > 0
    w.data_panel.dataset_buttons["circle"].click()
    assert legend.labels()[1] == "unsure (50 %)"
    png = tmp_path / "legend.png"
    legend.grab().save(str(png))
    assert not image_is_blank(png)


def test_a_narrow_key_shortens_its_labels(qtbot):
    from actlab.views.points.surface_legend import SurfaceLegend

    legend = SurfaceLegend()
    qtbot.addWidget(legend)
    fm = legend.fontMetrics()
    wide = legend._fitting_labels(fm, 2000)
    narrow = legend._fitting_labels(fm, 120)
    assert wide == ("class 0 (orange)", "unsure (50 %)", "class 1 (blue)")
    assert narrow[0] == "class 0" and narrow[2] == "class 1"
    legend.resize(120, legend.sizeHint().height())
    legend.grab()  # paints without error at that width
