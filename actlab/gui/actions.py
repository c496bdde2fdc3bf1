"""The window's actions (with shortcuts and status tips) and the menus that hold them."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtGui import QAction, QKeySequence

SP = QtWidgets.QStyle.StandardPixmap


@dataclass
class Actions:
    new: QAction
    open: QAction
    save: QAction
    save_as: QAction
    import_csv: QAction
    import_images: QAction
    draw_image: QAction
    draw_curve: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    play: QAction
    step: QAction
    reset: QAction
    new_seed: QAction
    export_figure: QAction
    export_surface_png: QAction
    export_surface_svg: QAction
    export_loss_png: QAction
    export_loss_svg: QAction
    export_history_csv: QAction
    show_test: QAction
    discretize: QAction
    log_scale: QAction
    help: QAction
    gallery: QAction
    guided_labs: QAction
    about: QAction


@dataclass
class Menus:
    file: QtWidgets.QMenu
    edit: QtWidgets.QMenu
    recent: QtWidgets.QMenu
    labs: QtWidgets.QMenu
    export: QtWidgets.QMenu
    training: QtWidgets.QMenu
    view: QtWidgets.QMenu
    help: QtWidgets.QMenu


def toolbar_icon(name: str, fallback: SP | None = None,
                 style: QtWidgets.QStyle | None = None) -> QtGui.QIcon:
    """The vector icon ``resources/icons/<name>.svg``, drawn at whatever size and device
    pixel ratio it is shown (Qt's standard reload icon exists only as 24 and 32 px
    bitmaps, blown up and pixelated on a 2× screen).  Without Qt's SVG icon engine the
    style's ``fallback`` icon stands in."""
    from actlab.resources_path import resource_file

    try:
        icon = QtGui.QIcon(str(resource_file("icons", f"{name}.svg")))
    except (FileNotFoundError, OSError):
        icon = QtGui.QIcon()
    if icon.pixmap(QtCore.QSize(22, 22)).isNull() and fallback is not None:
        style = style or QtWidgets.QApplication.style()
        icon = style.standardIcon(fallback)
    return icon


def _action(parent, text: str, tip: str, shortcut=None, icon: SP | QtGui.QIcon | None = None,
            name: str | None = None, checkable: bool = False) -> QAction:
    a = QAction(text, parent)
    if shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
    if isinstance(icon, QtGui.QIcon):
        a.setIcon(icon)
    elif icon is not None:
        a.setIcon(parent.style().standardIcon(icon))
    a.setStatusTip(tip)
    a.setToolTip(f"{text.replace('&', '').rstrip('…')}: {tip}" if shortcut is None else
                 f"{text.replace('&', '').rstrip('…')} ({QKeySequence(shortcut).toString()}): {tip}")
    a.setCheckable(checkable)
    if name:
        a.setObjectName(name)
    return a


def create_actions(w: QtWidgets.QMainWindow) -> Actions:
    """Every action of the main window, parented to it (so shortcuts work anywhere in it)."""
    K = QKeySequence.StandardKey
    acts = Actions(
        new=_action(w, "&New lab", "Start a new lab with the default settings.", K.New,
                    SP.SP_FileIcon, "action_new"),
        open=_action(w, "&Open…", "Open a saved lab file (.actlab).", K.Open,
                     SP.SP_DialogOpenButton, "action_open"),
        save=_action(w, "&Save", "Save the lab with its trained weights and loss history.",
                     K.Save, SP.SP_DialogSaveButton, "action_save"),
        save_as=_action(w, "Save &As…", "Save the lab under a new file name.", K.SaveAs,
                        None, "action_save_as"),
        import_csv=_action(w, "&Import CSV…", "Load your own points from a CSV file with "
                           "columns x1, x2, label.", "Ctrl+I", None, "action_import_csv"),
        import_images=_action(w, "Import i&mages…", "Train on your own pictures: an .npz "
                              "file (images, labels) or a folder with one sub-folder of "
                              "pictures per class.", "Ctrl+Shift+I", None,
                              "action_import_images"),
        draw_image=_action(w, "&Draw an image…", "Draw a picture with the mouse and add it "
                           "to a class of this image lab's training images.", "Ctrl+D", None,
                           "action_draw_image"),
        draw_curve=_action(w, "Draw a &curve…", "Draw the curve y = f(x) this function lab "
                           "fits, with the mouse.", "Ctrl+Shift+D", None, "action_draw_curve"),
        quit=_action(w, "&Quit", "Close ActLab.", K.Quit, None, "action_quit"),
        undo=_action(w, "&Undo", "Put the points back as they were before the last data "
                     "edit.", K.Undo, None, "action_undo"),
        redo=_action(w, "&Redo", "Apply the last undone data edit again.", K.Redo, None,
                     "action_redo"),
        play=_action(w, "&Play", "Start or pause training.", "Space", SP.SP_MediaPlay,
                     "action_play"),
        step=_action(w, "&Step", "Train exactly one more epoch (one pass over the "
                     "training points).", "Right", SP.SP_MediaSkipForward, "action_step"),
        reset=_action(w, "&Reset", "Go back to epoch 0 with the same starting weights.",
                      "R", toolbar_icon("reset", SP.SP_BrowserReload, w.style()),
                      "action_reset"),
        new_seed=_action(w, "New &seed", "Start again from different random starting "
                         "weights.", "Shift+R", None, "action_new_seed"),
        export_figure=_action(w, "Whole window as &PNG…", "Save a picture of the data, "
                              "network and output as a PNG image.", "Ctrl+E", None,
                              "action_export_figure"),
        export_surface_png=_action(w, "Output surface as PNG…", "Save the output picture "
                                   "as a PNG image.", None, None, "action_export_surface_png"),
        export_surface_svg=_action(w, "Output surface as SVG…", "Save the output picture as "
                                   "an SVG drawing.", None, None, "action_export_surface_svg"),
        export_loss_png=_action(w, "Loss plot as PNG…", "Save the loss curves as a PNG "
                                "image.", None, None, "action_export_loss_png"),
        export_loss_svg=_action(w, "Loss plot as SVG…", "Save the loss curves as an SVG "
                                "drawing.", None, None, "action_export_loss_svg"),
        export_history_csv=_action(w, "Loss history as CSV…", "Save the loss and accuracy "
                                   "of every epoch as a CSV table.", None, None,
                                   "action_export_history_csv"),
        show_test=_action(w, "Show &test data", "Also draw the test points the network "
                          "never trains on.", None, None, "action_show_test", True),
        discretize=_action(w, "&Discretize output", "Colour regions by the chosen class "
                           "only, without shading.", None, None, "action_discretize", True),
        log_scale=_action(w, "&Log scale loss", "Draw the loss on a logarithmic axis.",
                          None, None, "action_log_scale", True),
        help=_action(w, "&How to use ActLab", "Open the help: what every control does.",
                     K.HelpContents, SP.SP_DialogHelpButton, "action_help"),
        gallery=_action(w, "Activation &gallery", "See every activation function and its "
                        "slope side by side.", None, None, "action_gallery"),
        guided_labs=_action(w, "Guided &labs", "Step-by-step experiments that show why "
                            "activations matter.", None, None, "action_guided_labs"),
        about=_action(w, "&About ActLab", "Version and purpose of ActLab.", None, None,
                      "action_about"),
    )
    # every platform binding (Ctrl+Y and Ctrl+Shift+Z both redo on Linux), not just the first
    acts.undo.setShortcuts(K.Undo)
    acts.redo.setShortcuts(K.Redo)
    return acts


