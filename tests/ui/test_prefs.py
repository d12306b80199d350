"""Device preferences: a damaged or hostile preferences file is ignored, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from noteapp.ui.prefs import DevicePrefs


@pytest.mark.parametrize(
    "content",
    [
        "[" * 100_000 + "]" * 100_000,  # json.loads gave up with a RecursionError at start-up
        '{"last_vault": ' + "1" * 5000 + "}",  # an integer Python will not read
        "{not json",
    ],
)
def test_a_hostile_preferences_file_is_ignored(tmp_path: Path, content: str) -> None:
    file = tmp_path / "prefs.json"
    file.write_text(content, encoding="utf-8")
    prefs = DevicePrefs(file)
    assert prefs.last_vault is None
    prefs.set_last_vault(tmp_path / "v.noteapp")  # and it is replaced by a good one
    assert DevicePrefs(file).last_vault == tmp_path / "v.noteapp"
