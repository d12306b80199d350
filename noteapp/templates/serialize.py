"""Canonical TOML serialisation of templates (the snapshot text stored with each note)."""

from __future__ import annotations

from noteapp.templates.model import OPTION_KINDS, FieldKind, Template


def _toml_string(value: str) -> str:
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_body(body: str) -> str:
    literal_ok = (
        "'''" not in body
        and not body.endswith("'")
        and all(ch in "\n\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7F) for ch in body)
    )
    if literal_ok:
        return "'''\n" + body + "'''"
    out = []
    for ch in body:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch in "\n\t":
            out.append(ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"""\n' + "".join(out) + '"""'


def _toml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_toml_string(value) for value in values) + "]"


def template_to_source(template: Template) -> str:
    """Serialise ``template`` to canonical TOML text; ``load_template_source`` reads it back equal.

    Notes store this text as the snapshot of the template version they were written with.
    """
    lines = [
        f"id = {_toml_string(template.id)}",
        f"name = {_toml_string(template.name)}",
        f"version = {template.version}",
        f"description = {_toml_string(template.description)}",
        f"psychotherapy = {'true' if template.psychotherapy else 'false'}",
        f"group = {'true' if template.group else 'false'}",
        "",
        f"body = {_toml_body(template.body)}",
    ]
    for section in template.sections:
        lines += [
            "",
            "[[sections]]",
            f"field_id = {_toml_string(section.field_id)}",
            f"label = {_toml_string(section.label)}",
            f"kind = {_toml_string(section.kind.value)}",
            f"required = {'true' if section.required else 'false'}",
        ]
        if section.role is not None:
            lines.append(f"role = {_toml_string(section.role.value)}")
        if section.kind in OPTION_KINDS:
            lines.append(f"options = {_toml_list(section.options)}")
        if section.kind is FieldKind.SCALE:
            lines.append(f"scale_min = {section.scale_min}")
            lines.append(f"scale_max = {section.scale_max}")
            if section.scale_labels:
                lines.append(f"scale_labels = {_toml_list(section.scale_labels)}")
        lines.append(f"hint = {_toml_string(section.hint)}")
    return "\n".join(lines) + "\n"
