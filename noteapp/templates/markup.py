"""The line-based note markup and the encoding that keeps field values from ever becoming markup."""

from __future__ import annotations

from collections.abc import Iterable

from noteapp.domain.document import (
    Block,
    BulletList,
    Document,
    Heading,
    KeyValueTable,
    Paragraph,
)

# Private-use characters: every value printed by ``{{ ... }}`` is wrapped in OPEN/CLOSE
# and its newlines become NEWLINE, so a clinician's text can never start a heading, a
# bullet or a table row, whatever it contains. They are stripped from input values first.
OPEN = "\ue000"
CLOSE = "\ue001"
NEWLINE = "\ue002"
SENTINELS = (OPEN, CLOSE, NEWLINE)
_STRIP = str.maketrans(dict.fromkeys(map(ord, SENTINELS)))
_DECODE = str.maketrans({OPEN: None, CLOSE: None, NEWLINE: "\n"})
_HEADINGS = (("### ", 3), ("## ", 2), ("# ", 1))
_BLANKS = " \t"


def strip_sentinels(text: str) -> str:
    """Remove the private-use characters reserved for the encoding."""
    return text.translate(_STRIP)


def encode_value(text: str) -> str:
    """Encode one printed value so the markup parser treats it as data only."""
    return OPEN + strip_sentinels(text).replace("\n", NEWLINE) + CLOSE


def decode(text: str) -> str:
    """Turn encoded text back into the plain text it stands for."""
    return text.translate(_DECODE)


def _strip_outside(raw: str) -> str:
    """Strip spaces and tabs at the ends of a line, but never inside an encoded value."""
    return raw.strip(_BLANKS)


def _split_row(rest: str) -> tuple[str, str]:
    """Split ``Key | value`` at the first ``|`` that is template text, not inside a value."""
    depth = 0
    for index, ch in enumerate(rest):
        if ch == OPEN:
            depth += 1
        elif ch == CLOSE:
            depth = max(0, depth - 1)
        elif ch == "|" and depth == 0:
            return rest[:index], rest[index + 1 :]
    return rest, ""


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.paragraph: list[str] = []
        self.bullets: list[str] = []
        self.rows: list[tuple[str, str]] = []

    def flush(self, keep: str = "") -> None:
        if self.paragraph and keep != "paragraph":
            self.blocks.append(Paragraph("\n".join(self.paragraph)))
            self.paragraph = []
        if self.bullets and keep != "bullets":
            self.blocks.append(BulletList(tuple(self.bullets)))
            self.bullets = []
        if self.rows and keep != "rows":
            self.blocks.append(KeyValueTable(tuple(self.rows)))
            self.rows = []

    def line(self, raw: str) -> None:
        line = _strip_outside(raw)
        if not decode(line).strip():
            self.flush()
            return
        for prefix, level in _HEADINGS:
            if line.startswith(prefix):
                self.flush()
                self.blocks.append(Heading(level, decode(_strip_outside(line[len(prefix) :]))))
                return
        if line.startswith("- ") or line == "-":
            self.flush(keep="bullets")
            self.bullets.append(decode(_strip_outside(line[2:])))
            return
        if line.startswith("| "):
            self.flush(keep="rows")
            key, value = _split_row(line[2:])
            value = _strip_outside(value)
            if value.endswith("|"):  # allow a closing "| Key | value |" style
                value = _strip_outside(value[:-1])
            if decode(value).strip():  # rows without a value are left out, by design
                self.rows.append((decode(_strip_outside(key)), decode(value)))
            return
        self.flush(keep="paragraph")
        self.paragraph.append(decode(line))


def parse_markup(lines: Iterable[str], default_title: str) -> Document:
    """Build a :class:`Document` from rendered markup lines.

    ``# `` heading 1 (``## ``, ``### `` smaller), ``- `` bullet item, ``| Key | value``
    key-value row (left out when the value is empty, so optional session details need no
    ``if``), blank line ends a paragraph, other lines are paragraph text. A first
    level-1 heading becomes the document title; otherwise ``default_title`` is used.
    """
    builder = _Builder()
    for raw in lines:
        builder.line(raw)
    builder.flush()
    blocks = builder.blocks
    title = default_title
    if blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1:
        title = blocks[0].text
        blocks = blocks[1:]
    return Document(title=title, blocks=tuple(blocks))
