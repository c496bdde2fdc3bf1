"""The lab report's "Predictions" section: each question, the student's answer and why,
the result on the run reported, the teacher's explanation and a sketch drawn over what
the network drew — in the HTML and the PDF, for point and function labs."""
from dataclasses import replace

import pytest

from actlab.engine.trainer import Trainer
from actlab.labfile.format import lab_from_dict, lab_to_dict
from actlab.labfile.presets import load_preset

CHOICE = {"ask": "Will a linear network separate <XOR>?", "kind": "choice",
          "choices": ["Yes", "No"], "answer": "No", "explain": "One straight line cannot."}
SKETCH = {"ask": "Draw the boundary you expect.", "kind": "sketch", "target": "boundary"}


def _trained(lab, epochs):
    lab = lab_from_dict(lab_to_dict(lab))  # checked as a file would be
    t = Trainer(lab)
    t.train(epochs)
    return t.to_lab(), t


@pytest.fixture(scope="module")
def xor_run():
    lab = load_preset("xor-needs-nonlinearity").without_results()
    guide = {"instructions": "Predict.", "predict": [CHOICE, SKETCH],
             "predictions": [{"question": 0, "answer": "Yes", "why": "4 neurons", "run": 1},
                             {"question": 1, "answer": [[-6, 0], [6, 0.5]]}]}
    lab = replace(lab, guide=guide, network=replace(lab.network, activations=("linear",)))
    return _trained(lab, 60)


def test_the_point_report_holds_the_predictions(xor_run, tmp_path, qapp):
    from actlab.report.points import write_report, write_report_pdf

    lab, t = xor_run
    snap = t.snapshot(grid=60, neurons=False)
    text = write_report(lab, snap, t.dataset, tmp_path / "r.html").read_text("utf-8")
    section = text[text.index("<h2>Predictions</h2>"):text.index("<h2>My notes</h2>")]
    assert "Will a linear network separate &lt;XOR&gt;?" in section
    assert "My prediction (before run 1): Yes" in section and "Why: 4 neurons" in section
    assert "Not quite: the answer is No." in section and "One straight line cannot." in section
    assert "agrees with the network&#x27;s on" in section
    assert section.count('<img src="data:image/png;base64,') == 1  # the sketch over the classes
    pdf = write_report_pdf(lab, snap, t.dataset, tmp_path / "r.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_a_lab_without_answers_has_no_predictions_section(xor_run, tmp_path, qapp):
    from actlab.report.points import write_report

    lab, t = xor_run
    guide = {k: v for k, v in lab.guide.items() if k != "predictions"}
    text = write_report(replace(lab, guide=guide), t.snapshot(grid=60, neurons=False),
                        t.dataset, tmp_path / "r.html").read_text("utf-8")
    assert "<h2>Predictions</h2>" not in text


def test_the_function_report_holds_a_number_prediction(tmp_path, qapp):
    from actlab.engine.predictions import measured_now
    from actlab.outputs.functions import write_run_report

    lab = load_preset("functions-four-relu-pieces").without_results()
    guide = dict(lab.guide or {}, predict=[
        {"ask": "How many linear pieces?", "kind": "number", "metric": "pieces"},
        {"ask": "Draw the curve.", "kind": "sketch", "target": "curve"}],
        predictions=[{"question": 0, "answer": 3},
                     {"question": 1, "answer": [[-6, 5], [0, 0], [6, 5]]}])
    lab, t = _trained(replace(lab, guide=guide), 50)
    pieces = int(measured_now("pieces", t))
    path = write_run_report(lab, t, tmp_path / "f.html")
    text = path.read_text("utf-8")
    section = text[text.index("<h2>Predictions</h2>"):]
    assert "My prediction: 3" in section
    assert f"the trained curve has {pieces} linear piece" in section
    assert "of x (mean gap" in section and 'src="data:image/png;base64,' in section
