"""The encrypted vault: SQLite container, key slots, records, audit log, backups."""
