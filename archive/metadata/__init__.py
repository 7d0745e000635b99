"""Photo metadata: read EXIF, IPTC and XMP (embedded and sidecar) and reconcile them.

Public API:

- ``read_metadata(path, head=None) -> PhotoMetadata``
- ``SUPPORTED_EXTENSIONS``: the lowercase file extensions we read
- ``sidecar_paths(path) -> list[Path]``: the XMP sidecars that exist for a photo

Modules, in pipeline order: source (the file's bytes, head in memory),
containers + tiff + bmff (find the blocks in JPEG, PNG, WebP / TIFF-based /
HEIF and CR3 files; their result types in blocks), exif, iptc, xmp (decode
the blocks), dates, reconcile (the MWG rules, and sidecar overrides),
sidecar (finding sidecars), reader (the whole pipeline).
"""

from .model import PhotoMetadata
from .reader import SUPPORTED_EXTENSIONS, read_metadata
from .sidecar import sidecar_paths

__all__ = ["PhotoMetadata", "SUPPORTED_EXTENSIONS", "read_metadata", "sidecar_paths"]
