"""Signing: canonical payloads, sign / verify, lock and addendum rules (next issues)."""
