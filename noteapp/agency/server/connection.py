"""Connecting to the agency's PostgreSQL server the libpq way, safely.

Where: `NOTEAPP_AGENCY_URL` (a connection URI or key=value string), else libpq's own
environment and service files (PGHOST, PGSERVICE, …). Never a password on the command line
or in that URL: libpq reads it from ~/.pgpass, a service file or PGPASSWORD. A server that is
not on this computer is reached only over TLS with its certificate and name verified
(`sslmode=verify-full`); asking for less is refused.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import conninfo as libpq_conninfo

from noteapp.domain.errors import InvalidInputError, RefusedError, ServerUnavailableError

URL_VARIABLE = "NOTEAPP_AGENCY_URL"
CONNECT_TIMEOUT_S = 10
_SAFE_SSLMODE = "verify-full"


class ChartMoved(Exception):
    """Another device wrote to the chart since it was read: pull, then push again."""


def _is_local(host: str) -> bool:
    if not host or host.startswith(("/", "@")):  # a Unix socket (libpq uses no TLS there)
        return True
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def conninfo_for(url: str | None = None) -> str:
    """The connection string to use, with TLS verification forced for a remote server.

    Refuses a password inside it, and a remote server with an sslmode weaker than
    verify-full."""
    text = os.environ.get(URL_VARIABLE, "") if url is None else url
    try:
        params = libpq_conninfo.conninfo_to_dict(text)
    except psycopg.ProgrammingError:
        raise InvalidInputError(
            f"{URL_VARIABLE} is not a PostgreSQL connection string or URI."
        ) from None
    if params.get("password"):
        raise InvalidInputError(
            "The connection string holds a password; noteapp never takes one there. Put it in "
            "~/.pgpass (or a service file, or PGPASSWORD) and remove it from the string."
        )
    hosts = str(params.get("host") or params.get("hostaddr") or os.environ.get("PGHOST", ""))
    remote = [h for h in hosts.split(",") if not _is_local(h.strip())]
    if params.get("service") or os.environ.get("PGSERVICE"):
        remote = remote or ["(service file)"]  # where it points is unknown until libpq reads it
    if not remote:
        return text
    mode = params.get("sslmode") or os.environ.get("PGSSLMODE", "")
    if mode and mode != _SAFE_SSLMODE:
        raise RefusedError(
            f"The agency's server is not on this computer, so noteapp connects only with "
            f"sslmode=verify-full (the server's certificate and name checked); "
            f"sslmode={mode} was asked for. Ask your administrator for the server's CA "
            "certificate (sslrootcert)."
        )
    return libpq_conninfo.make_conninfo(text, sslmode=_SAFE_SSLMODE)


def unavailable(exc: Exception, doing: str = "reach the agency's server") -> ServerUnavailableError:
    """A sentence for a connection or server failure (the server's first line, which names
    logins and hosts but never client data: the server holds none in clear)."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ServerUnavailableError(f"Could not {doing}: {detail[:300]}")


def open_connection(url: str | None = None) -> psycopg.Connection[Any]:
    info = conninfo_for(url)
    try:
        conn = psycopg.connect(
            info,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="noteapp",
        )
    except psycopg.Error as exc:
        raise unavailable(exc) from None
    host = conn.info.host
    if not _is_local(host) and not conn.pgconn.ssl_in_use:
        conn.close()
        raise RefusedError("The agency's server answered without TLS; noteapp did not go on.")
    return conn


@contextmanager
def translated(doing: str) -> Iterator[None]:
    """psycopg errors as noteapp's typed errors (ChartMoved passes through)."""
    try:
        yield
    except psycopg.errors.SerializationFailure:
        raise ChartMoved() from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise RefusedError(
            f"The agency's server refused to {doing}: your login may not do that "
            f"({str(exc).strip().splitlines()[0][:200]})."
        ) from None
    except psycopg.Error as exc:
        raise unavailable(exc, doing) from None
