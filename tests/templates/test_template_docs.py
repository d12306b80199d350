"""The examples in docs/templates.md stay valid."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from noteapp.domain.document import BulletList, Heading, Paragraph
from noteapp.templates import build_render_context, check_template_source, render_note

DOC = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def _blocks(language: str) -> list[str]:
    """Fenced code blocks of ``language`` ("" for plain fences), in order."""
    blocks: list[str] = []
    current: list[str] | None = None
    fence_language = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("```") and current is None:
            current, fence_language = [], line[3:].strip()
        elif line.startswith("```"):
            if fence_language == language and current is not None:
                blocks.append("\n".join(current) + "\n")
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def test_documented_example_template_is_valid() -> None:
    template, problems = check_template_source(_blocks("toml")[0], "docs example")
    assert problems == []
    assert template is not None and template.id == "agency_soap"


def test_documented_generic_body_renders_every_section() -> None:
    template, _ = check_template_source(_blocks("toml")[0], "docs example")
    assert template is not None
    generic = next(block for block in _blocks("") if "{% for s in sections %}" in block)
    template = dataclasses.replace(template, body=generic)
    ctx = build_render_context(template, fields={"subjective": "Slept well."})
    doc = render_note(template, ctx)
    assert doc.blocks == (
        Heading(2, "Subjective"),
        Paragraph("Slept well."),
        Heading(2, "Plan"),
        Paragraph("—"),
    )
    assert not any(isinstance(block, BulletList) for block in doc.blocks)
