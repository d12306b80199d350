"""Light, dark and high contrast: every semantic text colour is legible on the backgrounds it
is drawn on (WCAG AA, 4.5:1) in every scheme, every colour comes from ui/theme.py, and the
app follows the OS scheme or the device setting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from noteapp.ui import theme
from noteapp.ui.prefs import DevicePrefs
from noteapp.ui.theme import Appearance, Scheme
from noteapp.ui.views.settings_appearance_page import AppearanceSettingsPage, saved_appearance
from noteapp.ui.widgets.note_preview import NotePreview

UI = Path(__file__).resolve().parents[2] / "noteapp" / "ui"


@pytest.fixture
def light_after(qapp):
    """Tests here change the app's scheme; the rest of the suite runs in the default one."""
    yield qapp
    theme.apply(qapp, Appearance.LIGHT)
    qapp.setStyleSheet("")
    qapp.setPalette(QPalette())
    theme._state.scheme = None
    theme._state.appearance = None


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert theme.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert theme.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("scheme", list(Scheme))
def test_every_text_colour_reads_on_its_background(scheme: Scheme) -> None:
    ratios = {
        (text, bg): theme.contrast_ratio(theme.colour(text, scheme), theme.colour(bg, scheme))
        for text, bg in theme.TEXT_PAIRS
    }
    weak = [f"{t} on {b}: {r:.2f}" for (t, b), r in ratios.items() if r < 4.5]
    assert not weak, f"below 4.5:1 in {scheme}: {weak}"


@pytest.mark.parametrize("scheme", list(Scheme))
def test_chart_lines_and_marks_stand_out(scheme: Scheme) -> None:
    weak = [
        mark
        for mark, bg in theme.MARK_PAIRS
        if theme.contrast_ratio(theme.colour(mark, scheme), theme.colour(bg, scheme)) < 3.0
    ]
    assert not weak, f"below 3:1 (WCAG 1.4.11) in {scheme}: {weak}"


def test_every_tone_of_the_style_sheet_uses_checked_colours() -> None:
    """The boxes and banners of the style sheet use pairs the contrast test covers."""
    pairs = set(theme.TEXT_PAIRS)
    for needed in (
        ("danger_on_bg", "danger_bg"),
        ("alert_text", "alert_bg"),
        ("caution_text", "caution_bg"),
        ("success_on_bg", "success_bg"),
        ("info_on_bg", "info_bg"),
        ("neutral_on_bg", "neutral_bg"),
        ("paper_text", "paper_bg"),
    ):
        assert needed in pairs


# A colour literal anywhere in ui/ except theme.py: "#1e6b34", "#fff", QColor("…"),
# Qt.GlobalColor.darkRed, or a named colour in a style sheet.
_LITERALS = re.compile(
    r"""["'][^"'\n]*#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b"""
    r"""|QColor\(\s*["']"""
    r"""|Qt\.GlobalColor\.(?!transparent)"""
    r"""|color:\s*(?:white|black|red|green|blue|gray|grey)\b"""
    r"""|palette\(placeholder-text\)"""
)


def test_no_ui_module_but_theme_holds_a_colour() -> None:
    found = []
    for path in sorted(UI.rglob("*.py")):
        if path.name == "theme.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _LITERALS.search(line):
                found.append(f"{path.relative_to(UI)}:{number}: {line.strip()}")
    assert not found, "colours belong in noteapp/ui/theme.py:\n" + "\n".join(found)


def test_the_colour_grep_finds_what_it_should() -> None:
    for line in (
        'label.setStyleSheet("color: #1e6b34;")',
        "item.setForeground(QColor('#b3261e'))",
        "row.setForeground(Qt.GlobalColor.darkRed)",
        'frame.setStyleSheet("QLabel { color: white; }")',
        'hint.setStyleSheet("color: palette(placeholder-text);")',
    ):
        assert _LITERALS.search(line), line
    assert not _LITERALS.search("# comments may say #1 without a colour")


@pytest.mark.parametrize(
    ("appearance", "scheme"),
    [
        (Appearance.LIGHT, Scheme.LIGHT),
        (Appearance.DARK, Scheme.DARK),
        (Appearance.HIGH_CONTRAST, Scheme.HIGH_CONTRAST),
    ],
)
def test_an_explicit_appearance_sets_the_palette_and_the_tones(
    light_after, qtbot, appearance: Appearance, scheme: Scheme
) -> None:
    assert theme.apply(light_after, appearance) == scheme
    window = light_after.palette().color(QPalette.ColorRole.Window).name()
    assert window == theme.colour("window", scheme)
    label = QLabel("Risk flag")
    qtbot.addWidget(label)
    theme.set_tone(label, "danger")
    label.show()
    drawn = label.palette().color(QPalette.ColorRole.WindowText).name()
    assert drawn == theme.colour("danger_text", scheme)


