"""Note templates: TOML definitions, sandboxed Jinja2 rendering to documents, and the registry."""

from __future__ import annotations

from noteapp.templates.context import build_render_context, plain_context, sample_context
from noteapp.templates.limits import MAX_ITERATIONS, MAX_OUTPUT_CHARS, TIME_LIMIT_SECONDS
from noteapp.templates.model import (
    FieldKind,
    Section,
    SectionRole,
    Template,
    TemplateError,
    TemplateProblem,
    TemplateRenderError,
    TemplateSourceError,
    UnknownTemplateError,
)
from noteapp.templates.registry import (
    TemplateRegistry,
    builtin_template_files,
    check_template_file,
    check_template_source,
)
from noteapp.templates.render import render_note
from noteapp.templates.serialize import template_to_source
from noteapp.templates.source import load_template_source, parse_template_source

__all__ = [
    "MAX_ITERATIONS",
    "MAX_OUTPUT_CHARS",
    "TIME_LIMIT_SECONDS",
    "FieldKind",
    "Section",
    "SectionRole",
    "Template",
    "TemplateError",
    "TemplateProblem",
    "TemplateRegistry",
    "TemplateRenderError",
    "TemplateSourceError",
    "UnknownTemplateError",
    "build_render_context",
    "builtin_template_files",
    "check_template_file",
    "check_template_source",
    "load_template_source",
    "parse_template_source",
    "plain_context",
    "render_note",
    "sample_context",
    "template_to_source",
]