def build_menus(w: QtWidgets.QMainWindow, a: Actions) -> Menus:
    bar = w.menuBar()
    file = bar.addMenu("&File")
    file.addAction(a.new)
    file.addAction(a.open)
    recent = file.addMenu("Open &Recent")
    recent.setObjectName("menu_recent")
    file.addSeparator()
    file.addAction(a.save)
    file.addAction(a.save_as)
    file.addSeparator()
    file.addAction(a.import_csv)
    file.addAction(a.import_images)
    file.addAction(a.draw_image)
    file.addAction(a.draw_curve)
    export = file.addMenu("&Export")
    export.setObjectName("menu_export")
    for act in (a.export_figure, a.export_surface_png, a.export_surface_svg,
                a.export_loss_png, a.export_loss_svg, a.export_history_csv):
        export.addAction(act)
    file.addSeparator()
    file.addAction(a.quit)

    edit = bar.addMenu("&Edit")
    edit.setObjectName("menu_edit")
    edit.addAction(a.undo)
    edit.addAction(a.redo)

    labs = bar.addMenu("&Labs")
    labs.setObjectName("menu_labs")
    labs.setToolTipsVisible(True)

    training = bar.addMenu("&Training")
    for act in (a.play, a.step, a.reset, a.new_seed):
        training.addAction(act)

    view = bar.addMenu("&View")
    for act in (a.show_test, a.discretize, a.log_scale):
        view.addAction(act)

    help_menu = bar.addMenu("&Help")
    for act in (a.help, a.gallery, a.guided_labs):
        help_menu.addAction(act)
    help_menu.addSeparator()
    help_menu.addAction(a.about)
    return Menus(file, edit, recent, labs, export, training, view, help_menu)


def add_export_menu(export: QtWidgets.QMenu, text: str, name: str, entries,
                    save) -> QtWidgets.QMenu:
    """A submenu ``text`` (object name ``name``) of File ▸ Export with, for every
    ``(key, title, formats)`` of ``entries``, an action "``title`` as PNG…" (or SVG) named
    ``action_export_{key}_{fmt}`` that calls ``save(key, fmt)``."""
    menu = export.addMenu(text)
    menu.setObjectName(name)
    for key, title, formats in entries:
        for fmt in formats:
            act = menu.addAction(f"{title} as {fmt.upper()}…")
            act.setObjectName(f"action_export_{key}_{fmt}")
            act.setStatusTip(f"Save the {title.lower()} as "
                             f"{'a PNG image' if fmt == 'png' else 'an SVG drawing'}.")
            act.triggered.connect(lambda _=False, k=key, f=fmt: save(k, f))
    return menu


def set_play_state(a: Actions, playing: bool, style: QtWidgets.QStyle) -> None:
    """Show Pause while training runs and Play while it is paused."""
    a.play.setText("&Pause" if playing else "&Play")
    a.play.setIcon(style.standardIcon(SP.SP_MediaPause if playing else SP.SP_MediaPlay))
    tip = "Pause training." if playing else "Start training."
    a.play.setStatusTip(tip)
    a.play.setToolTip(f"{'Pause' if playing else 'Play'} (Space): {tip}")


def dice_icon() -> QtGui.QIcon:
    """A die showing five: "new random seed" (vector, sharp at any scale)."""
    return toolbar_icon("new-seed")
