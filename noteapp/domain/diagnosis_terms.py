"""Does anything in a note or a treatment plan address a diagnosis?

An auditor reads a diagnosis on a progress note as a claim that the session treated it; a
diagnosis that neither the note nor any plan problem speaks to (an ADHD diagnosis on notes
about worry, under an anxiety plan) is a finding. This is a helper for the checklist's
warning `diagnosis_supported`, not a classifier: it looks for the code itself, for words of
the diagnosis's own description, and for the plain clinical words of its ICD-10-CM family
(stems, matched at the start of a word). A diagnosis it knows no words for is reported as
unsupported unless its code or description words appear — the warning says what to check.
"""

from __future__ import annotations

import re
from functools import lru_cache

from noteapp.domain.clients import Diagnosis

_DEPRESSION = (
    "depress",
    "low mood",
    "mood",
    "anhedoni",
    "loss of interest",
    "hopeless",
    "phq-9",
    "phq9",
    "behavioral activation",
    "behavioural activation",
)
_SUBSTANCE = ("substance", "craving", "relapse", "sober", "abstinen", "urge")
_PSYCHOSIS = ("psychos", "psychotic", "hallucinat", "delusion", "paranoi", "voices")
_ANXIETY = ("anxi", "worr", "panic", "nervous", "tense", "tension", "gad-7", "gad7", "fear")

# ICD-10-CM code prefixes → word stems that show a note or plan addresses the condition.
TERMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("F10", ("alcohol", "drink", "drunk", "audit-c", *_SUBSTANCE)),
    ("F11", ("opioid", "opiate", "heroin", "fentanyl", "methadone", "buprenorphine", *_SUBSTANCE)),
    ("F12", ("cannabis", "marijuana", "weed", *_SUBSTANCE)),
    ("F13", ("sedative", "benzodiazepine", *_SUBSTANCE)),
    ("F14", ("cocaine", "stimulant", *_SUBSTANCE)),
    ("F15", ("stimulant", "amphetamine", "methamphetamine", *_SUBSTANCE)),
    ("F17", ("nicotine", "smok", "vap", "tobacco", "cigarette")),
    ("F19", ("drug", *_SUBSTANCE)),
    ("F20", ("schizophren", *_PSYCHOSIS)),
    ("F25", ("schizoaffective", *_PSYCHOSIS, *_DEPRESSION)),
    ("F31", ("bipolar", "mania", "manic", "hypomani", "mood")),
    ("F32", _DEPRESSION),
    ("F33", _DEPRESSION),
    ("F34", ("dysthymi", "irritab", *_DEPRESSION)),
    ("F40", ("phobi", "avoid", "social", "exposure", *_ANXIETY)),
    ("F41", ("relax", "breathing", *_ANXIETY)),
    ("F42", ("obsess", "compuls", "ocd", "intrusive thought", "ritual", "checking", "exposure")),
    ("F43.0", ("acute stress", "trauma", "stressor")),
    ("F43.1", ("trauma", "ptsd", "intrusive", "flashback", "nightmare", "hypervigil", "pcl-5")),
    ("F43.2", ("adjust", "stressor", "stress", "coping", "cope")),
    ("F44", ("dissociat", "trauma")),
    ("F45", ("somat", "pain", "health anxiety", "physical symptom")),
    ("F50", ("eating", "binge", "purg", "restrict", "weight", "body image", "meal")),
    ("F51", ("sleep", "insomnia", "nightmare")),
    ("F60.3", ("borderline", "emotion regulation", "self-harm", "dbt", "distress tolerance")),
    ("F84", ("autis", "sensory", "social communication")),
    (
        "F90",
        (
            "adhd",
            "attention",
            "inattent",
            "hyperactiv",
            "impulsiv",
            "focus",
            "concentrat",
            "distract",
            "organi",
            "planner",
            "procrastinat",
            "executive function",
        ),
    ),
    ("F91", ("conduct", "defian", "aggress", "rule-breaking")),
    ("F93", ("separation", "anxi", "worr")),
    ("Z63", ("relationship", "partner", "spouse", "marital", "family", "conflict")),
)

# Words of a diagnosis description that say nothing about what was treated.
_STOP = frozenset(
    [
        "disorder",
        "disorders",
        "unspecified",
        "specified",
        "episode",
        "single",
        "recurrent",
        "moderate",
        "severe",
        "mild",
        "without",
        "other",
        "type",
        "types",
        "predominantly",
        "current",
        "currently",
        "partial",
        "remission",
        "features",
        "uncomplicated",
        "major",
        "mixed",
        "chronic",
        "acute",
        "state",
        "reaction",
        "combined",
        "presentation",
        "related",
        "with",
        "induced",
        "persistent",
    ]
)


@lru_cache(maxsize=512)
def terms_for(code: str, description: str) -> tuple[str, ...]:
    """The stems that count as addressing this diagnosis (lower case)."""
    found: list[str] = []
    for prefix, words in TERMS:
        if code.upper().startswith(prefix):
            found.extend(words)
    for word in re.findall(r"[a-z]+", description.lower()):
        if len(word) >= 5 and word not in _STOP:
            found.append(word[:6])
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=512)
def _pattern(code: str, description: str) -> re.Pattern[str] | None:
    # Made once per diagnosis: the Today page checks thousands of drafts.
    stems = [re.escape(t) for t in terms_for(code, description)]
    parts = [*stems, re.escape(code.lower()) + r"\b"] if code else stems
    return re.compile(r"\b(?:" + "|".join(parts) + ")") if parts else None


def addressed_in(dx: Diagnosis, text: str) -> bool:
    """True when `text` mentions the diagnosis's code, description words or clinical words."""
    pattern = _pattern(dx.code, dx.description)
    return pattern is not None and pattern.search(text.lower()) is not None
