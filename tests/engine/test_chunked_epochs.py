"""Image-lab epochs in steps (Trainer.train_steps): the same run bit for bit as whole
epochs, an epoch stopped part way resumes with the same minibatch order, and in between
the numbers come from a fixed, named subsample."""
from dataclasses import replace

import numpy as np
import pytest

from actlab.engine.models.cnn_program import ConvEvaluation
from actlab.engine.pictures.images import GALLERY, gallery_indices, make_pictures
from actlab.engine.display_sample import SAMPLE_IMAGES
from actlab.engine.trainer import Trainer
from actlab.labfile.presets import load_preset

PRESETS = ("images-digits", "images-shapes-need-nonlinearity", "images-two-3x3-are-one-5x5")


def lab_of(name, **training):
    lab = load_preset(name)
    return replace(lab, training=replace(lab.training, stop_after=None, **training))


def big_lab(per_class=5000):
    """10,000 bar images of 8 px: an epoch of 313 minibatches that is cheap to build."""
    lab = load_preset("images-linear-cnn-counts-ink")
    return replace(lab, data=replace(lab.data, size=8, per_class=per_class),
                   training=replace(lab.training, stop_after=None))


def same_params(p, q) -> bool:
    return len(p) == len(q) and all(np.array_equal(W, V) and np.array_equal(b, c)
                                    for (W, b), (V, c) in zip(p, q))


def same_run(a: Trainer, b: Trainer) -> bool:
    return (a.history.to_dict() == b.history.to_dict()
            and same_params(a.to_lab().params, b.to_lab().params)
            and np.array_equal(a.gradients.epochs(), b.gradients.epochs())
            and np.array_equal(a.gradients.norms(), b.gradients.norms()))


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("steps", [1, 3, 7])
def test_steps_give_the_epochs_of_train_bit_for_bit(name, steps):
    """Whatever the step size, and with the window's snapshot and pictures made between
    steps (forward passes on the same network), the history, the gradient record and the
    weights are those of whole epochs."""
    whole = Trainer(lab_of(name))
    whole.train(3)
    stepped = Trainer(lab_of(name))
    seen_part_way = False
    while stepped.epoch < 3:
        assert stepped.train_steps(steps) >= 1
        if stepped.progress:
            seen_part_way = True
            snap = stepped.snapshot(None)
            assert 0 < snap.progress < 1  # (a small set's "sample" is all of it)
            assert snap.sample is None or snap.sample[1] < stepped.dataset.n_test
            make_pictures(stepped, 3, "test")
    assert seen_part_way
    assert stepped.epoch == 3 or stepped.progress  # may have begun epoch 4
    assert same_run(whole, stepped)
    # and on to the end of the epoch under way: the weights of 4 whole epochs
    stepped.train_epoch()
    whole.train(1)
    assert np.array_equal(whole.network.flat, stepped.network.flat)
    assert same_run(whole, stepped)


def test_an_epoch_paused_part_way_resumes_with_the_same_minibatch_order():
    lab = big_lab()
    ref = Trainer(lab)
    ref.train(1)
    t = Trainer(lab)
    assert t.steps_per_epoch == 313
    done = t.train_steps(60)  # the starting loss in pieces, then some minibatches
    assert done == 60 and t.epoch == 0 and 0 < t.progress < 1
    # paused part way: the run reports a partial epoch, and what it would save is the
    # epoch's start (the weights its empty history goes with), not the weights so far
    snap = t.snapshot(None)
    assert snap.epoch == 0 and 0 < snap.progress < 1
    assert not np.array_equal(t.network.flat, t._good)
    start = Trainer(lab).network.get_params()
    assert same_params(t.to_lab().params, start) and t.to_lab().history == \
        Trainer(lab).to_lab().history
    # resumed (in other step sizes), it ends the same epoch as the unpaused run
    before = t.progress
    t.train_steps(5)
    assert t.progress > before and t.epoch == 0
    while t.epoch < 1:
        t.train_steps(100, to_epoch_end=True)
    assert t.progress == 0.0
    assert np.array_equal(t.network.flat, ref.network.flat)
    assert same_run(ref, t)


def test_to_epoch_end_stops_where_an_epoch_ends():
    t = Trainer(lab_of("images-shapes-need-nonlinearity"))
    t.train_steps(2)
    assert t.progress
    t.train_steps(10_000, to_epoch_end=True)
    assert t.epoch == 1 and t.progress == 0.0
    t.train_steps(10_000, to_epoch_end=True)
    assert t.epoch == 2 and t.progress == 0.0


def test_stop_after_and_train_count_whole_epochs():
    t = Trainer(replace(lab_of("images-shapes-need-nonlinearity"),
                        training=replace(lab_of("images-shapes-need-nonlinearity").training,
                                         stop_after=2)))
    assert t.train_steps(10_000) > 2 and t.epoch == 2 and t.finished
    assert t.train_steps(5) == 0


