"""Render ActLab's app icon, ``actlab.svg``, to the PNG, ICO and ICNS files next to it.

    python resources/icons/make_icons.py

Writes ``actlab-<N>.png`` for N in 16, 32, 48, 64, 128, 256 (the Linux hicolor sizes),
``actlab.ico`` (Windows: PNG-compressed entries 16-256, the icon
PyInstaller embeds in the .exe) and ``actlab.icns`` (macOS: PNG entries 16-512).

Rendering uses Qt's own SVG renderer (QtSvg ships with PySide6-Essentials), so no extra
tool is needed; it runs headless (QT_QPA_PLATFORM=offscreen is set when there is no
display).  At 16 and 32 px the elements whose ids are listed in ``SMALL_DROPS`` are
removed first: hairline detail blurs into mud at that size.  The ICO and ICNS containers
are written here with :mod:`struct` because Qt's image writers store one size only.
"""
from __future__ import annotations

import os
import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE / "actlab.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: ICNS OSType for each PNG size (Apple's "icp4" ... "ic10" codes).
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08",
              512: b"ic09"}
#: Elements dropped at small sizes: {largest size that drops them: ids}.
SMALL_DROPS = {32: ("rim", "axes"), 16: ("network",)}
SVG_NS = "http://www.w3.org/2000/svg"


def svg_for_size(size: int) -> bytes:
    """The SVG text to render at ``size`` px, with small-size details removed."""
    drop = {i for limit, ids in SMALL_DROPS.items() if size <= limit for i in ids}
    ET.register_namespace("", SVG_NS)
    tree = ET.parse(SVG)
    for parent in tree.iter():
        for child in list(parent):
            if child.get("id") in drop:
                parent.remove(child)
    return ET.tostring(tree.getroot(), encoding="utf-8")


def render_png(size: int) -> bytes:
    """PNG bytes of the icon at ``size``×``size`` px, transparent corners."""
    from PySide6 import QtCore, QtGui, QtSvg

    renderer = QtSvg.QSvgRenderer(QtCore.QByteArray(svg_for_size(size)))
    if not renderer.isValid():
        raise RuntimeError(f"Qt could not parse {SVG}")
    image = QtGui.QImage(size, size, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QtCore.QRectF(0, 0, size, size))
    painter.end()
    buf = QtCore.QBuffer()
    buf.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    return bytes(buf.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding each PNG as-is (Vista+ reads PNG entries)."""
    sizes = sorted(pngs)
    offset = 6 + 16 * len(sizes)
    head = struct.pack("<HHH", 0, 1, len(sizes))
    entries, blobs = b"", b""
    for s in sizes:
        data = pngs[s]
        dim = 0 if s >= 256 else s  # 0 means 256 in the ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    return head + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG entries."""
    body = b"".join(ICNS_TYPES[s] + struct.pack(">I", 8 + len(pngs[s])) + pngs[s]
                    for s in sorted(pngs))
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import QtGui

    app = QtGui.QGuiApplication.instance() or QtGui.QGuiApplication(sys.argv[:1])  # noqa: F841
    cache: dict[int, bytes] = {}

    def png(size: int) -> bytes:
        if size not in cache:
            cache[size] = render_png(size)
        return cache[size]

    written = []
    for size in PNG_SIZES:
        (HERE / f"actlab-{size}.png").write_bytes(png(size))
        written.append(f"actlab-{size}.png")
    (HERE / "actlab.ico").write_bytes(ico_bytes({s: png(s) for s in ICO_SIZES}))
    (HERE / "actlab.icns").write_bytes(icns_bytes({s: png(s) for s in ICNS_TYPES}))
    written += ["actlab.ico", "actlab.icns"]
    print("wrote " + ", ".join(written) + f" in {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
