"""Before the desktop app starts on Linux: are the system libraries Qt's X11 (xcb) platform
needs installed? If not, say which Debian/Ubuntu packages to install, instead of Qt's
"could not load the Qt platform plugin" abort, which names none of them.

Qt's xcb plugin and the Qt libraries behind it load a few dozen system libraries (X11/xcb,
OpenGL, fontconfig, GLib, D-Bus). `ldd` on the plugin lists those the dynamic loader cannot
find; each maps to the package that ships it. Fonts are checked too: without a fontconfig
configuration Qt starts but draws every letter as a box. The table was read off a bare
Debian 12 (debootstrap minbase) with `ldd` and `QT_DEBUG_PLUGINS=1`; tests check that it
covers every system library of the installed PySide6's xcb plugin.

Imports nothing from Qt (a missing libGL already breaks `import PySide6.QtGui`), and runs
only on Linux when Qt would use xcb: never for the offscreen tests, Wayland, macOS or Windows.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

EXIT_MISSING = 1  # "a check failed", as in the command line's exit codes

# Shared library (soname) → the Debian/Ubuntu package that ships it.
DEBIAN_PACKAGES: dict[str, str] = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libbrotlicommon.so.1": "libbrotli1",
    "libbrotlidec.so.1": "libbrotli1",
    "libbsd.so.0": "libbsd0",
    "libcap.so.2": "libcap2",
    "libdbus-1.so.3": "libdbus-1-3",
    "libexpat.so.1": "libexpat1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libgcrypt.so.20": "libgcrypt20",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgpg-error.so.0": "libgpg-error0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "liblz4.so.1": "liblz4-1",
    "liblzma.so.5": "liblzma5",
    "libmd.so.0": "libmd0",
    "libpcre2-8.so.0": "libpcre2-8-0",
    "libpng16.so.16": "libpng16-16",
    "libsystemd.so.0": "libsystemd0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    # The C and C++ runtimes: present on every system that runs Python at all.
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6",
    "libgcc_s.so.1": "libgcc-s1",
    "libstdc++.so.6": "libstdc++6",
}
FONT_PACKAGES = ("fontconfig-config", "fonts-dejavu-core")

# What a bare Debian 12 / Ubuntu needs for the desktop app from source (README,
# docs/packaging.md; the rest of the table above comes with these as dependencies).
DESKTOP_PACKAGES = (
    "libgl1",
    "libegl1",
    "libfontconfig1",
    "libfreetype6",
    "libglib2.0-0",
    "libdbus-1-3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-sync1",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    *FONT_PACKAGES,
)

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
Runner = Callable[[list[str], Mapping[str, str]], str]


def uses_xcb(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt would start on X11 here (QT_QPA_PLATFORM, else no Wayland display)."""
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:  # "xcb", "xcb:option", or a fallback list "wayland;xcb": the first one wins
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"
    return not env.get("WAYLAND_DISPLAY")


def xcb_plugin(search: list[str] | None = None) -> Path | None:
    """PySide6's xcb platform plugin, looked for along the import path without importing
    PySide6 (a built bundle keeps it there too), or None."""
    for entry in sys.path if search is None else search:
        plugin = Path(entry or ".") / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def _ldd(args: list[str], env: Mapping[str, str]) -> str:
    done = subprocess.run(
        args, capture_output=True, text=True, env=dict(env), timeout=20, check=False
    )
    return done.stdout


def missing_libraries(plugin: Path, env: Mapping[str, str], *, run: Runner = _ldd) -> list[str]:
    """The libraries the loader cannot find for ``plugin``, in ldd's order, once each."""
    ldd = shutil.which("ldd")
    if ldd is None:  # no ldd (a very bare system): nothing to say, let Qt try
        return []
    try:
        output = run([ldd, str(plugin)], env)
    except (OSError, subprocess.SubprocessError):
        return []
    return list(dict.fromkeys(_NOT_FOUND.findall(output)))


def fonts_configured(env: Mapping[str, str], etc: Path = Path("/etc/fonts")) -> bool:
    return bool(env.get("FONTCONFIG_FILE")) or (etc / "fonts.conf").is_file()


def message(missing: list[str], *, fonts: bool = True) -> str:
    """The sentence for the user: the packages to install, then the library names (other
    distributions name their packages differently)."""
    packages = list(dict.fromkeys(DEBIAN_PACKAGES[s] for s in missing if s in DEBIAN_PACKAGES))
    if not fonts:
        packages += [p for p in FONT_PACKAGES if p not in packages]
    unknown = [s for s in missing if s not in DEBIAN_PACKAGES]
    details = [*missing, *([] if fonts else ["a font configuration (/etc/fonts/fonts.conf)"])]
    listed = " ".join(packages)
    if packages:
        head = (
            f"Qt needs these system packages: {listed} — install them with: "
            f"sudo apt install {listed}"
        )
        if unknown:
            head += f" — and the packages that provide {', '.join(unknown)}"
    else:
        head = "Qt needs system libraries that are missing: install the packages that provide them"
    return f"noteapp cannot open its window. {head}\n(missing: {', '.join(details)})"


def problem(
    env: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    plugin: Path | None = None,
    run: Runner = _ldd,
    etc_fonts: Path = Path("/etc/fonts"),
) -> str | None:
    """What stops the desktop app from starting here, as a sentence, or None."""
    env = os.environ if env is None else env
    if not uses_xcb(env, platform):
        return None
    plugin = plugin or xcb_plugin()
    missing = missing_libraries(plugin, env, run=run) if plugin is not None else []
    fonts = fonts_configured(env, etc_fonts)
    if not missing and fonts:
        return None
    return message(missing, fonts=fonts)


def main() -> int:
    """`noteapp desktop-check` (and `python -m noteapp.desktop_check`): the same check on its
    own, for install scripts and support; says what it found either way."""
    if uses_xcb(os.environ) and xcb_plugin() is None:
        print("noteapp: Qt's X11 platform plugin (libqxcb.so) was not found.", file=sys.stderr)
        return EXIT_MISSING
    found = problem()
    if found:
        print(found, file=sys.stderr)
        return EXIT_MISSING
    print("noteapp: the system libraries for the desktop app are installed.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
