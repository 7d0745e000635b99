"""Caption sheets as data and HTML, read back the way their readers read them: the CSV
with the csv module, the JSON loaded, the HTML parsed.  The archive has an article
whose photos are cleared, conditional (pay, restricted), expired, embargoed, denied
and unlicensed (tests/archive/export_data.py)."""

from __future__ import annotations

import csv
import json
import threading
from html.parser import HTMLParser

import pytest

from archive.desk import Desk
from archive.errors import UsageError
from archive.export import TargetError
from archive.export.text import CSV_COLUMNS
from archive.jobs import Cancelled
from tests.archive.export_data import MARKUP, ON, build

NAMES = ("Київ", "Jørgensen", "Tomás", "김홍지")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("sheet"))


@pytest.fixture
def desk(built):
    with Desk.open(built["archive"], create=False) as opened:
        yield opened


def export(desk, built, path, fmt, **kw):
    kw.setdefault("article", built["article"])
    return desk.export(path, format=fmt, on=ON, **kw)


def test_json_has_the_cleared_and_conditional_on_the_sheet_and_the_rest_apart(desk, built, tmp_path):
    result = export(desk, built, tmp_path / "sheet.json", "json")
    data = json.loads((tmp_path / "sheet.json").read_text(encoding="utf-8"))
    assert data["format"] == "picturedesk.caption-sheet" and data["version"] == 1
    assert data["sheet"]["title"] == "Winter across Europe"
    assert data["sheet"]["article"] == {"id": built["article"], "title": "Winter across Europe", "date": "2022-12-19"}
    assert data["sheet"]["on"] == "2022-12-19" and data["sheet"]["profile"] == "guardian"
    assert data["sheet"]["exported_by"] and data["sheet"]["exported_at"][:4].isdigit()
    on_sheet = {p["file_name"]: p for p in data["photos"]}
    apart = {p["file_name"]: p for p in data["not_cleared"]}
    assert list(on_sheet) == ["cleared_jorgensen.jpg", "pay_tomas.jpg"]          # in caption order
    assert set(apart) == {"expired_kim.jpg", "embargoed_minsk.jpg", "denied_lviv.jpg", "unlicensed_kharkiv.jpg"}
    assert data["counts"] == {"photos": 6, "cleared": 1, "conditional": 1, "not_cleared": 4, "pay": 1,
                              "on_sheet": 2, "left_out": 4}
    assert result.counts == data["counts"]

    cleared = on_sheet["cleared_jorgensen.jpg"]
    assert cleared["status"] == "cleared" and cleared["cost"] == "free" and cleared["conditions"] == []
    assert cleared["licence"] == {"id": 1, "licensor": "Ritzau Scanpix", "kind": "subscription",
                                  "reference": "RS-2022-01", "valid_until": "2030-12-31"}
    assert MARKUP in cleared["caption"] and "Київ" in cleared["place"]
    assert cleared["creator"] == ["Mette Jørgensen"] and cleared["caption_index"] == 0
    assert "Licence: No use in advertising" in cleared["restrictions"]

    pay = on_sheet["pay_tomas.jpg"]
    assert pay["status"] == "conditional" and pay["cost"] == "pay"
    assert any("does not cover web" in c for c in pay["conditions"])

    assert "ended on 2022-06-30" in " ".join(apart["expired_kim.jpg"]["conditions"])
    assert apart["expired_kim.jpg"]["creator"] == ["김홍지"]
    assert apart["embargoed_minsk.jpg"]["embargo"].startswith("Embargoed until")
    assert any(e["rule"] == "licence.restricted" for e in apart["embargoed_minsk.jpg"]["rule_errors"])
    assert "denies use" in " ".join(apart["denied_lviv.jpg"]["conditions"])
    assert "No licence covers" in " ".join(apart["unlicensed_kharkiv.jpg"]["conditions"])
    assert all(p["in_body"] is False for p in apart.values())


def test_include_uncleared_puts_them_on_the_sheet(desk, built, tmp_path):
    export(desk, built, tmp_path / "all.json", "json", include_uncleared=True)
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert len(data["photos"]) == 6 and data["not_cleared"] == []
    assert data["sheet"]["include_uncleared"] is True
    assert [p["status"] for p in data["photos"]].count("not_cleared") == 4


