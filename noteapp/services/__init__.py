"""Use cases: the only API the CLI and the desktop UI call."""
