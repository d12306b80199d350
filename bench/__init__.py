"""Benchmarks that print figures (not timed tests): `python -m bench` or `make bench`."""

import os
import sys

# A user's installation holds compiled bytecode (pip and PyInstaller write it). A shell with
# PYTHONDONTWRITEBYTECODE set would charge every process the benchmarks start for compiling
# each module it imports — 40 ms and more of a search command — a cost no user pays. The
# children inherit this environment.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False
