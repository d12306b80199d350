"""Rendering snapshots of every built-in template (regenerate with UPDATE_SNAPSHOTS=1)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.document import document_plain_text, document_to_dict
from noteapp.templates import Template, TemplateRegistry, render_note, sample_context

SNAPSHOTS = Path(__file__).parent / "snapshots"
BUILTIN_IDS = [
    "birp", "contact", "crisis", "dap", "discharge", "girp", "group", "intake", "pirp",
    "psychotherapy", "soap",
]  # fmt: skip


def _compare(path: Path, actual: str) -> None:
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"missing snapshot {path.name}; run with UPDATE_SNAPSHOTS=1"
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} changed"


def test_every_builtin_has_a_snapshot(registry: TemplateRegistry) -> None:
    assert registry.ids() == sorted(BUILTIN_IDS)
    assert registry.broken == []


@pytest.mark.parametrize("template_id", BUILTIN_IDS)
def test_builtin_snapshot(
    registry: TemplateRegistry,
    make_filled_context: Callable[[Template], dict[str, Any]],
    template_id: str,
) -> None:
    template = registry.get(template_id)
    doc = render_note(template, make_filled_context(template))
    _compare(SNAPSHOTS / f"{template_id}.txt", document_plain_text(doc) + "\n")
    dumped = json.dumps(document_to_dict(doc), indent=2, ensure_ascii=False) + "\n"
    _compare(SNAPSHOTS / f"{template_id}.json", dumped)


@pytest.mark.parametrize("template_id", BUILTIN_IDS)
def test_builtin_empty_note_renders_cleanly(registry: TemplateRegistry, template_id: str) -> None:
    template = registry.get(template_id)
    doc = render_note(template, sample_context(template, filled=False))
    text = document_plain_text(doc)
    # Required sections stay visible with a dash; no session rows appear without data.
    for section in template.sections:
        assert (section.label in text) == section.required
    assert "Service code" not in text
    assert doc.title == template.name
