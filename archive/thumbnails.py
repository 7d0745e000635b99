"""Thumbnails: making them fast, and keeping them in thumbs.db.

A thumbnail is a JPEG 320 px on its long edge with the EXIF orientation
already applied, so the window can show it as it is.  Making one is all about
not decoding the photo: a camera's embedded preview (see
:mod:`archive.previews`) that is big enough is a few hundred kilobytes to
decode instead of megabytes; failing that, libjpeg's DCT scaling (Pillow's
``draft``) decodes a JPEG straight at 1/2, 1/4 or 1/8 size.  Other formats go
through Pillow (PNG, WebP, TIFF) or pi-heif (HEIC); raws only through their
previews, since we ship no raw developer.

thumbs.db is a disposable cache beside archive.db: keyed by photo id and
tagged with the content hash it was made from, so a changed file gets a new
thumbnail and an interrupted run carries on where it stopped.  If it is
damaged it is set aside and started again empty, never an error.

:func:`make_thumbnails` spreads the work over every core in worker processes
(decoding is CPU-bound and holds the GIL); workers return JPEG bytes and only
the parent writes the database, in batched transactions.
"""

from __future__ import annotations

import io
import os
import sqlite3
import threading
import time
import warnings
from collections import deque
from contextlib import closing
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from PIL import Image, ImageCms

from archive import previews as _previews
from archive.errors import ArchiveError, UnreadableFile
from archive.jobs import CancelFlag, Cancelled, Progress, no_progress

THUMBNAIL_SIZE = 320
JPEG_QUALITY = 85
# A preview whose width/height ratio differs more than this from the photo's
# is not the same picture: typically a 160x120 IFD1 thumbnail letterboxed
# with black bars for a 3:2 photo, or a stale preview of an uncropped image.
ASPECT_TOLERANCE = 0.02
BATCH_ROWS = 200
SCHEMA_VERSION = 1

# What Pillow may open.  Not EPS/PDF (they run Ghostscript on the file) nor
# the many exotic formats nobody sends a picture desk.
# (JPEG covers MPO; HEIF is there once pi-heif is registered.)
PILLOW_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "GIF", "BMP", "PSD", "HEIF", "AVIF", "JPEG2000")

RAW_EXTENSIONS = frozenset(
    ".3fr .ari .arw .cr2 .cr3 .crw .dcr .dng .erf .fff .iiq .k25 .kdc .mef .mos .mrw .nef .nrw "
    ".orf .pef .raf .raw .rw2 .rwl .sr2 .srf .srw .x3f".split()
)

# EXIF orientation -> the transpose that shows the picture upright (EXIF 2.3, tag 0x0112).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class Thumbnail:
    jpeg: bytes
    width: int
    height: int
    source: str  # "preview:<where>" or "decoded"


def make_thumbnail(path, orientation: int | None, size: int = THUMBNAIL_SIZE) -> bytes:
    """JPEG bytes of the photo's thumbnail, ``size`` px on the long edge, upright.

    ``orientation`` is the EXIF orientation (1..8); None reads it from the file.
    Raises UnreadableFile when the file cannot be shown.
    """
    return render_thumbnail(path, orientation, size).jpeg


