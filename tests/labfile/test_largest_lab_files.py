"""The largest lab file of each kind the app can write must be one it can read: under
what load_lab reads (MAX_FILE_BYTES), and back equal, with the epochs done of its
10^7-epoch history.  The labs are full size (largest_labs.py; the figures are in
benchmarks/largest_lab_files.py).

The image lab's largest network (4 conv layers of 16 filters 7x7, "same" padding, no
pooling, flatten head, 2 dense layers of 256 units: 4.3 million weights) made a 98 MB
file that save_lab wrote and load_lab (then limited to 64 MB) refused.
"""
from __future__ import annotations

import os

import pytest

from actlab.engine.history import MAX_ROWS, epochs_done
from actlab.labfile.format import MAX_FILE_BYTES, load_lab, save_lab
from actlab.labfile.guide import MAX_EXPECT_EPOCHS

from largest_labs import largest_function_lab, largest_image_lab, largest_point_lab


@pytest.mark.parametrize("build", [
    pytest.param(lambda: largest_point_lab("regression"), id="points-regression"),
    pytest.param(lambda: largest_point_lab("classification"), id="points-classification"),
    pytest.param(largest_function_lab, id="functions"),
    pytest.param(largest_image_lab, id="images"),
])
def test_largest_lab_saves_under_the_read_limit_and_loads_back_equal(build, tmp_path):
    lab = build()
    assert len(lab.history["epoch"]) == MAX_ROWS
    assert epochs_done(lab.history) == MAX_EXPECT_EPOCHS
    path = tmp_path / "largest.actlab"
    save_lab(lab, path)
    size = os.path.getsize(path)
    assert size < MAX_FILE_BYTES, (f"{lab.kind}: the largest lab saves as "
                                   f"{size / 2**20:.1f} MB, over the "
                                   f"{MAX_FILE_BYTES / 2**20:.0f} MB load_lab reads")
    back = load_lab(path)
    assert back == lab
    assert epochs_done(back.history) == epochs_done(lab.history) == MAX_EXPECT_EPOCHS
