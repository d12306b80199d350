"""noteapp: offline progress notes for mental-health clinicians, kept in an encrypted vault."""
