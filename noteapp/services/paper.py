"""The paper this computer's region uses: the default of the paper-size setting.

POSIX order for the paper category (LC_ALL, then LC_PAPER, then LANG); where that names no
region (unset, "C"), the platform's own setting (Windows: the user's locale paper size;
macOS: the AppleLocale preference); failing all of those, US Letter, the paper of the
app's first users and of every export before the setting existed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

from noteapp.domain.paper import PaperSize, paper_for_locale

_WINDOWS_LOCALE_IPAPERSIZE = 0x100A  # GetLocaleInfoEx: "1" Letter, "5" Legal, "9" A4, …
_WINDOWS_LETTER_CODES = frozenset({"1", "5"})  # Letter and Legal: North American paper


def system_paper_size(
    env: Mapping[str, str] | None = None, *, platform: str = sys.platform
) -> PaperSize:
    env = os.environ if env is None else env
    for name in ("LC_ALL", "LC_PAPER", "LANG"):
        value = env.get(name, "")
        if value:
            paper = paper_for_locale(value)
            if paper is not None:
                return paper
            break  # the variable in force names no region ("C"): ask the platform
    return _platform_paper(platform) or PaperSize.LETTER


def _platform_paper(platform: str) -> PaperSize | None:
    try:
        if platform == "win32":
            return _windows_paper()
        if platform == "darwin":
            return _macos_paper()
    except Exception:  # a platform query that fails only loses the default, never the app
        return None
    return None


def _windows_paper() -> PaperSize | None:  # pragma: no cover - Windows only
    import ctypes

    buffer = ctypes.create_unicode_buffer(8)
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    if not kernel32.GetLocaleInfoEx(None, _WINDOWS_LOCALE_IPAPERSIZE, buffer, len(buffer)):
        return None
    return PaperSize.LETTER if buffer.value in _WINDOWS_LETTER_CODES else PaperSize.A4


def _macos_paper() -> PaperSize | None:  # pragma: no cover - macOS only
    done = subprocess.run(
        ["/usr/bin/defaults", "read", "-g", "AppleLocale"],
        capture_output=True,
        text=True,
        timeout=3,
        check=False,
    )
    return paper_for_locale(done.stdout.strip()) if done.returncode == 0 else None
