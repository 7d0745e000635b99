"""Edits reach the photos' sidecars: after every action, after a crash, and never at
the cost of an edit the archive already saved.

A real archive (``Desk.open`` and the command line) over real agency and camera
JPEGs copied from the corpus; exiftool reads the sidecars.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from archive.desk import Desk
from archive.metadata import sidecar_write
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[2]
EXIFTOOL = shutil.which("exiftool")
pytestmark = [
    pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed"),
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real corpus ({CORPUS}) is absent"),
]
PHOTOS = ("grid_guardian-turner.jpg", "grid_pa.jpg", "Canon_40D.jpg")


@pytest.fixture
def folder(tmp_path) -> Path:
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in PHOTOS:
        shutil.copyfile(CORPUS / name, photos / name)
    return photos


@pytest.fixture
def desk(tmp_path, folder):
    with Desk.open(tmp_path / "archive") as d:
        report = d.import_paths([folder], thumbnails=False, processes=1)
        assert report.added == len(PHOTOS)
        yield d


def photo_id(desk: Desk, name: str) -> int:
    return next(pid for pid in range(1, 10) if desk.record(pid)["path"].endswith(name))


def exiftool_json(path: Path) -> dict:
    out = subprocess.run([EXIFTOOL, "-j", "-G1", "-struct", "-charset", "utf8", str(path)],
                         capture_output=True, check=True, text=True, encoding="utf-8").stdout
    return json.loads(out)[0]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def cli(archive: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "desktop", "--archive", str(archive), *args],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)


def test_an_edit_goes_to_the_sidecar_and_sync_then_changes_nothing(desk, folder):
    pid = photo_id(desk, "grid_pa.jpg")
    image = folder / "grid_pa.jpg"
    original = image.read_bytes()
    entry = desk.edit([pid], {"caption": "Moeen Ali bats in Leeds on Tuesday.", "creator": ["Martin Rickett", "김홍지"],
                              "city": "Лідс", "credit_line": "Photograph: Martin Rickett/PA Wire",
                              "keywords": ["cricket", "Αθήνα"]})
    assert entry.unwritten == [] and desk.pending_writebacks() == [] and desk.record(pid)["writeback"] is None
    tags = exiftool_json(folder / "grid_pa.xmp")
    assert tags["XMP-dc:Description"] == "Moeen Ali bats in Leeds on Tuesday."
    assert tags["XMP-dc:Creator"] == ["Martin Rickett", "김홍지"] and tags["XMP-photoshop:City"] == "Лідс"
    assert tags["XMP-picturedesk:CreditLine"] == "Photograph: Martin Rickett/PA Wire"
    assert as_list(tags["XMP-dc:Subject"]) == ["cricket", "Αθήνα"]
    assert image.read_bytes() == original
    report = desk.sync(thumbnails=False, processes=1)
    assert (report.updated, report.added, report.missing, report.conflicts) == (0, 0, 0, [])
    record = desk.record(pid)
    assert record["caption"] == "Moeen Ali bats in Leeds on Tuesday." and record["conflicts"] == {}
    assert record["embedded"]["city"] == "Leeds"            # the agency's own value stays in view
    with Desk.open(desk.directory.parent / "colleague") as other:    # another desk imports the folder
        other.import_paths([folder], thumbnails=False, processes=1)
        theirs = other.record(other.resolve(str(image)))
    assert theirs["caption"] == "Moeen Ali bats in Leeds on Tuesday." and theirs["city"] == "Лідс"
    assert theirs["credit_line"] == "Photograph: Martin Rickett/PA Wire"


def test_undo_redo_and_revert_write_what_the_archive_then_holds(desk, folder):
    pid = photo_id(desk, "grid_guardian-turner.jpg")
    own = desk.record(pid)["caption"]
    sidecar = folder / "grid_guardian-turner.xmp"
    entry = desk.edit([pid], {"caption": "Tulips at Arundel Castle, West Sussex, on Tuesday."})
    assert exiftool_json(sidecar)["XMP-dc:Description"] == "Tulips at Arundel Castle, West Sussex, on Tuesday."
    undone = desk.undo(entry.batch)
    assert undone.unwritten == []
    assert exiftool_json(sidecar)["XMP-dc:Description"].replace("\r\n", "\n") == own.replace("\r\n", "\n")
    desk.redo(entry.batch)
    assert exiftool_json(sidecar)["XMP-dc:Description"] == "Tulips at Arundel Castle, West Sussex, on Tuesday."
    desk.edit([pid], {"headline": "Tulips"})
    desk.revert([pid], ["headline"])                      # the file has no headline: the property goes
    assert "XMP-photoshop:Headline" not in exiftool_json(sidecar)
    assert desk.pending_writebacks() == []
    report = desk.sync(thumbnails=False, processes=1)
    assert (report.updated, report.conflicts) == (0, [])


def test_a_batch_edit_writes_every_photo(desk, folder):
    ids = [photo_id(desk, name) for name in PHOTOS]
    entry = desk.edit(ids, {"instructions": "Embargoed until 06:00 GMT", "usage_terms": "Editorial use only"})
    assert entry.unwritten == []
    for name in PHOTOS:
        tags = exiftool_json(folder / name.replace(".jpg", ".xmp"))
        assert tags["XMP-photoshop:Instructions"] == "Embargoed until 06:00 GMT"
        assert tags["XMP-xmpRights:UsageTerms"] == "Editorial use only"


def test_a_confirmed_pairing_writes_caption_and_credit_line(desk, folder):
    pid = photo_id(desk, "Canon_40D.jpg")
    article = desk.add_article(text="Tree\n\nWorkers install a Christmas tree in central Kyiv, Ukraine, on "
                                    "Saturday.\nPhotograph: Laura Boushnak/The New York Times\n")
    _pair, entry = desk.confirm(article["id"], 0, pid)
    assert entry.unwritten == []
    tags = exiftool_json(folder / "Canon_40D.xmp")
    assert tags["XMP-dc:Description"].startswith("Workers install a Christmas tree in central Kyiv")
    assert tags["XMP-picturedesk:CreditLine"] == "Photograph: Laura Boushnak/The New York Times"


@pytest.mark.parametrize("call, code, words", [("replace", errno.ENOSPC, "the disk is full"),
                                               ("write", errno.ENOSPC, "the disk is full"),
                                               ("open", errno.EROFS, "read-only")])
def test_a_failed_write_keeps_the_edit_queued_and_says_which_file(desk, folder, monkeypatch, call, code, words):
    pid = photo_id(desk, "grid_pa.jpg")

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(sidecar_write.os, call, refuse)
    entry = desk.edit([pid], {"caption": "Moeen Ali bats in Leeds on Tuesday."})
    monkeypatch.undo()
    assert [(u.photo_id, u.path) for u in entry.unwritten] == [(pid, str(folder / "grid_pa.xmp"))]
    assert words in entry.unwritten[0].reason
    assert desk.record(pid)["caption"] == "Moeen Ali bats in Leeds on Tuesday."       # nothing saved is lost
    assert not (folder / "grid_pa.xmp").exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(PHOTOS)                 # no temporary file left
    [row] = desk.pending_writebacks()
    assert row["photo_id"] == pid and row["fields"] == ["caption"] and words in row["error"]
    assert desk.write_pending() == []                       # the disk has room again
    assert exiftool_json(folder / "grid_pa.xmp")["XMP-dc:Description"] == "Moeen Ali bats in Leeds on Tuesday."
    assert desk.pending_writebacks() == []


def test_a_photo_whose_file_is_gone_keeps_its_edit_pending(desk, folder, tmp_path):
    pid = photo_id(desk, "Canon_40D.jpg")
    away = tmp_path / "away.jpg"
    (folder / "Canon_40D.jpg").rename(away)
    entry = desk.edit([pid], {"caption": "Kyiv at night."})
    assert len(entry.unwritten) == 1 and "missing" in entry.unwritten[0].reason
    assert desk.pending_writebacks()[0]["photo_id"] == pid
    assert desk.record(pid)["writeback"] == {"fields": ["caption"], "error": entry.unwritten[0].reason}
    with Desk.open(desk.directory) as again:                # still pending after a restart
        assert [r["photo_id"] for r in again.pending_writebacks()] == [pid]
        report = again.sync(thumbnails=False, processes=1)   # marked missing, still reported
        assert report.missing == 1 and [u.photo_id for u in report.unwritten] == [pid]
    away.rename(folder / "Canon_40D.jpg")
    with Desk.open(desk.directory) as again:
        assert len(again.pending_writebacks()) == 1         # a failed write is not retried by every open
        report = again.sync(thumbnails=False, processes=1)   # the file is back: sync writes it
        assert report.unwritten == [] and again.pending_writebacks() == []
        assert report.conflicts == [] and not again.record(pid)["missing"]
    assert exiftool_json(folder / "Canon_40D.xmp")["XMP-dc:Description"] == "Kyiv at night."


def test_a_crash_between_commit_and_write_is_finished_on_the_next_open(tmp_path, folder):
    archive = tmp_path / "archive"
    assert cli(archive, "import", str(folder), "--no-thumbnails").returncode == 0
    # A process that dies (SIGKILL) right after the edit commits, before any sidecar is written.
    script = textwrap.dedent(f"""
        import os, signal
        import archive.writeback as wb
        from archive.desk import Desk
        wb.write_pending = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
        d = Desk.open({str(archive)!r}, write_back=False)
        d.edit([1, 2], {{"caption": "Written after the crash.", "city": "Київ"}})
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    died = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=300)
    assert died.returncode == -signal.SIGKILL
    assert not list(folder.glob("*.xmp"))
    with Desk.open(archive, write_back=False) as d:        # the edit and the duty to write it both survived
        assert d.record(1)["caption"] == "Written after the crash."
        assert sorted(r["photo_id"] for r in d.pending_writebacks()) == [1, 2]
        paths = [Path(d.record(i)["path"]) for i in (1, 2)]
    with Desk.open(archive) as d:
        assert d.pending_writebacks() == []
        report = d.sync(thumbnails=False, processes=1)
        assert (report.updated, report.conflicts) == (0, [])
    for path in paths:
        tags = exiftool_json(path.with_suffix(".xmp"))
        assert tags["XMP-dc:Description"] == "Written after the crash." and tags["XMP-photoshop:City"] == "Київ"


