"""The unlocked workspace: an open vault plus every service, built in one place.

The CLI and the UI create vaults, open and unlock them here, and reach every use case
through the `Workspace` they get back. Locking drops the keys and every decrypted cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from noteapp import crypto
from noteapp.crypto import Argon2Params
from noteapp.domain.clock import Clock
from noteapp.domain.errors import (
    InvalidInputError,
    KeychainUnavailableError,
    NoteappError,
    VaultWarning,
    WrongSecretError,
)
from noteapp.domain.progress import Progress
from noteapp.domain.progress import report as report_progress
from noteapp.services import casemgmt
from noteapp.services.agency import AgencyService
from noteapp.services.agency_charts import ChartAdmin
from noteapp.services.agency_local import LocalCharts
from noteapp.services.audit import AuditService
from noteapp.services.backups import BackupService
from noteapp.services.clients import ClientService
from noteapp.services.contacts import ContactService
from noteapp.services.damage import DamageReport
from noteapp.services.exports import ExportService
from noteapp.services.generations import SeenGenerations, older_copy_warning, upgrade_notice
from noteapp.services.goal_library import GoalLibrary
from noteapp.services.incidents import IncidentService
from noteapp.services.instruments import InstrumentService
from noteapp.services.measures import MeasureService
from noteapp.services.medications import MedicationService
from noteapp.services.notes import NoteService
from noteapp.services.outcomes import OutcomeService
from noteapp.services.paths import AppPaths, default_paths
from noteapp.services.plans import PlanService
from noteapp.services.profile import ProfileService
from noteapp.services.reference import ReferenceService
from noteapp.services.referrals import ReferralService
from noteapp.services.review import ReviewService
from noteapp.services.safety_plans import SafetyPlanService
from noteapp.services.search import SearchService
from noteapp.services.search_blobs import KIND as SEARCH_KIND
from noteapp.services.search_blobs import PRIVATE_KIND as PRIVATE_SEARCH_KIND
from noteapp.services.search_blobs import VaultBlobStore
from noteapp.services.settings import SettingsService
from noteapp.services.signing import SigningService
from noteapp.services.spelling import Speller
from noteapp.services.supervision import SupervisionService
from noteapp.services.sync import SyncService
from noteapp.services.templates import TemplateCatalog
from noteapp.vault import keychain, migrate
from noteapp.vault.migrate import UpgradeReport
from noteapp.vault.store import Vault

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


BUILD_STEPS = 8


class _Steps:
    """Counts the services built, for a progress bar during unlock."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._done = 0

    def __call__(self) -> None:
        self._done += 1
        report_progress(self._progress, self._done, BUILD_STEPS)


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


