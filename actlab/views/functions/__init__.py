"""Views of function labs (y = f(x)): the curve workspace (dumb: they draw the
:class:`~actlab.engine.pictures.curve.CurvePicture` they are given)."""
