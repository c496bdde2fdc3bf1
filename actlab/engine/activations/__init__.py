"""Activations: the built-in ones, the ones students design (custom) and tweak, by name."""
