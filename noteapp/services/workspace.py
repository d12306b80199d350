"""The unlocked workspace: an open vault plus every service, composed in one place.

The CLI and the UI create vaults, open and unlock them here, and reach every use case
through the `Workspace` they get back. Nothing is read at unlock beyond what unlocking needs:
each service is made the first time it is used (its module imported then — `client list`
never imports the export path, python-docx or the template engine), and reads from the vault
only what its calls need. Locking drops the keys and every decrypted cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from noteapp import crypto
from noteapp.crypto import Argon2Params
from noteapp.domain.clock import Clock
from noteapp.domain.errors import (
    InvalidInputError,
    KeychainUnavailableError,
    NoteappError,
    RecordIntegrityError,
    VaultWarning,
    WrongSecretError,
)
from noteapp.domain.progress import Progress
from noteapp.domain.progress import report as report_progress
from noteapp.services.audit import AuditService
from noteapp.services.backups import BackupService
from noteapp.services.clients import ClientService
from noteapp.services.generations import SeenGenerations, older_copy_warning, upgrade_notice
from noteapp.services.paths import AppPaths, default_paths
from noteapp.services.profile import ProfileService
from noteapp.services.settings import SettingsService
from noteapp.vault import keychain, migrate
from noteapp.vault.format import FORMAT_VERSION
from noteapp.vault.migrate import UpgradeReport
from noteapp.vault.store import Vault

if TYPE_CHECKING:
    from noteapp.services.agency import AgencyService
    from noteapp.services.agency_charts import ChartAdmin
    from noteapp.services.agency_local import LocalCharts
    from noteapp.services.contacts import ContactService
    from noteapp.services.damage import DamageReport
    from noteapp.services.exports import ExportService
    from noteapp.services.goal_library import GoalLibrary
    from noteapp.services.incidents import IncidentService
    from noteapp.services.instruments import InstrumentService
    from noteapp.services.measures import MeasureService
    from noteapp.services.medications import MedicationService
    from noteapp.services.notes import NoteService
    from noteapp.services.outcomes import OutcomeService
    from noteapp.services.plans import PlanService
    from noteapp.services.reference import ReferenceService
    from noteapp.services.referrals import ReferralService
    from noteapp.services.review import ReviewService
    from noteapp.services.safety_plans import SafetyPlanService
    from noteapp.services.search import SearchService
    from noteapp.services.signing import SigningService
    from noteapp.services.spelling import Speller
    from noteapp.services.supervision import SupervisionService
    from noteapp.services.sync import SyncService
    from noteapp.services.templates import TemplateCatalog


class HasProblems(Protocol):
    @property
    def problems(self) -> list[RecordIntegrityError]: ...


# The front ends name key-derivation settings without importing crypto.
KdfParams = Argon2Params

MIN_PASSPHRASE_LENGTH = 8


def kdf_params(
    *, memory_mib: int | None = None, iterations: int | None = None, lanes: int | None = None
) -> Argon2Params:
    """Explicit values (checked against OWASP's minimum), or calibrated to ~1 s here."""
    if memory_mib is None and iterations is None and lanes is None:
        return crypto.calibrate_argon2()
    params = Argon2Params(
        memory_kib=(memory_mib if memory_mib is not None else 64) * 1024,
        iterations=iterations if iterations is not None else crypto.ARGON2_FLOOR_ITERATIONS,
        lanes=lanes if lanes is not None else crypto.ARGON2_DEFAULT_LANES,
    )
    try:
        params.check_explicit()
    except ValueError as exc:
        msg = str(exc) if " " in str(exc) else "Key-derivation settings out of range."
        raise InvalidInputError(msg) from exc
    return params


def keychain_status() -> keychain.KeychainStatus:
    """Whether "remember on this device" may be offered here (before any vault is unlocked)."""
    return keychain.status()


def remembered_on_device(path: Path) -> bool:
    """This vault has a keychain slot and this computer's keychain holds its key."""
    try:
        vault = Vault.open(Path(path), read_only=True)
    except NoteappError:
        return False
    try:
        if vault.header.slot("keychain") is None or not keychain.status().available:
            return False
        return keychain.load_device_key(vault.vault_id) is not None
    finally:
        vault.close()


def verify_passphrase(vault: Vault, passphrase: str) -> None:
    """Raises WrongSecretError unless this is the vault's passphrase (signing re-checks it)."""
    from noteapp.vault import keyslots

    slot = vault.header.slot("passphrase")
    if slot is None:
        raise WrongSecretError("This vault has no passphrase slot.")
    crypto.wipe(keyslots.open_passphrase_slot(slot, vault.vault_id, passphrase))


def _upgrade_detail(report: UpgradeReport) -> dict[str, object]:
    return {
        "from": report.from_version,
        "to": report.to_version,
        "kept_as": report.kept_as.name,
        "versions": report.versions,
        "unreadable": report.unreadable,
    }


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InvalidInputError(
            f"Choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters."
        )


class Workspace:
    """An unlocked vault and its services (each made on first use)."""

    def __init__(self, vault: Vault, *, clock: Clock, paths: AppPaths) -> None:
        # Private: the front ends reach records only through the services (ARCHITECTURE.md).
        self._vault = vault
        self.clock = clock
        self.paths = paths
        # What the user should know about the vault just opened (an older copy, an
        # upgrade): the CLI prints these on stderr, the app shows them as banners.
        self.warnings: list[VaultWarning] = []
        self.audit = AuditService(vault)
        self.settings = SettingsService(vault)
        self.backups = BackupService(
            vault=vault,
            audit=self.audit,
            settings=self.settings,
            clock=clock,
            default_dir=paths.default_backup_dir,
        )
        self.clients = ClientService(
            vault=vault, audit=self.audit, backups=self.backups, clock=clock
        )
        self.profile = ProfileService(vault, self.audit)
        # Snapshots record what was damaged when they were taken (rotation keeps a copy
        # from before); a damaged client's code, known from its signed notes, still finds
        # it. Asked only when a snapshot is taken or a client is not found.
        self.backups.damaged_records = lambda: self.damage.refs()
        self.clients.damaged_codes = lambda: self.damage.damaged_client_codes()
        # A client saved with an emergency contact hands it to the contact list (in the
        # same transaction); the contacts are made only then.
        self.clients.emergency_contact_sink = lambda c: self.contacts.take_emergency_contact(c)

    @classmethod
    def build(
        cls,
        vault: Vault,
        *,
        paths: AppPaths | None = None,
        clock: Clock | None = None,
        progress: Progress | None = None,
    ) -> Workspace:
        """Compose the services around an unlocked vault (nothing is read yet: each service
        reads what a call needs). `progress` hears one step, done."""
        ws = cls(vault, clock=clock or vault.clock, paths=paths or default_paths())
        report_progress(progress, 1, 1)
        return ws

    # --- services, each made the first time it is used --------------------------------

    @cached_property
    def templates(self) -> TemplateCatalog:
        from noteapp.services.templates import TemplateCatalog

        return TemplateCatalog(user_dir=self.paths.user_templates_dir, vault=self._vault)

    @cached_property
    def reference(self) -> ReferenceService:
        from noteapp.services.reference import ReferenceService

        return ReferenceService(self._vault, self.audit)

    @cached_property
    def notes(self) -> NoteService:
        from noteapp.services.measures import MeasureService
        from noteapp.services.notes import NoteService
        from noteapp.services.plans import PlanService

        notes = NoteService(
            vault=self._vault,
            audit=self.audit,
            clients=self.clients,
            templates=self.templates,
            reference=self.reference,
            settings=self.settings,
            clock=self.clock,
        )
        # The checklist's plan and measure facts, the measures a note shows and the risk
        # flags a signed note closes come from those services: they are made with the notes
        # (once), so a note is never checked or signed without them.
        self.__dict__["notes"] = notes
        self.__dict__["plans"] = PlanService(
            vault=self._vault,
            audit=self.audit,
            clients=self.clients,
            notes=notes,
            signing=self.signing,
            settings=self.settings,
            clock=self.clock,
        )
        measures = MeasureService(
            vault=self._vault,
            audit=self.audit,
            clients=self.clients,
            clock=self.clock,
            notes=notes,
            catalog=self.instruments,
        )
        # The risk gate asks whether the client has a current signed safety plan.
        measures.has_current_safety_plan = lambda client_id: self.safety_plans.has_current(
            client_id
        )
        notes.fact_preparers.append(lambda clients: self.safety_plans.prepare(clients))
        # A contact note naming a contact without a current release warns.
        notes.fact_providers.append(lambda n, f: self.contacts.checklist_facts(n, f))
        self.__dict__["measures"] = measures
        return notes

    @cached_property
    def signing(self) -> SigningService:
        return self.signer_with_clock(self.clock, check=True)

    @property
    def plans(self) -> PlanService:
        _ = self.notes  # made with the notes
        plans: PlanService = self.__dict__["plans"]
        return plans

    @cached_property
    def safety_plans(self) -> SafetyPlanService:
        from noteapp.services.safety_plans import SafetyPlanService

        return SafetyPlanService(
            vault=self._vault,
            audit=self.audit,
            clients=self.clients,
            signing=self.signing,
            clock=self.clock,
        )

    @cached_property
    def instruments(self) -> InstrumentService:
        from noteapp.services.instruments import InstrumentService

        return InstrumentService(vault=self._vault, audit=self.audit, clock=self.clock)

    @property
    def measures(self) -> MeasureService:
        _ = self.notes  # made with the notes
        measures: MeasureService = self.__dict__["measures"]
        return measures

    @cached_property
    def damage(self) -> DamageReport:
        from noteapp.services.damage import DamageReport

        return DamageReport(self, scan=self._vault.scan_snapshot)

    def services_made(self) -> list[HasProblems]:
        """The services made so far that read records (the damage they came across)."""
        made: list[HasProblems] = [self.clients]
        for name in ("notes", "signing", "plans", "measures", "safety_plans", "instruments"):
            if name in self.__dict__:
                made.append(self.__dict__[name])
        from noteapp.services import casemgmt

        made.extend(casemgmt.record_stores(self))
        return made

    # --- case management (contacts, referrals, medications, incidents) -----------------

    @cached_property
    def contacts(self) -> ContactService:
        from noteapp.services import casemgmt

        return casemgmt.make_contacts(self)

    @cached_property
    def referrals(self) -> ReferralService:
        from noteapp.services import casemgmt

        return casemgmt.make_referrals(self)

    @cached_property
    def medications(self) -> MedicationService:
        from noteapp.services import casemgmt

        return casemgmt.make_medications(self)

    @cached_property
    def incidents(self) -> IncidentService:
        from noteapp.services import casemgmt

        return casemgmt.make_incidents(self)

    @cached_property
    def speller(self) -> Speller:
        from noteapp.services.spelling import Speller

        return Speller(self._vault)

    @cached_property
    def search(self) -> SearchService:
        from noteapp.services import casemgmt
        from noteapp.services.search import SearchService
        from noteapp.services.search_blobs import CASE_KIND, KIND, PRIVATE_KIND, VaultBlobStore

        search = SearchService(
            clients=self.clients,
            notes=self.notes,
            store=VaultBlobStore(self._vault, KIND),
            private_store=VaultBlobStore(self._vault, PRIVATE_KIND),
            extra_store=VaultBlobStore(self._vault, CASE_KIND),
            state_of=self._vault.fingerprint,
        )
        # Every write reaches the index, whoever makes it (a sync writes no service's
        # listeners); `reload` and `close` take it away again.
        self._vault.watchers.append(search.record_changed)
        casemgmt.searchable(self, search)
        return search

    @cached_property
    def exports(self) -> ExportService:
        from noteapp.services.exports import ExportService

        exports = ExportService(
            notes=self.notes,
            clients=self.clients,
            signing=self.signing,
            profile=self.profile,
            audit=self.audit,
            clock=self.clock,
            plans=self.plans,
            measures=self.measures,
            settings=self.settings,
            damage=self.damage,
        )
        # The medication list in chart exports.
        exports.chart_summaries.append(self.medications.chart_summary)
        return exports

    @cached_property
    def review(self) -> ReviewService:
        from noteapp.services.review import ReviewService

        return ReviewService(signing=self.signing, audit=self.audit, paper=self.settings.paper_size)

    @cached_property
    def goal_library(self) -> GoalLibrary:
        from noteapp.services.goal_library import GoalLibrary

        return GoalLibrary(self._vault)

    @cached_property
    def outcomes(self) -> OutcomeService:
        from noteapp.services.outcomes import OutcomeService

        return OutcomeService(
            clients=self.clients,
            measures=self.measures,
            audit=self.audit,
            clock=self.clock,
            paper=self.settings.paper_size,
        )

    # --- the agency (docs/agency.md): membership, chart keys, sync, supervision --------

    @cached_property
    def _agency_local(self) -> LocalCharts:
        from noteapp.services.agency_local import LocalCharts

        return LocalCharts(self._vault)

    @cached_property
    def agency(self) -> AgencyService:
        from noteapp.services.agency import AgencyService

        return AgencyService(
            local=self._agency_local, profile=self.profile, audit=self.audit, clock=self.clock
        )

    @cached_property
    def agency_charts(self) -> ChartAdmin:
        from noteapp.services.agency_charts import ChartAdmin

        return ChartAdmin(
            agency=self.agency, clients=self.clients, audit=self.audit, clock=self.clock
        )

    @cached_property
    def sync(self) -> SyncService:
        from noteapp.services.sync import SyncService

        return SyncService(
            agency=self.agency,
            local=self._agency_local,
            signing=self.signing,
            audit=self.audit,
            clock=self.clock,
            clients=lambda: self.clients,
        )

    @cached_property
    def supervision(self) -> SupervisionService:
        from noteapp.services.supervision import SupervisionService

        return SupervisionService(
            agency=self.agency,
            signing=self.signing,
            notes=self.notes,
            clients=self.clients,
            audit=self.audit,
        )

    def reload(self) -> None:
        """Read records again (after a sync wrote records into the vault): every service is
        made anew around the same unlocked vault, each on first use as at unlock."""
        if "search" in self.__dict__:
            # The sync's records reached it through the vault's watchers, unvouched by any
            # service: stored unmarked, the new search service checks it against them.
            try:
                self.search.close(save=True)
            finally:
                self._unwatch()
        warnings = self.warnings
        vault, clock, paths = self._vault, self.clock, self.paths
        self.__dict__.clear()
        Workspace.__init__(self, vault, clock=clock, paths=paths)
        self.warnings = warnings

    # --- lifecycle ---------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        params: Argon2Params | None = None,
        clock: Clock | None = None,
        paths: AppPaths | None = None,
    ) -> tuple[Workspace, str]:
        """A new vault; returns the workspace and the recovery key to show once."""
        check_new_passphrase(passphrase)
        vault, recovery = Vault.create(
            Path(path), passphrase, params=params or crypto.calibrate_argon2(), clock=clock
        )
        try:
            ws = cls.build(vault, paths=paths, clock=clock)
            ws.audit.record("vault-create")
            SeenGenerations.of(ws.paths).remember(vault.vault_id, vault.generation)
        except BaseException:
            vault.close()
            raise
        return ws, recovery

    @classmethod
    def unlock(
        cls,
        path: Path,
        passphrase: str,
        *,
        clock: Clock | None = None,
        paths: AppPaths | None = None,
        progress: Progress | None = None,
    ) -> Workspace:
        """`progress` hears (0, 0) while the passphrase is checked (no count to give), then
        the workspace being built (see `build`)."""
        return cls._open(
            path,
            "passphrase",
            lambda v: v.unlock_with_passphrase(passphrase),
            paths,
            clock,
            progress,
        )

    @classmethod
    def unlock_with_recovery_key(
        cls,
        path: Path,
        recovery_key: str,
        *,
        clock: Clock | None = None,
        paths: AppPaths | None = None,
        progress: Progress | None = None,
    ) -> Workspace:
        return cls._open(
            path,
            "recovery-key",
            lambda v: v.unlock_with_recovery_key(recovery_key),
            paths,
            clock,
            progress,
        )

    @classmethod
    def unlock_with_keychain(
        cls,
        path: Path,
        *,
        clock: Clock | None = None,
        paths: AppPaths | None = None,
        progress: Progress | None = None,
    ) -> Workspace:
        def with_device_key(vault: Vault) -> None:
            device_key = keychain.load_device_key(vault.vault_id)
            if device_key is None:
                raise WrongSecretError("This vault is not remembered on this device.")
            vault.unlock_with_device_key(device_key)

        return cls._open(path, "keychain", with_device_key, paths, clock, progress)

    @classmethod
    def _open(
        cls,
        path: Path,
        method: str,
        unlock: Callable[[Vault], None],
        paths: AppPaths | None,
        clock: Clock | None,
        progress: Progress | None = None,
    ) -> Workspace:
        """Open, unlock one way, upgrade an older format, and build the workspace; the vault
        is closed on any failure.

        Upgrading at unlock (not at the first write): an old-format file has no record of
        what is current, so every session on it is open to a silent rollback; read-only
        commands would otherwise keep it old forever; and noteapp writes one format only.
        """
        vault = Vault.open(Path(path), clock=clock)
        try:
            report_progress(progress, 0, 0)
            unlock(vault)
            report = None
            if vault.format_version < FORMAT_VERSION:
                from noteapp.services.summaries import LAYOUT  # only to upgrade

                report = migrate.upgrade(vault, LAYOUT)
        except BaseException:
            vault.close()
            raise
        return cls._after_unlock(vault, method, paths, clock, report, progress)

    @classmethod
    def _after_unlock(
        cls,
        vault: Vault,
        method: str,
        paths: AppPaths | None,
        clock: Clock | None,
        report: UpgradeReport | None,
        progress: Progress | None = None,
    ) -> Workspace:
        try:
            ws = cls.build(vault, paths=paths, clock=clock, progress=progress)
            seen_here = SeenGenerations.of(ws.paths)
            found = vault.generation
            seen = seen_here.get(vault.vault_id)
            older = older_copy_warning(seen, found)
            failed = vault.failed_unlocks_before_this_one
            with vault.transaction():
                # Once per old vault: each client's single emergency contact joins the list.
                # Only a format-1 vault (upgraded just now) can hold one: format 2 as it is
                # written since case management never stores it (an archive's are moved at
                # import), so unlocking reads no record otherwise.
                moved = ws.contacts.migrate_emergency_contacts() if report is not None else 0
                if failed:
                    ws.audit.record("unlock-failed", detail={"attempts": failed})
                if vault.failed_unlock_counter_altered:
                    # Not a count noteapp wrote (in clear: editable without the key).
                    ws.audit.record("unlock-counter-altered")
                if report is not None:
                    ws.audit.record("vault-upgrade", detail=_upgrade_detail(report))
                if older is not None:
                    # Kept in the file's own log too: the warning is shown once.
                    ws.audit.record("older-copy", detail={"generation": found, "seen": seen})
                ws.audit.record("unlock", detail={"method": method})
            ws.warnings.extend(w for w in (report and upgrade_notice(report), older) if w)
            # An unlock alone is no reason for a backup at the next lock; rotation would
            # otherwise push good snapshots out after a few read-only commands. A migration
            # is: the next lock keeps a copy with it.
            if not moved:
                ws.backups.mark_clean()
            seen_here.remember(vault.vault_id, vault.generation)
        except BaseException:
            vault.close()
            raise
        return ws

    def close(self) -> None:
        """Back up if anything changed, drop the keys and release the vault."""
        try:
            if self._vault.is_unlocked:
                if "search" in self.__dict__:
                    # The search index is derived data: storing it is no reason for a backup.
                    unchanged = not self.backups.changed_since_backup
                    self.search.close(save=True)
                    if unchanged:
                        self.backups.mark_clean()
                self.backups.auto_backup_if_changed()
                SeenGenerations.of(self.paths).remember(
                    self._vault.vault_id, self._vault.generation
                )
        finally:
            if "search" in self.__dict__:
                self.search.close(save=False)
                self._unwatch()
            self._vault.close()

    def discard(self) -> None:
        """Release the vault without the automatic backup: for a half-made vault about to
        be deleted (a cancelled demo), of which no copy should be kept."""
        if "search" in self.__dict__:
            self.search.close(save=False)  # the index of a vault about to go is not stored
            self._unwatch()
        self._vault.close()

    def _unwatch(self) -> None:
        """The search service no longer hears the vault's writes."""
        listener = self.search.record_changed
        if listener in self._vault.watchers:
            self._vault.watchers.remove(listener)

    # --- the vault, as the front ends may see it -------------------------------------

    @property
    def is_open(self) -> bool:
        """Unlocked, and not closed yet (background work stops once this is False)."""
        return self._vault.is_unlocked

    @property
    def vault_path(self) -> Path:
        """Where this vault's file is (for messages, backups and the settings page)."""
        return self._vault.path

    @property
    def vault_id(self) -> str:
        return self._vault.vault_id

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Many service calls saved together, or not at all (bulk work such as the demo)."""
        with self._vault.transaction():
            yield

    def check_passphrase(self, passphrase: str) -> None:
        """Raises WrongSecretError unless this is the vault's passphrase."""
        verify_passphrase(self._vault, passphrase)

    def signer_with_clock(self, clock: Clock, *, check: bool = False) -> SigningService:
        """A signing service whose signatures carry `clock`'s time: for synthetic data only
        (the demo signs its older notes on their day of service). The passphrase is checked
        by the caller, once (`check`: by the service, as for `ws.signing`)."""
        from noteapp.services.signing import SigningService

        vault = self._vault
        return SigningService(
            vault=vault,
            audit=self.audit,
            notes=self.notes,
            clients=self.clients,
            profile=self.profile,
            settings=self.settings,
            clock=clock,
            check_passphrase=(lambda p: verify_passphrase(vault, p)) if check else lambda _p: None,
        )

    # --- secrets -----------------------------------------------------------------------

    def change_passphrase(
        self, *, current: str, new: str, params: Argon2Params | None = None
    ) -> None:
        """Re-wraps the data key; the current passphrase is checked first."""
        check_new_passphrase(new)
        probe = self._vault.header.slot("passphrase")
        if probe is None:
            raise WrongSecretError("This vault has no passphrase slot.")
        from noteapp.vault import keyslots

        crypto.wipe(keyslots.open_passphrase_slot(probe, self._vault.vault_id, current))
        self.set_passphrase(new, params=params or probe.kdf)

    def set_passphrase(self, new: str, *, params: Argon2Params | None = None) -> None:
        """Used after unlocking with the recovery key."""
        check_new_passphrase(new)
        with self._vault.transaction():
            self._vault.change_passphrase(new, params=params or crypto.calibrate_argon2())
            self.audit.record("passphrase-change")

    def keychain_status(self) -> keychain.KeychainStatus:
        return keychain.status()

    def remember_on_device(self) -> None:
        if not keychain.status().available:
            raise KeychainUnavailableError(
                "This computer has no secure keychain that noteapp can use."
            )
        device_key = crypto.random_bytes(crypto.KEY_BYTES)
        keychain.store_device_key(self._vault.vault_id, device_key)
        self._vault.set_device_key(device_key)
        self.audit.record("keychain-remember")

    def forget_on_device(self) -> None:
        keychain.delete_device_key(self._vault.vault_id)
        self._vault.set_device_key(None)
        self.audit.record("keychain-forget")

    @property
    def remembered_on_device(self) -> bool:
        return self._vault.header.slot("keychain") is not None
