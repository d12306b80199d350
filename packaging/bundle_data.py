"""The files a built app carries besides code, collected rather than listed by hand.

Used by `noteapp.spec` (at build time, inside PyInstaller) and by the tests that check the
collection and the built bundle. Two sources, so the bundle and an installed wheel hold the
same files in the same places:

- every data file inside the `noteapp` package (templates, measure instruments, reference
  data, …), found by PyInstaller's `collect_data_files` — a new data folder is picked up
  without touching the spec;
- the extra folders the wheel force-includes (`pyproject.toml`,
  `[tool.hatch.build.targets.wheel.force-include]`: `resources/` → `noteapp/_resources`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "noteapp"


def _pyproject(root: Path) -> dict[str, Any]:
    return tomllib.loads((root / "pyproject.toml").read_text("utf-8"))


def wheel_extras(root: Path = ROOT) -> list[tuple[str, str]]:
    """(source, folder in the bundle) for each folder the wheel force-includes."""
    table = _pyproject(root)["tool"]["hatch"]["build"]["targets"]["wheel"].get("force-include", {})
    return [(str(root / source), target) for source, target in table.items()]


def package_data() -> list[tuple[str, str]]:
    """(file, folder in the bundle) for every non-code file of the package."""
    from PyInstaller.utils.hooks import collect_data_files

    return list(collect_data_files(PACKAGE))


def datas(root: Path = ROOT) -> list[tuple[str, str]]:
    return package_data() + wheel_extras(root)


def expected_files(root: Path = ROOT) -> set[str]:
    """Every data file the app may load at run time, as a path inside the bundle's data
    folder: the package's non-.py files and the force-included folders' files."""
    wanted: set[str] = set()
    package = root / PACKAGE
    for path in package.rglob("*"):
        code = path.suffix in (".py", ".pyc") or "__pycache__" in path.parts
        if path.is_file() and not code:
            wanted.add(path.relative_to(root).as_posix())
    for source, target in wheel_extras(root):
        for path in Path(source).rglob("*"):
            if path.is_file():
                wanted.add(f"{target}/{path.relative_to(source).as_posix()}")
    return wanted


def collected_files(entries: list[tuple[str, str]]) -> set[str]:
    """The bundle paths that a list of (source, folder) entries produces."""
    out: set[str] = set()
    for source, target in entries:
        src = Path(source)
        if src.is_dir():
            out.update(
                f"{target}/{p.relative_to(src).as_posix()}" for p in src.rglob("*") if p.is_file()
            )
        else:
            out.add(f"{target}/{src.name}")
    return out


def version(root: Path = ROOT) -> str:
    """The project's version, from pyproject.toml (macOS bundle metadata, archive names)."""
    return str(_pyproject(root)["project"]["version"])
