"""The Linux download: dist/noteapp-VERSION-linux-ARCH.tar.gz with the one-folder app, the
desktop entry, the icons (hicolor theme) and install.sh (a per-user install, no root).

    python packaging/linux/archive.py [DIST] [ICONS]   (make bundle runs it on Linux)

An AppImage is not made: its runtime and appimagetool come from neither Debian nor PyPI
(docs/packaging.md says what was tried).
"""

from __future__ import annotations

import platform
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
import bundle_data  # noqa: E402 - after the path is set


def _normalised(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # No build machine's user names or ids in the download; owner-writable, world-readable.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o755 if info.isdir() or info.mode & 0o111 else 0o644
    return info


def build(dist: Path, icons: Path) -> Path:
    app = dist / "noteapp"
    if not (app / "noteapp").is_file():
        raise SystemExit(f"archive: no built app in {app}: run `make bundle` first")
    if not (icons / "hicolor").is_dir():
        raise SystemExit(f"archive: no icons in {icons}: run packaging/icons.py first")
    name = f"noteapp-{bundle_data.version()}-linux-{platform.machine()}"
    out = dist / f"{name}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(app, f"{name}/noteapp", filter=_normalised)
        tar.add(
            ROOT / "resources" / "noteapp.desktop",
            f"{name}/share/applications/noteapp.desktop",
            filter=_normalised,
        )
        tar.add(icons / "hicolor", f"{name}/share/icons/hicolor", filter=_normalised)
        tar.add(HERE / "install.sh", f"{name}/install.sh", filter=_normalised)
        tar.add(HERE / "README.txt", f"{name}/README.txt", filter=_normalised)
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    dist = Path(args[0]) if args else ROOT / "dist"
    icons = Path(args[1]) if len(args) > 1 else ROOT / "build" / "icons"
    print(build(dist, icons))
