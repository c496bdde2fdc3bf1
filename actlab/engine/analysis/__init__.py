"""Questions asked of a trained model: what collapses, pieces, insights, curve and conv metrics."""
