"""The live loss plot always shows the current loss, falling or rising, and its legend
never covers a curve (it sits above the plot area)."""
from __future__ import annotations

import math
from dataclasses import replace

from actlab.engine.trainer import Trainer
from actlab.labfile.presets import load_preset
from actlab.views.loss_view import LossView


def _inside(view, loss) -> bool:
    view.grab()  # paints: pyqtgraph applies its autorange
    (_, _), (y0, y1) = view.view_box.viewRange()
    v = math.log10(loss) if view.log_scale else loss
    return y0 <= v <= y1


def test_current_loss_stays_in_range_as_a_real_run_falls_then_rises(qtbot):
    view = LossView()
    qtbot.addWidget(view)
    view.resize(520, 260)
    view.show()
    qtbot.waitExposed(view)
    lab = load_preset("spiral-relu-vs-tanh")
    t = Trainer(lab)
    seen_rise = False
    for chunk in range(12):
        if chunk == 6:  # a learning rate far too high: the loss climbs back up
            t.set_training(replace(t.training, learning_rate=2.0))
        before = t.history.last()["train_loss"]
        t.train(15)
        snap = t.snapshot(grid=None)
        seen_rise = seen_rise or snap.train_loss > before
        view.show_history(snap.history, snap.train_loss)
        assert _inside(view, snap.train_loss), (chunk, snap.train_loss,
                                                view.view_box.viewRange())
        legend, area = view.legend.sceneBoundingRect(), view.view_box.sceneBoundingRect()
        assert not legend.intersects(area)
    assert seen_rise
    view.set_log_scale(True)
    assert _inside(view, snap.train_loss)
    # a new run: the untrained loss is in range at once, not the old run's range
    fresh = Trainer(replace(lab, network=lab.network.with_activation("sigmoid")))
    view.show_history(None, fresh.snapshot(grid=None).train_loss)
    assert _inside(view, fresh.snapshot(grid=None).train_loss)
