"""The kinds of lab (points, functions, images): each kind's default lab and data sources. No Qt."""