def test_a_new_batch_size_mid_epoch_waits_for_the_next_epoch():
    """A setting that needs a new program applies where the epoch ends (as between whole
    epochs); the learning rate applies at once."""
    lab = lab_of("images-digits")
    spec = replace(lab.training, batch_size=8)
    ref = Trainer(lab)
    ref.train(2)
    ref.set_training(spec)
    ref.train(1)
    t = Trainer(lab)
    t.train(1)
    t.train_steps(3)  # three minibatches of epoch 2
    assert t.progress
    t.set_training(spec)
    assert t.training.batch_size == lab.training.batch_size  # not yet
    while t.epoch < 3:
        t.train_steps(3)
    assert t.training.batch_size == 8
    assert same_run(ref, t)


def test_the_display_subsample_is_fixed_named_and_holds_the_gallery():
    t = Trainer(big_lab())
    t.train_steps(50)
    snap = t.snapshot(None)
    row, (itr, tp), (ite, vp) = t.sample_evaluation()
    assert snap.sample == (len(itr), len(ite))
    assert SAMPLE_IMAGES <= len(ite) <= SAMPLE_IMAGES + GALLERY
    assert np.all(np.diff(ite) > 0) and set(gallery_indices(t.dataset.y_test)) <= set(ite)
    # the numbers are those of the subsample's images, measured afresh
    ds = t.dataset
    ref = ConvEvaluation(t.network, ds.x_train[itr], ds.y_train[itr], ds.x_test[ite],
                         ds.y_test[ite]).run()
    assert np.array_equal(row, ref)
    assert (snap.train_loss, snap.test_accuracy) == (ref[0], ref[3])
    t.train_steps(3)
    _, (itr2, _), (ite2, vp) = t.sample_evaluation()
    assert np.array_equal(itr, itr2) and np.array_equal(ite, ite2)
    # the pictures: the gallery's answers from the subsample, the confusion counted on it
    pics = make_pictures(t)
    assert pics.counted == len(ite) and int(pics.confusion.sum()) == len(ite)
    at = np.searchsorted(ite, pics.gallery)
    assert np.array_equal(pics.gallery_pred, vp[at])
    # between epochs: every image again, the history's values
    t.train_steps(10_000, to_epoch_end=True)
    snap = t.snapshot(None)
    assert snap.sample is None and snap.progress == 0.0
    assert snap.test_loss == t.history.last()["test_loss"]
    pics = make_pictures(t)
    assert pics.counted is None and int(pics.confusion.sum()) == ds.n_test


def test_a_large_set_stops_within_one_step():
    """Paused between steps: one step of a 10,000-image epoch is one minibatch (or one
    chunk of the evaluation), never the rest of the epoch."""
    t = Trainer(big_lab())
    last = 0.0
    for _ in range(60):  # the starting loss (40 chunks of 256 images), then minibatches
        assert t.train_steps(1) == 1
        assert t.epoch == 0 and last <= t.progress < last + 0.01
        last = t.progress


def test_the_evaluation_in_steps_is_the_evaluation():
    t = Trainer(big_lab(per_class=700))
    ev = t._evaluation
    assert ev.n_steps == -(-700 // t.network.chunk) * 2
    work, n = ev.steps(), 0
    while True:
        try:
            next(work)
            n += 1
            t.network.forward_maps(t.dataset.x_test[0])  # other passes in between
        except StopIteration as done:
            row = done.value
            break
    assert n + 1 == ev.n_steps
    assert np.array_equal(row, ev.run())


def test_a_diverging_run_in_steps_diverges_as_in_whole_epochs():
    lab = load_preset("images-linear-cnn-counts-ink")  # linear: blows up
    lab = replace(lab, data=replace(lab.data, per_class=12), training=replace(
        lab.training, optimizer="sgd", learning_rate=10.0, stop_after=None))
    whole = Trainer(lab)
    whole.train(30)
    assert whole.diverged
    stepped = Trainer(lab)
    while stepped.train_steps(2):
        pass
    assert stepped.diverged == whole.diverged
    assert same_run(whole, stepped)


def test_the_first_picture_of_a_large_lab_needs_no_whole_evaluation():
    """Before the first epoch a large image lab is measured on the subsample (its whole
    evaluation is part of the first epoch's steps); a small one's subsample is all of it,
    the numbers those of the whole evaluation."""
    t = Trainer(big_lab())

    def whole():
        raise AssertionError("a whole evaluation before the first epoch")

    t._evaluation.run = whole
    snap = t.snapshot(None)
    assert snap.epoch == 0 and snap.progress == 0 and snap.sample is not None
    pics = make_pictures(t)
    assert pics.counted == snap.sample[1]
    small = Trainer(lab_of("images-shapes-need-nonlinearity"))
    snap = small.snapshot(None)
    assert snap.sample is None and make_pictures(small).counted is None
    assert [snap.train_loss, snap.test_loss, snap.train_accuracy, snap.test_accuracy] \
        == list(small.evaluate().values())
