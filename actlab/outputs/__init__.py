"""What ``actlab train`` writes for each kind of lab: metrics, histories, figures and reports."""
