"""Image labs in the window: the Labs menu lists them, opening one swaps the columns,
training draws the probed image's pictures, probing follows a click, the toolbar's
activation menu and the network edits reach the engine, and saving writes an image lab
that loads back.  Point labs come back when one is opened."""
import numpy as np

from actlab.engine.analysis.conv import feature_maps
from actlab.labfile.format import load_lab, save_lab
from actlab.labfile.presets import load_preset, preset_names

WAIT = 60_000  # ms: generous, for a busy machine; every wait is on state, never a sleep


def _labs_menu_names(window):
    window.menus.labs.aboutToShow.emit()  # the menu fills itself when it is about to show
    return [a.objectName() for a in window.menus.labs.actions() if a.objectName()]


def _open(window, qtbot, name="images-linear-cnn-counts-ink"):
    assert window.open_preset(name)
    qtbot.waitUntil(lambda: (p := window.training_thread.latest()) is not None
                    and p.generation == window._generation
                    and window.workspace.pictures() is not None, timeout=WAIT)


def test_labs_menu_lists_point_function_and_image_presets_under_headings(window):
    names = _labs_menu_names(window)
    # every bundled preset, by kind: from the plane to a curve to pictures
    assert names == [f"preset_{n}" for n in preset_names("points") + preset_names("functions")
                     + preset_names("images")]
    assert preset_names("functions")
    sections = [a.text() for a in window.menus.labs.actions() if a.isSeparator() and a.text()]
    assert sections == ["Point labs (2-D data)", "Function labs (fit a curve y = f(x))",
                        "Image labs (convolutional networks)"]


def test_opening_an_image_preset_swaps_every_column_and_back(window, qtbot):
    _open(window, qtbot)
    assert window.lab.kind == "images" and window.dialog_log["errors"] == []
    assert window.network_stack.currentWidget() is window.workspaces["images"].network_view
    assert window.output_stack.currentWidget().widget() is window.workspaces["images"].output
    assert window.data_stack.currentIndex() == 1
    # a column title, upper-case like DATA and OUTPUT (a switch used to lose the case)
    assert window.layout_.network_label.text() == "CONVOLUTIONS AND HEAD"
    assert not window.acts.import_csv.isEnabled()
    assert window.windowTitle().startswith("A linear CNN")
    assert window.open_preset("xor-needs-nonlinearity")
    assert window.network_stack.currentWidget() is window.network_view
    assert window.output_stack.currentWidget().widget() is window.output
    assert window.layout_.network_label.text() == "HIDDEN LAYERS"
    assert window.acts.import_csv.isEnabled()


def test_training_draws_the_probed_images_maps_and_probing_follows(window, qtbot):
    _open(window, qtbot)
    window.play()
    qtbot.waitUntil(lambda: window.training_thread.latest().snapshot.epoch >= 2, timeout=WAIT)
    window.pause()
    qtbot.waitUntil(lambda: not window._playing, timeout=WAIT)
    window.workspace_for("images").probe("test", 7)
    qtbot.waitUntil(lambda: window.workspace.pictures().probe == 7, timeout=WAIT)
    pics = window.workspace.pictures()
    snap = window.training_thread.latest().snapshot
    assert pics is snap.pictures and window.epoch_label.text() == f"{snap.epoch:07,d}"
    # the maps drawn are the reference forward pass of the probed image with the weights
    # of the snapshot (independent code: conv_reference)
    net = window.lab.network
    specs = [{"activation": c.activation, "padding": c.padding, "stride": c.stride,
              "pool": c.pool} for c in net.conv]
    ref = feature_maps(snap.params, specs, net.head, window.dataset.x_test[7],
                       net.activations)
    for got, want in zip(pics.layers, ref):
        np.testing.assert_allclose(got.post, want.post_activation, atol=1e-10)
    assert pics.label == window.dataset.y_test[7]


def test_toolbar_activation_sets_every_layer_and_resets(window, qtbot):
    _open(window, qtbot)
    combo = window.controls.activation
    assert combo.currentData() == "linear" and combo.isEnabled()
    combo.setCurrentIndex(combo.findData("relu"))
    assert set(window.lab.network.activation_names()) == {"relu"}
    qtbot.waitUntil(lambda: window.training_thread.latest().generation == window._generation,
                    timeout=WAIT)
    assert window.training_thread.latest().snapshot.epoch == 0
    assert "Network changed" in window.statusBar().currentMessage()
    assert not window.controls.problem.isEnabled()


