"""The application API: everything the window and the command line do with an archive.

A :class:`Desk` is one open archive.  Its methods take and return plain values
and the dataclasses of :mod:`archive.desk.types`, raise the errors of
:mod:`archive.errors` (worded about photos, never about command-line flags),
and never touch Qt.  Reading never writes: a record or a page of results
shows the stored checks and says when they are out of date; the
``bring_checks_current`` job updates them.  Every edit is one transaction with
a history entry that :meth:`Desk.undo` and :meth:`Desk.redo` apply, guarded by
a check that the fields still hold what the person saw.

Long work (import, sync, thumbnails, checks, matching) takes ``progress`` and
``cancel`` (see :mod:`archive.jobs`).  SQLite connections belong to one thread:
a job on another thread runs on :meth:`Desk.clone`, its own connection to the
same archive.
"""

from __future__ import annotations

import datetime as _dt
import os
import time
from pathlib import Path
from typing import Iterable, Optional, Sequence

from archive.desk import editing
from archive.desk.judging import Judge
from archive.desk.results import SORTS, results as _results
from archive.desk.types import (MULTIPLE, Badge, DraftCheck, EditConflict, FacetValue, FieldChange,
                                GridRow, HistoryEntry, Results, Staleness)
from archive.errors import NotFound, UsageError
from archive.licence_model import parse_date

__all__ = ["Desk", "open_desk", "MULTIPLE", "Badge", "DraftCheck", "EditConflict", "FacetValue",
           "FieldChange", "GridRow", "HistoryEntry", "Results", "Staleness", "SORTS"]


def _day(on) -> _dt.date:
    return parse_date(on, "publication date") or _dt.date.today()