def test_csv_has_a_bom_stable_columns_and_one_row_per_photo(desk, built, tmp_path):
    export(desk, built, tmp_path / "sheet.csv", "csv")
    raw = (tmp_path / "sheet.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "sheet.csv", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    assert len(rows) == 6
    assert [r["section"] for r in rows] == ["sheet", "sheet"] + ["not_cleared"] * 4
    first = rows[0]
    assert first["caption"] == next(r["caption"] for r in rows if MARKUP in r["caption"])
    assert first["creator"] == "Mette Jørgensen" and "Київ" in first["place"]
    assert first["licensor"] == "Ritzau Scanpix" and first["licence_valid_until"] == "2030-12-31"
    assert first["publication_date"] == "2022-12-19"
    text = raw.decode("utf-8-sig")
    for name in NAMES:
        assert name in text
    assert rows[1]["cost"] == "pay" and rows[1]["status"] == "conditional"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.images, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "img":
            self.images.append(dict(attrs)["src"])

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_one_file_with_escaped_markup_and_inline_thumbnails(desk, built, tmp_path):
    export(desk, built, tmp_path / "sheet.html", "html")
    source = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    parser = _Text()
    parser.feed(source)
    text = "".join(parser.text)
    assert "<b>markup</b>" not in source and "&lt;b&gt;markup&lt;/b&gt;" in source
    assert MARKUP in text                   # what a reader sees is the caption as written
    for name in NAMES:
        assert name in text
    assert len(parser.images) == 2 and all(src.startswith("data:image/jpeg;base64,") for src in parser.images)
    assert not [a for _, a in parser.tags if any(str(v).startswith(("http:", "https:")) for v in a.values())]
    statuses = [a.get("data-status") for t, a in parser.tags if t == "section"]
    assert statuses == ["cleared", "conditional"]
    assert "Not cleared for 2022-12-19 (4)" in text and "No licence covers" in text
    assert "Winter across Europe" in text and "guardian" in text


def test_html_marks_uncleared_photos_on_the_sheet(desk, built, tmp_path):
    export(desk, built, tmp_path / "all.html", "html", include_uncleared=True)
    parser = _Text()
    parser.feed((tmp_path / "all.html").read_text(encoding="utf-8"))
    text = "".join(parser.text)
    assert text.count("NOT CLEARED FOR 2022-12-19: DO NOT PUBLISH") == 4
    assert len(parser.images) == 6


def test_a_query_or_ids_choose_the_photos(desk, built, tmp_path):
    result = desk.export(tmp_path / "q.json", format="json", query="by:Jørgensen", on=ON)
    data = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))
    assert data["sheet"]["query"] == "by:Jørgensen" and data["sheet"]["article"] is None
    assert result.counts["photos"] == 3
    ids = [built["ids"]["pay_tomas.jpg"], built["ids"]["expired_kim.jpg"]]
    desk.export(tmp_path / "ids.json", format="json", photo_ids=ids, on=ON)
    data = json.loads((tmp_path / "ids.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in data["photos"] + data["not_cleared"]] == ids
    assert data["sheet"]["title"] == "Selection of 2 photos"


def test_an_existing_file_is_kept_without_force(desk, built, tmp_path):
    target = tmp_path / "sheet.csv"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(TargetError, match="already exists") as err:
        export(desk, built, target, "csv")
    assert str(target) in str(err.value)
    assert target.read_text(encoding="utf-8") == "keep me"
    export(desk, built, target, "csv", force=True)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_missing_folder_is_named(desk, built, tmp_path):
    with pytest.raises(TargetError, match="does not exist") as err:
        export(desk, built, tmp_path / "nowhere" / "sheet.csv", "csv")
    assert str(tmp_path / "nowhere") in str(err.value)
    with pytest.raises(TargetError, match="is a folder"):
        export(desk, built, tmp_path, "csv")


def test_bad_format_paper_and_a_pdf_without_renderer(desk, built, tmp_path):
    with pytest.raises(UsageError, match="choose one of"):
        export(desk, built, tmp_path / "s.doc", "doc")
    with pytest.raises(UsageError, match="a4 or letter"):
        export(desk, built, tmp_path / "s.pdf", "pdf", paper="a3")
    with pytest.raises(UsageError, match="renderer"):
        export(desk, built, tmp_path / "s.pdf", "pdf")
    assert list(tmp_path.iterdir()) == []


def test_a_cancelled_or_failed_export_leaves_nothing(desk, built, tmp_path):
    cancel = threading.Event()

    def progress(done, total, message):
        if message == "reading thumbnails":
            cancel.set()

    with pytest.raises(Cancelled):
        export(desk, built, tmp_path / "sheet.html", "html", progress=progress, cancel=cancel)
    assert list(tmp_path.iterdir()) == []

    def broken(plan, path, **kw):
        path.write_bytes(b"%PDF-1.4 half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        export(desk, built, tmp_path / "sheet.pdf", "pdf", renderers={"pdf": broken})
    assert list(tmp_path.iterdir()) == []


def test_a_newsroom_template_in_the_config_folder_wins(desk, built, tmp_path, monkeypatch):
    from archive.export import templates

    own = tmp_path / "config" / "templates"
    own.mkdir(parents=True)
    (own / "sheet.html").write_text("<p>Our sheet: {{ sheet.title }} {{ body | length }}</p>", encoding="utf-8")
    monkeypatch.setattr(templates, "user_dir", lambda: own)
    export(desk, built, tmp_path / "own.html", "html")
    assert (tmp_path / "own.html").read_text(encoding="utf-8") == "<p>Our sheet: Winter across Europe 2</p>"


def test_a_broken_template_is_named_with_its_line(desk, built, tmp_path, monkeypatch):
    from archive.export import templates

    own = tmp_path / "config" / "templates"
    own.mkdir(parents=True)
    (own / "sheet.html").write_text("<p>\n{% for p in body %}{{ p.caption }}\n", encoding="utf-8")
    monkeypatch.setattr(templates, "user_dir", lambda: own)
    with pytest.raises(UsageError, match=r"sheet\.html, line \d+") as err:
        export(desk, built, tmp_path / "own.html", "html")
    assert str(own / "sheet.html") in str(err.value)
    assert not (tmp_path / "own.html").exists()
