"""The Guide column: the lab's teaching text, outcomes and teacher mode."""
