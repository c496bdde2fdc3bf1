"""The instruments area: Compare activations and the other instruments' column."""
