"""The desktop app: main window, panels and the training worker thread (Qt)."""
