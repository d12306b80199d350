"""What the bundle collects (packaging/bundle_data.py, used by packaging/noteapp.spec) covers
every data file the app loads at run time — templates, measure instruments, reference data,
icons — without a list kept by hand. The built bundle itself is checked by tests/bundle."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import bundle_data  # noqa: E402 - after the path is set


def test_collection_covers_every_non_code_file_of_the_package() -> None:
    expected = bundle_data.expected_files()
    # The folders the app reads with importlib.resources or from resources/.
    for folder in (
        "noteapp/templates/builtin/",
        "noteapp/measures/instruments/",
        "noteapp/services/data/",
        "noteapp/_resources/icons/",
    ):
        assert any(f.startswith(folder) for f in expected), folder
    collected = bundle_data.collected_files(bundle_data.datas())
    assert sorted(expected - collected) == []


def test_the_wheel_and_the_bundle_place_resources_alike() -> None:
    # Icons and the record schemas (which every archive carries) sit where a wheel puts them.
    assert sorted(bundle_data.wheel_extras()) == [
        (str(ROOT / "docs" / "schemas"), "noteapp/_schemas"),
        (str(ROOT / "resources"), "noteapp/_resources"),
    ]
