"""Prediction questions (guide.predict) and the student's answers (guide.predictions):
they round-trip through save and load, and bad ones are refused with a field path."""
import copy
from dataclasses import replace

import pytest

from actlab.labfile.format import LabFileError, lab_from_dict, lab_to_dict, load_lab, save_lab
from actlab.labfile.presets import load_preset

QUESTIONS = [
    {"ask": "Will a linear network separate XOR?", "kind": "choice",
     "choices": ["Yes", "No"], "answer": "No", "activations": ["linear"],
     "explain": "A linear network draws one straight line.", "required": True},
    {"ask": "Sketch the boundary.", "kind": "sketch", "target": "boundary"},
    {"ask": "Test accuracy?", "kind": "number", "metric": "test_accuracy",
     "tolerance": 0.1},
]
ANSWERS = [
    {"question": 0, "answer": "No", "why": "one line", "run": 2},
    {"question": 1, "answer": [[-6, 0], [0, 1.5], [6, 0]]},
    {"question": 2, "answer": 0.5},
]


def _doc(predict=None, predictions=None):
    d = {"format": "actlab", "version": 1,
         "network": {"hidden": [4], "activations": ["tanh"]},
         "guide": {"instructions": "Press Play."}}
    if predict is not None:
        d["guide"]["predict"] = predict
    if predictions is not None:
        d["guide"]["predictions"] = predictions
    return d


def _function_doc(**guide):
    d = lab_to_dict(load_preset("functions-four-relu-pieces"))
    d["guide"] = {"instructions": "Go.", **guide}
    return d


def test_questions_and_answers_round_trip(tmp_path):
    lab = lab_from_dict(_doc(QUESTIONS, ANSWERS))
    q0 = lab.guide["predict"][0]
    # a question naming part of a network is pinned to the file's network, as outcomes
    assert q0["hidden"] == [4] and q0["activations"] == ["linear"]
    assert q0["features"] == ["x1", "x2"]
    assert "hidden" not in lab.guide["predict"][1]  # no network named: about any
    path = tmp_path / "lab.actlab"
    save_lab(lab, path)
    again = load_lab(path)
    assert again.guide["predict"] == lab.guide["predict"]
    assert again.guide["predictions"] == ANSWERS
    assert lab_to_dict(again)["guide"] == lab_to_dict(lab)["guide"]


def test_function_lab_questions_round_trip():
    q = [{"ask": "How many pieces?", "kind": "number", "metric": "pieces"},
         {"ask": "Draw the curve.", "kind": "sketch", "target": "curve"}]
    a = [{"question": 0, "answer": 5}, {"question": 1, "answer": [[-6, 1], [6, 2]]}]
    lab = lab_from_dict(_function_doc(predict=q, predictions=a))
    assert lab_from_dict(lab_to_dict(lab)).guide["predictions"] == a


def _bad(question=None, answer=None, predict=None):
    predict = copy.deepcopy(QUESTIONS if predict is None else predict)
    if question is not None:
        predict[0] = question
    predictions = None if answer is None else [answer]
    return _doc(predict, predictions)


CHOICE = QUESTIONS[0]


