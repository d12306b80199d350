"""Smoke tests of the built one-folder app (dist/noteapp), not the source tree: `make smoke`
after `make bundle`, as CI does. Each runs the bundle's own executable in a fresh home.

Skipped unless NOTEAPP_BUNDLE names the bundle folder (`make smoke` sets it); a folder
without the app in it fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import bundle_data  # noqa: E402 - after the path is set

if not os.environ.get("NOTEAPP_BUNDLE"):
    pytest.skip("no built app: `make bundle`, then `make smoke`", allow_module_level=True)

BUNDLE = (ROOT / os.environ["NOTEAPP_BUNDLE"]).resolve()
EXE = BUNDLE / ("noteapp-cli.exe" if sys.platform == "win32" else "noteapp")
GUI = BUNDLE / ("noteapp.exe" if sys.platform == "win32" else "noteapp")
DATA = BUNDLE / "_internal"  # PyInstaller 6's one-folder layout
PASSPHRASE = "smoke-test passphrase, invented"
FAST_KDF = ["--kdf-memory-mib", "64", "--kdf-iterations", "3", "--kdf-lanes", "4"]
TIMEOUT = 120


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert EXE.is_file(), f"no built app at {EXE}: run `make bundle` first"
    return tmp_path_factory.mktemp("home")


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTEAPP_", "PYTHON", "QT_"))}
    env.update(
        NOTEAPP_HOME=str(home),
        NOTEAPP_PASSPHRASE=PASSPHRASE,
        NOTEAPP_NEW_PASSPHRASE=PASSPHRASE,
        **extra,
    )
    return env


def run(home: Path, *args: str, exe: Path = EXE, **extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        env=env_for(home, **extra),
        timeout=TIMEOUT,
        cwd=home,  # never the source tree
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="module")
def vault(home: Path) -> Path:
    path = home / "smoke.noteapp"
    done = run(home, "--vault", str(path), "init", *FAST_KDF)
    assert done.returncode == 0, done.stderr
    done = run(home, "--vault", str(path), "demo", "--clients", "2")
    assert done.returncode == 0, done.stderr
    return path


def test_version_is_the_projects() -> None:
    done = subprocess.run(
        [str(EXE), "--version"], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"noteapp {bundle_data.version()}"


def test_every_data_file_the_app_loads_is_in_the_bundle() -> None:
    missing = sorted(f for f in bundle_data.expected_files() if not (DATA / f).is_file())
    assert missing == []
    # pyspellchecker's English dictionary (collected by the spec, not by a hook).
    assert list((DATA / "spellchecker" / "resources").glob("en.json*"))


def test_init_demo_export_verify(home: Path, vault: Path) -> None:
    v = ["--vault", str(vault)]
    clients = json.loads(run(home, *v, "client", "list", "--json").stdout)
    code = clients[0]["code"]
    chart = home / "chart.docx"  # the plan, signed notes and the measures summary
    assert run(home, *v, "export", "--client", code, "--out", str(chart)).returncode == 0
    report = run(home, "verify", str(chart), "--json")
    assert report.returncode == 0, report.stderr
    result = json.loads(report.stdout)
    assert result["ok"] is True
    assert result["notes"], "the chart has no signed items"


def test_search_works_in_the_built_app(home: Path, vault: Path) -> None:
    """The search index is SQLite FTS5: the bundle's own SQLite must have it (it is the build
    machine's library, not the one the tests ran with)."""
    v = ["--vault", str(vault)]
    code = json.loads(run(home, *v, "client", "list", "--json").stdout)[0]["code"]
    found = run(home, *v, "search", code, "--json")
    assert found.returncode == 0, found.stderr
    assert any(hit["kind"] == "client" for hit in json.loads(found.stdout))
    again = run(home, *v, "search", code, "--json")  # the stored index, loaded this time
    assert again.returncode == 0 and json.loads(again.stdout) == json.loads(found.stdout)


def test_measures_templates_and_safety_plans_load(home: Path, vault: Path) -> None:
    v = ["--vault", str(vault)]
    code = json.loads(run(home, *v, "client", "list", "--json").stdout)[0]["code"]
    measures = run(home, *v, "measure", "list", "--client", code, "--json")
    assert measures.returncode == 0, measures.stderr
    assert {m["instrument"] for m in json.loads(measures.stdout)} >= {"phq9"}
    templates = run(home, *v, "template", "list")
    assert templates.returncode == 0 and "birp" in templates.stdout, templates.stderr
    copy = run(
        home, *v, "safety-plan", "export", "--client", code, "--client-copy", "--out", str(home)
    )
    assert copy.returncode == 0, copy.stderr
    assert (home / f"{code}_safety-plan_client-copy.docx").is_file()


def test_window_reaches_the_unlock_screen_and_closes_cleanly(home: Path, vault: Path) -> None:
    done = run(
        home,
        "gui",
        "--vault",
        str(vault),
        exe=GUI,
        QT_QPA_PLATFORM="offscreen",
        NOTEAPP_QUIT_AFTER="3",
    )
    assert done.returncode == 0, done.stderr
    assert "screen: unlockView" in done.stderr, done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: Qt's xcb libraries")
def test_desktop_check_finds_the_bundled_plugin_and_its_libraries(home: Path) -> None:
    done = run(home, "desktop-check", QT_QPA_PLATFORM="xcb")
    assert done.returncode == 0, done.stderr
    assert "are installed" in done.stdout
