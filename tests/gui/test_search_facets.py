"""The search bar and the facet panel with the contact sheet, on the demo archive
(and, for long facet lists, a generated archive)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.gui.test_sheet import GENERATED, big_context, generated_dir, make_sheet  # noqa: F401


@pytest.fixture
def desk_views(qtbot, context):
    from desktop.gui.facets import FacetPanel
    from desktop.gui.search_bar import SearchBar

    sheet = make_sheet(qtbot, context)
    facets = FacetPanel(context)
    bar = SearchBar(context)
    for w in (facets, bar):
        qtbot.addWidget(w)
        w.show()
    qtbot.waitUntil(lambda: facets.query_counted == "", timeout=10000)
    yield sheet, facets, bar
    sheet.shutdown()
    facets.shutdown()


def test_typing_runs_the_search_after_a_pause(desk_views, context, qtbot):
    sheet, facets, bar = desk_views
    bar.edit.setFocus()
    qtbot.keyClicks(bar.edit, "by:Boushnak")
    assert context.query == ""                                   # not on every key
    qtbot.waitUntil(lambda: context.query == "by:Boushnak", timeout=2000)
    assert sheet.model.total == 2
    assert {sheet.model.row(n).name for n in range(2)} == {"boushnak_lviv.jpg", "boushnak_christmas_tree.jpg"}
    qtbot.waitUntil(lambda: facets.query_counted == "by:Boushnak", timeout=10000)
    assert facets.items("place") and sum(c for _n, c, _t in facets.items("place")) == 2


def test_search_by_place_then_a_facet_click_narrows_and_the_bar_shows_the_term(desk_views, context, qtbot):
    sheet, facets, bar = desk_views
    bar.set_query("place:Kyiv")
    assert sheet.model.total == 6
    qtbot.waitUntil(lambda: facets.query_counted == "place:Kyiv", timeout=10000)
    creators = {name: (count, term) for name, count, term in facets.items("creator")}
    count, term = creators["Brendan Hoffman"]
    assert count == 3 and term == 'by:"Brendan Hoffman"'
    group = next(facets.tree.topLevelItem(i) for i in range(facets.tree.topLevelItemCount())
                 if facets.tree.topLevelItem(i).text(0) == "Photographers")
    item = next(group.child(j) for j in range(group.childCount()) if group.child(j).text(0) == "Brendan Hoffman")
    assert item.text(1) == "3" and item.textAlignment(1) & Qt.AlignRight
    facets._clicked(item, 0)                                      # a plain click
    assert bar.text() == 'place:Kyiv by:"Brendan Hoffman"'
    assert context.query == bar.text()
    assert sheet.model.total == count
    qtbot.waitUntil(lambda: facets.query_counted == bar.text(), timeout=10000)
    assert facets.items("creator") == [("Brendan Hoffman", 3, 'by:"Brendan Hoffman"')]


def test_a_modifier_click_excludes_the_value(desk_views, context, qtbot, monkeypatch):
    from PySide6.QtWidgets import QApplication

    sheet, facets, bar = desk_views
    bar.set_query("place:Kyiv")
    qtbot.waitUntil(lambda: facets.query_counted == "place:Kyiv", timeout=10000)
    group = next(facets.tree.topLevelItem(i) for i in range(facets.tree.topLevelItemCount())
                 if facets.tree.topLevelItem(i).text(0) == "Agencies")
    item = next(group.child(j) for j in range(group.childCount()) if group.child(j).text(0) == "The New York Times")
    nyt = int(item.text(1))
    monkeypatch.setattr(QApplication, "keyboardModifiers", staticmethod(lambda: Qt.ControlModifier))
    facets._clicked(item, 0)
    assert bar.text() == 'place:Kyiv -agency:"The New York Times"'
    assert sheet.model.total == 6 - nyt
    assert all(sheet.model.row(n).agency != "The New York Times" for n in range(sheet.model.total))
    monkeypatch.setattr(QApplication, "keyboardModifiers", staticmethod(lambda: Qt.AltModifier))
    bar.set_query("")
    qtbot.waitUntil(lambda: facets.query_counted == "", timeout=10000)
    facets.apply("clearance:not_cleared", exclude=True)
    assert bar.text() == "-clearance:not_cleared" and sheet.model.total == 8


def test_a_bad_query_shows_a_message_at_its_column_and_keeps_the_last_result(desk_views, context):
    sheet, facets, bar = desk_views
    bar.set_query("by:Hoffman")
    before = [sheet.model.row(n).id for n in range(sheet.model.total)]
    assert len(before) == 3
    bar.edit.setText('kyiv by:"Hoffman')
    bar.run()
    assert bar.error.isVisible() and "quote" in bar.error.text().lower()
    assert context.query == "by:Hoffman"
    assert [sheet.model.row(n).id for n in range(sheet.model.total)] == before
    assert bar.edit.cursorPosition() in (5, 8)          # at the term the message names
    bar.edit.setText("by:Hoffman place:Kyiv")
    bar.run()
    assert not bar.error.isVisible() and sheet.model.total == 3
    bar.edit.setText("colour:red")                       # an unknown field
    bar.run()
    assert bar.error.isVisible() and "colour" in bar.error.text()
    assert sheet.model.total == 3


def test_completion_offers_names_and_fields_and_inserts_at_the_cursor(desk_views, qtbot):
    sheet, facets, bar = desk_views
    words = bar.words.stringList()
    assert 'by:"Brendan Hoffman"' in words and "place:Kyiv" in words and 'agency:"The New York Times"' in words
    for field in ("by:", "place:", "taken:", "is:", "has:", "agency:", "licence:", "rules:", "clearance:", "folder:"):
        assert field in words
    bar.edit.setText("kyiv hoff taken:2022")
    bar.edit.setCursorPosition(8)                         # in "hoff"
    bar._edited(bar.edit.text())
    assert bar.completer.completionCount() >= 1
    bar._complete('by:"Brendan Hoffman"')
    assert bar.text() == 'kyiv by:"Brendan Hoffman" taken:2022'
    qtbot.waitUntil(lambda: sheet.model.total == 3, timeout=2000)


def test_recent_and_saved_searches(desk_views, context):
    sheet, facets, bar = desk_views
    for q in ("place:Kyiv", "by:Boushnak", "place:Kyiv"):
        bar.set_query(q)
    assert bar.recent()[:2] == ["place:Kyiv", "by:Boushnak"]
    bar.save_current("Kyiv pictures")
    assert bar.saved() == {"Kyiv pictures": "place:Kyiv"}
    bar._fill_menu()
    texts = [a.text() for a in bar.menu.actions()]
    assert "Kyiv pictures" in texts and "by:Boushnak" in texts
    next(a for a in bar.menu.actions() if a.text() == "by:Boushnak").trigger()
    assert context.query == "by:Boushnak" and sheet.model.total == 2


def test_another_view_can_ask_for_a_query(desk_views, context):
    sheet, facets, bar = desk_views
    context.queryRequested.emit("place:Lviv")
    assert bar.text() == "place:Lviv" and context.query == "place:Lviv"
    assert sheet.model.total == 1


def test_a_stale_count_is_dropped(desk_views, context, qtbot):
    from archive.desk import FacetValue

    sheet, facets, bar = desk_views
    bar.set_query("place:Kyiv")
    qtbot.waitUntil(lambda: facets.query_counted == "place:Kyiv", timeout=10000)
    facets._show("", {"creator": [FacetValue("Nobody", 99, "by:Nobody")]})     # an answer for an old query
    assert facets.query_counted == "place:Kyiv"
    assert "Nobody" not in [n for n, _c, _t in facets.items("creator")]


def test_long_facets_show_the_top_20_and_more(qtbot, big_context):
    from desktop.gui.facets import FacetPanel

    panel = FacetPanel(big_context)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.query_counted == "", timeout=20000)
    shown = panel.shown("creator")
    assert len(shown) == 21 and shown[-1] == "more…"
    top = panel.items("creator")
    group = next(panel.tree.topLevelItem(i) for i in range(panel.tree.topLevelItemCount())
                 if panel.tree.topLevelItem(i).text(0) == "Photographers")
    panel._clicked(group.child(20), 0)                    # "more…"
    qtbot.waitUntil(lambda: len(panel.shown("creator")) > 21, timeout=10000)
    every = panel.items("creator")
    assert every[:20] == top and "more…" not in panel.shown("creator")
    assert len(panel.shown("creator")) == len(every) > 100
    years = panel.items("year")
    assert years and sum(c for _n, c, _t in years) == GENERATED
    panel.shutdown()


def test_a_folder_is_listed_by_its_last_parts_with_the_whole_path_in_its_tooltip(desk_views, context):
    _sheet, facets, _bar = desk_views
    [(path, count, term)] = facets.items("folder")
    assert count == 10 and path.count("/") > 2
    group = next(facets.tree.topLevelItem(i) for i in range(facets.tree.topLevelItemCount())
                 if facets.tree.topLevelItem(i).text(0) == "Folders")
    item = group.child(0)
    parts = [p for p in path.split("/") if p]
    assert item.text(0) == "…/" + "/".join(parts[-2:])
    assert item.toolTip(0).startswith(path + ":")
