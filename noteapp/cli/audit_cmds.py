"""Audit commands: list the log (ids only) and verify its hash chain."""

from __future__ import annotations

import argparse

from noteapp.cli import common
from noteapp.cli.common import CommandSpec


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(
        subparsers,
        "audit",
        "the append-only, hash-chained audit log",
        description="The audit log records unlocks, creations, edits, backups, restores and "
        "passphrase changes. It names records by id only.",
    )
    list_ = common.add_command(
        group, CommandSpec("list", "list the entries (seq, time, action, kind, id)", run_list)
    )
    common.add_json_flag(list_)
    verify = common.add_command(
        group,
        CommandSpec(
            "verify",
            "check the hash chain; exit 1 at the first broken link",
            run_verify,
        ),
    )
    common.add_json_flag(verify)


def run_list(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        entries, unreadable = ws.audit.read()
    # Never hide an entry that cannot be read: say which, and how to check the chain.
    for seq in unreadable:
        common.warn(f"audit entry {seq} cannot be read; run 'noteapp audit verify'.")
    if args.json:
        common.emit_json(
            [
                {
                    "seq": e.seq,
                    "time": e.time,
                    "action": e.action,
                    "kind": e.kind,
                    "record_id": e.record_id,
                }
                for e in entries
            ]
        )
        return 0
    rows = [(str(e.seq), e.time, e.action, e.kind or "-", e.record_id or "-") for e in entries]
    common.out(common.table(("SEQ", "TIME", "ACTION", "KIND", "RECORD"), rows))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        result = ws.audit.verify()
    if args.json:
        common.emit_json(
            {
                "ok": result.ok,
                "entries": result.entries,
                "first_broken": result.first_broken,
                "message": result.message,
            }
        )
    elif result.ok:
        common.out(result.message)
    else:
        common.out(f"BROKEN at entry {result.first_broken}: {result.message}")
    return 0 if result.ok else 1
