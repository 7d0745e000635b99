"""Keeping folders and the archive in sync: import and sync.

Stages, each resumable:

1. scan: walk the folders, stat every photo (a file whose size, mtime, inode
   and sidecar mtime match the archive is skipped: not read, not hashed);
2. read: metadata from the file's head on every core, written in batched
   transactions, so photos are searchable as soon as their metadata is in;
   files that might be moves (same size as a photo that vanished) are hashed
   here so a move keeps its id, edits and links;
3. missing: photos whose file is gone are marked missing, never deleted;
4. hash: the content hash of every photo that has none yet;
5. thumbnails (optional), after the metadata.

An interrupted import (Ctrl-C, kill -9, power cut) leaves every committed
batch whole, and the next run carries on from the files not yet in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from archive.errors import PictureDeskError, UsageError
from archive.jobs import check_cancel, no_progress
from archive.scan import NOT_UTF8, ScanResult, scan_folder, shown, stat_file, storable
from archive.store import photos as store
from archive.store.db import Batches, rollback, transaction
from archive.store.bitmaps import prune_changes

BATCH = 500            # rows per write transaction
CHUNK = 32             # files per task sent to a worker
POOL_THRESHOLD = 48    # below this many files, work in-process
FILE_LIMIT_S = 60.0    # a reader that takes longer over one file is stopped and the file reported


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    moved: int = 0
    missing: int = 0
    unchanged: int = 0
    hashed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[tuple[int, str, str]] = field(default_factory=list)  # (id, path, field)
    thumbnails: dict | None = None
    # files in the folders that are not photos we read, by extension ("RW2": 4,
    # "no extension": 1); sidecars and hidden files are not counted
    skipped: dict[str, int] = field(default_factory=dict)
    # what is wrong with a file that was still added, (path, message): what the
    # reader found (a damaged IFD, a bad CRC, data cut short), a thumbnail that could
    # not be made ("thumbnail: ..."), what the decoders said while making it (Pillow's
    # warnings, libtiff's messages).  Each photo keeps its own in ``warnings`` too.
    warnings: list[tuple[str, str]] = field(default_factory=list)
    # edits saved in the archive whose sidecar still cannot be written (archive.writeback.Unwritten)
    unwritten: list = field(default_factory=list)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def to_dict(self) -> dict:
        by_type = dict(sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0])))
        return {"added": self.added, "updated": self.updated, "moved": self.moved,
                "missing": self.missing, "unchanged": self.unchanged, "hashed": self.hashed,
                "failed": [{"path": p, "reason": r} for p, r in self.failed],
                "skipped": {"total": self.skipped_total, "by_type": by_type},
                "warnings": [{"path": p, "message": m} for p, m in self.warnings],
                "conflicts": [{"id": i, "path": p, "field": f} for i, p, f in self.conflicts],
                "unwritten": [{"photo_id": u.photo_id, "path": u.path, "reason": u.reason}
                              for u in self.unwritten],
                "thumbnails": self.thumbnails}


# -- worker side -------------------------------------------------------------

def _read_file(item: tuple[str, bool]):
    """(path, meta, derived, (fingerprint, content hash or None), error) of one file.
    The whole file is hashed only when asked (a changed file, a possible move)."""
    path, want_hash = item
    from archive.derive import derive
    from archive.hashing import content_hash, fingerprint
    from archive.metadata import read_metadata

    try:
        meta = read_metadata(path).to_dict()
        damage = next((w for w in meta.get("warnings", ()) if "truncated" in w), None)
        if not meta.get("width") and damage:
            # not even a pixel size: nothing of the picture can be shown; the reader's
            # own words say what is wrong
            return path, None, None, None, f"no image data: {damage}"
        record = dict(meta)
        record["gps"] = ({"lat": meta["gps_lat"], "lon": meta["gps_lon"], "alt": meta["gps_alt"]}
                         if meta.get("gps_lat") is not None else None)
        derived = derive(record)
        fp, digest = fingerprint(path)
        if want_hash and digest is None:
            digest = content_hash(path)
        return path, meta, derived, (fp, digest), None
    except PictureDeskError as exc:
        return path, None, None, None, getattr(exc, "reason", str(exc))
    except OSError as exc:
        return path, None, None, None, f"cannot read file: {exc.strerror or exc}"
    except Exception as exc:  # a reader bug must not stop the import: report it
        return path, None, None, None, f"unexpected error reading the file: {type(exc).__name__}: {exc}"


def _read_chunk(items):
    return [_read_file(item) for item in items]


def _read_failed(item, reason: str):
    """_read_file's answer for a file whose reader crashed or hung (see workers.map_guarded)."""
    return item[0], None, None, None, reason


