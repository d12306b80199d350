"""Note templates: TOML definitions, sandboxed Jinja2 rendering to documents, and the registry.

Names are imported from their modules when first used (PEP 562): reading a template's
structure or listing the registry's names does not import Jinja2, and a command that never
renders a note never pays for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_FROM = {
    "context": ("build_render_context", "plain_context", "sample_context"),
    "limits": ("MAX_ITERATIONS", "MAX_OUTPUT_CHARS", "TIME_LIMIT_SECONDS"),
    "model": (
        "FieldKind",
        "Section",
        "SectionRole",
        "Template",
        "TemplateError",
        "TemplateProblem",
        "TemplateRenderError",
        "TemplateSourceError",
        "UnknownTemplateError",
    ),
    "registry": (
        "TemplateRegistry",
        "builtin_template_files",
        "check_template_file",
        "check_template_source",
    ),
    "render": ("render_note",),
    "serialize": ("template_to_source",),
    "source": ("load_template_source", "parse_template_source"),
}
_MODULE_OF = {name: module for module, names in _FROM.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'noteapp.templates' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"noteapp.templates.{module}"), name)
    globals()[name] = value
    return value


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
