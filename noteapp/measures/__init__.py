"""Outcome measures as data (shipped instruments and the user's own) and their scoring."""

from noteapp.measures.checks import Problem
from noteapp.measures.definition import (
    FORMAT,
    MAX_FILE_BYTES,
    DefinitionError,
    check_bytes,
    check_text,
    parse_definition,
)
from noteapp.measures.instruments_data import builtin_versions, load_instruments
from noteapp.measures.model import (
    AskIf,
    Band,
    Flag,
    Instrument,
    Score,
    Subscale,
    SubscaleScore,
)
from noteapp.measures.scoring import score_answers, score_total

__all__ = [
    "FORMAT",
    "MAX_FILE_BYTES",
    "AskIf",
    "Band",
    "DefinitionError",
    "Flag",
    "Instrument",
    "Problem",
    "Score",
    "Subscale",
    "SubscaleScore",
    "builtin_versions",
    "check_bytes",
    "check_text",
    "load_instruments",
    "parse_definition",
    "score_answers",
    "score_total",
]