def _hash_chunk(items):
    from archive.hashing import content_hash

    out = []
    for photo_id, path in items:
        try:
            out.append((photo_id, content_hash(path), None))
        except OSError as exc:
            out.append((photo_id, None, f"{path}: cannot read file: {exc.strerror or exc}"))
    return out


def _hash_failed(item, reason: str):
    photo_id, path = item
    return photo_id, None, f"{path}: {reason}"


def _chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


def _run_parallel(fn, items, processes, isolate=None, apart: bool = False):
    """Yield fn's results for chunks of items: on the shared worker pool
    (archive/workers.py) when it pays, else in this process.  ``isolate(item,
    reason)`` answers for a file whose reader crashed its worker or ran past
    FILE_LIMIT_S: that file fails with the reason, the others are read.  ``apart``
    (the window's archive): on the pool only, never in this process."""
    chunks = _chunks(items, CHUNK)
    if not apart and (processes == 1 or len(items) < POOL_THRESHOLD):
        for chunk in chunks:
            yield fn(chunk)
        return
    from contextlib import closing

    from archive import workers

    # Unless ``apart``, the parent reads a chunk itself whenever it has nothing to
    # write: the first photos go in while the workers start, and its core is never idle.
    with closing(workers.run(fn, chunks, processes=processes, local=not apart, isolate=isolate,
                             limit_s=FILE_LIMIT_S)) as results:
        yield from results


# -- parent side -------------------------------------------------------------



def import_paths(archive, paths, *, thumbnails: bool = True, progress=None, cancel=None,
                 processes: int | None = None, content_hashes: bool = True) -> SyncReport:
    """Add or refresh the photos at ``paths`` (files or folders, recursive).

    New photos are identified by their fingerprint (archive/hashing.py); with
    ``content_hashes`` (or ``thumbnails``) the whole-file content hashes follow
    as a last phase, else they are left to :func:`hash_contents` (a later job),
    the next sync, or the thumbnails."""
    resolved = []
    for p in paths:
        absolute = os.path.abspath(os.fspath(p))
        if not os.path.exists(absolute):
            raise UsageError(f"{shown(os.fspath(p))}: no such file or folder")
        if not storable(absolute):
            raise UsageError(f"{shown(absolute)}: {NOT_UTF8}")
        resolved.append(absolute)
    folder_roots = [p for p in resolved if os.path.isdir(p)]
    single_files = [p for p in resolved if not os.path.isdir(p)]
    conn = archive.conn
    with transaction(conn):
        for root in folder_roots:
            store.folder_id(conn, root, create=True)
    return _sync(archive, folder_roots, single_files, full=False, thumbnails=thumbnails,
                 progress=progress, cancel=cancel, processes=processes,
                 content_hashes=content_hashes or thumbnails)


def sync_archive(archive, *, thumbnails: bool = True, progress=None, cancel=None,
                 processes: int | None = None) -> SyncReport:
    """Rescan every known folder and file: new, changed, moved, missing."""
    roots = store.folders(archive.conn)
    return _sync(archive, roots, [], full=True, thumbnails=thumbnails, progress=progress,
                 cancel=cancel, processes=processes, content_hashes=True)


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _sync(archive, roots, single_files, *, full, thumbnails, progress, cancel, processes, content_hashes):
    from archive.job_lock import one_job_at_a_time

    with one_job_at_a_time(archive.directory, progress=progress, cancel=cancel):
        return _sync_now(archive, roots, single_files, full=full, thumbnails=thumbnails, progress=progress,
                         cancel=cancel, processes=processes, content_hashes=content_hashes)


