"""The class overview over a folder of 30 generated student files: some damaged, one of
another lab, one not a lab file at all.  The counts on the page are checked against the
counts the test makes itself from what it generated."""
import random
from collections import Counter
from dataclasses import replace

import pytest

from actlab.cli.main import main
from actlab.engine.run_log import OutcomeResult, RunRecord
from actlab.engine.trainer import Trainer
from actlab.labfile.format import save_lab
from actlab.labfile.presets import load_preset
from actlab.report.class_overview import overview_html, read_class

CHOICES = ("Yes", "No", "Only with more neurons")
PREDICT = [
    {"ask": "Will a linear network separate XOR?", "kind": "choice",
     "choices": list(CHOICES), "answer": "No"},
    {"ask": "What test accuracy will tanh reach?", "kind": "number",
     "metric": "test_accuracy", "tolerance": 0.5},
]


def _run(n, tanh_reached, linear_tried):
    outcomes = (OutcomeResult(0, "pass" if tanh_reached else "fail", 0.9),
                OutcomeResult(1, "other"))
    runs = [RunRecord(n, "1 hidden layer of 4 Tanh neurons", ("Tanh",), "SGD", 1, 500,
                      {"test_accuracy": 0.9}, outcomes)]
    if linear_tried:
        runs.append(RunRecord(n + 1, "1 hidden layer of 4 Linear neurons", ("Linear",), "SGD",
                              1, 300, {"test_accuracy": 0.5},
                              (OutcomeResult(0, "other"), OutcomeResult(1, "pass", 0.5))))
    return tuple(runs)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    base = load_preset("xor-needs-nonlinearity")
    guide = dict(base.guide, predict=PREDICT)
    guide.pop("predictions", None)
    rnd = random.Random(7)
    truth = {"files": [], "choice": Counter(), "reached": [0, 0], "tried_linear": 0,
             "number_judged": 0, "number_right": 0}
    trained = Trainer(replace(base, guide=guide))
    trained.train(20)
    weights = trained.to_lab()
    for i in range(27):
        lab = replace(base, guide=dict(guide))
        answers = []
        if i % 9 != 8:  # every ninth student skipped the question
            choice = rnd.choice(CHOICES)
            truth["choice"][choice] += 1
            answers.append({"question": 0, "answer": choice})
        if i < 4:  # four students answered the number and saved their trained weights
            answers.append({"question": 1, "answer": 0.8 if i % 2 else 0.2})
            lab = replace(lab, params=weights.params, history=weights.history)
            truth["number_judged"] += 1
        lab.guide["predictions"] = answers
        if i % 3:  # two in three students have a run log
            reached, linear = i % 2 == 0, i % 5 == 0
            lab = replace(lab, runs=_run(1, reached, linear))
            truth["reached"][0] += reached
            truth["reached"][1] += linear
            truth["tried_linear"] += linear
        name = f"student-{i + 1:02d}.actlab"
        save_lab(lab, folder / name)
        truth["files"].append(name)
    measured = float(weights.history["test_accuracy"][-1])
    truth["number_right"] = sum(abs((0.8 if i % 2 else 0.2) - measured) <= 0.5
                                for i in range(4))
    save_lab(load_preset("circle-tanh"), folder / "zz-other-lab.actlab")
    (folder / "broken.actlab").write_text('{"format": "actlab", "version": 1, "name": ',
                                          encoding="utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (folder / "empty.actlab").write_bytes(b"")
    (folder / ".hidden").write_text("ignored", encoding="utf-8")
    (folder / "sub").mkdir()
    return folder, truth


def test_the_counts_are_the_generated_ones(classroom):
    folder, truth = classroom
    ov = read_class(folder)
    assert ov.lab_name == "XOR needs a nonlinearity"
    assert [s.file for s in ov.students] == truth["files"]
    skipped = {s.file: s.reason for s in ov.skipped}
    assert set(skipped) == {"zz-other-lab.actlab", "broken.actlab", "photo.png",
                            "empty.actlab"}
    assert "another lab" in skipped["zz-other-lab.actlab"]
    assert "not a lab file" in skipped["photo.png"]
    reached = [sum(s.reached[i] is True for s in ov.students) for i in range(2)]
    assert reached == truth["reached"]
    choices = Counter(s.answers[0].text for s in ov.students if s.answers[0] is not None)
    assert choices == truth["choice"]
    right = [s.answers[0].status == "right" for s in ov.students if s.answers[0] is not None]
    assert sum(right) == truth["choice"]["No"]
    number = [s.answers[1] for s in ov.students if s.answers[1] is not None]
    assert len(number) == truth["number_judged"]
    assert sum(a.status == "right" for a in number) == truth["number_right"]
    page = overview_html(ov)
    n = len(truth["files"])
    assert f"{truth['reached'][0]} of {n} reached it" in page
    # the linear outcome is predicted to fail: met when a run failed it
    assert "Predicted to fail: The same network with a linear activation" in page
    assert f"{truth['reached'][1]} of {n} saw it fail, as predicted" in page
    assert f"{truth['choice']['No']} of {sum(truth['choice'].values())} judged predictions " \
           "were the right answer" in page
    wrong = max((c for c in CHOICES if c != "No"), key=lambda c: (truth["choice"][c], c))
    assert "Common wrong predictions:</b> " + wrong in page
    assert page.count("<tr><td valign='top'>student-") == n
    assert "Skipped (4)" in page


def test_the_command_writes_the_page_and_says_what_it_read(classroom, tmp_path, capsys):
    folder, truth = classroom
    out = tmp_path / "overview"
    assert main(["class", str(folder), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"{len(truth['files'])} student files, 4 skipped" in said
    assert (out / "class-overview.html").exists()
    assert (out / "class-overview.pdf").read_bytes().startswith(b"%PDF")
    # asked for the other lab: only its one file, the 27 others skipped
    assert main(["class", str(folder), "--out", str(tmp_path / "o2"), "--lab", "Circle with tanh",
                 "--no-pdf"]) == 0
    assert "1 student file, 30 skipped" in capsys.readouterr().out


def test_bad_folders_get_one_clear_line(tmp_path, capsys):
    assert main(["class", str(tmp_path / "nowhere")]) == 2
    assert "not a folder" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert main(["class", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no lab file in it (1 other file skipped)" in err and "Traceback" not in err
