"""Views of function labs (y = f(x)): the curve workspace (dumb: they draw the
:class:`~actlab.engine.function_pictures.CurvePicture` they are given)."""