def _sync_now(archive, roots, single_files, *, full, thumbnails, progress, cancel, processes, content_hashes):
    progress = progress or no_progress
    conn = archive.conn
    report = SyncReport()

    progress(0, None, "scanning folders")
    scan = ScanResult()
    for root in roots:
        if os.path.isdir(root):
            scan_folder(root, scan, cancel)
        else:
            scan.failed.append((root, "folder is gone or cannot be reached"))
    for path in single_files:
        try:
            scan.files[path] = stat_file(path)
        except OSError as exc:
            scan.failed.append((path, f"cannot read file: {exc.strerror or exc}"))
    check_cancel(cancel)
    report.failed.extend(scan.failed)
    report.skipped = dict(scan.skipped_types)
    unreachable_roots = [p for p, _ in scan.failed if p in roots]

    known = {row[1]: row for row in store.file_states(conn)}
    by_folder = {}
    for root in roots:
        by_folder[root] = store.folder_id(conn, root, create=False)

    # What vanished: known photos in the scanned scope that the scan did not see.
    vanished = {}
    for path, row in known.items():
        if path in scan.files:
            continue
        in_scope = (_under(path, roots) and not _under(path, unreachable_roots)) or path in single_files
        if full and not in_scope and not _under(path, roots):
            # A photo imported as a single file: still there?
            in_scope = not os.path.exists(path)
        if in_scope:
            vanished[path] = row
    vanished_sizes = {}
    for path, row in vanished.items():
        vanished_sizes.setdefault(row[2], []).append(row)
    # Photos already marked missing may turn up again at a new path.
    for row in known.values():
        if row[7] and row[1] not in vanished:
            vanished_sizes.setdefault(row[2], []).append(row)

    to_read = []
    for path, state in scan.files.items():
        row = known.get(path)
        if row is not None and tuple(row[2:6]) == state and not row[7]:
            report.unchanged += 1
            continue
        might_move = row is None and state[0] in vanished_sizes
        to_read.append((path, might_move or row is not None))
    to_read.sort()
    apart = archive.readers_apart
    if to_read and (apart or (processes != 1 and len(to_read) >= POOL_THRESHOLD)):
        from archive import workers

        workers.start(processes)    # in the background, while this process goes on

    def folder_for(path):
        best = None
        for root, fid in by_folder.items():
            if _under(path, [root]) and (best is None or len(root) > len(best[0])):
                best = (root, fid)
        return best[1] if best else None

    from archive.derive import derive

    moved_ids = set()
    batch = Batches(conn, BATCH)
    total = len(to_read)
    done = 0
    progress(0, total, "reading metadata")
    try:
        for results in _run_parallel(_read_chunk, to_read, processes, _read_failed, apart):
            for path, meta, derived, ids, error in results:
                done += 1
                if error is not None:
                    report.failed.append((path, error))
                    continue
                fp, digest = ids
                state = scan.files[path]
                batch.begin_if_needed()
                row = known.get(path)
                if row is None and state[0] in vanished_sizes:
                    twin = next((r for r in vanished_sizes[state[0]]
                                 if r[0] not in moved_ids and _same_content(r, fp, digest)), None)
                    if twin is not None:
                        store.move_photo(conn, twin[0], path=path, folder_id=folder_for(path), stat=state)
                        moved_ids.add(twin[0])
                        report.moved += 1
                        batch.done_one()
                        continue
                if row is None:
                    store.insert_photo(conn, path=path, folder_id=folder_for(path), stat=state,
                                       meta=meta, derived=derived, content_hash=digest, fingerprint=fp)
                    report.added += 1
                else:
                    conflicts = store.refresh_photo(conn, row[0], stat=state, meta=meta,
                                                    derive_fn=derive, content_hash=digest, fingerprint=fp)
                    report.conflicts.extend((row[0], path, f) for f in conflicts)
                    report.updated += 1
                report.warnings.extend((path, message) for message in meta.get("warnings") or ())
                batch.done_one()
            batch.commit()
            progress(done, total, "reading metadata")
            check_cancel(cancel)
        batch.commit()

        gone = [row[0] for path, row in vanished.items() if row[0] not in moved_ids and not row[7]]
        if gone:
            with transaction(conn):
                store.mark_missing(conn, gone)
        report.missing = len(gone)

        if content_hashes:
            report.hashed = _hash_pending(archive, progress, cancel, processes)
        with transaction(conn):
            prune_changes(conn)
    except BaseException as exc:
        batch.rollback()
        _raise_for_storage(archive, exc)
        raise

    if thumbnails:
        report.thumbnails = make_missing_thumbnails(archive, progress=progress, cancel=cancel,
                                                    processes=processes)
        report.warnings.extend((f["path"], THUMBNAIL_FAILED + f["reason"])
                               for f in report.thumbnails.get("failed", ()))
        report.warnings.extend((w["path"], w["message"])
                               for w in report.thumbnails.get("file_warnings", ()))
    return report


