"""The build state: one sqlite database, ``.intl-pub/state.sqlite``, and the only code that
reads or writes its rows.

What a run remembers, row by row, so that one changed post reads and writes its own rows
and not the whole archive's:

==============  ==================================================================
``manifest``    (step, key) -> record (JSON): what each step built, by its inputs' digests
``file_digest`` (step, path) -> size, mtime, ctime, inode, digest (git's index, per step)
``post``        identity -> slug, chosen once (:class:`~intl_pub.workdir.identities.Identities`)
``link``        link -> slug ("" for a link several posts share)
``source``      URL -> validators (ETag, Last-Modified), as JSON
``source_file`` page file -> signature (size, mtime, ctime, inode) when last read
``page_state``  page -> digest of its text and when it changed
``tm``          (locale, English key, post) -> a translator's reviewed translation
==============  ==================================================================

A step's changes are queued while it works and committed in one transaction after its
files are renamed into place (:meth:`intl_pub.workdir.store.Store.batch`): the state never
says an output is up to date before the output is on disk; a crash in between only makes
the next run do that work again. The database keeps sqlite's rollback journal: a run that
changes nothing changes no byte of it, and the locales' translate steps, in worker
processes, wait for each other's short commits (``BUSY_SECONDS``). ``PRAGMA user_version`` is the
schema's version; a folder written by the JSON-state versions of intl-pub is imported on
first open (:mod:`intl_pub.workdir.migration`), in the transaction that creates the schema.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from intl_pub.core.errors import StoreError
from intl_pub.core.files import json_text as dumps
from intl_pub.core.files import open_read_only
from intl_pub.workdir import migration

SCHEMA_VERSION = 1
DATABASE = "state.sqlite"
BUSY_SECONDS = 120.0
"""How long a step waits for another process's transaction (locales commit side by side)."""
_CHUNK = 500
"""Keys per ``IN (...)`` query (sqlite's default limit on parameters is 999)."""

Change = Callable[[sqlite3.Connection], None]
"""A queued change of the state: statements run inside the step's transaction."""
Row = tuple[str, int, int, int, int, str]
"""A file's digest-cache row: path, size, mtime_ns, ctime_ns, inode, digest."""

SCHEMA = """
CREATE TABLE manifest (step TEXT NOT NULL, key TEXT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (step, key)) WITHOUT ROWID;
CREATE TABLE file_digest (step TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,
    digest TEXT NOT NULL, PRIMARY KEY (step, path)) WITHOUT ROWID;
CREATE TABLE post (identity TEXT PRIMARY KEY, slug TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE link (link TEXT PRIMARY KEY, slug TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE source (url TEXT PRIMARY KEY, validators TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE source_file (path TEXT PRIMARY KEY, signature TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE page_state (page TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE tm (locale TEXT NOT NULL, key TEXT NOT NULL, slug TEXT NOT NULL,
    text TEXT NOT NULL, PRIMARY KEY (locale, key, slug)) WITHOUT ROWID;
CREATE INDEX tm_by_post ON tm (locale, slug);
"""

Signature = tuple[int, int, int, int]
"""A file's (size, mtime_ns, ctime_ns, inode)."""


