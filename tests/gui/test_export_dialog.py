"""File → Export caption sheet…: the dialog writes the sheet of an article, the search
or the selection as a job, asks before replacing a file, can be stopped, and opens
the sheet when done."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.archive.export_data import ON, build


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("sheet-gui"))


@pytest.fixture
def sheet_context(qtbot, built):
    from archive.desk import Desk
    from desktop.gui.context import DeskContext

    desk = Desk.open(built["archive"], create=False)
    ctx = DeskContext(desk)
    ctx.set_date(ON)
    yield ctx
    ctx.jobs.cancel_all()
    ctx.jobs.wait(10000)
    desk.close()


@pytest.fixture
def opened(monkeypatch):
    from desktop.gui import export_dialog

    urls = []
    monkeypatch.setattr(export_dialog.QDesktopServices, "openUrl", lambda url: urls.append(url.toLocalFile()))
    return urls


def _dialog(qtbot, context, **kw):
    from desktop.gui.export_dialog import ExportDialog

    dlg = ExportDialog(context, **kw)
    qtbot.addWidget(dlg)
    return dlg


def _export(qtbot, dlg):
    with qtbot.waitSignal(dlg.exported, timeout=30000):
        dlg.export_button.click()
    qtbot.waitUntil(lambda: dlg.job is None)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_an_articles_pdf_is_written_and_opened(qtbot, sheet_context, built, tmp_path, opened):
    dlg = _dialog(qtbot, sheet_context, article_id=built["article"])
    assert dlg.from_article.isChecked() and dlg.articles.currentData() == built["article"]
    assert not dlg.from_search.isEnabled() and not dlg.from_selection.isEnabled()
    assert dlg.publication_date() == ON
    dlg.format.setCurrentIndex(dlg.format.findData("pdf"))
    target = tmp_path / "sheet.pdf"
    dlg.path.setText(str(target))
    dlg.open_when_done.setChecked(True)
    _export(qtbot, dlg)
    assert opened == [str(target)]
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "Winter across Europe" in text and "Jørgensen" in text and "Київ" in text
    assert "Wrote" in dlg.message.text() and dlg.export_button.isEnabled()


def test_the_selection_as_json_and_the_search_as_csv(qtbot, sheet_context, built, tmp_path, opened):
    ids = [built["ids"]["pay_tomas.jpg"], built["ids"]["denied_lviv.jpg"]]
    sheet_context.set_selection(ids)
    sheet_context.set_query("by:Jørgensen")
    dlg = _dialog(qtbot, sheet_context)
    assert dlg.from_selection.isChecked()          # several photos selected: the selection first
    dlg.format.setCurrentIndex(dlg.format.findData("json"))
    assert not dlg.paper.isEnabled()
    dlg.include_uncleared.setChecked(True)
    dlg.open_when_done.setChecked(False)
    dlg.path.setText(str(tmp_path / "sel.json"))
    _export(qtbot, dlg)
    data = json.loads((tmp_path / "sel.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in data["photos"]] == ids and data["not_cleared"] == []
    assert opened == []

    dlg.from_search.setChecked(True)
    dlg.format.setCurrentIndex(dlg.format.findData("csv"))
    assert dlg.path.text().endswith("sel.csv")      # the extension follows the format
    _export(qtbot, dlg)
    assert (tmp_path / "sel.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert dlg.result_value.counts["photos"] == 3


def test_replacing_a_file_is_asked_first(qtbot, sheet_context, built, tmp_path, monkeypatch, opened):
    target = tmp_path / "sheet.html"
    target.write_text("keep", encoding="utf-8")
    asked = []
    answer = [QMessageBox.No]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answer[0])
    dlg = _dialog(qtbot, sheet_context, article_id=built["article"])
    dlg.format.setCurrentIndex(dlg.format.findData("html"))
    dlg.path.setText(str(target))
    dlg.export_button.click()
    assert asked and str(target) in asked[0]
    assert dlg.job is None and target.read_text(encoding="utf-8") == "keep"
    answer[0] = QMessageBox.Yes
    _export(qtbot, dlg)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_missing_folder_is_said_in_the_dialog(qtbot, sheet_context, built, tmp_path):
    dlg = _dialog(qtbot, sheet_context, article_id=built["article"])
    dlg.path.setText(str(tmp_path / "nowhere" / "sheet.pdf"))
    dlg.export_button.click()
    assert dlg.job is None
    assert f"the folder {tmp_path / 'nowhere'} does not exist" in dlg.message.text()


def test_stopping_an_export_leaves_no_file(qtbot, sheet_context, built, tmp_path):
    dlg = _dialog(qtbot, sheet_context, article_id=built["article"])
    dlg.format.setCurrentIndex(dlg.format.findData("pdf"))
    dlg.path.setText(str(tmp_path / "sheet.pdf"))
    release = threading.Event()

    def held(work):
        def run(desk, progress, cancel):
            release.wait(10)                       # the job waits until Stop was pressed
            return work(desk, progress, cancel)
        return run

    dlg.work_wrapper = held
    dlg.export_button.click()
    assert dlg.cancel_button.text() == "Stop" and not dlg.export_button.isEnabled()
    with qtbot.waitSignal(dlg.job.signals.cancelled, timeout=30000):
        dlg.cancel_button.click()
        release.set()
    qtbot.waitUntil(lambda: dlg.job is None)
    assert "no file was written" in dlg.message.text()
    assert list(tmp_path.iterdir()) == []


def test_the_file_menu_opens_the_dialog(qtbot, window, monkeypatch):
    from desktop.gui import export_dialog

    shown = []
    monkeypatch.setattr(export_dialog.ExportDialog, "open", lambda self: shown.append(self))
    window.actions_by_name["export_sheet"].trigger()
    assert shown and shown[0].from_article.isChecked()