def test_the_system_scheme_is_followed(light_after, monkeypatch) -> None:
    monkeypatch.setattr(theme, "system_scheme", lambda: Scheme.DARK)
    assert theme.apply(light_after, Appearance.SYSTEM) == Scheme.DARK
    # The platform style here is light: the app draws the dark scheme itself.
    assert light_after.palette().color(QPalette.ColorRole.Window).lightness() < 128
    monkeypatch.setattr(theme, "system_scheme", lambda: Scheme.LIGHT)
    theme._follow_system(light_after)  # what the OS's colorSchemeChanged signal runs
    assert theme.scheme() == Scheme.LIGHT
    assert light_after.palette().color(QPalette.ColorRole.Window).lightness() >= 128


def test_an_explicit_choice_ignores_the_os(light_after, monkeypatch) -> None:
    theme.apply(light_after, Appearance.DARK)
    monkeypatch.setattr(theme, "system_scheme", lambda: Scheme.LIGHT)
    theme._follow_system(light_after)
    assert theme.scheme() == Scheme.DARK


def test_documents_are_drawn_again_in_the_new_scheme(light_after, qtbot) -> None:
    from noteapp.domain.document import Document, Heading, Paragraph

    theme.apply(light_after, Appearance.LIGHT)
    preview = NotePreview()
    qtbot.addWidget(preview)
    preview.show_document(Document("Note", (Heading(2, "Plan"), Paragraph("Weekly."))))
    assert theme.colour("paper_heading", Scheme.LIGHT) in preview.toHtml()
    theme.apply(light_after, Appearance.DARK)
    assert theme.colour("paper_heading", Scheme.DARK) in preview.toHtml()


def test_settings_appearance_saves_and_applies(light_after, qtbot, tmp_path: Path) -> None:
    prefs = DevicePrefs(tmp_path / "prefs.json")
    applied: list[Appearance] = []
    page = AppearanceSettingsPage(prefs, applied.append)
    qtbot.addWidget(page)
    page.buttons[Appearance.HIGH_CONTRAST].click()
    assert applied == [Appearance.HIGH_CONTRAST]
    assert saved_appearance(DevicePrefs(tmp_path / "prefs.json")) == Appearance.HIGH_CONTRAST


def test_a_hostile_appearance_value_means_system(tmp_path: Path) -> None:
    file = tmp_path / "prefs.json"
    file.write_text('{"appearance": "neon"}', encoding="utf-8")
    assert saved_appearance(DevicePrefs(file)) == Appearance.SYSTEM


def test_item_rows_take_their_colour_when_drawn(light_after, qtbot) -> None:
    from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyleOptionViewItem

    view = QListWidget()
    qtbot.addWidget(view)
    delegate = theme.ToneDelegate(view)
    view.setItemDelegate(delegate)
    item = QListWidgetItem("PHQ-9 item 9")
    theme.set_item_tone(item, "danger_text")
    view.addItem(item)
    for appearance, scheme in ((Appearance.LIGHT, Scheme.LIGHT), (Appearance.DARK, Scheme.DARK)):
        theme.apply(light_after, appearance)
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, view.model().index(0, 0))
        assert option.palette.color(QPalette.ColorRole.Text).name() == theme.colour(
            "danger_text", scheme
        )


def test_a_signed_note_reads_in_the_schemes_paper_and_prints_black(
    light_after, qtbot, workspace
) -> None:
    """The signed-note document has the printout's layout, in the scheme's paper colours on
    screen (white at night is glare); paper and PDF stay black on white."""
    from noteapp.demo import fill_demo
    from noteapp.domain.notes import NoteStatus
    from noteapp.ui.service_bundles import NoteServices
    from noteapp.ui.views.signed_note_view import SignedNoteView
    from noteapp.ui.widgets.job_document import job_html
    from tests.conftest import PASSPHRASE

    fill_demo(workspace, clients=1, notes=3, passphrase=PASSPHRASE)
    signed = workspace.notes.list(status=NoteStatus.SIGNED, include_psychotherapy=False)[0]
    theme.apply(light_after, Appearance.DARK)
    view = SignedNoteView(NoteServices.of(workspace), signed.id)
    qtbot.addWidget(view)
    assert view.document.property("paper") is True  # the style sheet's paper background
    shown = view.document.toHtml().lower()
    assert theme.colour("paper_text", Scheme.DARK) in shown
    assert theme.PRINT["text"] not in shown
    theme.apply(light_after, Appearance.HIGH_CONTRAST)
    assert theme.colour("paper_text", Scheme.HIGH_CONTRAST) in view.document.toHtml().lower()
    printed = job_html(workspace.exports.note_job(signed.id, include_psychotherapy=True))
    assert f"color: {theme.PRINT['text']}" in printed