class State:
    """The database of one work folder, opened on first use (a run that touches no state
    opens nothing). One per :class:`~intl_pub.workdir.store.Store`, used from one thread."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.root = root
        self.path = folder / DATABASE
        self._db: sqlite3.Connection | None = None
        self._loaded_sources: dict[str, str] = {}
        self._loaded_files: dict[str, str] = {}
        self._loaded_posts: tuple[dict[str, str], dict[str, str]] = ({}, {})

    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = _open(self.folder, self.path, self.root)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it, or (an error, a kill) none of it."""
        db = self.db()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(_failed(self.path, self.root, exc)) from exc

    def apply(self, changes: Iterable[Change]) -> None:
        """Run queued changes in one transaction."""
        with self.transaction() as db:
            for change in changes:
                change(db)

    def _rows(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
        try:
            return self.db().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(_failed(self.path, self.root, exc)) from exc

    # --- manifests --------------------------------------------------------------------

    def records(self, step: str) -> Records:
        return Records(self, step)

    def file_digests(self, step: str) -> dict[str, Row]:
        """A step's digest cache: path -> its whole row, ``(path, size, mtime_ns, ctime_ns,
        inode, digest)`` (the row as sqlite gives it: 300,000 of them are read in an unchanged
        run, and a slice of each costs as much as the query)."""
        rows = self._rows(
            "SELECT path, size, mtime_ns, ctime_ns, inode, digest FROM file_digest WHERE step = ?",
            (step,),
        )
        return {row[0]: row for row in rows}

    # --- post identities --------------------------------------------------------------

    def posts(self) -> tuple[dict[str, str], dict[str, str]]:
        """identity -> slug and link -> slug, as recorded."""
        slugs = dict(self._rows("SELECT identity, slug FROM post"))
        links = dict(self._rows("SELECT link, slug FROM link"))
        self._loaded_posts = (dict(slugs), dict(links))
        return slugs, links

    def save_posts(self, slugs: Mapping[str, str], links: Mapping[str, str]) -> Change | None:
        """The rows that changed since :meth:`posts` (None when none did)."""
        old_slugs, old_links = self._loaded_posts
        post = _diff(old_slugs, slugs)
        link = _diff(old_links, links)
        if not any(post) and not any(link):
            return None
        self._loaded_posts = (dict(slugs), dict(links))

        def change(db: sqlite3.Connection) -> None:
            _write(db, "post", ("identity", "slug"), *post)
            _write(db, "link", ("link", "slug"), *link)

        return change

    # --- sources ----------------------------------------------------------------------

    def sources(self) -> dict[str, Any]:
        """URL -> validators, and ``files``: page file -> signature."""
        urls = dict(self._rows("SELECT url, validators FROM source"))
        files = dict(self._rows("SELECT path, signature FROM source_file"))
        self._loaded_sources, self._loaded_files = urls, files
        state: dict[str, Any] = {url: json.loads(text) for url, text in urls.items()}
        state["files"] = {path: json.loads(text) for path, text in files.items()}
        return state

    def save_sources(self, state: Mapping[str, Any]) -> Change | None:
        urls = {k: dumps(v) for k, v in state.items() if k != "files"}
        files = {k: dumps(v) for k, v in state.get("files", {}).items()}
        source = _diff(self._loaded_sources, urls)
        source_file = _diff(self._loaded_files, files)
        if not any(source) and not any(source_file):
            return None
        self._loaded_sources, self._loaded_files = urls, files

        def change(db: sqlite3.Connection) -> None:
            _write(db, "source", ("url", "validators"), *source)
            _write(db, "source_file", ("path", "signature"), *source_file)

        return change

    # --- pages ------------------------------------------------------------------------

    def page_state(self) -> dict[str, Any]:
        return {page: json.loads(text) for page, text in self._rows("SELECT * FROM page_state")}

    def save_page_state(self, state: Mapping[str, Any]) -> Change:
        rows = {k: dumps(v) for k, v in state.items()}

        def change(db: sqlite3.Connection) -> None:
            old = dict(db.execute("SELECT page, state FROM page_state").fetchall())
            _write(db, "page_state", ("page", "state"), *_diff(old, rows))

        return change

    # --- the translation memory -------------------------------------------------------

    def reviewed(self, locale: str, slug: str) -> dict[str, str]:
        """One post's reviewed translations in a locale: English key -> translation."""
        rows = self._rows("SELECT key, text FROM tm WHERE locale = ? AND slug = ?", (locale, slug))
        return dict(rows)

    def reviewed_for(self, locale: str, keys: Iterable[str]) -> Iterator[tuple[str, str, str]]:
        """(key, slug, translation) for each of ``keys`` reviewed anywhere, by key then slug."""
        wanted = sorted(set(keys))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            yield from self._rows(
                f"SELECT key, slug, text FROM tm WHERE locale = ? AND key IN ({marks}) "
                "ORDER BY key, slug",
                (locale, *chunk),
            )

    @staticmethod
    def save_reviewed(locale: str, by_post: Mapping[str, Mapping[str, str]]) -> Change:
        def change(db: sqlite3.Connection) -> None:
            for slug, texts in by_post.items():
                db.execute("DELETE FROM tm WHERE locale = ? AND slug = ?", (locale, slug))
                db.executemany(
                    "INSERT INTO tm (locale, key, slug, text) VALUES (?, ?, ?, ?)",
                    [(locale, key, slug, text) for key, text in texts.items()],
                )

        return change


class Records(MutableMapping[str, Any]):
    """A step's manifest records, key -> JSON value.

    The rows are read in one query when a run asks for many, and kept as their JSON text:
    a run asks for every post's record (is it outdated?), and one query for all of them
    costs a tenth of one per post; the first :data:`POINT_READS` values asked for by key
    are read a row at a time (:meth:`load` reads them all at once); a value is parsed
    when asked for, and not kept. Only the keys assigned or deleted are written, by
    :meth:`change`. A value changed in place must be assigned again to be saved
    (``records[key] = value``). After :meth:`change`, reads see the committed rows until
    the step's transaction is applied: a step saves its records once, at its end.
    """

    def __init__(self, state: State, step: str) -> None:
        self.state = state
        self.step = step
        self._stored: dict[str, str] | None = None
        self._keys: set[str] | None = None
        self._changed: dict[str, bytes] = {}  # (as UTF-8 JSON: a first publish holds 100,000)
        self._deleted: set[str] = set()
        self._point_reads = 0

    @property
    def stored(self) -> dict[str, str]:
        """Key -> the record's JSON as last committed."""
        if self._stored is None:
            rows = self.state._rows(
                "SELECT key, record FROM manifest WHERE step = ?", (self.step,)
            )
            self._stored = dict(rows)
        return self._stored

    def load(self) -> None:
        """Read every row now, in one query: the caller is about to ask for each."""
        _ = self.stored

    @property
    def keys_(self) -> set[str]:
        if self._keys is None:
            self._keys = (set(self.stored) - self._deleted) | set(self._changed)
        return self._keys

    def __contains__(self, key: object) -> bool:
        return key in self.keys_

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._changed:
            return json.loads(self._changed[key])  # (bytes: as UTF-8, surrogates passed)
        if key in self._deleted:
            return default
        if self._keys is not None and key not in self._keys:
            return default
        if self._stored is None and self._point_reads < POINT_READS:
            self._point_reads += 1  # one changed post of 100,000 reads its row, not all
            rows = self.state._rows(
                "SELECT record FROM manifest WHERE step = ? AND key = ?", (self.step, key)
            )
            return json.loads(rows[0][0]) if rows else default
        if key not in self.keys_:
            return default
        text = self.stored.get(key)
        return json.loads(text) if text is not None else default

    def holds(self, key: str, value: Any) -> bool:
        """Whether the record of ``key`` is ``value``: compared as JSON text, not parsed
        (a run asks it of every post in every language)."""
        if key in self._changed:
            return self._changed[key] == _encoded(value)
        if key in self._deleted:
            return False
        text = self.stored.get(key)
        return text is not None and text == dumps(value)

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        if self._keys is not None:
            self._keys.add(key)
        self._changed[key] = _encoded(value)
        self._deleted.discard(key)

    def __delitem__(self, key: str) -> None:
        if key not in self.keys_:
            raise KeyError(key)
        self.keys_.discard(key)
        self._changed.pop(key, None)
        self._deleted.add(key)

    def keys_with_text(self, needle: str) -> list[str]:
        """The keys whose value may hold ``needle`` in its JSON text: found without parsing
        (a listing rendered again asks it of 100,000 records)."""
        encoded = needle.encode("utf-8", "surrogatepass")
        found = [k for k, raw in self._changed.items() if encoded in raw]
        skip = self._deleted | self._changed.keys()
        found += [k for k, text in self.stored.items() if k not in skip and needle in text]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.keys_))

    def __len__(self) -> int:
        return len(self.keys_)

    def change(self) -> Change | None:
        """The rows assigned or deleted since the last change (None when none were)."""
        if not self._changed and not self._deleted:
            return None
        rows, gone = self._changed, sorted(self._deleted)
        self._changed, self._deleted = {}, set()
        self._stored = None  # read again when next asked: the change may yet roll back
        step = self.step

        def change(db: sqlite3.Connection) -> None:
            db.executemany(
                "DELETE FROM manifest WHERE step = ? AND key = ?", [(step, k) for k in gone]
            )
            db.executemany(  # (decoded a row at a time)
                "INSERT OR REPLACE INTO manifest (step, key, record) VALUES (?, ?, ?)",
                ((step, k, raw.decode("utf-8", "surrogatepass")) for k, raw in rows.items()),
            )

        return change


