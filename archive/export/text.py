"""The sheet as data: CSV (one row per photo) and JSON.

Both are contracts a newsroom's scripts read, documented in the README: the CSV
columns and the JSON keys below change only by being added to.
"""

from __future__ import annotations

import csv
import json

from archive.export.sheet import Sheet, SheetPhoto

CSV_COLUMNS = (
    "id", "file_name", "path", "section", "status", "publication_date", "caption_index", "caption",
    "credit_line", "creator", "agency", "source", "taken_at", "place", "licensor", "licence_kind",
    "licence_reference", "licence_valid_until", "cost", "quota_used", "quota_of", "quota_period",
    "conditions", "restrictions", "embargo", "rule_errors", "leases",
)
JSON_FORMAT = "picturedesk.caption-sheet"
JSON_VERSION = 1
LIST_SEPARATOR = "; "


def section(photo: SheetPhoto) -> str:
    """"sheet" for a photo on the sheet proper, "not_cleared" for one listed apart."""
    return "sheet" if photo.in_body else "not_cleared"


def csv_row(sheet: Sheet, p: SheetPhoto) -> dict:
    lic = p.licence or {}
    q = p.quota or {}
    return {
        "id": p.id, "file_name": p.file_name, "path": p.path, "section": section(p), "status": p.status,
        "publication_date": sheet.on, "caption_index": "" if p.caption_index is None else p.caption_index,
        "caption": p.caption or "", "credit_line": p.credit_line or "",
        "creator": LIST_SEPARATOR.join(p.creator), "agency": p.agency or "", "source": p.source or "",
        "taken_at": p.taken_at or "", "place": p.place or "", "licensor": lic.get("licensor") or "",
        "licence_kind": lic.get("kind") or "", "licence_reference": lic.get("reference") or "",
        "licence_valid_until": lic.get("valid_until") or "", "cost": p.cost or "",
        "quota_used": q.get("used", ""), "quota_of": q.get("of", ""), "quota_period": q.get("period", ""),
        "conditions": LIST_SEPARATOR.join(p.conditions), "restrictions": LIST_SEPARATOR.join(p.restrictions),
        "embargo": p.embargo or "",
        "rule_errors": LIST_SEPARATOR.join(f"{e['rule']}: {e['message']}" for e in p.rule_errors),
        "leases": LIST_SEPARATOR.join(p.leases),
    }


def write_csv(sheet: Sheet, path) -> None:
    """UTF-8 with a byte-order mark (so spreadsheets read the names right), the sheet's
    photos first, then those listed apart."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for p in sheet.body + sheet.left_out:
            writer.writerow(csv_row(sheet, p))


def sheet_dict(sheet: Sheet) -> dict:
    return {"format": JSON_FORMAT, "version": JSON_VERSION, "sheet": sheet.header(), "counts": sheet.counts,
            "photos": [p.to_dict() for p in sheet.body],
            "not_cleared": [p.to_dict() for p in sheet.left_out]}


def write_json(sheet: Sheet, path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(sheet_dict(sheet), fh, ensure_ascii=False, indent=1)
        fh.write("\n")
