"""Fixtures every test folder may use."""
import os

import pytest


@pytest.fixture
def opened(monkeypatch):
    """The paths actlab.atomic's os.open was called with (to prove a device or FIFO was
    never opened)."""
    from actlab import atomic

    calls = []
    real = os.open

    def spy(path, *a, **kw):
        calls.append(os.fspath(path))
        return real(path, *a, **kw)
    monkeypatch.setattr(atomic.os, "open", spy)
    return calls
