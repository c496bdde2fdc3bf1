"""What one frame of the image lab's OUTPUT column costs: the ``show_*`` calls (handing the
new arrays to the views) and the paint of what they changed, at the column sizes of a laptop and a large
screen.  Prints figures; asserts nothing.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.image_output_frame [LAB ...]
"""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6 import QtWidgets  # noqa: E402

LABS = ("resources/labs/images-shapes-need-nonlinearity.actlab",
        "resources/labs/images-digits.actlab")


def main(labs) -> None:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    from actlab.engine.pictures.images import make_pictures
    from actlab.engine.trainer import Trainer
    from actlab.gui.workspaces.images.output_panel import ImageOutputPanel
    from actlab.gui.style import STYLE_SHEET
    from actlab.labfile.format import load_lab

    app.setStyleSheet(STYLE_SHEET)
    for path in labs:
        trainer = Trainer(load_lab(path))
        frames = []
        for i in range(40):  # each frame new predictions and history; the probe stays (as while training)
            trainer.train(1)
            frames.append((make_pictures(trainer, probe=3), trainer.snapshot()))
        for w, h in ((330, 620), (600, 900)):
            panel = ImageOutputPanel()
            panel.resize(w, h)
            panel.show()
            app.processEvents()
            update, paint, cpu = [], [], []
            for pics, snap in frames:
                c0 = time.process_time()
                t0 = time.perf_counter()
                panel.show_numbers(snap)
                panel.show_history(snap.history)
                panel.show_pictures(pics)
                t1 = time.perf_counter()
                app.processEvents()  # paints what changed, as the window's timer does
                t2 = time.perf_counter()
                cpu.append(time.process_time() - c0)
                update.append(t1 - t0)
                paint.append(t2 - t1)
            u, p = 1e3 * np.array(update[5:]), 1e3 * np.array(paint[5:])
            c = 1e3 * np.array(cpu[5:])
            # wall time counts the waits of a busy machine; CPU time is the frame's own cost
            print(f"{os.path.basename(path)} {w}x{h}: update median {np.median(u):.2f} ms "
                  f"(max {u.max():.2f}), update+paint median {np.median(u + p):.2f} ms "
                  f"(p95 {np.percentile(u + p, 95):.2f}), CPU median {np.median(c):.2f} ms")
            panel.close()


if __name__ == "__main__":
    main(sys.argv[1:] or LABS)
