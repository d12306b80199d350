"""The template catalog: built-ins plus the user's folder, and per-note snapshots.

A note records the exact template source it was written with (stored once in the vault per
distinct version), so an old note renders as it was written even after a template changes.
"""

from __future__ import annotations

import builtins
from pathlib import Path

from noteapp import crypto
from noteapp.domain.checklist import SectionInfo, TemplateInfo
from noteapp.domain.errors import InvalidInputError, NotFoundError
from noteapp.templates import (
    Template,
    TemplateProblem,
    TemplateRegistry,
    UnknownTemplateError,
    check_template_file,
    load_template_source,
    template_to_source,
)
from noteapp.vault.store import Vault

SNAPSHOT_KIND = "template_snapshot"


def template_info(t: Template) -> TemplateInfo:
    """The plain view of a template that the checklist works with."""
    return TemplateInfo(
        id=t.id,
        name=t.name,
        psychotherapy=t.psychotherapy,
        group=t.group,
        sections=tuple(
            SectionInfo(s.field_id, s.label, s.required, s.role.value if s.role else "")
            for s in t.sections
        ),
    )


class TemplateCatalog:
    def __init__(self, *, user_dir: Path | None, vault: Vault | None = None) -> None:
        self.user_dir = user_dir
        self._vault = vault
        self._registry = TemplateRegistry(user_dir=user_dir)
        self._snapshots: dict[str, Template] = {}
        self.reload()

    def reload(self) -> None:
        """Re-read the user folder; a broken user template is listed, never fatal."""
        self._registry.load()

    def list(self) -> builtins.list[Template]:
        return sorted(self._registry.templates.values(), key=lambda t: (t.psychotherapy, t.name))

    @property
    def broken(self) -> builtins.list[tuple[Path, str]]:
        return [(Path(p), str(msg)) for p, msg in self._registry.broken]

    def get(self, template_id: str) -> Template:
        try:
            return self._registry.get(template_id)
        except UnknownTemplateError as exc:
            known = ", ".join(sorted(self._registry.templates))
            raise InvalidInputError(
                f"Unknown template '{template_id[:40]}'. Known templates: {known}."
            ) from exc

    @staticmethod
    def check_file(path: Path) -> builtins.list[TemplateProblem]:
        return check_template_file(Path(path))

    # --- snapshots ---------------------------------------------------------------------

    def snapshot(self, template: Template) -> str:
        """Store this exact template version in the vault (once); returns its snapshot id."""
        if self._vault is None:
            raise InvalidInputError("No vault is open.")
        source = template_to_source(template)
        digest = crypto.sha256(source.encode()).hex()[:16]
        snapshot_id = f"{template.id}.v{template.version}.{digest}"
        if not self._vault.exists(SNAPSHOT_KIND, snapshot_id):
            # Content-addressed and written once: a snapshot never gets a second version.
            self._vault.put(SNAPSHOT_KIND, snapshot_id, {"source": source}, expected_version=0)
        self._snapshots[snapshot_id] = template
        return snapshot_id

    def from_snapshot(self, snapshot_id: str) -> Template:
        cached = self._snapshots.get(snapshot_id)
        if cached is not None:
            return cached
        if self._vault is None:
            raise InvalidInputError("No vault is open.")
        try:
            source = self._vault.get(SNAPSHOT_KIND, snapshot_id).data["source"]
        except NotFoundError:
            # A note from before snapshots existed: fall back to the current template.
            return self.get(snapshot_id.split(".v")[0])
        template = load_template_source(source, f"snapshot {snapshot_id}")
        self._snapshots[snapshot_id] = template
        return template
