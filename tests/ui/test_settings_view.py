"""Settings as a sidebar of pages with a filter box (it was 13 tabs overflowing the window)."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea

from tests.ui.screens import SETTINGS_PAGES


def _settings(screens_session):
    screens_session.page("settings")
    return screens_session.main.pages.settings


def test_every_section_is_a_page_in_its_own_scroll_area(screens_session) -> None:
    view = _settings(screens_session)
    assert view.visible_sections() == list(SETTINGS_PAGES)
    for title in SETTINGS_PAGES:
        view.show_section(title)
        assert view.current_section() == title
        assert view.page_title.text() == title
        area = view.stack.currentWidget()
        assert isinstance(area, QScrollArea) and area.widget() is view.pages[title]


def test_the_filter_matches_titles_and_what_is_inside_pages(screens_session) -> None:
    view = _settings(screens_session)
    try:
        view.filter.setText("paper")
        assert "Paper" in view.visible_sections()
        assert "Dictionary" not in view.visible_sections()
        # "Lock after idle for" is a label inside Security, not a page title.
        view.filter.setText("idle")
        assert view.visible_sections() == ["Security"]
        assert view.current_section() == "Security"  # the first match is shown
        # Several words: a page must hold all of them.
        view.filter.setText("crisis lines")
        assert "Safety plans" in view.visible_sections()
        assert "Profile" not in view.visible_sections()
        view.filter.setText("zebra crossing")
        assert view.visible_sections() == []
        assert view.no_match.isVisible() and "zebra crossing" in view.no_match.text()
        assert not view.stack.isVisible()
    finally:
        view.filter.clear()
    assert view.visible_sections() == list(SETTINGS_PAGES)
    assert not view.no_match.isVisible() and view.stack.isVisible()
