"""Gradient flow for an image lab: the point labs' :class:`GradientFlowView` with its
layers named "Convolution 1", …, "Dense 1", "output", and the dead filters listed by number.

A dumb view: it draws the :class:`~actlab.engine.analysis.image_insights.ImageInsights` it is
handed (its gradient-flow fields have the meaning of the point labs' ``Insights``).
"""
from __future__ import annotations

from actlab.engine.analysis.image_insights import ImageInsights
from actlab.views import colors
from actlab.views.instruments.gradient_view import GradientFlowView
from actlab.views.qt import QtWidgets


def dead_sentence(ins) -> str:
    """``"Dead filters (silent on all 200 training images looked at): Convolution 1:
    filters 3, 5."`` — or that there are none, or that no layer can die."""
    parts = []
    for name, kind, act, dead in zip(ins.unit_names, ins.unit_kinds, ins.activations,
                                     ins.dead_lists):
        if dead:
            word = kind[:-1] if len(dead) == 1 else kind
            parts.append(f"{name}: {word} " + ", ".join(str(k + 1) for k in dead))
    n = ins.dead_sample
    if parts:
        return (f"Dead (output 0 on every one of the {n} training images looked at, so "
                "no gradient reaches them and training cannot revive them): "
                + "; ".join(parts) + ".")
    if "relu" not in ins.activations:
        return "No ReLU layer, so no filter can die."
    return f"No dead filters: every ReLU filter fires on some of {n} training images."


class ConvGradientView(GradientFlowView):
    """Gradient size per layer of an image network, dead filters per convolution and the
    saturation histograms.  ``dead_label`` holds the list of dead filters."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.dead_label = QtWidgets.QLabel("")
        self.dead_label.setObjectName("dead_filters")
        self.dead_label.setWordWrap(True)
        self.dead_label.setStyleSheet(f"color: {colors.OUTLINE}; font-size: 9pt;")
        self.layout().insertWidget(1, self.dead_label)
        self.dead_widget.setToolTip(
            "A ReLU filter is dead when its feature map is 0 at every pixel of every "
            "training image: its slope is 0 everywhere, so it gets no gradient and can "
            "never come back. The grey bar is the layer's number of filters (or units), "
            "the red part the dead ones. '–' = not ReLU (cannot die).")

    def show_insights(self, insights, force: bool = False) -> bool:
        if not isinstance(insights, ImageInsights):
            return False
        drawn = super().show_insights(insights, force)
        if drawn:
            self.dead_label.setText(dead_sentence(insights))
        return drawn
