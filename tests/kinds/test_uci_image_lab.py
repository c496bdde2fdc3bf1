"""Choosing the real UCI digits in the Data panel (``image_lab_for``) gives a lab that
can be built: at their native 8 px from a point lab, and never more images of a class
than the smallest class has (174), whatever the lab before asked for."""
from dataclasses import replace

from actlab.engine.data.build import build_dataset
from actlab.kinds.images import image_lab_for
from actlab.labfile.presets import load_preset


def test_from_a_point_lab_the_digits_come_at_8_px():
    lab = image_lab_for("uci_digits", load_preset("circle-tanh"))
    assert lab.data.size == 8 and lab.network.input_size == 8 and lab.network.n_classes == 10
    data = build_dataset(lab.data)
    assert data.size == 8 and data.n_classes == 10


def test_from_an_image_lab_of_many_images_per_class_at_most_174():
    old = load_preset("images-digits")
    old = replace(old, data=replace(old.data, per_class=500))
    lab = image_lab_for("uci_digits_inverted", old)
    assert lab.data.per_class == 174 and lab.data.size == old.data.size
    data = build_dataset(lab.data)
    assert data.n_train + data.n_test == 1740
    # a drawn data set keeps the count asked for
    assert image_lab_for("bars", old).data.per_class == 500
