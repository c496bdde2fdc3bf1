"""Instrument views shared by the kinds: Why non-linearity? (collapse) and gradient flow."""
