"""The decision surface fills its plot box exactly: no white bands at the box's edges,
whatever the shape of the widget (the aspect lock used to widen the range instead)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from actlab.views.qt import QtCore, QtWidgets
from actlab.views.points.surface_view import SurfaceView


def _near_white(rgb) -> bool:
    return min(rgb) >= 235


@pytest.mark.parametrize("compact, legend", [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize("size", [(520, 300), (300, 520), (420, 420), (700, 380)])
def test_surface_meets_every_edge_of_its_box(qtbot, size, compact, legend):
    view = SurfaceView(compact=compact, legend=legend)
    qtbot.addWidget(view)
    view.set_title("a title" if compact else None)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    # P(class 1) = 0 everywhere: the whole plane is the saturated class-0 orange
    view.show_snapshot(SimpleNamespace(epoch=1, surface=np.zeros((60, 60)), extent=6.0),
                       force=True)
    qtbot.waitUntil(view.square.is_square)
    QtWidgets.QApplication.processEvents()
    vb = view.view_box
    (x0, x1), (y0, y1) = vb.viewRange()
    assert (x0, x1, y0, y1) == pytest.approx((-6, 6, -6, 6), abs=1e-9)
    image = view.grab().toImage()
    dpr = image.devicePixelRatio()
    box = vb.mapRectToScene(vb.boundingRect())
    top_left = view.plot_widget.mapTo(view, view.plot_widget.mapFromScene(box.topLeft()))
    bottom_right = view.plot_widget.mapTo(view, view.plot_widget.mapFromScene(box.bottomRight()))
    # one pixel inside each edge of the box, along its whole length (corners skipped)
    left, top = top_left.x() + 2, top_left.y() + 2
    right, bottom = bottom_right.x() - 3, bottom_right.y() - 3
    assert right - left > 50 and bottom - top > 50

    def px(x, y):
        c = image.pixelColor(QtCore.QPoint(int(x * dpr), int(y * dpr)))
        return c.red(), c.green(), c.blue()

    edges = {"left": [px(left, y) for y in range(top + 4, bottom - 4)],
             "right": [px(right, y) for y in range(top + 4, bottom - 4)],
             "top": [px(x, top) for x in range(left + 4, right - 4)],
             "bottom": [px(x, bottom) for x in range(left + 4, right - 4)]}
    for name, pixels in edges.items():
        white = sum(_near_white(p) for p in pixels)
        assert white == 0, f"{size}: {white} white pixels along the {name} edge"
    # and the plane keeps equal scales: the box is square
    g = vb.geometry()
    assert abs(g.width() - g.height()) <= 1.0
