"""The run log in lab files: it round-trips (thumbnails too), bounds itself to the last 50
runs, and a bad record is refused with the field path."""
import base64
import json
from dataclasses import replace

import pytest

from actlab.engine.run_log import (
    MAX_RUNS, OutcomeResult, RunRecord, add_run, checked_by, final_figures, next_number,
    reached_by)
from actlab.lab import Lab
from actlab.labfile import LabFileError, lab_from_dict, lab_to_dict, load_lab, save_lab
from actlab.labfile.presets import load_preset

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))


def _record(n, status="pass", thumb=PNG):
    return RunRecord(number=n, network="hidden layers 4, 2 · tanh", activations=("tanh",) * 2,
                     training="SGD · learning rate 0.03 · batch 10", seed=n, epochs=10 * n,
                     figures={"train_loss": 0.25, "test_accuracy": 0.936},
                     outcomes=(OutcomeResult(0, status, 0.936), OutcomeResult(1, "other")),
                     thumbnail=thumb, when="2026-12-07T23:40:00")


def test_a_lab_with_runs_round_trips_through_its_file(tmp_path):
    lab = replace(load_preset("xor-needs-nonlinearity"),
                  runs=(_record(1), _record(2, "fail", b"")))
    path = tmp_path / "lab.actlab"
    save_lab(lab, path)
    back = load_lab(path)
    assert back.runs == lab.runs and back == lab
    assert back.runs[0].thumbnail == PNG and back.runs[1].thumbnail == b""
    text = path.read_text(encoding="utf-8")
    assert base64.b64encode(PNG).decode() in text
    # a lab without runs writes no "runs" field (older ActLabs still open it)
    assert "runs" not in lab_to_dict(replace(lab, runs=()))


def test_the_log_keeps_the_last_50_runs_and_updates_a_run_in_place():
    runs = ()
    for n in range(1, 61):
        runs = add_run(runs, _record(n))
    assert len(runs) == MAX_RUNS == 50
    assert [r.number for r in runs] == list(range(11, 61))
    assert next_number(runs) == 61
    later = replace(_record(30), epochs=999)
    runs2 = add_run(runs, later)
    assert len(runs2) == 50 and runs2[19].epochs == 999 and runs2[19].number == 30
    assert reached_by(runs2[:2], 2) == {0: (11, 12), 1: ()}
    assert [r.number for r in checked_by(runs2[:3], 0)] == [11, 12, 13]
    assert checked_by(runs2[:3], 1) == ()


def test_final_figures_are_the_last_finite_values():
    h = {"epoch": [1, 2], "train_loss": [0.5, 0.25], "test_loss": [0.6, float("nan")],
         "test_accuracy": [0.5, 0.75]}
    assert final_figures(h) == {"train_loss": 0.25, "test_accuracy": 0.75}
    assert final_figures(None) == {}


@pytest.mark.parametrize("edit, path, words", [
    (lambda r: r.update(number=0), "runs[0].number", "1.."),
    (lambda r: r.pop("network"), "runs[0].network", "missing"),
    (lambda r: r.update(colour="red"), "runs[0].colour", "unknown field"),
    (lambda r: r.update(thumbnail="not base64!"), "runs[0].thumbnail", "PNG picture"),
    (lambda r: r.update(thumbnail=base64.b64encode(b"GIF89a....").decode()),
     "runs[0].thumbnail", "not a PNG"),
    (lambda r: r.update(thumbnail="A" * 40_000), "runs[0].thumbnail", "24000 bytes"),
    (lambda r: r["outcomes"][0].update(status="won"), "runs[0].outcomes[0].status", "status"),
    (lambda r: r["figures"].update(test_loss="low"), "runs[0].figures.test_loss", "number"),
    (lambda r: r["figures"].update(speed=1.0), "runs[0].figures.speed", "unknown field"),
    (lambda r: r.update(network="x" * 401), "runs[0].network", "at most 400"),
])
def test_a_bad_run_is_refused_with_its_field_path(edit, path, words):
    d = lab_to_dict(replace(Lab(), runs=(_record(1),)))
    d = json.loads(json.dumps(d))
    edit(d["runs"][0])
    with pytest.raises(LabFileError) as e:
        lab_from_dict(d)
    assert e.value.path == path and words in e.value.reason


def test_too_many_runs_or_a_number_twice_are_refused():
    d = json.loads(json.dumps(lab_to_dict(replace(Lab(), runs=(_record(1), _record(2))))))
    d["runs"][1]["number"] = 1
    with pytest.raises(LabFileError, match="twice") as e:
        lab_from_dict(d)
    assert e.value.path == "runs[1].number"
    d["runs"] = [dict(d["runs"][0], number=i + 1) for i in range(51)]
    with pytest.raises(LabFileError, match="at most 50 runs") as e:
        lab_from_dict(d)
    assert e.value.path == "runs"
