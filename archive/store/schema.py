"""The archive schema and its forward migrations.

Each migration is a list of steps that takes the archive from one version to the
next; ``PRAGMA user_version`` records where an archive stands.  A step is an SQL
statement, or a function given the archive as a sqlite-utils ``Database`` for what
sqlite-utils says better: a migration that changes columns (a type, a rename, a NOT
NULL), which SQLite's ALTER TABLE cannot do: ``transform`` rebuilds the table with
sqlite-utils and keeps its indexes and triggers.  Adding columns (``add_columns``)
is SQLite's own ALTER TABLE, as sqlite-utils does it, and a step that only needs SQL
(``on_connection``) is given the connection.  Opening an archive runs the missing
migrations in one transaction (:func:`apply`), so an archive is never left between
versions, and nothing is ever dropped: a column that goes out of use stays until a
migration copies its data elsewhere.  sqlite-utils is imported only when a step needs
it; opening a current archive, or making a new one, never loads it.
"""

from __future__ import annotations

from typing import Callable, Union

Step = Union[str, Callable[["object"], None]]
FTS_TOKENIZER = "unicode61 remove_diacritics 2"      # the full-text index's (and a phrase judge's)


def database(conn):
    """The sqlite-utils view of ``conn``, leaving the connection as the store set it up:
    no ``recursive_triggers`` (the store's triggers are written for SQLite's default) and
    no plugins run on it."""
    import sqlite_utils

    return sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)


def apply(conn, steps: list[Step], db=None):
    """Run one migration's steps on ``conn`` (inside the caller's transaction).
    Returns the sqlite-utils view if a step needed one, for the next migration."""
    for step in steps:
        if isinstance(step, str):
            conn.execute(step)
        elif getattr(step, "on_connection", False):
            step(conn)
        else:
            db = db or database(conn)
            step(db)
    return db


def on_connection(step: Callable) -> Callable:
    """Mark a step that is given the connection, not a sqlite-utils view of it."""
    step.on_connection = True
    return step


def add_columns(table: str, columns: dict) -> list[str]:
    """Steps adding ``columns`` ({name: Python type}) to ``table``, in order, with the
    column types sqlite-utils' ``add_column`` gives them.  Plain ``ALTER TABLE``, as
    sqlite-utils itself does it: a new archive runs every migration, and loading
    sqlite-utils for this (70 ms) was a tenth of a 1,000-photo import."""
    types = {int: "INTEGER", str: "TEXT", float: "FLOAT", bytes: "BLOB"}
    return [f"ALTER TABLE [{table}] ADD COLUMN [{name}] {types[kind]}" for name, kind in columns.items()]


