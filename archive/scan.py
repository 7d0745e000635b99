"""Walking folders for photos: what is there now, with the stat that says if it changed.

A file's state is (size, mtime_ns, inode, newest sidecar mtime): when all four
match the archive, the file is neither read nor hashed again.  Folders that
cannot be read are reported and the walk goes on.  Regular files that are not
photos we read are counted by extension (``skipped_types``); sidecars (.xmp)
and hidden files are not counted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from archive.metadata import SUPPORTED_EXTENSIONS


@dataclass
class ScanResult:
    files: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # path -> state
    failed: list[tuple[str, str]] = field(default_factory=list)                 # (path, reason)
    skipped: int = 0                                                             # not photos
    skipped_types: dict[str, int] = field(default_factory=dict)                  # "RW2" -> 4


def _sidecar_state(name: str, sidecars: dict[str, int]) -> int:
    if not sidecars:
        return 0
    stem, _ext = os.path.splitext(name)
    return max(sidecars.get(stem.casefold() + ".xmp", 0), sidecars.get(name.casefold() + ".xmp", 0))


NOT_UTF8 = "the name is not valid UTF-8 (the archive keeps names as UTF-8): rename it to import it"


def storable(path: str) -> bool:
    """Can the archive keep this path?  POSIX names are bytes; one that is not UTF-8
    comes to Python with surrogates, which SQLite's UTF-8 text refuses."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(path: str) -> str:
    """A path as text that can be printed and stored: bytes that are not UTF-8 written
    as escapes (\\xe9), the rest as it is."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def scan_folder(root: str, result: ScanResult, cancel=None) -> None:
    """Add every photo under ``root`` (recursively) to ``result``."""
    stack = [root]
    while stack:
        if cancel is not None and cancel.is_set():
            return
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            result.failed.append((folder, f"cannot read folder: {exc.strerror or exc}"))
            continue
        sidecars = {}
        photos = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if not storable(name):
                if is_dir or os.path.splitext(name)[1].lower() in SUPPORTED_EXTENSIONS:
                    result.failed.append((shown(entry.path), NOT_UTF8))   # one name never stops a folder
                else:
                    _skip(entry, os.path.splitext(shown(name))[1].lower(), result)
                continue
            if is_dir:
                stack.append(entry.path)
                continue
            dot = name.rfind(".")
            ext = name[dot:].lower() if dot > 0 else ""
            if ext == ".xmp":
                try:
                    sidecars[name.casefold()] = entry.stat().st_mtime_ns
                except OSError:
                    pass
            elif ext in SUPPORTED_EXTENSIONS:
                photos.append(entry)
            else:
                _skip(entry, ext, result)
        for entry in photos:
            try:
                st = entry.stat()
            except OSError as exc:
                result.failed.append((entry.path, f"cannot read file: {exc.strerror or exc}"))
                continue
            result.files[entry.path] = (st.st_size, st.st_mtime_ns, st.st_ino,
                                        _sidecar_state(entry.name, sidecars))


def _skip(entry: os.DirEntry, ext: str, result: ScanResult) -> None:
    """Count a regular file that is not imported, by its extension ("no extension" for none)."""
    try:
        if not entry.is_file():
            return              # a socket, a fifo, a broken link: nothing anyone meant to import
    except OSError:
        return
    kind = ext[1:].upper() or "no extension"
    result.skipped += 1
    result.skipped_types[kind] = result.skipped_types.get(kind, 0) + 1


def stat_file(path: str) -> tuple[int, int, int, int]:
    """The state of a single file (imported by name, not through a folder)."""
    st = os.stat(path)
    folder, name = os.path.split(path)
    sidecars = {}
    stem = os.path.splitext(name)[0]
    for candidate in (stem + ".xmp", name + ".xmp", stem + ".XMP", name + ".XMP"):
        try:
            sidecars[candidate.casefold()] = max(sidecars.get(candidate.casefold(), 0),
                                                 os.stat(os.path.join(folder, candidate)).st_mtime_ns)
        except OSError:
            pass
    return (st.st_size, st.st_mtime_ns, st.st_ino, _sidecar_state(name, sidecars))
