"""CSV import: good files of every accepted form, and a clear error for each bad one."""
from __future__ import annotations

import os

import numpy as np
import pytest

from actlab.engine.data import points_csv as csv_import
from actlab.engine.data.points_csv import CsvError, import_csv, load_csv, parse_csv_text
from actlab.engine.data.build import build_dataset


def write(tmp_path, text, name="points.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


# ------------------------------------------------------------------------ good files

def test_header_and_binary_labels(tmp_path):
    path = write(tmp_path, "x1,x2,label\n1,2,0\n-1.5,0.25,1\n3e-1, -4 ,1\n")
    X, y, problem, names = parse_csv_text(path.read_text())
    np.testing.assert_array_equal(X, [[1, 2], [-1.5, 0.25], [0.3, -4]])
    np.testing.assert_array_equal(y, [0, 1, 1])
    assert problem == "classification" and names is None
    assert X.dtype == y.dtype == np.float64


def test_no_header_blank_lines_bom_crlf_and_trailing_comma():
    text = "\ufeff\r\n1,2,0\r\n\r\n  \r\n3,4,2,\r\n,,\r\n5,6,1\r\n"
    X, y, problem, names = parse_csv_text(text)
    assert X.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert y.tolist() == [0, 2, 1] and problem == "classification"


def test_class_names_are_sorted_unique():
    X, y, problem, names = parse_csv_text('x,y,kind\n0,0,dog\n1,1,"cat"\n2,2,dog\n3,3,bird\n')
    assert problem == "classification"
    assert names == ("bird", "cat", "dog")
    assert y.tolist() == [2, 1, 2, 0]


def test_float_labels_mean_regression():
    X, y, problem, names = parse_csv_text("1,2,0.5\n3,4,-1.25\n5,6,2\n")
    assert problem == "regression" and names is None
    assert y.tolist() == [0.5, -1.25, 2]


def test_large_integer_labels_mean_regression_unless_forced():
    text = "1,2,10\n3,4,20\n"
    assert parse_csv_text(text)[2] == "regression"
    with pytest.raises(CsvError, match=r"line 1: too many classes \(21\); at most 6"):
        parse_csv_text(text, problem="classification")


def test_playground_minus_one_plus_one_labels_become_zero_one():
    X, y, problem, names = parse_csv_text("1,2,-1\n3,4,1\n5,6,1\n")
    assert problem == "classification" and y.tolist() == [0, 1, 1]


def test_forcing_the_problem():
    assert parse_csv_text("1,2,0\n3,4,1\n", problem="regression")[2] == "regression"
    assert parse_csv_text("1,2,0.0\n3,4,3.0\n", problem="classification")[1].tolist() == [0, 3]


def test_semicolon_and_tab_delimiters():
    X, y, problem, _ = parse_csv_text("x1;x2;label\n1.5;2;1\n-3;4.25;0\n")
    assert X.tolist() == [[1.5, 2], [-3, 4.25]] and y.tolist() == [1, 0]
    X, y, problem, _ = parse_csv_text("x1\tx2\tlabel\n1\t2\t0.5\n3\t4\t0.25\n")
    assert X.tolist() == [[1, 2], [3, 4]] and problem == "regression"


def test_load_csv_builds_a_custom_spec(tmp_path):
    rows = "".join(f"{i / 10},{-i / 10},{'a' if i % 3 else 'b'}\n" for i in range(20))
    path = write(tmp_path, "x1,x2,label\n" + rows)
    spec = load_csv(path, train_fraction=0.75, seed=4)
    assert spec.generator == "custom" and spec.n_points == 20 and spec.seed == 4
    assert spec.problem == "classification" and spec.class_names == ("a", "b")
    assert len(spec.train_points) == 15 and len(spec.test_points) == 5
    assert sorted(spec.train_points + spec.test_points) == sorted(
        (i / 10, -i / 10, 0.0 if i % 3 else 1.0) for i in range(20))
    assert load_csv(path, train_fraction=0.75, seed=4) == spec  # seeded split
    ds = build_dataset(spec)
    assert ds.n_classes == 2 and ds.n_train == 15 and ds.class_names == ("a", "b")


def test_load_csv_regression_with_bom_file(tmp_path):
    path = write(tmp_path, "\ufeffx1,x2,y\n0,0,0.1\n1,1,0.2\n2,2,0.3\n", encoding="utf-8")
    spec = load_csv(path, train_fraction=1.0)
    assert spec.problem == "regression" and len(spec.test_points) == 0
    assert build_dataset(spec).n_classes == 0


# ------------------------------------------------------------------------- bad files

@pytest.mark.parametrize("text, line, message", [
    ("x1,x2,label\n1,2,0\n3,4\n", 3, "line 3: expected 3 columns (x1,x2,label), got 2"),
    ("1,2,0\n1,2,3,4\n", 2, "line 2: expected 3 columns (x1,x2,label), got 4"),
    ("1,2,0\n\n1,abc,1\n", 3, "line 3: x2 is not a number: 'abc'"),
    ("1,2,0\nfoo,2,1\n", 2, "line 2: x1 is not a number: 'foo'"),
    ("1,2,0\n1,,1\n", 2, "line 2: x2 is empty"),
    ("1,2,0\n1,2,\n", 2, "line 2: label is empty"),
    ("1,2,0\n5,nan,1\n", 2, "line 2: x2 must be a finite number, got 'nan'"),
    ("1,2,0\n-inf,1,1\n", 2, "line 2: x1 must be a finite number, got '-inf'"),
    ("1,2,0.5\n1,2,inf\n", 2, "line 2: label must be a finite number, got 'inf'"),
    ("1,2,0\n3,2e7,1\n", 2, "line 2: value out of range (|x| must be ≤ 1e6): '2e7'"),
    ("x1;x2;label\n1,5;2;0\n", 2, "line 2: x1 is not a number: '1,5' (use a dot as the decimal point)"),
])
def test_bad_rows_name_their_line(text, line, message):
    with pytest.raises(CsvError) as info:
        parse_csv_text(text)
    assert info.value.line == line
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


def test_no_data_rows():
    for text in ("", "\n\n  \n", "x1,x2,label\n", "\ufeff"):
        with pytest.raises(CsvError, match="^no data rows$") as info:
            parse_csv_text(text)
        assert info.value.line is None


def test_too_many_classes_names_the_first_extra_one():
    text = "".join(f"{i},{i},class{i}\n" for i in range(9))
    with pytest.raises(CsvError) as info:
        parse_csv_text(text)
    assert str(info.value) == "line 7: too many classes (9); at most 6"
    assert info.value.line == 7


def test_bad_class_labels_when_forced():
    with pytest.raises(CsvError, match=r"line 2: class label must be a whole number.*'0.5'"):
        parse_csv_text("1,2,0\n3,4,0.5\n", problem="classification")
    with pytest.raises(CsvError, match=r"line 2: class label must be a whole number.*'-2'"):
        parse_csv_text("1,2,0\n3,4,-2\n", problem="classification")


def test_text_labels_cannot_be_regression():
    with pytest.raises(CsvError, match=r"line 3: label is not a number: 'big'") as info:
        parse_csv_text("x1,x2,y\n1,2,0.5\n3,4,big\n", problem="regression")
    assert info.value.line == 3


def test_too_many_rows():
    text = "1,2,0\n" * 100_001
    with pytest.raises(CsvError, match="line 100001: too many rows; at most 100000"):
        parse_csv_text(text)
    assert parse_csv_text(text[: 6 * 100_000])[0].shape == (100_000, 2)


def test_unknown_problem_argument():
    with pytest.raises(ValueError, match="problem must be"):
        parse_csv_text("1,2,0\n", problem="clustering")


def test_file_not_found(tmp_path):
    with pytest.raises(CsvError, match="^file not found") as info:
        load_csv(tmp_path / "missing.csv")
    assert info.value.line is None


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(CsvError, match="folder"):
        load_csv(tmp_path)


def test_not_utf8_names_the_line(tmp_path):
    path = write(tmp_path, "x1,x2,label\n1,2,0\n1,2,caf\xe9\n".encode("latin-1"))
    with pytest.raises(CsvError, match="^line 3: not UTF-8 text") as info:
        load_csv(path)
    assert info.value.line == 3


def test_binary_file(tmp_path):
    path = write(tmp_path, b"\x00\x01\x02,3,4\n")
    with pytest.raises(CsvError, match="not a text file"):
        load_csv(path)


def test_bad_file_error_from_load_csv_names_the_line(tmp_path):
    path = write(tmp_path, "x1,x2,label\n" + "1,2,0\n" * 5 + "1,2\n")
    with pytest.raises(CsvError, match=r"^line 7: expected 3 columns \(x1,x2,label\), got 2$"):
        load_csv(path)


# ------------------------------------------------------------------------ what was understood

def _import(tmp_path, text, **kw):
    return import_csv(write(tmp_path, text), **kw)


def test_semicolons_with_a_letter_header_give_every_point_and_say_so(tmp_path):
    # Reported: header "a;b;c" over 300 rows was taken for 2 points.
    rows = "".join(f"{i / 10};{-i / 7};{i % 2}\n" for i in range(300))
    result = _import(tmp_path, "a;b;c\n" + rows)
    assert len(result.data.train_points) + len(result.data.test_points) == 300
    assert result.separator == ";" and result.warnings == ()
    assert result.summary == "300 points, 2 classes (0, 1): classification " \
                             "(columns separated by ';')"


def test_mixed_separators_are_refused_naming_both(tmp_path):
    with pytest.raises(CsvError) as info:
        _import(tmp_path, "a;b;c\n1;2;0\n3;4;1\n5,6,1\n")
    assert str(info.value) == ("line 4: expected 3 columns (x1,x2,label) separated by ';', got 1 "
                               "(this line looks separated by ',', the file by ';')")


@pytest.mark.parametrize("rows, summary, warned", [
    ([f"{i},{i},{i % 2}" for i in range(300)], "300 points, 2 classes (0, 1): classification", False),
    ([f"{i},{i},{i}" for i in range(200)],
     "200 points, labels look like whole numbers 0..199, more than 6 classes: treated as "
     "regression targets", True),
    ([f"{i},{i},1" for i in range(40)],
     "40 points, all with label 1: one class only, a classifier needs two", True),
    (["1,2,0"], "1 point, label 0: one class only, a classifier needs two; too few points "
                "to train and test on", True),
    ([f"{i},{i},{(-1) ** i}" for i in range(10)],
     "10 points, labels -1 and 1 read as classes 0 and 1: classification", False),
    ([f"{i},{i},{i / 4}" for i in range(9)], "9 points, targets 0 to 2: regression", False),
    ([f"{i},{i},{'cat dog bird'.split()[i % 3]}" for i in range(9)],
     "9 points, 3 classes (bird, cat, dog): classification", False),
    ([f"{i},{i},{2 * (i % 2)}" for i in range(8)],
     "8 points, 3 classes (0, 1, 2): classification; no points of class 1", True),
    ([f"{i},{i},3.5" for i in range(8)],
     "8 points, targets 3.5 to 3.5: regression; every target is 3.5: nothing to learn", True),
])
def test_the_import_says_what_it_understood(tmp_path, rows, summary, warned):
    result = _import(tmp_path, "\n".join(rows) + "\n")
    assert result.summary == summary
    assert bool(result.warnings) == warned
    assert all(w in result.summary for w in result.warnings)
    assert result.data == load_csv(tmp_path / "points.csv")  # the old API: same data


def test_a_one_row_csv_can_be_saved_as_a_lab(tmp_path):
    from actlab.lab import Lab
    from actlab.labfile.format import load_lab, save_lab
    lab = Lab(data=_import(tmp_path, "1,2,0\n").data)
    save_lab(lab, tmp_path / "one.actlab")  # was: data.n_points: must be 2..100000, got 1
    assert load_lab(tmp_path / "one.actlab") == lab


# ------------------------------------------------------------------------ hostile files

@pytest.mark.parametrize("text", ["1,2,0\n1,2,\x1b[2J\x1b[31mred\n3,4,x\n" * 2,
                                  "1,2,0\n1,2\n\x1b[0m,1\n", "1,\n2\u2028,0\n"])
def test_errors_and_summaries_are_one_printable_line(tmp_path, text):
    try:
        message = _import(tmp_path, text, problem="regression").summary
    except CsvError as e:
        message = str(e)
    assert message.isprintable() and "\x1b" not in message


def test_a_huge_cell_is_a_clear_error_not_a_csv_module_crash(tmp_path):
    with pytest.raises(CsvError, match=r"^line 2: cannot read this line as CSV"):
        _import(tmp_path, "1,2,0\n" + "1" * 200_000 + ",2,0\n")
    with pytest.raises(CsvError) as info:
        _import(tmp_path, "1,2,0\n" + "y" * 100_000 + ",2,0\n")
    assert len(str(info.value)) < 120


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "points.csv")
    with pytest.raises(CsvError, match="not a regular file"):
        load_csv(tmp_path / "points.csv")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_an_endless_device_is_refused():
    with pytest.raises(CsvError, match="not a regular file"):
        load_csv("/dev/zero")


def test_a_file_above_the_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_FILE_BYTES", 100)
    with pytest.raises(CsvError, match="file is too large"):
        load_csv(write(tmp_path, "1,2,0\n" * 20))
