"""Views of a point lab: the decision surface, its legend, regions, hidden space, compare."""
