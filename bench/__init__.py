"""Benchmarks that print figures (not timed tests): `python -m bench` or `make bench`."""