def test_digikam_sidecar_gets_the_edit_and_keeps_its_tags(tmp_path, folder):
    digikam = folder / "Canon_40D.jpg.xmp"
    digikam.write_text(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:digiKam="http://www.digikam.org/ns/1.0/" digiKam:ColorLabel="3">'
        '<digiKam:TagsList><rdf:Seq><rdf:li>Places/Україна/Київ</rdf:li></rdf:Seq></digiKam:TagsList>'
        '</rdf:Description></rdf:RDF></x:xmpmeta>', encoding="utf-8")
    with Desk.open(tmp_path / "archive") as d:
        d.import_paths([folder], thumbnails=False, processes=1)
        pid = photo_id(d, "Canon_40D.jpg")
        assert d.edit([pid], {"creator": ["Ole Jørgensen"]}).unwritten == []
        report = d.sync(thumbnails=False, processes=1)
        assert (report.updated, report.conflicts) == (0, [])
    assert not (folder / "Canon_40D.xmp").exists()
    tags = exiftool_json(digikam)
    assert as_list(tags["XMP-dc:Creator"]) == ["Ole Jørgensen"]
    assert as_list(tags["XMP-digiKam:TagsList"]) == ["Places/Україна/Київ"] and tags["XMP-digiKam:ColorLabel"] == 3


