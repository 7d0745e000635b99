"""Picture Desk core: the Qt-free archive library.

Everything the GUI and the command line do is a call into this package: reading
photo metadata, syncing folders into the SQLite archive, thumbnails, search,
articles and matching, house-style rules and licences.  Functions here take and
return plain values or small dataclasses, never print, and long work takes a
``progress`` callback and a ``cancel`` flag (see :mod:`archive.jobs`).
"""

__version__ = "0.1.0"
