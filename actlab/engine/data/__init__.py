"""Data by kind: 2-D points (generated, CSV), 1-D functions, images (generated, npz)."""