def test_an_outside_change_to_the_sidecar_is_still_read_by_sync(desk, folder):
    pid = photo_id(desk, "grid_pa.jpg")
    sidecar = folder / "grid_pa.xmp"
    desk.edit([pid], {"caption": "Moeen Ali bats in Leeds on Tuesday."})
    # Another tool (Photo Mechanic, say) sets a headline in the same sidecar.
    subprocess.run([EXIFTOOL, "-overwrite_original", "-XMP-photoshop:Headline=Ali holds on", str(sidecar)],
                   check=True, capture_output=True)
    report = desk.sync(thumbnails=False, processes=1)
    assert report.updated == 1 and report.conflicts == []
    record = desk.record(pid)
    assert record["headline"] == "Ali holds on"
    assert record["caption"] == "Moeen Ali bats in Leeds on Tuesday."
    assert record["embedded"]["caption"].startswith("England's Moeen Ali plays defensively")   # the agency's text


def test_cli_edit_warns_naming_the_sidecar_it_could_not_write(tmp_path, folder):
    archive = tmp_path / "archive"
    assert cli(archive, "import", str(folder), "--no-thumbnails").returncode == 0
    damaged = folder / "Canon_40D.xmp"
    damaged.write_bytes(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF")
    shown = json.loads(cli(archive, "show", str(folder / "Canon_40D.jpg"), "--json").stdout)
    result = cli(archive, "edit", str(shown["id"]), "--caption", "Kyiv, Saturday.")
    assert result.returncode == 1
    assert str(damaged) in result.stderr and "never overwritten" in result.stderr
    assert "saved in the archive" in result.stderr
    assert damaged.read_bytes() == b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF"
    shown = json.loads(cli(archive, "show", str(shown["id"]), "--json").stdout)
    assert shown["caption"] == "Kyiv, Saturday."
    ok = cli(archive, "edit", str(photo_id_via_cli(archive, folder / "grid_pa.jpg")), "--credit-line",
             "Photograph: Martin Rickett/PA Wire")
    assert ok.returncode == 0 and "warning" not in ok.stderr
    assert exiftool_json(folder / "grid_pa.xmp")["XMP-picturedesk:CreditLine"] == "Photograph: Martin Rickett/PA Wire"


def photo_id_via_cli(archive: Path, path: Path) -> int:
    return json.loads(cli(archive, "show", str(path), "--json").stdout)["id"]


def test_a_new_file_from_the_agency_still_shows_as_a_conflict_behind_our_sidecar(desk, folder):
    pid = photo_id(desk, "grid_pa.jpg")
    image = folder / "grid_pa.jpg"
    desk.edit([pid], {"caption": "Moeen Ali bats in Leeds on Tuesday."})
    # The agency sends the file again with a new caption; our sidecar still says ours.
    subprocess.run([EXIFTOOL, "-q", "-overwrite_original", "-EXIF:ImageDescription=Moeen Ali, day five.",
                    "-IPTC:Caption-Abstract=Moeen Ali, day five.",
                    "-XMP-dc:Description=Moeen Ali, day five.", str(image)], check=True)
    report = desk.sync(thumbnails=False, processes=1)
    assert [(i, f) for i, _p, f in report.conflicts] == [(pid, "caption")]
    record = desk.record(pid)
    assert record["conflicts"] == {"caption": "Moeen Ali, day five."}
    assert record["caption"] == "Moeen Ali bats in Leeds on Tuesday."
    entry = desk.resolve_conflict(pid, "caption", "file")
    assert entry.unwritten == [] and desk.record(pid)["caption"] == "Moeen Ali, day five."
    assert exiftool_json(folder / "grid_pa.xmp")["XMP-dc:Description"] == "Moeen Ali, day five."
    report = desk.sync(thumbnails=False, processes=1)
    assert (report.updated, report.conflicts) == (0, [])


def test_a_read_only_archive_with_writes_queued_still_opens(desk, folder, monkeypatch):
    import sqlean

    import archive.writeback as wb

    pid = photo_id(desk, "Canon_40D.jpg")
    (folder / "Canon_40D.jpg").rename(folder.parent / "away.jpg")
    desk.edit([pid], {"caption": "Queued."})
    assert len(desk.pending_writebacks()) == 1

    def read_only(*args, **kwargs):
        raise sqlean.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(wb, "write_pending", read_only)
    with Desk.open(desk.directory) as again:            # searched and shown; the queue waits
        assert again.record(pid)["caption"] == "Queued."
        assert len(again.pending_writebacks()) == 1


def test_cli_sync_reports_an_edit_its_sidecar_still_lacks(tmp_path, folder):
    archive = tmp_path / "archive"
    assert cli(archive, "import", str(folder), "--no-thumbnails").returncode == 0
    pid = photo_id_via_cli(archive, folder / "Canon_40D.jpg")
    (folder / "Canon_40D.jpg").rename(tmp_path / "away.jpg")
    edited = cli(archive, "edit", str(pid), "--caption", "Kyiv at night.")
    assert edited.returncode == 1 and "missing" in edited.stderr and "Canon_40D.jpg" in edited.stderr
    shown = cli(archive, "show", str(pid))
    assert "sidecar       not yet written: caption (the photo's file is missing" in shown.stdout
    synced = cli(archive, "sync", "--no-thumbnails", "--json")
    assert synced.returncode == 1
    data = json.loads(synced.stdout)
    assert [(u["photo_id"], u["path"]) for u in data["unwritten"]] == [(pid, str(folder / "Canon_40D.jpg"))]
    (tmp_path / "away.jpg").rename(folder / "Canon_40D.jpg")
    synced = cli(archive, "sync", "--no-thumbnails")
    assert synced.returncode == 0 and "warning" not in synced.stderr
    assert exiftool_json(folder / "Canon_40D.xmp")["XMP-dc:Description"] == "Kyiv at night."


def test_a_crash_in_the_middle_of_a_sidecar_write_leaves_no_half_sidecar(tmp_path, folder):
    archive = tmp_path / "archive"
    sidecar = folder / "grid_pa.xmp"
    lightroom = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                 '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
                 'xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/" xmp:Rating="4" crs:Version="15.0"/>'
                 '</rdf:RDF></x:xmpmeta>')
    sidecar.write_text(lightroom, encoding="utf-8")
    assert cli(archive, "import", str(folder), "--no-thumbnails").returncode == 0
    pid = photo_id_via_cli(archive, folder / "grid_pa.jpg")
    # Killed after the new sidecar is in its temporary file, before the rename.
    script = textwrap.dedent(f"""
        import os, signal
        from archive.desk import Desk
        from archive.metadata import sidecar_write
        sidecar_write.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
        Desk.open({str(archive)!r}).edit([{pid}], {{"caption": "After the crash."}})
    """)
    died = subprocess.run([sys.executable, "-c", script], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                          capture_output=True, timeout=300)
    assert died.returncode == -signal.SIGKILL
    assert sidecar.read_text(encoding="utf-8") == lightroom              # the old sidecar, whole
    assert [p.name for p in folder.glob(".grid_pa.xmp.*.picturedesk-tmp")]   # the new one never renamed
    with Desk.open(archive) as d:
        assert d.pending_writebacks() == []
        assert (d.sync(thumbnails=False, processes=1).updated, d.record(pid)["conflicts"]) == (0, {})
    tags = exiftool_json(sidecar)
    assert tags["XMP-dc:Description"] == "After the crash."
    assert tags["XMP-xmp:Rating"] == 4 and tags["XMP-crs:Version"] == 15.0
    assert not list(folder.glob(".*picturedesk-tmp"))
