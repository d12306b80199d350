"""`noteapp search TEXT`: clients and notes, through the index kept encrypted in the vault."""

from __future__ import annotations

import argparse

from noteapp.cli import common
from noteapp.cli.common import CommandSpec


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = common.add_command(
        subparsers,
        CommandSpec(
            "search", "search clients and notes (every word, as a word prefix)", run_search
        ),
    )
    p.add_argument("text", metavar="TEXT", help='words to find; "quotes" for a phrase')
    p.add_argument("--client", metavar="ID", help="only this client")
    p.add_argument("--template", metavar="T", help="only notes of this template")
    p.add_argument("--status", choices=["draft", "signed", "active", "discharged"])
    p.add_argument("--from", dest="date_from", metavar="DATE", help="from this date")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="up to this date")
    p.add_argument(
        "--include-psychotherapy",
        action="store_true",
        help="also search psychotherapy (process) notes",
    )
    p.add_argument("--limit", type=int, default=50, metavar="N")
    common.add_json_flag(p)


def run_search(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        # Loaded from the vault; rebuilt only when missing (a vault from before, a restore)
        # or damaged, and then stored when the vault closes.
        ws.search.prepare(on_build=lambda: common.info(BUILDING))
        client_id = common.client_id_even_if_damaged(ws, args.client) if args.client else None
        # What could not be searched: the results may be missing matches inside it.
        gaps = ws.damage.search_gaps(
            client_id=client_id, include_psychotherapy=args.include_psychotherapy
        )
        results = ws.search.search(
            args.text,
            client_id=client_id,
            template=args.template,
            status=args.status,
            date_from=common.parse_date(args.date_from, "--from date"),
            date_to=common.parse_date(args.date_to, "--to date"),
            include_psychotherapy=args.include_psychotherapy,
            limit=max(1, args.limit),
        )
        if args.json:
            common.emit_json(
                [
                    {
                        "id": h.key,
                        "kind": h.kind,
                        "client": h.client_id,
                        "title": h.title,
                        "date": h.date.isoformat() if h.date else None,
                        "field": h.field,
                        "snippet": h.snippet,
                        "damaged": False,
                    }
                    for h in results.hits
                ]
                + [
                    common.damaged_entry(
                        ws,
                        r,
                        _HIT_KEYS,
                        id=r.record_id,
                        kind=r.kind,
                        client=r.client_id or None,
                        date=r.date or None,
                    )
                    for r in gaps
                ]
            )
            return common.damaged_exit(gaps)
    for h in results.hits:
        when = h.date.isoformat() if h.date else ""
        common.out(f"{h.kind:<8} {when:<10} {h.title}  [{h.key}]")
        if h.snippet:
            common.out(f"         {h.field}: {common.one_line(h.snippet)}")
    common.info(
        f"{results.total} match(es)"
        + (f", showing {len(results.hits)}" if results.total > len(results.hits) else "")
    )
    if gaps:
        common.warn(
            f"{len(gaps)} damaged record(s) could not be searched, so matches inside them are "
            "missing: " + ", ".join(r.describe() for r in gaps) + "."
        )
    return common.damaged_exit(gaps)


_HIT_KEYS = ("id", "kind", "client", "title", "date", "field", "snippet")
BUILDING = "Building the search index (once: it is kept, encrypted, in the vault)…"
