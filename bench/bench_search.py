"""Search growth: the index at 1,000 / 10,000 / 50,000 / 200,000 notes, stored in a vault.

For each size, in fresh interpreters: build the index from synthetic notes and store it in
a vault (the encrypted blob store the app uses); then open the vault, load the index, check
it against the records' stamps (as the search service does after unlock), and run the first
search and a mix of 200 queries, each once. Memory is the process's resident size (VmHWM,
VmRSS from /proc/self/status). All data is invented (seeded RNG, made-up names and words).

The whole-process comparison with KeePassXC is bench_search_cli.py.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import FAST_KDF, PASSPHRASE, Row, print_table, run_child

MODULE = "bench.bench_search"
FULL_SIZES = (1_000, 10_000, 50_000, 200_000)
QUICK_SIZES = (1_000, 10_000)
NOTES_PER_CLIENT = 50
FIRST_SEARCH_TARGET_MS = 100.0  # at 50,000 notes, after unlock (issue #11)


def _words(text: str) -> list[str]:
    return text.split()


_FIRST = _words(
    "Jordan Avery Riley Casey Morgan Quinn Rowan Sage Emerson Finley Harper Reese Skyler "
    "Dakota Elliot Hayden Jules Kendall Logan Marlowe Noel Oakley Parker Remy Sasha Tatum"
)
_LAST = _words(
    "Bellamy Castellano Draycott Esperanza Fairbanks Galloway Hartwell Iverson Jaramillo "
    "Kowalczyk Lindqvist Montgomery Nakashima Okonkwo Pemberton Quintero Valdés Åberg"
)
_COMMON = _words(
    "the client reported and of to a in with was that for on session today week this "
    "discussed sleep anxiety mood feeling stress work family therapist noted continued "
    "improvement symptoms coping skills practice homework goals plan progress appetite "
    "energy motivation support partner school relationship thoughts worry avoidance "
    "exposure breathing mindfulness journaling behavioural activation cognitive "
    "reframing values boundaries routine medication adherence side effects denied "
    "suicidal ideation intent safety reviewed affect congruent euthymic anxious "
    "depressed irritable tearful calm engaged cooperative oriented insight judgement"
)
_CLINICAL = _words(
    "panic attack rumination insomnia nightmares flashbacks hypervigilance dissociation "
    "grief bereavement trauma caregiver burnout perfectionism procrastination assertiveness "
    "conflict loneliness isolation withdrawal agoraphobia obsessions compulsions "
    "reassurance intrusive distress tolerance regulation validation acceptance defusion "
    "relapse prevention triggers cravings sobriety urges psychoeducation fatigue "
    "concentration exercise employment finances housing custody divorce postpartum "
    "retirement migration identity pronouns chronic pain referral psychiatrist "
    "titration sertraline fluoxetine escitalopram bupropion quetiapine lamotrigine"
)
_PHRASES = ("panic attack", "safety plan", "sleep hygiene", "thought record", "relapse prevention")
_SYLLABLES = _words("ka lo mi ne ru sa ti vo ze pa qu bri dra fle gro ish ul ar en om")
_TEMPLATES = {
    "soap": ("Subjective", "Objective", "Assessment", "Plan"),
    "dap": ("Data", "Assessment", "Plan"),
    "birp": ("Behaviour", "Intervention", "Response", "Plan"),
    "intake": ("Reason for referral", "History", "Mental status", "Formulation", "Plan"),
}


class Corpus:
    """Synthetic notes of about 2 KB, each rebuilt on demand from its number (so a child
    process can fetch a hit's text without holding every note)."""

    def __init__(self, seed: int = 20260304) -> None:
        rng = random.Random(seed)
        # A long tail of rare made-up words, as real notes have names, drugs and typos.
        rare = sorted({"".join(rng.choices(_SYLLABLES, k=rng.randint(3, 5))) for _ in range(6000)})
        self.vocab = _COMMON + _CLINICAL + list(_PHRASES) + rare
        self.rare = rare
        total, self.cumulative = 0.0, []
        for rank in range(len(self.vocab)):
            total += 1.0 / (rank + 8)
            self.cumulative.append(total)
        self.names = [f"{f} {last}" for last in _LAST for f in _FIRST]

    def clients(self, notes: int) -> int:
        return max(1, notes // NOTES_PER_CLIENT)

    def doc(self, key: str, clients: int) -> Any:
        from noteapp.search.index import SearchDoc

        kind, n = key[0], int(key[1:])
        if kind == "c":
            name = self.names[n % len(self.names)]
            return SearchDoc(key, "client", key, name, None, "", "active",
                             {"Name": name, "Code": f"C{n:05d}"}, stamp="1")  # fmt: skip
        rng = random.Random(n)
        template = list(_TEMPLATES)[n % len(_TEMPLATES)]
        labels = _TEMPLATES[template]
        fields = {}
        for label in labels:
            chosen = rng.choices(self.vocab, cum_weights=self.cumulative, k=240 // len(labels))
            fields[label] = " ".join(chosen).capitalize() + "."
        client = n % clients
        title = self.title(n, clients)
        day = date(2023, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        kind_name = "psychotherapy_note" if n % 20 == 0 else "note"
        status = "signed" if rng.random() < 0.8 else "draft"
        return SearchDoc(key, kind_name, f"c{client}", title, day, template, status, fields,
                         stamp=f"1:{title}")  # fmt: skip

    def title(self, n: int, clients: int) -> str:
        template = list(_TEMPLATES)[n % len(_TEMPLATES)]
        return f"{self.names[n % clients % len(self.names)]} — {template.upper()} note"

    def stamp(self, key: str, clients: int) -> str:
        """What the service's check expects (without making the note's text)."""
        return "1" if key[0] == "c" else f"1:{self.title(int(key[1:]), clients)}"

    def keys(self, notes: int) -> Iterator[str]:
        yield from (f"c{c}" for c in range(self.clients(notes)))
        yield from (f"n{n}" for n in range(notes))


def _status() -> dict[str, float]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmHWM", "VmRSS")):
            out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out


# --- children ------------------------------------------------------------------------------


def child_build(notes: int, path: Path) -> dict[str, Any]:
    """Build the index of `notes` synthetic notes and store it in a new vault."""
    from noteapp.search import persist
    from noteapp.search.index import SearchIndex
    from noteapp.services.search_blobs import KIND, VaultBlobStore
    from noteapp.vault.store import Vault

    corpus = Corpus()
    clients = corpus.clients(notes)
    vault, _ = Vault.create(path, PASSPHRASE, params=FAST_KDF)
    index = SearchIndex(lambda key: None)
    text = 0

    def docs() -> Iterator[Any]:
        nonlocal text
        for key in corpus.keys(notes):
            doc = corpus.doc(key, clients)
            text += sum(len(t) for t in doc.fields.values())
            yield doc

    started = time.perf_counter()
    index.build(docs())
    built = time.perf_counter() - started
    before = path.stat().st_size
    started = time.perf_counter()
    persist.save(index, VaultBlobStore(vault, KIND))
    stored = time.perf_counter() - started
    images = sum(len(s.image()) for s in index.parts()[0]) + len(index.parts()[1].image())
    vault.close()
    return {
        "text_mb": text / 1e6,
        "build_s": built,
        "store_s": stored,
        "image_mb": images / 1e6,
        "vault_growth_mb": (path.stat().st_size - before) / 1e6,
        "shards": len(index.parts()[0]),
        "peak_mb": _status()["VmHWM"],
    }


def child_open(notes: int, path: Path) -> dict[str, Any]:
    """Unlock, load and check the stored index, then search: what the app does after unlock."""
    from noteapp.search import persist
    from noteapp.search.index import SearchIndex
    from noteapp.search.query import parse_query
    from noteapp.services.search import _stale
    from noteapp.services.search_blobs import KIND, VaultBlobStore
    from noteapp.vault.store import Vault

    corpus = Corpus()
    clients = corpus.clients(notes)
    vault = Vault.open(path)
    vault.unlock_with_passphrase(PASSPHRASE)
    base = _status()
    # key → stamp, as the search service computes them from the records' heads.
    expected = {key: corpus.stamp(key, clients) for key in corpus.keys(notes)}
    started = time.perf_counter()
    index = persist.load(VaultBlobStore(vault, KIND), lambda key: corpus.doc(key, clients))
    loaded = time.perf_counter()
    assert isinstance(index, SearchIndex)
    stale = _stale(index, expected)
    checked = time.perf_counter()
    assert not stale
    first_ms, first_total = _timed(index, corpus, clients, "sertraline", {})
    after_load = _status()
    times = [_timed(index, corpus, clients, t, f)[0] for t, f in _queries(corpus, clients)]
    worst = {}
    for text in ("the", "th", '"the client"', "the client reported"):
        t0 = time.perf_counter()
        total = index.rank(parse_query(text), _no_filters(), 50)[0]
        worst[text] = ((time.perf_counter() - t0) * 1000, total)
    changed = corpus.doc("n7", clients)
    t0 = time.perf_counter()
    index.add(changed)
    persist.save(index, VaultBlobStore(vault, KIND))
    save_one = time.perf_counter() - t0
    vault.close()
    times.sort()
    return {
        "load_ms": (loaded - started) * 1000,
        "check_ms": (checked - loaded) * 1000,
        "first_ms": first_ms,
        "first_total": first_total,
        "median_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "max_ms": times[-1],
        "worst": worst,
        "save_one_ms": save_one * 1000,
        "rss_base_mb": base["VmRSS"],
        "rss_loaded_mb": after_load["VmRSS"],
        "peak_mb": _status()["VmHWM"],
    }


def _timed(
    index: Any, corpus: Corpus, clients: int, text: str, chosen: dict[str, Any]
) -> tuple[float, int]:
    """Milliseconds to rank and make the hits (snippets, highlights), and the total. Fetching
    each hit's record is the services' cost (here: regenerating it), so it is left out."""
    from noteapp.search.hits import make_hit
    from noteapp.search.index import filters
    from noteapp.search.query import parse_query

    t0 = time.perf_counter()
    query = parse_query(text)
    total, entries = index.rank(query, filters(**chosen), 50)
    ranked = time.perf_counter()
    docs = [corpus.doc(e.key, clients) for e in entries]
    t1 = time.perf_counter()
    for doc in docs:
        make_hit(doc, query)
    return (ranked - t0 + time.perf_counter() - t1) * 1000, total


def _no_filters() -> Any:
    from noteapp.search.index import filters

    return filters()


def _queries(corpus: Corpus, clients: int) -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(7)
    common = _COMMON[20:] + _CLINICAL
    out: list[tuple[str, dict[str, Any]]] = []
    for _ in range(25):
        first = date(2023, 1, 1) + timedelta(days=rng.randrange(900))
        out += [
            (rng.choice(corpus.rare), {}),
            (rng.choice(common), {}),
            (rng.choice(common + corpus.rare)[:3], {}),
            (f"{rng.choice(common)} {rng.choice(common)}", {}),
            (f'"{rng.choice(_PHRASES)}"', {}),
            (rng.choice(common), {"client_id": f"c{rng.randrange(clients)}"}),
            (rng.choice(common), {"date_from": first, "date_to": first + timedelta(days=90)}),
            ("", {"client_id": f"c{rng.randrange(clients)}"}),
        ]
    return out


# --- the table -----------------------------------------------------------------------------


def run(quick: bool = False) -> dict[int, dict[str, Any]]:
    sizes = QUICK_SIZES if quick else FULL_SIZES
    figures: dict[int, dict[str, Any]] = {}
    work = Path(tempfile.mkdtemp(prefix="noteapp-bench-search-"))
    try:
        for n in sizes:
            path = work / f"search-{n}.noteapp"
            figures[n] = {
                "build": run_child(MODULE, "build", str(n), str(path)),
                "open": run_child(MODULE, "open", str(n), str(path)),
            }
            print(f"  {n:,} notes done", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def _row(name: str, figures: dict[int, dict[str, Any]], fmt: Any) -> Row:
    return Row(name, " | ".join(fmt(f) for f in figures.values()))


def main(quick: bool = False) -> None:
    figures = run(quick)
    sizes = " | ".join(f"{n:,}" for n in figures)
    print(f"\nSearch growth (notes: {sizes}; synthetic ~2 KB notes, {NOTES_PER_CLIENT} per client)")
    rows = [
        _row("text indexed", figures, lambda f: f"{f['build']['text_mb']:.0f} MB"),
        _row("index build (rebuild)", figures, lambda f: f"{f['build']['build_s']:.1f} s"),
        _row("index stored (images)", figures, lambda f: f"{f['build']['image_mb']:.1f} MB"),
        _row("vault file growth", figures, lambda f: f"{f['build']['vault_growth_mb']:.1f} MB"),
        _row("store it (transaction)", figures, lambda f: f"{f['build']['store_s']:.2f} s"),
        _row("load the image", figures, lambda f: f"{f['open']['load_ms']:.0f} ms"),
        _row("check against records", figures, lambda f: f"{f['open']['check_ms']:.0f} ms"),
        _row("first query + hits", figures, lambda f: f"{f['open']['first_ms']:.0f} ms"),
        _row(
            "first search after unlock",
            figures,
            lambda f: (
                f"{f['open']['load_ms'] + f['open']['check_ms'] + f['open']['first_ms']:.0f} ms"
            ),
        ),
        _row(
            "query mix: median / p95 / max",
            figures,
            lambda f: (
                f"{f['open']['median_ms']:.1f} / {f['open']['p95_ms']:.1f} / "
                f"{f['open']['max_ms']:.1f} ms"
            ),
        ),
        _row(
            'worst: the / th / "the client"',
            figures,
            lambda f: (
                " / ".join(f"{f['open']['worst'][w][0]:.0f}" for w in ("the", "th", '"the client"'))
                + " ms"
            ),
        ),
        _row("save after one change", figures, lambda f: f"{f['open']['save_one_ms']:.0f} ms"),
        _row(
            "RSS: unlocked / index loaded",
            figures,
            lambda f: f"{f['open']['rss_base_mb']:.0f} / {f['open']['rss_loaded_mb']:.0f} MB",
        ),
        _row("peak RSS (VmHWM), open child", figures, lambda f: f"{f['open']['peak_mb']:.0f} MB"),
        _row("peak RSS (VmHWM), build child", figures, lambda f: f"{f['build']['peak_mb']:.0f} MB"),
    ]
    print_table("Search growth", rows)
    if 50_000 in figures:
        o = figures[50_000]["open"]
        first = o["load_ms"] + o["check_ms"] + o["first_ms"]
        verdict = "met" if first <= FIRST_SEARCH_TARGET_MS else "MISSED"
        print(f"\nfirst search after unlock at 50,000: {first:.0f} ms (target ≤ 100 ms: {verdict})")
    print(json.dumps({str(k): v for k, v in figures.items()}))


def _child(argv: list[str]) -> None:
    mode, notes, path = argv[0], int(argv[1]), Path(argv[2])
    out = child_build(notes, path) if mode == "build" else child_open(notes, path)
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2:])
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 notes only")
        main(parser.parse_args().quick)
