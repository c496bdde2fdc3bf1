"""Small pictures for the data-set picker and the feature toggles, drawn with NumPy.

Each picture is an RGBA array rendered once and wrapped in a QImage/QIcon; nothing here
runs while training.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from PySide6 import QtGui

from actlab.engine.data.points import BOX, GENERATORS, generate
from actlab.engine.features import FEATURES, FUNCTION_FEATURES
from actlab.views import colors

_BACKGROUND = np.array([250, 250, 250, 255], dtype=np.uint8)
_FRAME = np.array([190, 194, 198, 255], dtype=np.uint8)


def rgba_to_qimage(rgba: np.ndarray) -> QtGui.QImage:
    """An independent QImage copy of an (h, w, 4) uint8 RGBA array."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    h, w, _ = rgba.shape
    image = QtGui.QImage(rgba.data, w, h, 4 * w, QtGui.QImage.Format.Format_RGBA8888)
    return image.copy()  # own the pixels: the array may go away


def _framed(img: np.ndarray) -> np.ndarray:
    img[0, :] = img[-1, :] = _FRAME
    img[:, 0] = img[:, -1] = _FRAME
    return img


def dataset_rgba(name: str, size: int = 48, n_points: int = 260) -> np.ndarray:
    """A ``size``×``size`` picture of data set ``name``: dots coloured by class or value
    on a light background (top row = largest x₂)."""
    info = GENERATORS[name]
    X, y = generate(name, n_points, 0.0, 7)
    img = np.empty((size, size, 4), dtype=np.uint8)
    img[:] = _BACKGROUND
    if info.problem == "regression":
        # show the target as a faint field and the dots on top, so "plane" is visible
        fill = colors.point_rgba(y, "regression")
        field_X, field_y = generate(name, 2000, 0.0, 11)
        col = np.clip(((field_X[:, 0] + BOX) / (2 * BOX) * (size - 1)).round().astype(int), 0, size - 1)
        row = np.clip(((BOX - field_X[:, 1]) / (2 * BOX) * (size - 1)).round().astype(int), 0, size - 1)
        faint = colors.point_rgba(field_y, "regression").astype(float)
        faint = (faint * 0.35 + _BACKGROUND * 0.65).astype(np.uint8)
        img[row, col] = faint
    else:
        fill = colors.point_rgba(y, "classification", info.n_classes)
    col = np.clip(((X[:, 0] + BOX) / (2 * BOX) * (size - 2)).round().astype(int), 0, size - 2)
    row = np.clip(((BOX - X[:, 1]) / (2 * BOX) * (size - 2)).round().astype(int), 0, size - 2)
    for dr in (0, 1):  # 2x2 dots
        for dc in (0, 1):
            img[row + dr, col + dc] = fill
    return _framed(img)


def feature_rgba(name: str, size: int = 28) -> np.ndarray:
    """A ``size``×``size`` picture of input feature ``name`` over [-6, 6]²: orange where it
    is negative, blue where positive (top row = largest x₂).  A function lab's feature of
    x is its area chart over x ∈ [-6, 6] in the same colours."""
    if name in FUNCTION_FEATURES:
        from actlab.engine.pictures.curve_grid import feature_curve
        v = feature_curve(name, size, BOX)[::-1].astype(float)
        return _framed(colors.diverging_rgba(v, lut=colors.POINT_DIVERGING_LUT).copy())
    xs = np.linspace(-BOX, BOX, size)
    g1, g2 = np.meshgrid(xs, xs[::-1])
    v = FEATURES[name].function(np.column_stack([g1.ravel(), g2.ravel()])).reshape(size, size)
    img = colors.diverging_rgba(v, lut=colors.POINT_DIVERGING_LUT).copy()
    return _framed(img)


@lru_cache(maxsize=None)
def dataset_icon(name: str, size: int = 48) -> QtGui.QIcon:
    return QtGui.QIcon(QtGui.QPixmap.fromImage(rgba_to_qimage(dataset_rgba(name, size))))


@lru_cache(maxsize=None)
def feature_icon(name: str, size: int = 28) -> QtGui.QIcon:
    return QtGui.QIcon(QtGui.QPixmap.fromImage(rgba_to_qimage(feature_rgba(name, size))))


# ---------------------------------------------------------------- image data sets
_INK = np.array([34, 34, 34], dtype=float)
_PAPER = np.array([255, 255, 255], dtype=float)
_GAP = np.array([214, 218, 222, 255], dtype=np.uint8)


