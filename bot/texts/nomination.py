"""Wording: nomination."""