def render_thumbnail(path, orientation: int | None = None, size: int = THUMBNAIL_SIZE) -> Thumbnail:
    """Like :func:`make_thumbnail`, also saying the size and where the pixels came from.

    In order: the smallest embedded preview that is big enough and has the
    picture's shape; else the picture itself, decoded (never for raws: we
    have no raw developer); else, for raws, whatever preview there is.
    """
    path = Path(path)
    try:
        fp = open(path, "rb")
    except OSError as exc:
        raise UnreadableFile(path, f"cannot open the file: {exc.strerror or exc}") from None
    with fp:
        scan = _previews.scan_file(fp)
        raw = scan.raw or path.suffix.lower() in RAW_EXTENSIONS
        if scan.format == "heif":
            # libheif applies the container's rotation and mirroring (irot/imir)
            # while decoding; by the HEIF spec these win over EXIF orientation.
            orientation = 1
        elif orientation is None:
            orientation = scan.orientation
        reference = _reference_aspect(scan, raw)

        def fits(p: _previews.Preview) -> bool:
            return reference is None or abs(p.aspect / reference - 1) <= ASPECT_TOLERANCE

        # The smallest that is big enough: it decodes fastest, and at 320 px a
        # larger one would look no different.
        good = sorted((p for p in scan.previews if p.long_edge >= size and fits(p)),
                      key=lambda p: p.width * p.height)
        thumb = _from_previews(fp, good, orientation, size)
        if thumb is not None:
            return thumb
        if not raw:
            return _decoded(fp, path, scan, orientation, size)
        # Nothing else works: a raw with only small previews or ones with black
        # bars (a 160x120 thumbnail of a 3:2 frame).  Rather small than nothing,
        # with the bars cut off.
        rest = sorted((p for p in scan.previews if p not in good),
                      key=lambda p: (fits(p), p.width * p.height), reverse=True)
        thumb = _from_previews(fp, rest, orientation, size, crop_to=reference)
        if thumb is not None:
            return thumb
        raise UnreadableFile(path, "a raw file without a usable embedded JPEG preview "
                                   "(raws are shown only through their previews)")


def _from_previews(fp, candidates, orientation, size, crop_to: float | None = None) -> Thumbnail | None:
    """The thumbnail from the first candidate preview that decodes."""
    for preview in candidates:
        fp.seek(preview.offset)
        try:
            image = Image.open(io.BytesIO(fp.read(preview.length)), formats=["JPEG"])
        except (OSError, SyntaxError, ValueError):
            continue
        if crop_to is not None and abs(preview.aspect / crop_to - 1) > ASPECT_TOLERANCE:
            image = _crop_to_aspect(image, crop_to)
        done = _finish(image, orientation, size)
        if done is not None:
            return Thumbnail(*done, source=f"preview:{preview.source}")
    return None


def _decoded(fp, path: Path, scan: _previews.PreviewScan, orientation, size) -> Thumbnail:
    """The thumbnail decoded from the picture itself (JPEG scaled while decoding)."""
    try:
        fp.seek(0)
        image = _open_image(fp, scan)
        if orientation is None:
            orientation = _pillow_orientation(image)   # PNG, WebP: EXIF that Pillow finds
        return Thumbnail(*_finish(image, orientation, size, strict=True), source="decoded")
    except Image.DecompressionBombError:
        raise UnreadableFile(path, "image too large to decode safely") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise UnreadableFile(path, _reason(exc, scan)) from None


def _reference_aspect(scan: _previews.PreviewScan, raw: bool) -> float | None:
    """The photo's width/height, to judge previews against.

    For raws the container rarely states the developed size cheaply, but the
    largest preview is the camera's own rendering of the whole frame.
    """
    if scan.width and scan.height and not raw:
        return scan.width / scan.height
    if scan.previews:
        return scan.previews[0].aspect
    return None


_heif_ready = False


def _open_image(fp, scan: _previews.PreviewScan) -> Image.Image:
    global _heif_ready
    if scan.format == "heif" and not _heif_ready:
        import pi_heif

        pi_heif.register_heif_opener()
        _heif_ready = True
    with warnings.catch_warnings():
        # Big panoramas trip Pillow's bomb warning; draft decoding keeps them
        # small, and beyond Image.MAX_IMAGE_PIXELS Pillow raises anyway.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        Image.init()
        image = Image.open(fp, formats=[f for f in PILLOW_FORMATS if f in Image.OPEN])
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # multi-page TIFF, animated WebP: the first picture
    return image


def _pillow_orientation(image: Image.Image) -> int | None:
    try:
        value = image.getexif().get(0x0112)
    except Exception:  # a damaged EXIF block must not cost the thumbnail
        return None
    return value if isinstance(value, int) else None


