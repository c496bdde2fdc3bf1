"""Help ▸ How-to and About."""
