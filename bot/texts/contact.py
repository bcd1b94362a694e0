"""Wording: contact."""
