"""``actlab --self-test``: prove that this ActLab (a checkout, a wheel or the frozen build)
can load a preset, train it and draw its figures, without showing a window.

:func:`run_self_test` loads the bundled preset ``circle-tanh`` (so the resources folder is
found), trains it for 30 epochs with the real :class:`~actlab.engine.trainer.Trainer`,
checks that the training loss fell, renders the decision surface and the loss plot to PNGs
with :mod:`actlab.figures.render` (so Qt, its platform and image plugins and pyqtgraph all work),
checks that the PNGs are not blank and that the SVG app icon draws.  Everything it writes goes to a temporary folder
that is removed afterwards.

It prints exactly one line on stdout, e.g.::

    ActLab 0.1.0 self-test passed: 30 epochs, loss 0.71→0.52, 2 figures rendered (0.9 s)

or ``ActLab self-test FAILED: <what went wrong>``, and returns 0 or 1 for use as the
process exit status.  With no display (Linux over SSH, CI) Qt's ``offscreen`` platform is
used.
"""
from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

PRESET = "circle-tanh"
EPOCHS = 30
FAILED = "ActLab self-test FAILED: "


class SelfTestError(Exception):
    """A check of the self-test did not hold; the message says which."""


def _say(line: str) -> None:
    """Print ``line`` even where stdout cannot encode ``→`` (a redirected Windows
    console uses cp1252): fall back to ``->``."""
    try:
        print(line, flush=True)
    except UnicodeEncodeError:
        print(line.replace("→", "->").encode("ascii", "replace").decode("ascii"),
              flush=True)


def _one_line(message: str) -> str:
    """The informative line of a possibly long error message (NumPy's failed-import
    message, for one, opens with a banner and names the cause on its last line)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("Original error was:"):
            return line
    return lines[0] if lines else ""


def _check_png(path: Path, what: str) -> None:
    """Raise SelfTestError unless ``path`` is a readable PNG with visible content."""
    from PySide6 import QtGui

    if not path.is_file() or path.stat().st_size == 0:
        raise SelfTestError(f"the {what} PNG was not written")
    image = QtGui.QImage(str(path))
    if image.isNull():
        raise SelfTestError(f"the {what} PNG cannot be read back")
    if image.width() < 50 or image.height() < 50:
        raise SelfTestError(f"the {what} PNG is only {image.width()}x{image.height()} px")
    _check_not_blank(image, f"the {what} PNG")


def _check_icon() -> None:
    """The SVG app icon draws: Qt's SVG icon engine and image plugin are present (in a
    frozen build a missing plugin would otherwise just leave the window without icon)."""
    from PySide6 import QtGui

    from actlab.resources_path import resource_file

    pixmap = QtGui.QIcon(str(resource_file("icons", "actlab.svg"))).pixmap(64, 64)
    if pixmap.isNull():
        raise SelfTestError("the SVG app icon cannot be drawn (Qt's SVG plugins missing?)")
    _check_not_blank(pixmap.toImage(), "the app icon")


def _check_not_blank(image, what: str) -> None:
    """At least 16 distinct colours and no single colour covering 99.5 % of ``image``."""
    import numpy as np
    from PySide6 import QtGui

    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    bits = image.constBits()
    pixels = np.frombuffer(bits, dtype=np.uint32, count=image.sizeInBytes() // 4)
    pixels = pixels.reshape(image.height(), image.bytesPerLine() // 4)[:, : image.width()]
    colours, counts = np.unique(pixels, return_counts=True)
    if len(colours) < 16 or counts.max() > 0.995 * pixels.size:
        raise SelfTestError(f"{what} is blank ({len(colours)} colours)")


def _train():
    """Load the preset and train it; return (trainer, loss before, loss after)."""
    from actlab.engine.trainer import Trainer
    from actlab.labfile.presets import load_preset

    trainer = Trainer(load_preset(PRESET))
    before = trainer.evaluate()["train_loss"]
    done = trainer.train(EPOCHS)
    if trainer.diverged:
        raise SelfTestError(trainer.diverged)
    if done != EPOCHS:
        raise SelfTestError(f"trained {done} of {EPOCHS} epochs")
    _check_blas()
    after = trainer.history.last()["train_loss"]
    if not (math.isfinite(before) and math.isfinite(after)):
        raise SelfTestError(f"the loss is not finite ({before} → {after})")
    if not after < 0.95 * before:
        raise SelfTestError(f"the loss did not fall ({before:.3f} → {after:.3f} "
                            f"in {EPOCHS} epochs)")
    return trainer, before, after


def _check_blas() -> None:
    """OpenBLAS must run the thread count asked for (one, unless the user chose): a build
    that lost the limit trains many times slower."""
    import os

    from actlab.blas_threads import blas_thread_counts

    want = os.environ.get("OPENBLAS_NUM_THREADS", "")  # set by actlab.blas_threads
    for lib, n in blas_thread_counts():
        if lib == "openblas" and want.isdigit() and n != int(want):
            raise SelfTestError(f"OpenBLAS runs {n} threads, ActLab asked for {want}")


def _render(trainer, folder: Path) -> int:
    """Render the surface and loss figures into ``folder`` and check them and the app
    icon; return the number of figures (2)."""
    from actlab.figures import render

    render.ensure_app()
    snapshot = trainer.snapshot(grid=100, neurons=False)
    figures = [("surface", folder / "surface.png"), ("loss plot", folder / "loss.png")]
    render.render_surface_png(snapshot, trainer.dataset, figures[0][1],
                              title="ActLab self-test")
    render.render_loss_png(snapshot.history, figures[1][1])
    for what, path in figures:
        _check_png(path, what)
    _check_icon()
    return len(figures)


def run_self_test() -> int:
    """Train a preset and render its figures in a temporary folder; print one line.

    Returns 0 when every check passed and 1 otherwise (never raises, except for
    KeyboardInterrupt/SystemExit).
    """
    t0 = time.perf_counter()
    try:
        from actlab import __version__

        with tempfile.TemporaryDirectory(prefix="actlab-selftest-") as tmp:
            trainer, before, after = _train()
            n_figures = _render(trainer, Path(tmp))
    except SelfTestError as e:
        _say(FAILED + str(e))
        return 1
    except Exception as e:  # anything else: name it on the one line, no traceback
        detail = _one_line(str(e))
        _say(FAILED + type(e).__name__ + (f": {detail}" if detail else ""))
        return 1
    seconds = time.perf_counter() - t0
    _say(f"ActLab {__version__} self-test passed: {EPOCHS} epochs, "
         f"loss {before:.2f}→{after:.2f}, {n_figures} figures rendered ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(run_self_test())
