"""Licences, leases and clearance kept in a real archive (archive.licensing over archive.store.licences).

The desk here: five generated photos imported from real JPEG files, each with the
credit line the desk gave it, and the licences a newsroom holds: a New York Times
subscription, Reuters with a monthly quota, Getty Images (which AFP resolves to), a PA
licence that ended the day before publication, and a Guardian staff licence.
"""

from __future__ import annotations

import datetime as dt

import pytest

from archive import checking, licence_book
from archive.edit import edit_photo
from archive.errors import NotFound, UsageError
from archive.demo.photos import PhotoSpec, write_photo
from archive.records import photo_record
from archive.store import articles as article_store
from archive.sync import import_paths
from archive.store.db import transaction

KYIV = dt.timezone(dt.timedelta(hours=2))
UTC = dt.timezone.utc
ON = dt.date(2022, 12, 19)

DESK = [
    (PhotoSpec("nyt_kyiv.jpg", creator=["Brendan Hoffman"], credit="The New York Times",
               source="The New York Times",
               caption="Air raid sirens sounded through the night as people sheltered in a metro station in "
                       "Kyiv, Ukraine, on Monday.",
               city="Kyiv", country="Ukraine", taken=dt.datetime(2022, 12, 19, 2, 14, tzinfo=KYIV), size=(96, 64)),
     "Photograph: Brendan Hoffman/The New York Times"),
    (PhotoSpec("reuters_kiev.jpg", creator=["Gleb Garanich"], credit="Reuters", source="Reuters",
               caption="People shelter in a metro station during an air raid alert in Kiev, Ukraine, on Monday.",
               city="Kyiv", country="Ukraine", taken=dt.datetime(2022, 12, 19, 6, 40, tzinfo=KYIV), size=(96, 64)),
     "Photograph: Gleb Garanich/Reuters"),
    (PhotoSpec("afp_embargo.jpg", creator=["Sergei Supinsky"], credit="AFP via Getty Images", source="AFP",
               caption="Rescuers work at the site of a strike in Kyiv, Ukraine, on Monday.", city="Kyiv",
               country="Ukraine", instructions="EMBARGOED UNTIL 00:01 GMT 20 December 2022",
               taken=dt.datetime(2022, 12, 19, 9, 12, tzinfo=KYIV), size=(96, 64)),
     "Photograph: Sergei Supinsky/AFP/Getty Images"),
    (PhotoSpec("pa_leeds.jpg", creator=["Martin Rickett"], credit="PA", source="PA Wire",
               caption="Cyclists ride through the snow in Leeds, England, on Monday.", city="Leeds",
               country="United Kingdom", taken=dt.datetime(2022, 12, 19, 8, 20, tzinfo=UTC), size=(96, 64)),
     "Photograph: Martin Rickett/PA"),
    (PhotoSpec("guardian_turner.jpg", creator=["Graham Turner"], credit="The Guardian",
               caption="Tulips in the cut-flower garden at Arundel Castle, West Sussex, on Monday.", city="Arundel",
               country="United Kingdom", taken=dt.datetime(2022, 12, 19, 11, 0, tzinfo=UTC), size=(96, 64)),
     "Photograph: Graham Turner/The Guardian"),
]

LICENCES = [
    dict(licensor="The New York Times", aliases=["NYT"], valid_from="2022-01-01", valid_until="2023-12-31"),
    dict(licensor="Reuters", quota="2/month", valid_from="2022-01-01"),
    dict(licensor="Getty Images", aliases=["AFP"]),
    dict(licensor="PA", aliases=["Press Association"], valid_until="2022-12-18"),
    dict(licensor="The Guardian", kind="staff", creators=["Graham Turner@2020-01-01.."]),
]


