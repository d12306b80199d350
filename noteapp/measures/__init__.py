"""Outcome measures as data, and scoring (next issues)."""
