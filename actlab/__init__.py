"""ActLab: see why neural networks need activation functions."""
__version__ = "0.1.0"
APP_NAME = "ActLab"
