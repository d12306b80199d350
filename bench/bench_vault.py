"""Vault benchmarks: unlock (KDF vs the rest), open-and-list at 10k/50k records, memory.

Each measurement runs in a fresh interpreter (cold-ish: the OS page cache stays warm) and
the median of several runs is reported. Setup (building the vaults) is not measured.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.common import (
    FAST_KDF,
    PASSPHRASE,
    REPEATS,
    Row,
    median,
    print_table,
    run_child,
    synthetic_note,
    verdict,
)
from noteapp import crypto
from noteapp.crypto import Argon2Params
from noteapp.vault.store import StoredRecord, Vault

MODULE = "bench.bench_vault"
KIND = "note"
# Targets from the issue.
TARGETS_S = {10_000: 0.4, 50_000: 2.0}
TARGET_PEAK_MB = 300.0


# --- setup (not measured) ----------------------------------------------------------------


def build_note_vault(path: Path, records: int, *, seed: int = 11) -> dict[str, float]:
    """A vault with `records` notes of ~2 KB JSON each, written by `Vault.put` in one
    transaction (each put's lookup of the current version is an index probe; the record of
    what is current is checked once and then updated in O(1) per put)."""
    rng = random.Random(seed)
    client_ids = [f"{rng.getrandbits(128):032x}" for _ in range(max(records // 40, 1))]
    vault, _recovery = Vault.create(path, PASSPHRASE, params=FAST_KDF)
    total = 0
    try:
        with vault.transaction():
            for i in range(records):
                note = synthetic_note(rng, i, client_ids)
                total += len(json.dumps(note, ensure_ascii=False, separators=(",", ":")))
                vault.put(KIND, note["id"], note, expected_version=0)
    finally:
        vault.close()
    return {"avg_json_bytes": total / records, "file_mb": path.stat().st_size / 2**20}


def build_small_workspace(path: Path, home: Path) -> None:
    from noteapp.demo import fill_demo
    from noteapp.domain.clock import SystemClock
    from noteapp.services.paths import AppPaths
    from noteapp.services.workspace import Workspace

    ws, _ = Workspace.create(
        path, PASSPHRASE, params=FAST_KDF, clock=SystemClock(), paths=AppPaths(home, home)
    )
    fill_demo(ws, clients=12)
    ws._vault.close()


# --- children (each runs in a fresh interpreter) ------------------------------------------


def _maxrss_mb() -> float:
    """Peak resident memory of this process.

    On Linux, VmHWM belongs to this process's own address space; ru_maxrss would also count
    the parent's resident size at the moment it spawned us (Linux carries it across exec).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024


def _kdf_seconds(params: Argon2Params) -> float:
    start = time.perf_counter()
    crypto.derive_passphrase_key(PASSPHRASE, b"\1" * crypto.SALT_BYTES, params)
    return time.perf_counter() - start


def _list_ready(records: list[StoredRecord]) -> list[tuple[str, str, str]]:
    """What the note list shows: date, template, id; newest first."""
    rows = [(r.data["session"]["date"], r.data["template_id"], r.id) for r in records]
    rows.sort(reverse=True)
    return rows


def child_kdf(memory_kib: int, iterations: int, lanes: int) -> dict[str, Any]:
    seconds = _kdf_seconds(Argon2Params(memory_kib, iterations, lanes))
    return {"kdf_s": seconds, "maxrss_mb": _maxrss_mb()}


def child_unlock(path: Path, home: Path) -> dict[str, Any]:
    from noteapp.services.paths import AppPaths
    from noteapp.services.workspace import Workspace

    t0 = time.perf_counter()
    vault = Vault.open(path)
    t1 = time.perf_counter()
    vault.unlock_with_passphrase(PASSPHRASE)
    t2 = time.perf_counter()
    ws = Workspace._after_unlock(vault, "passphrase", AppPaths(home, home), None, None)
    t3 = time.perf_counter()
    clients = len(ws.clients.list())
    vault.close()
    kdf = median([_kdf_seconds(FAST_KDF) for _ in range(3)])
    return {
        "open_s": t1 - t0,
        "unlock_s": t2 - t1,
        "kdf_fast_s": kdf,
        "build_s": t3 - t2,
        "rest_s": (t1 - t0) + max(t2 - t1 - kdf, 0.0) + (t3 - t2),
        "clients": clients,
    }


