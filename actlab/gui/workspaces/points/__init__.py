"""The point-lab workspace: the data panel and the output panel (surface, loss)."""
