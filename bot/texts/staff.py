"""Wording: staff."""
