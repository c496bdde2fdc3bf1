"""The diagram's tooltips speak of what the pictures show: maps of the plane in a point
lab, curves over x in a function lab (a function lab's neuron was said to show "every
point of the plane")."""
from actlab.views.network.tooltips import tooltip_text


def test_a_function_labs_tooltips_speak_of_x_not_of_the_plane():
    for key in (("node", 0, 0), ("node", 1, 2), ("node", 2, 0)):
        text = tooltip_text(key, ("x", "xsq"), ("relu",), 1, None)
        assert "plane" not in text and "every x from −6 to 6" in text, text
        assert "blue" not in text, text  # curves are not coloured by sign


def test_a_point_labs_tooltips_still_speak_of_the_plane():
    text = tooltip_text(("node", 1, 0), ("x1", "x2"), ("tanh",), 1, None)
    assert "every point of the plane — blue positive, orange negative" in text
    text = tooltip_text(("node", 2, 0), ("x1", "x2"), ("tanh",), 1, None)
    assert "every point of the plane (blue high, orange low)" in text


def test_axes_show_the_numbers_as_they_are(qtbot):
    """pyqtgraph's automatic scale labelled Hidden space "a of neuron 1 (x0.001)" over
    ticks 400-600, and a function comparison "test loss (x0.001)" over 50-150."""
    import numpy as np

    from actlab.views.functions.compare_curves import CompareCurvesView
    from actlab.views.points.hidden_space_view import HiddenSpaceView

    hs = HiddenSpaceView()
    qtbot.addWidget(hs)
    curves = CompareCurvesView()
    qtbot.addWidget(curves)
    for pi in (hs.pre_plot, hs.post_plot, curves.loss_plot):
        for name in ("bottom", "left"):
            ax = pi.getAxis(name)
            ax.setRange(0.4, 0.6)  # small values: the case that was scaled
            ax.updateAutoSIPrefix()
            assert ax.autoSIPrefixScale == 1.0 and "(x" not in ax.labelString()
            assert ax.tickStrings(list(np.linspace(0.4, 0.6, 3)), ax.scale, 0.1) == \
                ["0.4", "0.5", "0.6"]
