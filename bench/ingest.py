"""Import speed against exiftool: searchable, full import, thumbnails, re-sync.

    .venv/bin/python bench/ingest.py [--files 400] [--resync-files 100000] [--repeat 3]
                                     [--skip-resync] [--skip-thumbs] [--profile]
                                     [--fresh-resync] [--rebuild]

Prints figures; passes or fails nothing.  Measured on every core of this
machine with the files in the page cache (each corpus is read once before it
is timed):

  yardstick     ``exiftool -j -fast2`` over the corpus as 2 processes, each
                over half the files (how we would use both cores), and as 1.
  searchable    ``import_paths`` into a fresh archive: seconds from the call
                until its progress turns from "reading metadata" to
                "hashing", i.e. until every photo's metadata is committed and
                can be found.  Target: >= 10x exiftool's files/s.
  full import   ``python -m desktop --archive TMP import DIR --no-thumbnails``
                as a whole process (start-up, scan, read, content hashing).
                Target: >= 5x exiftool.
  thumbnails    ``make_thumbnails`` over the imported photos beside the
                decoder's floor (bench/thumbs.py: Pillow draft-decoding each
                file to 320 px on the same number of processes).  Target: >=
                0.8 of the floor; and, for a copy of the corpus that carries a
                1440x1080 MPF preview (as Nikon, Sony and Fujifilm write),
                >= 5x the floor.
  re-sync       an archive of --resync-files small JPEGs (about 5 kB, full
                metadata, 1,000 per folder): the import's files/s, then
                ``sync_archive`` when nothing changed.  Target: < 2 s.

exiftool, the searchable import and the full import take turns --repeat
times and the medians are reported.  Beside each wall-clock figure the CPU
time per file of all the processes involved is printed: when other work
shares the machine (the load average is printed if so) that is the steadier
comparison.  --profile adds the CPU cost of each step of the import in one
process and a cProfile summary of the searchable phase.

The corpus: one synthetic 12-MP photo (4000x3000, about 3.5 MB, texture and
grain so it compresses like a photograph) that exiftool tags once with what an
agency picture carries: EXIF (camera, lens, capture time with offset and
subseconds, GPS, artist, copyright, description, an IFD1 thumbnail), IPTC-IIM
(UTF-8, by-line, credit, source, caption, headline, place, keywords,
instructions, digest) and XMP (dc, photoshop, Iptc4xmpCore, xmpRights).  The
N files are byte copies that differ in a fixed-width frame number patched in
place (the COM segment, the three copies of the caption, the EXIF
ImageUniqueID) with the IPTC digest recomputed, so content hashes and
captions differ and every offset in the file stays valid.  Corpora, and the
imported re-sync archive, are cached under bench/out/ (git-ignored);
--rebuild makes them again.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from PIL import Image, ImageChops, ImageDraw, ImageFilter  # noqa: E402

OUT = ROOT / "bench" / "out"
CORPUS_VERSION = 4                    # bump when the generated files change
WIDTH, HEIGHT = 4000, 3000            # 12 MP, 4:3 (most compacts, phones, Olympus, Panasonic)
QUALITY = 89                          # about 3.5 MB for this picture
PREVIEW = (1440, 1080)                # 4:3 full-HD-high MPF preview
PROCESSES = 2

FRAME_TOKEN = b"Frame 00000000"                   # in the COM segment and the captions
UID_TOKEN = b"5044424e4348" + b"0" * 20              # EXIF ImageUniqueID, 32 hex digits
TARGETS = {"searchable": 10.0, "full": 5.0, "thumbs": 0.8, "preview": 5.0, "resync": 2.0}

CAPTION = ("Workers install a Christmas tree in central Kyiv, Ukraine, on Monday, "
           "December 19, 2022, hours after a Russian drone attack on the city\u2019s "
           "energy infrastructure. Residents sheltered in metro stations as air-raid "
           "sirens sounded across the capital.")
HEADLINE = "Kyiv prepares for the holidays under drone attack"
CREATOR = "Brendan Hoffman"
AGENCY = "The New York Times"
COPYRIGHT = "\u00a9 2022 The New York Times"
KEYWORDS = ["Ukraine", "Kyiv", "war", "drone attack", "Christmas", "Russia-Ukraine war",
            "energy", "civilians"]
INSTRUCTIONS = "NO SALES. NO ARCHIVE. Editorial use only; embargoed until 2022-12-19T06:00Z."


def _metadata_args(width: int, height: int, small: bool = False) -> list[str]:
    """exiftool arguments for what an agency photo of width x height carries.

    small: a short caption, three keywords and XMP without padding, for the
    5 kB files of the re-sync archive.
    """
    uid = UID_TOKEN.decode()
    # Each file's caption differs (its frame number), as captions within a shoot do.
    caption = (CAPTION.split(". ")[0] + ". " if small else CAPTION + " ") + FRAME_TOKEN.decode() + "."
    keywords = KEYWORDS[:3] if small else KEYWORDS
    return [
        *(["-api", "Compact=NoPadding,NoIndent,Shorthand"] if small else []),
        "-overwrite_original", "-charset", "iptc=UTF8", "-charset", "exif=UTF8",
        "-IPTC:CodedCharacterSet=UTF8",
        # EXIF
        "-EXIF:Make=Canon", "-EXIF:Model=Canon EOS R5", "-EXIF:Orientation#=1",
        "-EXIF:LensMake=Canon", "-EXIF:LensModel=RF24-70mm F2.8 L IS USM",
        "-EXIF:SerialNumber=032021001234",
        "-EXIF:DateTimeOriginal=2022:12:19 02:14:07", "-EXIF:CreateDate=2022:12:19 02:14:07",
        "-EXIF:ModifyDate=2022:12:19 09:31:12",
        "-EXIF:OffsetTime=+02:00", "-EXIF:OffsetTimeOriginal=+02:00", "-EXIF:OffsetTimeDigitized=+02:00",
        "-EXIF:SubSecTimeOriginal=42", "-EXIF:SubSecTimeDigitized=42",
        "-EXIF:ExposureTime=1/250", "-EXIF:FNumber=2.8", "-EXIF:ISO=3200", "-EXIF:FocalLength=35",
        f"-EXIF:ExifImageWidth={width}", f"-EXIF:ExifImageHeight={height}",
        "-EXIF:XResolution=72", "-EXIF:YResolution=72", "-EXIF:ResolutionUnit=inches",
        "-EXIF:ExposureProgram#=3", "-EXIF:Flash#=16", "-EXIF:WhiteBalance#=0", "-EXIF:ColorSpace#=1",
        "-EXIF:GPSVersionID=2.3.0.0",
        "-EXIF:GPSLatitude=50.450100", "-EXIF:GPSLatitudeRef=N",
        "-EXIF:GPSLongitude=30.523400", "-EXIF:GPSLongitudeRef=E",
        "-EXIF:GPSAltitude=170", "-EXIF:GPSAltitudeRef#=0",
        "-EXIF:GPSDateStamp=2022:12:19", "-EXIF:GPSTimeStamp=00:14:07",
        f"-EXIF:Artist={CREATOR}", f"-EXIF:Copyright={COPYRIGHT}",
        f"-EXIF:ImageDescription={caption}", f"-EXIF:ImageUniqueID={uid}",
        # IPTC-IIM
        f"-IPTC:By-line={CREATOR}", "-IPTC:By-lineTitle=Staff Photographer",
        f"-IPTC:Credit={AGENCY}", f"-IPTC:Source={AGENCY}", f"-IPTC:CopyrightNotice={COPYRIGHT}",
        f"-IPTC:Caption-Abstract={caption}", f"-IPTC:Headline={HEADLINE}",
        "-IPTC:ObjectName=UKRAINE-RUSSIA-WAR-KYIV", "-IPTC:Writer-Editor=LB",
        "-IPTC:City=Kyiv", "-IPTC:Sub-location=Shevchenkivskyi district",
        "-IPTC:Province-State=Kyiv City", "-IPTC:Country-PrimaryLocationName=Ukraine",
        "-IPTC:Country-PrimaryLocationCode=UKR", f"-IPTC:SpecialInstructions={INSTRUCTIONS}",
        "-IPTC:DateCreated=2022:12:19", "-IPTC:TimeCreated=02:14:07+02:00",
        "-IPTC:OriginalTransmissionReference=NYT-KYIV-1219",
        *[f"-IPTC:Keywords={k}" for k in keywords],
        # XMP
        f"-XMP-dc:Creator={CREATOR}", f"-XMP-dc:Description={caption}", f"-XMP-dc:Rights={COPYRIGHT}",
        "-XMP-dc:Title=UKRAINE-RUSSIA-WAR-KYIV", *[f"-XMP-dc:Subject={k}" for k in keywords],
        f"-XMP-photoshop:Credit={AGENCY}", f"-XMP-photoshop:Source={AGENCY}",
        f"-XMP-photoshop:Headline={HEADLINE}", "-XMP-photoshop:City=Kyiv",
        "-XMP-photoshop:State=Kyiv City", "-XMP-photoshop:Country=Ukraine",
        f"-XMP-photoshop:Instructions={INSTRUCTIONS}", "-XMP-photoshop:AuthorsPosition=Staff Photographer",
        "-XMP-photoshop:DateCreated=2022:12:19 02:14:07.42+02:00", "-XMP-photoshop:CaptionWriter=LB",
        "-XMP-photoshop:TransmissionReference=NYT-KYIV-1219",
        "-XMP-iptcCore:Location=Shevchenkivskyi district", "-XMP-iptcCore:CountryCode=UA",
        "-XMP-xmpRights:Marked=True", "-XMP-xmpRights:UsageTerms=Editorial use only",
        "-XMP-xmpRights:WebStatement=https://www.nytimes.com/licensing",
        "-XMP-xmp:CreatorTool=Photo Mechanic 6", "-XMP-xmp:CreateDate=2022:12:19 02:14:07.42+02:00",
        "-Photoshop:IPTCDigest=new",
    ]


# --- the corpora ------------------------------------------------------------

def synthetic_photo(width: int, height: int, seed: int = 11) -> Image.Image:
    """Edges, gradients, texture and sensor grain: compresses like a photograph."""
    import random

    rnd = random.Random(seed)
    y = Image.linear_gradient("L").rotate(30).resize((width, height))
    draw = ImageDraw.Draw(y)
    for _ in range(60):
        x0, y0 = rnd.randrange(width), rnd.randrange(height)
        box = (x0, y0, x0 + rnd.randrange(width // 50, width // 3), y0 + rnd.randrange(height // 40, height // 3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)(box, fill=rnd.randrange(30, 230))
    y = y.filter(ImageFilter.GaussianBlur(3))
    texture = Image.effect_noise((max(1, width // 4), max(1, height // 4)), 25).resize(
        (width, height), Image.Resampling.BICUBIC)
    y = ImageChops.add(y, texture, offset=-128)
    y = ImageChops.add(y, Image.effect_noise((width, height), 4), offset=-128)
    chroma = [Image.effect_noise((max(1, width // 128), max(1, height // 128)), 25).resize(
        (width, height), Image.Resampling.BICUBIC) for _ in range(2)]
    return Image.merge("YCbCr", (y, *chroma)).convert("RGB")


def _jpeg(img: Image.Image, quality: int, **kw) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, **kw)
    return out.getvalue()


def _exiftool_write(path: Path, args: list[str]) -> None:
    argfile = path.with_suffix(".args")
    argfile.write_text("\n".join([*args, str(path)]) + "\n", encoding="utf-8")
    done = subprocess.run(["exiftool", "-@", str(argfile)], capture_output=True, text=True)
    argfile.unlink()
    if done.returncode != 0 or "1 image files updated" not in done.stdout:
        raise SystemExit(f"exiftool could not tag {path}: {done.stdout}{done.stderr}")


def _patch_plan(data: bytes) -> dict:
    """Where the per-file values go: frame numbers, the unique id, the IPTC block and its digest.

    The frame number sits in the COM segment and in the caption's three copies
    (EXIF, IPTC, XMP); the IPTC digest (Photoshop resource 0x0425, the MD5 of
    the IIM block 0x0404) is recomputed per file, so the files stay what
    Photoshop or exiftool would have written.
    """
    frames = []
    at = data.find(FRAME_TOKEN)
    while at >= 0:
        frames.append(at + len(FRAME_TOKEN) - 8)   # the last 8 characters carry the frame number
        at = data.find(FRAME_TOKEN, at + 1)
    if len(frames) != 4:
        raise SystemExit(f"frame placeholder found {len(frames)} times in the base file, expected 4 "
                         "(COM, EXIF, IPTC, XMP)")
    if data.count(UID_TOKEN) != 1:
        raise SystemExit(f"unique-id placeholder found {data.count(UID_TOKEN)} times in the base file")
    iptc = digest = None
    app13 = data.find(b"Photoshop 3.0\x00") - 4               # FF ED, then the segment length
    if app13 >= 0 and data[app13:app13 + 2] == b"\xff\xed":
        end = app13 + 2 + int.from_bytes(data[app13 + 2:app13 + 4], "big")
        pos = app13 + 4 + len(b"Photoshop 3.0\x00")
        while pos + 12 <= end and data[pos:pos + 4] == b"8BIM":
            rid = int.from_bytes(data[pos + 4:pos + 6], "big")
            name_len = data[pos + 6]
            pos += 6 + name_len + 1 + (name_len + 1) % 2          # Pascal name, padded to even
            size = int.from_bytes(data[pos:pos + 4], "big")
            body = pos + 4
            if rid == 0x0404:
                iptc = (body, body + size)
            elif rid == 0x0425 and size == 16:
                digest = body
            pos = body + size + size % 2
    if iptc is None or digest is None:
        raise SystemExit("the base file has no IPTC block or IPTC digest")
    return {"frames": frames, "uid": data.find(UID_TOKEN) + len(UID_TOKEN) - 8,
            "iptc": iptc, "digest": digest}


def _write_copies(base: bytes, plan: dict, paths: list[Path], start: int = 0) -> None:
    """Write base to each path with its frame number patched in (same length: offsets stay valid)."""
    data = bytearray(base)
    s, e = plan["iptc"]
    for i, path in enumerate(paths, start):
        for at in plan["frames"]:
            data[at:at + 8] = b"%08d" % i
        data[plan["uid"]:plan["uid"] + 8] = b"%08x" % i
        data[plan["digest"]:plan["digest"] + 16] = hashlib.md5(data[s:e]).digest()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)


def _complete(directory: Path, params: dict) -> bool:
    marker = directory / "complete.json"
    try:
        return json.loads(marker.read_text()) == params
    except (OSError, ValueError):
        return False


def _mark_complete(directory: Path, params: dict) -> None:
    (directory / "complete.json").write_text(json.dumps(params))


def base_files(rebuild: bool) -> tuple[bytes, bytes]:
    """(plain, with MPF preview) bytes of the tagged 12-MP base photo, cached in bench/out."""
    from thumbs import add_mpf_preview

    folder = OUT / "ingest-base"
    params = {"version": CORPUS_VERSION, "size": [WIDTH, HEIGHT], "quality": QUALITY, "preview": list(PREVIEW)}
    plain_path, preview_path = folder / "base.jpg", folder / "base-preview.jpg"
    if not rebuild and _complete(folder, params):
        return plain_path.read_bytes(), preview_path.read_bytes()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print("  making the 12-MP base photo and tagging it with exiftool ...", flush=True)
    img = synthetic_photo(WIDTH, HEIGHT)
    plain_path.write_bytes(_jpeg(img, QUALITY, comment=b"Picture Desk ingest bench, " + FRAME_TOKEN))
    thumb = folder / "thumb.jpg"
    thumb.write_bytes(_jpeg(img.resize((160, 120), Image.Resampling.BILINEAR), 80))
    _exiftool_write(plain_path, [*_metadata_args(WIDTH, HEIGHT), f"-ThumbnailImage<={thumb}"])
    thumb.unlink()
    plain = plain_path.read_bytes()
    # Camera previews are about a tenth of the main image (bench/thumbs.py cites a
    # Canon CR3: 356 kB beside 3.2 MB): the best quality that fits that budget.
    small = img.resize(PREVIEW, Image.Resampling.LANCZOS)
    for quality in range(90, 45, -5):
        preview = _jpeg(small, quality)
        if len(preview) <= len(plain) // 10:
            break
    preview_path.write_bytes(add_mpf_preview(plain, preview))
    _mark_complete(folder, params)
    return plain, preview_path.read_bytes()


def photo_corpus(n: int, rebuild: bool) -> tuple[Path, Path]:
    """bench/out/ingest-corpus-N/{plain,preview}: N tagged 12-MP JPEGs each."""
    plain, with_preview = base_files(rebuild)
    folder = OUT / f"ingest-corpus-{n}"
    params = {"version": CORPUS_VERSION, "n": n, "plain": hashlib.md5(plain).hexdigest(),
              "preview": hashlib.md5(with_preview).hexdigest()}
    dirs = folder / "plain", folder / "preview"
    if not rebuild and _complete(folder, params):
        return dirs
    shutil.rmtree(folder, ignore_errors=True)
    print(f"  writing {n} + {n} 12-MP JPEGs to {folder} ...", flush=True)
    for directory, base in zip(dirs, (plain, with_preview)):
        directory.mkdir(parents=True)
        _write_copies(base, _patch_plan(base), [directory / f"IMG_{i:05d}.JPG" for i in range(n)])
    _mark_complete(folder, params)
    return dirs


def bare_corpus(n: int, rebuild: bool) -> Path:
    """bench/out/ingest-corpus-N/bare: N tagged 12-MP JPEGs with no embedded preview at all
    (no MPF preview, no EXIF IFD1 thumbnail), as many agency and edited pictures arrive."""
    plain, _ = base_files(rebuild)
    folder = OUT / f"ingest-corpus-{n}"
    params = {"version": CORPUS_VERSION, "n": n, "base": hashlib.md5(plain).hexdigest()}
    directory = folder / "bare"
    if not rebuild and _complete(directory, params):
        return directory
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    base_path = directory / "base.jpeg"
    base_path.write_bytes(plain)
    _exiftool_write(base_path, ["-IFD1:all=", "-overwrite_original"])
    base = base_path.read_bytes()
    base_path.unlink()
    print(f"  writing {n} 12-MP JPEGs without a preview to {directory} ...", flush=True)
    _write_copies(base, _patch_plan(base), [directory / f"IMG_{i:05d}.JPG" for i in range(n)])
    _mark_complete(directory, params)
    return directory


def small_corpus(n: int, rebuild: bool) -> Path:
    """bench/out/resync-corpus-N: N small tagged JPEGs, 1,000 per folder."""
    folder = OUT / f"resync-corpus-{n}"
    params = {"version": CORPUS_VERSION, "n": n}
    if not rebuild and _complete(folder, params):
        return folder / "photos"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "photos").mkdir(parents=True)
    base_path = folder / "base.jpg"
    img = synthetic_photo(96, 72, seed=5).filter(ImageFilter.GaussianBlur(2))
    base_path.write_bytes(_jpeg(img, 50, comment=b"Picture Desk resync bench, " + FRAME_TOKEN))
    _exiftool_write(base_path, _metadata_args(*img.size, small=True))
    base = base_path.read_bytes()
    print(f"  writing {n} small JPEGs ({len(base)} bytes each) to {folder} ...", flush=True)
    plan = _patch_plan(base)
    per_folder = 1000
    for start in range(0, n, per_folder):
        sub = folder / "photos" / f"{start // per_folder:04d}"
        sub.mkdir()
        _write_copies(base, plan, [sub / f"IMG_{i:06d}.JPG" for i in range(start, min(n, start + per_folder))],
                      start)
    _mark_complete(folder, params)
    return folder / "photos"


def jpeg_files(directory: Path) -> list[str]:
    return sorted(str(p) for p in directory.rglob("*.JPG"))


def warm(paths: list[str]) -> float:
    """Read every file once so the timed runs find them in the page cache; returns MB read."""
    total = 0
    for path in paths:
        with open(path, "rb", buffering=0) as f:
            while chunk := f.read(1 << 22):
                total += len(chunk)
    return total / 1e6


# --- measuring --------------------------------------------------------------

def cpu_seconds(who=None) -> float:
    """CPU time of this process and its waited-for children (pool workers, exiftool)."""
    total = 0.0
    for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) if who is None else (who,):
        usage = resource.getrusage(w)
        total += usage.ru_utime + usage.ru_stime
    return total


# --- exiftool ---------------------------------------------------------------

def exiftool_rate(paths: list[str], processes: int, scratch: Path) -> tuple[float, float]:
    """(files/s, CPU ms per file) of `exiftool -j -fast2`, the files split over `processes` processes."""
    argfiles = []
    for k in range(processes):
        argfile = scratch / f"exiftool-{k}.args"
        argfile.write_text("\n".join(paths[k::processes]) + "\n")
        argfiles.append(argfile)
    cpu = cpu_seconds()
    started = time.perf_counter()
    procs = [subprocess.Popen(["exiftool", "-j", "-fast2", "-@", str(a)], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL) for a in argfiles]
    outputs = [p.communicate()[0] for p in procs]
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds() - cpu
    read = sum(len(json.loads(o)) for o in outputs)
    if read != len(paths):
        raise SystemExit(f"exiftool read {read} of {len(paths)} files")
    return len(paths) / elapsed, cpu / len(paths) * 1000


# --- the archive ------------------------------------------------------------

def fresh_dir(name: str) -> Path:
    path = OUT / "tmp" / name
    shutil.rmtree(path, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class PhaseClock:
    """A progress callback that notes when each phase message first appears."""

    def __init__(self):
        self.started = time.perf_counter()
        self.self_started = cpu_seconds(resource.RUSAGE_SELF)
        self.children_started = cpu_seconds(resource.RUSAGE_CHILDREN)
        self.first: dict[str, float] = {}
        self.cpu: dict[str, tuple[float, float]] = {}   # CPU seconds by then: (this process, joined workers)

    def __call__(self, done, total, message=""):
        if message not in self.first:
            self.first[message] = time.perf_counter() - self.started
            self.cpu[message] = (cpu_seconds(resource.RUSAGE_SELF) - self.self_started,
                                 cpu_seconds(resource.RUSAGE_CHILDREN) - self.children_started)


def searchable_run(directory: Path, n: int, archive_dir: Path, processes=None) -> dict:
    """import_paths of directory into a new archive: when its metadata was in, and the CPU it took."""
    from archive.store import open_archive
    from archive.sync import import_paths

    t0 = time.perf_counter()
    archive = open_archive(archive_dir)
    opened = time.perf_counter() - t0
    try:
        clock = PhaseClock()
        report = import_paths(archive, [directory], thumbnails=False, progress=clock, processes=processes)
        total = time.perf_counter() - clock.started
        total_cpu = cpu_seconds() - clock.self_started - clock.children_started
    finally:
        archive.close()
    if report.added != n or report.failed:
        raise SystemExit(f"import of {directory}: added {report.added} of {n}, failed {report.failed[:3]}")
    if "hashing" not in clock.first:
        raise SystemExit("import_paths never reported the 'hashing' phase: cannot tell when metadata was in")
    return {"open": opened, "scan": clock.first.get("reading metadata", 0.0),
            "searchable": clock.first["hashing"], "total": total,
            "cpu_ms": sum(clock.cpu["hashing"]) / n * 1000,
            "parent_ms": clock.cpu["hashing"][0] / n * 1000, "workers_ms": clock.cpu["hashing"][1] / n * 1000,
            "total_cpu_ms": total_cpu / n * 1000}


def resync_archive(small_dir: Path, m: int, fresh: bool) -> tuple[Path, dict]:
    """The archive of the small corpus, imported once and cached with its import figures.

    Importing 100,000 files takes minutes; the re-sync figure needs only an
    archive that matches the files on disk, so it is kept (keyed to the
    corpus it was made from) unless --fresh-resync or --rebuild asks again.
    """
    archive_dir = OUT / f"resync-archive-{m}"
    marker = archive_dir / "import.json"
    corpus = json.loads((small_dir.parent / "complete.json").read_text())
    if not fresh and (archive_dir / "archive.db").exists():
        try:
            saved = json.loads(marker.read_text())
        except (OSError, ValueError):
            saved = {}
        if saved.get("corpus") == corpus and "parent_ms" in saved:
            return archive_dir, {**saved, "fresh": False}
    shutil.rmtree(archive_dir, ignore_errors=True)
    r = searchable_run(small_dir, m, archive_dir)
    saved = {**r, "corpus": corpus, "date": time.strftime("%Y-%m-%d %H:%M")}
    marker.write_text(json.dumps(saved))
    return archive_dir, {**saved, "fresh": True}


def metadata_check(archive_dir: Path) -> str:
    """Did the reader actually read what the files carry?  One line for the report."""
    from archive.store import open_archive
    from archive.store.photos import get_record

    expect = {
        "creator": [CREATOR], "credit": AGENCY, "source": AGENCY, "copyright": COPYRIGHT,
        "headline": HEADLINE, "city": "Kyiv", "country": "Ukraine",
        "country_code": "UA", "instructions": INSTRUCTIONS, "make": "Canon", "model": "Canon EOS R5",
        "keywords": KEYWORDS, "width": WIDTH, "height": HEIGHT,
    }
    with open_archive(archive_dir, create=False) as archive:
        first = archive.conn.execute("SELECT min(id) FROM photos").fetchone()[0]
        record = get_record(archive.conn, first)
        rows = archive.conn.execute("SELECT path, caption, warnings FROM photos").fetchall()
    # Every file's own caption (its frame number), and no reader warnings (e.g. an IPTC digest mismatch).
    bad_captions = sum(caption != f"{CAPTION} Frame {Path(path).stem[4:]:0>8}." for path, caption, _ in rows)
    warned = [w for _, _, w in rows if w not in (None, "", "[]")]
    wrong = [k for k, v in expect.items() if record.get(k) != v]
    if bad_captions:
        wrong.append(f"caption differs in {bad_captions} of {len(rows)} photos, e.g. {rows[0][1]!r}")
    if warned:
        wrong.append(f"warnings in {len(warned)} photos, e.g. {warned[0]}")
    if "RF24-70mm F2.8 L IS USM" not in (record.get("lens") or ""):
        wrong.append("lens")
    taken = record.get("taken_at") or ""
    if not taken.startswith("2022-12-19T02:14:07") or not taken.endswith("+02:00"):
        wrong.append(f"taken_at={taken!r}")
    gps = record.get("gps") or {}
    if abs((gps.get("lat") or 0) - 50.4501) > 1e-4 or abs((gps.get("lon") or 0) - 30.5234) > 1e-4:
        wrong.append(f"gps={gps}")
    if not (record.get("content_hash") or "").strip():
        wrong.append("content_hash")
    if wrong:
        return "metadata check: differs from what was written: " + ", ".join(
            w if " " in w or "=" in w else f"{w}={record.get(w)!r}" for w in wrong)
    return (f"metadata check: all {len(expect) + 5} written fields read back (photo {first}), "
            f"every photo's own caption, no warnings")


def full_import_run(directory: Path, n: int, archive_dir: Path) -> tuple[float, float]:
    """(wall seconds, CPU ms per file) of the command line importing directory."""
    cmd = [sys.executable, "-m", "desktop", "--archive", str(archive_dir), "import", str(directory),
           "--no-thumbnails"]
    cpu = cpu_seconds()
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds() - cpu
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return elapsed, cpu / n * 1000


def archive_items(archive_dir: Path) -> list[tuple]:
    from archive.store import open_archive

    with open_archive(archive_dir, create=False) as archive:
        return archive.conn.execute("SELECT id, path, content_hash, orientation FROM photos "
                                    "ORDER BY id").fetchall()


def thumbs_run(archive_dir: Path) -> tuple[float, float, str]:
    """(files/s, CPU ms per file, where the first thumbnail came from) of make_thumbnails."""
    from archive.thumbnails import make_thumbnails, render_thumbnail

    items = archive_items(archive_dir)
    db = archive_dir / "thumbs.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    cpu = cpu_seconds()
    started = time.perf_counter()
    report = make_thumbnails(db, items, processes=PROCESSES)
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds() - cpu
    if report.made != len(items) or report.failed:
        raise SystemExit(f"thumbnails: made {report.made} of {len(items)}, failed {report.failed[:3]}")
    return len(items) / elapsed, cpu / len(items) * 1000, render_thumbnail(items[0][1], items[0][3]).source


def floor_run(paths: list[str]) -> tuple[float, float]:
    """(files/s, CPU ms per file) of the decoder's floor, as bench/thumbs.py measures it."""
    from thumbs import floor_rate

    cpu = cpu_seconds()
    started = time.perf_counter()
    floor_rate(paths, PROCESSES)
    elapsed = time.perf_counter() - started
    return len(paths) / elapsed, (cpu_seconds() - cpu) / len(paths) * 1000


