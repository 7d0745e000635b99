"""The contact sheet, its model, thumbnails and preview, on the demo archive and on a
generated archive of a few thousand photos (``bench/search.py``'s builder)."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

ROOT = Path(__file__).resolve().parents[2]
GENERATED = 3000


def load_bench_search():
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def generated_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("generated") / "archive"
    load_bench_search().build(path, GENERATED)
    return path


@pytest.fixture
def big_context(qtbot, generated_dir):
    from archive.desk import Desk
    from desktop.gui.context import DeskContext

    ctx = DeskContext(Desk.open(generated_dir, create=False))
    yield ctx
    ctx.jobs.wait(5000)
    ctx.desk.close()


def make_sheet(qtbot, context, width=1200, height=800):
    from desktop.gui.sheet import ContactSheet

    sheet = ContactSheet(context)
    qtbot.addWidget(sheet)
    sheet.resize(width, height)
    sheet.show()
    qtbot.waitExposed(sheet)
    return sheet


def shown_rows(sheet):
    m = sheet.model
    return [m.row(n) for n in range(m.total)]


@pytest.fixture
def sheet(qtbot, context):
    s = make_sheet(qtbot, context)
    qtbot.waitUntil(lambda: s.model.total == 10)
    yield s
    s.shutdown()


def test_search_by_photographer_fills_the_sheet(sheet, context):
    context.set_query('by:"Brendan Hoffman"')
    rows = shown_rows(sheet)
    assert sheet.model.total == 3 and len(rows) == 3
    assert all("Brendan Hoffman" in r.creators for r in rows)
    assert sheet.count.text() == "3 photos"
    assert {r.name for r in rows} == {"hoffman_air_raid_kyiv.jpg", "exif_only_kyiv.jpg", "hoffman_market_kyiv.jpg"}


def test_search_by_place_fills_the_sheet(sheet, context):
    context.set_query("place:Kiev")            # another name of Kyiv
    rows = shown_rows(sheet)
    assert sheet.model.total == 6
    assert "pa_copenhagen.jpg" not in {r.name for r in rows}
    assert sheet.model.index_of(0).data(Qt.DisplayRole) == rows[0].name


def test_sort_changes_the_order(sheet):
    sheet.sort.setCurrentIndex(2)                               # file name, A to Z
    names = [r.name for r in shown_rows(sheet)]
    assert names == sorted(names, key=str.lower)
    sheet.order.setChecked(True)                                # Z to A
    assert [r.name for r in shown_rows(sheet)] == names[::-1]
    sheet.sort.setCurrentIndex(3)                               # photographer
    creators = [r.creators[0].lower() for r in shown_rows(sheet)]
    assert creators == sorted(creators)


def test_badges_and_tooltips_show_clearance_and_rules(sheet):
    from desktop.gui.sheet_model import badge_text

    by_name = {r.name: r for r in shown_rows(sheet)}
    assert badge_text(by_name["getty_minsk.jpg"]) == ("⚠", "red")               # not cleared
    assert badge_text(by_name["hoffman_market_kyiv.jpg"])[0].startswith("⚑")    # conditional
    assert badge_text(by_name["reuters_metro_kiev.jpg"]) == ("£", "amber")       # pay
    assert badge_text(by_name["boushnak_lviv.jpg"]) == ("✓", "green")           # free
    n = [r.name for r in shown_rows(sheet)].index("hoffman_market_kyiv.jpg")
    tip = sheet.model.index_of(n).data(Qt.ToolTipRole)
    assert "Conditional" in tip and "Caption or credit errors" in tip
    assert any(line.startswith("• ") for line in tip.splitlines())          # the restriction's reason
    assert sheet.model.row([r.name for r in shown_rows(sheet)].index("ap_kharkiv_midnight.jpg")).clearance.lease == "allow"


def test_a_date_the_checks_do_not_cover_shows_out_of_date_badges(sheet, context):
    import datetime as dt

    from desktop.gui.sheet_model import badge_text

    context.set_date(dt.date(2010, 1, 1))   # before the stored checks' validity
    context.set_query("")                   # the shell reruns the query for a new date
    rows = shown_rows(sheet)
    stale = [r for r in rows if not r.clearance.current]
    assert len(stale) >= 5
    assert {badge_text(r)[0] for r in stale} == {"…"}
    n = rows.index(stale[0])
    assert "out of date" in sheet.model.index_of(n).data(Qt.ToolTipRole)
    assert "out of date" in sheet.message.text()


def test_selection_reaches_the_context_and_ctrl_a_selects_all(sheet, context, qtbot):
    m, view = sheet.model, sheet.view
    sel = view.selectionModel()
    sel.select(m.index_of(1), QItemSelectionModel.ClearAndSelect)
    sel.select(m.index_of(3), QItemSelectionModel.Select)
    sel.setCurrentIndex(m.index_of(3), QItemSelectionModel.NoUpdate)
    qtbot.waitUntil(lambda: context.selection == [m.row(1).id, m.row(3).id], timeout=3000)
    assert context.current == m.row(3).id
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_A, Qt.ControlModifier)
    qtbot.waitUntil(lambda: len(context.selection) == 10, timeout=3000)
    assert context.selection == [m.row(n).id for n in range(10)]


def test_space_asks_for_the_preview_and_a_drag_carries_the_ids(sheet, qtbot):
    m, view = sheet.model, sheet.view
    view.setFocus()
    view.setCurrentIndex(m.index_of(4))
    with qtbot.waitSignal(sheet.previewRequested, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key_Space)
    assert blocker.args == [m.row(4).id]
    mime = m.mimeData([m.index_of(0), m.index_of(2)])
    assert bytes(mime.data("application/x-picturedesk-photo-ids")).decode() == f"{m.row(0).id},{m.row(2).id}"


def test_thumbnails_arrive_off_the_gui_thread(qtbot, context, monkeypatch):
    from archive.desk import Desk

    threads = []
    real = Desk.thumbnails

    def spy(self, ids):
        threads.append(threading.get_ident())
        return real(self, ids)

    monkeypatch.setattr(Desk, "thumbnails", spy)
    sheet = make_sheet(qtbot, context)
    qtbot.waitUntil(lambda: sheet.model.total == 10)
    first = sheet.model.row(0).id
    assert sheet.loader.pixmap(first) is None                      # the placeholder first
    qtbot.waitUntil(lambda: sheet.loader.pixmap(first) is not None, timeout=10000)
    pm = sheet.loader.pixmap(first)
    assert pm.width() > 0 and pm.devicePixelRatio() == sheet.view.viewport().devicePixelRatioF()
    assert max(pm.width(), pm.height()) <= sheet.loader.target          # scaled off the GUI thread
    assert threads and threading.get_ident() not in threads
    sheet.shutdown()


def test_thumbnails_are_made_again_for_a_new_size(sheet, qtbot):
    first = sheet.model.row(0).id
    qtbot.waitUntil(lambda: sheet.loader.pixmap(first) is not None, timeout=10000)
    sheet.set_thumb_size(110)
    qtbot.waitUntil(lambda: max(sheet.loader.pixmap(first).width(), sheet.loader.pixmap(first).height()) <= 110,
                    timeout=10000)
    assert sheet.size.value() == 110


def test_the_model_reads_real_rows_at_a_large_offset(qtbot, big_context):
    sheet = make_sheet(qtbot, big_context)
    m = sheet.model
    qtbot.waitUntil(lambda: m.total == GENERATED)
    assert m.rowCount() == -(-GENERATED // m.columns)
    bar = sheet.view.verticalScrollBar()
    bar.setValue(int(bar.maximum() * 0.73))
    first, last = sheet.visible_positions()
    assert first > GENERATED // 2
    qtbot.waitUntil(lambda: all(m.row(n) is not None for n in range(first, last + 1)), timeout=3000)
    expected = big_context.desk.results("", offset=first, limit=last - first + 1).rows
    assert [m.row(n).id for n in range(first, last + 1)] == [r.id for r in expected]
    assert len(m._pages) <= 60                                      # pages, never the whole result
    sheet.shutdown()


def test_a_drag_reads_where_it_stops_not_what_it_passed(qtbot, big_context, monkeypatch):
    sheet = make_sheet(qtbot, big_context)
    m = sheet.model
    qtbot.waitUntil(lambda: m.total == GENERATED)
    asked = []
    real = m._read
    monkeypatch.setattr(m, "_read", lambda runs: asked.extend(p for page, count in runs
                                                              for p in range(page, page + count)) or real(runs))
    bar = sheet.view.verticalScrollBar()
    for step in range(1, 21):                           # a quick drag down the scrollbar
        bar.setValue(bar.maximum() * step // 20)
        sheet.view.viewport().repaint()
    first, last = sheet.visible_positions()
    qtbot.waitUntil(lambda: all(m.row(n) is not None for n in range(first, last + 1)), timeout=3000)
    assert set(asked) <= set(range(first // 100, last // 100 + 1))
    sheet.shutdown()


def test_rows_are_read_off_the_gui_thread_and_an_older_answer_is_dropped(qtbot, big_context, monkeypatch):
    import threading

    from archive.desk import Desk

    sheet = make_sheet(qtbot, big_context)
    m = sheet.model
    qtbot.waitUntil(lambda: m.total == GENERATED)
    gui = threading.get_ident()
    threads = []
    real = Desk.results

    def results(self, *a, **kw):
        if kw.get("offset"):                       # a page read while scrolling
            threads.append(threading.get_ident())
        return real(self, *a, **kw)

    monkeypatch.setattr(Desk, "results", results)
    bar = sheet.view.verticalScrollBar()
    bar.setValue(int(bar.maximum() * 0.73))
    sheet.view.viewport().repaint()
    qtbot.wait(30)                                 # the read is under way (or done) ...
    big_context.set_query("-is:flagged")           # ... when another query comes
    first, last = sheet.visible_positions()
    qtbot.waitUntil(lambda: all(m.row(n) is not None for n in range(first, last + 1)), timeout=3000)
    m.wait_for_reads()
    expected = real(big_context.desk, "-is:flagged", offset=first, limit=last - first + 1).rows
    assert [m.row(n).id for n in range(first, last + 1)] == [r.id for r in expected]
    assert threads and gui not in threads          # the archive was never read on the GUI thread to scroll
    sheet.shutdown()


def test_select_all_of_many_gives_the_context_a_count(qtbot, big_context, monkeypatch):
    import desktop.gui.sheet as sheet_mod

    monkeypatch.setattr(sheet_mod, "MAX_SELECTED_IDS", 1000)
    sheet = make_sheet(qtbot, big_context)
    qtbot.waitUntil(lambda: sheet.model.total == GENERATED)
    counted = []
    sheet.selectionCounted.connect(counted.append)
    sheet.view.selectionModel().select(sheet.model.index_of(5), QItemSelectionModel.ClearAndSelect)
    qtbot.waitUntil(lambda: bool(counted) and counted[-1] == 1, timeout=3000)
    assert big_context.selection == [sheet.model.row(5).id]
    sheet.select_all()
    qtbot.waitUntil(lambda: counted[-1] == GENERATED, timeout=3000)
    assert big_context.selection == []                              # too many to act on: a count
    assert sheet.selected_count() == GENERATED
    sheet.select_positions([(10, 809)])                              # 800: ids, in order
    qtbot.waitUntil(lambda: len(big_context.selection) == 800, timeout=3000)
    expected = big_context.desk.results("", offset=10, limit=800).rows
    assert big_context.selection == [r.id for r in expected]
    sheet.shutdown()


def test_an_edit_refreshes_its_row(sheet, context, qtbot):
    m = sheet.model
    pid = m.row(0).id
    context.desk.edit([pid], {"creator": ["Somebody Else"]})
    context.photosChanged.emit([pid])
    assert m.row(0) is not None                     # the old row stays shown while it is read again
    qtbot.waitUntil(lambda: m.row(0).creators == ("Somebody Else",), timeout=3000)


def test_the_preview_shows_the_photo_and_says_when_the_file_is_missing(qtbot, context):
    from desktop.gui.preview import PreviewPane

    pane = PreviewPane(context)
    qtbot.addWidget(pane)
    pane.resize(600, 400)
    pane.show()
    row = context.desk.results("", limit=1).rows[0]
    context.set_selection([row.id], row.id)
    qtbot.waitUntil(lambda: not pane.image.isNull(), timeout=10000)
    assert pane.label.pixmap().width() <= pane.scroll.viewport().width() * pane.devicePixelRatioF()
    pane.setFocus()
    qtbot.keyClick(pane, Qt.Key_1)                       # 100%
    assert not pane.fit and pane.zoom.isChecked()
    qtbot.keyClick(pane, Qt.Key_F)                       # fit again
    assert pane.fit
    other = context.desk.results("", limit=2).rows[1]
    Path(other.path).unlink()
    pane.show_photo(other.id)
    qtbot.waitUntil(lambda: "cannot" in pane.label.text().lower() or "missing" in pane.label.text().lower(),
                    timeout=10000)
    pane.shutdown()
