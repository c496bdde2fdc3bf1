"""Saving views as PNG, SVG and history CSV.

Every writer is atomic (:mod:`actlab.atomic`): it writes a temporary file next to the
target and moves it into place with :func:`os.replace`, so a crash or a full disk never
leaves half a file where a good one was.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from actlab.atomic import write_bytes_atomic, write_text_atomic
from actlab.views.qt import QtCore, QtGui, QtWidgets, pg
from actlab.views.svg_portable import make_portable

HISTORY_COLUMNS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")


def _target(path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def grab_image(widget: QtWidgets.QWidget, scale: float | None = None) -> QtGui.QImage:
    """The widget as an image.  Without ``scale`` it is grabbed at the screen's
    device-pixel ratio (sharp on HiDPI); with ``scale`` it is rendered at that many image
    pixels per widget pixel (e.g. 2 for print)."""
    if scale is None:
        return widget.grab().toImage()
    size = widget.size() * float(scale)
    image = QtGui.QImage(size, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(float(scale))
    image.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(image)
    try:
        painter.setRenderHints(QtGui.QPainter.RenderHint.Antialiasing
                               | QtGui.QPainter.RenderHint.TextAntialiasing
                               | QtGui.QPainter.RenderHint.SmoothPixmapTransform)
        widget.render(painter, QtCore.QPoint(0, 0))
    finally:
        painter.end()
    return image


def export_png(widget: QtWidgets.QWidget, path, scale: float | None = None) -> Path:
    """Save ``widget`` as a PNG at ``path`` (see :func:`grab_image` for ``scale``).
    Returns the path; raises OSError when the image cannot be written."""
    image = grab_image(widget, scale)
    data = QtCore.QByteArray()
    buffer = QtCore.QBuffer(data)
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buffer, "PNG")
    buffer.close()
    if not ok:
        raise OSError(f"Could not encode the image for {path}.")
    target = _target(path)
    write_bytes_atomic(target, bytes(data.data()))
    return target


def _graphics_item(obj):
    """The pyqtgraph item to export for a view, plot widget, layout or item; a plain
    QGraphicsScene (the network diagram's) for a widget drawn by one."""
    for attr in ("plot_item", "loss_plot"):
        inner = getattr(obj, attr, None)
        if inner is not None:
            obj = inner
            break
    if isinstance(obj, pg.PlotWidget):
        return obj.getPlotItem()
    if isinstance(obj, pg.GraphicsLayoutWidget):
        return obj.ci
    if isinstance(obj, QtWidgets.QGraphicsView):
        return obj.scene()
    scene = getattr(obj, "scene", None)  # e.g. NetworkView: a widget holding a scene
    if isinstance(scene, QtWidgets.QGraphicsScene):
        return scene
    if isinstance(obj, (QtWidgets.QGraphicsItem, QtWidgets.QGraphicsScene)):
        return obj
    raise TypeError(f"Cannot export {type(obj).__name__} as SVG; pass a plot widget, "
                    "a plot item, a graphics scene or view, or a view with a plot_item.")


def export_svg(plot_widget_or_item, path) -> Path:
    """Save a plot as SVG with pyqtgraph's SVGExporter.  Accepts a ``pg.PlotWidget``, a
    ``pg.GraphicsLayoutWidget``, a plot item or scene, or a view that has a
    ``plot_item`` (SurfaceView, LossView) or ``loss_plot`` (CompareView: its loss plot
    only, as SVG export works on one scene); a plain QGraphicsScene or QGraphicsView, or
    a widget with a ``scene`` (NetworkView), is drawn with Qt's SVG generator.  The file
    draws the same in librsvg, Inkscape and browsers: strokes in page units, explicit
    sans-serif fonts."""
    item = _graphics_item(plot_widget_or_item)
    if isinstance(item, QtWidgets.QGraphicsScene) and not isinstance(item, pg.GraphicsScene):
        data = _scene_svg(item)  # pyqtgraph's exporter works on its own scenes only
    else:
        data = _pyqtgraph_svg(item)
    # Qt's strokes and fonts as written only look right in Qt and Chromium-like
    # renderers (see svg_portable): make them explicit for librsvg, Inkscape, browsers
    data = make_portable(data)
    target = _target(path)
    write_bytes_atomic(target, data)
    return target


def _pyqtgraph_svg(item) -> bytes:
    from pyqtgraph.exporters import SVGExporter

    exporter = SVGExporter(item)
    try:
        data = exporter.export(toBytes=True)
    except ValueError:
        # pyqtgraph 0.14's exporter cannot parse the closed paths ("... Z") that newer
        # Qt writes (pyqtgraph issue #3495); Qt's own SVG generator draws the same scene.
        exporter.setExportMode(False)
        data = _svg_via_qt(exporter)
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _svg_generator(buffer, size: QtCore.QSize, view_box: QtCore.QRectF):
    from PySide6 import QtSvg

    gen = QtSvg.QSvgGenerator()
    gen.setOutputDevice(buffer)
    # Cached text (axis labels are QPictures) is replayed scaled by the device's DPI:
    # match the screen's so text and drawing stay the same size.
    screen = QtGui.QGuiApplication.primaryScreen()
    gen.setResolution(round(screen.logicalDotsPerInch()) if screen else 96)
    gen.setSize(size)
    gen.setViewBox(view_box)
    gen.setTitle("ActLab")
    return gen


def _scene_svg(scene: QtWidgets.QGraphicsScene) -> bytes:
    """SVG of a whole plain QGraphicsScene (its items' bounding rect) on white."""
    source = scene.itemsBoundingRect().adjusted(-4, -4, 4, 4)
    target = QtCore.QRectF(0, 0, source.width(), source.height())
    data = QtCore.QByteArray()
    buffer = QtCore.QBuffer(data)
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    gen = _svg_generator(buffer, target.size().toSize(), target)
    painter = QtGui.QPainter(gen)
    try:
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(target, QtGui.QColor("white"))
        scene.render(painter, target, source)
    finally:
        painter.end()
        buffer.close()
    return bytes(data.data())


def _svg_via_qt(exporter) -> bytes:
    """SVG of a pyqtgraph exporter's item drawn by QSvgGenerator, with the items in
    export mode (so scatter symbols are drawn as shapes, not cached pixmaps)."""
    source, target = exporter.getSourceRect(), QtCore.QRectF(exporter.getTargetRect())
    target.moveTo(0, 0)
    data = QtCore.QByteArray()
    buffer = QtCore.QBuffer(data)
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    gen = _svg_generator(buffer, target.size().toSize(), target)
    painter = QtGui.QPainter(gen)
    exporter.setExportMode(True, {"antialias": True, "background": QtGui.QColor("white"),
                                  "painter": painter})
    try:
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        exporter.getScene().render(painter, target, source)
    finally:
        exporter.setExportMode(False)
        painter.end()
        buffer.close()
    return bytes(data.data())


def export_csv_history(history: dict, path) -> Path:
    """Save a Snapshot's ``history`` (epoch, train/test loss and accuracy) as CSV with a
    header row.  Missing columns are left empty; NaN is written as ``nan``.

    ``train_loss`` and ``test_loss`` are the data loss, without the regularisation
    penalty (the engine records them so).  The column names stay as they are so existing
    spreadsheets and scripts keep working; the CLI says so in ``--help`` and in
    metrics.json's ``loss_note``."""
    n = len(history.get("train_loss", ()))
    cols = []
    for name in HISTORY_COLUMNS:
        v = history.get(name)
        if v is None and name == "epoch":
            v = np.arange(1, n + 1)
        cols.append(None if v is None else np.asarray(v))
    lines = [",".join(HISTORY_COLUMNS)]
    lines += [",".join("" if c is None else _fmt(c[i], j == 0) for j, c in enumerate(cols))
              for i in range(n)]
    target = _target(path)
    write_text_atomic(target, "\n".join(lines) + "\n")
    return target


def _fmt(value, integer: bool) -> str:
    return str(int(value)) if integer else repr(float(value))


def image_is_blank(path_or_image, tolerance: int = 8) -> bool:
    """True when every pixel of the image is (within ``tolerance`` per channel) the same
    colour, or the image cannot be read — a quick check that a render drew something."""
    image = path_or_image if isinstance(path_or_image, QtGui.QImage) \
        else QtGui.QImage(str(path_or_image))
    if image.isNull():
        return True
    rgba = qimage_to_array(image)
    spread = rgba.reshape(-1, 4).max(axis=0).astype(int) - rgba.reshape(-1, 4).min(axis=0)
    return bool(np.all(spread <= tolerance))


def qimage_to_array(image: QtGui.QImage) -> np.ndarray:
    """A copy of ``image`` as an (h, w, 4) uint8 array in R, G, B, A order."""
    img = image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    h, w = img.height(), img.width()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    return buf.reshape(h, img.bytesPerLine())[:, : w * 4].reshape(h, w, 4).copy()


__all__ = ["export_png", "export_svg", "export_csv_history", "image_is_blank", "grab_image",
           "qimage_to_array"]
