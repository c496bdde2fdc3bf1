"""What a view draws of a model, computed without Qt: surfaces, curves, image pictures."""