def _reason(exc: BaseException, scan: _previews.PreviewScan) -> str:
    text = str(exc) or type(exc).__name__
    if "truncated" in text:
        return f"damaged or truncated image data ({text})"
    if isinstance(exc, MemoryError):
        return "not enough memory to decode the image"
    if scan.format == "unknown" and "cannot identify" in text:
        return "not an image format Picture Desk can read"
    return f"cannot decode the image: {text}"


def _finish(image: Image.Image, orientation: int | None, size: int,
            strict: bool = False) -> tuple[bytes, int, int] | None:
    """Decode (scaled down while decoding when the format allows), resize, colour, turn, encode.

    Returns None when a preview fails to decode; with ``strict`` the error is
    raised for the caller to report.
    """
    try:
        w, h = image.size
        scale = min(1.0, size / max(w, h))
        target = (max(1, round(w * scale)), max(1, round(h * scale)))
        image.draft("RGB", target)  # JPEG: DCT scaling to >= target; others: no-op
        image.load()
        icc = image.info.get("icc_profile")
        if image.mode not in ("RGB", "L", "CMYK"):
            image = _flatten(image)
        # After DCT scaling at most a 2x reduction is left.  Hamming costs what
        # bilinear does (2/3 of bicubic, a fifth of a preview's whole budget)
        # and at 320 px looks like bicubic.
        image.thumbnail((size, size), Image.Resampling.HAMMING, reducing_gap=2.0)
        if icc:
            image = _to_srgb(image, icc)
        if image.mode == "CMYK":
            image = image.convert("RGB")
        turn = _TRANSPOSE.get(orientation or 1)
        if turn is not None:
            image = image.transpose(turn)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=JPEG_QUALITY)
        return out.getvalue(), image.width, image.height
    except (OSError, SyntaxError, ValueError, EOFError):
        if strict:
            raise
        return None


def _flatten(image: Image.Image) -> Image.Image:
    """8-bit RGB or greyscale from palette, alpha, 16-bit and float pictures."""
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
            image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))  # transparency shown on white
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image.mode.startswith("I;16"):      # 16-bit greyscale scans: keep the top 8 bits
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if image.mode in ("I", "F", "1"):
        return image.convert("L")
    return image.convert("RGB")


_srgb_transforms: dict[tuple[bytes, str], object] = {}


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """Colours converted from the picture's embedded profile (Display P3, Adobe RGB, CMYK) to sRGB.

    Applied to the small thumbnail; each profile's transform is made once per
    process.  A profile littleCMS cannot use leaves the pixels as they are.
    """
    if image.mode not in ("RGB", "CMYK"):
        return image
    key = (icc, image.mode)
    transform = _srgb_transforms.get(key)
    if transform is None:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode == "RGB" and "srgb" in ImageCms.getProfileDescription(source).lower():
                transform = False  # already sRGB: nothing to do
            else:
                # NOCACHE: littleCMS transforms with a cache are not safe across threads
                transform = ImageCms.buildTransform(source, ImageCms.createProfile("sRGB"), image.mode, "RGB",
                                                    flags=ImageCms.Flags.NOCACHE)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            transform = False
        if len(_srgb_transforms) < 64:
            _srgb_transforms[key] = transform
    if transform is False:
        return image
    try:
        return ImageCms.applyTransform(image, transform)
    except (ImageCms.PyCMSError, ValueError):
        return image


