"""The noteapp command-line front end (see docs/cli.md)."""
