"""How well a student's sketch agrees with what the network drew (prediction questions of
guided labs, :mod:`actlab.engine.predictions`).  Pure NumPy geometry, no Qt.

*Boundary* (point labs): the drawn polyline splits the data box in two.  Its two ends are
extended straight (along the first and the last segment) to the edge of the box, and the
region on one side is closed along the box edge, counter-clockwise from where the line
leaves the box back to where it enters; a polyline whose ends meet (a closed loop) splits
the box into inside and outside instead.  Every grid point is classified by side (even-odd
rule) and compared with the network's class at the same point; the share is the better
of the side→class assignments (for two classes: the better of the two), so the student
is not asked which side is which.

*Curve* (function labs): the drawn curve read as y(x) (its points sorted by x; beyond its
two ends it continues level) is compared with the network's curve at evenly spaced x: the
share of x where they are within a tolerance (10 % of the data's y-range) and the mean gap.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The ends of a sketch closer than this share of the box width make it a closed loop.
CLOSE_SHARE = 0.06
#: The tolerance of a curve sketch: this share of the data's y-range.
CURVE_TOLERANCE = 0.10


def sketch_array(points) -> np.ndarray:
    """``points`` (``[[x, y], ...]``) as a float (n, 2) array without repeated points.
    ValueError when fewer than two different points remain (a dot is no line)."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(pts) and not np.isfinite(pts).all():
        raise ValueError("the sketch holds a point that is not a finite number")
    if len(pts) > 1:
        keep = np.concatenate([[True], np.any(np.diff(pts, axis=0) != 0, axis=1)])
        pts = pts[keep]
    if len(pts) < 2:
        raise ValueError("the sketch has fewer than two different points")
    return pts


def is_closed(pts: np.ndarray, extent: float) -> bool:
    """True when the sketch ``pts`` (at least 3 points) ends where it starts."""
    return len(pts) >= 3 and float(np.hypot(*(pts[-1] - pts[0]))) <= CLOSE_SHARE * 2 * extent


def _exit(p: np.ndarray, d: np.ndarray, e: float) -> np.ndarray:
    """Where the ray from ``p`` (inside the box [-e, e]²) along ``d`` leaves the box."""
    ts = []
    for k in range(2):
        if d[k] > 0:
            ts.append((e - p[k]) / d[k])
        elif d[k] < 0:
            ts.append((-e - p[k]) / d[k])
    t = max(0.0, min(ts)) if ts else 0.0
    return np.clip(p + t * d, -e, e)


def _perimeter(q: np.ndarray, e: float) -> float:
    """The position of boundary point ``q`` along the box edge, counter-clockwise from
    the bottom-left corner (0 … 8e)."""
    x, y = float(q[0]), float(q[1])
    dist = (abs(y + e), abs(x - e), abs(y - e), abs(x + e))  # bottom, right, top, left
    edge = int(np.argmin(dist))
    return (x + e, 2 * e + (y + e), 4 * e + (e - x), 6 * e + (e - y))[edge] % (8 * e)


def split_polygon(points, extent: float) -> np.ndarray:
    """The polygon (m, 2) whose inside is one side of the sketch in the box
    [-extent, extent]²: the closed loop itself, or the sketch extended straight to the
    box edge at both ends and closed along the edge (see the module docstring)."""
    pts = np.clip(sketch_array(points), -float(extent), float(extent))
    pts = sketch_array(pts)  # clipping may have made points repeat
    if is_closed(pts, float(extent)):
        return pts
    # closed along a box a little larger than the plane, so that no point of the plane
    # (its edge included) lies on the polygon's own edge, where even-odd is ambiguous
    e = float(extent) * (1 + 1e-3) + 1e-9
    start = _exit(pts[0], pts[0] - pts[1], e)
    end = _exit(pts[-1], pts[-1] - pts[-2], e)
    s_start, s_end = _perimeter(start, e), _perimeter(end, e)
    corners = np.array([[-e, -e], [e, -e], [e, e], [-e, e]])
    positions = np.array([0.0, 2 * e, 4 * e, 6 * e])
    # walk counter-clockwise from the exit (s_end) to the entry (s_start)
    span = (s_start - s_end) % (8 * e)
    ahead = (positions - s_end) % (8 * e)
    order = np.argsort(ahead)
    walk = [corners[i] for i in order if 0 < ahead[i] < span]
    return np.vstack([start[None], pts, end[None], *(c[None] for c in walk)])


