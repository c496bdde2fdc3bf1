"""Exported SVGs draw the same outside Qt: rasterised by librsvg (``rsvg-convert``, what
GNOME's viewer and ImageMagick use) the points keep their class colours and the curves
stay thin lines, as in Qt's own rendering of the same view; fonts name a sans-serif
fallback list browsers know."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import re
import shutil
import subprocess

import numpy as np
import pytest

from actlab.engine import Trainer
from actlab.lab import default_lab
from actlab.views import colors
from actlab.views.export import export_png, export_svg, qimage_to_array
from actlab.views.loss_view import LossView
from actlab.views.qt import QtCore, QtGui
from actlab.views.points.surface_view import SurfaceView
from actlab.views.svg_portable import font_family_list, make_portable

RSVG = shutil.which("rsvg-convert")
needs_rsvg = pytest.mark.skipif(
    RSVG is None, reason="rsvg-convert is not installed (apt-get install librsvg2-bin; "
    ".ci/run installs it)")


@pytest.fixture(scope="module")
def trained():
    t = Trainer(default_lab())  # circle data: orange ring around a blue disc
    t.train(200)
    return t, t.snapshot()


def _shown(qtbot, widget, size):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _rasterise(svg_path, tmp_path) -> np.ndarray:
    png = tmp_path / (svg_path.stem + ".rsvg.png")
    subprocess.run([RSVG, "--background-color", "white", "-o", str(png), str(svg_path)],
                   check=True, capture_output=True, timeout=60)
    return qimage_to_array(QtGui.QImage(str(png)))[..., :3].astype(int)


def _fraction(rgb: np.ndarray, hex_color: str, tol: int = 14) -> float:
    target = np.array(colors.hex_to_rgb(hex_color))
    return float(np.mean(np.all(np.abs(rgb - target) <= tol, axis=-1)))


def _dark(rgb: np.ndarray) -> float:
    return float(np.mean(rgb.max(axis=-1) < 70))


def _qt_render(widget, tmp_path, name) -> np.ndarray:
    path = export_png(widget, tmp_path / name, scale=1)
    return qimage_to_array(QtGui.QImage(str(path)))[..., :3].astype(int)


@needs_rsvg
def test_surface_points_keep_their_colours_in_librsvg(qtbot, trained, tmp_path):
    t, snap = trained
    view = _shown(qtbot, SurfaceView(), (400, 400))
    view.set_points(t.dataset)
    view.show_snapshot(snap)
    assert set(np.unique(t.dataset.y_train)) == {0, 1}
    reference = _qt_render(view, tmp_path, "surface_qt.png")
    got = _rasterise(export_svg(view, tmp_path / "surface.svg"), tmp_path)
    assert got.shape == reference.shape
    for color in (colors.ORANGE, colors.BLUE):  # the points' fills, both classes
        want = _fraction(reference, color)
        assert want > 0.01  # the reference really shows points of this class
        assert _fraction(got, color) == pytest.approx(want, rel=0.35), color
    # outlines and the decision boundary are thin lines, not black discs and bands
    assert _dark(got) < max(2 * _dark(reference), 0.03)


@needs_rsvg
def test_loss_curves_stay_thin_in_librsvg(qtbot, trained, tmp_path):
    _, snap = trained
    view = _shown(qtbot, LossView(), (500, 300))
    view.show_history(snap.history)
    reference = _qt_render(view, tmp_path, "loss_qt.png")
    got = _rasterise(export_svg(view, tmp_path / "loss.svg"), tmp_path)
    for color in (colors.line_color(0), colors.line_color(1)):  # train, test loss
        want = _fraction(reference, color, tol=30)
        assert 0.001 < want < 0.05
        assert _fraction(got, color, tol=30) == pytest.approx(want, rel=0.4), color
    assert _dark(got) < max(2 * _dark(reference), 0.03)


def test_exported_fonts_name_sans_serif_fallbacks(qtbot, trained, tmp_path):
    _, snap = trained
    view = _shown(qtbot, LossView(), (500, 300))
    view.show_history(snap.history)
    text = export_svg(view, tmp_path / "loss.svg").read_text(encoding="utf-8")
    families = set(re.findall(r'font-family="([^"]*)"', text))
    assert families and all(f.endswith("Arial, Helvetica, sans-serif") for f in families)
    assert "vector-effect" not in text  # librsvg ignores it: nothing may rely on it


# ---------------------------------------------------------------- the rewrite itself

def _svg(body: str) -> bytes:
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
            f"{body}</svg>").encode()


def test_shapes_are_mapped_into_page_units():
    out = make_portable(_svg(
        '<g stroke="#0072b2" stroke-width="2" transform="matrix(2,0,0,-300,10,250)">'
        '<path vector-effect="non-scaling-stroke" d="M1,0.5 L2,0.25 C3,0 4,0 5,0.1 Z"/>'
        '<polyline vector-effect="non-scaling-stroke" points="0,0 1,1"/>'
        '<rect vector-effect="non-scaling-stroke" x="1" y="0" width="2" height="0.1"/>'
        '<text x="1" y="2">keeps its transform</text></g>')).decode()
    # x' = 2x + 10, y' = -300y + 250, worked out by hand
    assert 'd="M12,100 L14,175 C16,250 18,250 20,220 Z"' in out
    assert 'points="10,250 12,-50"' in out
    assert 'd="M12,250 L16,250 L16,220 L12,220 Z"' in out
    assert "vector-effect" not in out
    assert re.search(r'<g transform="matrix\(2,0,0,-300,10,250\)"><text', out)
    assert out.count("matrix(") == 1  # only the text still needs it


def test_unbakeable_shapes_get_a_compensated_stroke():
    out = make_portable(_svg(
        '<g stroke-width="1.5" transform="matrix(6,0,0,6,20,20)">'
        '<path vector-effect="non-scaling-stroke" d="M0,0 A1,1 0 0 1 1,1"/></g>')).decode()
    assert 'stroke-width="0.25"' in out and "vector-effect" not in out
    assert 'd="M0,0 A1,1 0 0 1 1,1"' in out  # arcs are left as they were


@pytest.mark.parametrize("family, expected", [
    ("Sans Serif", "'DejaVu Sans', Arial, Helvetica, sans-serif"),
    ("Noto Sans", "'Noto Sans', 'DejaVu Sans', Arial, Helvetica, sans-serif"),
    ("Arial", "Arial, 'DejaVu Sans', Helvetica, sans-serif"),
])
def test_font_family_list(family, expected):
    assert font_family_list(family) == expected


def test_not_xml_is_one_clear_error():
    with pytest.raises(ValueError, match="not a well-formed SVG"):
        make_portable(b"<svg><g></svg>")


@needs_rsvg
def test_network_diagram_svg_matches_qt(qtbot, trained, tmp_path):
    from actlab.views.network.view import NetworkView

    _, snap = trained
    view = _shown(qtbot, NetworkView(), (700, 420))
    view.show_snapshot(snap)
    svg = export_svg(view, tmp_path / "network.svg")
    got = _rasterise(svg, tmp_path)
    # Qt's own drawing of the same scene rectangle, the same size
    scene = view.scene
    source = scene.itemsBoundingRect().adjusted(-4, -4, 4, 4)
    image = QtGui.QImage(got.shape[1], got.shape[0], QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
    scene.render(painter, QtCore.QRectF(0, 0, image.width(), image.height()), source)
    painter.end()
    reference = qimage_to_array(image)[..., :3].astype(int)
    assert np.abs(got - reference).mean() < 6  # the same picture, up to antialiasing
    for color in (colors.ORANGE, colors.BLUE):
        want = _fraction(reference, color, tol=30)
        assert want > 0.005 and _fraction(got, color, tol=30) == pytest.approx(want, rel=0.35)
