"""The agency's shared caseload, below services: the PostgreSQL protocol (schema, migrations,
row-level security; server.py is the only importer of psycopg), the signed documents of
membership and keys, chart-key wrapping, record-version envelopes, and the pure parts of
sync (what a served chart may look like, how versions merge). See docs/agency.md."""
