"""The demo's article step: the Kyiv article, added and matched with its photos.

The article (resources/demo/kyiv-drone-attack.txt) has two captions; the demo
photos include the two made to match them (Brendan Hoffman's air-raid photo
on the Monday, Laura Boushnak's Christmas tree on the Saturday) among
decoys, so the pairing and its reasons show what the matcher does.  Automatic
pairs are accepted, so the photos carry the article's captions and credit
lines as working values, beside their own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ARTICLE_FILE = "kyiv-drone-attack.txt"
ARTICLE_TITLE = "Kyiv drone attack"
ARTICLE_DATE = "2022-12-19"      # the Monday of "into Monday"


def article_resource() -> Path:
    from archive.resources import resource_path

    return resource_path("demo", ARTICLE_FILE)


def add_demo_article(archive, directory) -> dict:
    """Copy the article into the demo directory, add it (once), match it, accept
    the automatic pairs; returns {"article_id", "match", "accepted", "lines"}."""
    from archive.matching import accept, add_article, match_article
    from archive.store import articles as article_store

    target = Path(directory) / ARTICLE_FILE
    if not target.exists():
        shutil.copyfile(article_resource(), target)
    existing = article_store.article_ids_for_source(archive.conn, str(target.resolve()))
    if existing:
        article_id = existing[-1]
    else:
        article_id = add_article(archive, target, title=ARTICLE_TITLE, date=ARTICLE_DATE)["id"]
    result = match_article(archive, article_id)
    accepted = {p["caption_index"] for p in accept(archive, article_id)}
    captions = {c["index"]: c for c in article_store.get_captions(archive.conn, article_id)}
    lines = [f"Article {article_id}: {ARTICLE_TITLE} ({ARTICLE_DATE}), {len(captions)} captions paired:"]
    for pair in result.pairs:
        text = captions[pair.caption_index]["text"]
        lines.append(f"  [{pair.caption_index}] {text[:70]}{'...' if len(text) > 70 else ''}")
        if pair.photo_id is None:
            lines.append(f"      -> no photo ({pair.status})")
            continue
        state = "auto, accepted" if pair.caption_index in accepted else (pair.decision or pair.status)
        lines.append(f"      -> #{pair.photo_id} {Path(pair.path).name}  score {pair.score:.2f}  {state}")
        lines.extend(f"         {reason}" for reason in pair.reasons[:4])
    lines.append(f"      try: picturedesk --archive {archive.directory} match {article_id}")
    return {"article_id": article_id, "match": result.to_dict(), "accepted": sorted(accepted),
            "lines": lines}