class Desk:
    """One open archive and everything a front end does with it."""

    def __init__(self, archive):
        self.archive = archive
        # A window writes sidecars in a job of its own after each action (a batch
        # edit of a thousand photos would hold the screen for seconds): it sets this.
        self.defer_writes = False
        self._judge = Judge(archive)
        self._thumbs = None

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, directory=None, *, create: bool = True, write_back: bool = True, mapped: bool = True,
             readers_apart: bool = False) -> "Desk":
        """Open (or create) the archive; with ``write_back``, first finish the sidecar
        writes an earlier process left undone (killed between an edit's commit and its
        sidecar write).  Writes that failed (a full disk, a missing file) are tried
        again by sync, import, an edit of the photo and :meth:`write_pending`, not by
        every open, which a search or a show should not pay for.  ``mapped=False`` for
        a desk that stays open all day (the window's): its reads do not pile up in
        resident memory (see ``archive.store.db.MAPPED_BYTES``).  ``readers_apart`` for
        the window too: its imports and syncs read every photo file in the guarded
        worker processes (archive/workers.py), none in the window's own, so a reader
        that crashes or hangs on a hostile file costs that file, not the window.  A
        command reads some in its own process while the workers start (faster; a
        crash there ends the command, and the archive stays whole)."""
        from archive.store import open_archive

        desk = cls(open_archive(directory, create=create, mapped=mapped))
        desk.archive.readers_apart = readers_apart
        if write_back:
            try:
                from archive.writeback import write_pending

                write_pending(desk.conn, leftovers=True)
            except Exception as exc:  # noqa: BLE001 - re-raised unless the archive is read-only
                from archive.store.db import is_read_only

                if not is_read_only(exc):
                    desk.close()
                    raise
                # A read-only archive is still searched and shown; its queue waits.
        return desk

    def clone(self, *, mapped: Optional[bool] = None) -> "Desk":
        """Another connection to the same archive, for a job on another thread: mapped
        as this one unless said (a short job that scans much reads faster mapped)."""
        return Desk.open(self.directory, create=False, write_back=False,
                         mapped=self.archive.mapped if mapped is None else mapped,
                         readers_apart=self.archive.readers_apart)

    @property
    def directory(self) -> Path:
        return self.archive.directory

    @property
    def conn(self):
        return self.archive.conn

    def close(self) -> None:
        if self._thumbs is not None:
            self._thumbs.close()
            self._thumbs = None
        self.archive.close()

    def __enter__(self) -> "Desk":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def photo_count(self) -> int:
        from archive.store import check_state

        return check_state.photo_count(self.conn)

    def folders(self) -> list[str]:
        from archive.store import photos as store

        return store.folders(self.conn)

    # ------------------------------------------------------------ results

    def results(self, query: str = "", *, offset: int = 0, limit: int = 50, sort: str = "taken",
                descending: bool = True, facets: bool = False, on=None) -> Results:
        """The rows of ``query``'s result at ``offset`` (any position), its total and,
        with ``facets``, the counts of each facet value with the term that narrows to it."""
        return _results(self.conn, query or "", offset=offset, limit=limit, sort=sort,
                        descending=descending, facets=facets, on=_day(on))

    def search(self, query: str = "", *, limit: int = 50, after: Optional[str] = None, facets: bool = False,
               on=None, bring_checks_current: bool = False, progress=None, cancel=None):
        """(page, records): one keyset page of ``query`` (newest first; ``after`` is the
        previous page's ``next``) with the full records of its photos, as ``search --json``
        prints them.  With ``bring_checks_current``, stale stored checks the query or the
        facets read are judged and stored first (the command line does; the window runs
        that as a job instead)."""
        from archive.records import records
        from archive.store.search import search

        if limit < 1:
            raise UsageError("the page size must be at least 1")
        day = _day(on)
        if bring_checks_current:
            from archive.checking import keep_current_for_query

            keep_current_for_query(self.archive, query, facets=facets, today=day, progress=progress,
                                   cancel=cancel)
        page = search(self.conn, query or "", limit=limit, after=after, facets=facets, today=day)
        return page, records(self.archive, page.photo_ids)

    def facet(self, query: str, kind: str, *, limit: int = 500, on=None) -> list[FacetValue]:
        """Every value of one facet (up to ``limit``, the most frequent first) with its
        exact count in the query's result and its term: what "more…" under a facet's
        top 20 shows."""
        from archive.desk.results import facet_values
        from archive.store.search import facet_counts

        raw = facet_counts(self.conn, query or "", [kind], top=limit, today=_day(on))
        return (facet_values(raw) or {}).get(kind, [])

    def check_query(self, query: str, *, on=None) -> str:
        """Parse a query without running it: its plain-words description, or the
        QueryError (with the column) a search bar shows as the person types."""
        from archive.query import parse_query

        return parse_query(query or "", today=_day(on)).describe()

    def completions(self, limit: int = 200) -> dict[str, list[str]]:
        """Names a search bar completes: photographers, places and agencies of the archive,
        the most frequent first (from the whole archive's facet counts)."""
        res = self.results("", limit=1, facets=True)
        return {kind: [v.name for v in values][:limit] for kind, values in (res.facets or {}).items()}

    def rows(self, photo_ids: Sequence[int], *, on=None) -> list[GridRow]:
        """Grid rows of the photos named, in that order (a selection, an article's photos)."""
        from archive.desk.results import grid_rows

        return grid_rows(self.conn, list(photo_ids), _day(on))

    def checks_state(self, on=None) -> Staleness:
        """Whether the stored checks hold for the publication date (cheap: index probes)."""
        from archive.store import check_state

        day = _day(on).isoformat()
        conn = self.conn
        covered = check_state.covers(check_state.watermark(conn), check_state.epoch(conn), day)
        stale = len(check_state.unchecked_ids(conn)) if covered else -1
        return Staleness(day, stale, covered and stale == 0)

    # ------------------------------------------------------------ one photo

    def resolve(self, ref) -> int:
        from archive.photo_refs import resolve_photo

        return resolve_photo(self.archive, ref)

    def record(self, photo_id: int, *, on=None) -> dict:
        """One photo's record as DESIGN.md prints it, plus ``origins`` (the tag each value
        came from), ``checks_current`` and ``pairs``.  Never writes: when the stored
        check does not hold for ``on`` it is judged again in memory."""
        from archive.store import articles as article_store
        from archive.store import check_state
        from archive.store import licences as store
        from archive.store import photos as photo_store
        from archive.store import writebacks

        day = _day(on)
        conn = self.conn
        record = photo_store.get_record(conn, int(photo_id))
        if record is None:
            raise NotFound(f"no photo with id {photo_id} in the archive")
        embedded_all = record.pop("_embedded_all", {}) or {}
        record.pop("sort_key", None)
        record["origins"] = dict(embedded_all.get("origins") or {})
        record["file_values"] = {k: embedded_all.get(k) for k in editing.EDITABLE if k in embedded_all}
        st = check_state.stored_check(conn, int(photo_id))
        current = (st is not None and st["checked_epoch"] == check_state.epoch(conn) and st["clearance"] is not None
                   and self._holds(int(photo_id), day))
        if current:
            c = st["clearance"]
            record["clearance"] = {"on": day.isoformat(), "status": c.get("status"), "cost": c.get("cost"),
                                   "reasons": list(c.get("reasons") or []), "licence_id": c.get("licence_id")}
            record["licence"] = self._judge._context().licence_dict(c.get("licence_id"), day)
            record["violations"] = [{"rule": r, "severity": s, "message": m, "fix": f, "field": fl}
                                    for r, s, m, f, fl in check_state.stored_violations(conn, [int(photo_id)])
                                    .get(int(photo_id), [])]
        else:
            violations, c = self._judge.judge(int(photo_id), day)
            record["clearance"] = self._judge.clearance_dict(c, day)
            record["licence"] = self._judge.licence_dict(c.licence_id, day)
            record["violations"] = [v.to_dict() for v in violations]
        record["checks_current"] = current
        record["pairs"] = article_store.pairs_of_photo(conn, int(photo_id))
        record["leases"] = store.lease_rows(conn, int(photo_id))
        queued = writebacks.pending(conn, [int(photo_id)])
        # the edited fields its XMP sidecar does not hold yet, and why (None: it holds them all)
        record["writeback"] = ({"fields": queued[0]["fields"], "error": queued[0]["error"]} if queued else None)
        return record

    def _holds(self, photo_id: int, day: _dt.date) -> bool:
        from archive.store import grid

        row = grid.cell_rows(self.conn, [photo_id]).get(photo_id)
        return bool(row and row["clearance_from"] and row["clearance_from"] <= day.isoformat() <= row["clearance_until"])

    def thumbnail(self, photo_id: int) -> Optional[bytes]:
        """The photo's thumbnail JPEG (320 px, orientation applied), None until made."""
        from archive.thumbnails import ThumbnailStore

        if self._thumbs is None:
            self._thumbs = ThumbnailStore(self.archive.thumbs_path)
        return self._thumbs.get(int(photo_id))

    def thumbnails(self, photo_ids: Sequence[int]) -> dict[int, bytes]:
        """Thumbnails of a page of photos (those that have one)."""
        from archive.thumbnails import ThumbnailStore

        if self._thumbs is None:
            self._thumbs = ThumbnailStore(self.archive.thumbs_path)
        return self._thumbs.get_many([int(p) for p in photo_ids])

    # ------------------------------------------------------------ editing

    def edit(self, photo_ids: Iterable[int], changes: dict, *, expected: Optional[dict] = None,
             licence=editing.UNCHANGED, label: str = "edit") -> HistoryEntry:
        """Set fields (and the hand-assigned licence) on one or many photos, as one
        undoable action.  ``expected``: field -> the value the person saw; if any photo
        holds another value now, :class:`EditConflict` and nothing is written."""
        entry = editing.edit(self.conn, photo_ids, changes, expected=expected, licence=licence, label=label)
        return self._written(entry)

    def embed(self, photo_ids: Iterable[int], *, progress=None, cancel=None):
        """Write the photos' working caption, creator, credit and credit line into their
        files (JPEG, PNG, TIFF; the one way Picture Desk changes an original, only on
        request), noting each file's new state so a sync finds nothing changed.
        Returns an :class:`archive.embedding.EmbedReport`: the photos written and those
        not, each with its file and the reason (a job: progress, cancel between files)."""
        from archive.embedding import embed_photos

        return embed_photos(self.archive, photo_ids, progress=progress, cancel=cancel)

    def revert(self, photo_ids: Iterable[int], fields: Sequence[str]) -> HistoryEntry:
        """The fields take the file's own values again."""
        return self._written(editing.revert(self.conn, photo_ids, fields))

    def undo(self, batch: int) -> HistoryEntry:
        return self._written(editing.undo(self.conn, int(batch)))

    def redo(self, batch: int) -> HistoryEntry:
        return self._written(editing.redo(self.conn, int(batch)))

    def _written(self, entry: HistoryEntry) -> HistoryEntry:
        """After an action commits: write its photos' sidecars (and any write an earlier
        process left undone); what could not be written is in ``entry.unwritten``."""
        if self.defer_writes:
            entry.unwritten = []             # queued in the action's transaction; the window's job writes them
            return entry
        from archive.writeback import write_pending

        entry.unwritten = write_pending(self.conn, entry.photo_ids, leftovers=True)
        return entry

    def _pairing_written(self, outcome: tuple) -> tuple:
        result, entry = outcome
        return result, self._written(entry)

    def write_pending(self) -> list:
        """Write every queued sidecar write (leftovers of a crash, a full disk, a missing
        file); returns those that still cannot be written (``Unwritten``: photo id,
        sidecar path, reason)."""
        from archive.writeback import write_pending

        return write_pending(self.conn)

    def pending_writebacks(self) -> list[dict]:
        """Edits the archive holds that are not in the photos' sidecars yet: photo id,
        path, fields, queued at, attempts and the last attempt's error."""
        from archive.writeback import pending

        return pending(self.conn)

    def history(self, photo_id: int, fields: Optional[Sequence[str]] = None, limit: int = 200) -> list[dict]:
        """What changed on a photo, newest first: batch, label, field, before, after, at, who."""
        from archive.store import history

        return history.photo_rows(self.conn, int(photo_id), fields, limit)

    def shared_values(self, photo_ids: Sequence[int], fields: Sequence[str] = editing.EDITABLE) -> dict:
        """For batch editing: field -> the common value, or MULTIPLE."""
        from archive.store import photos as photo_store

        records = [r for r in (photo_store.get_record(self.conn, int(p)) for p in photo_ids) if r]
        return editing.shared_values(records, fields)

    def distinct_values(self, photo_ids: Sequence[int], field: str) -> list:
        from archive.store import photos as photo_store

        records = [r for r in (photo_store.get_record(self.conn, int(p)) for p in photo_ids) if r]
        return editing.distinct_values(records, field)

    def resolve_conflict(self, photo_id: int, field: str, keep: str) -> HistoryEntry:
        """The file changed a field after it was edited here: keep "archive" (the edit) or
        take "file" (the file's new value); either way the disagreement is settled."""
        from archive.store import photos as photo_store

        record = photo_store.get_record(self.conn, int(photo_id))
        if record is None:
            raise NotFound(f"no photo with id {photo_id} in the archive")
        if field not in record["conflicts"]:
            raise UsageError(f"photo {photo_id}: {field} has no disagreement with its file")
        if keep == "file":
            return self._written(editing.revert(self.conn, [int(photo_id)], [field],
                                                label=f"take the file's {field}"))
        if keep == "archive":
            return self._written(editing.edit(self.conn, [int(photo_id)], {field: record.get(field)},
                                              expected={field: record.get(field)},
                                              label=f"keep the edited {field}"))
        raise UsageError('keep "archive" or "file"')

    # ------------------------------------------------------------ checks

    def draft_check(self, photo_id: int, *, caption=None, credit_line=None, changes: Optional[dict] = None,
                    on=None) -> DraftCheck:
        """The rule violations (with the span each fix replaces) and clearance of the
        photo as if its caption / credit line (or ``changes``) were as typed.  Writes nothing."""
        draft = dict(changes or {})
        if caption is not None:
            draft["caption"] = caption
        if credit_line is not None:
            draft["credit_line"] = credit_line
        editing.check_fields(draft)
        return self._judge.draft(int(photo_id), _day(on), draft)

    def rebuilt_credit(self, photo_id: int) -> Optional[str]:
        """The credit line made from the photo's metadata in the profile's pattern."""
        from archive.rules.credit import metadata_credit
        from archive.rules.facts import PhotoFacts

        ctx = self._judge._context()
        record = self._judge._record(int(photo_id))[0]
        return metadata_credit(ctx.profile, PhotoFacts(record, ctx.gaz))

    def bring_checks_current(self, *, on=None, photo_ids=None, profile=None, progress=None, cancel=None,
                             processes=None):
        """Judge and store what is stale for the publication date (a job)."""
        from archive.checking import keep_current

        return keep_current(self.archive, _day(on), photo_ids=photo_ids, profile=profile,
                            processes=processes, progress=progress, cancel=cancel)

    def check(self, photo_ids=None, *, on=None, profile=None, progress=None, cancel=None, processes=None):
        """Check photos (None: every photo) and return their violations (a job)."""
        from archive.checking import check_photos

        return check_photos(self.archive, photo_ids, on=_day(on), profile=profile, processes=processes,
                            progress=progress, cancel=cancel)

    def select(self, *, query=None, photos=(), article=None, on=None, progress=None, cancel=None):
        """The photo ids a query, a list of ids/paths and an article name (None: all)."""
        from archive.checking import select_photos

        return select_photos(self.archive, query=query, photos=photos, article=article, today=on,
                             progress=progress, cancel=cancel)

    @staticmethod
    def profiles() -> list[str]:
        """The house-style profiles that can be chosen (shipped and the newsroom's own)."""
        from archive.rules import list_profiles

        return [name for name, _ in list_profiles()]

    def profile_name(self) -> str:
        from archive.checking import archive_profile

        return archive_profile(self.archive)

    # ------------------------------------------------------------ articles and pairing

    def add_article(self, path=None, *, text: Optional[str] = None, title=None, date=None) -> dict:
        """Add an article from a file (.txt, .md, .html) or from pasted ``text`` (kept as a
        file in the archive's ``articles`` folder); returns it with its captions."""
        from archive.matching import add_article

        if text is not None:
            folder = self.directory / "articles"
            folder.mkdir(exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = folder / f"pasted-{stamp}-{os.getpid()}-{abs(hash(text)) % 10000}.txt"
            path.write_text(text, encoding="utf-8")
        if path is None:
            raise UsageError("an article needs a file or its text")
        return add_article(self.archive, path, title=title, date=date)

    def articles(self) -> list[dict]:
        from archive.matching.articles import list_articles

        return list_articles(self.archive)

    def article(self, article_id) -> dict:
        from archive.matching.articles import article_detail, resolve_article

        return article_detail(self.archive, resolve_article(self.archive, article_id))

    def resolve_article(self, ref) -> int:
        from archive.matching.articles import resolve_article

        return resolve_article(self.archive, ref)

    def remove_article(self, article_id) -> None:
        from archive.matching.articles import remove_article

        remove_article(self.archive, self.resolve_article(article_id))

    def match(self, article_id, *, progress=None, cancel=None):
        """Pair the article's undecided captions with photos (a job); stores proposals."""
        from archive.matching import match_article

        return match_article(self.archive, self.resolve_article(article_id), progress=progress, cancel=cancel)

    def accept(self, article_id, statuses=("auto",)) -> tuple[list[dict], HistoryEntry]:
        """Settle the automatic pairs: each photo takes its caption and credit line; one undoable action."""
        from archive.matching import accept

        aid = self.resolve_article(article_id)
        return self._pairing_written(editing.recorded_pairing(
            self.conn, aid, f"accept the pairs of article {aid}",
            lambda: accept(self.archive, aid, statuses=tuple(statuses))))

    def confirm(self, article_id, caption_index: int, photo_id: Optional[int] = None) -> tuple[dict, HistoryEntry]:
        """A person settles a caption's pair (the proposed photo, or ``photo_id``: a re-pair)."""
        from archive.matching import confirm

        aid = self.resolve_article(article_id)
        label = (f"pair caption {caption_index} with photo {photo_id}" if photo_id
                 else f"confirm caption {caption_index}")
        return self._pairing_written(editing.recorded_pairing(
            self.conn, aid, label, lambda: confirm(self.archive, aid, int(caption_index), photo_id),
            extra_photos=[photo_id] if photo_id else []))

    def repair(self, article_id, caption_index: int, photo_id: int) -> tuple[dict, HistoryEntry]:
        return self.confirm(article_id, caption_index, int(photo_id))

    def reject(self, article_id, caption_index: int) -> tuple[dict, HistoryEntry]:
        from archive.matching import reject

        aid = self.resolve_article(article_id)
        return self._pairing_written(editing.recorded_pairing(
            self.conn, aid, f"reject caption {caption_index}'s photo",
            lambda: reject(self.archive, aid, int(caption_index))))

    def reset(self, article_id, caption_index: int) -> tuple[dict, HistoryEntry]:
        from archive.matching import reset

        aid = self.resolve_article(article_id)
        return self._pairing_written(editing.recorded_pairing(
            self.conn, aid, f"reset caption {caption_index}",
            lambda: reset(self.archive, aid, int(caption_index))))

    # ------------------------------------------------------------ licences and leases

    def licences(self) -> list[dict]:
        from archive.licence_book import list_licences

        return list_licences(self.archive)

    def licence(self, licence_id, *, on=None) -> dict:
        from archive.licence_book import get_licence

        return get_licence(self.archive, licence_id, on=on)

    def add_licence(self, **terms) -> dict:
        from archive.licence_book import add_licence

        return add_licence(self.archive, **terms)

    def update_licence(self, licence_id, **terms) -> dict:
        from archive.licence_book import update_licence

        return update_licence(self.archive, licence_id, **terms)

    def remove_licence(self, licence_id) -> dict:
        from archive.licence_book import remove_licence

        return remove_licence(self.archive, licence_id)

    def licence_photos(self, licence_id, limit: int = 500) -> list[int]:
        """Photos the licence covers (as last checked) or that are assigned to it, newest first."""
        from archive.licence_book import licence_ref
        from archive.store import licences as store

        return store.photos_covered(self.conn, licence_ref(self.archive, licence_id), limit)

    def licence_ref(self, value) -> Optional[int]:
        from archive.licence_book import licence_ref

        return licence_ref(self.archive, value)

    def assign_licence(self, photo_ids: Iterable[int], licence_id) -> HistoryEntry:
        """Assign a licence by hand (None removes it), undoably."""
        lid = self.licence_ref(licence_id) if licence_id is not None else None
        return self._written(editing.edit(self.conn, photo_ids, {}, licence=lid, label="assign a licence"))

    def add_lease(self, photo_id: int, *, allow: bool, valid_from=None, valid_until=None, note=None) -> dict:
        from archive.licence_book import add_lease

        return add_lease(self.archive, int(photo_id), allow=allow, valid_from=valid_from,
                         valid_until=valid_until, note=note)

    def leases(self, photo_id: Optional[int] = None) -> list[dict]:
        from archive.licence_book import list_leases

        return list_leases(self.archive, photo_id)

    def remove_lease(self, lease_id) -> dict:
        from archive.licence_book import remove_lease

        return remove_lease(self.archive, lease_id)

    # ------------------------------------------------------------ jobs

    def import_paths(self, paths, *, thumbnails: bool = True, progress=None, cancel=None, processes=None,
                     content_hashes: Optional[bool] = None):
        """Import: photos are searchable and identified (by fingerprint) when it returns.
        The whole-file content hashes come with the thumbnails; without thumbnails
        (``content_hashes`` None or False) they are left to :meth:`hash_contents`."""
        from archive.sync import import_paths

        unwritten = self.write_pending()    # first, so the scan finds our sidecars as we left them
        report = import_paths(self.archive, paths, thumbnails=thumbnails, progress=progress, cancel=cancel,
                              processes=processes,
                              content_hashes=thumbnails if content_hashes is None else content_hashes)
        report.unwritten = unwritten
        return report

    def background_pending(self) -> bool:
        """Is background work queued that a process about to exit should finish first
        (after an import or a sync of a big archive: preparing it for search)?"""
        from archive.store.bitmaps import pending

        return pending(self.conn)

    def finish_background(self) -> int:
        """Run now what the background keeper would run a moment later: a command
        that exits at once calls this, so the next process opens a prepared archive
        (its first facet counts in milliseconds, not a rebuild).  Returns the tasks run."""
        from archive.store.bitmaps import run_pending

        return run_pending(self.conn)

    def hash_contents(self, *, progress=None, cancel=None, processes=None) -> int:
        """The background job after an import: whole-file content hashes of the photos
        that have only a fingerprint; returns how many were hashed."""
        from archive.sync import hash_contents

        return hash_contents(self.archive, progress=progress, cancel=cancel, processes=processes)

    def sync(self, *, thumbnails: bool = True, progress=None, cancel=None, processes=None):
        from archive.sync import sync_archive

        unwritten = self.write_pending()    # first, so the scan finds our sidecars as we left them
        report = sync_archive(self.archive, thumbnails=thumbnails, progress=progress, cancel=cancel,
                              processes=processes)
        report.unwritten = unwritten
        return report

    def make_thumbnails(self, *, progress=None, cancel=None, processes=None) -> dict:
        from archive.sync import make_missing_thumbnails

        return make_missing_thumbnails(self.archive, progress=progress, cancel=cancel, processes=processes)

    def backup(self, target=None, *, progress=None, cancel=None):
        """A consistent copy of the archive (safe while it is in use); see archive.backup."""
        from archive.backup import backup

        return backup(self.directory, target, progress=progress, cancel=cancel)

    def daily_backup(self, *, keep: int = 7, progress=None, cancel=None):
        """Back up once a day, keeping the newest ``keep`` daily backups (0: off)."""
        from archive.backup import daily_backup

        return daily_backup(self.directory, keep=keep, progress=progress, cancel=cancel)

    def backups(self):
        from archive.backup import listed

        return listed(self.directory)

    def export(self, target, *, format: str, article=None, query: Optional[str] = None, photo_ids=None, on=None,
               paper: str = "a4", include_uncleared: bool = False, force: bool = False, renderers=None,
               progress=None, cancel=None):
        """Write the caption sheet of an article, a query or photo ids to ``target`` (a job).
        ``format``: pdf, html, csv, json; a PDF needs ``renderers={"pdf": ...}`` from the
        front end (Qt draws it).  Returns an :class:`archive.export.ExportResult`."""
        from archive.export import export_sheet

        return export_sheet(self, target, format=format, on=_day(on), article=article, query=query,
                            photo_ids=photo_ids, paper=paper, include_uncleared=include_uncleared, force=force,
                            renderers=renderers, progress=progress, cancel=cancel)


def open_desk(directory=None, *, create: bool = True) -> Desk:
    return Desk.open(directory, create=create)
