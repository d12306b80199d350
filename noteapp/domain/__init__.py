"""Pure domain model (standard library only): clients, profile, notes, documents."""
