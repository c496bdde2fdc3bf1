"""Training off the GUI thread: the worker, its thread, comparisons and insights."""
