"""Dialogs, one per module."""
