"""The network diagram: its layout, items, links and per-layer controls."""