def _crop_to_aspect(image: Image.Image, aspect: float) -> Image.Image:
    """The centre of a letterboxed preview that has the picture's shape (bars cut off)."""
    w, h = image.size
    if w / h > aspect:
        new_w = max(1, round(h * aspect))
        box = ((w - new_w) // 2, 0, (w - new_w) // 2 + new_w, h)
    else:
        new_h = max(1, round(w / aspect))
        box = (0, (h - new_h) // 2, w, (h - new_h) // 2 + new_h)
    image.load()
    return image.crop(box)


# --- thumbs.db --------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS thumbs (
    photo_id INTEGER PRIMARY KEY,
    content_hash TEXT,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    jpeg BLOB NOT NULL
)
"""
_COLUMNS = ["photo_id", "content_hash", "width", "height", "jpeg"]
_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


class ThumbnailStore:
    """The thumbs.db cache: one JPEG per photo id, tagged with its content hash.

    Safe to share between threads (one connection behind a lock); other
    processes may read it at the same time (WAL).  ``rebuilt`` is True and
    ``warnings`` says why when a damaged file was set aside and a new empty
    cache started.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.rebuilt = False
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        try:
            self._connect()
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc) and not isinstance(exc, _Incompatible):
                raise ArchiveError(f"{self.path}: cannot open the thumbnail cache: {exc}") from None
            self._rebuild(exc)

    # -- opening and rebuilding

    def _connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            columns = [row[1] for row in conn.execute("PRAGMA table_info(thumbs)")]
            if columns and (columns != _COLUMNS or version != SCHEMA_VERSION):
                raise _Incompatible(f"unexpected layout (version {version}, columns {columns})")
            if not columns:
                conn.execute(_SCHEMA)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def _rebuild(self, exc: BaseException) -> None:
        """Set the damaged file aside (thumbs.db.damaged) and start an empty cache."""
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
            self._conn = None
        aside = self.path.with_name(self.path.name + ".damaged")
        try:
            for suffix in ("-wal", "-shm", "-journal"):
                if os.path.exists(str(self.path) + suffix):
                    os.remove(str(self.path) + suffix)
            if self.path.exists():
                os.replace(self.path, aside)
            self._connect()
        except (OSError, sqlite3.Error) as again:
            raise ArchiveError(f"{self.path}: the thumbnail cache is damaged ({exc}) and cannot be "
                               f"started again: {again}") from None
        self.rebuilt = True
        self.warnings.append(
            f"{self.path}: the thumbnail cache was damaged ({exc}); it was set aside as "
            f"{aside.name} and an empty one started, so thumbnails will be made again")

    def _run(self, work, on_damage):
        """Run work(conn) under the lock; a damaged database is rebuilt and on_damage() returned."""
        with self._lock:
            if self._conn is None:
                raise ArchiveError(f"{self.path}: the thumbnail cache is closed")
            try:
                return work(self._conn)
            except sqlite3.Error as exc:
                try:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if not (isinstance(exc, sqlite3.DatabaseError) and _is_damage(exc)):
                    raise ArchiveError(f"{self.path}: thumbnail cache error: {exc}") from None
                self._rebuild(exc)
                return on_damage()

    # -- reading

    def get(self, photo_id: int) -> bytes | None:
        row = self._run(lambda c: c.execute("SELECT jpeg FROM thumbs WHERE photo_id = ?",
                                            (photo_id,)).fetchone(), lambda: None)
        return row[0] if row else None

    def get_many(self, photo_ids: Iterable[int]) -> dict[int, bytes]:
        """JPEGs of those ids that have one (a page of the grid at a time)."""
        out: dict[int, bytes] = {}
        for chunk in _chunks(list(photo_ids), 500):
            marks = ",".join("?" * len(chunk))
            rows = self._run(lambda c: c.execute(
                f"SELECT photo_id, jpeg FROM thumbs WHERE photo_id IN ({marks})", chunk).fetchall(),
                lambda: [])
            out.update(rows)
        return out

    def has(self, photo_id: int, content_hash: str | None) -> bool:
        """True when the stored thumbnail was made from this content (None matches None)."""
        row = self._run(lambda c: c.execute(
            "SELECT 1 FROM thumbs WHERE photo_id = ? AND content_hash IS ?",
            (photo_id, content_hash)).fetchone(), lambda: None)
        return row is not None

    def missing(self, ids_with_hashes: Iterable[tuple[int, str | None]]) -> list[int]:
        """The ids, in the order given, with no thumbnail or one made from other content."""
        wanted = list(ids_with_hashes)
        have: dict[int, str | None] = {}
        for chunk in _chunks(wanted, 500):
            ids = [pid for pid, _ in chunk]
            marks = ",".join("?" * len(ids))
            rows = self._run(lambda c: c.execute(
                f"SELECT photo_id, content_hash FROM thumbs WHERE photo_id IN ({marks})", ids).fetchall(),
                lambda: [])
            have.update(rows)
        return [pid for pid, digest in wanted if pid not in have or have[pid] != digest]

    def count(self) -> int:
        return self._run(lambda c: c.execute("SELECT count(*) FROM thumbs").fetchone()[0], lambda: 0)

    # -- writing

    def put_many(self, rows: Iterable[tuple[int, str | None, int, int, bytes]]) -> int:
        """Store (photo_id, content_hash, width, height, jpeg) rows in one transaction."""
        rows = list(rows)
        if not rows:
            return 0

        def write(c: sqlite3.Connection) -> int:
            c.execute("BEGIN IMMEDIATE")
            c.executemany("INSERT OR REPLACE INTO thumbs VALUES (?, ?, ?, ?, ?)", rows)
            c.execute("COMMIT")  # on an error _run rolls back
            return len(rows)

        # After a rebuild the fresh database takes the rows: nothing is lost.
        return self._run(write, lambda: self._run(write, lambda: 0))

    def rehash(self, photo_id: int, old: str | None, new: str | None) -> None:
        """The photo's file changed but not its picture (caption written into it,
        archive/embedding.py): its thumbnail, made from ``old``, stands for ``new``."""
        def write(c: sqlite3.Connection) -> None:
            c.execute("UPDATE thumbs SET content_hash = ? WHERE photo_id = ? AND content_hash IS ?",
                      (new, photo_id, old))

        self._run(write, lambda: None)

    def discard(self, photo_ids: Iterable[int]) -> None:
        """Forget the thumbnails of photos no longer in the archive."""
        for chunk in _chunks(list(photo_ids), 500):
            marks = ",".join("?" * len(chunk))
            self._run(lambda c: c.execute(f"DELETE FROM thumbs WHERE photo_id IN ({marks})", chunk),
                      lambda: None)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> "ThumbnailStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Incompatible(sqlite3.DatabaseError):
    """thumbs.db from another schema: as disposable as a damaged one."""


