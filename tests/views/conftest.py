"""Tests of Qt views and figures run without a display: pick Qt's offscreen platform
before Qt is imported."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
