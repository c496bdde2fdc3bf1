"""Issue 19 in the window: a guided lab's outcomes are about the lab's data set.  On the
student's own images, or at another noise set in the real data panel, the Guide page
marks them – with the reason; back on the lab's data (any data seed) they are judged;
the lab report prints the same reason."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from actlab.gui.guide.guide_panel import OTHER_DATA_TIP

sys.path.insert(0, str(Path(__file__).parent))
from test_image_import_action import _shape_folder  # noqa: E402

NBSP = "\u00a0"


def _details(w):
    return [row.detail_label.text() for row in w.guide.guide_panel.outcome_rows]


def test_imported_images_leave_the_max_pooling_outcomes_unchecked(window, qtbot, tmp_path):
    """The reported case: the preset marked ✔ on a student's ring/slash folder.  The
    preset locks its data (importing is refused then: test_teacher_locks.py), so the
    same lab and guide without that lock."""
    from actlab.labfile.presets import load_preset

    w = window
    lab = load_preset("images-max-pooling-is-nonlinear")
    assert w.open_lab(replace(lab, guide=dict(lab.guide, locked=[])))
    root = _shape_folder(tmp_path / "ring_slash", side=16)
    assert w.workspace_for("images").import_images(str(root))
    rows = w.guide.guide_panel.outcome_rows
    reason = ("not checked: this outcome is about the lab's data set (Bars, 16 px, no "
              "noise); yours is the images of ring_slash, 16 px")
    qtbot.waitUntil(lambda: _details(w) == [reason, reason], timeout=10000)
    assert [r.mark for r in rows] == ["–", "–"] and rows[0].toolTip() == OTHER_DATA_TIP
    w.play()
    qtbot.waitUntil(lambda: w.training_thread.latest() is not None and
                    w.training_thread.latest().snapshot.epoch >= 20, timeout=60000)
    w.pause()
    qtbot.wait(300)
    assert [r.mark for r in rows] == ["–", "–"]  # trained past its epochs: still not judged
    assert w.guide.guide_panel.summary_label.text() == "2 to check"


def test_noise_from_the_data_panel_is_another_data_set_the_seed_is_not(window, qtbot):
    w = window
    assert w.open_preset("circle-tanh")
    (row,) = w.guide.guide_panel.outcome_rows
    assert row.detail_label.text().startswith("needs 300 epochs")
    w.data_panel.noise.setValue(30)
    assert w.lab.data.noise == 0.3
    qtbot.waitUntil(lambda: row.mark == "–", timeout=10000)
    assert row.detail_label.text() == (
        "not checked: this outcome is about the lab's data set (Circle, no noise); yours "
        f"is Circle, 30{NBSP}% noise")
    assert row.toolTip() == OTHER_DATA_TIP
    w.data_panel.noise.setValue(0)
    qtbot.waitUntil(lambda: row.mark == "…", timeout=10000)
    seed = w.lab.data.seed
    w.data_panel.seed.setValue(seed + 3)  # another draw of the same data set
    assert w.lab.data.seed == seed + 3
    qtbot.wait(200)
    assert row.mark == "…" and row.detail_label.text().startswith("needs 300 epochs")


def test_the_report_prints_the_data_reason(tmp_path, qapp):
    from actlab.engine.trainer import Trainer
    from actlab.labfile.presets import load_preset
    from actlab.report.points import write_report

    lab = load_preset("circle-tanh")
    lab = replace(lab, data=replace(lab.data, noise=0.2))
    t = Trainer(lab)
    t.train(5)
    path = write_report(lab, t.snapshot(grid=30, neurons=False), t.dataset,
                        tmp_path / "report.html")
    text = path.read_text(encoding="utf-8").replace("&#x27;", "'").replace("&nbsp;", NBSP)
    assert ("not checked: this outcome is about the lab's data set (Circle, no noise); "
            f"yours is Circle, 20{NBSP}% noise") in text