def test_builder_edit_reaches_the_engine(window, qtbot):
    from dataclasses import replace
    _open(window, qtbot)
    net = window.lab.network
    wider = replace(net, conv=(replace(net.conv[0], filters=3), *net.conv[1:]))
    window.workspaces["images"].network_view.architectureChanged.emit(wider)
    assert window.lab.network.conv[0].filters == 3
    qtbot.waitUntil(lambda: window.training_thread.latest().generation == window._generation
                    and window.workspace.pictures() is not None
                    and window.workspace.pictures().layers[0].kernels.shape[0] == 3,
                    timeout=WAIT)


def test_save_and_open_an_image_lab(window, qtbot, tmp_path):
    _open(window, qtbot, "images-two-3x3-are-one-5x5")
    window.play()
    qtbot.waitUntil(lambda: window.training_thread.latest().snapshot.epoch >= 1, timeout=WAIT)
    window.pause()
    qtbot.waitUntil(lambda: not window._playing, timeout=WAIT)
    path = tmp_path / "stripes.actlab"
    assert window.files.save_to(str(path))
    saved = load_lab(path)
    assert saved.kind == "images" and saved.network == window.lab.network
    epochs = len(saved.history["epoch"])
    assert epochs >= 1
    assert window.open_preset("xor-needs-nonlinearity")
    assert window.open_path(str(path), ask=False)
    assert window.lab.kind == "images" and window.dialog_log["errors"] == []
    qtbot.waitUntil(lambda: window.training_thread.latest().generation == window._generation,
                    timeout=WAIT)
    assert window.training_thread.latest().snapshot.epoch == epochs  # the weights came back


def test_a_bad_image_lab_file_gives_one_message_and_changes_nothing(window, tmp_path):
    from dataclasses import replace
    # (a lab whose images are *missing* opens without them: test_image_source_window.py)
    lab = load_preset(preset_names("images")[0])
    (tmp_path / "damaged.npz").write_bytes(b"not a zip archive")
    bad = replace(lab, data=replace(lab.data, source=("npz", str(tmp_path / "damaged.npz"))))
    path = tmp_path / "bad.actlab"
    save_lab(bad, path)
    before = window.lab
    assert window.open_path(str(path), ask=False) is False
    (title, message), = window.dialog_log["errors"]
    assert "damaged.npz" in message
    assert window.lab is before and window.network_stack.currentWidget() is window.network_view


def _npz(tmp_path, n_classes=3, size=12, per_class=6, name="mine.npz"):
    rng = np.random.default_rng(0)
    images = rng.random((n_classes * per_class, size, size))
    labels = np.repeat(np.arange(n_classes), per_class)
    path = tmp_path / name
    np.savez(path, images=images, labels=labels)
    return path, images, labels


def test_importing_an_npz_from_a_point_lab_makes_an_image_lab(window, qtbot, tmp_path):
    path, images, labels = _npz(tmp_path)
    assert window.lab.kind == "points"
    assert window.workspace_for("images").import_images(str(path))
    assert window.lab.kind == "images" and window.dialog_log["errors"] == []
    assert window.dataset.n_classes == 3
    assert window.dataset.n_train + window.dataset.n_test == len(labels)
    assert window.lab.network.n_classes == 3
    assert window.network_stack.currentWidget() is window.workspaces["images"].network_view
    assert "image lab" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.workspace.pictures() is not None, timeout=WAIT)


def test_a_bad_import_or_drop_changes_nothing(window, tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, pictures=np.zeros((4, 8, 8)), labels=np.zeros(4))
    before = window.lab
    assert window.workspace_for("images").import_images(str(bad)) is False
    (title, message), = window.dialog_log["errors"]
    assert "bad.npz" in message and "images" in message
    assert window.lab is before
    assert window.files.open_dropped(str(tmp_path)) is False  # an empty folder: one more message
    assert len(window.dialog_log["errors"]) == 2 and window.lab is before


