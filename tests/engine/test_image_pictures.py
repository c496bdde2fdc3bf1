"""The pictures an image lab shows: checked against the reference forward pass
(conv_analysis.feature_maps), a direct count for the confusion matrix, and the trainer."""
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.models.cnn_spec import ConvSpec, ImageNetSpec
from actlab.engine.analysis.conv import feature_maps
from actlab.engine.pictures.images import gallery_indices, layer_title, make_pictures
from actlab.engine.trainer import Trainer
from actlab.lab import ImageDataSpec, Lab, TrainingSpec


def _lab(conv, hidden=(), acts=()):
    return Lab(name="t", data=ImageDataSpec("shapes", size=12, per_class=12, seed=3),
               network=ImageNetSpec(conv=conv, hidden=hidden, activations=acts,
                                    n_classes=4, input_size=12),
               training=TrainingSpec(learning_rate=0.05, batch_size=8), seed=5)


@pytest.mark.parametrize("conv", [
    (ConvSpec(4, 3, "same", 1, "relu", "max"), ConvSpec(3, 3, "valid", 1, "tanh", "none")),
    (ConvSpec(2, 5, "valid", 2, "linear", "avg"),),
])
def test_maps_match_the_reference_forward_pass(conv):
    t = Trainer(_lab(conv, (5,), ("relu",)))
    t.train(1)
    pics = make_pictures(t, probe=4)
    ds = t.dataset
    specs = [{"activation": c.activation, "padding": c.padding, "stride": c.stride,
              "pool": c.pool} for c in conv]
    ref = feature_maps(t.network.get_params(), specs, "gap", ds.x_test[4], ("relu",))
    assert len(pics.layers) == len(conv)
    for got, want in zip(pics.layers, ref):
        np.testing.assert_allclose(got.pre, want.pre_activation, atol=1e-12)
        np.testing.assert_allclose(got.post, want.post_activation, atol=1e-12)
        np.testing.assert_allclose(got.pooled, want.pooled, atol=1e-12)
    np.testing.assert_array_equal(pics.image, ds.x_test[4, 0])
    assert pics.label == ds.y_test[4]
    np.testing.assert_allclose(pics.scores, t.predict_images(ds.x_test[4:5])[0])
    assert pics.scores.sum() == pytest.approx(1.0)
    for arr in (pics.image, pics.layers[0].kernels, pics.confusion, pics.gallery_images):
        assert not arr.flags.writeable


def test_gallery_and_confusion_agree_with_a_direct_count():
    t = Trainer(_lab((ConvSpec(4, 3, "same", 1, "relu", "none"),)))
    t.train(2)
    pics = make_pictures(t)
    ds = t.dataset
    pred = np.argmax(t.predict_images(ds.x_test), axis=1)
    M = np.zeros((4, 4), int)
    for a, b in zip(ds.y_test, pred):
        M[a, b] += 1
    np.testing.assert_array_equal(pics.confusion, M)
    np.testing.assert_array_equal(pics.gallery_pred, pred[pics.gallery])
    np.testing.assert_array_equal(pics.gallery_true, ds.y_test[pics.gallery])
    assert set(pics.gallery_true) == {0, 1, 2, 3}
    assert pics.class_names == ds.class_names


def test_predictions_follow_training():
    t = Trainer(_lab((ConvSpec(4, 3, "same", 1, "relu", "none"),)))
    _, before = t.predictions()
    t.train(3)
    _, after = t.predictions()
    direct = np.argmax(t.predict_images(t.dataset.x_test), axis=1)
    np.testing.assert_array_equal(after, direct)
    assert before.shape == after.shape


def test_gallery_takes_classes_in_turn_and_probe_is_clamped():
    labels = np.array([0] * 10 + [1] * 3 + [2] * 10)
    idx = gallery_indices(labels, 9)
    assert len(idx) == 9 and np.bincount(labels[idx]).tolist() == [3, 3, 3]
    assert len(gallery_indices(labels, 100)) == len(labels)
    t = Trainer(_lab((ConvSpec(2, 3, "same", 1, "relu", "none"),)))
    assert make_pictures(t, probe=10_000).probe == t.dataset.n_test - 1
    lab = _lab((ConvSpec(2, 3, "same", 1, "relu", "none"),))
    t = Trainer(replace(lab, data=replace(lab.data, train_fraction=1.0)))
    assert make_pictures(t).split == "train"
    with pytest.raises(ValueError):
        make_pictures(t, split="all")


def test_layer_title_names_everything():
    assert layer_title(0, ConvSpec(8, 3, "same", 2, "relu", "max")) == \
        "Convolution 1 · 8 filters 3×3 · ReLU · stride 2 · max pool"
    assert layer_title(1, ConvSpec(1, 5, "valid", 1, "linear", "none")) == \
        "Convolution 2 · 1 filter 5×5 · Linear"