# --- profile ----------------------------------------------------------------

def profile_searchable(directory: Path, n: int) -> None:
    """cProfile (CPU time) of the searchable phase in one process, summarised by step and function."""
    import cProfile
    import pstats

    from archive.store import open_archive
    from archive.sync import import_paths

    # Warm this process (gazetteer, imports) on a few files first: a pool worker pays that once.
    warmup = fresh_dir("profile-warmup")
    with open_archive(warmup) as archive:
        import_paths(archive, jpeg_files(directory)[:4], thumbnails=False, processes=1)

    class Stop(Exception):
        pass

    def progress(done, total, message=""):
        if message == "hashing":
            raise Stop()

    step_costs(jpeg_files(directory))
    cold_start_costs(jpeg_files(directory)[0])
    archive = open_archive(fresh_dir("profile"))
    profiler = cProfile.Profile(time.process_time)
    cpu = time.process_time()
    profiler.enable()
    try:
        import_paths(archive, [directory], thumbnails=False, progress=progress, processes=1)
    except Stop:
        pass
    finally:
        profiler.disable()
        archive.close()
    cpu = time.process_time() - cpu
    print(f"\nprofile: searchable phase in ONE process (processes=1), CPU time: {cpu:.2f} s = "
          f"{cpu / n * 1000:.2f} ms per file (profiler overhead included)")
    stats = pstats.Stats(profiler).stats
    steps = [("read_metadata (reader)", "archive/metadata/reader.py", "read_metadata"),
             ("  of which exifread + exif.py", "archive/metadata/exif.py", "read_exif"),
             ("  of which XMP", "archive/metadata/xmp.py", "merge_packets"),
             ("  of which IPTC", "archive/metadata/iptc.py", "parse_iptc"),
             ("  of which reconcile", "archive/metadata/reconcile.py", "reconcile"),
             ("PhotoMetadata.to_dict", "archive/metadata/model.py", "to_dict"),
             ("derive (fts, facets, gazetteer)", "archive/derive.py", "derive"),
             ("store.insert_photo (SQL)", "archive/store/photos.py", "insert_photo"),
             ("  of which write_index", "archive/store/photos.py", "write_index")]
    print("  cumulative CPU by step:")
    for label, suffix, name in steps:
        found = [v for (f, _l, fn), v in stats.items() if f.endswith(suffix) and fn == name]
        if found:
            ct = max(v[3] for v in found)
            print(f"    {label:36} {ct:7.3f} s  {ct / cpu * 100:5.1f}%  {ct / n * 1000:6.3f} ms/file")
    areas: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tt, _ct, _callers) in stats.items():
        areas[_area(filename, name)] = areas.get(_area(filename, name), 0.0) + tt
    print("  own CPU by module:")
    for area, tt in sorted(areas.items(), key=lambda kv: -kv[1])[:10]:
        print(f"    {area:52} {tt:7.3f} s  {tt / cpu * 100:5.1f}%")
    print("  top functions by own CPU:")
    for (filename, line, name), (_cc, nc, tt, ct, _callers) in sorted(stats.items(),
                                                                       key=lambda kv: -kv[1][2])[:15]:
        print(f"    {tt:7.3f} s own {ct:7.3f} s cum {nc:7d} calls  {_short(filename)}:{line} {name}")


