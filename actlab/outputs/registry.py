"""What ``actlab train`` does for each kind of lab: ``OUTPUTS[lab.kind](args, lab, stem,
out, activations, epochs, lab_dir)`` trains the runs and writes their files (0 when done,
:class:`~.runs.CliError` for a problem the user can fix)."""
from __future__ import annotations

from actlab.outputs.functions import train_functions
from actlab.outputs.images import train_images
from actlab.outputs.points import train_points

OUTPUTS = {"points": train_points, "functions": train_functions, "images": train_images}
