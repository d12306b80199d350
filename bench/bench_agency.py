"""Agency sync benchmark: the first sync of 50,000 record versions and an incremental sync of
100, over loopback, against a throwaway PostgreSQL cluster (tests/agency/cluster.py).

One clinician's vault holds 50 charts of 1,000 versions each (the client, and 333 notes of
three versions: two drafts and the signed one), invented text only. Measured: her first sync
(everything pushed), a colleague's first sync (everything pulled and checked; another
member's drafts are checked and tracked but not written, so each note lands once, signed),
then 100 new versions pushed and pulled. Needs PostgreSQL's server binaries.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from bench.common import FAST_KDF, PASSPHRASE
from noteapp.domain.clock import FakeClock
from noteapp.domain.notes import note_to_dict
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from tests.agency.cluster import Cluster, find_bindir

CHARTS = 50
NOTES_PER_CHART = 333  # x 3 versions + the client = 1,000 versions per chart
QUICK_CHARTS = 5
INCREMENT = 100
_WORDS = [
    "client",
    "reported",
    "sleep",
    "anxiety",
    "mood",
    "stress",
    "work",
    "family",
    "coping",
    "skills",
    "homework",
    "goals",
    "plan",
    "progress",
    "support",
    "thoughts",
    "worry",
    "avoidance",
    "exposure",
    "breathing",
    "mindfulness",
    "routine",
]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


@contextlib.contextmanager
def _url_env(url: str) -> Iterator[None]:
    os.environ["NOTEAPP_AGENCY_URL"] = url
    try:
        yield
    finally:
        del os.environ["NOTEAPP_AGENCY_URL"]


def _vault(folder: Path, name: str, full_name: str) -> Workspace:
    ws, _ = Workspace.create(
        folder / f"{name}.noteapp", PASSPHRASE, params=FAST_KDF, clock=FakeClock(),
        paths=AppPaths(folder / f"{name}-data", folder / f"{name}-config"),
    )  # fmt: skip
    ws.profile.set(name=full_name, credentials="LCSW")
    return ws


def _fill(ws: Workspace, charts: int, rng: random.Random) -> tuple[list[str], dict[str, Any]]:
    """Synthetic charts written straight into the vault (setup, not measured)."""
    clients = [ws.clients.add(name=f"Client {n:03d} Example") for n in range(charts)]
    template = ws.notes.new(client_id=clients[0].id, template_id="dap")
    model = note_to_dict(template)
    ws.notes.delete_draft(template.id)
    vault = ws._vault  # bench only: bulk setup without the services' per-save work
    with ws.transaction():
        for client in clients:
            for n in range(NOTES_PER_CHART):
                note_id = f"{rng.getrandbits(128):032x}"
                data: dict[str, Any] = {**model, "id": note_id, "client_id": client.id}
                for step in range(3):
                    data = {
                        **data,
                        "fields": {
                            "data": _text(rng, 120 + step * 20),
                            "assessment": _text(rng, 60),
                            "plan": _text(rng, 40),
                        },
                        "status": "signed" if step == 2 else "draft",
                    }
                    vault.put("note", note_id, data)
                del n
    return [c.id for c in clients], model


def _timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(charts: int) -> dict[str, Any]:
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("bench_agency needs PostgreSQL's server binaries (initdb, pg_ctl)")
    cluster = Cluster.create(bindir)
    folder = Path(tempfile.mkdtemp(prefix="noteapp-bench-agency-"))
    try:
        with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
            conn.execute('CREATE ROLE "bench_admin" LOGIN CREATEROLE')
            conn.execute('CREATE DATABASE "bench" OWNER "bench_admin"')

        def url(login: str) -> str:
            return cluster.conninfo(user=login, dbname="bench")

        admin = _vault(folder, "admin", "Ada Okafor")
        dana = _vault(folder, "dana", "Dana Whitfield")
        sam = _vault(folder, "sam", "Sam Ortiz")
        with _url_env(url("bench_admin")):
            info, _ = admin.agency.init(recovery_key_file=folder / "recovery.key")
            for login in ("bench_dana", "bench_sam"):
                admin.agency.add_member(login=login, password=None)
        for ws, login in ((dana, "bench_dana"), (sam, "bench_sam")):
            with _url_env(url(login)):
                ws.agency.join(admin_fingerprint=info.admin_fingerprint)
            profile = ws.profile.get()
            assert profile is not None
            with _url_env(url("bench_admin")):
                admin.agency.certify(login, fingerprint=profile.fingerprint)
        rng = random.Random(14)
        clients, model = _fill(dana, charts, rng)
        with _url_env(url("bench_admin")):
            for client in clients:
                admin.agency_charts.assign(client=client, member="bench_dana", role="clinician")
                admin.agency_charts.assign(client=client, member="bench_sam", role="clinician")
        push_s, pushed = _timed(dana.sync.sync)
        pull_s, pulled = _timed(sam.sync.sync)
        assert pushed.ok and pulled.ok and pulled.pulled == pushed.pushed
        with psycopg.connect(cluster.conninfo(dbname="bench")) as conn:
            size = conn.execute("SELECT pg_database_size('bench')").fetchone()
        # Incremental: 100 new signed notes across the charts.
        with dana.transaction():
            for n in range(INCREMENT):
                data = dict(model)
                data.update(id=f"{rng.getrandbits(128):032x}", client_id=clients[n % len(clients)],
                            status="signed", fields={"data": _text(rng, 150)})  # fmt: skip
                dana._vault.put("note", data["id"], data)
        inc_push_s, inc_pushed = _timed(dana.sync.sync)
        inc_pull_s, inc_pulled = _timed(sam.sync.sync)
        assert inc_pushed.pushed == INCREMENT and inc_pulled.pulled == INCREMENT
        return {
            "versions": pushed.pushed,
            "charts": charts,
            "first_push_s": push_s,
            "first_pull_s": pull_s,
            "written_by_pull": pulled.written,
            "increment": INCREMENT,
            "inc_push_s": inc_push_s,
            "inc_pull_s": inc_pull_s,
            "server_mb": (size[0] if size else 0) / 1e6,
        }
    finally:
        for ws in locals().get("admin"), locals().get("dana"), locals().get("sam"):
            if ws is not None:
                with contextlib.suppress(Exception):
                    ws.close()
        cluster.destroy()


def main(*, quick: bool = False) -> None:
    figures = run(QUICK_CHARTS if quick else CHARTS)
    v = figures["versions"]
    print("\n## Agency sync (loopback PostgreSQL)\n")
    print("| what | time | per version |")
    print("|---|---|---|")
    for label, key, count in (
        (f"first sync, push {v:,} versions ({figures['charts']} charts)", "first_push_s", v),
        (f"first sync, pull {v:,} versions (checked; {figures['written_by_pull']:,} written)",
         "first_pull_s", v),
        (f"incremental push of {figures['increment']}", "inc_push_s", figures["increment"]),
        (f"incremental pull of {figures['increment']}", "inc_pull_s", figures["increment"]),
    ):  # fmt: skip
        seconds = figures[key]
        print(f"| {label} | {seconds:.1f} s | {seconds / count * 1000:.2f} ms |")
    print(f"\nServer database after the first sync: {figures['server_mb']:.0f} MB.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.bench_agency")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CHARTS} charts")
    main(quick=parser.parse_args().quick)