def step_costs(paths: list[str]) -> None:
    """CPU per file of each worker-side step, timed without a profiler (its overhead skews Python code)."""
    import pickle

    from archive.derive import derive
    from archive.hashing import content_hash
    from archive.metadata import read_metadata

    def timed(fn, items):
        cpu = time.process_time()
        out = [fn(x) for x in items]
        return out, (time.process_time() - cpu) / len(items) * 1000

    metas, t_read = timed(read_metadata, paths)
    dicts, t_dict = timed(lambda m: m.to_dict(), metas)
    for d in dicts:
        d["gps"] = {"lat": d["gps_lat"], "lon": d["gps_lon"], "alt": d["gps_alt"]} if d.get("gps_lat") else None
    derived, t_derive = timed(derive, dicts)
    _, t_pickle = timed(lambda x: pickle.loads(pickle.dumps(x, pickle.HIGHEST_PROTOCOL)), list(zip(dicts, derived)))
    _, t_hash = timed(content_hash, paths)
    print(f"\nworker-side steps, CPU ms per file, one process, no profiler ({len(paths)} files):")
    print(f"  read_metadata {t_read:.3f}   to_dict {t_dict:.3f}   derive {t_derive:.3f}   "
          f"pickle round trip {t_pickle:.3f}   (content_hash {t_hash:.3f}, in the hashing phase)")


