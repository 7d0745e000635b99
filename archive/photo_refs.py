"""Finding a photo by what a person types: its id or its file's path."""

from __future__ import annotations

import os

from archive.errors import NotFound
from archive.store import photos as store


def resolve_photo(archive, ref: str | int) -> int:
    """The id of the photo named by an id or a path; NotFound names what was asked."""
    conn = archive.conn
    text = str(ref)
    if text.isdigit():
        if int(text) < 2 ** 63 and store.exists(conn, int(text)):
            return int(text)
        if not os.path.exists(text):
            raise NotFound(f"no photo with id {text} in the archive")
    photo_id = store.id_for_path(conn, os.path.abspath(text))
    if photo_id is None:
        if os.path.exists(text):
            raise NotFound(f"{text}: this file is not in the archive (import it first)")
        raise NotFound(f"{text}: no such photo id or file")
    return photo_id
