"""Fuzzing lab files through the command line: ``actlab train FILE --epochs 2``.

A small number of examples (each is a fresh Python process): every mutated lab either
trains (exit 0, metrics written, no traceback) or is refused with exit status 2 and
exactly one line on stderr.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings, strategies as st

from tests.files.fuzzing import FUZZ, dump, event, mutated
from tests.files.test_fuzz_labfile import PRESETS

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
           OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")


def _train(folder: Path, content: str) -> subprocess.CompletedProcess:
    lab = folder / "fuzz.actlab"
    lab.write_bytes(content.encode("utf-8", "surrogatepass"))
    return subprocess.run([sys.executable, "-m", "actlab", "train", str(lab), "--epochs", "2",
                           "--out", str(folder / "out"), "--quiet"],
                          capture_output=True, text=True, errors="replace", env=ENV,
                          timeout=300)


@st.composite
def cli_case(draw):
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "ascii", "damaged"]))
    d = draw(mutated(PRESETS[draw(st.sampled_from(sorted(PRESETS)))], 2))
    if kind == "ascii":
        return json.dumps(d, ensure_ascii=True)
    text = dump(d)
    if kind == "damaged":
        cut = draw(st.integers(0, len(text)))
        return text[:cut] + draw(st.sampled_from(["", "}", "\x00", "\ud800", ",,"])) + text[cut:]
    return text


@settings(FUZZ, max_examples=20)
@given(content=cli_case())
def test_cli_trains_or_exits_2_with_one_line(tmp_path_factory, content):
    folder = tmp_path_factory.mktemp("cli")
    r = _train(folder, content)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode in (0, 2), (r.returncode, r.stderr)
    if r.returncode == 2:
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("actlab: error: "), r.stderr
        assert lines[0].isprintable()
        event("exit 2")
    else:
        assert (folder / "out" / "metrics.json").exists()
        event("exit 0, trained")
