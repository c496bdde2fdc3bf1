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