def _chunks(seq: Sequence, n: int) -> Iterator[list]:
    for i in range(0, len(seq), n):
        yield list(seq[i:i + n])


# --- many thumbnails --------------------------------------------------------

Item = tuple[int, str, "str | None", "int | None"]  # photo_id, path, content_hash, orientation


@dataclass
class ThumbnailFailure:
    photo_id: int
    path: str
    reason: str


@dataclass
class ThumbnailWarning:
    """Something a decoder said about one file (a Pillow warning, a libtiff message)."""

    photo_id: int
    path: str
    message: str


@dataclass
class ThumbnailReport:
    """What a run did.  ``cache_rebuilt``/``warnings``: thumbs.db was damaged and started anew.
    ``file_warnings``: what the decoders said about single files, caught instead of printed."""

    total: int = 0
    made: int = 0
    skipped: int = 0
    failed: list[ThumbnailFailure] = field(default_factory=list)
    cache_rebuilt: bool = False
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    file_warnings: list[ThumbnailWarning] = field(default_factory=list)
    made_ids: list[int] = field(default_factory=list)     # the photos whose thumbnail this run made

    def to_dict(self) -> dict:
        """Plain values for --json output."""
        return {"total": self.total, "made": self.made, "skipped": self.skipped,
                "failed": [{"photo_id": f.photo_id, "path": f.path, "reason": f.reason} for f in self.failed],
                "cache_rebuilt": self.cache_rebuilt, "warnings": list(self.warnings),
                "file_warnings": [{"photo_id": w.photo_id, "path": w.path, "message": w.message}
                                  for w in self.file_warnings],
                "seconds": round(self.seconds, 3)}