def image_dataset_rgba(name: str, size: int = 48) -> np.ndarray:
    """A ``size``×``size`` mosaic of sample images of image data set ``name``: an n×n
    grid of tiles (n = ceil(sqrt(classes)), at least 2), the classes in turn, dark ink on
    white, so each class is seen at least once."""
    from actlab.engine.data.images import IMAGE_GENERATORS, make_images, square_and_resize

    k = len(IMAGE_GENERATORS[name].class_names)
    n = max(2, int(np.ceil(np.sqrt(k))))
    per_class = max(2, -(-n * n // k))  # enough samples of each class to fill the grid
    data = make_images(name, size=16, per_class=per_class, train_fraction=1.0, seed=7)
    x = data.x_train[:, 0]
    y = data.y_train
    picks = []
    used = {c: 0 for c in range(k)}
    for i in range(n * n):
        c = i % k
        picks.append(np.flatnonzero(y == c)[used[c]])
        used[c] += 1
    tile = (size - 1) // n - 1  # a 1 px gap between tiles and around the mosaic
    tiles = square_and_resize(x[picks], tile)
    img = np.empty((size, size, 4), dtype=np.uint8)
    img[:] = _GAP
    off = (size - (n * (tile + 1) + 1)) // 2
    for i, t in enumerate(tiles):
        r, c = divmod(i, n)
        top, left = off + 1 + r * (tile + 1), off + 1 + c * (tile + 1)
        rgb = _PAPER + np.clip(t, 0.0, 1.0)[..., None] * (_INK - _PAPER)
        img[top:top + tile, left:left + tile, :3] = rgb.round().astype(np.uint8)
    return img


@lru_cache(maxsize=None)
def image_dataset_icon(name: str, size: int = 48) -> QtGui.QIcon:
    """The icon of image data set ``name`` (drawn once, then cached), also drawn at twice
    the size so that it stays sharp on a HiDPI screen instead of being blown up."""
    icon = QtGui.QIcon()
    for side in (size, 2 * size):
        icon.addPixmap(QtGui.QPixmap.fromImage(rgba_to_qimage(image_dataset_rgba(name, side))))
    return icon


# ---------------------------------------------------------------- function data sets
_AXIS = np.array([205, 209, 213, 255], dtype=np.uint8)
#: the y range a curve thumbnail shows: every generator stays within [-1, 1]
_CURVE_Y = 1.3


def function_dataset_rgba(name: str, size: int = 48) -> np.ndarray:
    """A ``size``×``size`` picture of curve ``name`` on x ∈ [-6, 6], y ∈ [-1.3, 1.3]
    (top row = largest y): the curve in blue over faint axes, each pixel column joined
    to the next so the line has no gaps, but a jump (step, sawtooth) left open."""
    from actlab.engine.data.functions import X_MAX, X_MIN, curve

    img = np.empty((size, size, 4), dtype=np.uint8)
    img[:] = _BACKGROUND
    mid = (size - 1) / 2.0
    img[int(round(mid)), 1:-1] = _AXIS  # y = 0 and x = 0
    img[1:-1, int(round(mid))] = _AXIS
    x = np.linspace(X_MIN, X_MAX, size)
    rows = (_CURVE_Y - curve(name, x)) / (2 * _CURVE_Y) * (size - 1)
    line = np.array((*colors.hex_to_rgb(colors.BLUE), 255), dtype=np.uint8)
    thick = max(1, size // 32)  # 1 px at 48, 3 px at 96: the same weight when scaled
    for c in range(size):
        lo = hi = rows[c]
        if c + 1 < size and abs(rows[c + 1] - rows[c]) < size / 4:  # join, unless a jump
            lo, hi = min(lo, rows[c + 1]), max(hi, rows[c + 1])
        top = max(int(np.floor(lo)) - thick // 2, 0)
        bottom = min(int(np.ceil(hi)) + thick // 2 + 1, size)
        img[top:bottom, c:min(c + thick, size)] = line
    return _framed(img)


@lru_cache(maxsize=None)
def function_dataset_icon(name: str, size: int = 48) -> QtGui.QIcon:
    """The icon of curve ``name`` (drawn once, then cached), at 1× and 2× for HiDPI."""
    icon = QtGui.QIcon()
    for side in (size, 2 * size):
        icon.addPixmap(QtGui.QPixmap.fromImage(rgba_to_qimage(function_dataset_rgba(name, side))))
    return icon
