"""The articles a desk matches: adding an article file, listing, showing one.

Reading the file is :func:`archive.articles.read_article`'s job; this keeps
the article and its captions in the archive so that matching, the rules and
the caption sheet can come back to them by id.
"""

from __future__ import annotations

import os

from archive.errors import NotFound, UsageError
from archive.store import articles as store
from archive.store import candidates as candidate_store
from archive.store.db import transaction


def add_article(archive, path, *, title: str | None = None, date=None) -> dict:
    """Read an article file and keep it; returns {"id", "title", "date", "captions"}."""
    from archive.articles import read_article

    article = read_article(path, title=title, date=date)
    captions = [{"index": c.index, "text": c.text, "credit_line": c.credit_line,
                 "credit": c.credit.to_dict(), "paragraph": c.paragraph} for c in article.captions]
    conn = archive.conn
    with transaction(conn):
        article_id = store.insert_article(
            conn, title=article.title, date=article.date,
            source_path=os.path.abspath(article.source_path), format=article.format,
            body=article.body, captions=captions)
    return {"id": article_id, "title": article.title, "date": article.date, "captions": captions}


def resolve_article(archive, ref) -> int:
    """The id of an article named by its id or by the path of the file it was added from."""
    conn = archive.conn
    text = str(ref).strip()
    if text.isdigit():
        if store.get_article(conn, int(text)) is None:
            raise NotFound(f"no article with id {text} in the archive (see 'picturedesk article list')")
        return int(text)
    ids = store.article_ids_for_source(conn, os.path.abspath(text))
    if ids:
        return ids[-1]
    if os.path.exists(text):
        raise NotFound(f"{text}: this article is not in the archive (add it with 'picturedesk article add')")
    raise UsageError(f"{text}: not an article id or the path of an added article")


def list_articles(archive) -> list[dict]:
    """Every article, newest first: id, title, date, source_path, captions, paired, settled."""
    return store.list_articles(archive.conn)


def article_detail(archive, article_id: int) -> dict:
    """One article with its captions and, for each, its stored pair (or None)."""
    conn = archive.conn
    article = store.get_article(conn, article_id)
    if article is None:
        raise NotFound(f"no article with id {article_id} in the archive")
    pairs = {p["caption_index"]: p for p in store.get_pairs(conn, article_id)}
    paths = candidate_store.photo_paths(conn, [p["photo_id"] for p in pairs.values() if p["photo_id"]])
    captions = []
    for caption in store.get_captions(conn, article_id):
        pair = pairs.get(caption["index"])
        if pair is not None:
            pair = {**pair, "path": paths.get(pair["photo_id"])}
        captions.append({**caption, "pair": pair})
    return {"id": article["id"], "title": article["title"], "date": article["date"],
            "source_path": article["source_path"], "format": article["format"],
            "added_at": article["added_at"], "captions": captions}


def remove_article(archive, article_id: int) -> None:
    conn = archive.conn
    with transaction(conn):
        if not store.delete_article(conn, article_id):
            raise NotFound(f"no article with id {article_id} in the archive")
