"""The central workspace of each kind of lab: its data panel, output panel and actions."""
