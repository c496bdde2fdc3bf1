"""Plot views that draw an engine Snapshot; shared by the main window and the headless CLI."""
