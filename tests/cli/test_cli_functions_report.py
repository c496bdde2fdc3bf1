"""`actlab train FUNCTION_LAB --report --instruments`: report.html embeds the figures the
CLI wrote (the same bytes, real pictures), its results table states each run's test R²,
linear pieces and their upper bound as metrics.json has them, the collapse of an
all-linear network is the line recomputed here from the weights, and report.pdf has
pages (rendered with Ghostscript when it is installed)."""
import base64
import html
import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from actlab.cli.main import main
from actlab.engine.trainer import Trainer
from actlab.labfile.format import load_lab

LAB = "resources/labs/functions-linear-draws-one-line.actlab"
STEM = "functions-linear-draws-one-line"
IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/]+={0,2})" width="\d+" '
                 r'alt="([\w-]+)"/>')


def _train(out, *args):
    assert main(["train", LAB, "--report", "--instruments", "--quiet", "--epochs", "150",
                 "--out", str(out), *args]) == 0
    return json.loads((out / "metrics.json").read_text()), \
        (out / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    out = tmp_path_factory.mktemp("three")
    return (out, *_train(out, "--activation", "linear", "--activation", "relu",
                         "--activation", "tanh"))


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    out = tmp_path_factory.mktemp("single")
    return (out, *_train(out))  # the lab as it is: every activation linear


def _pictures(out, text):
    from actlab.views.export import image_is_blank
    from actlab.views.qt import QtGui

    pics = {alt: base64.b64decode(data) for data, alt in IMG.findall(text)}
    for name, png in pics.items():
        assert png == (out / f"{name}.png").read_bytes(), name  # the file beside it
        image = QtGui.QImage.fromData(png, "PNG")
        assert not image.isNull() and not image_is_blank(image), name
    return set(pics)


def _row(text, label):
    """The cells of the results-table row of run ``label``, as plain text."""
    table = text.split("<table class='metrics'", 1)[1].split("</table>", 1)[0]
    for row in re.findall(r"<tr>(.*?)</tr>", table):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c))
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r}")


def test_report_of_three_runs(three):
    out, metrics, text = three
    runs = metrics["runs"]
    assert _pictures(out, text) == {f"{k}-{a}" for a in ("linear", "relu", "tanh")
                                    for k in ("fit", "loss", "gradients")} | \
        {"collapse-linear", "compare"}
    for label, name in (("Linear", "linear"), ("ReLU", "relu"), ("Tanh", "tanh")):
        cells = _row(text, label)
        m = runs[name]
        assert cells[1] == f"{m['epochs']:,}"
        assert cells[2] == f"{m['test_r2']:.3f}" and cells[3] == f"{m['train_r2']:.3f}"
        if name == "tanh":
            assert cells[6:] == ["–", "–"] and "pieces" not in m
        else:
            assert cells[6:] == [f"{m['pieces']:,}", f"{m['pieces_upper_bound']:,}"]
    # 2 layers of 16 ReLU units: at most 17 · 17 pieces; a linear network has one
    assert runs["relu"]["pieces_upper_bound"] == 17 * 17
    assert runs["linear"]["pieces"] == runs["linear"]["pieces_upper_bound"] == 1
    assert 1 < runs["relu"]["pieces"] <= 289
    # the guide's three outcomes are marked (each judged on the run it is about)
    assert text.count("font-size:15pt; font-weight:bold'>") == 3
    assert "The runs side by side" in text
    assert "collapse" not in runs["relu"] and "collapse" not in runs["tanh"]


def test_the_collapse_line_is_the_product_of_the_layers(single):
    out, m, text = single
    assert {"fit", "loss", "gradients", "collapse"} == _pictures(out, text)
    c = m["collapse"]
    lab = load_lab(out / f"{STEM}-trained.actlab")
    (W1, b1), (W2, b2), (W3, b3) = Trainer(lab).network.get_params()
    w, b = (W1 @ W2 @ W3).item(), ((b1 @ W2 + b2) @ W3 + b3).item()
    assert c["w"][0] == pytest.approx(w, abs=2e-6) and c["b"] == pytest.approx(b, abs=2e-6)
    assert c["max_difference"] < 1e-9
    sign = "+" if b >= 0 else "−"
    assert f"y = {c['w'][0]:.4g}·x {sign} {abs(c['b']):.4g}" in html.unescape(text)
    assert m["pieces"] == 1 and m["pieces_upper_bound"] == 1
    cells = _row(text, f"{lab.name} — Linear")  # a single run is named by the lab
    assert cells[2] == f"{m['test_r2']:.3f}" and cells[6:] == ["1", "1"]


def test_pdf_report_has_pages_and_renders(single, tmp_path):
    out = single[0]
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    count = re.search(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", pdf, re.S)
    assert len(pages) >= 1 and count and int(count.group(1)) == len(pages)
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= 4  # fit, loss, collapse, gradients
    gs = shutil.which("gs")
    if gs is None:
        pytest.skip("Ghostscript is not installed: the PDF was checked, not rendered")
    subprocess.run([gs, "-q", "-sDEVICE=png16m", "-r40", "-dFirstPage=1", "-dLastPage=1",
                    "-o", str(tmp_path / "page.png"), str(out / "report.pdf")], check=True,
                   timeout=120)
    from actlab.views.qt import QtGui
    image = QtGui.QImage(str(tmp_path / "page.png"))
    assert image.width() > 200 and image.height() > 200
    ink = np.array([[image.pixelColor(x, y).lightness() < 128
                     for x in range(0, image.width(), 4)]
                    for y in range(0, image.height(), 4)])
    assert ink.mean() > 0.01  # text and figures, not a blank page


def test_instruments_alone_write_the_function_figures(tmp_path, capsys):
    assert main(["train", LAB, "--epochs", "20", "--instruments", "--out", str(tmp_path),
                 "--activation", "relu"]) == 0
    err = capsys.readouterr().err
    assert "skipped" not in err and "only" not in err
    assert (tmp_path / "gradients.png").exists()
    assert not (tmp_path / "collapse.png").exists()  # ReLU: no one line to draw
    assert not (tmp_path / "report.html").exists()


def test_the_one_kink_report_judges_both_predicted_failures(tmp_path):
    """Trained as it opens (the straight "bend"), both outcomes of the one-kink lab fail as
    predicted, the "pieces" one too: the report judges each run with its own weights (it
    wrote "… needs 300 epochs" for pieces before)."""
    from actlab.labfile.presets import load_preset

    assert main(["train", "functions-one-kink", "--report", "--quiet",
                 "--out", str(tmp_path)]) == 0
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    table = text.split("<table class='outcomes'", 1)[1].split("</table>", 1)[0]
    assert table.count("Predicted to fail:") == 2 and table.count(">✔</span>") == 2
    assert "needs 300 epochs" not in table and "✘" not in table
    for e in load_preset("functions-one-kink").guide["expect"]:
        assert "as predicted: " + html.escape(e["because"]) in table
    assert "(1 linear piece at epoch 300)" in table
