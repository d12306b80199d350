"""Before the window opens on Linux: missing system libraries are named as the packages to
install, instead of Qt's abort. The table behind it covers every system library of the
installed PySide6's X11 plugin, and the README lists the packages it names."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from noteapp import desktop_check, launcher
from noteapp.desktop_check import DEBIAN_PACKAGES, DESKTOP_PACKAGES, missing_libraries, problem

ROOT = Path(__file__).resolve().parents[2]
LINUX = "linux"
X11 = {"DISPLAY": ":0"}

# What ldd printed for PySide6's libqxcb.so on a fresh Debian desktop (the issue's report).
LDD_DESKTOP = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f1)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f2)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f3)
"""


def fake_ldd(output: str):  # type: ignore[no-untyped-def]
    def run(args: list[str], env: Mapping[str, str]) -> str:
        assert args[-1].endswith("libqxcb.so")
        return output

    return run


@pytest.fixture
def fonts(tmp_path: Path) -> Path:
    etc = tmp_path / "fonts"
    etc.mkdir()
    (etc / "fonts.conf").write_text("<fontconfig/>")
    return etc


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    path = tmp_path / "libqxcb.so"
    path.write_bytes(b"")
    return path


@pytest.mark.skipif(shutil.which("ldd") is None, reason="needs ldd")
def test_the_issues_case_names_both_packages_and_the_apt_command(plugin: Path, fonts: Path) -> None:
    found = problem(X11, platform=LINUX, plugin=plugin, run=fake_ldd(LDD_DESKTOP), etc_fonts=fonts)
    assert found is not None
    assert (
        "Qt needs these system packages: libxcb-icccm4 libxcb-keysyms1 — install them with: "
        "sudo apt install libxcb-icccm4 libxcb-keysyms1"
    ) in found
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in found  # for other distributions


@pytest.mark.skipif(shutil.which("ldd") is None, reason="needs ldd")
def test_nothing_missing_means_no_message(plugin: Path, fonts: Path) -> None:
    all_found = LDD_DESKTOP.replace("=> not found", "=> /lib/x.so (0x1)")
    assert problem(
        X11, platform=LINUX, plugin=plugin, run=fake_ldd(all_found), etc_fonts=fonts
    ) is (None)


@pytest.mark.skipif(shutil.which("ldd") is None, reason="needs ldd")
def test_no_fonts_and_unknown_libraries_are_named(plugin: Path, tmp_path: Path) -> None:
    odd = "\tlibodd.so.3 => not found\n"
    found = problem(X11, platform=LINUX, plugin=plugin, run=fake_ldd(odd), etc_fonts=tmp_path)
    assert found is not None
    assert "sudo apt install fontconfig-config fonts-dejavu-core" in found
    assert "the packages that provide libodd.so.3" in found


@pytest.mark.parametrize(
    ("env", "platform", "xcb"),
    [
        ({"DISPLAY": ":0"}, LINUX, True),
        ({"QT_QPA_PLATFORM": "xcb"}, LINUX, True),
        ({"QT_QPA_PLATFORM": "xcb:nomitshm"}, LINUX, True),
        ({"QT_QPA_PLATFORM": "offscreen"}, LINUX, False),  # the test suites
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, LINUX, False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, LINUX, False),
        ({"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}, LINUX, True),
        ({}, "darwin", False),
        ({}, "win32", False),
    ],
)
def test_only_checked_where_qt_would_use_x11(
    env: dict[str, str], platform: str, xcb: bool, plugin: Path
) -> None:
    assert desktop_check.uses_xcb(env, platform) is xcb

    def must_not_run(args: list[str], env: Mapping[str, str]) -> str:
        raise AssertionError("ldd ran where Qt would not use X11")

    if not xcb:
        assert problem(env, platform=platform, plugin=plugin, run=must_not_run) is None


def test_launcher_says_what_is_missing_before_qt_is_imported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(desktop_check, "problem", lambda: "Qt needs these system packages: x")
    before = "PySide6.QtWidgets" in sys.modules
    assert launcher.main(["gui"]) == desktop_check.EXIT_MISSING
    assert "Qt needs these system packages: x" in capsys.readouterr().err
    assert ("PySide6.QtWidgets" in sys.modules) is before


def test_desktop_check_command_reports_either_way(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(desktop_check, "problem", lambda: None)
    assert launcher.main(["desktop-check"]) == 0
    assert "installed" in capsys.readouterr().out
    monkeypatch.setattr(desktop_check, "problem", lambda: "missing: libGL.so.1")
    assert launcher.main(["desktop-check"]) == 1
    assert "libGL.so.1" in capsys.readouterr().err


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("ldd") is None, reason="Linux ldd"
)
def test_table_covers_every_system_library_of_the_installed_xcb_plugin() -> None:
    """A PySide6 upgrade that needs a new system library fails here until the table (and the
    README's list) name its package."""
    plugin = desktop_check.xcb_plugin()
    assert plugin is not None, "PySide6's libqxcb.so not found"
    qt_dir = plugin.parents[3]  # …/PySide6
    outside = []
    for line in subprocess.run(
        ["ldd", str(plugin)], capture_output=True, text=True, check=True
    ).stdout.splitlines():
        parts = line.split()
        if "=>" in parts and not line.strip().startswith(str(qt_dir)):
            target = parts[parts.index("=>") + 1]
            if not target.startswith(str(qt_dir)):
                outside.append(parts[0])
    assert outside, "ldd listed no system libraries at all"
    assert sorted(set(outside) - set(DEBIAN_PACKAGES)) == []


def test_every_package_named_is_in_the_documented_list() -> None:
    needed = set(DEBIAN_PACKAGES.values()) - {"libc6", "libgcc-s1", "libstdc++6"}
    # Base-system libraries every Debian/Ubuntu has (priority required/important).
    base = {"libcap2", "libgcrypt20", "libgpg-error0", "liblz4-1", "liblzma5", "libmd0"}
    base |= {"libpcre2-8-0", "libsystemd0", "libzstd1", "zlib1g"}
    # Pulled in by the documented ones as dependencies.
    deps = {"libglx0", "libglvnd0", "libx11-6", "libxau6", "libxdmcp6", "libbrotli1"}
    deps |= {"libbsd0", "libexpat1", "libpng16-16", "libxcb-glx0", "libxcb-render0"}
    deps |= {"libxcb-shm0", "libxcb-util1"}
    assert needed - base - deps <= set(DESKTOP_PACKAGES)


def test_readme_and_packaging_doc_list_exactly_the_desktop_packages() -> None:
    line = "sudo apt install " + " ".join(DESKTOP_PACKAGES)
    for doc in ("README.md", "docs/packaging.md"):
        assert line in (ROOT / doc).read_text("utf-8"), f"{doc} lacks: {line}"


def test_missing_libraries_without_ldd_says_nothing(
    monkeypatch: pytest.MonkeyPatch, plugin: Path
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert missing_libraries(plugin, {}, run=fake_ldd(LDD_DESKTOP)) == []


def test_ci_installs_every_desktop_package_before_building_the_bundle() -> None:
    """The CI-built bundle carries the xcb libraries it found on the build machine, and its
    smoke test runs `desktop-check`: CI must install the whole list."""
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    installed = set(script.replace("\\\n", " ").split())
    assert sorted(set(DESKTOP_PACKAGES) - installed) == []
