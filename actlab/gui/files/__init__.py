"""Files in the window: open, save, export, autosave and undo of data edits."""