_COLD = """
import sys, time
c0 = time.process_time()
import archive.sync, archive.derive
from archive.metadata import read_metadata
c1 = time.process_time()
m = read_metadata(sys.argv[1]).to_dict()
m["gps"] = {"lat": m["gps_lat"], "lon": m["gps_lon"], "alt": m["gps_alt"]} if m.get("gps_lat") else None
c2 = time.process_time()
archive.derive.derive(m)
c3 = time.process_time()
archive.derive.derive(m)
c4 = time.process_time()
print(f"{(c1 - c0) * 1000:.0f} {(c2 - c1) * 1000:.1f} {(c3 - c2) * 1000:.0f} {(c4 - c3) * 1000:.2f}")
"""


def cold_start_costs(path: str) -> None:
    """What a fresh process pays once: the imports of the import path, the first file, the first derive.

    A forked pool worker inherits the parent's imports but pays whatever the
    parent had not done yet (typically the first derive) once per worker.
    """
    done = subprocess.run([sys.executable, "-c", _COLD, path], cwd=ROOT, capture_output=True, text=True)
    try:
        imports, first_read, first_derive, second = done.stdout.split()
    except ValueError:
        print(f"cold start: could not measure ({done.stderr.strip()[-300:]})")
        return
    print(f"cold start, CPU ms in a fresh process: importing archive.sync + derive + metadata {imports}, "
          f"first read_metadata {first_read}, first derive {first_derive} (the next derive {second})")


