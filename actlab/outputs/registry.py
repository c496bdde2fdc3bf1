"""What each kind of lab writes: ``OUTPUTS[lab.kind](args, lab, stem, out, activations,
epochs, lab_dir)`` is ``actlab train`` (trains the runs and writes their files; 0 when
done, :class:`~.runs.CliError` for a problem the user can fix); ``RUN_REPORTS`` the
window's report of one run."""
from __future__ import annotations

from actlab.outputs import functions, images, points

OUTPUTS = {"points": points.train_points, "functions": functions.train_functions,
           "images": images.train_images}
#: the window's lab report of one run: ``RUN_REPORTS[lab.kind](lab, trainer, path,
#: notes=...)`` writes HTML, or PDF for a path ending in .pdf
RUN_REPORTS = {"points": points.write_run_report, "functions": functions.write_run_report,
               "images": images.write_run_report}
