"""How the cost of a command grows with the vault (issue #11): one table, 1,000 to 200,000 notes.

For each size a vault is built by `bench.synthetic` (50 notes a client, 98 % signed with their
signature records, a measure with every other note, a signed treatment plan for every
fourth client, the audit entries of that work); the 200,000-note vault is built here, never
committed. Then, each in a fresh process and the median of 3:

- CLI commands (`client list`, `note list --client`, `note show`, `measure list --client`):
  the process's wall time minus the same command on a vault with one client and one note
  ("beyond an empty vault"), and its peak resident memory (VmHWM);
- the app without Qt: unlock → the data of the Today page (drafts with their checklist,
  notes awaiting a co-signature, returned notes, plan reviews due, clients without a plan,
  signed notes without progress, open risk flags) beyond the KDF; the first search after
  that, before the index was opened (the vault holds its stored index, as any vault that
  was searched before does); an autosave of a draft; peak memory;
- the file: its size and where the bytes go.

Targets (from the issue): each CLI command ≤ 0.15 s beyond an empty vault and ≤ 120 MB at
10,000 notes; in the app at 50,000 notes unlock → Today ≤ 1 s beyond the KDF, the first
search ≤ 100 ms after unlock, ≤ 200 MB, an autosave ≤ 20 ms.

    .venv/bin/python -m bench --only bench_scale             # 1k, 10k, 50k, 200k
    .venv/bin/python -m bench.bench_scale --sizes 1000 10000  # some sizes
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import FAST_KDF, PASSPHRASE, REPEATS, median

SIZES = (1_000, 10_000, 50_000, 200_000)
QUICK_SIZES = (1_000, 5_000)
COMMANDS = ("client list", "note list --client", "note show", "measure list --client")


# --- the app, without Qt (a child process) --------------------------------------------------


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def today_page(ws: Any) -> dict[str, int]:
    """What a Today page shows (issue #11): drafts with what blocks their signing, notes
    returned by a supervisor, open risk flags, plan reviews due, measures due by the plans'
    "measured by" — computed as ui/main_builder.py does, names included."""
    from noteapp.domain.notes import NoteStatus

    names = {t.id: t.name for t in ws.templates.list()}
    who = {c.id: c.name for c in ws.clients.list()}
    drafts = ws.notes.list(status=NoteStatus.DRAFT, include_psychotherapy=False)
    blocking = [len(r.blocking) for r in ws.notes.check_all(drafts)]
    rows = [(n.id, who.get(n.client_id), names.get(n.template_id, "")) for n in drafts]
    returned = ws.signing.returned()
    reviews = ws.plans.due_reviews()
    flags = ws.measures.open_risk_flags()
    return {
        "drafts": len(rows),
        "blocking": sum(blocking),
        "returned": len(returned),
        "plan_reviews": len(reviews),
        "risk_flags": len(flags),
        "measures_due": len(measures_due(ws)),
    }


def measures_due(ws: Any, every_days: int = 30) -> list[tuple[str, str]]:
    """(client, instrument) a current signed plan measures progress with ("PHQ-9 every 2
    weeks") that was not given in `every_days`: from the plans and the measures' summaries
    (the Today page's measures-due list, as services/worklist.py computes it)."""
    today = ws.clock.now().date()
    wanted = set()
    for client in ws.clients.list():
        plan = ws.plans.current_signed(client.id) if client.status.value == "active" else None
        if plan is None or not plan.is_current(today):
            continue
        for objective in plan.active_objectives():
            text = objective.measured_by.upper().replace("-", "")
            for instrument in ("PHQ9", "GAD7"):
                if instrument in text:
                    wanted.add((client.id, instrument.lower()))
    last: dict[tuple[str, str], Any] = {}
    for m in ws.measures.summaries():
        key = (m.client_id, m.instrument)
        if key in wanted and (key not in last or m.on > last[key]):
            last[key] = m.on
    return [k for k in wanted if k not in last or (today - last[k]).days > every_days]


# A word of the synthetic notes' vocabulary (bench/common.py), in about one note in ten.
SEARCH_WORD = "sleep"


def child_index(vault: str, home: str) -> dict[str, Any]:
    """Setup, not measured: a vault in use holds its search index (stored at close)."""
    from noteapp.services.paths import AppPaths
    from noteapp.services.workspace import Workspace

    ws = Workspace.unlock(Path(vault), PASSPHRASE, paths=AppPaths(Path(home), Path(home)))
    ws.search.prepare()
    ws.search.close(save=True)
    ws.discard()  # no backup of a benchmark vault
    return {}


def child_app(vault: str, home: str) -> dict[str, Any]:
    from noteapp import crypto
    from noteapp.domain import contacts, incidents, medications, referrals
    from noteapp.domain.notes import NoteStatus
    from noteapp.services import measures, notes, plans, safety_plans, signing, templates
    from noteapp.services.paths import AppPaths
    from noteapp.services.workspace import Workspace

    # The app has imported its modules before the unlock screen: not part of unlocking.
    # (The search service is not among them: it is imported when the index is first opened.)
    del measures, notes, plans, safety_plans, signing, templates
    del contacts, incidents, medications, referrals
    t0 = time.perf_counter()
    ws = Workspace.unlock(Path(vault), PASSPHRASE, paths=AppPaths(Path(home), Path(home)))
    t1 = time.perf_counter()
    shown = today_page(ws)
    t2 = time.perf_counter()
    # Once Today is shown the app moves what the session holds out of the collector's later
    # passes (noteapp/ui/memory.py: gc.freeze) and opens the search index in the background.
    # The first search is timed as if it came before that was done: importing the search
    # service, loading the stored index and checking its fingerprint, the query and the
    # hits' records.
    gc.freeze()
    t3 = time.perf_counter()
    found = ws.search.search(SEARCH_WORD)
    t4 = time.perf_counter()
    again = ws.search.search(SEARCH_WORD)
    t5 = time.perf_counter()
    assert found.total == again.total > 0
    draft = next(iter(ws.notes.summaries(status=NoteStatus.DRAFT)))
    note = ws.notes.get(draft.id)
    field = next(iter(note.fields))
    saves = []
    for i in range(7):
        text = f"{note.text(field)} Autosave {i}."
        start = time.perf_counter()
        note = ws.notes.save(note.id, fields={field: text}, autosave=True)
        saves.append(time.perf_counter() - start)
    ws.close()
    kdfs = []
    for _ in range(3):
        start = time.perf_counter()
        crypto.derive_passphrase_key(PASSPHRASE, b"\1" * crypto.SALT_BYTES, FAST_KDF)
        kdfs.append(time.perf_counter() - start)
    kdf = median(kdfs)
    return {
        "unlock_beyond_kdf_s": max(t1 - t0 - kdf, 0.0),
        "today_s": t2 - t1,
        "unlock_today_beyond_kdf_s": max(t2 - t0 - kdf, 0.0),
        "first_search_s": t4 - t3,
        "next_search_s": t5 - t4,
        "search_matches": found.total,
        "autosave_s": median(saves[2:]),
        "rss_mb": _vm_hwm_mb(),
        "shown": shown,
    }


# --- the parent ------------------------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "NOTEAPP_PASSPHRASE": PASSPHRASE,
        "NOTEAPP_HOME": str(home),
        "PYTHONHASHSEED": "0",
    }
    # As installed: imports read compiled bytecode (a warm-up run writes it), not source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_cli(vault: Path, home: Path, args: Sequence[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of one CLI command in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.cli_child", "--vault", str(vault), *args],
        capture_output=True,
        text=True,
        env=_env(home),
        check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["exit"] != 0:
        raise RuntimeError(f"noteapp {' '.join(args)} exited {result['exit']}")
    return seconds, cpu, float(result["rss_mb"])


def _targets(vault: Path, home: Path) -> dict[str, list[str]]:
    """The arguments of each command: a client with notes and measures, one signed note."""
    from noteapp.domain.notes import NoteStatus
    from noteapp.services.paths import AppPaths
    from noteapp.services.workspace import Workspace

    ws = Workspace.unlock(vault, PASSPHRASE, paths=AppPaths(home, home))
    try:
        note = next(iter(ws.notes.summaries(status=NoteStatus.SIGNED)))
        code = ws.clients.get(note.client_id).code
    finally:
        ws.close()
    return {
        "client list": ["client", "list"],
        "note list --client": ["note", "list", "--client", code],
        "note show": ["note", "show", note.id],
        "measure list --client": ["measure", "list", "--client", code],
    }


def _cli_figures(vault: Path, home: Path) -> dict[str, tuple[float, float, float]]:
    """(median wall s, median CPU s, peak MB) per command; a warm-up run first."""
    targets = _targets(vault, home)
    out = {}
    for name in COMMANDS:
        run_cli(vault, home, targets[name])
        runs = [run_cli(vault, home, targets[name]) for _ in range(REPEATS)]
        out[name] = (
            median([r[0] for r in runs]),
            median([r[1] for r in runs]),
            max(r[2] for r in runs),
        )
    return out


def _bytes(vault: Path) -> dict[str, float]:
    """Where the bytes go (MB): blobs by kind, the lists of what is current, the audit log,
    indexes and SQLite's own slack, and free pages."""
    conn = sqlite3.connect(f"{vault.resolve().as_uri()}?mode=ro", uri=True)
    try:
        out: dict[str, float] = {"file": vault.stat().st_size / 1e6}
        for kind, size in conn.execute(
            "SELECT kind, SUM(LENGTH(blob)) FROM records GROUP BY kind ORDER BY 2 DESC"
        ):
            out[f"records: {kind}"] = size / 1e6
        for table, column in (("current", "blob"), ("audit", "blob"), ("blobs", "blob")):
            (size,) = conn.execute(
                f"SELECT COALESCE(SUM(LENGTH({column})), 0) FROM {table}"
            ).fetchone()
            out[f"{table}"] = size / 1e6
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        out["free pages"] = conn.execute("PRAGMA freelist_count").fetchone()[0] * page / 1e6
        out["rest (indexes, row and page overhead)"] = out["file"] - sum(
            v for k, v in out.items() if k != "file"
        )
    finally:
        conn.close()
    return out


Figures = dict[str, tuple[float, float, float]]


def measure_size(size: int, work: Path, baseline: Figures) -> dict[str, Any]:
    from bench.synthetic import build

    vault = work / f"scale-{size}.noteapp"
    home = work / f"home-{size}"
    home.mkdir(exist_ok=True)
    built = build(vault, size, home)
    _child(vault, home, "--index")
    print(f"  built {size:,} notes in {built['build_s']:.0f} s", flush=True)
    cli = _cli_figures(vault, home)
    apps = [_app(vault, home) for _ in range(REPEATS)]
    app = {
        key: median([a[key] for a in apps])
        for key in (
            "unlock_beyond_kdf_s",
            "today_s",
            "unlock_today_beyond_kdf_s",
            "first_search_s",
            "next_search_s",
            "autosave_s",
        )
    }
    app["search_matches"] = apps[0]["search_matches"]
    app["rss_mb"] = max(a["rss_mb"] for a in apps)
    app["shown"] = apps[0]["shown"]
    return {
        "built": built,
        "cli": {k: (v[0] - baseline[k][0], v[1] - baseline[k][1], v[2]) for k, v in cli.items()},
        "cli_raw": cli,
        "app": app,
        "bytes": _bytes(vault),
    }


def _app(vault: Path, home: Path) -> dict[str, Any]:
    return _child(vault, home, "--child")


def _child(vault: Path, home: Path, mode: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.bench_scale", mode, str(vault), str(home)],
        capture_output=True,
        text=True,
        env=_env(home),
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"app child failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _baseline(work: Path) -> Figures:
    """The same commands on a vault with one client, one signed note and one measure."""
    from bench.synthetic import build

    vault = work / "scale-empty.noteapp"
    home = work / "home-empty"
    home.mkdir(exist_ok=True)
    build(vault, 1, home)
    return _cli_figures(vault, home)


def run(sizes: Sequence[int], work: Path | None = None) -> dict[int, dict[str, Any]]:
    temp = Path(tempfile.mkdtemp(prefix="noteapp-scale-")) if work is None else work
    try:
        baseline = _baseline(temp)
        print(
            "  empty vault: "
            + ", ".join(f"{k} {v[0]:.2f} s / {v[2]:.0f} MB" for k, v in baseline.items()),
            flush=True,
        )
        results = {}
        for size in sizes:
            results[size] = measure_size(size, temp, baseline)
            for name in list(temp.glob(f"scale-{size}.noteapp*")):
                name.unlink()  # the large vaults are not kept
        print_table(results, baseline)
        return results
    finally:
        if work is None:
            shutil.rmtree(temp, ignore_errors=True)


def print_table(results: dict[int, dict[str, Any]], baseline: Figures) -> None:
    sizes = list(results)
    head = "| measure | " + " | ".join(f"{s:,} notes" for s in sizes) + " | target |"
    lines = [head, "|" + "---|" * (len(sizes) + 2)]

    def row(name: str, values: list[str], target: str = "") -> None:
        lines.append(f"| {name} | " + " | ".join(values) + f" | {target} |")

    for name in COMMANDS:
        row(
            f"`{name}` beyond an empty vault (wall / CPU)",
            [
                f"{results[s]['cli'][name][0]:.3f} / {results[s]['cli'][name][1]:.3f} s"
                for s in sizes
            ],
            "≤ 0.15 s at 10k",
        )
        row(
            f"`{name}` peak RSS",
            [f"{results[s]['cli'][name][2]:.0f} MB" for s in sizes],
            "≤ 120 MB at 10k",
        )
    app = {s: results[s]["app"] for s in sizes}
    row("app: unlock beyond the KDF", [f"{app[s]['unlock_beyond_kdf_s']:.3f} s" for s in sizes])
    row("app: Today page data after unlock", [f"{app[s]['today_s']:.3f} s" for s in sizes])
    row(
        "app: unlock → Today beyond the KDF",
        [f"{app[s]['unlock_today_beyond_kdf_s']:.3f} s" for s in sizes],
        "≤ 1 s at 50k",
    )
    row(
        f"app: first search after unlock (`{SEARCH_WORD}`, index not yet open)",
        [f"{app[s]['first_search_s'] * 1000:.0f} ms" for s in sizes],
        "≤ 100 ms at 50k",
    )
    row(
        "app: the next search",
        [f"{app[s]['next_search_s'] * 1000:.1f} ms" for s in sizes],
    )
    row(
        "app: autosave of a draft",
        [f"{app[s]['autosave_s'] * 1000:.1f} ms" for s in sizes],
        "≤ 20 ms",
    )
    row("app: peak RSS", [f"{app[s]['rss_mb']:.0f} MB" for s in sizes], "≤ 200 MB at 50k")
    row("file size", [f"{results[s]['bytes']['file']:.1f} MB" for s in sizes], "≤ 61 MB at 10k")
    keys = sorted({k for s in sizes for k in results[s]["bytes"] if k != "file"})
    for key in keys:
        row(f"  {key}", [f"{results[s]['bytes'].get(key, 0.0):.1f} MB" for s in sizes])
    row("(build time, not measured)", [f"{results[s]['built']['build_s']:.0f} s" for s in sizes])
    print("\n".join(lines))
    print(
        "\nEmpty vault (subtracted): "
        + ", ".join(
            f"{k} {v[0]:.2f} s wall, {v[1]:.2f} s CPU, {v[2]:.0f} MB" for k, v in baseline.items()
        )
    )
    print("Today page shows:", {s: results[s]["app"]["shown"] for s in sizes})
    print(f"`{SEARCH_WORD}` matches:", {s: results[s]["app"]["search_matches"] for s in sizes})


def main(quick: bool = False) -> None:
    run(QUICK_SIZES if quick else SIZES)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] in ("--child", "--index"):
        child = child_app if sys.argv[1] == "--child" else child_index
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
    else:
        parser = argparse.ArgumentParser(prog="python -m bench.bench_scale")
        parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
        parser.add_argument("--work", type=Path, help="keep the vaults here (else a temp dir)")
        args = parser.parse_args()
        run(args.sizes, args.work)
