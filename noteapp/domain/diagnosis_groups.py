"""Diagnosis groups for reports: the ICD-10-CM block of a client's primary diagnosis.

A report groups by block, not by code, because a group of one client is a person, not a
statistic — and a funder needs "mood disorders", not F33.1. The primary diagnosis is the
first one on the client's record; each client is in exactly one group.
"""

from __future__ import annotations

from collections.abc import Sequence

from noteapp.domain.clients import Diagnosis

NO_DIAGNOSIS = "No diagnosis recorded"
OTHER = "Other (outside chapter 5)"

# ICD-10-CM chapter 5 (F01–F99) blocks, by the two digits after "F".
_F_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (1, 9, "F01–F09 Mental disorders due to known physiological conditions"),
    (10, 19, "F10–F19 Substance use disorders"),
    (20, 29, "F20–F29 Schizophrenia spectrum and other psychotic disorders"),
    (30, 39, "F30–F39 Mood (affective) disorders"),
    (40, 48, "F40–F48 Anxiety, dissociative, stress-related and somatoform disorders"),
    (50, 59, "F50–F59 Behavioral syndromes with physiological disturbances"),
    (60, 69, "F60–F69 Disorders of adult personality and behavior"),
    (70, 79, "F70–F79 Intellectual disabilities"),
    (80, 89, "F80–F89 Pervasive and specific developmental disorders"),
    (90, 98, "F90–F98 Behavioral and emotional disorders with onset in childhood"),
    (99, 99, "F99 Unspecified mental disorder"),
)
Z_CODES = "Z00–Z99 Factors influencing health status (Z codes)"


def group_of_code(code: str) -> str:
    """The block of one ICD-10-CM code, e.g. "F33.1" → "F30–F39 Mood (affective) disorders"."""
    code = code.strip().upper()
    if code.startswith("Z"):
        return Z_CODES
    if code.startswith("F") and code[1:3].isdigit():
        number = int(code[1:3])
        for lo, hi, label in _F_BLOCKS:
            if lo <= number <= hi:
                return label
    return OTHER


def diagnosis_group(diagnoses: Sequence[Diagnosis]) -> str:
    """The group of a client: the block of their primary (first) diagnosis."""
    if not diagnoses:
        return NO_DIAGNOSIS
    return group_of_code(diagnoses[0].code)
