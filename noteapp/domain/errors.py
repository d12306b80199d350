"""Typed errors of the core.

Messages are plain sentences for a clinician and never contain client data: the CLI and the
UI show them as they are. Each error class maps to one CLI exit code (see docs/cli.md).
"""

from __future__ import annotations


class NoteappError(Exception):
    """Base of every error the core raises on purpose."""

    exit_code = 2


class InvalidInputError(NoteappError):
    """Bad usage or input; nothing was changed."""

    exit_code = 2


class RefusedError(NoteappError):
    """An operation the rules do not allow (e.g. editing a signed note); nothing was changed."""

    exit_code = 2


class ConcurrentChangeError(RefusedError):
    """What was read changed before the update was saved (another window or command wrote
    it); nothing was saved."""


class StorageError(NoteappError):
    """The disk failed a read or write (an I/O error); nothing was saved.

    Never reported as damage: restoring a backup would throw recent work away.
    """

    exit_code = 2


class DiskFullError(StorageError):
    """The disk (or the vault's folder) has no room left; nothing was saved."""


class NotFoundError(NoteappError):
    """No such client, note or other record."""

    exit_code = 2


class CheckFailedError(NoteappError):
    """A check failed: verification, documentation checklist, audit chain."""

    exit_code = 1


class WrongSecretError(NoteappError):
    """Wrong passphrase or recovery key."""

    exit_code = 3


class VaultError(NoteappError):
    """The vault cannot be used: missing, corrupt, locked by another instance, too new."""

    exit_code = 4


class VaultMissingError(VaultError):
    """There is no vault at the given place."""


class VaultExistsError(NoteappError):
    """Refused to create a vault over an existing one."""

    exit_code = 2


class VaultCorruptError(VaultError):
    """The vault file is damaged or not a noteapp vault."""


class VaultHeaderTamperedError(VaultCorruptError):
    """The header failed authentication: altered or damaged."""


class VaultHeaderDamagedError(VaultCorruptError):
    """The header failed its checksum, before any key derivation ran: damaged or edited.
    The passphrase was not tried (and no failed unlock is counted)."""


class RecordsRolledBackError(VaultError):
    """What the vault holds as current is not what noteapp last saved: a newest version was
    removed, an older one marked current, a record deleted or a version taken out of its
    history outside noteapp. Fail closed: nothing older is shown in its place."""

    def __init__(self, message: str, *, kind: str = "", record_id: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.record_id = record_id


class AuditDamagedError(VaultCorruptError):
    """The audit log's head (its count and last hash, encrypted) does not open: altered or
    damaged outside noteapp. Nothing more is written to a log whose end is unknown."""


class KdfParametersError(VaultCorruptError):
    """The header asks for key-derivation settings outside safe bounds."""


class VaultInUseError(VaultError):
    """Another running noteapp has this vault open."""


class UnsupportedVersionError(VaultError):
    """The vault was written by a newer noteapp."""


class VaultLockedError(NoteappError):
    """The vault is locked (auto-lock or lock now); unlock it first."""

    exit_code = 2


class RecordIntegrityError(NoteappError):
    """A stored record failed to decrypt or authenticate. It is reported, never shown as empty."""

    exit_code = 4

    def __init__(self, message: str, *, kind: str, record_id: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.record_id = record_id


class SearchIndexError(NoteappError):
    """The search index (derived from the records, kept encrypted in the vault) could not be
    read or used. The records are not affected: the index is rebuilt from them."""

    exit_code = 2


class KeychainUnavailableError(NoteappError):
    """No safe OS keychain is available on this machine."""

    exit_code = 2


class ServerUnavailableError(NoteappError):
    """The agency's PostgreSQL server cannot be reached, or refused the login or the
    connection's security settings; nothing was changed on either side."""

    exit_code = 2


class ServerIntegrityError(CheckFailedError):
    """The agency's server served something a check refused — an older state, a gap, a row
    that is not what its place says, a key nobody certified. Nothing it served was written."""


class VaultWarning(Warning):
    """Something the user should know about the vault just opened; not an error (it is
    collected, not raised). The CLI prints it on stderr, the app shows it as a banner."""


class OlderCopyWarning(VaultWarning):
    """The vault file is older than the one last opened on this computer (an older copy was
    put in its place, or restored without noteapp)."""


class VaultUpgradedNotice(VaultWarning):
    """The vault was upgraded to the current format; the previous file was kept beside it."""
