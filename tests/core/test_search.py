"""In-memory search: matching, filters, psychotherapy exclusion, ranking, snippets, odd text."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noteapp.search.index import Hit, SearchDoc, SearchIndex, SearchResults
from noteapp.search.words import Aligned, normalize, words


def note(
    key: str,
    body: str = "",
    *,
    client: str = "c1",
    title: str | None = None,
    day: date | None = date(2026, 3, 4),
    template: str = "SOAP",
    status: str = "signed",
    kind: str = "note",
    fields: dict[str, str] | None = None,
) -> SearchDoc:
    return SearchDoc(
        key=key,
        kind=kind,
        client_id=client,
        title=title if title is not None else f"{template} note — {day}",
        date=day,
        template=template,
        status=status,
        fields=fields if fields is not None else {"Subjective": body},
    )


def client(key: str, name: str, status: str = "active") -> SearchDoc:
    return SearchDoc(key, "client", key, name, None, "", status, {"Preferred name": ""})


def keys(results: SearchResults) -> list[str]:
    return [hit.key for hit in results.hits]


def found(index: SearchIndex, text: str, **filters: object) -> set[str]:
    return set(keys(index.search(text, **filters)))  # type: ignore[arg-type]


def check_highlights(hit: Hit, terms: tuple[str, ...], *, strict: bool = True) -> None:
    """Every span marks a matched word prefix at a word start, in snippet and title.

    Not strict: a character that folds into several (¼ → 1⁄4) is marked whole even when the
    match starts inside its expansion, so the term need only occur in the span's folding.
    """
    for text, spans in ((hit.snippet, hit.highlights), (hit.title, hit.title_highlights)):
        for start, end in spans:
            assert 0 <= start < end <= len(text)
            marked = normalize(text[start:end])
            if not strict:
                assert any(re.search(r"(?<!\w)" + re.escape(t), marked) for t in terms)
                continue
            assert any(marked.startswith(t) for t in terms), (text, start, end, terms)
            assert start == 0 or not re.match(r"\w", normalize(text[start - 1])[-1:] or " ")


@pytest.fixture
def index() -> SearchIndex:
    idx = SearchIndex()
    idx.add(note("n1", "Client reported anxiety and poor sleeping this week."))
    idx.add(note("n2", "Discussed sleep hygiene; anxious before work."))
    idx.add(note("n3", "Had a panic attack on the train. Breathing practice helped."))
    idx.add(note("n4", "Attack of panic? No. Mood stable, sleep improved."))
    idx.add(client("c1", "Jordan Avery"))
    return idx


def test_word_prefixes_match_as_you_type(index: SearchIndex) -> None:
    assert found(index, "anx") == {"n1", "n2"}
    assert found(index, "anxiety") == {"n1"}
    assert found(index, "sleep") == {"n1", "n2", "n4"}  # "sleeping" too
    assert found(index, "xiety") == set()  # prefixes only, not infixes
    assert found(index, "jor") == {"c1"}


def test_every_word_must_match(index: SearchIndex) -> None:
    assert found(index, "sleep anx") == {"n1", "n2"}
    assert found(index, "sleep anxiety") == {"n1"}
    assert found(index, "sleep zebra") == set()


def test_quoted_phrase_matches_consecutive_words(index: SearchIndex) -> None:
    assert found(index, '"panic attack"') == {"n3"}
    assert found(index, '"attack of panic"') == {"n4"}
    assert found(index, '"panic att') == {"n3"}  # unterminated quote while typing
    assert found(index, "“panic attack”") == {"n3"}  # typographic quotes
    assert found(index, '"attack panic"') == set()
    assert found(index, '"panic attack" train') == {"n3"}
    assert found(index, "panic attack") == {"n3", "n4"}


def test_phrase_does_not_span_fields() -> None:
    idx = SearchIndex()
    idx.add(note("x", fields={"Subjective": "felt panic", "Plan": "attack plan"}))
    assert found(idx, '"panic attack"') == set()
    assert found(idx, "panic attack") == {"x"}


def test_case_and_accent_insensitive() -> None:
    idx = SearchIndex()
    idx.add(client("c1", "Sasha Valdés"))
    idx.add(note("n1", "Met at the cafe\u0301 on Straße Ⅳ; ﬁnal session."))
    assert found(idx, "valdes") == found(idx, "VALDÉS") == found(idx, "Valdé") == {"c1"}
    assert found(idx, "café") == found(idx, "CAFE") == {"n1"}
    assert found(idx, "strasse") == found(idx, "STRASSE") == {"n1"}
    assert found(idx, "final") == {"n1"}  # the ligature folds too
    hit = idx.search("valdes").hits[0]
    assert hit.title_highlights == ((6, 12),)  # the accented letter is inside the span
    hit = idx.search("cafe").hits[0]
    start, end = hit.highlights[0]
    assert hit.snippet[start:end] == "cafe\u0301"  # the combining accent rides along


@pytest.fixture
def filtered() -> SearchIndex:
    idx = SearchIndex()
    idx.add(note("a", "sleep", client="c1", day=date(2026, 1, 1), template="SOAP"))
    idx.add(note("b", "sleep", client="c1", day=date(2026, 1, 31), template="DAP"))
    idx.add(note("c", "sleep", client="c2", day=date(2026, 2, 1), status="draft"))
    idx.add(note("d", "sleep", client="c2", day=None, template="DAP", status="draft"))
    idx.add(note("p", "sleep", client="c1", day=date(2026, 1, 15), kind="psychotherapy_note"))
    idx.add(client("c1", "Riley Sleepwell"))
    return idx


def test_filters(filtered: SearchIndex) -> None:
    assert found(filtered, "sleep", client_id="c1") == {"a", "b", "c1"}
    assert found(filtered, "sleep", client_id="nobody") == set()
    assert found(filtered, "sleep", template="DAP") == {"b", "d"}
    assert found(filtered, "sleep", status="draft") == {"c", "d"}
    assert found(filtered, "sleep", status="draft", template="DAP") == {"d"}
    assert found(filtered, "sleep", kinds=["client"]) == {"c1"}
    assert found(filtered, "sleep", kinds=["note"]) == {"a", "b", "c", "d"}


def test_date_range_is_inclusive_and_skips_undated(filtered: SearchIndex) -> None:
    jan = {"date_from": date(2026, 1, 1), "date_to": date(2026, 1, 31)}
    assert found(filtered, "sleep", **jan) == {"a", "b"}
    assert found(filtered, "sleep", date_from=date(2026, 1, 31)) == {"b", "c"}
    assert found(filtered, "sleep", date_to=date(2026, 1, 1)) == {"a"}
    assert found(filtered, "sleep", date_from=date(2026, 3, 1)) == set()


def test_psychotherapy_notes_only_on_request(filtered: SearchIndex) -> None:
    assert "p" not in found(filtered, "sleep")
    assert "p" not in found(filtered, "")
    assert "p" not in found(filtered, "sleep", kinds=["psychotherapy_note"])
    assert "p" in found(filtered, "sleep", include_psychotherapy=True)
    assert found(filtered, "sleep", kinds=["psychotherapy_note"], include_psychotherapy=True) == {
        "p"
    }
    assert filtered.search("sleep").total == 5
    assert filtered.search("sleep", include_psychotherapy=True).total == 6


def test_empty_query_lists_filtered_docs_newest_first(filtered: SearchIndex) -> None:
    assert keys(filtered.search("", client_id="c2")) == ["c", "d"]  # undated last
    assert keys(filtered.search("  ", client_id="c1", kinds=["note"])) == ["b", "a"]
    assert filtered.search("").total == 5


def test_replace_remove_clear() -> None:
    idx = SearchIndex()
    idx.add(note("n1", "insomnia noted"))
    idx.add(note("n1", "nightmares noted"))
    assert len(idx) == 1
    assert found(idx, "insomnia") == set()
    assert found(idx, "nightmares") == found(idx, "noted") == {"n1"}
    idx.remove("n1")
    idx.remove("n1")  # unknown keys are fine
    assert len(idx) == 0
    assert found(idx, "noted") == set()
    idx.add(note("n2", "insomnia"))
    idx.clear()
    assert len(idx) == 0
    assert idx.search("insomnia").total == 0
    assert idx.search("").total == 0


def test_many_replacements_stay_consistent() -> None:
    idx = SearchIndex()
    for round_ in range(30):
        for n in range(20):
            idx.add(note(f"n{n}", f"round{round_} word{n} common"))
    assert len(idx) == 20
    assert found(idx, "round29") == {f"n{n}" for n in range(20)}
    assert found(idx, "round28") == set()
    assert found(idx, "round") == {f"n{n}" for n in range(20)}
    assert found(idx, "word1") == {"n1", *(f"n{n}" for n in range(10, 20))}


def test_ranking_title_words_then_newer() -> None:
    idx = SearchIndex()
    idx.add(note("body-new", "grief work", day=date(2026, 5, 1)))
    idx.add(note("body-old", "grief work", day=date(2026, 1, 1)))
    idx.add(note("title", "work", title="Grief review", day=date(2025, 1, 1)))
    idx.add(note("title-both", "", title="Grief work review", day=date(2020, 1, 1)))
    fields = {"Subjective": "grief", "Assessment": "grief again"}
    idx.add(note("two-fields", fields=fields, day=date(2024, 1, 1)))
    idx.add(note("same-day-later", "grief", day=date(2026, 1, 1)))
    assert keys(idx.search("grief")) == [
        "title",  # one query word in the title each: the newer first
        "title-both",
        "body-new",
        "same-day-later",  # same day: the one indexed later first
        "body-old",
        "two-fields",
    ]
    assert keys(idx.search("grief work"))[:2] == ["title-both", "title"]  # two title words


def test_highlights_mark_matched_prefixes(index: SearchIndex) -> None:
    for text in ("sleep anx", '"panic attack" train', "jor", "att", "SLEEP"):
        results = index.search(text)
        assert results.hits
        for hit in results.hits:
            check_highlights(hit, results.query_terms)
    hit = index.search("anx sleep").hits[0]
    marked = {hit.snippet[s:e] for s, e in hit.highlights}
    assert marked == {"anx", "sleep"}  # only the typed prefix of "anxiety"/"sleeping"
    assert index.search("jordan").hits[0].title_highlights == ((0, 6),)


def test_snippet_window_and_ellipses() -> None:
    filler = " ".join(f"filler{n}" for n in range(60))
    idx = SearchIndex()
    idx.add(note("mid", f"{filler} the rumination returned {filler}"))
    idx.add(note("start", f"rumination first. {filler}"))
    idx.add(note("short", "brief rumination"))
    hits = {hit.key: hit for hit in idx.search("rumination").hits}
    mid = hits["mid"]
    assert mid.snippet.startswith("…") and mid.snippet.endswith("…")
    assert len(mid.snippet) <= 162
    assert mid.field == "Subjective"
    assert [mid.snippet[s:e] for s, e in mid.highlights] == ["rumination"]
    assert not hits["start"].snippet.startswith("…") and hits["start"].snippet.endswith("…")
    assert hits["short"].snippet == "brief rumination"
    assert hits["short"].highlights == ((6, 16),)


def test_snippet_picks_the_field_with_most_terms() -> None:
    idx = SearchIndex()
    fields = {"Subjective": "sleep only", "Plan": "sleep and appetite", "Risk": ""}
    idx.add(note("n", fields=fields))
    hit = idx.search("sleep appetite").hits[0]
    assert hit.field == "Plan"
    title_only = SearchIndex()
    title_only.add(note("t", "nothing here", title="Appetite review"))
    hit = title_only.search("appetite").hits[0]
    assert (hit.field, hit.snippet, hit.highlights) == ("Subjective", "nothing here", ())


def test_one_letter_words() -> None:
    idx = SearchIndex()
    idx.add(note("n1", "a b c plan"))
    assert idx.search("a") == SearchResults(hits=(), total=0, query_terms=())
    assert idx.search("a b").total == 0
    assert found(idx, "a plan") == {"n1"}
    assert idx.search("a plan").query_terms == ("plan",)


def test_limit_caps_hits_not_total() -> None:
    idx = SearchIndex()
    for n in range(30):
        idx.add(note(f"n{n}", "exposure hierarchy", day=date(2026, 1, 1 + n)))
    results = idx.search("exposure", limit=5)
    assert results.total == 30
    assert keys(results) == ["n29", "n28", "n27", "n26", "n25"]
    assert idx.search("exposure", limit=0).hits == ()


def test_odd_characters_do_not_break_anything() -> None:
    idx = SearchIndex()
    rtl = "\u202eevil\u202c שלום مرحبا"
    body = f"{rtl} 🙂👨‍👩‍👧 \x00\x07 tab\tnew\nline {'z' * 100_000} worry {'y' * 200}"
    idx.add(note("odd", body, title="\u200f😀 emoji title"))
    for text in ("worry", "שלום", "مرحبا", "evil", "emoji", "z" * 50, "y" * 200, "🙂", '"'):
        results = idx.search(text)
        for hit in results.hits:
            check_highlights(hit, results.query_terms)
            assert not re.search(r"[\x00-\x1f\u202a-\u202e]", hit.snippet)
    assert found(idx, "worry") == found(idx, "evil") == found(idx, "z" * 60) == {"odd"}
    assert found(idx, "y" * 201) == set()


def typed_words(text: str) -> list[str]:
    """Words as a user would type them: runs of word characters and combining marks."""
    return "".join(map(_typed_shape, text)).split()


def _typed_shape(char: str) -> str:
    return char if char.isalnum() or char == "_" or unicodedata.combining(char) else " "


noise = st.text(max_size=60)
plain_word = st.from_regex(r"[a-z]{2,12}", fullmatch=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(noise, plain_word, noise)
def test_a_word_among_any_text_is_found_and_highlighted(head: str, word: str, tail: str) -> None:
    idx = SearchIndex()
    idx.add(note("other", "unrelated"))
    idx.add(note("doc", f"{head} {word} {tail}", title=head))
    results = idx.search(word)
    assert "doc" in keys(results)
    for hit in results.hits:
        check_highlights(hit, results.query_terms)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=30))
def test_any_text_is_findable_by_each_of_its_words(body: str, title: str) -> None:
    idx = SearchIndex()
    idx.add(note("doc", body, title=title))
    for word in set(words(body) + words(title)):
        if len(word) >= 2:
            results = idx.search(word)
            assert keys(results) == ["doc"], word
            for hit in results.hits:
                check_highlights(hit, results.query_terms, strict=False)
    for word in typed_words(body):
        if len(words(word)) == 1 and len(words(word)[0]) >= 2:
            assert idx.search(word).total == 1, word


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_normalisation_is_per_character_and_idempotent(text: str) -> None:
    assert normalize(text) == "".join(normalize(c) for c in text)
    assert normalize(normalize(text)) == normalize(text)
    aligned = Aligned(text)
    assert aligned.text == normalize(text)
    for match in re.finditer(r"\w+", aligned.text):
        start, end = aligned.span(*match.span())
        assert re.search(r"(?<!\w)" + re.escape(match.group()), normalize(text[start:end]))


def test_index_agrees_with_brute_force_through_edits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Random adds, replacements and removals (shards sealed on the way, documents masked in
    them, the open shard's rows replaced) never make the index disagree with a plain scan."""
    monkeypatch.setattr("noteapp.search.index.SEAL_AT", 40)
    rng = random.Random(11)
    vocab = ["sleep", "sleeping", "slept", "anxiety", "anxious", "panic", "plan", "mood"]
    vocab += [f"rare{n}" for n in range(40)]
    weights = [10] * 8 + [1] * 40
    live: dict[str, SearchDoc] = {}
    idx = SearchIndex()

    def random_doc(key: str) -> SearchDoc:
        fields = {
            label: " ".join(rng.choices(vocab, weights, k=rng.randint(0, 8)))
            for label in ("S", "O", "P")
        }
        day = date(2026, 1, 1 + rng.randrange(28))
        kind = rng.choice(["note", "note", "client", "psychotherapy_note"])
        return note(key, fields=fields, title=rng.choice(vocab), day=day, kind=kind)

    def brute(terms: list[str], client: str | None) -> set[str]:
        hits = set()
        for key, doc in live.items():
            tokens = words(" ".join([doc.title, *doc.fields.values()]))
            if doc.kind == "psychotherapy_note" or (client and doc.client_id != client):
                continue
            if all(any(tok.startswith(t) for tok in tokens) for t in terms):
                hits.add(key)
        return hits

    for round_ in range(12):
        for _ in range(120):
            key = f"k{rng.randrange(150)}"
            if rng.random() < 0.2:
                idx.remove(key)
                live.pop(key, None)
            else:
                live[key] = random_doc(key)
                idx.add(live[key])
        assert len(idx) == len(live)
        for terms in (["sle"], ["sleep"], ["anx", "pl"], ["rare1"], ["panic", "mood"], []):
            results = idx.search(" ".join(terms), limit=1000)
            assert set(keys(results)) == brute(terms, None), (round_, terms)
            assert results.total == len(results.hits)
        assert found(idx, "slee", client_id="c1", limit=1000) == brute(["slee"], "c1")
    sealed, _open, _seq = idx.parts()
    assert len(sealed) > 3 and any(shard.dead for shard in sealed), "sealed and masked"
