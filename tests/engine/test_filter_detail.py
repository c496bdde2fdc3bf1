"""The filter detail's arithmetic: each pixel's patch · kernel + bias is the engine's own
pre-activation value there (checked against the independent reference forward pass,
conv_analysis.feature_maps), for every pixel, padding, stride and layer."""
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.activations.lookup import get_activation
from actlab.engine.analysis.conv import feature_maps
from actlab.engine.analysis.filter_detail import (
    filter_detail, layer_inputs, pixel_sum, strongest_pixel)
from actlab.engine.models.cnn_spec import ConvSpec, ImageNetSpec
from actlab.engine.pictures.images import make_pictures
from actlab.engine.trainer import Trainer
from actlab.lab import ImageDataSpec, Lab, TrainingSpec

CONVS = [
    (ConvSpec(4, 3, "same", 1, "relu", "max"), ConvSpec(3, 3, "valid", 1, "tanh", "none")),
    (ConvSpec(2, 5, "valid", 2, "leaky_relu", "avg"), ConvSpec(2, 3, "same", 2, "elu", "none")),
    (ConvSpec(3, 7, "same", 1, "sigmoid", "none"),),
]


def _trained(conv):
    lab = Lab(name="t", data=ImageDataSpec("shapes", size=14, per_class=10, seed=3),
              network=ImageNetSpec(conv=conv, n_classes=4, input_size=14),
              training=TrainingSpec(learning_rate=0.05, batch_size=8), seed=5)
    t = Trainer(lab)
    t.train(2)
    return t


@pytest.mark.parametrize("conv", CONVS)
def test_every_pixels_sum_is_the_engines_pre_activation(conv):
    t = _trained(conv)
    pics = make_pictures(t, probe=3)
    specs = [{"activation": c.activation, "padding": c.padding, "stride": c.stride,
              "pool": c.pool} for c in conv]
    ref = feature_maps(t.network.get_params(), specs, "gap", t.dataset.x_test[3])
    spec = t.network.spec
    for layer, c in enumerate(conv):
        for f in range(c.filters):
            d = filter_detail(pics, spec, layer, f)
            np.testing.assert_allclose(d.pre, ref[layer].pre_activation[f], atol=1e-12)
            np.testing.assert_allclose(d.post, ref[layer].post_activation[f], atol=1e-12)
            h, w = d.pre.shape
            z = np.array([[pixel_sum(d, r, cc).z for cc in range(w)] for r in range(h)])
            np.testing.assert_allclose(z, ref[layer].pre_activation[f], atol=1e-12)
            ps = pixel_sum(d, h - 1, 0)
            assert ps.total + ps.bias == ps.z
            assert ps.channel_sums.sum() == pytest.approx(ps.total, abs=1e-12)
            assert ps.a == d.post[h - 1, 0]
        assert d.channels == (1 if layer == 0 else conv[layer - 1].filters)


def test_the_patch_shows_the_padding_as_zeros_outside_the_image():
    t = _trained((ConvSpec(2, 5, "same", 1, "relu", "none"),))
    d = filter_detail(make_pictures(t), t.network.spec, 0, 1)
    corner = pixel_sum(d, 0, 0)
    assert (corner.top, corner.left) == (-2, -2)
    # 5×5 centred on the corner: the first two rows and columns hang over the padding
    assert corner.inside.sum() == 9 and not corner.inside[:2].any() and not corner.inside[:, :2].any()
    np.testing.assert_array_equal(corner.patch[0, 2:, 2:], d.inputs[0, :3, :3])
    assert np.all(corner.patch[0][~corner.inside] == 0)
    middle = pixel_sum(d, 6, 7)
    assert middle.inside.all()
    np.testing.assert_array_equal(middle.patch[0], d.inputs[0, 4:9, 5:10])


def test_the_curve_is_the_layers_activation_over_the_maps_values():
    t = _trained(CONVS[0])
    pics = make_pictures(t)
    d = filter_detail(pics, t.network.spec, 1, 2)
    assert d.activation == "Tanh"
    np.testing.assert_allclose(d.curve_a, np.tanh(d.curve_z))
    assert d.curve_z[0] <= min(d.pre.min(), 0) and d.curve_z[-1] >= max(d.pre.max(), 0)
    np.testing.assert_array_equal(d.inputs, pics.layers[0].pooled)
    np.testing.assert_array_equal(layer_inputs(pics, 0)[0], pics.image)
    t2 = _trained(CONVS[1])
    leaky = filter_detail(make_pictures(t2), t2.network.spec, 0, 0)
    np.testing.assert_allclose(leaky.curve_a, get_activation("leaky_relu").value(leaky.curve_z))


def test_strongest_pixel_and_refusals():
    t = _trained(CONVS[2])
    pics = make_pictures(t)
    d = filter_detail(pics, t.network.spec, 0, 0)
    r, c = strongest_pixel(d)
    assert d.pre[r, c] == d.pre.max()
    with pytest.raises(ValueError, match="no filter 4"):
        filter_detail(pics, t.network.spec, 0, 3)
    with pytest.raises(ValueError, match="no convolution layer 2"):
        filter_detail(pics, t.network.spec, 1, 0)
    other = replace(t.network.spec, conv=(replace(t.network.spec.conv[0], kernel=3),))
    with pytest.raises(ValueError, match="another network"):
        filter_detail(pics, other, 0, 0)
    with pytest.raises(ValueError, match="outside the 14×14 map"):
        pixel_sum(d, 14, 0)