def make_thumbnails(thumbs_db_path, items: Iterable[Item], *, processes: int | None = None,
                    progress: Progress | None = None, cancel: CancelFlag | None = None,
                    size: int = THUMBNAIL_SIZE, start_method: str | None = None) -> ThumbnailReport:
    """Make the thumbnails that thumbs.db lacks, on every core; returns a report.

    ``items`` are (photo_id, path, content_hash, orientation).  Photos whose
    thumbnail was made from the same content_hash are skipped, so a run that
    was interrupted carries on where it stopped.  A file that cannot be read
    becomes a failure in the report, never an exception.  ``processes``:
    worker processes (default: one per core; 1 works in this process).  When
    ``cancel`` is set, what is done is committed and Cancelled is raised with
    the partial report as its ``report`` attribute.  ``start_method`` picks
    how workers start ("fork", "spawn", "forkserver"); None chooses safely.
    """
    started = time.monotonic()
    progress = progress or no_progress
    report = ThumbnailReport()
    latest: dict[int, Item] = {}
    for item in items:
        latest[int(item[0])] = item  # the last word on a photo listed twice
    report.total = len(latest)
    store = ThumbnailStore(thumbs_db_path)
    pending: list[tuple] = []

    def flush() -> None:
        if pending:
            store.put_many(pending)
            pending.clear()

    try:
        todo_ids = set(store.missing((pid, item[2]) for pid, item in latest.items()))
        todo = [item for pid, item in latest.items() if pid in todo_ids]
        report.skipped = report.total - len(todo)
        done = report.skipped
        progress(done, report.total, "thumbnails")
        last_report = time.monotonic()
        _check(cancel)
        with closing(_outcomes(todo, processes, size, cancel, start_method)) as outcomes:
            for outcome in outcomes:
                if outcome[0] == "ok":
                    _, photo_id, path, digest, jpeg, width, height, *said = outcome
                    pending.append((photo_id, digest, width, height, jpeg))
                    report.made += 1
                    report.made_ids.append(photo_id)
                    if len(pending) >= BATCH_ROWS:
                        flush()
                else:
                    _, photo_id, path, reason, *said = outcome
                    report.failed.append(ThumbnailFailure(photo_id, path, reason))
                for message in (said[0] if said else ()):
                    report.file_warnings.append(ThumbnailWarning(photo_id, path, message))
                done += 1
                now = time.monotonic()
                # Throttled to 20 a second, but the first outcome is always reported:
                # a person sees the run start, and a Cancel pressed then is honoured
                # before the second.
                if now - last_report >= 0.05 or done == report.skipped + 1:
                    progress(done, report.total, "thumbnails")
                    last_report = now
                _check(cancel)
        flush()
    except Cancelled as exc:
        flush()
        _finish_report(report, store, started)
        exc.report = report
        raise
    finally:
        store.close()
    _finish_report(report, store, started)
    progress(report.total, report.total, "thumbnails")
    return report


def _finish_report(report: ThumbnailReport, store: ThumbnailStore, started: float) -> None:
    report.cache_rebuilt = store.rebuilt
    report.warnings = list(store.warnings)
    report.seconds = time.monotonic() - started


