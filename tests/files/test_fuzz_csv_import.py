"""Property-based fuzzing of CSV import.

Every file -- CSV-like text from a hostile alphabet, well-formed rows written in random
styles, random bytes -- is either imported (a one-line summary, the rows all there, and
the data saves in a lab, loads back equal and trains) or refused with one clear CsvError.
"""
from __future__ import annotations

import os

from hypothesis import given, settings, strategies as st

from tests.files.fuzzing import FUZZ, event, one_clear_line

CSV_ALPHABET = st.sampled_from(list("0123456789,;\t\n\r .-+eE\"'x1labc") +
                               ["nan", "inf", "1e6", "1e7", "\ufeff", "\x00", "\x1b[1m",
                                "\u2028", "é", "\ud800", ",,", "\n\n"])
CSV_TEXT = st.lists(CSV_ALPHABET, max_size=80).map("".join)


def _check_csv(folder, content: bytes | str) -> str:
    from actlab.engine.data.points_csv import CsvError, import_csv
    from actlab.engine.trainer import Trainer
    from actlab.lab import Lab
    from actlab.labfile.format import load_lab, save_lab
    path = os.path.join(folder, "points.csv")
    with open(path, "wb") as f:
        f.write(content if isinstance(content, bytes)
                else content.encode("utf-8", "surrogatepass"))
    try:
        result = import_csv(path)
    except CsvError as e:
        one_clear_line(str(e))
        event("refused: " + e.reason.split(":")[0][:30])
        return "refused"
    one_clear_line(result.summary)
    lab = Lab(data=result.data)
    save_lab(lab, os.path.join(folder, "imported.actlab"))
    assert load_lab(os.path.join(folder, "imported.actlab")) == lab
    Trainer(lab).train(1)
    event("accepted" + (" with a warning" if result.warnings else ""))
    return "accepted"


@settings(FUZZ, max_examples=150)
@given(text=CSV_TEXT)
def test_csv_like_text_imports_or_fails_clearly(tmp_path_factory, text):
    _check_csv(tmp_path_factory.mktemp("csv"), text)


NUMBER = st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False))
LABEL = st.one_of(st.integers(0, 5), st.integers(-1, 1), st.integers(0, 300),
                  st.floats(-10, 10, allow_nan=False), st.sampled_from(["cat", "dog", "bird"]))


@settings(FUZZ, max_examples=100)
@given(rows=st.lists(st.tuples(NUMBER, NUMBER, LABEL), min_size=1, max_size=40),
       sep=st.sampled_from([",", ";", "\t", ", ", " ; "]), header=st.booleans(),
       newline=st.sampled_from(["\n", "\r\n", "\r"]), bom=st.booleans())
def test_well_formed_rows_are_all_imported(tmp_path_factory, rows, sep, header, newline, bom):
    kinds = {type(label) is str for _, _, label in rows}
    lines = ([sep.join(["x1", "x2", "label"])] if header else []) + \
        [sep.join(repr(v) if isinstance(v, float) else str(v) for v in row) for row in rows]
    text = ("\ufeff" if bom else "") + newline.join(lines) + newline
    folder = tmp_path_factory.mktemp("csv")
    outcome = _check_csv(folder, text)
    if len(kinds) == 1:  # all text labels or all numbers: a valid file
        assert outcome == "accepted"
        from actlab.engine.data.points_csv import load_csv
        data = load_csv(os.path.join(folder, "points.csv"))
        assert len(data.train_points) + len(data.test_points) == len(rows)


@settings(FUZZ, max_examples=50)
@given(data=st.binary(max_size=300))
def test_random_bytes_import_or_fail_clearly(tmp_path_factory, data):
    _check_csv(tmp_path_factory.mktemp("csv"), data)