def inside(polygon: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Boolean per point of ``points`` (n, 2): inside ``polygon`` by the even-odd rule."""
    px, py = points[:, 0], points[:, 1]
    result = np.zeros(len(points), dtype=bool)
    x1, y1 = polygon[:, 0], polygon[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    for a, b, c, d in zip(x1, y1, x2, y2):
        if b == d:
            continue  # a horizontal edge crosses no horizontal ray
        crosses = (b > py) != (d > py)
        xint = a + (py - b) * (c - a) / (d - b)
        result ^= crosses & (px < xint)
    return result


def sketch_sides(points, grid_points: np.ndarray, extent: float) -> np.ndarray:
    """0/1 per grid point (n, 2): on which side of the sketch it lies."""
    return inside(split_polygon(points, extent), np.asarray(grid_points, float)).astype(int)


@dataclass(frozen=True)
class BoundaryAgreement:
    share: float            # of the grid points where sketch and network agree (0…1)
    sides: np.ndarray       # 0/1 per grid point
    classes: np.ndarray     # the network's class per grid point
    side_class: tuple       # the class given to side 0 and to side 1


def boundary_agreement(points, grid_points: np.ndarray, classes: np.ndarray,
                       extent: float, n_classes: int = 2) -> BoundaryAgreement:
    """The share of ``grid_points`` (n, 2) where the sketch's sides match the network's
    ``classes`` (n,) under the best assignment of a different class to each side."""
    sides = sketch_sides(points, grid_points, extent)
    classes = np.asarray(classes).astype(int).ravel()
    k = max(2, int(n_classes), int(classes.max()) + 1 if classes.size else 2)
    counts = np.zeros((2, k))
    np.add.at(counts, (sides, classes), 1)
    best, pair = -1.0, (0, 1)
    for a in range(k):
        for b in range(k):
            if a != b and counts[0, a] + counts[1, b] > best:
                best, pair = counts[0, a] + counts[1, b], (a, b)
    return BoundaryAgreement(best / max(1, len(classes)), sides, classes, pair)


@dataclass(frozen=True)
class CurveAgreement:
    share: float            # of the x grid where |drawn − network| <= tolerance
    mean_gap: float         # mean |drawn − network| over the x grid
    tolerance: float
    drawn: np.ndarray       # the drawn curve at the x grid


def drawn_curve(points, xs: np.ndarray) -> np.ndarray:
    """The sketch read as y(x) at ``xs``: its points sorted by x (points at the same x
    averaged), straight between them, level beyond its ends."""
    pts = sketch_array(points)
    ux, inverse = np.unique(pts[:, 0], return_inverse=True)
    if len(ux) < 2:
        raise ValueError("the sketch must span more than one x")
    uy = np.bincount(inverse, weights=pts[:, 1]) / np.bincount(inverse)
    return np.interp(xs, ux, uy)


def curve_agreement(points, xs: np.ndarray, network_y: np.ndarray,
                    y_range: float) -> CurveAgreement:
    """The share of ``xs`` where the drawn curve is within 10 % of ``y_range`` (the
    data's max − min y) of ``network_y``, and the mean gap."""
    xs, ny = np.asarray(xs, float), np.asarray(network_y, float)
    drawn = drawn_curve(points, xs)
    tol = CURVE_TOLERANCE * float(y_range) if y_range > 0 else CURVE_TOLERANCE
    gap = np.abs(drawn - ny)
    return CurveAgreement(float(np.mean(gap <= tol)), float(np.mean(gap)), tol, drawn)
