"""PyInstaller runtime hook: stand-ins for PySide6.QtOpenGL and QtOpenGLWidgets.

pyqtgraph imports both at import time (PColorMeshItem, OpenGLHelpers) but only uses them
when OpenGL drawing is switched on, which ActLab never does.  Leaving the real modules
out of the build saves about 10 MB (QtOpenGL.abi3.so and libQt6OpenGL*)."""
import importlib.machinery
import sys
import types


def _install_stubs():
    try:
        import PySide6.QtOpenGL  # noqa: F401  (the real module, when present)
        return
    except ImportError:
        pass
    from PySide6 import QtWidgets

    gl = types.ModuleType("PySide6.QtOpenGL")
    gl.__doc__ = "ActLab stand-in: OpenGL drawing is not part of this build."
    widgets = types.ModuleType("PySide6.QtOpenGLWidgets")
    widgets.QOpenGLWidget = QtWidgets.QWidget  # base class pyqtgraph subclasses at import
    for mod in (gl, widgets):
        mod.__spec__ = importlib.machinery.ModuleSpec(mod.__name__, None)
        sys.modules[mod.__name__] = mod
    import PySide6

    PySide6.QtOpenGL, PySide6.QtOpenGLWidgets = gl, widgets


_install_stubs()
