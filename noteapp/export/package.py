"""The package around the parts: a .docx that readers could resolve in two ways is refused.

Zip and Open Packaging lookups are by name, and a name can be written twice: two zip entries
called ``word/document.xml``, two relationships with the id ``rId1``, two content types for
one part. Python's zipfile and python-docx take the last of each; LibreOffice followed the
first relationship of a duplicated id and showed a header naming another client while the
verifier read the signed one. Nothing noteapp, Word or LibreOffice writes repeats a name, so
any repetition is refused before a part is read (security requirement "fail closed").
"""

from __future__ import annotations

import zipfile
from typing import Any

from lxml import etree

from noteapp.export.errors import ExportReadError

_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)
_CANNOT = "readers may use either, so the document cannot be verified"


def _shown(name: str) -> str:
    # Names come from the file: keep them short (the CLI escapes control characters).
    return name if len(name) <= 60 else name[:60] + "…"


def _parse(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    try:
        return etree.fromstring(zf.read(info), _SAFE_PARSER)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError):
        raise ExportReadError(
            f"The package part {_shown(info.filename)} of this document is damaged."
        ) from None


def _repeated(values: list[str]) -> str | None:
    seen: set[str] = set()
    for value in values:
        key = value.casefold()  # part names are case-insensitive (Open Packaging, 9.1.1.1)
        if key in seen:
            return value
        seen.add(key)
    return None


def check_unambiguous(zf: zipfile.ZipFile) -> None:
    """Raise :class:`ExportReadError` if a part, relationship or content type is named twice."""
    infos = zf.infolist()
    twice = _repeated([i.filename.replace("\\", "/").lstrip("/") for i in infos])
    if twice is not None:
        raise ExportReadError(f"This document holds the part {_shown(twice)} twice; {_CANNOT}.")
    for info in infos:
        if info.filename.lower().endswith(".rels"):
            root = _parse(zf, info)
            ids = [str(r.get("Id", "")) for r in root.iterfind(f"{{{_RELS_NS}}}Relationship")]
            # Relationship ids are compared exactly (they are XML ids, not part names).
            seen: set[str] = set()
            for rid in ids:
                if rid in seen:
                    raise ExportReadError(
                        f"This document names the relationship {_shown(rid)} twice in "
                        f"{_shown(info.filename)}; {_CANNOT}."
                    )
                seen.add(rid)
        elif info.filename == "[Content_Types].xml":
            root = _parse(zf, info)
            for tag, attr in (("Override", "PartName"), ("Default", "Extension")):
                values = [str(e.get(attr, "")) for e in root.iterfind(f"{{{_TYPES_NS}}}{tag}")]
                twice = _repeated(values)
                if twice is not None:
                    raise ExportReadError(
                        f"This document gives the content type of {_shown(twice)} twice; {_CANNOT}."
                    )
