"""The installed Qt binding must not leak references to None/True: PySide6 6.12.0 on
Python 3.11 does (one per void call), and the app then aborts with 'deallocating None'
after a few thousand repaints.  pyproject.toml pins a version without the bug."""
import sys

from PySide6 import QtCore


class _Emitter(QtCore.QObject):
    fired = QtCore.Signal(bool)


def test_void_calls_and_emits_keep_refcounts():
    obj = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2000):
        obj.setObjectName("x")
        obj.fired.emit(True)
    # a little slack for unrelated objects created meanwhile, far below the 2000 leaked
    assert abs(sys.getrefcount(None) - none_before) < 50
    assert abs(sys.getrefcount(True) - true_before) < 50
