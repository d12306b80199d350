"""Settings → Dictionary adds and removes personal words, which the speller then accepts."""

from __future__ import annotations

from noteapp.ui.views.settings_dictionary_page import DictionarySettingsPage


def test_add_and_remove_personal_words(qtbot, workspace) -> None:
    page = DictionarySettingsPage(workspace.speller)
    qtbot.addWidget(page)
    assert workspace.speller.misspelled("Zyxandra said hello") == [(0, 8)]
    page.new_word.setText("Zyxandra")
    page.add_button.click()
    assert [page.words.item(i).text() for i in range(page.words.count())] == ["Zyxandra"]
    assert workspace.speller.misspelled("Zyxandra said hello") == []
    page.new_word.setText("two words")
    page.add_button.click()
    assert "single words" in page.message.text()
    page.words.setCurrentRow(0)
    page.remove_button.click()
    assert page.words.count() == 0
    assert workspace.speller.misspelled("Zyxandra said hello") == [(0, 8)]