def test_drawn_images_join_the_training_set_and_undo_takes_them_out(window, qtbot,
                                                                    monkeypatch):
    from dataclasses import replace

    from actlab.gui.workspaces.images import draw_image_dialog
    # the preset's teacher locks the data (drawing too): the same lab without its guide
    assert window.open_lab(replace(load_preset("images-shapes-need-nonlinearity"), guide=None))
    n_before = window.dataset.n_train
    size = window.dataset.size
    drawing = np.zeros((size, size))
    drawing[3:9, 3:9] = 1.0
    pixels = tuple(float(v) for v in drawing.ravel())

    def fake_draw(parent, lab, class_names=None, classify=None, no_adding=None):
        assert tuple(class_names) == window.dataset.class_names
        asked.append(classify)
        return replace(lab, data=replace(lab.data, added=((1, pixels),)))

    asked = []

    monkeypatch.setattr(draw_image_dialog, "draw_and_add", fake_draw)
    assert window.acts.draw_image.isEnabled()
    assert window.workspace_for("images").draw_image()
    assert window.dataset.n_train == n_before + 1
    # trained or not, the dialog gets the network's answer when there are weights
    trained = window.files.results_lab().params is not None
    assert (asked[0] is not None) == trained
    assert np.any(np.all(window.dataset.x_train[:, 0] == drawing, axis=(1, 2)))
    assert "Added 1 drawn image" in window.statusBar().currentMessage()
    assert window.edits.undo()
    assert window.dataset.n_train == n_before and window.lab.data.added == ()


def _published(window, qtbot):
    """The snapshot the worker published for the window's lab as it is now."""
    qtbot.waitUntil(lambda: (p := window.training_thread.latest()) is not None
                    and p.generation == window._generation, timeout=WAIT)
    return window.training_thread.latest().snapshot


def _same_params(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(W1, W2) and np.array_equal(b1, b2)
                                    for (W1, b1), (W2, b2) in zip(a, b))


def test_drawn_images_keep_the_trained_weights_and_undo_keeps_them(window, qtbot,
                                                                   monkeypatch):
    """Draw an image… asks the trained network (its answer is predict_images'), and
    "Add to class" keeps the trained weights and history: training goes on from the
    same epoch, and Undo takes the drawing out with the weights kept too."""
    from dataclasses import replace

    from actlab.engine.trainer import Trainer
    from actlab.gui.workspaces.images import draw_image_dialog

    assert window.open_lab(replace(load_preset("images-shapes-need-nonlinearity"), guide=None))
    window.play()
    qtbot.waitUntil(lambda: window.training_thread.latest().snapshot.epoch >= 3, timeout=WAIT)
    window.pause()
    qtbot.waitUntil(lambda: not window._playing, timeout=WAIT)
    trained, data0 = window.files.results_lab(), window.dataset
    epochs = len(trained.history["epoch"])
    assert epochs >= 3
    size = data0.size
    drawing = np.zeros((size, size))
    drawing[3:9, 3:9] = 1.0
    answers = []

    def fake_draw(parent, lab, class_names=None, classify=None, no_adding=None):
        answers.append(classify(drawing))
        return replace(lab, data=replace(lab.data, added=(
            (1, tuple(float(v) for v in drawing.ravel())),)))

    monkeypatch.setattr(draw_image_dialog, "draw_and_add", fake_draw)
    assert window.workspace_for("images").draw_image()
    # the dialog was asked with the trained weights: the trainer's own answer
    want = Trainer(trained, dataset=data0).predict_images(drawing[None, None])[0]
    assert np.array_equal(answers[0].probabilities, want)
    # the drawing is a training image now, and the weights and history carried over
    snap = _published(window, qtbot)
    assert window.dataset.n_train == data0.n_train + 1
    assert _same_params(snap.params, trained.params) and snap.epoch == epochs
    said = window.statusBar().currentMessage()
    assert "the weights are kept, and Play trains on from here" in said
    assert "re-initialised" not in said
    # training goes on from there: epoch epochs + 1, the history continued
    window.step()
    qtbot.waitUntil(lambda: _published(window, qtbot).epoch == epochs + 1, timeout=WAIT)
    after = window.files.results_lab()
    assert after.history["epoch"][:epochs] == trained.history["epoch"]
    assert after.history["train_loss"][:epochs] == trained.history["train_loss"]
    assert len(after.history["epoch"]) == epochs + 1
    # Undo takes the drawing out and keeps the weights as they are now
    assert window.edits.undo()
    snap = _published(window, qtbot)
    assert window.dataset.n_train == data0.n_train and window.lab.data.added == ()
    assert _same_params(snap.params, after.params) and snap.epoch == epochs + 1
    assert "the weights are kept" in window.statusBar().currentMessage()
    assert window.edits.redo()  # and Redo puts it back, weights kept again
    snap = _published(window, qtbot)
    assert window.dataset.n_train == data0.n_train + 1
    assert _same_params(snap.params, after.params) and snap.epoch == epochs + 1