def _check(cancel: CancelFlag | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("thumbnails cancelled")


def _make_one(item: Item, size: int) -> tuple:
    """("ok", id, path, hash, jpeg, w, h, messages) or ("fail", id, path, reason, messages).

    ``messages``: the decoders' warnings and stderr output for this file, caught
    (see archive.decoder_messages) so they reach the report, not the terminal.
    """
    from archive.decoder_messages import decoder_messages

    photo_id, path, digest, orientation = item
    with decoder_messages() as said:
        try:
            thumb = render_thumbnail(path, orientation, size)
            outcome = ("ok", photo_id, str(path), digest, thumb.jpeg, thumb.width, thumb.height)
        except UnreadableFile as exc:
            outcome = ("fail", photo_id, str(path), exc.reason)
        except Exception as exc:  # one bad file must never stop the run
            outcome = ("fail", photo_id, str(path), f"unexpected error: {type(exc).__name__}: {exc}")
    return outcome + (tuple(said),)


def _work_chunk(chunk: list[Item], size: int) -> list[tuple]:
    """Runs in a worker process."""
    return [_make_one(item, size) for item in chunk]


def _outcomes(todo: list[Item], processes: int | None, size: int,
              cancel: CancelFlag | None, start_method: str | None = None) -> Iterator[tuple]:
    """Outcomes of todo in completion order, from worker processes.

    The work runs on the shared, warm worker pool (archive/workers.py; a
    ``start_method`` asks for a pool of its own, started that way, for this run
    only).  Work goes out in small chunks, a few per worker, so cancelling
    waits for little; chunks not started are withdrawn and the pool is left
    ready for the next job.  If a decoder crashes a worker (a segfault on a
    hostile file) the pool's processes break: the files of the chunks in flight
    are then retried one at a time on new workers, which pins the crash on the
    file that caused it.
    """
    from archive import workers as _workers

    if not todo:
        return
    workers = max(1, min(processes or _cpu_count(), len(todo)))
    if workers == 1 and processes == 1:
        for item in todo:
            yield _make_one(item, size)
        return
    own = _workers.WorkerPool(workers, start_method) if start_method else None
    pool = own or _workers.pool(processes)
    # Chunks of up to 4 files: IPC costs under 1 % of the decoding, and a
    # cancel waits for at most one chunk per worker (a second for HEICs).
    chunk_size = max(1, min(4, len(todo) // (workers * 6)))
    queue = deque(_chunks(todo, chunk_size))
    suspects: deque[list[Item]] = deque()
    in_flight: dict = {}
    try:
        while queue or suspects or in_flight:
            broken = False
            executor = pool.executor()
            while queue or suspects or in_flight:
                if not broken:
                    if suspects:
                        if not in_flight:  # a suspect runs alone, so a crash is its own
                            chunk = suspects.popleft()
                            in_flight[executor.submit(_work_chunk, chunk, size)] = (chunk, True)
                    else:
                        while queue and len(in_flight) < workers * 2:
                            chunk = queue.popleft()
                            in_flight[executor.submit(_work_chunk, chunk, size)] = (chunk, False)
                if not in_flight:
                    break
                finished, _ = wait(in_flight, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in finished:
                    chunk, alone = in_flight.pop(future)
                    try:
                        results = future.result()
                    except BrokenProcessPool:
                        broken = True
                        if alone:
                            item = chunk[0]
                            yield ("fail", item[0], str(item[1]),
                                   "the image decoder crashed on this file")
                        else:
                            suspects.extend([item] for item in chunk)
                        continue
                    except Exception as exc:
                        for item in chunk:
                            yield ("fail", item[0], str(item[1]), f"worker error: {exc}")
                        continue
                    yield from results
                _check(cancel)
                if broken and not in_flight:
                    pool.reset()     # new workers for what is left
                    break
    finally:
        # Cancelled, failed or done: withdraw what has not started, let what runs
        # finish unseen, so the shared pool is ready for the next job.
        running = [f for f in in_flight if not f.cancel()]
        if running:
            wait(running)
        if own is not None:
            own.shutdown()


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _mp_context():
    """The multiprocessing context the shared worker pool starts its workers with
    (never a fork of this process: see archive/workers.py)."""
    import multiprocessing

    from archive.workers import start_method

    return multiprocessing.get_context(start_method())
