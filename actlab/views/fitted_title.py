"""Plot titles that fit their plot: the longest of several wordings that fits the width,
re-chosen on every resize, never one cut off at the plot's edge (the gradient-flow view's
histogram titles once read "layer 1 · Sigmoid · 2% fl")."""
from __future__ import annotations

from actlab.views import colors
from actlab.views.qt import QtCore, QtGui, fit_central, pg

TITLE_MARGIN = 12    # px a plot title leaves free at its sides
LABEL_PADDING = 8    # px a title label adds to its text (4 a side: the text item's margin)


def fit_title(texts, width: float, size_pt: float) -> str:
    """The first of ``texts`` (longest first) whose width at ``size_pt`` fits in ``width``
    pixels; the last one elided with "…" when none does."""
    font = QtGui.QFont()
    font.setPointSizeF(size_pt)
    fm = QtGui.QFontMetricsF(font)
    for text in texts:
        if fm.horizontalAdvance(text) <= width:
            return text
    return fm.elidedText(texts[-1], QtCore.Qt.TextElideMode.ElideRight, max(width, 0.0))


def _set_fitted_title(pi: pg.PlotItem, texts, width: float, size: str) -> str:
    """Give ``pi`` the longest of ``texts`` that fits ``width``; returns it."""
    text = fit_title(texts, width - TITLE_MARGIN, float(size.rstrip("pt")))
    if text != getattr(pi, "_fitted_title", None):
        pi._fitted_title = text
        pi.setTitle(text, size=size, color=colors.OUTLINE)
    return text


def axis_width(axis) -> float:
    """An axis' width as it will be laid out: its fixed width when it has one (its
    geometry lags until the next layout: a title fitted to it chose a wording too long
    for the plot, which then stuck out of its widget)."""
    fixed = getattr(axis, "fixedWidth", None)
    return max(float(axis.width()), float(fixed or 0))


class FittedPlot(pg.PlotWidget):
    """A plot whose title is the longest of several wordings that fits its width (set
    with :meth:`set_titles`, refitted on every resize); the longest is its tooltip's
    first line when a shorter one is shown."""

    title_size = "10pt"

    def set_titles(self, texts, size: str | None = None) -> None:
        self._titles = tuple(texts)
        if size:
            self.title_size = size
        self._refit()

    def title_text(self) -> str:
        """The title shown now."""
        return getattr(self.getPlotItem(), "_fitted_title", "")

    def _fit(self) -> None:
        texts = getattr(self, "_titles", None)
        if texts:
            # the title is centred over the plot area only, not over the left axis
            pi = self.getPlotItem()
            axis = pi.getAxis("left")
            room = self.width() - (axis_width(axis) if axis.isVisible() else 0)
            _set_fitted_title(pi, texts, room, self.title_size)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._refit()

    def _refit(self) -> None:
        self._fit()
        # the plot was sized before its title was fitted: a longer old title held it
        # wider than the widget (its right end cut off); give it the widget's size again
        fit_central(self)
