"""``actlab --self-test`` in-process, and the resources the packaged app depends on."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import re
import struct
import xml.etree.ElementTree as ET

import pytest

from actlab import __version__
from actlab.cli import selftest
from actlab.resources_path import resource_dir, resource_file, resources_root

PASS_LINE = re.compile(
    r"ActLab (?P<version>\S+) self-test passed: 30 epochs, "
    r"loss (?P<before>\d+\.\d\d)→(?P<after>\d+\.\d\d), 2 figures rendered "
    r"\(\d+\.\d s\)")
ICON_SIZES = (16, 32, 48, 64, 128, 256)


def test_self_test_passes_and_prints_one_line(capsys):
    assert selftest.run_self_test() == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    m = PASS_LINE.fullmatch(lines[0])
    assert m, lines[0]
    assert m["version"] == __version__
    assert float(m["after"]) < float(m["before"])


def test_self_test_failure_is_one_line(capsys, monkeypatch):
    monkeypatch.setattr(selftest, "PRESET", "no-such-preset")
    assert selftest.run_self_test() == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("ActLab self-test FAILED: ")
    assert "no-such-preset" in lines[0]


def test_preset_labs_are_reachable():
    labs = resource_dir("labs")
    assert labs.parent == resources_root()
    assert resource_file("labs", "circle-tanh.actlab").stat().st_size > 0
    assert len(list(labs.glob("*.actlab"))) >= 6


def _png_size(path):
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("size", ICON_SIZES)
def test_app_icon_pngs_are_reachable(size):
    assert _png_size(resource_file("icons", f"actlab-{size}.png")) == (size, size)


def test_app_icon_sources_are_reachable():
    svg = ET.parse(resource_file("icons", "actlab.svg")).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert resource_file("icons", "actlab.ico").read_bytes()[:4] == b"\0\0\1\0"
    assert resource_file("icons", "actlab.icns").read_bytes()[:4] == b"icns"


def test_desktop_integration_files():
    desktop = resource_file("actlab.desktop").read_text(encoding="utf-8")
    for line in ("Name=ActLab", "Exec=actlab %f", "Icon=actlab",
                 "MimeType=application/x-actlab;", "Categories=Education;Science;"):
        assert line in desktop.splitlines()
    mime = ET.parse(resource_file("actlab-mime.xml")).getroot()
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    kind = mime.find("m:mime-type", ns)
    assert kind.get("type") == "application/x-actlab"
    assert kind.find("m:glob", ns).get("pattern") == "*.actlab"
