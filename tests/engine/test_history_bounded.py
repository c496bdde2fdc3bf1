"""A long run keeps a bounded history: the first and latest epochs in full, the stretch
between thinned, the epochs a guide judges always — and a lab file ActLab can open again
however long the run was (unbounded, 10^6 epochs made a file of 77 MB that ActLab then
refused to open, and a function lab's memory grew ~44 bytes an epoch)."""
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.history import (HEAD_ROWS, MAX_ROWS, RECENT_ROWS, History, epochs_done,
                                   row_of_epoch)


def _filled(epochs: int, max_rows: int = MAX_ROWS, pinned=()) -> History:
    h = History(pinned=pinned, max_rows=max_rows)
    for e in range(1, epochs + 1):
        # each row holds its own epoch number, so a thinned row can be told from a moved one
        h.append_row((float(e), -float(e), e / 1e6, 0.5))
    return h


def test_a_short_run_keeps_every_epoch():
    h = _filled(MAX_ROWS)
    v = h.view()
    assert len(h) == h.epochs_done == MAX_ROWS
    assert np.array_equal(v["epoch"], np.arange(1, MAX_ROWS + 1))
    assert np.array_equal(v["train_loss"], np.arange(1, MAX_ROWS + 1))


def test_a_long_run_keeps_its_start_its_end_and_a_thinned_middle():
    epochs = 200_000
    h = _filled(epochs, pinned=(3_000, 77_777, 150_001))
    v = h.view()
    ep = v["epoch"]
    assert h.epochs_done == epochs and len(h) <= MAX_ROWS
    assert np.all(np.diff(ep) > 0)
    # every row still holds the values of the epoch it says it records
    assert np.array_equal(v["train_loss"], ep.astype(float))
    assert np.array_equal(v["test_loss"], -ep.astype(float))
    # first epochs and the latest ones at full resolution
    assert np.array_equal(ep[:HEAD_ROWS], np.arange(1, HEAD_ROWS + 1))
    assert np.array_equal(ep[-RECENT_ROWS:], np.arange(epochs - RECENT_ROWS + 1, epochs + 1))
    # the judged epochs survive every thinning
    for pin in (3_000, 77_777, 150_001):
        assert row_of_epoch(v, pin) is not None
    # and the thinned stretch covers the whole run evenly: every stride-th epoch
    middle = np.setdiff1d(ep[HEAD_ROWS:-RECENT_ROWS], [3_000, 77_777, 150_001])
    assert 1 < h.stride <= epochs / 1_000
    steps = np.diff(middle)
    assert steps.max() <= h.stride  # no hole
    # up to the newest thinning, every kept epoch is on the stride's grid; after it the
    # record is still whole (it has not been full since)
    thinned = middle[: np.flatnonzero(steps > 1)[-1] + 1]
    assert np.all(thinned % h.stride == 0) and len(thinned) > MAX_ROWS // 8
    assert middle[0] <= HEAD_ROWS + h.stride and middle[-1] >= epochs - RECENT_ROWS - h.stride


def test_views_taken_before_thinning_do_not_change():
    """Snapshots share the history's storage without copying: thinning must write a new
    buffer, never the rows a snapshot already holds."""
    h = _filled(200, max_rows=64)
    before = {k: np.array(v) for k, v in h.view().items()}
    held = h.view()
    for e in range(201, 2_000):
        h.append_row((float(e), 0, 0, 0))
    for k in before:
        assert np.array_equal(held[k], before[k], equal_nan=True)
    assert len(h) <= 64 and h.epochs_done == 1_999


def test_dict_round_trip_keeps_the_epoch_numbers():
    h = _filled(5_000, max_rows=256, pinned=(1_234,))
    d = h.to_dict()
    assert d["epoch"][-1] == 5_000 and len(d["epoch"]) == len(h) <= 256
    again = History.from_dict(d, max_rows=256)
    assert again.epochs_done == 5_000 and again.to_dict() == d
    assert epochs_done(d) == 5_000 and 1_234 in d["epoch"]
    # an old file without usable epoch numbers counts 1, 2, ...
    legacy = {"epoch": [0] * 3, "train_loss": [1.0, 2.0, 3.0]}
    assert History.from_dict(legacy).to_dict()["epoch"] == [1, 2, 3]


def test_the_trainer_reports_epochs_done_not_rows_and_keeps_the_guides_epochs():
    """A guided run longer than the record still judges its claim at the exact epoch."""
    from actlab.engine.outcomes import check
    from actlab.engine.trainer import Trainer
    from actlab.labfile.presets import load_preset

    lab = load_preset("xor-needs-nonlinearity")
    lab = replace(lab.without_results(), training=replace(lab.training, stop_after=None))
    t = Trainer(lab)
    claim_epochs = sorted({d["epochs"] for d in lab.guide["expect"]})
    assert claim_epochs and t.history._pinned.tolist() == claim_epochs
    # a small record, to thin it within a test's time; pins as the trainer set them
    t.history = History(pinned=claim_epochs, max_rows=64)
    t.train(max(claim_epochs) + 300)
    assert t.epoch == max(claim_epochs) + 300 and len(t.history) <= 64
    hist = t.history.view()
    verdicts = check(lab.guide, lab, hist, t.network.get_params())
    judged = [v for v in verdicts if v.status in ("pass", "fail")]
    assert judged, [v.status for v in verdicts]
    for v in judged:
        row = row_of_epoch(hist, v.expectation.epochs)
        assert row is not None
        assert v.measured == pytest.approx(float(hist[v.expectation.metric][row]))


@pytest.mark.parametrize("preset", ["functions-deeper-more-pieces", "circle-tanh",
                                    "images-two-3x3-are-one-5x5"])
def test_a_lab_trained_a_million_epochs_saves_a_file_that_opens_again(tmp_path, preset):
    """The largest history any run can leave: the file stays small and loads."""
    from actlab.engine.trainer import Trainer
    from actlab.kinds.registry import lab_data
    from actlab.labfile import load_lab, save_lab
    from actlab.labfile.presets import load_preset

    lab = load_preset(preset)
    t = Trainer(*lab_data(lab))
    t.train(2)
    rows = t.history.to_dict()
    long = History(pinned=[d["epochs"] for d in (lab.guide or {}).get("expect", ())])
    for e in range(1, 1_000_001):
        if e % 1000 == 0 or e > 1_000_000 - 5_000 or e <= HEAD_ROWS:
            long.append_row((rows["train_loss"][-1], rows["test_loss"][-1],
                             rows["train_accuracy"][-1], rows["test_accuracy"][-1]), e)
    trained = replace(t.to_lab(), history=long.to_dict())
    path = tmp_path / "long.actlab"
    save_lab(trained, path)
    assert path.stat().st_size < 2 * 2**20, path.stat().st_size
    again = load_lab(path)
    assert epochs_done(again.history) == 1_000_000
    assert Trainer(*lab_data(again)).epoch == 1_000_000


def test_a_lab_file_whose_epochs_go_back_is_refused_with_the_place_named():
    from actlab.lab import default_lab
    from actlab.labfile.format import LabFileError, lab_from_dict, lab_to_dict

    d = lab_to_dict(default_lab())
    d["history"] = {"epoch": [1, 2, 500, 400], "train_loss": [1.0, 0.9, 0.5, 0.4]}
    with pytest.raises(LabFileError, match=r"history\.epoch\[3\].*more than the epoch "
                                           r"before it \(500\), got 400"):
        lab_from_dict(d)
    d["history"]["epoch"] = [1, 2, 500, 4000]  # a thinned record skips: fine
    assert epochs_done(lab_from_dict(d).history) == 4000