def transform(db, table: str, **changes) -> None:
    """Change ``table``'s columns with sqlite-utils' ``transform`` (``types``, ``rename``,
    ``not_null``, ``defaults``...; never ``drop``: a migration does not drop data),
    keeping its rows, its indexes and its triggers.

    SQLite rebuilds the table under a new name, so the triggers on it would go with
    the old one: they are read first and made again.  Inside the migration's
    transaction sqlite-utils works in a savepoint.  A trigger that names a renamed
    column is the migration's own to rewrite."""
    if changes.get("drop"):
        raise ValueError("a migration never drops a column")
    triggers = [sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY rowid", [table])]
    db[table].transform(**changes)
    for sql in triggers:
        db.execute(sql)

# Version 1: photos, folders, full text, facets, places.
_V1 = [
    """CREATE TABLE folders (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
    )""",
    """CREATE TABLE photos (
        id INTEGER PRIMARY KEY,
        sort_key INTEGER NOT NULL UNIQUE,      -- FTS rowid; ascending = newest first
        path TEXT NOT NULL UNIQUE,
        folder_id INTEGER REFERENCES folders(id),
        size INTEGER, mtime_ns INTEGER, inode INTEGER,
        sidecar_mtime_ns INTEGER,              -- newest XMP sidecar's mtime, 0 when none
        content_hash TEXT,
        missing_since TEXT,                    -- set when the file is gone; never deleted
        format TEXT, width INTEGER, height INTEGER, orientation INTEGER,
        taken_at TEXT, taken_date TEXT,        -- ISO; taken_date is the local calendar day
        make TEXT, model TEXT, lens TEXT,
        gps_lat REAL, gps_lon REAL, gps_alt REAL,
        creator TEXT NOT NULL DEFAULT '[]',    -- JSON list
        creator_title TEXT, credit TEXT, source TEXT, copyright TEXT,
        caption TEXT, headline TEXT, title TEXT,
        keywords TEXT NOT NULL DEFAULT '[]',   -- JSON list
        city TEXT, sublocation TEXT, state TEXT, country TEXT, country_code TEXT,
        instructions TEXT, usage_terms TEXT, web_statement TEXT,
        credit_line TEXT,
        embedded TEXT NOT NULL DEFAULT '{}',   -- JSON: the file's own reconciled metadata
        edited TEXT NOT NULL DEFAULT '[]',     -- JSON list of fields edited in the archive
        conflicts TEXT NOT NULL DEFAULT '{}',  -- JSON: field -> what the file says now, where it disagrees with an edit
        warnings TEXT NOT NULL DEFAULT '[]',
        place_city TEXT,                       -- canonical city (gazetteer), from metadata or GPS
        thumb_hash TEXT,                       -- content_hash the thumbnail was made from
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
        updated_at TEXT
    )""",
    "CREATE INDEX photos_hash ON photos(content_hash)",
    "CREATE INDEX photos_folder ON photos(folder_id)",
    "CREATE INDEX photos_taken_date ON photos(taken_date)",
    "CREATE INDEX photos_place_city ON photos(place_city)",
    # Photos that lack a caption, a creator or a position, newest first (-has:...).
    "CREATE INDEX photos_no_caption ON photos(sort_key) WHERE coalesce(caption, '') = ''",
    "CREATE INDEX photos_no_creator ON photos(sort_key) WHERE creator = '[]'",
    "CREATE INDEX photos_no_gps ON photos(sort_key) WHERE gps_lat IS NULL",
    f"""CREATE VIRTUAL TABLE photo_fts USING fts5(
        caption, headline, keywords, creator, credit, places,
        content='', contentless_delete=1,
        tokenize='{FTS_TOKENIZER}'
    )""",
    # Facets: one row per (value, photo); counts kept beside the values so the
    # whole-archive counts and the planner's choice of driving table are free.
    """CREATE TABLE facet_values (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,                    -- creator, place, agency, licence, clearance, rules
        name TEXT NOT NULL,                    -- as shown
        norm TEXT NOT NULL,                    -- folded key
        count INTEGER NOT NULL DEFAULT 0,
        UNIQUE(kind, norm)
    )""",
    """CREATE TABLE photo_facets (
        value_id INTEGER NOT NULL,
        sort_key INTEGER NOT NULL,
        photo_id INTEGER NOT NULL,             -- dense id, for the bitmap counts
        PRIMARY KEY (value_id, sort_key)
    ) WITHOUT ROWID""",
    "CREATE INDEX photo_facets_by_photo ON photo_facets(sort_key)",
    "CREATE INDEX photo_facets_by_id ON photo_facets(photo_id, value_id)",
    # Places a photo is at or names, by gazetteer id (districts also list their city).
    """CREATE TABLE photo_places (
        place_id INTEGER NOT NULL,
        sort_key INTEGER NOT NULL,
        photo_id INTEGER NOT NULL,
        PRIMARY KEY (place_id, sort_key)
    ) WITHOUT ROWID""",
    "CREATE INDEX photo_places_by_photo ON photo_places(sort_key)",
    # Bitmaps of photo ids for big result sets (totals and facet counts at a million
    # photos), kept with the data generation they were made at; any write to the
    # tables they are made from moves the generation on (triggers below).
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT INTO meta(key, value) VALUES ('generation', 0)",
    """CREATE TABLE bitmap_cache (
        key TEXT PRIMARY KEY, generation INTEGER NOT NULL, data BLOB NOT NULL
    )""",
    *[f"""CREATE TRIGGER {table}_{op.lower()}_generation AFTER {op} ON {table}
          BEGIN UPDATE meta SET value = value + 1 WHERE key = 'generation'; END"""
      for table in ("photos", "photo_facets", "photo_places") for op in ("INSERT", "UPDATE", "DELETE")],
]

# Version 2: articles, their captions, and caption-to-photo pairs.
_V2 = [
    """CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        title TEXT, date TEXT, source_path TEXT, format TEXT, body TEXT,
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
    )""",
    """CREATE TABLE captions (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        text TEXT NOT NULL, credit_line TEXT, credit TEXT NOT NULL DEFAULT '{}',  -- JSON
        paragraph INTEGER,
        PRIMARY KEY (article_id, idx)
    )""",
    # One row per caption: the pairing the matcher proposed and what a person decided.
    """CREATE TABLE pairs (
        article_id INTEGER NOT NULL, idx INTEGER NOT NULL,
        photo_id INTEGER REFERENCES photos(id),
        score REAL, status TEXT NOT NULL,         -- auto, suggested, none
        decision TEXT,                            -- accepted, confirmed, rejected or NULL
        reasons TEXT NOT NULL DEFAULT '[]', candidates TEXT NOT NULL DEFAULT '[]',
        decided_at TEXT,
        PRIMARY KEY (article_id, idx),
        FOREIGN KEY (article_id, idx) REFERENCES captions(article_id, idx) ON DELETE CASCADE
    )""",
    "CREATE INDEX pairs_photo ON pairs(photo_id)",
    *[f"""CREATE TRIGGER pairs_{op.lower()}_generation AFTER {op} ON pairs
          BEGIN UPDATE meta SET value = value + 1 WHERE key = 'generation'; END"""
      for op in ("INSERT", "UPDATE", "DELETE")],
]

# Version 3: licences, leases, stored rule violations and clearance.
_V3 = [
    """CREATE TABLE licences (
        id INTEGER PRIMARY KEY,
        licensor TEXT NOT NULL, aliases TEXT NOT NULL DEFAULT '[]',
        kind TEXT NOT NULL, cost TEXT,
        quota_count INTEGER, quota_period TEXT,
        reference TEXT, valid_from TEXT, valid_until TEXT,
        territories TEXT NOT NULL DEFAULT '[]', media TEXT NOT NULL DEFAULT '[]',
        restrictions TEXT, creators TEXT NOT NULL DEFAULT '[]',
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
    )""",
    """CREATE TABLE leases (
        id INTEGER PRIMARY KEY,
        photo_id INTEGER NOT NULL REFERENCES photos(id),
        allow INTEGER NOT NULL, valid_from TEXT, valid_until TEXT, note TEXT,
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
    )""",
    "CREATE INDEX leases_photo ON leases(photo_id)",
    """CREATE TABLE violations (
        photo_id INTEGER NOT NULL REFERENCES photos(id),
        rule TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL,
        fix TEXT, field TEXT
    )""",
    "CREATE INDEX violations_photo ON violations(photo_id)",
    *add_columns("photos", {
        "licence_id": int,            # assigned by hand
        "licence_resolved": int,      # the covering licence, stored
        "clearance_status": str,
        "clearance_on": str,
        "clearance": str,             # JSON: cost, reasons
        "rule_status": str,           # ok, warning, error; NULL unchecked
        "checked_profile": str,
    }),
    # Flag filters walk their photos in page order (newest first) along these.
    # Partial, so the planner never skip-scans them for unrelated queries.
    "CREATE INDEX photos_cleared ON photos(clearance_on, sort_key) WHERE clearance_status = 'cleared'",
    "CREATE INDEX photos_flagged ON photos(sort_key) WHERE rule_status = 'error'",
    "CREATE INDEX photos_missing ON photos(sort_key) WHERE missing_since IS NOT NULL",
]


# Version 4: keeping stored checks current (archive/checking.py).  The schema itself
# marks what goes stale, so no writer of photos, licences or leases has to remember:
# a change to a field the rules read clears the photo's checked_epoch (NULL = to be
# checked; a partial index finds those at once), a lease clears its photo's, and any
# change to the licences moves check_state's epoch on.
_CHECKED_FIELDS = ("taken_at, gps_lat, gps_lon, creator, creator_title, credit, source, copyright, "
                   "caption, headline, title, keywords, city, sublocation, state, country, country_code, "
                   "instructions, usage_terms, credit_line, embedded, edited, licence_id")
_V4 = [
    *add_columns("photos", {"checked_epoch": int}),   # NULL: never checked, or changed since
    "CREATE INDEX photos_unchecked ON photos(sort_key) WHERE checked_epoch IS NULL",
    "CREATE TABLE check_state (key TEXT PRIMARY KEY, value)",  # epoch, profile, watermark, quota
    "INSERT INTO check_state(key, value) VALUES ('epoch', 1)",
    f"""CREATE TRIGGER photos_checks_stale AFTER UPDATE OF {_CHECKED_FIELDS} ON photos
        WHEN OLD.checked_epoch IS NOT NULL
        BEGIN UPDATE photos SET checked_epoch = NULL WHERE id = NEW.id; END""",
    """CREATE TRIGGER leases_insert_stale AFTER INSERT ON leases
        BEGIN UPDATE photos SET checked_epoch = NULL WHERE id = NEW.photo_id; END""",
    """CREATE TRIGGER leases_delete_stale AFTER DELETE ON leases
        BEGIN UPDATE photos SET checked_epoch = NULL WHERE id = OLD.photo_id; END""",
    """CREATE TRIGGER leases_update_stale AFTER UPDATE ON leases
        BEGIN UPDATE photos SET checked_epoch = NULL WHERE id IN (OLD.photo_id, NEW.photo_id); END""",
    *[f"""CREATE TRIGGER licences_{op.lower()}_stale AFTER {op} ON licences
          BEGIN UPDATE check_state SET value = value + 1 WHERE key = 'epoch'; END"""
      for op in ("INSERT", "UPDATE", "DELETE")],
]

# Version 5: a change log instead of a bare generation counter.  Every write to a
# table that search bitmaps and facet pairs are made from logs the photo it
# touched; the generation is the log's last sequence number.  A reader holding a
# bitmap made at an older generation re-judges only the photos logged since
# (archive/store/bitmaps.py), so one edited caption no longer costs every cached
# bitmap and the facet pairs of a million photos a rebuild.  The log continues
# the old counter, so no cached bitmap can be mistaken for a current one.
_LOGGED = {"photos": "id", "photo_facets": "photo_id", "photo_places": "photo_id", "pairs": "photo_id"}
_V5 = [
    "CREATE TABLE changes (seq INTEGER PRIMARY KEY, photo_id INTEGER)",
    "INSERT INTO changes(seq, photo_id) SELECT value + 1, NULL FROM meta WHERE key = 'generation'",
    "DELETE FROM bitmap_cache",
    *[f"DROP TRIGGER IF EXISTS {table}_{op.lower()}_generation"
      for table in _LOGGED for op in ("INSERT", "UPDATE", "DELETE")],
    *[f"""CREATE TRIGGER {table}_insert_logged AFTER INSERT ON {table}
          BEGIN INSERT INTO changes(photo_id) VALUES (NEW.{column}); END""" for table, column in _LOGGED.items()],
    *[f"""CREATE TRIGGER {table}_delete_logged AFTER DELETE ON {table}
          BEGIN INSERT INTO changes(photo_id) VALUES (OLD.{column}); END""" for table, column in _LOGGED.items()],
    *[f"""CREATE TRIGGER {table}_update_logged AFTER UPDATE ON {table}
          BEGIN INSERT INTO changes(photo_id) VALUES (NEW.{column}); END"""
      for table, column in _LOGGED.items() if table != "pairs"],
    # A pair can move from one photo to another: both change.
    """CREATE TRIGGER pairs_update_logged AFTER UPDATE ON pairs
       BEGIN INSERT INTO changes(photo_id) VALUES (OLD.photo_id), (NEW.photo_id); END""",
]

# Version 6: a stored clearance holds for a span of days, not one.  A verdict only
# changes on the days a licence, lease, embargo, "no archive" grace or quota period
# of the photo starts or ends, so the first search of a new day re-judges the photos
# whose span ended, not the whole archive.  Existing verdicts hold for their own day.
_V6 = [
    *add_columns("photos", {"clearance_from": str, "clearance_until": str}),
    "UPDATE photos SET clearance_from = clearance_on, clearance_until = clearance_on WHERE clearance_on IS NOT NULL",
    "DROP INDEX IF EXISTS photos_cleared",
    "CREATE INDEX photos_cleared ON photos(sort_key) WHERE clearance_status = 'cleared'",
]

# Version 7: the history of every edit, so a person can undo and redo it (also from
# another window or after a restart) and see how a caption changed.  One row per
# field of a photo; the rows of one action share ``batch``.  ``before``/``after`` are
# JSON values; ``was_edited``/``now_edited`` say whether the field was an archive edit
# (or the file's own value) before and after, so an undo puts back exactly that.
_V7 = [
    """CREATE TABLE edit_history (
        id INTEGER PRIMARY KEY,
        batch INTEGER NOT NULL,
        photo_id INTEGER,                      -- NULL for a pairing's own row
        field TEXT NOT NULL,                   -- a field, "licence", or "pair:ARTICLE:CAPTION"
        before TEXT, after TEXT,
        was_edited INTEGER NOT NULL, now_edited INTEGER NOT NULL,
        label TEXT NOT NULL,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
        who TEXT
    )""",
    "CREATE INDEX edit_history_photo ON edit_history(photo_id, field, id)",
    "CREATE INDEX edit_history_batch ON edit_history(batch)",
]

# Version 8: search caches keyed by the database itself, and whole-archive sort orders.
# ``archive_id`` is a random number that names this archive's cached bitmaps in a
# process's memory (with its file), so two archives open at once never share one.
# The name and photographer orders (archive/store/sortkey.py) are made again only
# when a photo is added or removed, renamed, or its photographers change: these
# counters say when.  Cached bitmaps of older versions are dropped (their keys changed).
_V8 = [
    "INSERT OR REPLACE INTO meta(key, value) VALUES ('archive_id', abs(random()))",
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('order:name', 0)",
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('order:creator', 0)",
    "DELETE FROM bitmap_cache",
    """CREATE TRIGGER photos_order_insert AFTER INSERT ON photos
       BEGIN UPDATE meta SET value = value + 1 WHERE key IN ('order:name', 'order:creator'); END""",
    """CREATE TRIGGER photos_order_delete AFTER DELETE ON photos
       BEGIN UPDATE meta SET value = value + 1 WHERE key IN ('order:name', 'order:creator'); END""",
    """CREATE TRIGGER photos_order_path AFTER UPDATE OF path ON photos WHEN OLD.path IS NOT NEW.path
       BEGIN UPDATE meta SET value = value + 1 WHERE key = 'order:name'; END""",
    """CREATE TRIGGER photos_order_creator AFTER UPDATE OF creator ON photos WHEN OLD.creator IS NOT NEW.creator
       BEGIN UPDATE meta SET value = value + 1 WHERE key = 'order:creator'; END""",
]

# Version 9: a photo's fingerprint (size, first and last 64 KiB: archive/hashing.py), which
# import identifies it by; content_hash, the whole file's hash, may follow later.
_V9 = [
    *add_columns("photos", {"fingerprint": str}),
]

# Version 10: edits waiting to be written to the photos' XMP sidecars
# (archive/writeback.py).  A row is added in the edit's own transaction and removed
# when the sidecar holds the edit, so a crash between the two leaves the work to do,
# not a sidecar that silently disagrees with the archive.  ``seq`` moves on with every
# new edit of the photo, so a write clears only the edits it wrote.
_V10 = [
    """CREATE TABLE writebacks (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id),
        fields TEXT NOT NULL,                  -- JSON list of the fields to write
        seq INTEGER NOT NULL,
        queued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT                             -- why the last attempt failed, in words
    )""",
]



@on_connection
def _refold_facet_values(conn) -> None:
    """Give every facet value the key of the one fold (archive/folding.py), merging the
    values that now share one ("Jean-Luc Martin" and "Jean Luc Martin"): the value of
    more photos keeps its name and takes the other's photos."""
    from archive.folding import fold

    groups: dict = {}
    for vid, kind, name, norm, count in conn.execute(
            "SELECT id, kind, name, norm, count FROM facet_values ORDER BY id").fetchall():
        groups.setdefault((kind, fold(name) or norm), []).append((count, -vid, vid))
    for (kind, norm), values in groups.items():
        values.sort(reverse=True)
        keep = values[0][2]
        for _, _, gone in values[1:]:
            conn.execute("UPDATE OR IGNORE photo_facets SET value_id = ? WHERE value_id = ?", (keep, gone))
            conn.execute("DELETE FROM photo_facets WHERE value_id = ?", (gone,))
            conn.execute("DELETE FROM facet_values WHERE id = ?", (gone,))
        if len(values) > 1:
            conn.execute("UPDATE facet_values SET count = (SELECT count(*) FROM photo_facets WHERE value_id = ?) "
                         "WHERE id = ?", (keep, keep))
    # Two passes, so no value takes a key another still holds.
    conn.execute("UPDATE facet_values SET norm = char(0) || id")
    conn.executemany("UPDATE facet_values SET norm = ? WHERE id = ?",
                     [(norm, values[0][2]) for (kind, norm), values in groups.items()])


# Version 11: one fold for names (archive/folding.py).  Facet keys had kept hyphens and
# apostrophes ("jean-luc martin") where the rules and the matcher drop them ("jean luc
# martin"), so ``by:"Jean Luc Martin"`` missed the photographer the rules called the
# same person.  Keys are made again, values that now share a key are merged, and the
# cached bitmaps (some of merged values) are dropped.
_V11 = [
    _refold_facet_values,
    "DELETE FROM bitmap_cache",
]

# Version 12: the full-text of photos written since the word pairs were read
# (archive/store/word_pairs.py).  The full-text index keeps no text, and FTS5 judges a
# phrase at one photo by first finding the phrase's first photo anywhere (a whole read
# for a rare one); with the text of the few changed photos a phrase is judged on them
# alone, by FTS5's own tokenizer in a small table.  Rows are written only while pairs
# are kept and are dropped when the pairs are read again.
_V12 = [
    """CREATE TABLE fts_recent (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sort_key INTEGER NOT NULL UNIQUE,      -- the photo_fts rowid
        photo_id INTEGER NOT NULL,
        caption TEXT, headline TEXT, keywords TEXT, creator TEXT, credit TEXT, places TEXT
    )""",
    "CREATE INDEX fts_recent_photo ON fts_recent(photo_id)",
]

MIGRATIONS: list[list[Step]] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11, _V12]
SCHEMA_VERSION = len(MIGRATIONS)
