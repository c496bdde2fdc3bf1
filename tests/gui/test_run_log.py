"""The run log in the window: each run from fresh weights is one record, brought up to
date when training stops; an edit that keeps the weights goes on with the same run; the
log is saved with the lab, comes back when it is opened, and a saved trained lab goes on
with its last run."""
from dataclasses import replace

from actlab.labfile.format import load_lab

WAIT = 60_000  # ms: generous, for a busy machine; every wait is on state, never a sleep


def _train(window, qtbot, epochs):
    """Play until at least ``epochs`` more epochs, then pause and let the log catch up."""
    start = window.training_thread.latest()
    base = start.snapshot.epoch if start is not None and start.generation == window._generation \
        else 0
    window.play()
    qtbot.waitUntil(lambda: (p := window.training_thread.latest()) is not None
                    and p.generation == window._generation
                    and p.snapshot.epoch >= base + epochs, timeout=WAIT)
    window.pause()
    qtbot.waitUntil(lambda: not window._playing, timeout=WAIT)
    rec = window.guide.recorder
    qtbot.waitUntil(lambda: bool(rec.runs) and rec.runs[-1].epochs
                    == window.training_thread.latest().snapshot.epoch, timeout=WAIT)
    return rec.runs


def test_two_runs_of_two_networks_are_two_records_with_their_verdicts(window, qtbot, tmp_path):
    assert window.open_preset("xor-needs-nonlinearity")
    assert window.guide.recorder.runs == ()
    runs = _train(window, qtbot, 5)
    assert len(runs) == 1 and runs[0].number == 1
    first = runs[0]
    assert "Tanh" in first.network and first.activations == ("Tanh",)
    assert first.epochs >= 5 and "test_accuracy" in first.figures
    assert first.seed == window.lab.seed and first.training.startswith("SGD")
    assert len(first.outcomes) == len(window.lab.guide["expect"])
    assert first.thumbnail.startswith(b"\x89PNG")
    # the same run trained on: the same record, brought up to date
    runs = _train(window, qtbot, 3)
    assert len(runs) == 1 and runs[0].epochs > first.epochs
    # another network (every hidden layer linear): a second run
    linear = replace(window.lab.network, activations=("linear",) * len(window.lab.network.hidden))
    window.apply_edit(replace(window.lab, network=linear), "network")
    runs = _train(window, qtbot, 4)
    assert [r.number for r in runs] == [1, 2]
    assert runs[1].activations == ("Linear",) and runs[0].activations == ("Tanh",)
    # Reset: fresh weights, a third run
    window.acts.reset.trigger()
    qtbot.waitUntil(lambda: window.training_thread.latest().snapshot.epoch == 0, timeout=WAIT)
    runs = _train(window, qtbot, 2)
    assert [r.number for r in runs] == [1, 2, 3]
    # the Guide lists them, newest first
    rows = window.guide.guide_panel.run_list.texts()
    assert [t.split(" · ")[0] for t in rows] == ["Run 3", "Run 2", "Run 1"]
    assert rows[1].startswith("Run 2 · Linear · ") and "test accuracy" in rows[1]
    assert "outcomes: 1" in rows[0]
    # saved with the lab, and back when it is opened
    path = tmp_path / "xor.actlab"
    assert window.files.save_to(str(path))
    saved = load_lab(path)
    assert [r.number for r in saved.runs] == [1, 2, 3]
    assert saved.runs[0].thumbnail == runs[0].thumbnail
    assert window.open_path(str(path), ask=False)
    assert [r.number for r in window.guide.recorder.runs] == [1, 2, 3]
    # the saved lab has its weights: training on goes on with run 3, not a new run
    runs = _train(window, qtbot, 2)
    assert [r.number for r in runs] == [1, 2, 3] and runs[2].epochs > saved.runs[2].epochs


def test_a_point_added_on_the_surface_keeps_the_run(window, qtbot):
    assert window.open_preset("circle-tanh")
    _train(window, qtbot, 3)
    window.edits.surface_clicked(0.1, 0.2, 1, False)
    qtbot.waitUntil(lambda: window.training_thread.latest().generation == window._generation,
                    timeout=WAIT)
    runs = _train(window, qtbot, 2)
    assert [r.number for r in runs] == [1]


def test_another_lab_starts_its_own_log(window, qtbot):
    assert window.open_preset("xor-needs-nonlinearity")
    _train(window, qtbot, 2)
    assert window.open_preset("functions-one-kink")
    assert window.guide.recorder.runs == ()
    runs = _train(window, qtbot, 3)
    assert len(runs) == 1 and "test_r2" in runs[0].figures


def test_the_report_keeps_every_run_and_which_one_reached_each_outcome(window, qtbot,
                                                                      tmp_path):
    """XOR: tanh passes 80 % (run 1); then linear (run 2), judged by its own outcome: the
    report holds both runs and the outcome each reached, not only the last run's."""
    assert window.open_preset("xor-needs-nonlinearity")
    _train(window, qtbot, 500)  # the outcome is judged at 500 epochs ("Stop after" 500)
    linear = replace(window.lab.network, activations=("linear",))
    window.apply_edit(replace(window.lab, network=linear), "network")
    qtbot.waitUntil(lambda: window.training_thread.latest().generation == window._generation,
                    timeout=WAIT)
    runs = _train(window, qtbot, 320)
    assert [r.number for r in runs] == [1, 2]
    assert runs[0].reached(0) and not runs[1].reached(0)
    assert runs[1].result(0).status == "other" and runs[0].result(1).status == "other"
    path = tmp_path / "report.html"
    assert window.guide.write_report_to(str(path))
    text = path.read_text(encoding="utf-8")
    assert "Your runs (2)" in text
    section = text.split("Your runs (2)")[1].split("<h2>Settings</h2>")[0]
    assert section.count("data:image/png;base64,") == 2  # both thumbnails, inline
    assert "1 hidden layer of 4 Tanh neurons" in section
    assert "1 hidden layer of 4 Linear neurons" in section
    assert "reached by run 1" in section
    # the linear outcome is predicted to fail: run 2 met it by failing
    assert runs[1].reached(1) and runs[1].result(1).look == "as_predicted"
    assert "failed as predicted in run 2" in section
    pdf = tmp_path / "report.pdf"
    assert window.guide.write_report_to(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
    # opened again: the Guide counts what the runs in the log met, and says which run
    saved = tmp_path / "xor.actlab"
    assert window.files.save_to(str(saved))
    assert window.open_path(str(saved), ask=False)
    panel = window.guide.guide_panel
    qtbot.waitUntil(lambda: panel.summary_label.text() == "2 of 2 reached", timeout=WAIT)
    window.guide.set_guide_shown(True)
    qtbot.waitUntil(lambda: "run 1 met it" in panel.outcome_rows[0].detail_label.text(), timeout=WAIT)
