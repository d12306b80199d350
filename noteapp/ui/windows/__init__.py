"""Top-level windows other than the main shell (e.g. a note in its own window)."""
