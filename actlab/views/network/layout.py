"""Where the network diagram puts its columns and nodes for a view of a given size:
:func:`diagram_geometry` returns a :class:`Geometry` of :class:`Column` s, in scene
coordinates that equal screen pixels (the view never scales)."""
from __future__ import annotations

from dataclasses import dataclass

COMPACT_ABOVE = 16     # layers with more neurons get small plain nodes, no thumbnails
MARGIN = 8.0
MAX_NODE = 40.0        # thumbnail side, pixels
MIN_NODE = 7.0
MIN_THUMB = 11.0       # hidden thumbnails smaller than this are plain squares
MIN_PITCH = 20.0       # columns closer than this make the diagram scroll sideways
MAX_PITCH = 200.0
MIN_ROW = 4.0          # compact rows closer than this make it scroll vertically
MAX_COMPACT_ROW = 14.0
BRACKET_SPACE = 30.0   # room under the nodes for a one-line merged-layers caption


@dataclass
class Column:
    x: float
    size: float        # node side
    compact: bool
    ys: list


@dataclass
class Geometry:
    columns: list      # of Column: inputs, hidden layers..., outputs
    pitch: float
    width: float       # scene size (at least the viewport's)
    height: float
    content_bottom: float


def diagram_geometry(sizes, width: float, height: float, label_width: float,
                     bracket_space: float = 0.0) -> Geometry:
    """Where every node goes for layer ``sizes`` (inputs, hidden..., outputs) in a
    ``width`` × ``height`` viewport, with ``label_width`` pixels for the input labels.

    Each thumbnail column gets nodes as large as its own count allows (up to MAX_NODE),
    so two inputs stay big next to a 16-neuron layer.  Layers above COMPACT_ABOVE neurons
    get small plain nodes.  Columns spread over the width until they would be closer
    than MIN_PITCH; only then is the scene wider (or, for very tall layers, taller) than
    the viewport.
    """
    last = len(sizes) - 1
    avail = max(60.0, height - 2 * MARGIN - bracket_space)
    side = [min(MAX_NODE, 0.72 * avail / n) for n in sizes]
    pitch = (width - 2 * MARGIN - label_width - side[0] / 2 - side[-1] / 2) / last
    pitch = min(MAX_PITCH, max(MIN_PITCH, pitch))
    # the end columns have links on one side only, so they may be a little larger
    side = [max(MIN_NODE, min(s, (0.5 if c in (0, last) else 0.42) * pitch))
            for c, s in enumerate(side)]
    compact = [0 < c < last and (n > COMPACT_ABOVE or side[c] < MIN_THUMB)
               for c, n in enumerate(sizes)]
    total_w = 2 * MARGIN + label_width + side[0] / 2 + side[-1] / 2 + pitch * last
    x0 = MARGIN + label_width + side[0] / 2 + max(0.0, (width - total_w) / 2)
    rows = []
    for c, n in enumerate(sizes):
        if compact[c]:
            row = max(MIN_ROW, min(avail / n, MAX_COMPACT_ROW, side[c] / 0.72))
            side[c] = max(2.5, min(9.0, row * 0.72))
        else:
            # spread the rows over the height (up to twice the tight spacing): a tall,
            # narrow column otherwise left most of its height empty
            row = max(side[c] / 0.72, min(avail / n, 2.0 * side[c] / 0.72))
        rows.append(row)
    content_h = max(n * row for n, row in zip(sizes, rows))
    # top-aligned: the nodes start right under the layer controls, any spare height
    # stays below them (centring left a large empty band under the controls)
    centre = MARGIN + content_h / 2
    columns = [Column(x0 + c * pitch, side[c], compact[c],
                      [centre - n * rows[c] / 2 + rows[c] * (i + 0.5) for i in range(n)])
               for c, n in enumerate(sizes)]
    return Geometry(columns, pitch, max(float(width), total_w),
                    max(float(height), content_h + 2 * MARGIN + bracket_space),
                    centre + content_h / 2)


# ---------------------------------------------------------------------- tooltips