def test_a_drawing_added_after_stop_after_says_how_to_train_on(window, qtbot, monkeypatch):
    """The weights are kept, but a run at its "Stop after" limit cannot train on: the
    status says to raise the limit instead of promising Play."""
    from dataclasses import replace

    from actlab.gui.workspaces.images import draw_image_dialog

    lab = replace(load_preset("images-shapes-need-nonlinearity"), guide=None)
    assert window.open_lab(replace(lab, training=replace(lab.training, stop_after=2)))
    window.play()
    qtbot.waitUntil(lambda: not window._playing
                    and window.training_thread.latest().snapshot.epoch == 2, timeout=WAIT)
    size = window.dataset.size
    monkeypatch.setattr(draw_image_dialog, "draw_and_add", lambda parent, lab, *a: replace(
        lab, data=replace(lab.data, added=((0, (1.0,) * (size * size)),))))
    assert window.workspace_for("images").draw_image()
    assert _published(window, qtbot).epoch == 2
    said = window.statusBar().currentMessage()
    assert "the weights are kept" in said and "“Stop after” limit (2 epochs)" in said


def test_choosing_an_image_data_set_in_the_data_panel_switches_the_window(window, qtbot):
    assert window.lab.kind == "points"
    window.data_panel.image_buttons["shapes"].click()
    assert window.lab.kind == "images" and window.lab.data.generator == "shapes"
    assert window.network_stack.currentWidget() is window.workspaces["images"].network_view
    assert window.lab.network.n_classes == window.dataset.n_classes == 4
    qtbot.waitUntil(lambda: window.workspace.pictures() is not None, timeout=WAIT)
    assert window.workspace.pictures().class_names == window.dataset.class_names


def test_why_nonlinearity_draws_the_composite_of_the_students_own_filters(window, qtbot):
    from actlab.engine.analysis import conv as ca
    _open(window, qtbot, "images-two-3x3-are-one-5x5")
    window.step()
    qtbot.waitUntil(lambda: window.training_thread.latest().snapshot.epoch == 1, timeout=WAIT)
    ins = window.instruments
    assert not ins.actions["hidden"].isEnabled()  # about 2-D points, not images
    ins.open("collapse")
    view = ins.views["collapse"]
    qtbot.waitUntil(lambda: bool(view.shown_composites), timeout=WAIT)
    params = window.training_thread.latest().snapshot.params
    np.testing.assert_allclose(view.shown_composites[0], ca.compose_stack(params[:2])[0],
                               atol=1e-12)
    assert any("act as this one 5×5" in t for t in view.texts())
    assert view.shown_templates is not None  # the whole network is linear
    # the same conv layers bracketed in the builder
    builder = window.workspaces["images"].network_view
    qtbot.waitUntil(lambda: builder._runs == ((0, 1),), timeout=WAIT)
    assert any("5×5" in t for t in builder.bracket_captions())
    # a non-linearity: nothing merges, and the view says what breaks the collapse
    combo = window.controls.activation
    combo.setCurrentIndex(combo.findData("relu"))
    qtbot.waitUntil(lambda: view.shown_composites == [] and view.shown_templates is None
                    and any("ReLU" in t for t in view.texts()), timeout=WAIT)
    qtbot.waitUntil(lambda: builder._runs == (), timeout=WAIT)


