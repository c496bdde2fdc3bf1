"""Images a student drew (``ImageDataSpec.added``): appended to the training images (never
the test set) by every path that builds the data, saved in the lab file as rows of ink
levels and read back bit for bit, every bad field named by its path, and files without
drawings reading exactly as before."""
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from actlab.engine.data.build import image_data
from actlab.engine.data.images import ImageFileError, make_images, with_added
from actlab.engine.trainer import Trainer
from actlab.kinds.image_sources import load_lab_images
from actlab.lab import ImageDataSpec, Lab
from actlab.labfile.format import LabFileError, lab_from_dict, lab_to_dict, load_lab, save_lab
from actlab.engine.models.cnn_spec import ConvSpec, ImageNetSpec

LABS = Path(__file__).resolve().parents[2] / "resources" / "labs"


def drawing(side: int, seed: int) -> np.ndarray:
    """A random picture of whole ink levels (what the canvas produces)."""
    return np.random.default_rng(seed).integers(0, 256, (side, side)) / 255.0


def flat(img: np.ndarray) -> tuple:
    return tuple(img.reshape(-1).tolist())


def shapes_lab(added=(), size=12) -> Lab:
    net = ImageNetSpec(conv=(ConvSpec(3, 3, "same", 1, "relu", "max"),), n_classes=4,
                       input_size=size)
    return Lab(name="drawn", data=ImageDataSpec("shapes", size, 0.0, 4, 0.5, 3, added=added),
               network=net)


def test_drawings_are_appended_to_the_training_images_only():
    a, b = drawing(12, 1), drawing(12, 2)
    base = make_images("shapes", 12, 0.0, 4, 0.5, 3)
    data = with_added(base, ((3, flat(a)), (0, flat(b))))
    assert data.n_train == base.n_train + 2
    np.testing.assert_array_equal(data.x_train[:base.n_train], base.x_train)
    np.testing.assert_array_equal(data.x_train[-2, 0], a)
    np.testing.assert_array_equal(data.x_train[-1, 0], b)
    assert data.y_train[-2:].tolist() == [3, 0]
    np.testing.assert_array_equal(data.x_test, base.x_test)
    np.testing.assert_array_equal(data.y_test, base.y_test)
    assert "+2 drawn images" in data.summary
    assert with_added(base, ()) is base


def test_a_drawing_of_another_size_is_resampled_to_the_data_size():
    small = drawing(8, 5)
    data = with_added(make_images("bars", 16, 0.0, 2, 0.5, 1), ((1, flat(small)),))
    # 8 -> 16 px by area averaging repeats each pixel as a 2x2 block
    np.testing.assert_allclose(data.x_train[-1, 0], np.kron(small, np.ones((2, 2))))
    big = drawing(32, 6)
    data = with_added(make_images("bars", 16, 0.0, 2, 0.5, 1), ((0, flat(big)),))
    want = big.reshape(16, 2, 16, 2).mean(axis=(1, 3))  # each output pixel a 2x2 mean
    np.testing.assert_allclose(data.x_train[-1, 0], want, atol=1e-12)


@pytest.mark.parametrize("added, words", [
    (((4, flat(drawing(12, 1))),), "drawn image 1 is of class 4, but the data set has 4"),
    (((0, flat(drawing(12, 1))), (-1, flat(drawing(12, 1)))), "drawn image 2 is of class -1"),
    (((0, (0.5,) * 50),), "drawn image 1 has 50 pixels"),
    (((0, (1.5,) * 144),), "drawn image 1 has pixels outside 0..1"),
])
def test_bad_drawings_give_one_message(added, words):
    with pytest.raises(ValueError, match=words):
        with_added(make_images("shapes", 12, 0.0, 4, 0.5, 3), added)


def test_the_trainer_trains_on_the_drawings():
    a, b, c = drawing(12, 1), drawing(12, 2), drawing(8, 3)
    plain, lab = shapes_lab(), shapes_lab(((2, flat(a)), (1, flat(b)), (0, flat(c))))
    t0, t = Trainer(plain), Trainer(lab)
    assert t.dataset.n_train == t0.dataset.n_train + 3
    assert t.dataset.n_test == t0.dataset.n_test
    x = t.dataset.x_train[:, 0]
    assert any(np.array_equal(img, a) for img in x) and any(np.array_equal(img, b) for img in x)
    t.train(2)  # the drawings are real training examples: the epochs run on them
    assert len(t.history) == 2


def test_drawings_round_trip_through_the_file_bit_for_bit(tmp_path):
    added = ((2, flat(drawing(12, 1))), (0, flat(drawing(32, 2))), (3, flat(drawing(8, 9))))
    lab = shapes_lab(added)
    save_lab(lab, tmp_path / "d.actlab")
    back = load_lab(tmp_path / "d.actlab")
    assert back == lab and back.data.added == added
    for (l1, p1), (l2, p2) in zip(added, back.data.added):
        assert l1 == l2
        np.testing.assert_array_equal(np.array(p1), np.array(p2))
    np.testing.assert_array_equal(Trainer(back).dataset.x_train, Trainer(lab).dataset.x_train)
    raw = json.loads((tmp_path / "d.actlab").read_text())["data"]["added"]
    assert raw[0]["class"] == 2 and len(raw[1]["pixels"]) == 32
    assert np.array_equal(np.array(raw[0]["pixels"]), np.rint(drawing(12, 1) * 255))
    # compact: a 32x32 drawing is a few KB, not tens of KB of floats
    one = shapes_lab(((0, flat(drawing(32, 4))),))
    save_lab(one, tmp_path / "one.actlab")
    save_lab(shapes_lab(), tmp_path / "none.actlab")
    grown = (tmp_path / "one.actlab").stat().st_size - (tmp_path / "none.actlab").stat().st_size
    assert grown < 5000


