"""Wording: cli."""
