"""Top-level pages of the main window."""
