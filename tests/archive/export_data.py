"""An archive for caption-sheet tests: an article whose photos are cleared, conditional
(pay, a credit to fix), expired, embargoed, denied by a lease and unlicensed, with names
in Cyrillic, Danish, Spanish and Korean and a caption holding markup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

ON = dt.date(2022, 12, 19)
MARKUP = '<b>markup</b> & "quotes"'
KYIV = dt.timezone(dt.timedelta(hours=2))


def _t(d, h):
    return dt.datetime(2022, 12, d, h, 0, tzinfo=KYIV)


def specs():
    from archive.demo.photos import PhotoSpec

    return [
        # name, spec, credit line the desk gives it (None: left missing)
        (PhotoSpec("cleared_jorgensen.jpg", creator=["Mette Jørgensen"], credit="Ritzau Scanpix",
                   caption=f"Crowds gather in Київ for the lights, with {MARKUP} on a placard.",
                   city="Київ", country="Україна", taken=_t(18, 15)),
         "Photograph: Mette Jørgensen/Ritzau Scanpix"),
        (PhotoSpec("pay_tomas.jpg", creator=["Tomás Ojea"], credit="EFE",
                   caption="Fans celebrate in Buenos Aires.", city="Buenos Aires", country="Argentina",
                   taken=_t(18, 20)),
         None),                                   # no credit line: conditional until it is fixed
        (PhotoSpec("expired_kim.jpg", creator=["김홍지"], credit="Yonhap",
                   caption="Snow falls on Seoul.", city="Seoul", country="South Korea", taken=_t(18, 9)),
         "Photograph: 김홍지/Yonhap"),
        (PhotoSpec("embargoed_minsk.jpg", creator=["Mette Jørgensen"], credit="Ritzau Scanpix",
                   caption="Leaders meet in Minsk.", city="Minsk", country="Belarus", taken=_t(19, 10),
                   instructions="EMBARGOED UNTIL 00:01 GMT 20 December 2022"),
         "Photograph: Mette Jørgensen/Ritzau Scanpix"),
        (PhotoSpec("denied_lviv.jpg", creator=["Mette Jørgensen"], credit="Ritzau Scanpix",
                   caption="A market in Lviv.", city="Lviv", country="Ukraine", taken=_t(17, 12)),
         "Photograph: Mette Jørgensen/Ritzau Scanpix"),
        (PhotoSpec("unlicensed_kharkiv.jpg", creator=["Tomás Ojea"], credit="Unknown Wire",
                   caption="Firefighters in Kharkiv.", city="Kharkiv", country="Ukraine", taken=_t(19, 1)),
         "Photograph: Tomás Ojea/Unknown Wire"),
    ]


LICENCES = (
    dict(licensor="Ritzau Scanpix", kind="subscription", cost="free", valid_from="2022-01-01",
         valid_until="2030-12-31", reference="RS-2022-01", restrictions="No use in advertising"),
    dict(licensor="EFE", kind="single-use", cost="pay", media=["print"], reference="EFE-INV-77",
         restrictions="Print edition only"),
    dict(licensor="Yonhap", kind="subscription", cost="free", valid_from="2021-01-01", valid_until="2022-06-30",
         reference="YNA-2021"),
)


def build(root: Path) -> dict:
    """Photos, licences, a deny lease and an article pairing every photo; returns
    {"archive": dir, "article": id, "ids": {file name: photo id}}."""
    from archive.demo.photos import write_photo
    from archive.desk import Desk

    photos = root / "photos"
    photos.mkdir(parents=True)
    for seed, (spec, _credit) in enumerate(specs()):
        write_photo(photos, spec, seed=seed)
    with Desk.open(root / "archive") as desk:
        desk.import_paths([photos], processes=1)
        for terms in LICENCES:
            desk.add_licence(**terms)
        ids = {r.name: r.id for r in desk.results("", limit=100).rows}
        for spec, credit in specs():
            if credit:
                desk.edit([ids[spec.name]], {"credit_line": credit})
        desk.add_lease(ids["denied_lviv.jpg"], allow=False, valid_from="2022-12-01", valid_until="2022-12-31",
                       note="the family asked us not to publish")
        text = "\n\n".join(f"{spec.caption} {credit or 'Photograph: Tomás Ojea/EFE'}"
                           for spec, credit in specs())
        article = desk.add_article(text="Snow and lights\n\n" + text, title="Winter across Europe",
                                   date="2022-12-19")
        for index, (spec, _credit) in enumerate(specs()):
            desk.confirm(article["id"], index, ids[spec.name])
    return {"archive": root / "archive", "article": article["id"], "ids": ids}
