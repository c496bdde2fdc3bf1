"""Figures without a window: views drawn to PNG and SVG for the CLI and the report."""
