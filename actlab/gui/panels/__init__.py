"""Panels shared by every kind of lab: controls, features, thumbnails, weight editing."""
