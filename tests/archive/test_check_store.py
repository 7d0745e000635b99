"""Checks stored in the archive and kept current: violations, rule status, clearance, facets.

Real archives of imported photos; the questions are the desk's: after an edit, a
new licence, a lease, another profile, another day or a file changed on disk, do
`check`, `search is:flagged` and `search is:cleared` see the truth, having done
only the work the change calls for?
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from pathlib import Path

import pytest

from archive import checking, licence_book
from archive.demo.photos import PhotoSpec, write_photo
from archive.edit import edit_photo, revert_fields
from archive.jobs import Cancelled
from archive.records import photo_record
from archive.store.search import search
from archive.sync import import_paths, sync_archive
from tests.archive.test_licensing_store import DESK, KYIV, ON, import_desk
from archive.store.db import transaction

TODAY = dt.date.today()


@pytest.fixture
def desk(archive, tmp_path):
    return archive, import_desk(archive, tmp_path / "photos")


def stored(archive) -> dict[int, tuple]:
    """photo id -> (rule status, clearance status, clearance date, covering licence)."""
    return {pid: tuple(rest) for pid, *rest in archive.conn.execute(
        "SELECT id, rule_status, clearance_status, clearance_on, licence_resolved FROM photos")}


def facets(archive) -> dict[tuple[str, str], int]:
    return {(k, n): c for k, n, c in archive.conn.execute(
        "SELECT kind, name, count FROM facet_values WHERE kind IN ('licence', 'clearance', 'rules') AND count > 0")}


def facet_counts_agree(archive) -> bool:
    rows = archive.conn.execute(
        "SELECT v.count, (SELECT count(*) FROM photo_facets pf WHERE pf.value_id = v.id) FROM facet_values v "
        "WHERE v.kind IN ('licence', 'clearance', 'rules')").fetchall()
    return all(a == b for a, b in rows)


def names(archive, ids) -> set[str]:
    paths = dict(archive.conn.execute("SELECT id, path FROM photos"))
    return {Path(paths[i]).name for i in ids}


# ---------------------------------------------------------------- what is stored

def test_check_stores_violations_status_clearance_and_facets(desk):
    archive, ids = desk
    report = checking.check_photos(archive, on=ON)
    assert report.photos == 5 and report.refresh.checked == 5
    found = {(Path(v["path"]).name, v["rule"], v["severity"]) for v in report.violations}
    assert found == {("reuters_kiev.jpg", "style.spelling", "warning"),
                     ("afp_embargo.jpg", "licence.restricted", "error"),
                     ("pa_leeds.jpg", "licence.expired", "error")}
    assert all(set(v) == {"photo_id", "path", "rule", "severity", "message", "fix"} for v in report.violations)
    spelling = next(v for v in report.violations if v["rule"] == "style.spelling")
    assert spelling["fix"].startswith("People shelter in a metro station during an air raid alert in Kyiv")
    assert (report.errors, report.warnings) == (2, 1)
    s = stored(archive)
    assert s[ids["nyt_kyiv.jpg"]] == ("ok", "cleared", "2022-12-19", 1)
    assert s[ids["reuters_kiev.jpg"]] == ("warning", "cleared", "2022-12-19", 2)
    assert s[ids["afp_embargo.jpg"]] == ("error", "not_cleared", "2022-12-19", 3)
    assert s[ids["pa_leeds.jpg"]] == ("error", "not_cleared", "2022-12-19", None)   # expired: not licensed
    assert s[ids["guardian_turner.jpg"]] == ("ok", "cleared", "2022-12-19", 5)
    assert facets(archive) == {
        ("licence", "The New York Times"): 1, ("licence", "Reuters"): 1, ("licence", "Getty Images"): 1,
        ("licence", "The Guardian"): 1, ("licence", "no licence"): 1,
        ("clearance", "cleared"): 3, ("clearance", "not cleared"): 2,
        ("rules", "style.spelling (warning)"): 1, ("rules", "licence.restricted (error)"): 1,
        ("rules", "licence.expired (error)"): 1}
    assert facet_counts_agree(archive)


def test_search_answers_from_the_stored_columns(desk):
    archive, ids = desk
    checking.keep_current(archive)                          # today: every licence but NYT's and PA's open
    flagged = search(archive.conn, "is:flagged")
    assert names(archive, flagged.photo_ids) == {"pa_leeds.jpg", "nyt_kyiv.jpg"}   # both licences ended
    cleared = search(archive.conn, "is:cleared")
    assert names(archive, cleared.photo_ids) == {"reuters_kiev.jpg", "afp_embargo.jpg", "guardian_turner.jpg"}
    assert names(archive, search(archive.conn, "is:unlicensed").photo_ids) == {"pa_leeds.jpg", "nyt_kyiv.jpg"}
    page = search(archive.conn, "", facets=True)
    assert {v[0]: v[1] for v in page.facets["clearance"]} == {"cleared": 3, "not cleared": 2}
    assert {v[0]: v[1] for v in page.facets["rules"]} == {"licence.expired (error)": 2,
                                                      "style.spelling (warning)": 1}
    assert {v[0]: v[1] for v in page.facets["licence"]}["no licence"] == 2
    # Judged for another day, a photo is "cleared" today only if that verdict holds
    # today too (no licence, lease or embargo of it starts or ends in between).
    checking.keep_current(archive, ON)
    today = dt.date.today().isoformat()
    holding = {pid for pid, in archive.conn.execute(
        "SELECT id FROM photos WHERE clearance_from <= ? AND clearance_until >= ?", (today, today))}
    assert ids["guardian_turner.jpg"] in holding and ids["nyt_kyiv.jpg"] not in holding   # NYT's ended 2023
    assert set(search(archive.conn, "is:cleared").photo_ids) <= holding
    assert checking.keep_current_for_query(archive, "is:cleared").rejudged == 5 - len(holding)
    assert search(archive.conn, "is:cleared").total == 3
    assert checking.keep_current_for_query(archive, "kyiv") is None             # reads no stored check


# ---------------------------------------------------------------- staying current

def test_nothing_stale_means_nothing_done(desk):
    archive, _ = desk
    assert checking.keep_current(archive, ON).checked == 5
    again = checking.keep_current(archive, ON)
    assert (again.checked, again.rejudged) == (0, 0)
    before = archive.conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
    checking.keep_current(archive, ON)
    assert archive.conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone() == before


def test_an_edit_rechecks_that_photo_only(desk):
    archive, ids = desk
    checking.keep_current(archive, ON)
    pid = ids["reuters_kiev.jpg"]
    fixed = "People shelter in a metro station during an air raid alert in Kyiv, Ukraine, on Monday."
    edit_photo(archive, pid, {"caption": fixed})
    r = checking.keep_current(archive, ON)
    assert (r.checked, r.rejudged) == (1, 0)
    assert stored(archive)[pid][0] == "ok"
    assert ("rules", "style.spelling (warning)") not in facets(archive) and facet_counts_agree(archive)
    # A wrong weekday is caught on the next read.
    edit_photo(archive, pid, {"caption": fixed.replace("Monday", "Tuesday")})
    record = photo_record(archive, pid, on=ON)
    assert [v["rule"] for v in record["violations"]] == ["caption.weekday_mismatch"]
    assert record["violations"][0]["fix"] == fixed
    revert_fields(archive, pid, ["caption"])
    assert checking.keep_current(archive, ON).checked == 1
    assert stored(archive)[pid][0] == "warning"


def test_a_new_licence_rechecks_everything_and_a_removed_one_too(desk):
    archive, ids = desk
    checking.keep_current(archive, ON)
    added = licence_book.add_licence(archive, licensor="PA", valid_from="2022-12-01")
    r = checking.keep_current(archive, ON)
    assert (r.checked, r.rejudged) == (5, 0)
    assert stored(archive)[ids["pa_leeds.jpg"]] == ("ok", "cleared", "2022-12-19", added["id"])
    licence_book.remove_licence(archive, added["id"])
    assert checking.keep_current(archive, ON).checked == 5
    assert stored(archive)[ids["pa_leeds.jpg"]][1] == "not_cleared"
    assert facet_counts_agree(archive)


def test_a_lease_rechecks_its_photo(desk):
    archive, ids = desk
    checking.keep_current(archive, ON)
    lease = licence_book.add_lease(archive, ids["nyt_kyiv.jpg"], allow=False, note="withdrawn by the NYT")
    assert checking.keep_current(archive, ON).checked == 1
    assert stored(archive)[ids["nyt_kyiv.jpg"]][:2] == ("error", "not_cleared")
    licence_book.remove_lease(archive, lease["id"])
    assert checking.keep_current(archive, ON).checked == 1
    assert stored(archive)[ids["nyt_kyiv.jpg"]][:2] == ("ok", "cleared")


def test_a_new_day_rejudges_only_the_clearances_it_changes(desk):
    archive, ids = desk
    checking.keep_current(archive, ON)
    r = checking.keep_current(archive, ON + dt.timedelta(days=1))
    assert (r.checked, r.rejudged) == (0, 1)            # only the embargo's day is over
    s = stored(archive)
    assert s[ids["reuters_kiev.jpg"]] == ("warning", "cleared", "2022-12-19", 2)   # still holds on the 20th
    # The embargo lifts at 00:01 that day: publish, but not before then.
    assert s[ids["afp_embargo.jpg"]] == ("warning", "conditional", "2022-12-20", 3)
    assert s[ids["reuters_kiev.jpg"]][0] == "warning"                             # kept non-licence rules
    assert [v["rule"] for v in photo_record(archive, ids["reuters_kiev.jpg"], on=ON + dt.timedelta(days=1))
            ["violations"]] == ["style.spelling"]
    assert facet_counts_agree(archive)


def test_a_verdict_written_within_the_watermark_narrows_it(desk):
    """Every verdict judged for the 21st (the AFP embargo is over) holds until the
    31st.  Then one photo gets an embargo lifting on the 24th; re-judged alone, it
    must narrow the archive's watermark, or a check on the 24th would take its old
    verdict as current."""
    from archive.store import check_state

    archive, ids = desk
    day = dt.date(2022, 12, 21)
    assert checking.keep_current(archive, day).checked == 5
    assert check_state.watermark(archive.conn)["until"] == "2022-12-31"
    pid = ids["reuters_kiev.jpg"]
    edit_photo(archive, pid, {"instructions": "EMBARGOED UNTIL 00:01 GMT 24 December 2022"})
    assert checking.keep_current(archive, day).checked == 1
    assert stored(archive)[pid][1] == "not_cleared"
    assert check_state.watermark(archive.conn)["until"] == "2022-12-23"
    r = checking.keep_current(archive, dt.date(2022, 12, 24))
    assert (r.checked, r.rejudged) == (0, 1)
    assert stored(archive)[pid][1:3] == ("conditional", "2022-12-24")


def test_one_photo_judged_for_another_day_is_found_again(desk):
    archive, ids = desk
    checking.keep_current(archive, ON)
    checking.clearance_record(archive, ids["pa_leeds.jpg"], on=dt.date(2022, 12, 18))
    r = checking.keep_current(archive, ON)
    assert (r.checked, r.rejudged) == (0, 1)
    assert stored(archive)[ids["pa_leeds.jpg"]][2] == "2022-12-19"
    assert checking.keep_current(archive, ON).rejudged == 0


def test_another_profile_rechecks_everything_and_becomes_the_archives(desk):
    archive, ids = desk
    checking.keep_current(archive, ON)
    assert checking.archive_profile(archive) == "guardian"
    r = checking.keep_current(archive, ON, profile="ap")
    assert r.checked == 5 and checking.archive_profile(archive) == "ap"
    ap_rules = {v["rule"] for v in checking.check_photos(archive, on=ON).violations}
    assert "credit.format" in ap_rules                           # "Photograph: ..." is not AP style
    assert checking.keep_current(archive, ON).checked == 0      # ap stays the archive's profile
    assert checking.keep_current(archive, ON, profile="guardian").checked == 5


def test_editing_the_desks_own_profile_rechecks(desk, tmp_path, monkeypatch):
    archive, ids = desk
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    rules = config / "picturedesk" / "rules"
    rules.mkdir(parents=True)
    own = rules / "desk.toml"
    own.write_text('extends = "guardian"\n')
    assert checking.keep_current(archive, ON, profile="desk").checked == 5
    assert checking.keep_current(archive, ON).checked == 0
    time.sleep(0.01)
    own.write_text('extends = "guardian"\n[rules."style.spelling"]\nenabled = false\n')
    assert checking.keep_current(archive, ON).checked == 5
    assert stored(archive)[ids["reuters_kiev.jpg"]][0] == "ok"


def test_a_file_changed_on_disk_is_rechecked_after_sync(desk, tmp_path):
    archive, ids = desk
    checking.keep_current(archive, ON)
    spec = DESK[0][0]
    changed = PhotoSpec(spec.name, creator=spec.creator, credit=spec.credit, source=spec.source,
                        caption=spec.caption, city=spec.city, country=spec.country, taken=spec.taken,
                        instructions="EMBARGOED UNTIL 00:01 GMT 21 December 2022", size=(96, 64))
    time.sleep(0.01)
    write_photo(tmp_path / "photos", changed, seed=77)
    assert sync_archive(archive, thumbnails=False).updated == 1
    r = checking.keep_current(archive, ON)
    assert (r.checked, r.rejudged) == (1, 0)
    assert stored(archive)[ids["nyt_kyiv.jpg"]][:2] == ("error", "not_cleared")


def test_a_photo_changed_while_being_checked_stays_stale(desk, monkeypatch):
    archive, ids = desk
    from archive.store import check_state

    real = check_state.write_results

    def edit_first(conn, results, **kw):
        # Another window edits a caption after the check read the photo.
        conn.execute("UPDATE photos SET caption = 'Changed meanwhile.', updated_at = 'later' WHERE id = ?",
                     (ids["nyt_kyiv.jpg"],))
        return real(conn, results, **kw)

    monkeypatch.setattr(check_state, "write_results", edit_first)
    r = checking.keep_current(archive, ON)
    assert (r.checked, r.skipped) == (4, 1)
    monkeypatch.setattr(check_state, "write_results", real)
    assert checking.keep_current(archive, ON).checked == 1


@pytest.mark.parametrize("change", ["add", "remove"])
def test_a_lease_changed_while_being_checked_leaves_its_photo_stale(desk, monkeypatch, change):
    archive, ids = desk
    from archive.store import check_state
    from archive.store import licences as store

    pid = ids["nyt_kyiv.jpg"]
    if change == "remove":
        lease = licence_book.add_lease(archive, pid, allow=False, note="held for legal")
    real = check_state.write_results

    def lease_meanwhile(conn, results, **kw):
        # Another window adds (or lifts) a deny lease after the check read the leases.
        if change == "add":
            store.insert_lease(conn, pid, False, None, None, "held for legal")
        else:
            store.delete_lease(conn, lease["id"])
        return real(conn, results, **kw)

    monkeypatch.setattr(check_state, "write_results", lease_meanwhile)
    r = checking.keep_current(archive, ON)
    assert r.skipped == 1
    monkeypatch.setattr(check_state, "write_results", real)
    assert checking.keep_current(archive, ON).checked == 1
    status = stored(archive)[pid][1]
    assert status == ("not_cleared" if change == "add" else "cleared")


def test_cancel_keeps_what_was_written_and_the_next_run_finishes(desk, monkeypatch):
    archive, _ = desk
    monkeypatch.setattr(checking, "CHUNK", 2)
    monkeypatch.setattr(checking, "WRITE_BATCH", 2)
    cancel = threading.Event()

    def progress(done, total, message):
        if done >= 2:
            cancel.set()

    with pytest.raises(Cancelled):
        checking.keep_current(archive, ON, progress=progress, cancel=cancel)
    assert archive.conn.execute("SELECT count(*) FROM photos WHERE checked_epoch IS NOT NULL").fetchone()[0] == 2
    assert not archive.conn.in_transaction
    assert checking.keep_current(archive, ON).checked == 3
    assert facet_counts_agree(archive)


def test_worker_processes_store_what_one_process_stores(archive, tmp_path, monkeypatch):
    folder = tmp_path / "many"
    folder.mkdir()
    places = ["Kyiv", "Kiev", "Lviv", "Kharkiv"]
    for i in range(40):
        write_photo(folder, PhotoSpec(
            f"p{i:03d}.jpg", creator=[f"Photographer {i % 5}"], credit=["Reuters", "AFP via Getty Images", "PA"][i % 3],
            caption=f"Scene {i} in {places[i % 4]}, Ukraine, on {'Monday' if i % 2 else 'Sunday'}.",
            city="Kyiv", country="Ukraine", taken=dt.datetime(2022, 12, 19, 10, i, tzinfo=KYIV), size=(64, 48)),
            seed=i)
    import_paths(archive, [folder], thumbnails=False)
    licence_book.add_licence(archive, licensor="Reuters")
    licence_book.add_licence(archive, licensor="Getty Images", aliases=["AFP"], valid_until="2022-12-18")
    one = checking.check_photos(archive, on=ON, processes=1)
    expected = (stored(archive), one.violations, facets(archive))
    licence_book.add_licence(archive, licensor="Nobody")           # everything stale again
    monkeypatch.setattr(checking, "POOL_THRESHOLD", 0)
    monkeypatch.setattr(checking, "CHUNK", 7)
    pooled = checking.check_photos(archive, on=ON, processes=2)
    assert pooled.refresh.checked == 40
    assert (stored(archive), pooled.violations, facets(archive)) == expected
    assert facet_counts_agree(archive)


def test_selecting_photos_by_query_article_and_id(desk):
    archive, ids = desk
    from archive.store import articles as article_store

    conn = archive.conn
    with transaction(conn):
        aid = article_store.insert_article(conn, title="Kyiv", date="2022-12-19", source_path=None, format="txt",
                                           body="", captions=[{"index": 0, "text": "a"}, {"index": 1, "text": "b"}])
        article_store.save_proposals(conn, aid, [
            {"caption_index": 0, "photo_id": ids["afp_embargo.jpg"], "score": 0.9, "status": "auto"},
            {"caption_index": 1, "photo_id": ids["pa_leeds.jpg"], "score": 0.4, "status": "suggested"}])
    assert names(archive, checking.select_photos(archive, article=aid)) == {"afp_embargo.jpg", "pa_leeds.jpg"}
    assert names(archive, checking.select_photos(archive, query="place:Kyiv")) == {
        "nyt_kyiv.jpg", "reuters_kiev.jpg", "afp_embargo.jpg"}
    both = checking.select_photos(archive, photos=[str(ids["guardian_turner.jpg"])], query="place:Leeds")
    assert names(archive, both) == {"guardian_turner.jpg", "pa_leeds.jpg"}
    assert checking.select_photos(archive) is None
    report = checking.check_photos(archive, checking.select_photos(archive, article=aid), on=ON)
    assert report.photos == 2 and report.refresh.checked == 2
    assert {v["rule"] for v in report.violations} == {"licence.restricted", "licence.expired"}


# ---------------------------------------------------------------- the real agency photos

CORPUS_DESK = {
    "grid_pa.jpg": dict(
        caption="England\u2019s Moeen Ali plays defensively from the bowling of Sri Lanka\u2019s Shaminda "
                "Eranga during day five of the second Test at Headingley, Leeds, on Tuesday.",
        credit_line="Photograph: Martin Rickett/PA"),
    "grid_corbis.jpg": dict(
        caption="The former Navy Seal Christopher Heben testifies in his own defence at Akron Municipal "
                "Court, Ohio, on 1 April 2015.",
        credit_line="Photograph: Mike Cardew/ZUMA Press/Corbis"),
}
CORPUS_ON = {"grid_pa.jpg": dt.date(2014, 6, 25), "grid_corbis.jpg": dt.date(2015, 4, 2)}


@pytest.fixture
def agency_desk(archive, tmp_path, corpus_dir):
    folder = tmp_path / "agency"
    folder.mkdir()
    for name in CORPUS_DESK:
        shutil.copy(corpus_dir / name, folder / name)
    import_paths(archive, [folder], thumbnails=False)
    ids = {Path(p).name: i for i, p in archive.conn.execute("SELECT id, path FROM photos")}
    licence_book.add_licence(archive, licensor="PA", aliases=["Press Association", "PA Wire"], valid_from="2014-01-01")
    licence_book.add_licence(archive, licensor="Corbis", valid_from="2015-01-01", valid_until="2016-12-31")
    return archive, ids


@pytest.mark.parametrize("name", sorted(CORPUS_DESK))
def test_real_agency_photos_with_the_desks_caption_are_clean(agency_desk, name):
    archive, ids = agency_desk
    edit_photo(archive, ids[name], dict(CORPUS_DESK[name]))
    report = checking.check_photos(archive, [ids[name]], on=CORPUS_ON[name])
    assert report.violations == []
    record = photo_record(archive, ids[name], on=CORPUS_ON[name])
    assert record["clearance"]["status"] == "cleared" and record["violations"] == []


@pytest.mark.parametrize("name", sorted(CORPUS_DESK))
def test_real_agency_captions_as_sent_raise_no_error(agency_desk, name):
    # The agencies' own captions, with their RESTRICTIONS and "Editorial use only"
    # text, only given the desk's credit line: no false alarm.
    archive, ids = agency_desk
    edit_photo(archive, ids[name], {"credit_line": CORPUS_DESK[name]["credit_line"]})
    report = checking.check_photos(archive, [ids[name]], on=CORPUS_ON[name])
    assert [v for v in report.violations if v["severity"] == "error"] == []
    _, c = checking.clearance_record(archive, ids[name], on=CORPUS_ON[name])
    assert c["status"] == "cleared"
    if name == "grid_pa.jpg":
        assert any("editorial use only" in r for r in c["reasons"])


def test_real_pa_photo_without_a_pa_licence_and_a_finnish_desk_for_corbis(agency_desk, tmp_path, monkeypatch):
    archive, ids = agency_desk
    for name in CORPUS_DESK:
        edit_photo(archive, ids[name], dict(CORPUS_DESK[name]))
    licence_book.remove_licence(archive, 1)
    rules = {v["rule"] for v in checking.check_photos(archive, [ids["grid_pa.jpg"]],
                                                       on=CORPUS_ON["grid_pa.jpg"]).violations}
    assert rules == {"licence.missing"}
    # Corbis's usage terms exclude customers in Finland.
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    (config / "picturedesk" / "rules").mkdir(parents=True)
    (config / "picturedesk" / "rules" / "hs.toml").write_text(
        'extends = "guardian"\n[rules."licence.restricted"]\nterritory = "FI"\n')
    report = checking.check_photos(archive, [ids["grid_corbis.jpg"]], on=CORPUS_ON["grid_corbis.jpg"],
                                    profile="hs")
    (v,) = report.violations
    assert v["rule"] == "licence.restricted" and "FI" in v["message"]