@pytest.mark.parametrize("doc, path, reason", [
    (_doc({"ask": "x"}), "guide.predict", "must be a list"),
    (_bad(question={"kind": "choice", "choices": ["a", "b"], "answer": "a"}),
     "guide.predict[0].ask", "missing"),
    (_bad(question={**CHOICE, "ask": "  "}), "guide.predict[0].ask", "must not be empty"),
    (_bad(question={**CHOICE, "kind": "guess"}), "guide.predict[0].kind",
     "unknown question kind"),
    (_bad(question={**CHOICE, "choices": ["only"]}), "guide.predict[0].choices",
     "2 to 8 answers"),
    (_bad(question={**CHOICE, "choices": ["a", "a"]}), "guide.predict[0].choices[1]",
     "listed twice"),
    (_bad(question={**CHOICE, "choices": ["a", 3]}), "guide.predict[0].choices[1]",
     "must be a string"),
    (_bad(question={**CHOICE, "answer": "Maybe"}), "guide.predict[0].answer",
     "one of the choices"),
    (_bad(question={**CHOICE, "metric": "pieces"}), "guide.predict[0].metric",
     "only for number questions"),
    (_bad(question={**CHOICE, "required": "yes"}), "guide.predict[0].required",
     "true or false"),
    (_bad(question={**CHOICE, "activations": ["relux"]}), "guide.predict[0].activations[0]",
     "unknown activation"),
    (_bad(question={**CHOICE, "explain": 5}), "guide.predict[0].explain", "must be a string"),
    (_bad(question={**CHOICE, "anwser": "No"}), "guide.predict[0].anwser", "did you mean"),
    (_bad(question={"ask": "n?", "kind": "number"}), "guide.predict[0].metric", "missing"),
    (_bad(question={"ask": "n?", "kind": "number", "metric": "pieces"}),
     "guide.predict[0].metric", "function labs only"),
    (_bad(question={"ask": "n?", "kind": "number", "metric": "test_accuracy",
                    "tolerance": -1}), "guide.predict[0].tolerance", ">= 0"),
    (_bad(question={"ask": "s?", "kind": "sketch"}), "guide.predict[0].target", "missing"),
    (_bad(question={"ask": "s?", "kind": "sketch", "target": "curve"}),
     "guide.predict[0].target", "function labs only"),
    (_bad(answer={"question": 3, "answer": "No"}), "guide.predictions[0].question", "0..2"),
    (_bad(answer={"answer": "No"}), "guide.predictions[0].question", "missing"),
    (_bad(answer={"question": 0, "answer": "Maybe"}), "guide.predictions[0].answer",
     "one of the question's choices"),
    (_bad(answer={"question": 2, "answer": "high"}), "guide.predictions[0].answer",
     "finite number"),
    (_bad(answer={"question": 1, "answer": [[0, 0]]}), "guide.predictions[0].answer",
     "2 to 400 points"),
    (_bad(answer={"question": 1, "answer": [[0, 0]] * 401}), "guide.predictions[0].answer",
     "2 to 400 points"),
    (_bad(answer={"question": 1, "answer": [[0, 0], [1]]}), "guide.predictions[0].answer[1]",
     "a point [x, y]"),
    (_bad(answer={"question": 1, "answer": [[0, 0], [1, 1e9]]}),
     "guide.predictions[0].answer[1][1]", "within"),
    (_bad(answer={"question": 1, "answer": [[1, 1], [1, 1]]}), "guide.predictions[0].answer",
     "two different points"),
    (_bad(answer={"question": 0, "answer": "No", "why": 3}), "guide.predictions[0].why",
     "must be a string"),
    (_bad(answer={"question": 0, "answer": "No", "run": 0}), "guide.predictions[0].run",
     "1.."),
    (_doc(None, [{"question": 0, "answer": "No"}]), "guide.predictions[0].question",
     "no questions"),
])
def test_bad_questions_and_answers_name_the_field(doc, path, reason):
    with pytest.raises(LabFileError) as e:
        lab_from_dict(doc)
    assert e.value.path == path
    assert reason in e.value.reason


def test_a_question_answered_twice_is_refused():
    doc = _doc(QUESTIONS, [ANSWERS[0], dict(ANSWERS[0])])
    with pytest.raises(LabFileError) as e:
        lab_from_dict(doc)
    assert e.value.path == "guide.predictions[1].question"
    assert "answered twice" in e.value.reason


def test_pieces_need_a_piecewise_linear_network():
    q = [{"ask": "n?", "kind": "number", "metric": "pieces", "activations": ["tanh"]}]
    with pytest.raises(LabFileError) as e:
        lab_from_dict(_function_doc(predict=q))
    assert e.value.path == "guide.predict[0].metric"


def test_boundary_sketch_is_for_point_labs():
    q = [{"ask": "s?", "kind": "sketch", "target": "boundary"}]
    with pytest.raises(LabFileError) as e:
        lab_from_dict(_function_doc(predict=q))
    assert e.value.path == "guide.predict[0].target"


PRESET_QUESTIONS = {  # the presets that ask for a prediction, and the kind asked
    "xor-needs-nonlinearity": "choice", "linear-collapse-xor": "sketch",
    "functions-four-relu-pieces": "number", "images-two-3x3-are-one-5x5": "choice",
    "images-max-pooling-is-nonlinear": "choice", "images-uci-digits-templates": "choice",
}


@pytest.mark.parametrize("name, kind", sorted(PRESET_QUESTIONS.items()))
def test_presets_ask_for_predictions_about_the_network_they_teach(name, kind):
    from actlab.engine.predictions import questions

    lab = load_preset(name)
    q, = questions(lab.guide, getattr(lab.network, "custom", ()))
    assert q.form == kind and q.explain and not q.required
    # the question is about the lab's own network (or, for XOR, its linear version)
    if name == "xor-needs-nonlinearity":
        assert q.mismatch(lab) and not q.mismatch(
            replace(lab, network=replace(lab.network, activations=("linear",))))
    else:
        assert not q.mismatch(lab)
    assert lab_from_dict(lab_to_dict(lab)).guide["predict"] == lab.guide["predict"]
