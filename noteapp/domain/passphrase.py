"""A passphrase strength hint (no extra dependency): rough entropy with common-pattern checks."""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass

_COMMON = {
    "password",
    "passw0rd",
    "letmein",
    "welcome",
    "qwerty",
    "iloveyou",
    "admin",
    "monkey",
    "dragon",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "master",
    "therapy",
    "counselor",
    "123456",
    "12345678",
    "123456789",
    "abc123",
    "changeme",
    "secret",
    "noteapp",
}


@dataclass(frozen=True)
class Strength:
    score: int  # 0 (very weak) .. 4 (strong)
    label: str
    hint: str
    bits: float


_LABELS = ["Very weak", "Weak", "Fair", "Good", "Strong"]


def estimate(passphrase: str) -> Strength:
    """How hard a passphrase is to guess, and one concrete way to improve it."""
    if not passphrase:
        return Strength(
            0, _LABELS[0], "Choose a passphrase: four or more unrelated words work well.", 0
        )
    pool = 0
    if any(c in string.ascii_lowercase for c in passphrase):
        pool += 26
    if any(c in string.ascii_uppercase for c in passphrase):
        pool += 26
    if any(c in string.digits for c in passphrase):
        pool += 10
    if any(c in string.punctuation or c == " " for c in passphrase):
        pool += 33
    if any(ord(c) > 127 for c in passphrase):
        pool += 100
    bits = len(passphrase) * math.log2(max(pool, 2))
    lowered = passphrase.lower()
    words = re.findall(r"[a-z]{3,}", lowered)
    if lowered in _COMMON or any(w in _COMMON for w in words if len(w) >= len(lowered) - 3):
        bits = min(bits, 10)
    if re.fullmatch(r"(.)\1*", passphrase) or re.fullmatch(r"(..?.?)\1+", passphrase):
        bits = min(bits, 12)
    if re.search(r"(0123|1234|2345|3456|4567|5678|6789|abcd|qwer|asdf)", lowered):
        bits -= 10
    # Four or more separate words is the pattern we recommend: credit it.
    if len(re.findall(r"[A-Za-z]{3,}", passphrase)) >= 4 and len(passphrase) >= 20:
        bits = max(bits, 60)
    score = 0 if bits < 28 else 1 if bits < 40 else 2 if bits < 55 else 3 if bits < 70 else 4
    if len(passphrase) < 10:
        hint = "Use at least 10 characters — four unrelated words are easy to remember."
    elif score < 3:
        hint = "Add another unrelated word, or mix in digits and symbols."
    else:
        hint = "Good. Keep it somewhere safe too — noteapp cannot recover it for you."
    return Strength(score, _LABELS[score], hint, max(bits, 0.0))