def _same_content(row, fp, digest) -> bool:
    """Is a vanished photo (a file_states row) the file just read, moved?  Same size
    (the caller's index) and the same whole-content hash when both are known; when
    the vanished photo was never hashed, the same fingerprint."""
    old_digest, old_fp = row[6], row[8] if len(row) > 8 else None
    if old_digest is not None and digest is not None:
        return old_digest == digest
    return old_fp is not None and old_fp == fp


def hash_contents(archive, *, progress=None, cancel=None, processes: int | None = None) -> int:
    """The whole-file content hash of every present photo that has none yet (those an
    import identified by fingerprint only); returns how many were hashed.  A job of
    its own, for the window to run after an import; sync and thumbnails run it too.
    Cancelling keeps what was written."""
    progress = progress or no_progress
    try:
        return _hash_pending(archive, progress, cancel, processes)
    except BaseException as exc:
        rollback(archive.conn)
        _raise_for_storage(archive, exc)
        raise


def _hash_pending(archive, progress, cancel, processes) -> int:
    conn = archive.conn
    pending = store.unhashed(conn)
    if not pending:
        return 0
    progress(0, len(pending), "hashing")
    done = hashed = 0
    batch = Batches(conn, BATCH)
    for results in _run_parallel(_hash_chunk, pending, processes, _hash_failed, archive.readers_apart):
        good = [(i, h) for i, h, err in results if err is None]
        if good:
            batch.begin_if_needed()
            store.set_content_hashes(conn, good)
            hashed += len(good)
            batch.pending += len(good)
            if batch.pending >= BATCH:
                batch.commit()
        done += len(results)
        progress(done, len(pending), "hashing")
        if cancel is not None and cancel.is_set():
            batch.commit()
            check_cancel(cancel)
    batch.commit()
    return hashed


def _raise_for_storage(archive, exc: BaseException) -> None:
    """A full or read-only disk is the archive's problem, said in words, not a traceback."""
    import sqlean

    from archive.errors import ArchiveError
    from archive.store.db import _sqlite_reason

    if isinstance(exc, sqlean.OperationalError):
        raise ArchiveError(f"{archive.path}: {_sqlite_reason(exc)}; the batch being written was undone, "
                           "everything before it is kept; free space and run the import again") from None


THUMBNAIL_FAILED = "thumbnail: "     # before the reason, in the report and on the photo


def make_missing_thumbnails(archive, *, progress=None, cancel=None, processes=None) -> dict:
    """Thumbnails for every present photo that has none for its current content.

    What went wrong with a photo's thumbnail (it could not be made, the decoder
    complained) goes on the photo as warnings, so ``show`` lists it and
    ``has:warnings`` finds it, not only into this run's report."""
    from archive.jobs import Cancelled
    from archive.thumbnails import make_thumbnails

    items = store.thumbnail_items(archive.conn)
    result = None
    try:
        result = make_thumbnails(str(archive.thumbs_path), items, processes=processes,
                                 progress=progress, cancel=cancel)
    except Cancelled as exc:
        result = getattr(exc, "report", None)       # what was done before the cancel
        raise
    finally:
        _record_thumbnails(archive, items)
        if result is not None:
            _record_thumbnail_warnings(archive, result)
    return result.to_dict() if hasattr(result, "to_dict") else dict(vars(result))


def _record_thumbnail_warnings(archive, result) -> None:
    """Each photo this run worked on gets its thumbnail warnings (none: cleared)."""
    found: dict[int, list[str]] = {pid: [] for pid in getattr(result, "made_ids", ())}
    for failure in result.failed:
        found.setdefault(failure.photo_id, []).append(THUMBNAIL_FAILED + failure.reason)
    for said in result.file_warnings:
        found.setdefault(said.photo_id, []).append(said.message)
    if found:
        with transaction(archive.conn):
            store.set_later_warnings(archive.conn, found)


def _record_thumbnails(archive, items) -> None:
    """Note on each photo which content its thumbnail shows, for has:thumbnail."""
    from archive.thumbnails import ThumbnailStore

    with ThumbnailStore(str(archive.thumbs_path)) as thumbs:
        absent = set(thumbs.missing([(pid, digest) for pid, _path, digest, _o in items]))
    made = [(digest, pid) for pid, _path, digest, _o in items if pid not in absent]
    with transaction(archive.conn):
        store.set_thumb_hashes(archive.conn, made)