def test_a_value_between_ink_levels_is_saved_as_the_nearest_level(tmp_path):
    lab = shapes_lab(((1, (0.31,) * 144),))  # 0.31 * 255 = 79.05
    save_lab(lab, tmp_path / "d.actlab")
    assert load_lab(tmp_path / "d.actlab").data.added == ((1, (79 / 255,) * 144),)


def _dict(n_added=3):
    added = tuple((i % 4, flat(drawing(12, i))) for i in range(n_added))
    return lab_to_dict(shapes_lab(added))


def _bad(change):
    d = _dict()
    change(d["data"]["added"])
    with pytest.raises(LabFileError) as e:
        lab_from_dict(d)
    return str(e.value)


@pytest.mark.parametrize("change, text", [
    (lambda a: a[2].update({"class": 7}),
     "data.added[2].class: 7 is not a class of this data set (0\u20133)"),
    (lambda a: a[1].update({"class": "circle"}), "data.added[1].class: must be an integer"),
    (lambda a: a[0].update({"pixels": a[0]["pixels"][:11]}),
     "data.added[0].pixels: 11 rows, 12 expected"),
    (lambda a: a[0]["pixels"][3].pop(), "data.added[0].pixels[3]: 11 pixels, but row 0 has 12"),
    (lambda a: a[1]["pixels"][3].__setitem__(5, 300),
     "data.added[1].pixels[3][5]: must be 0..255, got 300"),
    (lambda a: a[1]["pixels"][2].__setitem__(0, 0.5),
     "data.added[1].pixels[2][0]: must be an integer 0..255, got 0.5"),
    (lambda a: a[0].update({"pixels": [[0] * 4] * 4}),
     "data.added[0].pixels: rows of 4 pixels; a drawing is 8..32 pixels a side"),
    (lambda a: a[0].update({"pixels": "ff00"}), "data.added[0].pixels: must be a list"),
    (lambda a: a[0].pop("class"), "data.added[0].class: missing"),
    (lambda a: a[0].update({"label": 1}), "data.added[0].label: unknown field"),
    (lambda a: a.append(3), "data.added[3]: must be an object"),
])
def test_bad_added_fields_name_their_path(change, text):
    assert text in _bad(change)


def test_added_must_be_a_list_and_not_too_long():
    d = _dict()
    d["data"]["added"] = {"class": 0}
    with pytest.raises(LabFileError, match=r"data\.added: must be a list"):
        lab_from_dict(d)
    d["data"]["added"] = [{"class": 0, "pixels": [[0] * 8] * 8}] * 1001
    with pytest.raises(LabFileError, match=r"data\.added: 1001 drawn images, at most 1000"):
        lab_from_dict(d)


def test_files_without_drawings_load_as_before():
    for path in sorted(LABS.glob("*.actlab")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        lab = load_lab(path)
        assert raw["version"] in (1, 2)
        if lab.kind == "images":
            assert lab.data.added == ()
            assert lab_to_dict(lab)["data"] == raw["data"]  # no "added" key is written
        else:
            assert not hasattr(lab.data, "added")


def _npz(path, k=3):
    ds = make_images("shapes", 12, 0.0, 6, 0.5, 2)
    x = np.concatenate([ds.x_train, ds.x_test])[:, 0]
    y = np.concatenate([ds.y_train, ds.y_test])
    np.savez(path, images=x[y < k], labels=y[y < k])


def test_a_file_source_gets_its_drawings_too(tmp_path):
    _npz(tmp_path / "three.npz")
    a = drawing(12, 1)
    data = ImageDataSpec(size=12, seed=2, source=("npz", "three.npz"), added=((2, flat(a)),))
    lab = Lab(name="npz", data=data, network=ImageNetSpec())
    plain = image_data(replace(lab, data=replace(data, added=())), str(tmp_path))
    via_engine = image_data(lab, str(tmp_path))
    _, via_loader = load_lab_images(lab, tmp_path)
    for got in (via_engine, via_loader):
        assert got.n_train == plain.n_train + 1 and got.n_test == plain.n_test
        np.testing.assert_array_equal(got.x_train[-1, 0], a)
    # the file holds 3 classes: a drawing of class 3 (the reader allowed up to 10) is refused
    bad = replace(lab, data=replace(data, added=((3, flat(a)),)))
    with pytest.raises(ImageFileError, match=r"three\.npz: drawn image 1 is of class 3, but "
                                             r"the data set has 3 classes"):
        load_lab_images(bad, tmp_path)


def test_a_source_with_known_classes_checks_drawings_when_the_file_loads():
    lab = Lab(name="npz", data=ImageDataSpec(size=12, source=("npz", "x.npz"), classes=3),
              network=ImageNetSpec())
    d = lab_to_dict(lab)
    d["data"]["added"] = [{"class": 3, "pixels": [[0] * 8] * 8}]
    with pytest.raises(LabFileError, match=r"data\.added\[0\]\.class: 3 is not a class of "
                                           r"this data set \(0\u20132\)"):
        lab_from_dict(d)
