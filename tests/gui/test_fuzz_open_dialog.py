"""Fuzzed lab files through the window's File ▸ Open (pytest-qt, offscreen).

Every case -- a preset with random changes at random places, or random JSON -- is either
opened (the window's lab is the file's lab, and it trains a step) or refused with one
"Cannot open the lab" message of one printable line, the open lab unchanged; never an
exception in a slot.  The same mutations as tests/files/ (the loaders and the CLI).
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import sys

from hypothesis import given, settings, strategies as st

from actlab.gui import dialogs
from actlab.labfile.format import LabFileError, lab_to_dict, load_lab
from actlab.labfile.presets import load_preset, preset_names
from tests.files.fuzzing import FUZZ, JSON_VALUES, dump, mutated, one_clear_line, train_work

WAIT = 30_000
BASES = [lab_to_dict(load_preset(n)) for n in preset_names()]
DOCS = st.one_of(st.sampled_from(BASES).flatmap(lambda b: mutated(b)),
                 st.sampled_from(BASES).flatmap(lambda b: mutated(b, 6)),
                 JSON_VALUES.map(lambda v: {"format": "actlab", "version": 1, "data": v}))


def test_the_open_dialog_opens_or_refuses_clearly(qtbot, window, tmp_path, monkeypatch):
    w = window
    log = w.dialog_log
    path = tmp_path / "fuzz.actlab"
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(path))
    slot_errors = []
    monkeypatch.setattr(sys, "excepthook", lambda *e: slot_errors.append(e))
    outcomes = {"opened": 0, "refused": 0}

    @settings(FUZZ, max_examples=40)
    @given(doc=DOCS)
    def case(doc):
        path.write_text(dump(doc), encoding="utf-8", errors="surrogatepass")
        before, n_errors = w.lab, len(log["errors"])
        try:
            expected = load_lab(path)
        except LabFileError:
            expected = None
        w.acts.open.trigger()
        qtbot.wait(1)
        assert not slot_errors, slot_errors
        if expected is None:
            assert len(log["errors"]) == n_errors + 1
            title, message = log["errors"][-1]
            assert title == "Cannot open the lab"
            one_clear_line(message)
            assert w.lab == before  # nothing the student had is lost
            outcomes["refused"] += 1
            return
        assert len(log["errors"]) == n_errors, log["errors"][-1:]
        assert w.lab == expected
        outcomes["opened"] += 1
        if train_work(expected) <= 3_000_000:
            w.step()

            def stepped():  # a snapshot of this lab (not the last one's) after the step
                pub = w.training_thread.latest()
                return pub is not None and pub.generation == w._generation and (
                    pub.snapshot.epoch >= 1 or pub.snapshot.diverged or pub.snapshot.stopped)

            qtbot.waitUntil(stepped, timeout=WAIT)
            assert not slot_errors, slot_errors

    case()
    assert outcomes["opened"] and outcomes["refused"]  # both paths were exercised