def _short(filename: str) -> str:
    if str(ROOT) in filename:
        return os.path.relpath(filename, ROOT)
    return "/".join(Path(filename).parts[-2:])


def _area(filename: str, name: str) -> str:
    if filename == "~":
        if "sqlean" in name or "sqlite" in name:
            return "sqlite (C calls)"
        return f"builtin {name}"[:52]
    if str(ROOT) in filename:
        rel = os.path.relpath(filename, ROOT)
        parts = Path(rel).parts
        if parts[:2] == ("archive", "metadata"):
            return "/".join(parts[:3])
        return rel
    return "stdlib/site: " + "/".join(Path(filename).parts[-2:])


# --- main -------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=400, help="12-MP JPEGs in the corpus (default 400)")
    parser.add_argument("--resync-files", type=int, default=100_000,
                        help="small JPEGs in the re-sync archive (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each import figure (median; default 3)")
    parser.add_argument("--skip-resync", action="store_true", help="skip the re-sync figures")
    parser.add_argument("--fresh-resync", action="store_true",
                        help="import the re-sync archive again instead of reusing the cached one")
    parser.add_argument("--skip-thumbs", action="store_true", help="skip the thumbnail figures")
    parser.add_argument("--profile", action="store_true", help="also profile the searchable phase in one process")
    parser.add_argument("--rebuild", action="store_true", help="make the cached corpora again")
    args = parser.parse_args()
    n = args.files
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"Picture Desk ingest benchmark: {n} files, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"exiftool {subprocess.run(['exiftool', '-ver'], capture_output=True, text=True).stdout.strip()}")
    rows: list[tuple[str, str, str, str]] = []   # figure, value, target, verdict
    _load_note("at the start")
    # As installed: pip and the bundle bring our modules compiled.  A source tree run with
    # PYTHONDONTWRITEBYTECODE set would compile them on every start (0.1 s of an import).
    import compileall

    for package in ("archive", "desktop"):
        compileall.compile_dir(str(ROOT / package), quiet=1)

    print("corpus:", flush=True)
    t = time.perf_counter()
    plain_dir, preview_dir = photo_corpus(n, args.rebuild)
    plain = jpeg_files(plain_dir)
    preview = jpeg_files(preview_dir)
    mb = warm(plain) + (0 if args.skip_thumbs else warm(preview))
    print(f"  {len(plain)} files of {os.path.getsize(plain[0]) / 1e6:.2f} MB in {plain_dir}"
          f" (+ {len(preview)} of {os.path.getsize(preview[0]) / 1e6:.2f} MB with an MPF preview); "
          f"{mb:.0f} MB read to warm the cache; {time.perf_counter() - t:.1f} s")

    try:
        import archive.sync  # noqa: F401  (needs the metadata reader)
        from archive.metadata import read_metadata  # noqa: F401
        ready = None
    except ImportError as exc:
        ready = exc

    # exiftool, the searchable import and the full import take turns, so a
    # change in what else the machine runs hits all three alike; medians.
    scratch = fresh_dir("exiftool")
    scratch.mkdir()
    print(f"timed runs (exiftool -j -fast2 on {PROCESSES} processes | searchable: import_paths until "
          f"'hashing' starts | full: python -m desktop import --no-thumbnails):", flush=True)
    exif, runs, fulls = [], [], []
    for k in range(args.repeat):
        exif.append(exiftool_rate(plain, PROCESSES, scratch))
        line = f"  run {k + 1}: exiftool {exif[-1][0]:6.1f} files/s (CPU {exif[-1][1]:.2f} ms/file)"
        if ready is None:
            r = searchable_run(plain_dir, n, fresh_dir(f"searchable-{k}"))
            runs.append(r)
            fulls.append(full_import_run(plain_dir, n, fresh_dir(f"full-{k}")))
            line += (f"\n         searchable at {r['searchable']:.3f} s = {n / r['searchable']:.0f} files/s, "
                     f"CPU {r['cpu_ms']:.2f} ms/file (parent {r['parent_ms']:.2f}, workers {r['workers_ms']:.2f}); "
                     f"open {r['open']:.3f} s, scan {r['scan']:.3f} s; whole import_paths {r['total']:.3f} s, "
                     f"CPU {r['total_cpu_ms']:.2f} ms/file"
                     f"\n         full import {fulls[-1][0]:.3f} s = {n / fulls[-1][0]:.0f} files/s, "
                     f"CPU {fulls[-1][1]:.2f} ms/file")
        print(line, flush=True)
    exif1, _ = exiftool_rate(plain, 1, scratch)
    exif2 = statistics.median(e[0] for e in exif)
    exif_cpu = statistics.median(e[1] for e in exif)
    print(f"  exiftool on 1 process: {exif1:.1f} files/s")
    rows.append((f"exiftool -j -fast2, {PROCESSES} processes", f"{exif2:.1f} files/s, CPU {exif_cpu:.2f} ms/file",
                 "yardstick", ""))
    rows.append(("exiftool -j -fast2, 1 process", f"{exif1:.1f} files/s", "", ""))
    if ready is not None:
        print(f"\nthe archive cannot import yet ({ready}): only the yardstick was measured")
        _table(rows)
        _load_note("at the end")
        return

    print("  " + metadata_check(OUT / "tmp" / "searchable-0"))
    startup = min(_startup_seconds() for _ in range(3))
    print(f"  python -m desktop --help alone: {startup:.3f} s")
    searchable = n / statistics.median(r["searchable"] for r in runs)
    in_process = n / statistics.median(r["total"] for r in runs)
    ratio = searchable / exif2
    cpu_ms = statistics.median(r["cpu_ms"] for r in runs)
    rows.append(("searchable (metadata in the archive)", f"{searchable:.0f} files/s = {ratio:.1f}x exiftool",
                 f">= {TARGETS['searchable']:g}x", _verdict(ratio >= TARGETS["searchable"])))
    rows.append(("  same, CPU per file (all processes)",
                 f"{cpu_ms:.2f} ms vs exiftool {exif_cpu:.2f} ms = {exif_cpu / cpu_ms:.1f}x", "", ""))
    rows.append(("import_paths incl. hashing (in process)", f"{in_process:.0f} files/s = "
                 f"{in_process / exif2:.1f}x exiftool", "", ""))
    full = n / statistics.median(f[0] for f in fulls)
    ratio = full / exif2
    cpu_ms = statistics.median(f[1] for f in fulls)
    rows.append(("full import (CLI process, with hashing)", f"{full:.0f} files/s = {ratio:.1f}x exiftool",
                 f">= {TARGETS['full']:g}x", _verdict(ratio >= TARGETS["full"])))
    rows.append(("  same, CPU per file (all processes)",
                 f"{cpu_ms:.2f} ms vs exiftool {exif_cpu:.2f} ms = {exif_cpu / cpu_ms:.1f}x", "", ""))

    if not args.skip_thumbs:
        print(f"thumbnails ({PROCESSES} processes; floor = Pillow draft decode to 320 px, bench/thumbs.py):",
              flush=True)
        preview_archive = fresh_dir("preview")
        searchable_run(preview_dir, n, preview_archive)
        figures = {}
        for name, paths, archive_dir in (("plain", plain, OUT / "tmp" / "searchable-0"),
                                         ("preview", preview, preview_archive)):
            floor, floor_cpu = floor_run(paths)
            rate, cpu_ms, source = thumbs_run(archive_dir)
            figures[name] = floor, floor_cpu, rate, cpu_ms
            print(f"  {name + ':':9} floor {floor:6.1f} files/s ({floor_cpu:5.1f} ms CPU/file), make_thumbnails "
                  f"{rate:6.1f} files/s ({cpu_ms:5.1f} ms CPU/file), source {source}", flush=True)
        floor, floor_cpu, rate, cpu_ms = figures["plain"]
        ratio = rate / floor
        rows.append(("thumbnails, 12 MP, no usable preview", f"{rate:.1f} files/s = {ratio:.2f} of floor "
                     f"({floor:.1f}); CPU {floor_cpu / cpu_ms:.2f}", f">= {TARGETS['thumbs']:g} of floor",
                     _verdict(ratio >= TARGETS["thumbs"])))
        floor, floor_cpu, rate, cpu_ms = figures["preview"]
        ratio = rate / floor
        rows.append((f"thumbnails, {PREVIEW[0]}x{PREVIEW[1]} MPF preview",
                     f"{rate:.1f} files/s = {ratio:.1f}x floor ({floor:.1f}); CPU {floor_cpu / cpu_ms:.1f}x",
                     f">= {TARGETS['preview']:g}x floor", _verdict(ratio >= TARGETS["preview"])))

    if not args.skip_resync:
        from archive.store import open_archive
        from archive.sync import sync_archive

        m = args.resync_files
        print(f"re-sync ({m} small JPEGs):", flush=True)
        t = time.perf_counter()
        small_dir = small_corpus(m, args.rebuild)
        args.fresh_resync |= args.rebuild
        small = jpeg_files(small_dir)
        if len(small) != m:
            raise SystemExit(f"{small_dir}: {len(small)} files, expected {m}; run with --rebuild")
        warm(small)
        print(f"  corpus ready in {time.perf_counter() - t:.1f} s ({os.path.getsize(small[0])} bytes a file)",
              flush=True)
        archive_dir, r = resync_archive(small_dir, m, args.fresh_resync)
        when = "" if r["fresh"] else f", cached from {r['date']}"
        print(f"  import{when}: metadata in at {r['searchable']:.2f} s = {m / r['searchable']:.0f} files/s "
              f"(CPU {r['cpu_ms']:.2f} ms/file: parent {r['parent_ms']:.2f}, workers "
              f"{r['workers_ms']:.2f}); whole import_paths {r['total']:.2f} s = "
              f"{m / r['total']:.0f} files/s", flush=True)
        note = "" if r["fresh"] else " (cached import)"
        rows.append((f"import of {m} small JPEGs (searchable)",
                     f"{m / r['searchable']:.0f} files/s, CPU {r['cpu_ms']:.2f} ms/file{note}", "", ""))
        rows.append((f"import of {m} small JPEGs (with hashing)", f"{m / r['total']:.0f} files/s{note}", "", ""))
        # Each run opens the archive afresh, as `picturedesk sync` does: nothing
        # of archive.db is in SQLite's page cache yet (the OS cache is warm).
        times, cpus = [], []
        for k in range(3):
            cpu = cpu_seconds()
            started = time.perf_counter()
            with open_archive(archive_dir, create=False) as archive:
                report = sync_archive(archive, thumbnails=False)
            times.append(time.perf_counter() - started)
            cpus.append(cpu_seconds() - cpu)
            if report.unchanged != m or report.added or report.updated or report.missing:
                raise SystemExit(f"sync of an unchanged archive did something: {report.to_dict()}")
        print("  open_archive + sync_archive, nothing changed: " + ", ".join(f"{s:.3f} s" for s in times)
              + " (CPU " + ", ".join(f"{c:.3f}" for c in cpus) + " s)", flush=True)
        resync = statistics.median(times)
        rows.append((f"re-sync unchanged, {m} files", f"{resync:.2f} s (median of 3; CPU "
                     f"{statistics.median(cpus):.2f} s)",
                     f"< {TARGETS['resync']:g} s", _verdict(resync < TARGETS["resync"])))

    if args.profile:
        profile_searchable(plain_dir, n)

    _table(rows)
    _load_note("at the end")


def _load_note(when: str) -> None:
    """Timings assume an idle machine: say so when something else was using the cores."""
    one, five, _ = os.getloadavg()
    if one > 0.5:
        print(f"note: load average {one:.2f} (5 min {five:.2f}) {when}: other processes share the "
              f"cores, so wall-clock figures are pessimistic; CPU ms per file is the steadier comparison")


def _startup_seconds() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "desktop", "--help"], cwd=ROOT, capture_output=True)
    return time.perf_counter() - started


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def _table(rows) -> None:
    widths = [max(len(r[i]) for r in rows + [("figure", "value", "target", "")]) for i in range(4)]
    print()
    print(f"{'figure':{widths[0]}}  {'value':{widths[1]}}  {'target':{widths[2]}}  ")
    print("-" * (sum(widths) + 6))
    for figure, value, target, verdict in rows:
        print(f"{figure:{widths[0]}}  {value:{widths[1]}}  {target:{widths[2]}}  {verdict}")


if __name__ == "__main__":
    main()
