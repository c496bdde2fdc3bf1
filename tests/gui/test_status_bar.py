"""The status bar's message can be read whole on a 1366-px screen (issue 19)."""
from actlab.labfile.presets import load_preset


def test_long_lab_description_is_elided_and_whole_in_the_tooltip(window, qtbot):
    w = window
    w.resize(1366, 768)
    assert w.open_preset("circle-tanh")
    bar = w.statusBar()
    description = load_preset("circle-tanh").description
    qtbot.waitUntil(lambda: bar.width() >= 1300, timeout=5000)
    assert description in bar.currentMessage()
    # drawn cut with "…" before the permanent "Weights seed 1", not clipped under it
    shown = bar.shown_message()
    assert shown.endswith("…") and shown[:-1] in bar.currentMessage()
    assert bar.fontMetrics().horizontalAdvance(shown) < w.seed_label.x()
    # and the whole of it is the tooltip
    assert description in bar.toolTip().replace("&quot;", '"')


def test_a_short_message_is_whole_and_has_no_tooltip(window):
    w = window
    w.resize(1366, 768)
    w.status("Paused.")
    assert w.statusBar().shown_message() == "Paused."
    assert w.statusBar().toolTip() == ""