def _encoded(value: Any) -> bytes:
    """A record as :class:`Records` holds it until saved: its JSON text in UTF-8 (Cyrillic
    or Chinese in a str take 2 bytes a character, and a first publish holds 100,000)."""
    return dumps(value).encode("utf-8", "surrogatepass")


_MISSING = object()
POINT_READS = 1_000
"""Records read a row at a time before :class:`Records` reads them all in one query: a
run that asks for a few (one changed post) does not read 100,000 rows (170 MB of
publish records)."""


def file_digest_change(step: str, changed: Mapping[str, Row], gone: Iterable[str]) -> Change | None:
    """The digest-cache rows of a step that changed or went."""
    gone = sorted(gone)
    if not changed and not gone:
        return None
    rows = [(step, path, *map(int, v[1:5]), str(v[5])) for path, v in changed.items()]

    def change(db: sqlite3.Connection) -> None:
        db.executemany(
            "DELETE FROM file_digest WHERE step = ? AND path = ?", [(step, p) for p in gone]
        )
        db.executemany("INSERT OR REPLACE INTO file_digest VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    return change


def _diff(old: Mapping[str, str], new: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """What to write (new or changed) and what to delete to go from ``old`` to ``new``."""
    upsert = {k: v for k, v in new.items() if old.get(k) != v}
    return upsert, [k for k in old if k not in new]


def _write(
    db: sqlite3.Connection,
    table: str,
    columns: tuple[str, str],
    upsert: Mapping[str, str],
    delete: Iterable[str],
) -> None:
    key, value = columns
    db.executemany(f"DELETE FROM {table} WHERE {key} = ?", [(k,) for k in delete])
    db.executemany(
        f"INSERT OR REPLACE INTO {table} ({key}, {value}) VALUES (?, ?)", list(upsert.items())
    )


def read_records(path: Path, step: str) -> dict[str, str]:
    """A step's records as JSON text, read without writing anything (no schema created, no
    JSON imported, no journal rolled back): {} when the database cannot be read so (see
    :func:`~intl_pub.core.files.open_read_only`)."""
    db = open_read_only(path, SCHEMA_VERSION)
    if db is None:
        return {}
    try:
        return dict(db.execute("SELECT key, record FROM manifest WHERE step = ?", (step,)))
    except sqlite3.Error:
        return {}
    finally:
        db.close()


def _open(folder: Path, path: Path, root: Path) -> sqlite3.Connection:
    """The database, created (and the JSON state of older versions imported) if need be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        # the rollback journal: a read leaves no file changed (WAL's -shm would be), and
        # transactions are short (a step's rows), so readers seldom wait
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            _create(db, folder, root)
        elif version > SCHEMA_VERSION:
            raise StoreError(
                f"{_rel(path, root)} was written by a newer intl-pub (state version {version}); "
                "upgrade intl-pub to work on this folder"
            )
        migration.finish(folder)  # the JSON files imported by a run killed just after
        return db
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(_failed(path, root, exc)) from exc


def _create(db: sqlite3.Connection, folder: Path, root: Path) -> None:
    """The schema, and whatever JSON state an older intl-pub left, in one transaction."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] == 0:  # not done by another process
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)  # (executescript would commit first)
            migration.import_json(db, folder, root)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _failed(path: Path, root: Path, exc: BaseException) -> str:
    return (
        f"{_rel(path, root)}: the build state cannot be read or written ({exc}); free disk "
        "space and check the folder's permissions, then run again (a step's state is saved "
        "whole or not at all)"
    )