def write_desk(folder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for seed, (spec, _) in enumerate(DESK):
        write_photo(folder, spec, seed=seed)


def import_desk(archive, folder, *, licences=True) -> dict[str, int]:
    """Import the desk's photos, give each its credit line, add the licences; name -> photo id."""
    write_desk(folder)
    import_paths(archive, [folder], thumbnails=False)
    ids = {path.rsplit("/", 1)[1]: pid for pid, path in archive.conn.execute("SELECT id, path FROM photos")}
    for spec, credit_line in DESK:
        edit_photo(archive, ids[spec.name], {"credit_line": credit_line})
    if licences:
        for lic in LICENCES:
            licence_book.add_licence(archive, **lic)
    return ids


def snapshot(conn) -> dict:
    """Every row of every table: to show that a refused request changed nothing."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'photo_fts%'")]
    return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}


@pytest.fixture
def desk(archive, tmp_path):
    return archive, import_desk(archive, tmp_path / "photos")


# ---------------------------------------------------------------- licences

def test_licence_round_trip(archive):
    added = licence_book.add_licence(
        archive, licensor="Getty Images", aliases=["AFP", "Getty Images Europe"], valid_from="2022-01-01",
        valid_until="2022-12-31", kind="subscription", cost="pay", quota="100/month",
        creators=[], territories=["gb", "Ireland"], media=["Print", "online"], reference="GI-2022-17",
        restrictions="No use in France.")
    assert added["id"] == 1
    assert {k: added[k] for k in ("licensor", "aliases", "kind", "cost", "quota", "valid_from", "valid_until",
                                  "territories", "media", "reference", "restrictions")} == {
        "licensor": "Getty Images", "aliases": ["AFP", "Getty Images Europe"], "kind": "subscription",
        "cost": "pay", "quota": "100/month", "valid_from": "2022-01-01", "valid_until": "2022-12-31",
        "territories": ["GB", "IE"], "media": ["print", "web"], "reference": "GI-2022-17",
        "restrictions": "No use in France."}
    staff = licence_book.add_licence(archive, licensor="The Guardian", kind="staff",
                                  creators=["Graham Turner", "Christopher Thomond@2020-01-01..2022-06-30"])
    assert staff["cost"] == "free" and staff["creators"] == [
        "Graham Turner", "Christopher Thomond@2020-01-01..2022-06-30"]
    assert [r["id"] for r in licence_book.list_licences(archive)] == [1, 2]
    shown = licence_book.get_licence(archive, "1", on=dt.date(2022, 12, 19))
    assert shown["photos"] == {"covered": 0, "assigned": 0}
    assert shown["quota_used"] == {"used": 0, "of": 100, "period": "month", "from": "2022-12-01",
                                   "until": "2022-12-31"}
    removed = licence_book.remove_licence(archive, 1)
    assert removed["licensor"] == "Getty Images" and removed["unassigned"] == 0
    assert [r["id"] for r in licence_book.list_licences(archive)] == [2]


def test_kind_sets_the_default_cost(archive):
    assert licence_book.add_licence(archive, licensor="Agency", kind="single use")["cost"] == "pay"
    assert licence_book.add_licence(archive, licensor="Flickr", kind="creative-commons")["cost"] == "conditional"


@pytest.mark.parametrize("kwargs,message", [
    (dict(valid_from="2023-01-01", valid_until="2022-12-31"), "is before from"),
    (dict(valid_from="2022-13-01"), 'valid from "2022-13-01": not a date'),
    (dict(valid_until="next week"), 'valid until "next week": not a date'),
    (dict(valid_until="2022-12-31junk"), "not a date"),
    (dict(kind="freebie"), "is not one of"),
    (dict(cost="cheap"), 'cost "cheap"'),
    (dict(quota="lots"), "write N/month or N/year"),
    (dict(quota="0/month"), "at least 1"),
    (dict(kind="staff", creators=["Graham Turner@2022-02-30.."]), "not a date"),
    (dict(kind="staff", creators=["Graham Turner@2023-01-01..2022-01-01"]), "is before from"),
    (dict(licensor=" "), "needs a licensor"),
    (dict(creators=["Graham Turner"]), "only staff, contract and commissioned licences list photographers"),
    (dict(territories=["Narnia"]), 'territory "Narnia": use an ISO country code'),
    (dict(media=["carrier pigeon"]), 'medium "carrier pigeon": use print, web, social or broadcast'),
])
def test_bad_licence_is_refused_and_nothing_is_written(archive, kwargs, message):
    before = snapshot(archive.conn)
    args = dict(licensor="Reuters") | kwargs
    with pytest.raises(UsageError, match=message):
        licence_book.add_licence(archive, **args)
    assert snapshot(archive.conn) == before


def test_unknown_licence_ids(archive):
    with pytest.raises(NotFound, match="no licence with id 7"):
        licence_book.get_licence(archive, 7)
    with pytest.raises(NotFound, match="no licence with id 7"):
        licence_book.remove_licence(archive, "7")
    with pytest.raises(UsageError, match='licence "seven": not an id'):
        licence_book.remove_licence(archive, "seven")


# ---------------------------------------------------------------- leases

def test_lease_round_trip(desk):
    archive, ids = desk
    pid = ids["pa_leeds.jpg"]
    lease = licence_book.add_lease(archive, pid, allow=True, valid_from="2022-12-01", valid_until="2022-12-31",
                                note="bought from PA for the Leeds story")
    assert {k: lease[k] for k in ("id", "photo_id", "allow", "valid_from", "valid_until", "note")} == {
        "id": 1, "photo_id": pid, "allow": True, "valid_from": "2022-12-01", "valid_until": "2022-12-31",
        "note": "bought from PA for the Leeds story"}
    assert lease["path"].endswith("pa_leeds.jpg")
    licence_book.add_lease(archive, ids["nyt_kyiv.jpg"], allow=False)
    assert [le["id"] for le in licence_book.list_leases(archive)] == [1, 2]
    assert [le["id"] for le in licence_book.list_leases(archive, pid)] == [1]
    assert licence_book.remove_lease(archive, 1)["photo_id"] == pid
    assert [le["id"] for le in licence_book.list_leases(archive)] == [2]
    with pytest.raises(NotFound, match="no lease with id 1"):
        licence_book.remove_lease(archive, 1)


def test_bad_lease_is_refused_and_nothing_is_written(desk):
    archive, ids = desk
    before = snapshot(archive.conn)
    with pytest.raises(NotFound, match="no photo with id 999"):
        licence_book.add_lease(archive, 999, allow=True)
    with pytest.raises(UsageError, match="is before from"):
        licence_book.add_lease(archive, ids["pa_leeds.jpg"], allow=True, valid_from="2022-12-31",
                            valid_until="2022-12-01")
    with pytest.raises(UsageError, match='valid from "31/12/2022": not a date'):
        licence_book.add_lease(archive, ids["pa_leeds.jpg"], allow=False, valid_from="31/12/2022")
    assert snapshot(archive.conn) == before


# ---------------------------------------------------------------- clearance in the record

def test_clearance_of_each_photo_for_a_date(desk):
    archive, ids = desk

    def status(name, on=ON):
        return checking.clearance_record(archive, ids[name], on=on)

    lic, c = status("nyt_kyiv.jpg")
    assert c["status"] == "cleared" and c["on"] == "2022-12-19" and c["cost"] == "free"
    assert lic["licensor"] == "The New York Times" and lic["valid_until"] == "2023-12-31" and lic["covers"]
    assert c["reasons"][0].startswith("covered by licence 1 (The New York Times) until 2023-12-31")
    assert status("guardian_turner.jpg")[1]["status"] == "cleared"
    assert "covers Graham Turner on 2022-12-19 (staff)" in status("guardian_turner.jpg")[1]["reasons"][0]
    # AFP resolves to Getty Images; its embargo lifts at 00:01 the next day.
    lic, c = status("afp_embargo.jpg")
    assert lic["licensor"] == "Getty Images" and c["status"] == "not_cleared"
    assert any("Embargoed until 00:01 GMT 20 December 2022" in r for r in c["reasons"])
    assert status("afp_embargo.jpg", on=dt.date(2022, 12, 21))[1]["status"] == "cleared"
    # PA ended the day before: the licence is named, as the reason it is not cleared.
    lic, c = status("pa_leeds.jpg")
    assert c["status"] == "not_cleared" and lic["id"] == 4 and not lic["covers"]
    assert "Licence 4 (PA) ended on 2022-12-18" in c["reasons"]
    assert status("pa_leeds.jpg", on=dt.date(2022, 12, 18))[1]["status"] == "cleared"


def test_photo_record_shows_the_stored_verdict_for_its_date(desk):
    archive, ids = desk
    record = photo_record(archive, ids["pa_leeds.jpg"], on=ON)
    assert record["licence"]["licensor"] == "PA"
    assert record["clearance"]["status"] == "not_cleared"
    assert [v["rule"] for v in record["violations"]] == ["licence.expired"]
    # The same photo for the day before: cleared, and no violation is left over.
    record = photo_record(archive, ids["pa_leeds.jpg"], on=dt.date(2022, 12, 18))
    assert record["clearance"] == {"on": "2022-12-18", "status": "cleared", "cost": "free",
                                   "reasons": record["clearance"]["reasons"], "licence_id": 4}
    assert record["violations"] == []


def test_leases_override_the_licence_and_deny_wins(desk):
    archive, ids = desk
    pa, nyt = ids["pa_leeds.jpg"], ids["nyt_kyiv.jpg"]
    licence_book.add_lease(archive, pa, allow=True, valid_from="2022-12-19", valid_until="2022-12-19",
                        note="one-off from PA")
    assert checking.clearance_record(archive, pa, on=ON)[1]["status"] == "cleared"
    assert checking.clearance_record(archive, pa, on=dt.date(2022, 12, 20))[1]["status"] == "not_cleared"
    licence_book.add_lease(archive, pa, allow=False, note="the family asked us not to")
    _, c = checking.clearance_record(archive, pa, on=ON)
    assert c["status"] == "not_cleared" and any("denies use" in r for r in c["reasons"])
    licence_book.add_lease(archive, nyt, allow=False, valid_from="2022-12-20")
    assert checking.clearance_record(archive, nyt, on=ON)[1]["status"] == "cleared"
    assert checking.clearance_record(archive, nyt, on=dt.date(2022, 12, 20))[1]["status"] == "not_cleared"


def test_licence_assigned_by_hand_covers_the_photo(desk):
    archive, ids = desk
    pa = ids["pa_leeds.jpg"]
    reuters = licence_book.assign_licence(archive, pa, 2)
    assert reuters["licensor"] == "Reuters"
    lic, c = checking.clearance_record(archive, pa, on=ON)
    assert lic["id"] == 2 and c["status"] == "cleared" and "assigned to the photo by hand" in c["reasons"][0]
    assert licence_book.get_licence(archive, 2, on=ON)["photos"] == {"covered": 1, "assigned": 1}
    # Removing the licence removes the assignment with it.
    assert licence_book.remove_licence(archive, 2)["unassigned"] == 1
    assert checking.clearance_record(archive, pa, on=ON)[1]["status"] == "not_cleared"
    before = snapshot(archive.conn)
    with pytest.raises(NotFound, match="no licence with id 2"):
        licence_book.assign_licence(archive, pa, 2)
    assert snapshot(archive.conn) == before
    licence_book.assign_licence(archive, pa, 5)
    licence_book.assign_licence(archive, pa, "none")
    assert checking.clearance_record(archive, pa, on=ON)[0]["id"] == 4


# ---------------------------------------------------------------- quotas

def _use(archive, photo_ids, date):
    """An article of ``date`` whose captions are settled with ``photo_ids``."""
    conn = archive.conn
    with transaction(conn):
        aid = article_store.insert_article(
            conn, title="Story", date=date, source_path=None, format="txt", body="",
            captions=[{"index": i, "text": f"Caption {i}."} for i in range(len(photo_ids))])
        for i, pid in enumerate(photo_ids):
            article_store.set_decision(conn, aid, i, "accepted", photo_id=pid, keep_photo=False)
    return aid


def test_quota_counts_settled_pairings_in_the_period(desk, tmp_path):
    archive, ids = desk
    # Two more Reuters photos, so the quota of 2 a month can be used up by others.
    folder = tmp_path / "more"
    folder.mkdir()
    for i in range(2):
        write_photo(folder, PhotoSpec(f"reuters_{i}.jpg", creator=["Gleb Garanich"], credit="Reuters",
                                      caption=f"Scene {i} in Kyiv, Ukraine, on Monday.", city="Kyiv",
                                      country="Ukraine", taken=dt.datetime(2022, 12, 19, 12, i, tzinfo=KYIV),
                                      size=(96, 64)), seed=40 + i)
    import_paths(archive, [folder], thumbnails=False)
    more = [pid for pid, path in archive.conn.execute("SELECT id, path FROM photos WHERE path LIKE '%reuters_%.jpg'")
            if not path.endswith("reuters_kiev.jpg")]
    reuters = ids["reuters_kiev.jpg"]

    def over(pid, on=ON):
        return [v for v in photo_record(archive, pid, on=on)["violations"] if v["rule"] == "licence.over_quota"]

    assert over(reuters) == []
    _use(archive, more[:1], "2022-12-05")
    _use(archive, [ids["nyt_kyiv.jpg"]], "2022-12-06")        # not Reuters: does not count
    assert over(reuters) == []
    _use(archive, more[1:], "2022-12-07")                      # 2 of 2 used this month
    (v,) = over(reuters)
    assert v["severity"] == "warning" and "Quota of 2/month for licence 2 (Reuters) is used up" in v["message"]
    assert photo_record(archive, reuters, on=ON)["clearance"]["status"] == "conditional"
    # A photo already used in the period is one of the uses, not over them.
    assert over(more[0]) == []
    # Another month: a fresh quota; a use in November does not count for December.
    assert over(reuters, on=dt.date(2023, 1, 3)) == []
    _use(archive, [reuters], "2022-11-30")
    assert len(over(reuters)) == 1
    assert licence_book.get_licence(archive, 2, on=ON)["quota_used"]["used"] == 2