def test_compare_in_the_window_trains_image_runs_in_lock_step(window, qtbot):
    """Instruments ▸ Compare activations on an image lab: one column per activation, the
    runs at the same epoch, the linear run's templates and the ReLU run's kernels."""
    from dataclasses import replace
    _open(window, qtbot)
    window.apply_edit(replace(window.lab, training=replace(window.lab.training,
                                                           stop_after=3)), "training")
    ins = window.instruments
    ins.open("compare")
    panel = ins.compare
    for name, box in panel.checks.items():
        box.setChecked(name in ("linear", "relu"))
    panel.run_button.setChecked(True)
    qtbot.waitUntil(lambda: len(panel.runs()) == 2 and not panel.comparing
                    and min(s.epoch for _, s in panel.runs()) == 3, timeout=WAIT)
    view = panel.image_view
    qtbot.waitUntil(lambda: [c.epoch for c in view.columns] == [3, 3], timeout=WAIT)
    assert panel.stack.currentWidget() is view
    assert [c.heading.text() for c in view.columns] == ["Linear", "ReLU"]
    assert "templates" in view.columns[0].caption.text()
    assert "8 filters" in view.columns[1].caption.text()


def test_a_teachers_network_lock_locks_the_convolution_builder_too(window, qtbot):
    from dataclasses import replace as _replace

    from actlab.labfile.presets import load_preset
    from actlab.views.images.conv_builder import LOCKED_TIP

    lab = load_preset("images-linear-cnn-counts-ink")
    guide = dict(lab.guide or {}, locked=["network"])
    assert window.open_lab(_replace(lab, guide=guide))
    b = window.workspaces["images"].network_view
    ctrl = b.controls[0]
    for w in (b.add_layer_button, ctrl.add_button, ctrl.kernel_combo, ctrl.pool_combo,
              b.head.head_combo):
        assert not w.isEnabled() and LOCKED_TIP in w.toolTip()
    assert ctrl.act_combo.isEnabled()  # only the structure is locked
    # a click on a locked control changes nothing
    before = window.lab.network
    ctrl.add_button.click()
    assert window.lab.network == before
    # the next lab, with no lock, gets every control back (limits still apply)
    assert window.open_lab(_replace(lab, guide=None))
    ctrl = window.workspaces["images"].network_view.controls[0]
    assert ctrl.kernel_combo.isEnabled() and LOCKED_TIP not in ctrl.kernel_combo.toolTip()
    assert window.workspaces["images"].network_view.add_layer_button.isEnabled()


def test_what_to_do_in_two_3x3_reaches_every_expected_outcome(window, qtbot):
    """Issue 20: a student who follows "What to do" step by step builds, with the
    window's own controls, exactly the network of each expected outcome in turn: the
    lab as it opens (step 1), ReLU from the toolbar (step 3), then Linear, − beside
    "Convolutions: 2" and a 5×5 kernel (step 4)."""
    from actlab.engine.outcomes import expectations
    _open(window, qtbot, "images-two-3x3-are-one-5x5")
    steps = window.lab.guide["instructions"]
    exps = expectations(window.lab.guide)
    assert len(exps) == 3

    def applying():
        return [i for i, e in enumerate(exps) if e.applies_to(window.lab)]

    assert applying() == [0]                                   # step 1: press Play
    combo = window.controls.activation
    assert "ReLU" in steps and combo.itemText(combo.findData("relu")) == "ReLU"
    combo.setCurrentIndex(combo.findData("relu"))              # step 3
    assert applying() == [1]
    assert "Linear" in steps and combo.itemText(combo.findData("linear")) == "Linear"
    combo.setCurrentIndex(combo.findData("linear"))            # step 4
    assert applying() == [0]
    builder = window.workspaces["images"].network_view
    assert "“Convolutions: 2”" in steps and builder.layers_label.text() == "Convolutions: 2"
    assert builder.remove_layer_button.text() == "−" and "press −" in steps
    builder.remove_layer_button.click()
    assert len(window.lab.network.conv) == 1 and applying() == []
    kernel = builder.controls[0].kernel_combo
    assert "5×5" in steps
    kernel.activated.emit(kernel.findText("5×5"))
    assert applying() == [2]
