"""Outcome measures as data (PHQ-9, GAD-7, PCL-5, AUDIT-C, …) and their scoring."""

from noteapp.measures.instruments_data import (
    Band,
    Flag,
    Instrument,
    Score,
    load_instruments,
    score_answers,
    score_total,
)

__all__ = [
    "Band",
    "Flag",
    "Instrument",
    "Score",
    "load_instruments",
    "score_answers",
    "score_total",
]
