"""Designing and tweaking activations in the window: the editor and its controls."""
