"""The agency's PostgreSQL server: the only importer of psycopg (import-linter enforces it).
connection.py connects the libpq way (TLS verified for a remote server), schema.py holds the
migrations, client.py what every member's device asks, admin.py what the administrator does."""

from __future__ import annotations

from noteapp.agency.server.admin import AccessRow, AdminServer, EpochWrite, check_login
from noteapp.agency.server.client import ChartHead, MemberRow, Server, VersionRow, WrapRow
from noteapp.agency.server.connection import URL_VARIABLE, ChartMoved, conninfo_for

__all__ = [
    "URL_VARIABLE",
    "AccessRow",
    "AdminServer",
    "ChartHead",
    "ChartMoved",
    "EpochWrite",
    "MemberRow",
    "Server",
    "VersionRow",
    "WrapRow",
    "check_login",
    "conninfo_for",
]