def child_load(path: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    vault = Vault.open(path)
    t1 = time.perf_counter()
    vault.unlock_with_passphrase(PASSPHRASE)
    t2 = time.perf_counter()
    result = vault.load_kind(KIND)
    t3 = time.perf_counter()
    rows = _list_ready(result.records)
    t4 = time.perf_counter()
    assert not result.failures and len(rows) == len(result.records)
    kdf = median([_kdf_seconds(FAST_KDF) for _ in range(3)])
    vault.close()
    return {
        "records": len(rows),
        "open_s": t1 - t0,
        "unlock_beyond_kdf_s": max(t2 - t1 - kdf, 0.0),
        "kdf_fast_s": kdf,
        "load_s": t3 - t2,
        "list_s": t4 - t3,
        "total_beyond_kdf_s": (t1 - t0) + max(t2 - t1 - kdf, 0.0) + (t4 - t2),
    }


def child_save(path: Path) -> dict[str, Any]:
    """One save and one read by id, as the editor does them, in a vault of N notes."""
    vault = Vault.open(path)
    vault.unlock_with_passphrase(PASSPHRASE)
    some_id = vault.connection.execute(
        "SELECT id FROM records WHERE kind=? ORDER BY seq DESC LIMIT 1", (KIND,)
    ).fetchone()[0]
    rng = random.Random(5)
    puts, gets, edits = [], [], []
    for i in range(5):
        note = synthetic_note(rng, i, ["0" * 32])
        t0 = time.perf_counter()
        vault.put(KIND, note["id"], note)
        t1 = time.perf_counter()
        record = vault.get(KIND, some_id)
        t2 = time.perf_counter()
        vault.put(KIND, some_id, record.data)
        t3 = time.perf_counter()
        puts.append(t1 - t0)
        gets.append(t2 - t1)
        edits.append(t3 - t2)
    vault.close()
    return {"put_new_s": median(puts), "get_s": median(gets), "put_edit_s": median(edits)}


def child_tracemalloc(path: Path) -> dict[str, Any]:
    vault = Vault.open(path)
    vault.unlock_with_passphrase(PASSPHRASE)
    tracemalloc.start()
    result = vault.load_kind(KIND)
    rows = _list_ready(result.records)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    vault.close()
    return {"records": len(rows), "peak_mb": peak / 2**20, "retained_mb": current / 2**20}


def child_rss(path: Path) -> dict[str, Any]:
    vault = Vault.open(path)
    vault.unlock_with_passphrase(PASSPHRASE)
    rows = _list_ready(vault.load_kind(KIND).records)
    vault.close()
    return {"records": len(rows), "maxrss_mb": _maxrss_mb()}


def child_baseline() -> dict[str, Any]:
    return {"maxrss_mb": _maxrss_mb()}


def child_profile(path: Path) -> dict[str, Any]:
    profiler = cProfile.Profile()
    profiler.enable()
    vault = Vault.open(path)
    vault.unlock_with_passphrase(PASSPHRASE)
    _list_ready(vault.load_kind(KIND).records)
    vault.close()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime")
    stats.print_stats(14)
    return {"profile": out.getvalue()}


def _child_main(argv: list[str]) -> None:
    mode, *args = argv
    if mode == "kdf":
        out = child_kdf(*(int(a) for a in args))
    elif mode == "unlock":
        out = child_unlock(Path(args[0]), Path(args[1]))
    elif mode == "load":
        out = child_load(Path(args[0]))
    elif mode == "save":
        out = child_save(Path(args[0]))
    elif mode == "tracemalloc":
        out = child_tracemalloc(Path(args[0]))
    elif mode == "rss":
        out = child_rss(Path(args[0]))
    elif mode == "profile":
        out = child_profile(Path(args[0]))
    elif mode == "baseline":
        out = child_baseline()
    else:
        raise SystemExit(f"unknown child mode {mode}")
    print(json.dumps(out))


# --- the benchmark -----------------------------------------------------------------------


def _median_of(key: str, runs: list[dict[str, Any]]) -> float:
    return median([r[key] for r in runs])


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def run(*, quick: bool = False, profile: bool = False) -> dict[str, Any]:
    """Run every vault benchmark, print tables, return the figures."""
    repeats = 1 if quick else REPEATS
    sizes = [1_000, 5_000] if quick else [10_000, 50_000]
    figures: dict[str, Any] = {"quick": quick, "repeats": repeats}

    # (a) unlock: the calibrated KDF alone, and everything else with a fast KDF.
    params = crypto.calibrate_argon2()
    figures["calibrated"] = params.__dict__
    kdf_runs = [
        run_child(MODULE, "kdf", str(params.memory_kib), str(params.iterations), str(params.lanes))
        for _ in range(repeats)
    ]
    with tempfile.TemporaryDirectory(prefix="noteapp-bench-") as tmp:
        tmpdir = Path(tmp)
        small = tmpdir / "small.noteapp"
        build_small_workspace(small, tmpdir / "home")
        unlock_runs = [
            run_child(MODULE, "unlock", str(small), str(tmpdir / "home")) for _ in range(repeats)
        ]
        baseline = run_child(MODULE, "baseline")["maxrss_mb"]
        figures["unlock"] = {
            "kdf_calibrated_s": _median_of("kdf_s", kdf_runs),
            "kdf_calibrated_maxrss_mb": _median_of("maxrss_mb", kdf_runs),
            "open_s": _median_of("open_s", unlock_runs),
            "unlock_beyond_kdf_s": median(
                [max(r["unlock_s"] - r["kdf_fast_s"], 0.0) for r in unlock_runs]
            ),
            "build_workspace_s": _median_of("build_s", unlock_runs),
            "rest_s": _median_of("rest_s", unlock_runs),
            "kdf_fast_s": _median_of("kdf_fast_s", unlock_runs),
            "baseline_maxrss_mb": baseline,
        }
        u = figures["unlock"]
        print_table(
            "Unlock",
            [
                Row(
                    f"KDF, calibrated ({params.memory_kib // 1024} MiB, {params.iterations} it, "
                    f"{params.lanes} lanes)",
                    _ms(u["kdf_calibrated_s"]),
                    "~1 s by design",
                ),
                Row("  max RSS of a KDF-only process", f"{u['kdf_calibrated_maxrss_mb']:.0f} MB"),
                Row("open (file, lock, header parse)", _ms(u["open_s"])),
                Row("unlock beyond KDF (unwrap, header MAC)", _ms(u["unlock_beyond_kdf_s"])),
                Row("build Workspace (services, 12 clients, audit)", _ms(u["build_workspace_s"])),
                Row("rest of unlock (all but the KDF)", _ms(u["rest_s"])),
                Row("(fast KDF subtracted, 19 MiB/2 it/1 lane)", _ms(u["kdf_fast_s"])),
            ],
        )

        # (b) open and list; (c) memory.
        figures["sizes"] = {}
        rows: list[Row] = []
        mem_rows: list[Row] = []
        for n in sizes:
            path = tmpdir / f"notes-{n}.noteapp"
            t0 = time.perf_counter()
            info = build_note_vault(path, n)
            info["setup_s"] = time.perf_counter() - t0
            runs = [run_child(MODULE, "load", str(path)) for _ in range(repeats)]
            fig: dict[str, Any] = {
                **info,
                **{
                    k: _median_of(k, runs)
                    for k in (
                        "open_s",
                        "unlock_beyond_kdf_s",
                        "load_s",
                        "list_s",
                        "total_beyond_kdf_s",
                    )
                },
            }
            # Saves change the vault: measure them on a copy, so every run loads the same data.
            scratch = Path(shutil.copy(path, tmpdir / "scratch.noteapp"))
            fig.update(run_child(MODULE, "save", str(scratch)))
            for leftover in tmpdir.glob("scratch.noteapp*"):
                leftover.unlink()
            target = TARGETS_S.get(n)
            total = fig["total_beyond_kdf_s"]
            rows += [
                Row(
                    f"{n:,} notes (avg {info['avg_json_bytes']:.0f} B JSON, "
                    f"file {info['file_mb']:.0f} MB)",
                    "",
                ),
                Row("  open + unlock beyond KDF", _ms(fig["open_s"] + fig["unlock_beyond_kdf_s"])),
                Row("  load_kind (decrypt + JSON)", _ms(fig["load_s"])),
                Row("  list ready (sort)", _ms(fig["list_s"])),
                Row(
                    "  total beyond KDF",
                    f"{total:.3f} s",
                    f"< {target} s" if target else "",
                    verdict(total, target) if target else "",
                ),
                Row("  save a new note (put, one transaction)", _ms(fig["put_new_s"])),
                Row("  read one note by id (get)", _ms(fig["get_s"])),
                Row("  save an edit of that note (put)", _ms(fig["put_edit_s"])),
            ]
            trace = [run_child(MODULE, "tracemalloc", str(path)) for _ in range(repeats)]
            rss = [run_child(MODULE, "rss", str(path)) for _ in range(repeats)]
            fig["tracemalloc_peak_mb"] = _median_of("peak_mb", trace)
            fig["tracemalloc_retained_mb"] = _median_of("retained_mb", trace)
            fig["maxrss_mb"] = _median_of("maxrss_mb", rss)
            is_big = n == max(sizes)
            mem_rows += [
                Row(
                    f"{n:,} notes: tracemalloc peak of load + list",
                    f"{fig['tracemalloc_peak_mb']:.0f} MB",
                    f"< {TARGET_PEAK_MB:.0f} MB" if is_big else "",
                    verdict(fig["tracemalloc_peak_mb"], TARGET_PEAK_MB) if is_big else "",
                ),
                Row(
                    "  of which still held by the list", f"{fig['tracemalloc_retained_mb']:.0f} MB"
                ),
                Row(
                    "  max RSS, process doing only open+unlock+load",
                    f"{fig['maxrss_mb']:.0f} MB",
                    f"< {TARGET_PEAK_MB:.0f} MB" if is_big else "",
                    verdict(fig["maxrss_mb"], TARGET_PEAK_MB) if is_big else "",
                ),
            ]
            missed = (target is not None and total >= target) or (
                is_big and fig["maxrss_mb"] >= TARGET_PEAK_MB
            )
            if profile or missed:
                fig["profile"] = run_child(MODULE, "profile", str(path))["profile"]
            figures["sizes"][n] = fig
        mem_rows.append(Row("(interpreter + noteapp imported, nothing else)", f"{baseline:.0f} MB"))
        print_table(f"Open and list beyond the KDF (median of {repeats})", rows)
        print_table(f"Memory (median of {repeats})", mem_rows)
        for n, fig in figures["sizes"].items():
            if "profile" in fig:
                print(f"\n### cProfile, open + unlock + load + list, {n:,} notes\n")
                print(fig["profile"])
    return figures


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        _child_main(argv[1:])
        return
    parser = argparse.ArgumentParser(prog="python -m bench.bench_vault")
    parser.add_argument("--quick", action="store_true", help="1k/5k records, one run each")
    parser.add_argument("--profile", action="store_true", help="print cProfile top lines")
    args = parser.parse_args(argv)
    run(quick=args.quick, profile=args.profile)


if __name__ == "__main__":
    main()
