"""`actlab train IMAGE_LAB --report`: report.html embeds every figure the CLI wrote (the
very same bytes, each a real picture), states the measured conv collapse, marks the
guide's outcomes as the history says, and report.pdf has pages with those pictures."""
import base64
import csv
import html
import json
import re

import pytest

from actlab.cli.main import main
from actlab.labfile.presets import load_preset
from actlab.report.images import collapse_sentences

LAB = "images-linear-cnn-counts-ink"
RUN_FIGURES = ("loss", "confusion", "samples", "filters", "featuremaps")
IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/]+={0,2})" width="\d+" '
                 r'alt="([\w-]+)"/>')


def _train(out, *args):
    assert main(["train", LAB, "--report", "--quiet", "--out", str(out), *args]) == 0
    return json.loads((out / "metrics.json").read_text()), \
        (out / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def linear(tmp_path_factory):
    out = tmp_path_factory.mktemp("linear")
    return (out, *_train(out, "--activation", "linear"))  # the lab's 20 epochs


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    out = tmp_path_factory.mktemp("two")
    return (out, *_train(out, "--activation", "linear", "--activation", "relu"))


def _embedded(text):
    return {alt: base64.b64decode(data) for data, alt in IMG.findall(text)}


def _assert_pictures(out, text, names):
    from actlab.views.export import image_is_blank
    from actlab.views.qt import QtGui

    pics = _embedded(text)
    assert sorted(pics) == sorted(names)
    for name, png in pics.items():
        assert png == (out / f"{name}.png").read_bytes(), name  # the file beside it
        image = QtGui.QImage.fromData(png, "PNG")
        assert not image.isNull() and not image_is_blank(image), name


def _marks(text):
    """(mark, expectation text) of every row of the outcomes table (after the "Predicted to
    fail:" of an outcome the lab predicts will fail)."""
    table = text.split("<table class='outcomes'", 1)[1].split("</table>", 1)[0]
    return re.findall(r"font-weight:bold'>(.)</span></td><td valign='top'>"
                      r"(?:<span[^>]*><b>Predicted to fail:</b></span> )?([^<]*)<br/>", table)


def _accuracy_at(path, epoch):
    rows = list(csv.DictReader(path.open()))
    return float(next(r for r in rows if int(r["epoch"]) == epoch)["test_accuracy"])


def test_one_linear_run_report(linear):
    out, m, text = linear
    lab = load_preset(LAB)
    assert f"<h1>{html.escape(lab.name)}</h1>" in text
    assert f"<b>{100 * m['test_accuracy']:.1f}&nbsp;%</b>" in text
    assert f"<td align='right'>{m['epochs']}</td>" in text
    _assert_pictures(out, text, RUN_FIGURES)
    # the settings name the generator, the size and each convolution
    assert "Bars: horizontal or vertical" in text and "16×16 px" in text
    assert text.count("8 filters 3×3, same padding, stride 1, Linear") == 2
    # the collapse, in the words and numbers of metrics.json
    c, = m["conv_collapse"]
    assert html.escape(c["summary"]) in text and html.escape(c["note"]) in text
    assert f"on the border {c['border_difference']:.3g}" in text
    assert m["linear_templates"]["note"] in text
    # the outcomes: the linear claim is judged on this run's own history, the ReLU one
    # is about another network
    (e_lin, e_relu) = lab.guide["expect"]
    acc = _accuracy_at(out / "history.csv", e_lin["epochs"])
    # "linear reaches 65 %" is predicted to fail: ✔ as predicted when it does, ! if not
    assert e_lin["should"] == "fail" and e_lin["op"] == ">="
    want = "✔" if acc < e_lin["value"] else "!"
    assert _marks(text) == [(want, e_lin["text"]), ("–", e_relu["text"])]
    if want == "✔":
        assert "as predicted: " + html.escape(e_lin["because"]) in text


def test_two_runs_report_compares_and_marks_both_claims(two):
    out, m, text = two
    lab = load_preset(LAB)
    names = [f"{k}-{a}" for a in ("linear", "relu") for k in RUN_FIGURES] + ["compare"]
    _assert_pictures(out, text, names)
    lin, relu = m["runs"]["linear"], m["runs"]["relu"]
    summary = html.escape(lin["conv_collapse"][0]["summary"])
    # the sentence sits in the Linear section, before the ReLU one starts
    assert text.count(summary) == 1
    assert text.index("<h2>Linear</h2>") < text.index(summary) < text.index("<h2>ReLU</h2>")
    e_lin, e_relu = lab.guide["expect"]
    a_lin = _accuracy_at(out / "history-linear.csv", e_lin["epochs"])
    a_relu = _accuracy_at(out / "history-relu.csv", e_relu["epochs"])
    assert _marks(text) == [("✔" if a_lin < e_lin["value"] else "!", e_lin["text"]),
                            ("✔" if a_relu > e_relu["value"] else "✘", e_relu["text"])]
    for run in (lin, relu):
        assert f"<b>{100 * run['test_accuracy']:.1f}&nbsp;%</b>" in text


@pytest.mark.parametrize("fixture, figures", [("linear", 5), ("two", 11)])
def test_pdf_report_has_pages_with_the_figures(fixture, figures, request):
    out = request.getfixturevalue(fixture)[0]
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    count = re.search(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", pdf, re.S)
    assert len(pages) >= 1 and count and int(count.group(1)) == len(pages)
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= figures


def test_report_is_no_longer_refused_for_image_labs(tmp_path, capsys):
    assert main(["train", LAB, "--epochs", "1", "--report", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "--report" not in err and (tmp_path / "report.pdf").exists()


def test_collapse_sentences_survive_missing_measurements():
    """A stack with nothing measurable (e.g. every pixel on the border) has None
    differences in metrics.json: the sentence says "–", it does not crash."""
    entry = {"summary": "Layers 1–2: x.", "measured_on": "4 test images",
             "max_difference": None, "interior_difference": None,
             "border_difference": 0.5, "border_pixels": 3, "note": ""}
    s, = collapse_sentences({"conv_collapse": [entry]})
    assert "4 test images: – (inside –, on the border 0.5)." in s
    assert collapse_sentences({}) == []
