"""How the signed record of a note reads on screen: the signature, then every correction and
review in the order it was made. Used by the editor (vault items) and the Review screen
(items read from a file). Everything is escaped: payload text is the clinician's words."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.ui.theme import colour
from noteapp.ui.widgets.safe_text import escape


def _css() -> str:
    """Colours of the current scheme, on the panel's own (palette) background."""
    return f"""
body {{ font-family: 'DejaVu Sans', 'Segoe UI', sans-serif; }}
h3 {{ font-size: 11pt; margin: 0 0 4px 0; }}
p {{ margin: 0 0 4px 0; }}
.sig {{ color: {colour("success_text")}; }}
.meta {{ color: {colour("muted_text")}; }}
.fp {{ font-family: 'DejaVu Sans Mono', 'Consolas', monospace; color: {colour("muted_text")}; }}
"""


# Each kind of signed item has its own semantic colour (and its name in words beside it).
KIND_COLOURS = {
    ItemType.NOTE: "success_text",
    ItemType.ADDENDUM: "info_text",
    ItemType.AMENDMENT: "warning_text",
    ItemType.LATE_ENTRY: "private_text",
    ItemType.COSIGNATURE: "success_text",
    ItemType.RETURN: "danger_text",
}


def _s(d: dict[str, Any], key: str) -> str:
    value = d.get(key, "")
    return value if isinstance(value, str) else ""


def _t(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def signer_text(author: dict[str, Any]) -> str:
    """'Dana Whitfield, LCSW (License LCSW-000000)'."""
    name, credentials = _s(author, "name"), _s(author, "credentials")
    license_no = _s(author, "license_number")
    text = f"{name}, {credentials}" if credentials else name
    return f"{text} (License {license_no})" if license_no else text


def short_hash(h: str) -> str:
    return " ".join(h[i : i + 4] for i in range(0, 16, 4))


def signed_when(item: SignedItem) -> str:
    return _s(item.payload, "signed_at_display") or item.signed_at


def signature_sentence(item: SignedItem) -> str:
    verb = {
        ItemType.COSIGNATURE: "Co-signed electronically by",
        ItemType.RETURN: "Returned for revision by",
    }.get(item.type, "Electronically signed by")
    return f"{verb} {signer_text(item.author)} on {signed_when(item)}"


def item_html(item: SignedItem) -> str:
    """One signed item as a block: kind, who and when, reason / comments, text, key."""
    p = item.payload
    kind = colour(KIND_COLOURS.get(item.type, "text"))
    label = "Signature" if item.type == ItemType.NOTE else item.type.label
    out = [
        f'<h3 style="color:{kind}">{escape(label)}</h3>',
    ]
    if item.type.is_correction:
        out.append(
            f'<p class="meta">By {escape(signer_text(item.author))} · written '
            f"{escape(signed_when(item))}</p>"
        )
        if _s(p, "date_of_service"):
            out.append(f"<p><b>Date of service covered:</b> {escape(_s(p, 'date_of_service'))}</p>")
        if _s(p, "reason"):
            out.append(f"<p><b>Reason:</b> {_t(_s(p, 'reason'))}</p>")
        out.append(f"<p>{_t(_s(p, 'text'))}</p>")
    elif item.type == ItemType.RETURN:
        out.append(
            f'<p style="color:{colour("danger_text")}"><b>Supervisor\'s comments — revision '
            "requested:</b></p>"
        )
        out.append(f"<p>{_t(_s(p, 'comments'))}</p>")
    elif item.type == ItemType.COSIGNATURE:
        out.append(f"<p><i>{_t(_s(p, 'statement'))}</i></p>")
    elif _s(p, "attestation"):
        out.append(f"<p><i>{_t(_s(p, 'attestation'))}</i></p>")
    out.append(f'<p class="sig">{escape(signature_sentence(item))}</p>')
    out.append(
        f'<p class="fp">Key {escape(item.fingerprint)} · signed content '
        f"{escape(short_hash(item.hash))}</p>"
    )
    return "".join(out)


def record_html(items: Iterable[SignedItem]) -> str:
    """The note's signature, corrections and reviews, separated by rules."""
    blocks = [item_html(i) for i in items]
    body = "<hr/>".join(blocks) if blocks else "<p><i>Not signed yet.</i></p>"
    return f"<html><head><style>{_css()}</style></head><body>{body}</body></html>"
