"""Wording: reminders."""
