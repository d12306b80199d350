"""Word export with python-docx (next issues)."""
