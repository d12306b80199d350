"""Paper sizes for exports and printing: US Letter or A4, and which one a region uses.

Exports used to be US Letter whatever the country; a clinician in most of the world prints
on A4, where a Letter page loses its footer or gets scaled down by the printer.
"""

from __future__ import annotations

import re
from enum import StrEnum

TWIPS_PER_INCH = 1440
MM_PER_INCH = 25.4


class PaperSize(StrEnum):
    LETTER = "letter"
    A4 = "a4"

    @property
    def width_mm(self) -> float:
        return 215.9 if self is PaperSize.LETTER else 210.0

    @property
    def height_mm(self) -> float:
        return 279.4 if self is PaperSize.LETTER else 297.0

    @property
    def width_twips(self) -> int:
        """Word's page width for this paper (1/1440 in): 12240 for Letter, 11906 for A4."""
        return round(self.width_mm / MM_PER_INCH * TWIPS_PER_INCH)

    @property
    def height_twips(self) -> int:
        return round(self.height_mm / MM_PER_INCH * TWIPS_PER_INCH)

    @property
    def label(self) -> str:
        return "US Letter (8.5 × 11 in)" if self is PaperSize.LETTER else "A4 (210 × 297 mm)"


# Regions whose customary paper is US Letter (Unicode CLDR, supplemental measurementData,
# paperSize "US-Letter"); everywhere else uses A4.
LETTER_REGIONS = frozenset(
    {"US", "CA", "MX", "PH", "PR", "BZ", "CL", "CO", "CR", "GT", "NI", "PA", "SV", "VE"}
)
# "en_US.UTF-8", "fr_CA", "de_DE@euro", "en-GB" (BCP 47, as macOS and Windows write it). A
# numeric region ("es_419", Latin America) mixes both papers, so it names none here.
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:[_-][A-Za-z]{4})?[_-]([A-Za-z]{2})(?:[.@]|$)")


def region_of_locale(name: str) -> str | None:
    """The region of a locale name ("en_US.UTF-8" → "US"), or None ("C", "POSIX", "en")."""
    m = _LOCALE.match(name.strip())
    return m.group(1).upper() if m else None


def paper_for_region(region: str) -> PaperSize:
    return PaperSize.LETTER if region.upper() in LETTER_REGIONS else PaperSize.A4


def paper_for_locale(name: str) -> PaperSize | None:
    """The paper a locale's region uses, or None when the name names no region."""
    region = region_of_locale(name)
    return paper_for_region(region) if region is not None else None