@dataclass
class Workspace:
    # Private: the front ends reach records only through the services (ARCHITECTURE.md).
    _vault: Vault
    clock: Clock
    paths: AppPaths
    audit: AuditService
    settings: SettingsService
    backups: BackupService
    profile: ProfileService
    clients: ClientService
    templates: TemplateCatalog
    reference: ReferenceService
    notes: NoteService
    speller: Speller
    search: SearchService
    signing: SigningService
    exports: ExportService
    review: ReviewService
    plans: PlanService
    goal_library: GoalLibrary
    measures: MeasureService
    safety_plans: SafetyPlanService
    damage: DamageReport
    instruments: InstrumentService
    outcomes: OutcomeService
    contacts: ContactService
    referrals: ReferralService
    medications: MedicationService
    incidents: IncidentService
    agency: AgencyService
    agency_charts: ChartAdmin
    sync: SyncService
    supervision: SupervisionService
    # What the user should know about the vault just opened (an older copy, an upgrade):
    # the CLI prints these on stderr, the app shows them as banners.
    warnings: list[VaultWarning] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        vault: Vault,
        *,
        paths: AppPaths | None = None,
        clock: Clock | None = None,
        progress: Progress | None = None,
    ) -> Workspace:
        """Compose the services around an unlocked vault. Building a service decrypts its
        records; `progress` hears (services built, BUILD_STEPS)."""
        step = _Steps(progress)
        clock = clock or vault.clock
        paths = paths or default_paths()
        audit = AuditService(vault)
        settings = SettingsService(vault)
        backups = BackupService(
            vault=vault,
            audit=audit,
            settings=settings,
            clock=clock,
            default_dir=paths.default_backup_dir,
        )
        clients = ClientService(vault=vault, audit=audit, backups=backups, clock=clock)
        step()
        profile = ProfileService(vault, audit)
        templates = TemplateCatalog(user_dir=paths.user_templates_dir, vault=vault)
        reference = ReferenceService(vault, audit)
        step()
        notes = NoteService(
            vault=vault,
            audit=audit,
            clients=clients,
            templates=templates,
            reference=reference,
            settings=settings,
            clock=clock,
        )
        step()
        signing = SigningService(
            vault=vault,
            audit=audit,
            notes=notes,
            clients=clients,
            profile=profile,
            settings=settings,
            clock=clock,
            check_passphrase=lambda passphrase: verify_passphrase(vault, passphrase),
        )
        step()
        plans = PlanService(
            vault=vault,
            audit=audit,
            clients=clients,
            notes=notes,
            signing=signing,
            settings=settings,
            clock=clock,
        )
        step()
        safety_plans = SafetyPlanService(
            vault=vault, audit=audit, clients=clients, signing=signing, clock=clock
        )
        step()
        instruments = InstrumentService(vault=vault, audit=audit, clock=clock)
        measures = MeasureService(
            vault=vault, audit=audit, clients=clients, clock=clock, notes=notes, catalog=instruments
        )
        step()
        # The risk gate asks whether the client has a current signed safety plan.
        measures.has_current_safety_plan = safety_plans.has_current
        cm = casemgmt.build(
            vault=vault,
            audit=audit,
            clients=clients,
            notes=notes,
            signing=signing,
            settings=settings,
            clock=clock,
        )
        step()
        damage = DamageReport(
            clients=clients,
            notes=notes,
            signing=signing,
            plans=plans,
            measures=measures,
            safety_plans=safety_plans,
            audit=audit,
            backups=backups,
        )
        # Snapshots record what was damaged when they were taken (rotation keeps a copy from
        # before); a damaged client's code, known from its signed notes, still finds it.
        backups.damaged_records = damage.refs
        clients.damaged_codes = damage.damaged_client_codes
        search = SearchService(
            clients=clients,
            notes=notes,
            store=VaultBlobStore(vault, SEARCH_KIND),
            private_store=VaultBlobStore(vault, PRIVATE_SEARCH_KIND),
        )
        exports = ExportService(
            notes=notes,
            clients=clients,
            signing=signing,
            profile=profile,
            audit=audit,
            clock=clock,
            plans=plans,
            measures=measures,
            settings=settings,
            damage=damage,
        )
        casemgmt.connect(cm, clients=clients, damage=damage, search=search, exports=exports)
        local = LocalCharts(vault)
        agency = AgencyService(local=local, profile=profile, audit=audit, clock=clock)
        return cls(
            _vault=vault,
            clock=clock,
            paths=paths,
            audit=audit,
            settings=settings,
            backups=backups,
            profile=profile,
            clients=clients,
            templates=templates,
            reference=reference,
            notes=notes,
            speller=Speller(vault),
            search=search,
            signing=signing,
            exports=exports,
            review=ReviewService(signing=signing, audit=audit, paper=settings.paper_size),
            plans=plans,
            goal_library=GoalLibrary(vault),
            measures=measures,
            safety_plans=safety_plans,
            damage=damage,
            instruments=instruments,
            outcomes=OutcomeService(
                clients=clients,
                measures=measures,
                audit=audit,
                clock=clock,
                paper=settings.paper_size,
            ),
            contacts=cm.contacts,
            referrals=cm.referrals,
            medications=cm.medications,
            incidents=cm.incidents,
            agency=agency,
            agency_charts=ChartAdmin(agency=agency, clients=clients, audit=audit, clock=clock),
            sync=SyncService(
                agency=agency,
                local=local,
                signing=signing,
                audit=audit,
                clock=clock,
                clients=lambda: clients,
            ),
            supervision=SupervisionService(
                agency=agency, signing=signing, notes=notes, clients=clients, audit=audit
            ),
        )

    def reload(self) -> None:
        """Read every record again (after a sync wrote records into the vault): each
        service is made anew around the same unlocked vault."""
        self.search.close(save=True)  # the new search service checks it against the records
        fresh = Workspace.build(self._vault, paths=self.paths, clock=self.clock)
        for name in fresh.__dataclass_fields__:
            if name not in ("_vault", "clock", "paths", "warnings"):
                setattr(self, name, getattr(fresh, name))

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
        the services being built (see `build`)."""
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
            report = migrate.upgrade(vault)
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
                moved = ws.contacts.migrate_emergency_contacts()
                if failed:
                    ws.audit.record("unlock-failed", detail={"attempts": failed})
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
            self.search.close(save=False)
            self._vault.close()

    def discard(self) -> None:
        """Release the vault without the automatic backup: for a half-made vault about to
        be deleted (a cancelled demo), of which no copy should be kept."""
        self.search.close(save=False)  # the index of a vault about to go is not stored
        self._vault.close()

    # --- the vault, as the front ends may see it -------------------------------------

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

    def signer_with_clock(self, clock: Clock) -> SigningService:
        """A signing service whose signatures carry `clock`'s time: for synthetic data only
        (the demo signs its older notes on their day of service). The passphrase is checked
        by the caller, once."""
        return SigningService(
            vault=self._vault,
            audit=self.audit,
            notes=self.notes,
            clients=self.clients,
            profile=self.profile,
            settings=self.settings,
            clock=clock,
            check_passphrase=lambda _p: None,
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
