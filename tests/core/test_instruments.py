"""The new shipped instruments scored against their published rules (AUDIT skip rules and
0/2/4 items, PHQ-A's unscored risk questions, K10's 1–5 scale, DASS-21 subscales × 2), and
instruments added as data: stored in the vault with versions, scores keeping the version
they were given with, and risk flags from the data raising the same sign gate as PHQ-9
item 9 (an EPDS-shaped and a C-SSRS-shaped file, with invented item wording)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.errors import CheckFailedError, InvalidInputError
from noteapp.measures import (
    DefinitionError,
    check_bytes,
    load_instruments,
    score_answers,
    score_total,
)
from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.test_signing import ready_note, ws

__all__ = ["ws"]

SHIPPED = Path(__file__).parents[2] / "noteapp" / "measures" / "instruments"


def inst(ident: str):  # type: ignore[no-untyped-def]
    return load_instruments()[ident]


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.json")), ids=lambda p: p.name)
def test_every_shipped_file_passes_the_same_check_as_a_users_file(path: Path) -> None:
    found, problems = check_bytes(path.read_bytes())
    assert problems == [] and found is not None
    assert found.source and found.terms


# --- AUDIT -------------------------------------------------------------------------------


def test_audit_scores_and_zones() -> None:
    audit = inst("audit")
    assert score_answers(audit, [2, 1, 1, 0, 0, 0, 0, 0, 2, 0]).total == 6
    assert score_answers(audit, [2, 1, 1, 0, 0, 0, 0, 0, 2, 0]).severity == "zone I: low risk"
    assert score_answers(audit, [4] * 10).total == 40
    assert score_answers(audit, [4] * 10).severity == "zone IV: possible dependence"
    assert score_answers(audit, [3, 2, 2, 1, 0, 0, 0, 0, 0, 0]).severity.startswith("zone II")
    assert score_answers(audit, [4, 4, 4, 2, 2, 0, 0, 0, 0, 0]).severity.startswith("zone III")
    with pytest.raises(InvalidInputError, match=r"Answer 9 is 1.*0, 2, 4"):
        score_answers(audit, [1, 0, 1, 0, 0, 0, 0, 0, 1, 0])


def test_audit_skip_rules() -> None:
    audit = inst("audit")
    # Never drinks: questions 2–8 are not asked; blank or 0 both mean "not asked".
    never = score_answers(audit, ["0", "-", "-", "-", "-", "-", "-", "-", "2", "0"])
    assert never.total == 2 and never.answers == (0, None, None, None, None, None, None, None, 2, 0)
    assert score_answers(audit, [0] * 10).answers == (*never.answers[:8], 0, 0)
    with pytest.raises(InvalidInputError, match=r"Question 2 .* asked only when items 1"):
        score_answers(audit, [0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    # Drinks, but 1–2 drinks and never six: questions 4–8 are skipped (WHO: items 2+3 = 0).
    light = score_answers(audit, [1, 0, 0, "", "", "", "", "", 0, 4])
    assert light.total == 5 and light.answers[3:8] == (None,) * 5
    with pytest.raises(InvalidInputError, match=r"Question 4 .* items 2, 3"):
        score_answers(audit, [1, 0, 0, 2, 0, 0, 0, 0, 0, 0])
    with pytest.raises(InvalidInputError, match="Answer 4 is missing"):
        score_answers(audit, [1, 1, 0, "-", 0, 0, 0, 0, 0, 0])


# --- PHQ-A -------------------------------------------------------------------------------


def test_phqa_unscored_questions_and_its_risk_items() -> None:
    phqa = inst("phqa")
    assert len(phqa.items) == 12 and (phqa.total_min, phqa.total_max) == (0, 27)
    plain = score_answers(phqa, [2] * 4 + [1] * 4 + [0] + [1, 0, 0])
    assert plain.total == 12 and plain.severity == "moderate"  # "past year" does not add
    assert plain.flags == () and not plain.risk
    item9 = score_answers(phqa, [0] * 8 + [1] + [0, 0, 0])
    assert item9.flags == ("suicide-risk",) and item9.risk
    month = score_answers(phqa, [0] * 9 + [0, 1, 0])
    assert month.total == 0 and month.flags == ("serious-thoughts-past-month",) and month.risk
    ever = score_answers(phqa, [0] * 9 + [0, 0, 1])
    assert ever.flags == ("lifetime-attempt",) and not ever.risk  # shown, does not hold notes
    with pytest.raises(InvalidInputError, match=r"Answer 11 is 2; .* 0–1"):
        score_answers(phqa, [0] * 9 + [0, 2, 0])


# --- K10 ---------------------------------------------------------------------------------


def test_k10_is_scored_1_to_5() -> None:
    k10 = inst("k10")
    assert score_answers(k10, [1] * 10).total == 10
    assert score_answers(k10, [1] * 10).severity == "low distress"
    assert score_answers(k10, [2] * 6 + [1] * 4).severity == "moderate distress"  # 16
    assert score_answers(k10, [3] * 7 + [1] * 3).severity == "high distress"  # 24
    assert score_answers(k10, [5] * 10).severity == "very high distress"
    with pytest.raises(InvalidInputError, match=r"Answer 1 is 0; .* 1–5"):
        score_answers(k10, [0] + [1] * 9)
    with pytest.raises(InvalidInputError, match="10–50"):
        score_total(k10, 9)


# --- DASS-21 -----------------------------------------------------------------------------

DEPRESSION = (3, 5, 10, 13, 16, 17, 21)
ANXIETY = (2, 4, 7, 9, 15, 19, 20)
STRESS = (1, 6, 8, 11, 12, 14, 18)


def test_dass21_subscales_are_sums_times_two_with_their_own_bands() -> None:
    dass = inst("dass21")
    answers = [0] * 21
    for i in DEPRESSION:
        answers[i - 1] = 2  # 7 × 2 × 2 = 28: extremely severe
    for i in ANXIETY[:4]:
        answers[i - 1] = 1  # 4 × 2 = 8: mild
    answers[STRESS[0] - 1] = 3  # 3 × 2 = 6: normal
    score = score_answers(dass, answers)
    subs = {s.id: (s.score, s.severity) for s in score.subscales}
    assert subs == {
        "depression": (28, "extremely severe"),
        "anxiety": (8, "mild"),
        "stress": (6, "normal"),
    }
    assert score.total == 2 * (14 + 4 + 3)
    assert score.severity == "depression extremely severe; anxiety mild; stress normal"
    with pytest.raises(InvalidInputError, match="multiple of 2"):
        score_total(dass, 41)
    assert score_total(dass, 42).subscales == ()  # a paper total knows no subscale


@pytest.mark.parametrize(
    ("subscale", "cuts"),
    [
        ("depression", [(0, "normal"), (10, "mild"), (14, "moderate"), (21, "severe"),
                        (28, "extremely severe")]),
        ("anxiety", [(0, "normal"), (8, "mild"), (10, "moderate"), (15, "severe"),
                     (20, "extremely severe")]),
        ("stress", [(0, "normal"), (15, "mild"), (19, "moderate"), (26, "severe"),
                    (34, "extremely severe")]),
    ],
)  # fmt: skip
def test_dass21_band_edges(subscale: str, cuts: list[tuple[int, str]]) -> None:
    sub = next(s for s in inst("dass21").subscales if s.id == subscale)
    for lo, label in cuts:
        band = sub.band(lo)
        assert band is not None and band.label == label
        if lo:
            below = sub.band(lo - 1)
            assert below is not None and below.label != label


# --- instruments added as data -------------------------------------------------------------

EPDS_SHAPED: dict[str, Any] = {
    "format": 1,
    "id": "postnatal-test",
    "name": "PN-10",
    "title": "A postnatal questionnaire shaped like the EPDS (invented wording)",
    "version": 1,
    "source": "Test fixture; invented wording.",
    "terms": "Test fixture.",
    "answers": [
        {"value": 0, "label": "First box"},
        {"value": 1, "label": "Second box"},
        {"value": 2, "label": "Third box"},
        {"value": 3, "label": "Fourth box"},
    ],
    "items": [f"Invented question {n}" for n in range(1, 11)],
    "reverse_scored": [3, 5, 6, 7, 8, 9, 10],
    "bands": [
        {"min": 0, "max": 9, "label": "below the cut-off"},
        {"min": 10, "max": 12, "label": "possible depression"},
        {"min": 13, "max": 30, "label": "probable depression"},
    ],
    "flags": [{"id": "self-harm", "item": 10, "min": 1, "label": "Item 10 above 0", "risk": True}],
}

YES_NO = [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]
CSSRS_SHAPED: dict[str, Any] = {
    "format": 1,
    "id": "screen-test",
    "name": "Screen-6",
    "title": "A suicide screen shaped like the C-SSRS screener (invented wording)",
    "version": 1,
    "source": "Test fixture; invented wording.",
    "terms": "Test fixture.",
    "items": [
        {"text": "Invented 1", "answers": [*YES_NO[:1], {"value": 1, "label": "Yes", "score": 1}]},
        {"text": "Invented 2", "answers": [*YES_NO[:1], {"value": 1, "label": "Yes", "score": 1}]},
        {
            "text": "Invented 3",
            "answers": [
                {"value": 0, "label": "No", "score": 0},
                {"value": 1, "label": "Yes", "score": 2},
            ],
            "ask_if": {"items": [2], "min": 1},
        },
        {
            "text": "Invented 4",
            "answers": [
                {"value": 0, "label": "No", "score": 0},
                {"value": 1, "label": "Yes", "score": 3},
            ],
            "ask_if": {"items": [2], "min": 1},
        },
        {
            "text": "Invented 5",
            "answers": [
                {"value": 0, "label": "No", "score": 0},
                {"value": 1, "label": "Yes", "score": 2},
            ],
        },
    ],
    "scoring": {"method": "max"},
    "bands": [
        {"min": 0, "max": 0, "label": "no risk identified"},
        {"min": 1, "max": 1, "label": "low risk"},
        {"min": 2, "max": 2, "label": "moderate risk"},
        {"min": 3, "max": 3, "label": "high risk"},
    ],
    "flags": [
        {"id": f"yes-{n}", "item": n, "min": 1, "label": f"Yes to question {n}", "risk": True}
        for n in range(1, 6)
    ],
    "report": False,
    "response": None,
}
for _item in CSSRS_SHAPED["items"][:2]:
    _item["answers"][0] = {"value": 0, "label": "No", "score": 0}


def raw(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=1).encode()


def test_reverse_scored_items_and_a_risk_item_from_data(ws: Workspace) -> None:
    added = ws.instruments.add(raw(EPDS_SHAPED))
    assert added.reverse_scored == (3, 5, 6, 7, 8, 9, 10)
    # The top box of a reverse-scored item scores 3, the bottom one 0.
    top = score_answers(added, [0] * 10)
    assert top.total == 21 and top.flags == ("self-harm",) and top.risk
    bottom = score_answers(added, [3] * 10)
    assert bottom.total == 3 * 3 and not bottom.risk  # items 1, 2, 4 score 3 each
    note_id = ready_note(ws)
    client_id = ws.notes.get(note_id).client_id
    answers = [0, 0, 3, 0, 3, 3, 3, 3, 3, 2]  # only item 10 above 0 (second-to-last box: 1)
    m = ws.measures.add(
        client_id=client_id, instrument="postnatal-test", answers=answers, on=date(2026, 1, 2)
    )
    assert (m.total, m.risk, m.flags) == (1, True, ("self-harm",))
    assert [x.id for x in ws.measures.open_risk_flags(client_id)] == [m.id]
    # The same gate as PHQ-9 item 9: the note of 5 January cannot be signed.
    assert [i.rule for i in ws.notes.check(ws.notes.get(note_id)).blocking] == [
        "risk_flag_followup"
    ]
    with pytest.raises(CheckFailedError, match="risk flag"):
        ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    day = ws.measures.same_day(client_id, date(2026, 1, 2))[0]
    assert day.summary.endswith("risk flag: Item 10 above 0")


def test_a_yes_no_screen_with_skip_rules_weights_and_risk_flags(ws: Workspace) -> None:
    screen = ws.instruments.add(raw(CSSRS_SHAPED))
    none = score_answers(screen, [0, 0, "-", "-", 0])
    assert (none.total, none.severity, none.risk) == (0, "no risk identified", False)
    assert none.answers == (0, 0, None, None, 0)
    low = score_answers(screen, [1, 0, "-", "-", 0])
    assert (low.total, low.severity, low.flags, low.risk) == (1, "low risk", ("yes-1",), True)
    high = score_answers(screen, [1, 1, 1, 1, 0])
    assert (high.total, high.severity) == (3, "high risk")
    assert high.flags == ("yes-1", "yes-2", "yes-3", "yes-4")
    with pytest.raises(InvalidInputError, match=r"Question 3 .* asked only when items 2"):
        score_answers(screen, [1, 0, 1, "-", 0])
    client_id = ws.clients.add(name="Riley Sample").id
    m = ws.measures.add(client_id=client_id, instrument="screen-test", answers=[0, 0, "-", "-", 1])
    assert m.risk and m.open_risk and m.severity == "moderate risk"
    # A screen is not an outcome: the report leaves it out (report: false).
    assert "screen-test" not in {o.id for o, _v in ws.outcomes.outcomes()}


def test_versions_scores_keep_theirs_and_the_vault_carries_them(
    ws: Workspace, tmp_path: Path
) -> None:
    client_id = ws.clients.add(name="Morgan Test").id
    ws.instruments.add(raw(EPDS_SHAPED))
    first = ws.measures.add(client_id=client_id, instrument="postnatal-test", answers=[3] * 10)
    assert (first.instrument_version, first.severity) == (1, "below the cut-off")
    with pytest.raises(InvalidInputError, match="version 1 is already in this vault"):
        ws.instruments.add(raw(EPDS_SHAPED))
    v2 = dict(EPDS_SHAPED, version=2)
    v2["bands"] = [
        {"min": 0, "max": 8, "label": "low"},
        {"min": 9, "max": 30, "label": "high"},
    ]
    ws.instruments.add(raw(v2))
    second = ws.measures.add(client_id=client_id, instrument="postnatal-test", answers=[3] * 10)
    assert (second.instrument_version, second.severity) == (2, "high")
    # The earlier score is not re-scored, and its own version can still be looked up.
    assert ws.measures.get(first.id).severity == "below the cut-off"
    old = ws.measures.instrument_of(ws.measures.get(first.id))
    assert old is not None and old.version == 1 and old.bands[0].label == "below the cut-off"
    assert [i.version for i in ws.instruments.versions_of("postnatal-test")] == [1, 2]
    with pytest.raises(DefinitionError, match="built-in"):
        ws.instruments.add(raw(dict(EPDS_SHAPED, id="phq9")))
    audit = [e for e in ws.audit.entries() if e.action == "instrument-add"]
    assert [e.detail for e in audit] == [{"version": 1}, {"version": 2}]
    # Reopened, the vault still knows both versions (they travel with the records).
    path = ws._vault.path
    ws.close()
    again = Workspace.unlock(path, PASSPHRASE)
    try:
        assert again.instruments.get("postnatal-test").version == 2
        assert again.instruments.at("postnatal-test", 1) is not None
        kept = again.measures.get(first.id)
        assert kept.instrument_version == 1 and kept.severity == "below the cut-off"
    finally:
        again.close()
    assert FAST_KDF  # the workspace fixture's key derivation, reused on unlock


def test_a_bad_file_is_refused_and_nothing_is_stored(ws: Workspace) -> None:
    bad = dict(EPDS_SHAPED, bands=[{"min": 0, "max": 9, "label": "low"}])
    with pytest.raises(DefinitionError) as caught:
        ws.instruments.add(raw(bad))
    assert "highest possible score is 30" in str(caught.value)
    assert caught.value.problems and ws.instruments.custom() == []
    assert ws._vault.count("instrument") == 0


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"id": "phq-9"}, 'id "phq-9" is taken by the built-in instrument PHQ-9'),
        ({"name": "Gad 7"}, 'name "Gad 7" is taken by the built-in instrument GAD-7'),
        ({"name": "ＰＨＱ－９"}, "built-in instrument PHQ-9"),  # full-width letters
    ],
)
def test_a_look_alike_of_a_built_in_is_refused(
    ws: Workspace, changes: dict[str, str], words: str
) -> None:
    # Red team: a custom "phq-9" named "PHQ-9" was accepted and listed beside the real one.
    with pytest.raises(DefinitionError, match=words):
        ws.instruments.add(raw(dict(EPDS_SHAPED, **changes)))
    assert ws._vault.count("instrument") == 0


def test_a_stored_record_never_redefines_a_built_in(ws: Workspace) -> None:
    # Red team: a record of kind "instrument" for "phq9" (brought by an archive or a restored
    # copy, not by 'instrument add') replaced PHQ-9's scoring for every new score.
    fake = dict(EPDS_SHAPED, id="phq9", name="Fake", version=9)
    with ws._vault.transaction():
        ws._vault.put("instrument", "phq9", {"definition": fake, "added_at": ""})
    ws.instruments.reload()
    assert ws.instruments.get("phq9") is inst("phq9")
    assert [i.version for i in ws.instruments.versions_of("phq9")] == [inst("phq9").version]
    assert ws.instruments.custom() == []
    assert any("built-in" in str(p) for p in ws.instruments.problems)
    client_id = ws.clients.add(name="Riley Sample").id
    m = ws.measures.add(client_id=client_id, instrument="phq9", answers=[3] * 9)
    assert (m.total, m.severity) == (27, "severe")
